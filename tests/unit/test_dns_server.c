/* SPDX-License-Identifier: ISC */
/*
 * test_dns_server.c -- dns_server in-process: a real event_base, the
 * server on 127.0.0.1:0, and nonblocking UDP/TCP client sockets driven by
 * the same loop. Checks answers, silence on a timeout fault, hostile TCP
 * clients, the TCP query deadline and eviction at the connection cap, and
 * the event records (captured with log_set_event_hook).
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>
#include <event2/util.h>
#include <ldns/ldns.h>

#include "../../common/err.h"
#include "../../common/log.h"
#include "../../common/proto.h"
#include "../../fake-dns/dns_server.h"
#include "../../fake-dns/dns_zone.h"
#include "testutil.h"

#define TEST_EVENTS_MAX		512
#define TEST_FDS_MAX		(DNS_SERVER_TCP_CONN_MAX + 16)
#define TEST_WAIT_MS		2000	/* a reply that should come */
#define TEST_QUIET_MS		300	/* silence that should last */
#define TEST_BUF_MAX		(2 + DNS_TCP_MAX)
#define TEST_DEADLINE_MS	150	/* short TCP query deadline */
#define TEST_TRICKLE_MS		40	/* between trickled bytes */
#define TEST_KEEP_MS		50	/* between complete queries */
#define TEST_SETTLE_MS		50	/* loop idle this long: all done */
#define TEST_FAT_RRS		200	/* TXT records: a ~53 KB answer */
#define TEST_FAT_QUERIES	128	/* ~6.8 MB owed: over the kernel
					   buffers; the server stops reading */
#define TEST_RCVBUF		4096	/* client SO_RCVBUF for those */
#define TEST_BACKLOG_STEP	32	/* connects between accepts */

struct test_ctx {
	struct event_base	*base;
	struct dns_zone		*zone;
	struct dns_server	*srv;
	uint16_t		 port;
	int			 fds[TEST_FDS_MAX];
	size_t			 nfds;
	char			 events[TEST_EVENTS_MAX][LOG_EVENT_LINE_MAX];
	size_t			 nevents;
	uint8_t			 q[TEST_BUF_MAX];
	uint8_t			 out[TEST_BUF_MAX];
	struct log_record	 rec;
};

static const char *const test_zone_rrs[] = {
	"d.test. 300 IN MX 10 Mx1.d.test.",
	"Mx1.d.test. 300 IN A 127.1.1.25",
	"_mta-sts.d.test. 300 IN TXT \"v=STSv1; id=1\"",
	"slow.d.test. 300 IN A 127.1.1.26",
	NULL,
};

static void	test_on_event(const char *, void *);
static bool	test_wait(struct test_ctx *, int, int);
static void	test_pump(struct test_ctx *, int);
static void	test_restart(struct test_ctx *, unsigned int, size_t);
static int	test_track(struct test_ctx *, int);
static void	test_close(struct test_ctx *, int);
static int	test_client(struct test_ctx *, int, int);
static int	test_udp_client(struct test_ctx *);
static int	test_tcp_client(struct test_ctx *);
static uint16_t	test_local_port(int);
static bool	test_is_open(int);
static size_t	test_query(uint8_t *, const char *, ldns_rr_type, uint16_t,
		    uint16_t);
static ldns_pkt	*test_udp_ask(struct test_ctx *, int, const uint8_t *,
		    size_t, int);
static void	test_tcp_send(int, const uint8_t *, size_t);
static int	test_tcp_read(struct test_ctx *, int, size_t *);
static void	test_tcp_ask_ok(struct test_ctx *, int, uint16_t);
static const struct log_record *test_event(struct test_ctx *, size_t);
static size_t	test_drops(struct test_ctx *, size_t);
static void	test_check_query(struct test_ctx *, size_t, const char *,
		    const char *, const char *, const char *, const char *,
		    const char *);
static void	test_check_drop(struct test_ctx *, const char *, const char *,
		    int, const char *);
static void	test_settle(struct test_ctx *);
static void	test_add_fat(struct test_ctx *);
static size_t	test_frame(uint8_t *, uint16_t);
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

/* test_pump - run the loop (the server) for ms */
static void
test_pump(struct test_ctx *ctx, int ms)
{
	testutil_pump(ctx->base, ms);
}

/*
 * test_restart - a fresh server (new port, no connections left over from
 * an earlier table row) with these TCP limits
 */
static void
test_restart(struct test_ctx *ctx, unsigned int query_ms, size_t conn_max)
{
	struct err	err = { 0 };

	dns_server_free(ctx->srv);
	ctx->srv = dns_server_new(ctx->base, ctx->zone, "127.0.0.1", 0, &err);
	if (ctx->srv == NULL)
		fail_msg("dns_server_new: %s", err.msg);
	ctx->port = dns_server_port(ctx->srv);
	if (dns_server_set_tcp_limits(ctx->srv, query_ms, conn_max, &err) ==
	    -1)
		fail_msg("dns_server_set_tcp_limits: %s", err.msg);
	ctx->nevents = 0;
}

static int
test_track(struct test_ctx *ctx, int fd)
{
	assert_true(fd != -1);
	assert_true(ctx->nfds < TEST_FDS_MAX);
	ctx->fds[ctx->nfds++] = fd;
	return fd;
}

static void
test_close(struct test_ctx *ctx, int fd)
{
	size_t	i;

	for (i = 0; i < ctx->nfds; i++)
		if (ctx->fds[i] == fd) {
			ctx->fds[i] = ctx->fds[--ctx->nfds];
			close(fd);
			return;
		}
	fail_msg("fd %d not tracked", fd);
}

/*
 * test_client - a connected, non-blocking loopback client of the server;
 * for TCP the kernel completes the handshake before accept(). rcvbuf > 0
 * shrinks the receive buffer first (a client that reads nothing fills it).
 */
static int
test_client(struct test_ctx *ctx, int type, int rcvbuf)
{
	struct sockaddr_in	sin;
	int			fd;

	fd = test_track(ctx, socket(AF_INET, type, 0));
	if (rcvbuf > 0)
		assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
		    sizeof(rcvbuf)), 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(ctx->port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(evutil_make_socket_nonblocking(fd), 0);
	return fd;
}

static int
test_udp_client(struct test_ctx *ctx)
{
	return test_client(ctx, SOCK_DGRAM, 0);
}

static int
test_tcp_client(struct test_ctx *ctx)
{
	return test_client(ctx, SOCK_STREAM, 0);
}

