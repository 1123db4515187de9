/* SPDX-License-Identifier: ISC */
/*
 * file.h -- read a whole regular file into memory, bounded.
 */
#ifndef COMMON_FILE_H
#define COMMON_FILE_H

#include <stddef.h>

#include "err.h"

/* the most of a path a message shows, escaped (str_escape) and cut */
#define FILE_PATH_SHOWN	160

/*
 * file_read - the regular file at path, at most max bytes, NUL-terminated
 * in a new buffer (*out, freed by the caller). Never blocks on a FIFO or
 * a device. Every error is "path:line:col: ..." with path escaped by
 * str_escape: ERR_NOTFOUND "path:1:1: no such file", ERR_SYNTAX
 * "path:1:1: not a regular file", ERR_RANGE "path:L:C: file larger than
 * max bytes" (L:C = the first byte past the bound), ERR_SYS
 * "path:1:1: open: <strerror>" and the like for open/fstat/read failures.
 */
int	file_read(const char *path, size_t max, char **out, size_t *outlen,
	    struct err *) __attribute__((warn_unused_result));

#endif
