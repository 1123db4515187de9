/* SPDX-License-Identifier: ISC */
/*
 * policy_host.h -- the HTTPS policy host of one policy domain (evhttp over
 * bufferevent_openssl). Serves the scenario's body at STS_POLICY_PATH with
 * the scenario's status and Content-Type (no header when content_type is
 * ""), followed by pad bytes of padding; a Location of cfg->location (or,
 * with a 3xx status and no location, https://<hostname>/elsewhere); 405
 * for other methods on that path, 200 and the body at the location's
 * path, and 404 elsewhere. cfg->serve, sni and tls (policy_config.h) say
 * how it treats a connection: blackhole accepts and never says a word,
 * tls-alert answers the ClientHello with a fatal handshake_failure alert,
 * trickle sends the answer's body a byte every trickle_sec seconds; sni
 * required presents the certificate only to SNI naming the host (others
 * get one for POLICY_SNI_DEFAULT_HOST). A streamed answer (pad or trickle)
 * is never held whole in memory. With cfg->validators, an answer that
 * carries the policy with 200 also carries an ETag (of the body), a
 * Last-Modified (the host's start) and "Cache-Control: max-age=3600",
 * and a GET or HEAD for it that carries If-None-Match or
 * If-Modified-Since gets "304 Not Modified" instead, with those headers
 * and no body, whatever the body now is (RFC 8461 §3.3: a sender MUST
 * NOT use HTTP caching, so it never sends such a request). Records each
 * connection and logs each request before answering it; the session id
 * counts connections per host from 1, and every record of one connection
 * (each of its requests included) carries its id:
 *   https session=ID event=connect laddr=A server=H peer=IP:PORT
 *   https session=ID event=refused laddr=A server=H peer=IP:PORT
 *       reason=too-many-connections
 *   https session=ID event=tls laddr=A server=H result=failed reason=TEXT
 *   https session=ID event=fetch laddr=A server=H peer=IP:PORT sni=S
 *       host=<Host header> method=GET path=P status=200 bytes=N
 *       conditional=no|yes
 *   https session=ID event=stream laddr=A server=H result=complete|cut
 *       bytes=N
 *   https session=ID event=close laddr=A server=H reason=done|eof|cut|
 *       shutdown
 * connect is written when TCP is accepted, before any TLS byte is read. A
 * connection beyond cfg->max_connections live ones is refused instead:
 * closed before its handshake, as TLS leaves nothing to say first. tls
 * failed gives OpenSSL's reason (e.g. "tlsv1 alert unknown ca" when the
 * client rejects our certificate), "eof" for a client that hung up,
 * "timeout" for one that never finished the handshake within timeout_sec
 * (the idle timeout, which also ends a connection that never sends a
 * request), "shutdown" for one cut off by policy_host_free(), "alert
 * sent" under tls-alert. bytes is the body length to send (0 for HEAD,
 * 204, 304; body and padding when streamed); conditional=yes when the
 * request carried If-None-Match or If-Modified-Since (with or without
 * validators); a stream record says how far
 * a streamed body got. policy_host_cut() ends every connection held
 * open by blackhole or a stream (close reason=cut): the harness calls it
 * when a step ends, so no sender keeps a connection past its step.
 */
#ifndef FAKE_MX_POLICY_HOST_H
#define FAKE_MX_POLICY_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/err.h"
#include "../common/pki.h"
#include "../common/tls_ctx.h"
#include "policy_config.h"

#define POLICY_CONNS_DEFAULT	256	/* live connections per host (ours) */

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
	/* a connection beyond this many live ones is refused */
	unsigned int		 max_connections; /* 0: POLICY_CONNS_DEFAULT */
	/* "https://HOST/PATH" or "": see policy_location_split() */
	char			 location[POLICY_LOCATION_MAX];
	enum policy_serve	 serve;		/* OFF: not the host's to do */
	enum policy_sni		 sni;
	enum tls_versions	 tls;
	unsigned long		 pad;		/* bytes after the body */
	unsigned int		 trickle_sec;	/* trickle: 0 is 1 */
	/* HTTP validators on the policy, 304 to a conditional GET */
	bool			 validators;
};

struct policy_host *policy_host_new(struct event_base *, struct pki *,
	    const struct policy_config *, const char *addr, uint16_t port,
	    struct err *);
uint16_t policy_host_port(const struct policy_host *);
/* policy_host_cut - end every blackholed or streaming connection */
void	policy_host_cut(struct policy_host *);
void	policy_host_free(struct policy_host *);

#endif
