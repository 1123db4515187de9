/* SPDX-License-Identifier: ISC */
/*
 * str.c -- bounded string helpers, checked number parsing and the x*
 * allocators. Truncation is always reported to the caller.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "str.h"

static size_t	str_escape_len(unsigned char);

int
str_copy(char *dst, const char *src, size_t size)
{
	size_t	len;

	if (size == 0)
		return -1;
	len = strlen(src);
	if (len >= size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		return -1;
	}
	memcpy(dst, src, len + 1);
	return 0;
}

int
str_fmt(char *dst, size_t size, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(dst, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size)
		return -1;
	return 0;
}

/* str_escape_len - bytes c takes once escaped */
static size_t
str_escape_len(unsigned char c)
{
	return c < 0x20 || c >= 0x7f ? 4 : c == '\\' ? 2 : 1;
}

const char *
str_escape(char *dst, size_t size, const char *src)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p;
	size_t			 o = 0, total = 0, room;

	if (size == 0)
		return dst;
	for (p = (const unsigned char *)src; *p != '\0'; p++)
		total += str_escape_len(*p);
	/* all of it, or as much as leaves room for "..." */
	room = total < size ? size - 1 : size > 4 ? size - 4 : 0;
	for (p = (const unsigned char *)src; *p != '\0'; p++) {
		if (o + str_escape_len(*p) > room)
			break;
		if (str_escape_len(*p) == 4) {
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[*p >> 4];
			dst[o++] = hex[*p & 0xf];
		} else if (*p == '\\') {
			dst[o++] = '\\';
			dst[o++] = '\\';
		} else
			dst[o++] = (char)*p;
	}
	if (*p != '\0' && o + 3 < size) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
	return dst;
}

/* parse_uint - strict decimal: digits only, no sign, no blanks, <= max */
int
parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long	v;
	char		*end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return -1;
	*out = v;
	return 0;
}

bool
str_eq_ci(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return false;
	return *a == *b;
}

bool
str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool
str_has_suffix_ci(const char *s, const char *suffix)
{
	size_t	sl = strlen(s), xl = strlen(suffix);

	return xl <= sl && str_eq_ci(s + sl - xl, suffix);
}

void
str_lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

char *
str_trim(char *s)
{
	char	*end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	return s;
}

void *
xmalloc(size_t n)
{
	void	*p = malloc(n == 0 ? 1 : n);

	if (p == NULL)
		fatalx("xmalloc: out of memory (%zu bytes)", n);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void	*p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size);

	if (p == NULL)
		fatalx("xcalloc: out of memory (%zu x %zu bytes)", n, size);
	return p;
}

void *
xrealloc(void *old, size_t n)
{
	void	*p = realloc(old, n == 0 ? 1 : n);

	if (p == NULL)
		fatalx("xrealloc: out of memory (%zu bytes)", n);
	return p;
}

char *
xstrdup(const char *s)
{
	char	*p = strdup(s);

	if (p == NULL)
		fatalx("xstrdup: out of memory");
	return p;
}

const char *
str_name_str(const struct str_name *t, size_t n, int value, const char *what)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (t[i].value == value)
			return t[i].name;
	fatalx("%s: bad value %d", what, value);
}

int
str_name_parse(const struct str_name *t, size_t n, const char *s, int *out)
{
	size_t	i;

	if (s == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (strcmp(s, t[i].name) == 0) {
			*out = t[i].value;
			return 0;
		}
	return -1;
}
