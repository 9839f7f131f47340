#!/usr/bin/env bash
# Entrypoint of taxiway-local/postgres:15 (Debian's postgresql-15 in a local image).
#
# Follows the contract of the official postgres image, as far as our compose files use it:
#   POSTGRES_PASSWORD          required unless POSTGRES_HOST_AUTH_METHOD=trust
#   POSTGRES_USER              superuser to create (default: postgres)
#   POSTGRES_DB                database to create  (default: $POSTGRES_USER)
#   POSTGRES_HOST_AUTH_METHOD  pg_hba method for TCP clients (default: scram-sha-256;
#                              md5 also accepts scram passwords)
#   POSTGRES_INITDB_ARGS       extra initdb arguments (split on spaces)
#   PGDATA                     data directory (default: /var/lib/postgresql/data)
#   /docker-entrypoint-initdb.d/*.sh|*.sql run once, after the database is created.
#
# On the first start (no $PGDATA/PG_VERSION) it runs initdb as the postgres user, listens on
# '*', allows password logins from any address, creates the user and database with a temporary
# server that listens only on a private unix socket (so pg_isready on the default socket stays
# false until the real server runs), then execs postgres in the foreground as postgres.
set -Eeuo pipefail

: "${PGDATA:=/var/lib/postgresql/data}"
export PGDATA

msg() { printf '%s [entrypoint] %s\n' "$(date -u +'%Y-%m-%d %H:%M:%S UTC')" "$*" >&2; }

# `docker run IMAGE -c foo=bar` means `postgres -c foo=bar`, as upstream.
if [[ ${1:-} == -* ]]; then
  set -- postgres "$@"
fi
# Anything else (bash, psql, ...) runs as given; so does `postgres --version` and the like.
if [[ ${1:-} != postgres ]]; then
  exec "$@"
fi
for arg in "${@:2}"; do
  case $arg in
    -'?' | --help | -V | --version | -C | --describe-config) exec "$@" ;;
  esac
done

if [[ $(id -u) == 0 ]]; then
  # A fresh named volume is an empty directory owned by root.
  mkdir -p "$PGDATA" /var/run/postgresql
  find "$PGDATA" \! -user postgres -exec chown postgres:postgres '{}' +
  chmod 0700 "$PGDATA"
  chown postgres:postgres /var/run/postgresql
  chmod 2775 /var/run/postgresql
  export HOME=/var/lib/postgresql
  exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
fi

init_cluster() {
  local user=${POSTGRES_USER:-postgres}
  local db=${POSTGRES_DB:-$user}
  local auth=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
  local sockdir pwfile f
  local -a initdb_args

  if [[ -z ${POSTGRES_PASSWORD:-} && $auth != trust ]]; then
    msg "error: database is uninitialized and POSTGRES_PASSWORD is not set."
    msg "       Set POSTGRES_PASSWORD (or POSTGRES_HOST_AUTH_METHOD=trust to allow logins without one)."
    exit 1
  fi

  msg "initializing $PGDATA (user '$user', database '$db', host auth '$auth')"
  # shellcheck disable=SC2206  # word splitting is the documented behaviour
  initdb_args=(--username="$user" --auth-local=trust --auth-host="$auth" ${POSTGRES_INITDB_ARGS:-})
  pwfile=
  if [[ -n ${POSTGRES_PASSWORD:-} ]]; then
    pwfile=$(mktemp)
    printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
    initdb_args+=(--pwfile="$pwfile")
  fi
  initdb "${initdb_args[@]}" >&2
  [[ -z $pwfile ]] || rm -f "$pwfile"

  printf "\n# added by docker-entrypoint.sh\nlisten_addresses = '*'\n" >>"$PGDATA/postgresql.conf"
  printf '\n# added by docker-entrypoint.sh\nhost all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"

  sockdir=$(mktemp -d /tmp/pg-init.XXXXXX)
  pg_ctl -D "$PGDATA" -w -t 60 -o "-c listen_addresses='' -c unix_socket_directories=$sockdir" start >&2
  export PGHOST=$sockdir PGUSER=$user
  if [[ $db != postgres ]]; then
    psql -v ON_ERROR_STOP=1 --no-psqlrc --dbname=postgres --set=db="$db" >&2 <<'SQL'
CREATE DATABASE :"db";
SQL
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    [[ -e $f ]] || continue
    case $f in
      *.sh)
        # shellcheck disable=SC1090  # user-provided init scripts
        if [[ -x $f ]]; then msg "running $f"; "$f"; else msg "sourcing $f"; . "$f"; fi ;;
      *.sql)
        msg "running $f"; psql -v ON_ERROR_STOP=1 --no-psqlrc --dbname="$db" -f "$f" >&2 ;;
      *) msg "ignoring $f" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >&2
  unset PGHOST PGUSER
  rmdir "$sockdir" 2>/dev/null || true
  msg "PostgreSQL init process complete; ready for start up."
}

if [[ ! -s $PGDATA/PG_VERSION ]]; then
  init_cluster
else
  msg "$PGDATA already holds a cluster (version $(<"$PGDATA/PG_VERSION")); skipping initialization"
fi

exec "$@"
