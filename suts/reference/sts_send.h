/* SPDX-License-Identifier: ISC */
/*
 * sts_send.h -- one delivery attempt of the reference MTA-STS sender:
 * policy discovery (TXT, cache, HTTPS fetch), MX selection and SMTP
 * delivery under the applied policy, within one time budget.
 */
#ifndef SUTS_REFERENCE_STS_SEND_H
#define SUTS_REFERENCE_STS_SEND_H

#include <stdbool.h>
#include <stdint.h>

#include "../../common/err.h"
#include "../../common/proto.h"

#define STS_SEND_TIMEOUT_DEFAULT	60	/* seconds, whole attempt */
#define STS_SEND_TIMEOUT_MAX		3600
/*
 * RFC 8461 §3.3 suggests about a minute; ours is well below the harness's
 * STS_TIMEOUT (30 s by default), so a stalled policy host still leaves
 * the attempt time to deliver as without MTA-STS
 */
#define STS_SEND_FETCH_MS_MAX		10000
#define STS_SEND_HELO_DEFAULT		"sts-send.harness.example"
#define STS_SEND_FROM_DEFAULT		"sts-send@harness.example"

struct sts_send_config {
	const char	*rcpt;
	const char	*domain;	/* recipient domain: lower case, no dot */
	const char	*relay;		/* smart host (the next hop and the
					   policy domain, §3.4), the same
					   shape; NULL: the domain's MX */
	const char	*msg_file;
	const char	*from;		/* "" = null reverse-path */
	const char	*helo;
	const char	*ca_file;	/* NULL: system trust store */
	const char	*resolver;	/* IP; NULL: /etc/resolv.conf */
	const char	*state_dir;	/* NULL: no cache, no clock offset */
	unsigned int	 timeout_s;
	sts_bugs	 bugs;		/* STS_BUG_* */
	bool		 no_sts;	/* the naive sender */
	uint16_t	 smtp_port;
	uint16_t	 https_port;
	uint16_t	 dns_port;
};

enum sts_send_outcome {
	STS_SEND_DELIVERED = 0,
	STS_SEND_DEFERRED,
	STS_SEND_BOUNCED,
	STS_SEND_ERROR,
};

struct sts_send_result {
	enum sts_send_outcome	outcome;
	char			detail[ERR_MSG_MAX];
	bool			enforce_blocked;	/* deferred under an
							   enforce policy */
};

/* sts_send_run - one attempt; always reaches an outcome */
void	sts_send_run(const struct sts_send_config *, struct sts_send_result *);

const char *sts_send_outcome_str(enum sts_send_outcome);

#endif
