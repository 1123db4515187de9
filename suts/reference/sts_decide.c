/* SPDX-License-Identifier: ISC */
/*
 * sts_decide.c -- the decisions of the reference sender as pure functions
 * (RFC 8461 §3.1, §3.3, §4, §5), and the table of --bug mutants. Each
 * mutant flag is consulted in exactly one place below, so a mutant changes
 * one decision and nothing else.
 */
#include <stdio.h>
#include <string.h>

#include "../../common/log.h"
#include "mx_match.h"
#include "sts_decide.h"

struct sts_decide_bug {
	const char	*name;
	sts_bugs	 flag;
	const char	*description;
};

static bool	sts_decide_cache_usable(const char *, bool);
static bool	sts_decide_dane_trusted(bool, sts_bugs);

static const struct sts_decide_bug sts_decide_bugs[] = {
	{ "starttls-fallback",	STS_BUG_STARTTLS_FALLBACK,
	    "under enforce, deliver in plaintext when STARTTLS is "
	    "missing, refused or its handshake fails" },
	{ "no-mx-match",	STS_BUG_NO_MX_MATCH,
	    "skip the policy mx pattern check" },
	{ "no-cert-check",	STS_BUG_NO_CERT_CHECK,
	    "under enforce, accept any MX certificate" },
	{ "testing-as-enforce",	STS_BUG_TESTING_AS_ENFORCE,
	    "treat mode testing as enforce" },
	{ "fetch-failure-defers", STS_BUG_FETCH_FAILURE_DEFERS,
	    "withhold the message when a TXT record exists but no policy "
	    "can be fetched or is cached" },
	{ "wildcard-suffix",	STS_BUG_WILDCARD_SUFFIX,
	    "match \"*.d\" as a suffix: d itself and any depth below" },
	{ "wildcard-literal",	STS_BUG_WILDCARD_LITERAL,
	    "treat \"*\" in a policy mx pattern as an ordinary character" },
	{ "no-sni",		STS_BUG_NO_SNI,
	    "send no SNI in the STARTTLS handshake" },
	{ "cache-needs-txt",	STS_BUG_CACHE_NEEDS_TXT,
	    "drop the cached policy when the _mta-sts TXT lookup finds no "
	    "valid record" },
	{ "fetch-without-txt",	STS_BUG_FETCH_WITHOUT_TXT,
	    "fetch (and apply) the policy even when the _mta-sts TXT lookup "
	    "finds no valid record" },
	{ "dns-no-tcp",		STS_BUG_DNS_NO_TCP,
	    "take a truncated (TC) DNS answer as it is, never asking again "
	    "over TCP" },
	{ "no-wildcard-cert",	STS_BUG_NO_WILDCARD_CERT,
	    "reject an MX certificate whose name matches only through a "
	    "wildcard" },
	{ "cache-lost-on-restart", STS_BUG_CACHE_VOLATILE,
	    "keep cached policies in memory only: the daemon forgets them "
	    "when it restarts" },
	{ "cache-one-hour",	STS_BUG_CACHE_ONE_HOUR,
	    "keep a cached policy for at most one hour, whatever its "
	    "max_age" },
	{ "mx-case-sensitive",	STS_BUG_MX_CASE_SENSITIVE,
	    "compare MX host names with the policy's mx patterns "
	    "case-sensitively" },
	{ "reject-unknown-keys", STS_BUG_REJECT_UNKNOWN_KEYS,
	    "reject a policy that has a key RFC 8461 does not define" },
	{ "any-2xx",		STS_BUG_ANY_2XX,
	    "take the body of any 2xx answer as the policy, not only 200" },
	{ "any-content-type",	STS_BUG_ANY_CONTENT_TYPE,
	    "take the policy whatever its Content-Type" },
	{ "content-type-exact",	STS_BUG_CONTENT_TYPE_EXACT,
	    "take the policy only if its Content-Type is exactly "
	    "\"text/plain\" (no parameters)" },
	{ "first-txt",		STS_BUG_FIRST_TXT,
	    "take the first v=STSv1 TXT record when there are several, "
	    "instead of no policy" },
	{ "txt-count-all",	STS_BUG_TXT_COUNT_ALL,
	    "count every TXT record at _mta-sts, not only those starting "
	    "with v=STSv1" },
	{ "txt-first-string",	STS_BUG_TXT_FIRST_STRING,
	    "read only the first character-string of a TXT record, not "
	    "their concatenation" },
	{ "last-key-wins",	STS_BUG_LAST_KEY_WINS,
	    "let a repeated policy key (mode, max_age, version) override "
	    "its first occurrence" },
	{ "crlf-only",		STS_BUG_CRLF_ONLY,
	    "reject a policy with a line that ends in a bare LF" },
	{ "mode-case-insensitive", STS_BUG_MODE_CASE_INSENSITIVE,
	    "read the policy mode case-insensitively (\"ENFORCE\" as "
	    "enforce)" },
	{ "txt-any-order",	STS_BUG_TXT_ANY_ORDER,
	    "take a TXT record that names v=STSv1 in any field, not only "
	    "first" },
	{ "txt-lenient",	STS_BUG_TXT_LENIENT,
	    "take a TXT record that starts with v=STSv1 even when its id or "
	    "extension fields are malformed" },
	{ "policy-lenient",	STS_BUG_POLICY_LENIENT,
	    "skip policy lines that do not parse and give a missing version, "
	    "mode or max_age a default (STSv1, enforce, one day); allow "
	    "enforce without mx lines" },
	{ "max-age-loose",	STS_BUG_MAX_AGE_LOOSE,
	    "read max_age as strtoul(3) does (signs, 0x, trailing junk, any "
	    "length), capped at 31557600" },
	{ "literal-enforce",	STS_BUG_LITERAL_ENFORCE,
	    "treat an address-literal recipient as under an enforce policy: "
	    "STARTTLS with a certificate valid for the address, or no "
	    "delivery" },
	{ "none-needs-mx",	STS_BUG_NONE_NEEDS_MX,
	    "reject a policy without mx lines even when its mode is none" },
	{ "newid-failure-drops-cache", STS_BUG_NEWID_FAILURE_DROPS,
	    "when the TXT id has changed and the new policy cannot be "
	    "fetched (or is invalid), go on without MTA-STS instead of "
	    "applying the cached policy" },
	{ "cache-ignores-id-change", STS_BUG_CACHE_IGNORES_ID,
	    "while a cached policy is valid, never look at the TXT id: a new "
	    "id fetches nothing" },
	{ "cache-never-expires", STS_BUG_CACHE_NEVER_EXPIRES,
	    "keep applying a cached policy after its max_age has passed" },
	{ "no-fetch-backoff",	STS_BUG_NO_FETCH_BACKOFF,
	    "fetch the policy again at every delivery after a failed fetch, "
	    "not waiting five minutes for the same id" },
	{ "no-refresh",		STS_BUG_NO_REFRESH,
	    "never refresh a valid cached policy before it expires while "
	    "the TXT id is unchanged" },
	{ "cn-fallback",	STS_BUG_CN_FALLBACK,
	    "accept an MX certificate without a DNS-ID whose subject CN "
	    "names the MX" },
	{ "policy-no-verify",	STS_BUG_POLICY_NO_VERIFY,
	    "fetch the policy without verifying the policy host's "
	    "certificate chain (libcurl still checks its name, falling "
	    "back to the CN)" },
	{ "policy-no-host-check", STS_BUG_POLICY_NO_HOST_CHECK,
	    "fetch the policy without checking that the policy host's "
	    "certificate names mta-sts.<domain>" },
	{ "cert-any-policy-name", STS_BUG_CERT_ANY_POLICY_NAME,
	    "under enforce, connect to any MX and check its certificate "
	    "against every mx pattern of the policy instead of the MX host "
	    "dialled (Postfix with a policy resolver)" },
	{ "no-chain",		STS_BUG_NO_CHAIN,
	    "accept only MX certificates the trusted CA signed directly: "
	    "no intermediate CA" },
	{ "policy-by-mx-host",	STS_BUG_POLICY_BY_MX_HOST,
	    "key the policy by the recipient domain's MX host instead of the "
	    "domain, so domains sharing an MX share a policy (KumoMTA #484)" },
	{ "parent-domain-policy", STS_BUG_PARENT_DOMAIN_POLICY,
	    "apply the parent domain's policy to a subdomain that has none" },
	{ "relay-recipient-policy", STS_BUG_RELAY_RECIPIENT_POLICY,
	    "through a smart host, apply the recipient domain's policy (or "
	    "none) instead of the smart host's" },
	{ "no-retry",		STS_BUG_NO_RETRY,
	    "drop a message an enforce policy blocked instead of queueing "
	    "it for a retry (the outcome still says deferred)" },
	{ "follow-redirects",	STS_BUG_FOLLOW_REDIRECTS,
	    "follow 3xx redirects of the policy fetch (https only, at most "
	    "5) and take the policy at the target" },
	{ "policy-no-sni",	STS_BUG_POLICY_NO_SNI,
	    "fetch the policy by the host's address, sending no SNI (the "
	    "certificate is still checked for the policy host's name)" },
	{ "policy-legacy-tls",	STS_BUG_POLICY_LEGACY_TLS,
	    "fetch the policy over TLS 1.0 or 1.1 too" },
	{ "fetch-no-timeout",	STS_BUG_FETCH_NO_TIMEOUT,
	    "wait on the policy host as long as the delivery attempt lasts: "
	    "no fetch timeout of its own" },
	{ "allow-legacy-tls",	STS_BUG_ALLOW_LEGACY_TLS,
	    "under enforce, accept a TLS 1.0 or 1.1 session with the MX" },
	{ "backup-any-mx",	STS_BUG_BACKUP_ANY_MX,
	    "under enforce, when every MX the policy lists fails, try the "
	    "MX hosts it does not list" },
	{ "tempfail-plaintext-retry", STS_BUG_TEMPFAIL_PLAINTEXT,
	    "under enforce, when an MX answers 4xx inside TLS, retry it "
	    "and the other MX hosts as opportunistic TLS does, plaintext "
	    "included" },
	{ "tempfail-no-next-mx", STS_BUG_TEMPFAIL_NO_NEXT_MX,
	    "defer the message at the first MX that answers 4xx in the "
	    "transaction, without trying the next MX" },
	{ "mx-cert-case-sensitive", STS_BUG_CERT_CASE_SENSITIVE,
	    "compare the MX certificate's DNS-IDs with the MX host name "
	    "byte for byte, case included" },
	{ "http-conditional",	STS_BUG_HTTP_CONDITIONAL,
	    "refetch a cached policy with a conditional GET "
	    "(If-Modified-Since its fetch time) and keep applying it when "
	    "the host answers 304 Not Modified" },
	{ "no-alert",		STS_BUG_NO_ALERT,
	    "never alert the operator (alerts.log) when the refresh of a "
	    "cached policy fails" },
	{ "sts-overrides-dane",	STS_BUG_STS_OVERRIDES_DANE,
	    "when DANE authentication of an MX host fails, try it under "
	    "MTA-STS (PKIX) instead and deliver if that passes" },
	{ "dane-insecure-tlsa",	STS_BUG_DANE_INSECURE_TLSA,
	    "look up TLSA for every MX host and use the records whether or "
	    "not the DNS answers were DNSSEC-secure" },
	{ "dane-ignored",	STS_BUG_DANE_IGNORED,
	    "never look up TLSA records: MTA-STS alone, whatever DNSSEC "
	    "says" },
	{ NULL,			0,	NULL },
};

