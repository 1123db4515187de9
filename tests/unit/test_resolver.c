/* SPDX-License-Identifier: ISC */
/*
 * test_resolver.c -- the resolver with a real dnsmasq (2.90) on 127.0.0.1
 * at a free high port, forwarding to a real fake-dns on 127.0.0.1:0, both
 * on one event_base; the flush protocol (zone change, stale answers from
 * the cache, TCP children, an answer that arrives after the clear); exit
 * and startup failures; a run-like namespace (127.0.0.53:53, user
 * namespace with only uid 0 mapped); and the pure line parser and line
 * reader, tested directly by including the .c. Every dnsmasq started is
 * reaped here (resolver_free, or waitpid + resolver_on_child_exit).
 */
#include "../../harness/resolver.c"

#include <sys/ioctl.h>
#include <sys/socket.h>

#include <net/if.h>
#include <netinet/in.h>

#include <grp.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <ldns/ldns.h>

#include "../../common/proto.h"
#include "../../fake-dns/dns_server.h"
#include "../../fake-dns/dns_zone.h"
#include "testutil.h"

#define TEST_EVENTS_MAX		1024
#define TEST_WAIT_MS		3000	/* something that should come */
#define TEST_SETTLE_MS		100	/* the log pipe catches up */
#define TEST_QUICK_MS		2000	/* a startup failure is this quick */
#define TEST_MAIN_PID		100	/* parser rows: dnsmasq's pid */
#define TEST_OLD_A		"127.1.1.25"
#define TEST_NEW_A		"127.1.1.26"
#define TEST_NAME		"mx1.d.test"
#define TEST_BUF_MAX		(2 + DNS_TCP_MAX)
#define TEST_FEED_MAX		8192
#define TEST_NS_SKIP		77	/* namespace child: no user namespace */

struct test_ctx {
	struct event_base	*base;
	struct dns_zone		*zone;
	struct dns_server	*dns;
	uint16_t		 dns_port;
	struct resolver		*r;
	uint16_t		 port;		/* dnsmasq's */
	char			 dir[64];
	char			 events[TEST_EVENTS_MAX][LOG_EVENT_LINE_MAX];
	size_t			 nevents;
	int			 exits;
	int			 exit_status;
	bool			 free_on_exit;
	int			 flushes;	/* done callbacks */
	struct err		 flush_err;
	bool			 flush_ok;
	bool			 free_on_flush;
	uint8_t			 q[TEST_BUF_MAX];
	uint8_t			 out[TEST_BUF_MAX];
	struct log_record	 rec;
	sigset_t		 mask;		/* restored in teardown */
};

static const char *const test_zone_rrs[] = {
	"d.test. 300 IN MX 10 mx1.d.test.",
	"mx1.d.test. 300 IN A " TEST_OLD_A,
	"_mta-sts.d.test. 300 IN TXT \"v=STSv1; id=1\"",
	NULL,
};

/* plumbing */
static void	test_on_event(const char *, void *);
static bool	test_wait(struct test_ctx *, int, int);
static void	test_pump(struct test_ctx *, int);
static void	test_config(struct test_ctx *, struct resolver_config *);
static void	test_start(struct test_ctx *);
static void	test_on_exit(void *, int);
static void	test_on_flushed(void *, const struct err *);
static void	test_flush(struct test_ctx *);
static size_t	test_children(void);
static bool	test_is_alive(pid_t);
static int	test_reap(pid_t);
static void	test_set_a(struct test_ctx *, const char *);

/* DNS clients */
static size_t	test_query(uint8_t *, const char *, ldns_rr_type, uint16_t);
static int	test_client(struct test_ctx *, int);
static uint16_t	test_local_port(int);
static ldns_pkt	*test_ask_fd(struct test_ctx *, int, int, const char *,
		    ldns_rr_type);
static char	*test_ask_a(struct test_ctx *, int, const char *);
static void	test_expect_a(struct test_ctx *, int, const char *,
		    const char *);

/* records */
static const struct log_record *test_rec(struct test_ctx *, size_t);
static long	test_find(struct test_ctx *, size_t, const char *,
		    const char *, const char *, const char *);
static size_t	test_count(struct test_ctx *, size_t, const char *,
		    const char *, const char *, const char *);
static long	test_wait_rec(struct test_ctx *, size_t, const char *,
		    const char *, const char *, const char *);
static const char *test_field(struct test_ctx *, long, const char *);

static int	test_setup(void **);
static int	test_teardown(void **);

static void
test_on_event(const char *line, void *arg)
{
	struct test_ctx	*ctx = arg;

	if (ctx->nevents == TEST_EVENTS_MAX)
		return;
	snprintf(ctx->events[ctx->nevents++], LOG_EVENT_LINE_MAX, "%s", line);
}

/* test_wait - run the loop until fd is readable (true) or ms pass */
static bool
test_wait(struct test_ctx *ctx, int fd, int ms)
{
	return testutil_wait_fd(ctx->base, fd, ms);
}

/* test_pump - run the loop (fake-dns, the resolver's pipe) for ms */
static void
test_pump(struct test_ctx *ctx, int ms)
{
	testutil_pump(ctx->base, ms);
}

static void
test_config(struct test_ctx *ctx, struct resolver_config *c)
{
	memset(c, 0, sizeof(*c));
	c->dir = ctx->dir;
	c->listen_addr = "127.0.0.1";
	c->listen_port = testutil_free_port();
	c->upstream_addr = "127.0.0.1";
	c->upstream_port = ctx->dns_port;
	c->on_exit = test_on_exit;
	c->arg = ctx;
}

/* test_start - a resolver in front of the context's fake-dns */
static void
test_start(struct test_ctx *ctx)
{
	struct resolver_config	c;
	struct err		err = { 0 };

	test_config(ctx, &c);
	ctx->r = resolver_new(ctx->base, &c, &err);
	if (ctx->r == NULL)
		fail_msg("resolver_new: %s", err.msg);
	ctx->port = c.listen_port;
	assert_true(resolver_pid(ctx->r) > 0);
}

static void
test_on_exit(void *arg, int wstatus)
{
	struct test_ctx	*ctx = arg;

	ctx->exits++;
	ctx->exit_status = wstatus;
	if (ctx->free_on_exit) {
		resolver_free(ctx->r);
		ctx->r = NULL;
	}
}

static void
test_on_flushed(void *arg, const struct err *err)
{
	struct test_ctx	*ctx = arg;

	ctx->flushes++;
	ctx->flush_ok = err == NULL;
	if (err != NULL)
		ctx->flush_err = *err;
	if (ctx->free_on_flush) {
		resolver_free(ctx->r);
		ctx->r = NULL;
	}
}

/* test_flush - flush and run the loop until done says it is confirmed */
static void
test_flush(struct test_ctx *ctx)
{
	struct err	err = { 0 };
	uint64_t	t0 = testutil_now_ms();
	int		before = ctx->flushes;

	if (resolver_flush(ctx->r, test_on_flushed, ctx, &err) == -1)
		fail_msg("resolver_flush: %s", err.msg);
	/* never from inside resolver_flush */
	assert_int_equal(ctx->flushes, before);
	while (ctx->flushes == before) {
		if (testutil_now_ms() - t0 > TEST_WAIT_MS)
			fail_msg("flush never confirmed");
		test_pump(ctx, 5);
	}
	if (!ctx->flush_ok)
		fail_msg("flush failed: %s", ctx->flush_err.msg);
}

/* test_children - live (not zombie) children of this test process */
static size_t
test_children(void)
{
	struct resolver	 fake;
	struct dirent	*de;
	unsigned long	 v;
	size_t		 n = 0;
	DIR		*d;

	memset(&fake, 0, sizeof(fake));
	fake.pid = getpid();
	assert_non_null(d = opendir("/proc"));
	while ((de = readdir(d)) != NULL)
		if (parse_uint(de->d_name, INT_MAX, &v) == 0 &&
		    resolver_is_live_child(&fake, (pid_t)v))
			n++;
	closedir(d);
	return n;
}

