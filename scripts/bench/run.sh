#!/usr/bin/env bash
# The side-by-side benchmark (`make bench`): one read-only base, the same workloads on every way of
# making it writable, in one run, so the ratios are comparable on a noisy machine.
#
# Base: a 1 GiB file of random data, 10,000 small files in 100 directories, a PostgreSQL cluster at
# pgbench scale 20; read-only (a read-only bind mount when root). Targets: a plain copy (cp -a),
# cowstore (a real session: `cowstore mount`), cowstore-wb (the same with --writeback-cache),
# cowstore-devfuse (the default mount served through /dev/fuse instead of io_uring: COWSTORE_IO_URING=0),
# fuse-overlayfs, kernel overlayfs (root only), unionfs-fuse. Workloads: mount time; first 8 KiB write + fsync into the middle of the 1 GiB file
# (time, and what the writable layer grew by, from st_blocks); fio 8 KiB random read cold and warm,
# 1 MiB sequential read cold, 8 KiB random write with an fsync every 32 writes, 1 MiB sequential
# write; reading the 10,000 small files cold; create/stat/rename/unlink of 5,000 files; PostgreSQL
# start+stop layer growth, pgbench tpcb-like and select-only tps (select-only twice: right after
# tpcb-like, with caches still filling, and again with them warm); the cowstore daemon's peak RSS.
# Prints markdown tables of the values and of ratios to the plain copy and to fuse-overlayfs.
# All targets stay mounted side by side and each workload runs on all of them back to back, so load
# from other work on a shared machine spreads over the targets instead of skewing one of them.
#
#   usage: scripts/bench/run.sh [--quick] [--scale N] [--size 1G] [--runtime S] [--pg-runtime S]
#                               [--clients N] [--targets copy,cowstore,cowstore-wb,cowstore-devfuse,fuse-overlayfs,overlayfs,unionfs-fuse]
#                               [--workloads randread_cold,randread_warm,read_1m,randwrite,write_1m,walk,meta,pg]
#                               [--repeat N]
#   --quick: 256 MiB file, scale 2, 3 s fio jobs, 5 s pgbench runs (a smoke run of a minute or two).
#   --repeat N: run every workload N times, round-robin over the targets, and report the median (noisy
#               machines: one slow moment then moves one sample, not the result). Default 1.
#   --workloads: run only these (mount time and the first write always run); for working on one row.
# Environment: COWSTORE_BIN (default ./bin/cowstore), META_BENCH (default native/build/meta-bench),
# COWSTORE_MOUNT_ARGS (extra `cowstore mount` options, e.g. --no-writeback-cache, to compare settings),
# BENCH_WORK (parent of the scratch directory, default /var/tmp: on the disk, not a tmpfs).
# As root, caches are dropped before cold workloads and PostgreSQL runs as cowstore-test (it refuses
# root) on allow_other mounts.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cowstore=${COWSTORE_BIN:-$repo/bin/cowstore}
meta=${META_BENCH:-$repo/native/build/meta-bench}
pgbin=/usr/lib/postgresql/15/bin
size=1G scale=20 runtime=10 pg_runtime=20 clients=2 repeat=1 small_dirs=100 small_per_dir=100 meta_count=5000
targets=copy,cowstore,cowstore-wb,cowstore-devfuse,fuse-overlayfs,overlayfs,unionfs-fuse
workloads=randread_cold,randread_warm,read_1m,randwrite,write_1m,walk,meta,pg
usage() { sed -n '/^#   usage/,/^#   --quick/p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) size=256M scale=2 runtime=3 pg_runtime=5; shift ;;
    --scale) scale=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --runtime) runtime=$2; shift 2 ;;
    --pg-runtime) pg_runtime=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --targets) targets=$2; shift 2 ;;
    --workloads) workloads=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    *) usage ;;
  esac
