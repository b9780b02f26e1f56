#!/usr/bin/env bash
# Builds everything with AddressSanitizer and UndefinedBehaviorSanitizer and runs every test:
# unit tests (CTest), integration tests against the real binary (pytest), both on SQLite then
# again on PostgreSQL 15 (unless PS_TEST_POSTGRES=0), the web app's unit tests (node:test) and
# browser tests (Playwright driving Debian's Chromium). Exits non-zero when any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# Each phase says when it starts, counted from here: where the time goes (CI allows 25 minutes).
PS_TEST_START=$(date +%s)
phase() { echo "== $1 (at $(($(date +%s) - PS_TEST_START)) s)"; }
export PS_TEST_START
export -f phase
scripts/install-deps.sh
# The invariants of docs/ARCHITECTURE.md that a script checks (Beast and Asio, SQL): a second,
# and right after install-deps.sh, which brings the Python it needs, so they fail before the build.
/usr/bin/python3 scripts/check-invariants.py
# The Node that install-deps.sh chose (and said so), for every npm and node below, the OpenAPI
# validator that the integration tests run included.
source scripts/node.sh
use_node --quiet --no-install
phase "web app build"
(cd web && npm run build)

# Without the load generator, which no test runs (bench/run.sh builds it, in release).
phase "server build"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPS_SANITIZE=ON -DPS_BUILD_BENCH=OFF
cmake --build build-asan -j "$(nproc)"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS="suppressions=$root/scripts/lsan-suppressions.txt"

phase "unit tests"
ctest --test-dir build-asan --output-on-failure -j "$(nproc)"

# The integration suite on several pytest-xdist workers, one test module per worker at a time
# (each module has its server): the tests mostly wait on servers, so on two cores three workers
# took 45 s where one took 90. Except the test that stops the PostgreSQL cluster under load: the
# other workers share that cluster, so it runs alone, after them.
integration() {
  /usr/bin/python3 -m pytest tests/integration -q -p no:cacheprovider -n "$PS_TEST_WORKERS" \
    --dist loadfile --ignore tests/integration/test_postgres_restart.py "$@"
  /usr/bin/python3 -m pytest tests/integration/test_postgres_restart.py -q -p no:cacheprovider "$@"
}
export -f integration
export PS_TEST_WORKERS=${PS_TEST_WORKERS:-3}

phase "integration tests"
PETITESALLE_BIN="$root/build-asan/petitesalle" integration

# The same unit tests and integration suite on PostgreSQL 15, in one throwaway cluster
# (scripts/with-postgres.sh): each store and service test and each server gets a fresh database.
# PS_TEST_POSTGRES=0 leaves them out. The unit tests run there in one process rather than CTest's
# one per test (each test still gets a database of its own): measured here, 75 s instead of 210.
PS_TEST_POSTGRES=${PS_TEST_POSTGRES:-1}
if [ "$PS_TEST_POSTGRES" = 1 ]; then
  # shellcheck disable=SC2016  # expanded by the inner bash, inside the cluster's environment
  scripts/with-postgres.sh bash -c '
    set -euo pipefail
    phase "unit tests (PostgreSQL)"
    build-asan/unit_tests --gtest_brief=1
    phase "integration tests (PostgreSQL)"
    PETITESALLE_TEST_DATABASE=postgresql PETITESALLE_BIN="$1/build-asan/petitesalle" integration
  ' with-postgres "$root"
else
  echo "== unit and integration tests on PostgreSQL left out (PS_TEST_POSTGRES=$PS_TEST_POSTGRES)"
fi

phase "web app unit tests"
(cd web && npm test)

phase "browser tests"
(cd web && PETITESALLE_BIN="$root/build-asan/petitesalle" PETITESALLE_EMBEDDED=1 npm run test:browser)
phase "all tests passed"
