/* SPDX-License-Identifier: ISC */
/*
 * test_sts_policy.c -- the MTA-STS policy body (RFC 8461 §3.2, errata 6253
 * and 7282) and the text/plain media-type check (§3.3): line endings,
 * bounds, first-wins duplicates, unknown keys, and hostile bodies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../common/str.h"
#include "../../suts/reference/sts_policy.h"

#define TEST_LEN_STRLEN	((size_t)-1)
#define TEST_INVALID	(-1)

#define P_HEAD		"version: STSv1\r\nmode: enforce\r\n"
#define P_AGE		"max_age: 86400\r\n"
#define P_MX		"mx: mx1.example.test\r\n"
#define P1		P_HEAD P_MX P_AGE

struct policy_case {
	const char	*label;
	const char	*body;
	size_t		 len;		/* TEST_LEN_STRLEN: strlen(body) */
	int		 want_mode;	/* enum sts_mode or TEST_INVALID */
	unsigned long	 want_max_age;
	size_t		 want_nmx;
};

static const struct policy_case policy_cases[] = {
	{ "CRLF", P1, TEST_LEN_STRLEN, STS_MODE_ENFORCE, 86400, 1 },
	{ "LF", "version: STSv1\nmode: enforce\nmx: mx1.example.test\n"
	    "max_age: 86400\n", TEST_LEN_STRLEN, STS_MODE_ENFORCE, 86400, 1 },
	{ "no final newline", "version: STSv1\nmode: testing\n"
	    "mx: mx1.example.test\nmax_age: 5", TEST_LEN_STRLEN,
	    STS_MODE_TESTING, 5, 1 },
	{ "mixed LF and CRLF", "version: STSv1\r\nmode: enforce\n"
	    "mx: a.example.test\r\nmx: *.example.test\nmax_age: 1\r\n",
	    TEST_LEN_STRLEN, STS_MODE_ENFORCE, 1, 2 },
	{ "no space after ':'", "version:STSv1\nmode:enforce\n"
	    "mx:mx1.example.test\nmax_age:60\n", TEST_LEN_STRLEN,
	    STS_MODE_ENFORCE, 60, 1 },
	{ "trailing blanks and tab", "version: STSv1 \nmode:\tenforce\t\n"
	    "mx: mx1.example.test  \nmax_age: 60 \n", TEST_LEN_STRLEN,
	    STS_MODE_ENFORCE, 60, 1 },
	{ "blank line (lenient)", "version: STSv1\n\nmode: enforce\n"
	    "mx: mx1.example.test\nmax_age: 60\n\n", TEST_LEN_STRLEN,
	    STS_MODE_ENFORCE, 60, 1 },
	{ "missing mode", "version: STSv1\nmx: mx1.example.test\n"
	    "max_age: 60\n", TEST_LEN_STRLEN, TEST_INVALID, 0, 0 },
	{ "missing version", "mode: enforce\nmx: mx1.example.test\n"
	    "max_age: 60\n", TEST_LEN_STRLEN, TEST_INVALID, 0, 0 },
	{ "missing max_age", P_HEAD P_MX, TEST_LEN_STRLEN, TEST_INVALID, 0,
	    0 },
	{ "version STSv2", "version: STSv2\nmode: enforce\n"
	    "mx: mx1.example.test\nmax_age: 60\n", TEST_LEN_STRLEN,
	    TEST_INVALID, 0, 0 },
	{ "mode ENFORCE (case)", "version: STSv1\nmode: ENFORCE\n"
	    "mx: mx1.example.test\nmax_age: 60\n", TEST_LEN_STRLEN,
	    TEST_INVALID, 0, 0 },
	{ "mode enforced", "version: STSv1\nmode: enforced\n"
	    "mx: mx1.example.test\nmax_age: 60\n", TEST_LEN_STRLEN,
	    TEST_INVALID, 0, 0 },
	{ "key Mode (case) is unknown", "version: STSv1\nMode: enforce\n"
	    "mx: mx1.example.test\nmax_age: 60\n", TEST_LEN_STRLEN,
	    TEST_INVALID, 0, 0 },
	{ "max_age 31557600", P_HEAD P_MX "max_age: 31557600\n",
	    TEST_LEN_STRLEN, STS_MODE_ENFORCE, 31557600, 1 },
	{ "max_age 31557601", P_HEAD P_MX "max_age: 31557601\n",
	    TEST_LEN_STRLEN, TEST_INVALID, 0, 0 },
	{ "max_age 0", P_HEAD P_MX "max_age: 0\n", TEST_LEN_STRLEN,
	    STS_MODE_ENFORCE, 0, 1 },
	{ "max_age 10 digits", P_HEAD P_MX "max_age: 9999999999\n",
	    TEST_LEN_STRLEN, TEST_INVALID, 0, 0 },
	{ "max_age 11 digits", P_HEAD P_MX "max_age: 99999999999\n",
	    TEST_LEN_STRLEN, TEST_INVALID, 0, 0 },
	{ "max_age -1", P_HEAD P_MX "max_age: -1\n", TEST_LEN_STRLEN,
	    TEST_INVALID, 0, 0 },
	{ "max_age 1e3", P_HEAD P_MX "max_age: 1e3\n", TEST_LEN_STRLEN,
	    TEST_INVALID, 0, 0 },
	{ "max_age 0x10", P_HEAD P_MX "max_age: 0x10\n", TEST_LEN_STRLEN,
	    TEST_INVALID, 0, 0 },
	{ "max_age empty", P_HEAD P_MX "max_age:\n", TEST_LEN_STRLEN,
	    TEST_INVALID, 0, 0 },
	{ "duplicate mode: enforce first wins", P1 "mode: none\n",
	    TEST_LEN_STRLEN, STS_MODE_ENFORCE, 86400, 1 },
	{ "duplicate mode: none first wins", "version: STSv1\nmode: none\n"
	    "mode: enforce\nmx: mx1.example.test\nmax_age: 60\n",
	    TEST_LEN_STRLEN, STS_MODE_NONE, 60, 1 },
	{ "duplicate mode: later garbage ignored", P1 "mode: bogus\n",
	    TEST_LEN_STRLEN, STS_MODE_ENFORCE, 86400, 1 },
	{ "duplicate max_age: first wins", P1 "max_age: 5\n",
	    TEST_LEN_STRLEN, STS_MODE_ENFORCE, 86400, 1 },
	{ "unknown keys ignored", P1 "foo: bar\nx-y.z_1: a b c\n",
	    TEST_LEN_STRLEN, STS_MODE_ENFORCE, 86400, 1 },
	{ "extension value with ':'", P1 "contact: https://x.test/a:b\n",
	    TEST_LEN_STRLEN, STS_MODE_ENFORCE, 86400, 1 },
	{ "extension value UTF-8", P1 "note: Gr\xc3\xbc\xc3\x9f" "e\n",
	    TEST_LEN_STRLEN, STS_MODE_ENFORCE, 86400, 1 },
	{ "mode none without mx", "version: STSv1\nmode: none\n"
	    "max_age: 86400\n", TEST_LEN_STRLEN, STS_MODE_NONE, 86400, 0 },
	{ "enforce without mx", P_HEAD P_AGE "nmx: mx1.example.test\n",
	    TEST_LEN_STRLEN, TEST_INVALID, 0, 0 },
	{ "testing without mx", "version: STSv1\nmode: testing\n"
	    "max_age: 60\n", TEST_LEN_STRLEN, TEST_INVALID, 0, 0 },
	{ "IP literal mx kept", P1 "mx: 192.0.2.25\n", TEST_LEN_STRLEN,
	    STS_MODE_ENFORCE, 86400, 2 },
	{ "garbage line", P1 "hello world\n", TEST_LEN_STRLEN, TEST_INVALID,
	    0, 0 },
	{ "HTML page", "<html><body>version: STSv1</body></html>\n",
	    TEST_LEN_STRLEN, TEST_INVALID, 0, 0 },
	{ "key with leading blank", " version: STSv1\nmode: enforce\n"
	    P_MX P_AGE, TEST_LEN_STRLEN, TEST_INVALID, 0, 0 },
	{ "UTF-8 BOM", "\xef\xbb\xbf" P1, TEST_LEN_STRLEN, TEST_INVALID, 0,
	    0 },
	{ "control byte in value", P1 "foo: a\x01z\n", TEST_LEN_STRLEN,
	    TEST_INVALID, 0, 0 },
	{ "bare CR inside a line", "version: STSv1\rmode: enforce\n" P_MX
	    P_AGE, TEST_LEN_STRLEN, TEST_INVALID, 0, 0 },
	{ "NUL byte", "version: STSv1\nmode: enforce\0\nmx: a.test\n"
	    "max_age: 1\n", 52, TEST_INVALID, 0, 0 },
	{ "empty body", "", TEST_LEN_STRLEN, TEST_INVALID, 0, 0 },
	{ "truncated", "version: STSv1\nmode: enf", TEST_LEN_STRLEN,
	    TEST_INVALID, 0, 0 },
	{ "33-char key", P1 "abcdefghijklmnopqrstuvwxyz0123456: x\n",
	    TEST_LEN_STRLEN, TEST_INVALID, 0, 0 },
	{ NULL, NULL, 0, 0, 0, 0 },
};

