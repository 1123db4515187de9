/* SPDX-License-Identifier: ISC */
/*
 * resolver.c -- the run's caching resolver: one dnsmasq child, its config
 * file, the pipe on its stderr (its query log, parsed line by line into
 * "resolver" event records) and the flush protocol (SIGHUP, confirmed
 * from that log). Owns the child and its process group; reaps nothing it
 * did not start and never waits on any pid but its own. What the records
 * mean is the observer's business, not this file's.
 */
#define _GNU_SOURCE		/* pipe2 */
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/util.h>

#include "../common/file.h"
#include "../common/log.h"
#include "../common/sockaddr.h"
#include "../common/str.h"
#include "resolver.h"

/*
 * dnsmasq 2.90 (log.c) formats a log line into MAX_MESSAGE = 1024 bytes,
 * its newline included, so it cuts its own lines at 1023 bytes. A line
 * that long may have been cut: it is dropped like a longer one.
 */
#define RESOLVER_LINE_MAX	1024
#define RESOLVER_TEXT_MAX	256	/* of a line kept as event=log text */
#define RESOLVER_TYPE_MAX	32	/* "query[type=65535]" */
#define RESOLVER_ADDR_MAX	(INET6_ADDRSTRLEN + 8)
#define RESOLVER_READ_CHUNK	4096
#define RESOLVER_READ_MAX	(64 * 1024)	/* bytes read per callback */
#define RESOLVER_SERIAL_MAX	0xffffffffUL	/* dnsmasq: unsigned int */
#define RESOLVER_CONF_MAX	2048
#define RESOLVER_CONF_NAME	"dnsmasq.conf"
#define RESOLVER_PROGRAM	"dnsmasq"
#define RESOLVER_SBIN_DIRS	"/usr/sbin:/sbin"
#define RESOLVER_PATH_DEFAULT	"/usr/bin:/bin"
/* forwards awaiting an answer; dnsmasq forwards at most 150 at once */
#define RESOLVER_INFLIGHT_MAX	256
/* dnsmasq drops a forward unanswered after TIMEOUT = 10 s (config.h) */
#define RESOLVER_INFLIGHT_TTL_MS 15000
/* an answer already queued at dnsmasq when it cleared its cache */
#define RESOLVER_FLUSH_GRACE_MS	20
/*
 * only a forward younger than this can still be answered: the upstream
 * is fake-dns on loopback, which answers within a millisecond or (a
 * timeout fault) never; older ones would make every flush wait the grace
 */
#define RESOLVER_SUSPECT_AGE_MS	250
#define RESOLVER_FLUSH_ROUNDS	4
#define RESOLVER_REAP_TICK_MS	5
/* TCP children tracked per flush; dnsmasq allows 20 (MAX_PROCS) */
#define RESOLVER_CHILDREN_MAX	64
#define RESOLVER_STAT_MAX	512	/* /proc/PID/stat */
#define RESOLVER_STOP_MS	500	/* SIGTERM, then SIGKILL */
#define RESOLVER_EOF_GRACE_MS	200	/* its log closed: exiting by itself */
#define RESOLVER_STOP_TICK_MS	10

enum resolver_kind {
	RESOLVER_LINE_EMPTY,		/* blank: dropped */
	RESOLVER_LINE_IGNORED,		/* known noise: dropped */
	RESOLVER_LINE_OTHER,		/* event=log */
	RESOLVER_LINE_QUERY,		/* query[T] NAME from ADDR */
	RESOLVER_LINE_FORWARDED,	/* forwarded NAME to ADDR[#PORT] */
	RESOLVER_LINE_REPLY,		/* reply NAME is VALUE */
	RESOLVER_LINE_CACHED,		/* cached NAME is VALUE */
	RESOLVER_LINE_STALE,		/* cached-stale NAME is VALUE */
	RESOLVER_LINE_STARTED,		/* started, version V cachesize N */
	RESOLVER_LINE_UPSTREAM,		/* using nameserver ADDR#PORT */
	RESOLVER_LINE_CLEARED,		/* cleared cache */
	RESOLVER_LINE_LOST,		/* overflow: N log entries lost */
};

/* One log line, split; the pointers are into buf and msg. */
struct resolver_line {
	char			 buf[RESOLVER_LINE_MAX];	/* cut up */
	char			 msg[RESOLVER_LINE_MAX];	/* intact */
	enum resolver_kind	 kind;
	long			 pid;		/* -1: no "dnsmasq[PID]: " */
	bool			 has_serial;
	unsigned long		 serial;
	char			 peer[RESOLVER_ADDR_MAX];	/* "" if none */
	char			 to[RESOLVER_ADDR_MAX];
	const char		*name;
	const char		*type;
	const char		*value;
	const char		*extra;
	const char		*text;		/* the message, for OTHER */
	bool			 cut;		/* line over the bound */
};

/* Message rows of lines without a serial number. */
struct resolver_msg {
	const char		*prefix;
	bool			 exact;
	enum resolver_kind	 kind;
};

/* Client-query rows: the word after the serial and the peer. */
struct resolver_src {
	const char		*word;
	enum resolver_kind	 kind;
	const char		*sep;		/* splits NAME from the rest */
};

struct resolver_inflight {
	pid_t			 pid;		/* 0: free slot */
	unsigned long		 serial;
	uint64_t		 at_ms;
	bool			 suspect;	/* forwarded before the clear */
};

enum resolver_phase {
	RESOLVER_PHASE_IDLE,		/* no flush pending */
	RESOLVER_PHASE_CLEAR,		/* SIGHUP sent; "cleared cache" due */
	RESOLVER_PHASE_REAP,		/* TCP children killed; going */
	RESOLVER_PHASE_GRACE,		/* answers to suspect forwards due */
};

enum resolver_state {
	RESOLVER_RUNNING,
	RESOLVER_EXITED,		/* a zombie of ours */
	RESOLVER_GONE,			/* not our child (any more) */
};

struct resolver {
	struct event_base	*base;
	char			*path;		/* the dnsmasq binary */
	char			*conf;		/* the config file */
	char			 listen[SOCKADDR_STR_MAX];
	char			 upstream[SOCKADDR_STR_MAX];
	unsigned int		 start_ms, flush_ms;
	resolver_exit_fn	*on_exit;
	void			*arg;
	pid_t			 pid;		/* -1: not running */
	int			 fd;		/* dnsmasq's stderr, read end */
	struct event		*ev_read;
	struct event		*ev_deadline;	/* the whole flush */
	struct event		*ev_tick;	/* reap polling, grace */
	bool			 ready;
	char			 diag[ERR_MSG_MAX];	/* first complaint */
	/* line assembly */
	char			 line[RESOLVER_LINE_MAX];
	size_t			 len;
	size_t			 skipping;	/* >0: in an overlong line */
	bool			 nul;		/* the line holds a NUL byte */
	size_t			 dropped;
	struct resolver_line	 parsed;	/* scratch for each line */
	struct resolver_inflight inflight[RESOLVER_INFLIGHT_MAX];
	/* the pending flush */
	enum resolver_phase	 phase;
	resolver_flushed_fn	*done;
	void			*done_arg;
	unsigned int		 rounds;
	unsigned int		 tcp_closed;
	bool			 refilled;
	bool			 child_answered;
	pid_t			 reaping[RESOLVER_CHILDREN_MAX];
	size_t			 nreaping;
	/* callbacks may free the resolver: deferred until they return */
	int			 depth;
	bool			 doomed;
	bool			 freeing;
};

static const struct resolver_msg resolver_msgs[] = {
	{ "started, version ",		false,	RESOLVER_LINE_STARTED },
	{ "cleared cache",		true,	RESOLVER_LINE_CLEARED },
	{ "using nameserver ",		false,	RESOLVER_LINE_UPSTREAM },
	{ "compile time options: ",	false,	RESOLVER_LINE_IGNORED },
	{ "overflow: ",			false,	RESOLVER_LINE_LOST },
	{ NULL,				false,	RESOLVER_LINE_OTHER },
};

/* dnsmasq 2.90 cache.c log_query(): source, then NAME verb DEST */
static const struct resolver_src resolver_srcs[] = {
	{ "query[",		RESOLVER_LINE_QUERY,		" from " },
	{ "forwarded ",		RESOLVER_LINE_FORWARDED,	" to " },
	{ "reply ",		RESOLVER_LINE_REPLY,		" is " },
	{ "cached-stale ",	RESOLVER_LINE_STALE,		" is " },
	{ "cached ",		RESOLVER_LINE_CACHED,		" is " },
	{ NULL,			RESOLVER_LINE_OTHER,		NULL },
};

