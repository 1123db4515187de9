/* SPDX-License-Identifier: ISC */
/*
 * reqs.c -- see reqs.h. The Markdown table is the single source of the
 * requirement ids: users read it, and the tools read the same rows.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "../common/pki.h"
#include "../common/str.h"
#include "../fake-dns/dns_zone.h"
#include "../fake-mx/mx_config.h"
#include "reqs.h"

#define REQS_LINE_MAX	2048

static char	*reqs_cell(char **);
static bool	 reqs_is_sender(const char *, const char *);
static void	 show_world(FILE *, const char *, const struct scn_world *);
static void	 show_body(FILE *, const char *);

/* reqs_cell - the next '|'-separated cell of *p, trimmed; NULL at the end */
static char *
reqs_cell(char **p)
{
	char	*start = *p, *bar, *end;

	if (start == NULL || (bar = strchr(start, '|')) == NULL)
		return NULL;
	*bar = '\0';
	*p = bar + 1;
	while (*start == ' ')
		start++;
	end = start + strlen(start);
	while (end > start && end[-1] == ' ')
		*--end = '\0';
	return start;
}

static bool
reqs_is_sender(const char *id, const char *strength)
{
	char	low[64];
	size_t	i;

	for (i = 0; strength[i] != '\0' && i + 1 < sizeof(low); i++)
		low[i] = (char)tolower((unsigned char)strength[i]);
	low[i] = '\0';
	if (strstr(low, "publisher") != NULL)
		return false;
	if (strncmp(low, "ex", 2) == 0 || strcmp(low, "lc") == 0)
		return false;
	return strncmp(id, "R-6-", 4) != 0;	/* TLS-RPT, later */
}