static bool
sts_decide_cache_usable(const char *cache_id, bool cache_expired)
{
	return cache_id != NULL && !cache_expired;
}

enum sts_decide_source
sts_decide_discovery(const char *txt_id, const char *cache_id,
    bool cache_expired, sts_bugs bugs)
{
	if (txt_id == NULL) {
		/*
		 * §3.1: a missing or bad record alone evicts nothing;
		 * §3.3: a valid cached policy still applies.
		 */
		if (sts_decide_cache_usable(cache_id, cache_expired) &&
		    !(bugs & STS_BUG_CACHE_NEEDS_TXT))
			return STS_DECIDE_USE_CACHE;
		/* §3.1: "skip the remaining steps of policy discovery" */
		if (bugs & STS_BUG_FETCH_WITHOUT_TXT)
			return STS_DECIDE_FETCH;
		return STS_DECIDE_NO_POLICY;
	}
	/* §3.1: ids compare for equality only; a new id means refetch */
	if (sts_decide_cache_usable(cache_id, cache_expired) &&
	    (strcmp(txt_id, cache_id) == 0 ||
	    (bugs & STS_BUG_CACHE_IGNORES_ID)))
		return STS_DECIDE_USE_CACHE;
	return STS_DECIDE_FETCH;
}

enum sts_decide_source
sts_decide_after_fetch(bool fetched_ok, const char *cache_id,
    bool cache_expired, sts_bugs bugs)
{
	if (fetched_ok)
		return STS_DECIDE_USE_FETCHED;
	/* §3.3 (R-3.3-11): no live policy, but a valid cached one */
	if (sts_decide_cache_usable(cache_id, cache_expired) &&
	    !(bugs & STS_BUG_NEWID_FAILURE_DROPS))
		return STS_DECIDE_USE_CACHE;
	/* §3.3 (R-3.3-10): as if the domain had no MTA-STS */
	if (bugs & STS_BUG_FETCH_FAILURE_DEFERS)
		return STS_DECIDE_WITHHOLD;
	return STS_DECIDE_NO_POLICY;
}

