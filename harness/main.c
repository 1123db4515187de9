/* SPDX-License-Identifier: ISC */
/*
 * main.c -- the sts-harness program: parse argv, load the scenarios, check
 * everything a run needs (adapter, --json path, clock budget) before
 * anything runs, make the run's temp dir and namespaces, run, report.
 * Exit status: 0 every scenario met its expectation, 1 some did not (or
 * the run could not start), 2 usage or input error, 128 + N interrupted
 * by signal N.
 */
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "../common/log.h"
#include "../common/proto.h"
#include "../common/str.h"
#include "adapter_check.h"
#include "catalog.h"
#include "matrix.h"
#include "reqs.h"
#include "ns.h"
#include "report.h"
#include "runner.h"

#define HARNESS_VERSION		"0.4.0"
#define HARNESS_RESOLVER_ADDR	"127.0.0.53"	/* resolv.conf, STS_RESOLVER */
#define HARNESS_DNS_ADDR	"127.0.0.54"	/* fake-dns behind dnsmasq */
#define HARNESS_TIMEOUT		30
#define HARNESS_TIMEOUT_MAX	3600
#define HARNESS_QUIET		2	/* --quiet-period default, seconds */
#define HARNESS_QUIET_MAX	600
#define HARNESS_ENV_NAME_MAX	64
#define HARNESS_LANES_MAX	64	/* -j */
#define HARNESS_CHECK_POLICY_WAIT_MS 2000	/* adapter-check's wait: policy */
#define HARNESS_REPEAT_MAX	100	/* --repeat */

struct harness_opts {
	const char	*sut;
	const char	*json;
	unsigned long	 timeout;
	unsigned long	 quiet;
	unsigned long	 policy_wait_ms;	/* 0: --timeout */
	bool		 has_seed;
	uint64_t	 seed;
	unsigned long	 lanes;		/* -j; 0: one per CPU */
	unsigned long	 repeat;	/* --repeat, 1..HARNESS_REPEAT_MAX */
	bool		 resolver_direct;	/* --resolver direct */
	const char	*pass_env[RUNNER_PASS_ENV_MAX];
	size_t		 npass_env;
	int		 verbose;
	char		**paths;
	size_t		 npaths;
};

static void	harness_usage(FILE *);
static int	harness_root(char *, size_t, char *, size_t);
static int	harness_parse(int, char **, struct harness_opts *);
static int	harness_catalog(const struct harness_opts *, const char *,
		    struct catalog *);
static void	harness_config(const struct harness_opts *, const char *,
		    const char *, uint64_t, struct runner_config *);
static int	harness_check(const struct harness_opts *, const char *,
		    const char *);
static int	harness_report(int, char **);
static int	harness_reqs(const char *, int, char **);
static int	harness_run(const struct harness_opts *, const char *,
		    const char *);
static int	harness_repetition(const struct harness_opts *, const char *,
		    const char *, uint64_t, unsigned int, struct catalog *,
		    struct scn_result *, struct report_totals *,
		    struct report_json *);
static int	harness_list(const struct harness_opts *, const char *, bool);
static enum scn_delivery harness_attack_expect(const struct scenario *);
static int	harness_adapter(const struct harness_opts *, const char *,
		    const char *, char *, size_t);
static int	harness_clock_budget(const struct catalog *);
static bool	harness_is_env_name(const char *);
static int	harness_seconds(const char *, const char *, unsigned long,
		    unsigned long *);
static int	harness_millis(const char *, const char *, unsigned long,
		    unsigned long *);
