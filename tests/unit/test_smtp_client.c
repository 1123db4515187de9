/* SPDX-License-Identifier: ISC */
/*
 * test_smtp_client.c -- the reference sender's SMTP client, in-process:
 * message preparation and recipient parsing as tables, scripted servers
 * over socketpair() (hostile replies, refusals, STARTTLS stripping and
 * injection, a silent peer), and real TLS against a forked server using
 * the run's test PKI (verify on/off, wrong name, expired, unknown CA, SNI).
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <arpa/inet.h>

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "../../common/pki.h"
#include "../../common/str.h"
#include "../../common/tls_ctx.h"
#include "../../suts/reference/smtp_client.h"

#define TEST_HOST	"mx1.example.test"
#define TEST_MSG	"Subject: t\r\n\r\nhello\r\n.\r\n"
#define TEST_SENT_MAX	(64 * 1024)
#define TEST_DEADLINE_MS 10000

/* child exit codes of the TLS server */
#define TEST_TLS_DELIVERED	10
#define TEST_TLS_NO_HANDSHAKE	11
#define TEST_TLS_BAD_SNI	12
#define TEST_TLS_PROTO		13

struct test_ctx {
	char		 dir[64];
	struct pki	*pki;
	SSL_CTX		*client;	/* trusts the run's CA */
	char		*data;
	size_t		 data_len;
};

static int	test_smtp_client_setup(void **);
static int	test_smtp_client_teardown(void **);
static void	test_smtp_client_params(struct test_ctx *,
		    struct smtp_client_params *, bool, bool, int);
static size_t	test_smtp_client_drain(int, char *, size_t);
static int	test_smtp_client_line(int, SSL *, char *, size_t, size_t *,
		    char *);
static void	test_smtp_client_say(int, SSL *, const char *);
static void	test_smtp_client_tls_server(int, SSL_CTX *)
		    __attribute__((noreturn));

static int
test_smtp_client_setup(void **state)
{
	struct test_ctx	*ctx = xcalloc(1, sizeof(*ctx));
	struct err	 err;

	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		return -1;
	if (str_copy(ctx->dir, "/tmp/test_smtp_client.XXXXXX",
	    sizeof(ctx->dir)) == -1 || mkdtemp(ctx->dir) == NULL)
		goto fail;
	if ((ctx->pki = pki_new(ctx->dir, &err)) == NULL ||
	    (ctx->client = tls_ctx_client_new(pki_ca_file(ctx->pki),
	    &err)) == NULL ||
	    /* as sts_send: each connection sets its own floor */
	    tls_ctx_set_versions(ctx->client, TLS1_VERSION, 0, &err) == -1) {
		print_error("setup: %s\n", err.msg);
		goto fail;
	}
	if (smtp_client_data_prepare(TEST_MSG, strlen(TEST_MSG), &ctx->data,
	    &ctx->data_len, &err) == -1)
		goto fail;
	*state = ctx;
	return 0;
fail:
	*state = ctx;
	(void)test_smtp_client_teardown(state);
	return -1;
}

static int
test_smtp_client_teardown(void **state)
{
	struct test_ctx	*ctx = *state;

	SSL_CTX_free(ctx->client);
	pki_free(ctx->pki);
	if (ctx->dir[0] != '\0' && strchr(ctx->dir, 'X') == NULL)
		(void)rmdir(ctx->dir);
	free(ctx->data);
	free(ctx);
	return 0;
}

static void
test_smtp_client_params(struct test_ctx *ctx, struct smtp_client_params *p,
    bool require_tls, bool require_verify, int ms)
{
	memset(p, 0, sizeof(*p));
	p->host = TEST_HOST;
	p->helo = "client.example.test";
	p->from = "a@sender.test";
	p->rcpt = "r@example.test";
	p->data = ctx->data;
	p->data_len = ctx->data_len;
	p->tls = ctx->client;
	p->require_tls = require_tls;
	p->require_verify = require_verify;
	p->send_sni = true;
	p->deadline_ms = smtp_client_now_ms() + ms;
}

