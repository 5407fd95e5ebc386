# src/wa: the native WhatsApp link below the daemon's driver, I/O-free
# (see docs/whatsapp-link.md).  No dependency on the daemon or the gateway;
# from common only the wire-JID helpers it shares with the gateway
# (common/jid: jid_wire_*, jid_from_wire).
noinst_LIBRARIES += src/wa/libwagw_wa.a
src_wa_libwagw_wa_a_CFLAGS = $(AM_CFLAGS) $(LIBSSL_CFLAGS) $(OPENSSL_CFLAGS) \
	$(SODIUM_CFLAGS) $(ZLIB_CFLAGS)
src_wa_libwagw_wa_a_SOURCES = \
	src/wa/wa_buf.c src/wa/wa_buf.h \
	src/wa/wa_client.c src/wa/wa_client.h \
	src/wa/wa_close.c src/wa/wa_close.h \
	src/wa/wa_conn.c src/wa/wa_conn.h \
	src/wa/wa_creds.c src/wa/wa_creds.h \
	src/wa/wa_crypto.c src/wa/wa_crypto.h \
	src/wa/wa_curve.c src/wa/wa_curve.h \
	src/wa/wa_decode.c src/wa/wa_decode.h \
	src/wa/wa_encode.c src/wa/wa_encode.h \
	src/wa/wa_frame.c src/wa/wa_frame.h \
	src/wa/wa_group.c src/wa/wa_group.h \
	src/wa/wa_iq.c src/wa/wa_iq.h \
	src/wa/wa_node.c src/wa/wa_node.h \
	src/wa/wa_noise.c src/wa/wa_noise.h \
	src/wa/wa_pair.c src/wa/wa_pair.h \
	src/wa/wa_paircode.c src/wa/wa_paircode.h \
	src/wa/wa_payload.c src/wa/wa_payload.h \
	src/wa/wa_pb.c src/wa/wa_pb.h \
	src/wa/wa_prekey.c src/wa/wa_prekey.h \
	src/wa/wa_proto.c src/wa/wa_proto.h \
	src/wa/wa_seen.c src/wa/wa_seen.h \
	src/wa/wa_stanza.c src/wa/wa_stanza.h \
	src/wa/wa_stream.c src/wa/wa_stream.h \
	src/wa/wa_tags.h \
	src/wa/wa_token.c src/wa/wa_token.h src/wa/wa_token_data.c \
	src/wa/wa_usync.c src/wa/wa_usync.h \
	src/wa/wa_version.c src/wa/wa_version.h \
	src/wa/wa_ws.c src/wa/wa_ws.h

# What linking the library pulls in.
WA_LIBS = src/wa/libwagw_wa.a src/common/libwagw_common.a $(LIBSSL_LIBS) $(OPENSSL_LIBS) $(SODIUM_LIBS) \
	$(ZLIB_LIBS)

# The differential-test driver: tests/wa/run talks to it over a pipe.
check_PROGRAMS += tests/wa/wa-tool
tests_wa_wa_tool_SOURCES = tests/wa/wa-tool.c
tests_wa_wa_tool_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)
tests_wa_wa_tool_LDADD = $(WA_LIBS) $(JSONC_LIBS)

# The C end of the loopback test.
check_PROGRAMS += tests/wa/wa-client
tests_wa_wa_client_SOURCES = tests/wa/wa-client.c
tests_wa_wa_client_LDADD = $(WA_LIBS)

EXTRA_DIST += tests/wa/run tests/wa/package.json tests/wa/package-lock.json \
	tests/wa/lib.mjs tests/wa/diff.mjs tests/wa/diff-node.mjs \
	tests/wa/diff-crypto.mjs tests/wa/diff-pb.mjs tests/wa/diff-session.mjs \
	tests/wa/loopback.mjs \
	tests/wa/gen-tokens.mjs tests/wa/gen-corpus.mjs tests/wa/driver \
	tests/wa/fakewa
dist_doc_DATA += docs/whatsapp-link.md

