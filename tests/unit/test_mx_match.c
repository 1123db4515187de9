/* SPDX-License-Identifier: ISC */
/*
 * test_mx_match.c -- MX host names against policy mx patterns (RFC 8461
 * §4.1, RFC 6125 §6.4.3), and what an applied policy demands of each
 * candidate under every mode and --bug mutant (sts_decide_rules).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../common/str.h"
#include "../../suts/reference/mx_match.h"
#include "../../suts/reference/sts_decide.h"
#include "../../suts/reference/sts_policy.h"

struct match_case {
	const char	*label;
	const char	*pattern;
	const char	*host;
	bool		 want;
};

static const struct match_case match_cases[] = {
	{ "exact", "mx1.example.test", "mx1.example.test", true },
	{ "case", "MX1.Example.TEST", "mx1.EXAMPLE.test", true },
	{ "trailing dot on host", "mx1.example.test", "mx1.example.test.",
	    true },
	{ "trailing dot on pattern", "mx1.example.test.", "mx1.example.test",
	    true },
	{ "different host", "mx1.example.test", "mx2.example.test", false },
	{ "host is a suffix", "mx1.example.test", "example.test", false },
	{ "host longer", "example.test", "mx.example.test", false },
	{ "suffix appended", "mx1.example.test", "mx1.example.test.evil",
	    false },
	{ "wildcard one label", "*.example.test", "mx1.example.test", true },
	{ "wildcard, case", "*.EXAMPLE.test", "Mx1.example.TEST", true },
	{ "wildcard, trailing dot", "*.example.test", "a.example.test.",
	    true },
	{ "wildcard two labels", "*.example.test", "a.b.example.test",
	    false },
	{ "wildcard parent", "*.example.test", "example.test", false },
	{ "wildcard, no dot before rest", "*.example.test", "aexample.test",
	    false },
	{ "wildcard, empty label", "*.example.test", ".example.test", false },
	{ "'*' alone", "*", "example", false },
	{ "'*' alone vs anything", "*", "mx1.example.test", false },
	{ "'*.'", "*.", "a.", false },
	{ "'*..test'", "*..test", "a..test", false },
	{ "partial wildcard", "mx*.example.test", "mx1.example.test", false },
	{ "partial wildcard suffix", "*mx.example.test", "amx.example.test",
	    false },
	{ "two wildcards", "*.*.example.test", "a.b.example.test", false },
	{ "inner wildcard", "mx.*.test", "mx.example.test", false },
	{ "host with '*'", "*.example.test", "*.example.test", false },
	{ "empty host", "mx1.example.test", "", false },
	{ "empty pattern", "", "mx1.example.test", false },
	{ "dot host", "*.example.test", ".", false },
	{ "IP literal pattern", "192.0.2.25", "mx1.example.test", false },
	{ NULL, NULL, NULL, false },
};

static void
test_mx_match_patterns(void **state)
{
	const struct match_case	*tc;

	(void)state;
	for (tc = match_cases; tc->label != NULL; tc++)
		if (mx_match_is_match(tc->pattern, tc->host, 0) != tc->want)
			fail_msg("%s: \"%s\" vs \"%s\": got %d", tc->label,
			    tc->pattern, tc->host, !tc->want);
}

static void
test_mx_match_policy(void **state)
{
	struct sts_policy	*pol;

	(void)state;
	pol = xcalloc(1, sizeof(*pol));
	pol->mode = STS_MODE_ENFORCE;
	pol->nmx = 3;
	(void)str_copy(pol->mx[0], "192.0.2.25", sizeof(pol->mx[0]));
	(void)str_copy(pol->mx[1], "mx*.example.test", sizeof(pol->mx[1]));
	(void)str_copy(pol->mx[2], "*.example.test", sizeof(pol->mx[2]));
	/* a bad or numeric entry spoils nothing (catalogue S24) */
	assert_int_equal(mx_match_policy(pol, "mx1.example.test", 0), 2);
	assert_int_equal(mx_match_policy(pol, "a.b.example.test", 0), -1);
	assert_int_equal(mx_match_policy(pol, "example.test", 0), -1);
	/* the mutants' readings */
	assert_int_equal(mx_match_policy(pol, "a.b.example.test",
	    MX_MATCH_WILDCARD_SUFFIX), 2);
	assert_int_equal(mx_match_policy(pol, "example.test",
	    MX_MATCH_WILDCARD_SUFFIX), 2);
	assert_int_equal(mx_match_policy(pol, "xexample.test",
	    MX_MATCH_WILDCARD_SUFFIX), -1);
	assert_int_equal(mx_match_policy(pol, "mx1.example.test",
	    MX_MATCH_WILDCARD_LITERAL), -1);
	assert_int_equal(mx_match_policy(pol, "*.example.test",
	    MX_MATCH_WILDCARD_LITERAL), -1);	/* no '*' in a host */
	/* case-sensitive: only a byte-exact name matches */
	assert_true(mx_match_is_match("MX1.example.test", "mx1.example.test",
	    0));
	assert_false(mx_match_is_match("MX1.example.test", "mx1.example.test",
	    MX_MATCH_CASE_SENSITIVE));
	assert_true(mx_match_is_match("mx1.example.test", "mx1.example.test",
	    MX_MATCH_CASE_SENSITIVE));
	assert_false(mx_match_is_match("*.EXAMPLE.test", "mx1.example.test",
	    MX_MATCH_CASE_SENSITIVE));
	pol->nmx = 0;
	assert_int_equal(mx_match_policy(pol, "mx1.example.test", 0), -1);
	free(pol);
}

