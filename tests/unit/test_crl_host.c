/* SPDX-License-Identifier: ISC */
/*
 * test_crl_host.c -- crl_host on 127.0.0.1:0 with a real event loop and
 * raw TCP clients in the main thread. Rows: GET of the CRL (the DER the
 * pki signs, listing the revoked leaf), HEAD, another method, another
 * path, an absolute-form target, bare LF line ends, and hostile clients:
 * garbage, a request line without a version, a head past CRL_HEAD_MAX, a
 * slowloris that never ends its head (cut by the lifetime), an instant
 * hang-up; each with the records it must leave. test_crl_host_flood: the
 * connection beyond the bound is refused and recorded, and a place frees
 * when a connection ends. No row leaks a descriptor.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/x509.h>

#include <event2/event.h>

#include "testutil.h"
#include "../../common/log.h"
#include "../../common/pki.h"
#include "../../common/str.h"
#include "../../fake-mx/crl_host.h"

#define T_HOST		"crl.x.test"
#define T_ADDR		"127.0.0.1"
#define T_EVENTS_MAX	64
#define T_ANSWER_MAX	16384
#define T_WAIT_MS	3000	/* longer than the host's 1 s lifetime */

/* rows name only the fields they test; the rest are zero on purpose */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

struct t_fixture {
	char			 dir[64];
	struct pki		*pki;
	struct event_base	*base;
	struct crl_host		*ch;
	X509			*revoked;	/* borrowed from pki */
	char			*events[T_EVENTS_MAX];
	size_t			 nevents;
};

struct t_case {
	const char	*label;
	const char	*request;	/* NULL: big head of big bytes */
	size_t		 big;		/* request's length; 0: strlen */
	bool		 hang_up;	/* close without reading */
	int		 want_status;	/* 0: none; -1: the answer or a reset */
	bool		 want_crl;	/* the body is the CRL */
	const char	*want_fetch;	/* in the fetch record; NULL: none */
	const char	*want_warn;	/* in a warn record; NULL: none */
	const char	*want_close;	/* close reason */
};

static const struct t_case t_cases[] = {
	{ "get", "GET /ca.crl HTTP/1.1\r\nHost: " T_HOST "\r\n\r\n", 0,
	    false, 200, true, "host=" T_HOST " method=GET path=/ca.crl "
	    "status=200 bytes=", NULL, "done" },
	{ "head", "HEAD /ca.crl HTTP/1.1\r\nHost: " T_HOST "\r\n\r\n", 0,
	    false, 200, false, "method=HEAD path=/ca.crl status=200 bytes=0",
	    NULL, "done" },
	{ "post", "POST /ca.crl HTTP/1.1\r\nHost: " T_HOST "\r\n"
	    "Content-Length: 0\r\n\r\n", 0, false, 405, false,
	    "method=POST path=/ca.crl status=405 bytes=0", NULL, "done" },
	{ "other path", "GET /other.crl HTTP/1.0\r\n\r\n", 0, false, 404,
	    false, "host=\"\" method=GET path=/other.crl status=404", NULL,
	    "done" },
	{ "absolute form", "GET http://" T_HOST "/ca.crl HTTP/1.1\r\n"
	    "Host: " T_HOST "\r\n\r\n", 0, false, 200, true,
	    "method=GET path=/ca.crl status=200", NULL, "done" },
	{ "bare LF, header case", "GET /ca.crl HTTP/1.0\nhOST:\t" T_HOST
	    "  \n\n", 0, false, 200, true, "host=" T_HOST " method=GET", NULL,
	    "done" },
	{ "garbage", "\x16\x03\x01\x02\x05hello\r\n\r\n", 0, false, 400,
	    false, NULL, "reason=\"not an HTTP request\"", "done" },
	{ "no version", "GET /ca.crl\r\n\r\n", 0, false, 400, false, NULL,
	    "not an HTTP request", "done" },
	{ "relative target", "GET ca.crl HTTP/1.1\r\n\r\n", 0, false, 400,
	    false, NULL, "not an HTTP request", "done" },
	{ "method too long", "GETGETGETGETGETGETGET /ca.crl HTTP/1.1\r\n\r\n",
	    0, false, 400, false, NULL, "not an HTTP request", "done" },
	{ "NUL in the request line", "GET /ca\0.crl HTTP/1.1\r\n\r\n", 25,
	    false, 400, false, NULL, "not an HTTP request", "done" },
	{ "head too long", NULL, 2 * CRL_HEAD_MAX, false, -1, false, NULL,
	    "reason=\"request head too long\"", NULL },
	{ "slowloris", "GET /ca.crl HTTP/1.1\r\nHost: cr", 0, false, 0,
	    false, NULL, NULL, "timeout" },
	{ "hang-up", "", 0, true, 0, false, NULL, NULL, "eof" },
};

static void
t_on_event(const char *line, void *arg)
{
	struct t_fixture	*fx = arg;

	if (fx->nevents < T_EVENTS_MAX)
		fx->events[fx->nevents++] = strdup(line);
}

