/* SPDX-License-Identifier: ISC */
/*
 * test_observe.c -- records reach the right instance and step: by listen
 * address for mx/https, by queried name for dns; every DATA transfer is its
 * own observation, attributed by its token wherever and whenever it lands;
 * nothing is dropped silently (what cannot be kept marks the step
 * incomplete); hostile or foreign records change nothing else.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../harness/observe.h"

struct obs_fixture {
	struct observer		*obs;
	struct obs_instance	*a;	/* a.test on 127.1.1.0/24 */
	struct obs_instance	*b;	/* b.test on 127.1.10.0/24 (twin) */
};

static int
obs_setup(void **state)
{
	static struct obs_fixture	fx;

	fx.obs = observer_new();
	fx.a = obs_instance_new(fx.obs, "a.test", 1, 1, false);
	fx.b = obs_instance_new(fx.obs, "B.test", 1, 10, true);
	obs_instance_set_step(fx.a, 0);
	obs_instance_set_step(fx.b, 0);
	obs_token_add(fx.obs, "T1", fx.a, 0);
	obs_token_add(fx.obs, "TB", fx.b, 0);
	*state = &fx;
	return 0;
}

static int
obs_teardown(void **state)
{
	struct obs_fixture	*fx = *state;

	observer_free(fx->obs);
	return 0;
}

static void
obs_feed_all(struct observer *obs, const char *const *lines)
{
	for (; *lines != NULL; lines++)
		observer_feed(obs, *lines);
}

static const char *const obs_lines[] = {
	/* a session at a.test's mx1 (.25) that delivers over TLS, twice */
	"mx session=0000000000000001 event=connect laddr=127.1.1.25 "
	    "server=mx1.a.test peer=127.0.0.1:1",
	"mx session=0000000000000001 event=ehlo laddr=127.1.1.25 "
	    "server=mx1.a.test verb=EHLO arg=x tls=no",
	"mx session=0000000000000001 event=starttls laddr=127.1.1.25 "
	    "server=mx1.a.test result=ok version=TLSv1.3 sni=mx1.a.test "
	    "cert=valid pipelined=0",
	"mx session=0000000000000001 event=mail laddr=127.1.1.25 "
	    "server=mx1.a.test from=a@b tls=yes",
	"mx session=0000000000000001 event=data laddr=127.1.1.25 "
	    "server=mx1.a.test result=complete tls=yes bytes=10 token=T1",
	/* a second DATA in the same session, with no token */
	"mx session=0000000000000001 event=data laddr=127.1.1.25 "
	    "server=mx1.a.test result=too-big tls=yes bytes=99 token=\"\"",
	/* cut right after 354: no text was sent, so no DATA observation */
	"mx session=0000000000000001 event=data laddr=127.1.1.25 "
	    "server=mx1.a.test result=aborted tls=yes bytes=0 token=\"\"",
	/* the same session id on another host (.26) is another session */
	"mx session=0000000000000001 event=connect laddr=127.1.1.26 "
	    "server=evil.a.test peer=127.0.0.1:2",
	"mx session=0000000000000001 event=ehlo laddr=127.1.1.26 "
	    "server=evil.a.test verb=EHLO arg=x tls=no",
	/* b's message, delivered to a's evil host: b's, and foreign */
	"mx session=0000000000000001 event=data laddr=127.1.1.26 "
	    "server=evil.a.test result=aborted tls=no bytes=5 token=TB",
	/* 127.1.10.x must not be mistaken for 127.1.1.x */
	"mx session=0000000000000002 event=connect laddr=127.1.10.25 "
	    "server=mx1.b.test peer=127.0.0.1:3",
	"https session=0000000000000001 event=connect laddr=127.1.1.10 "
	    "server=mta-sts.a.test peer=127.0.0.1:4",
	"https session=0000000000000001 event=fetch laddr=127.1.1.10 "
	    "server=mta-sts.a.test sni=mta-sts.a.test host=mta-sts.a.test "
	    "method=GET path=/.well-known/mta-sts.txt status=200 bytes=1",
	"https session=0000000000000002 event=fetch laddr=127.1.1.10 "
	    "server=mta-sts.a.test sni=\"\" host=mta-sts.a.test "
	    "method=GET path=/.well-known/mta-sts.txt status=200 bytes=1",
	/* HTTP caching: named and conditional; unnamed and conditional */
	"https session=0000000000000003 event=fetch laddr=127.1.1.10 "
	    "server=mta-sts.a.test sni=mta-sts.a.test host=mta-sts.a.test "
	    "method=GET path=/.well-known/mta-sts.txt status=304 bytes=0 "
	    "conditional=yes",
	"https session=0000000000000004 event=fetch laddr=127.1.1.10 "
	    "server=mta-sts.a.test sni=\"\" host=mta-sts.a.test "
	    "method=GET path=/.well-known/mta-sts.txt status=304 bytes=0 "
	    "conditional=yes",
	"dns session=0000000000000001 event=query proto=udp peer=x "
	    "name=_MTA-STS.A.TEST. type=TXT rcode=NOERROR answers=1 fault=none",
	"dns session=0000000000000002 event=query proto=udp peer=x "
	    "name=mx1.b.test type=A rcode=NOERROR answers=1 fault=none",
	/* foreign records: no effect on a or b */
	"dns session=0000000000000003 event=query proto=udp peer=x "
	    "name=xa.test type=A rcode=NXDOMAIN answers=0 fault=none",
	"mx session=0000000000000009 event=data laddr=127.2.1.25 "
	    "server=other result=complete tls=no bytes=1 token=T1",
	"mx session=0000000000000005 event=data laddr=127.1.1.xx "
	    "result=complete tls=no",
	"mx session=zz event=ehlo laddr=127.1.1.25 server=mx1.a.test",
	NULL,
};

