/* SPDX-License-Identifier: ISC */
/*
 * pki.c -- the test PKI of one run. Makes a CA name-constrained to .test
 * (the one the SUT trusts), a second CA the SUT never sees, and leaves per
 * (profile, host) on demand, cached until pki_free(). Every private key
 * lives in memory only: the one file written is the trusted CA's
 * certificate (0644), removed again in pki_free(), so even a run killed
 * with SIGKILL leaves nothing secret behind.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "log.h"
#include "pki.h"
#include "str.h"

#define PKI_PATH_MAX		4096
#define PKI_YEAR		365	/* days */
#define PKI_WRONG_NAME		"wrong-name.test"
#define PKI_NC_PERMITTED	"other.test"	/* all a constrained
						   intermediate may name */
#define PKI_SAN_MAX		(4 + 256)	/* "DNS:" + a name */
#define PKI_WEAK_BITS		1024	/* RSA: under OpenSSL's level 2 */
#define PKI_CRL_DP_MAX		(16 + 256 + 16)	/* "URI:http://crl." name
						   PKI_CRL_PATH */

/*
 * Validity windows in days from now (pki.h says why). The SUT's clock may
 * run up to 5 years ahead of ours, so each bound keeps its meaning past
 * that: what is valid stays valid, what has expired or not begun stays so.
 */
#define PKI_CA_FROM		(-1)
#define PKI_CA_TO		(30 * PKI_YEAR)
#define PKI_LEAF_FROM		(-1)
#define PKI_LEAF_TO		(10 * PKI_YEAR)
#define PKI_EXPIRED_FROM	(-2 * PKI_YEAR)
#define PKI_EXPIRED_TO		(-1)
#define PKI_NOT_YET_FROM	(20 * PKI_YEAR)
#define PKI_NOT_YET_TO		(30 * PKI_YEAR)
#define PKI_CRL_FROM		(-1)		/* thisUpdate, revocations */
#define PKI_CRL_TO		(30 * PKI_YEAR)	/* nextUpdate */

/* What names a leaf carries in its SAN. */
enum pki_san {
	PKI_SAN_HOST = 0,	/* the host it is made for */
	PKI_SAN_WRONG,		/* PKI_WRONG_NAME, whatever the host */
	PKI_SAN_WILDCARD,	/* "*." and the host without its first label */
	PKI_SAN_NONE,		/* no SAN at all: the name is in the CN only */
	PKI_SAN_UPPER,		/* the host, in upper case */
	PKI_SAN_PARTIAL,	/* the first label's last character "*" */
	PKI_SAN_DEEP,		/* "*." and the host without two labels */
	PKI_SAN_PARENT,		/* the host without its first label */
};

/*
 * Who signs a leaf. Every value but PKI_ISSUER_SELF is a CA of the run,
 * made by pki_new() from its row in pki_ca_rows[].
 */
enum pki_issuer {
	PKI_ISSUER_CA = 0,	/* the run's trusted CA */
	PKI_ISSUER_UNKNOWN,	/* the CA the SUT never sees */
	PKI_ISSUER_SUB,		/* an intermediate the trusted CA signed */
	PKI_ISSUER_SUB_NC,	/* one constrained to PKI_NC_PERMITTED */
	PKI_ISSUER_SELF,	/* its own key */
};
#define PKI_CA_COUNT	PKI_ISSUER_SELF

/* The key of a leaf. */
enum pki_key {
	PKI_KEY_EC = 0,		/* P-256, as every CA's */
	PKI_KEY_WEAK,		/* RSA of PKI_WEAK_BITS */
};

/* What kind of certificate pki_make_cert() makes. */
enum pki_kind {
	PKI_KIND_ROOT = 0,	/* self-signed CA, one intermediate below */
	PKI_KIND_SUB,		/* intermediate CA, leaves only below */
	PKI_KIND_LEAF,		/* a server's */
};

/* One CA of the run; a root has parent PKI_ISSUER_SELF. */
struct pki_ca_row {
	const char	*cn;
	const char	*what;		/* for messages */
	enum pki_issuer	 parent;
	const char	*constraints;	/* nameConstraints; NULL: none */
};

/*
 * How each profile's leaf is made: one row per enum cert_profile, the only
 * place a profile is written down. A new profile is a new value in pki.h
 * and a row here (plus, for a new kind of name or issuer, its case in
 * pki_san_make() or pki_leaf()).
 */
struct pki_profile {
	const char	*name;		/* as scenarios and fake-mx say it */
	enum pki_san	 san;
	enum pki_issuer	 issuer;
	int		 from, to;	/* validity, days from now */
	enum pki_key	 key;
	bool		 chain;		/* the server sends the issuer too */
	bool		 revoked;	/* a CRL DP, its serial in the CRL */
};

