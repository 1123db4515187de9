/* SPDX-License-Identifier: ISC */
/*
 * sts_dns.h -- the sender's DNS lookups through ldns: the _mta-sts TXT
 * RRset, the MX RRset of the recipient domain, the A records of a host and
 * its TLSA RRset (RFC 7672), each following a CNAME chain. Every query
 * carries the AD bit (RFC 6840 §5.7) and each result says whether the
 * resolver vouched for it (AD in every response of the chain): we trust
 * the resolver we are given, as RFC 7672 §2.1 lets a client that does.
 * Synchronous; one resolver per delivery.
 */
#ifndef SUTS_REFERENCE_STS_DNS_H
#define SUTS_REFERENCE_STS_DNS_H

#include <netinet/in.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../../common/err.h"
#include "../../common/proto.h"

#define STS_DNS_TIMEOUT_MS	2000	/* per try */
#define STS_DNS_TRIES		2	/* one retry */
#define STS_DNS_CNAME_MAX	8	/* hops before we call it a loop */
#define STS_DNS_TXT_MAX		32	/* TXT RRs considered in one answer */
#define STS_DNS_MX_MAX		16	/* MX RRs considered in one answer */
#define STS_DNS_ADDR_MAX	8	/* A records tried per host */
#define STS_DNS_TLSA_MAX	16	/* TLSA RRs considered in one answer */
/*
 * the association data we keep: a SHA2-512 digest. Longer data (a Full(0)
 * certificate or key, which RFC 7671 §10.1.2 advises against publishing)
 * is recorded by its length only, and is unusable (sts_decide_tlsa_usable)
 */
#define STS_DNS_TLSA_DATA_MAX	64

enum sts_dns_result {
	STS_DNS_OK = 0,
	STS_DNS_NODATA,		/* NOERROR, no RR of the type */
	STS_DNS_NXDOMAIN,
	STS_DNS_ERROR,		/* SERVFAIL, REFUSED, timeout, bad answer */
};

/* The TXT RRs of one answer, each RR's character-strings concatenated. */
struct sts_dns_txt {
	size_t	 n;
	char	*txt[STS_DNS_TXT_MAX];	/* owned; NUL-terminated */
	size_t	 len[STS_DNS_TXT_MAX];	/* may hold NULs: use len */
};

struct sts_dns_mx {
	size_t	n;
	bool	secure;		/* AD: the RRset, or its denial (implicit MX) */
	struct {
		uint16_t	pref;
		char		host[DNS_NAME_MAX + 1];	/* no trailing dot */
	} rr[STS_DNS_MX_MAX];		/* sorted by preference, stable */
};

struct sts_dns_addr {
	size_t		n;
	bool		secure;		/* AD set on the answer */
	struct in_addr	addr[STS_DNS_ADDR_MAX];
};

/* A TLSA RRset (RFC 6698 §2.1); secure holds for NODATA/NXDOMAIN too. */
struct sts_dns_tlsa {
	size_t	n;
	bool	secure;		/* AD set on the answer, or on the denial */
	struct {
		uint8_t	usage;
		uint8_t	selector;
		uint8_t	mtype;
		size_t	len;	/* as published; data holds it when at most
				   STS_DNS_TLSA_DATA_MAX */
		uint8_t	data[STS_DNS_TLSA_DATA_MAX];
	} rr[STS_DNS_TLSA_MAX];
};

struct sts_dns;

/*
 * sts_dns_new - resolver at ip:port, or from /etc/resolv.conf when ip is
 * NULL (port 0 keeps 53).
 */
struct sts_dns *sts_dns_new(const char *ip, uint16_t port, struct err *);
void	sts_dns_free(struct sts_dns *);
/* sts_dns_set_timeout - per-try timeout for the next queries */
void	sts_dns_set_timeout(struct sts_dns *, int ms);
/*
 * sts_dns_set_tcp - whether a truncated UDP answer is asked again over
 * TCP (the default, RFC 7766 §5)
 */
void	sts_dns_set_tcp(struct sts_dns *, bool);
/* for the --bug mutants only: a wrong way to read an answer */
#define STS_DNS_TXT_FIRST_STRING	0x01u	/* a TXT RR's 1st string only */
void	sts_dns_set_bugs(struct sts_dns *, unsigned int);

enum sts_dns_result sts_dns_txt(struct sts_dns *, const char *name,
	    struct sts_dns_txt *, struct err *) MUST_CHECK;
void	sts_dns_txt_clear(struct sts_dns_txt *);
/*
 * sts_dns_txt_join - the character-strings of one TXT RR (an ldns_rr)
 * concatenated, nothing inserted (RFC 8461 §3.1), as a NUL-terminated heap
 * copy (caller frees) of *len bytes; flags are STS_DNS_* (mutants).
 */
struct ldns_struct_rr;
char   *sts_dns_txt_join(const struct ldns_struct_rr *, unsigned int flags,
	    size_t *len);
enum sts_dns_result sts_dns_mx(struct sts_dns *, const char *name,
	    struct sts_dns_mx *, struct err *) MUST_CHECK;
enum sts_dns_result sts_dns_a(struct sts_dns *, const char *name,
	    struct sts_dns_addr *, struct err *) MUST_CHECK;
/*
 * sts_dns_tlsa - the TLSA RRset at name ("_25._tcp.HOST", RFC 7672 §2.2.3);
 * tlsa->secure is set on every result but STS_DNS_ERROR. Malformed RRs
 * (not 3 octets and data) are dropped; more than STS_DNS_TLSA_MAX fail.
 */
enum sts_dns_result sts_dns_tlsa(struct sts_dns *, const char *name,
	    struct sts_dns_tlsa *, struct err *) MUST_CHECK;

const char *sts_dns_result_str(enum sts_dns_result);

#endif
