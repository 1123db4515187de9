/* SPDX-License-Identifier: ISC */
/*
 * world.h -- the fake servers of one running instance of a scenario world:
 * its records in the shared fake-dns zone, its policy host at 127.A.B.10:443
 * and one fake MX per host at 127.A.B.(25+i):25; and, when a server of the
 * world presents a revoked certificate, the CRL host crl.<domain> at
 * 127.A.B.11:80 with its A record. A host with a tlsa setting gets its
 * _25._tcp TLSA record, and a dnssec world is served as a signed zone.
 */
#ifndef HARNESS_WORLD_H
#define HARNESS_WORLD_H

#include <stdint.h>

#include "../common/err.h"
#include "scenario.h"

struct event_base;
struct pki;
struct dns_zone;
struct dns_key;
struct world;

struct world_ports {
	uint16_t	smtp;		/* SMTP_PORT inside the namespace */
	uint16_t	https;		/* HTTPS_PORT */
	uint16_t	http;		/* HTTP_PORT: the CRL host */
};

#define WORLD_CRL_OCTET	11	/* crl.<domain>, the CRL host */

/*
 * world_new - bring up w for domain on 127.a.b.0/24; all or nothing. When
 * w->dnssec, the domain is a zone signed with key (borrowed; NULL then
 * fails): the run's validating dnsmasq holds its trust anchor.
 */
struct world *world_new(struct event_base *, struct pki *, struct dns_zone *,
	    const struct dns_key *, const struct scn_world *, const char *,
	    unsigned int, unsigned int, const struct world_ports *,
	    struct err *);
/*
 * world_end_step - a step ended: cut what its sender left hanging at the
 * policy host (blackholed connections, streaming answers)
 */
void	world_end_step(struct world *);
/*
 * world_has_revoked - whether a server of w presents a revoked leaf (whose
 * CRL Distribution Point names crl.<domain>): then w has a CRL host
 */
bool	world_has_revoked(const struct scn_world *);
/* world_free - stop the servers and drop the domain's records */
void	world_free(struct world *);

#endif
