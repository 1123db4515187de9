/* SPDX-License-Identifier: ISC */
/*
 * test_pki.c -- every certificate profile verifies (or fails) against the
 * run's CA exactly as its name says, today and with the verifier's clock
 * years ahead, for a strict client (SAN only, no partial wildcards,
 * security level 2, the chain the server sends); the CA is
 * name-constrained to .test; no key ever reaches the disk (the dir holds
 * ca.pem and unknown-ca.pem alone); pki_free removes what pki_new wrote.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "../../common/pki.h"
#include "../../common/str.h"
#include "../../common/tls_ctx.h"

struct pki_fixture {
	char		 dir[64];
	struct pki	*pki;
};

static int
pki_setup(void **state)
{
	struct pki_fixture	*fx = calloc(1, sizeof(*fx));
	struct err		 err;

	(void)str_copy(fx->dir, "/tmp/sts-test-pki.XXXXXX", sizeof(fx->dir));
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	if ((fx->pki = pki_new(fx->dir, &err)) == NULL) {
		print_error("pki_new: %s\n", err.msg);
		return -1;
	}
	*state = fx;
	return 0;
}

static int
pki_teardown(void **state)
{
	struct pki_fixture	*fx = *state;

	pki_free(fx->pki);
	if (rmdir(fx->dir) == -1)	/* fails if pki_free left files */
		return -1;
	free(fx);
	return 0;
}

#define PKI_T_DAY	(24L * 3600)
#define PKI_T_YEAR	(365 * PKI_T_DAY)
#define PKI_T_5Y	(5 * PKI_T_YEAR + 2 * PKI_T_DAY)	/* leap days */

/*
 * verify cert for host against the CA file, as a strict client would (a
 * DNS-ID only, no partial wildcards, OpenSSL's security level 2), with
 * chain (NULL: none) as what the server sent after the leaf and the
 * client's clock ahead of ours by ahead seconds (0: now)
 */