/* What pki_make_cert() makes: one certificate. */
struct pki_cert_spec {
	enum pki_kind	 kind;
	const char	*cn;
	EVP_PKEY	*key;
	X509		*issuer;	/* NULL: self-signed */
	EVP_PKEY	*issuer_key;
	int		 from, to;	/* validity, days from now */
	const char	*constraints;	/* CAs: nameConstraints or NULL */
	const char	*san;		/* leaves: "DNS:name" or NULL */
	const char	*crl_dp;	/* leaves: "URI:http://..." or NULL */
};

struct pki_leaf {
	struct pki_leaf		*next;
	enum cert_profile	 profile;
	char			*host;
	X509			*cert;
	EVP_PKEY		*key;
	bool			 revoked;	/* listed in the CRL */
};

struct pki {
	char		 ca_file[PKI_PATH_MAX];
	char		 unknown_file[PKI_PATH_MAX];	/* the decoy's cert */
	EVP_PKEY	*ca_key[PKI_CA_COUNT];	/* never written anywhere */
	X509		*ca_cert[PKI_CA_COUNT];
	struct pki_leaf	*leaves;
	size_t		 nrevoked;	/* revoked leaves made so far */
	unsigned char	*crl;		/* DER; NULL: not made yet */
	size_t		 crl_len;
	size_t		 crl_listed;	/* revoked leaves it lists */
	unsigned long	 crl_number;	/* of the last one made */
};

static EVP_PKEY	*pki_keygen(enum pki_key, struct err *);
static int	 pki_add_ext(X509 *, X509 *, int, const char *, struct err *);
static int	 pki_add_exts(X509 *, X509 *, const struct pki_cert_spec *,
		    struct err *);
static X509	*pki_make_cert(const struct pki_cert_spec *, struct err *);
static int	 pki_make_ca(struct pki *, enum pki_issuer, struct err *);
static int	 pki_write_cert(const char *, X509 *, struct err *);
static bool	 pki_name_below(const char *, const char *);
static bool	 pki_san_names(enum pki_san, const char *);
static int	 pki_san_make(enum pki_san, const char *, char *, size_t,
		    struct err *);
static int	 pki_crl_dp_make(const char *, char *, size_t, struct err *);
static X509_CRL	*pki_crl_make(const struct pki *, struct err *);
static int	 pki_crl_revoke(X509_CRL *, const X509 *, struct err *);
static int	 pki_crl_exts(X509_CRL *, X509 *, unsigned long,
		    struct err *);

/*
 * The run's CAs, made in this order (a parent before its children). Both
 * roots are constrained to .test (RFC 5280 §4.2.1.10), so that no leaf
 * of theirs can name anything outside the test namespace; the
 * intermediates inherit that.
 */
static const struct pki_ca_row pki_ca_rows[PKI_CA_COUNT] = {
	[PKI_ISSUER_CA] = { "sts-harness test CA", "trusted CA",
	    PKI_ISSUER_SELF, "critical,permitted;DNS:test" },
	[PKI_ISSUER_UNKNOWN] = { "sts-harness unknown CA", "unknown CA",
	    PKI_ISSUER_SELF, "critical,permitted;DNS:test" },
	[PKI_ISSUER_SUB] = { "sts-harness intermediate CA", "intermediate CA",
	    PKI_ISSUER_CA, NULL },
	[PKI_ISSUER_SUB_NC] = { "sts-harness constrained CA",
	    "constrained intermediate CA", PKI_ISSUER_CA,
	    "critical,permitted;DNS:" PKI_NC_PERMITTED },
};