/* test_smtp_client_drain - what the client wrote, NUL-terminated */
static size_t
test_smtp_client_drain(int fd, char *buf, size_t size)
{
	size_t	len = 0;
	ssize_t	n;

	while (len + 1 < size) {
		n = recv(fd, buf + len, size - 1 - len, MSG_DONTWAIT);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return len;
}

struct prepare_case {
	const char	*label;
	const char	*in;
	const char	*want;
};

static const struct prepare_case prepare_cases[] = {
	{ "CRLF kept", "a\r\nb\r\n", "a\r\nb\r\n.\r\n" },
	{ "bare LF", "a\nb\n", "a\r\nb\r\n.\r\n" },
	{ "bare CR", "a\rb", "a\r\nb\r\n.\r\n" },
	{ "no final newline", "a\r\nb", "a\r\nb\r\n.\r\n" },
	{ "empty", "", ".\r\n" },
	{ "dot line", "a\n.\nb\n", "a\r\n..\r\nb\r\n.\r\n" },
	{ "leading dot", ".x", "..x\r\n.\r\n" },
	{ "dots not at line start", "a.b.\n", "a.b.\r\n.\r\n" },
	{ "smuggling attempt", "a\n.\r\nMAIL FROM:<x>\r\n",
	    "a\r\n..\r\nMAIL FROM:<x>\r\n.\r\n" },
	{ "CR LF . CR", "a\r\n.\r", "a\r\n..\r\n.\r\n" },
	{ NULL, NULL, NULL },
};

static void
test_smtp_client_prepare(void **state)
{
	const struct prepare_case	*tc;
	char				*out;
	size_t				 len;

	(void)state;
	for (tc = prepare_cases; tc->label != NULL; tc++) {
		if (smtp_client_data_prepare(tc->in, strlen(tc->in), &out,
		    &len, NULL) == -1)
			fail_msg("%s: rejected", tc->label);
		if (len != strlen(tc->want) || memcmp(out, tc->want, len) != 0)
			fail_msg("%s: got \"%s\"", tc->label, out);
		free(out);
	}
	/* oversized: refused before any allocation of its size */
	assert_int_equal(smtp_client_data_prepare("x",
	    (size_t)SMTP_MESSAGE_MAX + 1, &out, &len, NULL), -1);
	assert_null(out);
}

struct rcpt_case {
	const char	*label;
	const char	*addr;
	const char	*want;		/* NULL: rejected */
};

static const struct rcpt_case rcpt_cases[] = {
	{ "plain", "user@example.test", "example.test" },
	{ "lower-cased", "User@Example.TEST", "example.test" },
	{ "trailing dot", "u@example.test.", "example.test" },
	{ "last '@' wins", "\"a@b\"@example.test", "example.test" },
	{ "subdomain", "u@sub.example.test", "sub.example.test" },
	/* RFC 8461 §3.4: a literal has no policy domain; kept as written */
	{ "address literal", "u@[127.0.0.1]", "[127.0.0.1]" },
	{ "address literal, trailing dot", "u@[127.0.0.1].", NULL },
	{ "address literal, bad octet", "u@[127.0.0.256]", NULL },
	{ "IPv6 literal", "u@[IPv6:::1]", NULL },
	{ "general literal", "u@[x-tag:abc]", NULL },
	{ "literal of a name", "u@[example.test]", NULL },
	{ "empty", "", NULL },
	{ "no '@'", "example.test", NULL },
	{ "empty domain", "u@", NULL },
	{ "empty local part", "@example.test", NULL },
	{ "space", "u@exa mple.test", NULL },
	{ "CRLF injection", "u@example.test\r\nRCPT TO:<x@y>", NULL },
	{ "angle bracket", "u@example.test>", NULL },
	{ "slash in domain", "u@../../etc", NULL },
	{ "underscore", "u@a_b.test", NULL },
	{ "label starts with '-'", "u@-a.test", NULL },
	{ "empty label", "u@a..test", NULL },
	{ "64-char label", "u@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaa.test", NULL },
	{ NULL, NULL, NULL },
};

static void
test_smtp_client_rcpt(void **state)
{
	const struct rcpt_case	*tc;
	char			 dom[DNS_NAME_MAX + 1];
	struct err		 err;
	int			 rc;

	(void)state;
	for (tc = rcpt_cases; tc->label != NULL; tc++) {
		err_clear(&err);
		rc = smtp_client_rcpt_domain(tc->addr, dom, sizeof(dom), &err);
		if (tc->want == NULL && rc != -1)
			fail_msg("%s: accepted as %s", tc->label, dom);
		if (tc->want != NULL && (rc != 0 ||
		    strcmp(dom, tc->want) != 0))
			fail_msg("%s: %s", tc->label, rc == 0 ? dom : err.msg);
	}
}

struct literal_case {
	const char	*label;
	const char	*lit;
	const char	*want;		/* dotted quad; NULL: rejected */
	const char	*want_err;	/* substring of the error */
};

static const struct literal_case literal_cases[] = {
	{ "loopback", "[127.0.0.1]", "127.0.0.1", NULL },
	{ "instance host", "[127.1.2.25]", "127.1.2.25", NULL },
	{ "zeros", "[0.0.0.0]", "0.0.0.0", NULL },
	{ "all 255", "[255.255.255.255]", "255.255.255.255", NULL },
	{ "IPv6", "[IPv6:::1]", NULL, "IPv6 address literals are not "
	    "supported" },
	{ "IPv6 lower case tag", "[ipv6:2001:db8::1]", NULL, "IPv6" },
	{ "general literal", "[x-tag:abc]", NULL, "not an IPv4 dotted quad" },
	{ "octet 256", "[127.0.0.256]", NULL, "not an IPv4 dotted quad" },
	{ "octet 1000", "[127.0.0.1000]", NULL, "dotted quad" },
	{ "leading zero", "[127.0.0.01]", NULL, "no leading zeros" },
	{ "octal-looking", "[010.0.0.1]", NULL, "dotted quad" },
	{ "three octets", "[127.0.1]", NULL, "dotted quad" },
	{ "five octets", "[127.0.0.1.5]", NULL, "dotted quad" },
	{ "empty octet", "[127..0.1]", NULL, "dotted quad" },
	{ "trailing dot", "[127.0.0.1.]", NULL, "dotted quad" },
	{ "sign", "[+127.0.0.1]", NULL, "dotted quad" },
	{ "space", "[127.0.0.1 ]", NULL, "dotted quad" },
	{ "hex", "[0x7f.0.0.1]", NULL, "dotted quad" },
	{ "empty", "[]", NULL, "dotted quad" },
	{ "no brackets", "127.0.0.1", NULL, "not [...]" },
	{ "unclosed", "[127.0.0.1", NULL, "not [...]" },
	{ "text after", "[127.0.0.1]x", NULL, "not [...]" },
	{ "two literals", "[127.0.0.1][1.2.3.4]", NULL, "not [...]" },
	{ "nested", "[[127.0.0.1]]", NULL, "not [...]" },
	{ NULL, NULL, NULL, NULL },
};

static void
test_smtp_client_literal(void **state)
{
	const struct literal_case	*tc;
	struct in_addr			 a;
	struct err			 err;
	char				 ip[INET_ADDRSTRLEN];
	int				 rc;

	(void)state;
	for (tc = literal_cases; tc->label != NULL; tc++) {
		err_clear(&err);
		rc = smtp_client_literal_parse(tc->lit, &a, &err);
		if (tc->want == NULL && (rc != -1 ||
		    strstr(err.msg, tc->want_err) == NULL))
			fail_msg("%s: rc %d, \"%s\"", tc->label, rc, err.msg);
		if (tc->want != NULL && (rc != 0 || inet_ntop(AF_INET, &a, ip,
		    sizeof(ip)) == NULL || strcmp(ip, tc->want) != 0))
			fail_msg("%s: %s", tc->label, rc == 0 ? ip : err.msg);
	}
	assert_true(smtp_client_is_literal("[127.0.0.1]"));
	assert_false(smtp_client_is_literal("example.test"));
}

#define EHLO_PLAIN	"250-mx1.example.test\r\n250 SIZE 1000000\r\n"
#define EHLO_TLS	"250-mx1.example.test\r\n250-STARTTLS\r\n" \
			"250 8BITMIME\r\n"
#define TXN_OK		"250 ok\r\n250 ok\r\n354 go\r\n250 2.0.0 queued\r\n" \
			"221 bye\r\n"

struct session_case {
	const char		*label;
	const char		*script;	/* the server's bytes */
	bool			 silent;	/* keep the server end open */
	bool			 require_tls;
	enum smtp_client_result	 want;
	const char		*want_sent;	/* client must have sent */
	const char		*never_sent;	/* client must not have sent */
};

static const struct session_case session_cases[] = {
	{ "plaintext delivery", "220 hi\r\n" EHLO_PLAIN TXN_OK, false, false,
	    SMTP_CLIENT_DELIVERED, "RCPT TO:<r@example.test>\r\nDATA\r\n"
	    "Subject: t\r\n\r\nhello\r\n..\r\n.\r\nQUIT\r\n", NULL },
	{ "multi-line greeting, bare LF", "220-hi\n220 there\n" EHLO_PLAIN
	    TXN_OK, false, false, SMTP_CLIENT_DELIVERED,
	    "MAIL FROM:<a@sender.test>\r\n", NULL },
	{ "EHLO refused, HELO works", "220 hi\r\n502 no\r\n250 hello\r\n"
	    TXN_OK, false, false, SMTP_CLIENT_DELIVERED,
	    "HELO client.example.test\r\n", NULL },
	{ "STARTTLS stripped, policy requires it", "220 hi\r\n" EHLO_PLAIN
	    "221 bye\r\n", false, true, SMTP_CLIENT_FAILED, "QUIT\r\n",
	    "MAIL" },
	{ "STARTTLS refused 454, policy requires it", "220 hi\r\n" EHLO_TLS
	    "454 not now\r\n221 bye\r\n", false, true, SMTP_CLIENT_FAILED,
	    "STARTTLS\r\n", "MAIL" },
	{ "STARTTLS refused 502, opportunistic", "220 hi\r\n" EHLO_TLS
	    "502 no\r\n" TXN_OK, false, false, SMTP_CLIENT_DELIVERED,
	    "STARTTLS\r\nMAIL FROM:", NULL },
	{ "plaintext injected after 220 is discarded", "220 hi\r\n" EHLO_TLS
	    "220 go ahead\r\n250 injected\r\n", false, false,
	    SMTP_CLIENT_FAILED, "STARTTLS\r\n", "MAIL" },
	{ "5xx to RCPT bounces", "220 hi\r\n" EHLO_PLAIN
	    "250 ok\r\n550 5.1.1 no such user\r\n221 bye\r\n", false, false,
	    SMTP_CLIENT_BOUNCED, "RCPT TO:", "DATA" },
	{ "4xx to MAIL defers", "220 hi\r\n" EHLO_PLAIN
	    "451 4.3.0 try later\r\n221 bye\r\n", false, false,
	    SMTP_CLIENT_DEFERRED, "MAIL FROM:", "RCPT" },
	{ "5xx to DATA bounces", "220 hi\r\n" EHLO_PLAIN
	    "250 ok\r\n250 ok\r\n554 no data\r\n", false, false,
	    SMTP_CLIENT_BOUNCED, "DATA\r\n", "hello" },
	{ "4xx after the dot defers", "220 hi\r\n" EHLO_PLAIN
	    "250 ok\r\n250 ok\r\n354 go\r\n452 full\r\n", false, false,
	    SMTP_CLIENT_DEFERRED, "hello", NULL },
	{ "greeting 554", "554 go away\r\n221 bye\r\n", false, false,
	    SMTP_CLIENT_FAILED, NULL, "EHLO" },
	{ "closed after greeting", "220 hi\r\n", false, false,
	    SMTP_CLIENT_FAILED, "EHLO", "MAIL" },
	{ "closed mid-transaction", "220 hi\r\n" EHLO_PLAIN "250 ok\r\n",
	    false, false, SMTP_CLIENT_DEFERRED, "RCPT", "DATA" },
	{ "malformed reply", "hello there\r\n", false, false,
	    SMTP_CLIENT_FAILED, NULL, "EHLO" },
	{ "reply code 600", "600 what\r\n", false, false,
	    SMTP_CLIENT_FAILED, NULL, "EHLO" },
	{ "bad separator", "220+hi\r\n", false, false, SMTP_CLIENT_FAILED,
	    NULL, "EHLO" },
	{ "code changes mid-reply", "220 hi\r\n250-a\r\n251 b\r\n", false,
	    false, SMTP_CLIENT_FAILED, "EHLO", "MAIL" },
	{ "silent server", "", true, false, SMTP_CLIENT_FAILED, NULL,
	    "EHLO" },
	{ "greeting then silence", "220 hi\r\n", true, false,
	    SMTP_CLIENT_FAILED, "EHLO", "MAIL" },
	{ NULL, NULL, false, false, SMTP_CLIENT_DELIVERED, NULL, NULL },
};

static void
test_smtp_client_sessions(void **state)
{
	struct test_ctx			*ctx = *state;
	const struct session_case	*tc;
	struct smtp_client_params	 p;
	enum smtp_client_result		 got;
	struct err			 err;
	char				*sent;
	int				 sv[2];
	int64_t				 t0;

	sent = xmalloc(TEST_SENT_MAX);
	for (tc = session_cases; tc->label != NULL; tc++) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
			fail_msg("socketpair");
		assert_int_equal(write(sv[1], tc->script, strlen(tc->script)),
		    (ssize_t)strlen(tc->script));
		if (!tc->silent)
			(void)shutdown(sv[1], SHUT_WR);
		test_smtp_client_params(ctx, &p, tc->require_tls,
		    tc->require_tls, tc->silent ? 300 : TEST_DEADLINE_MS);
		err_clear(&err);
		t0 = smtp_client_now_ms();
		got = smtp_client_deliver(sv[0], &p, &err);	/* owns sv[0] */
		(void)test_smtp_client_drain(sv[1], sent, TEST_SENT_MAX);
		close(sv[1]);
		if (got != tc->want)
			fail_msg("%s: got %s, want %s (%s)", tc->label,
			    smtp_client_result_str(got),
			    smtp_client_result_str(tc->want), err.msg);
		if (got != SMTP_CLIENT_DELIVERED && err.msg[0] == '\0')
			fail_msg("%s: no detail", tc->label);
		if (tc->want_sent != NULL &&
		    strstr(sent, tc->want_sent) == NULL)
			fail_msg("%s: did not send \"%s\"; sent:\n%s",
			    tc->label, tc->want_sent, sent);
		if (tc->never_sent != NULL &&
		    strstr(sent, tc->never_sent) != NULL)
			fail_msg("%s: sent \"%s\"; sent:\n%s", tc->label,
			    tc->never_sent, sent);
		if (smtp_client_now_ms() - t0 > 5000)
			fail_msg("%s: took %lld ms", tc->label,
			    (long long)(smtp_client_now_ms() - t0));
	}
	free(sent);
}

