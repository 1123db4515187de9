/* SPDX-License-Identifier: ISC */
/*
 * adapter_check.c -- see adapter_check.h. The runner does the work; this
 * module only collects what the watch saw and words it: one line per
 * check, "ok", "PROBLEM" (adapter-check then exits non-zero) or "note"
 * (a fact about the SUT worth knowing, e.g. an unsupported verb, or a
 * conformance failure that the full run will report as FAIL).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../common/str.h"
#include "adapter_check.h"
#include "ns.h"

#define CHECK_LINE_MAX	1024
#define CHECK_SHOW	200	/* bytes of a verb's output shown */

static const char *const check_files[CHECK_ROLES] = {
	[CHECK_BASELINE] = "discovery/enforce-baseline.yaml",
	[CHECK_UNKNOWN_CA] = "certs/enforce-cert-unknown-ca.yaml",
	[CHECK_SELF_SIGNED] = "certs/enforce-cert-self-signed.yaml",
	[CHECK_STRIPPED] = "attacks/enforce-starttls-stripped.yaml",
	[CHECK_RESTART] = "cache/enforce-cache-survives-restart.yaml",
	[CHECK_CLOCK] = "cache/enforce-cache-valid-before-max-age.yaml",
	[CHECK_RELAY] = "domains/smarthost-policy-domain.yaml",
	[CHECK_DANE] = "dane/dane-vs-sts.yaml",
};

/* What one verb did over the check run. */
struct check_verb {
	const char	*verb;
	int		 limit;		/* seconds; 0: STS_TIMEOUT + slack */
	size_t		 calls;
	size_t		 unsupported;	/* exit 89 */
	size_t		 failed;	/* other non-zero, signal, timeout */
	double		 max_seconds;
	char		 first_fail[CHECK_LINE_MAX];
	char		 out[CHECK_SHOW + 1];	/* first call's stdout */
	int		 status;	/* first call's */
	size_t		 bad_outcome;	/* deliver: no valid outcome line */
	char		 bad_out[CHECK_LINE_MAX];	/* why, the first time */
};

enum check_verb_id {
	CV_INFO = 0, CV_UNKNOWN, CV_FLUSH, CV_START, CV_DELIVER, CV_CLOCK,
	CV_RESTART, CV_RELAY, CV_DANE, CV_STOP, CV_COUNT
};

struct check {
	struct runner_watch	 watch;
	int			 timeout;	/* STS_TIMEOUT */
	struct check_verb	 verbs[CV_COUNT];
	size_t			 problems;
	FILE			*fp;
};

static void	check_on_verb(const struct adapter_result *, const char *,
		    void *);
