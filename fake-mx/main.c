/* SPDX-License-Identifier: ISC */
/*
 * main.c -- the standalone fake-mx: one fake MX, or one HTTPS policy host,
 * on one address, for manual runs and demos. Parses argv, makes a fresh
 * PKI, runs the loop until a signal that would otherwise kill it (HUP,
 * INT, QUIT, TERM, USR1, USR2), prints event records to stdout and tears
 * everything down, the PKI dir it made included. All behaviour lives in
 * the library.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "../common/log.h"
#include "../common/pki.h"
#include "../common/proto.h"
#include "../common/str.h"
#include "mx_config.h"
#include "mx_server.h"
#include "policy_host.h"

#define FAKEMX_POLICY_FILE_MAX	(1024 * 1024)	/* room for oversize tests */
#define FAKEMX_TIMEOUT_MAX	3600		/* seconds */
#define FAKEMX_EXIT_USAGE	2

/*
 * The signals whose default action would end us without a teardown, and
 * so leave the PKI dir behind (SIGPIPE is ignored instead; SIGKILL cannot
 * be caught, and then only the public ca.pem and unknown-ca.pem stay).
 */
static const int fakemx_signals[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2,
};
#define FAKEMX_NSIGNALS	(sizeof(fakemx_signals) / sizeof(fakemx_signals[0]))

enum fakemx_opt {
	FAKEMX_OPT_HOST = 256,
	FAKEMX_OPT_STARTTLS,
	FAKEMX_OPT_CERT,
	FAKEMX_OPT_PKI,
	FAKEMX_OPT_POLICY,
	FAKEMX_OPT_STATUS,
	FAKEMX_OPT_CONTENT_TYPE,
	FAKEMX_OPT_TIMEOUT,
	FAKEMX_OPT_SERVE,
	FAKEMX_OPT_SNI,
	FAKEMX_OPT_TLS,
	FAKEMX_OPT_LOCATION,
	FAKEMX_OPT_PAD,
	FAKEMX_OPT_TRICKLE,
	FAKEMX_OPT_VALIDATORS,
	FAKEMX_OPT_FAIL,
};

struct fakemx_ctx {
	/* from argv */
	int			 verbose;
	const char		*addr;
	const char		*host;
	const char		*pki_arg;
	const char		*policy_file;
	bool			 have_port;
	uint16_t		 port;
	bool			 mx_only;	/* --starttls or --fail given */
	bool			 policy_only;	/* --status/--content-type */
	struct mx_config	 mx;
	struct policy_config	 policy;

	/* built */
	struct event_base	*base;
	struct event		*ev_signal[FAKEMX_NSIGNALS];
	char			 pki_dir[PATH_MAX];
	bool			 pki_dir_made;
	struct pki		*pki;
	char			*body;
	struct mx_server	*mx_srv;
	struct policy_host	*ph;
};

static void	fakemx_usage(void) __attribute__((noreturn));
static void	fakemx_parse(struct fakemx_ctx *, int, char **);
static void	fakemx_setup(struct fakemx_ctx *);
static void	fakemx_teardown(struct fakemx_ctx *);
static char    *fakemx_read_file(const char *, size_t, size_t *);
static void	fakemx_on_signal(evutil_socket_t, short, void *);
static void	fakemx_catch_signals(struct fakemx_ctx *);

int
main(int argc, char **argv)
{
	struct fakemx_ctx	ctx;

	memset(&ctx, 0, sizeof(ctx));
	log_init("fake-mx", 0);
	fakemx_parse(&ctx, argc, argv);
	log_init("fake-mx", ctx.verbose);
	/* a client that hangs up must cost one session, not the process */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		fatal("signal");
	fakemx_setup(&ctx);
	if (event_base_dispatch(ctx.base) == -1)
		log_warnx("event loop failed");
	fakemx_teardown(&ctx);
	return 0;
}

