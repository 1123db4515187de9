/* SPDX-License-Identifier: ISC */
/*
 * smtp_client.c -- the reference sender's SMTP client: greeting, EHLO,
 * STARTTLS (RFC 3207) with the caller's TLS demands, one transaction, QUIT.
 * Every read and write waits with poll() against one deadline, reply lines
 * and reply sizes are bounded, and a hostile server costs a failed attempt,
 * never a hang or a crash. Owns its fd and SSL for one call.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "../../common/log.h"
#include "smtp_client.h"
#include "../../common/str.h"

#define SMTP_CLIENT_QUIT_MS	2000	/* grace for QUIT's reply */
#define SMTP_CLIENT_SECLEVEL	2	/* RFC 7525: 112 bits, TLS 1.2+ */

struct smtp_client_conn {
	int		 fd;
	SSL		*ssl;
	int64_t		 deadline;
	const char	*host;
	struct smtp_client_seen *seen;	/* the caller's, or a dummy */
	bool		 verified;	/* TLS with a verified certificate */
	size_t		 inlen;
	char		 in[SMTP_CLIENT_INBUF];
};

struct smtp_client_reply {
	int	code;
	size_t	nlines;
	bool	starttls;		/* an EHLO line offered STARTTLS */
	char	text[SMTP_LINE_MAX];	/* first line, for details */
};

/* I/O */
static int	smtp_client_poll(int, short, int64_t, struct err *);
static ssize_t	smtp_client_read(struct smtp_client_conn *, char *, size_t,
		    struct err *);
static int	smtp_client_write(struct smtp_client_conn *, const char *,
		    size_t, struct err *);
static int	smtp_client_read_line(struct smtp_client_conn *, char *,
		    size_t, struct err *);
static int	smtp_client_read_reply(struct smtp_client_conn *,
		    struct smtp_client_reply *, struct err *);
static int	smtp_client_cmd(struct smtp_client_conn *,
		    struct smtp_client_reply *, struct err *, const char *, ...)
		    __attribute__((format(printf, 4, 5)));
static void	smtp_client_close(struct smtp_client_conn *);

/* session steps */
static enum smtp_client_result smtp_client_session(struct smtp_client_conn *,
		    const struct smtp_client_params *, struct err *);
static int	smtp_client_ehlo(struct smtp_client_conn *,
		    const struct smtp_client_params *,
		    struct smtp_client_reply *, struct err *);
static int	smtp_client_starttls(struct smtp_client_conn *,
		    const struct smtp_client_params *,
		    struct smtp_client_reply *, struct err *);
static int	smtp_client_handshake(struct smtp_client_conn *,
		    const struct smtp_client_params *, struct err *);
static int	smtp_client_names(SSL *, const struct smtp_client_params *);
static int	smtp_client_dane(SSL *, const struct smtp_client_params *,
		    struct err *);
static int	smtp_client_dane_check(struct smtp_client_conn *,
		    const struct smtp_client_params *, struct err *);
static const char *smtp_client_dane_usage_str(int);
static bool	smtp_client_names_exactly(X509 *, const char *);
static enum smtp_client_result smtp_client_transaction(
		    struct smtp_client_conn *,
		    const struct smtp_client_params *, struct err *);
static enum smtp_client_result smtp_client_refused(struct smtp_client_conn *,
		    const struct smtp_client_reply *, const char *,
		    struct err *);
static void	smtp_client_quit(struct smtp_client_conn *);
static bool	smtp_client_is_keyword(const char *, const char *);

