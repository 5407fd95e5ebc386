# bench/: the benchmark (see bench/README.md).  bench/run drives wrk
# against real lighttpd; bench/trivial is the baseline responder every
# wagw scenario is compared with in the same run.
noinst_PROGRAMS += bench/trivial
bench_trivial_SOURCES = bench/trivial.c
bench_trivial_LDADD = $(FCGI_LIBS)

EXTRA_DIST += bench/run bench/check.lua bench/README.md bench/scale bench/peer/main.go

# The responder's own cost of a list request, for callgrind (see its header).
noinst_PROGRAMS += bench/profile_list
bench_profile_list_SOURCES = bench/profile_list.c bench/bench_key.c bench/bench_key.h
bench_profile_list_LDADD = $(GATEWAY_LIBS)

# 10^6 contacts over 1,000 sessions against each session alone (bench/scale).
noinst_PROGRAMS += bench/scale_list
bench_scale_list_SOURCES = bench/scale_list.c bench/bench_key.c bench/bench_key.h
bench_scale_list_LDADD = $(GATEWAY_LIBS)