done
IFS=, read -r -a targets <<<"$targets"
IFS=, read -r -a workloads <<<"$workloads"
[[ $repeat =~ ^[1-9][0-9]*$ ]] || { echo "bench: --repeat needs a positive number" >&2; exit 2; }
for w in "${workloads[@]}"; do
  case $w in randread_cold|randread_warm|read_1m|randwrite|write_1m|walk|meta|pg) ;; *) echo "bench: unknown workload $w" >&2; exit 2 ;; esac
done

root=false; [ "$(id -u)" -eq 0 ] && root=true
missing=()
for tool in fio jq "$pgbin/pg_ctl" "$pgbin/pgbench" "$pgbin/initdb" du setpriv; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
for t in "${targets[@]}"; do
  case $t in
    copy) ;;
    cowstore|cowstore-wb|cowstore-devfuse) [ -x "$cowstore" ] || missing+=("$cowstore (make build, or set COWSTORE_BIN)") ;;
    fuse-overlayfs) command -v fuse-overlayfs >/dev/null || missing+=(fuse-overlayfs) ;;
    unionfs-fuse) command -v unionfs >/dev/null || missing+=("unionfs (package unionfs-fuse)") ;;
    overlayfs) $root || { echo "bench: kernel overlayfs needs root; skipped" >&2; } ;;
    *) echo "bench: unknown target $t" >&2; exit 2 ;;
  esac
done
if [ ! -x "$meta" ]; then
  make -s -C "$repo/native" >/dev/null 2>&1 || true
  [ -x "$meta" ] || missing+=("$meta (make native)")
fi
if [ "${#missing[@]}" -gt 0 ]; then
  printf 'bench: missing: %s\n' "${missing[@]}" >&2
  echo "bench: run 'make system' (packages) and 'make build' first" >&2
  exit 1
fi
if ! $root; then
  # Without root: no cache dropping, no kernel overlayfs, PostgreSQL runs as ourselves.
  kept=(); for t in "${targets[@]}"; do [ "$t" = overlayfs ] || kept+=("$t"); done; targets=("${kept[@]}")
fi
if $root; then
  pguser=cowstore-test
  id "$pguser" >/dev/null 2>&1 || { echo "bench: user $pguser missing (make system)" >&2; exit 1; }
  as_pg() { setpriv --reuid="$pguser" --regid="$pguser" --init-groups -- "$@"; }
  allow_other=(--allow-other); fuse_allow=,allow_other
else
  as_pg() { "$@"; }
  allow_other=(); fuse_allow=
fi

