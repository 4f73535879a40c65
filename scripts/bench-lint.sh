#!/usr/bin/env bash
# Rule linting: `ccmon rules lint` against `promtool check rules` (the anchor) on the same
# generated 10,000-rule file (half alerts with templated annotations, half recording rules,
# realistic expressions), measured in the same run: both wall times (median), both peak
# memories, and the ratios ccmon/promtool (issue 3's goal: at most 0.25 for both). Then the
# same rules split into 8 files, which ccmon lints on all cores.
# Usage: scripts/bench-lint.sh [RULES] [RUNS]     (default 10000 rules, 7 runs)
set -euo pipefail
cd "$(dirname "$0")/.."
rules=${1:-10000}
runs=${2:-7}
command -v promtool >/dev/null || { echo "promtool not found: apt-get install -y prometheus" >&2; exit 2; }
# CCMON_BIN points at an already built binary (skips the build).
if [[ -z "${CCMON_BIN:-}" ]]; then cargo build --release --quiet; fi
bin=${CCMON_BIN:-target/release/ccmon}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/split"

python3 - "$rules" "$dir" <<'PY'
import sys
rules, out_dir = int(sys.argv[1]), sys.argv[2]
per_group = 20                      # 10 recording rules and 10 alerts per group
groups = max(1, rules // per_group)
def group(g):
    out = [f"  - name: service-{g}", "    interval: 30s", "    rules:"]
    for r in range(per_group // 2):
        out += [f"      - record: job:node_cpu_seconds:rate5m_g{g}_{r}",
                "        expr: |",
                f'          sum by (job, instance) (rate(node_cpu_seconds_total{{mode!="idle", shard="{g}"}}[5m]))']
    for r in range(per_group // 2):
        out += [f"      - alert: HighLatencyG{g}R{r}",
                "        expr: |",
                "          histogram_quantile(0.99,",
                f'            sum by (le, handler) (rate(prometheus_http_request_duration_seconds_bucket{{handler=~"/api/.*", shard="{r}"}}[5m]))',
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
file=$dir/rules.yml
count=$(grep -c -E '^      - (record|alert):' "$file")
bytes=$(wc -c <"$file")

median_ms() { # median wall time in ms of "$@" over $runs runs
  local times=() start end
  for ((i = 0; i < runs; i++)); do
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    times+=($(((end - start) / 1000000)))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p"
}
ratio() { printf '%.2f' "$(echo "$1 / $2" | bc -l)"; }

p_ms=$(median_ms promtool check rules "$file")
c_ms=$(median_ms "$bin" rules lint --format json "$file")
peak_kb() { # peak resident memory in KB of "$@"
  /usr/bin/time -f '%M' -o "$dir/peak" "$@" >/dev/null 2>&1 || true
  tail -1 "$dir/peak"
}
p_kb=$(peak_kb promtool check rules "$file")
c_kb=$(peak_kb "$bin" rules lint --format json "$file")
ps_ms=$(median_ms promtool check rules "$dir"/split/*.yml)
cs_ms=$(median_ms "$bin" rules lint --format json "$dir"/split)
echo "input: $count rules (half alerts with templates, half recording rules), $bytes bytes; median of $runs runs"
printf '%-40s %7s ms %8s KB\n' "promtool check rules (anchor)" "$p_ms" "$p_kb"
printf '%-40s %7s ms %8s KB   time %sx, memory %sx the anchor\n' "ccmon rules lint" "$c_ms" "$c_kb" "$(ratio "$c_ms" "$p_ms")" "$(ratio "$c_kb" "$p_kb")"
printf '%-40s %7s ms\n' "promtool, the same rules in 8 files" "$ps_ms"
printf '%-40s %7s ms              time %sx the anchor (all cores)\n' "ccmon, the same rules in 8 files" "$cs_ms" "$(ratio "$cs_ms" "$ps_ms")"
