/*
 * base/calendar.c - the proleptic Gregorian calendar (contracts in
 * calendar.h).
 *
 * days_from_civil and civil_from_days count in eras of 400 years (146097
 * days, which repeat exactly) starting on March 1, so that February, the
 * month of irregular length, is the last of the year: see Howard Hinnant's
 * paper for the derivation of each constant.
 */
#include "base/calendar.h"

#define SECS_PER_DAY 86400

int64_t ordo_days_from_civil(int64_t y, int m, int d)
{
    int64_t era;
    int64_t yoe;
    int64_t doy;
    int64_t doe;

    y -= m <= 2;
    era = ordo_floor_div(y, 400);
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void ordo_civil_from_days(int64_t days, int64_t *y, int *m, int *d)
{
    int64_t z = days + 719468;
    int64_t era = ordo_floor_div(z, 146097);
    /* Within an era the numbers are small and never negative: unsigned
     * 32-bit arithmetic, cheaper than int64_t's. */
    uint32_t doe = (uint32_t)(z - era * 146097);                          /* [0, 146096] */
    uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365] */
    uint32_t mp = (5 * doy + 2) / 153;                                    /* [0, 11] */

    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

bool ordo_is_leap_year(int64_t y)
{
    return ordo_floor_mod(y, 4) == 0 &&
           (ordo_floor_mod(y, 100) != 0 || ordo_floor_mod(y, 400) == 0);
}

int ordo_days_in_month(int64_t y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return m == 2 && ordo_is_leap_year(y) ? 29 : dim[m - 1];
}

void ordo_civil_add_months(int64_t *y, int *m, int *d, int64_t months)
{
    int64_t total = *y * 12 + (*m - 1) + months;
    int dim;

    *y = ordo_floor_div(total, 12);
    *m = (int)ordo_floor_mod(total, 12) + 1;
    dim = ordo_days_in_month(*y, *m);
    *d = *d < dim ? *d : dim;
}

static void put_2(char *p, unsigned v)
{
    p[0] = (char)('0' + v / 10 % 10);
    p[1] = (char)('0' + v % 10);
}

void ordo_format_rfc3339_ms(int64_t unix_ms, char out[ORDO_RFC3339_MS_SIZE])
{
    int64_t secs = ordo_floor_div(unix_ms, 1000);
    unsigned msec = (unsigned)ordo_floor_mod(unix_ms, 1000);
    int64_t days = ordo_floor_div(secs, SECS_PER_DAY);
    unsigned sod = (unsigned)ordo_floor_mod(secs, SECS_PER_DAY);
    int64_t y;
    int m;
    int d;

    ordo_civil_from_days(days, &y, &m, &d);
    y = y < 0 ? 0 : y > 9999 ? 9999 : y;
    put_2(out, (unsigned)(y / 100));
    put_2(out + 2, (unsigned)(y % 100));
    out[4] = '-';
    put_2(out + 5, (unsigned)m);
    out[7] = '-';
    put_2(out + 8, (unsigned)d);
    out[10] = 'T';
    put_2(out + 11, sod / 3600);
    out[13] = ':';
    put_2(out + 14, sod / 60 % 60);
    out[16] = ':';
    put_2(out + 17, sod % 60);
    out[19] = '.';
    out[20] = (char)('0' + msec / 100);
    put_2(out + 21, msec % 100);
    out[23] = 'Z';
    out[24] = '\0';
}
