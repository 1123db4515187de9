/* SPDX-License-Identifier: ISC */
/*
 * test_policy_host.c -- policy_host on 127.0.0.1:0 with a real event loop,
 * fetched with libcurl from a second thread (the loop only ever runs in
 * the main thread). Rows: the scenario's status, body and Content-Type,
 * 404 elsewhere, redirects, HEAD, odd methods, clients that do not trust
 * us or send a hostile request head, and that each fetch record carries
 * the SNI and Host the client sent.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include <event2/event.h>

#include "testutil.h"
#include "../../common/log.h"
#include "../../common/pki.h"
#include "../../common/proto.h"
#include "../../common/str.h"
#include "../../fake-mx/policy_host.h"

#define T_HOST		"mta-sts.x.test"
#define T_ADDR		"127.0.0.1"
#define T_REQS_MAX	3
#define T_BODY_MAX	4096
#define T_EVENTS_MAX	16
#define T_GUARD_SEC	20

#define T_POLICY	"version: STSv1\nmode: enforce\nmx: mx1.x.test\n" \
			"max_age: 86400\n"

/* the fields every fetch record starts with, up to peer= */
#define EV_FETCH	"https session=%016x event=fetch laddr=" T_ADDR \
			" server=" T_HOST " peer=" T_ADDR ":"

enum t_method {
	T_GET = 0,
	T_HEAD,
	T_POST,
};

enum t_client {
	T_TRUST_CA = 0,		/* by name, trusting the run's CA */
	T_TRUST_OTHER,		/* by name, trusting some other CA */
	T_BY_IP,		/* by address (no SNI), verifying nothing */
	T_BIG_HEAD,		/* trusting the CA, 16 KB of request header */
};

struct t_req {
	const char	*path;		/* NULL: STS_POLICY_PATH */
	enum t_method	 method;
	enum t_client	 client;
	long		 want_status;	/* 0: no answer; -1: none or >= 400 */
	const char	*want_body;	/* NULL: unchecked */
	const char	*want_ctype;	/* NULL: no Content-Type */
	const char	*want_location;	/* NULL: no Location */
	const char	*want_event;	/* after peer=; NULL: no record */
};

struct t_case {
	const char		*label;
	int			 status;
	const char		*content_type;
	const char		*body;
	enum cert_profile	 cert;
	size_t			 nreq;
	struct t_req		 reqs[T_REQS_MAX];
};

struct t_result {
	CURLcode	 rc;
	long		 status;
	char		 body[T_BODY_MAX];
	size_t		 body_len;
	bool		 body_overflow;
	char		 ctype[128];
	bool		 has_ctype;
	char		 location[256];
	bool		 has_location;
};

struct t_fixture {
	char		 dir[64];
	char		 other_dir[64];
	struct pki	*pki;
	struct pki	*other;		/* a CA our servers never use */
};

struct t_run {
	const struct t_case	*tc;
	struct t_fixture	*fx;
	struct event_base	*base;
	uint16_t		 port;
	struct t_result		 res[T_REQS_MAX];
	atomic_bool		 done;
	char			*events[T_EVENTS_MAX];
	size_t			 nevents;
};

