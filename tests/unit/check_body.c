/* body: a request's JSON body, and the answer for what is wrong with it. */
#include <string.h>

#include <json-c/json.h>

#include "gateway/body.h"
#include "gateway/request.h"
#include "gateway/response.h"
#include "unit.h"

static const char *const known[] = { "label", "start", NULL };

static const struct {
	int		 line;
	const char	*ctype;		/* NULL: no Content-Type */
	const char	*body;
	int		 too_large, short_;
	int		 status;	/* 0: accepted */
	const char	*code, *field;
} cases[] = {
	{ __LINE__, "application/json", "{\"label\":\"a\",\"start\":true}", 0, 0, 0, NULL, NULL },
	{ __LINE__, NULL, "", 0, 0, 0, NULL, NULL },
	{ __LINE__, "Application/JSON; charset=utf-8", "{}", 0, 0, 0, NULL, NULL },
	{ __LINE__, "application/json ;charset=utf-8", "{}", 0, 0, 0, NULL, NULL },
	{ __LINE__, "", "{}", 0, 0, 0, NULL, NULL },
	{ __LINE__, "application/jsonx", "{}", 0, 0, 415, "unsupported_media_type", NULL },
	{ __LINE__, "text/plain", "{}", 0, 0, 415, "unsupported_media_type", NULL },
	{ __LINE__, "application/x-www-form-urlencoded", "label=a", 0, 0, 415,
	    "unsupported_media_type", NULL },
	{ __LINE__, "application/json", "{}", 1, 0, 413, "payload_too_large", NULL },
	{ __LINE__, "application/json", "{}", 0, 1, 400, "validation_error", "body" },
	{ __LINE__, "application/json", "nope", 0, 0, 400, "validation_error", "body" },
	{ __LINE__, "application/json", "[]", 0, 0, 400, "validation_error", "body" },
	{ __LINE__, "application/json", "{\"label\":1,\"label\":2}", 0, 0, 400,
	    "validation_error", "body" },
	{ __LINE__, "application/json", "{\"other\":1}", 0, 0, 400, "validation_error", "other" },
};

START_TEST(body_cases)
{
	struct json_object *o, *doc, *err, *v;
	struct request req;
	struct response r;
	size_t i;
	int rc;

	for (i = 0; i < N_ELEM(cases); i++) {
		memset(&req, 0, sizeof(req));
		req.content_type = cases[i].ctype;
		req.body = cases[i].body;
		req.body_len = strlen(cases[i].body);
		req.body_too_large = cases[i].too_large;
		req.body_short = cases[i].short_;
		response_init(&r);
		rc = body_object(&req, known, &o, &r);
		if (cases[i].status == 0) {
			ck_assert_msg(rc == 0 && o != NULL, "line %d", cases[i].line);
			ck_assert_msg(json_object_is_type(o, json_type_object), "line %d",
			    cases[i].line);
		} else {
			ck_assert_msg(rc == -1, "line %d: accepted", cases[i].line);
			if (r.status == 0)
				response_invalid_finish(&r);
			ck_assert_msg(r.status == cases[i].status, "line %d: %d", cases[i].line,
			    r.status);
			ck_assert_ptr_nonnull(doc = json_tokener_parse(r.body));
			ck_assert(json_object_object_get_ex(doc, "error", &err));
			ck_assert(json_object_object_get_ex(err, "code", &v));
			ck_assert_str_eq(json_object_get_string(v), cases[i].code);
			if (cases[i].field != NULL)
				ck_assert_msg(strstr(r.body, cases[i].field) != NULL,
				    "line %d: %s", cases[i].line, r.body);
			json_object_put(doc);
		}
		json_object_put(o);
		response_free(&r);
	}
}
END_TEST

START_TEST(body_members)
{
	struct json_object *o;
	struct request req;
	struct response r;
	const char *s;
	size_t len;
	int b = -1;

	memset(&req, 0, sizeof(req));
	req.body = "{\"label\":\"\\u00e9t\\u00e9\",\"start\":false}";
	req.body_len = strlen(req.body);
	response_init(&r);
	ck_assert_int_eq(body_object(&req, known, &o, &r), 0);
	ck_assert_int_eq(body_string(o, "label", 4, &s, &len, &r), 0);
	ck_assert_str_eq(s, "\xc3\xa9t\xc3\xa9");
	ck_assert_int_eq(body_string(o, "label", 2, &s, &len, &r), -1);
	ck_assert_int_eq(body_bool(o, "start", &b, &r), 0);
	ck_assert_int_eq(b, 0);
	ck_assert_int_eq(body_bool(o, "label", &b, &r), -1);
	ck_assert_int_eq(body_string(o, "start", 9, &s, &len, &r), -1);
	ck_assert_int_eq(body_string(o, "absent", 9, &s, &len, &r), 1);
	ck_assert_uint_eq(r.ninvalid, 3);
	json_object_put(o);
	response_free(&r);
	/* A NUL inside a string is refused by name. */
	req.body = "{\"label\":\"a\\u0000b\"}";
	req.body_len = strlen(req.body);
	response_init(&r);
	ck_assert_int_eq(body_object(&req, known, &o, &r), 0);
	ck_assert_int_eq(body_string(o, "label", 9, &s, &len, &r), -1);
	ck_assert_str_eq(r.invalid[0].message, "must not hold a NUL character");
	json_object_put(o);
	response_free(&r);
	/* A long unknown name is cut on a character boundary. */
	req.body = "{\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9x\":1}";
	req.body_len = strlen(req.body);
	response_init(&r);
	ck_assert_int_eq(body_object(&req, known, &o, &r), -1);
	ck_assert_uint_eq(r.ninvalid, 1);
	ck_assert_uint_eq(strlen(r.invalid[0].field), 64);
	json_object_put(o);
	response_free(&r);
}
END_TEST

static Suite *
body_suite(void)
{
	Suite *s = suite_create("body");
	TCase *tc = tcase_create("body");

	tcase_add_test(tc, body_cases);
	tcase_add_test(tc, body_members);
	suite_add_tcase(s, tc);
	return s;
}

UNIT_MAIN("check_body", body_suite)