static const struct pki_profile pki_profiles[CERT_PROFILE_COUNT] = {
	[CERT_VALID] = { "valid", PKI_SAN_HOST, PKI_ISSUER_CA,
	    PKI_LEAF_FROM, PKI_LEAF_TO, PKI_KEY_EC, false },
	[CERT_WRONG_NAME] = { "wrong-name", PKI_SAN_WRONG, PKI_ISSUER_CA,
	    PKI_LEAF_FROM, PKI_LEAF_TO, PKI_KEY_EC, false },
	[CERT_EXPIRED] = { "expired", PKI_SAN_HOST, PKI_ISSUER_CA,
	    PKI_EXPIRED_FROM, PKI_EXPIRED_TO, PKI_KEY_EC, false },
	[CERT_NOT_YET_VALID] = { "not-yet-valid", PKI_SAN_HOST, PKI_ISSUER_CA,
	    PKI_NOT_YET_FROM, PKI_NOT_YET_TO, PKI_KEY_EC, false },
	[CERT_SELF_SIGNED] = { "self-signed", PKI_SAN_HOST, PKI_ISSUER_SELF,
	    PKI_LEAF_FROM, PKI_LEAF_TO, PKI_KEY_EC, false },
	[CERT_UNKNOWN_CA] = { "unknown-ca", PKI_SAN_HOST, PKI_ISSUER_UNKNOWN,
	    PKI_LEAF_FROM, PKI_LEAF_TO, PKI_KEY_EC, false },
	[CERT_WILDCARD] = { "wildcard", PKI_SAN_WILDCARD, PKI_ISSUER_CA,
	    PKI_LEAF_FROM, PKI_LEAF_TO, PKI_KEY_EC, false },
	[CERT_CN_ONLY] = { "cn-only", PKI_SAN_NONE, PKI_ISSUER_CA,
	    PKI_LEAF_FROM, PKI_LEAF_TO, PKI_KEY_EC, false },
	[CERT_UPPER_CASE] = { "upper-case", PKI_SAN_UPPER, PKI_ISSUER_CA,
	    PKI_LEAF_FROM, PKI_LEAF_TO, PKI_KEY_EC, false },
	[CERT_INTERMEDIATE] = { "intermediate", PKI_SAN_HOST, PKI_ISSUER_SUB,
	    PKI_LEAF_FROM, PKI_LEAF_TO, PKI_KEY_EC, true },
	[CERT_MISSING_INTERMEDIATE] = { "missing-intermediate", PKI_SAN_HOST,
	    PKI_ISSUER_SUB, PKI_LEAF_FROM, PKI_LEAF_TO, PKI_KEY_EC, false },
	[CERT_NAME_CONSTRAINED] = { "name-constrained", PKI_SAN_HOST,
	    PKI_ISSUER_SUB_NC, PKI_LEAF_FROM, PKI_LEAF_TO, PKI_KEY_EC, true },
	[CERT_PARTIAL_WILDCARD] = { "partial-wildcard", PKI_SAN_PARTIAL,
	    PKI_ISSUER_CA, PKI_LEAF_FROM, PKI_LEAF_TO, PKI_KEY_EC, false },
	[CERT_WILDCARD_TOO_DEEP] = { "wildcard-too-deep", PKI_SAN_DEEP,
	    PKI_ISSUER_CA, PKI_LEAF_FROM, PKI_LEAF_TO, PKI_KEY_EC, false },
	[CERT_PARENT_NAME] = { "parent-name", PKI_SAN_PARENT, PKI_ISSUER_CA,
	    PKI_LEAF_FROM, PKI_LEAF_TO, PKI_KEY_EC, false },
	[CERT_WEAK_KEY] = { "weak-key", PKI_SAN_HOST, PKI_ISSUER_CA,
	    PKI_LEAF_FROM, PKI_LEAF_TO, PKI_KEY_WEAK, false },
	[CERT_REVOKED] = { "revoked", PKI_SAN_HOST, PKI_ISSUER_CA,
	    PKI_LEAF_FROM, PKI_LEAF_TO, PKI_KEY_EC, false, true },
};

const char *
cert_profile_str(enum cert_profile p)
{
	if ((unsigned)p >= CERT_PROFILE_COUNT)
		return "?";
	return pki_profiles[p].name;
}

int
cert_profile_parse(const char *s, enum cert_profile *out)
{
	int	i;

	for (i = 0; i < CERT_PROFILE_COUNT; i++)
		if (strcmp(s, pki_profiles[i].name) == 0) {
			*out = (enum cert_profile)i;
			return 0;
		}
	return -1;
}

const char *
cert_profile_name(size_t i)
{
	return i < CERT_PROFILE_COUNT ? pki_profiles[i].name : NULL;
}

bool
cert_profile_is_revoked(enum cert_profile p)
{
	return (unsigned)p < CERT_PROFILE_COUNT && pki_profiles[p].revoked;
}

/*
 * pki_name_below - whether name is sub or a name below it (RFC 5280
 * §4.2.1.10: a DNS name constraint is a subtree), case-insensitively
 */
static bool
pki_name_below(const char *name, const char *sub)
{
	size_t	n = strlen(name), k = strlen(sub);

	if (n == k)
		return strcasecmp(name, sub) == 0;
	return n > k && name[n - k - 1] == '.' &&
	    strcasecmp(name + n - k, sub) == 0;
}

/*
 * pki_san_names - whether a leaf of kind san made for host names host,
 * as a strict client checking the DNS-ID (RFC 6125 §6.4, RFC 8461 §4.2:
 * the SAN only, never the CN; no partial wildcards) sees it
 */
