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
 * it; and the SSL_CTX's info callback sees the handshake fail. A streamed
 * answer (padding, trickle) is a policy_stream that the connection's close
 * callback ends. Under blackhole there is no evhttp at all: a listener
 * whose connections (policy_hold) are read and never answered.
 */
#include <sys/queue.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <event2/keyvalq_struct.h>
#include <event2/util.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "../common/log.h"
#include "../common/sockaddr.h"
#include "listen.h"
#include "../common/proto.h"
#include "../common/str.h"
#include "../common/tls_ctx.h"
#include "policy_host.h"

#define POLICY_ADDR_MAX		64	/* numeric listen address */
#define POLICY_PEER_MAX		80	/* "addr:port" */
#define POLICY_STREAM_CHUNK	(16 * 1024)	/* padding per write */
#define POLICY_HOLD_READ	4096	/* blackhole: read and dropped */
#define POLICY_PAD_LINE		"x-padding: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" \
				"xxxxxxxxxxxxxxxxxxxx\r\n"	/* 64 bytes */
#define POLICY_HEADERS_MAX	8192	/* request head; hostile clients */
#define POLICY_REQ_BODY_MAX	1024	/* a GET has none */
#define POLICY_TIMEOUT_DEFAULT	30	/* seconds, when cfg says 0 */
#define POLICY_REASON_MAX	256	/* OpenSSL reason text */
#define POLICY_ETAG_MAX		24	/* "\"" 16 hex digits "\"" */
#define POLICY_DATE_MAX		40	/* an IMF-fixdate (RFC 9110 §5.6.7) */
#define POLICY_CACHE_CONTROL	"max-age=3600"	/* validators only */
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
	bool			 cut;		/* by policy_host_cut() */
};

/* A streamed answer: body then padding, in chunks or a byte a tick. */
struct policy_stream {
	TAILQ_ENTRY(policy_stream) entry;
	struct policy_host	*ph;
	struct evhttp_request	*req;
	struct evhttp_connection *evcon;
	struct event		*tick;		/* trickle */
	uint64_t		 id;
	size_t			 body_len;
	unsigned long long	 total, sent;
	const char		*why;		/* when the connection dies */
};

/* A blackholed connection: read, dropped, never answered. */
struct policy_hold {
	TAILQ_ENTRY(policy_hold) entry;
	struct policy_host	*ph;
	struct event		*ev;
	evutil_socket_t		 fd;
	uint64_t		 id;
};

struct policy_host {
	struct event_base	*base;
	struct evhttp		*http;		/* NULL under blackhole */
	struct evconnlistener	*hole;		/* blackhole only */
	SSL_CTX			*ctx;		/* app data: this host */
	SSL_CTX			*default_ctx;	/* sni required: other SNI */
	SSL_CTX			*loc_ctx;	/* location on another name */
	int			 ex_idx;	/* SSL ex_data: policy_conn */
	struct policy_config	 cfg;		/* cfg.body points at body */
	char			*body;
	char			 addr[POLICY_ADDR_MAX];
	char			 location[POLICY_LOCATION_MAX];
	char			 loc_host[DNS_NAME_MAX + 1];	/* "": none */
	char			 loc_path[POLICY_LOCATION_MAX];
	char			 etag[POLICY_ETAG_MAX];		/* validators */
	char			 last_modified[POLICY_DATE_MAX];
	uint16_t		 port;
	uint64_t		 next_id;
	unsigned int		 nconns;	/* not refused, in conns */
	TAILQ_HEAD(, policy_conn) conns;
	TAILQ_HEAD(, policy_stream) streams;
	TAILQ_HEAD(, policy_hold) holds;
};

/* An answer before it is sent: what the record says and what goes out. */
struct policy_answer {
	int		 status;
	const char	*content_type;	/* NULL or "": no header */
	const char	*location;	/* NULL: no header */
	const char	*allow;		/* NULL: no header */
	const char	*body;
	size_t		 body_len;
	unsigned long	 pad;		/* streamed after the body */
	bool		 trickle;
	bool		 validators;	/* ETag, Last-Modified, Cache-Control */
};