static void
fakemx_usage(void)
{
	const char	*name;
	size_t		 i;

	fprintf(stderr,
	    "usage: fake-mx [-v] -l ADDR [-p PORT] --host NAME "
	    "[--starttls MODE]\n"
	    "               [--cert PROFILE] [--tls VERSIONS] "
	    "[--sni any|required]\n"
	    "               [--fail \"VERB CODE\"] [--pki DIR] "
	    "[--timeout SEC]\n"
	    "       fake-mx [-v] --policy FILE --host mta-sts.NAME -l ADDR "
	    "[-p PORT]\n"
	    "               [--status N] [--content-type T] [--cert PROFILE] "
	    "[--pki DIR]\n"
	    "               [--timeout SEC] [--serve HOW] [--sni SNI] "
	    "[--tls VERSIONS]\n"
	    "               [--location URL] [--pad BYTES] [--trickle SEC]\n"
	    "               [--validators]\n"
	    "MODE:");
	/* the lists are the tables of mx_config.c and pki.c */
	for (i = 0; (name = mx_starttls_name(i)) != NULL; i++)
		fprintf(stderr, " %s", name);
	fprintf(stderr, "\nPROFILE:");
	for (i = 0; (name = cert_profile_name(i)) != NULL; i++)
		fprintf(stderr, " %s", name);
	/* policy_config.c's tables; serve false is "no --policy" */
	fprintf(stderr, "\nHOW:");
	for (i = 0; (name = policy_serve_name(i)) != NULL; i++)
		if (strcmp(name, "false") != 0)
			fprintf(stderr, " %s", name);
	fprintf(stderr, "\nSNI (policy host):");
	for (i = 0; (name = policy_sni_name(i)) != NULL; i++)
		fprintf(stderr, " %s", name);
	fprintf(stderr, "\nVERSIONS (MX and policy host):");
	for (i = 0; (name = tls_versions_name(i)) != NULL; i++)
		fprintf(stderr, " %s", name);
	fprintf(stderr, "\nVERB:");
	for (i = 0; (name = mx_fail_verb_name(i)) != NULL; i++)
		fprintf(stderr, " %s", name);
	fprintf(stderr, " (CODE 400..599)\n");
	exit(FAKEMX_EXIT_USAGE);
}

