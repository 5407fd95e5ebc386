#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "wa/wa_crypto.h"
#include "wa/wa_pair.h"
#include "wa/wa_proto.h"
#include "wa/wa_stanza.h"

/* ADVEncryptionType.HOSTED (WAProto.proto). */
#define WA_ADV_HOSTED	1

static int
wa_pair_from_server(const struct wa_node *n)
{
	return wa_node_is(n, "iq") && wa_node_attr_is(n, "type", "set") &&
	    wa_stanza_from_server(n) &&
	    wa_node_get(n, "id") != NULL;
}

int
wa_pair_refs(const struct wa_node *n, struct wa_buf *out)
{
	const struct wa_node *pd, *ref;
	const struct wa_str *v;
	size_t i, k;
	int count = 0, ok;

	if (!wa_pair_from_server(n) ||
	    (pd = wa_node_child(n, "pair-device")) == NULL)
		return -1;
	for (i = 0; pd->ctype == WA_CONTENT_LIST && i < pd->nkids &&
	    count < WA_PAIR_REFS_MAX; i++) {
		ref = pd->kids[i];
		if (!wa_node_is(ref, "ref") || (v = wa_node_content(ref)) == NULL ||
		    v->len == 0 || v->len > WA_PAIR_REF_MAX)
			continue;
		for (ok = 1, k = 0; k < v->len && ok; k++)
			ok = v->p[k] > ' ' && v->p[k] < 0x7f && v->p[k] != ',';
		if (!ok)
			continue;
		wa_buf_add(out, v->p, v->len);
		wa_buf_byte(out, '\n');
		count++;
	}
	return out->err ? -1 : count;
}

static void
wa_pair_b64(struct wa_buf *out, const unsigned char *p, size_t n)
{
	unsigned char *d;
	int len;

	/* 4 characters per 3 bytes and a NUL. */
	if ((d = wa_buf_reserve(out, (n + 2) / 3 * 4 + 1)) == NULL)
		return;
	len = EVP_EncodeBlock(d, p, (int)n);
	out->len += (size_t)len;
}

int
wa_pair_qr(const struct wa_creds *c, const char *ref, size_t rlen,
    char client_type, struct wa_buf *out)
{
	static const char prefix[] = "https://wa.me/settings/linked_devices#";
	size_t mark = out->len;

	wa_buf_add(out, prefix, sizeof(prefix) - 1);
	wa_buf_add(out, ref, rlen);
	wa_buf_byte(out, ',');
	wa_pair_b64(out, c->noise.pub, WA_KEY_LEN);
	wa_buf_byte(out, ',');
	wa_pair_b64(out, c->identity.pub, WA_KEY_LEN);
	wa_buf_byte(out, ',');
	wa_pair_b64(out, c->adv_secret, sizeof(c->adv_secret));
	wa_buf_byte(out, ',');
	wa_buf_byte(out, (uint8_t)client_type);
	wa_buf_byte(out, '\0');
	if (out->err) {
		out->len = mark;
		return -1;
	}
	return 0;
}

int
wa_pair_is_success(const struct wa_node *n)
{
	return wa_pair_from_server(n) && wa_node_child(n, "pair-success") != NULL;
}

/* a || b || c || d into a new buffer (*out, *len); NULL parts skipped. */
static int
wa_pair_cat(unsigned char **out, size_t *len, const void *a, size_t alen,
    const void *b, size_t blen, const void *c, size_t clen, const void *d,
    size_t dlen)
{
	unsigned char *p;

	*len = alen + blen + clen + dlen;
	if ((p = *out = malloc(*len ? *len : 1)) == NULL)
		return -1;
	if (alen)
		memcpy(p, a, alen);
	if (blen)
		memcpy(p + alen, b, blen);
	if (clen)
		memcpy(p + alen + blen, c, clen);
	if (dlen)
		memcpy(p + alen + blen + clen, d, dlen);
	return 0;
}

/* <iq to type="result" id><pair-device-sign><device-identity key-index> */
static struct wa_node *
wa_pair_reply(const struct wa_str *id, uint64_t key_index,
    const struct wa_buf *signed_identity)
{
	struct wa_node *n, *s, *d;
	char num[24];

	if ((n = wa_stanza_iq_result(WA_SERVER_JID, id)) == NULL)
		return NULL;
	snprintf(num, sizeof(num), "%llu", (unsigned long long)key_index);
	if ((s = wa_node_add_new(n, "pair-device-sign")) == NULL ||
	    (d = wa_node_add_bytes(s, "device-identity", signed_identity->p,
	    signed_identity->len)) == NULL ||
	    wa_node_attr(d, "key-index", num) == -1) {
		wa_node_free(n);
		return NULL;
	}
	return n;
}

/* The error iq whatsmeow sends for err (pair.go sendPairError). */
static struct wa_node *
wa_pair_error_reply(const struct wa_str *id, enum wa_pair_err err)
{
	switch (err) {
	case WA_PAIR_EHMAC:
		return wa_stanza_iq_error(WA_SERVER_JID, id, 401, "hmac-mismatch");
	case WA_PAIR_ESIGNATURE:
		return wa_stanza_iq_error(WA_SERVER_JID, id, 401,
		    "signature-mismatch");
	default:
		return wa_stanza_iq_error(WA_SERVER_JID, id, 500,
		    "internal-error");
	}
}

