#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wa/wa_crypto.h"
#include "wa/wa_iq.h"

int
wa_iq_init(struct wa_iq *q)
{
	unsigned char r[4];

	memset(q, 0, sizeof(*q));
	if (wa_random(r, sizeof(r)) == -1)
		return -1;
	snprintf(q->prefix, sizeof(q->prefix), "%u.%u-",
	    (unsigned)(r[0] << 8 | r[1]), (unsigned)(r[2] << 8 | r[3]));
	q->next = 1;
	return 0;
}

void
wa_iq_free(struct wa_iq *q)
{
	free(q->w);
	memset(q, 0, sizeof(*q));
}

void
wa_iq_id(struct wa_iq *q, char id[WA_IQ_ID_MAX])
{
	snprintf(id, WA_IQ_ID_MAX, "%s%u", q->prefix, q->next);
	if (++q->next == 0)
		q->next = 1;
}

int
wa_iq_add(struct wa_iq *q, int kind, uint64_t cookie, void *ctx,
    int64_t deadline, char id[WA_IQ_ID_MAX])
{
	struct wa_iq_waiter *w;
	size_t cap;

	if (q->n == q->cap) {
		cap = q->cap ? q->cap * 2 : 4;
		if ((w = reallocarray(q->w, cap, sizeof(*w))) == NULL)
			return -1;
		q->w = w;
		q->cap = cap;
	}
	w = &q->w[q->n++];
	w->seq = q->next;
	w->kind = kind;
	w->cookie = cookie;
	w->deadline = deadline;
	w->ctx = ctx;
	wa_iq_id(q, id);
	return 0;
}

/* Removes waiter i into *out, keeping the others in order. */
static int
wa_iq_remove(struct wa_iq *q, size_t i, struct wa_iq_waiter *out)
{
	*out = q->w[i];
	memmove(&q->w[i], &q->w[i + 1], (q->n - i - 1) * sizeof(*q->w));
	if (--q->n == 0) {
		free(q->w);
		q->w = NULL;
		q->cap = 0;
	}
	return 1;
}

int
wa_iq_take(struct wa_iq *q, const struct wa_str *id, struct wa_iq_waiter *out)
{
	size_t plen = strlen(q->prefix), i;
	uint64_t seq = 0;

	if (id == NULL || id->len <= plen || id->len > plen + 10 ||
	    memcmp(id->p, q->prefix, plen) != 0 || id->p[plen] == '0')
		return 0;
	for (i = plen; i < id->len; i++) {
		if (id->p[i] < '0' || id->p[i] > '9')
			return 0;
		seq = seq * 10 + (uint64_t)(id->p[i] - '0');
	}
	for (i = 0; i < q->n; i++)
		if (q->w[i].seq == seq)
			return wa_iq_remove(q, i, out);
	return 0;
}

int
wa_iq_take_expired(struct wa_iq *q, int64_t now, struct wa_iq_waiter *out)
{
	size_t i;

	for (i = 0; i < q->n; i++)
		if (q->w[i].deadline <= now)
			return wa_iq_remove(q, i, out);
	return 0;
}

int
wa_iq_take_any(struct wa_iq *q, struct wa_iq_waiter *out)
{
	return q->n ? wa_iq_remove(q, 0, out) : 0;
}

int
wa_iq_take_kind(struct wa_iq *q, int kind, struct wa_iq_waiter *out)
{
	size_t i;

	for (i = 0; i < q->n; i++)
		if (q->w[i].kind == kind)
			return wa_iq_remove(q, i, out);
	return 0;
}

int64_t
wa_iq_deadline(const struct wa_iq *q)
{
	int64_t d = -1;
	size_t i;

	for (i = 0; i < q->n; i++)
		if (d < 0 || q->w[i].deadline < d)
			d = q->w[i].deadline;
	return d;
}

size_t
wa_iq_count(const struct wa_iq *q, int kind)
{
	size_t i, n = 0;

	for (i = 0; i < q->n; i++)
		if (kind < 0 || q->w[i].kind == kind)
			n++;
	return n;
}

enum wa_iq_status
wa_iq_status_of(int code)
{
	switch (code) {
	case 429:	return WA_IQ_RATE_LIMITED;
	case 400:	return WA_IQ_BAD_REQUEST;
	case 401:
	case 403:	return WA_IQ_FORBIDDEN;
	case 404:	return WA_IQ_NOT_FOUND;
	default:	return WA_IQ_SERVER_ERROR;
	}
}

enum wa_iq_status
wa_iq_outcome(const struct wa_node *reply, int *code, int64_t *backoff_s)
{
	const struct wa_node *err;
	uint64_t v;

	*code = 0;
	*backoff_s = 0;
	if (wa_node_attr_is(reply, "type", "result"))
		return WA_IQ_OK;
	if (!wa_node_attr_is(reply, "type", "error") ||
	    (err = wa_node_child(reply, "error")) == NULL ||
	    wa_node_uint(err, "code", 999, &v) == -1)
		return WA_IQ_MALFORMED;
	*code = (int)v;
	if (wa_node_uint(err, "backoff", INT32_MAX, &v) == 0)
		*backoff_s = (int64_t)v;
	return wa_iq_status_of(*code);
}

const char *
wa_iq_strstatus(enum wa_iq_status s)
{
	static const char *names[] = {
		"ok", "rate limited", "bad request", "forbidden", "not found",
		"server error", "malformed answer", "timed out",
		"connection closed",
	};

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] :
	    "unknown";
}