# libFuzzer targets (tests/fuzz/local.mk runs them with `make fuzz` once
# $(WA_FUZZ_TARGETS) is in its FUZZ_TARGETS; seeds in
# tests/fuzz/corpus/wa_{decode,frame,handshake,parse,client}/).
WA_FUZZ_TARGETS = tests/fuzz/fuzz_wa_decode tests/fuzz/fuzz_wa_frame \
	tests/fuzz/fuzz_wa_handshake tests/fuzz/fuzz_wa_parse \
	tests/fuzz/fuzz_wa_client
tests_fuzz_fuzz_wa_decode_SOURCES = tests/fuzz/wa_decode.c
tests_fuzz_fuzz_wa_decode_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_wa_decode_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_wa_decode_LDADD = $(WA_LIBS)
tests_fuzz_fuzz_wa_frame_SOURCES = tests/fuzz/wa_frame.c
tests_fuzz_fuzz_wa_frame_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_wa_frame_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_wa_frame_LDADD = $(WA_LIBS)
tests_fuzz_fuzz_wa_handshake_SOURCES = tests/fuzz/wa_handshake.c
tests_fuzz_fuzz_wa_handshake_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_wa_handshake_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_wa_handshake_LDADD = $(WA_LIBS)

tests_fuzz_fuzz_wa_parse_SOURCES = tests/fuzz/wa_parse.c
tests_fuzz_fuzz_wa_parse_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_wa_parse_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_wa_parse_LDADD = $(WA_LIBS)
tests_fuzz_fuzz_wa_client_SOURCES = tests/fuzz/wa_client.c \
	tests/unit/wa_server.c tests/unit/wa_server.h
tests_fuzz_fuzz_wa_client_CFLAGS = $(FUZZ_FLAGS) $(OPENSSL_CFLAGS)
tests_fuzz_fuzz_wa_client_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_wa_client_LDADD = $(WA_LIBS)

# Unit tests (tests/unit/check_wa_<module>.c).
WA_CHECKS = tests/unit/check_wa_node tests/unit/check_wa_crypto \
	tests/unit/check_wa_transport tests/unit/check_wa_pb \
	tests/unit/check_wa_jid tests/unit/check_wa_client \
	tests/unit/check_wa_creds tests/unit/check_wa_iq tests/unit/check_wa_stanza \
	tests/unit/check_wa_close tests/unit/check_wa_version tests/unit/check_wa_prekey \
	tests/unit/check_wa_pair tests/unit/check_wa_paircode tests/unit/check_wa_usync \
	tests/unit/check_wa_group tests/unit/check_wa_seen tests/unit/check_wa_stream
check_PROGRAMS += $(WA_CHECKS)
TESTS += $(WA_CHECKS)
tests_unit_check_wa_node_SOURCES = tests/unit/check_wa_node.c
tests_unit_check_wa_node_CFLAGS = $(UNIT_FLAGS) $(ZLIB_CFLAGS)
tests_unit_check_wa_node_LDADD = $(WA_LIBS) $(CHECK_LIBS)
tests_unit_check_wa_crypto_SOURCES = tests/unit/check_wa_crypto.c
tests_unit_check_wa_crypto_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_wa_crypto_LDADD = $(WA_LIBS) $(CHECK_LIBS)
tests_unit_check_wa_transport_SOURCES = tests/unit/check_wa_transport.c
tests_unit_check_wa_transport_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_wa_transport_LDADD = $(WA_LIBS) $(CHECK_LIBS)
tests_unit_check_wa_pb_SOURCES = tests/unit/check_wa_pb.c
tests_unit_check_wa_pb_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_wa_pb_LDADD = $(WA_LIBS) $(CHECK_LIBS)
tests_unit_check_wa_client_SOURCES = tests/unit/check_wa_client.c \
	tests/unit/wa_server.c tests/unit/wa_server.h
