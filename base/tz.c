/*
 * base/tz.c - time zones: TZif files (RFC 8536), their POSIX TZ footer
 * rules, fixed offsets, and the process-wide cache (contracts in tz.h).
 *
 * A TZif file holds a table of transitions (instant -> type) and types
 * (offset, daylight saving flag). Version 1 has 32-bit instants only;
 * versions 2 to 4 repeat the data with 64-bit instants and end with a
 * footer, a POSIX TZ string for every instant after the last transition.
 * Only the 64-bit data is used when it is there. Version 3 lets rule times
 * run from -167 to 167 hours; version 4 only changes leap second tables,
 * which are refused (Unix time has no leap seconds, so a "right/" zone
 * would be off by half a minute).
 *
 * A zone is one malloc'd block per table, built once and never changed;
 * the cache is a small hash table of chains under one mutex, which a
 * lookup holds only to search and to insert: a file is read and parsed
 * outside it, and a zone built twice by two threads at once loses the race
 * and is freed before anyone saw it.
 */
#include "base/tz.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/calendar.h"
#include "base/file.h"
#include "base/strmap.h"
#include "base/text.h"

#ifndef ORDO_TZ_DIR
#define ORDO_TZ_DIR "/usr/share/zoneinfo"
#endif

#define TZ_MAX_FILE ((size_t)1 << 20) /* the largest zoneinfo file is about 4 KiB */
#define TZ_MAX_NAME 128
#define TZ_BUCKETS  64
#define SPD         86400
#define MIN_UTOFF   (-89999) /* RFC 8536: an offset is more than -25 h ... */
#define MAX_UTOFF   93599    /* ... and less than 26 h */
#define MAX_FIXED   (18 * 3600)
#define MS_LIMIT    ((int64_t)1 << 62)

struct tz_type {
    int32_t off; /* seconds east of UTC */
    bool dst;
};

/* One end of daylight saving time in a POSIX TZ rule. */
struct rule_day {
    char kind;    /* 'J': day 1-365, Feb 29 never counted; 'N': day 0-365; 'M': m.w.d */
    int n;        /* the day of 'J' and 'N' */
    int m, w, d;  /* month 1-12, week 1-5 (5: the last), weekday 0-6 (Sunday 0) */
    int32_t time; /* seconds after local midnight, -167 h to 167 h */
};

/* "CET-1CEST,M3.5.0,M10.5.0/3": offsets east (POSIX writes them west). */
struct tz_rule {
    int32_t std_off;
    int32_t dst_off;
    bool has_dst;
    struct rule_day start, end;
};

struct ordo_tz {
    const char *name;
    int64_t *trans;        /* transition instants, Unix seconds, ascending */
    uint8_t *idx;          /* the type each transition switches to */
    struct tz_type *types; /* at least one; the first rules before any transition */
    size_t ntrans;
    size_t ntypes;
    bool has_rule;
    struct tz_rule rule;  /* after the last transition, when has_rule */
    struct tz_type fixed; /* 'types' of a fixed offset */
    struct ordo_tz *next; /* in its cache bucket */
};

static struct tz_type utc_type = {0, false};
static struct ordo_tz utc_zone = {.name = "UTC", .types = &utc_type, .ntypes = 1};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ordo_tz *cache[TZ_BUCKETS];

/* ---- offsets ---- */

/* The day (since 1970-01-01) on which 'rd' falls in year 'y'. */
static int64_t rule_day_of(const struct rule_day *rd, int64_t y)
{
    int64_t first;
    int64_t day;

    switch (rd->kind) {
    case 'J':
        return ordo_days_from_civil(y, 1, 1) + rd->n - 1 + (ordo_is_leap_year(y) && rd->n >= 60);
    case 'N':
        return ordo_days_from_civil(y, 1, 1) + rd->n;
    default:
        first = ordo_days_from_civil(y, rd->m, 1);
        /* 1970-01-01 was a Thursday (4) */
        day = first + ordo_floor_mod(rd->d - ordo_floor_mod(first + 4, 7), 7) +
              (int64_t)(rd->w - 1) * 7;
        while (day >= first + ordo_days_in_month(y, rd->m)) {
            day -= 7; /* week 5 means the last such weekday */
        }
        return day;
    }
}

