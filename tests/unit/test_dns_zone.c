/* SPDX-License-Identifier: ISC */
/*
 * test_dns_zone.c -- dns_zone: zone text and files, faults, removal, and
 * dns_zone_answer() on queries built with ldns and on hostile bytes.
 * Everything is in memory except one temporary zone file per load.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cmocka.h>
#include <ldns/ldns.h>

#include "../../common/err.h"
#include "../../common/proto.h"
#include "../../fake-dns/dns_key.h"
#include "../../fake-dns/dns_zone.h"

#define TEST_ID		0x1234
#define TEST_A32	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define TEST_A63	TEST_A32 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define TEST_B32	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define TEST_B63	TEST_B32 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define TEST_BUF_MAX	DNS_TCP_MAX

struct test_ctx {
	struct dns_zone	*zone;
	uint8_t		 q[TEST_BUF_MAX];
	uint8_t		 out[TEST_BUF_MAX];
	size_t		 qlen, outlen;	/* of the last test_ask_do */
	struct dns_key	*key;		/* the signed tests' */
};

static const char test_zone_text[] =
    "; the zone every query test runs against\n"
    "$ORIGIN d.test.\n"
    "$TTL 300\n"
    "@\t\tIN MX 10 Mx1\n"
    "Mx1\t\tIN A 127.1.1.25\n"
    "\t\tIN AAAA ::1\n"
    "_mta-sts\tIN TXT \"v=STSv1; id=20240101\" ; comment\n"
    "multi\t\tIN TXT \"v=STSv1;\" \"id=2\"\n"
    "a\t\tIN CNAME b\n"
    "b\t\tIN CNAME c\n"
    "c\t\tIN A 127.1.1.3\n"
    "loop1\t\tIN CNAME loop2\n"
    "loop2\t\tIN CNAME loop1\n"
    "out\t\tIN CNAME nowhere.example.\n"
    "x.y.deep\tIN A 127.1.1.9\n"
    "soa\t\tIN SOA ns.d.test. host.d.test. (\n"
    "\t\t\t1\t; serial\n"
    "\t\t\t2 3 4 5 )\n"
    "   ; an indented comment line\n"
    "\n"
    ";@fault nxname nxdomain\n"
    "nxname\t\tIN A 127.1.1.10\n"
    "  ;@fault SF.d.test. servfail\n"
    "sf\t\tIN A 127.1.1.11\n"
    ";@fault slow timeout\n"
    "slow\t\tIN A 127.1.1.12\n"
    "toslow\t\tIN CNAME slow\n"
    "$ORIGIN other.test.\n"
    "Www 60\t\tIN A 127.2.0.1\n"
    "xd.test. IN A 127.2.0.2\n";

static int	test_write_file(const char *, char *, size_t);
static size_t	test_query(uint8_t *, const char *, ldns_rr_type,
		    ldns_rr_class, uint16_t);
static ldns_pkt	*test_ask(struct test_ctx *, const char *, ldns_rr_type,
		    ldns_rr_class, uint16_t, size_t, struct dns_answer_info *);
static ldns_pkt	*test_ask_over(struct test_ctx *, enum dns_transport,
		    const char *, ldns_rr_type, ldns_rr_class, uint16_t, size_t,
		    struct dns_answer_info *);
static void	test_types(const ldns_pkt *, char *, size_t);
static bool	test_contains(const uint8_t *, size_t, const uint8_t *,
		    size_t);
static int	test_setup(void **);
static int	test_teardown(void **);

/* test_write_file - text into a fresh temporary file; path out */
static int
test_write_file(const char *text, char *path, size_t pathsz)
{
	FILE	*fp;
	int	 fd;

	if ((size_t)snprintf(path, pathsz, "/tmp/test_dns_zone.XXXXXX") >=
	    pathsz)
		return -1;
	if ((fd = mkstemp(path)) == -1)
		return -1;
	if ((fp = fdopen(fd, "w")) == NULL) {
		close(fd);
		unlink(path);
		return -1;
	}
	if (fputs(text, fp) == EOF) {
		fclose(fp);
		unlink(path);
		return -1;
	}
	return fclose(fp) == 0 ? 0 : -1;
}

/* test_query - a query in wire form; edns 0 = no OPT record */
static size_t
test_query(uint8_t *out, const char *name, ldns_rr_type type,
    ldns_rr_class cls, uint16_t edns)
{
	ldns_pkt	*p;
	uint8_t		*wire = NULL;
	size_t		 len = 0;

	p = ldns_pkt_query_new(ldns_dname_new_frm_str(name), type, cls,
	    LDNS_RD);
	assert_non_null(p);
	ldns_pkt_set_id(p, TEST_ID);
	if (edns != 0)
		ldns_pkt_set_edns_udp_size(p, edns);
	assert_int_equal(ldns_pkt2wire(&wire, p, &len), LDNS_STATUS_OK);
	assert_true(len <= TEST_BUF_MAX);
	memcpy(out, wire, len);
	free(wire);
	ldns_pkt_free(p);
	return len;
}

/* test_ask - run one query through dns_zone_answer; NULL if dropped */
static ldns_pkt *
test_ask(struct test_ctx *ctx, const char *name, ldns_rr_type type,
    ldns_rr_class cls, uint16_t edns, size_t outcap,
    struct dns_answer_info *info)
{
	/* only a TCP connection takes an answer as big as DNS_TCP_MAX */
	return test_ask_over(ctx, outcap == DNS_TCP_MAX ? DNS_TRANSPORT_TCP :
	    DNS_TRANSPORT_UDP, name, type, cls, edns, outcap, info);
}

/* test_ask_over - test_ask over the given transport */
static ldns_pkt *
test_ask_over(struct test_ctx *ctx, enum dns_transport transport,
    const char *name, ldns_rr_type type, ldns_rr_class cls, uint16_t edns,
    size_t outcap, struct dns_answer_info *info)
{
	ldns_pkt	*r = NULL;
	size_t		 qlen, outlen;

	qlen = test_query(ctx->q, name, type, cls, edns);
	assert_int_equal(dns_zone_answer(ctx->zone, transport, ctx->q, qlen,
	    ctx->out, outcap, &outlen, info), 0);
	if (info->dropped) {
		assert_int_equal(outlen, 0);
		return NULL;
	}
	assert_true(outlen <= outcap);
	assert_int_equal(ldns_wire2pkt(&r, ctx->out, outlen), LDNS_STATUS_OK);
	assert_int_equal(ldns_pkt_id(r), TEST_ID);
	assert_true(ldns_pkt_qr(r));
	assert_true(ldns_pkt_rd(r));
	assert_false(ldns_pkt_ra(r));
	return r;
}

/* test_list_types - "CNAME,RRSIG,A,RRSIG" for one section */
static void
test_list_types(const ldns_rr_list *l, char *out, size_t outsz)
{
	size_t	 i, n = 0;
	char	*t;

	out[0] = '\0';
	for (i = 0; i < ldns_rr_list_rr_count(l); i++) {
		t = ldns_rr_type2str(ldns_rr_get_type(ldns_rr_list_rr(l, i)));
		n += (size_t)snprintf(out + n, outsz - n, "%s%s",
		    i > 0 ? "," : "", t);
		free(t);
		assert_true(n < outsz);
	}
}

/*
 * test_signed_ttls - every record of the signed zone d.test in l went out
 * with TTL 0 (so no cache keeps it without its AD bit), but the DNSKEY
 * and its RRSIG, which keep 300 s
 */
static void
test_signed_ttls(const char *label, const ldns_rr_list *l)
{
	ldns_rdf	*zone = ldns_dname_new_frm_str("d.test.");
	ldns_rr		*rr;
	uint32_t	 want;
	size_t		 i;
	bool		 key;

	assert_non_null(zone);
	for (i = 0; i < ldns_rr_list_rr_count(l); i++) {
		rr = ldns_rr_list_rr(l, i);
		if (!ldns_dname_is_subdomain(ldns_rr_owner(rr), zone) &&
		    ldns_dname_compare(ldns_rr_owner(rr), zone) != 0)
			continue;
		key = ldns_rr_get_type(rr) == LDNS_RR_TYPE_DNSKEY ||
		    (ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG &&
		    ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)) ==
		    LDNS_RR_TYPE_DNSKEY);
		want = key ? 300 : 0;
		if (ldns_rr_ttl(rr) != want)
			fail_msg("%s: record %zu has TTL %u, want %u", label,
			    i, ldns_rr_ttl(rr), want);
	}
	ldns_rdf_deep_free(zone);
}

/* test_types - "CNAME,CNAME,A" for the answer section */
static void
test_types(const ldns_pkt *p, char *out, size_t outsz)
{
	test_list_types(ldns_pkt_answer(p), out, outsz);
}

static bool
test_contains(const uint8_t *hay, size_t haylen, const uint8_t *needle,
    size_t len)
{
	size_t	i;

	for (i = 0; i + len <= haylen; i++)
		if (memcmp(hay + i, needle, len) == 0)
			return true;
	return false;
}

static int
test_setup(void **state)
{
	struct test_ctx	*ctx;
	struct err	 err = { 0 };
	char		 path[64];

	ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL)
		return -1;
	ctx->zone = dns_zone_new();
	if (test_write_file(test_zone_text, path, sizeof(path)) == -1)
		return -1;
	if (dns_zone_load_file(ctx->zone, path, &err) == -1) {
		fprintf(stderr, "load: %s\n", err.msg);
		unlink(path);
		return -1;
	}
	unlink(path);
	*state = ctx;
	return 0;
}

static int
test_teardown(void **state)
{
	struct test_ctx	*ctx = *state;

	if (ctx != NULL) {
		dns_zone_free(ctx->zone);
		free(ctx);
	}
	return 0;
}

struct query_case {
	const char	*label;
	const char	*qname;
	ldns_rr_type	 qtype;
	ldns_rr_class	 qclass;
	const char	*rcode;		/* NULL: dropped */
	bool		 aa;
	const char	*types;		/* answer section, in order */
	enum dns_fault	 fault;
};

