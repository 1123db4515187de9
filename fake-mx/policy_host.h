/* SPDX-License-Identifier: ISC */
/*
 * policy_host.h -- the HTTPS policy host of one policy domain (evhttp over
 * bufferevent_openssl). Serves the scenario's body at STS_POLICY_PATH with
 * the scenario's status and Content-Type, 404 elsewhere, and logs each
 * request:
 *   https session=<id> event=fetch laddr=A peer=A:P sni=S host=H
 *       method=GET path=P status=200 bytes=N
 */
#ifndef FAKE_MX_POLICY_HOST_H
#define FAKE_MX_POLICY_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "../common/err.h"
#include "../common/pki.h"

struct event_base;
struct policy_host;

struct policy_config {
	char			 hostname[256];	/* mta-sts.<domain> */
	enum cert_profile	 cert;
	int			 status;	/* HTTP status to answer */
	char			 content_type[128];
	const char		*body;		/* copied by policy_host_new */
	size_t			 body_len;
	int			 timeout_sec;
};

struct policy_host *policy_host_new(struct event_base *, struct pki *,
	    const struct policy_config *, const char *addr, uint16_t port,
	    struct err *);
uint16_t policy_host_port(const struct policy_host *);
void	policy_host_free(struct policy_host *);

#endif