/*
 * test_smtp_client_cleartext - skip_starttls, the retry after a failed
 * handshake: plaintext though STARTTLS is offered, but never where the
 * policy requires TLS
 */
static void
test_smtp_client_cleartext(void **state)
{
	static const struct {
		const char		*label;
		const char		*script;
		bool			 require_tls;
		enum smtp_client_result	 want;
		const char		*never_sent;
	} rows[] = {
		{ "offered, not asked for", "220 hi\r\n" EHLO_TLS TXN_OK,
		    false, SMTP_CLIENT_DELIVERED, "STARTTLS" },
		{ "not offered either", "220 hi\r\n" EHLO_PLAIN TXN_OK, false,
		    SMTP_CLIENT_DELIVERED, "STARTTLS" },
		{ "required: never in the clear", "220 hi\r\n" EHLO_TLS
		    "221 bye\r\n", true, SMTP_CLIENT_FAILED, "MAIL" },
	};
	struct test_ctx			*ctx = *state;
	struct smtp_client_params	 p;
	enum smtp_client_result		 got;
	struct err			 err;
	char				*sent;
	size_t				 i;
	int				 sv[2];

	sent = xmalloc(TEST_SENT_MAX);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		assert_int_equal(write(sv[1], rows[i].script,
		    strlen(rows[i].script)), (ssize_t)strlen(rows[i].script));
		(void)shutdown(sv[1], SHUT_WR);
		test_smtp_client_params(ctx, &p, rows[i].require_tls,
		    rows[i].require_tls, TEST_DEADLINE_MS);
		p.skip_starttls = true;
		err_clear(&err);
		got = smtp_client_deliver(sv[0], &p, &err);	/* owns sv[0] */
		(void)test_smtp_client_drain(sv[1], sent, TEST_SENT_MAX);
		close(sv[1]);
		if (got != rows[i].want)
			fail_msg("%s: got %s (%s)", rows[i].label,
			    smtp_client_result_str(got), err.msg);
		if (strstr(sent, rows[i].never_sent) != NULL)
			fail_msg("%s: sent \"%s\"", rows[i].label,
			    rows[i].never_sent);
	}
	free(sent);
}