/* test_local_port - the port the server sees as ours (its peer=) */
static uint16_t
test_local_port(int fd)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);

	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	return ntohs(sin.sin_port);
}

/* test_is_open - the server has neither closed fd nor sent it anything */
static bool
test_is_open(int fd)
{
	struct pollfd	pfd = { fd, POLLIN, 0 };

	return poll(&pfd, 1, 0) == 0;
}

/* test_query - a query in wire form at out; edns 0 = no OPT record */
static size_t
test_query(uint8_t *out, const char *name, ldns_rr_type type, uint16_t id,
    uint16_t edns)
{
	ldns_pkt	*p;
	uint8_t		*wire = NULL;
	size_t		 len = 0;

	p = ldns_pkt_query_new(ldns_dname_new_frm_str(name), type,
	    LDNS_RR_CLASS_IN, LDNS_RD);
	assert_non_null(p);
	ldns_pkt_set_id(p, id);
	if (edns != 0)
		ldns_pkt_set_edns_udp_size(p, edns);
	assert_int_equal(ldns_pkt2wire(&wire, p, &len), LDNS_STATUS_OK);
	memcpy(out, wire, len);
	free(wire);
	ldns_pkt_free(p);
	return len;
}

/* test_udp_ask - send, wait up to ms, parse; NULL when no reply came */
static ldns_pkt *
test_udp_ask(struct test_ctx *ctx, int fd, const uint8_t *q, size_t qlen,
    int ms)
{
	ldns_pkt	*r = NULL;
	ssize_t		 n;

	assert_int_equal(send(fd, q, qlen, 0), (ssize_t)qlen);
	if (!test_wait(ctx, fd, ms))
		return NULL;
	n = recv(fd, ctx->out, sizeof(ctx->out), 0);
	assert_true(n > 0);
	assert_int_equal(ldns_wire2pkt(&r, ctx->out, (size_t)n),
	    LDNS_STATUS_OK);
	return r;
}

static void
test_tcp_send(int fd, const uint8_t *msg, size_t len)
{
	uint8_t	prefix[2] = { (uint8_t)(len >> 8), (uint8_t)len };

	assert_int_equal(send(fd, prefix, 2, 0), 2);
	if (len > 0)
		assert_int_equal(send(fd, msg, len, 0), (ssize_t)len);
}

/*
 * test_tcp_read - one length-prefixed reply into ctx->out (length at
 * *len): 1 read, 0 EOF, -1 nothing within TEST_WAIT_MS.
 */
static int
test_tcp_read(struct test_ctx *ctx, int fd, size_t *len)
{
	size_t	have = 0, want = 2;
	ssize_t	n;

	while (have < want) {
		if (!test_wait(ctx, fd, TEST_WAIT_MS))
			return -1;
		n = recv(fd, ctx->out + have, want - have, 0);
		if (n == 0 || (n == -1 && errno == ECONNRESET))
			return 0;
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			continue;
		assert_true(n > 0);
		have += (size_t)n;
		if (have == 2 && want == 2)
			want = 2 + ((size_t)ctx->out[0] << 8 | ctx->out[1]);
	}
	*len = want - 2;
	return 1;
}

/* test_tcp_ask_ok - one query for mx1.d.test A on fd, answered correctly */
static void
test_tcp_ask_ok(struct test_ctx *ctx, int fd, uint16_t id)
{
	ldns_pkt	*r;
	size_t		 qlen, len;

	qlen = test_query(ctx->q, "mx1.d.test.", LDNS_RR_TYPE_A, id, 0);
	test_tcp_send(fd, ctx->q, qlen);
	if (test_tcp_read(ctx, fd, &len) != 1)
		fail_msg("query %u: no answer", (unsigned int)id);
	assert_int_equal(ldns_wire2pkt(&r, ctx->out + 2, len), LDNS_STATUS_OK);
	assert_int_equal(ldns_pkt_id(r), id);
	assert_int_equal(ldns_pkt_get_rcode(r), LDNS_RCODE_NOERROR);
	assert_int_equal(ldns_pkt_ancount(r), 1);
	ldns_pkt_free(r);
}

static const struct log_record *
test_event(struct test_ctx *ctx, size_t i)
{
	if (i >= ctx->nevents)
		fail_msg("event %zu missing (have %zu)", i, ctx->nevents);
	assert_int_equal(log_record_parse(ctx->events[i], &ctx->rec), 0);
	assert_string_equal(ctx->rec.component, "dns");
	return &ctx->rec;
}

/* test_drops - drop records from event i on; the last one stays in rec */
static size_t
test_drops(struct test_ctx *ctx, size_t i)
{
	size_t	n = 0, last = 0;

	assert_true(ctx->nevents < TEST_EVENTS_MAX);	/* none were lost */
	for (; i < ctx->nevents; i++)
		if (strcmp(log_record_get(test_event(ctx, i), "event"),
		    "drop") == 0) {
			last = i;
			n++;
		}
	if (n > 0)
		(void)test_event(ctx, last);
	return n;
}

/* test_check_query - event i is a query record with these fields */
static void
test_check_query(struct test_ctx *ctx, size_t i, const char *proto,
    const char *name, const char *type, const char *rcode,
    const char *answers, const char *fault)
{
	const struct log_record	*r = test_event(ctx, i);
	const char		*peer;

	assert_string_equal(log_record_get(r, "event"), "query");
	assert_string_equal(log_record_get(r, "proto"), proto);
	assert_string_equal(log_record_get(r, "name"), name);
	assert_string_equal(log_record_get(r, "type"), type);
	assert_string_equal(log_record_get(r, "rcode"), rcode);
	assert_string_equal(log_record_get(r, "answers"), answers);
	assert_string_equal(log_record_get(r, "fault"), fault);
	peer = log_record_get(r, "peer");
	assert_non_null(peer);
	assert_true(strncmp(peer, "127.0.0.1:", 10) == 0);
	assert_int_equal(strlen(log_record_get(r, "session")), 16);
}

/*
 * test_check_drop - the last record test_drops() saw is a TCP drop with
 * this reason, for the client on fd (-1: any peer)
 */
