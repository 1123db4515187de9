/* SPDX-License-Identifier: ISC */
/*
 * mx_config.c -- names and defaults of a fake MX's behaviour. A plain value
 * struct: no I/O, no allocation; the session and the server read it, the
 * harness and the standalone program fill it.
 */
#include <stdio.h>
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
	{ MX_STARTTLS_CLOSE,	"close" },
};

/* The other vocabularies of a host: one row per value, as scenarios spell
 * them. */
static const struct str_name mx_sni_names[] = {
	{ MX_SNI_ANY,		"any" },
	{ MX_SNI_REQUIRED,	"required" },
};

/* MX_FAIL_NONE first: it is the default, never written in a scenario */
static const struct str_name mx_fail_verb_names[] = {
	{ MX_FAIL_NONE,		"none" },
	{ MX_FAIL_EHLO_AFTER_TLS, "ehlo-after-tls" },
	{ MX_FAIL_MAIL,		"mail" },
	{ MX_FAIL_RCPT,		"rcpt" },
	{ MX_FAIL_DATA,		"data" },
	{ MX_FAIL_END_OF_DATA,	"end-of-data" },
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

const char *
mx_sni_str(enum mx_sni v)
{
	return str_name_str(mx_sni_names, STR_NROWS(mx_sni_names), (int)v,
	    "sni");
}

int
mx_sni_parse(const char *s, enum mx_sni *out)
{
	int	v;

	if (str_name_parse(mx_sni_names, STR_NROWS(mx_sni_names), s, &v) == -1)
		return -1;
	*out = (enum mx_sni)v;
	return 0;
}

const char *
mx_sni_name(size_t i)
{
	return i < STR_NROWS(mx_sni_names) ? mx_sni_names[i].name : NULL;
}

const char *
mx_fail_verb_str(enum mx_fail_verb v)
{
	return str_name_str(mx_fail_verb_names, STR_NROWS(mx_fail_verb_names),
	    (int)v, "fail verb");
}

const char *
mx_fail_verb_name(size_t i)
{
	/* row 0 is "none", the default: not a verb one can write */
	return i + 1 < STR_NROWS(mx_fail_verb_names) ?
	    mx_fail_verb_names[i + 1].name : NULL;
}

/*
 * mx_fail_parse - "VERB CODE": a verb of mx_fail_verb_names[] but "none",
 * one space, three digits in MX_FAIL_CODE_MIN..MX_FAIL_CODE_MAX
 */
int
mx_fail_parse(const char *s, struct mx_fail *out, char *why, size_t size)
{
	char		 verb[MX_FAIL_TEXT_MAX];
	const char	*sp, *c;
	unsigned int	 code = 0;
	size_t		 n, i;
	int		 v;

	if (s == NULL || (sp = strchr(s, ' ')) == NULL) {
		(void)snprintf(why, size, "want \"VERB CODE\"");
		return -1;
	}
	n = (size_t)(sp - s);
	v = MX_FAIL_NONE;
	if (n < sizeof(verb)) {
		memcpy(verb, s, n);
		verb[n] = '\0';
		if (str_name_parse(mx_fail_verb_names,
		    STR_NROWS(mx_fail_verb_names), verb, &v) == -1)
			v = MX_FAIL_NONE;
	}
	if (v == MX_FAIL_NONE) {
		(void)snprintf(why, size, "unknown verb (allowed:");
		for (i = 0; mx_fail_verb_name(i) != NULL; i++) {
			n = strlen(why);
			(void)snprintf(why + n, size - n, "%s %s",
			    i == 0 ? "" : ",", mx_fail_verb_name(i));
		}
		n = strlen(why);
		(void)snprintf(why + n, size - n, ")");
		return -1;
	}
	for (c = sp + 1, n = 0; *c >= '0' && *c <= '9' && n < 3; c++, n++)
		code = code * 10 + (unsigned int)(*c - '0');
	if (n != 3 || *c != '\0' || code < MX_FAIL_CODE_MIN ||
	    code > MX_FAIL_CODE_MAX) {
		(void)snprintf(why, size, "the code must be %d..%d",
		    MX_FAIL_CODE_MIN, MX_FAIL_CODE_MAX);
		return -1;
	}
	out->verb = (enum mx_fail_verb)v;
	out->code = code;
	return 0;
}

void
mx_fail_format(const struct mx_fail *f, char *buf, size_t size)
{
	if (f->verb == MX_FAIL_NONE)
		(void)snprintf(buf, size, "none");
	else
		(void)snprintf(buf, size, "%s %u", mx_fail_verb_str(f->verb),
		    f->code);
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
	cfg->tls = TLS_VERSIONS_ANY;
	cfg->sni = MX_SNI_ANY;
	cfg->fail.verb = MX_FAIL_NONE;
	cfg->timeout_sec = MX_TIMEOUT_DEFAULT;
	cfg->max_message = SMTP_MESSAGE_MAX;
	cfg->max_sessions = MX_SESSIONS_DEFAULT;
	cfg->lifetime_sec = MX_LIFETIME_DEFAULT;
}
