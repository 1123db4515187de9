/* SPDX-License-Identifier: ISC */
/*
 * matrix.c -- see matrix.h. Inputs are read whole with jansson, checked
 * for the schema, and never trusted as text: every string that reaches
 * the Markdown is escaped (control bytes as \xNN, '|' as \|).
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "../common/str.h"
#include "matrix.h"
#include "report.h"

#define MATRIX_NAME_MAX		64
#define MATRIX_TEXT_MAX		1024
#define MATRIX_EXPL_MAX		512	/* lines per explanations file */
#define MATRIX_ROWS_MAX		4096
#define MATRIX_LINE_MAX		2048

struct matrix_expl {
	char	id[MATRIX_NAME_MAX * 2];
	char	verdict[16];
	char	text[MATRIX_TEXT_MAX];
	bool	used;
};

struct matrix_sut {
	const char		*file;
	json_t			*root;
	json_t			*scns;		/* borrowed from root */
	char			 name[MATRIX_NAME_MAX];	/* suts/NAME */
	char			 version[MATRIX_TEXT_MAX];
	struct matrix_expl	*expl;
	size_t			 nexpl;
	char			 expl_file[PATH_MAX];
};

struct matrix_row {
	const char	*id;		/* borrowed from a root */
	const char	*file;		/* path, for sorting by category */
	const char	*strength;
};

static int	 matrix_load(struct matrix_sut *, const char *, const char *,
		    FILE *);
static int	 matrix_load_expl(struct matrix_sut *, FILE *);
static void	 matrix_versions(struct matrix_sut *, json_t *);
static json_t	*matrix_find(const struct matrix_sut *, const char *);
static const char *matrix_str(json_t *, const char *);
static const char *matrix_md(char *, size_t, const char *);
static const char *matrix_category(const char *);
static int	 matrix_row_cmp(const void *, const void *);
static struct matrix_expl *matrix_explain(struct matrix_sut *, const char *,
		    const char *);
static bool	matrix_id_used(const struct matrix_sut *, const char *);

static const char *
matrix_str(json_t *obj, const char *key)
{
	const char	*s = json_string_value(json_object_get(obj, key));

	return s != NULL ? s : "";
}

/*
 * matrix_md - text made safe for one Markdown line or table cell: control
 * bytes and DEL as \xNN, '\\' and '|' escaped; bytes above 0x7f (UTF-8,
 * as jansson guarantees for JSON strings) kept
 */
static const char *
matrix_md(char *dst, size_t size, const char *src)
{
	static const char	hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)src;
	size_t			 o = 0;

	if (size == 0)
		return "";
	for (; *p != '\0' && o + 5 < size; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[*p >> 4];
			dst[o++] = hex[*p & 0xf];
			continue;
		}
		if (*p == '|' || *p == '\\')
			dst[o++] = '\\';
		dst[o++] = (char)*p;
	}
	dst[o] = '\0';
	return dst;
}

/* matrix_category - "certs" of ".../scenarios/certs/x.yaml" */
static const char *
matrix_category(const char *file)
{
	static char	cat[MATRIX_NAME_MAX];
	const char	*p = strstr(file, "/scenarios/"), *q;

	cat[0] = '\0';
	if (p == NULL)
		return cat;
	p += strlen("/scenarios/");
	if ((q = strchr(p, '/')) == NULL || (size_t)(q - p) >= sizeof(cat))
		return cat;
	memcpy(cat, p, (size_t)(q - p));
	cat[q - p] = '\0';
	return cat;
}

static int
matrix_row_cmp(const void *a, const void *b)
{
	const struct matrix_row	*x = a, *y = b;
	char			 cx[MATRIX_NAME_MAX];
	int			 c;

	(void)str_copy(cx, matrix_category(x->file), sizeof(cx));
	if ((c = strcmp(cx, matrix_category(y->file))) != 0)
		return c;
	return strcmp(x->id, y->id);
}

