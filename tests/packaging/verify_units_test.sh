#!/usr/bin/env bash
# systemd-analyze verify of the packaged units, which must say nothing at all (it warns about
# unknown keys and bad values on stderr but still exits 0). verify also checks that ExecStart's
# program exists, so the service is checked through a copy that runs the built binary instead.
#   verify_units_test.sh SOURCE_DIR BUILT_DFS_SERVER
set -euo pipefail

source_dir=$1
built_server=$2
units=$(mktemp -d /tmp/dfs-verify-units.XXXXXX)
trap 'rm -rf "$units"' EXIT

sed "s#^ExecStart=/usr/bin/dfs-server #ExecStart=$built_server #" \
  "$source_dir/packaging/systemd/dfs-server@.service" >"$units/dfs-server@.service"
grep -q "^ExecStart=$built_server --config /etc/dfs/servers/%i.yaml\$" "$units/dfs-server@.service" || {
  echo "FAIL: the unit's ExecStart is not '/usr/bin/dfs-server --config /etc/dfs/servers/%i.yaml'" >&2
  exit 1
}
cp "$source_dir/packaging/systemd/mnt-dfs.mount" "$units/"

failed=0
# The template as such, and as the instance an operator enables.
for unit in dfs-server@.service dfs-server@dfs1.service mnt-dfs.mount; do
  if output=$(cd "$units" && systemd-analyze verify --man=no "./$unit" 2>&1) && [[ -z $output ]]; then
    echo "ok: systemd-analyze verify $unit"
  else
    echo "FAIL: systemd-analyze verify $unit:" >&2
    echo "$output" >&2
    failed=1
  fi
done
exit "$failed"
