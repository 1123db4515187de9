/* SPDX-License-Identifier: ISC */
/*
 * judge.h -- verdicts from ground truth. Pure functions: what the fake
 * servers observed for one instance of a scenario (the attacked run, or
 * its clean twin), step by step, plus the adapter's claims, give step
 * results; the step results of a scenario's instances give its verdict,
 * through the rules of docs/verdicts.md, one table row each. The
 * adapter's claim never decides a verdict: it is cross-checked
 * (misreport), and an "error" claim or a broken adapter is ERROR.
 */
#ifndef HARNESS_JUDGE_H
#define HARNESS_JUDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/proto.h"
#include "scenario.h"

enum verdict {
	VERDICT_PASS = 0,
	VERDICT_NON_STRICT,	/* a SHOULD not met */
	VERDICT_FAIL,		/* a MUST not met */
	VERDICT_INFO,		/* behaviour recorded (MAY, unspecified) */
	VERDICT_SKIP,		/* the SUT lacks the feature (adapter exit 89) */
	VERDICT_ERROR,		/* harness, SUT or clean twin could not run it */
};

/* What reached an attacker-controlled endpoint, in increasing order. */
enum leak {
	LEAK_NONE = 0,
	LEAK_EHLO,
	LEAK_ENVELOPE,
	LEAK_MESSAGE,
};

/* The adapter's claim for a step, or why there is none. */
enum outcome {
	OUTCOME_DELIVERED = 0,
	OUTCOME_DEFERRED,
	OUTCOME_BOUNCED,
	OUTCOME_ERROR,		/* the SUT said "error" */
	OUTCOME_UNSUPPORTED,	/* a verb other than deliver exited 89 */
	OUTCOME_FAILED,		/* adapter crashed, timed out, bad output,
				   deliver exited 89, harness could not ask */
};

const char *verdict_str(enum verdict);
const char *leak_str(enum leak);
const char *outcome_str(enum outcome);
/* outcome_parse - "delivered" etc. to enum; -1 if unknown */
int	outcome_parse(const char *, enum outcome *)
	    __attribute__((warn_unused_result));
/* verdict_is_met - PASS, INFO and SKIP meet the expectation */
bool	verdict_is_met(enum verdict);

#define JUDGE_REASON_MAX	512
#define JUDGE_DETAIL_MAX	256

/* How a DATA transfer ended at the fake MX. */
enum data_result {
	DATA_COMPLETE = 0,	/* final dot, 250 */
	DATA_TOO_BIG,		/* final dot, 552: the body was sent anyway */
	DATA_ABORTED,		/* the session ended inside the body */
	DATA_REJECTED,		/* final dot, a scripted 4xx/5xx (fail) */
};

const char *data_result_str(enum data_result);

/* One SMTP session at one of the instance's own fake MX hosts. */
struct obs_session {
	int		step;		/* the instance's step live at connect */
	int		host;		/* index in that step's world; -1 ? */
	enum leak	level;		/* NONE (connected), EHLO, ENVELOPE */
};

/*
 * One DATA transfer (a message body sent), attributed to one step of one
 * instance: by its token when it carries one the harness issued, else to
 * the step live where it arrived.
 */
struct obs_data {
	uint64_t	 seq;		/* arrival order in the run */
	int		 step;		/* the step it is attributed to */
	bool		 by_token;
	bool		 late;		/* that step had ended on arrival */
	bool		 foreign;	/* arrived at another instance's host */
	int		 at_step;	/* own instance: step live on arrival */
	int		 host;		/* own instance: host index, or -1 */
	enum data_result result;
	bool		 tls;		/* the body went inside TLS */
	bool		 sni_ok;	/* the session's SNI named the host */
	bool		 fallback;	/* the MX presented its SNI fallback
					   certificate, not its own */
	char		 server[SCN_NAME_MAX];	/* host name it reached */
	char		 sni[SCN_NAME_MAX];
	/* the transaction's RCPTs: the first one's domain (lower case, no
	   trailing dot; "" without an '@'), how many, whether any other
	   RCPT named another domain */
	char		 rcpt[SCN_NAME_MAX];
	unsigned int	 nrcpt;
	bool		 rcpt_mixed;
	bool		 at_ended;	/* at_step's window had closed too
					   (it came after the instance's
					   last step, say) */
};

/* Counters of one step's window (records that arrived during it). */
struct step_obs {
	unsigned int	queries;	/* DNS queries about the domain at
					   fake-dns */
	unsigned int	resolver_queries;	/* ... the SUT asked dnsmasq */
	unsigned int	cached_answers;		/* ... dnsmasq answered from
						   its cache */
	unsigned int	fetches;	/* HTTPS requests at the policy host */
	unsigned int	named_fetches;	/* ... SNI and Host named it */
	unsigned int	conditional_fetches;	/* named ones with
					   If-None-Match/-Modified-Since */
	unsigned int	failed_fetches;	/* named ones the policy host
					   answered other than 200 */
	unsigned int	mx_connects;
	unsigned int	https_connects;
	unsigned int	crl_fetches;	/* GETs of the CRL answered 200 at
					   crl.<domain> (docs/events.md) */
	bool		fetch_first;	/* a named fetch came before any MX
					   connection of the step */
	char		incomplete[JUDGE_DETAIL_MAX];	/* "" = complete */
};