static void
test_observe_routing(void **state)
{
	struct obs_fixture		*fx = *state;
	const struct obs_session	*ss;
	const struct obs_data		*d;
	const struct step_obs		*so;
	const char *const		*lines;
	size_t				 n, dropped;

	obs_feed_all(fx->obs, obs_lines);
	ss = obs_instance_sessions(fx->a, &n);
	assert_int_equal(n, 2);
	assert_int_equal(ss[0].host, 0);
	assert_int_equal(ss[0].level, LEAK_ENVELOPE);
	assert_int_equal(ss[1].host, 1);
	assert_int_equal(ss[1].level, LEAK_EHLO);
	d = obs_instance_data(fx->a, &n);
	assert_int_equal(n, 2);			/* two transfers, one session */
	assert_true(d[0].by_token && d[0].tls && d[0].sni_ok);
	assert_int_equal(d[0].result, DATA_COMPLETE);
	assert_string_equal(d[0].sni, "mx1.a.test");
	assert_string_equal(d[0].server, "mx1.a.test");
	assert_false(d[1].by_token);		/* no token: where it landed */
	assert_int_equal(d[1].result, DATA_TOO_BIG);
	assert_int_equal(d[1].step, 0);
	d = obs_instance_data(fx->b, &n);
	assert_int_equal(n, 1);			/* b's token, on a's host */
	assert_true(d[0].foreign && d[0].by_token && !d[0].tls);
	assert_int_equal(d[0].result, DATA_ABORTED);
	assert_string_equal(d[0].server, "evil.a.test");
	so = obs_instance_steps(fx->a);
	assert_int_equal(so[0].fetches, 4);
	/* only the GETs whose SNI and Host name the policy host count */
	assert_int_equal(so[0].named_fetches, 2);
	/* of those, the conditional one; conditional=no or none is not */
	assert_int_equal(so[0].conditional_fetches, 1);
	assert_int_equal(so[0].queries, 1);
	assert_int_equal(so[0].mx_connects, 2);
	assert_int_equal(so[0].https_connects, 1);
	assert_false(so[0].fetch_first);	/* an MX came first */
	assert_string_equal(so[0].incomplete, "");
	assert_int_equal(obs_instance_open(fx->a), 2);	/* no close seen */
	/* 17 routed records (a bad session id too, kept as evidence) */
	assert_int_equal(obs_instance_transcript(fx->a, 0, &lines, &dropped),
	    17);
	assert_int_equal(dropped, 0);
	so = obs_instance_steps(fx->b);
	assert_int_equal(so[0].mx_connects, 1);
	assert_int_equal(so[0].queries, 1);
}

