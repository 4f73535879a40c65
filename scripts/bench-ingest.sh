#!/usr/bin/env bash
# Stream ingest throughput, events/s, next to its anchor measured in the same run:
# redis-benchmark XADD with pipelining (100), the physical limit of Redis on
# this machine. Usage: scripts/bench-ingest.sh [REPEATS] [ROUNDS]   (47 events per
# repeat; the default makes 1,000,000 lines; 3 rounds)
#
# The anchor and ccmon take turns, ROUNDS times, on a flushed server, and the medians
# are compared: on a shared two-core machine either figure alone can swing by a third
# between runs, and taking turns puts both under the same weather.
#
# Two anchors are printed. The issue's: one field holding a payload of the recording's
# mean line size. And the same entry ccmon writes (the ten fields of docs/architecture.md section 3
# with the same sizes, MAXLEN ~ 100000), which is the ceiling for these entries: Redis
# spends more per entry on ten fields than on one. The goal is judged on the first.
#
# Then what Redis itself spends per recorded event (INFO cpu, used_cpu_user + used_cpu_sys
# before and after, divided by the events): at fleet scale Redis is the shared resource.
# Next to ccmon, in the same rounds, bare pipelined XADDs of ccmon's exact entries
# (`redis-cli --pipe`, input written by scripts/bench-ingest-pipe.py from a stream ccmon
# filled): with `*` IDs (the anchor of the ratio, goal <= 1.2x), with explicit `<ms>-<seq>`
# IDs, the same explicit-ID input sent again (every XADD refused as "equal or smaller than
# the target stream top item": what a retried batch costs), and explicit IDs with what such
# a design adds per batch of 512 (meta update script, TTLs, the `agents` set).
set -euo pipefail
cd "$(dirname "$0")/.."
repeats=${1:-21277}
# Where cargo builds (a shared CARGO_TARGET_DIR is honoured).
target=${CARGO_TARGET_DIR:-target}
rounds=${2:-3}
cargo build --release --quiet --example agent_standin
if [ -z "${CCMON_BIN:-}" ]; then
    cargo build --release --quiet
    bin=$target/release/ccmon
else
    bin=$CCMON_BIN
fi
standin=$target/release/examples/agent_standin
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" --daemonize yes --logfile "$work/redis.log"
trap 'redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
until redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.05; done

input=$work/input.jsonl
"$standin" --file tests/fixtures/stream-json/claude-clean-simple.jsonl --repeat "$repeats" > "$input"
events=$(wc -l < "$input")
bytes=$(stat -c %s "$input")

