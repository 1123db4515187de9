/* SPDX-License-Identifier: ISC */
/*
 * str.h -- bounded string helpers and checked number parsing. No function
 * here writes past the size it is given; truncation is reported, never
 * silent.
 */
#ifndef COMMON_STR_H
#define COMMON_STR_H

#include <stdbool.h>
#include <stddef.h>

/*
 * str_copy - copy src into dst[size]; -1 (dst cut and terminated) if it
 * did not fit. Not MUST_CHECK: a cut display string is sometimes fine,
 * and a (void) cast does not silence gcc's warn_unused_result.
 */
int	str_copy(char *dst, const char *src, size_t size);
/* A table of names for the values of an enum, e.g. a scenario key's. */
struct str_name {
	int		 value;
	const char	*name;
};
#define STR_NROWS(t)	(sizeof(t) / sizeof((t)[0]))
/* str_name_str - value's name in t; a value without one is a bug (what) */
const char *str_name_str(const struct str_name *t, size_t n, int value,
	    const char *what);
/* str_name_parse - the value named s in t into *out; -1 if none */
int	str_name_parse(const struct str_name *t, size_t n, const char *s,
	    int *out);

/* str_fmt - snprintf that returns -1 on truncation or error */
int	str_fmt(char *dst, size_t size, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
/* parse_uint - whole-string decimal, no sign, no space, <= max */
int	parse_uint(const char *s, unsigned long max, unsigned long *out)
	    __attribute__((warn_unused_result));
/*
 * str_escape - src made safe for one line on a terminal: bytes below 0x20,
 * 0x7f and above as \xNN, '\' as "\\"; cut (ending in "...") to fit
 * dst[size]. Returns dst. For text a peer, an adapter or a file name
 * chose.
 */
const char *str_escape(char *dst, size_t size, const char *src);
bool	str_eq_ci(const char *, const char *);
bool	str_has_prefix(const char *s, const char *prefix);
bool	str_has_suffix_ci(const char *s, const char *suffix);
void	str_lower(char *);
/* str_trim - strip leading/trailing blanks (space, tab) in place */
char   *str_trim(char *);
/* xmalloc family: abort (fatalx) on allocation failure */
void   *xmalloc(size_t);
void   *xcalloc(size_t, size_t);
void   *xrealloc(void *, size_t);
char   *xstrdup(const char *);

#endif
