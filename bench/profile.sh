#!/usr/bin/env bash
# Profiles the server under one scenario of the suite with `perf record`, for whoever optimises:
#
#   bench/profile.sh fanout|ingest|history [SECONDS]
#
# Uses the binaries of build-bench/ (run bench/run.sh once first), a fresh data folder, and
# writes bench/results/perf-SCENARIO.data and a flat report bench/results/perf-SCENARIO.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
SCENARIO=${1:?usage: bench/profile.sh fanout|ingest|history [SECONDS]}
SECONDS_=${2:-8}
PORT=${PS_BENCH_PORT:-18931}
LOADGEN=build-bench/bench/ps_loadgen
OUT=bench/results
mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/ps-profile.XXXXXX)
SERVER_PID="" LOAD_PID=""
cleanup() {
  [[ -n $LOAD_PID ]] && kill "$LOAD_PID" 2>/dev/null || true
  if [[ -n $SERVER_PID ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)"
build-bench/petitesalle serve --listen "127.0.0.1:$PORT" --data "$WORK" --fast-password-hashing \
  >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.05; done
timeout 300 "$LOADGEN" setup --port "$PORT" --members 2000 --state "$WORK/state" >/dev/null
RUN=$((SECONDS_ + 6))
case "$SCENARIO" in
  fanout) timeout 120 "$LOADGEN" fanout --port "$PORT" --state "$WORK/state" --members 2000 --rate 20 \
            --duration "$RUN" --pid "$SERVER_PID" & ;;
  ingest) timeout 120 "$LOADGEN" ingest --port "$PORT" --state "$WORK/state" --posters 64 \
            --duration "$RUN" --pid "$SERVER_PID" & ;;
  history)
    timeout 60 "$LOADGEN" latency --port "$PORT" --state "$WORK/state" --requests 1 --posts 100 >/dev/null
    TOKEN=$(sed -n 's/^owner_token //p' "$WORK/state")
    CHANNEL=$(sed -n 's/^channel //p' "$WORK/state")
    timeout 120 wrk -t2 -c64 -d"${RUN}s" --latency -H "Authorization: Bearer $TOKEN" \
      "http://127.0.0.1:$PORT/api/v1/channels/$CHANNEL/messages?limit=50" & ;;
  *) echo "unknown scenario $SCENARIO" >&2; exit 2 ;;
esac
LOAD_PID=$!
sleep 3
perf record -F 499 -g -p "$SERVER_PID" -o "$OUT/perf-$SCENARIO.data" -- sleep "$SECONDS_" 2>/dev/null
wait "$LOAD_PID" || true
LOAD_PID=""
{
  echo "# perf, server under $SCENARIO: shared objects"
  perf report -i "$OUT/perf-$SCENARIO.data" --no-children --sort dso -g none --stdio 2>/dev/null | grep -E '^ +[0-9]'
  echo "# symbols"
  perf report -i "$OUT/perf-$SCENARIO.data" --no-children --sort symbol -g none --stdio 2>/dev/null |
    grep -E '^ +[0-9]' | cut -c1-180 | head -60
} >"$OUT/perf-$SCENARIO.txt"
echo "wrote $OUT/perf-$SCENARIO.txt"
