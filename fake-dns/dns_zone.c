/* SPDX-License-Identifier: ISC */
/*
 * dns_zone.c -- the records (ldns_rr, owner case kept as written) and the
 * per-name faults fake-dns serves, the zone-file reader, and the pure
 * query -> response function. Responses are assembled here, without name
 * compression, so names go out spelled exactly as the zone wrote them
 * (ldns_pkt2wire compresses case-insensitively). No I/O apart from reading
 * the zone file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ldns/ldns.h>

#include "../common/log.h"
#include "../common/proto.h"
#include "../common/str.h"
#include "dns_key.h"
#include "dns_zone.h"

#define DNS_HEADER_LEN		12	/* RFC 1035 §4.1.1 */
#define DNS_OPT_RR_LEN		11	/* RFC 6891 §6.1.2, empty RDATA */
#define DNS_HDR_QR		0x80	/* RFC 1035 §4.1.1, third octet */
#define DNS_HDR_OPCODE		0x78
#define DNS_HDR_RD		0x01
#define DNS_FLAG_QR		0x8000	/* the same, as a 16-bit flags word */
#define DNS_FLAG_AA		0x0400
#define DNS_FLAG_TC		0x0200
#define DNS_ZONE_RECORD_MAX	(64 * 1024)	/* a record's text, all lines */
#define DNS_ZONE_TTL_UNSET	UINT32_MAX	/* marks "no TTL in the text" */
#define DNS_ZONE_FAULT_WORD	";@fault"
#define DNS_ZONE_KINDS_MAX	128	/* "nxdomain|servfail|..." */
#define DNS_OPT_DO		0x80	/* RFC 3225: OPT TTL, third octet */
#define DNS_ZONE_SOA_TTL	300	/* the SOA a signed apex makes up */
#define DNS_ZONE_SOA_TIMERS	"1 3600 600 86400 1"
#define DNS_ZONE_SOA_MINIMUM	6	/* SOA rdata field */
#define DNS_ZONE_BITMAP_MAX	64	/* distinct types in one NSEC */

/* A name as we compare it: lower-case (ASCII only) uncompressed wire form. */
struct dns_zone_key {
	uint8_t	name[DNS_NAME_MAX];
	size_t	len;
};

struct dns_zone_rr {
	ldns_rr			*rr;	/* owned; owner spelled as written */
	struct dns_zone_key	 owner;
};

struct dns_zone_fault_row {
	struct dns_zone_key	 name;
	enum dns_fault		 fault;
};

/* A signed zone: its apex, key, and the records the apex makes up. */
struct dns_zone_apex {
	struct dns_zone_key	 name;
	ldns_rdf		*apex;		/* owned; spelled as given */
	const struct dns_key	*key;		/* borrowed */
	ldns_rr			*dnskey;	/* owned */
	ldns_rr			*soa;		/* owned; used if none stored */
};

struct dns_zone {
	struct dns_zone_rr		*rrs;
	size_t				 nrrs, rrcap;
	struct dns_zone_fault_row	*faults;
	size_t				 nfaults, faultcap;
	struct dns_zone_apex		*apexes;
	size_t				 napexes, apexcap;
};

/* Where dns_zone_resolve() ended: what a denial must be about. */
struct dns_zone_end {
	const ldns_rdf	*name;		/* the last name of the chain */
	bool		 empty;		/* reached, nothing of qtype there */
	bool		 nxname;	/* ... and no record at all */
};

/* State of one dns_zone_load_file() pass. */
struct dns_zone_loader {
	struct dns_zone	*zone;
	const char	*path;
	unsigned int	 lineno;	/* current physical line */
	unsigned int	 recline;	/* first line of the pending record */
	ldns_rdf	*origin;	/* $ORIGIN, or NULL */
	ldns_rdf	*prev;		/* last owner, for blank-owner lines */
	uint32_t	 ttl;		/* $TTL */
	char		*rec;		/* pending record text, lines joined */
	size_t		 reclen;
	int		 depth;		/* parentheses open in rec */
};

/* What one response is made of. */
struct dns_zone_reply {
	uint16_t	 id;
	uint8_t		 hdr;		/* opcode and RD bits of the query */
	uint8_t		 rcode;
	bool		 aa;
	bool		 edns;
	const ldns_rr	*question;	/* NULL: header-only response */
	ldns_rr_list	*answer;	/* borrowed records, or NULL */
	ldns_rr_list	*authority;	/* the same */
	ldns_rr_list	*made;		/* records made for it: deep-freed */
	bool		 dnssec;	/* DO in the OPT */
	bool		 truncate;	/* TC, whether the answer fits or not */
};

/*
 * How each fault answers: one row per enum dns_fault, the only place a
 * fault's behaviour is written down. A new fault is a new enum value and
 * a new row here (plus, for a new kind of behaviour, its flag below).
 */
#define DNS_FAULT_RCODE_ZONE	(-1)	/* the zone's own answer */
#define DNS_FAULT_F_AA		0x01	/* authoritative answer */
#define DNS_FAULT_F_SILENT	0x02	/* send nothing at all */
#define DNS_FAULT_F_TC_UDP	0x04	/* over UDP, TC and no answers */

struct dns_fault_row {
	enum dns_fault	 fault;
	const char	*name;		/* as scenarios and zone files say it */
	int		 rcode;		/* or DNS_FAULT_RCODE_ZONE */
	unsigned int	 flags;		/* DNS_FAULT_F_* */
};

static const struct dns_fault_row dns_fault_rows[] = {
	{ DNS_FAULT_NONE,	"none",		DNS_FAULT_RCODE_ZONE,	0 },
	{ DNS_FAULT_NXDOMAIN,	"nxdomain",	LDNS_RCODE_NXDOMAIN,
	    DNS_FAULT_F_AA },
	{ DNS_FAULT_SERVFAIL,	"servfail",	LDNS_RCODE_SERVFAIL,	0 },
	{ DNS_FAULT_TIMEOUT,	"timeout",	DNS_FAULT_RCODE_ZONE,
	    DNS_FAULT_F_SILENT },
	/* RFC 1035 §4.2.1, RFC 7766 §5: the client must ask again over TCP */
	{ DNS_FAULT_TRUNCATE,	"truncate",	DNS_FAULT_RCODE_ZONE,
	    DNS_FAULT_F_TC_UDP },
};

#define DNS_FAULT_NROWS	(sizeof(dns_fault_rows) / sizeof(dns_fault_rows[0]))

static const char *const dns_zone_rcode_names[] = {
	"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
};

/* names */
static int	dns_zone_key_set(struct dns_zone_key *, const ldns_rdf *);
static bool	dns_zone_key_eq(const struct dns_zone_key *,
		    const struct dns_zone_key *);
static bool	dns_zone_key_at_or_below(const struct dns_zone_key *,
		    const struct dns_zone_key *);
static ldns_rdf	*dns_zone_dname_parse(const char *, const ldns_rdf *);
static void	dns_zone_dname_format(const ldns_rdf *, char *, size_t);

/* storage */
static int	dns_zone_parse_rr(struct dns_zone *, const char *,
		    const ldns_rdf *, ldns_rdf **, uint32_t, struct err *);
static int	dns_zone_store(struct dns_zone *, ldns_rr *, struct err *);
static int	dns_zone_fault_put(struct dns_zone *,
		    const struct dns_zone_key *, enum dns_fault);
static enum dns_fault dns_zone_fault_at(const struct dns_zone *,
		    const struct dns_zone_key *);
static const struct dns_fault_row *dns_fault_row(enum dns_fault);
static void	dns_zone_fault_kinds(char *, size_t);

/* zone file */
static int	dns_zone_load_line(struct dns_zone_loader *, char *,
		    struct err *);
static int	dns_zone_load_directive(struct dns_zone_loader *, char *,
		    struct err *);
static int	dns_zone_load_fault(struct dns_zone_loader *, char *,
		    struct err *);
