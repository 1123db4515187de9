/* SPDX-License-Identifier: ISC */
/*
 * test_smtp_session.c -- smtp_session over a socketpair with a real
 * event_base: table-driven client scripts (plaintext, then optionally a
 * real TLS handshake driven from the other end) checked against reply
 * codes and event records; plus the pure parsers, tested directly by
 * including the .c.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>


#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>

#include <openssl/ssl.h>

#include "testutil.h"
#include "../../common/log.h"
#include "../../common/pki.h"
#include "../../common/str.h"
#include "../../common/tls_ctx.h"
#include "../../fake-mx/mx_server.h"
#include "../../fake-mx/smtp_session.c"

#define T_HOST		"mx1.x.test"
#define T_LADDR		"127.0.0.9"
#define T_PEER		"127.0.0.1:4242"
#define T_EVENTS_MAX	128
#define T_GUARD_SEC	10
#define T_WANT_MAX	12

/* "event=NAME laddr=.. server=..": the prefix of every mx record */
#define EV(name)	"event=" name " laddr=" T_LADDR " server=" T_HOST

/* compile-time filler for the bound tests */
#define A10	"AAAAAAAAAA"
#define A100	A10 A10 A10 A10 A10 A10 A10 A10 A10 A10
#define A500	A100 A100 A100 A100 A100
#define A1000	A500 A500
#define BAD4	"FOO\r\nFOO\r\nFOO\r\nFOO\r\n"
#define BAD20	BAD4 BAD4 BAD4 BAD4 BAD4

enum t_trust {
	T_TRUST_CA = 0,		/* the run's CA */
	T_TRUST_NONE,		/* no verification at all */
};

struct smtp_case {
	const char		*label;
	enum mx_starttls	 mode;
	enum cert_profile	 cert;
	struct mx_fail		 fail;		/* cfg.fail; zero: none */
	bool			 no_ctx;	/* session gets SSL_CTX NULL */
	size_t			 max_message;	/* 0: default */
	int			 timeout_sec;	/* 0: T_GUARD_SEC */
	bool			 keep_open;	/* no EOF after the script */
	const char		*plain;		/* written up front */
	size_t			 plain_len;	/* 0: strlen */
	const char		*tls;		/* after the handshake */
	const char		*sni;		/* client SNI, NULL: none */
	enum t_trust		 trust;
	int			 max_version;	/* client cap, 0: none */
	bool			 hang_up;	/* on a TLS error, no alert */
	size_t			 noops;		/* then NOOP x this, QUIT,
						 * read replies only later */
	const char		*want_codes;	/* NULL: count NOOP replies */
	const char		*want_text;	/* in the transcript */
	const char		*reject_text;	/* not in the transcript */
	const char		*want_events[T_WANT_MAX];	/* in order */
	const char		*reject_events[4];
};

struct t_fixture {
	char		 dir[64];
	struct pki	*pki;
	SSL_CTX		*client_ca;	/* trusts the run's CA */
	SSL_CTX		*client_any;	/* verifies nothing */
};

struct t_run {
	const struct smtp_case	*tc;
	struct t_fixture	*fx;
	struct event_base	*base;
	struct event		*guard;
	struct event		*delay;		/* starts reading, noops */
	struct smtp_session	*session;
	struct bufferevent	*client;
	struct evbuffer		*transcript;
	bool			 session_closed;
	bool			 client_done;
	bool			 tls_started;
	bool			 timed_out;
	int			 close_calls;
	char			*events[T_EVENTS_MAX];
	size_t			 nevents;
};

