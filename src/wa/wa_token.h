/*
 * wa_token: the binary-node dictionaries, version 3 (the "WA\x06\x03"
 * prologue names it).  The tables live in wa_token_data.c, generated
 * from the pinned Baileys by tests/wa/gen-tokens.mjs.
 */
#ifndef WAGW_WA_TOKEN_H
#define WAGW_WA_TOKEN_H

#include <stddef.h>

#define WA_TOKEN_SINGLE_N	236
#define WA_TOKEN_DICTS		4
#define WA_TOKEN_DICT_N		256
#define WA_TOKEN_SORTED_N	(WA_TOKEN_SINGLE_N + WA_TOKEN_DICTS * WA_TOKEN_DICT_N)

struct wa_token_entry {
	const char	*s;
	int		 dict;	/* -1: single-byte */
	int		 index;
};

extern const char *const wa_token_single[WA_TOKEN_SINGLE_N];
extern const char *const wa_token_double[WA_TOKEN_DICTS][WA_TOKEN_DICT_N];
extern const struct wa_token_entry wa_token_sorted[WA_TOKEN_SORTED_N];

/*
 * Finds the token for the len bytes at s.  Returns the entry (static
 * storage) or NULL when s is not a token.
 */
const struct wa_token_entry *wa_token_find(const char *s, size_t len);

#endif
