#!/bin/sh
# bench/wa_sessions.sh [BUILDDIR]
#
# wagw-sessiond holding SESSIONS (1,000) WhatsApp sessions, each its own
# TLS + Noise connection to the fake WhatsApp server (tests/wa/fakewa),
# all in one daemon (issue 11):
#  1. daemon RSS with 0 sessions and with SESSIONS connected, per session;
#  2. daemon CPU over an idle window (keepalives only), as CPU-seconds per
#     session-hour;
#  3. checks per second through the daemon (its Unix socket, one phone per
#     check, the check cache off, budgets out of the way) and its CPU per
#     check;
#  4. the time until all SESSIONS are working again after fakewa stops
#     listening, drops every connection and listens again (POST /stop,
#     POST /start).
# fakewa's own RSS and CPU are shown beside the daemon's.
#
# BUILDDIR holds src/sessiond/wagw-sessiond and src/admin/wagw-admin (default:
# the current directory); build it without --enable-sanitizers for numbers.
# Knobs (environment): SESSIONS (1000), PAIR_CONC (sessions paired at once,
# 16), SETTLE_S (quiet time after pairing, 15), IDLE_S (the idle window,
# 120), CHECK_S (the check run, 20), CHECK_CONNS (socket connections, 4),
# CHECK_DEPTH (checks in flight on each, 32), DOWN_S (how long fakewa stays
# down, at least until every session has noticed; 0), RECONNECT_TIMEOUT_S
# (300), RECONNECTS (rounds of that, 2), RC_GAP_S (up time between rounds,
# 65: longer than the daemon's 60 s after which a link counts as stable and
# its back-off starts over; below that each round waits twice as long).
# A quick run (about a minute):
#   SESSIONS=50 IDLE_S=20 CHECK_S=5 RECONNECTS=1 bench/wa_sessions.sh BUILDDIR
# Needs node (tests/wa/node_modules: npm ci there), openssl, /usr/bin/python3.
# Everything happens in a temporary directory (KEEP=1 keeps it).
set -eu

B=$(cd "${1:-.}" && pwd)
SRC=$(cd "$(dirname "$0")/.." && pwd)
SD=$B/src/sessiond/wagw-sessiond
ADMIN=$B/src/admin/wagw-admin
PY=/usr/bin/python3
CLIENT=$SRC/bench/wa_sessions.py
WA=$SRC/tests/wa
SESSIONS=${SESSIONS:-1000}
PAIR_CONC=${PAIR_CONC:-16}
SETTLE_S=${SETTLE_S:-15}
IDLE_S=${IDLE_S:-120}
CHECK_S=${CHECK_S:-20}
CHECK_CONNS=${CHECK_CONNS:-4}
CHECK_DEPTH=${CHECK_DEPTH:-32}
DOWN_S=${DOWN_S:-0}
RECONNECTS=${RECONNECTS:-2}
RC_GAP_S=${RC_GAP_S:-65}
RC_FAIL=0
RECONNECT_TIMEOUT_S=${RECONNECT_TIMEOUT_S:-300}
HZ=$(getconf CLK_TCK)

for f in "$SD" "$ADMIN"; do
	[ -x "$f" ] || { echo "$f: not built (BUILDDIR: $B)" >&2; exit 2; }
done
command -v node >/dev/null || { echo "node not found" >&2; exit 2; }
[ -d "$WA/node_modules/baileys" ] || { echo "run: cd $WA && npm ci" >&2; exit 2; }

# A socket per session, the database, the listeners: well above SESSIONS.
want=$((SESSIONS * 2 + 256))
[ "$want" -ge 4096 ] || want=4096
hard=$(ulimit -Hn)
[ "$hard" = unlimited ] || [ "$hard" -ge "$want" ] || want=$hard
ulimit -n "$want"

T=$(mktemp -d "${TMPDIR:-/tmp}/wagw-wabench-XXXXXX")
PID= FPID=
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
	[ -n "$FPID" ] && kill "$FPID" 2>/dev/null && wait "$FPID" 2>/dev/null || true
	if [ "${KEEP:-0}" = 1 ]; then echo "kept $T" >&2; else rm -rf "$T"; fi
}
trap cleanup EXIT INT TERM

