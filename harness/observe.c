/* SPDX-License-Identifier: ISC */
/*
 * observe.c -- fold event records into observations. Owns nothing but its
 * copies of the records; never trusts a record's content beyond parsing it
 * (a malformed record is counted and dropped).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../common/log.h"
#include "../common/str.h"
#include "observe.h"

#define OBS_STEPS_MAX		(SCN_STEPS_MAX + 1)
#define OBS_SESSIONS_MAX	256	/* per step; more is a flood */

struct obs_entry {
	char			laddr[16];
	bool			closed;
	struct obs_session	s;
};

struct obs_step {
	struct obs_entry	*entries;
	struct obs_session	*view;		/* contiguous copy for judge */
	size_t			 n, cap;
	unsigned int		 fetches, named_fetches, queries, dropped;
	const char		**lines;
	size_t			 nlines;
};

struct obs_instance {
	struct obs_instance	*next;
	struct observer		*obs;
	char			 domain[SCN_NAME_MAX];
	char			 prefix[16];		/* "127.a.b." */
	int			 step;
	size_t			 nlines;		/* over all steps */
	struct obs_step		 steps[OBS_STEPS_MAX];
};

struct observer {
	struct obs_instance	*head;
	unsigned long		 malformed;
};

static struct obs_instance *observer_route(struct observer *,
		    const struct log_record *);
static struct obs_entry *obs_entry_get(struct obs_step *, const char *,
		    uint64_t, int);
static void	obs_fold_mx(struct obs_step *, const struct log_record *,
		    const char *, int);
static void	obs_keep_line(struct obs_instance *, struct obs_step *,
		    const char *);
static bool	obs_names_server(const struct log_record *, const char *);

struct observer *
observer_new(void)
{
	return xcalloc(1, sizeof(struct observer));
}

void
observer_free(struct observer *obs)
{
	free(obs);
}

struct obs_instance *
obs_instance_new(struct observer *obs, const char *domain, unsigned int a,
    unsigned int b)
{
	struct obs_instance	*in = xcalloc(1, sizeof(*in));

	in->obs = obs;
	if (str_copy(in->domain, domain, sizeof(in->domain)) == -1 ||
	    str_fmt(in->prefix, sizeof(in->prefix), "127.%u.%u.", a, b) == -1)
		fatalx("obs_instance_new: bad instance %s", domain);
	str_lower(in->domain);
	in->step = -1;
	in->next = obs->head;
	obs->head = in;
	return in;
}

void
obs_instance_free(struct obs_instance *in)
{
	struct obs_instance	**pp;
	size_t			  i, j;

	if (in == NULL)
		return;
	for (pp = &in->obs->head; *pp != NULL; pp = &(*pp)->next)
		if (*pp == in) {
			*pp = in->next;
			break;
		}
	for (i = 0; i < OBS_STEPS_MAX; i++) {
		free(in->steps[i].entries);
		free(in->steps[i].view);
		for (j = 0; j < in->steps[i].nlines; j++)
			free((char *)in->steps[i].lines[j]);
		free(in->steps[i].lines);
	}
	free(in);
}

void
obs_instance_set_step(struct obs_instance *in, int step)
{
	if (step >= OBS_STEPS_MAX)
		fatalx("obs_instance_set_step: step %d out of range", step);
	in->step = step;
}

/* observer_route - the instance a record belongs to, or NULL */
static struct obs_instance *
observer_route(struct observer *obs, const struct log_record *rec)
{
	struct obs_instance	*in;
	const char		*laddr, *name;
	char			 lname[SCN_NAME_MAX];
	size_t			 nl, dl;

	if ((laddr = log_record_get(rec, "laddr")) != NULL) {
		for (in = obs->head; in != NULL; in = in->next)
			if (str_has_prefix(laddr, in->prefix))
				return in;
		return NULL;
	}
	if ((name = log_record_get(rec, "name")) == NULL ||
	    str_copy(lname, name, sizeof(lname)) == -1)
		return NULL;
	str_lower(lname);
	nl = strlen(lname);
	if (nl > 0 && lname[nl - 1] == '.')
		lname[--nl] = '\0';
	for (in = obs->head; in != NULL; in = in->next) {
		dl = strlen(in->domain);
		if (nl == dl ? strcmp(lname, in->domain) == 0 :
		    nl > dl && lname[nl - dl - 1] == '.' &&
		    strcmp(lname + nl - dl, in->domain) == 0)
			return in;
	}
	return NULL;
}

