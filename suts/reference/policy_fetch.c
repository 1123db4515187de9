/* SPDX-License-Identifier: ISC */
/*
 * policy_fetch.c -- fetch an MTA-STS policy with libcurl (RFC 8461 §3.3).
 * The policy host's address comes from our own DNS lookup through
 * CURLOPT_RESOLVE, so the harness's resolver is used; TLS is verified
 * against the CA file only, and OpenSSL itself checks the name (libcurl
 * would take the CN of a certificate without a DNS-ID); redirects,
 * proxies and bodies over STS_POLICY_MAX are refused. Owns the easy
 * handle for one call.
 */
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "policy_fetch.h"
#include "../../common/proto.h"
#include "../../common/str.h"
#include "sts_policy.h"

#define POLICY_FETCH_HOST_MAX	(DNS_NAME_MAX + 1)
#define POLICY_FETCH_URL_MAX	(POLICY_FETCH_HOST_MAX + 64)
#define POLICY_FETCH_AGENT	"sts-send/0.1 (sts-harness reference)"
#define POLICY_FETCH_TLS_LEVEL	2	/* OpenSSL security level: 112 bits */

/* What the SSL_CTX callback adds to libcurl's own checks. */
struct policy_fetch_tls {
	const char	*host;		/* mta-sts.<domain> */
	bool		 check_host;	/* false: the mutant's */
	bool		 legacy;	/* the mutant's TLS 1.0/1.1: level 0 */
};

struct policy_fetch_buf {
	char	*p;
	size_t	 len;
	bool	 overflow;
};

static size_t	policy_fetch_on_data(char *, size_t, size_t, void *);
static CURLcode	policy_fetch_on_ssl_ctx(CURL *, void *, void *);
static int	policy_fetch_bugs(CURL *, const struct policy_fetch_req *,
		    const char *, const char *, struct curl_slist **);
static int	policy_fetch_setup(CURL *, const struct policy_fetch_req *,
		    const char *, struct curl_slist *,
		    struct policy_fetch_buf *, struct policy_fetch_tls *,
		    char *);

/* policy_fetch_on_data - append to the bounded body; abort beyond it */
static size_t
policy_fetch_on_data(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct policy_fetch_buf	*b = arg;
	size_t			 n = size * nmemb;

	if (n > STS_POLICY_MAX - b->len) {
		b->overflow = true;
		return 0;		/* CURLE_WRITE_ERROR */
	}
	memcpy(b->p + b->len, ptr, n);
	b->len += n;
	return n;
}

/*
 * policy_fetch_on_ssl_ctx - before the handshake: the chain check itself
 * wants a DNS-ID naming the policy host (RFC 8461 §3.3, RFC 6125 §6.4.4:
 * no CN, no partial wildcard) and keys of 112 bits
 */
