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
#include <stdint.h>
#include <stdio.h>

#include "../../common/err.h"
#include "sts_dns.h"
#include "sts_policy.h"

/* --bug mutants: one bit each of an sts_bugs set (the table in sts_decide.c) */
typedef uint64_t sts_bugs;
#define STS_BUG(n)	((sts_bugs)1 << (n))
#define STS_BUG_STARTTLS_FALLBACK	STS_BUG(0)
#define STS_BUG_NO_MX_MATCH		STS_BUG(1)
#define STS_BUG_NO_CERT_CHECK		STS_BUG(2)
#define STS_BUG_TESTING_AS_ENFORCE	STS_BUG(3)
#define STS_BUG_CACHE_NEEDS_TXT		STS_BUG(4)
#define STS_BUG_FETCH_FAILURE_DEFERS	STS_BUG(5)
#define STS_BUG_NO_SNI			STS_BUG(6)
#define STS_BUG_WILDCARD_SUFFIX		STS_BUG(7)
#define STS_BUG_WILDCARD_LITERAL	STS_BUG(8)
#define STS_BUG_FETCH_WITHOUT_TXT	STS_BUG(9)
#define STS_BUG_DNS_NO_TCP		STS_BUG(10)
#define STS_BUG_NO_WILDCARD_CERT	STS_BUG(11)
#define STS_BUG_CACHE_VOLATILE		STS_BUG(12)
#define STS_BUG_CACHE_ONE_HOUR		STS_BUG(13)
#define STS_BUG_MX_CASE_SENSITIVE	STS_BUG(14)
#define STS_BUG_REJECT_UNKNOWN_KEYS	STS_BUG(15)
#define STS_BUG_ANY_2XX			STS_BUG(16)
#define STS_BUG_ANY_CONTENT_TYPE	STS_BUG(17)
#define STS_BUG_CONTENT_TYPE_EXACT	STS_BUG(18)
#define STS_BUG_FIRST_TXT		STS_BUG(19)
#define STS_BUG_TXT_COUNT_ALL		STS_BUG(20)
#define STS_BUG_TXT_FIRST_STRING	STS_BUG(21)
#define STS_BUG_LAST_KEY_WINS		STS_BUG(22)
#define STS_BUG_CRLF_ONLY		STS_BUG(23)
#define STS_BUG_MODE_CASE_INSENSITIVE	STS_BUG(24)
#define STS_BUG_TXT_ANY_ORDER		STS_BUG(43)
#define STS_BUG_TXT_LENIENT		STS_BUG(44)
#define STS_BUG_POLICY_LENIENT		STS_BUG(45)
#define STS_BUG_MAX_AGE_LOOSE		STS_BUG(46)
#define STS_BUG_NONE_NEEDS_MX		STS_BUG(47)
#define STS_BUG_NEWID_FAILURE_DROPS	STS_BUG(48)
#define STS_BUG_CACHE_IGNORES_ID	STS_BUG(49)
#define STS_BUG_CACHE_NEVER_EXPIRES	STS_BUG(50)
#define STS_BUG_NO_FETCH_BACKOFF	STS_BUG(51)
#define STS_BUG_NO_REFRESH		STS_BUG(52)
#define STS_BUG_CN_FALLBACK		STS_BUG(25)
#define STS_BUG_POLICY_NO_VERIFY	STS_BUG(26)
#define STS_BUG_POLICY_NO_HOST_CHECK	STS_BUG(27)
#define STS_BUG_CERT_ANY_POLICY_NAME	STS_BUG(28)
#define STS_BUG_NO_CHAIN		STS_BUG(29)
#define STS_BUG_POLICY_BY_MX_HOST	STS_BUG(40)
#define STS_BUG_PARENT_DOMAIN_POLICY	STS_BUG(41)
#define STS_BUG_FOLLOW_REDIRECTS	STS_BUG(35)
#define STS_BUG_POLICY_NO_SNI		STS_BUG(36)
#define STS_BUG_POLICY_LEGACY_TLS	STS_BUG(37)
#define STS_BUG_FETCH_NO_TIMEOUT	STS_BUG(38)
#define STS_BUG_ALLOW_LEGACY_TLS	STS_BUG(30)
#define STS_BUG_BACKUP_ANY_MX		STS_BUG(31)
#define STS_BUG_TEMPFAIL_PLAINTEXT	STS_BUG(32)
#define STS_BUG_TEMPFAIL_NO_NEXT_MX	STS_BUG(33)
#define STS_BUG_CERT_CASE_SENSITIVE	STS_BUG(55)
#define STS_BUG_HTTP_CONDITIONAL	STS_BUG(53)
#define STS_BUG_LITERAL_ENFORCE		STS_BUG(58)
#define STS_BUG_RELAY_RECIPIENT_POLICY	STS_BUG(57)
#define STS_BUG_NO_RETRY		STS_BUG(56)
#define STS_BUG_NO_ALERT		STS_BUG(60)
#define STS_BUG_STS_OVERRIDES_DANE	STS_BUG(34)
#define STS_BUG_DANE_INSECURE_TLSA	STS_BUG(39)
#define STS_BUG_DANE_IGNORED		STS_BUG(42)
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
	bool	cert_cn_fallback; /* the subject CN may name the MX when
				   the certificate has no DNS-ID (mutant) */
	bool	cert_name_exact; /* a DNS-ID must equal the MX name byte
				   for byte, case included (mutant) */
	bool	cert_policy_names; /* the certificate may name any mx of
				   the policy instead of the MX (mutant) */
	bool	cert_chain;	/* intermediates the server sends count */
	bool	plain_after_tls_failure; /* opportunistic: a failed TLS
				   handshake is retried in the clear */
	bool	legacy_tls;	/* TLS 1.0 and 1.1 will do (opportunistic) */
	bool	next_after_tempfail; /* a 4xx in the transaction: try the
				   next MX (RFC 5321 §5.1), not defer */
	bool	plain_after_tempfail; /* mutant: a 4xx inside TLS makes the
				   rest of the attempt opportunistic */
	bool	unlisted_last;	/* mutant: MX hosts the policy does not list
				   are tried once the listed ones failed */
	unsigned int mx_match_flags;	/* MX_MATCH_*: 0 but in mutants */
};

