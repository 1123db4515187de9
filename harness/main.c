/* SPDX-License-Identifier: ISC */
/*
 * main.c -- the sts-harness program: parse argv, load the scenarios, make
 * the run's private temp dir and namespaces, run, report. Exit status:
 * 0 every scenario met its expectation, 1 some did not (or the run could
 * not start), 2 usage or input error, 130 interrupted.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/log.h"
#include "../common/proto.h"
#include "../common/str.h"
#include "catalog.h"
#include "ns.h"
#include "report.h"
#include "runner.h"

#define HARNESS_VERSION		"0.1.0"
#define HARNESS_DNS_ADDR	"127.0.0.53"
#define HARNESS_TIMEOUT		30
#define HARNESS_TIMEOUT_MAX	3600

struct harness_opts {
	const char	*sut;
	const char	*json;
	unsigned long	 timeout;
	int		 verbose;
	char		**paths;
	size_t		 npaths;
};

static void	harness_usage(FILE *);
static int	harness_root(char *, size_t, char *, size_t);
static int	harness_parse(int, char **, struct harness_opts *);
static int	harness_catalog(const struct harness_opts *, const char *,
		    struct catalog *);
static int	harness_run(const struct harness_opts *, const char *,
		    const char *);
static int	harness_list(const struct harness_opts *, const char *, bool);
static enum scn_delivery harness_attack_expect(const struct scenario *);

/* harness_attack_expect - expectation of the last attacked step */
static enum scn_delivery
harness_attack_expect(const struct scenario *s)
{
	size_t	i;

	for (i = s->nsteps; i > 0; i--)
		if (s->steps[i - 1].attack)
			return s->steps[i - 1].expect;
	return s->steps[s->nsteps - 1].expect;
}

static void
harness_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: sts-harness run [--sut NAME|PATH] [--json FILE] "
	    "[--timeout SEC] [-v] [SCENARIO-FILE|DIR ...]\n"
	    "       sts-harness list [SCENARIO-FILE|DIR ...]\n"
	    "       sts-harness lint [SCENARIO-FILE|DIR ...]\n"
	    "       sts-harness --version\n"
	    "SUT names: reference (default), naive, or any dir under suts/;\n"
	    "a PATH is an adapter executable (docs/adapter-protocol.md).\n");
}

/*
 * harness_root - the project directory (holds suts/ and scenarios/) and
 * the directory of this executable. STS_HARNESS_ROOT overrides the first.
 */
static int
harness_root(char *root, size_t rootsz, char *bindir, size_t binsz)
{
	char		 exe[PATH_MAX], probe[PATH_MAX + 16], *slash;
	const char	*env = getenv("STS_HARNESS_ROOT");
	ssize_t		 n;
	int		 up;

	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) == -1)
		return -1;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) == NULL)
		return -1;
	*slash = '\0';
	if (str_copy(bindir, exe, binsz) == -1)
		return -1;
	if (env != NULL && *env != '\0')
		return str_copy(root, env, rootsz);
	for (up = 0; up < 4; up++) {
		(void)str_fmt(probe, sizeof(probe), "%s/suts", exe);
		if (access(probe, F_OK) == 0)
			return str_copy(root, exe, rootsz);
		if ((slash = strrchr(exe, '/')) == NULL || slash == exe)
			break;
		*slash = '\0';
	}
	return -1;
}

static int
harness_parse(int argc, char **argv, struct harness_opts *o)
{
	static const struct option longopts[] = {
		{ "sut", required_argument, NULL, 's' },
		{ "json", required_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int	ch;

	memset(o, 0, sizeof(*o));
	o->sut = "reference";
	o->timeout = HARNESS_TIMEOUT;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "s:j:t:vh", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 's':
			o->sut = optarg;
			break;
		case 'j':
			o->json = optarg;
			break;
		case 't':
			if (parse_uint(optarg, HARNESS_TIMEOUT_MAX,
			    &o->timeout) == -1 || o->timeout == 0) {
				fprintf(stderr, "sts-harness: --timeout: "
				    "\"%s\" is not 1..%d seconds\n", optarg,
				    HARNESS_TIMEOUT_MAX);
				return -1;
			}
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			harness_usage(stdout);
			exit(0);
		default:
			harness_usage(stderr);
			return -1;
		}
	}
	o->paths = argv + optind;
	o->npaths = (size_t)(argc - optind);
	return 0;
}

static int
harness_catalog(const struct harness_opts *o, const char *root,
    struct catalog *cat)
{
	char	 def[PATH_MAX];
	char	*defv[1] = { def };

	if (o->npaths > 0)
		return catalog_load(cat, o->paths, o->npaths, stderr);
	(void)str_fmt(def, sizeof(def), "%s/scenarios", root);
	return catalog_load(cat, defv, 1, stderr);
}

static int
harness_list(const struct harness_opts *o, const char *root, bool lint)
{
	struct catalog	cat;
	size_t		i, j;

	if (harness_catalog(o, root, &cat) == -1)
		return 2;
	for (i = 0; i < cat.n; i++) {
		const struct scenario *s = cat.scns[i];

		if (lint)
			continue;
		/* the attack column is what the attacked step must show */
		printf("%-40s %-6s %-6s ", s->id, scn_strength_str(s->strength),
		    s->has_attack ? scn_delivery_str(harness_attack_expect(s)) :
		    "-");
		for (j = 0; j < s->nclauses; j++)
			printf("%s%s", j ? "," : "", s->clauses[j]);
		printf("  %s\n", s->title);
	}
	if (lint)
		printf("%zu scenario files OK\n", cat.n);
	catalog_clear(&cat);
	return 0;
}