static void	harness_nofile(void);

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
	    "[--timeout SEC]\n"
	    "           [-j N] [--resolver dnsmasq|direct] [--quiet-period SEC] "
	    "[--seed N]\n"
	    "           "
	    "[--policy-wait SEC] [--repeat N] [--pass-env NAME]... [-v]\n"
	    "           [SCENARIO-FILE|DIR ...]\n"
	    "       sts-harness adapter-check [--sut NAME|PATH] [--timeout SEC] "
	    "[--pass-env NAME]... [-v]\n"
	    "       sts-harness report --markdown RESULTS.json ...\n"
	    "       sts-harness coverage [--requirements FILE] "
	    "[SCENARIO-FILE|DIR ...]\n"
	    "       sts-harness show ID [SCENARIO-FILE|DIR ...]\n"
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
		/* the build has a suts/ of its own; scenarios/ is the tree's */
		(void)str_fmt(probe, sizeof(probe), "%s/scenarios", exe);
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
		{ "json", required_argument, NULL, 'O' },
		{ "timeout", required_argument, NULL, 't' },
		{ "quiet-period", required_argument, NULL, 'q' },
		{ "policy-wait", required_argument, NULL, 'P' },
		{ "seed", required_argument, NULL, 'S' },
		{ "pass-env", required_argument, NULL, 'e' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "resolver", required_argument, NULL, 'R' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long	 seed;
	char			*end, esc[64];
	int			 ch;

	memset(o, 0, sizeof(*o));
	o->sut = "reference";
	o->timeout = HARNESS_TIMEOUT;
	o->quiet = HARNESS_QUIET;
	o->repeat = 1;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "s:j:t:q:S:e:vh", longopts, NULL)) !=
	    -1) {
		switch (ch) {
		case 's':
			o->sut = optarg;
			break;
		case 'O':
			o->json = optarg;
			break;
		case 'R':
			if (strcmp(optarg, "dnsmasq") == 0)
				o->resolver_direct = false;
			else if (strcmp(optarg, "direct") == 0)
				o->resolver_direct = true;
			else {
				fprintf(stderr, "sts-harness: --resolver: \"%s\" "
				    "(allowed: dnsmasq, direct)\n",
				    str_escape(esc, sizeof(esc), optarg));
				return -1;
			}
			break;
		case 'j':
			if (parse_uint(optarg, HARNESS_LANES_MAX,
			    &o->lanes) == -1 || o->lanes == 0) {
				fprintf(stderr, "sts-harness: -j: \"%s\" is not "
				    "1..%d lanes\n", str_escape(esc, sizeof(esc),
				    optarg), HARNESS_LANES_MAX);
				return -1;
			}
			break;
		case 'r':
			if (parse_uint(optarg, HARNESS_REPEAT_MAX,
			    &o->repeat) == -1 || o->repeat == 0) {
				fprintf(stderr, "sts-harness: --repeat: \"%s\" "
				    "is not 1..%d repetitions\n", str_escape(esc,
				    sizeof(esc), optarg), HARNESS_REPEAT_MAX);
				return -1;
			}
			break;
		case 't':
			if (harness_seconds("--timeout", optarg,
			    HARNESS_TIMEOUT_MAX, &o->timeout) == -1)
				return -1;
			break;
		case 'q':
			if (harness_seconds("--quiet-period", optarg,
			    HARNESS_QUIET_MAX, &o->quiet) == -1)
				return -1;
			break;
		case 'P':
			if (harness_millis("--policy-wait", optarg,
			    HARNESS_TIMEOUT_MAX, &o->policy_wait_ms) == -1)
				return -1;
			break;
		case 'S':
			errno = 0;
			seed = strtoull(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end != '\0' ||
			    errno != 0) {
				fprintf(stderr, "sts-harness: --seed: \"%s\" is "
				    "not a decimal number below 2^64\n",
				    str_escape(esc, sizeof(esc), optarg));
				return -1;
			}
			o->seed = seed;
			o->has_seed = true;
			break;
		case 'e':
			if (!harness_is_env_name(optarg)) {
				fprintf(stderr, "sts-harness: --pass-env: \"%s\" "
				    "is not a variable name\n",
				    str_escape(esc, sizeof(esc), optarg));
				return -1;
			}
			if (o->npass_env == RUNNER_PASS_ENV_MAX) {
				fprintf(stderr, "sts-harness: --pass-env: at "
				    "most %d names\n", RUNNER_PASS_ENV_MAX);
				return -1;
			}
			o->pass_env[o->npass_env++] = optarg;
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

/* harness_seconds - option opt's value: 1..max seconds, or a usage error */
static int
harness_seconds(const char *opt, const char *arg, unsigned long max,
    unsigned long *out)
{
	char	esc[64];

	if (parse_uint(arg, max, out) == 0 && *out > 0)
		return 0;
	fprintf(stderr, "sts-harness: %s: \"%s\" is not 1..%lu seconds\n", opt,
	    str_escape(esc, sizeof(esc), arg), max);
	return -1;
}

/*
 * harness_millis - "SEC" or "SEC.F" with 1..3 decimals, more than 0 and at
 * most max seconds, in milliseconds
 */
static int
harness_millis(const char *opt, const char *arg, unsigned long max,
    unsigned long *out)
{
	char		 esc[64], whole[24];
	const char	*dot = strchr(arg, '.');
	unsigned long	 sec, frac = 0;
	size_t		 n, i;

	n = dot != NULL ? (size_t)(dot - arg) : strlen(arg);
	if (n == 0 || n >= sizeof(whole))
		goto bad;
	memcpy(whole, arg, n);
	whole[n] = '\0';
	if (parse_uint(whole, max, &sec) == -1)
		goto bad;
	if (dot != NULL) {
		for (i = 1; dot[i] != '\0'; i++) {
			if (i > 3 || dot[i] < '0' || dot[i] > '9')
				goto bad;
			frac = frac * 10 + (unsigned long)(dot[i] - '0');
		}
		if (i == 1)
			goto bad;
		for (; i <= 3; i++)
			frac *= 10;
	}
	*out = sec * 1000 + frac;
	if (*out > 0 && *out <= max * 1000)
		return 0;
bad:
	fprintf(stderr, "sts-harness: %s: \"%s\" is not 0.001..%lu seconds "
	    "(at most 3 decimals)\n", opt, str_escape(esc, sizeof(esc), arg),
	    max);
	return -1;
}

/* harness_is_env_name - [A-Za-z_][A-Za-z0-9_]*, bounded */
static bool
harness_is_env_name(const char *s)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' &&
		    s[i] <= 'z') || s[i] == '_' || (i > 0 && s[i] >= '0' &&
		    s[i] <= '9')))
			return false;
	return i > 0 && i <= HARNESS_ENV_NAME_MAX;
}

