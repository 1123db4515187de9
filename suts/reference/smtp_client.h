/* SPDX-License-Identifier: ISC */
/*
 * smtp_client.h -- one SMTP delivery attempt to one MX over a blocking-
 * style, deadline-bounded connection (RFC 5321, STARTTLS per RFC 3207).
 * Whether TLS is required and verified is the caller's decision; this
 * module only carries it out. Also the envelope and message preparation.
 */
#ifndef SUTS_REFERENCE_SMTP_CLIENT_H
#define SUTS_REFERENCE_SMTP_CLIENT_H

#include <netinet/in.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "../../common/err.h"
#include "../../common/proto.h"

#define SMTP_CLIENT_PATH_MAX	256	/* RFC 5321 §4.5.3.1.3 incl. <> */
#define SMTP_CLIENT_REPLY_LINES_MAX 64	/* lines in one reply (EHLO) */
#define SMTP_CLIENT_INBUF	(4 * SMTP_LINE_MAX)
#define SMTP_CLIENT_CONNECT_MS	10000	/* per address, within deadline */

enum smtp_client_result {
	SMTP_CLIENT_DELIVERED = 0,	/* 250 after the final dot */
	SMTP_CLIENT_BOUNCED,		/* 5xx to MAIL, RCPT or DATA */
	SMTP_CLIENT_DEFERRED,		/* 4xx or a failure mid-transaction */
	SMTP_CLIENT_FAILED,		/* this MX failed before MAIL: next */
};

/* One TLSA record (RFC 6698 §2.1) the caller found usable (RFC 7672). */
struct smtp_client_tlsa {
	uint8_t			 usage;		/* DANE-TA(2), DANE-EE(3) */
	uint8_t			 selector;
	uint8_t			 mtype;
	const unsigned char	*data;		/* borrowed */
	size_t			 len;
};

/* What a session got to, for the caller's next decision (an out value). */
struct smtp_client_seen {
	bool	tls;		/* a TLS handshake completed */
	int	tls_refusal;	/* the first 4xx/5xx reply inside TLS; 0:
				   none */
};

struct smtp_client_params {
	const char	*host;		/* MX name: SNI, verified name */
	const char	*helo;
	const char	*from;		/* "" = null reverse-path */
	const char	*rcpt;
	const char	*data;		/* from smtp_client_data_prepare() */
	size_t		 data_len;
	SSL_CTX		*tls;		/* NULL: never STARTTLS */
	bool		 require_tls;	/* no STARTTLS: fail, never plaintext */
	bool		 require_verify; /* certificate must verify for host */
	bool		 send_sni;	/* SNI = host in the handshake */
	bool		 no_wildcards;	/* no "*.d" DNS-ID names host */
	bool		 cn_fallback;	/* no DNS-ID: the CN may (mutant) */
	bool		 name_exact;	/* DNS-ID equals the host byte for
					   byte (mutant) */
	bool		 no_chain;	/* no intermediate CA (mutant) */
	/* NULL: the certificate names host; else any of these (mutant) */
	const char *const *cert_names;
	size_t		 ncert_names;
	bool		 skip_starttls;	/* plaintext: a retry after TLS
					   failed, never under require_tls */
	bool		 legacy_tls;	/* TLS 1.0/1.1 will do; else 1.2+ at
					   security level 2 (RFC 8996) */
	/*
	 * DANE (RFC 7672 §3): ntlsa > 0 authenticates the server by these
	 * records alone (OpenSSL's DANE; DANE-EE ignores names and dates,
	 * DANE-TA checks host, RFC 7672 §3.1, §3.2.2), at TLS 1.2 or later;
	 * require_verify, the name readings and no_chain do not apply. The
	 * caller sets require_tls too.
	 */
	const struct smtp_client_tlsa *tlsa;
	size_t		 ntlsa;
	struct smtp_client_seen *seen;	/* out, NULL: not wanted */
	int64_t		 deadline_ms;	/* on smtp_client_now_ms()'s clock */
};

/* smtp_client_now_ms - CLOCK_MONOTONIC in ms: the clock of deadlines */
int64_t	smtp_client_now_ms(void);

/* smtp_client_connect - TCP connect to addr:port; a non-blocking fd */
int	smtp_client_connect(const struct in_addr *, uint16_t port,
	    int64_t deadline_ms, struct err *) MUST_CHECK;

/*
 * smtp_client_deliver - run the session on fd (takes ownership of fd: it
 * is closed on return). err holds the detail for every result, the last
 * server reply included.
 */
enum smtp_client_result smtp_client_deliver(int fd,
	    const struct smtp_client_params *, struct err *) MUST_CHECK;

/*
 * smtp_client_data_prepare - message text as DATA content: bare LF or CR
 * becomes CRLF, lines starting with '.' are dot-stuffed, a final CRLF is
 * added if missing, then ".\r\n" (RFC 5321 §4.5.2). *out is heap
 * (caller frees). -1 if len exceeds SMTP_MESSAGE_MAX.
 */
int	smtp_client_data_prepare(const char *raw, size_t len, char **out,
	    size_t *outlen, struct err *) MUST_CHECK;

/*
 * smtp_client_rcpt_domain - the lower-cased domain after the last '@' of
 * a recipient address, or its address literal as written ("[192.0.2.1]",
 * which smtp_client_literal_parse() accepts); other literals and
 * malformed names fail.
 */
int	smtp_client_rcpt_domain(const char *addr, char *dom, size_t size,
	    struct err *) MUST_CHECK;

/* smtp_client_is_literal - dom is an address literal ("[...]") */
bool	smtp_client_is_literal(const char *dom);

/*
 * smtp_client_literal_parse - an address literal, RFC 5321 §4.1.3's
 * "[" IPv4-address-literal "]" only: four decimal octets of 0..255, no
 * leading zeros (some parsers read "010" as octal), nothing around them.
 * "[IPv6:...]" fails as unsupported, general literals ("[tag:...]") as
 * not a dotted quad.
 */
int	smtp_client_literal_parse(const char *lit, struct in_addr *,
	    struct err *) MUST_CHECK;

/* smtp_client_is_path_ok - safe inside <...> on a command line */
bool	smtp_client_is_path_ok(const char *addr);

/* smtp_client_is_hostname - LDH labels of 1-63, at most 253 in all */
bool	smtp_client_is_hostname(const char *name);

const char *smtp_client_result_str(enum smtp_client_result);

#endif
