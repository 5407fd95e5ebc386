#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "admin/admin.h"
#include "common/log.h"

#define MAIN_USAGE	"COMMAND [ARGUMENTS] (wagw-admin --help lists them)"

static int
main_unknown(const char *noun)
{
	fprintf(stderr, "wagw-admin: unknown command %s\n", noun);
	admin_help(stderr, NULL, NULL);
	return ADMIN_USAGE;
}

/* wagw-admin help [NOUN [VERB]], and NOUN [VERB] ... --help. */
static int
main_help(const char *noun, int argc, char **argv)
{
	const char *verb = argc >= 1 && argv[0][0] != '-' ? argv[0] : NULL;

	if (admin_help(stdout, noun, verb) == 0)
		return ADMIN_OK;
	if (!admin_noun_known(noun))
		return main_unknown(noun);
	return admin_verb_unknown(noun, argc, argv);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct admin a;
	const char *noun;
	int c, rc;

	memset(&a, 0, sizeof(a));
	log_init("wagw-admin", LOG_LEVEL_WARN);
	/* Every usage error is ours, said once (admin_getopt_error). */
	opterr = 0;
	/* '+': global options end at the command. */
	while ((c = getopt_long(argc, argv, "+:c:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			a.config_file = optarg;
			break;
		case 'h':
			admin_help(stdout, NULL, NULL);
			return ADMIN_OK;
		case 'V':
			printf("wagw-admin %s\n", PACKAGE_VERSION);
			return ADMIN_OK;
		default:
			return admin_getopt_error(MAIN_USAGE, c, argv);
		}
	}
	if (optind >= argc)
		return admin_usage(MAIN_USAGE, "a command is needed");
	noun = argv[optind];
	argc -= optind + 1;
	argv += optind + 1;
	if (strcmp(noun, "help") == 0) {
		if (argc == 0) {
			admin_help(stdout, NULL, NULL);
			return ADMIN_OK;
		}
		return main_help(argv[0], argc - 1, argv + 1);
	}
	if (admin_help_wanted(argc, argv))
		return main_help(noun, argc, argv);
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
	else
		rc = main_unknown(noun);
	admin_close(&a);
	return rc;
}
