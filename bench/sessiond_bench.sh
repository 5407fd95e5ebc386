#!/bin/sh
# bench/sessiond_bench.sh [BUILDDIR]
#
# Measures wagw-sessiond on its own (no web server):
#  1. storing what one session sees: 100,000 contacts (seconds);
#  2. the daemon's own CPU time per live lookup (check, about) with the sim
#     link at latencyMs 0, the cache off and the budget out of the way;
#  3. its memory (RSS) holding 1,000 sessions connected to the sim link.
# BUILDDIR holds src/sessiond/wagw-sessiond and src/admin/wagw-admin (default:
# the current directory); build it without --enable-sanitizers for numbers.
# Needs /usr/bin/python3.  Everything happens in a temporary directory.
set -eu

B=$(cd "${1:-.}" && pwd)
SRC=$(cd "$(dirname "$0")/.." && pwd)
SD=$B/src/sessiond/wagw-sessiond
ADMIN=$B/src/admin/wagw-admin
GEN=$SRC/tests/tools/gen_network.py
PY=/usr/bin/python3
LOOKUPS=${LOOKUPS:-20000}
T=$(mktemp -d "${TMPDIR:-/tmp}/wagw-sdbench-XXXXXX")
PID=

cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

conf() {	# conf NETWORK EXTRA...
	net=$1; shift
	{
		printf '[store]\ndatabase = %s/wagw.db\n' "$T"
		printf '[sessiond]\nsocket = %s/s.sock\nsim_network = %s\n' "$T" "$net"
		printf 'credentials_key_file = %s/credentials.key\n' "$T"
		printf 'lookups_per_minute = 1000000\nlookup_burst = 1000000\n'
		printf 'lookups_per_day = 100000000\n'
		for l in "$@"; do printf '%s\n' "$l"; done
	} > "$T/wagw.conf"
}

fresh_db() {	# fresh_db < session ids
	rm -f "$T"/wagw.db*
	"$ADMIN" --config "$T/wagw.conf" init >/dev/null
	"$ADMIN" --config "$T/wagw.conf" org add bench >/dev/null 2>&1
	while read -r id; do
		"$ADMIN" --config "$T/wagw.conf" session add "$id" --org bench >/dev/null 2>&1
	done
}

start() {
	: > "$T/log"
	"$SD" --config "$T/wagw.conf" 2>"$T/log" &
	PID=$!
	i=0
	until [ -S "$T/s.sock" ]; do
		i=$((i + 1)); [ $i -lt 500 ] || { cat "$T/log"; exit 1; }
		sleep 0.02
	done
}

stop() {
	kill "$PID"; wait "$PID" || true; PID=
}

wait_stored() {	# wait_stored N: until N "stored" lines
	i=0
	while [ "$(grep -c ': stored ' "$T/log" || true)" -lt "$1" ]; do
		i=$((i + 1)); [ $i -lt 6000 ] || { tail "$T/log"; exit 1; }
		sleep 0.05
	done
}

cpu_ticks() {	# utime + stime of $PID, in clock ticks
	awk '{ print $14 + $15 }' "/proc/$PID/stat"
}

echo "== 1. storing 100,000 contacts of one session"
$PY "$GEN" --contacts 100000 --print-sessions "$T/net100k.json" > "$T/ids"
conf "$T/net100k.json" "check_cache_s = 0"
fresh_db < "$T/ids"
start
wait_stored 1
grep ': stored ' "$T/log" | sed 's/^/   /'
echo "$(cpu_ticks) $(getconf CLK_TCK)" | awk '{ printf "   daemon CPU since start (parse, view, store): %.2f s\n", $1 / $2 }'

echo "== 2. daemon CPU per live lookup (latencyMs 0), $LOOKUPS each"
load() {	# load OP LABEL
	t0=$(cpu_ticks)
	$PY - "$T/s.sock" "$1" "$LOOKUPS" "$2" <<'PYEOF'
import json, socket, struct, sys, time
path, op, n, label = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
s = socket.socket(socket.AF_UNIX)
s.connect(path)
f = s.makefile("rb")
def req(i):
    o = {"id": i, "op": op, "session": "BENCH00001"}
    if op == "check":
        o["phones"] = ["%d" % (4915000000000 + i % 100000)]
    else:
        o["jid"] = "%d@lid" % (100000000000000 + i % 100000)
    p = json.dumps(o).encode()
    return b"WG\x01\x01" + struct.pack(">I", len(p)) + p
depth, done, t0 = 32, 0, time.monotonic()
while done < n:
    k = min(depth, n - done)
    s.sendall(b"".join(req(done + j + 1) for j in range(k)))
    for _ in range(k):
        h = f.read(8)
        body = json.loads(f.read(struct.unpack(">I", h[4:])[0]))
        if "error" in body:
            sys.exit("lookup failed: %r" % body)
    done += k
dt = time.monotonic() - t0
print("   %s: %d in %.2f s over one pipelined connection (%.0f/s)"
      % (label, n, dt, n / dt))
PYEOF
	t1=$(cpu_ticks)
	echo "$t0 $t1 $(getconf CLK_TCK) $LOOKUPS" | awk -v l="$2" \
	    '{ printf "   %s: daemon CPU %.1f us per lookup\n", l, ($2 - $1) * 1e6 / $3 / $4 }'
}
load check "check, cache off"
load about "about"
stop
conf "$T/net100k.json" "check_cache_s = 86400"
start
wait_stored 1	# the restart stores the session's view again (unchanged rows)
load check "check, cache on, misses (stored)"
load check "check, cache on, hits"
stop

echo "== 3. memory with 1,000 sessions connected (100 contacts each)"
$PY "$GEN" --sessions 1000 --contacts 100 --accounts 20000 --print-sessions \
    "$T/net1k.json" > "$T/ids"
conf "$T/net1k.json"
fresh_db < "$T/ids"
start
wait_stored 1000
i=0
while [ "$(grep -c ': connected$' "$T/log" || true)" -lt 1000 ]; do
	i=$((i + 1)); [ $i -lt 600 ] || break
	sleep 0.05
done
echo "   connected: $(grep -c ': connected$' "$T/log")"
grep -E '^(VmRSS|VmHWM)' "/proc/$PID/status" | sed 's/^/   /'
stop
