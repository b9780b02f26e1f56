#!/usr/bin/env bash
# The benchmark suite of issue 4: builds a release server and the load generator in build-bench/,
# runs every scenario against the real binary over loopback, bounded in time, and writes the
# results table into docs/benchmarks.md (between the bench:begin/bench:end markers) and the
# growth chart into bench/charts/growth.svg. Raw results go to bench/results/ (git-ignored).
#
#   bench/run.sh                      everything, 3 runs per figure (about 10 minutes once built)
#   bench/run.sh --quick              smaller sizes, 1 run each (about 2 minutes)
#   bench/run.sh --only fanout,start  some scenarios: fanout ingest history connections upload
#                                     newsletter growth start
#   bench/run.sh --runs 5             runs per figure (the table shows medians)
#   bench/run.sh --no-doc             leave docs/benchmarks.md alone
#   bench/run.sh --postgres           the same on a throwaway PostgreSQL 15 (scripts/with-postgres.sh),
#                                     plus fanout2: the poster on one node, members over two
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

QUICK=0
POSTGRES=0
ONLY=""
RUNS=3
WRITE_DOC=1
ARGS="$*"
ORIG_ARGS=("$@")
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --only) ONLY="$2"; shift ;;
    --runs) RUNS="$2"; shift ;;
    --no-doc) WRITE_DOC=0 ;;
    --postgres) POSTGRES=1 ;;
    -h | --help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
  shift
done
if [[ $QUICK == 1 && $ARGS != *--runs* ]]; then RUNS=1; fi
want() { [[ -z $ONLY || ",$ONLY," == *",$1,"* ]]; }

# On PostgreSQL: the whole run inside one throwaway cluster, on a fresh database. The results
# and the table are kept apart from SQLite's (docs/benchmarks.md has no markers for them: the
# figures are copied there by hand, side by side with SQLite's of the same hour).
DB_URL=""
if [[ $POSTGRES == 1 ]]; then
  if [[ -z ${PETITESALLE_TEST_POSTGRES:-} ]]; then exec scripts/with-postgres.sh "$0" "${ORIG_ARGS[@]}"; fi
  WRITE_DOC=0
  BENCH_DB="ps_bench_$(date -u +%Y%m%d%H%M%S)"
  psql -q "$PETITESALLE_TEST_POSTGRES" -c "CREATE DATABASE $BENCH_DB" >/dev/null
  # Over the Unix socket when the cluster has one (PostgreSQL on the same machine, as an operator
  # would connect); PS_BENCH_PG_TCP=1 measures over loopback TCP instead.
  if [[ -n ${PETITESALLE_TEST_POSTGRES_SOCKET:-} && ${PS_BENCH_PG_TCP:-0} != 1 ]]; then
    DB_URL="${PETITESALLE_TEST_POSTGRES_SOCKET/\/postgres\?//$BENCH_DB?}"
  else
    DB_URL="${PETITESALLE_TEST_POSTGRES%/*}/$BENCH_DB"
  fi
fi

PORT=${PS_BENCH_PORT:-18931}
BUILD=$ROOT/build-bench
SERVER=$BUILD/petitesalle
LOADGEN=$BUILD/bench/ps_loadgen
PY=/usr/bin/python3
OUT=$ROOT/bench/results/$(date -u +%Y%m%d-%H%M%S)
RESULTS=$OUT/results.jsonl
mkdir -p "$OUT"
: >"$RESULTS"
WORK=$(mktemp -d /tmp/ps-bench.XXXXXX)
SERVER_PID=""
log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

stop_server() {
  [[ -n $SERVER_PID ]] || return 0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}