static CURLcode
policy_fetch_on_ssl_ctx(CURL *c, void *sslctx, void *arg)
{
	const struct policy_fetch_tls	*t = arg;
	SSL_CTX				*ctx = sslctx;
	X509_VERIFY_PARAM		*param = SSL_CTX_get0_param(ctx);

	(void)c;
	SSL_CTX_set_security_level(ctx, t->legacy ? 0 : POLICY_FETCH_TLS_LEVEL);
	if (!t->check_host)
		return CURLE_OK;
	X509_VERIFY_PARAM_set_hostflags(param,
	    X509_CHECK_FLAG_NEVER_CHECK_SUBJECT |
	    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	if (X509_VERIFY_PARAM_set1_host(param, t->host, 0) != 1)
		return CURLE_SSL_CERTPROBLEM;
	return CURLE_OK;
}

/*
 * policy_fetch_bugs - the --bug mutants' options: follow redirects, GET
 * by address with a Host header (no SNI), a conditional GET, accept TLS
 * 1.0 and 1.1
 */
static int
policy_fetch_bugs(CURL *c, const struct policy_fetch_req *req,
    const char *host, const char *ipurl, struct curl_slist **headers)
{
	char	hdr[POLICY_FETCH_URL_MAX];

	if ((req->bugs & POLICY_FETCH_FOLLOW) &&
	    (curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https") !=
	    CURLE_OK))
		return -1;
	if (req->bugs & POLICY_FETCH_NO_SNI) {
		if (str_fmt(hdr, sizeof(hdr), req->port == HTTPS_PORT ?
		    "Host: %s" : "Host: %s:%u", host, (unsigned)req->port) ==
		    -1 || (*headers = curl_slist_append(NULL, hdr)) == NULL)
			return -1;
		if (curl_easy_setopt(c, CURLOPT_URL, ipurl) != CURLE_OK ||
		    curl_easy_setopt(c, CURLOPT_HTTPHEADER, *headers) !=
		    CURLE_OK ||
		    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L) != CURLE_OK)
			return -1;
	}
	/* HTTP caching: libcurl sends If-Modified-Since for us */
	if ((req->bugs & POLICY_FETCH_CONDITIONAL) &&
	    (curl_easy_setopt(c, CURLOPT_TIMECONDITION,
	    (long)CURL_TIMECOND_IFMODSINCE) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_TIMEVALUE_LARGE,
	    (curl_off_t)req->since) != CURLE_OK))
		return -1;
	/* OpenSSL 3 offers TLS 1.0/1.1 only at security level 0 */
	if ((req->bugs & POLICY_FETCH_LEGACY_TLS) &&
	    (curl_easy_setopt(c, CURLOPT_SSLVERSION,
	    (long)CURL_SSLVERSION_TLSv1_0) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_SSL_CIPHER_LIST,
	    "DEFAULT:@SECLEVEL=0") != CURLE_OK))
		return -1;
	return 0;
}

/* policy_fetch_setup - every option, each checked */
static int
policy_fetch_setup(CURL *c, const struct policy_fetch_req *req,
    const char *url, struct curl_slist *resolve, struct policy_fetch_buf *b,
    struct policy_fetch_tls *tls, char *errbuf)
{
	long	timeout = req->timeout_ms > 0 ? req->timeout_ms : 1;
	long	verify = (req->bugs & POLICY_FETCH_NO_VERIFY) ? 0L : 1L;
	long	vhost = (req->bugs & POLICY_FETCH_NO_HOST_CHECK) ? 0L : 2L;

	if (curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_RESOLVE, resolve) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https") != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_PROXY, "") != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_NOPROXY, "*") != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, verify) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, vhost) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_SSL_CTX_FUNCTION,
	    policy_fetch_on_ssl_ctx) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_SSL_CTX_DATA, tls) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_SSLVERSION,
	    (long)CURL_SSLVERSION_TLSv1_2) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout) !=
	    CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)STS_POLICY_MAX) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_USERAGENT, POLICY_FETCH_AGENT) !=
	    CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION,
	    policy_fetch_on_data) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_WRITEDATA, b) != CURLE_OK)
		return -1;
	if (req->cafile != NULL &&
	    (curl_easy_setopt(c, CURLOPT_CAINFO, req->cafile) != CURLE_OK ||
	    curl_easy_setopt(c, CURLOPT_CAPATH, NULL) != CURLE_OK))
		return -1;
	return 0;
}

