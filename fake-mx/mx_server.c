/* SPDX-License-Identifier: ISC */
/*
 * mx_server.c -- a fake MX: an evconnlistener whose every connection
 * becomes an smtp_session, up to a bound on live sessions. Owns the
 * listener, the SSL_CTX of its certificate profile and the list of live
 * sessions; the sessions own their connections. Session ids count up per
 * server from 1, refused connections included. Never drops a connection
 * without a record.
 */
#include <sys/queue.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>

#include <openssl/ssl.h>

#include "../common/log.h"
#include "../common/sockaddr.h"
#include "listen.h"
#include "../common/str.h"
#include "../common/tls_ctx.h"
#include "mx_server.h"
#include "smtp_session.h"

#define MX_ADDR_MAX	INET6_ADDRSTRLEN	/* numeric listen address */
#define MX_PEER_MAX	(INET6_ADDRSTRLEN + 8)	/* "[addr]:port" */
#define MX_BACKLOG	1024	/* a burst of connects (a queue flush, a flood)
				   must not wait for SYN retransmits (1 s) */
#define MX_ACCEPT_PAUSE_USEC	(100 * 1000)	/* after EMFILE and friends:
						 * the listener stays readable,
						 * so it must not spin (ours) */
#define MX_REFUSE_REPLY		"421 4.7.0 Too many connections\r\n"

struct mx_conn {
	TAILQ_ENTRY(mx_conn)	 entry;
	struct mx_server	*srv;
	struct smtp_session	*session;
};

struct mx_server {
	struct event_base	*base;
	struct evconnlistener	*listener;
	struct event		*resume;	/* re-enables the listener */
	SSL_CTX			*ctx;		/* NULL unless offering TLS */
	SSL_CTX			*fallback;	/* sni required: for a client
						   whose SNI does not name us */
	struct mx_config	 cfg;
	char			 addr[MX_ADDR_MAX];
	uint16_t		 port;
	uint64_t		 next_id;
	unsigned int		 max_sessions;
	unsigned int		 nconns;	/* entries in conns */
	TAILQ_HEAD(, mx_conn)	 conns;
};

static SSL_CTX	*mx_server_ctx(struct pki *, const struct mx_config *,
		    const char *, struct err *);
static int	mx_server_on_sni(SSL *, int *, void *);
static void	mx_server_on_accept(struct evconnlistener *, evutil_socket_t,
		    struct sockaddr *, int, void *);
static void	mx_server_on_accept_error(struct evconnlistener *, void *);
static void	mx_server_on_session_close(struct smtp_session *, void *);
static void	mx_server_on_resume(evutil_socket_t, short, void *);
static void	mx_server_refuse(struct mx_server *, evutil_socket_t,
		    const char *);
static void	mx_server_refused(const struct mx_server *, uint64_t,
		    const char *, const char *);

/* mx_server_new - listen on addr:port (0: ephemeral) and serve cfg */
struct mx_server *
mx_server_new(struct event_base *base, struct pki *pki,
    const struct mx_config *cfg, const char *addr, uint16_t port,
    struct err *err)
{
	struct mx_server	*srv;
	char			 who[FAKE_LISTEN_WHO_MAX];

	srv = xcalloc(1, sizeof(*srv));
	srv->base = base;
	srv->cfg = *cfg;
	srv->next_id = 1;
	srv->max_sessions = cfg->max_sessions > 0 ? cfg->max_sessions :
	    MX_SESSIONS_DEFAULT;
	TAILQ_INIT(&srv->conns);
	if (str_copy(srv->addr, addr, sizeof(srv->addr)) == -1) {
		err_set(err, ERR_RANGE, "mx %s: address too long", addr);
		goto fail;
	}
	if (cfg->starttls == MX_STARTTLS_OFFER) {
		/* cert_for: the certificate names another host */
		if ((srv->ctx = mx_server_ctx(pki, cfg, cfg->cert_host[0] !=
		    '\0' ? cfg->cert_host : cfg->hostname, err)) == NULL)
			goto fail;
		if (cfg->sni == MX_SNI_REQUIRED) {
			/* RFC 8461 §7.1: a fallback for clients without SNI */
			if ((srv->fallback = mx_server_ctx(pki, cfg,
			    MX_SNI_FALLBACK_HOST, err)) == NULL)
				goto fail;
			SSL_CTX_set_tlsext_servername_callback(srv->ctx,
			    mx_server_on_sni);
			SSL_CTX_set_tlsext_servername_arg(srv->ctx, srv);
		}
	}
	(void)str_fmt(who, sizeof(who), "mx %s", cfg->hostname);
	if ((srv->listener = fake_listen(base, addr, port, MX_BACKLOG,
	    mx_server_on_accept, srv, who, &srv->port, err)) == NULL)
		goto fail;
	evconnlistener_set_error_cb(srv->listener, mx_server_on_accept_error);
	if ((srv->resume = evtimer_new(base, mx_server_on_resume, srv)) ==
	    NULL) {
		err_set(err, ERR_NOMEM, "mx %s: evtimer_new", cfg->hostname);
		goto fail;
	}
	return srv;

fail:
	mx_server_free(srv);
	return NULL;
}

/* mx_server_ctx - a server context for host, with cfg's profile and TLS */
static SSL_CTX *
mx_server_ctx(struct pki *pki, const struct mx_config *cfg, const char *host,
    struct err *err)
{
	SSL_CTX	*ctx;

