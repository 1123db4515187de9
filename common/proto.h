/* SPDX-License-Identifier: ISC */
/*
 * proto.h -- constants shared by the fake servers, the harness and the
 * reference sender, with the RFC that bounds each.
 */
#ifndef COMMON_PROTO_H
#define COMMON_PROTO_H

#define SMTP_PORT		25
#define HTTPS_PORT		443
#define HTTP_PORT		80	/* the CRL host (plain HTTP) */
#define DNS_PORT		53

#define SMTP_LINE_MAX		512	/* RFC 5321 §4.5.3.1.4, command line incl. CRLF */
#define SMTP_TEXT_LINE_MAX	1000	/* RFC 5321 §4.5.3.1.6, text line incl. CRLF */
#define SMTP_MESSAGE_MAX	(10u * 1024 * 1024)	/* our limit; 552 beyond */
#define DNS_NAME_MAX		255	/* RFC 1035 §2.3.4 */
#define DNS_LABEL_MAX		63	/* RFC 1035 §2.3.4 */
#define DNS_UDP_MAX		512	/* RFC 1035 §4.2.1 */
#define DNS_TCP_MAX		65535	/* RFC 1035 §4.2.2, 16-bit length */
#define STS_POLICY_MAX		(64 * 1024)	/* RFC 8461 §3.3 suggests 64 KB */
#define STS_POLICY_PATH		"/.well-known/mta-sts.txt"	/* RFC 8461 §3.2 */

/*
 * Every message the harness hands a SUT carries this header; the fake MX
 * records its value as the message token, so DATA is tied to one step.
 */
#define STS_TOKEN_HEADER	"X-STS-Harness-Token"
#define STS_TOKEN_MAX		64

#endif
