/* SPDX-License-Identifier: ISC */
/*
 * policy_host.c -- the HTTPS policy host of one policy domain (RFC 8461
 * §3.3): evhttp over bufferevent_openssl. Owns the evhttp, its SSL_CTX, a
 * copy of the body and one policy_conn per live connection; serves the
 * scenario's answer at STS_POLICY_PATH and 404 elsewhere. Records each
 * connection (connect, a failed handshake, a refusal) and each request
 * (fetch) as "https" events. Session ids count connections per host from 1.
 *
 * evhttp owns the connections and tells nobody when it accepts or frees
 * one, so: its bufferevent callback (called at accept, before the fd is
 * set) makes the policy_conn and a zero-delay event that records the
 * connect once the fd is there; the SSL carries the conn as ex_data whose
 * free callback (the SSL dies with the bufferevent, from the loop) ends
 * it; and the SSL_CTX's info callback sees the handshake fail.
 */
#include <sys/queue.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/util.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "../common/log.h"
#include "../common/sockaddr.h"
#include "../common/proto.h"
#include "../common/str.h"
#include "../common/tls_ctx.h"
#include "policy_host.h"

#define POLICY_ADDR_MAX		64	/* numeric listen address */
#define POLICY_PEER_MAX		80	/* "addr:port" */
#define POLICY_URL_MAX		300	/* https:// + DNS_NAME_MAX + path */
#define POLICY_HEADERS_MAX	8192	/* request head; hostile clients */
#define POLICY_REQ_BODY_MAX	1024	/* a GET has none */
#define POLICY_TIMEOUT_DEFAULT	30	/* seconds, when cfg says 0 */
#define POLICY_REASON_MAX	256	/* OpenSSL reason text */
#define POLICY_ALL_METHODS	(EVHTTP_REQ_GET | EVHTTP_REQ_POST | \
	EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | \
	EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE | EVHTTP_REQ_CONNECT | \
	EVHTTP_REQ_PATCH)

/* One accepted connection, from evhttp's bufferevent callback until its
 * SSL is freed (or the host is). */
struct policy_conn {
	TAILQ_ENTRY(policy_conn) entry;
	struct policy_host	*ph;
	struct bufferevent	*bev;		/* evhttp's; NULL until made */
	SSL			*ssl;		/* the bev's */
	struct event		*accepted;	/* records the connect */
	uint64_t		 id;
	bool			 refused;	/* over max_connections */
	bool			 tls_done;	/* handshake over, or failed */
};

struct policy_host {
	struct event_base	*base;
	struct evhttp		*http;
	SSL_CTX			*ctx;		/* app data: this host */
	int			 ex_idx;	/* SSL ex_data: policy_conn */
	struct policy_config	 cfg;		/* cfg.body points at body */
	char			*body;
	char			 addr[POLICY_ADDR_MAX];
	char			 location[POLICY_URL_MAX];
	uint16_t		 port;
	uint64_t		 next_id;
	unsigned int		 nconns;	/* not refused, in conns */
	TAILQ_HEAD(, policy_conn) conns;
};

/* An answer before it is sent: what the record says and what goes out. */
struct policy_answer {
	int		 status;
	const char	*content_type;	/* NULL or "": no header */
	const char	*location;	/* NULL: no header */
	const char	*allow;		/* NULL: no header */
	const char	*body;
	size_t		 body_len;
};

/* connections */
static struct bufferevent *policy_host_on_bev(struct event_base *, void *);
static void	policy_host_on_accepted(evutil_socket_t, short, void *);
static void	policy_host_on_tls_info(const SSL *, int, int);
static void	policy_host_on_ssl_free(void *, void *, CRYPTO_EX_DATA *, int,
		    long, void *);
static void	policy_host_conn_free(struct policy_conn *);
static void	policy_host_closed(const struct policy_conn *, const char *);
static void	policy_host_tls_failed(const struct policy_conn *,
		    const char *);
static void	policy_host_tls_reason(int, int, char *, size_t);
static void	policy_host_event_begin(const struct policy_host *,
		    struct log_event *, uint64_t, const char *);

