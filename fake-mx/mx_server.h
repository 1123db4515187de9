/* SPDX-License-Identifier: ISC */
/*
 * mx_server.h -- a fake MX: an evconnlistener on addr:port whose every
 * connection becomes an smtp_session. Owns its SSL_CTX (built from the
 * config's certificate profile through tls_ctx).
 */
#ifndef FAKE_MX_MX_SERVER_H
#define FAKE_MX_MX_SERVER_H

#include <stdint.h>

#include "../common/err.h"
#include "mx_config.h"

struct event_base;
struct pki;
struct mx_server;

/* port 0 picks a free port; cfg is copied */
struct mx_server *mx_server_new(struct event_base *, struct pki *,
	    const struct mx_config *, const char *addr, uint16_t port,
	    struct err *);
uint16_t mx_server_port(const struct mx_server *);
/* mx_server_free - stop listening and close every live session */
void	mx_server_free(struct mx_server *);

#endif