static int	dns_zone_load_append(struct dns_zone_loader *, const char *,
		    struct err *);
static int	dns_zone_load_flush(struct dns_zone_loader *, struct err *);
static int	dns_zone_paren_scan(const char *, int *);
static size_t	dns_zone_split(char *, char **, size_t);

/* signed zones */
static void	dns_zone_apex_free(struct dns_zone_apex *);
static ldns_rr	*dns_zone_apex_soa(const ldns_rdf *);
static const struct dns_zone_apex *dns_zone_apex_of(const struct dns_zone *,
		    const struct dns_zone_key *);
static const struct dns_zone_apex *dns_zone_apex_at(const struct dns_zone *,
		    const struct dns_zone_key *);
static const ldns_rr *dns_zone_apex_soa_rr(const struct dns_zone *,
		    const struct dns_zone_apex *);
static int	dns_zone_sign_reply(const struct dns_zone *,
		    struct dns_zone_reply *, const struct dns_zone_end *,
		    bool);
static int	dns_zone_sign_list(const struct dns_zone *, ldns_rr_list *,
		    ldns_rr_list *, ldns_rr_list *, time_t);
static bool	dns_zone_set_has(const ldns_rr_list *, const ldns_rr *);
static ldns_rr	*dns_zone_ttl0(ldns_rr *, ldns_rr_list *);
static int	dns_zone_deny(const struct dns_zone *,
		    struct dns_zone_reply *, const ldns_rdf *, bool, time_t);
static ldns_rr	*dns_zone_nsec(const struct dns_zone *, const ldns_rdf *,
		    bool, uint32_t);

/* answering */
static uint8_t	dns_zone_resolve(const struct dns_zone *, const ldns_rr *,
		    ldns_rr_list *, struct dns_zone_end *);
static void	dns_zone_push_virtual(const struct dns_zone *,
		    const struct dns_zone_key *, ldns_rr_type, ldns_rr_list *);
static bool	dns_zone_has_name(const struct dns_zone *,
		    const struct dns_zone_key *, const ldns_rr **);
static bool	dns_zone_has_below(const struct dns_zone *,
		    const struct dns_zone_key *);
static void	dns_zone_sign_failed(struct dns_zone_reply *,
		    const struct dns_answer_info *);
static void	dns_zone_encode(const struct dns_zone_reply *, uint8_t *,
		    size_t, size_t *, struct dns_answer_info *);
static void	dns_zone_info_question(struct dns_answer_info *,
		    const ldns_rr *);
static void	dns_zone_info_rcode(struct dns_answer_info *, const char *);
static void	dns_zone_put_u16(uint8_t *, uint16_t);

/* dns_fault_row - the row of f, or NULL for a value no row has */
static const struct dns_fault_row *
dns_fault_row(enum dns_fault f)
{
	size_t	i;

	for (i = 0; i < DNS_FAULT_NROWS; i++)
		if (dns_fault_rows[i].fault == f)
			return &dns_fault_rows[i];
	return NULL;
}

const char *
dns_fault_str(enum dns_fault f)
{
	const struct dns_fault_row	*row;

	if ((row = dns_fault_row(f)) == NULL)
		fatalx("dns_fault_str: bad fault %d", (int)f);
	return row->name;
}

int
dns_fault_parse(const char *s, enum dns_fault *out)
{
	size_t	i;

	for (i = 0; i < DNS_FAULT_NROWS; i++)
		if (strcmp(s, dns_fault_rows[i].name) == 0) {
			*out = dns_fault_rows[i].fault;
			return 0;
		}
	return -1;
}

const char *
dns_fault_name(size_t i)
{
	/* row 0 is DNS_FAULT_NONE: no fault, not one a name can be given */
	return i + 1 < DNS_FAULT_NROWS ? dns_fault_rows[i + 1].name : NULL;
}

struct dns_zone *
dns_zone_new(void)
{
	return xcalloc(1, sizeof(struct dns_zone));
}

void
dns_zone_free(struct dns_zone *z)
{
	size_t	i;

	if (z == NULL)
		return;
	for (i = 0; i < z->nrrs; i++)
		ldns_rr_free(z->rrs[i].rr);
	for (i = 0; i < z->napexes; i++)
		dns_zone_apex_free(&z->apexes[i]);
	free(z->rrs);
	free(z->faults);
	free(z->apexes);
	free(z);
}

size_t
dns_zone_count(const struct dns_zone *z)
{
	return z->nrrs;
}

/* dns_zone_key_set - canonical key of a wire name; -1 if malformed */
static int
dns_zone_key_set(struct dns_zone_key *k, const ldns_rdf *name)
{
	const uint8_t	*d;
	size_t		 len, i, j, lab;

	if (name == NULL || ldns_rdf_get_type(name) != LDNS_RDF_TYPE_DNAME)
		return -1;
	d = ldns_rdf_data(name);
	len = ldns_rdf_size(name);
	if (len == 0 || len > sizeof(k->name))
		return -1;
	for (i = 0; i < len; i += lab + 1) {
		lab = d[i];
		if (lab > DNS_LABEL_MAX || i + 1 + lab > len)
			return -1;
		k->name[i] = (uint8_t)lab;
		for (j = i + 1; j <= i + lab; j++)
			k->name[j] = (d[j] >= 'A' && d[j] <= 'Z') ?
			    (uint8_t)(d[j] + ('a' - 'A')) : d[j];
		if (lab == 0) {
			if (i + 1 != len)
				return -1;
			k->len = len;
			return 0;
		}
	}
	return -1;				/* no root label */
}

static bool
dns_zone_key_eq(const struct dns_zone_key *a, const struct dns_zone_key *b)
{
	return a->len == b->len && memcmp(a->name, b->name, a->len) == 0;
}

/* dns_zone_key_at_or_below - sub equals parent or sits under it */
static bool
dns_zone_key_at_or_below(const struct dns_zone_key *sub,
    const struct dns_zone_key *parent)
{
	size_t	i;

	for (i = 0; i < sub->len; i += (size_t)sub->name[i] + 1) {
		if (sub->len - i == parent->len &&
		    memcmp(sub->name + i, parent->name, parent->len) == 0)
			return true;
		if (sub->name[i] == 0)
			break;
	}
	return false;
}

/*
 * dns_zone_dname_parse - text name to a dname; "@" is origin, a relative
 * name has origin appended. NULL if malformed or longer than DNS_NAME_MAX.
 */
static ldns_rdf *
dns_zone_dname_parse(const char *s, const ldns_rdf *origin)
{
	ldns_rdf	*d;

	if (strcmp(s, "@") == 0)
		return origin != NULL ? ldns_rdf_clone(origin) :
		    ldns_dname_new_frm_str(".");
	if ((d = ldns_dname_new_frm_str(s)) == NULL)
		return NULL;
	if (!ldns_dname_str_absolute(s) && origin != NULL &&
	    ldns_dname_cat(d, origin) != LDNS_STATUS_OK) {
		ldns_rdf_deep_free(d);
		return NULL;
	}
	if (ldns_rdf_size(d) > DNS_NAME_MAX) {
		ldns_rdf_deep_free(d);
		return NULL;
	}
	return d;
}

/*
 * dns_zone_dname_format - name as ldns prints it, lower case, without the
 * trailing dot ("." for the root); a name too long for out ends in "...".
 */
static void
dns_zone_dname_format(const ldns_rdf *name, char *out, size_t outsz)
{
	char	*s, *p;
	size_t	 len;

	out[0] = '\0';
	if ((s = ldns_rdf2str(name)) == NULL)
		return;
	for (p = s; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + ('a' - 'A'));
	len = strlen(s);
	if (len > 1 && s[len - 1] == '.')
		s[len - 1] = '\0';
	if (str_copy(out, s, outsz) == -1 && outsz > 4)
		memcpy(out + outsz - 4, "...", 4);
	free(s);
}

