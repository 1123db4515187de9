/* SPDX-License-Identifier: ISC */
/*
 * runner.c -- the run as a scheduler over lanes on one event loop. A lane
 * is one SUT instance (its own adapter, STS_STATE_DIR and STS_INSTANCE)
 * running one scenario at a time; a step is the list of actions of
 * runner_actions[], each of which finishes at once or when the event it
 * waits for comes (a verb's exit, the last session's close, the policy
 * GET), never on a fixed poll. The fake servers, the adapters' child
 * processes, the signals (a signalfd) and the timers all live on the one
 * loop. Owns the PKI, the fake-dns zone and server, the observer, the
 * lanes and every instance's world, which stays up until the run ends so
 * that a late delivery still reaches the host it was sent to and is seen.
 */
#define _GNU_SOURCE		/* signalfd */
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

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
#include "../fake-dns/dns_key.h"
#include "../fake-dns/dns_server.h"
#include "../fake-dns/dns_zone.h"
#include "adapter.h"
#include "ns.h"
#include "observe.h"
#include "resolver.h"
#include "runner.h"
#include "world.h"

#define RUNNER_VERB_TIMEOUT	60	/* info, start, stop, clock, relay */
#define RUNNER_RELAY_NONE	"-"	/* "relay -": no smart host again */
#define RUNNER_STOP_TIMEOUT_INT	10	/* stop after an interrupt */
#define RUNNER_WATCH_GRACE_MS	500	/* for stop's signals to land */
#define RUNNER_DELIVER_SLACK	15	/* on top of STS_TIMEOUT */
/* the validating dnsmasq of a run with signed zones (docs/resolver.md) */
#define RUNNER_VALIDATOR_ADDR	"127.0.0.56"
#define RUNNER_SETTLE_MS	3000	/* for the step's sessions to close */
#define RUNNER_FETCH_SETTLE_MS	100	/* a kept-alive policy connection */
#define RUNNER_BIND_RETRY_MS	10	/* EADDRINUSE: another lane's fork */
#define RUNNER_BIND_RETRIES	100	/* ... holds the old listener a bit */
#define RUNNER_MAIL_FROM	"sts-harness@harness.example"
#define RUNNER_PATH_MAX		1024
#define RUNNER_BLOCKS		(256 * 256)
#define RUNNER_DEFAULT_PATH	"/usr/local/sbin:/usr/local/bin:/usr/sbin:" \
				"/usr/bin:/sbin:/bin"

extern char	**environ;

/* Where a lane is. */
enum lane_state {
	LANE_INFO = 0,		/* lane 0 only: the info verb */
	LANE_PROBE,		/* lane 0 only: a watch's probe verbs */
	LANE_START,
	LANE_READY,		/* started, waiting for the others */
	LANE_STEP,		/* running a step's actions */
	LANE_IDLE,		/* no scenario left for it */
	LANE_STOP,
	LANE_DONE,
};

/* What a lane's pending action waits for besides a verb. */
enum lane_wait {
	LANE_WAIT_NONE = 0,
	LANE_WAIT_SETTLE,	/* the instance's SMTP sessions to close */
	LANE_WAIT_POLICY,	/* a policy GET for the instance */
	LANE_WAIT_WORLD,	/* an address to be free again */
	LANE_WAIT_FLUSH,	/* the resolver's cache to be clear */
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
	struct step_claim	*claims;	/* [the scenario's nsteps] */
	size_t			 nsteps;	/* steps that ran */
};

struct runner;

/* One SUT instance, running one scenario at a time. */
struct runner_lane {
	struct runner		*r;
	unsigned int		 k;		/* STS_INSTANCE */
	struct adapter		*adapter;
	char			 state_dir[RUNNER_PATH_MAX];
	enum lane_state		 state;
	bool			 sut_up;
	char			 start_error[JUDGE_DETAIL_MAX];
	/* the running scenario, instance and step */
	size_t			 cur;
	size_t			 kth;
	struct runner_inst	*ci;
	size_t			 step;
	size_t			 act;		/* next of runner_actions[] */
	enum lane_wait		 wait;
	char			 token[STS_TOKEN_MAX + 1];
	struct event		*ev_timer;
	struct timespec		 t0;		/* scenario start */
	struct timespec		 fetch_at;	/* ci's newest named GET */
	unsigned int		 fetches_seen;
	unsigned int		 bind_retries;
	bool			 dns_changed;	/* this step's world replaced one */
	bool			 relay_on;	/* a relay verb set a smart host
						   that no "relay -" undid yet */
	size_t			 probe;		/* next watch probe */
};

struct runner {
	const struct runner_config	*cfg;
	struct event_base		*base;
	struct pki			*pki;
	struct dns_zone			*zone;
	struct dns_server		*dns;
	struct resolver			*resolver;	/* NULL: direct, or down */
	struct resolver			*validator;	/* NULL: no signed zone,
							   direct, or down */
	/* DNSSEC: the key of every signed zone, a trust anchor for each */
	struct dns_key			*key;
	char				**anchors;
	size_t				 nanchors;
	char				 resolver_down[JUDGE_DETAIL_MAX];
	/* flushes: one at a time; who asked during one needs the next */
	bool				 flushing;
	struct runner_lane		**flush_now, **flush_next;
	size_t				 nflush_now, nflush_next;
	struct observer			*obs;
	int				 sigfd;
	struct event			*ev_sig, *ev_quiet;
	struct scenario *const		*scns;
	struct scn_result		*results;
	size_t				 n;
	struct runner_summary		*sum;
	bool				 interrupted;
	bool				 stopping;
	uint64_t			 rng;
	/* instances: scenario i owns insts[first[i]] (.. + 1 for a twin) */
	struct runner_inst		*insts;
	size_t				 ninsts;
	size_t				*first;
	bool				*final;		/* [n]: judge at the end */
	struct runner_lane		*lanes;
	size_t				 nlanes;
	size_t				 next;		/* next scenario to run */
	size_t				 busy;		/* lanes inside a phase */
	/* the quiet period */
	struct timespec			 last_event, quiet_t0, steps_t0;
	bool				 steps_begun;
	bool				 quiet_snapped;
	uint64_t			 quiet_snap;
	/* paths in the run's tmpfs */
	char				 ca_file[RUNNER_PATH_MAX];
	char				 cert_dir[RUNNER_PATH_MAX];
	char				 state_root[RUNNER_PATH_MAX];
	char				 msg_dir[RUNNER_PATH_MAX];
	char				 tmp_dir[RUNNER_PATH_MAX];
};

typedef bool runner_act_fn(struct runner_lane *);	/* true: go on */

/* One action of a step; they run in this order, each may skip itself. */
struct runner_action {
	const char	*name;
	runner_act_fn	*run;
};

static runner_act_fn runner_act_world, runner_act_flush, runner_act_restart,
		    runner_act_clock, runner_act_relay, runner_act_dane,
		    runner_act_deliver,
		    runner_act_settle, runner_act_wait_policy,
		    runner_act_alerts;

static const struct runner_action runner_actions[] = {
	{ "world", runner_act_world },		/* the step's world, if new */
	{ "flush", runner_act_flush },		/* the resolver, if DNS changed */
	{ "restart", runner_act_restart },	/* restart verb, if asked */
	{ "clock", runner_act_clock },		/* clock verb, if asked */
	{ "relay", runner_act_relay },		/* relay verb, set or undone */
	{ "dane", runner_act_dane },		/* dane verb, a signed world */
	{ "deliver", runner_act_deliver },	/* deliver verb */
	{ "settle", runner_act_settle },	/* the step's sessions closed */
	{ "wait-policy", runner_act_wait_policy },	/* wait: policy */
	{ "alerts", runner_act_alerts },	/* alerts verb, if asked */
};
#define RUNNER_NACTIONS	(sizeof(runner_actions) / sizeof(runner_actions[0]))

