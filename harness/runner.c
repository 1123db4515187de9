/* SPDX-License-Identifier: ISC */
/*
 * runner.c -- the run as a state machine on one event loop. The fake
 * servers, the adapter's child processes, the signals (a signalfd) and the
 * timers all live on that loop; nothing blocks it. Owns the PKI, the
 * fake-dns zone and server, the observer, the adapter and every
 * instance's world, which stays up until the run ends so that a late
 * delivery still reaches the host it was sent to and is seen.
 */
#define _GNU_SOURCE		/* signalfd */
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <jansson.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "../common/log.h"
#include "../common/pki.h"
#include "../common/proto.h"
#include "../common/str.h"
#include "../fake-dns/dns_server.h"
#include "../fake-dns/dns_zone.h"
#include "adapter.h"
#include "observe.h"
#include "runner.h"
#include "world.h"

#define RUNNER_VERB_TIMEOUT	60	/* info, start, stop, clock */
#define RUNNER_STOP_TIMEOUT_INT	10	/* stop after an interrupt */
#define RUNNER_DELIVER_SLACK	15	/* on top of STS_TIMEOUT */
#define RUNNER_TICK_MS		50	/* polling: settle, wait, quiet */
#define RUNNER_SETTLE_MAX	60	/* ticks for sessions to close: 3 s */
#define RUNNER_FETCH_SETTLE_MS	100	/* after the policy GET is seen */
#define RUNNER_MAIL_FROM	"sts-harness@harness.example"
#define RUNNER_PATH_MAX		1024
#define RUNNER_BLOCKS		(256 * 256)
#define RUNNER_DEFAULT_PATH	"/usr/local/sbin:/usr/local/bin:/usr/sbin:" \
				"/usr/bin:/sbin:/bin"

extern char	**environ;

enum runner_state {
	RUNNER_INFO = 0,
	RUNNER_START,
	RUNNER_CLOCK,
	RUNNER_DELIVER,
	RUNNER_SETTLE,
	RUNNER_WAIT_POLICY,
	RUNNER_QUIET,
	RUNNER_STOP,
	RUNNER_DONE,
};

/* One run of a scenario: its attacked world, or its clean twin. */
struct runner_inst {
	size_t			 scn;
	bool			 twin;
	char			 domain[SCN_NAME_MAX];
	unsigned int		 a, b;
	struct obs_instance	*obs;
	struct world		*world;
	const struct scn_world	*world_src;
	struct step_claim	 claims[SCN_STEPS_MAX];
	size_t			 nsteps;	/* steps that ran */
};

struct runner {
	const struct runner_config	*cfg;
	struct event_base		*base;
	struct pki			*pki;
	struct dns_zone			*zone;
	struct dns_server		*dns;
	struct observer			*obs;
	struct adapter			*adapter;
	int				 sigfd;
	struct event			*ev_sig, *ev_timer;
	struct scenario *const		*scns;
	struct scn_result		*results;
	size_t				 n;
	struct runner_summary		*sum;
	enum runner_state		 state;
	bool				 interrupted;
	bool				 sut_up;
	uint64_t			 rng;
	/* instances: scenario i owns insts[first[i]] (.. + 1 for a twin) */
	struct runner_inst		*insts;
	size_t				 ninsts;
	size_t				*first;
	/* the running instance */
	size_t				 cur;		/* scenario index */
	size_t				 k;		/* its k-th instance */
	struct runner_inst		*ci;
	size_t				 step;
	char				 token[STS_TOKEN_MAX + 1];
	int				 ticks;
	struct timespec			 t0;		/* scenario start */
	struct timespec			 wait_t0, fetch_at;
	unsigned int			 fetches_seen;	/* of ci, named */
	bool				*final;		/* [n]: judge at the end */
	/* the quiet period */
	struct timespec			 last_event, quiet_t0;
	bool				 quiet_snapped;
	uint64_t			 quiet_snap;
	/* paths in the run's tmpfs */
	char				 ca_file[RUNNER_PATH_MAX];
	char				 cert_dir[RUNNER_PATH_MAX];
	char				 state_dir[RUNNER_PATH_MAX];
	char				 msg_dir[RUNNER_PATH_MAX];
	char				 tmp_dir[RUNNER_PATH_MAX];
};

static void	runner_on_event(const char *, void *);
static void	runner_on_signal(evutil_socket_t, short, void *);
static void	runner_on_timer(evutil_socket_t, short, void *);
static void	runner_on_verb(const struct adapter_result *, void *);
static void	runner_echo(const struct adapter_result *);
static void	runner_verb(struct runner *, enum runner_state, const char *,
		    const char *const *, size_t, int);
static void	runner_tick(struct runner *);
static uint64_t	runner_rand(struct runner *);
static int	runner_plan(struct runner *, struct err *);
static void	runner_next_scenario(struct runner *);
static void	runner_begin_instance(struct runner *);
static void	runner_run_step(struct runner *);
static void	runner_deliver(struct runner *);
static void	runner_after_deliver(struct runner *,
		    const struct adapter_result *);
static void	runner_after_settle(struct runner *);
static void	runner_end_step(struct runner *);
static void	runner_end_instance(struct runner *);
static void	runner_finish_scenario(struct runner *);
static void	runner_fail_rest(struct runner *, const char *);
static void	runner_quiet(struct runner *);
static void	runner_stop(struct runner *);
static void	runner_teardown(struct runner *);
static void	runner_judge(struct runner *, size_t, bool);
static void	runner_copy_steps(struct runner_inst *, const struct scenario *,
		    const struct step_result *, struct step_record *);
static int	runner_write_message(struct runner *, char *, size_t,
		    struct err *);