static struct obs_entry *
obs_entry_get(struct obs_step *st, const char *laddr, uint64_t id, int host)
{
	struct obs_entry	*e;
	size_t			 i;

	for (i = 0; i < st->n; i++)
		if (st->entries[i].s.id == id &&
		    strcmp(st->entries[i].laddr, laddr) == 0)
			return &st->entries[i];
	if (st->n == OBS_SESSIONS_MAX) {
		st->dropped++;
		return NULL;
	}
	if (st->n == st->cap) {
		st->cap = st->cap == 0 ? 8 : st->cap * 2;
		st->entries = xrealloc(st->entries, st->cap *
		    sizeof(*st->entries));
	}
	e = &st->entries[st->n++];
	memset(e, 0, sizeof(*e));
	(void)str_copy(e->laddr, laddr, sizeof(e->laddr));
	e->s.id = id;
	e->s.host = host;
	return e;
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

/* obs_fold_mx - update the session summary from one mx record */
static void
obs_fold_mx(struct obs_step *st, const struct log_record *rec,
    const char *laddr, int octet)
{
	struct obs_entry	*e;
	const char		*sid, *ev, *v;
	unsigned long long	 id;
	char			*end;

	if ((sid = log_record_get(rec, "session")) == NULL ||
	    (ev = log_record_get(rec, "event")) == NULL)
		return;
	id = strtoull(sid, &end, 16);
	if (*end != '\0')
		return;
	e = obs_entry_get(st, laddr, id, octet - SCN_HOST_OCTET0);
	if (e == NULL)
		return;
	if (strcmp(ev, "ehlo") == 0)
		e->s.ehlo = true;
	else if (strcmp(ev, "mail") == 0 || strcmp(ev, "rcpt") == 0)
		e->s.envelope = true;
	else if (strcmp(ev, "starttls") == 0) {
		v = log_record_get(rec, "result");
		if (v != NULL && strcmp(v, "ok") == 0) {
			e->s.tls = true;
			if ((v = log_record_get(rec, "sni")) != NULL)
				(void)str_copy(e->s.sni, v, sizeof(e->s.sni));
			e->s.sni_ok = obs_names_server(rec, "sni");
		}
	} else if (strcmp(ev, "data") == 0) {
		v = log_record_get(rec, "result");
		if (v == NULL || strcmp(v, "complete") != 0)
			return;
		e->s.data = true;
		v = log_record_get(rec, "tls");
		e->s.data_tls = v != NULL && strcmp(v, "yes") == 0;
		if ((v = log_record_get(rec, "token")) != NULL)
			(void)str_copy(e->s.token, v, sizeof(e->s.token));
	} else if (strcmp(ev, "close") == 0)
		e->closed = true;
}

static void
obs_keep_line(struct obs_instance *in, struct obs_step *st, const char *line)
{
	if (in->nlines >= OBS_TRANSCRIPT_MAX)
		return;
	st->lines = xrealloc(st->lines, (st->nlines + 1) * sizeof(char *));
	st->lines[st->nlines++] = xstrdup(line);
	in->nlines++;
}

void
observer_feed(struct observer *obs, const char *line)
{
	struct log_record	 rec;
	struct obs_instance	*in;
	struct obs_step		*st;
	const char		*laddr, *ev;
	unsigned long		 octet;

	if (log_record_parse(line, &rec) == -1) {
		obs->malformed++;
		return;
	}
	if ((in = observer_route(obs, &rec)) == NULL || in->step < 0)
		return;
	st = &in->steps[in->step];
	obs_keep_line(in, st, line);
	ev = log_record_get(&rec, "event");
	if (strcmp(rec.component, "dns") == 0) {
		if (ev != NULL && strcmp(ev, "query") == 0)
			st->queries++;
		return;
	}
	if (strcmp(rec.component, "https") == 0) {
		if (ev == NULL || strcmp(ev, "fetch") != 0)
			return;
		st->fetches++;
		if (obs_names_server(&rec, "sni") &&
		    obs_names_server(&rec, "host"))
			st->named_fetches++;
		return;
	}
	if (strcmp(rec.component, "mx") != 0 ||
	    (laddr = log_record_get(&rec, "laddr")) == NULL ||
	    parse_uint(laddr + strlen(in->prefix), 255, &octet) == -1)
		return;
	obs_fold_mx(st, &rec, laddr, (int)octet);
}

const struct obs_session *
obs_instance_sessions(const struct obs_instance *in, int step, size_t *n)
{
	struct obs_step	*st;
	size_t		 i;

	if (step < 0 || step >= OBS_STEPS_MAX) {
		*n = 0;
		return NULL;
	}
	st = (struct obs_step *)&in->steps[step];
	free(st->view);
	st->view = xcalloc(st->n, sizeof(*st->view));
	for (i = 0; i < st->n; i++)
		st->view[i] = st->entries[i].s;
	*n = st->n;
	return st->view;
}

size_t
obs_instance_open(const struct obs_instance *in)
{
	size_t	i, j, open = 0;

	for (i = 0; i < OBS_STEPS_MAX; i++)
		for (j = 0; j < in->steps[i].n; j++)
			if (!in->steps[i].entries[j].closed)
				open++;
	return open;
}

unsigned int
obs_instance_fetches(const struct obs_instance *in, int step)
{
	return step >= 0 && step < OBS_STEPS_MAX ? in->steps[step].fetches : 0;
}

unsigned int
obs_instance_named_fetches(const struct obs_instance *in, int step)
{
	return step >= 0 && step < OBS_STEPS_MAX ?
	    in->steps[step].named_fetches : 0;
}

unsigned int
obs_instance_queries(const struct obs_instance *in, int step)
{
	return step >= 0 && step < OBS_STEPS_MAX ? in->steps[step].queries : 0;
}

size_t
obs_instance_transcript(const struct obs_instance *in, int step,
    const char ***lines)
{
	if (step < 0 || step >= OBS_STEPS_MAX) {
		*lines = NULL;
		return 0;
	}
	*lines = in->steps[step].lines;
	return in->steps[step].nlines;
}
