/* SPDX-License-Identifier: ISC */
/*
 * test_sts_record.c -- the _mta-sts TXT record (RFC 8461 §3.1): strict
 * parsing of one record and the discard-then-count-to-one selection.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <ldns/ldns.h>

#include "../../common/str.h"
#include "../../suts/reference/sts_dns.h"
#include "../../suts/reference/sts_record.h"

#define TEST_LEN_STRLEN	((size_t)-1)

struct parse_case {
	const char	*label;
	const char	*txt;
	size_t		 len;		/* TEST_LEN_STRLEN: strlen(txt) */
	const char	*want_id;	/* NULL: must be rejected */
};

static const struct parse_case parse_cases[] = {
	{ "valid", "v=STSv1; id=20160831085700Z", TEST_LEN_STRLEN,
	    "20160831085700Z" },
	{ "extension field", "v=STSv1; id=1; ext=abc", TEST_LEN_STRLEN, "1" },
	{ "extension first", "v=STSv1; a.b-c_d=x; id=7", TEST_LEN_STRLEN,
	    "7" },
	{ "trailing ';'", "v=STSv1; id=1;", TEST_LEN_STRLEN, "1" },
	{ "trailing '; '", "v=STSv1; id=1; ", TEST_LEN_STRLEN, "1" },
	{ "no space", "v=STSv1;id=1", TEST_LEN_STRLEN, "1" },
	{ "tab as WSP", "v=STSv1;\tid=1", TEST_LEN_STRLEN, "1" },
	{ "WSP before ';' (ABNF ok)", "v=STSv1 ; id=1", TEST_LEN_STRLEN,
	    "1" },
	{ "32-char id", "v=STSv1; id=abcdefghijklmnopqrstuvwxyz012345",
	    TEST_LEN_STRLEN, "abcdefghijklmnopqrstuvwxyz012345" },
	{ "repeated id: first wins", "v=STSv1; id=1; id=2", TEST_LEN_STRLEN,
	    "1" },
	{ "missing id", "v=STSv1;", TEST_LEN_STRLEN, NULL },
	{ "only version", "v=STSv1", TEST_LEN_STRLEN, NULL },
	{ "empty id", "v=STSv1; id=", TEST_LEN_STRLEN, NULL },
	{ "33-char id", "v=STSv1; id=abcdefghijklmnopqrstuvwxyz0123456",
	    TEST_LEN_STRLEN, NULL },
	{ "'_' in id", "v=STSv1; id=abc_def", TEST_LEN_STRLEN, NULL },
	{ "'-' in id", "v=STSv1; id=abc-def", TEST_LEN_STRLEN, NULL },
	{ "lowercase version", "v=stsv1; id=1", TEST_LEN_STRLEN, NULL },
	{ "version not first", "id=1; v=STSv1", TEST_LEN_STRLEN, NULL },
	{ "STSv2", "v=STSv2; id=1", TEST_LEN_STRLEN, NULL },
	{ "bad extension name", "v=STSv1; id=1; =x", TEST_LEN_STRLEN, NULL },
	{ "extension without value", "v=STSv1; id=1; ext=", TEST_LEN_STRLEN,
	    NULL },
	{ "'=' in extension value", "v=STSv1; id=1; a=b=c", TEST_LEN_STRLEN,
	    NULL },
	{ "33-char extension name",
	    "v=STSv1; id=1; abcdefghijklmnopqrstuvwxyz0123456=x",
	    TEST_LEN_STRLEN, NULL },
	{ "empty field", "v=STSv1;; id=1", TEST_LEN_STRLEN, NULL },
	{ "trailing blank, no ';'", "v=STSv1; id=1 ", TEST_LEN_STRLEN, NULL },
	{ "space inside id", "v=STSv1; id=1 2", TEST_LEN_STRLEN, NULL },
	{ "NUL byte", "v=STSv1; id=1\0x", 15, NULL },
	{ "truncated", "v=STS", TEST_LEN_STRLEN, NULL },
	{ "empty", "", TEST_LEN_STRLEN, NULL },
	{ "high byte", "v=STSv1; id=1; e=\xc3\xa9", TEST_LEN_STRLEN, NULL },
	{ NULL, NULL, 0, NULL },
};

