/* SPDX-License-Identifier: ISC */
/*
 * sts_policy.c -- parse an MTA-STS policy body (RFC 8461 §3.2, errata
 * 6253 and 7282): key: value lines, version/mode/max_age once (first
 * occurrence wins), mx one or more unless mode is none. Rejects NUL and
 * control bytes and anything over STS_POLICY_MAX. Owns nothing; no I/O.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../common/log.h"
#include "../../common/str.h"
#include "sts_policy.h"

struct sts_policy_seen {
	bool		version;
	bool		mode;
	bool		max_age;
	unsigned int	flags;		/* STS_POLICY_* (mutants) */
};

static bool	sts_policy_is_key_char(char);
static int	sts_policy_line(const char *, size_t, size_t,
		    struct sts_policy *, struct sts_policy_seen *,
		    struct err *);
static int	sts_policy_field(const char *, size_t, const char *, size_t,
		    size_t, struct sts_policy *, struct sts_policy_seen *,
		    struct err *);
static bool	sts_policy_value_is(const char *, size_t, const char *);
static int	sts_policy_loose_age(const char *, size_t, struct sts_policy *,
		    struct sts_policy_seen *);
static void	sts_policy_defaults(struct sts_policy *,
		    struct sts_policy_seen *);
static bool	sts_policy_mode_is(const char *, size_t, const char *,
		    unsigned int);

static bool
sts_policy_is_key_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '.';
}

static bool
sts_policy_value_is(const char *v, size_t vlen, const char *lit)
{
	return strlen(lit) == vlen && memcmp(v, lit, vlen) == 0;
}

/* sts_policy_mode_is - §3.2: literal values are case-sensitive */
static bool
sts_policy_mode_is(const char *v, size_t vlen, const char *lit,
    unsigned int flags)
{
	if (flags & STS_POLICY_MODE_ANY_CASE)		/* the mutant */
		return strlen(lit) == vlen && strncasecmp(v, lit, vlen) == 0;
	return sts_policy_value_is(v, vlen, lit);
}

/*
 * sts_policy_loose_age - the mutant LOOSE_NUMBER: max_age as strtoul(3)
 * reads it (signs, "0x", trailing junk, any length), capped at the bound
 */
static int
sts_policy_loose_age(const char *val, size_t vlen, struct sts_policy *pol,
    struct sts_policy_seen *seen)
{
	char		num[32];
	unsigned long	age;

	if (vlen >= sizeof(num))
		vlen = sizeof(num) - 1;
	memcpy(num, val, vlen);
	num[vlen] = '\0';
	age = strtoul(num, NULL, 0);
	pol->max_age = age > STS_POLICY_MAX_AGE_MAX ? STS_POLICY_MAX_AGE_MAX :
	    age;
	seen->max_age = true;
	return 0;
}

/* sts_policy_field - apply one "key: value" (value already trimmed) */
static int
sts_policy_field(const char *key, size_t klen, const char *val, size_t vlen,
    size_t lineno, struct sts_policy *pol, struct sts_policy_seen *seen,
    struct err *err)
{
	char		 num[STS_POLICY_MAX_AGE_DIGITS + 1];
	unsigned long	 age;
	bool		 last = (seen->flags & STS_POLICY_LAST_KEY_WINS) != 0;

