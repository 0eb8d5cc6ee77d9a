/*
 * core/graph_form.c - camunda:formData read as an ordo:form (CONTRACTS.md
 * §2 and §11), so that a Camunda 7 user task keeps its form and the
 * server validates completions against it.
 *
 * Each camunda:formField becomes one property of the JSON Schema subset
 * (base/schema.h): id -> the property name, label -> title, type string
 * -> string, long -> integer, boolean -> boolean, date -> string with
 * format date-time, enum -> string with the camunda:value ids as enum;
 * defaultValue -> default (converted to the field's type; an expression is
 * left out, as the form has no variables to evaluate it against); the
 * camunda:constraint name="required" -> required. Other constraints
 * (minlength, readonly, validators) are not checked, which the note says.
 * A field without an id, or of a type Camunda resolves through a Java
 * plugin (any other name), is refused with rule "extension": Ordo could
 * not validate it.
 */
#include <string.h>

#include <jansson.h>

#include "base/json.h"
#include "base/schema.h"
#include "base/text.h"
#include "core/graph_internal.h"

/* What one form field's camunda:validation says. */
struct constraints {
    bool required;
    const char *ignored; /* the first other constraint, for the note */
};

static struct constraints read_constraints(const struct ordo_bpmn_node *field)
{
    const struct ordo_bpmn_node *v =
        ordo_graph_next_child(field, NULL, ORDO_BPMN_NS_CAMUNDA, "validation");
    struct constraints out = {0};

    for (const struct ordo_bpmn_node *k =
             ordo_graph_next_child(v, NULL, ORDO_BPMN_NS_CAMUNDA, "constraint");
         k; k = ordo_graph_next_child(v, k, ORDO_BPMN_NS_CAMUNDA, "constraint")) {
        const char *name = ordo_bpmn_attr_get(k, NULL, "name");

        if (ordo_streq(name, "required")) {
            out.required = true;
        } else if (name && !out.ignored) {
            out.ignored = name;
        }
    }
    return out;
}

/* The default value as JSON of the field's schema type, or NULL to leave
 * it out (absent, or an expression). A value of the wrong shape stays a
 * string, and ordo_schema_load() then refuses it by name. */
static json_t *default_of(const char *text, const char *type)
{
    json_t *v;

    if (!text || ordo_graph_is_expression(text)) {
        return NULL;
    }
    if (strcmp(type, "integer") == 0 || strcmp(type, "boolean") == 0) {
        v = json_loads(text, JSON_DECODE_ANY, NULL);
        if (v && (strcmp(type, "integer") == 0 ? json_is_integer(v) : json_is_boolean(v))) {
            return v;
        }
        json_decref(v);
    }
    return json_string(text);
}

/* The JSON Schema property of 'field', or NULL after reporting why not. */
static json_t *property_of(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *el,
                           const struct ordo_bpmn_node *field, const char *id)
{
    const char *ctype = ordo_bpmn_attr_get(field, NULL, "type");
    const char *label = ordo_bpmn_attr_get(field, NULL, "label");
    json_t *p = json_object();
    json_t *values;

    if (!ctype || strcmp(ctype, "string") == 0 || strcmp(ctype, "date") == 0 ||
        strcmp(ctype, "enum") == 0) {
        json_object_set_new(p, "type", json_string("string"));
    } else if (strcmp(ctype, "long") == 0) {
        json_object_set_new(p, "type", json_string("integer"));
    } else if (strcmp(ctype, "boolean") == 0) {
        json_object_set_new(p, "type", json_string("boolean"));
    } else {
        ordo_graph_report(c, el, "extension",
                          "camunda:formField \"%s\" has type \"%s\", which Ordo's forms cannot "
                          "validate (string, long, boolean, date, enum); use one of those",
                          id, ctype);
        json_decref(p);
        return NULL;
    }
    if (ordo_streq(ctype, "date")) {
        json_object_set_new(p, "format", json_string("date-time"));
    }
    if (ordo_streq(ctype, "enum")) {
        values = json_array();
        for (const struct ordo_bpmn_node *v =
                 ordo_graph_next_child(field, NULL, ORDO_BPMN_NS_CAMUNDA, "value");
             v; v = ordo_graph_next_child(field, v, ORDO_BPMN_NS_CAMUNDA, "value")) {
            const char *vid = ordo_bpmn_attr_get(v, NULL, "id");

            json_array_append_new(values, json_string(vid ? vid : ""));
        }
        json_object_set_new(p, "enum", values);
    }
    if (label && *label) {
        json_object_set_new(p, "title", json_string(label));
    }
    values = default_of(ordo_bpmn_attr_get(field, NULL, "defaultValue"),
                        json_string_value(json_object_get(p, "type")));
    if (values) {
        json_object_set_new(p, "default", values);
    }
    return p;
}

/* Fill 'schema' from the fields of 'fd'; false after reporting. */
static bool read_fields(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *el,
                        const struct ordo_bpmn_node *fd, json_t *schema, const char **ignored)
{
    json_t *props = json_object_get(schema, "properties");
    json_t *required = json_object_get(schema, "required");

    for (const struct ordo_bpmn_node *f =
             ordo_graph_next_child(fd, NULL, ORDO_BPMN_NS_CAMUNDA, "formField");
         f; f = ordo_graph_next_child(fd, f, ORDO_BPMN_NS_CAMUNDA, "formField")) {
        const char *id = ordo_bpmn_attr_get(f, NULL, "id");
        struct constraints k = read_constraints(f);
        json_t *p;

        if (!id || !*id) {
            ordo_graph_report(c, el, "extension", "a camunda:formField has no id");
            return false;
        }
        p = property_of(c, el, f, id);
        if (!p) {
            return false;
        }
        json_object_set_new(props, ordo_utf8_repair(c->scratch, id), p);
        if (k.required) {
            json_array_append_new(required, json_string(ordo_utf8_repair(c->scratch, id)));
        }
        if (k.ignored && !*ignored) {
            *ignored = k.ignored;
        }
    }
    return true;
}

const char *ordo_graph_form_data(struct ordo_graph_ctx *c, const struct ordo_bpmn_node *el)
{
    const struct ordo_bpmn_node *fd = ordo_graph_extension(el, ORDO_BPMN_NS_CAMUNDA, "formData");
    json_t *schema;
    struct ordo_schema *loaded = NULL;
    struct ordo_err err = {0};
    const char *ignored = NULL;
    const char *text = NULL;

    if (!fd) {
        return NULL;
    }
    schema = json_pack("{s:s, s:{}, s:[]}", "type", "object", "properties", "required");
    if (!schema) {
        ordo_oom(0);
    }
    if (read_fields(c, el, fd, schema, &ignored)) {
        if (ordo_schema_load(schema, &loaded, &err) != ORDO_OK) {
            ordo_graph_report(c, el, "extension", "camunda:formData: %s", err.msg);
        } else {
            text = ordo_json_dump(c->arena, schema, JSON_COMPACT | JSON_SORT_KEYS);
            ordo_graph_note(c, el, "form-data",
                            "camunda:formData is read as the task's form (ordo:form %s)%s%s%s",
                            text, ignored ? "; the constraint \"" : "", ignored ? ignored : "",
                            ignored ? "\" and others but \"required\" are not checked" : "");
        }
    }
    ordo_schema_free(loaded);
    json_decref(schema);
    return text;
}