static void
test_check_drop(struct test_ctx *ctx, const char *label, const char *reason,
    int fd, const char *what)
{
	const char	*peer;
	char		 want[32];

	assert_string_equal(log_record_get(&ctx->rec, "proto"), "tcp");
	if (strcmp(log_record_get(&ctx->rec, "reason"), reason) != 0)
		fail_msg("%s: %s: reason %s, want %s", label, what,
		    log_record_get(&ctx->rec, "reason"), reason);
	if (fd == -1)
		return;
	peer = log_record_get(&ctx->rec, "peer");
	(void)snprintf(want, sizeof(want), "127.0.0.1:%u",
	    (unsigned int)test_local_port(fd));
	if (peer == NULL || strcmp(peer, want) != 0)
		fail_msg("%s: %s: peer %s, want %s", label, what,
		    peer != NULL ? peer : "(none)", want);
}

/* test_settle - run the loop until nothing new is recorded for a while */
static void
test_settle(struct test_ctx *ctx)
{
	size_t	seen;
	int	i;

	for (i = 0; i < 100; i++) {
		seen = ctx->nevents;
		test_pump(ctx, TEST_SETTLE_MS);
		if (ctx->nevents == seen)
			return;
	}
	fail_msg("the server never settled");
}

/* test_add_fat - fat.d.test TXT: an answer of ~53 KB (under DNS_TCP_MAX) */
static void
test_add_fat(struct test_ctx *ctx)
{
	char	rr[512];
	int	i;

	for (i = 0; i < TEST_FAT_RRS; i++) {
		assert_true((size_t)snprintf(rr, sizeof(rr),
		    "fat.d.test. IN TXT \"%03d%0247d\"", i, 0) < sizeof(rr));
		assert_int_equal(dns_zone_add_rr(ctx->zone, rr, NULL, NULL), 0);
	}
}

/* test_frame - a length-prefixed mx1.d.test A query at out; its length */
static size_t
test_frame(uint8_t *out, uint16_t id)
{
	size_t	qlen;

	qlen = test_query(out + 2, "mx1.d.test.", LDNS_RR_TYPE_A, id, 0);
	out[0] = (uint8_t)(qlen >> 8);
	out[1] = (uint8_t)qlen;
	return 2 + qlen;
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
	if (dns_zone_set_fault(ctx->zone, "slow.d.test", DNS_FAULT_TIMEOUT,
	    &err) == -1)
		return -1;
	ctx->srv = dns_server_new(ctx->base, ctx->zone, "127.0.0.1", 0, &err);
	if (ctx->srv == NULL) {
		fprintf(stderr, "dns_server_new: %s\n", err.msg);
		return -1;
	}
	ctx->port = dns_server_port(ctx->srv);
	log_set_event_hook(test_on_event, ctx);
	return 0;
}

static int
test_teardown(void **state)
{
	struct test_ctx	*ctx = *state;

	log_set_event_hook(NULL, NULL);
	if (ctx == NULL)
		return 0;
	while (ctx->nfds > 0)
		close(ctx->fds[--ctx->nfds]);
	dns_server_free(ctx->srv);
	dns_zone_free(ctx->zone);
	if (ctx->base != NULL)
		event_base_free(ctx->base);
	free(ctx);
	return 0;
}

static void
test_dns_server_udp(void **state)
{
	struct test_ctx		*ctx = *state;
	ldns_pkt		*r;
	char			 sid[32];
	size_t			 qlen;
	int			 fd;

	assert_true(ctx->port != 0);
	fd = test_udp_client(ctx);
	qlen = test_query(ctx->q, "MX1.d.test.", LDNS_RR_TYPE_A, 0x0101, 0);
	r = test_udp_ask(ctx, fd, ctx->q, qlen, TEST_WAIT_MS);
	assert_non_null(r);
	assert_int_equal(ldns_pkt_id(r), 0x0101);
	assert_int_equal(ldns_pkt_get_rcode(r), LDNS_RCODE_NOERROR);
	assert_true(ldns_pkt_aa(r));
	assert_int_equal(ldns_pkt_ancount(r), 1);
	ldns_pkt_free(r);
	assert_int_equal(ctx->nevents, 1);
	test_check_query(ctx, 0, "udp", "mx1.d.test", "A", "NOERROR", "1",
	    "none");

	/* the zone is borrowed: a record added now is served at once */
	assert_int_equal(dns_zone_add_rr(ctx->zone,
	    "late.d.test. 0 IN A 127.1.1.99", NULL, NULL), 0);
	qlen = test_query(ctx->q, "late.d.test.", LDNS_RR_TYPE_A, 0x0102, 0);
	r = test_udp_ask(ctx, fd, ctx->q, qlen, TEST_WAIT_MS);
	assert_non_null(r);
	assert_int_equal(ldns_pkt_ancount(r), 1);
	ldns_pkt_free(r);
	qlen = test_query(ctx->q, "nope.d.test.", LDNS_RR_TYPE_TXT, 0x0103, 0);
	r = test_udp_ask(ctx, fd, ctx->q, qlen, TEST_WAIT_MS);
	assert_non_null(r);
	ldns_pkt_free(r);
	test_check_query(ctx, 2, "udp", "nope.d.test", "TXT", "NXDOMAIN", "0",
	    "none");
	/* one session per datagram */
	snprintf(sid, sizeof(sid), "%s", log_record_get(&ctx->rec, "session"));
	test_check_query(ctx, 1, "udp", "late.d.test", "A", "NOERROR", "1",
	    "none");
	assert_string_not_equal(log_record_get(&ctx->rec, "session"), sid);
	test_close(ctx, fd);
}

/* RFC 7766 §6.2.1: several queries on one connection, one session id */
static void
test_dns_server_tcp_pipelined(void **state)
{
	struct test_ctx		*ctx = *state;
	ldns_pkt		*r;
	char			 sid[32];
	size_t			 qlen, len;
	int			 fd, i;

	fd = test_tcp_client(ctx);
	qlen = test_query(ctx->q, "_mta-sts.d.test.", LDNS_RR_TYPE_TXT, 1, 0);
	test_tcp_send(fd, ctx->q, qlen);
	qlen = test_query(ctx->q, "d.test.", LDNS_RR_TYPE_MX, 2, 0);
	test_tcp_send(fd, ctx->q, qlen);
	for (i = 1; i <= 2; i++) {
		assert_int_equal(test_tcp_read(ctx, fd, &len), 1);
		assert_int_equal(ldns_wire2pkt(&r, ctx->out + 2, len),
		    LDNS_STATUS_OK);
		assert_int_equal(ldns_pkt_id(r), i);
		assert_int_equal(ldns_pkt_ancount(r), 1);
		ldns_pkt_free(r);
	}
	test_check_query(ctx, 0, "tcp", "_mta-sts.d.test", "TXT", "NOERROR",
	    "1", "none");
	snprintf(sid, sizeof(sid), "%s", log_record_get(&ctx->rec, "session"));
	test_check_query(ctx, 1, "tcp", "d.test", "MX", "NOERROR", "1",
	    "none");
	assert_string_equal(log_record_get(&ctx->rec, "session"), sid);
	test_close(ctx, fd);
}

