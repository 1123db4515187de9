/* SPDX-License-Identifier: ISC */
/*
 * listen.h -- the listening socket of a fake server (MX, policy host in
 * blackhole mode, CRL host): one place for parse, bind, listen and the
 * port the kernel gave.
 */
#ifndef FAKE_MX_LISTEN_H
#define FAKE_MX_LISTEN_H

#include <stdint.h>

#include <event2/listener.h>

#include "../common/err.h"

#define FAKE_LISTEN_WHO_MAX	272	/* "https " + a host name */

/*
 * fake_listen - a libevent listener on addr:port (0: ephemeral) with
 * backlog (-1: libevent's default) calling cb(arg); *bound gets the port.
 * Errors name who ("mx mx1.d.test") and the address.
 */
struct evconnlistener *fake_listen(struct event_base *, const char *addr,
	    uint16_t port, int backlog, evconnlistener_cb cb, void *arg,
	    const char *who, uint16_t *bound, struct err *);

#endif
