#include <string.h>

#include <openssl/crypto.h>

#include "wa/wa_crypto.h"
#include "wa/wa_frame.h"
#include "wa/wa_noise.h"
#include "wa/wa_proto.h"

const unsigned char wa_noise_root_key[WA_KEY_LEN] = {
	0x14, 0x23, 0x75, 0x57, 0x4d, 0x0a, 0x58, 0x71, 0x66, 0xaa, 0xe7, 0x1e,
	0xbe, 0x51, 0x64, 0x37, 0xc4, 0xa2, 0x8b, 0x73, 0xe3, 0x69, 0x5c, 0x6c,
	0xe1, 0xf7, 0xf9, 0x54, 0x5d, 0xa8, 0xee, 0x6b,
};

/* Exactly 32 bytes, so it is the initial hash as is (Noise section 5.2). */
static const char wa_noise_protocol[32] = "Noise_XX_25519_AESGCM_SHA256\0\0\0";

void
wa_noise_trust_default(struct wa_noise_trust *trust)
{
	memcpy(trust->root_key, wa_noise_root_key, WA_KEY_LEN);
	trust->root_serial = 0;
	trust->now = 0;
}

static int
wa_noise_mix_hash(struct wa_noise *ns, const void *p, size_t n)
{
	unsigned char t[32 + 1024];

	if (n <= 1024) {
		memcpy(t, ns->h, 32);
		memcpy(t + 32, p, n);
		return wa_sha256(t, 32 + n, ns->h);
	} else {
		struct wa_buf b = { NULL, 0, 0, 0 };
		int rc;

		wa_buf_add(&b, ns->h, 32);
		wa_buf_add(&b, p, n);
		rc = b.err ? -1 : wa_sha256(b.p, b.len, ns->h);
		wa_buf_free(&b);
		return rc;
	}
}

/* MixKey: ck, k = HKDF(ck, ikm); the nonce restarts. */
static int
wa_noise_mix_key(struct wa_noise *ns, const unsigned char *ikm, size_t n)
{
	unsigned char out[64];

	if (wa_hkdf_sha256(ns->ck, 32, ikm, n, NULL, 0, out, 64) == -1)
		return -1;
	memcpy(ns->ck, out, 32);
	memcpy(ns->k, out + 32, 32);
	OPENSSL_cleanse(out, sizeof(out));
	ns->n = 0;
	return 0;
}

static void
wa_noise_iv(unsigned char iv[12], uint32_t n)
{
	memset(iv, 0, 8);
	iv[8] = (unsigned char)(n >> 24);
	iv[9] = (unsigned char)(n >> 16);
	iv[10] = (unsigned char)(n >> 8);
	iv[11] = (unsigned char)n;
}

/* EncryptAndHash into out (len + 16 bytes, appended). */
static int
wa_noise_hs_encrypt(struct wa_noise *ns, const void *pt, size_t len,
    struct wa_buf *out)
{
	unsigned char iv[12], *dst;

	if ((dst = wa_buf_reserve(out, len + WA_GCM_TAG)) == NULL)
		return -1;
	wa_noise_iv(iv, ns->n);
	if (wa_aes_gcm_encrypt(ns->k, iv, ns->h, 32, pt, len, dst) == -1)
		return -1;
	out->len += len + WA_GCM_TAG;
	ns->n++;
	return wa_noise_mix_hash(ns, dst, len + WA_GCM_TAG);
}

/* DecryptAndHash; out gets len - 16 bytes (appended). */
static int
wa_noise_hs_decrypt(struct wa_noise *ns, const unsigned char *ct, size_t len,
    struct wa_buf *out)
{
	unsigned char iv[12], *dst;

	if (len < WA_GCM_TAG || (dst = wa_buf_reserve(out, len)) == NULL)
		return -1;
	wa_noise_iv(iv, ns->n);
	if (wa_aes_gcm_decrypt(ns->k, iv, ns->h, 32, ct, len, dst) == -1)
		return -1;
	out->len += len - WA_GCM_TAG;
	ns->n++;
	return wa_noise_mix_hash(ns, ct, len);
}

int
wa_noise_init(struct wa_noise *ns, const struct wa_keypair *e)
{
	memset(ns, 0, sizeof(*ns));
	if (e != NULL)
		ns->e = *e;
	else if (wa_curve_generate(&ns->e) == -1)
		return -1;
	memcpy(ns->h, wa_noise_protocol, 32);
	memcpy(ns->ck, wa_noise_protocol, 32);
	memcpy(ns->k, wa_noise_protocol, 32);
	/* The prologue, then our ephemeral (Noise section 5.3, XX's -> e). */
	if (wa_noise_mix_hash(ns, wa_prologue, WA_PROLOGUE_LEN) == -1 ||
	    wa_noise_mix_hash(ns, ns->e.pub, WA_KEY_LEN) == -1)
		return -1;
	ns->phase = WA_NOISE_HELLO;
	return 0;
}

void
wa_noise_clear(struct wa_noise *ns)
{
	OPENSSL_cleanse(ns, sizeof(*ns));
}

