#!/usr/bin/env bash
# Every connector shared object exports exactly one symbol, ordo_connector_entry (CONTRACTS §8):
# the toolkit in integrations/common and the actions stay hidden, so two connectors can never
# bind to each other's code. Reads the dynamic symbol table with nm; the names the toolchain
# adds by itself are not counted: _init/_fini, _edata/_end/__bss_start, and AddressSanitizer's
# ODR indicators (__odr_asan.<name>) in the asan build.
#
# Usage: connectors_export_one_symbol.sh CONNECTOR_DIR NAME...
set -uo pipefail
dir=${1:?usage: $0 CONNECTOR_DIR NAME...}
shift
(($#)) || {
    echo "usage: $0 CONNECTOR_DIR NAME..." >&2
    exit 2
}
command -v nm >/dev/null || {
    echo "nm not found (binutils)" >&2
    exit 1
}
failures=0
for name in "$@"; do
    so=$dir/$name.so
    if [[ ! -f $so ]]; then
        echo "FAIL: $so is missing"
        failures=$((failures + 1))
        continue
    fi
    if ! syms=$(nm -D --defined-only "$so" 2>&1); then
        echo "FAIL: nm $so: $syms"
        failures=$((failures + 1))
        continue
    fi
    exported=$(awk 'NF >= 3 { print $3 }' <<<"$syms" |
        grep -Ev '^(_init|_fini|_edata|_end|__bss_start|__odr_asan\..*)$' || true)
    if [[ $exported != "ordo_connector_entry" ]]; then
        echo "FAIL: $name.so exports [$(tr '\n' ' ' <<<"$exported")], expected only ordo_connector_entry"
        failures=$((failures + 1))
    else
        echo "ok: $name.so exports only ordo_connector_entry"
    fi
done
exit $((failures > 0))