static void	runner_on_event(const char *, void *);
static void	runner_on_signal(evutil_socket_t, short, void *);
static void	runner_on_quiet(evutil_socket_t, short, void *);
static void	runner_echo(const struct adapter_result *);
static double	runner_since(const struct timespec *);
static double	runner_cpu(const struct rusage *);
static uint64_t	runner_rand(struct runner *);
static int	runner_plan(struct runner *, struct err *);
static int	runner_dnssec(struct runner *, struct err *);
static int	runner_dirs(struct runner *, struct err *);
static size_t	runner_env(struct runner *, const struct runner_lane *,
		    char **, size_t);
static void	runner_env_add(char **, size_t *, size_t, const char *,
		    const char *);
static void	runner_all_started(struct runner *);
static void	runner_lane_idle(struct runner *);
static void	runner_fail_rest(struct runner *, const char *);
static void	runner_quiet(struct runner *);
static void	runner_stop_all(struct runner *);
static void	runner_teardown(struct runner *);
static void	runner_judge(struct runner *, size_t, bool);
static void	runner_copy_steps(struct runner_inst *, const struct scenario *,
		    const struct step_result *, struct step_record *);
static void	runner_records_free(struct step_record *, size_t);
static void	lane_verb(struct runner_lane *, const char *,
		    const char *const *, size_t, int);
static void	lane_on_verb(const struct adapter_result *, void *);
static bool	lane_probe(struct runner_lane *);
static void	runner_watch_snapshot(struct runner *, struct procs *, pid_t);
static void	runner_watch_started(struct runner *);
static void	runner_watch_stopped(struct runner *);
static void	runner_watch_deliver(struct runner_lane *);
static void	lane_on_timer(evutil_socket_t, short, void *);
static void	lane_after_verb(struct runner_lane *,
		    const struct adapter_result *);
static void	lane_after_relay(struct runner_lane *,
		    const struct adapter_result *);
static void	lane_after_alerts(struct runner_lane *,
		    const struct adapter_result *);
static void	lane_next_scenario(struct runner_lane *);
static void	lane_begin_instance(struct runner_lane *);
static void	lane_begin_step(struct runner_lane *);
static void	lane_continue(struct runner_lane *);
static void	lane_end_step(struct runner_lane *);
static void	lane_finish_scenario(struct runner_lane *);
static void	lane_check_wait(struct runner_lane *);
static void	lane_arm(struct runner_lane *, unsigned int);
static int	lane_write_message(struct runner_lane *, const char *, char *,
		    size_t, struct err *);
static int	runner_resolver_start(struct runner *, struct err *);
static int	runner_validator_start(struct runner *, struct err *);
static void	runner_on_validator_exit(void *, int);
static void	runner_dnsmasq_died(struct runner *, const char *, int);
static void	runner_on_resolver_exit(void *, int);
static void	runner_flush_start(struct runner *);
static void	runner_on_flushed(void *, const struct err *);

