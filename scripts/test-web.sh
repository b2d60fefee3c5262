#!/usr/bin/env bash
# Tests the web console: type check, Vitest unit tests, and the Playwright end-to-end suite
# (playwright-core driving Debian's chromium) against a built kanri binary, with `kanri sim`
# devices. Screenshots of every main screen are saved in the output directory.
#
#   scripts/test-web.sh [KANRI_BINARY] [OUTPUT_DIR]
#     KANRI_BINARY  default: build/src/app/kanri
#     OUTPUT_DIR    default: <binary's build dir>/web-e2e
#
# Installs chromium (and a Japanese font, so screenshots are legible) with apt when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

kanri=$(realpath "${1:-build/src/app/kanri}")
if [[ ! -x "$kanri" ]]; then
  echo "test-web: no kanri binary at $kanri (build it first)" >&2
  exit 2
fi
out=$(realpath -m "${2:-$(dirname "$(dirname "$(dirname "$kanri")")")/web-e2e}")

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
dpkg-query -W -f='${Status}' fonts-noto-cjk 2>/dev/null | grep -q "ok installed" || missing+=(fonts-noto-cjk)
if ((${#missing[@]} > 0)); then
  echo "test-web: installing ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cd "$root/web"
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "test-web: type check"
npx tsc --noEmit -p .
echo "test-web: unit tests (Vitest)"
npx vitest run
echo "test-web: end-to-end (chromium against $kanri)"
node e2e/run.mjs --kanri "$kanri" --out "$out" --chromium "$(command -v chromium)"