work=$(mktemp -d "${BENCH_WORK:-/var/tmp}/cowstore-bench.XXXXXX")
sock=$(mktemp -d /tmp/cowstore-bench-sock.XXXXXX)   # unix socket paths must stay short
export COWSTORE_HOME=$work/state
port=$((20000 + RANDOM % 20000))
pg_running=""
cleanup() {
  set +e
  [ -n "$pg_running" ] && as_pg "$pgbin/pg_ctl" stop -m immediate -D "$pg_running" >/dev/null 2>&1
  for m in "$work/mnt-cowstore" "$work/mnt-cowstore-wb" "$work/mnt-cowstore-devfuse"; do
    [ -x "$cowstore" ] && mountpoint -q "$m" 2>/dev/null && timeout 60 "$cowstore" umount "$m" >/dev/null 2>&1
  done
  for m in "$work"/mnt-* "$work/base-ro"; do
    mountpoint -q "$m" 2>/dev/null || continue
    fusermount3 -u "$m" 2>/dev/null || umount "$m" 2>/dev/null || umount -l "$m"
  done
  rm -rf "$work" "$sock"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
chmod 755 "$work"
mkdir -p "$work"/{base,logs,state}
$root && chown "$pguser" "$sock" "$work/logs"

log() { echo "bench: $*" >&2; }
now() { echo "$EPOCHREALTIME"; }
since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.4f", b - a }'; }
# Bytes allocated (st_blocks, like du) under a path.
allocated() { du -s -B1 "$1" 2>/dev/null | cut -f1; }
drop_caches() { sync; $root && echo 3 > /proc/sys/vm/drop_caches; true; }

# ---------------------------------------------------------------------------------------------- base
pg_start() { as_pg "$pgbin/pg_ctl" start -w -t 180 -D "$1" -l "$work/logs/postgres.log" -o "-c listen_addresses='' -p $port -k $sock" >/dev/null; pg_running=$1; }
pg_stop() { as_pg "$pgbin/pg_ctl" stop -w -t 180 -m fast -D "$1" >/dev/null; pg_running=""; }

log "building the base in $work/base: $size random file, $((small_dirs * small_per_dir)) small files, PostgreSQL at scale $scale"
base=$work/base
fio --name=base --filename="$base/big.dat" --size="$size" --rw=write --bs=1m --ioengine=psync \
    --refill_buffers --end_fsync=1 --output=/dev/null
payload=$(head -c 2048 /dev/urandom | base64 -w 0)
for ((d = 0; d < small_dirs; d++)); do
  dir=$(printf '%s/small/d%03d' "$base" "$d"); mkdir -p "$dir"
  for ((f = 0; f < small_per_dir; f++)); do printf '%s%d\n' "${payload:0:$((500 + (d * 37 + f * 11) % 1500))}" "$f" > "$dir/f$f"; done
done
mkdir "$base/pg"; $root && chown "$pguser" "$base/pg"
as_pg "$pgbin/initdb" -D "$base/pg" -U postgres -A trust >/dev/null
pg_start "$base/pg"
as_pg "$pgbin/pgbench" -h "$sock" -p "$port" -U postgres -i -q -s "$scale" postgres >/dev/null 2>&1
pg_stop "$base/pg"
sync
base_bytes=$(allocated "$base")
lower=$base
if $root; then
  # Read-only for real: every target reads the base through a read-only bind mount.
  mkdir "$work/base-ro"
  mount --bind "$base" "$work/base-ro"
  mount -o remount,bind,ro "$work/base-ro"
  lower=$work/base-ro
else
  chmod -R a-w "$base/big.dat" "$base/small"
fi

# ------------------------------------------------------------------------------------------- targets
# mount_<target> makes $view (the writable directory) and $layer (what holds the writes) ready;
# unmount_<target> undoes it. Each target gets a fresh layer.
view="" layer=""
mount_copy() { view=$work/copy; layer=$view; cp -a "$lower" "$view" && sync; }
unmount_copy() { rm -rf "$work/copy"; }
declare -A daemon_pids transports
cowstore_session() {   # cowstore_session TARGET [mount options...]: a real session named after the target
  local t=$1; shift
  view=$work/mnt-$t; mkdir -p "$view"
  # shellcheck disable=SC2086  # COWSTORE_MOUNT_ARGS is a list of options
  "$cowstore" mount "${allow_other[@]}" ${COWSTORE_MOUNT_ARGS:-} "$@" --preserve-ownership --session "$t" "$lower" "$view" >/dev/null || return 1
  local status; status=$("$cowstore" status --json) || return 1
  layer=$(jq -r --arg t "$t" '.[] | select(.name == $t) | .deltaDirectory' <<<"$status")
  daemon_pids[$t]=$(jq -r --arg t "$t" '.[] | select(.name == $t) | .pid' <<<"$status")
  transports[$t]=$(jq -r --arg t "$t" '.[] | select(.name == $t) | .transport' <<<"$status")
}
mount_cowstore() { cowstore_session cowstore; }
mount_cowstore-wb() { cowstore_session cowstore-wb --writeback-cache; }
mount_cowstore-devfuse() { COWSTORE_IO_URING=0 cowstore_session cowstore-devfuse; }
unmount_cowstore_session() { "$cowstore" umount "$work/mnt-$1" >/dev/null && "$cowstore" discard --yes "$1" >/dev/null; }
unmount_cowstore() { unmount_cowstore_session cowstore; }
unmount_cowstore-wb() { unmount_cowstore_session cowstore-wb; }
unmount_cowstore-devfuse() { unmount_cowstore_session cowstore-devfuse; }
overlay_dirs() {   # overlay_dirs TARGET: its own upper and work directories and mountpoint
  local up=$work/upper-$1 wk=$work/work-$1
  rm -rf "$up" "$wk"; mkdir -p "$up" "$wk" "$work/mnt-$1"
  chown --reference="$lower" "$up"; chmod --reference="$lower" "$up"
  layer=$up view=$work/mnt-$1 ovl_opts="lowerdir=$lower,upperdir=$up,workdir=$wk"
}
mount_fuse-overlayfs() { overlay_dirs fuse-overlayfs; fuse-overlayfs -o "$ovl_opts$fuse_allow" "$view"; }
unmount_fuse-overlayfs() { fusermount3 -u "$work/mnt-fuse-overlayfs"; rm -rf "$work"/{upper,work}-fuse-overlayfs; }
mount_overlayfs() { overlay_dirs overlayfs; mount -t overlay overlay -o "$ovl_opts" "$view"; }
unmount_overlayfs() { umount "$work/mnt-overlayfs"; rm -rf "$work"/{upper,work}-overlayfs; }
mount_unionfs-fuse() { overlay_dirs unionfs-fuse; unionfs -o "cow,use_ino$fuse_allow" "$layer=RW:$lower=RO" "$view"; }
unmount_unionfs-fuse() { fusermount3 -u "$work/mnt-unionfs-fuse"; rm -rf "$work"/{upper,work}-unionfs-fuse; }

# ----------------------------------------------------------------------------------------- workloads
declare -A result   # result[target,key]
fio_bw() {   # fio_bw FILE RW BS [extra fio args...] -> MiB/s
  local file=$1 rw=$2 bs=$3; shift 3
  local out kind
  out=$(fio --name=bench --filename="$file" --size="$size" --rw="$rw" --bs="$bs" --ioengine=psync \
        --numjobs=1 --time_based --runtime="$runtime" --ramp_time=1 --output-format=json "$@") || return 1
  kind=$([[ $rw == *read ]] && echo read || echo write)
  jq -r ".jobs[0].$kind.bw_bytes / 1048576" <<<"$out"
}
meta_field() { awk -v p="$1" '$1 == p { print $4 }'; }   # ops/s of one meta-bench phase
record() { result[$1,$2]+="${3:-fail} "; log "  $1 $2 ${3:-fail}"; }   # one sample more; the report shows the median
median() { tr ' ' '\n' <<<"$1" | grep -E '^-?[0-9.]+$' | sort -g | awk '{ v[NR] = $1 } END { if (NR) printf "%.4f\n", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
# Targets are mounted one after the other (mount time and first write measured alone), then every
# workload runs on all targets back to back, so a load change on a shared machine hits all of them
# alike instead of whichever target happened to be running.
declare -A views layers
pg_workloads() {   # PostgreSQL on one target: start + stop growth, then both pgbench runs
  local t=$1 pg=${views[$1]}/pg before
  as_pg chmod 0700 "$pg" 2>/dev/null || true
  sync; before=$(allocated "${layers[$t]}")
  if pg_start "$pg" && pg_stop "$pg"; then
    # The growth of the first start + stop on a fresh layer; later rounds would find the files already there.
    sync; [ "$round" -eq 1 ] && record "$t" pg_idle_bytes $(( $(allocated "${layers[$t]}") - before ))
    if pg_start "$pg"; then
      record "$t" tpcb "$(pgbench_tps)"
      record "$t" select "$(pgbench_tps -S)"
      record "$t" select_warm "$(pgbench_tps -S)"
      pg_stop "$pg" || log "$t: PostgreSQL did not stop cleanly"
    fi
  else
    log "$t: PostgreSQL did not start; see $work/logs/postgres.log"; tail -n 5 "$work/logs/postgres.log" >&2
    [ -n "$pg_running" ] && { as_pg "$pgbin/pg_ctl" stop -m immediate -D "$pg" >/dev/null 2>&1; pg_running=""; }
  fi
}
pgbench_tps() { as_pg "$pgbin/pgbench" -h "$sock" -p "$port" -U postgres -T "$pg_runtime" -c "$clients" -j "$clients" "$@" postgres 2>/dev/null \
  | awk '/^tps/ { printf "%.0f", $3; exit }'; }

# From here on a failing workload is recorded as missing and the run goes on.
set +e
started=$(now)
mounted=()
for t in "${targets[@]}"; do
  log "$t: mount and first write"
  drop_caches
  start=$(now)
  if ! "mount_$t"; then log "$t: mount failed; skipped"; record "$t" mount fail; continue; fi
  for _ in $(seq 300); do [ -e "$view/big.dat" ] && break; sleep 0.01; done   # usable: the base shows
  record "$t" mount "$(since "$start")"
  views[$t]=$view layers[$t]=$layer mounted+=("$t")
  before=$(allocated "$layer")
  out=$("$meta" first-write "$view/big.dat") && record "$t" first_write "$(awk '{ print $3 * 1000 }' <<<"$out")"
  sync
  if [ "$t" = copy ]; then record "$t" first_write_bytes "$(allocated "$layer")"
  else record "$t" first_write_bytes $(( $(allocated "$layer") - before )); fi
done

each() { local t; for t in "${mounted[@]}"; do "$@" "$t"; done; }
w_randread_cold() { drop_caches; record "$1" randread_cold "$(fio_bw "${views[$1]}/big.dat" randread 8k)"; }
w_randread_warm() { cat "${views[$1]}/big.dat" > /dev/null; record "$1" randread_warm "$(fio_bw "${views[$1]}/big.dat" randread 8k --invalidate=0)"; }
w_read_1m() { drop_caches; record "$1" read_1m "$(fio_bw "${views[$1]}/big.dat" read 1m)"; }
w_randwrite() { record "$1" randwrite "$(fio_bw "${views[$1]}/big.dat" randwrite 8k --fsync=32)"; }
w_write_1m() { record "$1" write_1m "$(fio_bw "${views[$1]}/seq.dat" write 1m --end_fsync=1)"; rm -f "${views[$1]}/seq.dat"; }
w_walk() { local out; drop_caches; out=$("$meta" walk "${views[$1]}/small") && record "$1" walk "$(meta_field walk <<<"$out")"; }
w_meta() {
  local out op; mkdir -p "${views[$1]}/meta"
  if out=$("$meta" ops "${views[$1]}/meta" "$meta_count"); then
    for op in create stat rename unlink; do record "$1" "$op" "$(meta_field "$op" <<<"$out")"; done
  fi
}
w_pg() { pg_workloads "$1"; }
for ((round = 1; round <= repeat; round++)); do
  for w in "${workloads[@]}"; do
    if [ "$repeat" -gt 1 ]; then log "workload $w, round $round of $repeat"; else log "workload $w"; fi
    each "w_$w"
  done
done
for t in "${mounted[@]}"; do
  [ -n "${daemon_pids[$t]:-}" ] && record "$t" rss "$(awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/${daemon_pids[$t]}/status" 2>/dev/null)"
  "unmount_$t" || log "$t: unmount failed"
done
log "done in $(awk -v s="$(since "$started")" 'BEGIN { printf "%.0f", s }') s"

# ------------------------------------------------------------------------------------------- report
names=("${targets[@]}")
label() { case $1 in copy) echo "plain copy" ;; *) echo "$1" ;; esac; }
# key | description | unit | better (↑ higher, ↓ lower)
rows=(
  "mount|writable after (mount, or cp -a + sync)|s|↓"
  "first_write|first 8 KiB write + fsync into the middle of the $size file|ms|↓"
  "first_write_bytes|writable layer growth after it (plain copy: the whole copy)|KiB|↓"
  "randread_cold|fio randread 8k, cold|MiB/s|↑"
  "randread_warm|fio randread 8k, warm|MiB/s|↑"
  "read_1m|fio read 1m, cold|MiB/s|↑"
  "randwrite|fio randwrite 8k, fsync every 32|MiB/s|↑"
  "write_1m|fio write 1m, new file|MiB/s|↑"
  "walk|read 10,000 small base files, cold|files/s|↑"
  "create|create $meta_count files|ops/s|↑"
  "stat|stat|ops/s|↑"
  "rename|rename|ops/s|↑"
  "unlink|unlink|ops/s|↑"
  "pg_idle_bytes|PostgreSQL start + stop: layer growth|KiB|↓"
  "tpcb|pgbench tpcb-like|tps|↑"
  "select|pgbench select-only, right after tpcb-like|tps|↑"
  "select_warm|pgbench select-only again, caches warm|tps|↑"
  "rss|cowstore daemon peak RSS (VmHWM)|MiB|↓"
)
value() {   # formatted value of target/key
  local v=${result[$1,$2]:-}
  [ -z "$v" ] && { echo "–"; return; }
  v=$(median "$v"); [ -z "$v" ] && { echo "fail"; return; }
  case $2 in
    first_write_bytes|pg_idle_bytes) awk -v x="$v" 'BEGIN { printf "%.0f", x / 1024 }' ;;
    mount) awk -v x="$v" 'BEGIN { printf "%.2f", x }' ;;
    first_write) awk -v x="$v" 'BEGIN { printf "%.1f", x }' ;;
    *) awk -v x="$v" 'BEGIN { printf (x >= 100 ? "%.0f" : "%.1f"), x }' ;;
  esac
}
ratio() {   # ratio of target a to target b for key
  local a b; a=$(median "${result[$1,$3]:-}") b=$(median "${result[$2,$3]:-}")
  [[ $a =~ ^[0-9.]+$ && $b =~ ^[0-9.]+$ ]] || { echo "–"; return; }
  awk -v a="$a" -v b="$b" 'BEGIN { if (b > 0) printf (a / b >= 100 ? "%.0f×" : "%.2f×"), a / b; else print "–" }'
}
{
  echo
  echo "cowstore benchmark, $(date -u '+%F %H:%M UTC'); kernel $(uname -r); $(nproc) × $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo); $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM"
  if [ "${#transports[@]}" -gt 0 ]; then
    echo "FUSE requests reach cowstore through: $(for t in "${!transports[@]}"; do printf '%s %s; ' "$t" "${transports[$t]}"; done | sed 's/; $//')"
  fi
  echo "base: $size random file, $((small_dirs * small_per_dir)) small files, PostgreSQL 15 at pgbench scale $scale ($(awk -v b="$base_bytes" 'BEGIN { printf "%.0f MiB", b / 1048576 }') in all); fio psync, one job, ${runtime} s each; pgbench $clients clients, ${pg_runtime} s each; $([ "$repeat" -gt 1 ] && echo "median of $repeat interleaved rounds; ")$($root && echo "caches dropped before cold workloads" || echo "not root: caches not dropped")"
  echo
  header="| workload | unit |"; sep="|---|---|"
  for t in "${names[@]}"; do header+=" $(label "$t") |"; sep+="---:|"; done
  echo "$header"; echo "$sep"
  for row in "${rows[@]}"; do
    IFS='|' read -r key desc unit better <<<"$row"
    line="| $desc | $unit $better |"
    for t in "${names[@]}"; do line+=" $(value "$t" "$key") |"; done
    echo "$line"
  done
  echo
  echo "Ratios (value ÷ value; ↑ rows: above 1 is better, ↓ rows: below 1 is better):"
  echo
  header="| workload |"; sep="|---|"
  for t in "${names[@]}"; do
    [ "$t" = copy ] && continue
    header+=" $(label "$t") ÷ plain copy |"; sep+="---:|"
    [ "$t" = fuse-overlayfs ] && continue
    header+=" $(label "$t") ÷ fuse-overlayfs |"; sep+="---:|"
  done
  echo "$header"; echo "$sep"
  for row in "${rows[@]}"; do
    IFS='|' read -r key desc unit better <<<"$row"
    [ "$key" = rss ] && continue
    line="| $desc $better |"
    for t in "${names[@]}"; do
      [ "$t" = copy ] && continue
      line+=" $(ratio "$t" copy "$key") |"
      [ "$t" = fuse-overlayfs ] && continue
      line+=" $(ratio "$t" fuse-overlayfs "$key") |"
    done
    echo "$line"
  done
}
