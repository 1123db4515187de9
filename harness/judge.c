/* SPDX-License-Identifier: ISC */
/*
 * judge.c -- turn observations into verdicts. Ground truth is what the fake
 * MX hosts saw; the adapter's outcome only raises a misreport flag. A
 * clean twin that does not deliver over TLS makes an otherwise passing
 * attack ERROR: a SUT that never delivers cannot pass an attack.
 */
#include <stdio.h>
#include <string.h>

#include "../common/log.h"
#include "../common/str.h"
#include "judge.h"

static bool	judge_session_counts(const struct obs_session *, const char *);
static enum leak judge_session_leak(const struct obs_session *);
static bool	judge_expect_met(const struct scn_step *,
		    const struct scn_world *, const struct obs_session *,
		    size_t, const char *);

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

static bool
judge_session_counts(const struct obs_session *s, const char *token)
{
	return s->token[0] == '\0' || token == NULL ||
	    strcmp(s->token, token) == 0;
}

static enum leak
judge_session_leak(const struct obs_session *s)
{
	if (s->data)
		return LEAK_MESSAGE;
	if (s->envelope)
		return LEAK_ENVELOPE;
	if (s->ehlo)
		return LEAK_EHLO;
	return LEAK_NONE;
}

/* judge_expect_met - does some session satisfy the step's expectation? */
static bool
judge_expect_met(const struct scn_step *step, const struct scn_world *w,
    const struct obs_session *ss, size_t n, const char *token)
{
	const struct scn_host	*h;
	size_t			 i;
	bool			 any = false;

	for (i = 0; i < n; i++) {
		if (!ss[i].data || !judge_session_counts(&ss[i], token))
			continue;
		any = true;
		if (ss[i].host < 0 || (size_t)ss[i].host >= w->nhosts)
			continue;
		h = &w->hosts[ss[i].host];
		if (step->expect_at[0] != '\0' &&
		    strcmp(step->expect_at, h->label) != 0)
			continue;
		switch (step->expect) {
		case SCN_DELIVER_TLS:
			if (ss[i].data_tls && !h->attacker &&
			    h->cert == CERT_VALID &&
			    (!step->expect_sni || ss[i].sni_ok))
				return true;
			break;
		case SCN_DELIVER_PLAIN:
			if (!ss[i].data_tls)
				return true;
			break;
		case SCN_DELIVER_ANY:
			return true;
		case SCN_DELIVER_NONE:
			break;
		default:
			fatalx("judge: bad expectation %d", step->expect);
		}
	}
	if (step->expect == SCN_DELIVER_NONE)
		return !any;
	return false;
}

