/* SPDX-License-Identifier: ISC */
/*
 * main.c -- sts-send, the reference MTA-STS sender: parse argv and the
 * adapter environment, run one delivery attempt, print one JSON line
 * {"outcome":...,"detail":...} on stdout. Diagnostics go to stderr.
 * Exit 0 whenever an outcome was reached, 2 on a usage error.
 */
#define _GNU_SOURCE		/* accept4 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "../../common/file.h"
#include "../../common/log.h"
#include "smtp_client.h"
#include "../../common/str.h"
#include "policy_cache.h"
#include "sts_decide.h"
#include "sts_queue.h"
#include "sts_send.h"

#define MAIN_EXIT_USAGE	2
#define MAIN_REQ_MAX	4096	/* --serve: "RCPT\nMSGFILE\n" */
#define MAIN_REQ_WAIT_S	5	/* --serve: a client has this long to ask */
#define MAIN_RELAY_FILE	"relay"	/* in the state dir: the smart host */
#define MAIN_RETRY_MAX	2	/* --serve: queued messages retried at one
				   delivery request */

enum main_opt {
	MAIN_OPT_BUG = 256,
	MAIN_OPT_NO_STS,
	MAIN_OPT_RCPT,
	MAIN_OPT_MSG,
	MAIN_OPT_FROM,
	MAIN_OPT_CA,
	MAIN_OPT_RESOLVER,
	MAIN_OPT_STATE,
	MAIN_OPT_TIMEOUT,
	MAIN_OPT_HELO,
	MAIN_OPT_SMTP_PORT,
	MAIN_OPT_HTTPS_PORT,
	MAIN_OPT_DNS_PORT,
	MAIN_OPT_LIST_BUGS,
	MAIN_OPT_SERVE,
};

static const struct option main_options[] = {
	{ "verbose",	no_argument,		NULL,	'v' },
	{ "help",	no_argument,		NULL,	'h' },
	{ "bug",	required_argument,	NULL,	MAIN_OPT_BUG },
	{ "no-sts",	no_argument,		NULL,	MAIN_OPT_NO_STS },
	{ "rcpt",	required_argument,	NULL,	MAIN_OPT_RCPT },
	{ "msg",	required_argument,	NULL,	MAIN_OPT_MSG },
	{ "from",	required_argument,	NULL,	MAIN_OPT_FROM },
	{ "ca",		required_argument,	NULL,	MAIN_OPT_CA },
	{ "resolver",	required_argument,	NULL,	MAIN_OPT_RESOLVER },
	{ "state",	required_argument,	NULL,	MAIN_OPT_STATE },
	{ "timeout",	required_argument,	NULL,	MAIN_OPT_TIMEOUT },
	{ "helo",	required_argument,	NULL,	MAIN_OPT_HELO },
	{ "smtp-port",	required_argument,	NULL,	MAIN_OPT_SMTP_PORT },
	{ "https-port",	required_argument,	NULL,	MAIN_OPT_HTTPS_PORT },
	{ "dns-port",	required_argument,	NULL,	MAIN_OPT_DNS_PORT },
	{ "list-bugs",	no_argument,		NULL,	MAIN_OPT_LIST_BUGS },
	{ "serve",	required_argument,	NULL,	MAIN_OPT_SERVE },
	{ NULL,		0,			NULL,	0 },
};

static void	main_usage(const char *, ...)
		    __attribute__((format(printf, 1, 2), noreturn));
static const char *main_env(const char *);
static uint16_t	main_port(const char *, const char *);
static void	main_print(const struct sts_send_result *);
static unsigned int main_retry(const struct sts_send_config *);
static void	main_queue(const struct sts_send_config *,
		    const struct sts_send_result *);
static void	main_check(struct sts_send_config *, char *, size_t);
static void	main_serve(const struct sts_send_config *, const char *)
		    __attribute__((noreturn));
static void	main_serve_one(const struct sts_send_config *, int, int);
static void	main_reply_error(int, const char *);

