/* SPDX-License-Identifier: ISC */
/*
 * test_mx_server.c -- mx_server on 127.0.0.1:0 with a real event_base and
 * blocking loopback clients: the bound on live sessions (421 and a refused
 * record beyond it, a slot freed when a session ends) and an accept()
 * that fails for want of descriptors (recorded, paused, resumed); the TLS
 * versions a host offers and the certificate it presents by SNI, against
 * a client in a child process.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <event2/event.h>

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "testutil.h"
#include "../../common/log.h"
#include "../../common/pki.h"
#include "../../common/str.h"
#include "../../common/tls_ctx.h"
#include "../../fake-mx/mx_server.h"

#define T_HOST		"mx1.cap.test"
#define T_ADDR		"127.0.0.1"
#define T_EVENTS_MAX	64
#define T_CLIENTS_MAX	8
#define T_GUARD_SEC	5
#define T_SPARE_FDS	64	/* dup()s that exhaust a lowered limit */

/* the part of every record after the session id */
#define T_REFUSED	" event=refused laddr=" T_ADDR " server=" T_HOST

struct t_ctx {
	struct event_base	*base;
	struct event		*guard;
	char			*events[T_EVENTS_MAX];
	size_t			 nevents;
	unsigned int		 nconnect;	/* event=connect seen */
	unsigned int		 nrefused;	/* too-many-connections */
	unsigned int		 naccept_err;
	unsigned int		 nclose;
	/* the loop stops once all of these are reached */
	unsigned int		 want_connect;
	unsigned int		 want_refused;
	unsigned int		 want_close;
	bool			 timed_out;
};

static void	t_on_event(const char *, void *);
static void	t_on_guard(evutil_socket_t, short, void *);
static void	t_on_stop(evutil_socket_t, short, void *);
static bool	t_has(const struct t_ctx *, const char *);
static void	t_flush(struct t_ctx *);
static void	t_run_until(struct t_ctx *, unsigned int, unsigned int,
		    unsigned int);
static int	t_connect(uint16_t);
static uint16_t	t_local_port(int);
static void	t_read_all(int, char *, size_t);
static void	t_ctx_init(struct t_ctx *);
static void	t_ctx_clear(struct t_ctx *);
static struct mx_server *t_server(struct t_ctx *, unsigned int);

static void
t_on_event(const char *line, void *arg)
{
	struct t_ctx	*c = arg;

	if (c->nevents < T_EVENTS_MAX)
		c->events[c->nevents++] = xstrdup(line);
	if (strstr(line, " event=connect ") != NULL)
		c->nconnect++;
	else if (strstr(line, " reason=too-many-connections") != NULL)
		c->nrefused++;
	else if (strstr(line, " reason=accept-error") != NULL)
		c->naccept_err++;
	else if (strstr(line, " event=close ") != NULL)
		c->nclose++;
	if (c->nconnect >= c->want_connect && c->nrefused >= c->want_refused &&
	    c->nclose >= c->want_close)
		event_base_loopexit(c->base, NULL);
}

static void
t_on_guard(evutil_socket_t fd, short what, void *arg)
{
	struct t_ctx	*c = arg;

	(void)fd;
	(void)what;
	c->timed_out = true;
	event_base_loopbreak(c->base);
}

static void
t_ctx_init(struct t_ctx *c)
{
	struct timeval	tv = { T_GUARD_SEC, 0 };

	memset(c, 0, sizeof(*c));
	assert_non_null(c->base = event_base_new());
	assert_non_null(c->guard = evtimer_new(c->base, t_on_guard, c));
	assert_int_equal(evtimer_add(c->guard, &tv), 0);
	log_set_event_hook(t_on_event, c);
}

static void
t_ctx_clear(struct t_ctx *c)
{
	size_t	i;

	log_set_event_hook(NULL, NULL);
	event_free(c->guard);
	event_base_free(c->base);
	for (i = 0; i < c->nevents; i++)
		free(c->events[i]);
}

