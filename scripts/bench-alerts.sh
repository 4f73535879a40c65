#!/usr/bin/env bash
# Alertmanager client speed next to its anchor, amtool, measured in the same run on the
# same kind of server: `silence import` of N silences (each tool into its own fresh
# Alertmanager; amtool with its default 8 workers, ccmon with 32 requests in flight) and
# `alerts ls` with M active alerts (JSON and table, best of R runs). Goal of issue 6:
# import at least 2x amtool, listing no slower. The import also shows the server's own
# floor (curl, FLOOR_PARALLEL=32 parallel POSTs), the most any client can reach.
# Usage: scripts/bench-alerts.sh [SILENCES] [ALERTS] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
silences=${1:-1000}
alerts=${2:-5000}
runs=${3:-5}
target=${CARGO_TARGET_DIR:-target}
# CCMON_BIN points at an already built binary (skips the build; to compare two builds).
if [ -z "${CCMON_BIN:-}" ]; then cargo build --release --quiet; fi
bin=${CCMON_BIN:-$target/release/ccmon}
am_bin=$(command -v prometheus-alertmanager || command -v alertmanager)
work=$(mktemp -d)
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
start_am() { # starts a fresh Alertmanager; sets $url (no subshell, so $pids keeps its pid)
  local port dir
  port=$(free_port)
  dir=$work/am-$port
  mkdir -p "$dir"
  printf "route:\n  receiver: 'null'\nreceivers:\n  - name: 'null'\n" > "$dir/am.yml"
  "$am_bin" --config.file="$dir/am.yml" --storage.path="$dir/data" \
    --web.listen-address="127.0.0.1:$port" --cluster.listen-address= > "$dir/log" 2>&1 &
  pids+=($!)
  url="http://127.0.0.1:$port"
  until curl -sf "$url/-/ready" >/dev/null; do sleep 0.05; done
}
now() { date +%s%N; }
ms() { echo $((($2 - $1) / 1000000)); }

python3 - "$silences" > "$work/silences.json" <<'EOF'
import json, sys
n = int(sys.argv[1])
print(json.dumps([{
    "matchers": [{"name": "alertname", "value": f"Bench{i}", "isRegex": False, "isEqual": True},
                 {"name": "instance", "value": f"host-{i % 97}:9100", "isRegex": False, "isEqual": True}],
    "startsAt": "2020-01-01T00:00:00Z", "endsAt": "2999-01-01T00:00:00Z",
    "createdBy": "bench", "comment": f"bench silence {i}"} for i in range(n)]))
EOF

# The server's own floor for the import: the same POSTs from curl, 32 at a time over
# keep-alive connections, with nothing parsed or checked on the client side. No client can
# import faster than this; it bounds the ratio any tool can reach against amtool.
curl_config() { # the POSTs of silences.json for $url as a curl config file
  python3 - "$work/silences.json" "$url/api/v2/silences" <<'EOF'
import json, sys
for i, s in enumerate(json.load(open(sys.argv[1]))):
    if i:
        print('next')
    print(f'url = "{sys.argv[2]}"\nrequest = "POST"\nheader = "Content-Type: application/json"')
    print(f'data = {json.dumps(json.dumps(s))}\noutput = "/dev/null"')
EOF
}

# Import: every run of each tool into a fresh server, so no run pays for the silences of
# another; best of R runs, alternating the tools so background load hits both alike.
amtool_import=999999
ccmon_import=999999
floor_import=999999
for ((r = 0; r < runs; r++)); do
  start_am
  curl_config > "$work/curl.cfg"
  t0=$(now); curl -s --no-progress-meter --parallel --parallel-max "${FLOOR_PARALLEL:-32}" -K "$work/curl.cfg"; t1=$(now)
  d=$(ms "$t0" "$t1"); ((d < floor_import)) && floor_import=$d
  count=$(curl -s "$url/api/v2/silences" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
  [ "$count" -eq "$silences" ] || { echo "curl imported $count of $silences" >&2; exit 1; }
  kill "${pids[-1]}"
  start_am
  t0=$(now); amtool --alertmanager.url="$url" silence import "$work/silences.json" >/dev/null; t1=$(now)
  d=$(ms "$t0" "$t1"); ((d < amtool_import)) && amtool_import=$d
  kill "${pids[-1]}"
  start_am
  t0=$(now); "$bin" --alertmanager-url "$url" alerts silence import "$work/silences.json" 2>/dev/null; t1=$(now)
  d=$(ms "$t0" "$t1"); ((d < ccmon_import)) && ccmon_import=$d
  count=$(curl -s "$url/api/v2/silences" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
  [ "$count" -eq "$silences" ] || { echo "ccmon imported $count of $silences" >&2; exit 1; }
  kill "${pids[-1]}"
done

# Listing: M active alerts on one server, each tool best of R runs.
start_am
python3 - "$alerts" > "$work/alerts.json" <<'EOF'
import json, sys
n = int(sys.argv[1])
print(json.dumps([{"labels": {"alertname": f"Bench{i % 50}", "instance": f"host-{i}:9100",
                              "severity": ["P0", "P1", "P2"][i % 3]},
                   "annotations": {"summary": f"bench alert {i} is firing"},
                   "endsAt": "2999-01-01T00:00:00Z"} for i in range(n)]))
EOF
curl -sf -XPOST -H 'Content-Type: application/json' --data-binary @"$work/alerts.json" "$url/api/v2/alerts"
until [ "$("$bin" --alertmanager-url "$url" -q alerts ls | wc -l)" -ge "$alerts" ]; do sleep 0.1; done
best() { # best wall time in ms of R runs of "$@"
  local b=999999 t0 t1 d
  for ((i = 0; i < runs; i++)); do
    t0=$(now); "$@" >/dev/null 2>&1; t1=$(now); d=$(ms "$t0" "$t1")
    ((d < b)) && b=$d
  done
  echo "$b"
}
amtool_json=$(best amtool --alertmanager.url="$url" alert query -o json)
ccmon_json=$(best "$bin" --alertmanager-url "$url" -o json alerts ls)
amtool_simple=$(best amtool --alertmanager.url="$url" alert query)
ccmon_table=$(best "$bin" --alertmanager-url "$url" alerts ls)

ratio() { echo "scale=2; $1 / $2" | bc -l; }
printf '%-44s %8s ms  %5sx faster (the most any client can reach)\n' "server floor: curl, ${FLOOR_PARALLEL:-32} parallel POSTs" "$floor_import" "$(ratio "$amtool_import" "$floor_import")"
printf '%-44s %8s ms\n' "amtool silence import ($silences, anchor)" "$amtool_import"
printf '%-44s %8s ms  %5sx faster\n' "ccmon alerts silence import ($silences)" "$ccmon_import" "$(ratio "$amtool_import" "$ccmon_import")"
printf '%-44s %8s ms\n' "amtool alert query -o json ($alerts, anchor)" "$amtool_json"
printf '%-44s %8s ms  %5sx faster\n' "ccmon -o json alerts ls ($alerts)" "$ccmon_json" "$(ratio "$amtool_json" "$ccmon_json")"
printf '%-44s %8s ms\n' "amtool alert query ($alerts, anchor)" "$amtool_simple"
printf '%-44s %8s ms  %5sx faster\n' "ccmon alerts ls ($alerts)" "$ccmon_table" "$(ratio "$amtool_simple" "$ccmon_table")"
