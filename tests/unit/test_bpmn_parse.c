/*
 * The BPMN parser: what it keeps, what it resolves, and what it refuses.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <libxml/parser.h>
#include <libxml/xmlIO.h>

#include "base/buf.h"
#include "bpmn/parse.h"
#include "tests/unit/check_main.h"

#define HEAD                                                                        \
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                                  \
    "<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" " \
    "xmlns:bpmndi=\"http://www.omg.org/spec/BPMN/20100524/DI\" "                    \
    "xmlns:dc=\"http://www.omg.org/spec/DD/20100524/DC\" "                          \
    "xmlns:di=\"http://www.omg.org/spec/DD/20100524/DI\" "                          \
    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" id=\"defs\">\n"
#define TAIL "</bpmn:definitions>\n"

static struct ordo_bpmn_model *model;
static struct ordo_err err;

static void setup(void)
{
    model = NULL;
    memset(&err, 0, sizeof(err));
}

static void teardown(void)
{
    ordo_bpmn_model_free(model);
}

static enum ordo_code parse(const char *xml)
{
    return ordo_bpmn_parse(xml, strlen(xml), NULL, &model, &err);
}

static const struct ordo_bpmn_node *find(const char *id)
{
    const struct ordo_bpmn_node *n = ordo_bpmn_model_find(model, id);

    ck_assert_msg(n != NULL, "no element \"%s\"", id);
    return n;
}

static const char *const chain = HEAD
    "  <bpmn:process id=\"p\" isExecutable=\"true\">\n"
    "    <bpmn:startEvent id=\"start\" name=\"Begin\"/>\n"
    "    <bpmn:sequenceFlow id=\"f1\" sourceRef=\"start\" targetRef=\"gw\"/>\n"
    "    <bpmn:exclusiveGateway id=\"gw\" default=\"f3\"/>\n"
    "    <bpmn:sequenceFlow id=\"f2\" sourceRef=\"gw\" targetRef=\"task\">\n"
    "      <bpmn:conditionExpression xsi:type=\"bpmn:tFormalExpression\">=a &amp;&amp; b &lt; 3"
    "</bpmn:conditionExpression>\n"
    "    </bpmn:sequenceFlow>\n"
    "    <bpmn:sequenceFlow id=\"f3\" sourceRef=\"gw\" targetRef=\"end\"/>\n"
    "    <bpmn:serviceTask id=\"task\" name=\"Call &quot;API&quot; &amp; wait\"/>\n"
    "    <bpmn:boundaryEvent id=\"timer\" attachedToRef=\"task\">\n"
    "      <bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration>"
    "</bpmn:timerEventDefinition>\n"
    "    </bpmn:boundaryEvent>\n"
    "    <bpmn:sequenceFlow id=\"f4\" sourceRef=\"task\" targetRef=\"end\"/>\n"
    "    <bpmn:endEvent id=\"end\"/>\n"
    "  </bpmn:process>\n"
    "  <bpmndi:BPMNDiagram id=\"d\"><bpmndi:BPMNPlane id=\"pl\" bpmnElement=\"p\">\n"
    "    <bpmndi:BPMNShape id=\"task_di\" bpmnElement=\"task\">"
    "<dc:Bounds x=\"10.5\" y=\"20\" width=\"100\" height=\"80\"/></bpmndi:BPMNShape>\n"
    "    <bpmndi:BPMNEdge id=\"f4_di\" bpmnElement=\"f4\"><di:waypoint x=\"1\" y=\"2\"/>"
    "</bpmndi:BPMNEdge>\n"
    "  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>\n" TAIL;

START_TEST(elements_get_kinds_classes_and_lines)
{
    const struct ordo_bpmn_node *task;

    ck_assert_int_eq(parse(chain), ORDO_OK);
    task = find("task");
    ck_assert_int_eq(task->kind, ORDO_BPMN_SERVICE_TASK);
    ck_assert(ordo_bpmn_is(task, ORDO_BPMN_C_TASK));
    ck_assert(ordo_bpmn_is(task, ORDO_BPMN_C_ACTIVITY));
    ck_assert(ordo_bpmn_is(task, ORDO_BPMN_C_FLOW_NODE));
    ck_assert(!ordo_bpmn_is(task, ORDO_BPMN_C_EVENT));
    ck_assert(ordo_bpmn_is(find("timer"), ORDO_BPMN_C_CATCH_EVENT));
    ck_assert(ordo_bpmn_is(find("end"), ORDO_BPMN_C_THROW_EVENT));
    ck_assert(ordo_bpmn_is(find("p"), ORDO_BPMN_C_CONTAINER));
    ck_assert_str_eq(ordo_bpmn_kind_name(find("gw")->kind), "exclusiveGateway");
    ck_assert_uint_eq(find("start")->line, 4);
    ck_assert_uint_eq(task->line, 11);
}
END_TEST

START_TEST(entities_in_attributes_and_text_are_decoded)
{
    const struct ordo_bpmn_node *cond;

    ck_assert_int_eq(parse(chain), ORDO_OK);
    ck_assert_str_eq(find("task")->name, "Call \"API\" & wait");
    cond = ordo_bpmn_child(find("f2"), ORDO_BPMN_CONDITION_EXPRESSION);
    ck_assert_ptr_nonnull(cond);
    ck_assert_str_eq(cond->text, "=a && b < 3");
}
END_TEST

START_TEST(flows_defaults_hosts_and_di_are_resolved)
{
    const struct ordo_bpmn_node *gw;
    const struct ordo_bpmn_node *end;
    const struct ordo_bpmn_node *task;

    ck_assert_int_eq(parse(chain), ORDO_OK);
    gw = find("gw");
    end = find("end");
    task = find("task");
    ck_assert_ptr_eq(find("f1")->source, find("start"));
    ck_assert_ptr_eq(find("f1")->target, gw);
    ck_assert_uint_eq(gw->noutgoing, 2);
    ck_assert_str_eq(gw->outgoing[0]->id, "f2");
    ck_assert_str_eq(gw->outgoing[1]->id, "f3");
    ck_assert_ptr_eq(gw->default_flow, find("f3"));
    ck_assert_uint_eq(end->nincoming, 2);
    ck_assert_ptr_eq(find("timer")->attached_to, task);
    ck_assert_uint_eq(find("timer")->nevent_definitions, 1);
    ck_assert_ptr_eq(task->di, find("task_di"));
    ck_assert_ptr_eq(find("task_di")->bpmn_element, task);
    ck_assert_ptr_nonnull(find("task_di")->bounds);
    ck_assert(find("task_di")->bounds->x == 10.5);
    ck_assert(find("task_di")->bounds->height == 80);
    ck_assert_ptr_eq(find("f4")->di, find("f4_di"));
    ck_assert_ptr_null(find("f4_di")->bounds);
}
END_TEST

START_TEST(incoming_outgoing_come_from_flows_not_child_elements)
{
    /* The <outgoing> child names a flow that does not leave "a"; the real
     * flow f1 has no <incoming>/<outgoing> entries at all. */
    const char *xml = HEAD "<bpmn:process id=\"p\">"
                           "<bpmn:task id=\"a\"><bpmn:outgoing>ghost</bpmn:outgoing></bpmn:task>"
                           "<bpmn:task id=\"b\"/>"
                           "<bpmn:sequenceFlow id=\"f1\" sourceRef=\"b\" targetRef=\"a\"/>"
                           "</bpmn:process>" TAIL;

    ck_assert_int_eq(parse(xml), ORDO_OK);
    ck_assert_uint_eq(find("a")->noutgoing, 0);
    ck_assert_uint_eq(find("a")->nincoming, 1);
    ck_assert_uint_eq(find("b")->noutgoing, 1);
}
END_TEST

