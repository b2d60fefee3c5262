#!/usr/bin/env bash
# OPS-4 (ctest OPS_4_package): builds the Debian package with CPack from a build directory and
# checks it as a provider would receive it: its files, the conffile, the maintainer scripts, the
# dependencies found by dpkg-shlibdeps, the unit (systemd-analyze verify), the generated
# kanri.toml against the binary's own options, and lintian with no error.
#
#   tests/package/package_test.sh BUILD_DIR
#
# It packages the binary BUILD_DIR already holds, to keep CI short: in CI that is the ASan +
# UBSan build (build/asan), so the package depends on libasan too. What is checked is the
# packaging, which is the same for a release build. It runs CPack directly
# (`cpack --config BUILD_DIR/CPackConfig.cmake`, which is what `--target package` runs after the
# build) into a temporary directory, so BUILD_DIR is left as it was.
set -euo pipefail

build=$(realpath "${1:?usage: package_test.sh BUILD_DIR}")
started=$(date +%s)
fail() {
  echo "OPS_4_package FAILED: $*" >&2
  exit 1
}

for tool in cpack dpkg-deb dpkg-shlibdeps help2man lintian; do
  command -v "$tool" >/dev/null || fail "$tool is missing: scripts/install-deps.sh --test installs it"
done
[[ -f "$build/CPackConfig.cmake" ]] ||
  fail "$build has no package configuration: configure it again with help2man and dpkg-dev installed"
