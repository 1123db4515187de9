/* SPDX-License-Identifier: ISC */
/*
 * dns_server.c -- fake-dns on libevent: one UDP socket and one TCP listener
 * on the same address and port. Owns the sockets, the TCP connections
 * (each with its query-deadline timer) and two scratch buffers; borrows the
 * zone. Each query becomes one event record; a hostile client costs a
 * "drop" record and its own connection, and a slow one cannot hold a slot.
 * What to answer is dns_zone's business, not this file's.
 */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>

#include "../common/log.h"
#include "../common/sockaddr.h"
#include "../common/proto.h"
#include "../common/str.h"
#include "dns_server.h"
#include "dns_zone.h"

#define DNS_SERVER_LEN_PREFIX	2	/* RFC 1035 §4.2.2 length field */
#define DNS_SERVER_UDP_BURST	64	/* datagrams read per callback */
#define DNS_SERVER_TCP_IDLE	10	/* seconds; RFC 7766 §6.2.3 */
#define DNS_SERVER_TCP_OUTQ_MAX	(256 * 1024)	/* unread replies per conn */
#define DNS_SERVER_BIND_TRIES	8	/* port 0: UDP port taken for TCP */
#define DNS_SERVER_PEER_MAX	(INET6_ADDRSTRLEN + 8)	/* [addr]:port */

enum dns_server_proto {
	DNS_SERVER_UDP,
	DNS_SERVER_TCP,
};

/* What became of one message. */
enum dns_server_verdict {
	DNS_SERVER_REPLY,	/* send out[0..outlen) */
	DNS_SERVER_SILENT,	/* a timeout fault: say nothing, keep going */
	DNS_SERVER_DROP,	/* garbage: say nothing; TCP closes */
};

struct dns_tcp_conn {
	TAILQ_ENTRY(dns_tcp_conn)	 entry;
	struct dns_server		*srv;
	struct bufferevent		*bev;
	uint64_t			 session;
	char				 peer[DNS_SERVER_PEER_MAX];
	struct event			*deadline;	/* whole query due */
	bool				 paused;	/* output queue full */
	bool				 closing;	/* free once flushed */
};

struct dns_server {
	struct event_base		*base;
	const struct dns_zone		*zone;		/* borrowed */
	evutil_socket_t			 udp_fd;
	struct event			*udp_ev;
	struct evconnlistener		*listener;
	uint16_t			 port;
	uint64_t			 next_session;
	size_t				 nconns;
	size_t				 tcp_conn_max;
	unsigned int			 tcp_query_ms;
	/* oldest deadline start first: the head is evicted first */
	TAILQ_HEAD(, dns_tcp_conn)	 conns;
	uint8_t				*inbuf;		/* DNS_TCP_MAX */
	uint8_t				*outbuf;	/* 2 + DNS_TCP_MAX */
};

/* setup */
static int	dns_server_bind(struct dns_server *, const struct sockaddr *,
		    socklen_t, struct err *);

/* queries and records */
static enum dns_server_verdict dns_server_handle(struct dns_server *,
		    enum dns_server_proto, uint64_t, const char *,
		    const uint8_t *, size_t, size_t, size_t *);
static void	dns_server_event_drop(enum dns_server_proto, uint64_t,
		    const char *, const char *);
static const char *dns_server_proto_str(enum dns_server_proto);

/* UDP */
static void	dns_server_on_udp(evutil_socket_t, short, void *);

/* TCP */
static void	dns_server_on_accept(struct evconnlistener *, evutil_socket_t,
		    struct sockaddr *, int, void *);
