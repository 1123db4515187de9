/* SPDX-License-Identifier: ISC */
/*
 * scenario.c -- the scenario schema: a strict walk over the YAML tree
 * (yaml_tree.c) that fills struct scenario, resolves the W0 defaults and
 * applies the attack overlay. Every error is "file:line:column: message"
 * and the first one stops the load. Pure: no I/O apart from reading the
 * file; nothing here runs a scenario.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include "../common/file.h"
#include "../common/log.h"
#include "../common/proto.h"
#include "../common/str.h"
#include "scenario.h"
#include "scn_field.h"
#include "yaml_tree.h"

#define SCN_FILE_MAX		(1024 * 1024)	/* bytes of YAML per file */
#define SCN_MODE_MAX		256	/* policy mode text (any string) */
#define SCN_MXNAME_MAX		(SCN_NAME_MAX + 16)	/* + ".{domain}" */
#define SCN_BODY_MAX		(256 * 1024)	/* raw policy template; room
						   to test RFC 8461 §3.3's
						   64 KiB fetch cap */
#define SCN_CTYPE_MAX		128	/* == sizeof scn_policy.content_type */
#define SCN_EXPAND_MAX		2048	/* one expanded record or name */
#define SCN_UINT32_MAX		4294967295UL	/* RFC 8461 §3.2 max_age ABNF */
/*
 * Every template is checked with a domain and addresses as long as any
 * the runner gives (SCN_DOMAIN_LEN characters, 127.255.255.H), so a file
 * lint accepts also expands, and makes valid names, at run time.
 */
#define SCN_CHECK_DOMAIN	"xxxxxxxxxxxxxxxx.test"
#define SCN_CHECK_A		255
#define SCN_CHECK_B		255
#define SCN_CHECK_HINT		"with a %d-character domain, as long as the " \
				"runner's"	/* SCN_DOMAIN_LEN */
#define SCN_FILENAME_SHOWN	68	/* a too-long file name, cut */
#define SCN_DEFAULT_TTL		3600

/* The policy fields a body is rendered from. */
struct scn_pfields {
	char		mode[SCN_MODE_MAX];
	char		mx[SCN_POLICY_MX_MAX][SCN_MXNAME_MAX];
	size_t		nmx;
	unsigned long	max_age;
};

_Static_assert(sizeof(SCN_CHECK_DOMAIN) - 1 == SCN_DOMAIN_LEN,
    "SCN_CHECK_DOMAIN must be as long as the runner's domains");
/* a host label, a dot and the domain fit a name (scn_relname_fits) */
_Static_assert(SCN_LABEL_MAX - 1 + 1 + SCN_DOMAIN_LEN + 2 == DNS_NAME_MAX,
    "SCN_LABEL_MAX must be the longest host label that makes a name");

struct scn_loader {
	struct ytree		 yt;		/* the file, its messages */
	struct scenario		*scn;
	ldns_rdf		*origin;	/* SCN_CHECK_DOMAIN. */
	struct scn_pfields	 clean_pf;
};

/* shapes */
static bool	scn_is_id(const char *);
static bool	scn_is_clause(const char *);
static bool	scn_is_label(const char *);
static bool	scn_is_host(const char *);
static bool	scn_is_relname(const char *);
static int	scn_check_label(struct scn_loader *, const struct ytree_node *,
		    const char *, char *);

/* the scenario's head */
static int	scn_parse_top(struct scn_loader *, const struct ytree_node *);
static int	scn_parse_head(struct scn_loader *, const struct ytree_node *);
static int	scn_parse_clauses(struct scn_loader *,
		    const struct ytree_node *);

/* worlds */
static void	scn_world_w0(struct scn_world *, struct scn_pfields *);
static int	scn_parse_world(struct scn_loader *, const struct ytree_node *);
static int	scn_parse_attack(struct scn_loader *,
		    const struct ytree_node *);
static int	scn_parse_hosts(struct scn_loader *, const struct ytree_node *,
		    struct scn_world *, bool);
static int	scn_check_cert_for(struct scn_loader *,
		    const struct ytree_node *, const struct scn_world *,
		    const struct scn_host *, const char *);
static int	scn_parse_host(struct scn_loader *, const struct ytree_node *,
		    const char *, struct scn_host *);
static int	scn_parse_records(struct scn_loader *,
		    const struct ytree_node *, struct scn_world *);
static int	scn_overlay_remove(struct scn_loader *,
		    const struct ytree_node *, struct scn_world *);
static int	scn_overlay_records(struct scn_loader *,
		    const struct ytree_node *, struct scn_world *);
static int	scn_parse_faults(struct scn_loader *, const struct ytree_node *,
		    struct scn_world *, bool);
static int	scn_parse_location(struct scn_loader *,
		    const struct ytree_node *, struct scn_world *);
static int	scn_parse_policy(struct scn_loader *, const struct ytree_node *,
		    struct scn_world *, struct scn_pfields *, const char *);
static int	scn_parse_policy_mx(struct scn_loader *,
		    const struct ytree_node *, const struct scn_world *,
		    struct scn_pfields *);
static int	scn_mx_name(const char *, char *, size_t);
static char    *scn_policy_render(const struct scn_pfields *);
static void	scn_world_copy(struct scn_world *, const struct scn_world *);
static void	scn_world_clear(struct scn_world *);

/* template and record checks */
static int	scn_check_template(struct scn_loader *,
		    const struct scn_world *, const char *,
		    const struct ytree_node *, const char *);
static int	scn_check_record(struct scn_loader *, const struct scn_world *,
		    const char *, const struct ytree_node *, const char *,
		    ldns_rdf **, ldns_rr_type *);
static bool	scn_rr_names_fit(const ldns_rr *);
static bool	scn_relname_fits(size_t);
static int	scn_check_fault_name(struct scn_loader *,
		    const struct ytree_node *);
static int	scn_expand_run(const char *, const char *,
		    const struct scn_world *, unsigned int, unsigned int,
		    char *, size_t, struct err *);
static void	scn_world_delete_record(struct scn_world *, size_t);

/* steps */
static int	scn_parse_steps(struct scn_loader *, const struct ytree_node *);
static int	scn_parse_step(struct scn_loader *, const struct ytree_node *,
		    size_t, struct scn_step *);
static int	scn_parse_expect(struct scn_loader *, const struct ytree_node *,
		    const char *, struct scn_step *);
static int	scn_check_retry(struct scn_loader *, const struct ytree_node *,
		    size_t);
static int	scn_check_first_step(struct scn_loader *,
		    const struct ytree_node *);
static int	scn_parse_literal(struct scn_loader *,
		    const struct ytree_node *, struct scn_step *);
static int	scn_parse_to_value(struct scn_loader *,
		    const struct ytree_node *, struct scn_step *);
static int	scn_parse_to(struct scn_loader *, const struct ytree_node *,
		    const struct ytree_node *, struct scn_step *);

static int	scn_load_tree(struct scn_loader *, const char *, size_t);

static const struct ytree_name scn_strength_names[] = {
	{ "MUST",	SCN_MUST },
	{ "SHOULD",	SCN_SHOULD },
	{ "MAY",	SCN_MAY },
	{ "INFO",	SCN_INFO },
	{ NULL,		0 },
};

static const struct ytree_name scn_wait_names[] = {
	{ "none",	SCN_WAIT_NONE },
	{ "policy",	SCN_WAIT_POLICY },
	{ NULL,		0 },
};

static const char *const scn_top_keys[] = {
	"id", "title", "clauses", "strength", "world", "attack", "expect",
	"steps", NULL
};
static const char *const scn_world_keys[] = {
	"records", "faults", "policy", "hosts", "dnssec", NULL
};
static const char *const scn_attack_keys[] = {
	"records", "remove", "faults", "policy", "hosts", "dnssec", NULL
};
static const char *const scn_policy_keys[] = {
	"mode", "mx", "max_age", "body", "status", "content_type", "cert",
	"serve", "location", "sni", "tls", "pad", "trickle_sec", "validators",
	NULL
};
static const char *const scn_step_keys[] = {
	"expect", "attack", "clock", "strength", "wait", "restart", "to",
	"relay", NULL
};

/* W0: rfc8461-catalog.md §0.4 */
static const char *const scn_w0_records[] = {
	"@ 300 MX 10 mx1",
	"mx1 300 A {mx1}",
	"mta-sts 300 A {mta-sts}",
	"_mta-sts 1 TXT \"v=STSv1; id=1\"",
	NULL
};

const char *
scn_strength_str(enum scn_strength s)
{
	switch (s) {
	case SCN_MUST:
		return "MUST";
	case SCN_SHOULD:
		return "SHOULD";
	case SCN_MAY:
		return "MAY";
	case SCN_INFO:
		return "INFO";
	default:
		fatalx("scn_strength_str: bad strength %d", (int)s);
	}
}

const char *
scn_delivery_str(enum scn_delivery d)
{
	switch (d) {
	case SCN_DELIVER_TLS:
		return "tls";
	case SCN_DELIVER_PLAIN:
		return "plain";
	case SCN_DELIVER_ANY:
		return "any";
	case SCN_DELIVER_NONE:
		return "none";
	default:
		fatalx("scn_delivery_str: bad delivery %d", (int)d);
	}
}

/* scn_is_id - ^[a-z][a-z0-9-]*$, no "--", no trailing '-' */
static bool
scn_is_id(const char *s)
{
	/* an id names the scenario's domain: a label that starts a word */
	return strlen(s) <= SCN_ID_MAX && s[0] >= 'a' && s[0] <= 'z' &&
	    strstr(s, "--") == NULL && scn_is_label(s);
}