/*
 * sts_decide_discovery - after the TXT lookup (RFC 8461 §3.1, §5.1):
 * txt_id is the valid record's id or NULL (no, several or a bad record,
 * or a DNS failure); cache_id is the cached policy's id or NULL; bugs
 * is the STS_BUG_* set.
 */
enum sts_decide_source sts_decide_discovery(const char *txt_id,
	    const char *cache_id, bool cache_expired, sts_bugs bugs);

/* sts_decide_after_fetch - fetch result vs cache (RFC 8461 §3.3) */
enum sts_decide_source sts_decide_after_fetch(bool fetched_ok,
	    const char *cache_id, bool cache_expired, sts_bugs bugs);

/* sts_decide_rules - mode of the applied policy (have_policy) + mutants */
void	sts_decide_rules(bool have_policy, enum sts_mode,
	    sts_bugs bugs, struct sts_decide_rules *);

/*
 * sts_decide_literal_enforce - an address-literal recipient is delivered
 * as without MTA-STS (RFC 8461 §3.4: no policy maps to it); true only in
 * the mutant literal-enforce, which demands verified TLS there instead
 */
bool	sts_decide_literal_enforce(sts_bugs bugs);

/*
 * sts_decide_policy_verify - the policy host's certificate must chain to
 * a trusted CA, in date (RFC 8461 §3.3)
 */
bool	sts_decide_policy_verify(sts_bugs bugs);
/*
 * sts_decide_policy_host_check - ... and name mta-sts.<domain> in a
 * DNS-ID (RFC 8461 §3.3, RFC 6125 §6.4: never the CN)
 */
bool	sts_decide_policy_host_check(sts_bugs bugs);

/*
 * sts_decide_dns_tcp - ask again over TCP when a UDP answer comes back
 * truncated (RFC 1035 §4.2.1, RFC 7766 §5)
 */
bool	sts_decide_dns_tcp(sts_bugs bugs);
/* a valid cached policy this old (seconds) is fetched again (§3.3) */
#define STS_REFRESH_AFTER_SECS	86400
/* after a failed fetch, the same id is not fetched again this soon */
#define STS_FETCH_RETRY_SECS	300
bool	sts_decide_refresh(int64_t cache_age, sts_bugs bugs);
/*
 * sts_decide_alert - a refresh of a cached policy of this mode failed:
 * alert the operator (RFC 8461 §3.3, R-3.3-13: "unless the cached mode is
 * none"; §10.2, R-10.2-2: well before the policy expires)
 */
bool	sts_decide_alert(enum sts_mode cached_mode, sts_bugs bugs);

/*
 * sts_decide_policy_by_mx - key the policy (its cache entry) by the
 * recipient domain's first MX host instead of the domain (RFC 8461 §3.4:
 * the policy domain is the recipient's domain; false but in a mutant)
 */
