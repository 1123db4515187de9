/* SPDX-License-Identifier: ISC */
/*
 * dns_server.h -- fake-dns on libevent: one UDP socket and one TCP listener
 * on the same address and port, answering from a dns_zone (borrowed; the
 * caller may change it between queries). Each query is logged as
 *   dns session=<id> event=query proto=udp peer=A:P name=N type=T
 *       rcode=R answers=K fault=F
 * A hostile client (garbage, oversized TCP length, slow TCP) costs one
 * warning event and its own connection, never the server.
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
