/* SPDX-License-Identifier: ISC */
/*
 * runner.c -- the run as a state machine on one event loop. The fake
 * servers, the adapter's child processes and the timers all live on that
 * loop; nothing blocks it. Owns the PKI, the fake-dns zone and server, the
 * observer, the adapter and, one at a time, the running instance's world.
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <jansson.h>
#include <openssl/rand.h>

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
#define RUNNER_DELIVER_SLACK	15	/* on top of STS_TIMEOUT */
#define RUNNER_SETTLE_MS	50	/* poll for sessions to close */
#define RUNNER_SETTLE_MAX	60	/* polls: 3 s */
#define RUNNER_MAIL_FROM	"sts-harness@harness.example"
#define RUNNER_PATH_MAX		1024

enum runner_state {
	RUNNER_INFO = 0,
	RUNNER_START,
	RUNNER_CLOCK,
	RUNNER_DELIVER,
	RUNNER_SETTLE,
	RUNNER_STOP,
	RUNNER_DONE,
};

struct runner {
	const struct runner_config	*cfg;
	struct event_base		*base;
	struct pki			*pki;
	struct dns_zone			*zone;
	struct dns_server		*dns;
	struct observer			*obs;
	struct adapter			*adapter;
	struct event			*ev_chld, *ev_int, *ev_term, *ev_timer;
	struct scenario *const		*scns;
	struct scn_result		*results;
	size_t				 n;
	struct runner_summary		*sum;
	enum runner_state		 state;
	bool				 interrupted;
	bool				 sut_up;
	/* the running instance */
	size_t				 cur;		/* scenario index */
	bool				 twin;		/* running the twin */
	size_t				 step;
	unsigned int			 instance;	/* 1.. for 127.a.b */
	char				 domain[SCN_NAME_MAX];
	struct obs_instance		*inst;
	struct world			*world;
	const struct scn_world		*world_src;
	char				 token[STS_TOKEN_MAX + 1];
	enum outcome			 outcome;
	char				 detail[RUNNER_DETAIL_MAX];
	int				 settle;
	struct timespec			 t0;
};

static void	runner_on_event(const char *, void *);
static void	runner_on_signal(evutil_socket_t, short, void *);
static void	runner_on_timer(evutil_socket_t, short, void *);
static void	runner_on_verb(const struct adapter_result *, void *);
static void	runner_echo(const struct adapter_result *);
static void	runner_verb(struct runner *, enum runner_state, const char *,
		    const char *const *, size_t, int);
static void	runner_next_scenario(struct runner *);
static void	runner_begin_instance(struct runner *);
static void	runner_run_step(struct runner *);
static void	runner_deliver(struct runner *);
static void	runner_after_deliver(struct runner *,
		    const struct adapter_result *);
static void	runner_judge_step(struct runner *);
static void	runner_end_instance(struct runner *);
static void	runner_finish_scenario(struct runner *);
static void	runner_fail_rest(struct runner *, const char *);
static void	runner_progress(struct runner *, size_t);
static void	runner_stop(struct runner *);
static int	runner_write_message(struct runner *, char *, size_t,
		    struct err *);
static void	runner_parse_outcome(const struct adapter_result *,
		    enum outcome *, char *, size_t);
static struct step_record *runner_cur_record(struct runner *);
static double	runner_elapsed(const struct timespec *);

static double
runner_elapsed(const struct timespec *t0)
{
	struct timespec	now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) +
	    (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void
runner_on_event(const char *line, void *arg)
{
	struct runner	*r = arg;

	if (log_verbosity() >= 1)
		fprintf(stderr, "  | %s\n", line);
	observer_feed(r->obs, line);
}

static void
runner_on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct runner	*r = arg;

	(void)what;
	if (sig == SIGCHLD) {
		adapter_on_sigchld(r->adapter);
		return;
	}
	if (r->interrupted)
		return;
	log_warnx("interrupted (signal %d): stopping the SUT", (int)sig);
	r->interrupted = true;
	r->sum->interrupted = true;
	/* a running verb's callback, or the settle timer, moves on */
	if (adapter_busy(r->adapter))
		adapter_kill(r->adapter);
}

