#!/usr/bin/env bash
# Installs what is missing, builds, and runs Kanri with its embedded SQLite database.
# On the first run it creates the site administrator "admin" and prints its password once.
# Run as root, it runs the server as the system user kanri (created if missing) with its data in
# /var/lib/kanri, owned by that user, as the Debian package does (OPS-4: never as root).
#
#   ./scripts/run.sh                          # data in ./data (root: /var/lib/kanri), https://localhost:8443/
#   ./scripts/run.sh --demo                   # also a demo company with 20 simulated routers
#   ./scripts/run.sh --listen-api 0.0.0.0:9443 # any `kanri serve` flag passes through
#   KANRI_DATA_DIR=/var/lib/kanri ./scripts/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."

demo=0
args=()
for a in "$@"; do
  if [[ "$a" == "--demo" ]]; then demo=1; else args+=("$a"); fi
done

scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DKANRI_BUILD_TESTS=OFF -DKANRI_BUILD_BENCH=OFF \
  > build-release-configure.log 2>&1 || { cat build-release-configure.log; exit 1; }
rm -f build-release-configure.log
cmake --build build/release --target kanri

kanri=build/release/src/app/kanri
serve_as=()
if (($(id -u) == 0)); then
  # OPS-4: the server binds its ports as root and then runs as kanri, who owns the data dir.
  data_dir="${KANRI_DATA_DIR:-/var/lib/kanri}"
  if ! getent passwd kanri >/dev/null; then
    useradd --system --user-group --home-dir /var/lib/kanri --no-create-home --shell /usr/sbin/nologin kanri
  fi
  install -d -o kanri -g kanri -m 0750 "$data_dir"
  if [[ -z "${KANRI_DATA_DIR:-}" && -f data/kanri.db && ! -e "$data_dir/kanri.db" ]]; then
    echo "run.sh: the data of an earlier run as root is in ./data; KANRI_DATA_DIR=./data ./scripts/run.sh uses it."
  fi
  serve_as=(--user kanri)
else
  data_dir="${KANRI_DATA_DIR:-./data}"
fi
"$kanri" admin bootstrap --data-dir "$data_dir" --login admin --if-none

if ((demo)); then
  # The demo: company DEMO (its administrator's password is printed once, when created) and
  # 20 simulated routers that onboard through its profile, rotate their credentials and keep
  # them in the data dir across restarts.
  mkdir -p "$data_dir/demo"
  chmod 700 "$data_dir/demo"
  secret_file="$data_dir/demo/bootstrap-password"
  if [[ ! -s "$secret_file" ]]; then
    (umask 077 && head -c 18 /dev/urandom | base64 | tr '+/' '-_' > "$secret_file")
  fi
  bootstrap_password=$(cat "$secret_file")
  "$kanri" admin demo --data-dir "$data_dir" --bootstrap-password "$bootstrap_password"
  cwmp_port=7547
  for ((i = 0; i < ${#args[@]}; i++)); do
    if [[ "${args[i]}" == "--listen-cwmp" ]]; then cwmp_port="${args[i + 1]##*:}"; fi
  done
  "$kanri" sim --devices 20 --acs "https://127.0.0.1:$cwmp_port/" --insecure --oui 00D09E \
    --serial-prefix DEMO --username demo-bootstrap --password "$bootstrap_password" --inform-interval 60 \
    --ramp-up 20 --state-dir "$data_dir/demo/sim" --cr-listen 127.0.0.1:0 \
    > "$data_dir/demo/sim.log" 2>&1 &
  sim_pid=$!
  trap 'kill $sim_pid 2>/dev/null || true' EXIT
  echo "Demo: 20 simulated routers (log: $data_dir/demo/sim.log) appear within a minute under company DEMO."
  echo "      Log in at https://localhost:8443/ with company ID DEMO and login ID demo."
fi

if ((${#serve_as[@]} > 0)); then
  # What the commands above created as root (the database, keys) becomes the server's user's.
  chown -R -h kanri:kanri "$data_dir"
  if ! setpriv --reuid=kanri --regid=kanri --init-groups test -w "$data_dir" -a -x "$data_dir"; then
    echo "run.sh: the user kanri cannot reach $data_dir (is a parent directory closed to it?); choose another" \
      "KANRI_DATA_DIR, e.g. /var/lib/kanri" >&2
    exit 1
  fi
fi
if ((demo)); then
  "$kanri" serve --data-dir "$data_dir" "${serve_as[@]}" --connection-request-allow-loopback "${args[@]}"
else
  exec "$kanri" serve --data-dir "$data_dir" "${serve_as[@]}" "${args[@]}"
fi
