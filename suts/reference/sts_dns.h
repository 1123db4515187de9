/* SPDX-License-Identifier: ISC */
/*
 * sts_dns.h -- the sender's DNS lookups through ldns: the _mta-sts TXT
 * RRset, the MX RRset of the recipient domain and the A records of a host,
 * each following a CNAME chain. Synchronous; one resolver per delivery.
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
	struct {
		uint16_t	pref;
		char		host[DNS_NAME_MAX + 1];	/* no trailing dot */
	} rr[STS_DNS_MX_MAX];		/* sorted by preference, stable */
};

struct sts_dns_addr {
	size_t		n;
	struct in_addr	addr[STS_DNS_ADDR_MAX];
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

const char *sts_dns_result_str(enum sts_dns_result);

#endif
