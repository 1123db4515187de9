/* SPDX-License-Identifier: ISC */
/*
 * log.c -- diagnostics to stderr (OpenSMTPD style) and event records: one
 * line of key=value pairs handed to a hook (the harness) and/or a stream
 * (standalone programs). The logger is configured once per process; it is
 * one of the few allowed globals.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static void	log_vlog(const char *, const char *, int, va_list)
		    __attribute__((format(printf, 2, 0)));
static bool	log_needs_quote(const char *);
static void	log_event_append(struct log_event *, const char *, size_t);
static int	log_record_value(char **, char **);

static const char	*log_progname = "sts-harness";
static int		 log_level = 0;
static log_event_fn	*log_hook;
static void		*log_hook_arg;
static FILE		*log_stream;

void
log_init(const char *progname, int verbosity)
{
	log_progname = progname;
	log_level = verbosity;
}

int
log_verbosity(void)
{
	return log_level;
}

static void
log_vlog(const char *prefix, const char *fmt, int errnum, va_list ap)
{
	char	msg[1024];

	if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
		msg[0] = '\0';
	if (errnum != 0)
		fprintf(stderr, "%s: %s%s: %s\n", log_progname, prefix, msg,
		    strerror(errnum));
	else
		fprintf(stderr, "%s: %s%s\n", log_progname, prefix, msg);
}

void
log_warn(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	log_vlog("warning: ", fmt, saved, ap);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vlog("warning: ", fmt, 0, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	if (log_level < 1)
		return;
	va_start(ap, fmt);
	log_vlog("", fmt, 0, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	if (log_level < 2)
		return;
	va_start(ap, fmt);
	log_vlog("debug: ", fmt, 0, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	log_vlog("fatal: ", fmt, saved, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vlog("fatal: ", fmt, 0, ap);
	va_end(ap);
	exit(1);
}

void
log_set_event_hook(log_event_fn *fn, void *arg)
{
	log_hook = fn;
	log_hook_arg = arg;
}

void
log_set_event_stream(FILE *fp)
{
	log_stream = fp;
}

/* log_event_append - add bytes unless the line would overflow (sticky) */
static void
log_event_append(struct log_event *ev, const char *s, size_t n)
{
	/* keep room for " truncated=yes" and the NUL */
	if (ev->overflow || ev->len + n + 16 >= sizeof(ev->line)) {
		ev->overflow = true;
		return;
	}
	memcpy(ev->line + ev->len, s, n);
	ev->len += n;
	ev->line[ev->len] = '\0';
}

void
log_event_begin(struct log_event *ev, const char *component,
    uint64_t session, const char *event)
{
	char	sid[32];

	ev->len = 0;
	ev->overflow = false;
	ev->line[0] = '\0';
	log_event_append(ev, component, strlen(component));
	(void)snprintf(sid, sizeof(sid), " session=%016" PRIx64, session);
	log_event_append(ev, sid, strlen(sid));
	log_event_str(ev, "event", event);
}

static bool
log_needs_quote(const char *v)
{
	if (*v == '\0')
		return true;
	for (; *v != '\0'; v++) {
		unsigned char c = (unsigned char)*v;
		if (c <= ' ' || c >= 0x7f || c == '"' || c == '\\' || c == '=')
			return true;
	}
	return false;
}