/* requests */
static void	policy_host_on_request(struct evhttp_request *, void *);
static void	policy_host_answer(const struct policy_host *,
		    enum evhttp_cmd_type, const char *, struct policy_answer *);
static void	policy_host_record(struct policy_host *,
		    struct evhttp_request *, const char *, const char *,
		    const struct policy_answer *, size_t);
static const char *policy_host_method_str(enum evhttp_cmd_type);
static const char *policy_host_reason(int);
static bool	policy_host_has_body(int, enum evhttp_cmd_type);

static const struct {
	enum evhttp_cmd_type	 type;
	const char		*name;
} policy_host_methods[] = {
	{ EVHTTP_REQ_GET,	"GET" },
	{ EVHTTP_REQ_POST,	"POST" },
	{ EVHTTP_REQ_HEAD,	"HEAD" },
	{ EVHTTP_REQ_PUT,	"PUT" },
	{ EVHTTP_REQ_DELETE,	"DELETE" },
	{ EVHTTP_REQ_OPTIONS,	"OPTIONS" },
	{ EVHTTP_REQ_TRACE,	"TRACE" },
	{ EVHTTP_REQ_CONNECT,	"CONNECT" },
	{ EVHTTP_REQ_PATCH,	"PATCH" },
};

/* RFC 9110 §15 reason phrases; anything else gets a generic one */
static const struct {
	int		 status;
	const char	*reason;
} policy_host_reasons[] = {
	{ 200, "OK" },
	{ 204, "No Content" },
	{ 301, "Moved Permanently" },
	{ 302, "Found" },
	{ 303, "See Other" },
	{ 304, "Not Modified" },
	{ 307, "Temporary Redirect" },
	{ 308, "Permanent Redirect" },
	{ 400, "Bad Request" },
	{ 403, "Forbidden" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
	{ 410, "Gone" },
	{ 429, "Too Many Requests" },
	{ 500, "Internal Server Error" },
	{ 502, "Bad Gateway" },
	{ 503, "Service Unavailable" },
	{ 504, "Gateway Timeout" },
};

static const char policy_host_not_found[] = "not found\n";
static const char policy_host_not_allowed[] = "method not allowed\n";

/* policy_host_new - bind addr:port (0: ephemeral) and serve cfg */
struct policy_host *
policy_host_new(struct event_base *base, struct pki *pki,
    const struct policy_config *cfg, const char *addr, uint16_t port,
    struct err *err)
{
	struct policy_host		*ph;
	struct evhttp_bound_socket	*sock;
	struct sockaddr_storage		 ss;
	socklen_t			 sslen;

	ph = xcalloc(1, sizeof(*ph));
	ph->base = base;
	ph->cfg = *cfg;
	ph->cfg.body = NULL;
	ph->next_id = 1;
	ph->ex_idx = -1;
	TAILQ_INIT(&ph->conns);
	if (ph->cfg.timeout_sec <= 0)
		ph->cfg.timeout_sec = POLICY_TIMEOUT_DEFAULT;
	if (ph->cfg.max_connections == 0)
		ph->cfg.max_connections = POLICY_CONNS_DEFAULT;
	if (cfg->status < 100 || cfg->status > 599) {
		err_set(err, ERR_RANGE, "https %s: bad HTTP status %d",
		    cfg->hostname, cfg->status);
		goto fail;
	}
	/* numeric only: a name would make evhttp ask the resolver */
	if (sockaddr_parse(addr, port, &ss, &sslen, err) == -1) {
		err_prefix(err, "https %s", cfg->hostname);
		goto fail;
	}
	if (str_copy(ph->addr, addr, sizeof(ph->addr)) == -1 ||
	    str_fmt(ph->location, sizeof(ph->location),
	    "https://%s/elsewhere", cfg->hostname) == -1) {
		err_set(err, ERR_RANGE, "https %s: name too long",
		    cfg->hostname);
		goto fail;
	}
	/* one extra byte so an empty body is still a valid pointer */
	ph->body = xmalloc(cfg->body_len + 1);
	if (cfg->body_len > 0)
		memcpy(ph->body, cfg->body, cfg->body_len);
	ph->body[cfg->body_len] = '\0';
	ph->cfg.body = ph->body;

	if ((ph->ctx = tls_ctx_server_new(pki, cfg->cert, cfg->hostname,
	    err)) == NULL) {
		err_prefix(err, "https %s", cfg->hostname);
		goto fail;
	}
	/* our own index, so the free callback is ours alone; freed with ph */
	ph->ex_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL,
	    policy_host_on_ssl_free);
	if (ph->ex_idx == -1 || SSL_CTX_set_app_data(ph->ctx, ph) != 1) {
		err_tls(err, "https %s: SSL ex_data", cfg->hostname);
		goto fail;
	}
	SSL_CTX_set_info_callback(ph->ctx, policy_host_on_tls_info);
	if ((ph->http = evhttp_new(base)) == NULL) {
		err_set(err, ERR_NOMEM, "https %s: evhttp_new", cfg->hostname);
		goto fail;
	}
	evhttp_set_bevcb(ph->http, policy_host_on_bev, ph);
	evhttp_set_gencb(ph->http, policy_host_on_request, ph);
	evhttp_set_timeout(ph->http, ph->cfg.timeout_sec);
	evhttp_set_max_headers_size(ph->http, POLICY_HEADERS_MAX);
	evhttp_set_max_body_size(ph->http, POLICY_REQ_BODY_MAX);
	/* record every method, answer the odd ones ourselves */
	evhttp_set_allowed_methods(ph->http, POLICY_ALL_METHODS);
	/* the scenario decides whether there is a Content-Type at all */
	evhttp_set_default_content_type(ph->http, NULL);

	sock = evhttp_bind_socket_with_handle(ph->http, addr, port);
	if (sock == NULL) {
		err_sys(err, "https %s: listen on %s port %u", cfg->hostname,
		    addr, (unsigned)port);
		goto fail;
	}
	if (sockaddr_bound_port(evhttp_bound_socket_get_fd(sock), &ph->port,
	    err) == -1) {
		err_prefix(err, "https %s", cfg->hostname);
		goto fail;
	}
	return ph;

fail:
	policy_host_free(ph);
	return NULL;
}