/*
 * harness_adapter - the adapter executable: PATH if --sut has a '/', else
 * the built copy bindir/suts/NAME/adapter (which finds the binaries of
 * this build next to it), else root/suts/NAME/adapter. A regular,
 * executable file, or exit 2 before anything runs.
 */
static int
harness_adapter(const struct harness_opts *o, const char *root,
    const char *bindir, char *out, size_t outsz)
{
	struct stat	st;
	char		esc[PATH_MAX], abs[PATH_MAX];
	int		rc;

	if (strchr(o->sut, '/') != NULL)
		rc = str_copy(out, o->sut, outsz);
	else {
		rc = str_fmt(out, outsz, "%s/suts/%s/adapter", bindir, o->sut);
		if (rc == 0 && access(out, X_OK) == -1)
			rc = str_fmt(out, outsz, "%s/suts/%s/adapter", root,
			    o->sut);
	}
	/* absolute: verbs run in STS_STATE_DIR */
	if (rc == 0 && realpath(out, abs) != NULL)
		rc = str_copy(out, abs, outsz);
	if (rc == -1 || stat(out, &st) == -1 || !S_ISREG(st.st_mode) ||
	    access(out, X_OK) == -1) {
		fprintf(stderr, "sts-harness: --sut %s: no executable adapter "
		    "file at %s\n", str_escape(esc, sizeof(esc) / 2, o->sut),
		    str_escape(esc + sizeof(esc) / 2, sizeof(esc) / 2, out));
		return -1;
	}
	return 0;
}

/*
 * harness_clock_budget - the SUT's clock only moves forward, summed over
 * the run (a twin moves it too); the PKI's validity windows (pki.h) keep
 * every certificate profile true up to RUNNER_CLOCK_RUN_MAX.
 */
static int
harness_clock_budget(const struct catalog *cat)
{
	unsigned long long	sum = 0;
	size_t			i, j;

	for (i = 0; i < cat->n; i++)
		for (j = 0; j < cat->scns[i]->nsteps; j++)
			sum += (unsigned long long)cat->scns[i]->steps[j].clock *
			    (cat->scns[i]->has_attack ? 2 : 1);
	if (sum <= RUNNER_CLOCK_RUN_MAX)
		return 0;
	fprintf(stderr, "sts-harness: the clock moves of these scenarios add "
	    "up to %llu s (twins included), more than the %lu s the test "
	    "certificates stay valid for; run fewer at once\n", sum,
	    RUNNER_CLOCK_RUN_MAX);
	return -1;
}

