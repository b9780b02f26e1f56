#!/usr/bin/env bash
# Builds Petite Salle (web app embedded, optimised binary) and starts it on its embedded
# defaults: http://127.0.0.1:8080, data in ./data. Extra arguments go to `petitesalle serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# The Node that install-deps.sh chose (and said so), for the web build too.
source scripts/node.sh
use_node --quiet --no-install
(cd web && npm run build)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
# Only the server: the unit tests and the load generator are test.sh's and the benchmarks'
# business (15 more of the 67 objects of a first build).
cmake --build build -j "$(nproc)" --target petitesalle
exec build/petitesalle serve "$@"
