/*
 * Unit tests of wa_stream, the I/O-free connection: against the test
 * server (tests/unit/wa_server.c) and against bytes made by hand.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "wa/wa_stream.h"

#include "wa_server.h"

static struct wa_keypair noise;

static void
cfg_for(struct wa_stream_cfg *cfg, const struct wa_server *s)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->host = "web.whatsapp.com";
	cfg->path = "/ws/chat";
	cfg->origin = "https://web.whatsapp.com";
	if (s != NULL)
		wa_server_trust(s, &cfg->trust);
	else
		wa_noise_trust_default(&cfg->trust);
	wa_curve_generate(&noise);
	cfg->noise_key = &noise;
	cfg->payload = "\x08\x01";	/* username 1 */
	cfg->payload_len = 2;
}

static void
pump(struct wa_stream *st, struct wa_server *s)
{
	const unsigned char *p;
	struct wa_node *n;
	size_t len;
	int moved;

	do {
		moved = 0;
		if ((p = wa_stream_output(st, &len)) != NULL) {
			wa_server_input(s, p, len);
			wa_stream_consume(st, len);
			moved = 1;
		}
		if ((p = wa_server_output(s, &len)) != NULL) {
			ck_assert_int_eq(wa_stream_input(st, p, len), 0);
			wa_server_consume(s, len);
			ck_assert_msg(wa_stream_next(st, &n) != -1, "%s",
			    wa_stream_strerror(wa_stream_error(st)));
			moved = 1;
		}
	} while (moved);
}

START_TEST(test_roundtrip)
{
	struct wa_stream st;
	struct wa_stream_cfg cfg;
	struct wa_server *s = wa_server_new(1790000000, WA_SERVER_CERT_OK);
	struct wa_node *n, *back = NULL;

	memset(&st, 0, sizeof(st));
	cfg_for(&cfg, s);
	ck_assert_int_eq(wa_stream_send(&st, NULL), -1);
	ck_assert_int_eq(wa_stream_start(&st, &cfg), 0);
	n = wa_node_new("ping");
	ck_assert_int_eq(wa_stream_send(&st, n), -1);	/* not ready */
	pump(&st, s);
	ck_assert(wa_stream_ready(&st));
	ck_assert_ptr_nonnull(wa_server_payload(s));
	ck_assert_uint_eq(wa_server_payload(s)->username.v, 1);
	ck_assert(memcmp(wa_server_client_static(s), noise.pub, 32) == 0);
	/* Both directions. */
	ck_assert_int_eq(wa_stream_send(&st, n), 0);
	pump(&st, s);
	ck_assert_int_eq(wa_server_next(s, &back), 1);
	ck_assert(wa_node_is(back, "ping"));
	wa_node_free(back);
	ck_assert_int_eq(wa_server_send(s, n), 0);
	{
		const unsigned char *p;
		size_t len;

		p = wa_server_output(s, &len);
		/* Byte by byte: reassembly across every boundary. */
		while (len > 0) {
			ck_assert_int_eq(wa_stream_input(&st, p, 1), 0);
			wa_server_consume(s, 1);
			p = wa_server_output(s, &len);
			if (len > 0)
				ck_assert_int_eq(wa_stream_next(&st, &back), 0);
		}
	}
	ck_assert_int_eq(wa_stream_next(&st, &back), 1);
	ck_assert(wa_node_is(back, "ping"));
	wa_node_free(back);
	/* Idle: the buffers are gone. */
	wa_stream_trim(&st);
	ck_assert_uint_eq(wa_stream_buffered(&st), 0);
	/* A node too deep to encode leaves the stream usable. */
	{
		struct wa_node *deep = wa_node_new("a"), *k = deep;
		int i;

		for (i = 0; i < 70; i++)
			k = wa_node_add_new(k, "a");
		ck_assert_int_eq(wa_stream_send(&st, deep), -1);
		ck_assert(wa_stream_ready(&st));
		wa_node_free(deep);
	}
	/* Garbage from the server kills it for good. */
	ck_assert_int_eq(wa_server_send_raw(s, "\x00\x01", 2), 0);
	{
		const unsigned char *p;
		size_t len;

		p = wa_server_output(s, &len);
		ck_assert_int_eq(wa_stream_input(&st, p, len), 0);
	}
	ck_assert_int_eq(wa_stream_next(&st, &back), -1);
	ck_assert_int_eq(wa_stream_error(&st), WA_STREAM_EPROTO);
	ck_assert_int_eq(wa_stream_next(&st, &back), -1);
	ck_assert_int_eq(wa_stream_input(&st, "x", 1), -1);
	ck_assert_str_eq(wa_stream_strerror(WA_STREAM_EPROTO),
	    "protocol violation");
	wa_node_free(n);
	wa_stream_free(&st);
	wa_server_free(s);
}
END_TEST

/* The upgrade request's key, for a well-formed 101. */
static void
accept_for(const struct wa_stream *st, char *resp, size_t n, const char *extra)
{
	snprintf(resp, n, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: "
	    "websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: %s\r\n"
	    "%s\r\n", "AAAA", extra);
	(void)st;
}

