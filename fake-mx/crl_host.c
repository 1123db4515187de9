/* SPDX-License-Identifier: ISC */
/*
 * crl_host.c -- the plain-HTTP CRL host of one policy domain: an
 * evconnlistener and one crl_conn (a bufferevent and a lifetime timer) per
 * live connection. Reads one request head, bounded, answers it with the
 * run's CRL (or an error status) and closes. Owns its connections; the
 * CRL itself is the pki's, asked for at every request so that it lists
 * every revoked leaf made by then. Not a general HTTP server: no
 * keep-alive, no request bodies, no chunked anything.
 */
#include <sys/queue.h>
#include <sys/socket.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>

#include "../common/log.h"
#include "../common/sockaddr.h"
#include "listen.h"
#include "../common/str.h"
#include "crl_host.h"

#define CRL_ADDR_MAX		64	/* numeric listen address */
#define CRL_PEER_MAX		80	/* "addr:port" */
#define CRL_METHOD_MAX		16
#define CRL_PATH_MAX		1024
#define CRL_HOST_MAX		256	/* a Host header value, as recorded */
#define CRL_HEADER_LINE_MAX	512	/* an answer's header block */
#define CRL_TIMEOUT_DEFAULT	30	/* seconds, when cfg says 0 */

/* One accepted connection, from accept until it closes. */
struct crl_conn {
	TAILQ_ENTRY(crl_conn)	 entry;
	struct crl_host		*ch;
	struct bufferevent	*bev;
	struct event		*lifetime;
	uint64_t		 id;
	char			 peer[CRL_PEER_MAX];
	bool			 answered;	/* closes once written */
};

struct crl_host {
	struct event_base	*base;
	struct pki		*pki;		/* borrowed */
	struct evconnlistener	*lev;
	struct crl_config	 cfg;
	char			 addr[CRL_ADDR_MAX];
	uint16_t		 port;
	uint64_t		 next_id;
	unsigned int		 nconns;
	TAILQ_HEAD(, crl_conn)	 conns;
};

/* A request head, as far as the host reads it. */
struct crl_request {
	char	method[CRL_METHOD_MAX];
	char	path[CRL_PATH_MAX];
	char	host[CRL_HOST_MAX];	/* "": no Host header */
};

/* connections */
static void	crl_host_on_accept(struct evconnlistener *, evutil_socket_t,
		    struct sockaddr *, int, void *);
static void	crl_host_on_read(struct bufferevent *, void *);
static void	crl_host_on_written(struct bufferevent *, void *);
static void	crl_host_on_event(struct bufferevent *, short, void *);
static void	crl_host_on_lifetime(evutil_socket_t, short, void *);
static void	crl_host_conn_free(struct crl_conn *, const char *);
static void	crl_host_event_begin(const struct crl_host *,
		    struct log_event *, uint64_t, const char *);
static void	crl_host_warn(const struct crl_conn *, const char *);

/* requests */
static int	crl_host_head_end(struct evbuffer *, size_t *);
static int	crl_host_parse(char *, struct crl_request *);
static void	crl_host_header_value(const char *, const char *, char *,
		    size_t);
static void	crl_host_serve(struct crl_conn *, const struct crl_request *);
static void	crl_host_reply(struct crl_conn *, int, const char *,
		    const char *, const unsigned char *, size_t, bool);
static const char *crl_host_reason(int);

