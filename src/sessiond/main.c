/*
 * wagw-sessiond [--config FILE] [--foreground] [--debug]
 * The session holder; runs in the foreground (systemd), logs to stderr.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include <curl/curl.h>

#include "common/config.h"
#include "common/log.h"
#include "sessiond/daemon.h"

static void
usage(void)
{
	fprintf(stderr, "usage: wagw-sessiond [--config FILE] [--foreground] "
	    "[--debug]\n");
	exit(1);
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "debug", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static struct config cfg;
	struct daemon *d;
	const char *path = NULL;
	char err[2048];
	int ch, debug = 0, rc;

	while ((ch = getopt_long(argc, argv, "c:fdh", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'f':
			break;		/* always in the foreground */
		case 'd':
			debug = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	log_init("wagw-sessiond", debug ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
	path = config_path(path);
	if (config_load(&cfg, path, err, sizeof(err)) == -1) {
		log_warnx("%s", err);
		return 1;
	}
	/* Before any thread (the JWKS worker) starts. */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		log_warnx("curl_global_init failed");
		return 1;
	}
	if (daemon_new(&d, &cfg, err, sizeof(err)) == -1) {
		log_warnx("%s", err);
		curl_global_cleanup();
		return 1;
	}
	rc = daemon_run(d);
	daemon_free(d);
	curl_global_cleanup();
	return rc == 0 ? 0 : 1;
}
