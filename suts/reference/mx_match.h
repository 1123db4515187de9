/* SPDX-License-Identifier: ISC */
/*
 * mx_match.h -- does an MX host name match a policy "mx" pattern (RFC 8461
 * §4.1, RFC 6125 §6.4)? Exact names and "*.rest" wildcards covering
 * exactly one left-most label. Pure: no I/O.
 */
#ifndef SUTS_REFERENCE_MX_MATCH_H
#define SUTS_REFERENCE_MX_MATCH_H

#include <stdbool.h>
#include <stddef.h>

struct sts_policy;

/*
 * Deliberately wrong ways to read "*.rest", for the --bug mutants only
 * (chosen in sts_decide_rules); 0 is RFC 8461 §4.1.
 */
#define MX_MATCH_WILDCARD_SUFFIX	0x01u	/* any depth, and rest itself */
#define MX_MATCH_WILDCARD_LITERAL	0x02u	/* "*" is an ordinary byte */
#define MX_MATCH_CASE_SENSITIVE		0x04u	/* "MX1" is not "mx1" */

/*
 * mx_match_is_match - case-insensitive; one trailing dot on either side is
 * ignored. A pattern with '*' anywhere but a whole left-most label, an
 * empty rest ("*", "*."), or an empty host never matches.
 */
bool	mx_match_is_match(const char *pattern, const char *host,
	    unsigned int flags);

/* mx_match_policy - index of the first matching policy mx, or -1 */
int	mx_match_policy(const struct sts_policy *, const char *host,
	    unsigned int flags);

#endif
