/* SPDX-License-Identifier: ISC */
/*
 * sts_dns.c -- synchronous DNS lookups for the reference sender, on ldns.
 * Follows a CNAME chain inside the answer (RFC 8461 §3.1 for _mta-sts) and
 * asks again for the chain's end when the answer stops at a CNAME. Owns
 * its ldns_resolver; never trusts the answer's sizes beyond our bounds.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "../../common/log.h"
#include "../../common/str.h"
#include "sts_dns.h"

struct sts_dns {
	ldns_resolver	*res;
	unsigned int	 bugs;		/* STS_DNS_* (mutants) */
};

static enum sts_dns_result sts_dns_lookup(struct sts_dns *, const char *,
		    ldns_rr_type, ldns_rr_list **, bool *, struct err *);
static size_t	sts_dns_chain(const ldns_rr_list *, ldns_rdf **,
		    ldns_rr_type, ldns_rr_list *, bool *);
static int	sts_dns_rdf_name(const ldns_rdf *, char *, size_t);
static void	sts_dns_reset_rtt(struct sts_dns *);

struct sts_dns *
sts_dns_new(const char *ip, uint16_t port, struct err *err)
{
	struct sts_dns	*dns;
	ldns_resolver	*res = NULL;
	ldns_rdf	*ns;
	ldns_status	 st;
	struct timeval	 tv;

	if (ip == NULL) {
		st = ldns_resolver_new_frm_file(&res, NULL);
		if (st != LDNS_STATUS_OK) {
			(void)err_set(err, ERR_SYS,
			    "dns: /etc/resolv.conf: %s",
			    ldns_get_errorstr_by_id(st));
			return NULL;
		}
	} else {
		ns = ldns_rdf_new_frm_str(strchr(ip, ':') != NULL ?
		    LDNS_RDF_TYPE_AAAA : LDNS_RDF_TYPE_A, ip);
		if (ns == NULL) {
			(void)err_set(err, ERR_SYNTAX,
			    "dns: bad resolver address \"%s\"", ip);
			return NULL;
		}
		if ((res = ldns_resolver_new()) == NULL) {
			ldns_rdf_deep_free(ns);
			(void)err_set(err, ERR_NOMEM, "dns: ldns_resolver_new");
			return NULL;
		}
		st = ldns_resolver_push_nameserver(res, ns);
		ldns_rdf_deep_free(ns);
		if (st != LDNS_STATUS_OK) {
			ldns_resolver_deep_free(res);
			(void)err_set(err, ERR_SYS, "dns: nameserver %s: %s",
			    ip, ldns_get_errorstr_by_id(st));
			return NULL;
		}
	}
	if (port != 0)
		ldns_resolver_set_port(res, port);
	ldns_resolver_set_recursive(res, true);
	ldns_resolver_set_defnames(res, false);
	ldns_resolver_set_dnsrch(res, false);
	ldns_resolver_set_fallback(res, true);	/* TCP when truncated */
	ldns_resolver_set_retry(res, STS_DNS_TRIES);
	ldns_resolver_set_retrans(res, 0);
	tv.tv_sec = STS_DNS_TIMEOUT_MS / 1000;
	tv.tv_usec = (STS_DNS_TIMEOUT_MS % 1000) * 1000;
	ldns_resolver_set_timeout(res, tv);
	dns = xcalloc(1, sizeof(*dns));
	dns->res = res;
	return dns;
}

void
sts_dns_free(struct sts_dns *dns)
{
	if (dns == NULL)
		return;
	ldns_resolver_deep_free(dns->res);
	free(dns);
}

void
sts_dns_set_timeout(struct sts_dns *dns, int ms)
{
	struct timeval	tv;

	if (ms > STS_DNS_TIMEOUT_MS)
		ms = STS_DNS_TIMEOUT_MS;
	if (ms < 1)
		ms = 1;
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	ldns_resolver_set_timeout(dns->res, tv);
}