START_TEST(qname_references_resolve_without_their_prefix)
{
    const char *xml = HEAD "<bpmn:process id=\"p\"><bpmn:task id=\"a\"/><bpmn:task id=\"b\"/>"
                           "<bpmn:sequenceFlow id=\"f\" sourceRef=\"tns:a\" targetRef=\"b\"/>"
                           "</bpmn:process>" TAIL;

    ck_assert_int_eq(parse(xml), ORDO_OK);
    ck_assert_ptr_eq(find("f")->source, find("a"));
    ck_assert_ptr_eq(ordo_bpmn_model_find(model, "x:a"), find("a"));
    ck_assert_ptr_null(ordo_bpmn_model_find(model, "nothing"));
}
END_TEST

START_TEST(extensions_and_vendor_attributes_are_kept_verbatim)
{
    const char *xml =
        HEAD "<bpmn:process id=\"p\" xmlns:zeebe=\"http://camunda.org/schema/zeebe/1.0\" "
             "xmlns:v=\"urn:vendor\" v:color=\"red\">"
             "<bpmn:serviceTask id=\"t\"><bpmn:extensionElements>"
             "<zeebe:taskDefinition type=\"slack.post_message\" retries=\"3\"/>"
             "<zeebe:ioMapping><zeebe:input source=\"=x\" target=\"y\"/></zeebe:ioMapping>"
             "<v:script><![CDATA[if (a < b) { x(); }]]></v:script>"
             "<v:form id=\"not-a-model-id\"/>"
             "</bpmn:extensionElements></bpmn:serviceTask></bpmn:process>" TAIL;
    const struct ordo_bpmn_node *ext;
    const struct ordo_bpmn_node *def;
    const struct ordo_bpmn_node *script;

    ck_assert_int_eq(parse(xml), ORDO_OK);
    ck_assert_str_eq(ordo_bpmn_attr_get(find("p"), "urn:vendor", "color"), "red");
    ext = ordo_bpmn_child(find("t"), ORDO_BPMN_EXTENSION_ELEMENTS);
    ck_assert_ptr_nonnull(ext);
    def = ext->first;
    ck_assert_int_eq(def->kind, ORDO_BPMN_EXTENSION);
    ck_assert_str_eq(def->tag, "taskDefinition");
    ck_assert_str_eq(def->ns, "http://camunda.org/schema/zeebe/1.0");
    ck_assert_str_eq(ordo_bpmn_attr_get(def, NULL, "type"), "slack.post_message");
    ck_assert(def->in_extension);
    ck_assert_str_eq(def->next->first->tag, "input");
    script = def->next->next;
    ck_assert_str_eq(script->text, "if (a < b) { x(); }");
    ck_assert(script->first->cdata);
    /* A vendor element's id is not a model id. */
    ck_assert_ptr_null(ordo_bpmn_model_find(model, "not-a-model-id"));
}
END_TEST

