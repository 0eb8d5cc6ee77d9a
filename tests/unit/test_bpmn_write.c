/*
 * The BPMN writer: namespaces once on the root, nothing lost, stable output.
 */
#include <stdio.h>
#include <string.h>

#include <check.h>

#include "base/buf.h"
#include "bpmn/parse.h"
#include "bpmn/write.h"
#include "tests/unit/bpmn_compare.h"
#include "tests/unit/check_main.h"

#define BPMN_NS "http://www.omg.org/spec/BPMN/20100524/MODEL"

static struct ordo_bpmn_model *in;
static struct ordo_bpmn_model *back;
static struct ordo_buf out;

static void setup(void)
{
    in = NULL;
    back = NULL;
    ordo_buf_init(&out);
}

static void teardown(void)
{
    ordo_bpmn_model_free(in);
    ordo_bpmn_model_free(back);
    ordo_buf_cleanup(&out);
}

/* Parse 'xml', write it, parse the output, and require the same model. */
static const char *round_trip(const char *xml)
{
    struct ordo_err err = {0};
    char why[512] = "";

    ck_assert_msg(ordo_bpmn_parse(xml, strlen(xml), NULL, &in, &err) == ORDO_OK, "input: %s",
                  err.msg);
    ck_assert_int_eq(ordo_bpmn_write(in, &out, &err), ORDO_OK);
    ck_assert_msg(ordo_bpmn_parse(out.data, out.len, NULL, &back, &err) == ORDO_OK,
                  "output does not parse: %s\n%s", err.msg, out.data);
    ck_assert_msg(bpmn_models_equal(in, back, why, sizeof(why)), "%s\n%s", why, out.data);
    return out.data;
}

static int count(const char *hay, const char *needle)
{
    int n = 0;

    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle)) {
        n++;
    }
    return n;
}

START_TEST(output_is_utf8_indented_and_ends_with_newline)
{
    const char *s = round_trip("<definitions xmlns=\"" BPMN_NS "\" id=\"d\"><process id=\"p\">"
                               "<task id=\"t\" name=\"T\"/></process></definitions>");

    ck_assert_str_eq(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        "<definitions xmlns=\"" BPMN_NS "\" id=\"d\">\n"
                        "  <process id=\"p\">\n"
                        "    <task id=\"t\" name=\"T\"/>\n"
                        "  </process>\n"
                        "</definitions>\n");
}
END_TEST

START_TEST(nested_namespace_declarations_move_to_the_root)
{
    const char *s = round_trip(
        "<bpmn:definitions xmlns:bpmn=\"" BPMN_NS "\" id=\"d\">"
        "<bpmn:process id=\"p\" xmlns:zeebe=\"http://camunda.org/schema/zeebe/1.0\">"
        "<bpmn:serviceTask id=\"t\"><bpmn:extensionElements>"
        "<zeebe:taskDefinition type=\"x.y\"/>"
        "<meta xmlns=\"urn:vendor\" level=\"2\"><tag>a</tag></meta>"
        "</bpmn:extensionElements></bpmn:serviceTask></bpmn:process></bpmn:definitions>");
    const char *root_end = strchr(strstr(s, "<bpmn:definitions"), '>');

    ck_assert_int_eq(count(root_end, "xmlns"), 0);
    ck_assert_int_eq(count(s, "xmlns:zeebe=\"http://camunda.org/schema/zeebe/1.0\""), 1);
    /* The nested default namespace becomes a prefixed one. */
    ck_assert_msg(strstr(s, "xmlns:ns1=\"urn:vendor\"") && strstr(s, "<ns1:meta level=\"2\">"),
                  "%s", s);
    ck_assert_msg(strstr(s, "<ns1:tag>a</ns1:tag>"), "%s", s);
}
END_TEST

START_TEST(a_clashing_prefix_is_renamed)
{
    const char *s = round_trip("<b:definitions xmlns:b=\"" BPMN_NS "\" xmlns:x=\"urn:a\" id=\"d\">"
                               "<x:one/><b:process id=\"p\"><b:extensionElements>"
                               "<x:two xmlns:x=\"urn:b\" x:attr=\"v\"/>"
                               "</b:extensionElements></b:process></b:definitions>");

    ck_assert_msg(strstr(s, "xmlns:x=\"urn:a\"") && strstr(s, "xmlns:ns1=\"urn:b\""), "%s", s);
    ck_assert_msg(strstr(s, "<ns1:two ns1:attr=\"v\"/>"), "%s", s);
    ck_assert_msg(strstr(s, "<x:one/>"), "%s", s);
}
END_TEST

