#!/usr/bin/env bash
# The long fuzz run whose figures go in docs: every libFuzzer target of tests/fuzz for SECONDS
# each (default 300), then one table per target: executions, seconds, crashes.
#
# Usage: bench/fuzz_long.sh [SECONDS]
# Env:   DFS_FUZZ_BUILD_DIR, DFS_FUZZ_TARGETS, DFS_FUZZ_JOBS    as for scripts/fuzz.sh
# The whole output is kept in ${OUT:-/tmp/dfs-fuzz-long/<timestamp>}/fuzz.log; the corpus each
# target grew stays in the build dir's fuzz-corpus/ and seeds the next run.
set -uo pipefail

TREE=$(cd "$(dirname "$0")/.." && pwd)
SECONDS_EACH=${1:-300}
OUT=${OUT:-/tmp/dfs-fuzz-long/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"

echo "fuzz_long: $SECONDS_EACH s per target, commit $(git -C "$TREE" rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores; log $OUT/fuzz.log"
bash "$TREE/scripts/fuzz.sh" long "$SECONDS_EACH" >"$OUT/fuzz.log" 2>&1
rc=$?
# The table and the verdict are the closing lines of fuzz.sh's output; a failure shows its reason too.
if ((rc != 0)); then
  grep -E '^fuzz.sh: .*(FAILED|reproduce|missing|no target)' "$OUT/fuzz.log"
fi
sed -n '/^target  *executions/,$p' "$OUT/fuzz.log"
exit "$rc"
