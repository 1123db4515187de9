/* SPDX-License-Identifier: ISC */
/*
 * observe.h -- ground truth. Every event record the fake servers emit is
 * routed to the running instance it belongs to (mx/https records by their
 * listen address 127.A.B.H, dns records by the queried name's domain) and
 * folded into per-step session summaries and a bounded transcript.
 */
#ifndef HARNESS_OBSERVE_H
#define HARNESS_OBSERVE_H

#include <stdbool.h>
#include <stddef.h>

#include "judge.h"

#define OBS_TRANSCRIPT_MAX	400	/* lines kept per instance */

struct observer;
struct obs_instance;

struct observer *observer_new(void);
void	observer_free(struct observer *);	/* frees no instance */
/* observer_feed - route one record line (the log_event hook) */
void	observer_feed(struct observer *, const char *line);

/* obs_instance_new - an instance owns domain and 127.a.b.0/24 */
struct obs_instance *obs_instance_new(struct observer *, const char *domain,
	    unsigned int a, unsigned int b);
void	obs_instance_free(struct obs_instance *);	/* unregisters */
/* obs_instance_set_step - records from now on belong to step (0-based) */
void	obs_instance_set_step(struct obs_instance *, int step);
/* obs_instance_sessions - the step's MX sessions (borrowed array) */
const struct obs_session *obs_instance_sessions(const struct obs_instance *,
	    int step, size_t *n);
/* obs_instance_open - sessions of any step still without a close record */
size_t	obs_instance_open(const struct obs_instance *);
/* counters of the step: policy GETs seen, DNS queries seen */
unsigned int obs_instance_fetches(const struct obs_instance *, int step);
/* ... of which SNI and Host both named the policy host (RFC 8461 §7.1) */
unsigned int obs_instance_named_fetches(const struct obs_instance *,
	    int step);
unsigned int obs_instance_queries(const struct obs_instance *, int step);
/* obs_instance_transcript - lines recorded during step (borrowed) */
size_t	obs_instance_transcript(const struct obs_instance *, int step,
	    const char ***lines);

#endif
