/* SPDX-License-Identifier: ISC */
/*
 * test_sts_queue.c -- the reference sender's retry queue: a message kept
 * and found again for its own domain only, oldest first; its bounds (age,
 * retries, size of the queue); and corrupt or hostile records dropped,
 * never retried.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../common/file.h"
#include "../../common/str.h"
#include "../../suts/reference/sts_decide.h"
#include "../../suts/reference/sts_queue.h"

#define T_MSG	"Subject: t\r\nX-STS-Harness-Token: abc\r\n\r\nbody\r\n"

struct test_ctx {
	char	dir[64];
	char	msg[96];
};

static int	test_sts_queue_setup(void **);
static int	test_sts_queue_teardown(void **);
static void	test_sts_queue_put(const char *, const char *, const char *);
static size_t	test_sts_queue_files(const char *);

static int
test_sts_queue_setup(void **state)
{
	struct test_ctx	*ctx = xcalloc(1, sizeof(*ctx));

	if (str_copy(ctx->dir, "/tmp/test_sts_queue.XXXXXX",
	    sizeof(ctx->dir)) == -1 || mkdtemp(ctx->dir) == NULL) {
		free(ctx);
		return -1;
	}
	(void)str_fmt(ctx->msg, sizeof(ctx->msg), "%s/msg.eml", ctx->dir);
	test_sts_queue_put(ctx->msg, "", T_MSG);
	*state = ctx;
	return 0;
}

static int
test_sts_queue_teardown(void **state)
{
	struct test_ctx	*ctx = *state;
	struct dirent	*de;
	DIR		*d;
	char		 path[512], q[256];

	(void)str_fmt(q, sizeof(q), "%s/queue", ctx->dir);
	if ((d = opendir(q)) != NULL) {
		while ((de = readdir(d)) != NULL)
			if (str_fmt(path, sizeof(path), "%s/%s", q,
			    de->d_name) == 0)
				(void)unlink(path);
		closedir(d);
	}
	(void)rmdir(q);
	(void)unlink(ctx->msg);
	(void)rmdir(ctx->dir);
	free(ctx);
	return 0;
}

/* test_sts_queue_put - write path (+ suffix) with exactly data */
static void
test_sts_queue_put(const char *path, const char *suffix, const char *data)
{
	char	p[512];
	int	fd;

	if (str_fmt(p, sizeof(p), "%s%s", path, suffix) == -1)
		fail_msg("path too long");
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd != -1);
	assert_int_equal(write(fd, data, strlen(data)), (ssize_t)strlen(data));
	close(fd);
}

