/* SPDX-License-Identifier: ISC */
/*
 * ns.c -- namespaces with unshare(2), no ip-netns and no helper binaries.
 * Loopback is brought up with SIOCSIFFLAGS; all of 127/8 is then local,
 * so every scenario host can listen on its own 127.A.B.H at the real
 * port. Cleanup does not depend on the child behaving: PID 1's death
 * kills the namespace, and the parent removes the temp dir.
 */
#define _GNU_SOURCE		/* unshare, CLONE_* */
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <net/if.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/log.h"
#include "../common/str.h"
#include "ns.h"

#define NS_PATH_MAX	4096
#define NS_TMPFS_SIZE	"256m"	/* the run's files; SUT state included */
#define NS_RUN_MOUNT	"/dev/shm"	/* a tmpfs of our own goes here */

static int	ns_write_file(const char *, const char *, struct err *);
static int	ns_userns(uid_t, gid_t, struct err *);
static int	ns_lo_up(struct err *);
static int	ns_inside(const char *, char *, size_t, struct err *);
static void	ns_on_signal(int);

static volatile sig_atomic_t ns_child_pid;

static int
ns_write_file(const char *path, const char *text, struct err *err)
{
	int	fd;
	ssize_t	n;

	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return err_sys(err, "namespace: open %s", path);
	n = write(fd, text, strlen(text));
	close(fd);
	if (n != (ssize_t)strlen(text))
		return err_sys(err, "namespace: write %s", path);
	return 0;
}

/* ns_userns - map our uid/gid to root inside the new user namespace */
static int
ns_userns(uid_t uid, gid_t gid, struct err *err)
{
	char	map[64];

	if (ns_write_file("/proc/self/setgroups", "deny", err) == -1 &&
	    errno != ENOENT)
		return -1;
	(void)str_fmt(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
	if (ns_write_file("/proc/self/uid_map", map, err) == -1)
		return -1;
	(void)str_fmt(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
	return ns_write_file("/proc/self/gid_map", map, err);
}

static int
ns_lo_up(struct err *err)
{
	struct ifreq	ifr;
	int		s;

	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return err_sys(err, "namespace: socket");
	memset(&ifr, 0, sizeof(ifr));
	(void)str_copy(ifr.ifr_name, "lo", sizeof(ifr.ifr_name));
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == -1) {
		close(s);
		return err_sys(err, "namespace: SIOCGIFFLAGS lo");
	}
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) == -1) {
		close(s);
		return err_sys(err, "namespace: bring lo up");
	}
	close(s);
	return 0;
}

/*
 * ns_inside - set up the child's view: private mounts, a fresh /proc, lo,
 * a fresh tmpfs on /dev/shm holding the run's directory (its ancestors are
 * traversable by anyone, so a SUT daemon that drops privileges can use
 * it), and a resolv.conf in it naming the fake resolver. trust-ad: glibc
 * (2.31 on) passes on the AD bit only from a resolver marked trusted, and
 * the run's dnsmasq is what validates its signed zones (docs/resolver.md).
 */
static int
ns_inside(const char *resolver, char *rundir, size_t rundirsz,
    struct err *err)
{
	char	path[NS_PATH_MAX], text[128];
	int	fd;
	ssize_t	n;

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
		return err_sys(err, "namespace: make mounts private");
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
	    NULL) == -1)
		log_debug("namespace: fresh /proc not mounted: %s",
		    strerror(errno));
	if (ns_lo_up(err) == -1)
		return -1;
	if (mount("sts-harness", NS_RUN_MOUNT, "tmpfs", MS_NOSUID | MS_NODEV,
	    "mode=1777,size=" NS_TMPFS_SIZE) == -1)
		return err_sys(err, "namespace: tmpfs on %s", NS_RUN_MOUNT);
	if (str_copy(rundir, NS_RUN_MOUNT "/sts-harness", rundirsz) == -1)
		return err_set(err, ERR_RANGE, "namespace: run dir too long");
	if (mkdir(rundir, 0755) == -1 || chmod(rundir, 0755) == -1)
		return err_sys(err, "namespace: mkdir %s", rundir);
	if (str_fmt(path, sizeof(path), "%s/resolv.conf", rundir) == -1 ||
	    str_fmt(text, sizeof(text), "nameserver %s\noptions timeout:1 "
	    "attempts:2 trust-ad\n", resolver) == -1)
		return err_set(err, ERR_RANGE, "namespace: %s: path too long",
		    rundir);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0644)) == -1)
		return err_sys(err, "namespace: %s", path);
	n = write(fd, text, strlen(text));
	close(fd);
	if (n != (ssize_t)strlen(text))
		return err_sys(err, "namespace: write %s", path);
	if (mount(path, "/etc/resolv.conf", NULL, MS_BIND, NULL) == -1)
		return err_sys(err, "namespace: bind %s on /etc/resolv.conf",
		    path);
	return 0;
}