static void
main_usage(const char *fmt, ...)
{
	va_list	ap;

	if (fmt != NULL) {
		fprintf(stderr, "sts-send: ");
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fprintf(stderr, "\n");
	}
	fprintf(stderr,
	    "usage: sts-send --list-bugs\n"
	    "       sts-send [-v] [--bug NAME] [--no-sts] --rcpt ADDR "
	    "--msg FILE\n"
	    "                [--from ADDR] [--ca FILE] [--resolver IP] "
	    "[--state DIR]\n"
	    "                [--timeout SEC] [--helo NAME] [--smtp-port N] "
	    "[--https-port N]\n"
	    "                [--dns-port N]\n"
	    "       sts-send [options but --rcpt and --msg] --serve SOCKET\n"
	    "environment: STS_CA_FILE STS_RESOLVER STS_STATE_DIR "
	    "STS_TIMEOUT STS_MAIL_FROM STS_BUG\n"
	    "mutants (--bug):\n");
	sts_decide_bug_list(stderr);
	exit(MAIN_EXIT_USAGE);
}

/* main_env - an environment variable, with "" read as unset */
static const char *
main_env(const char *name)
{
	const char	*v = getenv(name);

	return v != NULL && *v != '\0' ? v : NULL;
}

static uint16_t
main_port(const char *what, const char *s)
{
	unsigned long	v;

	if (parse_uint(s, 65535, &v) == -1 || v == 0)
		main_usage("%s: bad port \"%s\"", what, s);
	return (uint16_t)v;
}

/* main_print - the one JSON line; detail made printable ASCII first */
static void
main_print(const struct sts_send_result *res)
{
	char	 detail[sizeof(res->detail)];
	char	*line;
	json_t	*obj;
	size_t	 i;

	for (i = 0; i < sizeof(detail) - 1 && res->detail[i] != '\0'; i++) {
		unsigned char c = (unsigned char)res->detail[i];

		detail[i] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
	}
	detail[i] = '\0';
	obj = json_pack("{s:s, s:s}", "outcome",
	    sts_send_outcome_str(res->outcome), "detail", detail);
	if (obj == NULL || (line = json_dumps(obj, JSON_COMPACT)) == NULL)
		fatalx("json: cannot encode the result");
	printf("%s\n", line);
	fflush(stdout);
	free(line);
	json_decref(obj);
}

/*
 * main_check - the per-delivery part of the config: rcpt's domain into
 * domain[size]; a usage error for the one-shot program
 */
static void
main_check(struct sts_send_config *cfg, char *domain, size_t size)
{
	struct err	err;

	err_clear(&err);
	if (smtp_client_rcpt_domain(cfg->rcpt, domain, size, &err) == -1)
		main_usage("%s", err.msg);
	cfg->domain = domain;
}

/*
 * main_relay - the smart host the adapter's relay verb left in the state
 * directory (one domain and a newline), lower-cased without a final dot,
 * into out[size]; "" when there is none (no file, no state directory)
 */
static int
main_relay(const char *state_dir, char *out, size_t size, struct err *err)
{
	char		 path[1024];
	char		*buf;
	size_t		 len, i;
	struct err	 rerr;

	out[0] = '\0';
	if (state_dir == NULL)
		return 0;
	if (str_fmt(path, sizeof(path), "%s/%s", state_dir,
	    MAIN_RELAY_FILE) == -1)
		return err_set(err, ERR_RANGE, "relay: path too long");
	err_clear(&rerr);
	if (file_read(path, DNS_NAME_MAX + 2, &buf, &len, &rerr) == -1)
		return rerr.code == ERR_NOTFOUND ? 0 :
		    err_set(err, rerr.code, "relay: %s", rerr.msg);
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '.'))
		len--;
	for (i = 0; i < len && i < size - 1; i++)
		out[i] = buf[i] >= 'A' && buf[i] <= 'Z' ? buf[i] - 'A' + 'a' :
		    buf[i];
	out[i] = '\0';
	free(buf);
	if (i != len || memchr(out, '\0', len) != NULL ||
	    !smtp_client_is_hostname(out)) {
		out[0] = '\0';
		return err_set(err, ERR_SYNTAX, "%s: not a domain name", path);
	}
	return 0;
}

/* main_reply_error - a request the daemon cannot run: an error outcome */
static void
main_reply_error(int fd, const char *why)
{
	struct sts_send_result	res;

	memset(&res, 0, sizeof(res));
	res.outcome = STS_SEND_ERROR;
	(void)str_copy(res.detail, why, sizeof(res.detail));
	if (dup2(fd, 1) == -1)
		return;
	main_print(&res);
}

