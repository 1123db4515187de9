/* SPDX-License-Identifier: ISC */
/*
 * tls_ctx.c -- the only place that builds an SSL_CTX: servers from a named
 * certificate profile of the run's PKI, clients trusting one CA file.
 * TLS 1.2 is the floor (RFC 8461 §7.2, RFC 7525) unless a caller lowers
 * it on purpose (a fake MX that offers only legacy TLS; an opportunistic
 * sender that takes it).
 */
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "log.h"
#include "str.h"
#include "tls_ctx.h"

SSL_CTX *
tls_ctx_server_new(struct pki *pki, enum cert_profile profile,
    const char *host, struct err *err)
{
	SSL_CTX		*ctx;
	X509		*cert, *chain;
	EVP_PKEY	*key;

	if (pki_leaf(pki, profile, host, &cert, &key, err) == -1)
		return NULL;
	if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL) {
		err_tls(err, "tls: SSL_CTX_new");
		return NULL;
	}
	/*
	 * a fake server presents whatever its profile says, weak keys too:
	 * judging the key is the client's business
	 */
	SSL_CTX_set_security_level(ctx, 0);
	chain = pki_chain_cert(pki, profile);
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_use_certificate(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, key) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1 ||
	    (chain != NULL && SSL_CTX_add1_chain_cert(ctx, chain) != 1)) {
		err_tls(err, "tls: server context for %s (%s)", host,
		    cert_profile_str(profile));
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
	return ctx;
}

/* Each enum tls_versions: its scenario name and OpenSSL's bounds. */
static const struct {
	enum tls_versions	 v;
	const char		*name;
	int			 min, max;	/* max 0: the highest */
} tls_versions_tab[] = {
	{ TLS_VERSIONS_ANY,	"any",		TLS1_2_VERSION,	0 },
	{ TLS_VERSIONS_1_2,	"1.2",		TLS1_2_VERSION,	TLS1_2_VERSION },
	{ TLS_VERSIONS_1_3,	"1.3",		TLS1_3_VERSION,	TLS1_3_VERSION },
	/* RFC 8996 deprecates both; S91 asks whether a sender takes them */
	{ TLS_VERSIONS_LEGACY,	"legacy",	TLS1_VERSION,	TLS1_1_VERSION },
};

/* tls_versions_row - v's row; a value without one is a bug */
static size_t
tls_versions_row(enum tls_versions v)
{
	size_t	i;

	for (i = 0; i < STR_NROWS(tls_versions_tab); i++)
		if (tls_versions_tab[i].v == v)
			return i;
	fatalx("tls_versions: bad value %d", (int)v);
}

const char *
tls_versions_str(enum tls_versions v)
{
	return tls_versions_tab[tls_versions_row(v)].name;
}

int
tls_versions_parse(const char *s, enum tls_versions *out)
{
	size_t	i;

	for (i = 0; i < STR_NROWS(tls_versions_tab); i++)
		if (strcmp(s, tls_versions_tab[i].name) == 0) {
			*out = tls_versions_tab[i].v;
			return 0;
		}
	return -1;
}

const char *
tls_versions_name(size_t i)
{
	return i < STR_NROWS(tls_versions_tab) ? tls_versions_tab[i].name :
	    NULL;
}

int
tls_ctx_server_versions(SSL_CTX *ctx, enum tls_versions v, struct err *err)
{
	size_t	i = tls_versions_row(v);

	if (tls_ctx_set_versions(ctx, tls_versions_tab[i].min,
	    tls_versions_tab[i].max, err) == -1) {
		err_prefix(err, "tls %s", tls_versions_tab[i].name);
		return -1;
	}
	return 0;
}

int
tls_ctx_sni_fallback(SSL *ssl, const char *own, SSL_CTX *fallback)
{
	const char	*sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);

	if (sni != NULL && str_eq_ci(sni, own))
		return 0;
	return SSL_set_SSL_CTX(ssl, fallback) != NULL ? 0 : -1;
}

SSL_CTX *
tls_ctx_client_new(const char *cafile, struct err *err)
{
	SSL_CTX	*ctx;

	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		err_tls(err, "tls: SSL_CTX_new");
		return NULL;
	}
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) {
		err_tls(err, "tls: client minimum version");
		SSL_CTX_free(ctx);
		return NULL;
	}
	if (cafile != NULL) {
		if (SSL_CTX_load_verify_locations(ctx, cafile, NULL) != 1) {
			err_tls(err, "tls: load CA file %s", cafile);
			SSL_CTX_free(ctx);
			return NULL;
		}
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	} else
		SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	return ctx;
}

int
tls_ctx_set_versions(SSL_CTX *ctx, int min, int max, struct err *err)
{
	if (SSL_CTX_set_min_proto_version(ctx, min) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, max) != 1)
		return err_tls(err, "tls: versions 0x%x..0x%x", (unsigned)min,
		    (unsigned)max);
	if (min >= TLS1_2_VERSION)
		return 0;
	/* RFC 8996 deprecates them; OpenSSL 3 keeps them at level 0 only */
	SSL_CTX_set_security_level(ctx, 0);
	if (SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0") != 1)
		return err_tls(err, "tls: legacy cipher list");
	return 0;
}
