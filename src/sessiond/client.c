/*
 * Connections from wagw.fcgi and wagw-admin.  Sockets are non-blocking
 * and each connection has its own buffers, so a slow or broken client
 * never holds up the others.  A frame's header is checked before its
 * payload is read; a broken frame gets an error reply and closes that
 * connection only.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		c->d->clients = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	if (c->refs == 0 && !c->busy)
		client_free(c);
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
			if (errno != EAGAIN)
				log_warn("accept");
			return;
		}
		if (d->nclients >= CLIENTS_MAX) {
			log_warnx("client: %d connections already, refusing one",
			    CLIENTS_MAX);
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
		c->next = d->clients;
		if (c->next != NULL)
			c->next->prev = c;
		d->clients = c;
	}
}

void
client_close_all(struct daemon *d)
{
	struct client *c;

	while ((c = d->clients) != NULL) {
		c->closing = 1;
		if (c->woff < c->wlen)
			client_flush(c);	/* last replies, if they fit */
		if (d->clients == c)
			client_drop(c);
	}
}