static double
runner_since(const struct timespec *t0)
{
	struct timespec	now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) +
	    (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static double
runner_cpu(const struct rusage *ru)
{
	return (double)(ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) +
	    (double)(ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) / 1e6;
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

static void
runner_on_event(const char *line, void *arg)
{
	struct runner	*r = arg;
	char		 esc[LOG_EVENT_LINE_MAX * 4];
	size_t		 i;

	if (log_verbosity() >= 1)
		fprintf(stderr, "  | %s\n", str_escape(esc, sizeof(esc), line));
	clock_gettime(CLOCK_MONOTONIC, &r->last_event);
	observer_feed(r->obs, line);
	/* what a waiting lane waits for comes as a record */
	for (i = 0; i < r->nlanes; i++)
		if (r->lanes[i].state == LANE_STEP && r->lanes[i].ci != NULL)
			lane_check_wait(&r->lanes[i]);
}

/*
 * runner_on_signal - the signalfd. SIGCHLD reaps every child and hands
 * each to the lane whose verb it was; SIGINT, SIGTERM and SIGHUP stop the
 * run only when sent from outside the namespace (si_pid 0 there): a SUT
 * inside cannot end the run that judges it.
 */
static void
runner_on_signal(evutil_socket_t fd, short what, void *arg)
{
	struct runner			*r = arg;
	struct signalfd_siginfo		 si;
	pid_t				 pid;
	int				 wstatus;
	size_t				 i;

	(void)what;
	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD) {
			/* as pid 1 of the namespace we reap orphans too */
			while ((pid = waitpid(-1, &wstatus, WNOHANG)) > 0) {
				if (resolver_on_child_exit(r->resolver, pid,
				    wstatus) || resolver_on_child_exit(
				    r->validator, pid, wstatus))
					continue;
				for (i = 0; i < r->nlanes; i++)
					if (adapter_on_exit(r->lanes[i].adapter,
					    pid, wstatus))
						break;
			}
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
		/* running verbs end; waiting lanes and the quiet period go on */
		for (i = 0; i < r->nlanes; i++) {
			if (adapter_busy(r->lanes[i].adapter))
				adapter_kill(r->lanes[i].adapter);
			else if (r->lanes[i].state == LANE_STEP &&
			    r->lanes[i].wait != LANE_WAIT_NONE)
				lane_arm(&r->lanes[i], 0);
		}
		if (evtimer_pending(r->ev_quiet, NULL))
			event_active(r->ev_quiet, EV_TIMEOUT, 0);
	}
}

/*
 * lane_probe - a watch's next probe verb (lane 0, after info): true if one
 * was started
 */
static bool
lane_probe(struct runner_lane *l)
{
	const struct runner_watch	*w = l->r->cfg->watch;

	if (w == NULL || l->probe >= w->nprobes || l->r->interrupted)
		return false;
	l->state = LANE_PROBE;
	lane_verb(l, w->probes[l->probe++], NULL, 0, RUNNER_VERB_TIMEOUT);
	return true;
}

/*
 * runner_watch_snapshot - the processes of the namespace but the harness
 * and dnsmasq (with parent > 0, only its children): with one lane and no
 * verb running, what the SUT left
 */
static void
runner_watch_snapshot(struct runner *r, struct procs *p, pid_t parent)
{
	pid_t	skip[3];
	size_t	n = 0;

	skip[n++] = getpid();
	if (r->resolver != NULL && resolver_pid(r->resolver) > 0)
		skip[n++] = resolver_pid(r->resolver);
	if (r->validator != NULL && resolver_pid(r->validator) > 0)
		skip[n++] = resolver_pid(r->validator);
	procs_snapshot(p, "/proc", skip, n, parent);
}

/*
 * runner_watch_stopped - the last stop returned: what is left. A signal
 * stop sent may take a moment to land: up to RUNNER_WATCH_GRACE_MS, in
 * steps (once, at the end of an adapter-check run).
 */
static void
runner_watch_stopped(struct runner *r)
{
	struct runner_watch	*w = r->cfg->watch;
	int			 ms;

	for (ms = 0; ; ms += 10) {
		runner_watch_snapshot(r, &w->left, 0);
		if ((w->left.n == 0 && w->left.more == 0) ||
		    ms >= RUNNER_WATCH_GRACE_MS)
			break;
		(void)usleep(10 * 1000);
	}
	w->stopped = true;
}

/* runner_watch_started - start or restart returned: its daemons */
static void
runner_watch_started(struct runner *r)
{
	if (r->cfg->watch != NULL)
		runner_watch_snapshot(r, &r->cfg->watch->started, getpid());
}

/* runner_watch_deliver - before a deliver: is every daemon still alive? */
static void
runner_watch_deliver(struct runner_lane *l)
{
	struct runner_watch	*w = l->r->cfg->watch;
	struct procs		*p;
	char			 esc[4 * PROCS_COMM_MAX + 1];
	size_t			 i;

	if (w == NULL)
		return;
	w->delivers_checked++;
	p = &w->started;
	for (i = 0; i < p->n && w->gone[0] == '\0'; i++)
		if (!procs_alive("/proc", p, i))
			(void)str_fmt(w->gone, sizeof(w->gone), "pid %ld (%s), "
			    "left running by start, was gone before the "
			    "deliver of %s step %zu", (long)p->pid[i],
			    str_escape(esc, sizeof(esc), p->comm[i]),
			    l->r->scns[l->cur]->id, l->step + 1);
}

/* lane_verb - run one adapter verb; its end comes to lane_on_verb */
static void
lane_verb(struct runner_lane *l, const char *verb, const char *const *args,
    size_t nargs, int timeout)
{
	struct adapter_result	res;
	struct err		err;

	if (adapter_run(l->adapter, verb, args, nargs, timeout, lane_on_verb,
	    l, &err) == 0)
		return;
	memset(&res, 0, sizeof(res));
	res.verb = verb;
	res.status = -1;
	(void)str_fmt(res.errout, sizeof(res.errout), "%s", err.msg);
	res.errlen = strlen(res.errout);
	lane_on_verb(&res, l);
}

static void
lane_on_verb(const struct adapter_result *res, void *arg)
{
	struct runner_lane	*l = arg;
	struct runner		*r = l->r;
	char			 esc[160];

	if (log_verbosity() >= 1)
		runner_echo(res);
	if (r->cfg->watch != NULL && r->cfg->watch->on_verb != NULL)
		r->cfg->watch->on_verb(res, l->state == LANE_STEP ?
		    r->scns[l->cur]->id : NULL, r->cfg->watch->arg);
	switch (l->state) {
	case LANE_INFO:
		if (res->status == 0)
			(void)str_copy(r->sum->sut_info, res->out,
			    sizeof(r->sum->sut_info));
		if (lane_probe(l))
			return;
		runner_all_started(r);
		return;
	case LANE_PROBE:
		if (lane_probe(l))
			return;
		l->state = LANE_INFO;
		runner_all_started(r);
		return;
	case LANE_START:
		runner_watch_started(r);
		l->sut_up = true;	/* a failed start still gets its stop */
		if (res->status != 0)
			(void)str_fmt(l->start_error, sizeof(l->start_error),
			    "adapter start failed (lane %u, status %d%s): "
			    "%.160s", l->k, res->status, res->timed_out ?
			    ", timed out" : "", res->errout);
		l->state = LANE_READY;
		if (--r->busy == 0)
			runner_all_started(r);
		return;
	case LANE_STEP:
		lane_after_verb(l, res);
		return;
	case LANE_STOP:
		if (r->busy == 1 && r->cfg->watch != NULL)
			runner_watch_stopped(r);
		if (res->status != 0)
			log_warnx("adapter stop (lane %u): status %d: %s", l->k,
			    res->status, str_escape(esc, sizeof(esc),
			    res->errout));
		l->state = LANE_DONE;
		if (--r->busy == 0)
			runner_teardown(r);
		return;
	case LANE_READY:
	case LANE_IDLE:
	case LANE_DONE:
	default:
		fatalx("lane_on_verb: verb %s in state %d", res->verb,
		    l->state);
	}
}

/*
 * runner_all_started - info done: start every lane; every lane started:
 * hand out scenarios, or give up on them all if any lane failed (the
 * verdicts must not depend on how many lanes there are)
 */
static void
runner_all_started(struct runner *r)
{
	const char	*why = NULL;
	size_t		 i;

	if (r->lanes[0].state == LANE_INFO) {
		if (r->interrupted) {
			runner_fail_rest(r, "interrupted");
			runner_stop_all(r);
			return;
		}
		r->busy = r->nlanes;
		for (i = 0; i < r->nlanes; i++) {
			r->lanes[i].state = LANE_START;
			lane_verb(&r->lanes[i], "start", NULL, 0,
			    RUNNER_VERB_TIMEOUT);
		}
		return;
	}
	for (i = 0; i < r->nlanes && why == NULL; i++)
		if (r->lanes[i].start_error[0] != '\0')
			why = r->lanes[i].start_error;
	if (r->interrupted)
		why = "interrupted";
	if (why != NULL) {
		runner_fail_rest(r, why);
		runner_stop_all(r);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &r->steps_t0);
	r->steps_begun = true;
	for (i = 0; i < r->nlanes; i++)
		lane_next_scenario(&r->lanes[i]);
}

static void
runner_fail_rest(struct runner *r, const char *why)
{
	size_t	i;

	for (i = r->next; i < r->n; i++) {
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
	r->next = r->n;
}

/* lane_next_scenario - the next scenario nobody runs yet, or idle */
static void
lane_next_scenario(struct runner_lane *l)
{
	struct runner	*r = l->r;

	if (r->interrupted || r->next >= r->n) {
		l->state = LANE_IDLE;
		l->ci = NULL;
		runner_lane_idle(r);
		return;
	}
	l->cur = r->next++;
	r->results[l->cur].scn = r->scns[l->cur];
	l->kth = 0;
	clock_gettime(CLOCK_MONOTONIC, &l->t0);
	lane_begin_instance(l);
}

static void
lane_begin_instance(struct runner_lane *l)
{
	l->ci = &l->r->insts[l->r->first[l->cur] + l->kth];
	l->fetches_seen = obs_instance_named_fetches(l->ci->obs);
	l->step = 0;
	lane_begin_step(l);
}

static void
lane_begin_step(struct runner_lane *l)
{
	struct step_claim	*c = &l->ci->claims[l->step];

	memset(c, 0, sizeof(*c));
	c->outcome = OUTCOME_FAILED;
	l->ci->nsteps = l->step + 1;
	obs_instance_reserve(l->ci->obs, l->ci->nsteps);
	l->state = LANE_STEP;
	l->act = 0;
	l->wait = LANE_WAIT_NONE;
	if (log_verbosity() >= 1)
		fprintf(stderr, "  == [%u] %s: %s step %zu/%zu on %s\n", l->k,
		    l->r->scns[l->cur]->id, l->ci->twin ? "clean twin" :
		    "scenario", l->step + 1, l->r->scns[l->cur]->nsteps,
		    l->ci->domain);
	lane_continue(l);
}

/* lane_continue - run the step's actions until one waits, then end it */
static void
lane_continue(struct runner_lane *l)
{
	while (l->act < RUNNER_NACTIONS)
		if (!runner_actions[l->act++].run(l))
			return;			/* it resumes the lane later */
	lane_end_step(l);
}

/* runner_act_world - bring up the step's world if it is not the one up */
static bool
runner_act_world(struct runner_lane *l)
{
	struct runner		*r = l->r;
	const struct scenario	*scn = r->scns[l->cur];
	struct runner_inst	*in = l->ci;
	struct step_claim	*c = &in->claims[l->step];
	const struct scn_world	*w = judge_world(scn, in->twin, l->step);
	struct err		 err;
	char			 esc[JUDGE_DETAIL_MAX];

	l->dns_changed = false;
	if (w != in->world_src) {
		l->dns_changed = in->world_src != NULL;
		/* the old world's last records still land in its step */
		world_free(in->world);
		in->world = NULL;
		in->world_src = NULL;
		in->world = world_new(r->base, r->pki, r->zone, r->key, w,
		    in->domain,
		    in->a, in->b, &(struct world_ports){ r->cfg->smtp_port,
		    r->cfg->https_port, r->cfg->http_port }, &err);
		/*
		 * the old world's listener on this address may live on for a
		 * moment in a child another lane just forked: try again soon
		 */
		if (in->world == NULL && err.sys_errno == EADDRINUSE &&
		    l->bind_retries++ < RUNNER_BIND_RETRIES) {
			l->act--;			/* this action again */
			l->wait = LANE_WAIT_WORLD;
			lane_arm(l, RUNNER_BIND_RETRY_MS);
			return false;
		}
		l->bind_retries = 0;
		if (in->world == NULL) {
			(void)str_fmt(c->detail, sizeof(c->detail),
			    "world: %s", err.msg);
			log_warnx("%s: %s", scn->id, str_escape(esc,
			    sizeof(esc), c->detail));
			obs_instance_set_step(in->obs, (int)l->step);
			l->act = RUNNER_NACTIONS;	/* nothing else runs */
			return true;
		}
		in->world_src = w;
	}
	obs_instance_set_step(in->obs, (int)l->step);
	if (r->resolver_down[0] != '\0')
		obs_instance_incomplete(in->obs, r->resolver_down);
	return true;
}

/*
 * runner_act_flush - a step whose world replaced another changed DNS:
 * nothing the resolver cached from the old one may answer now
 */
static bool
runner_act_flush(struct runner_lane *l)
{
	struct runner	*r = l->r;

	if (!l->dns_changed || r->resolver == NULL)
		return true;
	l->wait = LANE_WAIT_FLUSH;
	if (r->flushing)
		r->flush_next[r->nflush_next++] = l;
	else {
		r->flush_now[r->nflush_now++] = l;
		runner_flush_start(r);
	}
	return false;
}

/* runner_flush_start - flush for every lane in flush_now */
static void
runner_flush_start(struct runner *r)
{
	struct err	err;

	r->flushing = true;
	if (resolver_flush(r->resolver, runner_on_flushed, r, &err) == 0)
		return;
	runner_on_flushed(r, &err);
}

/*
 * runner_on_flushed - the lanes that asked before this flush began are
 * served (or, if it failed, their steps cannot be judged); the ones that
 * asked during it need the next
 */
static void
runner_on_flushed(void *arg, const struct err *err)
{
	struct runner		*r = arg;
	struct runner_lane	*l;
	char			 why[JUDGE_DETAIL_MAX];
	size_t			 i, n = r->nflush_now;

	r->flushing = false;
	if (err != NULL)
		(void)str_fmt(why, sizeof(why), "the resolver's cache could "
		    "not be flushed after a DNS change: %s", err->msg);
	r->nflush_now = 0;
	for (i = 0; i < n; i++) {
		l = r->flush_now[i];
		if (err != NULL)
			obs_instance_incomplete(l->ci->obs, why);
		l->wait = LANE_WAIT_NONE;
		lane_continue(l);
	}
	if (r->nflush_next > 0 && !r->flushing) {
		memcpy(r->flush_now, r->flush_next, r->nflush_next *
		    sizeof(*r->flush_now));
		r->nflush_now = r->nflush_next;
		r->nflush_next = 0;
		if (r->resolver != NULL)
			runner_flush_start(r);
		else {
			struct err e2;

			err_set(&e2, ERR_IO, "%s", r->resolver_down);
			runner_on_flushed(r, &e2);
		}
	}
}

/* runner_resolver_start - dnsmasq in front of fake-dns */
static int
runner_resolver_start(struct runner *r, struct err *err)
{
	struct resolver_config	rc;

	if (r->nanchors > 0 && r->validator == NULL &&
	    runner_validator_start(r, err) == -1)
		return -1;
	memset(&rc, 0, sizeof(rc));
	rc.dir = r->cfg->tmpdir;
	rc.listen_addr = r->cfg->resolver_addr;
	rc.listen_port = r->cfg->dns_port;
	rc.upstream_addr = r->cfg->dns_addr;
	rc.upstream_port = r->cfg->dns_port;
	rc.on_exit = runner_on_resolver_exit;
	rc.arg = r;
	rc.anchors = (const char *const *)r->anchors;
	rc.nanchors = r->nanchors;
	rc.validator_addr = RUNNER_VALIDATOR_ADDR;
	if ((r->resolver = resolver_new(r->base, &rc, err)) == NULL)
		return -1;
	return 0;
}

/*
 * runner_validator_start - the second dnsmasq of a run with signed zones:
 * it validates them against the run's anchors and is asked only for
 * them, by the resolver (docs/resolver.md, "DNSSEC")
 */
static int
runner_validator_start(struct runner *r, struct err *err)
{
	struct resolver_config	rc;
	char			dir[PATH_MAX];

	if (str_fmt(dir, sizeof(dir), "%s/validator", r->cfg->tmpdir) == -1)
		return err_set(err, ERR_RANGE, "validator: path too long");
	if (mkdir(dir, 0755) == -1 && errno != EEXIST)
		return err_sys(err, "validator: mkdir %s", dir);
	memset(&rc, 0, sizeof(rc));
	rc.dir = dir;
	rc.listen_addr = RUNNER_VALIDATOR_ADDR;
	rc.listen_port = r->cfg->dns_port;
	rc.upstream_addr = r->cfg->dns_addr;
	rc.upstream_port = r->cfg->dns_port;
	rc.on_exit = runner_on_validator_exit;
	rc.arg = r;
	rc.anchors = (const char *const *)r->anchors;
	rc.nanchors = r->nanchors;
	rc.validator = true;
	if ((r->validator = resolver_new(r->base, &rc, err)) == NULL) {
		err_prefix(err, "validator on %s:%u", RUNNER_VALIDATOR_ADDR,
		    r->cfg->dns_port);
		return -1;
	}
	return 0;
}

/*
 * runner_dnsmasq_died - what (a dnsmasq of the run) exited: the steps
 * running now cannot be judged (what did the SUT resolve?)
 */
static void
runner_dnsmasq_died(struct runner *r, const char *what, int wstatus)
{
	char	why[JUDGE_DETAIL_MAX];
	size_t	i;

	(void)str_fmt(why, sizeof(why), "%s %s %d during the step", what,
	    WIFSIGNALED(wstatus) ? "was killed by signal" : "exited with "
	    "status", WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) :
	    WEXITSTATUS(wstatus));
	log_warnx("%s", why);
	for (i = 0; i < r->nlanes; i++)
		if (r->lanes[i].state == LANE_STEP && r->lanes[i].ci != NULL)
			obs_instance_incomplete(r->lanes[i].ci->obs, why);
}

/*
 * runner_on_validator_exit - the validating dnsmasq died: the steps
 * running now cannot be judged; start it again for the rest
 */
static void
runner_on_validator_exit(void *arg, int wstatus)
{
	struct runner	*r = arg;
	struct err	 err;

	runner_dnsmasq_died(r, "the validating resolver (dnsmasq)", wstatus);
	resolver_free(r->validator);	/* when this callback returns */
	r->validator = NULL;
	if (r->stopping)
		return;
	if (runner_validator_start(r, &err) == -1)
		log_warnx("%s", err.msg);
}

/*
 * runner_on_resolver_exit - dnsmasq died: the steps running now cannot be
 * judged (what did the SUT resolve?); start it again for the rest
 */
static void
runner_on_resolver_exit(void *arg, int wstatus)
{
	struct runner	*r = arg;
	struct err	 err;

	runner_dnsmasq_died(r, "the resolver (dnsmasq)", wstatus);
	resolver_free(r->resolver);	/* when this callback returns */
	r->resolver = NULL;
	if (r->stopping)
		return;
	if (runner_resolver_start(r, &err) == -1) {
		(void)str_fmt(r->resolver_down, sizeof(r->resolver_down),
		    "the resolver (dnsmasq) is down: %s", err.msg);
		log_warnx("%s", r->resolver_down);
	}
}

static bool
runner_act_restart(struct runner_lane *l)
{
	if (!l->r->scns[l->cur]->steps[l->step].restart)
		return true;
	lane_verb(l, "restart", NULL, 0, RUNNER_VERB_TIMEOUT);
	return false;
}

static bool
runner_act_clock(struct runner_lane *l)
{
	const struct scn_step	*st = &l->r->scns[l->cur]->steps[l->step];
	char			 secs[32];
	const char		*args[1] = { secs };

	if (st->clock == 0)
		return true;
	(void)str_fmt(secs, sizeof(secs), "%lu", st->clock);
	lane_verb(l, "clock", args, 1, RUNNER_VERB_TIMEOUT);
	return false;
}

/*
 * runner_act_relay - "relay DOMAIN" for a step with a smart host; for one
 * without, "relay -" if an earlier step on the lane left one set, so that
 * it never carries over into another step or scenario
 */
static bool
runner_act_relay(struct runner_lane *l)
{
	const struct scn_step	*st = &l->r->scns[l->cur]->steps[l->step];
	char			 dom[SCN_NAME_MAX];
	const char		*args[1] = { dom };

	/* the loader checked that every "relay" makes a name too */
	if (scenario_relay_domain(st, l->ci->domain, dom, sizeof(dom)) == -1)
		fatalx("runner: step %zu: relay domain too long", l->step + 1);
	if (dom[0] == '\0') {
		if (!l->relay_on)
			return true;
		(void)str_copy(dom, RUNNER_RELAY_NONE, sizeof(dom));
	}
	l->relay_on = true;	/* until "relay -" exits 0 */
	lane_verb(l, "relay", args, 1, RUNNER_VERB_TIMEOUT);
	return false;
}

/*
 * runner_act_dane - before a delivery to a scenario with a signed zone,
 * the optional "dane" verb: exit 0 says the SUT is a DANE sender (RFC
 * 7672) that trusts its resolver's AD bit; 89 makes the scenario SKIP.
 * With --resolver direct nothing validates, so nothing can be secure:
 * SKIP too, without asking.
 */
static bool
runner_act_dane(struct runner_lane *l)
{
	struct step_claim	*c = &l->ci->claims[l->step];

	if (!scenario_signed(l->r->scns[l->cur]))
		return true;
	if (l->r->cfg->resolver_direct) {
		c->outcome = OUTCOME_UNSUPPORTED;
		(void)str_copy(c->detail, "a signed zone needs the validating "
		    "resolver (not --resolver direct)", sizeof(c->detail));
		l->act = RUNNER_NACTIONS;
		return true;
	}
	lane_verb(l, "dane", NULL, 0, RUNNER_VERB_TIMEOUT);
	return false;
}

/*
 * runner_act_deliver - one message to user@ the step's recipient domain
 * (its "to": the scenario domain, a name below it, or the address literal
 * of a host), carrying a token
 */
static bool
runner_act_deliver(struct runner_lane *l)
{
	const struct scn_step	*st = &l->r->scns[l->cur]->steps[l->step];
	struct step_claim	*c = &l->ci->claims[l->step];
	char			 rcpt[SCN_NAME_MAX + 8], msg[RUNNER_PATH_MAX];
	char			 dom[SCN_NAME_MAX];
	const char		*args[2] = { rcpt, msg };
	struct err		 err;

	/* the loader checked that every "to" makes a name with the domain */
	if (scenario_rcpt_addr(st, judge_world(l->r->scns[l->cur],
	    l->ci->twin, l->step), l->ci->domain, l->ci->a, l->ci->b, dom,
	    sizeof(dom)) == -1)
		fatalx("runner: step %zu: recipient domain too long",
		    l->step + 1);
	(void)str_fmt(rcpt, sizeof(rcpt), "user@%s", dom);
	if (lane_write_message(l, rcpt, msg, sizeof(msg), &err) == -1) {
		(void)str_fmt(c->detail, sizeof(c->detail), "message: %s",
		    err.msg);
		l->act = RUNNER_NACTIONS;
		return true;
	}
	obs_token_add(l->r->obs, l->token, l->ci->obs, (int)l->step);
	c->deliver_ran = true;
	runner_watch_deliver(l);
	lane_verb(l, "deliver", args, 2, l->r->cfg->timeout +
	    RUNNER_DELIVER_SLACK);
	return false;
}

/*
 * runner_act_alerts - a step whose expectation asks about alerts (never a
 * twin's: judge_twin_step clears the key) ends with the alerts verb,
 * once the refresh it asks about is over (after settle and wait-policy)
 */
static bool
runner_act_alerts(struct runner_lane *l)
{
	const struct scn_step	*st = &l->r->scns[l->cur]->steps[l->step];
	struct step_claim	*c = &l->ci->claims[l->step];

	if (st->expect_alert == SCN_WANT_ANY || l->ci->twin ||
	    l->r->interrupted || c->outcome == OUTCOME_FAILED)
		return true;
	lane_verb(l, "alerts", NULL, 0, RUNNER_VERB_TIMEOUT);
	return false;
}

/*
 * lane_after_alerts - 0: scan the lines for the step's recipient domain;
 * 89: the alert question is open (docs/verdicts.md rule 2); anything else
 * is an adapter error, as for clock
 */
static void
lane_after_alerts(struct runner_lane *l, const struct adapter_result *res)
{
	const struct scn_step	*st = &l->r->scns[l->cur]->steps[l->step];
	struct step_claim	*c = &l->ci->claims[l->step];
	char			 dom[SCN_NAME_MAX];

	if (res->status == 0 && !res->timed_out && !l->r->interrupted) {
		if (scenario_rcpt_domain(st, l->ci->domain, dom,
		    sizeof(dom)) == -1)
			fatalx("runner: step %zu: recipient domain too long",
			    l->step + 1);
		judge_alerts_scan(res->out, res->outlen, dom, c);
	} else if (res->status == ADAPTER_EXIT_UNSUPPORTED &&
	    !res->timed_out && !l->r->interrupted)
		c->alerts = ALERTS_UNSUPPORTED;
	else {
		c->outcome = OUTCOME_FAILED;
		(void)str_fmt(c->detail, sizeof(c->detail), "alerts: %s %d%s: "
		    "%.160s", res->status == -1 ? "killed by signal" :
		    "exit status", res->status == -1 ? res->signal :
		    res->status, res->timed_out ? " (timed out)" : "",
		    res->errout);
		l->act = RUNNER_NACTIONS;
	}
	lane_continue(l);
}

/* lane_after_verb - clock or deliver ended: note it, go on or stop */
static void
lane_after_verb(struct runner_lane *l, const struct adapter_result *res)
{
	struct step_claim	*c = &l->ci->claims[l->step];

	c->sut_seconds += res->seconds;
	l->r->sum->sut_seconds += res->seconds;
	if (strcmp(res->verb, "alerts") == 0) {
		lane_after_alerts(l, res);
		return;
	}
	if (strcmp(res->verb, "deliver") != 0) {	/* clock, restart, relay */
		if (strcmp(res->verb, "restart") == 0 && res->status == 0)
			runner_watch_started(l->r);
		if (strcmp(res->verb, "relay") == 0)
			lane_after_relay(l, res);
		if (res->status != 0 || l->r->interrupted) {
			c->outcome = res->status == ADAPTER_EXIT_UNSUPPORTED &&
			    !res->timed_out ? OUTCOME_UNSUPPORTED :
			    OUTCOME_FAILED;
			(void)str_fmt(c->detail, sizeof(c->detail),
			    "%s: %s %d%s: %.160s", res->verb, res->status == -1 ?
			    "killed by signal" : "exit status",
			    res->status == -1 ? res->signal : res->status,
			    res->timed_out ? " (timed out)" : "", res->errout);
			l->act = RUNNER_NACTIONS;
		}
		lane_continue(l);
		return;
	}
	runner_outcome(res, c);
	if (l->r->interrupted) {
		c->outcome = OUTCOME_FAILED;
		(void)str_copy(c->detail, "interrupted", sizeof(c->detail));
	}
	lane_continue(l);
}

/*
 * lane_after_relay - what the SUT's smart host is now: none after "relay
 * -" exited 0, or after "relay DOMAIN" exited 89 (nothing was set)
 */
static void
lane_after_relay(struct runner_lane *l, const struct adapter_result *res)
{
	const struct scn_step	*st = &l->r->scns[l->cur]->steps[l->step];

	if (st->relay[0] == '\0' ? res->status == 0 : res->status ==
	    ADAPTER_EXIT_UNSUPPORTED && !res->timed_out)
		l->relay_on = false;
}

/* runner_act_settle - the step ends when its SMTP sessions have closed */
static bool
runner_act_settle(struct runner_lane *l)
{
	if (l->r->interrupted || obs_instance_open(l->ci->obs) == 0)
		return true;
	l->wait = LANE_WAIT_SETTLE;
	lane_arm(l, RUNNER_SETTLE_MS);
	return false;
}

/*
 * runner_act_wait_policy - wait: policy holds the lane until a named GET
 * for the instance was seen and its connection closed (the sender has its
 * answer), at most policy_wait_ms (STS_TIMEOUT if 0); nothing to wait for
 * when the adapter broke
 * or the SUT said "error" (that step is ERROR anyway)
 */
static bool
runner_act_wait_policy(struct runner_lane *l)
{
	const struct scn_step	*st = &l->r->scns[l->cur]->steps[l->step];
	struct step_claim	*c = &l->ci->claims[l->step];

	if (st->wait != SCN_WAIT_POLICY || l->r->interrupted ||
	    c->outcome == OUTCOME_FAILED || c->outcome == OUTCOME_ERROR)
		return true;
	c->policy_wait = true;
	l->wait = LANE_WAIT_POLICY;
	lane_arm(l, l->r->cfg->policy_wait_ms > 0 ? l->r->cfg->policy_wait_ms :
	    (unsigned int)l->r->cfg->timeout * 1000);
	lane_check_wait(l);
	return false;
}

/* lane_check_wait - a record came: is what the lane waits for there? */
static void
lane_check_wait(struct runner_lane *l)
{
	struct obs_instance	*in = l->ci->obs;
	unsigned int		 n;

	if ((n = obs_instance_named_fetches(in)) != l->fetches_seen) {
		l->fetches_seen = n;
		l->fetch_at = l->r->last_event;
	}
	switch (l->wait) {
	case LANE_WAIT_NONE:
	case LANE_WAIT_WORLD:
	case LANE_WAIT_FLUSH:
		return;
	case LANE_WAIT_SETTLE:
		if (obs_instance_open(in) > 0)
			return;
		break;
	case LANE_WAIT_POLICY:
		if (l->fetches_seen == 0)
			return;
		/* a connection kept alive gets a moment, not the timeout */
		if (obs_instance_https_open(in) > 0) {
			lane_arm(l, RUNNER_FETCH_SETTLE_MS);
			return;
		}
		break;
	default:
		fatalx("lane_check_wait: bad wait %d", l->wait);
	}
	/*
	 * go on from the loop, not from here: this may run inside a fake
	 * server's event callback, and the next action may free that very
	 * server (a world change), session and all
	 */
	lane_arm(l, 0);
}

/* lane_arm - (re)start the lane's timer: the bound of what it waits for */
static void
lane_arm(struct runner_lane *l, unsigned int ms)
{
	struct timeval	tv = { ms / 1000, (ms % 1000) * 1000 };

	evtimer_del(l->ev_timer);
	evtimer_add(l->ev_timer, &tv);
}

/* lane_on_timer - what the lane waited for did not come in time */
static void
lane_on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct runner_lane	*l = arg;

	(void)fd;
	(void)what;
	if (l->state != LANE_STEP || l->wait == LANE_WAIT_NONE ||
	    l->wait == LANE_WAIT_FLUSH)
		return;
	if (l->wait == LANE_WAIT_POLICY && l->fetches_seen == 0 &&
	    !l->r->interrupted)
		l->ci->claims[l->step].policy_wait_timed_out = true;
	l->wait = LANE_WAIT_NONE;
	lane_continue(l);
}

