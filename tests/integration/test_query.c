/*
 * tests/integration/test_query: the operator API's reads and small writes
 * (core/query.h) against a real PostgreSQL: lists and their pages, the
 * instance view, suspend and resume, variables, claims, and the task rule
 * of CONTRACTS §7.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "core/query.h"
#include "core/store.h"
#include "tests/integration/storetest.h"

/* ---- helpers -------------------------------------------------------------------------------- */

/* A successful call's document; the test owns it (freed by the fixture). */
static json_t *docs[64];
static size_t ndocs;

static void query_setup(void)
{
    storetest_setup();
    ndocs = 0;
}

static void query_teardown(void)
{
    for (size_t i = 0; i < ndocs; i++) {
        json_decref(docs[i]);
    }
    storetest_teardown();
}

static json_t *keep(json_t *doc)
{
    ck_assert_uint_lt(ndocs, sizeof docs / sizeof docs[0]);
    docs[ndocs++] = doc;
    return doc;
}

#define OK(call)                                                                            \
    do {                                                                                    \
        struct ordo_err err_ = {0};                                                         \
        enum ordo_code rc_ = (call);                                                        \
        ck_assert_msg(rc_ == ORDO_OK, "%s: %s (%s)", #call, ordo_code_name(rc_), err_.msg); \
    } while (0)

/* A key no row has (keys come from one sequence, from 1). */
#define UNKNOWN 999999999999LL

/* The code a call answers; 'err' inside 'call' is this record, cleared first. */
static struct ordo_err err;
#define CODE(call) (memset(&err, 0, sizeof err), (call))

static const char *str(const json_t *obj, const char *name)
{
    const json_t *v = json_object_get(obj, name);

    ck_assert_msg(v != NULL, "no field \"%s\"", name);
    return json_is_null(v) ? NULL : json_string_value(v);
}

static size_t nitems(const json_t *list)
{
    return json_array_size(json_object_get(list, "items"));
}

static const json_t *item(const json_t *list, size_t i)
{
    return json_array_get(json_object_get(list, "items"), i);
}

static const char *next_of(const json_t *list)
{
    return str(list, "next");
}

static int64_t key_of(const json_t *obj)
{
    return strtoll(str(obj, "key"), NULL, 10);
}

/* Every item's value of 'field', comma-separated, in order. Static buffer. */
static const char *column(const json_t *list, const char *field)
{
    static char out[1024];
    size_t len = 0;

    out[0] = '\0';
    for (size_t i = 0; i < nitems(list); i++) {
        const char *v = str(item(list, i), field);

        len += (size_t)snprintf(out + len, sizeof out - len, "%s%s", i ? "," : "", v ? v : "-");
        ck_assert_uint_lt(len, sizeof out);
    }
    return out;
}

static bool is_rfc3339_ms(const char *s)
{
    regex_t re;
    bool ok;

    ck_assert_int_eq(regcomp(&re,
                             "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
                             REG_EXTENDED | REG_NOSUB),
                     0);
    ok = s && regexec(&re, s, 0, NULL, 0) == 0;
    regfree(&re);
    return ok;
}

static int64_t open_task(int64_t instance, const char *element)
{
    const char *params = storetest_key(instance);
    char sql[256];

    (void)snprintf(sql, sizeof sql,
                   "SELECT key FROM user_task WHERE instance_key = $1 AND element_id = '%s' AND "
                   "state = 'created'",
                   element);
    return strtoll(storetest_sql1(sql, params), NULL, 10);
}

static int64_t definition_key(const char *process)
{
    return strtoll(storetest_sql1("SELECT max(key) FROM definition WHERE process_id = $1", process),
                   NULL, 10);
}

static const char *count_sql(const char *sql, int64_t key)
{
    return storetest_sql1(sql, storetest_key(key));
}

static int take(const char *type)
{
    const char *types[1] = {type};
    struct ordo_arena *arena = ordo_arena_new();
    struct ordo_job *jobs;
    size_t n = 0;

    OK(ordo_store_take_jobs(storetest_st, types, type ? 1 : 0, 10, 60000, arena, &jobs, &n, &err_));
    ordo_arena_free(arena);
    return (int)n;
}

/* ---- definitions ---------------------------------------------------------------------------- */

START_TEST(definitions_are_listed_newest_first_in_pages_with_a_cursor)
{
    const char *files[] = {"flow.bpmn", "external.bpmn", "later.bpmn", "approval.bpmn",
                           "pause.bpmn"};
    struct ordo_definition_query q = {.limit = "2"};
    json_t *page1, *page2, *page3, *all;

    for (size_t i = 0; i < 5; i++) {
        storetest_deploy(files[i]);
    }
    OK(ordo_query_list_definitions(storetest_st, &(struct ordo_definition_query){0}, &all, &err_));
    keep(all);
    ck_assert_uint_eq(nitems(all), 5);
    ck_assert_str_eq(column(all, "processId"), "pause,approval,later,external,flow");
    ck_assert_ptr_null(next_of(all));

    OK(ordo_query_list_definitions(storetest_st, &q, &page1, &err_));
    keep(page1);
    ck_assert_str_eq(column(page1, "processId"), "pause,approval");
    ck_assert_str_eq(next_of(page1), str(item(page1, 1), "key"));
    q.after = next_of(page1);
    OK(ordo_query_list_definitions(storetest_st, &q, &page2, &err_));
    keep(page2);
    ck_assert_str_eq(column(page2, "processId"), "later,external");
    q.after = next_of(page2);
    OK(ordo_query_list_definitions(storetest_st, &q, &page3, &err_));
    keep(page3);
    ck_assert_str_eq(column(page3, "processId"), "flow");
    ck_assert_ptr_null(next_of(page3)); /* the last page */
    /* Exactly 'limit' left: the page before the last says there is none after it. */
    q.limit = "3";
    q.after = NULL;
    OK(ordo_query_list_definitions(storetest_st, &q, &page1, &err_));
    keep(page1);
    q.after = next_of(page1);
    q.limit = "2";
    OK(ordo_query_list_definitions(storetest_st, &q, &page2, &err_));
    keep(page2);
    ck_assert_str_eq(column(page2, "processId"), "external,flow");
    ck_assert_ptr_null(next_of(page2));
}
END_TEST

START_TEST(definitions_filter_by_process_and_newest_version)
{
    struct ordo_definition_query q = {.process_id = "order_placed"};
    json_t *list, *one, *versions;
    struct ordo_arena *arena = ordo_arena_new();
    const char *xml = NULL;
    size_t len = 0;

    storetest_deploy("order-placed.bpmn");
    storetest_deploy("order-placed-v2.bpmn");
    storetest_deploy("flow.bpmn");
    OK(ordo_query_list_definitions(storetest_st, &q, &list, &err_));
    keep(list);
    ck_assert_str_eq(column(list, "processId"), "order_placed,order_placed");
    ck_assert_int_eq(json_integer_value(json_object_get(item(list, 0), "version")), 2);
    q.process_id = NULL;
    q.latest = true;
    OK(ordo_query_list_definitions(storetest_st, &q, &list, &err_));
    keep(list);
    ck_assert_str_eq(column(list, "processId"), "flow,order_placed");
    ck_assert_int_eq(json_integer_value(json_object_get(item(list, 1), "version")), 2);

    OK(ordo_query_list_versions(storetest_st, "order_placed", NULL, NULL, &versions, &err_));
    keep(versions);
    ck_assert_uint_eq(nitems(versions), 2);
    ck_assert_int_eq(CODE(ordo_query_list_versions(storetest_st, "nope", NULL, NULL, &list, &err)),
                     ORDO_E_NOTFOUND);

    OK(ordo_query_get_definition(storetest_st, key_of(item(versions, 1)), &one, &err_));
    keep(one);
    ck_assert_str_eq(str(one, "processId"), "order_placed");
    ck_assert_int_eq(json_integer_value(json_object_get(one, "version")), 1);
    ck_assert_str_eq(str(one, "resource"), "order-placed.bpmn");
    ck_assert_str_eq(str(one, "deployedBy"), "user:test");
    ck_assert(is_rfc3339_ms(str(one, "deployedAt")));
    ck_assert(json_is_false(json_object_get(one, "suspended")));
    ck_assert(json_is_array(json_object_get(one, "findings")));
    ck_assert(json_is_string(json_object_get(one, "key")));

    OK(ordo_query_get_definition_xml(storetest_st, key_of(one), arena, &xml, &len, &err_));
    ck_assert_uint_eq(len, strlen(xml));
    ck_assert_ptr_nonnull(strstr(xml, "id=\"order_placed\""));
    ck_assert_int_eq(CODE(ordo_query_get_definition(storetest_st, UNKNOWN, &one, &err)),
                     ORDO_E_NOTFOUND);
    ck_assert_int_eq(
        CODE(ordo_query_get_definition_xml(storetest_st, UNKNOWN, arena, &xml, &len, &err)),
        ORDO_E_NOTFOUND);
    ordo_arena_free(arena);
}
END_TEST

START_TEST(a_suspended_definition_refuses_new_instances_until_resumed)
{
    struct ordo_start req = {.process_id = "later", .actor = "user:test"};
    int64_t def, inst = 0;
    json_t *one;

    storetest_deploy("later.bpmn");
    def = definition_key("later");
    OK(ordo_query_suspend_definition(storetest_st, def, true, "user:ops", &err_));
    OK(ordo_query_suspend_definition(storetest_st, def, true, "user:ops", &err_)); /* again */
    ck_assert_int_eq(CODE(ordo_store_start(storetest_st, &req, &inst, &err)), ORDO_E_CONFLICT);
    OK(ordo_query_get_definition(storetest_st, def, &one, &err_));
    keep(one);
    ck_assert(json_is_true(json_object_get(one, "suspended")));
    ck_assert_str_eq(storetest_sql1("SELECT string_agg(action || ' ' || actor || ' ' || "
                                    "element_id || ' ' || (payload::json->>'version'), ',' ORDER "
                                    "BY seq) FROM audit WHERE action LIKE 'definition.%' AND "
                                    "action <> 'definition.deployed'",
                                    NULL),
                     "definition.suspended user:ops later 1");
    OK(ordo_query_suspend_definition(storetest_st, def, false, "user:ops", &err_));
    OK(ordo_store_start(storetest_st, &req, &inst, &err_));
    ck_assert_int_gt(inst, 0);
    ck_assert_str_eq(storetest_sql1("SELECT action FROM audit WHERE action LIKE 'definition.%' "
                                    "ORDER BY seq DESC LIMIT 1",
                                    NULL),
                     "definition.resumed");
    ck_assert_int_eq(
        CODE(ordo_query_suspend_definition(storetest_st, UNKNOWN, true, "user:ops", &err)),
        ORDO_E_NOTFOUND);
}
END_TEST

START_TEST(malformed_cursors_limits_and_filters_are_refused)
{
    json_t *out = NULL;
    const char *bad_limits[] = {"0", "501", "-1"};
    const char *bad_cursors[] = {"abc", "-5", "1.5", "", "99999999999999999999", "0"};

    for (size_t i = 0; i < 3; i++) {
        struct ordo_definition_query q = {.limit = bad_limits[i]};

        ck_assert_int_eq(CODE(ordo_query_list_definitions(storetest_st, &q, &out, &err)),
                         strcmp(bad_limits[i], "-1") == 0 ? ORDO_E_INVAL : ORDO_E_UNPROCESSABLE);
    }
    ck_assert_int_eq(
        CODE(ordo_query_list_definitions(
            storetest_st, &(struct ordo_definition_query){.limit = "ten"}, &out, &err)),
        ORDO_E_INVAL);
    OK(ordo_query_list_definitions(storetest_st, &(struct ordo_definition_query){.limit = "500"},
                                   &out, &err_));
    keep(out);
    for (size_t i = 0; i < sizeof bad_cursors / sizeof bad_cursors[0]; i++) {
        struct ordo_instance_query q = {.after = bad_cursors[i]};

        ck_assert_int_eq(CODE(ordo_query_list_instances(storetest_st, &q, &out, &err)),
                         ORDO_E_INVAL);
    }
    ck_assert_int_eq(CODE(ordo_query_list_instances(
                         storetest_st, &(struct ordo_instance_query){.state = "gone"}, &out, &err)),
                     ORDO_E_UNPROCESSABLE);
    ck_assert_int_eq(
        CODE(ordo_query_list_instances(
            storetest_st, &(struct ordo_instance_query){.definition_key = "x"}, &out, &err)),
        ORDO_E_INVAL);
    ck_assert_int_eq(CODE(ordo_query_list_tasks(
                         storetest_st, &(struct ordo_task_query){.state = "done"}, &out, &err)),
                     ORDO_E_UNPROCESSABLE);
    ck_assert_int_eq(
        CODE(ordo_query_list_incidents(
            storetest_st, &(struct ordo_incident_query){.instance_key = "1e3"}, &out, &err)),
        ORDO_E_INVAL);
    ck_assert_int_eq(
        CODE(ordo_query_list_audit(storetest_st, &(struct ordo_audit_query){.from = "yesterday"},
                                   &out, &err)),
        ORDO_E_INVAL);
}
END_TEST

/* ---- instances ------------------------------------------------------------------------------ */

static int64_t start_with_key(const char *process, const char *business_key)
{
    struct ordo_start req = {
        .process_id = process, .business_key = business_key, .actor = "user:a"};
    int64_t key = 0;

    OK(ordo_store_start(storetest_st, &req, &key, &err_));
    return key;
}

START_TEST(instances_are_filtered_and_paged)
{
    int64_t a1, a2, a3, e1;
    json_t *list;
    struct ordo_instance_query q = {.process_id = "approval"};

    storetest_deploy("approval.bpmn");
    storetest_deploy("external.bpmn");
    a1 = start_with_key("approval", "PO-1");
    a2 = start_with_key("approval", "PO-2");
    e1 = start_with_key("external", "PO-1");
    a3 = start_with_key("approval", NULL);
    OK(ordo_store_cancel(storetest_st, a2, "user:ops", &err_));

    OK(ordo_query_list_instances(storetest_st, &q, &list, &err_));
    keep(list);
    ck_assert_uint_eq(nitems(list), 3);
    ck_assert_int_eq(key_of(item(list, 0)), a3);
    ck_assert_int_eq(key_of(item(list, 2)), a1);
    ck_assert_str_eq(column(list, "state"), "active,canceled,active");
    ck_assert_str_eq(column(list, "businessKey"), "-,PO-2,PO-1");
    ck_assert(is_rfc3339_ms(str(item(list, 0), "createdAt")));
    ck_assert_ptr_null(str(item(list, 0), "endedAt"));
    ck_assert(is_rfc3339_ms(str(item(list, 1), "endedAt")));
    ck_assert_str_eq(str(item(list, 0), "definitionKey"),
                     storetest_key(definition_key("approval")));

    OK(ordo_query_list_instances(
        storetest_st, &(struct ordo_instance_query){.business_key = "PO-1"}, &list, &err_));
    keep(list);
    ck_assert_int_eq(key_of(item(list, 0)), e1);
    ck_assert_int_eq(key_of(item(list, 1)), a1);
    ck_assert_uint_eq(nitems(list), 2);
    OK(ordo_query_list_instances(storetest_st, &(struct ordo_instance_query){.state = "canceled"},
                                 &list, &err_));
    keep(list);
    ck_assert_uint_eq(nitems(list), 1);
    ck_assert_int_eq(key_of(item(list, 0)), a2);
    OK(ordo_query_list_instances(
        storetest_st,
        &(struct ordo_instance_query){.definition_key = storetest_key(definition_key("external"))},
        &list, &err_));
    keep(list);
    ck_assert_uint_eq(nitems(list), 1);
    ck_assert_int_eq(key_of(item(list, 0)), e1);

    q.limit = "2";
    OK(ordo_query_list_instances(storetest_st, &q, &list, &err_));
    keep(list);
    ck_assert_uint_eq(nitems(list), 2);
    ck_assert_str_eq(next_of(list), storetest_key(a2));
    q.after = next_of(list);
    OK(ordo_query_list_instances(storetest_st, &q, &list, &err_));
    keep(list);
    ck_assert_uint_eq(nitems(list), 1);
    ck_assert_int_eq(key_of(item(list, 0)), a1);
    ck_assert_ptr_null(next_of(list));
}
END_TEST

static const json_t *find_by(const json_t *arr, const char *field, const char *value)
{
    size_t i;
    const json_t *v;

    json_array_foreach(arr, i, v)
    {
        const char *got = json_string_value(json_object_get(v, field));

        if (got && strcmp(got, value) == 0) {
            return v;
        }
    }
    return NULL;
}

START_TEST(the_instance_view_shows_variables_active_elements_history_and_open_rows)
{
    int64_t inst, ext;
    json_t *view, *h;
    const json_t *el;

    storetest_deploy("approval.bpmn");
    storetest_deploy("external.bpmn");
    inst = storetest_start("approval", "{\"order\": 7, \"customer\": {\"name\": \"Ann\"}}");
    OK(ordo_query_get_instance(storetest_st, inst, &view, &err_));
    keep(view);
    ck_assert_int_eq(key_of(view), inst);
    ck_assert_str_eq(str(view, "state"), "active");
    ck_assert(json_is_false(json_object_get(view, "suspended")));
    ck_assert_int_eq(json_integer_value(json_object_get(view, "version")), 1);
    ck_assert_int_eq(
        json_integer_value(json_object_get(json_object_get(view, "variables"), "order")), 7);
    el = json_object_get(view, "activeElements");
    ck_assert_uint_eq(json_array_size(el), 3); /* the process itself is not listed */
    ck_assert_ptr_nonnull(find_by(el, "elementId", "review"));
    ck_assert_ptr_nonnull(find_by(el, "elementId", "anyone"));
    ck_assert_str_eq(str(find_by(el, "elementId", "sign"), "type"), "bpmn:userTask");
    ck_assert(json_is_string(json_object_get(json_array_get(el, 0), "elementKey")));
    h = json_object_get(view, "history");
    ck_assert_uint_eq(json_array_size(h), 1);
    ck_assert_str_eq(str(json_array_get(h, 0), "action"), "instance.started");
    ck_assert_str_eq(str(json_array_get(h, 0), "actor"), "user:test");
    ck_assert(is_rfc3339_ms(str(json_array_get(h, 0), "time")));
    ck_assert(json_is_array(
        json_object_get(json_object_get(json_array_get(h, 0), "payload"), "effects")));
    ck_assert(json_is_false(json_object_get(view, "historyTruncated")));
    ck_assert_uint_eq(json_array_size(json_object_get(view, "tasks")), 3);
    ck_assert_uint_eq(json_array_size(json_object_get(view, "incidents")), 0);
    ck_assert_uint_eq(json_array_size(json_object_get(view, "jobs")), 0);

    /* History grows in order; an ended instance keeps its final variables. */
    OK(ordo_store_complete_task(storetest_st, open_task(inst, "sign"), NULL, "user:carol", &err_));
    OK(ordo_store_cancel(storetest_st, inst, "user:ops", &err_));
    OK(ordo_query_get_instance(storetest_st, inst, &view, &err_));
    keep(view);
    ck_assert_str_eq(str(view, "state"), "canceled");
    ck_assert(is_rfc3339_ms(str(view, "endedAt")));
    ck_assert_str_eq(json_string_value(json_object_get(
                         json_object_get(json_object_get(view, "variables"), "customer"), "name")),
                     "Ann");
    ck_assert_uint_eq(json_array_size(json_object_get(view, "activeElements")), 0);
    h = json_object_get(view, "history");
    ck_assert_uint_eq(json_array_size(h), 3);
    ck_assert_str_eq(str(json_array_get(h, 1), "action"), "task.completed");
    ck_assert_str_eq(str(json_array_get(h, 1), "elementId"), "sign");
    ck_assert_str_eq(str(json_array_get(h, 2), "action"), "instance.canceled");
    ck_assert_uint_eq(json_array_size(json_object_get(view, "tasks")), 0);

    /* A job no handler runs is shown: it waits for an external worker. */
    ext = storetest_start("external", NULL);
    OK(ordo_query_get_instance(storetest_st, ext, &view, &err_));
    keep(view);
    el = json_array_get(json_object_get(view, "jobs"), 0);
    ck_assert_ptr_nonnull(el);
    ck_assert_str_eq(str(el, "kind"), "work");
    ck_assert_str_eq(str(el, "type"), "billing.charge");
    ck_assert_str_eq(str(el, "elementId"), "ext");
    ck_assert_int_eq(json_integer_value(json_object_get(el, "retries")), 3);
    ck_assert(is_rfc3339_ms(str(el, "dueAt")));
    ck_assert_str_eq(str(json_array_get(json_object_get(view, "activeElements"), 0), "elementId"),
                     "ext");
    ck_assert_int_eq(CODE(ordo_query_get_instance(storetest_st, UNKNOWN, &view, &err)),
                     ORDO_E_NOTFOUND);
}
END_TEST

START_TEST(variables_set_by_an_operator_are_a_step_seen_and_audited)
{
    int64_t inst;
    json_t *vars =
        json_pack("{s:i, s:b, s:{s:s}}", "order", 8, "approved", 1, "customer", "name", "Bo");
    json_t *view, *bad = json_array();
    const char *steps;

    storetest_deploy("approval.bpmn");
    inst = storetest_start("approval", "{\"order\": 7, \"note\": \"keep\"}");
    steps = count_sql("SELECT steps FROM instance WHERE key = $1", inst);
    ck_assert_str_eq(steps, "1");
    OK(ordo_query_set_variables(storetest_st, inst, vars, "user:ops", &err_));
    OK(ordo_query_get_instance(storetest_st, inst, &view, &err_));
    keep(view);
    ck_assert_int_eq(
        json_integer_value(json_object_get(json_object_get(view, "variables"), "order")), 8);
    ck_assert_str_eq(str(json_object_get(view, "variables"), "note"), "keep");
    ck_assert(json_is_true(json_object_get(json_object_get(view, "variables"), "approved")));
    ck_assert_str_eq(count_sql("SELECT steps FROM instance WHERE key = $1", inst), "2");
    ck_assert_str_eq(
        count_sql("SELECT actor || ' ' || action FROM audit WHERE instance_key = $1 ORDER BY seq "
                  "DESC LIMIT 1",
                  inst),
        "user:ops variables.set");
    ck_assert_str_eq(count_sql("SELECT e->>'value' " STORETEST_EFFECTS "WHERE a.instance_key = $1 "
                               "AND a.action = 'variables.set' AND e->>'name' = 'order'",
                               inst),
                     "8");
    /* The next step sees them: completing the tasks ends with them. */
    OK(ordo_store_complete_task(storetest_st, open_task(inst, "sign"), NULL, "user:x", &err_));
    OK(ordo_store_complete_task(storetest_st, open_task(inst, "anyone"), NULL, "user:x", &err_));
    OK(ordo_store_complete_task(storetest_st, open_task(inst, "review"), NULL, "user:x", &err_));
    ck_assert_str_eq(count_sql("SELECT e->'variables'->>'order' " STORETEST_EFFECTS
                               "WHERE a.instance_key = $1 AND e->>'event' = 'end'",
                               inst),
                     "8");
    ck_assert_int_eq(CODE(ordo_query_set_variables(storetest_st, inst, vars, "user:ops", &err)),
                     ORDO_E_CONFLICT);
    ck_assert_int_eq(CODE(ordo_query_set_variables(storetest_st, UNKNOWN, vars, "user:ops", &err)),
                     ORDO_E_NOTFOUND);
    ck_assert_int_eq(CODE(ordo_query_set_variables(storetest_st, inst, bad, "user:ops", &err)),
                     ORDO_E_INVAL);
    json_decref(vars);
    json_decref(bad);
}
END_TEST

START_TEST(a_suspended_instance_holds_its_jobs_and_tasks_until_resumed)
{
    int64_t ext, pause, appr, task;
    int64_t due = 0;
    json_t *view;
    const char *types[1] = {"billing.charge"};

    storetest_deploy("external.bpmn");
    storetest_deploy("pause.bpmn");
    storetest_deploy("approval.bpmn");
    ext = storetest_start("external", NULL);
    pause = storetest_start("pause", NULL);
    appr = storetest_start("approval", NULL);
    task = open_task(appr, "sign");
    OK(ordo_query_suspend_instance(storetest_st, ext, true, "user:ops", &err_));
    OK(ordo_query_suspend_instance(storetest_st, pause, true, "user:ops", &err_));
    OK(ordo_query_suspend_instance(storetest_st, appr, true, "user:ops", &err_));

    /* Neither the work job nor the due timer is taken, nor reported due. */
    OK(ordo_store_next_due(storetest_st, types, 1, &due, &err_));
    ck_assert_int_eq(due, -1);
    ck_assert_int_eq(take("billing.charge"), 0);
    ck_assert_int_eq(CODE(ordo_store_complete_task(storetest_st, task, NULL, "user:carol", &err)),
                     ORDO_E_CONFLICT);
    ck_assert_int_eq(
        CODE(ordo_query_claim_task(storetest_st, task, "carol", false, "user:carol", &err)),
        ORDO_E_CONFLICT);
    ck_assert_str_eq(count_sql("SELECT state FROM user_task WHERE key = $1", task), "created");
    OK(ordo_query_get_instance(storetest_st, ext, &view, &err_));
    keep(view);
    ck_assert(json_is_true(json_object_get(view, "suspended")));

    /* Resumed: the job is taken, the timer fires, the task completes. */
    OK(ordo_query_suspend_instance(storetest_st, ext, false, "user:ops", &err_));
    ck_assert_int_eq(take("billing.charge"), 1);
    ck_assert_int_eq(take(NULL), 0); /* the timer's instance is still suspended */
    OK(ordo_query_suspend_instance(storetest_st, pause, false, "user:ops", &err_));
    OK(ordo_store_next_due(storetest_st, NULL, 0, &due, &err_));
    ck_assert_int_eq(due, 0);
    ck_assert_int_eq(take(NULL), 1);
    OK(ordo_query_suspend_instance(storetest_st, appr, false, "user:ops", &err_));
    OK(ordo_store_complete_task(storetest_st, task, NULL, "user:carol", &err_));

    ck_assert_str_eq(count_sql("SELECT string_agg(actor || ' ' || action, ',' ORDER BY seq) FROM "
                               "audit WHERE instance_key = $1 AND action LIKE 'instance.%'",
                               ext),
                     "user:test instance.started,user:ops instance.suspended,user:ops "
                     "instance.resumed");
    /* An ended instance cannot be suspended; an unknown one is not found. */
    OK(ordo_store_cancel(storetest_st, ext, "user:ops", &err_));
    ck_assert_int_eq(CODE(ordo_query_suspend_instance(storetest_st, ext, true, "user:ops", &err)),
                     ORDO_E_CONFLICT);
    ck_assert_int_eq(
        CODE(ordo_query_suspend_instance(storetest_st, UNKNOWN, true, "user:ops", &err)),
        ORDO_E_NOTFOUND);
}
END_TEST

START_TEST(cancelling_many_reports_each_key)
{
    int64_t a, b, done, keys[4];
    json_t *out;

    storetest_deploy("approval.bpmn");
    a = storetest_start("approval", NULL);
    b = storetest_start("approval", NULL);
    done = storetest_start("approval", NULL);
    OK(ordo_store_cancel(storetest_st, done, "user:ops", &err_));
    keys[0] = a;
    keys[1] = UNKNOWN;
    keys[2] = done;
    keys[3] = b;
    OK(ordo_query_cancel_instances(storetest_st, keys, 4, "user:ops", &out, &err_));
    keep(out);
    ck_assert_str_eq(column(out, "result"), "ok,notfound,conflict,ok");
    ck_assert_str_eq(str(item(out, 0), "key"), storetest_key(a));
    ck_assert_ptr_null(str(item(out, 0), "message"));
    ck_assert_ptr_nonnull(str(item(out, 2), "message"));
    ck_assert_str_eq(count_sql("SELECT status FROM instance WHERE key = $1", b), "canceled");
    ck_assert_str_eq(count_sql("SELECT status FROM instance WHERE key = $1", a), "canceled");
    ck_assert_int_eq(CODE(ordo_query_cancel_instances(storetest_st, keys, ORDO_QUERY_MAX_BULK + 1,
                                                      "user:ops", &out, &err)),
                     ORDO_E_UNPROCESSABLE);
}
END_TEST

/* ---- tasks ---------------------------------------------------------------------------------- */

static const char *tasks_for(const char *login, const char *email, const char *const *groups,
                             size_t ngroups)
{
    struct ordo_task_person who = {
        .login = login, .email = email, .groups = groups, .ngroups = ngroups};
    json_t *list;

    OK(ordo_query_list_tasks(storetest_st, &(struct ordo_task_query){.for_user = &who}, &list,
                             &err_));
    keep(list);
    return column(list, "elementId");
}

START_TEST(tasks_are_filtered_by_state_assignee_group_and_who_may_act)
{
    int64_t inst, other;
    json_t *list;
    const char *finance[] = {"finance"}, *ops[] = {"ops", "Finance"};

    storetest_deploy("approval.bpmn");
    inst = storetest_start("approval", NULL);
    other = storetest_start("approval", NULL);
    OK(ordo_store_cancel(storetest_st, other, "user:ops", &err_));

    OK(ordo_query_list_tasks(storetest_st, &(struct ordo_task_query){0}, &list, &err_));
    keep(list);
    ck_assert_str_eq(column(list, "elementId"), "anyone,sign,review");
    ck_assert_str_eq(column(list, "state"), "created,created,created");
    ck_assert_str_eq(
        json_string_value(json_array_get(json_object_get(item(list, 2), "candidateUsers"), 0)),
        "Alice@Example.com");
    ck_assert_uint_eq(json_array_size(json_object_get(item(list, 2), "candidateGroups")), 1);
    ck_assert_uint_eq(json_array_size(json_object_get(item(list, 0), "candidateUsers")), 0);
    ck_assert_str_eq(str(item(list, 0), "processId"), "approval");
    ck_assert_str_eq(str(item(list, 0), "instanceKey"), storetest_key(inst));

    OK(ordo_query_list_tasks(storetest_st, &(struct ordo_task_query){.state = "canceled"}, &list,
                             &err_));
    keep(list);
    ck_assert_uint_eq(nitems(list), 3);
    ck_assert_str_eq(str(item(list, 0), "instanceKey"), storetest_key(other));
    OK(ordo_query_list_tasks(storetest_st, &(struct ordo_task_query){.state = "all"}, &list,
                             &err_));
    keep(list);
    ck_assert_uint_eq(nitems(list), 6);
    OK(ordo_query_list_tasks(
        storetest_st,
        &(struct ordo_task_query){.state = "all", .instance_key = storetest_key(other)}, &list,
        &err_));
    keep(list);
    ck_assert_uint_eq(nitems(list), 3);
    OK(ordo_query_list_tasks(storetest_st, &(struct ordo_task_query){.assignee = "CAROL"}, &list,
                             &err_));
    keep(list);
    ck_assert_str_eq(column(list, "elementId"), "sign");
    OK(ordo_query_list_tasks(storetest_st, &(struct ordo_task_query){.candidate_group = "finance"},
                             &list, &err_));
    keep(list);
    ck_assert_str_eq(column(list, "elementId"), "review");

    /* CONTRACTS §7: assignee, candidate user (login or email, any case), candidate group, or a
     * task that names none of them. */
    ck_assert_str_eq(tasks_for("alice", "alice@example.com", NULL, 0), "anyone,review");
    ck_assert_str_eq(tasks_for("BOB", NULL, NULL, 0), "anyone,review");
    ck_assert_str_eq(tasks_for("carol", "carol@example.com", NULL, 0), "anyone,sign");
    ck_assert_str_eq(tasks_for("dan", NULL, finance, 1), "anyone,review");
    ck_assert_str_eq(tasks_for("dan", NULL, ops, 2), "anyone"); /* group names are exact */
    ck_assert_str_eq(tasks_for("zed", NULL, NULL, 0), "anyone");

    /* Completed tasks leave the open list. */
    OK(ordo_store_complete_task(storetest_st, open_task(inst, "anyone"), NULL, "user:zed", &err_));
    ck_assert_str_eq(tasks_for("zed", NULL, NULL, 0), "");
    OK(ordo_query_list_tasks(storetest_st, &(struct ordo_task_query){.state = "completed"}, &list,
                             &err_));
    keep(list);
    ck_assert_str_eq(column(list, "elementId"), "anyone");
    ck_assert_str_eq(str(item(list, 0), "completedBy"), "user:zed");
    ck_assert(is_rfc3339_ms(str(item(list, 0), "endedAt")));

    OK(ordo_query_list_tasks(storetest_st, &(struct ordo_task_query){.limit = "1"}, &list, &err_));
    keep(list);
    ck_assert_str_eq(column(list, "elementId"), "sign");
    ck_assert_ptr_nonnull(next_of(list));
}
END_TEST

START_TEST(a_task_shows_its_form)
{
    int64_t inst;
    json_t *task;
    const json_t *form;

    storetest_deploy("approval.bpmn");
    inst = storetest_start("approval", NULL);
    OK(ordo_query_get_task(storetest_st, open_task(inst, "review"), &task, &err_));
    keep(task);
    ck_assert_str_eq(str(task, "elementId"), "review");
    ck_assert_str_eq(str(task, "name"), "Review");
    ck_assert_str_eq(str(task, "definitionKey"), storetest_key(definition_key("approval")));
    form = json_object_get(task, "form");
    ck_assert_str_eq(str(form, "type"), "object");
    ck_assert_str_eq(str(json_object_get(json_object_get(form, "properties"), "approved"), "title"),
                     "Approve?");
    ck_assert(is_rfc3339_ms(str(task, "createdAt")));
    ck_assert_ptr_null(str(task, "dueAt"));
    OK(ordo_query_get_task(storetest_st, open_task(inst, "sign"), &task, &err_));
    keep(task);
    ck_assert(json_is_null(json_object_get(task, "form")));
    ck_assert_str_eq(str(task, "assignee"), "carol");
    ck_assert_int_eq(CODE(ordo_query_get_task(storetest_st, UNKNOWN, &task, &err)),
                     ORDO_E_NOTFOUND);
}
END_TEST

START_TEST(claiming_a_task_held_by_someone_else_conflicts_unless_forced)
{
    int64_t inst, review, sign;
    json_t *task;

    storetest_deploy("approval.bpmn");
    inst = storetest_start("approval", NULL);
    review = open_task(inst, "review");
    sign = open_task(inst, "sign");

    OK(ordo_query_claim_task(storetest_st, review, "bob", false, "user:bob", &err_));
    OK(ordo_query_claim_task(storetest_st, review, "BOB", false, "user:bob", &err_)); /* held */
    OK(ordo_query_get_task(storetest_st, review, &task, &err_));
    keep(task);
    ck_assert_str_eq(str(task, "assignee"), "bob");
    ck_assert_int_eq(
        CODE(ordo_query_claim_task(storetest_st, review, "alice", false, "user:alice", &err)),
        ORDO_E_CONFLICT);
    ck_assert_int_eq(
        CODE(ordo_query_claim_task(storetest_st, sign, "alice", false, "user:alice", &err)),
        ORDO_E_CONFLICT);
    OK(ordo_query_claim_task(storetest_st, sign, "alice", true, "user:admin", &err_));
    ck_assert_str_eq(count_sql("SELECT assignee FROM user_task WHERE key = $1", sign), "alice");
    OK(ordo_query_unclaim_task(storetest_st, review, "user:bob", &err_));
    OK(ordo_query_unclaim_task(storetest_st, review, "user:bob", &err_)); /* nothing to take off */
    ck_assert_str_eq(count_sql("SELECT assignee FROM user_task WHERE key = $1", review), "NULL");
    /* The one who claimed an unassigned task may now act on it; others too, as candidates. */
    ck_assert_str_eq(
        count_sql("SELECT string_agg(actor || ' ' || action || ' ' || element_id || ' ' || "
                  "coalesce(payload::json->>'assignee', '-') || ' ' || coalesce(payload::json->>"
                  "'previous', '-'), ',' ORDER BY seq) FROM audit WHERE instance_key = $1 AND "
                  "action LIKE 'task.%'",
                  inst),
        "user:bob task.claimed review bob -,user:admin task.claimed sign alice carol,user:bob "
        "task.unclaimed review - bob");
    OK(ordo_store_complete_task(storetest_st, review, NULL, "user:alice", &err_));
    ck_assert_int_eq(
        CODE(ordo_query_claim_task(storetest_st, review, "alice", false, "user:alice", &err)),
        ORDO_E_CONFLICT);
    ck_assert_int_eq(CODE(ordo_query_unclaim_task(storetest_st, review, "user:alice", &err)),
                     ORDO_E_CONFLICT);
    ck_assert_int_eq(
        CODE(ordo_query_claim_task(storetest_st, UNKNOWN, "alice", false, "user:a", &err)),
        ORDO_E_NOTFOUND);
}
END_TEST

/* ---- incidents, jobs, audit ----------------------------------------------------------------- */

START_TEST(incidents_are_listed_by_state_and_instance)
{
    int64_t a, b;
    json_t *list;

    storetest_deploy("caller.bpmn");
    a = storetest_start("caller", NULL);
    b = storetest_start("caller", NULL);
    OK(ordo_query_list_incidents(storetest_st, &(struct ordo_incident_query){0}, &list, &err_));
    keep(list);
    ck_assert_uint_eq(nitems(list), 2);
    ck_assert_str_eq(str(item(list, 0), "instanceKey"), storetest_key(b));
    ck_assert_str_eq(str(item(list, 0), "elementId"), "call");
    ck_assert_str_eq(str(item(list, 0), "reason"), "process \"later\" is not deployed");
    ck_assert_str_eq(str(item(list, 0), "state"), "open");
    ck_assert_str_eq(str(item(list, 0), "processId"), "caller");
    ck_assert_ptr_null(str(item(list, 0), "resolvedAt"));

    storetest_deploy("later.bpmn");
    OK(ordo_store_resolve_incident(storetest_st, key_of(item(list, 1)), NULL, "user:ops", &err_));
    OK(ordo_query_list_incidents(storetest_st, &(struct ordo_incident_query){0}, &list, &err_));
    keep(list);
    ck_assert_uint_eq(nitems(list), 1);
    ck_assert_str_eq(str(item(list, 0), "instanceKey"), storetest_key(b));
    OK(ordo_query_list_incidents(storetest_st, &(struct ordo_incident_query){.state = "resolved"},
                                 &list, &err_));
    keep(list);
    ck_assert_uint_eq(nitems(list), 1);
    ck_assert_str_eq(str(item(list, 0), "instanceKey"), storetest_key(a));
    ck_assert(is_rfc3339_ms(str(item(list, 0), "resolvedAt")));
    OK(ordo_query_list_incidents(
        storetest_st,
        &(struct ordo_incident_query){.state = "all", .instance_key = storetest_key(a)}, &list,
        &err_));
    keep(list);
    ck_assert_uint_eq(nitems(list), 1);
}
END_TEST

START_TEST(jobs_are_listed_by_instance_and_type)
{
    int64_t a, b;
    json_t *list;

    storetest_deploy("external.bpmn");
    storetest_deploy("pause.bpmn");
    a = storetest_start("external", NULL);
    b = storetest_start("pause", NULL);
    OK(ordo_query_list_jobs(storetest_st, &(struct ordo_job_query){0}, &list, &err_));
    keep(list);
    ck_assert_str_eq(column(list, "kind"), "timer,work");
    ck_assert_ptr_null(str(item(list, 0), "type"));
    OK(ordo_query_list_jobs(storetest_st, &(struct ordo_job_query){.type = "billing.charge"}, &list,
                            &err_));
    keep(list);
    ck_assert_uint_eq(nitems(list), 1);
    ck_assert_str_eq(str(item(list, 0), "instanceKey"), storetest_key(a));
    ck_assert_int_eq(json_integer_value(json_object_get(item(list, 0), "attempts")), 0);
    ck_assert_ptr_null(str(item(list, 0), "lockOwner"));
    OK(ordo_query_list_jobs(
        storetest_st, &(struct ordo_job_query){.instance_key = storetest_key(b)}, &list, &err_));
    keep(list);
    ck_assert_str_eq(column(list, "elementId"), "wait");
    ck_assert_int_eq(take("billing.charge"), 2); /* and the due timer: engine jobs always */
    OK(ordo_query_list_jobs(storetest_st, &(struct ordo_job_query){.type = "billing.charge"}, &list,
                            &err_));
    keep(list);
    ck_assert_int_eq(json_integer_value(json_object_get(item(list, 0), "attempts")), 1);
    ck_assert_str_eq(str(item(list, 0), "lockOwner"), "test");
}
END_TEST

START_TEST(the_audit_is_filtered_by_instance_actor_and_time_and_paged_by_seq)
{
    int64_t a, b;
    json_t *list, *page;
    struct ordo_audit_query q = {0};

    storetest_deploy("later.bpmn");
    a = storetest_start("later", NULL);
    b = start_with_key("later", NULL); /* actor user:a */
    OK(ordo_query_list_audit(storetest_st, &q, &list, &err_));
    keep(list);
    ck_assert_str_eq(column(list, "action"),
                     "instance.started,instance.started,definition.deployed");
    ck_assert_str_eq(str(item(list, 0), "instanceKey"), storetest_key(b));
    ck_assert_ptr_null(str(item(list, 2), "instanceKey"));
    ck_assert_str_eq(str(json_object_get(item(list, 2), "payload"), "process"), "later");
    ck_assert(is_rfc3339_ms(str(item(list, 0), "time")));

    q.actor = "user:a";
    OK(ordo_query_list_audit(storetest_st, &q, &page, &err_));
    keep(page);
    ck_assert_uint_eq(nitems(page), 1);
    ck_assert_str_eq(str(item(page, 0), "instanceKey"), storetest_key(b));
    q.actor = NULL;
    q.instance_key = storetest_key(a);
    OK(ordo_query_list_audit(storetest_st, &q, &page, &err_));
    keep(page);
    ck_assert_str_eq(column(page, "instanceKey"), storetest_key(a));

    q.instance_key = NULL;
    q.from = "2999-01-01T00:00:00Z";
    OK(ordo_query_list_audit(storetest_st, &q, &page, &err_));
    keep(page);
    ck_assert_uint_eq(nitems(page), 0);
    q.from = "2000-01-01T00:00:00.000Z";
    q.to = "2999-01-01T00:00:00+02:00";
    OK(ordo_query_list_audit(storetest_st, &q, &page, &err_));
    keep(page);
    ck_assert_uint_eq(nitems(page), 3);
    q.from = NULL;
    q.to = str(item(list, 2), "time"); /* before the first row's time: nothing */
    OK(ordo_query_list_audit(storetest_st, &q, &page, &err_));
    keep(page);
    ck_assert_uint_eq(nitems(page), 0);

    q.to = NULL;
    q.limit = "2";
    OK(ordo_query_list_audit(storetest_st, &q, &page, &err_));
    keep(page);
    ck_assert_str_eq(next_of(page), str(item(list, 1), "seq"));
    q.after = next_of(page);
    OK(ordo_query_list_audit(storetest_st, &q, &page, &err_));
    keep(page);
    ck_assert_str_eq(column(page, "action"), "definition.deployed");
    ck_assert_ptr_null(next_of(page));
}
END_TEST

/* ---- the task rule, pure -------------------------------------------------------------------- */

static bool permits(const char *task_json, const char *login, const char *email,
                    const char *const *groups, size_t ngroups)
{
    json_t *task = json_loads(task_json, 0, NULL);
    bool ok;

    ck_assert_ptr_nonnull(task);
    ok = ordo_task_permits(task, login, email, groups, ngroups);
    json_decref(task);
    return ok;
}

START_TEST(the_task_rule_follows_contracts_section_7)
{
    const char *finance[] = {"finance"}, *other[] = {"ops", "FINANCE"};
    const char *none = "{\"assignee\":null,\"candidateUsers\":[],\"candidateGroups\":[]}";
    const char *full = "{\"assignee\":\"Carol\",\"candidateUsers\":[\"Alice@Example.com\",\"bob\"],"
                       "\"candidateGroups\":[\"finance\"]}";

    /* None of the three: open to every approver. */
    ck_assert(permits(none, "zed", NULL, NULL, 0));
    ck_assert(permits("{}", NULL, NULL, NULL, 0));
    ck_assert(permits("{\"assignee\":\"\"}", "zed", NULL, NULL, 0));
    /* The assignee, by login or email, in any case. */
    ck_assert(permits(full, "carol", NULL, NULL, 0));
    ck_assert(permits("{\"assignee\":\"carol@example.com\"}", "c", "Carol@Example.COM", NULL, 0));
    /* A candidate user, by login or email. */
    ck_assert(permits(full, "x", "alice@example.com", NULL, 0));
    ck_assert(permits(full, "BOB", NULL, NULL, 0));
    /* A candidate group, by exact name. */
    ck_assert(permits(full, "dan", NULL, finance, 1));
    ck_assert(!permits(full, "dan", NULL, other, 2));
    /* Someone else. */
    ck_assert(!permits(full, "zed", "zed@example.com", NULL, 0));
    ck_assert(!permits("{\"assignee\":\"carol\"}", NULL, NULL, finance, 1));
    ck_assert(!permits("{\"candidateGroups\":[\"finance\"]}", "finance", "finance", NULL, 0));
    ck_assert(!permits("{\"candidateUsers\":[\"bob\"]}", "bobby", NULL, NULL, 0));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("query");
    TCase *tc = tcase_create("store");
    TCase *pure = tcase_create("pure");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, query_setup, query_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, definitions_are_listed_newest_first_in_pages_with_a_cursor);
    tcase_add_test(tc, definitions_filter_by_process_and_newest_version);
    tcase_add_test(tc, a_suspended_definition_refuses_new_instances_until_resumed);
    tcase_add_test(tc, malformed_cursors_limits_and_filters_are_refused);
    tcase_add_test(tc, instances_are_filtered_and_paged);
    tcase_add_test(tc, the_instance_view_shows_variables_active_elements_history_and_open_rows);
    tcase_add_test(tc, variables_set_by_an_operator_are_a_step_seen_and_audited);
    tcase_add_test(tc, a_suspended_instance_holds_its_jobs_and_tasks_until_resumed);
    tcase_add_test(tc, cancelling_many_reports_each_key);
    tcase_add_test(tc, tasks_are_filtered_by_state_assignee_group_and_who_may_act);
    tcase_add_test(tc, a_task_shows_its_form);
    tcase_add_test(tc, claiming_a_task_held_by_someone_else_conflicts_unless_forced);
    tcase_add_test(tc, incidents_are_listed_by_state_and_instance);
    tcase_add_test(tc, jobs_are_listed_by_instance_and_type);
    tcase_add_test(tc, the_audit_is_filtered_by_instance_actor_and_time_and_paged_by_seq);
    suite_add_tcase(s, tc);
    tcase_add_test(pure, the_task_rule_follows_contracts_section_7);
    suite_add_tcase(s, pure);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