START_TEST(xsi_type_remembers_its_namespace)
{
    const char *xml = "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" "
                      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">"
                      "<process id=\"p\"><sequenceFlow id=\"f\">"
                      "<conditionExpression xsi:type=\"tFormalExpression\">=x</conditionExpression>"
                      "</sequenceFlow></process></definitions>";
    const struct ordo_bpmn_node *c;

    ck_assert_int_eq(parse(xml), ORDO_OK);
    c = ordo_bpmn_child(find("f"), ORDO_BPMN_CONDITION_EXPRESSION);
    ck_assert_str_eq(c->attrs[0].value, "tFormalExpression");
    ck_assert_str_eq(c->attrs[0].value_ns, ORDO_BPMN_NS_MODEL);
}
END_TEST

START_TEST(layout_whitespace_is_dropped_but_content_whitespace_kept)
{
    const char *xml =
        HEAD "  <bpmn:process id=\"p\">\n"
             "    <bpmn:documentation>  two  spaces  </bpmn:documentation>\n"
             "    <bpmn:documentation xmlns:h=\"urn:h\">Say <h:b>hi</h:b> <h:i>now</h:i>"
             "</bpmn:documentation>\n"
             "  </bpmn:process>\n" TAIL;
    const struct ordo_bpmn_node *p;
    const struct ordo_bpmn_node *mixed;
    int n = 0;

    ck_assert_int_eq(parse(xml), ORDO_OK);
    p = find("p");
    ck_assert_str_eq(p->first->text, "  two  spaces  ");
    for (const struct ordo_bpmn_node *c = p->first; c; c = c->next) {
        n++; /* only the two documentation elements: no whitespace nodes */
    }
    ck_assert_int_eq(n, 2);
    mixed = p->last;
    ck_assert_ptr_null(mixed->text); /* not a leaf: text lives in its children */
    ck_assert_str_eq(mixed->first->text, "Say ");
    ck_assert_str_eq(mixed->first->next->tag, "b");
    ck_assert_int_eq(mixed->first->next->next->kind, ORDO_BPMN_CHARDATA);
    ck_assert_str_eq(mixed->first->next->next->text, " ");
}
END_TEST

