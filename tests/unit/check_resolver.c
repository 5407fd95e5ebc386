/*
 * resolver: names resolved off the loop; answers come from the loop,
 * never from inside resolver_lookup; the cache answers a second lookup;
 * a cancelled query is never answered; failures are reported.
 */
#include <netinet/in.h>
#include <sys/socket.h>

#include <netdb.h>
#include <string.h>

#include <check.h>

#include "unit.h"
#include "sessiond/loop.h"
#include "sessiond/resolver.h"

struct answer {
	struct loop	*loop;
	int		 calls;
	int		 in_lookup;	/* set while resolver_lookup runs */
	int		 from_inside;
	struct resolver_result res;
	int		 stop_at;
};

static struct answer *current;

static void
on_answer(void *arg, const struct resolver_result *res)
{
	struct answer *a = arg;

	if (a->in_lookup)
		a->from_inside = 1;
	a->calls++;
	a->res = *res;
	if (current != NULL && --current->stop_at == 0)
		loop_stop(a->loop);
}

static void
on_timeout(void *arg)
{
	loop_stop(arg);
}

static struct resolver_query *
lookup(struct resolver *r, struct answer *a, const char *host, const char *port)
{
	struct resolver_query *q;

	a->in_lookup = 1;
	q = resolver_lookup(r, host, port, on_answer, a);
	a->in_lookup = 0;
	return q;
}

static int
is_loopback(const struct resolver_result *res, size_t i, int port)
{
	const struct sockaddr *sa = (const struct sockaddr *)&res->addr[i];

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		return ntohl(in->sin_addr.s_addr) == INADDR_LOOPBACK &&
		    ntohs(in->sin_port) == port;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) &&
		    ntohs(in6->sin6_port) == port;
	}
	return 0;
}

START_TEST(resolves_then_caches)
{
	struct loop *l = loop_new();
	struct resolver *r;
	struct answer a = { 0 }, b = { 0 }, counter = { 0 };
	char err[128];

	ck_assert_ptr_nonnull(r = resolver_new(l, err, sizeof(err)));
	a.loop = b.loop = l;
	counter.stop_at = 1;
	current = &counter;
	ck_assert_ptr_nonnull(lookup(r, &a, "127.0.0.1", "4431"));
	loop_timer_add(l, 5000, on_timeout, l);
	loop_run(l);
	ck_assert_int_eq(a.calls, 1);
	ck_assert(!a.from_inside);
	ck_assert_int_eq(a.res.err, 0);
	ck_assert_uint_ge(a.res.n, 1);
	ck_assert(is_loopback(&a.res, 0, 4431));
	/* The second lookup is the cache's: still from the loop. */
	counter.stop_at = 1;
	ck_assert_ptr_nonnull(lookup(r, &b, "127.0.0.1", "4431"));
	ck_assert_int_eq(b.calls, 0);
	loop_run(l);
	ck_assert_int_eq(b.calls, 1);
	ck_assert(!b.from_inside);
	ck_assert_int_eq(b.res.n, a.res.n);
	current = NULL;
	resolver_free(r);
	loop_free(l);
}
END_TEST

START_TEST(failure_and_cancel)
{
	struct loop *l = loop_new();
	struct resolver *r;
	struct answer bad = { 0 }, gone = { 0 }, counter = { 0 };
	struct resolver_query *q;
	char err[128];

	ck_assert_ptr_nonnull(r = resolver_new(l, err, sizeof(err)));
	bad.loop = gone.loop = l;
	counter.stop_at = 1;
	current = &counter;
	/* RFC 6761: .invalid never resolves. */
	ck_assert_ptr_nonnull(q = lookup(r, &gone, "wagw-test.invalid", "443"));
	resolver_cancel(q);
	ck_assert_ptr_nonnull(lookup(r, &bad, "wagw-test.invalid", "443"));
	loop_timer_add(l, 30000, on_timeout, l);
	loop_run(l);
	ck_assert_int_eq(bad.calls, 1);
	ck_assert_int_ne(bad.res.err, 0);
	ck_assert_int_eq(gone.calls, 0);
	/* Failures are not cached: the next lookup asks again. */
	counter.stop_at = 1;
	bad.calls = 0;
	ck_assert_ptr_nonnull(lookup(r, &bad, "wagw-test.invalid", "443"));
	loop_run(l);
	ck_assert_int_eq(bad.calls, 1);
	ck_assert_int_ne(bad.res.err, 0);
	/* A query still waiting when the resolver goes is simply dropped. */
	ck_assert_ptr_nonnull(lookup(r, &gone, "localhost", "80"));
	current = NULL;
	resolver_free(r);
	ck_assert_int_eq(gone.calls, 0);
	resolver_free(NULL);
	loop_free(l);
}
END_TEST

static Suite *
resolver_suite(void)
{
	Suite *s = suite_create("resolver");
	TCase *tc = tcase_create("resolver");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, resolves_then_caches);
	tcase_add_test(tc, failure_and_cancel);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_resolver", resolver_suite)