/* the --bug mutants' ways to read a policy (sts_policy_parse_flags) */
struct policy_flag_case {
	unsigned int		flags;		/* STS_POLICY_* */
	struct policy_case	c;
};

#define P_LF	"version: STSv1\nmode: enforce\nmx: mx1.example.test\n" \
		"max_age: 60\n"

static const struct policy_flag_case policy_flag_cases[] = {
	/* last-key-wins: a repeated single-valued key overrides */
	{ STS_POLICY_LAST_KEY_WINS, { "last-key-wins: mode none wins",
	    P1 "mode: none\r\n", TEST_LEN_STRLEN, STS_MODE_NONE, 86400, 1 } },
	{ STS_POLICY_LAST_KEY_WINS, { "last-key-wins: max_age 5 wins",
	    P1 "max_age: 5\r\n", TEST_LEN_STRLEN, STS_MODE_ENFORCE, 5, 1 } },
	{ STS_POLICY_LAST_KEY_WINS, { "last-key-wins: later garbage",
	    P1 "mode: bogus\r\n", TEST_LEN_STRLEN, TEST_INVALID, 0, 0 } },
	{ STS_POLICY_LAST_KEY_WINS, { "last-key-wins: no repeat", P1,
	    TEST_LEN_STRLEN, STS_MODE_ENFORCE, 86400, 1 } },
	/* crlf-only: a line ending in a bare LF is an error */
	{ STS_POLICY_CRLF_ONLY, { "crlf-only: CRLF", P1, TEST_LEN_STRLEN,
	    STS_MODE_ENFORCE, 86400, 1 } },
	{ STS_POLICY_CRLF_ONLY, { "crlf-only: LF", P_LF, TEST_LEN_STRLEN,
	    TEST_INVALID, 0, 0 } },
	{ STS_POLICY_CRLF_ONLY, { "crlf-only: one LF line", P_HEAD P_MX
	    "max_age: 60\n", TEST_LEN_STRLEN, TEST_INVALID, 0, 0 } },
	{ STS_POLICY_CRLF_ONLY, { "crlf-only: last line unterminated",
	    P_HEAD P_MX "max_age: 60", TEST_LEN_STRLEN, STS_MODE_ENFORCE,
	    60, 1 } },
	/* mode-case-insensitive: "ENFORCE" is enforce */
	{ STS_POLICY_MODE_ANY_CASE, { "mode-case-insensitive: ENFORCE",
	    "version: STSv1\nmode: ENFORCE\nmx: mx1.example.test\n"
	    "max_age: 60\n", TEST_LEN_STRLEN, STS_MODE_ENFORCE, 60, 1 } },
	{ STS_POLICY_MODE_ANY_CASE, { "mode-case-insensitive: Testing",
	    "version: STSv1\nmode: Testing\nmx: mx1.example.test\n"
	    "max_age: 60\n", TEST_LEN_STRLEN, STS_MODE_TESTING, 60, 1 } },
	{ STS_POLICY_MODE_ANY_CASE, { "mode-case-insensitive: enforced",
	    "version: STSv1\nmode: enforced\nmx: mx1.example.test\n"
	    "max_age: 60\n", TEST_LEN_STRLEN, TEST_INVALID, 0, 0 } },
	{ STS_POLICY_MODE_ANY_CASE, { "mode-case-insensitive: STSV1 version",
	    "version: STSV1\nmode: enforce\nmx: mx1.example.test\n"
	    "max_age: 60\n", TEST_LEN_STRLEN, TEST_INVALID, 0, 0 } },
	/* policy-lenient: bad lines skipped, missing fields defaulted */
	{ STS_POLICY_LENIENT, { "policy-lenient: no version",
	    "mode: enforce\r\n" P_MX P_AGE, TEST_LEN_STRLEN, STS_MODE_ENFORCE,
	    86400, 1 } },
	{ STS_POLICY_LENIENT, { "policy-lenient: no mode is enforce",
	    "version: STSv1\r\n" P_MX P_AGE, TEST_LEN_STRLEN,
	    STS_MODE_ENFORCE, 86400, 1 } },
	{ STS_POLICY_LENIENT, { "policy-lenient: bad mode skipped",
	    "version: STSv1\r\nmode: enforced\r\n" P_MX P_AGE,
	    TEST_LEN_STRLEN, STS_MODE_ENFORCE, 86400, 1 } },
	{ STS_POLICY_LENIENT, { "policy-lenient: no max_age is a day",
	    P_HEAD P_MX, TEST_LEN_STRLEN, STS_MODE_ENFORCE, 86400, 1 } },
	{ STS_POLICY_LENIENT, { "policy-lenient: enforce without mx",
	    P_HEAD P_AGE, TEST_LEN_STRLEN, STS_MODE_ENFORCE, 86400, 0 } },
	{ STS_POLICY_LENIENT, { "policy-lenient: HTML around the lines",
	    "<html><pre>\nversion: STSv1\nmode: testing\n"
	    "mx: mx1.example.test\nmax_age: 60\n</pre></html>\n",
	    TEST_LEN_STRLEN, STS_MODE_TESTING, 60, 1 } },
	/* max-age-loose: strtoul's reading, capped at the bound */
	{ STS_POLICY_LOOSE_NUMBER, { "max-age-loose: hex",
	    P_HEAD P_MX "max_age: 0x10\r\n", TEST_LEN_STRLEN,
	    STS_MODE_ENFORCE, 16, 1 } },
	{ STS_POLICY_LOOSE_NUMBER, { "max-age-loose: exponent stops",
	    P_HEAD P_MX "max_age: 1e3\r\n", TEST_LEN_STRLEN,
	    STS_MODE_ENFORCE, 1, 1 } },
	{ STS_POLICY_LOOSE_NUMBER, { "max-age-loose: -1 capped",
	    P_HEAD P_MX "max_age: -1\r\n", TEST_LEN_STRLEN,
	    STS_MODE_ENFORCE, 31557600, 1 } },
	{ STS_POLICY_LOOSE_NUMBER, { "max-age-loose: 11 digits capped",
	    P_HEAD P_MX "max_age: 99999999999\r\n", TEST_LEN_STRLEN,
	    STS_MODE_ENFORCE, 31557600, 1 } },
	/* none-needs-mx: mode none without mx is refused */
	{ STS_POLICY_NONE_NEEDS_MX, { "none-needs-mx: none without mx",
	    "version: STSv1\r\nmode: none\r\n" P_AGE, TEST_LEN_STRLEN,
	    TEST_INVALID, 0, 0 } },
	{ STS_POLICY_NONE_NEEDS_MX, { "none-needs-mx: none with mx",
	    "version: STSv1\r\nmode: none\r\n" P_MX P_AGE, TEST_LEN_STRLEN,
	    STS_MODE_NONE, 86400, 1 } },
	{ 0, { NULL, NULL, 0, 0, 0, 0 } },
};