static void	runner_parse_outcome(const struct adapter_result *,
		    struct step_claim *);
static double	runner_since(const struct timespec *);
static int	runner_dirs(struct runner *, struct err *);
static size_t	runner_env(struct runner *, char **, size_t);
static void	runner_env_add(char **, size_t *, size_t, const char *,
		    const char *);

static double
runner_since(const struct timespec *t0)
{
	struct timespec	now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) +
	    (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* runner_rand - splitmix64: the run's layout is a function of the seed */
static uint64_t
runner_rand(struct runner *r)
{
	uint64_t	z = (r->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void
runner_on_event(const char *line, void *arg)
{
	struct runner	*r = arg;
	char		 esc[LOG_EVENT_LINE_MAX * 4];

	if (log_verbosity() >= 1)
		fprintf(stderr, "  | %s\n", str_escape(esc, sizeof(esc), line));
	clock_gettime(CLOCK_MONOTONIC, &r->last_event);
	observer_feed(r->obs, line);
	/* when the running instance's policy GET came, for wait: policy */
	if (r->ci != NULL &&
	    obs_instance_named_fetches(r->ci->obs) != r->fetches_seen) {
		r->fetches_seen = obs_instance_named_fetches(r->ci->obs);
		r->fetch_at = r->last_event;
	}
}

/*
 * runner_on_signal - the signalfd. SIGCHLD reaps; SIGINT, SIGTERM and
 * SIGHUP stop the run only when sent from outside the namespace (si_pid
 * 0 there): a SUT inside cannot end the run that judges it.
 */
static void
runner_on_signal(evutil_socket_t fd, short what, void *arg)
{
	struct runner			*r = arg;
	struct signalfd_siginfo		 si;
	ssize_t				 n;

	(void)what;
	while ((n = read(fd, &si, sizeof(si))) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD) {
			adapter_on_sigchld(r->adapter);
			continue;
		}
		if (si.ssi_pid != 0) {
			log_warnx("ignored signal %u from pid %u inside the "
			    "namespace; only a signal from outside stops the "
			    "run", si.ssi_signo, si.ssi_pid);
			continue;
		}
		if (r->interrupted)
			continue;
		log_warnx("interrupted (signal %u): stopping the SUT",
		    si.ssi_signo);
		r->interrupted = true;
		r->sum->interrupted = true;
		r->sum->signal = (int)si.ssi_signo;
		/* a running verb's callback, or the next tick, moves on */
		if (adapter_busy(r->adapter))
			adapter_kill(r->adapter);
	}
}

/* runner_echo - with -v, show what the adapter said, line by line */
static void
runner_echo(const struct adapter_result *res)
{
	const char	*p, *nl, *bufs[2] = { res->out, res->errout };
	const char	*marks[2] = { ">", "!" };
	char		 line[ADAPTER_OUT_MAX], esc[ADAPTER_OUT_MAX * 4];
	int		 i;

	fprintf(stderr, "  > %s: exit %d%s\n", res->verb, res->status,
	    res->timed_out ? " (timed out)" : "");
	for (i = 0; i < 2; i++)
		for (p = bufs[i]; *p != '\0'; p = nl + 1) {
			nl = p + strcspn(p, "\n");
			(void)str_fmt(line, sizeof(line), "%.*s",
			    (int)(nl - p), p);
			fprintf(stderr, "  %s %s\n", marks[i],
			    str_escape(esc, sizeof(esc), line));
			if (*nl == '\0')
				break;
		}
}

/* runner_verb - run one adapter verb; its end comes to runner_on_verb */
static void
runner_verb(struct runner *r, enum runner_state st, const char *verb,
    const char *const *args, size_t nargs, int timeout)
{
	struct adapter_result	res;
	struct err		err;

	r->state = st;
	if (adapter_run(r->adapter, verb, args, nargs, timeout, runner_on_verb,
	    r, &err) == 0)
		return;
	memset(&res, 0, sizeof(res));
	res.verb = verb;
	res.status = -1;
	(void)str_fmt(res.errout, sizeof(res.errout), "%s", err.msg);
	res.errlen = strlen(res.errout);
	runner_on_verb(&res, r);
}

static void
runner_on_verb(const struct adapter_result *res, void *arg)
{
	struct runner		*r = arg;
	struct step_claim	*c;
	char			 why[JUDGE_DETAIL_MAX], esc[160];

	if (log_verbosity() >= 1)
		runner_echo(res);

	switch (r->state) {
	case RUNNER_INFO:
		if (res->status == 0)
			(void)str_copy(r->sum->sut_info, res->out,
			    sizeof(r->sum->sut_info));
		if (r->interrupted) {
			runner_fail_rest(r, "interrupted");
			runner_stop(r);
			return;
		}
		runner_verb(r, RUNNER_START, "start", NULL, 0,
		    RUNNER_VERB_TIMEOUT);
		return;
	case RUNNER_START:
		r->sut_up = true;	/* a failed start still gets its stop */
		if (res->status != 0 || r->interrupted) {
			(void)str_fmt(why, sizeof(why), "adapter start failed "
			    "(status %d%s): %.160s", res->status,
			    res->timed_out ? ", timed out" : "", res->errout);
			runner_fail_rest(r, r->interrupted ? "interrupted" :
			    why);
			runner_stop(r);
			return;
		}
		runner_next_scenario(r);
		return;
	case RUNNER_CLOCK:
		if (res->status != 0 || r->interrupted) {
			c = &r->ci->claims[r->step];
			c->outcome = res->status == ADAPTER_EXIT_UNSUPPORTED &&
			    !res->timed_out ? OUTCOME_UNSUPPORTED :
			    OUTCOME_FAILED;
			(void)str_fmt(c->detail, sizeof(c->detail),
			    "clock: %s %d%s: %.160s", res->status == -1 ?
			    "killed by signal" : "exit status",
			    res->status == -1 ? res->signal : res->status,
			    res->timed_out ? " (timed out)" : "", res->errout);
			runner_end_step(r);
			return;
		}
		runner_deliver(r);
		return;
	case RUNNER_DELIVER:
		runner_after_deliver(r, res);
		return;
	case RUNNER_STOP:
		if (res->status != 0)
			log_warnx("adapter stop: status %d: %s", res->status,
			    str_escape(esc, sizeof(esc), res->errout));
		runner_teardown(r);
		return;
	case RUNNER_SETTLE:
	case RUNNER_WAIT_POLICY:
	case RUNNER_QUIET:
	case RUNNER_DONE:
	default:
		fatalx("runner_on_verb: verb %s in state %d", res->verb,
		    r->state);
	}
}

static void
runner_fail_rest(struct runner *r, const char *why)
{
	size_t	i;

	for (i = r->cur; i < r->n; i++) {
		if (r->results[i].ran)
			continue;
		r->results[i].scn = r->scns[i];
		r->results[i].ran = true;
		r->results[i].verdict = VERDICT_ERROR;
		(void)str_copy(r->results[i].reason, why,
		    sizeof(r->results[i].reason));
		if (r->cfg->progress != NULL)
			runner_line(r->cfg->progress, &r->results[i], "");
	}
	r->cur = r->n;
}

void
runner_line(FILE *fp, const struct scn_result *res, const char *suffix)
{
	char	esc[JUDGE_REASON_MAX * 4];

	fprintf(fp, "%-10s %-40s %-6s leak=%-8s %5.2fs%s%s\n",
	    verdict_str(res->verdict), res->scn->id,
	    scn_strength_str(res->scn->strength), leak_str(res->leak),
	    res->seconds, res->misreport ? " misreport" : "", suffix);
	if (res->verdict != VERDICT_PASS && res->reason[0] != '\0')
		fprintf(fp, "           %s\n", str_escape(esc, sizeof(esc),
		    res->reason));
	fflush(fp);
}

/*
 * runner_plan - every instance gets a random domain and a random address
 * block, unique in the run; a scenario's twin runs first or second by the
 * seed. Nothing the SUT sees names the scenario or says "twin".
 */
static int
runner_plan(struct runner *r, struct err *err)
{
	static const char	 alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	struct runner_inst	*in;
	unsigned char		*used;
	size_t			 i, j, k, m, total = 0;
	uint64_t		 x;
	char			 label[SCN_DOMAIN_LABEL_LEN + 1];

	for (i = 0; i < r->n; i++)
		total += r->scns[i]->has_attack ? 2 : 1;
	if (total >= RUNNER_BLOCKS - 256)
		return err_set(err, ERR_RANGE, "%zu instances do not fit the "
		    "address plan", total);
	r->insts = xcalloc(total, sizeof(*r->insts));
	r->first = xcalloc(r->n, sizeof(*r->first));
	used = xcalloc(RUNNER_BLOCKS, 1);
	used[0] = 1;			/* 127.0.0.x: the harness's own */
	for (i = 0; i < r->n; i++) {
		bool twin_first = r->scns[i]->has_attack &&
		    (runner_rand(r) & 1) != 0;

		r->first[i] = r->ninsts;
		r->results[i].twin_first = twin_first;
		for (k = 0; k < (r->scns[i]->has_attack ? 2u : 1u); k++) {
			in = &r->insts[r->ninsts++];
			in->scn = i;
			in->twin = r->scns[i]->has_attack &&
			    (k == 0) == twin_first;
			do {
				x = runner_rand(r);
				label[0] = alnum[x % 26];
				for (m = 1; m < SCN_DOMAIN_LABEL_LEN; m++) {
					x = m % 8 == 0 ? runner_rand(r) :
					    x / 36;
					label[m] = alnum[x % 36];
				}
				label[m] = '\0';
				(void)str_fmt(in->domain, sizeof(in->domain),
				    "%s.test", label);
				for (j = 0; j + 1 < r->ninsts; j++)
					if (strcmp(r->insts[j].domain,
					    in->domain) == 0)
						break;
			} while (j + 1 < r->ninsts);
			do {
				x = runner_rand(r) % RUNNER_BLOCKS;
			} while (used[x]);
			used[x] = 1;
			in->a = (unsigned int)(x / 256);
			in->b = (unsigned int)(x % 256);
			in->obs = obs_instance_new(r->obs, in->domain, in->a,
			    in->b, in->twin);
		}
	}
	free(used);
	return 0;
}

static void
runner_next_scenario(struct runner *r)
{
	if (r->interrupted) {
		runner_fail_rest(r, "interrupted");
		runner_stop(r);
		return;
	}
	if (r->cur >= r->n) {
		runner_quiet(r);
		return;
	}
	r->results[r->cur].scn = r->scns[r->cur];
	r->k = 0;
	clock_gettime(CLOCK_MONOTONIC, &r->t0);
	runner_begin_instance(r);
}

static void
runner_begin_instance(struct runner *r)
{
	r->ci = &r->insts[r->first[r->cur] + r->k];
	r->fetches_seen = obs_instance_named_fetches(r->ci->obs);
	r->step = 0;
	runner_run_step(r);
}

static void
runner_run_step(struct runner *r)
{
	const struct scenario	*scn = r->scns[r->cur];
	const struct scn_step	*st = &scn->steps[r->step];
	const struct scn_world	*w;
	struct runner_inst	*in = r->ci;
	struct step_claim	*c = &in->claims[r->step];
	struct err		 err;
	char			 secs[32], esc[JUDGE_DETAIL_MAX];
	const char		*args[1];

	memset(c, 0, sizeof(*c));
	c->outcome = OUTCOME_FAILED;
	in->nsteps = r->step + 1;
	w = judge_world(scn, in->twin, r->step);
	if (log_verbosity() >= 1)
		fprintf(stderr, "  == %s: %s step %zu/%zu on %s\n", scn->id,
		    in->twin ? "clean twin" : "scenario", r->step + 1,
		    scn->nsteps, in->domain);
	if (w != in->world_src) {
		/* the old world's last records still land in its step */
		world_free(in->world);
		in->world = NULL;
		in->world_src = NULL;
		in->world = world_new(r->base, r->pki, r->zone, w, in->domain,
		    in->a, in->b, &(struct world_ports){ r->cfg->smtp_port,
		    r->cfg->https_port }, &err);
		if (in->world == NULL) {
			(void)str_fmt(c->detail, sizeof(c->detail),
			    "world: %s", err.msg);
			log_warnx("%s: %s", scn->id, str_escape(esc,
			    sizeof(esc), c->detail));
			obs_instance_set_step(in->obs, (int)r->step);
			runner_end_step(r);
			return;
		}
		in->world_src = w;
	}
	obs_instance_set_step(in->obs, (int)r->step);
	if (st->clock > 0) {
		(void)str_fmt(secs, sizeof(secs), "%lu", st->clock);
		args[0] = secs;
		runner_verb(r, RUNNER_CLOCK, "clock", args, 1,
		    RUNNER_VERB_TIMEOUT);
		return;
	}
	runner_deliver(r);
}

/* runner_write_message - an RFC 5322 message carrying a fresh token */
static int
runner_write_message(struct runner *r, char *path, size_t pathsz,
    struct err *err)
{
	unsigned char	 rnd[8];
	char		 date[64];
	time_t		 now = time(NULL);
	struct tm	 tm;
	FILE		*fp;
	size_t		 i;

	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return err_tls(err, "token");
	for (i = 0; i < sizeof(rnd); i++)
		(void)str_fmt(r->token + 2 * i, 3, "%02x", rnd[i]);
	if (str_fmt(path, pathsz, "%s/%s.eml", r->msg_dir, r->token) == -1)
		return err_set(err, ERR_RANGE, "message path too long");
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	if ((fp = fopen(path, "w")) == NULL)
		return err_sys(err, "%s", path);
	/* nothing here may tell one scenario, or a twin, from another */
	fprintf(fp, "From: <%s>\r\nTo: <user@%s>\r\nSubject: MTA-STS "
	    "delivery test\r\nDate: %s\r\nMessage-ID: <%s@harness.example>"
	    "\r\n%s: %s\r\n\r\nThis message was sent by sts-harness to test "
	    "MTA-STS (RFC 8461).\r\n", RUNNER_MAIL_FROM, r->ci->domain, date,
	    r->token, STS_TOKEN_HEADER, r->token);
	if (fclose(fp) != 0)
		return err_sys(err, "%s", path);
	return 0;
}

static void
runner_deliver(struct runner *r)
{
	struct step_claim	*c = &r->ci->claims[r->step];
	char			 rcpt[SCN_NAME_MAX + 8], msg[RUNNER_PATH_MAX];
	const char		*args[2] = { rcpt, msg };
	struct err		 err;

	(void)str_fmt(rcpt, sizeof(rcpt), "user@%s", r->ci->domain);
	if (runner_write_message(r, msg, sizeof(msg), &err) == -1) {
		(void)str_fmt(c->detail, sizeof(c->detail), "message: %s",
		    err.msg);
		runner_end_step(r);
		return;
	}
	obs_token_add(r->obs, r->token, r->ci->obs, (int)r->step);
	c->deliver_ran = true;
	runner_verb(r, RUNNER_DELIVER, "deliver", args, 2, r->cfg->timeout +
	    RUNNER_DELIVER_SLACK);
}

/*
 * runner_parse_outcome - the claim: the last line of stdout that starts
 * with '{' must be {"outcome": ..., "detail": ...}. Exit 89 from deliver
 * is no excuse: every SUT must deliver.
 */
static void
runner_parse_outcome(const struct adapter_result *res, struct step_claim *c)
{
	char		 buf[ADAPTER_OUT_MAX];
	char		*line, *p;
	json_t		*j;
	json_error_t	 je;
	const char	*o, *d;

	c->outcome = OUTCOME_FAILED;
	if (res->timed_out) {
		(void)str_copy(c->detail, "deliver timed out",
		    sizeof(c->detail));
		return;
	}
	if (res->status == ADAPTER_EXIT_UNSUPPORTED) {
		(void)str_copy(c->detail, "deliver exited 89 (unsupported), "
		    "but every SUT must deliver", sizeof(c->detail));
		return;
	}
	if (res->status == -1) {
		(void)str_fmt(c->detail, sizeof(c->detail), "deliver killed by "
		    "signal %d: %.160s", res->signal, res->errout);
		return;
	}
	if (res->status != 0) {
		(void)str_fmt(c->detail, sizeof(c->detail), "deliver exit "
		    "status %d: %.160s", res->status, res->errout);
		return;
	}
	(void)str_copy(c->detail, "deliver printed no outcome JSON",
	    sizeof(c->detail));
	line = NULL;
	memcpy(buf, res->out, res->outlen);
	buf[res->outlen] = '\0';
	for (p = buf; (p = strchr(p, '{')) != NULL; p++)
		if (p == buf || p[-1] == '\n')
			line = p;
	if (line == NULL)
		return;
	if ((p = strchr(line, '\n')) != NULL)
		*p = '\0';
	if ((j = json_loads(line, 0, &je)) == NULL) {
		(void)str_fmt(c->detail, sizeof(c->detail), "deliver output "
		    "is not JSON: %s", je.text);
		return;
	}
	o = json_string_value(json_object_get(j, "outcome"));
	d = json_string_value(json_object_get(j, "detail"));
	if (o == NULL || outcome_parse(o, &c->outcome) == -1) {
		c->outcome = OUTCOME_FAILED;
		(void)str_fmt(c->detail, sizeof(c->detail), "deliver: bad "
		    "outcome %.64s", o != NULL ? o : "(none)");
	} else
		(void)str_copy(c->detail, d != NULL ? d : "",
		    sizeof(c->detail));
	json_decref(j);
}

static void
runner_after_deliver(struct runner *r, const struct adapter_result *res)
{
	struct step_claim	*c = &r->ci->claims[r->step];

	runner_parse_outcome(res, c);
	if (r->interrupted) {
		c->outcome = OUTCOME_FAILED;
		(void)str_copy(c->detail, "interrupted", sizeof(c->detail));
	}
	r->state = RUNNER_SETTLE;
	r->ticks = 0;
	runner_on_timer(-1, 0, r);
}

static void
runner_tick(struct runner *r)
{
	struct timeval	tv = { 0, RUNNER_TICK_MS * 1000 };

	evtimer_add(r->ev_timer, &tv);
}

/* runner_on_timer - settle, wait for the policy GET, or the quiet period */
static void
runner_on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct runner	*r = arg;
	double		 quiet = r->cfg->quiet_ms / 1000.0;
	size_t		 i;

	(void)fd;
	(void)what;
	switch (r->state) {
	case RUNNER_SETTLE:
		if (!r->interrupted && obs_instance_open(r->ci->obs) > 0 &&
		    ++r->ticks < RUNNER_SETTLE_MAX) {
			runner_tick(r);
			return;
		}
		runner_after_settle(r);
		return;
	case RUNNER_WAIT_POLICY:
		if (r->interrupted) {
			runner_end_step(r);
			return;
		}
		/* the GET seen, and a moment for an async fetcher to store */
		if (r->fetches_seen > 0) {
			double left = RUNNER_FETCH_SETTLE_MS / 1000.0 -
			    runner_since(&r->fetch_at);
			struct timeval tv = { 0, 0 };

			if (left <= 0) {
				runner_end_step(r);
				return;
			}
			tv.tv_usec = (suseconds_t)(left * 1e6) + 1;
			evtimer_add(r->ev_timer, &tv);
			return;
		}
		if (r->fetches_seen == 0 &&
		    runner_since(&r->wait_t0) >= r->cfg->timeout) {
			r->ci->claims[r->step].policy_wait_timed_out = true;
			runner_end_step(r);
			return;
		}
		runner_tick(r);
		return;
	case RUNNER_QUIET:
		if (r->interrupted || runner_since(&r->last_event) >= quiet) {
			r->sum->quiet_seconds = runner_since(&r->quiet_t0);
			runner_stop(r);
			return;
		}
		if (!r->quiet_snapped && runner_since(&r->quiet_t0) >=
		    r->cfg->timeout) {
			r->quiet_snapped = true;
			r->quiet_snap = observer_seq(r->obs);
		}
		if (r->quiet_snapped && runner_since(&r->quiet_t0) >=
		    r->cfg->timeout + quiet) {
			/* still busy: what it does now goes unjudged */
			for (i = 0; i < r->ninsts; i++)
				if (obs_instance_last_seq(r->insts[i].obs) >
				    r->quiet_snap)
					obs_instance_incomplete(
					    r->insts[i].obs, "the SUT was "
					    "still active when the run ended");
			r->sum->quiet_seconds = runner_since(&r->quiet_t0);
			runner_stop(r);
			return;
		}
		runner_tick(r);
		return;
	case RUNNER_INFO:
	case RUNNER_START:
	case RUNNER_CLOCK:
	case RUNNER_DELIVER:
	case RUNNER_STOP:
	case RUNNER_DONE:
	default:
		fatalx("runner_on_timer: in state %d", r->state);
	}
}

/* runner_after_settle - a step that asks for it waits for the policy GET */
static void
runner_after_settle(struct runner *r)
{
	const struct scn_step	*st = &r->scns[r->cur]->steps[r->step];
	enum outcome		 o = r->ci->claims[r->step].outcome;

	/* a broken adapter or SUT makes the step ERROR: nothing to wait for */
	if (st->wait != SCN_WAIT_POLICY || r->interrupted ||
	    o == OUTCOME_FAILED || o == OUTCOME_ERROR) {
		runner_end_step(r);
		return;
	}
	r->ci->claims[r->step].policy_wait = true;
	r->state = RUNNER_WAIT_POLICY;
	clock_gettime(CLOCK_MONOTONIC, &r->wait_t0);
	runner_on_timer(-1, 0, r);
}

/* runner_end_step - close the step's window; next step or instance */
static void
runner_end_step(struct runner *r)
{
	const struct scenario	*scn = r->scns[r->cur];
	struct step_claim	*c = &r->ci->claims[r->step];

	obs_instance_end_step(r->ci->obs, (int)r->step);
	/* a broken adapter makes the remaining steps meaningless */
	if (++r->step < scn->nsteps && !r->interrupted &&
	    c->outcome != OUTCOME_FAILED && c->outcome != OUTCOME_UNSUPPORTED) {
		runner_run_step(r);
		return;
	}
	runner_end_instance(r);
}

static void
runner_end_instance(struct runner *r)
{
	if (!r->interrupted && ++r->k < (r->scns[r->cur]->has_attack ? 2u :
	    1u)) {
		runner_begin_instance(r);
		return;
	}
	runner_finish_scenario(r);
}

static void
runner_finish_scenario(struct runner *r)
{
	struct scn_result	*res = &r->results[r->cur];

	res->ran = true;
	res->seconds = runner_since(&r->t0);
	if (r->interrupted) {
		res->verdict = VERDICT_ERROR;
		(void)str_copy(res->reason, "interrupted", sizeof(res->reason));
	} else {
		r->final[r->cur] = true;
		runner_judge(r, r->cur, false);
	}
	res->shown = true;
	res->shown_verdict = res->verdict;
	res->shown_leak = res->leak;
	res->shown_misreport = res->misreport;
	if (r->cfg->progress != NULL)
		runner_line(r->cfg->progress, res, "");
	r->cur++;
	runner_next_scenario(r);
}

/* runner_quiet - wait until the SUT has been quiet for --quiet-period */
static void
runner_quiet(struct runner *r)
{
	r->state = RUNNER_QUIET;
	clock_gettime(CLOCK_MONOTONIC, &r->quiet_t0);
	r->quiet_snapped = false;
	runner_tick(r);
}

static void
runner_stop(struct runner *r)
{
	if (!r->sut_up) {
		runner_teardown(r);
		return;
	}
	r->sut_up = false;
	runner_verb(r, RUNNER_STOP, "stop", NULL, 0, r->interrupted ?
	    RUNNER_STOP_TIMEOUT_INT : RUNNER_VERB_TIMEOUT);
}

/*
 * runner_teardown - after stop: end every process the SUT left in the
 * namespace, bring the worlds down (a session cut inside DATA is still
 * recorded), then give every scenario that ran its final verdict.
 */
static void
runner_teardown(struct runner *r)
{
	size_t	i;

	/* PID 1 of the namespace: -1 is everyone else in it, no more */
	if (getpid() == 1)
		(void)kill(-1, SIGKILL);
	else
		log_warnx("not PID 1 of a namespace: SUT leftovers not killed");
	for (i = 0; i < r->ninsts; i++) {
		world_free(r->insts[i].world);
		r->insts[i].world = NULL;
	}
	for (i = 0; i < r->n; i++)
		if (r->final[i])
			runner_judge(r, i, true);
	r->state = RUNNER_DONE;
	event_base_loopbreak(r->base);
}

/* runner_copy_steps - keep one instance's steps and evidence for reports */
static void
runner_copy_steps(struct runner_inst *in, const struct scenario *scn,
    const struct step_result *res, struct step_record *recs)
{
	const struct step_obs	*so = obs_instance_steps(in->obs);
	const struct obs_data	*data;
	const char *const	*lines;
	struct scn_step		 st;
	size_t			 i, j, n, nd, dropped;

	data = obs_instance_data(in->obs, &nd);
	for (i = 0; i < in->nsteps; i++) {
		struct step_record *rec = &recs[i];

		if (in->twin)
			judge_twin_step(&scn->steps[i], &st);
		else
			st = scn->steps[i];
		rec->ran = true;
		rec->attack = st.attack;
		rec->expect = st.expect;
		rec->strength = st.strength;
		rec->claim = in->claims[i];
		rec->obs = so[i];
		rec->r = res[i];
		for (j = 0; j < rec->ntranscript; j++)
			free(rec->transcript[j]);
		free(rec->transcript);
		free(rec->data);
		n = obs_instance_transcript(in->obs, (int)i, &lines, &dropped);
		rec->transcript = xcalloc(n + 1, sizeof(char *));
		for (j = 0; j < n; j++)
			rec->transcript[j] = xstrdup(lines[j]);
		rec->ntranscript = n;
		rec->transcript_dropped = dropped;
		rec->data = xcalloc(nd + 1, sizeof(*rec->data));
		rec->ndata = 0;
		for (j = 0; j < nd; j++)
			if (data[j].step == (int)i)
				rec->data[rec->ndata++] = data[j];
	}
}

/* runner_judge - scenario i's verdict from all that was observed so far */
static void
runner_judge(struct runner *r, size_t i, bool keep)
{
	const struct scenario	*scn = r->scns[i];
	struct scn_result	*res = &r->results[i];
	struct runner_inst	*ins[2] = { NULL, NULL };
	struct judge_instance	 ji[2];
	struct step_result	 steps[SCN_STEPS_MAX], twin[SCN_STEPS_MAX];
	struct judge_verdict	 v;
	size_t			 k, w, nsess;

	memset(ji, 0, sizeof(ji));
	for (k = 0; k < (scn->has_attack ? 2u : 1u); k++) {
		struct runner_inst *in = &r->insts[r->first[i] + k];

		w = in->twin ? 1 : 0;
		ins[w] = in;
		ji[w].twin = in->twin;
		ji[w].nsteps = in->nsteps;
		ji[w].obs = obs_instance_steps(in->obs);
		ji[w].claims = in->claims;
		ji[w].sessions = obs_instance_sessions(in->obs, &nsess);
		ji[w].nsessions = nsess;
		ji[w].data = obs_instance_data(in->obs, &ji[w].ndata);
		if (w == 0)
			(void)str_copy(res->domain, in->domain,
			    sizeof(res->domain));
		else
			(void)str_copy(res->twin_domain, in->domain,
			    sizeof(res->twin_domain));
	}
	memset(steps, 0, sizeof(steps));
	memset(twin, 0, sizeof(twin));
	judge_scenario(scn, &ji[0], ins[1] != NULL ? &ji[1] : NULL, steps, twin,
	    &v);
	res->verdict = v.verdict;
	res->leak = v.leak;
	res->misreport = v.misreport;
	res->rule = v.rule;
	(void)str_copy(res->reason, v.reason, sizeof(res->reason));
	if (!keep)
		return;
	runner_copy_steps(ins[0], scn, steps, res->steps);
	res->nsteps = ins[0]->nsteps;
	if (ins[1] != NULL) {
		runner_copy_steps(ins[1], scn, twin, res->twin);
		res->ntwin = ins[1]->nsteps;
	}
}

/* runner_dirs - the run's files, all in its tmpfs */
static int
runner_dirs(struct runner *r, struct err *err)
{
	const struct {
		char	*path;
		mode_t	 mode;
		char	 name[8];
	} dirs[] = {
		{ r->state_dir, 0755, "state" },
		{ r->msg_dir, 0755, "msg" },
		{ r->tmp_dir, 01777, "tmp" },
	};
	char	pki_dir[RUNNER_PATH_MAX], link[RUNNER_PATH_MAX];
	size_t	i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (str_fmt(dirs[i].path, RUNNER_PATH_MAX, "%s/%s",
		    r->cfg->tmpdir, dirs[i].name) == -1)
			return err_set(err, ERR_RANGE, "%s: path too long",
			    r->cfg->tmpdir);
		/* mkdir is subject to the umask; chmod is not */
		if (mkdir(dirs[i].path, 0700) == -1 ||
		    chmod(dirs[i].path, dirs[i].mode) == -1)
			return err_sys(err, "mkdir %s", dirs[i].path);
	}
	if (str_fmt(pki_dir, sizeof(pki_dir), "%s/pki", r->cfg->tmpdir) == -1 ||
	    str_fmt(r->cert_dir, sizeof(r->cert_dir), "%s/certs",
	    pki_dir) == -1)
		return err_set(err, ERR_RANGE, "%s: path too long",
		    r->cfg->tmpdir);
	if (mkdir(pki_dir, 0755) == -1 || chmod(pki_dir, 0755) == -1)
		return err_sys(err, "mkdir %s", pki_dir);
	if ((r->pki = pki_new(pki_dir, err)) == NULL)
		return -1;
	(void)str_copy(r->ca_file, pki_ca_file(r->pki), sizeof(r->ca_file));
	/* SSL_CERT_DIR: the CA under its OpenSSL subject hash, and only it */
	if (mkdir(r->cert_dir, 0755) == -1 || chmod(r->cert_dir, 0755) == -1)
		return err_sys(err, "mkdir %s", r->cert_dir);
	(void)str_fmt(link, sizeof(link), "%s/%08lx.0", r->cert_dir,
	    X509_subject_name_hash(pki_ca_cert(r->pki)));
	if (symlink(r->ca_file, link) == -1)
		return err_sys(err, "symlink %s", link);
	return 0;
}

