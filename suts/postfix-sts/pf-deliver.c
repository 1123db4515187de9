/* SPDX-License-Identifier: ISC */
/*
 * pf-deliver.c -- the postfix adapters' delivery client: injects one
 * message with Postfix's sendmail(1), finds its queue id in the instance's
 * maillog and follows that log (20 ms poll) until the recipient's status
 * line or STS_TIMEOUT, then prints the adapter protocol's outcome line.
 * Only libc, so a delivery costs no shell loops of tail and grep.
 *   pf-deliver CONFIG_DIR MAILLOG RCPT MSGFILE
 * Exit 0 when an outcome line was printed (outcome "error" included),
 * 2 on a usage error.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PF_SENDMAIL	"/usr/sbin/sendmail"
#define PF_LINE_MAX	8192	/* a maillog line; longer ones are skipped */
#define PF_ADDR_MAX	320	/* RFC 5321 §4.5.3.1: 64 + @ + 255 */
#define PF_MID_MAX	998	/* RFC 5322 §2.1.1 line length */
#define PF_QID_MAX	32	/* long queue ids are 12-20 characters */
#define PF_HDR_MAX	65536	/* header bytes searched for Message-ID */
#define PF_DETAIL_MAX	240	/* the harness keeps 255 bytes of detail */
#define PF_POLL_NS	20000000L	/* 20 ms between looks at the log */
#define PF_TIMEOUT_DEF	30

extern char **environ;

struct pf_follow {
	const char	*rcpt;
	char		 mid[PF_MID_MAX + 3];	/* "<...>" or empty */
	char		 from[PF_ADDR_MAX + 3];	/* "<...>" */
	char		 qid[PF_QID_MAX + 1];	/* empty until found */
	char		 status[16];		/* sent, deferred, ... */
	char		 reason[PF_LINE_MAX];
	char		 lookup_err[PF_LINE_MAX];	/* policy map warning */
	bool		 done;
};

static int	pf_timeout_s(void);
static int	pf_message_id(const char *, char *, size_t);
static int	pf_inject(const char *, const char *, const char *,
		    const char *);
static const char *pf_line_qid(const char *, char *, size_t);
static void	pf_line(struct pf_follow *, const char *);
static int	pf_follow(struct pf_follow *, int, int);
static void	pf_outcome(const char *, const char *);

/* pf_timeout_s - STS_TIMEOUT in seconds, or the protocol's default */
static int
pf_timeout_s(void)
{
	const char	*v = getenv("STS_TIMEOUT");
	char		*end;
	long		 t;

	if (v == NULL || *v == '\0')
		return PF_TIMEOUT_DEF;
	errno = 0;
	t = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || t <= 0 || t > 3600)
		return PF_TIMEOUT_DEF;
	return (int)t;
}

/* pf_message_id - the "<...>" of MSGFILE's Message-ID header, or "" */
static int
pf_message_id(const char *path, char *out, size_t outsz)
{
	char	 line[PF_MID_MAX + 64];
	FILE	*fp;
	size_t	 seen = 0, n;
	char	*lt, *gt;

	out[0] = '\0';
	if ((fp = fopen(path, "r")) == NULL) {
		fprintf(stderr, "pf-deliver: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (seen < PF_HDR_MAX && fgets(line, sizeof(line), fp) != NULL) {
		seen += strlen(line);
		if (line[0] == '\r' || line[0] == '\n')
			break;			/* end of the header section */
		if (strncasecmp(line, "Message-ID:", 11) != 0)
			continue;
		if ((lt = strchr(line, '<')) == NULL ||
		    (gt = strchr(lt, '>')) == NULL)
			break;
		n = (size_t)(gt - lt) + 1;
		if (n >= outsz)
			break;
		memcpy(out, lt, n);
		out[n] = '\0';
		break;
	}
	fclose(fp);
	return 0;
}

/* pf_inject - sendmail -C ETC -f FROM -N never -i -- RCPT < MSGFILE */
static int
pf_inject(const char *etc, const char *from, const char *rcpt,
    const char *msgfile)
{
	posix_spawn_file_actions_t	 fa;
	pid_t				 pid;
	int				 rc, st;
	char	*argv[] = { "sendmail", "-C", (char *)etc, "-f", (char *)from,
		    "-N", "never", "-i", "--", (char *)rcpt, NULL };

	if ((rc = posix_spawn_file_actions_init(&fa)) != 0) {
		fprintf(stderr, "pf-deliver: spawn actions: %s\n",
		    strerror(rc));
		return -1;
	}
	/* stdin is the message; sendmail's stdout goes to our stderr */
	rc = posix_spawn_file_actions_addopen(&fa, 0, msgfile, O_RDONLY, 0);
	if (rc == 0)
		rc = posix_spawn_file_actions_adddup2(&fa, 2, 1);
	if (rc == 0)
		rc = posix_spawn(&pid, PF_SENDMAIL, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		fprintf(stderr, "pf-deliver: %s: %s\n", PF_SENDMAIL,
		    strerror(rc));
		return -1;
	}
	while (waitpid(pid, &st, 0) == -1) {
		if (errno != EINTR) {
			fprintf(stderr, "pf-deliver: waitpid: %s\n",
			    strerror(errno));
			return -1;
		}
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "pf-deliver: sendmail failed (status 0x%x)\n",
		    (unsigned int)st);
		return -1;
	}
	return 0;
}

