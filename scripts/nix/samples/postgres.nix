# A small PostgreSQL 15 cluster built by mkDatabase: initdb, then a server started inside the build
# (Unix socket in the build directory, no TCP) loads a few rows and is stopped cleanly.
#
# PostgreSQL refuses to run as root. A single-user Nix (build-users-group empty, as on our machines)
# builds as root, so the server tools run as `nobody` through setpriv(1) there; with build users
# (nixbld*) the builder is already unprivileged and runs them directly. Nix resets owners and modes
# of $out after the build (root, 0444/0555), so the uid used here leaves no trace in the result.
{ mkDatabase, version ? "1" }:

mkDatabase {
  pname = "cowstore-sample-postgres";
  inherit version;
  src = ./sample-postgres.sql;
  preImport = ''
    as_db_user() {
      if [ "$(id -u)" = 0 ]; then
        setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all -- "$@"
      else
        "$@"
      fi
    }
    socket_dir=$TMPDIR/socket
    mkdir -p "$socket_dir"
    if [ "$(id -u)" = 0 ]; then
      chmod 0711 "$TMPDIR"
      chown nobody:nogroup "$out" "$socket_dir"
    fi
    cp "$src" "$TMPDIR/load.sql" && chmod 0444 "$TMPDIR/load.sql"
  '';
  importPhase = ''
    as_db_user initdb --no-sync --auth=trust --username=postgres --encoding=UTF8 --locale=C -D "$out/pgdata"
    as_db_user pg_ctl -D "$out/pgdata" -l "$socket_dir/server.log" -w \
      -o "-c listen_addresses= -k $socket_dir -c fsync=off" start
    as_db_user psql -X -v ON_ERROR_STOP=1 -h "$socket_dir" -U postgres -d postgres -f "$TMPDIR/load.sql"
    as_db_user pg_ctl -D "$out/pgdata" -m fast -w stop
  '';
  postImport = ''
    # A clean shutdown: no postmaster.pid, and the next start needs no crash recovery.
    test ! -e "$out/pgdata/postmaster.pid"
    rm -f "$out/pgdata/postmaster.opts"
  '';
}
