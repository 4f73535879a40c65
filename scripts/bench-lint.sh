#!/usr/bin/env bash
# Rule linting: `ccmon rules lint` against `promtool check rules` (the anchor) on generated
# rule files (half alerts with templated annotations, half recording rules, realistic
# expressions), each measured for both tools in the same run: wall time, CPU time
# (user+sys: what a loaded machine distorts least) and peak memory, medians of the runs,
# and the ratios ccmon/promtool (the goal: at most 0.25 for time and memory).
#   1. RULES rules whose metrics the catalogue does not know (an application's own rules:
#      500 distinct unknown names, so every rule has findings with a "did you mean" search);
#   2. the same rules on catalogue metrics (node_exporter, Prometheus);
#   3. BIG rules of case 1 (in 8 files: a rule file may hold 32 MiB), to show how time and
#      memory grow;
#   4. the rules of case 2 split into 8 files, which ccmon lints on all cores.
# Usage: scripts/bench-lint.sh [RULES] [RUNS] [BIG]   (default 10000 rules, 7 runs, 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
rules=${1:-10000}
runs=${2:-7}
big=${3:-100000}
command -v promtool >/dev/null || { echo "promtool not found: apt-get install -y prometheus" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time not found: apt-get install -y time" >&2; exit 2; }
# CCMON_BIN points at an already built binary (skips the build).
if [[ -z "${CCMON_BIN:-}" ]]; then cargo build --release --quiet; fi
bin=${CCMON_BIN:-target/release/ccmon}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

generate() { # generate RULES MODE OUT_DIR: OUT_DIR/rules.yml and OUT_DIR/split/rules-N.yml
  mkdir -p "$3/split"
  python3 - "$1" "$2" "$3" <<'PY'
import sys
rules, mode, out_dir = int(sys.argv[1]), sys.argv[2], sys.argv[3]
per_group = 20                      # 10 recording rules and 10 alerts per group
groups = max(1, rules // per_group)
def metrics(g):
    if mode == "unknown":           # the application's own metrics, 500 distinct names
        return f"app{g % 250}_cpu_seconds_total", f"app{g % 250}_http_request_duration_seconds"
    return "node_cpu_seconds_total", "prometheus_http_request_duration_seconds"
def group(g):
    counter, histogram = metrics(g)
    out = [f"  - name: service-{g}", "    interval: 30s", "    rules:"]
    for r in range(per_group // 2):
        out += [f"      - record: job:cpu_seconds:rate5m_g{g}_{r}",
                "        expr: |",
                f'          sum by (job, instance) (rate({counter}{{mode!="idle", shard="{g}"}}[5m]))']
    for r in range(per_group // 2):
        out += [f"      - alert: HighLatencyG{g}R{r}",
                "        expr: |",
                "          histogram_quantile(0.99,",
                f'            sum by (le, handler) (rate({histogram}_bucket{{handler=~"/api/.*", shard="{r}"}}[5m]))',
                "          ) > 0.5",
                "        for: 10m",
                "        labels:",
                "          severity: warning",
                "        annotations:",
                '          summary: "{{ $labels.handler }} p99 latency is {{ $value | humanizeDuration }}"',
                '          description: "{{ with query \\"up\\" }}{{ . | first | value }}{{ end }} targets up on {{ $labels.instance }}"']
    return out
all_groups = [group(g) for g in range(groups)]
with open(f"{out_dir}/rules.yml", "w") as f:
    f.write("\n".join(["groups:"] + [l for g in all_groups for l in g]) + "\n")
for part in range(8):
    with open(f"{out_dir}/split/rules-{part}.yml", "w") as f:
        f.write("\n".join(["groups:"] + [l for i, g in enumerate(all_groups) if i % 8 == part for l in g]) + "\n")
PY
}

median() { sort -n | sed -n "$(((runs + 1) / 2))p"; }
measure() { # measure "$@" over $runs runs: median wall ms, median CPU (user+sys) ms, median peak KB
  local walls=() cpus=() peaks=() wall user sys peak
  for ((i = 0; i < runs; i++)); do
    /usr/bin/time -f '%e %U %S %M' -o "$dir/time" "$@" >/dev/null 2>&1 || true
    read -r wall user sys peak < <(tail -1 "$dir/time")
    walls+=("$(echo "$wall * 1000 / 1" | bc)")
    cpus+=("$(echo "($user + $sys) * 1000 / 1" | bc)")
    peaks+=("$peak")
  done
  echo "$(printf '%s\n' "${walls[@]}" | median) $(printf '%s\n' "${cpus[@]}" | median) $(printf '%s\n' "${peaks[@]}" | median)"
}
ratio() { printf '%.2f' "$(echo "$1 / $2" | bc -l)"; }

compare() { # compare LABEL FILE...: promtool and ccmon on the same files, one row each
  local label=$1; shift
  local p_ms p_cpu p_kb c_ms c_cpu c_kb status=0
  # A refused input (exit 2) would be timed as if it were linted.
  "$bin" rules lint --format json "$@" >/dev/null 2>"$dir/err" || status=$?
  if ((status > 1)); then echo "ccmon could not lint $label: $(cat "$dir/err")" >&2; exit 2; fi
  # Taking turns, so a burst of load from elsewhere hits both tools alike.
  read -r p_ms p_cpu p_kb < <(measure promtool check rules "$@")
  read -r c_ms c_cpu c_kb < <(measure "$bin" rules lint --format json "$@")
  printf '%s\n' "$label"
  printf '  %-22s %7s ms wall %7s ms CPU %8s KB\n' "promtool check rules" "$p_ms" "$p_cpu" "$p_kb"
  printf '  %-22s %7s ms wall %7s ms CPU %8s KB   wall %sx, CPU %sx, memory %sx promtool\n' \
    "ccmon rules lint" "$c_ms" "$c_cpu" "$c_kb" \
    "$(ratio "$c_ms" "$p_ms")" "$(ratio "$c_cpu" "$p_cpu")" "$(ratio "$c_kb" "$p_kb")"
}

generate "$rules" unknown "$dir/unknown"
generate "$rules" catalogue "$dir/catalogue"
generate "$big" unknown "$dir/big"
count() { grep -c -E '^      - (record|alert):' "$1"; }
findings=$("$bin" rules lint --format json "$dir/unknown/rules.yml" | grep -c '"code": "catalog/unknown-metric"' || true)
echo "median of $runs runs; rules are half alerts with templates, half recording rules"
compare "1. $(count "$dir/unknown/rules.yml") rules, metrics unknown to the catalogue ($findings unknown-metric findings)" "$dir/unknown/rules.yml"
compare "2. $(count "$dir/catalogue/rules.yml") rules, catalogue metrics" "$dir/catalogue/rules.yml"
runs=$(((runs + 1) / 2))
# A file may hold 32 MiB at most, so the big run is split into 8 files for both tools.
compare "3. $(count "$dir/big/rules.yml") rules in 8 files, metrics unknown (median of $runs runs)" "$dir"/big/split/*.yml
compare "4. the rules of case 2 in 8 files (ccmon on all cores)" "$dir"/catalogue/split/*.yml
