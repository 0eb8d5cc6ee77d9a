#include "tests/unit/utc_ms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/calendar.h"

/* The 'n' digits at 'at' in 's'. */
static int num(const char *s, size_t at, size_t n)
{
    int v = 0;

    for (size_t i = at; i < at + n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            (void)fprintf(stderr, "ordotest_utc_ms: not a date-time: %s\n", s);
            abort();
        }
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int64_t ordotest_utc_ms(const char *iso)
{
    int64_t day;
    int64_t sec;

    if (strlen(iso) < 19) {
        (void)fprintf(stderr, "ordotest_utc_ms: not a date-time: %s\n", iso);
        abort();
    }
    day = ordo_days_from_civil(num(iso, 0, 4), num(iso, 5, 2), num(iso, 8, 2));
    sec = (int64_t)num(iso, 11, 2) * 3600 + (int64_t)num(iso, 14, 2) * 60 + num(iso, 17, 2);
    return (day * 86400 + sec) * 1000 + (strlen(iso) > 20 ? num(iso, 20, 3) : 0);
}
