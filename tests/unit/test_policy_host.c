/* SPDX-License-Identifier: ISC */
/*
 * test_policy_host.c -- policy_host on 127.0.0.1:0 with a real event loop,
 * fetched with libcurl from a second thread (the loop only ever runs in
 * the main thread). Rows: the scenario's status, body and Content-Type,
 * 404 elsewhere, redirects, HEAD, odd methods, clients that do not trust
 * us or send a hostile request head, and that each fetch record carries
 * the SNI and Host the client sent, after its connection's connect record;
 * a location's target on the host and on another name (its certificate by
 * SNI), sni required (no SNI or another name gets default.invalid's),
 * legacy, 1.2-only and 1.3-only TLS against clients of each, tls-alert,
 * blackhole, a megabyte of streamed padding, and a trickle that outlives
 * the idle timeout or that the client gives up on; validators (ETag,
 * Last-Modified, Cache-Control on the policy's 200, 304 to a request with
 * If-None-Match or If-Modified-Since, none on a 404, 301 or 405; without
 * validators a conditional GET gets the policy) and conditional= in every
 * fetch record. test_policy_host_cut:
 * blackholed connections stay silent past the idle timeout until the
 * client hangs up or policy_host_cut() ends them.
 * Raw TCP clients in the main thread: ones that never finish a handshake
 * (silent, half a ClientHello, plain HTTP, garbage, an instant hang-up)
 * are recorded and hung up on, the silent ones by the idle timeout; the
 * bound on live connections refuses the one beyond and frees a place when
 * a connection ends.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
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
#include <time.h>
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
#define T_RAW_MAX	8	/* raw TCP clients of one test */

/* rows name only the fields they test; the rest are zero on purpose */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#define T_POLICY	"version: STSv1\nmode: enforce\nmx: mx1.x.test\n" \
			"max_age: 86400\n"


enum t_method {
	T_GET = 0,
	T_HEAD,
	T_POST,
};

/* a conditional request's header (RFC 9110 §13.1) */
enum t_cond {
	T_UNCOND = 0,
	T_IF_NONE_MATCH,
	T_IF_MODIFIED_SINCE,
};

enum t_client {
	T_TRUST_CA = 0,		/* by name, trusting the run's CA */
	T_TRUST_OTHER,		/* by name, trusting some other CA */
	T_BY_IP,		/* by address (no SNI), verifying nothing */
	T_BIG_HEAD,		/* trusting the CA, 16 KB of request header */
	T_LEGACY,		/* by name, trusting the CA, TLS 1.0..1.1 only */
	T_OTHER_NAME,		/* as policy.x.test, trusting the CA */
	T_BY_IP_CERT,		/* by address (no SNI), keeping the cert */
	T_WRONG_SNI,		/* as other.x.test, verifying nothing */
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
	const char	*want_tls;	/* tls failed reason=; NULL: none */
	const char	*want_cert;	/* in the leaf's certinfo; NULL: any */
	long		 want_bytes;	/* body bytes; 0: unchecked */
	long		 timeout_ms;	/* client's; 0: 10 s */
	const char	*want_stream;	/* stream record text; NULL: none */
	enum t_cond	 cond;
	bool		 want_validators; /* ETag, Last-Modified, max-age */
};

struct t_case {
	const char		*label;
	int			 status;
	const char		*content_type;
	const char		*body;
	enum cert_profile	 cert;
	size_t			 nreq;
	struct t_req		 reqs[T_REQS_MAX];
	const char		*location;	/* NULL: none */
	enum policy_serve	 serve;
	enum policy_sni		 sni;
	enum tls_versions		 tls;
	unsigned long		 pad;
	unsigned int		 trickle_sec;
	bool			 validators;
};

struct t_result {
	CURLcode	 rc;
	long		 status;
	char		 body[T_BODY_MAX];
	size_t		 body_len;
	unsigned long long total;	/* all body bytes, kept or not */
	bool		 body_overflow;
	char		 cert[4096];	/* the leaf's certinfo */
	char		 ctype[128];
	bool		 has_ctype;
	char		 location[256];
	bool		 has_location;
	char		 etag[64];
	char		 last_modified[64];
	char		 cache_control[64];
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
	unsigned int		 closed[T_EVENTS_MAX];	/* by session */
};

