#!/usr/bin/env bash
# Rule linting speed: `ccmon rules lint` against `promtool check rules` (the anchor) on the
# same large generated rule file, measured in the same run, printed as a ratio
# (promtool's time / ccmon's time: above 1 means ccmon is faster).
# Usage: scripts/bench-lint.sh [GROUPS] [RUNS]     (default 400 groups x 25 rules, 7 runs)
set -euo pipefail
cd "$(dirname "$0")/.."
groups=${1:-400}
runs=${2:-7}
command -v promtool >/dev/null || { echo "promtool not found: apt-get install -y prometheus" >&2; exit 2; }
# CCMON_BIN points at an already built binary (skips the build).
if [[ -z "${CCMON_BIN:-}" ]]; then cargo build --release --quiet; fi
bin=${CCMON_BIN:-target/release/ccmon}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
file=$dir/rules.yml

# Realistic rules: multi-line block exprs, aggregations, histogram quantiles, templates.
python3 - "$groups" >"$file" <<'PY'
import sys
groups = int(sys.argv[1])
out = ["groups:"]
for g in range(groups):
    out.append(f"  - name: group-{g}")
    out.append("    interval: 30s")
    out.append("    rules:")
    for r in range(10):
        out.append(f"      - record: job:node_cpu_seconds:rate5m_{g}_{r}")
        out.append("        expr: |")
        out.append(f'          sum by (job, instance) (rate(node_cpu_seconds_total{{mode!="idle", group="{g}"}}[5m]))')
    for r in range(15):
        out.append(f"      - alert: HighLatency{g}x{r}")
        out.append("        expr: |")
        out.append("          histogram_quantile(0.99,")
        out.append(f'            sum by (le, handler) (rate(prometheus_http_request_duration_seconds_bucket{{handler=~"/api/.*", shard="{r}"}}[5m]))')
        out.append("          ) > 0.5")
        out.append("        for: 10m")
        out.append("        labels:")
        out.append("          severity: warning")
        out.append("        annotations:")
        out.append('          summary: "{{ $labels.handler }} p99 latency is {{ $value | humanizeDuration }}"')
        out.append('          description: "{{ with query \\"up\\" }}{{ . | first | value }}{{ end }} targets up"')
print("\n".join(out))
PY
rules=$(grep -c -E '^      - (record|alert):' "$file")
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

anchor=$(median_ms promtool check rules "$file")
ccmon=$(median_ms "$bin" rules lint --format json "$file")
peak_kb=$( { /usr/bin/time -f '%M' "$bin" rules lint --format json "$file" >/dev/null; } 2>&1 | tail -1 || echo '?')
echo "input: $rules rules, $bytes bytes ($groups groups); median of $runs runs"
printf '%-34s %8s ms\n' "promtool check rules (anchor)" "$anchor"
printf '%-34s %8s ms  %6.2fx faster than the anchor\n' "ccmon rules lint" "$ccmon" "$(echo "$anchor / $ccmon" | bc -l)"
echo "ccmon peak RSS: ${peak_kb} KB"