ticks() {	# utime + stime of process $1, in clock ticks
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}
kib() {		# kib PID FIELD: VmRSS / VmHWM in KiB
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}
val() {		# val FILE KEY: the value of a "key value" line
	awk -v k="$2" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' "$1"
}
working() {
	$PY "$CLIENT" count "$T/s.sock" "$T/ids"
}
pings() {	# keepalives fakewa has answered on the open connections
	curl -fsS "http://127.0.0.1:$CTL/clients" |
	    $PY -c 'import json,sys; print(sum(c["pings"] for c in json.load(sys.stdin)["clients"]))'
}

echo "== wagw-sessiond with $SESSIONS WhatsApp sessions against fakewa (TLS)"
echo "   $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), ulimit -n $(ulimit -n), node $(node --version)"

# ---- fakewa, over TLS with a throwaway certificate ----
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$T/key.pem" -out "$T/cert.pem" -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -days 1 2>/dev/null
node "$WA/fakewa/main.mjs" --cert "$T/cert.pem" --key "$T/key.pem" \
    --fixtures "$WA/fakewa/fixtures.json" --ready-file "$T/ready.json" \
    --exit-with-parent >/dev/null 2>"$T/fakewa.log" &
FPID=$!
i=0
while [ ! -s "$T/ready.json" ]; do
	i=$((i + 1))
	if [ $i -gt 300 ] || ! kill -0 "$FPID" 2>/dev/null; then
		echo "fakewa did not start:" >&2; cat "$T/fakewa.log" >&2; exit 1
	fi
	sleep 0.1