/* test_smtp_client_flood - oversized lines and endless replies */
static void
test_smtp_client_flood(void **state)
{
	struct test_ctx			*ctx = *state;
	struct smtp_client_params	 p;
	struct err			 err;
	char				*script;
	size_t				 n = 0;
	int				 sv[2], i;

	script = xmalloc(TEST_SENT_MAX);
	/* one line of 2000 bytes without CRLF: refused, not buffered */
	for (i = 0; i < 2; i++) {
		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		if (i == 0) {
			memcpy(script, "220 ", 4);
			memset(script + 4, 'x', 1996);
			n = 2000;
		} else {
			/* then an EHLO reply of 1000 lines */
			memcpy(script, "220 hi\r\n", 8);
			n = 8;
			while (n + 16 < TEST_SENT_MAX / 2) {
				memcpy(script + n, "250-filler\r\n", 12);
				n += 12;
			}
		}
		assert_int_equal(write(sv[1], script, n), (ssize_t)n);
		(void)shutdown(sv[1], SHUT_WR);
		test_smtp_client_params(ctx, &p, false, false,
		    TEST_DEADLINE_MS);
		err_clear(&err);
		assert_int_equal(smtp_client_deliver(sv[0], &p, &err),
		    SMTP_CLIENT_FAILED);
		assert_non_null(strstr(err.msg, i == 0 ? "longer than" :
		    "more than"));
		close(sv[1]);
	}
	free(script);
}

/* test_smtp_client_line - one CRLF line from fd or ssl (child side) */
static int
test_smtp_client_line(int fd, SSL *ssl, char *buf, size_t size,
    size_t *len, char *line)
{
	char	*nl;
	ssize_t	 n;
	size_t	 l;

	for (;;) {
		nl = memchr(buf, '\n', *len);
		if (nl != NULL) {
			l = (size_t)(nl - buf);
			memcpy(line, buf, l);
			if (l > 0 && line[l - 1] == '\r')
				l--;
			line[l] = '\0';
			*len -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, *len);
			return 0;
		}
		if (*len + 1 >= size)
			return -1;
		n = ssl != NULL ? SSL_read(ssl, buf + *len,
		    (int)(size - *len)) : read(fd, buf + *len, size - *len);
		if (n <= 0)
			return -1;
		*len += (size_t)n;
	}
}

static void
test_smtp_client_say(int fd, SSL *ssl, const char *s)
{
	if (ssl != NULL)
		(void)SSL_write(ssl, s, (int)strlen(s));
	else
		(void)write(fd, s, strlen(s));
}

/*
 * test_smtp_client_tls_server - the forked MX: STARTTLS with sctx, then a
 * transaction. Exits TEST_TLS_DELIVERED once the final dot is seen.
 */
