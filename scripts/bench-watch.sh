#!/usr/bin/env bash
# stream watch: added latency per line in raw mode (child write -> ccmon stdout) at p50 and
# p99, next to the same pipe without ccmon (the anchor), and peak memory of ccmon for a
# long session and during a Redis outage. Usage: scripts/bench-watch.sh [LINES] [OUTAGE_SECS]
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-20000}
outage=${2:-60}
cargo build --release --quiet --example agent_standin
# CCMON_BIN points at an already built binary (skips its build; to compare two builds).
if [ -z "${CCMON_BIN:-}" ]; then cargo build --release --quiet; fi
# Where cargo builds (a shared CARGO_TARGET_DIR is honoured).
target=$(realpath "${CARGO_TARGET_DIR:-target}")
bin=${CCMON_BIN:-$target/release/ccmon}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A child that writes stream-json lines stamped with CLOCK_MONOTONIC, 1 ms apart, and a
# reader that computes how late each line arrives.
cat > "$work/child.py" <<'PY'
import sys, time, json
n = int(sys.argv[1])
for i in range(n):
    sys.stdout.write(json.dumps({"type": "system", "subtype": "status", "seq": i, "t": time.monotonic_ns()}) + "\n")
    sys.stdout.flush()
    time.sleep(0.001)
PY
cat > "$work/reader.py" <<'PY'
import sys, time, json
lat = []
for line in sys.stdin:
    now = time.monotonic_ns()
    try:
        lat.append(now - json.loads(line)["t"])
    except Exception:
        pass
lat.sort()
p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] / 1000.0
print(f"{p(0.5):.1f} {p(0.99):.1f} {len(lat)}")
PY

read -r a50 a99 an < <(python3 "$work/child.py" "$lines" | python3 "$work/reader.py")
read -r c50 c99 cn < <(XDG_STATE_HOME=$work/state "$bin" stream watch --display raw -- python3 "$work/child.py" "$lines" | python3 "$work/reader.py")
printf 'latency per line, %d lines (us)       p50      p99\n' "$lines"
printf '%-36s %8s %8s\n' "pipe without ccmon (anchor)" "$a50" "$a99"
printf '%-36s %8s %8s   added: p50 %.1f us, p99 %.1f us\n' "through ccmon stream watch" "$c50" "$c99" \
  "$(echo "$c50 - $a50" | bc -l)" "$(echo "$c99 - $a99" | bc -l)"

# Peak memory: a 1,000,000-line session (replayed fast) into the spool...
rss_session=$( { /usr/bin/time -f '%M' env XDG_STATE_HOME="$work/s2" "$bin" stream watch --display raw -- \
  "$target"/release/examples/agent_standin --file tests/fixtures/stream-json/claude-clean-simple.jsonl --repeat 21277 \
  >/dev/null; } 2>&1 | tail -1)
# ...and a watch whose Redis is down for the whole run (OUTAGE_SECS, paced).
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
pace=$(( outage * 1000 / 2000 ))
rss_outage=$( { /usr/bin/time -f '%M' env XDG_STATE_HOME="$work/s3" REDIS_URL="redis://127.0.0.1:$port" "$bin" stream watch \
  --display raw --redis-timeout 200ms -- "$target"/release/examples/agent_standin \
  --file tests/fixtures/stream-json/claude-clean-simple.jsonl --repeat 43 --pace "$pace" >/dev/null; } 2>&1 | tail -1)
rss_true=$( { /usr/bin/time -f '%M' true; } 2>&1 | tail -1)
printf 'peak memory (max RSS)\n'
printf '%-36s %8s KiB\n' "true (anchor)" "$rss_true"
printf '%-36s %8s KiB\n' "watch, 1,000,000-line session" "$rss_session"
printf '%-36s %8s KiB\n' "watch, Redis down for ${outage}s" "$rss_outage"
