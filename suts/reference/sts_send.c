/* SPDX-License-Identifier: ISC */
/*
 * sts_send.c -- one delivery attempt of the reference sender: discover the
 * policy (RFC 8461 §3, §5.1), then walk the MX candidates in preference
 * order applying it (§4, §5); an address-literal recipient has neither
 * (§3.4) and goes straight to its address. The decisions themselves live in
 * sts_decide.c; this module gathers their inputs, logs every one of them
 * to stderr and carries them out. Owns the resolver and TLS context.
 */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "../../common/file.h"
#include "../../common/log.h"
#include "mx_match.h"
#include "policy_cache.h"
#include "policy_fetch.h"
#include "smtp_client.h"
#include "../../common/str.h"
#include "sts_decide.h"
#include "sts_dns.h"
#include "sts_policy.h"
#include "sts_record.h"
#include "sts_send.h"
#include "../../common/tls_ctx.h"

#define STS_SEND_TXT_PREFIX	"_mta-sts."	/* RFC 8461 §3.1 */
#define STS_SEND_HOST_PREFIX	"mta-sts."	/* RFC 8461 §3.2 */
#define STS_SEND_TLS_LEVEL	2	/* OpenSSL security level: 112 bits */
#define STS_SEND_TLSA_PREFIX	"_25._tcp."	/* RFC 7672 §2.2.3 */

struct sts_send_ctx {
	const struct sts_send_config	*cfg;
	struct sts_send_result		*res;
	struct sts_dns			*dns;
	SSL_CTX				*tls;
	int64_t				 deadline;
	char				*data;
	size_t				 data_len;
	bool				 have_policy;
	bool				 withhold;	/* defer, try no MX */
	struct sts_policy		 policy;
	/* the next hop, whose MX are the candidates: the smart host, if any */
	char				 hop[DNS_NAME_MAX + 1];
	/* the policy domain discovery works on: the next hop's (§3.4) */
	char				 pdomain[DNS_NAME_MAX + 1];
};

static void	sts_send_set(struct sts_send_result *, enum sts_send_outcome,
		    const char *, ...) __attribute__((format(printf, 3, 4)));
static int64_t	sts_send_left_ms(const struct sts_send_ctx *);
static void	sts_send_dns_budget(struct sts_send_ctx *);
static bool	sts_send_txt(struct sts_send_ctx *, struct sts_record *);
static unsigned int sts_send_policy_flags(sts_bugs);
static unsigned int sts_send_record_flags(sts_bugs);
static int	sts_send_fetch_bounded(struct sts_send_ctx *, const char *,
		    int64_t, int64_t, struct sts_policy *, char **, size_t *,
		    struct err *);
static int	sts_send_fetch(struct sts_send_ctx *, int64_t,
		    struct sts_policy *, char **, size_t *, struct err *);
static void	sts_send_alert(struct sts_send_ctx *,
		    const struct policy_cache_entry *, const struct err *);
static void	sts_send_discover(struct sts_send_ctx *);
static void	sts_send_policy_key(struct sts_send_ctx *, char *, size_t);
static bool	sts_send_parent(struct sts_send_ctx *);
static void	sts_send_deliver(struct sts_send_ctx *);
static enum smtp_client_result sts_send_candidate(struct sts_send_ctx *,
		    const char *, bool, const struct sts_decide_rules *, bool *,
		    bool *, struct err *);
static int	sts_send_policy_check(struct sts_send_ctx *, const char *,
		    const struct sts_decide_rules *, bool *, struct err *);
static enum smtp_client_result sts_send_dane(struct sts_send_ctx *,
		    const char *, bool, const struct sts_dns_addr *,
		    const struct sts_decide_rules *, bool *, bool *,
		    struct err *);
static size_t	sts_send_tlsa(struct sts_send_ctx *, const char *,
		    struct sts_dns_tlsa *, struct smtp_client_tlsa *,
		    enum sts_dns_result *);
static enum smtp_client_result sts_send_addrs(struct sts_send_ctx *,
		    const char *, const struct sts_dns_addr *,
		    const struct sts_decide_rules *,
		    const struct smtp_client_tlsa *, size_t, bool *,
		    struct err *);
static void	sts_send_literal(struct sts_send_ctx *);
static enum smtp_client_result sts_send_walk(struct sts_send_ctx *,
		    const struct sts_dns_mx *, struct sts_decide_rules *,
		    bool *, bool, struct err *);
static enum smtp_client_result sts_send_cleartext(struct sts_send_ctx *,
		    const char *, const char *, const struct in_addr *,
		    struct smtp_client_params *, struct err *);

static void
sts_send_set(struct sts_send_result *res, enum sts_send_outcome outcome,
    const char *fmt, ...)
{
	va_list	ap;

	res->outcome = outcome;
	va_start(ap, fmt);
	if (vsnprintf(res->detail, sizeof(res->detail), fmt, ap) < 0)
		res->detail[0] = '\0';
	va_end(ap);
}

static int64_t
sts_send_left_ms(const struct sts_send_ctx *ctx)
{
	return ctx->deadline - smtp_client_now_ms();
}

/* sts_send_dns_budget - no DNS try may outlive the attempt's budget */
static void
sts_send_dns_budget(struct sts_send_ctx *ctx)
{
	int64_t	left = sts_send_left_ms(ctx) / STS_DNS_TRIES;

	sts_dns_set_timeout(ctx->dns, left > STS_DNS_TIMEOUT_MS ?
	    STS_DNS_TIMEOUT_MS : (int)left);
}

/* sts_send_policy_flags - how the mutants read a policy (STS_POLICY_*) */
/* sts_send_record_flags - the STS_RECORD_* flags of the mutants in bugs */
static unsigned int
sts_send_record_flags(sts_bugs bugs)
{
	unsigned int	flags = 0;

	if (bugs & STS_BUG_FIRST_TXT)
		flags |= STS_RECORD_FIRST_STS;
	if (bugs & STS_BUG_TXT_COUNT_ALL)
		flags |= STS_RECORD_COUNT_ALL;
	if (bugs & STS_BUG_TXT_ANY_ORDER)
		flags |= STS_RECORD_ANY_ORDER;
	if (bugs & STS_BUG_TXT_LENIENT)
		flags |= STS_RECORD_LENIENT;
	return flags;
}

