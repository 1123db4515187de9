/* SPDX-License-Identifier: ISC */
/*
 * policy_host.h -- the HTTPS policy host of one policy domain (evhttp over
 * bufferevent_openssl). Serves the scenario's body at STS_POLICY_PATH with
 * the scenario's status and Content-Type (no header when content_type is
 * ""), a Location of https://<hostname>/elsewhere with a 3xx status, 405
 * for other methods on that path and 404 elsewhere, and logs each request
 * before answering it (session = request counter per host, from 1):
 *   https session=<id> event=fetch laddr=A server=H peer=IP:PORT sni=S
 *       host=<Host header> method=GET path=P status=200 bytes=N
 * bytes is the body length sent (0 for HEAD, 204, 304).
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
	int			 timeout_sec;	/* 0: 30 s */
};

struct policy_host *policy_host_new(struct event_base *, struct pki *,
	    const struct policy_config *, const char *addr, uint16_t port,
	    struct err *);
uint16_t policy_host_port(const struct policy_host *);
void	policy_host_free(struct policy_host *);

#endif
