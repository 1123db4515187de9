/* SPDX-License-Identifier: ISC */
/*
 * report.c -- console summary and results JSON (jansson). Everything in
 * the JSON comes from the observed step records; the adapter's words
 * appear only as "outcome"/"detail" next to what was observed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "../common/log.h"
#include "../common/str.h"
#include "report.h"

static json_t	*report_steps(const struct step_record *, size_t);
static json_t	*report_data(const struct step_record *);
static void	 report_alerts(json_t *, const struct step_record *);
static json_t	*report_scenario(const struct scn_result *);
static int	 report_write(struct report_json *, const char *, size_t,
		    struct err *);
static int	 report_str(struct report_json *, const char *,
		    struct err *);
static int	 report_dump(struct report_json *, json_t *, int,
		    struct err *);

size_t
report_counts(const struct scn_result *res, size_t n,
    size_t counts[VERDICT_ERROR + 1])
{
	size_t	i, bad = 0;

	memset(counts, 0, sizeof(size_t) * (VERDICT_ERROR + 1));
	for (i = 0; i < n; i++) {
		counts[res[i].verdict]++;
		if (!verdict_is_met(res[i].verdict))
			bad++;
	}
	return bad;
}

size_t
report_misreports(const struct scn_result *res, size_t n)
{
	size_t	i, m = 0;

	for (i = 0; i < n; i++)
		if (res[i].misreport)
			m++;
	return m;
}

void
report_changes(FILE *fp, const struct scn_result *res, size_t n)
{
	size_t	i, changed = 0;

	for (i = 0; i < n; i++) {
		if (!res[i].shown || (res[i].verdict == res[i].shown_verdict &&
		    res[i].leak == res[i].shown_leak &&
		    res[i].misreport == res[i].shown_misreport))
			continue;
		if (changed++ == 0)
			fprintf(fp, "changed by what arrived after their steps "
			    "(late deliveries, teardown):\n");
		runner_line(fp, &res[i], " (final)");
	}
}

void
report_summary(FILE *fp, const struct scn_result *res, size_t n,
    const struct runner_summary *sum)
{
	size_t	counts[VERDICT_ERROR + 1];
	int	v;

	(void)report_counts(res, n, counts);
	fprintf(fp, "%zu scenarios in %.1fs:", n, sum->seconds);
	for (v = VERDICT_PASS; v <= VERDICT_ERROR; v++)
		fprintf(fp, " %zu %s%s", counts[v], verdict_str((enum verdict)v),
		    v < VERDICT_ERROR ? "," : "");
	fprintf(fp, "; %zu misreported%s\n", report_misreports(res, n),
	    sum->interrupted ? " (interrupted)" : "");
}

static json_t *
report_data(const struct step_record *rec)
{
	json_t	*arr = json_array(), *o;
	size_t	 i;

	for (i = 0; i < rec->ndata; i++) {
		const struct obs_data *d = &rec->data[i];

		o = json_pack("{s:I, s:s, s:s, s:b, s:b, s:b, s:b, s:s, s:s,"
		    " s:i, s:b}",
		    "seq", (json_int_t)d->seq,
		    "server", d->server,
		    "result", data_result_str(d->result),
		    "tls", d->tls,
		    "late", d->late,
		    "foreign", d->foreign,
		    "by_token", d->by_token,
		    "sni", d->sni,
		    "rcpt", d->rcpt,
		    "rcpts", (int)d->nrcpt,
		    "rcpt_mixed", d->rcpt_mixed);
		if (o == NULL)
			fatalx("report: json_pack data");
		json_array_append_new(arr, o);
	}
	return arr;
}

/*
 * report_alerts - a step's failed policy fetches and, when it asked about
 * alerts, what the "alerts" verb said
 */