/* runner_echo - with -v, show what the adapter said, line by line */
static void
runner_echo(const struct adapter_result *res)
{
	const char	*p, *nl;

	fprintf(stderr, "  > %s: exit %d%s\n", res->verb, res->status,
	    res->timed_out ? " (timed out)" : "");
	for (p = res->out; *p != '\0'; p = nl + 1) {
		nl = p + strcspn(p, "\n");
		fprintf(stderr, "  > %.*s\n", (int)(nl - p), p);
		if (*nl == '\0')
			break;
	}
	for (p = res->errout; *p != '\0'; p = nl + 1) {
		nl = p + strcspn(p, "\n");
		fprintf(stderr, "  ! %.*s\n", (int)(nl - p), p);
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
	struct runner	*r = arg;
	char		 why[RUNNER_DETAIL_MAX];

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
			    "(status %d%s): %.150s", res->status,
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
			r->outcome = res->status == ADAPTER_EXIT_UNSUPPORTED ?
			    OUTCOME_UNSUPPORTED : OUTCOME_FAILED;
			(void)str_fmt(r->detail, sizeof(r->detail),
			    "clock verb: status %d", res->status);
			r->state = RUNNER_SETTLE;
			runner_judge_step(r);
			return;
		}
		runner_deliver(r);
		return;
	case RUNNER_DELIVER:
		runner_after_deliver(r, res);
		return;
	case RUNNER_STOP:
		if (res->status != 0)
			log_warnx("adapter stop: status %d: %.200s",
			    res->status, res->errout);
		r->state = RUNNER_DONE;
		event_base_loopbreak(r->base);
		return;
	case RUNNER_SETTLE:
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
		runner_progress(r, i);
	}
	r->cur = r->n;
}

/* runner_progress - the console line of scenario i */
static void
runner_progress(struct runner *r, size_t i)
{
	const struct scn_result	*res = &r->results[i];
	const struct scenario	*scn = r->scns[i];

	if (r->cfg->progress == NULL)
		return;
	fprintf(r->cfg->progress, "%-10s %-40s %-6s leak=%-8s %5.2fs\n",
	    verdict_str(res->verdict), scn->id, scn_strength_str(scn->strength),
	    leak_str(res->leak), res->seconds);
	if (res->verdict != VERDICT_PASS && res->reason[0] != '\0')
		fprintf(r->cfg->progress, "           %s\n", res->reason);
	fflush(r->cfg->progress);
}

static void
runner_stop(struct runner *r)
{
	if (!r->sut_up && !r->interrupted) {
		r->state = RUNNER_DONE;
		event_base_loopbreak(r->base);
		return;
	}
	r->sut_up = false;
	runner_verb(r, RUNNER_STOP, "stop", NULL, 0, r->interrupted ? 10 :
	    RUNNER_VERB_TIMEOUT);
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
		runner_stop(r);
		return;
	}
	r->results[r->cur].scn = r->scns[r->cur];
	r->twin = r->scns[r->cur]->has_attack;
	clock_gettime(CLOCK_MONOTONIC, &r->t0);
	runner_begin_instance(r);
}

/* runner_begin_instance - a fresh domain and address block, then step 0 */
static void
runner_begin_instance(struct runner *r)
{
	const struct scenario	*scn = r->scns[r->cur];
	unsigned int		 k = r->instance++;

	(void)str_fmt(r->domain, sizeof(r->domain), "%s%s.test", scn->id,
	    r->twin ? "-twin" : "");
	/* 127.a.b.0/24 per instance; 127.0.x is left to fake-dns */
	r->inst = obs_instance_new(r->obs, r->domain, 1 + k / 256, k % 256);
	r->step = 0;
	r->world = NULL;
	r->world_src = NULL;
	runner_run_step(r);
}

static struct step_record *
runner_cur_record(struct runner *r)
{
	struct scn_result	*res = &r->results[r->cur];

	return r->twin ? &res->twin[r->step] : &res->steps[r->step];
}

