/* SPDX-License-Identifier: ISC */
/*
 * test_str.c -- str_escape: text an adversary chose becomes one inert line
 * (no newline, no terminal escape), and a cut is always visible.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../common/str.h"

struct esc_case {
	const char	*label;
	const char	*in;
	size_t		 size;
	const char	*want;
};

static const struct esc_case esc_cases[] = {
	{ "plain", "deliver exit status 1", 64, "deliver exit status 1" },
	{ "empty", "", 8, "" },
	{ "newline forging a line", "x\nPASS       y", 64,
	    "x\\x0aPASS       y" },
	{ "CR", "a\rb", 16, "a\\x0db" },
	{ "terminal escape", "\x1b[2J\x1b]0;t\x07", 64,
	    "\\x1b[2J\\x1b]0;t\\x07" },
	{ "DEL and 8-bit CSI", "\x7f\x9b", 16, "\\x7f\\x9b" },
	{ "backslash is doubled", "a\\x41", 16, "a\\\\x41" },
	{ "exact fit", "abcdefg", 8, "abcdefg" },
	{ "cut shows dots", "abcdefgh", 8, "abcd..." },
	{ "cut never splits an escape", "ab\ncdef", 8, "ab..." },
	{ "cut, tiny buffer", "abcdef", 4, "..." },
	{ "cut, buffer of 2", "abcdef", 2, "" },
	{ "size 1", "abc", 1, "" },
	{ NULL, NULL, 0, NULL },
};

static void
test_str_escape(void **state)
{
	const struct esc_case	*tc;
	char			 buf[128];

	(void)state;
	for (tc = esc_cases; tc->label != NULL; tc++) {
		memset(buf, 'Z', sizeof(buf));
		str_escape(buf, tc->size, tc->in);
		if (strcmp(buf, tc->want) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", tc->label, buf,
			    tc->want);
		if (buf[tc->size] != 'Z')
			fail_msg("%s: wrote past size %zu", tc->label,
			    tc->size);
	}
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_str_escape),
	};

	return cmocka_run_group_tests_name("str", tests, NULL, NULL);
}