static const struct t_case t_cases[] = {
	{ "policy served as configured", 200, "text/plain", T_POLICY,
	    CERT_VALID, 3, {
	    { NULL, T_GET, T_TRUST_CA, 200, T_POLICY, "text/plain", NULL,
	      " sni=" T_HOST " host=" T_HOST ":{port} method=GET path="
	      STS_POLICY_PATH " status=200 bytes=59", NULL },
	    { "/", T_GET, T_TRUST_CA, 404, "not found\n", "text/plain", NULL,
	      " sni=" T_HOST " host=" T_HOST ":{port} method=GET path=/"
	      " status=404 bytes=10", NULL },
	    { STS_POLICY_PATH "?x=1", T_GET, T_TRUST_CA, 200, T_POLICY,
	      "text/plain", NULL, " method=GET path=" STS_POLICY_PATH
	      " status=200", NULL } } },
	{ "no Content-Type at all", 200, "", T_POLICY, CERT_VALID, 1, {
	    { NULL, T_GET, T_TRUST_CA, 200, T_POLICY, NULL, NULL,
	      " status=200 bytes=59", NULL } } },
	{ "wrong Content-Type, empty body", 200, "text/html; charset=utf-8",
	    "", CERT_VALID, 1, {
	    { NULL, T_GET, T_TRUST_CA, 200, "", "text/html; charset=utf-8",
	      NULL, " status=200 bytes=0", NULL } } },
	{ "server error", 500, "text/plain", "oops\n", CERT_VALID, 1, {
	    { NULL, T_GET, T_TRUST_CA, 500, "oops\n", "text/plain", NULL,
	      " status=500 bytes=5", NULL } } },
	{ "redirect carries a Location", 301, "text/plain", T_POLICY,
	    CERT_VALID, 2, {
	    { NULL, T_GET, T_TRUST_CA, 301, NULL, "text/plain",
	      "https://" T_HOST "/elsewhere", " status=301", NULL },
	    { "/elsewhere", T_GET, T_TRUST_CA, 404, NULL, "text/plain", NULL,
	      " path=/elsewhere status=404", NULL } } },
	{ "HEAD and POST", 200, "text/plain", T_POLICY, CERT_VALID, 2, {
	    { NULL, T_HEAD, T_TRUST_CA, 200, "", "text/plain", NULL,
	      " method=HEAD path=" STS_POLICY_PATH " status=200 bytes=0", NULL },
	    { NULL, T_POST, T_TRUST_CA, 405, NULL, "text/plain", NULL,
	      " method=POST path=" STS_POLICY_PATH " status=405", NULL } } },
	{ "untrusting client fails, the server lives on", 200, "text/plain",
	    T_POLICY, CERT_VALID, 2, {
	    { NULL, T_GET, T_TRUST_OTHER, 0, NULL, NULL, NULL, NULL,
	      "\"tlsv1 alert unknown ca\"" },
	    { NULL, T_GET, T_TRUST_CA, 200, T_POLICY, "text/plain", NULL,
	      " sni=" T_HOST " host=" T_HOST ":{port} method=GET", NULL } } },
	{ "unknown-CA certificate is rejected", 200, "text/plain", T_POLICY,
	    CERT_UNKNOWN_CA, 2, {
	    { NULL, T_GET, T_TRUST_CA, 0, NULL, NULL, NULL, NULL,
	      "\"tlsv1 alert unknown ca\"" },
	    { NULL, T_GET, T_BY_IP, 200, T_POLICY, "text/plain", NULL,
	      " sni=\"\" host=" T_ADDR ":{port} method=GET", NULL } } },
	{ "request head over the limit", 200, "text/plain", T_POLICY,
	    CERT_VALID, 2, {
	    { NULL, T_GET, T_BIG_HEAD, -1, NULL, NULL, NULL, NULL, NULL },
	    { NULL, T_GET, T_TRUST_CA, 200, T_POLICY, "text/plain", NULL,
	      " status=200 bytes=59", NULL } } },
	{ "location on the same host: its path is the policy", 301,
	    "text/plain", T_POLICY, CERT_VALID, 2, {
	    { NULL, T_GET, T_TRUST_CA, 301, NULL, "text/plain",
	      "https://" T_HOST "/moved", " status=301", NULL },
	    { "/moved", T_GET, T_TRUST_CA, 200, T_POLICY, "text/plain", NULL,
	      " path=/moved status=200 bytes=59", NULL } },
	    .location = "https://" T_HOST "/moved" },
	{ "location on another name: its own certificate", 302, "text/plain",
	    T_POLICY, CERT_VALID, 3, {
	    { NULL, T_GET, T_TRUST_CA, 302, NULL, "text/plain",
	      "https://policy.x.test" STS_POLICY_PATH, " status=302", NULL },
	    { NULL, T_GET, T_OTHER_NAME, 200, T_POLICY, "text/plain", NULL,
	      " sni=policy.x.test host=policy.x.test:{port} method=GET "
	      "path=" STS_POLICY_PATH " status=200", NULL },
	    { NULL, T_GET, T_BY_IP, 302, NULL, "text/plain",
	      "https://policy.x.test" STS_POLICY_PATH, " sni=\"\" host="
	      T_ADDR ":{port} method=GET path=" STS_POLICY_PATH " status=302",
	      NULL } },
	    .location = "https://policy.x.test" STS_POLICY_PATH },
	{ "location with a 200 too", 200, "text/plain", T_POLICY,
	    CERT_VALID, 1, {
	    { NULL, T_GET, T_TRUST_CA, 200, T_POLICY, "text/plain",
	      "https://" T_HOST "/x", " status=200", NULL } },
	    .location = "https://" T_HOST "/x" },
	{ "sni required: the name gets the certificate", 200, "text/plain",
	    T_POLICY, CERT_VALID, 3, {
	    { NULL, T_GET, T_TRUST_CA, 200, T_POLICY, "text/plain", NULL,
	      " sni=" T_HOST " host=", NULL },
	    { NULL, T_GET, T_BY_IP_CERT, 200, T_POLICY, "text/plain", NULL,
	      " sni=\"\" host=", NULL, .want_cert = POLICY_SNI_DEFAULT_HOST },
	    { NULL, T_GET, T_WRONG_SNI, 200, T_POLICY, "text/plain", NULL,
	      " sni=other.x.test", NULL,
	      .want_cert = POLICY_SNI_DEFAULT_HOST } },
	    .sni = POLICY_SNI_REQUIRED },
	{ "sni any: no SNI still gets the certificate", 200, "text/plain",
	    T_POLICY, CERT_VALID, 1, {
	    { NULL, T_GET, T_BY_IP_CERT, 200, T_POLICY, "text/plain", NULL,
	      " sni=\"\" host=", NULL, .want_cert = T_HOST } } },
	{ "legacy TLS: a TLS 1.2 client fails, a legacy one fetches", 200,
	    "text/plain", T_POLICY, CERT_VALID, 2, {
	    { NULL, T_GET, T_TRUST_CA, 0, NULL, NULL, NULL, NULL,
	      "result=failed" },
	    { NULL, T_GET, T_LEGACY, 200, T_POLICY, "text/plain", NULL,
	      " status=200 bytes=59", NULL } },
	    .tls = TLS_VERSIONS_LEGACY },
	{ "TLS 1.2 only: a legacy client fails", 200, "text/plain", T_POLICY,
	    CERT_VALID, 2, {
	    { NULL, T_GET, T_LEGACY, 0, NULL, NULL, NULL, NULL,
	      "result=failed" },
	    { NULL, T_GET, T_TRUST_CA, 200, T_POLICY, "text/plain", NULL,
	      " status=200", NULL } },
	    .tls = TLS_VERSIONS_1_2 },
	{ "TLS 1.3 only", 200, "text/plain", T_POLICY, CERT_VALID, 1, {
	    { NULL, T_GET, T_TRUST_CA, 200, T_POLICY, "text/plain", NULL,
	      " status=200", NULL } },
	    .tls = TLS_VERSIONS_1_3 },
	{ "tls-alert: every handshake fails", 200, "text/plain", T_POLICY,
	    CERT_VALID, 2, {
	    { NULL, T_GET, T_TRUST_CA, 0, NULL, NULL, NULL, NULL,
	      "reason=\"alert sent\"" },
	    { NULL, T_GET, T_BY_IP, 0, NULL, NULL, NULL, NULL,
	      "reason=\"alert sent\"" } },
	    .serve = POLICY_SERVE_TLS_ALERT },
	{ "blackhole: connected, never answered", 200, "text/plain",
	    T_POLICY, CERT_VALID, 1, {
	    { NULL, T_GET, T_TRUST_CA, 0, NULL, NULL, NULL, NULL, NULL,
	      .timeout_ms = 1500 } },
	    .serve = POLICY_SERVE_BLACKHOLE },
	{ "padding: a megabyte after the policy, streamed", 200,
	    "text/plain", T_POLICY, CERT_VALID, 2, {
	    { NULL, T_GET, T_TRUST_CA, 200, NULL, "text/plain", NULL,
	      " status=200 bytes=1048635", NULL, .want_bytes = 1048635,
	      .want_stream = " result=complete bytes=1048635" },
	    { NULL, T_HEAD, T_TRUST_CA, 200, "", "text/plain", NULL,
	      " method=HEAD path=" STS_POLICY_PATH " status=200 bytes=0",
	      NULL } },
	    .pad = 1024 * 1024 },
	{ "padding on a 404 is not sent", 200, "text/plain", T_POLICY,
	    CERT_VALID, 1, {
	    { "/", T_GET, T_TRUST_CA, 404, "not found\n", "text/plain", NULL,
	      " status=404 bytes=10", NULL } },
	    .pad = 100 },
	{ "trickle outlives the idle timeout", 200, "text/plain", "trickle",
	    CERT_VALID, 1, {
	    { NULL, T_GET, T_TRUST_CA, 200, "trickle", "text/plain", NULL,
	      " status=200 bytes=7", NULL,
	      .want_stream = " result=complete bytes=7" } },
	    .serve = POLICY_SERVE_TRICKLE, .trickle_sec = 1 },
	{ "trickle the client gives up on", 200, "text/plain", T_POLICY,
	    CERT_VALID, 1, {
	    { NULL, T_GET, T_TRUST_CA, 0, NULL, NULL, NULL,
	      " status=200 bytes=59", NULL, .timeout_ms = 2500,
	      .want_stream = " result=cut reason=eof bytes=" } },
	    .serve = POLICY_SERVE_TRICKLE, .trickle_sec = 1 },
	{ "validators: on the 200, a conditional request gets 304", 200,
	    "text/plain", T_POLICY, CERT_VALID, 3, {
	    { NULL, T_GET, T_TRUST_CA, 200, T_POLICY, "text/plain", NULL,
	      " status=200 bytes=59 conditional=no", NULL,
	      .want_validators = true },
	    { NULL, T_GET, T_TRUST_CA, 304, "", NULL, NULL,
	      " method=GET path=" STS_POLICY_PATH " status=304 bytes=0 "
	      "conditional=yes", NULL, .cond = T_IF_NONE_MATCH,
	      .want_validators = true },
	    { NULL, T_HEAD, T_TRUST_CA, 304, "", NULL, NULL,
	      " method=HEAD path=" STS_POLICY_PATH " status=304 bytes=0 "
	      "conditional=yes", NULL, .cond = T_IF_MODIFIED_SINCE,
	      .want_validators = true } },
	    .validators = true },
	{ "validators: none on a 404, elsewhere or a POST", 404,
	    "text/plain", T_POLICY, CERT_VALID, 3, {
	    { NULL, T_GET, T_TRUST_CA, 404, T_POLICY, "text/plain", NULL,
	      " status=404 bytes=59 conditional=yes", NULL,
	      .cond = T_IF_NONE_MATCH },
	    { "/", T_GET, T_TRUST_CA, 404, "not found\n", "text/plain", NULL,
	      " path=/ status=404 bytes=10 conditional=yes", NULL,
	      .cond = T_IF_MODIFIED_SINCE },
	    { NULL, T_POST, T_TRUST_CA, 405, NULL, "text/plain", NULL,
	      " method=POST path=" STS_POLICY_PATH " status=405", NULL,
	      .cond = T_IF_NONE_MATCH } },
	    .validators = true },
	{ "validators: a redirect has none, its target 304", 301,
	    "text/plain", T_POLICY, CERT_VALID, 2, {
	    { NULL, T_GET, T_TRUST_CA, 301, NULL, "text/plain",
	      "https://" T_HOST "/moved", " status=301 bytes=59 "
	      "conditional=yes", NULL, .cond = T_IF_NONE_MATCH },
	    { "/moved", T_GET, T_TRUST_CA, 304, "", NULL, NULL,
	      " path=/moved status=304 bytes=0 conditional=yes", NULL,
	      .cond = T_IF_MODIFIED_SINCE, .want_validators = true } },
	    .location = "https://" T_HOST "/moved", .validators = true },
	{ "no validators: a conditional GET still gets the policy", 200,
	    "text/plain", T_POLICY, CERT_VALID, 2, {
	    { NULL, T_GET, T_TRUST_CA, 200, T_POLICY, "text/plain", NULL,
	      " status=200 bytes=59 conditional=yes", NULL,
	      .cond = T_IF_NONE_MATCH },
	    { NULL, T_GET, T_TRUST_CA, 200, T_POLICY, "text/plain", NULL,
	      " status=200 bytes=59 conditional=yes", NULL,
	      .cond = T_IF_MODIFIED_SINCE } } },
	{ "validators with padding: 304 streams nothing", 200, "text/plain",
	    T_POLICY, CERT_VALID, 1, {
	    { NULL, T_GET, T_TRUST_CA, 304, "", NULL, NULL,
	      " status=304 bytes=0 conditional=yes", NULL,
	      .cond = T_IF_NONE_MATCH, .want_validators = true } },
	    .pad = 4096, .validators = true },
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
static long	t_find(const struct t_run *, const char *, unsigned, size_t);
static void	t_check_validators(const struct t_case *, size_t,
		    const struct t_req *, const struct t_result *);

/* raw TCP clients, all in the main thread */
struct t_raw {
	struct event_base	*base;
	struct event		*guard;
	struct policy_host	*ph;
	char			*events[T_EVENTS_MAX];
	double			 at[T_EVENTS_MAX];	/* s since t0 */
	size_t			 nevents;
	size_t			 want;		/* stop at this many records */
	struct timespec		 t0;
	bool			 timed_out;
};

static void	t_raw_init(struct t_raw *, struct t_fixture *, unsigned int,
		    int);
static void	t_raw_clear(struct t_raw *);
static void	t_raw_on_event(const char *, void *);
static void	t_raw_on_guard(evutil_socket_t, short, void *);
static void	t_raw_on_stop(evutil_socket_t, short, void *);
static void	t_raw_run(struct t_raw *, size_t);
static void	t_raw_flush(struct t_raw *);
static long	t_raw_find(const struct t_raw *, const char *);
static int	t_raw_connect(uint16_t);
static uint16_t	t_raw_port(int);
static bool	t_raw_is_closed(int);
static bool	t_raw_is(const struct t_raw *, size_t, unsigned,
		    const char *, const char *);

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

/* t_is_close - a connection's close record (counted apart: its timing is
 * the client's, after the answer) */
static bool
t_is_close(const char *line, unsigned long *id)
{
	const char	*p = strstr(line, " event=close ");

	if (strncmp(line, "https session=", 14) != 0 || p == NULL)
		return false;
	*id = strtoul(line + 14, NULL, 16);
	return true;
}

static void
t_on_event(const char *line, void *arg)
{
	struct t_run	*r = arg;
	unsigned long	 id;

	if (t_is_close(line, &id)) {
		if (id < T_EVENTS_MAX)
			r->closed[id]++;
		return;
	}
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

	res->total += len;
	if (res->body_len + len >= sizeof(res->body)) {
		res->body_overflow = true;
		return len;		/* counted, not kept */
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
	} else if (str_eq_ci(line, "ETag"))
		(void)str_copy(res->etag, v, sizeof(res->etag));
	else if (str_eq_ci(line, "Last-Modified"))
		(void)str_copy(res->last_modified, v,
		    sizeof(res->last_modified));
	else if (str_eq_ci(line, "Cache-Control"))
		(void)str_copy(res->cache_control, v,
		    sizeof(res->cache_control));
	return len;
}

/* t_fetch - one request with libcurl, never leaving 127.0.0.1 */
static void
t_fetch(const struct t_run *r, const struct t_req *rq, struct t_result *res)
{
	CURL			*c;
	struct curl_slist	*resolve = NULL, *headers = NULL;
	char			 url[512], map[128], map2[128];
	char			 big[16 * 1024 + 16];
	struct curl_certinfo	*ci = NULL;
	struct curl_slist	*sl;
	size_t			 at;
	const char		*path = rq->path != NULL ? rq->path :
				    STS_POLICY_PATH;
	const char		*ca = pki_ca_file(r->fx->pki);

	memset(res, 0, sizeof(*res));
	if ((c = curl_easy_init()) == NULL) {
		res->rc = CURLE_FAILED_INIT;
		return;
	}
	if (rq->client == T_BY_IP || rq->client == T_BY_IP_CERT)
		(void)str_fmt(url, sizeof(url), "https://" T_ADDR ":%u%s",
		    (unsigned)r->port, path);
	else if (rq->client == T_OTHER_NAME)
		(void)str_fmt(url, sizeof(url), "https://policy.x.test:%u%s",
		    (unsigned)r->port, path);
	else if (rq->client == T_WRONG_SNI)
		(void)str_fmt(url, sizeof(url), "https://other.x.test:%u%s",
		    (unsigned)r->port, path);
	else
		(void)str_fmt(url, sizeof(url), "https://" T_HOST ":%u%s",
		    (unsigned)r->port, path);
	(void)str_fmt(map, sizeof(map), T_HOST ":%u:" T_ADDR,
	    (unsigned)r->port);
	resolve = curl_slist_append(NULL, map);
	(void)str_fmt(map2, sizeof(map2), "%s.x.test:%u:" T_ADDR,
	    rq->client == T_WRONG_SNI ? "other" : "policy", (unsigned)r->port);
	resolve = curl_slist_append(resolve, map2);
	if (rq->client == T_TRUST_OTHER)
		ca = pki_ca_file(r->fx->other);
	if (rq->client == T_BIG_HEAD) {
		memcpy(big, "X-Big: ", 7);
		memset(big + 7, 'a', sizeof(big) - 8);
		big[sizeof(big) - 1] = '\0';
		headers = curl_slist_append(NULL, big);
	}
	/* by hand: libcurl's own time condition would judge the answer */
	if (rq->cond == T_IF_NONE_MATCH)
		headers = curl_slist_append(headers,
		    "If-None-Match: \"0123456789abcdef\"");
	else if (rq->cond == T_IF_MODIFIED_SINCE)
		headers = curl_slist_append(headers,
		    "If-Modified-Since: Mon, 01 Jan 2024 00:00:00 GMT");
	if (headers != NULL)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_RESOLVE, resolve);
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, rq->timeout_ms > 0 ?
	    rq->timeout_ms : 10000L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(c, CURLOPT_CAINFO, ca);
	curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
	if (rq->client == T_BY_IP || rq->client == T_BY_IP_CERT ||
	    rq->client == T_WRONG_SNI) {
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (rq->client == T_BY_IP_CERT || rq->client == T_WRONG_SNI)
		curl_easy_setopt(c, CURLOPT_CERTINFO, 1L);
	if (rq->client == T_LEGACY) {
		/* OpenSSL 3 speaks TLS 1.0/1.1 only at security level 0 */
		curl_easy_setopt(c, CURLOPT_SSLVERSION,
		    (long)(CURL_SSLVERSION_TLSv1_0 |
		    CURL_SSLVERSION_MAX_TLSv1_1));
		curl_easy_setopt(c, CURLOPT_SSL_CIPHER_LIST,
		    "DEFAULT:@SECLEVEL=0");
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
	if (curl_easy_getinfo(c, CURLINFO_CERTINFO, &ci) == CURLE_OK &&
	    ci != NULL && ci->num_of_certs > 0)
		for (sl = ci->certinfo[0]; sl != NULL; sl = sl->next) {
			at = strlen(res->cert);
			(void)str_fmt(res->cert + at, sizeof(res->cert) - at,
			    "%s\n", sl->data);
		}
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

/* t_find - index of the first event=ev record of connection id at or
 * after from, or -1 */
static long
t_find(const struct t_run *r, const char *ev, unsigned id, size_t from)
{
	char	want[160];
	size_t	i;

	(void)str_fmt(want, sizeof(want), "https session=%016x event=%s "
	    "laddr=" T_ADDR " server=" T_HOST " ", id, ev);
	for (i = from; i < r->nevents; i++)
		if (strncmp(r->events[i], want, strlen(want)) == 0)
			return (long)i;
	return -1;
}

/*
 * t_check_validators - all three headers or none: an ETag of 16 hex
 * digits in quotes, an IMF-fixdate, the fixed max-age
 */
static void
t_check_validators(const struct t_case *tc, size_t i, const struct t_req *rq,
    const struct t_result *res)
{
	size_t	n = strlen(res->etag);

	if (!rq->want_validators) {
		if (res->etag[0] != '\0' || res->last_modified[0] != '\0' ||
		    res->cache_control[0] != '\0')
			fail_msg("%s #%zu: validators \"%s\" \"%s\" \"%s\"",
			    tc->label, i, res->etag, res->last_modified,
			    res->cache_control);
		return;
	}
	if (n != 18 || res->etag[0] != '"' || res->etag[17] != '"' ||
	    strspn(res->etag + 1, "0123456789abcdef") != 16)
		fail_msg("%s #%zu: ETag \"%s\"", tc->label, i, res->etag);
	n = strlen(res->last_modified);
	if (n != 29 || strcmp(res->last_modified + 25, " GMT") != 0)
		fail_msg("%s #%zu: Last-Modified \"%s\"", tc->label, i,
		    res->last_modified);
	if (strcmp(res->cache_control, "max-age=3600") != 0)
		fail_msg("%s #%zu: Cache-Control \"%s\"", tc->label, i,
		    res->cache_control);
}

/*
 * t_check - every answer as the row wants it; each request is a
 * connection of its own (ids from 1), whose connect record comes first,
 * then a failed handshake or the fetch, and no record is unaccounted for
 */
static void
t_check(const struct t_run *r)
{
	const struct t_case	*tc = r->tc;
	const struct t_req	*rq;
	const struct t_result	*res;
	char			 want[512];
	size_t			 i, nrec = 0;
	long			 at, got;
	unsigned		 id;

	for (i = 0; i < tc->nreq; i++) {
		rq = &tc->reqs[i];
		res = &r->res[i];
		id = (unsigned)(i + 1);
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
			if (rq->want_cert != NULL &&
			    strstr(res->cert, rq->want_cert) == NULL)
				fail_msg("%s #%zu: certificate lacks %s: %s",
				    tc->label, i, rq->want_cert, res->cert);
			if (rq->want_bytes > 0 &&
			    res->total != (unsigned long long)rq->want_bytes)
				fail_msg("%s #%zu: %llu body bytes, want %ld",
				    tc->label, i, res->total, rq->want_bytes);
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
			t_check_validators(tc, i, rq, res);
		}
		if ((at = t_find(r, "connect", id, 0)) == -1 ||
		    strstr(r->events[at], " peer=" T_ADDR ":") == NULL)
			fail_msg("%s #%zu: no connect record", tc->label, i);
		nrec++;
		if (rq->want_tls != NULL) {
			if ((got = t_find(r, "tls", id, (size_t)at)) == -1)
				fail_msg("%s #%zu: no tls record", tc->label,
				    i);
			if (strstr(r->events[got], rq->want_tls) == NULL)
				fail_msg("%s #%zu: record %s lacks \"%s\"",
				    tc->label, i, r->events[got],
				    rq->want_tls);
			nrec++;
		}
		if (rq->want_event == NULL)
			continue;
		if ((got = t_find(r, "fetch", id, (size_t)at)) == -1)
			fail_msg("%s #%zu: no fetch record after the connect",
			    tc->label, i);
		t_expand(rq->want_event, r->port, want, sizeof(want));
		if (strstr(r->events[got], want) == NULL)
			fail_msg("%s #%zu: record %s lacks \"%s\"", tc->label,
			    i, r->events[got], want);
		nrec++;
		if (rq->want_stream == NULL)
			continue;
		if ((got = t_find(r, "stream", id, (size_t)at)) == -1 ||
		    strstr(r->events[got], rq->want_stream) == NULL)
			fail_msg("%s #%zu: no stream record with \"%s\"",
			    tc->label, i, rq->want_stream);
		nrec++;
	}
	if (nrec != r->nevents) {
		for (i = 0; i < r->nevents; i++)
			fprintf(stderr, "  %s\n", r->events[i]);
		fail_msg("%s: %zu records, want %zu", tc->label, r->nevents,
		    nrec);
	}
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
		if (tc->location != NULL)
			assert_int_equal(str_copy(cfg.location, tc->location,
			    sizeof(cfg.location)), 0);
		cfg.serve = tc->serve;
		cfg.sni = tc->sni;
		cfg.tls = tc->tls;
		cfg.pad = tc->pad;
		cfg.trickle_sec = tc->trickle_sec;
		cfg.validators = tc->validators;

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
		event_free(tick);
		/* by the host's end every connection has its one close record */
		policy_host_free(ph);
		log_set_event_hook(NULL, NULL);
		for (i = 1; i <= tc->nreq; i++)
			if (r.closed[i] != 1)
				fail_msg("%s #%zu: %u close records", tc->label,
				    i - 1, r.closed[i]);
		event_base_free(r.base);
		for (i = 0; i < r.nevents; i++)
			free(r.events[i]);
		if (testutil_count_fds() != fds)
			fail_msg("%s: leaked a descriptor", tc->label);
	}
}

static void
t_raw_on_event(const char *line, void *arg)
{
	struct t_raw	*r = arg;
	struct timespec	 t1;
	unsigned long	 id;

	if (t_is_close(line, &id))
		return;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (r->nevents < T_EVENTS_MAX) {
		r->at[r->nevents] = (double)(t1.tv_sec - r->t0.tv_sec) +
		    (double)(t1.tv_nsec - r->t0.tv_nsec) / 1e9;
		r->events[r->nevents++] = xstrdup(line);
	}
	if (r->nevents >= r->want)
		event_base_loopexit(r->base, NULL);
}

static void
t_raw_on_guard(evutil_socket_t fd, short what, void *arg)
{
	struct t_raw	*r = arg;

	(void)fd;
	(void)what;
	r->timed_out = true;
	event_base_loopbreak(r->base);
}

static void
t_raw_on_stop(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	event_base_loopexit(arg, NULL);
}

/* t_raw_init - a host bounded to max connections (0: default) */
static void
t_raw_init(struct t_raw *r, struct t_fixture *fx, unsigned int max,
    int timeout_sec)
{
	struct policy_config	cfg;
	struct timeval		tv = { T_GUARD_SEC, 0 };
	struct err		err;

	memset(r, 0, sizeof(*r));
	memset(&cfg, 0, sizeof(cfg));
	assert_int_equal(str_copy(cfg.hostname, T_HOST, sizeof(cfg.hostname)),
	    0);
	cfg.cert = CERT_VALID;
	cfg.status = 200;
	cfg.body = T_POLICY;
	cfg.body_len = strlen(T_POLICY);
	cfg.timeout_sec = timeout_sec;
	cfg.max_connections = max;
	assert_non_null(r->base = event_base_new());
	assert_non_null(r->guard = evtimer_new(r->base, t_raw_on_guard, r));
	assert_int_equal(evtimer_add(r->guard, &tv), 0);
	log_set_event_hook(t_raw_on_event, r);
	if ((r->ph = policy_host_new(r->base, fx->pki, &cfg, T_ADDR, 0,
	    &err)) == NULL)
		fail_msg("policy_host_new: %s", err.msg);
	clock_gettime(CLOCK_MONOTONIC, &r->t0);
}

static void
t_raw_clear(struct t_raw *r)
{
	size_t	i;

	policy_host_free(r->ph);
	log_set_event_hook(NULL, NULL);
	event_free(r->guard);
	event_base_free(r->base);
	for (i = 0; i < r->nevents; i++)
		free(r->events[i]);
}

/* t_raw_run - run the loop until there are n records */
static void
t_raw_run(struct t_raw *r, size_t n)
{
	size_t	i;

	r->want = n;
	if (r->nevents < n)
		assert_int_not_equal(event_base_dispatch(r->base), -1);
	if (r->timed_out || r->nevents < n) {
		for (i = 0; i < r->nevents; i++)
			fprintf(stderr, "  %s\n", r->events[i]);
		fail_msg("%zu records, want %zu", r->nevents, n);
	}
}

/* t_raw_flush - a few turns, so freed bufferevents close their fds */
static void
t_raw_flush(struct t_raw *r)
{
	struct event	*stop;
	struct timeval	 tv = { 0, 50 * 1000 };

	r->want = SIZE_MAX;
	assert_non_null(stop = evtimer_new(r->base, t_raw_on_stop, r->base));
	assert_int_equal(evtimer_add(stop, &tv), 0);
	assert_int_not_equal(event_base_dispatch(r->base), -1);
	event_free(stop);
}

/* t_raw_find - index of the record that starts with text, or -1 */
static long
t_raw_find(const struct t_raw *r, const char *text)
{
	size_t	i;

	for (i = 0; i < r->nevents; i++)
		if (strncmp(r->events[i], text, strlen(text)) == 0)
			return (long)i;
	return -1;
}

/* t_raw_connect - a nonblocking loopback client the kernel completed */
static int
t_raw_connect(uint16_t port)
{
	struct sockaddr_in	sin;
	int			fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true((fd = socket(AF_INET, SOCK_STREAM, 0)) != -1);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	assert_int_equal(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
	return fd;
}

static uint16_t
t_raw_port(int fd)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);

	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	return ntohs(sin.sin_port);
}