static void
test_observe_late_and_reuse(void **state)
{
	struct obs_fixture	*fx = *state;
	const struct obs_data	*d;
	const struct obs_session *ss;
	const struct step_obs	*so;
	size_t			 n;

	/* step 0 of a is over; a's token comes back during step 1 */
	obs_instance_end_step(fx->a, 0);
	obs_instance_set_step(fx->a, 1);
	obs_token_add(fx->obs, "T2", fx->a, 1);
	/* a new world reuses session id 1 on .25: a new session */
	observer_feed(fx->obs, "https session=0000000000000003 event=fetch "
	    "laddr=127.1.1.10 server=mta-sts.a.test sni=mta-sts.a.test "
	    "host=mta-sts.a.test method=GET path=/ status=200 bytes=1");
	observer_feed(fx->obs, "mx session=0000000000000001 event=connect "
	    "laddr=127.1.1.25 server=mx1.a.test peer=p");
	observer_feed(fx->obs, "mx session=0000000000000001 event=data "
	    "laddr=127.1.1.25 server=mx1.a.test result=complete tls=no "
	    "bytes=1 token=T1");
	observer_feed(fx->obs, "mx session=0000000000000001 event=data "
	    "laddr=127.1.1.25 server=mx1.a.test result=complete tls=no "
	    "bytes=1 token=T2");
	observer_feed(fx->obs, "mx session=0000000000000001 event=close "
	    "laddr=127.1.1.25 server=mx1.a.test reason=quit");
	d = obs_instance_data(fx->a, &n);
	assert_int_equal(n, 4);
	assert_int_equal(d[2].step, 0);		/* by token: step 0 ... */
	assert_true(d[2].late);			/* ... which had ended */
	assert_int_equal(d[2].at_step, 1);
	assert_false(d[2].sni_ok);		/* the new session has no TLS */
	assert_int_equal(d[3].step, 1);
	assert_false(d[3].late);
	ss = obs_instance_sessions(fx->a, &n);
	assert_int_equal(n, 3);
	assert_int_equal(ss[2].step, 1);
	assert_int_equal(obs_instance_open(fx->a), 2);	/* step 0's two */
	so = obs_instance_steps(fx->a);
	assert_true(so[1].fetch_first);		/* GET before the MX */
	/* step 0's two named GETs (one conditional) and step 1's */
	assert_int_equal(obs_instance_named_fetches(fx->a), 3);
}

/* A bound reached, or a record we cannot read: never a silent drop. */
struct incomplete_case {
	const char	*label;
	const char	*line;
	const char	*want;		/* substring of the reason */
};

static const struct incomplete_case incomplete_cases[] = {
	{ "record that does not parse",
	    "mx session=0000000000000006 event=\"unterminated",
	    "did not parse" },
	{ "empty line", "", "did not parse" },
	{ "truncated record",
	    "mx session=0000000000000006 event=ehlo laddr=127.1.1.25 "
	    "server=mx1.a.test truncated=yes", "truncated" },
	{ "fake MX refused a connection",
	    "mx session=0000000000000007 event=refused laddr=127.1.1.25 "
	    "server=mx1.a.test peer=p reason=too-many-connections",
	    "refused a connection (too-many-connections)" },
	{ "fake MX missed an accept",
	    "mx session=0000000000000000 event=refused laddr=127.1.1.26 "
	    "server=evil.a.test reason=accept-error", "accept-error" },
	{ "policy host refused",
	    "https session=0000000000000009 event=refused laddr=127.1.1.10 "
	    "server=mta-sts.a.test reason=too-many-connections",
	    "policy host" },
	{ "CRL host refused",
	    "http session=0000000000000041 event=refused laddr=127.1.1.11 "
	    "server=crl.a.test peer=p reason=too-many-connections",
	    "CRL host refused a connection (too-many-connections)" },
	{ "DATA with an unknown result",
	    "mx session=0000000000000001 event=data laddr=127.1.1.25 "
	    "server=mx1.a.test result=weird tls=no bytes=1 token=T1",
	    "result" },
	{ NULL, NULL, NULL },
};

