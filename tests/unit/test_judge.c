/* SPDX-License-Identifier: ISC */
/*
 * test_judge.c -- step and scenario verdicts from observations, table
 * driven, with the adversarial rows that matter: a SUT that lies, a
 * delivery to the attacker over TLS, a token from another step, a twin
 * that never delivers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../common/str.h"
#include "../../harness/judge.h"

/* a world: mx1 genuine (valid cert), evil attacker, mx2 expired cert */
static struct scn_world	judge_world;

static int
judge_setup(void **state)
{
	(void)state;
	memset(&judge_world, 0, sizeof(judge_world));
	(void)str_copy(judge_world.hosts[0].label, "mx1", sizeof(judge_world.hosts[0].label));
	judge_world.hosts[0].cert = CERT_VALID;
	(void)str_copy(judge_world.hosts[1].label, "evil", sizeof(judge_world.hosts[1].label));
	judge_world.hosts[1].cert = CERT_VALID;
	judge_world.hosts[1].attacker = true;
	(void)str_copy(judge_world.hosts[2].label, "mx2", sizeof(judge_world.hosts[2].label));
	judge_world.hosts[2].cert = CERT_EXPIRED;
	judge_world.nhosts = 3;
	return 0;
}

#define S(host, ehlo, env, tls, data, dtls, tok) \
	{ 0, host, ehlo, env, tls, data, dtls, tls, "", tok }
/* a TLS delivery whose SNI did not name the host */
#define S_NOSNI(host, tok) \
	{ 0, host, true, true, true, true, true, false, "", tok }

struct step_case {
	const char		*label;
	enum scn_delivery	 expect;
	const char		*at;
	bool			 sni;		/* expect_sni */
	bool			 fetch;		/* expect_fetch */
	unsigned int		 named_fetches;
	struct obs_session	 ss[3];
	size_t			 n;
	enum outcome		 claim;
	bool			 want_met;
	enum leak		 want_leak;
	bool			 want_misreport;
};

