/* SPDX-License-Identifier: ISC */
/*
 * err.c -- fill a caller's struct err. Every setter returns -1 so that a
 * failure path is one line: return err_set(err, ERR_SYNTAX, "...");
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

#include "err.h"

static void	err_vformat(struct err *, int, int, const char *, va_list)
		    __attribute__((format(printf, 4, 0)));

static void
err_vformat(struct err *err, int code, int sys_errno, const char *fmt,
    va_list ap)
{
	err->code = code;
	err->sys_errno = sys_errno;
	if (vsnprintf(err->msg, sizeof(err->msg), fmt, ap) < 0)
		err->msg[0] = '\0';
}

int
err_set(struct err *err, int code, const char *fmt, ...)
{
	va_list	ap;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	err_vformat(err, code, 0, fmt, ap);
	va_end(ap);
	return -1;
}

int
err_sys(struct err *err, const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;
	size_t	len;

	if (err == NULL)
		return -1;
	va_start(ap, fmt);
	err_vformat(err, ERR_SYS, saved, fmt, ap);
	va_end(ap);
	len = strlen(err->msg);
	(void)snprintf(err->msg + len, sizeof(err->msg) - len, ": %s",
	    strerror(saved));
	errno = saved;
	return -1;
}

int
err_tls(struct err *err, const char *fmt, ...)
{
	va_list		ap;
	unsigned long	e;
	char		buf[160];
	size_t		len;

	if (err == NULL) {
		ERR_clear_error();
		return -1;
	}
	va_start(ap, fmt);
	err_vformat(err, ERR_TLS, 0, fmt, ap);
	va_end(ap);
	e = ERR_get_error();
	ERR_clear_error();
	if (e == 0)
		return -1;
	ERR_error_string_n(e, buf, sizeof(buf));
	len = strlen(err->msg);
	(void)snprintf(err->msg + len, sizeof(err->msg) - len, ": %s", buf);
	return -1;
}

void
err_prefix(struct err *err, const char *fmt, ...)
{
	va_list	ap;
	char	prefix[ERR_MSG_MAX], old[ERR_MSG_MAX];
	int	n;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	if (vsnprintf(prefix, sizeof(prefix), fmt, ap) < 0)
		prefix[0] = '\0';
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	old[sizeof(old) - 1] = '\0';
	n = snprintf(err->msg, sizeof(err->msg), "%s: ", prefix);
	if (n < 0 || (size_t)n >= sizeof(err->msg))
		return;
	memcpy(err->msg + n, old, strnlen(old, sizeof(err->msg) - (size_t)n -
	    1));
	err->msg[n + (int)strnlen(old, sizeof(err->msg) - (size_t)n - 1)] =
	    '\0';
}

void
err_clear(struct err *err)
{
	if (err == NULL)
		return;
	err->code = ERR_NONE;
	err->sys_errno = 0;
	err->msg[0] = '\0';
}
