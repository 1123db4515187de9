/* SPDX-License-Identifier: ISC */
/*
 * test_pki.c -- every certificate profile verifies (or fails) against the
 * run's CA exactly as its name says, today and with the verifier's clock
 * years ahead; the CA is name-constrained to .test; no key ever reaches
 * the disk (the dir holds ca.pem and unknown-ca.pem alone); pki_free removes what pki_new
 * wrote.
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
 * verify cert for host against the CA file, as a strict client would,
 * with its clock ahead of ours by ahead seconds (0: now)
 */
static int
pki_verify(const char *cafile, X509 *cert, const char *host, long ahead)
{
	X509_STORE	*store = X509_STORE_new();
	X509_STORE_CTX	*ctx = X509_STORE_CTX_new();
	int		 rc;

	assert_int_equal(X509_STORE_load_file(store, cafile), 1);
	assert_int_equal(X509_STORE_CTX_init(ctx, store, cert, NULL), 1);
	X509_VERIFY_PARAM_set1_host(X509_STORE_CTX_get0_param(ctx), host, 0);
	if (ahead != 0)
		X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx),
		    time(NULL) + ahead);
	rc = X509_verify_cert(ctx) == 1 ? 0 : X509_STORE_CTX_get_error(ctx);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return rc;
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
		got = pki_verify(pki_ca_file(fx->pki), cert, tc->check != NULL ?
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
			    (enum cert_profile)rows[i].profile, "w.a.test",
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
 * test_pki_verifies - cert_profile_verifies() says what a strict client
 * finds: every profile's leaf, checked for the host it was made for
 */
static void
test_pki_verifies(void **state)
{
	struct pki_fixture	*fx = *state;
	X509			*cert;
	EVP_PKEY		*key;
	struct err		 err;
	static const char *const hosts[] = {
		"mx1.v.test", "v.test", "a.b.v.test", NULL
	};
	bool			 ok;
	size_t			 h;
	int			 i;

	for (h = 0; hosts[h] != NULL; h++)
		for (i = 0; i < CERT_PROFILE_COUNT; i++) {
			assert_int_equal(pki_leaf(fx->pki, (enum cert_profile)i,
			    hosts[h], &cert, &key, &err), 0);
			ok = pki_verify(pki_ca_file(fx->pki), cert, hosts[h],
			    0) == X509_V_OK;
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
	};

	return cmocka_run_group_tests_name("pki", tests, pki_setup,
	    pki_teardown);
}
