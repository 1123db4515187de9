/* SPDX-License-Identifier: ISC */
/*
 * dns_server.h -- fake-dns on libevent: one UDP socket and one TCP listener
 * on the same address and port, answering from a dns_zone (borrowed; the
 * caller may change it between queries). Each query is logged as
 *   dns session=<id> event=query proto=udp peer=A:P name=N type=T
 *       rcode=R answers=K fault=F
 * (session: one per UDP datagram, one per TCP connection; rcode=none when
 * a timeout fault sends nothing; answers=0 when TC is set).
 * A hostile client (garbage, bad TCP length, slow TCP) costs one
 *   dns session=<id> event=drop proto=udp|tcp peer=A:P reason=R
 * and its own connection, never the server. R is one of: short (under a
 * 12-octet header), response (QR set), bad-length (TCP length 0),
 * partial (EOF inside a TCP message), timeout (idle 10 s inside a TCP
 * message), slow-query (a TCP message not complete by its deadline, see
 * below), evicted (closed at the connection cap to make room, see below),
 * too-many-connections, outcap, oversized.
 *
 * TCP deadline: a connection must deliver one whole length-prefixed query
 * within the query deadline of its accept, or of the moment the answer to
 * its previous query was queued, however it trickles the bytes. Past it,
 * the connection is closed (queued answers are flushed first): with a
 * slow-query record if part of a message had arrived, quietly (as on
 * idle) if nothing had. The clock stops while the server has stopped
 * reading because the client does not read its answers, and starts afresh
 * when reading resumes. The 10 s idle timeout applies as well.
 *
 * TCP cap: at the cap, a new connection evicts the connection that has
 * waited longest for its next query, among those owed nothing (no answer
 * queued, not closing); only when every slot is owed an answer is the new
 * connection refused (too-many-connections).
 *
 * The embedding program must ignore SIGPIPE.
 */
#ifndef FAKE_DNS_DNS_SERVER_H
#define FAKE_DNS_DNS_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "../common/err.h"

#define DNS_SERVER_TCP_QUERY_MS	5000	/* default query deadline */
#define DNS_SERVER_TCP_QUERY_MS_MAX	(10 * 60 * 1000)
#define DNS_SERVER_TCP_CONN_MAX	256	/* default connection cap */
#define DNS_SERVER_TCP_CONN_LIMIT	65536	/* fds are the real bound */

struct event_base;
struct dns_zone;
struct dns_server;

/* port 0 picks a free port (same number for UDP and TCP) */
struct dns_server *dns_server_new(struct event_base *, const struct dns_zone *,
	    const char *addr, uint16_t port, struct err *);
uint16_t dns_server_port(const struct dns_server *);
/*
 * dns_server_set_tcp_limits - the TCP query deadline in milliseconds
 * (1..DNS_SERVER_TCP_QUERY_MS_MAX) and the connection cap
 * (1..DNS_SERVER_TCP_CONN_LIMIT); 0 selects the default. A new deadline
 * applies from the next time a connection's clock starts, a new cap from
 * the next accept. On error (ERR_RANGE) nothing changes.
 */
int	dns_server_set_tcp_limits(struct dns_server *, unsigned int query_ms,
	    size_t conn_max, struct err *) MUST_CHECK;
void	dns_server_free(struct dns_server *);

#endif