static void
test_sts_record_parse(void **state)
{
	const struct parse_case	*tc;
	struct sts_record	 rec;
	struct err		 err;
	size_t			 len;
	int			 rc;

	(void)state;
	for (tc = parse_cases; tc->label != NULL; tc++) {
		len = tc->len == TEST_LEN_STRLEN ? strlen(tc->txt) : tc->len;
		err_clear(&err);
		rc = sts_record_parse(tc->txt, len, &rec, &err);
		if (tc->want_id == NULL) {
			if (rc != -1)
				fail_msg("%s: accepted (id=%s)", tc->label,
				    rec.id);
			if (err.msg[0] == '\0')
				fail_msg("%s: rejected without a reason",
				    tc->label);
			continue;
		}
		if (rc != 0)
			fail_msg("%s: rejected: %s", tc->label, err.msg);
		if (strcmp(rec.id, tc->want_id) != 0)
			fail_msg("%s: id %s, want %s", tc->label, rec.id,
			    tc->want_id);
	}
}

static void
test_sts_record_huge(void **state)
{
	struct sts_record	 rec;
	char			*txt;
	size_t			 n = 65000;

	(void)state;
	/* the ABNF does not bound extension values; must not overflow */
	txt = xmalloc(n + 1);
	memcpy(txt, "v=STSv1; id=9; x=", 17);
	memset(txt + 17, 'a', n - 17);
	txt[n] = '\0';
	assert_int_equal(sts_record_parse(txt, n, &rec, NULL), 0);
	assert_string_equal(rec.id, "9");
	/* an oversized id stays rejected however long */
	memcpy(txt, "v=STSv1; id=", 12);
	memset(txt + 12, '1', n - 12);
	assert_int_equal(sts_record_parse(txt, n, &rec, NULL), -1);
	free(txt);
}

#define SELECT_RR_MAX	4

struct select_case {
	const char		*label;
	const char		*txt[SELECT_RR_MAX];	/* NULL-terminated */
	enum sts_record_status	 want;
	const char		*want_id;
};

static const struct select_case select_cases[] = {
	{ "one record", { "v=STSv1; id=1", NULL }, STS_RECORD_FOUND, "1" },
	{ "unrelated TXT alongside",
	    { "site-verification=abc", "v=STSv1; id=2", NULL },
	    STS_RECORD_FOUND, "2" },
	{ "SPF and STS", { "v=spf1 -all", "v=STSv1; id=3",
	    "google-site-verification=x", NULL }, STS_RECORD_FOUND, "3" },
	{ "two STS records", { "v=STSv1; id=1", "v=STSv1; id=2", NULL },
	    STS_RECORD_MULTIPLE, NULL },
	{ "two identical STS records", { "v=STSv1; id=1", "v=STSv1; id=1",
	    NULL }, STS_RECORD_MULTIPLE, NULL },
	{ "no STS record", { "v=spf1 -all", NULL }, STS_RECORD_NONE, NULL },
	{ "empty answer", { NULL }, STS_RECORD_NONE, NULL },
	{ "lowercase is discarded", { "v=stsv1; id=1", NULL },
	    STS_RECORD_NONE, NULL },
	{ "WSP before ';' is discarded", { "v=STSv1 ; id=1", NULL },
	    STS_RECORD_NONE, NULL },
	{ "version not first is discarded", { "id=1; v=STSv1", NULL },
	    STS_RECORD_NONE, NULL },
	{ "invalid survivor", { "v=STSv1; id=", NULL }, STS_RECORD_INVALID,
	    NULL },
	{ "invalid and valid", { "v=STSv1; id=", "v=STSv1; id=1", NULL },
	    STS_RECORD_MULTIPLE, NULL },
	{ "discarded and invalid", { "v=STSv1 ; id=1", "v=STSv1;", NULL },
	    STS_RECORD_INVALID, NULL },
	{ NULL, { NULL }, STS_RECORD_NONE, NULL },
};

