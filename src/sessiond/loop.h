/*
 * loop: the daemon's one event loop (epoll): file descriptor events and
 * one-shot timers on the monotonic clock.  Single-threaded; callbacks run
 * from loop_run and may add or remove any event, their own included.
 */
#ifndef WAGW_SESSIOND_LOOP_H
#define WAGW_SESSIOND_LOOP_H

#include <stdint.h>

#define LOOP_READ	0x1
#define LOOP_WRITE	0x2
#define LOOP_ERROR	0x4	/* hang-up or error; always reported */

struct loop;
struct loop_io;
struct loop_timer;

typedef void (*loop_io_cb)(struct loop_io *io, int events, void *arg);
typedef void (*loop_timer_cb)(void *arg);

/* NULL on failure (logged). */
struct loop *loop_new(void);
/* Frees the loop; ios and timers still registered are freed too (fds stay open). */
void loop_free(struct loop *l);

/* Watches fd (borrowed; the caller closes it after loop_io_del). NULL on error. */
struct loop_io *loop_io_add(struct loop *l, int fd, int events, loop_io_cb cb, void *arg);
int loop_io_mod(struct loop_io *io, int events);
/* Stops watching; io is freed once the current dispatch round ends.  NULL is a no-op. */
void loop_io_del(struct loop_io *io);

/*
 * Calls cb(arg) once, after ms milliseconds (0: on the next round).  The
 * handle is valid until the callback starts or loop_timer_cancel.
 */
struct loop_timer *loop_timer_add(struct loop *l, int64_t ms, loop_timer_cb cb, void *arg);
/* Cancels and frees t; NULL is a no-op. */
void loop_timer_cancel(struct loop_timer *t);

/* Runs until loop_stop.  Returns 0, or -1 on an epoll failure (logged). */
int loop_run(struct loop *l);
void loop_stop(struct loop *l);

#endif