static const struct t_case t_cases[] = {
	{ "policy served as configured", 200, "text/plain", T_POLICY,
	    CERT_VALID, 3, {
	    { NULL, T_GET, T_TRUST_CA, 200, T_POLICY, "text/plain", NULL,
	      " sni=" T_HOST " host=" T_HOST ":{port} method=GET path="
	      STS_POLICY_PATH " status=200 bytes=59" },
	    { "/", T_GET, T_TRUST_CA, 404, "not found\n", "text/plain", NULL,
	      " sni=" T_HOST " host=" T_HOST ":{port} method=GET path=/"
	      " status=404 bytes=10" },
	    { STS_POLICY_PATH "?x=1", T_GET, T_TRUST_CA, 200, T_POLICY,
	      "text/plain", NULL, " method=GET path=" STS_POLICY_PATH
	      " status=200" } } },
	{ "no Content-Type at all", 200, "", T_POLICY, CERT_VALID, 1, {
	    { NULL, T_GET, T_TRUST_CA, 200, T_POLICY, NULL, NULL,
	      " status=200 bytes=59" } } },
	{ "wrong Content-Type, empty body", 200, "text/html; charset=utf-8",
	    "", CERT_VALID, 1, {
	    { NULL, T_GET, T_TRUST_CA, 200, "", "text/html; charset=utf-8",
	      NULL, " status=200 bytes=0" } } },
	{ "server error", 500, "text/plain", "oops\n", CERT_VALID, 1, {
	    { NULL, T_GET, T_TRUST_CA, 500, "oops\n", "text/plain", NULL,
	      " status=500 bytes=5" } } },
	{ "redirect carries a Location", 301, "text/plain", T_POLICY,
	    CERT_VALID, 2, {
	    { NULL, T_GET, T_TRUST_CA, 301, NULL, "text/plain",
	      "https://" T_HOST "/elsewhere", " status=301" },
	    { "/elsewhere", T_GET, T_TRUST_CA, 404, NULL, "text/plain", NULL,
	      " path=/elsewhere status=404" } } },
	{ "HEAD and POST", 200, "text/plain", T_POLICY, CERT_VALID, 2, {
	    { NULL, T_HEAD, T_TRUST_CA, 200, "", "text/plain", NULL,
	      " method=HEAD path=" STS_POLICY_PATH " status=200 bytes=0" },
	    { NULL, T_POST, T_TRUST_CA, 405, NULL, "text/plain", NULL,
	      " method=POST path=" STS_POLICY_PATH " status=405" } } },
	{ "untrusting client fails, the server lives on", 200, "text/plain",
	    T_POLICY, CERT_VALID, 2, {
	    { NULL, T_GET, T_TRUST_OTHER, 0, NULL, NULL, NULL, NULL },
	    { NULL, T_GET, T_TRUST_CA, 200, T_POLICY, "text/plain", NULL,
	      " sni=" T_HOST " host=" T_HOST ":{port} method=GET" } } },
	{ "unknown-CA certificate is rejected", 200, "text/plain", T_POLICY,
	    CERT_UNKNOWN_CA, 2, {
	    { NULL, T_GET, T_TRUST_CA, 0, NULL, NULL, NULL, NULL },
	    { NULL, T_GET, T_BY_IP, 200, T_POLICY, "text/plain", NULL,
	      " sni=\"\" host=" T_ADDR ":{port} method=GET" } } },
	{ "request head over the limit", 200, "text/plain", T_POLICY,
	    CERT_VALID, 2, {
	    { NULL, T_GET, T_BIG_HEAD, -1, NULL, NULL, NULL, NULL },
	    { NULL, T_GET, T_TRUST_CA, 200, T_POLICY, "text/plain", NULL,
	      " status=200 bytes=59" } } },
	{ NULL, 0, NULL, NULL, CERT_VALID, 0, { { NULL } } },
};

static void	t_on_event(const char *, void *);
static void	t_on_tick(evutil_socket_t, short, void *);
static void    *t_client_main(void *);
static void	t_fetch(const struct t_run *, const struct t_req *,
		    struct t_result *);
static size_t	t_on_body(char *, size_t, size_t, void *);
static size_t	t_on_header(char *, size_t, size_t, void *);
static void	t_check(const struct t_run *);
static void	t_expand(const char *, uint16_t, char *, size_t);

static int
t_setup(void **state)
{
	struct t_fixture	*fx;
	struct err		 err;

	signal(SIGPIPE, SIG_IGN);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return -1;
	fx = xcalloc(1, sizeof(*fx));
	if (str_copy(fx->dir, "/tmp/test_policy_host.XXXXXX",
	    sizeof(fx->dir)) == -1 || mkdtemp(fx->dir) == NULL ||
	    str_copy(fx->other_dir, "/tmp/test_policy_host.XXXXXX",
	    sizeof(fx->other_dir)) == -1 || mkdtemp(fx->other_dir) == NULL)
		return -1;
	if ((fx->pki = pki_new(fx->dir, &err)) == NULL ||
	    (fx->other = pki_new(fx->other_dir, &err)) == NULL) {
		fprintf(stderr, "pki_new: %s\n", err.msg);
		return -1;
	}
	*state = fx;
	return 0;
}