enum wa_pair_err
wa_pair_success(const struct wa_creds *c, const struct wa_node *iq,
    struct wa_pair_info *info, struct wa_node **reply)
{
	static const unsigned char hosted_prefix[2] = { 6, 5 };
	static const unsigned char account_prefix[2] = { 6, 0 };
	static const unsigned char device_prefix[2] = { 6, 1 };
	const struct wa_node *ps, *dev;
	const struct wa_str *id, *di;
	struct wa_pb_adv_hmac *hm = NULL;
	struct wa_pb_adv_signed_identity *si = NULL;
	struct wa_pb_adv_identity *ad = NULL;
	struct wa_pb_bytes key;
	struct wa_buf mine = { NULL, 0, 0, 0 }, full = { NULL, 0, 0, 0 };
	unsigned char mac[32], sig[WA_SIG_LEN], *msg = NULL;
	size_t mlen;
	enum wa_pair_err err = WA_PAIR_EMALFORMED;
	int hosted;

	memset(info, 0, sizeof(*info));
	*reply = NULL;
	if (!wa_pair_is_success(iq))
		return WA_PAIR_EMALFORMED;
	id = wa_node_get(iq, "id");
	ps = wa_node_child(iq, "pair-success");
	dev = wa_node_child(ps, "device");
	info->jid = wa_node_cstr(dev, "jid");
	info->lid = wa_node_cstr(dev, "lid");
	info->platform = wa_node_cstr(wa_node_child(ps, "platform"), "name");
	info->business = wa_node_cstr(wa_node_child(ps, "biz"), "name");
	if ((di = wa_node_child_content(ps, "device-identity")) == NULL ||
	    info->jid == NULL ||
	    wa_pb_decode(&wa_pb_adv_hmac_desc, di->p, di->len,
	    (void **)&hm) == -1 || !hm->details.has || hm->hmac.len != 32)
		goto out;

	/* 1. The HMAC proves the phone saw our QR (or pairing code). */
	hosted = hm->account_type.has && hm->account_type.v == WA_ADV_HOSTED;
	err = WA_PAIR_EINTERNAL;
	if (wa_pair_cat(&msg, &mlen, hosted_prefix, hosted ? 2 : 0,
	    hm->details.p, hm->details.len, NULL, 0, NULL, 0) == -1 ||
	    wa_hmac_sha256(c->adv_secret, sizeof(c->adv_secret), msg, mlen,
	    mac) == -1)
		goto out;
	free(msg);
	msg = NULL;
	err = WA_PAIR_EHMAC;
	if (CRYPTO_memcmp(mac, hm->hmac.p, 32) != 0)
		goto out;

	err = WA_PAIR_EMALFORMED;
	if (wa_pb_decode(&wa_pb_adv_signed_identity_desc, hm->details.p,
	    hm->details.len, (void **)&si) == -1 || !si->details.has ||
	    wa_pb_decode(&wa_pb_adv_identity_desc, si->details.p,
	    si->details.len, (void **)&ad) == -1)
		goto out;

	/*
	 * 2. The account (the phone's identity key) signed our identity key.
	 * Baileys 6.7.24 skips this in effect; whatsmeow and Baileys HEAD
	 * take the hosted prefix from the device type.
	 */
	err = WA_PAIR_ESIGNATURE;
	if (si->account_signature_key.len != WA_KEY_LEN ||
	    si->account_signature.len != WA_SIG_LEN)
		goto out;
	err = WA_PAIR_EINTERNAL;
	hosted = ad->device_type.has && ad->device_type.v == WA_ADV_HOSTED;
	if (wa_pair_cat(&msg, &mlen, hosted ? hosted_prefix : account_prefix, 2,
	    si->details.p, si->details.len, c->identity.pub, WA_KEY_LEN,
	    NULL, 0) == -1)
		goto out;
	err = WA_PAIR_ESIGNATURE;
	if (!wa_curve_verify(si->account_signature_key.p, msg, mlen,
	    si->account_signature.p))
		goto out;
	free(msg);
	msg = NULL;

	/* 3. Our device signature, then the identity without the key. */
	err = WA_PAIR_EINTERNAL;
	if (wa_pair_cat(&msg, &mlen, device_prefix, 2, si->details.p,
	    si->details.len, c->identity.pub, WA_KEY_LEN,
	    si->account_signature_key.p, WA_KEY_LEN) == -1 ||
	    wa_curve_sign(c->identity.priv, msg, mlen, sig) == -1)
		goto out;
	free(si->device_signature.p);
	if ((si->device_signature.p = malloc(WA_SIG_LEN)) == NULL) {
		si->device_signature.has = 0;
		goto out;
	}
	memcpy(si->device_signature.p, sig, WA_SIG_LEN);
	si->device_signature.len = WA_SIG_LEN;
	si->device_signature.has = 1;
	if (wa_pb_encode(&wa_pb_adv_signed_identity_desc, si, &full) == -1)
		goto out;
	key = si->account_signature_key;
	si->account_signature_key.has = 0;
	if (wa_pb_encode(&wa_pb_adv_signed_identity_desc, si, &mine) == -1) {
		si->account_signature_key = key;
		goto out;
	}
	si->account_signature_key = key;
	if ((*reply = wa_pair_reply(id, ad->key_index.v, &mine)) == NULL)
		goto out;
	info->account = full.p;
	info->account_len = full.len;
	full.p = NULL;
	err = WA_PAIR_OK;
out:
	if (err != WA_PAIR_OK) {
		*reply = wa_pair_error_reply(id, err);
		memset(info, 0, sizeof(*info));
	}
	OPENSSL_cleanse(sig, sizeof(sig));
	free(msg);
	wa_buf_free(&mine);
	wa_buf_free(&full);
	wa_pb_free(&wa_pb_adv_identity_desc, ad);
	wa_pb_free(&wa_pb_adv_signed_identity_desc, si);
	wa_pb_free(&wa_pb_adv_hmac_desc, hm);
	return err;
}