static int
harness_run(const struct harness_opts *o, const char *root,
    const char *bindir)
{
	struct catalog		 cat;
	struct runner_config	 cfg;
	struct runner_summary	 sum;
	struct scn_result	*res;
	struct err		 err;
	char			 adapter[PATH_MAX], tmpdir[PATH_MAX];
	char			 resolv[PATH_MAX + 16];
	const char		*tmp = getenv("TMPDIR");
	FILE			*fp;
	size_t			 counts[VERDICT_ERROR + 1], bad;
	int			 rc;

	if (strchr(o->sut, '/') != NULL)
		rc = str_copy(adapter, o->sut, sizeof(adapter));
	else
		rc = str_fmt(adapter, sizeof(adapter), "%s/suts/%s/adapter",
		    root, o->sut);
	if (rc == -1 || access(adapter, X_OK) == -1) {
		fprintf(stderr, "sts-harness: --sut %s: no executable adapter "
		    "at %s\n", o->sut, adapter);
		return 2;
	}
	if (harness_catalog(o, root, &cat) == -1)
		return 2;
	if (str_fmt(tmpdir, sizeof(tmpdir), "%s/sts-harness.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp") == -1 ||
	    mkdtemp(tmpdir) == NULL) {
		fprintf(stderr, "sts-harness: cannot make a temp dir in %s: %s\n",
		    tmp != NULL ? tmp : "/tmp", strerror(errno));
		catalog_clear(&cat);
		return 1;
	}
	(void)str_fmt(resolv, sizeof(resolv), "%s/resolv.conf", tmpdir);
	if ((fp = fopen(resolv, "w")) == NULL ||
	    fprintf(fp, "nameserver %s\noptions timeout:1 attempts:2\n",
	    HARNESS_DNS_ADDR) < 0 || fclose(fp) != 0) {
		fprintf(stderr, "sts-harness: %s: %s\n", resolv,
		    strerror(errno));
		(void)ns_rmtree(tmpdir);
		catalog_clear(&cat);
		return 1;
	}
	fflush(NULL);
	if (ns_enter(tmpdir, resolv, &err) == -1) {
		fprintf(stderr, "sts-harness: %s\n", err.msg);
		(void)ns_rmtree(tmpdir);
		catalog_clear(&cat);
		return 1;
	}
	/* from here on: PID 1 of the run's namespaces */
	memset(&cfg, 0, sizeof(cfg));
	cfg.adapter = adapter;
	cfg.tmpdir = tmpdir;
	cfg.build_dir = bindir;
	cfg.timeout = (int)o->timeout;
	cfg.smtp_port = SMTP_PORT;
	cfg.https_port = HTTPS_PORT;
	cfg.dns_port = DNS_PORT;
	cfg.dns_addr = HARNESS_DNS_ADDR;
	cfg.progress = stdout;
	res = xcalloc(cat.n, sizeof(*res));
	printf("sts-harness %s: %zu scenarios against %s\n", HARNESS_VERSION,
	    cat.n, adapter);
	fflush(stdout);
	if (runner_run(&cfg, cat.scns, cat.n, res, &sum, &err) == -1) {
		fprintf(stderr, "sts-harness: %s\n", err.msg);
		rc = 1;
		goto out;
	}
	report_summary(stdout, res, cat.n, &sum);
	bad = report_counts(res, cat.n, counts);
	rc = sum.interrupted ? 130 : bad > 0 ? 1 : 0;
	if (o->json != NULL && report_json(o->json, adapter, res, cat.n, &sum,
	    &err) == -1) {
		fprintf(stderr, "sts-harness: %s\n", err.msg);
		rc = rc == 0 ? 1 : rc;
	}
out:
	runner_results_clear(res, cat.n);
	free(res);
	catalog_clear(&cat);
	return rc;
}

int
main(int argc, char **argv)
{
	struct harness_opts	 o;
	char			 root[PATH_MAX], bindir[PATH_MAX];
	const char		*cmd;

	signal(SIGPIPE, SIG_IGN);
	if (argc < 2) {
		harness_usage(stderr);
		return 2;
	}
	cmd = argv[1];
	if (strcmp(cmd, "--version") == 0) {
		printf("sts-harness %s\n", HARNESS_VERSION);
		return 0;
	}
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		harness_usage(stdout);
		return 0;
	}
	if (harness_parse(argc - 1, argv + 1, &o) == -1)
		return 2;
	log_init("sts-harness", o.verbose);
	if (harness_root(root, sizeof(root), bindir, sizeof(bindir)) == -1) {
		fprintf(stderr, "sts-harness: cannot find the project directory "
		    "(suts/); set STS_HARNESS_ROOT\n");
		return 2;
	}
	if (strcmp(cmd, "run") == 0)
		return harness_run(&o, root, bindir);
	if (strcmp(cmd, "list") == 0)
		return harness_list(&o, root, false);
	if (strcmp(cmd, "lint") == 0)
		return harness_list(&o, root, true);
	fprintf(stderr, "sts-harness: unknown command \"%s\"\n", cmd);
	harness_usage(stderr);
	return 2;
}
