# mkDatabase: build a database into $out in an ordinary derivation.
#
#   mkDatabase { pname, version, src, importPhase, preImport ? "", postImport ? "" }
#
# The phases are shell snippets run by /bin/sh in this order: preImport, importPhase, postImport.
# $out is an empty directory when they start; $src is the input data (a path copied into the store).
# The result is read-only and content-addressed by its inputs: mount it writable with
# `cowstore mount /nix/store/<hash>-<pname>-<version> DIR` (nothing is copied).
#
# Impurity, stated honestly: nixpkgs is not available on the machines this is built on (offline), so
# the builder is the host's /bin/sh and the tools come from the host PATH below (sqlite3, initdb,
# neo4j-admin, ...). Their versions are not part of the derivation hash: rebuilding on a host with a
# different sqlite3 gives the same store path with possibly different bytes. With nixpkgs, pass
# `path` built from nixpkgs packages instead (e.g. lib.makeBinPath [ sqlite postgresql_15 ]).
{ pname
, version
, src
, importPhase
, preImport ? ""
, postImport ? ""
, path ? "/usr/bin:/bin:/usr/lib/postgresql/15/bin"
, system ? builtins.currentSystem
}:

derivation {
  name = "${pname}-${version}";
  inherit system src importPhase preImport postImport;
  builder = "/bin/sh";
  args = [ "-eu" ./mk-database-builder.sh ];
  PATH = path;
}
