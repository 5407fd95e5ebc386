#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "admin/admin.h"
#include "common/log.h"

static const char admin_usage_text[] =
"usage: wagw-admin [--config FILE] COMMAND ...\n"
"  init                                   create or migrate the database\n"
"  org add ORG [--name NAME]\n"
"  org list [--json]\n"
"  session add SESSION --org ORG [--label TEXT] [--link sim|whatsapp]\n"
"  session list [--org ORG] [--json]\n"
"  session rm SESSION\n"
"  session status [SESSION]               asks the running wagw-sessiond\n"
"  session connect SESSION\n"
"  session disconnect SESSION\n"
"  session pair SESSION [--phone PHONE] [--png FILE]\n"
"                                         shows the QR (or the phone code) and\n"
"                                         waits until paired\n"
"  session logout SESSION                 unpair; deletes its credentials\n"
"  key create --org ORG --permissions PERM[,PERM...] [--name TEXT] [--expires-in DAYS]\n"
"                                         prints only the new secret, once\n"
"  key list [--org ORG] [--json]\n"
"  key revoke KEY_ID\n"
"  sim scan QR_TEXT --account PHONE       (link = sim) a phone scans the QR\n"
"  sim link-code CODE                     (link = sim) a phone enters the code\n"
"  sim unlink SESSION                     (link = sim) the phone removes the device\n"
"  sim drop SESSION                       (link = sim) the network drops the link\n"
"PERM: read, send, manage, events.  The config file is --config, else\n"
"$WAGW_CONFIG, else " WAGW_SYSCONFDIR "/wagw/wagw.conf.\n";

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct admin a;
	const char *noun;
	int c, rc;

	memset(&a, 0, sizeof(a));
	log_init("wagw-admin", LOG_LEVEL_WARN);
	/* '+': global options end at the command. */
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			a.config_file = optarg;
			break;
		case 'h':
			fputs(admin_usage_text, stdout);
			return ADMIN_OK;
		default:
			fputs(admin_usage_text, stderr);
			return ADMIN_USAGE;
		}
	}
	if (optind >= argc) {
		fputs(admin_usage_text, stderr);
		return ADMIN_USAGE;
	}
	noun = argv[optind];
	argc -= optind + 1;
	argv += optind + 1;
	if (strcmp(noun, "init") == 0)
		rc = admin_init(&a, argc + 1, argv - 1);
	else if (strcmp(noun, "org") == 0)
		rc = admin_org(&a, argc, argv);
	else if (strcmp(noun, "session") == 0)
		rc = admin_session(&a, argc, argv);
	else if (strcmp(noun, "key") == 0)
		rc = admin_key(&a, argc, argv);
	else if (strcmp(noun, "sim") == 0)
		rc = admin_sim(&a, argc, argv);
	else {
		fprintf(stderr, "wagw-admin: unknown command %s\n", noun);
		fputs(admin_usage_text, stderr);
		rc = ADMIN_USAGE;
	}
	admin_close(&a);
	return rc;
}