/* harness_nofile - every world stays up: allow as many fds as we may */
static void
harness_nofile(void)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* harness_config - the runner's configuration from the options */
static void
harness_config(const struct harness_opts *o, const char *adapter,
    const char *tmpdir, uint64_t seed, struct runner_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->adapter = adapter;
	cfg->tmpdir = tmpdir;
	cfg->timeout = (int)o->timeout;
	cfg->policy_wait_ms = (unsigned int)o->policy_wait_ms;
	cfg->quiet_ms = (unsigned int)o->quiet * 1000;
	cfg->seed = seed;
	cfg->lanes = o->lanes;
	if (cfg->lanes == 0) {
		long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

		cfg->lanes = ncpu < 1 ? 1 : ncpu > HARNESS_LANES_MAX ?
		    HARNESS_LANES_MAX : (size_t)ncpu;
	}
	cfg->pass_env = o->pass_env;
	cfg->npass_env = o->npass_env;
	cfg->smtp_port = SMTP_PORT;
	cfg->https_port = HTTPS_PORT;
	cfg->http_port = HTTP_PORT;
	cfg->dns_port = DNS_PORT;
	cfg->resolver_direct = o->resolver_direct;
	cfg->resolver_addr = HARNESS_RESOLVER_ADDR;
	/* direct: fake-dns itself is what resolv.conf names */
	cfg->dns_addr = o->resolver_direct ? HARNESS_RESOLVER_ADDR :
	    HARNESS_DNS_ADDR;
}

/*
 * harness_check - adapter-check: the check scenarios, one lane, a watch;
 * exit 0 with no problem, 1 with any, 2 if it could not run
 */
static int
harness_check(const struct harness_opts *o, const char *root,
    const char *bindir)
{
	struct catalog		 cat;
	struct runner_config	 cfg;
	struct runner_summary	 sum;
	struct scn_result	 res[CHECK_ROLES];
	struct check		*chk;
	struct err		 err;
	char			 adapter[PATH_MAX], tmpdir[PATH_MAX];
	char			 paths[CHECK_ROLES][PATH_MAX], esc[PATH_MAX];
	char			*pathv[CHECK_ROLES];
	struct scenario		*scns[CHECK_ROLES];
	uint64_t		 seed = o->seed;
	size_t			 i, j, problems;

	if (o->npaths > 0 || o->json != NULL || o->lanes > 1 ||
	    o->repeat > 1) {
		fprintf(stderr, "sts-harness: adapter-check takes no scenario "
		    "files, --json, -j or --repeat: it runs its own checks\n");
		return 2;
	}
	if (harness_adapter(o, root, bindir, adapter, sizeof(adapter)) == -1)
		return 2;
	for (i = 0; i < CHECK_ROLES; i++) {
		(void)str_fmt(paths[i], sizeof(paths[i]), "%s/scenarios/%s",
		    root, check_file((enum check_role)i));
		pathv[i] = paths[i];
	}
	if (catalog_load(&cat, pathv, CHECK_ROLES, stderr) == -1)
		return 2;
	/* the catalogue comes sorted: put it in role order, res[role] */
	for (i = 0; i < CHECK_ROLES; i++) {
		for (j = 0; j < cat.n; j++)
			if (strcmp(cat.scns[j]->file, paths[i]) == 0)
				break;
		if (j == cat.n) {
			fprintf(stderr, "sts-harness: adapter-check: %s did "
			    "not load\n", paths[i]);
			catalog_clear(&cat);
			return 2;
		}
		scns[i] = cat.scns[j];
	}
	if (!o->has_seed && RAND_bytes((unsigned char *)&seed,
	    sizeof(seed)) != 1) {
		fprintf(stderr, "sts-harness: no random seed\n");
		catalog_clear(&cat);
		return 1;
	}
	harness_nofile();
	printf("sts-harness %s adapter-check: %s\n", HARNESS_VERSION,
	    str_escape(esc, sizeof(esc), adapter));
	fflush(NULL);
	if (ns_enter(HARNESS_RESOLVER_ADDR, tmpdir, sizeof(tmpdir), &err) ==
	    -1) {
		fprintf(stderr, "sts-harness: %s\n", err.msg);
		catalog_clear(&cat);
		return 1;
	}
	harness_config(o, adapter, tmpdir, seed, &cfg);
	cfg.lanes = 1;
	cfg.quiet_ms = 1000;
	/* a SUT that fetches no policy must not cost STS_TIMEOUT per step */
	cfg.policy_wait_ms = HARNESS_CHECK_POLICY_WAIT_MS;
	cfg.progress = o->verbose > 0 ? stderr : NULL;
	chk = check_new(cfg.timeout);
	cfg.watch = check_watch(chk);
	memset(res, 0, sizeof(res));
	if (runner_run(&cfg, scns, CHECK_ROLES, res, &sum, &err) == -1) {
		fprintf(stderr, "sts-harness: %s\n", err.msg);
		check_free(chk);
		catalog_clear(&cat);
		return 1;
	}
	problems = check_report(chk, stdout, res, &sum, &cfg);
	runner_results_clear(res, CHECK_ROLES);
	check_free(chk);
	catalog_clear(&cat);
	return problems > 0 || sum.interrupted ? 1 : 0;
}

