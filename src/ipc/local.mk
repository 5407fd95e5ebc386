# src/ipc: the wagw-sessiond protocol (docs/sessiond-protocol.md) and its client.
noinst_LIBRARIES += src/ipc/libwagw_ipc.a
src_ipc_libwagw_ipc_a_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS) $(SQLITE_CFLAGS)
src_ipc_libwagw_ipc_a_SOURCES = \
	src/ipc/ipc_frame.c src/ipc/ipc_frame.h \
	src/ipc/ipc_msg.c src/ipc/ipc_msg.h \
	src/ipc/ipc_session.c src/ipc/ipc_session.h \
	src/ipc/sessiond_client.c src/ipc/sessiond_client.h

# Link with: src/ipc/libwagw_ipc.a $(COMMON_LIBS) $(JSONC_LIBS)
IPC_LIBS = src/ipc/libwagw_ipc.a $(JSONC_LIBS)

check_PROGRAMS += tests/unit/check_ipc
TESTS += tests/unit/check_ipc
tests_unit_check_ipc_SOURCES = tests/unit/check_ipc.c
tests_unit_check_ipc_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_ipc_LDADD = $(IPC_LIBS) $(UNIT_LIBS) $(JSONC_LIBS)
