/* SPDX-License-Identifier: ISC */
/*
 * ns.h -- the private world of a run. ns_enter() unshares network, mount
 * and PID namespaces (and a user namespace when not root, so the harness
 * needs no privilege where the kernel allows it) and forks: the child is
 * PID 1 of the new PID namespace, so every process started inside dies
 * with it. The parent only waits, forwards SIGINT/SIGTERM/SIGHUP, removes
 * the run's temp dir and exits with the child's status. Inside, the temp
 * dir is a tmpfs of the private mount namespace: every file of the run
 * lives there and vanishes with the namespace, even after kill -9.
 */
#ifndef HARNESS_NS_H
#define HARNESS_NS_H

#include "../common/err.h"

/*
 * ns_enter - returns 0 in the child: inside the namespaces, lo up, a
 * tmpfs (mode 0755) mounted on tmpdir, and tmpdir/resolv.conf naming
 * resolver bind-mounted on /etc/resolv.conf. Never returns in the parent.
 * -1 with err if the namespaces cannot be made.
 */
int	ns_enter(const char *tmpdir, const char *resolver, struct err *)
	    __attribute__((warn_unused_result));
/* ns_rmtree - remove a directory tree (no symlinks followed) */
int	ns_rmtree(const char *path);

#endif
