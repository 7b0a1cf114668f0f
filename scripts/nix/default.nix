# cowstore's Nix functions and the sample databases the tests build:
#   nix-build scripts/nix -A samples.sqlite      a SQLite database with a few rows
#   nix-build scripts/nix -A samples.postgres    a PostgreSQL 15 cluster (initdb + a few rows)
#   nix-build scripts/nix -A samples.neo4jRunner a command that runs cowstore-neo4j on a database
#   nix-build scripts/nix -A samples.neo4j --arg neo4jData ./data   a Neo4j data directory (from a real store)
# sampleVersion: tests pass a unique one to get a store path no other test shares.
{ system ? builtins.currentSystem, sampleVersion ? "1", neo4jData ? null }:

rec {
  mkDatabase = args: import ./mk-database.nix ({ inherit system; } // args);
  mkNeo4jRunner = args: import ./mk-neo4j-runner.nix ({ inherit system; } // args);

  samples = {
    sqlite = import ./samples/sqlite.nix { inherit mkDatabase; version = sampleVersion; };
    postgres = import ./samples/postgres.nix { inherit mkDatabase; version = sampleVersion; };
    neo4j = import ./samples/neo4j.nix { inherit mkDatabase; version = sampleVersion; data = neo4jData; };
    # Neo4j itself is not installable here; the runner shows the shape on the SQLite sample's path.
    neo4jRunner = mkNeo4jRunner { name = "sample-neo4j"; database = samples.sqlite; };
  };
}
