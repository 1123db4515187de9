/* SPDX-License-Identifier: ISC */
/*
 * sockaddr.h -- numeric socket addresses for the fake servers: parse a
 * listen address (never a name lookup), read a bound port, format a peer.
 */
#ifndef COMMON_SOCKADDR_H
#define COMMON_SOCKADDR_H

#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define SOCKADDR_STR_MAX	64	/* "[v6]:port" with room to spare */

/* sockaddr_parse - numeric IPv4 or IPv6 address and port into ss */
int	sockaddr_parse(const char *addr, uint16_t port,
	    struct sockaddr_storage *ss, socklen_t *len, struct err *)
	    __attribute__((warn_unused_result));
/* sockaddr_port - the port of an AF_INET/AF_INET6 address, else 0 */
uint16_t sockaddr_port(const struct sockaddr *);
/* sockaddr_bound_port - the local port fd is bound to */
int	sockaddr_bound_port(int fd, uint16_t *port, struct err *)
	    __attribute__((warn_unused_result));
/* sockaddr_format - "IP:PORT" or "[IPv6]:PORT"; "?" and -1 otherwise */
int	sockaddr_format(const struct sockaddr *, char *buf, size_t size);

#endif