static const struct query_case query_cases[] = {
	{ "A at MX host", "mx1.d.test.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN,
	    "NOERROR", true, "A", DNS_FAULT_NONE },
	{ "blank owner AAAA", "MX1.D.TEST.", LDNS_RR_TYPE_AAAA,
	    LDNS_RR_CLASS_IN, "NOERROR", true, "AAAA", DNS_FAULT_NONE },
	{ "MX at origin", "d.test.", LDNS_RR_TYPE_MX, LDNS_RR_CLASS_IN,
	    "NOERROR", true, "MX", DNS_FAULT_NONE },
	{ "TXT", "_MTA-STS.d.test.", LDNS_RR_TYPE_TXT, LDNS_RR_CLASS_IN,
	    "NOERROR", true, "TXT", DNS_FAULT_NONE },
	{ "class ANY", "c.d.test.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_ANY,
	    "NOERROR", true, "A", DNS_FAULT_NONE },
	{ "type ANY", "mx1.d.test.", LDNS_RR_TYPE_ANY, LDNS_RR_CLASS_IN,
	    "NOERROR", true, "A,AAAA", DNS_FAULT_NONE },
	{ "CNAME chain", "a.d.test.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN,
	    "NOERROR", true, "CNAME,CNAME,A", DNS_FAULT_NONE },
	{ "CNAME itself", "a.d.test.", LDNS_RR_TYPE_CNAME, LDNS_RR_CLASS_IN,
	    "NOERROR", true, "CNAME", DNS_FAULT_NONE },
	{ "CNAME chain, NODATA at end", "a.d.test.", LDNS_RR_TYPE_TXT,
	    LDNS_RR_CLASS_IN, "NOERROR", true, "CNAME,CNAME",
	    DNS_FAULT_NONE },
	{ "CNAME loop ends", "loop1.d.test.", LDNS_RR_TYPE_A,
	    LDNS_RR_CLASS_IN, "NOERROR", true,
	    "CNAME,CNAME,CNAME,CNAME,CNAME,CNAME,CNAME,CNAME",
	    DNS_FAULT_NONE },
	{ "CNAME out of zone", "out.d.test.", LDNS_RR_TYPE_A,
	    LDNS_RR_CLASS_IN, "NXDOMAIN", true, "CNAME", DNS_FAULT_NONE },
	{ "CNAME stops at fault", "toslow.d.test.", LDNS_RR_TYPE_A,
	    LDNS_RR_CLASS_IN, "NOERROR", true, "CNAME", DNS_FAULT_NONE },
	{ "NODATA", "mx1.d.test.", LDNS_RR_TYPE_TXT, LDNS_RR_CLASS_IN,
	    "NOERROR", true, "", DNS_FAULT_NONE },
	{ "empty non-terminal", "deep.d.test.", LDNS_RR_TYPE_A,
	    LDNS_RR_CLASS_IN, "NOERROR", true, "", DNS_FAULT_NONE },
	{ "empty non-terminal 2", "Y.deep.d.test.", LDNS_RR_TYPE_A,
	    LDNS_RR_CLASS_IN, "NOERROR", true, "", DNS_FAULT_NONE },
	{ "leaf below", "x.y.deep.d.test.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN,
	    "NOERROR", true, "A", DNS_FAULT_NONE },
	{ "NXDOMAIN", "nope.d.test.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN,
	    "NXDOMAIN", true, "", DNS_FAULT_NONE },
	{ "below a leaf", "zz.mx1.d.test.", LDNS_RR_TYPE_A,
	    LDNS_RR_CLASS_IN, "NXDOMAIN", true, "", DNS_FAULT_NONE },
	{ "outside every record", "outside.invalid.", LDNS_RR_TYPE_A,
	    LDNS_RR_CLASS_IN, "NXDOMAIN", true, "", DNS_FAULT_NONE },
	{ "root", ".", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, "NOERROR", true, "",
	    DNS_FAULT_NONE },
	{ "multi-line SOA", "soa.d.test.", LDNS_RR_TYPE_SOA,
	    LDNS_RR_CLASS_IN, "NOERROR", true, "SOA", DNS_FAULT_NONE },
	{ "second origin", "www.other.test.", LDNS_RR_TYPE_A,
	    LDNS_RR_CLASS_IN, "NOERROR", true, "A", DNS_FAULT_NONE },
	{ "fault nxdomain", "nxname.d.test.", LDNS_RR_TYPE_A,
	    LDNS_RR_CLASS_IN, "NXDOMAIN", true, "", DNS_FAULT_NXDOMAIN },
	{ "fault servfail", "sf.d.test.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN,
	    "SERVFAIL", false, "", DNS_FAULT_SERVFAIL },
	{ "fault timeout", "SLOW.d.test.", LDNS_RR_TYPE_TXT,
	    LDNS_RR_CLASS_IN, NULL, false, "", DNS_FAULT_TIMEOUT },
	{ "class CH refused", "mx1.d.test.", LDNS_RR_TYPE_A,
	    LDNS_RR_CLASS_CH, "REFUSED", false, "", DNS_FAULT_NONE },
	{ "AXFR refused", "d.test.", LDNS_RR_TYPE_AXFR, LDNS_RR_CLASS_IN,
	    "REFUSED", false, "", DNS_FAULT_NONE },
	{ NULL, NULL, 0, 0, NULL, false, NULL, DNS_FAULT_NONE },
};

static void
test_dns_zone_queries(void **state)
{
	struct test_ctx			*ctx = *state;
	const struct query_case		*tc;
	struct dns_answer_info		 info;
	ldns_pkt			*r;
	char				 types[256];

	for (tc = query_cases; tc->label != NULL; tc++) {
		r = test_ask(ctx, tc->qname, tc->qtype, tc->qclass, 0,
		    DNS_UDP_MAX, &info);
		if (info.fault != tc->fault)
			fail_msg("%s: fault %s, want %s", tc->label,
			    dns_fault_str(info.fault),
			    dns_fault_str(tc->fault));
		if (tc->rcode == NULL) {
			if (r != NULL || !info.dropped ||
			    strcmp(info.rcode, "none") != 0)
				fail_msg("%s: answered, want dropped",
				    tc->label);
			continue;
		}
		if (r == NULL)
			fail_msg("%s: dropped", tc->label);
		if (strcmp(info.rcode, tc->rcode) != 0)
			fail_msg("%s: rcode %s, want %s", tc->label,
			    info.rcode, tc->rcode);
		if (ldns_pkt_aa(r) != tc->aa)
			fail_msg("%s: AA %d", tc->label, ldns_pkt_aa(r));
		if (ldns_pkt_qdcount(r) != 1)
			fail_msg("%s: question not echoed", tc->label);
		test_types(r, types, sizeof(types));
		if (strcmp(types, tc->types) != 0)
			fail_msg("%s: answers \"%s\", want \"%s\"", tc->label,
			    types, tc->types);
		if (info.answers != ldns_pkt_ancount(r))
			fail_msg("%s: info.answers %u, ancount %u", tc->label,
			    info.answers, (unsigned)ldns_pkt_ancount(r));
		assert_false(info.truncated);
		ldns_pkt_free(r);
	}
}

/* info->qname: lower case, no trailing dot; qtype as ldns names it */
static void
test_dns_zone_info(void **state)
{
	struct test_ctx		*ctx = *state;
	struct dns_answer_info	 info;
	ldns_pkt		*r;

	r = test_ask(ctx, "_MTA-STS.D.Test.", LDNS_RR_TYPE_TXT,
	    LDNS_RR_CLASS_IN, 0, DNS_UDP_MAX, &info);
	assert_string_equal(info.qname, "_mta-sts.d.test");
	assert_string_equal(info.qtype, "TXT");
	assert_string_equal(info.rcode, "NOERROR");
	assert_int_equal(info.answers, 1);
	assert_null(info.reason);
	ldns_pkt_free(r);
	r = test_ask(ctx, ".", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0,
	    DNS_UDP_MAX, &info);
	assert_string_equal(info.qname, ".");
	ldns_pkt_free(r);
	r = test_ask(ctx, "x.d.test.", (ldns_rr_type)65280, LDNS_RR_CLASS_IN,
	    0, DNS_UDP_MAX, &info);
	assert_string_equal(info.qtype, "TYPE65280");
	ldns_pkt_free(r);
}

/* Owner and rdata names go out spelled as the zone wrote them. */
static void
test_dns_zone_case_preserved(void **state)
{
	struct test_ctx		*ctx = *state;
	struct dns_answer_info	 info;
	ldns_pkt		*r;
	char			*s;
	size_t			 qlen, outlen;
	static const uint8_t	 want[] = { 3, 'M', 'x', '1', 1, 'd', 4, 't',
	    'e', 's', 't', 0 };

	r = test_ask(ctx, "mx1.d.test.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0,
	    DNS_UDP_MAX, &info);
	s = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_answer(r),
	    0)));
	assert_string_equal(s, "Mx1.d.test.");
	free(s);
	s = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(r),
	    0)));
	assert_string_equal(s, "mx1.d.test.");	/* the query's spelling */
	free(s);
	ldns_pkt_free(r);

	r = test_ask(ctx, "d.test.", LDNS_RR_TYPE_MX, LDNS_RR_CLASS_IN, 0,
	    DNS_UDP_MAX, &info);
	s = ldns_rdf2str(ldns_rr_mx_exchange(ldns_rr_list_rr(
	    ldns_pkt_answer(r), 0)));
	assert_string_equal(s, "Mx1.d.test.");
	free(s);
	ldns_pkt_free(r);

	/* and uncompressed on the wire: the bytes themselves are there */
	qlen = test_query(ctx->q, "MX1.D.TEST.", LDNS_RR_TYPE_A,
	    LDNS_RR_CLASS_IN, 0);
	assert_int_equal(dns_zone_answer(ctx->zone, DNS_TRANSPORT_UDP, ctx->q,
	    qlen, ctx->out, DNS_UDP_MAX, &outlen, &info), 0);
	assert_true(test_contains(ctx->out + qlen, outlen - qlen, want,
	    sizeof(want)));
}

