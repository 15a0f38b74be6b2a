#!/usr/bin/env bash
# dfs vs MooseFS vs the local disk on the same work, in one run: dfs_bench_fuse (dfs-fuse over 4
# loopback servers, and the local disk, on shared/bench/workload.sh), then the MooseFS peer script
# (shared/bench/peers/moosefs.sh: installs MooseFS from Debian, 1 master + 4 chunkservers on
# loopback, goal 2, the same workload.sh, teardown), then one table with the issue's peer targets:
# dfs >= 1.2x MooseFS's write, read and small-create rates, dfs's ls -l time <= 0.5x MooseFS's.
#
# Usage: bench/compare_moosefs.sh            (as root: MooseFS installs packages and mounts)
# Env:   RUNS=3 BIG_MB=1024 SMALL_N=1000 SMALL_KB=16    the workload, for both (passed through)
#        LS_FILES=10000 RSS_MB=10240                     dfs_bench_fuse's own listing and RSS copy
#        DFS_BENCH_FUSE=<build>/bin/dfs_bench_fuse       default: build/ then build-*/ of this tree
#        MOOSEFS_SH=<tree>/../shared/bench/peers/moosefs.sh
#        OUT=/tmp/dfs-vs-moosefs/<timestamp>             every output kept here
# MooseFS's kill-a-chunkserver failure test is not run here (it is not timed against dfs);
# `moosefs.sh all` runs it.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TREE=$(cd "$HERE/.." && pwd)
RUNS=${RUNS:-3}
BIG_MB=${BIG_MB:-1024}
SMALL_N=${SMALL_N:-1000}
SMALL_KB=${SMALL_KB:-16}
LS_FILES=${LS_FILES:-10000}
RSS_MB=${RSS_MB:-10240}
MOOSEFS_SH=${MOOSEFS_SH:-$(cd "$TREE/.." && pwd)/shared/bench/peers/moosefs.sh}
OUT=${OUT:-/tmp/dfs-vs-moosefs/$(date +%Y%m%d-%H%M%S)}

find_bench() {
  local candidate
  for candidate in "$TREE"/build/bin/dfs_bench_fuse "$TREE"/build-*/bin/dfs_bench_fuse; do
    [ -x "$candidate" ] && { echo "$candidate"; return 0; }
  done
  return 1
}
DFS_BENCH_FUSE=${DFS_BENCH_FUSE:-$(find_bench || true)}
[ -n "$DFS_BENCH_FUSE" ] && [ -x "$DFS_BENCH_FUSE" ] || {
  echo "compare_moosefs: no dfs_bench_fuse under $TREE/build*/bin; build it (cmake --build build --target dfs_bench_fuse) or set DFS_BENCH_FUSE" >&2
  exit 2
}
[ -f "$MOOSEFS_SH" ] || { echo "compare_moosefs: no MooseFS script at $MOOSEFS_SH; set MOOSEFS_SH" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "compare_moosefs: run as root (MooseFS installs packages, mounts and drops caches)" >&2; exit 2; }
mkdir -p "$OUT"
log() { echo "[compare $(date +%H:%M:%S)] $*" >&2; }

log "dfs: $DFS_BENCH_FUSE (output in $OUT/dfs.txt)"
"$DFS_BENCH_FUSE" --runs "$RUNS" --big-mb "$BIG_MB" --small-n "$SMALL_N" --small-kb "$SMALL_KB" \
  --ls-files "$LS_FILES" --rss-mb "$RSS_MB" | tee "$OUT/dfs.txt"

log "MooseFS: $MOOSEFS_SH (results in $OUT/moosefs)"
moosefs_status=0
(
  export RUNS BIG_MB SMALL_N SMALL_KB RESULTS="$OUT/moosefs"
  bash "$MOOSEFS_SH" install
  trap 'bash "$MOOSEFS_SH" teardown' EXIT
  bash "$MOOSEFS_SH" setup
  bash "$MOOSEFS_SH" workload
) >"$OUT/moosefs.log" 2>&1 || moosefs_status=$?
if [ "$moosefs_status" != 0 ]; then
  log "MooseFS failed (exit $moosefs_status); the last lines of $OUT/moosefs.log:"
  tail -n 15 "$OUT/moosefs.log" >&2
fi

table_status=0
python3 - "$OUT/dfs.txt" "$OUT/moosefs" "$SMALL_N" <<'EOF' || table_status=$?
import glob, statistics, sys
dfs_file, moosefs_dir, small_n = sys.argv[1], sys.argv[2], sys.argv[3]
figures = [("seq_write_1file", "write", "MB/s", True), ("seq_read_1file", "cold read", "MB/s", True),
           ("small_create", f"{small_n} small creates", "files/s", True), (f"ls_l_{small_n}", f"ls -l of {small_n}", "ms", False)]
dfs, local = {}, {}
for line in open(dfs_file):
    w = line.split()
    if len(w) >= 4 and w[0] == "median" and w[1] in ("dfs", "local"):
        (dfs if w[1] == "dfs" else local)[w[2]] = float(w[3])
runs = {}
for f in sorted(glob.glob(moosefs_dir + "/run*.txt")):
    for line in open(f):
        w = line.split()
        try:
            runs.setdefault(w[0], []).append(float(w[1]))
        except (IndexError, ValueError):
            pass
mfs = {k: statistics.median(v) for k, v in runs.items()}
n_mfs = len(glob.glob(moosefs_dir + "/run*.txt"))
fmt = lambda v: f"{v:10.1f}" if v is not None else f"{'n/a':>10}"
print(f"\n{'figure (median)':<24}{'unit':<9}{'dfs':>10}{'MooseFS':>10}{'local':>10}{'dfs/MooseFS':>13}  target")
missing = False
for key, label, unit, higher in figures:
    d, m, l = dfs.get(key), mfs.get(key), local.get(key)
    ratio = d / m if d is not None and m else None
    if higher:
        goal, met = ">= 1.2x MooseFS", ratio is not None and ratio >= 1.2
    else:
        goal, met = "<= 0.5x MooseFS", ratio is not None and ratio <= 0.5
    verdict = ("PASS" if met else "MISS") if ratio is not None else "n/a"
    missing |= ratio is None
    shown = f"{ratio:13.2f}" if ratio is not None else f"{'n/a':>13}"
    print(f"{label:<24}{unit:<9}{fmt(d)}{fmt(m)}{fmt(l)}{shown}  {goal}: {verdict}")
print(f"(dfs and local: medians of dfs_bench_fuse's runs; MooseFS: median of {n_mfs} run(s) of the same workload.sh)")
sys.exit(1 if missing else 0)
EOF
grep '^target' "$OUT/dfs.txt" || true
echo "outputs: $OUT"
[ "$moosefs_status" = 0 ] && [ "$table_status" = 0 ]
