/* SPDX-License-Identifier: ISC */
/*
 * test_judge.c -- step and scenario verdicts from observations, table
 * driven, with the adversarial rows that matter: a SUT that lies, leaks
 * and then says "unsupported", leaks late, leaks to another domain's host,
 * floods, fails closed because it is broken, or does nothing at all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../common/str.h"
#include "../../harness/judge.h"

enum { H_MX1 = 0, H_EVIL = 1, H_MX2 = 2, H_MX3 = 3, H_GONE = 7 };

/*
 * clean world: mx1; attacked: mx1, evil (attacker), mx2 (expired cert),
 * mx3 (a valid certificate, but for mx1's name: cert_for)
 */
static struct scenario	judge_scn;

static void
judge_host(struct scn_world *w, const char *label, enum cert_profile cert,
    bool attacker)
{
	struct scn_host	*h = &w->hosts[w->nhosts++];

	(void)str_copy(h->label, label, sizeof(h->label));
	h->cert = cert;
	h->attacker = attacker;
}

static int
judge_setup(void **state)
{
	(void)state;
	memset(&judge_scn, 0, sizeof(judge_scn));
	judge_host(&judge_scn.clean, "mx1", CERT_VALID, false);
	judge_host(&judge_scn.attacked, "mx1", CERT_VALID, false);
	judge_host(&judge_scn.attacked, "evil", CERT_VALID, true);
	judge_host(&judge_scn.attacked, "mx2", CERT_EXPIRED, false);
	judge_host(&judge_scn.attacked, "mx3", CERT_VALID, false);
	(void)str_copy(judge_scn.attacked.hosts[H_MX3].cert_for, "mx1",
	    sizeof(judge_scn.attacked.hosts[H_MX3].cert_for));
	judge_scn.has_attack = true;
	judge_scn.nsteps = 1;
	judge_scn.steps[0].attack = true;
	return 0;
}

/* a DATA at host, with its result, TLS, SNI, late and foreign flags */
/* the instances' domain; every D() DATA is a message to it */
#define J_DOMAIN	"d.test"
#define D(host, res, tls, sni, late, foreign) \
	{ 1, 0, true, late, foreign, 0, host, res, tls, sni, false, "h", "", \
	    J_DOMAIN, 1, false, false }
/* a TLS DATA at host over the MX's SNI fallback certificate */
#define DF(host) \
	{ 1, 0, true, 0, 0, 0, host, DATA_COMPLETE, 1, 0, true, "h", "", \
	    J_DOMAIN, 1, false, false }

struct step_case {
	const char		*label;
	enum scn_delivery	 expect;
	const char		*at;
	bool			 sni;		/* expect_sni */
	bool			 fetch;		/* expect_fetch YES */
	unsigned int		 named_fetches;
	unsigned int		 queries;
	struct obs_data		 data[3];
	size_t			 ndata;
	struct obs_session	 sess[2];
	size_t			 nsess;
	enum outcome		 claim;
	bool			 want_met;
	enum leak		 want_leak;
	bool			 want_forbidden;
	bool			 want_misreport;
	bool			 want_nothing;
};

static const struct step_case step_cases[] = {
	{ "tls to genuine mx", SCN_DELIVER_TLS, "", false, false, 1, 3,
	    { D(H_MX1, DATA_COMPLETE, 1, 1, 0, 0) }, 1, { { 0 } }, 0,
	    OUTCOME_DELIVERED, true, LEAK_NONE, false, false, false },
	{ "tls over the SNI fallback certificate is not tls to the host",
	    SCN_DELIVER_TLS, "", false, false, 1, 3, { DF(H_MX1) }, 1,
	    { { 0 } }, 0, OUTCOME_DELIVERED, false, LEAK_NONE, false, false,
	    false },
	{ "plain expected, the fallback's TLS is not plain", SCN_DELIVER_PLAIN,
	    "", false, false, 1, 3, { DF(H_MX1) }, 1, { { 0 } }, 0,
	    OUTCOME_DELIVERED, false, LEAK_NONE, false, false, false },
	{ "none: a body rejected at its dot still reached the attacker",
	    SCN_DELIVER_NONE, "", false, false, 1, 3,
	    { D(H_EVIL, DATA_REJECTED, 0, 0, 0, 0) }, 1, { { 0 } }, 0,
	    OUTCOME_DEFERRED, false, LEAK_MESSAGE, true, false, false },
	{ "tls expected, the body rejected at its dot", SCN_DELIVER_TLS, "",
	    false, false, 1, 3, { D(H_MX1, DATA_REJECTED, 1, 1, 0, 0) }, 1,
	    { { 0 } }, 0, OUTCOME_DEFERRED, false, LEAK_NONE, false, false,
	    false },
	{ "tls expected, plaintext delivery", SCN_DELIVER_TLS, "", false,
	    false, 1, 3, { D(H_MX1, DATA_COMPLETE, 0, 0, 0, 0) }, 1,
	    { { 0 } }, 0, OUTCOME_DELIVERED, false, LEAK_NONE, false, false,
	    false },
	{ "tls to the attacker is a forbidden leak", SCN_DELIVER_TLS, "",
	    false, false, 1, 3, { D(H_EVIL, DATA_COMPLETE, 1, 1, 0, 0) }, 1,
	    { { 0 } }, 0, OUTCOME_DELIVERED, false, LEAK_MESSAGE, true, false,
	    false },
	{ "attacker first, then genuine: still a leak", SCN_DELIVER_TLS, "mx1",
	    false, false, 1, 3, { D(H_EVIL, DATA_COMPLETE, 0, 0, 0, 0),
	    D(H_MX1, DATA_COMPLETE, 1, 1, 0, 0) }, 2, { { 0 } }, 0,
	    OUTCOME_DELIVERED, false, LEAK_MESSAGE, true, false, false },
	{ "tls to a host with a bad cert", SCN_DELIVER_TLS, "", false, false,
	    1, 3, { D(H_MX2, DATA_COMPLETE, 1, 1, 0, 0) }, 1, { { 0 } }, 0,
	    OUTCOME_DELIVERED, false, LEAK_NONE, false, false, false },
	{ "tls to a host presenting another host's cert", SCN_DELIVER_TLS, "",
	    false, false, 1, 3, { D(H_MX3, DATA_COMPLETE, 1, 1, 0, 0) }, 1,
	    { { 0 } }, 0, OUTCOME_DELIVERED, false, LEAK_NONE, false, false,
	    false },
	{ "tls at the wrong host", SCN_DELIVER_TLS, "mx2", false, false, 1, 3,
	    { D(H_MX1, DATA_COMPLETE, 1, 1, 0, 0) }, 1, { { 0 } }, 0,
	    OUTCOME_DELIVERED, false, LEAK_NONE, false, false, false },
	{ "none: withheld, ehlo leaked", SCN_DELIVER_NONE, "", false, false,
	    1, 3, { { 0 } }, 0, { { 0, H_EVIL, LEAK_EHLO } }, 1,
	    OUTCOME_DEFERRED, true, LEAK_EHLO, false, false, false },
	{ "none: envelope leaked", SCN_DELIVER_NONE, "", false, false, 1, 3,
	    { { 0 } }, 0, { { 0, H_EVIL, LEAK_ENVELOPE } }, 1,
	    OUTCOME_DEFERRED, true, LEAK_ENVELOPE, false, false, false },
	{ "none: delivered to attacker", SCN_DELIVER_NONE, "", false, false,
	    1, 3, { D(H_EVIL, DATA_COMPLETE, 0, 0, 0, 0) }, 1, { { 0 } }, 0,
	    OUTCOME_DELIVERED, false, LEAK_MESSAGE, true, false, false },
	{ "none: 552 after the body is still a leak", SCN_DELIVER_NONE, "",
	    false, false, 1, 3, { D(H_EVIL, DATA_TOO_BIG, 0, 0, 0, 0) }, 1,
	    { { 0 } }, 0, OUTCOME_DEFERRED, false, LEAK_MESSAGE, true, false,
	    false },
	{ "none: a body cut off is still a leak", SCN_DELIVER_NONE, "", false,
	    false, 1, 3, { D(H_EVIL, DATA_ABORTED, 0, 0, 0, 0) }, 1,
	    { { 0 } }, 0, OUTCOME_DEFERRED, false, LEAK_MESSAGE, true, false,
	    false },
	{ "none: late delivery to the attacker", SCN_DELIVER_NONE, "", false,
	    false, 1, 3, { D(H_EVIL, DATA_COMPLETE, 0, 0, 1, 0) }, 1,
	    { { 0 } }, 0, OUTCOME_DEFERRED, false, LEAK_MESSAGE, true, false,
	    false },
	{ "none: a late genuine delivery is no leak", SCN_DELIVER_NONE, "",
	    false, false, 1, 3, { D(H_MX1, DATA_COMPLETE, 1, 1, 1, 0) }, 1,
	    { { 0 } }, 0, OUTCOME_DEFERRED, true, LEAK_NONE, false, false,
	    false },
	{ "none: to another domain's host", SCN_DELIVER_NONE, "", false,
	    false, 1, 3, { D(H_MX1, DATA_COMPLETE, 1, 1, 0, 1) }, 1,
	    { { 0 } }, 0, OUTCOME_DELIVERED, false, LEAK_MESSAGE, true, false,
	    false },
	{ "none: to a host we cannot place", SCN_DELIVER_NONE, "", false,
	    false, 1, 3, { D(H_GONE, DATA_COMPLETE, 0, 0, 0, 0) }, 1,
	    { { 0 } }, 0, OUTCOME_DELIVERED, false, LEAK_MESSAGE, true, false,
	    false },
	{ "none: nothing at all", SCN_DELIVER_NONE, "", false, false, 0, 0,
	    { { 0 } }, 0, { { 0 } }, 0, OUTCOME_DEFERRED, true, LEAK_NONE,
	    false, false, true },
	{ "liar: claims delivered, nothing seen", SCN_DELIVER_TLS, "", false,
	    false, 1, 3, { { 0 } }, 0, { { 0 } }, 0, OUTCOME_DELIVERED, false,
	    LEAK_NONE, false, true, false },
	{ "liar: claims deferred, delivered", SCN_DELIVER_NONE, "", false,
	    false, 1, 3, { D(H_MX1, DATA_COMPLETE, 1, 1, 0, 0) }, 1,
	    { { 0 } }, 0, OUTCOME_DEFERRED, false, LEAK_NONE, false, true,
	    false },
	{ "plain expected, plain seen at the attacked host", SCN_DELIVER_PLAIN,
	    "evil", false, false, 1, 3, { D(H_EVIL, DATA_COMPLETE, 0, 0, 0, 0) },
	    1, { { 0 } }, 0, OUTCOME_DELIVERED, true, LEAK_MESSAGE, false,
	    false, false },
	{ "plain expected, tls at the attacker", SCN_DELIVER_PLAIN, "", false,
	    false, 1, 3, { D(H_EVIL, DATA_COMPLETE, 1, 1, 0, 0) }, 1,
	    { { 0 } }, 0, OUTCOME_DELIVERED, false, LEAK_MESSAGE, true, false,
	    false },
	{ "any at the named host, elsewhere forbidden", SCN_DELIVER_ANY, "mx1",
	    false, false, 1, 3, { D(H_EVIL, DATA_COMPLETE, 0, 0, 0, 0) }, 1,
	    { { 0 } }, 0, OUTCOME_DELIVERED, false, LEAK_MESSAGE, true, false,
	    false },
	{ "a late delivery does not meet tls", SCN_DELIVER_TLS, "", false,
	    false, 1, 3, { D(H_MX1, DATA_COMPLETE, 1, 1, 1, 0) }, 1,
	    { { 0 } }, 0, OUTCOME_DEFERRED, false, LEAK_NONE, false, false,
	    false },
	{ "sni required and sent", SCN_DELIVER_TLS, "", true, false, 1, 3,
	    { D(H_MX1, DATA_COMPLETE, 1, 1, 0, 0) }, 1, { { 0 } }, 0,
	    OUTCOME_DELIVERED, true, LEAK_NONE, false, false, false },
	{ "sni required, not sent", SCN_DELIVER_TLS, "", true, false, 1, 3,
	    { D(H_MX1, DATA_COMPLETE, 1, 0, 0, 0) }, 1, { { 0 } }, 0,
	    OUTCOME_DELIVERED, false, LEAK_NONE, false, false, false },
	{ "policy fetch required, none named", SCN_DELIVER_TLS, "", false,
	    true, 0, 3, { D(H_MX1, DATA_COMPLETE, 1, 1, 0, 0) }, 1, { { 0 } },
	    0, OUTCOME_DELIVERED, false, LEAK_NONE, false, false, false },
	{ "policy fetch required and seen", SCN_DELIVER_NONE, "", false, true,
	    2, 3, { { 0 } }, 0, { { 0 } }, 0, OUTCOME_DEFERRED, true,
	    LEAK_NONE, false, false, false },
	{ NULL, 0, NULL, false, false, 0, 0, { { 0 } }, 0, { { 0 } }, 0, 0,
	    false, 0, false, false, false },
};

