/* SPDX-License-Identifier: ISC */
/*
 * smtp_session.c -- one SMTP session on the fake MX: greeting, EHLO,
 * STARTTLS (as its row of smtp_tls_modes[] says), the envelope and DATA
 * with the harness token. Owns its fd, bufferevents and SSL; records
 * what the client did as "mx" events; never exits the process on client
 * misbehaviour and never stores message text.
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/util.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "../common/log.h"
#include "../common/proto.h"
#include "../common/str.h"
#include "smtp_session.h"

#define SMTP_VERB_MAX		16	/* longest verb we know, plus slack */
#define SMTP_PATH_MAX		256	/* RFC 5321 §4.5.3.1.3, incl. <> */
#define SMTP_REPLY_MAX		512	/* RFC 5321 §4.5.3.1.5, incl. CRLF */
#define SMTP_RCPT_MAX		100	/* RFC 5321 §4.5.3.1.8, the minimum */
#define SMTP_ERRORS_MAX		20	/* bad commands before 421 (ours) */
#define SMTP_OUTPUT_MAX		(64 * 1024)	/* unread replies before we
						 * stop reading (ours) */
#define SMTP_ADDR_STR_MAX	64	/* "[v6 literal]:port" fits */
#define SMTP_REASON_MAX		256	/* OpenSSL reason text */
#define SMTP_CLOSE_GRACE_SEC	5	/* past the deadline, to flush its
					 * 421 (ours) */
#define SMTP_TLS_RECORD_HDR	5	/* RFC 8446 §5.1: type, version, len */
#define SMTP_TLS_RECORD_MAX	16384	/* RFC 8446 §5.1: 2^14 bytes */
#define SMTP_TLS_HANDSHAKE	0x16	/* ContentType handshake(22) */

enum smtp_state {
	SMTP_STATE_GREETED = 0,	/* no EHLO/HELO yet (again after TLS) */
	SMTP_STATE_READY,	/* EHLO done, no transaction */
	SMTP_STATE_MAIL,	/* MAIL accepted */
	SMTP_STATE_RCPT,	/* at least one RCPT accepted */
	SMTP_STATE_DATA,	/* reading message text */
	SMTP_STATE_HANDSHAKE,	/* TLS handshake under way */
	SMTP_STATE_TLS_ABORT,	/* 220 sent, awaiting the ClientHello to
				   abort the handshake (tls-abort, close) */
	SMTP_STATE_CLOSING,	/* flushing the last replies */
	SMTP_STATE_CLOSED,	/* close record written; free pending */
};

#define SMTP_S(st)	(1u << (st))
#define SMTP_S_CMD	(SMTP_S(SMTP_STATE_GREETED) | \
			 SMTP_S(SMTP_STATE_READY) | \
			 SMTP_S(SMTP_STATE_MAIL) | SMTP_S(SMTP_STATE_RCPT))

enum smtp_close_reason {
	SMTP_CLOSE_QUIT = 0,
	SMTP_CLOSE_EOF,
	SMTP_CLOSE_TIMEOUT,
	SMTP_CLOSE_ERROR,
	SMTP_CLOSE_LINE_TOO_LONG,
	SMTP_CLOSE_SHUTDOWN,
	SMTP_CLOSE_FAIL,	/* a scripted 421 (cfg.fail) */
};

/* How a message ended: the result= of its data record. */
enum smtp_data_result {
	SMTP_DATA_COMPLETE = 0,	/* final dot, within every bound */
	SMTP_DATA_TOO_BIG,	/* final dot, but over a bound: 552 */
	SMTP_DATA_ABORTED,	/* the session ended before the final dot */
	SMTP_DATA_REJECTED,	/* final dot, answered cfg.fail.code */
};

/* What the input loop does next; the session is never freed inside it. */
enum smtp_verdict {
	SMTP_CONTINUE = 0,	/* handled one line, look for another */
	SMTP_WAIT,		/* need more input */
	SMTP_STOP,		/* closing, or the input now belongs to TLS */
};

struct smtp_session {
	struct event_base	*base;
	struct bufferevent	*bev;		/* socket bev, or TLS filter */
	struct bufferevent	*plain;		/* socket bev under TLS */
	struct evbuffer_cb_entry *flush_cb;	/* on plain output, closing */
	struct event		*defer;		/* close callback + free */
	struct event		*deadline;	/* cfg.lifetime_sec from new */
	SSL_CTX			*ctx;		/* borrowed; NULL: no TLS */
	struct mx_config	 cfg;
	char			 laddr[SMTP_ADDR_STR_MAX];
	char			 peer[SMTP_ADDR_STR_MAX];
	uint64_t		 id;
	smtp_session_close_fn	*close_fn;
	void			*close_arg;

	enum smtp_state		 state;
	enum smtp_close_reason	 close_reason;
	bool			 tls;
	bool			 throttled;	/* reading paused for output */
	bool			 tls_closed;	/* close_notify queued */
	unsigned int		 errors;
	unsigned int		 nrcpt;
	size_t			 pipelined;	/* bytes after STARTTLS */

	/* DATA */
	size_t			 data_bytes;
	bool			 data_too_big;
	bool			 data_in_headers;
	bool			 data_token_seen;
	bool			 data_discard;	/* inside an over-long line */
	char			 token[STS_TOKEN_MAX + 1];
};

typedef enum smtp_verdict smtp_cmd_fn(struct smtp_session *, char *);

#define SMTP_F_NOARGS	0x01	/* RFC 5321 §4.1.1: verb takes no argument */

struct smtp_cmd {
	const char	*verb;
	smtp_cmd_fn	*fn;
	unsigned int	 flags;		/* SMTP_F_* */
	unsigned int	 states;	/* SMTP_S() where allowed, else 503 */
	enum mx_fail_verb fail;		/* cfg.fail.verb that answers it */
};

/* Where a scripted failure applies: a row per enum mx_fail_verb. */
struct smtp_fail_row {
	bool		 needs_tls;	/* only inside TLS */
};

#define SMTP_EXT_F_SIZE		0x01	/* append the size limit */
#define SMTP_EXT_F_STARTTLS	0x02	/* only if the mode advertises it */

struct smtp_ext {
	const char	*keyword;
	unsigned int	 flags;		/* SMTP_EXT_F_* */
};

/* What a STARTTLS behaviour does after its 220 (the handshake, or not). */
typedef enum smtp_verdict smtp_tls_fn(struct smtp_session *);

/* How STARTTLS behaves: a row per mx_starttls mode (smtp_tls_modes[]). */
struct smtp_tls_mode {
	bool		 advertise;	/* 250-STARTTLS in EHLO */
	const char	*reply;		/* instead of 220; NULL: 220, start */
	const char	*result;	/* starttls record when reply != NULL */
	smtp_tls_fn	*start;		/* after the 220 */
	bool		 needs_ctx;	/* without an SSL_CTX: as refuse */
	const char	*abort_result;	/* smtp_tls_abort: starttls result= */
	bool		 abort_alert;	/* smtp_tls_abort: alert, then close */
};

/* libevent callbacks */
static void	smtp_on_read(struct bufferevent *, void *);
static void	smtp_on_write(struct bufferevent *, void *);
static void	smtp_on_event(struct bufferevent *, short, void *);
static void	smtp_on_plain_drained(struct evbuffer *,
		    const struct evbuffer_cb_info *, void *);
