/* SPDX-License-Identifier: ISC */
/*
 * judge.c -- turn observations into verdicts. Ground truth is what the fake
 * servers saw; the adapter's outcome only raises a misreport flag, or makes
 * the scenario ERROR when it says the SUT or the adapter broke. The
 * scenario verdict is the first row of judge_rules[] that decides, in the
 * order docs/verdicts.md gives: an observed leak outranks everything the
 * adapter says, an incomplete observation is never a PASS, and a clean
 * twin that cannot deliver keeps an attack from passing.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../common/log.h"
#include "../common/str.h"
#include "judge.h"
#include "scn_field.h"
#include "world.h"

/* Everything one scenario verdict is computed from. */
struct judge_ctx {
	const struct scenario		*scn;
	const struct judge_instance	*inst[2];	/* main, twin (or NULL) */
	const struct step_result	*res[2];
};

typedef bool judge_rule_fn(const struct judge_ctx *, struct judge_verdict *);

struct judge_rule {
	const char	*name;		/* as docs/verdicts.md numbers it */
	judge_rule_fn	*decide;
};

static bool	judge_at_ok(const struct scn_step *, const struct scn_host *);
static const struct scn_host *judge_data_host(const struct scenario *,
		    const struct judge_instance *, const struct obs_data *,
		    bool *);
static bool	judge_data_allowed(const struct scn_step *,
		    const struct scn_host *, bool, const struct obs_data *);
static bool	judge_data_delivers(const struct scn_step *,
		    const struct scn_host *, bool, const struct obs_data *,
		    const char *);
static bool	judge_rcpt_ok(const struct obs_data *, const char *);
static bool	judge_data_verified(const struct scn_host *, bool,
		    const struct obs_data *);
static int	judge_retried_by(const struct scenario *, bool, size_t);
static const struct obs_data *judge_retry_of(const struct scenario *,
		    const struct judge_instance *, size_t, size_t);
static void	judge_step_of(const struct scenario *, bool, size_t,
		    struct scn_step *);
static bool	judge_fetch_unmet(const struct scn_step *,
		    const struct step_obs *, char *, size_t);
static const char *judge_fetch_says(enum scn_want);
static bool	judge_alert_unmet(const struct scn_step *,
		    const struct step_obs *, const struct step_claim *,
		    char *, size_t);
static const char *judge_alert_says(enum scn_want);
static bool	judge_is_name_byte(char);
static bool	judge_all_met(const struct judge_ctx *);
static enum verdict judge_grade(enum scn_strength);
static int	judge_severity(enum verdict);
static void	judge_where(const struct judge_ctx *, int, size_t, char *,
		    size_t);
static void	judge_say(struct judge_verdict *, enum verdict, const char *,
		    const struct judge_ctx *, int, size_t, const char *, ...)
		    __attribute__((format(printf, 7, 8)));
static bool	judge_data_expected(const struct judge_ctx *, int,
		    const struct obs_data *);
typedef bool judge_step_pred(const struct judge_ctx *, int, size_t);
static bool	judge_first(const struct judge_ctx *, judge_step_pred *, int *,
		    size_t *);
static judge_step_pred judge_is_incomplete, judge_is_nothing;
static judge_rule_fn judge_rule_leak, judge_rule_incomplete,
		    judge_rule_adapter, judge_rule_unsupported,
		    judge_rule_nothing, judge_rule_expect, judge_rule_twin,
		    judge_rule_recorded;

/* The rules in the order they decide (docs/verdicts.md). */
static const struct judge_rule judge_rules[] = {
	{ "1 every leak counts", judge_rule_leak },
	{ "3 observation complete", judge_rule_incomplete },
	{ "2 adapter or SUT error", judge_rule_adapter },
	{ "2 unsupported", judge_rule_unsupported },
	{ "5 something happened", judge_rule_nothing },
	{ "expectation", judge_rule_expect },
	{ "clean twin", judge_rule_twin },
	{ "7 recorded", judge_rule_recorded },
};

static const char *const judge_verdicts[] = {
	[VERDICT_PASS] = "PASS",
	[VERDICT_NON_STRICT] = "NON-STRICT",
	[VERDICT_FAIL] = "FAIL",
	[VERDICT_INFO] = "INFO",
	[VERDICT_SKIP] = "SKIP",
	[VERDICT_ERROR] = "ERROR",
};

static const char *const judge_leaks[] = {
	[LEAK_NONE] = "none",
	[LEAK_EHLO] = "ehlo",
	[LEAK_ENVELOPE] = "envelope",
	[LEAK_MESSAGE] = "message",
};

static const char *const judge_outcomes[] = {
	[OUTCOME_DELIVERED] = "delivered",
	[OUTCOME_DEFERRED] = "deferred",
	[OUTCOME_BOUNCED] = "bounced",
	[OUTCOME_ERROR] = "error",
	[OUTCOME_UNSUPPORTED] = "unsupported",
	[OUTCOME_FAILED] = "adapter-failed",
};

static const char *const judge_data_results[] = {
	[DATA_COMPLETE] = "complete",
	[DATA_TOO_BIG] = "too-big",
	[DATA_ABORTED] = "aborted",
	[DATA_REJECTED] = "rejected",
};