/* fakemx_parse - argv into ctx; usage and exit 2 on anything wrong */
static void
fakemx_parse(struct fakemx_ctx *ctx, int argc, char **argv)
{
	static const struct option	 longopts[] = {
		{ "host",		required_argument, NULL,
		    FAKEMX_OPT_HOST },
		{ "starttls",		required_argument, NULL,
		    FAKEMX_OPT_STARTTLS },
		{ "cert",		required_argument, NULL,
		    FAKEMX_OPT_CERT },
		{ "pki",		required_argument, NULL,
		    FAKEMX_OPT_PKI },
		{ "policy",		required_argument, NULL,
		    FAKEMX_OPT_POLICY },
		{ "status",		required_argument, NULL,
		    FAKEMX_OPT_STATUS },
		{ "content-type",	required_argument, NULL,
		    FAKEMX_OPT_CONTENT_TYPE },
		{ "timeout",		required_argument, NULL,
		    FAKEMX_OPT_TIMEOUT },
		{ "serve",		required_argument, NULL,
		    FAKEMX_OPT_SERVE },
		{ "sni",		required_argument, NULL,
		    FAKEMX_OPT_SNI },
		{ "tls",		required_argument, NULL,
		    FAKEMX_OPT_TLS },
		{ "location",		required_argument, NULL,
		    FAKEMX_OPT_LOCATION },
		{ "pad",		required_argument, NULL,
		    FAKEMX_OPT_PAD },
		{ "trickle",		required_argument, NULL,
		    FAKEMX_OPT_TRICKLE },
		{ "validators",		no_argument,	   NULL,
		    FAKEMX_OPT_VALIDATORS },
		{ "fail",		required_argument, NULL,
		    FAKEMX_OPT_FAIL },
		{ NULL,			0,		   NULL, 0 },
	};
	enum cert_profile	 cert = CERT_VALID;
	enum mx_starttls	 starttls = MX_STARTTLS_OFFER;
	enum tls_versions	 tls = TLS_VERSIONS_ANY;
	enum mx_sni		 sni = MX_SNI_ANY;
	struct mx_fail		 fail = { MX_FAIL_NONE, 0 };
	char			 why[160];
	const char		*content_type = "text/plain";
	const char		*tls_arg = NULL, *sni_arg = NULL;
	unsigned long		 n, status = 200, timeout = 30;
	int			 ch;

	while ((ch = getopt_long(argc, argv, "vl:p:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'v':
			ctx->verbose++;
			break;
		case 'l':
			ctx->addr = optarg;
			break;
		case 'p':
			if (parse_uint(optarg, 65535, &n) == -1) {
				log_warnx("bad port \"%s\"", optarg);
				fakemx_usage();
			}
			ctx->port = (uint16_t)n;
			ctx->have_port = true;
			break;
		case FAKEMX_OPT_HOST:
			ctx->host = optarg;
			break;
		case FAKEMX_OPT_STARTTLS:
			if (mx_starttls_parse(optarg, &starttls) == -1) {
				log_warnx("bad --starttls \"%s\"", optarg);
				fakemx_usage();
			}
			ctx->mx_only = true;
			break;
		case FAKEMX_OPT_CERT:
			if (cert_profile_parse(optarg, &cert) == -1) {
				log_warnx("bad --cert \"%s\"", optarg);
				fakemx_usage();
			}
			break;
		case FAKEMX_OPT_PKI:
			ctx->pki_arg = optarg;
			break;
		case FAKEMX_OPT_POLICY:
			ctx->policy_file = optarg;
			break;
		case FAKEMX_OPT_STATUS:
			if (parse_uint(optarg, 599, &status) == -1 ||
			    status < 100) {
				log_warnx("bad --status \"%s\"", optarg);
				fakemx_usage();
			}
			ctx->policy_only = true;
			break;
		case FAKEMX_OPT_CONTENT_TYPE:
			content_type = optarg;
			ctx->policy_only = true;
			break;
		case FAKEMX_OPT_SERVE:
			if (policy_serve_parse(optarg, &ctx->policy.serve) ==
			    -1 || ctx->policy.serve == POLICY_SERVE_OFF) {
				log_warnx("bad --serve \"%s\"", optarg);
				fakemx_usage();
			}
			ctx->policy_only = true;
			break;
		case FAKEMX_OPT_SNI:
			sni_arg = optarg;	/* read once the mode is known */
			break;
		case FAKEMX_OPT_TLS:
			tls_arg = optarg;
			break;
		case FAKEMX_OPT_LOCATION:
			/* policy_host_new checks its shape */
			if (str_copy(ctx->policy.location, optarg,
			    sizeof(ctx->policy.location)) == -1) {
				log_warnx("--location too long");
				fakemx_usage();
			}
			ctx->policy_only = true;
			break;
		case FAKEMX_OPT_PAD:
			if (parse_uint(optarg, POLICY_PAD_MAX, &n) == -1) {
				log_warnx("bad --pad \"%s\"", optarg);
				fakemx_usage();
			}
			ctx->policy.pad = n;
			ctx->policy_only = true;
			break;
		case FAKEMX_OPT_TRICKLE:
			if (parse_uint(optarg, POLICY_TRICKLE_MAX, &n) == -1 ||
			    n == 0) {
				log_warnx("bad --trickle \"%s\"", optarg);
				fakemx_usage();
			}
			ctx->policy.trickle_sec = (unsigned int)n;
			ctx->policy_only = true;
			break;
		case FAKEMX_OPT_VALIDATORS:
			ctx->policy.validators = true;
			ctx->policy_only = true;
			break;
		case FAKEMX_OPT_TIMEOUT:
			if (parse_uint(optarg, FAKEMX_TIMEOUT_MAX, &timeout) ==
			    -1 || timeout == 0) {
				log_warnx("bad --timeout \"%s\"", optarg);
				fakemx_usage();
			}
			break;
		case FAKEMX_OPT_FAIL:
			if (mx_fail_parse(optarg, &fail, why, sizeof(why)) ==
			    -1) {
				log_warnx("bad --fail \"%s\": %s", optarg, why);
				fakemx_usage();
			}
			ctx->mx_only = true;
			break;
		default:
			fakemx_usage();
		}
	}
	if (optind != argc || ctx->addr == NULL || ctx->host == NULL)
		fakemx_usage();
	if (strlen(ctx->host) > DNS_NAME_MAX) {
		log_warnx("--host longer than %d bytes", DNS_NAME_MAX);
		fakemx_usage();
	}
	if (ctx->policy_file == NULL ? ctx->policy_only : ctx->mx_only) {
		log_warnx("MX options and policy host options do not mix");
		fakemx_usage();
	}
	/* --tls and --sni: the policy host's tables, or the MX's */
	if (tls_arg != NULL && (ctx->policy_file != NULL ?
	    tls_versions_parse(tls_arg, &ctx->policy.tls) :
	    tls_versions_parse(tls_arg, &tls)) == -1) {
		log_warnx("bad --tls \"%s\"", tls_arg);
		fakemx_usage();
	}
	if (sni_arg != NULL && (ctx->policy_file != NULL ?
	    policy_sni_parse(sni_arg, &ctx->policy.sni) :
	    mx_sni_parse(sni_arg, &sni)) == -1) {
		log_warnx("bad --sni \"%s\"", sni_arg);
		fakemx_usage();
	}

	mx_config_init(&ctx->mx, ctx->host);
	ctx->mx.starttls = starttls;
	ctx->mx.cert = cert;
	ctx->mx.tls = tls;
	ctx->mx.sni = sni;
	ctx->mx.fail = fail;
	ctx->mx.timeout_sec = (int)timeout;

	if (str_copy(ctx->policy.hostname, ctx->host,
	    sizeof(ctx->policy.hostname)) == -1 ||
	    str_copy(ctx->policy.content_type, content_type,
	    sizeof(ctx->policy.content_type)) == -1) {
		log_warnx("--content-type too long");
		fakemx_usage();
	}
	ctx->policy.cert = cert;
	ctx->policy.status = (int)status;
	ctx->policy.timeout_sec = (int)timeout;
	if (!ctx->have_port)
		ctx->port = ctx->policy_file != NULL ? HTTPS_PORT : SMTP_PORT;
}

/*
 * fakemx_setup - event base and signals first (a signal during the rest is
 * then caught and ends the loop at once), PKI, server; fatal on failure
 */
static void
fakemx_setup(struct fakemx_ctx *ctx)
{
	struct err	err;

	memset(&err, 0, sizeof(err));
	if ((ctx->base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	fakemx_catch_signals(ctx);
	if (ctx->policy_file != NULL) {
		ctx->body = fakemx_read_file(ctx->policy_file,
		    FAKEMX_POLICY_FILE_MAX, &ctx->policy.body_len);
		ctx->policy.body = ctx->body;
	}
	/* only a certificate goes there, so anyone may read it */
	if (ctx->pki_arg != NULL) {
		if (str_copy(ctx->pki_dir, ctx->pki_arg,
		    sizeof(ctx->pki_dir)) == -1)
			fatalx("--pki: path too long");
		if (mkdir(ctx->pki_dir, 0755) == 0)
			ctx->pki_dir_made = true;
		else if (errno != EEXIST)
			fatal("mkdir %s", ctx->pki_dir);
	} else {
		const char *tmp = getenv("TMPDIR");

		if (str_fmt(ctx->pki_dir, sizeof(ctx->pki_dir),
		    "%s/fake-mx.XXXXXX", tmp != NULL && *tmp != '\0' ? tmp :
		    "/tmp") == -1 || mkdtemp(ctx->pki_dir) == NULL)
			fatal("mkdtemp");
		ctx->pki_dir_made = true;
		if (chmod(ctx->pki_dir, 0755) == -1)
			log_warn("chmod %s", ctx->pki_dir);
	}
	if ((ctx->pki = pki_new(ctx->pki_dir, &err)) == NULL) {
		fakemx_teardown(ctx);
		fatalx("%s", err.msg);
	}

	log_set_event_stream(stdout);
	if (ctx->policy_file != NULL)
		ctx->ph = policy_host_new(ctx->base, ctx->pki, &ctx->policy,
		    ctx->addr, ctx->port, &err);
	else
		ctx->mx_srv = mx_server_new(ctx->base, ctx->pki, &ctx->mx,
		    ctx->addr, ctx->port, &err);
	if (ctx->ph == NULL && ctx->mx_srv == NULL) {
		fakemx_teardown(ctx);
		fatalx("%s", err.msg);
	}

	fprintf(stderr, "fake-mx: CA certificate (trust this): %s\n",
	    pki_ca_file(ctx->pki));
	fprintf(stderr, "fake-mx: %s %s on %s port %u\n",
	    ctx->ph != NULL ? "policy host" : "MX", ctx->host, ctx->addr,
	    (unsigned)(ctx->ph != NULL ? policy_host_port(ctx->ph) :
	    mx_server_port(ctx->mx_srv)));
}

/* fakemx_catch_signals - every row of fakemx_signals ends the loop */
static void
fakemx_catch_signals(struct fakemx_ctx *ctx)
{
	size_t	i;

	for (i = 0; i < FAKEMX_NSIGNALS; i++) {
		ctx->ev_signal[i] = evsignal_new(ctx->base, fakemx_signals[i],
		    fakemx_on_signal, ctx);
		if (ctx->ev_signal[i] == NULL ||
		    evsignal_add(ctx->ev_signal[i], NULL) == -1) {
			fakemx_teardown(ctx);
			fatalx("cannot catch signal %d", fakemx_signals[i]);
		}
	}
}

/* fakemx_teardown - free in reverse order; safe on a partial setup */
static void
fakemx_teardown(struct fakemx_ctx *ctx)
{
	size_t	i;

	for (i = 0; i < FAKEMX_NSIGNALS; i++)
		if (ctx->ev_signal[i] != NULL) {
			event_free(ctx->ev_signal[i]);
			ctx->ev_signal[i] = NULL;
		}
	policy_host_free(ctx->ph);
	mx_server_free(ctx->mx_srv);
	if (ctx->base != NULL)
		event_base_free(ctx->base);
	pki_free(ctx->pki);
	if (ctx->pki_dir_made && rmdir(ctx->pki_dir) == -1)
		log_warn("rmdir %s", ctx->pki_dir);
	free(ctx->body);
	ctx->ph = NULL;
	ctx->mx_srv = NULL;
	ctx->base = NULL;
	ctx->pki = NULL;
	ctx->pki_dir_made = false;
	ctx->body = NULL;
}

/* fakemx_read_file - whole file, at most max bytes; fatal otherwise */
static char *
fakemx_read_file(const char *path, size_t max, size_t *len)
{
	FILE	*fp;
	char	*buf;
	size_t	 n;

	if ((fp = fopen(path, "rb")) == NULL)
		fatal("open %s", path);
	buf = xmalloc(max + 1);
	n = fread(buf, 1, max + 1, fp);
	if (ferror(fp))
		fatal("read %s", path);
	fclose(fp);
	if (n > max)
		fatalx("%s: larger than %zu bytes", path, max);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* fakemx_on_signal - a fakemx_signals row: leave the loop, main frees all */
static void
fakemx_on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct fakemx_ctx	*ctx = arg;

	(void)what;
	log_info("signal %d, stopping", (int)sig);
	event_base_loopbreak(ctx->base);
}