/*
 * pf_line_qid - the queue id of a log line "... name/prog[pid]: QID: text":
 * copies QID to out and returns the text after "QID: ", or NULL when the
 * line has no queue id.
 */
static const char *
pf_line_qid(const char *line, char *out, size_t outsz)
{
	const char	*p, *q;
	size_t		 n;

	if ((p = strstr(line, "]: ")) == NULL)
		return NULL;
	p += 3;
	for (q = p; (*q >= '0' && *q <= '9') || (*q >= 'A' && *q <= 'Z') ||
	    (*q >= 'a' && *q <= 'z'); q++)
		;
	n = (size_t)(q - p);
	if (n == 0 || n >= outsz || q[0] != ':' || q[1] != ' ')
		return NULL;
	memcpy(out, p, n);
	out[n] = '\0';
	return q + 2;
}

/* pf_line - one maillog line: the queue id, the status, a map warning */
static void
pf_line(struct pf_follow *f, const char *line)
{
	char		 qid[PF_QID_MAX + 1], want[PF_ADDR_MAX + 8];
	const char	*text, *st, *end, *r;
	size_t		 n;

	if (strstr(line, "policy table lookup error") != NULL) {
		snprintf(f->lookup_err, sizeof(f->lookup_err), "%s", line);
		return;
	}
	if ((text = pf_line_qid(line, qid, sizeof(qid))) == NULL)
		return;
	if (f->qid[0] == '\0') {
		/* cleanup(8) logs the Message-ID; pickup(8) the sender */
		if ((f->mid[0] != '\0' && strncmp(text, "message-id=", 11) == 0 &&
		    strcmp(text + 11, f->mid) == 0) ||
		    (f->mid[0] == '\0' && strncmp(text, "uid=", 4) == 0 &&
		    strstr(text, f->from) != NULL))
			memcpy(f->qid, qid, sizeof(f->qid));
		return;
	}
	if (strcmp(qid, f->qid) != 0)
		return;
	/* the recipient's line: "to=<RCPT>, ..., status=WORD (reason)" */
	snprintf(want, sizeof(want), "to=<%s>,", f->rcpt);
	if (strncasecmp(text, want, strlen(want)) != 0 ||
	    (st = strstr(text, " status=")) == NULL)
		return;
	st += 8;
	for (end = st; *end >= 'a' && *end <= 'z'; end++)
		;
	n = (size_t)(end - st);
	if (n == 0 || n >= sizeof(f->status))
		return;
	memcpy(f->status, st, n);
	f->status[n] = '\0';
	f->reason[0] = '\0';
	if (*end == ' ' && end[1] == '(') {
		r = end + 2;
		n = strlen(r);
		if (n > 0 && r[n - 1] == ')')
			n--;
		memcpy(f->reason, r, n);
		f->reason[n] = '\0';
	}
	fprintf(stderr, "pf-deliver: %s\n", line);
	f->done = true;
}

/*
 * pf_follow - read the maillog from fd's offset until f->done or
 * timeout_s seconds; complete lines go to pf_line. 0 when done, -1 on a
 * timeout or a read error.
 */
static int
pf_follow(struct pf_follow *f, int fd, int timeout_s)
{
	static char		 buf[PF_LINE_MAX];
	struct timespec		 t0, now, nap = { 0, PF_POLL_NS };
	size_t			 len = 0;
	bool			 skipping = false;
	ssize_t			 n;
	char			*nl, *line;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!f->done) {
		n = read(fd, buf + len, sizeof(buf) - 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			fprintf(stderr, "pf-deliver: read maillog: %s\n",
			    strerror(errno));
			return -1;
		}
		if (n == 0) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			if (now.tv_sec - t0.tv_sec >= timeout_s)
				return -1;
			nanosleep(&nap, NULL);
			continue;
		}
		len += (size_t)n;
		buf[len] = '\0';
		line = buf;
		while (!f->done && (nl = memchr(line, '\n',
		    len - (size_t)(line - buf))) != NULL) {
			*nl = '\0';
			if (!skipping)
				pf_line(f, line);
			skipping = false;
			line = nl + 1;
		}
		len -= (size_t)(line - buf);
		memmove(buf, line, len);
		if (len == sizeof(buf) - 1) {
			skipping = true;	/* an overlong line: drop it */
			len = 0;
		}
	}
	return 0;
}

