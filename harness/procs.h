/* SPDX-License-Identifier: ISC */
/*
 * procs.h -- the processes of the run's PID namespace, from /proc: which
 * ones an adapter verb left running (its daemons), whether they are still
 * alive later, and what is left after stop. Used by adapter-check. Bounded:
 * at most PROCS_MAX are kept, the rest only counted.
 */
#ifndef HARNESS_PROCS_H
#define HARNESS_PROCS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define PROCS_MAX	32
#define PROCS_COMM_MAX	16	/* /proc/PID/comm: 15 bytes + NUL */

struct procs {
	size_t	n;			/* kept */
	size_t	more;			/* seen but not kept */
	pid_t	pid[PROCS_MAX];
	unsigned long long start[PROCS_MAX];	/* clock ticks after boot:
						   with pid, the identity */
	char	comm[PROCS_MAX][PROCS_COMM_MAX];
};

/*
 * procs_snapshot - every live (not zombie) process under proc_dir
 * ("/proc") but those in skip[nskip], and if parent > 0 only its children
 * (the daemons an adapter left are orphans, reparented to the harness,
 * PID 1; their own children come and go as they please); sorted by pid
 */
void	procs_snapshot(struct procs *, const char *proc_dir,
	    const pid_t *skip, size_t nskip, pid_t parent);
/*
 * procs_alive - process i of p is alive (not a zombie; the same pid and
 * start time, whatever it exec'd since); its comm is refreshed
 */
bool	procs_alive(const char *proc_dir, struct procs *p, size_t i);
/*
 * procs_format - "123 master, 130 mta-sts-daemon (+2 more)", comm bytes
 * escaped; "none" when empty. Always NUL-terminated.
 */
void	procs_format(const struct procs *, char *buf, size_t bufsz);
/* What procs_stat_parse reads of /proc/PID/stat. */
struct procs_stat {
	char			comm[PROCS_COMM_MAX];	/* up to the last ')' */
	char			state;			/* field 3 */
	pid_t			ppid;			/* field 4 */
	unsigned long long	start;			/* field 22 */
};

/* procs_stat_parse - the text of /proc/PID/stat; -1 if malformed */
int	procs_stat_parse(const char *text, struct procs_stat *)
	    __attribute__((warn_unused_result));

#endif
