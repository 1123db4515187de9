/* SPDX-License-Identifier: ISC */
/*
 * observe.c -- fold event records into observations. Owns the instances
 * and their copies of the records; never trusts a record's content beyond
 * parsing it. Every bound here is high enough for a hostile SUT, and
 * reaching one marks the step incomplete instead of dropping what it saw.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/log.h"
#include "../common/str.h"
#include "observe.h"

#define OBS_BLOCKS		(256 * 256)	/* 127.a.b.0/24 blocks */

/* An SMTP session's state beyond what the judge reads. */
struct obs_sess_state {
	unsigned int	octet;		/* last octet of its host's address */
	uint64_t	id;
	bool		closed;
	bool		sni_ok;
	bool		fallback;	/* sni required: the fallback cert */
	char		sni[SCN_NAME_MAX];
	/* the transaction's RCPTs (since its MAIL) */
	char		rcpt[SCN_NAME_MAX];	/* the first one's domain */
	unsigned int	nrcpt;
	bool		rcpt_mixed;
};

/* (octet, session id) -> index + 1 in the session arrays; 0 = empty */
struct obs_slot {
	uint64_t	key;
	size_t		idx1;
};

struct obs_step {
	bool		 ended;
	uint64_t	 first_mx_seq, first_fetch_seq;	/* 0 = none yet */
	const char	**lines;
	size_t		 nlines, dropped;
};

struct obs_token {
	char			 token[STS_TOKEN_MAX + 1];
	struct obs_instance	*in;
	int			 step;
};

struct obs_instance {
	struct observer		*obs;
	char			 domain[SCN_NAME_MAX];
	unsigned int		 a, b;
	bool			 twin;
	int			 cur;		/* live step, -1 before any */
	uint64_t		 last_seq;
	unsigned int		 named_total;
	unsigned int		 https_open;	/* connect records not closed */
	size_t			 nlines;	/* kept, over all steps */
	/* [nalloc]: the steps begun so far (obs_instance_set_step) */
	struct step_obs		*so;
	struct obs_step		*st;
	size_t			 nalloc;
	struct obs_session	*sess;		/* judge view */
	struct obs_sess_state	*sstate;	/* parallel to sess */
	size_t			 nsess, sesscap;
	struct obs_slot		*slots;
	size_t			 nslots;	/* power of two */
	struct obs_data		*data;		/* attributed here */
	size_t			 ndata, datacap;
};

struct observer {
	struct obs_instance	**insts;
	size_t			  ninsts;
	struct obs_instance	**by_block;	/* [OBS_BLOCKS] */
	struct obs_token	 *tokens;
	size_t			  ntokens;
	uint64_t		  seq;
};

static struct obs_instance *observer_route(struct observer *,
		    const struct log_record *, unsigned int *);
static bool	obs_parse_laddr(const char *, unsigned int *, unsigned int *,
		    unsigned int *);
static uint64_t	obs_slot_key(unsigned int, uint64_t);
static long	obs_sess_find(const struct obs_instance *, unsigned int,
		    uint64_t);
static void	obs_sess_index(struct obs_instance *, uint64_t, size_t);
static void	obs_sess_new(struct obs_instance *, unsigned int, uint64_t);
static void	obs_fold_mx(struct obs_instance *, const struct log_record *,
		    unsigned int);
static void	obs_fold_http(struct obs_instance *,
		    const struct log_record *);
static bool	obs_fetch_failed(const struct log_record *);
static void	obs_fold_https(struct obs_instance *,
		    const struct log_record *);
static void	obs_fold_data(struct obs_instance *, const struct log_record *,
		    unsigned int, long);
