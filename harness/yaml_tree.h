/* SPDX-License-Identifier: ISC */
/*
 * yaml_tree.h -- the YAML layer of the scenario loader: libyaml events into
 * a small tree of nodes that keep their marks, typed access to the nodes,
 * and error messages "file:line:col: message" with the file name escaped
 * and quoted input made inert. Knows nothing of what a scenario is: the
 * schema (scenario.c, scn_field.c) walks the tree and says what it means.
 */
#ifndef HARNESS_YAML_TREE_H
#define HARNESS_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/err.h"
#include "../common/file.h"

#define YTREE_DEPTH_MAX		16	/* deepest real nesting is 5 */
#define YTREE_NODES_MAX		20000	/* YAML nodes per file */
#define YTREE_QUOTE_MAX		48	/* input echoed in a message */
/* a buffer for ytree_quote(): every byte may become \xNN, plus "..." */
#define YTREE_QUOTE_BUF		(YTREE_QUOTE_MAX * 4 + 8)
#define YTREE_LIST_MAX		256	/* an "allowed: a, b, c" hint */

enum ytree_type {
	YTREE_SCALAR = 0,
	YTREE_SEQ,
	YTREE_MAP,
};

/* One YAML node; a map's kids alternate key, value. */
struct ytree_node {
	enum ytree_type		 type;
	unsigned long		 line;		/* 1-based */
	unsigned long		 col;		/* 1-based */
	char			*str;		/* scalar text, NUL-free */
	size_t			 len;
	bool			 plain;		/* unquoted scalar */
	struct ytree_node	**kids;
	size_t			 nkids;
	size_t			 cap;
};

/* One file being read: its name as messages show it, and the error sink. */
struct ytree {
	char		 shown[FILE_PATH_SHOWN];	/* escaped */
	struct err	*err;
	size_t		 nnodes;
};

/* One name of an enum as written in YAML. */
struct ytree_name {
	const char	*name;
	int		 value;
};

/*
 * The i-th allowed value of a vocabulary another module owns (fake-dns
 * faults, fake-mx STARTTLS behaviours, certificate profiles), NULL past
 * the last: what an "allowed:" hint lists.
 */
typedef const char *ytree_names_fn(size_t);

/* ytree_init - messages will name the file name (shown escaped) */
void	ytree_init(struct ytree *, const char *name, struct err *);
/*
 * ytree_parse - the whole text as one tree: *root is NULL for a document
 * with no node. Anchors, aliases, a second document, NUL in a scalar,
 * nesting deeper than YTREE_DEPTH_MAX, more than YTREE_NODES_MAX nodes
 * and more than max bytes are errors. Free the tree with ytree_free().
 */
int	ytree_parse(struct ytree *, const char *buf, size_t len, size_t max,
	    struct ytree_node **root) __attribute__((warn_unused_result));
void	ytree_free(struct ytree_node *);

/* ytree_error - "file:line:col: message" at n (1:1 when n is NULL); -1 */
int	ytree_error(const struct ytree *, const struct ytree_node *,
	    const char *, ...) __attribute__((format(printf, 3, 4)));
/* ytree_error_at - the same at an explicit position; -1 */
int	ytree_error_at(const struct ytree *, unsigned long, unsigned long,
	    const char *, ...) __attribute__((format(printf, 4, 5)));
/*
 * ytree_quote - input text made safe for a one-line message: control and
 * non-ASCII bytes as \xNN, '"' and '\' escaped, cut with "..." after
 * YTREE_QUOTE_MAX bytes. buf should hold YTREE_QUOTE_BUF.
 */
const char *ytree_quote(const char *, size_t, char *, size_t);
/* ytree_type_str - "a scalar", "a sequence", "a mapping" */
const char *ytree_type_str(enum ytree_type);

/* ytree_want - n is of type, else "what: expected T, found U" */
int	ytree_want(const struct ytree *, const struct ytree_node *,
	    enum ytree_type, const char *what)
	    __attribute__((warn_unused_result));
/*
 * ytree_map_check - every key a scalar, known (allowed == NULL: any key)
 * and unique, checked in document order so the first error is the first
 * one in the file
 */
int	ytree_map_check(const struct ytree *, const struct ytree_node *,
	    const char *what, const char *const *allowed)
	    __attribute__((warn_unused_result));
/* ytree_map_get - value of key in a checked map, or NULL */
const struct ytree_node *ytree_map_get(const struct ytree_node *,
	    const char *key);
/* ytree_map_key - the key node itself (for its mark), or NULL */
const struct ytree_node *ytree_map_key(const struct ytree_node *,
	    const char *key);
/*
 * ytree_map_need - the value of a required key, or NULL after reporting
 * "[what: ]missing required key \"key\"" at the map
 */
const struct ytree_node *ytree_map_need(const struct ytree *,
	    const struct ytree_node *, const char *what, const char *key);

/* ytree_get_str - a scalar into dst[size]; longer is an error, not a cut */
int	ytree_get_str(const struct ytree *, const struct ytree_node *,
	    const char *what, char *dst, size_t size)
	    __attribute__((warn_unused_result));
/* ytree_get_uint - decimal in min..max through parse_uint() */
int	ytree_get_uint(const struct ytree *, const struct ytree_node *,
	    const char *what, unsigned long min, unsigned long max,
	    unsigned long *) __attribute__((warn_unused_result));
/* ytree_get_enum - a scalar from a name table; the error lists them */
int	ytree_get_enum(const struct ytree *, const struct ytree_node *,
	    const char *what, const struct ytree_name *, int *)
	    __attribute__((warn_unused_result));
/* ytree_get_bool - exactly "true" or "false" */
int	ytree_get_bool(const struct ytree *, const struct ytree_node *,
	    const char *what, bool *) __attribute__((warn_unused_result));
/*
 * ytree_bad_value - "what: bad value \"x\" (allowed: a, b, c)" at n, the
 * list from names; always -1
 */
int	ytree_bad_value(const struct ytree *, const struct ytree_node *,
	    const char *what, ytree_names_fn *);
/* ytree_has_ctl - s holds a control character */
bool	ytree_has_ctl(const char *);

#endif
