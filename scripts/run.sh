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
cmake --build build -j "$(nproc)"
exec build/petitesalle serve "$@"
