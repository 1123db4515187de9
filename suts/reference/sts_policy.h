/* SPDX-License-Identifier: ISC */
/*
 * sts_policy.h -- the MTA-STS policy body served at
 * https://mta-sts.<domain>/.well-known/mta-sts.txt (RFC 8461 §3.2) and the
 * media-type rule of its HTTPS response (§3.3). Pure: no I/O.
 */
#ifndef SUTS_REFERENCE_STS_POLICY_H
#define SUTS_REFERENCE_STS_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "../../common/err.h"
#include "../../common/proto.h"

#define STS_POLICY_MAX_AGE_MAX	31557600UL	/* RFC 8461 §3.2, one year */
#define STS_POLICY_MAX_AGE_DIGITS 10		/* RFC 8461 §3.2: 1*10DIGIT */
#define STS_POLICY_MX_COUNT_MAX	64		/* our bound on mx lines */
#define STS_POLICY_MX_LEN_MAX	(DNS_NAME_MAX + 2)	/* "*." + Domain */
#define STS_POLICY_EXT_NAME_MAX	32		/* RFC 8461 §3.2 ext-name */

enum sts_mode {
	STS_MODE_ENFORCE = 0,
	STS_MODE_TESTING,
	STS_MODE_NONE,
};

/* A parsed policy; a plain value with no owning pointers. */
struct sts_policy {
	enum sts_mode	 mode;
	unsigned long	 max_age;			/* seconds */
	size_t		 nmx;
	char		 mx[STS_POLICY_MX_COUNT_MAX][STS_POLICY_MX_LEN_MAX + 1];
};

/*
 * sts_policy_parse - parse a policy body of len bytes (no NUL needed, an
 * embedded NUL is malformed). Lines end in LF or CRLF, the last may lack
 * it; empty lines are skipped; unknown keys are ignored; a repeated
 * single-valued key keeps its first value; values are case-sensitive.
 */
int	sts_policy_parse(const char *body, size_t len, struct sts_policy *,
	    struct err *) MUST_CHECK;
/* for the --bug mutants only: a wrong way to read a policy */
#define STS_POLICY_NO_UNKNOWN_KEYS	0x01u	/* an unknown key is an error */
#define STS_POLICY_LAST_KEY_WINS	0x02u	/* a repeated key overrides */
#define STS_POLICY_CRLF_ONLY		0x04u	/* a bare LF is an error */
#define STS_POLICY_MODE_ANY_CASE	0x08u	/* "ENFORCE" is enforce */
#define STS_POLICY_LENIENT		0x10u	/* skip bad lines, default fields */
#define STS_POLICY_LOOSE_NUMBER	0x20u	/* max_age read by strtoul */
#define STS_POLICY_NONE_NEEDS_MX	0x40u	/* mode none needs mx lines too */
int	sts_policy_parse_flags(const char *body, size_t len,
	    struct sts_policy *, unsigned int flags, struct err *) MUST_CHECK;

/*
 * sts_policy_is_media_type_ok - is this Content-Type text/plain? Case-
 * insensitive, parameters allowed (RFC 8461 §3.2, RFC 2045 §5.1).
 */
bool	sts_policy_is_media_type_ok(const char *content_type);

const char *sts_policy_mode_str(enum sts_mode);

#endif