static int
matrix_load(struct matrix_sut *s, const char *root, const char *file,
    FILE *errfp)
{
	json_error_t	 je;
	json_t		*sut, *info;
	const char	*adapter, *schema, *p, *end;
	char		 dir[PATH_MAX], esc[PATH_MAX];
	size_t		 len;

	memset(s, 0, sizeof(*s));
	s->file = file;
	if ((s->root = json_load_file(file, 0, &je)) == NULL) {
		fprintf(errfp, "%s:%d:%d: %s\n", str_escape(esc, sizeof(esc),
		    file), je.line, je.column, je.text);
		return -1;
	}
	schema = matrix_str(s->root, "schema");
	if (strcmp(schema, REPORT_SCHEMA) != 0) {
		fprintf(errfp, "%s: schema \"%s\", not \"%s\"\n",
		    str_escape(esc, sizeof(esc), file), schema, REPORT_SCHEMA);
		return -1;
	}
	s->scns = json_object_get(s->root, "scenarios");
	sut = json_object_get(s->root, "sut");
	if (!json_is_array(s->scns) || !json_is_object(sut)) {
		fprintf(errfp, "%s: no \"scenarios\" array or \"sut\" object\n",
		    str_escape(esc, sizeof(esc), file));
		return -1;
	}
	/* NAME: the directory that holds the adapter */
	adapter = matrix_str(sut, "adapter");
	(void)str_copy(dir, adapter, sizeof(dir));
	if ((end = strrchr(dir, '/')) != NULL)
		dir[end - dir] = '\0';
	p = (p = strrchr(dir, '/')) != NULL ? p + 1 : dir;
	len = strlen(p);
	if (len == 0 || len >= sizeof(s->name) || strspn(p,
	    "abcdefghijklmnopqrstuvwxyz0123456789-_.") != len || p[0] == '.') {
		fprintf(errfp, "%s: cannot name the SUT from its adapter "
		    "path \"%s\"\n", str_escape(esc, sizeof(esc), file),
		    str_escape(dir, sizeof(dir), adapter));
		return -1;
	}
	memcpy(s->name, p, len + 1);
	info = json_object_get(sut, "info");
	(void)str_fmt(s->version, sizeof(s->version), "%s",
	    matrix_str(info, "version"));
	matrix_versions(s, info);
	if (str_fmt(s->expl_file, sizeof(s->expl_file), "%s/suts/%s/explanations",
	    root, s->name) == -1) {
		fprintf(errfp, "%s: path too long\n", root);
		return -1;
	}
	return matrix_load_expl(s, errfp);
}

/*
 * matrix_versions - the info's other short string values ("node v22"),
 * in key order: what the adapter says it ran
 */
static void
matrix_versions(struct matrix_sut *s, json_t *info)
{
	const char	*key, *keys[32];
	json_t		*val;
	size_t		 n = 0, i, j, len;
	char		 item[MATRIX_NAME_MAX * 2];

	json_object_foreach(info, key, val)
		if (n < 32 && json_is_string(val) && strcmp(key, "name") != 0 &&
		    strcmp(key, "version") != 0 &&
		    strlen(json_string_value(val)) <= MATRIX_NAME_MAX / 2)
			keys[n++] = key;
	for (i = 1; i < n; i++)		/* few: insertion sort */
		for (j = i; j > 0 && strcmp(keys[j - 1], keys[j]) > 0; j--) {
			key = keys[j];
			keys[j] = keys[j - 1];
			keys[j - 1] = key;
		}
	for (i = 0; i < n; i++) {
		if (str_fmt(item, sizeof(item), "%s%s %s%s", i == 0 ? " (" :
		    ", ", keys[i], json_string_value(json_object_get(info,
		    keys[i])), i + 1 == n ? ")" : "") == -1)
			continue;
		len = strlen(s->version);
		if (len + strlen(item) < sizeof(s->version))
			memcpy(s->version + len, item, strlen(item) + 1);
	}
}

/* matrix_load_expl - suts/NAME/explanations; a missing file is empty */
static int
matrix_load_expl(struct matrix_sut *s, FILE *errfp)
{
	FILE			*fp;
	char			 line[MATRIX_LINE_MAX], *id, *v, *text, *nl;
	struct matrix_expl	*e;
	unsigned int		 lineno = 0;
	int			 rc = 0;

	if ((fp = fopen(s->expl_file, "r")) == NULL) {
		if (errno == ENOENT)
			return 0;
		fprintf(errfp, "%s: %s\n", s->expl_file, strerror(errno));
		return -1;
	}
	s->expl = xcalloc(MATRIX_EXPL_MAX, sizeof(*s->expl));
	while (fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		if ((nl = strchr(line, '\n')) == NULL && !feof(fp)) {
			fprintf(errfp, "%s:%u: line too long (at most %d "
			    "bytes)\n", s->expl_file, lineno,
			    MATRIX_LINE_MAX - 2);
			rc = -1;
			break;
		}
		if (nl != NULL)
			*nl = '\0';
		id = line + strspn(line, " \t");
		if (*id == '#' || *id == '\0')
			continue;
		v = id + strcspn(id, " \t");
		if (*v != '\0')
			*v++ = '\0';
		v += strspn(v, " \t");
		text = v + strcspn(v, " \t");
		if (*text != '\0')
			*text++ = '\0';
		text += strspn(text, " \t");
		if (*v == '\0' || *text == '\0') {
			fprintf(errfp, "%s:%u: want \"SCENARIO-ID VERDICT "
			    "TEXT\"\n", s->expl_file, lineno);
			rc = -1;
			continue;
		}
		if (s->nexpl == MATRIX_EXPL_MAX) {
			fprintf(errfp, "%s:%u: more than %d explanations\n",
			    s->expl_file, lineno, MATRIX_EXPL_MAX);
			rc = -1;
			break;
		}
		e = &s->expl[s->nexpl++];
		if (str_copy(e->id, id, sizeof(e->id)) == -1 ||
		    str_copy(e->verdict, v, sizeof(e->verdict)) == -1 ||
		    str_copy(e->text, text, sizeof(e->text)) == -1) {
			fprintf(errfp, "%s:%u: a field is too long\n",
			    s->expl_file, lineno);
			rc = -1;
		}
	}
	fclose(fp);
	return rc;
}