tests_unit_check_wa_client_CFLAGS = $(UNIT_FLAGS) $(OPENSSL_CFLAGS)
tests_unit_check_wa_client_LDADD = $(WA_LIBS) $(CHECK_LIBS)
tests_unit_check_wa_creds_SOURCES = tests/unit/check_wa_creds.c
tests_unit_check_wa_creds_CFLAGS = $(UNIT_FLAGS) $(OPENSSL_CFLAGS)
tests_unit_check_wa_creds_LDADD = $(WA_LIBS) $(CHECK_LIBS)
tests_unit_check_wa_iq_SOURCES = tests/unit/check_wa_iq.c
tests_unit_check_wa_iq_CFLAGS = $(UNIT_FLAGS) $(OPENSSL_CFLAGS)
tests_unit_check_wa_iq_LDADD = $(WA_LIBS) $(CHECK_LIBS)
tests_unit_check_wa_stanza_SOURCES = tests/unit/check_wa_stanza.c
tests_unit_check_wa_stanza_CFLAGS = $(UNIT_FLAGS) $(OPENSSL_CFLAGS)
tests_unit_check_wa_stanza_LDADD = $(WA_LIBS) $(CHECK_LIBS)
tests_unit_check_wa_close_SOURCES = tests/unit/check_wa_close.c
tests_unit_check_wa_close_CFLAGS = $(UNIT_FLAGS) $(OPENSSL_CFLAGS)
tests_unit_check_wa_close_LDADD = $(WA_LIBS) $(CHECK_LIBS)
tests_unit_check_wa_version_SOURCES = tests/unit/check_wa_version.c
tests_unit_check_wa_version_CFLAGS = $(UNIT_FLAGS) $(OPENSSL_CFLAGS)
tests_unit_check_wa_version_LDADD = $(WA_LIBS) $(CHECK_LIBS)
tests_unit_check_wa_prekey_SOURCES = tests/unit/check_wa_prekey.c
tests_unit_check_wa_prekey_CFLAGS = $(UNIT_FLAGS) $(OPENSSL_CFLAGS)
tests_unit_check_wa_prekey_LDADD = $(WA_LIBS) $(CHECK_LIBS)
tests_unit_check_wa_pair_SOURCES = tests/unit/check_wa_pair.c
tests_unit_check_wa_pair_CFLAGS = $(UNIT_FLAGS) $(OPENSSL_CFLAGS)
tests_unit_check_wa_pair_LDADD = $(WA_LIBS) $(CHECK_LIBS)
tests_unit_check_wa_paircode_SOURCES = tests/unit/check_wa_paircode.c
tests_unit_check_wa_paircode_CFLAGS = $(UNIT_FLAGS) $(OPENSSL_CFLAGS)
tests_unit_check_wa_paircode_LDADD = $(WA_LIBS) $(CHECK_LIBS)
tests_unit_check_wa_usync_SOURCES = tests/unit/check_wa_usync.c
tests_unit_check_wa_usync_CFLAGS = $(UNIT_FLAGS) $(OPENSSL_CFLAGS)
tests_unit_check_wa_usync_LDADD = $(WA_LIBS) $(CHECK_LIBS)
tests_unit_check_wa_group_SOURCES = tests/unit/check_wa_group.c
tests_unit_check_wa_group_CFLAGS = $(UNIT_FLAGS) $(OPENSSL_CFLAGS)
tests_unit_check_wa_group_LDADD = $(WA_LIBS) $(CHECK_LIBS)
tests_unit_check_wa_seen_SOURCES = tests/unit/check_wa_seen.c
tests_unit_check_wa_seen_CFLAGS = $(UNIT_FLAGS) $(OPENSSL_CFLAGS)
tests_unit_check_wa_seen_LDADD = $(WA_LIBS) $(CHECK_LIBS)
tests_unit_check_wa_stream_SOURCES = tests/unit/check_wa_stream.c \
	tests/unit/wa_server.c tests/unit/wa_server.h
tests_unit_check_wa_stream_CFLAGS = $(UNIT_FLAGS) $(OPENSSL_CFLAGS)
tests_unit_check_wa_stream_LDADD = $(WA_LIBS) $(CHECK_LIBS)
tests_unit_check_wa_jid_SOURCES = tests/unit/check_wa_jid.c
tests_unit_check_wa_jid_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_wa_jid_LDADD = $(UNIT_LIBS)