/*
 * harness_repetition - run k (1-based) of the list: its own seed (the
 * run's + k - 1) and files (tmpdir/rep-K from the second on), so fresh
 * domains, addresses, PKI and SUT instances; its results are printed and
 * written out, then dropped. 0, or -1 if it could not start.
 */
static int
harness_repetition(const struct harness_opts *o, const char *adapter,
    const char *tmpdir, uint64_t seed, unsigned int k, struct catalog *cat,
    struct scn_result *res, struct report_totals *tot,
    struct report_json *rj)
{
	struct runner_config	 cfg;
	struct runner_summary	 sum;
	struct err		 err;
	char			 dir[PATH_MAX];

	if (k == 1)
		(void)str_copy(dir, tmpdir, sizeof(dir));
	else if (str_fmt(dir, sizeof(dir), "%s/rep-%u", tmpdir, k) == -1 ||
	    mkdir(dir, 0755) == -1 || chmod(dir, 0755) == -1) {
		fprintf(stderr, "sts-harness: repetition %u: %s/rep-%u: %s\n",
		    k, tmpdir, k, strerror(errno));
		return -1;
	}
	harness_config(o, adapter, dir, seed + k - 1, &cfg);
	cfg.progress = stdout;
	if (o->repeat > 1) {
		printf("repetition %u/%lu (seed %llu):\n", k, o->repeat,
		    (unsigned long long)cfg.seed);
		fflush(stdout);
	}
	if (runner_run(&cfg, cat->scns, cat->n, res, &sum, &err) == -1) {
		fprintf(stderr, "sts-harness: %s%s\n", o->repeat > 1 ?
		    "repetition: " : "", err.msg);
		runner_results_clear(res, cat->n);
		return -1;
	}
	report_changes(stdout, res, cat->n);
	report_summary(stdout, res, cat->n, &sum);
	report_totals_add(tot, res, cat->n, &sum);
	if (rj != NULL && report_json_scenarios(rj, res, cat->n, k,
	    &err) == -1) {
		fprintf(stderr, "sts-harness: %s\n", err.msg);
		runner_results_clear(res, cat->n);
		return -1;
	}
	runner_results_clear(res, cat->n);
	return 0;
}

/*
 * harness_run - the list --repeat times, one repetition after another;
 * every result is shown as it comes and written to --json, so a run holds
 * one repetition's results at a time
 */