static void
test_observe_incomplete(void **state)
{
	const struct incomplete_case	*tc;
	struct observer			*obs;
	struct obs_instance		*a, *b;
	const struct step_obs		*so;

	(void)state;
	for (tc = incomplete_cases; tc->label != NULL; tc++) {
		obs = observer_new();
		a = obs_instance_new(obs, "a.test", 1, 1, false);
		b = obs_instance_new(obs, "b.test", 1, 10, false);
		obs_instance_set_step(a, 0);
		obs_instance_set_step(b, 0);
		observer_feed(obs, tc->line);
		so = obs_instance_steps(a);
		if (strstr(so[0].incomplete, tc->want) == NULL)
			fail_msg("%s: incomplete \"%s\", want \"%s\"",
			    tc->label, so[0].incomplete, tc->want);
		observer_free(obs);
	}
}

static void
test_observe_flood_is_seen(void **state)
{
	struct observer		*obs;
	struct obs_instance	*a;
	const struct obs_data	*d;
	const char *const	*lines;
	char			 line[200];
	size_t			 n, dropped;
	int			 i;

	(void)state;
	obs = observer_new();
	a = obs_instance_new(obs, "a.test", 1, 1, false);
	obs_instance_set_step(a, 0);
	/* 2000 idle connections and then the leak: every one is seen */
	for (i = 0; i < 2000; i++) {
		(void)snprintf(line, sizeof(line), "mx session=%016x "
		    "event=connect laddr=127.1.1.26 server=evil.a.test peer=p",
		    i + 1);
		observer_feed(obs, line);
	}
	observer_feed(obs, "mx session=00000000000007d0 event=data "
	    "laddr=127.1.1.26 server=evil.a.test result=complete tls=no "
	    "bytes=1 token=\"\"");
	(void)obs_instance_sessions(a, &n);
	assert_int_equal(n, 2000);
	d = obs_instance_data(a, &n);
	assert_int_equal(n, 1);
	assert_int_equal(d[0].host, 1);
	assert_string_equal(obs_instance_steps(a)[0].incomplete, "");
	/* the transcript is bounded, and says how much it left out */
	assert_int_equal(obs_instance_transcript(a, 0, &lines, &dropped),
	    OBS_TRANSCRIPT_MAX);
	assert_int_equal(dropped, 2001 - OBS_TRANSCRIPT_MAX);
	/* past the session bound: incomplete, not silently capped */
	for (i = 2000; i <= OBS_SESSIONS_MAX; i++) {
		(void)snprintf(line, sizeof(line), "mx session=%016x "
		    "event=connect laddr=127.1.1.25 server=mx1.a.test peer=p",
		    i + 1);
		observer_feed(obs, line);
	}
	assert_non_null(strstr(obs_instance_steps(a)[0].incomplete,
	    "SMTP sessions"));
	observer_free(obs);
}

static void
test_observe_not_before_step(void **state)
{
	struct observer		*obs;
	struct obs_instance	*a;
	size_t			 n;

	(void)state;
	obs = observer_new();
	a = obs_instance_new(obs, "a.test", 1, 1, false);
	/* an instance whose first step has not begun records nothing */
	observer_feed(obs, "mx session=0000000000000008 event=connect "
	    "laddr=127.1.1.25 server=x peer=p");
	(void)obs_instance_sessions(a, &n);
	assert_int_equal(n, 0);
	assert_int_equal(obs_instance_last_seq(a), 0);
	obs_instance_set_step(a, 0);
	observer_feed(obs, "mx session=0000000000000008 event=connect "
	    "laddr=127.1.1.25 server=x peer=p");
	assert_int_equal(obs_instance_last_seq(a), observer_seq(obs));
	observer_free(obs);
}