static const struct smtp_case smtp_cases[] = {
	{ .label = "happy path, plaintext",
	  .plain = "EHLO client.test\r\nMAIL FROM:<a@b.test> SIZE=10\r\n"
	    "RCPT TO:<c@x.test>\r\nRCPT TO:<d@x.test>\r\nDATA\r\n"
	    "Subject: hi\r\n\r\nhello\r\n.\r\nQUIT\r\n",
	  .want_codes = "220 250 250 250 250 354 250 221",
	  .want_text = "250-" T_HOST "\r\n250-PIPELINING\r\n250-8BITMIME\r\n"
	    "250-SIZE 10485760\r\n250 STARTTLS\r\n",
	  .want_events = { EV("connect") " peer=" T_PEER,
	    EV("ehlo") " verb=EHLO arg=client.test tls=no",
	    EV("mail") " from=a@b.test tls=no",
	    EV("rcpt") " to=c@x.test tls=no",
	    EV("rcpt") " to=d@x.test tls=no",
	    EV("data") " result=complete tls=no bytes=22 token=\"\"",
	    EV("close") " reason=quit" } },
	/* RFC 5321 §4.1.3: an address literal is recorded as it was sent */
	{ .label = "RCPT to an address literal",
	  .plain = "EHLO client.test\r\nMAIL FROM:<a@b.test>\r\n"
	    "RCPT TO:<user@[127.1.2.3]>\r\nRCPT TO:<v@[IPv6:::1]>\r\nDATA\r\n"
	    "Subject: hi\r\n\r\nhello\r\n.\r\nQUIT\r\n",
	  .want_codes = "220 250 250 250 250 354 250 221",
	  .want_events = { EV("mail") " from=a@b.test tls=no",
	    EV("rcpt") " to=user@[127.1.2.3] tls=no",
	    EV("rcpt") " to=v@[IPv6:::1] tls=no",
	    EV("data") " result=complete tls=no bytes=22 token=\"\"",
	    EV("close") " reason=quit" } },
	{ .label = "HELO, null sender, lower-case verbs",
	  .plain = "helo client.test\r\nmail from:<>\r\nrcpt to: <c@x.test>\r\n"
	    "data\r\n.\r\nnoop\r\nquit\r\n",
	  .want_codes = "220 250 250 250 354 250 250 221",
	  .want_text = "250 " T_HOST "\r\n",
	  .want_events = { EV("ehlo") " verb=HELO arg=client.test tls=no",
	    EV("mail") " from=\"\" tls=no",
	    EV("data") " result=complete tls=no bytes=0 token=\"\"" } },
	{ .label = "strip: not advertised, 502",
	  .mode = MX_STARTTLS_STRIP,
	  .plain = "EHLO c.test\r\nSTARTTLS\r\nQUIT\r\n",
	  .want_codes = "220 250 502 221",
	  .want_text = "250 SIZE 10485760\r\n",
	  .reject_text = "STARTTLS",
	  .want_events = { EV("starttls") " result=stripped",
	    EV("close") " reason=quit" } },
	{ .label = "refuse: advertised, 454",
	  .mode = MX_STARTTLS_REFUSE,
	  .plain = "EHLO c.test\r\nSTARTTLS\r\nMAIL FROM:<a@b.test>\r\n"
	    "QUIT\r\n",
	  .want_codes = "220 250 454 250 221",
	  .want_text = "250 STARTTLS\r\n454 4.7.0 TLS not available\r\n",
	  .want_events = { EV("starttls") " result=refused",
	    EV("mail") " from=a@b.test tls=no" } },
	{ .label = "offer without an SSL_CTX: 454",
	  .no_ctx = true,
	  .plain = "EHLO c.test\r\nSTARTTLS\r\nQUIT\r\n",
	  .want_codes = "220 250 454 221",
	  .want_events = { EV("starttls") " result=refused" } },
	{ .label = "out of order MAIL/RCPT/DATA: 503",
	  .plain = "MAIL FROM:<a@b.test>\r\nEHLO c.test\r\n"
	    "RCPT TO:<c@x.test>\r\nDATA\r\nMAIL FROM:<a@b.test>\r\n"
	    "DATA\r\nMAIL FROM:<e@b.test>\r\nRCPT TO:<c@x.test>\r\n"
	    "RSET\r\nRCPT TO:<c@x.test>\r\nQUIT\r\n",
	  .want_codes = "220 503 250 503 503 250 503 503 250 250 503 221",
	  .want_events = { EV("warn") " reason=bad-sequence",
	    EV("mail") " from=a@b.test", EV("rcpt") " to=c@x.test",
	    EV("close") " reason=quit" },
	  .reject_events = { "event=data", "from=e@b.test" } },
	{ .label = "syntax errors and unknown verbs",
	  .plain = "EHLO\r\nEHLO c.test\r\nMAIL FROM:a@b.test\r\n"
	    "MAIL TO:<a@b.test>\r\nMAIL FROM:<a@b.test\r\n"
	    "MAIL FROM:<a@b.test>x\r\nMAIL FROM:<a@b.test>\r\n"
	    "RCPT TO:<>\r\nQUIT now\r\nFOO\r\n\r\nVRFY a\r\n"
	    "STARTTLSX\r\nQUIT\r\n",
	  .want_codes = "220 501 250 501 501 501 501 250 501 501 500 500 502 "
	    "500 221",
	  .want_events = { EV("warn") " reason=syntax",
	    EV("warn") " reason=unknown-command",
	    EV("warn") " reason=not-implemented" },
	  .reject_events = { "event=rcpt" } },
	{ .label = "NUL inside a command line",
	  .plain = "NO\0OP\r\nQUIT\r\n",
	  .plain_len = sizeof("NO\0OP\r\nQUIT\r\n") - 1,
	  .want_codes = "220 500 221",
	  .want_events = { EV("warn") " reason=nul-in-command" } },
	{ .label = "command line of exactly 512 bytes",
	  .plain = "NOOP " A500 "AAAAA\r\nQUIT\r\n",
	  .want_codes = "220 250 221",
	  .reject_events = { "event=warn" } },
	{ .label = "command line of 513 bytes: 500 and close",
	  .plain = "EHLO c.test\r\nNOOP " A500 "AAAAAA\r\nQUIT\r\n",
	  .want_codes = "220 250 500",
	  .want_text = "500 5.5.2 Line too long\r\n",
	  .want_events = { EV("warn") " reason=line-too-long",
	    EV("close") " reason=line-too-long" },
	  .reject_events = { "reason=quit" } },
	{ .label = "endless line without CRLF",
	  .plain = A1000,
	  .want_codes = "220 500",
	  .want_events = { EV("close") " reason=line-too-long" } },
	{ .label = "client closes mid-session",
	  .plain = "EHLO c.test\r\nMAIL FROM:<a@b.test>\r\n",
	  .want_codes = "220 250 250",
	  .want_events = { EV("close") " reason=eof" } },
	{ .label = "client closes inside DATA: aborted, token as far as seen",
	  .plain = "EHLO c.test\r\nMAIL FROM:<a@b.test>\r\n"
	    "RCPT TO:<c@x.test>\r\n"
	    "DATA\r\nX-STS-Harness-Token: cut-1\r\nSubject: cut\r\n"
	    "no CRLF yet",
	  .want_codes = "220 250 250 250 354",
	  .want_events = {
	    EV("data") " result=aborted tls=no bytes=42 token=cut-1",
	    EV("close") " reason=eof" },
	  .reject_events = { "result=complete", "result=too-big" } },
	{ .label = "client closes right after 354",
	  .plain = "EHLO c.test\r\nMAIL FROM:<a@b.test>\r\n"
	    "RCPT TO:<c@x.test>\r\nDATA\r\n",
	  .want_codes = "220 250 250 250 354",
	  .want_events = {
	    EV("data") " result=aborted tls=no bytes=0 token=\"\"",
	    EV("close") " reason=eof" } },
	{ .label = "client closes before 354: no data record",
	  .plain = "EHLO c.test\r\nMAIL FROM:<a@b.test>\r\n"
	    "RCPT TO:<c@x.test>\r\n",
	  .want_codes = "220 250 250 250",
	  .want_events = { EV("close") " reason=eof" },
	  .reject_events = { "event=data" } },
	{ .label = "over max_message, then cut off: aborted, not too-big",
	  .max_message = 100,
	  .plain = "EHLO c.test\r\nMAIL FROM:<a@b.test>\r\n"
	    "RCPT TO:<c@x.test>\r\n"
	    "DATA\r\nX-STS-Harness-Token: big\r\n\r\n" A100 "\r\n",
	  .want_codes = "220 250 250 250 354",
	  .want_events = {
	    EV("data") " result=aborted tls=no bytes=130 token=big",
	    EV("close") " reason=eof" },
	  .reject_events = { "result=too-big" } },
	{ .label = "cut off inside an over-long text line",
	  .plain = "EHLO c.test\r\nMAIL FROM:<a@b.test>\r\n"
	    "RCPT TO:<c@x.test>\r\nDATA\r\n" A1000 A1000,
	  .want_codes = "220 250 250 250 354",
	  .want_events = { EV("warn") " reason=text-line-too-long",
	    EV("data") " result=aborted tls=no",
	    EV("close") " reason=eof" } },
	{ .label = "second message cut off after a complete one",
	  .plain = "EHLO c.test\r\nMAIL FROM:<a@b.test>\r\n"
	    "RCPT TO:<c@x.test>\r\nDATA\r\nX-STS-Harness-Token: one\r\n"
	    "\r\n.\r\nMAIL FROM:<a@b.test>\r\nRCPT TO:<c@x.test>\r\n"
	    "DATA\r\nX-STS-Harness-Token: two\r\n",
	  .want_codes = "220 250 250 250 354 250 250 250 354",
	  .want_events = {
	    EV("data") " result=complete tls=no bytes=28 token=one",
	    EV("data") " result=aborted tls=no bytes=26 token=two",
	    EV("close") " reason=eof" } },
	{ .label = "idle inside DATA: 421, aborted, timeout",
	  .timeout_sec = 1,
	  .keep_open = true,
	  .plain = "EHLO c.test\r\nMAIL FROM:<a@b.test>\r\n"
	    "RCPT TO:<c@x.test>\r\nDATA\r\nSubject: x\r\n",
	  .want_codes = "220 250 250 250 354 421",
	  .want_events = {
	    EV("data") " result=aborted tls=no bytes=12 token=\"\"",
	    EV("close") " reason=timeout" } },
	{ .label = "dot-stuffing and the token",
	  .plain = "EHLO c.test\r\nMAIL FROM:<a@b.test>\r\n"
	    "RCPT TO:<c@x.test>\r\n"
	    "DATA\r\nx-sts-harness-token:  tok-1.A_b \r\n"
	    "X-STS-Harness-Token: second\r\nSubject: hi\r\n\r\n"
	    "..leading dot\r\n.\r\n"
	    "MAIL FROM:<a@b.test>\r\nRCPT TO:<c@x.test>\r\nDATA\r\n"
	    "Subject: no token here\r\n\r\n"
	    "X-STS-Harness-Token: in-body\r\n.\r\nQUIT\r\n",
	  .want_codes = "220 250 250 250 354 250 250 250 354 250 221",
	  .want_events = {
	    EV("data") " result=complete tls=no bytes=92 token=tok-1.A_b",
	    EV("data") " result=complete tls=no bytes=56 token=\"\"" } },
	{ .label = "token with a bad byte is empty",
	  .plain = "EHLO c.test\r\nMAIL FROM:<a@b.test>\r\n"
	    "RCPT TO:<c@x.test>\r\n"
	    "DATA\r\nX-STS-Harness-Token: a/b\r\n"
	    "X-STS-Harness-Token: good\r\n\r\n.\r\nQUIT\r\n",
	  .want_codes = "220 250 250 250 354 250 221",
	  .want_events = { EV("data") " result=complete tls=no bytes=55 "
	    "token=\"\"" } },
	{ .label = "message over max_message: 552, session goes on",
	  .max_message = 100,
	  .plain = "EHLO c.test\r\nMAIL FROM:<a@b.test>\r\n"
	    "RCPT TO:<c@x.test>\r\n"
	    "DATA\r\nX-STS-Harness-Token: big\r\n\r\n" A100 "\r\n.\r\n"
	    "MAIL FROM:<a@b.test>\r\nRCPT TO:<c@x.test>\r\nDATA\r\n"
	    "small\r\n.\r\nQUIT\r\n",
	  .want_codes = "220 250 250 250 354 552 250 250 354 250 221",
	  .want_events = {
	    EV("data") " result=too-big tls=no bytes=130 token=big",
	    EV("data") " result=complete tls=no bytes=7 token=\"\"" } },
	{ .label = "text line of exactly 1000 bytes",
	  .plain = "EHLO c.test\r\nMAIL FROM:<a@b.test>\r\n"
	    "RCPT TO:<c@x.test>\r\n"
	    "DATA\r\n" A500 A100 A100 A100 A100 A10 A10 A10 A10 A10 A10 A10
	    A10 A10 "AAAAAAAA\r\n.\r\nQUIT\r\n",
	  .want_codes = "220 250 250 250 354 250 221",
	  .want_events = { EV("data") " result=complete tls=no bytes=1000" } },
	{ .label = "text line over 1000 bytes: 552 after the dot",
	  .plain = "EHLO c.test\r\nMAIL FROM:<a@b.test>\r\n"
	    "RCPT TO:<c@x.test>\r\n"
	    "DATA\r\n" A1000 A1000 A1000 ".\r\n.\r\nQUIT\r\n",
	  .want_codes = "220 250 250 250 354 552 221",
	  .want_events = { EV("warn") " reason=text-line-too-long",
	    EV("data") " result=too-big tls=no",
	    EV("close") " reason=quit" } },
	{ .label = "too many bad commands: 421",
	  .plain = "EHLO c.test\r\n" BAD20 "QUIT\r\n",
	  .want_codes = "220 250 500 500 500 500 500 500 500 500 500 500 500 "
	    "500 500 500 500 500 500 500 500 500 421",
	  .want_events = { EV("warn") " reason=too-many-errors",
	    EV("close") " reason=error" } },
	{ .label = "800 KB of replies nobody reads yet: throttled, not lost",
	  .plain = "EHLO c.test\r\n",
	  .noops = 60000,
	  .want_events = { EV("ehlo") " verb=EHLO arg=c.test tls=no",
	    EV("close") " reason=quit" },
	  .reject_events = { "event=warn" } },
	{ .label = "idle client: 421 and timeout",
	  .timeout_sec = 1,
	  .keep_open = true,
	  .plain = "EHLO c.test\r\n",
	  .want_codes = "220 250 421",
	  .want_events = { EV("close") " reason=timeout" } },
	{ .label = "STARTTLS, then a whole transaction over TLS",
	  .plain = "EHLO c.test\r\nSTARTTLS\r\n",
	  .tls = "EHLO c2.test\r\nMAIL FROM:<a@b.test>\r\n"
	    "RCPT TO:<c@x.test>\r\n"
	    "DATA\r\nX-STS-Harness-Token: t1\r\n\r\nbody\r\n.\r\nQUIT\r\n",
	  .sni = T_HOST,
	  .want_codes = "220 250 220 250 250 250 354 250 221",
	  .want_text = "250 SIZE 10485760\r\n250 2.1.0 Ok",
	  .want_events = { EV("ehlo") " verb=EHLO arg=c.test tls=no",
	    EV("starttls") " result=ok version=TLSv1.3 sni=" T_HOST
	    " cert=valid fallback=no pipelined=0",
	    EV("ehlo") " verb=EHLO arg=c2.test tls=yes",
	    EV("mail") " from=a@b.test tls=yes",
	    EV("rcpt") " to=c@x.test tls=yes",
	    EV("data") " result=complete tls=yes bytes=33 token=t1",
	    EV("close") " reason=quit" },
	  .reject_events = { "event=warn" } },
	{ .label = "idle inside DATA over TLS: aborted with tls=yes",
	  .timeout_sec = 1,
	  .plain = "EHLO c.test\r\nSTARTTLS\r\n",
	  .tls = "EHLO c2.test\r\nMAIL FROM:<a@b.test>\r\n"
	    "RCPT TO:<c@x.test>\r\n"
	    "DATA\r\nX-STS-Harness-Token: t3\r\n\r\nbody\r\n",
	  .sni = T_HOST,
	  .want_codes = "220 250 220 250 250 250 354 421",
	  .want_events = { EV("starttls") " result=ok",
	    EV("data") " result=aborted tls=yes bytes=33 token=t3",
	    EV("close") " reason=timeout" },
	  .reject_events = { "result=complete" } },
	{ .label = "STARTTLS without SNI, TLS 1.2",
	  .plain = "EHLO c.test\r\nSTARTTLS\r\n",
	  .tls = "QUIT\r\n",
	  .max_version = TLS1_2_VERSION,
	  .want_codes = "220 250 220 221",
	  .want_events = { EV("starttls") " result=ok version=TLSv1.2 sni=\"\""
	    " cert=valid fallback=no pipelined=0" } },
	{ .label = "plaintext pipelined after STARTTLS is dropped",
	  .plain = "EHLO c.test\r\nSTARTTLS\r\nMAIL FROM:<evil@x.test>\r\n",
	  .tls = "MAIL FROM:<a@b.test>\r\nEHLO c.test\r\nQUIT\r\n",
	  .sni = T_HOST,
	  .want_codes = "220 250 220 503 250 221",
	  .want_events = { EV("warn") " reason=pipelined-after-starttls",
	    EV("starttls") " result=ok version=TLSv1.3 sni=" T_HOST
	    " cert=valid fallback=no pipelined=25",
	    EV("warn") " reason=bad-sequence",
	    EV("ehlo") " verb=EHLO arg=c.test tls=yes" },
	  .reject_events = { "from=evil@x.test", "event=mail" } },
	{ .label = "STARTTLS inside TLS: 503",
	  .plain = "EHLO c.test\r\nSTARTTLS\r\n",
	  .tls = "EHLO c.test\r\nSTARTTLS\r\nQUIT\r\n",
	  .sni = T_HOST,
	  .want_codes = "220 250 220 250 503 221",
	  .want_events = { EV("warn") " reason=starttls-in-tls" } },
	{ .label = "client rejects an unknown-CA certificate",
	  .cert = CERT_UNKNOWN_CA,
	  .plain = "EHLO c.test\r\nSTARTTLS\r\n",
	  .tls = "QUIT\r\n",
	  .sni = T_HOST,
	  .want_codes = "220 250 220",
	  .want_events = { EV("starttls") " result=failed "
	    "reason=\"tlsv1 alert unknown ca\"",
	    EV("close") " reason=error" },
	  .reject_events = { "result=ok", "event=ehlo laddr=" T_LADDR
	    " server=" T_HOST " verb=EHLO arg=c.test tls=yes" } },
	{ .label = "client rejects an expired certificate",
	  .cert = CERT_EXPIRED,
	  .plain = "EHLO c.test\r\nSTARTTLS\r\n",
	  .tls = "QUIT\r\n",
	  .sni = T_HOST,
	  .want_codes = "220 250 220",
	  .want_events = { EV("starttls") " result=failed "
	    "reason=\"sslv3 alert certificate expired\"",
	    EV("close") " reason=error" },
	  .reject_events = { "result=ok" } },
	{ .label = "client hangs up inside the handshake",
	  .cert = CERT_SELF_SIGNED,
	  .hang_up = true,
	  .plain = "EHLO c.test\r\nSTARTTLS\r\n",
	  .tls = "QUIT\r\n",
	  .sni = T_HOST,
	  .want_codes = "220 250 220",
	  .want_events = { EV("starttls") " result=failed reason=eof",
	    EV("close") " reason=eof" },
	  .reject_events = { "result=ok", "event=ehlo laddr=" T_LADDR
	    " server=" T_HOST " verb=EHLO arg=c.test tls=yes" } },
	{ .label = "expired certificate, client checks nothing",
	  .cert = CERT_EXPIRED,
	  .plain = "EHLO c.test\r\nSTARTTLS\r\n",
	  .tls = "EHLO c.test\r\nQUIT\r\n",
	  .sni = T_HOST,
	  .trust = T_TRUST_NONE,
	  .want_codes = "220 250 220 250 221",
	  .want_events = { EV("starttls") " result=ok version=TLSv1.3 sni="
	    T_HOST " cert=expired fallback=no pipelined=0",
	    EV("ehlo") " verb=EHLO arg=c.test tls=yes" } },
	{ .label = "tls-abort: 220, then an alert for the ClientHello",
	  .mode = MX_STARTTLS_TLS_ABORT,
	  .plain = "EHLO c.test\r\nSTARTTLS\r\n",
	  .tls = "EHLO c.test\r\nMAIL FROM:<a@b.test>\r\nQUIT\r\n",
	  .sni = T_HOST,
	  .want_codes = "220 250 220",
	  .want_text = "250 STARTTLS\r\n220 2.0.0 Ready to start TLS\r\n",
	  .want_events = { EV("ehlo") " verb=EHLO arg=c.test tls=no",
	    EV("starttls") " result=aborted hello=yes bytes=",
	    EV("close") " reason=error" },
	  .reject_events = { "result=ok", "tls=yes", "event=mail" } },
	{ .label = "tls-abort: a TLS 1.2 client is aborted alike",
	  .mode = MX_STARTTLS_TLS_ABORT,
	  .plain = "EHLO c.test\r\nSTARTTLS\r\n",
	  .tls = "QUIT\r\n",
	  .sni = T_HOST,
	  .max_version = TLS1_2_VERSION,
	  .want_codes = "220 250 220",
	  .want_events = { EV("starttls") " result=aborted hello=yes",
	    EV("close") " reason=error" },
	  .reject_events = { "result=ok", "tls=yes" } },
	{ .label = "tls-abort needs no SSL_CTX",
	  .mode = MX_STARTTLS_TLS_ABORT,
	  .no_ctx = true,
	  .plain = "EHLO c.test\r\nSTARTTLS\r\n",
	  .tls = "QUIT\r\n",
	  .want_codes = "220 250 220",
	  .want_events = { EV("starttls") " result=aborted hello=yes",
	    EV("close") " reason=error" },
	  .reject_events = { "result=refused", "result=ok" } },
	{ .label = "tls-abort: the client leaves before its ClientHello",
	  .mode = MX_STARTTLS_TLS_ABORT,
	  .plain = "EHLO c.test\r\nSTARTTLS\r\n",
	  .want_events = { EV("starttls") " result=failed reason=eof",
	    EV("close") " reason=eof" },
	  .reject_events = { "result=aborted", "result=ok" } },
	{ .label = "tls-abort: plaintext pipelined after STARTTLS is dropped",
	  .mode = MX_STARTTLS_TLS_ABORT,
	  .plain = "EHLO c.test\r\nSTARTTLS\r\nMAIL FROM:<a@b.test>\r\n",
	  .tls = "QUIT\r\n",
	  .sni = T_HOST,
	  .want_codes = "220 250 220",
	  .want_events = { EV("warn") " reason=pipelined-after-starttls",
	    EV("starttls") " result=aborted hello=yes",
	    EV("close") " reason=error" },
	  .reject_events = { "event=mail", "result=ok" } },
	{ .label = "close: 220, then the connection ends on the ClientHello",
	  .mode = MX_STARTTLS_CLOSE,
	  .plain = "EHLO c.test\r\nSTARTTLS\r\n",
	  .tls = "EHLO c.test\r\nMAIL FROM:<a@b.test>\r\nQUIT\r\n",
	  .sni = T_HOST,
	  .want_codes = "220 250 220",
	  .want_text = "250 STARTTLS\r\n220 2.0.0 Ready to start TLS\r\n",
	  .want_events = { EV("ehlo") " verb=EHLO arg=c.test tls=no",
	    EV("starttls") " result=closed hello=yes bytes=",
	    EV("close") " reason=error" },
	  .reject_events = { "result=ok", "result=aborted", "tls=yes",
	    "event=mail" } },
	{ .label = "close needs no SSL_CTX",
	  .mode = MX_STARTTLS_CLOSE,
	  .no_ctx = true,
	  .plain = "EHLO c.test\r\nSTARTTLS\r\n",
	  .tls = "QUIT\r\n",
	  .want_codes = "220 250 220",
	  .want_events = { EV("starttls") " result=closed hello=yes",
	    EV("close") " reason=error" },
	  .reject_events = { "result=refused", "result=ok" } },
	{ .label = "close: the client leaves before its ClientHello",
	  .mode = MX_STARTTLS_CLOSE,
	  .plain = "EHLO c.test\r\nSTARTTLS\r\n",
	  .want_events = { EV("starttls") " result=failed reason=eof",
	    EV("close") " reason=eof" },
	  .reject_events = { "result=closed", "result=ok" } },
	{ .label = "fail rcpt 451: RCPT answered, the session goes on",
	  .fail = { MX_FAIL_RCPT, 451 },
	  .plain = "EHLO c.test\r\nMAIL FROM:<a@b.test>\r\n"
	    "RCPT TO:<c@x.test>\r\nRSET\r\nQUIT\r\n",
	  .want_codes = "220 250 250 451 250 221",
	  .want_text = "451 4.3.0 " T_HOST ": scripted failure (rcpt)\r\n",
	  .want_events = { EV("mail") " from=a@b.test tls=no",
	    EV("fail") " verb=rcpt code=451 tls=no",
	    EV("close") " reason=quit" },
	  .reject_events = { "event=rcpt", "event=warn" } },
	{ .label = "fail rcpt 421 closes the session",
	  .fail = { MX_FAIL_RCPT, 421 },
	  .plain = "EHLO c.test\r\nMAIL FROM:<a@b.test>\r\n"
	    "RCPT TO:<c@x.test>\r\nDATA\r\nQUIT\r\n",
	  .want_codes = "220 250 250 421",
	  .want_events = { EV("fail") " verb=rcpt code=421 tls=no",
	    EV("close") " reason=fail" },
	  .reject_events = { "event=rcpt", "event=data" } },
	{ .label = "fail mail 550: MAIL refused, RCPT out of sequence",
	  .fail = { MX_FAIL_MAIL, 550 },
	  .plain = "EHLO c.test\r\nMAIL FROM:<a@b.test>\r\n"
	    "RCPT TO:<c@x.test>\r\nQUIT\r\n",
	  .want_codes = "220 250 550 503 221",
	  .want_text = "550 5.3.0 ",
	  .want_events = { EV("fail") " verb=mail code=550 tls=no",
	    EV("warn") " reason=bad-sequence" },
	  .reject_events = { "event=mail", "event=rcpt" } },
	{ .label = "fail data 554: DATA refused instead of 354",
	  .fail = { MX_FAIL_DATA, 554 },
	  .plain = "EHLO c.test\r\nMAIL FROM:<a@b.test>\r\n"
	    "RCPT TO:<c@x.test>\r\nDATA\r\nQUIT\r\n",
	  .want_codes = "220 250 250 250 554 221",
	  .want_events = { EV("rcpt") " to=c@x.test tls=no",
	    EV("fail") " verb=data code=554 tls=no",
	    EV("close") " reason=quit" },
	  .reject_events = { "event=data" } },
	{ .label = "fail data: DATA out of sequence is still 503",
	  .fail = { MX_FAIL_DATA, 451 },
	  .plain = "EHLO c.test\r\nDATA\r\nQUIT\r\n",
	  .want_codes = "220 250 503 221",
	  .reject_events = { "event=fail" } },
	{ .label = "fail end-of-data 452: the body arrived, rejected",
	  .fail = { MX_FAIL_END_OF_DATA, 452 },
	  .plain = "EHLO c.test\r\nMAIL FROM:<a@b.test>\r\n"
	    "RCPT TO:<c@x.test>\r\nDATA\r\nX-STS-Harness-Token: t9\r\n\r\n"
	    "body\r\n.\r\nQUIT\r\n",
	  .want_codes = "220 250 250 250 354 452 221",
	  .want_events = { EV("data") " result=rejected tls=no bytes=33 "
	    "token=t9", EV("fail") " verb=end-of-data code=452 tls=no",
	    EV("close") " reason=quit" },
	  .reject_events = { "result=complete" } },
	{ .label = "fail end-of-data: an over-size body is still 552",
	  .fail = { MX_FAIL_END_OF_DATA, 452 },
	  .max_message = 8,
	  .plain = "EHLO c.test\r\nMAIL FROM:<a@b.test>\r\n"
	    "RCPT TO:<c@x.test>\r\nDATA\r\n" A100 "\r\n.\r\nQUIT\r\n",
	  .want_codes = "220 250 250 250 354 552 221",
	  .want_events = { EV("data") " result=too-big" },
	  .reject_events = { "event=fail", "result=rejected" } },
	{ .label = "fail ehlo-after-tls: the plaintext EHLO is fine",
	  .fail = { MX_FAIL_EHLO_AFTER_TLS, 421 },
	  .plain = "EHLO c.test\r\nHELO c.test\r\nQUIT\r\n",
	  .want_codes = "220 250 250 221",
	  .reject_events = { "event=fail" } },
	{ .label = "fail ehlo-after-tls 421: EHLO inside TLS, then closed",
	  .fail = { MX_FAIL_EHLO_AFTER_TLS, 421 },
	  .plain = "EHLO c.test\r\nSTARTTLS\r\n",
	  .tls = "EHLO c2.test\r\nMAIL FROM:<a@b.test>\r\nQUIT\r\n",
	  .sni = T_HOST,
	  .want_codes = "220 250 220 421",
	  .want_events = { EV("ehlo") " verb=EHLO arg=c.test tls=no",
	    EV("starttls") " result=ok",
	    EV("fail") " verb=ehlo-after-tls code=421 tls=yes",
	    EV("close") " reason=fail" },
	  .reject_events = { "arg=c2.test", "event=mail" } },
	{ .label = "fail ehlo-after-tls 454: HELO inside TLS too, kept open",
	  .fail = { MX_FAIL_EHLO_AFTER_TLS, 454 },
	  .plain = "EHLO c.test\r\nSTARTTLS\r\n",
	  .tls = "HELO c2.test\r\nMAIL FROM:<a@b.test>\r\nQUIT\r\n",
	  .sni = T_HOST,
	  .want_codes = "220 250 220 454 503 221",
	  .want_events = { EV("fail") " verb=ehlo-after-tls code=454 tls=yes",
	    EV("warn") " reason=bad-sequence", EV("close") " reason=quit" },
	  .reject_events = { "arg=c2.test", "event=mail" } },
	{ .label = NULL },
};

