/* SPDX-License-Identifier: ISC */
/*
 * sts_queue.c -- STATE_DIR/queue/: one message an enforce policy blocked
 * per pair of files, the message ("m.XXXXXX", made by mkstemp) and its
 * record ("m.XXXXXX.meta": rcpt, domain, queue time on the sender clock,
 * retries so far), the record written through a temp file and rename(2).
 * Bounded three ways: STS_QUEUE_MAX messages, STS_QUEUE_TRIES_MAX retries
 * each, STS_QUEUE_AGE_MAX seconds. A corrupt record is dropped. It does
 * not deliver: the daemon (main.c) runs sts_send_run on what is due.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../common/file.h"
#include "../../common/str.h"
#include "sts_queue.h"

#define STS_QUEUE_DIR		"queue"
#define STS_QUEUE_META		".meta"
#define STS_QUEUE_META_MAX	(STS_QUEUE_RCPT_MAX + DNS_NAME_MAX + 96)

static int	sts_queue_dir(const char *, char *, size_t, struct err *);
static int	sts_queue_write(int, const char *, size_t);
static int	sts_queue_put_meta(const char *, const struct sts_queue_entry *,
		    struct err *);
static int	sts_queue_get_meta(const char *, const char *,
		    struct sts_queue_entry *);
static const char *sts_queue_field(const char *, const char *, char *,
		    size_t);
static int	sts_queue_scan(const char *, const char *, int64_t,
		    struct sts_queue_entry *, size_t, size_t *,
		    struct sts_queue_entry *, size_t *, struct err *);

/* sts_queue_dir - STATE_DIR/queue, made if missing */
static int
sts_queue_dir(const char *state_dir, char *dir, size_t size, struct err *err)
{
	if (str_fmt(dir, size, "%s/%s", state_dir, STS_QUEUE_DIR) == -1)
		return err_set(err, ERR_RANGE, "queue: %s: path too long",
		    state_dir);
	if (mkdir(state_dir, 0700) == -1 && errno != EEXIST)
		return err_sys(err, "queue: mkdir %s", state_dir);
	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return err_sys(err, "queue: mkdir %s", dir);
	return 0;
}

static int
sts_queue_write(int fd, const char *buf, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* sts_queue_put_meta - the record of e, atomically */
static int
sts_queue_put_meta(const char *dir, const struct sts_queue_entry *e,
    struct err *err)
{
	char	path[STS_QUEUE_PATH_MAX], tmp[STS_QUEUE_PATH_MAX];
	char	buf[STS_QUEUE_META_MAX];
	int	fd, len;

	len = snprintf(buf, sizeof(buf), "rcpt %s\ndomain %s\nqueued %lld\n"
	    "tries %u\n", e->rcpt, e->domain, (long long)e->queued_at,
	    e->tries);
	if (len < 0 || (size_t)len >= sizeof(buf) ||
	    str_fmt(path, sizeof(path), "%s/%s%s", dir, e->name,
	    STS_QUEUE_META) == -1 ||
	    str_fmt(tmp, sizeof(tmp), "%s.tmp", path) == -1)
		return err_set(err, ERR_RANGE, "queue: %s: record too long",
		    e->name);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1)
		return err_sys(err, "queue: open %s", tmp);
	if (sts_queue_write(fd, buf, (size_t)len) == -1) {
		(void)err_sys(err, "queue: write %s", tmp);
		(void)close(fd);
		(void)unlink(tmp);
		return -1;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		(void)err_sys(err, "queue: write %s", path);
		(void)unlink(tmp);
		return -1;
	}
	return 0;
}

/*
 * sts_queue_field - the value of line "key VALUE\n" at s into out (one
 * space after the key, the value never empty); the text after that line,
 * or NULL if s does not start with such a line or it does not fit
 */