/* lane_end_step - close the step's window; next step or instance */
static void
lane_end_step(struct runner_lane *l)
{
	const struct scenario	*scn = l->r->scns[l->cur];
	struct step_claim	*c = &l->ci->claims[l->step];

	/* what dnsmasq logged during the step belongs to it (resolver.h) */
	resolver_drain(l->r->resolver);
	/* a blackholed or trickled fetch the sender left ends with its step */
	world_end_step(l->ci->world);
	obs_instance_end_step(l->ci->obs, (int)l->step);
	/* a broken adapter makes the remaining steps meaningless */
	if (++l->step < scn->nsteps && !l->r->interrupted &&
	    c->outcome != OUTCOME_FAILED && c->outcome != OUTCOME_UNSUPPORTED) {
		lane_begin_step(l);
		return;
	}
	if (!l->r->interrupted && ++l->kth < (scn->has_attack ? 2u : 1u)) {
		lane_begin_instance(l);
		return;
	}
	lane_finish_scenario(l);
}

static void
lane_finish_scenario(struct runner_lane *l)
{
	struct runner		*r = l->r;
	struct scn_result	*res = &r->results[l->cur];

	res->ran = true;
	res->seconds = runner_since(&l->t0);
	if (r->interrupted) {
		res->verdict = VERDICT_ERROR;
		(void)str_copy(res->reason, "interrupted", sizeof(res->reason));
	} else {
		r->final[l->cur] = true;
		runner_judge(r, l->cur, false);
	}
	res->shown = true;
	res->shown_verdict = res->verdict;
	res->shown_leak = res->leak;
	res->shown_misreport = res->misreport;
	if (r->cfg->progress != NULL)
		runner_line(r->cfg->progress, res, "");
	lane_next_scenario(l);
}

