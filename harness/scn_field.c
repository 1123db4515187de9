/* SPDX-License-Identifier: ISC */
/*
 * scn_field.c -- the tables of the scenario schema: a host's settings and
 * the keys of an expectation, one row per key, and one parser per value
 * type. Another module's vocabulary is parsed with its own functions (the
 * names and their "allowed:" lists come from fake-dns, fake-mx and
 * common/pki). A key left out keeps its zero value: every row's default
 * is 0, false or "". Pure.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "../common/log.h"
#include "../common/pki.h"
#include "../common/str.h"
#include "../fake-dns/dns_zone.h"
#include "../fake-mx/mx_config.h"
#include "../fake-mx/policy_config.h"
#include "scn_field.h"

#define SCN_FIELDS_MAX	16	/* keys of one table */

static size_t	scn_type_size(enum scn_type);
static const struct scn_field *scn_fields_find(const struct scn_fields *,
		    enum scn_type);

static const struct ytree_name scn_delivery_names[] = {
	{ "tls",	SCN_DELIVER_TLS },
	{ "plain",	SCN_DELIVER_PLAIN },
	{ "any",	SCN_DELIVER_ANY },
	{ "none",	SCN_DELIVER_NONE },
	{ NULL,		0 },
};

static const struct ytree_name scn_tlsa_names[] = {
	{ "none",	SCN_TLSA_NONE },
	{ "ee",		SCN_TLSA_EE },
	{ "wrong",	SCN_TLSA_WRONG },
	{ NULL,		0 },
};

/* A host's settings (world.hosts, attack.hosts). */
static const struct scn_field scn_host_rows[] = {
	{ "starttls",	SCN_T_STARTTLS,	offsetof(struct scn_host, starttls),
	    0, "what the MX does with STARTTLS" },
	{ "cert",	SCN_T_CERT,	offsetof(struct scn_host, cert),
	    0, "the certificate profile the MX presents" },
	{ "cert_for",	SCN_T_LABEL,	offsetof(struct scn_host, cert_for),
	    0, "another host's label: the certificate names that host" },
	{ "tls",	SCN_T_TLS,	offsetof(struct scn_host, tls),
	    0, "the TLS versions the MX accepts" },
	{ "sni",	SCN_T_SNI,	offsetof(struct scn_host, sni),
	    0, "whose certificate the MX presents, by the client's SNI" },
	{ "listen",	SCN_T_WANT,	offsetof(struct scn_host, listen),
	    0, "false: nothing listens on the host's port 25" },
	{ "fail",	SCN_T_FAIL,	offsetof(struct scn_host, fail),
	    0, "\"VERB CODE\": the MX answers that verb with that code" },
	{ "tlsa",	SCN_T_TLSA,	offsetof(struct scn_host, tlsa),
	    0, "the host's _25._tcp TLSA record: none, ee (3 1 1 of the "
	    "certificate it presents) or wrong (3 1 1 matching nothing)" },
};

/*
 * The keys of an expectation mapping. The judge reads what they set in
 * struct scn_step (judge_step); a new key is a row here, its field there
 * and its reading in the judge.
 */
static const struct scn_field scn_expect_rows[] = {
	{ "delivery",	SCN_T_DELIVERY,	offsetof(struct scn_step, expect),
	    SCN_F_REQUIRED, "tls, plain, any or none: what must arrive" },
	{ "at",		SCN_T_HOST,	offsetof(struct scn_step, expect_at),
	    0, "the host of the step's world it must arrive at" },
	{ "sni",	SCN_T_BOOL,	offsetof(struct scn_step, expect_sni),
	    SCN_F_NEEDS_TLS, "true: the delivering TLS session's SNI named "
	    "the MX host" },
	{ "policy_fetched", SCN_T_WANT,	offsetof(struct scn_step,
	    expect_fetch), 0, "true: a policy GET naming the policy host in "
	    "the step; false: no HTTPS request there at all" },
	{ "retry",	SCN_T_STEP,	offsetof(struct scn_step, expect_retry),
	    0, "an earlier step N that expects none: N's withheld message "
	    "arrives over verified TLS in this step" },
	{ "alert",	SCN_T_WANT,	offsetof(struct scn_step, expect_alert),
	    0, "true: a policy fetch failed in the step and an \"alerts\" "
	    "line names the domain; false: no alerts line names it" },
};