static void
runner_env_add(char **env, size_t *n, size_t max, const char *key,
    const char *val)
{
	size_t	len;

	if (val == NULL)
		return;
	if (*n == max) {
		log_warnx("adapter environment full: %s not passed", key);
		return;
	}
	len = strlen(key) + strlen(val) + 2;
	env[*n] = xmalloc(len);
	(void)str_fmt(env[*n], len, "%s=%s", key, val);
	(*n)++;
}

/*
 * runner_env - the adapters' whole environment: a few of the caller's
 * variables, the STS_* ones (not STS_HARNESS_*), trust pointed at the
 * run's CA, and what --pass-env names. Nothing else gets through.
 */
static size_t
runner_env(struct runner *r, char **env, size_t max)
{
	static const char *const keep[] = { "HOME", "LANG" };
	static const char *const ours[] = { "STS_CA_FILE", "STS_STATE_DIR",
	    "STS_RESOLVER", "STS_TIMEOUT", "STS_MAIL_FROM",
	    "STS_PROTOCOL_VERSION" };
	char		  to[32], key[128];
	const char	 *path = getenv("PATH");
	size_t		  n = 0, i, j, klen;

	runner_env_add(env, &n, max, "PATH", path != NULL && *path != '\0' ?
	    path : RUNNER_DEFAULT_PATH);
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		runner_env_add(env, &n, max, keep[i], getenv(keep[i]));
	runner_env_add(env, &n, max, "TMPDIR", r->tmp_dir);
	runner_env_add(env, &n, max, "STS_CA_FILE", r->ca_file);
	runner_env_add(env, &n, max, "STS_STATE_DIR", r->state_dir);
	runner_env_add(env, &n, max, "STS_RESOLVER", r->cfg->dns_addr);
	(void)str_fmt(to, sizeof(to), "%d", r->cfg->timeout);
	runner_env_add(env, &n, max, "STS_TIMEOUT", to);
	runner_env_add(env, &n, max, "STS_MAIL_FROM", RUNNER_MAIL_FROM);
	runner_env_add(env, &n, max, "STS_PROTOCOL_VERSION", "2");
	runner_env_add(env, &n, max, "SSL_CERT_FILE", r->ca_file);
	runner_env_add(env, &n, max, "SSL_CERT_DIR", r->cert_dir);
	runner_env_add(env, &n, max, "CURL_CA_BUNDLE", r->ca_file);
	runner_env_add(env, &n, max, "REQUESTS_CA_BUNDLE", r->ca_file);
	for (i = 0; environ[i] != NULL; i++) {
		if (strncmp(environ[i], "STS_", 4) != 0 ||
		    strncmp(environ[i], "STS_HARNESS_", 12) == 0)
			continue;
		klen = strcspn(environ[i], "=");
		if (environ[i][klen] != '=' || klen >= sizeof(key))
			continue;
		(void)str_fmt(key, sizeof(key), "%.*s", (int)klen, environ[i]);
		for (j = 0; j < sizeof(ours) / sizeof(ours[0]); j++)
			if (strcmp(key, ours[j]) == 0)
				break;
		if (j == sizeof(ours) / sizeof(ours[0]))
			runner_env_add(env, &n, max, key,
			    environ[i] + klen + 1);
	}
	for (i = 0; i < r->cfg->npass_env; i++)
		runner_env_add(env, &n, max, r->cfg->pass_env[i],
		    getenv(r->cfg->pass_env[i]));
	return n;
}