static void
runner_run_step(struct runner *r)
{
	const struct scenario	*scn = r->scns[r->cur];
	const struct scn_step	*st = &scn->steps[r->step];
	const struct scn_world	*w;
	struct step_record	*rec = runner_cur_record(r);
	struct err		 err;
	unsigned int		 k = r->instance - 1;
	char			 secs[32];
	const char		*args[1];

	w = !r->twin && st->attack ? &scn->attacked : &scn->clean;
	rec->ran = true;
	rec->attack = !r->twin && st->attack;
	rec->expect = r->twin ? SCN_DELIVER_TLS : st->expect;
	r->outcome = OUTCOME_FAILED;
	r->detail[0] = '\0';
	obs_instance_set_step(r->inst, (int)r->step);
	if (log_verbosity() >= 1)
		fprintf(stderr, "  == %s step %zu/%zu (%s world)\n", r->domain,
		    r->step + 1, scn->nsteps, rec->attack ? "attacked" :
		    "clean");
	if (w != r->world_src) {
		world_free(r->world);
		r->world = NULL;
		r->world_src = NULL;
		r->world = world_new(r->base, r->pki, r->zone, w, r->domain,
		    1 + k / 256, k % 256, &(struct world_ports){
		    r->cfg->smtp_port, r->cfg->https_port }, &err);
		if (r->world == NULL) {
			(void)str_fmt(r->detail, sizeof(r->detail),
			    "world: %s", err.msg);
			log_warnx("%s: %s", scn->file, r->detail);
			r->state = RUNNER_SETTLE;
			runner_judge_step(r);
			return;
		}
		r->world_src = w;
	}
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
	if (str_fmt(path, pathsz, "%s/msg/%s.eml", r->cfg->tmpdir,
	    r->token) == -1)
		return err_set(err, ERR_RANGE, "message path too long");
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	if ((fp = fopen(path, "w")) == NULL)
		return err_sys(err, "%s", path);
	fprintf(fp, "From: <%s>\r\nTo: <user@%s>\r\nSubject: sts-harness "
	    "%s step %zu%s\r\nDate: %s\r\nMessage-ID: <%s@harness.example>\r\n"
	    "%s: %s\r\n\r\nThis message was sent by sts-harness to test "
	    "MTA-STS (RFC 8461).\r\n", RUNNER_MAIL_FROM, r->domain,
	    r->scns[r->cur]->id, r->step + 1, r->twin ? " (clean twin)" : "",
	    date, r->token, STS_TOKEN_HEADER, r->token);
	if (fclose(fp) != 0)
		return err_sys(err, "%s", path);
	return 0;
}

static void
runner_deliver(struct runner *r)
{
	char		 rcpt[SCN_NAME_MAX + 8], msg[RUNNER_PATH_MAX];
	const char	*args[2] = { rcpt, msg };
	struct err	 err;

	(void)str_fmt(rcpt, sizeof(rcpt), "user@%s", r->domain);
	if (runner_write_message(r, msg, sizeof(msg), &err) == -1) {
		(void)str_fmt(r->detail, sizeof(r->detail), "message: %s",
		    err.msg);
		r->state = RUNNER_SETTLE;
		runner_judge_step(r);
		return;
	}
	runner_verb(r, RUNNER_DELIVER, "deliver", args, 2, r->cfg->timeout +
	    RUNNER_DELIVER_SLACK);
}

/* runner_parse_outcome - the last JSON line of the adapter's stdout */
static void
runner_parse_outcome(const struct adapter_result *res, enum outcome *out,
    char *detail, size_t detailsz)
{
	char		 buf[ADAPTER_OUT_MAX];
	char		*line, *p;
	json_t		*j;
	json_error_t	 je;
	const char	*o, *d;

	*out = OUTCOME_FAILED;
	if (res->timed_out) {
		(void)str_fmt(detail, detailsz, "deliver timed out");
		return;
	}
	if (res->status == ADAPTER_EXIT_UNSUPPORTED) {
		*out = OUTCOME_UNSUPPORTED;
		(void)str_fmt(detail, detailsz, "deliver unsupported");
		return;
	}
	if (res->status == -1) {
		(void)str_fmt(detail, detailsz, "deliver killed by signal %d: "
		    "%.160s", res->signal, res->errout);
		return;
	}
	if (res->status != 0) {
		(void)str_fmt(detail, detailsz, "deliver exit status %d: %.160s",
		    res->status, res->errout);
		return;
	}
	(void)str_fmt(detail, detailsz, "deliver printed no outcome JSON");
	/* find the last line that starts with '{' */
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
		(void)str_fmt(detail, detailsz, "deliver output is not JSON: "
		    "%s", je.text);
		return;
	}
	o = json_string_value(json_object_get(j, "outcome"));
	d = json_string_value(json_object_get(j, "detail"));
	if (o == NULL || outcome_parse(o, out) == -1) {
		*out = OUTCOME_FAILED;
		(void)str_fmt(detail, detailsz, "deliver: bad outcome %s",
		    o != NULL ? o : "(none)");
	} else
		(void)str_copy(detail, d != NULL ? d : "", detailsz);
	json_decref(j);
}