/* setup */
static int	policy_host_tls_setup(struct policy_host *, struct pki *,
		    struct err *);
static SSL_CTX *policy_host_ctx_new(struct policy_host *, struct pki *,
		    const char *, struct err *);
static int	policy_host_listen(struct policy_host *, const char *,
		    uint16_t, struct err *);
static int	policy_host_on_sni(SSL *, int *, void *);
static int	policy_host_on_client_hello(SSL *, int *, void *);
static int	policy_host_validators_setup(struct policy_host *,
		    struct err *);

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

/* blackhole */
static void	policy_host_on_hole_accept(struct evconnlistener *,
		    evutil_socket_t, struct sockaddr *, int, void *);
static void	policy_host_on_hole_read(evutil_socket_t, short, void *);
static void	policy_host_hold_free(struct policy_hold *, const char *);

/* streamed answers */
static void	policy_host_stream_start(struct policy_host *,
		    struct evhttp_request *, const struct policy_answer *,
		    uint64_t);
static void	policy_host_stream_next(struct policy_stream *);
static void	policy_host_on_stream_drained(struct evhttp_connection *,
		    void *);
static void	policy_host_on_stream_tick(evutil_socket_t, short, void *);
static void	policy_host_on_stream_close(struct evhttp_connection *,
		    void *);
static void	policy_host_stream_end(struct policy_stream *, const char *);
static void	policy_host_streams_cut(struct policy_host *, const char *);
static size_t	policy_host_stream_fill(const struct policy_stream *, char *,
		    size_t);

/* requests */
static void	policy_host_on_request(struct evhttp_request *, void *);
static void	policy_host_answer(const struct policy_host *,
		    enum evhttp_cmd_type, const char *, const char *, bool,
		    struct policy_answer *);
static void	policy_host_validate(const struct policy_host *, bool,
		    struct policy_answer *);
static bool	policy_host_is_conditional(struct evhttp_request *);
static bool	policy_host_is_target(const struct policy_host *,
		    const char *, const char *);
static uint64_t	policy_host_record(struct policy_host *,
		    struct evhttp_request *, const char *, const char *,
		    const struct policy_answer *, unsigned long long, bool);
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
static const char policy_host_pad_line[] = POLICY_PAD_LINE;
static const char policy_host_not_allowed[] = "method not allowed\n";

/* policy_host_new - bind addr:port (0: ephemeral) and serve cfg */
struct policy_host *
policy_host_new(struct event_base *base, struct pki *pki,
    const struct policy_config *cfg, const char *addr, uint16_t port,
    struct err *err)
{
	struct policy_host		*ph;
	struct sockaddr_storage		 ss;
	socklen_t			 sslen;

