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

#define DNS_EDNS_UDP_MAX	4096	/* RFC 6891 §6.2.5; our cap */
#define DNS_ZONE_CNAME_HOPS	8	/* CNAMEs followed in one answer */
#define DNS_ZONE_DEFAULT_TTL	3600	/* records with no TTL and no $TTL */

/*
 * Per-name faults. Each has one row in dns_zone.c's dns_fault_rows[]
 * (its name and how it answers); a new fault is a new value here and a
 * new row there, and scenarios, zone files and messages pick it up.
 */
enum dns_fault {
	DNS_FAULT_NONE = 0,
	DNS_FAULT_NXDOMAIN,	/* answer NXDOMAIN even if records exist */
	DNS_FAULT_SERVFAIL,	/* answer SERVFAIL */
	DNS_FAULT_TIMEOUT,	/* send nothing: the client times out */
	DNS_FAULT_TRUNCATE,	/* UDP: TC and no answers; TCP: the answer */
};

/* dns_fault_str - the fault's name ("none" for DNS_FAULT_NONE) */
const char *dns_fault_str(enum dns_fault);
/* dns_fault_parse - a name ("none" too) to the fault; -1 if unknown */
int	dns_fault_parse(const char *, enum dns_fault *)
	    __attribute__((warn_unused_result));
/*
 * dns_fault_name - the i-th fault a name can be given, in table order
 * (never "none"); NULL past the last. For "allowed:" lists.
 */
const char *dns_fault_name(size_t);

struct dns_zone;

struct dns_zone *dns_zone_new(void);
void	dns_zone_free(struct dns_zone *);

/*
 * dns_zone_add_rr - add one record in zone-file syntax, e.g.
 * "mx1.d.test. 300 IN A 127.1.1.25"; relative owners are completed with
 * origin (may be NULL). Supported types: A, AAAA, MX, TXT, CNAME (others
 * are accepted as ldns parses them). Owner case is kept for the wire;
 * lookups ignore case. An exact duplicate of a stored record is ignored.
 * A TTL of 4294967295 reads as "no TTL given" (DNS_ZONE_DEFAULT_TTL).
 */
int	dns_zone_add_rr(struct dns_zone *, const char *text, const char *origin,
	    struct err *) __attribute__((warn_unused_result));
/*
 * dns_zone_load_file - a zone file: $ORIGIN/$TTL and records as ldns reads
 * them, plus our lines ";@fault NAME KIND" (KIND: a dns_fault_name()).
 * Errors are "path:line: message".
 */
int	dns_zone_load_file(struct dns_zone *, const char *path, struct err *)
	    __attribute__((warn_unused_result));
/*
 * dns_zone_set_fault - fault for queries of any type at exactly name
 * (DNS_FAULT_NONE clears it). A CNAME chain stops at a name with a fault,
 * so the client has to ask for that name itself and meets the fault.
 */
int	dns_zone_set_fault(struct dns_zone *, const char *name, enum dns_fault,
	    struct err *) __attribute__((warn_unused_result));
struct dns_key;

/*
 * dns_zone_sign_below - names at or below apex are a signed zone with key
 * (borrowed: it must outlive the zone's use of it). Several apexes may be
 * signed, with the same key or not; signing an apex twice replaces its
 * key. A name below several signed apexes belongs to the nearest one.
 *
 * For a query whose name is in a signed zone: the apex answers DNSKEY
 * with the key's DNSKEY (TTL 300) in place of any stored one, and SOA
 * with "APEX 300 IN SOA ns.APEX. hostmaster.APEX. 1 3600 600 86400 1"
 * when the zone stores none there. With the DO bit (RFC 3225) every RRset
 * of the answer gets its RRSIG (RFC 4034 §3: signer the apex, valid from
 * now - 1 h to now + 7 days), the reply's OPT has DO set, and a name or
 * type that does not exist is denied with compact denial ("black lies",
 * RFC 9824 without NXNAME): NOERROR, no answer, and in authority the
 * signed SOA and a signed NSEC at the name, next name "\000.NAME", types
 * those at the name plus RRSIG and NSEC. An nxdomain fault is denied the
 * same way (types RRSIG and NSEC only); servfail, timeout and truncate
 * behave as in an unsigned zone. Without DO the answer carries no DNSSEC
 * records. The AD bit is never set: only a validating resolver may.
 */
int	dns_zone_sign_below(struct dns_zone *, const char *apex,
	    const struct dns_key *, struct err *)
	    __attribute__((warn_unused_result));
/*
 * dns_zone_remove_below - drop every record, fault and signed apex at or
 * below name
 */
void	dns_zone_remove_below(struct dns_zone *, const char *name);
size_t	dns_zone_count(const struct dns_zone *);

/* What dns_zone_answer() decided, for the event record. */
struct dns_answer_info {
	char		qname[256];
	char		qtype[16];
	char		rcode[16];	/* NOERROR, NXDOMAIN, SERVFAIL, FORMERR,
					   NOTIMP, REFUSED; "none" if dropped */
	enum dns_fault	fault;
	unsigned int	answers;
	bool		truncated;	/* TC set: answer too big for UDP */
	bool		dnssec;		/* RRSIG/NSEC records went out */
	bool		dropped;	/* nothing to send (timeout fault or
					   garbage) */
	const char	*reason;	/* dropped without a fault: "short",
					   "response" or "outcap"; else NULL */
};

/* How a query arrived: a fault may answer UDP and TCP differently. */
enum dns_transport {
	DNS_TRANSPORT_UDP = 0,
	DNS_TRANSPORT_TCP,
};

/*
 * dns_zone_answer - answer one query that came over transport. out
 * receives the response (at most outcap bytes; over UDP pass
 * dns_zone_query_udp_max(), and a larger answer is cut with TC set).
 * Returns 0 with *outlen set, or 0 with info->dropped when no
 * response must be sent. Never fails on hostile input: a malformed query
 * gets FORMERR when its header can be read, otherwise it is dropped.
 * CNAME chains inside the zone are followed (at most 8 hops).
 * info->qname is lower case without the trailing dot ("." for the root,
 * "" when no question could be read); info->rcode is "none" when nothing
 * is sent. A query carrying EDNS0 gets an OPT record back.
 */
int	dns_zone_answer(const struct dns_zone *, enum dns_transport,
	    const uint8_t *query, size_t qlen, uint8_t *out, size_t outcap,
	    size_t *outlen, struct dns_answer_info *)
	    __attribute__((warn_unused_result));

/*
 * dns_zone_query_udp_max - the UDP answer size a query allows: DNS_UDP_MAX,
 * or its EDNS0 OPT payload size when larger, at most DNS_EDNS_UDP_MAX.
 */
size_t	dns_zone_query_udp_max(const uint8_t *query, size_t qlen);

#endif