static const char *
sts_queue_field(const char *s, const char *key, char *out, size_t size)
{
	size_t		 klen = strlen(key), vlen;
	const char	*nl;

	if (strncmp(s, key, klen) != 0 || s[klen] != ' ' ||
	    (nl = strchr(s + klen + 1, '\n')) == NULL)
		return NULL;
	vlen = (size_t)(nl - (s + klen + 1));
	if (vlen == 0 || vlen >= size || s[klen + 1] == ' ')
		return NULL;
	memcpy(out, s + klen + 1, vlen);
	out[vlen] = '\0';
	return nl + 1;
}

/* sts_queue_get_meta - the record of name into e; -1 if corrupt */
static int
sts_queue_get_meta(const char *dir, const char *name, struct sts_queue_entry *e)
{
	char		 path[STS_QUEUE_PATH_MAX], num[32];
	char		*buf = NULL;
	const char	*p;
	size_t		 len;
	unsigned long	 v;
	struct err	 err;
	int		 rc = -1;

	memset(e, 0, sizeof(*e));
	err_clear(&err);
	if (str_copy(e->name, name, sizeof(e->name)) == -1 ||
	    str_fmt(path, sizeof(path), "%s/%s%s", dir, name,
	    STS_QUEUE_META) == -1 ||
	    file_read(path, STS_QUEUE_META_MAX, &buf, &len, &err) == -1)
		goto out;
	if ((p = sts_queue_field(buf, "rcpt", e->rcpt, sizeof(e->rcpt))) ==
	    NULL || (p = sts_queue_field(p, "domain", e->domain,
	    sizeof(e->domain))) == NULL ||
	    (p = sts_queue_field(p, "queued", num, sizeof(num))) == NULL ||
	    parse_uint(num, (unsigned long)INT64_MAX, &v) == -1)
		goto out;
	e->queued_at = (int64_t)v;
	if ((p = sts_queue_field(p, "tries", num, sizeof(num))) == NULL ||
	    parse_uint(num, STS_QUEUE_TRIES_MAX, &v) == -1 || *p != '\0')
		goto out;
	e->tries = (unsigned int)v;
	rc = 0;
out:
	free(buf);
	return rc;
}

int
sts_queue_add(const char *state_dir, const char *rcpt, const char *domain,
    const char *msg_file, int64_t now, struct err *err)
{
	struct sts_queue_entry	 e, oldest;
	char			 dir[STS_QUEUE_PATH_MAX];
	char			 path[STS_QUEUE_PATH_MAX];
	char			*msg = NULL;
	size_t			 len, n, nall;
	int			 fd;

	memset(&e, 0, sizeof(e));
	if (str_copy(e.rcpt, rcpt, sizeof(e.rcpt)) == -1 ||
	    strchr(rcpt, '\n') != NULL || str_copy(e.domain, domain,
	    sizeof(e.domain)) == -1 || strchr(domain, '\n') != NULL ||
	    domain[0] == '\0')
		return err_set(err, ERR_RANGE, "queue: bad recipient \"%s\"",
		    rcpt);
	e.queued_at = now;
	if (sts_queue_scan(state_dir, NULL, now, NULL, 0, &n, &oldest, &nall,
	    err) == -1 || sts_queue_dir(state_dir, dir, sizeof(dir), err) == -1)
		return -1;
	if (nall >= STS_QUEUE_MAX)
		sts_queue_drop(state_dir, &oldest);
	if (file_read(msg_file, SMTP_MESSAGE_MAX, &msg, &len, err) == -1)
		return -1;
	if (str_fmt(path, sizeof(path), "%s/m.XXXXXX", dir) == -1 ||
	    (fd = mkstemp(path)) == -1) {
		free(msg);
		return err_sys(err, "queue: mkstemp in %s", dir);
	}
	if (sts_queue_write(fd, msg, len) == -1 || close(fd) == -1) {
		(void)err_sys(err, "queue: write %s", path);
		free(msg);
		(void)unlink(path);
		return -1;
	}
	free(msg);
	(void)str_copy(e.name, strrchr(path, '/') + 1, sizeof(e.name));
	if (sts_queue_put_meta(dir, &e, err) == -1) {
		(void)unlink(path);
		return -1;
	}
	return 0;
}

