/* core/extjob.c - see core/extjob.h. (Being written: every call refuses for now.) */
#include "core/extjob.h"

static enum ordo_code later(struct ordo_err *err)
{
    return ordo_err_set(err, ORDO_E_INTERNAL, "external jobs are not implemented yet");
}

enum ordo_code ordo_extjob_lock(struct ordo_store *st, const char *worker,
                                const struct ordo_extjob_topic *topics, size_t ntopics, int max,
                                struct ordo_arena *arena, struct ordo_extjob **out, size_t *n,
                                struct ordo_err *err)
{
    (void)st, (void)worker, (void)topics, (void)ntopics, (void)max, (void)arena;
    *out = NULL;
    *n = 0;
    return later(err);
}

enum ordo_code ordo_extjob_complete(struct ordo_store *st, int64_t key, const char *worker,
                                    const json_t *variables, const char *actor,
                                    struct ordo_err *err)
{
    (void)st, (void)key, (void)worker, (void)variables, (void)actor;
    return later(err);
}

enum ordo_code ordo_extjob_fail(struct ordo_store *st, int64_t key, const char *worker,
                                const char *message, int retries_left, int64_t retry_in_ms,
                                const json_t *variables, const char *actor, struct ordo_err *err)
{
    (void)st, (void)key, (void)worker, (void)message, (void)retries_left, (void)retry_in_ms;
    (void)variables, (void)actor;
    return later(err);
}

enum ordo_code ordo_extjob_error(struct ordo_store *st, int64_t key, const char *worker,
                                 const char *code, const char *message, const json_t *variables,
                                 const char *actor, struct ordo_err *err)
{
    (void)st, (void)key, (void)worker, (void)code, (void)message, (void)variables, (void)actor;
    return later(err);
}

enum ordo_code ordo_extjob_extend(struct ordo_store *st, int64_t key, const char *worker,
                                  int64_t lock_ms, struct ordo_err *err)
{
    (void)st, (void)key, (void)worker, (void)lock_ms;
    return later(err);
}

enum ordo_code ordo_extjob_unlock(struct ordo_store *st, int64_t key, struct ordo_err *err)
{
    (void)st, (void)key;
    return later(err);
}
