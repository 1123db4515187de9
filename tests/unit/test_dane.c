/* SPDX-License-Identifier: ISC */
/*
 * test_dane.c -- the reference sender's DANE decisions (RFC 7672 §2.2,
 * §3.1.3; RFC 8461 §2) as tables: which TLSA records are usable, whether
 * a host's TLSA RRset is looked up, what each DNS outcome makes of the
 * host, and what each of the three DANE mutants changes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "../../suts/reference/sts_decide.h"

struct usable_case {
	const char	*label;
	unsigned int	 usage, selector, mtype;
	size_t		 len;
	bool		 want;
};

static const struct usable_case usable_cases[] = {
	{ "3 1 1, 32 octets", 3, 1, 1, 32, true },
	{ "3 0 1, 32 octets", 3, 0, 1, 32, true },
	{ "3 1 2, 64 octets", 3, 1, 2, 64, true },
	{ "2 0 1, 32 octets", 2, 0, 1, 32, true },
	{ "2 1 2, 64 octets", 2, 1, 2, 64, true },
	{ "3 1 0, a 44-octet Ed25519 SPKI", 3, 1, 0, 44, true },
	{ "3 1 0, 64 octets: the most we keep", 3, 1, 0, 64, true },
	/* RFC 7672 §3.1.3: PKIX-TA(0) and PKIX-EE(1) are unusable */
	{ "0 0 1 PKIX-TA", 0, 0, 1, 32, false },
	{ "1 1 1 PKIX-EE", 1, 1, 1, 32, false },
	{ "4: unknown usage", 4, 1, 1, 32, false },
	{ "255: private usage", 255, 1, 1, 32, false },
	{ "selector 2", 3, 2, 1, 32, false },
	{ "selector 255", 3, 255, 1, 32, false },
	{ "matching type 3", 3, 1, 3, 32, false },
	{ "matching type 255", 3, 1, 255, 32, false },
	/* the data must be what its matching type says */
	{ "SHA2-256, 31 octets", 3, 1, 1, 31, false },
	{ "SHA2-256, 33 octets", 3, 1, 1, 33, false },
	{ "SHA2-256, 64 octets", 3, 1, 1, 64, false },
	{ "SHA2-512, 32 octets", 3, 1, 2, 32, false },
	{ "SHA2-512, 65 octets", 3, 1, 2, 65, false },
	{ "SHA2-256, empty", 3, 1, 1, 0, false },
	{ "Full, empty", 3, 1, 0, 0, false },
	/* oversized: not kept, so not usable (a full certificate) */
	{ "Full, 65 octets", 3, 1, 0, 65, false },
	{ "Full, 1200-octet certificate", 3, 0, 0, 1200, false },
	{ "Full, 65535 octets", 2, 0, 0, 65535, false },
	{ NULL, 0, 0, 0, 0, false },
};

static void
test_dane_usable(void **state)
{
	const struct usable_case	*tc;

	(void)state;
	for (tc = usable_cases; tc->label != NULL; tc++)
		if (sts_decide_tlsa_usable(tc->usage, tc->selector,
		    tc->mtype, tc->len) != tc->want)
			fail_msg("%s: usable %d, want %d", tc->label,
			    (int)!tc->want, (int)tc->want);
}

struct decide_case {
	const char		*label;
	bool			 mx_secure;
	bool			 addr_secure;
	enum sts_dns_result	 res;
	bool			 tlsa_secure;
	size_t			 nusable;
	sts_bugs		 bugs;
	bool			 want_lookup;
	enum sts_decide_dane	 want;
};

#define OK	STS_DNS_OK
#define NODATA	STS_DNS_NODATA
#define NXD	STS_DNS_NXDOMAIN
#define SERVFAIL STS_DNS_ERROR
#define OFF	STS_DANE_OFF
#define REQ	STS_DANE_REQUIRED
#define UNUSABLE STS_DANE_UNUSABLE
#define INSECURE STS_BUG_DANE_INSECURE_TLSA
#define IGNORED	STS_BUG_DANE_IGNORED