static void
test_smtp_client_tls_server(int fd, SSL_CTX *sctx)
{
	char		 buf[4096], line[4096];
	size_t		 len = 0;
	SSL		*ssl = NULL;
	const char	*sni;

	test_smtp_client_say(fd, NULL, "220 mx1 ESMTP\r\n");
	if (test_smtp_client_line(fd, NULL, buf, sizeof(buf), &len,
	    line) == -1)
		_exit(TEST_TLS_PROTO);
	test_smtp_client_say(fd, NULL, EHLO_TLS);
	if (test_smtp_client_line(fd, NULL, buf, sizeof(buf), &len,
	    line) == -1 || strcmp(line, "STARTTLS") != 0)
		_exit(TEST_TLS_PROTO);
	test_smtp_client_say(fd, NULL, "220 go ahead\r\n");
	if ((ssl = SSL_new(sctx)) == NULL || SSL_set_fd(ssl, fd) != 1 ||
	    SSL_accept(ssl) != 1)
		_exit(TEST_TLS_NO_HANDSHAKE);
	sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
	if (sni == NULL || strcmp(sni, TEST_HOST) != 0)
		_exit(TEST_TLS_BAD_SNI);
	len = 0;
	for (;;) {
		if (test_smtp_client_line(fd, ssl, buf, sizeof(buf), &len,
		    line) == -1)
			_exit(TEST_TLS_PROTO);
		if (str_has_prefix(line, "EHLO"))
			test_smtp_client_say(fd, ssl, "250 mx1\r\n");
		else if (str_has_prefix(line, "MAIL") ||
		    str_has_prefix(line, "RCPT"))
			test_smtp_client_say(fd, ssl, "250 ok\r\n");
		else if (strcmp(line, "DATA") == 0) {
			test_smtp_client_say(fd, ssl, "354 go\r\n");
			do {
				if (test_smtp_client_line(fd, ssl, buf,
				    sizeof(buf), &len, line) == -1)
					_exit(TEST_TLS_PROTO);
			} while (strcmp(line, ".") != 0);
			test_smtp_client_say(fd, ssl, "250 queued\r\n");
			/* wait for QUIT so the client sees the 250 */
			(void)test_smtp_client_line(fd, ssl, buf,
			    sizeof(buf), &len, line);
			test_smtp_client_say(fd, ssl, "221 bye\r\n");
			_exit(TEST_TLS_DELIVERED);
		} else
			_exit(TEST_TLS_PROTO);
	}
}

/* How a row's client reads the certificate: the mutants' readings. */
#define T_NO_WILDCARDS	0x01u	/* no-wildcard-cert */
#define T_CN_FALLBACK	0x02u	/* cn-fallback */
#define T_NO_CHAIN	0x04u	/* no-chain */
#define T_NAME_EXACT	0x08u	/* mx-cert-case-sensitive */

struct tls_case {
	const char		*label;
	enum cert_profile	 profile;
	bool			 require_verify;
	enum smtp_client_result	 want;
	int			 want_child;
	unsigned int		 reading;	/* T_* */
	const char		*names[2];	/* cert-any-policy-name's */
	int			 server_min;	/* 0: TLS 1.2 */
	int			 server_max;	/* 0: the highest */
	bool			 legacy_tls;	/* the client takes 1.0/1.1 */
};

