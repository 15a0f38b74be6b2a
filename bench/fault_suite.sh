#!/usr/bin/env bash
# The fault suite many times: every case of tests/faults/ (dfs_fault_tests) run REPEAT times
# (default 100), each repetition with a fresh seed, so victims and moments vary. Prints per case
# how many runs passed and failed, the slowest call any run timed, and the seeds of failures
# (replay one with DFS_FAULT_SEED).
#   bash bench/fault_suite.sh [REPEAT] [GTEST_FILTER]
# Needs a release build (bash scripts/build.sh) and root (tmpfs and FUSE mounts).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2

repeat=${1:-100}
filter=${2:-*}
binary=${DFS_BUILD_DIR:-build}/bin/dfs_fault_tests
[[ -x $binary ]] || { echo "fault_suite: $binary is missing; run: bash scripts/build.sh" >&2; exit 2; }
log=$(mktemp /tmp/dfs-fault-suite.XXXXXX.log)

start=$SECONDS
"$binary" --gtest_filter="$filter" --gtest_repeat="$repeat" >"$log" 2>&1
rc=$?
elapsed=$((SECONDS - start))

# Per-run result lines: "[       OK ] Suite.Case (123 ms)" and "[  FAILED  ] Suite.Case (123 ms)";
# the closing summary repeats failures without a time, so only lines with "ms)" count.
awk -v elapsed="$elapsed" -v repeat="$repeat" '
  /^\[ RUN      \] / { current = $4 }
  /^fault seed / { seed = $3 }
  # Each case ends with "..., longest N ms (bound B ms)": the slowest call of that run.
  /longest [0-9]+ ms/ {
    match($0, /longest [0-9]+ ms/)
    ms = substr($0, RSTART + 8, RLENGTH - 11) + 0
    if (ms > longest[current]) longest[current] = ms
  }
  /^\[       OK \] .* ms\)$/ { ok[$4]++; cases[$4] = 1 }
  /^\[  FAILED  \] .* ms\)$/ { failed[$4]++; cases[$4] = 1; seeds[$4] = seeds[$4] " " seed }
  END {
    printf "%-70s %6s %6s %12s  %s\n", "case", "passed", "failed", "longest call", "seeds of failures"
    for (c in cases) {
      call = (c in longest) ? longest[c] " ms" : "-"
      printf "%-70s %6d %6d %12s %s\n", c, ok[c], failed[c], call, seeds[c] | "sort"
    }
    close("sort")
    printf "%d repetitions in %d s\n", repeat, elapsed
  }' "$log"
echo "fault_suite: full log in $log"
exit "$rc"
