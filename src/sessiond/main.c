/*
 * wagw-sessiond [--config FILE] [--debug]
 * The session holder; runs in the foreground (systemd), logs to stderr.
 * wagw-sessiond(8) is its manual; keep the two and usage() in step.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "common/config.h"
#include "common/log.h"
#include "sessiond/daemon.h"

static const char main_usage_text[] =
"usage: wagw-sessiond [--config FILE] [--debug]\n"
"       wagw-sessiond --help | --version\n"
"Holds the WhatsApp sessions of the database and answers wagw.fcgi and\n"
"wagw-admin on its Unix socket.  Runs in the foreground (as systemd wants)\n"
"and logs to stderr.  SIGHUP: re-read the sessions and the links' files;\n"
"SIGTERM: finish in-flight lookups and exit.\n"
"  -c, --config FILE  the configuration (else $WAGW_CONFIG, else\n"
"                     " WAGW_SYSCONFDIR "/wagw/wagw.conf)\n"
"  -d, --debug        also log debug lines\n"
"  -f, --foreground   accepted for older units; it always runs in the foreground\n"
"  -h, --help         this text\n"
"  -V, --version      the version\n"
"See wagw-sessiond(8).\n";

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "debug", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	static struct config cfg;
	struct daemon *d;
	const char *path = NULL;
	char err[2048];
	int ch, debug = 0, rc;

	/* Our own messages, one per mistake. */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":c:fdhV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'f':
			break;		/* always in the foreground */
		case 'd':
			debug = 1;
			break;
		case 'h':
			fputs(main_usage_text, stdout);
			return 0;
		case 'V':
			printf("wagw-sessiond %s\n", PACKAGE_VERSION);
			return 0;
		case ':':
			fprintf(stderr, "wagw-sessiond: %s needs an argument\n%s",
			    argv[optind - 1], main_usage_text);
			return 1;
		default:
			if (optopt != 0)
				fprintf(stderr, "wagw-sessiond: unknown option -%c\n%s",
				    optopt, main_usage_text);
			else
				fprintf(stderr, "wagw-sessiond: unknown option %s\n%s",
				    argv[optind - 1], main_usage_text);
			return 1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "wagw-sessiond: unexpected argument %s\n%s",
		    argv[optind], main_usage_text);
		return 1;
	}
	log_init("wagw-sessiond", debug ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
	log_timestamps();
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