/* RFC 9110 §15 reason phrases of the statuses the host answers */
static const struct {
	int		 status;
	const char	*reason;
} crl_host_reasons[] = {
	{ 200, "OK" },
	{ 400, "Bad Request" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
	{ 431, "Request Header Fields Too Large" },
	{ 500, "Internal Server Error" },
};

struct crl_host *
crl_host_new(struct event_base *base, struct pki *pki,
    const struct crl_config *cfg, const char *addr, uint16_t port,
    struct err *err)
{
	struct crl_host		*ch = xcalloc(1, sizeof(*ch));
	char			 who[FAKE_LISTEN_WHO_MAX];

	ch->base = base;
	ch->pki = pki;
	ch->cfg = *cfg;
	ch->next_id = 1;
	TAILQ_INIT(&ch->conns);
	if (ch->cfg.timeout_sec <= 0)
		ch->cfg.timeout_sec = CRL_TIMEOUT_DEFAULT;
	if (ch->cfg.max_connections == 0)
		ch->cfg.max_connections = CRL_CONNS_DEFAULT;
	if (str_copy(ch->addr, addr, sizeof(ch->addr)) == -1) {
		err_set(err, ERR_RANGE, "http %s: address too long: %s",
		    cfg->hostname, addr);
		goto fail;
	}
	(void)str_fmt(who, sizeof(who), "http %s", cfg->hostname);
	if ((ch->lev = fake_listen(base, addr, port, -1, crl_host_on_accept,
	    ch, who, &ch->port, err)) == NULL)
		goto fail;
	return ch;
fail:
	crl_host_free(ch);
	return NULL;
}

uint16_t
crl_host_port(const struct crl_host *ch)
{
	return ch->port;
}

void
crl_host_free(struct crl_host *ch)
{
	struct crl_conn	*c;

	if (ch == NULL)
		return;
	if (ch->lev != NULL)
		evconnlistener_free(ch->lev);
	while ((c = TAILQ_FIRST(&ch->conns)) != NULL)
		crl_host_conn_free(c, "shutdown");
	free(ch);
}

static void
crl_host_event_begin(const struct crl_host *ch, struct log_event *ev,
    uint64_t id, const char *event)
{
	log_event_begin(ev, "http", id, event);
	log_event_str(ev, "laddr", ch->addr);
	log_event_str(ev, "server", ch->cfg.hostname);
}

static void
crl_host_warn(const struct crl_conn *c, const char *why)
{
	struct log_event	ev;

	crl_host_event_begin(c->ch, &ev, c->id, "warn");
	log_event_str(&ev, "reason", why);
	log_event_end(&ev);
}

/*
 * crl_host_on_accept - a connection: recorded, then read (the input
 * bounded to one head and a byte) until its lifetime ends; one beyond
 * the bound is recorded as refused and closed
 */
static void
crl_host_on_accept(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct crl_host		*ch = arg;
	struct crl_conn		*c;
	struct log_event	 ev;
	struct timeval		 tv;
	char			 peer[CRL_PEER_MAX];
	uint64_t		 id = ch->next_id++;
	bool			 refuse = ch->nconns >= ch->cfg.max_connections;

	(void)lev;
	(void)salen;
	if (sockaddr_format(sa, peer, sizeof(peer)) == -1)
		(void)str_copy(peer, "?", sizeof(peer));
	crl_host_event_begin(ch, &ev, id, refuse ? "refused" : "connect");
	log_event_str(&ev, "peer", peer);
	if (refuse) {
		log_event_str(&ev, "reason", "too-many-connections");
		log_event_end(&ev);
		evutil_closesocket(fd);
		return;
	}
	log_event_end(&ev);
	c = xcalloc(1, sizeof(*c));
	c->ch = ch;
	c->id = id;
	(void)str_copy(c->peer, peer, sizeof(c->peer));
	tv.tv_sec = ch->cfg.timeout_sec;
	tv.tv_usec = 0;
	if ((c->bev = bufferevent_socket_new(ch->base, fd,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL ||
	    (c->lifetime = evtimer_new(ch->base, crl_host_on_lifetime,
	    c)) == NULL || evtimer_add(c->lifetime, &tv) == -1) {
		log_warnx("http %s: cannot take a connection from %s",
		    ch->cfg.hostname, peer);
		if (c->bev == NULL)
			evutil_closesocket(fd);
		else
			bufferevent_free(c->bev);
		if (c->lifetime != NULL)
			event_free(c->lifetime);
		free(c);
		return;
	}
	TAILQ_INSERT_TAIL(&ch->conns, c, entry);
	ch->nconns++;
	bufferevent_setcb(c->bev, crl_host_on_read, crl_host_on_written,
	    crl_host_on_event, c);
	bufferevent_setwatermark(c->bev, EV_READ, 0, CRL_HEAD_MAX + 1);
	bufferevent_enable(c->bev, EV_READ);
}

/*
 * crl_host_conn_free - record the close and release the connection; from
 * its own callbacks too (nothing touches c after)
 */
static void
crl_host_conn_free(struct crl_conn *c, const char *why)
{
	struct crl_host		*ch = c->ch;
	struct log_event	 ev;

	crl_host_event_begin(ch, &ev, c->id, "close");
	log_event_str(&ev, "reason", why);
	log_event_end(&ev);
	TAILQ_REMOVE(&ch->conns, c, entry);
	ch->nconns--;
	event_free(c->lifetime);
	bufferevent_free(c->bev);
	free(c);
}

/* crl_host_on_lifetime - the connection's time is up, whatever it does */
static void
crl_host_on_lifetime(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	crl_host_conn_free(arg, "timeout");
}

static void
crl_host_on_event(struct bufferevent *bev, short what, void *arg)
{
	struct crl_conn	*c = arg;

	(void)bev;
	if (what & BEV_EVENT_EOF)
		crl_host_conn_free(c, c->answered ? "done" : "eof");
	else if (what & BEV_EVENT_ERROR)
		crl_host_conn_free(c, "error");
}

/* crl_host_on_written - the answer is out: close */
static void
crl_host_on_written(struct bufferevent *bev, void *arg)
{
	struct crl_conn	*c = arg;

	(void)bev;
	if (c->answered)
		crl_host_conn_free(c, "done");
}

/*
 * crl_host_head_end - the length of the request head in buf (through
 * its empty line, CRLF or a bare LF), 0 if it has not all arrived
 */
static int
crl_host_head_end(struct evbuffer *buf, size_t *len)
{
	struct evbuffer_ptr	p;
	size_t			crlf = SIZE_MAX, lf = SIZE_MAX;

	p = evbuffer_search(buf, "\r\n\r\n", 4, NULL);
	if (p.pos != -1)
		crlf = (size_t)p.pos + 4;
	p = evbuffer_search(buf, "\n\n", 2, NULL);
	if (p.pos != -1)
		lf = (size_t)p.pos + 2;
	if (crlf == SIZE_MAX && lf == SIZE_MAX)
		return 0;
	*len = crlf < lf ? crlf : lf;
	return 1;
}

static void
crl_host_on_read(struct bufferevent *bev, void *arg)
{
	struct crl_conn		*c = arg;
	struct evbuffer		*in = bufferevent_get_input(bev);
	struct crl_request	 req;
	char			 head[CRL_HEAD_MAX + 1];
	size_t			 len;

	if (c->answered) {		/* after the head: not ours to read */
		evbuffer_drain(in, evbuffer_get_length(in));
		return;
	}
	if (!crl_host_head_end(in, &len) || len > CRL_HEAD_MAX) {
		if (evbuffer_get_length(in) <= CRL_HEAD_MAX)
			return;		/* more to come, within bounds */
		crl_host_warn(c, "request head too long");
		crl_host_reply(c, 431, NULL, NULL, NULL, 0, true);
		return;
	}
	if (evbuffer_remove(in, head, len) != (int)len)
		fatalx("crl_host_on_read: evbuffer_remove");
	head[len] = '\0';
	evbuffer_drain(in, evbuffer_get_length(in));
	if (crl_host_parse(head, &req) == -1) {
		crl_host_warn(c, "not an HTTP request");
		crl_host_reply(c, 400, NULL, NULL, NULL, 0, true);
		return;
	}
	crl_host_serve(c, &req);
}

/*
 * crl_host_parse - "METHOD SP TARGET SP HTTP/1.x" and the Host header of
 * a head (NUL-terminated, modified); -1 if it is not an HTTP/1 request
 * line or a field is too long to keep. An absolute-form target
 * ("http://host/path", RFC 9112 §3.2.2) is taken by its path.
 */
static int
crl_host_parse(char *head, struct crl_request *req)
{
	char	*line = head, *eol, *sp1, *sp2, *target;

	memset(req, 0, sizeof(*req));
	if ((eol = strchr(line, '\n')) == NULL)
		return -1;
	*eol = '\0';
	if (eol > line && eol[-1] == '\r')
		eol[-1] = '\0';
	if ((sp1 = strchr(line, ' ')) == NULL ||
	    (sp2 = strchr(sp1 + 1, ' ')) == NULL || sp1 == line ||
	    sp2 == sp1 + 1 || strncmp(sp2 + 1, "HTTP/1.", 7) != 0)
		return -1;
	*sp1 = '\0';
	*sp2 = '\0';
	target = sp1 + 1;
	if (strncasecmp(target, "http://", 7) == 0) {
		target = strchr(target + 7, '/');
		if (target == NULL)
			target = "/";
	}
	if (target[0] != '/' ||
	    str_copy(req->method, line, sizeof(req->method)) == -1 ||
	    str_copy(req->path, target, sizeof(req->path)) == -1)
		return -1;
	crl_host_header_value(eol + 1, "host", req->host, sizeof(req->host));
	return 0;
}

/*
 * crl_host_header_value - the value of the first header named name in
 * the header lines of fields (NUL-terminated), its surrounding blanks
 * off and cut to fit out; "" when there is none
 */
static void
crl_host_header_value(const char *fields, const char *name, char *out,
    size_t size)
{
	const char	*line, *eol, *v, *end;
	size_t		 n = strlen(name);

	out[0] = '\0';
	for (line = fields; *line != '\0'; line = eol + 1) {
		if ((eol = strchr(line, '\n')) == NULL)
			eol = line + strlen(line);
		if ((size_t)(eol - line) > n && line[n] == ':' &&
		    strncasecmp(line, name, n) == 0) {
			for (v = line + n + 1; v < eol && (*v == ' ' ||
			    *v == '\t'); v++)
				;
			for (end = eol; end > v && (end[-1] == '\r' ||
			    end[-1] == ' ' || end[-1] == '\t'); end--)
				;
			if ((size_t)(end - v) >= size)
				end = v + size - 1;
			memcpy(out, v, (size_t)(end - v));
			out[end - v] = '\0';
			return;
		}
		if (*eol == '\0')
			return;
	}
}

/*
 * crl_host_serve - record the request (before the answer, so the record
 * is the ground truth even when the client hangs up), then answer it
 */
static void
crl_host_serve(struct crl_conn *c, const struct crl_request *req)
{
	struct log_event	 ev;
	struct err		 err;
	const unsigned char	*der = NULL;
	size_t			 len = 0;
	bool			 head = strcmp(req->method, "HEAD") == 0;
	int			 status;

	if (strcmp(req->path, PKI_CRL_PATH) != 0)
		status = 404;
	else if (!head && strcmp(req->method, "GET") != 0)
		status = 405;
	else if (pki_crl_der(c->ch->pki, &der, &len, &err) == -1) {
		log_warnx("http %s: %s", c->ch->cfg.hostname, err.msg);
		status = 500;
	} else
		status = 200;
	crl_host_event_begin(c->ch, &ev, c->id, "fetch");
	log_event_str(&ev, "peer", c->peer);
	log_event_str(&ev, "host", req->host);
	log_event_str(&ev, "method", req->method);
	log_event_str(&ev, "path", req->path);
	log_event_uint(&ev, "status", (unsigned)status);
	log_event_uint(&ev, "bytes", status == 200 && !head ? len : 0);
	log_event_end(&ev);
	if (status == 200)
		crl_host_reply(c, 200, PKI_CRL_TYPE, NULL, der, len, head);
	else
		crl_host_reply(c, status, NULL, status == 405 ? "GET, HEAD" :
		    NULL, NULL, 0, head);
}

static const char *
crl_host_reason(int status)
{
	size_t	i;

	for (i = 0; i < sizeof(crl_host_reasons) /
	    sizeof(crl_host_reasons[0]); i++)
		if (crl_host_reasons[i].status == status)
			return crl_host_reasons[i].reason;
	fatalx("crl_host_reason: status %d has no row", status);
}

/*
 * crl_host_reply - queue the answer and close once it is written; an
 * error status carries its reason phrase as a text body; no_body: the
 * headers only (HEAD)
 */
static void
crl_host_reply(struct crl_conn *c, int status, const char *type,
    const char *allow, const unsigned char *body, size_t len, bool no_body)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);
	const char	*reason = crl_host_reason(status);
	char		 hdr[CRL_HEADER_LINE_MAX], text[64];

	if (body == NULL) {
		(void)str_fmt(text, sizeof(text), "%s\n", reason);
		body = (const unsigned char *)text;
		len = strlen(text);
		type = "text/plain";
	}
	if (str_fmt(hdr, sizeof(hdr), "HTTP/1.1 %d %s\r\n"
	    "Content-Type: %s\r\nContent-Length: %zu\r\n%s%s%s"
	    "Connection: close\r\n\r\n", status, reason, type, len,
	    allow != NULL ? "Allow: " : "", allow != NULL ? allow : "",
	    allow != NULL ? "\r\n" : "") == -1)
		fatalx("crl_host_reply: header bound");
	c->answered = true;
	bufferevent_disable(c->bev, EV_READ);
	if (evbuffer_add(out, hdr, strlen(hdr)) == -1 ||
	    (!no_body && evbuffer_add(out, body, len) == -1)) {
		crl_host_conn_free(c, "error");
		return;
	}
}
