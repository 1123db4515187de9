/* SPDX-License-Identifier: ISC */
/*
 * pki.h -- the test PKI of one run: a fresh CA (name-constrained to .test),
 * two intermediates it signs (one constrained to other.test), a second
 * "unknown" CA the SUT never trusts, and leaf certificates made on demand
 * per (profile, host name). Keys are EC P-256 (the weak-key leaf's RSA
 * 1024) and never leave memory: the only files are the CA certificate,
 * <dir>/ca.pem (0644), for the SUT (STS_CA_FILE), and the unknown CA's,
 * <dir>/unknown-ca.pem (the decoy of the system trust store); pki_free()
 * removes them. A run killed
 * by SIGKILL leaves those public certificates behind and nothing else.
 *
 * Validity, in days from pki_new()/pki_leaf() (a "year" is 365 days). A
 * SUT whose clock runs up to 5 years ahead of ours still sees each profile
 * as its name says (and one a day behind does too):
 *   all CAs				now-1 .. now+30 years
 *   every leaf but the two below	now-1 .. now+10 years
 *   expired				now-2 years .. now-1
 *   not-yet-valid			now+20 years .. now+30 years
 *   the CRL (pki_crl_der)		thisUpdate now-1, nextUpdate now+30
 *					years
 *
 * The revoked leaf carries a CRL Distribution Point (RFC 5280 §4.2.1.13)
 * http://crl.<parent>/ca.crl, parent being its host's name without the
 * first label (crl.<domain> for mx1.<domain> and mta-sts.<domain>), and
 * its serial is in the run's CRL, which the CA signs and pki_crl_der()
 * gives as DER. No AIA, so no OCSP responder is named.
 */
#ifndef COMMON_PKI_H
#define COMMON_PKI_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "err.h"

/*
 * Leaf certificate profiles. Each has one row in pki.c's pki_profiles[]
 * (its name, SAN, issuer, dates, key and whether the issuer is sent); a new profile is a new value here
 * and a new row there, and scenarios, fake-mx and the judge pick it up.
 */
enum cert_profile {
	CERT_VALID = 0,		/* SAN = host, CA-signed, in date */
	CERT_WRONG_NAME,	/* SAN = wrong-name.invalid.test, CA-signed */
	CERT_EXPIRED,		/* notAfter yesterday */
	CERT_NOT_YET_VALID,	/* notBefore in 20 years */
	CERT_SELF_SIGNED,	/* SAN = host, signed by its own key */
	CERT_UNKNOWN_CA,	/* SAN = host, signed by a CA the SUT lacks */
	CERT_WILDCARD,		/* SAN = "*." + host's parent, CA-signed */
	CERT_CN_ONLY,		/* no SAN; CN = host */
	CERT_UPPER_CASE,	/* SAN = host in upper case */
	CERT_INTERMEDIATE,	/* below an intermediate, which is sent */
	CERT_MISSING_INTERMEDIATE, /* the same, the intermediate not sent */
	CERT_NAME_CONSTRAINED,	/* below an intermediate for other.test */
	CERT_PARTIAL_WILDCARD,	/* SAN = "mx*.d" for mx1.d */
	CERT_WILDCARD_TOO_DEEP,	/* SAN = "*.d" for mx1.sub.d */
	CERT_PARENT_NAME,	/* SAN = "d" for mta-sts.d */
	CERT_WEAK_KEY,		/* SAN = host, CA-signed, RSA 1024 */
	CERT_REVOKED,		/* SAN = host, CA-signed, in the CRL */
	CERT_PROFILE_COUNT
};

const char *cert_profile_str(enum cert_profile);
/* cert_profile_parse - name to enum; -1 if unknown */
int	cert_profile_parse(const char *, enum cert_profile *)
	    __attribute__((warn_unused_result));
/* cert_profile_name - the i-th profile's name; NULL past the last */
const char *cert_profile_name(size_t);
/*
 * cert_profile_verifies - whether a strict client accepts the leaf
 * pki_leaf() makes for (profile, host) as host's, when the server sends
 * it with pki_chain_cert(): the chain reaches the run's CA within every
 * name constraint, the dates hold (with our clock), a DNS-ID in the SAN
 * names host (RFC 6125 §6.4, RFC 8461 §4.2: no CN, no partial wildcard,
 * any case) and the key passes OpenSSL's security level 2
 */
bool	cert_profile_verifies(enum cert_profile, const char *host);
/*
 * cert_profile_is_revoked - whether the profile's leaves are in the run's
 * CRL (cert_profile_verifies() is true for them all the same: they verify
 * for a client that checks no revocation, RFC 8461 §4.2 leaves that a MAY)
 */
bool	cert_profile_is_revoked(enum cert_profile);

#define PKI_CRL_LABEL	"crl"		/* crl.<parent> serves the CRL */
#define PKI_CRL_PATH	"/ca.crl"	/* at this path, over plain HTTP */
#define PKI_CRL_TYPE	"application/pkix-crl"	/* RFC 5280 §4.2.1.13 */

struct pki;

/*
 * pki_new - make the run's CAs and write <dir>/ca.pem; dir must exist
 * and need not be private (nothing secret goes there)
 */
struct pki *pki_new(const char *dir, struct err *);
void	pki_free(struct pki *);
/* pki_ca_file - path of the trusted CA's PEM (borrowed) */
const char *pki_ca_file(const struct pki *);
X509   *pki_ca_cert(const struct pki *);	/* borrowed */
/*
 * pki_unknown_ca_file - path of the unknown CA's PEM, <dir>/unknown-ca.pem:
 * the decoy a run puts in the namespace's system trust store, so that a
 * SUT trusting that store instead of (or besides) STS_CA_FILE accepts the
 * unknown-ca profile and is caught (borrowed)
 */
const char *pki_unknown_ca_file(const struct pki *);
X509   *pki_unknown_ca_cert(const struct pki *);	/* borrowed */

/*
 * pki_chain_cert - the intermediate a server presenting profile sends
 * after its leaf, or NULL when it sends the leaf alone (borrowed)
 */
X509   *pki_chain_cert(const struct pki *, enum cert_profile);

/*
 * pki_leaf - the leaf for (profile, host), made once and cached. The
 * returned cert and key are borrowed and valid until pki_free().
 */
int	pki_leaf(struct pki *, enum cert_profile, const char *host,
	    X509 **cert, EVP_PKEY **key, struct err *)
	    __attribute__((warn_unused_result));

/*
 * pki_crl_der - the trusted CA's CRL (v2, DER, signed with SHA-256),
 * listing the serial of every revoked leaf pki_leaf() has made so far
 * (keyCompromise); made again when a revoked leaf was made since the last
 * call. *der is borrowed, valid until the next call or pki_free().
 */
int	pki_crl_der(struct pki *, const unsigned char **der, size_t *len,
	    struct err *) __attribute__((warn_unused_result));

#endif
