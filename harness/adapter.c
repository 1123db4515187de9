/* SPDX-License-Identifier: ISC */
/*
 * adapter.c -- one adapter verb at a time as a child process. Owns the
 * child's pid and the read ends of its pipes. Completion is the child's
 * exit (reaped on SIGCHLD), not EOF: a verb like "start" may leave daemons
 * behind that keep the pipes open. Those pipes stay open and are drained
 * (their bytes dropped) until EOF, so a daemon that logs to the stdout it
 * inherited neither blocks nor dies of SIGPIPE.
 */
#define _GNU_SOURCE		/* pipe2 */
#include <sys/queue.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "../common/log.h"
#include "../common/str.h"
#include "adapter.h"

#define ADAPTER_ARGS_MAX	8

/* A pipe a finished verb's leftovers may still write to. */
struct adapter_linger {
	TAILQ_ENTRY(adapter_linger)	 entry;
	struct adapter			*ad;
	int				 fd;
	struct event			*ev;
};

struct adapter {
	struct event_base	*base;
	char			*path;
	char			*cwd;
	char			**envp;		/* the child's whole environment */
	TAILQ_HEAD(, adapter_linger) lingers;
	/* the running verb */
	pid_t			 pid;
	int			 outfd, errfd;
	struct event		*ev_out, *ev_err, *ev_timeout;
	adapter_done_fn		*done;
	void			*arg;
	struct timespec		 t0;
	struct adapter_result	 res;
};

static void	adapter_on_read(evutil_socket_t, short, void *);
static void	adapter_on_timeout(evutil_socket_t, short, void *);
static void	adapter_drain(struct adapter *, int, bool);
static void	adapter_finish(struct adapter *, int);
static void	adapter_close_fds(struct adapter *);
static void	adapter_linger(struct adapter *, int);
static void	adapter_on_linger(evutil_socket_t, short, void *);
static void	adapter_linger_free(struct adapter_linger *);
static int	adapter_spawn(struct adapter *, const char *const *, int, int,
		    struct err *);

struct adapter *
adapter_new(struct event_base *base, const char *path,
    const char *const *env, size_t nenv, const char *cwd, struct err *err)
{
	struct adapter	*ad;
	size_t		 j;

	if (access(path, X_OK) == -1) {
		err_sys(err, "adapter %s", path);
		return NULL;
	}
	if (nenv > ADAPTER_ENV_MAX) {
		err_set(err, ERR_RANGE, "adapter: more than %d environment "
		    "variables", ADAPTER_ENV_MAX);
		return NULL;
	}
	ad = xcalloc(1, sizeof(*ad));
	ad->base = base;
	ad->path = xstrdup(path);
	ad->cwd = xstrdup(cwd);
	ad->pid = -1;
	ad->outfd = ad->errfd = -1;
	TAILQ_INIT(&ad->lingers);
	ad->envp = xcalloc(nenv + 1, sizeof(char *));
	for (j = 0; j < nenv; j++)
		ad->envp[j] = xstrdup(env[j]);
	return ad;
}

const char *
adapter_path(const struct adapter *ad)
{
	return ad->path;
}

bool
adapter_busy(const struct adapter *ad)
{
	return ad->pid != -1;
}

/*
 * adapter_spawn - the verb's child with posix_spawn (vfork-like, so the
 * harness's large address space is not copied for each verb): its own
 * process group, stdin /dev/null, stdout and stderr on the pipes, every
 * other fd closed (a child must not hold the listeners of worlds another
 * lane replaces), signals unblocked and at their defaults (the harness
 * reads its own from a signalfd), working directory cwd
 */
static int
adapter_spawn(struct adapter *ad, const char *const *argv, int outw, int errw,
    struct err *err)
{
	static const int	 defsigs[] = { SIGPIPE, SIGINT, SIGTERM, SIGHUP,
	    SIGCHLD };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t	 at;
	sigset_t		 none, def;
	size_t			 i;
	int			 e;

	sigemptyset(&none);
	sigemptyset(&def);
	for (i = 0; i < sizeof(defsigs) / sizeof(defsigs[0]); i++)
		sigaddset(&def, defsigs[i]);
	if ((e = posix_spawn_file_actions_init(&fa)) != 0)
		return err_set(err, ERR_SYS, "adapter: spawn: %s", strerror(e));
	if ((e = posix_spawnattr_init(&at)) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return err_set(err, ERR_SYS, "adapter: spawn: %s", strerror(e));
	}
	if ((e = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null",
	    O_RDONLY, 0)) != 0 ||
	    (e = posix_spawn_file_actions_adddup2(&fa, outw, 1)) != 0 ||
	    (e = posix_spawn_file_actions_adddup2(&fa, errw, 2)) != 0 ||
	    (e = posix_spawn_file_actions_addchdir_np(&fa, ad->cwd)) != 0 ||
	    (e = posix_spawn_file_actions_addclosefrom_np(&fa, 3)) != 0 ||
	    (e = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)) != 0 ||
	    (e = posix_spawnattr_setpgroup(&at, 0)) != 0 ||
	    (e = posix_spawnattr_setsigmask(&at, &none)) != 0 ||
	    (e = posix_spawnattr_setsigdefault(&at, &def)) != 0)
		goto out;
	e = posix_spawn(&ad->pid, ad->path, &fa, &at, (char *const *)argv,
	    ad->envp);