int64_t
smtp_client_now_ms(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		fatal("clock_gettime");
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* smtp_client_poll - wait for events on fd until the deadline */
static int
smtp_client_poll(int fd, short events, int64_t deadline, struct err *err)
{
	struct pollfd	pfd;
	int64_t		left;
	int		rc;

	for (;;) {
		left = deadline - smtp_client_now_ms();
		if (left <= 0)
			return err_set(err, ERR_TIMEOUT, "timed out");
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		rc = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (rc == -1 && errno == EINTR)
			continue;
		if (rc == -1)
			return err_sys(err, "poll");
		if (rc == 0)
			return err_set(err, ERR_TIMEOUT, "timed out");
		return 0;		/* ready, or an error the I/O reports */
	}
}

/* smtp_client_read - some bytes; 0 on EOF, -1 on error or timeout */
static ssize_t
smtp_client_read(struct smtp_client_conn *c, char *buf, size_t size,
    struct err *err)
{
	ssize_t	n;
	int	e;

	for (;;) {
		if (c->ssl != NULL) {
			ERR_clear_error();
			n = SSL_read(c->ssl, buf, (int)size);
			if (n > 0)
				return n;
			e = SSL_get_error(c->ssl, (int)n);
			if (e == SSL_ERROR_ZERO_RETURN)
				return 0;
			if (e != SSL_ERROR_WANT_READ &&
			    e != SSL_ERROR_WANT_WRITE)
				return err_tls(err, "TLS read");
			if (smtp_client_poll(c->fd, e == SSL_ERROR_WANT_READ ?
			    POLLIN : POLLOUT, c->deadline, err) == -1)
				return -1;
			continue;
		}
		n = recv(c->fd, buf, size, 0);
		if (n >= 0)
			return n;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return err_sys(err, "recv");
		if (smtp_client_poll(c->fd, POLLIN, c->deadline, err) == -1)
			return -1;
	}
}

static int
smtp_client_write(struct smtp_client_conn *c, const char *buf, size_t len,
    struct err *err)
{
	ssize_t	n;
	size_t	chunk;
	int	e;

	while (len > 0) {
		chunk = len > INT_MAX ? INT_MAX : len;
		if (c->ssl != NULL) {
			ERR_clear_error();
			n = SSL_write(c->ssl, buf, (int)chunk);
			if (n > 0) {
				buf += n;
				len -= (size_t)n;
				continue;
			}
			e = SSL_get_error(c->ssl, (int)n);
			if (e != SSL_ERROR_WANT_READ &&
			    e != SSL_ERROR_WANT_WRITE)
				return err_tls(err, "TLS write");
			if (smtp_client_poll(c->fd, e == SSL_ERROR_WANT_READ ?
			    POLLIN : POLLOUT, c->deadline, err) == -1)
				return -1;
			continue;
		}
		n = send(c->fd, buf, chunk, MSG_NOSIGNAL);
		if (n >= 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return err_sys(err, "send");
		if (smtp_client_poll(c->fd, POLLOUT, c->deadline, err) == -1)
			return -1;
	}
	return 0;
}

/*
 * smtp_client_read_line - one reply line without its CRLF (or bare LF).
 * RFC 5321 §4.5.3.1.5: a reply line is at most 512 octets with CRLF;
 * a longer one is a protocol error, not something to wait out.
 */
static int
smtp_client_read_line(struct smtp_client_conn *c, char *line, size_t size,
    struct err *err)
{
	char	*nl;
	size_t	 n;
	ssize_t	 got;

	for (;;) {
		nl = memchr(c->in, '\n', c->inlen);
		if (nl != NULL) {
			n = (size_t)(nl - c->in);
			if (n + 1 > SMTP_LINE_MAX || n >= size)
				return err_set(err, ERR_PROTO,
				    "reply line longer than %d octets",
				    SMTP_LINE_MAX);
			memcpy(line, c->in, n);
			if (n > 0 && line[n - 1] == '\r')
				n--;
			line[n] = '\0';
			c->inlen -= (size_t)(nl + 1 - c->in);
			memmove(c->in, nl + 1, c->inlen);
			return 0;
		}
		if (c->inlen >= SMTP_LINE_MAX)
			return err_set(err, ERR_PROTO,
			    "reply line longer than %d octets", SMTP_LINE_MAX);
		got = smtp_client_read(c, c->in + c->inlen,
		    sizeof(c->in) - c->inlen, err);
		if (got == 0)
			return err_set(err, ERR_PROTO,
			    "connection closed by server");
		if (got < 0)
			return -1;
		c->inlen += (size_t)got;
	}
}

/* smtp_client_is_keyword - EHLO line text starts with keyword kw */
static bool
smtp_client_is_keyword(const char *text, const char *kw)
{
	size_t	n = strlen(kw);

	return strncasecmp(text, kw, n) == 0 &&
	    (text[n] == '\0' || text[n] == ' ');
}

/* smtp_client_read_reply - a whole (multi-line) reply, bounded */
static int
smtp_client_read_reply(struct smtp_client_conn *c,
    struct smtp_client_reply *r, struct err *err)
{
	char	line[SMTP_LINE_MAX];
	int	code;
	char	sep;

	memset(r, 0, sizeof(*r));
	for (;;) {
		if (smtp_client_read_line(c, line, sizeof(line), err) == -1)
			return -1;
		log_debug("%s <- %s", c->host, line);
		if (++r->nlines > SMTP_CLIENT_REPLY_LINES_MAX)
			return err_set(err, ERR_PROTO,
			    "reply of more than %d lines",
			    SMTP_CLIENT_REPLY_LINES_MAX);
		if (line[0] < '2' || line[0] > '5' ||
		    line[1] < '0' || line[1] > '9' ||
		    line[2] < '0' || line[2] > '9')
			return err_set(err, ERR_PROTO,
			    "malformed reply \"%.64s\"", line);
		sep = line[3];
		if (sep != '\0' && sep != ' ' && sep != '-')
			return err_set(err, ERR_PROTO,
			    "malformed reply \"%.64s\"", line);
		code = (line[0] - '0') * 100 + (line[1] - '0') * 10 +
		    (line[2] - '0');
		if (r->nlines == 1) {
			r->code = code;
			memcpy(r->text, line, sizeof(r->text));
		} else if (code != r->code)
			return err_set(err, ERR_PROTO,
			    "reply code changed from %d to %d mid-reply",
			    r->code, code);
		else if (sep != '\0' &&
		    smtp_client_is_keyword(line + 4, "STARTTLS"))
			r->starttls = true;
		if (sep != '-')
			break;
	}
	if (c->seen->tls && r->code >= 400 && c->seen->tls_refusal == 0)
		c->seen->tls_refusal = r->code;
	return 0;
}

/* smtp_client_cmd - send one command line, read its reply */
static int
smtp_client_cmd(struct smtp_client_conn *c, struct smtp_client_reply *r,
    struct err *err, const char *fmt, ...)
{
	char	cmd[SMTP_LINE_MAX];
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd) - 2, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(cmd) - 2)
		return err_set(err, ERR_RANGE, "command longer than %d octets",
		    SMTP_LINE_MAX);
	log_debug("%s -> %s", c->host, cmd);
	memcpy(cmd + n, "\r\n", 2);
	if (smtp_client_write(c, cmd, (size_t)n + 2, err) == -1)
		return -1;
	return smtp_client_read_reply(c, r, err);
}

