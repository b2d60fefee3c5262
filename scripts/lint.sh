#!/usr/bin/env bash
# The house rules that need no test run: formatting (clang-format), bug patterns (clang-tidy,
# with the checks in .clang-tidy), and the console's ESLint when web/ has a lint script.
# Run by scripts/test.sh before it builds; exits non-zero on any finding.
#
#   scripts/lint.sh                 # everything
#   scripts/lint.sh format web      # only these steps (format, tidy, web)
#
# clang-format and clang-tidy are version 14, Debian bookworm's default, with which the tree is
# formatted (15 and 16 agree on it today; later versions may not). clang-tidy reads the
# compilation database of build/lint, a configure-only build directory (nothing is compiled),
# and runs on every core (scripts/clang_tidy.py); it is the slow step: about 5 minutes of two
# cores for the whole tree, seconds for what changed since the last clean check.
set -euo pipefail
cd "$(dirname "$0")/.."

steps=("$@")
if ((${#steps[@]} == 0)); then steps=(format web tidy); fi
jobs=$(nproc)
status=0

# The C++ files of the project: tracked and new ones, not ignored ones.
cxx_files() {
  git ls-files --cached --others --exclude-standard -- 'src/*.h' 'src/*.cpp' 'tests/*.h' 'tests/*.cpp' \
    'bench/*.h' 'bench/*.cpp' | while read -r f; do [[ -f "$f" ]] && echo "$f"; done
}

run_format() {
  local started=$SECONDS
  if ! cxx_files | xargs -r clang-format-14 --dry-run -Werror; then
    echo "lint: clang-format: the files above are not formatted; fix with:"
    echo "  git ls-files 'src/*.h' 'src/*.cpp' 'tests/*.h' 'tests/*.cpp' 'bench/*.h' 'bench/*.cpp' | xargs clang-format-14 -i"
    return 1
  fi
  echo "lint: clang-format: $(cxx_files | wc -l) files formatted ($((SECONDS - started)) s)"
}

run_web() {
  if ! node -e 'process.exit(require("./web/package.json").scripts?.lint ? 0 : 1)' 2>/dev/null; then
    echo "lint: web: no lint script in web/package.json, skipped"
    return 0
  fi
  local started=$SECONDS
  # The same install rule as the build's (cmake/WebBuildScript.cmake): npm ci when the lock file
  # is newer than what is installed.
  if [[ ! -f web/node_modules/.package-lock.json || web/package-lock.json -nt web/node_modules/.package-lock.json ]]; then
    npm --prefix web ci --no-audit --no-fund --loglevel=error
  fi
  if ! npm --prefix web run --silent lint; then
    echo "lint: web: ESLint found problems (npm --prefix web run lint)"
    return 1
  fi
  echo "lint: web: ESLint clean ($((SECONDS - started)) s)"
}

run_tidy() {
  local build=build/lint
  mkdir -p "$build"
  # Configure only: the compilation database is all clang-tidy needs (no generated header is
  # included by the checked files). Tests and benchmarks are configured so that their files are
  # in the database; the console is not built.
  if ! cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKANRI_TEST_HOOKS=ON \
       -DKANRI_BUILD_TESTS=ON -DKANRI_BUILD_INTEGRATION_TESTS=ON -DKANRI_BUILD_BENCH=ON -DKANRI_BUILD_WEB=OFF \
       >"$build.configure.log" 2>&1; then
    cat "$build.configure.log"
    return 1
  fi
  # Every source of src/, tests/ and bench/, in parallel, skipping files unchanged since a clean
  # check (see the script).
  scripts/clang_tidy.py --build "$build" --jobs "$jobs"
}

for step in "${steps[@]}"; do
  case "$step" in
    format) run_format || status=1 ;;
    web) run_web || status=1 ;;
    tidy) run_tidy || status=1 ;;
    *) echo "lint: unknown step '$step' (format, tidy, web)"; exit 2 ;;
  esac
done
exit "$status"
