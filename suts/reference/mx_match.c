/* SPDX-License-Identifier: ISC */
/*
 * mx_match.c -- match an MX host name against the mx patterns of an
 * MTA-STS policy (RFC 8461 §4.1). "*" stands for exactly one whole
 * left-most label: it matches neither the parent domain nor two labels,
 * and partial-label wildcards ("mx*.d") match nothing. No I/O.
 */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "mx_match.h"
#include "sts_policy.h"

static size_t	mx_match_len(const char *);
static bool	mx_match_eq(const char *, size_t, const char *, size_t,
		    unsigned int);

/* mx_match_len - length without one trailing dot */
static size_t
mx_match_len(const char *s)
{
	size_t	n = strlen(s);

	if (n > 0 && s[n - 1] == '.')
		n--;
	return n;
}

static bool
mx_match_eq(const char *a, size_t alen, const char *b, size_t blen,
    unsigned int flags)
{
	if (flags & MX_MATCH_CASE_SENSITIVE)	/* the mutant */
		return alen == blen && memcmp(a, b, alen) == 0;
	return alen == blen && strncasecmp(a, b, alen) == 0;
}

bool
mx_match_is_match(const char *pattern, const char *host, unsigned int flags)
{
	size_t		 plen = mx_match_len(pattern);
	size_t		 hlen = mx_match_len(host);
	const char	*rest, *dot;
	size_t		 rlen;

	if (plen == 0 || hlen == 0 || host[0] == '.' || pattern[0] == '.')
		return false;
	if (memchr(host, '*', hlen) != NULL)
		return false;
	if (flags & MX_MATCH_WILDCARD_LITERAL)
		return mx_match_eq(pattern, plen, host, hlen, flags);
	if (pattern[0] != '*') {
		if (memchr(pattern, '*', plen) != NULL)
			return false;		/* partial wildcard */
		return mx_match_eq(pattern, plen, host, hlen, flags);
	}
	/* "*.rest": rest non-empty, without another '*' */
	if (plen < 3 || pattern[1] != '.')
		return false;
	rest = pattern + 2;
	rlen = plen - 2;
	if (memchr(rest, '*', rlen) != NULL || rest[0] == '.')
		return false;
	if ((flags & MX_MATCH_WILDCARD_SUFFIX) && hlen >= rlen &&
	    mx_match_eq(host + hlen - rlen, rlen, rest, rlen, flags) &&
	    (hlen == rlen || host[hlen - rlen - 1] == '.'))
		return true;	/* the bug: a plain suffix test */
	/* host = label "." rest, label non-empty and without a dot */
	dot = memchr(host, '.', hlen);
	if (dot == NULL || dot == host)
		return false;
	return mx_match_eq(dot + 1, hlen - (size_t)(dot + 1 - host), rest,
	    rlen, flags);
}

int
mx_match_policy(const struct sts_policy *pol, const char *host,
    unsigned int flags)
{
	size_t	i;

	for (i = 0; i < pol->nmx; i++)
		if (mx_match_is_match(pol->mx[i], host, flags))
			return (int)i;
	return -1;
}
