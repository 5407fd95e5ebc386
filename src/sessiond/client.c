/*
 * Connections from wagw.fcgi and wagw-admin.  Sockets are non-blocking
 * and each connection has its own buffers, so a slow or broken client
 * never holds up the others.  A frame's header is checked before its
 * payload is read; a broken frame gets an error reply and closes that
 * connection only.
 *
 * No client can hold the daemon's connections: one without a request in
 * flight is closed after CLIENT_IDLE_MS (CLIENT_PARTIAL_MS when it has
 * sent half a frame), and when every slot or descriptor is taken the
 * connection idle the longest makes room for the new one.  Clients are
 * kept in order of activity, so both are cheap.  A client of ours
 * (sessiond_client) reconnects when its kept connection was closed.
 */
#include <sys/resource.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/log.h"
#include "ipc/ipc_frame.h"
#include "sessiond/daemon_impl.h"

static void client_io(struct loop_io *io, int events, void *arg);

static void
client_free(struct client *c)
{
	free(c->rbuf);
	free(c->wbuf);
	free(c);
}

static void
client_unlink(struct client *c)
{
	struct daemon *d = c->d;

	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		d->clients = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	else
		d->clients_tail = c->prev;
	c->prev = c->next = NULL;
}

/* c was active now: it goes to the front. */
static void
client_touch(struct client *c)
{
	struct daemon *d = c->d;

	c->active_ms = clock_mono_ms();
	if (d->clients == c)
		return;
	client_unlink(c);
	c->next = d->clients;
	if (c->next != NULL)
		c->next->prev = c;
	else
		d->clients_tail = c;
	d->clients = c;
}

/* Closes the connection now; c lives on while requests still refer to it. */
static void
client_drop(struct client *c)
{
	if (c->dead)
		return;
	loop_io_del(c->io);
	close(c->fd);
	c->io = NULL;
	c->fd = -1;
	c->dead = 1;
	c->d->nclients--;
	client_unlink(c);
	if (c->refs == 0 && !c->busy)
		client_free(c);
}

/* Nonzero when c has no request in flight (it may still owe a reply). */
static int
client_idle(const struct client *c)
{
	return c->refs == 0 && !c->busy && c->woff == c->wlen;
}

/* Closes the connection idle the longest.  Returns 0, or -1 when none is. */
static int
client_evict(struct daemon *d)
{
	struct client *c;

	for (c = d->clients_tail; c != NULL; c = c->prev)
		if (client_idle(c)) {
			client_drop(c);
			return 0;
		}
	return -1;
}

static void
client_sweep(void *arg)
{
	struct daemon *d = arg;
	struct client *c, *prev;
	int64_t now = clock_mono_ms();
	size_t n = 0;

	d->client_sweep = NULL;
	/* From the least recently active, as far as anyone can be due. */
	for (c = d->clients_tail; c != NULL &&
	    now - c->active_ms >= CLIENT_PARTIAL_MS; c = prev) {
		prev = c->prev;
		if (client_idle(c) && now - c->active_ms >=
		    (c->rlen > 0 ? CLIENT_PARTIAL_MS : CLIENT_IDLE_MS)) {
			client_drop(c);
			n++;
		}
	}
	if (n > 0)
		log_debug("client: closed %zu idle connections", n);
	d->client_sweep = loop_timer_add(d->loop, CLIENT_SWEEP_MS, client_sweep, d);
}

int
client_sweep_start(struct daemon *d)
{
	d->client_sweep = loop_timer_add(d->loop, CLIENT_SWEEP_MS, client_sweep, d);
	return d->client_sweep != NULL ? 0 : -1;
}

size_t
client_max(void)
{
	struct rlimit rl;
	rlim_t n;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 || rl.rlim_cur == RLIM_INFINITY)
		return CLIENTS_CAP;
	/* The soft limit (1024 by default) is ours to raise up to the hard one. */
	if (rl.rlim_cur < rl.rlim_max && rl.rlim_cur < CLIENTS_NOFILE_WANT) {
		rl.rlim_cur = rl.rlim_max < CLIENTS_NOFILE_WANT ? rl.rlim_max :
		    CLIENTS_NOFILE_WANT;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	/* Half the descriptors: the links, the database and the rest need theirs. */
	n = rl.rlim_cur / 2;
	return n > CLIENTS_CAP ? CLIENTS_CAP : n < CLIENTS_MIN ? CLIENTS_MIN : (size_t)n;
}

