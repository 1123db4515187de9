/* SPDX-License-Identifier: ISC */
/*
 * test_dnssec.c -- fake-dns's signed zones validated by a real dnsmasq
 * (2.90): fake-dns runs in a child process (dnsmasq's queries need its
 * event loop while this process blocks in ldns), dnsmasq in another, with
 * a config written here (harness/resolver.c's options plus dnssec, trust
 * anchors and per-domain servers). Each row asks dnsmasq with DO and AD
 * set and checks rcode and AD. Both children are killed by their pid and
 * reaped whatever happens (teardown, and an atexit for a failed assert).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>
#include <ldns/ldns.h>

#include "../../common/err.h"
#include "../../fake-dns/dns_key.h"
#include "../../fake-dns/dns_server.h"
#include "../../fake-dns/dns_zone.h"
#include "testutil.h"

#define TEST_DNSMASQ	"/usr/sbin/dnsmasq"
#define TEST_READY_MS	5000
#define TEST_CONF_MAX	4096

static pid_t	test_pids[2] = { -1, -1 };	/* fake-dns, dnsmasq */

static const char *const test_records[] = {
	"d.test. 300 IN MX 10 mx1.d.test.",
	"mx1.d.test. 300 IN A 127.1.1.25",
	"_mta-sts.d.test. 300 IN TXT \"v=STSv1; id=1\"",
	"_25._tcp.mx1.d.test. 300 IN TLSA 3 1 1 "
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	"www.d.test. 300 IN CNAME mx1.d.test.",
	"u.test. 300 IN MX 10 mx1.u.test.",
	"mx1.u.test. 300 IN A 127.1.2.25",
	"bogus.test. 300 IN A 127.1.3.25",
	NULL,
};

struct test_row {
	const char	*label;
	const char	*qname;
	ldns_rr_type	 qtype;
	const char	*rcode;
	bool		 ad;
	size_t		 answers;	/* in the answer section, RRSIGs too */
};

static const struct test_row test_rows[] = {
	{ "signed A", "mx1.d.test", LDNS_RR_TYPE_A, "NOERROR", true, 2 },
	{ "signed MX", "d.test", LDNS_RR_TYPE_MX, "NOERROR", true, 2 },
	{ "signed TXT", "_mta-sts.d.test", LDNS_RR_TYPE_TXT, "NOERROR", true,
	    2 },
	{ "signed TLSA", "_25._tcp.mx1.d.test", LDNS_RR_TYPE_TLSA, "NOERROR",
	    true, 2 },
	{ "signed CNAME chain", "www.d.test", LDNS_RR_TYPE_A, "NOERROR", true,
	    4 },
	{ "signed NODATA", "mx1.d.test", LDNS_RR_TYPE_AAAA, "NOERROR", true,
	    0 },
	/* compact denial: dnsmasq passes the black lie on as NOERROR */
	{ "signed NXDOMAIN", "nosuch.d.test", LDNS_RR_TYPE_A, "NOERROR", true,
	    0 },
	{ "unsigned A", "mx1.u.test", LDNS_RR_TYPE_A, "NOERROR", false, 1 },
	{ "unsigned MX", "u.test", LDNS_RR_TYPE_MX, "NOERROR", false, 1 },
	{ "unsigned NXDOMAIN", "nosuch.u.test", LDNS_RR_TYPE_A, "NXDOMAIN",
	    false, 0 },
	/* signed with key A, anchored to key B: bogus */
	{ "wrong trust anchor", "bogus.test", LDNS_RR_TYPE_A, "SERVFAIL",
	    false, 0 },
	{ NULL, NULL, 0, NULL, false, 0 },
};

static void	test_kill_all(void);
static pid_t	test_start_fake_dns(struct dns_key *, struct dns_key *,
		    uint16_t *);
static pid_t	test_start_dnsmasq(const char *, const char *);
static ldns_pkt	*test_ask(uint16_t, const char *, ldns_rr_type, bool);

/* test_kill_all - end and reap the children this test started */
static void
test_kill_all(void)
{
	size_t	i;

	for (i = 0; i < sizeof(test_pids) / sizeof(test_pids[0]); i++) {
		if (test_pids[i] <= 0)
			continue;
		(void)kill(test_pids[i], SIGKILL);
		while (waitpid(test_pids[i], NULL, 0) == -1 && errno == EINTR)
			continue;
		test_pids[i] = -1;
	}
}

