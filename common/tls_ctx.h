/* SPDX-License-Identifier: ISC */
/*
 * tls_ctx.h -- the only place that builds an SSL_CTX. Server contexts come
 * from a named certificate profile; client contexts (used by the reference
 * sender and by tests) trust one CA file.
 */
#ifndef COMMON_TLS_CTX_H
#define COMMON_TLS_CTX_H

#include <openssl/ssl.h>

#include "err.h"
#include "pki.h"

/* tls_ctx_server_new - TLS 1.2+ server context presenting profile/host */
SSL_CTX *tls_ctx_server_new(struct pki *, enum cert_profile,
	    const char *host, struct err *);
/*
 * tls_ctx_server_versions - narrow a server context to min..max (TLS1_*
 * constants). Below TLS 1.2 that also means OpenSSL 3's security level 0
 * (its level 1 already refuses TLS 1.0 and 1.1): only for test hosts that
 * must speak a deprecated version (RFC 8996).
 */
int	tls_ctx_server_versions(SSL_CTX *, int min, int max, struct err *)
	    __attribute__((warn_unused_result));
/* tls_ctx_client_new - TLS 1.2+ client; verify against cafile if non-NULL */
SSL_CTX *tls_ctx_client_new(const char *cafile, struct err *);
/*
 * tls_ctx_set_versions - the protocol versions ctx speaks, min..max
 * (TLS1_VERSION..TLS1_3_VERSION; max 0: the highest there is). A floor
 * below TLS 1.2 also drops the security level to 0, without which
 * OpenSSL 3 has no cipher suite (nor signature) TLS 1.0 and 1.1 can use.
 */
int	tls_ctx_set_versions(SSL_CTX *, int min, int max, struct err *)
	    __attribute__((warn_unused_result));

#endif