static void	smtp_on_defer(evutil_socket_t, short, void *);
static void	smtp_on_deadline(evutil_socket_t, short, void *);

/* input */
static void	smtp_process_input(struct smtp_session *);
static enum smtp_verdict smtp_read_command(struct smtp_session *);
static enum smtp_verdict smtp_read_data(struct smtp_session *);
static enum smtp_verdict smtp_command(struct smtp_session *, char *);
static enum smtp_verdict smtp_data_line(struct smtp_session *, char *,
		    size_t);
static void	smtp_data_overlong(struct smtp_session *);
static enum smtp_verdict smtp_data_end(struct smtp_session *);
static void	smtp_data_record(const struct smtp_session *,
		    enum smtp_data_result);

/* commands */
static enum smtp_verdict smtp_do_ehlo(struct smtp_session *, char *);
static enum smtp_verdict smtp_do_helo(struct smtp_session *, char *);
static enum smtp_verdict smtp_do_starttls(struct smtp_session *, char *);
static enum smtp_verdict smtp_do_mail(struct smtp_session *, char *);
static enum smtp_verdict smtp_do_rcpt(struct smtp_session *, char *);
static enum smtp_verdict smtp_do_data(struct smtp_session *, char *);
static enum smtp_verdict smtp_do_rset(struct smtp_session *, char *);
static enum smtp_verdict smtp_do_noop(struct smtp_session *, char *);
static enum smtp_verdict smtp_do_quit(struct smtp_session *, char *);
static enum smtp_verdict smtp_do_unimplemented(struct smtp_session *,
		    char *);
static enum smtp_verdict smtp_bad_command(struct smtp_session *,
		    const char *, const char *);
static enum smtp_verdict smtp_line_too_long(struct smtp_session *);
static bool	smtp_fails(const struct smtp_session *, enum mx_fail_verb);
static enum smtp_verdict smtp_fail(struct smtp_session *);

/* TLS */
static const struct smtp_tls_mode *smtp_tls_mode(const struct smtp_session *);
static bool	smtp_ext_is_visible(const struct smtp_session *,
		    const struct smtp_ext *);
static smtp_tls_fn smtp_tls_handshake, smtp_tls_abort;
static enum smtp_verdict smtp_read_hello(struct smtp_session *);
static void	smtp_tls_ok(struct smtp_session *);
static void	smtp_tls_failed(struct smtp_session *, const char *);
static void	smtp_tls_reason(struct smtp_session *, short, char *, size_t);

/* parsing */
static const struct smtp_cmd *smtp_cmd_lookup(const char *);
static int	smtp_parse_path(const char *, const char *, char *, size_t)
		    MUST_CHECK;
static bool	smtp_token_header(const char *, char *, size_t);
static bool	smtp_is_token_char(char);

/* output, records, teardown */
static void	smtp_reply(struct smtp_session *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	smtp_event_begin(const struct smtp_session *,
		    struct log_event *, const char *);
static void	smtp_warn(const struct smtp_session *, const char *);
static void	smtp_transaction_reset(struct smtp_session *);
static bool	smtp_is_flushed(const struct smtp_session *);
static void	smtp_close(struct smtp_session *, enum smtp_close_reason,
		    bool);
static void	smtp_close_if_flushed(struct smtp_session *);
static void	smtp_close_now(struct smtp_session *);
static void	smtp_destroy(struct smtp_session *);
static const char *smtp_close_reason_str(enum smtp_close_reason);
static const char *smtp_data_result_str(enum smtp_data_result);

static const struct smtp_cmd smtp_cmds[] = {
	{ "EHLO",	smtp_do_ehlo,		0,		SMTP_S_CMD,
	    MX_FAIL_EHLO_AFTER_TLS },
	{ "HELO",	smtp_do_helo,		0,		SMTP_S_CMD,
	    MX_FAIL_EHLO_AFTER_TLS },
	/* RFC 3207 §4: not inside a mail transaction */
	{ "STARTTLS",	smtp_do_starttls,	SMTP_F_NOARGS,
	    SMTP_S(SMTP_STATE_GREETED) | SMTP_S(SMTP_STATE_READY),
	    MX_FAIL_NONE },
	{ "MAIL",	smtp_do_mail,		0,
	    SMTP_S(SMTP_STATE_READY), MX_FAIL_MAIL },
	{ "RCPT",	smtp_do_rcpt,		0,
	    SMTP_S(SMTP_STATE_MAIL) | SMTP_S(SMTP_STATE_RCPT), MX_FAIL_RCPT },
	{ "DATA",	smtp_do_data,		SMTP_F_NOARGS,
	    SMTP_S(SMTP_STATE_RCPT), MX_FAIL_DATA },
	{ "RSET",	smtp_do_rset,		SMTP_F_NOARGS,	SMTP_S_CMD,
	    MX_FAIL_NONE },
	{ "NOOP",	smtp_do_noop,		0,		SMTP_S_CMD,
	    MX_FAIL_NONE },
	{ "QUIT",	smtp_do_quit,		SMTP_F_NOARGS,	SMTP_S_CMD,
	    MX_FAIL_NONE },
	{ "VRFY",	smtp_do_unimplemented,	0,		SMTP_S_CMD,
	    MX_FAIL_NONE },
	{ "EXPN",	smtp_do_unimplemented,	0,		SMTP_S_CMD,
	    MX_FAIL_NONE },
	{ "HELP",	smtp_do_unimplemented,	0,		SMTP_S_CMD,
	    MX_FAIL_NONE },
	{ "ETRN",	smtp_do_unimplemented,	0,		SMTP_S_CMD,
	    MX_FAIL_NONE },
	{ "TURN",	smtp_do_unimplemented,	0,		SMTP_S_CMD,
	    MX_FAIL_NONE },
	{ "AUTH",	smtp_do_unimplemented,	0,		SMTP_S_CMD,
	    MX_FAIL_NONE },
	{ "BDAT",	smtp_do_unimplemented,	0,		SMTP_S_CMD,
	    MX_FAIL_NONE },
};

static const struct smtp_ext smtp_exts[] = {
	{ "PIPELINING",	0 },			/* RFC 2920 */
	{ "8BITMIME",	0 },			/* RFC 6152 */
	{ "SIZE",	SMTP_EXT_F_SIZE },	/* RFC 1870 */
	{ "STARTTLS",	SMTP_EXT_F_STARTTLS },	/* RFC 3207 */
};

/* The STARTTLS behaviours, indexed by enum mx_starttls (mx_config.h). */
static const struct smtp_tls_mode smtp_tls_modes[] = {
	[MX_STARTTLS_OFFER] = { .advertise = true,
	    .start = smtp_tls_handshake, .needs_ctx = true },
	[MX_STARTTLS_STRIP] = { .advertise = false,
	    .reply = "502 5.5.1 Command not recognized",
	    .result = "stripped" },
	[MX_STARTTLS_REFUSE] = { .advertise = true,
	    .reply = "454 4.7.0 TLS not available", .result = "refused" },
	[MX_STARTTLS_TLS_ABORT] = { .advertise = true,
	    .start = smtp_tls_abort, .abort_result = "aborted",
	    .abort_alert = true },
	[MX_STARTTLS_CLOSE] = { .advertise = true,
	    .start = smtp_tls_abort, .abort_result = "closed",
	    .abort_alert = false },
};

/*
 * Scripted failures (cfg.fail), indexed by enum mx_fail_verb: the
 * command rows of smtp_cmds[] name their verb; end-of-data is the final
 * dot (smtp_data_end). Each applies in plaintext and inside TLS alike,
 * but ehlo-after-tls, which only the EHLO after STARTTLS gets.
 */
static const struct smtp_fail_row smtp_fail_rows[] = {
	[MX_FAIL_NONE] =		{ .needs_tls = false },
	[MX_FAIL_EHLO_AFTER_TLS] =	{ .needs_tls = true },
	[MX_FAIL_MAIL] =		{ .needs_tls = false },
	[MX_FAIL_RCPT] =		{ .needs_tls = false },
	[MX_FAIL_DATA] =		{ .needs_tls = false },
	[MX_FAIL_END_OF_DATA] =		{ .needs_tls = false },
};

/*
 * RFC 8446 §6, §6.2: a fatal handshake_failure(40) alert in a record of
 * its own, version 0x0303 as every TLS 1.2 and 1.3 record has
 */
static const uint8_t smtp_tls_abort_alert[] = {
	0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28
};

/* smtp_session_new - adopt fd, emit connect and queue the greeting */
struct smtp_session *
smtp_session_new(struct event_base *base, int fd, SSL_CTX *ctx,
    const struct mx_config *cfg, const char *laddr, const char *peer,
    uint64_t id, smtp_session_close_fn *close_fn, void *arg,
    struct err *err)
{
	struct smtp_session	*s;
	struct log_event	 ev;
	struct timeval		 tv;

	s = xcalloc(1, sizeof(*s));
	s->base = base;
	s->ctx = ctx;
	s->cfg = *cfg;
	s->id = id;
	s->close_fn = close_fn;
	s->close_arg = arg;
	s->state = SMTP_STATE_GREETED;
	if (str_copy(s->laddr, laddr, sizeof(s->laddr)) == -1 ||
	    str_copy(s->peer, peer, sizeof(s->peer)) == -1) {
		err_set(err, ERR_RANGE, "smtp_session: address too long");
		goto fail;
	}
	/* replies are single lines: no Nagle delay behind a delayed ACK */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 },
	    sizeof(int));
	if (evutil_make_socket_nonblocking(fd) == -1) {
		err_sys(err, "smtp_session: nonblocking fd %d", fd);
		goto fail;
	}
	if ((s->defer = event_new(base, -1, 0, smtp_on_defer, s)) == NULL ||
	    (s->deadline = evtimer_new(base, smtp_on_deadline, s)) == NULL) {
		err_set(err, ERR_NOMEM, "smtp_session: event_new");
		goto fail;
	}
	s->bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (s->bev == NULL) {
		err_set(err, ERR_NOMEM, "smtp_session: bufferevent_socket_new");
		goto fail;
	}
	fd = -1;			/* the bufferevent owns it now */
	tv.tv_sec = s->cfg.timeout_sec;
	tv.tv_usec = 0;
	bufferevent_setcb(s->bev, smtp_on_read, smtp_on_write, smtp_on_event,
	    s);
	if (bufferevent_set_timeouts(s->bev, &tv, &tv) == -1 ||
	    bufferevent_enable(s->bev, EV_READ | EV_WRITE) == -1) {
		err_set(err, ERR_SYS, "smtp_session: enable bufferevent");
		goto fail;
	}
	/* the idle timeouts alone let a client that trickles live forever */
	tv.tv_sec = s->cfg.lifetime_sec > 0 ? s->cfg.lifetime_sec :
	    MX_LIFETIME_DEFAULT;
	if (evtimer_add(s->deadline, &tv) == -1) {
		err_set(err, ERR_SYS, "smtp_session: add deadline");
		goto fail;
	}

	smtp_event_begin(s, &ev, "connect");
	log_event_str(&ev, "peer", s->peer);
	log_event_end(&ev);
	smtp_reply(s, "220 %s ESMTP sts-harness", s->cfg.hostname);
	return s;

