/* SPDX-License-Identifier: ISC */
/*
 * testutil.c -- small helpers the unit test programs share.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

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