static unsigned int
sts_send_policy_flags(sts_bugs bugs)
{
	unsigned int	f = 0;

	if (bugs & STS_BUG_REJECT_UNKNOWN_KEYS)
		f |= STS_POLICY_NO_UNKNOWN_KEYS;
	if (bugs & STS_BUG_LAST_KEY_WINS)
		f |= STS_POLICY_LAST_KEY_WINS;
	if (bugs & STS_BUG_CRLF_ONLY)
		f |= STS_POLICY_CRLF_ONLY;
	if (bugs & STS_BUG_MODE_CASE_INSENSITIVE)
		f |= STS_POLICY_MODE_ANY_CASE;
	if (bugs & STS_BUG_POLICY_LENIENT)
		f |= STS_POLICY_LENIENT;
	if (bugs & STS_BUG_MAX_AGE_LOOSE)
		f |= STS_POLICY_LOOSE_NUMBER;
	if (bugs & STS_BUG_NONE_NEEDS_MX)
		f |= STS_POLICY_NONE_NEEDS_MX;
	return f;
}

/* sts_send_txt - the _mta-sts TXT lookup and §3.1 selection */
static bool
sts_send_txt(struct sts_send_ctx *ctx, struct sts_record *rec)
{
	char			name[DNS_NAME_MAX + 1];
	struct sts_dns_txt	txt;
	enum sts_dns_result	dres;
	enum sts_record_status	rst;
	struct err		err;

	err_clear(&err);
	if (str_fmt(name, sizeof(name), "%s%s", STS_SEND_TXT_PREFIX,
	    ctx->pdomain) == -1) {
		log_warnx("discovery: %s%s: name too long",
		    STS_SEND_TXT_PREFIX, ctx->pdomain);
		return false;
	}
	sts_send_dns_budget(ctx);
	dres = sts_dns_txt(ctx->dns, name, &txt, &err);
	if (dres != STS_DNS_OK) {
		log_info("discovery: TXT %s: %s (%s)", name,
		    sts_dns_result_str(dres), err.msg);
		return false;
	}
	rst = sts_record_select_flags((const char *const *)txt.txt, txt.len,
	    txt.n, sts_send_record_flags(ctx->cfg->bugs), rec, &err);
	sts_dns_txt_clear(&txt);
	if (rst != STS_RECORD_FOUND) {
		log_warnx("discovery: TXT %s: %s: %s; no valid record",
		    name, sts_record_status_str(rst), err.msg);
		return false;
	}
	log_info("discovery: TXT %s: valid STS record, id=%s", name, rec->id);
	return true;
}

/*
 * sts_send_fetch - resolve mta-sts.D ourselves, GET the policy, parse it.
 * On 0, *pol is valid and *body (caller frees) is the raw text to cache.
 * The GET is never conditional (RFC 8461 §3.3, R-3.3-7: no HTTP caching);
 * only the mutant http-conditional sends If-Modified-Since cached (the
 * cached policy's fetch time, 0: none) and returns 1 on a 304. On -1,
 * why says what failed.
 */
static int
sts_send_fetch(struct sts_send_ctx *ctx, int64_t cached, struct sts_policy *pol,
    char **body, size_t *len, struct err *why)
{
	char			 host[DNS_NAME_MAX + 1];
	struct sts_dns_addr	 addr;
	struct policy_fetch_req	 req;
	enum sts_dns_result	 dres;
	struct err		 err;
	int64_t			 budget;
	bool			 not_modified;

	err_clear(&err);
	*body = NULL;
	if (str_fmt(host, sizeof(host), "%s%s", STS_SEND_HOST_PREFIX,
	    ctx->pdomain) == -1) {
		(void)err_set(why, ERR_RANGE, "%s%s: name too long",
		    STS_SEND_HOST_PREFIX, ctx->pdomain);
		log_warnx("fetch: %s", why->msg);
		return -1;
	}
	sts_send_dns_budget(ctx);
	if ((dres = sts_dns_a(ctx->dns, host, &addr, &err)) != STS_DNS_OK) {
		(void)err_set(why, ERR_NOTFOUND, "policy host %s: %s (%s)",
		    host, sts_dns_result_str(dres), err.msg);
		log_warnx("fetch: %s", why->msg);
		return -1;
	}
	/*
	 * RFC 8461 §3.3 lets a sender bound the fetch: at most
	 * STS_SEND_FETCH_MS_MAX, and never more than half of what is left,
	 * so a policy host that stalls leaves time to deliver without it
	 */
	budget = sts_send_left_ms(ctx);
	if (!(ctx->cfg->bugs & STS_BUG_FETCH_NO_TIMEOUT)) {
		budget /= 2;
		if (budget > STS_SEND_FETCH_MS_MAX)
			budget = STS_SEND_FETCH_MS_MAX;
	}
	req.domain = ctx->pdomain;
	req.addr = &addr.addr[0];
	req.port = ctx->cfg->https_port;
	req.cafile = ctx->cfg->ca_file;
	req.timeout_ms = budget > 0 ? (long)budget : 1;
	req.bugs = 0;
	req.since = 0;
	if ((ctx->cfg->bugs & STS_BUG_HTTP_CONDITIONAL) && cached > 0) {
		log_warnx("MUTANT: the policy GET carries If-Modified-Since "
		    "(the cached policy's fetch time, %lld)",
		    (long long)cached);
		req.bugs |= POLICY_FETCH_CONDITIONAL;
		req.since = cached;
	}
	if (ctx->cfg->bugs & STS_BUG_ANY_2XX)
		req.bugs |= POLICY_FETCH_ANY_2XX;
	if (ctx->cfg->bugs & STS_BUG_ANY_CONTENT_TYPE)
		req.bugs |= POLICY_FETCH_ANY_TYPE;
	if (ctx->cfg->bugs & STS_BUG_CONTENT_TYPE_EXACT)
		req.bugs |= POLICY_FETCH_EXACT_TYPE;
	if (!sts_decide_policy_verify(ctx->cfg->bugs))
		req.bugs |= POLICY_FETCH_NO_VERIFY;
	if (!sts_decide_policy_host_check(ctx->cfg->bugs))
		req.bugs |= POLICY_FETCH_NO_HOST_CHECK;
	if (ctx->cfg->bugs & STS_BUG_FOLLOW_REDIRECTS)
		req.bugs |= POLICY_FETCH_FOLLOW;
	if (ctx->cfg->bugs & STS_BUG_POLICY_NO_SNI)
		req.bugs |= POLICY_FETCH_NO_SNI;
	if (ctx->cfg->bugs & STS_BUG_POLICY_LEGACY_TLS)
		req.bugs |= POLICY_FETCH_LEGACY_TLS;
	if (policy_fetch_get(&req, body, len, &not_modified, &err) == -1) {
		(void)err_set(why, err.code, "%s", err.msg);
		log_warnx("fetch: policy fetch failed: %s", err.msg);
		return -1;
	}
	if (not_modified) {
		log_warnx("MUTANT: 304 Not Modified from %s: the cached policy "
		    "is taken as current", host);
		return 1;
	}
	if (sts_policy_parse_flags(*body, *len, pol,
	    sts_send_policy_flags(ctx->cfg->bugs), &err) == -1) {
		(void)err_set(why, err.code, "policy from %s is invalid: %s",
		    host, err.msg);
		log_warnx("fetch: %s", why->msg);
		free(*body);
		*body = NULL;
		return -1;
	}
	log_info("fetch: policy from %s: mode=%s max_age=%lu mx=%zu", host,
	    sts_policy_mode_str(pol->mode), pol->max_age, pol->nmx);
	return 0;
}