/* Several character-strings stay several on the wire. */
static void
test_dns_zone_txt_strings(void **state)
{
	struct test_ctx		*ctx = *state;
	struct dns_answer_info	 info;
	ldns_pkt		*r;
	ldns_rr			*rr;
	char			*s;

	r = test_ask(ctx, "multi.d.test.", LDNS_RR_TYPE_TXT, LDNS_RR_CLASS_IN,
	    0, DNS_UDP_MAX, &info);
	rr = ldns_rr_list_rr(ldns_pkt_answer(r), 0);
	assert_int_equal(ldns_rr_rd_count(rr), 2);
	s = ldns_rdf2str(ldns_rr_rdf(rr, 0));
	assert_string_equal(s, "\"v=STSv1;\"");
	free(s);
	s = ldns_rdf2str(ldns_rr_rdf(rr, 1));
	assert_string_equal(s, "\"id=2\"");
	free(s);
	ldns_pkt_free(r);

	r = test_ask(ctx, "_mta-sts.d.test.", LDNS_RR_TYPE_TXT,
	    LDNS_RR_CLASS_IN, 0, DNS_UDP_MAX, &info);
	rr = ldns_rr_list_rr(ldns_pkt_answer(r), 0);
	assert_int_equal(ldns_rr_rd_count(rr), 1);
	s = ldns_rdf2str(ldns_rr_rdf(rr, 0));
	assert_string_equal(s, "\"v=STSv1; id=20240101\"");
	free(s);
	ldns_pkt_free(r);
}

/* $TTL, an explicit TTL, and the default for dns_zone_add_rr */
static void
test_dns_zone_ttl(void **state)
{
	struct test_ctx		*ctx = *state;
	struct dns_answer_info	 info;
	struct err		 err = { 0 };
	ldns_pkt		*r;

	r = test_ask(ctx, "c.d.test.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0,
	    DNS_UDP_MAX, &info);
	assert_int_equal(ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_answer(r), 0)),
	    300);
	ldns_pkt_free(r);
	r = test_ask(ctx, "www.other.test.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN,
	    0, DNS_UDP_MAX, &info);
	assert_int_equal(ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_answer(r), 0)),
	    60);
	ldns_pkt_free(r);
	assert_int_equal(dns_zone_add_rr(ctx->zone, "new IN A 127.0.0.9",
	    "ttl.test", &err), 0);
	assert_int_equal(dns_zone_add_rr(ctx->zone, "zero 0 IN A 127.0.0.9",
	    "ttl.test", &err), 0);
	r = test_ask(ctx, "new.ttl.test.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN,
	    0, DNS_UDP_MAX, &info);
	assert_int_equal(ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_answer(r), 0)),
	    DNS_ZONE_DEFAULT_TTL);
	ldns_pkt_free(r);
	r = test_ask(ctx, "zero.ttl.test.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN,
	    0, DNS_UDP_MAX, &info);
	assert_int_equal(ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_answer(r), 0)),
	    0);
	ldns_pkt_free(r);
}

struct add_case {
	const char	*label;
	const char	*text;
	const char	*origin;
	int		 want;		/* 0 or -1 */
};

static const struct add_case add_cases[] = {
	{ "absolute", "mx2.d.test. 300 IN A 127.1.1.26", NULL, 0 },
	{ "relative + origin", "mx3 IN A 127.1.1.27", "d.test.", 0 },
	{ "origin without dot", "mx4 IN A 127.1.1.28", "d.test", 0 },
	{ "MX", "d.test. IN MX 20 mx2.d.test.", NULL, 0 },
	{ "AAAA", "v6.d.test. IN AAAA 2001:db8::1", NULL, 0 },
	{ "other type", "d.test. IN NS ns.d.test.", NULL, 0 },
	{ "empty", "", NULL, -1 },
	{ "no rdata", "x.d.test. IN A", NULL, -1 },
	{ "bad IPv4", "x.d.test. IN A 999.1.1.1", NULL, -1 },
	{ "bad type", "x.d.test. IN BOGUS 1", NULL, -1 },
	{ "bad origin", "x IN A 127.0.0.1", "a..b", -1 },
	{ "label of 64", TEST_A63 "a.d.test. IN A 127.0.0.1", NULL, -1 },
	{ "name over 255 after origin", TEST_A63 "." TEST_A63 "." TEST_A63
	    " IN A 127.0.0.1", TEST_B63 ".test", -1 },
	{ NULL, NULL, NULL, 0 },
};

static void
test_dns_zone_add_rr(void **state)
{
	const struct add_case	*tc;
	struct dns_zone		*z = dns_zone_new();
	struct err		 err;
	size_t			 n;
	int			 got;

	(void)state;
	for (tc = add_cases; tc->label != NULL; tc++) {
		err_clear(&err);
		n = dns_zone_count(z);
		got = dns_zone_add_rr(z, tc->text, tc->origin, &err);
		if (got != tc->want)
			fail_msg("%s: got %d, want %d (%s)", tc->label, got,
			    tc->want, err.msg);
		if (got == -1 && (err.msg[0] == '\0' || dns_zone_count(z) != n))
			fail_msg("%s: failed without message or kept a record",
			    tc->label);
	}
	/* an exact duplicate (whatever the case) is stored once */
	n = dns_zone_count(z);
	assert_int_equal(dns_zone_add_rr(z, "MX2.d.test. 60 IN A 127.1.1.26",
	    NULL, NULL), 0);
	assert_int_equal(dns_zone_count(z), n);
	dns_zone_free(z);
	dns_zone_free(NULL);
}

static void
test_dns_zone_faults(void **state)
{
	struct test_ctx		*ctx = *state;
	struct dns_answer_info	 info;
	struct err		 err = { 0 };
	enum dns_fault		 f;
	ldns_pkt		*r;
	const char		*name;
	size_t			 i;

	assert_int_equal(dns_fault_parse("servfail", &f), 0);
	assert_int_equal(f, DNS_FAULT_SERVFAIL);
	assert_int_equal(dns_fault_parse("none", &f), 0);
	assert_int_equal(f, DNS_FAULT_NONE);
	assert_int_equal(dns_fault_parse("SERVFAIL", &f), -1);
	assert_int_equal(dns_fault_parse("", &f), -1);
	assert_string_equal(dns_fault_str(DNS_FAULT_TIMEOUT), "timeout");
	/* the names a name can be given: the table's rows but "none" */
	for (i = 0; (name = dns_fault_name(i)) != NULL; i++) {
		assert_int_equal(dns_fault_parse(name, &f), 0);
		assert_int_not_equal(f, DNS_FAULT_NONE);
		assert_string_equal(dns_fault_str(f), name);
	}
	assert_true(i >= 3);
	assert_string_equal(dns_fault_name(0), "nxdomain");
	assert_null(dns_fault_name(i + 1));

	/* set by name, any case; matching ignores case */
	assert_int_equal(dns_zone_set_fault(ctx->zone, "C.D.TEST",
	    DNS_FAULT_SERVFAIL, &err), 0);
	r = test_ask(ctx, "c.d.test.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0,
	    DNS_UDP_MAX, &info);
	assert_string_equal(info.rcode, "SERVFAIL");
	assert_int_equal(info.fault, DNS_FAULT_SERVFAIL);
	ldns_pkt_free(r);
	/* the chain a -> b -> c now stops before c */
	r = test_ask(ctx, "a.d.test.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0,
	    DNS_UDP_MAX, &info);
	assert_int_equal(info.answers, 2);
	assert_int_equal(info.fault, DNS_FAULT_NONE);
	ldns_pkt_free(r);
	/* replaced, then cleared */
	assert_int_equal(dns_zone_set_fault(ctx->zone, "c.d.test.",
	    DNS_FAULT_NXDOMAIN, &err), 0);
	r = test_ask(ctx, "c.d.test.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0,
	    DNS_UDP_MAX, &info);
	assert_string_equal(info.rcode, "NXDOMAIN");
	ldns_pkt_free(r);
	assert_int_equal(dns_zone_set_fault(ctx->zone, "c.d.test.",
	    DNS_FAULT_NONE, &err), 0);
	r = test_ask(ctx, "c.d.test.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0,
	    DNS_UDP_MAX, &info);
	assert_string_equal(info.rcode, "NOERROR");
	assert_int_equal(info.answers, 1);
	ldns_pkt_free(r);
	/* a fault on a name without records */
	assert_int_equal(dns_zone_set_fault(ctx->zone, "ghost.test",
	    DNS_FAULT_TIMEOUT, &err), 0);
	r = test_ask(ctx, "ghost.test.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0,
	    DNS_UDP_MAX, &info);
	assert_null(r);
	assert_true(info.dropped);
	assert_null(info.reason);
	/* adversarial */
	assert_int_equal(dns_zone_set_fault(ctx->zone, "a..b",
	    DNS_FAULT_TIMEOUT, &err), -1);
	assert_int_equal(dns_zone_set_fault(ctx->zone, "", DNS_FAULT_TIMEOUT,
	    &err), -1);
	assert_int_equal(dns_zone_set_fault(ctx->zone, "x.test",
	    (enum dns_fault)42, &err), -1);
}

