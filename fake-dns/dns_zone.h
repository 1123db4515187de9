/* SPDX-License-Identifier: ISC */
/*
 * dns_zone.h -- the records and faults fake-dns serves, and the pure
 * function that turns one query (wire bytes) into one response (wire
 * bytes). Wire format and zone text go through ldns. No I/O here.
 */
#ifndef FAKE_DNS_DNS_ZONE_H
#define FAKE_DNS_DNS_ZONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../common/err.h"

enum dns_fault {
	DNS_FAULT_NONE = 0,
	DNS_FAULT_NXDOMAIN,	/* answer NXDOMAIN even if records exist */
	DNS_FAULT_SERVFAIL,	/* answer SERVFAIL */
	DNS_FAULT_TIMEOUT,	/* send nothing: the client times out */
};

const char *dns_fault_str(enum dns_fault);
int	dns_fault_parse(const char *, enum dns_fault *)
	    __attribute__((warn_unused_result));

struct dns_zone;

struct dns_zone *dns_zone_new(void);
void	dns_zone_free(struct dns_zone *);

/*
 * dns_zone_add_rr - add one record in zone-file syntax, e.g.
 * "mx1.d.test. 300 IN A 127.1.1.25"; relative owners are completed with
 * origin (may be NULL). Supported types: A, AAAA, MX, TXT, CNAME (others
 * are accepted as ldns parses them).
 */
int	dns_zone_add_rr(struct dns_zone *, const char *text, const char *origin,
	    struct err *) __attribute__((warn_unused_result));
/*
 * dns_zone_load_file - a zone file: $ORIGIN/$TTL and records as ldns reads
 * them, plus our lines ";@fault NAME nxdomain|servfail|timeout". Errors are
 * "path:line: message".
 */
int	dns_zone_load_file(struct dns_zone *, const char *path, struct err *)
	    __attribute__((warn_unused_result));
/* dns_zone_set_fault - fault for queries of any type at exactly name */
int	dns_zone_set_fault(struct dns_zone *, const char *name, enum dns_fault,
	    struct err *) __attribute__((warn_unused_result));
/* dns_zone_remove_below - drop every record and fault at or below name */
void	dns_zone_remove_below(struct dns_zone *, const char *name);
size_t	dns_zone_count(const struct dns_zone *);

/* What dns_zone_answer() decided, for the event record. */
struct dns_answer_info {
	char		qname[256];
	char		qtype[16];
	char		rcode[16];	/* NOERROR, NXDOMAIN, SERVFAIL, FORMERR... */
	enum dns_fault	fault;
	unsigned int	answers;
	bool		truncated;	/* TC set: answer too big for UDP */
	bool		dropped;	/* nothing to send (timeout fault or garbage) */
};

/*
 * dns_zone_answer - answer one query. out receives the response (at most
 * outcap bytes; over UDP pass DNS_UDP_MAX, and a larger answer is cut with
 * TC set). Returns 0 with *outlen set, or 0 with info->dropped when no
 * response must be sent. Never fails on hostile input: a malformed query
 * gets FORMERR when its header can be read, otherwise it is dropped.
 * CNAME chains inside the zone are followed (at most 8 hops).
 */
int	dns_zone_answer(const struct dns_zone *, const uint8_t *query,
	    size_t qlen, uint8_t *out, size_t outcap, size_t *outlen,
	    struct dns_answer_info *) __attribute__((warn_unused_result));

#endif
