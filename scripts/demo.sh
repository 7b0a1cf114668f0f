#!/usr/bin/env bash
# The main job on the embedded sample: a read-only SQLite database (standing in for a
# /nix/store/<hash>-db path) is mounted writable with cowstore, a real engine writes to it,
# the delta size is printed next to the size of the database it did not copy, and the change is
# committed as an immutable snapshot that mounts anywhere.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cowstore=${COWSTORE_BIN:-$repo/bin/cowstore}
work=$(mktemp -d /tmp/cowstore-demo.XXXXXX)
export COWSTORE_HOME=$work/state
base=$work/base mnt=$work/db snap=$work/snapshot
mounted=""
cleanup() {
  [ -n "$mounted" ] && "$cowstore" umount "$mnt" >/dev/null 2>&1 || true
  mountpoint -q "$snap" 2>/dev/null && "$cowstore" umount "$snap" >/dev/null 2>&1 || true
  chmod -R u+w "$work" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "demo: building the sample database (read-only, like a /nix/store path)"
mkdir -p "$base" "$mnt" "$snap"
sqlite3 "$base/sample.db" < "$repo/scripts/sample/sample.sql" >/dev/null
chmod -R a-w "$base"
base_bytes=$(du -sb "$base" | cut -f1)

session=$("$cowstore" mount "$base" "$mnt" | tail -n 1)
mounted=1
echo "demo: mounted $base at $mnt (session $session)"

sqlite3 "$mnt/sample.db" >/dev/null <<'SQL'
PRAGMA journal_mode = WAL;
INSERT INTO person (name, born) VALUES ('demo-user', 2000);
INSERT INTO knows SELECT max(id), 1, 2026 FROM person;
UPDATE person SET born = born + 1 WHERE id % 1000 = 0;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
echo "demo: sqlite3 wrote to the view: integrity $(sqlite3 "$mnt/sample.db" 'PRAGMA integrity_check'), $(sqlite3 "$mnt/sample.db" 'SELECT count(*) FROM person') people"
"$cowstore" status
delta=$("$cowstore" status --json | sed -nE 's/.*"deltaBytes": *([0-9]+).*/\1/p' | head -n 1)
"$cowstore" umount "$mnt"
mounted=""
echo "demo: the base is untouched: $(sqlite3 -readonly "$base/sample.db" 'SELECT count(*) FROM person') people"
echo "demo: base $base_bytes bytes, delta ${delta:?no delta size from cowstore status} bytes: the writes cost $(awk -v d="$delta" -v b="$base_bytes" 'BEGIN { printf "%.1f", 100 * d / b }')% of a copy"
id=$("$cowstore" commit "$session" -m "demo: one more person" | tail -n 1)
echo "demo: committed the session as snapshot $id"
"$cowstore" mount --ephemeral "$id" "$snap" >/dev/null
echo "demo: snapshot ${id:0:12} mounted at $snap: $(sqlite3 "$snap/sample.db" 'SELECT count(*) FROM person') people, integrity $(sqlite3 "$snap/sample.db" 'PRAGMA integrity_check')"
"$cowstore" umount "$snap" >/dev/null
"$cowstore" discard "$session" --yes >/dev/null
echo "demo: ok"