/*
 * sts_send_policy_key - what the cached policy is kept under: the policy
 * domain (RFC 8461 §3.4), or in the mutant policy-by-mx-host the first MX
 * host of the domain, as a sender that groups destinations by MX does
 */
static void
sts_send_policy_key(struct sts_send_ctx *ctx, char *key, size_t size)
{
	struct sts_dns_mx	*mx;
	struct err		 err;

	if (str_copy(key, ctx->pdomain, size) == -1)
		fatalx("sts_send_policy_key: domain too long");
	if (!sts_decide_policy_by_mx(ctx->cfg->bugs))
		return;
	mx = xcalloc(1, sizeof(*mx));
	err_clear(&err);
	sts_send_dns_budget(ctx);
	if (sts_dns_mx(ctx->dns, ctx->pdomain, mx, &err) == STS_DNS_OK &&
	    mx->n > 0 && mx->rr[0].host[0] != '\0' &&
	    str_copy(key, mx->rr[0].host, size) == 0)
		log_warnx("MUTANT: the policy of %s is keyed by its MX host %s",
		    ctx->pdomain, key);
	else if (str_copy(key, ctx->pdomain, size) == -1)
		fatalx("sts_send_policy_key: domain too long");
	free(mx);
}

/*
 * sts_send_parent - the mutant parent-domain-policy: make the parent of
 * the policy domain (one label less, never a top-level name) the policy
 * domain; false if it has none
 */
static bool
sts_send_parent(struct sts_send_ctx *ctx)
{
	const char	*dot = strchr(ctx->pdomain, '.');
	char		 parent[DNS_NAME_MAX + 1];

	if (dot == NULL || strchr(dot + 1, '.') == NULL ||
	    str_copy(parent, dot + 1, sizeof(parent)) == -1)
		return false;
	log_warnx("MUTANT: %s has no policy; trying its parent %s",
	    ctx->pdomain, parent);
	(void)str_copy(ctx->pdomain, parent, sizeof(ctx->pdomain));
	return true;
}

/*
 * sts_send_fetch_bounded - fetch the policy, unless a fetch under the same
 * TXT id failed less than STS_FETCH_RETRY_SECS ago (RFC 8461 §3.3,
 * R-3.3-8: wait five minutes before retrying); a failure is remembered.
 * Returns what sts_send_fetch does (1 only for the mutant http-conditional);
 * on -1 why says what failed, or is clear when no fetch was tried
 */
static int
sts_send_fetch_bounded(struct sts_send_ctx *ctx, const char *txt_id,
    int64_t now, int64_t cached, struct sts_policy *fetched, char **body,
    size_t *len, struct err *why)
{
	const struct sts_send_config	*cfg = ctx->cfg;
	struct err			 err;
	int				 rc;

	err_clear(why);
	if (txt_id == NULL || cfg->state_dir == NULL)
		return sts_send_fetch(ctx, cached, fetched, body, len, why);
	if (!(cfg->bugs & STS_BUG_NO_FETCH_BACKOFF) &&
	    policy_cache_fail_recent(cfg->state_dir, ctx->hop, txt_id, now,
	    STS_FETCH_RETRY_SECS)) {
		log_info("fetch: the policy of %s under id %s failed less "
		    "than %d s ago; not retrying yet", ctx->hop, txt_id,
		    STS_FETCH_RETRY_SECS);
		return -1;
	}
	if ((rc = sts_send_fetch(ctx, cached, fetched, body, len, why)) >= 0)
		return rc;
	err_clear(&err);
	if (policy_cache_fail_mark(cfg->state_dir, ctx->hop, txt_id, now,
	    &err) == -1)
		log_warnx("cache: cannot record the failed fetch: %s", err.msg);
	return -1;
}

/*
 * sts_send_alert - RFC 8461 §3.3 (R-3.3-13): the refresh of the cached
 * policy ent failed and it is kept: tell the operator, unless its mode is
 * none, by a line appended to STATE_DIR/alerts.log (the adapter's alerts
 * verb prints and empties it) and to the log. One write(2) per line, so
 * lines from two deliveries never mix.
 */
static void
sts_send_alert(struct sts_send_ctx *ctx, const struct policy_cache_entry *ent,
    const struct err *why)
{
	const struct sts_send_config	*cfg = ctx->cfg;
	char				 line[1024], path[1024], until[32];
	char				 reason[ERR_MSG_MAX];
	time_t				 t;
	struct tm			 tm;
	size_t				 i;
	ssize_t				 n;
	int				 fd;

	if (!sts_decide_alert(ent->policy.mode, cfg->bugs)) {
		log_info("alert: none: the cached policy's mode is %s%s",
		    sts_policy_mode_str(ent->policy.mode),
		    (cfg->bugs & STS_BUG_NO_ALERT) ? " (MUTANT: no-alert)" :
		    "");
		return;
	}
	/* the reason is one line of printable text */
	(void)str_copy(reason, why->msg, sizeof(reason));
	for (i = 0; reason[i] != '\0'; i++)
		if ((unsigned char)reason[i] < 0x20 ||
		    (unsigned char)reason[i] > 0x7e)
			reason[i] = '?';
	t = (time_t)(ent->fetched_at + (int64_t)ent->policy.max_age);
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(until, sizeof(until), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		(void)str_copy(until, "its max_age ends", sizeof(until));
	(void)str_fmt(line, sizeof(line), "sts-send: WARNING: MTA-STS policy "
	    "refresh for %s failed: %s; keeping the cached policy until %s\n",
	    ctx->pdomain, reason, until);
	log_warnx("alert: %.*s", (int)strcspn(line, "\n"), line);
	if (cfg->state_dir == NULL)
		return;
	if (str_fmt(path, sizeof(path), "%s/alerts.log", cfg->state_dir) ==
	    -1) {
		log_warnx("alert: %s/alerts.log: path too long",
		    cfg->state_dir);
		return;
	}
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0644)) == -1) {
		log_warn("alert: %s", path);
		return;
	}
	if ((n = write(fd, line, strlen(line))) == -1 ||
	    (size_t)n != strlen(line))
		log_warnx("alert: %s: short write", path);
	(void)close(fd);
}