static void	dns_server_on_accept_error(struct evconnlistener *, void *);
static void	dns_server_on_tcp_read(struct bufferevent *, void *);
static void	dns_server_on_tcp_write(struct bufferevent *, void *);
static void	dns_server_on_tcp_event(struct bufferevent *, short, void *);
static void	dns_server_on_tcp_deadline(evutil_socket_t, short, void *);
static int	dns_server_evict(struct dns_server *) MUST_CHECK;
static bool	dns_server_conn_is_waiting(const struct dns_tcp_conn *);
static int	dns_server_conn_arm(struct dns_tcp_conn *) MUST_CHECK;
static void	dns_server_conn_close(struct dns_tcp_conn *);
static void	dns_server_conn_free(struct dns_tcp_conn *);

struct dns_server *
dns_server_new(struct event_base *base, const struct dns_zone *zone,
    const char *addr, uint16_t port, struct err *err)
{
	struct dns_server	*srv;
	struct sockaddr_storage	 ss;
	struct err		 berr;
	socklen_t		 sslen = 0;
	int			 tries;

	if (sockaddr_parse(addr, port, &ss, &sslen, err) == -1)
		return NULL;
	srv = xcalloc(1, sizeof(*srv));
	srv->base = base;
	srv->zone = zone;
	srv->udp_fd = -1;
	srv->tcp_conn_max = DNS_SERVER_TCP_CONN_MAX;
	srv->tcp_query_ms = DNS_SERVER_TCP_QUERY_MS;
	TAILQ_INIT(&srv->conns);
	srv->inbuf = xmalloc(DNS_TCP_MAX);
	srv->outbuf = xmalloc(DNS_SERVER_LEN_PREFIX + DNS_TCP_MAX);
	for (tries = 0;; tries++) {
		err_clear(&berr);
		if (dns_server_bind(srv, (struct sockaddr *)&ss, sslen,
		    &berr) == 0)
			break;
		/* port 0: the UDP port may be taken for TCP; pick again */
		if (port != 0 || berr.sys_errno != EADDRINUSE ||
		    tries + 1 == DNS_SERVER_BIND_TRIES) {
			err_prefix(&berr, "%s port %u", addr,
			    (unsigned int)port);
			if (err != NULL)
				*err = berr;
			goto fail;
		}
	}
	srv->udp_ev = event_new(base, srv->udp_fd, EV_READ | EV_PERSIST,
	    dns_server_on_udp, srv);
	if (srv->udp_ev == NULL || event_add(srv->udp_ev, NULL) == -1) {
		(void)err_set(err, ERR_SYS, "%s: cannot add UDP event", addr);
		goto fail;
	}
	evconnlistener_set_error_cb(srv->listener, dns_server_on_accept_error);
	return srv;
fail:
	dns_server_free(srv);
	return NULL;
}

/*
 * dns_server_bind - UDP socket on ss (port 0: any), then the TCP listener
 * on the same port number. On failure nothing stays open.
 */
static int
dns_server_bind(struct dns_server *srv, const struct sockaddr *sa,
    socklen_t salen, struct err *err)
{
	struct sockaddr_storage	 bound;
	socklen_t		 blen = sizeof(bound);
	evutil_socket_t		 fd;
	unsigned int		 flags;

	fd = socket(sa->sa_family, SOCK_DGRAM, 0);
	if (fd == -1)
		return err_sys(err, "UDP socket");
	if (evutil_make_socket_nonblocking(fd) == -1 ||
	    evutil_make_socket_closeonexec(fd) == -1 ||
	    bind(fd, sa, salen) == -1 ||
	    getsockname(fd, (struct sockaddr *)&bound, &blen) == -1) {
		(void)err_sys(err, "UDP bind");
		evutil_closesocket(fd);
		return -1;
	}
	flags = LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC |
	    LEV_OPT_REUSEABLE;
	errno = 0;
	srv->listener = evconnlistener_new_bind(srv->base,
	    dns_server_on_accept, srv, flags, -1,
	    (struct sockaddr *)&bound, (int)blen);
	if (srv->listener == NULL) {
		(void)err_sys(err, "TCP bind");
		evutil_closesocket(fd);
		return -1;
	}
	srv->udp_fd = fd;
	srv->port = sockaddr_port((struct sockaddr *)&bound);
	return 0;
}

