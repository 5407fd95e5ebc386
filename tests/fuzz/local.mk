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
EXTRA_DIST += tests/fuzz/regress tests/fuzz/README.md
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

# FUZZ_ONLY="wa_decode ipc" restricts fuzz, fuzz-long and fuzz-merge to
# those targets (names without "fuzz_").
FUZZ_ONLY =
fuzz_selected = for t in $(FUZZ_TARGETS); do \
	  name=$$(basename $$t | sed 's/^fuzz_//'); \
	  if [ -n "$(FUZZ_ONLY)" ]; then case " $(FUZZ_ONLY) " in \
	    *" $$name "*) ;; *) continue ;; esac; fi

fuzz: $(FUZZ_TARGETS)
	@pass=0; fail=0; $(fuzz_selected); \
	  mkdir -p fuzz-out/$$name/corpus fuzz-out/$$name/crashes; \
	  if [ -d $(srcdir)/tests/fuzz/regress/$$name ] && \
	      ! ./$$t $(srcdir)/tests/fuzz/regress/$$name/* \
	      > fuzz-out/$$name/regress.log 2>&1; then \
	    echo "fuzz: $$name regression input FAILED:"; \
	    tail -40 fuzz-out/$$name/regress.log; fail=$$((fail + 1)); continue; fi; \
	  echo "fuzz: $$name for $(FUZZ_SECONDS)s"; \
	  if ! ./$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	      -print_final_stats=1 -artifact_prefix=fuzz-out/$$name/crashes/ \
	      fuzz-out/$$name/corpus $(srcdir)/tests/fuzz/corpus/$$name \
	      > fuzz-out/$$name/log 2>&1; then \
	    echo "fuzz: $$name FAILED:"; tail -40 fuzz-out/$$name/log; fail=$$((fail + 1)); \
	  else grep -E '^stat::number_of_executed_units' fuzz-out/$$name/log; \
	    pass=$$((pass + 1)); fi; \
	done; echo "$$pass passed, $$fail failed"; test $$fail -eq 0

# Long runs (tests/fuzz/README.md): each target for FUZZ_LONG_SECONDS on
# a corpus that persists in FUZZ_CORPUS/<name> between runs; a line per
# target with its executions goes to FUZZ_CORPUS/summary.  fuzz-merge then
# adds the inputs that reach new coverage to tests/fuzz/corpus/<name>/
# (libFuzzer -merge=1), ready to commit.
FUZZ_LONG_SECONDS = 600
FUZZ_CORPUS = $(abs_top_builddir)/fuzz-corpus

fuzz-long: $(FUZZ_TARGETS)
	@pass=0; fail=0; $(fuzz_selected); \
	  mkdir -p $(FUZZ_CORPUS)/$$name $(FUZZ_CORPUS)/crashes/$$name; \
	  echo "fuzz-long: $$name for $(FUZZ_LONG_SECONDS)s in $(FUZZ_CORPUS)/$$name"; \
	  if ./$$t -max_total_time=$(FUZZ_LONG_SECONDS) -timeout=10 \
	      -rss_limit_mb=2048 -print_final_stats=1 \
	      -artifact_prefix=$(FUZZ_CORPUS)/crashes/$$name/ \
	      $(FUZZ_CORPUS)/$$name $(srcdir)/tests/fuzz/corpus/$$name \
	      > $(FUZZ_CORPUS)/$$name.log 2>&1; then \
	    result=clean; pass=$$((pass + 1)); \
	  else result=FAILED; fail=$$((fail + 1)); tail -40 $(FUZZ_CORPUS)/$$name.log; fi; \
	  execs=$$(sed -n 's/^stat::number_of_executed_units: *//p' $(FUZZ_CORPUS)/$$name.log); \
	  line="$$(date -u +%FT%TZ) $$name $(FUZZ_LONG_SECONDS)s $${execs:-?} executions $$result"; \
	  echo "$$line"; echo "$$line" >> $(FUZZ_CORPUS)/summary; \
	done; echo "$$pass passed, $$fail failed"; test $$fail -eq 0

fuzz-merge: $(FUZZ_TARGETS)
	@$(fuzz_selected); \
	  [ -d $(FUZZ_CORPUS)/$$name ] || continue; \
	  before=$$(ls $(srcdir)/tests/fuzz/corpus/$$name | wc -l); \
	  ./$$t -merge=1 -timeout=10 -rss_limit_mb=2048 \
	      $(srcdir)/tests/fuzz/corpus/$$name $(FUZZ_CORPUS)/$$name \
	      > $(FUZZ_CORPUS)/$$name.merge.log 2>&1 || \
	    { tail -20 $(FUZZ_CORPUS)/$$name.merge.log; exit 1; }; \
	  echo "fuzz-merge: $$name $$before -> $$(ls $(srcdir)/tests/fuzz/corpus/$$name | wc -l) inputs"; \
	done
.PHONY: fuzz fuzz-long fuzz-merge