fail:
	if (s->bev != NULL)
		bufferevent_free(s->bev);
	if (fd != -1)
		close(fd);
	if (s->deadline != NULL)
		event_free(s->deadline);
	if (s->defer != NULL)
		event_free(s->defer);
	free(s);
	return NULL;
}

uint64_t
smtp_session_id(const struct smtp_session *s)
{
	return s->id;
}

/*
 * smtp_session_free - close now: a message cut off is recorded aborted,
 * then reason=shutdown if the session was still open
 */
void
smtp_session_free(struct smtp_session *s)
{
	struct log_event	ev;

	if (s == NULL)
		return;
	if (s->state == SMTP_STATE_DATA)
		smtp_data_record(s, SMTP_DATA_ABORTED);
	if (s->state != SMTP_STATE_CLOSED) {
		smtp_event_begin(s, &ev, "close");
		log_event_str(&ev, "reason",
		    smtp_close_reason_str(SMTP_CLOSE_SHUTDOWN));
		log_event_end(&ev);
	}
	smtp_destroy(s);
}

/* smtp_destroy - release everything, in reverse order of acquisition */
static void
smtp_destroy(struct smtp_session *s)
{
	if (s->flush_cb != NULL)
		evbuffer_remove_cb_entry(bufferevent_get_output(s->plain),
		    s->flush_cb);
	/* the TLS filter frees the socket bev under it (CLOSE_ON_FREE) */
	bufferevent_free(s->bev);
	event_free(s->deadline);
	event_free(s->defer);
	free(s);
}

/* smtp_on_defer - the session ended: tell the owner, then free */
static void
smtp_on_defer(evutil_socket_t fd, short what, void *arg)
{
	struct smtp_session	*s = arg;

	(void)fd;
	(void)what;
	if (s->close_fn != NULL)
		s->close_fn(s, s->close_arg);
	smtp_destroy(s);
}

/*
 * smtp_on_deadline - the session's lifetime is over: 421 and close after a
 * short flush (RFC 5321 §3.8 lets a server close with 421 at any time),
 * or close at once where no reply can go out or the flush is what drags
 */
static void
smtp_on_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct smtp_session	*s = arg;
	struct timeval		 grace = { SMTP_CLOSE_GRACE_SEC, 0 };

	(void)fd;
	(void)what;
	switch (s->state) {
	case SMTP_STATE_GREETED:
	case SMTP_STATE_READY:
	case SMTP_STATE_MAIL:
	case SMTP_STATE_RCPT:
	case SMTP_STATE_DATA:
		smtp_reply(s, "421 4.4.2 %s Session time limit exceeded",
		    s->cfg.hostname);
		smtp_close(s, SMTP_CLOSE_TIMEOUT, true);
		if (s->state == SMTP_STATE_CLOSING)
			(void)evtimer_add(s->deadline, &grace);
		return;
	case SMTP_STATE_HANDSHAKE:
	case SMTP_STATE_TLS_ABORT:
		smtp_tls_failed(s, "timeout");
		smtp_close(s, SMTP_CLOSE_TIMEOUT, false);
		return;
	case SMTP_STATE_CLOSING:
		smtp_close_now(s);	/* keeps the reason it had */
		return;
	case SMTP_STATE_CLOSED:
		return;
	default:
		fatalx("smtp_session: bad state %d", (int)s->state);
	}
}

/* smtp_on_read - feed complete, bounded lines to the current reader */
static void
smtp_on_read(struct bufferevent *bev, void *arg)
{
	(void)bev;
	smtp_process_input(arg);
}

