/* SPDX-License-Identifier: ISC */
/*
 * tls_ctx.c -- the only place that builds an SSL_CTX: servers from a named
 * certificate profile of the run's PKI, clients trusting one CA file.
 * TLS 1.2 is the floor (RFC 8461 §7.2, RFC 7525) unless a caller lowers
 * it on purpose (a fake MX that offers only legacy TLS; an opportunistic
 * sender that takes it).
 */
#include <openssl/err.h>
#include <openssl/ssl.h>

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

int
tls_ctx_server_versions(SSL_CTX *ctx, int min, int max, struct err *err)
{
	if (min < TLS1_2_VERSION) {
		SSL_CTX_set_security_level(ctx, 0);
		if (SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0") != 1)
			return err_tls(err, "tls: legacy cipher list");
	}
	if (SSL_CTX_set_min_proto_version(ctx, min) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, max) != 1)
		return err_tls(err, "tls: versions %#x..%#x", (unsigned)min,
		    (unsigned)max);
	return 0;
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