START_TEST(test_bad_bytes)
{
	static const struct {
		int		 line;
		const char	*in;
		size_t		 len;
		enum wa_stream_err want;
	} cases[] = {
		{ __LINE__, "HTTP/1.1 403 Forbidden\r\n\r\n", 26, WA_STREAM_EUPGRADE },
		{ __LINE__, "HTTP/1.1 101 Switching Protocols\r\n\r\n", 36,
		    WA_STREAM_EUPGRADE },
	};
	struct wa_stream st;
	struct wa_stream_cfg cfg;
	struct wa_node *n;
	char resp[512], big[WA_STREAM_HEAD_MAX + 10];
	size_t i;

	memset(&st, 0, sizeof(st));
	cfg_for(&cfg, NULL);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(wa_stream_start(&st, &cfg), 0);
		ck_assert_int_eq(wa_stream_input(&st, cases[i].in, cases[i].len), 0);
		ck_assert_msg(wa_stream_next(&st, &n) == -1 &&
		    wa_stream_error(&st) == cases[i].want, "line %d",
		    cases[i].line);
	}
	/* A wrong accept key. */
	ck_assert_int_eq(wa_stream_start(&st, &cfg), 0);
	accept_for(&st, resp, sizeof(resp), "");
	wa_stream_input(&st, resp, strlen(resp));
	ck_assert_int_eq(wa_stream_next(&st, &n), -1);
	ck_assert_int_eq(wa_stream_error(&st), WA_STREAM_EUPGRADE);
	/* A head that never ends. */
	ck_assert_int_eq(wa_stream_start(&st, &cfg), 0);
	memset(big, 'a', sizeof(big));
	wa_stream_input(&st, big, sizeof(big));
	ck_assert_int_eq(wa_stream_next(&st, &n), -1);
	ck_assert_int_eq(wa_stream_error(&st), WA_STREAM_EUPGRADE);
	/* Incomplete: more needed, nothing queued yet. */
	ck_assert_int_eq(wa_stream_start(&st, &cfg), 0);
	wa_stream_consume(&st, 1 << 20);
	wa_stream_input(&st, "HTTP/1.1 101", 12);
	ck_assert_int_eq(wa_stream_next(&st, &n), 0);
	ck_assert_int_eq(wa_stream_send_close(&st), -1);	/* not upgraded */
	/* A bad host or path is refused at start. */
	cfg.path = "/ws chat";
	ck_assert_int_eq(wa_stream_start(&st, &cfg), -1);
	wa_stream_free(&st);
}
END_TEST

/* WebSocket control frames after the handshake. */
START_TEST(test_control_frames)
{
	struct wa_stream st;
	struct wa_stream_cfg cfg;
	struct wa_server *s = wa_server_new(1790000000, WA_SERVER_CERT_OK);
	struct wa_node *n;
	const unsigned char *out;
	size_t len;

	memset(&st, 0, sizeof(st));
	cfg_for(&cfg, s);
	ck_assert_int_eq(wa_stream_start(&st, &cfg), 0);
	pump(&st, s);
	ck_assert(wa_stream_ready(&st));
	/* A ping is answered with a masked pong carrying its payload. */
	ck_assert_int_eq(wa_stream_input(&st, "\x89\x02hi", 4), 0);
	ck_assert_int_eq(wa_stream_next(&st, &n), 0);
	out = wa_stream_output(&st, &len);
	ck_assert(len == 8 && out[0] == 0x8a && out[1] == 0x82 &&
	    (out[6] ^ out[2]) == 'h' && (out[7] ^ out[3]) == 'i');
	wa_stream_consume(&st, len);
	/* A pong is ignored; a text frame is not WhatsApp. */
	ck_assert_int_eq(wa_stream_input(&st, "\x8a\x00", 2), 0);
	ck_assert_int_eq(wa_stream_next(&st, &n), 0);
	ck_assert_int_eq(wa_stream_input(&st, "\x81\x01x", 3), 0);
	ck_assert_int_eq(wa_stream_next(&st, &n), -1);
	ck_assert_int_eq(wa_stream_error(&st), WA_STREAM_EPROTO);
	wa_stream_free(&st);
	/* A close frame. */
	wa_server_reconnect(s);
	ck_assert_int_eq(wa_stream_start(&st, &cfg), 0);
	pump(&st, s);
	ck_assert_int_eq(wa_stream_input(&st, "\x88\x00", 2), 0);
	ck_assert_int_eq(wa_stream_next(&st, &n), -1);
	ck_assert_int_eq(wa_stream_error(&st), WA_STREAM_ECLOSED);
	/* Stopped: only the queued close is left. */
	ck_assert_int_eq(wa_stream_send_close(&st), 0);
	wa_stream_stop(&st);
	ck_assert_ptr_nonnull(wa_stream_output(&st, &len));
	ck_assert_uint_eq(len, 8);
	wa_stream_free(&st);
	wa_server_free(s);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("wa_stream");
	TCase *tc = tcase_create("stream");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_bad_bytes);
	tcase_add_test(tc, test_control_frames);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
