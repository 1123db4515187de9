/* SPDX-License-Identifier: ISC */
/*
 * file.h -- read a whole regular file into memory, bounded.
 */
#ifndef COMMON_FILE_H
#define COMMON_FILE_H

#include <stddef.h>

#include "err.h"

/*
 * file_read - the file at path, at most max bytes, NUL-terminated in a new
 * buffer (*out, freed by the caller). Errors: ERR_NOTFOUND "path: no such
 * file", ERR_SYNTAX "path: not a regular file", ERR_RANGE "path: file
 * larger than max bytes", ERR_SYS for open/read failures.
 */
int	file_read(const char *path, size_t max, char **out, size_t *outlen,
	    struct err *) __attribute__((warn_unused_result));

#endif