void
sts_dns_set_tcp(struct sts_dns *dns, bool on)
{
	ldns_resolver_set_fallback(dns->res, on);
}

void
sts_dns_set_bugs(struct sts_dns *dns, unsigned int bugs)
{
	dns->bugs = bugs;
}

/*
 * sts_dns_reset_rtt - ldns marks a server that timed out as unreachable
 * for every later query; one name's fault (a TXT timeout) must not fail
 * the next, unrelated lookup (the MX), so each query starts afresh.
 */
static void
sts_dns_reset_rtt(struct sts_dns *dns)
{
	size_t	i, n = ldns_resolver_nameserver_count(dns->res);

	for (i = 0; i < n; i++)
		ldns_resolver_set_nameserver_rtt(dns->res, i,
		    LDNS_RESOLV_RTT_MIN);
}

/* sts_dns_rdf_name - a dname rdf as text without the trailing dot */
static int
sts_dns_rdf_name(const ldns_rdf *rdf, char *out, size_t size)
{
	char	*s;
	size_t	 n;
	int	 rc;

	if (rdf == NULL || ldns_rdf_get_type(rdf) != LDNS_RDF_TYPE_DNAME)
		return -1;
	if ((s = ldns_rdf2str(rdf)) == NULL)
		return -1;
	n = strlen(s);
	if (n > 1 && s[n - 1] == '.')
		s[n - 1] = '\0';
	else if (n == 1 && s[0] == '.')
		s[0] = '\0';			/* the root: null MX */
	rc = str_copy(out, s, size);
	free(s);
	return rc;
}

/*
 * sts_dns_chain - starting at *name, collect (clones of) the RRs of type t
 * owned by the current name, following CNAMEs in the answer. On return
 * *name is the chain's end and *followed says whether a CNAME was taken.
 * Returns the number of CNAME hops.
 */
static size_t
sts_dns_chain(const ldns_rr_list *answer, ldns_rdf **name, ldns_rr_type t,
    ldns_rr_list *out, bool *followed)
{
	size_t		 i, hops = 0, n = ldns_rr_list_rr_count(answer);
	ldns_rr		*rr, *cname;

	for (;;) {
		cname = NULL;
		for (i = 0; i < n; i++) {
			rr = ldns_rr_list_rr(answer, i);
			if (ldns_dname_compare(ldns_rr_owner(rr), *name) != 0)
				continue;
			if (ldns_rr_get_type(rr) == t)
				(void)ldns_rr_list_push_rr(out,
				    ldns_rr_clone(rr));
			else if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME &&
			    ldns_rr_rd_count(rr) == 1)
				cname = rr;
		}
		if (ldns_rr_list_rr_count(out) > 0 || cname == NULL ||
		    hops == STS_DNS_CNAME_MAX)
			return hops;
		ldns_rdf_deep_free(*name);
		*name = ldns_rdf_clone(ldns_rr_rdf(cname, 0));
		*followed = true;
		hops++;
	}
}

/*
 * sts_dns_lookup - ask for (name, t); *rrs gets the RRs at the end of the
 * CNAME chain (caller frees with ldns_rr_list_deep_free) on STS_DNS_OK.
 * The query carries AD (RFC 6840 §5.7: "I understand AD"; no EDNS0, no
 * DO), which a validating resolver answers with AD on secure data and
 * secure denials; *secure says whether every response of the chain had
 * it (a CNAME asked again is as secure as its weakest link).
 */
