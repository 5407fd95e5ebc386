/* Unit tests of src/wa's transport layers: wa_frame, wa_ws, wa_noise. */
#include <check.h>
#include <string.h>

#include "wa/wa_frame.h"
#include "wa/wa_noise.h"
#include "wa/wa_ws.h"

START_TEST(test_frame_encode)
{
	struct wa_buf b = { NULL, 0, 0, 0 };

	ck_assert(wa_frame_encode(&b, "abc", 3, 1) == 0);
	ck_assert(b.len == 10 && memcmp(b.p, "WA\x06\x03\x00\x00\x03" "abc", 10) == 0);
	ck_assert(wa_frame_encode(&b, "x", 1, 0) == 0);
	ck_assert(b.len == 14 && memcmp(b.p + 10, "\x00\x00\x01x", 4) == 0);
	ck_assert(wa_frame_encode(&b, "x", WA_FRAME_MAX + 1, 0) == -1);
	ck_assert(b.len == 14);
	wa_buf_free(&b);
}
END_TEST

/* Three frames (one empty) fed one byte at a time come out whole. */
START_TEST(test_frame_reassembly)
{
	static const unsigned char in[] = "\x00\x00\x02hi\x00\x00\x00\x00\x00\x03" "abc";
	struct wa_frame_rd rd;
	const unsigned char *p;
	size_t len, i, got = 0;
	int r;

	wa_frame_rd_init(&rd, 16);
	for (i = 0; i < sizeof(in) - 1; i++) {
		ck_assert(wa_frame_rd_feed(&rd, in + i, 1) == 0);
		while ((r = wa_frame_rd_next(&rd, &p, &len)) == 1) {
			ck_assert(len == (got == 0 ? 2u : got == 1 ? 0u : 3u));
			got++;
		}
		ck_assert(r == 0);
	}
	ck_assert(got == 3 && wa_frame_rd_pending(&rd) == 0);
	/* A length over the limit poisons the stream. */
	ck_assert(wa_frame_rd_feed(&rd, "\x00\x00\x11", 3) == 0);
	ck_assert(wa_frame_rd_next(&rd, &p, &len) == -1);
	wa_frame_rd_free(&rd);
}
END_TEST

/*
 * Regression (found by the wa_frame fuzzer): asking a reader that was
 * never fed for a frame did arithmetic on its NULL buffer (UBSan:
 * null pointer plus zero).  Both readers must just say "not yet".
 */
START_TEST(test_readers_never_fed)
{
	const unsigned char *p;
	struct wa_frame_rd rd;
	struct wa_ws_rd ws;
	enum wa_ws_op op;
	size_t len;

	wa_frame_rd_init(&rd, 16);
	ck_assert(wa_frame_rd_next(&rd, &p, &len) == 0);
	ck_assert(wa_frame_rd_pending(&rd) == 0);
	wa_frame_rd_free(&rd);
	wa_ws_rd_init(&ws, 16);
	ck_assert(wa_ws_rd_next(&ws, &op, &p, &len) == 0);
	wa_ws_rd_free(&ws);
}
END_TEST

/* RFC 6455 section 1.3's example key and accept value. */
START_TEST(test_ws_accept)
{
	const char *key = "dGhlIHNhbXBsZSBub25jZQ==";
	const char *ok = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
	    "Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n";
	const char *bad = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
	    "Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOp=\r\n";
	const char *ext = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
	    "Connection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
	    "Sec-WebSocket-Extensions: permessage-deflate\r\n";
	const char *no = "HTTP/1.1 403 Forbidden\r\n";
	struct wa_buf b = { NULL, 0, 0, 0 };
	char k[WA_WS_KEY_LEN + 1];

	ck_assert(wa_ws_check_response(ok, strlen(ok), key) == 0);
	ck_assert(wa_ws_check_response(bad, strlen(bad), key) == -1);
	ck_assert(wa_ws_check_response(ext, strlen(ext), key) == -1);
	ck_assert(wa_ws_check_response(no, strlen(no), key) == -1);
	ck_assert(wa_ws_request(&b, "h", "/ws/chat", "https://o", k) == 0);
	ck_assert(strlen(k) == WA_WS_KEY_LEN);
	ck_assert(wa_ws_request(&b, "h", "/a\r\nX: y", NULL, k) == -1);
	wa_buf_free(&b);
}
END_TEST