int
policy_fetch_get(const struct policy_fetch_req *req, char **body,
    size_t *len, bool *not_modified, struct err *err)
{
	char			 host[POLICY_FETCH_HOST_MAX];
	char			 url[POLICY_FETCH_URL_MAX];
	char			 ipurl[POLICY_FETCH_URL_MAX];
	char			 rline[POLICY_FETCH_URL_MAX];
	char			 ip[INET_ADDRSTRLEN];
	char			 errbuf[CURL_ERROR_SIZE];
	struct policy_fetch_buf	 b = { NULL, 0, false };
	struct policy_fetch_tls	 tls;
	struct curl_slist	*resolve = NULL, *headers = NULL;
	CURL			*c = NULL;
	CURLcode		 rc;
	long			 status = 0;
	char			*ctype = NULL;

	*body = NULL;
	*len = 0;
	*not_modified = false;
	errbuf[0] = '\0';
	if (inet_ntop(AF_INET, req->addr, ip, sizeof(ip)) == NULL ||
	    str_fmt(host, sizeof(host), "mta-sts.%s", req->domain) == -1 ||
	    str_fmt(url, sizeof(url), "https://%s:%u%s", host,
	    (unsigned)req->port, STS_POLICY_PATH) == -1 ||
	    str_fmt(ipurl, sizeof(ipurl), "https://%s:%u%s", ip,
	    (unsigned)req->port, STS_POLICY_PATH) == -1 ||
	    str_fmt(rline, sizeof(rline), "%s:%u:%s", host,
	    (unsigned)req->port, ip) == -1)
		return err_set(err, ERR_RANGE, "fetch: name too long: %s",
		    req->domain);
	if ((resolve = curl_slist_append(NULL, rline)) == NULL ||
	    (c = curl_easy_init()) == NULL) {
		(void)err_set(err, ERR_NOMEM, "fetch: curl init");
		goto fail;
	}
	b.p = xmalloc(STS_POLICY_MAX + 1);
	tls.host = host;
	tls.check_host = !(req->bugs & POLICY_FETCH_NO_HOST_CHECK) ||
	    (req->bugs & POLICY_FETCH_NO_SNI);
	tls.legacy = (req->bugs & POLICY_FETCH_LEGACY_TLS) != 0;
	if (policy_fetch_setup(c, req, url, resolve, &b, &tls, errbuf) == -1 ||
	    policy_fetch_bugs(c, req, host, ipurl, &headers) == -1) {
		(void)err_set(err, ERR_UNSUPPORTED, "fetch: curl_easy_setopt");
		goto fail;
	}
	rc = curl_easy_perform(c);
	if (b.overflow) {
		(void)err_set(err, ERR_RANGE, "fetch %s: body over %d bytes",
		    url, STS_POLICY_MAX);
		goto fail;
	}
	if (rc != CURLE_OK) {
		(void)err_set(err, rc == CURLE_OPERATION_TIMEDOUT ?
		    ERR_TIMEOUT : ERR_PROTO, "fetch %s: %s", url,
		    errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc));
		goto fail;
	}
	if ((req->bugs & POLICY_FETCH_CONDITIONAL) &&
	    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status) ==
	    CURLE_OK && status == 304) {
		/* the mutant's HTTP cache: "the cached policy is current" */
		*not_modified = true;
		free(b.p);
		curl_easy_cleanup(c);
		curl_slist_free_all(resolve);
		curl_slist_free_all(headers);
		return 0;
	}
	if (curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status) !=
	    CURLE_OK || (status != 200 && !((req->bugs & POLICY_FETCH_ANY_2XX) &&
	    status >= 200 && status <= 299))) {
		/* RFC 8461 §3.3: only 200 is a policy; no redirects */
		(void)err_set(err, ERR_PROTO, "fetch %s: HTTP status %ld", url,
		    status);
		goto fail;
	}
	if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ctype) != CURLE_OK)
		ctype = NULL;
	if (!(req->bugs & POLICY_FETCH_ANY_TYPE) &&
	    (!sts_policy_is_media_type_ok(ctype) ||
	    ((req->bugs & POLICY_FETCH_EXACT_TYPE) &&
	    strcmp(ctype, "text/plain") != 0))) {
		/* RFC 8461 §3.2: the media type is text/plain */
		(void)err_set(err, ERR_PROTO,
		    "fetch %s: media type \"%s\", not text/plain", url,
		    ctype != NULL ? ctype : "(none)");
		goto fail;
	}
	b.p[b.len] = '\0';
	*body = b.p;
	*len = b.len;
	curl_easy_cleanup(c);
	curl_slist_free_all(resolve);
	curl_slist_free_all(headers);
	return 0;
fail:
	free(b.p);
	if (c != NULL)
		curl_easy_cleanup(c);
	curl_slist_free_all(resolve);
	curl_slist_free_all(headers);
	return -1;
}