static int
t_teardown(void **state)
{
	struct t_fixture	*fx = *state;

	log_set_event_hook(NULL, NULL);
	pki_free(fx->pki);
	pki_free(fx->other);
	if (rmdir(fx->dir) == -1 || rmdir(fx->other_dir) == -1)
		fprintf(stderr, "rmdir: %s\n", strerror(errno));
	free(fx);
	curl_global_cleanup();
	return 0;
}

static void
t_on_event(const char *line, void *arg)
{
	struct t_run	*r = arg;

	if (r->nevents < T_EVENTS_MAX)
		r->events[r->nevents++] = xstrdup(line);
}

/* t_on_tick - the loop polls the client thread; no cross-thread calls */
static void
t_on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct t_run	*r = arg;

	(void)fd;
	(void)what;
	if (atomic_load(&r->done))
		event_base_loopbreak(r->base);
}

static size_t
t_on_body(char *p, size_t size, size_t n, void *arg)
{
	struct t_result	*res = arg;
	size_t		 len = size * n;

	if (res->body_len + len >= sizeof(res->body)) {
		res->body_overflow = true;
		return 0;
	}
	memcpy(res->body + res->body_len, p, len);
	res->body_len += len;
	res->body[res->body_len] = '\0';
	return len;
}

/* t_on_header - remember Content-Type and Location, trimmed */
static size_t
t_on_header(char *p, size_t size, size_t n, void *arg)
{
	struct t_result	*res = arg;
	size_t		 len = size * n;
	char		 line[512], *v;

	if (len >= sizeof(line))
		return len;
	memcpy(line, p, len);
	line[len] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	if ((v = strchr(line, ':')) == NULL)
		return len;
	*v++ = '\0';
	while (*v == ' ')
		v++;
	if (str_eq_ci(line, "Content-Type")) {
		res->has_ctype = true;
		(void)str_copy(res->ctype, v, sizeof(res->ctype));
	} else if (str_eq_ci(line, "Location")) {
		res->has_location = true;
		(void)str_copy(res->location, v, sizeof(res->location));
	}
	return len;
}

/* t_fetch - one request with libcurl, never leaving 127.0.0.1 */
static void
t_fetch(const struct t_run *r, const struct t_req *rq, struct t_result *res)
{
	CURL			*c;
	struct curl_slist	*resolve = NULL, *headers = NULL;
	char			 url[512], map[128], big[16 * 1024 + 16];
	const char		*path = rq->path != NULL ? rq->path :
				    STS_POLICY_PATH;
	const char		*ca = pki_ca_file(r->fx->pki);

	memset(res, 0, sizeof(*res));
	if ((c = curl_easy_init()) == NULL) {
		res->rc = CURLE_FAILED_INIT;
		return;
	}
	if (rq->client == T_BY_IP)
		(void)str_fmt(url, sizeof(url), "https://" T_ADDR ":%u%s",
		    (unsigned)r->port, path);
	else
		(void)str_fmt(url, sizeof(url), "https://" T_HOST ":%u%s",
		    (unsigned)r->port, path);
	(void)str_fmt(map, sizeof(map), T_HOST ":%u:" T_ADDR,
	    (unsigned)r->port);
	resolve = curl_slist_append(NULL, map);
	if (rq->client == T_TRUST_OTHER)
		ca = pki_ca_file(r->fx->other);
	if (rq->client == T_BIG_HEAD) {
		memcpy(big, "X-Big: ", 7);
		memset(big + 7, 'a', sizeof(big) - 8);
		big[sizeof(big) - 1] = '\0';
		headers = curl_slist_append(NULL, big);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_RESOLVE, resolve);
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(c, CURLOPT_CAINFO, ca);
	curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
	if (rq->client == T_BY_IP) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (rq->method == T_HEAD)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	if (rq->method == T_POST)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, "x=1");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, t_on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, res);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, t_on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, res);
	res->rc = curl_easy_perform(c);
	if (res->rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res->status);
	curl_easy_cleanup(c);
	curl_slist_free_all(resolve);
	curl_slist_free_all(headers);
}