static void
test_dns_zone_remove_below(void **state)
{
	struct test_ctx		*ctx = *state;
	struct dns_answer_info	 info;
	struct err		 err = { 0 };
	ldns_pkt		*r;

	assert_int_equal(dns_zone_count(ctx->zone), 19);
	dns_zone_remove_below(ctx->zone, "D.Test");
	assert_int_equal(dns_zone_count(ctx->zone), 2);	/* other, xd */
	r = test_ask(ctx, "mx1.d.test.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0,
	    DNS_UDP_MAX, &info);
	assert_string_equal(info.rcode, "NXDOMAIN");
	ldns_pkt_free(r);
	r = test_ask(ctx, "xd.test.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0,
	    DNS_UDP_MAX, &info);
	assert_int_equal(info.answers, 1);	/* label boundary respected */
	ldns_pkt_free(r);
	/* the faults below went too */
	assert_int_equal(dns_zone_add_rr(ctx->zone,
	    "slow.d.test. IN A 127.1.1.12", NULL, &err), 0);
	r = test_ask(ctx, "slow.d.test.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0,
	    DNS_UDP_MAX, &info);
	assert_non_null(r);
	assert_int_equal(info.fault, DNS_FAULT_NONE);
	ldns_pkt_free(r);
	/* adversarial names are ignored */
	dns_zone_remove_below(ctx->zone, "a..b");
	dns_zone_remove_below(ctx->zone, "");
	assert_int_equal(dns_zone_count(ctx->zone), 3);
	dns_zone_remove_below(ctx->zone, ".");
	assert_int_equal(dns_zone_count(ctx->zone), 0);
}

struct truncate_case {
	const char		*label;
	const char		*qname;
	ldns_rr_type		 qtype;
	uint16_t		 edns;		/* 0: no OPT */
	enum dns_transport	 transport;
	const char		*rcode;
	bool			 tc;
	const char		*types;		/* answer section */
	enum dns_fault		 fault;
};

/* mx1.d.test and _mta-sts.d.test carry the truncate fault */
static const struct truncate_case truncate_cases[] = {
	{ "UDP: TC, no answer", "mx1.d.test.", LDNS_RR_TYPE_A, 0,
	    DNS_TRANSPORT_UDP, "NOERROR", true, "", DNS_FAULT_TRUNCATE },
	{ "TCP: the whole answer", "mx1.d.test.", LDNS_RR_TYPE_A, 0,
	    DNS_TRANSPORT_TCP, "NOERROR", false, "A", DNS_FAULT_TRUNCATE },
	{ "UDP with a big EDNS0 size: still TC", "MX1.d.test.",
	    LDNS_RR_TYPE_ANY, 4096, DNS_TRANSPORT_UDP, "NOERROR", true, "",
	    DNS_FAULT_TRUNCATE },
	{ "TCP, type ANY", "mx1.d.test.", LDNS_RR_TYPE_ANY, 0,
	    DNS_TRANSPORT_TCP, "NOERROR", false, "A,AAAA",
	    DNS_FAULT_TRUNCATE },
	{ "UDP TXT", "_mta-sts.d.test.", LDNS_RR_TYPE_TXT, 0,
	    DNS_TRANSPORT_UDP, "NOERROR", true, "", DNS_FAULT_TRUNCATE },
	{ "TCP TXT", "_mta-sts.d.test.", LDNS_RR_TYPE_TXT, 0,
	    DNS_TRANSPORT_TCP, "NOERROR", false, "TXT", DNS_FAULT_TRUNCATE },
	{ "UDP NODATA: TC all the same", "mx1.d.test.", LDNS_RR_TYPE_MX, 0,
	    DNS_TRANSPORT_UDP, "NOERROR", true, "", DNS_FAULT_TRUNCATE },
	{ "TCP NODATA", "mx1.d.test.", LDNS_RR_TYPE_MX, 0, DNS_TRANSPORT_TCP,
	    "NOERROR", false, "", DNS_FAULT_TRUNCATE },
	/* the fault is on exactly that name: not below, not beside */
	{ "UDP, the name next to it", "d.test.", LDNS_RR_TYPE_MX, 0,
	    DNS_TRANSPORT_UDP, "NOERROR", false, "MX", DNS_FAULT_NONE },
	{ "UDP, a name below", "x.mx1.d.test.", LDNS_RR_TYPE_A, 0,
	    DNS_TRANSPORT_UDP, "NXDOMAIN", false, "", DNS_FAULT_NONE },
	/* a name without records: the rcode stays, TC over UDP only */
	{ "UDP, no such name", "ghost.d.test.", LDNS_RR_TYPE_A, 0,
	    DNS_TRANSPORT_UDP, "NXDOMAIN", true, "", DNS_FAULT_TRUNCATE },
	{ "TCP, no such name", "ghost.d.test.", LDNS_RR_TYPE_A, 0,
	    DNS_TRANSPORT_TCP, "NXDOMAIN", false, "", DNS_FAULT_TRUNCATE },
	{ NULL, NULL, 0, 0, DNS_TRANSPORT_UDP, NULL, false, NULL,
	    DNS_FAULT_NONE },
};

/*
 * test_dns_zone_truncate_fault - over UDP the faulted name gets TC, its
 * question and nothing else, whatever room the query offers; over TCP
 * the answer it would get without the fault
 */
static void
test_dns_zone_truncate_fault(void **state)
{
	struct test_ctx			*ctx = *state;
	const struct truncate_case	*tc;
	struct dns_answer_info		 info;
	struct err			 err = { 0 };
	ldns_pkt			*r;
	char				 types[256];

	assert_int_equal(dns_zone_set_fault(ctx->zone, "mx1.d.test",
	    DNS_FAULT_TRUNCATE, &err), 0);
	assert_int_equal(dns_zone_set_fault(ctx->zone, "_mta-sts.d.test",
	    DNS_FAULT_TRUNCATE, &err), 0);
	assert_int_equal(dns_zone_set_fault(ctx->zone, "ghost.d.test",
	    DNS_FAULT_TRUNCATE, &err), 0);
	for (tc = truncate_cases; tc->label != NULL; tc++) {
		r = test_ask_over(ctx, tc->transport, tc->qname, tc->qtype,
		    LDNS_RR_CLASS_IN, tc->edns, tc->transport ==
		    DNS_TRANSPORT_TCP ? DNS_TCP_MAX : DNS_UDP_MAX, &info);
		if (r == NULL)
			fail_msg("%s: dropped", tc->label);
		test_types(r, types, sizeof(types));
		if (strcmp(info.rcode, tc->rcode) != 0 ||
		    ldns_pkt_tc(r) != tc->tc || info.truncated != tc->tc ||
		    strcmp(types, tc->types) != 0 || info.fault != tc->fault ||
		    info.answers != ldns_pkt_ancount(r))
			fail_msg("%s: rcode %s tc %d answers \"%s\" fault %s",
			    tc->label, info.rcode, ldns_pkt_tc(r), types,
			    dns_fault_str(info.fault));
		/* the question always goes back, so the client can retry */
		if (ldns_pkt_qdcount(r) != 1 || !ldns_pkt_aa(r))
			fail_msg("%s: qdcount %u aa %d", tc->label,
			    (unsigned)ldns_pkt_qdcount(r), ldns_pkt_aa(r));
		ldns_pkt_free(r);
	}
	/* by name, as scenarios and zone files say it */
	assert_string_equal(dns_fault_str(DNS_FAULT_TRUNCATE), "truncate");
}

/* Too big for UDP: header and question with TC; TCP-sized room: all. */
static void
test_dns_zone_truncation(void **state)
{
	struct test_ctx		*ctx = *state;
	struct dns_answer_info	 info;
	struct err		 err = { 0 };
	ldns_pkt		*r;
	char			 rr[256];
	size_t			 qlen, outlen;
	int			 i;

	for (i = 0; i < 20; i++) {
		assert_true((size_t)snprintf(rr, sizeof(rr),
		    "big.d.test. IN TXT \"%02d%0100d\"", i, 0) < sizeof(rr));
		assert_int_equal(dns_zone_add_rr(ctx->zone, rr, NULL, &err),
		    0);
	}
	r = test_ask(ctx, "big.d.test.", LDNS_RR_TYPE_TXT, LDNS_RR_CLASS_IN,
	    0, DNS_UDP_MAX, &info);
	assert_true(ldns_pkt_tc(r));
	assert_true(info.truncated);
	assert_int_equal(info.answers, 0);
	assert_int_equal(ldns_pkt_ancount(r), 0);
	assert_int_equal(ldns_pkt_qdcount(r), 1);
	ldns_pkt_free(r);
	r = test_ask(ctx, "big.d.test.", LDNS_RR_TYPE_TXT, LDNS_RR_CLASS_IN,
	    0, DNS_TCP_MAX, &info);
	assert_false(ldns_pkt_tc(r));
	assert_int_equal(info.answers, 20);
	ldns_pkt_free(r);
	/* EDNS0 4096: fits, and the reply carries an OPT record */
	qlen = test_query(ctx->q, "big.d.test.", LDNS_RR_TYPE_TXT,
	    LDNS_RR_CLASS_IN, 4096);
	assert_int_equal(dns_zone_query_udp_max(ctx->q, qlen), 4096);
	r = test_ask(ctx, "big.d.test.", LDNS_RR_TYPE_TXT, LDNS_RR_CLASS_IN,
	    4096, 4096, &info);
	assert_false(ldns_pkt_tc(r));
	assert_int_equal(info.answers, 20);
	assert_true(ldns_pkt_edns(r));
	assert_int_equal(ldns_pkt_edns_udp_size(r), DNS_EDNS_UDP_MAX);
	ldns_pkt_free(r);
	/* no room even for the header: nothing at all */
	qlen = test_query(ctx->q, "big.d.test.", LDNS_RR_TYPE_TXT,
	    LDNS_RR_CLASS_IN, 0);
	assert_int_equal(dns_zone_answer(ctx->zone, DNS_TRANSPORT_UDP, ctx->q,
	    qlen, ctx->out, 11, &outlen, &info), 0);
	assert_true(info.dropped);
	assert_string_equal(info.reason, "outcap");
	assert_int_equal(outlen, 0);
}

struct udp_max_case {
	const char	*label;
	uint16_t	 edns;		/* 0: no OPT */
	size_t		 want;
};

static const struct udp_max_case udp_max_cases[] = {
	{ "no EDNS", 0, DNS_UDP_MAX },
	{ "EDNS 1232", 1232, 1232 },
	{ "EDNS 4096", 4096, 4096 },
	{ "EDNS 65000 capped", 65000, DNS_EDNS_UDP_MAX },
	{ "EDNS 100 floored", 100, DNS_UDP_MAX },
	{ NULL, 0, 0 },
};