START_TEST(duplicate_ids_parse_and_are_listed)
{
    const char *xml = HEAD "<bpmn:process id=\"p\"><bpmn:task id=\"t\"/>\n<bpmn:task id=\"t\"/>"
                           "</bpmn:process>" TAIL;
    const struct ordo_bpmn_duplicate *d;
    size_t n = 0;

    ck_assert_int_eq(parse(xml), ORDO_OK);
    d = ordo_bpmn_model_duplicates(model, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(d[0].again->id, "t");
    ck_assert_uint_lt(d[0].first->order, d[0].again->order);
    ck_assert_ptr_eq(find("t"), d[0].first); /* the first one wins lookups */
}
END_TEST

START_TEST(iso_8859_1_documents_become_utf8)
{
    const char xml[] = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
                       "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">"
                       "<process id=\"p\" name=\"Gr\xfc\xdf"
                       "e\"/></definitions>";

    ck_assert_int_eq(parse(xml), ORDO_OK);
    ck_assert_str_eq(find("p")->name, "Gr\xc3\xbc\xc3\x9f"
                                      "e");
}
END_TEST

START_TEST(malformed_xml_names_the_line)
{
    const char *xml = HEAD "<bpmn:process id=\"p\">\n<bpmn:task id=\"t\">\n</bpmn:process>" TAIL;

    ck_assert_int_eq(parse(xml), ORDO_E_INVAL);
    ck_assert_ptr_null(model);
    ck_assert_msg(strstr(err.msg, "line 5") != NULL, "message: %s", err.msg);
    ck_assert_msg(strstr(err.msg, "mismatch") != NULL, "message: %s", err.msg);
}
END_TEST

START_TEST(a_name_prefixes_messages)
{
    struct ordo_bpmn_parse_opts opts = {0, "orders.bpmn"};

    ck_assert_int_eq(ordo_bpmn_parse("<x", 2, &opts, &model, &err), ORDO_E_INVAL);
    ck_assert_msg(strncmp(err.msg, "orders.bpmn: line 1: ", 21) == 0, "message: %s", err.msg);
}
END_TEST

START_TEST(other_roots_are_refused)
{
    ck_assert_int_eq(parse("<html><body/></html>"), ORDO_E_INVAL);
    ck_assert_msg(strstr(err.msg, "not a BPMN 2.0 document") && strstr(err.msg, "<html>"),
                  "message: %s", err.msg);
    ck_assert_ptr_null(model);
    memset(&err, 0, sizeof(err));
    ck_assert_int_eq(parse("<definitions xmlns=\"urn:other\"/>"), ORDO_E_INVAL);
    ck_assert_msg(strstr(err.msg, "urn:other"), "message: %s", err.msg);
}
END_TEST

START_TEST(empty_and_undeclared_prefix_documents_are_refused)
{
    ck_assert_int_eq(ordo_bpmn_parse("", 0, NULL, &model, &err), ORDO_E_INVAL);
    ck_assert_msg(strstr(err.msg, "empty"), "message: %s", err.msg);
    memset(&err, 0, sizeof(err));
    ck_assert_int_eq(parse(HEAD "<nope:task id=\"t\"/>" TAIL), ORDO_E_INVAL);
    ck_assert_msg(strstr(err.msg, "nope"), "message: %s", err.msg);
    ck_assert_ptr_null(model);
}
END_TEST

START_TEST(size_cap_is_checked_before_parsing)
{
    struct ordo_bpmn_parse_opts opts = {64, NULL};

    ck_assert_int_eq(ordo_bpmn_parse(chain, strlen(chain), &opts, &model, &err), ORDO_E_TOOBIG);
    ck_assert_msg(strstr(err.msg, "limit of 64"), "message: %s", err.msg);
    ck_assert_ptr_null(model);
}
END_TEST

START_TEST(file_size_cap_is_checked_before_reading)
{
    char path[] = "/tmp/ordo-test-big-XXXXXX";
    struct ordo_bpmn_parse_opts opts = {1024, NULL};
    int fd = mkstemp(path);
    char junk[4096];

    ck_assert_int_ge(fd, 0);
    memset(junk, ' ', sizeof(junk));
    ck_assert_int_eq(write(fd, junk, sizeof(junk)), (int)sizeof(junk));
    close(fd);
    ck_assert_int_eq(ordo_bpmn_parse_file(path, &opts, &model, &err), ORDO_E_TOOBIG);
    ck_assert_msg(strstr(err.msg, path) && strstr(err.msg, "bpmn_max_bytes"), "message: %s",
                  err.msg);
    unlink(path);
    memset(&err, 0, sizeof(err));
    ck_assert_int_eq(ordo_bpmn_parse_file("/nonexistent/x.bpmn", NULL, &model, &err),
                     ORDO_E_NOTFOUND);
}
END_TEST

/* ---- hostile documents ---- */

static int loader_calls;
static int io_opens;

static xmlParserInputPtr recording_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    (void)ctxt;
    loader_calls++;
    return NULL;
}

