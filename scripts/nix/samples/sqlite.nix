# A small SQLite database built by mkDatabase with the host's sqlite3.
{ mkDatabase, version ? "1" }:

mkDatabase {
  pname = "cowstore-sample-sqlite";
  inherit version;
  src = ./sample-sqlite.sql;
  importPhase = ''
    sqlite3 "$out/sample.db" < "$src" > /dev/null
  '';
  postImport = ''
    # A rollback-journal database (not WAL) is a single file: nothing else to ship.
    test "$(sqlite3 "$out/sample.db" 'select count(*) from people')" -gt 0
  '';
}
