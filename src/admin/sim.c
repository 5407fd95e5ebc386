/*
 * wagw-admin sim: what a phone does, against the simulated network
 * (link = sim only): scan a session's QR code, enter its pairing code,
 * remove its linked device; and what the network does: drop a
 * connection.  The running daemon plays them.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "admin/admin.h"
#include "common/ids.h"
#include "common/phone.h"
#include "ipc/sessiond_client.h"

#define SIM_DAEMON_MS		5000

static int
sim_scan(struct admin *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "account", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	char digits[PHONE_DIGITS_MAX + 1];
	struct sessiond_client *sd;
	const char *account = NULL;
	int c, rc;

	optind = 0;
	while ((c = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
		if (c != 'a')
			return admin_getopt_error(USAGE_SIM_SCAN, c, argv);
		account = optarg;
	}
	if (optind != argc - 1 || account == NULL)
		return admin_usage(USAGE_SIM_SCAN, "sim scan takes the QR text and --account");
	if (phone_parse_e164(account, strlen(account), digits) == -1)
		return admin_usage(USAGE_SIM_SCAN, "--account is an E.164 number");
	if ((rc = admin_daemon(a, &sd)) != ADMIN_OK)
		return rc;
	if ((rc = admin_daemon_rc(a, "sim scan", sessiond_sim(sd, "sim_scan",
	    argv[optind], digits, SIM_DAEMON_MS))) == ADMIN_OK)
		fprintf(stderr, "wagw-admin: the phone of +%s scanned the code\n", digits);
	return rc;
}

static int
sim_one(struct admin *a, int argc, char **argv, const char *op, const char *usage)
{
	struct sessiond_client *sd;
	int rc;

	if (argc != 2)
		return admin_usage(usage, "sim %s takes one argument", argv[0]);
	if (argv[1][0] == '-')
		return admin_usage(usage, "unknown option %s", argv[1]);
	if (strcmp(op, "sim_link_code") != 0 && !ids_valid(argv[1], strlen(argv[1])))
		return admin_usage(usage, "session ids are 1-64 of A-Z a-z 0-9 _ -");
	if ((rc = admin_daemon(a, &sd)) != ADMIN_OK)
		return rc;
	return admin_daemon_rc(a, argv[0], sessiond_sim(sd, op, argv[1], NULL,
	    SIM_DAEMON_MS));
}

int
admin_sim(struct admin *a, int argc, char **argv)
{
	if (argc >= 1 && strcmp(argv[0], "scan") == 0)
		return sim_scan(a, argc, argv);
	if (argc >= 1 && strcmp(argv[0], "link-code") == 0)
		return sim_one(a, argc, argv, "sim_link_code", USAGE_SIM_LINK_CODE);
	if (argc >= 1 && strcmp(argv[0], "unlink") == 0)
		return sim_one(a, argc, argv, "sim_unlink", USAGE_SIM_UNLINK);
	if (argc >= 1 && strcmp(argv[0], "drop") == 0)
		return sim_one(a, argc, argv, "sim_drop", USAGE_SIM_DROP);
	return admin_verb_unknown("sim", argc, argv);
}
