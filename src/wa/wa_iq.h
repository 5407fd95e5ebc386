/*
 * wa_iq: the IQ engine of one connection: request ids, the waiters for
 * their answers with deadlines, and the reading of an answer's outcome.
 * Ids are "<a>.<b>-<n>" as whatsmeow and Baileys make them: two random
 * 16-bit numbers fixed per connection, then a counter from 1.  No I/O and
 * no clock: deadlines are absolute milliseconds the caller passes in.
 */
#ifndef WAGW_WA_IQ_H
#define WAGW_WA_IQ_H

#include <stddef.h>
#include <stdint.h>

#include "wa/wa_node.h"

#define WA_IQ_ID_MAX	24	/* "65535.65535-4294967295" + NUL */

/* How a request ended (also the status of every answer event). */
enum wa_iq_status {
	WA_IQ_OK,		/* type="result" */
	WA_IQ_RATE_LIMITED,	/* 429: back off (backoff_s when the server says) */
	WA_IQ_BAD_REQUEST,	/* 400 */
	WA_IQ_FORBIDDEN,	/* 401, 403: e.g. not a member of the group */
	WA_IQ_NOT_FOUND,	/* 404 */
	WA_IQ_SERVER_ERROR,	/* 5xx or any other code */
	WA_IQ_MALFORMED,	/* an answer we cannot read */
	WA_IQ_TIMEOUT,		/* no answer before the deadline */
	WA_IQ_CLOSED		/* the connection ended first */
};

struct wa_iq_waiter {
	uint32_t	 seq;
	int		 kind;		/* the caller's request kind */
	uint64_t	 cookie;	/* the caller's */
	int64_t		 deadline;	/* ms */
	void		*ctx;		/* the caller's; the caller frees it */
};

struct wa_iq {
	char			 prefix[14];	/* "65535.65535-" */
	uint32_t		 next;
	struct wa_iq_waiter	*w;
	size_t			 n, cap;
};

/* Fresh id prefix and counter, no waiters.  Returns 0 or -1 (CSPRNG). */
int wa_iq_init(struct wa_iq *q);
/* Frees the table (not the waiters' ctx: drain them first). */
void wa_iq_free(struct wa_iq *q);
/* Writes the next id (also for ids nobody waits on, like usync's sid). */
void wa_iq_id(struct wa_iq *q, char id[WA_IQ_ID_MAX]);
/*
 * Registers a waiter under a new id written to id.  Returns 0, or -1 on
 * memory failure (nothing registered).
 */
int wa_iq_add(struct wa_iq *q, int kind, uint64_t cookie, void *ctx,
    int64_t deadline, char id[WA_IQ_ID_MAX]);
/*
 * Takes the waiter for answer id (removed from q) into *out.  Returns 1,
 * or 0 when nobody waits on that id.
 */
int wa_iq_take(struct wa_iq *q, const struct wa_str *id,
    struct wa_iq_waiter *out);
/* Takes one waiter whose deadline is <= now.  1 or 0. */
int wa_iq_take_expired(struct wa_iq *q, int64_t now,
    struct wa_iq_waiter *out);
/* Takes any waiter (to fail them all on close).  1 or 0. */
int wa_iq_take_any(struct wa_iq *q, struct wa_iq_waiter *out);
/* Takes the first waiter of kind.  1 or 0. */
int wa_iq_take_kind(struct wa_iq *q, int kind, struct wa_iq_waiter *out);
/* The earliest deadline, or -1 when nobody waits. */
int64_t wa_iq_deadline(const struct wa_iq *q);
/* Waiters of kind (-1: all). */
size_t wa_iq_count(const struct wa_iq *q, int kind);

/*
 * The outcome of answer reply (an <iq>): WA_IQ_OK for type="result";
 * for type="error" the status of its <error code>, with *code set and
 * *backoff_s from its "backoff" attribute (0 when absent).  Anything else
 * is WA_IQ_MALFORMED.
 */
enum wa_iq_status wa_iq_outcome(const struct wa_node *reply, int *code,
    int64_t *backoff_s);
/* The status an <error code=...> number stands for. */
enum wa_iq_status wa_iq_status_of(int code);
/* A short English name of s (static). */
const char *wa_iq_strstatus(enum wa_iq_status s);

#endif
