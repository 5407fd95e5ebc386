# src/auth: credentials -> principal (JWT against a JWKS, API keys), and
# the one authorization decision.  jwks_fetch is used by wagw-sessiond.
noinst_LIBRARIES += src/auth/libwagw_auth.a
src_auth_libwagw_auth_a_CFLAGS = $(AM_CFLAGS) $(OPENSSL_CFLAGS) \
	$(JSONC_CFLAGS) $(CURL_CFLAGS) $(SQLITE_CFLAGS)
src_auth_libwagw_auth_a_SOURCES = \
	src/auth/auth.c src/auth/auth.h \
	src/auth/authz.c \
	src/auth/jwa.c src/auth/jwa.h \
	src/auth/jwks.c src/auth/jwks.h \
	src/auth/jwks_fetch.c src/auth/jwks_fetch.h \
	src/auth/jwks_file.c src/auth/jwks_file.h \
	src/auth/jws.c src/auth/jws.h \
	src/auth/jwt.c src/auth/jwt.h \
	src/auth/jwt_cache.c src/auth/jwt_cache.h

# What linking the auth library pulls in (besides COMMON_LIBS and, for
# auth.c, src/ipc/libwagw_ipc.a).
AUTH_LIBS = src/auth/libwagw_auth.a $(JSONC_LIBS) $(CURL_LIBS) -lm

# Unit tests: tokens are signed by tests/tools (python3-cryptography),
# keys are made by the openssl command line at test time.
AUTH_TEST_FIXTURE = tests/unit/auth_fixture.c tests/unit/auth_fixture.h
AUTH_TEST_LIBS = $(AUTH_LIBS) src/ipc/libwagw_ipc.a $(UNIT_LIBS)
EXTRA_DIST += tests/tools/jwt_sign.py tests/tools/jwks_make.py

check_PROGRAMS += tests/unit/check_auth
TESTS += tests/unit/check_auth
tests_unit_check_auth_SOURCES = tests/unit/check_auth.c $(AUTH_TEST_FIXTURE)
tests_unit_check_auth_CFLAGS = $(UNIT_FLAGS) $(OPENSSL_CFLAGS)
tests_unit_check_auth_LDADD = $(AUTH_TEST_LIBS) -lpthread

check_PROGRAMS += tests/unit/check_jws
TESTS += tests/unit/check_jws
tests_unit_check_jws_SOURCES = tests/unit/check_jws.c
tests_unit_check_jws_CFLAGS = $(UNIT_FLAGS) $(OPENSSL_CFLAGS)
tests_unit_check_jws_LDADD = $(AUTH_TEST_LIBS)

check_PROGRAMS += tests/unit/check_jwks
TESTS += tests/unit/check_jwks
tests_unit_check_jwks_SOURCES = tests/unit/check_jwks.c $(AUTH_TEST_FIXTURE)
tests_unit_check_jwks_CFLAGS = $(UNIT_FLAGS) $(OPENSSL_CFLAGS)
tests_unit_check_jwks_LDADD = $(AUTH_TEST_LIBS)

check_PROGRAMS += tests/unit/check_authz
TESTS += tests/unit/check_authz
tests_unit_check_authz_SOURCES = tests/unit/check_authz.c
tests_unit_check_authz_CFLAGS = $(UNIT_FLAGS) $(OPENSSL_CFLAGS)
tests_unit_check_authz_LDADD = $(AUTH_TEST_LIBS)

check_PROGRAMS += tests/unit/check_jwks_fetch
TESTS += tests/unit/check_jwks_fetch
tests_unit_check_jwks_fetch_SOURCES = tests/unit/check_jwks_fetch.c $(AUTH_TEST_FIXTURE)
tests_unit_check_jwks_fetch_CFLAGS = $(UNIT_FLAGS) $(OPENSSL_CFLAGS) $(CURL_CFLAGS)
tests_unit_check_jwks_fetch_LDADD = $(AUTH_TEST_LIBS) -lpthread

check_PROGRAMS += tests/unit/check_jwt_cache
TESTS += tests/unit/check_jwt_cache
tests_unit_check_jwt_cache_SOURCES = tests/unit/check_jwt_cache.c
tests_unit_check_jwt_cache_CFLAGS = $(UNIT_FLAGS) $(OPENSSL_CFLAGS)
tests_unit_check_jwt_cache_LDADD = $(AUTH_TEST_LIBS)

# Per-operation costs, run by hand (see the file's header).
noinst_PROGRAMS += tests/tools/auth_bench
tests_tools_auth_bench_SOURCES = tests/tools/auth_bench.c $(AUTH_TEST_FIXTURE)
tests_tools_auth_bench_CFLAGS = $(UNIT_FLAGS) $(OPENSSL_CFLAGS) -I$(top_srcdir)/tests/unit
tests_tools_auth_bench_LDADD = $(AUTH_TEST_LIBS)

# libFuzzer targets (tests/fuzz/local.mk runs them with `make fuzz`;
# seeds in tests/fuzz/corpus/{jws,jwks}/).
AUTH_FUZZ_TARGETS = tests/fuzz/fuzz_jws tests/fuzz/fuzz_jwks
tests_fuzz_fuzz_jws_SOURCES = tests/fuzz/fuzz_jws.c
tests_fuzz_fuzz_jws_CFLAGS = $(FUZZ_FLAGS) $(OPENSSL_CFLAGS) $(JSONC_CFLAGS)
tests_fuzz_fuzz_jws_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_jws_LDADD = $(AUTH_LIBS) $(COMMON_LIBS)
tests_fuzz_fuzz_jwks_SOURCES = tests/fuzz/fuzz_jwks.c
tests_fuzz_fuzz_jwks_CFLAGS = $(FUZZ_FLAGS) $(OPENSSL_CFLAGS) $(JSONC_CFLAGS)
tests_fuzz_fuzz_jwks_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_jwks_LDADD = $(AUTH_LIBS) $(COMMON_LIBS)