struct rules_case {
	const char	*label;
	bool		 have_policy;
	enum sts_mode	 mode;
	sts_bugs	 bugs;
	bool		 check_mx, report_mx, require_tls, require_verify;
};

static const struct rules_case rules_cases[] = {
	{ "no policy", false, STS_MODE_ENFORCE, 0,
	    false, false, false, false },
	{ "enforce", true, STS_MODE_ENFORCE, 0, true, true, true, true },
	{ "testing", true, STS_MODE_TESTING, 0, false, true, false, false },
	{ "none", true, STS_MODE_NONE, 0, false, false, false, false },
	{ "enforce, starttls-fallback", true, STS_MODE_ENFORCE,
	    STS_BUG_STARTTLS_FALLBACK, true, true, false, true },
	{ "enforce, no-mx-match", true, STS_MODE_ENFORCE,
	    STS_BUG_NO_MX_MATCH, false, false, true, true },
	{ "enforce, no-cert-check", true, STS_MODE_ENFORCE,
	    STS_BUG_NO_CERT_CHECK, true, true, true, false },
	{ "testing, testing-as-enforce", true, STS_MODE_TESTING,
	    STS_BUG_TESTING_AS_ENFORCE, true, true, true, true },
	{ "enforce, testing-as-enforce", true, STS_MODE_ENFORCE,
	    STS_BUG_TESTING_AS_ENFORCE, true, true, true, true },
	{ "none, testing-as-enforce", true, STS_MODE_NONE,
	    STS_BUG_TESTING_AS_ENFORCE, false, false, false, false },
	/* the certificate check stands for the mx match: none is done */
	{ "enforce, cert-any-policy-name", true, STS_MODE_ENFORCE,
	    STS_BUG_CERT_ANY_POLICY_NAME, false, true, true, true },
	{ "testing, cert-any-policy-name", true, STS_MODE_TESTING,
	    STS_BUG_CERT_ANY_POLICY_NAME, false, true, false, false },
	{ "no policy, every mutant", false, STS_MODE_TESTING,
	    STS_BUG_STARTTLS_FALLBACK | STS_BUG_NO_MX_MATCH |
	    STS_BUG_NO_CERT_CHECK | STS_BUG_TESTING_AS_ENFORCE,
	    false, false, false, false },
	{ NULL, false, STS_MODE_NONE, 0, false, false, false, false },
};

static void
test_mx_match_rules(void **state)
{
	const struct rules_case	*tc;
	struct sts_decide_rules	 r;

	(void)state;
	for (tc = rules_cases; tc->label != NULL; tc++) {
		sts_decide_rules(tc->have_policy, tc->mode, tc->bugs, &r);
		if (r.check_mx != tc->check_mx ||
		    r.report_mx != tc->report_mx ||
		    r.require_tls != tc->require_tls ||
		    r.require_verify != tc->require_verify)
			fail_msg("%s: check %d report %d tls %d verify %d",
			    tc->label, r.check_mx, r.report_mx,
			    r.require_tls, r.require_verify);
	}
}

/* the rules behind tls-abort, wildcard certificates and DNS over TCP */
struct rules2_case {
	const char	*label;
	bool		 have_policy;
	enum sts_mode	 mode;
	sts_bugs	 bugs;
	bool		 plain_after_tls_failure, cert_wildcards, dns_tcp;
};