/* select_check - one row, read with flags (0: RFC 8461, else a mutant) */
static void
select_check(const struct select_case *tc, unsigned int flags)
{
	struct sts_record	rec;
	size_t			n, len[SELECT_RR_MAX];
	enum sts_record_status	got;

	for (n = 0; n < SELECT_RR_MAX && tc->txt[n] != NULL; n++)
		len[n] = strlen(tc->txt[n]);
	memset(&rec, 0, sizeof(rec));
	got = flags == 0 ? sts_record_select(tc->txt, len, n, &rec, NULL) :
	    sts_record_select_flags(tc->txt, len, n, flags, &rec, NULL);
	if (got != tc->want)
		fail_msg("%s: got %s, want %s", tc->label,
		    sts_record_status_str(got), sts_record_status_str(tc->want));
	if (tc->want_id != NULL && strcmp(rec.id, tc->want_id) != 0)
		fail_msg("%s: id %s, want %s", tc->label, rec.id, tc->want_id);
}

static void
test_sts_record_select(void **state)
{
	const struct select_case	*tc;

	(void)state;
	for (tc = select_cases; tc->label != NULL; tc++)
		select_check(tc, 0);
}

/* the --bug mutants' ways to select the record (sts_record_select_flags) */
struct select_flag_case {
	unsigned int		flags;		/* STS_RECORD_* */
	struct select_case	c;
};

static const struct select_flag_case select_flag_cases[] = {
	/* first-txt: the first STS record, however many there are */
	{ STS_RECORD_FIRST_STS, { "first-txt: two STS records",
	    { "v=STSv1; id=1", "v=STSv1; id=2", NULL }, STS_RECORD_FOUND,
	    "1" } },
	{ STS_RECORD_FIRST_STS, { "first-txt: SPF, then two STS",
	    { "v=spf1 -all", "v=STSv1; id=7", "v=STSv1; id=8", NULL },
	    STS_RECORD_FOUND, "7" } },
	{ STS_RECORD_FIRST_STS, { "first-txt: invalid first",
	    { "v=STSv1; id=", "v=STSv1; id=1", NULL }, STS_RECORD_INVALID,
	    NULL } },
	{ STS_RECORD_FIRST_STS, { "first-txt: one record", {
	    "v=STSv1; id=1", NULL }, STS_RECORD_FOUND, "1" } },
	{ STS_RECORD_FIRST_STS, { "first-txt: none", { "v=spf1 -all",
	    NULL }, STS_RECORD_NONE, NULL } },
	/* txt-count-all: every TXT RR counts, STS or not */
	{ STS_RECORD_COUNT_ALL, { "txt-count-all: SPF and STS",
	    { "v=spf1 -all", "v=STSv1; id=3", NULL }, STS_RECORD_MULTIPLE,
	    NULL } },
	{ STS_RECORD_COUNT_ALL, { "txt-count-all: one STS record",
	    { "v=STSv1; id=1", NULL }, STS_RECORD_FOUND, "1" } },
	{ STS_RECORD_COUNT_ALL, { "txt-count-all: SPF alone",
	    { "v=spf1 -all", NULL }, STS_RECORD_INVALID, NULL } },
	{ STS_RECORD_COUNT_ALL, { "txt-count-all: empty answer", { NULL },
	    STS_RECORD_NONE, NULL } },
	/* txt-any-order: v=STSv1 may come after the id */
	{ STS_RECORD_ANY_ORDER, { "txt-any-order: id first",
	    { "id=5; v=STSv1", NULL }, STS_RECORD_FOUND, "5" } },
	{ STS_RECORD_ANY_ORDER, { "txt-any-order: in order",
	    { "v=STSv1; id=6", NULL }, STS_RECORD_FOUND, "6" } },
	{ STS_RECORD_ANY_ORDER, { "txt-any-order: SPF is still no record",
	    { "v=spf1 -all", NULL }, STS_RECORD_NONE, NULL } },
	/* txt-lenient: a malformed STS record still counts */
	{ STS_RECORD_LENIENT, { "txt-lenient: no id",
	    { "v=STSv1;", NULL }, STS_RECORD_FOUND, "0" } },
	{ STS_RECORD_LENIENT, { "txt-lenient: id with '_'",
	    { "v=STSv1; id=abc_def", NULL }, STS_RECORD_FOUND, "abc" } },
	{ STS_RECORD_LENIENT, { "txt-lenient: 33-char id cut to 32",
	    { "v=STSv1; id=123456789012345678901234567890123", NULL },
	    STS_RECORD_FOUND, "12345678901234567890123456789012" } },
	{ STS_RECORD_LENIENT, { "txt-lenient: two records still two",
	    { "v=STSv1; id=", "v=STSv1; id=1", NULL }, STS_RECORD_MULTIPLE,
	    NULL } },
	{ STS_RECORD_LENIENT, { "txt-lenient: version not first: none",
	    { "id=1; v=STSv1", NULL }, STS_RECORD_NONE, NULL } },
	{ 0, { NULL, { NULL }, STS_RECORD_NONE, NULL } },
};

