/* SPDX-License-Identifier: ISC */
/*
 * policy_cache.c -- one file per policy domain in STATE_DIR/cache/: the
 * policy id, the fetch time on the harness clock and the raw policy body,
 * written through a temp file and rename(2) so a concurrent reader sees
 * the old or the new file, never half of one. A corrupt file reads as
 * absent. Also reads the adapter's clock offset.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../common/file.h"
#include "../../common/str.h"
#include "policy_cache.h"

static bool	policy_cache_is_id(const char *, size_t);
static int	policy_cache_file(const char *, const char *, char *, size_t,
		    struct err *);
static int	policy_cache_write_all(int, const char *, size_t);
static int	policy_cache_file_in(const char *, const char *, const char *,
		    char *, size_t, struct err *);
static int	policy_cache_put(const char *, const char *, const char *,
		    const char *, size_t, struct err *);
static const char *policy_cache_line(const char *, const char *,
		    const char *, size_t *);

#define POLICY_CACHE_PATH_MAX	PATH_MAX

static bool
policy_cache_is_id(const char *id, size_t len)
{
	size_t	i;

	if (len == 0 || len > STS_RECORD_ID_MAX)
		return false;
	for (i = 0; i < len; i++) {
		char c = id[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9')))
			return false;
	}
	return true;
}

/*
 * policy_cache_file - STATE_DIR/cache/<domain>. The domain becomes a file
 * name, so only lower-case LDH labels are accepted: no '/', no "..".
 */
static int
policy_cache_file(const char *state_dir, const char *domain, char *path,
    size_t size, struct err *err)
{
	return policy_cache_file_in(state_dir, POLICY_CACHE_DIR, domain, path,
	    size, err);
}