static enum sts_dns_result
sts_dns_lookup(struct sts_dns *dns, const char *name, ldns_rr_type t,
    ldns_rr_list **rrs, bool *secure, struct err *err)
{
	char			 fq[DNS_NAME_MAX + 2];
	ldns_rdf		*qname;
	ldns_pkt		*pkt = NULL;
	ldns_rr_list		*out;
	ldns_status		 st;
	ldns_pkt_rcode		 rcode;
	size_t			 hops = 0;
	bool			 followed;

	*rrs = NULL;
	*secure = true;
	if (str_fmt(fq, sizeof(fq), "%s%s", name,
	    str_has_suffix_ci(name, ".") ? "" : ".") == -1 ||
	    (qname = ldns_dname_new_frm_str(fq)) == NULL) {
		(void)err_set(err, ERR_SYNTAX, "dns: bad name \"%s\"", name);
		*secure = false;
		return STS_DNS_ERROR;
	}
	out = ldns_rr_list_new();
	for (;;) {
		sts_dns_reset_rtt(dns);
		st = ldns_resolver_send(&pkt, dns->res, qname, t,
		    LDNS_RR_CLASS_IN, LDNS_RD | LDNS_AD);
		if (st != LDNS_STATUS_OK || pkt == NULL) {
			(void)err_set(err, ERR_TIMEOUT, "dns: %s: %s", name,
			    ldns_get_errorstr_by_id(st));
			goto error;
		}
		rcode = ldns_pkt_get_rcode(pkt);
		if (!ldns_pkt_ad(pkt))
			*secure = false;
		if (rcode == LDNS_RCODE_NXDOMAIN) {
			(void)err_set(err, ERR_NOTFOUND, "dns: %s: NXDOMAIN",
			    name);
			ldns_pkt_free(pkt);
			ldns_rdf_deep_free(qname);
			ldns_rr_list_deep_free(out);
			return STS_DNS_NXDOMAIN;
		}
		if (rcode != LDNS_RCODE_NOERROR) {
			(void)err_set(err, ERR_PROTO, "dns: %s: rcode %d",
			    name, (int)rcode);
			goto error;
		}
		followed = false;
		hops += sts_dns_chain(ldns_pkt_answer(pkt), &qname, t, out,
		    &followed);
		ldns_pkt_free(pkt);
		pkt = NULL;
		if (ldns_rr_list_rr_count(out) > 0)
			break;
		if (hops >= STS_DNS_CNAME_MAX) {
			(void)err_set(err, ERR_PROTO,
			    "dns: %s: CNAME chain longer than %d", name,
			    STS_DNS_CNAME_MAX);
			goto error;
		}
		if (!followed) {
			(void)err_set(err, ERR_NOTFOUND, "dns: %s: no data",
			    name);
			ldns_rdf_deep_free(qname);
			ldns_rr_list_deep_free(out);
			return STS_DNS_NODATA;
		}
		/* the answer stopped at a CNAME: ask for its target */
	}
	ldns_rdf_deep_free(qname);
	*rrs = out;
	return STS_DNS_OK;
error:
	*secure = false;
	ldns_pkt_free(pkt);
	ldns_rdf_deep_free(qname);
	ldns_rr_list_deep_free(out);
	return STS_DNS_ERROR;
}

enum sts_dns_result
sts_dns_txt(struct sts_dns *dns, const char *name, struct sts_dns_txt *txt,
    struct err *err)
{
	ldns_rr_list		*rrs;
	ldns_rr			*rr;
	enum sts_dns_result	 res;
	size_t			 i, cnt;
	bool			 secure;

	memset(txt, 0, sizeof(*txt));
	if ((res = sts_dns_lookup(dns, name, LDNS_RR_TYPE_TXT, &rrs, &secure,
	    err)) != STS_DNS_OK)
		return res;
	cnt = ldns_rr_list_rr_count(rrs);
	if (cnt > STS_DNS_TXT_MAX) {
		ldns_rr_list_deep_free(rrs);
		(void)err_set(err, ERR_RANGE, "dns: %s: %zu TXT RRs, limit %d",
		    name, cnt, STS_DNS_TXT_MAX);
		return STS_DNS_ERROR;
	}
	for (i = 0; i < cnt; i++) {
		rr = ldns_rr_list_rr(rrs, i);
		txt->txt[txt->n] = sts_dns_txt_join(rr, dns->bugs,
		    &txt->len[txt->n]);
		txt->n++;
	}
	ldns_rr_list_deep_free(rrs);
	return STS_DNS_OK;
}

