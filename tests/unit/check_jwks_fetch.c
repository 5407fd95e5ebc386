/*
 * jwks_fetch: real libcurl against a small HTTP/1.1 server on
 * 127.0.0.1 run by this test, answering what each case sets up.
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <curl/curl.h>

#include "auth/jwks_fetch.h"
#include "auth/jwks_file.h"
#include "auth_fixture.h"
#include "common/log.h"

static int port;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static char *resp_head;		/* status line and headers, CRLF each */
static char *resp_body;
static size_t resp_body_len;
static int resp_delay_ms;
static int requests;
static char jwks_a[8192], jwks_b[8192];

static void
respond(const char *head, const char *body, size_t len, int delay_ms)
{
	pthread_mutex_lock(&mu);
	free(resp_head);
	free(resp_body);
	resp_head = strdup(head);
	resp_body = malloc(len + 1);
	memcpy(resp_body, body, len);
	resp_body_len = len;
	resp_delay_ms = delay_ms;
	pthread_mutex_unlock(&mu);
}

static void
send_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len > 0 && (n = send(fd, p, len, MSG_NOSIGNAL)) > 0) {
		p += n;
		len -= (size_t)n;
	}
}

static void *
server(void *arg)
{
	int lfd = *(int *)arg, fd;
	char req[8192], hdr[512];
	ssize_t n;
	size_t got;

	for (;;) {
		if ((fd = accept(lfd, NULL, NULL)) == -1)
			continue;
		/* Read the request head. */
		got = 0;
		while (got < sizeof(req) - 1 &&
		    (n = recv(fd, req + got, sizeof(req) - 1 - got, 0)) > 0) {
			got += (size_t)n;
			req[got] = '\0';
			if (strstr(req, "\r\n\r\n") != NULL)
				break;
		}
		pthread_mutex_lock(&mu);
		requests++;
		if (resp_delay_ms > 0) {
			struct timespec ts = { resp_delay_ms / 1000,
			    (resp_delay_ms % 1000) * 1000000L };

			nanosleep(&ts, NULL);
		}
		snprintf(hdr, sizeof(hdr), "Content-Length: %zu\r\nConnection: close\r\n\r\n",
		    resp_body_len);
		send_all(fd, resp_head, strlen(resp_head));
		send_all(fd, hdr, strlen(hdr));
		send_all(fd, resp_body, resp_body_len);
		pthread_mutex_unlock(&mu);
		close(fd);
	}
	return NULL;
}

static void
start_server(void)
{
	static int lfd;
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	pthread_t t;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* Outside of a test: a failure is a hard error (99). */
	if ((lfd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    listen(lfd, 16) == -1 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &sl) == -1 ||
	    pthread_create(&t, NULL, server, &lfd) != 0) {
		perror("check_jwks_fetch: test server");
		exit(99);
	}
	port = ntohs(sa.sin_port);
}