	if ((ctx = tls_ctx_server_new(pki, cfg->cert, host, err)) == NULL) {
		err_prefix(err, "mx %s", cfg->hostname);
		return NULL;
	}
	if (tls_ctx_server_versions(ctx, cfg->tls, err) == -1) {
		err_prefix(err, "mx %s", cfg->hostname);
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

/*
 * mx_server_on_sni - sni required: our certificate only for a ClientHello
 * whose SNI names us; any other, or none, gets the fallback's
 */
static int
mx_server_on_sni(SSL *ssl, int *alert, void *arg)
{
	struct mx_server	*srv = arg;

	(void)alert;
	if (tls_ctx_sni_fallback(ssl, srv->cfg.hostname, srv->fallback) == -1)
		return SSL_TLSEXT_ERR_ALERT_FATAL;
	return SSL_TLSEXT_ERR_OK;
}

uint16_t
mx_server_port(const struct mx_server *srv)
{
	return srv->port;
}

/* mx_server_free - stop listening, close live sessions (reason=shutdown) */
void
mx_server_free(struct mx_server *srv)
{
	struct mx_conn	*c;

	if (srv == NULL)
		return;
	if (srv->listener != NULL)
		evconnlistener_free(srv->listener);
	while ((c = TAILQ_FIRST(&srv->conns)) != NULL) {
		TAILQ_REMOVE(&srv->conns, c, entry);
		smtp_session_free(c->session);
		free(c);
	}
	if (srv->resume != NULL)
		event_free(srv->resume);
	SSL_CTX_free(srv->fallback);
	SSL_CTX_free(srv->ctx);
	free(srv);
}

/* mx_server_on_accept - one connection, one session, or a refusal */
static void
mx_server_on_accept(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct mx_server	*srv = arg;
	struct mx_conn		*c;
	struct err		 err;
	char			 peer[MX_PEER_MAX];

	(void)l;
	(void)salen;
	if (sockaddr_format(sa, peer, sizeof(peer)) == -1)
		(void)str_copy(peer, "?", sizeof(peer));
	if (srv->nconns >= srv->max_sessions) {
		mx_server_refuse(srv, fd, peer);
		return;
	}
	c = xcalloc(1, sizeof(*c));
	c->srv = srv;
	/* takes ownership of fd, closing it on failure */
	c->session = smtp_session_new(srv->base, fd, srv->ctx, &srv->cfg,
	    srv->addr, peer, srv->next_id++, mx_server_on_session_close, c,
	    &err);
	if (c->session == NULL) {
		log_warnx("mx %s: %s", srv->cfg.hostname, err.msg);
		free(c);
		return;
	}
	TAILQ_INSERT_TAIL(&srv->conns, c, entry);
	srv->nconns++;
}

/*
 * mx_server_refuse - over the bound: record it, say 421 (RFC 5321 §4.2.3)
 * if the socket takes it at once, close
 */
static void
mx_server_refuse(struct mx_server *srv, evutil_socket_t fd, const char *peer)
{
	mx_server_refused(srv, srv->next_id++, peer, "too-many-connections");
	/* best effort: never wait for a client that does not read */
	(void)send(fd, MX_REFUSE_REPLY, sizeof(MX_REFUSE_REPLY) - 1,
	    MSG_DONTWAIT | MSG_NOSIGNAL);
	close(fd);
}

/* mx_server_refused - "mx ... event=refused"; peer NULL: not known */
static void
mx_server_refused(const struct mx_server *srv, uint64_t id, const char *peer,
    const char *why)
{
	struct log_event	ev;

	log_event_begin(&ev, "mx", id, "refused");
	log_event_str(&ev, "laddr", srv->addr);
	log_event_str(&ev, "server", srv->cfg.hostname);
	if (peer != NULL)
		log_event_str(&ev, "peer", peer);
	log_event_str(&ev, "reason", why);
	log_event_end(&ev);
}

/*
 * mx_server_on_accept_error - EMFILE and friends: a client may be waiting
 * that we never saw, so say so; pause, since the listener stays readable
 */
static void
mx_server_on_accept_error(struct evconnlistener *l, void *arg)
{
	struct mx_server	*srv = arg;
	struct timeval		 tv = { 0, MX_ACCEPT_PAUSE_USEC };

	log_warn("mx %s: accept on %s", srv->cfg.hostname, srv->addr);
	mx_server_refused(srv, 0, NULL, "accept-error");
	if (evconnlistener_disable(l) == -1 ||
	    evtimer_add(srv->resume, &tv) == -1)
		log_warnx("mx %s: cannot pause accepting", srv->cfg.hostname);
}

/* mx_server_on_resume - listen again after an accept error */
static void
mx_server_on_resume(evutil_socket_t fd, short what, void *arg)
{
	struct mx_server	*srv = arg;

	(void)fd;
	(void)what;
	if (evconnlistener_enable(srv->listener) == -1)
		log_warnx("mx %s: cannot resume accepting", srv->cfg.hostname);
}

/* mx_server_on_session_close - a session ended by itself: unlink it */
static void
mx_server_on_session_close(struct smtp_session *s, void *arg)
{
	struct mx_conn	*c = arg;

	(void)s;
	TAILQ_REMOVE(&c->srv->conns, c, entry);
	c->srv->nconns--;
	free(c);
}

