/* SPDX-License-Identifier: ISC */
/*
 * test_pki.c -- every certificate profile verifies (or fails) against the
 * run's CA exactly as its name says, the CA is name-constrained to .test,
 * the key file is private, and pki_free removes what pki_new wrote.
 */
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
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

/* verify cert for host against the CA file, as a strict client would */
static int
pki_verify(const char *cafile, X509 *cert, const char *host)
{
	X509_STORE	*store = X509_STORE_new();
	X509_STORE_CTX	*ctx = X509_STORE_CTX_new();
	int		 rc;

	assert_int_equal(X509_STORE_load_file(store, cafile), 1);
	assert_int_equal(X509_STORE_CTX_init(ctx, store, cert, NULL), 1);
	X509_VERIFY_PARAM_set1_host(X509_STORE_CTX_get0_param(ctx), host, 0);
	rc = X509_verify_cert(ctx) == 1 ? 0 : X509_STORE_CTX_get_error(ctx);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return rc;
}

struct profile_case {
	enum cert_profile	 profile;
	const char		*host;
	int			 want;		/* X509_V_OK or the error */
};

static const struct profile_case profile_cases[] = {
	{ CERT_VALID, "mx1.a.test", X509_V_OK },
	{ CERT_WRONG_NAME, "mx1.a.test", X509_V_ERR_HOSTNAME_MISMATCH },
	{ CERT_EXPIRED, "mx1.a.test", X509_V_ERR_CERT_HAS_EXPIRED },
	{ CERT_NOT_YET_VALID, "mx1.a.test", X509_V_ERR_CERT_NOT_YET_VALID },
	{ CERT_SELF_SIGNED, "mx1.a.test",
	    X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT },
	{ CERT_UNKNOWN_CA, "mx1.a.test",
	    X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY },
	/* the CA is name-constrained to .test */
	{ CERT_VALID, "mx1.a.example", X509_V_ERR_PERMITTED_VIOLATION },
	{ CERT_PROFILE_COUNT, NULL, 0 },
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
		got = pki_verify(pki_ca_file(fx->pki), cert, tc->host);
		if (got != tc->want)
			fail_msg("%s for %s: verify %d (%s), want %d",
			    cert_profile_str(tc->profile), tc->host, got,
			    X509_verify_cert_error_string(got), tc->want);
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

static void
test_pki_files(void **state)
{
	struct pki_fixture	*fx = *state;
	struct stat		 st;
	char			 key[128];
	struct err		 err;
	SSL_CTX			*ctx;

	assert_int_equal(stat(pki_ca_file(fx->pki), &st), 0);
	(void)str_fmt(key, sizeof(key), "%s/ca.key", fx->dir);
	assert_int_equal(stat(key, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
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
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pki_profiles),
		cmocka_unit_test(test_pki_cache_and_bad_input),
		cmocka_unit_test(test_pki_files),
		cmocka_unit_test(test_pki_profile_names),
	};

	return cmocka_run_group_tests_name("pki", tests, pki_setup,
	    pki_teardown);
}