int
dns_zone_add_rr(struct dns_zone *z, const char *text, const char *origin,
    struct err *err)
{
	ldns_rdf	*o = NULL;
	int		 rc;

	if (origin != NULL && (o = dns_zone_dname_parse(origin, NULL)) ==
	    NULL)
		return err_set(err, ERR_SYNTAX, "bad origin \"%s\"", origin);
	rc = dns_zone_parse_rr(z, text, o, NULL, DNS_ZONE_DEFAULT_TTL, err);
	ldns_rdf_deep_free(o);
	if (rc == -1)
		err_prefix(err, "\"%s\"", text);
	return rc;
}

/*
 * dns_zone_parse_rr - one record through ldns; ttl applies when the text
 * has none. prev (may be NULL) is the owner for a blank-owner line.
 */
static int
dns_zone_parse_rr(struct dns_zone *z, const char *text,
    const ldns_rdf *origin, ldns_rdf **prev, uint32_t ttl, struct err *err)
{
	ldns_rr		*rr = NULL;
	ldns_status	 st;

	if (*text == '\0')
		return err_set(err, ERR_SYNTAX, "empty record");
	st = ldns_rr_new_frm_str(&rr, text, DNS_ZONE_TTL_UNSET, origin, prev);
	if (st != LDNS_STATUS_OK)
		return err_set(err, ERR_SYNTAX, "%s",
		    ldns_get_errorstr_by_id(st));
	if (ldns_rr_ttl(rr) == DNS_ZONE_TTL_UNSET)
		ldns_rr_set_ttl(rr, ttl);
	if (ldns_rr_rd_count(rr) == 0) {
		ldns_rr_free(rr);
		return err_set(err, ERR_SYNTAX, "record without data");
	}
	return dns_zone_store(z, rr, err);
}

/* dns_zone_store - keep rr (ownership taken, freed on failure) */
static int
dns_zone_store(struct dns_zone *z, ldns_rr *rr, struct err *err)
{
	struct dns_zone_key	 key;
	size_t			 i;

	if (dns_zone_key_set(&key, ldns_rr_owner(rr)) == -1) {
		ldns_rr_free(rr);
		return err_set(err, ERR_RANGE, "owner name too long");
	}
	for (i = 0; i < z->nrrs; i++) {
		if (dns_zone_key_eq(&z->rrs[i].owner, &key) &&
		    ldns_rr_compare(z->rrs[i].rr, rr) == 0) {
			ldns_rr_free(rr);	/* exact duplicate */
			return 0;
		}
	}
	if (z->nrrs == z->rrcap) {
		z->rrcap = z->rrcap == 0 ? 16 : z->rrcap * 2;
		z->rrs = xrealloc(z->rrs, z->rrcap * sizeof(z->rrs[0]));
	}
	z->rrs[z->nrrs].rr = rr;
	z->rrs[z->nrrs].owner = key;
	z->nrrs++;
	return 0;
}

int
dns_zone_set_fault(struct dns_zone *z, const char *name, enum dns_fault f,
    struct err *err)
{
	struct dns_zone_key	 key;
	ldns_rdf		*d;
	int			 rc;

	if ((d = dns_zone_dname_parse(name, NULL)) == NULL)
		return err_set(err, ERR_SYNTAX, "bad name \"%s\"", name);
	rc = dns_zone_key_set(&key, d);
	ldns_rdf_deep_free(d);
	if (rc == -1)
		return err_set(err, ERR_SYNTAX, "bad name \"%s\"", name);
	if (dns_zone_fault_put(z, &key, f) == -1)
		return err_set(err, ERR_RANGE, "bad fault %d", (int)f);
	return 0;
}

/* dns_zone_fault_put - set, replace or (DNS_FAULT_NONE) clear a fault */
static int
dns_zone_fault_put(struct dns_zone *z, const struct dns_zone_key *key,
    enum dns_fault f)
{
	size_t	i;

	if (dns_fault_row(f) == NULL)
		return -1;		/* the caller's value, not our bug */
	for (i = 0; i < z->nfaults; i++) {
		if (!dns_zone_key_eq(&z->faults[i].name, key))
			continue;
		if (f == DNS_FAULT_NONE)
			z->faults[i] = z->faults[--z->nfaults];
		else
			z->faults[i].fault = f;
		return 0;
	}
	if (f == DNS_FAULT_NONE)
		return 0;
	if (z->nfaults == z->faultcap) {
		z->faultcap = z->faultcap == 0 ? 8 : z->faultcap * 2;
		z->faults = xrealloc(z->faults,
		    z->faultcap * sizeof(z->faults[0]));
	}
	z->faults[z->nfaults].name = *key;
	z->faults[z->nfaults].fault = f;
	z->nfaults++;
	return 0;
}

static enum dns_fault
dns_zone_fault_at(const struct dns_zone *z, const struct dns_zone_key *key)
{
	size_t	i;

	for (i = 0; i < z->nfaults; i++)
		if (dns_zone_key_eq(&z->faults[i].name, key))
			return z->faults[i].fault;
	return DNS_FAULT_NONE;
}

void
dns_zone_remove_below(struct dns_zone *z, const char *name)
{
	struct dns_zone_key	 key;
	ldns_rdf		*d;
	size_t			 i, n;
	int			 rc;

	if ((d = dns_zone_dname_parse(name, NULL)) == NULL)
		return;
	rc = dns_zone_key_set(&key, d);
	ldns_rdf_deep_free(d);
	if (rc == -1)
		return;
	for (i = 0, n = 0; i < z->nrrs; i++) {
		if (dns_zone_key_at_or_below(&z->rrs[i].owner, &key))
			ldns_rr_free(z->rrs[i].rr);
		else
			z->rrs[n++] = z->rrs[i];
	}
	z->nrrs = n;
	for (i = 0, n = 0; i < z->nfaults; i++)
		if (!dns_zone_key_at_or_below(&z->faults[i].name, &key))
			z->faults[n++] = z->faults[i];
	z->nfaults = n;
	for (i = 0, n = 0; i < z->napexes; i++) {
		if (dns_zone_key_at_or_below(&z->apexes[i].name, &key))
			dns_zone_apex_free(&z->apexes[i]);
		else
			z->apexes[n++] = z->apexes[i];
	}
	z->napexes = n;
}

int
dns_zone_sign_below(struct dns_zone *z, const char *apex,
    const struct dns_key *key, struct err *err)
{
	struct dns_zone_apex	 a;
	size_t			 i;

	memset(&a, 0, sizeof(a));
	if (key == NULL)
		return err_set(err, ERR_RANGE, "sign %.64s: no key",
		    apex != NULL ? apex : "");
	if (apex == NULL || (a.apex = dns_zone_dname_parse(apex, NULL)) ==
	    NULL || dns_zone_key_set(&a.name, a.apex) == -1) {
		ldns_rdf_deep_free(a.apex);
		return err_set(err, ERR_SYNTAX, "sign: bad apex \"%.64s\"",
		    apex != NULL ? apex : "");
	}
	if ((a.soa = dns_zone_apex_soa(a.apex)) == NULL) {
		ldns_rdf_deep_free(a.apex);
		return err_set(err, ERR_RANGE, "sign %.64s: cannot make its "
		    "SOA", apex);
	}
	a.key = key;
	a.dnskey = dns_key_dnskey(key, a.apex);
	for (i = 0; i < z->napexes; i++)
		if (dns_zone_key_eq(&z->apexes[i].name, &a.name)) {
			dns_zone_apex_free(&z->apexes[i]);
			z->apexes[i] = a;
			return 0;
		}
	if (z->napexes == z->apexcap) {
		z->apexcap = z->apexcap == 0 ? 4 : z->apexcap * 2;
		z->apexes = xrealloc(z->apexes, z->apexcap *
		    sizeof(z->apexes[0]));
	}
	z->apexes[z->napexes++] = a;
	return 0;
}