/* t_server - a plaintext MX (no PKI needed) bounded to max sessions */
static struct mx_server *
t_server(struct t_ctx *c, unsigned int max)
{
	struct mx_config	 cfg;
	struct mx_server	*srv;
	struct err		 err;

	mx_config_init(&cfg, T_HOST);
	cfg.starttls = MX_STARTTLS_STRIP;
	cfg.max_sessions = max;
	if ((srv = mx_server_new(c->base, NULL, &cfg, T_ADDR, 0, &err)) ==
	    NULL)
		fail_msg("mx_server_new: %s", err.msg);
	return srv;
}

/* t_run_until - run the loop until the counts are reached (or the guard) */
static void
t_run_until(struct t_ctx *c, unsigned int connect, unsigned int refused,
    unsigned int closed)
{
	c->want_connect = connect;
	c->want_refused = refused;
	c->want_close = closed;
	if (c->nconnect >= connect && c->nrefused >= refused &&
	    c->nclose >= closed)
		return;
	assert_int_not_equal(event_base_dispatch(c->base), -1);
	if (c->timed_out)
		fail_msg("timed out: %u connect, %u refused, %u close (want "
		    "%u, %u, %u)", c->nconnect, c->nrefused, c->nclose,
		    connect, refused, closed);
}

/* t_connect - a blocking loopback client; the kernel completes it */
static int
t_connect(uint16_t port)
{
	struct sockaddr_in	sin;
	struct timeval		tv = { T_GUARD_SEC, 0 };
	int			fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true((fd = socket(AF_INET, SOCK_STREAM, 0)) != -1);
	assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv)), 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	return fd;
}

static uint16_t
t_local_port(int fd)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);

	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	return ntohs(sin.sin_port);
}

/* t_read_all - everything until EOF (the server closed), NUL-terminated */
static void
t_read_all(int fd, char *buf, size_t size)
{
	size_t	len = 0;
	ssize_t	n;

	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
}

/*
 * test_mx_server_cap - n clients at once against a bound: the first ones
 * get a session, every one beyond gets 421 and its own refused record
 */
static void
test_mx_server_cap(void **state)
{
	static const struct {
		const char	*label;
		unsigned int	 max;		/* 0: the default */
		unsigned int	 nclients;
		unsigned int	 want_sessions;
	} rows[] = {
		{ "three of four", 3, 4, 3 },
		{ "one of three", 1, 3, 1 },
		{ "exactly at the bound", 2, 2, 2 },
		{ "default bound", 0, 5, 5 },
	};
	struct t_ctx		 c;
	struct mx_server	*srv;
	char			 want[256], buf[512];
	int			 fds[T_CLIENTS_MAX];
	size_t			 r, i;
	int			 nfds;

	(void)state;
	for (r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		nfds = testutil_count_fds();
		t_ctx_init(&c);
		srv = t_server(&c, rows[r].max);
		for (i = 0; i < rows[r].nclients; i++)
			fds[i] = t_connect(mx_server_port(srv));
		t_run_until(&c, rows[r].want_sessions,
		    rows[r].nclients - rows[r].want_sessions, 0);
		if (c.nconnect != rows[r].want_sessions)
			fail_msg("%s: %u sessions", rows[r].label, c.nconnect);
		for (i = rows[r].want_sessions; i < rows[r].nclients; i++) {
			/* ids count refused connections too, in order */
			(void)str_fmt(want, sizeof(want), "mx session=%016zx"
			    T_REFUSED " peer=" T_ADDR ":%u"
			    " reason=too-many-connections", i + 1,
			    (unsigned)t_local_port(fds[i]));
			if (!t_has(&c, want))
				fail_msg("%s: no record \"%s\"", rows[r].label,
				    want);
			t_read_all(fds[i], buf, sizeof(buf));
			if (strcmp(buf, "421 4.7.0 Too many connections\r\n")
			    != 0)
				fail_msg("%s: client %zu read \"%s\"",
				    rows[r].label, i, buf);
		}
		t_flush(&c);
		mx_server_free(srv);
		t_flush(&c);	/* bufferevents close from the loop */
	t_flush(&c);		/* bufferevents close from the loop */
		for (i = 0; i < rows[r].want_sessions; i++) {
			/* a greeting, then our shutdown closed it */
			t_read_all(fds[i], buf, sizeof(buf));
			if (strncmp(buf, "220 " T_HOST " ", 4 + strlen(T_HOST)
			    + 1) != 0)
				fail_msg("%s: client %zu read \"%s\"",
				    rows[r].label, i, buf);
		}
		for (i = 0; i < rows[r].nclients; i++)
			close(fds[i]);
		t_ctx_clear(&c);
		if (testutil_count_fds() != nfds)
			fail_msg("%s: leaked a descriptor", rows[r].label);
	}
}

