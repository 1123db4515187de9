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
 * message), too-many-connections, outcap, oversized.
 * The embedding program must ignore SIGPIPE.
 */
#ifndef FAKE_DNS_DNS_SERVER_H
#define FAKE_DNS_DNS_SERVER_H

#include <stdint.h>

#include "../common/err.h"

struct event_base;
struct dns_zone;
struct dns_server;

/* port 0 picks a free port (same number for UDP and TCP) */
struct dns_server *dns_server_new(struct event_base *, const struct dns_zone *,
	    const char *addr, uint16_t port, struct err *);
uint16_t dns_server_port(const struct dns_server *);
void	dns_server_free(struct dns_server *);

#endif