const char *
verdict_str(enum verdict v)
{
	if ((unsigned)v > VERDICT_ERROR)
		return "?";
	return judge_verdicts[v];
}

const char *
leak_str(enum leak l)
{
	if ((unsigned)l > LEAK_MESSAGE)
		return "?";
	return judge_leaks[l];
}

const char *
outcome_str(enum outcome o)
{
	if ((unsigned)o > OUTCOME_FAILED)
		return "?";
	return judge_outcomes[o];
}

const char *
data_result_str(enum data_result d)
{
	if ((unsigned)d > DATA_REJECTED)
		return "?";
	return judge_data_results[d];
}

int
outcome_parse(const char *s, enum outcome *out)
{
	/* only the four values the adapter protocol lets a SUT claim */
	static const enum outcome claims[] = { OUTCOME_DELIVERED,
	    OUTCOME_DEFERRED, OUTCOME_BOUNCED, OUTCOME_ERROR };
	size_t	i;

	for (i = 0; i < sizeof(claims) / sizeof(claims[0]); i++)
		if (strcmp(s, judge_outcomes[claims[i]]) == 0) {
			*out = claims[i];
			return 0;
		}
	return -1;
}

bool
verdict_is_met(enum verdict v)
{
	switch (v) {
	case VERDICT_PASS:
	case VERDICT_INFO:
	case VERDICT_SKIP:
		return true;
	case VERDICT_NON_STRICT:
	case VERDICT_FAIL:
	case VERDICT_ERROR:
		return false;
	default:
		fatalx("verdict_is_met: bad verdict %d", v);
	}
}

void
judge_twin_step(const struct scn_step *src, struct scn_step *dst)
{
	*dst = *src;
	dst->attack = false;
	/* every expectation key at its default, then verified TLS */
	scn_fields_clear(scn_expect_fields(), dst);
	dst->expect = SCN_DELIVER_TLS;
}

const struct scn_world *
judge_world(const struct scenario *scn, bool twin, size_t step)
{
	if (twin || step >= scn->nsteps || !scn->steps[step].attack)
		return &scn->clean;
	return &scn->attacked;
}

/* judge_step_of - step i as the instance runs it */
static void
judge_step_of(const struct scenario *scn, bool twin, size_t i,
    struct scn_step *st)
{
	if (twin)
		judge_twin_step(&scn->steps[i], st);
	else
		*st = scn->steps[i];
}

static bool
judge_at_ok(const struct scn_step *st, const struct scn_host *h)
{
	return st->expect_at[0] == '\0' ||
	    (h != NULL && strcmp(st->expect_at, h->label) == 0);
}

/*
 * judge_fetch_unmet - policy_fetched: true wants a GET whose SNI and Host
 * name mta-sts.<D> (RFC 8461 §3.3, §7.1) and that is not conditional
 * (§3.3: "HTTP caching ... MUST NOT be used"); false wants no request at the
 * policy host at all (§3.1: without a valid TXT record a sender "MUST
 * ... skip the remaining steps of policy discovery"). When it is not met,
 * why goes into buf as the start of "observed ...".
 */
static bool
judge_fetch_unmet(const struct scn_step *st, const struct step_obs *o,
    char *buf, size_t size)
{
	buf[0] = '\0';
	switch (st->expect_fetch) {
	case SCN_WANT_ANY:
		return false;
	case SCN_WANT_YES:
		if (o->named_fetches > o->conditional_fetches)
			return false;
		(void)str_copy(buf, o->conditional_fetches > 0 ? "only "
		    "conditional policy fetches (If-None-Match or "
		    "If-Modified-Since: HTTP caching), " : "no policy fetch "
		    "naming the policy host, ", size);
		return true;
	case SCN_WANT_NO:
		if (o->fetches == 0)
			return false;
		(void)str_fmt(buf, size, "%u HTTPS request%s at the policy "
		    "host, ", o->fetches, o->fetches == 1 ? "" : "s");
		return true;
	default:
		fatalx("judge: bad policy_fetched %d", (int)st->expect_fetch);
	}
}

/* judge_fetch_says - what "expected ..." says of policy_fetched */
static const char *
judge_fetch_says(enum scn_want w)
{
	switch (w) {
	case SCN_WANT_ANY:
		return "";
	case SCN_WANT_YES:
		return " after a policy fetch";
	case SCN_WANT_NO:
		return " without a policy fetch";
	default:
		fatalx("judge: bad policy_fetched %d", (int)w);
	}
}

/*
 * judge_alert_unmet - RFC 8461 §3.3 (R-3.3-13), §10.2 (R-10.2-2): alert:
 * true wants a refresh that really failed in the step (a named GET the
 * policy host answered other than 200: an alert about nothing proves
 * nothing) and an "alerts" line naming the recipient domain; false wants
 * no line naming it. An "alerts" that said 89 is judged by rule 2
 * (judge_rule_unsupported), not here. Why, into buf, as for the fetch.
 */