now() { date +%s%N; }
rate() { echo "$1 * 1000000000 / $2" | bc; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
flush() { redis-cli -p "$port" flushall >/dev/null; }
# Seconds of CPU the server has used (user + system, all its threads).
cpu() { redis-cli -p "$port" info cpu | tr -d '\r' | awk -F: '/^used_cpu_(user|sys):/ {s += $2} END {printf "%.6f\n", s}'; }
# Microseconds of server CPU per event between two cpu() readings.
per_event() { echo "($2 - $1) * 1000000 / $events" | bc -l; }
# Sends a redis-cli --pipe input; prints how many replies were errors.
# (redis-cli exits 1 when a reply was an error, which the refused run expects.)
pipe() { { redis-cli -p "$port" --pipe < "$1" 2>&1 || true; } | sed -n 's/.*errors: \([0-9]*\),.*/\1/p'; }
# Sends a pipe input, appending Redis's CPU per event to the array named $2; the count of
# error replies is left in $piped (no subshell, so the array keeps what is appended).
measure_pipe() {
    local -n into=$2
    local c0 c1
    c0=$(cpu)
    piped=$(pipe "$1")
    c1=$(cpu)
    into+=("$(per_event "$c0" "$c1")")
}

# The anchors' payloads (literal arguments: redis-benchmark does not expand __data__ for
# XADD). The shaped one has the fields ccmon writes, at the sizes they have here.
size=$((bytes / events))
payload=$(head -c "$size" /dev/zero | tr '\0' x)
shaped=(event_type text type assistant subtype '' session_id 6170607e-7232-407c-82c3-7fc983d60064
    tool '' turn_number 12 run_id 20261128T014555123Z-123456 seq 123456
    timestamp 2026-11-28T01:45:55.123Z data "$payload")

# The pipe inputs hold the entries ccmon writes for this input, taken from a stream that
# keeps them all.
XDG_STATE_HOME=$work/state-dump REDIS_URL=redis://127.0.0.1:$port "$bin" stream ingest "$input" \
    --agent-id bench-dump --maxlen 0 >/dev/null 2>&1
dumped=$(python3 scripts/bench-ingest-pipe.py "$port" 'agent:{bench-dump}:events' "$work")
if [ "$dumped" != "$events" ]; then
    echo "bench-ingest: ccmon stored $dumped of $events events for the pipe inputs" >&2
    exit 1
fi
flush

# A discarded warm-up: the first run on a new server pays for growing its memory to the
# whole input (the anchor keeps every entry), which no later round does.
redis-benchmark -p "$port" -n "$events" -P 100 -q XADD bench '*' data "$payload" >/dev/null

anchor=() shaped_anchor=() redis=()
cpu_shaped=() cpu_ccmon=() cpu_star=() cpu_explicit=() cpu_refused=() cpu_proto=()
for round in $(seq "$rounds"); do
    flush
    t0=$(now)
    redis-benchmark -p "$port" -n "$events" -P 100 -q XADD bench '*' data "$payload" >/dev/null
    t1=$(now)
    anchor+=("$(rate "$events" $((t1 - t0)))")

    flush
    c0=$(cpu)
    t0=$(now)
    redis-benchmark -p "$port" -n "$events" -P 100 -q XADD bench MAXLEN '~' 100000 '*' "${shaped[@]}" >/dev/null
    t1=$(now)
    c1=$(cpu)
    shaped_anchor+=("$(rate "$events" $((t1 - t0)))")
    cpu_shaped+=("$(per_event "$c0" "$c1")")

    flush
    rm -rf "$work/state2"
    c0=$(cpu)
    t0=$(now)
    XDG_STATE_HOME=$work/state2 REDIS_URL=redis://127.0.0.1:$port "$bin" stream ingest "$input" --agent-id bench-redis >/dev/null 2>&1
    t1=$(now)
    c1=$(cpu)
    redis+=("$(rate "$events" $((t1 - t0)))")
    cpu_ccmon+=("$(per_event "$c0" "$c1")")
    stored=$(redis-cli -p "$port" xlen 'agent:{bench-redis}:events')

    flush
    measure_pipe "$work/star.resp" cpu_star
    errors=$piped
    flush
    measure_pipe "$work/explicit.resp" cpu_explicit
    errors=$errors/$piped
    # The same again: every entry is at or below the stream's top and refused.
    measure_pipe "$work/explicit.resp" cpu_refused
    refused=$piped
    flush
    measure_pipe "$work/proto.resp" cpu_proto
    errors=$errors/$piped
    if [ "$errors" != 0/0/0 ] || [ "$refused" != "$events" ]; then
        echo "bench-ingest: pipe errors $errors (want 0/0/0), refused $refused (want $events)" >&2
        exit 1
    fi

    printf 'round %d: anchor %s/s, same-entry anchor %s/s, ccmon -> redis %s/s (%.2fx; %s entries kept); redis cpu/event: ccmon %.2f us, bare xadd %.2f us (%.2fx)\n' \
        "$round" "${anchor[-1]}" "${shaped_anchor[-1]}" "${redis[-1]}" \
        "$(echo "${redis[-1]} / ${anchor[-1]}" | bc -l)" "$stored" \
        "${cpu_ccmon[-1]}" "${cpu_star[-1]}" "$(echo "${cpu_ccmon[-1]} / ${cpu_star[-1]}" | bc -l)" >&2
done

t0=$(now)
XDG_STATE_HOME=$work/state "$bin" stream ingest "$input" --agent-id bench >/dev/null 2>&1
t1=$(now)
spool=$(rate "$events" $((t1 - t0)))

a=$(median "${anchor[@]}")
s=$(median "${shaped_anchor[@]}")
r=$(median "${redis[@]}")
printf 'input: %d events, %d bytes (%d bytes/event); medians of %d rounds\n' "$events" "$bytes" "$size" "$rounds"
printf '%-46s %10s events/s\n' "redis-benchmark XADD -P 100 (anchor)" "$a"
printf '%-46s %10s events/s  %5.2fx anchor\n' "redis-benchmark XADD -P 100, ccmon's entry" "$s" "$(echo "$s / $a" | bc -l)"
printf '%-46s %10s events/s  %5.2fx anchor  %5.2fx same-entry anchor\n' "ccmon stream ingest -> redis" "$r" \
    "$(echo "$r / $a" | bc -l)" "$(echo "$r / $s" | bc -l)"
printf '%-46s %10s events/s  %5.2fx anchor\n' "ccmon stream ingest -> spool (fsync/batch)" "$spool" "$(echo "$spool / $a" | bc -l)"

# Medians of fractional figures: sort -g.
gmedian() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
star=$(gmedian "${cpu_star[@]}")
line() { printf '%-52s %7.2f us/event  %5.2fx bare XADD\n' "$1" "$2" "$(echo "$2 / $star" | bc -l)"; }
printf 'redis CPU per event (INFO cpu used_cpu_user+used_cpu_sys), medians of %d rounds:\n' "$rounds"
line "redis-cli --pipe XADD *, ccmon's exact entries (bare)" "$star"
line "redis-benchmark XADD -P 100, ccmon's entry shape" "$(gmedian "${cpu_shaped[@]}")"
line "redis-cli --pipe XADD <ms>-<seq>, same entries" "$(gmedian "${cpu_explicit[@]}")"
line "  the same sent again, every XADD refused" "$(gmedian "${cpu_refused[@]}")"
line "  explicit IDs + per 512: meta script, TTLs, agents" "$(gmedian "${cpu_proto[@]}")"
line "ccmon stream ingest -> redis (goal <= 1.2x)" "$(gmedian "${cpu_ccmon[@]}")"
