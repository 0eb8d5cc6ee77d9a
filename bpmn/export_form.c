/*
 * bpmn/export_form.c - ordo:form (CONTRACTS §11) in each target's form.
 *
 * ordo:form is a JSON Schema subset: an object whose properties each have a
 * type (string, number, integer, boolean), maybe an enum, a format (date,
 * date-time, email), a title, a description and a default, and a list of
 * required names.
 *
 * Camunda 8: a Camunda Form (the JSON that Camunda Modeler's form editor
 * writes), one component per property in the schema's order:
 *   enum -> select (values: label and value alike); boolean -> checkbox;
 *   number, integer -> number (integer: no decimal digits); format date ->
 *   datetime with subtype date; date-time -> datetime; email -> textfield
 *   validated as an email; other strings -> textfield.
 *   title -> label, description, default -> defaultValue, required ->
 *   validate.required. The form's id is "Form_<element id>", which the user
 *   task names in zeebe:formDefinition formId.
 * Camunda 7: camunda:formData with one camunda:formField per property:
 *   enum -> enum with camunda:value children; boolean -> boolean; integer
 *   -> long; date, date-time -> date; other strings -> string; a number
 *   that need not be whole has no Camunda 7 form type and becomes a string
 *   (reported as lost); required -> camunda:constraint name="required".
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/text.h"
#include "bpmn/export_internal.h"

#define CA ORDO_BPMN_NS_CAMUNDA

static json_t *load_form(struct ordo_export_state *x, struct ordo_bpmn_node *el, const char *text)
{
    json_error_t jerr;
    json_t *form = json_loads(text, 0, &jerr);

    if (!json_is_object(form) || !json_is_object(json_object_get(form, "properties"))) {
        ordo_export_report(x, ORDO_EXPORT_LOST, el, "ordo:form",
                           "left out: the form is not a JSON Schema object with properties");
        json_decref(form);
        return NULL;
    }
    return form;
}

static bool is_required(const json_t *form, const char *name)
{
    size_t i;
    const json_t *r;

    json_array_foreach(json_object_get(form, "required"), i, r)
    {
        if (ordo_streq(json_string_value(r), name)) {
            return true;
        }
    }
    return false;
}

static const char *str_of(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* ---- Camunda 8 ---- */

static json_t *select_values(const json_t *options)
{
    json_t *values = json_array();
    size_t i;
    const json_t *v;

    json_array_foreach(options, i, v)
    {
        char *label = json_is_string(v) ? NULL : json_dumps(v, JSON_ENCODE_ANY);

        json_array_append_new(values, json_pack("{s:s, s:O}", "label",
                                                label ? label : json_string_value(v), "value", v));
        free(label);
    }
    return values;
}

static json_t *component(const char *name, const json_t *p, bool required)
{
    const char *type = str_of(p, "type");
    const char *format = str_of(p, "format");
    const char *title = str_of(p, "title");
    const json_t *options = json_object_get(p, "enum");
    json_t *c = json_object();
    const char *label_key = "label";

    if (json_is_array(options)) {
        json_object_set_new(c, "type", json_string("select"));
        json_object_set_new(c, "values", select_values(options));
    } else if (ordo_streq(type, "boolean")) {
        json_object_set_new(c, "type", json_string("checkbox"));
    } else if (ordo_streq(type, "number") || ordo_streq(type, "integer")) {
        json_object_set_new(c, "type", json_string("number"));
        if (ordo_streq(type, "integer")) {
            json_object_set_new(c, "decimalDigits", json_integer(0));
        }
    } else if (ordo_streq(format, "date") || ordo_streq(format, "date-time")) {
        bool date = ordo_streq(format, "date");

        json_object_set_new(c, "type", json_string("datetime"));
        json_object_set_new(c, "subtype", json_string(date ? "date" : "datetime"));
        if (!date) {
            json_object_set_new(c, "timeLabel", json_string("Time"));
        }
        label_key = "dateLabel";
    } else {
        json_object_set_new(c, "type", json_string("textfield"));
    }
    json_object_set_new(c, label_key, json_string(title ? title : name));
    json_object_set_new(c, "key", json_string(name));
    json_object_set_new(c, "id", json_pack("s++", "Field_", name, ""));
    if (str_of(p, "description")) {
        json_object_set_new(c, "description", json_string(str_of(p, "description")));
    }
    if (json_object_get(p, "default")) {
        json_object_set(c, "defaultValue", json_object_get(p, "default"));
    }
    if (required || ordo_streq(format, "email")) {
        json_t *v = json_object();

        if (required) {
            json_object_set_new(v, "required", json_true());
        }
        if (ordo_streq(format, "email")) {
            json_object_set_new(v, "validationType", json_string("email"));
        }
        json_object_set_new(c, "validate", v);
    }
    return c;
}

