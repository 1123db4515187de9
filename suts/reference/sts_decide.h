/* SPDX-License-Identifier: ISC */
/*
 * sts_decide.h -- every decision point of the reference sender in one pure
 * module: which policy applies (DNS, cache, fetch), what an applied policy
 * demands of each MX candidate, and the --bug mutants that each change
 * exactly one of those decisions.
 */
#ifndef SUTS_REFERENCE_STS_DECIDE_H
#define SUTS_REFERENCE_STS_DECIDE_H

#include <stdbool.h>
#include <stdio.h>

#include "../../common/err.h"
#include "sts_policy.h"

/* --bug mutants: one flag each (see the table in sts_decide.c) */
#define STS_BUG_STARTTLS_FALLBACK	0x01u
#define STS_BUG_NO_MX_MATCH		0x02u
#define STS_BUG_NO_CERT_CHECK		0x04u
#define STS_BUG_TESTING_AS_ENFORCE	0x08u
#define STS_BUG_CACHE_NEEDS_TXT		0x10u
#define STS_BUG_FETCH_FAILURE_DEFERS	0x20u
#define STS_BUG_NO_SNI			0x40u
#define STS_BUG_WILDCARD_SUFFIX		0x80u
#define STS_BUG_WILDCARD_LITERAL	0x100u
#define STS_BUG_FETCH_WITHOUT_TXT	0x200u
#define STS_BUG_DNS_NO_TCP		0x400u
#define STS_BUG_NO_WILDCARD_CERT	0x800u
#define STS_BUG_CACHE_VOLATILE		0x1000u
#define STS_BUG_CACHE_ONE_HOUR		0x2000u
#define STS_BUG_MX_CASE_SENSITIVE	0x4000u
#define STS_BUG_REJECT_UNKNOWN_KEYS	0x8000u
#define STS_BUG_ANY_2XX			0x10000u
#define STS_BUG_ANY_CONTENT_TYPE	0x20000u
#define STS_BUG_CONTENT_TYPE_EXACT	0x40000u
#define STS_BUG_FIRST_TXT		0x80000u
#define STS_BUG_TXT_COUNT_ALL		0x100000u
#define STS_BUG_TXT_FIRST_STRING	0x200000u
#define STS_BUG_LAST_KEY_WINS		0x400000u
#define STS_BUG_CRLF_ONLY		0x800000u
#define STS_BUG_MODE_CASE_INSENSITIVE	0x1000000u
/* the mutant cache-one-hour keeps a cached policy at most this long */
#define STS_BUG_CACHE_ONE_HOUR_SECS	3600

enum sts_decide_source {
	STS_DECIDE_NO_POLICY = 0,	/* deliver as if no MTA-STS */
	STS_DECIDE_USE_CACHE,		/* apply the cached policy */
	STS_DECIDE_FETCH,		/* fetch the policy over HTTPS */
	STS_DECIDE_USE_FETCHED,		/* apply (and cache) the new one */
	STS_DECIDE_WITHHOLD,		/* defer the message (mutants only) */
};

/* What an applied policy demands of every MX candidate (RFC 8461 §4, §5). */
struct sts_decide_rules {
	bool	check_mx;	/* skip candidates matching no mx pattern */
	bool	report_mx;	/* log candidates matching none (testing) */
	bool	require_tls;	/* STARTTLS or nothing; never plaintext */
	bool	require_verify;	/* PKIX chain + host name, in date */
	bool	send_sni;	/* SNI = MX name (RFC 8461 §7.1), always */
	bool	cert_wildcards;	/* a "*.d" DNS-ID may name the MX */
	bool	plain_after_tls_failure; /* opportunistic: a failed TLS
				   handshake is retried in the clear */
	unsigned int mx_match_flags;	/* MX_MATCH_*: 0 but in mutants */
};

/*
 * sts_decide_discovery - after the TXT lookup (RFC 8461 §3.1, §5.1):
 * txt_id is the valid record's id or NULL (no, several or a bad record,
 * or a DNS failure); cache_id is the cached policy's id or NULL; bugs
 * is the STS_BUG_* set.
 */
enum sts_decide_source sts_decide_discovery(const char *txt_id,
	    const char *cache_id, bool cache_expired, unsigned int bugs);

/* sts_decide_after_fetch - fetch result vs cache (RFC 8461 §3.3) */
enum sts_decide_source sts_decide_after_fetch(bool fetched_ok,
	    const char *cache_id, bool cache_expired, unsigned int bugs);

/* sts_decide_rules - mode of the applied policy (have_policy) + mutants */
void	sts_decide_rules(bool have_policy, enum sts_mode,
	    unsigned int bugs, struct sts_decide_rules *);

/*
 * sts_decide_dns_tcp - ask again over TCP when a UDP answer comes back
 * truncated (RFC 1035 §4.2.1, RFC 7766 §5)
 */
bool	sts_decide_dns_tcp(unsigned int bugs);

/* sts_decide_bug_parse - mutant name to flag; -1 if unknown */
int	sts_decide_bug_parse(const char *name, unsigned int *flag)
	    MUST_CHECK;
/* sts_decide_bug_name - name of one flag, or NULL */
const char *sts_decide_bug_name(unsigned int flag);
/* sts_decide_bug_list - "  name  description" lines for usage text */
void	sts_decide_bug_list(FILE *);

const char *sts_decide_source_str(enum sts_decide_source);

#endif
