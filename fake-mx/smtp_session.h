/* SPDX-License-Identifier: ISC */
/*
 * smtp_session.h -- one SMTP session on the fake MX (RFC 5321, STARTTLS per
 * RFC 3207). The session owns its fd, bufferevents and SSL, records what
 * the client did as "mx" event records, and frees itself when the
 * connection ends. Records (laddr and server follow event= in each):
 *   mx session=ID event=connect laddr=A server=H peer=IP:PORT
 *   mx ... event=ehlo verb=EHLO|HELO arg=<domain> tls=yes|no
 *   mx ... event=starttls result=ok version=V sni=S cert=PROFILE
 *       fallback=yes|no pipelined=N
 *   mx ... event=starttls result=refused|stripped
 *   mx ... event=starttls result=aborted|closed hello=yes|no bytes=N
 *   mx ... event=starttls result=failed reason=<OpenSSL reason text>
 *   mx ... event=mail from=<addr> tls=yes|no
 *   mx ... event=rcpt to=<addr> tls=yes|no
 *   mx ... event=data result=complete|too-big|aborted|rejected tls=yes|no
 *       bytes=N token=T
 *   mx ... event=fail verb=V code=N tls=yes|no
 *   mx ... event=close reason=quit|eof|timeout|error|line-too-long|shutdown|
 *       fail
 *   mx ... event=warn reason=<what the client did wrong>
 * fallback: the SSL ended on another context than ctx (the server's SNI
 * fallback). fail: cfg->fail answered the verb (rejected: at the final
 * dot) instead of the verb's own record; 421 closes (reason=fail).
 * pipelined counts plaintext bytes sent after STARTTLS (discarded); bytes
 * counts the unstuffed message text with CRLF line ends; data is recorded
 * before its 250/552 reply is queued. A session that ends for any reason
 * (smtp_session_free included) after its 354 and before the final dot
 * records result=aborted, with bytes and token as far as the text went (an
 * unterminated last line is not counted), just before its close record.
 * Every session is closed cfg->lifetime_sec after it started (421, then
 * reason=timeout) however busy the client keeps the idle timeout.
 */
#ifndef FAKE_MX_SMTP_SESSION_H
#define FAKE_MX_SMTP_SESSION_H

#include <stdint.h>

#include <openssl/ssl.h>

#include "../common/err.h"
#include "mx_config.h"

struct event_base;
struct smtp_session;

/*
 * Called once, from the event loop, when a session ends on its own (quit,
 * eof, timeout, error, line-too-long), after its close record and just
 * before the session frees itself. The session is still valid during the
 * call but must not be used or freed afterwards. Not called by
 * smtp_session_free().
 */
typedef void smtp_session_close_fn(struct smtp_session *, void *arg);

/*
 * smtp_session_new - start a session on a connected socket: emit the
 * connect record and queue the 220 greeting.
 *   fd: takes ownership (closed on failure too); made nonblocking here.
 *   ctx: borrowed, must outlive the session; NULL makes STARTTLS answer 454
 *	even when cfg says offer.
 *   cfg: copied. laddr (the listen address, as given to mx_server_new) and
 *	peer ("IP:PORT") are copied and appear in every record.
 *   id: the session id of every record.
 */
struct smtp_session *smtp_session_new(struct event_base *, int fd,
	    SSL_CTX *ctx, const struct mx_config *cfg, const char *laddr,
	    const char *peer, uint64_t id, smtp_session_close_fn *,
	    void *arg, struct err *) MUST_CHECK;
uint64_t smtp_session_id(const struct smtp_session *);
/*
 * smtp_session_free - close now; a session inside DATA emits
 * "event=data result=aborted", a session still open then
 * "event=close reason=shutdown". Never calls the close callback.
 * NULL is a no-op.
 */
void	smtp_session_free(struct smtp_session *);

#endif
