/*
 * libFuzzer target: what the server controls in the handshake.  The
 * first byte picks the path:
 *   0 mod 4  the bytes are the server hello the Noise state parses;
 *   2 mod 4  the bytes are the certificate chain, delivered inside a
 *            correctly encrypted server hello (the harness plays the
 *            server with fixed keys), so the chain parser and verifier
 *            see fuzz data;
 *   odd      the bytes are one of the protobuf messages (wa_pb_all).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wa/wa_buf.h"
#include "wa/wa_crypto.h"
#include "wa/wa_noise.h"
#include "wa/wa_pb.h"
#include "wa/wa_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The server's half of the Noise state: h, ck, k and the nonce. */
struct srv {
	unsigned char	h[32], ck[32], k[32];
	uint32_t	n;
};

static void
srv_mix_hash(struct srv *s, const void *p, size_t n)
{
	struct wa_buf b = { NULL, 0, 0, 0 };

	wa_buf_add(&b, s->h, 32);
	wa_buf_add(&b, p, n);
	if (b.err || wa_sha256(b.p, b.len, s->h) == -1)
		abort();
	wa_buf_free(&b);
}

static void
srv_mix_key(struct srv *s, const unsigned char *ikm)
{
	unsigned char out[64];

	if (wa_hkdf_sha256(s->ck, 32, ikm, 32, NULL, 0, out, 64) == -1)
		abort();
	memcpy(s->ck, out, 32);
	memcpy(s->k, out + 32, 32);
	s->n = 0;
}

static void
srv_encrypt(struct srv *s, const void *p, size_t n, struct wa_buf *out)
{
	unsigned char iv[12] = { 0 };

	iv[8] = (unsigned char)(s->n >> 24);
	iv[9] = (unsigned char)(s->n >> 16);
	iv[10] = (unsigned char)(s->n >> 8);
	iv[11] = (unsigned char)s->n;
	s->n++;
	wa_buf_reset(out);
	if (wa_buf_reserve(out, n + 16) == NULL ||
	    wa_aes_gcm_encrypt(s->k, iv, s->h, 32, p, n, out->p) == -1)
		abort();
	out->len = n + 16;
	srv_mix_hash(s, out->p, out->len);
}

static void
keys(struct wa_keypair *e, struct wa_keypair *se, struct wa_keypair *ss)
{
	unsigned char priv[32];

	memset(priv, 1, 32);
	if (wa_curve_from_private(priv, e) == -1)
		abort();
	memset(priv, 2, 32);
	if (wa_curve_from_private(priv, se) == -1)
		abort();
	memset(priv, 3, 32);
	if (wa_curve_from_private(priv, ss) == -1)
		abort();
}

/* Encrypts chain as the server would and hands it to the client. */
static void
chain_path(const uint8_t *chain, size_t len)
{
	static struct wa_keypair e, se, ss;
	struct wa_noise ns;
	struct wa_noise_trust trust;
	struct srv s;
	struct wa_buf hello = { NULL, 0, 0, 0 }, st = { NULL, 0, 0, 0 },
	    pl = { NULL, 0, 0, 0 }, msg = { NULL, 0, 0, 0 };
	struct wa_pb_hello sh;
	struct wa_pb_handshake hs;
	unsigned char dh[32];
	enum wa_noise_err rc;

	if (e.pub[0] == 0)
		keys(&e, &se, &ss);
	wa_noise_trust_default(&trust);
	if (wa_noise_init(&ns, &e) == -1 ||
	    wa_noise_client_hello(&ns, &hello) == -1)
		abort();
	memcpy(s.h, ns.h, 32);
	memcpy(s.ck, ns.ck, 32);
	memcpy(s.k, ns.k, 32);
	s.n = 0;
	srv_mix_hash(&s, se.pub, 32);
	if (wa_curve_shared(se.priv, e.pub, dh) == -1)
		abort();
	srv_mix_key(&s, dh);
	srv_encrypt(&s, ss.pub, 32, &st);
	if (wa_curve_shared(ss.priv, e.pub, dh) == -1)
		abort();
	srv_mix_key(&s, dh);
	srv_encrypt(&s, chain, len, &pl);
	memset(&sh, 0, sizeof(sh));
	memset(&hs, 0, sizeof(hs));
	sh.ephemeral.p = se.pub;
	sh.ephemeral.len = 32;
	sh.ephemeral.has = 1;
	sh.static_.p = st.p;
	sh.static_.len = st.len;
	sh.static_.has = 1;
	sh.payload.p = pl.p;
	sh.payload.len = pl.len;
	sh.payload.has = 1;
	hs.server_hello = &sh;
	if (wa_pb_encode(&wa_pb_handshake_desc, &hs, &msg) == -1)
		abort();
	rc = wa_noise_server_hello(&ns, msg.p, msg.len, &trust);
	/* The AEAD layer is right by construction; only the chain may fail,
	 * and it cannot pass without a signature by WhatsApp's root. */
	if (rc != WA_NOISE_ECERT)
		abort();
	wa_noise_clear(&ns);
	wa_buf_free(&hello);
	wa_buf_free(&st);
	wa_buf_free(&pl);
	wa_buf_free(&msg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct wa_keypair e;
	struct wa_noise ns;
	struct wa_noise_trust trust;
	struct wa_buf out = { NULL, 0, 0, 0 }, again = { NULL, 0, 0, 0 };
	unsigned char priv[32];
	void *msg, *m2;
	size_t k;

	if (size < 1)
		return 0;
	if (data[0] % 4 == 0) {
		if (e.pub[0] == 0) {
			memset(priv, 1, 32);
			if (wa_curve_from_private(priv, &e) == -1)
				abort();
		}
		wa_noise_trust_default(&trust);
		if (wa_noise_init(&ns, &e) == -1 ||
		    wa_noise_client_hello(&ns, &out) == -1)
			abort();
		/* Decryption cannot succeed on fuzz input; parsing must hold. */
		if (wa_noise_server_hello(&ns, data + 1, size - 1, &trust) ==
		    WA_NOISE_OK)
			abort();
		wa_noise_clear(&ns);
	} else if (data[0] % 4 == 2) {
		chain_path(data + 1, size - 1);
	} else {
		for (k = 0; wa_pb_all[k] != NULL; k++)
			;
		k = (data[0] / 2) % k;
		if (wa_pb_decode(wa_pb_all[k], data + 1, size - 1, &msg) == 0) {
			/* Re-encoding a decoded message is stable. */
			if (wa_pb_encode(wa_pb_all[k], msg, &out) == -1 ||
			    wa_pb_decode(wa_pb_all[k], out.p, out.len, &m2) == -1)
				abort();
			if (wa_pb_encode(wa_pb_all[k], m2, &again) == -1 ||
			    again.len != out.len ||
			    (out.len && memcmp(again.p, out.p, out.len) != 0))
				abort();
			wa_pb_free(wa_pb_all[k], m2);
			wa_pb_free(wa_pb_all[k], msg);
		}
	}
	wa_buf_free(&out);
	wa_buf_free(&again);
	return 0;
}