void
sts_decide_rules(bool have_policy, enum sts_mode mode, sts_bugs bugs,
    struct sts_decide_rules *r)
{
	memset(r, 0, sizeof(*r));
	/* §7.1: SMTP clients MUST support SNI, policy or not */
	r->send_sni = !(bugs & STS_BUG_NO_SNI);
	/* §4.2, RFC 6125 §6.4.3: a whole-label wildcard DNS-ID is valid */
	r->cert_wildcards = !(bugs & STS_BUG_NO_WILDCARD_CERT);
	/* §4.2: the name is a DNS-ID in the SAN, never the CN */
	r->cert_cn_fallback = (bugs & STS_BUG_CN_FALLBACK) != 0;
	/* RFC 6125 §6.4.1: DNS names compare case-insensitively */
	r->cert_name_exact = (bugs & STS_BUG_CERT_CASE_SENSITIVE) != 0;
	/* RFC 5280 §6: a path may run through intermediates */
	r->cert_chain = !(bugs & STS_BUG_NO_CHAIN);
	if (bugs & STS_BUG_WILDCARD_SUFFIX)
		r->mx_match_flags |= MX_MATCH_WILDCARD_SUFFIX;
	if (bugs & STS_BUG_WILDCARD_LITERAL)
		r->mx_match_flags |= MX_MATCH_WILDCARD_LITERAL;
	if (bugs & STS_BUG_MX_CASE_SENSITIVE)
		r->mx_match_flags |= MX_MATCH_CASE_SENSITIVE;
	/*
	 * Opportunistic TLS (no policy, testing, none) retries a failed
	 * handshake in the clear, as Exim's tls_tempfail_tryclear does;
	 * §5: enforce never delivers in the clear
	 */
	r->plain_after_tls_failure = true;
	/* RFC 7435: for opportunistic TLS, any TLS beats plaintext */
	r->legacy_tls = true;
	/* RFC 5321 §5.1: try each address "until a delivery attempt
	 * succeeds"; a transient refusal is not a success */
	r->next_after_tempfail = !(bugs & STS_BUG_TEMPFAIL_NO_NEXT_MX);
	if (!have_policy)
		return;
	if (mode == STS_MODE_TESTING && (bugs & STS_BUG_TESTING_AS_ENFORCE))
		mode = STS_MODE_ENFORCE;
	switch (mode) {
	case STS_MODE_ENFORCE:
		/* §4, §5: name match, STARTTLS and a valid certificate */
		r->check_mx = !(bugs & STS_BUG_NO_MX_MATCH);
		r->report_mx = r->check_mx;
		r->require_tls = !(bugs & STS_BUG_STARTTLS_FALLBACK);
		r->plain_after_tls_failure = !r->require_tls;
		r->require_verify = !(bugs & STS_BUG_NO_CERT_CHECK);
		/*
		 * §4.1, §4.2: the MX host matches a pattern, and the
		 * certificate names that host; the mutant lets the
		 * certificate check stand for both
		 */
		if (bugs & STS_BUG_CERT_ANY_POLICY_NAME) {
			r->check_mx = false;
			r->cert_policy_names = true;
		}
		/* §7.2, RFC 8996: TLS 1.2 or later, never 1.0 or 1.1 */
		r->legacy_tls = (bugs & STS_BUG_ALLOW_LEGACY_TLS) != 0;
		/* §5: a 4xx inside TLS is no licence for plaintext */
		r->plain_after_tempfail = (bugs & STS_BUG_TEMPFAIL_PLAINTEXT)
		    != 0;
		/* §4.1, §5: an unlisted MX is never a fallback */
		r->unlisted_last = (bugs & STS_BUG_BACKUP_ANY_MX) != 0;
		return;
	case STS_MODE_TESTING:
		/* §5: check and report, but deliver anyway */
		r->report_mx = true;
		return;
	case STS_MODE_NONE:
		/* §5: as if no active policy */
		return;
	default:
		fatalx("sts_decide_rules: bad mode %d", (int)mode);
	}
}

