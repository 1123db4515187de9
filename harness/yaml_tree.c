/* SPDX-License-Identifier: ISC */
/*
 * yaml_tree.c -- the YAML layer of the scenario loader: libyaml's event
 * API into a small node tree with marks (no recursion while parsing, no
 * anchors or aliases, bounded depth and size), typed access to its nodes,
 * and the "file:line:col: message" errors every layer above reports with.
 * Pure: no I/O.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "../common/log.h"
#include "../common/str.h"
#include "yaml_tree.h"

/* the tree being built: the open containers, innermost last */
struct ytree_build {
	struct ytree_node	*root;
	struct ytree_node	*stack[YTREE_DEPTH_MAX];
	size_t			 depth;
	int			 ndocs;
	bool			 done;
};

static void	ytree_offset_pos(const char *, size_t, size_t, unsigned long *,
		    unsigned long *);
static const char *ytree_names_list(const struct ytree_name *, char *,
		    size_t);
static struct ytree_node *ytree_node_new(enum ytree_type, const yaml_mark_t *);
static int	ytree_yaml_error(const struct ytree *, const yaml_parser_t *,
		    const char *, size_t);
static int	ytree_attach(struct ytree *, struct ytree_build *,
		    struct ytree_node *);
static int	ytree_event(struct ytree *, yaml_event_t *,
		    struct ytree_build *);

static const struct ytree_name ytree_bool_names[] = {
	{ "true",	1 },
	{ "false",	0 },
	{ NULL,		0 },
};

void
ytree_init(struct ytree *t, const char *name, struct err *err)
{
	memset(t, 0, sizeof(*t));
	(void)str_escape(t->shown, sizeof(t->shown), name);
	t->err = err;
}

/*
 * ytree_error - "file:line:col: message" at node n (1:1 when n is NULL);
 * the file name is shown escaped, so it cannot forge a line of its own
 */
int
ytree_error(const struct ytree *t, const struct ytree_node *n,
    const char *fmt, ...)
{
	char	msg[ERR_MSG_MAX];
	va_list	ap;

	va_start(ap, fmt);
	if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
		msg[0] = '\0';
	va_end(ap);
	return err_set(t->err, ERR_SYNTAX, "%s:%lu:%lu: %s", t->shown,
	    n != NULL ? n->line : 1, n != NULL ? n->col : 1, msg);
}

/* ytree_error_at - the same at an explicit position */
int
ytree_error_at(const struct ytree *t, unsigned long line, unsigned long col,
    const char *fmt, ...)
{
	char	msg[ERR_MSG_MAX];
	va_list	ap;

	va_start(ap, fmt);
	if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
		msg[0] = '\0';
	va_end(ap);
	return err_set(t->err, ERR_SYNTAX, "%s:%lu:%lu: %s", t->shown,
	    line, col, msg);
}

/*
 * ytree_quote - input text made safe for a one-line message: control and
 * non-ASCII bytes as \xNN, '"' and '\' escaped, cut with "..." so that a
 * hostile value cannot flood or split the message.
 */
const char *
ytree_quote(const char *s, size_t len, char *buf, size_t size)
{
	size_t		i, o = 0;
	unsigned char	c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (o + 8 >= size || i >= YTREE_QUOTE_MAX) {
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		if (c < 0x20 || c >= 0x7f) {
			(void)snprintf(buf + o, size - o, "\\x%02x", c);
			o += 4;
		} else if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else
			buf[o++] = (char)c;
	}
	buf[o] = '\0';
	return buf;
}

const char *
ytree_type_str(enum ytree_type type)
{
	switch (type) {
	case YTREE_SCALAR:
		return "a scalar";
	case YTREE_SEQ:
		return "a sequence";
	case YTREE_MAP:
		return "a mapping";
	default:
		fatalx("ytree_type_str: bad type %d", (int)type);
	}
}

/* ytree_offset_pos - 1-based line and column (in characters) of byte off */
static void
ytree_offset_pos(const char *buf, size_t len, size_t off, unsigned long *line,
    unsigned long *col)
{
	size_t	i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off && i < len; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)buf[i] & 0xc0) != 0x80)
			(*col)++;
	}
}

/* ytree_names_list - "a, b, c" for an "allowed:" hint */
static const char *
ytree_names_list(const struct ytree_name *names, char *buf, size_t size)
{
	size_t	len = 0;
	int	n;

	buf[0] = '\0';
	for (; names->name != NULL; names++) {
		n = snprintf(buf + len, size - len, "%s%s", len > 0 ? ", " :
		    "", names->name);
		if (n < 0 || (size_t)n >= size - len)
			break;
		len += (size_t)n;
	}
	return buf;
}