/*
 * test_start_fake_dns - a child serving the records, d.test signed with
 * ka and bogus.test signed with kb, on a free port (written to *port
 * through a pipe)
 */
static pid_t
test_start_fake_dns(struct dns_key *ka, struct dns_key *kb, uint16_t *port)
{
	struct event_base	*base;
	struct dns_server	*srv;
	struct dns_zone		*z;
	struct err		 err = { 0 };
	uint16_t		 p = 0;
	size_t			 i;
	pid_t			 pid;
	int			 fds[2];

	assert_int_equal(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		close(fds[0]);
		(void)signal(SIGPIPE, SIG_IGN);
		z = dns_zone_new();
		for (i = 0; test_records[i] != NULL; i++)
			if (dns_zone_add_rr(z, test_records[i], NULL, &err))
				_exit(2);
		if (dns_zone_sign_below(z, "d.test", ka, &err) == -1 ||
		    dns_zone_sign_below(z, "bogus.test", kb, &err) == -1 ||
		    (base = event_base_new()) == NULL ||
		    (srv = dns_server_new(base, z, "127.0.0.1", 0, &err)) ==
		    NULL)
			_exit(2);
		p = dns_server_port(srv);
		if (write(fds[1], &p, sizeof(p)) != (ssize_t)sizeof(p))
			_exit(2);
		close(fds[1]);
		(void)event_base_dispatch(base);
		_exit(0);
	}
	assert_true(pid > 0);
	close(fds[1]);
	test_pids[0] = pid;
	assert_int_equal(read(fds[0], &p, sizeof(p)), (ssize_t)sizeof(p));
	close(fds[0]);
	*port = p;
	return pid;
}

/* test_start_dnsmasq - dnsmasq on conf, its stderr to log */
static pid_t
test_start_dnsmasq(const char *conf, const char *log)
{
	char	 arg[512];
	pid_t	 pid;
	int	 fd;

	assert_true((size_t)snprintf(arg, sizeof(arg), "--conf-file=%s",
	    conf) < sizeof(arg));
	if ((pid = fork()) == 0) {
		if ((fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600)) ==
		    -1 || dup2(fd, 2) == -1)
			_exit(127);
		execl(TEST_DNSMASQ, "dnsmasq", arg, (char *)NULL);
		_exit(127);
	}
	assert_true(pid > 0);
	test_pids[1] = pid;
	return pid;
}

/* test_ask - ask dnsmasq at 127.0.0.1#port, with DO and AD set */
static ldns_pkt *
test_ask(uint16_t port, const char *name, ldns_rr_type type, bool quiet)
{
	ldns_resolver	*r;
	ldns_rdf	*ns, *qname;
	ldns_pkt	*p = NULL;
	ldns_status	 st;
	struct timeval	 tv = { 0, 500 * 1000 };

	r = ldns_resolver_new();
	ns = ldns_rdf_new_frm_str(LDNS_RDF_TYPE_A, "127.0.0.1");
	assert_non_null(r);
	assert_non_null(ns);
	assert_int_equal(ldns_resolver_push_nameserver(r, ns),
	    LDNS_STATUS_OK);
	ldns_rdf_deep_free(ns);
	ldns_resolver_set_port(r, port);
	ldns_resolver_set_dnssec(r, true);
	ldns_resolver_set_edns_udp_size(r, 1232);
	ldns_resolver_set_retry(r, 1);
	/* a query sent before dnsmasq binds is lost: ask again soon */
	ldns_resolver_set_timeout(r, tv);
	ldns_resolver_set_recursive(r, true);
	qname = ldns_dname_new_frm_str(name);
	st = ldns_resolver_query_status(&p, r, qname, type, LDNS_RR_CLASS_IN,
	    LDNS_RD | LDNS_AD);
	ldns_rdf_deep_free(qname);
	ldns_resolver_deep_free(r);
	if (st != LDNS_STATUS_OK) {
		if (!quiet)
			fail_msg("%s: %s", name, ldns_get_errorstr_by_id(st));
		return NULL;
	}
	return p;
}

