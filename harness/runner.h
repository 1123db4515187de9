/* SPDX-License-Identifier: ISC */
/*
 * runner.h -- run scenarios against one SUT: start it through its adapter,
 * for each scenario run the clean twin (if any) and then the scenario,
 * step by step, in worlds of fake servers on one event loop; judge each
 * step from what the fake servers observed; stop the SUT.
 */
#ifndef HARNESS_RUNNER_H
#define HARNESS_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../common/err.h"
#include "judge.h"
#include "scenario.h"

#define RUNNER_DETAIL_MAX	256
#define RUNNER_INFO_MAX		2048

/* One step as it ran, with its evidence. */
struct step_record {
	bool			ran;
	bool			attack;
	enum scn_delivery	expect;
	struct step_result	r;
	unsigned int		fetches;	/* policy GETs seen */
	unsigned int		named_fetches;	/* ... SNI+Host named the host */
	unsigned int		queries;	/* DNS queries seen */
	char			detail[RUNNER_DETAIL_MAX];	/* adapter's */
	char			**transcript;	/* owned */
	size_t			ntranscript;
};

struct scn_result {
	const struct scenario	*scn;
	bool			 ran;
	enum verdict		 verdict;
	enum leak		 leak;
	char			 reason[512];
	struct step_record	 steps[SCN_STEPS_MAX];
	size_t			 nsteps;
	struct step_record	 twin[SCN_STEPS_MAX];
	size_t			 ntwin;
	double			 seconds;
};

struct runner_config {
	const char	*adapter;	/* adapter executable */
	const char	*tmpdir;	/* private dir of this run */
	const char	*build_dir;	/* exported as STS_HARNESS_BUILD */
	int		 timeout;	/* STS_TIMEOUT, seconds */
	uint16_t	 smtp_port, https_port, dns_port;
	const char	*dns_addr;	/* where fake-dns listens */
	FILE		*progress;	/* one line per scenario, or NULL */
};

struct runner_summary {
	char		sut_info[RUNNER_INFO_MAX];	/* adapter info JSON */
	bool		interrupted;
	double		seconds;
	long		harness_max_rss_kb;	/* getrusage(RUSAGE_SELF) */
	long		sut_max_rss_kb;		/* largest reaped child */
};

/*
 * runner_run - run every scenario; results[i] belongs to scns[i]. Returns
 * -1 only when the run could not start at all (event loop, PKI, fake-dns).
 */
int	runner_run(const struct runner_config *, struct scenario *const *scns,
	    size_t n, struct scn_result *results, struct runner_summary *,
	    struct err *) __attribute__((warn_unused_result));
void	runner_results_clear(struct scn_result *, size_t);

#endif
