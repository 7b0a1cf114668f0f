#!/usr/bin/env bash
# Installs the system packages and test users cowstore needs on Debian 12. Idempotent; run as root.
# Everything the build, the tests and the benchmarks use comes from here, so a fresh machine works.
set -euo pipefail

packages=(
  fuse3 libfuse3-dev            # fusermount3 (unprivileged mounts), fuse.h for struct layout checks
  build-essential               # cc for native/ and the struct layout test
  fuse-overlayfs unionfs-fuse   # peers measured by the benchmarks
  fio                           # I/O benchmarks
  attr                          # getfattr/setfattr in scripts
  util-linux                    # setpriv, runuser, fallocate
  postgresql sqlite3            # real database engines in the tests
  libh2-java openjdk-17-jdk-headless
  nix-bin                       # Nix integration tests
  procps psmisc jq              # pgrep/fuser, JSON in scripts
)

if [ "$(id -u)" -ne 0 ]; then
  echo "setup-system: must run as root (apt-get, users, /etc/fuse.conf)" >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup-system: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup-system: the .NET 10 SDK (dotnet) is not on PATH; install it first" >&2
  exit 1
fi

# Unprivileged users: the tests run the whole integration suite as cowstore-test (the fusermount3
# path real users take) and use cowstore-other for "another user is denied" checks.
for u in cowstore-test cowstore-other; do
  id "$u" >/dev/null 2>&1 || useradd --system --create-home --shell /usr/sbin/nologin "$u"
done

# --allow-other for unprivileged users needs this (a stock Debian fuse.conf has it commented out).
grep -qE '^\s*user_allow_other' /etc/fuse.conf 2>/dev/null || echo user_allow_other >> /etc/fuse.conf

# FUSE over io_uring (Linux 6.14+): the kernel offers it only with fuse.enable_uring=1, off by default.
# cowstore then serves each CPU's requests on that CPU (docs/ARCHITECTURE.md, "Transport"); without it
# everything still works through /dev/fuse. fuse is usually built in, so the switch is the sysfs
# parameter now and a tmpfiles.d line for later boots.
uring_switch=/sys/module/fuse/parameters/enable_uring
if [ -w "$uring_switch" ]; then
  echo 1 > "$uring_switch"
  echo "w $uring_switch - - - - 1" > /etc/tmpfiles.d/cowstore-fuse-io-uring.conf
else
  echo "setup-system: this kernel has no FUSE over io_uring ($uring_switch); cowstore serves through /dev/fuse"
fi

# Nix, single-user (no nix-daemon on these machines): builds run as the invoking user (root), no
# sandbox (Debian's nix-bin cannot set one up), and no binary cache, because the build machines are
# offline and every nix-build would otherwise spend seconds retrying cache.nixos.org.
# scripts/nix derivations use the host's tools (/usr/bin, PostgreSQL 15) since nixpkgs is not available.
nix_conf=/etc/nix/nix.conf
mkdir -p /etc/nix
touch "$nix_conf"
set_nix_option() { # set_nix_option KEY VALUE: replace the KEY line or append it
  local key=$1 value=$2
  if grep -qE "^\s*$key\s*=" "$nix_conf"; then
    sed -i -E "s|^\s*$key\s*=.*|$key = $value|" "$nix_conf"
  else
    printf '%s = %s\n' "$key" "$value" >> "$nix_conf"
  fi
}
set_nix_option build-users-group ""
set_nix_option sandbox false
set_nix_option substituters ""
# One real store path for the tests that need any: a fresh machine's store stays empty until the
# first nix-build, and the unit tests run before the Nix integration tests build theirs.
store_sample=$(mktemp -d)
mkdir "$store_sample/cowstore-test-store-path"
echo "a real /nix/store path for cowstore's tests" > "$store_sample/cowstore-test-store-path/README"
nix-store --add "$store_sample/cowstore-test-store-path" >/dev/null
rm -rf "$store_sample"