/* setup and teardown */
static int	resolver_check_config(struct resolver *,
		    const struct resolver_config *, struct err *) MUST_CHECK;
static int	resolver_find(const char *, char **, struct err *) MUST_CHECK;
static bool	resolver_is_program(const char *);
static int	resolver_write_conf(struct resolver *,
		    const struct resolver_config *, unsigned int,
		    struct err *) MUST_CHECK;
static int	resolver_anchor_line(char *, size_t, const char *,
		    const char *, uint16_t, bool);
static int	resolver_spawn(struct resolver *, struct err *) MUST_CHECK;
static void	resolver_child(const struct resolver *, const char *, int,
		    pid_t) __attribute__((noreturn));
static int	resolver_wait_ready(struct resolver *, struct err *)
		    MUST_CHECK;
static void	resolver_startup_error(struct resolver *, int, int,
		    struct err *);
static enum resolver_state resolver_state(const struct resolver *);
static int	resolver_stop(struct resolver *);
static void	resolver_destroy(struct resolver *);
static void	resolver_enter(struct resolver *);
static bool	resolver_leave(struct resolver *);

/* the log pipe */
static void	resolver_on_read(evutil_socket_t, short, void *);
static int	resolver_read(struct resolver *);
static void	resolver_close_pipe(struct resolver *);
static void	resolver_feed(struct resolver *, const char *, size_t);
static void	resolver_end_line(struct resolver *);
static void	resolver_on_line(struct resolver *, const char *);
static void	resolver_event_drop(const char *, size_t);
static void	resolver_event_exit(int, bool);

/* pure: one line to one record */
static void	resolver_line_parse(const char *, struct resolver_line *);
static char    *resolver_parse_prefix(char *, long *);
static void	resolver_parse_query(char *, struct resolver_line *);
static void	resolver_parse_msg(char *, struct resolver_line *);
static char    *resolver_split_last(char *, const char *);
static char    *resolver_token(char **);
static int	resolver_parse_addr(const char *, char, bool, char *, size_t)
		    MUST_CHECK;
static bool	resolver_line_record(const struct resolver_line *, pid_t,
		    struct log_event *);
static void	resolver_record_client(const struct resolver_line *, pid_t,
		    struct log_event *);

/* forwards awaiting an answer */
static void	resolver_inflight_add(struct resolver *, pid_t,
		    unsigned long);
static bool	resolver_inflight_answer(struct resolver *, pid_t,
		    unsigned long);
static bool	resolver_inflight_suspects(struct resolver *);
static void	resolver_inflight_mark(struct resolver *, bool);

/* the flush */
static void	resolver_on_cleared(struct resolver *);
static void	resolver_on_suspect_answer(struct resolver *);
static void	resolver_reap_start(struct resolver *);
static size_t	resolver_kill_children(struct resolver *, pid_t *, size_t);
static bool	resolver_is_live_child(const struct resolver *, pid_t);
static void	resolver_flush_step(struct resolver *);
static void	resolver_reflush(struct resolver *);
static void	resolver_flush_finish(struct resolver *, const struct err *);
static void	resolver_on_tick(evutil_socket_t, short, void *);
static void	resolver_on_deadline(evutil_socket_t, short, void *);
static void	resolver_arm(struct event *, unsigned int);
static uint64_t	resolver_now_ms(void);

/*
 * resolver_check_config - everything resolver_new needs, before any work;
 * the two addresses, normalised, into r
 */
static int
resolver_check_config(struct resolver *r, const struct resolver_config *c,
    struct err *err)
{
	struct sockaddr_storage	la, ua;
	socklen_t		llen, ulen;

	if (c->dir == NULL || c->dir[0] == '\0')
		return err_set(err, ERR_RANGE, "resolver: no config directory");
	if (sockaddr_parse(c->listen_addr, c->listen_port, &la, &llen,
	    NULL) == -1)
		return err_set(err, ERR_RANGE, "resolver: listen address "
		    "is not a numeric IPv4 or IPv6 address");
	if (sockaddr_parse(c->upstream_addr, c->upstream_port, &ua, &ulen,
	    NULL) == -1)
		return err_set(err, ERR_RANGE, "resolver: upstream address "
		    "is not a numeric IPv4 or IPv6 address");
	/* dnsmasq reads port=0 as "no DNS service at all" */
	if (c->listen_port == 0 || c->upstream_port == 0)
		return err_set(err, ERR_RANGE, "resolver: port 0 (listen %u, "
		    "upstream %u)", c->listen_port, c->upstream_port);
	if (llen == ulen && memcmp(&la, &ua, llen) == 0)
		return err_set(err, ERR_RANGE, "resolver: upstream is the "
		    "listen address: dnsmasq would forward to itself");
	if (sockaddr_format((struct sockaddr *)&la, r->listen,
	    sizeof(r->listen)) == -1 || sockaddr_format((struct sockaddr *)&ua,
	    r->upstream, sizeof(r->upstream)) == -1)
		return err_set(err, ERR_RANGE, "resolver: address too long");
	if (c->validator && c->nanchors == 0)
		return err_set(err, ERR_RANGE, "resolver: a validator without "
		    "a trust anchor");
	if (!c->validator && c->nanchors > 0 && sockaddr_parse(
	    c->validator_addr, c->listen_port, &ua, &ulen, NULL) == -1)
		return err_set(err, ERR_RANGE, "resolver: trust anchors, but "
		    "the validator address is not a numeric IPv4 or IPv6 "
		    "address");
	if (c->cache_size > RESOLVER_CACHE_SIZE_MAX)
		return err_set(err, ERR_RANGE, "resolver: cache size %u over "
		    "%u", c->cache_size, RESOLVER_CACHE_SIZE_MAX);
	if (c->start_ms > RESOLVER_MS_MAX || c->flush_ms > RESOLVER_MS_MAX)
		return err_set(err, ERR_RANGE, "resolver: a bound over %u ms",
		    RESOLVER_MS_MAX);
	return 0;
}

/* resolver_is_program - an executable regular file */
static bool
resolver_is_program(const char *path)
{
	struct stat	st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    access(path, X_OK) == 0;
}

/*
 * resolver_find - the binary to run: as given with a '/', else searched
 * on PATH and then in /usr/sbin and /sbin (a user's PATH on Debian lacks
 * them, and dnsmasq-base installs /usr/sbin/dnsmasq)
 */
static int
resolver_find(const char *name, char **out, struct err *err)
{
	char		 shown[FILE_PATH_SHOWN], cand[PATH_MAX];
	const char	*path, *p, *end;
	size_t		 dlen;
	int		 pass;

	if (name == NULL || name[0] == '\0')
		name = RESOLVER_PROGRAM;
	str_escape(shown, sizeof(shown), name);
	if (strchr(name, '/') != NULL) {
		if (!resolver_is_program(name))
			return err_set(err, ERR_NOTFOUND, "resolver: %s: not "
			    "an executable file", shown);
		*out = xstrdup(name);
		return 0;
	}
	if ((path = getenv("PATH")) == NULL)
		path = RESOLVER_PATH_DEFAULT;
	for (pass = 0; pass < 2; pass++, path = RESOLVER_SBIN_DIRS) {
		for (p = path; ; p = end + 1) {
			if ((end = strchr(p, ':')) == NULL)
				end = p + strlen(p);
			/* an empty PATH element is the current directory */
			dlen = (size_t)(end - p);
			if (dlen == 0) {
				p = ".";
				dlen = 1;
			}
			if (dlen < PATH_MAX && str_fmt(cand, sizeof(cand),
			    "%.*s/%s", (int)dlen, p, name) == 0 &&
			    resolver_is_program(cand)) {
				*out = xstrdup(cand);
				return 0;
			}
			if (*end == '\0')
				break;
		}
	}
	return err_set(err, ERR_NOTFOUND, "resolver: %s not found on PATH, "
	    "in /usr/sbin or in /sbin (Debian package dnsmasq-base)", shown);
}

/*
 * resolver_write_conf - dir/dnsmasq.conf; each option's reason is in
 * docs/resolver.md
 */