static const struct decide_case decide_cases[] = {
	/* RFC 7672 §2.2: all secure, usable records: DANE is mandatory */
	{ "secure, 1 usable", true, true, OK, true, 1, 0, true, REQ },
	{ "secure, 16 usable", true, true, OK, true, 16, 0, true, REQ },
	{ "secure, none usable (0/1 usages only)", true, true, OK, true, 0, 0,
	    true, OFF },
	{ "secure NODATA", true, true, NODATA, true, 0, 0, true, OFF },
	{ "secure NXDOMAIN", true, true, NXD, true, 0, 0, true, OFF },
	{ "insecure NODATA", true, true, NODATA, false, 0, 0, true, OFF },
	{ "insecure TLSA, usable", true, true, OK, false, 3, 0, true, OFF },
	/* §2.2: a failed TLSA lookup of a secure host: the host is out */
	{ "secure host, TLSA SERVFAIL", true, true, SERVFAIL, false, 0, 0,
	    true, UNUSABLE },
	/* §2.2.1, §2.2.2: an insecure MX or address: no TLSA at all */
	{ "insecure MX, secure usable TLSA", false, true, OK, true, 1, 0,
	    false, OFF },
	{ "insecure address, secure usable TLSA", true, false, OK, true, 1,
	    0, false, OFF },
	{ "insecure MX, TLSA SERVFAIL", false, true, SERVFAIL, false, 0, 0,
	    false, OFF },
	{ "insecure address, TLSA SERVFAIL", true, false, SERVFAIL, false,
	    0, 0, false, OFF },
	{ "nothing secure (no signed zone)", false, false, OK, false, 1, 0,
	    false, OFF },
	/* dane-insecure-tlsa: secure or not, the records count */
	{ "insecure-tlsa: nothing secure, usable", false, false, OK, false,
	    1, INSECURE, true, REQ },
	{ "insecure-tlsa: insecure TLSA, usable", true, true, OK, false, 1,
	    INSECURE, true, REQ },
	{ "insecure-tlsa: insecure zone, SERVFAIL", false, false, SERVFAIL,
	    false, 0, INSECURE, true, UNUSABLE },
	{ "insecure-tlsa: none usable", false, false, OK, false, 0, INSECURE,
	    true, OFF },
	{ "insecure-tlsa: NODATA", false, false, NODATA, false, 0, INSECURE,
	    true, OFF },
	/* dane-ignored: never a lookup, never DANE */
	{ "ignored: secure, usable", true, true, OK, true, 1, IGNORED, false,
	    OFF },
	{ "ignored: secure, SERVFAIL", true, true, SERVFAIL, false, 0,
	    IGNORED, false, OFF },
	/* sts-overrides-dane changes nothing here (sts_decide_dane_fallback) */
	{ "overrides-dane: secure, usable", true, true, OK, true, 1,
	    STS_BUG_STS_OVERRIDES_DANE, true, REQ },
	{ "overrides-dane: SERVFAIL", true, true, SERVFAIL, false, 0,
	    STS_BUG_STS_OVERRIDES_DANE, true, UNUSABLE },
	/* other mutants leave DANE alone */
	{ "no-cert-check: secure, usable", true, true, OK, true, 1,
	    STS_BUG_NO_CERT_CHECK, true, REQ },
	{ NULL, false, false, OK, false, 0, 0, false, OFF },
};

static void
test_dane_decide(void **state)
{
	const struct decide_case	*tc;
	enum sts_decide_dane		 got;

	(void)state;
	for (tc = decide_cases; tc->label != NULL; tc++) {
		if (sts_decide_dane_lookup(tc->mx_secure, tc->addr_secure,
		    tc->bugs) != tc->want_lookup)
			fail_msg("%s: lookup %d, want %d", tc->label,
			    (int)!tc->want_lookup, (int)tc->want_lookup);
		got = sts_decide_dane(tc->mx_secure, tc->addr_secure, tc->res,
		    tc->tlsa_secure, tc->nusable, tc->bugs);
		if (got != tc->want)
			fail_msg("%s: %s, want %s", tc->label,
			    sts_decide_dane_str(got),
			    sts_decide_dane_str(tc->want));
	}
}

/* whether DANE could apply before the address is known (sts_send) */
static void
test_dane_early(void **state)
{
	(void)state;
	assert_true(sts_decide_dane_lookup(true, true, 0));
	assert_false(sts_decide_dane_lookup(false, true, 0));
	assert_true(sts_decide_dane_lookup(false, true, INSECURE));
	assert_false(sts_decide_dane_lookup(true, true, IGNORED));
	assert_false(sts_decide_dane_lookup(true, true, IGNORED | INSECURE));
}

struct fallback_case {
	const char	*label;
	sts_bugs	 bugs;
	bool		 want;
};

static const struct fallback_case fallback_cases[] = {
	/* RFC 8461 §2 (R-2-1): MTA-STS never rescues a DANE failure */
	{ "correct", 0, false },
	{ "sts-overrides-dane", STS_BUG_STS_OVERRIDES_DANE, true },
	{ "dane-insecure-tlsa", INSECURE, false },
	{ "dane-ignored", IGNORED, false },
	{ "starttls-fallback", STS_BUG_STARTTLS_FALLBACK, false },
	{ NULL, 0, false },
};

static void
test_dane_fallback(void **state)
{
	const struct fallback_case	*tc;

	(void)state;
	for (tc = fallback_cases; tc->label != NULL; tc++)
		if (sts_decide_dane_fallback(tc->bugs) != tc->want)
			fail_msg("%s: fallback %d", tc->label, (int)!tc->want);
}

/* the three mutants by name, each its reserved bit */
static void
test_dane_bug_names(void **state)
{
	static const struct {
		const char	*name;
		sts_bugs	 flag;
	} rows[] = {
		{ "sts-overrides-dane", STS_BUG(34) },
		{ "dane-insecure-tlsa", STS_BUG(39) },
		{ "dane-ignored", STS_BUG(42) },
	};
	sts_bugs	flag;
	size_t		i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		flag = 0;
		if (sts_decide_bug_parse(rows[i].name, &flag) == -1 ||
		    flag != rows[i].flag)
			fail_msg("%s: flag %#llx", rows[i].name,
			    (unsigned long long)flag);
		assert_string_equal(sts_decide_bug_name(rows[i].flag),
		    rows[i].name);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dane_usable),
		cmocka_unit_test(test_dane_decide),
		cmocka_unit_test(test_dane_early),
		cmocka_unit_test(test_dane_fallback),
		cmocka_unit_test(test_dane_bug_names),
	};

	return cmocka_run_group_tests_name("dane", tests, NULL, NULL);
}
