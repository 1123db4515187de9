/* SPDX-License-Identifier: ISC */
/*
 * mx_server.h -- a fake MX: an evconnlistener on addr:port whose every
 * connection becomes an smtp_session. Owns its SSL_CTX (built from the
 * config's certificate profile through tls_ctx, only when cfg->starttls is
 * offer), limited to the versions of cfg->tls; with cfg->sni required, a
 * second one for MX_SNI_FALLBACK_HOST, presented to every ClientHello
 * whose SNI does not name cfg->hostname. Session ids count from 1 per server; every record carries
 * laddr=<addr as given> and server=<cfg->hostname> (grammar in
 * smtp_session.h). The caller must ignore SIGPIPE.
 *
 * At most cfg->max_sessions sessions live at once; a connection beyond
 * that takes the next session id, gets "421 4.7.0 Too many connections"
 * (if the socket takes it without waiting) and is closed:
 *   mx session=ID event=refused laddr=A server=H peer=IP:PORT
 *       reason=too-many-connections
 * A failed accept() (EMFILE, ENFILE, ENOBUFS...) may have cost a client
 * its connection; it is recorded, and accepting pauses for 100 ms:
 *   mx session=0000000000000000 event=refused laddr=A server=H
 *       reason=accept-error
 */
#ifndef FAKE_MX_MX_SERVER_H
#define FAKE_MX_MX_SERVER_H

#include <stdint.h>

#include "../common/err.h"
#include "mx_config.h"

struct event_base;
struct pki;
struct mx_server;

/* addr must be numeric (IPv4 or IPv6); port 0 picks a free port; cfg and
 * addr are copied; pki is used during the call only */
struct mx_server *mx_server_new(struct event_base *, struct pki *,
	    const struct mx_config *, const char *addr, uint16_t port,
	    struct err *);
uint16_t mx_server_port(const struct mx_server *);
/* mx_server_free - stop listening and close every live session */
void	mx_server_free(struct mx_server *);

#endif