static void
t_events_clear(struct t_fixture *fx)
{
	size_t	i;

	for (i = 0; i < fx->nevents; i++)
		free(fx->events[i]);
	fx->nevents = 0;
}

/* t_event_find - the first record with all of event and text, or NULL */
static const char *
t_event_find(const struct t_fixture *fx, const char *event, const char *text)
{
	size_t	i;

	for (i = 0; i < fx->nevents; i++)
		if (strstr(fx->events[i], event) != NULL &&
		    (text == NULL || strstr(fx->events[i], text) != NULL))
			return fx->events[i];
	return NULL;
}

static void
t_events_dump(const struct t_fixture *fx)
{
	size_t	i;

	for (i = 0; i < fx->nevents; i++)
		print_error("  %s\n", fx->events[i]);
}

static int
t_setup(void **state)
{
	struct t_fixture	*fx = calloc(1, sizeof(*fx));
	struct crl_config	 cfg;
	struct err		 err;
	EVP_PKEY		*key;

	(void)str_copy(fx->dir, "/tmp/sts-test-crl.XXXXXX", sizeof(fx->dir));
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	if ((fx->pki = pki_new(fx->dir, &err)) == NULL ||
	    pki_leaf(fx->pki, CERT_REVOKED, "mx1.x.test", &fx->revoked, &key,
	    &err) == -1) {
		print_error("pki: %s\n", err.msg);
		return -1;
	}
	fx->base = event_base_new();
	memset(&cfg, 0, sizeof(cfg));
	(void)str_copy(cfg.hostname, T_HOST, sizeof(cfg.hostname));
	cfg.timeout_sec = 1;
	cfg.max_connections = 2;
	if ((fx->ch = crl_host_new(fx->base, fx->pki, &cfg, T_ADDR, 0,
	    &err)) == NULL) {
		print_error("crl_host_new: %s\n", err.msg);
		return -1;
	}
	log_set_event_hook(t_on_event, fx);
	*state = fx;
	return 0;
}

static int
t_teardown(void **state)
{
	struct t_fixture	*fx = *state;

	crl_host_free(fx->ch);
	log_set_event_hook(NULL, NULL);
	t_events_clear(fx);
	event_base_free(fx->base);
	pki_free(fx->pki);
	if (rmdir(fx->dir) == -1)
		return -1;
	free(fx);
	return 0;
}

static int
t_connect(const struct t_fixture *fx)
{
	struct sockaddr_in	sin;
	int			fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(crl_host_port(fx->ch));
	assert_int_equal(inet_pton(AF_INET, T_ADDR, &sin.sin_addr), 1);
	assert_true((fd = socket(AF_INET, SOCK_STREAM, 0)) != -1);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	return fd;
}

/*
 * t_read_all - run the loop and read fd until EOF, a reset or ms pass;
 * the bytes read go to buf (NUL-terminated); -1 on a reset
 */
static ssize_t
t_read_all(struct t_fixture *fx, int fd, char *buf, size_t size, int ms)
{
	uint64_t	end = testutil_now_ms() + (uint64_t)ms;
	size_t		len = 0;
	ssize_t		n;

	for (;;) {
		if (testutil_now_ms() >= end ||
		    !testutil_wait_fd(fx->base, fd, (int)(end -
		    testutil_now_ms())))
			break;
		n = recv(fd, buf + len, size - 1 - len, MSG_DONTWAIT);
		if (n == 0)
			break;
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			buf[len] = '\0';
			return -1;
		}
		len += (size_t)n;
		if (len == size - 1)
			break;
	}
	buf[len] = '\0';
	return (ssize_t)len;
}

/* t_check_crl - the body is the pki's CRL and lists the revoked leaf */
static void
t_check_crl(const struct t_fixture *fx, const char *answer, size_t len)
{
	const char		*body = strstr(answer, "\r\n\r\n");
	const unsigned char	*p, *der;
	X509_CRL		*crl;
	X509_REVOKED		*rev;
	struct err		 err;
	size_t			 dlen;
	char			 want[64];

	assert_non_null(body);
	body += 4;
	assert_non_null(strstr(answer, "Content-Type: " PKI_CRL_TYPE "\r\n"));
	assert_int_equal(pki_crl_der(fx->pki, &der, &dlen, &err), 0);
	(void)snprintf(want, sizeof(want), "Content-Length: %zu\r\n", dlen);
	assert_non_null(strstr(answer, want));
	assert_int_equal((size_t)(answer + len - body), dlen);
	assert_memory_equal(body, der, dlen);
	p = (const unsigned char *)body;
	assert_non_null(crl = d2i_X509_CRL(NULL, &p, (long)dlen));
	assert_int_equal(X509_CRL_get0_by_serial(crl, &rev,
	    (ASN1_INTEGER *)X509_get0_serialNumber(fx->revoked)), 1);
	X509_CRL_free(crl);
}