static bool
judge_alert_unmet(const struct scn_step *st, const struct step_obs *o,
    const struct step_claim *c, char *buf, size_t size)
{
	buf[0] = '\0';
	if (st->expect_alert == SCN_WANT_ANY ||
	    c->alerts == ALERTS_UNSUPPORTED)
		return false;
	if (c->alerts != ALERTS_READ) {
		(void)str_copy(buf, "no alerts read, ", size);
		return true;
	}
	switch (st->expect_alert) {
	case SCN_WANT_YES:
		if (o->failed_fetches == 0) {
			(void)str_copy(buf, "no failed policy fetch (nothing "
			    "to alert about), ", size);
			return true;
		}
		if (c->alert_naming > 0)
			return false;
		(void)str_fmt(buf, size, "no alert naming the domain (%u "
		    "line%s), ", c->alert_lines, c->alert_lines == 1 ? "" :
		    "s");
		return true;
	case SCN_WANT_NO:
		if (c->alert_naming == 0)
			return false;
		(void)str_fmt(buf, size, "%u alert%s naming the domain, ",
		    c->alert_naming, c->alert_naming == 1 ? "" : "s");
		return true;
	case SCN_WANT_ANY:
	default:
		fatalx("judge: bad alert %d", (int)st->expect_alert);
	}
}

/* judge_alert_says - what "expected ..." says of alert */
static const char *
judge_alert_says(enum scn_want w)
{
	switch (w) {
	case SCN_WANT_ANY:
		return "";
	case SCN_WANT_YES:
		return " and an operator alert";
	case SCN_WANT_NO:
		return " and no operator alert";
	default:
		fatalx("judge: bad alert %d", (int)w);
	}
}

/* judge_is_name_byte - a byte that continues a DNS label */
static bool
judge_is_name_byte(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
}

bool
judge_names_domain(const char *line, size_t len, const char *domain)
{
	size_t	dl = strlen(domain), i, k;
	char	a, b;

	if (dl == 0 || dl > len)
		return false;
	for (i = 0; i + dl <= len; i++) {
		for (k = 0; k < dl; k++) {
			a = line[i + k];
			b = domain[k];
			if (a >= 'A' && a <= 'Z')
				a = (char)(a - 'A' + 'a');
			if (b >= 'A' && b <= 'Z')
				b = (char)(b - 'A' + 'a');
			if (a != b)
				break;
		}
		if (k < dl)
			continue;
		/* before: a line start, a label's dot, or no name byte */
		if (i > 0 && judge_is_name_byte(line[i - 1]))
			continue;
		/* after: no name byte, and a dot only if no label follows */
		if (i + dl < len && (judge_is_name_byte(line[i + dl]) ||
		    (line[i + dl] == '.' && i + dl + 1 < len &&
		    judge_is_name_byte(line[i + dl + 1]))))
			continue;
		return true;
	}
	return false;
}

void
judge_alerts_scan(const char *out, size_t len, const char *domain,
    struct step_claim *c)
{
	const char	*p = out, *end = out + len, *line, *nl;
	size_t		 n, take;
	bool		 naming;

	c->alerts = ALERTS_READ;
	c->alert_lines = c->alert_naming = 0;
	c->alert_line[0] = '\0';
	while (p < end && c->alert_lines < JUDGE_ALERT_LINES_MAX) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		line = p;
		n = (size_t)(nl - p);
		p = nl + 1;
		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (n == 0)
			continue;
		c->alert_lines++;
		if ((naming = judge_names_domain(line, n, domain)))
			c->alert_naming++;
		/* keep the first line, then the first one naming the domain */
		if (c->alert_lines == 1 || (naming && c->alert_naming == 1)) {
			take = n < sizeof(c->alert_line) - 1 ? n :
			    sizeof(c->alert_line) - 1;
			memcpy(c->alert_line, line, take);
			c->alert_line[take] = '\0';
		}
	}
}

/*
 * judge_data_host - the host a DATA reached, in the world live where it
 * arrived; *attacker says whether that endpoint is attacker-controlled.
 * Another instance's host, or one we cannot place, counts as the
 * attacker's: the recipient domain never named it.
 */
static const struct scn_host *
judge_data_host(const struct scenario *scn, const struct judge_instance *in,
    const struct obs_data *d, bool *attacker)
{
	const struct scn_world	*w;

	*attacker = true;
	if (d->foreign || d->at_step < 0 || (size_t)d->at_step >= scn->nsteps)
		return NULL;
	w = judge_world(scn, in->twin, (size_t)d->at_step);
	if (d->host < 0 || (size_t)d->host >= w->nhosts)
		return NULL;
	*attacker = w->hosts[d->host].attacker;
	return &w->hosts[d->host];
}

/* judge_data_allowed - may a body reach this endpoint under st? */
static bool
judge_data_allowed(const struct scn_step *st, const struct scn_host *h,
    bool attacker, const struct obs_data *d)
{
	if (!attacker)
		return true;		/* genuine hosts are never leaks */
	if (h == NULL || !judge_at_ok(st, h))
		return false;
	switch (st->expect) {
	case SCN_DELIVER_PLAIN:
		return !d->tls;
	case SCN_DELIVER_ANY:
		return true;
	case SCN_DELIVER_TLS:		/* only genuine hosts count as TLS */
	case SCN_DELIVER_NONE:
		return false;
	default:
		fatalx("judge: bad expectation %d", st->expect);
	}
}