#define JUDGE_ALERT_LINES_MAX	64	/* "alerts" lines read, the rest
					   dropped */
#define JUDGE_ALERT_LINE_MAX	160	/* bytes of the line kept */

/* Whether the "alerts" verb answered for a step that asks about alerts. */
enum alerts_state {
	ALERTS_NOT_ASKED = 0,	/* the step asks nothing, or never got there */
	ALERTS_READ,		/* exit 0: its lines were scanned */
	ALERTS_UNSUPPORTED,	/* exit 89: the SUT's logs are out of reach */
};

/* What the adapter said, or what kept the harness from asking. */
struct step_claim {
	bool		deliver_ran;	/* the SUT was asked to deliver */
	enum outcome	outcome;
	char		detail[JUDGE_DETAIL_MAX];	/* as the adapter said
							   it: escape to print */
	bool		policy_wait;	/* the step waited for a policy GET */
	bool		policy_wait_timed_out;
	double		sut_seconds;	/* inside adapter verbs of the step */
	/* the "alerts" verb after the step (judge_alerts_scan) */
	enum alerts_state alerts;
	unsigned int	alert_lines;	/* non-empty lines read */
	unsigned int	alert_naming;	/* ... naming the recipient domain */
	char		alert_line[JUDGE_ALERT_LINE_MAX];	/* the first
					   naming one, else the first; as
					   the adapter said it */
};

/*
 * judge_names_domain - does line[len] name domain, case-insensitively, as
 * a whole name or the end of one ("mta-sts.D" names D; "xD", "D-x" and
 * "D.x" do not)?
 */
bool	judge_names_domain(const char *line, size_t len, const char *domain);
/*
 * judge_alerts_scan - the "alerts" verb's stdout out[len], one alert a
 * line: count the non-empty lines (at most JUDGE_ALERT_LINES_MAX) and
 * those naming domain, keep one into c (alerts becomes ALERTS_READ)
 */
void	judge_alerts_scan(const char *out, size_t len, const char *domain,
	    struct step_claim *c);

/* One instance of a scenario as it ran: the attack, or its clean twin. */
struct judge_instance {
	bool			  twin;
	const char		 *domain;	/* the instance's own domain */
	unsigned int		  a, b;		/* its addresses, 127.a.b.x */
	size_t			  nsteps;	/* steps that ran */
	const struct step_obs	 *obs;		/* [nsteps] */
	const struct step_claim	 *claims;	/* [nsteps] */
	const struct obs_session *sessions;
	size_t			  nsessions;
	const struct obs_data	 *data;		/* attributed to this one */
	size_t			  ndata;
};

struct step_result {
	bool		met;		/* the expectation held in the window */
	bool		delivered;	/* a complete DATA in the window */
	bool		delivered_tls;
	char		delivered_at[SCN_NAME_MAX];	/* host name, "" */
	char		delivered_sni[SCN_NAME_MAX];
	char		delivered_rcpt[SCN_NAME_MAX];	/* its RCPT domain */
	bool		misreport;	/* claim contradicts the observation */
	bool		nothing;	/* nothing observed in the window */
	enum leak	leak;		/* at attacker-controlled endpoints */
	bool		forbidden;	/* a body reached one the step's
					   expectation does not allow */
	bool		forbidden_late;
	bool		alert_unsupported;	/* asked, "alerts" said 89 */
	size_t		ndata;		/* DATA attributed to the step */
	char		leak_what[JUDGE_DETAIL_MAX];	/* the forbidden one */
	char		reason[JUDGE_REASON_MAX];
};

/* The step a twin runs in place of step i: verified TLS, any host. */
void	judge_twin_step(const struct scn_step *, struct scn_step *);
/* The world step i of an instance runs in. */
const struct scn_world *judge_world(const struct scenario *, bool twin,
	    size_t step);

/*
 * judge_step - the result of step i of an instance. A DATA counts for
 * delivery only inside its step's window, and only when every RCPT of its
 * transaction named the step's recipient domain (scenario_rcpt_domain of
 * the instance's domain); every DATA attributed to the
 * step, in the window or late, counts as a leak when it reached an
 * attacker-controlled endpoint (a host the attack touched or added, or
 * a host of another instance) that the expectation does not allow.
 */
void	judge_step(const struct scenario *, const struct judge_instance *,
	    size_t i, struct step_result *);

struct judge_verdict {
	enum verdict	verdict;
	enum leak	leak;		/* worst over both instances */
	bool		misreport;	/* some step's claim contradicts */
	const char	*rule;		/* the docs/verdicts.md rule that
					   decided (static string) */
	char		reason[JUDGE_REASON_MAX];
};

/*
 * judge_scenario - the verdict from the attacked instance and the clean
 * twin (NULL when the scenario has no attack). steps[] and twin_steps[]
 * receive each step's result (SCN_STEPS_MAX each).
 */
void	judge_scenario(const struct scenario *,
	    const struct judge_instance *main, const struct judge_instance *twin,
	    struct step_result *steps, struct step_result *twin_steps,
	    struct judge_verdict *);

#endif
