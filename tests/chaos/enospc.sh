#!/usr/bin/env bash
# tests/chaos/enospc.sh [--rounds N] [--seed S] [--hold SECS] [--shim] - issue 11's chaos (d),
# first half: the database's disk fills up under load, then the space comes back.
#
# Ordo's durable writes go to PostgreSQL, so the script runs a cluster of its own (as
# pg-restart.sh does, with a production database's durability: fsync and synchronous_commit on)
# whose data directory lies on a size-capped tmpfs (mount -t tmpfs -o size=..., as root). Under
# the load of kill.sh (tests/chaos/lib.sh) and a prober that records every answer to its
# instance starts, each round waits a random 1-3 s (seeded), fills the file system with a filler
# file until writes fail with ENOSPC, keeps it full for SECS seconds (topping the filler up as
# PostgreSQL frees WAL), then deletes the filler. Odd rounds fail the growth of tables and
# indexes (an ERROR in the transaction); even rounds also switch WAL to segments that must be
# created on the full disk (wal_recycle=off), which PostgreSQL answers with a PANIC. Checked:
#   - while full, Ordo answers 2xx or a 5xx with a CONTRACTS §4 body, never anything else, and
#     every request gets an answer within 10 s (no hang); the server process never dies;
#   - PostgreSQL did hit ENOSPC (its log says "No space left on device"): the fault was real;
#   - within 30 s of the space coming back /readyz answers 200 and a start is acknowledged again;
#     a PostgreSQL that stopped by itself (a PANIC whose crash recovery found the disk still full)
#     is started again, as a service manager would, and that counts in the 30 s;
#   - the end checks of kill.sh: every acknowledged start exists once and completes (nothing
#     acknowledged that was not stored), no task completed twice, every webhook event delivered,
#     `ordo audit verify` passes;
#   - Ordo's own file writes on a full disk (`ordo bpmn fmt -o`, scripts/backup.sh -o): exit
#     status 1, a message naming the cause, and no file left behind.
# Where mounting is refused (not root, a container without CAP_SYS_ADMIN), or with --shim, the
# disk is made to look full instead by tests/chaos/enospc_shim.c, an LD_PRELOAD library built
# here with cc and loaded into the PostgreSQL server (and into the CLI commands): write(),
# pwrite(), fsync() ... of files in the data directory fail with ENOSPC while a flag file exists.
# Without both it is skipped (exit 77). It prints one line:
#   RESULT|PostgreSQL disk full (ENOSPC)|<rounds>|<what was checked; what was seen>|pass or fail
# and exits 0 only on pass.
#
# Options: --rounds N  (default 3); --seed S  the random moments (default: time); --hold SECS
# how long the disk stays full (default 4); --shim  use the LD_PRELOAD shim even where mounting
# works; --tmpfs  the size-capped tmpfs only: where mounting is refused, skipped (exit 77) with
# the reason instead of falling back to the shim (scripts/reliability.sh runs each mode as a row
# of its own).
# Environment: ORDOTEST_BIN (tests/chaos/lib.sh); CHAOS_KEEP=1 keeps the scratch folder.
set -euo pipefail
# shellcheck source=../../scripts/lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
# shellcheck source=lib.sh source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

rounds=3
hold=4
use_shim=0
tmpfs_only=0
seed=$(date +%s)
while (($#)); do
    case $1 in
    --rounds) rounds=${2:?--rounds needs a number}; shift 2 ;;
    --seed) seed=${2:?--seed needs a number}; shift 2 ;;
    --hold) hold=${2:?--hold needs a number of seconds}; shift 2 ;;
    --shim) use_shim=1; shift ;;
    --tmpfs) tmpfs_only=1; shift ;;
    -h | --help) print_usage "$0"; exit 0 ;;
    *) print_usage "$0" >&2; exit 2 ;;
    esac
done
[[ $rounds =~ ^[0-9]+$ && $seed =~ ^[0-9]+$ && $hold =~ ^[0-9]+$ ]] ||
    die "--rounds, --seed and --hold take numbers"
fault="PostgreSQL disk full (ENOSPC)"
skip() {
    chaos_skip "$fault" "$1"
}
chaos_require "$fault"
RANDOM=$seed
say "enospc.sh: seed $seed, $rounds rounds of a full disk for $hold s" >&2