static int32_t rule_offset(const struct tz_rule *r, int64_t t)
{
    int64_t y;
    int m;
    int d;
    int64_t start;
    int64_t end;
    bool dst;

    if (!r->has_dst) {
        return r->std_off;
    }
    ordo_civil_from_days(ordo_floor_div(t + r->std_off, SPD), &y, &m, &d);
    /* The start is given in standard time, the end in daylight saving time. */
    start = rule_day_of(&r->start, y) * SPD + r->start.time - r->std_off;
    end = rule_day_of(&r->end, y) * SPD + r->end.time - r->dst_off;
    if (start < end) {
        dst = t >= start && t < end;
    } else { /* the southern hemisphere: daylight saving time spans the new year */
        dst = !(t >= end && t < start);
    }
    return dst ? r->dst_off : r->std_off;
}

/* The offset at Unix second 't'. */
static int32_t offset_at(const struct ordo_tz *tz, int64_t t)
{
    size_t lo = 0;
    size_t hi = tz->ntrans;

    if (tz->has_rule && (tz->ntrans == 0 || t >= tz->trans[tz->ntrans - 1])) {
        return rule_offset(&tz->rule, t);
    }
    if (tz->ntrans == 0 || t < tz->trans[0]) {
        return tz->types[0].off;
    }
    while (hi - lo > 1) { /* the last transition at or before 't' */
        size_t mid = lo + (hi - lo) / 2;

        if (tz->trans[mid] <= t) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return tz->types[tz->idx[lo]].off;
}

int32_t ordo_tz_offset(const struct ordo_tz *tz, int64_t utc_ms)
{
    return offset_at(tz, ordo_floor_div(utc_ms, 1000));
}

int64_t ordo_tz_to_utc(const struct ordo_tz *tz, int64_t local_ms)
{
    int64_t ms = local_ms < -MS_LIMIT ? -MS_LIMIT : local_ms > MS_LIMIT ? MS_LIMIT : local_ms;
    int64_t local = ordo_floor_div(ms, 1000);
    int32_t before = offset_at(tz, local - SPD);
    int32_t after = offset_at(tz, local + SPD);
    int64_t u = local - before;

    /* A transition near 'local' changes the offset from 'before' to 'after'.
     * With the earlier offset the time may exist (in an overlap it exists
     * twice, and that is the earlier instant); else with the later one;
     * else it is in a gap, and the earlier offset moves it forward by the
     * length of the gap. */
    if (u + offset_at(tz, u) != local && local - after + offset_at(tz, local - after) == local) {
        u = local - after;
    }
    return u * 1000 + (ms - local * 1000);
}

int32_t ordo_tz_standard_offset(const struct ordo_tz *tz)
{
    if (tz->has_rule) {
        return tz->rule.std_off;
    }
    for (size_t i = tz->ntrans; i-- > 0;) {
        if (!tz->types[tz->idx[i]].dst) {
            return tz->types[tz->idx[i]].off;
        }
    }
    return tz->types[0].off;
}

const struct ordo_tz *ordo_tz_utc(void)
{
    return &utc_zone;
}

const char *ordo_tz_name(const struct ordo_tz *tz)
{
    return tz->name;
}

/* ---- POSIX TZ strings (the TZif footer) ---- */

struct cur {
    const char *p, *end;
};

static bool at(const struct cur *c, char ch)
{
    return c->p < c->end && *c->p == ch;
}

static bool eat(struct cur *c, char ch)
{
    if (at(c, ch)) {
        c->p++;
        return true;
    }
    return false;
}

static bool at_digit(const struct cur *c)
{
    return c->p < c->end && ordo_is_digit((unsigned char)*c->p);
}

static bool is_alpha(char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z');
}

/* "CET", or "<+0530>" for names that are not letters. */
static bool rule_name(struct cur *c)
{
    const char *start = c->p;

    if (eat(c, '<')) {
        while (c->p < c->end && (is_alpha(*c->p) || ordo_is_digit((unsigned char)*c->p) ||
                                 *c->p == '+' || *c->p == '-')) {
            c->p++;
        }
        return c->p - start >= 2 && eat(c, '>');
    }
    while (c->p < c->end && is_alpha(*c->p)) {
        c->p++;
    }
    return c->p - start >= 3;
}

/* 1 to 3 digits, at most 'max'. */
static bool number(struct cur *c, int max, int *out)
{
    int v = 0;
    int n = 0;

    while (at_digit(c) && n < 3) {
        v = v * 10 + (*c->p++ - '0');
        n++;
    }
    *out = v;
    return n > 0 && !at_digit(c) && v <= max;
}

/* [+-]h[h[h]][:mm[:ss]] as seconds, hours at most 'max_h'. */
static bool hms(struct cur *c, int max_h, int32_t *out)
{
    bool neg = eat(c, '-');
    int h;
    int m = 0;
    int s = 0;

    if (!neg) {
        (void)eat(c, '+');
    }
    if (!number(c, max_h, &h) ||
        (eat(c, ':') && (!number(c, 59, &m) || (eat(c, ':') && !number(c, 59, &s))))) {
        return false;
    }
    *out = (neg ? -1 : 1) * (h * 3600 + m * 60 + s);
    return true;
}

/* "Jn", "n" or "Mm.w.d", then an optional "/time" (02:00 by default). */
static bool rule_date(struct cur *c, struct rule_day *rd)
{
    bool ok;

    if (eat(c, 'J')) {
        rd->kind = 'J';
        ok = number(c, 365, &rd->n) && rd->n >= 1;
    } else if (eat(c, 'M')) {
        rd->kind = 'M';
        ok = number(c, 12, &rd->m) && rd->m >= 1 && eat(c, '.') && number(c, 5, &rd->w) &&
             rd->w >= 1 && eat(c, '.') && number(c, 6, &rd->d);
    } else {
        rd->kind = 'N';
        ok = number(c, 365, &rd->n);
    }
    rd->time = 7200;
    return ok && (!eat(c, '/') || hms(c, 167, &rd->time));
}

static bool parse_rule(const char *s, size_t len, struct tz_rule *r)
{
    struct cur c = {s, s + len};
    int32_t v;

    memset(r, 0, sizeof(*r));
    if (!rule_name(&c) || !hms(&c, 24, &v)) {
        return false;
    }
    r->std_off = -v;
    if (c.p == c.end) {
        return true;
    }
    r->has_dst = true;
    r->dst_off = r->std_off + 3600;
    if (!rule_name(&c)) {
        return false;
    }
    if (c.p < c.end && !at(&c, ',')) {
        if (!hms(&c, 24, &v)) {
            return false;
        }
        r->dst_off = -v;
    }
    if (c.p == c.end) { /* no dates: POSIX's default, the United States' rules */
        r->start = (struct rule_day){.kind = 'M', .m = 3, .w = 2, .d = 0, .time = 7200};
        r->end = (struct rule_day){.kind = 'M', .m = 11, .w = 1, .d = 0, .time = 7200};
        return true;
    }
    return eat(&c, ',') && rule_date(&c, &r->start) && eat(&c, ',') && rule_date(&c, &r->end) &&
           c.p == c.end;
}

/* ---- TZif ---- */

struct reader {
    const unsigned char *p;
    size_t len;
    size_t pos;
};

struct tzif_head {
    char version;
    uint32_t isut, isstd, leap, time, type, chr;
};

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static int64_t be64(const unsigned char *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

static const char *read_head(struct reader *r, struct tzif_head *h)
{
    const unsigned char *p = r->p + r->pos;

    if (r->len - r->pos < 44 || memcmp(p, "TZif", 4) != 0) {
        return "no TZif header";
    }
    h->version = (char)p[4];
    h->isut = be32(p + 20);
    h->isstd = be32(p + 24);
    h->leap = be32(p + 28);
    h->time = be32(p + 32);
    h->type = be32(p + 36);
    h->chr = be32(p + 40);
    r->pos += 44;
    if (h->type == 0 || h->type > 256 || h->chr == 0 || (h->isstd != 0 && h->isstd != h->type) ||
        (h->isut != 0 && h->isut != h->type)) {
        return "inconsistent counts in the header";
    }
    return NULL;
}

/* Bytes of the data block after a header, with instants of 'tsize' bytes. */
static uint64_t block_size(const struct tzif_head *h, unsigned tsize)
{
    return (uint64_t)h->time * (tsize + 1) + (uint64_t)h->type * 6 + h->chr +
           (uint64_t)h->leap * (tsize + 4) + h->isstd + h->isut;
}

static void *alloc_or_die(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);

    if (!p) {
        ordo_oom(n * size);
    }
    return p;
}

static const char *read_types(struct reader *r, const struct tzif_head *h, struct ordo_tz *tz)
{
    tz->ntypes = h->type;
    tz->types = alloc_or_die(h->type, sizeof(*tz->types));
    for (uint32_t i = 0; i < h->type; i++) {
        const unsigned char *p = r->p + r->pos + (size_t)i * 6;
        int32_t off = (int32_t)be32(p);

        if (off < MIN_UTOFF || off > MAX_UTOFF || p[4] > 1 || p[5] >= h->chr) {
            return "a local time type is out of range";
        }
        tz->types[i].off = off;
        tz->types[i].dst = p[4] == 1;
    }
    r->pos += (size_t)h->type * 6;
    return NULL;
}

/* The data block: transitions, their types, the types; the rest skipped. */
static const char *read_block(struct reader *r, const struct tzif_head *h, unsigned tsize,
                              struct ordo_tz *tz)
{
    const unsigned char *p = r->p + r->pos;
    const char *why;

    if (block_size(h, tsize) > r->len - r->pos) {
        return "the file is truncated";
    }
    if (h->leap) {
        return "it counts leap seconds (a \"right/\" zone), which Unix time does not";
    }
    tz->ntrans = h->time;
    tz->trans = alloc_or_die(h->time, sizeof(*tz->trans));
    tz->idx = alloc_or_die(h->time, 1);
    for (uint32_t i = 0; i < h->time; i++) {
        const unsigned char *q = p + (size_t)i * tsize;

        tz->trans[i] = tsize == 8 ? be64(q) : (int64_t)(int32_t)be32(q);
        tz->idx[i] = p[(size_t)h->time * tsize + i];
        if ((i > 0 && tz->trans[i] <= tz->trans[i - 1]) || tz->idx[i] >= h->type) {
            return "the transitions are not in order or name no type";
        }
    }
    r->pos += (size_t)h->time * (tsize + 1);
    why = read_types(r, h, tz);
    if (why) {
        return why;
    }
    r->pos += h->chr + h->isstd + h->isut; /* no leap seconds, checked above */
    return NULL;
}

/* "\nCET-1CEST,M3.5.0,M10.5.0/3\n" at the end of a version 2+ file. */
static const char *read_footer(struct reader *r, struct ordo_tz *tz)
{
    const char *s = (const char *)r->p + r->pos + 1;
    const char *nl;
    size_t rest = r->len - r->pos;

    if (rest < 2 || r->p[r->pos] != '\n') {
        return "the footer is missing";
    }
    nl = memchr(s, '\n', rest - 1);
    if (!nl || (size_t)(nl - s) != rest - 2) {
        return "the footer is not one line at the end";
    }
    if (nl == s) {
        return NULL; /* no rule: the last transition's type stays */
    }
    if (!parse_rule(s, (size_t)(nl - s), &tz->rule)) {
        return "the footer is not a POSIX TZ rule";
    }
    tz->has_rule = true;
    return NULL;
}

static const char *read_tzif(const unsigned char *data, size_t len, struct ordo_tz *tz)
{
    struct reader r = {data, len, 0};
    struct tzif_head h;
    const char *why = read_head(&r, &h);

    if (why) {
        return why;
    }
    if (h.version == '\0') {
        return read_block(&r, &h, 4, tz);
    }
    if (block_size(&h, 4) > r.len - r.pos) {
        return "the file is truncated";
    }
    r.pos += (size_t)block_size(&h, 4); /* the 32-bit data, for version 1 readers */
    why = read_head(&r, &h);
    if (!why) {
        why = read_block(&r, &h, 8, tz);
    }
    return why ? why : read_footer(&r, tz);
}

/* ---- building zones ---- */

static void tz_free(struct ordo_tz *tz)
{
    if (tz) {
        free((void *)tz->name);
        free(tz->trans);
        free(tz->idx);
        if (tz->types != &tz->fixed) {
            free(tz->types);
        }
        free(tz);
    }
}

static struct ordo_tz *tz_new(const char *name, size_t len)
{
    struct ordo_tz *tz = alloc_or_die(1, sizeof(*tz));
    char *copy = alloc_or_die(len + 1, 1);

    memcpy(copy, name, len);
    tz->name = copy;
    return tz;
}

/* The shapes of a fixed offset: its length and where hh, mm, ss start
 * (0: absent). */
struct offset_form {
    size_t len;
    size_t at[3];
};

static const struct offset_form forms[] = {
    {3, {1, 0, 0}}, /* +hh */
    {5, {1, 3, 0}}, /* +hhmm */
    {6, {1, 4, 0}}, /* +hh:mm */
    {9, {1, 4, 7}}, /* +hh:mm:ss */
};

/* The offset 's' (a sign then 'f->len' - 1 characters) read as form 'f':
 * digits where the form has them, colons elsewhere. */
static bool read_fields(const char *s, const struct offset_form *f, int v[3])
{
    for (size_t i = 1; i < f->len; i++) {
        bool digit = false;

        for (size_t k = 0; k < 3; k++) {
            digit = digit || (f->at[k] && (i == f->at[k] || i == f->at[k] + 1));
        }
        if (digit ? !ordo_is_digit((unsigned char)s[i]) : s[i] != ':') {
            return false;
        }
    }
    for (size_t k = 0; k < 3; k++) {
        v[k] = f->at[k] ? (s[f->at[k]] - '0') * 10 + (s[f->at[k] + 1] - '0') : 0;
    }
    return true;
}

/* "+02", "-0530", "+05:30", "+05:30:15", after an optional "UTC", "GMT" or
 * "UT"; and the names of UTC itself. */
static bool parse_fixed(const char *name, int32_t *off)
{
    static const char *const utc_names[] = {"UTC",     "Z",        "GMT",      "UT",
                                            "UCT",     "Zulu",     "Etc/UTC",  "Etc/GMT",
                                            "Etc/UCT", "Etc/Zulu", "Universal"};
    static const char *const prefixes[] = {"UTC", "GMT", "UT"};
    const char *s = name;
    int v[3] = {0, 0, 0};
    size_t n;

    *off = 0;
    for (size_t i = 0; i < sizeof(utc_names) / sizeof(utc_names[0]); i++) {
        if (strcmp(name, utc_names[i]) == 0) {
            return true;
        }
    }
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
        n = strlen(prefixes[i]);
        if (strncmp(s, prefixes[i], n) == 0 && (s[n] == '+' || s[n] == '-')) {
            s += n;
            break;
        }
    }
    n = strlen(s);
    if ((s[0] != '+' && s[0] != '-') || strspn(s + 1, "0123456789:") != n - 1) {
        return false;
    }
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        if (forms[i].len == n && read_fields(s, &forms[i], v)) {
            *off = (s[0] == '-' ? -1 : 1) * (v[0] * 3600 + v[1] * 60 + v[2]);
            return v[1] < 60 && v[2] < 60 && *off >= -MAX_FIXED && *off <= MAX_FIXED;
        }
    }
    return false;
}
/* An IANA name, checked before it becomes part of a path: letters first,
 * then letters, digits and "/_+-", no empty component. */