static void
dns_zone_apex_free(struct dns_zone_apex *a)
{
	ldns_rdf_deep_free(a->apex);
	ldns_rr_free(a->dnskey);
	ldns_rr_free(a->soa);
	memset(a, 0, sizeof(*a));
}

/*
 * dns_zone_apex_soa - "APEX 300 IN SOA ns.APEX. hostmaster.APEX. 1 3600
 * 600 86400 1": negative answers carry an SOA (RFC 2308 §3), whose
 * minimum of 1 s keeps a denial cached no longer than a TTL-1 record.
 * With an apex too long for "hostmaster.", the apex names itself.
 */
static ldns_rr *
dns_zone_apex_soa(const ldns_rdf *apex)
{
	ldns_rr		*rr = NULL;
	char		*name, text[4 * DNS_NAME_MAX * 3 + 64];
	ldns_rdf	*ns, *host;

	if ((name = ldns_rdf2str(apex)) == NULL)
		return NULL;
	ns = dns_zone_dname_parse("ns", apex);
	host = dns_zone_dname_parse("hostmaster", apex);
	if (str_fmt(text, sizeof(text), "%s %u IN SOA %s%s %s%s %s", name,
	    DNS_ZONE_SOA_TTL, ns != NULL && host != NULL ? "ns." : "", name,
	    ns != NULL && host != NULL ? "hostmaster." : "", name,
	    DNS_ZONE_SOA_TIMERS) == -1 ||
	    ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL) != LDNS_STATUS_OK)
		rr = NULL;
	ldns_rdf_deep_free(ns);
	ldns_rdf_deep_free(host);
	free(name);
	return rr;
}

/* dns_zone_apex_of - the signed zone key is in (the nearest apex), or NULL */
static const struct dns_zone_apex *
dns_zone_apex_of(const struct dns_zone *z, const struct dns_zone_key *key)
{
	const struct dns_zone_apex	*best = NULL;
	size_t				 i;

	for (i = 0; i < z->napexes; i++)
		if (dns_zone_key_at_or_below(key, &z->apexes[i].name) &&
		    (best == NULL || z->apexes[i].name.len > best->name.len))
			best = &z->apexes[i];
	return best;
}

/* dns_zone_apex_at - the signed zone whose apex is exactly key, or NULL */
static const struct dns_zone_apex *
dns_zone_apex_at(const struct dns_zone *z, const struct dns_zone_key *key)
{
	size_t	i;

	for (i = 0; i < z->napexes; i++)
		if (dns_zone_key_eq(&z->apexes[i].name, key))
			return &z->apexes[i];
	return NULL;
}

/* dns_zone_apex_soa_rr - the SOA stored at the apex, else the made-up one */
static const ldns_rr *
dns_zone_apex_soa_rr(const struct dns_zone *z, const struct dns_zone_apex *a)
{
	size_t	i;

	for (i = 0; i < z->nrrs; i++)
		if (dns_zone_key_eq(&z->rrs[i].owner, &a->name) &&
		    ldns_rr_get_type(z->rrs[i].rr) == LDNS_RR_TYPE_SOA)
			return z->rrs[i].rr;
	return a->soa;
}

/*
 * dns_zone_load_file - read a zone file line by line: blank and comment
 * lines, $ORIGIN/$TTL, ";@fault NAME KIND", and records (a record may span
 * lines inside parentheses, RFC 1035 §5.1) handed whole to ldns.
 */
int
dns_zone_load_file(struct dns_zone *z, const char *path, struct err *err)
{
	struct dns_zone_loader	 ld;
	FILE			*fp;
	char			*line = NULL;
	size_t			 linecap = 0;
	ssize_t			 n;
	int			 rc = 0;

	if ((fp = fopen(path, "r")) == NULL)
		return err_sys(err, "%s", path);
	memset(&ld, 0, sizeof(ld));
	ld.zone = z;
	ld.path = path;
	ld.ttl = DNS_ZONE_DEFAULT_TTL;
	while ((n = getline(&line, &linecap, fp)) != -1) {
		ld.lineno++;
		if ((size_t)n > DNS_ZONE_RECORD_MAX) {
			rc = err_set(err, ERR_RANGE, "%s:%u: line too long",
			    path, ld.lineno);
			break;
		}
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (memchr(line, '\0', (size_t)n) != NULL) {
			rc = err_set(err, ERR_SYNTAX, "%s:%u: NUL byte",
			    path, ld.lineno);
			break;
		}
		if ((rc = dns_zone_load_line(&ld, line, err)) == -1)
			break;
	}
	if (rc == 0 && ferror(fp))
		rc = err_sys(err, "%s:%u", path, ld.lineno);
	if (rc == 0 && ld.depth > 0)
		rc = err_set(err, ERR_SYNTAX, "%s:%u: unclosed '('", path,
		    ld.recline);
	free(line);
	free(ld.rec);
	ldns_rdf_deep_free(ld.origin);
	ldns_rdf_deep_free(ld.prev);
	(void)fclose(fp);
	return rc;
}

/* dns_zone_load_line - one physical line of a zone file */
static int
dns_zone_load_line(struct dns_zone_loader *ld, char *line, struct err *err)
{
	char	*p;
	size_t	 wl = strlen(DNS_ZONE_FAULT_WORD);

	if (ld->depth == 0) {
		p = line + strspn(line, " \t");
		if (*p == '\0')
			return 0;
		if (strncmp(p, DNS_ZONE_FAULT_WORD, wl) == 0 &&
		    (p[wl] == ' ' || p[wl] == '\t' || p[wl] == '\0'))
			return dns_zone_load_fault(ld, p + wl, err);
		if (*p == ';')
			return 0;
		if (line[0] == '$')
			return dns_zone_load_directive(ld, line, err);
		ld->recline = ld->lineno;
	}
	if (dns_zone_load_append(ld, line, err) == -1)
		return -1;
	if (dns_zone_paren_scan(line, &ld->depth) == -1)
		return err_set(err, ERR_SYNTAX, "%s:%u: unbalanced ')'",
		    ld->path, ld->lineno);
	if (ld->depth > 0)
		return 0;
	return dns_zone_load_flush(ld, err);
}

/* dns_zone_load_directive - $ORIGIN name | $TTL ttl ($INCLUDE refused) */
static int
dns_zone_load_directive(struct dns_zone_loader *ld, char *line,
    struct err *err)
{
	char		*tok[3];
	size_t		 ntok;
	ldns_rdf	*o;
	const char	*end;
	uint32_t	 ttl;

	ntok = dns_zone_split(line, tok, 3);
	if (strcmp(tok[0], "$ORIGIN") == 0 && ntok == 2) {
		if ((o = dns_zone_dname_parse(tok[1], ld->origin)) == NULL)
			return err_set(err, ERR_SYNTAX,
			    "%s:%u: bad $ORIGIN \"%s\"", ld->path,
			    ld->lineno, tok[1]);
		ldns_rdf_deep_free(ld->origin);
		ld->origin = o;
		return 0;
	}
	if (strcmp(tok[0], "$TTL") == 0 && ntok == 2) {
		ttl = ldns_str2period(tok[1], &end);
		if (tok[1][0] < '0' || tok[1][0] > '9' || *end != '\0')
			return err_set(err, ERR_SYNTAX,
			    "%s:%u: bad $TTL \"%s\"", ld->path, ld->lineno,
			    tok[1]);
		ld->ttl = ttl;
		return 0;
	}
	if (strcmp(tok[0], "$ORIGIN") == 0 || strcmp(tok[0], "$TTL") == 0)
		return err_set(err, ERR_SYNTAX, "%s:%u: %s takes one argument",
		    ld->path, ld->lineno, tok[0]);
	return err_set(err, ERR_UNSUPPORTED, "%s:%u: unsupported directive %s",
	    ld->path, ld->lineno, tok[0]);
}

