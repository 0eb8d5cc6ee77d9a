/*
 * base/duration.c - durations with units (base/duration.h).
 */
#include "base/duration.h"

#include <string.h>

#define ITEM_MAX 32 /* characters of one duration worth quoting in a message */

static int64_t unit_ms(const char *unit, size_t len)
{
    static const struct {
        const char *name;
        int64_t ms;
    } units[] = {{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"d", 86400000}};

    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strlen(units[i].name) == len && memcmp(units[i].name, unit, len) == 0) {
            return units[i].ms;
        }
    }
    return 0;
}

/* 'len' bytes of 'text' as one duration. */
static enum ordo_code parse_span(const char *text, size_t len, int64_t *ms, struct ordo_err *err)
{
    int64_t value = 0, unit;
    size_t digits = 0;

    while (digits < len && text[digits] >= '0' && text[digits] <= '9') {
        if (value > ORDO_DURATION_MAX_MS) {
            break;
        }
        value = value * 10 + (text[digits] - '0');
        digits++;
    }
    unit = unit_ms(text + digits, len - digits);
    if (digits == 0 || unit == 0) {
        return ordo_err_set(err, ORDO_E_INVAL,
                            "\"%.*s\" is not a duration (a whole number and one of ms, s, m, h, d)",
                            (int)(len > ITEM_MAX ? ITEM_MAX : len), text);
    }
    if (value > ORDO_DURATION_MAX_MS / unit) {
        return ordo_err_set(err, ORDO_E_INVAL, "duration \"%.*s\" is too long",
                            (int)(len > ITEM_MAX ? ITEM_MAX : len), text);
    }
    *ms = value * unit;
    return ORDO_OK;
}

static void trim(const char **s, size_t *len)
{
    while (*len > 0 && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*len)--;
    }
    while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t')) {
        (*len)--;
    }
}

enum ordo_code ordo_duration_parse(const char *text, int64_t *ms, struct ordo_err *err)
{
    const char *s = text ? text : "";
    size_t len = strlen(s);

    trim(&s, &len);
    return parse_span(s, len, ms, err);
}

enum ordo_code ordo_duration_list_parse(const char *text, int64_t out[ORDO_DURATION_LIST_MAX],
                                        size_t *n, struct ordo_err *err)
{
    const char *s = text ? text : "";
    size_t count = 0;

    for (;;) {
        const char *comma = strchr(s, ',');
        const char *item = s;
        size_t len = comma ? (size_t)(comma - s) : strlen(s);
        enum ordo_code rc;

        trim(&item, &len);
        if (len == 0) {
            return ordo_err_set(err, ORDO_E_INVAL, "a list of durations has an empty item");
        }
        if (count == ORDO_DURATION_LIST_MAX) {
            return ordo_err_set(err, ORDO_E_INVAL, "a list of durations has more than %d items",
                                ORDO_DURATION_LIST_MAX);
        }
        rc = parse_span(item, len, &out[count], err);
        if (rc != ORDO_OK) {
            return rc;
        }
        count++;
        if (!comma) {
            break;
        }
        s = comma + 1;
    }
    *n = count;
    return ORDO_OK;
}