	ph = xcalloc(1, sizeof(*ph));
	ph->base = base;
	ph->cfg = *cfg;
	ph->cfg.body = NULL;
	ph->next_id = 1;
	ph->ex_idx = -1;
	TAILQ_INIT(&ph->conns);
	TAILQ_INIT(&ph->streams);
	TAILQ_INIT(&ph->holds);
	if (ph->cfg.timeout_sec <= 0)
		ph->cfg.timeout_sec = POLICY_TIMEOUT_DEFAULT;
	if (ph->cfg.max_connections == 0)
		ph->cfg.max_connections = POLICY_CONNS_DEFAULT;
	if (ph->cfg.trickle_sec == 0)
		ph->cfg.trickle_sec = 1;
	if (cfg->status < 100 || cfg->status > 599) {
		err_set(err, ERR_RANGE, "https %s: bad HTTP status %d",
		    cfg->hostname, cfg->status);
		goto fail;
	}
	if (cfg->pad > POLICY_PAD_MAX ||
	    ph->cfg.trickle_sec > POLICY_TRICKLE_MAX) {
		err_set(err, ERR_RANGE, "https %s: pad %lu (at most %lu) or "
		    "trickle %u s (at most %d)", cfg->hostname, cfg->pad,
		    POLICY_PAD_MAX, ph->cfg.trickle_sec, POLICY_TRICKLE_MAX);
		goto fail;
	}
	if (cfg->serve == POLICY_SERVE_OFF) {
		err_set(err, ERR_RANGE, "https %s: serve false means no host",
		    cfg->hostname);
		goto fail;
	}
	/* numeric only: a name would make evhttp ask the resolver */
	if (sockaddr_parse(addr, port, &ss, &sslen, err) == -1) {
		err_prefix(err, "https %s", cfg->hostname);
		goto fail;
	}
	if (str_copy(ph->addr, addr, sizeof(ph->addr)) == -1 ||
	    (cfg->location[0] != '\0' ? str_copy(ph->location, cfg->location,
	    sizeof(ph->location)) : str_fmt(ph->location, sizeof(ph->location),
	    "https://%s/elsewhere", cfg->hostname)) == -1) {
		err_set(err, ERR_RANGE, "https %s: name too long",
		    cfg->hostname);
		goto fail;
	}
	if (cfg->location[0] != '\0' && (policy_location_split(cfg->location,
	    ph->loc_host, sizeof(ph->loc_host), ph->loc_path,
	    sizeof(ph->loc_path)) == -1 ||
	    (strcmp(ph->loc_path, STS_POLICY_PATH) == 0 &&
	    str_eq_ci(ph->loc_host, cfg->hostname)))) {
		err_set(err, ERR_SYNTAX, "https %s: bad location \"%s\" (want "
		    "https://HOST/PATH, not this host's %s)", cfg->hostname,
		    cfg->location, STS_POLICY_PATH);
		goto fail;
	}
	/* one extra byte so an empty body is still a valid pointer */
	ph->body = xmalloc(cfg->body_len + 1);
	if (cfg->body_len > 0)
		memcpy(ph->body, cfg->body, cfg->body_len);
	ph->body[cfg->body_len] = '\0';
	ph->cfg.body = ph->body;

	if (policy_host_validators_setup(ph, err) == -1 ||
	    policy_host_tls_setup(ph, pki, err) == -1 ||
	    policy_host_listen(ph, addr, port, err) == -1)
		goto fail;
	return ph;

fail:
	policy_host_free(ph);
	return NULL;
}

/*
 * policy_host_validators_setup - the ETag (FNV-1a 64 of the body, so a
 * changed policy has another) and Last-Modified (now) of the policy
 */
static int
policy_host_validators_setup(struct policy_host *ph, struct err *err)
{
	uint64_t	h = 0xcbf29ce484222325ULL;	/* FNV-1a 64 */
	time_t		now = time(NULL);
	struct tm	tm;
	size_t		i;

	if (!ph->cfg.validators)
		return 0;
	for (i = 0; i < ph->cfg.body_len; i++) {
		h ^= (unsigned char)ph->body[i];
		h *= 0x100000001b3ULL;
	}
	if (str_fmt(ph->etag, sizeof(ph->etag), "\"%016llx\"",
	    (unsigned long long)h) == -1)
		fatalx("policy_host_validators_setup: ETag bound");
	if (gmtime_r(&now, &tm) == NULL || strftime(ph->last_modified,
	    sizeof(ph->last_modified), "%a, %d %b %Y %H:%M:%S GMT", &tm) == 0)
		return err_set(err, ERR_RANGE, "https %s: no date for "
		    "Last-Modified", ph->cfg.hostname);
	return 0;
}

/*
 * policy_host_tls_setup - the host's context, and the ones SNI may pick:
 * the default name's (sni required) and the location's other name
 */
static int
policy_host_tls_setup(struct policy_host *ph, struct pki *pki,
    struct err *err)
{
	const char	*name = ph->cfg.hostname;

