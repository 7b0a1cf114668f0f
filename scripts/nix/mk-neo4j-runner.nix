# mkNeo4jRunner: a command `$out/bin/<name>` that runs cowstore-neo4j on a database built by mkDatabase:
#
#   mkNeo4jRunner { name = "movies"; database = mkDatabase { ... }; }
#   ./result/bin/movies --discard -- ...      # = cowstore-neo4j /nix/store/<hash>-movies-1 --discard -- ...
#
# The script names the database's store path, so Nix records the reference: while the runner is
# installed (a GC root), the database is too. cowstore-neo4j is taken from PATH at run time (it is
# installed next to cowstore, outside Nix); pass `cowstoreNeo4j` to pin an absolute path.
{ name
, database
, cowstoreNeo4j ? "cowstore-neo4j"
, system ? builtins.currentSystem
}:

derivation {
  inherit name system cowstoreNeo4j;
  builder = "/bin/sh";
  args = [ "-eu" "-c" ''
    PATH=/usr/bin:/bin
    mkdir -p "$out/bin"
    {
      echo '#!/bin/sh'
      echo "# Runs Neo4j on a writable view of $database (nothing is copied)."
      echo "exec $cowstoreNeo4j $database \"\$@\""
    } > "$out/bin/$name"
    chmod 0555 "$out/bin/$name"
  '' ];
  inherit database;
}
