/* SPDX-License-Identifier: ISC */
/*
 * testutil.c -- small helpers the unit test programs share.
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <event2/event.h>

#include "testutil.h"

static void	testutil_on_ready(evutil_socket_t, short, void *);

int
testutil_count_fds(void)
{
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	assert_non_null(d = opendir("/proc/self/fd"));
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* not the descriptor opendir used */
}

static void
testutil_on_ready(evutil_socket_t fd, short what, void *arg)
{
	int	*state = arg;

	(void)fd;
	*state = (what & EV_READ) ? 1 : 2;
}

bool
testutil_wait_fd(struct event_base *base, int fd, int ms)
{
	struct timeval	tv = { ms / 1000, (ms % 1000) * 1000 };
	int		state = 0;

	assert_int_equal(event_base_once(base, fd, EV_READ,
	    testutil_on_ready, &state, &tv), 0);
	while (state == 0)
		assert_true(event_base_loop(base, EVLOOP_ONCE) != -1);
	return state == 1;
}

void
testutil_pump(struct event_base *base, int ms)
{
	struct timeval	tv = { ms / 1000, (ms % 1000) * 1000 };
	int		state = 0;

	assert_int_equal(event_base_once(base, -1, EV_TIMEOUT,
	    testutil_on_ready, &state, &tv), 0);
	while (state == 0)
		assert_true(event_base_loop(base, EVLOOP_ONCE) != -1);
}

uint64_t
testutil_now_ms(void)
{
	struct timespec	ts;

	assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &ts), 0);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * testutil_free_port - a loopback port free for both UDP and TCP just now
 * (dnsmasq cannot be given port 0: that means "no DNS")
 */
uint16_t
testutil_free_port(void)
{
	struct sockaddr_in	sin;
	socklen_t		len;
	int			u, t, tries, ok;

	for (tries = 0; tries < 32; tries++) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		t = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		assert_true(u != -1 && t != -1);
		len = sizeof(sin);
		assert_int_equal(bind(u, (struct sockaddr *)&sin,
		    sizeof(sin)), 0);
		assert_int_equal(getsockname(u, (struct sockaddr *)&sin,
		    &len), 0);
		ok = bind(t, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
		    ntohs(sin.sin_port) >= 1024;
		close(u);
		close(t);
		if (ok)
			return ntohs(sin.sin_port);
	}
	fail_msg("no free loopback port");
	return 0;
}