/* smtp_client_quit - best effort, with a short grace period */
static void
smtp_client_quit(struct smtp_client_conn *c)
{
	struct smtp_client_reply	r;
	int64_t				grace;

	grace = smtp_client_now_ms() + SMTP_CLIENT_QUIT_MS;
	if (grace < c->deadline)
		c->deadline = grace;
	(void)smtp_client_cmd(c, &r, NULL, "QUIT");
}

static void
smtp_client_close(struct smtp_client_conn *c)
{
	if (c->ssl != NULL) {
		(void)SSL_shutdown(c->ssl);	/* one try; never wait */
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	ERR_clear_error();
}

int
smtp_client_connect(const struct in_addr *addr, uint16_t port,
    int64_t deadline, struct err *err)
{
	struct sockaddr_in	sin;
	char			ip[INET_ADDRSTRLEN];
	int			fd, soerr = 0;
	socklen_t		slen = sizeof(soerr);
	int64_t			cap;

	if (inet_ntop(AF_INET, addr, ip, sizeof(ip)) == NULL)
		return err_sys(err, "inet_ntop");
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return err_sys(err, "socket");
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr = *addr;
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0)
		return fd;
	if (errno != EINPROGRESS) {
		(void)err_sys(err, "connect %s:%u", ip, (unsigned)port);
		goto fail;
	}
	cap = smtp_client_now_ms() + SMTP_CLIENT_CONNECT_MS;
	if (smtp_client_poll(fd, POLLOUT, cap < deadline ? cap : deadline,
	    err) == -1) {
		err_prefix(err, "connect %s:%u", ip, (unsigned)port);
		goto fail;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &slen) == -1) {
		(void)err_sys(err, "getsockopt");
		goto fail;
	}
	if (soerr != 0) {
		errno = soerr;
		(void)err_sys(err, "connect %s:%u", ip, (unsigned)port);
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

/* smtp_client_ehlo - EHLO, and HELO if EHLO is refused (RFC 5321 §3.2) */
static int
smtp_client_ehlo(struct smtp_client_conn *c,
    const struct smtp_client_params *p, struct smtp_client_reply *r,
    struct err *err)
{
	if (smtp_client_cmd(c, r, err, "EHLO %s", p->helo) == -1)
		return -1;
	if (r->code / 100 == 2)
		return 0;
	log_info("%s: EHLO refused (%s), trying HELO", c->host, r->text);
	if (smtp_client_cmd(c, r, err, "HELO %s", p->helo) == -1)
		return -1;
	r->starttls = false;		/* HELO has no extensions */
	if (r->code / 100 == 2)
		return 0;
	return err_set(err, ERR_PROTO, "HELO refused: %s", r->text);
}

/*
 * smtp_client_names - the names the certificate must show one of: the MX
 * host; or, in the mutant cert-any-policy-name, every mx pattern of the
 * policy, "*.d" as OpenSSL's ".d" (any name below d), as Postfix's
 * "match=" list from a policy resolver does
 */
static int
smtp_client_names(SSL *ssl, const struct smtp_client_params *p)
{
	const char	*name;
	size_t		 i;

	if (p->cert_names == NULL)
		return SSL_set1_host(ssl, p->host) == 1 ? 0 : -1;
	for (i = 0; i < p->ncert_names; i++) {
		name = p->cert_names[i];
		if (strncmp(name, "*.", 2) == 0)
			name++;
		if (SSL_add1_host(ssl, name) != 1)
			return -1;
	}
	return 0;
}

/*
 * smtp_client_dane - DANE authentication for the connection (RFC 7672
 * §3): host is the reference identifier of DANE-TA (§3.2.2) and the SNI
 * (§8.1) when none is set yet; DANE-EE matches the key alone (§3.1.1).
 * Records OpenSSL cannot use are dropped; none left is a failure, never
 * a silent PKIX fallback.
 */
static int
smtp_client_dane(SSL *ssl, const struct smtp_client_params *p,
    struct err *err)
{
	const struct smtp_client_tlsa	*t;
	size_t				 i, n = 0;
	int				 rc;

	/* idempotent: the shared context gets the digests once */
	if (SSL_CTX_dane_enable(p->tls) <= 0)
		return err_tls(err, "dane: failed: SSL_CTX_dane_enable");
	if (SSL_dane_enable(ssl, p->host) <= 0)
		return err_tls(err, "dane: failed: SSL_dane_enable");
	(void)SSL_dane_set_flags(ssl, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
	for (i = 0; i < p->ntlsa; i++) {
		t = &p->tlsa[i];
		rc = SSL_dane_tlsa_add(ssl, t->usage, t->selector, t->mtype,
		    t->data, t->len);
		if (rc < 0)
			return err_tls(err, "dane: failed: TLSA %u %u %u",
			    (unsigned)t->usage, (unsigned)t->selector,
			    (unsigned)t->mtype);
		if (rc == 0)
			log_warnx("%s: dane: TLSA %u %u %u unusable to OpenSSL",
			    p->host, (unsigned)t->usage,
			    (unsigned)t->selector, (unsigned)t->mtype);
		else
			n++;
	}
	if (n == 0)
		return err_set(err, ERR_TLS, "dane: failed: none of %zu TLSA "
		    "records usable", p->ntlsa);
	return 0;
}

static const char *
smtp_client_dane_usage_str(int usage)
{
	switch (usage) {
	case 2:
		return "DANE-TA";
	case 3:
		return "DANE-EE";
	default:
		return "PKIX";
	}
}

/*
 * smtp_client_dane_check - after the handshake: the chain verified and a
 * TLSA record matched it (OpenSSL's verdict; checked again so that no
 * PKIX success can stand in for DANE)
 */
static int
smtp_client_dane_check(struct smtp_client_conn *c,
    const struct smtp_client_params *p, struct err *err)
{
	long	vr = SSL_get_verify_result(c->ssl);
	uint8_t	usage = 255, sel, mtype;

	if (SSL_get0_peer_certificate(c->ssl) == NULL)
		return err_set(err, ERR_TLS, "dane: failed: no certificate");
	if (vr != X509_V_OK)
		return err_set(err, ERR_TLS, "dane: failed: %s",
		    X509_verify_cert_error_string(vr));
	/* the depth of the matching record, -1 when none (PKIX) matched */
	if (SSL_get0_dane_tlsa(c->ssl, &usage, &sel, &mtype, NULL,
	    NULL) < 0 || (usage != 2 && usage != 3))
		return err_set(err, ERR_TLS, "dane: failed: no TLSA record "
		    "matched");
	log_info("%s: %s %s, dane: verified (%s)", p->host,
	    SSL_get_version(c->ssl), SSL_get_cipher_name(c->ssl),
	    smtp_client_dane_usage_str(usage));
	c->verified = true;
	return 0;
}

/*
 * smtp_client_handshake - TLS client handshake on the connection. SNI is
 * the MX name (RFC 8461 §7.1); with require_verify the chain must reach
 * the CA file (through the intermediates the server sends) and a DNS-ID
 * SAN must match the MX name, no partial wildcards and no CN fallback
 * (RFC 8461 §4.2, RFC 6125 §6.4). With TLSA records, DANE alone decides
 * (smtp_client_dane).
 */
static int
smtp_client_handshake(struct smtp_client_conn *c,
    const struct smtp_client_params *p, struct err *err)
{
	X509	*peer;
	long	 vr;
	int	 rc, e;
	bool	 dane = p->ntlsa > 0;

	if ((c->ssl = SSL_new(p->tls)) == NULL)
		return err_tls(err, "SSL_new");
	/*
	 * the context may allow TLS 1.0/1.1; this connection may not. Where
	 * it may (opportunistic TLS), OpenSSL 3 offers them at security
	 * level 0 only, whatever level the context has. DANE is
	 * authenticated TLS: 1.2 or later (RFC 8996).
	 */
	if (p->legacy_tls && !dane)
		SSL_set_security_level(c->ssl, 0);
	else if (SSL_set_min_proto_version(c->ssl, TLS1_2_VERSION) != 1 ||
	    (SSL_set_security_level(c->ssl, SMTP_CLIENT_SECLEVEL), 0))
		return err_tls(err, "TLS 1.2 floor");
	/* DANE-TA: RFC 7672 §3.2.3 allows a whole-label wildcard */
	SSL_set_hostflags(c->ssl, dane ? X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS :
	    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS |
	    (p->cn_fallback ? 0 : X509_CHECK_FLAG_NEVER_CHECK_SUBJECT) |
	    (p->no_wildcards ? X509_CHECK_FLAG_NO_WILDCARDS : 0));
	if (p->no_chain && !dane)
		SSL_set_verify_depth(c->ssl, 0);
	if (SSL_set_fd(c->ssl, c->fd) != 1 ||
	    (p->send_sni && SSL_set_tlsext_host_name(c->ssl, p->host) != 1))
		return err_tls(err, "TLS setup");
	if (dane) {
		if (smtp_client_dane(c->ssl, p, err) == -1)
			return -1;
	} else if (smtp_client_names(c->ssl, p) == -1)
		return err_tls(err, "TLS setup");
	SSL_set_verify(c->ssl, p->require_verify || dane ? SSL_VERIFY_PEER :
	    SSL_VERIFY_NONE, NULL);
	for (;;) {
		ERR_clear_error();
		rc = SSL_connect(c->ssl);
		if (rc == 1)
			break;
		e = SSL_get_error(c->ssl, rc);
		if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
			vr = SSL_get_verify_result(c->ssl);
			if (vr != X509_V_OK && dane)
				return err_set(err, ERR_TLS,
				    "dane: failed: %s",
				    X509_verify_cert_error_string(vr));
			if (vr != X509_V_OK)
				return err_set(err, ERR_TLS,
				    "TLS handshake: certificate: %s",
				    X509_verify_cert_error_string(vr));
			return err_tls(err, "TLS handshake");
		}
		if (smtp_client_poll(c->fd, e == SSL_ERROR_WANT_READ ?
		    POLLIN : POLLOUT, c->deadline, err) == -1) {
			err_prefix(err, "TLS handshake");
			return -1;
		}
	}
	c->seen->tls = true;
	if (dane)
		return smtp_client_dane_check(c, p, err);
	peer = SSL_get0_peer_certificate(c->ssl);
	vr = peer == NULL ? X509_V_ERR_UNSPECIFIED :
	    SSL_get_verify_result(c->ssl);
	log_info("%s: %s %s, certificate %s%s", p->host,
	    SSL_get_version(c->ssl), SSL_get_cipher_name(c->ssl),
	    vr == X509_V_OK ? "verified" : "NOT verified: ",
	    vr == X509_V_OK ? "" : X509_verify_cert_error_string(vr));
	if (p->require_verify && vr != X509_V_OK)
		return err_set(err, ERR_TLS, "certificate: %s",
		    X509_verify_cert_error_string(vr));
	if (p->require_verify && p->name_exact &&	/* the mutant */
	    !smtp_client_names_exactly(peer, p->host))
		return err_set(err, ERR_TLS, "certificate: no DNS-ID is "
		    "\"%s\" byte for byte", p->host);
	c->verified = vr == X509_V_OK;
	return 0;
}

/*
 * smtp_client_names_exactly - the mutant mx-cert-case-sensitive: some
 * DNS-ID of the certificate equals host byte for byte (RFC 6125 §6.4.1
 * says compare case-insensitively; this does not)
 */
static bool
smtp_client_names_exactly(X509 *peer, const char *host)
{
	GENERAL_NAMES		*names;
	const GENERAL_NAME	*gn;
	const unsigned char	*d;
	size_t			 n = strlen(host);
	int			 i;
	bool			 found = false;

	names = X509_get_ext_d2i(peer, NID_subject_alt_name, NULL, NULL);
	if (names == NULL)
		return false;
	for (i = 0; i < sk_GENERAL_NAME_num(names) && !found; i++) {
		gn = sk_GENERAL_NAME_value(names, i);
		if (gn->type != GEN_DNS)
			continue;
		d = ASN1_STRING_get0_data(gn->d.dNSName);
		found = (size_t)ASN1_STRING_length(gn->d.dNSName) == n &&
		    memcmp(d, host, n) == 0;
	}
	GENERAL_NAMES_free(names);
	return found;
}

/* smtp_client_starttls - STARTTLS as the caller demands, then EHLO again */
static int
smtp_client_starttls(struct smtp_client_conn *c,
    const struct smtp_client_params *p, struct smtp_client_reply *r,
    struct err *err)
{
	if (p->skip_starttls && !p->require_tls) {
		log_info("%s: TLS failed before; this time in plaintext",
		    p->host);
		return 0;
	}
	if (!r->starttls || p->tls == NULL || p->skip_starttls) {
		if (p->require_tls) {
			smtp_client_quit(c);
			return err_set(err, ERR_PROTO, "STARTTLS not "
			    "offered and the policy forbids plaintext");
		}
		log_info("%s: STARTTLS not offered, continuing in plaintext",
		    p->host);
		return 0;
	}
	if (smtp_client_cmd(c, r, err, "STARTTLS") == -1)
		return -1;
	if (r->code != 220) {
		if (p->require_tls) {
			smtp_client_quit(c);
			return err_set(err, ERR_PROTO, "STARTTLS refused "
			    "(%s) and the policy forbids plaintext", r->text);
		}
		log_info("%s: STARTTLS refused (%s), continuing in plaintext",
		    p->host, r->text);
		return 0;
	}
	if (c->inlen > 0) {
		/* RFC 3207 §4.2, CVE-2011-0411: never carry it into TLS */
		log_warnx("%s: discarding %zu bytes sent after the STARTTLS "
		    "reply", p->host, c->inlen);
		c->inlen = 0;
	}
	if (smtp_client_handshake(c, p, err) == -1)
		return -1;
	/* RFC 3207 §4.2: forget what the plaintext EHLO said */
	if (smtp_client_cmd(c, r, err, "EHLO %s", p->helo) == -1)
		return -1;
	if (r->code / 100 != 2) {
		smtp_client_quit(c);
		return err_set(err, ERR_PROTO, "EHLO after STARTTLS: %s",
		    r->text);
	}
	return 0;
}

/* smtp_client_refused - classify a refusal inside the transaction */
static enum smtp_client_result
smtp_client_refused(struct smtp_client_conn *c,
    const struct smtp_client_reply *r, const char *what, struct err *err)
{
	(void)err_set(err, ERR_PROTO, "%s: %s refused: %s", c->host, what,
	    r->text);
	smtp_client_quit(c);
	if (r->code / 100 == 5)
		return SMTP_CLIENT_BOUNCED;
	return SMTP_CLIENT_DEFERRED;
}

static enum smtp_client_result
smtp_client_transaction(struct smtp_client_conn *c,
    const struct smtp_client_params *p, struct err *err)
{
	struct smtp_client_reply	r;

	if (smtp_client_cmd(c, &r, err, "MAIL FROM:<%s>", p->from) == -1)
		goto io;
	if (r.code / 100 != 2)
		return smtp_client_refused(c, &r, "MAIL", err);
	if (smtp_client_cmd(c, &r, err, "RCPT TO:<%s>", p->rcpt) == -1)
		goto io;
	if (r.code / 100 != 2)
		return smtp_client_refused(c, &r, "RCPT", err);
	if (smtp_client_cmd(c, &r, err, "DATA") == -1)
		goto io;
	if (r.code != 354)
		return smtp_client_refused(c, &r, "DATA", err);
	if (smtp_client_write(c, p->data, p->data_len, err) == -1 ||
	    smtp_client_read_reply(c, &r, err) == -1)
		goto io;
	if (r.code / 100 != 2)
		return smtp_client_refused(c, &r, "message", err);
	(void)err_set(err, ERR_NONE, "%s: %s%s: %s", c->host,
	    c->ssl != NULL ? SSL_get_version(c->ssl) : "plaintext",
	    c->ssl == NULL ? "" : c->verified ? " verified" : " unverified",
	    r.text);
	smtp_client_quit(c);
	return SMTP_CLIENT_DELIVERED;
io:
	err_prefix(err, "%s: transaction", c->host);
	return SMTP_CLIENT_DEFERRED;
}

static enum smtp_client_result
smtp_client_session(struct smtp_client_conn *c,
    const struct smtp_client_params *p, struct err *err)
{
	struct smtp_client_reply	r;

	if (smtp_client_read_reply(c, &r, err) == -1) {
		err_prefix(err, "%s: greeting", p->host);
		return SMTP_CLIENT_FAILED;
	}
	if (r.code != 220) {
		(void)err_set(err, ERR_PROTO, "%s: greeting: %s", p->host,
		    r.text);
		smtp_client_quit(c);
		return SMTP_CLIENT_FAILED;
	}
	if (smtp_client_ehlo(c, p, &r, err) == -1 ||
	    smtp_client_starttls(c, p, &r, err) == -1) {
		err_prefix(err, "%s", p->host);
		return SMTP_CLIENT_FAILED;
	}
	return smtp_client_transaction(c, p, err);
}

enum smtp_client_result
smtp_client_deliver(int fd, const struct smtp_client_params *p,
    struct err *err)
{
	struct smtp_client_conn		*c;
	struct smtp_client_seen		 dummy;
	enum smtp_client_result		 res;
	int				 fl;

	c = xcalloc(1, sizeof(*c));
	c->fd = fd;
	/* every wait goes through poll(); a blocking read would hang */
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) == -1) {
		(void)err_sys(err, "%s: fcntl", p->host);
		smtp_client_close(c);
		free(c);
		return SMTP_CLIENT_FAILED;
	}
	c->deadline = p->deadline_ms;
	c->host = p->host;
	c->seen = p->seen != NULL ? p->seen : &dummy;
	memset(c->seen, 0, sizeof(*c->seen));
	res = smtp_client_session(c, p, err);
	smtp_client_close(c);
	free(c);
	return res;
}