done
ready() { $PY -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$T/ready.json" "$1"; }
URL=$(ready url) ROOT=$(ready rootPub) CTL=$(ready control)

# ---- the daemon: whatsapp link, no check cache, budgets out of the way ----
cat > "$T/wagw.conf" <<EOF
[store]
database = $T/wagw.db
[sessiond]
socket = $T/s.sock
link = whatsapp
credentials_key_file = $T/credentials.key
lookup_timeout_ms = 30000
lookups_per_minute = 1000000
lookup_burst = 1000000
lookups_per_day = 100000000
check_cache_s = 0
[whatsapp]
url = $URL
ca_file = $T/cert.pem
noise_root_key = $ROOT
version_url =
EOF
"$ADMIN" --config "$T/wagw.conf" init >/dev/null
"$SD" --config "$T/wagw.conf" 2>"$T/sessiond.log" &
PID=$!
i=0
until [ -S "$T/s.sock" ]; do
	i=$((i + 1)); [ $i -lt 500 ] || { cat "$T/sessiond.log" >&2; exit 1; }
	sleep 0.02
done
sleep 1
RSS0=$(kib "$PID" VmRSS) FRSS0=$(kib "$FPID" VmRSS)
echo "   daemon pid $PID, RSS $RSS0 KiB with 0 sessions; fakewa pid $FPID, RSS $FRSS0 KiB"

# ---- pairing: session_create, QR, fakewa's phone scans it, working ----
echo "== pairing $SESSIONS sessions by QR, $PAIR_CONC at a time"
c0=$(ticks "$PID") f0=$(ticks "$FPID")
$PY "$CLIENT" pair "$T/s.sock" "$CTL" "$SESSIONS" "$PAIR_CONC" "$T/ids" > "$T/pair.out"
c1=$(ticks "$PID") f1=$(ticks "$FPID")
sed 's/^/   /' "$T/pair.out"
PAIR_CPU=$(echo "$c0 $c1 $HZ $SESSIONS" | awk '{ printf "%.2f", ($2 - $1) * 1000 / $3 / $4 }')
PAIR_FCPU=$(echo "$f0 $f1 $HZ $SESSIONS" | awk '{ printf "%.2f", ($2 - $1) * 1000 / $3 / $4 }')
echo "   CPU per pairing: daemon $PAIR_CPU ms, fakewa $PAIR_FCPU ms"
sleep "$SETTLE_S"
UP=$(working)
RSS1=$(kib "$PID" VmRSS) FRSS1=$(kib "$FPID" VmRSS)
FDS=$(ls "/proc/$PID/fd" | wc -l)
echo "   working after ${SETTLE_S}s: $UP; daemon RSS $RSS1 KiB, $FDS fds; fakewa RSS $FRSS1 KiB"
[ "$UP" -eq "$SESSIONS" ] || { echo "not all sessions are working" >&2; exit 1; }

# ---- idle: keepalives only ----
echo "== idle for ${IDLE_S}s"
p0=$(pings) c0=$(ticks "$PID") f0=$(ticks "$FPID")
sleep "$IDLE_S"
p1=$(pings) c1=$(ticks "$PID") f1=$(ticks "$FPID")
UP_IDLE=$(working)
IDLE_CPU=$(echo "$c0 $c1 $HZ" | awk '{ printf "%.2f", ($2 - $1) / $3 }')
IDLE_FCPU=$(echo "$f0 $f1 $HZ" | awk '{ printf "%.2f", ($2 - $1) / $3 }')
IDLE_SH=$(echo "$IDLE_CPU $SESSIONS $IDLE_S" | awk '{ printf "%.4f", $1 / $2 / ($3 / 3600) }')
PINGS_H=$(echo "$p0 $p1 $SESSIONS $IDLE_S" | awk '{ printf "%.0f", ($2 - $1) / $3 / ($4 / 3600) }')
PING_US=$(echo "$IDLE_CPU $p0 $p1" | awk '{ d = $3 - $2; if (d > 0) printf "%.0f", $1 * 1e6 / d; else print "-" }')
echo "   daemon CPU ${IDLE_CPU}s, fakewa ${IDLE_FCPU}s; keepalives answered $((p1 - p0)); still working $UP_IDLE"
RSS2=$(kib "$PID" VmRSS)

# ---- checks through the daemon ----
echo "== checks for ${CHECK_S}s: $CHECK_CONNS connections x $CHECK_DEPTH in flight, over all sessions"
c0=$(ticks "$PID") f0=$(ticks "$FPID")
$PY "$CLIENT" checks "$T/s.sock" "$T/ids" "$CHECK_S" "$CHECK_CONNS" "$CHECK_DEPTH" > "$T/checks.out"
c1=$(ticks "$PID") f1=$(ticks "$FPID")
sed 's/^/   /' "$T/checks.out"
NCHK=$(val "$T/checks.out" checks_ok)
CHK_US=$(echo "$c0 $c1 $HZ $NCHK" | awk '{ if ($4 > 0) printf "%.0f", ($2 - $1) * 1e6 / $3 / $4; else print "-" }')
CHK_FUS=$(echo "$f0 $f1 $HZ $NCHK" | awk '{ if ($4 > 0) printf "%.0f", ($2 - $1) * 1e6 / $3 / $4; else print "-" }')
echo "   CPU per check: daemon $CHK_US us, fakewa $CHK_FUS us"
RSS3=$(kib "$PID" VmRSS)

# ---- fakewa goes away and comes back, RECONNECTS times ----
DROPS0=$(grep -c ': link down' "$T/sessiond.log" || true)	# before: none wanted
c0=$(ticks "$PID") f0=$(ticks "$FPID")
RC_ALL= RC_RSS=
r=1
while [ $r -le "$RECONNECTS" ]; do
	# Up for longer than the daemon's backoff "stable" time (60 s), so that
	# every round starts from the first retry delay (about 1 s).
	[ $r -eq 1 ] || sleep "$RC_GAP_S"
	echo "== reconnect $r/$RECONNECTS: fakewa /stop, $DOWN_S s down, /start"
	$PY "$CLIENT" reconnect "$T/s.sock" "$CTL" "$T/ids" "$DOWN_S" "$RECONNECT_TIMEOUT_S" > "$T/rc$r.out"
	sed 's/^/   /' "$T/rc$r.out"
	[ "$(val "$T/rc$r.out" rc_working)" -eq "$SESSIONS" ] || RC_FAIL=1
	sleep 2	# what follows the login (groups, seen people) settles
	RC_ALL="$RC_ALL${RC_ALL:+ / }$(val "$T/rc$r.out" rc_all_s)"
	RC_RSS="$RC_RSS${RC_RSS:+ / }$(($(kib "$PID" VmRSS) / 1024))"
	echo "   daemon RSS $(kib "$PID" VmRSS) KiB"
	r=$((r + 1))
done
c1=$(ticks "$PID") f1=$(ticks "$FPID")
RC_CPU=$(echo "$c0 $c1 $HZ $SESSIONS $RECONNECTS" | awk '{ printf "%.2f", ($2 - $1) * 1000 / $3 / $4 / $5 }')
RC_FCPU=$(echo "$f0 $f1 $HZ $SESSIONS $RECONNECTS" | awk '{ printf "%.2f", ($2 - $1) * 1000 / $3 / $4 / $5 }')
echo "   CPU per reconnect: daemon $RC_CPU ms, fakewa $RC_FCPU ms"
RSS4=$(kib "$PID" VmRSS) HWM=$(kib "$PID" VmHWM) FRSS4=$(kib "$FPID" VmRSS)
PROBLEMS=$(curl -fsS "http://127.0.0.1:$CTL/problems" |
    $PY -c 'import json,sys; print(len(json.load(sys.stdin)["problems"]))')
DROPS1=$(grep -c ': link down' "$T/sessiond.log" || true)
OTHER=$(grep -v -e ': stored [0-9]* contacts' -e ': working$' -e ': reconnecting$' \
    -e ': link down (I/O error); reconnecting in' -e ': created for organization' \
    "$T/sessiond.log" | wc -l)

# ---- the table ----
per() { echo "$1 $2 $3" | awk '{ printf "%.1f", ($2 - $1) / $3 }'; }
echo
echo "| measure ($SESSIONS sessions, TLS) | value |"
echo "|---|---:|"
echo "| daemon RSS, 0 sessions | $((RSS0 / 1024)) MiB |"
echo "| daemon RSS, $SESSIONS connected (settled / after idle / after checks / after reconnect) | $((RSS1 / 1024)) / $((RSS2 / 1024)) / $((RSS3 / 1024)) / $((RSS4 / 1024)) MiB |"
echo "| **daemon RSS per connected session** (settled; after reconnect) | **$(per "$RSS0" "$RSS1" "$SESSIONS") KiB**; $(per "$RSS0" "$RSS4" "$SESSIONS") KiB |"
echo "| daemon peak RSS (VmHWM) | $((HWM / 1024)) MiB |"
echo "| fakewa RSS, 0 / $SESSIONS connected / after reconnect | $((FRSS0 / 1024)) / $((FRSS1 / 1024)) / $((FRSS4 / 1024)) MiB |"
echo "| pairing by QR ($PAIR_CONC at a time) | $(val "$T/pair.out" pair_wall) s, $(val "$T/pair.out" pair_rate)/s; CPU per pairing: daemon $PAIR_CPU ms, fakewa $PAIR_FCPU ms |"
echo "| idle window | ${IDLE_S} s, daemon CPU ${IDLE_CPU} s, fakewa ${IDLE_FCPU} s; $PINGS_H keepalives per session-hour |"
echo "| **daemon CPU per idle session-hour** | **${IDLE_SH} CPU-s** (~${PING_US} us per keepalive) |"
echo "| **checks through the daemon** | **$(val "$T/checks.out" checks_rate)/s** ($NCHK ok, $(val "$T/checks.out" checks_err) errors; p50 $(val "$T/checks.out" checks_p50_ms) ms, p99 $(val "$T/checks.out" checks_p99_ms) ms) |"
echo "| CPU per check | daemon $CHK_US us, fakewa $CHK_FUS us |"
echo "| **reconnect all after fakewa restarts** (from /start; round 1) | **$(val "$T/rc1.out" rc_all_s) s** (p50 $(val "$T/rc1.out" rc_p50_s) s, p90 $(val "$T/rc1.out" rc_p90_s) s; $(val "$T/rc1.out" rc_working)/$SESSIONS back; down $(val "$T/rc1.out" rc_down_s) s) |"
echo "| reconnect rounds: all back after (s); daemon RSS after each (MiB) | $RC_ALL; $RC_RSS |"
echo "| CPU per reconnect | daemon $RC_CPU ms, fakewa $RC_FCPU ms |"
echo "| links dropped before the reconnects; during them | $DROPS0; $((DROPS1 - DROPS0)) (want $((SESSIONS * RECONNECTS))) |"
echo "| fakewa problems; other daemon log lines | $PROBLEMS; $OTHER |"
echo
echo "reconnect curve, round 1 (s after /start: working): $(val "$T/rc1.out" rc_curve)"
[ "$RC_FAIL" = 0 ] && [ "$DROPS0" = 0 ] || exit 1