/*
 * judge_rcpt_ok - did the DATA's transaction name only the step's
 * recipient domain? A message the SUT sent to another domain (the
 * scenario's other domain, say) delivers nothing this step asked for.
 * An address literal ("[127.1.2.25]") must come back as it was sent,
 * brackets and all: "127.1.2.25" is a domain name, not the literal.
 */
static bool
judge_rcpt_ok(const struct obs_data *d, const char *rcpt)
{
	return d->nrcpt > 0 && !d->rcpt_mixed && str_eq_ci(d->rcpt, rcpt);
}

/*
 * judge_data_delivers - does this DATA meet st's delivery expectation,
 * as a message to rcpt (the step's recipient domain)?
 */
static bool
judge_data_delivers(const struct scn_step *st, const struct scn_host *h,
    bool attacker, const struct obs_data *d, const char *rcpt)
{
	if (d->result != DATA_COMPLETE || d->late || h == NULL ||
	    !judge_at_ok(st, h) || !judge_rcpt_ok(d, rcpt))
		return false;
	switch (st->expect) {
	case SCN_DELIVER_TLS:
		return judge_data_verified(h, attacker, d) &&
		    (!st->expect_sni || d->sni_ok);
	case SCN_DELIVER_PLAIN:
		return !d->tls;
	case SCN_DELIVER_ANY:
		return true;
	case SCN_DELIVER_NONE:
		return false;
	default:
		fatalx("judge: bad expectation %d", st->expect);
	}
}

/*
 * judge_data_verified - did the body go inside TLS to a genuine host whose
 * certificate profile a strict client accepts for the name it reached
 * (not the fallback certificate of a host with sni: required)?
 */
static bool
judge_data_verified(const struct scn_host *h, bool attacker,
    const struct obs_data *d)
{
	return h != NULL && !attacker && d->tls && h->cert_for[0] == '\0' &&
	    !d->fallback && cert_profile_verifies(h->cert, d->server);
}

/*
 * judge_retried_by - the later step of the instance whose expect.retry
 * names step i, or -1 (always -1 in a twin: its steps expect tls alone)
 */
static int
judge_retried_by(const struct scenario *scn, bool twin, size_t i)
{
	struct scn_step	st;
	size_t		k;

	for (k = i + 1; k < scn->nsteps; k++) {
		judge_step_of(scn, twin, k, &st);
		if (st.expect_retry == i + 1)
			return (int)k;
	}
	return -1;
}

/*
 * judge_retry_of - the DATA that retries step n's message in step i: it
 * carries step n's token (so it is late for n), arrived while step i was
 * live (in its window, not after it closed), completed, went to step n's recipient domain alone, and went
 * over verified TLS to a genuine host. A new message, a body under a
 * token the harness never issued, or one in step n's own window is not a
 * retry. NULL if there is none.
 */
static const struct obs_data *
judge_retry_of(const struct scenario *scn, const struct judge_instance *in,
    size_t i, size_t n)
{
	const struct obs_data	*d;
	const struct scn_host	*h;
	char			 rcpt[SCN_NAME_MAX];
	size_t			 k;
	bool			 attacker;

	if (n >= scn->nsteps || scenario_rcpt_domain(&scn->steps[n],
	    in->domain, rcpt, sizeof(rcpt)) == -1)
		fatalx("judge_retry_of: step %zu retries step %zu", i + 1,
		    n + 1);
	for (k = 0; k < in->ndata; k++) {
		d = &in->data[k];
		if (d->step < 0 || (size_t)d->step != n || !d->by_token ||
		    !d->late || d->at_step < 0 || (size_t)d->at_step != i ||
		    d->at_ended || d->result != DATA_COMPLETE || !judge_rcpt_ok(d, rcpt))
			continue;
		h = judge_data_host(scn, in, d, &attacker);
		if (judge_data_verified(h, attacker, d))
			return d;
	}
	return NULL;
}

