/* SPDX-License-Identifier: ISC */
/*
 * testutil.h -- helpers shared by the unit tests (linked into every test
 * program from build/libtestutil.a).
 */
#ifndef TESTS_UNIT_TESTUTIL_H
#define TESTS_UNIT_TESTUTIL_H

#include <stdbool.h>
#include <stdint.h>

/* testutil_count_fds - open descriptors of this process, to prove a test
 * row leaks none */
int	testutil_count_fds(void);

struct event_base;

/* testutil_wait_fd - run base until fd is readable (true) or ms pass */
bool	testutil_wait_fd(struct event_base *, int fd, int ms);
/* testutil_pump - run base (the servers under test) for ms */
void	testutil_pump(struct event_base *, int ms);

/* testutil_now_ms - CLOCK_MONOTONIC in milliseconds */
uint64_t testutil_now_ms(void);

/* testutil_free_port - a loopback port free for both UDP and TCP just now */
uint16_t testutil_free_port(void);

#endif