bool
sts_decide_literal_enforce(sts_bugs bugs)
{
	return (bugs & STS_BUG_LITERAL_ENFORCE) != 0;
}

/*
 * sts_decide_refresh - RFC 8461 §3.3 (R-3.3-12): a cached policy in use is
 * refreshed once it is a day old, well before any sane max_age ends
 */
bool
sts_decide_refresh(int64_t cache_age, sts_bugs bugs)
{
	if (bugs & STS_BUG_NO_REFRESH)
		return false;
	return cache_age >= STS_REFRESH_AFTER_SECS;
}

bool
sts_decide_alert(enum sts_mode cached_mode, sts_bugs bugs)
{
	if (bugs & STS_BUG_NO_ALERT)
		return false;
	return cached_mode != STS_MODE_NONE;
}

bool
sts_decide_policy_verify(sts_bugs bugs)
{
	return !(bugs & STS_BUG_POLICY_NO_VERIFY);
}

bool
sts_decide_policy_host_check(sts_bugs bugs)
{
	return !(bugs & STS_BUG_POLICY_NO_HOST_CHECK);
}

bool
sts_decide_dns_tcp(sts_bugs bugs)
{
	return !(bugs & STS_BUG_DNS_NO_TCP);
}

bool
sts_decide_policy_by_mx(sts_bugs bugs)
{
	return (bugs & STS_BUG_POLICY_BY_MX_HOST) != 0;
}