static const struct scn_fields scn_host_table = {
	"", scn_host_rows, sizeof(scn_host_rows) / sizeof(scn_host_rows[0])
};

static const struct scn_fields scn_expect_table = {
	"expect.", scn_expect_rows,
	sizeof(scn_expect_rows) / sizeof(scn_expect_rows[0])
};

const struct scn_fields *
scn_host_fields(void)
{
	return &scn_host_table;
}

const struct scn_fields *
scn_expect_fields(void)
{
	return &scn_expect_table;
}

/* scn_type_size - bytes a value of type takes at its offset */
static size_t
scn_type_size(enum scn_type type)
{
	switch (type) {
	case SCN_T_BOOL:
		return sizeof(bool);
	case SCN_T_WANT:
		return sizeof(enum scn_want);
	case SCN_T_DELIVERY:
		return sizeof(enum scn_delivery);
	case SCN_T_HOST:
	case SCN_T_LABEL:
		return SCN_LABEL_MAX;
	case SCN_T_STARTTLS:
		return sizeof(enum mx_starttls);
	case SCN_T_CERT:
		return sizeof(enum cert_profile);
	case SCN_T_FAULT:
		return sizeof(enum dns_fault);
	case SCN_T_SERVE:
		return sizeof(enum policy_serve);
	case SCN_T_PSNI:
		return sizeof(enum policy_sni);
	case SCN_T_TLS:
		return sizeof(enum tls_versions);
	case SCN_T_SNI:
		return sizeof(enum mx_sni);
	case SCN_T_FAIL:
		return sizeof(struct mx_fail);
	case SCN_T_TLSA:
		return sizeof(enum scn_tlsa);
	case SCN_T_STEP:
		return sizeof(unsigned int);
	default:
		fatalx("scn_type_size: bad type %d", (int)type);
	}
}

int
scn_field_value(const struct scn_field_ctx *cx, const struct ytree_node *n,
    const char *what, enum scn_type type, void *dst)
{
	char		q[YTREE_QUOTE_BUF], why[160];
	unsigned long	u;
	bool		b;
	int		v;

	if (ytree_want(cx->yt, n, YTREE_SCALAR, what) == -1)
		return -1;
	switch (type) {
	case SCN_T_BOOL:
		return ytree_get_bool(cx->yt, n, what, dst);
	case SCN_T_WANT:
		if (ytree_get_bool(cx->yt, n, what, &b) == -1)
			return -1;
		*(enum scn_want *)dst = b ? SCN_WANT_YES : SCN_WANT_NO;
		return 0;
	case SCN_T_DELIVERY:
		if (ytree_get_enum(cx->yt, n, what, scn_delivery_names,
		    &v) == -1)
			return -1;
		*(enum scn_delivery *)dst = (enum scn_delivery)v;
		return 0;
	case SCN_T_HOST:
		if (n->len >= SCN_LABEL_MAX ||
		    scenario_host_find(cx->world, n->str) == -1)
			return ytree_error(cx->yt, n, "%s: unknown host \"%s\" "
			    "in the %s world", what, ytree_quote(n->str,
			    n->len, q, sizeof(q)), cx->world_name);
		memcpy(dst, n->str, n->len + 1);
		return 0;
	case SCN_T_LABEL:
		/* whether it names a host: the caller, once all are known */
		if (n->len == 0 || n->len >= SCN_LABEL_MAX)
			return ytree_error(cx->yt, n, "%s: bad host label "
			    "\"%s\"", what, ytree_quote(n->str, n->len, q,
			    sizeof(q)));
		memcpy(dst, n->str, n->len + 1);
		return 0;
	case SCN_T_STARTTLS:
		if (mx_starttls_parse(n->str, dst) == -1)
			return ytree_bad_value(cx->yt, n, what,
			    mx_starttls_name);
		return 0;
	case SCN_T_CERT:
		if (cert_profile_parse(n->str, dst) == -1)
			return ytree_bad_value(cx->yt, n, what,
			    cert_profile_name);
		return 0;
	case SCN_T_FAULT:
		/* "none" is no fault: leaving the name out says that */
		if (dns_fault_parse(n->str, dst) == -1 ||
		    *(enum dns_fault *)dst == DNS_FAULT_NONE)
			return ytree_bad_value(cx->yt, n, what,
			    dns_fault_name);
		return 0;
	case SCN_T_SERVE:
		if (policy_serve_parse(n->str, dst) == -1)
			return ytree_bad_value(cx->yt, n, what,
			    policy_serve_name);
		return 0;
	case SCN_T_PSNI:
		if (policy_sni_parse(n->str, dst) == -1)
			return ytree_bad_value(cx->yt, n, what,
			    policy_sni_name);
		return 0;
	case SCN_T_TLS:
		if (tls_versions_parse(n->str, dst) == -1)
			return ytree_bad_value(cx->yt, n, what,
			    tls_versions_name);
		return 0;
	case SCN_T_SNI:
		if (mx_sni_parse(n->str, dst) == -1)
			return ytree_bad_value(cx->yt, n, what, mx_sni_name);
		return 0;
	case SCN_T_FAIL:
		if (mx_fail_parse(n->str, dst, why, sizeof(why)) == -1)
			return ytree_error(cx->yt, n, "%s: bad value \"%s\" "
			    "(%s)", what, ytree_quote(n->str, n->len, q,
			    sizeof(q)), why);
		return 0;
	case SCN_T_TLSA:
		if (ytree_get_enum(cx->yt, n, what, scn_tlsa_names, &v) == -1)
			return -1;
		*(enum scn_tlsa *)dst = (enum scn_tlsa)v;
		return 0;
	case SCN_T_STEP:
		if (parse_uint(n->str, SCN_STEPS_MAX, &u) == -1 || u == 0)
			return ytree_error(cx->yt, n, "%s: \"%s\" is not a "
			    "step number in 1..%d", what, ytree_quote(n->str,
			    n->len, q, sizeof(q)), SCN_STEPS_MAX);
		*(unsigned int *)dst = (unsigned int)u;
		return 0;
	default:
		fatalx("scn_field_value: bad type %d", (int)type);
	}
}