const char *ordo_export_form_c8(struct ordo_export_state *x, struct ordo_bpmn_node *el,
                                const char *schema_text)
{
    json_t *form = load_form(x, el, schema_text);
    json_t *components;
    json_t *doc;
    const char *name;
    const char *id;
    json_t *p;

    if (!form) {
        return NULL;
    }
    id = ordo_arena_printf(x->arena, "Form_%s", el->id ? el->id : "form");
    components = json_array();
    json_object_foreach(json_object_get(form, "properties"), name, p)
    {
        json_array_append_new(components, component(name, p, is_required(form, name)));
    }
    doc = json_pack("{s:s, s:s, s:{s:s}, s:i, s:s, s:s, s:o}", "executionPlatform", "Camunda Cloud",
                    "executionPlatformVersion", ORDO_EXPORT_C8_VERSION, "exporter", "name", "Ordo",
                    "schemaVersion", 16, "id", id, "type", "default", "components", components);
    json_decref(form);
    ordo_export_form_add(x, id, el, doc);
    ordo_export_report(x, ORDO_EXPORT_MAPPED, el, "ordo:form",
                       "form as the Camunda Form \"%s\" (zeebe:formDefinition formId)", id);
    return id;
}

/* ---- Camunda 7 ---- */

static const char *c7_type(struct ordo_export_state *x, struct ordo_bpmn_node *el, const char *name,
                           const json_t *p)
{
    const char *type = str_of(p, "type");
    const char *format = str_of(p, "format");

    if (json_is_array(json_object_get(p, "enum"))) {
        if (type && strcmp(type, "string") != 0) {
            ordo_export_report(x, ORDO_EXPORT_NOTE, el, "ordo:form",
                               "the %s choices of \"%s\" are text in a Camunda 7 enum field", type,
                               name);
        }
        return "enum";
    }
    if (ordo_streq(type, "boolean")) {
        return "boolean";
    }
    if (ordo_streq(type, "integer")) {
        return "long";
    }
    if (ordo_streq(type, "number")) {
        ordo_export_report(x, ORDO_EXPORT_LOST, el, "ordo:form",
                           "the number field \"%s\" is a string field: Camunda 7 forms have no "
                           "decimal type",
                           name);
        return "string";
    }
    if (ordo_streq(format, "date") || ordo_streq(format, "date-time")) {
        ordo_export_report(x, ORDO_EXPORT_NOTE, el, "ordo:form",
                           "the %s field \"%s\" is a Camunda 7 date field, which Tasklist reads "
                           "as dd/MM/yyyy%s",
                           format, name,
                           ordo_streq(format, "date-time") ? ": the time of day is not asked" : "");
        return "date";
    }
    if (format) {
        ordo_export_report(x, ORDO_EXPORT_LOST, el, "ordo:form",
                           "the format \"%s\" of \"%s\" is not checked by Camunda 7 forms", format,
                           name);
    }
    return "string";
}

static const char *text_of(struct ordo_export_state *x, const json_t *v)
{
    char *s;
    const char *copy;

    if (json_is_string(v)) {
        return json_string_value(v);
    }
    s = json_dumps(v, JSON_ENCODE_ANY);
    copy = ordo_arena_strdup(x->arena, s);
    free(s);
    return copy;
}

static void form_field(struct ordo_export_state *x, struct ordo_bpmn_node *el,
                       struct ordo_bpmn_node *fd, const char *name, const json_t *p, bool required)
{
    struct ordo_bpmn_node *f = ordo_export_element(x, fd, CA, "camunda", "formField");
    const char *type = c7_type(x, el, name, p);
    size_t i;
    const json_t *v;

    ordo_export_attr_set(x, f, NULL, NULL, "id", name);
    ordo_export_attr_set(x, f, NULL, NULL, "label", str_of(p, "title") ? str_of(p, "title") : name);
    ordo_export_attr_set(x, f, NULL, NULL, "type", type);
    if (str_of(p, "description")) {
        ordo_export_report(x, ORDO_EXPORT_LOST, el, "ordo:form",
                           "the description of \"%s\" has no place in camunda:formField", name);
    }
    if (json_object_get(p, "default")) {
        ordo_export_attr_set(x, f, NULL, NULL, "defaultValue",
                             text_of(x, json_object_get(p, "default")));
    }
    if (required) {
        struct ordo_bpmn_node *val = ordo_export_element(x, f, CA, "camunda", "validation");

        ordo_export_attr_set(x, ordo_export_element(x, val, CA, "camunda", "constraint"), NULL,
                             NULL, "name", "required");
    }
    json_array_foreach(json_object_get(p, "enum"), i, v)
    {
        struct ordo_bpmn_node *cv = ordo_export_element(x, f, CA, "camunda", "value");

        ordo_export_attr_set(x, cv, NULL, NULL, "id", text_of(x, v));
        ordo_export_attr_set(x, cv, NULL, NULL, "name", text_of(x, v));
    }
}

void ordo_export_form_c7(struct ordo_export_state *x, struct ordo_bpmn_node *el,
                         const char *schema_text)
{
    json_t *form = load_form(x, el, schema_text);
    struct ordo_bpmn_node *fd;
    const char *name;
    json_t *p;

    if (!form) {
        return;
    }
    fd = ordo_export_ext_need(x, el, CA, "camunda", "formData");
    json_object_foreach(json_object_get(form, "properties"), name, p)
    {
        form_field(x, el, fd, name, p, is_required(form, name));
    }
    json_decref(form);
    ordo_export_report(x, ORDO_EXPORT_MAPPED, el, "ordo:form", "form as camunda:formData");
}
