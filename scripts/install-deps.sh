#!/usr/bin/env bash
# Installs the Debian packages Kanri needs to build, run and test. Idempotent: packages already
# present are not touched, and apt is only consulted when something is missing.
#
#   scripts/install-deps.sh          build + run dependencies
#   scripts/install-deps.sh --test   also what the test suite needs (clang for the fuzzer, sqlite3 CLI,
#                                    python3 for the layer test, python3-aiosmtpd for the SMTP server of
#                                    the mail tests, clang-format and clang-tidy 14 for lint.sh), and
#                                    web/'s npm packages (npm ci), which the unit tests read too: the
#                                    holidays of @holiday-jp/holiday_jp for the business-day calendar's
#                                    test (OPS-1); help2man, dpkg-dev and lintian to build and check
#                                    the Debian package (OPS-4); prometheus for promtool, which checks
#                                    the /metrics exposition
set -euo pipefail
web_dir="$(cd "$(dirname "$0")/.." && pwd)/web"

build_packages=(
  build-essential cmake ninja-build ccache pkg-config git ca-certificates openssl
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libssl-dev libsodium-dev libgoogle-perftools-dev
  libsoci-dev libsqlite3-dev libpq-dev
  libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev libpugixml-dev
  libcurl4-openssl-dev liboath-dev libqrencode-dev libarchive-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  nodejs npm
)
test_packages=(sqlite3 curl clang libclang-rt-14-dev libxml2-utils python3 python3-aiosmtpd clang-format-14 clang-tidy-14
  help2man dpkg-dev lintian prometheus)

wanted=("${build_packages[@]}")
if [[ "${1:-}" == "--test" ]]; then wanted+=("${test_packages[@]}"); fi

missing=()
for p in "${wanted[@]}"; do
  # Already installed node/npm (from another source) counts as present.
  case "$p" in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
  esac
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#wanted[@]} packages present"
else
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  # No daemon that a package ships (prometheus does) is started by installing it: the tests
  # start what they need themselves, on loopback ports, and stop it afterwards.
  policy=/usr/sbin/policy-rc.d
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
    $SUDO chmod +x "$policy"
    trap '$SUDO rm -f "$policy"' EXIT
  fi
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# web/'s npm packages, by the build's rule (cmake/WebNpmInstall.cmake): npm ci when
# package-lock.json is newer than what is installed.
if [[ "${1:-}" == "--test" ]]; then
  if [[ ! -f "$web_dir/node_modules/.package-lock.json" ||
        "$web_dir/package-lock.json" -nt "$web_dir/node_modules/.package-lock.json" ]]; then
    echo "install-deps: npm ci in web/"
    npm --prefix "$web_dir" ci --no-audit --no-fund --loglevel=error
  else
    echo "install-deps: web/'s npm packages present"
  fi
fi
