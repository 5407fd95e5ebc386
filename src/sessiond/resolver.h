/*
 * resolver: host names to addresses off the daemon's loop.  getaddrinfo
 * blocks, and a loop that waits on DNS stalls every session; so lookups
 * run on a small pool of threads (RESOLVER_THREADS) and their results
 * come back through the loop.  Answers are kept for RESOLVER_TTL_MS, so
 * a thousand sessions reconnecting to one host ask the system once.
 *
 * Why threads and not c-ares: one host name (WhatsApp's, or a test
 * server's) is all the link resolves, getaddrinfo honours the system's
 * own configuration (nsswitch, /etc/hosts) exactly, and a bounded pool
 * is a few dozen lines with no new dependency.
 */
#ifndef WAGW_SESSIOND_RESOLVER_H
#define WAGW_SESSIOND_RESOLVER_H

#include <sys/socket.h>

#include <stddef.h>

#include "sessiond/loop.h"

#define RESOLVER_THREADS	2
#define RESOLVER_TTL_MS		60000
#define RESOLVER_ADDRS_MAX	8

struct resolver_result {
	int		 err;		/* 0, or an EAI_* code */
	int		 sys_errno;	/* errno, for EAI_SYSTEM */
	size_t		 n;
	struct sockaddr_storage addr[RESOLVER_ADDRS_MAX];
	socklen_t	 len[RESOLVER_ADDRS_MAX];
};

/* Called on the loop with the result (borrowed for the call). */
typedef void (*resolver_cb)(void *arg, const struct resolver_result *res);

struct resolver;
struct resolver_query;

/* NULL with a message in err. */
struct resolver *resolver_new(struct loop *loop, char *err, size_t errlen);
/*
 * Stops the threads (waiting for lookups under way) and frees; queries
 * not yet answered are dropped without an answer.  NULL is a no-op.
 */
void resolver_free(struct resolver *r);

/*
 * Resolves host and port (numeric) for a TCP connection; the answer
 * comes through cb from the loop, never from inside this call.  Returns
 * the query (valid until its answer or resolver_cancel), or NULL when
 * out of memory.
 */
struct resolver_query *resolver_lookup(struct resolver *r, const char *host,
    const char *port, resolver_cb cb, void *arg);
/* Abandons q: its answer is not delivered.  NULL is a no-op. */
void resolver_cancel(struct resolver_query *q);

#endif