static void
test_sts_record_select_flags(void **state)
{
	const struct select_flag_case	*fc;

	(void)state;
	for (fc = select_flag_cases; fc->c.label != NULL; fc++)
		select_check(&fc->c, fc->flags);
}

/* sts_dns_txt_join: one TXT RR's strings, joined (and the mutant's) */
static void
test_sts_record_txt_join(void **state)
{
	static const struct {
		const char	*rr;		/* a zone line */
		unsigned int	 flags;		/* STS_DNS_* */
		const char	*want;
		enum sts_record_status want_st;
	} rows[] = {
		{ "x. 1 TXT \"v=STSv1; id=1\"", 0, "v=STSv1; id=1",
		    STS_RECORD_FOUND },
		{ "x. 1 TXT \"v=STSv1; \" \"id=1\"", 0, "v=STSv1; id=1",
		    STS_RECORD_FOUND },
		{ "x. 1 TXT \"v=STS\" \"v1;\" \" id=\" \"1\"", 0,
		    "v=STSv1; id=1", STS_RECORD_FOUND },
		{ "x. 1 TXT \"v=STSv1;\" \"\" \"id=1\"", 0, "v=STSv1;id=1",
		    STS_RECORD_FOUND },
		/* txt-first-string: only the first string */
		{ "x. 1 TXT \"v=STSv1; \" \"id=1\"",
		    STS_DNS_TXT_FIRST_STRING, "v=STSv1; ", STS_RECORD_INVALID },
		{ "x. 1 TXT \"v=STS\" \"v1; id=1\"",
		    STS_DNS_TXT_FIRST_STRING, "v=STS", STS_RECORD_NONE },
		{ "x. 1 TXT \"v=STSv1; id=1\"", STS_DNS_TXT_FIRST_STRING,
		    "v=STSv1; id=1", STS_RECORD_FOUND },
	};
	ldns_rr			*rr;
	struct sts_record	 rec;
	const char		*txt[1];
	char			*got;
	size_t			 i, len;
	enum sts_record_status	 st;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		rr = NULL;
		if (ldns_rr_new_frm_str(&rr, rows[i].rr, 0, NULL, NULL) !=
		    LDNS_STATUS_OK)
			fail_msg("row %zu: ldns cannot parse %s", i,
			    rows[i].rr);
		got = sts_dns_txt_join(rr, rows[i].flags, &len);
		if (len != strlen(rows[i].want) ||
		    memcmp(got, rows[i].want, len) != 0 || got[len] != '\0')
			fail_msg("row %zu: \"%s\", want \"%s\"", i, got,
			    rows[i].want);
		txt[0] = got;
		st = sts_record_select(txt, &len, 1, &rec, NULL);
		if (st != rows[i].want_st)
			fail_msg("row %zu: %s, want %s", i,
			    sts_record_status_str(st),
			    sts_record_status_str(rows[i].want_st));
		free(got);
		ldns_rr_free(rr);
	}
}

static void
test_sts_record_is_sts(void **state)
{
	(void)state;
	assert_true(sts_record_is_sts("v=STSv1;", 8));
	assert_false(sts_record_is_sts("v=STSv1;", 7));	/* truncated */
	assert_false(sts_record_is_sts("v=STSv1", 7));
	assert_false(sts_record_is_sts("", 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sts_record_parse),
		cmocka_unit_test(test_sts_record_huge),
		cmocka_unit_test(test_sts_record_select),
		cmocka_unit_test(test_sts_record_select_flags),
		cmocka_unit_test(test_sts_record_txt_join),
		cmocka_unit_test(test_sts_record_is_sts),
	};

	return cmocka_run_group_tests_name("sts_record", tests, NULL, NULL);
}
