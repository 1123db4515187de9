/* SPDX-License-Identifier: ISC */
/*
 * policy_config.c -- the names of the policy host's behaviours (serve,
 * sni, tls) and the split of a redirect target into host and path. Pure:
 * the host reads the values, the harness and fake-mx fill them.
 */
#include <string.h>

#include "../common/log.h"
#include "../common/proto.h"
#include "../common/str.h"
#include "policy_config.h"

static const struct str_name policy_serve_names[] = {
	{ POLICY_SERVE_ANSWER,		"true" },
	{ POLICY_SERVE_OFF,		"false" },
	{ POLICY_SERVE_BLACKHOLE,	"blackhole" },
	{ POLICY_SERVE_TLS_ALERT,	"tls-alert" },
	{ POLICY_SERVE_TRICKLE,		"trickle" },
};

static const struct str_name policy_sni_names[] = {
	{ POLICY_SNI_ANY,		"any" },
	{ POLICY_SNI_REQUIRED,		"required" },
};

const char *
policy_serve_str(enum policy_serve v)
{
	return str_name_str(policy_serve_names,
	    STR_NROWS(policy_serve_names), (int)v, "policy_serve_str");
}

int
policy_serve_parse(const char *s, enum policy_serve *out)
{
	int	v;

	if (str_name_parse(policy_serve_names,
	    STR_NROWS(policy_serve_names), s, &v) == -1)
		return -1;
	*out = (enum policy_serve)v;
	return 0;
}

const char *
policy_serve_name(size_t i)
{
	return i < STR_NROWS(policy_serve_names) ?
	    policy_serve_names[i].name : NULL;
}

const char *
policy_sni_str(enum policy_sni v)
{
	return str_name_str(policy_sni_names,
	    STR_NROWS(policy_sni_names), (int)v, "policy_sni_str");
}

int
policy_sni_parse(const char *s, enum policy_sni *out)
{
	int	v;

	if (str_name_parse(policy_sni_names,
	    STR_NROWS(policy_sni_names), s, &v) == -1)
		return -1;
	*out = (enum policy_sni)v;
	return 0;
}

const char *
policy_sni_name(size_t i)
{
	return i < STR_NROWS(policy_sni_names) ?
	    policy_sni_names[i].name : NULL;
}


/* policy_location_split - "https://HOST/PATH" into host and path */
int
policy_location_split(const char *url, char *host, size_t hostsz,
    char *path, size_t pathsz)
{
	static const char	 scheme[] = "https://";
	const char		*h, *p;
	size_t			 hlen, i;

	if (url == NULL || strncmp(url, scheme, sizeof(scheme) - 1) != 0)
		return -1;
	h = url + sizeof(scheme) - 1;
	if ((p = strchr(h, '/')) == NULL)
		return -1;
	hlen = (size_t)(p - h);
	if (hlen == 0 || hlen > DNS_NAME_MAX || hlen >= hostsz ||
	    h[0] == '.' || h[0] == '-' || h[hlen - 1] == '.')
		return -1;
	for (i = 0; i < hlen; i++)
		if (!((h[i] >= 'a' && h[i] <= 'z') ||
		    (h[i] >= 'A' && h[i] <= 'Z') ||
		    (h[i] >= '0' && h[i] <= '9') || h[i] == '-' ||
		    (h[i] == '.' && h[i + 1] != '.')))
			return -1;
	/* a path of visible ASCII; a query or fragment is not a path */
	for (i = 0; p[i] != '\0'; i++)
		if (p[i] <= 0x20 || p[i] >= 0x7f || p[i] == '?' ||
		    p[i] == '#' || p[i] == '\\')
			return -1;
	if (str_copy(path, p, pathsz) == -1)
		return -1;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	str_lower(host);
	return 0;
}