/*
 * The RCPTs of a DATA's transaction: the first one's domain (lower case,
 * trailing dot gone, an address literal as it is), their number, and
 * whether another named another domain; a MAIL starts a new transaction.
 */
struct rcpt_case {
	const char	*label;
	const char	*to[3];		/* to= values as records write them */
	bool		 mail_between;	/* a second MAIL after to[0] */
	const char	*want_rcpt;
	unsigned int	 want_n;
	bool		 want_mixed;
};

static const struct rcpt_case obs_rcpt_cases[] = {
	{ "one", { "user@b.a.test", NULL }, false, "b.a.test", 1, false },
	{ "case and a trailing dot", { "User@B.A.Test.", NULL }, false,
	    "b.a.test", 1, false },
	{ "two of the same domain", { "u@a.test", "v@A.TEST", NULL }, false,
	    "a.test", 2, false },
	{ "two domains", { "u@b.a.test", "u@a.test", NULL }, false,
	    "b.a.test", 2, true },
	{ "no domain", { "postmaster", NULL }, false, "", 1, false },
	{ "the last '@' counts", { "\"\\\"a@x.test\\\"@b.a.test\"", NULL }, false,
	    "b.a.test", 1, false },
	{ "a new MAIL forgets the old RCPT", { "u@a.test", "u@b.a.test",
	    NULL }, true, "b.a.test", 1, false },
	/* an address literal comes as it was sent, brackets and all */
	{ "address literal", { "user@[127.1.2.25]", NULL }, false,
	    "[127.1.2.25]", 1, false },
	{ "address literal, a dot after it stays", { "u@[127.1.2.25].",
	    NULL }, false, "[127.1.2.25].", 1, false },
	{ "address literal, tag lower-cased", { "u@[IPv6:::1]", NULL },
	    false, "[ipv6:::1]", 1, false },
	{ "a literal and the name", { "u@[127.1.2.25]", "u@a.test", NULL },
	    false, "[127.1.2.25]", 2, true },
	{ NULL, { NULL }, false, NULL, 0, false },
};

static void
test_observe_rcpt(void **state)
{
	const struct rcpt_case	*tc;
	const struct obs_data	*d;
	struct observer		*obs;
	struct obs_instance	*a;
	char			 line[512];
	size_t			 i, n;

	(void)state;
	for (tc = obs_rcpt_cases; tc->label != NULL; tc++) {
		obs = observer_new();
		a = obs_instance_new(obs, "a.test", 1, 1, false);
		obs_instance_set_step(a, 0);
		observer_feed(obs, "mx session=0000000000000001 event=connect "
		    "laddr=127.1.1.25 server=mx1.a.test peer=p");
		observer_feed(obs, "mx session=0000000000000001 event=mail "
		    "laddr=127.1.1.25 server=mx1.a.test from=x@y tls=no");
		for (i = 0; tc->to[i] != NULL; i++) {
			if (i == 1 && tc->mail_between)
				observer_feed(obs, "mx session=0000000000000001 "
				    "event=mail laddr=127.1.1.25 "
				    "server=mx1.a.test from=x@y tls=no");
			(void)snprintf(line, sizeof(line), "mx session="
			    "0000000000000001 event=rcpt laddr=127.1.1.25 "
			    "server=mx1.a.test to=%s tls=no", tc->to[i]);
			observer_feed(obs, line);
		}
		observer_feed(obs, "mx session=0000000000000001 event=data "
		    "laddr=127.1.1.25 server=mx1.a.test result=complete "
		    "tls=no bytes=1 token=\"\"");
		d = obs_instance_data(a, &n);
		if (n != 1 || strcmp(d[0].rcpt, tc->want_rcpt) != 0 ||
		    d[0].nrcpt != tc->want_n || d[0].rcpt_mixed !=
		    tc->want_mixed)
			fail_msg("%s: %zu DATA, rcpt \"%s\" n %u mixed %d",
			    tc->label, n, n > 0 ? d[0].rcpt : "", n > 0 ?
			    d[0].nrcpt : 0, n > 0 ? d[0].rcpt_mixed : 0);
		observer_free(obs);
	}
}

