/* SPDX-License-Identifier: ISC */
/*
 * deliver.c -- sts-deliver, the reference adapter's client of a running
 * `sts-send --serve SOCKET`: one delivery request, its diagnostics to
 * stderr and its JSON outcome line to stdout. Only libc, so that a
 * delivery costs one small process start, not sts-send's libraries.
 * Exit 0 when the daemon answered with an outcome line, 1 otherwise.
 *   sts-deliver SOCKET RCPT MSGFILE
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DELIVER_REQ_MAX		4096	/* RCPT \n MSGFILE \n */
#define DELIVER_LINE_MAX	4096	/* a line of the daemon's answer */
#define DELIVER_WAIT_SLACK	5	/* seconds on top of STS_TIMEOUT */

static int	deliver_connect(const char *);
static int	deliver_wait_s(void);
static void	deliver_line(const char *, size_t, int *);

static int
deliver_connect(const char *path)
{
	struct sockaddr_un	sun;
	int			fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "sts-deliver: %s: socket path too long\n", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		fprintf(stderr, "sts-deliver: %s: %s (is sts-send --serve "
		    "running?)\n", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

/* deliver_wait_s - how long the daemon may take: STS_TIMEOUT plus slack */
static int
deliver_wait_s(void)
{
	const char	*v = getenv("STS_TIMEOUT");
	char		*end;
	long		 t = 30;

	if (v != NULL && *v != '\0') {
		t = strtol(v, &end, 10);
		if (*end != '\0' || t <= 0 || t > 3600)
			t = 30;
	}
	return (int)t + DELIVER_WAIT_SLACK;
}

/* deliver_line - the outcome (a line starting with '{') to stdout */
static void
deliver_line(const char *line, size_t len, int *outcome)
{
	FILE	*fp = len > 0 && line[0] == '{' ? stdout : stderr;

	if (fp == stdout)
		*outcome = 1;
	fwrite(line, 1, len, fp);
	fputc('\n', fp);
}

int
main(int argc, char *argv[])
{
	char		 req[DELIVER_REQ_MAX], line[DELIVER_LINE_MAX];
	struct pollfd	 pfd;
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd, r, outcome = 0, left_ms;

	if (argc != 4) {
		fprintf(stderr, "usage: sts-deliver SOCKET RCPT MSGFILE\n");
		return 2;
	}
	if (strchr(argv[2], '\n') != NULL || strchr(argv[3], '\n') != NULL ||
	    snprintf(req, sizeof(req), "%s\n%s\n", argv[2], argv[3]) >=
	    (int)sizeof(req)) {
		fprintf(stderr, "sts-deliver: bad or too long arguments\n");
		return 2;
	}
	if ((fd = deliver_connect(argv[1])) == -1)
		return 1;
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
		fprintf(stderr, "sts-deliver: write: %s\n", strerror(errno));
		return 1;
	}
	(void)shutdown(fd, SHUT_WR);
	pfd.fd = fd;
	pfd.events = POLLIN;
	left_ms = deliver_wait_s() * 1000;
	for (;;) {
		if ((r = poll(&pfd, 1, left_ms)) == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			fprintf(stderr, "sts-deliver: no answer from the "
			    "daemon in time\n");
			return 1;
		}
		n = read(fd, line + len, sizeof(line) - 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		for (;;) {
			char	*nl = memchr(line, '\n', len);
			size_t	 k;

			if (nl == NULL) {
				if (len == sizeof(line) - 1) {
					/* an overlong line: pass it on cut */
					deliver_line(line, len, &outcome);
					len = 0;
				}
				break;
			}
			k = (size_t)(nl - line);
			deliver_line(line, k, &outcome);
			memmove(line, nl + 1, len - k - 1);
			len -= k + 1;
		}
	}
	if (len > 0)
		deliver_line(line, len, &outcome);
	close(fd);
	if (!outcome) {
		fprintf(stderr, "sts-deliver: the daemon gave no outcome\n");
		return 1;
	}
	return 0;
}
