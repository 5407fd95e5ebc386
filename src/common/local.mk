# The code every program shares: config, logging, the store, identifiers.
noinst_LIBRARIES += src/common/libwagw_common.a
src_common_libwagw_common_a_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS) \
	$(OPENSSL_CFLAGS) $(INIH_CFLAGS) $(JSONC_CFLAGS) $(QRENCODE_CFLAGS) $(PNG_CFLAGS) \
	$(CURL_CFLAGS)
src_common_libwagw_common_a_SOURCES = \
	src/common/apikey.c src/common/apikey.h \
	src/common/b64url.c src/common/b64url.h \
	src/common/cap.c src/common/cap.h \
	src/common/clock.c src/common/clock.h \
	src/common/config.c src/common/config.h \
	src/common/credkey.c src/common/credkey.h \
	src/common/file.c src/common/file.h \
	src/common/http_get.c src/common/http_get.h \
	src/common/ids.c src/common/ids.h \
	src/common/jid.c src/common/jid.h \
	src/common/json_strict.c src/common/json_strict.h \
	src/common/log.c src/common/log.h \
	src/common/phone.c src/common/phone.h \
	src/common/qr.c src/common/qr.h \
	src/common/store.c src/common/store.h src/common/store_impl.h \
	src/common/store_check.c src/common/store_contacts.c \
	src/common/store_groups.c \
	src/common/store_key.c src/common/store_org.c \
	src/common/store_schema.c src/common/store_seen.c \
	src/common/status.c src/common/status.h \
	src/common/store_session.c src/common/store_sql.c \
	src/common/text.c src/common/text.h

# What linking the common library pulls in.
COMMON_LIBS = src/common/libwagw_common.a $(SQLITE_LIBS) $(OPENSSL_LIBS) \
	$(INIH_LIBS) $(UNISTRING_LIBS) $(QRENCODE_LIBS) $(PNG_LIBS)

# Unit tests of the common modules: tests/unit/check_<module>.c
UNIT_FLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(SQLITE_CFLAGS) $(JSONC_CFLAGS) \
	-DTOP_SRCDIR='"$(abs_top_srcdir)"'
UNIT_LIBS = $(COMMON_LIBS) $(CHECK_LIBS)

# One Check program per module.
COMMON_UNIT_TESTS = tests/unit/check_apikey tests/unit/check_b64url \
	tests/unit/check_cap tests/unit/check_config tests/unit/check_file tests/unit/check_ids \
	tests/unit/check_jid tests/unit/check_json_strict tests/unit/check_log \
	tests/unit/check_phone \
	tests/unit/check_store tests/unit/check_text
check_PROGRAMS += $(COMMON_UNIT_TESTS)
TESTS += $(COMMON_UNIT_TESTS)
EXTRA_DIST += tests/unit/unit.h
tests_unit_check_apikey_SOURCES = tests/unit/check_apikey.c
tests_unit_check_apikey_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_apikey_LDADD = $(UNIT_LIBS)
tests_unit_check_b64url_SOURCES = tests/unit/check_b64url.c
tests_unit_check_b64url_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_b64url_LDADD = $(UNIT_LIBS)
tests_unit_check_cap_SOURCES = tests/unit/check_cap.c
tests_unit_check_cap_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_cap_LDADD = $(UNIT_LIBS)
tests_unit_check_file_SOURCES = tests/unit/check_file.c
tests_unit_check_file_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_file_LDADD = $(UNIT_LIBS)
tests_unit_check_config_SOURCES = tests/unit/check_config.c
# The configured directories, spelt out: the defaults must follow them.
tests_unit_check_config_CFLAGS = $(UNIT_FLAGS) \
	-DTEST_LOCALSTATEDIR='"$(localstatedir)"' -DTEST_RUNSTATEDIR='"$(runstatedir)"' \
	-DTEST_SYSCONFDIR='"$(sysconfdir)"' -DTOP_BUILDDIR='"$(abs_top_builddir)"'
EXTRA_tests_unit_check_config_DEPENDENCIES = etc/wagw.conf.example
tests_unit_check_config_LDADD = $(UNIT_LIBS)
tests_unit_check_ids_SOURCES = tests/unit/check_ids.c
tests_unit_check_ids_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_ids_LDADD = $(UNIT_LIBS)
tests_unit_check_jid_SOURCES = tests/unit/check_jid.c
tests_unit_check_jid_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_jid_LDADD = $(UNIT_LIBS)
tests_unit_check_json_strict_SOURCES = tests/unit/check_json_strict.c
tests_unit_check_json_strict_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_json_strict_LDADD = $(UNIT_LIBS) $(JSONC_LIBS)
tests_unit_check_log_SOURCES = tests/unit/check_log.c
tests_unit_check_log_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_log_LDADD = $(UNIT_LIBS)
tests_unit_check_phone_SOURCES = tests/unit/check_phone.c
tests_unit_check_phone_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_phone_LDADD = $(UNIT_LIBS)
tests_unit_check_store_SOURCES = tests/unit/check_store.c
tests_unit_check_store_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_store_LDADD = $(UNIT_LIBS)
tests_unit_check_text_SOURCES = tests/unit/check_text.c
tests_unit_check_text_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_text_LDADD = $(UNIT_LIBS)