static int
harness_run(const struct harness_opts *o, const char *root,
    const char *bindir)
{
	struct catalog		 cat;
	struct report_totals	 tot;
	struct report_json	*rj = NULL;
	struct scn_result	*res = NULL;
	struct err		 err;
	char			 adapter[PATH_MAX], tmpdir[PATH_MAX];
	char			 esc[PATH_MAX];
	uint64_t		 seed = o->seed;
	unsigned int		 k;
	int			 rc = 0, json_fd = -1;

	if (harness_adapter(o, root, bindir, adapter, sizeof(adapter)) == -1)
		return 2;
	if (harness_catalog(o, root, &cat) == -1)
		return 2;
	/* each repetition has its own SUT instances and PKI, so its own clock */
	if (harness_clock_budget(&cat) == -1) {
		catalog_clear(&cat);
		return 2;
	}
	/*
	 * an unwritable --json must stop the run before it starts; emptied
	 * now, so a run that dies leaves no stale results behind
	 */
	if (o->json != NULL && (json_fd = open(o->json, O_WRONLY | O_CREAT |
	    O_TRUNC | O_CLOEXEC | O_NOCTTY, 0644)) == -1) {
		fprintf(stderr, "sts-harness: --json %s: %s\n",
		    str_escape(esc, sizeof(esc), o->json), strerror(errno));
		catalog_clear(&cat);
		return 2;
	}
	if (!o->has_seed && RAND_bytes((unsigned char *)&seed,
	    sizeof(seed)) != 1) {
		fprintf(stderr, "sts-harness: no random seed\n");
		rc = 1;
		goto out;
	}
	harness_nofile();
	fflush(NULL);
	if (ns_enter(HARNESS_RESOLVER_ADDR, tmpdir, sizeof(tmpdir), &err) ==
	    -1) {
		fprintf(stderr, "sts-harness: %s\n", err.msg);
		rc = 1;
		goto out;
	}
	/* from here on: PID 1 of the run's namespaces */
	if (json_fd != -1 && (rj = report_json_begin(json_fd, o->json,
	    &err)) == NULL) {
		fprintf(stderr, "sts-harness: %s\n", err.msg);
		rc = 1;
		goto out;
	}
	memset(&tot, 0, sizeof(tot));
	res = xcalloc(cat.n, sizeof(*res));
	if (o->repeat > 1)
		printf("sts-harness %s: %zu scenarios x %lu repetitions against "
		    "%s (seed %llu)\n", HARNESS_VERSION, cat.n, o->repeat,
		    str_escape(esc, sizeof(esc), adapter),
		    (unsigned long long)seed);
	else
		printf("sts-harness %s: %zu scenarios against %s (seed "
		    "%llu)\n", HARNESS_VERSION, cat.n, str_escape(esc,
		    sizeof(esc), adapter), (unsigned long long)seed);
	fflush(stdout);
	for (k = 1; k <= o->repeat && !tot.sum.interrupted; k++)
		if (harness_repetition(o, adapter, tmpdir, seed, k, &cat, res,
		    &tot, rj) == -1) {
			rc = 1;
			break;
		}
	if (o->repeat > 1)
		report_totals_line(stdout, &tot);
	if (rc == 0)
		rc = tot.sum.interrupted ? 128 + (tot.sum.signal > 0 ?
		    tot.sum.signal : 2) : tot.not_met > 0 ? 1 : 0;
	if (rj != NULL && tot.repeat > 0) {
		if (report_json_end(rj, adapter, &tot, &err) == -1) {
			fprintf(stderr, "sts-harness: %s\n", err.msg);
			rc = rc == 0 ? 1 : rc;
		}
		rj = NULL;
	}
out:
	/* nothing ran: leave the file empty, as before the run */
	if (rj != NULL && ftruncate(json_fd, 0) == -1)
		fprintf(stderr, "sts-harness: --json %s: %s\n",
		    str_escape(esc, sizeof(esc), o->json), strerror(errno));
	report_json_free(rj);
	free(res);
	if (json_fd != -1)
		close(json_fd);
	catalog_clear(&cat);
	return rc;
}

/*
 * harness_reqs - "coverage [--requirements FILE] [SCENARIO-FILE|DIR ...]"
 * and "show ID [--requirements FILE] [SCENARIO-FILE|DIR ...]"
 */