/*
 * test_observe_fail_fallback - a scripted MAIL refusal is an envelope
 * leak, a body rejected at its dot a DATA transfer (never complete), a
 * refused EHLO inside TLS only EHLO; a session over the SNI fallback
 * certificate marks its DATA fallback, one over the host's own does not
 */
static void
test_observe_fail_fallback(void **state)
{
	static const char *const lines[] = {
		/* .25: MAIL refused by fail, nothing else */
		"mx session=0000000000000001 event=connect laddr=127.3.1.25 "
		    "server=mx1.c.test peer=p",
		"mx session=0000000000000001 event=ehlo laddr=127.3.1.25 "
		    "server=mx1.c.test verb=EHLO arg=x tls=no",
		"mx session=0000000000000001 event=fail laddr=127.3.1.25 "
		    "server=mx1.c.test verb=mail code=451 tls=no",
		/* .26: EHLO inside TLS refused: still only EHLO */
		"mx session=0000000000000001 event=connect laddr=127.3.1.26 "
		    "server=mx2.c.test peer=p",
		"mx session=0000000000000001 event=ehlo laddr=127.3.1.26 "
		    "server=mx2.c.test verb=EHLO arg=x tls=no",
		"mx session=0000000000000001 event=fail laddr=127.3.1.26 "
		    "server=mx2.c.test verb=ehlo-after-tls code=421 tls=yes",
		/* .27: the fallback certificate, then a body rejected */
		"mx session=0000000000000001 event=connect laddr=127.3.1.27 "
		    "server=mx3.c.test peer=p",
		"mx session=0000000000000001 event=starttls laddr=127.3.1.27 "
		    "server=mx3.c.test result=ok version=TLSv1.3 sni=\"\" "
		    "cert=valid fallback=yes pipelined=0",
		"mx session=0000000000000001 event=data laddr=127.3.1.27 "
		    "server=mx3.c.test result=rejected tls=yes bytes=9 token=TC",
		/* .28: its own certificate, delivered */
		"mx session=0000000000000001 event=connect laddr=127.3.1.28 "
		    "server=mx4.c.test peer=p",
		"mx session=0000000000000001 event=starttls laddr=127.3.1.28 "
		    "server=mx4.c.test result=ok version=TLSv1.2 "
		    "sni=mx4.c.test cert=valid fallback=no pipelined=0",
		"mx session=0000000000000001 event=data laddr=127.3.1.28 "
		    "server=mx4.c.test result=complete tls=yes bytes=9 token=TC",
		NULL,
	};
	struct observer			*obs = observer_new();
	struct obs_instance		*c;
	const struct obs_session	*ss;
	const struct obs_data		*d;
	size_t				 n;

	(void)state;
	c = obs_instance_new(obs, "c.test", 3, 1, false);
	obs_instance_set_step(c, 0);
	obs_token_add(obs, "TC", c, 0);
	obs_feed_all(obs, lines);
	ss = obs_instance_sessions(c, &n);
	assert_int_equal(n, 4);
	assert_int_equal(ss[0].level, LEAK_ENVELOPE);
	assert_int_equal(ss[1].level, LEAK_EHLO);
	d = obs_instance_data(c, &n);
	assert_int_equal(n, 2);
	assert_int_equal(d[0].result, DATA_REJECTED);
	assert_true(d[0].tls && d[0].fallback && !d[0].sni_ok);
	assert_int_equal(d[1].result, DATA_COMPLETE);
	assert_true(d[1].tls && !d[1].fallback && d[1].sni_ok);
	assert_string_equal(obs_instance_steps(c)[0].incomplete, "");
	observer_free(obs);
}