static bool name_ok(const char *name, size_t len)
{
    static const char allowed[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                  "0123456789/_+-";

    return len > 0 && is_alpha(name[0]) && name[len - 1] != '/' && !strstr(name, "//") &&
           strspn(name, allowed) == len;
}

static enum ordo_code load_file(const char *name, size_t len, const char *quoted,
                                struct ordo_tz **out, struct ordo_err *err)
{
    char path[sizeof(ORDO_TZ_DIR) + TZ_MAX_NAME + 2];
    struct ordo_buf buf = ORDO_BUF_INIT;
    enum ordo_code rc;
    const char *why;
    struct ordo_tz *tz;

    (void)snprintf(path, sizeof(path), "%s/%s", ORDO_TZ_DIR, name);
    rc = ordo_file_read(path, TZ_MAX_FILE, NULL, &buf, NULL);
    if (rc == ORDO_E_TOOBIG) {
        ordo_buf_cleanup(&buf);
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "time zone \"%s\": %s is larger than 1 MiB",
                            quoted, path);
    }
    if (rc != ORDO_OK) { /* missing, a folder, unreadable: no such zone here */
        ordo_buf_cleanup(&buf);
        return ordo_err_set(err, ORDO_E_NOTFOUND, "unknown time zone \"%s\" (not in %s)", quoted,
                            ORDO_TZ_DIR);
    }
    tz = tz_new(name, len);
    why = read_tzif((const unsigned char *)buf.data, buf.len, tz);
    ordo_buf_cleanup(&buf);
    if (why) {
        tz_free(tz);
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "time zone \"%s\": %s is not valid TZif: %s",
                            quoted, path, why);
    }
    *out = tz;
    return ORDO_OK;
}

