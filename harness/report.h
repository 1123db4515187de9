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
/* report_json - write the results to fd (opened before the run) */
int	report_json(int fd, const char *path, const char *adapter,
	    const struct scn_result *, size_t, const struct runner_summary *,
	    struct err *) __attribute__((warn_unused_result));

#endif
