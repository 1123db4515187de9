/* SPDX-License-Identifier: ISC */
/*
 * listen.c -- the listening socket of a fake server (listen.h).
 */
#include <sys/socket.h>

#include <event2/listener.h>

#include "../common/sockaddr.h"
#include "listen.h"

struct evconnlistener *
fake_listen(struct event_base *base, const char *addr, uint16_t port,
    int backlog, evconnlistener_cb cb, void *arg, const char *who,
    uint16_t *bound, struct err *err)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	struct evconnlistener	*lev;

	if (sockaddr_parse(addr, port, &ss, &sslen, err) == -1) {
		err_prefix(err, "%s", who);
		return NULL;
	}
	lev = evconnlistener_new_bind(base, cb, arg, LEV_OPT_CLOSE_ON_FREE |
	    LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC, backlog,
	    (struct sockaddr *)&ss, (int)sslen);
	if (lev == NULL) {
		err_sys(err, "%s: listen on %s port %u", who, addr,
		    (unsigned)port);
		return NULL;
	}
	if (sockaddr_bound_port(evconnlistener_get_fd(lev), bound, err) ==
	    -1) {
		err_prefix(err, "%s", who);
		evconnlistener_free(lev);
		return NULL;
	}
	return lev;
}
