# Builder of mkDatabase (run by /bin/sh -eu). Runs the phases in a scratch directory with $out created.
cd "$TMPDIR"
mkdir "$out"

run_phase() { # run_phase NAME SCRIPT
  [ -n "$2" ] || return 0
  echo "mkDatabase: $1"
  eval "$2"
}

run_phase preImport "$preImport"
run_phase importPhase "$importPhase"
run_phase postImport "$postImport"

if [ -z "$(ls -A "$out")" ]; then
  echo "mkDatabase: importPhase left \$out empty; it must write the database into \$out" >&2
  exit 1
fi