	if ((ph->ctx = policy_host_ctx_new(ph, pki, name, err)) == NULL)
		return -1;
	if (ph->cfg.sni == POLICY_SNI_REQUIRED &&
	    (ph->default_ctx = policy_host_ctx_new(ph, pki,
	    POLICY_SNI_DEFAULT_HOST, err)) == NULL)
		return -1;
	if (ph->loc_host[0] != '\0' && !str_eq_ci(ph->loc_host, name) &&
	    (ph->loc_ctx = policy_host_ctx_new(ph, pki, ph->loc_host,
	    err)) == NULL)
		return -1;
	if (ph->default_ctx != NULL || ph->loc_ctx != NULL) {
		SSL_CTX_set_tlsext_servername_callback(ph->ctx,
		    policy_host_on_sni);
		SSL_CTX_set_tlsext_servername_arg(ph->ctx, ph);
	}
	/* our own index, so the free callback is ours alone; freed with ph */
	ph->ex_idx = SSL_get_ex_new_index(0, NULL, NULL, NULL,
	    policy_host_on_ssl_free);
	if (ph->ex_idx == -1)
		return err_tls(err, "https %s: SSL ex_data", name);
	return 0;
}

/*
 * policy_host_ctx_new - a context presenting cfg.cert for name, at the
 * scenario's TLS versions; its app data is this host (the info callback
 * finds it there, whichever context SNI picked)
 */