static struct ytree_node *
ytree_node_new(enum ytree_type type, const yaml_mark_t *mark)
{
	struct ytree_node	*n = xcalloc(1, sizeof(*n));

	n->type = type;
	n->line = (unsigned long)mark->line + 1;
	n->col = (unsigned long)mark->column + 1;
	return n;
}

/* ytree_free - recursion depth is bounded by YTREE_DEPTH_MAX */
void
ytree_free(struct ytree_node *n)
{
	size_t	i;

	if (n == NULL)
		return;
	for (i = 0; i < n->nkids; i++)
		ytree_free(n->kids[i]);
	free(n->kids);
	free(n->str);
	free(n);
}

/* ytree_yaml_error - libyaml's problem text at its problem mark */
static int
ytree_yaml_error(const struct ytree *t, const yaml_parser_t *p,
    const char *buf, size_t len)
{
	unsigned long	line, col;
	const char	*problem = p->problem != NULL ? p->problem :
			    "malformed YAML";

	switch (p->error) {
	case YAML_READER_ERROR:
		/* reader errors carry a byte offset, not a mark */
		ytree_offset_pos(buf, len, p->problem_offset, &line, &col);
		if (p->problem_value != -1)
			return ytree_error_at(t, line, col, "%s (#%x)",
			    problem, (unsigned int)p->problem_value);
		return ytree_error_at(t, line, col, "%s", problem);
	case YAML_SCANNER_ERROR:
	case YAML_PARSER_ERROR:
	case YAML_COMPOSER_ERROR:
		line = (unsigned long)p->problem_mark.line + 1;
		col = (unsigned long)p->problem_mark.column + 1;
		if (p->context != NULL)
			return ytree_error_at(t, line, col, "%s (%s)", problem,
			    p->context);
		return ytree_error_at(t, line, col, "%s", problem);
	case YAML_MEMORY_ERROR:
		return ytree_error_at(t, 1, 1, "YAML parser out of memory");
	case YAML_NO_ERROR:
	case YAML_WRITER_ERROR:
	case YAML_EMITTER_ERROR:
	default:
		return ytree_error_at(t, 1, 1, "YAML parser failed (%d)",
		    (int)p->error);
	}
}

/* ytree_attach - hang a new node under the open container (or root) */
static int
ytree_attach(struct ytree *t, struct ytree_build *b, struct ytree_node *n)
{
	struct ytree_node	*parent;
	int			 rc;

	if (++t->nnodes > YTREE_NODES_MAX) {
		rc = ytree_error(t, n, "more than %d YAML nodes",
		    YTREE_NODES_MAX);
		ytree_free(n);
		return rc;
	}
	if (b->depth == 0) {
		if (b->root != NULL) {
			rc = ytree_error(t, n, "more than one top-level node");
			ytree_free(n);
			return rc;
		}
		b->root = n;
		return 0;
	}
	parent = b->stack[b->depth - 1];
	if (parent->nkids == parent->cap) {
		parent->cap = parent->cap == 0 ? 8 : parent->cap * 2;
		parent->kids = xrealloc(parent->kids, parent->cap *
		    sizeof(*parent->kids));
	}
	parent->kids[parent->nkids++] = n;
	return 0;
}

/*
 * ytree_event - take one libyaml event. Aliases and anchors are rejected
 * outright: they buy nothing in a scenario and an alias bomb ("billion
 * laughs") is the classic YAML denial of service.
 */