uint16_t
dns_server_port(const struct dns_server *srv)
{
	return srv->port;
}

/* dns_server_set_tcp_limits - query deadline and connection cap; 0: default */
int
dns_server_set_tcp_limits(struct dns_server *srv, unsigned int query_ms,
    size_t conn_max, struct err *err)
{
	if (query_ms > DNS_SERVER_TCP_QUERY_MS_MAX)
		return err_set(err, ERR_RANGE,
		    "dns: TCP query deadline %u ms: over %u", query_ms,
		    (unsigned int)DNS_SERVER_TCP_QUERY_MS_MAX);
	if (conn_max > DNS_SERVER_TCP_CONN_LIMIT)
		return err_set(err, ERR_RANGE,
		    "dns: TCP connection cap %zu: over %u", conn_max,
		    (unsigned int)DNS_SERVER_TCP_CONN_LIMIT);
	srv->tcp_query_ms = query_ms != 0 ? query_ms : DNS_SERVER_TCP_QUERY_MS;
	srv->tcp_conn_max = conn_max != 0 ? conn_max : DNS_SERVER_TCP_CONN_MAX;
	return 0;
}

void
dns_server_free(struct dns_server *srv)
{
	struct dns_tcp_conn	*c;

	if (srv == NULL)
		return;
	while ((c = TAILQ_FIRST(&srv->conns)) != NULL)
		dns_server_conn_free(c);
	if (srv->listener != NULL)
		evconnlistener_free(srv->listener);
	if (srv->udp_ev != NULL)
		event_free(srv->udp_ev);
	if (srv->udp_fd != -1)
		evutil_closesocket(srv->udp_fd);
	free(srv->outbuf);
	free(srv->inbuf);
	free(srv);
}

/*
 * dns_server_handle - answer one message into srv->outbuf (after the
 * length prefix) and write its event record.
 */
static enum dns_server_verdict
dns_server_handle(struct dns_server *srv, enum dns_server_proto proto,
    uint64_t session, const char *peer, const uint8_t *q, size_t qlen,
    size_t outcap, size_t *outlen)
{
	struct dns_answer_info	 info;
	struct log_event	 ev;

	if (dns_zone_answer(srv->zone, proto == DNS_SERVER_TCP ?
	    DNS_TRANSPORT_TCP : DNS_TRANSPORT_UDP, q, qlen,
	    srv->outbuf + DNS_SERVER_LEN_PREFIX, outcap, outlen, &info) == -1) {
		info.dropped = true;		/* documented never to happen */
		info.fault = DNS_FAULT_NONE;
		info.reason = "error";
	}
	if (info.dropped && info.fault == DNS_FAULT_NONE) {
		dns_server_event_drop(proto, session, peer,
		    info.reason != NULL ? info.reason : "unanswerable");
		return DNS_SERVER_DROP;
	}
	log_event_begin(&ev, "dns", session, "query");
	log_event_str(&ev, "proto", dns_server_proto_str(proto));
	log_event_str(&ev, "peer", peer);
	log_event_str(&ev, "name", info.qname);
	log_event_str(&ev, "type", info.qtype);
	log_event_str(&ev, "rcode", info.rcode);
	log_event_uint(&ev, "answers", info.answers);
	log_event_str(&ev, "fault", dns_fault_str(info.fault));
	log_event_end(&ev);
	return info.dropped ? DNS_SERVER_SILENT : DNS_SERVER_REPLY;
}

static void
dns_server_event_drop(enum dns_server_proto proto, uint64_t session,
    const char *peer, const char *reason)
{
	struct log_event	ev;

	log_event_begin(&ev, "dns", session, "drop");
	log_event_str(&ev, "proto", dns_server_proto_str(proto));
	log_event_str(&ev, "peer", peer);
	log_event_str(&ev, "reason", reason);
	log_event_end(&ev);
}