/*
 * The retry queue (RFC 8461 §5: a message an enforce policy blocks is a
 * temporary failure, to be retried). The daemon keeps such a message in
 * STATE_DIR/queue (sts_queue.c) and retries it when the next request for
 * the same recipient domain comes, before that request's own message:
 * the harness gives every scenario a domain of its own, so a queued
 * message never costs time in another scenario. Bounds: at most
 * MAIN_RETRY_MAX retries per request, sharing half of the request's time
 * budget (the new message keeps the rest); STS_QUEUE_TRIES_MAX retries of
 * one message and STS_QUEUE_AGE_MAX seconds of sender clock, then it is
 * dropped; STS_QUEUE_MAX messages queued in all. docs/decisions.md §13.
 */

/*
 * main_retry - retry what is queued for cfg's domain; the seconds spent,
 * which the caller takes off the new message's budget
 */
static unsigned int
main_retry(const struct sts_send_config *cfg)
{
	struct sts_queue_entry	 due[MAIN_RETRY_MAX];
	struct sts_send_config	 rcfg;
	struct sts_send_result	 rres;
	struct err		 err;
	char			 path[STS_QUEUE_PATH_MAX];
	int64_t			 now, start, budget_ms, left;
	size_t			 i, n;

	if (cfg->state_dir == NULL || cfg->no_sts)
		return 0;
	err_clear(&err);
	if (policy_cache_now(cfg->state_dir, &now, &err) == -1)
		log_warnx("clock: %s; using the system clock", err.msg);
	if (sts_queue_due(cfg->state_dir, cfg->domain, now, due,
	    MAIN_RETRY_MAX, &n, &err) == -1) {
		log_warnx("queue: %s; nothing retried", err.msg);
		return 0;
	}
	start = smtp_client_now_ms();
	budget_ms = (int64_t)cfg->timeout_s * 1000 / 2;
	for (i = 0; i < n; i++) {
		left = budget_ms - (smtp_client_now_ms() - start);
		if (left < 1000 || sts_queue_msg_path(cfg->state_dir, &due[i],
		    path, sizeof(path)) == -1)
			break;
		rcfg = *cfg;
		rcfg.rcpt = due[i].rcpt;
		rcfg.domain = due[i].domain;
		rcfg.msg_file = path;
		rcfg.timeout_s = (unsigned int)(left / 1000);
		log_info("queue: retrying the message to %s queued %lld s ago "
		    "(retry %u of %d)", due[i].rcpt,
		    (long long)(now - due[i].queued_at), due[i].tries + 1,
		    STS_QUEUE_TRIES_MAX);
		sts_send_run(&rcfg, &rres);
		log_info("queue: retry: %s: %s",
		    sts_send_outcome_str(rres.outcome), rres.detail);
		if (rres.outcome == STS_SEND_DELIVERED ||
		    rres.outcome == STS_SEND_BOUNCED)
			sts_queue_drop(cfg->state_dir, &due[i]);
		else if (sts_queue_tried(cfg->state_dir, &due[i], &err))
			log_warnx("queue: the message to %s dropped after %u "
			    "retries", due[i].rcpt, due[i].tries);
	}
	return (unsigned int)((smtp_client_now_ms() - start + 999) / 1000);
}

/* main_queue - keep the message an enforce policy blocked, for a retry */
static void
main_queue(const struct sts_send_config *cfg, const struct sts_send_result *res)
{
	struct err	err;
	int64_t		now;

	if (!res->enforce_blocked || cfg->state_dir == NULL || cfg->no_sts)
		return;
	if (!sts_decide_queue_blocked(cfg->bugs)) {
		log_warnx("MUTANT: the message an enforce policy blocked is "
		    "dropped, not queued for a retry");
		return;
	}
	err_clear(&err);
	if (policy_cache_now(cfg->state_dir, &now, &err) == -1)
		log_warnx("clock: %s; using the system clock", err.msg);
	if (sts_queue_add(cfg->state_dir, cfg->rcpt, cfg->domain,
	    cfg->msg_file, now, &err) == -1)
		log_warnx("queue: the blocked message is lost: %s", err.msg);
	else
		log_info("queue: the blocked message to %s is queued for a "
		    "retry", cfg->rcpt);
}

