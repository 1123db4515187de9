/* SPDX-License-Identifier: ISC */
/*
 * report.h -- results out: the console summary and the results JSON
 * (schema "sts-harness/results/2", docs/results-json.md; a contract that
 * changes only with a version bump).
 */
#ifndef HARNESS_REPORT_H
#define HARNESS_REPORT_H

#include <stdio.h>

#include "../common/err.h"
#include "runner.h"

#define REPORT_SCHEMA	"sts-harness/results/2"

/* report_counts - verdict histogram; returns the number not met */
size_t	report_counts(const struct scn_result *, size_t,
	    size_t counts[VERDICT_ERROR + 1]);
/* report_misreports - scenarios with a claim that contradicts the facts */
size_t	report_misreports(const struct scn_result *, size_t);
/*
 * report_changes - the console lines of scenarios whose final verdict
 * (after the quiet period and teardown) differs from the line shown when
 * they ended, e.g. because of a late delivery.
 */
void	report_changes(FILE *, const struct scn_result *, size_t);
void	report_summary(FILE *, const struct scn_result *, size_t,
	    const struct runner_summary *);
/*
 * What a run of one or more repetitions adds up to: verdict counts over
 * every result, and the summaries of the repetitions combined (times and
 * CPU summed, peak RSS the largest, the first repetition's seed and info).
 */
struct report_totals {
	size_t			total;		/* results, all repetitions */
	size_t			not_met;
	size_t			misreported;
	size_t			counts[VERDICT_ERROR + 1];
	unsigned int		repeat;		/* repetitions that ran */
	struct runner_summary	sum;
};

/* report_totals_add - one repetition's results and summary */
void	report_totals_add(struct report_totals *, const struct scn_result *,
	    size_t, const struct runner_summary *);
/* report_totals_line - "N repetitions, T results: ..." */
void	report_totals_line(FILE *, const struct report_totals *);

/*
 * The results JSON, written as the run goes (docs/results-json.md):
 * report_json_begin when the run starts, report_json_scenarios after each
 * repetition (its results, marked with their 1-based repetition), and
 * report_json_end with the totals. A repetition's results need not be
 * kept once written. Each returns -1 with err if fd cannot be written.
 */
struct report_json;

struct report_json *report_json_begin(int fd, const char *path,
	    struct err *);
int	report_json_scenarios(struct report_json *,
	    const struct scn_result *, size_t, unsigned int repetition,
	    struct err *) __attribute__((warn_unused_result));
/* report_json_end - the summary and the SUT; frees the writer */
int	report_json_end(struct report_json *, const char *adapter,
	    const struct report_totals *, struct err *)
	    __attribute__((warn_unused_result));
/* report_json_free - a writer that will not be ended (NULL is fine) */
void	report_json_free(struct report_json *);

#endif