char *
sts_dns_txt_join(const ldns_rr *rr, unsigned int flags, size_t *len)
{
	const ldns_rdf	*rdf;
	const uint8_t	*d;
	size_t		 j, n, total = 0;
	char		*buf;

	n = ldns_rr_rd_count(rr);
	if (n > 1 && (flags & STS_DNS_TXT_FIRST_STRING))
		n = 1;			/* the mutant: the rest is lost */
	for (j = 0; j < n; j++)
		total += ldns_rdf_size(ldns_rr_rdf(rr, j));
	buf = xmalloc(total + 1);
	total = 0;
	/* RFC 8461 §3.1: concatenate, inserting nothing */
	for (j = 0; j < n; j++) {
		rdf = ldns_rr_rdf(rr, j);
		d = ldns_rdf_data(rdf);
		if (ldns_rdf_size(rdf) < 1 ||
		    (size_t)d[0] + 1 > ldns_rdf_size(rdf))
			continue;
		memcpy(buf + total, d + 1, d[0]);
		total += d[0];
	}
	buf[total] = '\0';
	*len = total;
	return buf;
}

void
sts_dns_txt_clear(struct sts_dns_txt *txt)
{
	size_t	i;

	for (i = 0; i < txt->n; i++)
		free(txt->txt[i]);
	memset(txt, 0, sizeof(*txt));
}

enum sts_dns_result
sts_dns_mx(struct sts_dns *dns, const char *name, struct sts_dns_mx *mx,
    struct err *err)
{
	ldns_rr_list		*rrs;
	ldns_rr			*rr;
	enum sts_dns_result	 res;
	size_t			 i, j, cnt;
	uint16_t		 pref;
	char			 host[DNS_NAME_MAX + 1];

	memset(mx, 0, sizeof(*mx));
	if ((res = sts_dns_lookup(dns, name, LDNS_RR_TYPE_MX, &rrs,
	    &mx->secure, err)) != STS_DNS_OK)
		return res;
	cnt = ldns_rr_list_rr_count(rrs);
	for (i = 0; i < cnt; i++) {
		rr = ldns_rr_list_rr(rrs, i);
		if (ldns_rr_rd_count(rr) != 2 ||
		    ldns_rdf_size(ldns_rr_rdf(rr, 0)) != 2 ||
		    sts_dns_rdf_name(ldns_rr_rdf(rr, 1), host,
		    sizeof(host)) == -1) {
			log_warnx("dns: %s: malformed MX RR ignored", name);
			continue;
		}
		if (mx->n == STS_DNS_MX_MAX) {
			ldns_rr_list_deep_free(rrs);
			(void)err_set(err, ERR_RANGE,
			    "dns: %s: more than %d MX RRs", name,
			    STS_DNS_MX_MAX);
			return STS_DNS_ERROR;
		}
		pref = ldns_rdf2native_int16(ldns_rr_rdf(rr, 0));
		/* insertion keeps equal preferences in answer order */
		for (j = mx->n; j > 0 && mx->rr[j - 1].pref > pref; j--)
			mx->rr[j] = mx->rr[j - 1];
		mx->rr[j].pref = pref;
		memcpy(mx->rr[j].host, host, sizeof(host));
		mx->n++;
	}
	ldns_rr_list_deep_free(rrs);
	if (mx->n == 0) {
		(void)err_set(err, ERR_PROTO, "dns: %s: no usable MX RR",
		    name);
		return STS_DNS_ERROR;
	}
	return STS_DNS_OK;
}

enum sts_dns_result
sts_dns_a(struct sts_dns *dns, const char *name, struct sts_dns_addr *addr,
    struct err *err)
{
	ldns_rr_list		*rrs;
	const ldns_rdf		*rdf;
	enum sts_dns_result	 res;
	size_t			 i, cnt;

