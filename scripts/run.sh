#!/usr/bin/env bash
# Installs what is missing, builds, and runs Kanri with its embedded SQLite database.
# On the first run it creates the site administrator "admin" and prints its password once.
#
#   ./scripts/run.sh                          # data in ./data, https://localhost:8443/
#   ./scripts/run.sh --listen-api 0.0.0.0:9443 # any `kanri serve` flag passes through
#   KANRI_DATA_DIR=/var/lib/kanri ./scripts/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DKANRI_BUILD_TESTS=OFF -DKANRI_BUILD_BENCH=OFF \
  > build-release-configure.log 2>&1 || { cat build-release-configure.log; exit 1; }
rm -f build-release-configure.log
cmake --build build/release --target kanri

data_dir="${KANRI_DATA_DIR:-./data}"
kanri=build/release/src/app/kanri
"$kanri" admin bootstrap --data-dir "$data_dir" --login admin --if-none
exec "$kanri" serve --data-dir "$data_dir" "$@"
