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
/* tls_ctx_client_new - TLS 1.2+ client; verify against cafile if non-NULL */
SSL_CTX *tls_ctx_client_new(const char *cafile, struct err *);

#endif
