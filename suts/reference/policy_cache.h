/* SPDX-License-Identifier: ISC */
/*
 * policy_cache.h -- the sender's on-disk MTA-STS policy cache, one file per
 * policy domain under STATE_DIR/cache/, and the adapter-controlled clock
 * (time(NULL) + STATE_DIR/clock-offset). The file format is pure and
 * tested directly; load/store add the file I/O.
 */
#ifndef SUTS_REFERENCE_POLICY_CACHE_H
#define SUTS_REFERENCE_POLICY_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../common/err.h"
#include "sts_policy.h"
#include "sts_record.h"

#define POLICY_CACHE_DIR	"cache"
#define POLICY_CACHE_FAIL_DIR	"fetch-failed"	/* RFC 8461 §3.3 retry bound */
#define POLICY_CACHE_CLOCK_FILE	"clock-offset"
#define POLICY_CACHE_HEADER_MAX	128	/* "id=..\nfetched_at=..\n\n" */
#define POLICY_CACHE_FILE_MAX	(STS_POLICY_MAX + POLICY_CACHE_HEADER_MAX)
#define POLICY_CACHE_CLOCK_MAX	32	/* bytes in clock-offset */

/* One cached policy: a plain value. */
struct policy_cache_entry {
	char			id[STS_RECORD_ID_MAX + 1];
	int64_t			fetched_at;	/* epoch s, harness clock */
	struct sts_policy	policy;
};

/*
 * policy_cache_format - the file image: "id=ID\nfetched_at=N\n\n" then the
 * raw policy body. Returns a heap buffer (caller frees) of *outlen bytes,
 * or NULL if id is not a valid policy id.
 */
char   *policy_cache_format(const char *id, int64_t fetched_at,
	    const char *body, size_t len, size_t *outlen);

/* policy_cache_parse - read a file image; -1 if any part is malformed */
int	policy_cache_parse(const char *buf, size_t len,
	    struct policy_cache_entry *, struct err *) MUST_CHECK;
/*
 * policy_cache_parse_flags - the same, reading the policy body with
 * sts_policy_parse_flags() (the --bug mutants read a cached policy the
 * way they read a fetched one)
 */
int	policy_cache_parse_flags(const char *buf, size_t len,
	    unsigned int policy_flags, struct policy_cache_entry *,
	    struct err *) MUST_CHECK;

/*
 * policy_cache_load - read STATE_DIR/cache/<domain>. -1 with ERR_NOTFOUND
 * if there is no file, ERR_SYNTAX if it is corrupt (treat as absent).
 */
int	policy_cache_load(const char *state_dir, const char *domain,
	    struct policy_cache_entry *, struct err *) MUST_CHECK;
/* policy_cache_load_flags - policy_cache_load, the body read with flags */
int	policy_cache_load_flags(const char *state_dir, const char *domain,
	    unsigned int policy_flags, struct policy_cache_entry *,
	    struct err *) MUST_CHECK;

/* policy_cache_store - write the file atomically (temp file + rename) */
int	policy_cache_store(const char *state_dir, const char *domain,
	    const char *id, int64_t fetched_at, const char *body, size_t len,
	    struct err *) MUST_CHECK;

/*
 * policy_cache_forget - remove every cached policy (the cache-lost-on-
 * restart mutant: a cache that lived in memory only)
 */
int	policy_cache_fail_mark(const char *state_dir, const char *domain,
	    const char *id, int64_t at, struct err *) MUST_CHECK;
bool	policy_cache_fail_recent(const char *state_dir, const char *domain,
	    const char *id, int64_t now, int64_t window);
int	policy_cache_forget(const char *state_dir, struct err *) MUST_CHECK;

/* policy_cache_is_expired - max_age seconds from the fetch have passed */
bool	policy_cache_is_expired(const struct policy_cache_entry *,
	    int64_t now);

/* policy_cache_clock_parse - "[-]digits" with optional blanks/newline */
int	policy_cache_clock_parse(const char *buf, size_t len, int64_t *out)
	    MUST_CHECK;

/*
 * policy_cache_now - time(NULL) plus the offset in STATE_DIR/clock-offset
 * (absent file: 0). state_dir may be NULL. -1 if the file is unreadable or
 * corrupt; *now then holds time(NULL).
 */
int	policy_cache_now(const char *state_dir, int64_t *now, struct err *)
	    MUST_CHECK;

#endif
