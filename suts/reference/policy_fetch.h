/* SPDX-License-Identifier: ISC */
/*
 * policy_fetch.h -- HTTPS GET of https://mta-sts.<domain>/.well-known/
 * mta-sts.txt with libcurl (RFC 8461 §3.3): verified TLS 1.2 or later
 * (RFC 8461 §7.2, RFC 8996) against one CA file (a DNS-ID naming
 * mta-sts.<domain>, never the CN; a key of 112 bits or more), SNI naming
 * the policy host (§7.1), the address we resolved ourselves, no
 * redirects (§3.3), no proxy, a body of at most STS_POLICY_MAX bytes
 * (64 KiB, §3.3's own suggestion: a longer Content-Length is refused
 * before a byte of body is read, a longer body as soon as it passes the
 * cap), the whole transfer within timeout_ms, and only 200 + text/plain
 * counts as a policy.
 */
#ifndef SUTS_REFERENCE_POLICY_FETCH_H
#define SUTS_REFERENCE_POLICY_FETCH_H

#include <netinet/in.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../common/err.h"

struct policy_fetch_req {
	const char		*domain;	/* policy domain D */
	const struct in_addr	*addr;		/* of mta-sts.D */
	uint16_t		 port;		/* 443 unless testing */
	const char		*cafile;	/* NULL: system store */
	long			 timeout_ms;	/* whole transfer */
	unsigned int		 bugs;		/* POLICY_FETCH_* (mutants) */
	int64_t			 since;		/* POLICY_FETCH_CONDITIONAL */
};

/* Deliberately wrong checks of the answer, for the --bug mutants only. */
#define POLICY_FETCH_ANY_2XX		0x01u	/* any 2xx is a policy */
#define POLICY_FETCH_ANY_TYPE		0x02u	/* any Content-Type */
#define POLICY_FETCH_EXACT_TYPE		0x04u	/* "text/plain" exactly */
#define POLICY_FETCH_NO_VERIFY		0x08u	/* any chain, any dates */
#define POLICY_FETCH_NO_HOST_CHECK	0x10u	/* any name in the cert */
#define POLICY_FETCH_FOLLOW		0x20u	/* follow 3xx redirects */
#define POLICY_FETCH_NO_SNI		0x40u	/* connect by address: no SNI */
#define POLICY_FETCH_LEGACY_TLS		0x80u	/* TLS 1.0 and 1.1 too */
/* HTTP caching (RFC 8461 §3.3 forbids it): If-Modified-Since: since */
#define POLICY_FETCH_CONDITIONAL	0x100u

/*
 * policy_fetch_get - on 0, *body is a NUL-terminated heap copy of the
 * response body (caller frees) of *len bytes, at most STS_POLICY_MAX. On
 * -1, err says why: connect, TLS, status, media type or size. Under
 * POLICY_FETCH_CONDITIONAL alone, *not_modified says a 304 came (0, no
 * body); a correct sender never asks, and takes a 304 as any non-200.
 */
int	policy_fetch_get(const struct policy_fetch_req *, char **body,
	    size_t *len, bool *not_modified, struct err *) MUST_CHECK;

#endif
