/* SPDX-License-Identifier: ISC */
/*
 * test_log.c -- event records: what log_event_* writes, log_record_parse
 * reads back exactly, and hostile lines are rejected, not misread.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../common/log.h"
#include "../../common/str.h"

struct rt_case {
	const char	*label;
	const char	*value;
	const char	*want_text;	/* how the field is written */
};

static const struct rt_case rt_cases[] = {
	{ "plain", "mx1.example.test", " v=mx1.example.test" },
	{ "empty is quoted", "", " v=\"\"" },
	{ "space", "a b", " v=\"a b\"" },
	{ "quote and backslash", "a\"b\\c", " v=\"a\\\"b\\\\c\"" },
	{ "equals", "k=v", " v=\"k=v\"" },
	{ "control bytes", "a\r\nb", " v=\"a\\x0d\\x0ab\"" },
	{ "high byte", "\xff", " v=\"\\xff\"" },
	{ NULL, NULL, NULL },
};

static char	captured[LOG_EVENT_LINE_MAX];

static void
test_log_capture(const char *line, void *arg)
{
	(void)arg;
	(void)str_copy(captured, line, sizeof(captured));
}

static void
test_log_roundtrip(void **state)
{
	const struct rt_case	*tc;
	struct log_event	 ev;
	struct log_record	 rec;

	(void)state;
	log_set_event_hook(test_log_capture, NULL);
	for (tc = rt_cases; tc->label != NULL; tc++) {
		log_event_begin(&ev, "mx", 0xa1, "test");
		log_event_str(&ev, "v", tc->value);
		log_event_uint(&ev, "n", 42);
		log_event_end(&ev);
		if (strstr(captured, tc->want_text) == NULL)
			fail_msg("%s: wrote %s", tc->label, captured);
		if (log_record_parse(captured, &rec) == -1)
			fail_msg("%s: cannot parse %s", tc->label, captured);
		assert_string_equal(rec.component, "mx");
		assert_string_equal(log_record_get(&rec, "session"),
		    "00000000000000a1");
		assert_string_equal(log_record_get(&rec, "event"), "test");
		if (strcmp(log_record_get(&rec, "v"), tc->value) != 0)
			fail_msg("%s: read back \"%s\"", tc->label,
			    log_record_get(&rec, "v"));
		assert_string_equal(log_record_get(&rec, "n"), "42");
		assert_null(log_record_get(&rec, "missing"));
	}
	log_set_event_hook(NULL, NULL);
}

static void
test_log_overflow(void **state)
{
	struct log_event	ev;
	struct log_record	rec;
	char			big[LOG_EVENT_LINE_MAX];
	int			i;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_set_event_hook(test_log_capture, NULL);
	log_event_begin(&ev, "mx", 1, "big");
	log_event_str(&ev, "a", "kept");
	log_event_str(&ev, "b", big);
	for (i = 0; i < 100; i++)
		log_event_str(&ev, "c", "1234567890123456789012345678901234");
	log_event_end(&ev);
	assert_true(strlen(captured) < LOG_EVENT_LINE_MAX);
	assert_int_equal(log_record_parse(captured, &rec), 0);
	assert_string_equal(log_record_get(&rec, "a"), "kept");
	assert_string_equal(log_record_get(&rec, "truncated"), "yes");
	log_set_event_hook(NULL, NULL);
}

struct bad_case {
	const char	*label;
	const char	*line;
};

static const struct bad_case bad_cases[] = {
	{ "empty", "" },
	{ "no equals", "mx session" },
	{ "empty key", "mx =v" },
	{ "unterminated quote", "mx a=\"abc" },
	{ "bad escape", "mx a=\"\\q\"" },
	{ "short hex escape", "mx a=\"\\x4\"" },
	{ "junk after quote", "mx a=\"x\"y" },
	{ "too many fields", "mx a=1 a=1 a=1 a=1 a=1 a=1 a=1 a=1 a=1 a=1 "
	    "a=1 a=1 a=1 a=1 a=1 a=1 a=1 a=1 a=1 a=1 a=1 a=1 a=1 a=1 a=1 "
	    "a=1 a=1 a=1 a=1 a=1 a=1 a=1 a=1" },
	{ NULL, NULL },
};

static void
test_log_parse_rejects(void **state)
{
	const struct bad_case	*tc;
	struct log_record	 rec;
	char			 huge[LOG_EVENT_LINE_MAX + 10];

	(void)state;
	for (tc = bad_cases; tc->label != NULL; tc++)
		if (log_record_parse(tc->line, &rec) != -1)
			fail_msg("%s: accepted \"%s\"", tc->label, tc->line);
	memset(huge, 'a', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	assert_int_equal(log_record_parse(huge, &rec), -1);
	/* a bare component with no fields is a valid record */
	assert_int_equal(log_record_parse("mx", &rec), 0);
}

struct uint_case {
	const char	*s;
	unsigned long	 max;
	int		 want;
	unsigned long	 want_v;
};

static const struct uint_case uint_cases[] = {
	{ "0", 10, 0, 0 },
	{ "10", 10, 0, 10 },
	{ "11", 10, -1, 0 },
	{ "", 10, -1, 0 },
	{ "-1", 10, -1, 0 },
	{ "+1", 10, -1, 0 },
	{ " 1", 10, -1, 0 },
	{ "1 ", 10, -1, 0 },
	{ "1x", 10, -1, 0 },
	{ "99999999999999999999999", (unsigned long)-1, -1, 0 },
	{ NULL, 0, 0, 0 },
};

static void
test_log_parse_uint(void **state)
{
	const struct uint_case	*tc;
	unsigned long		 v;

	(void)state;
	for (tc = uint_cases; tc->s != NULL; tc++) {
		v = 0;
		if (parse_uint(tc->s, tc->max, &v) != tc->want ||
		    (tc->want == 0 && v != tc->want_v))
			fail_msg("parse_uint(\"%s\", %lu)", tc->s, tc->max);
	}
	assert_int_equal(parse_uint(NULL, 1, &v), -1);
}

static void
test_log_str_copy(void **state)
{
	char	buf[4];

	(void)state;
	assert_int_equal(str_copy(buf, "abc", sizeof(buf)), 0);
	assert_string_equal(buf, "abc");
	assert_int_equal(str_copy(buf, "abcd", sizeof(buf)), -1);
	assert_string_equal(buf, "abc");
	assert_int_equal(str_fmt(buf, sizeof(buf), "%d", 1234), -1);
	assert_true(str_has_suffix_ci("MX1.Example.TEST", ".test"));
	assert_false(str_has_suffix_ci("t", ".test"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log_roundtrip),
		cmocka_unit_test(test_log_overflow),
		cmocka_unit_test(test_log_parse_rejects),
		cmocka_unit_test(test_log_parse_uint),
		cmocka_unit_test(test_log_str_copy),
	};

	return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