/* log_event_str - append " key=value", quoting and escaping as needed */
void
log_event_str(struct log_event *ev, const char *key, const char *val)
{
	char		 field[LOG_EVENT_LINE_MAX];
	size_t		 n = 0, klen = strlen(key);
	const char	*v;

	if (val == NULL)
		val = "";
	if (klen + 3 >= sizeof(field)) {
		ev->overflow = true;
		return;
	}
	field[n++] = ' ';
	memcpy(field + n, key, klen);
	n += klen;
	field[n++] = '=';
	if (!log_needs_quote(val)) {
		log_event_append(ev, field, n);
		log_event_append(ev, val, strlen(val));
		return;
	}
	field[n++] = '"';
	for (v = val; *v != '\0'; v++) {
		unsigned char c = (unsigned char)*v;
		if (n + 6 >= sizeof(field)) {
			ev->overflow = true;
			return;
		}
		if (c == '"' || c == '\\') {
			field[n++] = '\\';
			field[n++] = (char)c;
		} else if (c < ' ' || c >= 0x7f) {
			(void)snprintf(field + n, 5, "\\x%02x", c);
			n += 4;
		} else
			field[n++] = (char)c;
	}
	field[n++] = '"';
	log_event_append(ev, field, n);
}

void
log_event_uint(struct log_event *ev, const char *key, unsigned long long val)
{
	char	buf[32];

	(void)snprintf(buf, sizeof(buf), "%llu", val);
	log_event_str(ev, key, buf);
}

void
log_event_bool(struct log_event *ev, const char *key, bool val)
{
	log_event_str(ev, key, val ? "yes" : "no");
}

void
log_event_end(struct log_event *ev)
{
	if (ev->overflow) {
		memcpy(ev->line + ev->len, " truncated=yes", 15);
		ev->len += 14;
	}
	if (log_hook != NULL)
		log_hook(ev->line, log_hook_arg);
	if (log_stream != NULL) {
		fprintf(log_stream, "%s\n", ev->line);
		fflush(log_stream);
	}
}

/* log_record_value - unquote the value at *p in place; advance *p */
static int
log_record_value(char **p, char **out)
{
	char	*r = *p, *w;

	if (*r != '"') {
		*out = r;
		while (*r != '\0' && *r != ' ')
			r++;
		if (*r == ' ')
			*r++ = '\0';
		*p = r;
		return 0;
	}
	w = *out = ++r;
	for (;;) {
		if (*r == '\0')
			return -1;		/* unterminated quote */
		if (*r == '"')
			break;
		if (*r != '\\') {
			*w++ = *r++;
			continue;
		}
		r++;
		if (*r == '"' || *r == '\\') {
			*w++ = *r++;
		} else if (*r == 'x' && isxdigit((unsigned char)r[1]) &&
		    isxdigit((unsigned char)r[2])) {
			char hex[3] = { r[1], r[2], '\0' };
			*w++ = (char)strtoul(hex, NULL, 16);
			r += 3;
		} else
			return -1;
	}
	r++;
	if (*r != '\0' && *r != ' ')
		return -1;
	if (*r == ' ')
		r++;
	*w = '\0';
	*p = r;
	return 0;
}

int
log_record_parse(const char *line, struct log_record *rec)
{
	char	*p, *key, *eq;

	if (strlen(line) >= sizeof(rec->buf))
		return -1;
	memcpy(rec->buf, line, strlen(line) + 1);
	rec->nfields = 0;
	p = rec->buf;
	rec->component = p;
	while (*p != '\0' && *p != ' ')
		p++;
	if (p == rec->component)
		return -1;
	if (*p == ' ')
		*p++ = '\0';
	while (*p != '\0') {
		if (rec->nfields == LOG_EVENT_FIELDS_MAX)
			return -1;
		key = p;
		eq = strchr(p, '=');
		if (eq == NULL || eq == key || memchr(key, ' ', (size_t)(eq -
		    key)) != NULL)
			return -1;
		*eq = '\0';
		p = eq + 1;
		rec->key[rec->nfields] = key;
		if (log_record_value(&p, (char **)&rec->val[rec->nfields]) == -1)
			return -1;
		rec->nfields++;
	}
	return 0;
}

const char *
log_record_get(const struct log_record *rec, const char *key)
{
	size_t	i;

	for (i = 0; i < rec->nfields; i++)
		if (strcmp(rec->key[i], key) == 0)
			return rec->val[i];
	return NULL;
}
