/* SPDX-License-Identifier: ISC */
/*
 * test_policy_cache.c -- the on-disk policy cache: file format round trip,
 * corrupt files read as absent, expiry on the adapter's clock offset, and
 * the discovery decisions that use the cache (id change, fetch failure).
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
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../common/str.h"
#include "../../suts/reference/policy_cache.h"
#include "../../suts/reference/sts_decide.h"

#define TEST_DOMAIN	"example.test"
#define TEST_BODY	"version: STSv1\r\nmode: enforce\r\n" \
			"mx: mx1.example.test\r\nmax_age: 100\r\n"

struct test_ctx {
	char	dir[64];
};

static int	test_policy_cache_setup(void **);
static int	test_policy_cache_teardown(void **);
static void	test_policy_cache_rm(const char *);
static void	test_policy_cache_put(const char *, const char *,
		    const char *, size_t);

/* test_policy_cache_rm - remove a directory tree we made (depth <= 2) */
static void
test_policy_cache_rm(const char *path)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	char		 sub[512];

	if (lstat(path, &st) == -1)
		return;
	if (!S_ISDIR(st.st_mode)) {
		(void)unlink(path);
		return;
	}
	if ((d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			if (str_fmt(sub, sizeof(sub), "%s/%s", path,
			    de->d_name) == 0)
				test_policy_cache_rm(sub);
		}
		closedir(d);
	}
	(void)rmdir(path);
}

static int
test_policy_cache_setup(void **state)
{
	struct test_ctx	*ctx = xcalloc(1, sizeof(*ctx));

	if (str_copy(ctx->dir, "/tmp/test_policy_cache.XXXXXX",
	    sizeof(ctx->dir)) == -1 || mkdtemp(ctx->dir) == NULL) {
		free(ctx);
		return -1;
	}
	*state = ctx;
	return 0;
}

static int
test_policy_cache_teardown(void **state)
{
	struct test_ctx	*ctx = *state;

	test_policy_cache_rm(ctx->dir);
	free(ctx);
	return 0;
}

/* test_policy_cache_put - write dir/name with exactly these bytes */
static void
test_policy_cache_put(const char *dir, const char *name, const char *data,
    size_t len)
{
	char	path[512];
	int	fd;

	if (str_fmt(path, sizeof(path), "%s/%s", dir, name) == -1)
		fail_msg("path too long");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd != -1);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void
test_policy_cache_format_roundtrip(void **state)
{
	struct policy_cache_entry	*ent;
	char				*img;
	size_t				 len;

	(void)state;
	ent = xmalloc(sizeof(*ent));
	img = policy_cache_format("20240101", 1700000000, TEST_BODY,
	    strlen(TEST_BODY), &len);
	assert_non_null(img);
	assert_int_equal(len, strlen(img));
	assert_true(str_has_prefix(img,
	    "id=20240101\nfetched_at=1700000000\n\nversion: STSv1\r\n"));
	assert_int_equal(policy_cache_parse(img, len, ent, NULL), 0);
	assert_string_equal(ent->id, "20240101");
	assert_true(ent->fetched_at == 1700000000);
	assert_int_equal(ent->policy.mode, STS_MODE_ENFORCE);
	assert_int_equal(ent->policy.max_age, 100);
	assert_string_equal(ent->policy.mx[0], "mx1.example.test");
	free(img);
	/* an id that is not an id cannot be written */
	assert_null(policy_cache_format("bad id", 1, TEST_BODY,
	    strlen(TEST_BODY), &len));
	assert_null(policy_cache_format("", 1, TEST_BODY, strlen(TEST_BODY),
	    &len));
	assert_null(policy_cache_format("1", -5, TEST_BODY,
	    strlen(TEST_BODY), &len));
	free(ent);
}

struct corrupt_case {
	const char	*label;
	const char	*img;
};