static void
test_judge_step_table(void **state)
{
	const struct step_case	*tc;
	struct judge_instance	 in;
	struct step_obs		 so;
	struct step_claim	 c;
	struct step_result	 r;

	(void)state;
	for (tc = step_cases; tc->label != NULL; tc++) {
		judge_scn.steps[0].expect = tc->expect;
		judge_scn.steps[0].expect_sni = tc->sni;
		judge_scn.steps[0].expect_fetch = tc->fetch ? SCN_WANT_YES :
		    SCN_WANT_ANY;
		(void)str_copy(judge_scn.steps[0].expect_at, tc->at,
		    sizeof(judge_scn.steps[0].expect_at));
		memset(&so, 0, sizeof(so));
		so.named_fetches = tc->named_fetches;
		so.fetches = tc->named_fetches;
		so.queries = tc->queries;
		memset(&c, 0, sizeof(c));
		c.deliver_ran = true;
		c.outcome = tc->claim;
		memset(&in, 0, sizeof(in));
		in.domain = J_DOMAIN;
		in.nsteps = 1;
		in.obs = &so;
		in.claims = &c;
		in.data = tc->data;
		in.ndata = tc->ndata;
		in.sessions = tc->sess;
		in.nsessions = tc->nsess;
		judge_step(&judge_scn, &in, 0, &r);
		if (r.met != tc->want_met || r.leak != tc->want_leak ||
		    r.forbidden != tc->want_forbidden ||
		    r.misreport != tc->want_misreport ||
		    r.nothing != tc->want_nothing)
			fail_msg("%s: met %d leak %s forbidden %d misreport %d "
			    "nothing %d (%s)", tc->label, r.met,
			    leak_str(r.leak), r.forbidden, r.misreport,
			    r.nothing, r.reason);
		if (r.reason[0] == '\0')
			fail_msg("%s: no reason", tc->label);
	}
}

/* policy_fetched over the policy host's counters of the step */
struct fetch_case {
	const char	*label;
	enum scn_want	 want;
	unsigned int	 fetches;	/* HTTPS requests at the policy host */
	unsigned int	 named;		/* ... with SNI and Host naming it */
	unsigned int	 conditional;	/* ... of those, conditional */
	bool		 delivered;	/* TLS DATA at mx1 */
	bool		 want_met;
	const char	*want_reason;	/* substring */
};