static void
policy_case_check(const struct policy_case *tc, unsigned int flags,
    struct sts_policy *pol)
{
	struct err	err;
	size_t		len;
	int		rc;

	len = tc->len == TEST_LEN_STRLEN ? strlen(tc->body) : tc->len;
	err_clear(&err);
	rc = sts_policy_parse_flags(tc->body, len, pol, flags, &err);
	if (tc->want_mode == TEST_INVALID) {
		if (rc != -1)
			fail_msg("%s: accepted", tc->label);
		if (err.msg[0] == '\0')
			fail_msg("%s: no reason", tc->label);
		return;
	}
	if (rc != 0)
		fail_msg("%s: rejected: %s", tc->label, err.msg);
	if ((int)pol->mode != tc->want_mode ||
	    pol->max_age != tc->want_max_age ||
	    pol->nmx != tc->want_nmx)
		fail_msg("%s: mode %s max_age %lu nmx %zu", tc->label,
		    sts_policy_mode_str(pol->mode), pol->max_age, pol->nmx);
}

static void
test_sts_policy_parse(void **state)
{
	const struct policy_case	*tc;
	struct sts_policy		*pol;
	struct err			 err;

	(void)state;
	pol = xmalloc(sizeof(*pol));
	for (tc = policy_cases; tc->label != NULL; tc++) {
		policy_case_check(tc, 0, pol);
		/* sts_policy_parse is sts_policy_parse_flags with 0 */
		err_clear(&err);
		if ((sts_policy_parse(tc->body, tc->len == TEST_LEN_STRLEN ?
		    strlen(tc->body) : tc->len, pol, &err) == 0) !=
		    (tc->want_mode != TEST_INVALID))
			fail_msg("%s: sts_policy_parse disagrees", tc->label);
	}
	free(pol);
}

