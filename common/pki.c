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
#define PKI_SAN_MAX		(4 + 256)	/* "DNS:" + a name */

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

/* What names a leaf carries in its SAN. */
enum pki_san {
	PKI_SAN_HOST = 0,	/* the host it is made for */
	PKI_SAN_WRONG,		/* PKI_WRONG_NAME, whatever the host */
	PKI_SAN_WILDCARD,	/* "*." and the host without its first label */
};

/* Who signs a leaf. */
enum pki_issuer {
	PKI_ISSUER_CA = 0,	/* the run's trusted CA */
	PKI_ISSUER_SELF,	/* its own key */
	PKI_ISSUER_UNKNOWN,	/* the CA the SUT never sees */
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
};

struct pki_leaf {
	struct pki_leaf		*next;
	enum cert_profile	 profile;
	char			*host;
	X509			*cert;
	EVP_PKEY		*key;
};

struct pki {
	char		 ca_file[PKI_PATH_MAX];
	char		 unknown_file[PKI_PATH_MAX];	/* the decoy's cert */
	EVP_PKEY	*ca_key;		/* never written anywhere */
	X509		*ca_cert;
	EVP_PKEY	*unknown_key;
	X509		*unknown_cert;
	struct pki_leaf	*leaves;
};

static EVP_PKEY	*pki_keygen(struct err *);
static int	 pki_add_ext(X509 *, X509 *, int, const char *, struct err *);
static X509	*pki_make_cert(const char *, EVP_PKEY *, X509 *, EVP_PKEY *,
		    int, int, bool, const char *, struct err *);
static int	 pki_make_ca(const char *, const char *, EVP_PKEY **, X509 **,
		    struct err *);
static int	 pki_write_cert(const char *, X509 *, struct err *);
static bool	 pki_san_names(enum pki_san, const char *);
static int	 pki_san_make(enum pki_san, const char *, char *, size_t,
		    struct err *);

static const struct pki_profile pki_profiles[CERT_PROFILE_COUNT] = {
	[CERT_VALID] = { "valid", PKI_SAN_HOST, PKI_ISSUER_CA,
	    PKI_LEAF_FROM, PKI_LEAF_TO },
	[CERT_WRONG_NAME] = { "wrong-name", PKI_SAN_WRONG, PKI_ISSUER_CA,
	    PKI_LEAF_FROM, PKI_LEAF_TO },
	[CERT_EXPIRED] = { "expired", PKI_SAN_HOST, PKI_ISSUER_CA,
	    PKI_EXPIRED_FROM, PKI_EXPIRED_TO },
	[CERT_NOT_YET_VALID] = { "not-yet-valid", PKI_SAN_HOST, PKI_ISSUER_CA,
	    PKI_NOT_YET_FROM, PKI_NOT_YET_TO },
	[CERT_SELF_SIGNED] = { "self-signed", PKI_SAN_HOST, PKI_ISSUER_SELF,
	    PKI_LEAF_FROM, PKI_LEAF_TO },
	[CERT_UNKNOWN_CA] = { "unknown-ca", PKI_SAN_HOST, PKI_ISSUER_UNKNOWN,
	    PKI_LEAF_FROM, PKI_LEAF_TO },
	[CERT_WILDCARD] = { "wildcard", PKI_SAN_WILDCARD, PKI_ISSUER_CA,
	    PKI_LEAF_FROM, PKI_LEAF_TO },
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

/*
 * pki_san_names - whether a leaf of kind san made for host names host,
 * as a client checking the DNS-ID (RFC 6125 §6.4) sees it
 */
static bool
pki_san_names(enum pki_san san, const char *host)
{
	const char	*parent;

	switch (san) {
	case PKI_SAN_HOST:
		return true;
	case PKI_SAN_WRONG:
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
	return row->issuer == PKI_ISSUER_CA && row->from <= 0 &&
	    row->to > 0 && pki_san_names(row->san, host);
}

/* pki_san_make - the SAN text of a leaf of kind san for host */
static int
pki_san_make(enum pki_san san, const char *host, char *buf, size_t size,
    struct err *err)
{
	const char	*name, *star = "";

	switch (san) {
	case PKI_SAN_HOST:
		name = host;
		break;
	case PKI_SAN_WRONG:
		name = PKI_WRONG_NAME;
		break;
	case PKI_SAN_WILDCARD:
		if ((name = strchr(host, '.')) == NULL || name == host ||
		    name[1] == '\0')
			return err_set(err, ERR_RANGE, "pki: a wildcard for "
			    "\"%s\" needs a host below a domain", host);
		star = "*";
		break;
	default:
		fatalx("pki_san_make: bad SAN kind %d", (int)san);
	}
	if (str_fmt(buf, size, "DNS:%s%s", star, name) == -1)
		return err_set(err, ERR_RANGE, "pki: host name too long");
	return 0;
}

static EVP_PKEY *
pki_keygen(struct err *err)
{
	EVP_PKEY	*key = EVP_EC_gen("P-256");

	if (key == NULL)
		err_tls(err, "pki: EC P-256 key generation");
	return key;
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
 * pki_make_cert - one certificate for key, signed by issuer_key (issuer
 * NULL: self-signed). Validity is [now+from, now+to] days (UTCTime or,
 * from 2050, GeneralizedTime: RFC 5280 §4.1.2.5). san (a SAN value,
 * "DNS:name") NULL: a CA certificate with CN=cn.
 */
static X509 *
pki_make_cert(const char *cn, EVP_PKEY *key, X509 *issuer,
    EVP_PKEY *issuer_key, int from, int to, bool ca, const char *san,
    struct err *err)
{
	X509		*cert;
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
	    X509_time_adj_ex(X509_getm_notBefore(cert), from, 0, NULL) ==
	    NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(cert), to, 0, NULL) == NULL ||
	    X509_set_pubkey(cert, key) != 1)
		goto fail;
	name = X509_get_subject_name(cert);
	if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
	    (const unsigned char *)"sts-harness test PKI", -1, -1, 0) != 1 ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0) != 1)
		goto fail;
	if (X509_set_issuer_name(cert, issuer != NULL ?
	    X509_get_subject_name(issuer) : name) != 1)
		goto fail;
	if (issuer == NULL)
		issuer = cert;
	if (ca) {
		if (pki_add_ext(cert, issuer, NID_basic_constraints,
		    "critical,CA:TRUE,pathlen:0", err) == -1 ||
		    pki_add_ext(cert, issuer, NID_key_usage,
		    "critical,keyCertSign,cRLSign", err) == -1 ||
		    pki_add_ext(cert, issuer, NID_name_constraints,
		    "critical,permitted;DNS:test", err) == -1)
			goto fail_err;
	} else {
		if (pki_add_ext(cert, issuer, NID_basic_constraints,
		    "critical,CA:FALSE", err) == -1 ||
		    pki_add_ext(cert, issuer, NID_key_usage,
		    "critical,digitalSignature", err) == -1 ||
		    pki_add_ext(cert, issuer, NID_ext_key_usage,
		    "serverAuth", err) == -1 ||
		    pki_add_ext(cert, issuer, NID_subject_alt_name, san,
		    err) == -1)
			goto fail_err;
	}
	if (pki_add_ext(cert, issuer, NID_subject_key_identifier, "hash",
	    err) == -1)
		goto fail_err;
	if (issuer != cert && pki_add_ext(cert, issuer,
	    NID_authority_key_identifier, "keyid:always", err) == -1)
		goto fail_err;
	if (X509_sign(cert, issuer_key, EVP_sha256()) == 0)
		goto fail;
	BN_free(bn);
	return cert;
