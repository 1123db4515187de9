/* SPDX-License-Identifier: ISC */
/*
 * sockaddr.c -- numeric socket address helpers shared by fake-dns and
 * fake-mx. Addresses are always numeric: the fake servers must never send
 * a DNS query of their own.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <string.h>

#include "sockaddr.h"
#include "str.h"

int
sockaddr_parse(const char *addr, uint16_t port, struct sockaddr_storage *ss,
    socklen_t *len, struct err *err)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (addr != NULL && inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		*len = sizeof(*sin);
		return 0;
	}
	if (addr != NULL && inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		*len = sizeof(*sin6);
		return 0;
	}
	return err_set(err, ERR_SYNTAX, "not a numeric address: \"%s\"",
	    addr != NULL ? addr : "");
}

uint16_t
sockaddr_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	if (sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return 0;
}

int
sockaddr_bound_port(int fd, uint16_t *port, struct err *err)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return err_sys(err, "getsockname");
	*port = sockaddr_port((struct sockaddr *)&ss);
	return 0;
}

int
sockaddr_format(const struct sockaddr *sa, char *buf, size_t size)
{
	char	ip[INET6_ADDRSTRLEN];
	int	rc = -1;

	if (sa->sa_family == AF_INET && inet_ntop(AF_INET,
	    &((const struct sockaddr_in *)sa)->sin_addr, ip, sizeof(ip)) != NULL)
		rc = str_fmt(buf, size, "%s:%u", ip,
		    (unsigned)sockaddr_port(sa));
	else if (sa->sa_family == AF_INET6 && inet_ntop(AF_INET6,
	    &((const struct sockaddr_in6 *)sa)->sin6_addr, ip,
	    sizeof(ip)) != NULL)
		rc = str_fmt(buf, size, "[%s]:%u", ip,
		    (unsigned)sockaddr_port(sa));
	if (rc == -1)
		(void)str_copy(buf, "?", size);
	return rc;
}
