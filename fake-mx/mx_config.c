/* SPDX-License-Identifier: ISC */
/*
 * mx_config.c -- names and defaults of a fake MX's behaviour. A plain value
 * struct: no I/O, no allocation; the session and the server read it, the
 * harness and the standalone program fill it.
 */
#include <string.h>

#include "../common/log.h"
#include "../common/proto.h"
#include "../common/str.h"
#include "mx_config.h"

/* seconds; RFC 5321 §4.5.3.2 wants minutes, a test world must not hang */
#define MX_TIMEOUT_DEFAULT	30

/*
 * The names of the STARTTLS behaviours, one row per enum mx_starttls, as
 * scenarios and fake-mx --starttls spell them. What each one does is its
 * row in smtp_session.c's smtp_tls_modes[].
 */
static const struct {
	enum mx_starttls	 mode;
	const char		*name;
} mx_starttls_names[] = {
	{ MX_STARTTLS_OFFER,	"offer" },
	{ MX_STARTTLS_STRIP,	"strip" },
	{ MX_STARTTLS_REFUSE,	"refuse" },
	{ MX_STARTTLS_TLS_ABORT, "tls-abort" },
};

#define MX_STARTTLS_NROWS \
	(sizeof(mx_starttls_names) / sizeof(mx_starttls_names[0]))

const char *
mx_starttls_str(enum mx_starttls m)
{
	size_t	i;

	for (i = 0; i < MX_STARTTLS_NROWS; i++)
		if (mx_starttls_names[i].mode == m)
			return mx_starttls_names[i].name;
	fatalx("mx_starttls_str: bad mode %d", (int)m);
}

/* mx_starttls_parse - a name of the table to enum; -1 if unknown */
int
mx_starttls_parse(const char *s, enum mx_starttls *out)
{
	size_t	i;

	if (s == NULL)
		return -1;
	for (i = 0; i < MX_STARTTLS_NROWS; i++)
		if (strcmp(s, mx_starttls_names[i].name) == 0) {
			*out = mx_starttls_names[i].mode;
			return 0;
		}
	return -1;
}

const char *
mx_starttls_name(size_t i)
{
	return i < MX_STARTTLS_NROWS ? mx_starttls_names[i].name : NULL;
}

/* mx_config_init - defaults: offer, valid cert, 30 s, bounds of mx_config.h */
void
mx_config_init(struct mx_config *cfg, const char *hostname)
{
	memset(cfg, 0, sizeof(*cfg));
	if (hostname != NULL && str_copy(cfg->hostname, hostname,
	    sizeof(cfg->hostname)) == -1)
		fatalx("mx_config_init: host name too long: %.64s...",
		    hostname);
	cfg->starttls = MX_STARTTLS_OFFER;
	cfg->cert = CERT_VALID;
	cfg->timeout_sec = MX_TIMEOUT_DEFAULT;
	cfg->max_message = SMTP_MESSAGE_MAX;
	cfg->max_sessions = MX_SESSIONS_DEFAULT;
	cfg->lifetime_sec = MX_LIFETIME_DEFAULT;
}