fail:
	err_tls(err, "pki: certificate for %s", cn);
fail_err:
	BN_free(bn);
	X509_free(cert);
	return NULL;
}

static int
pki_make_ca(const char *cn, const char *what, EVP_PKEY **key, X509 **cert,
    struct err *err)
{
	if ((*key = pki_keygen(err)) == NULL)
		return -1;
	*cert = pki_make_cert(cn, *key, NULL, *key, PKI_CA_FROM, PKI_CA_TO,
	    true, NULL, err);
	if (*cert == NULL) {
		err_prefix(err, "pki: %s", what);
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

	if (str_fmt(pki->ca_file, sizeof(pki->ca_file), "%s/ca.pem",
	    dir) == -1 || str_fmt(pki->unknown_file,
	    sizeof(pki->unknown_file), "%s/unknown-ca.pem", dir) == -1) {
		err_set(err, ERR_RANGE, "pki: directory name too long: %s",
		    dir);
		goto fail;
	}
	if (pki_make_ca("sts-harness test CA", "trusted CA", &pki->ca_key,
	    &pki->ca_cert, err) == -1 ||
	    pki_make_ca("sts-harness unknown CA", "unknown CA",
	    &pki->unknown_key, &pki->unknown_cert, err) == -1)
		goto fail;
	if (pki_write_cert(pki->ca_file, pki->ca_cert, err) == -1) {
		pki->ca_file[0] = '\0';
		pki->unknown_file[0] = '\0';
		goto fail;
	}
	if (pki_write_cert(pki->unknown_file, pki->unknown_cert, err) == -1) {
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
	X509_free(pki->ca_cert);
	EVP_PKEY_free(pki->ca_key);
	X509_free(pki->unknown_cert);
	EVP_PKEY_free(pki->unknown_key);
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
	return pki->unknown_cert;
}

X509 *
pki_ca_cert(const struct pki *pki)
{
	return pki->ca_cert;
}

int
pki_leaf(struct pki *pki, enum cert_profile profile, const char *host,
    X509 **cert, EVP_PKEY **key, struct err *err)
{
	const struct pki_profile	*row;
	struct pki_leaf			*l;
	EVP_PKEY			*k, *ikey;
	X509				*c, *issuer;
	char				 san[PKI_SAN_MAX];

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
	switch (row->issuer) {
	case PKI_ISSUER_CA:
		issuer = pki->ca_cert;
		ikey = pki->ca_key;
		break;
	case PKI_ISSUER_SELF:
		issuer = NULL;
		ikey = NULL;
		break;
	case PKI_ISSUER_UNKNOWN:
		issuer = pki->unknown_cert;
		ikey = pki->unknown_key;
		break;
	default:
		fatalx("pki_leaf: bad issuer %d", (int)row->issuer);
	}
	if ((k = pki_keygen(err)) == NULL)
		return -1;
	if (issuer == NULL)
		ikey = k;
	/* the CN is the SAN's name, as it always was */
	c = pki_make_cert(san + 4, k, issuer, ikey, row->from, row->to, false,
	    san, err);
	if (c == NULL) {
		EVP_PKEY_free(k);
		return -1;
	}
	l = xcalloc(1, sizeof(*l));
	l->profile = profile;
	l->host = xstrdup(host);
	l->cert = c;
	l->key = k;
	l->next = pki->leaves;
	pki->leaves = l;
	*cert = c;
	*key = k;
	return 0;
}