/* parse tables for the static helpers */
struct token_case {
	const char	*label;
	const char	*line;
	bool		 want_match;
	const char	*want_token;
};

static const struct token_case token_cases[] = {
	{ "plain", "X-STS-Harness-Token: abc", true, "abc" },
	{ "any case, blanks", "x-sts-HARNESS-token:\t a.b_c-9 \t", true,
	    "a.b_c-9" },
	{ "no blank", "X-STS-Harness-Token:abc", true, "abc" },
	{ "empty value", "X-STS-Harness-Token:", true, "" },
	{ "inner space", "X-STS-Harness-Token: a b", true, "" },
	{ "slash", "X-STS-Harness-Token: a/b", true, "" },
	{ "high byte", "X-STS-Harness-Token: a\xc3\xa9", true, "" },
	{ "64 bytes", "X-STS-Harness-Token: " "0123456789abcdef"
	    "0123456789abcdef0123456789abcdef0123456789abcdef", true,
	    "0123456789abcdef0123456789abcdef0123456789abcdef"
	    "0123456789abcdef" },
	{ "65 bytes", "X-STS-Harness-Token: " "0123456789abcdef"
	    "0123456789abcdef0123456789abcdef0123456789abcdef0", true, "" },
	{ "other header", "X-STS-Harness-Tokens: abc", false, NULL },
	{ "space before colon", "X-STS-Harness-Token : abc", false, NULL },
	{ "truncated name", "X-STS-Harness-Tok", false, NULL },
	{ "empty line", "", false, NULL },
	{ NULL, NULL, false, NULL },
};