void
client_unref(struct client *c)
{
	c->refs--;
	if (c->dead && c->refs == 0 && !c->busy)
		client_free(c);
}

static void
client_interest(struct client *c)
{
	int ev = 0;

	if (c->dead)
		return;
	if (!c->closing && c->wlen - c->woff < CLIENT_WBUF_HIGH)
		ev |= LOOP_READ;
	if (c->wlen > c->woff)
		ev |= LOOP_WRITE;
	if (ev != c->events && loop_io_mod(c->io, ev) == 0)
		c->events = ev;
}

static void
client_flush(struct client *c)
{
	ssize_t n;

	while (c->woff < c->wlen) {
		n = send(c->fd, c->wbuf + c->woff, c->wlen - c->woff, MSG_NOSIGNAL);
		if (n > 0) {
			c->woff += (size_t)n;
			client_touch(c);
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == EAGAIN)
			break;
		client_drop(c);		/* the peer went away */
		return;
	}
	if (c->woff == c->wlen) {
		c->woff = c->wlen = 0;
		if (c->closing) {
			client_drop(c);
			return;
		}
	}
	client_interest(c);
}

void
client_send(struct client *c, const unsigned char *buf, size_t len)
{
	unsigned char *nb;
	size_t need, cap;

	if (c->dead)
		return;
	if (c->woff > 0 && c->woff == c->wlen)
		c->woff = c->wlen = 0;
	need = c->wlen + len;
	if (need > c->wcap) {
		if (c->woff > 0) {
			memmove(c->wbuf, c->wbuf + c->woff, c->wlen - c->woff);
			c->wlen -= c->woff;
			c->woff = 0;
			need = c->wlen + len;
		}
		for (cap = c->wcap ? c->wcap : 4096; cap < need; cap *= 2)
			;
		if (need > c->wcap) {
			if ((nb = realloc(c->wbuf, cap)) == NULL) {
				log_warnx("client: out of memory for a reply");
				client_drop(c);
				return;
			}
			c->wbuf = nb;
			c->wcap = cap;
		}
	}
	memcpy(c->wbuf + c->wlen, buf, len);
	c->wlen += len;
	client_flush(c);
}

/* Handles every whole frame in rbuf.  -1 when c was dropped or is closing. */
static int
client_frames(struct client *c)
{
	size_t off = 0, plen;
	int type, rc;

	while (!c->dead && !c->closing) {
		rc = ipc_frame_parse(c->rbuf + off, c->rlen - off, &type, &plen);
		if (rc == IPC_FRAME_SHORT)
			break;
		if (rc != IPC_FRAME_OK || type != IPC_TYPE_REQUEST) {
			request_frame_error(c, rc == IPC_FRAME_TOO_LARGE ?
			    IPC_ERR_TOO_LARGE : rc == IPC_FRAME_VERSION ?
			    IPC_ERR_VERSION : IPC_ERR_BAD_REQUEST,
			    rc == IPC_FRAME_OK ? "not a request" : ipc_frame_rc_str(rc));
			break;
		}
		if (c->rlen - off < IPC_HEADER_LEN + plen) {
			/* Make room for the whole frame, whose size is now checked. */
			if (c->rcap < IPC_HEADER_LEN + plen) {
				unsigned char *nb;

				memmove(c->rbuf, c->rbuf + off, c->rlen - off);
				c->rlen -= off;
				off = 0;
				if ((nb = realloc(c->rbuf, IPC_HEADER_LEN + plen)) == NULL) {
					log_warnx("client: out of memory for a request");
					client_drop(c);
					return -1;
				}
				c->rbuf = nb;
				c->rcap = IPC_HEADER_LEN + plen;
			}
			break;
		}
		request_handle(c, (char *)c->rbuf + off + IPC_HEADER_LEN, plen);
		off += IPC_HEADER_LEN + plen;
	}
	if (c->dead)
		return -1;
	memmove(c->rbuf, c->rbuf + off, c->rlen - off);
	c->rlen -= off;
	return c->closing ? -1 : 0;
}

/*
 * One read per event: a client that keeps sending must not keep the loop
 * here (timers and other clients wait meanwhile); the level-triggered
 * loop comes back for what is left.
 */
