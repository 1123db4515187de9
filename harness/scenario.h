/* SPDX-License-Identifier: ISC */
/*
 * scenario.h -- one scenario file, parsed and validated in full before
 * anything runs. The loader resolves the W0 defaults and the attack
 * overlay, so the runner sees two complete worlds: clean (what the clean
 * twin runs) and attacked (clean with the attacker's changes applied).
 * Format: docs/scenario-format.md.
 */
#ifndef HARNESS_SCENARIO_H
#define HARNESS_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>

#include "../common/err.h"
#include "../common/pki.h"
#include "../fake-dns/dns_zone.h"
#include "../fake-mx/mx_config.h"
#include "../fake-mx/policy_config.h"

#define SCN_ID_MAX		48
#define SCN_TITLE_MAX		200
#define SCN_PATH_MAX		1024
#define SCN_CLAUSES_MAX		8
#define SCN_CLAUSE_MAX		24
/*
 * A host's label relative to the domain: "@", or one or more DNS labels
 * joined by dots ("mx1", "a.b"), at most 231 characters so that with the
 * runner's 21-character domain it fits 255 bytes on the wire; plus NUL
 */
#define SCN_LABEL_MAX		232
#define SCN_RECORDS_MAX		32
#define SCN_RECORD_MAX		512	/* one zone line before expansion */
/* one zone line after scenario_expand(), as the runner's world buffer */
#define SCN_RECORD_EXPANDED_MAX	(SCN_RECORD_MAX * 2)
#define SCN_FAULTS_MAX		8
#define SCN_HOSTS_MAX		8
#define SCN_POLICY_MX_MAX	8
#define SCN_STEPS_MAX		8
#define SCN_NAME_MAX		256	/* DNS_NAME_MAX + NUL */
/*
 * The runner gives every instance a random domain "<label>.test" whose
 * label has exactly this many characters, so the loader can check every
 * template with a domain as long as any the runner gives.
 */
#define SCN_DOMAIN_LABEL_LEN	16
#define SCN_DOMAIN_LEN		(SCN_DOMAIN_LABEL_LEN + 5)	/* ".test" */
/* one step's clock move; cert windows cover any run's sum (pki.h) */
#define SCN_CLOCK_STEP_MAX	(731UL * 86400)		/* 2 years */

enum scn_strength {
	SCN_MUST = 0,		/* not met -> FAIL */
	SCN_SHOULD,		/* not met -> NON-STRICT */
	SCN_MAY,		/* recorded -> INFO */
	SCN_INFO,		/* recorded -> INFO */
};

enum scn_delivery {
	SCN_DELIVER_TLS = 0,	/* DATA completed over TLS at a genuine host */
	SCN_DELIVER_PLAIN,	/* DATA completed without TLS */
	SCN_DELIVER_ANY,	/* DATA completed, TLS or not */
	SCN_DELIVER_NONE,	/* no DATA completed anywhere */
};

/* A yes/no question a step may leave open: true, false, or not asked. */
enum scn_want {
	SCN_WANT_ANY = 0,	/* the key left out: not asked */
	SCN_WANT_YES,		/* true */
	SCN_WANT_NO,		/* false */
};

/* What a step waits for after its delivery, before the next step. */
enum scn_wait {
	SCN_WAIT_NONE = 0,
	SCN_WAIT_POLICY,	/* a policy GET naming the policy host */
};

const char *scn_strength_str(enum scn_strength);
const char *scn_delivery_str(enum scn_delivery);

/*
 * The TLSA record _25._tcp.<host> the world publishes (RFC 7672 §3):
 * DANE-EE SPKI SHA-256 (3 1 1) of the leaf the host presents, or of
 * nothing it has
 */
#define SCN_TLSA_PREFIX		"_25._tcp."	/* RFC 7672 §3 */
enum scn_tlsa {
	SCN_TLSA_NONE = 0,
	SCN_TLSA_EE,
	SCN_TLSA_WRONG,
};

/* One SMTP host of the world; its address is 127.A.B.(25 + index). */
struct scn_host {
	char			label[SCN_LABEL_MAX];	/* "mx1", "a.b";
							   "@" = domain */
	enum mx_starttls	starttls;
	enum cert_profile	cert;
	char			cert_for[SCN_LABEL_MAX]; /* "": the certificate
							   names this host;
							   else that host */
	enum tls_versions	tls;		/* TLS versions offered */
	enum mx_sni		sni;		/* certificate by SNI */
	enum scn_want		listen;		/* NO: nothing on port 25 */
	struct mx_fail		fail;		/* a verb answered with a code */
	enum scn_tlsa		tlsa;		/* its TLSA record */
	bool			attacker;	/* touched or added by the attack */
};

/* A DNS fault on one owner name (relative to the domain, like records). */
struct scn_fault {
	char		name[SCN_NAME_MAX];
	enum dns_fault	fault;
};

/* The policy host mta-sts.<domain>, address 127.A.B.10. */
struct scn_policy {
	enum policy_serve	serve;		/* OFF: nothing listens on 443 */
	char			*body;		/* rendered or given; owned */
	int			status;
	char			content_type[128];
	enum cert_profile	cert;
	/* a template ("{domain}", "{label}"); "" sends none */
	char			location[POLICY_LOCATION_MAX];
	enum policy_sni		sni;
	enum tls_versions	tls;
	unsigned long		pad;		/* bytes after the body */
	unsigned int		trickle_sec;	/* serve trickle; 0: 1 */
	bool			validators;	/* ETag...; 304 if conditional */
};