struct path_case {
	const char	*label;
	const char	*args;
	const char	*prefix;
	const char	*want;		/* NULL: rejected */
};

static const struct path_case path_cases[] = {
	{ "plain", "FROM:<a@b.test>", "FROM:", "a@b.test" },
	{ "params", "FROM:<a@b.test> SIZE=5 BODY=8BITMIME", "FROM:",
	    "a@b.test" },
	{ "space after colon", "TO: <c@d.test>", "TO:", "c@d.test" },
	{ "lower case", "from:<a@b.test>", "FROM:", "a@b.test" },
	{ "null path", "FROM:<>", "FROM:", "" },
	{ "no brackets", "FROM:a@b.test", "FROM:", NULL },
	{ "unterminated", "FROM:<a@b.test", "FROM:", NULL },
	{ "junk after", "FROM:<a@b.test>junk", "FROM:", NULL },
	{ "wrong keyword", "TO:<a@b.test>", "FROM:", NULL },
	{ "truncated keyword", "FRO", "FROM:", NULL },
	{ "empty", "", "TO:", NULL },
	{ "256-byte path with <>", "TO:<" A100 A100 "@" A10 A10 A10 A10
	    "AAAAAAAA.test>", "TO:", A100 A100 "@" A10 A10 A10 A10
	    "AAAAAAAA.test" },
	{ "257-byte path with <>", "TO:<" A100 A100 "@" A10 A10 A10 A10
	    "AAAAAAAAA.test>", "TO:", NULL },
	{ NULL, NULL, NULL, NULL },
};

