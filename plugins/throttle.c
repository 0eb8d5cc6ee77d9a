/*
 * plugins/throttle.c - per-credential rate limits in PostgreSQL (see
 * throttle.h).
 *
 * One row per credential, created on first use. The budget is a token
 * bucket kept as (tokens, refilled_at): a call refills by the time passed
 * and takes one token in the same UPDATE, under the row lock, so two
 * nodes never spend the same token. The clock is the database's, the one
 * clock all nodes share.
 */
#include "plugins/throttle.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/arena.h"
#include "base/pg.h"

static const char *i64(struct ordo_arena *a, int64_t v)
{
    return ordo_arena_printf(a, "%lld", (long long)v);
}

/* burst = a tenth of a minute's budget, at least one call. */
static double burst_of(int rate_per_minute)
{
    double b = rate_per_minute / 10.0;

    return b < 1.0 ? 1.0 : b;
}

enum ordo_code ordo_throttle_take(PGconn *db, int64_t credential_id, int rate_per_minute,
                                  int64_t *wait_ms, struct ordo_err *err)
{
    struct ordo_arena *a;
    PGresult *res = NULL;
    enum ordo_code rc;

    *wait_ms = 0;
    if (credential_id <= 0) {
        return ORDO_OK;
    }
    a = ordo_arena_new();
    {
        const char *p[3] = {i64(a, credential_id),
                            ordo_arena_printf(a, "%.6f", burst_of(rate_per_minute)),
                            ordo_arena_printf(a, "%.6f", rate_per_minute / 60.0)};

        rc = ordo_pg_exec(
            db, a, "could not check the credential's rate limit",
            "WITH ins AS (INSERT INTO connector_throttle (credential_id, tokens, refilled_at) "
            "VALUES ($1, $2::float8, clock_timestamp()) ON CONFLICT (credential_id) DO NOTHING), "
            "cur AS (SELECT credential_id, blocked_until, CASE WHEN $3::float8 <= 0 THEN 1 ELSE "
            "least($2::float8, coalesce(tokens, $2::float8) + extract(epoch FROM "
            "clock_timestamp() - coalesce(refilled_at, clock_timestamp())) * $3::float8) END AS "
            "avail FROM connector_throttle WHERE credential_id = $1 FOR UPDATE) "
            "UPDATE connector_throttle t SET refilled_at = clock_timestamp(), tokens = CASE WHEN "
            "cur.blocked_until > clock_timestamp() OR cur.avail < 1 THEN cur.avail ELSE "
            "cur.avail - 1 END FROM cur WHERE t.credential_id = cur.credential_id RETURNING "
            "greatest(coalesce(ceil(extract(epoch FROM cur.blocked_until - clock_timestamp()) * "
            "1000), 0), CASE WHEN cur.avail < 1 THEN ceil((1 - cur.avail) / $3::float8 * 1000) "
            "ELSE 0 END)::bigint",
            3, p, &res, err);
    }
    /* The first call of a credential inserts the row; the UPDATE of the
     * same statement cannot see it yet and returns nothing: that call
     * takes its token from a full bucket, so it may go. */
    if (rc == ORDO_OK && PQntuples(res) == 1) {
        *wait_ms = ordo_pg_int(res, 0, 0);
    }
    ordo_arena_free(a);
    return rc;
}

enum ordo_code ordo_throttle_block(PGconn *db, int64_t credential_id, int64_t delay_ms,
                                   struct ordo_err *err)
{
    char id[24];
    char ms[24];
    const char *p[2] = {id, ms};

    if (credential_id <= 0 || delay_ms <= 0) {
        return ORDO_OK;
    }
    delay_ms = delay_ms > ORDO_THROTTLE_MAX_WAIT_MS ? ORDO_THROTTLE_MAX_WAIT_MS : delay_ms;
    (void)snprintf(id, sizeof id, "%lld", (long long)credential_id);
    (void)snprintf(ms, sizeof ms, "%lld", (long long)delay_ms);
    return ordo_pg_run(
        db, "could not record the credential's rate limit",
        "INSERT INTO connector_throttle AS t (credential_id, blocked_until) VALUES ($1, "
        "clock_timestamp() + $2::bigint * interval '1 millisecond') ON CONFLICT (credential_id) "
        "DO UPDATE SET blocked_until = greatest(t.blocked_until, EXCLUDED.blocked_until)",
        2, p, err);
}