static const struct fetch_case fetch_cases[] = {
	{ "not asked, none", SCN_WANT_ANY, 0, 0, 0, true, true,
	    "expected tls; observed DATA" },
	{ "not asked, some", SCN_WANT_ANY, 3, 1, 0, true, true,
	    "expected tls; observed DATA" },
	{ "true, a named GET", SCN_WANT_YES, 1, 1, 0, true, true,
	    "expected tls after a policy fetch; observed DATA" },
	{ "true, only unnamed GETs", SCN_WANT_YES, 2, 0, 0, true, false,
	    "observed no policy fetch naming the policy host, DATA" },
	{ "true, nothing", SCN_WANT_YES, 0, 0, 0, false, false,
	    "expected tls after a policy fetch; observed no policy fetch" },
	{ "false, nothing at the policy host", SCN_WANT_NO, 0, 0, 0, true, true,
	    "expected tls without a policy fetch; observed DATA" },
	{ "false, a named GET", SCN_WANT_NO, 1, 1, 0, true, false,
	    "observed 1 HTTPS request at the policy host, DATA at" },
	/* any request there is a fetch attempt, named or not */
	{ "false, an unnamed request", SCN_WANT_NO, 1, 0, 0, true, false,
	    "observed 1 HTTPS request at the policy host" },
	{ "false, many", SCN_WANT_NO, 4, 2, 0, true, false,
	    "observed 4 HTTPS requests at the policy host" },
	{ "false, fetched and nothing delivered", SCN_WANT_NO, 1, 1, 0, false,
	    false, "expected tls without a policy fetch; observed 1 HTTPS "
	    "request at the policy host, no delivery" },
	{ "false, not fetched, not delivered", SCN_WANT_NO, 0, 0, 0, false,
	    false, "observed no delivery" },
	/* R-3.3-7: a conditional GET is HTTP caching, not a policy fetch */
	{ "true, only a conditional named GET", SCN_WANT_YES, 2, 1, 1, false,
	    false, "observed only conditional policy fetches (If-None-Match "
	    "or If-Modified-Since: HTTP caching), no delivery" },
	{ "true, a conditional and a plain named GET", SCN_WANT_YES, 2, 2, 1,
	    true, true, "expected tls after a policy fetch; observed DATA" },
	{ "false, a conditional GET is a request", SCN_WANT_NO, 1, 1, 1, true,
	    false, "observed 1 HTTPS request at the policy host" },
	{ NULL, SCN_WANT_ANY, 0, 0, 0, false, false, NULL },
};

/* judge_one - step 1 of judge_scn, in one instance of J_DOMAIN */
static void
judge_one(const struct step_obs *so, const struct step_claim *c,
    const struct obs_data *d, size_t nd, struct step_result *r)
{
	struct judge_instance	in;

	memset(&in, 0, sizeof(in));
	in.domain = J_DOMAIN;
	in.nsteps = 1;
	in.obs = so;
	in.claims = c;
	in.data = d;
	in.ndata = nd;
	judge_step(&judge_scn, &in, 0, r);
}

/*
 * test_judge_fetch_table - policy_fetched: true needs a named GET that is
 * not conditional, false
 * needs no request at the policy host at all; the reason says which
 */
static void
test_judge_fetch_table(void **state)
{
	static const struct obs_data	 good =
	    D(H_MX1, DATA_COMPLETE, 1, 1, 0, 0);
	const struct fetch_case		*tc;
	struct step_obs			 so;
	struct step_claim		 c;
	struct step_result		 r;
	struct scn_step			 twin;

	(void)state;
	judge_scn.has_attack = false;
	judge_scn.steps[0].attack = false;
	judge_scn.steps[0].expect = SCN_DELIVER_TLS;
	judge_scn.steps[0].expect_at[0] = '\0';
	judge_scn.steps[0].expect_sni = false;
	for (tc = fetch_cases; tc->label != NULL; tc++) {
		judge_scn.steps[0].expect_fetch = tc->want;
		memset(&so, 0, sizeof(so));
		so.queries = 3;
		so.https_connects = tc->fetches > 0 ? 1 : 0;
		so.fetches = tc->fetches;
		so.named_fetches = tc->named;
		so.conditional_fetches = tc->conditional;
		memset(&c, 0, sizeof(c));
		c.deliver_ran = true;
		c.outcome = tc->delivered ? OUTCOME_DELIVERED :
		    OUTCOME_DEFERRED;
		judge_one(&so, &c, &good, tc->delivered ? 1 : 0, &r);
		if (r.met != tc->want_met ||
		    strstr(r.reason, tc->want_reason) == NULL)
			fail_msg("%s: met %d, reason \"%s\" (want %d, \"%s\")",
			    tc->label, r.met, r.reason, tc->want_met,
			    tc->want_reason);
	}
	/* the clean twin asks nothing of the policy fetch */
	judge_scn.steps[0].expect_fetch = SCN_WANT_NO;
	judge_twin_step(&judge_scn.steps[0], &twin);
	assert_int_equal(twin.expect_fetch, SCN_WANT_ANY);
	assert_int_equal(twin.expect, SCN_DELIVER_TLS);
	judge_setup(NULL);
}

/* judge_names_domain: the recipient domain as a whole name, or its end */
struct names_case {
	const char	*line;
	size_t		 len;		/* 0: strlen(line) */
	bool		 want;
};

static const struct names_case names_cases[] = {
	{ "refresh for d.test failed", 0, true },
	{ "d.test", 0, true },
	{ "REFRESH FOR D.TEST FAILED", 0, true },
	{ "https://mta-sts.d.test/.well-known/mta-sts.txt: 500", 0, true },
	{ "policy of d.test.", 0, true },		/* a sentence's dot */
	{ "policy of d.test. Next", 0, true },
	{ "\"d.test\": 500", 0, true },
	{ "<user@d.test>", 0, true },
	{ "domain=d.test,status=500", 0, true },
	/* adversarial: longer names that merely contain it */
	{ "xd.test failed", 0, false },
	{ "d.test-x failed", 0, false },
	{ "d.tests failed", 0, false },
	{ "d.test.x failed", 0, false },
	{ "d.test_x failed", 0, false },
	{ "d-test failed", 0, false },
	{ "d.tes", 0, false },
	{ "", 0, false },
	/* the length bounds the line: the name past it does not count */
	{ "a d.test", 5, false },
	/* a name right after a NUL byte is still in the line */
	{ "x\0d.test", 8, true },
	{ "xd.testd.test", 0, false },
	{ "xd.test d.test", 0, true },
	{ NULL, 0, false },
};

static void
test_judge_names_domain(void **state)
{
	const struct names_case	*tc;
	size_t			 len;

	(void)state;
	for (tc = names_cases; tc->line != NULL; tc++) {
		len = tc->len > 0 ? tc->len : strlen(tc->line);
		if (judge_names_domain(tc->line, len, J_DOMAIN) != tc->want)
			fail_msg("\"%s\" (%zu): want %d", tc->line, len,
			    tc->want);
	}
	assert_false(judge_names_domain("d.test", 6, ""));
}

/* judge_alerts_scan: lines counted, bounded, one kept */
struct scan_case {
	const char	*label;
	const char	*out;
	size_t		 len;		/* 0: strlen(out) */
	unsigned int	 lines, naming;
	const char	*kept;
};

static const struct scan_case scan_cases[] = {
	{ "nothing", "", 0, 0, 0, "" },
	{ "blank lines only", "\n\r\n\n", 0, 0, 0, "" },
	{ "one naming line", "refresh for d.test failed\n", 0, 1, 1,
	    "refresh for d.test failed" },
	{ "no final newline", "refresh for d.test failed", 0, 1, 1,
	    "refresh for d.test failed" },
	{ "CRLF", "a\r\nrefresh for d.test failed\r\n", 0, 2, 1,
	    "refresh for d.test failed" },
	{ "first line kept when none names it", "about e.test\nabout f.test\n",
	    0, 2, 0, "about e.test" },
	{ "first naming line kept", "about e.test\nd.test one\nd.test two\n",
	    0, 3, 2, "d.test one" },
	{ "a line without the domain", "MTA-STS policy refresh failed\n", 0,
	    1, 0, "MTA-STS policy refresh failed" },
	{ "NUL bytes end the copy, not the scan", "x\0y\nd.test\n", 11, 2, 1,
	    "d.test" },
	{ NULL, NULL, 0, 0, 0, NULL },
};

