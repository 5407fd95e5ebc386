/*
 * libFuzzer target: every parser of what a WhatsApp server sends, past
 * the node decoder, and the two the daemon feeds from elsewhere (the
 * stored credentials blob, sw.js).  The first byte picks the parser; the
 * rest is a binary node (no flag byte) or, for creds and sw.js, raw.
 * Invariants: nothing crashes or leaks; a credentials blob that loads
 * saves back to the same bytes; replies built from input re-encode.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wa/wa_close.h"
#include "wa/wa_creds.h"
#include "wa/wa_decode.h"
#include "wa/wa_encode.h"
#include "wa/wa_group.h"
#include "wa/wa_iq.h"
#include "wa/wa_pair.h"
#include "wa/wa_paircode.h"
#include "wa/wa_prekey.h"
#include "wa/wa_seen.h"
#include "wa/wa_stanza.h"
#include "wa/wa_usync.h"
#include "wa/wa_version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Fixed credentials, so a run replays. */
static struct wa_creds creds;
static struct wa_paircode pc;

static void
setup(void)
{
	unsigned char k[32];
	int i;

	if (creds.reg_id != 0)
		return;
	for (i = 0; i < 32; i++)
		k[i] = (unsigned char)(i + 1);
	wa_curve_from_private(k, &creds.noise);
	k[0] = 99;
	wa_curve_from_private(k, &creds.identity);
	k[0] = 98;
	wa_curve_from_private(k, &creds.spk);
	memset(creds.adv_secret, 7, 32);
	creds.reg_id = 1;
	creds.spk_id = 1;
	creds.next_prekey = 1;
	memcpy(pc.code, "ABCD1234", 9);
	memcpy(pc.jid, "15551234567@s.whatsapp.net", 27);
	k[0] = 97;
	wa_curve_from_private(k, &pc.eph);
	/*
	 * No ref: wa_paircode_finish reads the notification, then stops
	 * before its PBKDF2 (0.3 s an input); the crypto is tested elsewhere.
	 */
	pc.ref_len = 0;
}

/* Encodes n (when any) to make sure what we built is sendable. */
static void
encodable(struct wa_node *n)
{
	struct wa_buf b = { NULL, 0, 0, 0 };

	if (n != NULL && wa_encode_stanza(n, &b) == -1)
		abort();
	wa_buf_free(&b);
	wa_node_free(n);
}

static void
run_node(unsigned which, const struct wa_node *n)
{
	struct wa_usync_result ur;
	struct wa_group *g;
	struct wa_group_change *ch;
	struct wa_person p[2];
	struct wa_pair_info info;
	struct wa_node *reply;
	struct wa_buf b = { NULL, 0, 0, 0 };
	struct wa_close cl;
	struct wa_creds c;
	struct wa_paircode code;
	size_t k, i;
	uint64_t v;
	int64_t bo;
	int code_n;

	switch (which) {
	case 0:
		if (wa_usync_parse(n, &ur) == 0) {
			for (i = 0; i < ur.n; i++)
				if (ur.users[i].pn == NULL && ur.users[i].lid == NULL &&
				    ur.users[i].query == NULL)
					abort();
			wa_usync_result_free(&ur);
		}
		break;
	case 1:
		if (wa_group_parse_answer(n, &g, &k) == 0)
			wa_group_list_free(g, k);
		break;
	case 2:
		if (wa_group_changes(n, &ch, &k) == 0)
			wa_group_changes_free(ch, k);
		break;
	case 3:
		k = (size_t)wa_seen_stanza(n, "15551234567@s.whatsapp.net",
		    "1@lid", p);
		for (i = 0; i < k; i++)
			wa_person_clear(&p[i]);
		break;
	case 4:
		(void)wa_pair_refs(n, &b);
		break;
	case 5:
		if (wa_pair_success(&creds, n, &info, &reply) == WA_PAIR_OK)
			free(info.account);
		encodable(reply);
		break;
	case 6:
		code = pc;
		(void)wa_paircode_hello_reply(&code, n);
		c = creds;
		encodable(wa_paircode_finish(&pc, &c, n, "1.2-3"));
		break;
	case 7:
		(void)wa_prekey_count_parse(n, &v);
		(void)wa_prekey_low_notification(n);
		break;
	case 8:
		(void)wa_close_failure(n, &cl);
		(void)wa_close_stream_error(n, &cl);
		break;
	default:
		(void)wa_iq_outcome(n, &code_n, &bo);
		(void)wa_stanza_is_server_ping(n);
		if (wa_stanza_needs_ack(n))
			encodable(wa_stanza_ack(n));
		break;
	}
	wa_buf_free(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wa_node *n;
	struct wa_creds c;
	struct wa_buf b = { NULL, 0, 0, 0 };
	uint32_t ver[3];
	unsigned which;

	if (size < 1)
		return 0;
	setup();
	which = data[0] % 12;
	if (which == 10) {
		memset(&c, 0, sizeof(c));
		if (wa_creds_load(&c, data + 1, size - 1) == 0) {
			if (wa_creds_save(&c, &b) == -1 || b.len != size - 1 ||
			    memcmp(b.p, data + 1, b.len) != 0)
				abort();
			wa_creds_clear(&c);
		}
		wa_buf_free(&b);
		return 0;
	}
	if (which == 11) {
		(void)wa_version_parse_sw((const char *)data + 1, size - 1, ver);
		(void)wa_version_parse((const char *)data + 1, size - 1, ver);
		return 0;
	}
	if (wa_decode_node(data + 1, size - 1, &n) == -1)
		return 0;
	run_node(which, n);
	wa_node_free(n);
	return 0;
}
