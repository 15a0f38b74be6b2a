#!/usr/bin/env bash
# THE test command (README's second command; CI runs exactly this through .ci/run):
#   1. install missing build dependencies        scripts/install-deps.sh
#   2. release build + every test                ${DFS_BUILD_DIR:-build}, ctest
#   3. ASan/UBSan build + unit and integration   ${DFS_ASAN_BUILD_DIR:-build-asan}, ctest -L 'unit|integration'
#   4. clang libFuzzer build + every target 15 s  ${DFS_FUZZ_BUILD_DIR:-build-fuzz}, scripts/fuzz.sh short
# Every stage runs even when an earlier test stage failed (a build failure skips its own tests);
# the closing lines give each stage's result and wall time. Exit status: 0 only if all passed.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2

release_dir=${DFS_BUILD_DIR:-build}
asan_dir=${DFS_ASAN_BUILD_DIR:-build-asan}
summary=()
failed=0

# run_stage NAME COMMAND...: runs one stage with its output as it comes, records result and time.
run_stage() {
  local name=$1 start rc
  shift
  printf '\n==== test.sh: %s\n' "$name"
  start=$SECONDS
  "$@"
  rc=$?
  local result=passed
  ((rc == 0)) || { result="FAILED (exit $rc)"; failed=1; }
  summary+=("$(printf '%-28s %-18s %4d s' "$name" "$result" $((SECONDS - start)))")
  return "$rc"
}

skip_stage() {
  summary+=("$(printf '%-28s %-18s' "$1" "skipped ($2)")")
  failed=1
}

started=$SECONDS
if run_stage "install-deps" bash scripts/install-deps.sh; then
  if run_stage "build release" bash scripts/build.sh release; then
    run_stage "ctest release (all)" \
      ctest --test-dir "$release_dir" --output-on-failure --no-tests=error -j2 --timeout 600
  else
    skip_stage "ctest release (all)" "build failed"
  fi

  if run_stage "build asan" bash scripts/build.sh asan; then
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
      UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      run_stage "ctest asan (unit|integ.)" \
      ctest --test-dir "$asan_dir" --output-on-failure --no-tests=error -j2 --timeout 600 -L 'unit|integration'
  else
    skip_stage "ctest asan (unit|integ.)" "build failed"
  fi

  run_stage "fuzz (short)" bash scripts/fuzz.sh short
else
  skip_stage "builds and tests" "dependencies missing"
fi

printf '\n==== test.sh summary\n'
for line in "${summary[@]}"; do
  printf 'test.sh: %s\n' "$line"
done
if ((failed)); then
  printf 'test.sh: FAILED after %d s\n' $((SECONDS - started))
  exit 1
fi
printf 'test.sh: all passed in %d s\n' $((SECONDS - started))