static void
test_dns_zone_udp_max(void **state)
{
	struct test_ctx			*ctx = *state;
	const struct udp_max_case	*tc;
	size_t				 qlen, got;

	for (tc = udp_max_cases; tc->label != NULL; tc++) {
		qlen = test_query(ctx->q, "x.test.", LDNS_RR_TYPE_A,
		    LDNS_RR_CLASS_IN, tc->edns);
		got = dns_zone_query_udp_max(ctx->q, qlen);
		if (got != tc->want)
			fail_msg("%s: got %zu, want %zu", tc->label, got,
			    tc->want);
	}
	assert_int_equal(dns_zone_query_udp_max(ctx->q, 0), DNS_UDP_MAX);
	assert_int_equal(dns_zone_query_udp_max(ctx->q, 13), DNS_UDP_MAX);
}

struct raw_case {
	const char	*label;
	uint8_t		 bytes[300];
	size_t		 len;
	const char	*rcode;		/* NULL: dropped */
	const char	*reason;	/* when dropped */
};

#define RAW_HDR(flags2, flags3, qd) \
	0xab, 0xcd, (flags2), (flags3), 0, (qd), 0, 0, 0, 0, 0, 0

static const struct raw_case raw_cases[] = {
	{ "empty", { 0 }, 0, NULL, "short" },
	{ "11 bytes", { RAW_HDR(0x01, 0, 1) }, 11, NULL, "short" },
	{ "response bit set", { RAW_HDR(0x81, 0x80, 0) }, 12, NULL,
	    "response" },
	{ "qdcount 0", { RAW_HDR(0x01, 0, 0) }, 12, "FORMERR", NULL },
	{ "5 questions, none there", { RAW_HDR(0x01, 0, 5) }, 12, "FORMERR",
	    NULL },
	{ "2 questions", { RAW_HDR(0x01, 0, 2), 1, 'a', 0, 0, 1, 0, 1,
	    1, 'b', 0, 0, 1, 0, 1 }, 30, "FORMERR", NULL },
	{ "pointer loop", { RAW_HDR(0x01, 0, 1), 0xc0, 12, 0, 1, 0, 1 }, 18,
	    "FORMERR", NULL },
	{ "pointer past end", { RAW_HDR(0x01, 0, 1), 0xc0, 0xff, 0, 1, 0, 1 },
	    18, "FORMERR", NULL },
	{ "label of 64", { RAW_HDR(0x01, 0, 1), 64 }, 13 + 64 + 5,
	    "FORMERR", NULL },
	{ "truncated name", { RAW_HDR(0x01, 0, 1), 5, 'a', 'b' }, 15,
	    "FORMERR", NULL },
	{ "no type/class", { RAW_HDR(0x01, 0, 1), 1, 'a', 0 }, 15, "FORMERR",
	    NULL },
	{ "opcode STATUS", { RAW_HDR(0x11, 0, 1), 1, 'a', 0, 0, 1, 0, 1 }, 19,
	    "NOTIMP", NULL },
	{ "opcode UPDATE, garbage", { RAW_HDR(0x28, 0, 9) }, 12, "NOTIMP",
	    NULL },
	{ "good, trailing junk", { RAW_HDR(0x01, 0, 1), 1, 'a', 0, 0, 1, 0, 1,
	    0xff, 0xff }, 21, "NXDOMAIN", NULL },
	{ NULL, { 0 }, 0, NULL, NULL },
};

static void
test_dns_zone_garbage(void **state)
{
	struct test_ctx			*ctx = *state;
	const struct raw_case		*tc;
	struct dns_answer_info		 info;
	size_t				 outlen;

	for (tc = raw_cases; tc->label != NULL; tc++) {
		memcpy(ctx->q, tc->bytes, sizeof(tc->bytes));
		outlen = 99;
		assert_int_equal(dns_zone_answer(ctx->zone, DNS_TRANSPORT_UDP,
		    ctx->q, tc->len, ctx->out, DNS_UDP_MAX, &outlen, &info), 0);
		if (tc->rcode == NULL) {
			if (!info.dropped || outlen != 0 ||
			    info.reason == NULL ||
			    strcmp(info.reason, tc->reason) != 0)
				fail_msg("%s: not dropped as %s", tc->label,
				    tc->reason);
			continue;
		}
		if (info.dropped || outlen < 12)
			fail_msg("%s: dropped", tc->label);
		if (strcmp(info.rcode, tc->rcode) != 0)
			fail_msg("%s: rcode %s, want %s", tc->label,
			    info.rcode, tc->rcode);
		/* id echoed, QR set, opcode and RD copied */
		if (ctx->out[0] != 0xab || ctx->out[1] != 0xcd ||
		    (ctx->out[2] & 0x80) == 0 ||
		    (ctx->out[2] & 0x79) != (tc->bytes[2] & 0x79))
			fail_msg("%s: bad header", tc->label);
	}
}

/* A name of 255+ octets built from valid labels is refused by ldns too. */
static void
test_dns_zone_long_name(void **state)
{
	struct test_ctx		*ctx = *state;
	struct dns_answer_info	 info;
	size_t			 len = 12, outlen;
	int			 i;

	memcpy(ctx->q, (const uint8_t[]){ RAW_HDR(0x01, 0, 1) }, 12);
	for (i = 0; i < 5; i++) {		/* 5 * 64 = 320 octets */
		ctx->q[len++] = 63;
		memset(ctx->q + len, 'a', 63);
		len += 63;
	}
	ctx->q[len++] = 0;
	memcpy(ctx->q + len, (const uint8_t[]){ 0, 1, 0, 1 }, 4);
	len += 4;
	assert_int_equal(dns_zone_answer(ctx->zone, DNS_TRANSPORT_UDP, ctx->q,
	    len, ctx->out, DNS_UDP_MAX, &outlen, &info), 0);
	assert_string_equal(info.rcode, "FORMERR");
}

struct load_case {
	const char	*label;
	const char	*text;
	const char	*want;	/* NULL: loads; else ":LINE: substring" */
};

static const struct load_case load_cases[] = {
	{ "empty file", "", NULL },
	{ "comments only", "; x\n\n   ; y\n", NULL },
	{ "CRLF lines", "$ORIGIN t.\r\na IN A 127.0.0.1\r\n", NULL },
	{ "relative $ORIGIN", "$ORIGIN test.\n$ORIGIN sub\nx IN A 1.2.3.4\n",
	    NULL },
	{ "$TTL units", "$TTL 1h\nx. IN A 1.2.3.4\n", NULL },
	{ "fault at origin", "$ORIGIN t.\n;@fault @ servfail\n", NULL },
	{ "bad record", "$ORIGIN t.\nx IN A 300.1.1.1\n", ":2: " },
	{ "bad record later", "a. IN A 1.1.1.1\n\n\nb. IN MX x\n", ":4: " },
	{ "unknown fault", ";@fault x.t. sometimes\n", ":1: unknown fault" },
	{ "fault none", ";@fault x.t. none\n", ":1: unknown fault" },
	{ "fault missing kind", "\n;@fault x.t.\n", ":2: expected" },
	{ "fault kinds listed", ";@fault x.t.\n",
	    ":1: expected \";@fault NAME nxdomain|servfail|timeout|truncate\"" },
	{ "fault truncate", ";@fault x.t. truncate\n", NULL },
	{ "fault extra word", ";@fault x.t. timeout now\n", ":1: expected" },
	{ "fault bad name", ";@fault a..b timeout\n", ":1: bad name" },
	{ "unclosed (", "\nx. IN SOA a. b. ( 1 2\n3 4\n", ":2: unclosed" },
	{ "stray )", "x. IN A 1.2.3.4 )\n", ":1: unbalanced" },
	{ "$INCLUDE", "$INCLUDE /etc/passwd\n", ":1: unsupported" },
	{ "unknown directive", "$GENERATE 1-2 a A 1.1.1.$\n",
	    ":1: unsupported" },
	{ "bad $TTL", "$TTL soon\n", ":1: bad $TTL" },
	{ "$TTL no arg", "$TTL\n", ":1: $TTL takes one" },
	{ "bad $ORIGIN", "$ORIGIN a..b\n", ":1: bad $ORIGIN" },
	{ "owner too long", "$ORIGIN " TEST_B63 "." TEST_B63 ".\n"
	    TEST_A63 "." TEST_A63 " IN A 1.2.3.4\n", ":2: " },
	{ NULL, NULL, NULL },
};

static void
test_dns_zone_load(void **state)
{
	const struct load_case	*tc;
	struct dns_zone		*z;
	struct err		 err;
	char			 path[64], want[128];
	int			 got;

	(void)state;
	for (tc = load_cases; tc->label != NULL; tc++) {
		assert_int_equal(test_write_file(tc->text, path, sizeof(path)),
		    0);
		z = dns_zone_new();
		err_clear(&err);
		got = dns_zone_load_file(z, path, &err);
		if (tc->want == NULL && got != 0)
			fail_msg("%s: %s", tc->label, err.msg);
		if (tc->want != NULL) {
			assert_true((size_t)snprintf(want, sizeof(want),
			    "%s%s", path, tc->want) < sizeof(want));
			if (got != -1 || strstr(err.msg, want) != err.msg)
				fail_msg("%s: got %d \"%s\", want \"%s...\"",
				    tc->label, got, err.msg, want);
		}
		dns_zone_free(z);
		unlink(path);
	}
	z = dns_zone_new();
	assert_int_equal(dns_zone_load_file(z, "/nonexistent/zone", &err), -1);
	assert_non_null(strstr(err.msg, "/nonexistent/zone"));
	dns_zone_free(z);
}