uint16_t
policy_host_port(const struct policy_host *ph)
{
	return ph->port;
}

/*
 * policy_host_free - close the listener and every connection; one cut off
 * inside its handshake records reason=shutdown
 */
void
policy_host_free(struct policy_host *ph)
{
	struct policy_conn	*c;

	if (ph == NULL)
		return;
	if (ph->http != NULL)
		evhttp_free(ph->http);
	/*
	 * The SSLs die later, when the loop finalizes their bufferevents;
	 * until then each one is live, so its conn can be cut loose here.
	 */
	while ((c = TAILQ_FIRST(&ph->conns)) != NULL) {
		if (!c->tls_done && !c->refused)
			policy_host_tls_failed(c, "shutdown");
		(void)SSL_set_ex_data(c->ssl, ph->ex_idx, NULL);
		policy_host_closed(c, "shutdown");
		policy_host_conn_free(c);
	}
	if (ph->ex_idx != -1)
		(void)CRYPTO_free_ex_index(CRYPTO_EX_INDEX_SSL, ph->ex_idx);
	/* the SSLs keep the context alive; they must not find ph in it */
	if (ph->ctx != NULL)
		(void)SSL_CTX_set_app_data(ph->ctx, NULL);
	SSL_CTX_free(ph->ctx);
	free(ph->body);
	free(ph);
}

/*
 * policy_host_on_bev - evhttp accepted a connection: every one speaks TLS
 * first and gets a policy_conn; the connect (or refusal) is recorded from
 * the loop, once evhttp has given the bufferevent its fd
 */
