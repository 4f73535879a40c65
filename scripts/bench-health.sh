#!/usr/bin/env bash
# Benchmark of `ccmon health serve` (issue 5, item 9): wrk against /health/live and /health
# on ccmon, next to the same load on examples/static_responder (a static 200 built from the
# same HTTP stack: the ceiling on this machine), then again while the PostgreSQL that ccmon
# checks is SIGSTOPped. Prints requests/s, p99 latency, the ratio to the ceiling, and
# ccmon's resident memory. Loopback only; every run is bounded by DURATION.
#
#   scripts/bench-health.sh            # 64 connections, 10 s per run
#   CONNECTIONS=64 DURATION=5s scripts/bench-health.sh
set -euo pipefail
cd "$(dirname "$0")/.."

CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-2}
command -v wrk >/dev/null || { echo "bench: wrk is missing: apt-get install -y wrk" >&2; exit 2; }
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$pgbin/initdb" ] || { echo "bench: PostgreSQL is missing: apt-get install -y postgresql" >&2; exit 2; }

cargo build --release --quiet --example static_responder
# CCMON_BIN points at an already built binary (skips its build; to compare two builds).
if [ -z "${CCMON_BIN:-}" ]; then cargo build --release --quiet --bin ccmon; fi
target=${CARGO_TARGET_DIR:-target}/release
bin=${CCMON_BIN:-$target/ccmon}

work=$(mktemp -d /tmp/ccmon-bench.XXXXXX)
chmod 755 "$work" # the postgres user must reach its data dir inside
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -CONT "$pid" 2>/dev/null || true; kill "$pid" 2>/dev/null || true; done
  [ -n "${pg_pid:-}" ] && { pkill -CONT -g "$pg_pid" 2>/dev/null || true; kill "$pg_pid" 2>/dev/null || true; }
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# PostgreSQL in its own process group, so SIGSTOP reaches the postmaster and its backends.
mkdir -p "$work/pg" && [ "$(id -u)" = 0 ] && chown postgres "$work/pg"
as_pg "$pgbin/initdb" -D "$work/pg/data" -U postgres -A trust >/dev/null
pg_port=$(free_port)
setsid bash -c "$(declare -f as_pg); as_pg '$pgbin/postgres' -D '$work/pg/data' -p $pg_port \
  -k '$work/pg' -c listen_addresses=127.0.0.1 >'$work/pg/log' 2>&1" &
pg_pid=$!
for _ in $(seq 100); do "$pgbin/pg_isready" -q -h 127.0.0.1 -p "$pg_port" && break; sleep 0.1; done

ccmon_port=$(free_port)
anchor_port=$(free_port)
mkdir -p "$work/home/.claude" && echo $$ > "$work/home/.claude/memory-daemon.pid"
HOME="$work/home" DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/postgres" \
  "$bin" health serve --listen "127.0.0.1:$ccmon_port" 2>"$work/ccmon.log" &
ccmon_pid=$!; pids+=("$ccmon_pid")
"$target/examples/static_responder" "127.0.0.1:$anchor_port" &
pids+=($!)
for port in "$ccmon_port" "$anchor_port"; do
  for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$port/health/live" && break; sleep 0.1; done
done
sleep 2 # let every check finish its first run, so /health is not answering "unknown"

run() { # URL -> "requests/s p99_ms"
  local out
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$1")
  local rps p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; print v}' <<<"$out")
  echo "$rps $p99"
}

printf '%-34s %12s %9s %8s\n' "target (c=$CONNECTIONS, $DURATION)" "requests/s" "p99 ms" "ratio"
read -r ceiling ceiling_p99 < <(run "http://127.0.0.1:$anchor_port/")
printf '%-34s %12.0f %9.2f %8s\n' "static responder (ceiling)" "$ceiling" "$ceiling_p99" "1.00"
row() {
  read -r rps p99 < <(run "$2")
  printf '%-34s %12.0f %9.2f %8.2f\n' "$1" "$rps" "$p99" "$(echo "$rps / $ceiling" | bc -l)"
}
row "ccmon /health/live" "http://127.0.0.1:$ccmon_port/health/live"
row "ccmon /health" "http://127.0.0.1:$ccmon_port/health"
pkill -STOP -g "$pg_pid"
sleep 3 # past the 2 s check timeout: database_connection now reads "timed out after 2s"
row "ccmon /health/live, postgres paused" "http://127.0.0.1:$ccmon_port/health/live"
row "ccmon /health, postgres paused" "http://127.0.0.1:$ccmon_port/health"
curl -s "http://127.0.0.1:$ccmon_port/readyz/database_connection" | grep -o '"message":"[^"]*"' || true
pkill -CONT -g "$pg_pid"
echo "ccmon resident memory: $(awk '/^VmHWM/ {print $2, $3}' "/proc/$ccmon_pid/status") peak, $(awk '/^VmRSS/ {print $2, $3}' "/proc/$ccmon_pid/status") now"
