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
 * The TLS versions a test server (fake MX, policy host) speaks: the
 * scenario keys hosts.LABEL.tls and policy.tls. Names in tls_ctx.c.
 */
enum tls_versions {
	TLS_VERSIONS_ANY = 0,	/* TLS 1.2 and 1.3 */
	TLS_VERSIONS_1_2,	/* TLS 1.2 only */
	TLS_VERSIONS_1_3,	/* TLS 1.3 only */
	TLS_VERSIONS_LEGACY,	/* TLS 1.0 and 1.1 only (RFC 8996), at
				   security level 0 */
};

const char *tls_versions_str(enum tls_versions);
int	tls_versions_parse(const char *, enum tls_versions *)
	    __attribute__((warn_unused_result));
/* tls_versions_name - the i-th value's name; NULL past the last */
const char *tls_versions_name(size_t);
/*
 * tls_ctx_server_versions - narrow a server context to v. Below TLS 1.2
 * that also means OpenSSL 3's security level 0 (its level 1 already
 * refuses TLS 1.0 and 1.1): only for test hosts that must speak a
 * deprecated version (RFC 8996).
 */
int	tls_ctx_server_versions(SSL_CTX *, enum tls_versions, struct err *)
	    __attribute__((warn_unused_result));
/*
 * tls_ctx_sni_fallback - for a server's SNI callback (OpenSSL calls it with
 * or without SNI): unless the ClientHello's SNI names own
 * (case-insensitively, RFC 4343), the handshake goes on with fallback's
 * certificate. -1 if OpenSSL would not switch.
 */
int	tls_ctx_sni_fallback(SSL *, const char *own, SSL_CTX *fallback)
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