static const struct corrupt_case corrupt_cases[] = {
	{ "empty", "" },
	{ "truncated id line", "id=1" },
	{ "no fetched_at", "id=1\n\n" TEST_BODY },
	{ "empty id", "id=\nfetched_at=1\n\n" TEST_BODY },
	{ "bad id", "id=a_b\nfetched_at=1\n\n" TEST_BODY },
	{ "33-char id", "id=abcdefghijklmnopqrstuvwxyz0123456\nfetched_at=1\n\n"
	    TEST_BODY },
	{ "negative fetched_at", "id=1\nfetched_at=-1\n\n" TEST_BODY },
	{ "bad fetched_at", "id=1\nfetched_at=12x\n\n" TEST_BODY },
	{ "huge fetched_at", "id=1\nfetched_at=99999999999999999999999\n\n"
	    TEST_BODY },
	{ "no blank line", "id=1\nfetched_at=1\n" TEST_BODY },
	{ "truncated body", "id=1\nfetched_at=1\n\nversion: STSv1\n" },
	{ "invalid body", "id=1\nfetched_at=1\n\nmode: enforce\n" },
	{ "lines swapped", "fetched_at=1\nid=1\n\n" TEST_BODY },
	{ "garbage", "\x7f" "ELF\x01\x01" },
	{ NULL, NULL },
};

static void
test_policy_cache_parse_corrupt(void **state)
{
	const struct corrupt_case	*tc;
	struct policy_cache_entry	*ent;
	struct err			 err;

	(void)state;
	ent = xmalloc(sizeof(*ent));
	for (tc = corrupt_cases; tc->label != NULL; tc++) {
		err_clear(&err);
		if (policy_cache_parse(tc->img, strlen(tc->img), ent,
		    &err) != -1)
			fail_msg("%s: accepted", tc->label);
		if (err.msg[0] == '\0')
			fail_msg("%s: no reason", tc->label);
	}
	free(ent);
}

/* the --bug mutants read a cached body with the flags they fetch with */
static void
test_policy_cache_parse_flags(void **state)
{
	static const struct {
		const char	*img;
		unsigned int	 flags;		/* STS_POLICY_* */
		int		 want;		/* enum sts_mode, -1 invalid */
	} rows[] = {
		{ "id=1\nfetched_at=1\n\nversion: STSv1\r\nmode: enforce\r\n"
		    "mx: a.test\r\nmax_age: 9\r\nmode: none\r\n", 0,
		    STS_MODE_ENFORCE },
		{ "id=1\nfetched_at=1\n\nversion: STSv1\r\nmode: enforce\r\n"
		    "mx: a.test\r\nmax_age: 9\r\nmode: none\r\n",
		    STS_POLICY_LAST_KEY_WINS, STS_MODE_NONE },
		{ "id=1\nfetched_at=1\n\nversion: STSv1\nmode: enforce\n"
		    "mx: a.test\nmax_age: 9\n", STS_POLICY_CRLF_ONLY, -1 },
		{ "id=1\nfetched_at=1\n\nversion: STSv1\nmode: ENFORCE\n"
		    "mx: a.test\nmax_age: 9\n", STS_POLICY_MODE_ANY_CASE,
		    STS_MODE_ENFORCE },
		{ "id=1\nfetched_at=1\n\nversion: STSv1\nmode: ENFORCE\n"
		    "mx: a.test\nmax_age: 9\n", 0, -1 },
	};
	struct policy_cache_entry	*ent;
	size_t				 i;
	int				 rc;

	(void)state;
	ent = xmalloc(sizeof(*ent));
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		rc = policy_cache_parse_flags(rows[i].img,
		    strlen(rows[i].img), rows[i].flags, ent, NULL);
		if (rows[i].want == -1 ? rc != -1 :
		    rc != 0 || (int)ent->policy.mode != rows[i].want)
			fail_msg("row %zu: rc %d mode %d", i, rc,
			    (int)ent->policy.mode);
	}
	free(ent);
}

static void
test_policy_cache_store_load(void **state)
{
	struct test_ctx			*ctx = *state;
	struct policy_cache_entry	*ent;
	struct err			 err;

	ent = xmalloc(sizeof(*ent));
	err_clear(&err);
	assert_int_equal(policy_cache_load(ctx->dir, TEST_DOMAIN, ent, &err),
	    -1);
	assert_int_equal(err.code, ERR_NOTFOUND);

	assert_int_equal(policy_cache_store(ctx->dir, TEST_DOMAIN, "1", 1000,
	    TEST_BODY, strlen(TEST_BODY), &err), 0);
	assert_int_equal(policy_cache_load(ctx->dir, TEST_DOMAIN, ent, &err),
	    0);
	assert_string_equal(ent->id, "1");
	assert_true(ent->fetched_at == 1000);

	/* a new id replaces the file in place */
	assert_int_equal(policy_cache_store(ctx->dir, TEST_DOMAIN, "2", 2000,
	    TEST_BODY, strlen(TEST_BODY), &err), 0);
	assert_int_equal(policy_cache_load(ctx->dir, TEST_DOMAIN, ent, &err),
	    0);
	assert_string_equal(ent->id, "2");
	assert_true(ent->fetched_at == 2000);

	/* a corrupt file reads as absent (ERR_SYNTAX), never crashes */
	test_policy_cache_put(ctx->dir, "cache/" TEST_DOMAIN, "id=2\nfetch",
	    11);
	err_clear(&err);
	assert_int_equal(policy_cache_load(ctx->dir, TEST_DOMAIN, ent, &err),
	    -1);
	assert_int_equal(err.code, ERR_SYNTAX);
	free(ent);
}