static int
pki_verify_chain(const char *cafile, X509 *cert, X509 *chain,
    const char *host, long ahead)
{
	X509_STORE		*store = X509_STORE_new();
	X509_STORE_CTX		*ctx = X509_STORE_CTX_new();
	X509_VERIFY_PARAM	*param;
	STACK_OF(X509)		*sent = sk_X509_new_null();
	int			 rc;

	assert_non_null(sent);
	if (chain != NULL)
		assert_int_not_equal(sk_X509_push(sent, chain), 0);
	assert_int_equal(X509_STORE_load_file(store, cafile), 1);
	assert_int_equal(X509_STORE_CTX_init(ctx, store, cert, sent), 1);
	param = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set1_host(param, host, 0);
	X509_VERIFY_PARAM_set_hostflags(param,
	    X509_CHECK_FLAG_NEVER_CHECK_SUBJECT |
	    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	X509_VERIFY_PARAM_set_auth_level(param, 2);
	if (ahead != 0)
		X509_VERIFY_PARAM_set_time(param, time(NULL) + ahead);
	rc = X509_verify_cert(ctx) == 1 ? 0 : X509_STORE_CTX_get_error(ctx);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	sk_X509_free(sent);
	return rc;
}

/* pki_verify - the same, the server sending the leaf alone */
static int
pki_verify(const char *cafile, X509 *cert, const char *host, long ahead)
{
	return pki_verify_chain(cafile, cert, NULL, host, ahead);
}

struct profile_case {
	enum cert_profile	 profile;
	const char		*host;
	long			 ahead;		/* verifier's clock, seconds */
	int			 want;		/* X509_V_OK or the error */
	const char		*check;		/* name verified; NULL: host */
};

static const struct profile_case profile_cases[] = {
	{ CERT_VALID, "mx1.a.test", 0, X509_V_OK, NULL },
	{ CERT_WRONG_NAME, "mx1.a.test", 0, X509_V_ERR_HOSTNAME_MISMATCH,
	    NULL },
	{ CERT_EXPIRED, "mx1.a.test", 0, X509_V_ERR_CERT_HAS_EXPIRED, NULL },
	{ CERT_NOT_YET_VALID, "mx1.a.test", 0,
	    X509_V_ERR_CERT_NOT_YET_VALID, NULL },
	{ CERT_SELF_SIGNED, "mx1.a.test", 0,
	    X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, NULL },
	{ CERT_UNKNOWN_CA, "mx1.a.test", 0,
	    X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, NULL },
	/* the CA is name-constrained to .test */
	{ CERT_VALID, "mx1.a.example", 0, X509_V_ERR_PERMITTED_VIOLATION,
	    NULL },
	/* a SUT clock 5 years ahead: every profile still means its name */
	{ CERT_VALID, "mx1.a.test", PKI_T_5Y, X509_V_OK, NULL },
	{ CERT_EXPIRED, "mx1.a.test", PKI_T_5Y, X509_V_ERR_CERT_HAS_EXPIRED,
	    NULL },
	{ CERT_NOT_YET_VALID, "mx1.a.test", PKI_T_5Y,
	    X509_V_ERR_CERT_NOT_YET_VALID, NULL },
	{ CERT_WRONG_NAME, "mx1.a.test", PKI_T_5Y,
	    X509_V_ERR_HOSTNAME_MISMATCH, NULL },
	{ CERT_SELF_SIGNED, "mx1.a.test", PKI_T_5Y,
	    X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, NULL },
	{ CERT_UNKNOWN_CA, "mx1.a.test", PKI_T_5Y,
	    X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, NULL },
	/* and a clock a few hours behind */
	{ CERT_VALID, "mx1.a.test", -12 * 3600, X509_V_OK, NULL },
	{ CERT_EXPIRED, "mx1.a.test", -12 * 3600,
	    X509_V_ERR_CERT_HAS_EXPIRED, NULL },
	/* the windows are bounded, so the profiles are windows, not junk */
	{ CERT_VALID, "mx1.a.test", 11 * PKI_T_YEAR,
	    X509_V_ERR_CERT_HAS_EXPIRED, NULL },
	{ CERT_NOT_YET_VALID, "mx1.a.test", 21 * PKI_T_YEAR, X509_V_OK, NULL },
	/* "*.a.test": one whole left-most label, nothing more, nothing less */
	{ CERT_WILDCARD, "mx1.a.test", 0, X509_V_OK, NULL },
	{ CERT_WILDCARD, "mx1.a.test", 0, X509_V_OK, "mx2.a.test" },
	{ CERT_WILDCARD, "mx1.a.test", 0, X509_V_OK, "MX1.A.TEST" },
	{ CERT_WILDCARD, "mx1.a.test", 0, X509_V_ERR_HOSTNAME_MISMATCH,
	    "a.test" },
	{ CERT_WILDCARD, "mx1.a.test", 0, X509_V_ERR_HOSTNAME_MISMATCH,
	    "a.b.a.test" },
	{ CERT_WILDCARD, "mx1.a.test", 0, X509_V_ERR_HOSTNAME_MISMATCH,
	    "mx1.b.test" },
	/* a two-label host: "*.test" is too wide for OpenSSL to match */
	{ CERT_WILDCARD, "a.test", 0, X509_V_ERR_HOSTNAME_MISMATCH, NULL },
	/* a host of several labels: the wildcard replaces the first */
	{ CERT_WILDCARD, "a.b.a.test", 0, X509_V_OK, NULL },
	{ CERT_WILDCARD, "a.b.a.test", 0, X509_V_ERR_HOSTNAME_MISMATCH,
	    "a.a.test" },
	{ CERT_WILDCARD, "mx1.a.test", PKI_T_5Y, X509_V_OK, NULL },
	{ CERT_WILDCARD, "mx1.a.example", 0, X509_V_ERR_PERMITTED_VIOLATION,
	    NULL },
	/* RFC 8461 §4.2: the name in the CN alone names nothing */
	{ CERT_CN_ONLY, "mx1.a.test", 0, X509_V_ERR_HOSTNAME_MISMATCH, NULL },
	{ CERT_CN_ONLY, "mx1.a.test", 0, X509_V_ERR_HOSTNAME_MISMATCH,
	    "MX1.A.TEST" },
	/* RFC 6125 §6.4.1: DNS names compare case-insensitively */
	{ CERT_UPPER_CASE, "mx1.a.test", 0, X509_V_OK, NULL },
	{ CERT_UPPER_CASE, "mx1.a.test", 0, X509_V_OK, "MX1.A.test" },
	{ CERT_UPPER_CASE, "mx1.a.test", 0, X509_V_ERR_HOSTNAME_MISMATCH,
	    "mx2.a.test" },
	/* the chain: the leaf alone reaches no trusted CA */
	{ CERT_INTERMEDIATE, "mx1.a.test", 0, X509_V_OK, NULL },
	{ CERT_INTERMEDIATE, "mx1.a.test", PKI_T_5Y, X509_V_OK, NULL },
	{ CERT_INTERMEDIATE, "mx1.a.test", 0, X509_V_ERR_HOSTNAME_MISMATCH,
	    "mx2.a.test" },
	{ CERT_MISSING_INTERMEDIATE, "mx1.a.test", 0,
	    X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, NULL },
	{ CERT_NAME_CONSTRAINED, "mx1.a.test", 0,
	    X509_V_ERR_PERMITTED_VIOLATION, NULL },
	{ CERT_NAME_CONSTRAINED, "mx1.other.test", 0, X509_V_OK, NULL },
	{ CERT_NAME_CONSTRAINED, "other.test", 0, X509_V_OK, NULL },
	{ CERT_NAME_CONSTRAINED, "mx1.another.test", 0,
	    X509_V_ERR_PERMITTED_VIOLATION, NULL },
	/* "mx*.a.test": RFC 9525 §6.3 forbids it, as a strict client does */
	{ CERT_PARTIAL_WILDCARD, "mx1.a.test", 0, X509_V_ERR_HOSTNAME_MISMATCH,
	    NULL },
	{ CERT_PARTIAL_WILDCARD, "mx1.a.test", 0, X509_V_ERR_HOSTNAME_MISMATCH,
	    "mx2.a.test" },
	/* "*.a.test" for mx1.sub.a.test: a wildcard is one label */
	{ CERT_WILDCARD_TOO_DEEP, "mx1.sub.a.test", 0,
	    X509_V_ERR_HOSTNAME_MISMATCH, NULL },
	{ CERT_WILDCARD_TOO_DEEP, "mx1.sub.a.test", 0, X509_V_OK,
	    "sub.a.test" },
	{ CERT_WILDCARD_TOO_DEEP, "mx1.sub.a.test", 0, X509_V_OK,
	    "other.a.test" },
	/* "a.test" for mta-sts.a.test: names the parent, not the host */
	{ CERT_PARENT_NAME, "mta-sts.a.test", 0, X509_V_ERR_HOSTNAME_MISMATCH,
	    NULL },
	{ CERT_PARENT_NAME, "mta-sts.a.test", 0, X509_V_OK, "a.test" },
	/* RSA 1024 is 80 bits: under level 2's 112 */
	{ CERT_WEAK_KEY, "mx1.a.test", 0, X509_V_ERR_EE_KEY_TOO_SMALL, NULL },
	{ CERT_PROFILE_COUNT, NULL, 0, 0, NULL },
};

static void
test_pki_profiles(void **state)
{
	struct pki_fixture		*fx = *state;
	const struct profile_case	*tc;
	X509				*cert;
	EVP_PKEY			*key;
	struct err			 err;
	int				 got;

	for (tc = profile_cases; tc->host != NULL; tc++) {
		if (pki_leaf(fx->pki, tc->profile, tc->host, &cert, &key,
		    &err) == -1)
			fail_msg("%s: %s", cert_profile_str(tc->profile),
			    err.msg);
		assert_int_equal(X509_check_private_key(cert, key), 1);
		got = pki_verify_chain(pki_ca_file(fx->pki), cert,
		    pki_chain_cert(fx->pki, tc->profile), tc->check != NULL ?
		    tc->check : tc->host, tc->ahead);
		if (got != tc->want)
			fail_msg("%s for %s as %s, %+ld days: verify %d (%s), "
			    "want %d", cert_profile_str(tc->profile), tc->host,
			    tc->check != NULL ? tc->check : tc->host,
			    tc->ahead / PKI_T_DAY, got,
			    X509_verify_cert_error_string(got), tc->want);
	}
}

/* test_pki_windows - each certificate's dates, in days from now (pki.h) */
static void
test_pki_windows(void **state)
{
	static const struct {
		int	profile;		/* -1: the trusted CA */
		int	from, to;		/* days from now */
	} rows[] = {
		{ -1, -1, 30 * 365 },
		{ CERT_VALID, -1, 10 * 365 },
		{ CERT_WRONG_NAME, -1, 10 * 365 },
		{ CERT_SELF_SIGNED, -1, 10 * 365 },
		{ CERT_UNKNOWN_CA, -1, 10 * 365 },
		{ CERT_WILDCARD, -1, 10 * 365 },
		{ CERT_CN_ONLY, -1, 10 * 365 },
		{ CERT_UPPER_CASE, -1, 10 * 365 },
		{ CERT_INTERMEDIATE, -1, 10 * 365 },
		{ CERT_MISSING_INTERMEDIATE, -1, 10 * 365 },
		{ CERT_NAME_CONSTRAINED, -1, 10 * 365 },
		{ CERT_PARTIAL_WILDCARD, -1, 10 * 365 },
		{ CERT_WILDCARD_TOO_DEEP, -1, 10 * 365 },
		{ CERT_PARENT_NAME, -1, 10 * 365 },
		{ CERT_WEAK_KEY, -1, 10 * 365 },
		{ CERT_EXPIRED, -2 * 365, -1 },
		{ CERT_NOT_YET_VALID, 20 * 365, 30 * 365 },
	};
	struct pki_fixture	*fx = *state;
	X509			*cert;
	EVP_PKEY		*key;
	struct err		 err;
	size_t			 i;
	int			 from, to, sec;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (rows[i].profile == -1)
			cert = pki_ca_cert(fx->pki);
		else
			assert_int_equal(pki_leaf(fx->pki,
			    (enum cert_profile)rows[i].profile, "ww.b.a.test",
			    &cert, &key, &err), 0);
		/* whole days, rounded toward zero; made a moment ago */
		assert_int_equal(ASN1_TIME_diff(&from, &sec, NULL,
		    X509_get0_notBefore(cert)), 1);
		assert_int_equal(ASN1_TIME_diff(&to, &sec, NULL,
		    X509_get0_notAfter(cert)), 1);
		if (from != rows[i].from && from != rows[i].from + 1)
			fail_msg("row %zu: notBefore %+d days", i, from);
		if (to != rows[i].to && to != rows[i].to - 1)
			fail_msg("row %zu: notAfter %+d days", i, to);
	}
}