/* test_is_alive - pid exists and is not a zombie */
static bool
test_is_alive(pid_t pid)
{
	char	path[64], buf[512], *p;
	ssize_t	n;
	int	fd;

	(void)snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p != NULL && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

/*
 * test_reap - waitpid on our own child, bounded: a child that does not
 * die is killed and the test fails (it must never hang)
 */
static int
test_reap(pid_t pid)
{
	uint64_t	t0 = testutil_now_ms();
	pid_t		got;
	int		st;

	while ((got = waitpid(pid, &st, WNOHANG)) == 0 || (got == -1 &&
	    errno == EINTR)) {
		if (testutil_now_ms() - t0 > TEST_WAIT_MS) {
			(void)kill(pid, SIGKILL);
			(void)waitpid(pid, &st, 0);
			fail_msg("pid %d did not exit", (int)pid);
		}
		(void)poll(NULL, 0, 5);
	}
	assert_int_equal(got, pid);
	return st;
}

/* test_set_a - the zone now says TEST_NAME A addr (and nothing else) */
static void
test_set_a(struct test_ctx *ctx, const char *addr)
{
	char	rr[128];

	dns_zone_remove_below(ctx->zone, TEST_NAME);
	assert_true((size_t)snprintf(rr, sizeof(rr), TEST_NAME ". 300 IN A %s",
	    addr) < sizeof(rr));
	assert_int_equal(dns_zone_add_rr(ctx->zone, rr, NULL, NULL), 0);
}

static size_t
test_query(uint8_t *out, const char *name, ldns_rr_type type, uint16_t id)
{
	ldns_pkt	*p;
	uint8_t		*wire = NULL;
	size_t		 len = 0;
	char		 fqdn[DNS_NAME_MAX + 2];

	assert_true((size_t)snprintf(fqdn, sizeof(fqdn), "%s.", name) <
	    sizeof(fqdn));
	p = ldns_pkt_query_new(ldns_dname_new_frm_str(fqdn), type,
	    LDNS_RR_CLASS_IN, LDNS_RD);
	assert_non_null(p);
	ldns_pkt_set_id(p, id);
	assert_int_equal(ldns_pkt2wire(&wire, p, &len), LDNS_STATUS_OK);
	memcpy(out, wire, len);
	free(wire);
	ldns_pkt_free(p);
	return len;
}

/* test_client - a connected non-blocking client of dnsmasq */
static int
test_client(struct test_ctx *ctx, int type)
{
	struct sockaddr_in	sin;
	int			fd;

	fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
	assert_true(fd != -1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(ctx->port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(evutil_make_socket_nonblocking(fd), 0);
	return fd;
}

static uint16_t
test_local_port(int fd)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);

	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	return ntohs(sin.sin_port);
}

/*
 * test_ask_fd - one query over fd (UDP, or TCP with its length prefix),
 * running the loop (fake-dns answers dnsmasq on it); NULL: no answer, or
 * the TCP connection was closed
 */
static ldns_pkt *
test_ask_fd(struct test_ctx *ctx, int fd, int type, const char *name,
    ldns_rr_type qtype)
{
	ldns_pkt	*p = NULL;
	size_t		 qlen, have = 0, want = 2;
	ssize_t		 n;
	uint64_t	 t0 = testutil_now_ms();

	qlen = test_query(ctx->q + 2, name, qtype, (uint16_t)random());
	if (type == SOCK_DGRAM) {
		assert_int_equal(send(fd, ctx->q + 2, qlen, 0), (ssize_t)qlen);
		if (!test_wait(ctx, fd, TEST_WAIT_MS))
			return NULL;
		n = recv(fd, ctx->out, sizeof(ctx->out), 0);
		assert_true(n > 0);
		assert_int_equal(ldns_wire2pkt(&p, ctx->out, (size_t)n),
		    LDNS_STATUS_OK);
		return p;
	}
	ctx->q[0] = (uint8_t)(qlen >> 8);
	ctx->q[1] = (uint8_t)qlen;
	n = send(fd, ctx->q, qlen + 2, MSG_NOSIGNAL);
	if (n == -1 && (errno == EPIPE || errno == ECONNRESET))
		return NULL;
	assert_int_equal(n, (ssize_t)(qlen + 2));
	while (have < want) {
		if (testutil_now_ms() - t0 > TEST_WAIT_MS ||
		    !test_wait(ctx, fd, TEST_WAIT_MS))
			return NULL;
		n = recv(fd, ctx->out + have, want - have, 0);
		if (n == 0 || (n == -1 && errno == ECONNRESET))
			return NULL;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			continue;
		assert_true(n > 0);
		have += (size_t)n;
		if (have == 2 && want == 2)
			want = 2 + ((size_t)ctx->out[0] << 8 | ctx->out[1]);
	}
	assert_int_equal(ldns_wire2pkt(&p, ctx->out + 2, want - 2),
	    LDNS_STATUS_OK);
	return p;
}

/* test_ask_a - the first A address answered for name, or NULL (free it) */
static char *
test_ask_a(struct test_ctx *ctx, int type, const char *name)
{
	ldns_pkt	*p;
	ldns_rr_list	*an;
	char		*addr = NULL;
	size_t		 i;
	int		 fd;

	fd = test_client(ctx, type);
	p = test_ask_fd(ctx, fd, type, name, LDNS_RR_TYPE_A);
	close(fd);
	if (p == NULL)
		return NULL;
	an = ldns_pkt_answer(p);
	for (i = 0; an != NULL && i < ldns_rr_list_rr_count(an); i++)
		if (ldns_rr_get_type(ldns_rr_list_rr(an, i)) ==
		    LDNS_RR_TYPE_A) {
			addr = ldns_rdf2str(ldns_rr_rdf(ldns_rr_list_rr(an,
			    i), 0));
			break;
		}
	ldns_pkt_free(p);
	return addr;
}

static void
test_expect_a(struct test_ctx *ctx, int type, const char *name,
    const char *want)
{
	char	*got = test_ask_a(ctx, type, name);

	if (got == NULL || strcmp(got, want) != 0)
		fail_msg("%s A over %s: got %s, want %s", name,
		    type == SOCK_DGRAM ? "UDP" : "TCP", got != NULL ? got :
		    "no answer", want);
	free(got);
	test_pump(ctx, TEST_SETTLE_MS);		/* its log lines are in */
}

static const struct log_record *
test_rec(struct test_ctx *ctx, size_t i)
{
	assert_true(i < ctx->nevents);
	if (log_record_parse(ctx->events[i], &ctx->rec) == -1)
		fail_msg("record does not parse: %s", ctx->events[i]);
	return &ctx->rec;
}

/*
 * test_find - the first record at or after from of component and event
 * (with key=val when key is not NULL); -1 if none
 */
static long
test_find(struct test_ctx *ctx, size_t from, const char *comp,
    const char *event, const char *key, const char *val)
{
	const struct log_record	*rec;
	const char		*v;
	size_t			 i;

	for (i = from; i < ctx->nevents; i++) {
		rec = test_rec(ctx, i);
		if (strcmp(rec->component, comp) != 0 ||
		    (v = log_record_get(rec, "event")) == NULL ||
		    strcmp(v, event) != 0)
			continue;
		if (key == NULL || ((v = log_record_get(rec, key)) != NULL &&
		    strcmp(v, val) == 0))
			return (long)i;
	}
	return -1;
}

static size_t
test_count(struct test_ctx *ctx, size_t from, const char *comp,
    const char *event, const char *key, const char *val)
{
	size_t	n = 0;
	long	i;

	while ((i = test_find(ctx, from, comp, event, key, val)) != -1) {
		n++;
		from = (size_t)i + 1;
	}
	return n;
}

/* test_wait_rec - test_find, running the loop until it finds one */
static long
test_wait_rec(struct test_ctx *ctx, size_t from, const char *comp,
    const char *event, const char *key, const char *val)
{
	uint64_t	t0 = testutil_now_ms();
	long		i;

	while ((i = test_find(ctx, from, comp, event, key, val)) == -1) {
		if (testutil_now_ms() - t0 > TEST_WAIT_MS)
			fail_msg("no %s %s record (%s=%s)", comp, event,
			    key != NULL ? key : "-", val != NULL ? val : "-");
		test_pump(ctx, 5);
	}
	return i;
}

/* test_field - a field of record i; fails when it is missing */
static const char *
test_field(struct test_ctx *ctx, long i, const char *key)
{
	const char	*v;

	assert_true(i >= 0);
	if ((v = log_record_get(test_rec(ctx, (size_t)i), key)) == NULL)
		fail_msg("record %s has no %s", ctx->events[i], key);
	return v;
}

static int
test_setup(void **state)
{
	struct test_ctx		*ctx;
	struct err		 err = { 0 };
	const char *const	*rr;

	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		return -1;
	*state = ctx;
	if ((ctx->base = event_base_new()) == NULL)
		return -1;
	ctx->zone = dns_zone_new();
	for (rr = test_zone_rrs; *rr != NULL; rr++)
		if (dns_zone_add_rr(ctx->zone, *rr, NULL, &err) == -1)
			return -1;
	ctx->dns = dns_server_new(ctx->base, ctx->zone, "127.0.0.1", 0, &err);
	if (ctx->dns == NULL) {
		fprintf(stderr, "dns_server_new: %s\n", err.msg);
		return -1;
	}
	ctx->dns_port = dns_server_port(ctx->dns);
	(void)str_copy(ctx->dir, "/tmp/test_resolver.XXXXXX",
	    sizeof(ctx->dir));
	if (mkdtemp(ctx->dir) == NULL)
		return -1;
	if (sigprocmask(SIG_SETMASK, NULL, &ctx->mask) == -1)
		return -1;
	log_set_event_hook(test_on_event, ctx);
	return 0;
}

static int
test_teardown(void **state)
{
	struct test_ctx	*ctx = *state;
	char		 path[128];

	log_set_event_hook(NULL, NULL);
	if (ctx == NULL)
		return 0;
	(void)sigprocmask(SIG_SETMASK, &ctx->mask, NULL);
	resolver_free(ctx->r);
	dns_server_free(ctx->dns);
	dns_zone_free(ctx->zone);
	if (ctx->base != NULL)
		event_base_free(ctx->base);
	if (ctx->dir[0] != '\0') {
		(void)snprintf(path, sizeof(path), "%s/%s", ctx->dir,
		    RESOLVER_CONF_NAME);
		(void)unlink(path);
		(void)rmdir(ctx->dir);
	}
	free(ctx);
	/*
	 * Every dnsmasq this test started is gone, and reaped; and, this
	 * process being a subreaper, no TCP child of one was orphaned.
	 */
	if (test_children() != 0) {
		fprintf(stderr, "test_resolver: children left behind\n");
		return -1;
	}
	if (waitpid(-1, NULL, WNOHANG) > 0) {
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		fprintf(stderr, "test_resolver: orphans left behind\n");
		return -1;
	}
	return 0;
}

/*
 * (a) A query through dnsmasq is answered with fake-dns's data; the
 * resolver reports what the client asked (query, with the client's own
 * address) and that dnsmasq forwarded it; fake-dns saw dnsmasq, not the
 * client.
 */
static void
test_resolver_forwarded(void **state)
{
	struct test_ctx	*ctx = *state;
	char		 peer[64], to[64], sid[32];
	ldns_pkt	*p;
	long		 q, f, rep, d;
	int		 fd;

	test_start(ctx);
	assert_true(test_find(ctx, 0, "resolver", "started", NULL, NULL) >= 0);
	assert_true(test_find(ctx, 0, "resolver", "ready", NULL, NULL) >= 0);
	fd = test_client(ctx, SOCK_DGRAM);
	(void)snprintf(peer, sizeof(peer), "127.0.0.1:%u", test_local_port(fd));
	(void)snprintf(to, sizeof(to), "127.0.0.1:%u", ctx->dns_port);
	p = test_ask_fd(ctx, fd, SOCK_DGRAM, TEST_NAME, LDNS_RR_TYPE_A);
	assert_non_null(p);
	assert_int_equal(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
	assert_int_equal(ldns_pkt_ancount(p), 1);
	ldns_pkt_free(p);
	close(fd);
	q = test_wait_rec(ctx, 0, "resolver", "query", "name", TEST_NAME);
	assert_string_equal(test_field(ctx, q, "proto"), "udp");
	assert_string_equal(test_field(ctx, q, "peer"), peer);
	assert_string_equal(test_field(ctx, q, "type"), "A");
	(void)str_copy(sid, test_field(ctx, q, "session"), sizeof(sid));
	assert_string_not_equal(sid, "0000000000000000");
	f = test_wait_rec(ctx, (size_t)q, "resolver", "forwarded", "session",
	    sid);
	assert_string_equal(test_field(ctx, f, "name"), TEST_NAME);
	assert_string_equal(test_field(ctx, f, "to"), to);
	assert_string_equal(test_field(ctx, f, "peer"), peer);
	rep = test_wait_rec(ctx, (size_t)f, "resolver", "reply", "session",
	    sid);
	assert_string_equal(test_field(ctx, rep, "is"), TEST_OLD_A);
	/* fake-dns saw one query, from dnsmasq's own socket */
	assert_int_equal(test_count(ctx, 0, "dns", "query", "name", TEST_NAME),
	    1);
	d = test_find(ctx, 0, "dns", "query", "name", TEST_NAME);
	assert_string_not_equal(test_field(ctx, d, "peer"), peer);
	assert_int_equal(test_count(ctx, 0, "resolver", "drop", NULL, NULL), 0);
}

/*
 * (b) The same question again, over UDP or TCP, comes from the cache:
 * a cached record, no second forward, no second query at fake-dns.
 */
struct cached_case {
	const char	*label;
	int		 first;		/* SOCK_DGRAM or SOCK_STREAM */
	int		 second;
	const char	*proto;		/* of the second query */
};

static const struct cached_case cached_cases[] = {
	{ "UDP then UDP", SOCK_DGRAM, SOCK_DGRAM, "udp" },
	{ "UDP then TCP", SOCK_DGRAM, SOCK_STREAM, "tcp" },
	{ "TCP then UDP", SOCK_STREAM, SOCK_DGRAM, "udp" },
	{ NULL, 0, 0, NULL },
};

static void
test_resolver_cached(void **state)
{
	struct test_ctx			*ctx = *state;
	const struct cached_case	*tc;
	size_t				 mark;
	long				 c;

	test_start(ctx);
	for (tc = cached_cases; tc->label != NULL; tc++) {
		test_flush(ctx);
		mark = ctx->nevents;
		test_expect_a(ctx, tc->first, TEST_NAME, TEST_OLD_A);
		if (test_count(ctx, mark, "dns", "query", "name", TEST_NAME) !=
		    1)
			fail_msg("%s: first query not forwarded", tc->label);
		mark = ctx->nevents;
		test_expect_a(ctx, tc->second, TEST_NAME, TEST_OLD_A);
		c = test_wait_rec(ctx, mark, "resolver", "cached", "name",
		    TEST_NAME);
		assert_string_equal(test_field(ctx, c, "is"), TEST_OLD_A);
		if (strcmp(test_field(ctx, c, "proto"), tc->proto) != 0)
			fail_msg("%s: cached proto=%s", tc->label,
			    test_field(ctx, c, "proto"));
		if (test_count(ctx, mark, "resolver", "query", "name",
		    TEST_NAME) != 1 || test_count(ctx, mark, "resolver",
		    "forwarded", NULL, NULL) != 0 || test_count(ctx, mark,
		    "dns", "query", NULL, NULL) != 0)
			fail_msg("%s: the second query left the cache",
			    tc->label);
	}
}

/*
 * (c) A zone change alone is not seen (the cache answers: this is what
 * stale-cache behaviour looks like); after resolver_flush has confirmed,
 * the new answer is served and fake-dns is asked again.
 */
static void
test_resolver_flush(void **state)
{
	struct test_ctx	*ctx = *state;
	struct err	 err = { 0 };
	size_t		 mark;
	long		 fl;

	test_start(ctx);
	test_expect_a(ctx, SOCK_DGRAM, TEST_NAME, TEST_OLD_A);
	test_set_a(ctx, TEST_NEW_A);
	mark = ctx->nevents;
	test_expect_a(ctx, SOCK_DGRAM, TEST_NAME, TEST_OLD_A);
	assert_int_equal(test_count(ctx, mark, "dns", "query", NULL, NULL), 0);

	mark = ctx->nevents;
	test_flush(ctx);
	fl = test_find(ctx, mark, "resolver", "flushed", NULL, NULL);
	assert_true(fl >= 0);
	assert_string_equal(test_field(ctx, fl, "requested"), "yes");
	assert_string_equal(test_field(ctx, fl, "rounds"), "1");
	assert_string_equal(test_field(ctx, fl, "tcp_closed"), "0");
	/* the record is in before done is called */
	assert_int_equal(test_count(ctx, mark, "resolver", "flushed", NULL,
	    NULL), 1);

	mark = ctx->nevents;
	test_expect_a(ctx, SOCK_DGRAM, TEST_NAME, TEST_NEW_A);
	assert_int_equal(test_count(ctx, mark, "dns", "query", "name",
	    TEST_NAME), 1);
	assert_true(test_find(ctx, mark, "resolver", "forwarded", "name",
	    TEST_NAME) >= 0);

	/* one flush at a time; the next one once it is done */
	assert_int_equal(resolver_flush(ctx->r, test_on_flushed, ctx, &err), 0);
	assert_int_equal(resolver_flush(ctx->r, test_on_flushed, ctx, &err),
	    -1);
	assert_int_equal(err.code, ERR_RANGE);
	assert_non_null(strstr(err.msg, "already pending"));
	mark = ctx->flushes;
	while (ctx->flushes == (int)mark)
		test_pump(ctx, 5);
	assert_true(ctx->flush_ok);
	test_flush(ctx);
}

/*
 * (h) A TCP connection accepted before a flush is served by a dnsmasq
 * child holding the old cache (dnsmasq 2.90 answers "cached" from it
 * after the clear): the flush ends that child, and the next connection
 * gets the new answer.
 */
static void
test_resolver_flush_tcp(void **state)
{
	struct test_ctx	*ctx = *state;
	ldns_pkt	*p;
	size_t		 mark;
	long		 fl, rep;
	int		 fd;

	test_start(ctx);
	test_expect_a(ctx, SOCK_DGRAM, TEST_NAME, TEST_OLD_A);
	fd = test_client(ctx, SOCK_STREAM);
	/* asked once on it: the child is there and serves from the cache */
	p = test_ask_fd(ctx, fd, SOCK_STREAM, TEST_NAME, LDNS_RR_TYPE_A);
	assert_non_null(p);
	ldns_pkt_free(p);
	test_set_a(ctx, TEST_NEW_A);
	mark = ctx->nevents;
	test_flush(ctx);
	fl = test_find(ctx, mark, "resolver", "flushed", NULL, NULL);
	assert_string_equal(test_field(ctx, fl, "tcp_closed"), "1");
	/* the old connection is closed, not answered from the old cache */
	p = test_ask_fd(ctx, fd, SOCK_STREAM, TEST_NAME, LDNS_RR_TYPE_A);
	if (p != NULL) {
		ldns_pkt_free(p);
		fail_msg("a pre-flush TCP connection was still answered");
	}
	close(fd);
	mark = ctx->nevents;
	test_expect_a(ctx, SOCK_STREAM, TEST_NAME, TEST_NEW_A);
	rep = test_wait_rec(ctx, mark, "resolver", "forwarded", "name",
	    TEST_NAME);
	assert_string_equal(test_field(ctx, rep, "proto"), "tcp");
	assert_int_equal(test_count(ctx, mark, "resolver", "cached", NULL,
	    NULL), 0);
}

/*
 * (g) An answer to a query dnsmasq forwarded before the flush, arriving
 * after the clear, would put pre-change data back into the cache. The
 * upstream here is the test's own socket, answering (from a dns_zone)
 * when told to: the resolver must notice and clear again; an answer
 * that never comes costs only the grace period.
 */
struct refill_case {
	const char	*label;
	bool		 answer;	/* answer the held query in the grace */
	const char	*rounds;
};

static const struct refill_case refill_cases[] = {
	{ "old answer after the clear: flushed again", true, "2" },
	{ "not answered in the grace: done after it", false, "1" },
	{ NULL, false, NULL },
};

static void
test_resolver_flush_refill(void **state)
{
	struct test_ctx			*ctx = *state;
	const struct refill_case	*tc;
	struct resolver_config		 c;
	struct dns_answer_info		 info;
	struct sockaddr_storage		 from;
	struct sockaddr_in		 sin;
	struct err			 err = { 0 };
	socklen_t			 flen, slen;
	uint8_t				 held[DNS_UDP_MAX], ans[DNS_UDP_MAX];
	size_t				 hlen, alen, mark;
	ssize_t				 n;
	uint64_t			 t0;
	long				 fl;
	int				 up, cfd, before;

	for (tc = refill_cases; tc->label != NULL; tc++) {
		up = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		slen = sizeof(sin);
		assert_int_equal(bind(up, (struct sockaddr *)&sin,
		    sizeof(sin)), 0);
		assert_int_equal(getsockname(up, (struct sockaddr *)&sin,
		    &slen), 0);
		test_config(ctx, &c);
		c.upstream_port = ntohs(sin.sin_port);
		if ((ctx->r = resolver_new(ctx->base, &c, &err)) == NULL)
			fail_msg("%s: %s", tc->label, err.msg);
		ctx->port = c.listen_port;

		/* a client asks; dnsmasq forwards; the upstream holds it */
		cfd = test_client(ctx, SOCK_DGRAM);
		hlen = test_query(ctx->q, TEST_NAME, LDNS_RR_TYPE_A, 7);
		assert_int_equal(send(cfd, ctx->q, hlen, 0), (ssize_t)hlen);
		assert_true(test_wait(ctx, up, TEST_WAIT_MS));
		flen = sizeof(from);
		n = recvfrom(up, held, sizeof(held), 0,
		    (struct sockaddr *)&from, &flen);
		assert_true(n > 0);
		hlen = (size_t)n;
		(void)test_wait_rec(ctx, 0, "resolver", "forwarded", "name",
		    TEST_NAME);

		/* the world changes; the flush clears; the query is suspect */
		test_set_a(ctx, TEST_NEW_A);
		mark = ctx->nevents;
		before = ctx->flushes;
		assert_int_equal(resolver_flush(ctx->r, test_on_flushed, ctx,
		    &err), 0);
		t0 = testutil_now_ms();
		while (ctx->r->phase != RESOLVER_PHASE_GRACE) {
			if (testutil_now_ms() - t0 > TEST_WAIT_MS ||
			    ctx->flushes != before)
				fail_msg("%s: no grace period", tc->label);
			test_pump(ctx, 1);
		}
		if (tc->answer) {
			/* answered from the world as it was: old data */
			test_set_a(ctx, TEST_OLD_A);
			assert_int_equal(dns_zone_answer(ctx->zone,
			    DNS_TRANSPORT_UDP, held, hlen,
			    ans, sizeof(ans), &alen, &info), 0);
			test_set_a(ctx, TEST_NEW_A);
			assert_int_equal(sendto(up, ans, alen, 0,
			    (struct sockaddr *)&from, flen), (ssize_t)alen);
		}
		while (ctx->flushes == before) {
			if (testutil_now_ms() - t0 > TEST_WAIT_MS)
				fail_msg("%s: flush never done", tc->label);
			test_pump(ctx, 5);
		}
		if (!ctx->flush_ok)
			fail_msg("%s: %s", tc->label, ctx->flush_err.msg);
		fl = test_find(ctx, mark, "resolver", "flushed", NULL, NULL);
		if (strcmp(test_field(ctx, fl, "rounds"), tc->rounds) != 0)
			fail_msg("%s: rounds=%s, want %s", tc->label,
			    test_field(ctx, fl, "rounds"), tc->rounds);
		close(cfd);
		if (!tc->answer) {
			/* answered now, from the new world: nothing stale */
			assert_int_equal(dns_zone_answer(ctx->zone,
			    DNS_TRANSPORT_UDP, held, hlen,
			    ans, sizeof(ans), &alen, &info), 0);
			assert_int_equal(sendto(up, ans, alen, 0,
			    (struct sockaddr *)&from, flen), (ssize_t)alen);
			(void)test_wait_rec(ctx, mark, "resolver", "reply",
			    "is", TEST_NEW_A);
			resolver_free(ctx->r);
			ctx->r = NULL;
			close(up);
			continue;
		}

		/* the old answer is not in the cache: asked upstream again */
		cfd = test_client(ctx, SOCK_DGRAM);
		hlen = test_query(ctx->q, TEST_NAME, LDNS_RR_TYPE_A, 8);
		assert_int_equal(send(cfd, ctx->q, hlen, 0), (ssize_t)hlen);
		if (!test_wait(ctx, up, TEST_WAIT_MS))
			fail_msg("%s: served from the cache", tc->label);
		flen = sizeof(from);
		n = recvfrom(up, held, sizeof(held), 0,
		    (struct sockaddr *)&from, &flen);
		assert_true(n > 0);
		assert_int_equal(dns_zone_answer(ctx->zone, DNS_TRANSPORT_UDP,
		    held, (size_t)n,
		    ans, sizeof(ans), &alen, &info), 0);
		assert_int_equal(sendto(up, ans, alen, 0,
		    (struct sockaddr *)&from, flen), (ssize_t)alen);
		assert_true(test_wait(ctx, cfd, TEST_WAIT_MS));
		close(cfd);
		(void)test_wait_rec(ctx, mark, "resolver", "reply", "is",
		    TEST_NEW_A);
		resolver_free(ctx->r);
		ctx->r = NULL;
		close(up);
	}
}

/*
 * The runner blocks SIGCHLD, SIGINT, SIGTERM and SIGHUP for its
 * signalfd, and a child inherits its mask: dnsmasq must not (SIGHUP is
 * the flush, SIGTERM the stop).
 */
static void
test_resolver_blocked_signals(void **state)
{
	struct test_ctx	*ctx = *state;
	sigset_t	 sigs, old;
	uint64_t	 t0;
	pid_t		 pid;

	sigemptyset(&sigs);
	sigaddset(&sigs, SIGCHLD);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	assert_int_equal(sigprocmask(SIG_BLOCK, &sigs, &old), 0);
	test_start(ctx);
	test_expect_a(ctx, SOCK_DGRAM, TEST_NAME, TEST_OLD_A);
	test_flush(ctx);
	pid = resolver_pid(ctx->r);
	t0 = testutil_now_ms();
	resolver_free(ctx->r);
	ctx->r = NULL;
	assert_true(testutil_now_ms() - t0 < RESOLVER_STOP_MS);
	assert_true(test_find(ctx, 0, "resolver", "exit", "status", "0") >= 0);
	assert_true(kill(pid, 0) == -1 && errno == ESRCH);
	assert_int_equal(sigprocmask(SIG_SETMASK, &old, NULL), 0);
}

/* Someone else's SIGHUP (the SUT shares the namespace) is recorded. */
static void
test_resolver_unrequested(void **state)
{
	struct test_ctx	*ctx = *state;
	size_t		 mark;
	long		 fl;

	test_start(ctx);
	mark = ctx->nevents;
	assert_int_equal(kill(resolver_pid(ctx->r), SIGHUP), 0);
	fl = test_wait_rec(ctx, mark, "resolver", "flushed", NULL, NULL);
	assert_string_equal(test_field(ctx, fl, "requested"), "no");
	assert_int_equal(ctx->flushes, 0);
}

/*
 * (d) dnsmasq dying is reported through the exit callback once the
 * embedding program hands over the reaped pid; a flush pending then
 * fails; nothing works afterwards.
 */
struct exit_case {
	const char	*label;
	int		 sig;
	bool		 flushing;	/* a flush pending when it dies */
	bool		 free_in_cb;	/* the callback frees the resolver */
	bool		 tcp;		/* a TCP connection (child) open */
	const char	*field;		/* of the exit record */
	const char	*value;
};

static const struct exit_case exit_cases[] = {
	{ "SIGKILL", SIGKILL, false, false, false, "signal", "9" },
	{ "SIGKILL during a flush", SIGKILL, true, false, false, "signal",
	    "9" },
	{ "SIGTERM: dnsmasq exits 0", SIGTERM, false, false, false, "status",
	    "0" },
	{ "callback frees the resolver", SIGKILL, true, true, false,
	    "signal", "9" },
	{ "SIGKILL, its orphaned TCP child killed", SIGKILL, false, false,
	    true, "signal", "9" },
	{ NULL, 0, false, false, false, NULL, NULL },
};

static void
test_resolver_exit(void **state)
{
	struct test_ctx		*ctx = *state;
	const struct exit_case	*tc;
	struct err		 err = { 0 };
	size_t			 mark;
	pid_t			 pid, orphan;
	long			 ex;
	int			 st, fd = -1;
	uint64_t		 t0;

	for (tc = exit_cases; tc->label != NULL; tc++) {
		ctx->exits = ctx->flushes = 0;
		ctx->free_on_exit = tc->free_in_cb;
		test_start(ctx);
		pid = resolver_pid(ctx->r);
		if (tc->tcp) {
			fd = test_client(ctx, SOCK_STREAM);
			test_pump(ctx, TEST_SETTLE_MS);
		}
		mark = ctx->nevents;
		if (tc->flushing) {
			/* stopped, it cannot clear before it dies */
			assert_int_equal(kill(pid, SIGSTOP), 0);
			assert_int_equal(resolver_flush(ctx->r,
			    test_on_flushed, ctx, &err), 0);
		}
		assert_int_equal(kill(pid, tc->sig), 0);
		st = test_reap(pid);
		/* not dnsmasq: not the resolver's business */
		assert_false(resolver_on_child_exit(ctx->r, pid + 100000, st));
		assert_false(resolver_on_child_exit(NULL, pid, st));
		assert_int_equal(ctx->exits, 0);
		assert_true(resolver_on_child_exit(ctx->r, pid, st));
		if (ctx->exits != 1)
			fail_msg("%s: %d exit callbacks", tc->label,
			    ctx->exits);
		assert_int_equal(ctx->exit_status, st);
		if (tc->flushing && (ctx->flushes != 1 || ctx->flush_ok ||
		    ctx->flush_err.code != ERR_IO))
			fail_msg("%s: the pending flush did not fail",
			    tc->label);
		ex = test_find(ctx, mark, "resolver", "exit", NULL, NULL);
		if (ex < 0)
			fail_msg("%s: no exit record", tc->label);
		assert_string_equal(test_field(ctx, ex, tc->field), tc->value);
		assert_string_equal(test_field(ctx, ex, "expected"), "no");
		if (tc->tcp) {
			/* orphaned to us (a subreaper, like the run's PID 1) */
			t0 = testutil_now_ms();
			while ((orphan = waitpid(-1, &st, WNOHANG)) <= 0) {
				if (testutil_now_ms() - t0 > TEST_WAIT_MS)
					fail_msg("%s: the TCP child lives",
					    tc->label);
				(void)poll(NULL, 0, 5);
			}
			assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
			assert_false(resolver_on_child_exit(ctx->r, orphan,
			    st));
			close(fd);
		}
		if (tc->free_in_cb) {
			assert_null(ctx->r);
			continue;
		}
		assert_int_equal(resolver_pid(ctx->r), -1);
		/* handed over twice: only once is it dnsmasq's exit */
		assert_false(resolver_on_child_exit(ctx->r, pid, st));
		assert_int_equal(ctx->exits, 1);
		assert_int_equal(resolver_flush(ctx->r, test_on_flushed, ctx,
		    &err), -1);
		assert_int_equal(err.code, ERR_IO);
		resolver_free(ctx->r);
		ctx->r = NULL;
	}
	ctx->free_on_exit = false;
}

/* A done callback may free the resolver (freed once it returns). */
static void
test_resolver_free_in_flush(void **state)
{
	struct test_ctx	*ctx = *state;
	struct err	 err = { 0 };
	pid_t		 pid;
	long		 ex;

	test_start(ctx);
	pid = resolver_pid(ctx->r);
	ctx->free_on_flush = true;
	assert_int_equal(resolver_flush(ctx->r, test_on_flushed, ctx, &err), 0);
	while (ctx->flushes == 0)
		test_pump(ctx, 5);
	ctx->free_on_flush = false;
	assert_null(ctx->r);
	assert_true(kill(pid, 0) == -1 && errno == ESRCH);
	ex = test_find(ctx, 0, "resolver", "exit", NULL, NULL);
	assert_string_equal(test_field(ctx, ex, "expected"), "yes");
	assert_int_equal(ctx->exits, 0);
}

/*
 * resolver_free stops dnsmasq and its TCP children, reaps them, leaves
 * no descriptor behind and keeps the config file.
 */
static void
test_resolver_free(void **state)
{
	struct test_ctx	*ctx = *state;
	struct stat	 st;
	struct dirent	*de;
	unsigned long	 v;
	char		 conf[PATH_MAX];
	pid_t		 pid, tcp = 0;
	DIR		*d;
	int		 fds, fd;

	fds = testutil_count_fds();
	test_start(ctx);
	pid = resolver_pid(ctx->r);
	(void)str_copy(conf, resolver_conf_path(ctx->r), sizeof(conf));
	fd = test_client(ctx, SOCK_STREAM);	/* a TCP child of dnsmasq */
	test_pump(ctx, TEST_SETTLE_MS);
	assert_int_equal(test_children(), 1);
	assert_non_null(d = opendir("/proc"));
	while ((de = readdir(d)) != NULL)
		if (parse_uint(de->d_name, INT_MAX, &v) == 0 &&
		    resolver_is_live_child(ctx->r, (pid_t)v))
			tcp = (pid_t)v;
	closedir(d);
	assert_true(tcp > 0);
	resolver_free(ctx->r);
	ctx->r = NULL;
	assert_true(kill(pid, 0) == -1 && errno == ESRCH);
	assert_false(test_is_alive(tcp));
	close(fd);
	assert_int_equal(test_children(), 0);
	assert_int_equal(testutil_count_fds(), fds);
	assert_int_equal(stat(conf, &st), 0);
	assert_true(test_find(ctx, 0, "resolver", "exit", "expected", "yes") >=
	    0);
	resolver_free(NULL);
}

/*
 * (e) Startup failures are reported quickly and say why, in dnsmasq's
 * own words where it has any; no process and no descriptor is left.
 */
enum test_new {
	TEST_NEW_PLAIN,
	TEST_NEW_PORT_TAKEN,		/* bind the listen port first */
	TEST_NEW_NO_DIR,
	TEST_NEW_FRONT,			/* anchors, not a validator */
	TEST_NEW_VALIDATOR,		/* a validator, anchors or not */
};

struct new_case {
	const char	*label;
	const char	*dnsmasq;	/* NULL: the real one */
	const char	*listen;	/* NULL: 127.0.0.1 */
	const char	*upstream;	/* NULL: 127.0.0.1 */
	int		 port;		/* -1: a free one; -2: upstream's */
	unsigned int	 cache_size;
	unsigned int	 start_ms;
	enum test_new	 how;
	int		 code;
	const char	*msg;		/* a part of the message */
	const char	*anchor;	/* one trust anchor, or NULL; with
					   one, the config is a validator's
					   unless how says otherwise */
};

static const struct new_case new_cases[] = {
	{ "binary missing", "/nonexistent/dnsmasq", NULL, NULL, -1, 0, 0,
	    TEST_NEW_PLAIN, ERR_NOTFOUND, "not an executable file", NULL },
	{ "binary not on PATH", "no-such-dnsmasq-here", NULL, NULL, -1, 0, 0,
	    TEST_NEW_PLAIN, ERR_NOTFOUND, "not found on PATH", NULL },
	{ "binary a directory", "/tmp", NULL, NULL, -1, 0, 0,
	    TEST_NEW_PLAIN, ERR_NOTFOUND, "not an executable file", NULL },
	{ "port taken", NULL, NULL, NULL, -1, 0, 0, TEST_NEW_PORT_TAKEN,
	    ERR_IO, "Address already in use", NULL },
	{ "address not ours", NULL, "192.0.2.1", NULL, -1, 0, 0,
	    TEST_NEW_PLAIN, ERR_IO, "Cannot assign requested address", NULL },
	{ "not dnsmasq: exits", "/bin/false", NULL, NULL, -1, 0, 0,
	    TEST_NEW_PLAIN, ERR_IO, "exited during startup (exit status 1)", NULL },
	{ "not dnsmasq: rejects the options", "/bin/sleep", NULL, NULL, -1, 0,
	    300, TEST_NEW_PLAIN, ERR_IO, "exit status 1", NULL },
	{ "listen address a name", NULL, "localhost", NULL, -1, 0, 0,
	    TEST_NEW_PLAIN, ERR_RANGE, "listen address", NULL },
	{ "upstream address a name", NULL, NULL, "fake-dns", -1, 0, 0,
	    TEST_NEW_PLAIN, ERR_RANGE, "upstream address", NULL },
	{ "listen port 0", NULL, NULL, NULL, 0, 0, 0, TEST_NEW_PLAIN,
	    ERR_RANGE, "port 0", NULL },
	{ "upstream is itself", NULL, NULL, NULL, -2, 0, 0, TEST_NEW_PLAIN,
	    ERR_RANGE, "forward to itself", NULL },
	{ "cache too big", NULL, NULL, NULL, -1, RESOLVER_CACHE_SIZE_MAX + 1,
	    0, TEST_NEW_PLAIN, ERR_RANGE, "cache size", NULL },
	{ "startup bound too big", NULL, NULL, NULL, -1, 0,
	    RESOLVER_MS_MAX + 1, TEST_NEW_PLAIN, ERR_RANGE, "bound", NULL },
	{ "no directory", NULL, NULL, NULL, -1, 0, 0, TEST_NEW_NO_DIR,
	    ERR_SYS, "No such file or directory", NULL },
	/* trust anchors: nothing else can ride into dnsmasq.conf */
	{ "anchor smuggles an option", NULL, NULL, NULL, -1, 0, 0,
	    TEST_NEW_PLAIN, ERR_RANGE, "trust anchor 1 is not",
	    "d.test,1,13,2,AB\nconf-file=/etc/passwd" },
	{ "anchor without a zone", NULL, NULL, NULL, -1, 0, 0,
	    TEST_NEW_PLAIN, ERR_RANGE, "trust anchor 1 is not", ",1,13,2,AB" },
	{ "anchor with a slash in the zone", NULL, NULL, NULL, -1, 0, 0,
	    TEST_NEW_PLAIN, ERR_RANGE, "trust anchor 1 is not",
	    "d/x.test,1,13,2,AB" },
	{ "anchor with three fields", NULL, NULL, NULL, -1, 0, 0,
	    TEST_NEW_PLAIN, ERR_RANGE, "trust anchor 1 is not", "d.test,1,13,AB" },
	{ "anchor with an empty field", NULL, NULL, NULL, -1, 0, 0,
	    TEST_NEW_PLAIN, ERR_RANGE, "trust anchor 1 is not",
	    "d.test,1,,2,AB" },
	{ "anchor digest not hex", NULL, NULL, NULL, -1, 0, 0,
	    TEST_NEW_PLAIN, ERR_RANGE, "trust anchor 1 is not",
	    "d.test,1,13,2,XYZ" },
	{ "no root anchor", NULL, NULL, NULL, -1, 0, 0, TEST_NEW_PLAIN,
	    ERR_IO, "no root trust anchor", "d.test,1,13,2,AB" },
	/* the SUT's resolver forwards anchored zones to the validator */
	{ "anchors but no validator address", NULL, NULL, NULL, -1, 0, 0,
	    TEST_NEW_FRONT, ERR_RANGE, "the validator address is not",
	    "d.test,1,13,2,AB" },
	{ "a validator without anchors", NULL, NULL, NULL, -1, 0, 0,
	    TEST_NEW_VALIDATOR, ERR_RANGE, "a validator without a trust "
	    "anchor", NULL },
	{ NULL, NULL, NULL, NULL, 0, 0, 0, TEST_NEW_PLAIN, 0, NULL, NULL },
};

static void
test_resolver_new_errors(void **state)
{
	struct test_ctx		*ctx = *state;
	const struct new_case	*tc;
	struct resolver_config	 c;
	struct sockaddr_in	 sin;
	struct resolver		*r;
	struct err		 err;
	uint64_t		 t0, took;
	int			 fds, hog;

	fds = testutil_count_fds();
	for (tc = new_cases; tc->label != NULL; tc++) {
		err_clear(&err);
		hog = -1;
		test_config(ctx, &c);
		if (tc->dnsmasq != NULL)
			c.dnsmasq = tc->dnsmasq;
		if (tc->listen != NULL)
			c.listen_addr = tc->listen;
		if (tc->upstream != NULL)
			c.upstream_addr = tc->upstream;
		if (tc->port == -2)
			c.listen_port = c.upstream_port;
		else if (tc->port != -1)
			c.listen_port = (uint16_t)tc->port;
		c.cache_size = tc->cache_size;
		c.start_ms = tc->start_ms;
		c.anchors = tc->anchor != NULL ? &tc->anchor : NULL;
		c.nanchors = tc->anchor != NULL ? 1 : 0;
		c.validator = (tc->anchor != NULL && tc->how !=
		    TEST_NEW_FRONT) || tc->how == TEST_NEW_VALIDATOR;
		if (tc->how == TEST_NEW_NO_DIR)
			c.dir = "/nonexistent/dir";
		if (tc->how == TEST_NEW_PORT_TAKEN) {
			hog = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
			memset(&sin, 0, sizeof(sin));
			sin.sin_family = AF_INET;
			sin.sin_port = htons(c.listen_port);
			sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
			assert_int_equal(bind(hog, (struct sockaddr *)&sin,
			    sizeof(sin)), 0);
		}
		t0 = testutil_now_ms();
		r = resolver_new(ctx->base, &c, &err);
		took = testutil_now_ms() - t0;
		if (hog != -1)
			close(hog);
		if (r != NULL) {
			resolver_free(r);
			fail_msg("%s: started", tc->label);
		}
		if (err.code != tc->code || strstr(err.msg, tc->msg) == NULL)
			fail_msg("%s: code %d \"%s\", want %d with \"%s\"",
			    tc->label, err.code, err.msg, tc->code, tc->msg);
		if (took > TEST_QUICK_MS)
			fail_msg("%s: took %llu ms", tc->label,
			    (unsigned long long)took);
		if (test_children() != 0)
			fail_msg("%s: a child is left", tc->label);
		if (testutil_count_fds() != fds)
			fail_msg("%s: descriptors leaked", tc->label);
	}
	/* without a struct err, and with nothing at all */
	test_config(ctx, &c);
	c.dnsmasq = "/nonexistent/dnsmasq";
	assert_null(resolver_new(ctx->base, &c, NULL));
	assert_null(resolver_new(ctx->base, NULL, NULL));
	assert_null(resolver_new(NULL, &c, NULL));
}

/* A binary that runs but never becomes ready is killed at start_ms. */
static void
test_resolver_new_timeout(void **state)
{
	struct test_ctx		*ctx = *state;
	struct resolver_config	 c;
	struct err		 err = { 0 };
	char			 script[128];
	uint64_t		 t0, took;
	FILE			*fp;

	(void)snprintf(script, sizeof(script), "%s/mute", ctx->dir);
	assert_non_null(fp = fopen(script, "w"));
	fprintf(fp, "#!/bin/sh\nexec sleep 30\n");
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(script, 0755), 0);
	test_config(ctx, &c);
	c.dnsmasq = script;
	c.start_ms = 300;
	t0 = testutil_now_ms();
	assert_null(resolver_new(ctx->base, &c, &err));
	took = testutil_now_ms() - t0;
	(void)unlink(script);
	assert_int_equal(err.code, ERR_TIMEOUT);
	assert_non_null(strstr(err.msg, "not ready within 300 ms"));
	assert_true(took >= 300 && took < 300 + 1000);
	assert_int_equal(test_children(), 0);
}

/*
 * The run's layout: inside a user namespace where only uid 0 is mapped
 * (as root, and as nobody: the harness run unprivileged) and a network
 * namespace of its own, dnsmasq on 127.0.0.53:53 forwards to fake-dns
 * on 127.0.0.54:53. A forked child does it and reports by exit status.
 */
struct ns_case {
	const char	*label;
	bool		 nobody;
};

static const struct ns_case ns_cases[] = {
	{ "root, uid 0 mapped to 0", false },
	{ "nobody, uid 0 mapped to 65534", true },
	{ NULL, false },
};

static int	test_ns_child(bool);
static int	test_ns_write(const char *, const char *);

static int
test_ns_write(const char *path, const char *text)
{
	int	fd, ok;

	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok ? 0 : -1;
}

/* test_ns_child - in a forked child: no cmocka here, an exit status */
static int
test_ns_child(bool nobody)
{
	struct resolver_config	 c;
	struct event_base	*base;
	struct dns_zone		*zone;
	struct dns_server	*dns;
	struct resolver		*r;
	struct ifreq		 ifr;
	struct sockaddr_in	 sin;
	char			 map[64], dir[64], path[128];
	uint8_t			 q[DNS_UDP_MAX], a[DNS_UDP_MAX];
	struct pollfd		 pfd;
	ssize_t			 n;
	size_t			 qlen, i;
	uid_t			 uid;
	gid_t			 gid;
	int			 s, fd, rc = 0;

	log_set_event_hook(NULL, NULL);
	/* a uid change makes /proc/self root's unless dumpable again */
	if (nobody && (setgroups(0, NULL) == -1 || setgid(65534) == -1 ||
	    setuid(65534) == -1 || prctl(PR_SET_DUMPABLE, 1) == -1))
		return 10;
	uid = getuid();
	gid = getgid();
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET) == -1)
		return TEST_NS_SKIP;
	(void)snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
	if (test_ns_write("/proc/self/setgroups", "deny") == -1 ||
	    test_ns_write("/proc/self/uid_map", map) == -1)
		return 11;
	(void)snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
	if (test_ns_write("/proc/self/gid_map", map) == -1)
		return 12;
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	memset(&ifr, 0, sizeof(ifr));
	(void)str_copy(ifr.ifr_name, "lo", sizeof(ifr.ifr_name));
	if (s == -1 || ioctl(s, SIOCGIFFLAGS, &ifr) == -1)
		return 13;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) == -1)
		return 14;
	close(s);
	(void)str_copy(dir, "/tmp/test_resolver_ns.XXXXXX", sizeof(dir));
	if (mkdtemp(dir) == NULL)
		return 15;
	base = event_base_new();
	zone = dns_zone_new();
	if (dns_zone_add_rr(zone, TEST_NAME ". 300 IN A " TEST_OLD_A, NULL,
	    NULL) == -1)
		return 16;
	if ((dns = dns_server_new(base, zone, "127.0.0.54", DNS_PORT,
	    NULL)) == NULL)
		return 17;
	memset(&c, 0, sizeof(c));
	c.dir = dir;
	c.listen_addr = "127.0.0.53";
	c.listen_port = DNS_PORT;
	c.upstream_addr = "127.0.0.54";
	c.upstream_port = DNS_PORT;
	if ((r = resolver_new(base, &c, NULL)) == NULL)
		rc = 18;
	else {
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    0);
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons(DNS_PORT);
		sin.sin_addr.s_addr = inet_addr("127.0.0.53");
		qlen = test_query(q, TEST_NAME, LDNS_RR_TYPE_A, 9);
		rc = 19;
		if (sendto(fd, q, qlen, 0, (struct sockaddr *)&sin,
		    sizeof(sin)) == (ssize_t)qlen)
			for (i = 0; i < 200 && rc == 19; i++) {
				(void)event_base_loop(base, EVLOOP_NONBLOCK);
				pfd.fd = fd;
				pfd.events = POLLIN;
				if (poll(&pfd, 1, 10) == 1 &&
				    (n = recv(fd, a, sizeof(a), 0)) > 12 &&
				    a[0] == 0 && a[1] == 9 && a[7] == 1 &&
				    memcmp(a + n - 4, "\x7f\x01\x01\x19", 4) ==
				    0)
					rc = 0;
			}
		close(fd);
		resolver_free(r);
	}
	dns_server_free(dns);
	dns_zone_free(zone);
	event_base_free(base);
	(void)snprintf(path, sizeof(path), "%s/%s", dir, RESOLVER_CONF_NAME);
	(void)unlink(path);
	(void)rmdir(dir);
	return rc;
}