int
wa_noise_client_hello(struct wa_noise *ns, struct wa_buf *out)
{
	struct wa_pb_hello hello;
	struct wa_pb_handshake hs;

	if (ns->phase != WA_NOISE_HELLO)
		return -1;
	memset(&hello, 0, sizeof(hello));
	memset(&hs, 0, sizeof(hs));
	hello.ephemeral.p = ns->e.pub;
	hello.ephemeral.len = WA_KEY_LEN;
	hello.ephemeral.has = 1;
	hs.client_hello = &hello;
	if (wa_pb_encode(&wa_pb_handshake_desc, &hs, out) == -1)
		return -1;
	ns->phase = WA_NOISE_WAIT_SERVER;
	return 0;
}

/*
 * As whatsmeow's checkCertValidity: an absent bound reads as 0, so a
 * missing notBefore is no limit and a missing notAfter has expired.
 */
static int
wa_noise_window_ok(const struct wa_pb_cert_details *d, time_t now)
{
	uint64_t t = now < 0 ? 0 : (uint64_t)now;

	if (d->not_before.has && t < d->not_before.v)
		return 0;
	if (!d->not_after.has || t > d->not_after.v)
		return 0;
	return 1;
}

/*
 * The chain as whatsmeow checks it: the intermediate is signed by the
 * root and names the root's serial as issuer; the leaf is signed by the
 * intermediate's key, names the intermediate's serial as issuer and
 * certifies the static key the server just proved; both are in their
 * validity window.
 */
static enum wa_noise_err
wa_noise_verify_chain(const struct wa_noise *ns, const struct wa_buf *certs,
    const struct wa_noise_trust *trust)
{
	struct wa_pb_cert_chain *chain = NULL;
	struct wa_pb_cert_details *inter = NULL, *leaf = NULL;
	struct wa_pb_cert *ci, *cl;
	enum wa_noise_err rc = WA_NOISE_ECERT;
	time_t now = trust->now ? trust->now : time(NULL);

	if (wa_pb_decode(&wa_pb_cert_chain_desc, certs->p, certs->len,
	    (void **)&chain) == -1)
		return WA_NOISE_ECERT;
	ci = chain->intermediate;
	cl = chain->leaf;
	if (ci == NULL || cl == NULL || !ci->details.has || !cl->details.has ||
	    ci->signature.len != WA_SIG_LEN || cl->signature.len != WA_SIG_LEN)
		goto out;
	if (!wa_curve_verify(trust->root_key, ci->details.p, ci->details.len,
	    ci->signature.p))
		goto out;
	if (wa_pb_decode(&wa_pb_cert_details_desc, ci->details.p,
	    ci->details.len, (void **)&inter) == -1)
		goto out;
	if (inter->issuer_serial.v != trust->root_serial ||
	    inter->key.len != WA_KEY_LEN || !wa_noise_window_ok(inter, now))
		goto out;
	if (!wa_curve_verify(inter->key.p, cl->details.p, cl->details.len,
	    cl->signature.p))
		goto out;
	if (wa_pb_decode(&wa_pb_cert_details_desc, cl->details.p,
	    cl->details.len, (void **)&leaf) == -1)
		goto out;
	if (leaf->issuer_serial.v != inter->serial.v ||
	    leaf->key.len != WA_KEY_LEN ||
	    CRYPTO_memcmp(leaf->key.p, ns->rs, WA_KEY_LEN) != 0 ||
	    !wa_noise_window_ok(leaf, now))
		goto out;
	rc = WA_NOISE_OK;
out:
	wa_pb_free(&wa_pb_cert_details_desc, leaf);
	wa_pb_free(&wa_pb_cert_details_desc, inter);
	wa_pb_free(&wa_pb_cert_chain_desc, chain);
	return rc;
}