bool	sts_decide_policy_by_mx(sts_bugs bugs);

/*
 * sts_decide_parent_fallback - a domain that has no policy takes its
 * parent domain's (RFC 8461 §3.4 forbids it; false but in a mutant)
 */
bool	sts_decide_parent_fallback(sts_bugs bugs);

/*
 * sts_decide_relay_recipient_policy - through a smart host, discover the
 * recipient domain's policy instead of the smart host's (RFC 8461 §3.4:
 * the smart host's domain is the policy domain; false but in a mutant)
 */
bool	sts_decide_relay_recipient_policy(sts_bugs bugs);

/*
 * sts_decide_queue_blocked - keep a message an enforce policy blocked for
 * a retry (RFC 8461 §5: "treat the delivery failure as a temporary
 * failure and retry"; false but in a mutant, which drops it)
 */
bool	sts_decide_queue_blocked(sts_bugs bugs);

/* What DANE (RFC 7672) makes of one MX host. */
enum sts_decide_dane {
	STS_DANE_OFF = 0,	/* no DANE here: MTA-STS applies as ever */
	STS_DANE_REQUIRED,	/* DANE-authenticated TLS or no delivery, and
				   MTA-STS not consulted (RFC 8461 §2) */
	STS_DANE_UNUSABLE,	/* the TLSA lookup failed: skip the host */
};

/* TLSA fields RFC 7672 lets an SMTP client use (RFC 6698 §7) */
#define STS_TLSA_DANE_TA	2
#define STS_TLSA_DANE_EE	3
#define STS_TLSA_SEL_CERT	0
#define STS_TLSA_SEL_SPKI	1
#define STS_TLSA_MT_FULL	0
#define STS_TLSA_MT_SHA256	1
#define STS_TLSA_MT_SHA512	2

/*
 * sts_decide_dane_lookup - whether to ask for the TLSA RRset of an MX
 * host whose MX RRset (mx_secure) and address records (addr_secure) the
 * resolver vouched for: only when both were (RFC 7672 §2.2); always in the
 * mutant dane-insecure-tlsa, never in dane-ignored. With addr_secure true
 * it says whether DANE could apply once the address is known.
 */
bool	sts_decide_dane_lookup(bool mx_secure, bool addr_secure,
	    sts_bugs bugs);
/*
 * sts_decide_dane - after the TLSA lookup (res, tlsa_secure, and nusable
 * records sts_decide_tlsa_usable() accepts), RFC 7672 §2.2: a secure
 * RRset with a usable record makes DANE mandatory; a failed lookup makes
 * the host unusable; a denial (secure or not), an insecure answer or no
 * usable record leaves the host to MTA-STS. STS_DANE_OFF whenever
 * sts_decide_dane_lookup() says no lookup.
 */
enum sts_decide_dane sts_decide_dane(bool mx_secure, bool addr_secure,
	    enum sts_dns_result res, bool tlsa_secure, size_t nusable,
	    sts_bugs bugs);
/*
 * sts_decide_tlsa_usable - a TLSA record an SMTP client may use: usage
 * DANE-TA(2) or DANE-EE(3) (RFC 7672 §3.1.3: PKIX-TA(0) and PKIX-EE(1)
 * are unusable), selector Cert(0) or SPKI(1), and data that fits its
 * matching type: 32 octets for SHA2-256(1), 64 for SHA2-512(2), Full(0)
 * only when it fits STS_DNS_TLSA_DATA_MAX (what we keep; RFC 7671
 * §10.1.2 advises digests). Anything else is unusable (RFC 6698 §4.1).
 */
bool	sts_decide_tlsa_usable(unsigned int usage, unsigned int selector,
	    unsigned int mtype, size_t len);
/*
 * sts_decide_dane_fallback - when DANE authentication of a host fails,
 * try it under MTA-STS instead (RFC 8461 §2, R-2-1, forbids it: false but
 * in the mutant sts-overrides-dane)
 */
bool	sts_decide_dane_fallback(sts_bugs bugs);
const char *sts_decide_dane_str(enum sts_decide_dane);

/* sts_decide_bug_parse - mutant name to flag; -1 if unknown */
int	sts_decide_bug_parse(const char *name, sts_bugs *flag)
	    MUST_CHECK;
/* sts_decide_bug_name - name of one flag, or NULL */
const char *sts_decide_bug_name(sts_bugs flag);
/* sts_decide_bug_list - "  name  description" lines for usage text */
void	sts_decide_bug_list(FILE *);

const char *sts_decide_source_str(enum sts_decide_source);

#endif