static void
test_judge_alerts_scan(void **state)
{
	const struct scan_case	*tc;
	struct step_claim	 c;
	char			 big[JUDGE_ALERT_LINES_MAX * 4 + 64];
	size_t			 i, n;

	(void)state;
	for (tc = scan_cases; tc->label != NULL; tc++) {
		memset(&c, 0, sizeof(c));
		judge_alerts_scan(tc->out, tc->len > 0 ? tc->len :
		    strlen(tc->out), J_DOMAIN, &c);
		if (c.alerts != ALERTS_READ || c.alert_lines != tc->lines ||
		    c.alert_naming != tc->naming ||
		    strcmp(c.alert_line, tc->kept) != 0)
			fail_msg("%s: %u lines, %u naming, kept \"%s\"",
			    tc->label, c.alert_lines, c.alert_naming,
			    c.alert_line);
	}
	/* only the first JUDGE_ALERT_LINES_MAX lines count: a naming line
	   after a flood of others is not read */
	for (i = n = 0; i < JUDGE_ALERT_LINES_MAX; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "x\n");
	n += (size_t)snprintf(big + n, sizeof(big) - n, "d.test\n");
	memset(&c, 0, sizeof(c));
	judge_alerts_scan(big, n, J_DOMAIN, &c);
	assert_int_equal(c.alert_lines, JUDGE_ALERT_LINES_MAX);
	assert_int_equal(c.alert_naming, 0);
	/* a long line is kept cut to its buffer */
	memset(big, 'a', sizeof(big));
	memcpy(big, "d.test ", 7);
	memset(&c, 0, sizeof(c));
	judge_alerts_scan(big, sizeof(big), J_DOMAIN, &c);
	assert_int_equal(c.alert_naming, 1);
	assert_int_equal(strlen(c.alert_line), JUDGE_ALERT_LINE_MAX - 1);
}

/*
 * alert: true needs a failed fetch in the step and a line naming the
 * domain; false needs no line naming it; an unanswered question (89) is
 * not judged here
 */
struct alert_case {
	const char		*label;
	enum scn_want		 want;
	unsigned int		 failed;	/* failed_fetches */
	enum alerts_state	 alerts;
	unsigned int		 lines, naming;
	bool			 want_met;
	bool			 want_unsupported;
	const char		*want_reason;
};

static const struct alert_case alert_cases[] = {
	{ "true: failed fetch and a naming alert", SCN_WANT_YES, 1,
	    ALERTS_READ, 1, 1, true, false, "1 failed policy fetch, alerts: " },
	{ "true: failed fetch, no alert", SCN_WANT_YES, 1, ALERTS_READ, 0, 0,
	    false, false, "no alert naming the domain (0 lines)" },
	{ "true: an alert without the domain", SCN_WANT_YES, 1, ALERTS_READ,
	    2, 0, false, false, "no alert naming the domain (2 lines)" },
	/* an adapter that always alerts: nothing failed, nothing proven */
	{ "true: an alert about no failed fetch", SCN_WANT_YES, 0,
	    ALERTS_READ, 1, 1, false, false,
	    "no failed policy fetch (nothing to alert about)" },
	{ "true: never read", SCN_WANT_YES, 1, ALERTS_NOT_ASKED, 0, 0, false,
	    false, "no alerts read" },
	{ "true: unsupported is open, not unmet", SCN_WANT_YES, 1,
	    ALERTS_UNSUPPORTED, 0, 0, true, true, "alerts: unsupported" },
	{ "false: no line", SCN_WANT_NO, 1, ALERTS_READ, 0, 0, true, false,
	    "alerts: none" },
	{ "false: lines about other domains", SCN_WANT_NO, 1, ALERTS_READ, 3,
	    0, true, false, "expected tls and no operator alert" },
	{ "false: a naming alert", SCN_WANT_NO, 1, ALERTS_READ, 1, 1, false,
	    false, "1 alert naming the domain" },
	{ "false: a naming alert, nothing failed", SCN_WANT_NO, 0,
	    ALERTS_READ, 2, 2, false, false, "2 alerts naming the domain" },
	{ "not asked: lines do not matter", SCN_WANT_ANY, 0, ALERTS_READ, 1,
	    1, true, false, "observed DATA" },
	{ NULL, SCN_WANT_ANY, 0, ALERTS_NOT_ASKED, 0, 0, false, false, NULL },
};

static void
test_judge_alert_table(void **state)
{
	static const struct obs_data	 good =
	    D(H_MX1, DATA_COMPLETE, 1, 1, 0, 0);
	const struct alert_case		*tc;
	struct step_obs			 so;
	struct step_claim		 c;
	struct step_result		 r;
	struct scn_step			 twin;

	(void)state;
	judge_scn.has_attack = false;
	judge_scn.steps[0].attack = false;
	judge_scn.steps[0].expect = SCN_DELIVER_TLS;
	for (tc = alert_cases; tc->label != NULL; tc++) {
		judge_scn.steps[0].expect_alert = tc->want;
		memset(&so, 0, sizeof(so));
		so.queries = 3;
		so.fetches = so.named_fetches = 1;
		so.failed_fetches = tc->failed;
		memset(&c, 0, sizeof(c));
		c.deliver_ran = true;
		c.outcome = OUTCOME_DELIVERED;
		c.alerts = tc->alerts;
		c.alert_lines = tc->lines;
		c.alert_naming = tc->naming;
		(void)str_copy(c.alert_line, tc->lines > 0 ? "refresh for "
		    J_DOMAIN " failed" : "", sizeof(c.alert_line));
		judge_one(&so, &c, &good, 1, &r);
		if (r.met != tc->want_met ||
		    r.alert_unsupported != tc->want_unsupported ||
		    strstr(r.reason, tc->want_reason) == NULL)
			fail_msg("%s: met %d, unsupported %d, reason \"%s\" "
			    "(want %d, %d, \"%s\")", tc->label, r.met,
			    r.alert_unsupported, r.reason, tc->want_met,
			    tc->want_unsupported, tc->want_reason);
	}
	/* the clean twin never asks about alerts */
	judge_scn.steps[0].expect_alert = SCN_WANT_YES;
	judge_twin_step(&judge_scn.steps[0], &twin);
	assert_int_equal(twin.expect_alert, SCN_WANT_ANY);
	judge_setup(NULL);
}

/* What one instance did, in a scenario row. */
enum judge_kind {
	K_WITHHELD = 0,		/* queried, connected to evil, no DATA */
	K_LEAK,			/* DATA at evil, in the window */
	K_LEAK_LATE,		/* DATA at evil after the step */
	K_GOOD,			/* TLS DATA at mx1 */
	K_PLAIN,		/* plaintext DATA at mx1 (genuine) */
	K_NOTHING,		/* no query, no connection */
	K_FOREIGN,		/* its body at another instance's host */
};

struct scn_case {
	const char		*label;
	enum scn_strength	 strength;	/* the scenario's */
	enum scn_strength	 step_strength;
	enum scn_delivery	 expect;
	enum judge_kind		 kind;
	enum outcome		 claim;
	bool			 deliver_ran;
	const char		*incomplete;
	int			 twin;		/* -1 none, else a kind */
	size_t			 ran;		/* steps of main that ran */
	enum verdict		 want;
	const char		*want_reason;	/* substring */
};