static void	t_on_event(const char *, void *);
static void	t_on_close(struct smtp_session *, void *);
static void	t_on_guard(evutil_socket_t, short, void *);
static void	t_on_delay(evutil_socket_t, short, void *);
static void	t_client_on_read(struct bufferevent *, void *);
static void	t_client_on_event(struct bufferevent *, short, void *);
static void	t_client_start_tls(struct t_run *);
static void	t_maybe_done(struct t_run *);
static void	t_codes(struct evbuffer *, char *, size_t);
static void	t_check_events(const struct t_run *, const char *);
static void	t_write_all(int, const char *, size_t);
static void	t_run_free(struct t_run *);
static void	t_srv_on_event(const char *, void *);
static int	t_connect(uint16_t, const char *);
static void	t_on_trickle(evutil_socket_t, short, void *);
static void	t_trickle_on_close(struct smtp_session *, void *);
static const char *t_last_of(const struct t_run *, uint64_t, size_t);

static int
t_setup(void **state)
{
	struct t_fixture	*fx;
	struct err		 err;

	signal(SIGPIPE, SIG_IGN);
	fx = xcalloc(1, sizeof(*fx));
	if (str_copy(fx->dir, "/tmp/test_smtp_session.XXXXXX",
	    sizeof(fx->dir)) == -1 || mkdtemp(fx->dir) == NULL)
		return -1;
	if ((fx->pki = pki_new(fx->dir, &err)) == NULL) {
		fprintf(stderr, "pki_new: %s\n", err.msg);
		return -1;
	}
	fx->client_ca = tls_ctx_client_new(pki_ca_file(fx->pki), &err);
	fx->client_any = tls_ctx_client_new(NULL, &err);
	if (fx->client_ca == NULL || fx->client_any == NULL) {
		fprintf(stderr, "tls_ctx_client_new: %s\n", err.msg);
		return -1;
	}
	*state = fx;
	return 0;
}

static int
t_teardown(void **state)
{
	struct t_fixture	*fx = *state;

	log_set_event_hook(NULL, NULL);
	SSL_CTX_free(fx->client_ca);
	SSL_CTX_free(fx->client_any);
	pki_free(fx->pki);
	if (rmdir(fx->dir) == -1)
		fprintf(stderr, "rmdir %s: %s\n", fx->dir, strerror(errno));
	free(fx);
	return 0;
}

static void
t_on_event(const char *line, void *arg)
{
	struct t_run	*r = arg;

	if (r->nevents < T_EVENTS_MAX)
		r->events[r->nevents++] = xstrdup(line);
}

static void
t_on_close(struct smtp_session *s, void *arg)
{
	struct t_run	*r = arg;

	assert_ptr_equal(s, r->session);
	r->close_calls++;
	r->session_closed = true;
	r->session = NULL;
	t_maybe_done(r);
}

static void
t_on_guard(evutil_socket_t fd, short what, void *arg)
{
	struct t_run	*r = arg;

	(void)fd;
	(void)what;
	r->timed_out = true;
	event_base_loopbreak(r->base);
}

static void
t_on_delay(evutil_socket_t fd, short what, void *arg)
{
	struct t_run	*r = arg;

	(void)fd;
	(void)what;
	if (r->client != NULL)
		assert_int_equal(bufferevent_enable(r->client, EV_READ), 0);
}

static void
t_maybe_done(struct t_run *r)
{
	if (r->session_closed && r->client_done)
		event_base_loopexit(r->base, NULL);
}

/* t_client_on_read - keep every reply; switch to TLS after "220 2.0.0" */
static void
t_client_on_read(struct bufferevent *bev, void *arg)
{
	struct t_run		*r = arg;
	struct evbuffer_ptr	 p;

	evbuffer_add_buffer(r->transcript, bufferevent_get_input(bev));
	if (r->tc->tls == NULL || r->tls_started)
		return;
	p = evbuffer_search(r->transcript, "\r\n220 2.0.0 ", 12, NULL);
	if (p.pos == -1)
		return;
	/* wait for the CRLF that ends the 220 line itself */
	assert_int_equal(evbuffer_ptr_set(r->transcript, &p, 2,
	    EVBUFFER_PTR_ADD), 0);
	if (evbuffer_search(r->transcript, "\r\n", 2, &p).pos == -1)
		return;
	t_client_start_tls(r);
}

static void
t_client_start_tls(struct t_run *r)
{
	SSL_CTX			*ctx;
	SSL			*ssl;
	struct bufferevent	*tls;

	r->tls_started = true;
	ctx = r->tc->trust == T_TRUST_CA ? r->fx->client_ca :
	    r->fx->client_any;
	assert_non_null(ssl = SSL_new(ctx));
	if (r->tc->sni != NULL)
		assert_int_equal(SSL_set_tlsext_host_name(ssl, r->tc->sni), 1);
	if (r->tc->max_version != 0)
		assert_int_equal(SSL_set_max_proto_version(ssl,
		    r->tc->max_version), 1);
	tls = bufferevent_openssl_filter_new(r->base, r->client, ssl,
	    BUFFEREVENT_SSL_CONNECTING, BEV_OPT_CLOSE_ON_FREE);
	assert_non_null(tls);
	bufferevent_openssl_set_allow_dirty_shutdown(tls, 1);
	bufferevent_setcb(tls, t_client_on_read, NULL, t_client_on_event, r);
	assert_int_equal(bufferevent_enable(tls, EV_READ | EV_WRITE), 0);
	r->client = tls;
}

static void
t_client_on_event(struct bufferevent *bev, short what, void *arg)
{
	struct t_run		*r = arg;
	struct bufferevent	*under;
	struct evbuffer		*out;

	if (what & BEV_EVENT_CONNECTED) {
		assert_int_equal(bufferevent_write(bev, r->tc->tls,
		    strlen(r->tc->tls)), 0);
		return;
	}
	evbuffer_add_buffer(r->transcript, bufferevent_get_input(bev));
	/*
	 * EOF, or our side gave up (TLS). A real client sends its alert
	 * before it closes: push it out of the filter's socket bev now.
	 */
	under = bufferevent_get_underlying(bev);
	if (under != NULL && !r->tc->hang_up) {
		/* the bev froze the start of its output; we own it now */
		out = bufferevent_get_output(under);
		assert_int_equal(evbuffer_unfreeze(out, 1), 0);
		while (evbuffer_get_length(out) > 0)
			assert_true(evbuffer_write(out,
			    bufferevent_getfd(under)) > 0);
	}
	bufferevent_free(r->client);
	r->client = NULL;
	r->client_done = true;
	t_maybe_done(r);
}

static void
t_write_all(int fd, const char *p, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		assert_true(n > 0);
		p += n;
		len -= (size_t)n;
	}
}

/* t_codes - "220 250 ..." from the final line of every reply */
static void
t_codes(struct evbuffer *transcript, char *out, size_t size)
{
	char	*line;
	size_t	 len, used = 0;

	out[0] = '\0';
	while ((line = evbuffer_readln(transcript, &len,
	    EVBUFFER_EOL_CRLF_STRICT)) != NULL) {
		if (len >= 4 && line[3] == ' ' && used + 5 < size) {
			if (used > 0)
				out[used++] = ' ';
			memcpy(out + used, line, 3);
			used += 3;
			out[used] = '\0';
		}
		free(line);
	}
}

static void
t_check_events(const struct t_run *r, const char *label)
{
	const struct smtp_case	*tc = r->tc;
	size_t			 i, w, at = 0;
	bool			 found;

	for (w = 0; w < T_WANT_MAX && tc->want_events[w] != NULL; w++) {
		found = false;
		for (i = at; i < r->nevents && !found; i++)
			if (strstr(r->events[i], tc->want_events[w]) != NULL) {
				found = true;
				at = i + 1;
			}
		if (!found) {
			for (i = 0; i < r->nevents; i++)
				fprintf(stderr, "  %s\n", r->events[i]);
			fail_msg("%s: no record \"%s\" (in order)", label,
			    tc->want_events[w]);
		}
	}
	for (w = 0; w < 4 && tc->reject_events[w] != NULL; w++)
		for (i = 0; i < r->nevents; i++)
			if (strstr(r->events[i], tc->reject_events[w]) != NULL)
				fail_msg("%s: unexpected record %s", label,
				    r->events[i]);
	/* the first record is the connect, the last the close */
	assert_true(r->nevents >= 2);
	if (strstr(r->events[0], "event=connect ") == NULL ||
	    strstr(r->events[r->nevents - 1], "event=close ") == NULL)
		fail_msg("%s: records must run from connect to close", label);
}

static void
t_run_free(struct t_run *r)
{
	size_t	i;

	if (r->client != NULL)
		bufferevent_free(r->client);
	smtp_session_free(r->session);
	if (r->guard != NULL)
		event_free(r->guard);
	if (r->delay != NULL)
		event_free(r->delay);
	if (r->transcript != NULL)
		evbuffer_free(r->transcript);
	if (r->base != NULL)
		event_base_free(r->base);
	for (i = 0; i < r->nevents; i++)
		free(r->events[i]);
	log_set_event_hook(NULL, NULL);
}