START_TEST(xsi_type_follows_its_namespace_when_the_default_goes)
{
    /* An element without a namespace cannot live under a root default
     * namespace, so BPMN gets a prefix and xsi:type must follow it. */
    const char *s = round_trip(
        "<definitions xmlns=\"" BPMN_NS "\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
        " id=\"d\"><process id=\"p\"><sequenceFlow id=\"f\" sourceRef=\"a\" targetRef=\"b\">"
        "<conditionExpression xsi:type=\"tFormalExpression\">=ok</conditionExpression>"
        "</sequenceFlow><extensionElements><plain xmlns=\"\"/></extensionElements></process>"
        "</definitions>");

    ck_assert_msg(strstr(s, "xmlns:bpmn=\"" BPMN_NS "\""), "%s", s);
    ck_assert_msg(strstr(s, "xsi:type=\"bpmn:tFormalExpression\""), "%s", s);
    ck_assert_msg(strstr(s, "<plain/>"), "%s", s);
    ck_assert_int_eq(count(s, "xmlns=\""), 0);
}
END_TEST

START_TEST(special_characters_survive)
{
    const char *s = round_trip(
        "<definitions xmlns=\"" BPMN_NS
        "\" id=\"d\"><process id=\"p\" name=\"a&#10;b&#9;c &quot;q&quot; "
        "&lt;&amp;&gt;\"><documentation>x &lt; y &amp;&amp; z &gt; w&#13;</documentation>"
        "<extensionElements><s xmlns=\"urn:s\"><![CDATA[a ]]]]><![CDATA[> b <c/>]]></s>"
        "</extensionElements><!-- keep me --></process></definitions>");

    ck_assert_msg(strstr(s, "name=\"a&#10;b&#9;c &quot;q&quot; &lt;&amp;&gt;\""), "%s", s);
    ck_assert_msg(strstr(s, "x &lt; y &amp;&amp; z &gt; w&#13;"), "%s", s);
    ck_assert_msg(strstr(s, "<!-- keep me -->"), "%s", s);
    ck_assert_str_eq(ordo_bpmn_model_find(back, "p")->name, "a\nb\tc \"q\" <&>");
}
END_TEST

START_TEST(mixed_content_is_written_without_layout_whitespace)
{
    const char *s =
        round_trip("<definitions xmlns=\"" BPMN_NS "\" xmlns:h=\"urn:h\" id=\"d\">"
                   "<process id=\"p\"><documentation>Read <h:b>this <h:i>now</h:i></h:b>"
                   " please</documentation></process></definitions>");

    ck_assert_msg(strstr(s, "<documentation>Read <h:b>this <h:i>now</h:i></h:b> please"
                            "</documentation>"),
                  "%s", s);
}
END_TEST

START_TEST(undeclared_default_namespace_keeps_xsi_type_unqualified)
{
    /* xmlns="" puts <foo> and its xsi:type value in no namespace: the output
     * must not invent a prefix for "no namespace" (xmlns:ns1="" is invalid). */
    const char *s = round_trip(
        "<definitions xmlns=\"" BPMN_NS "\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
        " id=\"d\"><process id=\"p\"><extensionElements><foo xmlns=\"\" xsi:type=\"bar\"/>"
        "</extensionElements></process></definitions>");

    ck_assert_msg(strstr(s, "<foo xsi:type=\"bar\"/>"), "%s", s);
    ck_assert_msg(!strstr(s, "=\"\""), "%s", s);
    ck_assert_msg(strstr(s, "<bpmn:process"), "%s", s); /* the default moved to a prefix */
}
END_TEST

START_TEST(odd_xsi_type_values_stay_as_written)
{
    const char *s =
        round_trip("<definitions xmlns=\"" BPMN_NS "\" xmlns:xsi=\"http://www.w3.org/2001/"
                   "XMLSchema-instance\"><process id=\"p\"><documentation xsi:type=\"\"/>"
                   "<documentation xsi:type=\":x\"/><documentation xsi:type=\"a:b:c\"/>"
                   "<documentation xsi:type=\"nope:x\"/></process></definitions>");

    ck_assert_msg(strstr(s, "xsi:type=\"\"/>"), "%s", s);
    ck_assert_msg(strstr(s, "xsi:type=\":x\"/>"), "%s", s);
    ck_assert_msg(strstr(s, "xsi:type=\"a:b:c\"/>"), "%s", s);
    ck_assert_msg(strstr(s, "xsi:type=\"nope:x\"/>"), "%s", s);
}
END_TEST

