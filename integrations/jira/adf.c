/*
 * integrations/jira/adf.c - plain text to ADF (see adf.h).
 */
#include "integrations/jira/adf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "integrations/common/text.h"

struct line {
    const char *s;
    size_t n; /* without the CR LF or LF */
};

static bool is_blank(const struct line *l)
{
    for (size_t i = 0; i < l->n; i++) {
        if (l->s[i] != ' ' && l->s[i] != '\t') {
            return false;
        }
    }
    return true;
}

static size_t leading_spaces(const struct line *l)
{
    size_t i = 0;

    while (i < l->n && l->s[i] == ' ') {
        i++;
    }
    return i;
}

/* Length of a "- " or "* " marker (with leading spaces), or 0. */
static size_t bullet_marker(const struct line *l)
{
    size_t i = leading_spaces(l);

    if (i + 1 < l->n && (l->s[i] == '-' || l->s[i] == '*') && l->s[i + 1] == ' ') {
        return i + 2;
    }
    return 0;
}

/* Length of a "12. " marker (with leading spaces), or 0. */
static size_t ordered_marker(const struct line *l)
{
    size_t i = leading_spaces(l);
    size_t digits = 0;

    while (i < l->n && l->s[i] >= '0' && l->s[i] <= '9' && digits < 9) {
        i++;
        digits++;
    }
    if (digits > 0 && i + 1 < l->n && l->s[i] == '.' && l->s[i + 1] == ' ') {
        return i + 2;
    }
    return 0;
}

/* The level of a "## Heading" line (1 to 6), or 0; '*skip' is the marker's
 * length. */
static int heading_level(const struct line *l, size_t *skip)
{
    size_t i = 0;

    while (i < l->n && l->s[i] == '#' && i < 7) {
        i++;
    }
    if (i == 0 || i > 6 || i + 1 >= l->n || l->s[i] != ' ') {
        return 0;
    }
    *skip = i + 1;
    return (int)i;
}

static json_t *node(const char *type, json_t *content)
{
    return json_pack("{s:s, s:o}", "type", type, "content", content);
}

/* A text node, or NULL for empty text or text that is not UTF-8. */
static json_t *text_node(const char *s, size_t n)
{
    json_t *t = n ? json_stringn(s, n) : NULL;

    return t ? json_pack("{s:s, s:o}", "type", "text", "text", t) : NULL;
}

/* A paragraph of 'count' lines, each without its first 'skip' bytes (a
 * list marker), joined by hardBreak nodes. */
static json_t *paragraph(const struct line *lines, size_t count, size_t skip)
{
    json_t *content = json_array();

    for (size_t i = 0; i < count; i++) {
        size_t cut = skip < lines[i].n ? skip : lines[i].n;
        json_t *t = text_node(lines[i].s + cut, lines[i].n - cut);

        if (i > 0) {
            json_array_append_new(content, json_pack("{s:s}", "type", "hardBreak"));
        }
        if (t) {
            json_array_append_new(content, t);
        }
    }
    return node("paragraph", content);
}

/* A bullet or ordered list, one item per line. */
static json_t *list(const char *type, const struct line *lines, size_t count, bool ordered)
{
    json_t *items = json_array();

    for (size_t i = 0; i < count; i++) {
        size_t skip = ordered ? ordered_marker(&lines[i]) : bullet_marker(&lines[i]);

        json_array_append_new(items,
                              node("listItem", json_pack("[o]", paragraph(&lines[i], 1, skip))));
    }
    return node(type, items);
}

static bool all_lines(const struct line *lines, size_t count, size_t (*marker)(const struct line *))
{
    for (size_t i = 0; i < count; i++) {
        if (marker(&lines[i]) == 0) {
            return false;
        }
    }
    return true;
}

static json_t *block(const struct line *lines, size_t count)
{
    size_t skip = 0;
    int level = count == 1 ? heading_level(&lines[0], &skip) : 0;

    if (level > 0) {
        json_t *t = text_node(lines[0].s + skip, lines[0].n - skip);

        return json_pack("{s:s, s:{s:i}, s:o}", "type", "heading", "attrs", "level", level,
                         "content", t ? json_pack("[o]", t) : json_array());
    }
    if (all_lines(lines, count, bullet_marker)) {
        return list("bulletList", lines, count, false);
    }
    if (all_lines(lines, count, ordered_marker)) {
        return list("orderedList", lines, count, true);
    }
    return paragraph(lines, count, 0);
}

/* Split 'text' into lines; the caller frees '*out'. */
static size_t split_lines(const char *text, struct line **out)
{
    size_t cap = 1;
    size_t n = 0;
    const char *p;

    for (p = text; *p; p++) {
        cap += *p == '\n';
    }
    *out = ordo_conn_xmalloc(cap * sizeof(**out));
    p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);

        (*out)[n].s = p;
        (*out)[n].n = (len > 0 && p[len - 1] == '\r') ? len - 1 : len;
        n++;
        p = nl ? nl + 1 : p + len;
    }
    return n;
}

json_t *ordo_jira_adf(const char *text)
{
    json_t *content = json_array();
    struct line *lines;
    size_t n = split_lines(text ? text : "", &lines);
    size_t i = 0;

    while (i < n) {
        size_t j;

        if (is_blank(&lines[i])) {
            i++;
            continue;
        }
        j = i + 1;
        while (j < n && !is_blank(&lines[j])) {
            j++;
        }
        json_array_append_new(content, block(&lines[i], j - i));
        i = j;
    }
    free(lines);
    return json_pack("{s:s, s:i, s:o}", "type", "doc", "version", 1, "content", content);
}