void
judge_step(const struct scenario *scn, const struct judge_instance *in,
    size_t i, struct step_result *r)
{
	const struct step_obs		*o = &in->obs[i];
	const struct step_claim		*c = &in->claims[i];
	const struct obs_data		*d, *bad = NULL, *retry = NULL;
	const struct scn_host		*h;
	const struct scn_world		*w;
	struct scn_step			 st;
	size_t				 k;
	int				 retried_by;
	bool				 attacker, met = false, fetch_bad;
	bool				 bad_retry = false;
	char				 sni[SCN_NAME_MAX + 16];
	char				 fetch[160], alert[64];
	char				 extra[240 + SCN_NAME_MAX + 96];
	char				 rcpt[SCN_NAME_MAX];
	char				 other[SCN_NAME_MAX + 48];

	memset(r, 0, sizeof(*r));
	judge_step_of(scn, in->twin, i, &st);
	if (in->domain == NULL || scenario_rcpt_addr(&st, judge_world(scn,
	    in->twin, i), in->domain, in->a, in->b, rcpt, sizeof(rcpt)) == -1)
		fatalx("judge_step: no recipient domain for step %zu", i + 1);
	/*
	 * A step a later one retries (expect.retry): its message may come
	 * late, but only as a retry, over verified TLS to a genuine host;
	 * any other late body of it (in plaintext, say) is forbidden here,
	 * as a body at an attacker-controlled endpoint is (rule 1)
	 */
	retried_by = judge_retried_by(scn, in->twin, i);
	for (k = 0; k < in->ndata; k++) {
		d = &in->data[k];
		if (d->step < 0 || (size_t)d->step != i)
			continue;
		r->ndata++;
		h = judge_data_host(scn, in, d, &attacker);
		if (attacker)
			r->leak = LEAK_MESSAGE;
		if (!judge_data_allowed(&st, h, attacker, d) && bad == NULL)
			bad = d;
		if (retried_by >= 0 && d->late && bad == NULL &&
		    !judge_data_verified(h, attacker, d)) {
			bad = d;
			bad_retry = true;
		}
		if (d->result == DATA_COMPLETE && !d->late && !r->delivered) {
			r->delivered = true;
			r->delivered_tls = d->tls;
			(void)str_copy(r->delivered_at, d->server,
			    sizeof(r->delivered_at));
			(void)str_copy(r->delivered_sni, d->sni,
			    sizeof(r->delivered_sni));
			(void)str_copy(r->delivered_rcpt, d->rcpt,
			    sizeof(r->delivered_rcpt));
		}
		if (judge_data_delivers(&st, h, attacker, d, rcpt))
			met = true;
	}
	for (k = 0; k < in->nsessions; k++) {
		const struct obs_session *s = &in->sessions[k];

		if (s->step < 0 || (size_t)s->step != i)
			continue;
		w = judge_world(scn, in->twin, i);
		if ((s->host < 0 || (size_t)s->host >= w->nhosts ||
		    w->hosts[s->host].attacker) && s->level > r->leak)
			r->leak = s->level;
	}
	r->met = st.expect == SCN_DELIVER_NONE ? !r->delivered : met;
	if (st.expect_retry > 0 &&
	    (retry = judge_retry_of(scn, in, i, st.expect_retry - 1)) == NULL)
		r->met = false;
	fetch_bad = judge_fetch_unmet(&st, o, fetch, sizeof(fetch));
	if (fetch_bad)
		r->met = false;
	if (judge_alert_unmet(&st, o, c, alert, sizeof(alert)))
		r->met = false;
	r->alert_unsupported = st.expect_alert != SCN_WANT_ANY &&
	    c->alerts == ALERTS_UNSUPPORTED;
	(void)str_fmt(fetch + strlen(fetch), sizeof(fetch) - strlen(fetch),
	    "%s", alert);
	if (bad != NULL && bad_retry) {
		r->met = false;
		r->forbidden = true;
		r->forbidden_late = true;
		(void)str_fmt(r->leak_what, sizeof(r->leak_what),
		    "late delivery: message body reached %s %s%s, but step %d "
		    "retries this message: only over verified TLS to a genuine "
		    "host", bad->server, bad->tls ? "over unverified TLS" :
		    "in plaintext", bad->result == DATA_COMPLETE ? "" :
		    " (not completed)", retried_by + 1);
	} else if (bad != NULL) {
		r->met = false;
		r->forbidden = true;
		r->forbidden_late = bad->late;
		(void)str_fmt(r->leak_what, sizeof(r->leak_what),
		    "%smessage body reached %s (attacker-controlled%s) %s%s%s",
		    bad->late ? "late delivery: " : "", bad->server,
		    bad->foreign ? ", not a host of this domain" : "",
		    bad->tls ? "over TLS" : "in plaintext",
		    bad->result == DATA_COMPLETE ? "" : ", then ",
		    bad->result == DATA_COMPLETE ? "" :
		    bad->result == DATA_TOO_BIG ? "rejected with 552" :
		    bad->result == DATA_REJECTED ? "rejected at its final dot" :
		    "cut off");
	}
	if (c->deliver_ran) {
		if ((c->outcome == OUTCOME_DELIVERED && !r->delivered) ||
		    ((c->outcome == OUTCOME_DEFERRED ||
		    c->outcome == OUTCOME_BOUNCED) && r->delivered))
			r->misreport = true;
		r->nothing = c->outcome != OUTCOME_FAILED && o->queries == 0 &&
		    o->resolver_queries == 0 && o->fetches == 0 &&
		    o->mx_connects == 0 && o->https_connects == 0;
	}
	other[0] = '\0';
	if (r->delivered && !str_eq_ci(r->delivered_rcpt, rcpt))
		(void)str_fmt(other, sizeof(other), " for \"%s\", not %s",
		    r->delivered_rcpt, rcpt);
	sni[0] = '\0';
	if (r->delivered && r->delivered_tls)
		(void)str_fmt(sni, sizeof(sni), " (SNI \"%s\")",
		    r->delivered_sni);
	extra[0] = '\0';
	if (st.strength == SCN_MAY || st.strength == SCN_INFO)
		(void)str_fmt(extra, sizeof(extra), "; %s",
		    o->named_fetches == 0 ? "no policy fetch" : o->fetch_first ?
		    "policy fetched before any MX connection (synchronous)" :
		    "an MX was contacted before the policy fetch");
	if (c->policy_wait_timed_out)
		(void)str_fmt(extra + strlen(extra), sizeof(extra) -
		    strlen(extra), "; no policy fetch within STS_TIMEOUT");
	if (st.expect_retry > 0 && retry != NULL)
		(void)str_fmt(extra + strlen(extra), sizeof(extra) -
		    strlen(extra), "; step %u's message retried at %s over "
		    "TLS", st.expect_retry, retry->server);
	else if (st.expect_retry > 0)
		(void)str_fmt(extra + strlen(extra), sizeof(extra) -
		    strlen(extra), "; step %u's message not retried over "
		    "verified TLS in this step", st.expect_retry);
	/* a revoked certificate: whether the sender fetched its CRL */
	if (world_has_revoked(judge_world(scn, in->twin, i)) ||
	    o->crl_fetches > 0)
		(void)str_fmt(extra + strlen(extra), sizeof(extra) -
		    strlen(extra), "; %s", o->crl_fetches > 0 ? "CRL fetched" :
		    "no CRL fetch");
	if (st.expect_alert != SCN_WANT_ANY && c->alerts == ALERTS_READ)
		(void)str_fmt(extra + strlen(extra), sizeof(extra) -
		    strlen(extra), "; %u failed policy fetch%s, alerts: %s%.120s%s",
		    o->failed_fetches, o->failed_fetches == 1 ? "" : "es",
		    c->alert_lines == 0 ? "none" : "\"", c->alert_line,
		    c->alert_lines == 0 ? "" : "\"");
	if (r->alert_unsupported)
		(void)str_fmt(extra + strlen(extra), sizeof(extra) -
		    strlen(extra), "; alerts: unsupported (exit 89)");
	if (bad != NULL)
		(void)str_fmt(r->reason, sizeof(r->reason), "expected %s; %s, "
		    "adapter said %s%s%s", scn_delivery_str(st.expect),
		    r->leak_what, outcome_str(c->outcome),
		    r->misreport ? " (misreport)" : "", extra);
	else if (r->delivered)
		(void)str_fmt(r->reason, sizeof(r->reason),
		    "expected %s%s%s%s; observed %sDATA%s at %s over %s%s, "
		    "adapter said %s%s%s", scn_delivery_str(st.expect),
		    st.expect_sni ? " with SNI" : "",
		    judge_fetch_says(st.expect_fetch),
		    judge_alert_says(st.expect_alert), fetch, other,
		    r->delivered_at, r->delivered_tls ? "TLS" : "plaintext",
		    sni, outcome_str(c->outcome),
		    r->misreport ? " (misreport)" : "", extra);
	else
		(void)str_fmt(r->reason, sizeof(r->reason),
		    "expected %s%s%s; observed %sno delivery, adapter said "
		    "%s%s%s", scn_delivery_str(st.expect),
		    judge_fetch_says(st.expect_fetch),
		    judge_alert_says(st.expect_alert), fetch,
		    outcome_str(c->outcome), r->misreport ? " (misreport)" : "",
		    extra);
}