/* test_smtp_session_scripts - every row of smtp_cases, end to end */
static void
test_smtp_session_scripts(void **state)
{
	struct t_fixture	*fx = *state;
	const struct smtp_case	*tc;
	struct mx_config	 cfg;
	struct t_run		 r;
	struct timeval		 tv = { T_GUARD_SEC, 0 };
	struct timeval		 delay = { 0, 300 * 1000 };
	struct err		 err;
	SSL_CTX			*sctx;
	char			 codes[512], *text, *p;
	size_t			 len, i, n;
	int			 sv[2], fds;

	for (tc = smtp_cases; tc->label != NULL; tc++) {
		fds = testutil_count_fds();
		memset(&r, 0, sizeof(r));
		r.tc = tc;
		r.fx = fx;
		mx_config_init(&cfg, T_HOST);
		cfg.starttls = tc->mode;
		cfg.cert = tc->cert;
		cfg.fail = tc->fail;
		if (tc->max_message != 0)
			cfg.max_message = tc->max_message;
		cfg.timeout_sec = tc->timeout_sec != 0 ? tc->timeout_sec :
		    T_GUARD_SEC;
		sctx = NULL;
		if (!tc->no_ctx)
			assert_non_null(sctx = tls_ctx_server_new(fx->pki,
			    tc->cert, T_HOST, &err));

		assert_non_null(r.base = event_base_new());
		assert_non_null(r.transcript = evbuffer_new());
		assert_non_null(r.guard = evtimer_new(r.base, t_on_guard, &r));
		assert_int_equal(evtimer_add(r.guard, &tv), 0);
		log_set_event_hook(t_on_event, &r);

		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		len = tc->plain_len != 0 ? tc->plain_len : strlen(tc->plain);
		t_write_all(sv[1], tc->plain, len);
		if (tc->tls == NULL && !tc->keep_open && tc->noops == 0)
			assert_int_equal(shutdown(sv[1], SHUT_WR), 0);
		r.session = smtp_session_new(r.base, sv[0], sctx, &cfg,
		    T_LADDR, T_PEER, 7, t_on_close, &r, &err);
		if (r.session == NULL)
			fail_msg("%s: smtp_session_new: %s", tc->label,
			    err.msg);
		assert_int_equal(smtp_session_id(r.session), 7);
		assert_non_null(r.client = bufferevent_socket_new(r.base,
		    sv[1], BEV_OPT_CLOSE_ON_FREE));
		bufferevent_setcb(r.client, t_client_on_read, NULL,
		    t_client_on_event, &r);
		if (tc->noops == 0)
			assert_int_equal(bufferevent_enable(r.client, EV_READ),
			    0);
		else {
			/* flood, and read nothing for a while */
			for (i = 0; i < tc->noops; i++)
				assert_int_equal(bufferevent_write(r.client,
				    "NOOP\r\n", 6), 0);
			assert_int_equal(bufferevent_write(r.client,
			    "QUIT\r\n", 6), 0);
			assert_non_null(r.delay = evtimer_new(r.base,
			    t_on_delay, &r));
			assert_int_equal(evtimer_add(r.delay, &delay), 0);
		}

		assert_int_equal(event_base_dispatch(r.base), 0);
		if (r.timed_out)
			fail_msg("%s: timed out (session %s, client %s)",
			    tc->label, r.session_closed ? "closed" : "open",
			    r.client_done ? "done" : "open");
		assert_int_equal(r.close_calls, 1);

		len = evbuffer_get_length(r.transcript);
		text = xmalloc(len + 1);
		assert_int_equal(evbuffer_copyout(r.transcript, text, len),
		    (ev_ssize_t)len);
		text[len] = '\0';
		for (n = 0, p = text; (p = strstr(p, "\r\n250 2.0.0 Ok\r\n")) !=
		    NULL; p += 2)
			n++;
		if (tc->noops > 0 && n != tc->noops)
			fail_msg("%s: %zu NOOP replies, want %zu", tc->label, n,
			    tc->noops);
		if (tc->want_text != NULL &&
		    strstr(text, tc->want_text) == NULL)
			fail_msg("%s: transcript lacks \"%s\":\n%s", tc->label,
			    tc->want_text, text);
		if (tc->reject_text != NULL &&
		    strstr(text, tc->reject_text) != NULL)
			fail_msg("%s: transcript has \"%s\":\n%s", tc->label,
			    tc->reject_text, text);
		free(text);
		t_codes(r.transcript, codes, sizeof(codes));
		if (tc->want_codes != NULL &&
		    strcmp(codes, tc->want_codes) != 0)
			fail_msg("%s: codes \"%s\", want \"%s\"", tc->label,
			    codes, tc->want_codes);
		t_check_events(&r, tc->label);
		t_run_free(&r);
		SSL_CTX_free(sctx);
		if (testutil_count_fds() != fds)
			fail_msg("%s: leaked a descriptor", tc->label);
	}
}

/* One client of test_smtp_session_tls_abort: bytes after the 220. */
struct abort_case {
	const char	*label;
	const char	*piece[2];	/* sent one after the other */
	size_t		 len[2];
	bool		 alert_after_first;
	const char	*want;		/* the starttls record's tail */
};

#define T_HELLO_HDR	"\x16\x03\x01\x00\x10"
#define T_HELLO_BODY	"\x01\x00\x00\x0c" "0123456789ab"

static const struct abort_case abort_cases[] = {
	{ "a whole record in two pieces", { T_HELLO_HDR, T_HELLO_BODY },
	    { 5, 16 }, false, "result=aborted hello=yes bytes=21" },
	{ "a header alone is not enough", { T_HELLO_HDR "\x01\x00", NULL },
	    { 7, 0 }, false, NULL },
	{ "plaintext where TLS should start",
	    { "MAIL FROM:<a@b.test>\r\n", NULL }, { 22, 0 }, true,
	    "result=aborted hello=no bytes=22" },
	{ "a header that claims too much", { "\x16\x03\x01\xff\xff", NULL },
	    { 5, 0 }, true, "result=aborted hello=yes bytes=5" },
	{ NULL, { NULL, NULL }, { 0, 0 }, false, NULL },
};

/* t_pump - run the loop for ms */
static void
t_pump(struct event_base *base, int ms)
{
	struct timeval	tv = { 0, ms * 1000 };

	assert_int_equal(event_base_loopexit(base, &tv), 0);
	assert_int_equal(event_base_dispatch(base), 0);
}

/* t_read_now - what fd has for us: bytes, 0 at EOF, -1 for nothing yet */
static ssize_t
t_read_now(int fd, uint8_t *buf, size_t size)
{
	ssize_t	n = recv(fd, buf, size, MSG_DONTWAIT);

	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return -1;
	assert_true(n >= 0);
	return n;
}

/*
 * test_smtp_session_tls_abort - the raw bytes of tls-abort: nothing until
 * one whole TLS record (or bytes that cannot start one) arrived after the
 * 220, then exactly one fatal handshake_failure alert and EOF
 */
static void
test_smtp_session_tls_abort(void **state)
{
	static const uint8_t	 alert[] = { 0x15, 0x03, 0x03, 0x00, 0x02,
				    0x02, 0x28 };
	const struct abort_case	*tc;
	struct mx_config	 cfg;
	struct t_run		 r;
	struct err		 err;
	uint8_t			 buf[4096];
	ssize_t			 n;
	size_t			 i, len;
	int			 sv[2], fds;
	bool			 found;

	(void)state;
	for (tc = abort_cases; tc->label != NULL; tc++) {
		fds = testutil_count_fds();
		memset(&r, 0, sizeof(r));
		mx_config_init(&cfg, T_HOST);
		cfg.starttls = MX_STARTTLS_TLS_ABORT;
		assert_non_null(r.base = event_base_new());
		log_set_event_hook(t_on_event, &r);
		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		r.session = smtp_session_new(r.base, sv[0], NULL, &cfg,
		    T_LADDR, T_PEER, 9, t_on_close, &r, &err);
		assert_non_null(r.session);
		t_write_all(sv[1], "EHLO c.test\r\nSTARTTLS\r\n", 24);
		t_pump(r.base, 50);
		len = 0;
		while ((n = t_read_now(sv[1], buf + len, sizeof(buf) - 1 -
		    len)) > 0)
			len += (size_t)n;
		buf[len] = '\0';
		if (strstr((char *)buf, "\r\n220 2.0.0 Ready") == NULL)
			fail_msg("%s: no 220 in \"%s\"", tc->label, buf);
		for (i = 0; i < 2 && tc->piece[i] != NULL; i++) {
			t_write_all(sv[1], tc->piece[i], tc->len[i]);
			t_pump(r.base, 50);
			n = t_read_now(sv[1], buf, sizeof(buf));
			if (i == 0 && tc->piece[1] != NULL &&
			    !tc->alert_after_first && n != -1)
				fail_msg("%s: %zd bytes before the record "
				    "was whole", tc->label, n);
		}
		if (tc->want == NULL) {
			/* still waiting: nothing sent, the session open */
			assert_int_equal(n, -1);
			assert_false(r.session_closed);
			smtp_session_free(r.session);
			r.session = NULL;
		} else {
			if (n != (ssize_t)sizeof(alert) ||
			    memcmp(buf, alert, sizeof(alert)) != 0)
				fail_msg("%s: %zd bytes, not the alert",
				    tc->label, n);
			t_pump(r.base, 10);
			assert_int_equal(t_read_now(sv[1], buf, sizeof(buf)),
			    0);
			assert_true(r.session_closed);
			found = false;
			for (i = 0; i < r.nevents; i++)
				found = found || (strstr(r.events[i],
				    "event=starttls") != NULL &&
				    strstr(r.events[i], tc->want) != NULL);
			if (!found)
				fail_msg("%s: no record with \"%s\"",
				    tc->label, tc->want);
			assert_non_null(strstr(r.events[r.nevents - 1],
			    "event=close"));
			assert_non_null(strstr(r.events[r.nevents - 1],
			    "reason=error"));
		}
		close(sv[1]);
		t_run_free(&r);
		if (testutil_count_fds() != fds)
			fail_msg("%s: leaked a descriptor", tc->label);
	}
}