int
ns_system_trust(const char *dir, const char *pem, unsigned long hash,
    bool *mounted, struct err *err)
{
	static const char *const names[] = { "ca-certificates.crt", NULL };
	struct stat	st;
	char		path[NS_PATH_MAX], hashed[16];
	size_t		i;

	*mounted = false;
	if (stat(NS_SYSTEM_CERTS, &st) == -1 || !S_ISDIR(st.st_mode))
		return 0;
	if (mkdir(dir, 0755) == -1 || chmod(dir, 0755) == -1)
		return err_sys(err, "namespace: mkdir %s", dir);
	(void)str_fmt(hashed, sizeof(hashed), "%08lx.0", hash);
	for (i = 0; i < 2; i++) {
		if (str_fmt(path, sizeof(path), "%s/%s", dir,
		    i == 0 ? names[0] : hashed) == -1)
			return err_set(err, ERR_RANGE, "namespace: %s: path "
			    "too long", dir);
		if (symlink(pem, path) == -1)
			return err_sys(err, "namespace: symlink %s", path);
	}
	if (mount(dir, NS_SYSTEM_CERTS, NULL, MS_BIND, NULL) == -1)
		return err_sys(err, "namespace: bind %s on %s", dir,
		    NS_SYSTEM_CERTS);
	*mounted = true;
	return 0;
}

static void
ns_on_signal(int sig)
{
	if (ns_child_pid > 0)
		(void)kill((pid_t)ns_child_pid, sig);
}

int
ns_enter(const char *resolver, char *rundir, size_t rundirsz, struct err *err)
{
	struct sigaction	sa;
	uid_t			uid = geteuid();
	gid_t			gid = getegid();
	int			flags = CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWPID;
	int			wstatus, rc;
	pid_t			pid;

	if (uid != 0)
		flags |= CLONE_NEWUSER;
	if (unshare(flags) == -1)
		return err_sys(err, "namespace: unshare(%s)", uid != 0 ?
		    "user, net, mount, pid" : "net, mount, pid");
	if (uid != 0 && ns_userns(uid, gid, err) == -1)
		return -1;
	fflush(NULL);
	if ((pid = fork()) == -1)
		return err_sys(err, "namespace: fork");
	if (pid == 0) {
		/* PID 1 of the new namespace; die if the parent dies */
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
		return ns_inside(resolver, rundir, rundirsz, err);
	}
	ns_child_pid = pid;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ns_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	while (waitpid(pid, &wstatus, 0) == -1)
		if (errno != EINTR)
			fatal("namespace: waitpid");
	/* the run's tmpfs lives in this mount namespace: it dies with us */
	if (WIFEXITED(wstatus))
		rc = WEXITSTATUS(wstatus);
	else {
		log_warnx("harness died with signal %d", WTERMSIG(wstatus));
		rc = 128 + WTERMSIG(wstatus);
	}
	/*
	 * _exit, not exit: this process unshared CLONE_NEWPID, so once the
	 * namespace's PID 1 is gone it can never fork again, and atexit work
	 * that forks (LeakSanitizer's tracer) would fail with ENOMEM.
	 */
	fflush(NULL);
	_exit(rc);
}