static int io_match(const char *uri)
{
    (void)uri;
    io_opens++; /* any attempt to open any resource lands here first */
    return 0;
}

static void *io_open(const char *uri)
{
    (void)uri;
    return NULL;
}

static int io_read(void *ctx, char *buf, int len) /* NOLINT: libxml2's signature */
{
    (void)ctx;
    (void)buf;
    (void)len;
    return -1;
}

static int io_close(void *ctx)
{
    (void)ctx;
    return 0;
}

START_TEST(xxe_file_entity_is_refused_without_reading_the_file)
{
    const char *xxe = "<?xml version=\"1.0\"?>\n"
                      "<!DOCTYPE definitions [\n"
                      "  <!ENTITY secret SYSTEM \"file:///etc/passwd\">\n"
                      "]>\n"
                      "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">"
                      "<process id=\"p\" name=\"&secret;\"/></definitions>";
    xmlExternalEntityLoader old = xmlGetExternalEntityLoader();

    loader_calls = 0;
    io_opens = 0;
    xmlSetExternalEntityLoader(recording_loader);
    ck_assert_int_ge(xmlRegisterInputCallbacks(io_match, io_open, io_read, io_close), 0);
    ck_assert_int_eq(parse(xxe), ORDO_E_INVAL);
    xmlSetExternalEntityLoader(old);
    xmlPopInputCallbacks();
    ck_assert_ptr_null(model);
    ck_assert_msg(strstr(err.msg, "DOCTYPE") && strstr(err.msg, "line 2"), "message: %s", err.msg);
    ck_assert_int_eq(loader_calls, 0);
    ck_assert_int_eq(io_opens, 0);
}
END_TEST