/* t_run_case - one client as the row says, then the records it left */
static void
t_run_case(struct t_fixture *fx, const struct t_case *tc)
{
	char		 answer[T_ANSWER_MAX], want[32], *big = NULL;
	const char	*req = tc->request;
	size_t		 reqlen;
	ssize_t		 n;
	int		 fd;

	t_events_clear(fx);
	fd = t_connect(fx);
	if (req == NULL) {
		big = malloc(tc->big);
		assert_non_null(big);
		memset(big, 'a', tc->big);
		memcpy(big, "GET /ca.crl HTTP/1.1\r\nX: ", 25);
		req = big;
		reqlen = tc->big;
	} else
		reqlen = tc->big > 0 ? tc->big : strlen(req);
	if (reqlen > 0)
		assert_int_equal(send(fd, req, reqlen, MSG_NOSIGNAL),
		    (ssize_t)reqlen);
	free(big);
	if (tc->hang_up) {
		testutil_pump(fx->base, 50);
		close(fd);
		testutil_pump(fx->base, 100);
	} else {
		n = t_read_all(fx, fd, answer, sizeof(answer), T_WAIT_MS);
		close(fd);
		testutil_pump(fx->base, 50);
		if (tc->want_status == 0 && n != 0)
			fail_msg("%s: an answer: \"%s\"", tc->label, answer);
		if (tc->want_status > 0 || (tc->want_status == -1 && n > 0)) {
			(void)snprintf(want, sizeof(want), "HTTP/1.1 %d ",
			    tc->want_status > 0 ? tc->want_status : 431);
			if (n <= 0 || strncmp(answer, want, strlen(want)) != 0)
				fail_msg("%s: want %s, got \"%s\"", tc->label,
				    want, answer);
			assert_non_null(strstr(answer,
			    "Connection: close\r\n"));
		}
		if (tc->want_crl)
			t_check_crl(fx, answer, (size_t)n);
	}
	if (t_event_find(fx, "event=connect", "server=" T_HOST) == NULL) {
		t_events_dump(fx);
		fail_msg("%s: no connect record", tc->label);
	}
	if ((tc->want_fetch != NULL) != (t_event_find(fx, "event=fetch",
	    tc->want_fetch) != NULL) ||
	    (tc->want_warn != NULL && t_event_find(fx, "event=warn",
	    tc->want_warn) == NULL) ||
	    (tc->want_close != NULL && t_event_find(fx, "event=close",
	    tc->want_close) == NULL) ||
	    t_event_find(fx, "event=close", NULL) == NULL) {
		t_events_dump(fx);
		fail_msg("%s: records", tc->label);
	}
}

static void
test_crl_host_requests(void **state)
{
	struct t_fixture	*fx = *state;
	size_t			 i;
	int			 fds;

	fds = testutil_count_fds();
	for (i = 0; i < sizeof(t_cases) / sizeof(t_cases[0]); i++)
		t_run_case(fx, &t_cases[i]);
	assert_int_equal(testutil_count_fds(), fds);
}

/*
 * test_crl_host_flood - two idle connections fill the bound: the third is
 * refused (recorded, closed unanswered); when the lifetime ends the idle
 * ones, a new connection is served
 */
static void
test_crl_host_flood(void **state)
{
	struct t_fixture	*fx = *state;
	char			 answer[T_ANSWER_MAX];
	const char		*req = "GET /ca.crl HTTP/1.0\r\n\r\n";
	int			 idle[2], fd, fds;
	ssize_t			 n;

	fds = testutil_count_fds();
	t_events_clear(fx);
	idle[0] = t_connect(fx);
	idle[1] = t_connect(fx);
	testutil_pump(fx->base, 100);
	fd = t_connect(fx);
	assert_int_equal(send(fd, req, strlen(req), MSG_NOSIGNAL),
	    (ssize_t)strlen(req));
	n = t_read_all(fx, fd, answer, sizeof(answer), 500);
	assert_true(n <= 0);
	close(fd);
	if (t_event_find(fx, "event=refused",
	    "reason=too-many-connections") == NULL) {
		t_events_dump(fx);
		fail_msg("no refused record");
	}
	/* the lifetime frees both places */
	assert_int_equal(t_read_all(fx, idle[0], answer, sizeof(answer),
	    T_WAIT_MS), 0);
	assert_int_equal(t_read_all(fx, idle[1], answer, sizeof(answer),
	    T_WAIT_MS), 0);
	close(idle[0]);
	close(idle[1]);
	fd = t_connect(fx);
	assert_int_equal(send(fd, req, strlen(req), MSG_NOSIGNAL),
	    (ssize_t)strlen(req));
	n = t_read_all(fx, fd, answer, sizeof(answer), T_WAIT_MS);
	close(fd);
	assert_true(n > 0);
	assert_int_equal(strncmp(answer, "HTTP/1.1 200 ", 13), 0);
	testutil_pump(fx->base, 50);
	assert_int_equal(testutil_count_fds(), fds);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crl_host_requests),
		cmocka_unit_test(test_crl_host_flood),
	};

	return cmocka_run_group_tests_name("crl_host", tests, t_setup,
	    t_teardown);
}