/* sts_send_discover - decide which policy applies, if any */
static void
sts_send_discover(struct sts_send_ctx *ctx)
{
	const struct sts_send_config	*cfg = ctx->cfg;
	struct policy_cache_entry	*ent;
	struct sts_policy		*fetched;
	struct sts_record		 rec;
	struct err			 err, why;
	enum sts_decide_source		 src;
	const char			*cache_id = NULL, *txt_id = NULL;
	bool				 expired = false;
	int64_t				 now;
	char				*body = NULL;
	char				 key[DNS_NAME_MAX + 1];
	size_t				 len = 0;
	int				 ok;

	ent = xcalloc(1, sizeof(*ent));
	fetched = xcalloc(1, sizeof(*fetched));
	err_clear(&err);
	if (policy_cache_now(cfg->state_dir, &now, &err) == -1)
		log_warnx("clock: %s; using the system clock", err.msg);
	sts_send_policy_key(ctx, key, sizeof(key));
	if (cfg->state_dir == NULL)
		log_info("cache: no state directory, nothing cached");
	else if (policy_cache_load_flags(cfg->state_dir, key,
	    sts_send_policy_flags(cfg->bugs), ent, &err) == 0) {
		cache_id = ent->id;
		expired = policy_cache_is_expired(ent, now);
		if ((cfg->bugs & STS_BUG_CACHE_ONE_HOUR) &&
		    now - ent->fetched_at >= STS_BUG_CACHE_ONE_HOUR_SECS)
			expired = true;
		if (cfg->bugs & STS_BUG_CACHE_NEVER_EXPIRES)
			expired = false;
		log_info("cache: policy id=%s mode=%s fetched %lld s ago, "
		    "max_age %lu: %s", ent->id,
		    sts_policy_mode_str(ent->policy.mode),
		    (long long)(now - ent->fetched_at), ent->policy.max_age,
		    expired ? "expired" : "valid");
	} else if (err.code == ERR_NOTFOUND)
		log_info("cache: no cached policy for %s", key);
	else
		log_warnx("cache: %s; treated as absent", err.msg);

	if (sts_send_txt(ctx, &rec))
		txt_id = rec.id;
	src = sts_decide_discovery(txt_id, cache_id, expired,
	    ctx->cfg->bugs);
	if (src == STS_DECIDE_USE_CACHE && txt_id != NULL &&
	    sts_decide_refresh(now - ent->fetched_at, cfg->bugs)) {
		/* §3.3 (R-3.3-12): refresh before it expires */
		log_info("cache: policy id=%s is %lld s old: refreshing",
		    ent->id, (long long)(now - ent->fetched_at));
		src = STS_DECIDE_FETCH;
	}
	if (src == STS_DECIDE_FETCH) {
		ok = sts_send_fetch_bounded(ctx, txt_id, now, cache_id != NULL ?
		    ent->fetched_at : 0, fetched, &body, &len, &why);
		/* 1: a 304 to the mutant's conditional GET (never otherwise) */
		src = ok == 1 && cache_id != NULL ? STS_DECIDE_USE_CACHE :
		    sts_decide_after_fetch(ok == 0, cache_id, expired,
		    cfg->bugs);
		/* a refresh was tried and failed: the cached policy holds */
		if (ok == -1 && why.code != 0 && cache_id != NULL &&
		    src == STS_DECIDE_USE_CACHE)
			sts_send_alert(ctx, ent, &why);
	}
	switch (src) {
	case STS_DECIDE_NO_POLICY:
		log_info("policy: none applies to %s; delivering as without "
		    "MTA-STS", ctx->pdomain);
		break;
	case STS_DECIDE_USE_CACHE:
		ctx->policy = ent->policy;
		ctx->have_policy = true;
		log_info("policy: applying the cached policy id=%s mode=%s",
		    ent->id, sts_policy_mode_str(ent->policy.mode));
		break;
	case STS_DECIDE_USE_FETCHED:
		ctx->policy = *fetched;
		ctx->have_policy = true;
		log_info("policy: applying the fetched policy id=%s mode=%s",
		    txt_id != NULL ? txt_id : "(no TXT record)",
		    sts_policy_mode_str(fetched->mode));
		if (cfg->state_dir == NULL || txt_id == NULL)
			break;
		if (policy_cache_store(cfg->state_dir, key, txt_id,
		    now, body, len, &err) == -1)
			log_warnx("cache: store failed: %s", err.msg);
		else
			log_info("cache: stored policy id=%s for %s", txt_id,
			    key);
		break;
	case STS_DECIDE_WITHHOLD:
		ctx->withhold = true;
		log_info("policy: none could be fetched for %s; withholding "
		    "the message", ctx->pdomain);
		break;
	case STS_DECIDE_FETCH:
	default:
		fatalx("sts_send_discover: bad source %d", (int)src);
	}
	free(body);
	free(fetched);
	free(ent);
}

/*
 * sts_send_policy_check - the policy's mx patterns for one MX host (RFC
 * 8461 §4.1): -1 (and *skipped) when enforce rules it out
 */
static int
sts_send_policy_check(struct sts_send_ctx *ctx, const char *host,
    const struct sts_decide_rules *rules, bool *skipped, struct err *err)
{
	int	m;

	if (!rules->check_mx && !rules->report_mx)
		return 0;
	m = mx_match_policy(&ctx->policy, host, rules->mx_match_flags);
	if (m >= 0)
		log_info("mx %s: matches policy mx \"%s\"", host,
		    ctx->policy.mx[m]);
	else if (rules->check_mx) {
		/* RFC 8461 §4.1, §5: never deliver there */
		log_warnx("mx %s: matches no policy mx pattern; "
		    "skipped (mode enforce)", host);
		(void)err_set(err, ERR_PROTO, "%s: not in the policy's "
		    "mx list", host);
		*skipped = true;
		return -1;
	} else
		log_warnx("mx %s: matches no policy mx pattern; "
		    "mode testing: proceeding, failure reported", host);
	return 0;
}

