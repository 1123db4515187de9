/* SPDX-License-Identifier: ISC */
/*
 * catalog.h -- find and load scenario files: every *.yaml under the given
 * files and directories, in sorted order, each validated in full; ids must
 * be unique. Errors are printed as "file:line:col: message".
 */
#ifndef HARNESS_CATALOG_H
#define HARNESS_CATALOG_H

#include <stddef.h>
#include <stdio.h>

#include "scenario.h"

struct catalog {
	struct scenario	**scns;
	size_t		  n;
};

/* catalog_load - load all; prints every bad file to errfp; -1 if any */
int	catalog_load(struct catalog *, char *const *paths, size_t npaths,
	    FILE *errfp) __attribute__((warn_unused_result));
void	catalog_clear(struct catalog *);

#endif
