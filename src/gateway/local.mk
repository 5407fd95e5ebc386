# src/gateway: wagw.fcgi, the FastCGI responder.  The request logic is a
# library (tests and fuzzers link it); main.c is only the accept loop.
# A request flows: request -> route -> cors -> authorize -> query ->
# handle_* -> response, driven by dispatch.
noinst_LIBRARIES += src/gateway/libwagw_gateway.a
src_gateway_libwagw_gateway_a_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS) \
	$(OPENSSL_CFLAGS) $(SQLITE_CFLAGS)
src_gateway_libwagw_gateway_a_SOURCES = \
	src/gateway/request.c src/gateway/request.h \
	src/gateway/route.c src/gateway/route.h \
	src/gateway/cors.c src/gateway/cors.h \
	src/gateway/authorize.c src/gateway/authorize.h \
	src/gateway/query.c src/gateway/query.h \
	src/gateway/body.c src/gateway/body.h \
	src/gateway/cursor.c src/gateway/cursor.h \
	src/gateway/handle.h \
	src/gateway/handle_list.c src/gateway/handle_check.c \
	src/gateway/handle_about.c src/gateway/handle_live.c \
	src/gateway/handle_health.c src/gateway/handle_openapi.c \
	src/gateway/handle_sessions.c src/gateway/handle_groups.c \
	src/gateway/response.c src/gateway/response.h \
	src/gateway/jsonw.c src/gateway/jsonw.h \
	src/gateway/dispatch.c src/gateway/dispatch.h \
	src/gateway/gateway.c src/gateway/gateway.h \
	src/gateway/accesslog.c src/gateway/accesslog.h
# The OpenAPI document is built into the program (served without touching
# the file system, and it cannot drift from the binary that serves it).
nodist_src_gateway_libwagw_gateway_a_SOURCES = src/gateway/openapi_doc.c
CLEANFILES += src/gateway/openapi_doc.c
dist_doc_DATA += docs/openapi.yaml
EXTRA_DIST += cgi-bin/README

src/gateway/openapi_doc.c: $(top_srcdir)/docs/openapi.yaml
	$(AM_V_GEN)$(MKDIR_P) src/gateway && { \
	  echo '/* Generated from docs/openapi.yaml by src/gateway/local.mk. */'; \
	  echo '#include "gateway/handle.h"'; \
	  echo 'const unsigned char handle_openapi_doc[] = {'; \
	  od -An -v -tx1 $(top_srcdir)/docs/openapi.yaml | \
	    sed -e 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	  echo '};'; \
	  echo 'const size_t handle_openapi_doc_len = sizeof(handle_openapi_doc);'; \
	} > $@-t && mv $@-t $@

# What linking the gateway library pulls in.
GATEWAY_LIBS = src/gateway/libwagw_gateway.a $(AUTH_LIBS) $(IPC_LIBS) \
	$(COMMON_LIBS)

cgibin_PROGRAMS += cgi-bin/wagw.fcgi
cgi_bin_wagw_fcgi_SOURCES = src/gateway/main.c
cgi_bin_wagw_fcgi_LDADD = $(GATEWAY_LIBS) $(FCGI_LIBS)

# Unit tests: tests/unit/check_<module>.c, one per gateway module, all
# linked the same way.  check_main runs the built program itself and
# talks to it with cgi-fcgi (libfcgi-bin); check_openapi runs
# tests/unit/openapi_paths.py with /usr/bin/python3 (python3-yaml).
GATEWAY_TESTS = tests/unit/check_route tests/unit/check_query \
	tests/unit/check_request tests/unit/check_cursor \
	tests/unit/check_response tests/unit/check_jsonw \
	tests/unit/check_handle_list tests/unit/check_handle_live \
	tests/unit/check_dispatch tests/unit/check_openapi \
	tests/unit/check_main tests/unit/check_body tests/unit/check_handle_groups
check_PROGRAMS += $(GATEWAY_TESTS)
TESTS += $(GATEWAY_TESTS)
EXTRA_DIST += tests/unit/openapi_paths.py
# docs/openapi.yaml's third-party checks (test-only, from npm): redocly lint
# (tests/openapi/run), the e2e suite's check of every response
# (validate.mjs) and its generated client (client.mjs).
EXTRA_DIST += tests/openapi/run tests/openapi/setup tests/openapi/check.mjs \
	tests/openapi/validate.mjs tests/openapi/client.mjs tests/openapi/package.json \
	tests/openapi/package-lock.json tests/openapi/redocly.yaml