static json_t *
matrix_find(const struct matrix_sut *s, const char *id)
{
	json_t	*scn;
	size_t	 i;

	json_array_foreach(s->scns, i, scn)
		if (strcmp(matrix_str(scn, "id"), id) == 0)
			return scn;
	return NULL;
}

static struct matrix_expl *
matrix_explain(struct matrix_sut *s, const char *id, const char *verdict)
{
	struct matrix_expl	*any = NULL;
	size_t			 i;

	/*
	 * A SUT whose behaviour depends on timing (a retry that may or may
	 * not fall inside the attempt) may have one line per verdict it
	 * shows; the one for this verdict, else any line for the id
	 */
	for (i = 0; i < s->nexpl; i++) {
		if (strcmp(s->expl[i].id, id) != 0)
			continue;
		if (strcmp(s->expl[i].verdict, verdict) == 0)
			return &s->expl[i];
		if (any == NULL)
			any = &s->expl[i];
	}
	return any;
}

/* matrix_id_used - some explanation line of id was used in this report */
static bool
matrix_id_used(const struct matrix_sut *s, const char *id)
{
	size_t	i;

	for (i = 0; i < s->nexpl; i++)
		if (s->expl[i].used && strcmp(s->expl[i].id, id) == 0)
			return true;
	return false;
}