static void
test_sts_policy_mutant_flags(void **state)
{
	const struct policy_flag_case	*fc;
	struct sts_policy		*pol;

	(void)state;
	pol = xmalloc(sizeof(*pol));
	for (fc = policy_flag_cases; fc->c.label != NULL; fc++)
		policy_case_check(&fc->c, fc->flags, pol);
	free(pol);
}

static void
test_sts_policy_mx_values(void **state)
{
	static const char	 body[] = P_HEAD P_AGE
	    "mx: MX1.Example.Test\nmx: *.example.test  \r\nmx: mx*.test\n";
	struct sts_policy	*pol;

	(void)state;
	pol = xmalloc(sizeof(*pol));
	assert_int_equal(sts_policy_parse(body, strlen(body), pol, NULL), 0);
	assert_int_equal(pol->nmx, 3);
	/* kept as written: case and bad patterns are mx_match's business */
	assert_string_equal(pol->mx[0], "MX1.Example.Test");
	assert_string_equal(pol->mx[1], "*.example.test");
	assert_string_equal(pol->mx[2], "mx*.test");
	free(pol);
}

/* test_sts_policy_huge - size bounds: a big line fits, past the cap fails */
static void
test_sts_policy_huge(void **state)
{
	struct sts_policy	*pol;
	char			*body;
	size_t			 hlen = strlen(P1), n;

	(void)state;
	pol = xmalloc(sizeof(*pol));
	body = xmalloc(STS_POLICY_MAX + 16);
	memcpy(body, P1, hlen);

	/* one 10 000-byte unknown line: fine */
	n = hlen;
	memcpy(body + n, "x: ", 3);
	n += 3;
	memset(body + n, 'a', 10000);
	n += 10000;
	body[n++] = '\n';
	assert_int_equal(sts_policy_parse(body, n, pol, NULL), 0);

	/* exactly STS_POLICY_MAX bytes: fine; one more: rejected */
	memset(body + hlen + 3, 'a', STS_POLICY_MAX - hlen - 4);
	body[STS_POLICY_MAX - 1] = '\n';
	assert_int_equal(sts_policy_parse(body, STS_POLICY_MAX, pol, NULL),
	    0);
	body[STS_POLICY_MAX - 1] = 'a';
	body[STS_POLICY_MAX] = '\n';
	assert_int_equal(sts_policy_parse(body, STS_POLICY_MAX + 1, pol,
	    NULL), -1);

	/* an mx value longer than any DNS name */
	n = hlen;
	memcpy(body + n, "mx: ", 4);
	n += 4;
	memset(body + n, 'a', STS_POLICY_MX_LEN_MAX + 1);
	n += STS_POLICY_MX_LEN_MAX + 1;
	assert_int_equal(sts_policy_parse(body, n, pol, NULL), -1);
	free(body);
	free(pol);
}

