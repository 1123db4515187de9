/* SPDX-License-Identifier: ISC */
/*
 * catalog.c -- collect scenario files (recursively, sorted, so runs are
 * reproducible) and load every one before anything runs. A broken file
 * never hides the others' errors: each is reported, then the load fails.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/log.h"
#include "../common/str.h"
#include "catalog.h"

#define CATALOG_DEPTH_MAX	8
#define CATALOG_FILES_MAX	4096

struct catalog_files {
	char	**v;
	size_t	  n;
};

static int	catalog_walk(struct catalog_files *, const char *, int, FILE *);
static int	catalog_cmp(const void *, const void *);
static bool	catalog_is_yaml(const char *);

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

	if (stat(path, &st) == -1) {
		fprintf(errfp, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (f->n == CATALOG_FILES_MAX) {
			fprintf(errfp, "%s: more than %d scenario files\n",
			    path, CATALOG_FILES_MAX);
			return -1;
		}
		f->v = xrealloc(f->v, (f->n + 1) * sizeof(char *));
		f->v[f->n++] = xstrdup(path);
		return 0;
	}
	if (depth > CATALOG_DEPTH_MAX) {
		fprintf(errfp, "%s: directories nested too deep\n", path);
		return -1;
	}
	if ((d = opendir(path)) == NULL) {
		fprintf(errfp, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (str_fmt(sub, sizeof(sub), "%s/%s", path, de->d_name) ==
		    -1) {
			fprintf(errfp, "%s/%s: path too long\n", path,
			    de->d_name);
			rc = -1;
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
	struct catalog_files	 f = { NULL, 0 };
	struct scenario		*scn;
	struct err		 err;
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
			fprintf(errfp, "%s: duplicate scenario id \"%s\" "
			    "(also in %s)\n", f.v[i], scn->id,
			    cat->scns[j]->file);
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