static const struct tls_case tls_cases[] = {
	{ "valid, verified", CERT_VALID, true, SMTP_CLIENT_DELIVERED,
	    TEST_TLS_DELIVERED, 0, { NULL }, 0, 0, false },
	{ "valid, opportunistic", CERT_VALID, false, SMTP_CLIENT_DELIVERED,
	    TEST_TLS_DELIVERED, 0, { NULL }, 0, 0, false },
	{ "wrong name, verified", CERT_WRONG_NAME, true, SMTP_CLIENT_FAILED,
	    TEST_TLS_NO_HANDSHAKE, 0, { NULL }, 0, 0, false },
	{ "wrong name, not verified", CERT_WRONG_NAME, false,
	    SMTP_CLIENT_DELIVERED, TEST_TLS_DELIVERED, 0, { NULL }, 0, 0, false },
	{ "expired, verified", CERT_EXPIRED, true, SMTP_CLIENT_FAILED,
	    TEST_TLS_NO_HANDSHAKE, 0, { NULL }, 0, 0, false },
	{ "not yet valid, verified", CERT_NOT_YET_VALID, true,
	    SMTP_CLIENT_FAILED, TEST_TLS_NO_HANDSHAKE, 0, { NULL }, 0, 0, false },
	{ "self-signed, verified", CERT_SELF_SIGNED, true,
	    SMTP_CLIENT_FAILED, TEST_TLS_NO_HANDSHAKE, 0, { NULL }, 0, 0, false },
	{ "unknown CA, verified", CERT_UNKNOWN_CA, true, SMTP_CLIENT_FAILED,
	    TEST_TLS_NO_HANDSHAKE, 0, { NULL }, 0, 0, false },
	{ "unknown CA, not verified", CERT_UNKNOWN_CA, false,
	    SMTP_CLIENT_DELIVERED, TEST_TLS_DELIVERED, 0, { NULL }, 0, 0, false },
	/* RFC 6125 §6.4.3: "*.<parent>" names the MX */
	{ "wildcard, verified", CERT_WILDCARD, true, SMTP_CLIENT_DELIVERED,
	    TEST_TLS_DELIVERED, 0, { NULL }, 0, 0, false },
	{ "wildcard, verified, wildcards refused", CERT_WILDCARD, true,
	    SMTP_CLIENT_FAILED, TEST_TLS_NO_HANDSHAKE, T_NO_WILDCARDS,
	    { NULL }, 0, 0, false },
	{ "wildcard, not verified, wildcards refused", CERT_WILDCARD, false,
	    SMTP_CLIENT_DELIVERED, TEST_TLS_DELIVERED, T_NO_WILDCARDS,
	    { NULL }, 0, 0, false },
	{ "valid, verified, wildcards refused", CERT_VALID, true,
	    SMTP_CLIENT_DELIVERED, TEST_TLS_DELIVERED, T_NO_WILDCARDS,
	    { NULL }, 0, 0, false },
	/* RFC 8461 §4.2: a DNS-ID or nothing; the CN is no name */
	{ "cn-only, verified", CERT_CN_ONLY, true, SMTP_CLIENT_FAILED,
	    TEST_TLS_NO_HANDSHAKE, 0, { NULL }, 0, 0, false },
	{ "cn-only, verified, cn-fallback", CERT_CN_ONLY, true,
	    SMTP_CLIENT_DELIVERED, TEST_TLS_DELIVERED, T_CN_FALLBACK,
	    { NULL }, 0, 0, false },
	{ "wrong name, verified, cn-fallback: the SAN still rules",
	    CERT_WRONG_NAME, true, SMTP_CLIENT_FAILED, TEST_TLS_NO_HANDSHAKE,
	    T_CN_FALLBACK, { NULL }, 0, 0, false },
	{ "upper-case SAN, verified", CERT_UPPER_CASE, true,
	    SMTP_CLIENT_DELIVERED, TEST_TLS_DELIVERED, 0, { NULL }, 0, 0, false },
	/* (its upper-case refusal, after the handshake: bugs.sh) */
	{ "valid, verified, byte-for-byte names", CERT_VALID, true,
	    SMTP_CLIENT_DELIVERED, TEST_TLS_DELIVERED, T_NAME_EXACT, { NULL },
	    0, 0, false },
	{ "partial wildcard, verified", CERT_PARTIAL_WILDCARD, true,
	    SMTP_CLIENT_FAILED, TEST_TLS_NO_HANDSHAKE, 0, { NULL }, 0, 0, false },
	/* the chain the server sends, and only that */
	{ "intermediate, verified", CERT_INTERMEDIATE, true,
	    SMTP_CLIENT_DELIVERED, TEST_TLS_DELIVERED, 0, { NULL }, 0, 0, false },
	{ "intermediate, verified, no-chain", CERT_INTERMEDIATE, true,
	    SMTP_CLIENT_FAILED, TEST_TLS_NO_HANDSHAKE, T_NO_CHAIN, { NULL }, 0, 0, false },
	{ "valid, verified, no-chain: no intermediate needed", CERT_VALID,
	    true, SMTP_CLIENT_DELIVERED, TEST_TLS_DELIVERED, T_NO_CHAIN,
	    { NULL }, 0, 0, false },
	{ "missing intermediate, verified", CERT_MISSING_INTERMEDIATE, true,
	    SMTP_CLIENT_FAILED, TEST_TLS_NO_HANDSHAKE, 0, { NULL }, 0, 0, false },
	{ "missing intermediate, not verified", CERT_MISSING_INTERMEDIATE,
	    false, SMTP_CLIENT_DELIVERED, TEST_TLS_DELIVERED, 0, { NULL }, 0, 0, false },
	{ "name-constrained, verified", CERT_NAME_CONSTRAINED, true,
	    SMTP_CLIENT_FAILED, TEST_TLS_NO_HANDSHAKE, 0, { NULL }, 0, 0, false },
	/* cert-any-policy-name: "*.d" is ".d", any name below d */
	{ "policy names, a pattern above the MX", CERT_VALID, true,
	    SMTP_CLIENT_DELIVERED, TEST_TLS_DELIVERED, 0,
	    { "*.example.test", NULL }, 0, 0, false },
	{ "policy names, none the MX's", CERT_VALID, true, SMTP_CLIENT_FAILED,
	    TEST_TLS_NO_HANDSHAKE, 0, { "mx2.example.test", "*.other.test" }, 0, 0, false },
	/* RFC 8996, RFC 8461 §7.2: TLS 1.0/1.1 only where the caller allows */
	{ "TLS 1.1 server, TLS 1.2 floor", CERT_VALID, true,
	    SMTP_CLIENT_FAILED, TEST_TLS_NO_HANDSHAKE, 0, { NULL }, TLS1_VERSION,
	    TLS1_1_VERSION, false },
	{ "TLS 1.0 server, TLS 1.2 floor, not verified", CERT_VALID, false,
	    SMTP_CLIENT_FAILED, TEST_TLS_NO_HANDSHAKE, 0, { NULL }, TLS1_VERSION,
	    TLS1_VERSION, false },
	{ "TLS 1.1 server, legacy allowed", CERT_VALID, true,
	    SMTP_CLIENT_DELIVERED, TEST_TLS_DELIVERED, 0, { NULL }, TLS1_VERSION,
	    TLS1_1_VERSION, true },
	{ "TLS 1.2-only server, TLS 1.2 floor", CERT_VALID, true,
	    SMTP_CLIENT_DELIVERED, TEST_TLS_DELIVERED, 0, { NULL }, TLS1_2_VERSION,
	    TLS1_2_VERSION, false },
	{ "TLS 1.3-only server, legacy allowed", CERT_VALID, true,
	    SMTP_CLIENT_DELIVERED, TEST_TLS_DELIVERED, 0, { NULL }, TLS1_3_VERSION,
	    0, true },
	{ NULL, CERT_VALID, false, SMTP_CLIENT_DELIVERED, 0, 0, { NULL }, 0, 0,
	    false },
};

static void
test_smtp_client_tls(void **state)
{
	struct test_ctx			*ctx = *state;
	const struct tls_case		*tc;
	struct smtp_client_params	 p;
	struct smtp_client_seen		 seen;
	enum smtp_client_result		 got;
	struct err			 err;
	SSL_CTX				*sctx;
	pid_t				 pid;
	int				 sv[2], status;

	for (tc = tls_cases; tc->label != NULL; tc++) {
		err_clear(&err);
		sctx = tls_ctx_server_new(ctx->pki, tc->profile, TEST_HOST,
		    &err);
		if (sctx == NULL || (tc->server_min != 0 &&
		    tls_ctx_set_versions(sctx, tc->server_min, tc->server_max,
		    &err) == -1))
			fail_msg("%s: %s", tc->label, err.msg);
		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		if ((pid = fork()) == -1)
			fail_msg("fork");
		if (pid == 0) {
			close(sv[0]);
			test_smtp_client_tls_server(sv[1], sctx);
		}
		close(sv[1]);
		SSL_CTX_free(sctx);
		test_smtp_client_params(ctx, &p, true, tc->require_verify,
		    TEST_DEADLINE_MS);
		p.no_wildcards = (tc->reading & T_NO_WILDCARDS) != 0;
		p.cn_fallback = (tc->reading & T_CN_FALLBACK) != 0;
		p.no_chain = (tc->reading & T_NO_CHAIN) != 0;
		p.name_exact = (tc->reading & T_NAME_EXACT) != 0;
		if (tc->names[0] != NULL) {
			p.cert_names = tc->names;
			p.ncert_names = tc->names[1] != NULL ? 2 : 1;
		}
		p.legacy_tls = tc->legacy_tls;
		p.seen = &seen;
		got = smtp_client_deliver(sv[0], &p, &err);	/* owns sv[0] */
		if (seen.tls != (tc->want == SMTP_CLIENT_DELIVERED))
			fail_msg("%s: seen.tls %d", tc->label, (int)seen.tls);
		if (waitpid(pid, &status, 0) != pid)
			fail_msg("%s: waitpid", tc->label);
		if (got != tc->want)
			fail_msg("%s: got %s, want %s (%s)", tc->label,
			    smtp_client_result_str(got),
			    smtp_client_result_str(tc->want), err.msg);
		if (!WIFEXITED(status) ||
		    WEXITSTATUS(status) != tc->want_child)
			fail_msg("%s: server exit status %d, want %d",
			    tc->label, WIFEXITED(status) ?
			    WEXITSTATUS(status) : -1, tc->want_child);
	}
}