static const struct rules2_case rules2_cases[] = {
	{ "no policy: opportunistic, may retry in the clear", false,
	    STS_MODE_ENFORCE, 0, true, true, true },
	{ "enforce: never in the clear", true, STS_MODE_ENFORCE, 0, false,
	    true, true },
	{ "testing: opportunistic", true, STS_MODE_TESTING, 0, true, true,
	    true },
	{ "none: opportunistic", true, STS_MODE_NONE, 0, true, true, true },
	{ "enforce, starttls-fallback: in the clear", true,
	    STS_MODE_ENFORCE, STS_BUG_STARTTLS_FALLBACK, true, true, true },
	{ "testing-as-enforce: never in the clear", true, STS_MODE_TESTING,
	    STS_BUG_TESTING_AS_ENFORCE, false, true, true },
	{ "enforce, no-wildcard-cert", true, STS_MODE_ENFORCE,
	    STS_BUG_NO_WILDCARD_CERT, false, false, true },
	{ "no policy, dns-no-tcp", false, STS_MODE_NONE, STS_BUG_DNS_NO_TCP,
	    true, true, false },
	{ NULL, false, STS_MODE_NONE, 0, false, false, false },
};

/* the rules of the certificate checks (RFC 8461 §4.2) and their mutants */
struct rules3_case {
	const char	*label;
	bool		 have_policy;
	enum sts_mode	 mode;
	sts_bugs	 bugs;
	bool		 cn_fallback, policy_names, chain;
	bool		 policy_verify, policy_host;
};

static const struct rules3_case rules3_cases[] = {
	{ "enforce: DNS-ID only, the MX's name, chains", true,
	    STS_MODE_ENFORCE, 0, false, false, true, true, true },
	{ "no policy: the same", false, STS_MODE_NONE, 0, false, false, true,
	    true, true },
	{ "enforce, cn-fallback", true, STS_MODE_ENFORCE, STS_BUG_CN_FALLBACK,
	    true, false, true, true, true },
	{ "enforce, cert-any-policy-name", true, STS_MODE_ENFORCE,
	    STS_BUG_CERT_ANY_POLICY_NAME, false, true, true, true, true },
	{ "testing, cert-any-policy-name: no policy names to check", true,
	    STS_MODE_TESTING, STS_BUG_CERT_ANY_POLICY_NAME, false, false, true,
	    true, true },
	{ "no policy, cert-any-policy-name", false, STS_MODE_ENFORCE,
	    STS_BUG_CERT_ANY_POLICY_NAME, false, false, true, true, true },
	{ "enforce, no-chain", true, STS_MODE_ENFORCE, STS_BUG_NO_CHAIN,
	    false, false, false, true, true },
	{ "policy-no-verify", false, STS_MODE_NONE, STS_BUG_POLICY_NO_VERIFY,
	    false, false, true, false, true },
	{ "policy-no-host-check", false, STS_MODE_NONE,
	    STS_BUG_POLICY_NO_HOST_CHECK, false, false, true, true, false },
	{ NULL, false, STS_MODE_NONE, 0, false, false, false, false, false },
};

static void
test_mx_match_rules3(void **state)
{
	const struct rules3_case	*tc;
	struct sts_decide_rules		 r;

	(void)state;
	for (tc = rules3_cases; tc->label != NULL; tc++) {
		sts_decide_rules(tc->have_policy, tc->mode, tc->bugs, &r);
		if (r.cert_cn_fallback != tc->cn_fallback ||
		    r.cert_policy_names != tc->policy_names ||
		    r.cert_chain != tc->chain ||
		    sts_decide_policy_verify(tc->bugs) != tc->policy_verify ||
		    sts_decide_policy_host_check(tc->bugs) != tc->policy_host)
			fail_msg("%s: cn %d names %d chain %d verify %d host "
			    "%d", tc->label, r.cert_cn_fallback,
			    r.cert_policy_names, r.cert_chain,
			    sts_decide_policy_verify(tc->bugs),
			    sts_decide_policy_host_check(tc->bugs));
	}
}

