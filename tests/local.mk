# Suites beyond the unit tests.

# tests/e2e: the whole stack through real lighttpd and real Apache +
# mod_fcgid (tests/e2e/run --help).  Not in `make check`: it needs root,
# both servers and a few minutes.  `make check-e2e` runs it on this build.
E2E_FILES = tests/e2e/run tests/e2e/harness.py tests/e2e/servers.py \
	tests/e2e/stack.py tests/e2e/model.py tests/e2e/cases_api.py \
	tests/e2e/cases_auth.py tests/e2e/cases_daemon.py \
	tests/e2e/cases_sessions.py tests/e2e/cases_whatsapp.py tests/e2e/cases_groups.py \
	tests/e2e/cases_hardened.py tests/e2e/README.md
EXTRA_DIST += $(E2E_FILES)

# SQL only in the store, never assembled from strings (reads the sources).
TESTS += tests/lint/sql-is-never-built
EXTRA_DIST += tests/lint/sql-is-never-built

check-e2e: cgi-bin/wagw.fcgi$(EXEEXT) src/admin/wagw-admin$(EXEEXT) \
		src/sessiond/wagw-sessiond$(EXEEXT)
	/usr/bin/python3 $(srcdir)/tests/e2e/run --srcdir $(srcdir) \
		--builddir $(abs_top_builddir)
.PHONY: check-e2e
EXTRA_DIST += tests/load/run tests/load/load.lua tests/load/README.md tests/load/valgrind-wrap tests/load/valgrind-check

# tests/deploy: README.md's deployment, run as written on a scratch root
# (tests/deploy/run --help).  Needs root and both servers, like tests/e2e.
EXTRA_DIST += tests/deploy/run tests/deploy/fakehost.py