/*
 * The failed-fetch record (RFC 8461 §3.3, R-3.3-8): recent means the same
 * id failed less than the window ago; another id, a later clock behind
 * the record, a corrupt or missing record: not recent.
 */
struct fail_case {
	const char	*label;
	const char	*mark_id;	/* NULL: nothing marked */
	int64_t		 mark_at;
	const char	*raw;		/* else: this file content instead */
	const char	*ask_id;
	int64_t		 now;
	bool		 want;
};

static const struct fail_case fail_cases[] = {
	{ "nothing marked", NULL, 0, NULL, "1", 1000, false },
	{ "same id, a minute later", "1", 1000, NULL, "1", 1060, true },
	{ "same id, at once", "1", 1000, NULL, "1", 1000, true },
	{ "same id, 299 s later", "1", 1000, NULL, "1", 1299, true },
	{ "same id, five minutes later", "1", 1000, NULL, "1", 1300, false },
	{ "another id", "1", 1000, NULL, "2", 1060, false },
	{ "an id that extends the marked one", "1", 1000, NULL, "12", 1060,
	    false },
	{ "the clock behind the record", "1", 1000, NULL, "1", 900, false },
	{ "corrupt record", NULL, 0, "id=1\nfailed_at=x\n", "1", 1060,
	    false },
	{ "truncated record", NULL, 0, "id=1\nfail", "1", 1060, false },
	{ "empty record", NULL, 0, "", "1", 1060, false },
	{ NULL, NULL, 0, NULL, NULL, 0, false },
};

static void
test_policy_cache_fail_record(void **state)
{
	struct test_ctx		*ctx = *state;
	const struct fail_case	*tc;
	struct err		 err;
	char			 path[512];

	for (tc = fail_cases; tc->label != NULL; tc++) {
		assert_int_equal(str_fmt(path, sizeof(path), "%s/%s", ctx->dir,
		    POLICY_CACHE_FAIL_DIR), 0);
		test_policy_cache_rm(path);
		err_clear(&err);
		if (tc->mark_id != NULL &&
		    policy_cache_fail_mark(ctx->dir, TEST_DOMAIN, tc->mark_id,
		    tc->mark_at, &err) == -1)
			fail_msg("%s: mark: %s", tc->label, err.msg);
		if (tc->raw != NULL && mkdir(path, 0700) == -1)
			fail_msg("%s: mkdir %s", tc->label, path);
		if (tc->raw != NULL)
			test_policy_cache_put(ctx->dir, POLICY_CACHE_FAIL_DIR "/"
			    TEST_DOMAIN, tc->raw, strlen(tc->raw));
		if (policy_cache_fail_recent(ctx->dir, TEST_DOMAIN, tc->ask_id,
		    tc->now, 300) != tc->want)
			fail_msg("%s: want %s", tc->label, tc->want ? "recent" :
			    "not recent");
	}
	/* a bad id or domain is refused, never written */
	assert_int_equal(policy_cache_fail_mark(ctx->dir, TEST_DOMAIN, "a_b",
	    1, &err), -1);
	assert_int_equal(policy_cache_fail_mark(ctx->dir, "../x", "1", 1,
	    &err), -1);
}

/* §3.3 (R-3.3-12): a cached policy a day old is refreshed; the mutant never */
static void
test_policy_cache_refresh(void **state)
{
	(void)state;
	assert_false(sts_decide_refresh(0, 0));
	assert_false(sts_decide_refresh(STS_REFRESH_AFTER_SECS - 1, 0));
	assert_true(sts_decide_refresh(STS_REFRESH_AFTER_SECS, 0));
	assert_true(sts_decide_refresh(7 * 86400, 0));
	assert_false(sts_decide_refresh(7 * 86400, STS_BUG_NO_REFRESH));
}