struct scn_world {
	/* zone lines relative to the domain; "{label}" = that host's address;
	   each owned, shorter than SCN_RECORD_MAX */
	char			*records[SCN_RECORDS_MAX];
	size_t			nrecords;
	struct scn_fault	faults[SCN_FAULTS_MAX];
	size_t			nfaults;
	struct scn_policy	policy;
	struct scn_host		hosts[SCN_HOSTS_MAX];
	size_t			nhosts;
	bool			dnssec;		/* the domain is a signed zone */
};

struct scn_step {
	bool			attack;		/* runs in the attacked world */
	char			to[SCN_LABEL_MAX];	/* the recipient domain:
							   "@" = the domain,
							   "b" = b.<domain>;
							   to_literal: the
							   literal's host */
	bool			to_literal;	/* to: "[mx1]", user@[its
						   address] (RFC 5321
						   §4.1.3) */
	enum scn_delivery	expect;
	char			expect_at[SCN_LABEL_MAX];	/* "" = any host */
	bool			expect_sni;	/* tls: SNI named the MX host */
	enum scn_want		expect_fetch;	/* YES: a policy GET, SNI and
						   Host named; NO: no request
						   at the policy host */
	unsigned int		expect_retry;	/* N: step N's withheld
						   message arrives in this
						   step (1-based); 0: none */
	enum scn_want		expect_alert;	/* YES: a failed policy fetch
						   seen and an "alerts" line
						   naming the domain; NO: no
						   line naming it */
	unsigned long		clock;		/* seconds to advance first */
	enum scn_strength	strength;	/* the step's own; default: the
						   scenario's */
	enum scn_wait		wait;		/* bounded by STS_TIMEOUT */
	bool			restart;	/* restart the SUT first (it
						   keeps its persistent state) */
	char			relay[SCN_LABEL_MAX];	/* the smart host the
							   SUT relays through,
							   a label like to;
							   "" = none */
};

struct scenario {
	char			file[SCN_PATH_MAX];
	char			id[SCN_ID_MAX + 1];
	char			title[SCN_TITLE_MAX + 1];
	char			clauses[SCN_CLAUSES_MAX][SCN_CLAUSE_MAX];
	size_t			nclauses;
	enum scn_strength	strength;
	bool			has_attack;	/* an attack overlay exists */
	struct scn_world	clean;
	struct scn_world	attacked;	/* == clean when !has_attack */
	struct scn_step		steps[SCN_STEPS_MAX];
	size_t			nsteps;
};

/*
 * scenario_load - parse and validate one YAML file. Errors are
 * "file:line:column: message" (1-based). On success *out is a new
 * scenario the caller frees with scenario_free().
 */
int	scenario_load(const char *path, struct scenario **out, struct err *)
	    __attribute__((warn_unused_result));
/* scenario_load_buf - the same from memory; name is used in messages */
int	scenario_load_buf(const char *name, const char *buf, size_t len,
	    struct scenario **out, struct err *)
	    __attribute__((warn_unused_result));
void	scenario_free(struct scenario *);

/* scenario_host_find - index of label in w->hosts, or -1 */
int	scenario_host_find(const struct scn_world *, const char *label);
/* scenario_signed - its clean or attacked world is a DNSSEC-signed zone */
bool	scenario_signed(const struct scenario *);

/*
 * scenario_rcpt_domain - the recipient domain of a step's delivery: domain
 * for to "@" (or ""), else "<to>.<domain>"; -1 if it does not fit size
 */
int	scenario_rcpt_domain(const struct scn_step *, const char *domain,
	    char *out, size_t size) __attribute__((warn_unused_result));
/*
 * scenario_rcpt_addr - what the step's message is addressed to after the
 * '@': for a step to an address literal, "[127.a.b.<octet>]" of its host
 * in w (the world the step runs in), else scenario_rcpt_domain(); -1 if
 * it does not fit size or the host is not in w
 */
int	scenario_rcpt_addr(const struct scn_step *, const struct scn_world *w,
	    const char *domain, unsigned int a, unsigned int b, char *out,
	    size_t size) __attribute__((warn_unused_result));

/*
 * scenario_relay_domain - the smart host of a step (its "relay", a label
 * like "to"), as scenario_rcpt_domain makes names; 0 with out "" when the
 * step has none; -1 if it does not fit size
 */
int	scenario_relay_domain(const struct scn_step *, const char *domain,
	    char *out, size_t size) __attribute__((warn_unused_result));

#define SCN_POLICY_LABEL	"mta-sts"	/* the policy host's label */
#define SCN_POLICY_OCTET	10
#define SCN_HOST_OCTET0		25		/* hosts[i] -> 25 + i */

/* scenario_host_octet - last address octet of label (policy host too), or -1 */
int	scenario_host_octet(const struct scn_world *, const char *label);

/*
 * scenario_expand - copy tmpl to out, replacing "{domain}" with domain and
 * "{label}" with 127.a.b.<octet of label>. Unknown placeholders, unclosed
 * braces and overflow are errors.
 */
int	scenario_expand(const char *tmpl, const char *domain,
	    const struct scn_world *, unsigned int a, unsigned int b, char *out,
	    size_t outsz, struct err *) __attribute__((warn_unused_result));

#endif
