/* SPDX-License-Identifier: ISC */
/*
 * resolver.h -- the run's caching resolver: a dnsmasq (2.90) the harness
 * starts, supervises and flushes, forwarding every query to fake-dns, so
 * that a SUT resolves through a cache as production MTAs do and stale-cache
 * behaviour can show. docs/resolver.md has the why; this file is the
 * contract.
 *
 * Ownership. A struct resolver owns the dnsmasq child (its pid and process
 * group), the read end of the pipe on dnsmasq's stderr, its config file
 * (written in config->dir, left there for debugging) and its events. The
 * config and its strings are copied; the event base is borrowed and must
 * outlive the resolver.
 *
 * Records. Every dnsmasq log line is parsed and reported as an event
 * record through log_event_*() (component "resolver", first fields
 * session= and event=, grammar in docs/events.md), the way the fake
 * servers report. The session is dnsmasq's per-query serial number
 * (log-queries=extra), or 0 for a record about dnsmasq itself.
 *
 * Child processes. The resolver installs no SIGCHLD handler and never
 * calls waitpid(-1): the embedding program reaps every child and hands
 * each reaped pid to resolver_on_child_exit(), before it calls anything
 * else on the resolver (the pid is no longer dnsmasq's). The resolver
 * calls waitpid() on its own pid only inside resolver_new() (dnsmasq
 * failed to start) and resolver_free() (after stopping it). dnsmasq's
 * TCP children are dnsmasq's to reap; the embedding program, as PID 1
 * or a subreaper, reaps any that are orphaned.
 *
 * Callbacks (the exit callback, a flush's done callback) are called from
 * the event loop or from resolver_on_child_exit(), never from inside
 * resolver_new() or resolver_flush(). They may call any function here,
 * resolver_free() included; the resolver is then freed when the callback
 * returns.
 */
#ifndef HARNESS_RESOLVER_H
#define HARNESS_RESOLVER_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/err.h"

#define RESOLVER_START_MS	3000	/* default bound on dnsmasq's startup */
#define RESOLVER_FLUSH_MS	2000	/* default bound on a flush */
#define RESOLVER_CACHE_SIZE	4096	/* default cache-size (entries) */
#define RESOLVER_CACHE_SIZE_MAX	100000
#define RESOLVER_MS_MAX		60000	/* bound on start_ms and flush_ms */

struct event_base;
struct resolver;

/*
 * resolver_exit_fn - dnsmasq exited while the resolver was not being
 * freed; wstatus as waitpid() gave it. Called from
 * resolver_on_child_exit(), after the "exit" record and after a pending
 * flush has failed. The resolver no longer serves; free it.
 */
typedef void resolver_exit_fn(void *arg, int wstatus);

/*
 * resolver_flushed_fn - a resolver_flush() is over: err is NULL when
 * dnsmasq's cache was confirmed clear (see resolver_flush), otherwise it
 * says why not (ERR_TIMEOUT: not confirmed within flush_ms; ERR_IO:
 * dnsmasq exited; ERR_PROTO: pre-flush answers kept refilling the cache).
 * err is valid during the call only.
 */
typedef void resolver_flushed_fn(void *arg, const struct err *err);

/* Plain values, copied by resolver_new(); no pointer is kept. */
#define RESOLVER_ANCHOR_MAX	384	/* a trust anchor: a zone, a digest */

struct resolver_config {
	const char	*dnsmasq;	/* NULL or "": "dnsmasq" on PATH, then
					   /usr/sbin and /sbin; with a '/',
					   used as given */
	const char	*dir;		/* dnsmasq.conf is written here */
	const char	*listen_addr;	/* numeric, e.g. "127.0.0.53" */
	uint16_t	 listen_port;	/* 1..65535; 53 in a run */
	const char	*upstream_addr;	/* fake-dns, numeric */
	uint16_t	 upstream_port;	/* 1..65535 */
	unsigned int	 cache_size;	/* 0: RESOLVER_CACHE_SIZE */
	unsigned int	 start_ms;	/* 0: RESOLVER_START_MS */
	unsigned int	 flush_ms;	/* 0: RESOLVER_FLUSH_MS */
	/*
	 * DNSSEC: each a trust anchor "ZONE,KEYTAG,ALG,DIGESTTYPE,HEX" (the
	 * value of dnsmasq's trust-anchor=). Two dnsmasq take part
	 * (docs/resolver.md, "DNSSEC"): the validator (validator true)
	 * validates each ZONE, asking upstream, and sets AD on the secure
	 * answers; it is asked nothing else. The resolver the SUT uses
	 * (validator false, validator_addr set) validates nothing: it
	 * forwards each ZONE to the validator at validator_addr, port
	 * listen_port, and passes its AD bit on (proxy-dnssec); every other
	 * name goes upstream as without anchors
	 */
	const char *const *anchors;
	size_t		 nanchors;
	bool		 validator;
	const char	*validator_addr;	/* numeric */
	resolver_exit_fn *on_exit;	/* may be NULL */
	void		*arg;		/* for on_exit */
};