static void
test_resolver_namespace(void **state)
{
	const struct ns_case	*tc;
	pid_t			 pid;
	int			 st, ran = 0;

	(void)state;
	for (tc = ns_cases; tc->label != NULL; tc++) {
		if (tc->nobody && geteuid() != 0)
			continue;		/* cannot become nobody */
		fflush(NULL);
		if ((pid = fork()) == 0)
			_exit(test_ns_child(tc->nobody));
		assert_true(pid > 0);
		st = test_reap(pid);
		if (WIFEXITED(st) && WEXITSTATUS(st) == TEST_NS_SKIP) {
			fprintf(stderr, "%s: no user namespace here; "
			    "skipped\n", tc->label);
			continue;
		}
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			fail_msg("%s: child status %d", tc->label, st);
		ran++;
	}
	if (ran == 0)
		skip();
}

/*
 * (f) The parser: real dnsmasq 2.90 lines (captured with log-queries=
 * extra, log-facility=-; pid 100 is dnsmasq, 200 a TCP child of it) and
 * hostile ones, each to its exact record or to none.
 */
struct parse_case {
	const char	*label;
	const char	*line;
	const char	*want;		/* NULL: no record */
};

#define Q1	"resolver session=0000000000000001 event="

static const struct parse_case parse_cases[] = {
	{ "query A", "dnsmasq[100]: 1 127.0.0.1/45901 query[A] mx1.d.test "
	    "from 127.0.0.1", Q1 "query proto=udp peer=127.0.0.1:45901 "
	    "name=mx1.d.test type=A" },
	{ "forwarded, port", "dnsmasq[100]: 1 127.0.0.1/45901 forwarded "
	    "mx1.d.test to 127.0.0.1#15353", Q1 "forwarded proto=udp "
	    "peer=127.0.0.1:45901 name=mx1.d.test to=127.0.0.1:15353" },
	{ "forwarded, port 53 unsaid", "dnsmasq[100]: 1 127.0.0.1/45901 "
	    "forwarded mx1.d.test to 127.0.0.54", Q1 "forwarded proto=udp "
	    "peer=127.0.0.1:45901 name=mx1.d.test to=127.0.0.54:53" },
	{ "reply A", "dnsmasq[100]: 1 127.0.0.1/45901 reply mx1.d.test is "
	    "127.1.1.25", Q1 "reply proto=udp peer=127.0.0.1:45901 "
	    "name=mx1.d.test is=127.1.1.25" },
	{ "cached, TCP child, case kept", "dnsmasq[200]: 3 127.0.0.1/40740 "
	    "cached MX1.D.test is 127.1.1.25",
	    "resolver session=0000000000000003 event=cached proto=tcp "
	    "peer=127.0.0.1:40740 name=MX1.D.test is=127.1.1.25" },
	{ "reply CNAME", "dnsmasq[100]: 1 127.0.0.1/56930 reply alias.d.test "
	    "is <CNAME>", Q1 "reply proto=udp peer=127.0.0.1:56930 "
	    "name=alias.d.test is=<CNAME>" },
	{ "reply AAAA", "dnsmasq[100]: 2 127.0.0.1/60786 reply mx1.d.test is "
	    "::1", "resolver session=0000000000000002 event=reply proto=udp "
	    "peer=127.0.0.1:60786 name=mx1.d.test is=::1" },
	{ "reply TXT, quotes", "dnsmasq[100]: 3 127.0.0.1/55500 reply "
	    "quote.d.test is a \"q\" b\\c",
	    "resolver session=0000000000000003 event=reply proto=udp "
	    "peer=127.0.0.1:55500 name=quote.d.test "
	    "is=\"a \\\"q\\\" b\\\\c\"" },
	{ "reply NODATA-IPv6", "dnsmasq[100]: 107 127.0.0.1/50782 reply "
	    "mx1.d.test is NODATA-IPv6", "resolver session=000000000000006b "
	    "event=reply proto=udp peer=127.0.0.1:50782 name=mx1.d.test "
	    "is=NODATA-IPv6" },
	{ "reply NXDOMAIN", "dnsmasq[100]: 105 127.0.0.1/54306 reply "
	    "nope.d.test is NXDOMAIN", "resolver session=0000000000000069 "
	    "event=reply proto=udp peer=127.0.0.1:54306 name=nope.d.test "
	    "is=NXDOMAIN" },
	{ "query HTTPS", "dnsmasq[100]: 14 127.0.0.1/48499 query[HTTPS] "
	    "mx1.d.test from 127.0.0.1", "resolver session=000000000000000e "
	    "event=query proto=udp peer=127.0.0.1:48499 name=mx1.d.test "
	    "type=HTTPS" },
	{ "query, numeric type", "dnsmasq[100]: 1 127.0.0.1/1 "
	    "query[type=999] x.test from 127.0.0.1", Q1 "query proto=udp "
	    "peer=127.0.0.1:1 name=x.test type=\"type=999\"" },
	{ "name with a space", "dnsmasq[100]: 1 127.0.0.1/50032 query[A] "
	    "a b.d.test from 127.0.0.1", Q1 "query proto=udp "
	    "peer=127.0.0.1:50032 name=\"a b.d.test\" type=A" },
	{ "name unprintable", "dnsmasq[100]: 1 127.0.0.1/35418 query[A] "
	    "<name unprintable> from 127.0.0.1", Q1 "query proto=udp "
	    "peer=127.0.0.1:35418 name=\"<name unprintable>\" type=A" },
	{ "name with quote, backslash", "dnsmasq[100]: 1 127.0.0.1/35907 "
	    "query[A] q\"uo\\te.test from 127.0.0.1", Q1 "query proto=udp "
	    "peer=127.0.0.1:35907 name=\"q\\\"uo\\\\te.test\" type=A" },
	{ "name holding \" is \"", "dnsmasq[100]: 1 127.0.0.1/1 reply "
	    "x is y.d.test is NXDOMAIN", Q1 "reply proto=udp peer=127.0.0.1:1 "
	    "name=\"x is y.d.test\" is=NXDOMAIN" },
	{ "name holding \" from \"", "dnsmasq[100]: 1 127.0.0.1/1 query[A] "
	    "a from b.test from 127.0.0.1", Q1 "query proto=udp "
	    "peer=127.0.0.1:1 name=\"a from b.test\" type=A" },
	{ "rcode reply", "dnsmasq[100]: 1 127.0.0.1/48499 reply error is "
	    "REFUSED", Q1 "reply proto=udp peer=127.0.0.1:48499 name=error "
	    "is=REFUSED" },
	{ "IPv6 client", "dnsmasq[100]: 1 ::1/5353 query[AAAA] x.test from "
	    "::1", Q1 "query proto=udp peer=[::1]:5353 name=x.test type=AAAA" },
	{ "forwarded to IPv6", "dnsmasq[100]: 1 ::1/5353 forwarded x.test to "
	    "::1#5353", Q1 "forwarded proto=udp peer=[::1]:5353 name=x.test "
	    "to=[::1]:5353" },
	{ "no client address (F_NOEXTRA)", "dnsmasq[100]: 7 forwarded x.test "
	    "to 127.0.0.1", "resolver session=0000000000000007 "
	    "event=forwarded proto=udp name=x.test to=127.0.0.1:53" },
	{ "other source with a serial", "dnsmasq[100]: 7 127.0.0.1/1 "
	    "dnssec-query[DNSKEY] test to 127.0.0.1",
	    "resolver session=0000000000000007 event=log text=\"7 "
	    "127.0.0.1/1 dnssec-query[DNSKEY] test to 127.0.0.1\"" },
	{ "cached-stale", "dnsmasq[100]: 4 127.0.0.1/1 cached-stale x.test "
	    "is 1.2.3.4", "resolver session=0000000000000004 event=cached "
	    "proto=udp peer=127.0.0.1:1 name=x.test is=1.2.3.4 stale=yes" },
	{ "started", "dnsmasq[100]: started, version 2.90 cachesize 4096",
	    "resolver session=0000000000000000 event=started version=2.90 "
	    "cache_size=4096" },
	{ "started, no cache", "dnsmasq[100]: started, version 2.90 cache "
	    "disabled", "resolver session=0000000000000000 event=started "
	    "version=2.90 cache_size=0" },
	{ "compile options dropped", "dnsmasq[100]: compile time options: "
	    "IPv6 GNU-getopt DBus no-UBus i18n IDN2 DHCP DHCPv6", NULL },
	{ "using nameserver", "dnsmasq[100]: using nameserver "
	    "127.0.0.1#15353", "resolver session=0000000000000000 "
	    "event=upstream to=127.0.0.1:15353" },
	{ "cleared cache: the flush's", "dnsmasq[100]: cleared cache", NULL },
	{ "exiting", "dnsmasq[100]: exiting on receipt of SIGTERM",
	    "resolver session=0000000000000000 event=log text=\"exiting on "
	    "receipt of SIGTERM\"" },
	{ "startup complaint", "dnsmasq: failed to create listening socket "
	    "for 127.0.0.1: Address already in use",
	    "resolver session=0000000000000000 event=log text=\"failed to "
	    "create listening socket for 127.0.0.1: Address already in "
	    "use\"" },
	{ "log overflow", "dnsmasq[100]: overflow: 3 log entries lost",
	    "resolver session=0000000000000000 event=drop reason=lost "
	    "count=3" },
	{ "empty", "", NULL },
	{ "blanks", " \t ", NULL },
	{ "foreign line", "sts-harness: exec /x: No such file or directory",
	    "resolver session=0000000000000000 event=log text=\"sts-harness: "
	    "exec /x: No such file or directory\"" },
	/* adversarial */
	{ "pid not a number", "dnsmasq[abc]: 1 x",
	    "resolver session=0000000000000000 event=log "
	    "text=\"dnsmasq[abc]: 1 x\"" },
	{ "pid 0", "dnsmasq[0]: cleared cache",
	    "resolver session=0000000000000000 event=log text=\"dnsmasq[0]: "
	    "cleared cache\"" },
	{ "pid over INT_MAX", "dnsmasq[4294967296]: cleared cache",
	    "resolver session=0000000000000000 event=log "
	    "text=\"dnsmasq[4294967296]: cleared cache\"" },
	{ "no space after the prefix", "dnsmasq[100]:cleared cache",
	    "resolver session=0000000000000000 event=log "
	    "text=\"dnsmasq[100]:cleared cache\"" },
	{ "serial too big", "dnsmasq[100]: 4294967296 127.0.0.1/1 query[A] "
	    "x from 127.0.0.1", "resolver session=0000000000000000 event=log "
	    "text=\"4294967296 127.0.0.1/1 query[A] x from 127.0.0.1\"" },
	{ "largest serial", "dnsmasq[100]: 4294967295 127.0.0.1/1 query[A] "
	    "x from 127.0.0.1", "resolver session=00000000ffffffff "
	    "event=query proto=udp peer=127.0.0.1:1 name=x type=A" },
	{ "query without from", "dnsmasq[100]: 1 127.0.0.1/1 query[A] x.test",
	    Q1 "log text=\"1 127.0.0.1/1 query[A] x.test\"" },
	{ "query without ]", "dnsmasq[100]: 1 127.0.0.1/1 query[A x from y",
	    Q1 "log text=\"1 127.0.0.1/1 query[A x from y\"" },
	{ "query, empty type", "dnsmasq[100]: 1 127.0.0.1/1 query[] x from y",
	    Q1 "log text=\"1 127.0.0.1/1 query[] x from y\"" },
	{ "query, type too long", "dnsmasq[100]: 1 127.0.0.1/1 query["
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA] x from y", Q1 "log "
	    "text=\"1 127.0.0.1/1 query[AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAA] x from y\"" },
	{ "peer not an address", "dnsmasq[100]: 1 999.0.0.1/53 query[A] x "
	    "from y", Q1 "log text=\"1 999.0.0.1/53 query[A] x from y\"" },
	{ "peer port too big", "dnsmasq[100]: 1 127.0.0.1/70000 query[A] x "
	    "from y", Q1 "log text=\"1 127.0.0.1/70000 query[A] x from y\"" },
	{ "peer without port", "dnsmasq[100]: 1 127.0.0.1/ query[A] x from y",
	    Q1 "log text=\"1 127.0.0.1/ query[A] x from y\"" },
	{ "forwarded nowhere", "dnsmasq[100]: 1 127.0.0.1/1 forwarded x to "
	    "nowhere", Q1 "log text=\"1 127.0.0.1/1 forwarded x to nowhere\"" },
	{ "reply, empty name", "dnsmasq[100]: 5 127.0.0.1/1 reply  is x",
	    "resolver session=0000000000000005 event=log text=\"5 "
	    "127.0.0.1/1 reply  is x\"" },
	{ "reply value with =", "dnsmasq[100]: 1 127.0.0.1/1 reply x is a=b",
	    Q1 "reply proto=udp peer=127.0.0.1:1 name=x is=\"a=b\"" },
	{ "control bytes", "dnsmasq[100]: \x01\x1b[31mred",
	    "resolver session=0000000000000000 event=log "
	    "text=\"\\x01\\x1b[31mred\"" },
	{ "carriage return", "dnsmasq[100]: cleared cache\r",
	    "resolver session=0000000000000000 event=log text=\"cleared "
	    "cache\\x0d\"" },
	{ "high bytes", "dnsmasq[100]: caf\xc3\xa9",
	    "resolver session=0000000000000000 event=log "
	    "text=\"caf\\xc3\\xa9\"" },
	{ "other facility", "dnsmasq-dhcp[100]: DHCPACK(eth0) 10.0.0.2",
	    "resolver session=0000000000000000 event=log "
	    "text=\"dnsmasq-dhcp[100]: DHCPACK(eth0) 10.0.0.2\"" },
	{ "TCP child says something", "dnsmasq[200]: LOUD WARNING",
	    "resolver session=0000000000000000 event=log pid=200 "
	    "text=\"LOUD WARNING\"" },
	{ "overflow, no count", "dnsmasq[100]: overflow: many log entries "
	    "lost", "resolver session=0000000000000000 event=log "
	    "text=\"overflow: many log entries lost\"" },
	{ "nameserver not an address", "dnsmasq[100]: using nameserver "
	    "bogus#53", "resolver session=0000000000000000 event=log "
	    "text=\"using nameserver bogus#53\"" },
	{ "started, no version", "dnsmasq[100]: started, version ",
	    "resolver session=0000000000000000 event=log text=\"started, "
	    "version \"" },
	{ NULL, NULL, NULL },
};