static void
test_pki_cache_and_bad_input(void **state)
{
	struct pki_fixture	*fx = *state;
	X509			*c1, *c2;
	EVP_PKEY		*k1, *k2;
	struct err		 err;
	char			 longname[300];

	assert_int_equal(pki_leaf(fx->pki, CERT_VALID, "x.a.test", &c1, &k1,
	    &err), 0);
	assert_int_equal(pki_leaf(fx->pki, CERT_VALID, "x.a.test", &c2, &k2,
	    &err), 0);
	assert_ptr_equal(c1, c2);		/* made once */
	assert_int_equal(pki_leaf(fx->pki, CERT_EXPIRED, "x.a.test", &c2, &k2,
	    &err), 0);
	assert_ptr_not_equal(c1, c2);
	assert_int_equal(pki_leaf(fx->pki, CERT_VALID, "", &c1, &k1, &err),
	    -1);
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(pki_leaf(fx->pki, CERT_VALID, longname, &c1, &k1,
	    &err), -1);
	assert_int_equal(pki_leaf(fx->pki, CERT_PROFILE_COUNT, "x.a.test",
	    &c1, &k1, &err), -1);
}

/*
 * test_pki_files - pki_new wrote ca.pem and unknown-ca.pem (0644, a
 * certificate each and no key) and nothing else, even after leaves were
 * made; the two are different CAs, and an unknown-ca leaf does not
 * verify against ca.pem but does against unknown-ca.pem
 */
