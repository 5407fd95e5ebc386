# The code every program shares: config, logging, the store, identifiers.
noinst_LIBRARIES += src/common/libwagw_common.a
src_common_libwagw_common_a_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS) \
	$(OPENSSL_CFLAGS) $(INIH_CFLAGS) $(JSONC_CFLAGS)
src_common_libwagw_common_a_SOURCES = \
	src/common/apikey.c src/common/apikey.h \
	src/common/b64url.c src/common/b64url.h \
	src/common/cap.c src/common/cap.h \
	src/common/clock.c src/common/clock.h \
	src/common/config.c src/common/config.h \
	src/common/ids.c src/common/ids.h \
	src/common/jid.c src/common/jid.h \
	src/common/log.c src/common/log.h \
	src/common/phone.c src/common/phone.h \
	src/common/store.c src/common/store.h src/common/store_impl.h \
	src/common/store_check.c src/common/store_contacts.c \
	src/common/store_key.c src/common/store_org.c \
	src/common/store_schema.c src/common/store_seen.c \
	src/common/store_session.c src/common/store_sql.c \
	src/common/text.c src/common/text.h

# What linking the common library pulls in.
COMMON_LIBS = src/common/libwagw_common.a $(SQLITE_LIBS) $(OPENSSL_LIBS) \
	$(INIH_LIBS) $(UNISTRING_LIBS)

# Unit tests of the common modules: tests/unit/check_<module>.c
UNIT_FLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(SQLITE_CFLAGS) $(JSONC_CFLAGS)
UNIT_LIBS = $(COMMON_LIBS) $(CHECK_LIBS)