/* A relative $ORIGIN appends to the current one; $TTL units apply. */
static void
test_dns_zone_load_origin(void **state)
{
	struct test_ctx		*ctx = *state;
	struct dns_answer_info	 info;
	struct err		 err = { 0 };
	char			 path[64];
	ldns_pkt		*r;

	assert_int_equal(test_write_file("$ORIGIN test.\n$ORIGIN sub\n"
	    "$TTL 1h\nx IN A 1.2.3.4\n;@fault y timeout\n", path,
	    sizeof(path)), 0);
	assert_int_equal(dns_zone_load_file(ctx->zone, path, &err), 0);
	unlink(path);
	r = test_ask(ctx, "x.sub.test.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0,
	    DNS_UDP_MAX, &info);
	assert_int_equal(info.answers, 1);
	assert_int_equal(ldns_rr_ttl(ldns_rr_list_rr(ldns_pkt_answer(r), 0)),
	    3600);
	ldns_pkt_free(r);
	r = test_ask(ctx, "y.sub.test.", LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0,
	    DNS_UDP_MAX, &info);
	assert_null(r);
	assert_int_equal(info.fault, DNS_FAULT_TIMEOUT);
}

/* DNSSEC: the zone d.test signed, other.test not */

/* test_ask_do - a query with EDNS0 (1232) and, when dnssec, DO set */
static ldns_pkt *
test_ask_do(struct test_ctx *ctx, enum dns_transport transport,
    const char *name, ldns_rr_type type, bool dnssec, size_t outcap,
    struct dns_answer_info *info)
{
	ldns_pkt	*p, *r = NULL;
	uint8_t		*wire = NULL;
	size_t		 qlen = 0, outlen;

	p = ldns_pkt_query_new(ldns_dname_new_frm_str(name), type,
	    LDNS_RR_CLASS_IN, LDNS_RD);
	assert_non_null(p);
	ldns_pkt_set_id(p, TEST_ID);
	ldns_pkt_set_edns_udp_size(p, 1232);
	ldns_pkt_set_edns_do(p, dnssec);
	assert_int_equal(ldns_pkt2wire(&wire, p, &qlen), LDNS_STATUS_OK);
	memcpy(ctx->q, wire, qlen);
	free(wire);
	ldns_pkt_free(p);
	assert_int_equal(dns_zone_answer(ctx->zone, transport, ctx->q, qlen,
	    ctx->out, outcap, &outlen, info), 0);
	ctx->qlen = qlen;
	ctx->outlen = outlen;
	if (info->dropped)
		return NULL;
	assert_int_equal(ldns_wire2pkt(&r, ctx->out, outlen), LDNS_STATUS_OK);
	/* only the validating resolver may say "authentic" */
	assert_false(ldns_pkt_ad(r));
	assert_true(ldns_pkt_edns(r));
	return r;
}

/*
 * test_verify - every RRSIG in l verifies over the RRset (owner, type) it
 * covers in l, with keys; every other RRset in l has an RRSIG. Returns
 * the number of RRSIGs that failed (0: all good).
 */
static size_t
test_verify(const ldns_rr_list *l, const ldns_rr_list *keys)
{
	ldns_rdf	*zone = ldns_dname_new_frm_str("d.test.");
	ldns_rr_list	*set, *good, *k;
	ldns_rr		*sig, *rr;
	size_t		 i, j, bad = 0, sigs = 0, sets = 0;
	bool		 covered;

	k = ldns_rr_list_clone(keys);
	for (i = 0; i < ldns_rr_list_rr_count(l); i++) {
		sig = ldns_rr_list_rr(l, i);
		if (ldns_rr_get_type(sig) != LDNS_RR_TYPE_RRSIG)
			continue;
		sigs++;
		set = ldns_rr_list_new();
		for (j = 0; j < ldns_rr_list_rr_count(l); j++) {
			rr = ldns_rr_list_rr(l, j);
			if (ldns_rr_get_type(rr) ==
			    ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(sig)) &&
			    ldns_dname_compare(ldns_rr_owner(rr),
			    ldns_rr_owner(sig)) == 0)
				ldns_rr_list_push_rr(set, ldns_rr_clone(rr));
		}
		good = ldns_rr_list_new();
		if (ldns_rr_list_rr_count(set) == 0 ||
		    ldns_verify_rrsig_keylist(set, sig, k, good) !=
		    LDNS_STATUS_OK)
			bad++;
		ldns_rr_list_free(good);
		ldns_rr_list_deep_free(set);
	}
	/* each non-RRSIG record is followed, after its set, by an RRSIG */
	for (i = 0; i < ldns_rr_list_rr_count(l); i++) {
		rr = ldns_rr_list_rr(l, i);
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG ||
		    (ldns_dname_compare(ldns_rr_owner(rr), zone) != 0 &&
		    !ldns_dname_is_subdomain(ldns_rr_owner(rr), zone)))
			continue;	/* outside the signed zone */
		sets++;
		covered = false;
		for (j = i + 1; j < ldns_rr_list_rr_count(l) && !covered; j++)
			covered = ldns_rr_get_type(ldns_rr_list_rr(l, j)) ==
			    LDNS_RR_TYPE_RRSIG;
		if (!covered)
			bad++;
	}
	ldns_rr_list_deep_free(k);
	ldns_rdf_deep_free(zone);
	(void)sets;
	(void)sigs;
	return bad;
}

struct signed_case {
	const char	*label;
	const char	*qname;
	ldns_rr_type	 qtype;
	bool		 dnssec;	/* DO in the query */
	const char	*rcode;
	const char	*answer;	/* answer section types */
	const char	*authority;	/* authority section types */
	const char	*bitmap;	/* the NSEC's types, or NULL: no NSEC */
	const char	*nsec_owner;	/* the name the NSEC denies */
};

#define TEST_DENIAL	"SOA,RRSIG,NSEC,RRSIG"

static const struct signed_case signed_cases[] = {
	{ "A", "mx1.d.test.", LDNS_RR_TYPE_A, true, "NOERROR", "A,RRSIG",
	    "", NULL, NULL },
	{ "A without DO: plain", "mx1.d.test.", LDNS_RR_TYPE_A, false,
	    "NOERROR", "A", "", NULL, NULL },
	{ "MX at apex", "d.test.", LDNS_RR_TYPE_MX, true, "NOERROR",
	    "MX,RRSIG", "", NULL, NULL },
	{ "TXT", "_mta-sts.d.test.", LDNS_RR_TYPE_TXT, true, "NOERROR",
	    "TXT,RRSIG", "", NULL, NULL },
	{ "TLSA", "_25._tcp.mx1.d.test.", LDNS_RR_TYPE_TLSA, true, "NOERROR",
	    "TLSA,RRSIG", "", NULL, NULL },
	{ "CNAME chain: each set signed", "a.d.test.", LDNS_RR_TYPE_A, true,
	    "NOERROR", "CNAME,RRSIG,CNAME,RRSIG,A,RRSIG", "", NULL, NULL },
	{ "ANY: one RRSIG per set", "mx1.d.test.", LDNS_RR_TYPE_ANY, true,
	    "NOERROR", "A,RRSIG,AAAA,RRSIG", "", NULL, NULL },
	{ "DNSKEY at apex", "d.test.", LDNS_RR_TYPE_DNSKEY, true, "NOERROR",
	    "DNSKEY,RRSIG", "", NULL, NULL },
	{ "DNSKEY without DO", "d.test.", LDNS_RR_TYPE_DNSKEY, false,
	    "NOERROR", "DNSKEY", "", NULL, NULL },
	{ "made-up SOA at apex", "d.test.", LDNS_RR_TYPE_SOA, true,
	    "NOERROR", "SOA,RRSIG", "", NULL, NULL },
	{ "no DNSKEY below apex", "mx1.d.test.", LDNS_RR_TYPE_DNSKEY, true,
	    "NOERROR", "", TEST_DENIAL, "A AAAA RRSIG NSEC", "mx1.d.test." },
	{ "NODATA", "mx1.d.test.", LDNS_RR_TYPE_TXT, true, "NOERROR", "",
	    TEST_DENIAL, "A AAAA RRSIG NSEC", "mx1.d.test." },
	{ "NODATA without DO: plain", "mx1.d.test.", LDNS_RR_TYPE_TXT,
	    false, "NOERROR", "", "", NULL, NULL },
	{ "NODATA at apex", "d.test.", LDNS_RR_TYPE_TXT, true, "NOERROR",
	    "", TEST_DENIAL, "SOA MX RRSIG NSEC DNSKEY", "d.test." },
	{ "NXDOMAIN: black lie", "nosuch.d.test.", LDNS_RR_TYPE_A, true,
	    "NOERROR", "", TEST_DENIAL, "RRSIG NSEC", "nosuch.d.test." },
	{ "NXDOMAIN without DO: plain", "nosuch.d.test.", LDNS_RR_TYPE_A,
	    false, "NXDOMAIN", "", "", NULL, NULL },
	{ "empty non-terminal", "y.deep.d.test.", LDNS_RR_TYPE_A, true,
	    "NOERROR", "", TEST_DENIAL, "RRSIG NSEC", "y.deep.d.test." },
	{ "DS at apex", "d.test.", LDNS_RR_TYPE_DS, true, "NOERROR", "",
	    TEST_DENIAL, "SOA MX RRSIG NSEC DNSKEY", "d.test." },
	{ "DS below apex", "mx1.d.test.", LDNS_RR_TYPE_DS, true, "NOERROR",
	    "", TEST_DENIAL, "A AAAA RRSIG NSEC", "mx1.d.test." },
	{ "CNAME to a missing name", "dangle.d.test.", LDNS_RR_TYPE_A, true,
	    "NOERROR", "CNAME,RRSIG", TEST_DENIAL, "RRSIG NSEC",
	    "gone.d.test." },
	{ "CNAME chain, NODATA at end", "a.d.test.", LDNS_RR_TYPE_TXT, true,
	    "NOERROR", "CNAME,RRSIG,CNAME,RRSIG", TEST_DENIAL, "A RRSIG NSEC",
	    "c.d.test." },
	{ "CNAME out of the signed zone", "out.d.test.", LDNS_RR_TYPE_A,
	    true, "NXDOMAIN", "CNAME,RRSIG", "", NULL, NULL },
	{ "CNAME into the unsigned zone", "tou.d.test.", LDNS_RR_TYPE_A,
	    true, "NOERROR", "CNAME,RRSIG,A", "", NULL, NULL },
	{ "nxdomain fault: black lie", "nxname.d.test.", LDNS_RR_TYPE_A, true,
	    "NOERROR", "", TEST_DENIAL, "RRSIG NSEC", "nxname.d.test." },
	{ "nxdomain fault without DO", "nxname.d.test.", LDNS_RR_TYPE_A,
	    false, "NXDOMAIN", "", "", NULL, NULL },
	{ "servfail fault stays unsigned", "sf.d.test.", LDNS_RR_TYPE_A,
	    true, "SERVFAIL", "", "", NULL, NULL },
	{ "unsigned zone with DO", "www.other.test.", LDNS_RR_TYPE_A, true,
	    "NOERROR", "A", "", NULL, NULL },
	{ "unsigned NXDOMAIN with DO", "nope.other.test.", LDNS_RR_TYPE_A,
	    true, "NXDOMAIN", "", "", NULL, NULL },
	{ "no DNSKEY in the unsigned zone", "other.test.",
	    LDNS_RR_TYPE_DNSKEY, true, "NOERROR", "", "", NULL, NULL },
	{ NULL, NULL, 0, false, NULL, NULL, NULL, NULL, NULL },
};

