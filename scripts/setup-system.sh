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