static void	obs_keep_line(struct obs_instance *, const char *);
static void	obs_mark(struct obs_instance *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static bool	obs_names_server(const struct log_record *, const char *);
static void	obs_rcpt(struct obs_sess_state *, const char *);
static struct obs_token *obs_token_find(struct observer *, const char *);

struct observer *
observer_new(void)
{
	struct observer	*obs = xcalloc(1, sizeof(*obs));

	obs->by_block = xcalloc(OBS_BLOCKS, sizeof(*obs->by_block));
	return obs;
}

void
observer_free(struct observer *obs)
{
	struct obs_instance	*in;
	size_t			 i, s, j;

	if (obs == NULL)
		return;
	for (i = 0; i < obs->ninsts; i++) {
		in = obs->insts[i];
		for (s = 0; s < in->nalloc; s++) {
			for (j = 0; j < in->st[s].nlines; j++)
				free((char *)in->st[s].lines[j]);
			free(in->st[s].lines);
		}
		free(in->so);
		free(in->st);
		free(in->sess);
		free(in->sstate);
		free(in->slots);
		free(in->data);
		free(in);
	}
	free(obs->insts);
	free(obs->by_block);
	free(obs->tokens);
	free(obs);
}

uint64_t
observer_seq(const struct observer *obs)
{
	return obs->seq;
}

struct obs_instance *
obs_instance_new(struct observer *obs, const char *domain, unsigned int a,
    unsigned int b, bool twin)
{
	struct obs_instance	*in;

	if (a > 255 || b > 255 || obs->by_block[a * 256 + b] != NULL)
		fatalx("obs_instance_new: block 127.%u.%u is taken", a, b);
	in = xcalloc(1, sizeof(*in));
	in->obs = obs;
	if (str_copy(in->domain, domain, sizeof(in->domain)) == -1)
		fatalx("obs_instance_new: bad domain %s", domain);
	str_lower(in->domain);
	in->a = a;
	in->b = b;
	in->twin = twin;
	in->cur = -1;
	obs->insts = xrealloc(obs->insts, (obs->ninsts + 1) *
	    sizeof(*obs->insts));
	obs->insts[obs->ninsts++] = in;
	obs->by_block[a * 256 + b] = in;
	return in;
}

void
obs_instance_reserve(struct obs_instance *in, size_t n)
{
	if (n > OBS_STEPS_MAX)
		fatalx("obs_instance_reserve: %zu steps", n);
	if (n <= in->nalloc)
		return;
	in->so = xrealloc(in->so, n * sizeof(*in->so));
	in->st = xrealloc(in->st, n * sizeof(*in->st));
	memset(&in->so[in->nalloc], 0, (n - in->nalloc) * sizeof(*in->so));
	memset(&in->st[in->nalloc], 0, (n - in->nalloc) * sizeof(*in->st));
	in->nalloc = n;
}

void
obs_instance_set_step(struct obs_instance *in, int step)
{
	if (step < 0 || step >= OBS_STEPS_MAX)
		fatalx("obs_instance_set_step: step %d out of range", step);
	obs_instance_reserve(in, (size_t)step + 1);
	in->cur = step;
}

void
obs_instance_end_step(struct obs_instance *in, int step)
{
	if (step < 0 || (size_t)step >= in->nalloc)
		fatalx("obs_instance_end_step: step %d not begun", step);
	in->st[step].ended = true;
}

void
obs_token_add(struct observer *obs, const char *token, struct obs_instance *in,
    int step)
{
	struct obs_token	*t;

	if (step < 0 || (size_t)step >= in->nalloc || *token == '\0')
		fatalx("obs_token_add: bad token or step %d", step);
	obs->tokens = xrealloc(obs->tokens, (obs->ntokens + 1) *
	    sizeof(*obs->tokens));
	t = &obs->tokens[obs->ntokens++];
	if (str_copy(t->token, token, sizeof(t->token)) == -1)
		fatalx("obs_token_add: token too long");
	t->in = in;
	t->step = step;
}

static struct obs_token *
obs_token_find(struct observer *obs, const char *token)
{
	size_t	i;

	if (token == NULL || *token == '\0')
		return NULL;
	for (i = 0; i < obs->ntokens; i++)
		if (strcmp(obs->tokens[i].token, token) == 0)
			return &obs->tokens[i];
	return NULL;
}

/* obs_mark - step's observation is incomplete; the first reason stays */
static void
obs_mark(struct obs_instance *in, int step, const char *fmt, ...)
{
	va_list	ap;
	char	*dst;

	if (step < 0 || (size_t)step >= in->nalloc)
		return;
	dst = in->so[step].incomplete;
	if (*dst != '\0')
		return;
	va_start(ap, fmt);
	(void)vsnprintf(dst, sizeof(in->so[step].incomplete), fmt, ap);
	va_end(ap);
}

void
obs_instance_incomplete(struct obs_instance *in, const char *why)
{
	obs_mark(in, in->cur, "%s", why);
}

static bool
obs_parse_laddr(const char *laddr, unsigned int *a, unsigned int *b,
    unsigned int *h)
{
	unsigned long	v[4];
	char		buf[16], *p, *dot;
	int		i;

	if (str_copy(buf, laddr, sizeof(buf)) == -1)
		return false;
	for (i = 0, p = buf; i < 4; i++) {
		dot = strchr(p, '.');
		if ((dot == NULL) != (i == 3))
			return false;
		if (dot != NULL)
			*dot = '\0';
		if (parse_uint(p, 255, &v[i]) == -1)
			return false;
		p = dot + 1;
	}
	if (v[0] != 127)
		return false;
	*a = (unsigned int)v[1];
	*b = (unsigned int)v[2];
	*h = (unsigned int)v[3];
	return true;
}

/* observer_route - the instance a record belongs to, or NULL */
static struct obs_instance *
observer_route(struct observer *obs, const struct log_record *rec,
    unsigned int *octet)
{
	struct obs_instance	*in;
	const char		*laddr, *name;
	char			 lname[SCN_NAME_MAX];
	unsigned int		 a, b;
	size_t			 nl, dl, i;

	*octet = 0;
	if ((laddr = log_record_get(rec, "laddr")) != NULL) {
		if (!obs_parse_laddr(laddr, &a, &b, octet))
			return NULL;
		return obs->by_block[a * 256 + b];
	}
	if ((name = log_record_get(rec, "name")) == NULL ||
	    str_copy(lname, name, sizeof(lname)) == -1)
		return NULL;
	str_lower(lname);
	nl = strlen(lname);
	if (nl > 0 && lname[nl - 1] == '.')
		lname[--nl] = '\0';
	for (i = 0; i < obs->ninsts; i++) {
		in = obs->insts[i];
		dl = strlen(in->domain);
		if (nl == dl ? strcmp(lname, in->domain) == 0 :
		    nl > dl && lname[nl - dl - 1] == '.' &&
		    strcmp(lname + nl - dl, in->domain) == 0)
			return in;
	}
	return NULL;
}

static uint64_t
obs_slot_key(unsigned int octet, uint64_t id)
{
	return ((uint64_t)octet << 56) ^ id;
}

static long
obs_sess_find(const struct obs_instance *in, unsigned int octet, uint64_t id)
{
	uint64_t	key = obs_slot_key(octet, id);
	size_t		i, mask = in->nslots - 1;

	if (in->nslots == 0)
		return -1;
	for (i = (size_t)(key * 0x9e3779b97f4a7c15ULL) & mask;
	    in->slots[i].idx1 != 0; i = (i + 1) & mask) {
		size_t k = in->slots[i].idx1 - 1;

		if (in->slots[i].key == key && in->sstate[k].octet == octet &&
		    in->sstate[k].id == id)
			return (long)k;
	}
	return -1;
}

/* obs_sess_index - point (key) at idx; a reused id points at the newest */
static void
obs_sess_index(struct obs_instance *in, uint64_t key, size_t idx)
{
	struct obs_slot	*old = in->slots;
	size_t		 oldn = in->nslots, i, j, mask;

	if ((in->nsess + 1) * 2 > in->nslots) {
		in->nslots = in->nslots == 0 ? 8 : in->nslots * 2;
		in->slots = xcalloc(in->nslots, sizeof(*in->slots));
		for (j = 0; j < oldn; j++)
			if (old[j].idx1 != 0)
				obs_sess_index(in, old[j].key,
				    old[j].idx1 - 1);
		free(old);
	}
	mask = in->nslots - 1;
	for (i = (size_t)(key * 0x9e3779b97f4a7c15ULL) & mask;
	    in->slots[i].idx1 != 0; i = (i + 1) & mask)
		if (in->slots[i].key == key) {
			in->slots[i].idx1 = idx + 1;
			return;
		}
	in->slots[i].key = key;
	in->slots[i].idx1 = idx + 1;
}

static void
obs_sess_new(struct obs_instance *in, unsigned int octet, uint64_t id)
{
	struct obs_session	*s;
	struct obs_sess_state	*ss;

	if (in->nsess == OBS_SESSIONS_MAX) {
		obs_mark(in, in->cur, "more than %d SMTP sessions",
		    OBS_SESSIONS_MAX);
		return;
	}
	if (in->nsess == in->sesscap) {
		in->sesscap = in->sesscap == 0 ? 2 : in->sesscap * 2;
		in->sess = xrealloc(in->sess, in->sesscap * sizeof(*in->sess));
		in->sstate = xrealloc(in->sstate, in->sesscap *
		    sizeof(*in->sstate));
	}
	s = &in->sess[in->nsess];
	ss = &in->sstate[in->nsess];
	memset(s, 0, sizeof(*s));
	memset(ss, 0, sizeof(*ss));
	s->step = in->cur;
	s->host = (int)octet - SCN_HOST_OCTET0;
	s->level = LEAK_NONE;
	ss->octet = octet;
	ss->id = id;
	obs_sess_index(in, obs_slot_key(octet, id), in->nsess);
	in->nsess++;
}

/* obs_names_server - does field key name the record's own server? */
static bool
obs_names_server(const struct log_record *rec, const char *key)
{
	const char	*v = log_record_get(rec, key);
	const char	*server = log_record_get(rec, "server");

	return v != NULL && server != NULL && *server != '\0' &&
	    str_eq_ci(v, server);
}

/*
 * obs_rcpt - one RCPT of the session's transaction: its address's domain
 * (after the last '@', lower case, no trailing dot; an address literal
 * as it came) is the first's, or the transaction names more than one
 * domain
 */
static void
obs_rcpt(struct obs_sess_state *ss, const char *addr)
{
	const char	*at = addr != NULL ? strrchr(addr, '@') : NULL;
	char		 dom[SCN_NAME_MAX];
	size_t		 n;

	dom[0] = '\0';
	if (at != NULL && str_copy(dom, at + 1, sizeof(dom)) == -1)
		dom[0] = '\0';		/* longer than any name: no domain */
	str_lower(dom);
	/* a root dot ends a name, never an address literal ("[...].") */
	if ((n = strlen(dom)) > 0 && dom[n - 1] == '.' && dom[0] != '[')
		dom[n - 1] = '\0';
	if (ss->nrcpt++ == 0)
		(void)str_copy(ss->rcpt, dom, sizeof(ss->rcpt));
	else if (strcmp(ss->rcpt, dom) != 0)
		ss->rcpt_mixed = true;
}

/* obs_fold_data - one DATA transfer, attributed by token */
static void
obs_fold_data(struct obs_instance *in, const struct log_record *rec,
    unsigned int octet, long si)
{
	struct observer		*obs = in->obs;
	struct obs_token	*t;
	struct obs_instance	*to = in;
	struct obs_data		*d;
	const char		*v, *server;
	enum data_result	 result;
	int			 step = in->cur;

	v = log_record_get(rec, "result");
	if (v != NULL && strcmp(v, "complete") == 0)
		result = DATA_COMPLETE;
	else if (v != NULL && strcmp(v, "too-big") == 0)
		result = DATA_TOO_BIG;
	else if (v != NULL && strcmp(v, "aborted") == 0)
		result = DATA_ABORTED;
	else if (v != NULL && strcmp(v, "rejected") == 0)
		result = DATA_REJECTED;
	else {
		obs_mark(in, in->cur, "a DATA record with result \"%s\"",
		    v != NULL ? v : "");
		return;
	}
	/* a session cut right after 354 sent no text: the envelope leaked */
	v = log_record_get(rec, "bytes");
	if (result == DATA_ABORTED && v != NULL && strcmp(v, "0") == 0) {
		if (si >= 0)
			in->sess[si].level = LEAK_ENVELOPE;
		return;
	}
	if ((t = obs_token_find(obs, log_record_get(rec, "token"))) != NULL) {
		to = t->in;
		step = t->step;
	}
	if (to->ndata == OBS_DATA_MAX) {
		obs_mark(to, step, "more than %d DATA transfers",
		    OBS_DATA_MAX);
		return;
	}
	if (to->ndata == to->datacap) {
		to->datacap = to->datacap == 0 ? 2 : to->datacap * 2;
		to->data = xrealloc(to->data, to->datacap * sizeof(*to->data));
	}
	d = &to->data[to->ndata++];
	memset(d, 0, sizeof(*d));
	d->seq = obs->seq;
	d->step = step;
	d->by_token = t != NULL;
	d->late = to->st[step].ended;
	d->foreign = to != in;
	d->at_step = in->cur;
	d->at_ended = in->cur >= 0 && in->st[in->cur].ended;
	d->host = (int)octet - SCN_HOST_OCTET0;
	d->result = result;
	v = log_record_get(rec, "tls");
	d->tls = v != NULL && strcmp(v, "yes") == 0;
	if ((server = log_record_get(rec, "server")) != NULL)
		(void)str_copy(d->server, server, sizeof(d->server));
	if (si >= 0) {
		d->sni_ok = in->sstate[si].sni_ok;
		d->fallback = in->sstate[si].fallback;
		(void)str_copy(d->sni, in->sstate[si].sni, sizeof(d->sni));
		(void)str_copy(d->rcpt, in->sstate[si].rcpt, sizeof(d->rcpt));
		d->nrcpt = in->sstate[si].nrcpt;
		d->rcpt_mixed = in->sstate[si].rcpt_mixed;
	}
}

/* obs_fold_mx - update sessions and counters from one mx record */
static void
obs_fold_mx(struct obs_instance *in, const struct log_record *rec,
    unsigned int octet)
{
	struct step_obs		*so = &in->so[in->cur];
	struct obs_step		*st = &in->st[in->cur];
	const char		*sid, *ev, *v;
	unsigned long long	 id;
	char			*end;
	long			 si;

	if ((ev = log_record_get(rec, "event")) == NULL)
		return;
	if (strcmp(ev, "refused") == 0) {
		obs_mark(in, in->cur, "fake MX %s refused a connection (%s)",
		    log_record_get(rec, "server") != NULL ?
		    log_record_get(rec, "server") : "?",
		    log_record_get(rec, "reason") != NULL ?
		    log_record_get(rec, "reason") : "?");
		return;
	}
	if ((sid = log_record_get(rec, "session")) == NULL)
		return;
	id = strtoull(sid, &end, 16);
	if (*end != '\0' || end == sid)
		return;
	if (strcmp(ev, "connect") == 0) {
		so->mx_connects++;
		if (st->first_mx_seq == 0)
			st->first_mx_seq = in->obs->seq;
		obs_sess_new(in, octet, id);
		return;
	}
	si = obs_sess_find(in, octet, id);
	if (strcmp(ev, "data") == 0) {
		obs_fold_data(in, rec, octet, si);
		return;
	}
	if (si < 0)
		return;
	if (strcmp(ev, "ehlo") == 0) {
		if (in->sess[si].level < LEAK_EHLO)
			in->sess[si].level = LEAK_EHLO;
	} else if (strcmp(ev, "mail") == 0) {
		in->sess[si].level = LEAK_ENVELOPE;
		/* a new transaction (RFC 5321 §4.1.1.2) */
		in->sstate[si].nrcpt = 0;
		in->sstate[si].rcpt_mixed = false;
		in->sstate[si].rcpt[0] = '\0';
	} else if (strcmp(ev, "rcpt") == 0) {
		in->sess[si].level = LEAK_ENVELOPE;
		obs_rcpt(&in->sstate[si], log_record_get(rec, "to"));
	}
	else if (strcmp(ev, "starttls") == 0) {
		v = log_record_get(rec, "result");
		if (v != NULL && strcmp(v, "ok") == 0) {
			if ((v = log_record_get(rec, "sni")) != NULL)
				(void)str_copy(in->sstate[si].sni, v,
				    sizeof(in->sstate[si].sni));
			in->sstate[si].sni_ok = obs_names_server(rec, "sni");
			v = log_record_get(rec, "fallback");
			in->sstate[si].fallback = v != NULL &&
			    strcmp(v, "yes") == 0;
		}
	} else if (strcmp(ev, "fail") == 0) {
		/* a scripted refusal of MAIL, RCPT or DATA: the envelope
		 * (or its first part) reached the host */
		v = log_record_get(rec, "verb");
		if (v != NULL && strcmp(v, "ehlo-after-tls") != 0)
			in->sess[si].level = LEAK_ENVELOPE;
	} else if (strcmp(ev, "close") == 0)
		in->sstate[si].closed = true;
}

/*
 * obs_fetch_failed - the policy host answered a named GET with anything
 * but 200 (a 304 to a conditional GET is an answer, not a failure): the
 * world made that fetch fail, whatever the sender made of it
 */
static bool
obs_fetch_failed(const struct log_record *rec)
{
	const char	*st = log_record_get(rec, "status");
	const char	*cond = log_record_get(rec, "conditional");

	if (st == NULL || strcmp(st, "200") == 0)
		return false;
	return !(strcmp(st, "304") == 0 && cond != NULL &&
	    strcmp(cond, "yes") == 0);
}

static void
obs_fold_https(struct obs_instance *in, const struct log_record *rec)
{
	struct step_obs	*so = &in->so[in->cur];
	struct obs_step	*st = &in->st[in->cur];
	const char	*ev = log_record_get(rec, "event"), *v;

	if (ev == NULL)
		return;
	if (strcmp(ev, "connect") == 0) {
		so->https_connects++;
		in->https_open++;
	} else if (strcmp(ev, "close") == 0) {
		if (in->https_open > 0)
			in->https_open--;
	} else if (strcmp(ev, "refused") == 0)
		obs_mark(in, in->cur, "policy host %s refused a connection "
		    "(%s)", log_record_get(rec, "server") != NULL ?
		    log_record_get(rec, "server") : "?",
		    log_record_get(rec, "reason") != NULL ?
		    log_record_get(rec, "reason") : "?");
	else if (strcmp(ev, "fetch") == 0) {
		so->fetches++;
		if (obs_names_server(rec, "sni") &&
		    obs_names_server(rec, "host")) {
			so->named_fetches++;
			v = log_record_get(rec, "conditional");
			if (v != NULL && strcmp(v, "yes") == 0)
				so->conditional_fetches++;
			if (obs_fetch_failed(rec))
				so->failed_fetches++;
			in->named_total++;
			if (st->first_fetch_seq == 0) {
				st->first_fetch_seq = in->obs->seq;
				so->fetch_first = st->first_mx_seq == 0;
			}
		}
	}
}

/* obs_fold_http - the CRL host: what was fetched, what was refused */
static void
obs_fold_http(struct obs_instance *in, const struct log_record *rec)
{
	const char	*ev = log_record_get(rec, "event"), *v;

	if (ev == NULL)
		return;
	if (strcmp(ev, "refused") == 0)
		obs_mark(in, in->cur, "CRL host refused a connection (%s)",
		    (v = log_record_get(rec, "reason")) != NULL ? v : "?");
	else if (strcmp(ev, "fetch") == 0 &&
	    (v = log_record_get(rec, "status")) != NULL &&
	    strcmp(v, "200") == 0 &&
	    (v = log_record_get(rec, "method")) != NULL &&
	    strcmp(v, "GET") == 0)
		in->so[in->cur].crl_fetches++;
}

static void
obs_keep_line(struct obs_instance *in, const char *line)
{
	struct obs_step	*st = &in->st[in->cur];

	if (in->nlines >= OBS_TRANSCRIPT_MAX) {
		st->dropped++;
		return;
	}
	st->lines = xrealloc(st->lines, (st->nlines + 1) * sizeof(char *));
	st->lines[st->nlines++] = xstrdup(line);
	in->nlines++;
}

void
observer_feed(struct observer *obs, const char *line)
{
	struct log_record	 rec;
	struct obs_instance	*in;
	const char		*t;
	unsigned int		 octet;
	size_t			 i;

	obs->seq++;
	if (log_record_parse(line, &rec) == -1) {
		/* it could belong to any instance that is live */
		for (i = 0; i < obs->ninsts; i++)
			obs_mark(obs->insts[i], obs->insts[i]->cur,
			    "an event record did not parse");
		return;
	}
	if ((in = observer_route(obs, &rec, &octet)) == NULL || in->cur < 0)
		return;
	in->last_seq = obs->seq;
	obs_keep_line(in, line);
	if ((t = log_record_get(&rec, "truncated")) != NULL &&
	    strcmp(t, "yes") == 0)
		obs_mark(in, in->cur, "a %s record was truncated",
		    rec.component);
	t = log_record_get(&rec, "event");
	if (strcmp(rec.component, "dns") == 0) {
		if (t != NULL && strcmp(t, "query") == 0)
			in->so[in->cur].queries++;
	} else if (strcmp(rec.component, "resolver") == 0) {
		/* what the SUT asked dnsmasq, and what came from its cache */
		if (t != NULL && strcmp(t, "query") == 0)
			in->so[in->cur].resolver_queries++;
		else if (t != NULL && strcmp(t, "cached") == 0)
			in->so[in->cur].cached_answers++;
	} else if (strcmp(rec.component, "https") == 0)
		obs_fold_https(in, &rec);
	else if (strcmp(rec.component, "http") == 0)
		obs_fold_http(in, &rec);
	else if (strcmp(rec.component, "mx") == 0)
		obs_fold_mx(in, &rec, octet);
}

size_t
obs_instance_open(const struct obs_instance *in)
{
	size_t	i, open = 0;

	for (i = 0; i < in->nsess; i++)
		if (!in->sstate[i].closed)
			open++;
	return open;
}

unsigned int
obs_instance_named_fetches(const struct obs_instance *in)
{
	return in->named_total;
}

unsigned int
obs_instance_https_open(const struct obs_instance *in)
{
	return in->https_open;
}

uint64_t
obs_instance_last_seq(const struct obs_instance *in)
{
	return in->last_seq;
}

const struct step_obs *
obs_instance_steps(const struct obs_instance *in)
{
	return in->so;
}

const struct obs_session *
obs_instance_sessions(const struct obs_instance *in, size_t *n)
{
	*n = in->nsess;
	return in->sess;
}

const struct obs_data *
obs_instance_data(const struct obs_instance *in, size_t *n)
{
	*n = in->ndata;
	return in->data;
}

size_t
obs_instance_transcript(const struct obs_instance *in, int step,
    const char *const **lines, size_t *dropped)
{
	if (step < 0 || (size_t)step >= in->nalloc) {
		*lines = NULL;
		*dropped = 0;
		return 0;
	}
	*lines = in->st[step].lines;
	*dropped = in->st[step].dropped;
	return in->st[step].nlines;
}
