#!/usr/bin/env bash
# Runs CMD with a throwaway PostgreSQL 15 cluster, then stops the cluster and deletes its folder:
#
#   scripts/with-postgres.sh CMD [ARGS...]
#
# CMD sees PETITESALLE_TEST_POSTGRES, an admin URL (postgresql://postgres@127.0.0.1:PORT/postgres)
# that the unit tests and the integration suite create their databases through. The cluster
# listens on 127.0.0.1 only, on a free port, with its socket in its own folder under /tmp; it is
# stopped and deleted when CMD ends, fails or is interrupted (Ctrl-C). The exit code is CMD's.
#
# For interactive use, run a shell as CMD: `scripts/with-postgres.sh bash`, then for example
# `psql "$PETITESALLE_TEST_POSTGRES"`; the cluster lives until that shell exits.
#
# When PETITESALLE_TEST_POSTGRES is already set, CMD runs with it and no cluster is started
# (a developer's own server, or an outer with-postgres.sh).
#
# Debian's binaries (package postgresql-15), run as the `postgres` user that the package creates
# when this script runs as root (PostgreSQL refuses to run as root).
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]   (e.g. $0 bash for an interactive shell)" >&2
  exit 2
fi

if [ -n "${PETITESALLE_TEST_POSTGRES:-}" ]; then
  echo "with-postgres: using the PostgreSQL already given, PETITESALLE_TEST_POSTGRES=$PETITESALLE_TEST_POSTGRES" >&2
  exec "$@"
fi

pg_bin=/usr/lib/postgresql/15/bin
for b in initdb pg_ctl pg_isready; do
  if [ ! -x "$pg_bin/$b" ]; then
    echo "with-postgres: $pg_bin/$b is missing: install Debian's postgresql (scripts/install-deps.sh)" >&2
    exit 1
  fi
done

# Runs a PostgreSQL program as the user that owns the cluster, from its folder (the caller's
# working folder may be closed to that user).
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd "$dir" && runuser -u postgres -- "$@")
  else
    (cd "$dir" && "$@")
  fi
}

if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
  echo "with-postgres: running as root and there is no 'postgres' user (Debian's postgresql package creates it)" >&2
  exit 1
fi

dir=$(mktemp -d /tmp/ps-pg-XXXXXXXX)
data="$dir/data"
log="$dir/server.log"

# shellcheck disable=SC2317  # called by the trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -f "$data/postmaster.pid" ]; then
    # Immediate: the folder is deleted next, so neither waiting for clients nor a shutdown
    # checkpoint (writing out every dirty page of the run) serves anything.
    if ! as_owner "$pg_bin/pg_ctl" -D "$data" -m immediate -w -t 30 stop >/dev/null 2>&1; then
      local pid
      pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)
      if [ -n "$pid" ]; then
        echo "with-postgres: pg_ctl stop failed, killing the postmaster ($pid)" >&2
        kill -KILL "$pid" 2>/dev/null || true
      fi
    fi
  fi
  case "$dir" in
    /tmp/ps-pg-?*) rm -rf -- "$dir" ;;
  esac
  exit "$rc"
}
trap cleanup EXIT
# The EXIT trap does the work; these make Ctrl-C and kill exit through it. While CMD runs, bash
# runs them once CMD has ended: Ctrl-C reaches CMD too, but a SIGTERM sent to this script alone
# waits for CMD (send it to the process group, kill -- -PGID, to stop both at once).
trap 'exit 130' INT
trap 'exit 143' TERM
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$dir"
fi

as_owner "$pg_bin/initdb" -D "$data" -E UTF8 --locale=C.UTF-8 -A trust -U postgres \
  --no-instructions >"$dir/initdb.log" 2>&1 || {
  echo "with-postgres: initdb failed:" >&2
  cat "$dir/initdb.log" >&2
  exit 1
}

free_port() {
  /usr/bin/python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# Settings for tests. max_connections: several servers, each with its own pool, run at once.
# fsync stays on (said explicitly): durability after kill -9 is part of what the suite tests;
# synchronous_commit keeps its default (on) for the same reason.
cat >>"$data/postgresql.conf" <<EOF

# --- scripts/with-postgres.sh
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 300
shared_buffers = 64MB
fsync = on
log_line_prefix = '%m [%p] %d '
EOF

# A free port can be taken between the look-up and the start: try another one then.
started=
for _ in 1 2 3; do
  port=$(free_port)
  if as_owner "$pg_bin/pg_ctl" -D "$data" -l "$log" -o "-p $port" -w -t 60 start >/dev/null 2>&1; then
    started=1
    break
  fi
  grep -q "Address already in use" "$log" 2>/dev/null || break
done
ready=
if [ -n "$started" ]; then
  for _ in $(seq 1 100); do  # 10 s
    if "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$port" -t 1; then
      ready=1
      break
    fi
    sleep 0.1
  done
fi
if [ -z "$ready" ]; then
  echo "with-postgres: PostgreSQL did not become ready on 127.0.0.1:$port; its log ($log):" >&2
  cat "$log" >&2 || true
  exit 1
fi

export PETITESALLE_TEST_POSTGRES="postgresql://postgres@127.0.0.1:$port/postgres"
# The same cluster over its Unix socket (a round trip costs about two thirds of TCP's here): what
# an operator with PostgreSQL on the same machine uses, and what bench/run.sh --postgres measures.
export PETITESALLE_TEST_POSTGRES_SOCKET="postgresql://postgres@/postgres?host=$dir&port=$port"
# For the tests that stop and start PostgreSQL under load: `$PETITESALLE_TEST_POSTGRES_CTL stop`
# (or start): the same cluster on the same port.
cat >"$dir/ctl" <<CTL
#!/usr/bin/env bash
set -euo pipefail
case "\$1" in
  stop) mode=(-m fast) ;;
  start) mode=(-l "$log" -o "-p $port") ;;
  *) echo "usage: \$0 stop|start" >&2; exit 2 ;;
esac
cd "$dir"
if [ "\$(id -u)" -eq 0 ]; then
  exec runuser -u postgres -- "$pg_bin/pg_ctl" -D "$data" "\${mode[@]}" -w -t 60 "\$1"
fi
exec "$pg_bin/pg_ctl" -D "$data" "\${mode[@]}" -w -t 60 "\$1"
CTL
chmod 755 "$dir/ctl"
export PETITESALLE_TEST_POSTGRES_CTL="$dir/ctl"
echo "with-postgres: PostgreSQL $("$pg_bin/postgres" -V | awk '{print $3}') on 127.0.0.1:$port (folder $dir), PETITESALLE_TEST_POSTGRES=$PETITESALLE_TEST_POSTGRES" >&2

set +e
"$@"
rc=$?
set -e
exit "$rc"
