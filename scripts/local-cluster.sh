#!/usr/bin/env bash
# A 4-server dfs cluster on this machine (127.0.0.1:10001..10004), for trying dfs out.
#   bash scripts/local-cluster.sh [start]   install deps, build, start dfs1..dfs4 and mount the
#                                           store with dfs-fuse (idempotent)
#   bash scripts/local-cluster.sh status    one line per server and one for the mount (exit 1 if
#                                           any is down)
#   bash scripts/local-cluster.sh stop      unmount, then SIGTERM each server and wait for it
# Everything the cluster writes lives under ${DFS_HOME:-<repo>/run}: dfsN/ (data), users,
# logs/dfsN.log and logs/dfs-fuse.log, pids/dfsN.pid; the mount is ${DFS_MOUNT:-$DFS_HOME/mnt}.
# The binaries come from ${DFS_BUILD_DIR:-build}/bin. Relative DFS_HOME, DFS_MOUNT and
# DFS_BUILD_DIR are taken from the repository root, as scripts/build.sh does.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

home=$(realpath -m "${DFS_HOME:-run}")
build_dir=$(realpath -m "${DFS_BUILD_DIR:-build}")
server_bin="$build_dir/bin/dfs-server"
dfc_bin="$build_dir/bin/dfc"
fuse_bin="$build_dir/bin/dfs-fuse"
mount_dir=$(realpath -m "${DFS_MOUNT:-$home/mnt}")
servers=(dfs1 dfs2 dfs3 dfs4)
demo_user=demo
demo_password=demo-password
ready_timeout_s=10
stop_timeout_s=15  # above the configs' shutdown_grace_ms (5 s)

# How to run this script again with the same data folder (for the hints it prints).
self_cmd="bash scripts/local-cluster.sh"
[[ -n "${DFS_HOME:-}" ]] && self_cmd="DFS_HOME=$home $self_cmd"

say() { printf 'local-cluster: %s\n' "$*"; }
die() { printf 'local-cluster: %s\n' "$*" >&2; exit 1; }

# "127.0.0.1:10001" from conf/dfsN.yaml's listen: line, so the configs stay the one place for it.
listen_of() {
  local addr
  addr=$(sed -n 's/^listen:[[:space:]]*\([^[:space:]#]*\).*/\1/p' "conf/$1.yaml")
  [[ -n "$addr" ]] || die "conf/$1.yaml has no 'listen:' line"
  printf '%s' "$addr"
}

pid_file() { printf '%s/pids/%s.pid' "$home" "$1"; }
log_file() { printf '%s/logs/%s.log' "$home" "$1"; }

# The pid of server $1 when it is running from this DFS_HOME (a live dfs-server process, not a
# zombie and not a recycled pid); fails otherwise.
running_pid() {
  local file pid state
  file=$(pid_file "$1")
  [[ -f "$file" ]] || return 1
  pid=$(<"$file")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ -n "$state" && "$state" != Z ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'dfs-server' || return 1
  printf '%s' "$pid"
}

# HTTP status of an authenticated LIST / (000 when nothing answers).
list_status() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 2 -u "$demo_user:$demo_password" -X LIST "http://$1/" || true
}