/*
 * test_smtp_session_free_live - the owner closes: a message cut off is
 * recorded aborted, then reason=shutdown; the callback is never called
 */
static void
test_smtp_session_free_live(void **state)
{
	static const struct {
		const char	*label;
		const char	*say;
		const char	*want[2];	/* the last records, in order */
	} rows[] = {
		{ "after EHLO", "EHLO c.test\r\n",
		  { NULL, EV("close") " reason=shutdown" } },
		{ "before DATA", "EHLO c.test\r\nMAIL FROM:<a@b.test>\r\n"
		  "RCPT TO:<c@x.test>\r\n",
		  { EV("rcpt") " to=c@x.test tls=no",
		    EV("close") " reason=shutdown" } },
		{ "inside DATA", "EHLO c.test\r\nMAIL FROM:<a@b.test>\r\n"
		  "RCPT TO:<c@x.test>\r\nDATA\r\n"
		  "X-STS-Harness-Token: f1\r\nSubject: s\r\nhal",
		  { EV("data") " result=aborted tls=no bytes=37 token=f1",
		    EV("close") " reason=shutdown" } },
		{ "after a message", "EHLO c.test\r\nMAIL FROM:<a@b.test>\r\n"
		  "RCPT TO:<c@x.test>\r\nDATA\r\n"
		  "X-STS-Harness-Token: f2\r\n\r\n.\r\n",
		  { EV("data") " result=complete tls=no bytes=27 token=f2",
		    EV("close") " reason=shutdown" } },
	};
	static const struct smtp_case tc = { .label = "free live" };
	struct mx_config	 cfg;
	struct t_run		 r;
	struct err		 err;
	size_t			 i, n;
	int			 sv[2];

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&r, 0, sizeof(r));
		r.tc = &tc;
		mx_config_init(&cfg, T_HOST);
		assert_non_null(r.base = event_base_new());
		assert_non_null(r.transcript = evbuffer_new());
		log_set_event_hook(t_on_event, &r);
		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		t_write_all(sv[1], rows[i].say, strlen(rows[i].say));
		r.session = smtp_session_new(r.base, sv[0], NULL, &cfg,
		    T_LADDR, T_PEER, 1, t_on_close, &r, &err);
		assert_non_null(r.session);
		assert_int_equal(event_base_loop(r.base, EVLOOP_NONBLOCK), 0);
		smtp_session_free(r.session);
		r.session = NULL;
		assert_int_not_equal(event_base_loop(r.base, EVLOOP_NONBLOCK),
		    -1);
		assert_int_equal(r.close_calls, 0);
		n = r.nevents;
		if (n < 3 || strstr(r.events[n - 1], rows[i].want[1]) == NULL ||
		    (rows[i].want[0] != NULL &&
		    strstr(r.events[n - 2], rows[i].want[0]) == NULL) ||
		    (rows[i].want[0] == NULL &&
		    strstr(r.events[n - 2], "event=data ") != NULL))
			fail_msg("%s: last records \"%s\", \"%s\"",
			    rows[i].label, n >= 2 ? r.events[n - 2] : "",
			    n >= 1 ? r.events[n - 1] : "");
		close(sv[1]);
		t_run_free(&r);
	}
}

#define T_LIFETIME_ROWS	3

/* one session of test_smtp_session_lifetime; all run at once */
struct t_trickle {
	struct t_run		*r;
	struct smtp_session	*session;
	int			 fd;		/* the client's end */
	const char		*bytes;		/* one at a time, cycling */
	size_t			 at;
	bool			 closed;
	struct timespec		 t1;		/* when it closed */
};

/* t_on_trickle - one more byte to every open session: never idle */
static void
t_on_trickle(evutil_socket_t fd, short what, void *arg)
{
	struct t_trickle	*t = arg;
	size_t			 i;

	(void)fd;
	(void)what;
	for (i = 0; i < T_LIFETIME_ROWS; i++, t++) {
		if (t->closed || t->bytes == NULL)
			continue;
		if (write(t->fd, &t->bytes[t->at], 1) != 1)
			continue;
		if (t->bytes[++t->at] == '\0')
			t->at = 0;
	}
}

static void
t_trickle_on_close(struct smtp_session *s, void *arg)
{
	struct t_trickle	*t = arg;

	assert_ptr_equal(s, t->session);
	assert_false(t->closed);
	t->closed = true;
	t->session = NULL;
	clock_gettime(CLOCK_MONOTONIC, &t->t1);
	if (++t->r->close_calls == T_LIFETIME_ROWS)
		event_base_loopexit(t->r->base, NULL);
}

/* t_last_of - the last record of session id that has event=... */
static const char *
t_last_of(const struct t_run *r, uint64_t id, size_t back)
{
	char	head[64];
	size_t	i;

	(void)str_fmt(head, sizeof(head), "mx session=%016llx ",
	    (unsigned long long)id);
	for (i = r->nevents; i > 0; i--)
		if (strncmp(r->events[i - 1], head, strlen(head)) == 0 &&
		    back-- == 0)
			return r->events[i - 1];
	return "";
}

/*
 * test_smtp_session_lifetime - a client that keeps the idle timeout at bay
 * (a byte every 200 ms) is still closed once lifetime_sec is over, in
 * every state it can stall in; the rows run side by side
 */
static void
test_smtp_session_lifetime(void **state)
{
	static const struct {
		const char	*label;
		const char	*say;
		const char	*trickle;	/* NULL: send nothing more */
		const char	*want_text;
		const char	*want[2];	/* its last records */
	} rows[T_LIFETIME_ROWS] = {
		{ "trickling commands", "EHLO c.test\r\n", "NOOP\r\n",
		  "\r\n421 4.4.2 " T_HOST " Session time limit exceeded\r\n",
		  { NULL, EV("close") " reason=timeout" } },
		{ "trickling message text", "EHLO c.test\r\n"
		  "MAIL FROM:<a@b.test>\r\nRCPT TO:<c@x.test>\r\nDATA\r\n"
		  "X-STS-Harness-Token: slow\r\n", "ab\r\n",
		  "\r\n421 4.4.2 " T_HOST " Session time limit exceeded\r\n",
		  { EV("data") " result=aborted tls=no",
		    EV("close") " reason=timeout" } },
		{ "stalled in the TLS handshake",
		  "EHLO c.test\r\nSTARTTLS\r\n", NULL,
		  "\r\n220 2.0.0 Ready to start TLS\r\n",
		  { EV("starttls") " result=failed reason=timeout",
		    EV("close") " reason=timeout" } },
	};
	static const struct smtp_case tc = { .label = "lifetime" };
	struct t_fixture	*fx = *state;
	struct t_trickle	 t[T_LIFETIME_ROWS];
	struct mx_config	 cfg;
	struct t_run		 r;
	struct event		*tick;
	struct timeval		 guard = { T_GUARD_SEC, 0 };
	struct timeval		 every = { 0, 200 * 1000 };
	struct timespec		 t0;
	struct err		 err;
	SSL_CTX			*sctx;
	const char		*last, *before;
	char			 text[4096];
	ssize_t			 got;
	size_t			 i, len;
	double			 took;
	int			 sv[2];

	memset(&r, 0, sizeof(r));
	memset(t, 0, sizeof(t));
	r.tc = &tc;
	mx_config_init(&cfg, T_HOST);
	cfg.timeout_sec = 3;
	cfg.lifetime_sec = 1;
	assert_non_null(sctx = tls_ctx_server_new(fx->pki, CERT_VALID, T_HOST,
	    &err));
	assert_non_null(r.base = event_base_new());
	assert_non_null(r.guard = evtimer_new(r.base, t_on_guard, &r));
	assert_int_equal(evtimer_add(r.guard, &guard), 0);
	assert_non_null(tick = event_new(r.base, -1, EV_PERSIST, t_on_trickle,
	    t));
	assert_int_equal(event_add(tick, &every), 0);
	log_set_event_hook(t_on_event, &r);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < T_LIFETIME_ROWS; i++) {
		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		t_write_all(sv[1], rows[i].say, strlen(rows[i].say));
		t[i].r = &r;
		t[i].fd = sv[1];
		t[i].bytes = rows[i].trickle;
		t[i].session = smtp_session_new(r.base, sv[0], sctx, &cfg,
		    T_LADDR, T_PEER, i + 1, t_trickle_on_close, &t[i], &err);
		assert_non_null(t[i].session);
	}
	assert_int_equal(event_base_dispatch(r.base), 0);
	if (r.timed_out)
		fail_msg("sessions still open after %d s", T_GUARD_SEC);

	for (i = 0; i < T_LIFETIME_ROWS; i++) {
		/* the deadline did it, not the 3 s idle timeout */
		took = (double)(t[i].t1.tv_sec - t0.tv_sec) +
		    (double)(t[i].t1.tv_nsec - t0.tv_nsec) / 1e9;
		if (took < 0.9 || took > 2.5)
			fail_msg("%s: closed after %.2f s", rows[i].label, took);
		len = 0;
		while (len < sizeof(text) - 1 && (got = read(t[i].fd,
		    text + len, sizeof(text) - 1 - len)) > 0)
			len += (size_t)got;
		text[len] = '\0';
		if (strstr(text, rows[i].want_text) == NULL)
			fail_msg("%s: transcript lacks \"%s\":\n%s",
			    rows[i].label, rows[i].want_text, text);
		last = t_last_of(&r, i + 1, 0);
		before = t_last_of(&r, i + 1, 1);
		if (strstr(last, rows[i].want[1]) == NULL ||
		    (rows[i].want[0] != NULL &&
		    strstr(before, rows[i].want[0]) == NULL))
			fail_msg("%s: last records \"%s\", \"%s\"",
			    rows[i].label, before, last);
		close(t[i].fd);
	}
	event_free(tick);
	t_run_free(&r);
	SSL_CTX_free(sctx);
}

