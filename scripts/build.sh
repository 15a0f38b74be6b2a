#!/usr/bin/env bash
# Configures and builds dfs with CMake + Ninja. Re-running only rebuilds what changed.
#   bash scripts/build.sh [release]   -> ${DFS_BUILD_DIR:-build}           (RelWithDebInfo)
#   bash scripts/build.sh asan        -> ${DFS_ASAN_BUILD_DIR:-build-asan}  (Debug, ASan + UBSan)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

flavour=${1:-release}
case "$flavour" in
  release)
    build_dir=${DFS_BUILD_DIR:-build}
    cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
    ;;
  asan)
    build_dir=${DFS_ASAN_BUILD_DIR:-build-asan}
    cmake_args=(-DDFS_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -DDFS_BUILD_BENCH=OFF)
    ;;
  *)
    echo "usage: bash scripts/build.sh [release|asan]" >&2
    exit 2
    ;;
esac

# Configure only when there is no Ninja build yet or the flavour's options changed; otherwise
# Ninja re-runs CMake by itself whenever a CMakeLists.txt changes.
stamp="$build_dir/.dfs-configure-args"
wanted="${cmake_args[*]}"
if [[ ! -f "$build_dir/build.ninja" || ! -f "$stamp" || "$(cat "$stamp")" != "$wanted" ]]; then
  cmake -S . -B "$build_dir" -G Ninja "${cmake_args[@]}"
  printf '%s' "$wanted" >"$stamp"
fi
cmake --build "$build_dir" -j2