static bool
pki_san_names(enum pki_san san, const char *host)
{
	const char	*parent;

	switch (san) {
	case PKI_SAN_HOST:
	case PKI_SAN_UPPER:		/* RFC 6125 §6.4.1: any case */
		return true;
	case PKI_SAN_WRONG:
	case PKI_SAN_NONE:		/* RFC 8461 §4.2: a DNS-ID or nothing */
	case PKI_SAN_PARTIAL:		/* RFC 9525 §6.3: "*" alone only */
	case PKI_SAN_DEEP:		/* RFC 6125 §6.4.3: one label only */
	case PKI_SAN_PARENT:
		return false;
	case PKI_SAN_WILDCARD:
		/*
		 * RFC 6125 §6.4.3: "*" is the whole left-most label, one
		 * label only; OpenSSL also wants two labels after it, so
		 * "*.test" names nothing
		 */
		parent = strchr(host, '.');
		return parent != NULL && parent != host &&
		    strchr(parent + 1, '.') != NULL;
	default:
		fatalx("pki_san_names: bad SAN kind %d", (int)san);
	}
}

bool
cert_profile_verifies(enum cert_profile p, const char *host)
{
	const struct pki_profile	*row;

	if ((unsigned)p >= CERT_PROFILE_COUNT)
		return false;
	row = &pki_profiles[p];
	switch (row->issuer) {
	case PKI_ISSUER_CA:
		break;
	case PKI_ISSUER_SUB:
		if (!row->chain)	/* no path to the trusted CA */
			return false;
		break;
	case PKI_ISSUER_SUB_NC:
		if (!row->chain || !pki_name_below(host, PKI_NC_PERMITTED))
			return false;
		break;
	case PKI_ISSUER_UNKNOWN:
	case PKI_ISSUER_SELF:
		return false;
	default:
		fatalx("cert_profile_verifies: bad issuer %d",
		    (int)row->issuer);
	}
	/* OpenSSL's security level 2 wants 112 bits: RSA of 2048 */
	return row->key == PKI_KEY_EC && row->from <= 0 && row->to > 0 &&
	    pki_san_names(row->san, host);
}

/* pki_san_make - the SAN text of a leaf of kind san for host; "" none */
static int
pki_san_make(enum pki_san san, const char *host, char *buf, size_t size,
    struct err *err)
{
	const char	*dot = strchr(host, '.'), *name = host, *star = "";
	size_t		 i;

	switch (san) {
	case PKI_SAN_HOST:
		break;
	case PKI_SAN_NONE:
		buf[0] = '\0';
		return 0;
	case PKI_SAN_WRONG:
		name = PKI_WRONG_NAME;
		break;
	case PKI_SAN_WILDCARD:
		if (dot == NULL || dot == host || dot[1] == '\0')
			return err_set(err, ERR_RANGE, "pki: a wildcard for "
			    "\"%s\" needs a host below a domain", host);
		name = dot;
		star = "*";
		break;
	case PKI_SAN_PARENT:
		if (dot == NULL || dot == host || dot[1] == '\0')
			return err_set(err, ERR_RANGE, "pki: a parent name "
			    "for \"%s\" needs a host below a domain", host);
		name = dot + 1;
		break;
	case PKI_SAN_DEEP:
		if (dot == NULL || dot == host ||
		    (name = strchr(dot + 1, '.')) == NULL || name == dot + 1 ||
		    name[1] == '\0')
			return err_set(err, ERR_RANGE, "pki: a wildcard two "
			    "labels up from \"%s\" needs three labels", host);
		star = "*";
		break;
	case PKI_SAN_PARTIAL:
		/* "mx1.d" gets "mx*.d": a label of one would be "*.d" */
		if (dot == NULL || dot - host < 2 || dot[1] == '\0')
			return err_set(err, ERR_RANGE, "pki: a partial "
			    "wildcard for \"%s\" needs a first label of two "
			    "characters or more below a domain", host);
		if (str_fmt(buf, size, "DNS:%.*s*%s", (int)(dot - host - 1),
		    host, dot) == -1)
			return err_set(err, ERR_RANGE, "pki: host name too "
			    "long");
		return 0;
	case PKI_SAN_UPPER:
		if (str_fmt(buf, size, "DNS:%s", host) == -1)
			return err_set(err, ERR_RANGE, "pki: host name too "
			    "long");
		for (i = 4; buf[i] != '\0'; i++)
			if (buf[i] >= 'a' && buf[i] <= 'z')
				buf[i] = (char)(buf[i] - 'a' + 'A');
		return 0;
	default:
		fatalx("pki_san_make: bad SAN kind %d", (int)san);
	}
	if (str_fmt(buf, size, "DNS:%s%s", star, name) == -1)
		return err_set(err, ERR_RANGE, "pki: host name too long");
	return 0;
}

