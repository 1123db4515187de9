/* SPDX-License-Identifier: ISC */
/*
 * runner.h -- run scenarios against a SUT: start it, once per lane, through
 * its adapter; hand the scenarios out to the lanes, each running one at a
 * time: its instances (the attacked world and, for an attack, its clean
 * twin, in a seeded random order, each on a random domain of its own),
 * step by step, in worlds of fake servers on one event loop; keep every
 * world up until the run ends; wait for a quiet period; stop the SUT
 * instances; judge every scenario from everything observed. Verdicts do
 * not depend on the number of lanes.
 */
#ifndef HARNESS_RUNNER_H
#define HARNESS_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../common/err.h"
#include "adapter.h"
#include "judge.h"
#include "procs.h"
#include "scenario.h"

#define RUNNER_INFO_MAX		2048
#define RUNNER_PASS_ENV_MAX	16
/* the clock moves of one run (twins included) add up to at most this */
#define RUNNER_CLOCK_RUN_MAX	(1827UL * 86400)	/* 5 years */

/* One step of one instance as it ran, with its evidence. */
struct step_record {
	bool			 ran;
	bool			 attack;
	enum scn_delivery	 expect;
	enum scn_strength	 strength;
	struct step_claim	 claim;
	struct step_obs		 obs;
	struct step_result	 r;
	struct obs_data		*data;		/* attributed here; owned */
	size_t			 ndata;
	char			**transcript;	/* owned */
	size_t			 ntranscript;
	size_t			 transcript_dropped;
};

struct scn_result {
	const struct scenario	*scn;
	bool			 ran;
	enum verdict		 verdict;
	enum leak		 leak;
	bool			 misreport;
	const char		*rule;		/* the deciding rule */
	char			 reason[JUDGE_REASON_MAX];
	char			 domain[SCN_NAME_MAX];	/* attacked run */
	char			 twin_domain[SCN_NAME_MAX];	/* "" if none */
	bool			 twin_first;
	/* [scn->nsteps] each, allocated when the scenario is first judged
	   with its evidence kept (NULL until then); the first nsteps and
	   ntwin ran */
	struct step_record	*steps;
	size_t			 nsteps;
	struct step_record	*twin;
	size_t			 ntwin;
	double			 seconds;
	/* what the console showed when the scenario's runs ended */
	bool			 shown;
	enum verdict		 shown_verdict;
	enum leak		 shown_leak;
	bool			 shown_misreport;
};

/*
 * What adapter-check watches (runner_config.watch; NULL in a normal run,
 * which then costs nothing). With a watch the run has one lane.
 */
#define RUNNER_PROBES_MAX	4
#define RUNNER_WATCH_NOTE_MAX	512
typedef void runner_verb_fn(const struct adapter_result *, const char *scn,
	    void *arg);
struct runner_watch {
	runner_verb_fn	*on_verb;	/* every verb's result, scn or NULL */
	void		*arg;
	/* verbs run once each after info, before start (e.g. unknown ones) */
	const char	*probes[RUNNER_PROBES_MAX];
	size_t		 nprobes;
	/* filled in by the runner */
	struct procs	 started;	/* what start (or restart) left running */
	bool		 stopped;	/* stop ran; left holds what it left */
	struct procs	 left;
	char		 gone[RUNNER_WATCH_NOTE_MAX];	/* first daemon found
							   dead at a deliver */
	size_t		 delivers_checked;
};

struct runner_config {
	const char		*adapter;	/* adapter executable */
	const char		*tmpdir;	/* the run's tmpfs */
	int			 timeout;	/* STS_TIMEOUT, seconds */
	unsigned int		 policy_wait_ms;	/* wait: policy bound;
							   0: STS_TIMEOUT */
	unsigned int		 quiet_ms;	/* --quiet-period */
	uint64_t		 seed;		/* domains, addresses, order */
	size_t			 lanes;		/* SUT instances (-j) */
	const char *const	*pass_env;	/* names from --pass-env */
	size_t			 npass_env;
	uint16_t		 smtp_port, https_port, dns_port;
	uint16_t		 http_port;	/* the CRL host's */
	const char		*dns_addr;	/* where fake-dns listens */
	const char		*resolver_addr;	/* STS_RESOLVER, resolv.conf */
	bool			 resolver_direct;	/* no dnsmasq: fake-dns
						   is the resolver */
	FILE			*progress;	/* console lines, or NULL */
	struct runner_watch	*watch;		/* adapter-check, or NULL */
};

struct runner_summary {
	char		sut_info[RUNNER_INFO_MAX];	/* adapter info JSON */
	bool		interrupted;
	int		signal;		/* that interrupted the run, or 0 */
	double		seconds;
	double		quiet_seconds;	/* spent in the quiet period */
	double		steps_seconds;	/* from the first step to the last */
	double		sut_seconds;	/* inside the steps' adapter verbs */
	size_t		lanes;
	uint64_t	seed;
	double		quiet_period;	/* --quiet-period, seconds */
	long		harness_max_rss_kb;	/* getrusage(RUSAGE_SELF) */
	double		harness_cpu_seconds;	/* user + system */
	double		sut_cpu_seconds;	/* reaped children's */
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
/*
 * runner_outcome - a deliver verb's claim, c->outcome and c->detail: the
 * last stdout line that starts with '{' must be {"outcome": ..., "detail":
 * ...}; OUTCOME_FAILED with the reason in detail if it is not (or the verb
 * failed)
 */
void	runner_outcome(const struct adapter_result *, struct step_claim *);
/* runner_line - the console line of one result (escaped, one line) */
void	runner_line(FILE *, const struct scn_result *, const char *suffix);

#endif