static int
resolver_write_conf(struct resolver *r, const struct resolver_config *c,
    unsigned int cache_size, struct err *err)
{
	char	 base[RESOLVER_CONF_MAX], shown[FILE_PATH_SHOWN], *text;
	size_t	 len, off, i;
	ssize_t	 n;
	int	 fd;

	r->conf = xmalloc(PATH_MAX);
	str_escape(shown, sizeof(shown), c->dir);
	if (str_fmt(r->conf, PATH_MAX, "%s/%s", c->dir, RESOLVER_CONF_NAME) ==
	    -1)
		return err_set(err, ERR_RANGE, "resolver: %s: path too long",
		    shown);
	if (str_fmt(base, sizeof(base),
	    "# sts-harness resolver: written by harness/resolver.c, "
	    "see docs/resolver.md\n"
	    "no-resolv\n"
	    "no-hosts\n"
	    "listen-address=%s\n"
	    "bind-interfaces\n"
	    "port=%u\n"
	    "server=%s#%u\n"
	    "keep-in-foreground\n"
	    "pid-file=\n"
	    "user=\n"
	    "group=\n"
	    "%s"
	    "log-facility=-\n"
	    "cache-size=%u\n"
	    /*
	     * dnsmasq caches A, AAAA, CNAME and SRV only; production
	     * resolvers cache what MTA-STS rests on too, and a stale MX is
	     * the point of having a cache in the path
	     */
	    "cache-rr=MX,TXT\n"
	    "%s",
	    c->listen_addr, c->listen_port, c->upstream_addr, c->upstream_port,
	    /* the validator's queries come from the resolver: not the SUT's */
	    c->validator ? "" : "log-queries=extra\n", cache_size,
	    c->validator ? "dnssec\n" : c->nanchors > 0 ?
	    /*
	     * dnsmasq 2.90 must not validate here: it marks answers it did
	     * not validate secure in its cache when they follow a validated
	     * one (the per-RR status of the last validation is not reset),
	     * so unsigned zones would get AD; the validator is asked only
	     * for anchored zones, and its AD bit is passed on
	     */
	    "proxy-dnssec\n" : "") == -1)
		return err_set(err, ERR_RANGE, "resolver: config too long");
	/* per signed zone: a server line (the validator's: a trust anchor) */
	len = strlen(base) + c->nanchors * (2 * RESOLVER_ANCHOR_MAX + 64) + 1;
	text = xmalloc(len);
	memcpy(text, base, strlen(base) + 1);
	for (i = 0; i < c->nanchors; i++) {
		off = strlen(text);
		if (resolver_anchor_line(text + off, len - off, c->anchors[i],
		    c->validator ? c->upstream_addr : c->validator_addr,
		    c->validator ? c->upstream_port : c->listen_port,
		    c->validator) == -1) {
			free(text);
			return err_set(err, ERR_RANGE, "resolver: trust anchor "
			    "%zu is not ZONE,KEYTAG,ALG,DIGESTTYPE,HEX", i + 1);
		}
	}
	fd = open(r->conf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0644);
	if (fd == -1) {
		free(text);
		return err_sys(err, "resolver: %s/%s", shown,
		    RESOLVER_CONF_NAME);
	}
	len = strlen(text);
	for (off = 0; off < len; off += (size_t)n) {
		n = write(fd, text + off, len - off);
		if (n == -1 && errno == EINTR) {
			n = 0;
			continue;
		}
		if (n <= 0) {
			err_sys(err, "resolver: write %s/%s", shown,
			    RESOLVER_CONF_NAME);
			close(fd);
			free(text);
			return -1;
		}
	}
	free(text);
	if (close(fd) == -1)
		return err_sys(err, "resolver: close %s/%s", shown,
		    RESOLVER_CONF_NAME);
	return 0;
}

/*
 * resolver_anchor_line - "server=/ZONE/UP#PORT", and for the validator
 * "trust-anchor=ANCHOR", for one anchor into out (the root's: only its
 * trust-anchor line, for the validator alone); -1 if it is not
 * ZONE,N,N,N,HEX (letters, digits, '-' and '.' in ZONE; so no option can
 * be smuggled in) or does not fit
 */
static int
resolver_anchor_line(char *out, size_t outsz, const char *anchor,
    const char *up, uint16_t port, bool validator)
{
	const char	*p, *comma;
	size_t		 fields = 0;

	if ((comma = strchr(anchor, ',')) == NULL || comma == anchor ||
	    strlen(anchor) >= RESOLVER_ANCHOR_MAX)
		return -1;
	for (p = anchor; p < comma; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.')
			return -1;
	for (p = comma; *p != '\0'; p++) {
		if (*p == ',') {
			if (++fields > 4 || !isxdigit((unsigned char)p[1]))
				return -1;
		} else if (!isxdigit((unsigned char)*p))
			return -1;
	}
	if (fields != 4)
		return -1;
	/* the root's anchor (dnsmasq 2.90 wants one) needs no server line */
	if (comma - anchor == 1 && anchor[0] == '.')
		return validator ? str_fmt(out, outsz, "trust-anchor=%s\n",
		    anchor) : 0;
	if (!validator)
		return str_fmt(out, outsz, "server=/%.*s/%s#%u\n",
		    (int)(comma - anchor), anchor, up, port);
	return str_fmt(out, outsz, "server=/%.*s/%s#%u\ntrust-anchor=%s\n",
	    (int)(comma - anchor), anchor, up, port, anchor);
}

/* resolver_child - in the child: own group, stderr on the pipe, exec */
static void
resolver_child(const struct resolver *r, const char *confarg, int errw,
    pid_t parent)
{
	static char	 env_lc[] = "LC_ALL=C";	/* we parse its English */
	static char	 env_path[] = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";
	static const int sigs[] = { SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD,
	    SIGALRM, SIGUSR1, SIGUSR2 };
	char		*envp[] = { env_lc, env_path, NULL };
	char		*argv[3];
	sigset_t	 none;
	size_t		 i;
	int		 fd, maxfd;

	(void)setpgid(0, 0);
	/* a harness that dies (a crashed unit test) takes dnsmasq along */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != parent)
		_exit(127);
	if ((fd = open("/dev/null", O_RDWR)) == -1 || dup2(fd, 0) == -1 ||
	    dup2(fd, 1) == -1 || dup2(errw, 2) == -1)
		_exit(127);
	maxfd = (int)sysconf(_SC_OPEN_MAX);
	if (maxfd < 0 || maxfd > 4096)
		maxfd = 4096;
	for (fd = 3; fd < maxfd; fd++)
		(void)close(fd);
	/* the harness blocks these for its signalfd; SIGHUP is our flush */
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	argv[0] = r->path;
	argv[1] = (char *)confarg;
	argv[2] = NULL;
	execve(r->path, argv, envp);
	dprintf(2, "sts-harness: exec %s: %s\n", r->path, strerror(errno));
	_exit(127);
}

/* resolver_spawn - fork and exec dnsmasq with its stderr on our pipe */
static int
resolver_spawn(struct resolver *r, struct err *err)
{
	char		 confarg[PATH_MAX + 16];
	int		 p[2];
	sigset_t	 all, old;
	pid_t		 parent = getpid();

	if (str_fmt(confarg, sizeof(confarg), "--conf-file=%s", r->conf) ==
	    -1)
		return err_set(err, ERR_RANGE, "resolver: config path too "
		    "long");
	if (pipe2(p, O_CLOEXEC) == -1)
		return err_sys(err, "resolver: pipe");
	/* keep the parent's signal handlers from running in the child */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	r->pid = fork();
	if (r->pid == 0)
		resolver_child(r, confarg, p[1], parent);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (r->pid == -1) {
		err_sys(err, "resolver: fork");
		close(p[0]);
		close(p[1]);
		return -1;
	}
	(void)setpgid(r->pid, r->pid);	/* no race with kill(-pid) */
	close(p[1]);
	r->fd = p[0];
	if (evutil_make_socket_nonblocking(r->fd) == -1)
		return err_sys(err, "resolver: nonblocking pipe");
	return 0;
}

