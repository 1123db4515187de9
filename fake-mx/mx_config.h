/* SPDX-License-Identifier: ISC */
/*
 * mx_config.h -- how one fake SMTP host behaves (plain value struct).
 */
#ifndef FAKE_MX_MX_CONFIG_H
#define FAKE_MX_MX_CONFIG_H

#include <stddef.h>

#include "../common/pki.h"

enum mx_starttls {
	MX_STARTTLS_OFFER = 0,	/* 250-STARTTLS advertised, handshake done */
	MX_STARTTLS_STRIP,	/* not advertised; STARTTLS answered 502 */
	MX_STARTTLS_REFUSE,	/* advertised, but STARTTLS answered 454 */
};

const char *mx_starttls_str(enum mx_starttls);
int	mx_starttls_parse(const char *, enum mx_starttls *)
	    __attribute__((warn_unused_result));

struct mx_config {
	char			hostname[256];	/* greeting name, cert host */
	enum mx_starttls	starttls;
	enum cert_profile	cert;
	int			timeout_sec;	/* idle timeout per read/write */
	size_t			max_message;	/* bytes; 552 beyond */
};

/* mx_config_init - defaults: offer, valid cert, 30 s, SMTP_MESSAGE_MAX */
void	mx_config_init(struct mx_config *, const char *hostname);

#endif