static void
test_pki_files(void **state)
{
	struct pki_fixture	*fx = *state;
	struct dirent		*de;
	struct stat		 st;
	DIR			*d;
	FILE			*fp;
	X509			*c;
	EVP_PKEY		*k;
	char			 path[128], line[128];
	struct err		 err;
	SSL_CTX			*ctx;
	int			 n = 0, i;

	assert_int_equal(pki_leaf(fx->pki, CERT_VALID, "f.a.test", &c, &k,
	    &err), 0);
	assert_int_equal(stat(pki_ca_file(fx->pki), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	(void)str_fmt(path, sizeof(path), "%s/ca.pem", fx->dir);
	assert_string_equal(pki_ca_file(fx->pki), path);
	assert_non_null(d = opendir(fx->dir));
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (strcmp(de->d_name, "ca.pem") != 0 &&
		    strcmp(de->d_name, "unknown-ca.pem") != 0)
			fail_msg("unexpected file %s/%s", fx->dir, de->d_name);
		n++;
	}
	closedir(d);
	assert_int_equal(n, 2);
	assert_int_equal(stat(pki_unknown_ca_file(fx->pki), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_not_equal(X509_cmp(pki_ca_cert(fx->pki),
	    pki_unknown_ca_cert(fx->pki)), 0);
	/* and neither holds a key */
	for (i = 0; i < 2; i++) {
		const char *f = i == 0 ? path : pki_unknown_ca_file(fx->pki);

		assert_non_null(fp = fopen(f, "r"));
		while (fgets(line, sizeof(line), fp) != NULL)
			if (strstr(line, "PRIVATE KEY") != NULL)
				fail_msg("%s holds a key", f);
		fclose(fp);
	}
	assert_int_equal(pki_leaf(fx->pki, CERT_UNKNOWN_CA, "u.a.test", &c,
	    &k, &err), 0);
	assert_int_not_equal(pki_verify(pki_ca_file(fx->pki), c, "u.a.test",
	    0), 0);
	assert_int_equal(pki_verify(pki_unknown_ca_file(fx->pki), c,
	    "u.a.test", 0), 0);
	ctx = tls_ctx_server_new(fx->pki, CERT_VALID, "mx1.a.test", &err);
	assert_non_null(ctx);
	SSL_CTX_free(ctx);
	ctx = tls_ctx_client_new(pki_ca_file(fx->pki), &err);
	assert_non_null(ctx);
	SSL_CTX_free(ctx);
	assert_null(tls_ctx_client_new("/nonexistent/ca.pem", &err));
	assert_int_equal(err.code, ERR_TLS);
	assert_null(pki_new("/nonexistent/dir", &err));
}

static void
test_pki_profile_names(void **state)
{
	enum cert_profile	p;
	int			i;

	(void)state;
	for (i = 0; i < CERT_PROFILE_COUNT; i++) {
		assert_int_equal(cert_profile_parse(
		    cert_profile_str((enum cert_profile)i), &p), 0);
		assert_int_equal(p, i);
	}
	assert_int_equal(cert_profile_parse("Valid", &p), -1);
	assert_int_equal(cert_profile_parse("", &p), -1);
	assert_string_equal(cert_profile_str(CERT_PROFILE_COUNT), "?");
	/* the name list is the table, in enum order */
	for (i = 0; cert_profile_name((size_t)i) != NULL; i++)
		assert_string_equal(cert_profile_name((size_t)i),
		    cert_profile_str((enum cert_profile)i));
	assert_int_equal(i, CERT_PROFILE_COUNT);
}

/*
 * The (profile, host) pairs pki_leaf() refuses among those
 * test_pki_verifies() tries: names the profile cannot be made from.
 */
static const struct {
	enum cert_profile	 profile;
	const char		*host;
	const char		*msg;		/* in the error */
} pki_refused[] = {
	{ CERT_WILDCARD_TOO_DEEP, "v.test", "needs three labels" },
	{ CERT_PARTIAL_WILDCARD, "v.test", "two characters or more" },
	{ CERT_PARTIAL_WILDCARD, "a.b.v.test", "two characters or more" },
};

/* pki_refused_msg - the error pki_leaf() must give, or NULL */
static const char *
pki_refused_msg(enum cert_profile p, const char *host)
{
	size_t	i;

	for (i = 0; i < sizeof(pki_refused) / sizeof(pki_refused[0]); i++)
		if (pki_refused[i].profile == p &&
		    strcmp(pki_refused[i].host, host) == 0)
			return pki_refused[i].msg;
	return NULL;
}

/*
 * test_pki_verifies - cert_profile_verifies() says what a strict client
 * finds: every profile's leaf, sent with its chain, checked for the host
 * it was made for
 */
static void
test_pki_verifies(void **state)
{
	struct pki_fixture	*fx = *state;
	X509			*cert;
	EVP_PKEY		*key;
	struct err		 err;
	static const char *const hosts[] = {
		"mx1.v.test", "v.test", "a.b.v.test", "mx1.sub.v.test",
		"mx1.other.test", "MX1.V.TEST", NULL
	};
	const char		*msg;
	bool			 ok;
	size_t			 h;
	int			 i, rc;

	for (h = 0; hosts[h] != NULL; h++)
		for (i = 0; i < CERT_PROFILE_COUNT; i++) {
			msg = pki_refused_msg((enum cert_profile)i, hosts[h]);
			rc = pki_leaf(fx->pki, (enum cert_profile)i, hosts[h],
			    &cert, &key, &err);
			if (msg != NULL) {
				assert_int_equal(rc, -1);
				if (strstr(err.msg, msg) == NULL)
					fail_msg("%s for %s: \"%s\"",
					    cert_profile_str(
					    (enum cert_profile)i), hosts[h],
					    err.msg);
				continue;
			}
			if (rc == -1)
				fail_msg("%s for %s: %s", cert_profile_str(
				    (enum cert_profile)i), hosts[h], err.msg);
			ok = pki_verify_chain(pki_ca_file(fx->pki), cert,
			    pki_chain_cert(fx->pki, (enum cert_profile)i),
			    hosts[h], 0) == X509_V_OK;
			if (cert_profile_verifies((enum cert_profile)i,
			    hosts[h]) != ok)
				fail_msg("%s for %s: verifies says %d, a "
				    "client %d", cert_profile_str(
				    (enum cert_profile)i), hosts[h], !ok, ok);
		}
	assert_false(cert_profile_verifies(CERT_PROFILE_COUNT, "mx1.v.test"));
	/* a wildcard needs a parent to stand in front of */
	assert_int_equal(pki_leaf(fx->pki, CERT_WILDCARD, "localhost", &cert,
	    &key, &err), -1);
	assert_non_null(strstr(err.msg, "needs a host below a domain"));
	assert_int_equal(pki_leaf(fx->pki, CERT_WILDCARD, ".test", &cert,
	    &key, &err), -1);
	/* and so do a parent name and a partial wildcard */
	assert_int_equal(pki_leaf(fx->pki, CERT_PARENT_NAME, "localhost",
	    &cert, &key, &err), -1);
	assert_int_equal(pki_leaf(fx->pki, CERT_PARENT_NAME, "x.", &cert,
	    &key, &err), -1);
	assert_int_equal(pki_leaf(fx->pki, CERT_PARTIAL_WILDCARD, "mx1",
	    &cert, &key, &err), -1);
	assert_int_equal(pki_leaf(fx->pki, CERT_WILDCARD_TOO_DEEP, "a..test",
	    &cert, &key, &err), -1);
}

/*
 * test_pki_new_names - the names each new SAN kind writes, and that the
 * two chained profiles share their leaf's issuer but not what is sent
 */
static void
test_pki_new_names(void **state)
{
	static const struct {
		enum cert_profile	 profile;
		const char		*host;
		const char		*san;	/* NULL: no SAN */
		const char		*cn;
	} rows[] = {
		{ CERT_CN_ONLY, "mx1.n.test", NULL, "mx1.n.test" },
		{ CERT_UPPER_CASE, "mx1.n.test", "MX1.N.TEST", "MX1.N.TEST" },
		{ CERT_PARTIAL_WILDCARD, "mx1.n.test", "mx*.n.test",
		    "mx*.n.test" },
		{ CERT_PARTIAL_WILDCARD, "ab.n.test", "a*.n.test",
		    "a*.n.test" },
		{ CERT_WILDCARD_TOO_DEEP, "mx1.sub.n.test", "*.n.test",
		    "*.n.test" },
		{ CERT_PARENT_NAME, "mta-sts.n.test", "n.test", "n.test" },
		{ CERT_INTERMEDIATE, "mx1.n.test", "mx1.n.test",
		    "mx1.n.test" },
	};
	struct pki_fixture	*fx = *state;
	GENERAL_NAMES		*gens;
	const GENERAL_NAME	*g;
	X509			*cert;
	EVP_PKEY		*key;
	struct err		 err;
	char			 cn[256];
	size_t			 i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(pki_leaf(fx->pki, rows[i].profile,
		    rows[i].host, &cert, &key, &err), 0);
		gens = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL,
		    NULL);
		if (rows[i].san == NULL)
			assert_null(gens);
		else {
			assert_non_null(gens);
			assert_int_equal(sk_GENERAL_NAME_num(gens), 1);
			g = sk_GENERAL_NAME_value(gens, 0);
			assert_int_equal(g->type, GEN_DNS);
			assert_string_equal((const char *)ASN1_STRING_get0_data(
			    g->d.dNSName), rows[i].san);
			GENERAL_NAMES_free(gens);
		}
		assert_int_not_equal(X509_NAME_get_text_by_NID(
		    X509_get_subject_name(cert), NID_commonName, cn,
		    sizeof(cn)), -1);
		assert_string_equal(cn, rows[i].cn);
	}
	/* one intermediate issues both; only one profile sends it */
	assert_int_equal(pki_leaf(fx->pki, CERT_MISSING_INTERMEDIATE,
	    "mx1.n.test", &cert, &key, &err), 0);
	assert_non_null(pki_chain_cert(fx->pki, CERT_INTERMEDIATE));
	assert_null(pki_chain_cert(fx->pki, CERT_MISSING_INTERMEDIATE));
	assert_int_equal(X509_check_issued(pki_chain_cert(fx->pki,
	    CERT_INTERMEDIATE), cert), X509_V_OK);
	assert_int_equal(X509_check_issued(pki_ca_cert(fx->pki),
	    pki_chain_cert(fx->pki, CERT_INTERMEDIATE)), X509_V_OK);
	assert_non_null(pki_chain_cert(fx->pki, CERT_NAME_CONSTRAINED));
	assert_ptr_not_equal(pki_chain_cert(fx->pki, CERT_NAME_CONSTRAINED),
	    pki_chain_cert(fx->pki, CERT_INTERMEDIATE));
	assert_null(pki_chain_cert(fx->pki, CERT_VALID));
	assert_null(pki_chain_cert(fx->pki, CERT_SELF_SIGNED));
	assert_null(pki_chain_cert(fx->pki, CERT_PROFILE_COUNT));
	/* the weak key is RSA of 1024 bits */
	assert_int_equal(pki_leaf(fx->pki, CERT_WEAK_KEY, "mx1.n.test", &cert,
	    &key, &err), 0);
	assert_int_equal(EVP_PKEY_get_base_id(key), EVP_PKEY_RSA);
	assert_int_equal(EVP_PKEY_get_bits(key), 1024);
}

/*
 * test_pki_wildcard_names - the wildcard leaf of mx1.<domain> under the
 * host check a strict MTA does (RFC 6125 §6.4.3: no partial wildcards,
 * never the CN): mx1.<domain> yes, <domain> and a.b.<domain> no
 */
static void
test_pki_wildcard_names(void **state)
{
	static const struct {
		const char	*name;
		int		 want;		/* X509_check_host() */
	} rows[] = {
		{ "mx1.w.test", 1 },
		{ "other.w.test", 1 },
		{ "w.test", 0 },
		{ "a.b.w.test", 0 },
		{ "mx1.x.test", 0 },
		{ "", 0 },
	};
	struct pki_fixture	*fx = *state;
	X509			*cert;
	EVP_PKEY		*key;
	struct err		 err;
	size_t			 i;
	int			 got;

	assert_int_equal(pki_leaf(fx->pki, CERT_WILDCARD, "mx1.w.test", &cert,
	    &key, &err), 0);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		got = X509_check_host(cert, rows[i].name, 0,
		    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS |
		    X509_CHECK_FLAG_NEVER_CHECK_SUBJECT, NULL);
		if (got != rows[i].want)
			fail_msg("\"%s\": X509_check_host %d, want %d",
			    rows[i].name, got, rows[i].want);
	}
}