/* A timeout fault: no reply at all, over UDP or TCP, and still a record. */
static void
test_dns_server_timeout_fault(void **state)
{
	struct test_ctx		*ctx = *state;
	ldns_pkt		*r;
	size_t			 qlen, len;
	int			 fd;

	fd = test_udp_client(ctx);
	qlen = test_query(ctx->q, "slow.d.test.", LDNS_RR_TYPE_A, 0xeeee, 0);
	r = test_udp_ask(ctx, fd, ctx->q, qlen, TEST_QUIET_MS);
	assert_null(r);
	assert_int_equal(ctx->nevents, 1);
	test_check_query(ctx, 0, "udp", "slow.d.test", "A", "none", "0",
	    "timeout");
	test_close(ctx, fd);

	/* over TCP the connection stays up and the next query is answered */
	fd = test_tcp_client(ctx);
	test_tcp_send(fd, ctx->q, qlen);
	assert_false(test_wait(ctx, fd, TEST_QUIET_MS));
	qlen = test_query(ctx->q, "mx1.d.test.", LDNS_RR_TYPE_A, 7, 0);
	test_tcp_send(fd, ctx->q, qlen);
	assert_int_equal(test_tcp_read(ctx, fd, &len), 1);
	assert_int_equal(ctx->out[2], 0);
	assert_int_equal(ctx->out[3], 7);
	test_check_query(ctx, 1, "tcp", "slow.d.test", "A", "none", "0",
	    "timeout");
	test_check_query(ctx, 2, "tcp", "mx1.d.test", "A", "NOERROR", "1",
	    "none");
	test_close(ctx, fd);
}

/*
 * A truncate fault: over UDP, TC set and no answer (the question comes
 * back, so the client can ask again); the same query over TCP gets the
 * whole answer. Both are recorded with fault=truncate.
 */
static void
test_dns_server_truncate_fault(void **state)
{
	struct test_ctx		*ctx = *state;
	ldns_pkt		*r;
	size_t			 qlen, len;
	int			 fd;

	assert_int_equal(dns_zone_set_fault(ctx->zone, "_mta-sts.d.test",
	    DNS_FAULT_TRUNCATE, NULL), 0);
	fd = test_udp_client(ctx);
	qlen = test_query(ctx->q, "_mta-sts.d.test.", LDNS_RR_TYPE_TXT,
	    0x7c01, 0);
	r = test_udp_ask(ctx, fd, ctx->q, qlen, TEST_WAIT_MS);
	assert_non_null(r);
	assert_int_equal(ldns_pkt_id(r), 0x7c01);
	assert_true(ldns_pkt_tc(r));
	assert_int_equal(ldns_pkt_get_rcode(r), LDNS_RCODE_NOERROR);
	assert_int_equal(ldns_pkt_qdcount(r), 1);
	assert_int_equal(ldns_pkt_ancount(r), 0);
	ldns_pkt_free(r);
	/* with EDNS0 room for any answer: TC all the same */
	qlen = test_query(ctx->q, "_mta-sts.d.test.", LDNS_RR_TYPE_TXT,
	    0x7c02, 4096);
	r = test_udp_ask(ctx, fd, ctx->q, qlen, TEST_WAIT_MS);
	assert_non_null(r);
	assert_true(ldns_pkt_tc(r));
	assert_int_equal(ldns_pkt_ancount(r), 0);
	ldns_pkt_free(r);
	test_close(ctx, fd);
	test_check_query(ctx, 0, "udp", "_mta-sts.d.test", "TXT", "NOERROR",
	    "0", "truncate");
	test_check_query(ctx, 1, "udp", "_mta-sts.d.test", "TXT", "NOERROR",
	    "0", "truncate");

	/* what a resolver does next: the same question over TCP */
	fd = test_tcp_client(ctx);
	qlen = test_query(ctx->q, "_mta-sts.d.test.", LDNS_RR_TYPE_TXT,
	    0x7c01, 0);
	test_tcp_send(fd, ctx->q, qlen);
	assert_int_equal(test_tcp_read(ctx, fd, &len), 1);
	assert_int_equal(ldns_wire2pkt(&r, ctx->out + 2, len), LDNS_STATUS_OK);
	assert_int_equal(ldns_pkt_id(r), 0x7c01);
	assert_false(ldns_pkt_tc(r));
	assert_int_equal(ldns_pkt_ancount(r), 1);
	ldns_pkt_free(r);
	test_check_query(ctx, 2, "tcp", "_mta-sts.d.test", "TXT", "NOERROR",
	    "1", "truncate");
	/* and the names beside it are answered as ever, over UDP */
	test_tcp_ask_ok(ctx, fd, 0x7c03);
	test_close(ctx, fd);
	fd = test_udp_client(ctx);
	qlen = test_query(ctx->q, "d.test.", LDNS_RR_TYPE_MX, 0x7c04, 0);
	r = test_udp_ask(ctx, fd, ctx->q, qlen, TEST_WAIT_MS);
	assert_non_null(r);
	assert_false(ldns_pkt_tc(r));
	assert_int_equal(ldns_pkt_ancount(r), 1);
	ldns_pkt_free(r);
	test_close(ctx, fd);
}

struct tcp_bad_case {
	const char	*label;
	uint8_t		 bytes[16];
	size_t		 len;
	bool		 half_close;	/* shutdown(SHUT_WR) after sending */
	const char	*reason;
};

static const struct tcp_bad_case tcp_bad_cases[] = {
	{ "length 0", { 0, 0 }, 2, false, "bad-length" },
	{ "length 0 after data", { 0, 0, 1, 2 }, 4, false, "bad-length" },
	{ "EOF inside message", { 0, 100, 1, 2, 3 }, 5, true, "partial" },
	{ "EOF inside prefix", { 0 }, 1, true, "partial" },
	{ "short message", { 0, 3, 0xab, 0xcd, 0x01 }, 5, false, "short" },
	{ "a response", { 0, 12, 1, 2, 0x80 }, 14, false, "response" },
	{ NULL, { 0 }, 0, false, NULL },
};

/*
 * A client with a bogus TCP length loses its connection (EOF) and costs one
 * drop record; another client, on TCP and UDP, is served meanwhile.
 */