static void
test_sts_policy_too_many_mx(void **state)
{
	struct sts_policy	*pol;
	char			 body[8192];
	size_t			 n;
	int			 i;

	(void)state;
	pol = xmalloc(sizeof(*pol));
	n = strlen(P_HEAD P_AGE);
	memcpy(body, P_HEAD P_AGE, n);
	for (i = 0; i < STS_POLICY_MX_COUNT_MAX; i++) {
		if (str_fmt(body + n, sizeof(body) - n, "mx: m%d.test\n",
		    i) == -1)
			fail_msg("body buffer too small");
		n += strlen(body + n);
	}
	assert_int_equal(sts_policy_parse(body, n, pol, NULL), 0);
	assert_int_equal(pol->nmx, STS_POLICY_MX_COUNT_MAX);
	memcpy(body + n, "mx: extra.test\n", 15);
	n += 15;
	assert_int_equal(sts_policy_parse(body, n, pol, NULL), -1);
	free(pol);
}

struct ctype_case {
	const char	*label;
	const char	*ctype;
	bool		 want;
};

static const struct ctype_case ctype_cases[] = {
	{ "plain", "text/plain", true },
	{ "charset", "text/plain; charset=utf-8", true },
	{ "extra parameter", "text/plain; charset=utf-8; q=x", true },
	{ "upper case", "TEXT/Plain", true },
	{ "blank before ';'", "text/plain ; charset=utf-8", true },
	{ "leading blank", " text/plain", true },
	{ "html", "text/html", false },
	{ "octet-stream", "application/octet-stream", false },
	{ "prefix only", "text/plainx", false },
	{ "truncated", "text/plai", false },
	{ "empty", "", false },
	{ "absent", NULL, false },
	{ NULL, NULL, false },
};