enum wa_noise_err
wa_noise_server_hello(struct wa_noise *ns, const unsigned char *msg,
    size_t len, const struct wa_noise_trust *trust)
{
	struct wa_pb_handshake *hs = NULL;
	struct wa_pb_hello *sh;
	struct wa_buf rs = { NULL, 0, 0, 0 }, certs = { NULL, 0, 0, 0 };
	unsigned char dh[WA_KEY_LEN];
	enum wa_noise_err rc = WA_NOISE_EMALFORMED;

	if (ns->phase != WA_NOISE_WAIT_SERVER)
		return WA_NOISE_ESTATE;
	if (wa_pb_decode(&wa_pb_handshake_desc, msg, len, (void **)&hs) == -1)
		return WA_NOISE_EMALFORMED;
	sh = hs->server_hello;
	if (sh == NULL || sh->ephemeral.len != WA_KEY_LEN || !sh->static_.has ||
	    sh->static_.len != WA_KEY_LEN + WA_GCM_TAG || !sh->payload.has)
		goto out;
	memcpy(ns->re, sh->ephemeral.p, WA_KEY_LEN);
	rc = WA_NOISE_EDECRYPT;
	/* <- e, ee, s, es (Noise section 7.5, XX) */
	if (wa_noise_mix_hash(ns, ns->re, WA_KEY_LEN) == -1 ||
	    wa_curve_shared(ns->e.priv, ns->re, dh) == -1 ||
	    wa_noise_mix_key(ns, dh, WA_KEY_LEN) == -1)
		goto out;
	if (wa_noise_hs_decrypt(ns, sh->static_.p, sh->static_.len, &rs) == -1)
		goto out;
	memcpy(ns->rs, rs.p, WA_KEY_LEN);
	if (wa_curve_shared(ns->e.priv, ns->rs, dh) == -1 ||
	    wa_noise_mix_key(ns, dh, WA_KEY_LEN) == -1)
		goto out;
	if (wa_noise_hs_decrypt(ns, sh->payload.p, sh->payload.len,
	    &certs) == -1)
		goto out;
	if ((rc = wa_noise_verify_chain(ns, &certs, trust)) != WA_NOISE_OK)
		goto out;
	ns->phase = WA_NOISE_FINISH;
out:
	OPENSSL_cleanse(dh, sizeof(dh));
	wa_buf_free(&rs);
	wa_buf_free(&certs);
	wa_pb_free(&wa_pb_handshake_desc, hs);
	if (rc != WA_NOISE_OK)
		ns->phase = WA_NOISE_DEAD;	/* no second try on this state */
	return rc;
}

enum wa_noise_err
wa_noise_client_finish(struct wa_noise *ns, const struct wa_keypair *s,
    const void *payload, size_t len, struct wa_buf *out)
{
	struct wa_buf encs = { NULL, 0, 0, 0 }, encp = { NULL, 0, 0, 0 };
	struct wa_pb_finish fin;
	struct wa_pb_handshake hs;
	unsigned char dh[WA_KEY_LEN], keys[64];
	enum wa_noise_err rc = WA_NOISE_EINTERNAL;

	if (ns->phase != WA_NOISE_FINISH)
		return WA_NOISE_ESTATE;
	/* -> s, se */
	if (wa_noise_hs_encrypt(ns, s->pub, WA_KEY_LEN, &encs) == -1 ||
	    wa_curve_shared(s->priv, ns->re, dh) == -1 ||
	    wa_noise_mix_key(ns, dh, WA_KEY_LEN) == -1 ||
	    wa_noise_hs_encrypt(ns, payload, len, &encp) == -1)
		goto out;
	memset(&fin, 0, sizeof(fin));
	memset(&hs, 0, sizeof(hs));
	fin.static_.p = encs.p;
	fin.static_.len = encs.len;
	fin.static_.has = 1;
	fin.payload.p = encp.p;
	fin.payload.len = encp.len;
	fin.payload.has = 1;
	hs.client_finish = &fin;
	if (wa_pb_encode(&wa_pb_handshake_desc, &hs, out) == -1)
		goto out;
	/* Split (Noise section 5.2): the first key is ours to write with. */
	if (wa_hkdf_sha256(ns->ck, 32, NULL, 0, NULL, 0, keys, 64) == -1)
		goto out;
	memcpy(ns->wkey, keys, 32);
	memcpy(ns->rkey, keys + 32, 32);
	ns->wn = ns->rn = 0;
	ns->phase = WA_NOISE_TRANSPORT;
	rc = WA_NOISE_OK;
out:
	if (rc != WA_NOISE_OK)
		ns->phase = WA_NOISE_DEAD;
	OPENSSL_cleanse(dh, sizeof(dh));
	OPENSSL_cleanse(keys, sizeof(keys));
	wa_buf_free(&encs);
	wa_buf_free(&encp);
	return rc;
}

int
wa_noise_encrypt(struct wa_noise *ns, const void *pt, size_t len,
    struct wa_buf *out)
{
	unsigned char iv[12], *dst;

	if (ns->phase != WA_NOISE_TRANSPORT || ns->wn == UINT32_MAX ||
	    (dst = wa_buf_reserve(out, len + WA_GCM_TAG)) == NULL)
		return -1;
	wa_noise_iv(iv, ns->wn);
	if (wa_aes_gcm_encrypt(ns->wkey, iv, NULL, 0, pt, len, dst) == -1)
		return -1;
	ns->wn++;
	out->len += len + WA_GCM_TAG;
	return 0;
}

int
wa_noise_decrypt(struct wa_noise *ns, const void *ct, size_t len,
    struct wa_buf *out)
{
	unsigned char iv[12], *dst;

	if (ns->phase != WA_NOISE_TRANSPORT || len < WA_GCM_TAG ||
	    ns->rn == UINT32_MAX || (dst = wa_buf_reserve(out, len)) == NULL)
		return -1;
	wa_noise_iv(iv, ns->rn);
	if (wa_aes_gcm_decrypt(ns->rkey, iv, NULL, 0, ct, len, dst) == -1)
		return -1;
	ns->rn++;
	out->len += len - WA_GCM_TAG;
	return 0;
}

const unsigned char *
wa_noise_server_static(const struct wa_noise *ns)
{
	return ns->rs;
}