/* runner_lane_idle - once every lane is idle: the quiet period, or stop */
static void
runner_lane_idle(struct runner *r)
{
	size_t	i;

	for (i = 0; i < r->nlanes; i++)
		if (r->lanes[i].state != LANE_IDLE)
			return;
	r->sum->steps_seconds = runner_since(&r->steps_t0);
	if (r->interrupted) {
		runner_fail_rest(r, "interrupted");
		runner_stop_all(r);
		return;
	}
	runner_quiet(r);
}

/*
 * runner_quiet - wait until no record has come for --quiet-period; if the
 * SUT is still busy STS_TIMEOUT seconds in, give it one more quiet period
 * and mark what it does after that as unjudged (incomplete)
 */
static void
runner_quiet(struct runner *r)
{
	clock_gettime(CLOCK_MONOTONIC, &r->quiet_t0);
	r->quiet_snapped = false;
	runner_on_quiet(-1, 0, r);
}

static void
runner_on_quiet(evutil_socket_t fd, short what, void *arg)
{
	struct runner	*r = arg;
	double		 quiet = r->cfg->quiet_ms / 1000.0, left, in;
	struct timeval	 tv;
	size_t		 i;

	(void)fd;
	(void)what;
	in = runner_since(&r->quiet_t0);
	left = quiet - runner_since(&r->last_event);
	if (r->interrupted || left <= 0)
		goto stop;
	if (!r->quiet_snapped && in >= r->cfg->timeout) {
		r->quiet_snapped = true;
		r->quiet_snap = observer_seq(r->obs);
	}
	if (r->quiet_snapped && in >= r->cfg->timeout + quiet) {
		for (i = 0; i < r->ninsts; i++)
			if (obs_instance_last_seq(r->insts[i].obs) >
			    r->quiet_snap)
				obs_instance_incomplete(r->insts[i].obs,
				    "the SUT was still active when the run "
				    "ended");
		goto stop;
	}
	if (!r->quiet_snapped && in + left > r->cfg->timeout)
		left = r->cfg->timeout - in + 0.001;
	tv.tv_sec = (time_t)left;
	tv.tv_usec = (suseconds_t)((left - (double)tv.tv_sec) * 1e6) + 1;
	evtimer_add(r->ev_quiet, &tv);
	return;
stop:
	r->sum->quiet_seconds = in;
	runner_stop_all(r);
}

