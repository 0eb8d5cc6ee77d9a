# shellcheck shell=bash
# bench/lib.sh - what the full benchmark runs share (sourced, not run).

bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# prepare TARGET PEER: build TARGET in the release preset and install the
# npm peers when node_modules/PEER is missing.
prepare() {
    echo "== building the release preset" >&2
    (cd "$bench_root" && cmake --preset release -DORDO_WERROR=ON >/dev/null &&
        cmake --build --preset release -j"$(nproc)" --target "$1" >/dev/null)
    if [[ ! -d $bench_root/bench/peers/node_modules/$2 ]]; then
        (cd "$bench_root/bench/peers" && npm ci --no-audit --no-fund >/dev/null)
    fi
}

# median NUMBER...: the median (the mean of the middle two for an even count).
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# durable_pg NAME PORT: a durable PostgreSQL cluster of its own (the test cluster runs with fsync
# off) in a new folder 'dir', as user postgres when started by root, reached by a private Unix
# socket only, stopped and removed on exit; sets pgbin (its binaries) and defines psql and url DB
# (a connection string).
durable_pg() {
    # shellcheck disable=SC2012 # the folder names are version numbers
    pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    dir=$(mktemp -d "/tmp/ordo-$1.XXXXXX")
    port=$2
    pg_as=()
    if ((EUID == 0)); then
        chown postgres: "$dir"
        pg_as=(runuser -u postgres --)
    fi
    pg_stop_cmd=("${pg_as[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m fast stop)
    trap durable_pg_down EXIT
    "${pg_as[@]}" "$pgbin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C >/dev/null
    "${pg_as[@]}" "$pgbin/pg_ctl" -D "$dir/data" -w -l "$dir/log" \
        -o "-k $dir -p $port -c listen_addresses='' -c synchronous_commit=on -c fsync=on" start >/dev/null
}

# The cluster of durable_pg: psql, and the connection string of database DB.
psql() { command psql -X -h "$dir" -p "$port" -U postgres -qAt "$@"; }
url() { echo "host=$dir port=$port user=postgres dbname=$1"; }

durable_pg_down() {
    "${pg_stop_cmd[@]}" >/dev/null 2>&1 || true
    rm -rf "$dir"
}