/* smtp_process_input - run the reader of the current state until it waits */
static void
smtp_process_input(struct smtp_session *s)
{
	enum smtp_verdict	v;

	for (;;) {
		if (s->state != SMTP_STATE_CLOSING &&
		    s->state != SMTP_STATE_CLOSED &&
		    evbuffer_get_length(bufferevent_get_output(s->bev)) >
		    SMTP_OUTPUT_MAX) {
			/* the client does not read its replies: pause */
			s->throttled = true;
			bufferevent_disable(s->bev, EV_READ);
			return;
		}
		switch (s->state) {
		case SMTP_STATE_GREETED:
		case SMTP_STATE_READY:
		case SMTP_STATE_MAIL:
		case SMTP_STATE_RCPT:
			v = smtp_read_command(s);
			break;
		case SMTP_STATE_DATA:
			v = smtp_read_data(s);
			break;
		case SMTP_STATE_TLS_ABORT:
			v = smtp_read_hello(s);
			break;
		case SMTP_STATE_HANDSHAKE:
		case SMTP_STATE_CLOSING:
		case SMTP_STATE_CLOSED:
			return;
		default:
			fatalx("smtp_session: bad state %d", (int)s->state);
		}
		if (v != SMTP_CONTINUE)
			return;
	}
}

/* smtp_read_command - take one bounded command line (RFC 5321 §4.5.3.1.4) */
static enum smtp_verdict
smtp_read_command(struct smtp_session *s)
{
	struct evbuffer		*in = bufferevent_get_input(s->bev);
	struct evbuffer_ptr	 eol;
	size_t			 eol_len;
	char			 line[SMTP_LINE_MAX];

	eol = evbuffer_search_eol(in, NULL, &eol_len, EVBUFFER_EOL_CRLF);
	if (eol.pos == -1 && evbuffer_get_length(in) < sizeof(line))
		return SMTP_WAIT;
	/* the bound includes the CRLF */
	if (eol.pos == -1 || (size_t)eol.pos + 2 > sizeof(line))
		return smtp_line_too_long(s);
	if (evbuffer_remove(in, line, eol.pos) != eol.pos) {
		smtp_close(s, SMTP_CLOSE_ERROR, false);
		return SMTP_STOP;
	}
	line[eol.pos] = '\0';
	evbuffer_drain(in, eol_len);
	if (memchr(line, '\0', eol.pos) != NULL)
		return smtp_bad_command(s, "500 5.5.2 NUL in command line",
		    "nul-in-command");
	return smtp_command(s, line);
}

/* smtp_line_too_long - 500 and close: we cannot find the next command */
static enum smtp_verdict
smtp_line_too_long(struct smtp_session *s)
{
	smtp_reply(s, "500 5.5.2 Line too long");
	smtp_warn(s, "line-too-long");
	smtp_close(s, SMTP_CLOSE_LINE_TOO_LONG, true);
	return SMTP_STOP;
}

/* smtp_cmd_lookup - the table row of verb (case-insensitive), or NULL */
static const struct smtp_cmd *
smtp_cmd_lookup(const char *verb)
{
	size_t	i;

	for (i = 0; i < sizeof(smtp_cmds) / sizeof(smtp_cmds[0]); i++)
		if (strcasecmp(verb, smtp_cmds[i].verb) == 0)
			return &smtp_cmds[i];
	return NULL;
}

/* smtp_command - split verb and arguments, check sequence, dispatch */
static enum smtp_verdict
smtp_command(struct smtp_session *s, char *line)
{
	const struct smtp_cmd	*cmd;
	char			 verb[SMTP_VERB_MAX];
	char			*args;
	size_t			 n;

	n = strcspn(line, " ");
	if (n == 0 || n >= sizeof(verb))
		return smtp_bad_command(s, "500 5.5.1 Command unrecognized",
		    "unknown-command");
	memcpy(verb, line, n);
	verb[n] = '\0';
	args = line + n;
	while (*args == ' ')
		args++;
	if ((cmd = smtp_cmd_lookup(verb)) == NULL)
		return smtp_bad_command(s, "500 5.5.1 Command unrecognized",
		    "unknown-command");
	if ((cmd->flags & SMTP_F_NOARGS) && *args != '\0')
		return smtp_bad_command(s,
		    "501 5.5.4 Syntax error: no arguments allowed", "syntax");
	if ((cmd->states & SMTP_S(s->state)) == 0)
		return smtp_bad_command(s, "503 5.5.1 Bad sequence of commands",
		    "bad-sequence");
	if (smtp_fails(s, cmd->fail))
		return smtp_fail(s);
	return cmd->fn(s, args);
}

/* smtp_fails - whether cfg.fail answers verb here and now */
static bool
smtp_fails(const struct smtp_session *s, enum mx_fail_verb verb)
{
	size_t	i = (size_t)verb;

	if (verb == MX_FAIL_NONE || verb != s->cfg.fail.verb)
		return false;
	if (i >= sizeof(smtp_fail_rows) / sizeof(smtp_fail_rows[0]))
		fatalx("smtp_session: no row for fail verb %d", (int)verb);
	return !smtp_fail_rows[i].needs_tls || s->tls;
}

/*
 * smtp_fail - record and answer the scripted failure, the verb left
 * undone (the state stays); 421 closes the session, as RFC 5321 §3.8
 * has it. The enhanced code is X.3.0 (RFC 3463: other or undefined mail
 * system status) in the reply's class.
 */
static enum smtp_verdict
smtp_fail(struct smtp_session *s)
{
	struct log_event	ev;
	unsigned int		code = s->cfg.fail.code;

	smtp_event_begin(s, &ev, "fail");
	log_event_str(&ev, "verb", mx_fail_verb_str(s->cfg.fail.verb));
	log_event_uint(&ev, "code", code);
	log_event_bool(&ev, "tls", s->tls);
	log_event_end(&ev);
	smtp_reply(s, "%u %u.3.0 %s: scripted failure (%s)", code,
	    code / 100, s->cfg.hostname, mx_fail_verb_str(s->cfg.fail.verb));
	if (code != 421)
		return SMTP_CONTINUE;
	smtp_close(s, SMTP_CLOSE_FAIL, true);
	return SMTP_STOP;
}

/* smtp_bad_command - reply, warn, and give up on a client that persists */
static enum smtp_verdict
smtp_bad_command(struct smtp_session *s, const char *reply, const char *why)
{
	smtp_reply(s, "%s", reply);
	smtp_warn(s, why);
	if (++s->errors < SMTP_ERRORS_MAX)
		return SMTP_CONTINUE;
	smtp_reply(s, "421 4.7.0 Too many errors");
	smtp_warn(s, "too-many-errors");
	smtp_close(s, SMTP_CLOSE_ERROR, true);
	return SMTP_STOP;
}

/* smtp_ext_is_visible - whether EHLO lists ext right now */
static bool
smtp_ext_is_visible(const struct smtp_session *s, const struct smtp_ext *ext)
{
	if (ext->flags & SMTP_EXT_F_STARTTLS)
		return !s->tls && smtp_tls_mode(s)->advertise;
	return true;
}

