/* SPDX-License-Identifier: ISC */
/*
 * matrix.h -- `sts-harness report --markdown A.json B.json ...`: several
 * results files (schema sts-harness/results/2) become one Markdown matrix,
 * scenario x SUT (verdict and leak), the versions tested, and every
 * non-PASS explained. Explanations come from each SUT's file
 * suts/NAME/explanations (NAME: the directory of the run's adapter), one
 * line each: "SCENARIO-ID VERDICT TEXT" ('#' starts a comment; a PASS line
 * is a note printed with that scenario). An INFO
 * is explained by its own reason (the RFC leaves the behaviour open). A
 * FAIL, NON-STRICT, SKIP or ERROR without a line, or with a line for
 * another verdict, is reported as unexplained, and so is a stale line
 * (for a scenario the run has, with a verdict it did not give).
 */
#ifndef HARNESS_MATRIX_H
#define HARNESS_MATRIX_H

#include <stddef.h>
#include <stdio.h>

#define MATRIX_SUTS_MAX		16

/*
 * matrix_report - write the matrix of files[n] to out; root is the project
 * directory (for suts/NAME/explanations). Returns 0 when every non-PASS is
 * explained, 1 when some is not (each named on errfp), 2 when an input
 * cannot be read (told on errfp as "file: message").
 */
int	matrix_report(FILE *out, FILE *errfp, const char *root,
	    char *const *files, size_t n);

#endif