/*
 * test_mx_server_slot_freed - a session that ends gives its place to the
 * next client; one that is still live does not
 */
static void
test_mx_server_slot_freed(void **state)
{
	struct t_ctx		 c;
	struct mx_server	*srv;
	char			 buf[512];
	int			 a, b, d, e, f;
	uint16_t		 port;

	(void)state;
	t_ctx_init(&c);
	srv = t_server(&c, 2);
	port = mx_server_port(srv);
	a = t_connect(port);
	b = t_connect(port);
	t_run_until(&c, 2, 0, 0);
	d = t_connect(port);
	t_run_until(&c, 2, 1, 0);		/* session 3 refused */
	assert_int_equal(write(a, "QUIT\r\n", 6), 6);
	t_run_until(&c, 2, 1, 1);		/* session 1 closed */
	e = t_connect(port);
	t_run_until(&c, 3, 1, 1);		/* session 4 takes its place */
	f = t_connect(port);
	t_run_until(&c, 3, 2, 1);		/* session 5 refused */
	assert_non_null(strstr(c.events[c.nevents - 1],
	    "mx session=0000000000000005" T_REFUSED " peer="));
	if (!t_has(&c, "mx session=0000000000000004 event=connect "))
		fail_msg("session 4 never connected");
	t_read_all(a, buf, sizeof(buf));
	assert_non_null(strstr(buf, "221 2.0.0 Bye\r\n"));
	t_flush(&c);
	t_read_all(d, buf, sizeof(buf));
	assert_string_equal(buf, "421 4.7.0 Too many connections\r\n");
	t_read_all(f, buf, sizeof(buf));
	assert_string_equal(buf, "421 4.7.0 Too many connections\r\n");
	mx_server_free(srv);
	t_flush(&c);		/* bufferevents close from the loop */
	close(a);
	close(b);
	close(d);
	close(e);
	close(f);
	t_ctx_clear(&c);
}

/* t_flush - a few turns of the loop, so queued replies reach the socket */
static void
t_flush(struct t_ctx *c)
{
	int	i;

	for (i = 0; i < 3; i++)
		assert_int_not_equal(event_base_loop(c->base, EVLOOP_NONBLOCK),
		    -1);
}

/* t_has - whether some record holds text */
static bool
t_has(const struct t_ctx *c, const char *text)
{
	size_t	i;

	for (i = 0; i < c->nevents; i++)
		if (strstr(c->events[i], text) != NULL)
			return true;
	return false;
}

static void
t_on_stop(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	event_base_loopexit(arg, NULL);
}

/*
 * test_mx_server_accept_error - with no descriptor left, accept() fails:
 * one record per pause (not one per loop turn), then the waiting client
 * is served once descriptors are back
 */