/* runner_stop_all - stop every lane whose SUT was started */
static void
runner_stop_all(struct runner *r)
{
	size_t	i;

	if (r->stopping)
		return;
	r->stopping = true;
	r->busy = 0;
	for (i = 0; i < r->nlanes; i++) {
		if (!r->lanes[i].sut_up) {
			r->lanes[i].state = LANE_DONE;
			continue;
		}
		r->lanes[i].sut_up = false;
		r->lanes[i].state = LANE_STOP;
		r->busy++;
	}
	if (r->busy == 0) {
		runner_teardown(r);
		return;
	}
	for (i = 0; i < r->nlanes; i++)
		if (r->lanes[i].state == LANE_STOP)
			lane_verb(&r->lanes[i], "stop", NULL, 0,
			    r->interrupted ? RUNNER_STOP_TIMEOUT_INT :
			    RUNNER_VERB_TIMEOUT);
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

	/* dnsmasq goes first: the kill below would look like its death */
	resolver_free(r->resolver);
	r->resolver = NULL;
	resolver_free(r->validator);
	r->validator = NULL;
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
	event_base_loopbreak(r->base);
}

/*
 * runner_outcome - the claim: the last line of stdout that starts
 * with '{' must be {"outcome": ..., "detail": ...}. Exit 89 from deliver
 * is no excuse: every SUT must deliver.
 */