GATEWAY_UNIT_FLAGS = $(UNIT_FLAGS) $(OPENSSL_CFLAGS)
GATEWAY_UNIT_LIBS = $(GATEWAY_LIBS) $(CHECK_LIBS)
tests_unit_check_body_SOURCES = tests/unit/check_body.c
tests_unit_check_body_CFLAGS = $(GATEWAY_UNIT_FLAGS)
tests_unit_check_body_LDADD = $(GATEWAY_UNIT_LIBS)
tests_unit_check_route_SOURCES = tests/unit/check_route.c
tests_unit_check_route_CFLAGS = $(GATEWAY_UNIT_FLAGS)
tests_unit_check_route_LDADD = $(GATEWAY_UNIT_LIBS)
tests_unit_check_query_SOURCES = tests/unit/check_query.c
tests_unit_check_query_CFLAGS = $(GATEWAY_UNIT_FLAGS)
tests_unit_check_query_LDADD = $(GATEWAY_UNIT_LIBS)
tests_unit_check_request_SOURCES = tests/unit/check_request.c
tests_unit_check_request_CFLAGS = $(GATEWAY_UNIT_FLAGS)
tests_unit_check_request_LDADD = $(GATEWAY_UNIT_LIBS)
tests_unit_check_cursor_SOURCES = tests/unit/check_cursor.c
tests_unit_check_cursor_CFLAGS = $(GATEWAY_UNIT_FLAGS)
tests_unit_check_cursor_LDADD = $(GATEWAY_UNIT_LIBS)
tests_unit_check_response_SOURCES = tests/unit/check_response.c
tests_unit_check_response_CFLAGS = $(GATEWAY_UNIT_FLAGS)
tests_unit_check_response_LDADD = $(GATEWAY_UNIT_LIBS)
tests_unit_check_jsonw_SOURCES = tests/unit/check_jsonw.c
tests_unit_check_jsonw_CFLAGS = $(GATEWAY_UNIT_FLAGS)
tests_unit_check_jsonw_LDADD = $(GATEWAY_UNIT_LIBS)
tests_unit_check_handle_list_SOURCES = tests/unit/check_handle_list.c
tests_unit_check_handle_list_CFLAGS = $(GATEWAY_UNIT_FLAGS)
tests_unit_check_handle_list_LDADD = $(GATEWAY_UNIT_LIBS)
tests_unit_check_handle_groups_SOURCES = tests/unit/check_handle_groups.c
tests_unit_check_handle_groups_CFLAGS = $(GATEWAY_UNIT_FLAGS)
tests_unit_check_handle_groups_LDADD = $(GATEWAY_UNIT_LIBS)
tests_unit_check_handle_live_SOURCES = tests/unit/check_handle_live.c
tests_unit_check_handle_live_CFLAGS = $(GATEWAY_UNIT_FLAGS)
tests_unit_check_handle_live_LDADD = $(GATEWAY_UNIT_LIBS)
tests_unit_check_dispatch_SOURCES = tests/unit/check_dispatch.c
tests_unit_check_dispatch_CFLAGS = $(GATEWAY_UNIT_FLAGS)
tests_unit_check_dispatch_LDADD = $(GATEWAY_UNIT_LIBS)
tests_unit_check_openapi_SOURCES = tests/unit/check_openapi.c
tests_unit_check_openapi_CFLAGS = $(GATEWAY_UNIT_FLAGS)
tests_unit_check_openapi_LDADD = $(GATEWAY_UNIT_LIBS)
tests_unit_check_main_SOURCES = tests/unit/check_main.c
tests_unit_check_main_CFLAGS = $(GATEWAY_UNIT_FLAGS)
tests_unit_check_main_LDADD = $(GATEWAY_UNIT_LIBS)

# libFuzzer targets of the gateway's parsers (tests/fuzz/local.mk runs
# them with `make fuzz`; seeds in tests/fuzz/corpus/{query,route}/).
GATEWAY_FUZZ_TARGETS = tests/fuzz/fuzz_query tests/fuzz/fuzz_route \
	tests/fuzz/fuzz_body tests/fuzz/fuzz_request
tests_fuzz_fuzz_request_SOURCES = tests/fuzz/fuzz_request.c
tests_fuzz_fuzz_request_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_request_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_request_LDADD = $(GATEWAY_LIBS)
tests_fuzz_fuzz_body_SOURCES = tests/fuzz/fuzz_body.c
tests_fuzz_fuzz_body_CFLAGS = $(FUZZ_FLAGS) $(JSONC_CFLAGS)
tests_fuzz_fuzz_body_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_body_LDADD = $(GATEWAY_LIBS)
tests_fuzz_fuzz_query_SOURCES = tests/fuzz/fuzz_query.c
tests_fuzz_fuzz_query_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_query_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_query_LDADD = $(GATEWAY_LIBS)
tests_fuzz_fuzz_route_SOURCES = tests/fuzz/fuzz_route.c
tests_fuzz_fuzz_route_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_route_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_route_LDADD = $(GATEWAY_LIBS)
