/*
 * wa-client: the C end of the loopback test (tests/wa/run).  Connects
 * with wa_conn to the test server, logs in, then echoes every node the
 * server sends until it sends <bye/>.  Prints "ok" or "error: <why>" and
 * exits 0 or 1.
 *   wa-client HOST PORT PATH CAFILE|- ROOTHEX NOISEPRIVHEX EPHPRIVHEX|-
 *             USERNAME DEVICE
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wa/wa_conn.h"
#include "wa/wa_payload.h"

static int
unhex32(const char *s, unsigned char out[32])
{
	unsigned v;
	int i;

	if (strlen(s) != 64)
		return -1;
	for (i = 0; i < 32; i++) {
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (unsigned char)v;
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	struct wa_conn_cfg cfg;
	struct wa_client_info ci;
	struct wa_keypair noise, eph;
	struct wa_buf payload = { NULL, 0, 0, 0 };
	struct wa_conn *c = NULL;
	struct wa_node *n = NULL;
	unsigned char priv[32];
	enum wa_conn_err err = WA_CONN_EINTERNAL;
	int echoed = 0;

	if (argc != 10) {
		fprintf(stderr, "usage: see the comment in wa-client.c\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);	/* as wa_conn.h asks */
	memset(&cfg, 0, sizeof(cfg));
	cfg.host = argv[1];
	cfg.port = argv[2];
	cfg.path = argv[3];
	cfg.origin = "https://web.whatsapp.com";
	cfg.tls = strcmp(argv[4], "-") != 0;
	cfg.ca_file = cfg.tls ? argv[4] : NULL;
	cfg.timeout_ms = 5000;
	wa_noise_trust_default(&cfg.trust);
	if (unhex32(argv[5], cfg.trust.root_key) == -1 ||
	    unhex32(argv[6], priv) == -1 ||
	    wa_curve_from_private(priv, &noise) == -1)
		return 2;
	cfg.noise_key = &noise;
	if (strcmp(argv[7], "-") != 0) {
		if (unhex32(argv[7], priv) == -1 ||
		    wa_curve_from_private(priv, &eph) == -1)
			return 2;
		cfg.ephemeral = &eph;
	}
	wa_client_info_default(&ci);
	if (wa_payload_login(&payload, &ci, strtoull(argv[8], NULL, 10),
	    atoi(argv[9])) == -1)
		return 2;
	cfg.payload = payload.p;
	cfg.payload_len = payload.len;

	if ((c = wa_conn_open(&cfg, &err)) == NULL)
		goto out;
	for (;;) {
		if ((err = wa_conn_recv(c, &n)) != WA_CONN_OK)
			goto out;
		if (strcmp(n->tag.p, "bye") == 0)
			break;
		if ((err = wa_conn_send(c, n)) != WA_CONN_OK)
			goto out;
		wa_node_free(n);
		n = NULL;
		echoed++;
	}
	err = WA_CONN_OK;
out:
	wa_node_free(n);
	wa_conn_free(c);
	wa_buf_free(&payload);
	if (err == WA_CONN_OK)
		printf("ok %d\n", echoed);
	else
		printf("error: %s\n", wa_conn_strerror(err));
	return err == WA_CONN_OK ? 0 : 1;
}