/* test_sts_queue_files - regular files in dir/queue */
static size_t
test_sts_queue_files(const char *dir)
{
	struct dirent	*de;
	DIR		*d;
	char		 q[256];
	size_t		 n = 0;

	(void)str_fmt(q, sizeof(q), "%s/queue", dir);
	if ((d = opendir(q)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* kept for its own domain only, oldest first, the message intact */
static void
test_sts_queue_round_trip(void **state)
{
	struct test_ctx		*ctx = *state;
	struct sts_queue_entry	 e[4];
	struct err		 err;
	char			 path[STS_QUEUE_PATH_MAX], *buf;
	size_t			 n, len;

	err_clear(&err);
	assert_int_equal(sts_queue_add(ctx->dir, "u@a.test", "a.test",
	    ctx->msg, 1000, &err), 0);
	assert_int_equal(sts_queue_add(ctx->dir, "u@b.test", "b.test",
	    ctx->msg, 1001, &err), 0);
	assert_int_equal(sts_queue_add(ctx->dir, "v@a.test", "a.test",
	    ctx->msg, 1002, &err), 0);
	assert_int_equal(sts_queue_due(ctx->dir, "a.test", 1100, e, 4, &n,
	    &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(e[0].rcpt, "u@a.test");
	assert_string_equal(e[1].rcpt, "v@a.test");
	assert_int_equal(e[0].tries, 0);
	assert_int_equal(sts_queue_msg_path(ctx->dir, &e[1], path,
	    sizeof(path)), 0);
	assert_int_equal(file_read(path, 4096, &buf, &len, &err), 0);
	assert_string_equal(buf, T_MSG);
	free(buf);
	/* a bound of one gives the oldest */
	assert_int_equal(sts_queue_due(ctx->dir, "a.test", 1100, e, 1, &n,
	    &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(e[0].rcpt, "u@a.test");
	/* another domain, or one that only ends like it, sees nothing */
	assert_int_equal(sts_queue_due(ctx->dir, "xa.test", 1100, e, 4, &n,
	    &err), 0);
	assert_int_equal(n, 0);
	sts_queue_drop(ctx->dir, &e[0]);
	assert_int_equal(sts_queue_due(ctx->dir, "a.test", 1100, e, 4, &n,
	    &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(test_sts_queue_files(ctx->dir), 4);
	/* a recipient that would forge a record line is refused */
	assert_int_equal(sts_queue_add(ctx->dir, "u@a.test\ntries 0", "a.test",
	    ctx->msg, 1000, &err), -1);
	assert_int_equal(sts_queue_add(ctx->dir, "u@", "", ctx->msg, 1000,
	    &err), -1);
}

/* STS_QUEUE_TRIES_MAX retries, then dropped */
static void
test_sts_queue_tries(void **state)
{
	struct test_ctx		*ctx = *state;
	struct sts_queue_entry	 e;
	struct err		 err;
	size_t			 n, i;

	err_clear(&err);
	assert_int_equal(sts_queue_add(ctx->dir, "u@a.test", "a.test",
	    ctx->msg, 1000, &err), 0);
	for (i = 1; i <= STS_QUEUE_TRIES_MAX; i++) {
		assert_int_equal(sts_queue_due(ctx->dir, "a.test", 1000, &e, 1,
		    &n, &err), 0);
		assert_int_equal(n, 1);
		assert_int_equal(e.tries, i - 1);
		assert_int_equal(sts_queue_tried(ctx->dir, &e, &err),
		    i == STS_QUEUE_TRIES_MAX);
	}
	assert_int_equal(sts_queue_due(ctx->dir, "a.test", 1000, &e, 1, &n,
	    &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(test_sts_queue_files(ctx->dir), 0);
}

/* the age bound, on the sender's clock */
struct age_case {
	const char	*label;
	int64_t		 queued, now;
	size_t		 want;
};

static const struct age_case age_cases[] = {
	{ "just queued", 5000, 5000, 1 },
	{ "one second short of the bound", 5000, 5000 + STS_QUEUE_AGE_MAX - 1,
	    1 },
	{ "at the bound: dropped", 5000, 5000 + STS_QUEUE_AGE_MAX, 0 },
	{ "a day later (a step's clock): dropped", 5000, 5000 + 86400, 0 },
	{ "queued in the future (clock set back): dropped", 5000, 4999, 0 },
	{ NULL, 0, 0, 0 },
};

static void
test_sts_queue_age(void **state)
{
	struct test_ctx		*ctx = *state;
	const struct age_case	*tc;
	struct sts_queue_entry	 e;
	struct err		 err;
	size_t			 n;

	err_clear(&err);
	for (tc = age_cases; tc->label != NULL; tc++) {
		assert_int_equal(sts_queue_add(ctx->dir, "u@a.test", "a.test",
		    ctx->msg, tc->queued, &err), 0);
		assert_int_equal(sts_queue_due(ctx->dir, "a.test", tc->now, &e,
		    1, &n, &err), 0);
		if (n != tc->want)
			fail_msg("%s: %zu due, want %zu", tc->label, n,
			    tc->want);
		if (n > 0)
			sts_queue_drop(ctx->dir, &e);
		if (test_sts_queue_files(ctx->dir) != 0)
			fail_msg("%s: files left", tc->label);
	}
}

/* a full queue drops its oldest message to take a new one */
static void
test_sts_queue_full(void **state)
{
	struct test_ctx		*ctx = *state;
	struct sts_queue_entry	 e[STS_QUEUE_MAX + 1];
	struct err		 err;
	size_t			 n, i;

	err_clear(&err);
	for (i = 0; i <= STS_QUEUE_MAX; i++)
		assert_int_equal(sts_queue_add(ctx->dir, "u@a.test", "a.test",
		    ctx->msg, 1000 + (int64_t)i, &err), 0);
	assert_int_equal(sts_queue_due(ctx->dir, "a.test", 1100, e,
	    STS_QUEUE_MAX + 1, &n, &err), 0);
	assert_int_equal(n, STS_QUEUE_MAX);
	assert_true(e[0].queued_at == 1001);
	assert_true(e[n - 1].queued_at == 1000 + STS_QUEUE_MAX);
	assert_int_equal(test_sts_queue_files(ctx->dir), 2 * STS_QUEUE_MAX);
}

/* hostile or broken records: dropped with their message, never retried */
static const char *const corrupt_metas[] = {
	"",
	"rcpt u@a.test\n",
	"rcpt u@a.test\ndomain a.test\nqueued 1000\n",
	"rcpt u@a.test\ndomain a.test\nqueued 1000\ntries 0",
	"rcpt u@a.test\ndomain a.test\nqueued 1000\ntries 9\n",
	"rcpt u@a.test\ndomain a.test\nqueued -5\ntries 0\n",
	"rcpt u@a.test\ndomain a.test\nqueued 1000x\ntries 0\n",
	"rcpt u@a.test\ndomain a.test\nqueued 1000\ntries 0\nextra 1\n",
	"rcpt u@a.test\ndomain \nqueued 1000\ntries 0\n",
	"rcpt  u@a.test\ndomain a.test\nqueued 1000\ntries 0\n",
	"domain a.test\nrcpt u@a.test\nqueued 1000\ntries 0\n",
	"rcpt u@a.test\ndomain a.test\nqueued 99999999999999999999\n"
	    "tries 0\n",
	NULL,
};

static void
test_sts_queue_corrupt(void **state)
{
	struct test_ctx		*ctx = *state;
	struct sts_queue_entry	 e;
	struct err		 err;
	char			 base[256];
	size_t			 n, i;

	err_clear(&err);
	(void)str_fmt(base, sizeof(base), "%s/queue", ctx->dir);
	(void)mkdir(base, 0700);
	(void)str_fmt(base, sizeof(base), "%s/queue/m.corrupt", ctx->dir);
	for (i = 0; corrupt_metas[i] != NULL; i++) {
		test_sts_queue_put(base, "", T_MSG);
		test_sts_queue_put(base, ".meta", corrupt_metas[i]);
		assert_int_equal(sts_queue_due(ctx->dir, "a.test", 1100, &e, 1,
		    &n, &err), 0);
		if (n != 0 || test_sts_queue_files(ctx->dir) != 0)
			fail_msg("row %zu: %zu due, %zu files left", i, n,
			    test_sts_queue_files(ctx->dir));
	}
	/* the well-formed record of the same shape is taken */
	test_sts_queue_put(base, "", T_MSG);
	test_sts_queue_put(base, ".meta", "rcpt u@a.test\ndomain a.test\n"
	    "queued 1000\ntries 2\n");
	assert_int_equal(sts_queue_due(ctx->dir, "a.test", 1100, &e, 1, &n,
	    &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(e.tries, 2);
	/* the mutant no-retry alone does not queue */
	assert_true(sts_decide_queue_blocked(0));
	assert_false(sts_decide_queue_blocked(STS_BUG_NO_RETRY));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sts_queue_round_trip,
		    test_sts_queue_setup, test_sts_queue_teardown),
		cmocka_unit_test_setup_teardown(test_sts_queue_tries,
		    test_sts_queue_setup, test_sts_queue_teardown),
		cmocka_unit_test_setup_teardown(test_sts_queue_age,
		    test_sts_queue_setup, test_sts_queue_teardown),
		cmocka_unit_test_setup_teardown(test_sts_queue_full,
		    test_sts_queue_setup, test_sts_queue_teardown),
		cmocka_unit_test_setup_teardown(test_sts_queue_corrupt,
		    test_sts_queue_setup, test_sts_queue_teardown),
	};

	return cmocka_run_group_tests_name("sts_queue", tests, NULL, NULL);
}
