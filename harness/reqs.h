/* SPDX-License-Identifier: ISC */
/*
 * reqs.h -- the requirement ids of docs/requirements.md, read from its
 * tables (rows "| R-... | section | requirement | strength |"), for
 * `sts-harness coverage` and `sts-harness show`. A *sender requirement*
 * is one a sending MTA can be tested on: every id but those aimed at
 * publishers ("publisher" in the strength), informative ones (EX, lc),
 * and the TLS-RPT duties (R-6-*), which wait for reporting scenarios.
 */
#ifndef HARNESS_REQS_H
#define HARNESS_REQS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "scenario.h"

#define REQS_MAX	256
#define REQS_TEXT_MAX	512

struct req {
	char	id[SCN_CLAUSE_MAX];
	char	section[32];
	char	text[REQS_TEXT_MAX];
	char	strength[64];
	bool	sender;
};

struct reqs {
	struct req	r[REQS_MAX];
	size_t		n;
};

/* reqs_load - the rows of path; -1 with "path:line: message" on errfp */
int	reqs_load(struct reqs *, const char *path, FILE *errfp)
	    __attribute__((warn_unused_result));
const struct req *reqs_find(const struct reqs *, const char *id);

/*
 * coverage_report - for every requirement, the scenarios that cite it, as
 * a Markdown table, then a summary line. Returns 0 when every sender
 * requirement is covered and every cited id exists, 1 otherwise.
 */
int	coverage_report(FILE *, const struct reqs *,
	    struct scenario *const *, size_t);
/* show_scenario - one scenario: clauses with their text, worlds, steps */
void	show_scenario(FILE *, const struct reqs *, const struct scenario *);

#endif
