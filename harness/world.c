/* SPDX-License-Identifier: ISC */
/*
 * world.c -- build and tear down one instance's fake servers from a
 * resolved scenario world. Owns the mx_server and policy_host objects it
 * makes and the zone records under its domain (removed in world_free).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "../common/log.h"
#include "../common/proto.h"
#include "../common/str.h"
#include "../common/pki.h"
#include "../fake-dns/dns_key.h"
#include "../fake-dns/dns_zone.h"
#include "../fake-mx/crl_host.h"
#include "../fake-mx/mx_server.h"
#include "../fake-mx/policy_host.h"
#include "world.h"

#define WORLD_MX_TIMEOUT	30	/* seconds idle per SMTP session */
#define WORLD_HTTP_TIMEOUT	10

struct world {
	struct dns_zone		*zone;		/* borrowed */
	char			 domain[SCN_NAME_MAX];
	struct policy_host	*policy;
	struct crl_host		*crl;		/* NULL: no revoked cert */
	struct mx_server	*mx[SCN_HOSTS_MAX];
	size_t			 nmx;
};

static int	world_host_name(const char *, const char *, char *, size_t,
		    struct err *);
static int	world_dns(struct world *, const struct scn_world *,
		    unsigned int, unsigned int, struct err *);
static int	world_tlsa(struct world *, struct pki *,
		    const struct scn_host *, struct err *);
static int	world_crl(struct world *, struct event_base *, struct pki *,
		    unsigned int, unsigned int, uint16_t, struct err *);

/* world_host_name - label relative to domain ("@" is the domain itself) */
static int
world_host_name(const char *label, const char *domain, char *out,
    size_t outsz, struct err *err)
{
	int	rc;

	if (strcmp(label, "@") == 0)
		rc = str_copy(out, domain, outsz);
	else
		rc = str_fmt(out, outsz, "%s.%s", label, domain);
	if (rc == -1)
		return err_set(err, ERR_RANGE, "host name %s.%s too long",
		    label, domain);
	return 0;
}

static int
world_dns(struct world *wd, const struct scn_world *w, unsigned int a,
    unsigned int b, struct err *err)
{
	char	rr[SCN_RECORD_EXPANDED_MAX], origin[SCN_NAME_MAX + 1];
	char	name[SCN_NAME_MAX];
	size_t	i;

	(void)str_fmt(origin, sizeof(origin), "%s.", wd->domain);
	for (i = 0; i < w->nrecords; i++) {
		if (scenario_expand(w->records[i], wd->domain, w, a, b, rr,
		    sizeof(rr), err) == -1 ||
		    dns_zone_add_rr(wd->zone, rr, origin, err) == -1) {
			err_prefix(err, "record \"%s\"", w->records[i]);
			return -1;
		}
	}
	for (i = 0; i < w->nfaults; i++) {
		if (world_host_name(w->faults[i].name, wd->domain, name,
		    sizeof(name), err) == -1 ||
		    dns_zone_set_fault(wd->zone, name, w->faults[i].fault,
		    err) == -1)
			return -1;
	}
	return 0;
}

/*
 * world_tlsa - h's record "_25._tcp.<host> 300 IN TLSA 3 1 1 HEX": the
 * SHA-256 of the SubjectPublicKeyInfo of the leaf its MX presents (the
 * one mx_server gets from pki_leaf for the same profile and name), or,
 * for SCN_TLSA_WRONG, that digest with every bit flipped: a DANE-EE
 * record (RFC 7672 §3.1.1) that matches nothing the host has
 */
static int
world_tlsa(struct world *wd, struct pki *pki, const struct scn_host *h,
    struct err *err)
{
	unsigned char	 md[EVP_MAX_MD_SIZE], *der = NULL;
	char		 host[SCN_NAME_MAX], cert_host[SCN_NAME_MAX];
	char		 rr[SCN_NAME_MAX + 2 * EVP_MAX_MD_SIZE + 64];
	unsigned int	 mdlen, i;
	size_t		 off;
	X509		*cert;
	EVP_PKEY	*key;
	int		 len;

