/* SPDX-License-Identifier: ISC */
/*
 * report.c -- console summary and results JSON (jansson). Everything in
 * the JSON comes from the observed step records; the adapter's words
 * appear only as "outcome"/"detail" next to what was observed.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "../common/log.h"
#include "../common/str.h"
#include "report.h"

static json_t	*report_steps(const struct step_record *, size_t);
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
	fprintf(fp, "%s\n", sum->interrupted ? " (interrupted)" : "");
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
		st = json_pack("{s:b, s:s, s:b, s:s, s:s, s:b, s:b, s:s, s:s,"
		    " s:b, s:s, s:i, s:i, s:i, s:s, s:o}",
		    "attack", rec->attack,
		    "expect", scn_delivery_str(rec->expect),
		    "met", rec->r.met,
		    "outcome", outcome_str(rec->r.outcome),
		    "detail", rec->detail,
		    "delivered", rec->r.delivered,
		    "delivered_tls", rec->r.delivered_tls,
		    "delivered_at", rec->r.delivered_at,
		    "delivered_sni", rec->r.delivered_sni,
		    "misreport", rec->r.misreport,
		    "leak", leak_str(rec->r.leak),
		    "policy_fetches", (int)rec->fetches,
		    "policy_fetches_named", (int)rec->named_fetches,
		    "dns_queries", (int)rec->queries,
		    "reason", rec->r.reason,
		    "transcript", tr);
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
	o = json_pack("{s:s, s:s, s:s, s:o, s:s, s:b, s:s, s:s, s:s, s:f,"
	    " s:o, s:o}",
	    "id", scn->id,
	    "file", scn->file,
	    "title", scn->title,
	    "clauses", clauses,
	    "strength", scn_strength_str(scn->strength),
	    "attack", scn->has_attack,
	    "verdict", verdict_str(res->verdict),
	    "leak", leak_str(res->leak),
	    "reason", res->reason,
	    "seconds", res->seconds,
	    "steps", report_steps(res->steps, res->nsteps),
	    "twin", report_steps(res->twin, res->ntwin));
	if (o == NULL)
		fatalx("report: json_pack scenario %s", scn->id);
	return o;
}

int
report_json(const char *path, const char *adapter,
    const struct scn_result *res, size_t n, const struct runner_summary *sum,
    struct err *err)
{
	json_t		*root, *scns = json_array(), *info, *summary;
	json_error_t	 je;
	size_t		 counts[VERDICT_ERROR + 1], bad, i;
	int		 v;

	info = json_loads(sum->sut_info, JSON_DECODE_ANY, &je);
	if (info == NULL)
		info = json_null();
	for (i = 0; i < n; i++)
		if (res[i].scn != NULL)
			json_array_append_new(scns, report_scenario(&res[i]));
	bad = report_counts(res, n, counts);
	summary = json_pack("{s:i, s:i, s:b, s:f, s:I, s:I}", "total", (int)n,
	    "not_met", (int)bad, "interrupted", sum->interrupted, "seconds",
	    sum->seconds, "harness_max_rss_kb",
	    (json_int_t)sum->harness_max_rss_kb, "sut_max_rss_kb",
	    (json_int_t)sum->sut_max_rss_kb);
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
	if (json_dump_file(root, path, JSON_INDENT(2) | JSON_SORT_KEYS) == -1) {
		json_decref(root);
		return err_sys(err, "cannot write %s", path);
	}
	json_decref(root);
	return 0;
}
