#!/usr/bin/env bash
# The .deb as an operator gets it: cpack in this build tree, `apt-get install ./dfs_*.deb` (its
# dependencies must resolve), the installed programs run from /usr/bin, the units and /etc/dfs
# files in place, the dfs user able to run the packaged config, then the package purged so the
# machine is left as found. Needs root; skipped (exit 77) otherwise.
#   deb_install_test.sh BUILD_DIR
set -euo pipefail

build_dir=$(realpath "$1")
if [[ $(id -u) -ne 0 ]]; then
  echo "SKIP: installing a .deb needs root (apt-get install); run this test as root to include it"
  exit 77
fi
if dpkg -s dfs >/dev/null 2>&1; then
  echo "FAIL: package dfs is already installed here; this test would replace and then remove it." >&2
  echo "      Remove it first (apt-get purge -y dfs) to run the test." >&2
  exit 1
fi

work=$(mktemp -d /tmp/dfs-deb-test.XXXXXX)
had_user=no
getent passwd dfs >/dev/null && had_user=yes
had_state=no
[[ -e /var/lib/dfs ]] && had_state=yes
server_pid=
apt() {
  # One lock for every apt call on this machine (as scripts/install-deps.sh), and dpkg's own.
  flock /tmp/apt.lock env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=120 "$@"
}
cleanup() {
  [[ -n $server_pid ]] && kill "$server_pid" 2>/dev/null
  if dpkg -s dfs >/dev/null 2>&1; then apt purge -y dfs >/dev/null || echo "cleanup: apt-get purge dfs failed" >&2; fi
  if [[ $had_state == no ]]; then rm -rf /var/lib/dfs; fi
  if [[ $had_user == no ]] && getent passwd dfs >/dev/null; then
    userdel dfs
    ! getent group dfs >/dev/null || groupdel dfs
  fi
  rm -rf "$work"
}
trap cleanup EXIT

failed=0
check() {  # check DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what" >&2; failed=1; fi
}

echo "== cpack in $build_dir"
cpack --config "$build_dir/CPackConfig.cmake" -B "$work" >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log" >&2; exit 1; }
deb=$(ls "$work"/dfs_*.deb)
echo "package: $(basename "$deb"), $(stat -c %s "$deb") bytes"
dpkg-deb --field "$deb" Depends

echo "== apt-get install $deb"
apt install -y "$deb"

cd /
check "dfs-server --version from /usr/bin" bash -c '/usr/bin/dfs-server --version | grep -qx "dfs-server 0.1.0"'
check "dfc --help from /usr/bin" bash -c '/usr/bin/dfc --help >/dev/null'
check "dfs-fuse --help from /usr/bin" bash -c '/usr/bin/dfs-fuse --help >/dev/null'
check "every library of the programs resolves" bash -c '! ldd /usr/bin/dfs-server /usr/bin/dfc /usr/bin/dfs-fuse | grep -q "not found"'

files=$(dpkg -L dfs)
for f in /lib/systemd/system/dfs-server@.service /lib/systemd/system/mnt-dfs.mount /usr/lib/sysusers.d/dfs.conf \
  /etc/dfs/servers/dfs1.yaml /etc/dfs/dfc.yaml /etc/dfs/users /sbin/mount.fuse.dfs \
  /usr/share/doc/dfs/dfs-server.txt /usr/share/doc/dfs/dfc.txt /usr/share/doc/dfs/dfs-fuse.txt \
  /usr/share/doc/dfs/fstab.example; do
  check "dpkg -L dfs lists $f" grep -qx "$f" <<<"$files"
done
conffiles=$(dpkg-query -W -f='${Conffiles}\n' dfs)
for f in /etc/dfs/servers/dfs1.yaml /etc/dfs/dfc.yaml /etc/dfs/users; do
  check "$f is a conffile" grep -q " $f " <<<"$conffiles"
done
check "mount.fuse.dfs is where mount(8) looks (/sbin)" test -x /sbin/mount.fuse.dfs
check "the dfs system user exists" getent passwd dfs
check "/etc/dfs/users is root:dfs 0640" test "$(stat -c '%U:%G %a' /etc/dfs/users)" = "root:dfs 640"
check "/etc/dfs/dfc.yaml is root-only" test "$(stat -c '%U %a' /etc/dfs/dfc.yaml)" = "root 600"
check "/var/lib/dfs belongs to dfs" test "$(stat -c %U /var/lib/dfs)" = dfs
check "the installed units verify cleanly" bash -c \
  'out=$(systemd-analyze verify --man=no /lib/systemd/system/dfs-server@dfs1.service /lib/systemd/system/mnt-dfs.mount 2>&1) && [[ -z $out ]] || { echo "$out"; false; }'

# The packaged server config, run as the unit runs it (user dfs, no capabilities), on loopback.
echo "== dfs-server as dfs with /etc/dfs/servers/dfs1.yaml"
exec {server_out}< <(exec setpriv --reuid=dfs --regid=dfs --init-groups --inh-caps=-all \
  /usr/bin/dfs-server --config /etc/dfs/servers/dfs1.yaml --listen 127.0.0.1:0 2>&1)
server_pid=$!
line=
read -r -t 10 -u "$server_out" line || true
check "the dfs user runs the packaged config ('$line')" grep -q "listening on 127.0.0.1:" <<<"$line"
check "its data root is below /var/lib/dfs" test -d /var/lib/dfs/dfs1
kill -TERM "$server_pid"
wait "$server_pid" && status=0 || status=$?
server_pid=
check "it exits 0 on SIGTERM" test "$status" -eq 0

echo "== apt-get purge dfs"
apt purge -y dfs >/dev/null
check "dfs is gone" bash -c '! dpkg -s dfs >/dev/null 2>&1 && ! test -e /usr/bin/dfs-server && ! test -e /etc/dfs/users'

exit "$failed"