static SSL_CTX *
policy_host_ctx_new(struct policy_host *ph, struct pki *pki,
    const char *name, struct err *err)
{
	SSL_CTX	*ctx;

	if ((ctx = tls_ctx_server_new(pki, ph->cfg.cert, name, err)) == NULL) {
		err_prefix(err, "https %s", ph->cfg.hostname);
		return NULL;
	}
	if (tls_ctx_server_versions(ctx, ph->cfg.tls, err) == -1 ||
	    SSL_CTX_set_app_data(ctx, ph) != 1) {
		err_prefix(err, "https %s", ph->cfg.hostname);
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_info_callback(ctx, policy_host_on_tls_info);
	if (ph->cfg.serve == POLICY_SERVE_TLS_ALERT)
		SSL_CTX_set_client_hello_cb(ctx, policy_host_on_client_hello,
		    ph);
	return ctx;
}

/* policy_host_listen - evhttp on addr:port, or the blackhole's listener */
static int
policy_host_listen(struct policy_host *ph, const char *addr, uint16_t port,
    struct err *err)
{
	struct evhttp_bound_socket	*sock;
	char				 who[FAKE_LISTEN_WHO_MAX];
	const char			*name = ph->cfg.hostname;

	if (ph->cfg.serve == POLICY_SERVE_BLACKHOLE) {
		(void)str_fmt(who, sizeof(who), "https %s", name);
		ph->hole = fake_listen(ph->base, addr, port, -1,
		    policy_host_on_hole_accept, ph, who, &ph->port, err);
		return ph->hole != NULL ? 0 : -1;
	}
	if ((ph->http = evhttp_new(ph->base)) == NULL)
		return err_set(err, ERR_NOMEM, "https %s: evhttp_new", name);
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
	if (sock == NULL)
		return err_sys(err, "https %s: listen on %s port %u", name,
		    addr, (unsigned)port);
	if (sockaddr_bound_port(evhttp_bound_socket_get_fd(sock), &ph->port,
	    err) == -1) {
		err_prefix(err, "https %s", name);
		return -1;
	}
	return 0;
}

/*
 * policy_host_on_sni - pick the context for the client's SNI: the
 * location's other name gets its own certificate; under sni required,
 * anything but our name (no SNI at all included; OpenSSL calls this
 * either way) gets the default name's
 */
static int
policy_host_on_sni(SSL *ssl, int *al, void *arg)
{
	struct policy_host	*ph = arg;
	const char		*sni;

	(void)al;
	sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
	if (sni != NULL && ph->loc_ctx != NULL && str_eq_ci(sni, ph->loc_host))
		(void)SSL_set_SSL_CTX(ssl, ph->loc_ctx);
	else if (ph->default_ctx != NULL &&
	    tls_ctx_sni_fallback(ssl, ph->cfg.hostname, ph->default_ctx) == -1)
		return SSL_TLSEXT_ERR_ALERT_FATAL;
	return SSL_TLSEXT_ERR_OK;
}

/* policy_host_on_client_hello - tls-alert: a fatal handshake_failure */
static int
policy_host_on_client_hello(SSL *ssl, int *al, void *arg)
{
	(void)ssl;
	(void)arg;
	*al = SSL_AD_HANDSHAKE_FAILURE;
	return SSL_CLIENT_HELLO_ERROR;
}

uint16_t
policy_host_port(const struct policy_host *ph)
{
	return ph->port;
}

/*
 * policy_host_cut - the step is over: every blackholed connection and
 * every streaming answer ends now (close reason=cut), whatever the client
 * would still wait for. Not from inside one of this host's callbacks.
 */
void
policy_host_cut(struct policy_host *ph)
{
	struct policy_hold	*h;

	if (ph == NULL)
		return;
	while ((h = TAILQ_FIRST(&ph->holds)) != NULL)
		policy_host_hold_free(h, "cut");
	policy_host_streams_cut(ph, "cut");
}

/*
 * policy_host_streams_cut - free each stream's connection (its request
 * with it), then end the stream: the close callback is taken off first,
 * so the end does not hang on evhttp calling it
 */
static void
policy_host_streams_cut(struct policy_host *ph, const char *why)
{
	struct policy_stream	*st;
	struct bufferevent	*bev;
	struct policy_conn	*c;
	SSL			*ssl;

	while ((st = TAILQ_FIRST(&ph->streams)) != NULL) {
		if ((bev = evhttp_connection_get_bufferevent(st->evcon)) !=
		    NULL && (ssl = bufferevent_openssl_get_ssl(bev)) != NULL &&
		    (c = SSL_get_ex_data(ssl, ph->ex_idx)) != NULL)
			c->cut = true;
		evhttp_connection_set_closecb(st->evcon, NULL, NULL);
		evhttp_connection_free(st->evcon);
		st->req = NULL;			/* gone with it */
		policy_host_stream_end(st, why);
	}
}

/*
 * policy_host_free - close the listener and every connection; one cut off
 * inside its handshake records reason=shutdown
 */
void
policy_host_free(struct policy_host *ph)
{
	struct policy_conn	*c;
	struct policy_hold	*h;

	if (ph == NULL)
		return;
	while ((h = TAILQ_FIRST(&ph->holds)) != NULL)
		policy_host_hold_free(h, "shutdown");
	if (ph->hole != NULL)
		evconnlistener_free(ph->hole);
	policy_host_streams_cut(ph, "shutdown");
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
	/* the SSLs keep the contexts alive; they must not find ph in them */
	if (ph->ctx != NULL)
		(void)SSL_CTX_set_app_data(ph->ctx, NULL);
	if (ph->default_ctx != NULL)
		(void)SSL_CTX_set_app_data(ph->default_ctx, NULL);
	if (ph->loc_ctx != NULL)
		(void)SSL_CTX_set_app_data(ph->loc_ctx, NULL);
	SSL_CTX_free(ph->ctx);
	SSL_CTX_free(ph->default_ctx);
	SSL_CTX_free(ph->loc_ctx);
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
	if (ph->cfg.serve == POLICY_SERVE_TLS_ALERT) {
		policy_host_tls_failed(c, "alert sent");
		return;
	}
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
	policy_host_closed(c, c->cut ? "cut" : "done");
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

/*
 * policy_host_is_target - path (asked for host, the Host header) is the
 * location's: on another name only when the request names that name
 */
static bool
policy_host_is_target(const struct policy_host *ph, const char *host,
    const char *path)
{
	size_t	n;

	if (path == NULL || ph->loc_path[0] == '\0' ||
	    strcmp(path, ph->loc_path) != 0)
		return false;
	if (ph->loc_ctx == NULL)
		return true;			/* on this host's own name */
	n = strlen(ph->loc_host);
	return host != NULL && strncasecmp(host, ph->loc_host, n) == 0 &&
	    (host[n] == '\0' || host[n] == ':');
}

/*
 * policy_host_validate - an answer that carries the policy with 200 gets
 * the validators, and under a conditional request becomes a 304 that
 * keeps them and drops the body (RFC 9110 §15.4.5)
 */
static void
policy_host_validate(const struct policy_host *ph, bool conditional,
    struct policy_answer *a)
{
	if (!ph->cfg.validators || a->status != HTTP_OK)
		return;
	a->validators = true;
	if (!conditional)
		return;
	a->status = HTTP_NOTMODIFIED;
	a->content_type = NULL;
	a->body = NULL;
	a->body_len = 0;
	a->pad = 0;
	a->trickle = false;
}

/* policy_host_is_conditional - If-None-Match or If-Modified-Since */
static bool
policy_host_is_conditional(struct evhttp_request *req)
{
	struct evkeyvalq	*in = evhttp_request_get_input_headers(req);

	return evhttp_find_header(in, "If-None-Match") != NULL ||
	    evhttp_find_header(in, "If-Modified-Since") != NULL;
}

/*
 * policy_host_answer - what to say to method on path (host: Host header;
 * conditional: the request carried If-None-Match or If-Modified-Since)
 */
static void
policy_host_answer(const struct policy_host *ph,
    enum evhttp_cmd_type method, const char *host, const char *path,
    bool conditional, struct policy_answer *a)
{
	memset(a, 0, sizeof(*a));
	a->content_type = "text/plain";
	a->trickle = ph->cfg.serve == POLICY_SERVE_TRICKLE;
	if (policy_host_is_target(ph, host, path) &&
	    (method == EVHTTP_REQ_GET || method == EVHTTP_REQ_HEAD)) {
		/* the redirect's target: the policy, as a 200 would give it */
		a->status = HTTP_OK;
		a->content_type = ph->cfg.content_type;
		a->body = ph->body;
		a->body_len = ph->cfg.body_len;
		a->pad = ph->cfg.pad;
		policy_host_validate(ph, conditional, a);
		return;
	}
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
	a->pad = ph->cfg.pad;
	if (ph->cfg.location[0] != '\0' ||
	    (a->status >= 300 && a->status <= 399))
		a->location = ph->location;
	policy_host_validate(ph, conditional, a);
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
	unsigned long long	 sent;
	uint64_t		 id;
	bool			 body, cond = policy_host_is_conditional(req);

	raw = evhttp_request_get_uri(req);
	if ((uri = evhttp_request_get_evhttp_uri(req)) != NULL)
		path = evhttp_uri_get_path(uri);
	policy_host_answer(ph, method, evhttp_find_header(
	    evhttp_request_get_input_headers(req), "Host"), path, cond, &a);
	body = policy_host_has_body(a.status, method);
	sent = body ? a.body_len + (unsigned long long)a.pad : 0;
	id = policy_host_record(ph, req, policy_host_method_str(method),
	    path != NULL ? path : raw, &a, sent, cond);

	if (a.content_type != NULL && a.content_type[0] != '\0')
		evhttp_add_header(out, "Content-Type", a.content_type);
	if (a.location != NULL)
		evhttp_add_header(out, "Location", a.location);
	if (a.allow != NULL)
		evhttp_add_header(out, "Allow", a.allow);
	if (a.validators) {
		evhttp_add_header(out, "ETag", ph->etag);
		evhttp_add_header(out, "Last-Modified", ph->last_modified);
		evhttp_add_header(out, "Cache-Control", POLICY_CACHE_CONTROL);
	}
	if (body && (a.pad > 0 || a.trickle) && sent > 0) {
		policy_host_stream_start(ph, req, &a, id);
		return;
	}
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

/*
 * policy_host_record - the "https ... event=fetch" record of one request;
 * returns its connection's id
 */
static uint64_t
policy_host_record(struct policy_host *ph, struct evhttp_request *req,
    const char *method, const char *path, const struct policy_answer *a,
    unsigned long long sent, bool conditional)
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
	log_event_str(&ev, "conditional", conditional ? "yes" : "no");
	log_event_end(&ev);
	return c != NULL ? c->id : 0;
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

/*
 * policy_host_on_hole_accept - blackhole: record the connect (or refuse
 * one over the bound), then only read what comes, to see the hang-up
 */
static void
policy_host_on_hole_accept(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct policy_host	*ph = arg;
	struct policy_hold	*h;
	struct log_event	 ev;
	char			 peer[POLICY_PEER_MAX];
	uint64_t		 id = ph->next_id++;

	(void)lev;
	(void)salen;
	if (sockaddr_format(sa, peer, sizeof(peer)) == -1)
		(void)str_copy(peer, "?", sizeof(peer));
	policy_host_event_begin(ph, &ev, id, ph->nconns >=
	    ph->cfg.max_connections ? "refused" : "connect");
	log_event_str(&ev, "peer", peer);
	if (ph->nconns >= ph->cfg.max_connections) {
		log_event_str(&ev, "reason", "too-many-connections");
		log_event_end(&ev);
		evutil_closesocket(fd);
		return;
	}
	log_event_end(&ev);
	h = xcalloc(1, sizeof(*h));
	h->ph = ph;
	h->fd = fd;
	h->id = id;
	if (evutil_make_socket_nonblocking(fd) == -1 ||
	    (h->ev = event_new(ph->base, fd, EV_READ | EV_PERSIST,
	    policy_host_on_hole_read, h)) == NULL ||
	    event_add(h->ev, NULL) == -1) {
		log_warnx("https %s: cannot hold a connection",
		    ph->cfg.hostname);
		if (h->ev != NULL)
			event_free(h->ev);
		evutil_closesocket(fd);
		free(h);
		return;
	}
	TAILQ_INSERT_TAIL(&ph->holds, h, entry);
	ph->nconns++;
}

/* policy_host_on_hole_read - drop what the client says; end at its EOF */
static void
policy_host_on_hole_read(evutil_socket_t fd, short what, void *arg)
{
	struct policy_hold	*h = arg;
	char			 buf[POLICY_HOLD_READ];
	ssize_t			 n;

	(void)what;
	n = recv(fd, buf, sizeof(buf), 0);
	if (n > 0 || (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK ||
	    errno == EINTR)))
		return;
	policy_host_hold_free(h, "eof");
}

/* policy_host_hold_free - close one blackholed connection, with reason */
static void
policy_host_hold_free(struct policy_hold *h, const char *reason)
{
	struct log_event	ev;

	policy_host_event_begin(h->ph, &ev, h->id, "close");
	log_event_str(&ev, "reason", reason);
	log_event_end(&ev);
	TAILQ_REMOVE(&h->ph->holds, h, entry);
	h->ph->nconns--;
	event_free(h->ev);
	evutil_closesocket(h->fd);
	free(h);
}

/*
 * policy_host_stream_start - a streamed answer: the head now, with a
 * Content-Length (so no chunked coding), then the body and its padding,
 * a chunk each time the output drained, or a byte a tick under trickle.
 * The connection's close callback ends the stream if the client goes.
 */
static void
policy_host_stream_start(struct policy_host *ph, struct evhttp_request *req,
    const struct policy_answer *a, uint64_t id)
{
	struct evkeyvalq	*out = evhttp_request_get_output_headers(req);
	struct policy_stream	*st;
	struct bufferevent	*bev;
	struct timeval		 tv = { (time_t)ph->cfg.trickle_sec, 0 };
	char			 len[32];

	st = xcalloc(1, sizeof(*st));
	st->ph = ph;
	st->req = req;
	st->evcon = evhttp_request_get_connection(req);
	st->id = id;
	st->body_len = a->body_len;
	st->total = a->body_len + (unsigned long long)a->pad;
	st->why = "eof";
	if (st->evcon == NULL || (a->trickle && (st->tick = event_new(ph->base,
	    -1, EV_PERSIST, policy_host_on_stream_tick, st)) == NULL)) {
		free(st);
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	(void)str_fmt(len, sizeof(len), "%llu", st->total);
	evhttp_add_header(out, "Content-Length", len);
	TAILQ_INSERT_TAIL(&ph->streams, st, entry);
	evhttp_connection_set_closecb(st->evcon, policy_host_on_stream_close,
	    st);
	evhttp_send_reply_start(req, a->status, policy_host_reason(a->status));
	if (a->trickle) {
		/* the idle timeout must not end what we are slow to send */
		if ((bev = evhttp_connection_get_bufferevent(st->evcon)) !=
		    NULL)
			(void)bufferevent_set_timeouts(bev, NULL, NULL);
		(void)event_add(st->tick, &tv);
		return;
	}
	policy_host_stream_next(st);
}

/* policy_host_stream_fill - the stream's next bytes, body then padding */
static size_t
policy_host_stream_fill(const struct policy_stream *st, char *buf,
    size_t size)
{
	const size_t		 line = sizeof(policy_host_pad_line) - 1;
	unsigned long long	 at = st->sent, off;
	size_t			 n = 0, k;

	while (n < size && at < st->total) {
		if (at < st->body_len) {
			k = st->body_len - (size_t)at;
			if (k > size - n)
				k = size - n;
			memcpy(buf + n, st->ph->body + at, k);
		} else {
			off = (at - st->body_len) % line;
			k = line - (size_t)off;
			if (k > size - n)
				k = size - n;
			if (k > st->total - at)
				k = (size_t)(st->total - at);
			memcpy(buf + n, policy_host_pad_line + off, k);
		}
		n += k;
		at += k;
	}
	return n;
}

/* policy_host_stream_next - the next chunk, or the end of the answer */
static void
policy_host_stream_next(struct policy_stream *st)
{
	char		 chunk[POLICY_STREAM_CHUNK];
	struct evbuffer	*buf;
	size_t		 n;

	n = policy_host_stream_fill(st, chunk, st->tick != NULL ? 1 :
	    sizeof(chunk));
	if ((buf = evbuffer_new()) == NULL || evbuffer_add(buf, chunk, n) ==
	    -1)
		fatalx("https %s: out of memory", st->ph->cfg.hostname);
	st->sent += n;
	evhttp_send_reply_chunk_with_cb(st->req, buf, st->tick != NULL ||
	    st->sent >= st->total ? NULL : policy_host_on_stream_drained, st);
	evbuffer_free(buf);
	/* the last bytes are queued: evhttp ends it once they are out */
	if (st->sent >= st->total)
		policy_host_stream_end(st, "complete");
}

/* policy_host_on_stream_drained - the last chunk is out: the next one */
static void
policy_host_on_stream_drained(struct evhttp_connection *evcon, void *arg)
{
	(void)evcon;
	policy_host_stream_next(arg);
}

static void
policy_host_on_stream_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	policy_host_stream_next(arg);
}

/*
 * policy_host_on_stream_close - the connection is going (the client left,
 * an error, policy_host_cut or _free): a request evhttp cut loose from it
 * is ours to free; one still on it goes with the connection
 */
static void
policy_host_on_stream_close(struct evhttp_connection *evcon, void *arg)
{
	struct policy_stream	*st = arg;
	struct evhttp_request	*req = st->req;

	(void)evcon;
	st->req = evhttp_request_get_connection(req) == NULL ? req : NULL;
	policy_host_stream_end(st, st->why);
}

/*
 * policy_host_stream_end - the stream record; a complete answer is ended
 * for evhttp (which may keep the connection), a cut one freed if ours
 */
static void
policy_host_stream_end(struct policy_stream *st, const char *result)
{
	struct evhttp_connection *evcon;
	struct log_event	 ev;
	bool			 complete = strcmp(result, "complete") == 0;

	policy_host_event_begin(st->ph, &ev, st->id, "stream");
	log_event_str(&ev, "result", complete ? "complete" : "cut");
	if (!complete)
		log_event_str(&ev, "reason", result);
	log_event_uint(&ev, "bytes", st->sent);
	log_event_end(&ev);
	TAILQ_REMOVE(&st->ph->streams, st, entry);
	if (st->tick != NULL)
		event_free(st->tick);
	if (complete) {
		/* NULL once evhttp cut it loose; then this frees it */
		if ((evcon = evhttp_request_get_connection(st->req)) != NULL)
			evhttp_connection_set_closecb(evcon, NULL, NULL);
		evhttp_send_reply_end(st->req);
	} else if (st->req != NULL)
		evhttp_request_free(st->req);
	free(st);
}