static uint64_t
resolver_now_ms(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		fatal("resolver: clock_gettime");
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * resolver_wait_ready - read dnsmasq's log (blocking, bounded) until its
 * first main-loop iteration says "cleared cache": by then its sockets are
 * bound (dnsmasq.c binds before logging "started" and queues EVENT_INIT,
 * whose handler clears the cache, for its loop's first pass). 0: ready;
 * 1: the pipe closed (it exited); 2: not in time; -1: poll failed.
 */
static int
resolver_wait_ready(struct resolver *r, struct err *err)
{
	struct pollfd	pfd;
	uint64_t	start = resolver_now_ms(), now;
	int		n;

	while (!r->ready) {
		if (r->fd == -1)
			return 1;
		now = resolver_now_ms();
		if (now - start >= r->start_ms)
			return 2;
		pfd.fd = r->fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		n = poll(&pfd, 1, (int)(r->start_ms - (now - start)));
		if (n == -1 && errno != EINTR)
			return err_sys(err, "resolver: poll");
		if (n > 0 && resolver_read(r) == 1)
			resolver_close_pipe(r);
	}
	return 0;
}

/*
 * resolver_startup_error - why dnsmasq did not come up (how: 1 exited,
 * 2 timed out), with its wait status and its own first complaint
 */
static void
resolver_startup_error(struct resolver *r, int how, int st, struct err *err)
{
	char	shown[FILE_PATH_SHOWN], status[64];

	str_escape(shown, sizeof(shown), r->path);
	if (st != -1 && WIFEXITED(st))
		(void)str_fmt(status, sizeof(status), "exit status %d",
		    WEXITSTATUS(st));
	else if (st != -1 && WIFSIGNALED(st))
		(void)str_fmt(status, sizeof(status), "signal %d",
		    WTERMSIG(st));
	else
		(void)str_copy(status, "status unknown", sizeof(status));
	if (how == 1)
		err_set(err, ERR_IO, "resolver: %s exited during startup "
		    "(%s): %s", shown, status, r->diag[0] != '\0' ? r->diag :
		    "no message");
	else
		err_set(err, ERR_TIMEOUT, "resolver: %s not ready within %u ms "
		    "(killed)%s%s", shown, r->start_ms, r->diag[0] != '\0' ?
		    ": " : "", r->diag);
}

struct resolver *
resolver_new(struct event_base *base, const struct resolver_config *c,
    struct err *err)
{
	struct resolver	*r;
	unsigned int	 cache_size;
	int		 rc, st;

	if (base == NULL || c == NULL) {
		err_set(err, ERR_RANGE, "resolver: no event base or config");
		return NULL;
	}
	r = xcalloc(1, sizeof(*r));
	r->base = base;
	r->pid = -1;
	r->fd = -1;
	r->start_ms = c->start_ms != 0 ? c->start_ms : RESOLVER_START_MS;
	r->flush_ms = c->flush_ms != 0 ? c->flush_ms : RESOLVER_FLUSH_MS;
	r->on_exit = c->on_exit;
	r->arg = c->arg;
	cache_size = c->cache_size != 0 ? c->cache_size : RESOLVER_CACHE_SIZE;
	if (resolver_check_config(r, c, err) == -1 ||
	    resolver_find(c->dnsmasq, &r->path, err) == -1 ||
	    resolver_write_conf(r, c, cache_size, err) == -1)
		goto fail;
	r->ev_deadline = evtimer_new(base, resolver_on_deadline, r);
	r->ev_tick = evtimer_new(base, resolver_on_tick, r);
	if (r->ev_deadline == NULL || r->ev_tick == NULL)
		fatalx("resolver_new: evtimer_new failed");
	if (resolver_spawn(r, err) == -1)
		goto fail;
	if ((rc = resolver_wait_ready(r, err)) != 0) {
		st = resolver_stop(r);
		if (rc > 0)
			resolver_startup_error(r, rc, st, err);
		goto fail;
	}
	r->ev_read = event_new(base, r->fd, EV_READ | EV_PERSIST,
	    resolver_on_read, r);
	if (r->ev_read == NULL || event_add(r->ev_read, NULL) == -1)
		fatalx("resolver_new: event_new failed");
	log_debug("resolver: dnsmasq %s (pid %d) on %s, upstream %s",
	    r->path, (int)r->pid, r->listen, r->upstream);
	return r;
fail:
	resolver_destroy(r);
	return NULL;
}

pid_t
resolver_pid(const struct resolver *r)
{
	return r->pid;
}

size_t
resolver_dropped(const struct resolver *r)
{
	return r->dropped;
}

const char *
resolver_conf_path(const struct resolver *r)
{
	return r->conf;
}

/* resolver_state - has dnsmasq exited? (it is not reaped here) */
static enum resolver_state
resolver_state(const struct resolver *r)
{
	siginfo_t	si;

	if (r->pid <= 0)
		return RESOLVER_GONE;
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, (id_t)r->pid, &si, WEXITED | WNOHANG | WNOWAIT) ==
	    -1)
		return errno == EINTR ? RESOLVER_RUNNING : RESOLVER_GONE;
	return si.si_pid == r->pid ? RESOLVER_EXITED : RESOLVER_RUNNING;
}

/*
 * resolver_stop - SIGTERM, a bounded wait (reading its last lines, so a
 * full pipe cannot block it), then SIGKILL to its process group (its TCP
 * children) and reap it. The group is signalled while dnsmasq is still
 * an unreaped zombie of ours, so its id cannot have been reused. Returns
 * the wait status, or -1 if it was not ours to reap.
 */
static int
resolver_stop(struct resolver *r)
{
	enum resolver_state	 s;
	struct pollfd		 pfd;
	pid_t			 kids[RESOLVER_CHILDREN_MAX];
	uint64_t		 start;
	size_t			 n, i;
	int			 st = -1;

	if (r->pid <= 0)
		return -1;
	/*
	 * Its log at EOF: it is exiting (a program may close stderr itself
	 * before it exits); let it, so its own status is what we report.
	 */
	start = resolver_now_ms();
	while (r->fd == -1 && (s = resolver_state(r)) == RESOLVER_RUNNING &&
	    resolver_now_ms() - start < RESOLVER_EOF_GRACE_MS)
		(void)poll(NULL, 0, RESOLVER_STOP_TICK_MS);
	if ((s = resolver_state(r)) == RESOLVER_RUNNING) {
		/*
		 * On SIGTERM dnsmasq signals its TCP children but exits
		 * without reaping them: orphans. Killed first, they are
		 * reaped by dnsmasq itself (EVENT_CHILD).
		 */
		n = resolver_kill_children(r, kids, RESOLVER_CHILDREN_MAX);
		if (n > RESOLVER_CHILDREN_MAX)
			n = RESOLVER_CHILDREN_MAX;
		start = resolver_now_ms();
		while (n > 0 && resolver_now_ms() - start < RESOLVER_STOP_MS) {
			for (i = 0; i < n; )
				if (kill(kids[i], 0) == -1 && errno == ESRCH)
					kids[i] = kids[--n];
				else
					i++;
			if (n > 0)
				(void)poll(NULL, 0, RESOLVER_REAP_TICK_MS);
		}
		(void)kill(r->pid, SIGTERM);
		start = resolver_now_ms();
		while ((s = resolver_state(r)) == RESOLVER_RUNNING &&
		    resolver_now_ms() - start < RESOLVER_STOP_MS) {
			if (r->fd == -1) {
				(void)poll(NULL, 0, RESOLVER_STOP_TICK_MS);
				continue;
			}
			pfd.fd = r->fd;
			pfd.events = POLLIN;
			pfd.revents = 0;
			if (poll(&pfd, 1, RESOLVER_STOP_TICK_MS) > 0 &&
			    resolver_read(r) == 1)
				resolver_close_pipe(r);
		}
	}
	if (s != RESOLVER_GONE) {
		(void)kill(-r->pid, SIGKILL);
		while (waitpid(r->pid, &st, 0) == -1 && errno == EINTR)
			;
	}
	r->pid = -1;
	return st;
}

static void
resolver_enter(struct resolver *r)
{
	r->depth++;
}

/* resolver_leave - true if the resolver is gone (freed by a callback) */
static bool
resolver_leave(struct resolver *r)
{
	if (--r->depth > 0 || !r->doomed)
		return false;
	resolver_destroy(r);
	return true;
}