static const char *
url(const char *scheme)
{
	static char u[128];

	snprintf(u, sizeof(u), "%s://127.0.0.1:%d/.well-known/jwks.json", scheme, port);
	return u;
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (f == NULL)
		return NULL;
	buf = calloc(1, 1 << 20);
	n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static enum jwks_fetch_rc
fetch(int *age, char *err, size_t errlen)
{
	return jwks_fetch(url("http"), fx_path("jwks.json"), 1000, age, err, errlen);
}

START_TEST(replace_and_unchanged)
{
	char err[512], *got;
	struct stat sb1, sb2;
	int age = 0;

	unlink(fx_path("jwks.json"));
	respond("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
	    "Cache-Control: public, max-age=120\r\n", jwks_a, strlen(jwks_a), 0);
	ck_assert_int_eq(fetch(&age, err, sizeof(err)), JWKS_FETCH_REPLACED);
	ck_assert_int_eq(age, 120);
	got = slurp(fx_path("jwks.json"));
	ck_assert_str_eq(got, jwks_a);
	free(got);
	ck_assert_int_eq(stat(fx_path("jwks.json"), &sb1), 0);
	ck_assert_int_eq(sb1.st_mode & 0777, 0644);
	/* The same document again: the file is left alone. */
	ck_assert_int_eq(fetch(&age, err, sizeof(err)), JWKS_FETCH_UNCHANGED);
	ck_assert_int_eq(stat(fx_path("jwks.json"), &sb2), 0);
	ck_assert_int_eq(sb1.st_ino, sb2.st_ino);
	ck_assert_int_eq(sb1.st_mtim.tv_nsec, sb2.st_mtim.tv_nsec);
	/* A new document replaces it (new inode: a rename, not a rewrite). */
	respond("HTTP/1.1 200 OK\r\n", jwks_b, strlen(jwks_b), 0);
	ck_assert_int_eq(fetch(&age, err, sizeof(err)), JWKS_FETCH_REPLACED);
	ck_assert_int_eq(age, JWKS_FETCH_AGE_DEFAULT);
	ck_assert_int_eq(stat(fx_path("jwks.json"), &sb2), 0);
	ck_assert_int_ne(sb1.st_ino, sb2.st_ino);
	got = slurp(fx_path("jwks.json"));
	ck_assert_str_eq(got, jwks_b);
	free(got);
}
END_TEST

START_TEST(refusals_keep_the_file)
{
	static const struct {
		int		 line;
		const char	*head;
		const char	*body;	/* NULL: the good JWKS */
		int		 delay_ms;
		const char	*err;	/* expected in the message */
	} cases[] = {
		{ __LINE__, "HTTP/1.1 404 Not Found\r\n", "{}", 0, "HTTP status 404" },
		{ __LINE__, "HTTP/1.1 500 Oops\r\n", NULL, 0, "HTTP status 500" },
		{ __LINE__, "HTTP/1.1 204 No Content\r\n", "", 0, "HTTP status 204" },
		{ __LINE__, "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/\r\n", "", 0, "HTTP status 302" },
		{ __LINE__, "HTTP/1.1 200 OK\r\n", "{\"keys\":[", 0, "not JSON" },
		{ __LINE__, "HTTP/1.1 200 OK\r\n", "<html>", 0, "not JSON" },
		{ __LINE__, "HTTP/1.1 200 OK\r\n", "{\"keys\":[]}", 0, "no usable key" },
		{ __LINE__, "HTTP/1.1 200 OK\r\n", "{\"keys\":[{\"kty\":\"oct\",\"k\":\"AA\"}]}", 0, "no usable key" },
		{ __LINE__, "HTTP/1.1 200 OK\r\n", NULL, 1500, "timed out" },
	};
	char err[512], *got;
	size_t i;
	int age;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fx_write("jwks.json", jwks_a);
		respond(cases[i].head, cases[i].body ? cases[i].body : jwks_b,
		    strlen(cases[i].body ? cases[i].body : jwks_b), cases[i].delay_ms);
		age = 0;
		err[0] = '\0';
		ck_assert_msg(fetch(&age, err, sizeof(err)) == JWKS_FETCH_ERROR,
		    "line %d", cases[i].line);
		ck_assert_msg(strstr(err, cases[i].err) != NULL, "line %d: %s",
		    cases[i].line, err);
		ck_assert_int_eq(age, JWKS_FETCH_AGE_MIN);
		got = slurp(fx_path("jwks.json"));
		ck_assert_msg(strcmp(got, jwks_a) == 0, "line %d: file changed", cases[i].line);
		free(got);
	}
}
END_TEST

START_TEST(size_limit)
{
	char err[512], *big;
	int age;
	size_t n = JWKS_FETCH_BODY_MAX + 1;

	/* A JWKS padded with whitespace past the bound. */
	big = malloc(n + 1);
	memset(big, ' ', n);
	memcpy(big, jwks_b, strlen(jwks_b));
	big[n] = '\0';
	fx_write("jwks.json", jwks_a);
	respond("HTTP/1.1 200 OK\r\n", big, n, 0);
	ck_assert_int_eq(fetch(&age, err, sizeof(err)), JWKS_FETCH_ERROR);
	ck_assert_msg(strstr(err, "larger than") != NULL, "%s", err);
	/* Exactly at the bound is fine. */
	respond("HTTP/1.1 200 OK\r\n", big, n - 1, 0);
	ck_assert_int_eq(fetch(&age, err, sizeof(err)), JWKS_FETCH_REPLACED);
	free(big);
}
END_TEST