out:
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	if (e != 0) {
		ad->pid = -1;
		return err_set(err, ERR_SYS, "adapter: cannot run %s: %s",
		    ad->path, strerror(e));
	}
	return 0;
}

int
adapter_run(struct adapter *ad, const char *verb, const char *const *args,
    size_t nargs, int timeout_sec, adapter_done_fn *done, void *arg,
    struct err *err)
{
	const char	*argv[ADAPTER_ARGS_MAX + 3];
	int		 outp[2] = { -1, -1 }, errp[2] = { -1, -1 };
	struct timeval	 tv = { timeout_sec, 0 };
	size_t		 i;

	if (ad->pid != -1)
		return err_set(err, ERR_RANGE, "adapter: verb %s while %s runs",
		    verb, ad->res.verb);
	if (nargs > ADAPTER_ARGS_MAX)
		return err_set(err, ERR_RANGE, "adapter: too many arguments");
	argv[0] = ad->path;
	argv[1] = verb;
	for (i = 0; i < nargs; i++)
		argv[i + 2] = args[i];
	argv[nargs + 2] = NULL;
	if (pipe2(outp, O_CLOEXEC) == -1 || pipe2(errp, O_CLOEXEC) == -1) {
		err_sys(err, "adapter: pipe");
		goto fail;
	}
	memset(&ad->res, 0, sizeof(ad->res));
	ad->res.verb = verb;
	clock_gettime(CLOCK_MONOTONIC, &ad->t0);
	ad->done = done;
	ad->arg = arg;
	if (adapter_spawn(ad, argv, outp[1], errp[1], err) == -1)
		goto fail;
	close(outp[1]);
	close(errp[1]);
	ad->outfd = outp[0];
	ad->errfd = errp[0];
	evutil_make_socket_nonblocking(ad->outfd);
	evutil_make_socket_nonblocking(ad->errfd);
	ad->ev_out = event_new(ad->base, ad->outfd, EV_READ | EV_PERSIST,
	    adapter_on_read, ad);
	ad->ev_err = event_new(ad->base, ad->errfd, EV_READ | EV_PERSIST,
	    adapter_on_read, ad);
	ad->ev_timeout = evtimer_new(ad->base, adapter_on_timeout, ad);
	if (ad->ev_out == NULL || ad->ev_err == NULL ||
	    ad->ev_timeout == NULL)
		fatalx("adapter_run: event_new failed");
	event_add(ad->ev_out, NULL);
	event_add(ad->ev_err, NULL);
	evtimer_add(ad->ev_timeout, &tv);
	log_debug("adapter: started %s %s (pid %d)", ad->path, verb,
	    (int)ad->pid);
	return 0;
fail:
	for (i = 0; i < 2; i++) {
		if (outp[i] != -1)
			close(outp[i]);
		if (errp[i] != -1)
			close(errp[i]);
	}
	ad->pid = -1;
	return -1;
}

/* adapter_drain - read what fd has; keep the first bytes, drop the rest */
static void
adapter_drain(struct adapter *ad, int fd, bool once)
{
	char	 buf[4096], *dst;
	size_t	*len, cap;
	ssize_t	 n;

	if (fd == ad->outfd) {
		dst = ad->res.out;
		len = &ad->res.outlen;
		cap = sizeof(ad->res.out) - 1;
	} else {
		dst = ad->res.errout;
		len = &ad->res.errlen;
		cap = sizeof(ad->res.errout) - 1;
	}
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			break;
		if (*len < cap) {
			size_t take = (size_t)n < cap - *len ? (size_t)n :
			    cap - *len;
			memcpy(dst + *len, buf, take);
			*len += take;
			dst[*len] = '\0';
		}
		if (once)
			break;
	}
	if (n == 0 && !once) {
		/* EOF: stop watching this pipe */
		if (fd == ad->outfd && ad->ev_out != NULL)
			event_del(ad->ev_out);
		if (fd == ad->errfd && ad->ev_err != NULL)
			event_del(ad->ev_err);
	}
}