int
matrix_report(FILE *out, FILE *errfp, const char *root, char *const *files,
    size_t n)
{
	struct matrix_sut	 suts[MATRIX_SUTS_MAX];
	struct matrix_row	*rows;
	struct matrix_expl	*e;
	json_t			*scn;
	char			 md[MATRIX_LINE_MAX], md2[MATRIX_LINE_MAX];
	const char		*v, *leak, *id;
	size_t			 nrows = 0, i, j, k, unexplained = 0;
	size_t			 counts[MATRIX_SUTS_MAX][6];
	static const char *const verdicts[6] = { "PASS", "NON-STRICT", "FAIL",
	    "INFO", "SKIP", "ERROR" };
	int			 rc = 0;

	if (n == 0 || n > MATRIX_SUTS_MAX) {
		fprintf(errfp, "sts-harness report: give 1 to %d results "
		    "files\n", MATRIX_SUTS_MAX);
		return 2;
	}
	for (i = 0; i < n; i++)
		if (matrix_load(&suts[i], root, files[i], errfp) == -1) {
			for (j = 0; j <= i; j++) {
				json_decref(suts[j].root);
				free(suts[j].expl);
			}
			return 2;
		}
	rows = xcalloc(MATRIX_ROWS_MAX, sizeof(*rows));
	memset(counts, 0, sizeof(counts));
	for (i = 0; i < n; i++)
		json_array_foreach(suts[i].scns, j, scn) {
			id = matrix_str(scn, "id");
			for (k = 0; k < nrows; k++)
				if (strcmp(rows[k].id, id) == 0)
					break;
			if (k == nrows && nrows < MATRIX_ROWS_MAX) {
				rows[nrows].id = id;
				rows[nrows].file = matrix_str(scn, "file");
				rows[nrows].strength = matrix_str(scn,
				    "strength");
				nrows++;
			}
			v = matrix_str(scn, "verdict");
			for (k = 0; k < 6; k++)
				if (strcmp(v, verdicts[k]) == 0)
					counts[i][k]++;
		}
	qsort(rows, nrows, sizeof(rows[0]), matrix_row_cmp);

	fprintf(out, "# Results: the catalogue against real and reference "
	    "senders\n\n");
	fprintf(out, "Generated by `sts-harness report --markdown` from %zu "
	    "results files (`make results`); do not edit by hand. Cells: "
	    "verdict, and what reached an attacker when anything did (`ehlo`, "
	    "`envelope`, `message`). Verdicts and leaks: docs/verdicts.md.\n\n",
	    n);
	fprintf(out, "## SUTs\n\n| SUT | version (its adapter's `info`) | "
	    "PASS | NON-STRICT | FAIL | INFO | SKIP | ERROR |\n"
	    "| --- | --- | --- | --- | --- | --- | --- | --- |\n");
	for (i = 0; i < n; i++) {
		fprintf(out, "| %s | %s |", suts[i].name,
		    matrix_md(md, sizeof(md), suts[i].version));
		for (k = 0; k < 6; k++)
			fprintf(out, " %zu |", counts[i][k]);
		fputc('\n', out);
	}
	fprintf(out, "\n## Matrix\n\n| scenario | strength |");
	for (i = 0; i < n; i++)
		fprintf(out, " %s |", suts[i].name);
	fprintf(out, "\n| --- | --- |");
	for (i = 0; i < n; i++)
		fprintf(out, " --- |");
	fputc('\n', out);
	for (k = 0; k < nrows; k++) {
		fprintf(out, "| %s/%s | %s |", matrix_category(rows[k].file),
		    matrix_md(md, sizeof(md), rows[k].id),
		    matrix_md(md2, sizeof(md2), rows[k].strength));
		for (i = 0; i < n; i++) {
			if ((scn = matrix_find(&suts[i], rows[k].id)) == NULL) {
				fprintf(out, " - |");
				continue;
			}
			leak = matrix_str(scn, "leak");
			fprintf(out, " %s%s%s |", matrix_md(md, sizeof(md),
			    matrix_str(scn, "verdict")), strcmp(leak, "none") ?
			    " " : "", strcmp(leak, "none") ?
			    matrix_md(md2, sizeof(md2), leak) : "");
		}
		fputc('\n', out);
	}
	fprintf(out, "\n## Every non-PASS, explained\n\nA FAIL, NON-STRICT, "
	    "SKIP or ERROR is either a real deviation from RFC 8461 (with its "
	    "section) or a documented limitation of the adapter (from "
	    "`suts/NAME/explanations`). An INFO records behaviour the RFC "
	    "leaves open; its line is the harness's own reason.\n");
	for (i = 0; i < n; i++) {
		fprintf(out, "\n### %s\n\n", suts[i].name);
		j = 0;
		for (k = 0; k < nrows; k++) {
			if ((scn = matrix_find(&suts[i], rows[k].id)) == NULL)
				continue;
			v = matrix_str(scn, "verdict");
			e = matrix_explain(&suts[i], rows[k].id, v);
			if (strcmp(v, "PASS") == 0) {
				/* a note on a PASS, when its file has one */
				if (e != NULL && strcmp(e->verdict, v) == 0) {
					e->used = true;
					fprintf(out, "- `%s` PASS (note): %s\n",
					    rows[k].id, matrix_md(md,
					    sizeof(md), e->text));
				}
				continue;
			}
			j++;
			leak = matrix_str(scn, "leak");
			fprintf(out, "- `%s` %s (leak %s): ", rows[k].id, v,
			    leak);
			if (strcmp(v, "INFO") == 0) {
				fprintf(out, "%s\n", matrix_md(md, sizeof(md),
				    matrix_str(scn, "reason")));
				continue;
			}
			if (e != NULL && strcmp(e->verdict, v) == 0) {
				e->used = true;
				fprintf(out, "%s\n", matrix_md(md, sizeof(md),
				    e->text));
				continue;
			}
			fprintf(out, "**unexplained**: %s\n", matrix_md(md,
			    sizeof(md), matrix_str(scn, "reason")));
			fprintf(errfp, "%s: %s %s: %s (add \"%s %s TEXT\")\n",
			    suts[i].expl_file, rows[k].id, v, e == NULL ?
			    "no explanation" : "the explanation is for another "
			    "verdict", rows[k].id, v);
			unexplained++;
		}
		if (j == 0)
			fprintf(out, "- every scenario PASSed\n");
		for (k = 0; k < suts[i].nexpl; k++)
			if (!suts[i].expl[k].used &&
			    !matrix_id_used(&suts[i], suts[i].expl[k].id) &&
			    matrix_find(&suts[i], suts[i].expl[k].id) != NULL)
			    {
				fprintf(errfp, "%s: %s: explains %s, but the run "
				    "says otherwise (stale)\n",
				    suts[i].expl_file, suts[i].expl[k].id,
				    suts[i].expl[k].verdict);
				unexplained++;
			    }
	}
	if (unexplained > 0)
		rc = 1;
	free(rows);
	for (i = 0; i < n; i++) {
		json_decref(suts[i].root);
		free(suts[i].expl);
	}
	return rc;
}