cleanup() { stop_server; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# The server, as an operator would start it, except for the fast password hashing (sign-up of
# thousands of members would otherwise take minutes; no scenario measures hashing) and the
# per-address connection cap (every simulated member connects from 127.0.0.1).
start_server() {
  if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/healthz"; then
    die "something already listens on 127.0.0.1:$PORT (set PS_BENCH_PORT)"
  fi
  "$SERVER" serve --listen "127.0.0.1:$PORT" --data "$1" --fast-password-hashing \
    --max-connections-per-address 1000000 ${DB_URL:+--database "$DB_URL"} \
    >>"$OUT/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 400); do
    curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/healthz" && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || die "the server exited (see $OUT/server.log)"
    sleep 0.05
  done
  die "the server did not become healthy in 20 s"
}

# The machine is shared: the 1-minute load average when each run starts goes into the results.
note_load() { printf '{"scenario":"load","loadavg":%s}\n' "$(cut -d' ' -f1 /proc/loadavg)" >>"$RESULTS"; }

# lg SECONDS ARGS...: runs the load generator bounded in time; its RESULT lines are collected.
lg() {
  local limit=$1
  shift
  log "ps_loadgen $*"
  note_load
  if ! timeout --kill-after=10 "$limit" "$LOADGEN" "$@" 2>>"$OUT/loadgen.err" |
    tee -a "$OUT/loadgen.log" | sed -n 's/^RESULT //p' >>"$RESULTS"; then
    log "warning: ps_loadgen $1 failed or timed out (see $OUT/loadgen.err)"
  fi
}

# --- build ---------------------------------------------------------------------------------
log "building in build-bench/ (release)"
# GCC 12 at -O3 gives a false -Wrestrict inside std::string (GCC bug 105329) on src/mail/email.cpp:
# kept as a warning, not an error, in this build only. -g changes no code (the stripped binary is
# the same) but lets perf and heaptrack name functions.
nice cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DPS_BUILD_TESTS=OFF \
  "-DCMAKE_CXX_FLAGS=-Wno-error=restrict -g" \
  >"$OUT/build.log" 2>&1 || die "configure failed (see $OUT/build.log)"
nice cmake --build build-bench -j2 --target petitesalle ps_loadgen >>"$OUT/build.log" 2>&1 ||
  die "build failed (see $OUT/build.log)"
# What was built: the commit, and the uncommitted changes to the server if any.
printf '{"scenario":"engine","engine":"%s"}\n' "$([[ $POSTGRES == 1 ]] && echo postgresql || echo sqlite)" >>"$RESULTS"
printf '{"scenario":"build","commit":"%s","dirty":"%s","diff_sha":"%s"}\n' \
  "$(git rev-parse --short HEAD)" "$(git diff --name-only HEAD -- src CMakeLists.txt | tr '\n' ' ')" \
  "$(git diff HEAD -- src CMakeLists.txt | sha1sum | cut -c1-10)" >>"$RESULTS"
git diff HEAD -- src CMakeLists.txt >"$OUT/uncommitted.diff"
if ! command -v wrk >/dev/null; then
  log "installing wrk"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y \
    --no-install-recommends wrk >>"$OUT/build.log" 2>&1 || die "cannot install wrk"
fi

# Descriptors: as many as we may (20,000 idle streams need as many sockets on each side).
ulimit -n "$(ulimit -Hn)"
FD_LIMIT=$(ulimit -n)
log "open files limit $FD_LIMIT, local ports $(sysctl -n net.ipv4.ip_local_port_range | tr '\t' '-')"

if [[ $QUICK == 1 ]]; then
  MEMBERS=1000
  FANOUT_SPECS="100:50 1000:50"
  DURATION=5
  INGEST_POSTERS="64"
  CONNECTIONS=2000
  GROWTH_SIZES="10000 100000"
  START_RUNS=3
else
  MEMBERS=20000 # 10,000 for fan-out; one account per idle connection
  FANOUT_SPECS="100:50 1000:50 2000:20 10000:5"
  DURATION=10
  INGEST_POSTERS="16 64 256"
  CONNECTIONS=20000
  GROWTH_SIZES="10000 1000000 10000000"
  START_RUNS=5
fi
# The server needs a few descriptors besides its sockets (database, WAL, listener, epoll).
if ((CONNECTIONS > FD_LIMIT - 150)); then
  CONNECTIONS=$((FD_LIMIT - 150))
  log "connections capped at $CONNECTIONS by the open files limit"
fi
if ((MEMBERS > CONNECTIONS && CONNECTIONS >= 10000)); then MEMBERS=$CONNECTIONS; fi

# --- one community with MEMBERS members, shared by fanout, ingest, history, connections ----
MAIN=$WORK/main
STATE=$WORK/main.state
if want fanout || want ingest || want history || want connections || want upload; then
  mkdir -p "$MAIN"
  start_server "$MAIN"
  lg 900 setup --port "$PORT" --members "$MEMBERS" --state "$STATE" --parallel 16
  stop_server
  [[ -s $STATE ]] || die "setup failed (see $OUT/loadgen.err)"
  # PostgreSQL's statistics as autovacuum leaves them a minute after a burst of writes: measured
  # right after the setup, the planner still took the new community for an empty one and read
  # all of its memberships for each post's access check (docs/benchmarks.md, issue 11).
  if [[ $POSTGRES == 1 ]]; then psql -q "$DB_URL" -c ANALYZE >/dev/null; fi
fi

if want fanout; then
  for spec in $FANOUT_SPECS; do
    n=${spec%%:*} rate=${spec##*:}
    for run in $(seq 1 "$RUNS"); do
      start_server "$MAIN"
      lg 600 fanout --port "$PORT" --state "$STATE" --members "$n" --rate "$rate" \
        --duration "$DURATION" --drain 15 --pid "$SERVER_PID"
      stop_server
    done
  done
fi

# Two nodes on one PostgreSQL: the poster's on one, the members dealt over both (the second
# node learns of each post through NOTIFY and the event log).
if [[ $POSTGRES == 1 ]] && want fanout2; then
  PORT_B=$((PORT + 1))
  for spec in $FANOUT_SPECS; do
    n=${spec%%:*} rate=${spec##*:}
    [[ $n -ge 1000 ]] || continue
    for run in $(seq 1 "$RUNS"); do
      start_server "$MAIN"
      mkdir -p "$MAIN-b"
      "$SERVER" serve --listen "127.0.0.1:$PORT_B" --data "$MAIN-b" --fast-password-hashing \
        --max-connections-per-address 1000000 --database "$DB_URL" >>"$OUT/server-b.log" 2>&1 &
      NODE_B_PID=$!
      for _ in $(seq 1 400); do
        curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$PORT_B/healthz" && break
        sleep 0.05
      done
      lg 600 fanout --port "$PORT" --member-port "$PORT_B" --state "$STATE" --members "$n" \
        --rate "$rate" --duration "$DURATION" --drain 15 --pid "$SERVER_PID"
      curl -s "http://127.0.0.1:$PORT_B/metrics" | grep notification_lag >>"$OUT/lag.txt" || true
      kill -TERM "$NODE_B_PID" 2>/dev/null || true
      wait "$NODE_B_PID" 2>/dev/null || true
      stop_server
    done
  done
fi

if want ingest; then
  for posters in $INGEST_POSTERS; do
    for run in $(seq 1 "$RUNS"); do
      start_server "$MAIN"
      lg 300 ingest --port "$PORT" --state "$STATE" --posters "$posters" --duration "$DURATION" \
        --pid "$SERVER_PID"
      stop_server
    done
  done
  # The same with posts that carry no client_id: what the idempotency index costs.
  posters=${INGEST_POSTERS##* }
  for run in $(seq 1 "$RUNS"); do
    start_server "$MAIN"
    lg 300 ingest --port "$PORT" --state "$STATE" --posters "$posters" --duration "$DURATION" \
      --pid "$SERVER_PID" --client-ids 0
    stop_server
  done
fi

if want history; then
  TOKEN=$(sed -n 's/^owner_token //p' "$STATE")
  CHANNEL=$(sed -n 's/^channel //p' "$STATE")
  start_server "$MAIN"
  # The channel needs a full page of history (ingest fills it when it ran).
  lg 120 latency --port "$PORT" --state "$STATE" --requests 10 --posts 60 --label warm
  sed -i '/"label": *"warm"/d' "$RESULTS"
  for run in $(seq 1 "$RUNS"); do
    log "wrk -t2 -c64 -d${DURATION}s history"
    note_load
    timeout 120 wrk -t2 -c64 -d"${DURATION}s" --latency -H "Authorization: Bearer $TOKEN" \
      "http://127.0.0.1:$PORT/api/v1/channels/$CHANNEL/messages?limit=50" >"$OUT/wrk-$run.txt" ||
      log "warning: wrk failed"
    $PY bench/report.py wrk "$OUT/wrk-$run.txt" --pid "$SERVER_PID" >>"$RESULTS" ||
      log "warning: cannot read wrk's output"
  done
  # The same page through the path the history cache does not serve (a before= cursor).
  for run in $(seq 1 "$RUNS"); do
    log "wrk -t2 -c64 -d${DURATION}s history, uncached path"
    note_load
    timeout 120 wrk -t2 -c64 -d"${DURATION}s" --latency -H "Authorization: Bearer $TOKEN" \
      "http://127.0.0.1:$PORT/api/v1/channels/$CHANNEL/messages?limit=50&before=1000000000000" \
      >"$OUT/wrk-uncached-$run.txt" || log "warning: wrk failed"
    $PY bench/report.py wrk "$OUT/wrk-uncached-$run.txt" --scenario history_uncached >>"$RESULTS" ||
      log "warning: cannot read wrk's output"
  done
  stop_server
fi

if want connections; then
  for run in $(seq 1 "$RUNS"); do
    start_server "$MAIN"
    sleep 1
    lg 600 connections --port "$PORT" --state "$STATE" --count "$CONNECTIONS" --sources 8 \
      --procs 2 --pid "$SERVER_PID" --settle 3
    stop_server
  done
fi

# --- upload: files over loopback, end to end --------------------------------------------------
# What receiving a file costs: streamed to a temporary file, hashed, moved into the store by its
# hash, its type sniffed, its row written (files/service.cpp). Distinct random contents (the
# same content twice is stored once, which would measure less), raw bodies as the web app
# sends them, sequential then four at once. The photo processing itself is ps_image_bench's.
if want upload; then
  TOKEN=$(sed -n 's/^owner_token //p' "$STATE")
  SLUG=$(sed -n 's/^slug //p' "$STATE")
  UPLOADS=$WORK/uploads
  mkdir -p "$UPLOADS"
  for spec in 1:10:1 25:6:1 25:6:4; do
    mib=${spec%%:*} rest=${spec#*:} count=${rest%%:*} parallel=${spec##*:}
    for run in $(seq 1 "$RUNS"); do
      rm -f "$UPLOADS"/*.bin
      for i in $(seq 1 "$count"); do head -c $((mib * 1048576)) /dev/urandom >"$UPLOADS/$i.bin"; done
      start_server "$MAIN"
      log "upload: $count × $mib MiB, $parallel at once"
      note_load
      began=$(date +%s.%N)
      seq 1 "$count" | timeout 300 xargs -P "$parallel" -I{} curl -s -o /dev/null \
        -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $TOKEN" \
        -H 'Content-Type: application/octet-stream' --data-binary "@$UPLOADS/{}.bin" \
        "http://127.0.0.1:$PORT/api/v1/communities/$SLUG/files?name=bench-{}.bin" \
        >"$OUT/upload-$spec-$run.txt" || log "warning: an upload failed"
      ended=$(date +%s.%N)
      hwm=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
      $PY - "$OUT/upload-$spec-$run.txt" "$mib" "$count" "$parallel" "$began" "$ended" "$hwm" \
        >>"$RESULTS" <<'PYEOF'
import json, statistics, sys
path, mib, count, parallel, began, ended, hwm = sys.argv[1:]
rows = [line.split() for line in open(path) if line.strip()]
times = [float(t) * 1000 for code, t in rows if code == "201"]
wall = float(ended) - float(began)
print(json.dumps({"scenario": "upload", "mib": int(mib), "count": int(count),
                  "parallel": int(parallel), "ok": len(times), "median_ms": statistics.median(times) if times else None,
                  "max_ms": max(times) if times else None,
                  "mib_per_s": round(int(mib) * len(times) / wall, 1) if wall > 0 else None,
                  "server_peak_rss_mib": round(int(hwm) / 1024, 1)}))
PYEOF
      stop_server
    done
  done
  rm -rf "$UPLOADS"
fi

# --- newsletter: personalised emails handed to an SMTP server on loopback (issue 15) ----------
# bench/newsletter.py starts its own server (its own data folder or database) and an SMTP sink
# (Postfix's smtp-sink when the postfix package is installed, else aiosmtpd, which is slower than
# the server and then is what is measured), imports the subscribers, sends one issue and times
# until every email is handed over.
if want newsletter; then
  NL_COUNT=$([[ $QUICK == 1 ]] && echo 2000 || echo 10000)
  for dkim in "" --dkim; do
    for run in $(seq 1 "$RUNS"); do
      log "newsletter: $NL_COUNT emails ${dkim:-unsigned}"
      note_load
      nl_db=""
      if [[ $POSTGRES == 1 ]]; then
        nl_db="ps_bench_nl_$(date -u +%H%M%S)_$run${dkim:+_d}"
        psql -q "$PETITESALLE_TEST_POSTGRES" -c "CREATE DATABASE $nl_db" >/dev/null
        nl_db="${PETITESALLE_TEST_POSTGRES%/*}/$nl_db"
      fi
      timeout 600 $PY bench/newsletter.py --server "$SERVER" --count "$NL_COUNT" $dkim \
        ${nl_db:+--database "$nl_db"} 2>>"$OUT/newsletter.err" | sed -n 's/^RESULT //p' >>"$RESULTS" ||
        log "warning: the newsletter run failed (see $OUT/newsletter.err)"
    done
  done
fi

# --- growth and start: a second data folder, filled by bench/seed.py -------------------------
if want growth || want start; then
  GROWTH=$WORK/growth
  GSTATE=$WORK/growth.state
  mkdir -p "$GROWTH"
  start_server "$GROWTH"
  lg 120 setup --port "$PORT" --members 1 --state "$GSTATE"
  stop_server
  GCHANNEL=$(sed -n 's/^channel //p' "$GSTATE")
  for size in $GROWTH_SIZES; do
    if ! want growth && ((size > 1000000)); then break; fi
    log "seeding $size messages"
    timeout 900 $PY bench/seed.py --db "$GROWTH/petitesalle.db" --channel "$GCHANNEL" \
      --total "$size" >>"$OUT/seed.log" 2>&1 || die "seeding failed (see $OUT/seed.log)"
    if want growth; then
      for run in $(seq 1 "$RUNS"); do
        start_server "$GROWTH"
        lg 300 latency --port "$PORT" --state "$GSTATE" --requests 1000 --posts 1000 \
          --label "$size"
        stop_server
      done
    fi
    if want start && ((size == 1000000 || (QUICK == 1 && size == 100000))); then
      for run in $(seq 1 "$START_RUNS"); do
        lg 60 start --exe "$SERVER" --data "$GROWTH" --port "$PORT" --label "$size" \
          --log "$OUT/server.log"
      done
    fi
  done
fi

if want start; then
  for run in $(seq 1 "$START_RUNS"); do
    rm -rf "$WORK/empty"
    mkdir -p "$WORK/empty"
    lg 60 start --exe "$SERVER" --data "$WORK/empty" --port "$PORT" --label empty \
      --log "$OUT/server.log"
  done
  strip -o "$WORK/petitesalle.stripped" "$SERVER"
  printf '{"scenario":"binary","stripped_mib":%s,"unstripped_mib":%s}\n' \
    "$(stat -c %s "$WORK/petitesalle.stripped" | awk '{printf "%.2f", $1/1048576}')" \
    "$(stat -c %s "$SERVER" | awk '{printf "%.2f", $1/1048576}')" >>"$RESULTS"
fi

log "results in $RESULTS"
if [[ $WRITE_DOC == 1 ]]; then
  $PY bench/report.py render "$RESULTS" --doc docs/benchmarks.md --svg bench/charts/growth.svg \
    --command "bench/run.sh${ARGS:+ $ARGS}" --quick "$QUICK"
  log "wrote docs/benchmarks.md and bench/charts/growth.svg"
else
  $PY bench/report.py render "$RESULTS" --command "bench/run.sh${ARGS:+ $ARGS}" --quick "$QUICK"
fi