static const struct step_case step_cases[] = {
	{ "tls to genuine mx", SCN_DELIVER_TLS, "", false, false, 1,
	    { S(0, 1, 1, 1, 1, 1, "T") }, 1, OUTCOME_DELIVERED, true,
	    LEAK_NONE, false },
	{ "tls expected, plaintext delivery", SCN_DELIVER_TLS, "", false, false, 1,
	    { S(0, 1, 1, 0, 1, 0, "T") }, 1, OUTCOME_DELIVERED, false,
	    LEAK_NONE, false },
	{ "tls to the attacker is not tls", SCN_DELIVER_TLS, "", false, false, 1,
	    { S(1, 1, 1, 1, 1, 1, "T") }, 1, OUTCOME_DELIVERED, false,
	    LEAK_MESSAGE, false },
	{ "tls to a host with a bad cert", SCN_DELIVER_TLS, "", false, false, 1,
	    { S(2, 1, 1, 1, 1, 1, "T") }, 1, OUTCOME_DELIVERED, false,
	    LEAK_NONE, false },
	{ "tls at the wrong host", SCN_DELIVER_TLS, "mx2", false, false, 1,
	    { S(0, 1, 1, 1, 1, 1, "T") }, 1, OUTCOME_DELIVERED, false,
	    LEAK_NONE, false },
	{ "none: withheld, ehlo leaked", SCN_DELIVER_NONE, "", false, false, 1,
	    { S(1, 1, 0, 0, 0, 0, "") }, 1, OUTCOME_DEFERRED, true,
	    LEAK_EHLO, false },
	{ "none: envelope leaked", SCN_DELIVER_NONE, "", false, false, 1,
	    { S(1, 1, 1, 0, 0, 0, "") }, 1, OUTCOME_DEFERRED, true,
	    LEAK_ENVELOPE, false },
	{ "none: delivered to attacker", SCN_DELIVER_NONE, "", false, false, 1,
	    { S(1, 1, 1, 0, 1, 0, "T") }, 1, OUTCOME_DELIVERED, false,
	    LEAK_MESSAGE, false },
	{ "none: nothing at all", SCN_DELIVER_NONE, "", false, false, 1, { { 0 } }, 0,
	    OUTCOME_DEFERRED, true, LEAK_NONE, false },
	{ "liar: claims delivered, nothing seen", SCN_DELIVER_TLS, "", false, false, 1,
	    { { 0 } }, 0, OUTCOME_DELIVERED, false, LEAK_NONE, true },
	{ "liar: claims deferred, delivered", SCN_DELIVER_NONE, "", false, false, 1,
	    { S(0, 1, 1, 1, 1, 1, "T") }, 1, OUTCOME_DEFERRED, false,
	    LEAK_NONE, true },
	{ "other step's token does not count", SCN_DELIVER_NONE, "", false, false, 1,
	    { S(0, 1, 1, 1, 1, 1, "OTHER") }, 1, OUTCOME_DEFERRED, true,
	    LEAK_NONE, false },
	{ "stripped token still counts", SCN_DELIVER_ANY, "", false, false, 1,
	    { S(0, 1, 1, 0, 1, 0, "") }, 1, OUTCOME_DELIVERED, true,
	    LEAK_NONE, false },
	{ "plain expected, plain seen", SCN_DELIVER_PLAIN, "mx1", false, false, 1,
	    { S(0, 1, 1, 0, 1, 0, "T") }, 1, OUTCOME_DELIVERED, true,
	    LEAK_NONE, false },
	{ "plain expected, tls seen", SCN_DELIVER_PLAIN, "", false, false, 1,
	    { S(0, 1, 1, 1, 1, 1, "T") }, 1, OUTCOME_DELIVERED, false,
	    LEAK_NONE, false },
	{ "unknown host index ignored", SCN_DELIVER_TLS, "", false, false, 1,
	    { S(7, 1, 1, 1, 1, 1, "T"), S(-1, 1, 1, 1, 1, 1, "T") }, 2,
	    OUTCOME_DELIVERED, false, LEAK_NONE, false },
	{ "second session delivers", SCN_DELIVER_TLS, "", false, false, 1,
	    { S(1, 1, 0, 0, 0, 0, ""), S(0, 1, 1, 1, 1, 1, "T") }, 2,
	    OUTCOME_DELIVERED, true, LEAK_EHLO, false },
	{ "sni required and sent", SCN_DELIVER_TLS, "", true, false, 1,
	    { S(0, 1, 1, 1, 1, 1, "T") }, 1, OUTCOME_DELIVERED, true,
	    LEAK_NONE, false },
	{ "sni required, not sent", SCN_DELIVER_TLS, "", true, false, 1,
	    { S_NOSNI(0, "T") }, 1, OUTCOME_DELIVERED, false, LEAK_NONE,
	    false },
	{ "sni not required, not sent", SCN_DELIVER_TLS, "", false, false, 1,
	    { S_NOSNI(0, "T") }, 1, OUTCOME_DELIVERED, true, LEAK_NONE,
	    false },
	{ "policy fetch required, none named", SCN_DELIVER_TLS, "", false,
	    true, 0, { S(0, 1, 1, 1, 1, 1, "T") }, 1, OUTCOME_DELIVERED,
	    false, LEAK_NONE, false },
	{ "policy fetch required and seen", SCN_DELIVER_NONE, "", false,
	    true, 2, { { 0 } }, 0, OUTCOME_DEFERRED, true, LEAK_NONE,
	    false },
	{ NULL, 0, NULL, false, false, 0, { { 0 } }, 0, 0, false, 0, false },
};

static void
test_judge_step_table(void **state)
{
	const struct step_case	*tc;
	struct scn_step		 st;
	struct step_result	 r;

	(void)state;
	for (tc = step_cases; tc->label != NULL; tc++) {
		memset(&st, 0, sizeof(st));
		st.expect = tc->expect;
		st.expect_sni = tc->sni;
		st.expect_fetch = tc->fetch;
		(void)str_copy(st.expect_at, tc->at, sizeof(st.expect_at));
		judge_step(&st, &judge_world, tc->ss, tc->n, tc->named_fetches,
		    "T", tc->claim, &r);
		if (r.met != tc->want_met || r.leak != tc->want_leak ||
		    r.misreport != tc->want_misreport)
			fail_msg("%s: met %d leak %s misreport %d (%s)",
			    tc->label, r.met, leak_str(r.leak), r.misreport,
			    r.reason);
	}
}