static void
report_alerts(json_t *st, const struct step_record *rec)
{
	static const char *const states[] = {
		[ALERTS_NOT_ASKED] = "not-asked",
		[ALERTS_READ] = "read",
		[ALERTS_UNSUPPORTED] = "unsupported",
	};
	const struct step_claim	*c = &rec->claim;

	if (json_object_set_new(st, "policy_fetches_failed",
	    json_integer(rec->obs.failed_fetches)) == -1 ||
	    json_object_set_new(st, "alerts", json_string(
	    (unsigned)c->alerts <= ALERTS_UNSUPPORTED ? states[c->alerts] :
	    "?")) == -1 ||
	    json_object_set_new(st, "alert_lines",
	    json_integer(c->alert_lines)) == -1 ||
	    json_object_set_new(st, "alert_lines_naming",
	    json_integer(c->alert_naming)) == -1 ||
	    json_object_set_new(st, "alert_line",
	    json_stringn(c->alert_line, strlen(c->alert_line))) == -1)
		fatalx("report: json alerts");
}

static json_t *
report_steps(const struct step_record *recs, size_t n)
{
	json_t	*arr = json_array(), *st, *tr;
	size_t	 i, j;

	for (i = 0; i < n; i++) {
		const struct step_record *rec = &recs[i];

		tr = json_array();
		for (j = 0; j < rec->ntranscript; j++)
			json_array_append_new(tr,
			    json_string(rec->transcript[j]));
		st = json_pack("{s:b, s:s, s:s, s:b, s:s, s:s, s:b, s:b, s:s,"
		    " s:s, s:s, s:b, s:s, s:b, s:b, s:b, s:i, s:i, s:i, s:i, s:i,"
		    " s:b, s:b, s:b, s:s, s:s, s:o, s:o, s:i, s:f, s:i, s:i,"
		    " s:i, s:i}",
		    "attack", rec->attack,
		    "expect", scn_delivery_str(rec->expect),
		    "strength", scn_strength_str(rec->strength),
		    "met", rec->r.met,
		    "outcome", outcome_str(rec->claim.outcome),
		    "detail", rec->claim.detail,
		    "delivered", rec->r.delivered,
		    "delivered_tls", rec->r.delivered_tls,
		    "delivered_at", rec->r.delivered_at,
		    "delivered_sni", rec->r.delivered_sni,
		    "delivered_rcpt", rec->r.delivered_rcpt,
		    "misreport", rec->r.misreport,
		    "leak", leak_str(rec->r.leak),
		    "forbidden_leak", rec->r.forbidden,
		    "late_leak", rec->r.forbidden_late,
		    "nothing_observed", rec->r.nothing,
		    "policy_fetches", (int)rec->obs.fetches,
		    "policy_fetches_named", (int)rec->obs.named_fetches,
		    "dns_queries", (int)rec->obs.queries,
		    "mx_connections", (int)rec->obs.mx_connects,
		    "https_connections", (int)rec->obs.https_connects,
		    "fetch_before_mx", rec->obs.fetch_first,
		    "policy_wait", rec->claim.policy_wait,
		    "policy_wait_timed_out", rec->claim.policy_wait_timed_out,
		    "incomplete", rec->obs.incomplete,
		    "reason", rec->r.reason,
		    "data", report_data(rec),
		    "transcript", tr,
		    "transcript_dropped", (int)rec->transcript_dropped,
		    "sut_seconds", rec->claim.sut_seconds,
		    "resolver_queries", (int)rec->obs.resolver_queries,
		    "cached_answers", (int)rec->obs.cached_answers,
		    "policy_fetches_conditional",
		    (int)rec->obs.conditional_fetches,
		    "crl_fetches", (int)rec->obs.crl_fetches);
		if (st == NULL)
			fatalx("report: json_pack step");
		report_alerts(st, rec);
		json_array_append_new(arr, st);
	}
	return arr;
}

static json_t *
report_scenario(const struct scn_result *res)
{
	const struct scenario	*scn = res->scn;
	json_t			*clauses = json_array(), *o;
	size_t			 i;

	for (i = 0; i < scn->nclauses; i++)
		json_array_append_new(clauses, json_string(scn->clauses[i]));
	o = json_pack("{s:s, s:s, s:s, s:o, s:s, s:b, s:s, s:s, s:s, s:s,"
	    " s:b, s:s, s:s, s:b, s:f, s:o, s:o}",
	    "id", scn->id,
	    "file", scn->file,
	    "title", scn->title,
	    "clauses", clauses,
	    "strength", scn_strength_str(scn->strength),
	    "attack", scn->has_attack,
	    "verdict", verdict_str(res->verdict),
	    "leak", leak_str(res->leak),
	    "reason", res->reason,
	    "rule", res->rule != NULL ? res->rule : "",
	    "misreport", res->misreport,
	    "domain", res->domain,
	    "twin_domain", res->twin_domain,
	    "twin_first", res->twin_first,
	    "seconds", res->seconds,
	    "steps", report_steps(res->steps, res->nsteps),
	    "twin", report_steps(res->twin, res->ntwin));
	if (o == NULL)
		fatalx("report: json_pack scenario %s", scn->id);
	return o;
}

