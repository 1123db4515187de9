/* SPDX-License-Identifier: ISC */
/*
 * report.h -- results out: the console summary and the results JSON
 * (schema "sts-harness/results/1", docs/results-json.md; a contract that
 * changes only with a version bump).
 */
#ifndef HARNESS_REPORT_H
#define HARNESS_REPORT_H

#include <stdio.h>

#include "../common/err.h"
#include "runner.h"

#define REPORT_SCHEMA	"sts-harness/results/1"

/* report_counts - verdict histogram; returns the number not met */
size_t	report_counts(const struct scn_result *, size_t,
	    size_t counts[VERDICT_ERROR + 1]);
void	report_summary(FILE *, const struct scn_result *, size_t,
	    const struct runner_summary *);
int	report_json(const char *path, const char *adapter,
	    const struct scn_result *, size_t, const struct runner_summary *,
	    struct err *) __attribute__((warn_unused_result));

#endif
