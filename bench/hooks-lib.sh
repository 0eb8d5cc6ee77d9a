# shellcheck shell=bash
# shellcheck disable=SC2034,SC2154 # bench_key, ordo_url, work come from http-lib.sh and the caller
# bench/hooks-lib.sh - what bench/run-hooks.sh and bench/smoke-hooks.sh share (sourced after
# http-lib.sh, not run): deploying bench/hook-load.bpmn with its secret, sending signed
# deliveries with bench/hook_load, waiting until the inbox has worked them, checking the outcome.

hook_secret=bench-hook-secret-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')

# hooks_deploy URL BPMN: deploy the process and give its endpoint 'load' the secret.
hooks_deploy() {
    deploy "$1" "$2"
    curl -fsS -o /dev/null -X PUT -H "Authorization: Bearer $bench_key" \
        -H "Content-Type: application/json" --data "{\"secret\":\"$hook_secret\"}" \
        "$1/api/webhooks/endpoints/load"
}

# json_num KEY: the number KEY of the one-line JSON object on stdin.
json_num() { sed -nE "s/.*\"$1\":([0-9.]+).*/\1/p"; }

# deliveries DB: "stored ndone failed" counts of webhook_delivery.
deliveries() {
    hpsql -d "$1" -F ' ' -c "SELECT count(*), count(*) FILTER (WHERE state = 'done'),
        count(*) FILTER (WHERE state = 'failed') FROM webhook_delivery"
}

# wait_until TIMEOUT_S CMD...: run CMD every 20 ms until it succeeds; fails after TIMEOUT_S.
wait_until() {
    local timeout=$1 t0
    shift
    t0=$(now_us)
    until "$@"; do
        (($(now_us) - t0 < timeout * 1000000)) || return 1
        sleep 0.02
    done
}
drained() { # DB WANT: every one of the WANT stored deliveries is no longer pending
    local stored ndone failed
    read -r stored ndone failed < <(deliveries "$1")
    ((stored == $2 && ndone + failed == stored))
}
completed() { # DB WANT: WANT instances exist and all have completed
    local ndone total
    read -r ndone total < <(instances "$1")
    ((total >= $2 && ndone == total))
}

# hooks_run URL DB HOOK_LOAD N CONNECTIONS TIMEOUT: send N deliveries (10 % repeats), wait until
# the inbox has worked them and their instances have completed, then check that exactly the
# distinct deliveries started one instance each. Prints "ack_per_s p50_ms p99_ms unique
# drain_s drain_per_s done_s done_per_s"; fails (with the reason on stderr) otherwise.
hooks_run() {
    local url=$1 db=$2 load=$3 n=$4 conns=$5 timeout=$6 t0 out uniq td tc stored ndone failed
    local inst distinct
    t0=$(now_us)
    out=$(HOOK_LOAD_SECRET=$hook_secret "$load" hooks "$url" load "$n" "$conns" 10) || {
        echo "hooks: the load generator failed: $out" >&2
        return 1
    }
    uniq=$(json_num unique <<<"$out")
    wait_until "$timeout" drained "$db" "$uniq" || {
        echo "hooks: deliveries (stored done failed) after ${timeout}s: $(deliveries "$db"), want $uniq" >&2
        return 1
    }
    td=$(now_us)
    wait_until "$timeout" completed "$db" "$uniq" || {
        echo "hooks: instances (completed total) after ${timeout}s: $(instances "$db")" >&2
        return 1
    }
    tc=$(now_us)
    read -r stored ndone failed < <(deliveries "$db")
    inst=$(hpsql -d "$db" -c "SELECT count(*) FROM instance")
    distinct=$(hpsql -d "$db" -c "SELECT count(DISTINCT i.key) FROM webhook_delivery w
        JOIN instance i ON i.key = w.instance_key WHERE w.state = 'done'")
    if ((stored != uniq || ndone != uniq || failed != 0 || inst != uniq || distinct != uniq)); then
        echo "hooks: want $uniq of each; deliveries stored $stored, done $ndone, failed $failed;" \
            "instances $inst, distinct instances of done deliveries $distinct" >&2
        return 1
    fi
    awk -v a="$(json_num per_s <<<"$out")" -v p50="$(json_num p50_ms <<<"$out")" \
        -v p99="$(json_num p99_ms <<<"$out")" -v u="$uniq" -v d="$((td - t0))" -v c="$((tc - t0))" \
        'BEGIN { printf "%s %s %s %d %.3f %.1f %.3f %.1f\n", a, p50, p99, u, d / 1e6, u / (d / 1e6), c / 1e6, u / (c / 1e6) }'
}

# starts_run URL DB HOOK_LOAD N CONNECTIONS TIMEOUT: the peer: N plain POST /api/instances of
# the same process over as many connections, then wait until all have completed. Prints
# "ack_per_s p50_ms p99_ms n done_s done_per_s".
starts_run() {
    local url=$1 db=$2 load=$3 n=$4 conns=$5 timeout=$6 t0 out tc
    t0=$(now_us)
    out=$(HOOK_LOAD_KEY=$bench_key "$load" start "$url" hook_load "$n" "$conns") || {
        echo "starts: the load generator failed: $out" >&2
        return 1
    }
    wait_until "$timeout" completed "$db" "$n" || {
        echo "starts: instances (completed total) after ${timeout}s: $(instances "$db")" >&2
        return 1
    }
    tc=$(now_us)
    awk -v a="$(json_num per_s <<<"$out")" -v p50="$(json_num p50_ms <<<"$out")" \
        -v p99="$(json_num p99_ms <<<"$out")" -v n="$n" -v c="$((tc - t0))" \
        'BEGIN { printf "%s %s %s %d %.3f %.1f\n", a, p50, p99, n, c / 1e6, n / (c / 1e6) }'
}