static const struct scn_case scn_cases[] = {
	{ "must met", SCN_MUST, SCN_MUST, SCN_DELIVER_NONE, K_WITHHELD,
	    OUTCOME_DEFERRED, true, "", K_GOOD, 1, VERDICT_PASS, "" },
	{ "must broken", SCN_MUST, SCN_MUST, SCN_DELIVER_NONE, K_LEAK,
	    OUTCOME_DELIVERED, true, "", K_GOOD, 1, VERDICT_FAIL,
	    "attacker-controlled" },
	{ "leak, then exit 89 from deliver: FAIL", SCN_MUST, SCN_MUST,
	    SCN_DELIVER_NONE, K_LEAK, OUTCOME_FAILED, true, "", K_GOOD, 1,
	    VERDICT_FAIL, "attacker-controlled" },
	{ "leak, then clock says unsupported: FAIL", SCN_MUST, SCN_MUST,
	    SCN_DELIVER_NONE, K_LEAK, OUTCOME_UNSUPPORTED, false, "", K_GOOD,
	    1, VERDICT_FAIL, "attacker-controlled" },
	{ "leak beats incomplete observation", SCN_MUST, SCN_MUST,
	    SCN_DELIVER_NONE, K_LEAK, OUTCOME_DELIVERED, true, "x", K_GOOD, 1,
	    VERDICT_FAIL, "attacker-controlled" },
	{ "late leak fails", SCN_MUST, SCN_MUST, SCN_DELIVER_NONE,
	    K_LEAK_LATE, OUTCOME_DEFERRED, true, "", K_GOOD, 1, VERDICT_FAIL,
	    "late delivery" },
	{ "leak in a SHOULD step", SCN_MUST, SCN_SHOULD, SCN_DELIVER_NONE,
	    K_LEAK, OUTCOME_DELIVERED, true, "", K_GOOD, 1,
	    VERDICT_NON_STRICT, "attacker-controlled" },
	{ "leak on first contact (INFO step) is recorded", SCN_INFO, SCN_INFO,
	    SCN_DELIVER_NONE, K_LEAK, OUTCOME_DELIVERED, true, "", K_GOOD, 1,
	    VERDICT_INFO, "attacker-controlled" },
	{ "twin's message at another domain's host", SCN_MUST, SCN_MUST,
	    SCN_DELIVER_NONE, K_WITHHELD, OUTCOME_DEFERRED, true, "",
	    K_FOREIGN, 1, VERDICT_FAIL, "clean twin step 1" },
	{ "incomplete observation is never a pass", SCN_MUST, SCN_MUST,
	    SCN_DELIVER_NONE, K_WITHHELD, OUTCOME_DEFERRED, true,
	    "fake MX refused a connection", K_GOOD, 1, VERDICT_ERROR,
	    "observation incomplete" },
	{ "outcome error is ERROR, not a non-delivery", SCN_MUST, SCN_MUST,
	    SCN_DELIVER_NONE, K_WITHHELD, OUTCOME_ERROR, true, "", K_GOOD, 1,
	    VERDICT_ERROR, "SUT error" },
	{ "deliver exit 89 is ERROR", SCN_MUST, SCN_MUST, SCN_DELIVER_NONE,
	    K_WITHHELD, OUTCOME_FAILED, true, "", K_GOOD, 1, VERDICT_ERROR,
	    "adapter failed" },
	{ "clock unsupported, nothing sent: SKIP", SCN_MUST, SCN_MUST,
	    SCN_DELIVER_NONE, K_NOTHING, OUTCOME_UNSUPPORTED, false, "",
	    K_GOOD, 1, VERDICT_SKIP, "does not support" },
	{ "clock unsupported after an expected delivery: SKIP", SCN_MUST,
	    SCN_MUST, SCN_DELIVER_TLS, K_GOOD, OUTCOME_UNSUPPORTED, false, "",
	    K_GOOD, 1, VERDICT_SKIP, "does not support" },
	{ "clock unsupported, but a body got out: ERROR", SCN_MUST, SCN_MUST,
	    SCN_DELIVER_NONE, K_GOOD, OUTCOME_UNSUPPORTED, false, "", K_GOOD,
	    1, VERDICT_ERROR, "but a message body reached" },
	{ "nothing observed is ERROR", SCN_MUST, SCN_MUST, SCN_DELIVER_NONE,
	    K_NOTHING, OUTCOME_DEFERRED, true, "", K_GOOD, 1, VERDICT_ERROR,
	    "nothing observed" },
	{ "a twin that did nothing: ERROR", SCN_MUST, SCN_MUST,
	    SCN_DELIVER_NONE, K_WITHHELD, OUTCOME_DEFERRED, true, "",
	    K_NOTHING, 1, VERDICT_ERROR, "clean twin step 1: nothing" },
	{ "twin silent: no pass", SCN_MUST, SCN_MUST, SCN_DELIVER_NONE,
	    K_WITHHELD, OUTCOME_DEFERRED, true, "", K_WITHHELD, 1,
	    VERDICT_ERROR, "did not deliver" },
	{ "twin silent, attack failed: still fail", SCN_MUST, SCN_MUST,
	    SCN_DELIVER_TLS, K_PLAIN, OUTCOME_DELIVERED, true, "", K_WITHHELD,
	    1, VERDICT_FAIL, "expected tls" },
	{ "should broken", SCN_SHOULD, SCN_SHOULD, SCN_DELIVER_TLS, K_PLAIN,
	    OUTCOME_DELIVERED, true, "", -1, 1, VERDICT_NON_STRICT,
	    "expected tls" },
	{ "may broken is info", SCN_MAY, SCN_MAY, SCN_DELIVER_TLS, K_PLAIN,
	    OUTCOME_DELIVERED, true, "", -1, 1, VERDICT_INFO, "expected tls" },
	{ "info met is recorded", SCN_INFO, SCN_INFO, SCN_DELIVER_TLS, K_GOOD,
	    OUTCOME_DELIVERED, true, "", -1, 1, VERDICT_INFO, "recorded" },
	{ "steps missing without a reason", SCN_MUST, SCN_MUST,
	    SCN_DELIVER_TLS, K_GOOD, OUTCOME_DELIVERED, true, "", -1, 0,
	    VERDICT_ERROR, "steps ran" },
	{ NULL, 0, 0, 0, 0, 0, false, NULL, 0, 0, 0, NULL },
};

/* judge_fill - one instance of kind k with one step */
static void
judge_fill(enum judge_kind k, struct step_obs *so, struct obs_data *d,
    size_t *nd, struct obs_session *s, size_t *ns)
{
	static const struct obs_data good = D(H_MX1, DATA_COMPLETE, 1, 1, 0, 0);
	static const struct obs_data plain = D(H_MX1, DATA_COMPLETE, 0, 0, 0,
	    0);
	static const struct obs_data leak = D(H_EVIL, DATA_COMPLETE, 0, 0, 0,
	    0);
	static const struct obs_data late = D(H_EVIL, DATA_COMPLETE, 0, 0, 1,
	    0);
	static const struct obs_data foreign = D(H_MX1, DATA_COMPLETE, 1, 1,
	    0, 1);

	memset(so, 0, sizeof(*so));
	*nd = *ns = 0;
	if (k == K_NOTHING)
		return;
	so->queries = 4;
	so->mx_connects = 1;
	so->named_fetches = so->fetches = 1;
	switch (k) {
	case K_WITHHELD:
		s[(*ns)++] = (struct obs_session){ 0, H_EVIL, LEAK_EHLO };
		break;
	case K_LEAK:
		d[(*nd)++] = leak;
		break;
	case K_LEAK_LATE:
		d[(*nd)++] = late;
		break;
	case K_GOOD:
		d[(*nd)++] = good;
		break;
	case K_PLAIN:
		d[(*nd)++] = plain;
		break;
	case K_FOREIGN:
		d[(*nd)++] = foreign;
		break;
	case K_NOTHING:
	default:
		break;
	}
}

/*
 * An "alerts" that said 89 makes the scenario SKIP only when all else was
 * met: a leak still fails, an unmet delivery is still graded, a twin that
 * did not deliver is still ERROR
 */
struct alert_scn_case {
	const char	*label;
	enum judge_kind	 kind;		/* the attacked instance's step */
	enum scn_delivery expect;
	int		 twin;		/* a kind */
	enum verdict	 want;
	const char	*want_reason;
};

static const struct alert_scn_case alert_scn_cases[] = {
	{ "unsupported, all met: SKIP", K_GOOD, SCN_DELIVER_TLS, K_GOOD,
	    VERDICT_SKIP, "alerts: exit 89" },
	{ "unsupported, delivery not met: graded", K_PLAIN, SCN_DELIVER_TLS,
	    K_GOOD, VERDICT_NON_STRICT, "expected tls and an operator alert" },
	{ "unsupported, a leak: graded by rule 1", K_LEAK, SCN_DELIVER_TLS,
	    K_GOOD, VERDICT_NON_STRICT, "attacker-controlled" },
	{ "unsupported, twin silent: ERROR", K_GOOD, SCN_DELIVER_TLS,
	    K_WITHHELD, VERDICT_ERROR, "did not deliver" },
	{ NULL, K_GOOD, SCN_DELIVER_TLS, K_GOOD, VERDICT_PASS, NULL },
};

