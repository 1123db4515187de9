/* SPDX-License-Identifier: ISC */
/*
 * sts_queue.h -- the reference sender's queue of messages an enforce
 * policy blocked (RFC 8461 §5: "treat the delivery failure as a temporary
 * failure and retry"). Small and bounded, so a deferred message never
 * costs time beyond the next deliveries to its own domain: see
 * docs/decisions.md, "The reference sender's retry queue".
 */
#ifndef SUTS_REFERENCE_STS_QUEUE_H
#define SUTS_REFERENCE_STS_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../common/err.h"
#include "../../common/proto.h"

#define STS_QUEUE_MAX		32	/* messages kept, every domain */
#define STS_QUEUE_TRIES_MAX	3	/* retries of one message */
#define STS_QUEUE_AGE_MAX	3600	/* seconds of sender clock */
#define STS_QUEUE_RCPT_MAX	512	/* an address, NUL included */
#define STS_QUEUE_NAME_MAX	32	/* "m.XXXXXX", NUL included */
#define STS_QUEUE_PATH_MAX	1024

/* One queued message: STATE_DIR/queue/<name> and <name>.meta. */
struct sts_queue_entry {
	char		name[STS_QUEUE_NAME_MAX];
	char		rcpt[STS_QUEUE_RCPT_MAX];
	char		domain[DNS_NAME_MAX + 1];	/* lower case */
	int64_t		queued_at;	/* sender clock */
	unsigned int	tries;		/* retries so far */
};

/*
 * sts_queue_add - keep a copy of msg_file for rcpt (whose domain is
 * domain) queued at now; when STS_QUEUE_MAX messages are queued already,
 * the oldest is dropped first
 */
int	sts_queue_add(const char *state_dir, const char *rcpt,
	    const char *domain, const char *msg_file, int64_t now, struct err *)
	    __attribute__((warn_unused_result));

/*
 * sts_queue_due - the messages queued for domain, oldest first, at most
 * max into out[]; on the way, drops every message (any domain) queued
 * STS_QUEUE_AGE_MAX or more before now, or whose files are corrupt
 */
int	sts_queue_due(const char *state_dir, const char *domain, int64_t now,
	    struct sts_queue_entry *out, size_t max, size_t *n, struct err *)
	    __attribute__((warn_unused_result));

/* sts_queue_msg_path - the message file of e */
int	sts_queue_msg_path(const char *state_dir,
	    const struct sts_queue_entry *e, char *out, size_t size)
	    __attribute__((warn_unused_result));

/*
 * sts_queue_tried - one more retry of e did not deliver: count it, or drop
 * the message once it has had STS_QUEUE_TRIES_MAX; true if it was dropped
 */
bool	sts_queue_tried(const char *state_dir, struct sts_queue_entry *e,
	    struct err *);

/* sts_queue_drop - remove e (delivered, bounced, or given up) */
void	sts_queue_drop(const char *state_dir, const struct sts_queue_entry *);

#endif