	if (world_host_name(h->label, wd->domain, host, sizeof(host),
	    err) == -1 || world_host_name(h->cert_for[0] != '\0' ?
	    h->cert_for : h->label, wd->domain, cert_host, sizeof(cert_host),
	    err) == -1)
		return -1;
	if (pki_leaf(pki, h->cert, cert_host, &cert, &key, err) == -1)
		return -1;
	if ((len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der)) <= 0)
		return err_set(err, ERR_SYS, "TLSA of %s: cannot encode the "
		    "certificate's public key", host);
	if (EVP_Digest(der, (size_t)len, md, &mdlen, EVP_sha256(), NULL) !=
	    1) {
		OPENSSL_free(der);
		return err_set(err, ERR_SYS, "TLSA of %s: SHA-256 failed",
		    host);
	}
	OPENSSL_free(der);
	if (str_fmt(rr, sizeof(rr), "%s%s. 300 IN TLSA 3 1 1 ",
	    SCN_TLSA_PREFIX, host) == -1)
		return err_set(err, ERR_RANGE, "TLSA name %s%s too long",
		    SCN_TLSA_PREFIX, host);
	off = strlen(rr);
	for (i = 0; i < mdlen; i++, off += 2)
		(void)snprintf(rr + off, sizeof(rr) - off, "%02x",
		    h->tlsa == SCN_TLSA_WRONG ? md[i] ^ 0xffu : md[i]);
	if (dns_zone_add_rr(wd->zone, rr, NULL, err) == -1) {
		err_prefix(err, "TLSA record of %s", host);
		return -1;
	}
	return 0;
}

/* world_has_revoked - a listening server of w presents a revoked leaf */
bool
world_has_revoked(const struct scn_world *w)
{
	size_t	i;

	if (w->policy.serve != POLICY_SERVE_OFF &&
	    cert_profile_is_revoked(w->policy.cert))
		return true;
	for (i = 0; i < w->nhosts; i++)
		if (w->hosts[i].listen != SCN_WANT_NO &&
		    cert_profile_is_revoked(w->hosts[i].cert))
			return true;
	return false;
}

/*
 * world_crl - the CRL host crl.<domain> at 127.a.b.WORLD_CRL_OCTET and
 * its A record (gone with the domain's other records in world_free)
 */
static int
world_crl(struct world *wd, struct event_base *base, struct pki *pki,
    unsigned int a, unsigned int b, uint16_t port, struct err *err)
{
	struct crl_config	cc;
	char			addr[16], rr[SCN_RECORD_EXPANDED_MAX];

	memset(&cc, 0, sizeof(cc));
	(void)str_fmt(addr, sizeof(addr), "127.%u.%u.%d", a, b,
	    WORLD_CRL_OCTET);
	if (world_host_name(PKI_CRL_LABEL, wd->domain, cc.hostname,
	    sizeof(cc.hostname), err) == -1)
		return -1;
	if (str_fmt(rr, sizeof(rr), "%s. 300 IN A %s", cc.hostname,
	    addr) == -1 || dns_zone_add_rr(wd->zone, rr, NULL, err) == -1) {
		err_prefix(err, "the CRL host's A record");
		return -1;
	}
	cc.timeout_sec = WORLD_HTTP_TIMEOUT;
	if ((wd->crl = crl_host_new(base, pki, &cc, addr, port, err)) == NULL)
		return -1;
	return 0;
}

struct world *
world_new(struct event_base *base, struct pki *pki, struct dns_zone *zone,
    const struct dns_key *key, const struct scn_world *w, const char *domain,
    unsigned int a, unsigned int b, const struct world_ports *ports,
    struct err *err)
{
	struct world		*wd = xcalloc(1, sizeof(*wd));
	struct policy_config	 pc;
	struct mx_config	 mc;
	char			 addr[16], *body = NULL;
	size_t			 i, blen;

