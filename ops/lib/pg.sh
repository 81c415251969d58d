# Private PostgreSQL clusters for ops/run, ops/test and ops/bench. Source this file.
# PostgreSQL refuses to run as root, so as root every server command runs as the postgres user.

pg_bin_dir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
    echo "PostgreSQL server binaries are missing; installing the 'postgresql' package…" >&2
    if [ "$(id -u)" -ne 0 ]; then
      echo "Not root: install PostgreSQL (apt-get install postgresql) or set ConnectionStrings__Incidents." >&2
      return 1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 && \
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2 || return 1
    dir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  echo "$dir"
}

pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pg_pick_port() {
  local port=${1:-55432}
  while ! pg_port_free "$port"; do port=$((port + 1)); done
  echo "$port"
}

# pg_start DATA_DIR [PREFERRED_PORT]: initialises the cluster when new, starts it, and sets
# PG_PORT, PG_PASSWORD and PG_CONNECTION (without a database name).
pg_start() {
  local data=$1 preferred=${2:-55432} bin
  bin=$(pg_bin_dir) || return 1
  mkdir -p "$data"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$data"; fi
  chmod 700 "$data"

  if [ ! -f "$data/password" ]; then
    (umask 077; head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$data/password")
    if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$data/password"; fi
  fi
  PG_PASSWORD=$(cat "$data/password")

  if [ ! -f "$data/cluster/PG_VERSION" ]; then
    pg_as_owner "$bin/initdb" -D "$data/cluster" -U postgres --pwfile="$data/password" \
      --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$data/initdb.log" 2>&1 \
      || { cat "$data/initdb.log" >&2; return 1; }
  fi

  if pg_as_owner "$bin/pg_ctl" -D "$data/cluster" status >/dev/null 2>&1; then
    PG_PORT=$(cat "$data/port")
  else
    local wanted=$preferred tries=0
    [ -f "$data/port" ] && wanted=$(cat "$data/port")
    mkdir -p "$data/socket"
    if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$data/socket"; fi
    while :; do
      PG_PORT=$(pg_pick_port "$wanted")
      echo "$PG_PORT" > "$data/port"
      if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$data/port"; fi
      : > "$data/server.log"; if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$data/server.log"; fi
      if pg_as_owner "$bin/pg_ctl" -D "$data/cluster" -l "$data/server.log" -w -t 60 start \
          -o "-p $PG_PORT -k $data/socket -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=256MB -c fsync=${PG_FSYNC:-on} ${PG_EXTRA_OPTIONS:-}" \
          >/dev/null; then
        break
      fi
      tries=$((tries + 1))
      # A port can look free and still be held by a server that is shutting down: try the next one.
      if grep -q "could not bind" "$data/server.log" && [ "$tries" -lt 10 ]; then
        wanted=$((PG_PORT + 1))
        continue
      fi
      tail -n 30 "$data/server.log" >&2
      return 1
    done
  fi
  PG_CONNECTION="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Password=$PG_PASSWORD"
  export PG_PORT PG_PASSWORD PG_CONNECTION
}

# pg_createdb DATA_DIR NAME: creates the database when it does not exist yet.
pg_createdb() {
  local data=$1 name=$2 bin
  bin=$(pg_bin_dir) || return 1
  if ! pg_as_owner "$bin/psql" -h "$data/socket" -p "$PG_PORT" -U postgres -tAc \
      "select 1 from pg_database where datname = '$name'" postgres | grep -q 1; then
    pg_as_owner "$bin/createdb" -h "$data/socket" -p "$PG_PORT" -U postgres "$name"
  fi
}

pg_stop() {
  local data=$1 bin
  bin=$(pg_bin_dir) || return 1
  pg_as_owner "$bin/pg_ctl" -D "$data/cluster" -m fast -w stop >/dev/null 2>&1 || true
}

# pg_restart DATA_DIR: a fast restart (open sessions are cut, as when a database server restarts), same port and options.
pg_restart() {
  local data=$1 bin
  bin=$(pg_bin_dir) || return 1
  pg_as_owner "$bin/pg_ctl" -D "$data/cluster" -m fast -w -t 60 restart -l "$data/server.log" >/dev/null
}
