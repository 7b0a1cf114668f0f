#!/usr/bin/env bash
# FUSE-layer benchmark: fio on an ext4 directory itself, through `cowstore loopback`, and through
# fuse-overlayfs (the file in its upper layer, so no copy-up: pure FUSE cost), all in one run.
# Prints a markdown table of IOPS/bandwidth and ratios. Noisy machines: compare ratios, not times.
#   usage: scripts/bench/fio-loopback.sh [--size 512M] [--runtime 10]
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cowstore=${COWSTORE_BIN:-$repo/bin/cowstore}
size=512M runtime=10
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size=$2; shift 2 ;;
    --runtime) runtime=$2; shift 2 ;;
    *) echo "usage: $0 [--size 512M] [--runtime SECONDS]" >&2; exit 2 ;;
  esac
done
for tool in fio jq fuse-overlayfs; do
  command -v "$tool" >/dev/null || { echo "bench: $tool missing (run make system)" >&2; exit 1; }
done

work=$(mktemp -d /var/tmp/cowstore-bench.XXXXXX)   # /var/tmp: on the disk, not a tmpfs
pids=()
cleanup() {
  for m in "$work"/mnt-*; do mountpoint -q "$m" 2>/dev/null && { fusermount3 -u "$m" 2>/dev/null || umount -l "$m"; }; done
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work"/{plain,loop-src,ovl-lower,ovl-upper,ovl-work,mnt-loop,mnt-ovl}

"$cowstore" loopback "$work/loop-src" "$work/mnt-loop" > "$work/loop.log" 2>&1 &
pids+=($!)
fuse-overlayfs -o "lowerdir=$work/ovl-lower,upperdir=$work/ovl-upper,workdir=$work/ovl-work" "$work/mnt-ovl"
for _ in $(seq 100); do grep -q mounted "$work/loop.log" && break; sleep 0.1; done
grep -q mounted "$work/loop.log" || { cat "$work/loop.log"; echo "bench: loopback did not mount" >&2; exit 1; }

declare -A result
targets=(plain mnt-loop mnt-ovl)
names=("ext4 directory" "cowstore loopback" "fuse-overlayfs")
jobs=("randread 8k" "randwrite 8k" "read 1m" "write 1m")

for t in "${targets[@]}"; do
  dir=$work/$t
  # lay the file out once per target, then drop caches so every target starts alike
  fio --name=layout --directory="$dir" --filename=bench.dat --size="$size" --rw=write --bs=1m \
      --ioengine=psync --end_fsync=1 --output=/dev/null
  for j in "${jobs[@]}"; do
    set -- $j
    sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
    out=$(fio --name=bench --directory="$dir" --filename=bench.dat --size="$size" --rw="$1" --bs="$2" \
          --ioengine=psync --numjobs=1 --time_based --runtime="$runtime" --ramp_time=1 \
          --fsync=$([ "$1" = randwrite ] && echo 32 || echo 0) --output-format=json)
    kind=$([[ $1 == *read ]] && echo read || echo write)
    result[$t,$j]=$(jq -r ".jobs[0].$kind.bw_bytes" <<<"$out")
  done
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
echo
echo "fio, $size file, ${runtime}s per job, psync, randwrite with fsync every 32 writes; $(date -u +%F), $(nproc) cores, kernel $(uname -r)"
echo
echo "| workload | ext4 MiB/s | loopback MiB/s | fuse-overlayfs MiB/s | loopback / ext4 | loopback / fuse-overlayfs |"
echo "|---|---|---|---|---|---|"
for j in "${jobs[@]}"; do
  p=${result[plain,$j]} l=${result[mnt-loop,$j]} o=${result[mnt-ovl,$j]}
  printf '| %s | %.1f | %.1f | %.1f | %s | %s |\n' "$j" \
    "$(awk -v x="$p" 'BEGIN{print x/1048576}')" "$(awk -v x="$l" 'BEGIN{print x/1048576}')" \
    "$(awk -v x="$o" 'BEGIN{print x/1048576}')" "$(ratio "$l" "$p")" "$(ratio "$l" "$o")"
done
