/*
 * Every BPMN file of ../shared/corpus/miwg compiles (core/graph.h) or is
 * refused for exactly the reasons tests/fixtures/corpus-outcomes.json lists:
 * "compiles", or one "rule element" string per finding ("rule line N" for
 * an element without id), in the order compile reports them. Any
 * difference fails the test, in either direction: a file that now
 * compiles or is refused differently, a file the fixture does not list, a
 * listed file that no longer exists.
 *
 * After a deliberate change, regenerate the fixture and review the diff:
 *   ORDOTEST_REGENERATE_OUTCOMES=1 ctest -R test_graph_corpus
 * (in the build directory). Every refusal in it must name a construct
 * Ordo does not execute; a process made only of supported elements must
 * compile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <jansson.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/file.h"
#include "bpmn/parse.h"
#include "core/graph.h"
#include "tests/unit/corpus.h"

#define MAX_REPORTED 25 /* differences spelled out in one failure */

static struct corpus corpus;

/* The corpus path relative to its miwg folder. */
static const char *relative(const char *path)
{
    const char *mark = strstr(path, "/miwg/");

    return mark ? mark + 6 : path;
}

static json_t *outcome_of(const char *path)
{
    struct ordo_bpmn_model *model = NULL;
    struct ordo_arena *arena = ordo_arena_new();
    struct ordo_graph *graph = NULL;
    const struct ordo_graph_finding *findings = NULL;
    size_t nfindings = 0;
    struct ordo_err err = {0};
    json_t *out;

    ck_assert_msg(ordo_bpmn_parse_file(path, NULL, &model, &err) == ORDO_OK, "%s: %s", path,
                  err.msg);
    if (ordo_graph_compile(model, NULL, arena, &graph, &findings, &nfindings, &err) == ORDO_OK) {
        out = json_string("compiles");
    } else {
        ck_assert_msg(nfindings > 0, "%s: refused without findings: %s", path, err.msg);
        out = json_array();
        for (size_t i = 0; i < nfindings; i++) {
            char item[512];

            if (findings[i].element) {
                (void)snprintf(item, sizeof(item), "%s %s", findings[i].rule, findings[i].element);
            } else {
                (void)snprintf(item, sizeof(item), "%s line %u", findings[i].rule,
                               (unsigned)findings[i].line);
            }
            json_array_append_new(out, json_string(item));
            if (getenv("ORDOTEST_VERBOSE")) {
                (void)printf("%s: %s [%s]\n", relative(path), findings[i].message,
                             findings[i].rule);
            }
        }
    }
    ordo_graph_free(graph);
    ordo_bpmn_model_free(model);
    ordo_arena_free(arena);
    return out;
}

static const char *fixture_path(void)
{
    static char path[4096];
    const char *src = getenv("ORDOTEST_SOURCE_DIR");

    ck_assert_msg(src && src[0], "ORDOTEST_SOURCE_DIR is not set: run this test through ctest");
    (void)snprintf(path, sizeof(path), "%s/tests/fixtures/corpus-outcomes.json", src);
    return path;
}

static void write_fixture(const char *path, const json_t *have)
{
    char *text = json_dumps(have, JSON_INDENT(2) | JSON_SORT_KEYS);
    struct ordo_buf b = ORDO_BUF_INIT;
    struct ordo_err err = {0};

    ck_assert_ptr_nonnull(text);
    ordo_buf_printf(&b, "%s\n", text);
    free(text);
    ck_assert_msg(ordo_file_write_atomic(path, b.data, b.len, &err) == ORDO_OK, "%s", err.msg);
    ordo_buf_cleanup(&b);
}

/* One difference, spelled out while there are few. */
static void note(struct ordo_buf *diff, size_t *count, const char *file, const json_t *want,
                 const json_t *have)
{
    char *w = want ? json_dumps(want, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    char *h = have ? json_dumps(have, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;

    if ((*count)++ < MAX_REPORTED) {
        if (!have) {
            ordo_buf_printf(diff, "\n  %s: listed (%s) but no longer in the corpus", file, w);
        } else if (!want) {
            ordo_buf_printf(diff, "\n  %s: not listed; it gives %s", file, h);
        } else {
            ordo_buf_printf(diff, "\n  %s: expected %s, got %s", file, w, h);
        }
    }
    free(w);
    free(h);
}

/* Both directions: every listed file, then every file not listed. */
static size_t compare(const json_t *want, const json_t *have, struct ordo_buf *diff)
{
    const char *file;
    json_t *value;
    size_t count = 0;

    json_object_foreach((json_t *)want, file, value)
    {
        const json_t *now = json_object_get(have, file);

        if (!now || !json_equal(value, now)) {
            note(diff, &count, file, value, now);
        }
    }
    json_object_foreach((json_t *)have, file, value)
    {
        if (!json_object_get(want, file)) {
            note(diff, &count, file, NULL, value);
        }
    }
    return count;
}

static void print_summary(const json_t *have)
{
    json_t *rules = json_object();
    const char *file;
    json_t *value;
    size_t compiled = 0;
    const char *rule;
    json_t *n;

    json_object_foreach((json_t *)have, file, value)
    {
        size_t i;
        json_t *item;

        compiled += json_is_string(value);
        json_array_foreach(value, i, item)
        {
            char name[128];

            (void)snprintf(name, sizeof(name), "%s", json_string_value(item));
            name[strcspn(name, " ")] = '\0';
            json_object_set_new(rules, name,
                                json_integer(json_integer_value(json_object_get(rules, name)) + 1));
        }
    }
    (void)printf("corpus: %zu files, %zu compile, %zu refused\n", json_object_size(have), compiled,
                 json_object_size(have) - compiled);
    json_object_foreach(rules, rule, n)
    {
        (void)printf("  %-28s %lld findings\n", rule, (long long)json_integer_value(n));
    }
    json_decref(rules);
}

START_TEST(every_corpus_file_has_its_recorded_outcome)
{
    const char *path = fixture_path();
    const char *regen = getenv("ORDOTEST_REGENERATE_OUTCOMES");
    json_t *have = json_object();
    json_t *want;
    json_error_t jerr;
    struct ordo_buf diff = ORDO_BUF_INIT;
    size_t ndiff;

    for (size_t i = 0; i < corpus.count; i++) {
        json_object_set_new(have, relative(corpus.paths[i]), outcome_of(corpus.paths[i]));
    }
    print_summary(have);
    if (regen && strcmp(regen, "1") == 0) {
        write_fixture(path, have);
    }
    want = json_load_file(path, 0, &jerr);
    ck_assert_msg(want != NULL,
                  "%s: %s; create it with ORDOTEST_REGENERATE_OUTCOMES=1 ctest -R "
                  "test_graph_corpus",
                  path, jerr.text);
    ndiff = compare(want, have, &diff);
    ck_assert_msg(ndiff == 0,
                  "%zu corpus files differ from %s:%s\nIf the change is deliberate, regenerate "
                  "with ORDOTEST_REGENERATE_OUTCOMES=1 ctest -R test_graph_corpus and review it",
                  ndiff, path, ordo_buf_cstr(&diff));
    ordo_buf_cleanup(&diff);
    json_decref(want);
    json_decref(have);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {every_corpus_file_has_its_recorded_outcome};

    return corpus_main(&corpus, "miwg", "graph_corpus", tests, sizeof(tests) / sizeof(tests[0]));
}
