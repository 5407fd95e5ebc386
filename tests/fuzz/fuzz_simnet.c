/*
 * libFuzzer target: the simulated-network file parser (sessiond/simnet.h)
 * on arbitrary bytes.  A failure must say why; a success must be a
 * consistent world: every account, session, direct chat and group member
 * is found again through the lookups, with digits-only LIDs and phones.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/log.h"
#include "sessiond/simnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
fuzz_digits(const char *s)
{
	if (s == NULL || *s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static void
fuzz_account(const struct simnet *net, const struct simnet_account *a)
{
	if (a == NULL || !fuzz_digits(a->lid) || simnet_by_lid(net, a->lid) != a ||
	    a->about == NULL)
		__builtin_trap();
	if (a->phone != NULL && (!fuzz_digits(a->phone) ||
	    simnet_by_phone(net, a->phone) == NULL ||
	    strcmp(simnet_by_phone(net, a->phone)->phone, a->phone) != 0))
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct simnet_session *s;
	const struct simnet_group *g;
	struct simnet *net = NULL;
	char err[512];
	size_t i, j, k;

	log_init("fuzz_simnet", LOG_LEVEL_WARN);
	err[0] = '\0';
	if (simnet_parse(&net, "fuzz.json", (const char *)data, size, err,
	    sizeof(err)) != 0) {
		if (err[0] == '\0' || memchr(err, '\0', sizeof(err)) == NULL)
			__builtin_trap();
		return 0;
	}
	if (net == NULL || net->latency_ms < 0 || net->latency_ms > SIMNET_LATENCY_MAX)
		__builtin_trap();
	for (i = 0; i < net->naccounts; i++)
		fuzz_account(net, &net->accounts[i]);
	for (i = 0; i < net->nsessions; i++) {
		s = &net->sessions[i];
		if (s->id == NULL || simnet_session(net, s->id) != s ||
		    (s->account != NULL && !fuzz_digits(s->account)))
			__builtin_trap();
		for (j = 0; j < s->ndms; j++)
			fuzz_account(net, s->dms[j]);
		for (j = 0; j < s->ngroups; j++) {
			g = &s->groups[j];
			if (g->jid == NULL)
				__builtin_trap();
			for (k = 0; k < g->nmembers; k++) {
				fuzz_account(net, g->members[k].account);
				if (strlen(simnet_role_str(g->members[k].role)) == 0)
					__builtin_trap();
			}
		}
	}
	simnet_free(net);
	return 0;
}
