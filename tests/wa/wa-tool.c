/*
 * wa-tool: the C side of the differential tests (tests/wa/run).  Reads
 * one command per line on stdin, answers one line on stdout:
 *   <cmd> <arg>...   ->   "ok <result>" or "err"
 * Every byte string is hex.  A node is JSON: {"t":tag,"a":[[k,v],...],
 * "c":null|{"s":str}|{"b":bytes}|[node,...]} with hex strings.  Session
 * stanzas (stanza, prekeys, pairsign) come back encoded; parsed replies
 * (usyncparse, groupparse) as plain JSON.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "wa/wa_buf.h"
#include "wa/wa_crypto.h"
#include "wa/wa_curve.h"
#include "wa/wa_decode.h"
#include "wa/wa_encode.h"
#include "wa/wa_node.h"
#include "wa/wa_payload.h"
#include "wa/wa_pb.h"
#include "wa/wa_proto.h"
#include "wa/wa_group.h"
#include "wa/wa_pair.h"
#include "wa/wa_paircode.h"
#include "wa/wa_prekey.h"
#include "wa/wa_stanza.h"
#include "wa/wa_usync.h"
#include "wa/wa_version.h"

#define LINE_MAX_LEN	(64u * 1024 * 1024)

static int
hexval(char c)
{
	return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

static int
unhex(const char *s, struct wa_buf *out)
{
	size_t n = strlen(s), i;
	unsigned v;

	wa_buf_reset(out);
	if (strcmp(s, "-") == 0)	/* the empty string */
		return 0;
	if (n % 2)
		return -1;
	for (i = 0; i < n; i += 2) {
		if (!isxdigit((unsigned char)s[i]) ||
		    !isxdigit((unsigned char)s[i + 1]))
			return -1;
		v = (unsigned)(hexval(s[i]) << 4 | hexval(s[i + 1]));
		wa_buf_byte(out, (uint8_t)v);
	}
	return out->err ? -1 : 0;
}

static void
puthex(const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		printf("%02x", b[i]);
}

static char *
hexstr(const void *p, size_t n)
{
	const unsigned char *b = p;
	char *s = malloc(2 * n + 1);
	size_t i;

	if (s == NULL)
		abort();
	for (i = 0; i < n; i++)
		sprintf(s + 2 * i, "%02x", b[i]);
	s[2 * n] = '\0';
	return s;
}

static int
json_hex(json_object *o, struct wa_buf *b)
{
	if (!json_object_is_type(o, json_type_string))
		return -1;
	return unhex(json_object_get_string(o), b);
}

static struct wa_node *
node_from_json(json_object *o)
{
	struct wa_buf b = { 0 }, v = { 0 };
	struct wa_node *n = NULL, *kid;
	json_object *t, *a, *c, *x;
	size_t i;

	if (!json_object_object_get_ex(o, "t", &t) || json_hex(t, &b) == -1)
		goto fail;
	if ((n = wa_node_newn((char *)b.p, b.len)) == NULL)
		goto fail;
	if (json_object_object_get_ex(o, "a", &a))
		for (i = 0; i < json_object_array_length(a); i++) {
			json_object *kv = json_object_array_get_idx(a, i);

			if (json_hex(json_object_array_get_idx(kv, 0), &b) ||
			    json_hex(json_object_array_get_idx(kv, 1), &v) ||
			    wa_node_attrn(n, (char *)b.p, b.len, (char *)v.p,
			    v.len))
				goto fail;
		}
	if (json_object_object_get_ex(o, "c", &c) && c != NULL) {
		if (json_object_is_type(c, json_type_array)) {
			wa_node_set_list(n);
			for (i = 0; i < json_object_array_length(c); i++) {
				kid = node_from_json(json_object_array_get_idx(c, i));
				if (kid == NULL || wa_node_add(n, kid) == -1)
					goto fail;
			}
		} else if (json_object_object_get_ex(c, "s", &x)) {
			if (json_hex(x, &b) ||
			    wa_node_set_string(n, (char *)b.p, b.len))
				goto fail;
		} else if (json_object_object_get_ex(c, "b", &x)) {
			if (json_hex(x, &b) || wa_node_set_bytes(n, b.p, b.len))
				goto fail;
		} else
			goto fail;
	}
	wa_buf_free(&b);
	wa_buf_free(&v);
	return n;
fail:
	wa_buf_free(&b);
	wa_buf_free(&v);
	wa_node_free(n);
	return NULL;
}

static json_object *
hexobj(const struct wa_str *s)
{
	char *h = hexstr(s->p, s->len);
	json_object *o = json_object_new_string(h);

	free(h);
	return o;
}