/* The results JSON as it is being written. */
struct report_json {
	int		 fd;
	const char	*path;		/* borrowed, for messages */
	size_t		 nscenarios;	/* written so far */
};

/* report_write - all of buf, or -1 */
static int
report_write(struct report_json *rj, const char *buf, size_t len,
    struct err *err)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(rj->fd, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return err_sys(err, "cannot write %s", rj->path);
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
report_str(struct report_json *rj, const char *s, struct err *err)
{
	return report_write(rj, s, strlen(s), err);
}

/*
 * report_dump - o as jansson prints it with JSON_INDENT(2), each line
 * after the first indented by depth levels more: exactly what a dump of
 * the whole document would have there (strings never hold a raw newline).
 * o stays the caller's.
 */
static int
report_dump(struct report_json *rj, json_t *o, int depth, struct err *err)
{
	static const char	 pad[] = "\n        ";
	char			*text, *p, *nl;
	int			 rc = 0;

	if (depth < 0 || (size_t)depth * 2 + 1 >= sizeof(pad))
		fatalx("report_dump: depth %d", depth);
	text = json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	if (text == NULL)
		return err_set(err, ERR_NOMEM, "report: json_dumps");
	for (p = text; rc == 0; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL) {
			rc = report_write(rj, p, strlen(p), err);
			break;
		}
		rc = report_write(rj, p, (size_t)(nl - p), err);
		if (rc == 0)
			rc = report_write(rj, pad, (size_t)depth * 2 + 1, err);
	}
	free(text);
	return rc;
}

struct report_json *
report_json_begin(int fd, const char *path, struct err *err)
{
	struct report_json	*rj = xcalloc(1, sizeof(*rj));
	const char		*head = "{\n  \"scenarios\": [";

	rj->fd = fd;
	rj->path = path;
	if (ftruncate(fd, 0) == -1 || lseek(fd, 0, SEEK_SET) == -1) {
		(void)err_sys(err, "cannot write %s", path);
		free(rj);
		return NULL;
	}
	if (report_str(rj, head, err) == -1) {
		free(rj);
		return NULL;
	}
	return rj;
}

int
report_json_scenarios(struct report_json *rj, const struct scn_result *res,
    size_t n, unsigned int repetition, struct err *err)
{
	json_t		*o;
	const char	*sep;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if (res[i].scn == NULL)
			continue;
		o = report_scenario(&res[i]);
		json_object_set_new(o, "repetition",
		    json_integer((json_int_t)repetition));
		sep = rj->nscenarios++ == 0 ? "\n    " : ",\n    ";
		if (report_str(rj, sep, err) == -1 ||
		    report_dump(rj, o, 2, err) == -1) {
			json_decref(o);
			return -1;
		}
		json_decref(o);
	}
	return 0;
}