static void
test_resolver_parse(void **state)
{
	const struct parse_case	*tc;
	struct resolver_line	 l;
	struct log_event	 ev;
	struct log_record	 rec;
	char			 big[RESOLVER_LINE_MAX + 100], want[2048];
	bool			 got;

	(void)state;
	for (tc = parse_cases; tc->label != NULL; tc++) {
		resolver_line_parse(tc->line, &l);
		got = resolver_line_record(&l, TEST_MAIN_PID, &ev);
		if (tc->want == NULL) {
			if (got)
				fail_msg("%s: a record: %s", tc->label,
				    ev.line);
			continue;
		}
		if (!got)
			fail_msg("%s: no record", tc->label);
		if (ev.overflow || strcmp(ev.line, tc->want) != 0)
			fail_msg("%s:\n got  %s\n want %s", tc->label, ev.line,
			    tc->want);
		if (log_record_parse(ev.line, &rec) == -1)
			fail_msg("%s: record does not parse", tc->label);
	}

	/* longer than the bound: cut, and the text kept is bounded */
	memset(big, 'A', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	resolver_line_parse(big, &l);
	assert_true(resolver_line_record(&l, TEST_MAIN_PID, &ev));
	(void)snprintf(want, sizeof(want), "resolver session=0000000000000000 "
	    "event=log text=%.*s cut=yes", RESOLVER_TEXT_MAX, big);
	assert_string_equal(ev.line, want);
	/* within the bound, but a long message: text cut */
	(void)snprintf(big, sizeof(big), "dnsmasq[100]: %0600d", 7);
	resolver_line_parse(big, &l);
	assert_true(resolver_line_record(&l, TEST_MAIN_PID, &ev));
	assert_non_null(strstr(ev.line, " cut=yes"));
	assert_true(strlen(ev.line) < 100 + RESOLVER_TEXT_MAX);
	/* a long hostile name of backslashes: escaped, within a record */
	memset(big, '\\', sizeof(big));
	memcpy(big, "dnsmasq[100]: 1 127.0.0.1/1 query[A] ", 37);
	(void)snprintf(big + 37 + 900, sizeof(big) - 37 - 900,
	    " from 127.0.0.1");
	resolver_line_parse(big, &l);
	assert_int_equal(l.kind, RESOLVER_LINE_QUERY);
	assert_true(resolver_line_record(&l, TEST_MAIN_PID, &ev));
	assert_false(ev.overflow);
	assert_int_equal(log_record_parse(ev.line, &rec), 0);
	assert_int_equal(strlen(log_record_get(&rec, "name")), 900);
}

/*
 * The line reader: chunks in any size to whole lines; a line over the
 * bound, a NUL byte or an unterminated overlong tail is dropped, counted
 * and recorded, never buffered; the next line is fine.
 */
struct feed_case {
	const char	*label;
	const char	*head;
	size_t		 headlen;	/* 0: strlen */
	size_t		 fill;		/* 'A' bytes after head */
	const char	*tail;
	size_t		 chunk;		/* 0: all at once */
	bool		 eof;		/* then the pipe closes */
	size_t		 dropped;
	const char	*want[4];
};

#define FQ	"dnsmasq[100]: 1 127.0.0.1/1 query[A] x.test from 127.0.0.1"
#define FQ_REC	Q1 "query proto=udp peer=127.0.0.1:1 name=x.test type=A"
#define FQ2	"dnsmasq[100]: 2 127.0.0.1/2 reply x.test is 1.2.3.4"
#define FQ2_REC	"resolver session=0000000000000002 event=reply proto=udp " \
		"peer=127.0.0.1:2 name=x.test is=1.2.3.4"
#define FDROP	"resolver session=0000000000000000 event=drop "
#define FPFX	"dnsmasq[100]: "
#define FTEXT_CUT "(event=log, RESOLVER_TEXT_MAX bytes of text, cut=yes)"

static const struct feed_case feed_cases[] = {
	{ "one line", FQ "\n", 0, 0, "", 0, false, 0, { FQ_REC } },
	{ "byte by byte", FQ "\n", 0, 0, "", 1, false, 0, { FQ_REC } },
	{ "two lines, chunks of 7", FQ "\n" FQ2 "\n", 0, 0, "", 7, false, 0,
	    { FQ_REC, FQ2_REC } },
	{ "overlong, then a line", "", 0, 5000, "\n" FQ "\n", 0, false, 1,
	    { FDROP "reason=line-too-long bytes=5000", FQ_REC } },
	{ "overlong, in chunks of 100", "", 0, 2500, "\n" FQ "\n", 100, false,
	    1, { FDROP "reason=line-too-long bytes=2500", FQ_REC } },
	{ "longest line kept", FPFX, 0, RESOLVER_LINE_MAX - 2 -
	    (sizeof(FPFX) - 1), "\n", 0, false, 0, { FTEXT_CUT } },
	{ "one byte more: dnsmasq may have cut it", FPFX, 0,
	    RESOLVER_LINE_MAX - 1 - (sizeof(FPFX) - 1), "\n", 0, false, 1,
	    { FDROP "reason=line-too-long bytes=1023" } },
	{ "overlong at EOF, unterminated", "", 0, 3000, "", 512, true, 1,
	    { FDROP "reason=line-too-long bytes=3000" } },
	{ "last line unterminated at EOF", FQ, 0, 0, "", 0, true, 0,
	    { FQ_REC } },
	{ "NUL byte", "dnsmasq[100]: a\0b\n" FQ "\n", 17 + 1 + sizeof(FQ), 0,
	    "", 3, false, 1, { FDROP "reason=nul-byte bytes=17", FQ_REC } },
	{ "empty lines", "\n\n\n", 0, 0, "", 0, false, 0, { NULL } },
	{ "unasked clear", FPFX "cleared cache\n", 0, 0, "", 0, false, 0,
	    { "resolver session=0000000000000000 event=flushed "
	    "requested=no" } },
	{ NULL, NULL, 0, 0, NULL, 0, false, 0, { NULL } },
};

static void
test_resolver_feed(void **state)
{
	struct test_ctx		*ctx = *state;
	const struct feed_case	*tc;
	struct resolver		*r;
	char			*in, want[LOG_EVENT_LINE_MAX];
	size_t			 len, hlen, off, n, i;

	in = xmalloc(TEST_FEED_MAX);
	for (tc = feed_cases; tc->label != NULL; tc++) {
		hlen = tc->headlen != 0 ? tc->headlen : strlen(tc->head);
		len = hlen + tc->fill + strlen(tc->tail);
		assert_true(len <= TEST_FEED_MAX);
		memcpy(in, tc->head, hlen);
		memset(in + hlen, 'A', tc->fill);
		memcpy(in + hlen + tc->fill, tc->tail, strlen(tc->tail));
		/* a resolver with no process: the reader alone */
		r = xcalloc(1, sizeof(*r));
		r->pid = TEST_MAIN_PID;
		r->fd = -1;
		r->ready = true;
		ctx->nevents = 0;
		for (off = 0; off < len; off += n) {
			n = tc->chunk == 0 || len - off < tc->chunk ?
			    len - off : tc->chunk;
			resolver_feed(r, in + off, n);
		}
		if (tc->eof && (r->skipping > 0 || r->len > 0))
			resolver_end_line(r);
		for (i = 0; i < 4 && tc->want[i] != NULL; i++) {
			if (i >= ctx->nevents)
				fail_msg("%s: record %zu missing", tc->label,
				    i);
			if (strcmp(tc->want[i], FTEXT_CUT) == 0)
				(void)snprintf(want, sizeof(want),
				    "resolver session=0000000000000000 "
				    "event=log text=%.*s cut=yes",
				    RESOLVER_TEXT_MAX, in + hlen);
			else
				(void)str_copy(want, tc->want[i], sizeof(want));
			if (strcmp(ctx->events[i], want) != 0)
				fail_msg("%s: record %zu\n got  %s\n want %s",
				    tc->label, i, ctx->events[i], want);
		}
		if (ctx->nevents != i)
			fail_msg("%s: %zu records, want %zu", tc->label,
			    ctx->nevents, i);
		if (resolver_dropped(r) != tc->dropped)
			fail_msg("%s: %zu dropped, want %zu", tc->label,
			    resolver_dropped(r), tc->dropped);
		free(r);
	}
	free(in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_resolver_forwarded,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_resolver_cached,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_resolver_flush,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_resolver_flush_tcp,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_resolver_flush_refill,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_resolver_blocked_signals,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_resolver_unrequested,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_resolver_exit,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_resolver_free_in_flush,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_resolver_free,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_resolver_new_errors,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_resolver_new_timeout,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_resolver_namespace,
		    test_setup, test_teardown),
		cmocka_unit_test(test_resolver_parse),
		cmocka_unit_test_setup_teardown(test_resolver_feed,
		    test_setup, test_teardown),
	};

	/* a client closing early must not kill the test with SIGPIPE */
	signal(SIGPIPE, SIG_IGN);
	/* orphans come here, as they come to the run's PID 1 */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) == -1)
		fatal("PR_SET_CHILD_SUBREAPER");
	return cmocka_run_group_tests_name("resolver", tests, NULL, NULL);
}