void
runner_outcome(const struct adapter_result *res, struct step_claim *c)
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
			in->claims = xcalloc(r->scns[i]->nsteps,
			    sizeof(*in->claims));
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

/*
 * runner_dnssec - when a scenario has a signed zone: one key for the run
 * (every signed zone uses it) and a trust anchor for each instance of
 * such a scenario, its domain being its zone's apex. dnsmasq gets them
 * at its start, so they are made for instances that have not run yet.
 */
static int
runner_dnssec(struct runner *r, struct err *err)
{
	char	buf[RESOLVER_ANCHOR_MAX];
	size_t	i;

	for (i = 0; i < r->ninsts; i++) {
		if (!scenario_signed(r->scns[r->insts[i].scn]))
			continue;
		if (r->key == NULL) {
			/*
			 * dnsmasq 2.90 refuses "dnssec" without an anchor for
			 * the root; the run signs no root zone, so this one
			 * anchors nothing (the validator is asked only for
			 * the signed zones, each with its own anchor)
			 */
			if ((r->key = dns_key_new(err)) == NULL ||
			    dns_key_anchor(r->key, ".", buf, sizeof(buf),
			    err) == -1)
				return -1;
			r->anchors = xcalloc(r->ninsts + 1,
			    sizeof(*r->anchors));
			r->anchors[r->nanchors++] = xstrdup(buf);
		}
		if (dns_key_anchor(r->key, r->insts[i].domain, buf,
		    sizeof(buf), err) == -1)
			return -1;
		r->anchors[r->nanchors++] = xstrdup(buf);
	}
	return 0;
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
		ji[w].domain = in->domain;
		ji[w].a = in->a;
		ji[w].b = in->b;
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
	if (res->steps == NULL)
		res->steps = xcalloc(scn->nsteps, sizeof(*res->steps));
	runner_copy_steps(ins[0], scn, steps, res->steps);
	res->nsteps = ins[0]->nsteps;
	if (ins[1] != NULL) {
		if (res->twin == NULL)
			res->twin = xcalloc(scn->nsteps, sizeof(*res->twin));
		runner_copy_steps(ins[1], scn, twin, res->twin);
		res->ntwin = ins[1]->nsteps;
	}
}

/* lane_write_message - an RFC 5322 message to rcpt carrying a fresh token */
static int
lane_write_message(struct runner_lane *l, const char *rcpt, char *path,
    size_t pathsz, struct err *err)
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
		(void)str_fmt(l->token + 2 * i, 3, "%02x", rnd[i]);
	if (str_fmt(path, pathsz, "%s/%s.eml", l->r->msg_dir, l->token) == -1)
		return err_set(err, ERR_RANGE, "message path too long");
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	if ((fp = fopen(path, "w")) == NULL)
		return err_sys(err, "%s", path);
	/* nothing here may tell one scenario, or a twin, from another */
	fprintf(fp, "From: <%s>\r\nTo: <%s>\r\nSubject: MTA-STS "
	    "delivery test\r\nDate: %s\r\nMessage-ID: <%s@harness.example>"
	    "\r\n%s: %s\r\n\r\nThis message was sent by sts-harness to test "
	    "MTA-STS (RFC 8461).\r\n", RUNNER_MAIL_FROM, rcpt, date,
	    l->token, STS_TOKEN_HEADER, l->token);
	if (fclose(fp) != 0)
		return err_sys(err, "%s", path);
	return 0;
}