static struct bufferevent *
policy_host_on_bev(struct event_base *base, void *arg)
{
	struct policy_host	*ph = arg;
	struct policy_conn	*c;
	struct bufferevent	*bev;
	SSL			*ssl;

	c = xcalloc(1, sizeof(*c));
	c->ph = ph;
	c->id = ph->next_id++;
	if ((c->accepted = event_new(base, -1, 0, policy_host_on_accepted,
	    c)) == NULL || (ssl = SSL_new(ph->ctx)) == NULL) {
		/* evhttp would fall back to plain HTTP; nothing better */
		log_warnx("https %s: cannot set up a connection",
		    ph->cfg.hostname);
		if (c->accepted != NULL)
			event_free(c->accepted);
		free(c);
		return NULL;
	}
	c->ssl = ssl;
	TAILQ_INSERT_TAIL(&ph->conns, c, entry);
	if (ph->nconns >= ph->cfg.max_connections)
		c->refused = true;
	else
		ph->nconns++;
	/* from here the SSL's free callback owns c */
	(void)SSL_set_ex_data(ssl, ph->ex_idx, c);
	/* frees ssl on failure; the fd comes later from evhttp */
	bev = bufferevent_openssl_socket_new(base, -1, ssl,
	    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		log_warnx("https %s: bufferevent_openssl_socket_new failed",
		    ph->cfg.hostname);
		return NULL;
	}
	c->bev = bev;
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	event_active(c->accepted, 0, 0);
	return bev;
}

/*
 * policy_host_on_accepted - the first turn of the loop after the accept,
 * before any byte of the handshake is read: record the connect, or refuse
 * a connection over the bound. A refusal can only hang up (there is no
 * TLS yet to say 503 over); evhttp then sees EOF and frees it.
 */
static void
policy_host_on_accepted(evutil_socket_t unused, short what, void *arg)
{
	struct policy_conn	*c = arg;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof(ss);
	struct log_event	 ev;
	evutil_socket_t		 fd = bufferevent_getfd(c->bev);
	char			 peer[POLICY_PEER_MAX];

	(void)unused;
	(void)what;
	if (fd == -1 || getpeername(fd, (struct sockaddr *)&ss, &sslen) ==
	    -1 || sockaddr_format((struct sockaddr *)&ss, peer,
	    sizeof(peer)) == -1)
		(void)str_copy(peer, "?", sizeof(peer));
	policy_host_event_begin(c->ph, &ev, c->id, c->refused ? "refused" :
	    "connect");
	log_event_str(&ev, "peer", peer);
	if (c->refused)
		log_event_str(&ev, "reason", "too-many-connections");
	log_event_end(&ev);
	if (c->refused && fd != -1)
		(void)shutdown(fd, SHUT_RDWR);
	else if (fd != -1)
		/* the answer goes out in pieces: no Nagle delay between them */
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 },
		    sizeof(int));
}

/*
 * policy_host_on_tls_info - the SSL_CTX's info callback: note the end of
 * the handshake, and record it when it failed. bufferevent_openssl clears
 * the thread's error queue before each handshake step, so what is queued
 * at a failed exit is this connection's reason.
 */
static void
policy_host_on_tls_info(const SSL *ssl, int where, int ret)
{
	struct policy_host	*ph;
	struct policy_conn	*c;
	char			 reason[POLICY_REASON_MAX];
	int			 e;

	ph = SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl));
	if (ph == NULL || (c = SSL_get_ex_data(ssl, ph->ex_idx)) == NULL ||
	    c->tls_done)
		return;
	if (where & SSL_CB_HANDSHAKE_DONE) {
		c->tls_done = true;
		return;
	}
	if ((where & SSL_CB_EXIT) == 0 || ret > 0)
		return;
	e = SSL_get_error(ssl, ret);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
		return;				/* more to come */
	c->tls_done = true;
	if (c->refused)
		return;				/* we hung up on it */
	policy_host_tls_reason(e, ret, reason, sizeof(reason));
	policy_host_tls_failed(c, reason);
}