START_TEST(test_ws_frames)
{
	struct wa_ws_rd rd;
	struct wa_buf b = { NULL, 0, 0, 0 };
	const unsigned char *p;
	enum wa_ws_op op;
	size_t len;
	unsigned char big[300];

	/* Our frames are masked: the 2nd byte has the mask bit, 4-byte key. */
	memset(big, 7, sizeof(big));
	ck_assert(wa_ws_frame(&b, WA_WS_BINARY, big, sizeof(big)) == 0);
	ck_assert(b.p[0] == 0x82 && b.p[1] == (0x80 | 126) && b.len == 4 + 4 + 300);
	wa_buf_free(&b);

	wa_ws_rd_init(&rd, 1000);
	/* Fragmented binary message with a ping in the middle. */
	ck_assert(wa_ws_rd_feed(&rd, "\x02\x02" "ab" "\x89\x01!" "\x80\x01" "c", 10) == 0);
	ck_assert(wa_ws_rd_next(&rd, &op, &p, &len) == 1 && op == WA_WS_PING && len == 1);
	ck_assert(wa_ws_rd_next(&rd, &op, &p, &len) == 1 && op == WA_WS_BINARY &&
	    len == 3 && memcmp(p, "abc", 3) == 0);
	ck_assert(wa_ws_rd_next(&rd, &op, &p, &len) == 0);
	wa_ws_rd_free(&rd);

	/* Violations: masked server frame, RSV bit, long control frame,
	 * continuation without a start, over the size limit. */
	{
		static const struct { const char *in; size_t len; } bad[] = {
			{ "\x82\x81\x00\x00\x00\x00x", 7 },
			{ "\xc2\x00", 2 },
			{ "\x89\x7e\x00\x80", 4 },
			{ "\x80\x00", 2 },
			{ "\x82\x7f\x00\x00\x00\x01\x00\x00\x00\x00", 10 },
			{ "\x83\x00", 2 },
		};
		size_t i;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			wa_ws_rd_init(&rd, 1000);
			ck_assert(wa_ws_rd_feed(&rd, bad[i].in, bad[i].len) == 0);
			ck_assert_msg(wa_ws_rd_next(&rd, &op, &p, &len) == -1, "case %zu", i);
			wa_ws_rd_free(&rd);
		}
	}
}
END_TEST

START_TEST(test_noise_states)
{
	struct wa_noise ns;
	struct wa_noise_trust trust;
	struct wa_keypair e;
	struct wa_buf b = { NULL, 0, 0, 0 };
	unsigned char priv[32];

	memset(priv, 9, sizeof(priv));
	ck_assert(wa_curve_from_private(priv, &e) == 0);
	wa_noise_trust_default(&trust);
	ck_assert(wa_noise_init(&ns, &e) == 0);
	/* Out of order. */
	ck_assert(wa_noise_server_hello(&ns, (const unsigned char *)"", 0,
	    &trust) == WA_NOISE_ESTATE);
	ck_assert(wa_noise_encrypt(&ns, "x", 1, &b) == -1);
	/* HandshakeMessage{clientHello{ephemeral}}: 12 22 0a 20 <32 bytes>. */
	ck_assert(wa_noise_client_hello(&ns, &b) == 0);
	ck_assert(b.len == 36 && memcmp(b.p, "\x12\x22\x0a\x20", 4) == 0 &&
	    memcmp(b.p + 4, e.pub, 32) == 0);
	ck_assert(wa_noise_client_hello(&ns, &b) == -1);
	/* A server hello without a static key, then the state is dead. */
	ck_assert(wa_noise_server_hello(&ns, b.p, b.len, &trust) ==
	    WA_NOISE_EMALFORMED);
	ck_assert(wa_noise_server_hello(&ns, b.p, b.len, &trust) ==
	    WA_NOISE_ESTATE);
	wa_noise_clear(&ns);
	wa_buf_free(&b);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("wa_transport");
	TCase *tc = tcase_create("layers");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_frame_encode);
	tcase_add_test(tc, test_frame_reassembly);
	tcase_add_test(tc, test_readers_never_fed);
	tcase_add_test(tc, test_ws_accept);
	tcase_add_test(tc, test_ws_frames);
	tcase_add_test(tc, test_noise_states);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
