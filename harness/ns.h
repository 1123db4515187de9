/* SPDX-License-Identifier: ISC */
/*
 * ns.h -- the private world of a run. ns_enter() unshares network, mount
 * and PID namespaces (and a user namespace when not root, so the harness
 * needs no privilege where the kernel allows it) and forks: the child is
 * PID 1 of the new PID namespace, so every process started inside dies
 * with it. The parent only waits, forwards SIGINT/SIGTERM/SIGHUP and exits
 * with the child's status. The run's files live in a tmpfs mounted on
 * /dev/shm in the private mount namespace: nothing is written to the
 * host's file systems, and everything vanishes with the namespace, even
 * after kill -9.
 */
#ifndef HARNESS_NS_H
#define HARNESS_NS_H

#include <stdbool.h>

#include "../common/err.h"

/*
 * ns_enter - returns 0 in the child: inside the namespaces, lo up, the
 * run's directory (rundir, 0755, on a fresh tmpfs) made, and its
 * resolv.conf naming resolver bind-mounted on /etc/resolv.conf. Never
 * returns in the parent. -1 with err if the namespaces cannot be made.
 */
int	ns_enter(const char *resolver, char *rundir, size_t rundirsz,
	    struct err *) __attribute__((warn_unused_result));

/*
 * ns_system_trust - inside the namespaces: make dir (under the run's
 * tmpfs) hold only pem, as ca-certificates.crt and under its OpenSSL
 * subject hash, and bind-mount it on the system trust store
 * (NS_SYSTEM_CERTS, which OpenSSL's default file and directory point
 * into on Debian), so that a SUT trusting the system store instead of
 * STS_CA_FILE trusts exactly that one CA. A system without that
 * directory has no store to replace: 0, and *mounted is false.
 */
#define NS_SYSTEM_CERTS	"/etc/ssl/certs"
int	ns_system_trust(const char *dir, const char *pem, unsigned long hash,
	    bool *mounted, struct err *) __attribute__((warn_unused_result));

#endif
