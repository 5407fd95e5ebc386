/*
 * libFuzzer target: the query-string parser of wagw.fcgi.  The first
 * byte picks the route whose parameters are accepted, the rest is the
 * QUERY_STRING.  Checks what query.h promises of every parse.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/text.h"
#include "gateway/query.h"
#include "gateway/route.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct query q;
	const struct route_def *t;
	struct query_error err;
	size_t n, i, k;

	if (size == 0)
		return 0;
	t = route_table(&n);
	t = &t[data[0] % n];
	if (query_parse(&q, (const char *)data + 1, size - 1, t->params, &err) != 0) {
		if (err.field[0] == '\0' || err.message == NULL)
			__builtin_trap();
		return 0;
	}
	for (i = 0; i < q.n; i++) {
		if (q.param[i].len > QUERY_VALUE_MAX ||
		    strlen(q.param[i].value) != q.param[i].len ||
		    !text_utf8_valid(q.param[i].value, q.param[i].len))
			__builtin_trap();
		for (k = 0; t->params[k] != NULL; k++)
			if (q.param[i].name == t->params[k])
				break;
		if (t->params[k] == NULL)
			__builtin_trap();
		for (k = 0; k < i; k++)
			if (strcmp(q.param[k].name, q.param[i].name) == 0)
				__builtin_trap();
	}
	return 0;
}