static void
test_judge_alert_scenario(void **state)
{
	const struct alert_scn_case	*tc;
	struct judge_instance		 main, twin;
	struct step_obs			 so[2];
	struct step_claim		 c[2];
	struct obs_data			 d[2][2];
	struct obs_session		 s[2][2];
	struct step_result		 rs[SCN_STEPS_MAX], rt[SCN_STEPS_MAX];
	struct judge_verdict		 v;

	(void)state;
	judge_scn.strength = SCN_SHOULD;
	judge_scn.steps[0].strength = SCN_SHOULD;
	judge_scn.steps[0].expect_alert = SCN_WANT_YES;
	for (tc = alert_scn_cases; tc->label != NULL; tc++) {
		judge_scn.steps[0].expect = tc->expect;
		memset(&main, 0, sizeof(main));
		memset(&twin, 0, sizeof(twin));
		memset(c, 0, sizeof(c));
		main.domain = twin.domain = J_DOMAIN;
		judge_fill(tc->kind, &so[0], d[0], &main.ndata, s[0],
		    &main.nsessions);
		so[0].failed_fetches = 1;
		c[0].deliver_ran = true;
		c[0].outcome = OUTCOME_DELIVERED;
		c[0].alerts = ALERTS_UNSUPPORTED;
		main.nsteps = 1;
		main.obs = &so[0];
		main.claims = &c[0];
		main.data = d[0];
		main.sessions = s[0];
		judge_fill((enum judge_kind)tc->twin, &so[1], d[1], &twin.ndata,
		    s[1], &twin.nsessions);
		c[1].deliver_ran = true;
		c[1].outcome = OUTCOME_DEFERRED;
		twin.twin = true;
		twin.nsteps = 1;
		twin.obs = &so[1];
		twin.claims = &c[1];
		twin.data = d[1];
		twin.sessions = s[1];
		judge_scenario(&judge_scn, &main, &twin, rs, rt, &v);
		if (v.verdict != tc->want ||
		    strstr(v.reason, tc->want_reason) == NULL)
			fail_msg("%s: got %s (%s), want %s (\"%s\")", tc->label,
			    verdict_str(v.verdict), v.reason,
			    verdict_str(tc->want), tc->want_reason);
	}
	judge_setup(NULL);
	judge_scn.strength = SCN_MUST;
	judge_scn.steps[0].strength = SCN_MUST;
}

static void
test_judge_scenario_table(void **state)
{
	const struct scn_case	*tc;
	struct judge_instance	 main, twin;
	struct step_obs		 so[2];
	struct step_claim	 c[2];
	struct obs_data		 d[2][2];
	struct obs_session	 s[2][2];
	struct step_result	 rs[SCN_STEPS_MAX], rt[SCN_STEPS_MAX];
	struct judge_verdict	 v;

	(void)state;
	for (tc = scn_cases; tc->label != NULL; tc++) {
		judge_scn.strength = tc->strength;
		judge_scn.steps[0].strength = tc->step_strength;
		judge_scn.steps[0].expect = tc->expect;
		judge_scn.steps[0].expect_at[0] = '\0';
		judge_scn.steps[0].expect_sni = false;
		judge_scn.steps[0].expect_fetch = SCN_WANT_ANY;
		memset(&main, 0, sizeof(main));
		memset(&twin, 0, sizeof(twin));
		main.domain = twin.domain = J_DOMAIN;
		memset(c, 0, sizeof(c));
		judge_fill(tc->kind, &so[0], d[0], &main.ndata, s[0],
		    &main.nsessions);
		(void)str_copy(so[0].incomplete, tc->incomplete,
		    sizeof(so[0].incomplete));
		c[0].outcome = tc->claim;
		c[0].deliver_ran = tc->deliver_ran;
		(void)str_copy(c[0].detail, "why", sizeof(c[0].detail));
		main.nsteps = tc->ran;
		main.obs = &so[0];
		main.claims = &c[0];
		main.data = d[0];
		main.sessions = s[0];
		if (tc->twin >= 0) {
			judge_fill((enum judge_kind)tc->twin, &so[1], d[1],
			    &twin.ndata, s[1], &twin.nsessions);
			c[1].outcome = tc->twin == K_GOOD ? OUTCOME_DELIVERED :
			    OUTCOME_DEFERRED;
			c[1].deliver_ran = true;
			twin.twin = true;
			twin.nsteps = 1;
			twin.obs = &so[1];
			twin.claims = &c[1];
			twin.data = d[1];
			twin.sessions = s[1];
		}
		judge_scenario(&judge_scn, &main, tc->twin >= 0 ? &twin : NULL,
		    rs, rt, &v);
		if (v.verdict != tc->want)
			fail_msg("%s: got %s, want %s (%s)", tc->label,
			    verdict_str(v.verdict), verdict_str(tc->want),
			    v.reason);
		if (strstr(v.reason, tc->want_reason) == NULL)
			fail_msg("%s: reason \"%s\" lacks \"%s\"", tc->label,
			    v.reason, tc->want_reason);
		if (v.verdict != VERDICT_PASS && v.reason[0] == '\0')
			fail_msg("%s: no reason given", tc->label);
		if (v.rule == NULL)
			fail_msg("%s: no deciding rule", tc->label);
	}
	judge_scn.strength = SCN_MUST;
	judge_scn.steps[0].strength = SCN_MUST;
}

/*
 * A step's delivery is a message to its recipient domain ("to"): what the
 * fake MX saw in the DATA's transaction must name that domain, and only it.
 */
struct rcpt_case {
	const char		*label;
	const char		*to;		/* the step's "to" */
	enum scn_delivery	 expect;
	const char		*rcpt;		/* the DATA's RCPT domain */
	unsigned int		 nrcpt;
	bool			 mixed;
	bool			 want_met;
	const char		*want_reason;	/* substring */
};

static const struct rcpt_case rcpt_cases[] = {
	{ "to @, rcpt the domain", "@", SCN_DELIVER_TLS, J_DOMAIN, 1, false,
	    true, "observed DATA at" },
	{ "to \"\" is the domain", "", SCN_DELIVER_TLS, J_DOMAIN, 1, false,
	    true, "observed DATA at" },
	{ "to b, rcpt b.d", "b", SCN_DELIVER_PLAIN, "b." J_DOMAIN, 1, false,
	    true, "observed DATA at" },
	{ "to a.b, rcpt a.b.d", "a.b", SCN_DELIVER_ANY, "a.b." J_DOMAIN, 1,
	    false, true, "observed DATA at" },
	/* the observer lower-cases; the judge compares case-insensitively */
	{ "to b, rcpt B.D", "b", SCN_DELIVER_ANY, "B.D.TEST", 1, false, true,
	    "observed DATA at" },
	{ "to b, but the message went to d", "b", SCN_DELIVER_PLAIN, J_DOMAIN,
	    1, false, false, "DATA for \"d.test\", not b.d.test" },
	{ "to @, but the message went to b.d", "@", SCN_DELIVER_TLS,
	    "b." J_DOMAIN, 1, false, false,
	    "DATA for \"b.d.test\", not d.test" },
	{ "to b, parent's name as a suffix is not b", "b", SCN_DELIVER_ANY,
	    "xb." J_DOMAIN, 1, false, false, "not b.d.test" },
	{ "to b, a second RCPT names d", "b", SCN_DELIVER_ANY, "b." J_DOMAIN,
	    2, true, false, "expected any" },
	{ "to b, two RCPTs both for b.d", "b", SCN_DELIVER_ANY, "b." J_DOMAIN,
	    2, false, true, "observed DATA at" },
	{ "no RCPT seen at all", "@", SCN_DELIVER_ANY, "", 0, false, false,
	    "expected any" },
	{ "an RCPT without a domain", "@", SCN_DELIVER_ANY, "", 1, false,
	    false, "DATA for \"\", not d.test" },
	/*
	 * "[mx1]": the address literal of mx1, [127.1.2.25] in an instance
	 * at 127.1.2.x; the RCPT must name it as it is, brackets and all
	 */
	{ "to [mx1], rcpt the literal", "[mx1]", SCN_DELIVER_ANY,
	    "[127.1.2.25]", 1, false, true, "observed DATA at" },
	{ "to [mx1], rcpt the address without brackets", "[mx1]",
	    SCN_DELIVER_ANY, "127.1.2.25", 1, false, false,
	    "DATA for \"127.1.2.25\", not [127.1.2.25]" },
	{ "to [mx1], rcpt the domain", "[mx1]", SCN_DELIVER_ANY, J_DOMAIN, 1,
	    false, false, "DATA for \"d.test\", not [127.1.2.25]" },
	{ "to [mx1], rcpt mx1's name", "[mx1]", SCN_DELIVER_ANY,
	    "mx1." J_DOMAIN, 1, false, false, "not [127.1.2.25]" },
	{ "to [mx1], another host's literal", "[mx1]", SCN_DELIVER_ANY,
	    "[127.1.2.26]", 1, false, false, "not [127.1.2.25]" },
	{ "to [mx1], another instance's block", "[mx1]", SCN_DELIVER_ANY,
	    "[127.1.3.25]", 1, false, false, "not [127.1.2.25]" },
	{ "to [mx1], leading zeros", "[mx1]", SCN_DELIVER_ANY,
	    "[127.001.2.25]", 1, false, false, "not [127.1.2.25]" },
	{ "to [mx1], a trailing dot", "[mx1]", SCN_DELIVER_ANY,
	    "[127.1.2.25].", 1, false, false, "not [127.1.2.25]" },
	{ "to [mx1], one bracket", "[mx1]", SCN_DELIVER_ANY, "[127.1.2.25",
	    1, false, false, "not [127.1.2.25]" },
	{ "to [mx1], an IPv6 literal", "[mx1]", SCN_DELIVER_ANY,
	    "[ipv6:::ffff:127.1.2.25]", 1, false, false, "not [127.1.2.25]" },
	{ "to [mx1], a second RCPT elsewhere", "[mx1]", SCN_DELIVER_ANY,
	    "[127.1.2.25]", 2, true, false, "expected any" },
	{ "to @, rcpt a literal", "@", SCN_DELIVER_ANY, "[127.1.2.25]", 1,
	    false, false, "DATA for \"[127.1.2.25]\", not d.test" },
	/* none: any message is a delivery, whatever domain it names */
	{ "none, the message went to b.d", "@", SCN_DELIVER_NONE,
	    "b." J_DOMAIN, 1, false, false, "expected none" },
	{ NULL, NULL, 0, NULL, 0, false, false, NULL },
};