/* t_raw_is_closed - the server hung up: EOF or a reset, after any data */
static bool
t_raw_is_closed(int fd)
{
	char	buf[4096];
	ssize_t	n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	return n == 0 || (n == -1 && errno == ECONNRESET);
}

/*
 * test_policy_host_stalled - clients that never get through the
 * handshake, side by side: every one is recorded at connect, then as a
 * failed handshake, and hung up on; the silent ones only by the timeout
 */
static void
test_policy_host_stalled(void **state)
{
	static const struct {
		const char	*label;
		const char	*say;		/* NULL: nothing */
		size_t		 len;
		bool		 hang_up;	/* the client closes at once */
		const char	*want;		/* after result=failed */
		bool		 slow;		/* only the timeout ends it */
	} rows[] = {
		{ "sends nothing", NULL, 0, false, " reason=timeout", true },
		{ "half a ClientHello", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc",
		  9, false, " reason=timeout", true },
		{ "hangs up at once", NULL, 0, true,
		  " reason=\"unexpected eof while reading\"", false },
		{ "plain HTTP on the TLS port", "GET / HTTP/1.1\r\n\r\n", 18,
		  false, " reason=\"http request\"", false },
		{ "not TLS at all", "\x80\x00\x00\x00\x00\x00\x00\x00", 8, false,
		  " reason=\"wrong version number\"", false },
	};
	struct t_fixture	*fx = *state;
	struct t_raw		 r;
	char			 want[160];
	int			 fds[T_RAW_MAX];
	size_t			 i, n = sizeof(rows) / sizeof(rows[0]);
	long			 c, t;
	int			 nfds = testutil_count_fds();

	t_raw_init(&r, fx, 0, 1);
	for (i = 0; i < n; i++) {
		fds[i] = t_raw_connect(policy_host_port(r.ph));
		if (rows[i].say != NULL)
			assert_int_equal(write(fds[i], rows[i].say,
			    rows[i].len), (ssize_t)rows[i].len);
		if (rows[i].hang_up)
			assert_int_equal(close(fds[i]), 0);
	}
	t_raw_run(&r, 2 * n);		/* a connect and a tls each */
	t_raw_flush(&r);
	for (i = 0; i < n; i++) {
		/* accepted in the order they connected: ids from 1 */
		(void)str_fmt(want, sizeof(want), "https session=%016zx "
		    "event=connect laddr=" T_ADDR " server=" T_HOST " peer="
		    T_ADDR ":", i + 1);
		c = t_raw_find(&r, want);
		(void)str_fmt(want, sizeof(want), "https session=%016zx "
		    "event=tls laddr=" T_ADDR " server=" T_HOST
		    " result=failed", i + 1);
		t = t_raw_find(&r, want);
		if (c == -1 || t == -1 || t < c)
			fail_msg("%s: connect %ld, tls %ld", rows[i].label, c,
			    t);
		if (strstr(r.events[t], rows[i].want) == NULL)
			fail_msg("%s: %s lacks \"%s\"", rows[i].label,
			    r.events[t], rows[i].want);
		if (rows[i].slow ? r.at[t] < 0.9 : r.at[t] > 0.5)
			fail_msg("%s: failed after %.2f s", rows[i].label,
			    r.at[t]);
		if (rows[i].hang_up)
			continue;
		if (!t_raw_is_closed(fds[i]))
			fail_msg("%s: still open", rows[i].label);
		close(fds[i]);
	}
	assert_int_equal(r.nevents, 2 * n);
	t_raw_clear(&r);
	assert_int_equal(testutil_count_fds(), nfds);
}