/*
 * main_serve_one - one request on connection fd: "RCPT\nMSGFILE\n"; the
 * delivery's diagnostics and its JSON line go back over the connection
 * (fds 1 and 2 point at it for the while), then to /dev/null again
 */
static void
main_serve_one(const struct sts_send_config *tmpl, int fd, int null)
{
	struct sts_send_config	 cfg = *tmpl;
	struct sts_send_result	 res;
	struct timeval		 tv = { MAIN_REQ_WAIT_S, 0 };
	char			 req[MAIN_REQ_MAX], domain[DNS_NAME_MAX + 1];
	char			 relay[DNS_NAME_MAX + 1];
	char			*nl, *msg;
	size_t			 len = 0;
	ssize_t			 n;
	unsigned int		 spent;
	struct err		 err;

	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	while (len < sizeof(req) - 1 && (n = read(fd, req + len,
	    sizeof(req) - 1 - len)) > 0)
		len += (size_t)n;
	req[len] = '\0';
	if ((nl = strchr(req, '\n')) == NULL || (msg = nl + 1,
	    strchr(msg, '\n') == NULL)) {
		main_reply_error(fd, "bad request (want RCPT and MSGFILE, "
		    "one a line)");
		goto out;
	}
	*nl = '\0';
	*strchr(msg, '\n') = '\0';
	cfg.rcpt = req;
	cfg.msg_file = msg;
	err_clear(&err);
	if (smtp_client_rcpt_domain(cfg.rcpt, domain, sizeof(domain),
	    &err) == -1) {
		main_reply_error(fd, err.msg);
		goto out;
	}
	cfg.domain = domain;
	if (main_relay(cfg.state_dir, relay, sizeof(relay), &err) == -1) {
		main_reply_error(fd, err.msg);
		goto out;
	}
	cfg.relay = relay[0] != '\0' ? relay : NULL;
	fflush(stdout);
	fflush(stderr);
	if (dup2(fd, 1) == -1 || dup2(fd, 2) == -1) {
		main_reply_error(fd, "dup2 failed");
		goto out;
	}
	spent = main_retry(&cfg);
	cfg.timeout_s = spent < cfg.timeout_s ? cfg.timeout_s - spent : 1;
	sts_send_run(&cfg, &res);
	main_queue(&cfg, &res);
	log_info("outcome: %s: %s", sts_send_outcome_str(res.outcome),
	    res.detail);
	main_print(&res);
out:
	fflush(stdout);
	fflush(stderr);
	(void)dup2(null, 1);
	(void)dup2(null, 2);
}

/*
 * main_serve - the reference sender as a daemon: one delivery at a time
 * for whoever connects to the Unix socket at path (sts-deliver), with the
 * libraries loaded and initialised once. Ends on SIGTERM or SIGKILL.
 */