bool
sts_decide_parent_fallback(sts_bugs bugs)
{
	return (bugs & STS_BUG_PARENT_DOMAIN_POLICY) != 0;
}

bool
sts_decide_relay_recipient_policy(sts_bugs bugs)
{
	return (bugs & STS_BUG_RELAY_RECIPIENT_POLICY) != 0;
}

bool
sts_decide_queue_blocked(sts_bugs bugs)
{
	return !(bugs & STS_BUG_NO_RETRY);
}

/*
 * sts_decide_dane_trusted - whether an answer counts as DNSSEC-secure: AD
 * set (RFC 7672 §2.1), or anything in the mutant dane-insecure-tlsa
 */
static bool
sts_decide_dane_trusted(bool secure, sts_bugs bugs)
{
	return secure || (bugs & STS_BUG_DANE_INSECURE_TLSA) != 0;
}

bool
sts_decide_dane_lookup(bool mx_secure, bool addr_secure, sts_bugs bugs)
{
	if (bugs & STS_BUG_DANE_IGNORED)
		return false;
	/* RFC 7672 §2.2.1, §2.2.2: insecure MX or address: no TLSA */
	return sts_decide_dane_trusted(mx_secure, bugs) &&
	    sts_decide_dane_trusted(addr_secure, bugs);
}