/*
 * pki_verify_crl - pki_verify_chain's strict client, checking the leaf
 * against crl (X509_V_FLAG_CRL_CHECK), its clock ahead by ahead seconds
 */
static int
pki_verify_crl(const char *cafile, X509 *cert, X509_CRL *crl,
    const char *host, long ahead)
{
	X509_STORE		*store = X509_STORE_new();
	X509_STORE_CTX		*ctx = X509_STORE_CTX_new();
	X509_VERIFY_PARAM	*param;
	int			 rc;

	assert_int_equal(X509_STORE_load_file(store, cafile), 1);
	assert_int_equal(X509_STORE_add_crl(store, crl), 1);
	assert_int_equal(X509_STORE_CTX_init(ctx, store, cert, NULL), 1);
	param = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set1_host(param, host, 0);
	X509_VERIFY_PARAM_set_hostflags(param,
	    X509_CHECK_FLAG_NEVER_CHECK_SUBJECT);
	X509_VERIFY_PARAM_set_auth_level(param, 2);
	X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_CRL_CHECK);
	if (ahead != 0)
		X509_VERIFY_PARAM_set_time(param, time(NULL) + ahead);
	rc = X509_verify_cert(ctx) == 1 ? 0 : X509_STORE_CTX_get_error(ctx);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return rc;
}