static enum verdict
judge_grade(enum scn_strength s)
{
	switch (s) {
	case SCN_MUST:
		return VERDICT_FAIL;
	case SCN_SHOULD:
		return VERDICT_NON_STRICT;
	case SCN_MAY:
	case SCN_INFO:
		return VERDICT_INFO;
	default:
		fatalx("judge: bad strength %d", s);
	}
}

/* judge_severity - how bad a not-met grade is; higher is worse */
static int
judge_severity(enum verdict v)
{
	return v == VERDICT_FAIL ? 3 : v == VERDICT_NON_STRICT ? 2 :
	    v == VERDICT_INFO ? 1 : 0;
}

/* judge_where - "step 2" or "clean twin step 2" */
static void
judge_where(const struct judge_ctx *cx, int which, size_t i, char *buf,
    size_t size)
{
	(void)cx;
	(void)str_fmt(buf, size, "%sstep %zu", which == 1 ? "clean twin " : "",
	    i + 1);
}

static void
judge_say(struct judge_verdict *v, enum verdict verdict, const char *rule,
    const struct judge_ctx *cx, int which, size_t i, const char *fmt, ...)
{
	char	where[32], text[JUDGE_REASON_MAX];
	va_list	ap;

	judge_where(cx, which, i, where, sizeof(where));
	va_start(ap, fmt);
	(void)vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	v->verdict = verdict;
	v->rule = rule;
	(void)str_fmt(v->reason, sizeof(v->reason), "%s: %s", where, text);
}