static int
ytree_event(struct ytree *t, yaml_event_t *ev, struct ytree_build *b)
{
	struct ytree_node	*n;
	const char		*anchor = NULL;
	char			 q[YTREE_QUOTE_BUF];

	switch (ev->type) {
	case YAML_NO_EVENT:
	case YAML_STREAM_START_EVENT:
	case YAML_DOCUMENT_END_EVENT:
		return 0;
	case YAML_STREAM_END_EVENT:
		b->done = true;
		return 0;
	case YAML_DOCUMENT_START_EVENT:
		if (++b->ndocs > 1)
			return ytree_error_at(t, ev->start_mark.line + 1,
			    ev->start_mark.column + 1,
			    "more than one YAML document in the file");
		return 0;
	case YAML_ALIAS_EVENT:
		anchor = (const char *)ev->data.alias.anchor;
		return ytree_error_at(t, ev->start_mark.line + 1,
		    ev->start_mark.column + 1,
		    "YAML aliases are not allowed (*%s)",
		    ytree_quote(anchor, strlen(anchor), q, sizeof(q)));
	case YAML_SCALAR_EVENT:
		anchor = (const char *)ev->data.scalar.anchor;
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = (const char *)ev->data.sequence_start.anchor;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = (const char *)ev->data.mapping_start.anchor;
		break;
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		if (b->depth == 0)
			fatalx("ytree_event: unbalanced YAML events");
		b->depth--;
		return 0;
	default:
		fatalx("ytree_event: unknown YAML event %d", (int)ev->type);
	}
	if (anchor != NULL)
		return ytree_error_at(t, ev->start_mark.line + 1,
		    ev->start_mark.column + 1,
		    "YAML anchors are not allowed (&%s)",
		    ytree_quote(anchor, strlen(anchor), q, sizeof(q)));
	if (ev->type == YAML_SCALAR_EVENT) {
		n = ytree_node_new(YTREE_SCALAR, &ev->start_mark);
		if (memchr(ev->data.scalar.value, '\0',
		    ev->data.scalar.length) != NULL) {
			ytree_free(n);
			return ytree_error_at(t, ev->start_mark.line + 1,
			    ev->start_mark.column + 1,
			    "scalar contains a NUL character");
		}
		n->len = ev->data.scalar.length;
		n->str = xmalloc(n->len + 1);
		memcpy(n->str, ev->data.scalar.value, n->len);
		n->str[n->len] = '\0';
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		return ytree_attach(t, b, n);
	}
	if (b->depth == YTREE_DEPTH_MAX)
		return ytree_error_at(t, ev->start_mark.line + 1,
		    ev->start_mark.column + 1,
		    "nesting deeper than %d levels", YTREE_DEPTH_MAX);
	n = ytree_node_new(ev->type == YAML_MAPPING_START_EVENT ? YTREE_MAP :
	    YTREE_SEQ, &ev->start_mark);
	if (ytree_attach(t, b, n) == -1)
		return -1;
	b->stack[b->depth++] = n;
	return 0;
}

/* ytree_parse - the size bound, then the whole text as one node tree */
int
ytree_parse(struct ytree *t, const char *buf, size_t len, size_t max,
    struct ytree_node **out)
{
	yaml_parser_t		parser;
	yaml_event_t		ev;
	struct ytree_build	b;
	unsigned long		line, col;
	int			rc;

	*out = NULL;
	if (len > max) {
		ytree_offset_pos(buf, len, max, &line, &col);
		return ytree_error_at(t, line, col, "file larger than %zu "
		    "bytes", max);
	}
	memset(&b, 0, sizeof(b));
	if (yaml_parser_initialize(&parser) == 0)
		return ytree_error(t, NULL, "YAML parser out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	while (!b.done) {
		if (yaml_parser_parse(&parser, &ev) == 0) {
			(void)ytree_yaml_error(t, &parser, buf, len);
			goto fail;
		}
		rc = ytree_event(t, &ev, &b);
		yaml_event_delete(&ev);
		if (rc == -1)
			goto fail;
	}
	yaml_parser_delete(&parser);
	*out = b.root;
	return 0;
fail:
	yaml_parser_delete(&parser);
	ytree_free(b.root);
	return -1;
}

int
ytree_map_check(const struct ytree *t, const struct ytree_node *map,
    const char *what, const char *const *allowed)
{
	const struct ytree_node	*k, *prev;
	const char *const	*a;
	char			 q[YTREE_QUOTE_BUF], list[YTREE_LIST_MAX];
	size_t			 i, j, len;
	int			 n;

	for (i = 0; i + 1 < map->nkids; i += 2) {
		k = map->kids[i];
		if (k->type != YTREE_SCALAR)
			return ytree_error(t, k, "%s: a key must be a scalar, "
			    "found %s", what, ytree_type_str(k->type));
		if (allowed != NULL) {
			for (a = allowed; *a != NULL; a++)
				if (strcmp(*a, k->str) == 0)
					break;
			if (*a == NULL) {
				len = 0;
				list[0] = '\0';
				for (a = allowed; *a != NULL; a++) {
					n = snprintf(list + len,
					    sizeof(list) - len, "%s%s",
					    len > 0 ? ", " : "", *a);
					if (n < 0 ||
					    (size_t)n >= sizeof(list) - len)
						break;
					len += (size_t)n;
				}
				return ytree_error(t, k, "%s: unknown key "
				    "\"%s\" (allowed: %s)", what,
				    ytree_quote(k->str, k->len, q, sizeof(q)),
				    list);
			}
		}
		for (j = 0; j < i; j += 2) {
			prev = map->kids[j];
			if (strcmp(prev->str, k->str) == 0)
				return ytree_error(t, k, "%s: duplicate key "
				    "\"%s\" (first at %lu:%lu)", what,
				    ytree_quote(k->str, k->len, q, sizeof(q)),
				    prev->line, prev->col);
		}
	}
	return 0;
}

