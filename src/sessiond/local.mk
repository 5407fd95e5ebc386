# src/sessiond: wagw-sessiond.  The daemon's logic is a library that the
# program and the unit tests link; main.c only parses the command line.
noinst_LIBRARIES += src/sessiond/libwagw_sessiond.a
src_sessiond_libwagw_sessiond_a_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS) \
	$(SQLITE_CFLAGS) $(CURL_CFLAGS) $(OPENSSL_CFLAGS) $(LIBSSL_CFLAGS)
src_sessiond_libwagw_sessiond_a_SOURCES = \
	src/sessiond/backoff.c src/sessiond/backoff.h \
	src/sessiond/checkcache.c \
	src/sessiond/client.c \
	src/sessiond/creds.c src/sessiond/creds.h \
	src/sessiond/daemon.c src/sessiond/daemon.h src/sessiond/daemon_impl.h \
	src/sessiond/hmap.c src/sessiond/hmap.h \
	src/sessiond/jwksd.c \
	src/sessiond/keyuse.c \
	src/sessiond/limits.c \
	src/sessiond/link.c src/sessiond/link.h src/sessiond/link_impl.h \
	src/sessiond/link_sim.c src/sessiond/link_whatsapp.c \
	src/sessiond/lookup.c \
	src/sessiond/loop.c src/sessiond/loop.h \
	src/sessiond/peer.c \
	src/sessiond/ratelimit.c src/sessiond/ratelimit.h \
	src/sessiond/refresh.c src/sessiond/refresh.h \
	src/sessiond/request.c src/sessiond/request_session.c \
	src/sessiond/resolver.c src/sessiond/resolver.h \
	src/sessiond/seen.c \
	src/sessiond/session.c \
	src/sessiond/simnet.c src/sessiond/simnet.h \
	src/sessiond/tidy.c \
	src/sessiond/writer.c src/sessiond/writer.h

SESSIOND_LIBS = src/sessiond/libwagw_sessiond.a src/auth/libwagw_auth.a \
	src/ipc/libwagw_ipc.a $(COMMON_LIBS) $(WA_LIBS) $(JSONC_LIBS) $(CURL_LIBS) \
	-lpthread

sbin_PROGRAMS += src/sessiond/wagw-sessiond
src_sessiond_wagw_sessiond_SOURCES = src/sessiond/main.c
src_sessiond_wagw_sessiond_CFLAGS = $(AM_CFLAGS) $(CURL_CFLAGS)
src_sessiond_wagw_sessiond_LDADD = $(SESSIOND_LIBS)

# The systemd unit, with the install paths filled in.
pkgdata_DATA += etc/wagw-sessiond.service
EXTRA_DIST += etc/wagw-sessiond.service.in
CLEANFILES += etc/wagw-sessiond.service
etc/wagw-sessiond.service: $(top_srcdir)/etc/wagw-sessiond.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) etc && sed -e 's|@sbindir[@]|$(sbindir)|g' \
	    -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	    $(top_srcdir)/etc/wagw-sessiond.service.in > $@.tmp && mv $@.tmp $@

# Unit tests; check_sessiond runs the real daemon binary.
SESSIOND_UNIT_TESTS = tests/unit/check_ratelimit tests/unit/check_simnet \
	tests/unit/check_sessiond tests/unit/check_backoff tests/unit/check_creds \
	tests/unit/check_link_contract tests/unit/check_refresh tests/unit/check_resolver \
	tests/unit/check_hmap tests/unit/check_loop tests/unit/check_session \
	tests/unit/check_link_sim
check_PROGRAMS += $(SESSIOND_UNIT_TESTS)
TESTS += $(SESSIOND_UNIT_TESTS)
tests_unit_check_ratelimit_SOURCES = tests/unit/check_ratelimit.c
tests_unit_check_ratelimit_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_ratelimit_LDADD = $(SESSIOND_LIBS) $(CHECK_LIBS)
tests_unit_check_backoff_SOURCES = tests/unit/check_backoff.c
tests_unit_check_backoff_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_backoff_LDADD = $(SESSIOND_LIBS) $(CHECK_LIBS)
tests_unit_check_refresh_SOURCES = tests/unit/check_refresh.c
tests_unit_check_refresh_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_refresh_LDADD = $(SESSIOND_LIBS) $(CHECK_LIBS)
tests_unit_check_hmap_SOURCES = tests/unit/check_hmap.c
tests_unit_check_hmap_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_hmap_LDADD = $(SESSIOND_LIBS) $(CHECK_LIBS)
tests_unit_check_loop_SOURCES = tests/unit/check_loop.c
tests_unit_check_loop_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_loop_LDADD = $(SESSIOND_LIBS) $(CHECK_LIBS)
tests_unit_check_session_SOURCES = tests/unit/check_session.c
tests_unit_check_session_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_session_LDADD = $(SESSIOND_LIBS) $(CHECK_LIBS)
tests_unit_check_resolver_SOURCES = tests/unit/check_resolver.c
tests_unit_check_resolver_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_resolver_LDADD = $(SESSIOND_LIBS) $(CHECK_LIBS)
tests_unit_check_creds_SOURCES = tests/unit/check_creds.c
tests_unit_check_creds_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_creds_LDADD = $(SESSIOND_LIBS) $(CHECK_LIBS)
tests_unit_check_link_contract_SOURCES = tests/unit/check_link_contract.c
tests_unit_check_link_contract_CFLAGS = $(UNIT_FLAGS) $(CURL_CFLAGS)
tests_unit_check_link_contract_LDADD = $(SESSIOND_LIBS) $(CHECK_LIBS)
tests_unit_check_link_sim_SOURCES = tests/unit/check_link_sim.c
tests_unit_check_link_sim_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_link_sim_LDADD = $(SESSIOND_LIBS) $(CHECK_LIBS)
tests_unit_check_simnet_SOURCES = tests/unit/check_simnet.c
tests_unit_check_simnet_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_simnet_LDADD = $(SESSIOND_LIBS) $(CHECK_LIBS)
tests_unit_check_sessiond_SOURCES = tests/unit/check_sessiond.c
tests_unit_check_sessiond_CFLAGS = $(UNIT_FLAGS) \
	-DSESSIOND_BIN='"$(abs_top_builddir)/src/sessiond/wagw-sessiond"'
tests_unit_check_sessiond_LDADD = $(IPC_LIBS) $(UNIT_LIBS) $(JSONC_LIBS)
EXTRA_tests_unit_check_sessiond_DEPENDENCIES = src/sessiond/wagw-sessiond$(EXEEXT)

dist_doc_DATA += docs/sessiond-protocol.md docs/simulated-network.md
EXTRA_DIST += tests/tools/gen_network.py bench/sessiond_bench.sh
