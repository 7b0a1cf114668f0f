# A Neo4j data directory (databases/, transactions/, ...) as a store path. Neo4j itself is not
# installable on our build machines, so the "import" copies a store written by a real Neo4j release
# (the test fixtures, passed as `data`) instead of running neo4j-admin import; with Neo4j on the host,
# importPhase would be: neo4j-admin database import full --nodes=... --to-path="$out" (5.x syntax).
{ mkDatabase, version ? "1", data }:

mkDatabase {
  pname = "cowstore-sample-neo4j";
  inherit version;
  src = data;
  importPhase = ''
    cp -R "$src"/. "$out/"
    chmod -R u+w "$out"
  '';
  postImport = ''
    test -f "$out/databases/neo4j/neostore" || test -f "$out/databases/graph.db/neostore"
  '';
}