/* pf_outcome - the protocol's outcome line, detail escaped and bounded */
static void
pf_outcome(const char *outcome, const char *detail)
{
	char		 esc[PF_DETAIL_MAX + 8];
	size_t		 o = 0;
	unsigned char	 c;

	for (; *detail != '\0' && o < PF_DETAIL_MAX; detail++) {
		c = (unsigned char)*detail;
		if (c == '"' || c == '\\') {
			esc[o++] = '\\';
			esc[o++] = (char)c;
		} else if (c < 0x20 || c > 0x7e) {
			esc[o++] = '?';		/* keep the line ASCII JSON */
		} else {
			esc[o++] = (char)c;
		}
	}
	esc[o] = '\0';
	printf("{\"outcome\":\"%s\",\"detail\":\"%s\"}\n", outcome, esc);
}

int
main(int argc, char *argv[])
{
	static struct pf_follow	 f;
	const char		*from = getenv("STS_MAIL_FROM");
	char			 detail[PF_DETAIL_MAX];
	const char		*w;
	int			 fd, timeout_s = pf_timeout_s();

	if (argc != 5) {
		fprintf(stderr, "usage: pf-deliver CONFIG_DIR MAILLOG RCPT "
		    "MSGFILE\n");
		return 2;
	}
	f.rcpt = argv[3];
	if (from == NULL || *from == '\0' || strlen(from) > PF_ADDR_MAX ||
	    strlen(f.rcpt) > PF_ADDR_MAX || f.rcpt[0] == '-' ||
	    strpbrk(f.rcpt, "\r\n<>") != NULL ||
	    strpbrk(from, "\r\n<>") != NULL) {
		fprintf(stderr, "pf-deliver: bad STS_MAIL_FROM or RCPT\n");
		return 2;
	}
	snprintf(f.from, sizeof(f.from), "<%s>", from);
	if (pf_message_id(argv[4], f.mid, sizeof(f.mid)) == -1) {
		pf_outcome("error", "cannot read the message file");
		return 0;
	}
	/* the log from here on: this instance runs one verb at a time */
	if ((fd = open(argv[2], O_RDONLY | O_CLOEXEC)) == -1 ||
	    lseek(fd, 0, SEEK_END) == -1) {
		fprintf(stderr, "pf-deliver: %s: %s\n", argv[2],
		    strerror(errno));
		pf_outcome("error", "cannot open the Postfix maillog");
		return 0;
	}
	if (pf_inject(argv[1], from, f.rcpt, argv[4]) == -1) {
		pf_outcome("error", "sendmail could not queue the message");
		return 0;
	}
	if (pf_follow(&f, fd, timeout_s) == -1) {
		snprintf(detail, sizeof(detail), "no status line for %s "
		    "to=<%s> in the maillog within %d s", f.qid[0] != '\0' ?
		    f.qid : "(queue id not seen)", f.rcpt, timeout_s);
		pf_outcome("error", detail);
		return 0;
	}
	close(fd);
	/* a dead or broken resolver makes Postfix fail closed: not a PASS */
	if (f.lookup_err[0] != '\0' && strcmp(f.status, "sent") != 0) {
		w = strstr(f.lookup_err, "warning: ");
		pf_outcome("error", w != NULL ? w + 9 : f.lookup_err);
		return 0;
	}
	if (strcmp(f.status, "deferred") == 0 &&
	    strncmp(f.reason, "delivery temporarily suspended", 30) == 0) {
		/* no attempt was made: qmgr holds the destination as dead */
		snprintf(detail, sizeof(detail), "no delivery attempt: %.200s",
		    f.reason);
		pf_outcome("error", detail);
		return 0;
	}
	if (strcmp(f.status, "sent") == 0)
		pf_outcome("delivered", f.reason);
	else if (strcmp(f.status, "deferred") == 0)
		pf_outcome("deferred", f.reason);
	else if (strcmp(f.status, "bounced") == 0)
		pf_outcome("bounced", f.reason);
	else {
		snprintf(detail, sizeof(detail), "unexpected status=%s (%.200s)",
		    f.status, f.reason);
		pf_outcome("error", detail);
	}
	return 0;
}
