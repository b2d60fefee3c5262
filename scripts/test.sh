#!/usr/bin/env bash
# Installs what is missing, builds Kanri with AddressSanitizer + UBSan and its test hooks,
# and runs every test (unit tests beside the code, end-to-end tests against the real binary).
#
#   ./scripts/test.sh              # everything
#   ./scripts/test.sh -R SEC_1     # only tests whose name matches (ctest -R)
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --test
build=build/asan
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKANRI_SANITIZE=ON -DKANRI_TEST_HOOKS=ON \
  -DKANRI_BUILD_TESTS=ON -DKANRI_BUILD_INTEGRATION_TESTS=ON -DKANRI_BUILD_BENCH=ON >/dev/null
cmake --build "$build"

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
ctest --test-dir "$build" --output-on-failure --timeout 300 -j "$(nproc)" "$@"