/* dns_zone_load_fault - the rest of a ";@fault NAME KIND" line */
static int
dns_zone_load_fault(struct dns_zone_loader *ld, char *rest, struct err *err)
{
	struct dns_zone_key	 key;
	char			*tok[3], kinds[DNS_ZONE_KINDS_MAX];
	ldns_rdf		*d;
	enum dns_fault		 f;
	int			 rc;

	if (dns_zone_split(rest, tok, 3) != 2) {
		dns_zone_fault_kinds(kinds, sizeof(kinds));
		return err_set(err, ERR_SYNTAX,
		    "%s:%u: expected \";@fault NAME %s\"", ld->path,
		    ld->lineno, kinds);
	}
	if (dns_fault_parse(tok[1], &f) == -1 || f == DNS_FAULT_NONE)
		return err_set(err, ERR_SYNTAX, "%s:%u: unknown fault \"%s\"",
		    ld->path, ld->lineno, tok[1]);
	if ((d = dns_zone_dname_parse(tok[0], ld->origin)) == NULL)
		return err_set(err, ERR_SYNTAX, "%s:%u: bad name \"%s\"",
		    ld->path, ld->lineno, tok[0]);
	rc = dns_zone_key_set(&key, d);
	ldns_rdf_deep_free(d);
	if (rc == -1 || dns_zone_fault_put(ld->zone, &key, f) == -1)
		return err_set(err, ERR_SYNTAX, "%s:%u: bad name \"%s\"",
		    ld->path, ld->lineno, tok[0]);
	return 0;
}

/* dns_zone_fault_kinds - "nxdomain|servfail|..." for a message */
static void
dns_zone_fault_kinds(char *buf, size_t size)
{
	const char	*name;
	size_t		 i, len = 0;
	int		 n;

	buf[0] = '\0';
	for (i = 0; (name = dns_fault_name(i)) != NULL; i++) {
		n = snprintf(buf + len, size - len, "%s%s", i > 0 ? "|" : "",
		    name);
		if (n < 0 || (size_t)n >= size - len)
			break;
		len += (size_t)n;
	}
}

/* dns_zone_load_append - add a line to the pending record text */
static int
dns_zone_load_append(struct dns_zone_loader *ld, const char *line,
    struct err *err)
{
	size_t	len = strlen(line);

	if (ld->reclen + len + 2 > DNS_ZONE_RECORD_MAX)
		return err_set(err, ERR_RANGE, "%s:%u: record too long",
		    ld->path, ld->recline);
	if (ld->rec == NULL)
		ld->rec = xmalloc(DNS_ZONE_RECORD_MAX);
	if (ld->reclen > 0)
		ld->rec[ld->reclen++] = '\n';
	memcpy(ld->rec + ld->reclen, line, len + 1);
	ld->reclen += len;
	return 0;
}

/* dns_zone_load_flush - parse the pending record */
static int
dns_zone_load_flush(struct dns_zone_loader *ld, struct err *err)
{
	int	rc;

	rc = dns_zone_parse_rr(ld->zone, ld->rec, ld->origin, &ld->prev,
	    ld->ttl, err);
	ld->reclen = 0;
	ld->rec[0] = '\0';
	if (rc == -1)
		err_prefix(err, "%s:%u", ld->path, ld->recline);
	return rc;
}

/*
 * dns_zone_paren_scan - add the line's '(' and ')' to *depth, skipping
 * quoted text, escapes and the comment; -1 on a ')' without '('.
 */
static int
dns_zone_paren_scan(const char *s, int *depth)
{
	bool	quoted = false;

	for (; *s != '\0'; s++) {
		if (*s == '\\') {
			if (s[1] == '\0')
				break;
			s++;
		} else if (*s == '"')
			quoted = !quoted;
		else if (quoted)
			continue;
		else if (*s == ';')
			break;
		else if (*s == '(')
			(*depth)++;
		else if (*s == ')' && --(*depth) < 0)
			return -1;
	}
	return 0;
}

/*
 * dns_zone_split - split s in place at blanks into at most max tokens
 * (a ';' comment ends the line); returns the count, or max when more
 * remain. tok[0] is "" when there are none.
 */
static size_t
dns_zone_split(char *s, char **tok, size_t max)
{
	size_t	n = 0;

	tok[0] = s + strlen(s);
	for (;;) {
		s += strspn(s, " \t");
		if (*s == '\0' || *s == ';')
			return n;
		if (n == max)
			return max;
		tok[n++] = s;
		s += strcspn(s, " \t");
		if (*s != '\0')
			*s++ = '\0';
	}
}

size_t
dns_zone_query_udp_max(const uint8_t *query, size_t qlen)
{
	ldns_pkt	*pkt = NULL;
	size_t		 max = DNS_UDP_MAX;

	if (qlen < DNS_HEADER_LEN ||
	    ldns_wire2pkt(&pkt, query, qlen) != LDNS_STATUS_OK)
		return DNS_UDP_MAX;
	if (ldns_pkt_edns(pkt) && ldns_pkt_edns_udp_size(pkt) > max)
		max = ldns_pkt_edns_udp_size(pkt);
	ldns_pkt_free(pkt);
	return max > DNS_EDNS_UDP_MAX ? DNS_EDNS_UDP_MAX : max;
}

/*
 * dns_zone_answer - header checks on the raw bytes, then ldns parses the
 * rest; every outcome but a short packet or a response is answered.
 */
int
dns_zone_answer(const struct dns_zone *z, enum dns_transport transport,
    const uint8_t *q, size_t qlen, uint8_t *out, size_t outcap,
    size_t *outlen, struct dns_answer_info *info)
{
	const struct dns_fault_row	*fault;
	struct dns_zone_reply	 r;
	struct dns_zone_key	 key;
	struct dns_zone_end	 end;
	ldns_pkt		*pkt = NULL;
	bool			 dnssec;
	ldns_rr_class		 qclass;
	ldns_rr_type		 qtype;

	memset(info, 0, sizeof(*info));
	info->fault = DNS_FAULT_NONE;
	*outlen = 0;
	memset(&r, 0, sizeof(r));
	if (qlen < DNS_HEADER_LEN || (q[2] & DNS_HDR_QR) != 0) {
		/* no header to echo, or a response: never answer those */
		info->dropped = true;
		info->reason = qlen < DNS_HEADER_LEN ? "short" : "response";
		dns_zone_info_rcode(info, "none");
		return 0;
	}
	r.id = (uint16_t)(q[0] << 8 | q[1]);
	r.hdr = q[2] & (DNS_HDR_OPCODE | DNS_HDR_RD);
	if ((q[2] & DNS_HDR_OPCODE) != 0) {
		r.rcode = LDNS_RCODE_NOTIMPL;	/* only QUERY, RFC 1035 */
		goto reply;
	}
	if (ldns_wire2pkt(&pkt, q, qlen) != LDNS_STATUS_OK) {
		pkt = NULL;
		r.rcode = LDNS_RCODE_FORMERR;
		goto reply;
	}
	if (ldns_pkt_qdcount(pkt) != 1) {
		r.rcode = LDNS_RCODE_FORMERR;
		goto reply;
	}
	r.question = ldns_rr_list_rr(ldns_pkt_question(pkt), 0);
	r.edns = ldns_pkt_edns(pkt);
	dns_zone_info_question(info, r.question);
	qclass = ldns_rr_get_class(r.question);
	qtype = ldns_rr_get_type(r.question);
	if ((qclass != LDNS_RR_CLASS_IN && qclass != LDNS_RR_CLASS_ANY) ||
	    qtype == LDNS_RR_TYPE_AXFR || qtype == LDNS_RR_TYPE_IXFR ||
	    dns_zone_key_set(&key, ldns_rr_owner(r.question)) == -1) {
		r.rcode = LDNS_RCODE_REFUSED;
		goto reply;
	}
	info->fault = dns_zone_fault_at(z, &key);
	if ((fault = dns_fault_row(info->fault)) == NULL)
		fatalx("dns_zone_answer: bad fault %d", (int)info->fault);
	if (fault->flags & DNS_FAULT_F_SILENT) {
		info->dropped = true;
		dns_zone_info_rcode(info, "none");
		ldns_pkt_free(pkt);
		return 0;
	}
	/* RFC 4035 §3.2.1: DNSSEC records only for a query with DO */
	dnssec = r.edns && ldns_pkt_edns_do(pkt) &&
	    dns_zone_apex_of(z, &key) != NULL;
	if ((r.answer = ldns_rr_list_new()) == NULL ||
	    (r.authority = ldns_rr_list_new()) == NULL ||
	    (r.made = ldns_rr_list_new()) == NULL)
		fatalx("dns_zone_answer: out of memory");
	if (dnssec && info->fault == DNS_FAULT_NXDOMAIN) {
		/* a signed zone denies the name as it denies any other */
		r.aa = true;
		r.dnssec = true;
		memset(&end, 0, sizeof(end));
		end.name = ldns_rr_owner(r.question);
		end.empty = end.nxname = true;
		r.rcode = LDNS_RCODE_NOERROR;
		if (dns_zone_sign_reply(z, &r, &end, true) == -1)
			dns_zone_sign_failed(&r, info);
		goto reply;
	}
	if (fault->rcode != DNS_FAULT_RCODE_ZONE) {
		r.rcode = (uint8_t)fault->rcode;
		r.aa = (fault->flags & DNS_FAULT_F_AA) != 0;
		goto reply;
	}
	r.rcode = dns_zone_resolve(z, r.question, r.answer, &end);
	r.aa = true;
	r.truncate = (fault->flags & DNS_FAULT_F_TC_UDP) != 0 &&
	    transport == DNS_TRANSPORT_UDP;
	if (dnssec && !r.truncate) {
		r.dnssec = true;
		if (dns_zone_sign_reply(z, &r, &end, false) == -1)
			dns_zone_sign_failed(&r, info);
	} else if (dnssec)
		r.dnssec = true;	/* TC: nothing to sign, DO still set */
reply:
	dns_zone_encode(&r, out, outcap, outlen, info);
	ldns_rr_list_free(r.answer);
	ldns_rr_list_free(r.authority);
	ldns_rr_list_deep_free(r.made);
	ldns_pkt_free(pkt);
	return 0;
}