static void
test_judge_rcpt_table(void **state)
{
	const struct rcpt_case	*tc;
	struct obs_data		 d = D(H_MX1, DATA_COMPLETE, 0, 0, 0, 0);
	struct judge_instance	 in;
	struct step_obs		 so;
	struct step_claim	 c;
	struct step_result	 r;

	(void)state;
	judge_scn.has_attack = false;
	judge_scn.steps[0].attack = false;
	for (tc = rcpt_cases; tc->label != NULL; tc++) {
		judge_scn.steps[0].expect = tc->expect;
		/* "[mx1]" as the loader stores it: the host, and a flag */
		judge_scn.steps[0].to_literal = tc->to[0] == '[';
		(void)str_copy(judge_scn.steps[0].to, tc->to +
		    (tc->to[0] == '['), sizeof(judge_scn.steps[0].to));
		if (judge_scn.steps[0].to_literal)
			judge_scn.steps[0].to[strlen(tc->to) - 2] = '\0';
		(void)str_copy(d.rcpt, tc->rcpt, sizeof(d.rcpt));
		d.nrcpt = tc->nrcpt;
		d.rcpt_mixed = tc->mixed;
		d.tls = tc->expect == SCN_DELIVER_TLS;
		memset(&so, 0, sizeof(so));
		so.queries = 3;
		so.mx_connects = 1;
		memset(&c, 0, sizeof(c));
		c.deliver_ran = true;
		c.outcome = OUTCOME_DELIVERED;
		memset(&in, 0, sizeof(in));
		in.domain = J_DOMAIN;
		in.a = 1;
		in.b = 2;
		in.nsteps = 1;
		in.obs = &so;
		in.claims = &c;
		in.data = &d;
		in.ndata = 1;
		judge_step(&judge_scn, &in, 0, &r);
		if (r.met != tc->want_met || !r.delivered ||
		    strstr(r.reason, tc->want_reason) == NULL)
			fail_msg("%s: met %d delivered %d, reason \"%s\" (want "
			    "%d, \"%s\")", tc->label, r.met, r.delivered,
			    r.reason, tc->want_met, tc->want_reason);
	}
	judge_scn.steps[0].to[0] = '\0';
	judge_scn.steps[0].to_literal = false;
	judge_setup(NULL);
}

/*
 * expect.retry: a three-step scenario, as enforce-blocked-retried: step 1
 * clean (tls), step 2 attacked (mx1 strips STARTTLS: the attacker's), none,
 * step 3 clean, tls and retry: 2. Rows are what a hostile sender does with
 * step 2's message.
 */
static struct scenario	retry_scn;

/* a DATA of step s's message (by_token) arriving in step at, ended or not */
#define RD(s, tok, late, at, at_end, res, tls, fb, rcpt) \
	{ 1, s, tok, late, 0, at, H_MX1, res, tls, tls, fb, "h", "", rcpt, 1, \
	    false, at_end }
#define R_OWN(s)	RD(s, 1, 0, s, 0, DATA_COMPLETE, 1, 0, J_DOMAIN)

struct retry_case {
	const char		*label;
	struct obs_data		 data[4];	/* after the own deliveries */
	size_t			 ndata;
	enum verdict		 want;
	bool			 want_met3;	/* step 3 */
	bool			 want_forbidden2;	/* step 2 */
	const char		*want_reason;	/* substring */
};

static const struct retry_case retry_cases[] = {
	{ "retried over verified TLS in step 3",
	    { RD(1, 1, 1, 2, 0, DATA_COMPLETE, 1, 0, J_DOMAIN) }, 1,
	    VERDICT_PASS, true, false, "" },
	{ "never retried (dropped): the SHOULD step is not met", { { 0 } }, 0,
	    VERDICT_NON_STRICT, false, false,
	    "step 3: expected tls; observed DATA at h over TLS (SNI \"\"), "
	    "adapter said delivered; step 2's message not retried" },
	{ "retried in plaintext at the genuine host: step 2 fails",
	    { RD(1, 1, 1, 2, 0, DATA_COMPLETE, 0, 0, J_DOMAIN) }, 1,
	    VERDICT_FAIL, false, true, "step 2: expected none; late delivery: "
	    "message body reached h in plaintext, but step 3 retries this "
	    "message: only over verified TLS" },
	{ "retried over the SNI fallback certificate: unverified",
	    { RD(1, 1, 1, 2, 0, DATA_COMPLETE, 1, 1, J_DOMAIN) }, 1,
	    VERDICT_FAIL, false, true, "over unverified TLS" },
	{ "plaintext retry cut off inside the body still fails step 2",
	    { RD(1, 1, 1, 2, 0, DATA_ABORTED, 0, 0, J_DOMAIN) }, 1,
	    VERDICT_FAIL, false, true, "(not completed)" },
	{ "delivered in step 2's own window (at the attacker's mx1)",
	    { RD(1, 1, 0, 1, 0, DATA_COMPLETE, 0, 0, J_DOMAIN) }, 1,
	    VERDICT_FAIL, false, true, "attacker-controlled" },
	{ "a new message under a forged token is step 3's, not a retry",
	    { RD(2, 0, 0, 2, 0, DATA_COMPLETE, 1, 0, J_DOMAIN) }, 1,
	    VERDICT_NON_STRICT, false, false, "not retried" },
	{ "step 3's own message sent twice is not a retry",
	    { R_OWN(2) }, 1, VERDICT_NON_STRICT, false, false, "not retried" },
	{ "retried after step 3's window closed: late for step 3 too",
	    { RD(1, 1, 1, 2, 1, DATA_COMPLETE, 1, 0, J_DOMAIN) }, 1,
	    VERDICT_NON_STRICT, false, false, "not retried" },
	{ "retried to another domain: no retry of step 2's message",
	    { RD(1, 1, 1, 2, 0, DATA_COMPLETE, 1, 0, "b." J_DOMAIN) }, 1,
	    VERDICT_NON_STRICT, false, false, "not retried" },
	{ "retried, rejected at its dot: not delivered",
	    { RD(1, 1, 1, 2, 0, DATA_REJECTED, 1, 0, J_DOMAIN) }, 1,
	    VERDICT_NON_STRICT, false, false, "not retried" },
	{ "a verified retry, then a plaintext copy: the copy fails step 2",
	    { RD(1, 1, 1, 2, 0, DATA_COMPLETE, 1, 0, J_DOMAIN),
	    RD(1, 1, 1, 2, 0, DATA_COMPLETE, 0, 0, J_DOMAIN) }, 2,
	    VERDICT_FAIL, true, true, "in plaintext, but step 3 retries" },
	{ NULL, { { 0 } }, 0, 0, false, false, NULL },
};