static size_t xml_bytes_allocated;

static void *counting_malloc(size_t n)
{
    xml_bytes_allocated += n;
    return malloc(n);
}

static void *counting_realloc(void *p, size_t n)
{
    xml_bytes_allocated += n;
    return realloc(p, n);
}

static char *counting_strdup(const char *s)
{
    xml_bytes_allocated += strlen(s) + 1;
    return strdup(s);
}

START_TEST(billion_laughs_is_refused_without_expanding)
{
    struct ordo_buf doc = ORDO_BUF_INIT;
    xmlFreeFunc f;
    xmlMallocFunc m;
    xmlReallocFunc r;
    xmlStrdupFunc d;

    ordo_buf_puts(&doc, "<?xml version=\"1.0\"?>\n<!DOCTYPE definitions [\n"
                        "<!ENTITY lol \"lol\">\n");
    for (int i = 1; i <= 9; i++) {
        ordo_buf_printf(&doc, "<!ENTITY lol%d \"", i);
        for (int k = 0; k < 10; k++) {
            ordo_buf_printf(&doc, "&lol%s;", i == 1 ? "" : (char[]){(char)('0' + i - 1), 0});
        }
        ordo_buf_puts(&doc, "\">\n");
    }
    ordo_buf_puts(&doc, "]>\n<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\">"
                        "<process id=\"p\" name=\"&lol9;\"/></definitions>");
    /* Count what libxml2 allocates during the parse: a billion "lol"s would
     * need gigabytes; refusing at the DOCTYPE needs a few kilobytes. */
    xmlMemGet(&f, &m, &r, &d);
    xml_bytes_allocated = 0;
    xmlMemSetup(free, counting_malloc, counting_realloc, counting_strdup);
    ck_assert_int_eq(ordo_bpmn_parse(doc.data, doc.len, NULL, &model, &err), ORDO_E_INVAL);
    xmlMemSetup(f, m, r, d);
    ck_assert_msg(strstr(err.msg, "DOCTYPE"), "message: %s", err.msg);
    ck_assert_ptr_null(model);
    ck_assert_msg(xml_bytes_allocated < (size_t)256 * 1024, "libxml2 allocated %zu bytes",
                  xml_bytes_allocated);
    ordo_buf_cleanup(&doc);
}
END_TEST

START_TEST(network_dtd_is_refused_too)
{
    const char *xml = "<?xml version=\"1.0\"?>\n"
                      "<!DOCTYPE definitions SYSTEM \"http://127.0.0.1:1/evil.dtd\">\n"
                      "<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"/>";

    xmlExternalEntityLoader old = xmlGetExternalEntityLoader();

    loader_calls = 0;
    xmlSetExternalEntityLoader(recording_loader);
    ck_assert_int_eq(parse(xml), ORDO_E_INVAL);
    xmlSetExternalEntityLoader(old);
    ck_assert_int_eq(loader_calls, 0);
    ck_assert_msg(strstr(err.msg, "DOCTYPE"), "message: %s", err.msg);
}
END_TEST

START_TEST(undeclared_entity_is_an_error)
{
    ck_assert_int_eq(parse(HEAD "<bpmn:process id=\"p\" name=\"&nbsp;\"/>" TAIL), ORDO_E_INVAL);
    ck_assert_msg(strstr(err.msg, "nbsp"), "message: %s", err.msg);
}
END_TEST