/* t_raw_is - whether record i is event ev of session id, with text */
static bool
t_raw_is(const struct t_raw *r, size_t i, unsigned id, const char *ev,
    const char *text)
{
	char	want[160];

	(void)str_fmt(want, sizeof(want), "https session=%016x event=%s "
	    "laddr=" T_ADDR " server=" T_HOST " ", id, ev);
	return i < r->nevents && strncmp(r->events[i], want,
	    strlen(want)) == 0 && strstr(r->events[i], text) != NULL;
}

/*
 * test_policy_host_cap - at most max_connections live connections: the one
 * beyond is refused (hung up on at once, no tls record), a connection
 * that ends frees its place, and shutdown records the handshakes it cuts
 */
static void
test_policy_host_cap(void **state)
{
	struct t_fixture	*fx = *state;
	struct t_raw		 r;
	char			 peer[64];
	int			 a, b, c, d, e;
	int			 nfds = testutil_count_fds();
	uint16_t		 port;

	t_raw_init(&r, fx, 2, 5);
	port = policy_host_port(r.ph);
	a = t_raw_connect(port);
	b = t_raw_connect(port);
	c = t_raw_connect(port);
	t_raw_run(&r, 3);
	(void)str_fmt(peer, sizeof(peer), " peer=" T_ADDR ":%u "
	    "reason=too-many-connections", (unsigned)t_raw_port(c));
	if (!t_raw_is(&r, 0, 1, "connect", " peer=") ||
	    !t_raw_is(&r, 1, 2, "connect", " peer=") ||
	    !t_raw_is(&r, 2, 3, "refused", peer))
		fail_msg("records %s | %s | %s", r.events[0], r.events[1],
		    r.events[2]);
	t_raw_flush(&r);
	assert_true(t_raw_is_closed(c));	/* at once, not at the timeout */

	close(a);				/* frees connection 1's place */
	t_raw_run(&r, 4);
	assert_true(t_raw_is(&r, 3, 1, "tls", " result=failed reason="));
	t_raw_flush(&r);
	d = t_raw_connect(port);
	t_raw_run(&r, 5);
	assert_true(t_raw_is(&r, 4, 4, "connect", " peer="));
	e = t_raw_connect(port);
	t_raw_run(&r, 6);
	assert_true(t_raw_is(&r, 5, 5, "refused",
	    " reason=too-many-connections"));
	t_raw_flush(&r);
	assert_int_equal(r.nevents, 6);		/* no tls record for 3 or 5 */

	policy_host_free(r.ph);
	r.ph = NULL;
	if (r.nevents != 8 ||
	    !t_raw_is(&r, 6, 2, "tls", " result=failed reason=shutdown") ||
	    !t_raw_is(&r, 7, 4, "tls", " result=failed reason=shutdown"))
		fail_msg("%zu records after shutdown", r.nevents);
	t_raw_flush(&r);
	assert_true(t_raw_is_closed(b));
	assert_true(t_raw_is_closed(d));
	assert_true(t_raw_is_closed(e));
	close(b);
	close(c);
	close(d);
	close(e);
	t_raw_clear(&r);
	assert_int_equal(testutil_count_fds(), nfds);
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
		const char	*location;
		unsigned long	 pad;
		unsigned int	 trickle_sec;
		enum policy_serve serve;
	} rows[] = {
		{ "location is the policy path", T_ADDR, 301, ERR_SYNTAX,
		    "https://" T_HOST STS_POLICY_PATH },
		{ "location without a path", T_ADDR, 301, ERR_SYNTAX,
		    "https://" T_HOST },
		{ "location over http", T_ADDR, 301, ERR_SYNTAX,
		    "http://" T_HOST "/x" },
		{ "location with a port", T_ADDR, 301, ERR_SYNTAX,
		    "https://" T_HOST ":8443/x" },
		{ "location with a query", T_ADDR, 301, ERR_SYNTAX,
		    "https://" T_HOST "/x?y" },
		{ "location host with an empty label", T_ADDR, 301, ERR_SYNTAX,
		    "https://a..test/x" },
		{ "padding over 1 GiB", T_ADDR, 200, ERR_RANGE, NULL,
		    POLICY_PAD_MAX + 1 },
		{ "trickle over a minute a byte", T_ADDR, 200, ERR_RANGE, NULL,
		    0, POLICY_TRICKLE_MAX + 1, POLICY_SERVE_TRICKLE },
		{ "serve false is no host", T_ADDR, 200, ERR_RANGE, NULL, 0, 0,
		    POLICY_SERVE_OFF },
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
		if (rows[i].location != NULL)
			(void)str_copy(cfg.location, rows[i].location,
			    sizeof(cfg.location));
		cfg.pad = rows[i].pad;
		cfg.trickle_sec = rows[i].trickle_sec;
		cfg.serve = rows[i].serve;
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

/*
 * test_policy_host_cut - blackholed connections are held, read and never
 * answered; a client's hang-up ends one (eof), policy_host_cut the rest
 */
static void
test_policy_host_cut(void **state)
{
	struct t_fixture	*fx = *state;
	struct policy_config	 cfg;
	struct t_raw		 r;
	struct timeval		 tv = { T_GUARD_SEC, 0 };
	struct err		 err;
	int			 a, b, fds = testutil_count_fds();

	memset(&r, 0, sizeof(r));
	memset(&cfg, 0, sizeof(cfg));
	(void)str_copy(cfg.hostname, T_HOST, sizeof(cfg.hostname));
	cfg.status = 200;
	cfg.body = T_POLICY;
	cfg.body_len = strlen(T_POLICY);
	cfg.timeout_sec = 1;		/* a blackhole ignores it */
	cfg.serve = POLICY_SERVE_BLACKHOLE;
	assert_non_null(r.base = event_base_new());
	assert_non_null(r.guard = evtimer_new(r.base, t_raw_on_guard, &r));
	assert_int_equal(evtimer_add(r.guard, &tv), 0);
	log_set_event_hook(t_raw_on_event, &r);
	if ((r.ph = policy_host_new(r.base, fx->pki, &cfg, T_ADDR, 0,
	    &err)) == NULL)
		fail_msg("policy_host_new: %s", err.msg);
	clock_gettime(CLOCK_MONOTONIC, &r.t0);
	a = t_raw_connect(policy_host_port(r.ph));
	b = t_raw_connect(policy_host_port(r.ph));
	assert_int_equal(write(a, "\x16\x03\x01", 3), 3);
	t_raw_run(&r, 2);
	assert_true(t_raw_is(&r, 0, 1, "connect", " peer="));
	assert_true(t_raw_is(&r, 1, 2, "connect", " peer="));
	/* well past the idle timeout: still held, still silent */
	tv.tv_sec = 2;
	r.want = SIZE_MAX;
	assert_int_equal(event_base_loopexit(r.base, &tv), 0);
	assert_int_not_equal(event_base_dispatch(r.base), -1);
	assert_int_equal(r.nevents, 2);
	assert_false(t_raw_is_closed(a));
	close(b);
	t_raw_flush(&r);
	policy_host_cut(r.ph);
	assert_true(t_raw_is_closed(a));
	close(a);
	t_raw_clear(&r);
	if (testutil_count_fds() != fds)
		fail_msg("leaked a descriptor");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_host_bad_config),
		cmocka_unit_test(test_policy_host_stalled),
		cmocka_unit_test(test_policy_host_cap),
		cmocka_unit_test(test_policy_host_cut),
		cmocka_unit_test(test_policy_host_fetch),
	};

	return cmocka_run_group_tests_name("policy_host", tests, t_setup,
	    t_teardown);
}