const struct ytree_node *
ytree_map_get(const struct ytree_node *map, const char *key)
{
	size_t	i;

	for (i = 0; i + 1 < map->nkids; i += 2)
		if (strcmp(map->kids[i]->str, key) == 0)
			return map->kids[i + 1];
	return NULL;
}

const struct ytree_node *
ytree_map_need(const struct ytree *t, const struct ytree_node *map,
    const char *what, const char *key)
{
	const struct ytree_node	*n;

	if ((n = ytree_map_get(map, key)) != NULL)
		return n;
	(void)ytree_error(t, map, "%s%smissing required key \"%s\"",
	    what != NULL ? what : "", what != NULL ? ": " : "", key);
	return NULL;
}

const struct ytree_node *
ytree_map_key(const struct ytree_node *map, const char *key)
{
	size_t	i;

	for (i = 0; i + 1 < map->nkids; i += 2)
		if (strcmp(map->kids[i]->str, key) == 0)
			return map->kids[i];
	return NULL;
}

int
ytree_want(const struct ytree *t, const struct ytree_node *n,
    enum ytree_type type, const char *what)
{
	if (n->type == type)
		return 0;
	return ytree_error(t, n, "%s: expected %s, found %s", what,
	    ytree_type_str(type), ytree_type_str(n->type));
}

int
ytree_get_str(const struct ytree *t, const struct ytree_node *n,
    const char *what, char *dst, size_t size)
{
	if (ytree_want(t, n, YTREE_SCALAR, what) == -1)
		return -1;
	if (n->len >= size)
		return ytree_error(t, n, "%s: longer than %zu bytes", what,
		    size - 1);
	memcpy(dst, n->str, n->len + 1);
	return 0;
}

int
ytree_get_uint(const struct ytree *t, const struct ytree_node *n,
    const char *what, unsigned long min, unsigned long max,
    unsigned long *out)
{
	char	q[YTREE_QUOTE_BUF];

	if (ytree_want(t, n, YTREE_SCALAR, what) == -1)
		return -1;
	if (parse_uint(n->str, max, out) == -1 || *out < min)
		return ytree_error(t, n, "%s: \"%s\" is not an integer in "
		    "%lu..%lu", what, ytree_quote(n->str, n->len, q,
		    sizeof(q)), min, max);
	return 0;
}

int
ytree_get_enum(const struct ytree *t, const struct ytree_node *n,
    const char *what, const struct ytree_name *names, int *out)
{
	const struct ytree_name	*p;
	char			 q[YTREE_QUOTE_BUF], list[YTREE_LIST_MAX];

	if (ytree_want(t, n, YTREE_SCALAR, what) == -1)
		return -1;
	for (p = names; p->name != NULL; p++)
		if (strcmp(p->name, n->str) == 0) {
			*out = p->value;
			return 0;
		}
	return ytree_error(t, n, "%s: bad value \"%s\" (allowed: %s)", what,
	    ytree_quote(n->str, n->len, q, sizeof(q)),
	    ytree_names_list(names, list, sizeof(list)));
}

int
ytree_get_bool(const struct ytree *t, const struct ytree_node *n,
    const char *what, bool *out)
{
	int	v;

	if (ytree_get_enum(t, n, what, ytree_bool_names, &v) == -1)
		return -1;
	*out = v != 0;
	return 0;
}

int
ytree_bad_value(const struct ytree *t, const struct ytree_node *n,
    const char *what, ytree_names_fn *names)
{
	char		 q[YTREE_QUOTE_BUF], list[YTREE_LIST_MAX];
	const char	*name;
	size_t		 i, len = 0;
	int		 w;

	list[0] = '\0';
	for (i = 0; (name = names(i)) != NULL; i++) {
		w = snprintf(list + len, sizeof(list) - len, "%s%s",
		    len > 0 ? ", " : "", name);
		if (w < 0 || (size_t)w >= sizeof(list) - len)
			break;
		len += (size_t)w;
	}
	return ytree_error(t, n, "%s: bad value \"%s\" (allowed: %s)", what,
	    ytree_quote(n->str, n->len, q, sizeof(q)), list);
}

bool
ytree_has_ctl(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}