static EVP_PKEY *
pki_keygen(enum pki_key kind, struct err *err)
{
	EVP_PKEY	*key;

	switch (kind) {
	case PKI_KEY_EC:
		if ((key = EVP_EC_gen("P-256")) == NULL)
			err_tls(err, "pki: EC P-256 key generation");
		return key;
	case PKI_KEY_WEAK:
		if ((key = EVP_RSA_gen(PKI_WEAK_BITS)) == NULL)
			err_tls(err, "pki: RSA %d key generation",
			    PKI_WEAK_BITS);
		return key;
	default:
		fatalx("pki_keygen: bad key kind %d", (int)kind);
	}
}

/* pki_add_ext - add one v3 extension given in openssl.cnf syntax */
static int
pki_add_ext(X509 *cert, X509 *issuer, int nid, const char *value,
    struct err *err)
{
	X509V3_CTX	 ctx;
	X509_EXTENSION	*ext;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (ext == NULL)
		return err_tls(err, "pki: extension %s=%s", OBJ_nid2sn(nid),
		    value);
	if (X509_add_ext(cert, ext, -1) != 1) {
		X509_EXTENSION_free(ext);
		return err_tls(err, "pki: add extension %s", OBJ_nid2sn(nid));
	}
	X509_EXTENSION_free(ext);
	return 0;
}

/*
 * pki_add_exts - the extensions of spec's kind: a root may have one
 * intermediate below it, an intermediate none (RFC 5280 §4.2.1.9); a
 * leaf is a TLS server's, with its SAN if it has one and a CRL DP if it
 * is revoked. No AIA anywhere, so a client missing an intermediate cannot
 * fetch it (and no OCSP responder is named).
 */
static int
pki_add_exts(X509 *cert, X509 *issuer, const struct pki_cert_spec *spec,
    struct err *err)
{
	switch (spec->kind) {
	case PKI_KIND_ROOT:
	case PKI_KIND_SUB:
		if (pki_add_ext(cert, issuer, NID_basic_constraints,
		    spec->kind == PKI_KIND_ROOT ? "critical,CA:TRUE,pathlen:1" :
		    "critical,CA:TRUE,pathlen:0", err) == -1 ||
		    pki_add_ext(cert, issuer, NID_key_usage,
		    "critical,keyCertSign,cRLSign", err) == -1 ||
		    (spec->constraints != NULL && pki_add_ext(cert, issuer,
		    NID_name_constraints, spec->constraints, err) == -1))
			return -1;
		break;
	case PKI_KIND_LEAF:
		if (pki_add_ext(cert, issuer, NID_basic_constraints,
		    "critical,CA:FALSE", err) == -1 ||
		    pki_add_ext(cert, issuer, NID_key_usage,
		    "critical,digitalSignature", err) == -1 ||
		    pki_add_ext(cert, issuer, NID_ext_key_usage,
		    "serverAuth", err) == -1 ||
		    (spec->san != NULL && pki_add_ext(cert, issuer,
		    NID_subject_alt_name, spec->san, err) == -1) ||
		    (spec->crl_dp != NULL && pki_add_ext(cert, issuer,
		    NID_crl_distribution_points, spec->crl_dp, err) == -1))
			return -1;
		break;
	default:
		fatalx("pki_add_exts: bad kind %d", (int)spec->kind);
	}
	if (pki_add_ext(cert, issuer, NID_subject_key_identifier, "hash",
	    err) == -1)
		return -1;
	if (issuer != cert && pki_add_ext(cert, issuer,
	    NID_authority_key_identifier, "keyid:always", err) == -1)
		return -1;
	return 0;
}

/*
 * pki_make_cert - one certificate as spec says. Validity is [now+from,
 * now+to] days (UTCTime or, from 2050, GeneralizedTime: RFC 5280
 * §4.1.2.5).
 */
static X509 *
pki_make_cert(const struct pki_cert_spec *spec, struct err *err)
{
	X509		*cert, *issuer;
	X509_NAME	*name;
	unsigned char	 serial[16];
	BIGNUM		*bn = NULL;

	if ((cert = X509_new()) == NULL) {
		err_tls(err, "pki: X509_new");
		return NULL;
	}
	if (RAND_bytes(serial, sizeof(serial)) != 1)
		goto fail;
	serial[0] &= 0x7f;
	if ((bn = BN_bin2bn(serial, sizeof(serial), NULL)) == NULL ||
	    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) == NULL)
		goto fail;
	if (X509_set_version(cert, 2) != 1 ||
	    X509_time_adj_ex(X509_getm_notBefore(cert), spec->from, 0, NULL) ==
	    NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(cert), spec->to, 0, NULL) ==
	    NULL || X509_set_pubkey(cert, spec->key) != 1)
		goto fail;
	name = X509_get_subject_name(cert);
	if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
	    (const unsigned char *)"sts-harness test PKI", -1, -1, 0) != 1 ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)spec->cn, -1, -1, 0) != 1)
		goto fail;
	issuer = spec->issuer != NULL ? spec->issuer : cert;
	if (X509_set_issuer_name(cert, X509_get_subject_name(issuer)) != 1)
		goto fail;
	if (pki_add_exts(cert, issuer, spec, err) == -1)
		goto fail_err;
	if (X509_sign(cert, spec->issuer_key, EVP_sha256()) == 0)
		goto fail;
	BN_free(bn);
	return cert;