/*
 * sts_send_candidate - one MX host under the rules: policy, A, SMTP; or,
 * when the MX RRset was DNSSEC-secure (mx_secure), A, then DANE or the
 * policy (sts_send_dane). *skipped: the policy's mx patterns ruled it
 * out; *tls_tempfail: it answered 4xx inside TLS.
 */
static enum smtp_client_result
sts_send_candidate(struct sts_send_ctx *ctx, const char *host, bool mx_secure,
    const struct sts_decide_rules *rules, bool *skipped, bool *tls_tempfail,
    struct err *err)
{
	struct sts_dns_addr		 addr;
	enum sts_dns_result		 dres;
	bool				 dane;

	*skipped = false;
	*tls_tempfail = false;
	/* the naive sender does no DANE either */
	dane = !ctx->cfg->no_sts &&
	    sts_decide_dane_lookup(mx_secure, true, ctx->cfg->bugs);
	if (!dane) {
		if (!ctx->cfg->no_sts)
			log_info("mx %s: dane: insecure (MX RRset)", host);
		/* as without DANE: the policy rules before any address */
		if (sts_send_policy_check(ctx, host, rules, skipped,
		    err) == -1)
			return SMTP_CLIENT_FAILED;
	}
	sts_send_dns_budget(ctx);
	if ((dres = sts_dns_a(ctx->dns, host, &addr, err)) != STS_DNS_OK) {
		log_warnx("mx %s: address lookup: %s (%s)", host,
		    sts_dns_result_str(dres), err->msg);
		return SMTP_CLIENT_FAILED;
	}
	if (dane)
		return sts_send_dane(ctx, host, mx_secure, &addr, rules,
		    skipped, tls_tempfail, err);
	return sts_send_addrs(ctx, host, &addr, rules, NULL, 0, tls_tempfail,
	    err);
}

/*
 * sts_send_tlsa - the TLSA lookup of host (RFC 7672 §2.2.3): the answer
 * into *tlsa, its usable records into use[] (borrowing tlsa's data), each
 * unusable one logged; returns how many are usable
 */
static size_t
sts_send_tlsa(struct sts_send_ctx *ctx, const char *host,
    struct sts_dns_tlsa *tlsa, struct smtp_client_tlsa *use,
    enum sts_dns_result *dres)
{
	char		name[DNS_NAME_MAX + 1];
	struct err	err;
	size_t		i, n = 0;

	err_clear(&err);
	memset(tlsa, 0, sizeof(*tlsa));
	if (str_fmt(name, sizeof(name), "%s%s", STS_SEND_TLSA_PREFIX,
	    host) == -1) {
		log_warnx("mx %s: dane: TLSA name too long", host);
		*dres = STS_DNS_ERROR;
		return 0;
	}
	sts_send_dns_budget(ctx);
	*dres = sts_dns_tlsa(ctx->dns, name, tlsa, &err);
	if (*dres != STS_DNS_OK) {
		log_info("mx %s: dane: TLSA %s: %s%s (%s)", host, name,
		    sts_dns_result_str(*dres), tlsa->secure ? ", secure" : "",
		    err.msg);
		return 0;
	}
	for (i = 0; i < tlsa->n; i++) {
		if (!sts_decide_tlsa_usable(tlsa->rr[i].usage,
		    tlsa->rr[i].selector, tlsa->rr[i].mtype, tlsa->rr[i].len)) {
			log_info("mx %s: dane: TLSA %u %u %u (%zu octets) "
			    "unusable", host, (unsigned)tlsa->rr[i].usage,
			    (unsigned)tlsa->rr[i].selector,
			    (unsigned)tlsa->rr[i].mtype, tlsa->rr[i].len);
			continue;
		}
		use[n].usage = tlsa->rr[i].usage;
		use[n].selector = tlsa->rr[i].selector;
		use[n].mtype = tlsa->rr[i].mtype;
		use[n].data = tlsa->rr[i].data;
		use[n].len = tlsa->rr[i].len;
		n++;
	}
	return n;
}

/*
 * sts_send_dane - one MX host whose MX RRset was secure, its addresses
 * known (RFC 7672 §2.2): DANE-authenticated TLS when its TLSA RRset is
 * secure and usable, MTA-STS untouched (RFC 8461 §2); the host is
 * unusable when that fails or the TLSA lookup does; otherwise the policy
 * applies as to any host. Only the mutant sts-overrides-dane lets the
 * policy rescue a DANE failure.
 */
static enum smtp_client_result
sts_send_dane(struct sts_send_ctx *ctx, const char *host, bool mx_secure,
    const struct sts_dns_addr *addr, const struct sts_decide_rules *rules,
    bool *skipped, bool *tls_tempfail, struct err *err)
{
	struct sts_dns_tlsa		 tlsa;
	struct smtp_client_tlsa		 use[STS_DNS_TLSA_MAX];
	struct sts_decide_rules		 dr;
	enum sts_decide_dane		 d;
	enum sts_dns_result		 dres = STS_DNS_ERROR;
	enum smtp_client_result		 r;
	size_t				 n = 0;

	memset(&tlsa, 0, sizeof(tlsa));
	if (sts_decide_dane_lookup(mx_secure, addr->secure, ctx->cfg->bugs))
		n = sts_send_tlsa(ctx, host, &tlsa, use, &dres);
	d = sts_decide_dane(mx_secure, addr->secure, dres, tlsa.secure, n,
	    ctx->cfg->bugs);
	switch (d) {
	case STS_DANE_OFF:
		if (!addr->secure)
			log_info("mx %s: dane: insecure (address records)",
			    host);
		else if (dres == STS_DNS_OK && tlsa.secure)
			log_info("mx %s: dane: no usable TLSA (of %zu)", host,
			    tlsa.n);
		else if (tlsa.secure)
			log_info("mx %s: dane: no TLSA records (secure "
			    "denial)", host);
		else
			log_info("mx %s: dane: insecure (TLSA)", host);
		if (sts_send_policy_check(ctx, host, rules, skipped,
		    err) == -1)
			return SMTP_CLIENT_FAILED;
		return sts_send_addrs(ctx, host, addr, rules, NULL, 0,
		    tls_tempfail, err);
	case STS_DANE_UNUSABLE:
		/* RFC 7672 §2.2: as a failed DANE authentication */
		log_warnx("mx %s: dane: failed: TLSA lookup failed; host "
		    "unusable", host);
		(void)err_set(err, ERR_TLS, "%s: dane: failed: TLSA lookup "
		    "failed", host);
		r = SMTP_CLIENT_FAILED;
		break;
	case STS_DANE_REQUIRED:
		log_info("mx %s: dane: %zu usable TLSA; MTA-STS not consulted",
		    host, n);
		dr = *rules;
		dr.require_tls = true;
		dr.require_verify = true;
		dr.plain_after_tls_failure = false;
		dr.plain_after_tempfail = false;
		dr.legacy_tls = false;
		dr.cert_policy_names = false;
		r = sts_send_addrs(ctx, host, addr, &dr, use, n, tls_tempfail,
		    err);
		if (r != SMTP_CLIENT_FAILED)
			return r;
		log_warnx("mx %s: dane: failed: %s", host, err->msg);
		break;
	default:
		fatalx("sts_send_dane: bad decision %d", (int)d);
	}
	if (!sts_decide_dane_fallback(ctx->cfg->bugs))
		return SMTP_CLIENT_FAILED;
	log_warnx("MUTANT: DANE failed for %s; trying it under MTA-STS",
	    host);
	err_clear(err);
	if (sts_send_policy_check(ctx, host, rules, skipped, err) == -1)
		return SMTP_CLIENT_FAILED;
	return sts_send_addrs(ctx, host, addr, rules, NULL, 0, tls_tempfail,
	    err);
}

