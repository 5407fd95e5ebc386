/*
 * Keeping the search index merged.  FTS5 adds a segment to the trigram
 * index for every transaction that stores contacts, and merges them only
 * level by level (18 segments for 100,000 contacts stored as a daemon
 * stores them); a search looks each of its trigrams up in every segment.
 * Merged into one, a search does ~40% less work (bench/README.md).
 *
 * A second after start (for what an earlier run, or an older version,
 * left behind), and once contacts have stopped arriving for
 * TIDY_QUIET_MS (or have kept arriving for TIDY_MAX_WAIT_MS), the writer
 * merges the whole index in steps of TIDY_PAGES leaf pages, each its own
 * commit, so other writes go on between them: ~7 steps and 80 ms of the
 * writer's time per 100,000 contacts.  A shutdown ends a pass between
 * steps.
 */
#include <stdatomic.h>
#include <stdlib.h>

#include "common/clock.h"
#include "common/log.h"
#include "sessiond/daemon_impl.h"

#define TIDY_START_MS		1000
#define TIDY_QUIET_MS		30000
#define TIDY_MAX_WAIT_MS	600000
#define TIDY_PAGES		200

struct tidy_job {
	struct daemon	*d;
	int		 started;	/* writer thread only */
	atomic_int	 stop;		/* set by the loop at shutdown */
};

/* On the writer thread. */
static int
tidy_step(struct store *st, void *arg)
{
	struct tidy_job *j = arg;
	int done, rc;

	if (atomic_load(&j->stop))
		return STORE_OK;
	if ((rc = store_search_tidy(st, TIDY_PAGES, !j->started, &done)) != STORE_OK)
		return rc;
	j->started = 1;
	return done ? STORE_OK : WRITER_AGAIN;
}

static void tidy_timer(void *arg);

static void
tidy_arm(struct daemon *d, int64_t ms)
{
	if (d->tidy_timer == NULL)
		d->tidy_timer = loop_timer_add(d->loop, ms, tidy_timer, d);
}

static void
tidy_done(void *arg, int rc)
{
	struct tidy_job *j = arg;
	struct daemon *d = j->d;

	if (rc != STORE_OK)
		log_warnx("merging the search index: %s", store_rc_str(rc));
	d->tidy_job = NULL;
	free(j);
	/* Contacts came while it ran: another pass after them. */
	if (d->tidy_first_ms != 0 && !d->draining)
		tidy_arm(d, TIDY_QUIET_MS);
}

/* Queues a pass; contacts noted from now on call for the next one. */
static void
tidy_run(struct daemon *d)
{
	struct tidy_job *j;

	if ((j = calloc(1, sizeof(*j))) == NULL) {
		tidy_arm(d, TIDY_QUIET_MS);
		return;
	}
	j->d = d;
	atomic_init(&j->stop, 0);
	d->tidy_first_ms = 0;
	d->tidy_job = j;
	daemon_write(d, tidy_step, tidy_done, j);
}

static void
tidy_timer(void *arg)
{
	struct daemon *d = arg;
	int64_t now = clock_mono_ms(), wait = d->tidy_last_ms + TIDY_QUIET_MS - now;

	d->tidy_timer = NULL;
	if (wait > 0 && now - d->tidy_first_ms < TIDY_MAX_WAIT_MS) {
		tidy_arm(d, wait);
		return;
	}
	tidy_run(d);
}

static void
tidy_start_timer(void *arg)
{
	struct daemon *d = arg;

	d->tidy_timer = NULL;
	if (d->tidy_job == NULL)
		tidy_run(d);
}

void
tidy_note(struct daemon *d)
{
	int64_t now = clock_mono_ms();

	d->tidy_last_ms = now;
	if (d->tidy_first_ms == 0)
		d->tidy_first_ms = now;
	if (d->tidy_job == NULL)
		tidy_arm(d, TIDY_QUIET_MS);
}

void
tidy_start(struct daemon *d)
{
	/* Before any quiet wait the sessions' first writes began. */
	loop_timer_cancel(d->tidy_timer);
	d->tidy_timer = loop_timer_add(d->loop, TIDY_START_MS, tidy_start_timer, d);
}

void
tidy_stop(struct daemon *d)
{
	loop_timer_cancel(d->tidy_timer);
	d->tidy_timer = NULL;
	if (d->tidy_job != NULL)
		atomic_store(&d->tidy_job->stop, 1);
}