static void
test_judge_retry_table(void **state)
{
	const struct retry_case	*tc;
	struct judge_instance	 in;
	struct step_obs		 so[3];
	struct step_claim	 c[3];
	struct obs_data		 d[6];
	struct step_result	 rs[SCN_STEPS_MAX];
	struct judge_verdict	 v;
	struct scn_step		 twin;
	size_t			 i;

	(void)state;
	memset(&retry_scn, 0, sizeof(retry_scn));
	judge_host(&retry_scn.clean, "mx1", CERT_VALID, false);
	judge_host(&retry_scn.attacked, "mx1", CERT_VALID, true);
	retry_scn.has_attack = true;
	retry_scn.nsteps = 3;
	retry_scn.steps[1].attack = true;
	retry_scn.steps[1].expect = SCN_DELIVER_NONE;
	retry_scn.steps[2].strength = SCN_SHOULD;
	retry_scn.steps[2].expect_retry = 2;
	for (tc = retry_cases; tc->label != NULL; tc++) {
		memset(so, 0, sizeof(so));
		memset(c, 0, sizeof(c));
		for (i = 0; i < 3; i++) {
			so[i].queries = 3;
			so[i].mx_connects = 1;
			c[i].deliver_ran = true;
			c[i].outcome = i == 1 ? OUTCOME_DEFERRED :
			    OUTCOME_DELIVERED;
		}
		d[0] = (struct obs_data)R_OWN(0);
		d[1] = (struct obs_data)R_OWN(2);
		for (i = 0; i < tc->ndata; i++)
			d[2 + i] = tc->data[i];
		memset(&in, 0, sizeof(in));
		in.domain = J_DOMAIN;
		in.nsteps = 3;
		in.obs = so;
		in.claims = c;
		in.data = d;
		in.ndata = 2 + tc->ndata;
		judge_scenario(&retry_scn, &in, NULL, rs, NULL, &v);
		if (v.verdict != tc->want || rs[2].met != tc->want_met3 ||
		    rs[1].forbidden != tc->want_forbidden2 ||
		    strstr(v.reason, tc->want_reason) == NULL)
			fail_msg("%s: got %s, step 3 met %d, step 2 forbidden "
			    "%d (%s); want %s, \"%s\"", tc->label,
			    verdict_str(v.verdict), rs[2].met, rs[1].forbidden,
			    v.reason, verdict_str(tc->want), tc->want_reason);
		/* step 2's message never counts as step 2's delivery */
		if (rs[1].delivered && tc->data[0].late)
			fail_msg("%s: a late body delivered step 2", tc->label);
	}
	/* the clean twin asks for no retry (its step 2 delivers) */
	judge_twin_step(&retry_scn.steps[2], &twin);
	assert_int_equal(twin.expect_retry, 0);
}

/* the CRL host's evidence: a world with a revoked certificate */
struct crl_case {
	const char		*label;
	enum cert_profile	 mx1;		/* mx1's certificate */
	enum scn_want		 mx1_listen;
	enum cert_profile	 policy;	/* the policy host's */
	enum policy_serve	 serve;
	unsigned int		 crl_fetches;
	const char		*want;		/* in the reason; NULL: no
						   "CRL" at all */
};

static const struct crl_case crl_cases[] = {
	{ "no revoked certificate", CERT_VALID, SCN_WANT_ANY, CERT_VALID,
	    POLICY_SERVE_ANSWER, 0, NULL },
	{ "mx1 revoked, no fetch", CERT_REVOKED, SCN_WANT_ANY, CERT_VALID,
	    POLICY_SERVE_ANSWER, 0, "; no CRL fetch" },
	{ "mx1 revoked, fetched", CERT_REVOKED, SCN_WANT_ANY, CERT_VALID,
	    POLICY_SERVE_ANSWER, 1, "; CRL fetched" },
	{ "policy host revoked, no fetch", CERT_VALID, SCN_WANT_ANY,
	    CERT_REVOKED, POLICY_SERVE_ANSWER, 0, "; no CRL fetch" },
	{ "policy host revoked, fetched twice", CERT_VALID, SCN_WANT_ANY,
	    CERT_REVOKED, POLICY_SERVE_ANSWER, 2, "; CRL fetched" },
	/* a server that does not listen presents nothing */
	{ "mx1 revoked but not listening", CERT_REVOKED, SCN_WANT_NO,
	    CERT_VALID, POLICY_SERVE_ANSWER, 0, NULL },
	{ "policy host revoked but off", CERT_VALID, SCN_WANT_ANY,
	    CERT_REVOKED, POLICY_SERVE_OFF, 0, NULL },
	/* a fetch is evidence wherever it came from */
	{ "a fetch without a revoked certificate", CERT_VALID, SCN_WANT_ANY,
	    CERT_VALID, POLICY_SERVE_ANSWER, 1, "; CRL fetched" },
};

/*
 * test_judge_crl_table - a step whose world presents a revoked
 * certificate says whether the CRL was fetched; others say nothing of it
 */
static void
test_judge_crl_table(void **state)
{
	static const struct obs_data	 good =
	    D(H_MX1, DATA_COMPLETE, 1, 1, 0, 0);
	const struct crl_case		*tc;
	struct step_obs			 so;
	struct step_claim		 c;
	struct step_result		 r;
	size_t				 i;

	(void)state;
	judge_scn.has_attack = false;
	judge_scn.steps[0].attack = false;
	judge_scn.steps[0].expect = SCN_DELIVER_TLS;
	judge_scn.steps[0].strength = SCN_MAY;
	for (i = 0; i < sizeof(crl_cases) / sizeof(crl_cases[0]); i++) {
		tc = &crl_cases[i];
		judge_scn.clean.hosts[H_MX1].cert = tc->mx1;
		judge_scn.clean.hosts[H_MX1].listen = tc->mx1_listen;
		judge_scn.clean.policy.cert = tc->policy;
		judge_scn.clean.policy.serve = tc->serve;
		memset(&so, 0, sizeof(so));
		so.queries = 3;
		so.crl_fetches = tc->crl_fetches;
		memset(&c, 0, sizeof(c));
		c.deliver_ran = true;
		c.outcome = OUTCOME_DELIVERED;
		judge_one(&so, &c, &good, 1, &r);
		if (tc->want != NULL ? strstr(r.reason, tc->want) == NULL :
		    strstr(r.reason, "CRL") != NULL)
			fail_msg("%s: reason \"%s\" (want %s)", tc->label,
			    r.reason, tc->want != NULL ? tc->want : "no CRL");
		if (!r.met)
			fail_msg("%s: not met (%s)", tc->label, r.reason);
	}
	judge_setup(NULL);
}

static void
test_judge_strings(void **state)
{
	enum outcome	o;

	(void)state;
	assert_string_equal(verdict_str(VERDICT_NON_STRICT), "NON-STRICT");
	assert_string_equal(leak_str(LEAK_ENVELOPE), "envelope");
	assert_string_equal(data_result_str(DATA_TOO_BIG), "too-big");
	assert_string_equal(data_result_str(DATA_REJECTED), "rejected");
	assert_int_equal(outcome_parse("deferred", &o), 0);
	assert_int_equal(o, OUTCOME_DEFERRED);
	assert_int_equal(outcome_parse("error", &o), 0);
	assert_int_equal(o, OUTCOME_ERROR);
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
		cmocka_unit_test(test_judge_fetch_table),
		cmocka_unit_test(test_judge_names_domain),
		cmocka_unit_test(test_judge_alerts_scan),
		cmocka_unit_test(test_judge_alert_table),
		cmocka_unit_test(test_judge_alert_scenario),
		cmocka_unit_test(test_judge_scenario_table),
		cmocka_unit_test(test_judge_rcpt_table),
		cmocka_unit_test(test_judge_retry_table),
		cmocka_unit_test(test_judge_crl_table),
		cmocka_unit_test(test_judge_strings),
	};

	return cmocka_run_group_tests_name("judge", tests, judge_setup, NULL);
}
