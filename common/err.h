/* SPDX-License-Identifier: ISC */
/*
 * err.h -- error detail carried to the caller: a code, the errno seen and a
 * message that holds its own context (file:line:col, peer, name).
 */
#ifndef COMMON_ERR_H
#define COMMON_ERR_H

#define MUST_CHECK	__attribute__((warn_unused_result))

enum err_code {
	ERR_NONE = 0,
	ERR_SYS,		/* a system call failed; sys_errno is set */
	ERR_SYNTAX,		/* malformed input text */
	ERR_RANGE,		/* a value outside its bound */
	ERR_TLS,		/* OpenSSL reported an error */
	ERR_PROTO,		/* a peer broke a protocol */
	ERR_NOMEM,
	ERR_IO,			/* a read or write failed */
	ERR_NOTFOUND,
	ERR_TIMEOUT,
	ERR_UNSUPPORTED,
};

#define ERR_MSG_MAX	512	/* a file:line:col, what, and an "allowed:" list */

struct err {
	int	code;			/* enum err_code; 0 = no error */
	int	sys_errno;		/* errno captured by err_sys(), or 0 */
	char	msg[ERR_MSG_MAX];	/* context included; no newline */
};

/* err_set - record an error; always returns -1. err may be NULL. */
int	err_set(struct err *, int, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
/* err_sys - like err_set(ERR_SYS), appending ": strerror(errno)" */
int	err_sys(struct err *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* err_tls - like err_set(ERR_TLS), appending OpenSSL's first queued error */
int	err_tls(struct err *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* err_prefix - prepend "prefix: " to the message already in err */
void	err_prefix(struct err *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	err_clear(struct err *);

#endif
