#include <string.h>

#include <openssl/crypto.h>

#include "wa/wa_crypto.h"
#include "wa/wa_paircode.h"
#include "wa/wa_stanza.h"

static const char wa_paircode_alphabet[33] = "123456789ABCDEFGHJKLMNPQRSTVWXYZ";

void
wa_paircode_encode(const unsigned char raw[5], char code[WA_PAIRCODE_LEN + 1])
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 5; i++)
		v = v << 8 | raw[i];
	for (i = 0; i < WA_PAIRCODE_LEN; i++)
		code[i] = wa_paircode_alphabet[(v >> (35 - 5 * i)) & 31];
	code[WA_PAIRCODE_LEN] = '\0';
}

static int
wa_paircode_key(const char *code, const unsigned char salt[32],
    unsigned char key[32])
{
	return wa_pbkdf2_sha256(code, strlen(code), salt, 32,
	    WA_PAIRCODE_ROUNDS, key, 32);
}

int
wa_paircode_wrap(const char *code, const unsigned char salt[32],
    const unsigned char iv[16], const unsigned char pub[32],
    unsigned char out[WA_PAIRCODE_WRAPPED])
{
	unsigned char key[32];
	int rc;

	rc = wa_paircode_key(code, salt, key) == 0 &&
	    wa_aes_ctr(key, iv, pub, 32, out + 48) == 0 ? 0 : -1;
	memmove(out, salt, 32);
	memmove(out + 32, iv, 16);
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

int
wa_paircode_unwrap(const char *code, const unsigned char in[WA_PAIRCODE_WRAPPED],
    unsigned char pub[32])
{
	unsigned char key[32];
	int rc;

	rc = wa_paircode_key(code, in, key) == 0 &&
	    wa_aes_ctr(key, in + 32, in + 48, 32, pub) == 0 ? 0 : -1;
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

int
wa_paircode_bundle(const unsigned char eph_shared[32],
    const unsigned char salt[32], const unsigned char nonce[12],
    const unsigned char identity_pub[32],
    const unsigned char primary_identity_pub[32],
    const unsigned char adv_random[32], unsigned char out[WA_PAIRCODE_BUNDLE])
{
	static const char info[] = "link_code_pairing_key_bundle_encryption_key";
	unsigned char key[32], pt[96];
	int rc;

	memcpy(pt, identity_pub, 32);
	memcpy(pt + 32, primary_identity_pub, 32);
	memcpy(pt + 64, adv_random, 32);
	rc = wa_hkdf_sha256(salt, 32, eph_shared, 32, info, sizeof(info) - 1,
	    key, 32) == 0 && wa_aes_gcm_encrypt(key, nonce, NULL, 0, pt,
	    sizeof(pt), out + 44) == 0 ? 0 : -1;
	memcpy(out, salt, 32);
	memcpy(out + 32, nonce, 12);
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(pt, sizeof(pt));
	return rc;
}

int
wa_paircode_adv_secret(const unsigned char eph_shared[32],
    const unsigned char identity_shared[32], const unsigned char adv_random[32],
    unsigned char out[32])
{
	unsigned char ikm[96];
	int rc;

	memcpy(ikm, eph_shared, 32);
	memcpy(ikm + 32, identity_shared, 32);
	memcpy(ikm + 64, adv_random, 32);
	rc = wa_hkdf_sha256(NULL, 0, ikm, sizeof(ikm), "adv_secret", 10, out, 32);
	OPENSSL_cleanse(ikm, sizeof(ikm));
	return rc;
}

int
wa_paircode_start(struct wa_paircode *pc, const char *phone)
{
	unsigned char raw[5];
	size_t n, i;

	memset(pc, 0, sizeof(*pc));
	if (phone[0] == '+')
		phone++;
	n = strlen(phone);
	/* E.164: 7-15 digits, no leading zero (whatsmeow PairPhone). */
	if (n < 7 || n > 15 || phone[0] == '0')
		return -1;
	for (i = 0; i < n; i++)
		if (phone[i] < '0' || phone[i] > '9')
			return -1;
	if (wa_random(raw, sizeof(raw)) == -1 || wa_curve_generate(&pc->eph) == -1)
		return -1;
	wa_paircode_encode(raw, pc->code);
	memcpy(pc->jid, phone, n);
	memcpy(pc->jid + n, "@s.whatsapp.net", sizeof("@s.whatsapp.net"));
	return 0;
}

void
wa_paircode_display(const struct wa_paircode *pc, char out[10])
{
	memcpy(out, pc->code, 4);
	out[4] = '-';
	memcpy(out + 5, pc->code + 4, 4);
	out[9] = '\0';
}

void
wa_paircode_clear(struct wa_paircode *pc)
{
	OPENSSL_cleanse(pc, sizeof(*pc));
}

/* <iq to type="set" id xmlns="md"><link_code_companion_reg jid stage> */
static struct wa_node *
wa_paircode_iq(const char *id, const char *jid, const char *stage,
    struct wa_node **reg)
{
	struct wa_node *n;

	if ((n = wa_node_new("iq")) == NULL)
		return NULL;
	if (wa_node_attr(n, "to", WA_SERVER_JID) == -1 ||
	    wa_node_attr(n, "type", "set") == -1 ||
	    wa_node_attr(n, "id", id) == -1 ||
	    wa_node_attr(n, "xmlns", "md") == -1 ||
	    (*reg = wa_node_add_new(n, "link_code_companion_reg")) == NULL ||
	    wa_node_attr(*reg, "jid", jid) == -1 ||
	    wa_node_attr(*reg, "stage", stage) == -1) {
		wa_node_free(n);
		return NULL;
	}
	return n;
}

struct wa_node *
wa_paircode_hello(const struct wa_paircode *pc, const struct wa_creds *c,
    const char *id, const char *platform_id, const char *display)
{
	unsigned char rnd[48], wrapped[WA_PAIRCODE_WRAPPED];
	static const unsigned char nonce = 0;
	struct wa_node *n, *reg;

	if (wa_random(rnd, sizeof(rnd)) == -1 ||
	    wa_paircode_wrap(pc->code, rnd, rnd + 32, pc->eph.pub,
	    wrapped) == -1 ||
	    (n = wa_paircode_iq(id, pc->jid, "companion_hello", &reg)) == NULL)
		return NULL;
	if (wa_node_attr(reg, "should_show_push_notification", "true") == -1 ||
	    wa_node_add_bytes(reg,
	    "link_code_pairing_wrapped_companion_ephemeral_pub", wrapped,
	    sizeof(wrapped)) == NULL ||
	    wa_node_add_bytes(reg, "companion_server_auth_key_pub",
	    c->noise.pub, WA_KEY_LEN) == NULL ||
	    wa_node_add_string(reg, "companion_platform_id", platform_id) ==
	    NULL ||
	    wa_node_add_string(reg, "companion_platform_display", display) ==
	    NULL ||
	    /* whatsmeow sends one zero byte, Baileys the token "0". */
	    wa_node_add_bytes(reg, "link_code_pairing_nonce", &nonce, 1) ==
	    NULL) {
		wa_node_free(n);
		return NULL;
	}
	return n;
}

int
wa_paircode_hello_reply(struct wa_paircode *pc, const struct wa_node *reply)
{
	const struct wa_str *ref;

	ref = wa_node_child_content(wa_node_child(reply,
	    "link_code_companion_reg"), "link_code_pairing_ref");
	if (ref == NULL || ref->len == 0 || ref->len > sizeof(pc->ref))
		return -1;
	memcpy(pc->ref, ref->p, ref->len);
	pc->ref_len = ref->len;
	return 0;
}

int
wa_paircode_is_notification(const struct wa_node *n)
{
	return wa_node_is(n, "notification") &&
	    wa_node_attr_is(n, "type", "link_code_companion_reg");
}

struct wa_node *
wa_paircode_finish(const struct wa_paircode *pc, struct wa_creds *c,
    const struct wa_node *n, const char *id)
{
	const struct wa_node *reg;
	const struct wa_str *ref, *wrapped, *primary;
	unsigned char rnd[76], pub[32], eph[32], ident[32], adv[32];
	unsigned char bundle[WA_PAIRCODE_BUNDLE];
	struct wa_node *iq = NULL, *r;

	reg = wa_node_child(n, "link_code_companion_reg");
	ref = wa_node_child_content(reg, "link_code_pairing_ref");
	wrapped = wa_node_child_content(reg,
	    "link_code_pairing_wrapped_primary_ephemeral_pub");
	primary = wa_node_child_content(reg, "primary_identity_pub");
	if (!wa_paircode_is_notification(n) || pc->ref_len == 0 ||
	    ref == NULL || ref->len != pc->ref_len ||
	    CRYPTO_memcmp(ref->p, pc->ref, pc->ref_len) != 0 ||
	    wrapped == NULL || wrapped->len < WA_PAIRCODE_WRAPPED ||
	    primary == NULL || primary->len != 32)
		return NULL;
	/* rnd: adv random 32 | bundle salt 32 | nonce 12 */
	if (wa_random(rnd, sizeof(rnd)) == -1 ||
	    wa_paircode_unwrap(pc->code, (const unsigned char *)wrapped->p,
	    pub) == -1 ||
	    wa_curve_shared(pc->eph.priv, pub, eph) == -1 ||
	    wa_curve_shared(c->identity.priv,
	    (const unsigned char *)primary->p, ident) == -1 ||
	    wa_paircode_bundle(eph, rnd + 32, rnd + 64, c->identity.pub,
	    (const unsigned char *)primary->p, rnd, bundle) == -1 ||
	    wa_paircode_adv_secret(eph, ident, rnd, adv) == -1)
		goto out;
	if ((iq = wa_paircode_iq(id, pc->jid, "companion_finish", &r)) == NULL)
		goto out;
	if (wa_node_add_bytes(r, "link_code_pairing_wrapped_key_bundle", bundle,
	    sizeof(bundle)) == NULL ||
	    wa_node_add_bytes(r, "companion_identity_public", c->identity.pub,
	    WA_KEY_LEN) == NULL ||
	    wa_node_add_bytes(r, "link_code_pairing_ref", pc->ref,
	    pc->ref_len) == NULL) {
		wa_node_free(iq);
		iq = NULL;
		goto out;
	}
	memcpy(c->adv_secret, adv, sizeof(adv));
out:
	OPENSSL_cleanse(rnd, sizeof(rnd));
	OPENSSL_cleanse(eph, sizeof(eph));
	OPENSSL_cleanse(ident, sizeof(ident));
	OPENSSL_cleanse(adv, sizeof(adv));
	return iq;
}