void
judge_step(const struct scn_step *step, const struct scn_world *w,
    const struct obs_session *ss, size_t n, unsigned int named_fetches,
    const char *token, enum outcome outcome, struct step_result *r)
{
	const struct obs_session	*s;
	size_t				 i;
	enum leak			 l;
	bool				 fetch_bad;

	memset(r, 0, sizeof(*r));
	r->outcome = outcome;
	for (i = 0; i < n; i++) {
		s = &ss[i];
		if (s->host >= 0 && (size_t)s->host < w->nhosts &&
		    w->hosts[s->host].attacker) {
			l = judge_session_leak(s);
			if (l > r->leak)
				r->leak = l;
		}
		if (!s->data || !judge_session_counts(s, token) ||
		    r->delivered)
			continue;
		r->delivered = true;
		r->delivered_tls = s->data_tls;
		(void)str_copy(r->delivered_sni, s->sni,
		    sizeof(r->delivered_sni));
		if (s->host >= 0 && (size_t)s->host < w->nhosts)
			(void)str_copy(r->delivered_at, w->hosts[s->host].label,
			    sizeof(r->delivered_at));
	}
	r->met = judge_expect_met(step, w, ss, n, token);
	if ((outcome == OUTCOME_DELIVERED && !r->delivered) ||
	    ((outcome == OUTCOME_DEFERRED || outcome == OUTCOME_BOUNCED) &&
	    r->delivered))
		r->misreport = true;
	/* RFC 8461 §3.3, §7.1: the GET names mta-sts.<D> in SNI and Host */
	fetch_bad = step->expect_fetch && named_fetches == 0;
	if (fetch_bad)
		r->met = false;
	if (r->delivered)
		(void)str_fmt(r->reason, sizeof(r->reason),
		    "expected %s%s%s; observed %sDATA at %s over %s%s%s%s, "
		    "adapter said %s%s", scn_delivery_str(step->expect),
		    step->expect_sni ? " with SNI" : "",
		    step->expect_fetch ? " after a policy fetch" : "",
		    fetch_bad ? "no policy fetch naming the policy host, " : "",
		    r->delivered_at[0] != '\0' ? r->delivered_at : "?",
		    r->delivered_tls ? "TLS" : "plaintext",
		    r->delivered_tls ? " (SNI \"" : "",
		    r->delivered_tls ? r->delivered_sni : "",
		    r->delivered_tls ? "\")" : "", outcome_str(outcome),
		    r->misreport ? " (misreport)" : "");
	else
		(void)str_fmt(r->reason, sizeof(r->reason),
		    "expected %s%s; observed %sno delivery, adapter said %s%s",
		    scn_delivery_str(step->expect),
		    step->expect_fetch ? " after a policy fetch" : "",
		    fetch_bad ? "no policy fetch naming the policy host, " : "",
		    outcome_str(outcome), r->misreport ? " (misreport)" : "");
}

enum verdict
judge_scenario(const struct scenario *scn, const struct step_result *steps,
    size_t nsteps, const struct step_result *twin, size_t ntwin,
    enum leak *leak, char *reason, size_t reasonsz)
{
	const struct step_result	*bad = NULL;
	size_t				 i;
	enum verdict			 v;

	*leak = LEAK_NONE;
	reason[0] = '\0';
	for (i = 0; i < nsteps; i++) {
		if (steps[i].leak > *leak)
			*leak = steps[i].leak;
		if (steps[i].outcome == OUTCOME_UNSUPPORTED) {
			(void)str_fmt(reason, reasonsz, "step %zu: the SUT "
			    "does not support this (adapter exit 89)", i + 1);
			return VERDICT_SKIP;
		}
		if (steps[i].outcome == OUTCOME_FAILED) {
			(void)str_fmt(reason, reasonsz, "step %zu: adapter "
			    "failed: %s", i + 1, steps[i].reason);
			return VERDICT_ERROR;
		}
		if (!steps[i].met && bad == NULL)
			bad = &steps[i];
	}
	if (bad != NULL) {
		switch (scn->strength) {
		case SCN_MUST:
			v = VERDICT_FAIL;
			break;
		case SCN_SHOULD:
			v = VERDICT_NON_STRICT;
			break;
		case SCN_MAY:
		case SCN_INFO:
			v = VERDICT_INFO;
			break;
		default:
			fatalx("judge: bad strength %d", scn->strength);
		}
		(void)str_fmt(reason, reasonsz, "step %zu: %s",
		    (size_t)(bad - steps) + 1, bad->reason);
		return v;
	}
	for (i = 0; twin != NULL && i < ntwin; i++)
		if (!twin[i].met) {
			(void)str_fmt(reason, reasonsz, "clean twin step %zu "
			    "did not deliver over verified TLS: %s", i + 1,
			    twin[i].reason);
			return VERDICT_ERROR;
		}
	if (scn->strength == SCN_MAY || scn->strength == SCN_INFO) {
		(void)str_fmt(reason, reasonsz, "recorded (%s): %s",
		    scn_strength_str(scn->strength), nsteps > 0 ?
		    steps[nsteps - 1].reason : "no step ran");
		return VERDICT_INFO;
	}
	return VERDICT_PASS;
}
