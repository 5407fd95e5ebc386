/*
 * bench_key: an API key for the in-process benchmarks (bench/profile_list,
 * bench/scale_list), stored the way wagw-admin stores one.
 */
#ifndef WAGW_BENCH_KEY_H
#define WAGW_BENCH_KEY_H

#include "common/apikey.h"

/*
 * Adds a fresh read key named name for organization org to the database
 * at db; secret receives it.  Returns 0 or -1.
 */
int bench_key_add(const char *db, const char *org, const char *name,
    char secret[APIKEY_SECRET_LEN + 1]);

#endif