struct scn_case {
	const char		*label;
	enum scn_strength	 strength;
	bool			 main_met;
	enum outcome		 main_outcome;
	bool			 has_twin;
	bool			 twin_met;
	enum verdict		 want;
};

static const struct scn_case scn_cases[] = {
	{ "must met", SCN_MUST, true, OUTCOME_DEFERRED, true, true,
	    VERDICT_PASS },
	{ "must broken", SCN_MUST, false, OUTCOME_DELIVERED, true, true,
	    VERDICT_FAIL },
	{ "should broken", SCN_SHOULD, false, OUTCOME_DEFERRED, true, true,
	    VERDICT_NON_STRICT },
	{ "may broken is info", SCN_MAY, false, OUTCOME_DEFERRED, false,
	    false, VERDICT_INFO },
	{ "info met is info", SCN_INFO, true, OUTCOME_DELIVERED, false,
	    false, VERDICT_INFO },
	{ "twin silent: no pass", SCN_MUST, true, OUTCOME_DEFERRED, true,
	    false, VERDICT_ERROR },
	{ "twin silent but attack leaked: still fail", SCN_MUST, false,
	    OUTCOME_DELIVERED, true, false, VERDICT_FAIL },
	{ "unsupported", SCN_MUST, false, OUTCOME_UNSUPPORTED, true, true,
	    VERDICT_SKIP },
	{ "adapter failed", SCN_MUST, true, OUTCOME_FAILED, true, true,
	    VERDICT_ERROR },
	{ NULL, 0, false, 0, false, false, 0 },
};

static void
test_judge_scenario_table(void **state)
{
	const struct scn_case	*tc;
	struct scenario		 scn;
	struct step_result	 main, twin;
	enum leak		 leak;
	enum verdict		 v;
	char			 reason[256];

	(void)state;
	for (tc = scn_cases; tc->label != NULL; tc++) {
		memset(&scn, 0, sizeof(scn));
		scn.strength = tc->strength;
		scn.has_attack = tc->has_twin;
		scn.nsteps = 1;
		memset(&main, 0, sizeof(main));
		main.met = tc->main_met;
		main.outcome = tc->main_outcome;
		main.leak = tc->main_met ? LEAK_EHLO : LEAK_MESSAGE;
		memset(&twin, 0, sizeof(twin));
		twin.met = tc->twin_met;
		v = judge_scenario(&scn, &main, 1, tc->has_twin ? &twin : NULL,
		    tc->has_twin ? 1 : 0, &leak, reason, sizeof(reason));
		if (v != tc->want)
			fail_msg("%s: got %s, want %s (%s)", tc->label,
			    verdict_str(v), verdict_str(tc->want), reason);
		if (leak != main.leak)
			fail_msg("%s: leak %s", tc->label, leak_str(leak));
		if (v != VERDICT_PASS && reason[0] == '\0')
			fail_msg("%s: no reason given", tc->label);
	}
}

static void
test_judge_strings(void **state)
{
	enum outcome	o;

	(void)state;
	assert_string_equal(verdict_str(VERDICT_NON_STRICT), "NON-STRICT");
	assert_string_equal(leak_str(LEAK_ENVELOPE), "envelope");
	assert_int_equal(outcome_parse("deferred", &o), 0);
	assert_int_equal(o, OUTCOME_DEFERRED);
	/* the harness's own outcomes are not claims a SUT may make */
	assert_int_equal(outcome_parse("adapter-failed", &o), -1);
	assert_int_equal(outcome_parse("unsupported", &o), -1);
	assert_int_equal(outcome_parse("", &o), -1);
	assert_int_equal(outcome_parse("DELIVERED", &o), -1);
	assert_true(verdict_is_met(VERDICT_SKIP));
	assert_false(verdict_is_met(VERDICT_ERROR));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_judge_step_table),
		cmocka_unit_test(test_judge_scenario_table),
		cmocka_unit_test(test_judge_strings),
	};

	return cmocka_run_group_tests_name("judge", tests, judge_setup, NULL);
}