	if (klen == 7 && memcmp(key, "version", 7) == 0) {
		if (seen->version && !last)	/* last: the mutant */
			return 0;		/* §3.2: first one counts */
		if (!sts_policy_value_is(val, vlen, "STSv1"))
			return err_set(err, ERR_SYNTAX,
			    "policy line %zu: version is not STSv1", lineno);
		seen->version = true;
		return 0;
	}
	if (klen == 4 && memcmp(key, "mode", 4) == 0) {
		if (seen->mode && !last)
			return 0;
		if (sts_policy_mode_is(val, vlen, "enforce", seen->flags))
			pol->mode = STS_MODE_ENFORCE;
		else if (sts_policy_mode_is(val, vlen, "testing", seen->flags))
			pol->mode = STS_MODE_TESTING;
		else if (sts_policy_mode_is(val, vlen, "none", seen->flags))
			pol->mode = STS_MODE_NONE;
		else
			return err_set(err, ERR_SYNTAX,
			    "policy line %zu: bad mode", lineno);
		seen->mode = true;
		return 0;
	}
	if (klen == 7 && memcmp(key, "max_age", 7) == 0) {
		if (seen->max_age && !last)
			return 0;
		if (seen->flags & STS_POLICY_LOOSE_NUMBER)	/* the mutant */
			return sts_policy_loose_age(val, vlen, pol, seen);
		if (vlen == 0 || vlen > STS_POLICY_MAX_AGE_DIGITS)
			return err_set(err, ERR_SYNTAX,
			    "policy line %zu: max_age is not 1-%d digits",
			    lineno, STS_POLICY_MAX_AGE_DIGITS);
		memcpy(num, val, vlen);
		num[vlen] = '\0';
		if (parse_uint(num, STS_POLICY_MAX_AGE_MAX, &age) == -1)
			return err_set(err, ERR_RANGE,
			    "policy line %zu: max_age not in 0..%lu", lineno,
			    STS_POLICY_MAX_AGE_MAX);
		pol->max_age = age;
		seen->max_age = true;
		return 0;
	}
	if (klen == 2 && memcmp(key, "mx", 2) == 0) {
		if (pol->nmx == STS_POLICY_MX_COUNT_MAX)
			return err_set(err, ERR_RANGE,
			    "policy line %zu: more than %d mx lines", lineno,
			    STS_POLICY_MX_COUNT_MAX);
		if (vlen == 0 || vlen > STS_POLICY_MX_LEN_MAX)
			return err_set(err, ERR_RANGE,
			    "policy line %zu: mx value length %zu", lineno,
			    vlen);
		/*
		 * The pattern is kept as written; mx_match decides. A bad
		 * pattern then matches nothing, which fails closed.
		 */
		memcpy(pol->mx[pol->nmx], val, vlen);
		pol->mx[pol->nmx][vlen] = '\0';
		pol->nmx++;
		return 0;
	}
	if (seen->flags & STS_POLICY_NO_UNKNOWN_KEYS)	/* the mutant */
		return err_set(err, ERR_SYNTAX,
		    "policy line %zu: unknown key", lineno);
	return 0;			/* §3.2: unknown keys ignored */
}

/* sts_policy_line - split one line (terminator removed) into key/value */
static int
sts_policy_line(const char *line, size_t len, size_t lineno,
    struct sts_policy *pol, struct sts_policy_seen *seen, struct err *err)
{
	size_t	i = 0, klen, v, vend;

	if (len == 0)
		return 0;			/* lenient: blank line */
	while (i < len && sts_policy_is_key_char(line[i]))
		i++;
	klen = i;
	if (klen == 0 || !isalnum((unsigned char)line[0]))
		return err_set(err, ERR_SYNTAX,
		    "policy line %zu: no field name", lineno);
	if (klen > STS_POLICY_EXT_NAME_MAX)
		return err_set(err, ERR_RANGE,
		    "policy line %zu: field name longer than %d", lineno,
		    STS_POLICY_EXT_NAME_MAX);
	if (i == len || line[i] != ':')
		return err_set(err, ERR_SYNTAX,
		    "policy line %zu: no ':' after field name", lineno);
	i++;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	v = i;
	vend = len;
	while (vend > v && (line[vend - 1] == ' ' || line[vend - 1] == '\t'))
		vend--;
	for (i = v; i < vend; i++) {
		unsigned char c = (unsigned char)line[i];

		/* sts-policy-vchar excludes CTLs; UTF-8 octets are fine */
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return err_set(err, ERR_SYNTAX,
			    "policy line %zu: control byte 0x%02x", lineno, c);
	}
	return sts_policy_field(line, klen, line + v, vend - v, lineno, pol,
	    seen, err);
}