static const char *
dns_server_proto_str(enum dns_server_proto proto)
{
	switch (proto) {
	case DNS_SERVER_UDP:
		return "udp";
	case DNS_SERVER_TCP:
		return "tcp";
	default:
		fatalx("dns_server_proto_str: bad proto %d", (int)proto);
	}
}

/* dns_server_on_udp - answer up to DNS_SERVER_UDP_BURST waiting datagrams */
static void
dns_server_on_udp(evutil_socket_t fd, short what, void *arg)
{
	struct dns_server	*srv = arg;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = 0;
	ssize_t			 n;
	size_t			 outlen;
	uint64_t		 session;
	char			 peer[DNS_SERVER_PEER_MAX];
	int			 i;

	(void)what;
	for (i = 0; i < DNS_SERVER_UDP_BURST; i++) {
		sslen = sizeof(ss);
		n = recvfrom(fd, srv->inbuf, DNS_TCP_MAX, MSG_TRUNC,
		    (struct sockaddr *)&ss, &sslen);
		if (n == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				log_warn("dns: UDP recvfrom");
			return;
		}
		session = ++srv->next_session;
		(void)sockaddr_format((struct sockaddr *)&ss, peer,
		    sizeof(peer));
		if ((size_t)n > DNS_TCP_MAX) {
			dns_server_event_drop(DNS_SERVER_UDP, session, peer,
			    "oversized");
			continue;
		}
		if (dns_server_handle(srv, DNS_SERVER_UDP, session, peer,
		    srv->inbuf, (size_t)n,
		    dns_zone_query_udp_max(srv->inbuf, (size_t)n),
		    &outlen) != DNS_SERVER_REPLY)
			continue;
		if (sendto(fd, srv->outbuf + DNS_SERVER_LEN_PREFIX, outlen, 0,
		    (struct sockaddr *)&ss, sslen) == -1)
			log_debug("dns: UDP reply to %s: %s", peer,
			    strerror(errno));
	}
}

static void
dns_server_on_accept(struct evconnlistener *lis, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct dns_server	*srv = arg;
	struct dns_tcp_conn	*c;
	struct timeval		 idle = { DNS_SERVER_TCP_IDLE, 0 };
	char			 peer[DNS_SERVER_PEER_MAX];

	(void)lis;
	(void)salen;
	(void)sockaddr_format(sa, peer, sizeof(peer));
	if (srv->nconns >= srv->tcp_conn_max && dns_server_evict(srv) == -1) {
		dns_server_event_drop(DNS_SERVER_TCP, ++srv->next_session,
		    peer, "too-many-connections");
		evutil_closesocket(fd);
		return;
	}
	c = xcalloc(1, sizeof(*c));
	c->srv = srv;
	c->session = ++srv->next_session;
	memcpy(c->peer, peer, sizeof(c->peer));
	c->bev = bufferevent_socket_new(srv->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		log_warnx("dns: %s: cannot create bufferevent", peer);
		evutil_closesocket(fd);
		free(c);
		return;
	}
	TAILQ_INSERT_TAIL(&srv->conns, c, entry);
	srv->nconns++;
	bufferevent_setcb(c->bev, dns_server_on_tcp_read,
	    dns_server_on_tcp_write, dns_server_on_tcp_event, c);
	/* never buffer more than one whole message (RFC 1035 §4.2.2) */
	bufferevent_setwatermark(c->bev, EV_READ, 0,
	    DNS_SERVER_LEN_PREFIX + DNS_TCP_MAX);
	(void)bufferevent_set_timeouts(c->bev, &idle, &idle);
	c->deadline = evtimer_new(srv->base, dns_server_on_tcp_deadline, c);
	if (c->deadline == NULL || dns_server_conn_arm(c) == -1 ||
	    bufferevent_enable(c->bev, EV_READ | EV_WRITE) == -1) {
		log_warnx("dns: %s: cannot set up connection", peer);
		dns_server_conn_free(c);
	}
}