static void
test_dnssec_dnsmasq(void **state)
{
	const struct test_row	*row;
	struct dns_key		*ka, *kb, *kc;
	struct err		 err = { 0 };
	char			 dir[] = "/tmp/test_dnssec.XXXXXX";
	char			 conf[128], log[128], text[TEST_CONF_MAX];
	char			 da[DNS_KEY_ANCHOR_MAX], db[DNS_KEY_ANCHOR_MAX];
	char			 root[DNS_KEY_ANCHOR_MAX], *rc;
	uint16_t		 dport, lport;
	uint64_t		 until;
	ldns_pkt		*p = NULL;
	FILE			*fp;

	(void)state;
	if (access(TEST_DNSMASQ, X_OK) != 0)
		skip();
	ka = dns_key_new(&err);
	kb = dns_key_new(&err);
	kc = dns_key_new(&err);
	assert_true(ka != NULL && kb != NULL && kc != NULL);
	assert_int_equal(dns_key_anchor(ka, "d.test", da, sizeof(da), &err),
	    0);
	/* bogus.test is signed with kb; its anchor names kc */
	assert_int_equal(dns_key_anchor(kc, "bogus.test", db, sizeof(db),
	    &err), 0);
	/* dnsmasq refuses dnssec without a root anchor: one nobody serves */
	assert_int_equal(dns_key_anchor(kc, ".", root, sizeof(root), &err),
	    0);
	(void)test_start_fake_dns(ka, kb, &dport);
	lport = testutil_free_port();
	assert_non_null(mkdtemp(dir));
	assert_true((size_t)snprintf(conf, sizeof(conf), "%s/dnsmasq.conf",
	    dir) < sizeof(conf));
	assert_true((size_t)snprintf(log, sizeof(log), "%s/dnsmasq.log",
	    dir) < sizeof(log));
	assert_true((size_t)snprintf(text, sizeof(text),
	    "no-resolv\nno-hosts\nlisten-address=127.0.0.1\n"
	    "bind-interfaces\nport=%u\nkeep-in-foreground\npid-file=\n"
	    "user=\ngroup=\nlog-queries=extra\nlog-facility=-\n"
	    "cache-size=4096\ncache-rr=MX,TXT\n"
	    "dnssec\ntrust-anchor=%s\ntrust-anchor=%s\ntrust-anchor=%s\n"
	    "server=/d.test/127.0.0.1#%u\n"
	    "server=/bogus.test/127.0.0.1#%u\n"
	    /* no anchor: dnsmasq does not validate below test */
	    "server=/test/127.0.0.1#%u\n",
	    lport, root, da, db, dport, dport, dport) < sizeof(text));
	fp = fopen(conf, "w");
	assert_non_null(fp);
	assert_true(fputs(text, fp) != EOF);
	assert_int_equal(fclose(fp), 0);
	(void)test_start_dnsmasq(conf, log);

	/* ready once it answers at all */
	until = testutil_now_ms() + TEST_READY_MS;
	while ((p = test_ask(lport, "mx1.u.test", LDNS_RR_TYPE_A, true)) ==
	    NULL && testutil_now_ms() < until)
		(void)usleep(50 * 1000);
	if (p == NULL)
		fail_msg("dnsmasq never answered (see %s)", log);
	ldns_pkt_free(p);

	for (row = test_rows; row->label != NULL; row++) {
		p = test_ask(lport, row->qname, row->qtype, false);
		rc = ldns_pkt_rcode2str(ldns_pkt_get_rcode(p));
		if (strcmp(rc, row->rcode) != 0)
			fail_msg("%s: rcode %s, want %s (see %s)", row->label,
			    rc, row->rcode, log);
		free(rc);
		if (ldns_pkt_ad(p) != row->ad)
			fail_msg("%s: AD %d, want %d", row->label,
			    (int)ldns_pkt_ad(p), (int)row->ad);
		if (ldns_pkt_ancount(p) != row->answers)
			fail_msg("%s: %u answers, want %zu", row->label,
			    (unsigned int)ldns_pkt_ancount(p), row->answers);
		ldns_pkt_free(p);
	}
	test_kill_all();
	(void)unlink(conf);
	(void)unlink(log);
	(void)rmdir(dir);
	dns_key_free(ka);
	dns_key_free(kb);
	dns_key_free(kc);
}

static int
test_teardown(void **state)
{
	(void)state;
	test_kill_all();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_dnssec_dnsmasq, test_teardown),
	};

	/* a failed assert longjmps past the test's own cleanup */
	if (atexit(test_kill_all) != 0)
		return 1;
	return cmocka_run_group_tests_name("dnssec", tests, NULL, NULL);
}