static json_object *
node_to_json(const struct wa_node *n)
{
	json_object *o = json_object_new_object(), *a, *kv, *c;
	size_t i;

	json_object_object_add(o, "t", hexobj(&n->tag));
	a = json_object_new_array();
	for (i = 0; i < n->nattrs; i++) {
		kv = json_object_new_array();
		json_object_array_add(kv, hexobj(&n->attrs[i].key));
		json_object_array_add(kv, hexobj(&n->attrs[i].val));
		json_object_array_add(a, kv);
	}
	json_object_object_add(o, "a", a);
	switch (n->ctype) {
	case WA_CONTENT_NONE:
		c = NULL;
		break;
	case WA_CONTENT_STRING:
	case WA_CONTENT_BYTES:
		c = json_object_new_object();
		json_object_object_add(c, n->ctype == WA_CONTENT_STRING ?
		    "s" : "b", hexobj(&n->data));
		break;
	default:
		c = json_object_new_array();
		for (i = 0; i < n->nkids; i++)
			json_object_array_add(c, node_to_json(n->kids[i]));
	}
	json_object_object_add(o, "c", c);
	return o;
}

/* Each command gets its arguments split on spaces. */
static int
cmd_enc(char **av, int ac)
{
	json_object *o;
	struct wa_node *n;
	struct wa_buf out = { 0 };
	int rc = -1;

	if (ac != 1 || (o = json_tokener_parse(av[0])) == NULL)
		return -1;
	if ((n = node_from_json(o)) != NULL &&
	    wa_encode_stanza(n, &out) == 0) {
		printf("ok ");
		puthex(out.p, out.len);
		rc = 0;
	}
	wa_node_free(n);
	json_object_put(o);
	wa_buf_free(&out);
	return rc;
}