fail:
	err_tls(err, "pki: certificate for %s", spec->cn);
fail_err:
	BN_free(bn);
	X509_free(cert);
	return NULL;
}

/* pki_make_ca - the CA of pki_ca_rows[i], below its parent if it has one */
static int
pki_make_ca(struct pki *pki, enum pki_issuer i, struct err *err)
{
	const struct pki_ca_row	*row = &pki_ca_rows[i];
	struct pki_cert_spec	 spec;

	if ((pki->ca_key[i] = pki_keygen(PKI_KEY_EC, err)) == NULL)
		return -1;
	memset(&spec, 0, sizeof(spec));
	spec.kind = row->parent == PKI_ISSUER_SELF ? PKI_KIND_ROOT :
	    PKI_KIND_SUB;
	spec.cn = row->cn;
	spec.key = pki->ca_key[i];
	spec.issuer = row->parent == PKI_ISSUER_SELF ? NULL :
	    pki->ca_cert[row->parent];
	spec.issuer_key = row->parent == PKI_ISSUER_SELF ? spec.key :
	    pki->ca_key[row->parent];
	spec.from = PKI_CA_FROM;
	spec.to = PKI_CA_TO;
	spec.constraints = row->constraints;
	if ((pki->ca_cert[i] = pki_make_cert(&spec, err)) == NULL) {
		err_prefix(err, "pki: %s", row->what);
		return -1;
	}
	return 0;
}

/* pki_write_cert - cert as PEM to a new, world-readable file */
static int
pki_write_cert(const char *path, X509 *cert, struct err *err)
{
	FILE	*fp;
	int	 fd, rc;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd == -1)
		return err_sys(err, "pki: create %s", path);
	if ((fp = fdopen(fd, "w")) == NULL) {
		close(fd);
		return err_sys(err, "pki: fdopen %s", path);
	}
	rc = PEM_write_X509(fp, cert);
	if (fclose(fp) != 0 || rc != 1)
		return err_set(err, ERR_IO, "pki: write %s", path);
	return 0;
}

struct pki *
pki_new(const char *dir, struct err *err)
{
	struct pki	*pki = xcalloc(1, sizeof(*pki));
	int		 i;

	if (str_fmt(pki->ca_file, sizeof(pki->ca_file), "%s/ca.pem",
	    dir) == -1 || str_fmt(pki->unknown_file,
	    sizeof(pki->unknown_file), "%s/unknown-ca.pem", dir) == -1) {
		err_set(err, ERR_RANGE, "pki: directory name too long: %s",
		    dir);
		goto fail;
	}
	for (i = 0; i < PKI_CA_COUNT; i++)
		if (pki_make_ca(pki, (enum pki_issuer)i, err) == -1)
			goto fail;
	if (pki_write_cert(pki->ca_file, pki->ca_cert[PKI_ISSUER_CA],
	    err) == -1) {
		pki->ca_file[0] = '\0';
		pki->unknown_file[0] = '\0';
		goto fail;
	}
	if (pki_write_cert(pki->unknown_file,
	    pki->ca_cert[PKI_ISSUER_UNKNOWN], err) == -1) {
		pki->unknown_file[0] = '\0';
		goto fail;
	}
	return pki;
fail:
	pki_free(pki);
	return NULL;
}

void
pki_free(struct pki *pki)
{
	struct pki_leaf	*l, *next;
	int		 i;

	if (pki == NULL)
		return;
	for (l = pki->leaves; l != NULL; l = next) {
		next = l->next;
		X509_free(l->cert);
		EVP_PKEY_free(l->key);
		free(l->host);
		free(l);
	}
	if (pki->ca_file[0] != '\0')
		(void)unlink(pki->ca_file);
	if (pki->unknown_file[0] != '\0')
		(void)unlink(pki->unknown_file);
	for (i = 0; i < PKI_CA_COUNT; i++) {
		X509_free(pki->ca_cert[i]);
		EVP_PKEY_free(pki->ca_key[i]);
	}
	OPENSSL_free(pki->crl);
	free(pki);
}