	memset(addr, 0, sizeof(*addr));
	if ((res = sts_dns_lookup(dns, name, LDNS_RR_TYPE_A, &rrs,
	    &addr->secure, err)) != STS_DNS_OK)
		return res;
	cnt = ldns_rr_list_rr_count(rrs);
	for (i = 0; i < cnt && addr->n < STS_DNS_ADDR_MAX; i++) {
		rdf = ldns_rr_rdf(ldns_rr_list_rr(rrs, i), 0);
		if (rdf == NULL || ldns_rdf_size(rdf) != 4)
			continue;
		memcpy(&addr->addr[addr->n], ldns_rdf_data(rdf), 4);
		addr->n++;
	}
	ldns_rr_list_deep_free(rrs);
	if (addr->n == 0) {
		(void)err_set(err, ERR_PROTO, "dns: %s: no usable A RR", name);
		return STS_DNS_ERROR;
	}
	return STS_DNS_OK;
}

enum sts_dns_result
sts_dns_tlsa(struct sts_dns *dns, const char *name, struct sts_dns_tlsa *tlsa,
    struct err *err)
{
	ldns_rr_list		*rrs;
	ldns_rr			*rr;
	const ldns_rdf		*hex;
	enum sts_dns_result	 res;
	size_t			 i, cnt, len;

	memset(tlsa, 0, sizeof(*tlsa));
	if ((res = sts_dns_lookup(dns, name, LDNS_RR_TYPE_TLSA, &rrs,
	    &tlsa->secure, err)) != STS_DNS_OK)
		return res;
	cnt = ldns_rr_list_rr_count(rrs);
	for (i = 0; i < cnt; i++) {
		rr = ldns_rr_list_rr(rrs, i);
		if (ldns_rr_rd_count(rr) != 4 ||
		    ldns_rdf_size(ldns_rr_rdf(rr, 0)) != 1 ||
		    ldns_rdf_size(ldns_rr_rdf(rr, 1)) != 1 ||
		    ldns_rdf_size(ldns_rr_rdf(rr, 2)) != 1) {
			log_warnx("dns: %s: malformed TLSA RR ignored", name);
			continue;
		}
		if (tlsa->n == STS_DNS_TLSA_MAX) {
			ldns_rr_list_deep_free(rrs);
			memset(tlsa, 0, sizeof(*tlsa));
			(void)err_set(err, ERR_RANGE,
			    "dns: %s: more than %d TLSA RRs", name,
			    STS_DNS_TLSA_MAX);
			return STS_DNS_ERROR;
		}
		hex = ldns_rr_rdf(rr, 3);
		len = ldns_rdf_size(hex);
		tlsa->rr[tlsa->n].usage = *ldns_rdf_data(ldns_rr_rdf(rr, 0));
		tlsa->rr[tlsa->n].selector =
		    *ldns_rdf_data(ldns_rr_rdf(rr, 1));
		tlsa->rr[tlsa->n].mtype = *ldns_rdf_data(ldns_rr_rdf(rr, 2));
		tlsa->rr[tlsa->n].len = len;
		if (len <= STS_DNS_TLSA_DATA_MAX)
			memcpy(tlsa->rr[tlsa->n].data, ldns_rdf_data(hex),
			    len);
		tlsa->n++;
	}
	ldns_rr_list_deep_free(rrs);
	return STS_DNS_OK;
}

const char *
sts_dns_result_str(enum sts_dns_result r)
{
	switch (r) {
	case STS_DNS_OK:
		return "ok";
	case STS_DNS_NODATA:
		return "nodata";
	case STS_DNS_NXDOMAIN:
		return "nxdomain";
	case STS_DNS_ERROR:
		return "error";
	default:
		fatalx("sts_dns_result_str: bad result %d", (int)r);
	}
}