/*
 * sts_send_addrs - the addresses of one MX host in turn, under the rules,
 * until one answers: SMTP there, and the cleartext retry opportunistic
 * TLS allows. *tls_tempfail: it answered 4xx inside TLS.
 */
static enum smtp_client_result
sts_send_addrs(struct sts_send_ctx *ctx, const char *host,
    const struct sts_dns_addr *addr, const struct sts_decide_rules *rules,
    const struct smtp_client_tlsa *tlsa, size_t ntlsa, bool *tls_tempfail,
    struct err *err)
{
	struct smtp_client_params	 p;
	struct smtp_client_seen		 seen;
	const char			*names[STS_POLICY_MX_COUNT_MAX];
	enum smtp_client_result		 r = SMTP_CLIENT_FAILED;
	char				 ip[INET_ADDRSTRLEN];
	size_t				 i;
	int				 fd;

	p.host = host;
	p.helo = ctx->cfg->helo;
	p.from = ctx->cfg->from;
	p.rcpt = ctx->cfg->rcpt;
	p.data = ctx->data;
	p.data_len = ctx->data_len;
	p.tls = ctx->tls;
	p.require_tls = rules->require_tls;
	p.require_verify = rules->require_verify;
	p.send_sni = rules->send_sni;
	p.no_wildcards = !rules->cert_wildcards;
	p.cn_fallback = rules->cert_cn_fallback;
	p.name_exact = rules->cert_name_exact;
	p.no_chain = !rules->cert_chain;
	p.cert_names = NULL;
	p.ncert_names = 0;
	if (rules->cert_policy_names) {
		for (i = 0; i < ctx->policy.nmx; i++)
			names[i] = ctx->policy.mx[i];
		p.cert_names = names;
		p.ncert_names = ctx->policy.nmx;
	}
	p.skip_starttls = false;
	p.legacy_tls = rules->legacy_tls;
	p.tlsa = tlsa;
	p.ntlsa = ntlsa;
	p.seen = &seen;
	p.deadline_ms = ctx->deadline;
	for (i = 0; i < addr->n; i++) {
		if (inet_ntop(AF_INET, &addr->addr[i], ip, sizeof(ip)) == NULL)
			(void)str_copy(ip, "?", sizeof(ip));
		fd = smtp_client_connect(&addr->addr[i], ctx->cfg->smtp_port,
		    ctx->deadline, err);
		if (fd == -1) {
			log_warnx("mx %s [%s]: %s", host, ip, err->msg);
			continue;
		}
		log_info("mx %s [%s]: connected (tls %s, verify %s)", host, ip,
		    p.require_tls ? "required" : "opportunistic",
		    ntlsa > 0 ? "dane" : p.require_verify ? "required" :
		    "logged only");
		r = smtp_client_deliver(fd, &p, err);
		log_info("mx %s [%s]: %s: %s", host, ip,
		    smtp_client_result_str(r), err->msg);
		if (r == SMTP_CLIENT_FAILED && err->code == ERR_TLS &&
		    rules->plain_after_tls_failure && !p.require_tls)
			return sts_send_cleartext(ctx, host, ip, &addr->addr[i],
			    &p, err);
		*tls_tempfail = seen.tls && seen.tls_refusal / 100 == 4 &&
		    (r == SMTP_CLIENT_FAILED || r == SMTP_CLIENT_DEFERRED);
		if (*tls_tempfail && rules->plain_after_tempfail) {
			/* the mutant: as if the policy asked for nothing */
			p.require_tls = false;
			p.require_verify = false;
			return sts_send_cleartext(ctx, host, ip, &addr->addr[i],
			    &p, err);
		}
		return r;
	}
	return r;
}

/*
 * sts_send_cleartext - opportunistic TLS after a failed handshake: the
 * same MX again, without STARTTLS (Exim's tls_tempfail_tryclear). Never
 * under a policy that requires TLS (RFC 8461 §5).
 */
static enum smtp_client_result
sts_send_cleartext(struct sts_send_ctx *ctx, const char *host, const char *ip,
    const struct in_addr *addr, struct smtp_client_params *p,
    struct err *err)
{
	enum smtp_client_result	r;
	int			fd;

	log_warnx("mx %s [%s]: TLS failed (%s); opportunistic: retrying in "
	    "plaintext", host, ip, err->msg);
	err_clear(err);
	p->skip_starttls = true;
	fd = smtp_client_connect(addr, ctx->cfg->smtp_port, ctx->deadline,
	    err);
	if (fd == -1) {
		log_warnx("mx %s [%s]: %s", host, ip, err->msg);
		return SMTP_CLIENT_FAILED;
	}
	r = smtp_client_deliver(fd, p, err);
	log_info("mx %s [%s]: %s in plaintext: %s", host, ip,
	    smtp_client_result_str(r), err->msg);
	return r;
}

/*
 * sts_send_literal - a recipient at an address literal (user@[192.0.2.1]):
 * RFC 8461 §3.4 maps no policy to it, so no MX, TXT or policy lookup; the
 * message goes to that address as without MTA-STS (opportunistic TLS).
 * No SNI: RFC 6066 §3 does not allow an address as the HostName. The
 * mutant literal-enforce demands what an enforce policy would instead.
 */