static void *
t_client_main(void *arg)
{
	struct t_run	*r = arg;
	size_t		 i;

	for (i = 0; i < r->tc->nreq; i++)
		t_fetch(r, &r->tc->reqs[i], &r->res[i]);
	atomic_store(&r->done, true);
	return NULL;
}

/* t_expand - the row's record text with "{port}" replaced */
static void
t_expand(const char *tmpl, uint16_t port, char *out, size_t size)
{
	const char	*at = strstr(tmpl, "{port}");

	if (at == NULL) {
		assert_int_equal(str_copy(out, tmpl, size), 0);
		return;
	}
	assert_int_equal(str_fmt(out, size, "%.*s%u%s", (int)(at - tmpl),
	    tmpl, (unsigned)port, at + 6), 0);
}

/* t_check - every answer as the row wants it, records in order */
static void
t_check(const struct t_run *r)
{
	const struct t_case	*tc = r->tc;
	const struct t_req	*rq;
	const struct t_result	*res;
	char			 want[512], head[160];
	size_t			 i, ev = 0;

	for (i = 0; i < tc->nreq; i++) {
		rq = &tc->reqs[i];
		res = &r->res[i];
		if (rq->want_status == 0) {
			if (res->rc == CURLE_OK)
				fail_msg("%s #%zu: fetch worked (%ld)",
				    tc->label, i, res->status);
		} else if (rq->want_status == -1) {
			if (res->rc == CURLE_OK && res->status < 400)
				fail_msg("%s #%zu: status %ld", tc->label, i,
				    res->status);
		} else {
			if (res->rc != CURLE_OK)
				fail_msg("%s #%zu: curl: %s", tc->label, i,
				    curl_easy_strerror(res->rc));
			if (res->status != rq->want_status)
				fail_msg("%s #%zu: status %ld, want %ld",
				    tc->label, i, res->status,
				    rq->want_status);
			if (rq->want_body != NULL &&
			    strcmp(res->body, rq->want_body) != 0)
				fail_msg("%s #%zu: body \"%s\"", tc->label, i,
				    res->body);
			if (rq->want_ctype == NULL ? res->has_ctype :
			    !res->has_ctype ||
			    strcmp(res->ctype, rq->want_ctype) != 0)
				fail_msg("%s #%zu: content type %s\"%s\"",
				    tc->label, i, res->has_ctype ? "" :
				    "(none) ", res->ctype);
			if (rq->want_location == NULL ? res->has_location :
			    !res->has_location ||
			    strcmp(res->location, rq->want_location) != 0)
				fail_msg("%s #%zu: location \"%s\"",
				    tc->label, i, res->location);
		}
		if (rq->want_event == NULL)
			continue;
		/* the record of request i, in order, ids counting from 1 */
		if (ev >= r->nevents)
			fail_msg("%s #%zu: no fetch record", tc->label, i);
		(void)str_fmt(head, sizeof(head), EV_FETCH,
		    (unsigned)(ev + 1));
		if (strncmp(r->events[ev], head, strlen(head)) != 0)
			fail_msg("%s #%zu: record %s does not start %s",
			    tc->label, i, r->events[ev], head);
		t_expand(rq->want_event, r->port, want, sizeof(want));
		if (strstr(r->events[ev], want) == NULL)
			fail_msg("%s #%zu: record %s lacks \"%s\"", tc->label,
			    i, r->events[ev], want);
		ev++;
	}
	if (ev != r->nevents)
		fail_msg("%s: %zu records, want %zu (last: %s)", tc->label,
		    r->nevents, ev, r->events[r->nevents - 1]);
}

