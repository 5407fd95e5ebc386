/* What every Check program of ours shares: run one suite, exit 0/1. */
#ifndef WAGW_UNIT_H
#define WAGW_UNIT_H

#include <check.h>
#include <stdlib.h>

#include "common/log.h"

#define UNIT_MAIN(name, suite_fn)					\
int									\
main(void)								\
{									\
	SRunner *sr = srunner_create(suite_fn());			\
	int failed;							\
									\
	log_init(name, LOG_LEVEL_WARN);					\
	srunner_run_all(sr, CK_NORMAL);					\
	failed = srunner_ntests_failed(sr);				\
	srunner_free(sr);						\
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;			\
}

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

#endif