static void
test_mx_server_accept_error(void **state)
{
	struct t_ctx		 c;
	struct mx_server	*srv;
	struct rlimit		 old, low;
	struct event		*stop;
	struct timeval		 tv = { 0, 350 * 1000 };
	int			 spare[T_SPARE_FDS];
	int			 nspare = 0, a, i, saved;
	char			 buf[512];

	(void)state;
	t_ctx_init(&c);
	srv = t_server(&c, 0);
	a = t_connect(mx_server_port(srv));	/* waits in the backlog */
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	low = old;
	low.rlim_cur = (rlim_t)testutil_count_fds() + T_SPARE_FDS / 2;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	while (nspare < T_SPARE_FDS && (spare[nspare] = dup(0)) != -1)
		nspare++;
	saved = errno;

	c.want_connect = 1;		/* none can come: run until stop */
	assert_non_null(stop = evtimer_new(c.base, t_on_stop, c.base));
	assert_int_equal(evtimer_add(stop, &tv), 0);
	assert_int_not_equal(event_base_dispatch(c.base), -1);
	event_free(stop);
	for (i = 0; i < nspare; i++)
		close(spare[i]);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
	assert_int_equal(saved, EMFILE);
	assert_true(nspare < T_SPARE_FDS);

	/* 350 ms at one pause per 100 ms: a handful, never a flood */
	if (c.naccept_err < 1 || c.naccept_err > 5)
		fail_msg("%u accept-error records", c.naccept_err);
	assert_int_equal(c.nconnect, 0);
	assert_string_equal(c.events[0], "mx session=0000000000000000"
	    T_REFUSED " reason=accept-error");
	t_run_until(&c, 1, 0, 0);
	assert_non_null(strstr(c.events[c.nevents - 1],
	    "mx session=0000000000000001 event=connect laddr=" T_ADDR));
	t_flush(&c);
	mx_server_free(srv);
	t_flush(&c);		/* bufferevents close from the loop */
	t_read_all(a, buf, sizeof(buf));
	assert_non_null(strstr(buf, "220 " T_HOST " "));
	close(a);
	t_ctx_clear(&c);
}

/* What the TLS client of a tls_case saw (its exit status). */
enum t_seen {
	T_SEEN_OWN = 0,		/* a certificate naming T_HOST */
	T_SEEN_FALLBACK,	/* one naming MX_SNI_FALLBACK_HOST */
	T_SEEN_FAILED,		/* the handshake failed */
	T_SEEN_ERROR,		/* SMTP went wrong before TLS */
};

struct tls_case {
	const char	*label;
	enum tls_versions	 tls;
	enum mx_sni	 sni;
	const char	*client_sni;	/* NULL: none sent */
	int		 client_min;	/* 0: TLS 1.2 (the default) */
	int		 client_max;	/* 0: the highest */
	enum t_seen	 want_seen;
	const char	*want_record;	/* in the starttls record */
};

