/* SPDX-License-Identifier: ISC */
/*
 * adapter.h -- run the verbs of the adapter protocol (docs/adapter-protocol.md,
 * version 2) without blocking the event loop that hosts the fake servers.
 * Each verb is a child process in its own process group, with stdin
 * /dev/null, stdout and stderr captured (bounded), the environment and
 * working directory the caller gives, and a timeout after which its whole
 * group is killed. A verb is done when its process exits; what it started
 * keeps running (daemons live until the caller ends them after "stop"),
 * and output they write later is read and dropped.
 */
#ifndef HARNESS_ADAPTER_H
#define HARNESS_ADAPTER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "../common/err.h"

#define ADAPTER_OUT_MAX		8192	/* stdout kept */
#define ADAPTER_ERR_MAX		8192	/* stderr kept (first bytes) */
#define ADAPTER_ENV_MAX		64
#define ADAPTER_EXIT_UNSUPPORTED 89

struct event_base;
struct adapter;

struct adapter_result {
	const char	*verb;
	int		 status;	/* exit status; -1 if killed by a signal */
	int		 signal;	/* the signal, or 0 */
	bool		 timed_out;
	double		 seconds;	/* from fork to exit */
	char		 out[ADAPTER_OUT_MAX];
	size_t		 outlen;
	char		 errout[ADAPTER_ERR_MAX];
	size_t		 errlen;
};

typedef void adapter_done_fn(const struct adapter_result *, void *arg);

/*
 * adapter_new - path is the adapter executable; env holds the child's
 * whole environment ("K=V", copied; nothing else is inherited); cwd is
 * its working directory.
 */
struct adapter *adapter_new(struct event_base *, const char *path,
	    const char *const *env, size_t nenv, const char *cwd, struct err *);
const char *adapter_path(const struct adapter *);
/*
 * adapter_run - start "path verb args..."; done is called once, from the
 * event loop, when the child has exited (or was killed at the timeout).
 * One verb at a time per adapter in this version.
 */
int	adapter_run(struct adapter *, const char *verb,
	    const char *const *args, size_t nargs, int timeout_sec,
	    adapter_done_fn *, void *, struct err *)
	    __attribute__((warn_unused_result));
bool	adapter_busy(const struct adapter *);
/* adapter_kill - SIGKILL the running verb's process group, if any */
void	adapter_kill(struct adapter *);
/*
 * adapter_on_exit - the caller reaped pid (it owns waitpid): true if it
 * was this adapter's running verb, whose done callback then runs
 */
bool	adapter_on_exit(struct adapter *, pid_t, int wstatus);
/* adapter_free - kill a running verb (no callback), close every pipe */
void	adapter_free(struct adapter *);

#endif
