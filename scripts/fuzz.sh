#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang and runs each on its corpus:
#   bash scripts/fuzz.sh short            every target ${DFS_FUZZ_SHORT_SECONDS:-15} s (test.sh's stage)
#   bash scripts/fuzz.sh long [SECONDS]   every target SECONDS (default 300) s
# Then a table per target: executions, seconds, crashes. Exit status 0 only if nothing crashed.
# Build dir ${DFS_FUZZ_BUILD_DIR:-build-fuzz}; there, fuzz-corpus/TARGET keeps what the runs
# found (the checked-in seeds in tests/fuzz/corpus/TARGET are only read), fuzz-artifacts/TARGET
# holds a crashing input (crash-*, leak-*, timeout-*, oom-*) and fuzz-logs/TARGET.log the output.
# DFS_FUZZ_TARGETS="fuzz_list_record ..." runs only those; DFS_FUZZ_JOBS caps the build's jobs.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2

usage() {
  echo "usage: bash scripts/fuzz.sh short | long [SECONDS]" >&2
  exit 2
}

case ${1:-} in
  short) seconds=${DFS_FUZZ_SHORT_SECONDS:-15} ;;
  long) seconds=${2:-300} ;;
  *) usage ;;
esac
[[ $seconds =~ ^[1-9][0-9]*$ ]] || usage

build_dir=${DFS_FUZZ_BUILD_DIR:-build-fuzz}
seed_root=tests/fuzz/corpus
if [[ -n ${DFS_FUZZ_TARGETS:-} ]]; then
  read -ra targets <<<"$DFS_FUZZ_TARGETS"
else
  targets=()
  for dir in "$seed_root"/*/; do targets+=("$(basename "$dir")"); done
fi

if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ is missing; run scripts/install-deps.sh" >&2
  exit 2
fi

if [[ ! -f $build_dir/CMakeCache.txt ]]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DDFS_FUZZ=ON -DDFS_BUILD_TESTS=OFF -DDFS_BUILD_BENCH=OFF >/dev/null || exit 2
fi
cmake --build "$build_dir" --target dfs_fuzz_targets ${DFS_FUZZ_JOBS:+-j "$DFS_FUZZ_JOBS"} || exit 2

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

rows=()
crashed=0
for target in "${targets[@]}"; do
  binary=$build_dir/bin/$target
  corpus=$build_dir/fuzz-corpus/$target
  artifacts=$build_dir/fuzz-artifacts/$target
  log=$build_dir/fuzz-logs/$target.log
  if [[ ! -x $binary || ! -d $seed_root/$target ]]; then
    echo "fuzz.sh: no target $target (a fuzzer in $build_dir/bin and seeds in $seed_root/$target)" >&2
    exit 2
  fi
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
  printf 'fuzz.sh: %s for %d s\n' "$target" "$seconds"
  start=$SECONDS
  # stdin from /dev/null: no input may wait on a terminal. -timeout: one input taking 10 s is
  # a hang, kept as timeout-*. The first corpus is written to, the seeds are only read.
  "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$corpus" "$seed_root/$target" </dev/null >"$log" 2>&1
  rc=$?
  elapsed=$((SECONDS - start))
  executions=$(awk '/^stat::number_of_executed_units:/ {print $2}' "$log")
  found=$(grep -c '^artifact_prefix=.*Test unit written to' "$log")
  if ((rc != 0 || found != 0)); then
    crashed=1
    ((found == 0)) && found=1
    echo "fuzz.sh: $target FAILED (exit $rc); the end of $log:" >&2
    tail -n 40 "$log" >&2
    for input in $(sed -n 's/.*Test unit written to //p' "$log"); do
      echo "fuzz.sh: reproduce with: $binary $input" >&2
    done
  fi
  rows+=("$(printf '%-24s %12s %8d %8d' "$target" "${executions:-?}" "$elapsed" "$found")")
done

printf '\n%-24s %12s %8s %8s\n' target executions seconds crashes
printf '%s\n' "${rows[@]}"
if ((crashed)); then
  echo "fuzz.sh: FAILED: a target crashed or broke an invariant (see above)"
  exit 1
fi
echo "fuzz.sh: no crash in ${#targets[@]} targets"
