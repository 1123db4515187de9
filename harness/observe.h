/* SPDX-License-Identifier: ISC */
/*
 * observe.h -- ground truth. Every event record the fake servers emit is
 * routed to the instance it belongs to (mx/https records by their listen
 * address 127.A.B.H, dns records by the queried name's domain) and
 * folded into that instance's per-step counters, its SMTP sessions and
 * its DATA transfers. A DATA is attributed by its token to the step that
 * issued it, wherever and whenever it arrives; without a known token, to
 * the step live where it arrived. Nothing is dropped silently: what
 * cannot be kept (bounds, unparsable or truncated records, a refused
 * connection) marks the step's observation incomplete.
 */
#ifndef HARNESS_OBSERVE_H
#define HARNESS_OBSERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "judge.h"

#define OBS_STEPS_MAX		SCN_STEPS_MAX
#define OBS_TRANSCRIPT_MAX	400	/* lines kept per instance */
#define OBS_SESSIONS_MAX	65536	/* per instance; beyond: incomplete */
#define OBS_DATA_MAX		65536	/* per instance; beyond: incomplete */

struct observer;
struct obs_instance;

struct observer *observer_new(void);
/* observer_free - frees every instance too */
void	observer_free(struct observer *);
/* observer_feed - route one record line (the log_event hook) */
void	observer_feed(struct observer *, const char *line);
/* observer_seq - records fed so far (a clock for "anything new?") */
uint64_t observer_seq(const struct observer *);

/*
 * obs_instance_new - an instance owns domain and 127.a.b.0/24 until the
 * observer is freed (worlds stay up until the run ends, so late records
 * still find their instance). twin says which run of the scenario it is.
 */
struct obs_instance *obs_instance_new(struct observer *, const char *domain,
	    unsigned int a, unsigned int b, bool twin);
/*
 * obs_instance_reserve - room for the counters of n steps (at most
 * OBS_STEPS_MAX), zeroed; an instance holds only the steps it begins
 */
void	obs_instance_reserve(struct obs_instance *, size_t n);
/* obs_instance_set_step - records from now on arrive in step (0-based) */
void	obs_instance_set_step(struct obs_instance *, int step);
/* obs_instance_end_step - step's window closes; what comes later is late */
void	obs_instance_end_step(struct obs_instance *, int step);
/* obs_token_add - DATA carrying token belongs to (in, step) */
void	obs_token_add(struct observer *, const char *token,
	    struct obs_instance *, int step);
/* obs_instance_incomplete - mark the live step's observation incomplete */
void	obs_instance_incomplete(struct obs_instance *, const char *why);

/* obs_instance_open - SMTP sessions still without a close record */
size_t	obs_instance_open(const struct obs_instance *);
/* obs_instance_named_fetches - over every step of the instance */
unsigned int obs_instance_named_fetches(const struct obs_instance *);
/* obs_instance_https_open - policy-host connections still without a close */
unsigned int obs_instance_https_open(const struct obs_instance *);
/* obs_instance_last_seq - observer_seq() of its newest record, or 0 */
uint64_t obs_instance_last_seq(const struct obs_instance *);

/*
 * What the judge needs, as plain arrays borrowed until the next feed:
 * step counters [OBS_STEPS_MAX], sessions, and DATA attributed to this
 * instance (from any instance's hosts).
 */
const struct step_obs *obs_instance_steps(const struct obs_instance *);
const struct obs_session *obs_instance_sessions(const struct obs_instance *,
	    size_t *n);
const struct obs_data *obs_instance_data(const struct obs_instance *,
	    size_t *n);
/* obs_instance_transcript - lines that arrived in step (borrowed) */
size_t	obs_instance_transcript(const struct obs_instance *, int step,
	    const char *const **lines, size_t *dropped);

#endif