/* resolver_destroy - everything resolver_free promises */
static void
resolver_destroy(struct resolver *r)
{
	int	st;

	r->freeing = true;			/* no callback from here */
	r->doomed = false;			/* read its last lines */
	r->phase = RESOLVER_PHASE_IDLE;
	if (r->pid > 0) {
		st = resolver_stop(r);
		if (st != -1 && r->ready)
			resolver_event_exit(st, true);
	}
	if (r->ev_read != NULL)
		event_free(r->ev_read);
	if (r->ev_tick != NULL)
		event_free(r->ev_tick);
	if (r->ev_deadline != NULL)
		event_free(r->ev_deadline);
	if (r->fd != -1)
		close(r->fd);
	free(r->conf);
	free(r->path);
	free(r);
}

void
resolver_free(struct resolver *r)
{
	if (r == NULL)
		return;
	if (r->depth > 0) {
		r->doomed = true;
		return;
	}
	resolver_destroy(r);
}

bool
resolver_on_child_exit(struct resolver *r, pid_t pid, int wstatus)
{
	struct err	e;

	if (r == NULL || r->pid <= 0 || pid != r->pid)
		return false;
	resolver_enter(r);
	/*
	 * Its TCP children outlive it, answering from their copies of the
	 * cache, which nothing can flush now. They keep its process group
	 * alive, so that id still names them alone.
	 */
	(void)kill(-pid, SIGKILL);
	/* what it wrote before it died still counts */
	if (r->fd != -1 && resolver_read(r) == 1)
		resolver_close_pipe(r);
	r->pid = -1;
	resolver_event_exit(wstatus, r->freeing);
	if (r->phase != RESOLVER_PHASE_IDLE) {
		err_set(&e, ERR_IO, "resolver: dnsmasq exited during a flush");
		resolver_flush_finish(r, &e);
	}
	if (!r->doomed && !r->freeing && r->on_exit != NULL)
		r->on_exit(r->arg, wstatus);
	(void)resolver_leave(r);
	return true;
}

/* resolver_event_exit - "exit status=N" or "exit signal=N" */
static void
resolver_event_exit(int wstatus, bool expected)
{
	struct log_event	ev;

	log_event_begin(&ev, "resolver", 0, "exit");
	if (WIFEXITED(wstatus))
		log_event_uint(&ev, "status", (unsigned)WEXITSTATUS(wstatus));
	else if (WIFSIGNALED(wstatus))
		log_event_uint(&ev, "signal", (unsigned)WTERMSIG(wstatus));
	log_event_bool(&ev, "expected", expected);
	log_event_end(&ev);
}

/* resolver_event_drop - a line that could not be kept */
static void
resolver_event_drop(const char *reason, size_t bytes)
{
	struct log_event	ev;

	log_event_begin(&ev, "resolver", 0, "drop");
	log_event_str(&ev, "reason", reason);
	log_event_uint(&ev, "bytes", bytes);
	log_event_end(&ev);
}

static void
resolver_on_read(evutil_socket_t fd, short what, void *arg)
{
	struct resolver	*r = arg;

	(void)fd;
	(void)what;
	resolver_enter(r);
	if (resolver_read(r) == 1)
		resolver_close_pipe(r);
	(void)resolver_leave(r);
}

void
resolver_drain(struct resolver *r)
{
	if (r == NULL || r->fd == -1 || r->doomed || r->freeing)
		return;
	resolver_on_read(r->fd, EV_READ, r);
}

/*
 * resolver_read - what the pipe holds now, at most RESOLVER_READ_MAX
 * bytes (the loop calls again); 1 at EOF or on a read error, else 0
 */