static void
test_dns_server_tcp_hostile(void **state)
{
	struct test_ctx			*ctx = *state;
	const struct tcp_bad_case	*tc;
	const struct log_record		*r;
	ldns_pkt			*p;
	size_t				 qlen, len, before;
	int				 bad, good, udp;

	good = test_tcp_client(ctx);
	udp = test_udp_client(ctx);
	for (tc = tcp_bad_cases; tc->label != NULL; tc++) {
		before = ctx->nevents;
		bad = test_tcp_client(ctx);
		assert_int_equal(send(bad, tc->bytes, tc->len, 0),
		    (ssize_t)tc->len);
		if (tc->half_close)
			assert_int_equal(shutdown(bad, SHUT_WR), 0);
		/* the good client is answered while the bad one is dropped */
		qlen = test_query(ctx->q, "mx1.d.test.", LDNS_RR_TYPE_A, 9, 0);
		test_tcp_send(good, ctx->q, qlen);
		assert_int_equal(test_tcp_read(ctx, good, &len), 1);
		if (test_tcp_read(ctx, bad, &len) != 0)
			fail_msg("%s: connection not closed", tc->label);
		p = test_udp_ask(ctx, udp, ctx->q, qlen, TEST_WAIT_MS);
		assert_non_null(p);
		ldns_pkt_free(p);
		test_close(ctx, bad);
		if (ctx->nevents != before + 3)
			fail_msg("%s: %zu records, want 3", tc->label,
			    ctx->nevents - before);
		/* the drop comes first or second depending on the loop */
		r = test_event(ctx, before);
		if (strcmp(log_record_get(r, "event"), "drop") != 0)
			r = test_event(ctx, before + 1);
		assert_string_equal(log_record_get(r, "event"), "drop");
		assert_string_equal(log_record_get(r, "proto"), "tcp");
		if (strcmp(log_record_get(r, "reason"), tc->reason) != 0)
			fail_msg("%s: reason %s, want %s", tc->label,
			    log_record_get(r, "reason"), tc->reason);
	}
	test_close(ctx, good);
	test_close(ctx, udp);
}

struct udp_bad_case {
	const char	*label;
	uint8_t		 bytes[16];
	size_t		 len;
	const char	*reason;	/* NULL: a FORMERR/NOTIMP reply */
	const char	*rcode;
};