static void
main_serve(const struct sts_send_config *tmpl, const char *path)
{
	struct sockaddr_un	sun;
	struct err		err;
	int			ls, fd, null;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (str_copy(sun.sun_path, path, sizeof(sun.sun_path)) == -1)
		fatalx("--serve %s: path too long", path);
	(void)unlink(path);
	if ((ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(ls, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(ls, 16) == -1)
		fatal("--serve %s", path);
	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		fatal("/dev/null");
	/* a cache in memory starts empty: what a restart does to it */
	if ((tmpl->bugs & STS_BUG_CACHE_VOLATILE) && tmpl->state_dir != NULL &&
	    policy_cache_forget(tmpl->state_dir, &err) == -1)
		fatalx("%s", err.msg);
	log_info("serving deliveries on %s", path);
	fflush(stderr);
	(void)dup2(null, 1);
	(void)dup2(null, 2);
	for (;;) {
		if ((fd = accept4(ls, NULL, NULL, SOCK_CLOEXEC)) == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			fatal("accept");
		}
		main_serve_one(tmpl, fd, null);
		close(fd);
	}
}

int
main(int argc, char *argv[])
{
	struct sts_send_config	 cfg;
	struct sts_send_result	 res;
	char			 domain[DNS_NAME_MAX + 1];
	char			 relay[DNS_NAME_MAX + 1];
	struct err		 err;
	const char		*bug, *timeout, *serve = NULL;
	unsigned long		 v;
	int			 ch, verbose = 1;

	memset(&cfg, 0, sizeof(cfg));
	cfg.from = main_env("STS_MAIL_FROM");
	cfg.ca_file = main_env("STS_CA_FILE");
	cfg.resolver = main_env("STS_RESOLVER");
	cfg.state_dir = main_env("STS_STATE_DIR");
	cfg.helo = STS_SEND_HELO_DEFAULT;
	cfg.smtp_port = SMTP_PORT;
	cfg.https_port = HTTPS_PORT;
	cfg.dns_port = DNS_PORT;
	bug = main_env("STS_BUG");
	timeout = main_env("STS_TIMEOUT");

	while ((ch = getopt_long(argc, argv, "vh", main_options,
	    NULL)) != -1) {
		switch (ch) {
		case 'v':
			verbose++;
			break;
		case 'h':
			main_usage(NULL);
		case MAIN_OPT_BUG:
			bug = optarg;
			break;
		case MAIN_OPT_LIST_BUGS:
			/* one mutant per line; the integration tests read it */
			sts_decide_bug_list(stdout);
			exit(0);
		case MAIN_OPT_NO_STS:
			cfg.no_sts = true;
			break;
		case MAIN_OPT_RCPT:
			cfg.rcpt = optarg;
			break;
		case MAIN_OPT_MSG:
			cfg.msg_file = optarg;
			break;
		case MAIN_OPT_FROM:
			cfg.from = optarg;
			break;
		case MAIN_OPT_CA:
			cfg.ca_file = optarg;
			break;
		case MAIN_OPT_RESOLVER:
			cfg.resolver = optarg;
			break;
		case MAIN_OPT_STATE:
			cfg.state_dir = optarg;
			break;
		case MAIN_OPT_TIMEOUT:
			timeout = optarg;
			break;
		case MAIN_OPT_HELO:
			cfg.helo = optarg;
			break;
		case MAIN_OPT_SMTP_PORT:
			cfg.smtp_port = main_port("--smtp-port", optarg);
			break;
		case MAIN_OPT_HTTPS_PORT:
			cfg.https_port = main_port("--https-port", optarg);
			break;
		case MAIN_OPT_DNS_PORT:
			cfg.dns_port = main_port("--dns-port", optarg);
			break;
		case MAIN_OPT_SERVE:
			serve = optarg;
			break;
		default:
			main_usage(NULL);
		}
	}
	if (optind != argc)
		main_usage("unexpected argument \"%s\"", argv[optind]);
	log_init("sts-send", verbose);

	if (serve != NULL && (cfg.rcpt != NULL || cfg.msg_file != NULL))
		main_usage("--serve takes its --rcpt and --msg from each request");
	if (serve == NULL && (cfg.rcpt == NULL || cfg.msg_file == NULL))
		main_usage("--rcpt and --msg are required");
	if (serve == NULL)
		main_check(&cfg, domain, sizeof(domain));
	if (cfg.from == NULL)
		cfg.from = STS_SEND_FROM_DEFAULT;
	if (!smtp_client_is_path_ok(cfg.from))
		main_usage("bad sender address \"%s\"", cfg.from);
	if (!smtp_client_is_hostname(cfg.helo))
		main_usage("bad --helo name \"%s\"", cfg.helo);
	cfg.timeout_s = STS_SEND_TIMEOUT_DEFAULT;
	if (timeout != NULL) {
		if (parse_uint(timeout, STS_SEND_TIMEOUT_MAX, &v) == -1 ||
		    v == 0)
			main_usage("bad timeout \"%s\" (1-%d seconds)",
			    timeout, STS_SEND_TIMEOUT_MAX);
		cfg.timeout_s = (unsigned int)v;
	}
	if (bug != NULL && sts_decide_bug_parse(bug, &cfg.bugs) == -1)
		main_usage("unknown mutant \"%s\"", bug);

	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		fatal("signal");
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		fatalx("curl_global_init failed");
	if (serve != NULL)
		main_serve(&cfg, serve);
	err_clear(&err);
	if (main_relay(cfg.state_dir, relay, sizeof(relay), &err) == -1)
		fatalx("%s", err.msg);
	cfg.relay = relay[0] != '\0' ? relay : NULL;
	sts_send_run(&cfg, &res);
	log_info("outcome: %s: %s", sts_send_outcome_str(res.outcome),
	    res.detail);
	main_print(&res);
	curl_global_cleanup();
	return 0;
}