static void
adapter_on_read(evutil_socket_t fd, short what, void *arg)
{
	(void)what;
	adapter_drain(arg, fd, false);
}

static void
adapter_on_timeout(evutil_socket_t fd, short what, void *arg)
{
	struct adapter	*ad = arg;

	(void)fd;
	(void)what;
	if (ad->pid == -1)
		return;
	log_warnx("adapter: %s %s timed out; killing it", ad->path,
	    ad->res.verb);
	ad->res.timed_out = true;
	(void)kill(-ad->pid, SIGKILL);
	(void)kill(ad->pid, SIGKILL);
}

/*
 * adapter_close_fds - the verb is over: stop watching its pipes. A pipe
 * not at EOF yet has a writer left (a daemon the verb started); it is
 * drained until EOF instead of being closed under that writer.
 */
static void
adapter_close_fds(struct adapter *ad)
{
	if (ad->ev_out != NULL)
		event_free(ad->ev_out);
	if (ad->ev_err != NULL)
		event_free(ad->ev_err);
	if (ad->ev_timeout != NULL)
		event_free(ad->ev_timeout);
	ad->ev_out = ad->ev_err = ad->ev_timeout = NULL;
	if (ad->outfd != -1)
		adapter_linger(ad, ad->outfd);
	if (ad->errfd != -1)
		adapter_linger(ad, ad->errfd);
	ad->outfd = ad->errfd = -1;
}

/* adapter_linger - keep reading fd, dropping the bytes, until EOF */
static void
adapter_linger(struct adapter *ad, int fd)
{
	struct adapter_linger	*l = xcalloc(1, sizeof(*l));

	l->ad = ad;
	l->fd = fd;
	l->ev = event_new(ad->base, fd, EV_READ | EV_PERSIST,
	    adapter_on_linger, l);
	if (l->ev == NULL)
		fatalx("adapter_linger: event_new failed");
	event_add(l->ev, NULL);
	TAILQ_INSERT_TAIL(&ad->lingers, l, entry);
}

static void
adapter_on_linger(evutil_socket_t fd, short what, void *arg)
{
	struct adapter_linger	*l = arg;
	char			 buf[4096];
	ssize_t			 n;

	(void)what;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	if (n == 0 || (errno != EAGAIN && errno != EINTR))
		adapter_linger_free(l);
}

static void
adapter_linger_free(struct adapter_linger *l)
{
	TAILQ_REMOVE(&l->ad->lingers, l, entry);
	event_free(l->ev);
	close(l->fd);
	free(l);
}

/* adapter_finish - the child exited: collect output, report */
static void
adapter_finish(struct adapter *ad, int wstatus)
{
	adapter_done_fn	*done = ad->done;
	struct timespec	 t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	ad->res.seconds = (double)(t1.tv_sec - ad->t0.tv_sec) +
	    (double)(t1.tv_nsec - ad->t0.tv_nsec) / 1e9;
	if (ad->outfd != -1)
		adapter_drain(ad, ad->outfd, false);
	if (ad->errfd != -1)
		adapter_drain(ad, ad->errfd, false);
	adapter_close_fds(ad);
	/* what the verb started lives on: the runner ends it after stop */
	ad->pid = -1;
	if (WIFEXITED(wstatus))
		ad->res.status = WEXITSTATUS(wstatus);
	else {
		ad->res.status = -1;
		ad->res.signal = WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0;
	}
	log_debug("adapter: %s exited %d", ad->res.verb, ad->res.status);
	if (done != NULL)
		done(&ad->res, ad->arg);
}

bool
adapter_on_exit(struct adapter *ad, pid_t pid, int wstatus)
{
	if (ad == NULL || ad->pid == -1 || pid != ad->pid)
		return false;
	adapter_finish(ad, wstatus);
	return true;
}

void
adapter_kill(struct adapter *ad)
{
	if (ad->pid != -1) {
		(void)kill(-ad->pid, SIGKILL);
		(void)kill(ad->pid, SIGKILL);
	}
}

void
adapter_free(struct adapter *ad)
{
	size_t	i;

	if (ad == NULL)
		return;
	if (ad->pid != -1) {
		adapter_kill(ad);
		(void)waitpid(ad->pid, NULL, 0);
	}
	adapter_close_fds(ad);
	while (!TAILQ_EMPTY(&ad->lingers))
		adapter_linger_free(TAILQ_FIRST(&ad->lingers));
	for (i = 0; ad->envp[i] != NULL; i++)
		free(ad->envp[i]);
	free(ad->envp);
	free(ad->cwd);
	free(ad->path);
	free(ad);
}