static enum ordo_code build(const char *name, size_t len, struct ordo_tz **out,
                            struct ordo_err *err)
{
    char quoted[TZ_MAX_NAME + 8];
    int32_t off;

    (void)ordo_utf8_quote(quoted, sizeof(quoted), name, len, 64);
    if (parse_fixed(name, &off)) {
        *out = tz_new(name, len);
        (*out)->fixed.off = off;
        (*out)->types = &(*out)->fixed;
        (*out)->ntypes = 1;
        return ORDO_OK;
    }
    if (!name_ok(name, len)) {
        return ordo_err_set(err, ORDO_E_INVAL,
                            "invalid time zone name \"%s\" (an IANA name such as "
                            "\"Europe/Berlin\", or an offset such as \"+02:00\")",
                            quoted);
    }
    return load_file(name, len, quoted, out, err);
}

/* ---- the cache ---- */

static size_t bucket_of(const char *name)
{
    return ordo_str_hash(name, 0) % TZ_BUCKETS;
}

static struct ordo_tz *find_locked(const char *name, size_t b)
{
    for (struct ordo_tz *tz = cache[b]; tz; tz = tz->next) {
        if (strcmp(tz->name, name) == 0) {
            return tz;
        }
    }
    return NULL;
}

enum ordo_code ordo_tz_get(const char *name, const struct ordo_tz **out, struct ordo_err *err)
{
    size_t len;
    size_t b;
    struct ordo_tz *found;
    struct ordo_tz *made = NULL;
    enum ordo_code rc;
    char quoted[80];

    if (!name || !*name || strcmp(name, "UTC") == 0) {
        *out = &utc_zone;
        return ORDO_OK;
    }
    len = strnlen(name, TZ_MAX_NAME + 1);
    if (len > TZ_MAX_NAME) {
        return ordo_err_set(err, ORDO_E_INVAL, "time zone name \"%s\" is longer than %d bytes",
                            ordo_utf8_quote(quoted, sizeof(quoted), name, len, 64), TZ_MAX_NAME);
    }
    b = bucket_of(name);
    (void)pthread_mutex_lock(&cache_lock);
    found = find_locked(name, b);
    (void)pthread_mutex_unlock(&cache_lock);
    if (!found) {
        rc = build(name, len, &made, err); /* outside the lock: it may read a file */
        if (rc != ORDO_OK || !made) {
            return rc != ORDO_OK ? rc : ORDO_E_INTERNAL;
        }
        (void)pthread_mutex_lock(&cache_lock);
        found = find_locked(name, b);
        if (!found) {
            made->next = cache[b];
            cache[b] = made;
            found = made;
            made = NULL;
        }
        (void)pthread_mutex_unlock(&cache_lock);
        tz_free(made); /* another thread built it first */
    }
    *out = found;
    return ORDO_OK;
}
