/* SPDX-License-Identifier: ISC */
/*
 * main.c -- the standalone fake-dns: parse argv, load one zone file, serve
 * it on UDP and TCP until SIGINT or SIGTERM, printing one event record per
 * query on stdout. Diagnostics go to stderr.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <event2/event.h>

#include "../common/err.h"
#include "../common/log.h"
#include "../common/proto.h"
#include "../common/str.h"
#include "dns_server.h"
#include "dns_zone.h"

#define FAKE_DNS_EXIT_USAGE	2

struct fake_dns_ctx {
	struct event_base	*base;
	struct dns_zone		*zone;
	struct dns_server	*server;
	struct event		*sigint;
	struct event		*sigterm;
};

static void	fake_dns_usage(void) __attribute__((noreturn));
static void	fake_dns_on_signal(evutil_socket_t, short, void *);
static void	fake_dns_free(struct fake_dns_ctx *);

static void
fake_dns_usage(void)
{
	fprintf(stderr, "usage: fake-dns [-v] [-l addr] [-p port] zonefile\n");
	exit(FAKE_DNS_EXIT_USAGE);
}

static void
fake_dns_on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct fake_dns_ctx	*ctx = arg;

	(void)what;
	log_debug("signal %d, stopping", (int)sig);
	(void)event_base_loopbreak(ctx->base);
}

static void
fake_dns_free(struct fake_dns_ctx *ctx)
{
	if (ctx->sigterm != NULL)
		event_free(ctx->sigterm);
	if (ctx->sigint != NULL)
		event_free(ctx->sigint);
	dns_server_free(ctx->server);
	dns_zone_free(ctx->zone);
	if (ctx->base != NULL)
		event_base_free(ctx->base);
}

int
main(int argc, char *argv[])
{
	struct fake_dns_ctx	 ctx = { 0 };
	struct err		 err = { 0 };
	const char		*addr = "127.0.0.1";
	unsigned long		 port = DNS_PORT;
	int			 ch, verbose = 0;

	while ((ch = getopt(argc, argv, "vl:p:")) != -1) {
		switch (ch) {
		case 'v':
			verbose++;
			break;
		case 'l':
			addr = optarg;
			break;
		case 'p':
			if (parse_uint(optarg, 65535, &port) == -1) {
				fprintf(stderr, "fake-dns: bad port \"%s\"\n",
				    optarg);
				fake_dns_usage();
			}
			break;
		default:
			fake_dns_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1)
		fake_dns_usage();
	log_init("fake-dns", verbose > 3 ? 3 : verbose);

	ctx.zone = dns_zone_new();
	if (dns_zone_load_file(ctx.zone, argv[0], &err) == -1) {
		fprintf(stderr, "%s\n", err.msg);
		fake_dns_free(&ctx);
		return FAKE_DNS_EXIT_USAGE;
	}
	/* a client closing its TCP connection must not kill us */
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		fatal("signal");
	if ((ctx.base = event_base_new()) == NULL)
		fatalx("cannot create event base");
	ctx.server = dns_server_new(ctx.base, ctx.zone, addr, (uint16_t)port,
	    &err);
	if (ctx.server == NULL)
		fatalx("%s", err.msg);
	ctx.sigint = evsignal_new(ctx.base, SIGINT, fake_dns_on_signal, &ctx);
	ctx.sigterm = evsignal_new(ctx.base, SIGTERM, fake_dns_on_signal,
	    &ctx);
	if (ctx.sigint == NULL || ctx.sigterm == NULL ||
	    evsignal_add(ctx.sigint, NULL) == -1 ||
	    evsignal_add(ctx.sigterm, NULL) == -1)
		fatalx("cannot install signal events");
	log_set_event_stream(stdout);
	/* always said, like fake-mx: with -p 0 it is the only way to know */
	fprintf(stderr, "fake-dns: serving %zu records on %s port %u "
	    "(UDP and TCP)\n", dns_zone_count(ctx.zone), addr,
	    (unsigned int)dns_server_port(ctx.server));
	if (event_base_dispatch(ctx.base) == -1)
		fatalx("event loop failed");
	log_set_event_stream(NULL);
	fake_dns_free(&ctx);
	return 0;
}