/*
 * dns_server_evict - at the cap, close connections that are owed nothing,
 * longest-waiting first, until a slot is free; -1 if every slot is owed
 * an answer. Without this, slow clients that never finish a query would
 * keep every slot until their deadline and refuse everyone else.
 */
static int
dns_server_evict(struct dns_server *srv)
{
	struct dns_tcp_conn	*c;

	while (srv->nconns >= srv->tcp_conn_max) {
		TAILQ_FOREACH(c, &srv->conns, entry)
			if (dns_server_conn_is_waiting(c))
				break;
		if (c == NULL)
			return -1;
		dns_server_event_drop(DNS_SERVER_TCP, c->session, c->peer,
		    "evicted");
		dns_server_conn_free(c);
	}
	return 0;
}

static void
dns_server_on_accept_error(struct evconnlistener *lis, void *arg)
{
	(void)lis;
	(void)arg;
	log_warn("dns: TCP accept");	/* EMFILE and the like; keep going */
}

/*
 * dns_server_on_tcp_read - answer each complete length-prefixed message
 * (RFC 7766 §6.2.1: several per connection, in order); a zero length is
 * garbage and ends the connection.
 */
static void
dns_server_on_tcp_read(struct bufferevent *bev, void *arg)
{
	struct dns_tcp_conn	*c = arg;
	struct dns_server	*srv = c->srv;
	struct evbuffer		*in = bufferevent_get_input(bev);
	uint8_t			 prefix[DNS_SERVER_LEN_PREFIX];
	size_t			 msglen, outlen;

	while (!c->closing) {
		if (evbuffer_get_length(bufferevent_get_output(bev)) >=
		    DNS_SERVER_TCP_OUTQ_MAX) {
			/* the client does not read; wait for the queue */
			c->paused = true;
			(void)bufferevent_disable(bev, EV_READ);
			(void)evtimer_del(c->deadline);
			return;
		}
		if (evbuffer_copyout(in, prefix, sizeof(prefix)) !=
		    (ev_ssize_t)sizeof(prefix))
			return;
		msglen = (size_t)prefix[0] << 8 | prefix[1];
		if (msglen == 0 || msglen > DNS_TCP_MAX) {
			dns_server_event_drop(DNS_SERVER_TCP, c->session,
			    c->peer, "bad-length");
			dns_server_conn_free(c);
			return;
		}
		if (evbuffer_get_length(in) < sizeof(prefix) + msglen)
			return;
		(void)evbuffer_drain(in, sizeof(prefix));
		if (evbuffer_remove(in, srv->inbuf, msglen) !=
		    (int)msglen)
			fatalx("dns_server_on_tcp_read: short evbuffer");
		switch (dns_server_handle(srv, DNS_SERVER_TCP, c->session,
		    c->peer, srv->inbuf, msglen, DNS_TCP_MAX, &outlen)) {
		case DNS_SERVER_REPLY:
			srv->outbuf[0] = (uint8_t)(outlen >> 8);
			srv->outbuf[1] = (uint8_t)outlen;
			if (bufferevent_write(bev, srv->outbuf,
			    DNS_SERVER_LEN_PREFIX + outlen) == -1 ||
			    dns_server_conn_arm(c) == -1) {
				dns_server_conn_free(c);
				return;
			}
			break;
		case DNS_SERVER_SILENT:
			if (dns_server_conn_arm(c) == -1) {
				dns_server_conn_free(c);
				return;
			}
			break;
		case DNS_SERVER_DROP:
			dns_server_conn_free(c);
			return;
		default:
			fatalx("dns_server_on_tcp_read: bad verdict");
		}
	}
}

