/* SPDX-License-Identifier: ISC */
/*
 * test_procs.c -- /proc/PID/stat parsing (a comm may hold spaces, ')' and
 * newlines: only the last ')' ends it), a snapshot of a fake /proc, and
 * liveness by pid and start time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../common/str.h"
#include "../../harness/procs.h"

/* after "pid (comm) state ppid": fields 5..21, then 22, the start time */
#define TAIL	" 5 6 7 8 9 10 11 12 13 14 15 16 -17 18 19 20 21 %s 23 24\n"

struct stat_case {
	const char	*label;
	const char	*comm;		/* as the kernel writes it */
	const char	*state_ppid;	/* "S 1" */
	const char	*start;
	int		 rc;
	const char	*want_comm;
	char		 want_state;
	long		 want_ppid;
	unsigned long long want_start;
};

static const struct stat_case stat_cases[] = {
	{ "plain", "master", "S 1", "4242", 0, "master", 'S', 1, 4242 },
	{ "spaces in comm", "mta sts daemon", "S 1", "7", 0,
	    "mta sts daemon", 'S', 1, 7 },
	{ "parens in comm", "a) S 99 (b", "R 12", "8", 0, "a) S 99 (b", 'R',
	    12, 8 },
	{ "zombie", "sleep", "Z 1", "9", 0, "sleep", 'Z', 1, 9 },
	{ "comm cut to 15", "abcdefghijklmnopqrstuvwxyz", "S 1", "1", 0,
	    "abcdefghijklmno", 'S', 1, 1 },
	{ "newline in comm", "x\ny", "S 1", "3", 0, "x\ny", 'S', 1, 3 },
	{ "empty comm", "", "S 1", "3", 0, "", 'S', 1, 3 },
	{ "start time not a number", "x", "S 1", "abc", -1, NULL, 0, 0, 0 },
	{ "negative ppid", "x", "S -4", "5", -1, NULL, 0, 0, 0 },
	{ "no ppid", "x", "S x", "5", -1, NULL, 0, 0, 0 },
	{ NULL, NULL, NULL, NULL, 0, NULL, 0, 0, 0 },
};

static void
test_procs_stat_parse(void **state)
{
	const struct stat_case	*tc;
	struct procs_stat	 st;
	char			 text[512], tail[128];

	(void)state;
	for (tc = stat_cases; tc->label != NULL; tc++) {
		(void)snprintf(tail, sizeof(tail), TAIL, tc->start);
		(void)snprintf(text, sizeof(text), "123 (%s) %s%s", tc->comm,
		    tc->state_ppid, tail);
		if (procs_stat_parse(text, &st) != tc->rc)
			fail_msg("%s: rc is not %d", tc->label, tc->rc);
		if (tc->rc != 0)
			continue;
		if (strcmp(st.comm, tc->want_comm) != 0 ||
		    st.state != tc->want_state || st.ppid != tc->want_ppid ||
		    st.start != tc->want_start)
			fail_msg("%s: got comm \"%s\" state %c ppid %ld start "
			    "%llu", tc->label, st.comm, st.state, (long)st.ppid,
			    st.start);
	}
	/* truncated and shapeless texts */
	static const char *const bad[] = { "", "123", "123 (x", "123 x) S 1",
	    "123 (x)", "123 (x) ", "123 (x) S", "123 (x) S 1 2 3", ")(" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (procs_stat_parse(bad[i], &st) != -1)
			fail_msg("\"%s\" parsed", bad[i]);
}

/* a fake /proc: pid -> stat text */
static void
fake_proc(const char *dir, long pid, const char *comm, char state, long ppid,
    const char *start)
{
	char	path[256], tail[128];
	FILE	*fp;

	(void)snprintf(path, sizeof(path), "%s/%ld", dir, pid);
	assert_int_equal(mkdir(path, 0700), 0);
	(void)snprintf(path, sizeof(path), "%s/%ld/stat", dir, pid);
	assert_non_null(fp = fopen(path, "w"));
	(void)snprintf(tail, sizeof(tail), TAIL, start);
	fprintf(fp, "%ld (%s) %c %ld%s", pid, comm, state, ppid, tail);
	fclose(fp);
}

static void
test_procs_snapshot(void **state)
{
	char		 dir[] = "/tmp/test_procs.XXXXXX", buf[256];
	struct procs	 p;
	const pid_t	 skip[] = { 1, 50 };

	(void)state;
	assert_non_null(mkdtemp(dir));
	fake_proc(dir, 1, "sts-harness", 'S', 0, "1");
	fake_proc(dir, 50, "dnsmasq", 'S', 1, "2");
	fake_proc(dir, 61, "master", 'S', 1, "3");
	fake_proc(dir, 62, "pickup", 'S', 61, "4");
	fake_proc(dir, 63, "sleep", 'Z', 1, "5");
	fake_proc(dir, 7, "mta-sts-daemon", 'S', 1, "6");
	fake_proc(dir, 8, "evil\x1b[2J", 'S', 1, "7");
	/* orphans only, skipped and zombies left out, sorted */
	procs_snapshot(&p, dir, skip, 2, 1);
	assert_int_equal(p.n, 3);
	assert_int_equal(p.pid[0], 7);
	assert_int_equal(p.pid[1], 8);
	assert_int_equal(p.pid[2], 61);
	procs_format(&p, buf, sizeof(buf));
	assert_string_equal(buf, "7 mta-sts-daemon, 8 evil\\x1b[2J, 61 master");
	assert_true(procs_alive(dir, &p, 2));
	/* the same pid, started again: a different process */
	(void)snprintf(buf, sizeof(buf), "rm -r %s/61", dir);
	assert_int_equal(system(buf), 0);
	fake_proc(dir, 61, "master", 'S', 1, "99");
	assert_false(procs_alive(dir, &p, 2));
	assert_false(procs_alive(dir, &p, 3));	/* out of range */
	/* any parent: the pickup child too */
	procs_snapshot(&p, dir, skip, 2, 0);
	assert_int_equal(p.n, 4);
	/* a buffer too small keeps whole items only */
	procs_format(&p, buf, 20);
	assert_string_equal(buf, "7 mta-sts-daemon");
	memset(&p, 0, sizeof(p));
	procs_format(&p, buf, sizeof(buf));
	assert_string_equal(buf, "none");
	/* a missing /proc is an empty snapshot */
	procs_snapshot(&p, "/nonexistent/proc", NULL, 0, 0);
	assert_int_equal(p.n, 0);
	(void)snprintf(buf, sizeof(buf), "rm -r %s", dir);
	assert_int_equal(system(buf), 0);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_procs_stat_parse),
		cmocka_unit_test(test_procs_snapshot),
	};

	return cmocka_run_group_tests_name("procs", tests, NULL, NULL);
}
