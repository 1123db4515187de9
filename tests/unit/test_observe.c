/* SPDX-License-Identifier: ISC */
/*
 * test_observe.c -- records reach the right instance and step: by listen
 * address for mx/https, by queried name for dns; sessions fold into the
 * summaries the judge reads; hostile or foreign records change nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../harness/observe.h"

struct obs_fixture {
	struct observer		*obs;
	struct obs_instance	*a;	/* a.test on 127.1.1.0/24 */
	struct obs_instance	*b;	/* a-twin.test on 127.1.10.0/24 */
};

static int
obs_setup(void **state)
{
	static struct obs_fixture	fx;

	fx.obs = observer_new();
	fx.a = obs_instance_new(fx.obs, "a.test", 1, 1);
	fx.b = obs_instance_new(fx.obs, "A-Twin.test", 1, 10);
	obs_instance_set_step(fx.a, 0);
	obs_instance_set_step(fx.b, 0);
	*state = &fx;
	return 0;
}

static int
obs_teardown(void **state)
{
	struct obs_fixture	*fx = *state;

	obs_instance_free(fx->a);
	obs_instance_free(fx->b);
	observer_free(fx->obs);
	return 0;
}

static const char *const obs_lines[] = {
	/* a session at a.test's mx1 (.25) that delivers over TLS */
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
	/* the same session id on another host (.26) is another session */
	"mx session=0000000000000001 event=connect laddr=127.1.1.26 "
	    "server=evil.a.test peer=127.0.0.1:2",
	"mx session=0000000000000001 event=ehlo laddr=127.1.1.26 "
	    "server=evil.a.test verb=EHLO arg=x tls=no",
	/* twin instance 127.1.10.x must not be mistaken for 127.1.1.x */
	"mx session=0000000000000002 event=connect laddr=127.1.10.25 "
	    "server=mx1.a-twin.test peer=127.0.0.1:3",
	"https session=0000000000000001 event=fetch laddr=127.1.1.10 "
	    "server=mta-sts.a.test sni=mta-sts.a.test host=mta-sts.a.test "
	    "method=GET path=/.well-known/mta-sts.txt status=200 bytes=1",
	"https session=0000000000000002 event=fetch laddr=127.1.1.10 "
	    "server=mta-sts.a.test sni=\"\" host=mta-sts.a.test "
	    "method=GET path=/.well-known/mta-sts.txt status=200 bytes=1",
	"dns session=0000000000000001 event=query proto=udp peer=x "
	    "name=_MTA-STS.A.TEST. type=TXT rcode=NOERROR answers=1 fault=none",
	"dns session=0000000000000002 event=query proto=udp peer=x "
	    "name=mx1.a-twin.test type=A rcode=NOERROR answers=1 fault=none",
	/* foreign and hostile records: no effect */
	"dns session=0000000000000003 event=query proto=udp peer=x "
	    "name=xa.test type=A rcode=NXDOMAIN answers=0 fault=none",
	"mx session=0000000000000009 event=data laddr=127.2.1.25 "
	    "server=other result=complete tls=no bytes=1 token=T1",
	"mx session=zz event=data laddr=127.1.1.25 result=complete tls=no",
	"mx session=0000000000000005 event=data laddr=127.1.1.xx "
	    "result=complete tls=no",
	"mx session=0000000000000006 event=\"unterminated",
	"",
	NULL,
};

static void
test_observe_routing(void **state)
{
	struct obs_fixture		*fx = *state;
	const struct obs_session	*ss;
	const char			**lines;
	const char *const		*l;
	size_t				 n;

	for (l = obs_lines; *l != NULL; l++)
		observer_feed(fx->obs, *l);
	ss = obs_instance_sessions(fx->a, 0, &n);
	assert_int_equal(n, 2);
	assert_int_equal(ss[0].host, 0);
	assert_true(ss[0].ehlo && ss[0].envelope && ss[0].tls && ss[0].data &&
	    ss[0].data_tls);
	assert_string_equal(ss[0].sni, "mx1.a.test");
	assert_true(ss[0].sni_ok);		/* SNI named the server */
	assert_string_equal(ss[0].token, "T1");
	assert_int_equal(ss[1].host, 1);
	assert_true(ss[1].ehlo && !ss[1].envelope && !ss[1].data);
	assert_int_equal(obs_instance_fetches(fx->a, 0), 2);
	/* only the GET whose SNI and Host name the policy host counts */
	assert_int_equal(obs_instance_named_fetches(fx->a, 0), 1);
	assert_int_equal(obs_instance_queries(fx->a, 0), 1);
	assert_int_equal(obs_instance_open(fx->a), 2);	/* no close seen */
	/* 10 routed records + 2 malformed ones kept as evidence, not folded */
	assert_int_equal(obs_instance_transcript(fx->a, 0, &lines), 12);

	ss = obs_instance_sessions(fx->b, 0, &n);
	assert_int_equal(n, 1);
	assert_false(ss[0].ehlo);
	assert_int_equal(obs_instance_queries(fx->b, 0), 1);
}

static void
test_observe_steps_and_close(void **state)
{
	struct obs_fixture	*fx = *state;
	size_t			 n;

	obs_instance_set_step(fx->a, 1);
	observer_feed(fx->obs, "mx session=0000000000000007 event=connect "
	    "laddr=127.1.1.25 server=mx1.a.test peer=p");
	observer_feed(fx->obs, "mx session=0000000000000007 event=close "
	    "laddr=127.1.1.25 server=mx1.a.test reason=quit");
	(void)obs_instance_sessions(fx->a, 1, &n);
	assert_int_equal(n, 1);
	(void)obs_instance_sessions(fx->a, 0, &n);
	assert_int_equal(n, 2);			/* step 0 untouched */
	assert_null(obs_instance_sessions(fx->a, -1, &n));
	assert_int_equal(n, 0);
	assert_null(obs_instance_sessions(fx->a, 99, &n));
	/* an instance with no step yet records nothing */
	obs_instance_set_step(fx->b, -1);
	observer_feed(fx->obs, "mx session=0000000000000008 event=connect "
	    "laddr=127.1.10.25 server=x peer=p");
	(void)obs_instance_sessions(fx->b, 0, &n);
	assert_int_equal(n, 1);
}

static void
test_observe_flood_is_bounded(void **state)
{
	struct obs_fixture	*fx = *state;
	const char		**lines;
	char			 line[200];
	size_t			 n;
	int			 i;

	obs_instance_set_step(fx->a, 2);
	for (i = 0; i < 2000; i++) {
		(void)snprintf(line, sizeof(line), "mx session=%016x "
		    "event=connect laddr=127.1.1.25 server=x peer=p", i + 100);
		observer_feed(fx->obs, line);
	}
	(void)obs_instance_sessions(fx->a, 2, &n);
	assert_true(n <= 256);
	assert_true(obs_instance_transcript(fx->a, 2, &lines) <=
	    OBS_TRANSCRIPT_MAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_observe_routing),
		cmocka_unit_test(test_observe_steps_and_close),
		cmocka_unit_test(test_observe_flood_is_bounded),
	};

	return cmocka_run_group_tests_name("observe", tests, obs_setup,
	    obs_teardown);
}