/* What a DANE row's TLSA record is the digest of. */
enum dane_of {
	DANE_LEAF_SPKI,		/* the server's leaf's key */
	DANE_LEAF_CERT,		/* the server's leaf certificate */
	DANE_CA_CERT,		/* the run's CA (pki_ca_cert) */
	DANE_CA_SPKI,		/* the run's CA's key */
	DANE_CHAIN_CERT,	/* the intermediate the server sends */
	DANE_OTHER,		/* a digest of nothing presented */
};

struct dane_case {
	const char		*label;
	enum cert_profile	 profile;
	uint8_t			 usage, selector, mtype;
	enum dane_of		 of;
	bool			 send_ca;	/* the server sends the CA */
	enum smtp_client_result	 want;
	int			 want_child;
	bool			 want_tls;	/* a handshake completed */
};

static const struct dane_case dane_cases[] = {
	/* RFC 7672 §3.1.1: DANE-EE matches the key; names, dates ignored */
	{ "3 1 1 match", CERT_VALID, 3, 1, 1, DANE_LEAF_SPKI, false,
	    SMTP_CLIENT_DELIVERED, TEST_TLS_DELIVERED, true },
	{ "3 1 1 wrong digest", CERT_VALID, 3, 1, 1, DANE_OTHER, false,
	    SMTP_CLIENT_FAILED, TEST_TLS_NO_HANDSHAKE, false },
	{ "3 1 1 match, wrong-name leaf", CERT_WRONG_NAME, 3, 1, 1,
	    DANE_LEAF_SPKI, false, SMTP_CLIENT_DELIVERED, TEST_TLS_DELIVERED,
	    true },
	{ "3 1 1 match, expired leaf", CERT_EXPIRED, 3, 1, 1, DANE_LEAF_SPKI,
	    false, SMTP_CLIENT_DELIVERED, TEST_TLS_DELIVERED, true },
	{ "3 1 1 match, self-signed leaf", CERT_SELF_SIGNED, 3, 1, 1,
	    DANE_LEAF_SPKI, false, SMTP_CLIENT_DELIVERED, TEST_TLS_DELIVERED,
	    true },
	{ "3 1 1 match, unknown-CA leaf", CERT_UNKNOWN_CA, 3, 1, 1,
	    DANE_LEAF_SPKI, false, SMTP_CLIENT_DELIVERED, TEST_TLS_DELIVERED,
	    true },
	{ "3 0 1 match (certificate)", CERT_VALID, 3, 0, 1, DANE_LEAF_CERT,
	    false, SMTP_CLIENT_DELIVERED, TEST_TLS_DELIVERED, true },
	{ "3 1 2 match (SHA2-512)", CERT_VALID, 3, 1, 2, DANE_LEAF_SPKI,
	    false, SMTP_CLIENT_DELIVERED, TEST_TLS_DELIVERED, true },
	{ "3 1 1 of the CA's key: not the leaf's", CERT_VALID, 3, 1, 1,
	    DANE_CA_SPKI, true, SMTP_CLIENT_FAILED, TEST_TLS_NO_HANDSHAKE,
	    false },
	/*
	 * §3.2.2: DANE-TA checks the chain, the MX name and the dates; RFC
	 * 7671 §5.2.2: the server must send the TA (the trust store is no
	 * substitute)
	 */
	{ "2 0 1 of the CA, valid leaf, CA not sent", CERT_VALID, 2, 0, 1,
	    DANE_CA_CERT, false, SMTP_CLIENT_FAILED, TEST_TLS_NO_HANDSHAKE,
	    false },
	{ "2 0 1 of the CA, valid leaf", CERT_VALID, 2, 0, 1, DANE_CA_CERT,
	    true, SMTP_CLIENT_DELIVERED, TEST_TLS_DELIVERED, true },
	{ "2 1 1 of the CA, valid leaf", CERT_VALID, 2, 1, 1, DANE_CA_SPKI,
	    true, SMTP_CLIENT_DELIVERED, TEST_TLS_DELIVERED, true },
	{ "2 0 1 of the CA, wrong-name leaf", CERT_WRONG_NAME, 2, 0, 1,
	    DANE_CA_CERT, true, SMTP_CLIENT_FAILED, TEST_TLS_NO_HANDSHAKE,
	    false },
	{ "2 0 1 of the CA, expired leaf", CERT_EXPIRED, 2, 0, 1,
	    DANE_CA_CERT, true, SMTP_CLIENT_FAILED, TEST_TLS_NO_HANDSHAKE,
	    false },
	{ "2 0 1 of the CA, unknown-CA leaf", CERT_UNKNOWN_CA, 2, 0, 1,
	    DANE_CA_CERT, true, SMTP_CLIENT_FAILED, TEST_TLS_NO_HANDSHAKE,
	    false },
	{ "2 0 1 of the intermediate it sends", CERT_INTERMEDIATE, 2, 0, 1,
	    DANE_CHAIN_CERT, false, SMTP_CLIENT_DELIVERED, TEST_TLS_DELIVERED,
	    true },
	{ "2 0 1 of the CA above the intermediate", CERT_INTERMEDIATE, 2, 0,
	    1, DANE_CA_CERT, true, SMTP_CLIENT_DELIVERED, TEST_TLS_DELIVERED,
	    true },
	{ "2 0 1 of the leaf itself, wrong name", CERT_WRONG_NAME, 2, 0, 1,
	    DANE_LEAF_CERT, false, SMTP_CLIENT_FAILED, TEST_TLS_NO_HANDSHAKE,
	    false },
	{ "2 0 1 wrong digest", CERT_VALID, 2, 0, 1, DANE_OTHER, true,
	    SMTP_CLIENT_FAILED, TEST_TLS_NO_HANDSHAKE, false },
	/*
	 * PKIX-EE(1) is unusable for SMTP (RFC 7672 §3.1.3): even when it
	 * matches a leaf PKIX accepts, the client does not call it DANE
	 */
	{ "1 1 1 match: PKIX-EE is no DANE", CERT_VALID, 1, 1, 1,
	    DANE_LEAF_SPKI, false, SMTP_CLIENT_FAILED, TEST_TLS_PROTO, true },
	{ NULL, CERT_VALID, 0, 0, 0, DANE_OTHER, false, SMTP_CLIENT_DELIVERED,
	    0, false },
};