static void
client_read(struct client *c)
{
	ssize_t n;

	/* client_frames leaves rlen < rcap: the buffer fits the pending frame. */
	do
		n = recv(c->fd, c->rbuf + c->rlen, c->rcap - c->rlen, 0);
	while (n == -1 && errno == EINTR);
	if (n > 0) {
		c->rlen += (size_t)n;
		client_touch(c);
		if (client_frames(c) == -1)
			return;
	} else if (n == 0 || errno != EAGAIN) {
		client_drop(c);		/* EOF or error: requests finish unseen */
		return;
	}
	client_interest(c);
}

static void
client_io(struct loop_io *io, int events, void *arg)
{
	struct client *c = arg;

	(void)io;
	/* Replies sent meanwhile may drop c: keep it until we are done. */
	c->busy = 1;
	if (events & LOOP_WRITE)
		client_flush(c);
	if (!c->dead && (events & (LOOP_READ | LOOP_ERROR)))
		client_read(c);
	c->busy = 0;
	if (c->dead && c->refs == 0)
		client_free(c);
}

static void
client_accept_again(void *arg)
{
	struct daemon *d = arg;

	d->accept_timer = NULL;
	if (d->lio != NULL)
		(void)loop_io_mod(d->lio, LOOP_READ);
}

/*
 * Out of descriptors (EMFILE, ENFILE): the waiting connection stays
 * queued and the level-triggered loop would call us again at once, so
 * the idle connection of longest standing goes, or else accepting pauses
 * a moment.  An episode is logged once.
 */
static int
client_accept_starved(struct daemon *d)
{
	if (!d->accept_refusing)
		log_warn("accept: out of descriptors with %zu connections; closing "
		    "idle ones, pausing while none is", d->nclients);
	d->accept_refusing = 1;
	if (client_evict(d) == 0)
		return 0;
	if (d->accept_timer == NULL && loop_io_mod(d->lio, 0) == 0)
		d->accept_timer = loop_timer_add(d->loop, ACCEPT_PAUSE_MS,
		    client_accept_again, d);
	return -1;
}

void
client_accept(struct loop_io *io, int events, void *arg)
{
	struct daemon *d = arg;
	struct client *c;
	int fd;

	(void)io;
	(void)events;
	for (;;) {
		fd = accept4(d->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if ((errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM) && client_accept_starved(d) == 0)
				continue;
			if (errno != EAGAIN && errno != EMFILE && errno != ENFILE &&
			    errno != ENOBUFS && errno != ENOMEM)
				log_warn("accept");
			return;
		}
		if (!peer_allowed(d, fd)) {
			close(fd);
			continue;
		}
		/* Full: the connection idle the longest makes room. */
		if (d->nclients >= d->clients_max && client_evict(d) == -1) {
			if (!d->accept_refusing)
				log_warnx("client: %zu connections, all busy; refusing "
				    "new ones", d->nclients);
			d->accept_refusing = 1;
			close(fd);
			continue;
		}
		if ((c = calloc(1, sizeof(*c))) == NULL ||
		    (c->rbuf = malloc(4096)) == NULL) {
			log_warnx("client: out of memory");
			free(c);
			close(fd);
			continue;
		}
		c->d = d;
		c->fd = fd;
		c->rcap = 4096;
		c->events = LOOP_READ;
		if ((c->io = loop_io_add(d->loop, fd, LOOP_READ, client_io, c)) == NULL) {
			client_free(c);
			close(fd);
			continue;
		}
		d->nclients++;
		d->accept_refusing = 0;
		c->next = d->clients;
		if (c->next != NULL)
			c->next->prev = c;
		else
			d->clients_tail = c;
		d->clients = c;
		c->active_ms = clock_mono_ms();
	}
}

void
client_close_all(struct daemon *d)
{
	struct client *c;

	loop_timer_cancel(d->client_sweep);
	d->client_sweep = NULL;
	loop_timer_cancel(d->accept_timer);
	d->accept_timer = NULL;

	while ((c = d->clients) != NULL) {
		c->closing = 1;
		if (c->woff < c->wlen)
			client_flush(c);	/* last replies, if they fit */
		if (d->clients == c)
			client_drop(c);
	}
}