/* the mutant reject-unknown-keys: the same bodies, unknown keys refused */
static void
test_sts_policy_strict_keys(void **state)
{
	static const struct {
		const char	*body;
		int		 want;
	} rows[] = {
		{ "version: STSv1\nmode: enforce\nmx: a.test\nmax_age: 1\n", 0 },
		{ "version: STSv1\nmode: enforce\nmx: a.test\nmax_age: 1\n"
		    "x-contact: a\n", -1 },
		{ "version: STSv1\nMode: enforce\nmode: none\nmax_age: 1\n",
		    -1 },
		{ "version: STSv1\nmode: none\nmax_age: 1\nmode: enforce\n",
		    0 },	/* a repeat is no unknown key */
	};
	struct sts_policy	*pol = malloc(sizeof(*pol));
	struct err		 err;
	size_t			 i;

	(void)state;
	assert_non_null(pol);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (sts_policy_parse_flags(rows[i].body, strlen(rows[i].body),
		    pol, STS_POLICY_NO_UNKNOWN_KEYS, &err) != rows[i].want)
			fail_msg("row %zu: not %d", i, rows[i].want);
		/* without the flag every one of them parses */
		if (sts_policy_parse(rows[i].body, strlen(rows[i].body), pol,
		    &err) != 0)
			fail_msg("row %zu: %s", i, err.msg);
	}
	free(pol);
}

static void
test_sts_policy_media_type(void **state)
{
	const struct ctype_case	*tc;

	(void)state;
	for (tc = ctype_cases; tc->label != NULL; tc++)
		if (sts_policy_is_media_type_ok(tc->ctype) != tc->want)
			fail_msg("%s: got %d", tc->label, !tc->want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sts_policy_parse),
		cmocka_unit_test(test_sts_policy_mx_values),
		cmocka_unit_test(test_sts_policy_huge),
		cmocka_unit_test(test_sts_policy_too_many_mx),
		cmocka_unit_test(test_sts_policy_media_type),
		cmocka_unit_test(test_sts_policy_strict_keys),
		cmocka_unit_test(test_sts_policy_mutant_flags),
	};

	return cmocka_run_group_tests_name("sts_policy", tests, NULL, NULL);
}