/* pki_crl_get - the pki's CRL, parsed (the caller frees it) */
static X509_CRL *
pki_crl_get(struct pki *pki)
{
	const unsigned char	*der, *p;
	X509_CRL		*crl;
	struct err		 err;
	size_t			 len;

	if (pki_crl_der(pki, &der, &len, &err) == -1)
		fail_msg("pki_crl_der: %s", err.msg);
	p = der;
	crl = d2i_X509_CRL(NULL, &p, (long)len);
	assert_non_null(crl);
	assert_ptr_equal(p, der + len);
	return crl;
}

/* pki_crl_lists - whether crl lists cert's serial */
static bool
pki_crl_lists(X509_CRL *crl, X509 *cert)
{
	X509_REVOKED	*rev;

	return X509_CRL_get0_by_serial(crl, &rev,
	    (ASN1_INTEGER *)X509_get0_serialNumber(cert)) == 1;
}

/* pki_crl_number - the cRLNumber extension's value */
static long
pki_crl_number(X509_CRL *crl)
{
	ASN1_INTEGER	*n;
	long		 v;

	n = X509_CRL_get_ext_d2i(crl, NID_crl_number, NULL, NULL);
	assert_non_null(n);
	v = ASN1_INTEGER_get(n);
	ASN1_INTEGER_free(n);
	return v;
}