[[ -f "$build/packaging/kanri.toml" && -f "$build/packaging/kanri.1.gz" ]] ||
  fail "build the target kanri_package_files (part of 'all') in $build first"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cpack --config "$build/CPackConfig.cmake" -B "$work" >"$work/cpack.log" 2>&1 || {
  cat "$work/cpack.log"
  fail "cpack failed"
}
debs=("$work"/kanri_*.deb)
[[ ${#debs[@]} -eq 1 && -f "${debs[0]}" ]] || fail "cpack made no single kanri_*.deb: $(ls "$work")"
deb=${debs[0]}
echo "package: $(basename "$deb"), $(du -h "$deb" | cut -f1)"

# Files: the binary, the unit, the conffile, the manual page and the documents; all root's.
contents=$(dpkg-deb -c "$deb")
for path in ./usr/bin/kanri ./lib/systemd/system/kanri.service ./etc/kanri/kanri.toml \
  ./usr/share/man/man1/kanri.1.gz ./usr/share/doc/kanri/copyright ./usr/share/doc/kanri/changelog.gz \
  ./usr/share/doc/kanri/operations.md; do
  grep -q " $path\$" <<<"$contents" || fail "the package lacks $path; it holds:
$contents"
done
if grep -v " root/root " <<<"$contents"; then fail "files not owned by root/root (above)"; fi
if grep -E " \./(var|home|root|tmp|usr/local)/" <<<"$contents"; then fail "files where a package puts none (above)"; fi

# Control: the conffile, the maintainer scripts, the dependencies.
[[ "$(dpkg-deb -I "$deb" conffiles)" == "/etc/kanri/kanri.toml" ]] || fail "conffiles: $(dpkg-deb -I "$deb" conffiles)"
control=$(dpkg-deb -f "$deb")
depends=$(dpkg-deb -f "$deb" Depends)
for dependency in adduser libc6 libsqlite3-0 libssl3 libsoci-postgresql; do
  grep -qE "(^|, )$dependency" <<<"$depends" || fail "Depends lacks $dependency: $depends"
done
postinst=$(dpkg-deb -I "$deb" postinst)
grep -q "adduser --system --group --home /var/lib/kanri" <<<"$postinst" || fail "postinst creates no system user"
grep -q "install -d -o kanri -g kanri -m 0750 /var/lib/kanri" <<<"$postinst" || fail "postinst creates no data dir"
grep -q "deb-systemd-invoke stop 'kanri.service'" <<<"$(dpkg-deb -I "$deb" prerm)" || fail "prerm does not stop the service"
postrm=$(dpkg-deb -I "$deb" postrm)
# The data goes on purge only: `rm -rf /var/lib/kanri` inside the purge branch.
awk '/"\$1" = "purge"/ { purge = 1 } /^fi/ { purge = 0 } /rm -rf \/var\/lib\/kanri/ && !purge { bad = 1 }
     END { exit bad }' <<<"$postrm" || fail "postrm deletes /var/lib/kanri outside purge"
grep -q "rm -rf /var/lib/kanri" <<<"$postrm" || fail "postrm purge leaves /var/lib/kanri"

root="$work/root"
dpkg-deb -x "$deb" "$root"
kanri="$root/usr/bin/kanri"

# The unit: what the package runs, and systemd accepts it (pointed at the extracted binary).
unit="$root/lib/systemd/system/kanri.service"
for line in "ExecStart=/usr/bin/kanri serve --config /etc/kanri/kanri.toml" "User=kanri" \
  "ProtectSystem=strict" "ReadWritePaths=/var/lib/kanri" "NoNewPrivileges=yes" "Restart=on-failure" \
  "CapabilityBoundingSet=CAP_NET_BIND_SERVICE" "SystemCallFilter=@system-service"; do
  grep -qx "$line" "$unit" || fail "the unit lacks '$line'"
done
if command -v systemd-analyze >/dev/null; then
  mkdir "$work/unit"
  sed "s|/usr/bin/kanri|$kanri|" "$unit" >"$work/unit/kanri.service"
  systemd-analyze verify --man=no "$work/unit/kanri.service" || fail "systemd-analyze verify"
else
  echo "systemd-analyze not installed: the unit's syntax was not verified"
fi

# kanri.toml: every option of `kanri --help` once, commented out, with its default; data-dir set;
# and it reads back (all defaults that are values, uncommented, are accepted).
toml="$root/etc/kanri/kanri.toml"
grep -qx 'data-dir = "/var/lib/kanri"' "$toml" || fail "kanri.toml does not set data-dir"
options=$("$kanri" --help | grep -oE -- '^ +(-[a-z],)?--[a-z0-9][a-z0-9-]*' | sed 's/.*--/--/' | sort -u |
  grep -vx -- '--help\|--config\|--data-dir')
[[ $(wc -l <<<"$options") -gt 50 ]] || fail "kanri --help lists too few options: $options"
while read -r option; do
  [[ $(grep -c "^#${option#--} = " "$toml") -eq 1 ]] || fail "kanri.toml has no single commented line for $option"
done <<<"$options"
grep -qx '#listen-api = "0.0.0.0:8443"' "$toml" || fail "kanri.toml: listen-api's default"
grep -qx '#session-idle-timeout = "1h"' "$toml" || fail "kanri.toml: session-idle-timeout's default"
read_back=$("$kanri" config-template --config "$toml") || fail "kanri refuses its own kanri.toml"
grep -qx 'data-dir = "/var/lib/kanri"' <<<"$read_back" || fail "kanri does not read its own kanri.toml back"
sed -E 's/^#([a-z0-9-]+ = )/\1/; /^[a-z0-9-]+ = (""|\[\])$/d' "$toml" >"$work/uncommented.toml"
"$kanri" config-template --config "$work/uncommented.toml" >/dev/null ||
  fail "kanri.toml with every default uncommented is refused"

# The manual page: generated from --help, so it lists the subcommands and options.
man_text=$(zcat "$root/usr/share/man/man1/kanri.1.gz" | sed 's/\\-/-/g')
for word in "config-template" "listen-api" "/etc/kanri/kanri.toml"; do
  grep -q -- "$word" <<<"$man_text" || fail "the manual page does not mention $word"
done

# lintian: no error; its warnings are listed.
echo "lintian $(lintian --version | awk '{print $2}'):"
lintian --fail-on error --display-level ">=warning" --tag-display-limit 0 "$deb" | tee "$work/lintian.log" ||
  fail "lintian reports errors (above)"
echo "lintian: $(grep -c '^E:' "$work/lintian.log" || true) errors, $(grep -c '^W:' "$work/lintian.log" || true) warnings"

echo "OPS_4_package passed in $(($(date +%s) - started)) s"
printf '%s\n' "$control" | sed -n 's/^\(Package\|Version\|Depends\|Installed-Size\):/  &/p'