/* smtp_do_ehlo - RFC 5321 §4.1.1.1: reset, multi-line 250 of extensions */
static enum smtp_verdict
smtp_do_ehlo(struct smtp_session *s, char *args)
{
	struct log_event	 ev;
	const struct smtp_ext	*ext, *last = NULL;
	size_t			 i;

	args[strcspn(args, " ")] = '\0';
	if (*args == '\0')
		return smtp_bad_command(s, "501 5.5.4 Syntax: EHLO hostname",
		    "syntax");
	smtp_event_begin(s, &ev, "ehlo");
	log_event_str(&ev, "verb", "EHLO");
	log_event_str(&ev, "arg", args);
	log_event_bool(&ev, "tls", s->tls);
	log_event_end(&ev);
	smtp_transaction_reset(s);
	s->state = SMTP_STATE_READY;

	for (i = 0; i < sizeof(smtp_exts) / sizeof(smtp_exts[0]); i++)
		if (smtp_ext_is_visible(s, &smtp_exts[i]))
			last = &smtp_exts[i];
	smtp_reply(s, "250%c%s", last == NULL ? ' ' : '-', s->cfg.hostname);
	for (i = 0; i < sizeof(smtp_exts) / sizeof(smtp_exts[0]); i++) {
		ext = &smtp_exts[i];
		if (!smtp_ext_is_visible(s, ext))
			continue;
		if (ext->flags & SMTP_EXT_F_SIZE)
			smtp_reply(s, "250%c%s %zu", ext == last ? ' ' : '-',
			    ext->keyword, s->cfg.max_message);
		else
			smtp_reply(s, "250%c%s", ext == last ? ' ' : '-',
			    ext->keyword);
	}
	return SMTP_CONTINUE;
}

/* smtp_do_helo - RFC 5321 §4.1.1.1: the old greeting, no extensions */
static enum smtp_verdict
smtp_do_helo(struct smtp_session *s, char *args)
{
	struct log_event	ev;

	args[strcspn(args, " ")] = '\0';
	if (*args == '\0')
		return smtp_bad_command(s, "501 5.5.4 Syntax: HELO hostname",
		    "syntax");
	smtp_event_begin(s, &ev, "ehlo");
	log_event_str(&ev, "verb", "HELO");
	log_event_str(&ev, "arg", args);
	log_event_bool(&ev, "tls", s->tls);
	log_event_end(&ev);
	smtp_transaction_reset(s);
	s->state = SMTP_STATE_READY;
	smtp_reply(s, "250 %s", s->cfg.hostname);
	return SMTP_CONTINUE;
}

/* smtp_tls_mode - the STARTTLS row for the configured behaviour */
static const struct smtp_tls_mode *
smtp_tls_mode(const struct smtp_session *s)
{
	const struct smtp_tls_mode	*m;
	size_t				 i = (size_t)s->cfg.starttls;

	if (i >= sizeof(smtp_tls_modes) / sizeof(smtp_tls_modes[0]) ||
	    (smtp_tls_modes[i].reply == NULL &&
	    smtp_tls_modes[i].start == NULL))
		fatalx("smtp_session: no row for starttls mode %d", (int)i);
	m = &smtp_tls_modes[i];
	/* without a context we can only say "not now" */
	if (m->needs_ctx && s->ctx == NULL)
		return &smtp_tls_modes[MX_STARTTLS_REFUSE];
	return m;
}

/*
 * smtp_do_starttls - RFC 3207 §4: answer per mode, or 220 and start it.
 * RFC 3207 §5 / CVE-2011-0411: whatever the client sent after STARTTLS in
 * the clear must not be read as if it came over TLS, so it is discarded
 * (and counted) before the mode's start takes over the socket.
 */
static enum smtp_verdict
smtp_do_starttls(struct smtp_session *s, char *args)
{
	const struct smtp_tls_mode	*mode;
	struct evbuffer			*in = bufferevent_get_input(s->bev);
	struct log_event		 ev;

	(void)args;
	if (s->tls)
		return smtp_bad_command(s, "503 5.5.1 TLS already active",
		    "starttls-in-tls");
	mode = smtp_tls_mode(s);
	if (mode->reply != NULL) {
		smtp_event_begin(s, &ev, "starttls");
		log_event_str(&ev, "result", mode->result);
		log_event_end(&ev);
		smtp_reply(s, "%s", mode->reply);
		return SMTP_CONTINUE;
	}
	s->pipelined = evbuffer_get_length(in);
	if (s->pipelined > 0) {
		evbuffer_drain(in, s->pipelined);
		smtp_warn(s, "pipelined-after-starttls");
	}
	smtp_reply(s, "220 2.0.0 Ready to start TLS");
	return mode->start(s);
}

