#!/usr/bin/env bash
# Installs what Petite Salle needs to build, run and test on Debian 12 (run as root): Debian's
# packages, a Node.js that the web app's packages accept (scripts/node.sh: the system's when new
# enough, else one in .tools/node), then the web app's npm packages from the lock file. Skips
# what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake ninja-build ccache g++ pkg-config libboost-dev libsqlite3-dev libpq-dev libsodium-dev
  libcurl4-openssl-dev libmd4c-dev libmd4c-html0-dev libspdlog-dev libfmt-dev libcli11-dev
  libtomlplusplus-dev nlohmann-json3-dev libhowardhinnant-date-dev libgtest-dev libbenchmark-dev libicu-dev
  # Files and images (src/files): libvips makes previews and strips metadata (with libheif for
  # iPhone photos); libmagic tells a file's type from its content.
  libvips-dev libmagic-dev libheif1
  # Web Push (src/push): OpenSSL's libcrypto for P-256 and AES-128-GCM; the integration test
  # decrypts what the server pushes with python3-cryptography, an implementation of its own.
  libssl-dev python3-cryptography
  # DKIM (src/mail/dkim.cpp signs with libcrypto): the newsletter's integration test checks the
  # signatures with python3-dkim, an independent verifier (python3-nacl for its Ed25519).
  python3-dkim python3-nacl
  postgresql python3-aiosmtpd python3-pytest python3-pytest-xdist python3-requests python3-websocket chromium tzdata ca-certificates
  # The integration suite on PostgreSQL (scripts/with-postgres.sh starts Debian's postgresql):
  # psycopg2 creates each server's database and reads it behind the API; HAProxy stands in
  # front of several servers in the multi-node test.
  python3-psycopg2 haproxy
  # The browser tests' screenshots show members' emoji as people see them (without a colour emoji
  # font, Chromium on a bare Debian draws them as empty boxes).
  fonts-noto-color-emoji
)
# Node.js may come from elsewhere than Debian (a newer one is fine): ask apt only when absent.
# Debian 12's is too old for the web app, but its npm installs the Node that scripts/node.sh
# brings.
command -v node >/dev/null && command -v npm >/dev/null || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}"
fi

source scripts/node.sh
use_node
# No --loglevel=error: npm's warnings stay visible, and web/.npmrc's engine-strict makes a
# package whose engines refuse this Node an error.
(cd web && npm ci --no-audit --no-fund)