/* test_signed_setup - the query zone, d.test signed with one key */
static int
test_signed_setup(void **state)
{
	struct test_ctx	*ctx;
	struct err	 err = { 0 };
	static const char *const extra[] = {
		"_25._tcp.mx1.d.test. 300 IN TLSA 3 1 1 "
		    "0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef",
		"dangle.d.test. 300 IN CNAME gone.d.test.",
		"tou.d.test. 300 IN CNAME www.other.test.",
		NULL,
	};
	size_t		 i;

	if (test_setup(state) == -1)
		return -1;
	ctx = *state;
	for (i = 0; extra[i] != NULL; i++)
		if (dns_zone_add_rr(ctx->zone, extra[i], NULL, &err) == -1)
			return -1;
	if ((ctx->key = dns_key_new(&err)) == NULL ||
	    dns_zone_sign_below(ctx->zone, "D.test", ctx->key, &err) == -1) {
		fprintf(stderr, "sign: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static int
test_signed_teardown(void **state)
{
	struct test_ctx	*ctx = *state;

	if (ctx != NULL)
		dns_key_free(ctx->key);
	return test_teardown(state);
}

/* test_keys - the DNSKEY set d.test serves (asked with DO) */
static ldns_rr_list *
test_keys(struct test_ctx *ctx, const char *apex)
{
	struct dns_answer_info	 info;
	ldns_rr_list		*keys;
	ldns_pkt		*r;

	r = test_ask_do(ctx, DNS_TRANSPORT_TCP, apex, LDNS_RR_TYPE_DNSKEY,
	    false, DNS_TCP_MAX, &info);
	assert_non_null(r);
	keys = ldns_rr_list_clone(ldns_pkt_answer(r));
	ldns_pkt_free(r);
	assert_int_equal(ldns_rr_list_rr_count(keys), 1);
	return keys;
}

static void
test_dns_zone_signed(void **state)
{
	struct test_ctx			*ctx = *state;
	const struct signed_case	*tc;
	struct dns_answer_info		 info;
	ldns_rr_list			*keys, *auth;
	ldns_rr				*nsec, *dnskey;
	ldns_pkt			*r;
	char				 types[256], *s, want[300];
	size_t				 i;
	bool				 dnssec_records;

	keys = test_keys(ctx, "d.test.");
	dnskey = ldns_rr_list_rr(keys, 0);
	assert_int_equal(ldns_rr_ttl(dnskey), 300);
	assert_int_equal(ldns_rdf2native_int16(ldns_rr_rdf(dnskey, 0)), 257);
	assert_int_equal(ldns_rdf2native_int8(ldns_rr_rdf(dnskey, 2)), 13);
	assert_int_equal(ldns_calc_keytag(dnskey), dns_key_tag(ctx->key));
	for (tc = signed_cases; tc->label != NULL; tc++) {
		r = test_ask_do(ctx, DNS_TRANSPORT_UDP, tc->qname, tc->qtype,
		    tc->dnssec, DNS_EDNS_UDP_MAX, &info);
		assert_non_null(r);
		if (strcmp(info.rcode, tc->rcode) != 0)
			fail_msg("%s: rcode %s, want %s", tc->label,
			    info.rcode, tc->rcode);
		assert_false(ldns_pkt_tc(r));
		test_list_types(ldns_pkt_answer(r), types, sizeof(types));
		if (strcmp(types, tc->answer) != 0)
			fail_msg("%s: answer %s, want %s", tc->label, types,
			    tc->answer);
		auth = ldns_pkt_authority(r);
		test_list_types(auth, types, sizeof(types));
		if (strcmp(types, tc->authority) != 0)
			fail_msg("%s: authority %s, want %s", tc->label, types,
			    tc->authority);
		if (tc->dnssec)
			test_signed_ttls(tc->label, ldns_pkt_answer(r));
		dnssec_records = strstr(tc->answer, "RRSIG") != NULL ||
		    strstr(tc->authority, "RRSIG") != NULL;
		if (info.dnssec != dnssec_records)
			fail_msg("%s: info.dnssec %d", tc->label,
			    (int)info.dnssec);
		/* RFC 3225 §3: DO echoed for the signed zone only */
		if (ldns_pkt_edns_do(r) != (tc->dnssec &&
		    strstr(tc->qname, "d.test.") != NULL && strcmp(tc->rcode,
		    "SERVFAIL") != 0))
			fail_msg("%s: DO %d in the reply", tc->label,
			    (int)ldns_pkt_edns_do(r));
		if (dnssec_records && (test_verify(ldns_pkt_answer(r),
		    keys) != 0 || test_verify(auth, keys) != 0))
			fail_msg("%s: a signature does not verify", tc->label);
		nsec = NULL;
		for (i = 0; i < ldns_rr_list_rr_count(auth); i++)
			if (ldns_rr_get_type(ldns_rr_list_rr(auth, i)) ==
			    LDNS_RR_TYPE_NSEC)
				nsec = ldns_rr_list_rr(auth, i);
		if ((nsec != NULL) != (tc->bitmap != NULL))
			fail_msg("%s: NSEC %s", tc->label, nsec != NULL ?
			    "present" : "missing");
		if (nsec != NULL) {
			s = ldns_rdf2str(ldns_rr_rdf(nsec, 1));
			if (strlen(s) > 0 && s[strlen(s) - 1] == ' ')
				s[strlen(s) - 1] = '\0';
			if (strcmp(s, tc->bitmap) != 0)
				fail_msg("%s: NSEC types \"%s\", want \"%s\"",
				    tc->label, s, tc->bitmap);
			free(s);
			s = ldns_rdf2str(ldns_rr_owner(nsec));
			assert_string_equal(s, tc->nsec_owner);
			free(s);
			/* the next name: the owner's immediate successor */
			s = ldns_rdf2str(ldns_rr_rdf(nsec, 0));
			assert_true((size_t)snprintf(want, sizeof(want),
			    "\\000.%s", tc->nsec_owner) < sizeof(want));
			assert_string_equal(s, want);
			free(s);
			/*
			 * a signed answer goes out with TTL 0, so that no
			 * cache keeps it (docs/resolver.md, "DNSSEC")
			 */
			assert_int_equal(ldns_rr_ttl(nsec), 0);
		}
		ldns_pkt_free(r);
	}
	ldns_rr_list_deep_free(keys);
}

/*
 * test_dns_zone_signed_adversarial - what signing must not do: verify
 * with another key, leak into unsigned names' bytes, survive removal,
 * keep an old key after re-signing, fit a signed answer into 512 bytes.
 */
static void
test_dns_zone_signed_adversarial(void **state)
{
	struct test_ctx		*ctx = *state;
	struct dns_answer_info	 info;
	struct dns_zone		*plain;
	struct dns_key		*other;
	struct err		 err = { 0 };
	ldns_rr_list		*keys, *okeys;
	ldns_pkt		*r;
	uint8_t			 before[TEST_BUF_MAX];
	size_t			 blen, outlen, i;
	char			 path[64], text[160];
	static const struct { const char *n; ldns_rr_type t; bool d; }
	    rows[] = {
		{ "www.other.test.", LDNS_RR_TYPE_A, true },
		{ "nope.other.test.", LDNS_RR_TYPE_A, true },
		{ "mx1.d.test.", LDNS_RR_TYPE_A, false },
		{ "a.d.test.", LDNS_RR_TYPE_A, false },
		{ "nope.d.test.", LDNS_RR_TYPE_A, false },
		{ "mx1.d.test.", LDNS_RR_TYPE_TXT, false },
		{ "tou.d.test.", LDNS_RR_TYPE_A, false },
	};

	/* another key's DNSKEY verifies nothing */
	keys = test_keys(ctx, "d.test.");
	other = dns_key_new(&err);
	assert_non_null(other);
	r = test_ask_do(ctx, DNS_TRANSPORT_UDP, "mx1.d.test.", LDNS_RR_TYPE_A,
	    true, DNS_EDNS_UDP_MAX, &info);
	okeys = ldns_rr_list_new();
	ldns_rr_list_push_rr(okeys, dns_key_dnskey(other,
	    ldns_rr_owner(ldns_rr_list_rr(keys, 0))));
	assert_int_equal(test_verify(ldns_pkt_answer(r), keys), 0);
	assert_int_equal(test_verify(ldns_pkt_answer(r), okeys), 1);
	ldns_pkt_free(r);

	/* signing d.test again replaces the key: the old one verifies none */
	assert_int_equal(dns_zone_sign_below(ctx->zone, "d.test.", other,
	    &err), 0);
	r = test_ask_do(ctx, DNS_TRANSPORT_UDP, "mx1.d.test.", LDNS_RR_TYPE_A,
	    true, DNS_EDNS_UDP_MAX, &info);
	assert_int_equal(test_verify(ldns_pkt_answer(r), okeys), 0);
	assert_int_equal(test_verify(ldns_pkt_answer(r), keys), 1);
	ldns_pkt_free(r);
	ldns_rr_list_deep_free(okeys);
	ldns_rr_list_deep_free(keys);

	/* unsigned names, and signed ones without DO: today's bytes */
	plain = dns_zone_new();
	assert_int_equal(test_write_file(test_zone_text, path, sizeof(path)),
	    0);
	assert_int_equal(dns_zone_load_file(plain, path, &err), 0);
	unlink(path);
	assert_int_equal(dns_zone_add_rr(plain, "tou.d.test. 300 IN CNAME "
	    "www.other.test.", NULL, &err), 0);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		r = test_ask_do(ctx, DNS_TRANSPORT_UDP, rows[i].n, rows[i].t,
		    rows[i].d, DNS_EDNS_UDP_MAX, &info);
		ldns_pkt_free(r);
		assert_false(info.dnssec);
		blen = ctx->outlen;
		memcpy(before, ctx->out, blen);
		/* the same query bytes against the unsigned zone */
		assert_int_equal(dns_zone_answer(plain, DNS_TRANSPORT_UDP,
		    ctx->q, ctx->qlen, ctx->out, DNS_EDNS_UDP_MAX, &outlen,
		    &info), 0);
		if (outlen != blen || memcmp(before, ctx->out, blen) != 0)
			fail_msg("%s: bytes differ from the unsigned zone's",
			    rows[i].n);
	}
	dns_zone_free(plain);

	/* a CNAME loop: each set once, signed once */
	r = test_ask_do(ctx, DNS_TRANSPORT_TCP, "loop1.d.test.",
	    LDNS_RR_TYPE_A, true, DNS_TCP_MAX, &info);
	test_list_types(ldns_pkt_answer(r), path, sizeof(path));
	assert_string_equal(path, "CNAME,RRSIG,CNAME,RRSIG");
	ldns_pkt_free(r);
	/* 400 bytes of TXT fit 512 unsigned, not signed: TC and nothing */
	for (i = 0; i < 4; i++) {
		assert_true((size_t)snprintf(text, sizeof(text),
		    "big.d.test. IN TXT \"%d%075d\"", (int)i, 0) <
		    sizeof(text));
		assert_int_equal(dns_zone_add_rr(ctx->zone, text, NULL, &err),
		    0);
	}
	r = test_ask_do(ctx, DNS_TRANSPORT_UDP, "big.d.test.",
	    LDNS_RR_TYPE_TXT, false, DNS_UDP_MAX, &info);
	assert_false(ldns_pkt_tc(r));
	ldns_pkt_free(r);
	r = test_ask_do(ctx, DNS_TRANSPORT_UDP, "big.d.test.",
	    LDNS_RR_TYPE_TXT, true, DNS_UDP_MAX, &info);
	assert_true(ldns_pkt_tc(r));
	assert_int_equal(ldns_pkt_ancount(r) + ldns_pkt_nscount(r), 0);
	assert_false(info.dnssec);
	ldns_pkt_free(r);
	/* ... over TCP: whole */
	r = test_ask_do(ctx, DNS_TRANSPORT_TCP, "big.d.test.",
	    LDNS_RR_TYPE_TXT, true, DNS_TCP_MAX, &info);
	assert_false(ldns_pkt_tc(r));
	assert_int_equal(ldns_pkt_ancount(r), 5);
	assert_true(info.dnssec);
	ldns_pkt_free(r);
	/* a truncate fault in a signed zone: TC over UDP, signed over TCP */
	assert_int_equal(dns_zone_set_fault(ctx->zone, "mx1.d.test",
	    DNS_FAULT_TRUNCATE, &err), 0);
	r = test_ask_do(ctx, DNS_TRANSPORT_UDP, "mx1.d.test.", LDNS_RR_TYPE_A,
	    true, DNS_EDNS_UDP_MAX, &info);
	assert_true(ldns_pkt_tc(r));
	assert_int_equal(ldns_pkt_ancount(r), 0);
	ldns_pkt_free(r);
	r = test_ask_do(ctx, DNS_TRANSPORT_TCP, "mx1.d.test.", LDNS_RR_TYPE_A,
	    true, DNS_TCP_MAX, &info);
	assert_false(ldns_pkt_tc(r));
	assert_int_equal(ldns_pkt_ancount(r), 2);
	ldns_pkt_free(r);

	/* removing below the apex keeps it signed; at the apex forgets it */
	dns_zone_remove_below(ctx->zone, "deep.d.test");
	r = test_ask_do(ctx, DNS_TRANSPORT_UDP, "d.test.", LDNS_RR_TYPE_MX,
	    true, DNS_EDNS_UDP_MAX, &info);
	assert_int_equal(ldns_pkt_ancount(r), 2);
	ldns_pkt_free(r);
	dns_zone_remove_below(ctx->zone, "D.TEST.");
	assert_int_equal(dns_zone_add_rr(ctx->zone, "mx1.d.test. 300 IN A "
	    "127.1.1.25", NULL, &err), 0);
	r = test_ask_do(ctx, DNS_TRANSPORT_UDP, "mx1.d.test.", LDNS_RR_TYPE_A,
	    true, DNS_EDNS_UDP_MAX, &info);
	assert_int_equal(ldns_pkt_ancount(r), 1);
	assert_false(info.dnssec);
	assert_false(ldns_pkt_edns_do(r));
	ldns_pkt_free(r);
	r = test_ask_do(ctx, DNS_TRANSPORT_UDP, "d.test.",
	    LDNS_RR_TYPE_DNSKEY, true, DNS_EDNS_UDP_MAX, &info);
	assert_int_equal(ldns_pkt_ancount(r), 0);
	assert_int_equal(ldns_pkt_nscount(r), 0);
	ldns_pkt_free(r);
	dns_key_free(other);
}

/* test_dns_key_anchor - the trust-anchor= value, and its bounds */
static void
test_dns_key_anchor(void **state)
{
	struct dns_key	*k;
	struct err	 err = { 0 };
	ldns_rdf	*apex;
	ldns_rr		*dnskey, *ds;
	char		 out[DNS_KEY_ANCHOR_MAX], want[DNS_KEY_ANCHOR_MAX], *hex;
	size_t		 i;
	static const struct { const char *apex, *name; } rows[] = {
		{ "D.Test.", "d.test" },
		{ "d.test", "d.test" },
		{ "_x.Sub.D.test", "_x.sub.d.test" },
		{ ".", "." },
	};

	(void)state;
	k = dns_key_new(&err);
	assert_non_null(k);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(dns_key_anchor(k, rows[i].apex, out,
		    sizeof(out), &err), 0);
		/* what ldns computes as the DS of the DNSKEY at that name */
		apex = ldns_dname_new_frm_str(rows[i].apex);
		dnskey = dns_key_dnskey(k, apex);
		ds = ldns_key_rr2ds(dnskey, LDNS_SHA256);
		hex = ldns_rdf2str(ldns_rr_rdf(ds, 3));
		assert_true((size_t)snprintf(want, sizeof(want),
		    "%s,%u,13,2,%s", rows[i].name, (unsigned int)
		    ldns_calc_keytag(dnskey), hex) < sizeof(want));
		if (strcasecmp(out, want) != 0)
			fail_msg("%s: \"%s\", want \"%s\"", rows[i].apex, out,
			    want);
		assert_int_equal(strlen(hex), 64);
		free(hex);
		ldns_rr_free(ds);
		ldns_rr_free(dnskey);
		ldns_rdf_deep_free(apex);
	}
	/* exactly big enough, then one byte short, then none */
	assert_int_equal(dns_key_anchor(k, "d.test", out, sizeof(out), &err),
	    0);
	i = strlen(out) + 1;
	assert_int_equal(dns_key_anchor(k, "d.test", out, i, &err), 0);
	assert_int_equal(dns_key_anchor(k, "d.test", out, i - 1, &err), -1);
	assert_int_equal(err.code, ERR_RANGE);
	assert_int_equal(dns_key_anchor(k, "d.test", out, 0, &err), -1);
	assert_int_equal(err.code, ERR_RANGE);
	assert_int_equal(dns_key_anchor(k, "", out, sizeof(out), &err), -1);
	assert_int_equal(err.code, ERR_SYNTAX);
	assert_int_equal(dns_key_anchor(k, "a..b", out, sizeof(out), &err),
	    -1);
	assert_int_equal(err.code, ERR_SYNTAX);
	dns_key_free(k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dns_zone_queries,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_dns_zone_info,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_dns_zone_case_preserved,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_dns_zone_txt_strings,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_dns_zone_ttl,
		    test_setup, test_teardown),
		cmocka_unit_test(test_dns_zone_add_rr),
		cmocka_unit_test_setup_teardown(test_dns_zone_faults,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_dns_zone_remove_below,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_dns_zone_truncate_fault,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_dns_zone_truncation,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_dns_zone_udp_max,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_dns_zone_garbage,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_dns_zone_long_name,
		    test_setup, test_teardown),
		cmocka_unit_test(test_dns_zone_load),
		cmocka_unit_test_setup_teardown(test_dns_zone_load_origin,
		    test_setup, test_teardown),
		cmocka_unit_test_setup_teardown(test_dns_zone_signed,
		    test_signed_setup, test_signed_teardown),
		cmocka_unit_test_setup_teardown(
		    test_dns_zone_signed_adversarial, test_signed_setup,
		    test_signed_teardown),
		cmocka_unit_test(test_dns_key_anchor),
	};

	return cmocka_run_group_tests_name("dns_zone", tests, NULL, NULL);
}