const char *
pki_ca_file(const struct pki *pki)
{
	return pki->ca_file;
}

const char *
pki_unknown_ca_file(const struct pki *pki)
{
	return pki->unknown_file;
}

X509 *
pki_unknown_ca_cert(const struct pki *pki)
{
	return pki->ca_cert[PKI_ISSUER_UNKNOWN];
}

X509 *
pki_ca_cert(const struct pki *pki)
{
	return pki->ca_cert[PKI_ISSUER_CA];
}

X509 *
pki_chain_cert(const struct pki *pki, enum cert_profile profile)
{
	const struct pki_profile	*row;

	if ((unsigned)profile >= CERT_PROFILE_COUNT)
		return NULL;
	row = &pki_profiles[profile];
	if (!row->chain || row->issuer == PKI_ISSUER_SELF)
		return NULL;
	return pki->ca_cert[row->issuer];
}

int
pki_leaf(struct pki *pki, enum cert_profile profile, const char *host,
    X509 **cert, EVP_PKEY **key, struct err *err)
{
	const struct pki_profile	*row;
	struct pki_cert_spec		 spec;
	struct pki_leaf			*l;
	X509				*c;
	char				 san[PKI_SAN_MAX];
	char				 dp[PKI_CRL_DP_MAX];

	for (l = pki->leaves; l != NULL; l = l->next)
		if (l->profile == profile && strcmp(l->host, host) == 0) {
			*cert = l->cert;
			*key = l->key;
			return 0;
		}
	if ((unsigned)profile >= CERT_PROFILE_COUNT)
		return err_set(err, ERR_RANGE, "pki: bad profile %d", profile);
	row = &pki_profiles[profile];
	if (strlen(host) == 0 || strlen(host) > 253)
		return err_set(err, ERR_RANGE, "pki: bad host name \"%s\"",
		    host);
	if (pki_san_make(row->san, host, san, sizeof(san), err) == -1)
		return -1;
	memset(&spec, 0, sizeof(spec));
	spec.kind = PKI_KIND_LEAF;
	/* the CN is the SAN's name, as it always was, or the host's */
	spec.cn = san[0] != '\0' ? san + 4 : host;
	spec.san = san[0] != '\0' ? san : NULL;
	spec.from = row->from;
	spec.to = row->to;
	if (row->revoked) {
		if (pki_crl_dp_make(host, dp, sizeof(dp), err) == -1)
			return -1;
		spec.crl_dp = dp;
	}
	if ((spec.key = pki_keygen(row->key, err)) == NULL)
		return -1;
	if (row->issuer == PKI_ISSUER_SELF) {
		spec.issuer = NULL;
		spec.issuer_key = spec.key;
	} else if ((unsigned)row->issuer < PKI_CA_COUNT) {
		spec.issuer = pki->ca_cert[row->issuer];
		spec.issuer_key = pki->ca_key[row->issuer];
	} else
		fatalx("pki_leaf: bad issuer %d", (int)row->issuer);
	if ((c = pki_make_cert(&spec, err)) == NULL) {
		EVP_PKEY_free(spec.key);
		return -1;
	}
	l = xcalloc(1, sizeof(*l));
	l->profile = profile;
	l->host = xstrdup(host);
	l->cert = c;
	l->key = spec.key;
	l->revoked = row->revoked;
	l->next = pki->leaves;
	pki->leaves = l;
	if (l->revoked)
		pki->nrevoked++;
	*cert = c;
	*key = spec.key;
	return 0;
}

/*
 * pki_crl_dp_make - the CRL DP of a revoked leaf for host:
 * "URI:http://crl.<host without its first label>/ca.crl"
 */
static int
pki_crl_dp_make(const char *host, char *buf, size_t size, struct err *err)
{
	const char	*dot = strchr(host, '.');

	if (dot == NULL || dot == host || dot[1] == '\0')
		return err_set(err, ERR_RANGE, "pki: a CRL distribution point "
		    "for \"%s\" needs a host below a domain", host);
	if (str_fmt(buf, size, "URI:http://%s.%s%s", PKI_CRL_LABEL, dot + 1,
	    PKI_CRL_PATH) == -1)
		return err_set(err, ERR_RANGE, "pki: host name too long");
	return 0;
}