START_TEST(deep_nesting_is_refused)
{
    struct ordo_buf doc = ORDO_BUF_INIT;

    ordo_buf_puts(&doc, HEAD "<bpmn:extensionElements>");
    for (int i = 0; i < 400; i++) {
        ordo_buf_puts(&doc, "<x:a xmlns:x=\"urn:x\">");
    }
    ck_assert_int_eq(ordo_bpmn_parse(doc.data, doc.len, NULL, &model, &err), ORDO_E_INVAL);
    ck_assert_msg(strstr(err.msg, "deep") || strstr(err.msg, "depth"), "message: %s", err.msg);
    ordo_buf_cleanup(&doc);
}
END_TEST

START_TEST(too_many_namespace_declarations_are_refused)
{
    struct ordo_buf doc = ORDO_BUF_INIT;

    /* Siblings may repeat declarations (some tools do) without adding up... */
    ordo_buf_puts(&doc, HEAD "<bpmn:process id=\"p\">");
    for (int i = 0; i < 1100; i++) {
        ordo_buf_printf(&doc, "<bpmn:documentation xmlns:n%d=\"urn:n%d\"/>", i, i);
    }
    ordo_buf_puts(&doc, "</bpmn:process>" TAIL);
    ck_assert_int_eq(ordo_bpmn_parse(doc.data, doc.len, NULL, &model, &err), ORDO_OK);
    ordo_bpmn_model_free(model);
    model = NULL;
    /* ...but one element cannot bring more than 1024 into scope. */
    ordo_buf_reset(&doc);
    ordo_buf_puts(&doc, HEAD "<bpmn:process id=\"p\"");
    for (int i = 0; i < 1100; i++) {
        ordo_buf_printf(&doc, " xmlns:n%d=\"urn:n%d\"", i, i);
    }
    ordo_buf_puts(&doc, "/>" TAIL);
    ck_assert_int_eq(ordo_bpmn_parse(doc.data, doc.len, NULL, &model, &err), ORDO_E_INVAL);
    ck_assert_msg(strstr(err.msg, "namespace declarations in scope"), "message: %s", err.msg);
    ordo_buf_cleanup(&doc);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("bpmn_parse");
    TCase *ok = tcase_create("model");
    TCase *bad = tcase_create("refused");

    tcase_add_checked_fixture(ok, setup, teardown);
    tcase_add_test(ok, elements_get_kinds_classes_and_lines);
    tcase_add_test(ok, entities_in_attributes_and_text_are_decoded);
    tcase_add_test(ok, flows_defaults_hosts_and_di_are_resolved);
    tcase_add_test(ok, incoming_outgoing_come_from_flows_not_child_elements);
    tcase_add_test(ok, qname_references_resolve_without_their_prefix);
    tcase_add_test(ok, extensions_and_vendor_attributes_are_kept_verbatim);
    tcase_add_test(ok, xsi_type_remembers_its_namespace);
    tcase_add_test(ok, layout_whitespace_is_dropped_but_content_whitespace_kept);
    tcase_add_test(ok, duplicate_ids_parse_and_are_listed);
    tcase_add_test(ok, iso_8859_1_documents_become_utf8);
    suite_add_tcase(s, ok);
    tcase_add_checked_fixture(bad, setup, teardown);
    tcase_add_test(bad, malformed_xml_names_the_line);
    tcase_add_test(bad, a_name_prefixes_messages);
    tcase_add_test(bad, other_roots_are_refused);
    tcase_add_test(bad, empty_and_undeclared_prefix_documents_are_refused);
    tcase_add_test(bad, size_cap_is_checked_before_parsing);
    tcase_add_test(bad, file_size_cap_is_checked_before_reading);
    tcase_add_test(bad, xxe_file_entity_is_refused_without_reading_the_file);
    tcase_add_test(bad, billion_laughs_is_refused_without_expanding);
    tcase_add_test(bad, network_dtd_is_refused_too);
    tcase_add_test(bad, undeclared_entity_is_an_error);
    tcase_add_test(bad, deep_nesting_is_refused);
    tcase_add_test(bad, too_many_namespace_declarations_are_refused);
    suite_add_tcase(s, bad);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