int
runner_run(const struct runner_config *cfg, struct scenario *const *scns,
    size_t n, struct scn_result *results, struct runner_summary *sum,
    struct err *err)
{
	struct runner	 r;
	char		*env[ADAPTER_ENV_MAX];
	struct timespec	 t0;
	struct rusage	 ru;
	sigset_t	 sigs;
	size_t		 i, nenv = 0;
	int		 rc = -1;

	memset(&r, 0, sizeof(r));
	memset(sum, 0, sizeof(*sum));
	memset(results, 0, n * sizeof(*results));
	r.sigfd = -1;
	/* a scenario the run never reaches must not look like a PASS */
	for (i = 0; i < n; i++) {
		results[i].scn = scns[i];
		results[i].verdict = VERDICT_ERROR;
		(void)str_copy(results[i].reason, "not run",
		    sizeof(results[i].reason));
	}
	r.cfg = cfg;
	r.scns = scns;
	r.results = results;
	r.n = n;
	r.sum = sum;
	r.rng = cfg->seed;
	sum->seed = cfg->seed;
	sum->quiet_period = cfg->quiet_ms / 1000.0;
	r.final = xcalloc(n + 1, sizeof(*r.final));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r.last_event = t0;
	if ((r.base = event_base_new()) == NULL) {
		err_set(err, ERR_SYS, "event_base_new failed");
		return -1;
	}
	if (runner_dirs(&r, err) == -1)
		goto out;
	r.zone = dns_zone_new();
	r.dns = dns_server_new(r.base, r.zone, cfg->dns_addr, cfg->dns_port,
	    err);
	if (r.dns == NULL) {
		err_prefix(err, "fake-dns on %s:%u", cfg->dns_addr,
		    cfg->dns_port);
		goto out;
	}
	r.obs = observer_new();
	if (runner_plan(&r, err) == -1)
		goto out;
	log_set_event_hook(runner_on_event, &r);
	nenv = runner_env(&r, env, ADAPTER_ENV_MAX);
	r.adapter = adapter_new(r.base, cfg->adapter, (const char *const *)env,
	    nenv, r.state_dir, err);
	if (r.adapter == NULL)
		goto out;
	/* signals are read from a signalfd, so they must stay blocked */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGCHLD);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &sigs, NULL) == -1 ||
	    (r.sigfd = signalfd(-1, &sigs, SFD_NONBLOCK | SFD_CLOEXEC)) == -1) {
		err_sys(err, "signalfd");
		goto out;
	}
	r.ev_sig = event_new(r.base, r.sigfd, EV_READ | EV_PERSIST,
	    runner_on_signal, &r);
	r.ev_timer = evtimer_new(r.base, runner_on_timer, &r);
	if (r.ev_sig == NULL || r.ev_timer == NULL)
		fatalx("runner: cannot create events");
	event_add(r.ev_sig, NULL);
	runner_verb(&r, RUNNER_INFO, "info", NULL, 0, RUNNER_VERB_TIMEOUT);
	if (r.state != RUNNER_DONE)
		event_base_dispatch(r.base);
	rc = 0;