/* test_smtp_session_bad_args - a session that cannot start owns no fd */
static void
test_smtp_session_bad_args(void **state)
{
	struct mx_config	 cfg;
	struct event_base	*base;
	struct err		 err;
	int			 sv[2];
	char			 c;

	(void)state;
	mx_config_init(&cfg, T_HOST);
	assert_non_null(base = event_base_new());
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_null(smtp_session_new(base, sv[0], NULL, &cfg,
	    A100 "too long for an address", T_PEER, 1, NULL, NULL, &err));
	assert_int_equal(err.code, ERR_RANGE);
	/* sv[0] was closed: the other end reads EOF */
	assert_int_equal(read(sv[1], &c, 1), 0);
	close(sv[1]);
	event_base_free(base);
}

static void
test_smtp_session_token_header(void **state)
{
	const struct token_case	*tc;
	char			 out[STS_TOKEN_MAX + 1];
	bool			 got;

	(void)state;
	for (tc = token_cases; tc->label != NULL; tc++) {
		(void)str_copy(out, "unchanged", sizeof(out));
		got = smtp_token_header(tc->line, out, sizeof(out));
		if (got != tc->want_match)
			fail_msg("%s: match %d, want %d", tc->label, got,
			    tc->want_match);
		if (got && strcmp(out, tc->want_token) != 0)
			fail_msg("%s: token \"%s\", want \"%s\"", tc->label,
			    out, tc->want_token);
	}
}

static void
test_smtp_session_parse_path(void **state)
{
	const struct path_case	*tc;
	char			 out[SMTP_PATH_MAX];
	int			 rc;

	(void)state;
	for (tc = path_cases; tc->label != NULL; tc++) {
		rc = smtp_parse_path(tc->args, tc->prefix, out, sizeof(out));
		if (tc->want == NULL) {
			if (rc != -1)
				fail_msg("%s: accepted \"%s\"", tc->label, out);
			continue;
		}
		if (rc != 0 || strcmp(out, tc->want) != 0)
			fail_msg("%s: rc %d \"%s\"", tc->label, rc, out);
	}
}

static void
test_smtp_session_config_names(void **state)
{
	static const struct {
		const char		*name;
		int			 want;	/* -1: rejected */
	} rows[] = {
		{ "offer", MX_STARTTLS_OFFER },
		{ "strip", MX_STARTTLS_STRIP },
		{ "refuse", MX_STARTTLS_REFUSE },
		{ "OFFER", -1 },
		{ "", -1 },
		{ "offerx", -1 },
	};
	enum mx_starttls	m;
	const char		*name;
	size_t			i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (rows[i].want == -1) {
			assert_int_equal(mx_starttls_parse(rows[i].name, &m),
			    -1);
			continue;
		}
		assert_int_equal(mx_starttls_parse(rows[i].name, &m), 0);
		assert_int_equal(m, rows[i].want);
		assert_string_equal(mx_starttls_str(m), rows[i].name);
	}
	assert_int_equal(mx_starttls_parse(NULL, &m), -1);
	/* every name of the table parses back to a mode of its own */
	for (i = 0; (name = mx_starttls_name(i)) != NULL; i++) {
		assert_int_equal(mx_starttls_parse(name, &m), 0);
		assert_string_equal(mx_starttls_str(m), name);
	}
	assert_true(i >= 3);
	assert_string_equal(mx_starttls_name(0), "offer");
}

/* t_srv_on_event - stop once session 1 quit and session 2 said EHLO */
static void
t_srv_on_event(const char *line, void *arg)
{
	struct t_run	*r = arg;
	bool		 quit = false, ehlo = false;
	size_t		 i;

	t_on_event(line, r);
	for (i = 0; i < r->nevents; i++) {
		if (strstr(r->events[i], "event=close ") != NULL &&
		    strstr(r->events[i], " reason=quit") != NULL)
			quit = true;
		if (strstr(r->events[i], " arg=b.test ") != NULL)
			ehlo = true;
	}
	if (quit && ehlo)
		event_base_loopexit(r->base, NULL);
}

static int
t_connect(uint16_t port, const char *say)
{
	struct sockaddr_in	sin;
	int			fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true((fd = socket(AF_INET, SOCK_STREAM, 0)) != -1);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	t_write_all(fd, say, strlen(say));
	return fd;
}

/*
 * test_smtp_session_mx_server - the listener around the sessions: ids per
 * server, laddr as given, peer, and shutdown of a live session.
 */
static void
test_smtp_session_mx_server(void **state)
{
	static const struct {
		const char		*label;
		const char		*addr;
		int			 want_code;
	} bad[] = {
		{ "host name", "localhost", ERR_SYNTAX },
		{ "with port", "127.0.0.1:25", ERR_SYNTAX },
		{ "empty", "", ERR_SYNTAX },
	};
	static const struct smtp_case tc = { .label = "mx_server" };
	struct t_fixture	*fx = *state;
	struct mx_config	 cfg;
	struct mx_server	*srv;
	struct t_run		 r;
	struct timeval		 tv = { T_GUARD_SEC, 0 };
	struct err		 err;
	size_t			 i;
	int			 a, b;

	memset(&r, 0, sizeof(r));
	r.tc = &tc;
	mx_config_init(&cfg, T_HOST);
	assert_non_null(r.base = event_base_new());
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		if (mx_server_new(r.base, fx->pki, &cfg, bad[i].addr, 0,
		    &err) != NULL || err.code != bad[i].want_code)
			fail_msg("%s: code %d (%s)", bad[i].label, err.code,
			    err.msg);
	}
	mx_server_free(NULL);

	srv = mx_server_new(r.base, fx->pki, &cfg, "127.0.0.1", 0, &err);
	if (srv == NULL)
		fail_msg("mx_server_new: %s", err.msg);
	assert_true(mx_server_port(srv) != 0);
	assert_non_null(r.guard = evtimer_new(r.base, t_on_guard, &r));
	assert_int_equal(evtimer_add(r.guard, &tv), 0);
	log_set_event_hook(t_srv_on_event, &r);
	a = t_connect(mx_server_port(srv), "EHLO a.test\r\nQUIT\r\n");
	assert_int_equal(event_base_loop(r.base, EVLOOP_ONCE), 0);
	b = t_connect(mx_server_port(srv), "EHLO b.test\r\n");
	assert_int_equal(event_base_dispatch(r.base), 0);
	assert_false(r.timed_out);
	mx_server_free(srv);

	assert_non_null(strstr(r.events[0], "mx session=0000000000000001 "
	    "event=connect laddr=127.0.0.1 server=" T_HOST
	    " peer=127.0.0.1:"));
	assert_string_equal(r.events[r.nevents - 1],
	    "mx session=0000000000000002 event=close laddr=127.0.0.1 "
	    "server=" T_HOST " reason=shutdown");
	for (i = 0; i < r.nevents; i++)
		if (strstr(r.events[i], "session=0000000000000002 "
		    "event=starttls") != NULL)
			fail_msg("unexpected %s", r.events[i]);
	close(a);
	close(b);
	t_run_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smtp_session_token_header),
		cmocka_unit_test(test_smtp_session_parse_path),
		cmocka_unit_test(test_smtp_session_config_names),
		cmocka_unit_test(test_smtp_session_bad_args),
		cmocka_unit_test(test_smtp_session_free_live),
		cmocka_unit_test(test_smtp_session_lifetime),
		cmocka_unit_test(test_smtp_session_mx_server),
		cmocka_unit_test(test_smtp_session_scripts),
		cmocka_unit_test(test_smtp_session_tls_abort),
	};

	return cmocka_run_group_tests_name("smtp_session", tests, t_setup,
	    t_teardown);
}
