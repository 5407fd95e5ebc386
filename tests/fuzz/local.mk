# libFuzzer targets (./configure --enable-fuzzing CC=clang), one per
# parser that sees outside input.  `make fuzz` runs each for FUZZ_SECONDS
# on a scratch copy of its seed corpus (tests/fuzz/corpus/<name>/) and
# fails on the first finding; crashes are kept in fuzz-out/<name>/.
FUZZ_TARGETS = tests/fuzz/fuzz_config $(GATEWAY_FUZZ_TARGETS) $(AUTH_FUZZ_TARGETS) \
	$(WA_FUZZ_TARGETS) \
	$(ROBUST_FUZZ_TARGETS)
FUZZ_SECONDS = 60
FUZZ_FLAGS = $(AM_CFLAGS)
FUZZ_LINK = -fsanitize=fuzzer

if FUZZING
noinst_PROGRAMS += $(FUZZ_TARGETS)
endif
EXTRA_DIST += tests/fuzz/corpus tests/lint/sql-is-never-built

tests_fuzz_fuzz_config_SOURCES = tests/fuzz/fuzz_config.c
tests_fuzz_fuzz_config_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_config_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_config_LDADD = $(COMMON_LIBS)

# The cursor codec, the daemon protocol (codec and client), the
# simulated-network file and the daemon itself (one connection per
# input); regression inputs in tests/fuzz/regress/<name>/.
ROBUST_FUZZ_TARGETS = tests/fuzz/fuzz_cursor tests/fuzz/fuzz_ipc \
	tests/fuzz/fuzz_simnet tests/fuzz/fuzz_sessiond
EXTRA_DIST += tests/fuzz/regress
tests_fuzz_fuzz_cursor_SOURCES = tests/fuzz/fuzz_cursor.c
tests_fuzz_fuzz_cursor_CFLAGS = $(FUZZ_FLAGS) $(OPENSSL_CFLAGS)
tests_fuzz_fuzz_cursor_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_cursor_LDADD = $(GATEWAY_LIBS) -lm
tests_fuzz_fuzz_ipc_SOURCES = tests/fuzz/fuzz_ipc.c
tests_fuzz_fuzz_ipc_CFLAGS = $(FUZZ_FLAGS) $(JSONC_CFLAGS)
tests_fuzz_fuzz_ipc_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_ipc_LDADD = $(IPC_LIBS) $(COMMON_LIBS) $(JSONC_LIBS) -lpthread
tests_fuzz_fuzz_simnet_SOURCES = tests/fuzz/fuzz_simnet.c
tests_fuzz_fuzz_simnet_CFLAGS = $(FUZZ_FLAGS) $(JSONC_CFLAGS)
tests_fuzz_fuzz_simnet_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_simnet_LDADD = $(SESSIOND_LIBS)
tests_fuzz_fuzz_sessiond_SOURCES = tests/fuzz/fuzz_sessiond.c
tests_fuzz_fuzz_sessiond_CFLAGS = $(FUZZ_FLAGS) $(JSONC_CFLAGS)
tests_fuzz_fuzz_sessiond_LDFLAGS = $(FUZZ_LINK)
tests_fuzz_fuzz_sessiond_LDADD = $(SESSIOND_LIBS)

fuzz: $(FUZZ_TARGETS)
	@pass=0; fail=0; for t in $(FUZZ_TARGETS); do \
	  name=$$(basename $$t); name=$${name#fuzz_}; \
	  mkdir -p fuzz-out/$$name/corpus fuzz-out/$$name/crashes; \
	  echo "fuzz: $$name for $(FUZZ_SECONDS)s"; \
	  if ! ./$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	      -print_final_stats=1 -artifact_prefix=fuzz-out/$$name/crashes/ \
	      fuzz-out/$$name/corpus $(srcdir)/tests/fuzz/corpus/$$name \
	      > fuzz-out/$$name/log 2>&1; then \
	    echo "fuzz: $$name FAILED:"; tail -40 fuzz-out/$$name/log; fail=$$((fail + 1)); \
	  else grep -E '^stat::number_of_executed_units' fuzz-out/$$name/log; \
	    pass=$$((pass + 1)); fi; \
	done; echo "$$pass passed, $$fail failed"; test $$fail -eq 0
.PHONY: fuzz