/* dns_zone_sign_failed - a reply that could not be signed: SERVFAIL */
static void
dns_zone_sign_failed(struct dns_zone_reply *r, const struct dns_answer_info
    *info)
{
	log_warnx("dns: %s %s: cannot sign the answer; SERVFAIL", info->qname,
	    info->qtype);
	ldns_rr_list_set_rr_count(r->answer, 0);
	ldns_rr_list_set_rr_count(r->authority, 0);
	r->rcode = LDNS_RCODE_SERVFAIL;
	r->dnssec = false;
}

/*
 * dns_zone_sign_reply - with DO, in a signed zone: an RRSIG after each
 * RRset of the answer (RFC 4035 §3.1.1; one set per owner and type, the
 * chain's order kept), and, when the chain ended at a name without the
 * type (nxname: without anything), compact denial (RFC 9824): NOERROR,
 * the SOA and an NSEC at that name in authority, each signed. A chain
 * that leaves the signed zones is left unsigned from there on. -1 if a
 * signature cannot be made.
 */
static int
dns_zone_sign_reply(const struct dns_zone *z, struct dns_zone_reply *r,
    const struct dns_zone_end *end, bool nxname)
{
	ldns_rr_list	*signed_answer;
	time_t		 now = time(NULL);

	if ((signed_answer = ldns_rr_list_new()) == NULL)
		fatalx("dns_zone_sign_reply: out of memory");
	if (dns_zone_sign_list(z, r->answer, signed_answer, r->made, now) ==
	    -1) {
		ldns_rr_list_free(signed_answer);
		return -1;
	}
	ldns_rr_list_free(r->answer);
	r->answer = signed_answer;
	if (end->name == NULL || !end->empty)
		return 0;
	return dns_zone_deny(z, r, end->name, nxname || end->nxname, now);
}

/*
 * dns_zone_sign_list - in's records into out, grouped in RRsets (owner,
 * type, class), each set followed by its RRSIG when its owner is in a
 * signed zone; the RRSIGs are also pushed on made (owned there)
 */
static int
dns_zone_sign_list(const struct dns_zone *z, ldns_rr_list *in,
    ldns_rr_list *out, ldns_rr_list *made, time_t now)
{
	const struct dns_zone_apex	*a;
	struct dns_zone_key		 ki, kj;
	ldns_rr_list			*set;
	ldns_rr				*rr, *sig;
	size_t				 i, j, n = ldns_rr_list_rr_count(in);
	bool				 done[DNS_TCP_MAX / DNS_HEADER_LEN];
	int				 rc = 0;

	if (n > sizeof(done) / sizeof(done[0]))
		return -1;
	memset(done, 0, n * sizeof(done[0]));
	if ((set = ldns_rr_list_new()) == NULL)
		fatalx("dns_zone_sign_list: out of memory");
	for (i = 0; i < n && rc == 0; i++) {
		if (done[i])
			continue;
		rr = ldns_rr_list_rr(in, i);
		if (dns_zone_key_set(&ki, ldns_rr_owner(rr)) == -1) {
			rc = -1;
			break;
		}
		a = dns_zone_apex_of(z, &ki);	/* NULL: outside, unsigned */
		ldns_rr_list_set_rr_count(set, 0);
		for (j = i; j < n; j++) {
			if (done[j] || ldns_rr_get_type(ldns_rr_list_rr(in,
			    j)) != ldns_rr_get_type(rr) ||
			    ldns_rr_get_class(ldns_rr_list_rr(in, j)) !=
			    ldns_rr_get_class(rr) || dns_zone_key_set(&kj,
			    ldns_rr_owner(ldns_rr_list_rr(in, j))) == -1 ||
			    !dns_zone_key_eq(&ki, &kj))
				continue;
			done[j] = true;
			/* a CNAME loop repeats records: an RRset is a set */
			if (dns_zone_set_has(set, ldns_rr_list_rr(in, j)))
				continue;
			sig = a != NULL ? dns_zone_ttl0(ldns_rr_list_rr(in, j),
			    made) : ldns_rr_list_rr(in, j);
			if (!ldns_rr_list_push_rr(set, sig) ||
			    !ldns_rr_list_push_rr(out, sig))
				fatalx("dns_zone_sign_list: out of memory");
		}
		if (a == NULL)
			continue;		/* outside: left unsigned */
		if ((sig = dns_key_sign(a->key, a->apex, set, now)) == NULL) {
			rc = -1;
			break;
		}
		if (!ldns_rr_list_push_rr(made, sig) ||
		    !ldns_rr_list_push_rr(out, sig))
			fatalx("dns_zone_sign_list: out of memory");
	}
	ldns_rr_list_free(set);
	return rc;
}

/*
 * dns_zone_set_has - rr (a stored record, or the TTL-0 copy of one) is in
 * the set already: a CNAME loop repeats records, an RRset is a set
 */
static bool
dns_zone_set_has(const ldns_rr_list *l, const ldns_rr *rr)
{
	size_t	i;

	for (i = 0; i < ldns_rr_list_rr_count(l); i++)
		if (ldns_rr_list_rr(l, i) == rr ||
		    ldns_rr_compare(ldns_rr_list_rr(l, i), rr) == 0)
			return true;
	return false;
}

/*
 * dns_zone_ttl0 - a signed zone's record as it goes out: a copy with TTL
 * 0 (a SOA's negative TTL too), owned by made; a DNSKEY keeps its TTL.
 * No cache keeps a signed answer, so the resolver the SUT asks, which
 * passes the validator's AD bit on but caches without it, asks again
 * each time (docs/resolver.md, "DNSSEC")
 */