int
reqs_load(struct reqs *rq, const char *path, FILE *errfp)
{
	FILE		*fp;
	char		 line[REQS_LINE_MAX], *p, *id, *sec, *text, *str;
	unsigned int	 lineno = 0;
	struct req	*r;

	memset(rq, 0, sizeof(*rq));
	if ((fp = fopen(path, "r")) == NULL) {
		fprintf(errfp, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		if (strncmp(line, "| R-", 4) != 0)
			continue;
		p = line + 1;
		id = reqs_cell(&p);
		sec = reqs_cell(&p);
		text = reqs_cell(&p);
		str = reqs_cell(&p);
		if (id == NULL || sec == NULL || text == NULL || str == NULL) {
			fprintf(errfp, "%s:%u: a requirement row needs 4 cells "
			    "(id, section, requirement, strength)\n", path,
			    lineno);
			fclose(fp);
			return -1;
		}
		if (reqs_find(rq, id) != NULL || rq->n == REQS_MAX) {
			fprintf(errfp, "%s:%u: %s: %s\n", path, lineno, id,
			    rq->n == REQS_MAX ? "too many rows" : "defined "
			    "twice");
			fclose(fp);
			return -1;
		}
		r = &rq->r[rq->n++];
		if (str_copy(r->id, id, sizeof(r->id)) == -1 ||
		    str_copy(r->section, sec, sizeof(r->section)) == -1 ||
		    str_copy(r->strength, str, sizeof(r->strength)) == -1) {
			fprintf(errfp, "%s:%u: %s: a cell is too long\n", path,
			    lineno, id);
			fclose(fp);
			return -1;
		}
		(void)str_copy(r->text, text, sizeof(r->text));	/* cut ok */
		r->sender = reqs_is_sender(r->id, r->strength);
	}
	fclose(fp);
	if (rq->n == 0) {
		fprintf(errfp, "%s: no requirement rows (\"| R-...\")\n", path);
		return -1;
	}
	return 0;
}

const struct req *
reqs_find(const struct reqs *rq, const char *id)
{
	size_t	i;

	for (i = 0; i < rq->n; i++)
		if (strcmp(rq->r[i].id, id) == 0)
			return &rq->r[i];
	return NULL;
}

int
coverage_report(FILE *out, const struct reqs *rq,
    struct scenario *const *scns, size_t n)
{
	size_t	i, j, k, hits, nsender = 0, covered = 0, unknown = 0;
	char	missing[REQS_LINE_MAX] = "";

	fprintf(out, "| id | section | strength | scenarios |\n"
	    "| --- | --- | --- | --- |\n");
	for (i = 0; i < rq->n; i++) {
		const struct req *r = &rq->r[i];

		fprintf(out, "| %s | %s | %s | ", r->id, r->section,
		    r->strength);
		for (j = 0, hits = 0; j < n; j++)
			for (k = 0; k < scns[j]->nclauses; k++)
				if (strcmp(scns[j]->clauses[k], r->id) == 0) {
					fprintf(out, "%s%s", hits++ ? ", " : "",
					    scns[j]->id);
					break;
				}
		if (!r->sender)
			fprintf(out, "%s(not a sender requirement)",
			    hits ? "; " : "");
		else if (hits == 0)
			fprintf(out, "**none**");
		fprintf(out, " |\n");
		if (!r->sender)
			continue;
		nsender++;
		if (hits > 0)
			covered++;
		else if (strlen(missing) + strlen(r->id) + 2 < sizeof(missing)) {
			(void)strncat(missing, " ", 2);
			(void)strncat(missing, r->id, strlen(r->id));
		}
	}
	fputc('\n', out);
	for (j = 0; j < n; j++)
		for (k = 0; k < scns[j]->nclauses; k++)
			if (reqs_find(rq, scns[j]->clauses[k]) == NULL) {
				fprintf(out, "%s: cites %s, which the "
				    "requirements do not define\n\n",
				    scns[j]->id, scns[j]->clauses[k]);
				unknown++;
			}
	fprintf(out, "coverage: %zu requirements, %zu sender requirements, "
	    "%zu covered by %zu scenarios, %zu not%s%s\n", rq->n, nsender,
	    covered, n, nsender - covered, nsender > covered ? ":" : "",
	    missing);
	return nsender > covered || unknown > 0 ? 1 : 0;
}

/* show_body - the policy body a line at a time, with its line ends named */
static void
show_body(FILE *out, const char *body)
{
	char		 line[SCN_RECORD_MAX], esc[4 * SCN_RECORD_MAX + 1];
	const char	*p = body, *nl;
	size_t		 len, lines = 0, crlf = 0, shown = 0;

	for (nl = body; (nl = strchr(nl, '\n')) != NULL; nl++) {
		lines++;
		if (nl > body && nl[-1] == '\r')
			crlf++;
	}
	fprintf(out, "  policy body (%zu bytes, %s line ends):\n",
	    strlen(body), lines == 0 ? "no" : crlf == lines ? "CRLF" :
	    crlf == 0 ? "LF" : "mixed");
	while (*p != '\0' && shown < 40) {
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		memcpy(line, p, len);
		line[len] = '\0';
		fprintf(out, "    %s\n", str_escape(esc, sizeof(esc), line));
		shown++;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	if (*p != '\0' && shown == 40)
		fprintf(out, "    ... (%zu more bytes)\n", strlen(p));
}

static void
show_world(FILE *out, const char *what, const struct scn_world *w)
{
	char	esc[SCN_RECORD_MAX * 4 + 1], fail[MX_FAIL_TEXT_MAX];
	size_t	i;

	fprintf(out, "%s:\n  records:\n", what);
	for (i = 0; i < w->nrecords; i++)
		fprintf(out, "    %s\n", str_escape(esc, sizeof(esc),
		    w->records[i]));
	for (i = 0; i < w->nfaults; i++)
		fprintf(out, "  fault: %s %s\n", w->faults[i].name,
		    dns_fault_str(w->faults[i].fault));
	if (w->policy.serve == POLICY_SERVE_OFF)
		fprintf(out, "  policy host: not listening\n");
	else {
		fprintf(out, "  policy host: status %d, Content-Type \"%s\", "
		    "cert %s\n", w->policy.status,
		    str_escape(esc, sizeof(esc), w->policy.content_type),
		    cert_profile_str(w->policy.cert));
		fprintf(out, "  policy host: serve %s, sni %s, tls %s, pad %lu",
		    policy_serve_str(w->policy.serve),
		    policy_sni_str(w->policy.sni),
		    tls_versions_str(w->policy.tls), w->policy.pad);
		if (w->policy.serve == POLICY_SERVE_TRICKLE)
			fprintf(out, ", a byte every %u s",
			    w->policy.trickle_sec > 0 ? w->policy.trickle_sec :
			    1);
		if (w->policy.validators)
			fprintf(out, ", validators (304 to a conditional "
			    "GET)");
		fprintf(out, "\n");
		if (w->policy.location[0] != '\0')
			fprintf(out, "  policy host: Location %s\n",
			    str_escape(esc, sizeof(esc), w->policy.location));
		show_body(out, w->policy.body != NULL ? w->policy.body : "");
	}
	for (i = 0; i < w->nhosts; i++) {
		/* the settings beyond starttls and cert only where they differ */
		mx_fail_format(&w->hosts[i].fail, fail, sizeof(fail));
		fprintf(out, "  host %s: starttls %s, cert %s%s%s%s%s%s%s%s%s%s%s\n",
		    w->hosts[i].label, mx_starttls_str(w->hosts[i].starttls),
		    cert_profile_str(w->hosts[i].cert),
		    w->hosts[i].cert_for[0] != '\0' ? " for " : "",
		    w->hosts[i].cert_for,
		    w->hosts[i].tls != TLS_VERSIONS_ANY ? ", tls " : "",
		    w->hosts[i].tls != TLS_VERSIONS_ANY ?
		    tls_versions_str(w->hosts[i].tls) : "",
		    w->hosts[i].sni != MX_SNI_ANY ? ", sni " : "",
		    w->hosts[i].sni != MX_SNI_ANY ?
		    mx_sni_str(w->hosts[i].sni) : "",
		    w->hosts[i].fail.verb != MX_FAIL_NONE ? ", fail " : "",
		    w->hosts[i].fail.verb != MX_FAIL_NONE ? fail : "",
		    w->hosts[i].listen == SCN_WANT_NO ? ", not listening" : "",
		    w->hosts[i].attacker ? " (the attacker's)" : "");
	}
}

void
show_scenario(FILE *out, const struct reqs *rq, const struct scenario *s)
{
	const struct req	*r;
	size_t			 i;

	fprintf(out, "%s: %s\n  file: %s\n  strength: %s\n  clauses:\n",
	    s->id, s->title, s->file, scn_strength_str(s->strength));
	for (i = 0; i < s->nclauses; i++) {
		r = rq != NULL ? reqs_find(rq, s->clauses[i]) : NULL;
		if (r == NULL)
			fprintf(out, "    %s (not in docs/requirements.md)\n",
			    s->clauses[i]);
		else
			fprintf(out, "    %s (%s%s, %s): %s\n", r->id,
			    strchr(r->section, ' ') != NULL ? "RFC " :
			    "RFC 8461 §", r->section, r->strength, r->text);
	}
	show_world(out, "clean world ({domain} is a random name per run, "
	    "{label} a host's address)", &s->clean);
	if (s->has_attack)
		show_world(out, "attacked world", &s->attacked);
	fprintf(out, "steps:\n");
	for (i = 0; i < s->nsteps; i++) {
		const struct scn_step *st = &s->steps[i];

		fprintf(out, "  %zu. %s world%s%s%s%s%s, expect %s%s%s%s%s%s, "
		    "%s\n", i + 1, st->attack ? "attacked" : "clean",
		    st->to_literal ? ", to user@[{" :
		    strcmp(st->to, "@") != 0 && st->to[0] != '\0' ?
		    ", to user@" : "",
		    strcmp(st->to, "@") != 0 && st->to[0] != '\0' ? st->to : "",
		    st->to_literal ? "}] (an address literal)" :
		    strcmp(st->to, "@") != 0 && st->to[0] != '\0' ?
		    ".{domain}" : "",
		    st->restart ? ", restart first" : "",
		    st->clock > 0 ? ", clock moved first" : "",
		    scn_delivery_str(st->expect), st->expect_at[0] ? " at " :
		    "", st->expect_at, st->expect_sni ? ", SNI" : "",
		    st->expect_fetch == SCN_WANT_YES ? ", a policy fetch" :
		    st->expect_fetch == SCN_WANT_NO ? ", no policy fetch" : "",
		    st->wait == SCN_WAIT_POLICY ? ", then wait for the policy "
		    "fetch" : "", scn_strength_str(st->strength));
		if (st->clock > 0)
			fprintf(out, "     (clock +%lu s)\n", st->clock);
		if (st->expect_retry > 0)
			fprintf(out, "     and step %u's withheld message, "
			    "retried over verified TLS\n", st->expect_retry);
	}
	if (s->has_attack)
		fprintf(out, "The clean twin runs the same steps in the clean "
		    "world and must deliver over TLS.\n");
}