/* dns_server_on_tcp_write - output drained: resume reading, or close */
static void
dns_server_on_tcp_write(struct bufferevent *bev, void *arg)
{
	struct dns_tcp_conn	*c = arg;

	if (c->closing) {
		dns_server_conn_free(c);
		return;
	}
	if (!c->paused)
		return;
	c->paused = false;
	/* the clock stood still while we did not read; start it afresh */
	if (dns_server_conn_arm(c) == -1 ||
	    bufferevent_enable(bev, EV_READ) == -1) {
		dns_server_conn_free(c);
		return;
	}
	dns_server_on_tcp_read(bev, c);
}

/*
 * dns_server_on_tcp_event - EOF, error or idle timeout. A connection cut
 * in the middle of a message is reported as a drop; replies still queued
 * after the client's EOF are flushed first.
 */
static void
dns_server_on_tcp_event(struct bufferevent *bev, short what, void *arg)
{
	struct dns_tcp_conn	*c = arg;
	size_t			 pending;

	pending = evbuffer_get_length(bufferevent_get_input(bev));
	if (pending > 0)
		dns_server_event_drop(DNS_SERVER_TCP, c->session, c->peer,
		    (what & BEV_EVENT_TIMEOUT) ? "timeout" : "partial");
	if ((what & BEV_EVENT_EOF) && pending == 0) {
		dns_server_conn_close(c);
		return;
	}
	dns_server_conn_free(c);
}

/*
 * dns_server_on_tcp_deadline - no whole query in time: whatever trickle of
 * bytes kept the idle timeout away, the connection goes. A part message is
 * a lost query (slow-query record); nothing at all is plain idleness.
 */
static void
dns_server_on_tcp_deadline(evutil_socket_t fd, short what, void *arg)
{
	struct dns_tcp_conn	*c = arg;
	struct evbuffer		*in = bufferevent_get_input(c->bev);

	(void)fd;
	(void)what;
	if (evbuffer_get_length(in) > 0) {
		dns_server_event_drop(DNS_SERVER_TCP, c->session, c->peer,
		    "slow-query");
		/* reported once: a later idle timeout must not say "timeout" */
		(void)evbuffer_drain(in, evbuffer_get_length(in));
	}
	dns_server_conn_close(c);
}

/*
 * dns_server_conn_is_waiting - the connection is owed nothing: no answer
 * queued, reading, not closing; only such a connection may be evicted
 */
static bool
dns_server_conn_is_waiting(const struct dns_tcp_conn *c)
{
	return !c->closing && !c->paused &&
	    evbuffer_get_length(bufferevent_get_output(c->bev)) == 0;
}

/*
 * dns_server_conn_arm - (re)start the clock for the next whole query, and
 * move the connection to the tail of the eviction order
 */
static int
dns_server_conn_arm(struct dns_tcp_conn *c)
{
	struct dns_server	*srv = c->srv;
	struct timeval		 tv;

	tv.tv_sec = srv->tcp_query_ms / 1000;
	tv.tv_usec = (suseconds_t)(srv->tcp_query_ms % 1000) * 1000;
	TAILQ_REMOVE(&srv->conns, c, entry);
	TAILQ_INSERT_TAIL(&srv->conns, c, entry);
	return evtimer_add(c->deadline, &tv);
}

/*
 * dns_server_conn_close - close once queued answers are flushed (at once
 * if there are none); reading and the deadline stop now. A client that
 * does not read them meets the idle write timeout.
 */
static void
dns_server_conn_close(struct dns_tcp_conn *c)
{
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0) {
		dns_server_conn_free(c);
		return;
	}
	c->closing = true;
	(void)bufferevent_disable(c->bev, EV_READ);
	(void)evtimer_del(c->deadline);
}

/* dns_server_conn_free - close one TCP connection (safe in its callbacks) */
static void
dns_server_conn_free(struct dns_tcp_conn *c)
{
	TAILQ_REMOVE(&c->srv->conns, c, entry);
	c->srv->nconns--;
	if (c->deadline != NULL)
		event_free(c->deadline);
	bufferevent_free(c->bev);
	free(c);
}