static ldns_rr *
dns_zone_ttl0(ldns_rr *rr, ldns_rr_list *made)
{
	ldns_rr		*c;
	ldns_rdf	*zero, *old;

	if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_DNSKEY)
		return rr;
	if ((c = ldns_rr_clone(rr)) == NULL)
		fatalx("dns_zone_ttl0: out of memory");
	ldns_rr_set_ttl(c, 0);
	if (ldns_rr_get_type(c) == LDNS_RR_TYPE_SOA &&
	    ldns_rr_rd_count(c) > DNS_ZONE_SOA_MINIMUM) {
		if ((zero = ldns_native2rdf_int32(LDNS_RDF_TYPE_INT32, 0)) ==
		    NULL)
			fatalx("dns_zone_ttl0: out of memory");
		old = ldns_rr_set_rdf(c, zero, DNS_ZONE_SOA_MINIMUM);
		ldns_rdf_deep_free(old);
	}
	if (!ldns_rr_list_push_rr(made, c))
		fatalx("dns_zone_ttl0: out of memory");
	return c;
}

/*
 * dns_zone_deny - compact denial of name (RFC 9824 §3, without NXNAME):
 * the zone's SOA and an NSEC at name whose next name is "\000.name" (the
 * name's immediate successor: nothing else is denied), with the types at
 * name, or none when nxname, plus RRSIG and NSEC; each signed. The NSEC's
 * TTL is the SOA's negative TTL (RFC 9077). The rcode becomes NOERROR.
 */
static int
dns_zone_deny(const struct dns_zone *z, struct dns_zone_reply *r,
    const ldns_rdf *name, bool nxname, time_t now)
{
	const struct dns_zone_apex	*a;
	struct dns_zone_key		 key;
	const ldns_rr			*soa;
	ldns_rr_list			*auth;
	ldns_rr				*nsec;
	const ldns_rdf			*min;
	uint32_t			 ttl;

	if (dns_zone_key_set(&key, name) == -1 ||
	    (a = dns_zone_apex_of(z, &key)) == NULL)
		return 0;		/* not ours to deny: unsigned */
	soa = dns_zone_apex_soa_rr(z, a);
	ttl = ldns_rr_ttl(soa);
	if ((min = ldns_rr_rdf(soa, DNS_ZONE_SOA_MINIMUM)) != NULL &&
	    ldns_rdf_size(min) == 4 && ldns_rdf2native_int32(min) < ttl)
		ttl = ldns_rdf2native_int32(min);
	if ((nsec = dns_zone_nsec(z, name, nxname, ttl)) == NULL)
		return -1;
	if (!ldns_rr_list_push_rr(r->made, nsec) ||
	    (auth = ldns_rr_list_new()) == NULL ||
	    !ldns_rr_list_push_rr(auth, (ldns_rr *)(uintptr_t)soa) ||
	    !ldns_rr_list_push_rr(auth, nsec))
		fatalx("dns_zone_deny: out of memory");
	ldns_rr_list_set_rr_count(r->authority, 0);
	if (dns_zone_sign_list(z, auth, r->authority, r->made, now) == -1) {
		ldns_rr_list_free(auth);
		return -1;
	}
	ldns_rr_list_free(auth);
	r->rcode = LDNS_RCODE_NOERROR;
	return 0;
}

/*
 * dns_zone_nsec - the NSEC at name: next name "\000.name", the types at
 * name (none when nxname; the apex's DNSKEY and SOA included) plus RRSIG
 * and NSEC; NULL when "\000.name" is too long or ldns fails
 */
static ldns_rr *
dns_zone_nsec(const struct dns_zone *z, const ldns_rdf *name, bool nxname,
    uint32_t ttl)
{
	struct dns_zone_key	 key;
	ldns_rr_type		 types[DNS_ZONE_BITMAP_MAX];
	ldns_rr_list		*here;
	ldns_rr			*nsec;
	ldns_rdf		*next, *owner, *bitmap;
	size_t			 i, j, n = 0;
	ldns_rr_type		 t;

	if (dns_zone_key_set(&key, name) == -1 ||
	    (next = ldns_dname_new_frm_str("\\000")) == NULL)
		return NULL;
	if (ldns_dname_cat(next, name) != LDNS_STATUS_OK ||
	    ldns_rdf_size(next) > DNS_NAME_MAX) {
		ldns_rdf_deep_free(next);
		return NULL;
	}
	types[n++] = LDNS_RR_TYPE_RRSIG;
	types[n++] = LDNS_RR_TYPE_NSEC;
	if (!nxname) {
		if ((here = ldns_rr_list_new()) == NULL)
			fatalx("dns_zone_nsec: out of memory");
		for (i = 0; i < z->nrrs; i++)
			if (dns_zone_key_eq(&z->rrs[i].owner, &key) &&
			    !ldns_rr_list_push_rr(here, z->rrs[i].rr))
				fatalx("dns_zone_nsec: out of memory");
		dns_zone_push_virtual(z, &key, LDNS_RR_TYPE_ANY, here);
		for (i = 0; i < ldns_rr_list_rr_count(here); i++) {
			t = ldns_rr_get_type(ldns_rr_list_rr(here, i));
			for (j = 0; j < n && types[j] != t; j++)
				continue;
			if (j == n && n < DNS_ZONE_BITMAP_MAX)
				types[n++] = t;
		}
		ldns_rr_list_free(here);
	}
	bitmap = ldns_dnssec_create_nsec_bitmap(types, n, LDNS_RR_TYPE_NSEC);
	owner = ldns_rdf_clone(name);
	if ((nsec = ldns_rr_new()) == NULL || bitmap == NULL ||
	    owner == NULL) {
		ldns_rr_free(nsec);
		ldns_rdf_deep_free(next);
		ldns_rdf_deep_free(bitmap);
		ldns_rdf_deep_free(owner);
		return NULL;
	}
	ldns_rr_set_type(nsec, LDNS_RR_TYPE_NSEC);
	ldns_rr_set_owner(nsec, owner);
	ldns_rr_set_ttl(nsec, ttl);
	ldns_rr_set_class(nsec, LDNS_RR_CLASS_IN);
	if (!ldns_rr_push_rdf(nsec, next) || !ldns_rr_push_rdf(nsec, bitmap))
		fatalx("dns_zone_nsec: out of memory");
	return nsec;
}

/*
 * dns_zone_resolve - fill answer for the question and return the rcode:
 * the RRset at the name, or its CNAME followed through the zone (RFC 1034
 * §4.3.2 step 3a) for at most DNS_ZONE_CNAME_HOPS links. A chain stops at
 * a name carrying a fault, so the client asks for it and meets the fault.
 */
static uint8_t
dns_zone_resolve(const struct dns_zone *z, const ldns_rr *question,
    ldns_rr_list *answer, struct dns_zone_end *end)
{
	struct dns_zone_key	 key;
	const ldns_rdf		*name = ldns_rr_owner(question);
	const ldns_rr		*cname;
	ldns_rr_type		 qtype = ldns_rr_get_type(question), t;
	unsigned int		 hops;
	size_t			 i, n;
	bool			 apex;

	memset(end, 0, sizeof(*end));
	for (hops = 0;; hops++) {
		if (dns_zone_key_set(&key, name) == -1)
			return LDNS_RCODE_NOERROR;
		if (hops > 0 && dns_zone_fault_at(z, &key) != DNS_FAULT_NONE)
			return LDNS_RCODE_NOERROR;
		/* a signed apex always has its DNSKEY */
		apex = dns_zone_apex_at(z, &key) != NULL;
		if (!dns_zone_has_name(z, &key, &cname) && !apex) {
			end->name = name;
			end->empty = true;
			end->nxname = !dns_zone_has_below(z, &key);
			return end->nxname ? LDNS_RCODE_NXDOMAIN :
			    LDNS_RCODE_NOERROR;
		}
		if (cname == NULL || qtype == LDNS_RR_TYPE_CNAME ||
		    qtype == LDNS_RR_TYPE_ANY)
			break;
		if (hops == DNS_ZONE_CNAME_HOPS)
			return LDNS_RCODE_NOERROR;	/* loop or long chain */
		if (!ldns_rr_list_push_rr(answer, cname))
			fatalx("dns_zone_resolve: out of memory");
		if ((name = ldns_rr_rdf(cname, 0)) == NULL)
			return LDNS_RCODE_NOERROR;
	}
	n = ldns_rr_list_rr_count(answer);
	for (i = 0; i < z->nrrs; i++) {
		if (!dns_zone_key_eq(&z->rrs[i].owner, &key))
			continue;
		t = ldns_rr_get_type(z->rrs[i].rr);
		if (qtype != LDNS_RR_TYPE_ANY && t != qtype)
			continue;
		/* a signed apex's DNSKEY is its key's, nothing stored */
		if (apex && t == LDNS_RR_TYPE_DNSKEY)
			continue;
		if (!ldns_rr_list_push_rr(answer, z->rrs[i].rr))
			fatalx("dns_zone_resolve: out of memory");
	}
	dns_zone_push_virtual(z, &key, qtype, answer);
	end->name = name;
	end->empty = ldns_rr_list_rr_count(answer) == n;
	return LDNS_RCODE_NOERROR;
}

