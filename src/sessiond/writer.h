/*
 * writer: the daemon's database writes, on a thread of their own, so that
 * a database another process holds locked never stalls the event loop.
 *
 * A job is a function run on the writer thread inside a transaction (with
 * a savepoint of its own, so a failing job undoes only itself) and a
 * completion run later on the loop.  Jobs run in the order they were
 * submitted; queued jobs share a transaction.  The writer has its own
 * SQLite connection; the loop keeps a reader for what it looks up.
 */
#ifndef WAGW_SESSIOND_WRITER_H
#define WAGW_SESSIOND_WRITER_H

#include "common/store.h"
#include "sessiond/loop.h"

/* A job's function may return this: commit what it did, call it again. */
#define WRITER_AGAIN	(-100)

/* Runs on the writer thread: a STORE_* code, or WRITER_AGAIN. */
typedef int (*writer_fn)(struct store *st, void *arg);
/*
 * Runs on the loop once the job is done, with its result (STORE_OK once
 * committed); it owns arg and frees it.
 */
typedef void (*writer_done)(void *arg, int rc);

enum writer_mode {
	WRITER_RETRY,	/* a busy database is waited out: the job always runs */
	WRITER_BOUNDED	/* a database busy past one busy timeout fails the job
			 * with STORE_BUSY (a client waits for the answer) */
};

struct writer;

/*
 * Opens a writer connection to path (busy_ms bounds one wait for the
 * lock) and starts the thread; completions come through loop.  NULL with
 * a message in err.
 */
struct writer *writer_new(const char *path, int busy_ms, struct loop *loop,
    char *err, size_t errlen);

/* Queues a job.  0, or -1 when out of memory (nothing runs; arg is the caller's). */
int writer_submit(struct writer *w, enum writer_mode mode, writer_fn fn,
    writer_done done, void *arg);

/* Jobs submitted and not yet completed. */
size_t writer_pending(const struct writer *w);

/*
 * Runs every queued job, calls their completions, stops the thread and
 * frees the writer (shutdown; the loop no longer runs).  NULL is a no-op.
 */
void writer_free(struct writer *w);

#endif
