#!/usr/bin/env bash
# Runs the test tiers against the build in ./artifacts and ./bin and ends with one line
# "tests: N passed, N failed, N skipped". A skipped test counts as a failure of the run.
#   unit          no mounts
#   root          integration tests (real mounts, real databases) as root
#   unprivileged  the same integration tests as the user cowstore-test (fusermount3 path),
#                 minus those that need root ([Trait("Requires","root")])
#   all           the three above
# COWSTORE_TEST_FILTER narrows every tier (a dotnet test --filter expression), e.g.
#   COWSTORE_TEST_FILTER='FullyQualifiedName~Posix' make test-integration
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
tier=${1:-all}
cfg="$(echo "${CONFIG:-Release}" | tr '[:upper:]' '[:lower:]')_linux-x64"
unit_dll=$repo/artifacts/bin/CowStore.UnitTests/$cfg/CowStore.UnitTests.dll
integration_dir=$repo/artifacts/bin/CowStore.IntegrationTests/$cfg
logdir=$(mktemp -d /tmp/cowstore-tests.XXXXXX)
passed=0 failed=0 skipped=0 broken=0

export COWSTORE_BIN=$repo/bin/cowstore
export COWSTORE_PROBE=$repo/native/build/posix-probe
# Real database stores (e.g. fixtures/neo4j) live in shared/ beside the checkout; the tests that need
# them fail loudly without them, so only point there when the folder exists (a preset value wins).
if [ -z "${COWSTORE_FIXTURES:-}" ] && [ -d "$repo/../shared/fixtures" ]; then
  COWSTORE_FIXTURES=$(cd "$repo/../shared/fixtures" && pwd)
  export COWSTORE_FIXTURES
fi

# run NAME CMD...: runs one dotnet test invocation, adds its counts to the totals.
run() {
  local name=$1; shift
  echo "== tests: $name"
  "$@" 2>&1 | tee "$logdir/$name.log"
  local rc=${PIPESTATUS[0]}
  # vstest's closing block: "Total tests: N" then indented "Passed: N", "Failed: N", "Skipped: N".
  local totals
  totals=$(sed -n '/^Total tests: /,$p' "$logdir/$name.log")
  if [ -z "$totals" ]; then
    echo "== tests: $name produced no summary (exit $rc): the run is broken"
    broken=$((broken + 1))
    return
  fi
  count() { grep -E "^ +$1: +[0-9]+" <<<"$totals" | tail -n 1 | grep -oE '[0-9]+' || echo 0; }
  local p f s
  p=$(count Passed); f=$(count Failed); s=$(count Skipped)
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  [ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || broken=$((broken + 1))
}

filter_args() { # the tier's own filter, narrowed by COWSTORE_TEST_FILTER
  local filter=$1
  if [ -n "${COWSTORE_TEST_FILTER:-}" ]; then
    if [ -n "$filter" ]; then filter="($filter)&(${COWSTORE_TEST_FILTER})"; else filter=$COWSTORE_TEST_FILTER; fi
  fi
  [ -z "$filter" ] || printf '%s\n' --filter "$filter"
}

dotnet_test() {
  local dll=$1 filter=${2:-}
  local -a extra
  mapfile -t extra < <(filter_args "$filter")
  dotnet test "$dll" "${extra[@]}" --blame-hang-timeout 10m --logger "console;verbosity=normal" --nologo
}

run_unit() { run unit dotnet_test "$unit_dll"; }

run_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "== tests: root tier needs root; run 'make test' as root" >&2
    broken=$((broken + 1)); return
  fi
  run integration-root dotnet_test "$integration_dir/CowStore.IntegrationTests.dll"
}

# The unprivileged tier runs from a world-readable copy, because the checkout may sit under a
# private home directory. /dev/fuse is 0600 on these machines (0666 on stock Debian, which
# fusermount3 relies on), so it is opened up for the duration and restored afterwards.
run_unprivileged() {
  local user=cowstore-test
  if ! id "$user" >/dev/null 2>&1; then
    echo "== tests: user $user missing; run 'make system' (scripts/setup-system.sh)" >&2
    broken=$((broken + 1)); return
  fi
  local stage
  stage=$(mktemp -d /tmp/cowstore-unprivileged.XXXXXX)
  mkdir -p "$stage/home" "$stage/tmp" "$stage/results" "$stage/native"
  cp -a "$integration_dir" "$stage/tests"
  cp -a "$repo/bin" "$stage/bin"
  cp -a "$repo/native/build/." "$stage/native/"
  # The fixtures' own path may not be readable for the test user; give it a copy.
  [ -z "${COWSTORE_FIXTURES:-}" ] || cp -a "$COWSTORE_FIXTURES" "$stage/fixtures"
  chmod 755 "$stage"; chmod -R a+rX "$stage"
  chown -R "$user" "$stage/home" "$stage/tmp" "$stage/results"
  local -a extra
  mapfile -t extra < <(filter_args "Requires!=root")
  local fuse_mode
  fuse_mode=$(stat -c %a /dev/fuse)
  chmod 0666 /dev/fuse
  trap "chmod $fuse_mode /dev/fuse" EXIT   # restored even if the run is interrupted
  run integration-unprivileged runuser -u "$user" -- env -i \
    PATH="$PATH" HOME="$stage/home" DOTNET_CLI_HOME="$stage/home" TMPDIR="$stage/tmp" \
    DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 \
    COWSTORE_BIN="$stage/bin/cowstore" COWSTORE_PROBE="$stage/native/posix-probe" \
    COWSTORE_FIXTURES="$stage/fixtures" \
    COWSTORE_SOAK="${COWSTORE_SOAK:-}" \
    dotnet test "$stage/tests/CowStore.IntegrationTests.dll" "${extra[@]}" \
      --results-directory "$stage/results" --blame-hang-timeout 10m \
      --logger "console;verbosity=normal" --nologo
  chmod "$fuse_mode" /dev/fuse
  rm -rf "$stage"
}

case "$tier" in
  unit) run_unit ;;
  root) run_root ;;
  unprivileged) run_unprivileged ;;
  all) run_unit; run_root; run_unprivileged ;;
  *) echo "usage: $0 unit|root|unprivileged|all" >&2; exit 2 ;;
esac

live=$(grep -cE ' - fuse(\.|blk| )' /proc/self/mountinfo || true)
if [ "${live:-0}" != "0" ]; then
  echo "== tests: $live FUSE mount(s) left behind:"; grep -E ' - fuse' /proc/self/mountinfo
  broken=$((broken + 1))
fi

echo "tests: $passed passed, $((failed + skipped)) failed"
[ "$skipped" -eq 0 ] || echo "($skipped skipped tests counted as failed: a skipped test is not a pass)"
[ "$failed" -eq 0 ] && [ "$skipped" -eq 0 ] && [ "$broken" -eq 0 ]