START_TEST(max_age)
{
	static const struct {
		int		 line;
		const char	*cc;
		int		 want;
	} cases[] = {
		{ __LINE__, "Cache-Control: max-age=300\r\n", 300 },
		{ __LINE__, "cache-control: Max-Age=301, must-revalidate\r\n", 301 },
		{ __LINE__, "Cache-Control: public,max-age=\"302\"\r\n", 302 },
		{ __LINE__, "Cache-Control: max-age=5\r\n", JWKS_FETCH_AGE_MIN },
		{ __LINE__, "Cache-Control: max-age=0\r\n", JWKS_FETCH_AGE_MIN },
		{ __LINE__, "Cache-Control: max-age=99999999999999999999\r\n", JWKS_FETCH_AGE_MAX },
		{ __LINE__, "Cache-Control: max-age=86401\r\n", JWKS_FETCH_AGE_MAX },
		{ __LINE__, "Cache-Control: no-store\r\n", JWKS_FETCH_AGE_MIN },
		{ __LINE__, "Cache-Control: no-cache\r\n", JWKS_FETCH_AGE_MIN },
		{ __LINE__, "Cache-Control: max-age=-5\r\n", JWKS_FETCH_AGE_DEFAULT },
		{ __LINE__, "Cache-Control: max-age=\r\n", JWKS_FETCH_AGE_DEFAULT },
		{ __LINE__, "Cache-Control: public\r\n", JWKS_FETCH_AGE_DEFAULT },
		{ __LINE__, "X-Cache-Control: max-age=300\r\n", JWKS_FETCH_AGE_DEFAULT },
		{ __LINE__, "", JWKS_FETCH_AGE_DEFAULT },
	};
	char head[256], err[512];
	size_t i;
	int age;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\n%s", cases[i].cc);
		respond(head, jwks_a, strlen(jwks_a), 0);
		ck_assert_msg(fetch(&age, err, sizeof(err)) != JWKS_FETCH_ERROR,
		    "line %d: %s", cases[i].line, err);
		ck_assert_msg(age == cases[i].want, "line %d: age %d", cases[i].line, age);
	}
}
END_TEST

START_TEST(transport)
{
	char err[512];
	int age;

	respond("HTTP/1.1 200 OK\r\n", jwks_a, strlen(jwks_a), 0);
	/* TLS is attempted (and fails against a plain HTTP server). */
	ck_assert_int_eq(jwks_fetch(url("https"), fx_path("jwks.json"), 2000, &age,
	    err, sizeof(err)), JWKS_FETCH_ERROR);
	/* Other protocols are refused. */
	ck_assert_int_eq(jwks_fetch("file:///etc/passwd", fx_path("jwks.json"), 2000,
	    &age, err, sizeof(err)), JWKS_FETCH_ERROR);
	/* Nobody listening. */
	ck_assert_int_eq(jwks_fetch("http://127.0.0.1:1/", fx_path("jwks.json"), 2000,
	    &age, err, sizeof(err)), JWKS_FETCH_ERROR);
	/* The destination's directory does not exist. */
	ck_assert_int_eq(jwks_fetch(url("http"), fx_path("nodir/jwks.json"), 2000,
	    &age, err, sizeof(err)), JWKS_FETCH_ERROR);
	ck_assert_msg(strstr(err, "nodir") != NULL, "%s", err);
}
END_TEST

START_TEST(readers_pick_it_up)
{
	struct jwks_file *jf;
	const struct jwks *k;
	char err[512];
	int age, changed;

	respond("HTTP/1.1 200 OK\r\n", jwks_a, strlen(jwks_a), 0);
	ck_assert_int_ne(fetch(&age, err, sizeof(err)), JWKS_FETCH_ERROR);
	jf = jwks_file_new(fx_path("jwks.json"));
	k = jwks_file_keys(jf, 1000, &changed);
	ck_assert_str_eq(k->keys[0].kid, "a");
	respond("HTTP/1.1 200 OK\r\n", jwks_b, strlen(jwks_b), 0);
	ck_assert_int_eq(fetch(&age, err, sizeof(err)), JWKS_FETCH_REPLACED);
	k = jwks_file_keys(jf, 2000, &changed);
	ck_assert_int_eq(changed, 1);
	ck_assert_str_eq(k->keys[0].kid, "b");
	jwks_file_free(jf);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("jwks_fetch");
	TCase *tc = tcase_create("jwks_fetch");
	SRunner *sr;
	char *t;
	int failed;

	log_init("check_jwks_fetch", LOG_LEVEL_DEBUG);
	fx_init();
	fx_keygen("ed", "ed25519");
	fx_keygen("ec", "P-256");
	fx_jwks("a.json", "a=ed.pem");
	fx_jwks("b.json", "b=ec.pem");
	t = slurp(fx_path("a.json"));
	snprintf(jwks_a, sizeof(jwks_a), "%s", t);
	free(t);
	t = slurp(fx_path("b.json"));
	snprintf(jwks_b, sizeof(jwks_b), "%s", t);
	free(t);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	start_server();
	/* No fork: the server thread lives in this process. */
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, replace_and_unchanged);
	tcase_add_test(tc, refusals_keep_the_file);
	tcase_add_test(tc, size_limit);
	tcase_add_test(tc, max_age);
	tcase_add_test(tc, transport);
	tcase_add_test(tc, readers_pick_it_up);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	curl_global_cleanup();
	fx_done();
	return failed == 0 ? 0 : 1;
}
