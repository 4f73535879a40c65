#!/usr/bin/env bash
# CLI start-up: `ccmon --version` and `ccmon context show` against `true`, measured in
# the same run, printed as a ratio. Usage: scripts/bench-startup.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-200}
# CCMON_BIN points at an already built binary (skips the build; to compare two builds).
if [ -z "${CCMON_BIN:-}" ]; then cargo build --release --quiet; fi
bin=${CCMON_BIN:-target/release/ccmon}
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT

time_runs() { # prints mean microseconds per run of "$@"
  local start end
  start=$(date +%s%N)
  for ((i = 0; i < runs; i++)); do HOME=$home "$@" >/dev/null 2>&1 || true; done
  end=$(date +%s%N)
  echo $(((end - start) / runs / 1000))
}

anchor=$(time_runs true)
version=$(time_runs "$bin" --version)
show=$(time_runs "$bin" context show)
printf '%-28s %8s us/run\n' "true (anchor)" "$anchor"
printf '%-28s %8s us/run  %6.2fx anchor\n' "ccmon --version" "$version" "$(echo "$version / $anchor" | bc -l)"
printf '%-28s %8s us/run  %6.2fx anchor\n' "ccmon context show" "$show" "$(echo "$show / $anchor" | bc -l)"
