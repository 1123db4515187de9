/* SPDX-License-Identifier: ISC */
/*
 * crl_host.h -- the plain-HTTP host crl.<domain> that serves the run's CRL
 * (pki_crl_der()) at PKI_CRL_PATH on port 80: the CRL Distribution Point
 * the revoked certificate profile names (RFC 5280 §4.2.1.13). One request
 * per connection (the answer says "Connection: close"): GET gets 200 and
 * the DER CRL as application/pkix-crl, HEAD its headers, another method
 * 405, another path 404, a request that is not HTTP 400. Records each
 * connection and each request before answering it; the session id counts
 * connections from 1:
 *   http session=ID event=connect laddr=A server=H peer=IP:PORT
 *   http session=ID event=refused laddr=A server=H peer=IP:PORT
 *       reason=too-many-connections
 *   http session=ID event=fetch laddr=A server=H peer=IP:PORT host=H
 *       method=M path=P status=N bytes=N
 *   http session=ID event=warn laddr=A server=H reason=TEXT
 *   http session=ID event=close laddr=A server=H reason=done|eof|error|
 *       timeout|shutdown
 * A request that is not HTTP/1 gets a warn record ("not an HTTP request")
 * and 400. Hostile clients are bounded: a request head longer than
 * CRL_HEAD_MAX gets a warn record ("request head too long") and 431 (the
 * rest of it unread), a connection lives timeout_sec
 * from its accept however slowly it trickles bytes (reason=timeout), and
 * one beyond max_connections live ones is refused (closed unanswered).
 */
#ifndef FAKE_MX_CRL_HOST_H
#define FAKE_MX_CRL_HOST_H

#include <stdint.h>

#include "../common/err.h"
#include "../common/pki.h"

#define CRL_CONNS_DEFAULT	64	/* live connections per host */
#define CRL_HEAD_MAX		8192	/* request line and headers */

struct event_base;
struct crl_host;

struct crl_config {
	char		 hostname[256];		/* crl.<domain> */
	int		 timeout_sec;		/* lifetime; 0: 30 s */
	unsigned int	 max_connections;	/* 0: CRL_CONNS_DEFAULT */
};

/* crl_host_new - listen on addr:port (0: any); pki is borrowed */
struct crl_host *crl_host_new(struct event_base *, struct pki *,
	    const struct crl_config *, const char *addr, uint16_t port,
	    struct err *);
uint16_t crl_host_port(const struct crl_host *);
/* crl_host_free - ends every connection (close reason=shutdown) */
void	crl_host_free(struct crl_host *);

#endif