/* policy_cache_file_in - STATE_DIR/<sub>/<domain>, the domain checked */
static int
policy_cache_file_in(const char *state_dir, const char *sub,
    const char *domain, char *path, size_t size, struct err *err)
{
	size_t		 i, n = strlen(domain);

	if (n == 0 || n > DNS_NAME_MAX || domain[0] == '.' ||
	    strstr(domain, "..") != NULL)
		return err_set(err, ERR_SYNTAX, "cache: bad domain \"%s\"",
		    domain);
	for (i = 0; i < n; i++) {
		char c = domain[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.'))
			return err_set(err, ERR_SYNTAX,
			    "cache: bad domain \"%s\"", domain);
	}
	if (str_fmt(path, size, "%s/%s/%s", state_dir, sub, domain) == -1)
		return err_set(err, ERR_RANGE, "cache: path too long");
	return 0;
}

/* policy_cache_line - match "key=" at p, return the value end (at LF) */
static const char *
policy_cache_line(const char *p, const char *end, const char *key,
    size_t *vlen)
{
	size_t		 klen = strlen(key);
	const char	*nl;

	if ((size_t)(end - p) < klen || memcmp(p, key, klen) != 0)
		return NULL;
	nl = memchr(p + klen, '\n', (size_t)(end - p - (ptrdiff_t)klen));
	if (nl == NULL)
		return NULL;
	*vlen = (size_t)(nl - (p + klen));
	return nl;
}

char *
policy_cache_format(const char *id, int64_t fetched_at, const char *body,
    size_t len, size_t *outlen)
{
	char	hdr[POLICY_CACHE_HEADER_MAX];
	char	*buf;
	size_t	hlen;

	if (!policy_cache_is_id(id, strlen(id)) || fetched_at < 0)
		return NULL;
	if (str_fmt(hdr, sizeof(hdr), "id=%s\nfetched_at=%" PRId64 "\n\n",
	    id, fetched_at) == -1)
		return NULL;
	hlen = strlen(hdr);
	buf = xmalloc(hlen + len + 1);
	memcpy(buf, hdr, hlen);
	memcpy(buf + hlen, body, len);
	buf[hlen + len] = '\0';
	*outlen = hlen + len;
	return buf;
}

int
policy_cache_parse(const char *buf, size_t len,
    struct policy_cache_entry *ent, struct err *err)
{
	return policy_cache_parse_flags(buf, len, 0, ent, err);
}

int
policy_cache_parse_flags(const char *buf, size_t len,
    unsigned int policy_flags, struct policy_cache_entry *ent,
    struct err *err)
{
	const char	*p = buf, *end = buf + len, *nl;
	char		 num[24];
	size_t		 vlen;
	unsigned long	 at;

	memset(ent, 0, sizeof(*ent));
	if ((nl = policy_cache_line(p, end, "id=", &vlen)) == NULL ||
	    !policy_cache_is_id(p + 3, vlen))
		return err_set(err, ERR_SYNTAX, "cache: bad id line");
	memcpy(ent->id, p + 3, vlen);
	ent->id[vlen] = '\0';
	p = nl + 1;
	if ((nl = policy_cache_line(p, end, "fetched_at=", &vlen)) == NULL ||
	    vlen == 0 || vlen >= sizeof(num))
		return err_set(err, ERR_SYNTAX, "cache: bad fetched_at line");
	memcpy(num, p + 11, vlen);
	num[vlen] = '\0';
	if (parse_uint(num, (unsigned long)INT64_MAX, &at) == -1)
		return err_set(err, ERR_SYNTAX, "cache: bad fetched_at \"%s\"",
		    num);
	ent->fetched_at = (int64_t)at;
	p = nl + 1;
	if (p >= end || *p != '\n')
		return err_set(err, ERR_SYNTAX, "cache: no blank line");
	p++;
	if (sts_policy_parse_flags(p, (size_t)(end - p), &ent->policy,
	    policy_flags, err) == -1) {
		err_prefix(err, "cache");
		return -1;
	}
	return 0;
}

int
policy_cache_load(const char *state_dir, const char *domain,
    struct policy_cache_entry *ent, struct err *err)
{
	return policy_cache_load_flags(state_dir, domain, 0, ent, err);
}

int
policy_cache_load_flags(const char *state_dir, const char *domain,
    unsigned int policy_flags, struct policy_cache_entry *ent,
    struct err *err)
{
	char	 path[POLICY_CACHE_PATH_MAX];
	char	*buf;
	size_t	 len;
	int	 rc;

	if (policy_cache_file(state_dir, domain, path, sizeof(path),
	    err) == -1)
		return -1;
	if (file_read(path, POLICY_CACHE_FILE_MAX, &buf, &len,
	    err) == -1)
		return -1;
	rc = policy_cache_parse_flags(buf, len, policy_flags, ent, err);
	free(buf);
	if (rc == -1) {
		err_prefix(err, "%s", path);
		if (err != NULL)
			err->code = ERR_SYNTAX;
	}
	return rc;
}

static int
policy_cache_write_all(int fd, const char *p, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* policy_cache_store - mkdir cache/, write a temp file, rename over */
int
policy_cache_store(const char *state_dir, const char *domain, const char *id,
    int64_t fetched_at, const char *body, size_t len, struct err *err)
{
	char	*img;
	size_t	 ilen;
	int	 rc;

	if ((img = policy_cache_format(id, fetched_at, body, len,
	    &ilen)) == NULL)
		return err_set(err, ERR_SYNTAX, "cache: bad id \"%s\"", id);
	rc = policy_cache_put(state_dir, POLICY_CACHE_DIR, domain, img, ilen,
	    err);
	free(img);
	return rc;
}

/*
 * policy_cache_put - write STATE_DIR/<sub>/<domain> atomically (a
 * temporary file renamed over it), making the directories
 */
static int
policy_cache_put(const char *state_dir, const char *sub, const char *domain,
    const char *img, size_t ilen, struct err *err)
{
	char	 path[POLICY_CACHE_PATH_MAX], tmp[POLICY_CACHE_PATH_MAX];
	char	 dir[POLICY_CACHE_PATH_MAX];
	int	 fd = -1;
	bool	 made_tmp = false;

	if (policy_cache_file_in(state_dir, sub, domain, path, sizeof(path),
	    err) == -1)
		return -1;
	if (str_fmt(dir, sizeof(dir), "%s/%s", state_dir, sub) == -1 ||
	    str_fmt(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, domain) == -1)
		return err_set(err, ERR_RANGE, "cache: path too long");
	if (mkdir(state_dir, 0700) == -1 && errno != EEXIST) {
		(void)err_sys(err, "mkdir %s", state_dir);
		goto fail;
	}
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		(void)err_sys(err, "mkdir %s", dir);
		goto fail;
	}
	if ((fd = mkstemp(tmp)) == -1) {
		(void)err_sys(err, "mkstemp %s", tmp);
		goto fail;
	}
	made_tmp = true;
	if (policy_cache_write_all(fd, img, ilen) == -1) {
		(void)err_sys(err, "write %s", tmp);
		goto fail;
	}
	if (close(fd) == -1) {
		fd = -1;
		(void)err_sys(err, "close %s", tmp);
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1) {
		(void)err_sys(err, "rename %s", path);
		goto fail;
	}
	return 0;
fail:
	if (fd != -1)
		close(fd);
	if (made_tmp)
		(void)unlink(tmp);
	return -1;
}

/*
 * policy_cache_fail_mark - remember that fetching the policy of domain
 * under TXT id failed at time at (RFC 8461 §3.3: do not retry within
 * five minutes for the same id)
 */
int
policy_cache_fail_mark(const char *state_dir, const char *domain,
    const char *id, int64_t at, struct err *err)
{
	char	img[POLICY_CACHE_HEADER_MAX];
	int	n;

	if (!policy_cache_is_id(id, strlen(id)))
		return err_set(err, ERR_SYNTAX, "cache: bad id \"%s\"", id);
	n = snprintf(img, sizeof(img), "id=%s\nfailed_at=%" PRId64 "\n", id,
	    at);
	if (n < 0 || (size_t)n >= sizeof(img))
		return err_set(err, ERR_RANGE, "cache: record too long");
	return policy_cache_put(state_dir, POLICY_CACHE_FAIL_DIR, domain, img,
	    (size_t)n, err);
}

/*
 * policy_cache_fail_recent - a fetch for domain under TXT id failed less
 * than window seconds before now (a missing or unreadable record: no)
 */
bool
policy_cache_fail_recent(const char *state_dir, const char *domain,
    const char *id, int64_t now, int64_t window)
{
	char		 path[POLICY_CACHE_PATH_MAX], want[64];
	char		*buf, *at;
	size_t		 len;
	int64_t		 t;
	bool		 recent = false;

	if (policy_cache_file_in(state_dir, POLICY_CACHE_FAIL_DIR, domain,
	    path, sizeof(path), NULL) == -1 ||
	    file_read(path, POLICY_CACHE_HEADER_MAX, &buf, &len, NULL) == -1)
		return false;
	if (str_fmt(want, sizeof(want), "id=%s\nfailed_at=", id) == 0 &&
	    len > strlen(want) && memcmp(buf, want, strlen(want)) == 0) {
		at = buf + strlen(want);
		buf[len - 1] = '\0';		/* the final LF */
		if (policy_cache_clock_parse(at, strlen(at), &t) == 0)
			recent = t <= now && now - t < window;
	}
	free(buf);
	return recent;
}

bool
policy_cache_is_expired(const struct policy_cache_entry *ent, int64_t now)
{
	/* RFC 8461 §3.2: cached at most max_age seconds from the fetch */
	return now - ent->fetched_at >= (int64_t)ent->policy.max_age;
}

int
policy_cache_clock_parse(const char *buf, size_t len, int64_t *out)
{
	char		 num[POLICY_CACHE_CLOCK_MAX + 1];
	size_t		 i = 0, n;
	bool		 neg = false;
	unsigned long	 v;

	while (i < len && (buf[i] == ' ' || buf[i] == '\t'))
		i++;
	while (len > i && (buf[len - 1] == '\n' || buf[len - 1] == '\r' ||
	    buf[len - 1] == ' ' || buf[len - 1] == '\t'))
		len--;
	if (i < len && buf[i] == '-') {
		neg = true;
		i++;
	}
	n = len - i;
	if (n == 0 || n > POLICY_CACHE_CLOCK_MAX)
		return -1;
	memcpy(num, buf + i, n);
	num[n] = '\0';
	/* a bound far below INT64_MAX keeps now + offset from overflowing */
	if (parse_uint(num, (unsigned long)INT32_MAX * 64, &v) == -1)
		return -1;
	*out = neg ? -(int64_t)v : (int64_t)v;
	return 0;
}

int
policy_cache_now(const char *state_dir, int64_t *now, struct err *err)
{
	char		 path[POLICY_CACHE_PATH_MAX];
	char		*buf;
	size_t		 len;
	int64_t		 off;
	struct err	 rerr;

	*now = (int64_t)time(NULL);
	if (state_dir == NULL)
		return 0;
	if (str_fmt(path, sizeof(path), "%s/%s", state_dir,
	    POLICY_CACHE_CLOCK_FILE) == -1)
		return err_set(err, ERR_RANGE, "clock: path too long");
	err_clear(&rerr);
	if (file_read(path, POLICY_CACHE_CLOCK_MAX, &buf, &len,
	    &rerr) == -1) {
		if (rerr.code == ERR_NOTFOUND)
			return 0;
		return err_set(err, rerr.code, "%s", rerr.msg);
	}
	if (policy_cache_clock_parse(buf, len, &off) == -1) {
		free(buf);
		return err_set(err, ERR_SYNTAX, "%s: not an integer", path);
	}
	free(buf);
	*now += off;
	return 0;
}

int
policy_cache_forget(const char *state_dir, struct err *err)
{
	char		 dir[POLICY_CACHE_PATH_MAX];
	struct dirent	*de;
	DIR		*d;
	int		 rc = 0;

	if (str_fmt(dir, sizeof(dir), "%s/%s", state_dir,
	    POLICY_CACHE_DIR) == -1)
		return err_set(err, ERR_RANGE, "cache: path too long");
	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : err_sys(err, "opendir %s", dir);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' &&
		    unlinkat(dirfd(d), de->d_name, 0) == -1)
			rc = err_sys(err, "unlink %s/%s", dir, de->d_name);
	closedir(d);
	return rc;
}