static int
resolver_read(struct resolver *r)
{
	char	buf[RESOLVER_READ_CHUNK];
	size_t	total = 0;
	ssize_t	n;

	while (total < RESOLVER_READ_MAX && !r->doomed) {
		n = read(r->fd, buf, sizeof(buf));
		if (n > 0) {
			resolver_feed(r, buf, (size_t)n);
			total += (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n == -1)
			log_warn("resolver: read");
		if (r->skipping > 0 || r->len > 0)
			resolver_end_line(r);	/* a last line, unterminated */
		return 1;
	}
	return 0;
}

/* resolver_close_pipe - EOF: every writer (dnsmasq, its children) gone */
static void
resolver_close_pipe(struct resolver *r)
{
	if (r->ev_read != NULL)
		event_del(r->ev_read);
	if (r->fd != -1)
		close(r->fd);
	r->fd = -1;
}

/*
 * resolver_feed - split bytes into lines, each under RESOLVER_LINE_MAX - 1
 * bytes; a longer one is dropped (counted, recorded) as it streams past,
 * never buffered
 */
static void
resolver_feed(struct resolver *r, const char *buf, size_t n)
{
	const char	*nl;
	size_t		 chunk;

	while (n > 0 && !r->doomed) {
		nl = memchr(buf, '\n', n);
		chunk = nl != NULL ? (size_t)(nl - buf) : n;
		if (r->skipping > 0)
			r->skipping += chunk;
		else if (r->len + chunk >= sizeof(r->line) - 1) {
			r->skipping = r->len + chunk;
			r->len = 0;
		} else {
			if (memchr(buf, '\0', chunk) != NULL)
				r->nul = true;
			memcpy(r->line + r->len, buf, chunk);
			r->len += chunk;
		}
		if (nl == NULL)
			return;
		resolver_end_line(r);
		buf += chunk + 1;
		n -= chunk + 1;
	}
}

/* resolver_end_line - one whole line (or what stood for it) is in */
static void
resolver_end_line(struct resolver *r)
{
	size_t	len = r->len;

	r->len = 0;
	if (r->skipping > 0) {
		r->dropped++;
		resolver_event_drop("line-too-long", r->skipping);
		r->skipping = 0;
		r->nul = false;
		return;
	}
	if (r->nul) {
		r->dropped++;
		resolver_event_drop("nul-byte", len);
		r->nul = false;
		return;
	}
	r->line[len] = '\0';
	resolver_on_line(r, r->line);
}

/* resolver_on_line - one line: its record first, then what it means */
static void
resolver_on_line(struct resolver *r, const char *text)
{
	struct resolver_line	*l = &r->parsed;
	struct log_event	 ev;

	resolver_line_parse(text, l);
	/* only dnsmasq's main process clears its cache */
	if (l->kind == RESOLVER_LINE_CLEARED && l->pid != (long)r->pid)
		l->kind = RESOLVER_LINE_OTHER;
	if (resolver_line_record(l, r->pid, &ev))
		log_event_end(&ev);
	switch (l->kind) {
	case RESOLVER_LINE_FORWARDED:
		resolver_inflight_add(r, (pid_t)l->pid, l->serial);
		break;
	case RESOLVER_LINE_REPLY:
		/*
		 * A TCP child hands its answers to the main process over a
		 * pipe, which dnsmasq may read after the SIGHUP event: one
		 * logged before the clear can land in the cache after it.
		 */
		if (l->pid != (long)r->pid && r->phase == RESOLVER_PHASE_CLEAR)
			r->child_answered = true;
		if (resolver_inflight_answer(r, (pid_t)l->pid, l->serial))
			resolver_on_suspect_answer(r);
		break;
	case RESOLVER_LINE_CLEARED:
		resolver_on_cleared(r);
		break;
	case RESOLVER_LINE_OTHER:
		/* startup complaints ("dnsmasq: failed to create ...") */
		if (!r->ready && l->pid == -1 && r->diag[0] == '\0' &&
		    l->text[0] != '\0')
			str_escape(r->diag, sizeof(r->diag), l->text);
		break;
	case RESOLVER_LINE_EMPTY:
	case RESOLVER_LINE_IGNORED:
	case RESOLVER_LINE_QUERY:
	case RESOLVER_LINE_CACHED:
	case RESOLVER_LINE_STALE:
	case RESOLVER_LINE_STARTED:
	case RESOLVER_LINE_UPSTREAM:
	case RESOLVER_LINE_LOST:
		break;
	default:
		fatalx("resolver_on_line: bad kind %d", (int)l->kind);
	}
}

/* resolver_token - the next space-separated word of *p, or NULL */
static char *
resolver_token(char **p)
{
	char	*s = *p, *e;

	if (*s == '\0')
		return NULL;
	if ((e = strchr(s, ' ')) == NULL)
		*p = s + strlen(s);
	else {
		*e = '\0';
		*p = e + 1;
	}
	return s;
}

/*
 * resolver_split_last - cut s at the last sep; what follows it, or NULL
 * when sep is absent or would leave the front empty. Names are the
 * SUT's to choose (a label may hold " is "), what follows sep is not:
 * an address, or an answer from the harness's own zone.
 */
static char *
resolver_split_last(char *s, const char *sep)
{
	char	*p, *last = NULL;

	for (p = strstr(s, sep); p != NULL; p = strstr(p + 1, sep))
		last = p;
	if (last == NULL || last == s)
		return NULL;
	*last = '\0';
	return last + strlen(sep);
}

/*
 * resolver_parse_addr - "IP<sep>PORT" (or a bare IP with port 53 when
 * the port is optional) to "IP:PORT" / "[IPv6]:PORT"; -1 if malformed
 */
static int
resolver_parse_addr(const char *s, char sep, bool port_optional, char *out,
    size_t size)
{
	char		 ip[INET6_ADDRSTRLEN];
	unsigned char	 bin[sizeof(struct in6_addr)];
	const char	*p;
	unsigned long	 port = 53;
	size_t		 len;

	if ((p = strrchr(s, sep)) == NULL) {
		if (!port_optional)
			return -1;
		len = strlen(s);
	} else {
		len = (size_t)(p - s);
		if (parse_uint(p + 1, 65535, &port) == -1 || port == 0)
			return -1;
	}
	if (len == 0 || len >= sizeof(ip))
		return -1;
	memcpy(ip, s, len);
	ip[len] = '\0';
	if (inet_pton(AF_INET, ip, bin) == 1)
		return str_fmt(out, size, "%s:%lu", ip, port);
	if (inet_pton(AF_INET6, ip, bin) == 1)
		return str_fmt(out, size, "[%s]:%lu", ip, port);
	return -1;
}

/* resolver_parse_prefix - "dnsmasq[PID]: " (pid) or "dnsmasq: " (-1) */
static char *
resolver_parse_prefix(char *s, long *pid)
{
	static const char	 tag[] = "dnsmasq";
	unsigned long		 v;
	char			*p, *end;

	*pid = -1;
	if (strncmp(s, tag, sizeof(tag) - 1) != 0)
		return s;
	p = s + sizeof(tag) - 1;
	if (p[0] == ':' && p[1] == ' ')
		return p + 2;
	if (*p != '[' || (end = strchr(p, ']')) == NULL || end[1] != ':' ||
	    end[2] != ' ')
		return s;
	*end = '\0';
	if (parse_uint(p + 1, INT_MAX, &v) == -1 || v == 0) {
		*end = ']';
		return s;
	}
	*pid = (long)v;
	return end + 3;
}

/*
 * resolver_parse_query - "SERIAL [ADDR/PORT] SOURCE NAME VERB DEST" of
 * dnsmasq 2.90 cache.c log_query() with log-queries=extra (the ADDR/PORT
 * is missing from its F_NOEXTRA lines)
 */
static void
resolver_parse_query(char *p, struct resolver_line *l)
{
	const struct resolver_src	*s;
	unsigned long			 serial;
	char				 word[RESOLVER_ADDR_MAX];
	char				*tok, *rest, *close;
	size_t				 wlen;

	if ((tok = resolver_token(&p)) == NULL ||
	    parse_uint(tok, RESOLVER_SERIAL_MAX, &serial) == -1)
		return;
	l->has_serial = true;
	l->serial = serial;
	/* the client's ADDR/PORT, unless this is an F_NOEXTRA line */
	wlen = strcspn(p, " ");
	if (p[wlen] == ' ' && wlen < sizeof(word) &&
	    memchr(p, '/', wlen) != NULL) {
		memcpy(word, p, wlen);
		word[wlen] = '\0';
		if (resolver_parse_addr(word, '/', false, l->peer,
		    sizeof(l->peer)) == 0)
			p += wlen + 1;
		else
			l->peer[0] = '\0';
	}
	for (s = resolver_srcs; s->word != NULL; s++)
		if (strncmp(p, s->word, strlen(s->word)) == 0)
			break;
	if (s->word == NULL)
		return;			/* config, DHCP, validation... */
	rest = p + strlen(s->word);
	if (s->kind == RESOLVER_LINE_QUERY) {
		if ((close = strchr(rest, ']')) == NULL || close[1] != ' ' ||
		    close == rest || (size_t)(close - rest) >=
		    RESOLVER_TYPE_MAX)
			return;
		*close = '\0';
		l->type = rest;
		rest = close + 2;
	}
	if ((l->value = resolver_split_last(rest, s->sep)) == NULL)
		return;
	l->name = rest;
	if (s->kind == RESOLVER_LINE_FORWARDED && resolver_parse_addr(l->value,
	    '#', true, l->to, sizeof(l->to)) == -1)
		return;
	l->kind = s->kind;
}

/* resolver_parse_msg - a line about dnsmasq itself: resolver_msgs[] */
static void
resolver_parse_msg(char *p, struct resolver_line *l)
{
	const struct resolver_msg	*m;
	unsigned long			 v;
	char				*rest, *tok;

	for (m = resolver_msgs; m->prefix != NULL; m++)
		if (m->exact ? strcmp(p, m->prefix) == 0 :
		    strncmp(p, m->prefix, strlen(m->prefix)) == 0)
			break;
	if (m->prefix == NULL)
		return;
	rest = p + strlen(m->prefix);
	switch (m->kind) {
	case RESOLVER_LINE_STARTED:
		/* "started, version 2.90 cachesize 4096" */
		if ((tok = resolver_token(&rest)) == NULL)
			return;
		l->value = tok;
		l->extra = "0";			/* "cache disabled" */
		if (strncmp(rest, "cachesize ", 10) == 0) {
			rest += 10;
			if ((tok = resolver_token(&rest)) == NULL ||
			    parse_uint(tok, ULONG_MAX, &v) == -1)
				return;
			l->extra = tok;
		}
		break;
	case RESOLVER_LINE_UPSTREAM:
		/* "using nameserver 127.0.0.1#5353" (and "... for domain") */
		if ((tok = resolver_token(&rest)) == NULL ||
		    resolver_parse_addr(tok, '#', true, l->to, sizeof(l->to)) ==
		    -1)
			return;
		break;
	case RESOLVER_LINE_LOST:
		/* "overflow: 3 log entries lost" */
		if ((tok = resolver_token(&rest)) == NULL ||
		    parse_uint(tok, ULONG_MAX, &v) == -1 ||
		    strcmp(rest, "log entries lost") != 0)
			return;
		l->value = tok;
		break;
	case RESOLVER_LINE_CLEARED:
	case RESOLVER_LINE_IGNORED:
		break;
	case RESOLVER_LINE_EMPTY:
	case RESOLVER_LINE_OTHER:
	case RESOLVER_LINE_QUERY:
	case RESOLVER_LINE_FORWARDED:
	case RESOLVER_LINE_REPLY:
	case RESOLVER_LINE_CACHED:
	case RESOLVER_LINE_STALE:
	default:
		fatalx("resolver_parse_msg: bad row kind %d", (int)m->kind);
	}
	l->kind = m->kind;
}

/*
 * resolver_line_parse - classify one dnsmasq line (no newline). Never
 * fails: what it does not recognise is RESOLVER_LINE_OTHER with the
 * message in text.
 */
static void
resolver_line_parse(const char *line, struct resolver_line *l)
{
	char	*p;

	l->kind = RESOLVER_LINE_OTHER;
	l->pid = -1;
	l->has_serial = false;
	l->serial = 0;
	l->peer[0] = l->to[0] = '\0';
	l->name = l->type = l->value = l->extra = NULL;
	l->text = l->msg;
	l->cut = str_copy(l->buf, line, sizeof(l->buf)) == -1;
	if (l->cut) {
		(void)str_copy(l->msg, line, sizeof(l->msg));
		return;
	}
	if (l->buf[strspn(l->buf, " \t\r")] == '\0') {
		l->kind = RESOLVER_LINE_EMPTY;
		l->msg[0] = '\0';
		return;
	}
	p = resolver_parse_prefix(l->buf, &l->pid);
	(void)str_copy(l->msg, p, sizeof(l->msg));	/* fits: from buf */
	if (l->pid == -1)
		return;		/* startup complaints, foreign lines */
	if (*p >= '0' && *p <= '9')
		resolver_parse_query(p, l);
	else
		resolver_parse_msg(p, l);
}

/* resolver_record_client - proto and peer, on every per-query record */
static void
resolver_record_client(const struct resolver_line *l, pid_t main_pid,
    struct log_event *ev)
{
	/* dnsmasq forks a child per TCP connection; UDP stays in main */
	log_event_str(ev, "proto", l->pid == (long)main_pid ? "udp" : "tcp");
	if (l->peer[0] != '\0')
		log_event_str(ev, "peer", l->peer);
	log_event_str(ev, "name", l->name);
}

/*
 * resolver_line_record - the record for one parsed line into ev (false:
 * none; "cleared cache" is the flush protocol's to report)
 */
static bool
resolver_line_record(const struct resolver_line *l, pid_t main_pid,
    struct log_event *ev)
{
	char	text[RESOLVER_TEXT_MAX + 1];
	bool	cut;

	switch (l->kind) {
	case RESOLVER_LINE_EMPTY:
	case RESOLVER_LINE_IGNORED:
	case RESOLVER_LINE_CLEARED:
		return false;
	case RESOLVER_LINE_QUERY:
		log_event_begin(ev, "resolver", l->serial, "query");
		resolver_record_client(l, main_pid, ev);
		log_event_str(ev, "type", l->type);
		return true;
	case RESOLVER_LINE_FORWARDED:
		log_event_begin(ev, "resolver", l->serial, "forwarded");
		resolver_record_client(l, main_pid, ev);
		log_event_str(ev, "to", l->to);
		return true;
	case RESOLVER_LINE_REPLY:
		log_event_begin(ev, "resolver", l->serial, "reply");
		resolver_record_client(l, main_pid, ev);
		log_event_str(ev, "is", l->value);
		return true;
	case RESOLVER_LINE_CACHED:
	case RESOLVER_LINE_STALE:
		log_event_begin(ev, "resolver", l->serial, "cached");
		resolver_record_client(l, main_pid, ev);
		log_event_str(ev, "is", l->value);
		if (l->kind == RESOLVER_LINE_STALE)
			log_event_bool(ev, "stale", true);
		return true;
	case RESOLVER_LINE_STARTED:
		log_event_begin(ev, "resolver", 0, "started");
		log_event_str(ev, "version", l->value);
		log_event_str(ev, "cache_size", l->extra);
		return true;
	case RESOLVER_LINE_UPSTREAM:
		log_event_begin(ev, "resolver", 0, "upstream");
		log_event_str(ev, "to", l->to);
		return true;
	case RESOLVER_LINE_LOST:
		log_event_begin(ev, "resolver", 0, "drop");
		log_event_str(ev, "reason", "lost");
		log_event_str(ev, "count", l->value);
		return true;
	case RESOLVER_LINE_OTHER:
		cut = str_copy(text, l->text, sizeof(text)) == -1 || l->cut;
		log_event_begin(ev, "resolver", l->has_serial ? l->serial : 0,
		    "log");
		if (l->pid != -1 && l->pid != (long)main_pid)
			log_event_uint(ev, "pid", (unsigned long long)l->pid);
		log_event_str(ev, "text", text);
		if (cut)
			log_event_bool(ev, "cut", true);
		return true;
	default:
		fatalx("resolver_line_record: bad kind %d", (int)l->kind);
	}
}

/* resolver_inflight_add - a forward now awaits its answer */
static void
resolver_inflight_add(struct resolver *r, pid_t pid, unsigned long serial)
{
	struct resolver_inflight	*f, *free_slot = NULL, *oldest = NULL;
	struct resolver_inflight	*slot;
	uint64_t			 now = resolver_now_ms();
	size_t				 i;

	for (i = 0; i < RESOLVER_INFLIGHT_MAX; i++) {
		f = &r->inflight[i];
		if (f->pid == pid && f->serial == serial) {
			f->at_ms = now;		/* forwarded again */
			return;
		}
		if (f->pid != 0 && now - f->at_ms > RESOLVER_INFLIGHT_TTL_MS)
			f->pid = 0;		/* dnsmasq gave up on it */
		if (f->pid == 0) {
			if (free_slot == NULL)
				free_slot = f;
		} else if (oldest == NULL || f->at_ms < oldest->at_ms)
			oldest = f;
	}
	/* full: the oldest goes (its late answer would go unnoticed) */
	slot = free_slot != NULL ? free_slot : oldest;
	slot->pid = pid;
	slot->serial = serial;
	slot->at_ms = now;
	slot->suspect = false;
}

/* resolver_inflight_answer - an answer came; true if it was a suspect's */
static bool
resolver_inflight_answer(struct resolver *r, pid_t pid, unsigned long serial)
{
	struct resolver_inflight	*f;
	size_t				 i;
	bool				 suspect;

	for (i = 0; i < RESOLVER_INFLIGHT_MAX; i++) {
		f = &r->inflight[i];
		if (f->pid == pid && f->serial == serial) {
			suspect = f->suspect;
			f->pid = 0;
			return suspect;
		}
	}
	return false;
}

/* resolver_inflight_suspects - a suspect forward is still unanswered */
static bool
resolver_inflight_suspects(struct resolver *r)
{
	uint64_t	now = resolver_now_ms();
	size_t		i;

	for (i = 0; i < RESOLVER_INFLIGHT_MAX; i++)
		if (r->inflight[i].pid != 0 && r->inflight[i].suspect &&
		    now - r->inflight[i].at_ms <= RESOLVER_INFLIGHT_TTL_MS)
			return true;
	return false;
}

/* resolver_inflight_mark - set (or clear) the suspect flag on all */
static void
resolver_inflight_mark(struct resolver *r, bool suspect)
{
	uint64_t	now = resolver_now_ms();
	size_t		i;

	for (i = 0; i < RESOLVER_INFLIGHT_MAX; i++)
		if (!suspect || (r->inflight[i].pid != 0 &&
		    now - r->inflight[i].at_ms <= RESOLVER_SUSPECT_AGE_MS))
			r->inflight[i].suspect = suspect;
}

int
resolver_flush(struct resolver *r, resolver_flushed_fn *done, void *arg,
    struct err *err)
{
	struct timeval	tv;

	if (r->pid <= 0 || !r->ready)
		return err_set(err, ERR_IO, "resolver: dnsmasq is not running");
	if (r->fd == -1)
		return err_set(err, ERR_IO, "resolver: dnsmasq's log is closed: "
		    "a flush cannot be confirmed");
	if (r->phase != RESOLVER_PHASE_IDLE)
		return err_set(err, ERR_RANGE, "resolver: a flush is already "
		    "pending");
	/* dnsmasq.c sig_handler: SIGHUP is EVENT_RELOAD, which clears */
	if (kill(r->pid, SIGHUP) == -1)
		return err_sys(err, "resolver: kill %d SIGHUP", (int)r->pid);
	resolver_inflight_mark(r, false);
	r->phase = RESOLVER_PHASE_CLEAR;
	r->done = done;
	r->done_arg = arg;
	r->rounds = 1;
	r->tcp_closed = 0;
	r->refilled = false;
	r->child_answered = false;
	r->nreaping = 0;
	tv.tv_sec = r->flush_ms / 1000;
	tv.tv_usec = (r->flush_ms % 1000) * 1000;
	if (evtimer_add(r->ev_deadline, &tv) == -1)
		fatalx("resolver_flush: evtimer_add failed");
	return 0;
}

/*
 * resolver_on_cleared - dnsmasq logged "cleared cache": its cache is
 * empty now (cache.c cache_reload() logs it after the loop that empties
 * every hash chain, with no-hosts set). The first is its startup.
 */
static void
resolver_on_cleared(struct resolver *r)
{
	struct log_event	ev;

	if (!r->ready) {
		r->ready = true;
		log_event_begin(&ev, "resolver", 0, "ready");
		log_event_uint(&ev, "pid", (unsigned long long)r->pid);
		log_event_str(&ev, "listen", r->listen);
		log_event_str(&ev, "upstream", r->upstream);
		log_event_end(&ev);
		return;
	}
	if (r->phase != RESOLVER_PHASE_CLEAR) {
		/* someone else sent SIGHUP (the SUT may: same namespace) */
		log_event_begin(&ev, "resolver", 0, "flushed");
		log_event_bool(&ev, "requested", false);
		log_event_end(&ev);
		return;
	}
	/* forwards not answered yet may bring pre-change answers back */
	if (r->rounds == 1)
		resolver_inflight_mark(r, true);
	r->refilled = false;
	resolver_reap_start(r);
	r->phase = RESOLVER_PHASE_REAP;
	resolver_flush_step(r);
}

/* resolver_on_suspect_answer - a pre-flush forward's answer arrived */
static void
resolver_on_suspect_answer(struct resolver *r)
{
	switch (r->phase) {
	case RESOLVER_PHASE_IDLE:
	case RESOLVER_PHASE_CLEAR:
		break;			/* cleared by the clear to come */
	case RESOLVER_PHASE_REAP:
		r->refilled = true;	/* again, once the reap is over */
		break;
	case RESOLVER_PHASE_GRACE:
		resolver_reflush(r);
		break;
	default:
		fatalx("resolver_on_suspect_answer: bad phase %d",
		    (int)r->phase);
	}
}

/* resolver_is_live_child - pid is dnsmasq's child and not a zombie */
static bool
resolver_is_live_child(const struct resolver *r, pid_t pid)
{
	char		 path[64], buf[RESOLVER_STAT_MAX], *p, *tok;
	unsigned long	 ppid;
	ssize_t		 n;
	int		 fd;

	if (str_fmt(path, sizeof(path), "/proc/%d/stat", (int)pid) == -1 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	/* "PID (COMM) STATE PPID ...": COMM may hold ')' and spaces */
	if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ')
		return false;
	p += 2;
	if ((tok = resolver_token(&p)) == NULL || strcmp(tok, "Z") == 0 ||
	    strcmp(tok, "X") == 0 || (tok = resolver_token(&p)) == NULL ||
	    parse_uint(tok, INT_MAX, &ppid) == -1)
		return false;
	return (pid_t)ppid == r->pid;
}

/*
 * resolver_reap_start - kill dnsmasq's TCP children: each was forked
 * with a copy of the cache and answers from it for as long as its
 * connection lasts (verified with 2.90: a connection accepted before a
 * flush is answered "cached" after it). Children forked after the clear
 * hold a fresh copy; they go too (their client reconnects).
 */
static void
resolver_reap_start(struct resolver *r)
{
	size_t	n;

	n = resolver_kill_children(r, r->reaping, RESOLVER_CHILDREN_MAX);
	r->tcp_closed += (unsigned int)n;
	/* beyond the bound, killed but not waited for */
	r->nreaping = n < RESOLVER_CHILDREN_MAX ? n : RESOLVER_CHILDREN_MAX;
}

/*
 * resolver_kill_children - SIGKILL every live child of dnsmasq (its TCP
 * children: it starts no other kind with this config); how many were
 * killed, the first max of them into pids
 */
static size_t
resolver_kill_children(struct resolver *r, pid_t *pids, size_t max)
{
	struct dirent	*de;
	unsigned long	 v;
	size_t		 n = 0, i;
	DIR		*d;

	if (r->pid <= 0)
		return 0;
	if ((d = opendir("/proc")) == NULL) {
		log_warn("resolver: /proc");
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		if (parse_uint(de->d_name, INT_MAX, &v) == -1 ||
		    (pid_t)v == r->pid || !resolver_is_live_child(r, (pid_t)v))
			continue;
		if (kill((pid_t)v, SIGKILL) == -1)
			continue;
		if (n < max)
			pids[n] = (pid_t)v;
		n++;
		/* its unanswered forwards can no longer be answered */
		for (i = 0; i < RESOLVER_INFLIGHT_MAX; i++)
			if (r->inflight[i].pid == (pid_t)v)
				r->inflight[i].pid = 0;
	}
	closedir(d);
	return n;
}

/* resolver_flush_step - move a flush on after a clear, a tick or a reap */
static void
resolver_flush_step(struct resolver *r)
{
	size_t	i;

	switch (r->phase) {
	case RESOLVER_PHASE_REAP:
		for (i = 0; i < r->nreaping; )
			if (!resolver_is_live_child(r, r->reaping[i]))
				r->reaping[i] = r->reaping[--r->nreaping];
			else
				i++;
		if (r->nreaping > 0) {
			resolver_arm(r->ev_tick, RESOLVER_REAP_TICK_MS);
			return;
		}
		if (r->refilled || r->child_answered) {
			r->child_answered = false;
			resolver_reflush(r);
			return;
		}
		if (resolver_inflight_suspects(r)) {
			r->phase = RESOLVER_PHASE_GRACE;
			resolver_arm(r->ev_tick, RESOLVER_FLUSH_GRACE_MS);
			return;
		}
		resolver_flush_finish(r, NULL);
		return;
	case RESOLVER_PHASE_GRACE:
		/* the grace ran out: what is still unanswered was not queued */
		resolver_flush_finish(r, NULL);
		return;
	case RESOLVER_PHASE_IDLE:
	case RESOLVER_PHASE_CLEAR:
		return;
	default:
		fatalx("resolver_flush_step: bad phase %d", (int)r->phase);
	}
}

/* resolver_reflush - an answer from before the clear got in: once more */
static void
resolver_reflush(struct resolver *r)
{
	struct err	e;

	evtimer_del(r->ev_tick);
	if (r->pid <= 0) {
		err_set(&e, ERR_IO, "resolver: dnsmasq exited during a flush");
		resolver_flush_finish(r, &e);
		return;
	}
	if (++r->rounds > RESOLVER_FLUSH_ROUNDS) {
		err_set(&e, ERR_PROTO, "resolver: pre-flush answers refilled "
		    "the cache %d times", RESOLVER_FLUSH_ROUNDS);
		resolver_flush_finish(r, &e);
		return;
	}
	if (kill(r->pid, SIGHUP) == -1) {
		err_sys(&e, "resolver: kill %d SIGHUP", (int)r->pid);
		resolver_flush_finish(r, &e);
		return;
	}
	r->phase = RESOLVER_PHASE_CLEAR;
}

/*
 * resolver_flush_finish - the flush is over: its record, then done (a
 * resolver_free from done waits for the entry point to return)
 */
static void
resolver_flush_finish(struct resolver *r, const struct err *e)
{
	resolver_flushed_fn	*done = r->done;
	void			*arg = r->done_arg;
	struct log_event	 ev;

	evtimer_del(r->ev_tick);
	evtimer_del(r->ev_deadline);
	r->phase = RESOLVER_PHASE_IDLE;
	r->done = NULL;
	r->done_arg = NULL;
	resolver_inflight_mark(r, false);
	if (e == NULL) {
		log_event_begin(&ev, "resolver", 0, "flushed");
		log_event_bool(&ev, "requested", true);
		log_event_uint(&ev, "rounds", r->rounds);
		log_event_uint(&ev, "tcp_closed", r->tcp_closed);
	} else {
		log_event_begin(&ev, "resolver", 0, "flush-failed");
		log_event_str(&ev, "reason", e->code == ERR_TIMEOUT ?
		    "timeout" : e->code == ERR_IO ? "exited" : e->code ==
		    ERR_PROTO ? "refilled" : "error");
	}
	log_event_end(&ev);
	if (done != NULL && !r->doomed && !r->freeing)
		done(arg, e);
}

static void
resolver_on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct resolver	*r = arg;

	(void)fd;
	(void)what;
	resolver_enter(r);
	resolver_flush_step(r);
	(void)resolver_leave(r);
}

static void
resolver_on_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct resolver	*r = arg;
	struct err	 e;

	(void)fd;
	(void)what;
	if (r->phase == RESOLVER_PHASE_IDLE)
		return;
	resolver_enter(r);
	err_set(&e, ERR_TIMEOUT, "resolver: dnsmasq did not confirm the flush "
	    "within %u ms (%s)", r->flush_ms, r->phase ==
	    RESOLVER_PHASE_CLEAR ? "no \"cleared cache\"" : r->phase ==
	    RESOLVER_PHASE_REAP ? "TCP children still alive" :
	    "answers pending");
	resolver_flush_finish(r, &e);
	(void)resolver_leave(r);
}

/* resolver_arm - (re)start a one-shot timer */
static void
resolver_arm(struct event *ev, unsigned int ms)
{
	struct timeval	tv = { ms / 1000, (ms % 1000) * 1000 };

	if (evtimer_add(ev, &tv) == -1)
		fatalx("resolver_arm: evtimer_add failed");
}