static const struct udp_bad_case udp_bad_cases[] = {
	{ "empty datagram", { 0 }, 0, "short", NULL },
	{ "5 bytes", { 0xee, 1, 2, 3, 4 }, 5, "short", NULL },
	{ "a response", { 0xee, 1, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 12,
	    "response", NULL },
	{ "5 questions, none there", { 0xab, 1, 1, 0, 0, 5, 0, 0, 0, 0, 0, 0 },
	    12, NULL, "FORMERR" },
	{ "opcode NOTIFY", { 0xab, 1, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 12,
	    NULL, "NOTIMP" },
	{ NULL, { 0 }, 0, NULL, NULL },
};

static void
test_dns_server_udp_garbage(void **state)
{
	struct test_ctx			*ctx = *state;
	const struct udp_bad_case	*tc;
	const struct log_record		*r;
	ldns_pkt			*p;
	size_t				 before;
	int				 fd;

	fd = test_udp_client(ctx);
	for (tc = udp_bad_cases; tc->label != NULL; tc++) {
		before = ctx->nevents;
		p = test_udp_ask(ctx, fd, tc->bytes, tc->len,
		    tc->reason != NULL ? TEST_QUIET_MS : TEST_WAIT_MS);
		if (ctx->nevents != before + 1)
			fail_msg("%s: %zu records", tc->label,
			    ctx->nevents - before);
		r = test_event(ctx, before);
		if (tc->reason != NULL) {
			if (p != NULL)
				fail_msg("%s: answered", tc->label);
			assert_string_equal(log_record_get(r, "event"),
			    "drop");
			assert_string_equal(log_record_get(r, "proto"), "udp");
			assert_string_equal(log_record_get(r, "reason"),
			    tc->reason);
			continue;
		}
		if (p == NULL)
			fail_msg("%s: no reply", tc->label);
		assert_int_equal(ldns_pkt_id(p), 0xab01);
		ldns_pkt_free(p);
		assert_string_equal(log_record_get(r, "event"), "query");
		assert_string_equal(log_record_get(r, "rcode"), tc->rcode);
		assert_string_equal(log_record_get(r, "name"), "");
	}
	test_close(ctx, fd);
}

/* Too big for 512 octets: TC over UDP; EDNS0 or TCP get it all. */
static void
test_dns_server_truncation(void **state)
{
	struct test_ctx		*ctx = *state;
	ldns_pkt		*r;
	char			 rr[256];
	size_t			 qlen, len;
	int			 fd, i;

	for (i = 0; i < 20; i++) {
		assert_true((size_t)snprintf(rr, sizeof(rr),
		    "big.d.test. IN TXT \"%02d%0100d\"", i, 0) < sizeof(rr));
		assert_int_equal(dns_zone_add_rr(ctx->zone, rr, NULL, NULL), 0);
	}
	fd = test_udp_client(ctx);
	qlen = test_query(ctx->q, "big.d.test.", LDNS_RR_TYPE_TXT, 1, 0);
	r = test_udp_ask(ctx, fd, ctx->q, qlen, TEST_WAIT_MS);
	assert_non_null(r);
	assert_true(ldns_pkt_tc(r));
	assert_int_equal(ldns_pkt_ancount(r), 0);
	ldns_pkt_free(r);
	test_check_query(ctx, 0, "udp", "big.d.test", "TXT", "NOERROR", "0",
	    "none");
	qlen = test_query(ctx->q, "big.d.test.", LDNS_RR_TYPE_TXT, 2, 4096);
	r = test_udp_ask(ctx, fd, ctx->q, qlen, TEST_WAIT_MS);
	assert_non_null(r);
	assert_false(ldns_pkt_tc(r));
	assert_int_equal(ldns_pkt_ancount(r), 20);
	ldns_pkt_free(r);
	test_close(ctx, fd);

	fd = test_tcp_client(ctx);
	qlen = test_query(ctx->q, "big.d.test.", LDNS_RR_TYPE_TXT, 3, 0);
	test_tcp_send(fd, ctx->q, qlen);
	assert_int_equal(test_tcp_read(ctx, fd, &len), 1);
	assert_true(len > DNS_UDP_MAX);
	assert_int_equal(ldns_wire2pkt(&r, ctx->out + 2, len), LDNS_STATUS_OK);
	assert_false(ldns_pkt_tc(r));
	assert_int_equal(ldns_pkt_ancount(r), 20);
	ldns_pkt_free(r);
	test_check_query(ctx, 2, "tcp", "big.d.test", "TXT", "NOERROR", "20",
	    "none");
	test_close(ctx, fd);
}

/* A client that sends its queries and half-closes is still answered. */
static void
test_dns_server_tcp_half_close(void **state)
{
	struct test_ctx		*ctx = *state;
	size_t			 qlen, len;
	int			 fd;

	fd = test_tcp_client(ctx);
	qlen = test_query(ctx->q, "mx1.d.test.", LDNS_RR_TYPE_A, 5, 0);
	test_tcp_send(fd, ctx->q, qlen);
	assert_int_equal(shutdown(fd, SHUT_WR), 0);
	assert_int_equal(test_tcp_read(ctx, fd, &len), 1);
	assert_int_equal(test_tcp_read(ctx, fd, &len), 0);	/* then EOF */
	assert_int_equal(ctx->nevents, 1);
	test_close(ctx, fd);
}

struct new_case {
	const char	*label;
	const char	*addr;
	bool		 same_port;
};

static const struct new_case new_cases[] = {
	{ "not an address", "localhost", false },
	{ "empty address", "", false },
	{ "NULL address", NULL, false },
	{ "port in use", "127.0.0.1", true },
	{ "not ours", "192.0.2.1", false },
	{ NULL, NULL, false },
};

static void
test_dns_server_new_errors(void **state)
{
	struct test_ctx		*ctx = *state;
	const struct new_case	*tc;
	struct dns_server	*srv;
	struct err		 err;

	for (tc = new_cases; tc->label != NULL; tc++) {
		err_clear(&err);
		srv = dns_server_new(ctx->base, ctx->zone, tc->addr,
		    tc->same_port ? ctx->port : 0, &err);
		if (srv != NULL) {
			dns_server_free(srv);
			fail_msg("%s: server created", tc->label);
		}
		if (err.msg[0] == '\0')
			fail_msg("%s: no message", tc->label);
	}
	/* the same failures without a struct err */
	assert_null(dns_server_new(ctx->base, ctx->zone, "127.0.0.1",
	    ctx->port, NULL));
	dns_server_free(NULL);
}

/* A second server with port 0 has its own port, same for UDP and TCP. */
static void
test_dns_server_second(void **state)
{
	struct test_ctx		*ctx = *state;
	struct dns_server	*srv;
	struct err		 err = { 0 };
	ldns_pkt		*r;
	uint16_t		 port;
	size_t			 qlen, len;
	int			 fd;

	srv = dns_server_new(ctx->base, ctx->zone, "127.0.0.1", 0, &err);
	assert_non_null(srv);
	port = ctx->port;
	ctx->port = dns_server_port(srv);
	assert_true(ctx->port != port);
	fd = test_udp_client(ctx);
	qlen = test_query(ctx->q, "mx1.d.test.", LDNS_RR_TYPE_A, 1, 0);
	r = test_udp_ask(ctx, fd, ctx->q, qlen, TEST_WAIT_MS);
	assert_non_null(r);
	ldns_pkt_free(r);
	test_close(ctx, fd);
	fd = test_tcp_client(ctx);
	test_tcp_send(fd, ctx->q, qlen);
	assert_int_equal(test_tcp_read(ctx, fd, &len), 1);
	/* freeing the server with a client connected closes the client */
	dns_server_free(srv);
	assert_int_equal(test_tcp_read(ctx, fd, &len), 0);
	test_close(ctx, fd);
	ctx->port = port;
}

struct limits_case {
	const char	*label;
	unsigned int	 query_ms;
	size_t		 conn_max;
	int		 want;		/* 0, or -1 with ERR_RANGE */
};

static const struct limits_case limits_cases[] = {
	{ "defaults", 0, 0, 0 },
	{ "smallest", 1, 1, 0 },
	{ "largest", DNS_SERVER_TCP_QUERY_MS_MAX, DNS_SERVER_TCP_CONN_LIMIT,
	    0 },
	{ "deadline over the max", DNS_SERVER_TCP_QUERY_MS_MAX + 1, 0, -1 },
	{ "deadline UINT_MAX", UINT_MAX, 1, -1 },
	{ "cap over the limit", 1, DNS_SERVER_TCP_CONN_LIMIT + 1, -1 },
	{ "cap SIZE_MAX", 0, SIZE_MAX, -1 },
	{ NULL, 0, 0, 0 },
};

/* Limits are range-checked, and a refused call changes nothing. */
static void
test_dns_server_tcp_limits(void **state)
{
	struct test_ctx			*ctx = *state;
	const struct limits_case	*tc;
	struct err			 err;
	int				 got, a, b;

	for (tc = limits_cases; tc->label != NULL; tc++) {
		err_clear(&err);
		got = dns_server_set_tcp_limits(ctx->srv, tc->query_ms,
		    tc->conn_max, &err);
		if (got != tc->want)
			fail_msg("%s: got %d, want %d", tc->label, got,
			    tc->want);
		if (tc->want == -1 && (err.code != ERR_RANGE ||
		    err.msg[0] == '\0'))
			fail_msg("%s: code %d, message \"%s\"", tc->label,
			    err.code, err.msg);
		if (dns_server_set_tcp_limits(ctx->srv, tc->query_ms,
		    tc->conn_max, NULL) != tc->want)
			fail_msg("%s: differs without a struct err", tc->label);
	}
	/* a cap of 1 survives a refused call: the second client evicts */
	assert_int_equal(dns_server_set_tcp_limits(ctx->srv, 0, 1, NULL), 0);
	assert_int_equal(dns_server_set_tcp_limits(ctx->srv, UINT_MAX, 5,
	    NULL), -1);
	ctx->nevents = 0;
	a = test_tcp_client(ctx);
	test_pump(ctx, TEST_SETTLE_MS);
	b = test_tcp_client(ctx);
	test_tcp_ask_ok(ctx, b, 3);
	assert_int_equal(test_drops(ctx, 0), 1);
	test_check_drop(ctx, "cap 1", "evicted", a, "first client");
	test_close(ctx, a);
	test_close(ctx, b);
}

enum test_hog {
	TEST_HOG_BYTE,		/* the first byte of a length prefix */
	TEST_HOG_PART,		/* the prefix and half the message */
	TEST_HOG_MUTE,		/* connected, nothing sent */
	TEST_HOG_ANSWERED,	/* one query answered and read, then idle */
	TEST_HOG_LATE,		/* mute; answered after the others came */
	TEST_HOG_UNREAD,	/* owed answers it does not read */
};

static int	test_hog(struct test_ctx *, enum test_hog, uint16_t);

/* test_hog - a TCP connection that holds a slot the way kind says */
static int
test_hog(struct test_ctx *ctx, enum test_hog kind, uint16_t id)
{
	size_t	len, before, i;
	int	fd;

	switch (kind) {
	case TEST_HOG_BYTE:
		fd = test_tcp_client(ctx);
		assert_int_equal(send(fd, "", 1, 0), 1);
		return fd;
	case TEST_HOG_PART:
		fd = test_tcp_client(ctx);
		len = test_frame(ctx->q, id);
		assert_int_equal(send(fd, ctx->q, len / 2, 0),
		    (ssize_t)(len / 2));
		return fd;
	case TEST_HOG_MUTE:
	case TEST_HOG_LATE:
		return test_tcp_client(ctx);
	case TEST_HOG_ANSWERED:
		fd = test_tcp_client(ctx);
		test_tcp_ask_ok(ctx, fd, id);
		return fd;
	case TEST_HOG_UNREAD:
		/* answers back up until the server stops reading this one */
		fd = test_client(ctx, SOCK_STREAM, TEST_RCVBUF);
		len = test_query(ctx->q, "fat.d.test.", LDNS_RR_TYPE_TXT, id,
		    0);
		before = ctx->nevents;
		for (i = 0; i < TEST_FAT_QUERIES; i++)
			test_tcp_send(fd, ctx->q, len);
		test_settle(ctx);
		if (ctx->nevents - before >= TEST_FAT_QUERIES)
			fail_msg("all %d fat queries answered: kernel buffers "
			    "hold more than expected", TEST_FAT_QUERIES);
		if (test_drops(ctx, before) != 0)
			fail_msg("fat answers dropped");
		return fd;
	default:
		fail_msg("test_hog: bad kind %d", (int)kind);
	}
	return -1;
}

struct evict_case {
	const char	*label;
	size_t		 conn_max;	/* 0: DNS_SERVER_TCP_CONN_MAX */
	enum test_hog	 first;		/* the first slot taken */
	enum test_hog	 rest;		/* every other slot */
	int		 victim;	/* slot evicted; -1: newcomer refused */
};

static const struct evict_case evict_cases[] = {
	{ "1 byte each, all 256 slots", 0, TEST_HOG_BYTE, TEST_HOG_BYTE, 0 },
	{ "prefix and half a message", 4, TEST_HOG_PART, TEST_HOG_PART, 0 },
	{ "connected, nothing sent", 4, TEST_HOG_MUTE, TEST_HOG_MUTE, 0 },
	{ "answered, then idle", 4, TEST_HOG_ANSWERED, TEST_HOG_ANSWERED, 0 },
	{ "a cap of one", 1, TEST_HOG_BYTE, TEST_HOG_BYTE, 0 },
	{ "oldest answered last: next oldest goes", 4, TEST_HOG_LATE,
	    TEST_HOG_BYTE, 1 },
	{ "oldest owed answers: next oldest goes", 2, TEST_HOG_UNREAD,
	    TEST_HOG_BYTE, 1 },
	{ "every slot owed answers: refused", 2, TEST_HOG_UNREAD,
	    TEST_HOG_UNREAD, -1 },
	{ NULL, 0, TEST_HOG_BYTE, TEST_HOG_BYTE, 0 },
};

/*
 * At the cap, a newcomer evicts the connection that has waited longest for
 * its next query and is answered; it is refused only when every slot is
 * owed an answer.
 */
static void
test_dns_server_tcp_evict(void **state)
{
	struct test_ctx			*ctx = *state;
	const struct evict_case		*tc;
	int				 hogs[DNS_SERVER_TCP_CONN_MAX];
	enum test_hog			 kind;
	size_t				 n, i, len;
	int				 good;

	test_add_fat(ctx);
	for (tc = evict_cases; tc->label != NULL; tc++) {
		test_restart(ctx, 0, tc->conn_max);
		n = tc->conn_max != 0 ? tc->conn_max : DNS_SERVER_TCP_CONN_MAX;
		for (i = 0; i < n; i++) {
			hogs[i] = test_hog(ctx, i == 0 ? tc->first : tc->rest,
			    (uint16_t)(0x100 + i));
			/* accept as we go: the listen backlog is short */
			if (i % TEST_BACKLOG_STEP == TEST_BACKLOG_STEP - 1)
				test_pump(ctx, 1);
		}
		test_pump(ctx, TEST_SETTLE_MS);		/* all accepted */
		if (tc->first == TEST_HOG_LATE)
			test_tcp_ask_ok(ctx, hogs[0], 0x4141);
		ctx->nevents = 0;
		good = test_tcp_client(ctx);
		if (tc->victim == -1) {
			if (test_tcp_read(ctx, good, &len) != 0)
				fail_msg("%s: newcomer not refused", tc->label);
			if (test_drops(ctx, 0) != 1)
				fail_msg("%s: %zu drops, want 1", tc->label,
				    test_drops(ctx, 0));
			test_check_drop(ctx, tc->label, "too-many-connections",
			    good, "newcomer");
		} else {
			test_tcp_ask_ok(ctx, good, 0x4242);
			if (test_drops(ctx, 0) != 1)
				fail_msg("%s: %zu drops, want 1", tc->label,
				    test_drops(ctx, 0));
			test_check_drop(ctx, tc->label, "evicted",
			    hogs[tc->victim], "victim");
			if (test_tcp_read(ctx, hogs[tc->victim], &len) != 0)
				fail_msg("%s: victim still open", tc->label);
		}
		for (i = 0; i < n; i++) {
			kind = i == 0 ? tc->first : tc->rest;
			/* an unread hog has answers waiting: readable */
			if ((int)i != tc->victim && kind != TEST_HOG_UNREAD &&
			    !test_is_open(hogs[i]))
				fail_msg("%s: slot %zu closed", tc->label, i);
		}
		for (i = 0; i < n; i++)
			test_close(ctx, hogs[i]);
		test_close(ctx, good);
	}
}

struct slow_case {
	const char	*label;
	bool		 answered;	/* one whole query answered first */
	size_t		 trickle;	/* bytes of the next message, one each
					   TEST_TRICKLE_MS; SIZE_MAX: all */
	const char	*reason;	/* NULL: closed without a record */
};

static const struct slow_case slow_cases[] = {
	{ "one byte at a time", false, SIZE_MAX, "slow-query" },
	{ "half the prefix, then nothing", false, 1, "slow-query" },
	{ "the prefix, then nothing", false, 2, "slow-query" },
	{ "answered, then one byte at a time", true, SIZE_MAX, "slow-query" },
	{ "nothing at all", false, 0, NULL },
	{ "answered, then nothing", true, 0, NULL },
	{ NULL, false, 0, NULL },
};

/*
 * A connection that has not delivered a whole query by the deadline (from
 * accept, or from its last answer) is closed, however it trickles; the
 * server goes on serving.
 */
static void
test_dns_server_tcp_slow_query(void **state)
{
	struct test_ctx			*ctx = *state;
	const struct slow_case		*tc;
	uint64_t			 t0, took;
	size_t				 total, i, len;
	ssize_t				 n;
	int				 fd;

	for (tc = slow_cases; tc->label != NULL; tc++) {
		test_restart(ctx, TEST_DEADLINE_MS, 0);
		t0 = testutil_now_ms();
		fd = test_tcp_client(ctx);
		if (tc->answered) {
			test_tcp_ask_ok(ctx, fd, 1);
			t0 = testutil_now_ms();
		}
		ctx->nevents = 0;
		total = test_frame(ctx->q, 2);
		for (i = 0; i < tc->trickle && i < total; i++) {
			n = send(fd, ctx->q + i, 1, 0);
			if (n == -1 && (errno == EPIPE || errno == ECONNRESET))
				break;			/* cut already */
			assert_int_equal(n, 1);
			if (test_wait(ctx, fd, TEST_TRICKLE_MS))
				break;			/* cut: EOF waits */
		}
		if (i == total)
			fail_msg("%s: the whole query got through", tc->label);
		if (test_tcp_read(ctx, fd, &len) != 0)
			fail_msg("%s: not closed", tc->label);
		took = testutil_now_ms() - t0;
		/* by the deadline, not before, and long before idle (10 s) */
		if (took + 50 < TEST_DEADLINE_MS ||
		    took > TEST_DEADLINE_MS + 1000)
			fail_msg("%s: closed after %llu ms, deadline %d ms",
			    tc->label, (unsigned long long)took,
			    TEST_DEADLINE_MS);
		if (tc->reason == NULL) {
			if (test_drops(ctx, 0) != 0)
				fail_msg("%s: a drop record", tc->label);
		} else {
			if (test_drops(ctx, 0) != 1)
				fail_msg("%s: %zu drops, want 1", tc->label,
				    test_drops(ctx, 0));
			test_check_drop(ctx, tc->label, tc->reason, fd,
			    "trickler");
		}
		test_close(ctx, fd);
		fd = test_tcp_client(ctx);
		test_tcp_ask_ok(ctx, fd, 3);
		test_close(ctx, fd);
	}
}

struct keep_case {
	const char	*label;
	int		 queries;	/* whole queries, TEST_KEEP_MS apart */
	bool		 split;		/* each sent in two halves */
	int		 gap_ms;	/* then this much silence */
	bool		 closed;	/* the silence ends the connection */
};

static const struct keep_case keep_cases[] = {
	{ "a query every 50 ms", 6, false, 0, false },
	{ "each query in two halves", 6, true, 0, false },
	{ "then quiet within the deadline", 2, false, TEST_DEADLINE_MS / 2,
	    false },
	{ "then quiet past the deadline", 2, false, 2 * TEST_DEADLINE_MS,
	    true },
	{ NULL, 0, false, 0, false },
};

/*
 * Each answer restarts the clock: a connection that keeps sending whole
 * queries outlives any one deadline; quiet past it closes it, with no
 * record (nothing was lost).
 */
static void
test_dns_server_tcp_deadline_rearm(void **state)
{
	struct test_ctx			*ctx = *state;
	const struct keep_case		*tc;
	ldns_pkt			*r;
	uint64_t			 t0;
	size_t				 total, half, len;
	int				 fd, k;

	for (tc = keep_cases; tc->label != NULL; tc++) {
		test_restart(ctx, TEST_DEADLINE_MS, 0);
		t0 = testutil_now_ms();
		fd = test_tcp_client(ctx);
		for (k = 0; k < tc->queries; k++) {
			total = test_frame(ctx->q, (uint16_t)(10 + k));
			half = tc->split ? total / 2 : total;
			assert_int_equal(send(fd, ctx->q, half, 0),
			    (ssize_t)half);
			if (tc->split) {
				test_pump(ctx, TEST_KEEP_MS / 2);
				assert_int_equal(send(fd, ctx->q + half,
				    total - half, 0), (ssize_t)(total - half));
			}
			if (test_tcp_read(ctx, fd, &len) != 1)
				fail_msg("%s: cut at query %d", tc->label, k);
			assert_int_equal(ldns_wire2pkt(&r, ctx->out + 2, len),
			    LDNS_STATUS_OK);
			assert_int_equal(ldns_pkt_id(r), 10 + k);
			ldns_pkt_free(r);
			test_pump(ctx, tc->split ? TEST_KEEP_MS / 2 :
			    TEST_KEEP_MS);
		}
		if (tc->queries * TEST_KEEP_MS > TEST_DEADLINE_MS &&
		    testutil_now_ms() - t0 <= TEST_DEADLINE_MS)
			fail_msg("%s: did not outlive one deadline", tc->label);
		if (tc->closed) {
			if (test_tcp_read(ctx, fd, &len) != 0)
				fail_msg("%s: still open", tc->label);
		} else {
			test_pump(ctx, tc->gap_ms);
			if (!test_is_open(fd))
				fail_msg("%s: closed", tc->label);
		}
		if (test_drops(ctx, 0) != 0)
			fail_msg("%s: a drop record", tc->label);
		test_close(ctx, fd);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dns_server_udp,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_dns_server_tcp_pipelined,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_dns_server_timeout_fault,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_dns_server_truncate_fault,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_dns_server_tcp_hostile,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_dns_server_udp_garbage,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_dns_server_truncation,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_dns_server_tcp_half_close,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_dns_server_new_errors,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_dns_server_second,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_dns_server_tcp_limits,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_dns_server_tcp_evict,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_dns_server_tcp_slow_query,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(
		    test_dns_server_tcp_deadline_rearm, test_setup,
		    test_teardown),
	};

	/* a client closing early must not kill the test with SIGPIPE */
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("dns_server", tests, NULL, NULL);
}
