#!/usr/bin/env bash
# Runs a command with the Node.js that the scripts use (scripts/node.sh) first on PATH, without
# installing anything: `scripts/with-node.sh npm run build`, or from the integration tests, the
# OpenAPI validator. Fails with what to do when that Node is not there yet.
set -euo pipefail
source "$(dirname "$0")/node.sh"
use_node --quiet --no-install
exec "$@"
