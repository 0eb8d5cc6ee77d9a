#include "server/multipart.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

#define MAX_PARTS 64

static const char *find_nocase(const char *s, const char *word)
{
    size_t n = strlen(word);

    for (; s && *s; s++) {
        if (strncasecmp(s, word, n) == 0) {
            return s;
        }
    }
    return NULL;
}

/* The boundary parameter of a Content-Type, unquoted. */
static const char *boundary_of(const char *type, struct ordo_arena *arena)
{
    const char *p = find_nocase(type, "boundary=");
    size_t len;

    if (!p || strncasecmp(type, "multipart/form-data", strlen("multipart/form-data")) != 0) {
        return NULL;
    }
    p += strlen("boundary=");
    if (*p == '"') {
        p++;
        len = strcspn(p, "\"");
    } else {
        len = strcspn(p, "; \t");
    }
    return len > 0 && len <= 70 ? ordo_arena_strndup(arena, p, len) : NULL;
}

static const char *find(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
    for (size_t i = 0; nlen <= hlen && i <= hlen - nlen; i++) {
        if (hay[i] == needle[0] && memcmp(hay + i, needle, nlen) == 0) {
            return hay + i;
        }
    }
    return NULL;
}

/* A parameter of Content-Disposition: name="x" or filename="y". */
static const char *disposition_param(const char *line, size_t len, const char *key,
                                     struct ordo_arena *arena)
{
    char *l = ordo_arena_strndup(arena, line, len);
    size_t klen = strlen(key);

    for (char *p = l; (p = strstr(p, key)) != NULL; p += klen) {
        if ((p == l || p[-1] == ' ' || p[-1] == ';') && p[klen] == '=' && p[klen + 1] == '"') {
            char *v = p + klen + 2;

            v[strcspn(v, "\"")] = '\0';
            return v;
        }
    }
    return NULL;
}

/* Read the headers of one part; '*data' is set after the blank line. */
static bool part_headers(const char *p, const char *end, struct ordo_multipart_part *part,
                         const char **data, struct ordo_arena *arena)
{
    const char *hend = find(p, (size_t)(end - p), "\r\n\r\n", 4);

    if (!hend) {
        return false;
    }
    while (p < hend) {
        const char *eol = find(p, (size_t)(hend + 2 - p), "\r\n", 2);
        size_t len = (size_t)(eol - p);

        if (len > 20 && strncasecmp(p, "Content-Disposition:", 20) == 0) {
            part->name = disposition_param(p, len, "name", arena);
            part->filename = disposition_param(p, len, "filename", arena);
        } else if (len > 13 && strncasecmp(p, "Content-Type:", 13) == 0) {
            part->content_type =
                ordo_arena_strndup(arena, p + 13 + (p[13] == ' '), len - 13 - (p[13] == ' '));
        }
        p = eol + 2;
    }
    *data = hend + 4;
    return part->name != NULL;
}

enum ordo_code ordo_multipart_parse(const char *content_type, const char *body, size_t len,
                                    struct ordo_arena *arena,
                                    const struct ordo_multipart_part **parts, size_t *nparts,
                                    struct ordo_err *err)
{
    const char *b = boundary_of(content_type, arena);
    const char *delim = b ? ordo_arena_printf(arena, "\r\n--%s", b) : NULL;
    struct ordo_multipart_part *out = ordo_arena_calloc(arena, MAX_PARTS, sizeof *out);
    const char *end = body + len;
    const char *p;
    size_t n = 0;

    if (!b) {
        return ordo_err_set(err, ORDO_E_INVAL, "multipart body without a boundary");
    }
    /* The first delimiter may start the body without the leading CRLF. */
    p = find(body, len, delim + 2, strlen(delim) - 2);
    while (p) {
        const char *data, *next;

        p += strlen(delim) - 2;
        if (end - p >= 2 && p[0] == '-' && p[1] == '-') {
            *parts = out;
            *nparts = n;
            return ORDO_OK;
        }
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n' || n == MAX_PARTS ||
            !part_headers(p + 2, end, &out[n], &data, arena)) {
            break;
        }
        next = find(data, (size_t)(end - data), delim, strlen(delim));
        if (!next) {
            break;
        }
        out[n].data = data;
        out[n].len = (size_t)(next - data);
        n++;
        p = next + 2;
    }
    return ordo_err_set(err, ORDO_E_INVAL, "malformed multipart body");
}
