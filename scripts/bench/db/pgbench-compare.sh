#!/usr/bin/env bash
# PostgreSQL on a writable view of a read-only cluster, three ways side by side: a plain copy
# (the status quo), fuse-overlayfs (whole-file copy-up) and cowstore (block copy-on-write).
# For each: time until the cluster is writable, pgbench TPC-B-like tps, and the bytes the
# writable layer holds afterwards (after a start + stop alone, and after the workload).
# Prints a markdown table. Noisy machines: compare ratios, not absolute numbers.
#   usage: scripts/bench/db/pgbench-compare.sh [--scale 10] [--runtime 20] [--clients 2]
# As root, PostgreSQL runs as cowstore-test (it refuses root) and the mounts use allow_other.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../../.." && pwd)
cowstore=${COWSTORE_BIN:-$repo/bin/cowstore}
pgbin=/usr/lib/postgresql/15/bin
scale=10 runtime=20 clients=2
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) scale=$2; shift 2 ;;
    --runtime) runtime=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    *) echo "usage: $0 [--scale N] [--runtime SECONDS] [--clients N]" >&2; exit 2 ;;
  esac
done
for tool in "$pgbin/pg_ctl" "$pgbin/pgbench" "$cowstore" fuse-overlayfs jq; do
  command -v "$tool" >/dev/null || { echo "bench: $tool missing (make system; make build)" >&2; exit 1; }
done

if [ "$(id -u)" -eq 0 ]; then
  pguser=cowstore-test
  id "$pguser" >/dev/null 2>&1 || { echo "bench: user $pguser missing (make system)" >&2; exit 1; }
  as_pg() { setpriv --reuid="$pguser" --regid="$pguser" --init-groups -- "$@"; }
  allow_other=(--allow-other); ovl_allow=,allow_other
else
  as_pg() { "$@"; }
  allow_other=(); ovl_allow=
fi

work=$(mktemp -d /var/tmp/cowstore-dbbench.XXXXXX)   # /var/tmp: on the disk, not a tmpfs
sock=$(mktemp -d /tmp/cowstore-dbbench-sock.XXXXXX)  # unix socket paths must stay short
export COWSTORE_HOME=$work/state
port=$((20000 + RANDOM % 20000))
running=""
cleanup() {
  [ -n "$running" ] && as_pg "$pgbin/pg_ctl" stop -m immediate -D "$running" >/dev/null 2>&1 || true
  mountpoint -q "$work/mnt-cow" 2>/dev/null && { "$cowstore" umount "$work/mnt-cow" >/dev/null 2>&1 || umount -l "$work/mnt-cow"; }
  mountpoint -q "$work/mnt-ovl" 2>/dev/null && { fusermount3 -u "$work/mnt-ovl" 2>/dev/null || umount -l "$work/mnt-ovl"; }
  rm -rf "$work" "$sock"
}
trap cleanup EXIT
mkdir -p "$work"/{base,logs,ovl-upper,ovl-work,mnt-ovl,mnt-cow,state}
chmod 755 "$work"
if [ "$(id -u)" -eq 0 ]; then chown "$pguser" "$sock" "$work/base" "$work/logs"; fi

pg_start() { as_pg "$pgbin/pg_ctl" start -w -t 120 -D "$1" -l "$work/logs/postgres.log" -o "-c listen_addresses='' -p $port -k $sock" >/dev/null; running=$1; }
pg_stop() { as_pg "$pgbin/pg_ctl" stop -w -t 120 -m fast -D "$1" >/dev/null; running=""; }
pgbench_tps() { as_pg "$pgbin/pgbench" -h "$sock" -p "$port" -U postgres -T "$runtime" -c "$clients" -j "$clients" postgres 2>/dev/null \
  | awk '/^tps/ { printf "%.0f", $3; exit }'; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }

echo "bench: building the cluster (pgbench -i -s $scale) in $work/base" >&2
as_pg "$pgbin/initdb" -D "$work/base" -U postgres -A trust >/dev/null
pg_start "$work/base"
as_pg "$pgbin/pgbench" -h "$sock" -p "$port" -U postgres -i -q -s "$scale" postgres >/dev/null 2>&1
pg_stop "$work/base"
base_bytes=$(du -sb "$work/base" | cut -f1)
chown --reference="$work/base" "$work/ovl-upper"; chmod --reference="$work/base" "$work/ovl-upper"

declare -A ready tps idle after

# 1. A plain copy: what users do today.
t=$(now); cp -a "$work/base" "$work/copy"; sync; ready[copy]=$(since "$t")
pg_start "$work/copy"; pg_stop "$work/copy"
idle[copy]=$(du -sb "$work/copy" | cut -f1)
pg_start "$work/copy"; tps[copy]=$(pgbench_tps); pg_stop "$work/copy"
after[copy]=$(du -sb "$work/copy" | cut -f1)
rm -rf "$work/copy"

# 2. fuse-overlayfs: the first write to a file copies the whole file up.
t=$(now)
fuse-overlayfs -o "lowerdir=$work/base,upperdir=$work/ovl-upper,workdir=$work/ovl-work$ovl_allow" "$work/mnt-ovl" 2>/dev/null
ready[ovl]=$(since "$t")
pg_start "$work/mnt-ovl"; pg_stop "$work/mnt-ovl"
idle[ovl]=$(du -sb "$work/ovl-upper" | cut -f1)
pg_start "$work/mnt-ovl"; tps[ovl]=$(pgbench_tps); pg_stop "$work/mnt-ovl"
fusermount3 -u "$work/mnt-ovl"
after[ovl]=$(du -sb "$work/ovl-upper" | cut -f1)

# 3. cowstore: blocks, not files. The view is the mounting user's; hand it to PostgreSQL as one
# would a copy (chown as root, and the 0700 PostgreSQL insists on).
t=$(now)
session=$("$cowstore" mount "${allow_other[@]}" "$work/base" "$work/mnt-cow" | tail -n 1)
[ "$(id -u)" -eq 0 ] && chown -R "$pguser:" "$work/mnt-cow"
as_pg chmod 0700 "$work/mnt-cow"
ready[cow]=$(since "$t")
delta() { "$cowstore" status --json | jq -r --arg s "$session" '.[] | select(.name == $s) | .deltaBytes'; }
pg_start "$work/mnt-cow"; pg_stop "$work/mnt-cow"
idle[cow]=$(delta)
pg_start "$work/mnt-cow"; tps[cow]=$(pgbench_tps); pg_stop "$work/mnt-cow"
after[cow]=$(delta)
"$cowstore" umount "$work/mnt-cow" >/dev/null

echo
echo "pgbench TPC-B-like, scale $scale ($(mib "$base_bytes") MiB cluster), ${runtime}s, $clients clients; $(date -u +%F), $(nproc) cores, kernel $(uname -r)"
echo
echo "| | writable after (s) | tps | writable layer after start + stop (MiB) | after pgbench (MiB) |"
echo "|---|---:|---:|---:|---:|"
for k in copy ovl cow; do
  case $k in copy) name="plain copy (cp -a)" ;; ovl) name="fuse-overlayfs" ;; cow) name="cowstore" ;; esac
  echo "| $name | ${ready[$k]} | ${tps[$k]:-n/a} | $(mib "${idle[$k]}") | $(mib "${after[$k]}") |"
done