/* scn_fields_find - the table's first row of type, or NULL */
static const struct scn_field *
scn_fields_find(const struct scn_fields *t, enum scn_type type)
{
	size_t	i;

	for (i = 0; i < t->n; i++)
		if (t->rows[i].type == type)
			return &t->rows[i];
	return NULL;
}

int
scn_fields_parse(const struct scn_field_ctx *cx, const struct ytree_node *map,
    const char *what, const struct scn_fields *t, void *base)
{
	const struct scn_field	*f, *d;
	const struct ytree_node	*v;
	const char		*keys[SCN_FIELDS_MAX + 1];
	char			 vwhat[64];
	size_t			 i;

	if (t->n > SCN_FIELDS_MAX)
		fatalx("scn_fields_parse: %zu keys in one table", t->n);
	for (i = 0; i < t->n; i++)
		keys[i] = t->rows[i].key;
	keys[t->n] = NULL;
	if (ytree_want(cx->yt, map, YTREE_MAP, what) == -1 ||
	    ytree_map_check(cx->yt, map, what, keys) == -1)
		return -1;
	for (i = 0; i < t->n; i++)
		if ((t->rows[i].flags & SCN_F_REQUIRED) &&
		    ytree_map_need(cx->yt, map, what, t->rows[i].key) == NULL)
			return -1;
	for (i = 0; i < t->n; i++) {
		f = &t->rows[i];
		if ((v = ytree_map_get(map, f->key)) == NULL)
			continue;
		(void)snprintf(vwhat, sizeof(vwhat), "%s%s", t->prefix, f->key);
		if (scn_field_value(cx, v, vwhat, f->type,
		    (char *)base + f->offset) == -1)
			return -1;
		/* RFC 8461 §7.1: SNI is a property of the TLS delivery */
		if ((f->flags & SCN_F_NEEDS_TLS) && f->type == SCN_T_BOOL &&
		    *(bool *)((char *)base + f->offset) &&
		    (d = scn_fields_find(t, SCN_T_DELIVERY)) != NULL &&
		    *(enum scn_delivery *)((char *)base + d->offset) !=
		    SCN_DELIVER_TLS)
			return ytree_error(cx->yt, v, "%s: needs delivery: "
			    "tls", vwhat);
	}
	return 0;
}

void
scn_fields_clear(const struct scn_fields *t, void *base)
{
	size_t	i;

	for (i = 0; i < t->n; i++)
		memset((char *)base + t->rows[i].offset, 0,
		    scn_type_size(t->rows[i].type));
}
