#!/usr/bin/env bash
# Stream ingest throughput, events/s, next to its anchor measured in the same run:
# redis-benchmark XADD with pipelining (100), the physical limit of Redis on
# this machine. Usage: scripts/bench-ingest.sh [REPEATS]   (47 events per repeat; the
# default makes 1,000,000 lines)
set -euo pipefail
cd "$(dirname "$0")/.."
repeats=${1:-21277}
cargo build --release --quiet --example agent_standin
cargo build --release --quiet
bin=target/release/ccmon
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$work" --daemonize yes --logfile "$work/redis.log"
trap 'redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
until redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.05; done

input=$work/input.jsonl
target/release/examples/agent_standin --file tests/fixtures/stream-json/claude-clean-simple.jsonl --repeat "$repeats" > "$input"
events=$(wc -l < "$input")
bytes=$(stat -c %s "$input")

now() { date +%s%N; }
rate() { echo "$1 * 1000000000 / $2" | bc; }

# Anchor: XADD of a payload of the recording's mean line size, pipelined by 100 (a
# literal argument: redis-benchmark does not expand __data__ for XADD).
size=$((bytes / events))
payload=$(head -c "$size" /dev/zero | tr '\0' x)
t0=$(now)
redis-benchmark -p "$port" -n "$events" -P 100 -q XADD bench '*' data "$payload" >/dev/null
t1=$(now)
anchor=$(rate "$events" $((t1 - t0)))

t0=$(now)
XDG_STATE_HOME=$work/state "$bin" stream ingest "$input" --agent-id bench >/dev/null 2>&1
t1=$(now)
spool=$(rate "$events" $((t1 - t0)))

t0=$(now)
XDG_STATE_HOME=$work/state2 REDIS_URL=redis://127.0.0.1:$port "$bin" stream ingest "$input" --agent-id bench-redis >/dev/null 2>&1
t1=$(now)
redis=$(rate "$events" $((t1 - t0)))
stored=$(redis-cli -p "$port" xlen 'agent:{bench-redis}:events')

printf 'input: %d events, %d bytes (%d bytes/event)\n' "$events" "$bytes" "$size"
printf '%-42s %10s events/s\n' "redis-benchmark XADD -P 100 (anchor)" "$anchor"
printf '%-42s %10s events/s  %5.2fx anchor\n' "ccmon stream ingest -> spool (fsync/batch)" "$spool" "$(echo "$spool / $anchor" | bc -l)"
printf '%-42s %10s events/s  %5.2fx anchor  (%s entries in redis)\n' "ccmon stream ingest -> redis" "$redis" "$(echo "$redis / $anchor" | bc -l)" "$stored"
