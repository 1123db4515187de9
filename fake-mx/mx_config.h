/* SPDX-License-Identifier: ISC */
/*
 * mx_config.h -- how one fake SMTP host behaves (plain value struct).
 */
#ifndef FAKE_MX_MX_CONFIG_H
#define FAKE_MX_MX_CONFIG_H

#include <stddef.h>

#include "../common/pki.h"
#include "../common/tls_ctx.h"

/*
 * STARTTLS behaviours. Each has a name row in mx_config.c and a behaviour
 * row in smtp_session.c (smtp_tls_modes[]); a new behaviour is a new
 * value here and those two rows, and scenarios and fake-mx pick it up.
 */
enum mx_starttls {
	MX_STARTTLS_OFFER = 0,	/* 250-STARTTLS advertised, handshake done */
	MX_STARTTLS_STRIP,	/* not advertised; STARTTLS answered 502 */
	MX_STARTTLS_REFUSE,	/* advertised, but STARTTLS answered 454 */
	MX_STARTTLS_TLS_ABORT,	/* advertised, 220, then a fatal alert
				   right after the client's ClientHello */
	MX_STARTTLS_CLOSE,	/* advertised, 220, then the TCP connection
				   closed on the ClientHello, no alert */
};

const char *mx_starttls_str(enum mx_starttls);
int	mx_starttls_parse(const char *, enum mx_starttls *)
	    __attribute__((warn_unused_result));
/* mx_starttls_name - the i-th behaviour's name; NULL past the last */
const char *mx_starttls_name(size_t);

/*
 * Whose certificate the MX presents (RFC 8461 §7.1: a server may present
 * a fallback certificate to a client that sends no SNI).
 */
enum mx_sni {
	MX_SNI_ANY = 0,		/* its own, whatever the SNI */
	MX_SNI_REQUIRED,	/* its own only when the SNI names it; else
				   one for MX_SNI_FALLBACK_HOST */
};
#define MX_SNI_FALLBACK_HOST	"fallback.invalid"

const char *mx_sni_str(enum mx_sni);
int	mx_sni_parse(const char *, enum mx_sni *)
	    __attribute__((warn_unused_result));
/* mx_sni_name - the i-th value's name; NULL past the last */
const char *mx_sni_name(size_t);

/*
 * A scripted failure: the MX answers one verb with a code of its choice
 * instead of accepting it (smtp_session.c's smtp_fail_rows[] says where
 * each verb applies). Written "VERB CODE", e.g. "rcpt 451".
 */
enum mx_fail_verb {
	MX_FAIL_NONE = 0,	/* accept everything */
	MX_FAIL_EHLO_AFTER_TLS,	/* EHLO or HELO inside TLS */
	MX_FAIL_MAIL,		/* MAIL FROM */
	MX_FAIL_RCPT,		/* RCPT TO */
	MX_FAIL_DATA,		/* the DATA command (instead of 354) */
	MX_FAIL_END_OF_DATA,	/* the final dot (instead of 250) */
};
#define MX_FAIL_CODE_MIN	400	/* RFC 5321 §4.2.1: 4yz and 5yz only */
#define MX_FAIL_CODE_MAX	599
#define MX_FAIL_TEXT_MAX	32	/* "end-of-data 599", with slack */

struct mx_fail {
	enum mx_fail_verb	verb;
	unsigned int		code;	/* MX_FAIL_CODE_MIN..MAX; 421 closes */
};

const char *mx_fail_verb_str(enum mx_fail_verb);
/* mx_fail_verb_name - the i-th verb's name (not "none"); NULL past it */
const char *mx_fail_verb_name(size_t);
/*
 * mx_fail_parse - "VERB CODE" (one space) into out; on -1, why says what
 * is wrong in words (the verbs allowed, the code range)
 */
int	mx_fail_parse(const char *, struct mx_fail *, char *why, size_t)
	    __attribute__((warn_unused_result));
/* mx_fail_format - "VERB CODE", or "none" */
void	mx_fail_format(const struct mx_fail *, char *, size_t);

/*
 * Bounds of one fake MX against a hostile or broken sender (ours; a test
 * world must not hang). 0 in the config means the default.
 */
#define MX_SESSIONS_DEFAULT	1024	/* live sessions per mx_server */
#define MX_LIFETIME_DEFAULT	300	/* seconds from connect to close */

struct mx_config {
	char			hostname[256];	/* greeting name, cert host */
	char			cert_host[256];	/* "": hostname; else the
						   name the cert is for */
	enum mx_starttls	starttls;
	enum cert_profile	cert;
	enum tls_versions	tls;		/* versions offered */
	enum mx_sni		sni;		/* certificate by SNI */
	struct mx_fail		fail;		/* a verb answered fail.code */
	int			timeout_sec;	/* idle timeout per read/write */
	size_t			max_message;	/* bytes; 552 beyond */
	/* mx_server: a connection beyond this many live sessions gets 421 */
	unsigned int		max_sessions;	/* 0: MX_SESSIONS_DEFAULT */
	/* smtp_session: 421 and close this long after connect, however
	 * busy the client keeps the idle timeout */
	int			lifetime_sec;	/* 0: MX_LIFETIME_DEFAULT */
};

/*
 * mx_config_init - defaults: offer, valid cert, TLS 1.2+, any SNI, no
 * failure, 30 s idle timeout,
 * SMTP_MESSAGE_MAX, MX_SESSIONS_DEFAULT sessions, MX_LIFETIME_DEFAULT
 */
void	mx_config_init(struct mx_config *, const char *hostname);

#endif