int
smtp_client_data_prepare(const char *raw, size_t len, char **out,
    size_t *outlen, struct err *err)
{
	char	*buf;
	size_t	 i, n = 0;
	bool	 bol = true;

	*out = NULL;
	*outlen = 0;
	if (len > SMTP_MESSAGE_MAX)
		return err_set(err, ERR_RANGE, "message of %zu bytes, limit %u",
		    len, SMTP_MESSAGE_MAX);
	/* each byte becomes at most two, plus CRLF "." CRLF */
	buf = xmalloc(2 * len + 6);
	for (i = 0; i < len; i++) {
		char ch = raw[i];

		if (bol && ch == '.')
			buf[n++] = '.';		/* RFC 5321 §4.5.2 */
		bol = false;
		if (ch == '\r' && i + 1 < len && raw[i + 1] == '\n') {
			buf[n++] = '\r';
			buf[n++] = '\n';
			i++;
			bol = true;
		} else if (ch == '\n' || ch == '\r') {
			buf[n++] = '\r';	/* bare LF or CR */
			buf[n++] = '\n';
			bol = true;
		} else
			buf[n++] = ch;
	}
	if (n > 0 && !bol) {
		buf[n++] = '\r';
		buf[n++] = '\n';
	}
	memcpy(buf + n, ".\r\n", 3);
	n += 3;
	buf[n] = '\0';
	*out = buf;
	*outlen = n;
	return 0;
}