/* test_smtp_client_digest - the digest a DANE row's record carries */
static size_t
test_smtp_client_digest(struct test_ctx *ctx, const struct dane_case *tc,
    unsigned char *md)
{
	const EVP_MD	*alg = tc->mtype == 2 ? EVP_sha512() : EVP_sha256();
	unsigned char	*der = NULL;
	unsigned int	 mdlen = 0;
	X509		*cert = NULL;
	EVP_PKEY	*key;
	struct err	 err;
	int		 len;

	switch (tc->of) {
	case DANE_LEAF_SPKI:
	case DANE_LEAF_CERT:
		if (pki_leaf(ctx->pki, tc->profile, TEST_HOST, &cert, &key,
		    &err) == -1)
			fail_msg("%s: %s", tc->label, err.msg);
		break;
	case DANE_CA_CERT:
	case DANE_CA_SPKI:
		cert = pki_ca_cert(ctx->pki);
		break;
	case DANE_CHAIN_CERT:
		if ((cert = pki_chain_cert(ctx->pki, tc->profile)) == NULL)
			fail_msg("%s: no intermediate", tc->label);
		break;
	case DANE_OTHER:
		memset(md, 0x5a, EVP_MD_get_size(alg));
		return (size_t)EVP_MD_get_size(alg);
	default:
		fail_msg("%s: bad row", tc->label);
	}
	if (tc->selector == 0) {
		if (X509_digest(cert, alg, md, &mdlen) != 1)
			fail_msg("%s: X509_digest", tc->label);
		return mdlen;
	}
	len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
	if (len <= 0 || EVP_Digest(der, (size_t)len, md, &mdlen, alg,
	    NULL) != 1)
		fail_msg("%s: SPKI digest", tc->label);
	OPENSSL_free(der);
	return mdlen;
}

static void
test_smtp_client_dane(void **state)
{
	struct test_ctx			*ctx = *state;
	const struct dane_case		*tc;
	struct smtp_client_params	 p;
	struct smtp_client_seen		 seen;
	struct smtp_client_tlsa		 tlsa;
	enum smtp_client_result		 got;
	unsigned char			 md[EVP_MAX_MD_SIZE];
	struct err			 err;
	SSL_CTX				*sctx;
	pid_t				 pid;
	int				 sv[2], status;

	for (tc = dane_cases; tc->label != NULL; tc++) {
		err_clear(&err);
		tlsa.usage = tc->usage;
		tlsa.selector = tc->selector;
		tlsa.mtype = tc->mtype;
		tlsa.data = md;
		tlsa.len = test_smtp_client_digest(ctx, tc, md);
		sctx = tls_ctx_server_new(ctx->pki, tc->profile, TEST_HOST,
		    &err);
		if (sctx == NULL || (tc->send_ca &&
		    SSL_CTX_add1_chain_cert(sctx, pki_ca_cert(ctx->pki)) != 1))
			fail_msg("%s: server: %s", tc->label, err.msg);
		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		if ((pid = fork()) == -1)
			fail_msg("fork");
		if (pid == 0) {
			close(sv[0]);
			test_smtp_client_tls_server(sv[1], sctx);
		}
		close(sv[1]);
		SSL_CTX_free(sctx);
		/* what sts_send sets for a DANE host */
		test_smtp_client_params(ctx, &p, true, true, TEST_DEADLINE_MS);
		p.tlsa = &tlsa;
		p.ntlsa = 1;
		memset(&seen, 0, sizeof(seen));
		p.seen = &seen;
		got = smtp_client_deliver(sv[0], &p, &err);	/* owns sv[0] */
		if (waitpid(pid, &status, 0) != pid)
			fail_msg("%s: waitpid", tc->label);
		if (got != tc->want)
			fail_msg("%s: got %s, want %s (%s)", tc->label,
			    smtp_client_result_str(got),
			    smtp_client_result_str(tc->want), err.msg);
		if (got != SMTP_CLIENT_DELIVERED &&
		    strstr(err.msg, "dane: failed") == NULL)
			fail_msg("%s: not a DANE failure: %s", tc->label,
			    err.msg);
		if (seen.tls != tc->want_tls)
			fail_msg("%s: seen.tls %d", tc->label, (int)seen.tls);
		if (!WIFEXITED(status) ||
		    WEXITSTATUS(status) != tc->want_child)
			fail_msg("%s: server exit status %d, want %d",
			    tc->label, WIFEXITED(status) ?
			    WEXITSTATUS(status) : -1, tc->want_child);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smtp_client_prepare),
		cmocka_unit_test(test_smtp_client_rcpt),
		cmocka_unit_test(test_smtp_client_literal),
		cmocka_unit_test(test_smtp_client_sessions),
		cmocka_unit_test(test_smtp_client_cleartext),
		cmocka_unit_test(test_smtp_client_flood),
		cmocka_unit_test(test_smtp_client_tls),
		cmocka_unit_test(test_smtp_client_dane),
	};

	return cmocka_run_group_tests_name("smtp_client", tests,
	    test_smtp_client_setup, test_smtp_client_teardown);
}