	wd->zone = zone;
	if (str_copy(wd->domain, domain, sizeof(wd->domain)) == -1) {
		err_set(err, ERR_RANGE, "domain too long: %s", domain);
		free(wd);
		return NULL;
	}
	if (world_dns(wd, w, a, b, err) == -1)
		goto fail;
	for (i = 0; i < w->nhosts; i++)
		if (w->hosts[i].tlsa != SCN_TLSA_NONE &&
		    world_tlsa(wd, pki, &w->hosts[i], err) == -1)
			goto fail;
	if (w->dnssec && key == NULL) {
		(void)err_set(err, ERR_RANGE, "a signed zone needs the run's "
		    "DNSSEC key");
		goto fail;
	}
	if (w->dnssec && dns_zone_sign_below(zone, domain, key, err) == -1)
		goto fail;
	if (world_has_revoked(w) && world_crl(wd, base, pki, a, b,
	    ports->http, err) == -1)
		goto fail;
	if (w->policy.serve != POLICY_SERVE_OFF) {
		memset(&pc, 0, sizeof(pc));
		if (world_host_name(SCN_POLICY_LABEL, domain, pc.hostname,
		    sizeof(pc.hostname), err) == -1)
			goto fail;
		/* each placeholder expands to at most a name */
		blen = strlen(w->policy.body) + 1;
		for (i = 0; w->policy.body[i] != '\0'; i++)
			if (w->policy.body[i] == '{')
				blen += SCN_NAME_MAX;
		body = xmalloc(blen);
		if (scenario_expand(w->policy.body, domain, w, a, b, body, blen,
		    err) == -1) {
			err_prefix(err, "policy body");
			goto fail;
		}
		pc.cert = w->policy.cert;
		pc.status = w->policy.status;
		(void)str_copy(pc.content_type, w->policy.content_type,
		    sizeof(pc.content_type));
		pc.body = body;
		pc.body_len = strlen(body);
		pc.timeout_sec = WORLD_HTTP_TIMEOUT;
		pc.serve = w->policy.serve;
		pc.sni = w->policy.sni;
		pc.tls = w->policy.tls;
		pc.pad = w->policy.pad;
		pc.trickle_sec = w->policy.trickle_sec;
		pc.validators = w->policy.validators;
		if (scenario_expand(w->policy.location, domain, w, a, b,
		    pc.location, sizeof(pc.location), err) == -1) {
			err_prefix(err, "policy location");
			goto fail;
		}
		(void)str_fmt(addr, sizeof(addr), "127.%u.%u.%d", a, b,
		    SCN_POLICY_OCTET);
		wd->policy = policy_host_new(base, pki, &pc, addr, ports->https,
		    err);
		free(body);
		body = NULL;
		if (wd->policy == NULL)
			goto fail;
	}
	for (i = 0; i < w->nhosts; i++) {
		char hostname[SCN_NAME_MAX];

		/* listen: false: a TCP connect is refused (no listener) */
		if (w->hosts[i].listen == SCN_WANT_NO) {
			wd->nmx = i + 1;
			continue;
		}
		if (world_host_name(w->hosts[i].label, domain, hostname,
		    sizeof(hostname), err) == -1)
			goto fail;
		mx_config_init(&mc, hostname);
		mc.starttls = w->hosts[i].starttls;
		mc.cert = w->hosts[i].cert;
		/* cert_for: the certificate of another host's name */
		if (w->hosts[i].cert_for[0] != '\0' &&
		    world_host_name(w->hosts[i].cert_for, domain, mc.cert_host,
		    sizeof(mc.cert_host), err) == -1)
			goto fail;
		mc.tls = w->hosts[i].tls;
		mc.sni = w->hosts[i].sni;
		mc.fail = w->hosts[i].fail;
		mc.timeout_sec = WORLD_MX_TIMEOUT;
		(void)str_fmt(addr, sizeof(addr), "127.%u.%u.%zu", a, b,
		    SCN_HOST_OCTET0 + i);
		wd->mx[i] = mx_server_new(base, pki, &mc, addr, ports->smtp,
		    err);
		if (wd->mx[i] == NULL) {
			err_prefix(err, "host %s", w->hosts[i].label);
			goto fail;
		}
		wd->nmx = i + 1;
	}
	return wd;
fail:
	free(body);
	world_free(wd);
	return NULL;
}

/* world_end_step - no connection the step's sender left open lives on */
void
world_end_step(struct world *wd)
{
	if (wd != NULL)
		policy_host_cut(wd->policy);
}

void
world_free(struct world *wd)
{
	size_t	i;

	if (wd == NULL)
		return;
	for (i = 0; i < wd->nmx; i++)
		mx_server_free(wd->mx[i]);
	policy_host_free(wd->policy);
	crl_host_free(wd->crl);
	dns_zone_remove_below(wd->zone, wd->domain);
	free(wd);
}
