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
#include "wa/wa_decode.h"
#include "wa/wa_encode.h"
#include "wa/wa_frame.h"
#include "wa/wa_ws.h"

#define WA_HEAD_MAX	8192	/* the upgrade response head */

struct wa_conn {
	int			 fd;
	SSL_CTX			*ctx;
	SSL			*ssl;
	int			 timeout_ms;
	struct wa_ws_rd		 ws;
	struct wa_frame_rd	 fr;
	struct wa_noise		 ns;
	int			 upgraded;
	int			 sent_prologue;
	struct wa_buf		 out;
	struct wa_buf		 tmp;
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

/* Reads the upgrade response head; extra bytes go to the WS reader. */
static enum wa_conn_err
wa_conn_upgrade(struct wa_conn *c, const struct wa_conn_cfg *cfg)
{
	char key[WA_WS_KEY_LEN + 1], head[WA_HEAD_MAX];
	size_t have = 0, hlen;
	ssize_t r;
	char *end;

	wa_buf_reset(&c->out);
	if (wa_ws_request(&c->out, cfg->host, cfg->path, cfg->origin,
	    key) == -1)
		return WA_CONN_EINTERNAL;
	if (wa_conn_write(c, c->out.p, c->out.len) == -1)
		return WA_CONN_EIO;
	for (;;) {
		if (have == sizeof(head) - 1)
			return WA_CONN_EWS;
		if ((r = wa_conn_read(c, head + have,
		    sizeof(head) - 1 - have)) <= 0)
			return WA_CONN_EIO;
		have += (size_t)r;
		head[have] = '\0';
		if ((end = strstr(head, "\r\n\r\n")) != NULL)
			break;
	}
	hlen = (size_t)(end - head) + 4;
	if (wa_ws_check_response(head, hlen - 2, key) == -1)
		return WA_CONN_EWS;
	if (have > hlen && wa_ws_rd_feed(&c->ws, head + hlen, have - hlen) == -1)
		return WA_CONN_EINTERNAL;
	return WA_CONN_OK;
}

/* Sends one transport frame holding p (already encrypted if due). */
static enum wa_conn_err
wa_conn_send_frame(struct wa_conn *c, const void *p, size_t n)
{
	wa_buf_reset(&c->tmp);
	if (wa_frame_encode(&c->tmp, p, n, !c->sent_prologue) == -1)
		return WA_CONN_EPROTO;
	c->sent_prologue = 1;
	wa_buf_reset(&c->out);
	if (wa_ws_frame(&c->out, WA_WS_BINARY, c->tmp.p, c->tmp.len) == -1)
		return WA_CONN_EINTERNAL;
	return wa_conn_write(c, c->out.p, c->out.len) == -1 ? WA_CONN_EIO :
	    WA_CONN_OK;
}

/* Waits for the next whole frame; *p valid until the next call. */
static enum wa_conn_err
wa_conn_recv_frame(struct wa_conn *c, const unsigned char **p, size_t *n)
{
	unsigned char buf[16384];
	const unsigned char *m;
	enum wa_ws_op op;
	size_t mlen;
	ssize_t r;
	int rc;

	for (;;) {
		if ((rc = wa_frame_rd_next(&c->fr, p, n)) == 1)
			return WA_CONN_OK;
		if (rc == -1)
			return WA_CONN_EPROTO;
		while ((rc = wa_ws_rd_next(&c->ws, &op, &m, &mlen)) == 1) {
			if (op == WA_WS_BINARY) {
				if (wa_frame_rd_feed(&c->fr, m, mlen) == -1)
					return WA_CONN_EINTERNAL;
				break;
			}
			if (op == WA_WS_CLOSE || op == WA_WS_TEXT)
				return op == WA_WS_CLOSE ? WA_CONN_EIO :
				    WA_CONN_EPROTO;
			if (op == WA_WS_PING) {
				wa_buf_reset(&c->out);
				if (wa_ws_frame(&c->out, WA_WS_PONG, m, mlen) ||
				    wa_conn_write(c, c->out.p, c->out.len))
					return WA_CONN_EIO;
			}
		}
		if (rc == -1)
			return WA_CONN_EPROTO;
		if (rc == 1)
			continue;
		if ((r = wa_conn_read(c, buf, sizeof(buf))) <= 0)
			return WA_CONN_EIO;
		if (wa_ws_rd_feed(&c->ws, buf, (size_t)r) == -1)
			return WA_CONN_EINTERNAL;
	}
}

static enum wa_conn_err
wa_conn_handshake(struct wa_conn *c, const struct wa_conn_cfg *cfg)
{
	const unsigned char *p;
	size_t n;
	enum wa_conn_err err;
	enum wa_noise_err ne;

	if (wa_noise_init(&c->ns, cfg->ephemeral) == -1)
		return WA_CONN_EINTERNAL;
	wa_buf_reset(&c->tmp);
	if (wa_noise_client_hello(&c->ns, &c->tmp) == -1)
		return WA_CONN_EINTERNAL;
	{
		struct wa_buf hello = c->tmp;

		memset(&c->tmp, 0, sizeof(c->tmp));
		err = wa_conn_send_frame(c, hello.p, hello.len);
		wa_buf_free(&hello);
	}
	if (err != WA_CONN_OK)
		return err;
	if ((err = wa_conn_recv_frame(c, &p, &n)) != WA_CONN_OK)
		return err;
	ne = wa_noise_server_hello(&c->ns, p, n, &cfg->trust);
	if (ne == WA_NOISE_ECERT)
		return WA_CONN_ECERT;
	if (ne != WA_NOISE_OK)
		return ne == WA_NOISE_EINTERNAL ? WA_CONN_EINTERNAL :
		    WA_CONN_EHANDSHAKE;
	{
		struct wa_buf fin = { NULL, 0, 0, 0 };

		if (wa_noise_client_finish(&c->ns, cfg->noise_key, cfg->payload,
		    cfg->payload_len, &fin) != WA_NOISE_OK) {
			wa_buf_free(&fin);
			return WA_CONN_EINTERNAL;
		}
		err = wa_conn_send_frame(c, fin.p, fin.len);
		wa_buf_free(&fin);
	}
	return err;
}

struct wa_conn *
wa_conn_open(const struct wa_conn_cfg *cfg, enum wa_conn_err *err)
{
	struct wa_conn *c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		*err = WA_CONN_EINTERNAL;
		return NULL;
	}
	c->fd = -1;
	c->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : 20000;
	wa_ws_rd_init(&c->ws, WA_FRAME_MAX + 3 + WA_PROLOGUE_LEN);
	wa_frame_rd_init(&c->fr, WA_FRAME_MAX);
	if ((c->fd = wa_conn_tcp(cfg->host, cfg->port, c->timeout_ms)) == -1) {
		*err = WA_CONN_ECONNECT;
		goto fail;
	}
	if (cfg->tls && wa_conn_tls(c, cfg) == -1) {
		*err = WA_CONN_ETLS;
		goto fail;
	}
	if ((*err = wa_conn_upgrade(c, cfg)) != WA_CONN_OK)
		goto fail;
	c->upgraded = 1;
	if ((*err = wa_conn_handshake(c, cfg)) != WA_CONN_OK)
		goto fail;
	return c;
fail:
	wa_conn_free(c);
	return NULL;
}