chaos_own_cluster=1
chaos_init enospc
disk=$pg_dir/disk # the size-capped file system (tmpfs mode)
flag=$pg_dir/enospc.flag
small=$work/small # the full file system of the CLI checks
mounted=()
enospc_cleanup() {
    local m
    rm -f "$flag" "$disk/filler" "$small/filler" "$small.flag" 2>/dev/null || true
    [[ ${CHAOS_KEEP:-0} == 1 ]] && cp "$pg_dir/log" "$work/pg.log" 2>/dev/null
    # The server must be gone before its file system is unmounted.
    if ((${#mounted[@]})); then
        chaos_pg_ctl -D "$pg_dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    fi
    for m in "${mounted[@]}"; do
        umount "$m" 2>/dev/null || umount -l "$m" || warn "could not unmount $m"
    done
    chaos_cleanup
}
trap enospc_cleanup EXIT

# The cluster restarted with a production database's durability (an acknowledged commit must
# survive the PANIC a failed WAL write causes) and little WAL kept, so the disk can be small.
# wal_recycle=off: a new WAL segment is a new file, which a full disk refuses (see wal_switch).
pg_opts="-k $pg_dir -c listen_addresses='' -p $pg_port -c max_connections=200 -c fsync=on -c synchronous_commit=on -c full_page_writes=on -c min_wal_size=32MB -c max_wal_size=48MB -c wal_recycle=off"
preload=()
# pg_start: pg_ctl start as the cluster's owner, with the shim in its environment (shim mode).
pg_start() {
    local as=()
    ((ORDOTEST_PG_ROOT)) && as=(runuser -u postgres --)
    (cd / && "${as[@]}" env "${preload[@]}" "$ORDOTEST_PG_BIN/pg_ctl" -D "$pg_dir/data" -w -t 60 \
        -l "$pg_dir/log" -o "$pg_opts" start >/dev/null)
}
chaos_pg_ctl -D "$pg_dir/data" -m fast -w -t 60 stop >/dev/null || die "could not stop the cluster"

# A size-capped tmpfs for the data directory: what is in it now plus room for the load and WAL.
mode=
why=
if ((!use_shim)); then
    size=$(($(du -sm "$pg_dir/data" | cut -f1) + 112))
    owner=(uid="$(stat -c %u "$pg_dir")" gid="$(stat -c %g "$pg_dir")")
    mkdir "$disk"
    if why=$(mount -t tmpfs -o "size=${size}m,mode=0700,${owner[0]},${owner[1]}" tmpfs "$disk" 2>&1); then
        mounted+=("$disk")
        mode=tmpfs
        cp -a "$pg_dir/data" "$disk/data"
        rm -rf "$pg_dir/data"
        ln -s disk/data "$pg_dir/data"
    else
        why="mounting a tmpfs failed: ${why:-no reason given}"
        rmdir "$disk"
        ((tmpfs_only)) && fault="$fault, tmpfs" && skip "$why"
    fi
else
    why="--shim"
fi
if [[ -z $mode ]]; then
    command -v cc >/dev/null || skip "$why, and there is no C compiler (cc) for the LD_PRELOAD shim"
    cc -D_GNU_SOURCE -O2 -shared -fPIC -o "$pg_dir/enospc_shim.so" "$chaos_dir/enospc_shim.c" -ldl ||
        skip "$why, and the LD_PRELOAD shim does not build here"
    chmod 0755 "$pg_dir/enospc_shim.so"
    mode=shim
    preload=(LD_PRELOAD="$pg_dir/enospc_shim.so" CHAOS_ENOSPC_DIR="$pg_dir/data" CHAOS_ENOSPC_FLAG="$flag")
fi
say "enospc.sh: the disk is ${mode/shim/the LD_PRELOAD shim ($why)}${size:+ of $size MiB}" >&2
pg_start || die "could not start the cluster on the ${mode} disk"

disk_fill() {
    if [[ $mode == tmpfs ]]; then
        dd if=/dev/zero of="$disk/filler" bs=1M status=none 2>/dev/null || true
    else
        touch "$flag"
    fi
}
# PostgreSQL frees space as it recycles WAL; the filler takes it again.
disk_topup() {
    [[ $mode == tmpfs ]] || return 0
    dd if=/dev/zero of="$disk/filler" bs=64k oflag=append conv=notrunc status=none 2>/dev/null || true
}
# wal_switch: in even rounds, move WAL on to segments that must be created on the full disk (a
# logical message between the switches, so that each switch has something to end): the next
# WAL write fails, which PostgreSQL answers with a PANIC and a crash recovery. Odd rounds only
# fail the data files' growth (ERROR in the transaction). The shim fails every write anyway.
# On Ordo's database: a first session of another database since the start fails on a full disk
# ("could not write init file", its relation cache file).
wal_switch() {
    local i
    for i in 1 2 3; do
        cpsql -d "$db" -c "SELECT pg_logical_emit_message(false, 'chaos', 'x')" \
            -c "SELECT pg_switch_wal()" >/dev/null 2>&1 || return 0
    done
}
disk_free() {
    rm -f "$disk/filler" "$flag"
}
pg_running() {
    chaos_pg_ctl -D "$pg_dir/data" status >/dev/null 2>&1
}

# shellcheck disable=SC2119 # no extra settings: the plain server
chaos_start_loaded
chaos_prober_start

max_write_us=0 pg_starts=0 no_write=0
for ((r = 1; r <= rounds; r++)); do
    ms=$((1000 + RANDOM % 2000))
    sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
    full_from=$(now_us)
    disk_fill
    ((r % 2 == 0)) && [[ $mode == tmpfs ]] && wal_switch
    while (($(now_us) - full_from < hold * 1000000)); do
        disk_topup
        sleep 0.2
    done
    disk_free
    ready_from=$(now_us)
    # A PostgreSQL that ended itself (its crash recovery after a PANIC failed on the still full
    # disk) is started again, as a service manager would: not Ordo's job, but in the 30 s.
    while :; do
        if ! pg_running; then
            pg_starts=$((pg_starts + 1))
            say "enospc.sh: round $r: PostgreSQL had stopped; starting it again" >&2
            pg_start || die "PostgreSQL does not start again after round $r (see $pg_dir/log)"
        fi
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url/readyz" || true)
        [[ $code == 200 ]] && break
        (($(now_us) - ready_from > 60000000)) && break
        sleep 0.1
    done
    chaos_wait_ready || die "ordo serve did not recover after round $r"
    kill -0 "$server_pid" 2>/dev/null || die "ordo serve died in round $r"
    t=$(probe_ok_after "$ready_from")
    if [[ -z $t ]]; then
        no_write=$((no_write + 1))
        warn "round $r: no start acknowledged within 60 s of the space coming back"
    elif ((t - ready_from > max_write_us)); then
        max_write_us=$((t - ready_from))
    fi
    errs=$(awk -v a="$full_from" -v b="$ready_from" '$1 >= a && $1 < b && $3 != "ok"' "$work/probe.log" | wc -l)
    say "enospc.sh: round $r: full for $hold s after ${ms} ms ($errs probe errors); writes again after $(fmt_secs $((${t:-0} > 0 ? t - ready_from : 0))) s" >&2
done

# Ordo's own file writes on a full file system: a clear error, status 1, nothing left behind.
cli_checks() {
    local envs=() out rc
    mkdir -p "$small"
    if [[ $mode == tmpfs ]] && mount -t tmpfs -o size=1m tmpfs "$small" 2>/dev/null; then
        mounted+=("$small")
        dd if=/dev/zero of="$small/filler" bs=64k status=none 2>/dev/null || true
    else
        [[ -f $pg_dir/enospc_shim.so ]] ||
            cc -D_GNU_SOURCE -O2 -shared -fPIC -o "$pg_dir/enospc_shim.so" "$chaos_dir/enospc_shim.c" -ldl
        touch "$small.flag"
        # An ASan build insists on its runtime coming first; the shim passes calls on to it.
        envs=(LD_PRELOAD="$pg_dir/enospc_shim.so" CHAOS_ENOSPC_DIR="$small"
            CHAOS_ENOSPC_FLAG="$small.flag" ASAN_OPTIONS=verify_asan_link_order=0)
    fi
    rc=0
    out=$(env "${envs[@]}" "$ordo_bin" bpmn fmt "$chaos_dir/chaos.bpmn" -o "$small/chaos.bpmn" 2>&1) || rc=$?
    check "ordo bpmn fmt -o on a full disk: exit status" 1 "$rc"
    check "ordo bpmn fmt -o on a full disk: says so" 1 "$(grep -c 'No space left on device' <<<"$out")"
    rc=0
    out=$(env "${envs[@]}" "$ORDO_ROOT/scripts/backup.sh" --database-url "$(pg_url "$db" ordo_owner)" \
        -o "$small/ordo.dump" 2>&1) || rc=$?
    check "scripts/backup.sh -o on a full disk: exit status" 1 "$rc"
    check "scripts/backup.sh -o on a full disk: says so" 1 "$(grep -c 'nothing was written' <<<"$out")"
    check "files left on the full disk" "" "$(find "$small" -mindepth 1 ! -name filler -printf '%f ')"
    rm -f "$small/filler" "$small.flag"
}
touch "$work/stop"
wait "$prober_pid" 2>/dev/null || true
chaos_drain 60
chaos_checks
chaos_probe_checks "$work/probe.log"
cli_checks
checks=$((checks + 1))
if [[ $server_pid != "$first_pid" ]] || ! kill -0 "$server_pid" 2>/dev/null; then
    failures=$((failures + 1))
    echo "FAIL: the server process did not survive the full disks" >&2
fi
enospc_lines=$(grep -c 'No space left on device' "$pg_dir/log" || true)
checks=$((checks + 1))
if ((enospc_lines == 0)); then
    failures=$((failures + 1))
    echo "FAIL: PostgreSQL never reported 'No space left on device': the fault did not bite" >&2
fi
panics=$(grep -c 'PANIC:' "$pg_dir/log" || true)
check "rounds without an acknowledged start within 60 s of the space coming back" 0 "$no_write"
checks=$((checks + 1))
if ((max_write_us > 30000000)); then
    failures=$((failures + 1))
    echo "FAIL: a start was acknowledged only $(fmt_secs "$max_write_us") s (> 30 s) after the space came back" >&2
fi
seen="PostgreSQL: $enospc_lines 'No space left on device' log lines, $panics PANICs, started again by the script $pg_starts times; $probe_summary; first acknowledged start at most $(fmt_secs "$max_write_us") s after the space came back; ordo bpmn fmt -o and backup.sh -o on a full disk: status 1, a clear message, no file left"
# The mode in the fault's name: the tmpfs and the shim runs are rows of their own.
chaos_result_with "$fault, $mode" "$rounds rounds, full for $hold s each ($mode${size:+ of $size MiB}; seed $seed)" "$seen"