/*
 * test_observe_crl - the CRL host's records: only a GET answered 200 is
 * the CRL fetched, counted in the instance and step whose block it
 * arrived at; its connections are not the policy host's
 */
static void
test_observe_crl(void **state)
{
	static const struct {
		const char	*line;
		unsigned int	 a, b;		/* crl_fetches after it */
	} rows[] = {
		{ "http session=0000000000000001 event=connect "
		    "laddr=127.1.1.11 server=crl.a.test peer=p", 0, 0 },
		{ "http session=0000000000000001 event=fetch laddr=127.1.1.11 "
		    "server=crl.a.test peer=p host=crl.a.test method=GET "
		    "path=/ca.crl status=200 bytes=400", 1, 0 },
		{ "http session=0000000000000002 event=fetch laddr=127.1.1.11 "
		    "server=crl.a.test peer=p host=crl.a.test method=HEAD "
		    "path=/ca.crl status=200 bytes=0", 1, 0 },
		{ "http session=0000000000000003 event=fetch laddr=127.1.1.11 "
		    "server=crl.a.test peer=p host=\"\" method=GET "
		    "path=/x status=404 bytes=0", 1, 0 },
		{ "http session=0000000000000004 event=fetch laddr=127.1.1.11 "
		    "server=crl.a.test peer=p method=GET path=/ca.crl", 1, 0 },
		{ "http session=0000000000000005 event=fetch laddr=127.1.1.11 "
		    "server=crl.a.test peer=p method=GET path=/ca.crl "
		    "status=2000 bytes=1", 1, 0 },
		{ "http session=0000000000000001 event=fetch laddr=127.1.10.11 "
		    "server=crl.b.test peer=p host=crl.b.test method=GET "
		    "path=/ca.crl status=200 bytes=400", 1, 1 },
		{ "http session=0000000000000006 event=warn laddr=127.1.1.11 "
		    "server=crl.a.test reason=\"not an HTTP request\"", 1, 1 },
		{ "http session=0000000000000001 event=close laddr=127.1.1.11 "
		    "server=crl.a.test reason=done", 1, 1 },
	};
	struct observer		*obs = observer_new();
	struct obs_instance	*a, *b;
	const struct step_obs	*sa = NULL, *sb;
	size_t			 i;

	(void)state;
	a = obs_instance_new(obs, "a.test", 1, 1, false);
	b = obs_instance_new(obs, "b.test", 1, 10, true);
	obs_instance_set_step(a, 0);
	obs_instance_set_step(b, 0);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		observer_feed(obs, rows[i].line);
		sa = obs_instance_steps(a);
		sb = obs_instance_steps(b);
		if (sa[0].crl_fetches != rows[i].a ||
		    sb[0].crl_fetches != rows[i].b)
			fail_msg("row %zu: crl_fetches a %u b %u, want %u %u",
			    i, sa[0].crl_fetches, sb[0].crl_fetches,
			    rows[i].a, rows[i].b);
	}
	assert_non_null(sa);
	assert_int_equal(sa[0].https_connects, 0);
	assert_int_equal(sa[0].fetches, 0);
	assert_int_equal(obs_instance_https_open(a), 0);
	assert_string_equal(sa[0].incomplete, "");
	observer_free(obs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_observe_routing),
		cmocka_unit_test(test_observe_late_and_reuse),
		cmocka_unit_test(test_observe_incomplete),
		cmocka_unit_test(test_observe_flood_is_seen),
		cmocka_unit_test(test_observe_not_before_step),
		cmocka_unit_test(test_observe_rcpt),
		cmocka_unit_test(test_observe_fail_fallback),
		cmocka_unit_test(test_observe_crl),
	};

	return cmocka_run_group_tests_name("observe", tests, obs_setup,
	    obs_teardown);
}
