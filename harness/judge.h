/* SPDX-License-Identifier: ISC */
/*
 * judge.h -- verdicts from ground truth. Pure functions: what the fake MX
 * hosts observed during one step (obs_session rows) plus the step's
 * expectation give a step result; step results of a scenario and of its
 * clean twin give the verdict. The adapter's claim is only cross-checked
 * (misreport), never trusted.
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

/* The adapter's own claim for one deliver verb. */
enum outcome {
	OUTCOME_DELIVERED = 0,
	OUTCOME_DEFERRED,
	OUTCOME_BOUNCED,
	OUTCOME_ERROR,		/* the SUT said "error" */
	OUTCOME_UNSUPPORTED,	/* adapter exit 89 */
	OUTCOME_FAILED,		/* adapter crashed, timed out, bad output */
};

const char *verdict_str(enum verdict);
const char *leak_str(enum leak);
const char *outcome_str(enum outcome);
/* outcome_parse - "delivered" etc. to enum; -1 if unknown */
int	outcome_parse(const char *, enum outcome *)
	    __attribute__((warn_unused_result));
/* verdict_is_met - PASS, INFO and SKIP meet the expectation */
bool	verdict_is_met(enum verdict);

/* One SMTP session at a fake MX, summarised from its event records. */
struct obs_session {
	uint64_t	id;
	int		host;		/* index in the step's world hosts */
	bool		ehlo;		/* EHLO/HELO seen (plaintext or TLS) */
	bool		envelope;	/* MAIL or RCPT seen */
	bool		tls;		/* STARTTLS handshake completed */
	bool		data;		/* DATA completed (message accepted) */
	bool		data_tls;	/* ... inside TLS */
	bool		sni_ok;		/* TLS SNI named this host */
	char		sni[SCN_NAME_MAX];
	char		token[STS_TOKEN_MAX + 1];
};

#define JUDGE_REASON_MAX	256

struct step_result {
	bool		met;
	bool		delivered;	/* some DATA completed */
	bool		delivered_tls;
	bool		misreport;	/* adapter claim contradicts observation */
	enum leak	leak;
	enum outcome	outcome;
	char		delivered_at[SCN_LABEL_MAX];	/* "" if none */
	char		delivered_sni[SCN_NAME_MAX];	/* SNI it sent */
	char		reason[JUDGE_REASON_MAX];
};

/*
 * judge_step - compare what was observed in one step with its
 * expectation. w is the world the step ran in (attacker flags, cert
 * profiles). A session counts only if its token is this step's token or
 * empty (a SUT may strip unknown headers). named_fetches counts policy
 * GETs whose SNI and Host both named the policy host.
 */
void	judge_step(const struct scn_step *, const struct scn_world *w,
	    const struct obs_session *, size_t, unsigned int named_fetches,
	    const char *token, enum outcome, struct step_result *);

/*
 * judge_scenario - the verdict of a scenario from its steps and, for an
 * attack, its clean twin's steps (twin NULL when there is none). Writes
 * the deciding reason and the worst leak.
 */
enum verdict judge_scenario(const struct scenario *,
	    const struct step_result *steps, size_t nsteps,
	    const struct step_result *twin, size_t ntwin,
	    enum leak *leak, char *reason, size_t reasonsz);

#endif