START_TEST(comment_only_content_is_stable)
{
    const char *xml =
        "<definitions xmlns=\"" BPMN_NS "\" id=\"d\"><process id=\"p\">"
        "<sequenceFlow id=\"f\"><conditionExpression><!--only--></conditionExpression>"
        "</sequenceFlow></process></definitions>";
    struct ordo_buf again = ORDO_BUF_INIT;
    const char *s = round_trip(xml);

    ck_assert_msg(strstr(s, "<conditionExpression><!--only--></conditionExpression>"), "%s", s);
    ck_assert_ptr_null(
        ordo_bpmn_child(ordo_bpmn_model_find(back, "f"), ORDO_BPMN_CONDITION_EXPRESSION)->text);
    ck_assert_int_eq(ordo_bpmn_write(back, &again, NULL), ORDO_OK);
    ck_assert_str_eq(again.data, s);
    ordo_buf_cleanup(&again);
}
END_TEST

START_TEST(comparison_notices_a_changed_attribute)
{
    const char *a =
        "<definitions xmlns=\"" BPMN_NS "\" xmlns:dc=\"http://www.omg.org/spec/DD/20100524/DC\""
        " xmlns:bpmndi=\"http://www.omg.org/spec/BPMN/20100524/DI\">"
        "<process id=\"p\"><task id=\"t\"/></process><bpmndi:BPMNDiagram><bpmndi:BPMNPlane>"
        "<bpmndi:BPMNShape id=\"s\" bpmnElement=\"t\"><dc:Bounds x=\"1\" y=\"2\" width=\"3\""
        " height=\"4\"/></bpmndi:BPMNShape></bpmndi:BPMNPlane></bpmndi:BPMNDiagram>"
        "</definitions>";
    struct ordo_bpmn_model *x = NULL;
    struct ordo_bpmn_model *y = NULL;
    char other[1024];
    char why[256] = "";

    ck_assert_int_eq(ordo_bpmn_parse(a, strlen(a), NULL, &x, NULL), ORDO_OK);
    (void)snprintf(other, sizeof(other), "%s", a);
    strstr(other, "width=\"3\"")[7] = '5';
    ck_assert_int_eq(ordo_bpmn_parse(other, strlen(other), NULL, &y, NULL), ORDO_OK);
    ck_assert(!bpmn_models_equal(x, y, why, sizeof(why)));
    ck_assert_msg(strstr(why, "\"s\"") && strstr(why, "bounds"), "%s", why);
    ordo_bpmn_model_free(y);
    ck_assert_int_eq(ordo_bpmn_parse(a, strlen(a), NULL, &y, NULL), ORDO_OK);
    ck_assert(bpmn_models_equal(x, y, why, sizeof(why)));
    ordo_bpmn_model_free(x);
    ordo_bpmn_model_free(y);
}
END_TEST

START_TEST(a_model_without_root_is_refused)
{
    struct ordo_bpmn_model *empty = ordo_bpmn_model_new();
    struct ordo_err err = {0};

    ck_assert_int_eq(ordo_bpmn_write(empty, &out, &err), ORDO_E_INVAL);
    ck_assert_uint_eq(out.len, 0);
    ordo_bpmn_model_free(empty);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("bpmn_write");
    TCase *tc = tcase_create("write");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, output_is_utf8_indented_and_ends_with_newline);
    tcase_add_test(tc, nested_namespace_declarations_move_to_the_root);
    tcase_add_test(tc, a_clashing_prefix_is_renamed);
    tcase_add_test(tc, xsi_type_follows_its_namespace_when_the_default_goes);
    tcase_add_test(tc, special_characters_survive);
    tcase_add_test(tc, mixed_content_is_written_without_layout_whitespace);
    tcase_add_test(tc, undeclared_default_namespace_keeps_xsi_type_unqualified);
    tcase_add_test(tc, odd_xsi_type_values_stay_as_written);
    tcase_add_test(tc, comment_only_content_is_stable);
    tcase_add_test(tc, comparison_notices_a_changed_attribute);
    tcase_add_test(tc, a_model_without_root_is_refused);
    suite_add_tcase(s, tc);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