/* runner_dirs - the run's files, all in its tmpfs; a state dir per lane */
static int
runner_dirs(struct runner *r, struct err *err)
{
	const struct {
		char	*path;
		mode_t	 mode;
		char	 name[8];
	} dirs[] = {
		{ r->state_root, 0755, "state" },
		{ r->msg_dir, 0755, "msg" },
		{ r->tmp_dir, 01777, "tmp" },
	};
	char	pki_dir[RUNNER_PATH_MAX], link[RUNNER_PATH_MAX];
	size_t	i;
	bool	mounted;

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
	for (i = 0; i < r->nlanes; i++) {
		if (str_fmt(r->lanes[i].state_dir, RUNNER_PATH_MAX, "%s/%zu",
		    r->state_root, i) == -1)
			return err_set(err, ERR_RANGE, "%s: path too long",
			    r->state_root);
		if (mkdir(r->lanes[i].state_dir, 0700) == -1 ||
		    chmod(r->lanes[i].state_dir, 0755) == -1)
			return err_sys(err, "mkdir %s", r->lanes[i].state_dir);
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
	/*
	 * the system trust store holds only the unknown CA: a SUT that
	 * trusts it rather than STS_CA_FILE accepts unknown-ca certificates
	 */
	if (str_fmt(link, sizeof(link), "%s/system-certs", pki_dir) == -1)
		return err_set(err, ERR_RANGE, "%s: path too long", pki_dir);
	if (ns_system_trust(link, pki_unknown_ca_file(r->pki),
	    X509_subject_name_hash(pki_unknown_ca_cert(r->pki)), &mounted,
	    err) == -1)
		return -1;
	if (!mounted)
		log_debug("no %s here: no system trust store to replace",
		    NS_SYSTEM_CERTS);
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
 * runner_env - one lane's whole adapter environment: a few of the
 * caller's variables, the STS_* ones (not STS_HARNESS_*), trust pointed
 * at the run's CA, its own STS_STATE_DIR and STS_INSTANCE, and what
 * --pass-env names. Nothing else gets through.
 */
static size_t
runner_env(struct runner *r, const struct runner_lane *l, char **env,
    size_t max)
{
	static const char *const keep[] = { "HOME", "LANG" };
	static const char *const ours[] = { "STS_CA_FILE", "STS_STATE_DIR",
	    "STS_RESOLVER", "STS_TIMEOUT", "STS_MAIL_FROM",
	    "STS_PROTOCOL_VERSION", "STS_INSTANCE" };
	char		  num[32], key[128];
	const char	 *path = getenv("PATH");
	size_t		  n = 0, i, j, klen;

	runner_env_add(env, &n, max, "PATH", path != NULL && *path != '\0' ?
	    path : RUNNER_DEFAULT_PATH);
	for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
		runner_env_add(env, &n, max, keep[i], getenv(keep[i]));
	runner_env_add(env, &n, max, "TMPDIR", r->tmp_dir);
	runner_env_add(env, &n, max, "STS_CA_FILE", r->ca_file);
	runner_env_add(env, &n, max, "STS_STATE_DIR", l->state_dir);
	(void)str_fmt(num, sizeof(num), "%u", l->k);
	runner_env_add(env, &n, max, "STS_INSTANCE", num);
	runner_env_add(env, &n, max, "STS_RESOLVER", r->cfg->resolver_addr);
	(void)str_fmt(num, sizeof(num), "%d", r->cfg->timeout);
	runner_env_add(env, &n, max, "STS_TIMEOUT", num);
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
	size_t		 i, j, nenv;
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
	r.final = xcalloc(n + 1, sizeof(*r.final));
	r.nlanes = cfg->lanes > 0 ? cfg->lanes : 1;
	if (r.nlanes > n && n > 0)
		r.nlanes = n;			/* an idle lane costs a start */
	r.lanes = xcalloc(r.nlanes, sizeof(*r.lanes));
	r.flush_now = xcalloc(r.nlanes, sizeof(*r.flush_now));
	r.flush_next = xcalloc(r.nlanes, sizeof(*r.flush_next));
	sum->seed = cfg->seed;
	sum->quiet_period = cfg->quiet_ms / 1000.0;
	sum->lanes = r.nlanes;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r.last_event = t0;
	if ((r.base = event_base_new()) == NULL) {
		err_set(err, ERR_SYS, "event_base_new failed");
		goto out;
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
	if (runner_plan(&r, err) == -1 || runner_dnssec(&r, err) == -1)
		goto out;
	if (!cfg->resolver_direct && runner_resolver_start(&r, err) == -1) {
		err_prefix(err, "resolver on %s:%u", cfg->resolver_addr,
		    cfg->dns_port);
		goto out;
	}
	log_set_event_hook(runner_on_event, &r);
	for (i = 0; i < r.nlanes; i++) {
		struct runner_lane *l = &r.lanes[i];

		l->r = &r;
		l->k = (unsigned int)i;
		nenv = runner_env(&r, l, env, ADAPTER_ENV_MAX);
		l->adapter = adapter_new(r.base, cfg->adapter,
		    (const char *const *)env, nenv, l->state_dir, err);
		for (j = 0; j < nenv; j++)
			free(env[j]);
		if (l->adapter == NULL)
			goto out;
		if ((l->ev_timer = evtimer_new(r.base, lane_on_timer, l)) ==
		    NULL)
			fatalx("runner: cannot create events");
	}
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
	r.ev_quiet = evtimer_new(r.base, runner_on_quiet, &r);
	if (r.ev_sig == NULL || r.ev_quiet == NULL)
		fatalx("runner: cannot create events");
	event_add(r.ev_sig, NULL);
	r.lanes[0].state = LANE_INFO;
	lane_verb(&r.lanes[0], "info", NULL, 0, RUNNER_VERB_TIMEOUT);
	event_base_dispatch(r.base);
	rc = 0;
out:
	log_set_event_hook(NULL, NULL);
	for (i = 0; i < r.ninsts; i++)
		world_free(r.insts[i].world);
	for (i = 0; i < r.nlanes; i++) {
		adapter_free(r.lanes[i].adapter);
		if (r.lanes[i].ev_timer != NULL)
			event_free(r.lanes[i].ev_timer);
	}
	if (r.ev_sig != NULL)
		event_free(r.ev_sig);
	if (r.ev_quiet != NULL)
		event_free(r.ev_quiet);
	if (r.sigfd != -1)
		close(r.sigfd);
	resolver_free(r.resolver);
	resolver_free(r.validator);
	observer_free(r.obs);
	free(r.flush_now);
	free(r.flush_next);
	for (i = 0; i < r.ninsts; i++)
		free(r.insts[i].claims);
	free(r.insts);
	free(r.first);
	free(r.final);
	free(r.lanes);
	dns_server_free(r.dns);
	dns_zone_free(r.zone);
	dns_key_free(r.key);
	for (i = 0; i < r.nanchors; i++)
		free(r.anchors[i]);
	free(r.anchors);
	pki_free(r.pki);
	if (r.base != NULL)
		event_base_free(r.base);
	sum->seconds = runner_since(&t0);
	if (getrusage(RUSAGE_SELF, &ru) == 0) {
		sum->harness_max_rss_kb = ru.ru_maxrss;
		sum->harness_cpu_seconds = runner_cpu(&ru);
	}
	if (getrusage(RUSAGE_CHILDREN, &ru) == 0) {
		sum->sut_max_rss_kb = ru.ru_maxrss;
		sum->sut_cpu_seconds = runner_cpu(&ru);
	}
	return rc;
}

void
runner_results_clear(struct scn_result *res, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (res[i].scn != NULL) {
			runner_records_free(res[i].steps, res[i].scn->nsteps);
			runner_records_free(res[i].twin, res[i].scn->nsteps);
		}
		res[i].steps = res[i].twin = NULL;
		res[i].nsteps = res[i].ntwin = 0;
	}
}

/* runner_records_free - n step records (NULL: none) and what they own */
static void
runner_records_free(struct step_record *recs, size_t n)
{
	size_t	j, k;

	if (recs == NULL)
		return;
	for (j = 0; j < n; j++) {
		for (k = 0; k < recs[j].ntranscript; k++)
			free(recs[j].transcript[k]);
		free(recs[j].transcript);
		free(recs[j].data);
	}
	free(recs);
}