enum wa_conn_err
wa_conn_send(struct wa_conn *c, const struct wa_node *n)
{
	struct wa_buf plain = { NULL, 0, 0, 0 };
	enum wa_conn_err err = WA_CONN_EPROTO;

	wa_buf_reset(&c->tmp);
	if (wa_encode_stanza(n, &plain) == -1)
		goto out;
	err = WA_CONN_EINTERNAL;
	if (wa_noise_encrypt(&c->ns, plain.p, plain.len, &c->tmp) == -1)
		goto out;
	{
		struct wa_buf ct = c->tmp;

		memset(&c->tmp, 0, sizeof(c->tmp));
		err = wa_conn_send_frame(c, ct.p, ct.len);
		wa_buf_free(&ct);
	}
out:
	wa_buf_free(&plain);
	return err;
}

enum wa_conn_err
wa_conn_recv(struct wa_conn *c, struct wa_node **out)
{
	const unsigned char *p;
	size_t n;
	enum wa_conn_err err;

	if ((err = wa_conn_recv_frame(c, &p, &n)) != WA_CONN_OK)
		return err;
	wa_buf_reset(&c->tmp);
	if (wa_noise_decrypt(&c->ns, p, n, &c->tmp) == -1)
		return WA_CONN_EDECRYPT;
	if (wa_decode_stanza(c->tmp.p, c->tmp.len, out) == -1)
		return WA_CONN_EPROTO;
	return WA_CONN_OK;
}

void
wa_conn_free(struct wa_conn *c)
{
	if (c == NULL)
		return;
	/* RFC 6455 section 5.5.1: say goodbye (1000, normal), best effort. */
	if (c->upgraded) {
		wa_buf_reset(&c->out);
		if (wa_ws_frame(&c->out, WA_WS_CLOSE, "\x03\xe8", 2) == 0)
			(void)wa_conn_write(c, c->out.p, c->out.len);
	}
	if (c->fd != -1 && c->ssl != NULL) {
		SSL_shutdown(c->ssl);
		ERR_clear_error();
	}
	SSL_free(c->ssl);
	SSL_CTX_free(c->ctx);
	if (c->fd != -1)
		close(c->fd);
	wa_ws_rd_free(&c->ws);
	wa_frame_rd_free(&c->fr);
	wa_noise_clear(&c->ns);
	wa_buf_free(&c->out);
	wa_buf_free(&c->tmp);
	free(c);
}