int
report_json_end(struct report_json *rj, const char *adapter,
    const struct report_totals *t, struct err *err)
{
	const struct runner_summary	*sum = &t->sum;
	json_t				*info, *summary, *sut, *schema;
	json_error_t			 je;
	char				 seed[32];
	int				 v, rc = -1;

	info = json_loads(sum->sut_info, JSON_DECODE_ANY, &je);
	if (info == NULL)
		info = json_null();
	/* a string: JSON readers lose integers above 2^53 */
	(void)str_fmt(seed, sizeof(seed), "%llu",
	    (unsigned long long)sum->seed);
	summary = json_pack("{s:i, s:i, s:i, s:b, s:f, s:f, s:f, s:s, s:I,"
	    " s:I, s:i, s:f, s:f, s:f, s:f, s:f, s:i}", "total",
	    (int)t->total, "not_met", (int)t->not_met,
	    "misreported", (int)t->misreported,
	    "interrupted", sum->interrupted, "seconds", sum->seconds,
	    "quiet_period", sum->quiet_period, "quiet_seconds",
	    sum->quiet_seconds, "seed", seed, "harness_max_rss_kb",
	    (json_int_t)sum->harness_max_rss_kb, "sut_max_rss_kb",
	    (json_int_t)sum->sut_max_rss_kb, "lanes", (int)sum->lanes,
	    "steps_seconds", sum->steps_seconds, "sut_seconds",
	    sum->sut_seconds, "overhead_ratio", sum->sut_seconds > 0 ?
	    sum->steps_seconds * (double)sum->lanes / sum->sut_seconds : 0.0,
	    "harness_cpu_seconds", sum->harness_cpu_seconds,
	    "sut_cpu_seconds", sum->sut_cpu_seconds,
	    "repeat", (int)t->repeat);
	sut = json_pack("{s:s, s:o}", "adapter", adapter, "info", info);
	schema = json_string(REPORT_SCHEMA);
	if (summary == NULL || sut == NULL || schema == NULL) {
		(void)err_set(err, ERR_NOMEM, "report: json_pack");
		goto out;
	}
	for (v = VERDICT_PASS; v <= VERDICT_ERROR; v++)
		json_object_set_new(summary, verdict_str((enum verdict)v),
		    json_integer((json_int_t)t->counts[v]));
	/* the top-level keys in JSON_SORT_KEYS order */
	if (report_str(rj, rj->nscenarios > 0 ? "\n  ],\n  \"schema\": " :
	    "],\n  \"schema\": ", err) == -1 ||
	    report_dump(rj, schema, 1, err) == -1 ||
	    report_str(rj, ",\n  \"summary\": ", err) == -1 ||
	    report_dump(rj, summary, 1, err) == -1 ||
	    report_str(rj, ",\n  \"sut\": ", err) == -1 ||
	    report_dump(rj, sut, 1, err) == -1 ||
	    report_str(rj, "\n}\n", err) == -1)
		goto out;
	rc = 0;
out:
	json_decref(schema);
	json_decref(summary);
	json_decref(sut);
	free(rj);
	return rc;
}

void
report_json_free(struct report_json *rj)
{
	free(rj);
}

void
report_totals_add(struct report_totals *t, const struct scn_result *res,
    size_t n, const struct runner_summary *rep)
{
	struct runner_summary	*sum = &t->sum;
	size_t			 counts[VERDICT_ERROR + 1];
	int			 v;

	t->not_met += report_counts(res, n, counts);
	for (v = VERDICT_PASS; v <= VERDICT_ERROR; v++)
		t->counts[v] += counts[v];
	t->misreported += report_misreports(res, n);
	t->total += n;
	if (t->repeat++ == 0) {
		*sum = *rep;
		return;
	}
	sum->interrupted = sum->interrupted || rep->interrupted;
	if (rep->signal != 0)
		sum->signal = rep->signal;
	sum->seconds += rep->seconds;
	sum->quiet_seconds += rep->quiet_seconds;
	sum->steps_seconds += rep->steps_seconds;
	sum->sut_seconds += rep->sut_seconds;
	/* getrusage: the process's and its reaped children's, so far */
	sum->harness_max_rss_kb = rep->harness_max_rss_kb;
	sum->harness_cpu_seconds = rep->harness_cpu_seconds;
	sum->sut_cpu_seconds = rep->sut_cpu_seconds;
	sum->sut_max_rss_kb = rep->sut_max_rss_kb;
}

void
report_totals_line(FILE *fp, const struct report_totals *t)
{
	int	v;

	fprintf(fp, "%u repetitions, %zu results in %.1fs:", t->repeat,
	    t->total, t->sum.seconds);
	for (v = VERDICT_PASS; v <= VERDICT_ERROR; v++)
		fprintf(fp, " %zu %s%s", t->counts[v],
		    verdict_str((enum verdict)v), v < VERDICT_ERROR ? "," : "");
	fprintf(fp, "; %zu misreported%s\n", t->misreported,
	    t->sum.interrupted ? " (interrupted)" : "");
}
