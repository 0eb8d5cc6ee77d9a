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
