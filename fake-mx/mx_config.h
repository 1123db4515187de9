/* SPDX-License-Identifier: ISC */
/*
 * mx_config.h -- how one fake SMTP host behaves (plain value struct).
 */
#ifndef FAKE_MX_MX_CONFIG_H
#define FAKE_MX_MX_CONFIG_H

#include <stddef.h>

#include "../common/pki.h"

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
};

const char *mx_starttls_str(enum mx_starttls);
int	mx_starttls_parse(const char *, enum mx_starttls *)
	    __attribute__((warn_unused_result));
/* mx_starttls_name - the i-th behaviour's name; NULL past the last */
const char *mx_starttls_name(size_t);

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
	int			timeout_sec;	/* idle timeout per read/write */
	size_t			max_message;	/* bytes; 552 beyond */
	/* mx_server: a connection beyond this many live sessions gets 421 */
	unsigned int		max_sessions;	/* 0: MX_SESSIONS_DEFAULT */
	/* smtp_session: 421 and close this long after connect, however
	 * busy the client keeps the idle timeout */
	int			lifetime_sec;	/* 0: MX_LIFETIME_DEFAULT */
};

/*
 * mx_config_init - defaults: offer, valid cert, 30 s idle timeout,
 * SMTP_MESSAGE_MAX, MX_SESSIONS_DEFAULT sessions, MX_LIFETIME_DEFAULT
 */
void	mx_config_init(struct mx_config *, const char *hostname);

#endif