static void
sts_send_literal(struct sts_send_ctx *ctx)
{
	const struct sts_send_config	*cfg = ctx->cfg;
	struct sts_decide_rules		 rules;
	struct sts_dns_addr		 addr;
	enum smtp_client_result		 r;
	struct err			 err;
	char				 host[INET_ADDRSTRLEN];
	bool				 tls_tempfail;

	err_clear(&err);
	memset(&addr, 0, sizeof(addr));
	if (smtp_client_literal_parse(cfg->domain, &addr.addr[0],
	    &err) == -1) {
		sts_send_set(ctx->res, STS_SEND_BOUNCED, "%s", err.msg);
		return;
	}
	addr.n = 1;
	if (inet_ntop(AF_INET, &addr.addr[0], host, sizeof(host)) == NULL)
		fatalx("sts_send_literal: inet_ntop");
	sts_decide_rules(false, STS_MODE_NONE, cfg->bugs, &rules);
	rules.send_sni = false;
	if (sts_decide_literal_enforce(cfg->bugs)) {
		log_warnx("MUTANT: %s is taken as under an enforce policy: "
		    "STARTTLS with a certificate valid for %s, or nothing",
		    cfg->domain, host);
		rules.require_tls = true;
		rules.require_verify = true;
		rules.plain_after_tls_failure = false;
		rules.legacy_tls = false;
	}
	log_info("mx: %s is an address literal: no MX lookup, the only "
	    "candidate is %s", cfg->domain, host);
	r = sts_send_addrs(ctx, host, &addr, &rules, NULL, 0, &tls_tempfail,
	    &err);
	switch (r) {
	case SMTP_CLIENT_DELIVERED:
		sts_send_set(ctx->res, STS_SEND_DELIVERED, "%s", err.msg);
		return;
	case SMTP_CLIENT_BOUNCED:
		sts_send_set(ctx->res, STS_SEND_BOUNCED, "%s", err.msg);
		return;
	case SMTP_CLIENT_DEFERRED:
	case SMTP_CLIENT_FAILED:
		sts_send_set(ctx->res, STS_SEND_DEFERRED, "%s: %s",
		    cfg->domain, err.msg);
		return;
	default:
		fatalx("sts_send_literal: bad result %d", (int)r);
	}
}

/* sts_send_deliver - MX candidates in preference order (RFC 8461 §5.1) */
static void
sts_send_deliver(struct sts_send_ctx *ctx)
{
	const struct sts_send_config	*cfg = ctx->cfg;
	struct sts_decide_rules		 rules;
	struct sts_dns_mx		*mx;
	enum sts_dns_result		 dres;
	enum smtp_client_result		 r;
	struct err			 err;
	size_t				 i;
	bool				 skipped[STS_DNS_MX_MAX];

	sts_decide_rules(ctx->have_policy, ctx->policy.mode, cfg->bugs,
	    &rules);
	mx = xcalloc(1, sizeof(*mx));
	err_clear(&err);
	sts_send_dns_budget(ctx);
	dres = sts_dns_mx(ctx->dns, ctx->hop, mx, &err);
	switch (dres) {
	case STS_DNS_OK:
		break;
	case STS_DNS_NODATA:
	case STS_DNS_NXDOMAIN:
		/* RFC 5321 §5.1: the implicit MX is the domain itself */
		log_info("mx: no MX records for %s (%s); implicit MX",
		    ctx->hop, sts_dns_result_str(dres));
		mx->n = 1;
		mx->rr[0].pref = 0;
		if (str_copy(mx->rr[0].host, ctx->hop,
		    sizeof(mx->rr[0].host)) == -1)
			fatalx("sts_send_deliver: domain too long");
		break;
	case STS_DNS_ERROR:
		sts_send_set(ctx->res, STS_SEND_DEFERRED, "MX lookup: %s",
		    err.msg);
		free(mx);
		return;
	default:
		fatalx("sts_send_deliver: bad DNS result %d", (int)dres);
	}
	if (mx->n == 1 && mx->rr[0].host[0] == '\0') {
		sts_send_set(ctx->res, STS_SEND_BOUNCED,
		    "%s publishes a null MX (RFC 7505)", ctx->hop);
		free(mx);
		return;
	}
	for (i = 0; i < mx->n; i++)
		log_info("mx: candidate %zu: %s (preference %u)", i + 1,
		    mx->rr[i].host, (unsigned)mx->rr[i].pref);
	sts_send_set(ctx->res, STS_SEND_DEFERRED, "no MX candidate");
	memset(skipped, 0, sizeof(skipped));
	r = sts_send_walk(ctx, mx, &rules, skipped, false, &err);
	if (r == SMTP_CLIENT_FAILED && rules.unlisted_last) {
		/* the mutant: what the policy ruled out, as a last resort */
		rules.check_mx = false;
		log_warnx("mx: every listed MX failed; trying the unlisted "
		    "ones (--bug backup-any-mx)");
		(void)sts_send_walk(ctx, mx, &rules, skipped, true, &err);
	}
	free(mx);
}

/*
 * sts_send_walk - the candidates in preference order (RFC 8461 §5.1),
 * until one delivers, bounces, or defers where the rules say to stop;
 * only those the policy skipped (skipped[i]) when unlisted. Sets the
 * outcome; SMTP_CLIENT_FAILED when none delivered nor bounced.
 */
static enum smtp_client_result
sts_send_walk(struct sts_send_ctx *ctx, const struct sts_dns_mx *mx,
    struct sts_decide_rules *rules, bool *skipped, bool unlisted,
    struct err *err)
{
	enum smtp_client_result	r;
	size_t			i, nskipped = 0, ndeferred = 0;
	bool			tls_tempfail;