/* Rule 1: a forbidden leak fails its step, whatever the adapter says. */
static bool
judge_rule_leak(const struct judge_ctx *cx, struct judge_verdict *v)
{
	enum verdict	g, worst = VERDICT_PASS;
	int		which, wi = 0;
	size_t		i, wstep = 0;

	for (which = 0; which < 2; which++) {
		if (cx->inst[which] == NULL)
			continue;
		for (i = 0; i < cx->inst[which]->nsteps; i++) {
			if (!cx->res[which][i].forbidden)
				continue;
			g = judge_grade(cx->scn->steps[i].strength);
			if (judge_severity(g) > judge_severity(worst)) {
				worst = g;
				wi = which;
				wstep = i;
			}
		}
	}
	if (worst != VERDICT_FAIL && worst != VERDICT_NON_STRICT)
		return false;
	judge_say(v, worst, judge_rules[0].name, cx, wi, wstep, "%s",
	    cx->res[wi][wstep].reason);
	return true;
}

/* judge_first - the first step of either instance for which pred holds */
static bool
judge_first(const struct judge_ctx *cx, judge_step_pred *pred, int *which,
    size_t *i)
{
	for (*which = 0; *which < 2; (*which)++) {
		if (cx->inst[*which] == NULL)
			continue;
		for (*i = 0; *i < cx->inst[*which]->nsteps; (*i)++)
			if (pred(cx, *which, *i))
				return true;
	}
	return false;
}

static bool
judge_is_incomplete(const struct judge_ctx *cx, int which, size_t i)
{
	return cx->inst[which]->obs[i].incomplete[0] != '\0';
}

static bool
judge_is_nothing(const struct judge_ctx *cx, int which, size_t i)
{
	return cx->res[which][i].nothing;
}

/* Rule 3: observation complete, or ERROR. */
static bool
judge_rule_incomplete(const struct judge_ctx *cx, struct judge_verdict *v)
{
	int	which;
	size_t	i;

	if (!judge_first(cx, judge_is_incomplete, &which, &i))
		return false;
	judge_say(v, VERDICT_ERROR, judge_rules[1].name, cx, which, i,
	    "observation incomplete: %s", cx->inst[which]->obs[i].incomplete);
	return true;
}

/* Rule 2: a broken adapter, or a SUT that says "error", is ERROR. */
static bool
judge_rule_adapter(const struct judge_ctx *cx, struct judge_verdict *v)
{
	const struct step_claim	*c;
	int			 which;
	size_t			 i;

	for (which = 0; which < 2; which++) {
		if (cx->inst[which] == NULL)
			continue;
		for (i = 0; i < cx->inst[which]->nsteps; i++) {
			c = &cx->inst[which]->claims[i];
			if (c->outcome == OUTCOME_FAILED) {
				judge_say(v, VERDICT_ERROR, judge_rules[2].name,
				    cx, which, i, "adapter failed: %s",
				    c->detail);
				return true;
			}
			if (c->outcome == OUTCOME_ERROR) {
				judge_say(v, VERDICT_ERROR, judge_rules[2].name,
				    cx, which, i, "SUT error: %s", c->detail);
				return true;
			}
		}
	}
	return false;
}

/*
 * judge_data_expected - a DATA an honest SUT could have sent before it
 * said "unsupported": in its step's window, at a step that expects
 * delivery, and not forbidden there.
 */
static bool
judge_data_expected(const struct judge_ctx *cx, int which,
    const struct obs_data *d)
{
	const struct judge_instance	*in = cx->inst[which];
	const struct scn_host		*h;
	struct scn_step			 st;
	bool				 attacker;

	if (d->late || d->step < 0 || (size_t)d->step >= in->nsteps)
		return false;
	judge_step_of(cx->scn, in->twin, (size_t)d->step, &st);
	h = judge_data_host(cx->scn, in, d, &attacker);
	return st.expect != SCN_DELIVER_NONE &&
	    judge_data_allowed(&st, h, attacker, d);
}

/* Rule 2: SKIP only when "unsupported" and no unexplained DATA. */
static bool
judge_rule_unsupported(const struct judge_ctx *cx, struct judge_verdict *v)
{
	const struct judge_instance	*in;
	int				 which, w2;
	size_t				 i, k;

	for (which = 0; which < 2; which++) {
		if ((in = cx->inst[which]) == NULL)
			continue;
		for (i = 0; i < in->nsteps; i++) {
			/*
			 * "alerts" said 89: the alert question is open, so
			 * SKIP, but only when every other expectation was
			 * met; a step not met is judged by its row
			 */
			if (cx->res[which][i].alert_unsupported &&
			    !judge_all_met(cx))
				continue;
			if (in->claims[i].outcome != OUTCOME_UNSUPPORTED &&
			    !cx->res[which][i].alert_unsupported)
				continue;
			for (w2 = 0; w2 < 2; w2++) {
				if (cx->inst[w2] == NULL)
					continue;
				for (k = 0; k < cx->inst[w2]->ndata; k++)
					if (!judge_data_expected(cx, w2,
					    &cx->inst[w2]->data[k])) {
						judge_say(v, VERDICT_ERROR,
						    judge_rules[3].name, cx,
						    which, i, "the adapter "
						    "said unsupported (%s), but "
						    "a message body reached %s",
						    in->claims[i].detail,
						    cx->inst[w2]->data[k].server);
						return true;
					}
			}
			judge_say(v, VERDICT_SKIP, judge_rules[3].name, cx,
			    which, i, "the SUT does not support this (%s)",
			    cx->res[which][i].alert_unsupported &&
			    in->claims[i].outcome != OUTCOME_UNSUPPORTED ?
			    "alerts: exit 89, the SUT's logs are out of reach" :
			    in->claims[i].detail);
			return true;
		}
	}
	return false;
}

