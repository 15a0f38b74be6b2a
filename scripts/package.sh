#!/usr/bin/env bash
# Builds the dfs .deb: release build (scripts/build.sh), then cpack in that build directory.
# Prints the package's path; install it with  apt-get install ./dfs_VERSION_ARCH.deb
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
build_dir=${DFS_BUILD_DIR:-build}

bash scripts/build.sh release >&2
(cd "$build_dir" && cpack -G DEB >&2)
package=$(ls -t "$build_dir"/dfs_*.deb | head -n 1)
realpath "$package"