/*
 * sts_queue_scan - every record in STATE_DIR/queue: drop the expired and
 * corrupt ones; those of domain (if not NULL) into out[max] oldest first
 * (*n of them); *oldest and *nall over every domain (oldest may be NULL)
 */
static int
sts_queue_scan(const char *state_dir, const char *domain, int64_t now,
    struct sts_queue_entry *out, size_t max, size_t *n,
    struct sts_queue_entry *oldest, size_t *nall, struct err *err)
{
	struct sts_queue_entry	 e;
	struct dirent		*de;
	DIR			*d;
	char			 dir[STS_QUEUE_PATH_MAX];
	const size_t		 mlen = strlen(STS_QUEUE_META);
	size_t			 len, k;

	*n = 0;
	*nall = 0;
	if (sts_queue_dir(state_dir, dir, sizeof(dir), err) == -1)
		return -1;
	if ((d = opendir(dir)) == NULL)
		return err_sys(err, "queue: opendir %s", dir);
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len <= mlen || len - mlen >= sizeof(e.name) ||
		    strcmp(de->d_name + len - mlen, STS_QUEUE_META) != 0)
			continue;
		de->d_name[len - mlen] = '\0';
		if (sts_queue_get_meta(dir, de->d_name, &e) == -1 ||
		    now - e.queued_at >= STS_QUEUE_AGE_MAX ||
		    e.queued_at > now) {
			/* corrupt, too old, or from a clock set back */
			(void)str_copy(e.name, de->d_name, sizeof(e.name));
			sts_queue_drop(state_dir, &e);
			continue;
		}
		if (oldest != NULL && (*nall == 0 ||
		    e.queued_at < oldest->queued_at))
			*oldest = e;
		(*nall)++;
		if (domain == NULL || strcmp(e.domain, domain) != 0)
			continue;
		/* by queue time; when out[] is full the newest falls off */
		if (*n == max) {
			if (max == 0 || out[max - 1].queued_at <= e.queued_at)
				continue;
			k = max - 1;
		} else
			k = (*n)++;
		for (; k > 0 && out[k - 1].queued_at > e.queued_at; k--)
			out[k] = out[k - 1];
		out[k] = e;
	}
	(void)closedir(d);
	return 0;
}

int
sts_queue_due(const char *state_dir, const char *domain, int64_t now,
    struct sts_queue_entry *out, size_t max, size_t *n, struct err *err)
{
	size_t	nall;

	return sts_queue_scan(state_dir, domain, now, out, max, n, NULL, &nall,
	    err);
}

int
sts_queue_msg_path(const char *state_dir, const struct sts_queue_entry *e,
    char *out, size_t size)
{
	return str_fmt(out, size, "%s/%s/%s", state_dir, STS_QUEUE_DIR,
	    e->name);
}

bool
sts_queue_tried(const char *state_dir, struct sts_queue_entry *e,
    struct err *err)
{
	char	dir[STS_QUEUE_PATH_MAX];

	e->tries++;
	if (e->tries >= STS_QUEUE_TRIES_MAX ||
	    str_fmt(dir, sizeof(dir), "%s/%s", state_dir, STS_QUEUE_DIR) ==
	    -1 || sts_queue_put_meta(dir, e, err) == -1) {
		sts_queue_drop(state_dir, e);
		return true;
	}
	return false;
}

void
sts_queue_drop(const char *state_dir, const struct sts_queue_entry *e)
{
	char	path[STS_QUEUE_PATH_MAX];

	if (str_fmt(path, sizeof(path), "%s/%s/%s%s", state_dir,
	    STS_QUEUE_DIR, e->name, STS_QUEUE_META) == 0)
		(void)unlink(path);
	if (sts_queue_msg_path(state_dir, e, path, sizeof(path)) == 0)
		(void)unlink(path);
}