/*
 * judge_all_met - every step of both instances met what it expects, the
 * unanswered alert question aside
 */
static bool
judge_all_met(const struct judge_ctx *cx)
{
	int	which;
	size_t	i;

	for (which = 0; which < 2; which++) {
		if (cx->inst[which] == NULL)
			continue;
		if (which == 0 && cx->inst[0]->nsteps < cx->scn->nsteps)
			return false;
		for (i = 0; i < cx->inst[which]->nsteps; i++)
			if (!cx->res[which][i].met)
				return false;
	}
	return true;
}

/* Rule 5: a step in which nothing happened proves nothing. */
static bool
judge_rule_nothing(const struct judge_ctx *cx, struct judge_verdict *v)
{
	int	which;
	size_t	i;

	if (!judge_first(cx, judge_is_nothing, &which, &i))
		return false;
	judge_say(v, VERDICT_ERROR, judge_rules[4].name, cx, which, i,
	    "nothing observed: the SUT queried nothing about the domain and "
	    "connected to none of its hosts (adapter said %s)",
	    outcome_str(cx->inst[which]->claims[i].outcome));
	return true;
}

/* The attacked instance's expectations, each graded by its step. */
static bool
judge_rule_expect(const struct judge_ctx *cx, struct judge_verdict *v)
{
	enum verdict	g, worst = VERDICT_PASS;
	size_t		i, wstep = 0, n = cx->inst[0]->nsteps;

	if (n < cx->scn->nsteps) {
		/* the runner stops early only for reasons judged above */
		v->verdict = VERDICT_ERROR;
		v->rule = judge_rules[5].name;
		(void)str_fmt(v->reason, sizeof(v->reason), "only %zu of %zu "
		    "steps ran", n, cx->scn->nsteps);
		return true;
	}
	for (i = 0; i < n; i++) {
		if (cx->res[0][i].met)
			continue;
		g = judge_grade(cx->scn->steps[i].strength);
		if (judge_severity(g) > judge_severity(worst)) {
			worst = g;
			wstep = i;
		}
	}
	if (worst == VERDICT_PASS)
		return false;
	judge_say(v, worst, judge_rules[5].name, cx, 0, wstep, "%s",
	    cx->res[0][wstep].reason);
	return true;
}

/* A clean twin that did not deliver over verified TLS: no PASS. */
static bool
judge_rule_twin(const struct judge_ctx *cx, struct judge_verdict *v)
{
	size_t	i;

	if (cx->inst[1] == NULL)
		return false;
	for (i = 0; i < cx->inst[1]->nsteps; i++)
		if (!cx->res[1][i].met) {
			judge_say(v, VERDICT_ERROR, judge_rules[6].name, cx, 1,
			    i, "did not deliver over verified TLS: %s",
			    cx->res[1][i].reason);
			return true;
		}
	return false;
}

/* MAY and INFO scenarios are recorded, never passed. */
static bool
judge_rule_recorded(const struct judge_ctx *cx, struct judge_verdict *v)
{
	size_t	n = cx->inst[0]->nsteps;

	if (cx->scn->strength != SCN_MAY && cx->scn->strength != SCN_INFO)
		return false;
	if (n == 0) {
		v->verdict = VERDICT_INFO;
		v->rule = judge_rules[7].name;
		(void)str_copy(v->reason, "recorded: no step ran",
		    sizeof(v->reason));
		return true;
	}
	judge_say(v, VERDICT_INFO, judge_rules[7].name, cx, 0, n - 1,
	    "recorded (%s): %s", scn_strength_str(cx->scn->strength),
	    cx->res[0][n - 1].reason);
	return true;
}

void
judge_scenario(const struct scenario *scn, const struct judge_instance *main,
    const struct judge_instance *twin, struct step_result *steps,
    struct step_result *twin_steps, struct judge_verdict *v)
{
	struct judge_ctx	cx;
	size_t			i;
	int			which;

	memset(v, 0, sizeof(*v));
	cx.scn = scn;
	cx.inst[0] = main;
	cx.inst[1] = twin;
	cx.res[0] = steps;
	cx.res[1] = twin_steps;
	for (which = 0; which < 2; which++) {
		if (cx.inst[which] == NULL)
			continue;
		for (i = 0; i < cx.inst[which]->nsteps; i++) {
			judge_step(scn, cx.inst[which], i,
			    which == 0 ? &steps[i] : &twin_steps[i]);
			if (cx.res[which][i].leak > v->leak)
				v->leak = cx.res[which][i].leak;
			if (cx.res[which][i].misreport)
				v->misreport = true;
		}
	}
	for (i = 0; i < sizeof(judge_rules) / sizeof(judge_rules[0]); i++)
		if (judge_rules[i].decide(&cx, v))
			return;
	v->verdict = VERDICT_PASS;
	v->rule = "expectation";
}
