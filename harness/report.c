/* SPDX-License-Identifier: ISC */
/*
 * report.c -- console summary and results JSON (jansson). Everything in
 * the JSON comes from the observed step records; the adapter's words
 * appear only as "outcome"/"detail" next to what was observed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "../common/log.h"
#include "../common/str.h"
#include "report.h"

static json_t	*report_steps(const struct step_record *, size_t);
static json_t	*report_data(const struct step_record *);
static json_t	*report_scenario(const struct scn_result *);

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
		    " s:b, s:b, s:b, s:s, s:s, s:o, s:o, s:i, s:f, s:i, s:i}",
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
		    "cached_answers", (int)rec->obs.cached_answers);
		if (st == NULL)
			fatalx("report: json_pack step");
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

int
report_json(int fd, const char *path, const char *adapter,
    const struct scn_result *res, size_t n, const struct runner_summary *sum,
    struct err *err)
{
	json_t		*root, *scns = json_array(), *info, *summary;
	json_error_t	 je;
	size_t		 counts[VERDICT_ERROR + 1], bad, i;
	char		 seed[32];
	int		 v;

	info = json_loads(sum->sut_info, JSON_DECODE_ANY, &je);
	if (info == NULL)
		info = json_null();
	for (i = 0; i < n; i++)
		if (res[i].scn != NULL)
			json_array_append_new(scns, report_scenario(&res[i]));
	bad = report_counts(res, n, counts);
	/* a string: JSON readers lose integers above 2^53 */
	(void)str_fmt(seed, sizeof(seed), "%llu",
	    (unsigned long long)sum->seed);
	summary = json_pack("{s:i, s:i, s:i, s:b, s:f, s:f, s:f, s:s, s:I,"
	    " s:I, s:i, s:f, s:f, s:f, s:f, s:f}", "total", (int)n, "not_met",
	    (int)bad,
	    "misreported", (int)report_misreports(res, n),
	    "interrupted", sum->interrupted, "seconds", sum->seconds,
	    "quiet_period", sum->quiet_period, "quiet_seconds",
	    sum->quiet_seconds, "seed", seed, "harness_max_rss_kb",
	    (json_int_t)sum->harness_max_rss_kb, "sut_max_rss_kb",
	    (json_int_t)sum->sut_max_rss_kb, "lanes", (int)sum->lanes,
	    "steps_seconds", sum->steps_seconds, "sut_seconds",
	    sum->sut_seconds, "overhead_ratio", sum->sut_seconds > 0 ?
	    sum->steps_seconds * (double)sum->lanes / sum->sut_seconds : 0.0,
	    "harness_cpu_seconds", sum->harness_cpu_seconds,
	    "sut_cpu_seconds", sum->sut_cpu_seconds);
	for (v = VERDICT_PASS; v <= VERDICT_ERROR; v++)
		json_object_set_new(summary, verdict_str((enum verdict)v),
		    json_integer((json_int_t)counts[v]));
	root = json_pack("{s:s, s:{s:s, s:o}, s:o, s:o}",
	    "schema", REPORT_SCHEMA,
	    "sut", "adapter", adapter, "info", info,
	    "scenarios", scns,
	    "summary", summary);
	if (root == NULL)
		return err_set(err, ERR_NOMEM, "report: json_pack");
	if (ftruncate(fd, 0) == -1 || lseek(fd, 0, SEEK_SET) == -1 ||
	    json_dumpfd(root, fd, JSON_INDENT(2) | JSON_SORT_KEYS) == -1 ||
	    write(fd, "\n", 1) != 1) {
		json_decref(root);
		return err_sys(err, "cannot write %s", path);
	}
	json_decref(root);
	return 0;
}
