#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "wa/wa_conn.h"
#include "wa/wa_stream.h"

struct wa_conn {
	int			 fd;
	SSL_CTX			*ctx;
	SSL			*ssl;
	int			 timeout_ms;
	struct wa_stream	 st;
};

const char *
wa_conn_strerror(enum wa_conn_err err)
{
	static const char *msg[] = {
		"ok", "cannot connect", "TLS failure", "WebSocket upgrade failed",
		"I/O error or timeout", "protocol violation",
		"Noise handshake failed", "server certificate rejected",
		"frame failed authentication", "internal error",
	};

	return (unsigned)err < sizeof(msg) / sizeof(msg[0]) ? msg[err] :
	    "unknown";
}

static int
wa_conn_tcp(const char *host, const char *port, int timeout_ms)
{
	struct addrinfo hints, *res, *ai;
	struct timeval tv;
	int fd = -1, one = 1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -1;
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol)) == -1)
			continue;
		/* SO_SNDTIMEO bounds connect(2) too on Linux. */
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

static int
wa_conn_tls(struct wa_conn *c, const struct wa_conn_cfg *cfg)
{
	if ((c->ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		return -1;
	SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
	if (cfg->ca_file != NULL ?
	    SSL_CTX_load_verify_locations(c->ctx, cfg->ca_file, NULL) != 1 :
	    SSL_CTX_set_default_verify_paths(c->ctx) != 1)
		return -1;
	if ((c->ssl = SSL_new(c->ctx)) == NULL ||
	    SSL_set_fd(c->ssl, c->fd) != 1 ||
	    SSL_set_tlsext_host_name(c->ssl, cfg->host) != 1 ||
	    SSL_set1_host(c->ssl, cfg->host) != 1)
		return -1;
	if (SSL_connect(c->ssl) != 1) {
		ERR_clear_error();
		return -1;
	}
	return 0;
}

static int
wa_conn_write(struct wa_conn *c, const void *p, size_t n)
{
	const unsigned char *b = p;
	ssize_t w;
	size_t done = 0;

	while (done < n) {
		if (c->ssl != NULL) {
			size_t wn;

			if (SSL_write_ex(c->ssl, b + done, n - done, &wn) != 1) {
				ERR_clear_error();
				return -1;
			}
			w = (ssize_t)wn;
		} else if ((w = send(c->fd, b + done, n - done,
		    MSG_NOSIGNAL)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		done += (size_t)w;
	}
	return 0;
}

/* Reads what is there (at least 1 byte); 0 on EOF, -1 on error/timeout. */
static ssize_t
wa_conn_read(struct wa_conn *c, void *p, size_t n)
{
	struct pollfd pfd = { c->fd, POLLIN, 0 };
	ssize_t r;

	if (c->ssl != NULL) {
		size_t rn;

		if (SSL_pending(c->ssl) == 0 &&
		    poll(&pfd, 1, c->timeout_ms) <= 0)
			return -1;
		if (SSL_read_ex(c->ssl, p, n, &rn) != 1) {
			int e = SSL_get_error(c->ssl, 0);

			ERR_clear_error();
			return e == SSL_ERROR_ZERO_RETURN ? 0 : -1;
		}
		return (ssize_t)rn;
	}
	if (poll(&pfd, 1, c->timeout_ms) <= 0)
		return -1;
	do
		r = recv(c->fd, p, n, 0);
	while (r == -1 && errno == EINTR);
	return r;
}

/* Writes what the stream has queued. */
static enum wa_conn_err
wa_conn_flush(struct wa_conn *c)
{
	const unsigned char *p;
	size_t n;

	if ((p = wa_stream_output(&c->st, &n)) == NULL)
		return WA_CONN_OK;
	if (wa_conn_write(c, p, n) == -1)
		return WA_CONN_EIO;
	wa_stream_consume(&c->st, n);
	return WA_CONN_OK;
}

static enum wa_conn_err
wa_conn_stream_err(const struct wa_conn *c)
{
	switch (wa_stream_error(&c->st)) {
	case WA_STREAM_EUPGRADE:	return WA_CONN_EWS;
	case WA_STREAM_EPROTO:		return WA_CONN_EPROTO;
	case WA_STREAM_EHANDSHAKE:	return WA_CONN_EHANDSHAKE;
	case WA_STREAM_ECERT:		return WA_CONN_ECERT;
	case WA_STREAM_EDECRYPT:	return WA_CONN_EDECRYPT;
	case WA_STREAM_ECLOSED:		return WA_CONN_EIO;
	default:			return WA_CONN_EINTERNAL;
	}
}

/*
 * Runs the stream until it yields a node (*out, when out is not NULL) or,
 * with out NULL, until the handshake is done.
 */
static enum wa_conn_err
wa_conn_pump(struct wa_conn *c, struct wa_node **out)
{
	unsigned char buf[16384];
	struct wa_node *n;
	enum wa_conn_err err;
	ssize_t r;
	int rc;

	for (;;) {
		if ((rc = wa_stream_next(&c->st, &n)) == -1)
			return wa_conn_stream_err(c);
		if ((err = wa_conn_flush(c)) != WA_CONN_OK) {
			if (rc == 1)
				wa_node_free(n);
			return err;
		}
		if (rc == 1) {
			if (out == NULL) {	/* no node before the handshake */
				wa_node_free(n);
				return WA_CONN_EPROTO;
			}
			*out = n;
			return WA_CONN_OK;
		}
		if (out == NULL && wa_stream_ready(&c->st))
			return WA_CONN_OK;
		wa_stream_trim(&c->st);
		if ((r = wa_conn_read(c, buf, sizeof(buf))) <= 0)
			return WA_CONN_EIO;
		if (wa_stream_input(&c->st, buf, (size_t)r) == -1)
			return wa_conn_stream_err(c);
	}
}

struct wa_conn *
wa_conn_open(const struct wa_conn_cfg *cfg, enum wa_conn_err *err)
{
	struct wa_stream_cfg sc;
	struct wa_conn *c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		*err = WA_CONN_EINTERNAL;
		return NULL;
	}
	c->fd = -1;
	c->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : 20000;
	memset(&sc, 0, sizeof(sc));
	sc.host = cfg->host;
	sc.path = cfg->path;
	sc.origin = cfg->origin;
	sc.trust = cfg->trust;
	sc.noise_key = cfg->noise_key;
	sc.ephemeral = cfg->ephemeral;
	sc.payload = cfg->payload;
	sc.payload_len = cfg->payload_len;
	if ((c->fd = wa_conn_tcp(cfg->host, cfg->port, c->timeout_ms)) == -1) {
		*err = WA_CONN_ECONNECT;
		goto fail;
	}
	if (cfg->tls && wa_conn_tls(c, cfg) == -1) {
		*err = WA_CONN_ETLS;
		goto fail;
	}
	if (wa_stream_start(&c->st, &sc) == -1) {
		*err = WA_CONN_EINTERNAL;
		goto fail;
	}
	if ((*err = wa_conn_pump(c, NULL)) != WA_CONN_OK)
		goto fail;
	return c;
fail:
	wa_conn_free(c);
	return NULL;
}

enum wa_conn_err
wa_conn_send(struct wa_conn *c, const struct wa_node *n)
{
	if (wa_stream_send(&c->st, n) == -1)
		return wa_stream_error(&c->st) == WA_STREAM_OK ? WA_CONN_EPROTO :
		    wa_conn_stream_err(c);
	return wa_conn_flush(c);
}

enum wa_conn_err
wa_conn_recv(struct wa_conn *c, struct wa_node **out)
{
	return wa_conn_pump(c, out);
}

void
wa_conn_free(struct wa_conn *c)
{
	if (c == NULL)
		return;
	/* RFC 6455 section 5.5.1: say goodbye (1000, normal), best effort. */
	if (c->fd != -1 && wa_stream_send_close(&c->st) == 0)
		(void)wa_conn_flush(c);
	if (c->fd != -1 && c->ssl != NULL) {
		SSL_shutdown(c->ssl);
		ERR_clear_error();
	}
	SSL_free(c->ssl);
	SSL_CTX_free(c->ctx);
	if (c->fd != -1)
		close(c->fd);
	wa_stream_free(&c->st);
	free(c);
}
