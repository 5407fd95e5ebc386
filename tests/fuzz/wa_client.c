/*
 * libFuzzer target: wa_client, the session state machine, driven by a
 * server the input scripts.  A real encrypted connection is set up with
 * the test server (tests/unit/wa_server.c); then the input is a list of
 * records "op len16 bytes":
 *   op % 5 == 0  the server sends bytes as a node (or, when they do not
 *                decode, as a frame's raw plaintext)
 *   op % 5 == 1  time passes (bytes[0] seconds) and timers run
 *   op % 5 == 2  the driver asks for something (bytes pick what; no
 *                phone code, see request())
 *   op % 5 == 3  raw bytes arrive outside the encrypted transport
 *   op % 5 == 4  the server answers the client's last IQ with the node
 *                in bytes (its id and type set to match)
 * The first input byte picks registration (even) or login (odd).
 * Invariants: no crash or leak; after the connection ends the client
 * accepts nothing but a new start; after the timers ran nothing is
 * still overdue.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wa/wa_client.h"
#include "wa/wa_creds.h"
#include "wa/wa_decode.h"

#include "../unit/wa_server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct wa_buf paired_blob;
static char last_id[64];
static struct wa_client *cur;

static void
on_event(void *arg, const struct wa_event *ev)
{
	const char *phones[] = { "15550000001" };

	(void)arg;
	/* Requests from inside a callback are allowed: try one. */
	if (ev->type == WA_EVENT_CONNECTED && cur != NULL)
		(void)wa_client_check(cur, phones, 1, 1, 0);
}

static void
pump(struct wa_client *c, struct wa_server *s, int64_t now)
{
	const unsigned char *p;
	struct wa_node *n;
	const struct wa_str *id;
	size_t len;
	int moved, guard = 0;

	do {
		moved = 0;
		if ((p = wa_client_output(c, &len)) != NULL) {
			(void)wa_server_input(s, p, len);
			wa_client_written(c, len);
			moved = 1;
		}
		while (wa_server_next(s, &n) == 1) {
			if (wa_node_is(n, "iq") &&
			    (id = wa_node_get(n, "id")) != NULL &&
			    id->len < sizeof(last_id)) {
				memcpy(last_id, id->p, id->len);
				last_id[id->len] = '\0';
			}
			wa_node_free(n);
		}
		if (wa_client_running(c) &&
		    (p = wa_server_output(s, &len)) != NULL) {
			(void)wa_client_input(c, p, len, now);
			wa_server_consume(s, len);
			moved = 1;
		}
	} while (moved && ++guard < 64);
}

static void
request(struct wa_client *c, const uint8_t *b, size_t n, int64_t now)
{
	const char *phones[] = { "15550000001", "+15550000002", "4915112345678" };
	char arg[64];
	size_t k = n > 1 && n - 1 < sizeof(arg) ? n - 1 : 0;

	memcpy(arg, b + 1, k);
	arg[k] = '\0';
	/*
	 * No phone-code pairing: its PBKDF2 (131072 rounds) would cost 0.3 s
	 * an input; check_wa_client and tests/wa cover it.
	 */
	switch (n ? b[0] % 6 : 0) {
	case 0: (void)wa_client_check(c, phones, 3, 1, now); break;
	case 1: (void)wa_client_about(c, k ? arg : "15550000001@s.whatsapp.net",
	    2, now); break;
	case 2: (void)wa_client_groups(c, 3, now); break;
	case 3: (void)wa_client_group(c, k ? arg : "1203@g.us", 4, now); break;
	case 4: (void)wa_client_logout(c, now); break;
	default: wa_client_close(c); break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wa_client_cfg cfg;
	struct wa_client *c = NULL;
	struct wa_server *s;
	struct wa_node *n;
	struct wa_creds cr;
	size_t off = 1, len;
	int64_t now = 0, d;
	unsigned op;

	if (size < 1)
		return 0;
	if (paired_blob.len == 0) {
		if (wa_creds_new(&cr) == -1 ||
		    wa_creds_set_paired(&cr, "15551234567:7@s.whatsapp.net",
		    "99:7@lid", "android", NULL, "x", 1) == -1 ||
		    wa_creds_save(&cr, &paired_blob) == -1)
			abort();
		wa_creds_clear(&cr);
	}
	if ((s = wa_server_new(1790000000, WA_SERVER_CERT_OK)) == NULL)
		return 0;
	wa_client_cfg_default(&cfg);
	wa_server_trust(s, &cfg.trust);
	cfg.prekeys = 3;
	if (data[0] & 1)
		c = wa_client_new(&cfg, paired_blob.p, paired_blob.len, on_event,
		    NULL);
	else
		c = wa_client_new(&cfg, NULL, 0, on_event, NULL);
	if (c == NULL || wa_client_start(c, now) == -1)
		abort();
	cur = c;
	last_id[0] = '\0';
	pump(c, s, now);
	while (off + 3 <= size) {
		op = data[off];
		len = (size_t)data[off + 1] << 8 | data[off + 2];
		off += 3;
		if (len > size - off)
			len = size - off;
		switch (op % 5) {
		case 0:
		case 4:
			if (wa_decode_node(data + off, len, &n) == 0) {
				if (op % 5 == 4 && last_id[0] != '\0') {
					if (wa_node_get(n, "type") == NULL)
						wa_node_attr(n, "type", "result");
					wa_node_attr(n, "id", last_id);
				}
				(void)wa_server_send(s, n);
				wa_node_free(n);
			} else
				(void)wa_server_send_raw(s, data + off, len);
			break;
		case 1:
			now += len ? (int64_t)data[off] * 1000 : 1000;
			(void)wa_client_on_timer(c, now);
			/* What is due has run: the next deadline is later. */
			if (wa_client_running(c) &&
			    (d = wa_client_next_deadline(c)) >= 0 && d <= now)
				abort();
			break;
		case 2:
			request(c, data + off, len, now);
			break;
		default:
			if (wa_client_running(c))
				(void)wa_client_input(c, data + off, len, now);
			break;
		}
		off += len;
		pump(c, s, now);
		if (!wa_client_running(c)) {
			/* Ended: nothing but a new start is accepted. */
			if (wa_client_input(c, "x", 1, now) != -1 ||
			    wa_client_on_timer(c, now) != -1 ||
			    wa_client_next_deadline(c) != -1 ||
			    wa_client_groups(c, 1, now) != -1)
				abort();
			break;
		}
	}
	cur = NULL;
	wa_client_free(c);
	wa_server_free(s);
	return 0;
}