static void
test_mx_match_rules2(void **state)
{
	const struct rules2_case	*tc;
	struct sts_decide_rules		 r;

	(void)state;
	for (tc = rules2_cases; tc->label != NULL; tc++) {
		sts_decide_rules(tc->have_policy, tc->mode, tc->bugs, &r);
		if (r.plain_after_tls_failure != tc->plain_after_tls_failure ||
		    r.cert_wildcards != tc->cert_wildcards ||
		    sts_decide_dns_tcp(tc->bugs) != tc->dns_tcp)
			fail_msg("%s: cleartext %d wildcards %d tcp %d",
			    tc->label, r.plain_after_tls_failure,
			    r.cert_wildcards, sts_decide_dns_tcp(tc->bugs));
		/* the retry in the clear only where TLS is not required */
		if (r.plain_after_tls_failure && r.require_tls)
			fail_msg("%s: cleartext under require_tls", tc->label);
	}
}

struct bug_case {
	const char	*label;
	const char	*name;
	int		 want_rc;
	sts_bugs	 want_flag;
};

static const struct bug_case bug_cases[] = {
	{ "starttls-fallback", "starttls-fallback", 0,
	    STS_BUG_STARTTLS_FALLBACK },
	{ "no-mx-match", "no-mx-match", 0, STS_BUG_NO_MX_MATCH },
	{ "no-cert-check", "no-cert-check", 0, STS_BUG_NO_CERT_CHECK },
	{ "testing-as-enforce", "testing-as-enforce", 0,
	    STS_BUG_TESTING_AS_ENFORCE },
	{ "cache-needs-txt", "cache-needs-txt", 0, STS_BUG_CACHE_NEEDS_TXT },
	{ "fetch-failure-defers", "fetch-failure-defers", 0,
	    STS_BUG_FETCH_FAILURE_DEFERS },
	{ "no-sni", "no-sni", 0, STS_BUG_NO_SNI },
	{ "wildcard-suffix", "wildcard-suffix", 0, STS_BUG_WILDCARD_SUFFIX },
	{ "wildcard-literal", "wildcard-literal", 0,
	    STS_BUG_WILDCARD_LITERAL },
	{ "fetch-without-txt", "fetch-without-txt", 0,
	    STS_BUG_FETCH_WITHOUT_TXT },
	{ "dns-no-tcp", "dns-no-tcp", 0, STS_BUG_DNS_NO_TCP },
	{ "no-wildcard-cert", "no-wildcard-cert", 0,
	    STS_BUG_NO_WILDCARD_CERT },
	{ "cn-fallback", "cn-fallback", 0, STS_BUG_CN_FALLBACK },
	{ "policy-no-verify", "policy-no-verify", 0,
	    STS_BUG_POLICY_NO_VERIFY },
	{ "policy-no-host-check", "policy-no-host-check", 0,
	    STS_BUG_POLICY_NO_HOST_CHECK },
	{ "cert-any-policy-name", "cert-any-policy-name", 0,
	    STS_BUG_CERT_ANY_POLICY_NAME },
	{ "no-chain", "no-chain", 0, STS_BUG_NO_CHAIN },
	{ "policy-by-mx-host", "policy-by-mx-host", 0,
	    STS_BUG_POLICY_BY_MX_HOST },
	{ "parent-domain-policy", "parent-domain-policy", 0,
	    STS_BUG_PARENT_DOMAIN_POLICY },
	{ "follow-redirects", "follow-redirects", 0,
	    STS_BUG_FOLLOW_REDIRECTS },
	{ "policy-no-sni", "policy-no-sni", 0, STS_BUG_POLICY_NO_SNI },
	{ "policy-legacy-tls", "policy-legacy-tls", 0,
	    STS_BUG_POLICY_LEGACY_TLS },
	{ "fetch-no-timeout", "fetch-no-timeout", 0,
	    STS_BUG_FETCH_NO_TIMEOUT },
	{ "txt-any-order", "txt-any-order", 0, STS_BUG_TXT_ANY_ORDER },
	{ "txt-lenient", "txt-lenient", 0, STS_BUG_TXT_LENIENT },
	{ "policy-lenient", "policy-lenient", 0, STS_BUG_POLICY_LENIENT },
	{ "max-age-loose", "max-age-loose", 0, STS_BUG_MAX_AGE_LOOSE },
	{ "none-needs-mx", "none-needs-mx", 0, STS_BUG_NONE_NEEDS_MX },
	{ "newid-failure-drops-cache", "newid-failure-drops-cache", 0,
	    STS_BUG_NEWID_FAILURE_DROPS },
	{ "cache-ignores-id-change", "cache-ignores-id-change", 0,
	    STS_BUG_CACHE_IGNORES_ID },
	{ "cache-never-expires", "cache-never-expires", 0,
	    STS_BUG_CACHE_NEVER_EXPIRES },
	{ "no-fetch-backoff", "no-fetch-backoff", 0, STS_BUG_NO_FETCH_BACKOFF },
	{ "no-refresh", "no-refresh", 0, STS_BUG_NO_REFRESH },
	{ "mx-cert-case-sensitive", "mx-cert-case-sensitive", 0,
	    STS_BUG_CERT_CASE_SENSITIVE },
	{ "http-conditional", "http-conditional", 0,
	    STS_BUG_HTTP_CONDITIONAL },
	{ "relay-recipient-policy", "relay-recipient-policy", 0,
	    STS_BUG_RELAY_RECIPIENT_POLICY },
	{ "relay-recipient-policy's prefix", "relay", -1, 0 },
	{ "relay-recipient-policy with a space", "relay-recipient-policy ",
	    -1, 0 },
	{ "http-conditional's prefix", "http", -1, 0 },
	{ "unknown", "no-such-bug", -1, 0 },
	{ "the MX-host mutant's prefix", "policy-by-mx", -1, 0 },
	{ "case matters", "No-Mx-Match", -1, 0 },
	{ "prefix", "no-mx", -1, 0 },
	{ "empty", "", -1, 0 },
	{ NULL, NULL, 0, 0 },
};