static const struct tls_case tls_cases[] = {
	{ "any: TLS 1.3 with a 1.3 client", TLS_VERSIONS_ANY, MX_SNI_ANY, T_HOST,
	    0, 0, T_SEEN_OWN, "result=ok version=TLSv1.3 " },
	{ "any: TLS 1.2 with a 1.2 client", TLS_VERSIONS_ANY, MX_SNI_ANY, T_HOST,
	    0, TLS1_2_VERSION, T_SEEN_OWN, "result=ok version=TLSv1.2 " },
	{ "any: no TLS 1.1", TLS_VERSIONS_ANY, MX_SNI_ANY, T_HOST, TLS1_VERSION,
	    TLS1_1_VERSION, T_SEEN_FAILED, "result=failed" },
	{ "1.2: a 1.3 client gets 1.2", TLS_VERSIONS_1_2, MX_SNI_ANY, T_HOST, 0, 0,
	    T_SEEN_OWN, "result=ok version=TLSv1.2 " },
	{ "1.2: a 1.3-only client fails", TLS_VERSIONS_1_2, MX_SNI_ANY, T_HOST,
	    TLS1_3_VERSION, 0, T_SEEN_FAILED, "result=failed" },
	{ "1.3: TLS 1.3", TLS_VERSIONS_1_3, MX_SNI_ANY, T_HOST, 0, 0, T_SEEN_OWN,
	    "result=ok version=TLSv1.3 " },
	{ "1.3: a 1.2-only client fails", TLS_VERSIONS_1_3, MX_SNI_ANY, T_HOST, 0,
	    TLS1_2_VERSION, T_SEEN_FAILED, "result=failed" },
	{ "legacy: TLS 1.1 for a client that takes it", TLS_VERSIONS_LEGACY,
	    MX_SNI_ANY, T_HOST, TLS1_VERSION, 0, T_SEEN_OWN,
	    "result=ok version=TLSv1.1 " },
	{ "legacy: TLS 1.0 for a 1.0-only client", TLS_VERSIONS_LEGACY, MX_SNI_ANY,
	    T_HOST, TLS1_VERSION, TLS1_VERSION, T_SEEN_OWN,
	    "result=ok version=TLSv1 " },
	{ "legacy: a TLS 1.2+ client fails", TLS_VERSIONS_LEGACY, MX_SNI_ANY,
	    T_HOST, 0, 0, T_SEEN_FAILED, "result=failed" },
	{ "sni any: no SNI, still our certificate", TLS_VERSIONS_ANY, MX_SNI_ANY,
	    NULL, 0, 0, T_SEEN_OWN, "sni=\"\" cert=valid fallback=no" },
	{ "sni required: SNI names us", TLS_VERSIONS_ANY, MX_SNI_REQUIRED, T_HOST,
	    0, 0, T_SEEN_OWN, "sni=" T_HOST " cert=valid fallback=no" },
	{ "sni required: SNI in upper case names us", TLS_VERSIONS_ANY,
	    MX_SNI_REQUIRED, "MX1.CAP.TEST", 0, 0, T_SEEN_OWN,
	    "cert=valid fallback=no" },
	{ "sni required: no SNI, the fallback", TLS_VERSIONS_ANY, MX_SNI_REQUIRED,
	    NULL, 0, 0, T_SEEN_FALLBACK, "sni=\"\" cert=valid fallback=yes" },
	{ "sni required: another name, the fallback", TLS_VERSIONS_ANY,
	    MX_SNI_REQUIRED, "mx2.cap.test", 0, 0, T_SEEN_FALLBACK,
	    "sni=mx2.cap.test cert=valid fallback=yes" },
	{ "sni required: a suffix of our name, the fallback", TLS_VERSIONS_ANY,
	    MX_SNI_REQUIRED, "cap.test", 0, 0, T_SEEN_FALLBACK,
	    "fallback=yes" },
	{ "sni required over TLS 1.2: the fallback", TLS_VERSIONS_1_2,
	    MX_SNI_REQUIRED, NULL, 0, 0, T_SEEN_FALLBACK,
	    "version=TLSv1.2 sni=\"\" cert=valid fallback=yes" },
	{ NULL, 0, 0, NULL, 0, 0, 0, NULL },
};

/* t_reply - read one whole SMTP reply; its code, or -1 */
static int
t_reply(int fd)
{
	char	line[512];
	size_t	len = 0;
	char	c;

	for (;;) {
		if (read(fd, &c, 1) != 1)
			return -1;
		if (len + 1 < sizeof(line))
			line[len++] = c;
		if (c != '\n')
			continue;
		if (len >= 5 && line[3] == ' ')
			return (line[0] - '0') * 100 + (line[1] - '0') * 10 +
			    (line[2] - '0');
		len = 0;
	}
}