port_owner() {
  local port=${1##*:}
  ss -Hltnp "( sport = :$port )" 2>/dev/null | head -n 1
}

print_log_tail() {
  local log
  log=$(log_file "$1")
  if [[ -s "$log" ]]; then
    echo "---- last lines of $log ----" >&2
    tail -n 20 "$log" >&2
    echo "----" >&2
  fi
}

start_one() {
  local name=$1 addr=$2 log pid
  log=$(log_file "$name")
  mkdir -p "$home/$name"
  printf '\n==== %s: starting %s\n' "$(date '+%F %T')" "$name" >>"$log"
  # setsid: the server outlives this script and ignores the terminal's Ctrl-C. The inner shell
  # records its own pid and then becomes the server, so the pid file names the server itself.
  # shellcheck disable=SC2016  # $$ and $@ belong to the inner shell
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$(pid_file "$name")" \
    "$server_bin" --config "conf/$name.yaml" --root "$home/$name" --users "$home/users" \
    </dev/null >>"$log" 2>&1 &
  # Wait for the pid file (written by the child before exec).
  for _ in $(seq 50); do
    [[ -s "$(pid_file "$name")" ]] && break
    sleep 0.1
  done
}

# Waits until server $1 answers LIST / with 200; on failure prints why and its log tail.
wait_ready() {
  local name=$1 addr=$2 deadline status=000
  deadline=$((SECONDS + ready_timeout_s))
  while ((SECONDS < deadline)); do
    status=$(list_status "$addr")
    [[ "$status" == 200 ]] && return 0
    if ! running_pid "$name" >/dev/null; then
      echo "local-cluster: $name exited during start-up" >&2
      print_log_tail "$name"
      rm -f "$(pid_file "$name")"
      return 1
    fi
    [[ "$status" == 401 ]] && break
    sleep 0.2
  done
  if [[ "$status" == 401 ]]; then
    echo "local-cluster: $name ($addr) rejects user '$demo_user' with password '$demo_password'; restore it with:" >&2
    # shellcheck disable=SC2028  # the \n is meant literally: it is a command to copy
    echo "  printf '$demo_password\\n' | $server_bin passwd $home/users $demo_user    (servers re-read it; no restart needed)" >&2
  else
    echo "local-cluster: $name ($addr) did not answer LIST / with 200 within ${ready_timeout_s} s (last status: $status)" >&2
    print_log_tail "$name"
  fi
  return 1
}

# The seed's user story against the running cluster, with dfc and conf/dfc.yaml: PUT a file, LIST
# it, GET it back, compare byte for byte. Prints each command as it runs it.
round_trip() {
  local back
  back=$(mktemp)
  run_dfc() {
    printf '  $ dfc %s\n' "$*"
    "$dfc_bin" --config conf/dfc.yaml "$@" | sed 's/^/    /'
    return "${PIPESTATUS[0]}"
  }
  echo
  echo "A dfc round trip (PUT, LIST, GET) with conf/dfc.yaml:"
  if run_dfc put README.md /welcome/README.md && run_dfc ls -l /welcome &&
    run_dfc get /welcome/README.md "$back" && cmp -s README.md "$back"; then
    echo "  README.md came back byte for byte."
    rm -f "$back"
    return 0
  fi
  rm -f "$back"
  echo "local-cluster: the dfc round trip failed; see the message above and the logs in $home/logs" >&2
  return 1
}

# Mounts the store at $mount_dir with dfs-fuse and conf/dfc.yaml, unless it is mounted already.
# dfs-fuse returns once the mount is in place (or says why not).
mount_store() {
  if mountpoint -q "$mount_dir"; then
    say "the store is already mounted at $mount_dir"
    return 0
  fi
  mkdir -p "$mount_dir"
  if ! "$fuse_bin" --config conf/dfc.yaml "$mount_dir" >>"$home/logs/dfs-fuse.log" 2>&1; then
    echo "local-cluster: dfs-fuse could not mount $mount_dir; its last lines:" >&2
    tail -n 5 "$home/logs/dfs-fuse.log" >&2
    return 1
  fi
  say "the store is mounted at $mount_dir"
}

cmd_start() {
  bash scripts/install-deps.sh
  bash scripts/build.sh release
  [[ -x "$server_bin" ]] || die "the build did not produce $server_bin"

  mkdir -p "$home/logs" "$home/pids"
  if [[ ! -f "$home/users" ]]; then
    [[ -f conf/users ]] || die "conf/users is missing; create it with: printf '$demo_password\\n' | $server_bin passwd conf/users $demo_user"
    cp conf/users "$home/users"
    chmod 600 "$home/users"
  fi

  # Check every port before starting anything, so a refusal leaves nothing half-started.
  local name addr pid owner to_start=()
  for name in "${servers[@]}"; do
    addr=$(listen_of "$name")
    if pid=$(running_pid "$name"); then
      say "$name already running (pid $pid) on $addr"
      continue
    fi
    rm -f "$(pid_file "$name")"
    owner=$(port_owner "$addr")
    if [[ -n "$owner" ]]; then
      die "port ${addr##*:} for $name is taken by another process, not started by this script from $home:
  $owner
Stop that process (or run its own stop command) and try again."
    fi
    to_start+=("$name")
  done

  for name in "${to_start[@]}"; do
    start_one "$name" "$(listen_of "$name")"
  done
  local failed=0
  for name in "${servers[@]}"; do
    addr=$(listen_of "$name")
    if wait_ready "$name" "$addr"; then
      [[ " ${to_start[*]} " == *" $name "* ]] && say "$name up on $addr (pid $(running_pid "$name"))"
    else
      failed=1
    fi
  done
  if ((failed)); then
    echo "local-cluster: the cluster is not fully up; see the logs in $home/logs, then: $self_cmd stop" >&2
    exit 1
  fi

  round_trip || exit 1
  mount_store || exit 1

  cat <<EOF

dfs local cluster is up: 4 servers, data and logs in $home
  user: $demo_user   password: $demo_password   (users file: $home/users)

Use it with dfc (the menu without a command; PUT, GET, LIST, EXIT):
  $dfc_bin --config conf/dfc.yaml
  $dfc_bin --config conf/dfc.yaml put FILE [REMOTE] | get REMOTE [LOCAL] | ls [DIR] | rm | mv | mkdir | info
  (conf/dfc.conf is the same in the seed's classic format)

Or as a directory (dfs-fuse): README.md from the round trip above is there already:
  ls -l $mount_dir/welcome
  cp FILE $mount_dir/      cat $mount_dir/welcome/README.md      rsync, tar, git... work as on a disk
  (unmount alone: fusermount3 -u $mount_dir; stop below unmounts too)

Talk to a server directly (HTTP/1.1, methods GET, PUT, LIST, EXIT; see docs/protocol.md):
EOF
  for name in "${servers[@]}"; do
    printf '  curl -u %s:%s -X LIST http://%s/\n' "$demo_user" "$demo_password" "$(listen_of "$name")"
  done
  cat <<EOF

Add a user:  $server_bin passwd $home/users NAME   (servers pick it up without a restart)
Logs:        $home/logs/dfs1.log ... dfs4.log
Status:      $self_cmd status
Stop it:     $self_cmd stop
EOF
}

cmd_stop() {
  if mountpoint -q "$mount_dir"; then
    if fusermount3 -u "$mount_dir"; then
      say "unmounted $mount_dir"
    else
      echo "local-cluster: $mount_dir is busy (a shell or program is inside it); unmounting it lazily" >&2
      fusermount3 -u -z "$mount_dir" || true
    fi
  fi
  local name pid pids=() names=()
  for name in "${servers[@]}"; do
    if pid=$(running_pid "$name"); then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
      names+=("$name")
    else
      [[ -f "$(pid_file "$name")" ]] && rm -f "$(pid_file "$name")"
      say "$name was not running"
    fi
  done
  local deadline=$((SECONDS + stop_timeout_s)) i left
  while :; do
    left=0
    for i in "${!names[@]}"; do
      running_pid "${names[$i]}" >/dev/null && left=1
    done
    ((left == 0 || SECONDS >= deadline)) && break
    sleep 0.1
  done
  for i in "${!names[@]}"; do
    name=${names[$i]}
    if running_pid "$name" >/dev/null; then
      echo "local-cluster: $name (pid ${pids[$i]}) did not exit within ${stop_timeout_s} s of SIGTERM; sending SIGKILL" >&2
      kill -KILL "${pids[$i]}" 2>/dev/null || true
    else
      say "$name stopped"
    fi
    rm -f "$(pid_file "$name")"
  done
}

cmd_status() {
  local name addr pid status owner all_up=0
  for name in "${servers[@]}"; do
    addr=$(listen_of "$name")
    if pid=$(running_pid "$name"); then
      status=$(list_status "$addr")
      if [[ "$status" == 200 ]]; then
        printf '%s %s up (pid %s)\n' "$name" "$addr" "$pid"
      elif [[ "$status" == 401 ]]; then
        printf '%s %s up (pid %s), but it rejects %s:%s (401)\n' "$name" "$addr" "$pid" "$demo_user" "$demo_password"
      else
        printf '%s %s down (pid %s running, but LIST / answered %s)\n' "$name" "$addr" "$pid" "$status"
        all_up=1
      fi
    elif owner=$(port_owner "$addr") && [[ -n "$owner" ]]; then
      printf '%s %s down (not started from %s; the port is taken: %s)\n' "$name" "$addr" "$home" \
        "$(grep -o 'users:.*' <<<"$owner" || echo "$owner")"
      all_up=1
    else
      printf '%s %s down\n' "$name" "$addr"
      all_up=1
    fi
  done
  if mountpoint -q "$mount_dir"; then
    printf 'mount %s up\n' "$mount_dir"
  else
    printf 'mount %s down (start mounts it)\n' "$mount_dir"
    all_up=1
  fi
  return "$all_up"
}

case "${1:-start}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  -h | --help | help) sed -n '2,8s/^# \{0,1\}//p' scripts/local-cluster.sh ;;
  *)
    echo "usage: bash scripts/local-cluster.sh [start|stop|status]" >&2
    exit 2
    ;;
esac
