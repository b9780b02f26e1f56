#!/usr/bin/env bash
# Installs what Petite Salle needs to build, run and test on Debian 12 (run as root), then the
# web app's npm packages from the lock file. Skips apt when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake ninja-build ccache g++ pkg-config libboost-dev libsqlite3-dev libpq-dev libsodium-dev
  libcurl4-openssl-dev libmd4c-dev libmd4c-html0-dev libspdlog-dev libfmt-dev libcli11-dev
  libtomlplusplus-dev nlohmann-json3-dev libhowardhinnant-date-dev libgtest-dev libbenchmark-dev libicu-dev
  postgresql python3-aiosmtpd python3-pytest python3-requests python3-websocket chromium tzdata ca-certificates
)
# Node.js may come from elsewhere than Debian (a newer one is fine): ask apt only when absent.
command -v npm >/dev/null || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}"
fi

(cd web && npm ci --no-audit --no-fund --loglevel=error)
