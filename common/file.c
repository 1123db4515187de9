/* SPDX-License-Identifier: ISC */
/*
 * file.c -- bounded whole-file reads for scenario files, the reference
 * sender's cache and its message. One byte past the bound is read so that
 * a file that grows between fstat and read is still caught. Only regular
 * files are read: the open does not block, so a FIFO or a device named
 * like a scenario is refused at once instead of hanging the caller.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "file.h"
#include "str.h"

static void	file_offset_pos(const char *, size_t, unsigned long *,
		    unsigned long *);

/*
 * file_offset_pos - 1-based line and column (in characters, counting
 * UTF-8 lead bytes) of byte off in buf, as the scenario loader counts
 */
static void
file_offset_pos(const char *buf, size_t off, unsigned long *line,
    unsigned long *col)
{
	size_t	i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off; i++) {
		if (buf[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)buf[i] & 0xc0) != 0x80)
			(*col)++;
	}
}

int
file_read(const char *path, size_t max, char **out, size_t *outlen,
    struct err *err)
{
	struct stat	 st;
	char		*buf;
	char		 shown[FILE_PATH_SHOWN];
	size_t		 len = 0;
	ssize_t		 n;
	unsigned long	 line, col;
	int		 fd, fl, rc = -1;

	/* a file name is text someone else chose: one inert line */
	(void)str_escape(shown, sizeof(shown), path);
	/* O_NONBLOCK: opening a FIFO for reading must not wait for a writer */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY |
	    O_NONBLOCK)) == -1) {
		if (errno == ENOENT)
			return err_set(err, ERR_NOTFOUND, "%s:1:1: no such "
			    "file", shown);
		return err_sys(err, "%s:1:1: open", shown);
	}
	if (fstat(fd, &st) == -1) {
		err_sys(err, "%s:1:1: fstat", shown);
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(err, ERR_SYNTAX, "%s:1:1: not a regular file",
		    shown);
	}
	/* a regular file: reads block on the disk only, as they always did */
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1) {
		err_sys(err, "%s:1:1: fcntl", shown);
		close(fd);
		return -1;
	}
	buf = xmalloc(max + 2);
	while (len <= max) {
		n = read(fd, buf + len, max + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			err_sys(err, "%s:1:1: read", shown);
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > max) {
		/* where the bound falls: the first byte past it */
		file_offset_pos(buf, max, &line, &col);
		err_set(err, ERR_RANGE, "%s:%lu:%lu: file larger than %zu "
		    "bytes", shown, line, col, max);
		goto out;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	close(fd);
	return rc;
}
