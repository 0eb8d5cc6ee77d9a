#include "base/crashpoint.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/text.h"

#define NAME_MAX_LEN 63

static char armed[NAME_MAX_LEN + 1];
static long remaining;
static atomic_long reached;

enum ordo_code ordo_crashpoint_set(const char *spec, struct ordo_err *err)
{
    const char *colon;
    size_t len;
    long n = 1;

    armed[0] = '\0';
    atomic_store(&reached, 0);
    if (!spec || !*spec) {
        return ORDO_OK;
    }
    colon = strchr(spec, ':');
    len = colon ? (size_t)(colon - spec) : strlen(spec);
    if (len == 0 || len > NAME_MAX_LEN) {
        return ordo_err_set(err, ORDO_E_INVAL, "crash point \"%s\": expected NAME or NAME:N", spec);
    }
    if (colon) {
        const char *p = colon + 1;

        n = 0;
        for (; ordo_is_digit((unsigned char)*p) && n < 1000000; p++) {
            n = n * 10 + (*p - '0');
        }
        if (*p || n < 1) {
            return ordo_err_set(err, ORDO_E_INVAL, "crash point \"%s\": N must be 1 or more", spec);
        }
    }
    memcpy(armed, spec, len);
    armed[len] = '\0';
    remaining = n;
    return ORDO_OK;
}

bool ordo_crashpoint_armed(const char *name)
{
    return armed[0] && strcmp(armed, name) == 0;
}

void ordo_crashpoint(const char *name)
{
    if (armed[0] && strcmp(armed, name) == 0 && atomic_fetch_add(&reached, 1) + 1 == remaining) {
        static const char msg[] = "ordo: crash point reached, exiting with status 137\n";

        (void)!write(STDERR_FILENO, msg, sizeof msg - 1);
        _exit(137);
    }
}