/* t_tls_client - the child: EHLO, STARTTLS, a handshake; exits t_seen */
static void
t_tls_client(uint16_t port, const struct tls_case *tc)
{
	SSL_CTX	*ctx;
	SSL	*ssl;
	X509	*peer;
	int	 fd = t_connect(port), seen;

	if (t_reply(fd) != 220 || write(fd, "EHLO c.test\r\n", 13) != 13 ||
	    t_reply(fd) != 250 || write(fd, "STARTTLS\r\n", 10) != 10 ||
	    t_reply(fd) != 220)
		_exit(T_SEEN_ERROR);
	if ((ctx = tls_ctx_client_new(NULL, NULL)) == NULL ||
	    (tc->client_min != 0 && tls_ctx_set_versions(ctx, tc->client_min,
	    tc->client_max, NULL) == -1) ||
	    (tc->client_min == 0 && SSL_CTX_set_max_proto_version(ctx,
	    tc->client_max) != 1) || (ssl = SSL_new(ctx)) == NULL ||
	    SSL_set_fd(ssl, fd) != 1 || (tc->client_sni != NULL &&
	    SSL_set_tlsext_host_name(ssl, tc->client_sni) != 1))
		_exit(T_SEEN_ERROR);
	if (SSL_connect(ssl) != 1)
		_exit(T_SEEN_FAILED);
	if ((peer = SSL_get0_peer_certificate(ssl)) == NULL)
		_exit(T_SEEN_ERROR);
	if (X509_check_host(peer, T_HOST, 0, 0, NULL) == 1)
		seen = T_SEEN_OWN;
	else if (X509_check_host(peer, MX_SNI_FALLBACK_HOST, 0, 0, NULL) == 1)
		seen = T_SEEN_FALLBACK;
	else
		seen = T_SEEN_ERROR;
	(void)SSL_write(ssl, "QUIT\r\n", 6);
	(void)t_reply(fd);
	_exit(seen);
}

/*
 * test_mx_server_tls - each row: a host offering tc->tls with tc->sni,
 * a client with its SNI and versions; what it saw and what the starttls
 * record says
 */
static void
test_mx_server_tls(void **state)
{
	const struct tls_case	*tc;
	struct mx_config	 cfg;
	struct mx_server	*srv;
	struct t_ctx		 c;
	struct pki		*pki;
	struct err		 err;
	char			 dir[64];
	pid_t			 pid;
	int			 status;

	(void)state;
	if (str_copy(dir, "/tmp/test_mx_server.XXXXXX", sizeof(dir)) == -1 ||
	    mkdtemp(dir) == NULL)
		fail_msg("mkdtemp");
	if ((pki = pki_new(dir, &err)) == NULL)
		fail_msg("pki_new: %s", err.msg);
	for (tc = tls_cases; tc->label != NULL; tc++) {
		t_ctx_init(&c);
		mx_config_init(&cfg, T_HOST);
		cfg.tls = tc->tls;
		cfg.sni = tc->sni;
		if ((srv = mx_server_new(c.base, pki, &cfg, T_ADDR, 0,
		    &err)) == NULL)
			fail_msg("%s: mx_server_new: %s", tc->label, err.msg);
		assert_true((pid = fork()) != -1);
		if (pid == 0)
			t_tls_client(mx_server_port(srv), tc);
		t_run_until(&c, 1, 0, 1);
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (!WIFEXITED(status) || WEXITSTATUS(status) !=
		    (int)tc->want_seen)
			fail_msg("%s: the client saw %d, want %d", tc->label,
			    WIFEXITED(status) ? WEXITSTATUS(status) : -1,
			    (int)tc->want_seen);
		if (!t_has(&c, tc->want_record))
			fail_msg("%s: no starttls record with \"%s\"",
			    tc->label, tc->want_record);
		mx_server_free(srv);
		t_ctx_clear(&c);
	}
	pki_free(pki);
	if (rmdir(dir) == -1)
		fail_msg("rmdir %s", dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mx_server_cap),
		cmocka_unit_test(test_mx_server_slot_freed),
		cmocka_unit_test(test_mx_server_accept_error),
		cmocka_unit_test(test_mx_server_tls),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("mx_server", tests, NULL, NULL);
}