/*
 * resolver_new - write dir/dnsmasq.conf, start dnsmasq and return once it
 * serves: its main loop has run (the "cleared cache" line its first loop
 * iteration logs, which comes after its sockets are bound). Blocks the
 * caller (not the event loop's other events: the loop is not run) for at
 * most start_ms. Fails, with dnsmasq's own words where it gave any, when
 * the binary is missing (ERR_NOTFOUND), the config is invalid
 * (ERR_RANGE), dnsmasq exits during startup, e.g. because it cannot bind
 * (ERR_IO), or it is not ready in time (ERR_TIMEOUT); a child it started
 * is killed and reaped first.
 */
struct resolver *resolver_new(struct event_base *,
	    const struct resolver_config *, struct err *) MUST_CHECK;

/*
 * resolver_flush - clear dnsmasq's cache: SIGHUP, then done(arg, NULL)
 * once dnsmasq has logged "cleared cache" (it does so right after
 * emptying its cache), the TCP children it forked before that line
 * (each answers from a copy of the cache taken when it was forked) have
 * been killed and are gone, and no answer to a query it forwarded before
 * the flush refilled the cache after the clear (if one did, it is
 * flushed again). On success the record "flushed requested=yes" comes
 * first. done is called exactly once, from the event loop, within
 * flush_ms, unless the resolver is freed first (then never). Open TCP
 * connections to dnsmasq are closed by a flush. -1 (nothing started,
 * done never called): dnsmasq is not running or its log is closed
 * (ERR_IO), a flush is already pending (ERR_RANGE), or kill() failed.
 * Call it after changing the zone: only answers fake-dns gives after
 * the SIGHUP are known fresh.
 */
int	resolver_flush(struct resolver *, resolver_flushed_fn *done, void *arg,
	    struct err *) MUST_CHECK;

/*
 * resolver_on_child_exit - the embedding program reaped pid with wstatus;
 * true if that was dnsmasq. Then the resolver kills dnsmasq's orphaned
 * TCP children (its process group: they would answer from a cache
 * nothing can flush), reads what was still written, emits "exit ...
 * expected=no", fails a pending flush (ERR_IO) and calls on_exit. False
 * for any other pid, and for r NULL.
 */
bool	resolver_on_child_exit(struct resolver *r, pid_t pid, int wstatus);

/* resolver_pid - dnsmasq's pid, or -1 once it has exited */
pid_t	resolver_pid(const struct resolver *);

/* resolver_dropped - log lines dropped (1023 bytes or more, or a NUL) */
size_t	resolver_dropped(const struct resolver *);

/* resolver_conf_path - the config file written; valid until free */
const char *resolver_conf_path(const struct resolver *);

/*
 * resolver_drain - read what dnsmasq's log pipe holds now and turn it into
 * records, as the loop would on its next turn. A step's window closes
 * after it: dnsmasq logs a query before it answers, so a line about an
 * answer the SUT already had is in the pipe, but the loop may run the
 * SUT's exit before the pipe's read event. NULL is a no-op.
 */
void	resolver_drain(struct resolver *);

/*
 * resolver_free - stop dnsmasq: kill its TCP children and let it reap
 * them, SIGTERM, at most 500 ms, then SIGKILL to its process group; reap
 * it, emit "exit ... expected=yes", close everything (the config file
 * stays). A pending flush is dropped without its callback. Blocks for
 * at most about a second. NULL is a no-op. From inside a resolver
 * callback the free happens when that callback returns.
 */
void	resolver_free(struct resolver *);

#endif