bool
smtp_client_is_path_ok(const char *addr)
{
	size_t	i, n = strlen(addr);

	if (n + 2 > SMTP_CLIENT_PATH_MAX)
		return false;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)addr[i];

		if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>')
			return false;
	}
	return true;
}

bool
smtp_client_is_hostname(const char *name)
{
	size_t	 n = strlen(name), label = 0, i;
	char	 c, prev = '.';

	if (n > 0 && name[n - 1] == '.')
		n--;
	if (n == 0 || n > DNS_NAME_MAX - 2)
		return false;
	for (i = 0; i < n; i++) {
		c = name[i];
		if (c == '.') {
			if (label == 0 || prev == '-')
				return false;
			label = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-') {
			if (label == 0 && c == '-')
				return false;
			if (++label > DNS_LABEL_MAX)
				return false;
		} else
			return false;
		prev = c;
	}
	return prev != '-';
}

int
smtp_client_rcpt_domain(const char *addr, char *dom, size_t size,
    struct err *err)
{
	const char	*at;
	struct in_addr	 lit;
	size_t		 n;

	if (addr[0] == '\0')
		return err_set(err, ERR_SYNTAX, "empty recipient");
	if (!smtp_client_is_path_ok(addr))
		return err_set(err, ERR_SYNTAX,
		    "recipient \"%.64s\": bad characters or too long", addr);
	if ((at = strrchr(addr, '@')) == NULL || at == addr)
		return err_set(err, ERR_SYNTAX,
		    "recipient \"%s\": not local@domain", addr);
	at++;
	if (*at == '[') {
		/* RFC 8461 §3.4: no policy domain; the caller goes there */
		if (smtp_client_literal_parse(at, &lit, err) == -1) {
			err_prefix(err, "recipient \"%s\"", addr);
			return -1;
		}
		return str_copy(dom, at, size) == -1 ? err_set(err, ERR_RANGE,
		    "recipient domain too long") : 0;
	}
	if (!smtp_client_is_hostname(at))
		return err_set(err, ERR_SYNTAX,
		    "recipient \"%s\": bad domain", addr);
	if (str_copy(dom, at, size) == -1)
		return err_set(err, ERR_RANGE, "recipient domain too long");
	n = strlen(dom);
	if (n > 0 && dom[n - 1] == '.')
		dom[n - 1] = '\0';
	str_lower(dom);
	return 0;
}

