/* SPDX-License-Identifier: ISC */
/*
 * catalog.c -- collect scenario files (recursively, sorted, so runs are
 * reproducible) and load every one before anything runs. A broken file
 * never hides the others' errors: each is reported, then the load fails.
 * Paths are printed escaped (a file name can hold a newline or a terminal
 * escape); nothing here opens a file, so a FIFO cannot stall the walk.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/file.h"
#include "../common/log.h"
#include "../common/str.h"
#include "catalog.h"

#define CATALOG_DEPTH_MAX	8
#define CATALOG_FILES_MAX	4096
#define CATALOG_DIRS_MAX	1024	/* symlinks to "." multiply */

struct catalog_files {
	char	**v;
	size_t	  n;
	size_t	  ndirs;	/* directories opened so far */
};

static int	catalog_walk(struct catalog_files *, const char *, int, FILE *);
static int	catalog_cmp(const void *, const void *);
static bool	catalog_is_yaml(const char *);
static int	catalog_error(FILE *, const char *, const char *, const char *,
		    ...) __attribute__((format(printf, 4, 5)));

/*
 * catalog_error - "path:1:1: message" on errfp, path (or dir "/" name when
 * name is not NULL) escaped so it stays one inert line; returns -1
 */
static int
catalog_error(FILE *errfp, const char *path, const char *name,
    const char *fmt, ...)
{
	char	p[FILE_PATH_SHOWN], n[FILE_PATH_SHOWN], msg[ERR_MSG_MAX];
	va_list	ap;

	va_start(ap, fmt);
	if (vsnprintf(msg, sizeof(msg), fmt, ap) < 0)
		msg[0] = '\0';
	va_end(ap);
	(void)str_escape(p, sizeof(p), path);
	if (name != NULL)
		fprintf(errfp, "%s/%s:1:1: %s\n", p, str_escape(n, sizeof(n),
		    name), msg);
	else
		fprintf(errfp, "%s:1:1: %s\n", p, msg);
	return -1;
}

static bool
catalog_is_yaml(const char *name)
{
	size_t	len = strlen(name);

	return (len > 5 && strcmp(name + len - 5, ".yaml") == 0) ||
	    (len > 4 && strcmp(name + len - 4, ".yml") == 0);
}

static int
catalog_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* catalog_walk - add path (a file, or the YAML files below a directory) */
static int
catalog_walk(struct catalog_files *f, const char *path, int depth,
    FILE *errfp)
{
	struct stat	 st;
	struct dirent	*de;
	DIR		*d;
	char		 sub[SCN_PATH_MAX];
	int		 rc = 0;

	/* stat, not open: a FIFO is listed here and refused by file_read */
	if (stat(path, &st) == -1)
		return catalog_error(errfp, path, NULL, "%s", strerror(errno));
	if (!S_ISDIR(st.st_mode)) {
		if (f->n == CATALOG_FILES_MAX)
			return catalog_error(errfp, path, NULL, "more than %d "
			    "scenario files", CATALOG_FILES_MAX);
		f->v = xrealloc(f->v, (f->n + 1) * sizeof(char *));
		f->v[f->n++] = xstrdup(path);
		return 0;
	}
	/* every directory reached counts, too deep or not: loops end */
	if (f->ndirs >= CATALOG_DIRS_MAX) {
		/* said once: the walk stops here, not once per entry left */
		if (f->ndirs++ == CATALOG_DIRS_MAX)
			(void)catalog_error(errfp, path, NULL, "more than %d "
			    "directories (a symlink loop?)", CATALOG_DIRS_MAX);
		return -1;
	}
	f->ndirs++;
	if (depth > CATALOG_DEPTH_MAX)
		return catalog_error(errfp, path, NULL, "directories nested "
		    "too deep");
	if ((d = opendir(path)) == NULL)
		return catalog_error(errfp, path, NULL, "%s", strerror(errno));
	while ((de = readdir(d)) != NULL && f->ndirs <= CATALOG_DIRS_MAX) {
		if (de->d_name[0] == '.')
			continue;
		if (str_fmt(sub, sizeof(sub), "%s/%s", path, de->d_name) ==
		    -1) {
			rc = catalog_error(errfp, path, de->d_name, "path too "
			    "long");
			continue;
		}
		if (stat(sub, &st) == 0 && !S_ISDIR(st.st_mode) &&
		    !catalog_is_yaml(de->d_name))
			continue;
		if (catalog_walk(f, sub, depth + 1, errfp) == -1)
			rc = -1;
	}
	closedir(d);
	return rc;
}

int
catalog_load(struct catalog *cat, char *const *paths, size_t npaths,
    FILE *errfp)
{
	struct catalog_files	 f = { NULL, 0, 0 };
	struct scenario		*scn;
	struct err		 err;
	char			 p1[FILE_PATH_SHOWN], p2[FILE_PATH_SHOWN];
	size_t			 i, j;
	int			 rc = 0;

	memset(cat, 0, sizeof(*cat));
	for (i = 0; i < npaths; i++)
		if (catalog_walk(&f, paths[i], 0, errfp) == -1)
			rc = -1;
	if (f.n > 1)
		qsort(f.v, f.n, sizeof(char *), catalog_cmp);
	for (i = 0; i < f.n; i++) {
		if (scenario_load(f.v[i], &scn, &err) == -1) {
			fprintf(errfp, "%s\n", err.msg);
			rc = -1;
			continue;
		}
		for (j = 0; j < cat->n; j++)
			if (strcmp(cat->scns[j]->id, scn->id) == 0)
				break;
		if (j < cat->n) {
			/* ids are [a-z0-9-]; the paths are anyone's text */
			fprintf(errfp, "%s: duplicate scenario id \"%s\" "
			    "(also in %s)\n", str_escape(p1, sizeof(p1),
			    f.v[i]), scn->id, str_escape(p2, sizeof(p2),
			    cat->scns[j]->file));
			scenario_free(scn);
			rc = -1;
			continue;
		}
		cat->scns = xrealloc(cat->scns, (cat->n + 1) *
		    sizeof(*cat->scns));
		cat->scns[cat->n++] = scn;
	}
	for (i = 0; i < f.n; i++)
		free(f.v[i]);
	free(f.v);
	if (rc == 0 && cat->n == 0) {
		fprintf(errfp, "no scenario files found\n");
		rc = -1;
	}
	if (rc == -1)
		catalog_clear(cat);
	return rc;
}

void
catalog_clear(struct catalog *cat)
{
	size_t	i;

	for (i = 0; i < cat->n; i++)
		scenario_free(cat->scns[i]);
	free(cat->scns);
	cat->scns = NULL;
	cat->n = 0;
}
