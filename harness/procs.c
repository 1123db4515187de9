/* SPDX-License-Identifier: ISC */
/*
 * procs.c -- see procs.h. /proc/PID/stat is "PID (COMM) S ...", where
 * COMM may itself hold spaces and parentheses: it ends at the last ')'.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/str.h"
#include "procs.h"

#define PROCS_STAT_MAX	1024

static int	procs_read_stat(const char *, pid_t, struct procs_stat *);
static int	procs_cmp(const void *, const void *);

int
procs_stat_parse(const char *text, struct procs_stat *st)
{
	const char	*open, *close, *p;
	char		*end;
	size_t		 len;
	int		 field;
	long		 ppid;

	memset(st, 0, sizeof(*st));
	if ((open = strchr(text, '(')) == NULL ||
	    (close = strrchr(text, ')')) == NULL || close < open ||
	    close[1] != ' ' || close[2] == '\0' || close[3] != ' ')
		return -1;
	len = (size_t)(close - open - 1);
	if (len >= sizeof(st->comm))
		len = sizeof(st->comm) - 1;
	memcpy(st->comm, open + 1, len);
	st->comm[len] = '\0';
	st->state = close[2];
	errno = 0;
	ppid = strtol(close + 4, &end, 10);
	if (end == close + 4 || *end != ' ' || errno != 0 || ppid < 0)
		return -1;
	st->ppid = (pid_t)ppid;
	/* field 3 is the state; 22 the start time */
	for (p = close + 2, field = 3; field < 22; field++) {
		if ((p = strchr(p, ' ')) == NULL)
			return -1;
		p++;
	}
	if (*p < '0' || *p > '9')
		return -1;
	errno = 0;
	st->start = strtoull(p, &end, 10);
	if (errno != 0 || (*end != ' ' && *end != '\0' && *end != '\n'))
		return -1;
	return 0;
}

static int
procs_read_stat(const char *proc_dir, pid_t pid, struct procs_stat *st)
{
	char	path[64], text[PROCS_STAT_MAX];
	ssize_t	n;
	int	fd;

	if (str_fmt(path, sizeof(path), "%s/%ld/stat", proc_dir,
	    (long)pid) == -1)
		return -1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	text[n] = '\0';
	return procs_stat_parse(text, st);
}

static int
procs_cmp(const void *a, const void *b)
{
	pid_t	x = *(const pid_t *)a, y = *(const pid_t *)b;

	return x < y ? -1 : x > y;
}

void
procs_snapshot(struct procs *p, const char *proc_dir, const pid_t *skip,
    size_t nskip, pid_t parent)
{
	pid_t			 pids[PROCS_MAX];
	struct procs_stat	 st;
	struct dirent		*de;
	DIR			*d;
	char			*end;
	long			 v;
	size_t			 i, n = 0;

	memset(p, 0, sizeof(*p));
	if ((d = opendir(proc_dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		errno = 0;
		v = strtol(de->d_name, &end, 10);
		if (*end != '\0' || v <= 0 || errno != 0)
			continue;
		for (i = 0; i < nskip; i++)
			if (skip[i] == (pid_t)v)
				break;
		if (i < nskip)
			continue;
		if (procs_read_stat(proc_dir, (pid_t)v, &st) == -1 ||
		    st.state == 'Z' || st.state == 'X' ||
		    (parent > 0 && st.ppid != parent))
			continue;
		if (n == PROCS_MAX) {
			p->more++;
			continue;
		}
		pids[n++] = (pid_t)v;
	}
	closedir(d);
	qsort(pids, n, sizeof(pids[0]), procs_cmp);
	for (i = 0; i < n; i++) {
		if (procs_read_stat(proc_dir, pids[i], &st) == -1)
			continue;	/* gone since */
		memcpy(p->comm[p->n], st.comm, sizeof(st.comm));
		p->start[p->n] = st.start;
		p->pid[p->n++] = pids[i];
	}
}

bool
procs_alive(const char *proc_dir, struct procs *p, size_t i)
{
	struct procs_stat	st;

	if (i >= p->n || procs_read_stat(proc_dir, p->pid[i], &st) == -1 ||
	    st.state == 'Z' || st.state == 'X' || st.start != p->start[i])
		return false;
	memcpy(p->comm[i], st.comm, sizeof(st.comm));
	return true;
}

void
procs_format(const struct procs *p, char *buf, size_t bufsz)
{
	char	esc[4 * PROCS_COMM_MAX + 1], item[sizeof(esc) + 24];
	size_t	i, len = 0, n;

	if (bufsz == 0)
		return;
	buf[0] = '\0';
	if (p->n == 0 && p->more == 0) {
		(void)str_copy(buf, "none", bufsz);
		return;
	}
	/* whole items only: a cut list is still a true one */
	for (i = 0; i <= p->n; i++) {
		if (i < p->n)
			(void)str_fmt(item, sizeof(item), "%s%ld %s", i > 0 ?
			    ", " : "", (long)p->pid[i], str_escape(esc,
			    sizeof(esc), p->comm[i]));
		else if (p->more > 0)
			(void)str_fmt(item, sizeof(item), " (+%zu more)",
			    p->more);
		else
			break;
		n = strlen(item);
		if (len + n + 1 > bufsz)
			return;
		memcpy(buf + len, item, n + 1);
		len += n;
	}
}