static void
test_mx_match_bug_names(void **state)
{
	const struct bug_case	*tc;
	sts_bugs		 flag;

	(void)state;
	for (tc = bug_cases; tc->label != NULL; tc++) {
		flag = 0;
		if (sts_decide_bug_parse(tc->name, &flag) != tc->want_rc)
			fail_msg("%s: rc", tc->label);
		if (flag != tc->want_flag)
			fail_msg("%s: flag %#x", tc->label, flag);
		if (tc->want_rc == 0)
			assert_string_equal(sts_decide_bug_name(flag),
			    tc->name);
	}
}

/*
 * RFC 8461 §3.4: the policy domain is the recipient's domain, or the smart
 * host's when relaying; only the three mutants key it by MX host, fall back
 * to the parent or take the recipient's behind a smart host, each alone
 */
struct domain_case {
	const char	*label;
	sts_bugs	 bugs;
	bool		 by_mx;
	bool		 parent;
	bool		 relay_rcpt;
};

static const struct domain_case domain_cases[] = {
	{ "correct", 0, false, false, false },
	{ "policy-by-mx-host", STS_BUG_POLICY_BY_MX_HOST, true, false, false },
	{ "parent-domain-policy", STS_BUG_PARENT_DOMAIN_POLICY, false, true,
	    false },
	{ "relay-recipient-policy", STS_BUG_RELAY_RECIPIENT_POLICY, false,
	    false, true },
	{ "every other mutant", ~(STS_BUG_POLICY_BY_MX_HOST |
	    STS_BUG_PARENT_DOMAIN_POLICY | STS_BUG_RELAY_RECIPIENT_POLICY),
	    false, false, false },
	{ NULL, 0, false, false, false },
};

static void
test_mx_match_policy_domain(void **state)
{
	const struct domain_case	*tc;

	(void)state;
	for (tc = domain_cases; tc->label != NULL; tc++)
		if (sts_decide_policy_by_mx(tc->bugs) != tc->by_mx ||
		    sts_decide_parent_fallback(tc->bugs) != tc->parent ||
		    sts_decide_relay_recipient_policy(tc->bugs) !=
		    tc->relay_rcpt)
			fail_msg("%s: by mx %d, parent %d, relay recipient %d",
			    tc->label, sts_decide_policy_by_mx(tc->bugs),
			    sts_decide_parent_fallback(tc->bugs),
			    sts_decide_relay_recipient_policy(tc->bugs));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mx_match_patterns),
		cmocka_unit_test(test_mx_match_policy),
		cmocka_unit_test(test_mx_match_rules),
		cmocka_unit_test(test_mx_match_rules2),
		cmocka_unit_test(test_mx_match_rules3),
		cmocka_unit_test(test_mx_match_policy_domain),
		cmocka_unit_test(test_mx_match_bug_names),
	};

	return cmocka_run_group_tests_name("mx_match", tests, NULL, NULL);
}