/* test_policy_host_fetch - every row against a fresh host */
static void
test_policy_host_fetch(void **state)
{
	struct t_fixture	*fx = *state;
	const struct t_case	*tc;
	struct policy_config	 cfg;
	struct policy_host	*ph;
	struct event		*tick;
	struct t_run		 r;
	struct timeval		 tv = { 0, 10 * 1000 };
	struct timespec		 t0, t1;
	struct err		 err;
	pthread_t		 th;
	size_t			 i;
	int			 fds;

	for (tc = t_cases; tc->label != NULL; tc++) {
		fds = testutil_count_fds();
		memset(&r, 0, sizeof(r));
		r.tc = tc;
		r.fx = fx;
		atomic_init(&r.done, false);
		memset(&cfg, 0, sizeof(cfg));
		assert_int_equal(str_copy(cfg.hostname, T_HOST,
		    sizeof(cfg.hostname)), 0);
		assert_int_equal(str_copy(cfg.content_type, tc->content_type,
		    sizeof(cfg.content_type)), 0);
		cfg.cert = tc->cert;
		cfg.status = tc->status;
		cfg.body = tc->body;
		cfg.body_len = strlen(tc->body);
		cfg.timeout_sec = 5;

		assert_non_null(r.base = event_base_new());
		log_set_event_hook(t_on_event, &r);
		ph = policy_host_new(r.base, fx->pki, &cfg, T_ADDR, 0, &err);
		if (ph == NULL)
			fail_msg("%s: policy_host_new: %s", tc->label, err.msg);
		r.port = policy_host_port(ph);
		assert_true(r.port != 0);
		assert_non_null(tick = event_new(r.base, -1, EV_PERSIST,
		    t_on_tick, &r));
		assert_int_equal(event_add(tick, &tv), 0);

		assert_int_equal(pthread_create(&th, NULL, t_client_main, &r),
		    0);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		while (!atomic_load(&r.done)) {
			assert_int_not_equal(event_base_loop(r.base, 0), -1);
			clock_gettime(CLOCK_MONOTONIC, &t1);
			if (t1.tv_sec - t0.tv_sec > T_GUARD_SEC)
				fail_msg("%s: client thread hangs", tc->label);
		}
		assert_int_equal(pthread_join(th, NULL), 0);

		t_check(&r);
		log_set_event_hook(NULL, NULL);
		event_free(tick);
		policy_host_free(ph);
		event_base_free(r.base);
		for (i = 0; i < r.nevents; i++)
			free(r.events[i]);
		if (testutil_count_fds() != fds)
			fail_msg("%s: leaked a descriptor", tc->label);
	}
}

/* test_policy_host_bad_config - refused before anything listens */
static void
test_policy_host_bad_config(void **state)
{
	static const struct {
		const char	*label;
		const char	*addr;
		int		 status;
		int		 want_code;
	} rows[] = {
		{ "status 99", T_ADDR, 99, ERR_RANGE },
		{ "status 600", T_ADDR, 600, ERR_RANGE },
		{ "host name, not an address", "localhost", 200, ERR_SYNTAX },
		{ "empty address", "", 200, ERR_SYNTAX },
		{ "address with port", "127.0.0.1:443", 200, ERR_SYNTAX },
	};
	struct t_fixture	*fx = *state;
	struct policy_config	 cfg;
	struct event_base	*base;
	struct err		 err;
	size_t			 i;

	assert_non_null(base = event_base_new());
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		memset(&cfg, 0, sizeof(cfg));
		(void)str_copy(cfg.hostname, T_HOST, sizeof(cfg.hostname));
		cfg.status = rows[i].status;
		cfg.body = "x";
		cfg.body_len = 1;
		memset(&err, 0, sizeof(err));
		if (policy_host_new(base, fx->pki, &cfg, rows[i].addr, 0,
		    &err) != NULL)
			fail_msg("%s: accepted", rows[i].label);
		if (err.code != rows[i].want_code)
			fail_msg("%s: code %d (%s)", rows[i].label, err.code,
			    err.msg);
	}
	policy_host_free(NULL);
	event_base_free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_host_bad_config),
		cmocka_unit_test(test_policy_host_fetch),
	};

	return cmocka_run_group_tests_name("policy_host", tests, t_setup,
	    t_teardown);
}