static void	check_line(struct check *, const char *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static void	check_verbs(struct check *);
static void	check_info(struct check *, const char *);
static void	check_baseline(struct check *, const struct scn_result *,
		    const struct runner_config *);
static void	check_trust(struct check *, const struct scn_result *);
static void	check_daemons(struct check *);
static void	check_scenarios(struct check *, const struct scn_result *);
static const char *check_first_line(char *, size_t, const char *, size_t);
static const char *check_reason(const struct scn_result *);
static bool	check_started(const struct check *);

/* check_reason - a result's reason, escaped (static buffer) */
static const char *
check_reason(const struct scn_result *r)
{
	static char	esc[4 * JUDGE_REASON_MAX + 1];

	return str_escape(esc, sizeof(esc), r->reason);
}

/* check_started - start ran and exited 0: the scenarios mean something */
static bool
check_started(const struct check *c)
{
	const struct check_verb	*v = &c->verbs[CV_START];

	return v->calls > 0 && v->failed == 0 && v->unsupported == 0;
}

const char *
check_file(enum check_role role)
{
	return role < CHECK_ROLES ? check_files[role] : NULL;
}

struct check *
check_new(int timeout)
{
	static const struct { const char *verb; int limit; } v[CV_COUNT] = {
		[CV_INFO] = { "info", 60 },
		[CV_UNKNOWN] = { CHECK_PROBE_UNKNOWN, 60 },
		[CV_FLUSH] = { CHECK_PROBE_FLUSH, 60 },
		[CV_START] = { "start", 60 },
		[CV_DELIVER] = { "deliver", 0 },
		[CV_CLOCK] = { "clock", 60 },
		[CV_RESTART] = { "restart", 60 },
		[CV_RELAY] = { "relay", 60 },
		[CV_DANE] = { "dane", 60 },
		[CV_STOP] = { "stop", 60 },
	};
	struct check	*c = xcalloc(1, sizeof(*c));
	size_t		 i;

	c->timeout = timeout;
	for (i = 0; i < CV_COUNT; i++) {
		c->verbs[i].verb = v[i].verb;
		c->verbs[i].limit = v[i].limit;
	}
	c->watch.on_verb = check_on_verb;
	c->watch.arg = c;
	c->watch.probes[c->watch.nprobes++] = CHECK_PROBE_UNKNOWN;
	c->watch.probes[c->watch.nprobes++] = CHECK_PROBE_FLUSH;
	return c;
}

struct runner_watch *
check_watch(struct check *c)
{
	return &c->watch;
}

void
check_free(struct check *c)
{
	free(c);
}

/* check_first_line - the first line of buf[len], escaped, cut short */
static const char *
check_first_line(char *dst, size_t dstsz, const char *buf, size_t len)
{
	char	line[CHECK_SHOW + 1];
	size_t	n = 0;

	while (n < len && n < CHECK_SHOW && buf[n] != '\n')
		n++;
	memcpy(line, buf, n);
	line[n] = '\0';
	return str_escape(dst, dstsz, line);
}

static void
check_on_verb(const struct adapter_result *res, const char *scn, void *arg)
{
	struct check		*c = arg;
	struct check_verb	*v = NULL;
	struct step_claim	 claim;
	char			 esc[4 * CHECK_SHOW + 1], line[4 * CHECK_SHOW + 1];
	size_t			 i;

	for (i = 0; i < CV_COUNT; i++)
		if (strcmp(c->verbs[i].verb, res->verb) == 0)
			v = &c->verbs[i];
	if (v == NULL)
		return;
	if (v->calls++ == 0) {
		v->status = res->status;
		(void)check_first_line(v->out, sizeof(v->out), res->out,
		    res->outlen);
	}
	if (res->seconds > v->max_seconds)
		v->max_seconds = res->seconds;
	if (res->status == ADAPTER_EXIT_UNSUPPORTED && !res->timed_out) {
		v->unsupported++;
		return;
	}
	if (res->status == 0 && !res->timed_out) {
		if (v != &c->verbs[CV_DELIVER])
			return;
		memset(&claim, 0, sizeof(claim));
		runner_outcome(res, &claim);
		if (claim.outcome == OUTCOME_FAILED && v->bad_outcome++ == 0)
			(void)str_fmt(v->bad_out, sizeof(v->bad_out), "%s; first "
			    "stdout: \"%s\"", str_escape(esc, sizeof(esc),
			    claim.detail), check_first_line(line, sizeof(line),
			    res->out, res->outlen));
		return;
	}
	if (v->failed++ > 0)
		return;
	(void)str_fmt(v->first_fail, sizeof(v->first_fail), "%s%s%s: %s %d%s; "
	    "stderr: \"%s\"", res->verb, scn != NULL ? " in " : "",
	    scn != NULL ? scn : "", res->status == -1 ? "killed by signal" :
	    "exit status", res->status == -1 ? res->signal : res->status,
	    res->timed_out ? " (timed out)" : "",
	    check_first_line(esc, sizeof(esc), res->errout, res->errlen));
}

static void
check_line(struct check *c, const char *kind, const char *fmt, ...)
{
	va_list	ap;

	if (strcmp(kind, "PROBLEM") == 0)
		c->problems++;
	fprintf(c->fp, "%-8s", kind);
	va_start(ap, fmt);
	vfprintf(c->fp, fmt, ap);
	va_end(ap);
	fputc('\n', c->fp);
}

/* check_info - info printed one JSON object with name and version */
static void
check_info(struct check *c, const char *info)
{
	const struct check_verb	*v = &c->verbs[CV_INFO];
	json_t			*j, *name, *version, *features;
	json_error_t		 je;
	char			 esc[4 * CHECK_SHOW + 1];

	if (v->calls == 0) {
		check_line(c, "PROBLEM", "info: never ran");
		return;
	}
	if (v->failed > 0) {
		check_line(c, "PROBLEM", "info: %s", v->first_fail);
		return;
	}
	if (v->status != 0) {
		check_line(c, "PROBLEM", "info: exit status %d; it must exit 0 "
		    "and print one JSON object", v->status);
		return;
	}
	if ((j = json_loads(info, JSON_DISABLE_EOF_CHECK, &je)) == NULL ||
	    !json_is_object(j)) {
		check_line(c, "PROBLEM", "info: stdout is not a JSON object "
		    "(\"%s\"): print {\"name\":...,\"version\":...,"
		    "\"features\":[...]}", str_escape(esc, sizeof(esc), v->out));
		json_decref(j);
		return;
	}
	name = json_object_get(j, "name");
	version = json_object_get(j, "version");
	features = json_object_get(j, "features");
	if (!json_is_string(name) || !json_is_string(version))
		check_line(c, "PROBLEM", "info: \"name\" and \"version\" must be "
		    "strings (got \"%s\")", str_escape(esc, sizeof(esc),
		    v->out));
	else if (features != NULL && !json_is_array(features))
		check_line(c, "PROBLEM", "info: \"features\" must be an array");
	else
		check_line(c, "ok", "info: %s %s (%.2fs)",
		    str_escape(esc, sizeof(esc), json_string_value(name)),
		    json_string_value(version), v->max_seconds);
	json_decref(j);
}

/* check_verbs - exit statuses and time limits of every verb */
static void
check_verbs(struct check *c)
{
	const struct check_verb	*v;
	size_t			 i;
	int			 limit;

	v = &c->verbs[CV_UNKNOWN];
	if (v->calls > 0 && v->unsupported == v->calls)
		check_line(c, "ok", "unknown verb: exit 89, as the protocol "
		    "asks of every verb an adapter does not know");
	else if (v->calls > 0)
		check_line(c, "PROBLEM", "unknown verb \"%s\": exit status %d; "
		    "an adapter must exit 89 for a verb it does not know, or "
		    "a newer harness takes it as broken", v->verb, v->status);
	for (i = CV_FLUSH; i < CV_COUNT; i++) {
		v = &c->verbs[i];
		limit = v->limit > 0 ? v->limit : c->timeout;
		if (v->calls == 0) {
			if (i == CV_START || i == CV_STOP ||
			    (i == CV_DELIVER && check_started(c)))
				check_line(c, "PROBLEM", "%s: never ran "
				    "(an earlier failure stopped the check)",
				    v->verb);
			continue;
		}
		if (v->failed > 0) {
			check_line(c, "PROBLEM", "%s: %zu of %zu calls failed; "
			    "first: %s", v->verb, v->failed, v->calls,
			    v->first_fail);
			continue;
		}
		if (v->unsupported > 0 && i == CV_DELIVER) {
			check_line(c, "PROBLEM", "deliver: exit 89; every SUT "
			    "must deliver");
			continue;
		}
		if (v->unsupported > 0 && (i == CV_START || i == CV_STOP)) {
			check_line(c, "PROBLEM", "%s: exit 89; start and stop "
			    "must exit 0 (do nothing if there is nothing to "
			    "do)", v->verb);
			continue;
		}
		if (v->unsupported > 0) {
			check_line(c, "note", "%s: exit 89 (unsupported): "
			    "scenarios that need it will be SKIP", v->verb);
			continue;
		}
		if (v->bad_outcome > 0) {
			check_line(c, "PROBLEM", "deliver: %zu of %zu calls "
			    "printed no valid outcome line (%s); print "
			    "{\"outcome\":\"delivered|deferred|bounced|"
			    "error\",\"detail\":\"...\"} as the last line "
			    "that starts with {", v->bad_outcome, v->calls,
			    v->bad_out);
			continue;
		}
		if (v->max_seconds > limit)
			check_line(c, "PROBLEM", "%s: took %.1fs, more than %s "
			    "(%d s)", v->verb, v->max_seconds, i == CV_DELIVER ?
			    "STS_TIMEOUT" : "its limit", limit);
		else
			check_line(c, "ok", "%s: exit 0, %zu call%s, slowest "
			    "%.2fs (limit %d s%s)", v->verb, v->calls,
			    v->calls == 1 ? "" : "s", v->max_seconds, limit,
			    i == CV_DELIVER ? ", STS_TIMEOUT" : "");
	}
}

/* check_daemons - what start left ran until stop; stop ended it all */
static void
check_daemons(struct check *c)
{
	const struct runner_watch	*w = &c->watch;
	char				 list[RUNNER_WATCH_NOTE_MAX];

	procs_format(&w->started, list, sizeof(list));
	if (w->gone[0] != '\0')
		check_line(c, "PROBLEM", "daemons: %s; what start (or restart) "
		    "leaves running must live until stop", w->gone);
	else if (w->started.n > 0)
		check_line(c, "ok", "daemons: %s, left by start, alive at each "
		    "of %zu delivers", list, w->delivers_checked);
	else
		check_line(c, "ok", "daemons: none (start left no process; "
		    "every deliver does its own work)");
	if (!w->stopped)
		return;
	procs_format(&w->left, list, sizeof(list));
	if (w->left.n > 0 || w->left.more > 0)
		check_line(c, "PROBLEM", "stop: left %s running; stop must end "
		    "everything the SUT started (the harness killed them)",
		    list);
	else
		check_line(c, "ok", "stop: nothing left running");
}

/* check_baseline - the benign world works: DNS, policy, TLS delivery */
static void
check_baseline(struct check *c, const struct scn_result *res,
    const struct runner_config *cfg)
{
	const struct scn_result	*b = &res[CHECK_BASELINE];
	const struct step_record *s;

	if (!b->ran || b->nsteps == 0) {
		check_line(c, "PROBLEM", "baseline: did not run: %s",
		    check_reason(b));
		return;
	}
	s = &b->steps[0];
	if (s->obs.queries == 0)
		check_line(c, "PROBLEM", "resolver: the SUT asked no DNS "
		    "question about the recipient domain; it must resolve "
		    "through STS_RESOLVER (%s, also in /etc/resolv.conf)",
		    cfg->resolver_addr);
	else if (!cfg->resolver_direct && s->obs.resolver_queries == 0)
		check_line(c, "PROBLEM", "resolver: the SUT's %u DNS questions "
		    "reached the fake DNS without passing the run's resolver "
		    "%s: it must use STS_RESOLVER (/etc/resolv.conf)",
		    s->obs.queries, cfg->resolver_addr);
	else
		check_line(c, "ok", "resolver: %u questions about the domain "
		    "through %s", cfg->resolver_direct ? s->obs.queries :
		    s->obs.resolver_queries, cfg->resolver_addr);
	if (s->obs.named_fetches == 0)
		check_line(c, "note", "policy: the SUT never fetched the "
		    "enforce policy of the baseline domain: it does not "
		    "implement MTA-STS (a naive control), or it cannot verify "
		    "the policy host (check that it trusts STS_CA_FILE) and "
		    "fails open; either way every enforce attack will FAIL");
	else
		check_line(c, "ok", "policy: fetched (%u GET%s naming the "
		    "policy host)", s->obs.named_fetches,
		    s->obs.named_fetches == 1 ? "" : "s");
	if (b->verdict == VERDICT_PASS)
		check_line(c, "ok", "baseline: delivered over TLS to the "
		    "policy's MX (%s)", b->scn->id);
	else if (b->verdict != VERDICT_ERROR && s->r.delivered &&
	    s->r.delivered_tls)
		check_line(c, "note", "baseline: delivered over TLS, but %s: %s",
		    verdict_str(b->verdict), check_reason(b));
	else
		check_line(c, "PROBLEM", "baseline: %s in the benign world: %s; "
		    "until it delivers there over verified TLS no verdict "
		    "means anything", verdict_str(b->verdict),
		    check_reason(b));
}

/*
 * check_trust - trusting the system store shows as accepting the decoy's
 * certificate while refusing a self-signed one; accepting both is no
 * certificate check at all (a conformance matter: the run will FAIL it)
 */
static void
check_trust(struct check *c, const struct scn_result *res)
{
	const struct scn_result	*u = &res[CHECK_UNKNOWN_CA];
	const struct scn_result	*s = &res[CHECK_SELF_SIGNED];
	bool			 ufail = u->verdict == VERDICT_FAIL;
	bool			 sfail = s->verdict == VERDICT_FAIL;

	if (u->verdict == VERDICT_ERROR || s->verdict == VERDICT_ERROR) {
		check_line(c, "PROBLEM", "trust: could not be judged (%s: %s)",
		    (u->verdict == VERDICT_ERROR ? u : s)->scn->id,
		    check_reason(u->verdict == VERDICT_ERROR ? u : s));
		return;
	}
	if (ufail && !sfail)
		check_line(c, "PROBLEM", "trust: the SUT delivered to an MX "
		    "whose certificate comes from a CA in the system trust "
		    "store (%s) that is not STS_CA_FILE, but refused a "
		    "self-signed one: it must trust STS_CA_FILE and only it",
		    NS_SYSTEM_CERTS);
	else if (ufail && sfail)
		check_line(c, "note", "trust: the SUT delivered to MX hosts "
		    "with untrusted certificates under an enforce policy "
		    "(it does not verify them); the run will FAIL it");
	else
		check_line(c, "ok", "trust: refused MX certificates from the "
		    "system store's decoy CA and self-signed ones");
}

/* check_scenarios - the rest, for the record; adapter errors are problems */
static void
check_scenarios(struct check *c, const struct scn_result *res)
{
	size_t	i;

	for (i = 0; i < CHECK_ROLES; i++) {
		const struct scn_result *r = &res[i];

		if (!r->ran)
			continue;
		if (r->verdict == VERDICT_ERROR && i != CHECK_BASELINE &&
		    i != CHECK_UNKNOWN_CA && i != CHECK_SELF_SIGNED)
			check_line(c, "PROBLEM", "%s: ERROR: %s", r->scn->id,
			    check_reason(r));
		else if (i == CHECK_STRIPPED || i == CHECK_RESTART ||
		    i == CHECK_CLOCK || i == CHECK_RELAY || i == CHECK_DANE)
			check_line(c, r->verdict == VERDICT_PASS ? "ok" : "note",
			    "%s: %s%s%s", r->scn->id, verdict_str(r->verdict),
			    r->verdict == VERDICT_PASS ? "" : ": ",
			    r->verdict == VERDICT_PASS ? "" : check_reason(r));
	}
}

size_t
check_report(struct check *c, FILE *fp, const struct scn_result *res,
    const struct runner_summary *sum, const struct runner_config *cfg)
{
	c->fp = fp;
	c->problems = 0;
	check_info(c, sum->sut_info);
	check_verbs(c);
	check_daemons(c);
	if (check_started(c)) {
		check_baseline(c, res, cfg);
		check_trust(c, res);
		check_scenarios(c, res);
	} else
		check_line(c, "note", "the scenario checks (resolver, policy, "
		    "trust, delivery) need a SUT that starts");
	if (sum->interrupted)
		check_line(c, "PROBLEM", "interrupted (signal %d)",
		    sum->signal);
	fprintf(fp, "adapter-check: %zu problem%s in %.1fs\n", c->problems,
	    c->problems == 1 ? "" : "s", sum->seconds);
	return c->problems;
}
