#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "wa/wa_creds.h"
#include "wa/wa_crypto.h"

/*
 * The blob: "WAGWCRED" | version u8 | records | SHA-256(all before)[0..16].
 * A record is tag u8 | length u16 BE | value.
 */
static const unsigned char wa_creds_magic[8] = "WAGWCRED";
#define WA_CREDS_SUM	16

enum {
	REC_NOISE = 1,		/* private key, 32 */
	REC_IDENTITY,		/* private key, 32 */
	REC_REG_ID,		/* BE32 */
	REC_SPK,		/* BE24 id, private key 32, signature 64 */
	REC_ADV,		/* 32 */
	REC_PREKEY_SEED,	/* 32 */
	REC_NEXT_PREKEY,	/* BE24 */
	REC_JID,		/* wire JID string */
	REC_LID,
	REC_PLATFORM,
	REC_BUSINESS,
	REC_ACCOUNT,		/* ADVSignedDeviceIdentity */
	REC_TOKEN,		/* u8 n, pn, u8 n, lid, BE64 t, token */
	REC_LAST = REC_TOKEN
};

static void
wa_be_put(unsigned char *p, uint64_t v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static uint64_t
wa_be_get(const unsigned char *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* The signed prekey's signature covers the 33-byte Signal key. */
static void
wa_creds_spk_msg(const struct wa_creds *c, unsigned char msg[33])
{
	msg[0] = 5;
	memcpy(msg + 1, c->spk.pub, 32);
}

int
wa_creds_new(struct wa_creds *c)
{
	unsigned char rid[2], msg[33];

	memset(c, 0, sizeof(*c));
	if (wa_curve_generate(&c->noise) == -1 ||
	    wa_curve_generate(&c->identity) == -1 ||
	    wa_curve_generate(&c->spk) == -1 ||
	    wa_random(rid, sizeof(rid)) == -1 ||
	    wa_random(c->adv_secret, sizeof(c->adv_secret)) == -1 ||
	    wa_random(c->prekey_seed, sizeof(c->prekey_seed)) == -1)
		goto fail;
	/* Signal registration ids are 14 bits, never 0. */
	c->reg_id = ((uint32_t)rid[0] << 8 | rid[1]) & 0x3fff;
	if (c->reg_id == 0)
		c->reg_id = 1;
	c->spk_id = 1;
	c->next_prekey = 1;
	wa_creds_spk_msg(c, msg);
	if (wa_curve_sign(c->identity.priv, msg, sizeof(msg), c->spk_sig) == -1)
		goto fail;
	return 0;
fail:
	wa_creds_clear(c);
	return -1;
}

void
wa_creds_clear(struct wa_creds *c)
{
	if (c->account != NULL) {
		OPENSSL_cleanse(c->account, c->account_len);
		free(c->account);
	}
	if (c->tokens != NULL) {
		OPENSSL_cleanse(c->tokens, c->ntokens * sizeof(*c->tokens));
		free(c->tokens);
	}
	OPENSSL_cleanse(c, sizeof(*c));
}

int
wa_creds_paired(const struct wa_creds *c)
{
	return c->jid[0] != '\0';
}

static void
wa_rec(struct wa_buf *b, unsigned tag, const void *p, size_t n)
{
	if (n > 0xffff) {
		b->err = 1;
		return;
	}
	wa_buf_byte(b, (uint8_t)tag);
	wa_buf_be(b, (uint32_t)n, 2);
	wa_buf_add(b, p, n);
}

static void
wa_rec_str(struct wa_buf *b, unsigned tag, const char *s)
{
	if (s[0] != '\0')
		wa_rec(b, tag, s, strlen(s));
}

int
wa_creds_save(const struct wa_creds *c, struct wa_buf *out)
{
	unsigned char v[128], sum[32];
	size_t mark = out->len, i, n;
	const struct wa_creds_token *t;

	wa_buf_add(out, wa_creds_magic, sizeof(wa_creds_magic));
	wa_buf_byte(out, WA_CREDS_VERSION);
	wa_rec(out, REC_NOISE, c->noise.priv, 32);
	wa_rec(out, REC_IDENTITY, c->identity.priv, 32);
	wa_be_put(v, c->reg_id, 4);
	wa_rec(out, REC_REG_ID, v, 4);
	wa_be_put(v, c->spk_id, 3);
	memcpy(v + 3, c->spk.priv, 32);
	memcpy(v + 35, c->spk_sig, 64);
	wa_rec(out, REC_SPK, v, 99);
	wa_rec(out, REC_ADV, c->adv_secret, 32);
	wa_rec(out, REC_PREKEY_SEED, c->prekey_seed, 32);
	wa_be_put(v, c->next_prekey, 3);
	wa_rec(out, REC_NEXT_PREKEY, v, 3);
	wa_rec_str(out, REC_JID, c->jid);
	wa_rec_str(out, REC_LID, c->lid);
	wa_rec_str(out, REC_PLATFORM, c->platform);
	wa_rec_str(out, REC_BUSINESS, c->business);
	if (c->account_len)
		wa_rec(out, REC_ACCOUNT, c->account, c->account_len);
	for (i = 0; i < c->ntokens; i++) {
		t = &c->tokens[i];
		n = 1 + strlen(t->pn) + 1 + strlen(t->lid) + 8 + t->len;
		wa_buf_byte(out, REC_TOKEN);
		wa_buf_be(out, (uint32_t)n, 2);
		wa_buf_byte(out, (uint8_t)strlen(t->pn));
		wa_buf_add(out, t->pn, strlen(t->pn));
		wa_buf_byte(out, (uint8_t)strlen(t->lid));
		wa_buf_add(out, t->lid, strlen(t->lid));
		wa_be_put(v, (uint64_t)t->t, 8);
		wa_buf_add(out, v, 8);
		wa_buf_add(out, t->token, t->len);
	}
	OPENSSL_cleanse(v, sizeof(v));
	if (out->err || wa_sha256(out->p + mark, out->len - mark, sum) == -1) {
		out->len = mark;
		return -1;
	}
	wa_buf_add(out, sum, WA_CREDS_SUM);
	if (out->err) {
		out->len = mark;
		return -1;
	}
	return 0;
}

/* A JID record: a wire JID on the expected server, with a device. */
static int
wa_creds_jid(char dst[JID_STR_MAX], const unsigned char *p, size_t n,
    const char *server)
{
	struct jid_wire w;

	if (n == 0 || n >= JID_STR_MAX || memchr(p, '\0', n) != NULL ||
	    jid_wire_parse((const char *)p, n, &w) == -1 || w.user[0] == '\0' ||
	    strcmp(w.server, server) != 0)
		return -1;
	memcpy(dst, p, n);
	dst[n] = '\0';
	return 0;
}

static int
wa_creds_text(char *dst, size_t cap, const unsigned char *p, size_t n)
{
	if (n == 0 || n >= cap || memchr(p, '\0', n) != NULL)
		return -1;
	memcpy(dst, p, n);
	dst[n] = '\0';
	return 0;
}

static int
wa_creds_token_rec(struct wa_creds *c, const unsigned char *p, size_t n)
{
	struct wa_creds_token *t, *grown;
	size_t pl, ll;

	if (c->ntokens >= WA_CREDS_TOKENS_MAX || n < 1)
		return -1;
	pl = p[0];
	if (pl >= JID_STR_MAX || n < 1 + pl + 1)
		return -1;
	ll = p[1 + pl];
	if (ll >= JID_STR_MAX || n < 2 + pl + ll + 8 ||
	    n - (2 + pl + ll + 8) > WA_CREDS_TOKEN_MAX || pl + ll == 0)
		return -1;
	if ((grown = reallocarray(c->tokens, c->ntokens + 1,
	    sizeof(*grown))) == NULL)
		return -1;
	c->tokens = grown;
	t = &c->tokens[c->ntokens];
	memset(t, 0, sizeof(*t));
	memcpy(t->pn, p + 1, pl);
	memcpy(t->lid, p + 2 + pl, ll);
	if (memchr(t->pn, '\0', pl) != NULL || memchr(t->lid, '\0', ll) != NULL)
		return -1;
	t->t = (int64_t)wa_be_get(p + 2 + pl + ll, 8);
	t->len = n - (2 + pl + ll + 8);
	memcpy(t->token, p + 2 + pl + ll + 8, t->len);
	if (t->t < 0 || t->len == 0)
		return -1;
	c->ntokens++;
	return 0;
}

static int
wa_creds_record(struct wa_creds *c, unsigned tag, const unsigned char *p,
    size_t n)
{
	switch (tag) {
	case REC_NOISE:
		return n == 32 ? wa_curve_from_private(p, &c->noise) : -1;
	case REC_IDENTITY:
		return n == 32 ? wa_curve_from_private(p, &c->identity) : -1;
	case REC_REG_ID:
		if (n != 4)
			return -1;
		c->reg_id = (uint32_t)wa_be_get(p, 4);
		return c->reg_id == 0 || c->reg_id > 0x3fff ? -1 : 0;
	case REC_SPK:
		if (n != 99)
			return -1;
		c->spk_id = (uint32_t)wa_be_get(p, 3);
		memcpy(c->spk_sig, p + 35, 64);
		return wa_curve_from_private(p + 3, &c->spk);
	case REC_ADV:
		if (n != 32)
			return -1;
		memcpy(c->adv_secret, p, 32);
		return 0;
	case REC_PREKEY_SEED:
		if (n != 32)
			return -1;
		memcpy(c->prekey_seed, p, 32);
		return 0;
	case REC_NEXT_PREKEY:
		if (n != 3)
			return -1;
		c->next_prekey = (uint32_t)wa_be_get(p, 3);
		return c->next_prekey == 0 ? -1 : 0;
	case REC_JID:
		return wa_creds_jid(c->jid, p, n, "s.whatsapp.net");
	case REC_LID:
		return wa_creds_jid(c->lid, p, n, "lid");
	case REC_PLATFORM:
		return wa_creds_text(c->platform, sizeof(c->platform), p, n);
	case REC_BUSINESS:
		return wa_creds_text(c->business, sizeof(c->business), p, n);
	case REC_ACCOUNT:
		if (n == 0 || n > WA_CREDS_ACCOUNT_MAX ||
		    (c->account = malloc(n)) == NULL)
			return -1;
		memcpy(c->account, p, n);
		c->account_len = n;
		return 0;
	case REC_TOKEN:
		return wa_creds_token_rec(c, p, n);
	default:
		return -1;
	}
}

int
wa_creds_load(struct wa_creds *c, const void *blob, size_t len)
{
	const unsigned char *p = blob;
	unsigned char sum[32], msg[33];
	struct wa_creds t;
	uint32_t seen = 0;
	size_t off, n;
	unsigned tag;
	const uint32_t required = 1u << REC_NOISE | 1u << REC_IDENTITY |
	    1u << REC_REG_ID | 1u << REC_SPK | 1u << REC_ADV |
	    1u << REC_PREKEY_SEED | 1u << REC_NEXT_PREKEY;

	memset(&t, 0, sizeof(t));
	if (len < sizeof(wa_creds_magic) + 1 + WA_CREDS_SUM ||
	    memcmp(p, wa_creds_magic, sizeof(wa_creds_magic)) != 0 ||
	    p[sizeof(wa_creds_magic)] != WA_CREDS_VERSION)
		return -1;
	len -= WA_CREDS_SUM;
	if (wa_sha256(p, len, sum) == -1 ||
	    CRYPTO_memcmp(sum, p + len, WA_CREDS_SUM) != 0)
		return -1;
	for (off = sizeof(wa_creds_magic) + 1; off < len; off += n) {
		if (len - off < 3)
			goto fail;
		tag = p[off];
		n = (size_t)wa_be_get(p + off + 1, 2);
		off += 3;
		if (tag == 0 || tag > REC_LAST || n > len - off ||
		    (tag != REC_TOKEN && (seen & 1u << tag)))
			goto fail;
		seen |= 1u << tag;
		if (wa_creds_record(&t, tag, p + off, n) == -1)
			goto fail;
	}
	if ((seen & required) != required)
		goto fail;
	/* Paired: the account comes with the JID; a LID needs a JID. */
	if (((seen >> REC_JID) & 1) != ((seen >> REC_ACCOUNT) & 1) ||
	    ((seen & 1u << REC_LID) && !(seen & 1u << REC_JID)))
		goto fail;
	wa_creds_spk_msg(&t, msg);
	if (!wa_curve_verify(t.identity.pub, msg, sizeof(msg), t.spk_sig))
		goto fail;
	wa_creds_clear(c);
	*c = t;
	return 0;
fail:
	wa_creds_clear(&t);
	return -1;
}

int
wa_creds_prekey(const struct wa_creds *c, uint32_t id, struct wa_keypair *kp)
{
	unsigned char info[15] = "wagw prekey", priv[32];
	int rc;

	if (id == 0 || id > WA_PREKEY_ID_MAX)
		return -1;
	wa_be_put(info + 11, id, 4);
	if (wa_hkdf_sha256(NULL, 0, c->prekey_seed, sizeof(c->prekey_seed),
	    info, sizeof(info), priv, sizeof(priv)) == -1)
		return -1;
	rc = wa_curve_from_private(priv, kp);
	OPENSSL_cleanse(priv, sizeof(priv));
	return rc;
}

/* Copies s into dst (cap bytes), cut back to a UTF-8 character boundary. */
static void
wa_creds_name(char *dst, size_t cap, const char *s)
{
	size_t n = strlen(s);

	if (n >= cap) {
		n = cap - 1;
		/* Drop continuation bytes, then the lead byte they follow. */
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
}

int
wa_creds_set_paired(struct wa_creds *c, const char *jid, const char *lid,
    const char *platform, const char *business, const void *account,
    size_t account_len)
{
	char j[JID_STR_MAX], l[JID_STR_MAX] = "";
	unsigned char *acc;

	if (wa_creds_jid(j, (const unsigned char *)jid, strlen(jid),
	    "s.whatsapp.net") == -1 || (lid != NULL && wa_creds_jid(l,
	    (const unsigned char *)lid, strlen(lid), "lid") == -1) ||
	    account_len == 0 || account_len > WA_CREDS_ACCOUNT_MAX ||
	    (acc = malloc(account_len)) == NULL)
		return -1;
	memcpy(acc, account, account_len);
	free(c->account);
	c->account = acc;
	c->account_len = account_len;
	memcpy(c->jid, j, sizeof(j));
	memcpy(c->lid, l, sizeof(l));
	wa_creds_name(c->platform, sizeof(c->platform),
	    platform != NULL ? platform : "");
	wa_creds_name(c->business, sizeof(c->business),
	    business != NULL ? business : "");
	return 0;
}

int
wa_creds_set_lid(struct wa_creds *c, const char *lid)
{
	return wa_creds_jid(c->lid, (const unsigned char *)lid, strlen(lid),
	    "lid");
}

static int
wa_creds_token_match(const struct wa_creds_token *t, const char *jid)
{
	return jid != NULL && jid[0] != '\0' &&
	    (strcmp(t->pn, jid) == 0 || strcmp(t->lid, jid) == 0);
}

int
wa_creds_token_put(struct wa_creds *c, const char *pn, const char *lid,
    int64_t t, const void *token, size_t len, int64_t now_s)
{
	struct wa_creds_token *slot = NULL, *grown;
	size_t i;
	int matched;

	if (pn != NULL && pn[0] == '\0')
		pn = NULL;
	if (lid != NULL && lid[0] == '\0')
		lid = NULL;
	if (len == 0 || len > WA_CREDS_TOKEN_MAX || t < 0 ||
	    t < now_s - WA_CREDS_TOKEN_TTL || (pn == NULL && lid == NULL) ||
	    (pn != NULL && strlen(pn) >= JID_STR_MAX) ||
	    (lid != NULL && strlen(lid) >= JID_STR_MAX))
		return 0;
	/* Drop the stale ones first. */
	for (i = 0; i < c->ntokens;)
		if (c->tokens[i].t < now_s - WA_CREDS_TOKEN_TTL)
			c->tokens[i] = c->tokens[--c->ntokens];
		else
			i++;
	for (i = 0; i < c->ntokens && slot == NULL; i++)
		if (wa_creds_token_match(&c->tokens[i], pn) ||
		    wa_creds_token_match(&c->tokens[i], lid))
			slot = &c->tokens[i];
	if (slot != NULL && slot->t > t)
		return 0;
	matched = slot != NULL;
	if (slot == NULL && c->ntokens == WA_CREDS_TOKENS_MAX) {
		slot = &c->tokens[0];
		for (i = 1; i < c->ntokens; i++)
			if (c->tokens[i].t < slot->t)
				slot = &c->tokens[i];
	}
	if (slot == NULL) {
		if ((grown = reallocarray(c->tokens, c->ntokens + 1,
		    sizeof(*grown))) == NULL)
			return -1;
		c->tokens = grown;
		slot = &c->tokens[c->ntokens++];
	}
	/* The same person: what the new token does not name is kept. */
	if (!matched)
		memset(slot, 0, sizeof(*slot));
	if (pn != NULL)
		strcpy(slot->pn, pn);
	if (lid != NULL)
		strcpy(slot->lid, lid);
	slot->t = t;
	memcpy(slot->token, token, len);
	slot->len = len;
	return 1;
}

const struct wa_creds_token *
wa_creds_token_find(const struct wa_creds *c, const char *jid, int64_t now_s)
{
	size_t i;

	for (i = 0; i < c->ntokens; i++)
		if (wa_creds_token_match(&c->tokens[i], jid) &&
		    c->tokens[i].t >= now_s - WA_CREDS_TOKEN_TTL)
			return &c->tokens[i];
	return NULL;
}