/*
 * test_pki_crl - the revoked profile: its CRL DP names crl.<parent>, the
 * CA's CRL (signed, in date for a clock up to 5 years ahead) lists it and
 * no valid leaf, a client checking the CRL rejects it as revoked and still
 * takes the valid one; a revoked leaf made later is in the next CRL; no
 * DP can be made for a host without a parent
 */
static void
test_pki_crl(void **state)
{
	struct pki_fixture	*fx = *state;
	CRL_DIST_POINTS		*dps;
	const DIST_POINT	*dp;
	const GENERAL_NAME	*g;
	X509			*rev1, *rev2, *valid;
	X509_CRL		*crl;
	EVP_PKEY		*key, *capub;
	struct err		 err;
	long			 number;

	assert_true(cert_profile_is_revoked(CERT_REVOKED));
	assert_false(cert_profile_is_revoked(CERT_VALID));
	assert_false(cert_profile_is_revoked(CERT_PROFILE_COUNT));
	assert_true(cert_profile_verifies(CERT_REVOKED, "mx1.r.test"));
	assert_int_equal(pki_leaf(fx->pki, CERT_REVOKED, "mx1.r.test", &rev1,
	    &key, &err), 0);
	assert_int_equal(pki_leaf(fx->pki, CERT_VALID, "mx1.r.test", &valid,
	    &key, &err), 0);

	/* one distribution point, a full name, one URI */
	dps = X509_get_ext_d2i(rev1, NID_crl_distribution_points, NULL, NULL);
	assert_non_null(dps);
	assert_int_equal(sk_DIST_POINT_num(dps), 1);
	dp = sk_DIST_POINT_value(dps, 0);
	assert_non_null(dp->distpoint);
	assert_int_equal(dp->distpoint->type, 0);
	assert_int_equal(sk_GENERAL_NAME_num(dp->distpoint->name.fullname), 1);
	g = sk_GENERAL_NAME_value(dp->distpoint->name.fullname, 0);
	assert_int_equal(g->type, GEN_URI);
	assert_string_equal((const char *)ASN1_STRING_get0_data(
	    g->d.uniformResourceIdentifier), "http://crl.r.test/ca.crl");
	CRL_DIST_POINTS_free(dps);
	assert_null(X509_get_ext_d2i(valid, NID_crl_distribution_points, NULL,
	    NULL));

	crl = pki_crl_get(fx->pki);
	assert_int_equal(X509_CRL_get_version(crl), X509_CRL_VERSION_2);
	assert_int_equal(X509_NAME_cmp(X509_CRL_get_issuer(crl),
	    X509_get_subject_name(pki_ca_cert(fx->pki))), 0);
	capub = X509_get0_pubkey(pki_ca_cert(fx->pki));
	assert_int_equal(X509_CRL_verify(crl, capub), 1);
	assert_int_equal(X509_cmp_time(X509_CRL_get0_lastUpdate(crl), NULL),
	    -1);
	assert_int_equal(X509_cmp_current_time(X509_CRL_get0_nextUpdate(crl)),
	    1);
	assert_true(pki_crl_lists(crl, rev1));
	assert_false(pki_crl_lists(crl, valid));
	number = pki_crl_number(crl);
	assert_int_equal(pki_verify_crl(pki_ca_file(fx->pki), rev1, crl,
	    "mx1.r.test", 0), X509_V_ERR_CERT_REVOKED);
	assert_int_equal(pki_verify_crl(pki_ca_file(fx->pki), valid, crl,
	    "mx1.r.test", 0), X509_V_OK);
	/* a SUT clock 5 years ahead: the CRL is still current */
	assert_int_equal(pki_verify_crl(pki_ca_file(fx->pki), rev1, crl,
	    "mx1.r.test", PKI_T_5Y), X509_V_ERR_CERT_REVOKED);
	assert_int_equal(pki_verify_crl(pki_ca_file(fx->pki), valid, crl,
	    "mx1.r.test", PKI_T_5Y), X509_V_OK);
	/* and without the check, the revoked leaf verifies */
	assert_int_equal(pki_verify(pki_ca_file(fx->pki), rev1, "mx1.r.test",
	    0), X509_V_OK);
	X509_CRL_free(crl);

	/* nothing new: the same CRL; a new revoked leaf: a new one */
	crl = pki_crl_get(fx->pki);
	assert_int_equal(pki_crl_number(crl), number);
	X509_CRL_free(crl);
	assert_int_equal(pki_leaf(fx->pki, CERT_REVOKED, "mta-sts.r.test",
	    &rev2, &key, &err), 0);
	crl = pki_crl_get(fx->pki);
	assert_int_equal(pki_crl_number(crl), number + 1);
	assert_true(pki_crl_lists(crl, rev1));
	assert_true(pki_crl_lists(crl, rev2));
	assert_false(pki_crl_lists(crl, valid));
	X509_CRL_free(crl);

	/* a host without a parent has no crl.<parent> */
	assert_int_equal(pki_leaf(fx->pki, CERT_REVOKED, "localhost", &rev2,
	    &key, &err), -1);
	assert_non_null(strstr(err.msg, "needs a host below a domain"));
	assert_int_equal(pki_leaf(fx->pki, CERT_REVOKED, "x.", &rev2, &key,
	    &err), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pki_profiles),
		cmocka_unit_test(test_pki_windows),
		cmocka_unit_test(test_pki_cache_and_bad_input),
		cmocka_unit_test(test_pki_files),
		cmocka_unit_test(test_pki_profile_names),
		cmocka_unit_test(test_pki_verifies),
		cmocka_unit_test(test_pki_wildcard_names),
		cmocka_unit_test(test_pki_new_names),
		cmocka_unit_test(test_pki_crl),
	};

	return cmocka_run_group_tests_name("pki", tests, pki_setup,
	    pki_teardown);
}
