/* SPDX-License-Identifier: ISC */
/*
 * pki.h -- the test PKI of one run: a fresh CA (name-constrained to .test),
 * a second "unknown" CA the SUT never trusts, and leaf certificates made on
 * demand per (profile, host name). The CA certificate is written to
 * <dir>/ca.pem for the SUT (STS_CA_FILE); the CA key to <dir>/ca.key with
 * mode 0600. pki_free() removes both files. Keys are EC P-256.
 */
#ifndef COMMON_PKI_H
#define COMMON_PKI_H

#include <stdbool.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "err.h"

enum cert_profile {
	CERT_VALID = 0,		/* SAN = host, CA-signed, in date */
	CERT_WRONG_NAME,	/* SAN = wrong-name.invalid.test, CA-signed */
	CERT_EXPIRED,		/* notAfter in the past */
	CERT_NOT_YET_VALID,	/* notBefore in the future */
	CERT_SELF_SIGNED,	/* SAN = host, signed by its own key */
	CERT_UNKNOWN_CA,	/* SAN = host, signed by a CA the SUT lacks */
	CERT_PROFILE_COUNT
};

const char *cert_profile_str(enum cert_profile);
/* cert_profile_parse - name to enum; -1 if unknown */
int	cert_profile_parse(const char *, enum cert_profile *)
	    __attribute__((warn_unused_result));

struct pki;

/* pki_new - make the run's CAs; dir must exist and be private (0700) */
struct pki *pki_new(const char *dir, struct err *);
void	pki_free(struct pki *);
/* pki_ca_file - path of the trusted CA's PEM (borrowed) */
const char *pki_ca_file(const struct pki *);
X509   *pki_ca_cert(const struct pki *);	/* borrowed */

/*
 * pki_leaf - the leaf for (profile, host), made once and cached. The
 * returned cert and key are borrowed and valid until pki_free().
 */
int	pki_leaf(struct pki *, enum cert_profile, const char *host,
	    X509 **cert, EVP_PKEY **key, struct err *)
	    __attribute__((warn_unused_result));

#endif