	for (i = 0; i < mx->n; i++) {
		if (sts_send_left_ms(ctx) <= 0) {
			sts_send_set(ctx->res, STS_SEND_DEFERRED,
			    "time budget spent after %zu of %zu candidates; "
			    "last: %s", i, mx->n, err->msg);
			break;
		}
		if (mx->rr[i].host[0] == '\0' || (unlisted && !skipped[i]))
			continue;
		err_clear(err);
		r = sts_send_candidate(ctx, mx->rr[i].host, mx->secure, rules,
		    &skipped[i], &tls_tempfail, err);
		if (tls_tempfail && rules->plain_after_tempfail) {
			/* the mutant: the rest of the attempt as if no policy */
			rules->require_tls = false;
			rules->require_verify = false;
			rules->plain_after_tls_failure = true;
		}
		switch (r) {
		case SMTP_CLIENT_DELIVERED:
			sts_send_set(ctx->res, STS_SEND_DELIVERED, "%s",
			    err->msg);
			return r;
		case SMTP_CLIENT_BOUNCED:
			sts_send_set(ctx->res, STS_SEND_BOUNCED, "%s",
			    err->msg);
			return r;
		case SMTP_CLIENT_DEFERRED:
			sts_send_set(ctx->res, STS_SEND_DEFERRED, "%s",
			    err->msg);
			if (!rules->next_after_tempfail)
				return r;
			/* RFC 5321 §5.1: the next address may take it now */
			ndeferred++;
			break;
		case SMTP_CLIENT_FAILED:
			if (skipped[i])
				nskipped++;
			sts_send_set(ctx->res, STS_SEND_DEFERRED,
			    "all %zu MX candidates failed (%zu skipped by "
			    "policy, %zu deferred); last: %s", mx->n, nskipped,
			    ndeferred, err->msg);
			break;
		default:
			fatalx("sts_send_walk: bad result %d", (int)r);
		}
	}
	return SMTP_CLIENT_FAILED;
}

void
sts_send_run(const struct sts_send_config *cfg, struct sts_send_result *res)
{
	struct sts_send_ctx	*ctx;
	const char		*hop, *pd;
	char			*raw = NULL;
	size_t			 rlen = 0;
	struct err		 err;

	err_clear(&err);
	ctx = xcalloc(1, sizeof(*ctx));
	ctx->cfg = cfg;
	ctx->res = res;
	ctx->deadline = smtp_client_now_ms() + (int64_t)cfg->timeout_s * 1000;
	hop = cfg->relay != NULL ? cfg->relay : cfg->domain;
	/* through a smart host, the smart host's domain is the policy domain */
	pd = cfg->relay != NULL && sts_decide_relay_recipient_policy(cfg->bugs) ?
	    cfg->domain : hop;
	if (str_copy(ctx->hop, hop, sizeof(ctx->hop)) == -1 ||
	    str_copy(ctx->pdomain, pd, sizeof(ctx->pdomain)) == -1)
		fatalx("sts_send_run: domain too long");
	if (cfg->relay != NULL)
		log_info("relay: %s through the smart host %s, the policy "
		    "domain: %s", cfg->domain, ctx->hop, ctx->pdomain);
	sts_send_set(res, STS_SEND_ERROR, "internal error");
	res->enforce_blocked = false;
	if (file_read(cfg->msg_file, SMTP_MESSAGE_MAX, &raw, &rlen,
	    &err) == -1 || smtp_client_data_prepare(raw, rlen, &ctx->data,
	    &ctx->data_len, &err) == -1) {
		sts_send_set(res, STS_SEND_ERROR, "%s", err.msg);
		goto done;
	}
	if ((ctx->dns = sts_dns_new(cfg->resolver, cfg->dns_port,
	    &err)) == NULL) {
		sts_send_set(res, STS_SEND_ERROR, "%s", err.msg);
		goto done;
	}
	sts_dns_set_tcp(ctx->dns, sts_decide_dns_tcp(cfg->bugs));
	sts_dns_set_bugs(ctx->dns, (cfg->bugs & STS_BUG_TXT_FIRST_STRING) ?
	    STS_DNS_TXT_FIRST_STRING : 0);
	/*
	 * Opportunistic TLS takes TLS 1.0 and 1.1 too (RFC 7435: better than
	 * plaintext); each connection under a policy raises its own floor
	 * back to TLS 1.2 (smtp_client_params.legacy_tls).
	 */
	if ((ctx->tls = tls_ctx_client_new(cfg->ca_file, &err)) == NULL ||
	    tls_ctx_set_versions(ctx->tls, TLS1_VERSION, 0, &err) == -1) {
		sts_send_set(res, STS_SEND_ERROR, "%s", err.msg);
		goto done;
	}
	/*
	 * 112 bits, whatever openssl.cnf says: an RSA key under 2048 bits
	 * does not verify (RFC 8461 names no size; RFC 7525 §4.3 does).
	 * The naive sender keeps the library's default.
	 */
	if (!cfg->no_sts)
		SSL_CTX_set_security_level(ctx->tls, STS_SEND_TLS_LEVEL);
	if (cfg->ca_file == NULL &&
	    SSL_CTX_set_default_verify_paths(ctx->tls) != 1)
		log_warnx("tls: no system trust store");
	if (cfg->bugs != 0)
		log_warnx("MUTANT: running with --bug %s",
		    sts_decide_bug_name(cfg->bugs) != NULL ?
		    sts_decide_bug_name(cfg->bugs) : "?");
	if (smtp_client_is_literal(cfg->domain)) {
		/* RFC 8461 §3.4: an address literal has no policy domain */
		log_info("discovery: skipped (%s is an address literal: no "
		    "policy domain, RFC 8461 §3.4)", cfg->domain);
		sts_send_literal(ctx);
		goto done;
	}
	if (cfg->no_sts)
		log_info("discovery: skipped (--no-sts: naive sender, "
		    "opportunistic TLS)");
	else {
		sts_send_discover(ctx);
		if (!ctx->have_policy && !ctx->withhold &&
		    sts_decide_parent_fallback(cfg->bugs) &&
		    sts_send_parent(ctx))
			sts_send_discover(ctx);
	}
	if (ctx->withhold)
		sts_send_set(res, STS_SEND_DEFERRED, "no policy could be "
		    "fetched; message withheld");
	else
		sts_send_deliver(ctx);
	/* RFC 8461 §5: a temporary failure; the daemon queues it */
	res->enforce_blocked = res->outcome == STS_SEND_DEFERRED &&
	    ctx->have_policy && ctx->policy.mode == STS_MODE_ENFORCE;
done:
	free(raw);
	free(ctx->data);
	SSL_CTX_free(ctx->tls);
	sts_dns_free(ctx->dns);
	free(ctx);
}

const char *
sts_send_outcome_str(enum sts_send_outcome o)
{
	switch (o) {
	case STS_SEND_DELIVERED:
		return "delivered";
	case STS_SEND_DEFERRED:
		return "deferred";
	case STS_SEND_BOUNCED:
		return "bounced";
	case STS_SEND_ERROR:
		return "error";
	default:
		fatalx("sts_send_outcome_str: bad outcome %d", (int)o);
	}
}
