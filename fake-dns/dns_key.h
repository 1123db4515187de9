/* SPDX-License-Identifier: ISC */
/*
 * dns_key.h -- one DNSSEC signing key for fake-dns's signed zones: an
 * ECDSA P-256/SHA-256 key (algorithm 13, RFC 6605) with DNSKEY flags 257
 * (zone key + SEP), which signs every RRset of the zones it is given to
 * (a "CSK"); its DNSKEY record and the trust anchor a validating resolver
 * needs. Through ldns and OpenSSL. No I/O.
 */
#ifndef FAKE_DNS_DNS_KEY_H
#define FAKE_DNS_DNS_KEY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <ldns/ldns.h>

#include "../common/err.h"
#include "../common/proto.h"

#define DNS_KEY_ALGORITHM	13	/* ECDSAP256SHA256, RFC 6605 */
#define DNS_KEY_FLAGS		257	/* zone key + SEP, RFC 4034 §2.1.1 */
#define DNS_KEY_DNSKEY_TTL	300
#define DNS_KEY_INCEPTION_SKEW	3600	/* signatures valid from now - 1 h */
#define DNS_KEY_VALIDITY	(7 * 24 * 3600)	/* ... to now + 7 days */
/* "APEX,KEYTAG,13,2,HEX": a name, 5 + 3 + 2 + 64 digits and commas */
#define DNS_KEY_ANCHOR_MAX	(DNS_NAME_MAX * 4 + 80)

struct dns_key;

/*
 * dns_key_new - a fresh ECDSA P-256/SHA-256 key (algorithm 13), DNSKEY
 * flags 257 (zone key + SEP: one key signs everything, a "CSK")
 */
struct dns_key *dns_key_new(struct err *);
void	dns_key_free(struct dns_key *);
/* dns_key_tag - the key tag of its DNSKEY (RFC 4034 appendix B) */
uint16_t dns_key_tag(const struct dns_key *);
/*
 * dns_key_anchor - "APEX,KEYTAG,13,2,HEX" (apex lower case, no trailing
 * dot; HEX = the SHA-256 DS digest of the DNSKEY owned by apex, upper
 * case): the value of dnsmasq's trust-anchor= option for that zone.
 * ERR_SYNTAX for a bad apex, ERR_RANGE if it does not fit outsz.
 */
int	dns_key_anchor(const struct dns_key *, const char *apex, char *out,
	    size_t outsz, struct err *) __attribute__((warn_unused_result));

/* For dns_zone.c. */

/* dns_key_dnskey - a new DNSKEY record of the key owned by apex (cloned) */
ldns_rr	*dns_key_dnskey(const struct dns_key *, const ldns_rdf *apex);
/*
 * dns_key_sign - a new RRSIG over rrset (one owner, one type, at least
 * one record) by signer apex, valid from now - DNS_KEY_INCEPTION_SKEW to
 * now + DNS_KEY_VALIDITY, original TTL the first record's; NULL if
 * signing fails.
 */
ldns_rr	*dns_key_sign(const struct dns_key *, const ldns_rdf *apex,
	    const ldns_rr_list *rrset, time_t now);

#endif