/* smtp_tls_handshake - wrap the socket in TLS as the server */
static enum smtp_verdict
smtp_tls_handshake(struct smtp_session *s)
{
	struct bufferevent	*tls;
	struct timeval		 tv;
	SSL			*ssl;
	char			 reason[SMTP_REASON_MAX];

	if ((ssl = SSL_new(s->ctx)) == NULL) {
		smtp_tls_reason(s, 0, reason, sizeof(reason));
		smtp_tls_failed(s, reason);
		smtp_close(s, SMTP_CLOSE_ERROR, true);
		return SMTP_STOP;
	}
	/* frees ssl on failure */
	tls = bufferevent_openssl_filter_new(s->base, s->bev, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (tls == NULL) {
		smtp_tls_failed(s, "bufferevent_openssl_filter_new failed");
		smtp_close(s, SMTP_CLOSE_ERROR, true);
		return SMTP_STOP;
	}
	s->plain = s->bev;
	s->bev = tls;
	s->state = SMTP_STATE_HANDSHAKE;
	tv.tv_sec = s->cfg.timeout_sec;
	tv.tv_usec = 0;
	/* a client that just closes the socket is an EOF, not an error */
	bufferevent_openssl_set_allow_dirty_shutdown(tls, 1);
	/* bound what the filter may pile onto the socket's output */
	bufferevent_setwatermark(s->plain, EV_WRITE, 0, SMTP_OUTPUT_MAX);
	bufferevent_setcb(tls, smtp_on_read, smtp_on_write, smtp_on_event, s);
	if (bufferevent_set_timeouts(tls, &tv, &tv) == -1 ||
	    bufferevent_enable(tls, EV_READ | EV_WRITE) == -1) {
		smtp_tls_failed(s, "cannot enable the TLS bufferevent");
		smtp_close(s, SMTP_CLOSE_ERROR, false);
	}
	return SMTP_STOP;
}

/*
 * smtp_tls_abort - tls-abort and close: the 220 is out; wait for the
 * client's first TLS record (its ClientHello), then answer it with a
 * fatal alert and close (tls-abort), or just close the connection
 * (close), so the handshake fails on the client's side as a server that
 * cannot or will not talk TLS makes it fail
 */
static enum smtp_verdict
smtp_tls_abort(struct smtp_session *s)
{
	s->state = SMTP_STATE_TLS_ABORT;
	return SMTP_STOP;
}

/*
 * smtp_read_hello - in SMTP_STATE_TLS_ABORT: once one whole TLS record
 * has arrived (or bytes that cannot start one), record the abort, send
 * the alert (tls-abort only) and close. The input stays bounded: at most
 * one record of SMTP_TLS_RECORD_MAX is waited for.
 */
static enum smtp_verdict
smtp_read_hello(struct smtp_session *s)
{
	const struct smtp_tls_mode	*mode;
	struct evbuffer		*in = bufferevent_get_input(s->bev);
	struct log_event	 ev;
	uint8_t			 hdr[SMTP_TLS_RECORD_HDR];
	size_t			 have = evbuffer_get_length(in), want;
	bool			 hello;

	if (have == 0)
		return SMTP_WAIT;
	hello = evbuffer_copyout(in, hdr, 1) == 1 &&
	    hdr[0] == SMTP_TLS_HANDSHAKE;
	if (hello) {
		if (have < sizeof(hdr))
			return SMTP_WAIT;
		(void)evbuffer_copyout(in, hdr, sizeof(hdr));
		want = sizeof(hdr) + ((size_t)hdr[3] << 8 | hdr[4]);
		if (want <= sizeof(hdr) + SMTP_TLS_RECORD_MAX && have < want)
			return SMTP_WAIT;
	}
	mode = smtp_tls_mode(s);
	smtp_event_begin(s, &ev, "starttls");
	log_event_str(&ev, "result", mode->abort_result);
	log_event_bool(&ev, "hello", hello);
	log_event_uint(&ev, "bytes", have);
	log_event_end(&ev);
	evbuffer_drain(in, have);
	if (!mode->abort_alert) {
		/* S88 b: the TCP connection just ends, nothing said */
		smtp_close(s, SMTP_CLOSE_ERROR, false);
		return SMTP_STOP;
	}
	if (bufferevent_write(s->bev, smtp_tls_abort_alert,
	    sizeof(smtp_tls_abort_alert)) == -1)
		log_warnx("mx session %016llx: cannot queue the alert",
		    (unsigned long long)s->id);
	smtp_close(s, SMTP_CLOSE_ERROR, true);
	return SMTP_STOP;
}

/* smtp_tls_ok - handshake done: record it, forget the session (§4.2) */
static void
smtp_tls_ok(struct smtp_session *s)
{
	struct log_event	 ev;
	SSL			*ssl = bufferevent_openssl_get_ssl(s->bev);
	const char		*sni;

	sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
	smtp_event_begin(s, &ev, "starttls");
	log_event_str(&ev, "result", "ok");
	log_event_str(&ev, "version", SSL_get_version(ssl));
	log_event_str(&ev, "sni", sni != NULL ? sni : "");
	log_event_str(&ev, "cert", cert_profile_str(s->cfg.cert));
	/* sni required: the fallback's, when the SNI did not name us */
	log_event_bool(&ev, "fallback", SSL_get_SSL_CTX(ssl) != s->ctx);
	log_event_uint(&ev, "pipelined", s->pipelined);
	log_event_end(&ev);
	/* RFC 3207 §4.2: discard all knowledge from the client */
	s->tls = true;
	smtp_transaction_reset(s);
	s->state = SMTP_STATE_GREETED;
	smtp_process_input(s);
}

/* smtp_tls_failed - record a handshake the client or we gave up on */
static void
smtp_tls_failed(struct smtp_session *s, const char *reason)
{
	struct log_event	ev;

	smtp_event_begin(s, &ev, "starttls");
	log_event_str(&ev, "result", "failed");
	log_event_str(&ev, "reason", reason);
	log_event_end(&ev);
}

/* smtp_tls_reason - OpenSSL's reason for a failure, or what we saw */
static void
smtp_tls_reason(struct smtp_session *s, short what, char *buf, size_t size)
{
	unsigned long	 e, first = 0;
	const char	*r;

	/*
	 * The filter keeps this connection's errors apart from the thread's
	 * queue (which may hold another session's); it also queues the bare
	 * SSL_ERROR_* code (library 0) before the real ones.
	 */
	if (s->state == SMTP_STATE_HANDSHAKE) {
		while ((e = bufferevent_get_openssl_error(s->bev)) != 0)
			if (first == 0 && ERR_GET_LIB(e) != 0)
				first = e;
	} else {
		while ((e = ERR_get_error()) != 0)
			if (first == 0 && ERR_GET_LIB(e) != 0)
				first = e;
	}
	if (first != 0) {
		if ((r = ERR_reason_error_string(first)) != NULL)
			(void)str_copy(buf, r, size);
		else
			ERR_error_string_n(first, buf, size);
		return;
	}
	if (what & BEV_EVENT_EOF)
		r = "eof";
	else if (what & BEV_EVENT_TIMEOUT)
		r = "timeout";
	else
		r = "error";
	(void)str_copy(buf, r, size);
}

/*
 * smtp_parse_path - "FROM:<a@b> params" to "a@b" (RFC 5321 §4.1.2). We are
 * lenient about a space after the colon, as most servers are.
 */
static int
smtp_parse_path(const char *args, const char *prefix, char *out,
    size_t size)
{
	const char	*p, *end;
	size_t		 plen = strlen(prefix), n;

	if (strncasecmp(args, prefix, plen) != 0)
		return -1;
	p = args + plen;
	while (*p == ' ')
		p++;
	if (*p++ != '<')
		return -1;
	if ((end = strchr(p, '>')) == NULL)
		return -1;
	if (end[1] != '\0' && end[1] != ' ')
		return -1;
	n = (size_t)(end - p);
	if (n + 2 > SMTP_PATH_MAX || n >= size)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

/* smtp_do_mail - MAIL FROM:<reverse-path>; SIZE= is accepted, not checked */
static enum smtp_verdict
smtp_do_mail(struct smtp_session *s, char *args)
{
	struct log_event	ev;
	char			addr[SMTP_PATH_MAX];

	if (smtp_parse_path(args, "FROM:", addr, sizeof(addr)) == -1)
		return smtp_bad_command(s,
		    "501 5.5.4 Syntax: MAIL FROM:<address>", "syntax");
	smtp_event_begin(s, &ev, "mail");
	log_event_str(&ev, "from", addr);
	log_event_bool(&ev, "tls", s->tls);
	log_event_end(&ev);
	s->nrcpt = 0;
	s->state = SMTP_STATE_MAIL;
	smtp_reply(s, "250 2.1.0 Ok");
	return SMTP_CONTINUE;
}

/* smtp_do_rcpt - RCPT TO:<forward-path>, at most SMTP_RCPT_MAX */
static enum smtp_verdict
smtp_do_rcpt(struct smtp_session *s, char *args)
{
	struct log_event	ev;
	char			addr[SMTP_PATH_MAX];

	if (smtp_parse_path(args, "TO:", addr, sizeof(addr)) == -1 ||
	    addr[0] == '\0')
		return smtp_bad_command(s,
		    "501 5.5.4 Syntax: RCPT TO:<address>", "syntax");
	if (s->nrcpt >= SMTP_RCPT_MAX)
		return smtp_bad_command(s, "452 4.5.3 Too many recipients",
		    "too-many-recipients");
	smtp_event_begin(s, &ev, "rcpt");
	log_event_str(&ev, "to", addr);
	log_event_bool(&ev, "tls", s->tls);
	log_event_end(&ev);
	s->nrcpt++;
	s->state = SMTP_STATE_RCPT;
	smtp_reply(s, "250 2.1.5 Ok");
	return SMTP_CONTINUE;
}

/* smtp_do_data - 354 and switch the input to message text */
static enum smtp_verdict
smtp_do_data(struct smtp_session *s, char *args)
{
	(void)args;
	s->data_bytes = 0;
	s->data_too_big = false;
	s->data_in_headers = true;
	s->data_token_seen = false;
	s->data_discard = false;
	s->token[0] = '\0';
	s->state = SMTP_STATE_DATA;
	smtp_reply(s, "354 End data with <CR><LF>.<CR><LF>");
	return SMTP_CONTINUE;
}

static enum smtp_verdict
smtp_do_rset(struct smtp_session *s, char *args)
{
	(void)args;
	smtp_transaction_reset(s);
	if (s->state != SMTP_STATE_GREETED)
		s->state = SMTP_STATE_READY;
	smtp_reply(s, "250 2.0.0 Ok");
	return SMTP_CONTINUE;
}

static enum smtp_verdict
smtp_do_noop(struct smtp_session *s, char *args)
{
	(void)args;
	smtp_reply(s, "250 2.0.0 Ok");
	return SMTP_CONTINUE;
}

static enum smtp_verdict
smtp_do_quit(struct smtp_session *s, char *args)
{
	(void)args;
	smtp_reply(s, "221 2.0.0 Bye");
	smtp_close(s, SMTP_CLOSE_QUIT, true);
	return SMTP_STOP;
}

static enum smtp_verdict
smtp_do_unimplemented(struct smtp_session *s, char *args)
{
	(void)args;
	return smtp_bad_command(s, "502 5.5.1 Command not implemented",
	    "not-implemented");
}

/*
 * smtp_read_data - take one text line (RFC 5321 §4.5.3.1.6). An over-long
 * line is discarded piecewise, so the input stays bounded, and the message
 * is refused with 552 once the final dot arrives.
 */
static enum smtp_verdict
smtp_read_data(struct smtp_session *s)
{
	struct evbuffer		*in = bufferevent_get_input(s->bev);
	struct evbuffer_ptr	 eol;
	size_t			 eol_len, len;
	char			 line[SMTP_TEXT_LINE_MAX];

	eol = evbuffer_search_eol(in, NULL, &eol_len, EVBUFFER_EOL_CRLF);
	if (eol.pos == -1) {
		len = evbuffer_get_length(in);
		if (len < sizeof(line))
			return SMTP_WAIT;
		/* keep one byte: it may be the CR of a split CRLF */
		smtp_data_overlong(s);
		s->data_bytes += len - 1;
		evbuffer_drain(in, len - 1);
		return SMTP_WAIT;
	}
	len = (size_t)eol.pos;
	if (s->data_discard || len + 2 > sizeof(line)) {
		/* the tail of an over-long line is never the final dot */
		smtp_data_overlong(s);
		s->data_discard = false;
		s->data_bytes += len + 2;
		evbuffer_drain(in, len + eol_len);
		return SMTP_CONTINUE;
	}
	if (evbuffer_remove(in, line, len) != (int)len) {
		smtp_close(s, SMTP_CLOSE_ERROR, false);
		return SMTP_STOP;
	}
	line[len] = '\0';
	evbuffer_drain(in, eol_len);
	return smtp_data_line(s, line, len);
}

/* smtp_data_overlong - note an over-long text line (one warning each) */
static void
smtp_data_overlong(struct smtp_session *s)
{
	if (!s->data_discard)
		smtp_warn(s, "text-line-too-long");
	s->data_discard = true;
	s->data_too_big = true;
}

/* smtp_data_line - end of data, or unstuff, look for the token, count */
static enum smtp_verdict
smtp_data_line(struct smtp_session *s, char *line, size_t len)
{
	if (len == 1 && line[0] == '.')
		return smtp_data_end(s);
	if (line[0] == '.') {
		/* RFC 5321 §4.5.2: transparency */
		line++;
		len--;
	}
	if (s->data_in_headers) {
		/* RFC 5322 §2.1: the header section ends at an empty line */
		if (len == 0)
			s->data_in_headers = false;
		else if (!s->data_token_seen &&
		    smtp_token_header(line, s->token, sizeof(s->token)))
			s->data_token_seen = true;
	}
	s->data_bytes += len + 2;
	if (s->data_bytes > s->cfg.max_message)
		s->data_too_big = true;
	return SMTP_CONTINUE;
}

/* smtp_data_end - record the message before the reply is queued */
static enum smtp_verdict
smtp_data_end(struct smtp_session *s)
{
	bool	fail = !s->data_too_big &&
		    smtp_fails(s, MX_FAIL_END_OF_DATA);

	smtp_data_record(s, s->data_too_big ? SMTP_DATA_TOO_BIG :
	    fail ? SMTP_DATA_REJECTED : SMTP_DATA_COMPLETE);
	smtp_transaction_reset(s);
	s->state = SMTP_STATE_READY;
	if (fail)
		return smtp_fail(s);
	if (s->data_too_big)
		smtp_reply(s, "552 5.3.4 Message size exceeds fixed limit");
	else
		smtp_reply(s, "250 2.0.0 Ok: queued");
	return SMTP_CONTINUE;
}

/*
 * smtp_data_record - the data record of the message being read: bytes and
 * token as far as the text went (a last line without its CRLF is not
 * counted)
 */
static void
smtp_data_record(const struct smtp_session *s, enum smtp_data_result r)
{
	struct log_event	ev;

	smtp_event_begin(s, &ev, "data");
	log_event_str(&ev, "result", smtp_data_result_str(r));
	log_event_bool(&ev, "tls", s->tls);
	log_event_uint(&ev, "bytes", s->data_bytes);
	log_event_str(&ev, "token", s->token);
	log_event_end(&ev);
}

static bool
smtp_is_token_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

/*
 * smtp_token_header - whether line is the STS_TOKEN_HEADER field; if so,
 * out gets its value, or "" when the value is empty, longer than
 * STS_TOKEN_MAX or has a byte outside [A-Za-z0-9._-].
 */
static bool
smtp_token_header(const char *line, char *out, size_t size)
{
	const char	*p, *end;
	size_t		 n = strlen(STS_TOKEN_HEADER), i;

	if (strncasecmp(line, STS_TOKEN_HEADER, n) != 0 || line[n] != ':')
		return false;
	out[0] = '\0';
	p = line + n + 1;
	while (*p == ' ' || *p == '\t')
		p++;
	end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	n = (size_t)(end - p);
	if (n == 0 || n > STS_TOKEN_MAX || n >= size)
		return true;
	for (i = 0; i < n; i++)
		if (!smtp_is_token_char(p[i]))
			return true;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

/* smtp_transaction_reset - forget MAIL/RCPT (RFC 5321 §4.1.1.5) */
static void
smtp_transaction_reset(struct smtp_session *s)
{
	s->nrcpt = 0;
}

/* smtp_reply - queue one reply line; our own text, so it always fits */
static void
smtp_reply(struct smtp_session *s, const char *fmt, ...)
{
	char	buf[SMTP_REPLY_MAX];
	va_list	ap;
	int	n;

	if (s->state == SMTP_STATE_CLOSED)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 2, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf) - 2)
		fatalx("smtp_reply: reply too long");
	buf[n++] = '\r';
	buf[n++] = '\n';
	if (bufferevent_write(s->bev, buf, (size_t)n) == -1)
		log_warnx("mx session %016llx: cannot queue reply",
		    (unsigned long long)s->id);
}

/* smtp_event_begin - start an "mx" record with the fields every one has */
static void
smtp_event_begin(const struct smtp_session *s, struct log_event *ev,
    const char *name)
{
	log_event_begin(ev, "mx", s->id, name);
	log_event_str(ev, "laddr", s->laddr);
	log_event_str(ev, "server", s->cfg.hostname);
}

static void
smtp_warn(const struct smtp_session *s, const char *why)
{
	struct log_event	ev;

	smtp_event_begin(s, &ev, "warn");
	log_event_str(&ev, "reason", why);
	log_event_end(&ev);
}

/* smtp_on_write - output drained: finish a close, or resume reading */
static void
smtp_on_write(struct bufferevent *bev, void *arg)
{
	struct smtp_session	*s = arg;

	(void)bev;
	if (s->state == SMTP_STATE_CLOSING) {
		smtp_close_if_flushed(s);
		return;
	}
	if (s->throttled) {
		s->throttled = false;
		bufferevent_enable(s->bev, EV_READ);
		smtp_process_input(s);
	}
}

/* smtp_on_plain_drained - socket output under TLS shrank while closing */
static void
smtp_on_plain_drained(struct evbuffer *buf,
    const struct evbuffer_cb_info *info, void *arg)
{
	struct smtp_session	*s = arg;

	(void)buf;
	if (info->n_deleted == 0 || s->state != SMTP_STATE_CLOSING)
		return;
	smtp_close_if_flushed(s);
}

/* smtp_on_event - handshake result, EOF, timeout or socket error */
static void
smtp_on_event(struct bufferevent *bev, short what, void *arg)
{
	struct smtp_session	*s = arg;
	char			 reason[SMTP_REASON_MAX];

	(void)bev;
	if (s->state == SMTP_STATE_CLOSED)
		return;
	if (what & BEV_EVENT_CONNECTED) {
		if (s->state == SMTP_STATE_HANDSHAKE)
			smtp_tls_ok(s);
		return;
	}
	if (s->state == SMTP_STATE_CLOSING) {
		/* a half-close may still take our last replies */
		if ((what & (BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT)) != 0)
			smtp_close_now(s);	/* keeps the reason we had */
		return;
	}
	if (s->state == SMTP_STATE_TLS_ABORT) {
		/* gone before its ClientHello: no TLS error to ask for */
		smtp_tls_failed(s, (what & BEV_EVENT_EOF) ? "eof" :
		    (what & BEV_EVENT_TIMEOUT) ? "timeout" : "error");
		smtp_close(s, (what & BEV_EVENT_EOF) ? SMTP_CLOSE_EOF :
		    (what & BEV_EVENT_TIMEOUT) ? SMTP_CLOSE_TIMEOUT :
		    SMTP_CLOSE_ERROR, (what & BEV_EVENT_EOF) != 0);
		return;
	}
	if (s->state == SMTP_STATE_HANDSHAKE) {
		smtp_tls_reason(s, what, reason, sizeof(reason));
		smtp_tls_failed(s, reason);
		smtp_close(s, (what & BEV_EVENT_EOF) ? SMTP_CLOSE_EOF :
		    (what & BEV_EVENT_TIMEOUT) ? SMTP_CLOSE_TIMEOUT :
		    SMTP_CLOSE_ERROR, false);
		return;
	}
	if (what & BEV_EVENT_TIMEOUT) {
		if (what & BEV_EVENT_READING) {
			/* RFC 5321 §4.5.3.2: we may give up; say so */
			smtp_reply(s, "421 4.4.2 %s Timeout", s->cfg.hostname);
			smtp_close(s, SMTP_CLOSE_TIMEOUT, true);
		} else
			smtp_close(s, SMTP_CLOSE_TIMEOUT, false);
		return;
	}
	if (what & BEV_EVENT_EOF) {
		/* answer what the client sent before it closed */
		smtp_close(s, SMTP_CLOSE_EOF, true);
		return;
	}
	smtp_close(s, SMTP_CLOSE_ERROR, false);
}

static bool
smtp_is_flushed(const struct smtp_session *s)
{
	if (evbuffer_get_length(bufferevent_get_output(s->bev)) != 0)
		return false;
	return s->plain == NULL ||
	    evbuffer_get_length(bufferevent_get_output(s->plain)) == 0;
}

/*
 * smtp_close - end the session for why; with flush, once queued replies
 * are on the wire (under TLS that means the socket bev's output too, which
 * only an evbuffer callback can watch: the filter owns its callbacks).
 */
static void
smtp_close(struct smtp_session *s, enum smtp_close_reason why, bool flush)
{
	if (s->state == SMTP_STATE_CLOSED)
		return;
	if (s->state == SMTP_STATE_CLOSING) {
		if (!flush)
			smtp_close_now(s);
		return;
	}
	/* a message cut off still reached us: the judge must count it */
	if (s->state == SMTP_STATE_DATA)
		smtp_data_record(s, SMTP_DATA_ABORTED);
	s->close_reason = why;
	s->state = SMTP_STATE_CLOSING;
	bufferevent_disable(s->bev, EV_READ);
	if (!flush) {
		smtp_close_now(s);
		return;
	}
	if (s->plain != NULL && s->flush_cb == NULL)
		s->flush_cb = evbuffer_add_cb(bufferevent_get_output(s->plain),
		    smtp_on_plain_drained, s);
	smtp_close_if_flushed(s);
}

/*
 * smtp_close_if_flushed - once every reply is out, end a TLS session with
 * close_notify (RFC 8446 §6.1) and, once that is out too, close.
 */
static void
smtp_close_if_flushed(struct smtp_session *s)
{
	if (!smtp_is_flushed(s))
		return;
	if (s->tls && !s->tls_closed) {
		s->tls_closed = true;
		/* writes the alert through the filter's BIO, no reply read */
		(void)SSL_shutdown(bufferevent_openssl_get_ssl(s->bev));
		ERR_clear_error();
		if (!smtp_is_flushed(s))
			return;
	}
	smtp_close_now(s);
}

/* smtp_close_now - write the close record and free from the loop */
static void
smtp_close_now(struct smtp_session *s)
{
	struct log_event	ev;

	if (s->state == SMTP_STATE_CLOSED)
		return;
	smtp_event_begin(s, &ev, "close");
	log_event_str(&ev, "reason", smtp_close_reason_str(s->close_reason));
	log_event_end(&ev);
	s->state = SMTP_STATE_CLOSED;
	(void)evtimer_del(s->deadline);
	bufferevent_disable(s->bev, EV_READ | EV_WRITE);
	bufferevent_setcb(s->bev, NULL, NULL, NULL, NULL);
	event_active(s->defer, 0, 0);
}

static const char *
smtp_close_reason_str(enum smtp_close_reason why)
{
	switch (why) {
	case SMTP_CLOSE_QUIT:
		return "quit";
	case SMTP_CLOSE_EOF:
		return "eof";
	case SMTP_CLOSE_TIMEOUT:
		return "timeout";
	case SMTP_CLOSE_ERROR:
		return "error";
	case SMTP_CLOSE_LINE_TOO_LONG:
		return "line-too-long";
	case SMTP_CLOSE_SHUTDOWN:
		return "shutdown";
	case SMTP_CLOSE_FAIL:
		return "fail";
	default:
		fatalx("smtp_session: bad close reason %d", (int)why);
	}
}

static const char *
smtp_data_result_str(enum smtp_data_result r)
{
	switch (r) {
	case SMTP_DATA_COMPLETE:
		return "complete";
	case SMTP_DATA_TOO_BIG:
		return "too-big";
	case SMTP_DATA_ABORTED:
		return "aborted";
	case SMTP_DATA_REJECTED:
		return "rejected";
	default:
		fatalx("smtp_session: bad data result %d", (int)r);
	}
}