/* pki_crl_revoke - list cert's serial, revoked a day ago (keyCompromise) */
static int
pki_crl_revoke(X509_CRL *crl, const X509 *cert, struct err *err)
{
	X509_REVOKED	*rev;
	ASN1_TIME	*when = NULL;
	ASN1_ENUMERATED	*reason = NULL;

	if ((rev = X509_REVOKED_new()) == NULL ||
	    (when = X509_time_adj_ex(NULL, PKI_CRL_FROM, 0, NULL)) == NULL ||
	    (reason = ASN1_ENUMERATED_new()) == NULL ||
	    ASN1_ENUMERATED_set(reason, CRL_REASON_KEY_COMPROMISE) != 1 ||
	    X509_REVOKED_set_serialNumber(rev,
	    (ASN1_INTEGER *)X509_get0_serialNumber(cert)) != 1 ||
	    X509_REVOKED_set_revocationDate(rev, when) != 1 ||
	    X509_REVOKED_add1_ext_i2d(rev, NID_crl_reason, reason, 0, 0) != 1 ||
	    X509_CRL_add0_revoked(crl, rev) != 1) {
		X509_REVOKED_free(rev);
		ASN1_TIME_free(when);
		ASN1_ENUMERATED_free(reason);
		return err_tls(err, "pki: CRL entry");
	}
	ASN1_TIME_free(when);
	ASN1_ENUMERATED_free(reason);
	return 0;
}

/*
 * pki_crl_exts - the extensions RFC 5280 §5.2 asks of a conforming CA:
 * authorityKeyIdentifier and cRLNumber
 */
static int
pki_crl_exts(X509_CRL *crl, X509 *ca, unsigned long number, struct err *err)
{
	X509V3_CTX	 ctx;
	X509_EXTENSION	*ext;
	ASN1_INTEGER	*num;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, ca, NULL, NULL, crl, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_authority_key_identifier,
	    "keyid:always");
	if (ext == NULL || X509_CRL_add_ext(crl, ext, -1) != 1) {
		X509_EXTENSION_free(ext);
		return err_tls(err, "pki: CRL authorityKeyIdentifier");
	}
	X509_EXTENSION_free(ext);
	if ((num = ASN1_INTEGER_new()) == NULL ||
	    ASN1_INTEGER_set_uint64(num, number) != 1 ||
	    X509_CRL_add1_ext_i2d(crl, NID_crl_number, num, 0, 0) != 1) {
		ASN1_INTEGER_free(num);
		return err_tls(err, "pki: CRL number");
	}
	ASN1_INTEGER_free(num);
	return 0;
}

/* pki_crl_make - a v2 CRL of the trusted CA listing every revoked leaf */
static X509_CRL *
pki_crl_make(const struct pki *pki, struct err *err)
{
	X509		*ca = pki->ca_cert[PKI_ISSUER_CA];
	const struct pki_leaf	*l;
	X509_CRL	*crl;
	ASN1_TIME	*from = NULL, *to = NULL;

	if ((crl = X509_CRL_new()) == NULL ||
	    X509_CRL_set_version(crl, X509_CRL_VERSION_2) != 1 ||
	    X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca)) != 1 ||
	    (from = X509_time_adj_ex(NULL, PKI_CRL_FROM, 0, NULL)) == NULL ||
	    (to = X509_time_adj_ex(NULL, PKI_CRL_TO, 0, NULL)) == NULL ||
	    X509_CRL_set1_lastUpdate(crl, from) != 1 ||
	    X509_CRL_set1_nextUpdate(crl, to) != 1) {
		err_tls(err, "pki: CRL");
		goto fail;
	}
	for (l = pki->leaves; l != NULL; l = l->next)
		if (l->revoked && pki_crl_revoke(crl, l->cert, err) == -1)
			goto fail;
	if (pki_crl_exts(crl, ca, pki->crl_number + 1, err) == -1)
		goto fail;
	if (X509_CRL_sort(crl) != 1 ||
	    X509_CRL_sign(crl, pki->ca_key[PKI_ISSUER_CA], EVP_sha256()) == 0) {
		err_tls(err, "pki: sign the CRL");
		goto fail;
	}
	ASN1_TIME_free(from);
	ASN1_TIME_free(to);
	return crl;
fail:
	ASN1_TIME_free(from);
	ASN1_TIME_free(to);
	X509_CRL_free(crl);
	return NULL;
}

int
pki_crl_der(struct pki *pki, const unsigned char **der, size_t *len,
    struct err *err)
{
	X509_CRL	*crl;
	unsigned char	*buf = NULL;
	int		 n;

	if (pki->crl == NULL || pki->crl_listed != pki->nrevoked) {
		if ((crl = pki_crl_make(pki, err)) == NULL)
			return -1;
		n = i2d_X509_CRL(crl, &buf);
		X509_CRL_free(crl);
		if (n <= 0)
			return err_tls(err, "pki: encode the CRL");
		OPENSSL_free(pki->crl);
		pki->crl = buf;
		pki->crl_len = (size_t)n;
		pki->crl_listed = pki->nrevoked;
		pki->crl_number++;
	}
	*der = pki->crl;
	*len = pki->crl_len;
	return 0;
}
