/* SPDX-License-Identifier: ISC */
/*
 * dns_key.c -- one ECDSA P-256 signing key: generation, its DNSKEY record
 * and key tag, the DS digest of a trust anchor, and RRSIGs through
 * ldns_sign_public(). The ldns_key's signer name and validity period are
 * set just for each signature and cleared again, so one key can sign any
 * number of zones. No I/O.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "../common/log.h"
#include "../common/str.h"
#include "dns_key.h"

#define DNS_KEY_BITS		256	/* P-256 */
#define DNS_KEY_DS_DIGEST	3	/* DS rdata: tag, alg, type, digest */
#define DNS_KEY_DS_SHA256	2	/* digest type, RFC 4509 */

struct dns_key {
	ldns_key	*key;		/* owner and validity unset between uses */
	ldns_key_list	*list;		/* holds key, for ldns_sign_public() */
	ldns_rr		*dnskey;	/* its DNSKEY, owned by the root */
	uint16_t	 tag;
};

static int	dns_key_apex(const char *, ldns_rdf **, char *, size_t);

struct dns_key *
dns_key_new(struct err *err)
{
	struct dns_key	*k;

	k = xcalloc(1, sizeof(*k));
	if ((k->key = ldns_key_new_frm_algorithm(LDNS_SIGN_ECDSAP256SHA256,
	    DNS_KEY_BITS)) == NULL) {
		(void)err_set(err, ERR_TLS, "dns key: cannot generate an "
		    "ECDSA P-256 key");
		goto fail;
	}
	ldns_key_set_flags(k->key, DNS_KEY_FLAGS);
	ldns_key_set_use(k->key, true);
	if ((k->dnskey = ldns_key2rr(k->key)) == NULL) {
		(void)err_set(err, ERR_TLS, "dns key: cannot make its DNSKEY");
		goto fail;
	}
	ldns_rr_set_ttl(k->dnskey, DNS_KEY_DNSKEY_TTL);
	k->tag = ldns_calc_keytag(k->dnskey);
	/* ldns_sign_public() writes the key's stored tag, not a computed one */
	ldns_key_set_keytag(k->key, k->tag);
	if ((k->list = ldns_key_list_new()) == NULL ||
	    !ldns_key_list_push_key(k->list, k->key)) {
		(void)err_set(err, ERR_NOMEM, "dns key: out of memory");
		goto fail;
	}
	return k;
fail:
	dns_key_free(k);
	return NULL;
}

void
dns_key_free(struct dns_key *k)
{
	if (k == NULL)
		return;
	/* ldns_key_list_free() deep-frees its keys: empty it first */
	if (k->list != NULL) {
		ldns_key_list_set_key_count(k->list, 0);
		ldns_key_list_free(k->list);
	}
	ldns_key_deep_free(k->key);
	ldns_rr_free(k->dnskey);
	free(k);
}

uint16_t
dns_key_tag(const struct dns_key *k)
{
	return k->tag;
}

/*
 * dns_key_apex - parse apex into *out (absolute) and its text, lower case
 * without the trailing dot, into text; -1 if malformed or too long
 */
static int
dns_key_apex(const char *apex, ldns_rdf **out, char *text, size_t textsz)
{
	char	*s, *p;
	size_t	 len;
	int	 rc;

	*out = NULL;
	if (apex == NULL || apex[0] == '\0' ||
	    (*out = ldns_dname_new_frm_str(apex)) == NULL ||
	    ldns_rdf_size(*out) > DNS_NAME_MAX)
		goto fail;
	ldns_dname2canonical(*out);
	if ((s = ldns_rdf2str(*out)) == NULL)
		goto fail;
	len = strlen(s);
	if (len > 1 && s[len - 1] == '.')
		s[len - 1] = '\0';
	for (p = s; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + ('a' - 'A'));
	rc = str_copy(text, s, textsz);
	free(s);
	if (rc == 0)
		return 0;
fail:
	ldns_rdf_deep_free(*out);
	*out = NULL;
	return -1;
}

int
dns_key_anchor(const struct dns_key *k, const char *apex, char *out,
    size_t outsz, struct err *err)
{
	char		 name[DNS_KEY_ANCHOR_MAX], hex[2 * 64 + 1];
	ldns_rdf	*owner;
	ldns_rr		*dnskey, *ds;
	const ldns_rdf	*digest;
	const uint8_t	*d;
	size_t		 i, len;
	int		 rc;

	if (dns_key_apex(apex, &owner, name, sizeof(name)) == -1)
		return err_set(err, ERR_SYNTAX, "dns key: bad apex \"%.*s\"",
		    64, apex != NULL ? apex : "");
	dnskey = dns_key_dnskey(k, owner);
	ldns_rdf_deep_free(owner);
	ds = ldns_key_rr2ds(dnskey, LDNS_SHA256);
	ldns_rr_free(dnskey);
	if (ds == NULL || (digest = ldns_rr_rdf(ds, DNS_KEY_DS_DIGEST)) ==
	    NULL || ldns_rdf_size(digest) * 2 >= sizeof(hex)) {
		ldns_rr_free(ds);
		return err_set(err, ERR_TLS, "dns key: %s: no DS digest",
		    name);
	}
	d = ldns_rdf_data(digest);
	len = ldns_rdf_size(digest);
	for (i = 0; i < len; i++)
		(void)snprintf(hex + 2 * i, 3, "%02X", d[i]);
	ldns_rr_free(ds);
	rc = str_fmt(out, outsz, "%s,%u,%d,%d,%s", name, (unsigned int)k->tag,
	    DNS_KEY_ALGORITHM, DNS_KEY_DS_SHA256, hex);
	if (rc == -1)
		return err_set(err, ERR_RANGE, "dns key: trust anchor for %s: "
		    "over %zu bytes", name, outsz);
	return 0;
}

ldns_rr *
dns_key_dnskey(const struct dns_key *k, const ldns_rdf *apex)
{
	ldns_rr	*rr;

	if ((rr = ldns_rr_clone(k->dnskey)) == NULL)
		fatalx("dns_key_dnskey: out of memory");
	ldns_rdf_deep_free(ldns_rr_owner(rr));
	ldns_rr_set_owner(rr, ldns_rdf_clone(apex));
	if (ldns_rr_owner(rr) == NULL)
		fatalx("dns_key_dnskey: out of memory");
	return rr;
}

ldns_rr *
dns_key_sign(const struct dns_key *k, const ldns_rdf *apex,
    const ldns_rr_list *rrset, time_t now)
{
	ldns_rr_list	*sigs, *set;
	ldns_rr		*sig = NULL;

	if (ldns_rr_list_rr_count(rrset) == 0)
		return NULL;
	/* ldns_sign_public() clones the set; it takes it non-const */
	set = (ldns_rr_list *)(uintptr_t)rrset;
	ldns_key_set_pubkey_owner(k->key, (ldns_rdf *)(uintptr_t)apex);
	ldns_key_set_inception(k->key, (uint32_t)(now -
	    DNS_KEY_INCEPTION_SKEW));
	ldns_key_set_expiration(k->key, (uint32_t)(now + DNS_KEY_VALIDITY));
	sigs = ldns_sign_public(set, k->list);
	/* borrowed: ldns_key_deep_free() must never free it */
	ldns_key_set_pubkey_owner(k->key, NULL);
	ldns_key_set_inception(k->key, 0);
	ldns_key_set_expiration(k->key, 0);
	if (sigs != NULL && ldns_rr_list_rr_count(sigs) == 1)
		sig = ldns_rr_list_pop_rr(sigs);
	ldns_rr_list_deep_free(sigs);
	return sig;
}