/* policy_host_tls_reason - OpenSSL's reason for a failed step, or ours */
static void
policy_host_tls_reason(int e, int ret, char *buf, size_t size)
{
	unsigned long	 first;
	const char	*r;

	if ((first = ERR_peek_error()) != 0) {
		if ((r = ERR_reason_error_string(first)) != NULL)
			(void)str_copy(buf, r, size);
		else
			ERR_error_string_n(first, buf, size);
		return;
	}
	(void)str_copy(buf, e == SSL_ERROR_ZERO_RETURN || ret == 0 ? "eof" :
	    "error", size);
}

static void
policy_host_tls_failed(const struct policy_conn *c, const char *reason)
{
	struct log_event	ev;

	policy_host_event_begin(c->ph, &ev, c->id, "tls");
	log_event_str(&ev, "result", "failed");
	log_event_str(&ev, "reason", reason);
	log_event_end(&ev);
}

/*
 * policy_host_on_ssl_free - the connection's SSL is gone, so is the
 * connection. One whose handshake neither finished nor failed was given
 * up by evhttp, and only its timeout does that before a request.
 */
static void
policy_host_on_ssl_free(void *parent, void *ptr, CRYPTO_EX_DATA *ad,
    int idx, long argl, void *argp)
{
	struct policy_conn	*c = ptr;

	(void)parent;
	(void)ad;
	(void)idx;
	(void)argl;
	(void)argp;
	if (c == NULL)
		return;			/* some other SSL, or cut loose */
	if (!c->tls_done && !c->refused && c->bev != NULL)
		policy_host_tls_failed(c, "timeout");
	policy_host_closed(c, "done");
	policy_host_conn_free(c);
}

/*
 * policy_host_closed - the "close" record of a connection that was not
 * refused: a sender that fetched has its answer once this is written
 */
static void
policy_host_closed(const struct policy_conn *c, const char *reason)
{
	struct log_event	ev;

	if (c->refused || c->bev == NULL)
		return;
	policy_host_event_begin(c->ph, &ev, c->id, "close");
	log_event_str(&ev, "reason", reason);
	log_event_end(&ev);
}

/* policy_host_conn_free - unlink and free one connection's record */
static void
policy_host_conn_free(struct policy_conn *c)
{
	TAILQ_REMOVE(&c->ph->conns, c, entry);
	if (!c->refused)
		c->ph->nconns--;
	event_free(c->accepted);
	free(c);
}

/* policy_host_event_begin - an "https" record with laddr= and server= */
static void
policy_host_event_begin(const struct policy_host *ph, struct log_event *ev,
    uint64_t id, const char *name)
{
	log_event_begin(ev, "https", id, name);
	log_event_str(ev, "laddr", ph->addr);
	log_event_str(ev, "server", ph->cfg.hostname);
}

/* policy_host_answer - what to say to method on path */
static void
policy_host_answer(const struct policy_host *ph,
    enum evhttp_cmd_type method, const char *path, struct policy_answer *a)
{
	memset(a, 0, sizeof(*a));
	a->content_type = "text/plain";
	if (path == NULL || strcmp(path, STS_POLICY_PATH) != 0) {
		a->status = HTTP_NOTFOUND;
		a->body = policy_host_not_found;
		a->body_len = sizeof(policy_host_not_found) - 1;
		return;
	}
	if (method != EVHTTP_REQ_GET && method != EVHTTP_REQ_HEAD) {
		a->status = 405;
		a->allow = "GET, HEAD";
		a->body = policy_host_not_allowed;
		a->body_len = sizeof(policy_host_not_allowed) - 1;
		return;
	}
	a->status = ph->cfg.status;
	a->content_type = ph->cfg.content_type;
	a->body = ph->body;
	a->body_len = ph->cfg.body_len;
	if (a->status >= 300 && a->status <= 399)
		a->location = ph->location;
}

