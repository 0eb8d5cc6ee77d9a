/*
 * core/graph_expr.c - expressions and values of the graph compiler
 * (CONTRACTS.md §2): "=..." is FEEL, "${...}" or "#{...}" is JUEL,
 * translated to FEEL once here; other text is FEEL as written (conditions)
 * or a string constant (mapping sources), as the caller says. Text that
 * holds "${" or "#{" anywhere counts as JUEL, so a JUEL template ("Hello
 * ${name}") is refused by the translator instead of being taken for a
 * constant.
 */
#include <string.h>

#include "base/buf.h"
#include "base/text.h"
#include "core/graph_internal.h"

bool ordo_graph_is_expression(const char *text)
{
    while (text && ordo_is_space((unsigned char)*text)) {
        text++;
    }
    return text && (*text == '=' || strstr(text, "${") || strstr(text, "#{"));
}

/* 's' as a FEEL string literal, in 'arena'. */
static const char *feel_string_literal(struct ordo_arena *arena, const char *s)
{
    struct ordo_buf b = ORDO_BUF_INIT;
    const char *out;

    ordo_buf_putc(&b, '"');
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;

        if (ch == '"' || ch == '\\') {
            ordo_buf_putc(&b, '\\');
            ordo_buf_putc(&b, (char)ch);
        } else if (ch == '\n') {
            ordo_buf_puts(&b, "\\n");
        } else if (ch == '\r') {
            ordo_buf_puts(&b, "\\r");
        } else if (ch == '\t') {
            ordo_buf_puts(&b, "\\t");
        } else if (ch < 0x20) {
            ordo_buf_printf(&b, "\\u%04x", (unsigned)ch);
        } else {
            ordo_buf_putc(&b, (char)ch);
        }
    }
    ordo_buf_putc(&b, '"');
    out = ordo_arena_strdup(arena, ordo_buf_cstr(&b));
    ordo_buf_cleanup(&b);
    return out;
}

/* 'juel': the text is JUEL Ordo cannot translate, so the way out (for a
 * Camunda 7 model moving over) is to write it in FEEL. */
static void report_expr(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *el, const char *what,
                        const char *text, const struct ordo_err *e, bool juel)
{
    char quoted[96];

    ordo_graph_report(c, el, "expression", "%s \"%s\" does not compile: %s%s", what,
                      ordo_utf8_quote(quoted, sizeof(quoted), text, strlen(text), 64), e->msg,
                      juel ? "; write it in FEEL instead, starting with \"=\" (docs/feel.md)" : "");
}

bool ordo_graph_expr(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *el, const char *what,
                     const char *text, enum ordo_graph_plain plain, struct ordo_graph_expr *out)
{
    const char *t = ordo_graph_trim(c, text);
    const char *src = t;
    struct ordo_err e = {0};
    bool juel = false;

    if (!t || !*t) {
        return true;
    }
    if (*t == '=') {
        src = t + 1;
    } else if (strstr(t, "${") || strstr(t, "#{")) {
        if (ordo_feel_from_juel(c->arena, t, &src, &e) != ORDO_OK) {
            report_expr(c, el, what, t, &e, true);
            return false;
        }
        juel = true;
    } else if (plain == ORDO_GRAPH_PLAIN_STRING) {
        src = feel_string_literal(c->arena, t);
    }
    if (ordo_feel_compile(c->arena, src, strlen(src), c->feel_limits, &out->feel, &e) != ORDO_OK) {
        out->feel = NULL;
        report_expr(c, el, what, t, &e, false);
        return false;
    }
    if (juel) {
        char quoted[96];

        ordo_graph_note(c, el, "juel", "%s \"%s\" is JUEL; it runs as the FEEL expression \"%s\"",
                        what, ordo_utf8_quote(quoted, sizeof(quoted), t, strlen(t), 64), src);
    }
    out->text = t;
    return true;
}

bool ordo_graph_value(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *el, const char *what,
                      const char *text, struct ordo_graph_value *out)
{
    if (!text) {
        return true;
    }
    if (ordo_graph_is_expression(text)) {
        return ordo_graph_expr(c, el, what, text, ORDO_GRAPH_PLAIN_FEEL, &out->expr);
    }
    out->constant = ordo_graph_trim(c, text);
    if (!*out->constant) {
        out->constant = NULL; /* blank: absent */
    }
    return true;
}