/* scn_is_clause - ^(R|TR)-[0-9A-Za-z.-]+$ */
static bool
scn_is_clause(const char *s)
{
	const char	*p;

	if (strncmp(s, "R-", 2) == 0)
		p = s + 2;
	else if (strncmp(s, "TR-", 3) == 0)
		p = s + 3;
	else
		return false;
	if (*p == '\0')
		return false;
	for (; *p != '\0'; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z') || *p == '.' || *p == '-'))
			return false;
	return true;
}

/* scn_is_label - "@" or ^[a-z0-9]([a-z0-9-]*[a-z0-9])?$, RFC 1035 length */
static bool
scn_is_label(const char *s)
{
	size_t	i, len = strlen(s);

	if (strcmp(s, "@") == 0)
		return true;
	if (len == 0 || len > 63 || s[0] == '-' || s[len - 1] == '-')
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

/*
 * scn_is_host - a host label: "@", or labels of scn_is_label()'s shape
 * joined by dots ("a.b" is a.b.<domain>), short enough to make a name
 * with the runner's domain (SCN_LABEL_MAX)
 */
static bool
scn_is_host(const char *s)
{
	char	label[DNS_LABEL_MAX + 1];
	size_t	len = strlen(s), n;

	if (strcmp(s, "@") == 0)
		return true;
	if (len == 0 || len >= SCN_LABEL_MAX || !scn_relname_fits(len))
		return false;
	for (;;) {
		n = strcspn(s, ".");
		if (n == 0 || n > DNS_LABEL_MAX)
			return false;
		memcpy(label, s, n);
		label[n] = '\0';
		if (strcmp(label, "@") == 0 || !scn_is_label(label))
			return false;
		if (s[n] == '\0')
			return true;
		s += n + 1;
	}
}

/*
 * scn_is_relname - a relative DNS name as a policy mx entry: labels of
 * letters, digits, '-' and '_', the first may be "*"
 */
static bool
scn_is_relname(const char *s)
{
	const char	*p = s;
	size_t		 lablen = 0;

	if (*s == '\0')
		return false;
	if (p[0] == '*' && p[1] == '.')
		p += 2;
	for (; *p != '\0'; p++) {
		if (*p == '.') {
			if (lablen == 0)
				return false;
			lablen = 0;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return false;
		if (++lablen > 63)
			return false;
	}
	return lablen > 0;
}

/* scn_check_label - a host label of the right shape, not reserved */
static int
scn_check_label(struct scn_loader *ld, const struct ytree_node *n,
    const char *what, char *out)
{
	char	q[YTREE_QUOTE_BUF];

	if (ytree_want(&ld->yt, n, YTREE_SCALAR, what) == -1)
		return -1;
	if (!scn_is_host(n->str))
		return ytree_error(&ld->yt, n, "%s: bad host label \"%s\" "
		    "(want \"@\" or labels ^[a-z0-9]([a-z0-9-]*[a-z0-9])?$ of "
		    "at most 63 chars joined by dots, at most %d chars)", what,
		    ytree_quote(n->str, n->len, q, sizeof(q)),
		    SCN_LABEL_MAX - 1);
	if (strcmp(n->str, SCN_POLICY_LABEL) == 0)
		return ytree_error(&ld->yt, n, "%s: label \"%s\" is reserved "
		    "for the policy host", what, SCN_POLICY_LABEL);
	if (str_copy(out, n->str, SCN_LABEL_MAX) == -1)
		fatalx("scn_check_label: label bound");
	return 0;
}

/* scn_parse_head - id, title, clauses, strength */
static int
scn_parse_head(struct scn_loader *ld, const struct ytree_node *root)
{
	struct scenario		*scn = ld->scn;
	const struct ytree_node	*n;
	char			 q[YTREE_QUOTE_BUF];
	int			 v;

	/* each required key in turn: missing, then malformed */
	if ((n = ytree_map_need(&ld->yt, root, NULL, "id")) == NULL ||
	    ytree_want(&ld->yt, n, YTREE_SCALAR, "id") == -1)
		return -1;
	if (!scn_is_id(n->str))
		return ytree_error(&ld->yt, n, "id: bad id \"%s\" (want "
		    "^[a-z][a-z0-9-]*$, 1..%d chars, no \"--\", no trailing "
		    "'-')", ytree_quote(n->str, n->len, q, sizeof(q)),
		    SCN_ID_MAX);
	if (str_copy(scn->id, n->str, sizeof(scn->id)) == -1)
		fatalx("scn_parse_head: id bound");

	if ((n = ytree_map_need(&ld->yt, root, NULL, "title")) == NULL ||
	    ytree_get_str(&ld->yt, n, "title", scn->title,
	    sizeof(scn->title)) == -1)
		return -1;
	if (scn->title[0] == '\0')
		return ytree_error(&ld->yt, n, "title: must not be empty");
	if (ytree_has_ctl(scn->title))
		return ytree_error(&ld->yt, n, "title: must be one line "
		    "without control characters");

	if ((n = ytree_map_need(&ld->yt, root, NULL, "clauses")) == NULL ||
	    scn_parse_clauses(ld, n) == -1)
		return -1;

	if ((n = ytree_map_need(&ld->yt, root, NULL, "strength")) == NULL ||
	    ytree_get_enum(&ld->yt, n, "strength", scn_strength_names,
	    &v) == -1)
		return -1;
	scn->strength = (enum scn_strength)v;
	return 0;
}

/* scn_parse_clauses - 1..SCN_CLAUSES_MAX unique requirement ids */
static int
scn_parse_clauses(struct scn_loader *ld, const struct ytree_node *n)
{
	struct scenario		*scn = ld->scn;
	const struct ytree_node	*c;
	char			 q[YTREE_QUOTE_BUF];
	size_t			 i, j;

	if (ytree_want(&ld->yt, n, YTREE_SEQ, "clauses") == -1)
		return -1;
	if (n->nkids == 0)
		return ytree_error(&ld->yt, n, "clauses: at least one clause "
		    "needed");
	if (n->nkids > SCN_CLAUSES_MAX)
		return ytree_error(&ld->yt, n->kids[SCN_CLAUSES_MAX],
		    "clauses: too many clauses (at most %d)", SCN_CLAUSES_MAX);
	for (i = 0; i < n->nkids; i++) {
		c = n->kids[i];
		if (ytree_want(&ld->yt, c, YTREE_SCALAR, "clauses") == -1)
			return -1;
		if (c->len >= SCN_CLAUSE_MAX || !scn_is_clause(c->str))
			return ytree_error(&ld->yt, c, "clauses: bad clause "
			    "\"%s\" (want ^(R|TR)-[0-9A-Za-z.-]+$, at most %d "
			    "chars)", ytree_quote(c->str, c->len, q, sizeof(q)),
			    SCN_CLAUSE_MAX - 1);
		for (j = 0; j < i; j++)
			if (strcmp(scn->clauses[j], c->str) == 0)
				return ytree_error(&ld->yt, c, "clauses: "
				    "duplicate clause \"%s\"", c->str);
		if (str_copy(scn->clauses[i], c->str, SCN_CLAUSE_MAX) == -1)
			fatalx("scn_parse_clauses: clause bound");
	}
	scn->nclauses = n->nkids;
	return 0;
}

/* scn_world_w0 - the standard world, rfc8461-catalog.md §0.4 */
static void
scn_world_w0(struct scn_world *w, struct scn_pfields *pf)
{
	size_t	i;

	memset(w, 0, sizeof(*w));
	memset(pf, 0, sizeof(*pf));
	for (i = 0; scn_w0_records[i] != NULL; i++)
		w->records[i] = xstrdup(scn_w0_records[i]);
	w->nrecords = i;
	w->nfaults = 0;
	if (str_copy(pf->mode, "enforce", sizeof(pf->mode)) == -1 ||
	    str_copy(pf->mx[0], "mx1.{domain}", sizeof(pf->mx[0])) == -1)
		fatalx("scn_world_w0: policy bound");
	pf->nmx = 1;
	pf->max_age = 86400;
	w->policy.serve = POLICY_SERVE_ANSWER;
	w->policy.body = scn_policy_render(pf);
	w->policy.status = 200;
	if (str_copy(w->policy.content_type, "text/plain",
	    sizeof(w->policy.content_type)) == -1)
		fatalx("scn_world_w0: content type bound");
	w->policy.cert = CERT_VALID;
	if (str_copy(w->hosts[0].label, "mx1", SCN_LABEL_MAX) == -1)
		fatalx("scn_world_w0: label bound");
	w->hosts[0].starttls = MX_STARTTLS_OFFER;
	w->hosts[0].cert = CERT_VALID;
	w->hosts[0].attacker = false;
	w->nhosts = 1;
}

/*
 * scn_policy_render - RFC 8461 §3.2 policy text, CRLF line endings, in
 * the order version, mode, mx..., max_age; "{domain}" left for the runner
 */
static char *
scn_policy_render(const struct scn_pfields *pf)
{
	size_t	cap, len = 0, i;
	char	*body;
	int	n;

	cap = 64 + strlen(pf->mode);
	for (i = 0; i < pf->nmx; i++)
		cap += 8 + strlen(pf->mx[i]);
	body = xmalloc(cap);
	n = snprintf(body, cap, "version: STSv1\r\nmode: %s\r\n", pf->mode);
	if (n < 0 || (size_t)n >= cap)
		fatalx("scn_policy_render: bound");
	len = (size_t)n;
	for (i = 0; i < pf->nmx; i++) {
		n = snprintf(body + len, cap - len, "mx: %s\r\n", pf->mx[i]);
		if (n < 0 || (size_t)n >= cap - len)
			fatalx("scn_policy_render: bound");
		len += (size_t)n;
	}
	n = snprintf(body + len, cap - len, "max_age: %lu\r\n", pf->max_age);
	if (n < 0 || (size_t)n >= cap - len)
		fatalx("scn_policy_render: bound");
	return body;
}

bool
scenario_signed(const struct scenario *scn)
{
	return scn->clean.dnssec || (scn->has_attack && scn->attacked.dnssec);
}

/* scn_world_copy - deep copy; dst must own nothing */
static void
scn_world_copy(struct scn_world *dst, const struct scn_world *src)
{
	size_t	i;

	memcpy(dst, src, sizeof(*dst));
	for (i = 0; i < src->nrecords; i++)
		dst->records[i] = xstrdup(src->records[i]);
	dst->policy.body = src->policy.body != NULL ?
	    xstrdup(src->policy.body) : NULL;
}

/* scn_world_clear_records - free every record line */
static void
scn_world_clear_records(struct scn_world *w)
{
	size_t	i;

	for (i = 0; i < w->nrecords; i++) {
		free(w->records[i]);
		w->records[i] = NULL;
	}
	w->nrecords = 0;
}

static void
scn_world_clear(struct scn_world *w)
{
	scn_world_clear_records(w);
	free(w->policy.body);
	w->policy.body = NULL;
}

/*
 * scn_expand_run - the expander. Placeholders are checked even when the
 * output does not fit, so a NULL out (outsz 0) validates a template.
 */
static int
scn_expand_run(const char *tmpl, const char *domain,
    const struct scn_world *w, unsigned int a, unsigned int b, char *out,
    size_t outsz, struct err *err)
{
	const char	*p, *close, *rep;
	char		 name[SCN_LABEL_MAX], addr[16], q[YTREE_QUOTE_BUF];
	char		 over[YTREE_QUOTE_BUF + 2];	/* "{" q "}" */
	size_t		 len = 0, nlen, rlen;
	int		 octet;
	bool		 ph;

	over[0] = '\0';
	name[0] = '\0';
	for (p = tmpl; *p != '\0'; ) {
		ph = *p == '{';
		if (!ph) {
			rep = p;
			rlen = strcspn(p, "{");
			p += rlen;
		} else {
			close = strchr(p, '}');
			if (close == NULL)
				return err_set(err, ERR_SYNTAX, "unclosed "
				    "placeholder \"%s\"", ytree_quote(p,
				    strlen(p), q, sizeof(q)));
			nlen = (size_t)(close - p - 1);
			if (nlen >= sizeof(name))
				return err_set(err, ERR_SYNTAX, "unknown "
				    "placeholder \"%s\"", ytree_quote(p,
				    (size_t)(close - p + 1), q, sizeof(q)));
			memcpy(name, p + 1, nlen);
			name[nlen] = '\0';
			if (strcmp(name, "domain") == 0)
				rep = domain;
			else if ((octet = scenario_host_octet(w, name)) >= 0) {
				if (str_fmt(addr, sizeof(addr), "127.%u.%u.%d",
				    a, b, octet) == -1)
					fatalx("scn_expand_run: address");
				rep = addr;
			} else
				return err_set(err, ERR_SYNTAX, "unknown "
				    "placeholder \"{%s}\"", ytree_quote(name,
				    nlen, q, sizeof(q)));
			rlen = strlen(rep);
			p = close + 1;
		}
		if (out != NULL && over[0] == '\0' && len + rlen >= outsz) {
			if (ph)
				(void)snprintf(over, sizeof(over), "{%s}",
				    ytree_quote(name, nlen, q, sizeof(q)));
			else
				(void)ytree_quote(rep, rlen, over,
				    sizeof(over));
		}
		if (out != NULL && over[0] == '\0')
			memcpy(out + len, rep, rlen);
		len += rlen;
	}
	if (out == NULL)
		return 0;
	if (over[0] != '\0') {
		out[0] = '\0';
		return err_set(err, ERR_RANGE, "expansion overflows %zu bytes "
		    "at \"%s\"", outsz, over);
	}
	out[len] = '\0';
	return 0;
}

int
scenario_expand(const char *tmpl, const char *domain,
    const struct scn_world *w, unsigned int a, unsigned int b, char *out,
    size_t outsz, struct err *err)
{
	if (outsz == 0)
		return err_set(err, ERR_RANGE, "scenario_expand: no room");
	out[0] = '\0';
	if (a > 255 || b > 255)
		return err_set(err, ERR_RANGE, "scenario_expand: address "
		    "octets %u.%u out of range", a, b);
	if (scn_expand_run(tmpl, domain, w, a, b, out, outsz, err) == -1) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

int
scenario_host_find(const struct scn_world *w, const char *label)
{
	size_t	i;

	if (w == NULL)
		return -1;
	for (i = 0; i < w->nhosts; i++)
		if (strcmp(w->hosts[i].label, label) == 0)
			return (int)i;
	return -1;
}

int
scenario_rcpt_domain(const struct scn_step *st, const char *domain, char *out,
    size_t size)
{
	if (st->to[0] == '\0' || strcmp(st->to, "@") == 0)
		return str_copy(out, domain, size);
	return str_fmt(out, size, "%s.%s", st->to, domain);
}

int
scenario_rcpt_addr(const struct scn_step *st, const struct scn_world *w,
    const char *domain, unsigned int a, unsigned int b, char *out,
    size_t size)
{
	int	octet;

	if (!st->to_literal)
		return scenario_rcpt_domain(st, domain, out, size);
	if ((octet = scenario_host_octet(w, st->to)) == -1 ||
	    strcmp(st->to, SCN_POLICY_LABEL) == 0)
		return -1;
	return str_fmt(out, size, "[127.%u.%u.%d]", a, b, octet);
}

int
scenario_relay_domain(const struct scn_step *st, const char *domain,
    char *out, size_t size)
{
	if (st->relay[0] == '\0')
		return str_copy(out, "", size);
	if (strcmp(st->relay, "@") == 0)
		return str_copy(out, domain, size);
	return str_fmt(out, size, "%s.%s", st->relay, domain);
}

int
scenario_host_octet(const struct scn_world *w, const char *label)
{
	int	i;

	if (strcmp(label, SCN_POLICY_LABEL) == 0)
		return SCN_POLICY_OCTET;
	if ((i = scenario_host_find(w, label)) == -1)
		return -1;
	return SCN_HOST_OCTET0 + i;
}

/* scn_check_template - placeholders of a template all resolve in w */
static int
scn_check_template(struct scn_loader *ld, const struct scn_world *w,
    const char *tmpl, const struct ytree_node *n, const char *what)
{
	struct err	e;

	err_clear(&e);
	if (scn_expand_run(tmpl, SCN_CHECK_DOMAIN, w, SCN_CHECK_A,
	    SCN_CHECK_B, NULL, 0, &e) == -1)
		return ytree_error(&ld->yt, n, "%s: %s", what, e.msg);
	return 0;
}

/*
 * scn_check_record - expand one zone line as the runner will and let ldns
 * parse it; optionally hand back its owner (caller frees) and type
 */
static int
scn_check_record(struct scn_loader *ld, const struct scn_world *w,
    const char *text, const struct ytree_node *n, const char *what,
    ldns_rdf **owner, ldns_rr_type *type)
{
	struct err	 e;
	ldns_rr		*rr = NULL;
	ldns_status	 st;
	char		 buf[SCN_RECORD_EXPANDED_MAX];
	char		 q[YTREE_QUOTE_BUF];

	(void)ytree_quote(text, strlen(text), q, sizeof(q));
	if (text[0] == '\0' || text[0] == ' ' || text[0] == '\t' ||
	    text[0] == '$')
		return ytree_error(&ld->yt, n, "%s \"%s\": must start with an "
		    "owner name", what, q);
	err_clear(&e);
	if (scenario_expand(text, SCN_CHECK_DOMAIN, w, SCN_CHECK_A,
	    SCN_CHECK_B, buf, sizeof(buf), &e) == -1) {
		if (e.code == ERR_RANGE)
			return ytree_error(&ld->yt, n, "%s \"%s\": %s ("
			    SCN_CHECK_HINT ")", what, q, e.msg, SCN_DOMAIN_LEN);
		return ytree_error(&ld->yt, n, "%s \"%s\": %s", what, q, e.msg);
	}
	st = ldns_rr_new_frm_str(&rr, buf, SCN_DEFAULT_TTL, ld->origin, NULL);
	if (st != LDNS_STATUS_OK)
		return ytree_error(&ld->yt, n, "%s \"%s\": %s", what, q,
		    ldns_get_errorstr_by_id(st));
	if (ldns_rr_get_type(rr) == 0) {
		ldns_rr_free(rr);
		return ytree_error(&ld->yt, n, "%s \"%s\": unknown RR type",
		    what, q);
	}
	if (!scn_rr_names_fit(rr)) {
		ldns_rr_free(rr);
		return ytree_error(&ld->yt, n, "%s \"%s\": a name longer than "
		    "%d bytes (" SCN_CHECK_HINT ")", what, q, DNS_NAME_MAX,
		    SCN_DOMAIN_LEN);
	}
	if (owner != NULL)
		*owner = ldns_rdf_clone(ldns_rr_owner(rr));
	if (type != NULL)
		*type = ldns_rr_get_type(rr);
	ldns_rr_free(rr);
	return 0;
}

/*
 * scn_rr_names_fit - owner and every name in the rdata at most
 * DNS_NAME_MAX on the wire: ldns appends the origin to a relative name
 * without checking the sum, and neither does the zone at run time
 */
static bool
scn_rr_names_fit(const ldns_rr *rr)
{
	const ldns_rdf	*rd;
	size_t		 i;

	if (ldns_rdf_size(ldns_rr_owner(rr)) > DNS_NAME_MAX)
		return false;
	for (i = 0; i < ldns_rr_rd_count(rr); i++) {
		rd = ldns_rr_rdf(rr, i);
		if (ldns_rdf_get_type(rd) == LDNS_RDF_TYPE_DNAME &&
		    ldns_rdf_size(rd) > DNS_NAME_MAX)
			return false;
	}
	return true;
}

/*
 * scn_relname_fits - a relative name of len bytes, with the longest domain
 * appended, fits DNS_NAME_MAX on the wire (a length byte per label and
 * the root's: the text's dots become length bytes, plus two)
 */
static bool
scn_relname_fits(size_t len)
{
	return len + 1 + SCN_DOMAIN_LEN + 2 <= DNS_NAME_MAX;
}

/*
 * scn_check_fault_name - a fault owner is "@" or a relative name; the
 * world builder appends the domain, so placeholders and absolute names
 * have no meaning here
 */
static int
scn_check_fault_name(struct scn_loader *ld, const struct ytree_node *n)
{
	char	q[YTREE_QUOTE_BUF];

	(void)ytree_quote(n->str, n->len, q, sizeof(q));
	if (n->len >= SCN_NAME_MAX)
		return ytree_error(&ld->yt, n, "faults: name longer than %d "
		    "bytes", SCN_NAME_MAX - 1);
	if (strcmp(n->str, "@") == 0)
		return 0;
	if (strpbrk(n->str, "{}") != NULL)
		return ytree_error(&ld->yt, n, "faults: name \"%s\": "
		    "placeholders are not allowed (names are relative to the "
		    "domain)", q);
	if (n->str[0] == '*' || !scn_is_relname(n->str))
		return ytree_error(&ld->yt, n, "faults: bad owner name \"%s\" "
		    "(want \"@\" or a relative name like \"_mta-sts\")", q);
	if (!scn_relname_fits(n->len))
		return ytree_error(&ld->yt, n, "faults: name \"%s\" makes a "
		    "name longer than %d bytes (" SCN_CHECK_HINT ")", q,
		    DNS_NAME_MAX, SCN_DOMAIN_LEN);
	return 0;
}

/* scn_parse_host - one host's settings over its current values */
static int
scn_parse_host(struct scn_loader *ld, const struct ytree_node *n,
    const char *label, struct scn_host *h)
{
	struct scn_field_ctx	cx = { &ld->yt, NULL, NULL };
	char			what[SCN_LABEL_MAX + 32];

	(void)snprintf(what, sizeof(what), "host \"%s\"", label);
	if (scn_fields_parse(&cx, n, what, scn_host_fields(), h) == -1)
		return -1;
	/* the record is _25._tcp.<label>.<domain> ("@": of the domain) */
	if (h->tlsa != SCN_TLSA_NONE && strcmp(label, "@") != 0 &&
	    !scn_relname_fits(strlen(label) + strlen(SCN_TLSA_PREFIX)))
		return ytree_error(&ld->yt, ytree_map_get(n, "tlsa"), "%s: "
		    "tlsa: the record's name %s%s.<domain> would be longer "
		    "than %d bytes (" SCN_CHECK_HINT ")", what,
		    SCN_TLSA_PREFIX, label, DNS_NAME_MAX, SCN_DOMAIN_LEN);
	return 0;
}

/*
 * scn_check_cert_for - h's cert_for, once every host of w is known: it
 * names another host of w, and the certificate is a valid one (for that
 * host's name); n is h's settings, errors point at cert_for or at n
 */
static int
scn_check_cert_for(struct scn_loader *ld, const struct ytree_node *n,
    const struct scn_world *w, const struct scn_host *h, const char *what)
{
	const struct ytree_node	*at;
	char			 q[YTREE_QUOTE_BUF];

	if (h->cert_for[0] == '\0')
		return 0;
	if ((at = ytree_map_get(n, "cert_for")) == NULL)
		at = n;
	if (scenario_host_find(w, h->cert_for) == -1)
		return ytree_error(&ld->yt, at, "%s: host \"%s\": cert_for: "
		    "unknown host \"%s\"", what, h->label, ytree_quote(
		    h->cert_for, strlen(h->cert_for), q, sizeof(q)));
	if (strcmp(h->cert_for, h->label) == 0)
		return ytree_error(&ld->yt, at, "%s: host \"%s\": cert_for "
		    "names the host itself (leave it out)", what, h->label);
	if (h->cert != CERT_VALID)
		return ytree_error(&ld->yt, at, "%s: host \"%s\": cert_for "
		    "needs cert: valid, not %s", what, h->label,
		    cert_profile_str(h->cert));
	return 0;
}

/*
 * scn_parse_hosts - world.hosts replaces the host list (order = address
 * order); attack.hosts overrides per field or appends, marking attackers
 */
static int
scn_parse_hosts(struct scn_loader *ld, const struct ytree_node *n,
    struct scn_world *w, bool overlay)
{
	const char		*what = overlay ? "attack.hosts" :
				    "world.hosts";
	struct scn_host		*h;
	char			 label[SCN_LABEL_MAX];
	size_t			 i;
	int			 idx;

	if (ytree_want(&ld->yt, n, YTREE_MAP, what) == -1)
		return -1;
	if (n->nkids / 2 > SCN_HOSTS_MAX)
		return ytree_error(&ld->yt, n->kids[2 * SCN_HOSTS_MAX], "%s: "
		    "too many hosts (at most %d)", what, SCN_HOSTS_MAX);
	if (ytree_map_check(&ld->yt, n, what, NULL) == -1)
		return -1;
	if (!overlay)
		w->nhosts = 0;
	for (i = 0; i + 1 < n->nkids; i += 2) {
		if (scn_check_label(ld, n->kids[i], what, label) == -1)
			return -1;
		idx = overlay ? scenario_host_find(w, label) : -1;
		if (idx >= 0)
			h = &w->hosts[idx];
		else {
			if (w->nhosts == SCN_HOSTS_MAX)
				return ytree_error(&ld->yt, n->kids[i], "%s: "
				    "too many hosts in the attacked world (at "
				    "most %d)", what, SCN_HOSTS_MAX);
			h = &w->hosts[w->nhosts++];
			memset(h, 0, sizeof(*h));
			memcpy(h->label, label, sizeof(h->label));
			h->starttls = MX_STARTTLS_OFFER;
			h->cert = CERT_VALID;
		}
		if (scn_parse_host(ld, n->kids[i + 1], label, h) == -1)
			return -1;
		h->attacker = overlay;
	}
	/* cert_for may name a host listed after it */
	for (i = 0; i + 1 < n->nkids; i += 2) {
		idx = scenario_host_find(w, n->kids[i]->str);
		if (idx == -1)
			fatalx("scn_parse_hosts: host \"%s\" lost",
			    n->kids[i]->str);
		if (scn_check_cert_for(ld, n->kids[i + 1], w, &w->hosts[idx],
		    what) == -1)
			return -1;
	}
	return 0;
}

/* scn_parse_records - world.records replaces the W0 list */
static int
scn_parse_records(struct scn_loader *ld, const struct ytree_node *n,
    struct scn_world *w)
{
	const struct ytree_node	*r;
	char			 line[SCN_RECORD_MAX];
	size_t			 i;

	if (ytree_want(&ld->yt, n, YTREE_SEQ, "world.records") == -1)
		return -1;
	if (n->nkids > SCN_RECORDS_MAX)
		return ytree_error(&ld->yt, n->kids[SCN_RECORDS_MAX],
		    "world.records: too many records (at most %d)",
		    SCN_RECORDS_MAX);
	scn_world_clear_records(w);
	for (i = 0; i < n->nkids; i++) {
		r = n->kids[i];
		if (ytree_get_str(&ld->yt, r, "world.records", line,
		    sizeof(line)) == -1 ||
		    scn_check_record(ld, w, r->str, r, "record", NULL,
		    NULL) == -1)
			return -1;
		w->records[i] = xstrdup(line);
		w->nrecords = i + 1;
	}
	return 0;
}

/* scn_world_delete_record - drop records[i], keeping the order */
static void
scn_world_delete_record(struct scn_world *w, size_t i)
{
	free(w->records[i]);
	memmove(&w->records[i], &w->records[i + 1], (w->nrecords - i - 1) *
	    sizeof(w->records[0]));
	w->records[--w->nrecords] = NULL;
}

/* scn_overlay_remove - attack.remove: drop whole "owner TYPE" RRsets */
static int
scn_overlay_remove(struct scn_loader *ld, const struct ytree_node *n,
    struct scn_world *w)
{
	const struct ytree_node	*r;
	struct err		 e;
	ldns_rdf		*owner = NULL, *rowner;
	ldns_rr_type		 type, rtype;
	char			 own[SCN_NAME_MAX], typ[16];
	char			 buf[SCN_EXPAND_MAX];
	char			 q[YTREE_QUOTE_BUF];
	const char		*p, *t, *rest;
	size_t			 i, j, ol, tl, hits;

	if (ytree_want(&ld->yt, n, YTREE_SEQ, "attack.remove") == -1)
		return -1;
	if (n->nkids > SCN_RECORDS_MAX)
		return ytree_error(&ld->yt, n->kids[SCN_RECORDS_MAX],
		    "attack.remove: too many entries (at most %d)",
		    SCN_RECORDS_MAX);
	for (i = 0; i < n->nkids; i++) {
		r = n->kids[i];
		if (ytree_want(&ld->yt, r, YTREE_SCALAR, "attack.remove") == -1)
			return -1;
		(void)ytree_quote(r->str, r->len, q, sizeof(q));
		p = r->str + strspn(r->str, " \t");
		ol = strcspn(p, " \t");
		t = p + ol + strspn(p + ol, " \t");
		tl = strcspn(t, " \t");
		rest = t + tl + strspn(t + tl, " \t");
		if (ol == 0 || tl == 0 || *rest != '\0' || ol >= sizeof(own) ||
		    tl >= sizeof(typ))
			return ytree_error(&ld->yt, r, "attack.remove: \"%s\": "
			    "want \"owner TYPE\"", q);
		memcpy(own, p, ol);
		own[ol] = '\0';
		memcpy(typ, t, tl);
		typ[tl] = '\0';
		if ((type = ldns_get_rr_type_by_name(typ)) == 0)
			return ytree_error(&ld->yt, r, "attack.remove: \"%s\": "
			    "unknown RR type \"%s\"", q, typ);
		err_clear(&e);
		if (scenario_expand(own, SCN_CHECK_DOMAIN, w, SCN_CHECK_A,
		    SCN_CHECK_B, buf, sizeof(buf), &e) == -1)
			return ytree_error(&ld->yt, r, "attack.remove: \"%s\": "
			    "%s", q, e.msg);
		if (strcmp(buf, "@") == 0)
			owner = ldns_rdf_clone(ld->origin);
		else if ((owner = ldns_dname_new_frm_str(buf)) != NULL &&
		    !ldns_dname_str_absolute(buf) &&
		    ldns_dname_cat(owner, ld->origin) != LDNS_STATUS_OK) {
			ldns_rdf_deep_free(owner);
			owner = NULL;
		}
		if (owner == NULL)
			return ytree_error(&ld->yt, r, "attack.remove: \"%s\": "
			    "bad owner name", q);
		hits = 0;
		for (j = 0; j < w->nrecords; ) {
			if (scn_check_record(ld, w, w->records[j], r, "record",
			    &rowner, &rtype) == -1) {
				ldns_rdf_deep_free(owner);
				return -1;
			}
			if (rtype == type &&
			    ldns_dname_compare(rowner, owner) == 0) {
				scn_world_delete_record(w, j);
				hits++;
			} else
				j++;
			ldns_rdf_deep_free(rowner);
		}
		ldns_rdf_deep_free(owner);
		if (hits == 0)
			return ytree_error(&ld->yt, r, "attack.remove: \"%s\" "
			    "matches no record", q);
	}
	return 0;
}

/*
 * scn_overlay_records - attack.records: each replaces the whole clean
 * RRset with its owner and type (records of the overlay itself never
 * replace each other), else is added. Result: the surviving records in
 * their order, then the overlay's records in theirs.
 */
static int
scn_overlay_records(struct scn_loader *ld, const struct ytree_node *n,
    struct scn_world *w)
{
	const struct ytree_node	*r;
	ldns_rdf		*owners[SCN_RECORDS_MAX], *rowner;
	ldns_rr_type		 types[SCN_RECORDS_MAX], rtype;
	size_t			 i, j, nnew = 0;
	bool			 hit;
	int			 rc = -1;

	if (ytree_want(&ld->yt, n, YTREE_SEQ, "attack.records") == -1)
		return -1;
	if (n->nkids > SCN_RECORDS_MAX)
		return ytree_error(&ld->yt, n->kids[SCN_RECORDS_MAX],
		    "attack.records: too many records (at most %d)",
		    SCN_RECORDS_MAX);
	for (i = 0; i < n->nkids; i++) {
		r = n->kids[i];
		if (ytree_want(&ld->yt, r, YTREE_SCALAR,
		    "attack.records") == -1)
			goto out;
		if (r->len >= SCN_RECORD_MAX) {
			(void)ytree_error(&ld->yt, r, "attack.records: longer "
			    "than %d bytes", SCN_RECORD_MAX - 1);
			goto out;
		}
		if (scn_check_record(ld, w, r->str, r, "record", &owners[nnew],
		    &types[nnew]) == -1)
			goto out;
		nnew++;
	}
	for (j = 0; j < w->nrecords; ) {
		if (scn_check_record(ld, w, w->records[j], n, "record",
		    &rowner, &rtype) == -1)
			goto out;
		hit = false;
		for (i = 0; i < nnew && !hit; i++)
			hit = types[i] == rtype &&
			    ldns_dname_compare(owners[i], rowner) == 0;
		ldns_rdf_deep_free(rowner);
		if (hit)
			scn_world_delete_record(w, j);
		else
			j++;
	}
	if (w->nrecords + nnew > SCN_RECORDS_MAX) {
		(void)ytree_error(&ld->yt, n, "attack.records: too many "
		    "records in the attacked world (at most %d)",
		    SCN_RECORDS_MAX);
		goto out;
	}
	for (i = 0; i < nnew; i++)
		w->records[w->nrecords++] = xstrdup(n->kids[i]->str);
	rc = 0;
out:
	for (i = 0; i < nnew; i++)
		ldns_rdf_deep_free(owners[i]);
	return rc;
}

/* scn_parse_faults - owner -> fault; the overlay adds or overrides */
static int
scn_parse_faults(struct scn_loader *ld, const struct ytree_node *n,
    struct scn_world *w, bool overlay)
{
	const char		*what = overlay ? "attack.faults" :
				    "world.faults";
	struct scn_field_ctx	 cx = { &ld->yt, NULL, NULL };
	struct scn_fault	*f;
	enum dns_fault		 v;
	size_t			 i, k;

	if (ytree_want(&ld->yt, n, YTREE_MAP, what) == -1)
		return -1;
	if (n->nkids / 2 > SCN_FAULTS_MAX)
		return ytree_error(&ld->yt, n->kids[2 * SCN_FAULTS_MAX], "%s: "
		    "too many faults (at most %d)", what, SCN_FAULTS_MAX);
	if (ytree_map_check(&ld->yt, n, what, NULL) == -1)
		return -1;
	for (i = 0; i + 1 < n->nkids; i += 2) {
		if (scn_check_fault_name(ld, n->kids[i]) == -1 ||
		    scn_field_value(&cx, n->kids[i + 1], what, SCN_T_FAULT,
		    &v) == -1)
			return -1;
		f = NULL;
		for (k = 0; k < w->nfaults && f == NULL; k++)
			if (str_eq_ci(w->faults[k].name, n->kids[i]->str))
				f = &w->faults[k];
		if (f == NULL) {
			if (w->nfaults == SCN_FAULTS_MAX)
				return ytree_error(&ld->yt, n->kids[i], "%s: "
				    "too many faults in the attacked world (at "
				    "most %d)", what, SCN_FAULTS_MAX);
			f = &w->faults[w->nfaults++];
			if (str_copy(f->name, n->kids[i]->str,
			    sizeof(f->name)) == -1)
				fatalx("scn_parse_faults: name bound");
		}
		f->fault = v;
	}
	return 0;
}

/*
 * scn_mx_name - a policy mx entry as a template: "*" -> "*.{domain}",
 * a relative name gets ".{domain}", "name." is absolute (dot dropped),
 * anything else is literal text (for malformed-policy tests)
 */
static int
scn_mx_name(const char *in, char *out, size_t size)
{
	size_t	len = strlen(in);

	if (strcmp(in, "*") == 0)
		return str_copy(out, "*.{domain}", size);
	if (len > 1 && in[len - 1] == '.' && in[len - 2] != '.') {
		if (len >= size)
			return -1;
		memcpy(out, in, len - 1);
		out[len - 1] = '\0';
		return 0;
	}
	if (scn_is_relname(in))
		return str_fmt(out, size, "%s.{domain}", in);
	return str_copy(out, in, size);
}

/* scn_parse_policy_mx - the mx list, each entry made a template */
static int
scn_parse_policy_mx(struct scn_loader *ld, const struct ytree_node *n,
    const struct scn_world *w, struct scn_pfields *pf)
{
	const struct ytree_node	*m;
	char			 q[YTREE_QUOTE_BUF];
	size_t			 i;

	if (ytree_want(&ld->yt, n, YTREE_SEQ, "policy.mx") == -1)
		return -1;
	if (n->nkids > SCN_POLICY_MX_MAX)
		return ytree_error(&ld->yt, n->kids[SCN_POLICY_MX_MAX],
		    "policy.mx: too many entries (at most %d)",
		    SCN_POLICY_MX_MAX);
	for (i = 0; i < n->nkids; i++) {
		m = n->kids[i];
		if (ytree_want(&ld->yt, m, YTREE_SCALAR, "policy.mx") == -1)
			return -1;
		if (m->len >= SCN_NAME_MAX ||
		    scn_mx_name(m->str, pf->mx[i], sizeof(pf->mx[i])) == -1)
			return ytree_error(&ld->yt, m, "policy.mx: longer than "
			    "%d bytes", SCN_NAME_MAX - 1);
		if (scn_check_template(ld, w, pf->mx[i], m, "policy.mx") == -1)
			return -1;
		/* a name the loader completes must stay a name at run time */
		if (scn_is_relname(m->str) && !scn_relname_fits(m->len))
			return ytree_error(&ld->yt, m, "policy.mx: \"%s\" "
			    "makes a name longer than %d bytes (" SCN_CHECK_HINT
			    ")", ytree_quote(m->str, m->len, q, sizeof(q)),
			    DNS_NAME_MAX, SCN_DOMAIN_LEN);
	}
	pf->nmx = n->nkids;
	return 0;
}

/*
 * scn_parse_policy - world.policy over W0, or attack.policy over the clean
 * policy. pf holds the fields a body is rendered from; a raw body leaves
 * them alone, so an attack that changes mode/mx/max_age of a raw-body
 * policy renders from the W0 fields plus its changes.
 */
static int
scn_parse_policy(struct scn_loader *ld, const struct ytree_node *n,
    struct scn_world *w, struct scn_pfields *pf, const char *what)
{
	struct scn_field_ctx	 cx = { &ld->yt, NULL, NULL };
	struct scn_policy	*p = &w->policy;
	const struct ytree_node	*v, *body, *field = NULL;
	char			 ctype[SCN_CTYPE_MAX];
	unsigned long		 u;
	bool			 rerender = false;

	if (ytree_want(&ld->yt, n, YTREE_MAP, what) == -1 ||
	    ytree_map_check(&ld->yt, n, what, scn_policy_keys) == -1)
		return -1;
	body = ytree_map_get(n, "body");
	if ((field = ytree_map_key(n, "mode")) == NULL &&
	    (field = ytree_map_key(n, "mx")) == NULL)
		field = ytree_map_key(n, "max_age");
	if (body != NULL && field != NULL)
		return ytree_error(&ld->yt, ytree_map_key(n, "body"), "%s: "
		    "body excludes mode, mx and max_age (\"%s\" at %lu:%lu)",
		    what, field->str, field->line, field->col);
	if ((v = ytree_map_get(n, "mode")) != NULL) {
		if (ytree_get_str(&ld->yt, v, "policy.mode", pf->mode,
		    sizeof(pf->mode)) == -1 ||
		    scn_check_template(ld, w, pf->mode, v, "policy.mode") == -1)
			return -1;
		rerender = true;
	}
	if ((v = ytree_map_get(n, "mx")) != NULL) {
		if (scn_parse_policy_mx(ld, v, w, pf) == -1)
			return -1;
		rerender = true;
	}
	if ((v = ytree_map_get(n, "max_age")) != NULL) {
		if (ytree_get_uint(&ld->yt, v, "policy.max_age", 0,
		    SCN_UINT32_MAX, &pf->max_age) == -1)
			return -1;
		rerender = true;
	}
	if (body != NULL) {
		if (ytree_want(&ld->yt, body, YTREE_SCALAR,
		    "policy.body") == -1)
			return -1;
		if (body->len > SCN_BODY_MAX)
			return ytree_error(&ld->yt, body, "policy.body: longer "
			    "than %d bytes", SCN_BODY_MAX);
		if (scn_check_template(ld, w, body->str, body,
		    "policy.body") == -1)
			return -1;
		free(p->body);
		p->body = xstrdup(body->str);
	} else if (rerender) {
		free(p->body);
		p->body = scn_policy_render(pf);
	}
	if ((v = ytree_map_get(n, "status")) != NULL) {
		if (ytree_get_uint(&ld->yt, v, "policy.status", 100, 599,
		    &u) == -1)
			return -1;
		p->status = (int)u;
	}
	if ((v = ytree_map_get(n, "content_type")) != NULL) {
		if (ytree_get_str(&ld->yt, v, "policy.content_type", ctype,
		    sizeof(ctype)) == -1)
			return -1;
		if (ytree_has_ctl(ctype))
			return ytree_error(&ld->yt, v, "policy.content_type: "
			    "control characters not allowed");
		memcpy(p->content_type, ctype, sizeof(p->content_type));
	}
	if ((v = ytree_map_get(n, "cert")) != NULL &&
	    scn_field_value(&cx, v, "policy.cert", SCN_T_CERT,
	    &p->cert) == -1)
		return -1;
	if ((v = ytree_map_get(n, "serve")) != NULL &&
	    scn_field_value(&cx, v, "policy.serve", SCN_T_SERVE,
	    &p->serve) == -1)
		return -1;
	if ((v = ytree_map_get(n, "sni")) != NULL &&
	    scn_field_value(&cx, v, "policy.sni", SCN_T_PSNI, &p->sni) == -1)
		return -1;
	if ((v = ytree_map_get(n, "tls")) != NULL &&
	    scn_field_value(&cx, v, "policy.tls", SCN_T_TLS, &p->tls) == -1)
		return -1;
	if ((v = ytree_map_get(n, "pad")) != NULL) {
		if (ytree_get_uint(&ld->yt, v, "policy.pad", 0, POLICY_PAD_MAX,
		    &u) == -1)
			return -1;
		p->pad = u;
	}
	if ((v = ytree_map_get(n, "trickle_sec")) != NULL) {
		if (ytree_get_uint(&ld->yt, v, "policy.trickle_sec", 1,
		    POLICY_TRICKLE_MAX, &u) == -1)
			return -1;
		p->trickle_sec = (unsigned int)u;
	}
	if ((v = ytree_map_get(n, "validators")) != NULL &&
	    ytree_get_bool(&ld->yt, v, "policy.validators",
	    &p->validators) == -1)
		return -1;
	if ((v = ytree_map_get(n, "location")) != NULL &&
	    scn_parse_location(ld, v, w) == -1)
		return -1;
	return 0;
}

/*
 * scn_parse_location - a Location template: it must expand (checked with
 * the longest domain) to https://HOST/PATH, PATH not the policy's own
 */
static int
scn_parse_location(struct scn_loader *ld, const struct ytree_node *v,
    struct scn_world *w)
{
	struct scn_policy	*p = &w->policy;
	struct err		 e;
	char			 buf[POLICY_LOCATION_MAX];
	char			 host[SCN_NAME_MAX], path[POLICY_LOCATION_MAX];
	char			 q[YTREE_QUOTE_BUF];

	if (ytree_get_str(&ld->yt, v, "policy.location", p->location,
	    sizeof(p->location)) == -1 ||
	    scn_check_template(ld, w, p->location, v, "policy.location") == -1)
		return -1;
	(void)ytree_quote(p->location, strlen(p->location), q, sizeof(q));
	err_clear(&e);
	if (scenario_expand(p->location, SCN_CHECK_DOMAIN, w, SCN_CHECK_A,
	    SCN_CHECK_B, buf, sizeof(buf), &e) == -1)
		return ytree_error(&ld->yt, v, "policy.location \"%s\": %s ("
		    SCN_CHECK_HINT ")", q, e.msg, SCN_DOMAIN_LEN);
	if (policy_location_split(buf, host, sizeof(host), path,
	    sizeof(path)) == -1 || (strcmp(path, STS_POLICY_PATH) == 0 &&
	    strcmp(host, SCN_POLICY_LABEL "." SCN_CHECK_DOMAIN) == 0))
		return ytree_error(&ld->yt, v, "policy.location: \"%s\" is "
		    "not https://HOST/PATH (a DNS name, no port, query or "
		    "fragment; not the policy host's own %s)", q,
		    STS_POLICY_PATH);
	return 0;
}

/*
 * scn_parse_world - the clean world: W0, then the file's parts. Hosts go
 * first whatever the key order, so every template sees the final hosts.
 */
static int
scn_parse_world(struct scn_loader *ld, const struct ytree_node *n)
{
	struct scn_world	*w = &ld->scn->clean;
	const struct ytree_node	*v, *hosts;
	size_t			 i;

	if (ytree_want(&ld->yt, n, YTREE_MAP, "world") == -1 ||
	    ytree_map_check(&ld->yt, n, "world", scn_world_keys) == -1)
		return -1;
	if ((hosts = ytree_map_get(n, "hosts")) != NULL &&
	    scn_parse_hosts(ld, hosts, w, false) == -1)
		return -1;
	if ((v = ytree_map_get(n, "records")) != NULL) {
		if (scn_parse_records(ld, v, w) == -1)
			return -1;
	} else if (hosts != NULL) {
		/* W0's records must still resolve against the new hosts */
		for (i = 0; i < w->nrecords; i++)
			if (scn_check_record(ld, w, w->records[i],
			    ytree_map_key(n, "hosts"), "W0 record", NULL,
			    NULL) == -1)
				return -1;
	}
	if ((v = ytree_map_get(n, "faults")) != NULL &&
	    scn_parse_faults(ld, v, w, false) == -1)
		return -1;
	if ((v = ytree_map_get(n, "policy")) != NULL &&
	    scn_parse_policy(ld, v, w, &ld->clean_pf, "world.policy") == -1)
		return -1;
	if ((v = ytree_map_get(n, "dnssec")) != NULL &&
	    scn_field_value(&(struct scn_field_ctx){ &ld->yt, NULL, NULL }, v,
	    "world.dnssec", SCN_T_BOOL, &w->dnssec) == -1)
		return -1;
	return 0;
}

/*
 * scn_parse_attack - the attacked world: a copy of the clean one with the
 * overlay applied in the order hosts, remove, records, faults, policy
 */
static int
scn_parse_attack(struct scn_loader *ld, const struct ytree_node *n)
{
	struct scn_world	*w = &ld->scn->attacked;
	struct scn_pfields	 pf;
	const struct ytree_node	*v;

	if (ytree_want(&ld->yt, n, YTREE_MAP, "attack") == -1 ||
	    ytree_map_check(&ld->yt, n, "attack", scn_attack_keys) == -1)
		return -1;
	if (n->nkids == 0)
		return ytree_error(&ld->yt, n, "attack: empty overlay (it "
		    "would change nothing)");
	memcpy(&pf, &ld->clean_pf, sizeof(pf));
	if ((v = ytree_map_get(n, "hosts")) != NULL &&
	    scn_parse_hosts(ld, v, w, true) == -1)
		return -1;
	if ((v = ytree_map_get(n, "remove")) != NULL &&
	    scn_overlay_remove(ld, v, w) == -1)
		return -1;
	if ((v = ytree_map_get(n, "records")) != NULL &&
	    scn_overlay_records(ld, v, w) == -1)
		return -1;
	if ((v = ytree_map_get(n, "faults")) != NULL &&
	    scn_parse_faults(ld, v, w, true) == -1)
		return -1;
	if ((v = ytree_map_get(n, "policy")) != NULL &&
	    scn_parse_policy(ld, v, w, &pf, "attack.policy") == -1)
		return -1;
	/* false: the attacker serves the zone unsigned (stripped) */
	if ((v = ytree_map_get(n, "dnssec")) != NULL &&
	    scn_field_value(&(struct scn_field_ctx){ &ld->yt, NULL, NULL }, v,
	    "attack.dnssec", SCN_T_BOOL, &w->dnssec) == -1)
		return -1;
	return 0;
}

/*
 * scn_parse_expect - "tls" or {delivery: tls, at: mx1, sni: true,
 * policy_fetched: true}, against the world the step runs in
 */
static int
scn_parse_expect(struct scn_loader *ld, const struct ytree_node *n,
    const char *what, struct scn_step *st)
{
	struct scn_field_ctx	cx;

	cx.yt = &ld->yt;
	cx.world = st->attack ? &ld->scn->attacked : &ld->scn->clean;
	cx.world_name = st->attack ? "attacked" : "clean";
	if (n->type == YTREE_SCALAR)
		return scn_field_value(&cx, n, what, SCN_T_DELIVERY,
		    &st->expect);
	return scn_fields_parse(&cx, n, what, scn_expect_fields(), st);
}

/*
 * scn_parse_step - one step: expect, attack (default false), clock
 * (default 0), strength (default the scenario's), wait (default none)
 */
static int
scn_parse_step(struct scn_loader *ld, const struct ytree_node *n, size_t idx,
    struct scn_step *st)
{
	const struct ytree_node	*v;
	char			 what[32], q[YTREE_QUOTE_BUF];
	int			 e;

	(void)snprintf(what, sizeof(what), "step %zu", idx + 1);
	if (ytree_want(&ld->yt, n, YTREE_MAP, what) == -1 ||
	    ytree_map_check(&ld->yt, n, what, scn_step_keys) == -1)
		return -1;
	memset(st, 0, sizeof(*st));
	st->strength = ld->scn->strength;
	st->wait = SCN_WAIT_NONE;
	(void)str_copy(st->to, "@", sizeof(st->to));
	if ((v = ytree_map_get(n, "attack")) != NULL) {
		if (ytree_get_bool(&ld->yt, v, "step.attack",
		    &st->attack) == -1)
			return -1;
		if (st->attack && !ld->scn->has_attack)
			return ytree_error(&ld->yt, v, "%s: attack: true but "
			    "the scenario has no attack", what);
	}
	if ((v = ytree_map_get(n, "clock")) != NULL) {
		if (ytree_want(&ld->yt, v, YTREE_SCALAR, "step.clock") == -1)
			return -1;
		if (parse_uint(v->str, SCN_CLOCK_STEP_MAX, &st->clock) == -1)
			return ytree_error(&ld->yt, v, "step.clock: \"%s\" is "
			    "not an integer in 0..%lu (at most %lu days)",
			    ytree_quote(v->str, v->len, q, sizeof(q)),
			    SCN_CLOCK_STEP_MAX, SCN_CLOCK_STEP_MAX / 86400);
	}
	if ((v = ytree_map_get(n, "strength")) != NULL) {
		if (ytree_get_enum(&ld->yt, v, "step.strength",
		    scn_strength_names, &e) == -1)
			return -1;
		st->strength = (enum scn_strength)e;
	}
	if ((v = ytree_map_get(n, "wait")) != NULL) {
		if (ytree_get_enum(&ld->yt, v, "step.wait", scn_wait_names,
		    &e) == -1)
			return -1;
		st->wait = (enum scn_wait)e;
	}
	if ((v = ytree_map_get(n, "restart")) != NULL &&
	    ytree_get_bool(&ld->yt, v, "step.restart", &st->restart) == -1)
		return -1;
	if ((v = ytree_map_need(&ld->yt, n, what, "expect")) == NULL ||
	    scn_parse_expect(ld, v, "step.expect", st) == -1 ||
	    scn_check_retry(ld, v, idx) == -1)
		return -1;
	return scn_parse_to(ld, n, v, st);
}

/* scn_parse_to_value - to: a host label, or "[LABEL]" an address literal */
static int
scn_parse_to_value(struct scn_loader *ld, const struct ytree_node *v,
    struct scn_step *st)
{
	if (v->type == YTREE_SCALAR && v->str[0] == '[')
		return scn_parse_literal(ld, v, st);
	if (v->type == YTREE_SEQ)
		return ytree_error(&ld->yt, v, "step.to: expected a scalar, "
		    "found a sequence (an address literal is written quoted, "
		    "\"[mx1]\")");
	return scn_check_label(ld, v, "step.to", st->to);
}

/*
 * scn_parse_to - the step's recipient domain, a host label relative to
 * the domain ("@", "b", "a.b"), and its smart host ("relay", the same
 * shape), which when given is the policy domain (RFC 8461 §3.4). The fake
 * policy host serves only the scenario domain (mta-sts.<domain>), so a
 * step whose policy domain is another cannot wait for, or ask for, a
 * policy GET there (nor for an alert about its failed refresh);
 * policy_fetched: false still asks that nothing was
 * requested of the scenario domain's policy host.
 */
static int
scn_parse_to(struct scn_loader *ld, const struct ytree_node *step,
    const struct ytree_node *expect, struct scn_step *st)
{
	const struct ytree_node	*v, *k;
	const char		*key = "to", *pd = NULL;
	char			 not[SCN_LABEL_MAX + 64];

	if ((v = ytree_map_get(step, "to")) != NULL &&
	    scn_parse_to_value(ld, v, st) == -1)
		return -1;
	if ((v = ytree_map_get(step, "relay")) != NULL) {
		if (scn_check_label(ld, v, "step.relay", st->relay) == -1)
			return -1;
		key = "relay";
	}
	/* the policy domain: the smart host's when relaying (§3.4); an
	   address literal has none */
	if (st->relay[0] != '\0')
		pd = st->relay;
	else if (!st->to_literal)
		pd = st->to;
	if (pd != NULL && strcmp(pd, "@") == 0)
		return 0;
	if (pd == NULL)
		(void)str_copy(not, "and an address literal has no policy "
		    "domain, RFC 8461 §3.4", sizeof(not));
	else
		(void)str_fmt(not, sizeof(not), "not %s.%s.<domain>",
		    SCN_POLICY_LABEL, pd);
	if (st->wait == SCN_WAIT_POLICY)
		return ytree_error(&ld->yt, ytree_map_get(step, "wait"),
		    "step.wait: policy needs %s: @ (the policy host serves "
		    "only %s.<domain>, %s)", key, SCN_POLICY_LABEL, not);
	if (st->expect_fetch == SCN_WANT_YES) {
		k = expect->type == YTREE_MAP ? ytree_map_get(expect,
		    "policy_fetched") : expect;
		return ytree_error(&ld->yt, k != NULL ? k : expect,
		    "step.expect.policy_fetched: true needs %s: @ (the policy "
		    "host serves only %s.<domain>, %s)", key, SCN_POLICY_LABEL,
		    not);
	}
	if (st->expect_alert == SCN_WANT_YES) {
		k = expect->type == YTREE_MAP ? ytree_map_get(expect,
		    "alert") : expect;
		return ytree_error(&ld->yt, k != NULL ? k : expect,
		    "step.expect.alert: true needs to: @ (no refresh of "
		    "%s.%s.<domain> can fail where the harness sees it: the "
		    "policy host serves only %s.<domain>)", SCN_POLICY_LABEL,
		    st->to, SCN_POLICY_LABEL);
	}
	return 0;
}

/*
 * scn_parse_literal - to: "[mx1]", an address literal of a host of the
 * world the step runs in (and of the clean world, where its twin runs):
 * the message goes to user@[that host's address]. A host the attack
 * touched is refused: a delivery there is a leak, and with no policy for
 * a literal there is nothing a sender could refuse it by.
 */
static int
scn_parse_literal(struct scn_loader *ld, const struct ytree_node *v,
    struct scn_step *st)
{
	const struct scn_world	*w;
	char			 label[SCN_LABEL_MAX], q[YTREE_QUOTE_BUF];
	int			 i;

	label[0] = '\0';
	if (v->len >= 3 && v->str[v->len - 1] == ']' &&
	    v->len - 2 < sizeof(label)) {
		memcpy(label, v->str + 1, v->len - 2);
		label[v->len - 2] = '\0';
	}
	if (label[0] == '\0' || strcmp(label, "@") == 0 || !scn_is_host(label))
		return ytree_error(&ld->yt, v, "step.to: bad address literal "
		    "\"%s\" (want \"[HOST]\", HOST a host of the world, such "
		    "as \"[mx1]\")", ytree_quote(v->str, v->len, q, sizeof(q)));
	w = &ld->scn->clean;
	if (scenario_host_find(w, label) == -1 || (st->attack &&
	    scenario_host_find(w = &ld->scn->attacked, label) == -1))
		return ytree_error(&ld->yt, v, "step.to: unknown host \"%s\" "
		    "in the %s world", ytree_quote(label, strlen(label), q,
		    sizeof(q)), w == &ld->scn->clean ? "clean" : "attacked");
	i = scenario_host_find(w, label);
	if (st->attack && w->hosts[i].attacker)
		return ytree_error(&ld->yt, v, "step.to: host \"%s\" is the "
		    "attacker's in the attacked world (a delivery there is a "
		    "leak, and no policy applies to an address literal)",
		    label);
	(void)str_copy(st->to, label, sizeof(st->to));
	st->to_literal = true;
	return 0;
}

/*
 * scn_check_retry - expect.retry: N of step idx names an earlier step
 * (its window is over before this one opens) that expects none (only a
 * withheld message can be retried), and no other step retries it too (a
 * message arrives once). The steps before idx are parsed already.
 */
static int
scn_check_retry(struct scn_loader *ld, const struct ytree_node *expect,
    size_t idx)
{
	const struct scn_step	*st = &ld->scn->steps[idx];
	const struct ytree_node	*v;
	size_t			 n, k;

	if (st->expect_retry == 0)
		return 0;
	v = expect->type == YTREE_MAP ? ytree_map_get(expect, "retry") : NULL;
	if (v == NULL)
		v = expect;
	n = st->expect_retry;
	if (n > idx)
		return ytree_error(&ld->yt, v, "step %zu: expect.retry: %zu "
		    "is not an earlier step (it names the step whose withheld "
		    "message this one must see delivered)", idx + 1, n);
	if (ld->scn->steps[n - 1].expect != SCN_DELIVER_NONE)
		return ytree_error(&ld->yt, v, "step %zu: expect.retry: step "
		    "%zu expects %s, not none: only a withheld message is "
		    "retried", idx + 1, n,
		    scn_delivery_str(ld->scn->steps[n - 1].expect));
	for (k = n; k < idx; k++)
		if (ld->scn->steps[k].expect_retry == n)
			return ytree_error(&ld->yt, v, "step %zu: expect.retry: "
			    "step %zu is retried by step %zu already (a "
			    "message arrives once)", idx + 1, n, k + 1);
	return 0;
}

/*
 * scn_check_first_step - every step delivers, so step 1 is the first
 * delivery-bearing one. If it expects none and there is no attack (hence
 * no clean twin, which must deliver), nothing in the scenario shows that
 * the sender can deliver at all: a sender that never delivers would pass.
 */
static int
scn_check_first_step(struct scn_loader *ld, const struct ytree_node *expect)
{
	if (ld->scn->has_attack ||
	    ld->scn->steps[0].expect != SCN_DELIVER_NONE)
		return 0;
	return ytree_error(&ld->yt, expect, "step 1: expects none, but the "
	    "scenario has no attack (so no clean twin) and no earlier step "
	    "expects delivery; a sender that never delivers would pass");
}

/* scn_parse_steps - exactly one of expect (shorthand) and steps */
static int
scn_parse_steps(struct scn_loader *ld, const struct ytree_node *root)
{
	struct scenario		*scn = ld->scn;
	const struct ytree_node	*ex = ytree_map_get(root, "expect");
	const struct ytree_node	*steps = ytree_map_get(root, "steps");
	const struct ytree_node	*k1, *k2;
	size_t			 i;
	bool			 attacked = false;

	if (ex != NULL && steps != NULL) {
		/* blame whichever of the two comes second */
		k1 = ytree_map_key(root, "expect");
		k2 = ytree_map_key(root, "steps");
		if (k1->line > k2->line ||
		    (k1->line == k2->line && k1->col > k2->col))
			k2 = k1;
		return ytree_error(&ld->yt, k2, "expect and steps are mutually "
		    "exclusive");
	}
	if (ex == NULL && steps == NULL)
		return ytree_error(&ld->yt, root, "missing required key "
		    "\"expect\" or \"steps\"");
	if (ex != NULL) {
		memset(&scn->steps[0], 0, sizeof(scn->steps[0]));
		scn->steps[0].attack = scn->has_attack;
		scn->steps[0].strength = scn->strength;
		scn->steps[0].wait = SCN_WAIT_NONE;
		(void)str_copy(scn->steps[0].to, "@",
		    sizeof(scn->steps[0].to));
		scn->nsteps = 1;
		if (scn_parse_expect(ld, ex, "expect", &scn->steps[0]) == -1 ||
		    scn_check_retry(ld, ex, 0) == -1)
			return -1;
		return scn_check_first_step(ld, ex);
	}
	if (ytree_want(&ld->yt, steps, YTREE_SEQ, "steps") == -1)
		return -1;
	if (steps->nkids == 0)
		return ytree_error(&ld->yt, steps, "steps: at least one step "
		    "needed");
	if (steps->nkids > SCN_STEPS_MAX)
		return ytree_error(&ld->yt, steps->kids[SCN_STEPS_MAX],
		    "steps: too many steps (at most %d)", SCN_STEPS_MAX);
	for (i = 0; i < steps->nkids; i++) {
		if (scn_parse_step(ld, steps->kids[i], i, &scn->steps[i]) == -1)
			return -1;
		if (i == 0 && scn_check_first_step(ld, ytree_map_get(
		    steps->kids[0], "expect")) == -1)
			return -1;
		attacked = attacked || scn->steps[i].attack;
	}
	scn->nsteps = steps->nkids;
	if (scn->has_attack && !attacked)
		return ytree_error(&ld->yt, steps, "steps: the scenario has an "
		    "attack but no step has attack: true");
	return 0;
}

/* scn_parse_top - the whole scenario from a checked top-level mapping */
static int
scn_parse_top(struct scn_loader *ld, const struct ytree_node *root)
{
	struct scenario		*scn = ld->scn;
	const struct ytree_node	*v;

	if (ytree_map_check(&ld->yt, root, "top level", scn_top_keys) == -1 ||
	    scn_parse_head(ld, root) == -1)
		return -1;
	if ((v = ytree_map_get(root, "world")) != NULL &&
	    scn_parse_world(ld, v) == -1)
		return -1;
	scn_world_copy(&scn->attacked, &scn->clean);
	if ((v = ytree_map_get(root, "attack")) != NULL) {
		scn->has_attack = true;
		if (scn_parse_attack(ld, v) == -1)
			return -1;
	}
	return scn_parse_steps(ld, root);
}

/* scn_load_tree - YAML text to a validated scenario in ld->scn */
static int
scn_load_tree(struct scn_loader *ld, const char *buf, size_t len)
{
	struct ytree_node	*root = NULL;
	int			 rc;

	if (ytree_parse(&ld->yt, buf, len, SCN_FILE_MAX, &root) == -1)
		return -1;
	if (root == NULL || (root->type == YTREE_SCALAR && root->plain &&
	    root->len == 0)) {
		ytree_free(root);
		return ytree_error(&ld->yt, NULL, "empty document (a scenario "
		    "is a mapping with id, title, clauses, strength, ...)");
	}
	if (root->type != YTREE_MAP) {
		rc = ytree_error(&ld->yt, root, "top level: expected a "
		    "mapping, found %s", ytree_type_str(root->type));
		ytree_free(root);
		return rc;
	}
	rc = scn_parse_top(ld, root);
	ytree_free(root);
	return rc;
}

int
scenario_load_buf(const char *name, const char *buf, size_t len,
    struct scenario **out, struct err *err)
{
	struct scn_loader	 ld;
	struct scenario		*scn;
	char			 cut[SCN_FILENAME_SHOWN];

	*out = NULL;
	memset(&ld, 0, sizeof(ld));
	ytree_init(&ld.yt, name, err);
	scn = xcalloc(1, sizeof(*scn));
	ld.scn = scn;
	/* scn->file stays raw: JSON output escapes it on its own */
	if (str_copy(scn->file, name, sizeof(scn->file)) == -1) {
		free(scn);
		return err_set(err, ERR_RANGE, "%s:1:1: file name longer "
		    "than %d bytes", str_escape(cut, sizeof(cut), name),
		    SCN_PATH_MAX - 1);
	}
	if ((ld.origin = ldns_dname_new_frm_str(SCN_CHECK_DOMAIN ".")) == NULL)
		fatalx("scenario_load_buf: ldns origin");
	scn_world_w0(&scn->clean, &ld.clean_pf);
	if (scn_load_tree(&ld, buf, len) == -1) {
		ldns_rdf_deep_free(ld.origin);
		scenario_free(scn);
		return -1;
	}
	ldns_rdf_deep_free(ld.origin);
	*out = scn;
	return 0;
}

int
scenario_load(const char *path, struct scenario **out, struct err *err)
{
	char	*buf;
	size_t	 len;
	int	 rc;

	*out = NULL;
	if (file_read(path, SCN_FILE_MAX, &buf, &len, err) == -1)
		return -1;
	rc = scenario_load_buf(path, buf, len, out, err);
	free(buf);
	return rc;
}

void
scenario_free(struct scenario *scn)
{
	if (scn == NULL)
		return;
	scn_world_clear(&scn->attacked);
	scn_world_clear(&scn->clean);
	free(scn);
}