static void
runner_after_deliver(struct runner *r, const struct adapter_result *res)
{
	struct timeval	tv = { 0, RUNNER_SETTLE_MS * 1000 };

	runner_parse_outcome(res, &r->outcome, r->detail, sizeof(r->detail));
	if (r->interrupted) {
		r->outcome = OUTCOME_FAILED;
		(void)str_copy(r->detail, "interrupted", sizeof(r->detail));
	}
	r->state = RUNNER_SETTLE;
	r->settle = 0;
	evtimer_add(r->ev_timer, &tv);
}

/* runner_on_timer - wait for the instance's SMTP sessions to close */
static void
runner_on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct runner	*r = arg;
	struct timeval	 tv = { 0, RUNNER_SETTLE_MS * 1000 };

	(void)fd;
	(void)what;
	if (!r->interrupted && obs_instance_open(r->inst) > 0 &&
	    ++r->settle < RUNNER_SETTLE_MAX) {
		evtimer_add(r->ev_timer, &tv);
		return;
	}
	runner_judge_step(r);
}

static void
runner_judge_step(struct runner *r)
{
	const struct scenario		*scn = r->scns[r->cur];
	struct step_record		*rec = runner_cur_record(r);
	struct scn_step			 st = scn->steps[r->step];
	const struct obs_session	*ss;
	const char			**lines;
	size_t				 n, i;

	if (r->twin) {
		/* the twin only has to deliver over verified TLS */
		st.expect = SCN_DELIVER_TLS;
		st.expect_at[0] = '\0';
		st.expect_sni = false;
		st.expect_fetch = false;
	}
	ss = obs_instance_sessions(r->inst, (int)r->step, &n);
	judge_step(&st, r->world_src != NULL ? r->world_src : &scn->clean, ss,
	    n, obs_instance_named_fetches(r->inst, (int)r->step), r->token,
	    r->outcome, &rec->r);
	if (r->outcome == OUTCOME_FAILED && r->detail[0] != '\0')
		(void)str_copy(rec->r.reason, r->detail,
		    sizeof(rec->r.reason));
	(void)str_copy(rec->detail, r->detail, sizeof(rec->detail));
	rec->fetches = obs_instance_fetches(r->inst, (int)r->step);
	rec->named_fetches = obs_instance_named_fetches(r->inst,
	    (int)r->step);
	rec->queries = obs_instance_queries(r->inst, (int)r->step);
	n = obs_instance_transcript(r->inst, (int)r->step, &lines);
	rec->transcript = xcalloc(n, sizeof(char *));
	for (i = 0; i < n; i++)
		rec->transcript[i] = xstrdup(lines[i]);
	rec->ntranscript = n;
	if (r->twin)
		r->results[r->cur].ntwin = r->step + 1;
	else
		r->results[r->cur].nsteps = r->step + 1;
	/* a failed twin or adapter makes the remaining steps meaningless */
	if (++r->step < scn->nsteps && !r->interrupted &&
	    r->outcome != OUTCOME_FAILED && r->outcome != OUTCOME_UNSUPPORTED &&
	    !(r->twin && !rec->r.met)) {
		runner_run_step(r);
		return;
	}
	runner_end_instance(r);
}

static void
runner_end_instance(struct runner *r)
{
	world_free(r->world);
	r->world = NULL;
	r->world_src = NULL;
	obs_instance_free(r->inst);
	r->inst = NULL;
	if (r->twin && !r->interrupted) {
		r->twin = false;
		runner_begin_instance(r);
		return;
	}
	runner_finish_scenario(r);
}

static void
runner_finish_scenario(struct runner *r)
{
	struct scn_result	*res = &r->results[r->cur];
	const struct scenario	*scn = r->scns[r->cur];

	res->ran = true;
	res->seconds = runner_elapsed(&r->t0);
	if (r->interrupted) {
		res->verdict = VERDICT_ERROR;
		(void)str_copy(res->reason, "interrupted", sizeof(res->reason));
	} else {
		struct step_result	steps[SCN_STEPS_MAX], twin[SCN_STEPS_MAX];
		size_t			i;

		for (i = 0; i < res->nsteps; i++)
			steps[i] = res->steps[i].r;
		for (i = 0; i < res->ntwin; i++)
			twin[i] = res->twin[i].r;
		res->verdict = judge_scenario(scn, steps, res->nsteps,
		    scn->has_attack ? twin : NULL, res->ntwin, &res->leak,
		    res->reason, sizeof(res->reason));
	}
	runner_progress(r, r->cur);
	r->cur++;
	runner_next_scenario(r);
}