static int
harness_reqs(const char *cmd, int argc, char **argv)
{
	struct catalog	 cat;
	struct reqs	*rq;
	struct harness_opts o;
	char		 root[PATH_MAX], bindir[PATH_MAX], reqfile[PATH_MAX];
	char		 esc[128];
	const char	*id = NULL;
	size_t		 i;
	int		 rc = 2;

	if (strcmp(cmd, "show") == 0) {
		if (argc < 1 || argv[0][0] == '-') {
			fprintf(stderr, "usage: sts-harness show ID "
			    "[--requirements FILE] [SCENARIO-FILE|DIR ...]\n");
			return 2;
		}
		id = argv[0];
		argc--;
		argv++;
	}
	if (harness_root(root, sizeof(root), bindir, sizeof(bindir)) == -1) {
		fprintf(stderr, "sts-harness: cannot find the project directory "
		    "(scenarios/); set STS_HARNESS_ROOT\n");
		return 2;
	}
	(void)str_fmt(reqfile, sizeof(reqfile), "%s/docs/requirements.md",
	    root);
	if (argc >= 1 && strcmp(argv[0], "--requirements") == 0) {
		if (argc < 2) {
			fprintf(stderr, "sts-harness: --requirements needs a "
			    "file\n");
			return 2;
		}
		(void)str_copy(reqfile, argv[1], sizeof(reqfile));
		argc -= 2;
		argv += 2;
	}
	for (i = 0; i < (size_t)argc; i++)
		if (argv[i][0] == '-') {
			fprintf(stderr, "sts-harness: %s: unknown option \"%s\"\n",
			    cmd, str_escape(esc, sizeof(esc), argv[i]));
			return 2;
		}
	memset(&o, 0, sizeof(o));
	o.paths = argv;
	o.npaths = (size_t)argc;
	rq = xcalloc(1, sizeof(*rq));
	if (reqs_load(rq, reqfile, stderr) == -1) {
		free(rq);
		return 2;
	}
	if (harness_catalog(&o, root, &cat) == -1) {
		free(rq);
		return 2;
	}
	if (id == NULL)
		rc = coverage_report(stdout, rq, cat.scns, cat.n);
	else {
		for (i = 0; i < cat.n; i++)
			if (strcmp(cat.scns[i]->id, id) == 0)
				break;
		if (i < cat.n) {
			show_scenario(stdout, rq, cat.scns[i]);
			rc = 0;
		} else
			fprintf(stderr, "sts-harness: show: no scenario \"%s\" "
			    "(sts-harness list)\n", str_escape(esc, sizeof(esc),
			    id));
	}
	catalog_clear(&cat);
	free(rq);
	return rc;
}

/* harness_report - report --markdown FILE...: the matrix on stdout */
static int
harness_report(int argc, char **argv)
{
	char	root[PATH_MAX], bindir[PATH_MAX];

	if (argc < 2 || strcmp(argv[0], "--markdown") != 0) {
		fprintf(stderr, "usage: sts-harness report --markdown "
		    "RESULTS.json ...\n");
		return 2;
	}
	if (harness_root(root, sizeof(root), bindir, sizeof(bindir)) == -1) {
		fprintf(stderr, "sts-harness: cannot find the project directory "
		    "(scenarios/); set STS_HARNESS_ROOT\n");
		return 2;
	}
	return matrix_report(stdout, stderr, root, argv + 1,
	    (size_t)(argc - 1));
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
	if (strcmp(cmd, "report") == 0)
		return harness_report(argc - 2, argv + 2);
	if (strcmp(cmd, "coverage") == 0 || strcmp(cmd, "show") == 0)
		return harness_reqs(cmd, argc - 2, argv + 2);
	if (harness_parse(argc - 1, argv + 1, &o) == -1)
		return 2;
	log_init("sts-harness", o.verbose);
	if (harness_root(root, sizeof(root), bindir, sizeof(bindir)) == -1) {
		fprintf(stderr, "sts-harness: cannot find the project directory "
		    "(scenarios/); set STS_HARNESS_ROOT\n");
		return 2;
	}
	if (strcmp(cmd, "run") == 0)
		return harness_run(&o, root, bindir);
	if (strcmp(cmd, "adapter-check") == 0)
		return harness_check(&o, root, bindir);
	if (strcmp(cmd, "list") == 0)
		return harness_list(&o, root, false);
	if (strcmp(cmd, "lint") == 0)
		return harness_list(&o, root, true);
	fprintf(stderr, "sts-harness: unknown command \"%s\"\n", cmd);
	harness_usage(stderr);
	return 2;
}
