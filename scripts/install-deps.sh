#!/usr/bin/env bash
# Installs what dfs needs to build, test and run on Debian 12 — only the packages that are
# missing. Quiet when everything is already there; apt-get update runs at most once.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libboost-dev libboost-system-dev libssl-dev libyaml-cpp-dev libxxhash-dev libcli11-dev
  libsystemd-dev libfuse3-dev fuse3
  libgtest-dev libgmock-dev libbenchmark-dev
  curl python3 util-linux iproute2
  # mkfs.ext4 for the test that needs an ext4 of its own on a loop device.
  e2fsprogs
  # The .deb (cpack: dpkg-shlibdeps, file) and its unit checks (systemd-analyze).
  dpkg-dev file systemd
  # libFuzzer (scripts/fuzz.sh): clang, and its runtime, which clang only recommends.
  clang libclang-rt-14-dev
  # The TLS tests make their throw-away CA and certificates with the command line.
  openssl
  # Ordinary tools the FUSE tests drive through the mount.
  rsync vim git tar
)

installed() {
  # dpkg -s also succeeds for removed-but-configured packages, so check the status line too.
  dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed'
}

missing=()
for p in "${packages[@]}"; do
  installed "$p" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing packages (${missing[*]}); run as root: sudo bash scripts/install-deps.sh" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# One lock for every apt call on this machine, so parallel runs do not trip over dpkg's lock.
(
  flock 9
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
) 9>/tmp/apt.lock

still=()
for p in "${missing[@]}"; do
  installed "$p" || still+=("$p")
done
if [[ ${#still[@]} -ne 0 ]]; then
  echo "install-deps: could not install ${still[*]}" >&2
  exit 1
fi