enum sts_decide_dane
sts_decide_dane(bool mx_secure, bool addr_secure, enum sts_dns_result res,
    bool tlsa_secure, size_t nusable, sts_bugs bugs)
{
	if (!sts_decide_dane_lookup(mx_secure, addr_secure, bugs))
		return STS_DANE_OFF;
	switch (res) {
	case STS_DNS_OK:
		/* §2.2: insecure TLSA RRs are as good as none */
		if (!sts_decide_dane_trusted(tlsa_secure, bugs))
			return STS_DANE_OFF;
		/* §2.2: no usable record: authenticated TLS not mandatory */
		return nusable > 0 ? STS_DANE_REQUIRED : STS_DANE_OFF;
	case STS_DNS_NODATA:
	case STS_DNS_NXDOMAIN:
		/* a secure denial, or an insecure one: no DANE */
		return STS_DANE_OFF;
	case STS_DNS_ERROR:
		/* §2.2: a failed TLSA lookup of a secure host is fatal */
		return STS_DANE_UNUSABLE;
	default:
		fatalx("sts_decide_dane: bad DNS result %d", (int)res);
	}
}

bool
sts_decide_tlsa_usable(unsigned int usage, unsigned int selector,
    unsigned int mtype, size_t len)
{
	if (usage != STS_TLSA_DANE_TA && usage != STS_TLSA_DANE_EE)
		return false;
	if (selector != STS_TLSA_SEL_CERT && selector != STS_TLSA_SEL_SPKI)
		return false;
	switch (mtype) {
	case STS_TLSA_MT_FULL:
		return len > 0 && len <= STS_DNS_TLSA_DATA_MAX;
	case STS_TLSA_MT_SHA256:
		return len == 32;
	case STS_TLSA_MT_SHA512:
		return len == 64;
	default:
		return false;
	}
}

bool
sts_decide_dane_fallback(sts_bugs bugs)
{
	return (bugs & STS_BUG_STS_OVERRIDES_DANE) != 0;
}

const char *
sts_decide_dane_str(enum sts_decide_dane d)
{
	switch (d) {
	case STS_DANE_OFF:
		return "off";
	case STS_DANE_REQUIRED:
		return "required";
	case STS_DANE_UNUSABLE:
		return "unusable";
	default:
		fatalx("sts_decide_dane_str: bad decision %d", (int)d);
	}
}

int
sts_decide_bug_parse(const char *name, sts_bugs *flag)
{
	const struct sts_decide_bug	*b;

	for (b = sts_decide_bugs; b->name != NULL; b++)
		if (strcmp(b->name, name) == 0) {
			*flag = b->flag;
			return 0;
		}
	return -1;
}

const char *
sts_decide_bug_name(sts_bugs flag)
{
	const struct sts_decide_bug	*b;

	for (b = sts_decide_bugs; b->name != NULL; b++)
		if (b->flag == flag)
			return b->name;
	return NULL;
}

void
sts_decide_bug_list(FILE *fp)
{
	const struct sts_decide_bug	*b;

	for (b = sts_decide_bugs; b->name != NULL; b++)
		fprintf(fp, "  %-20s %s\n", b->name, b->description);
}

const char *
sts_decide_source_str(enum sts_decide_source src)
{
	switch (src) {
	case STS_DECIDE_NO_POLICY:
		return "no-policy";
	case STS_DECIDE_USE_CACHE:
		return "cache";
	case STS_DECIDE_FETCH:
		return "fetch";
	case STS_DECIDE_USE_FETCHED:
		return "fetched";
	case STS_DECIDE_WITHHOLD:
		return "withhold";
	default:
		fatalx("sts_decide_source_str: bad source %d", (int)src);
	}
}
