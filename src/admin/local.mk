# wagw-admin: the operator's CLI.
bin_PROGRAMS += src/admin/wagw-admin
src_admin_wagw_admin_SOURCES = src/admin/main.c src/admin/admin.c src/admin/admin.h \
	src/admin/help.c src/admin/org.c src/admin/session.c src/admin/key.c src/admin/sim.c
src_admin_wagw_admin_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS) $(OPENSSL_CFLAGS)
src_admin_wagw_admin_LDADD = src/ipc/libwagw_ipc.a $(COMMON_LIBS) $(JSONC_LIBS)

# The CLI end to end: the real binary against a temporary database.
check_PROGRAMS += tests/unit/check_admin
TESTS += tests/unit/check_admin
tests_unit_check_admin_SOURCES = tests/unit/check_admin.c
tests_unit_check_admin_CFLAGS = $(UNIT_FLAGS) \
	-DADMIN_BIN='"$(abs_top_builddir)/src/admin/wagw-admin"' \
	-DSESSIOND_BIN='"$(abs_top_builddir)/src/sessiond/wagw-sessiond"'
tests_unit_check_admin_LDADD = $(UNIT_LIBS) $(JSONC_LIBS)
EXTRA_tests_unit_check_admin_DEPENDENCIES = src/admin/wagw-admin$(EXEEXT) \
	src/sessiond/wagw-sessiond$(EXEEXT)
