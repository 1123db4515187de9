/* SPDX-License-Identifier: ISC */
/*
 * log.h -- diagnostics (log_*, fatal*) and event records. Event records are
 * one line of key=value pairs, the contract between the fake servers and
 * the harness:
 *   mx session=00000000000000a1 event=starttls result=ok version=TLSv1.3
 * Values holding a space, quote, backslash, '=' or a control byte are
 * written in double quotes with \" \\ and \xNN escapes. Grammar in
 * docs/events.md.
 */
#ifndef COMMON_LOG_H
#define COMMON_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define LOG_EVENT_LINE_MAX	2048
#define LOG_EVENT_FIELDS_MAX	32

void	log_init(const char *, int);		/* progname, verbosity 0..3 */
int	log_verbosity(void);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

/*
 * Event records. Build one with log_event_begin(), add fields, then
 * log_event_end() hands the finished line to the hook (the harness) and,
 * if set, to the event stream (standalone programs print to stdout).
 * A record that would exceed LOG_EVENT_LINE_MAX is cut at a field
 * boundary and gets "truncated=yes".
 */
struct log_event {
	char	line[LOG_EVENT_LINE_MAX];
	size_t	len;
	bool	overflow;
};

typedef void log_event_fn(const char *line, void *arg);

void	log_set_event_hook(log_event_fn *, void *);
void	log_set_event_stream(FILE *);
void	log_event_begin(struct log_event *, const char *component,
	    uint64_t session, const char *event);
void	log_event_str(struct log_event *, const char *key, const char *val);
void	log_event_uint(struct log_event *, const char *key,
	    unsigned long long val);
void	log_event_bool(struct log_event *, const char *key, bool val);
void	log_event_end(struct log_event *);

/* A parsed record; keys/values point into buf. */
struct log_record {
	char		 buf[LOG_EVENT_LINE_MAX];
	const char	*component;
	size_t		 nfields;
	const char	*key[LOG_EVENT_FIELDS_MAX];
	const char	*val[LOG_EVENT_FIELDS_MAX];
};

/* log_record_parse - split a record line; -1 on malformed input */
int	log_record_parse(const char *line, struct log_record *)
	    __attribute__((warn_unused_result));
/* log_record_get - value of key, or NULL */
const char *log_record_get(const struct log_record *, const char *key);

#endif