static int
cmd_dec(char **av, int ac)
{
	struct wa_buf in = { 0 };
	struct wa_node *n;
	json_object *o;
	int rc = -1;

	if (ac == 1 && unhex(av[0], &in) == 0 &&
	    wa_decode_stanza(in.p, in.len, &n) == 0) {
		o = node_to_json(n);
		printf("ok %s", json_object_to_json_string_ext(o,
		    JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
		wa_node_free(n);
		rc = 0;
	}
	wa_buf_free(&in);
	return rc;
}


/* Arguments as byte strings: av[i] -> a[i]. */
#define ARGS_MAX	6
struct args {
	struct wa_buf	b[ARGS_MAX];
};

static int
args_get(struct args *a, char **av, int ac, int want)
{
	int i;

	memset(a, 0, sizeof(*a));
	if (ac != want || want > ARGS_MAX)
		return -1;
	for (i = 0; i < ac; i++)
		if (unhex(av[i], &a->b[i]) == -1)
			return -1;
	return 0;
}

static void
args_free(struct args *a)
{
	int i;

	for (i = 0; i < ARGS_MAX; i++)
		wa_buf_free(&a->b[i]);
}

static int
reply(int rc, const void *p, size_t n)
{
	if (rc == 0) {
		printf("ok ");
		puthex(p, n);
	}
	return rc;
}

#define A(i)	(a.b[i].p)
#define L(i)	(a.b[i].len)

static int
cmd_hash(char **av, int ac, int which)
{
	struct args a;
	unsigned char out[64];
	int rc = -1;

	if (args_get(&a, av, ac, 1) == 0)
		rc = which == 0 ? reply(wa_sha256(A(0), L(0), out), out, 32) :
		    which == 1 ? reply(wa_sha512(A(0), L(0), out), out, 64) :
		    reply(wa_md5(A(0), L(0), out), out, 16);
	args_free(&a);
	return rc;
}

static int cmd_sha256(char **av, int ac) { return cmd_hash(av, ac, 0); }
static int cmd_sha512(char **av, int ac) { return cmd_hash(av, ac, 1); }
static int cmd_md5(char **av, int ac) { return cmd_hash(av, ac, 2); }

static int
cmd_hmac(char **av, int ac)
{
	struct args a;
	unsigned char out[32];
	int rc = -1;

	if (args_get(&a, av, ac, 2) == 0)
		rc = reply(wa_hmac_sha256(A(0), L(0), A(1), L(1), out), out, 32);
	args_free(&a);
	return rc;
}

/* hkdf ikm salt info outlen(decimal) */
static int
cmd_hkdf(char **av, int ac)
{
	struct args a;
	unsigned char out[1024];
	size_t n = ac == 4 ? strtoul(av[3], NULL, 10) : 0;
	int rc = -1;

	if (n > 0 && n <= sizeof(out) && args_get(&a, av, 3, 3) == 0)
		rc = reply(wa_hkdf_sha256(A(1), L(1), A(0), L(0), A(2), L(2),
		    out, n), out, n);
	args_free(&a);
	return rc;
}

/* pbkdf2 pass salt iter outlen */
static int
cmd_pbkdf2(char **av, int ac)
{
	struct args a;
	unsigned char out[256];
	size_t n = ac == 4 ? strtoul(av[3], NULL, 10) : 0;
	int rc = -1;

	if (n > 0 && n <= sizeof(out) && args_get(&a, av, 2, 2) == 0)
		rc = reply(wa_pbkdf2_sha256(A(0), L(0), A(1), L(1),
		    (unsigned)strtoul(av[2], NULL, 10), out, n), out, n);
	args_free(&a);
	return rc;
}

/* gcmenc|gcmdec key iv aad data */
static int
cmd_gcm(char **av, int ac, int enc)
{
	struct args a;
	unsigned char *out = NULL;
	int rc = -1;

	if (args_get(&a, av, ac, 4) == 0 && L(0) == 32 && L(1) == 12 &&
	    (out = malloc(L(3) + 16)) != NULL)
		rc = enc ? reply(wa_aes_gcm_encrypt(A(0), A(1), A(2), L(2),
		    A(3), L(3), out), out, L(3) + 16) :
		    reply(wa_aes_gcm_decrypt(A(0), A(1), A(2), L(2), A(3), L(3),
		    out), out, L(3) - 16);
	free(out);
	args_free(&a);
	return rc;
}

static int cmd_gcmenc(char **av, int ac) { return cmd_gcm(av, ac, 1); }
static int cmd_gcmdec(char **av, int ac) { return cmd_gcm(av, ac, 0); }

static int
cmd_ctr(char **av, int ac)
{
	struct args a;
	unsigned char *out = NULL;
	int rc = -1;

	if (args_get(&a, av, ac, 3) == 0 && L(0) == 32 && L(1) == 16 &&
	    (out = malloc(L(2) + 1)) != NULL)
		rc = reply(wa_aes_ctr(A(0), A(1), A(2), L(2), out), out, L(2));
	free(out);
	args_free(&a);
	return rc;
}

static int
cmd_x25519pub(char **av, int ac)
{
	struct args a;
	struct wa_keypair kp;
	int rc = -1;

	if (args_get(&a, av, ac, 1) == 0 && L(0) == 32)
		rc = reply(wa_curve_from_private(A(0), &kp), kp.pub, 32);
	args_free(&a);
	return rc;
}

static int
cmd_x25519(char **av, int ac)
{
	struct args a;
	unsigned char out[32];
	int rc = -1;

	if (args_get(&a, av, ac, 2) == 0 && L(0) == 32 && L(1) == 32)
		rc = reply(wa_curve_shared(A(0), A(1), out), out, 32);
	args_free(&a);
	return rc;
}

static int
cmd_sign(char **av, int ac)
{
	struct args a;
	unsigned char sig[64];
	int rc = -1;

	if (args_get(&a, av, ac, 2) == 0 && L(0) == 32)
		rc = reply(wa_curve_sign(A(0), A(1), L(1), sig), sig, 64);
	args_free(&a);
	return rc;
}

static int
cmd_verify(char **av, int ac)
{
	struct args a;
	int rc = -1;

	if (args_get(&a, av, ac, 3) == 0 && L(0) == 32 && L(2) == 64) {
		printf("ok %d", wa_curve_verify(A(0), A(1), L(1), A(2)));
		rc = 0;
	}
	args_free(&a);
	return rc;
}

static const struct wa_pb_desc *
pb_find(const char *name)
{
	size_t i;

	for (i = 0; wa_pb_all[i] != NULL; i++)
		if (strcmp(wa_pb_all[i]->name, name) == 0)
			return wa_pb_all[i];
	return NULL;
}

static json_object *
pb_schema(const struct wa_pb_desc *d)
{
	static const char *types[] = { "uint", "bool", "sfixed32", "bytes",
	    "msg" };
	json_object *o = json_object_new_object(), *fs = json_object_new_array();
	size_t i;

	json_object_object_add(o, "name", json_object_new_string(d->name));
	for (i = 0; i < d->nfields; i++) {
		json_object *f = json_object_new_object();

		json_object_object_add(f, "num",
		    json_object_new_int((int)d->fields[i].num));
		json_object_object_add(f, "name",
		    json_object_new_string(d->fields[i].name));
		json_object_object_add(f, "type",
		    json_object_new_string(types[d->fields[i].type]));
		if (d->fields[i].sub != NULL)
			json_object_object_add(f, "sub",
			    pb_schema(d->fields[i].sub));
		json_object_array_add(fs, f);
	}
	json_object_object_add(o, "fields", fs);
	return o;
}

static int
cmd_pbschema(char **av, int ac)
{
	json_object *a = json_object_new_array();
	size_t i;

	(void)av;
	if (ac != 0)
		return -1;
	for (i = 0; wa_pb_all[i] != NULL; i++)
		json_object_array_add(a, pb_schema(wa_pb_all[i]));
	printf("ok %s", json_object_to_json_string_ext(a,
	    JSON_C_TO_STRING_PLAIN));
	json_object_put(a);
	return 0;
}

/* JSON -> struct; byte fields point into bufs (kept until the free). */
static void *
pb_from_json(const struct wa_pb_desc *d, json_object *o)
{
	unsigned char *msg = calloc(1, d->size);
	json_object *v;
	size_t i;

	if (msg == NULL)
		abort();
	for (i = 0; i < d->nfields; i++) {
		const struct wa_pb_field *f = &d->fields[i];

		if (!json_object_object_get_ex(o, f->name, &v))
			continue;
		if (f->type == WA_PB_MSG)
			*(void **)(void *)(msg + f->off) = pb_from_json(f->sub, v);
		else if (f->type == WA_PB_BYTES) {
			struct wa_pb_bytes *b = (void *)(msg + f->off);
			struct wa_buf t = { 0 };

			if (unhex(json_object_get_string(v), &t) == -1)
				abort();
			b->p = t.p ? t.p : (unsigned char *)strdup("");
			b->len = t.len;
			b->has = 1;
		} else {
			struct wa_pb_uint *u = (void *)(msg + f->off);

			u->v = f->type == WA_PB_BOOL ?
			    (uint64_t)json_object_get_boolean(v) :
			    strtoull(json_object_get_string(v), NULL, 10);
			u->has = 1;
		}
	}
	return msg;
}

static json_object *
pb_to_json(const struct wa_pb_desc *d, const void *m)
{
	const unsigned char *msg = m;
	json_object *o = json_object_new_object();
	char num[32];
	size_t i;

	for (i = 0; i < d->nfields; i++) {
		const struct wa_pb_field *f = &d->fields[i];

		if (f->type == WA_PB_MSG) {
			const void *sub = *(void *const *)(msg + f->off);

			if (sub != NULL)
				json_object_object_add(o, f->name,
				    pb_to_json(f->sub, sub));
		} else if (f->type == WA_PB_BYTES) {
			const struct wa_pb_bytes *b = (const void *)(msg + f->off);
			char *h;

			if (!b->has)
				continue;
			h = hexstr(b->p, b->len);
			json_object_object_add(o, f->name,
			    json_object_new_string(h));
			free(h);
		} else {
			const struct wa_pb_uint *u = (const void *)(msg + f->off);

			if (!u->has)
				continue;
			if (f->type == WA_PB_BOOL)
				json_object_object_add(o, f->name,
				    json_object_new_boolean(u->v != 0));
			else {
				snprintf(num, sizeof(num), "%llu",
				    (unsigned long long)u->v);
				json_object_object_add(o, f->name,
				    json_object_new_string(num));
			}
		}
	}
	return o;
}

static int
cmd_pbenc(char **av, int ac)
{
	const struct wa_pb_desc *d;
	json_object *o;
	struct wa_buf out = { 0 };
	void *msg;
	int rc;

	if (ac != 2 || (d = pb_find(av[0])) == NULL ||
	    (o = json_tokener_parse(av[1])) == NULL)
		return -1;
	msg = pb_from_json(d, o);
	rc = wa_pb_encode(d, msg, &out);
	reply(rc, out.p, out.len);
	wa_pb_free(d, msg);	/* the tool owns these copies */
	json_object_put(o);
	wa_buf_free(&out);
	return rc;
}

static int
cmd_pbdec(char **av, int ac)
{
	const struct wa_pb_desc *d;
	struct wa_buf in = { 0 };
	json_object *o;
	void *msg;
	int rc = -1;

	if (ac == 2 && (d = pb_find(av[0])) != NULL &&
	    unhex(av[1], &in) == 0 &&
	    wa_pb_decode(d, in.p, in.len, &msg) == 0) {
		o = pb_to_json(d, msg);
		printf("ok %s", json_object_to_json_string_ext(o,
		    JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
		wa_pb_free(d, msg);
		rc = 0;
	}
	wa_buf_free(&in);
	return rc;
}

/* login <username> <device|-1> */
static int
cmd_login(char **av, int ac)
{
	struct wa_client_info ci;
	struct wa_buf out = { 0 };
	int rc;

	if (ac != 2)
		return -1;
	wa_client_info_default(&ci);
	rc = wa_payload_login(&out, &ci, strtoull(av[0], NULL, 10),
	    atoi(av[1]));
	reply(rc, out.p, out.len);
	wa_buf_free(&out);
	return rc;
}

/* register <regid> <identpub> <spkid> <spkpub> <spksig> */
static int
cmd_register(char **av, int ac)
{
	struct wa_client_info ci;
	struct wa_buf out = { 0 }, ip = { 0 }, sp = { 0 }, ss = { 0 };
	int rc = -1;

	wa_client_info_default(&ci);
	if (ac == 5 && unhex(av[1], &ip) == 0 && ip.len == 32 &&
	    unhex(av[3], &sp) == 0 && sp.len == 32 &&
	    unhex(av[4], &ss) == 0 && ss.len == 64) {
		rc = wa_payload_register(&out, &ci,
		    (uint32_t)strtoul(av[0], NULL, 10), ip.p,
		    (uint32_t)strtoul(av[2], NULL, 10), sp.p, ss.p);
		reply(rc, out.p, out.len);
	}
	wa_buf_free(&out);
	wa_buf_free(&ip);
	wa_buf_free(&sp);
	wa_buf_free(&ss);
	return rc;
}

/* Prints a node encoded as a stanza (flag byte first), freeing it. */
static int
reply_node(struct wa_node *n)
{
	struct wa_buf b = { 0 };
	int rc = n != NULL ? wa_encode_stanza(n, &b) : -1;

	reply(rc, b.p, b.len);
	wa_node_free(n);
	wa_buf_free(&b);
	return rc;
}

/* A decoded stanza (flag byte first) from hex. */
static struct wa_node *
stanza_from_hex(const char *h)
{
	struct wa_buf in = { 0 };
	struct wa_node *n = NULL;

	if (unhex(h, &in) == -1 || wa_decode_stanza(in.p, in.len, &n) == -1)
		n = NULL;
	wa_buf_free(&in);
	return n;
}

/* pairsign <stanza> <identity priv> <adv secret> -> "<err> <reply>" */
static int
cmd_pairsign(char **av, int ac)
{
	struct wa_creds c;
	struct wa_pair_info info;
	struct wa_node *n, *r = NULL;
	struct wa_buf ip = { 0 }, adv = { 0 }, out = { 0 };
	enum wa_pair_err err;
	int rc = -1;

	memset(&c, 0, sizeof(c));
	if (ac != 3 || (n = stanza_from_hex(av[0])) == NULL)
		return -1;
	if (unhex(av[1], &ip) == 0 && ip.len == 32 && unhex(av[2], &adv) == 0 &&
	    adv.len == 32 && wa_curve_from_private(ip.p, &c.identity) == 0) {
		memcpy(c.adv_secret, adv.p, 32);
		err = wa_pair_success(&c, n, &info, &r);
		free(info.account);
		if (r != NULL && wa_encode_stanza(r, &out) == 0) {
			printf("ok %d ", (int)err);
			puthex(out.p, out.len);
			rc = 0;
		}
	}
	wa_node_free(r);
	wa_node_free(n);
	wa_buf_free(&ip);
	wa_buf_free(&adv);
	wa_buf_free(&out);
	return rc;
}

/* pcencode <5 bytes> -> the code as hex of its ASCII */
static int
cmd_pcencode(char **av, int ac)
{
	struct args a;
	char code[WA_PAIRCODE_LEN + 1];
	int rc = -1;

	if (args_get(&a, av, ac, 1) == 0 && L(0) == 5) {
		wa_paircode_encode(A(0), code);
		rc = reply(0, code, WA_PAIRCODE_LEN);
	}
	args_free(&a);
	return rc;
}

/* a NUL-terminated copy of argument i (an ASCII code) */
static void
code_of(const struct args *a, int i, char code[16])
{
	size_t n = a->b[i].len < 15 ? a->b[i].len : 15;

	memcpy(code, a->b[i].p, n);
	code[n] = '\0';
}

/* pcwrap <code> <salt> <iv> <pub> | pcunwrap <code> <80 bytes> */
static int
cmd_pcwrap(char **av, int ac)
{
	struct args a;
	unsigned char out[WA_PAIRCODE_WRAPPED];
	char code[16];
	int rc = -1;

	if (args_get(&a, av, ac, 4) == 0 && L(1) == 32 && L(2) == 16 &&
	    L(3) == 32) {
		code_of(&a, 0, code);
		rc = reply(wa_paircode_wrap(code, A(1), A(2), A(3), out), out,
		    sizeof(out));
	}
	args_free(&a);
	return rc;
}

static int
cmd_pcunwrap(char **av, int ac)
{
	struct args a;
	unsigned char pub[32];
	char code[16];
	int rc = -1;

	if (args_get(&a, av, ac, 2) == 0 && L(1) == WA_PAIRCODE_WRAPPED) {
		code_of(&a, 0, code);
		rc = reply(wa_paircode_unwrap(code, A(1), pub), pub, 32);
	}
	args_free(&a);
	return rc;
}

/* pcbundle <eph> <salt> <nonce> <ident> <primary> <adv random> */
static int
cmd_pcbundle(char **av, int ac)
{
	struct args a;
	unsigned char out[WA_PAIRCODE_BUNDLE];
	int rc = -1;

	if (args_get(&a, av, ac, 6) == 0 && L(0) == 32 && L(1) == 32 &&
	    L(2) == 12 && L(3) == 32 && L(4) == 32 && L(5) == 32)
		rc = reply(wa_paircode_bundle(A(0), A(1), A(2), A(3), A(4), A(5),
		    out), out, sizeof(out));
	args_free(&a);
	return rc;
}

/* pcadv <eph shared> <identity shared> <adv random> */
static int
cmd_pcadv(char **av, int ac)
{
	struct args a;
	unsigned char out[32];
	int rc = -1;

	if (args_get(&a, av, ac, 3) == 0 && L(0) == 32 && L(1) == 32 &&
	    L(2) == 32)
		rc = reply(wa_paircode_adv_secret(A(0), A(1), A(2), out), out, 32);
	args_free(&a);
	return rc;
}

/*
 * stanza <kind> <args>: ping|passive|count|groups <id>; logout <id> <jid>;
 * offline <n>; iqresult <to> <id>; group <id> <jid>; ack <node json>;
 * check <id> <sid> <phone>...; about <id> <sid> <jid> [token hex]
 * (ids and JIDs as plain text).
 */
static int
cmd_stanza(char **av, int ac)
{
	struct wa_str id;
	json_object *o;
	struct wa_node *n = NULL, *in;
	struct wa_buf tok = { 0 };
	const char *k;
	int rc;

	if (ac < 2)
		return -1;
	k = av[0];
	if (strcmp(k, "ping") == 0)
		n = wa_stanza_ping(av[1]);
	else if (strcmp(k, "passive") == 0)
		n = wa_stanza_passive(av[1], 1);
	else if (strcmp(k, "count") == 0)
		n = wa_prekey_count_query(av[1]);
	else if (strcmp(k, "groups") == 0)
		n = wa_group_all_query(av[1]);
	else if (strcmp(k, "offline") == 0)
		n = wa_stanza_offline_batch((unsigned)strtoul(av[1], NULL, 10));
	else if (strcmp(k, "logout") == 0 && ac == 3)
		n = wa_stanza_logout(av[1], av[2]);
	else if (strcmp(k, "group") == 0 && ac == 3)
		n = wa_group_one_query(av[1], av[2]);
	else if (strcmp(k, "iqresult") == 0 && ac == 3) {
		id.p = av[2];
		id.len = strlen(av[2]);
		n = wa_stanza_iq_result(av[1], &id);
	} else if (strcmp(k, "ack") == 0) {
		if ((o = json_tokener_parse(av[1])) == NULL)
			return -1;
		if ((in = node_from_json(o)) != NULL)
			n = wa_stanza_ack(in);
		wa_node_free(in);
		json_object_put(o);
	} else if (strcmp(k, "check") == 0 && ac >= 4)
		n = wa_usync_check_query(av[1], av[2], (const char *const *)av + 3,
		    (size_t)ac - 3);
	else if (strcmp(k, "about") == 0 && (ac == 4 || ac == 5)) {
		if (ac == 5 && unhex(av[4], &tok) == -1)
			return -1;
		n = wa_usync_about_query(av[1], av[2], av[3], ac == 5 ? tok.p :
		    NULL, tok.len);
	}
	rc = reply_node(n);
	wa_buf_free(&tok);
	return rc;
}

/*
 * prekeys <seed> <identity priv> <spk priv> <spk sig> <regid> <spk id>
 * <first id> <n> -> {"node":hex,"next":n,"keys":[[id,pub hex],...],
 * "identity":pub,"spk":pub}
 */
static int
cmd_prekeys(char **av, int ac)
{
	struct args a;
	struct wa_creds c;
	struct wa_keypair kp;
	struct wa_buf b = { 0 };
	struct wa_node *n;
	json_object *o, *keys, *k;
	uint32_t next, id;
	unsigned i, count;
	char *h;
	int rc = -1;

	memset(&c, 0, sizeof(c));
	if (ac != 8 || args_get(&a, av, 4, 4) == -1) {
		args_free(&a);
		return -1;
	}
	if (L(0) == 32 && L(1) == 32 && L(2) == 32 && L(3) == 64 &&
	    wa_curve_from_private(A(1), &c.identity) == 0 &&
	    wa_curve_from_private(A(2), &c.spk) == 0) {
		memcpy(c.prekey_seed, A(0), 32);
		memcpy(c.spk_sig, A(3), 64);
		c.reg_id = (uint32_t)strtoul(av[4], NULL, 10);
		c.spk_id = (uint32_t)strtoul(av[5], NULL, 10);
		c.next_prekey = (uint32_t)strtoul(av[6], NULL, 10);
		count = (unsigned)strtoul(av[7], NULL, 10);
		if ((n = wa_prekey_upload(&c, "pk-1", count, &next)) != NULL &&
		    wa_encode_stanza(n, &b) == 0) {
			o = json_object_new_object();
			h = hexstr(b.p, b.len);
			json_object_object_add(o, "node", json_object_new_string(h));
			free(h);
			json_object_object_add(o, "next", json_object_new_int64(next));
			keys = json_object_new_array();
			for (i = 0, id = c.next_prekey; i < count; i++, id++) {
				if (id > WA_PREKEY_ID_MAX)
					id = 1;
				wa_creds_prekey(&c, id, &kp);
				k = json_object_new_array();
				json_object_array_add(k, json_object_new_int64(id));
				h = hexstr(kp.pub, 32);
				json_object_array_add(k, json_object_new_string(h));
				free(h);
				json_object_array_add(keys, k);
			}
			json_object_object_add(o, "keys", keys);
			h = hexstr(c.identity.pub, 32);
			json_object_object_add(o, "identity", json_object_new_string(h));
			free(h);
			h = hexstr(c.spk.pub, 32);
			json_object_object_add(o, "spk", json_object_new_string(h));
			free(h);
			printf("ok %s", json_object_to_json_string_ext(o,
			    JSON_C_TO_STRING_PLAIN));
			json_object_put(o);
			rc = 0;
		}
		wa_node_free(n);
	}
	wa_buf_free(&b);
	args_free(&a);
	return rc;
}

static json_object *
jstr(const char *s)
{
	return s != NULL ? json_object_new_string(s) : NULL;
}

/* usyncparse <stanza> -> {"error","backoff","users":[...]} */
static int
cmd_usyncparse(char **av, int ac)
{
	static const char *about[] = { "none", "text", "hidden", "unset" };
	static const char *contact[] = { "unknown", "in", "out" };
	struct wa_usync_result r;
	struct wa_node *n;
	json_object *o, *users, *u;
	size_t i;
	char *h;

	if (ac != 1 || (n = stanza_from_hex(av[0])) == NULL)
		return -1;
	if (wa_usync_parse(n, &r) == -1) {
		wa_node_free(n);
		return -1;
	}
	o = json_object_new_object();
	json_object_object_add(o, "error", json_object_new_int(r.error));
	json_object_object_add(o, "backoff", json_object_new_int64(r.backoff_s));
	users = json_object_new_array();
	for (i = 0; i < r.n; i++) {
		u = json_object_new_object();
		json_object_object_add(u, "jid", jstr(r.users[i].jid));
		json_object_object_add(u, "pn", jstr(r.users[i].pn));
		json_object_object_add(u, "lid", jstr(r.users[i].lid));
		json_object_object_add(u, "contact",
		    jstr(contact[r.users[i].contact]));
		json_object_object_add(u, "about", jstr(about[r.users[i].about]));
		if (r.users[i].about_text != NULL) {
			h = hexstr(r.users[i].about_text->p,
			    r.users[i].about_text->len);
			json_object_object_add(u, "text", json_object_new_string(h));
			free(h);
		}
		json_object_object_add(u, "t",
		    json_object_new_int64(r.users[i].about_t));
		json_object_object_add(u, "business", jstr(r.users[i].business));
		json_object_object_add(u, "error",
		    json_object_new_int(r.users[i].error));
		json_object_array_add(users, u);
	}
	json_object_object_add(o, "users", users);
	printf("ok %s", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	wa_usync_result_free(&r);
	wa_node_free(n);
	return 0;
}

/* groupparse <stanza> -> [{"jid",...,"members":[...]}] */
static int
cmd_groupparse(char **av, int ac)
{
	static const char *roles[] = { "member", "admin", "superadmin" };
	struct wa_group *g;
	struct wa_node *n;
	json_object *a, *o, *ms, *m;
	size_t ng, i, k;
	char *h;

	if (ac != 1 || (n = stanza_from_hex(av[0])) == NULL)
		return -1;
	if (wa_group_parse_answer(n, &g, &ng) == -1) {
		wa_node_free(n);
		return -1;
	}
	a = json_object_new_array();
	for (i = 0; i < ng; i++) {
		o = json_object_new_object();
		json_object_object_add(o, "jid", jstr(g[i].jid));
		json_object_object_add(o, "subject", jstr(g[i].subject));
		json_object_object_add(o, "subject_t",
		    json_object_new_int64(g[i].subject_t));
		json_object_object_add(o, "subject_owner", jstr(g[i].subject_owner));
		json_object_object_add(o, "owner", jstr(g[i].owner));
		json_object_object_add(o, "owner_pn", jstr(g[i].owner_pn));
		json_object_object_add(o, "creation",
		    json_object_new_int64(g[i].creation));
		json_object_object_add(o, "size", json_object_new_int64(
		    (int64_t)g[i].size));
		if (g[i].description != NULL) {
			h = hexstr(g[i].description->p, g[i].description->len);
			json_object_object_add(o, "desc", json_object_new_string(h));
			free(h);
		}
		json_object_object_add(o, "desc_id", jstr(g[i].description_id));
		json_object_object_add(o, "announce",
		    json_object_new_boolean(g[i].announce));
		json_object_object_add(o, "locked",
		    json_object_new_boolean(g[i].locked));
		json_object_object_add(o, "ephemeral",
		    json_object_new_int64(g[i].ephemeral));
		ms = json_object_new_array();
		for (k = 0; k < g[i].nmembers; k++) {
			m = json_object_new_object();
			json_object_object_add(m, "jid", jstr(g[i].members[k].jid));
			json_object_object_add(m, "pn", jstr(g[i].members[k].pn));
			json_object_object_add(m, "lid", jstr(g[i].members[k].lid));
			json_object_object_add(m, "role",
			    jstr(roles[g[i].members[k].role]));
			json_object_array_add(ms, m);
		}
		json_object_object_add(o, "members", ms);
		json_object_array_add(a, o);
	}
	printf("ok %s", json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN));
	json_object_put(a);
	wa_group_list_free(g, ng);
	wa_node_free(n);
	return 0;
}

/* version: the built-in WA Web version */
static int
cmd_version(char **av, int ac)
{
	char buf[WA_VERSION_STR_MAX];

	(void)av;
	if (ac != 0)
		return -1;
	printf("ok %s", wa_version_format(wa_version_builtin, buf));
	return 0;
}

static const struct {
	const char	*name;
	int		(*fn)(char **, int);
} cmds[] = {
	{ "version", cmd_version },
	{ "pairsign", cmd_pairsign },
	{ "pcencode", cmd_pcencode },
	{ "pcwrap", cmd_pcwrap },
	{ "pcunwrap", cmd_pcunwrap },
	{ "pcbundle", cmd_pcbundle },
	{ "pcadv", cmd_pcadv },
	{ "stanza", cmd_stanza },
	{ "prekeys", cmd_prekeys },
	{ "usyncparse", cmd_usyncparse },
	{ "groupparse", cmd_groupparse },
	{ "enc", cmd_enc },
	{ "dec", cmd_dec },
	{ "sha256", cmd_sha256 },
	{ "sha512", cmd_sha512 },
	{ "md5", cmd_md5 },
	{ "hmac", cmd_hmac },
	{ "hkdf", cmd_hkdf },
	{ "pbkdf2", cmd_pbkdf2 },
	{ "gcmenc", cmd_gcmenc },
	{ "gcmdec", cmd_gcmdec },
	{ "ctr", cmd_ctr },
	{ "x25519pub", cmd_x25519pub },
	{ "x25519", cmd_x25519 },
	{ "sign", cmd_sign },
	{ "verify", cmd_verify },
	{ "pbschema", cmd_pbschema },
	{ "login", cmd_login },
	{ "register", cmd_register },
	{ "pbenc", cmd_pbenc },
	{ "pbdec", cmd_pbdec },
};

int
main(void)
{
	char *line = NULL, *av[1024], *p;
	size_t cap = 0, i;
	ssize_t len;
	int ac, done;

	while ((len = getline(&line, &cap, stdin)) != -1) {
		if ((size_t)len > LINE_MAX_LEN)
			return 1;
		if (len > 0 && line[len - 1] == '\n')
			line[len - 1] = '\0';
		ac = 0;
		for (p = strtok(line, " "); p != NULL && ac < 1024;
		    p = strtok(NULL, " "))
			av[ac++] = p;
		done = 0;
		for (i = 0; ac > 0 && i < sizeof(cmds) / sizeof(cmds[0]); i++)
			if (strcmp(av[0], cmds[i].name) == 0) {
				if (cmds[i].fn(av + 1, ac - 1) == -1)
					printf("err");
				done = 1;
			}
		if (!done)
			printf("err unknown command");
		printf("\n");
		fflush(stdout);
	}
	free(line);
	return 0;
}
