/* SPDX-License-Identifier: ISC */
/*
 * testutil.h -- helpers shared by the unit tests (linked into every test
 * program from build/libtestutil.a).
 */
#ifndef TESTS_UNIT_TESTUTIL_H
#define TESTS_UNIT_TESTUTIL_H

/* testutil_count_fds - open descriptors of this process, to prove a test
 * row leaks none */
int	testutil_count_fds(void);

#endif