/*
 * §3.3 (R-3.3-13): a failed refresh alerts the operator unless the cached
 * mode is none; the mutant no-alert never does, and no other mutant bit
 * silences it
 */
static void
test_policy_cache_alert(void **state)
{
	static const struct {
		enum sts_mode	mode;
		sts_bugs	bugs;
		bool		want;
	} rows[] = {
		{ STS_MODE_ENFORCE,	0,			true },
		{ STS_MODE_TESTING,	0,			true },
		{ STS_MODE_NONE,	0,			false },
		{ STS_MODE_ENFORCE,	STS_BUG_NO_ALERT,	false },
		{ STS_MODE_TESTING,	STS_BUG_NO_ALERT,	false },
		{ STS_MODE_NONE,	STS_BUG_NO_ALERT,	false },
		{ STS_MODE_ENFORCE,	STS_BUG_NO_REFRESH,	true },
		{ STS_MODE_ENFORCE,	~STS_BUG_NO_ALERT,	true },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (sts_decide_alert(rows[i].mode, rows[i].bugs) !=
		    rows[i].want)
			fail_msg("row %zu: want %d", i, rows[i].want);
}

struct domain_case {
	const char	*label;
	const char	*domain;
	int		 want;
};

static const struct domain_case domain_cases[] = {
	{ "plain", "a-b.example.test", 0 },
	{ "path traversal", "../etc", -1 },
	{ "slash", "a/b", -1 },
	{ "dot dot inside", "a..b", -1 },
	{ "leading dot", ".hidden", -1 },
	{ "upper case", "Example.test", -1 },
	{ "empty", "", -1 },
	{ NULL, NULL, 0 },
};

static void
test_policy_cache_domain_names(void **state)
{
	struct test_ctx			*ctx = *state;
	const struct domain_case	*tc;

	for (tc = domain_cases; tc->label != NULL; tc++)
		if (policy_cache_store(ctx->dir, tc->domain, "1", 1, TEST_BODY,
		    strlen(TEST_BODY), NULL) != tc->want)
			fail_msg("%s: \"%s\"", tc->label, tc->domain);
}

static void
test_policy_cache_oversized_file(void **state)
{
	struct test_ctx			*ctx = *state;
	struct policy_cache_entry	*ent;
	struct err			 err;
	char				*big;
	size_t				 n = POLICY_CACHE_FILE_MAX + 1;

	ent = xmalloc(sizeof(*ent));
	assert_int_equal(policy_cache_store(ctx->dir, TEST_DOMAIN, "1", 1,
	    TEST_BODY, strlen(TEST_BODY), NULL), 0);
	big = xmalloc(n);
	memset(big, 'a', n);
	test_policy_cache_put(ctx->dir, "cache/" TEST_DOMAIN, big, n);
	err_clear(&err);
	assert_int_equal(policy_cache_load(ctx->dir, TEST_DOMAIN, ent, &err),
	    -1);
	assert_int_not_equal(err.code, ERR_NOTFOUND);
	free(big);
	free(ent);
}

struct clock_case {
	const char	*label;
	const char	*text;
	int		 want_rc;
	int64_t		 want;
};

static const struct clock_case clock_cases[] = {
	{ "plain", "100", 0, 100 },
	{ "newline", "86400\n", 0, 86400 },
	{ "blanks", "  7 \r\n", 0, 7 },
	{ "negative", "-5", 0, -5 },
	{ "zero", "0", 0, 0 },
	{ "empty", "", -1, 0 },
	{ "only minus", "-", -1, 0 },
	{ "letters", "abc", -1, 0 },
	{ "two numbers", "1 2", -1, 0 },
	{ "plus", "+5", -1, 0 },
	{ "huge", "999999999999999999999999", -1, 0 },
	{ NULL, NULL, 0, 0 },
};

static void
test_policy_cache_clock_parse(void **state)
{
	const struct clock_case	*tc;
	int64_t			 v;

	(void)state;
	for (tc = clock_cases; tc->label != NULL; tc++) {
		v = 0;
		if (policy_cache_clock_parse(tc->text, strlen(tc->text),
		    &v) != tc->want_rc)
			fail_msg("%s: rc", tc->label);
		if (tc->want_rc == 0 && v != tc->want)
			fail_msg("%s: got %lld", tc->label, (long long)v);
	}
}

/* test_policy_cache_expiry - max_age counted on the offset clock */
static void
test_policy_cache_expiry(void **state)
{
	struct test_ctx			*ctx = *state;
	struct policy_cache_entry	*ent;
	int64_t				 now, t0;

	ent = xmalloc(sizeof(*ent));
	assert_int_equal(policy_cache_now(ctx->dir, &t0, NULL), 0);
	assert_true(t0 - (int64_t)time(NULL) <= 1);	/* no offset file */
	assert_int_equal(policy_cache_store(ctx->dir, TEST_DOMAIN, "1", t0,
	    TEST_BODY, strlen(TEST_BODY), NULL), 0);
	assert_int_equal(policy_cache_load(ctx->dir, TEST_DOMAIN, ent, NULL),
	    0);
	assert_false(policy_cache_is_expired(ent, t0));
	assert_false(policy_cache_is_expired(ent, t0 + 99));
	assert_true(policy_cache_is_expired(ent, t0 + 100));

	/* the adapter's clock verb: 50 s is not enough, 120 s is */
	test_policy_cache_put(ctx->dir, POLICY_CACHE_CLOCK_FILE, "50\n", 3);
	assert_int_equal(policy_cache_now(ctx->dir, &now, NULL), 0);
	assert_true(now - t0 >= 50 && now - t0 <= 51);
	assert_false(policy_cache_is_expired(ent, now));
	test_policy_cache_put(ctx->dir, POLICY_CACHE_CLOCK_FILE, "120", 3);
	assert_int_equal(policy_cache_now(ctx->dir, &now, NULL), 0);
	assert_true(policy_cache_is_expired(ent, now));

	/* a corrupt offset is reported and the system clock is used */
	test_policy_cache_put(ctx->dir, POLICY_CACHE_CLOCK_FILE, "x", 1);
	assert_int_equal(policy_cache_now(ctx->dir, &now, NULL), -1);
	assert_true(now - t0 <= 1);

	/* max_age 0: expired as soon as it is cached */
	ent->policy.max_age = 0;
	assert_true(policy_cache_is_expired(ent, ent->fetched_at));
	free(ent);
}

struct discovery_case {
	const char		*label;
	const char		*txt_id;
	const char		*cache_id;
	bool			 expired;
	bool			 fetch_ok;	/* if it comes to a fetch */
	enum sts_decide_source	 want;
	sts_bugs		 bugs;		/* STS_BUG_* */
};

static const struct discovery_case discovery_cases[] = {
	{ "first contact, fetch works", "1", NULL, false, true,
	    STS_DECIDE_USE_FETCHED, 0 },
	{ "first contact, fetch fails", "1", NULL, false, false,
	    STS_DECIDE_NO_POLICY, 0 },
	{ "same id, valid cache", "1", "1", false, true,
	    STS_DECIDE_USE_CACHE, 0 },
	{ "same id, expired cache", "1", "1", true, true,
	    STS_DECIDE_USE_FETCHED, 0 },
	{ "same id, expired, fetch fails", "1", "1", true, false,
	    STS_DECIDE_NO_POLICY, 0 },
	{ "id change", "2", "1", false, true, STS_DECIDE_USE_FETCHED, 0 },
	{ "id change, fetch fails: keep cache", "2", "1", false, false,
	    STS_DECIDE_USE_CACHE, 0 },
	{ "lower id is a change too", "20250101", "20250102", false, true,
	    STS_DECIDE_USE_FETCHED, 0 },
	{ "ids are case-sensitive", "abc", "ABC", false, true,
	    STS_DECIDE_USE_FETCHED, 0 },
	{ "TXT gone, valid cache", NULL, "1", false, true,
	    STS_DECIDE_USE_CACHE, 0 },
	{ "TXT gone, expired cache", NULL, "1", true, true,
	    STS_DECIDE_NO_POLICY, 0 },
	{ "no TXT, no cache", NULL, NULL, false, true,
	    STS_DECIDE_NO_POLICY, 0 },
	/* the cache-needs-txt mutant changes exactly the TXT-gone rows */
	{ "mutant: TXT gone, valid cache dropped", NULL, "1", false, true,
	    STS_DECIDE_NO_POLICY, STS_BUG_CACHE_NEEDS_TXT },
	{ "mutant: same id still uses the cache", "1", "1", false, true,
	    STS_DECIDE_USE_CACHE, STS_BUG_CACHE_NEEDS_TXT },
	{ "mutant: fetch failure still keeps the cache", "2", "1", false,
	    false, STS_DECIDE_USE_CACHE, STS_BUG_CACHE_NEEDS_TXT },
	/* fetch-failure-defers withholds only where no policy applies */
	{ "mutant: first contact, fetch fails", "1", NULL, false, false,
	    STS_DECIDE_WITHHOLD, STS_BUG_FETCH_FAILURE_DEFERS },
	{ "mutant: fetch fails, cache kept", "2", "1", false, false,
	    STS_DECIDE_USE_CACHE, STS_BUG_FETCH_FAILURE_DEFERS },
	{ "mutant: no TXT is still no policy", NULL, NULL, false, false,
	    STS_DECIDE_NO_POLICY, STS_BUG_FETCH_FAILURE_DEFERS },
	/* fetch-without-txt fetches where §3.1 says skip the rest */
	{ "mutant: no TXT, no cache: fetched", NULL, NULL, false, true,
	    STS_DECIDE_USE_FETCHED, STS_BUG_FETCH_WITHOUT_TXT },
	{ "mutant: no TXT, fetch fails", NULL, NULL, false, false,
	    STS_DECIDE_NO_POLICY, STS_BUG_FETCH_WITHOUT_TXT },
	{ "mutant: no TXT, valid cache still used", NULL, "1", false, true,
	    STS_DECIDE_USE_CACHE, STS_BUG_FETCH_WITHOUT_TXT },
	{ "mutant: no TXT, expired cache: fetched", NULL, "1", true, true,
	    STS_DECIDE_USE_FETCHED, STS_BUG_FETCH_WITHOUT_TXT },
	{ "mutant: a TXT record changes nothing", "1", "1", false, true,
	    STS_DECIDE_USE_CACHE, STS_BUG_FETCH_WITHOUT_TXT },
	/* newid-failure-drops-cache changes only a failed refetch */
	{ "mutant: new id, fetch fails: cache dropped", "2", "1", false,
	    false, STS_DECIDE_NO_POLICY, STS_BUG_NEWID_FAILURE_DROPS },
	{ "mutant: new id fetched", "2", "1", false, true,
	    STS_DECIDE_USE_FETCHED, STS_BUG_NEWID_FAILURE_DROPS },
	{ "mutant: same id still uses the cache ", "1", "1", false, false,
	    STS_DECIDE_USE_CACHE, STS_BUG_NEWID_FAILURE_DROPS },
	{ "mutant: TXT gone still uses the cache", NULL, "1", false, false,
	    STS_DECIDE_USE_CACHE, STS_BUG_NEWID_FAILURE_DROPS },
	{ NULL, NULL, NULL, false, false, STS_DECIDE_NO_POLICY, 0 },
};

static void
test_policy_cache_discovery(void **state)
{
	const struct discovery_case	*tc;
	enum sts_decide_source		 src;

	(void)state;
	for (tc = discovery_cases; tc->label != NULL; tc++) {
		src = sts_decide_discovery(tc->txt_id, tc->cache_id,
		    tc->expired, tc->bugs);
		if (src == STS_DECIDE_FETCH)
			src = sts_decide_after_fetch(tc->fetch_ok,
			    tc->cache_id, tc->expired, tc->bugs);
		if (src != tc->want)
			fail_msg("%s: got %s, want %s", tc->label,
			    sts_decide_source_str(src),
			    sts_decide_source_str(tc->want));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_cache_format_roundtrip),
		cmocka_unit_test(test_policy_cache_parse_corrupt),
		cmocka_unit_test(test_policy_cache_parse_flags),
		cmocka_unit_test_setup_teardown(test_policy_cache_store_load,
		    test_policy_cache_setup, test_policy_cache_teardown),
		cmocka_unit_test_setup_teardown(test_policy_cache_fail_record,
		    test_policy_cache_setup, test_policy_cache_teardown),
		cmocka_unit_test(test_policy_cache_refresh),
		cmocka_unit_test(test_policy_cache_alert),
		cmocka_unit_test_setup_teardown(
		    test_policy_cache_domain_names, test_policy_cache_setup,
		    test_policy_cache_teardown),
		cmocka_unit_test_setup_teardown(
		    test_policy_cache_oversized_file, test_policy_cache_setup,
		    test_policy_cache_teardown),
		cmocka_unit_test(test_policy_cache_clock_parse),
		cmocka_unit_test_setup_teardown(test_policy_cache_expiry,
		    test_policy_cache_setup, test_policy_cache_teardown),
		cmocka_unit_test(test_policy_cache_discovery),
	};

	return cmocka_run_group_tests_name("policy_cache", tests, NULL, NULL);
}