int
runner_run(const struct runner_config *cfg, struct scenario *const *scns,
    size_t n, struct scn_result *results, struct runner_summary *sum,
    struct err *err)
{
	struct runner	 r;
	char		 dir[RUNNER_PATH_MAX], state[RUNNER_PATH_MAX];
	char		 ev_ca[RUNNER_PATH_MAX + 16], ev_state[RUNNER_PATH_MAX + 16];
	char		 ev_res[64], ev_to[32], ev_build[RUNNER_PATH_MAX + 24];
	const char	*env[6];
	struct timespec	 t0;
	struct rusage	 ru;
	size_t		 i;
	int		 rc = -1;

	memset(&r, 0, sizeof(r));
	memset(sum, 0, sizeof(*sum));
	memset(results, 0, n * sizeof(*results));
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
	r.instance = 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((r.base = event_base_new()) == NULL) {
		err_set(err, ERR_SYS, "event_base_new failed");
		return -1;
	}
	(void)str_fmt(dir, sizeof(dir), "%s/pki", cfg->tmpdir);
	(void)str_fmt(state, sizeof(state), "%s/state", cfg->tmpdir);
	(void)str_fmt(ev_ca, sizeof(ev_ca), "%s/msg", cfg->tmpdir);
	if (mkdir(dir, 0700) == -1 || mkdir(state, 0700) == -1 ||
	    mkdir(ev_ca, 0700) == -1) {
		err_sys(err, "mkdir in %s", cfg->tmpdir);
		goto out;
	}
	if ((r.pki = pki_new(dir, err)) == NULL)
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
	log_set_event_hook(runner_on_event, &r);
	(void)str_fmt(ev_ca, sizeof(ev_ca), "STS_CA_FILE=%s",
	    pki_ca_file(r.pki));
	(void)str_fmt(ev_state, sizeof(ev_state), "STS_STATE_DIR=%s", state);
	(void)str_fmt(ev_res, sizeof(ev_res), "STS_RESOLVER=%s",
	    cfg->dns_addr);
	(void)str_fmt(ev_to, sizeof(ev_to), "STS_TIMEOUT=%d", cfg->timeout);
	(void)str_fmt(ev_build, sizeof(ev_build), "STS_HARNESS_BUILD=%s",
	    cfg->build_dir);
	env[0] = ev_ca;
	env[1] = ev_state;
	env[2] = ev_res;
	env[3] = ev_to;
	env[4] = ev_build;
	env[5] = "STS_MAIL_FROM=" RUNNER_MAIL_FROM;
	if ((r.adapter = adapter_new(r.base, cfg->adapter, env, 6,
	    err)) == NULL)
		goto out;
	r.ev_chld = evsignal_new(r.base, SIGCHLD, runner_on_signal, &r);
	r.ev_int = evsignal_new(r.base, SIGINT, runner_on_signal, &r);
	r.ev_term = evsignal_new(r.base, SIGTERM, runner_on_signal, &r);
	r.ev_timer = evtimer_new(r.base, runner_on_timer, &r);
	if (r.ev_chld == NULL || r.ev_int == NULL || r.ev_term == NULL ||
	    r.ev_timer == NULL)
		fatalx("runner: cannot create events");
	event_add(r.ev_chld, NULL);
	event_add(r.ev_int, NULL);
	event_add(r.ev_term, NULL);
	runner_verb(&r, RUNNER_INFO, "info", NULL, 0, RUNNER_VERB_TIMEOUT);
	if (r.state != RUNNER_DONE)
		event_base_dispatch(r.base);
	rc = 0;
out:
	log_set_event_hook(NULL, NULL);
	world_free(r.world);
	obs_instance_free(r.inst);
	adapter_free(r.adapter);
	if (r.ev_chld != NULL)
		event_free(r.ev_chld);
	if (r.ev_int != NULL)
		event_free(r.ev_int);
	if (r.ev_term != NULL)
		event_free(r.ev_term);
	if (r.ev_timer != NULL)
		event_free(r.ev_timer);
	observer_free(r.obs);
	dns_server_free(r.dns);
	dns_zone_free(r.zone);
	pki_free(r.pki);
	event_base_free(r.base);
	sum->seconds = runner_elapsed(&t0);
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
			for (k = 0; k < res[i].twin[j].ntranscript; k++)
				free(res[i].twin[j].transcript[k]);
			free(res[i].twin[j].transcript);
		}
	}
}
