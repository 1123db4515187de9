/* SPDX-License-Identifier: ISC */
/*
 * file.c -- bounded whole-file reads for scenario files, the reference
 * sender's cache and its message. One byte past the bound is read so that
 * a file that grows between fstat and read is still caught.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "file.h"
#include "str.h"

int
file_read(const char *path, size_t max, char **out, size_t *outlen,
    struct err *err)
{
	struct stat	 st;
	char		*buf;
	size_t		 len = 0;
	ssize_t		 n;
	int		 fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return err_set(err, ERR_NOTFOUND, "%s: no such file",
			    path);
		return err_sys(err, "%s: open", path);
	}
	if (fstat(fd, &st) == -1) {
		err_sys(err, "%s: fstat", path);
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return err_set(err, ERR_SYNTAX, "%s: not a regular file", path);
	}
	buf = xmalloc(max + 2);
	while (len <= max) {
		n = read(fd, buf + len, max + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			err_sys(err, "%s: read", path);
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > max) {
		err_set(err, ERR_RANGE, "%s: file larger than %zu bytes", path,
		    max);
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