out:
	log_set_event_hook(NULL, NULL);
	for (i = 0; i < r.ninsts; i++)
		world_free(r.insts[i].world);
	adapter_free(r.adapter);
	for (i = 0; i < nenv; i++)
		free(env[i]);
	if (r.ev_sig != NULL)
		event_free(r.ev_sig);
	if (r.ev_timer != NULL)
		event_free(r.ev_timer);
	if (r.sigfd != -1)
		close(r.sigfd);
	observer_free(r.obs);
	free(r.insts);
	free(r.first);
	free(r.final);
	dns_server_free(r.dns);
	dns_zone_free(r.zone);
	pki_free(r.pki);
	event_base_free(r.base);
	sum->seconds = runner_since(&t0);
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		sum->harness_max_rss_kb = ru.ru_maxrss;
	if (getrusage(RUSAGE_CHILDREN, &ru) == 0)
		sum->sut_max_rss_kb = ru.ru_maxrss;
	return rc;
}

void
runner_results_clear(struct scn_result *res, size_t n)
{
	size_t	i, j, k;

	for (i = 0; i < n; i++) {
		for (j = 0; j < SCN_STEPS_MAX; j++) {
			for (k = 0; k < res[i].steps[j].ntranscript; k++)
				free(res[i].steps[j].transcript[k]);
			free(res[i].steps[j].transcript);
			free(res[i].steps[j].data);
			for (k = 0; k < res[i].twin[j].ntranscript; k++)
				free(res[i].twin[j].transcript[k]);
			free(res[i].twin[j].transcript);
			free(res[i].twin[j].data);
		}
	}
}