/* policy_host_on_request - answer, recording the request first */
static void
policy_host_on_request(struct evhttp_request *req, void *arg)
{
	struct policy_host	*ph = arg;
	struct evkeyvalq	*out = evhttp_request_get_output_headers(req);
	const struct evhttp_uri	*uri;
	struct evbuffer		*buf;
	struct policy_answer	 a;
	enum evhttp_cmd_type	 method = evhttp_request_get_command(req);
	const char		*path = NULL, *raw;
	size_t			 sent;

	raw = evhttp_request_get_uri(req);
	if ((uri = evhttp_request_get_evhttp_uri(req)) != NULL)
		path = evhttp_uri_get_path(uri);
	policy_host_answer(ph, method, path, &a);
	sent = policy_host_has_body(a.status, method) ? a.body_len : 0;
	policy_host_record(ph, req, policy_host_method_str(method),
	    path != NULL ? path : raw, &a, sent);

	if (a.content_type != NULL && a.content_type[0] != '\0')
		evhttp_add_header(out, "Content-Type", a.content_type);
	if (a.location != NULL)
		evhttp_add_header(out, "Location", a.location);
	if (a.allow != NULL)
		evhttp_add_header(out, "Allow", a.allow);
	if ((buf = evbuffer_new()) == NULL) {
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	if (a.body_len > 0 && evbuffer_add(buf, a.body, a.body_len) == -1) {
		evbuffer_free(buf);
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	evhttp_send_reply(req, a.status, policy_host_reason(a.status), buf);
	evbuffer_free(buf);
}

/* policy_host_record - the "https ... event=fetch" record of one request */
static void
policy_host_record(struct policy_host *ph, struct evhttp_request *req,
    const char *method, const char *path, const struct policy_answer *a,
    size_t sent)
{
	struct evhttp_connection	*conn;
	struct bufferevent		*bev;
	struct policy_conn		*c = NULL;
	struct log_event		 ev;
	SSL				*ssl = NULL;
	const char			*sni = NULL, *host;
	char				*ip = NULL;
	char				 peer[POLICY_PEER_MAX];
	ev_uint16_t			 port = 0;

	peer[0] = '\0';
	if ((conn = evhttp_request_get_connection(req)) != NULL) {
		evhttp_connection_get_peer(conn, &ip, &port);
		if ((bev = evhttp_connection_get_bufferevent(conn)) != NULL)
			ssl = bufferevent_openssl_get_ssl(bev);
	}
	if (ip != NULL && str_fmt(peer, sizeof(peer), strchr(ip, ':') ?
	    "[%s]:%u" : "%s:%u", ip, (unsigned)port) == -1)
		peer[0] = '\0';
	if (ssl != NULL) {
		sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
		c = SSL_get_ex_data(ssl, ph->ex_idx);
	}
	host = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Host");

	/* the connection's id: every record of one connection shares it */
	policy_host_event_begin(ph, &ev, c != NULL ? c->id : 0, "fetch");
	log_event_str(&ev, "peer", peer);
	log_event_str(&ev, "sni", sni != NULL ? sni : "");
	log_event_str(&ev, "host", host != NULL ? host : "");
	log_event_str(&ev, "method", method);
	log_event_str(&ev, "path", path != NULL ? path : "");
	log_event_uint(&ev, "status", (unsigned long long)a->status);
	log_event_uint(&ev, "bytes", sent);
	log_event_end(&ev);
}

static const char *
policy_host_method_str(enum evhttp_cmd_type type)
{
	size_t	i;

	for (i = 0; i < sizeof(policy_host_methods) /
	    sizeof(policy_host_methods[0]); i++)
		if (policy_host_methods[i].type == type)
			return policy_host_methods[i].name;
	return "OTHER";
}

static const char *
policy_host_reason(int status)
{
	size_t	i;

	for (i = 0; i < sizeof(policy_host_reasons) /
	    sizeof(policy_host_reasons[0]); i++)
		if (policy_host_reasons[i].status == status)
			return policy_host_reasons[i].reason;
	return "Status";
}

/* policy_host_has_body - RFC 9110 §6.4.1: HEAD, 1xx, 204, 304 carry none */
static bool
policy_host_has_body(int status, enum evhttp_cmd_type method)
{
	if (method == EVHTTP_REQ_HEAD)
		return false;
	return !(status < 200 || status == 204 || status == 304);
}
