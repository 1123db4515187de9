/* SPDX-License-Identifier: ISC */
/*
 * policy_config.h -- how the fake HTTPS policy host behaves, as names the
 * scenarios and fake-mx spell: what it does with a connection (serve),
 * whether it wants SNI, which TLS versions it speaks, and the redirect
 * target of a 3xx answer. Plain values; no I/O.
 */
#ifndef FAKE_MX_POLICY_CONFIG_H
#define FAKE_MX_POLICY_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/*
 * What the host does with a connection. Each has a name row in
 * policy_config.c; policy_host.c does it.
 */
enum policy_serve {
	POLICY_SERVE_ANSWER = 0,	/* "true": answer every request */
	POLICY_SERVE_OFF,		/* "false": nothing listens on 443 */
	POLICY_SERVE_BLACKHOLE,		/* accept TCP, then say nothing */
	POLICY_SERVE_TLS_ALERT,		/* fatal alert to the ClientHello */
	POLICY_SERVE_TRICKLE,		/* the answer a byte per trickle_sec */
};

enum policy_sni {
	POLICY_SNI_ANY = 0,		/* its certificate whatever the SNI */
	POLICY_SNI_REQUIRED,		/* only to SNI naming it, otherwise
					   one for POLICY_SNI_DEFAULT_HOST */
};
#define POLICY_SNI_DEFAULT_HOST	"default.invalid"

const char *policy_serve_str(enum policy_serve);
int	policy_serve_parse(const char *, enum policy_serve *)
	    __attribute__((warn_unused_result));
/* policy_serve_name - the i-th name; NULL past the last */
const char *policy_serve_name(size_t);

const char *policy_sni_str(enum policy_sni);
int	policy_sni_parse(const char *, enum policy_sni *)
	    __attribute__((warn_unused_result));
const char *policy_sni_name(size_t);

#define POLICY_LOCATION_MAX	512	/* a Location URL, expanded */
#define POLICY_PAD_MAX		(1024UL * 1024 * 1024)	/* 1 GiB, streamed */
#define POLICY_TRICKLE_MAX	60	/* seconds between two bytes */

/*
 * policy_location_split - "https://HOST/PATH" (no port, userinfo, query
 * or fragment) into its host (lower case, a DNS name: letters, digits,
 * '-' and '.') and its path (starting with '/'); -1 for anything else.
 * The policy host answers that path with its policy, and HOST, when it is
 * not its own name, with a certificate of its own (SNI).
 */
int	policy_location_split(const char *url, char *host, size_t hostsz,
	    char *path, size_t pathsz) __attribute__((warn_unused_result));

#endif