int
sts_policy_parse(const char *body, size_t len, struct sts_policy *pol,
    struct err *err)
{
	return sts_policy_parse_flags(body, len, pol, 0, err);
}

int
sts_policy_parse_flags(const char *body, size_t len, struct sts_policy *pol,
    unsigned int flags, struct err *err)
{
	struct sts_policy_seen	 seen = { false, false, false, flags };
	const char		*p = body, *end = body + len, *nl;
	size_t			 llen, lineno = 0;

	memset(pol, 0, sizeof(*pol));
	if (len > STS_POLICY_MAX)
		return err_set(err, ERR_RANGE, "policy: %zu bytes, limit %d",
		    len, STS_POLICY_MAX);
	if (memchr(body, '\0', len) != NULL)
		return err_set(err, ERR_SYNTAX, "policy: NUL byte");
	while (p < end) {
		lineno++;
		nl = memchr(p, '\n', (size_t)(end - p));
		llen = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		/* RFC 8461 §3.2 (erratum 6253): LF or CRLF */
		if (llen > 0 && p[llen - 1] == '\r')
			llen--;
		else if (nl != NULL && (flags & STS_POLICY_CRLF_ONLY))
			return err_set(err, ERR_SYNTAX,	/* the mutant */
			    "policy line %zu: ends in LF, not CRLF", lineno);
		if (sts_policy_line(p, llen, lineno, pol, &seen, err) == -1 &&
		    !(flags & STS_POLICY_LENIENT))	/* the mutant skips it */
			return -1;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	if (flags & STS_POLICY_LENIENT)		/* the mutant */
		sts_policy_defaults(pol, &seen);
	if (!seen.version)
		return err_set(err, ERR_SYNTAX, "policy: no version field");
	if (!seen.mode)
		return err_set(err, ERR_SYNTAX, "policy: no mode field");
	if (!seen.max_age)
		return err_set(err, ERR_SYNTAX, "policy: no max_age field");
	if (pol->nmx == 0 && (pol->mode != STS_MODE_NONE ||
	    (flags & STS_POLICY_NONE_NEEDS_MX)) &&	/* the mutant */
	    !(flags & STS_POLICY_LENIENT))		/* the mutant */
		return err_set(err, ERR_SYNTAX,
		    "policy: mode %s without any mx line",
		    sts_policy_mode_str(pol->mode));
	return 0;
}

/*
 * sts_policy_defaults - the mutant LENIENT: a missing version, mode or
 * max_age (or one whose line did not parse) takes a default: STSv1,
 * enforce, one day; enforce without mx lines is let through
 */
static void
sts_policy_defaults(struct sts_policy *pol, struct sts_policy_seen *seen)
{
	if (!seen->mode)
		pol->mode = STS_MODE_ENFORCE;
	if (!seen->max_age)
		pol->max_age = 86400;
	seen->version = seen->mode = seen->max_age = true;
}

/* sts_policy_is_media_type_ok - "text/plain" [";" parameters] */
bool
sts_policy_is_media_type_ok(const char *ct)
{
	static const char	 want[] = "text/plain";
	size_t			 n = sizeof(want) - 1;

	if (ct == NULL)
		return false;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	if (strncasecmp(ct, want, n) != 0)
		return false;
	ct += n;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == '\0' || *ct == ';';
}

const char *
sts_policy_mode_str(enum sts_mode mode)
{
	switch (mode) {
	case STS_MODE_ENFORCE:
		return "enforce";
	case STS_MODE_TESTING:
		return "testing";
	case STS_MODE_NONE:
		return "none";
	default:
		fatalx("sts_policy_mode_str: bad mode %d", (int)mode);
	}
}
