#include <string.h>

#include <openssl/crypto.h>

#include "wa/wa_prekey.h"
#include "wa/wa_stanza.h"

struct wa_node *
wa_prekey_count_query(const char *id)
{
	struct wa_node *n;

	if ((n = wa_node_new("iq")) == NULL)
		return NULL;
	if (wa_node_attr(n, "id", id) == -1 ||
	    wa_node_attr(n, "xmlns", "encrypt") == -1 ||
	    wa_node_attr(n, "type", "get") == -1 ||
	    wa_node_attr(n, "to", WA_SERVER_JID) == -1 ||
	    wa_node_add_new(n, "count") == NULL) {
		wa_node_free(n);
		return NULL;
	}
	return n;
}

int
wa_prekey_count_parse(const struct wa_node *reply, uint64_t *n)
{
	return wa_node_uint(wa_node_child(reply, "count"), "value", UINT32_MAX,
	    n);
}

static void
wa_be(unsigned char *p, uint32_t v, int n)
{
	int i;

	for (i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

/* <key|skey><id>BE24</id><value>pub</value>[<signature/>]</...> */
static int
wa_prekey_key(struct wa_node *parent, const char *tag, uint32_t id,
    const unsigned char pub[WA_KEY_LEN], const unsigned char *sig)
{
	struct wa_node *k;
	unsigned char b[3];

	wa_be(b, id, 3);
	if ((k = wa_node_add_new(parent, tag)) == NULL ||
	    wa_node_add_bytes(k, "id", b, 3) == NULL ||
	    wa_node_add_bytes(k, "value", pub, WA_KEY_LEN) == NULL ||
	    (sig != NULL && wa_node_add_bytes(k, "signature", sig,
	    WA_SIG_LEN) == NULL))
		return -1;
	return 0;
}

struct wa_node *
wa_prekey_upload(const struct wa_creds *c, const char *id, unsigned count,
    uint32_t *next)
{
	struct wa_node *n, *list;
	struct wa_keypair kp;
	unsigned char reg[4], type = 5;
	uint32_t k = c->next_prekey;
	unsigned i;

	if ((n = wa_node_new("iq")) == NULL)
		return NULL;
	wa_be(reg, c->reg_id, 4);
	if (wa_node_attr(n, "xmlns", "encrypt") == -1 ||
	    wa_node_attr(n, "type", "set") == -1 ||
	    wa_node_attr(n, "to", WA_SERVER_JID) == -1 ||
	    wa_node_attr(n, "id", id) == -1 ||
	    wa_node_add_bytes(n, "registration", reg, 4) == NULL ||
	    wa_node_add_bytes(n, "type", &type, 1) == NULL ||
	    wa_node_add_bytes(n, "identity", c->identity.pub, WA_KEY_LEN) ==
	    NULL || (list = wa_node_add_new(n, "list")) == NULL ||
	    wa_node_set_list(list) == -1)
		goto fail;
	for (i = 0; i < count; i++) {
		if (k == 0 || k > WA_PREKEY_ID_MAX)
			k = 1;
		if (wa_creds_prekey(c, k, &kp) == -1 ||
		    wa_prekey_key(list, "key", k, kp.pub, NULL) == -1)
			goto fail;
		k++;
	}
	if (wa_prekey_key(n, "skey", c->spk_id, c->spk.pub, c->spk_sig) == -1)
		goto fail;
	OPENSSL_cleanse(&kp, sizeof(kp));
	*next = k > WA_PREKEY_ID_MAX ? 1 : k;
	return n;
fail:
	OPENSSL_cleanse(&kp, sizeof(kp));
	wa_node_free(n);
	return NULL;
}

int
wa_prekey_low_notification(const struct wa_node *n)
{
	uint64_t v;

	if (!wa_node_is(n, "notification") ||
	    !wa_node_attr_is(n, "type", "encrypt") ||
	    !wa_stanza_from_server(n) ||
	    wa_node_uint(wa_node_child(n, "count"), "value", UINT32_MAX,
	    &v) == -1)
		return 0;
	return v < WA_PREKEY_MIN;
}