bool
smtp_client_is_literal(const char *dom)
{
	return dom[0] == '[';
}

int
smtp_client_literal_parse(const char *lit, struct in_addr *out,
    struct err *err)
{
	const char	*p = lit + 1;
	unsigned long	 octet;
	uint32_t	 a = 0;
	size_t		 i, n;

	if (lit[0] != '[' || strchr(lit, ']') == NULL || strchr(lit, ']')[1] !=
	    '\0')
		return err_set(err, ERR_SYNTAX, "address literal \"%.64s\": "
		    "not [...]", lit);
	if (strncasecmp(p, "IPv6:", 5) == 0)
		return err_set(err, ERR_SYNTAX, "address literal \"%.64s\": "
		    "IPv6 address literals are not supported (IPv4 only)", lit);
	for (i = 0; i < 4; i++) {
		for (n = 0, octet = 0; p[n] >= '0' && p[n] <= '9' && n < 4; n++)
			octet = octet * 10 + (unsigned long)(p[n] - '0');
		if (n == 0 || n > 3 || octet > 255 || (n > 1 && p[0] == '0') ||
		    p[n] != (i < 3 ? '.' : ']'))
			return err_set(err, ERR_SYNTAX, "address literal "
			    "\"%.64s\": not an IPv4 dotted quad (RFC 5321 "
			    "§4.1.3: four octets 0..255, no leading zeros)",
			    lit);
		a = a << 8 | (uint32_t)octet;
		p += n + 1;
	}
	out->s_addr = htonl(a);
	return 0;
}

const char *
smtp_client_result_str(enum smtp_client_result r)
{
	switch (r) {
	case SMTP_CLIENT_DELIVERED:
		return "delivered";
	case SMTP_CLIENT_BOUNCED:
		return "bounced";
	case SMTP_CLIENT_DEFERRED:
		return "deferred";
	case SMTP_CLIENT_FAILED:
		return "failed";
	default:
		fatalx("smtp_client_result_str: bad result %d", (int)r);
	}
}
