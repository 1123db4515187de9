/* SPDX-License-Identifier: ISC */
/*
 * scn_field.h -- the table-driven part of the scenario schema. A key of a
 * host's settings or of an expectation is one row of a table here (YAML
 * key, value type, where the value is stored, a one-line doc); a value
 * type is one parser. Values from another module's vocabulary (DNS faults,
 * STARTTLS behaviours, certificate profiles) are read with that module's
 * own parse and name functions, so a new fault, behaviour or profile needs
 * no change here, and a new expectation key is one row of
 * scn_expect_rows[] (scn_field.c) plus its field in struct scn_step.
 */
#ifndef HARNESS_SCN_FIELD_H
#define HARNESS_SCN_FIELD_H

#include <stdbool.h>
#include <stddef.h>

#include "scenario.h"
#include "yaml_tree.h"

/* How a value is written in YAML and what it is stored as. */
enum scn_type {
	SCN_T_BOOL = 0,		/* true | false -> bool */
	SCN_T_WANT,		/* true | false -> scn_want (absent: ANY) */
	SCN_T_DELIVERY,		/* tls | plain | any | none -> scn_delivery */
	SCN_T_HOST,		/* a host of the world -> char[SCN_LABEL_MAX] */
	SCN_T_LABEL,		/* a host label the caller checks later (the
				   hosts being parsed) -> char[SCN_LABEL_MAX] */
	SCN_T_STARTTLS,		/* an mx_starttls_name() -> mx_starttls */
	SCN_T_CERT,		/* a cert_profile_name() -> cert_profile */
	SCN_T_FAULT,		/* a dns_fault_name() -> dns_fault */
	SCN_T_SERVE,		/* a policy_serve_name() -> policy_serve */
	SCN_T_PSNI,		/* a policy_sni_name() -> policy_sni */
	SCN_T_TLS,		/* a tls_versions_name() -> tls_versions
				   (MX hosts and the policy host) */
	SCN_T_SNI,		/* an mx_sni_name() -> mx_sni */
	SCN_T_FAIL,		/* "VERB CODE" (mx_fail_parse) -> mx_fail */
	SCN_T_TLSA,		/* none | ee | wrong -> scn_tlsa */
	SCN_T_STEP,		/* a step number 1..SCN_STEPS_MAX -> unsigned
				   int (the caller checks it is earlier) */
};

#define SCN_F_REQUIRED	0x01	/* the key must be given */
#define SCN_F_NEEDS_TLS	0x02	/* true only with the table's delivery tls */

/* One key: a row of a table. */
struct scn_field {
	const char	*key;		/* as written in YAML */
	enum scn_type	 type;
	size_t		 offset;	/* of the value in the struct filled */
	unsigned int	 flags;		/* SCN_F_* */
	const char	*doc;		/* one line; docs/scenario-format.md */
};

/* The keys of one kind of mapping, in the order messages list them. */
struct scn_fields {
	const char		*prefix;	/* a value's "what": prefix key */
	const struct scn_field	*rows;
	size_t			 n;
};

/* What a value may refer to. */
struct scn_field_ctx {
	const struct ytree	*yt;		/* the file, its messages */
	const struct scn_world	*world;		/* SCN_T_HOST names a host */
	const char		*world_name;	/* "clean" or "attacked" */
};

/* scn_host_fields - a host's settings: starttls, cert, cert_for, tls, ... */
const struct scn_fields *scn_host_fields(void);
/* scn_expect_fields - the keys of an expectation mapping */
const struct scn_fields *scn_expect_fields(void);

/*
 * scn_field_value - one scalar of type into dst (sized for the type);
 * errors are "what: ..." at n, listing the allowed values
 */
int	scn_field_value(const struct scn_field_ctx *, const struct ytree_node *,
	    const char *what, enum scn_type, void *dst)
	    __attribute__((warn_unused_result));
/*
 * scn_fields_parse - a mapping of these keys over base (a struct scn_host
 * or scn_step): keys checked (unknown, duplicate), required ones present,
 * then each given key's value in table order; keys left out keep what
 * base had
 */
int	scn_fields_parse(const struct scn_field_ctx *,
	    const struct ytree_node *map, const char *what,
	    const struct scn_fields *, void *base)
	    __attribute__((warn_unused_result));
/* scn_fields_clear - every key of the table at its zero value in base */
void	scn_fields_clear(const struct scn_fields *, void *base);

#endif
