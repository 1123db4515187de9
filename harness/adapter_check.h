/* SPDX-License-Identifier: ISC */
/*
 * adapter_check.h -- `sts-harness adapter-check`: validate an adapter before
 * a run and explain every problem in plain words. It runs a few catalogue
 * scenarios with one lane and a watch (docs/adapter-check.md): each verb's
 * exit status, output and time; an unknown verb (exit 89); the daemons
 * start leaves, alive at every deliver and gone after stop; that the SUT
 * resolves through the run's resolver; that it trusts STS_CA_FILE and only
 * it (the namespace's system trust store holds a decoy CA).
 */
#ifndef HARNESS_ADAPTER_CHECK_H
#define HARNESS_ADAPTER_CHECK_H

#include <stddef.h>
#include <stdio.h>

#include "runner.h"

/* The role each check scenario plays, in the order of check_files[]. */
enum check_role {
	CHECK_BASELINE = 0,	/* must deliver over TLS: the setup works */
	CHECK_UNKNOWN_CA,	/* MX cert from the decoy in the system store */
	CHECK_SELF_SIGNED,	/* MX cert nobody trusts: the control */
	CHECK_STRIPPED,		/* a first attack, for the record */
	CHECK_RESTART,		/* the restart verb */
	CHECK_CLOCK,		/* the clock verb */
	CHECK_RELAY,		/* the relay verb (optional) */
	CHECK_DANE,		/* the dane verb (optional), a signed zone */
	CHECK_ROLES
};

/* check_file - the scenario file (under scenarios/) of a role */
const char *check_file(enum check_role);

/* The verbs adapter-check probes after info, before start. */
#define CHECK_PROBE_UNKNOWN	"sts-harness-check-unknown-verb"
#define CHECK_PROBE_FLUSH	"flush-reports"

struct check;

/* check_new - a collector to hang on cfg->watch (see check_watch) */
struct check *check_new(int timeout);
struct runner_watch *check_watch(struct check *);
/*
 * check_report - after runner_run: print every check, one line each
 * ("ok", "PROBLEM", "note"), and a closing line; res[role] is the
 * result of check_file(role). Returns the number of problems.
 */
size_t	check_report(struct check *, FILE *, const struct scn_result *res,
	    const struct runner_summary *, const struct runner_config *);
void	check_free(struct check *);

#endif