/*
 * dns_zone_push_virtual - at a signed apex, the records its signing makes
 * up, of qtype (or ANY): its DNSKEY, and its SOA if the zone stores none
 */
static void
dns_zone_push_virtual(const struct dns_zone *z, const struct dns_zone_key *key,
    ldns_rr_type qtype, ldns_rr_list *out)
{
	const struct dns_zone_apex	*a;
	bool				 any = qtype == LDNS_RR_TYPE_ANY;

	if ((a = dns_zone_apex_at(z, key)) == NULL)
		return;
	if ((any || qtype == LDNS_RR_TYPE_DNSKEY) &&
	    !ldns_rr_list_push_rr(out, a->dnskey))
		fatalx("dns_zone_push_virtual: out of memory");
	if ((any || qtype == LDNS_RR_TYPE_SOA) &&
	    dns_zone_apex_soa_rr(z, a) == a->soa &&
	    !ldns_rr_list_push_rr(out, a->soa))
		fatalx("dns_zone_push_virtual: out of memory");
}

/* dns_zone_has_name - any record at key; *cname is set to its CNAME */
static bool
dns_zone_has_name(const struct dns_zone *z, const struct dns_zone_key *key,
    const ldns_rr **cname)
{
	bool	found = false;
	size_t	i;

	*cname = NULL;
	for (i = 0; i < z->nrrs; i++) {
		if (!dns_zone_key_eq(&z->rrs[i].owner, key))
			continue;
		found = true;
		if (*cname == NULL &&
		    ldns_rr_get_type(z->rrs[i].rr) == LDNS_RR_TYPE_CNAME)
			*cname = z->rrs[i].rr;
	}
	return found;
}

/* dns_zone_has_below - a record under key: key is an empty non-terminal */
static bool
dns_zone_has_below(const struct dns_zone *z, const struct dns_zone_key *key)
{
	size_t	i;

	for (i = 0; i < z->nrrs; i++)
		if (dns_zone_key_at_or_below(&z->rrs[i].owner, key))
			return true;
	return false;
}

/*
 * dns_zone_encode - header, question, answers and OPT into out. When the
 * answers do not fit (RFC 1035 §4.2.1, RFC 2181 §9), or a truncate fault
 * says so, only header and question go out, with TC set; when not even
 * that fits, nothing does.
 */
static void
dns_zone_encode(const struct dns_zone_reply *r, uint8_t *out, size_t outcap,
    size_t *outlen, struct dns_answer_info *info)
{
	ldns_buffer	*buf;
	size_t		 qend, total, tail, i, nans = 0, nauth = 0;
	uint16_t	 flags;
	bool		 tc = false;

	if ((buf = ldns_buffer_new(LDNS_MAX_PACKETLEN)) == NULL)
		fatalx("dns_zone_encode: out of memory");
	if (r->question != NULL)
		(void)ldns_rr2buffer_wire(buf, r->question,
		    LDNS_SECTION_QUESTION);
	qend = ldns_buffer_position(buf);
	if (r->answer != NULL)
		nans = ldns_rr_list_rr_count(r->answer);
	for (i = 0; i < nans; i++)
		(void)ldns_rr2buffer_wire(buf, ldns_rr_list_rr(r->answer, i),
		    LDNS_SECTION_ANSWER);
	if (r->authority != NULL)
		nauth = ldns_rr_list_rr_count(r->authority);
	for (i = 0; i < nauth; i++)
		(void)ldns_rr2buffer_wire(buf, ldns_rr_list_rr(r->authority,
		    i), LDNS_SECTION_AUTHORITY);
	if (!ldns_buffer_status_ok(buf))
		fatalx("dns_zone_encode: out of memory");	/* it grows */
	tail = r->edns ? DNS_OPT_RR_LEN : 0;
	total = DNS_HEADER_LEN + ldns_buffer_position(buf) + tail;
	if (r->truncate || total > outcap || total > DNS_TCP_MAX) {
		tc = true;
		nans = nauth = 0;
		total = DNS_HEADER_LEN + qend + tail;
	}
	if (total > outcap) {
		ldns_buffer_free(buf);
		info->dropped = true;
		info->reason = "outcap";
		dns_zone_info_rcode(info, "none");
		return;
	}
	flags = DNS_FLAG_QR | (uint16_t)(r->hdr << 8) | (r->rcode & 0x0f);
	if (r->aa)
		flags |= DNS_FLAG_AA;
	if (tc)
		flags |= DNS_FLAG_TC;
	dns_zone_put_u16(out, r->id);
	dns_zone_put_u16(out + 2, flags);
	dns_zone_put_u16(out + 4, r->question != NULL ? 1 : 0);
	dns_zone_put_u16(out + 6, (uint16_t)nans);
	dns_zone_put_u16(out + 8, (uint16_t)nauth);
	dns_zone_put_u16(out + 10, r->edns ? 1 : 0);
	memcpy(out + DNS_HEADER_LEN, ldns_buffer_begin(buf),
	    total - DNS_HEADER_LEN - tail);
	if (r->edns) {
		/* RFC 6891 §6.1.2: root owner, OPT, our size, no flags */
		i = total - tail;
		out[i] = 0;
		dns_zone_put_u16(out + i + 1, LDNS_RR_TYPE_OPT);
		dns_zone_put_u16(out + i + 3, DNS_EDNS_UDP_MAX);
		memset(out + i + 5, 0, 6);	/* TTL (flags) 0, RDLEN 0 */
		if (r->dnssec)
			out[i + 7] = DNS_OPT_DO;	/* RFC 3225 §3 */
	}
	ldns_buffer_free(buf);
	*outlen = total;
	info->answers = (unsigned int)nans;
	info->truncated = tc;
	info->dnssec = r->dnssec && !tc && nans + nauth > 0;
	dns_zone_info_rcode(info, r->rcode < sizeof(dns_zone_rcode_names) /
	    sizeof(dns_zone_rcode_names[0]) ?
	    dns_zone_rcode_names[r->rcode] : "OTHER");
}

static void
dns_zone_info_question(struct dns_answer_info *info, const ldns_rr *q)
{
	char	*t;

	dns_zone_dname_format(ldns_rr_owner(q), info->qname,
	    sizeof(info->qname));
	if ((t = ldns_rr_type2str(ldns_rr_get_type(q))) == NULL)
		return;
	if (str_copy(info->qtype, t, sizeof(info->qtype)) == -1)
		info->qtype[0] = '\0';
	free(t);
}

static void
dns_zone_info_rcode(struct dns_answer_info *info, const char *rcode)
{
	if (str_copy(info->rcode, rcode, sizeof(info->rcode)) == -1)
		fatalx("dns_zone_info_rcode: \"%s\" too long", rcode);
}

static void
dns_zone_put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
