/*
 * plugins/loader.c - open one connector plugin and check it (see loader.h).
 *
 * The checks run in the order a reader would ask: may this file be
 * trusted, is it a shared object, is it an Ordo connector of this ABI, is
 * its descriptor complete, do its schemas fit the subset. The first
 * failure is the message; everything loaded so far is released on the one
 * exit path.
 */
#include "plugins/loader.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/arena.h"
#include "base/json.h"
#include "base/text.h"
#include "plugins/descriptor.h"

#define MAX_NAME 63u

enum ordo_code ordo_plugin_check_trust(const char *path, const char *what, struct ordo_err *err)
{
    struct stat st;

    if (stat(path, &st) != 0) {
        return ordo_err_set(err, ORDO_E_NOTFOUND, "could not read %s %s: %s", what, path,
                            strerror(errno));
    }
    if (st.st_mode & (S_IWGRP | S_IWOTH)) {
        return ordo_err_set(err, ORDO_E_FORBIDDEN,
                            "%s %s is writable by group or others (mode %03o): refused, since "
                            "whoever can write it runs code as this server (CONTRACTS §8)",
                            what, path, (unsigned)(st.st_mode & 0777));
    }
    if (st.st_uid != 0 && st.st_uid != geteuid()) {
        return ordo_err_set(err, ORDO_E_FORBIDDEN,
                            "%s %s is owned by uid %u, neither root nor the server's user (uid "
                            "%u): refused (CONTRACTS §8)",
                            what, path, (unsigned)st.st_uid, (unsigned)geteuid());
    }
    return ORDO_OK;
}

/* [a-z][a-z0-9_]* of at most MAX_NAME bytes, ending at 'end' or NUL. */
static bool is_ident(const char *s, const char *end)
{
    size_t n = 0;

    if (!s || !(*s >= 'a' && *s <= 'z')) {
        return false;
    }
    for (; *s && s != end; s++, n++) {
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')) {
            return false;
        }
    }
    return n <= MAX_NAME;
}

/* "<connector>.<action>" with exactly one dot (CONTRACTS §1). */
static bool is_action_id(const char *id, const char *connector)
{
    size_t n = strlen(connector);
    const char *dot;

    if (!id || strncmp(id, connector, n) != 0 || id[n] != '.') {
        return false;
    }
    dot = id + n;
    return is_ident(id, dot) && is_ident(dot + 1, NULL);
}

static bool is_error_code(const char *code)
{
    size_t n = code ? strlen(code) : 0;

    if (n == 0 || n >= ORDO_CONNECTOR_CODE_SIZE) {
        return false;
    }
    for (; *code; code++) {
        if (*code <= ' ' || *code == 0x7f) {
            return false;
        }
    }
    return true;
}

/* Parse a schema given as JSON text; 'what' names it in messages. */
static enum ordo_code parse_schema(const struct ordo_plugin *p, const char *what, const char *text,
                                   json_t **doc, struct ordo_err *err)
{
    struct ordo_err perr = {0};

    if (ordo_json_parse(text, strlen(text), NULL, doc, &perr) != ORDO_OK) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "plugin %s: %s is not valid JSON: %s",
                            p->path, what, perr.msg);
    }
    if (!json_is_object(*doc)) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "plugin %s: %s is not a JSON object",
                            p->path, what);
    }
    return ORDO_OK;
}

/* Parse and compile a schema of the subset (with 'flags'). */
static enum ordo_code load_schema(const struct ordo_plugin *p, const char *what, const char *text,
                                  unsigned flags, json_t **doc, struct ordo_schema **out,
                                  struct ordo_err *err)
{
    struct ordo_err serr = {0};
    enum ordo_code rc = parse_schema(p, what, text, doc, err);

    if (rc == ORDO_OK && ordo_schema_load_ex(*doc, flags, out, &serr) != ORDO_OK) {
        rc = ordo_err_set(err, ORDO_E_UNPROCESSABLE, "plugin %s: %s: %s", p->path, what, serr.msg);
    }
    return rc;
}

/* Every credential field is a secret string (CONTRACTS §13 encrypts strings). */
static enum ordo_code check_credential_fields(const struct ordo_plugin *p, struct ordo_err *err)
{
    const json_t *props = json_object_get(p->credential_doc, "properties");
    const char *name;
    json_t *prop;

    json_object_foreach((json_t *)props, name, prop)
    {
        if (!ordo_streq(json_string_value(json_object_get(prop, "type")), "string")) {
            return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                                "plugin %s: credential field \"%s\" must be a string", p->path,
                                name);
        }
    }
    return ORDO_OK;
}

static enum ordo_code check_errors(const struct ordo_plugin *p,
                                   const struct ordo_connector_action *a, struct ordo_err *err)
{
    for (const char *const *e = a->bpmn_errors; e && *e; e++) {
        if (!is_error_code(*e)) {
            return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                                "plugin %s: action %s has a malformed BPMN error code", p->path,
                                a->id);
        }
    }
    return ORDO_OK;
}

static enum ordo_code load_action(struct ordo_plugin *p, size_t i, struct ordo_err *err)
{
    const struct ordo_connector_action *a = ordo_descriptor_action(p->desc, i);
    struct ordo_plugin_action *pa = &p->actions[i];
    const char *what;
    enum ordo_code rc;

    pa->plugin = p;
    pa->desc = a;
    if (!is_action_id(a->id, p->desc->name)) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "plugin %s: action %zu has id \"%s\", expected \"%s.<action>\" in "
                            "lower case (CONTRACTS §1)",
                            p->path, i + 1, a->id ? a->id : "(none)", p->desc->name);
    }
    for (size_t j = 0; j < i; j++) {
        if (strcmp(p->actions[j].desc->id, a->id) == 0) {
            return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "plugin %s: action %s is declared twice",
                                p->path, a->id);
        }
    }
    if (!a->invoke || !a->title) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE, "plugin %s: action %s has no %s", p->path,
                            a->id, a->invoke ? "title" : "invoke function");
    }
    rc = check_errors(p, a, err);
    what = a->id;
    if (rc == ORDO_OK) {
        rc = load_schema(p, what, a->input_schema ? a->input_schema : "{}", ORDO_SCHEMA_OPAQUE,
                         &pa->input_doc, &pa->input, err);
    }
    if (rc == ORDO_OK && a->output_schema) {
        rc = parse_schema(p, what, a->output_schema, &pa->output_doc, err);
    }
    pa->timeout_ms = a->timeout_ms ? a->timeout_ms : ORDO_PLUGIN_DEFAULT_TIMEOUT_MS;
    return rc;
}

/* The descriptor's own fields: magic, ABI, sizes, name, version, counts. */
static enum ordo_code check_descriptor(const struct ordo_plugin *p, struct ordo_err *err)
{
    const struct ordo_connector *d = p->desc;

    if (d->magic != ORDO_CONNECTOR_MAGIC) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "plugin %s: bad magic 0x%08x: not an Ordo connector", p->path,
                            (unsigned)d->magic);
    }
    if (d->abi != ORDO_CONNECTOR_ABI) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "plugin %s was built for connector ABI %u, this server has ABI %u: "
                            "rebuild it against this server's include/ordo/connector.h",
                            p->path, (unsigned)d->abi, (unsigned)ORDO_CONNECTOR_ABI);
    }
    if (d->size < offsetof(struct ordo_connector, fini) + sizeof(d->fini) ||
        d->action_size < offsetof(struct ordo_connector_action, invoke) + sizeof(void *)) {
        return ordo_err_set(
            err, ORDO_E_UNPROCESSABLE, "plugin %s: descriptor too small (%u/%u bytes) for ABI %u",
            p->path, (unsigned)d->size, (unsigned)d->action_size, (unsigned)ORDO_CONNECTOR_ABI);
    }
    if (!is_ident(d->name, NULL)) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "plugin %s: connector name is missing or not [a-z][a-z0-9_]*", p->path);
    }
    if (!d->version || !d->actions || d->nactions == 0 || d->nactions > ORDO_PLUGIN_MAX_ACTIONS) {
        return ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                            "plugin %s: connector %s needs a version and 1 to %u actions", p->path,
                            d->name, ORDO_PLUGIN_MAX_ACTIONS);
    }
    return ORDO_OK;
}

static enum ordo_code load_connector_schemas(struct ordo_plugin *p, struct ordo_err *err)
{
    enum ordo_code rc = ORDO_OK;

    if (p->desc->config_schema) {
        rc = load_schema(p, "configuration schema", p->desc->config_schema, 0, &p->config_doc,
                         &p->config, err);
    }
    if (rc == ORDO_OK && p->desc->credential_schema) {
        rc = load_schema(p, "credential schema", p->desc->credential_schema, 0, &p->credential_doc,
                         &p->credential, err);
        if (rc == ORDO_OK) {
            rc = check_credential_fields(p, err);
        }
    }
    for (size_t i = 0; rc == ORDO_OK && i < p->desc->nactions; i++) {
        rc = load_action(p, i, err);
    }
    if (rc == ORDO_OK) {
        json_t *empty = json_object();

        p->credential_optional =
            !p->credential ||
            (ordo_schema_validate(p->credential, empty, NULL, NULL) == ORDO_OK &&
             (!p->config || ordo_schema_validate(p->config, empty, NULL, NULL) == ORDO_OK));
        json_decref(empty);
    }
    return rc;
}

static enum ordo_code open_descriptor(struct ordo_plugin *p, struct ordo_err *err)
{
    const char *why;

    p->dl = dlopen(p->path, RTLD_NOW | RTLD_LOCAL);
    if (!p->dl) {
        why = dlerror();
        (void)ordo_err_set(err, ORDO_E_UNPROCESSABLE, "could not load plugin %s: %s", p->path,
                           why ? why : "unknown error");
        return ORDO_E_UNPROCESSABLE; /* not ordo_err_set's value: the analyser cannot see it */
    }
    p->desc = dlsym(p->dl, ORDO_CONNECTOR_SYMBOL);
    if (!p->desc) {
        (void)ordo_err_set(err, ORDO_E_UNPROCESSABLE,
                           "plugin %s has no %s symbol: not an Ordo connector", p->path,
                           ORDO_CONNECTOR_SYMBOL);
        return ORDO_E_UNPROCESSABLE;
    }
    return check_descriptor(p, err);
}

static enum ordo_code init_plugin(struct ordo_plugin *p, const struct ordo_connector_host *host,
                                  struct ordo_err *err)
{
    char msg[ORDO_CONNECTOR_MESSAGE_SIZE] = "";

    if (!p->desc->init) {
        return ORDO_OK;
    }
    if (p->desc->init(host, &p->state, msg, sizeof msg) != 0) {
        msg[sizeof msg - 1] = '\0';
        return ordo_err_set(err, ORDO_E_INTERNAL, "plugin %s: init failed: %s", p->path,
                            msg[0] ? msg : "no reason given");
    }
    return ORDO_OK;
}

enum ordo_code ordo_plugin_load(const char *path, const struct ordo_connector_host *host,
                                struct ordo_plugin **out, struct ordo_err *err)
{
    struct ordo_plugin *p;
    enum ordo_code rc;

    rc = ordo_plugin_check_trust(path, "plugin", err);
    if (rc != ORDO_OK) {
        return rc;
    }
    p = calloc(1, sizeof *p);
    if (!p) {
        ordo_oom(sizeof *p);
    }
    p->path = strdup(path);
    if (!p->path) {
        ordo_oom(strlen(path));
    }
    rc = open_descriptor(p, err);
    if (rc == ORDO_OK) {
        p->nactions = p->desc->nactions;
        p->actions = calloc(p->nactions, sizeof *p->actions);
        if (!p->actions) {
            ordo_oom(p->nactions * sizeof *p->actions);
        }
        rc = load_connector_schemas(p, err);
    }
    if (rc == ORDO_OK) {
        rc = init_plugin(p, host, err);
    }
    if (rc != ORDO_OK) {
        p->desc = NULL; /* no fini: init did not succeed */
        ordo_plugin_free(p);
        return rc;
    }
    p->serialised = p->desc->max_concurrency == 1;
    pthread_mutex_init(&p->lock, NULL);
    *out = p;
    return ORDO_OK;
}

void ordo_plugin_free(struct ordo_plugin *p)
{
    if (!p) {
        return;
    }
    if (p->desc) {
        if (p->desc->fini) {
            p->desc->fini(p->state);
        }
        pthread_mutex_destroy(&p->lock);
    }
    for (size_t i = 0; p->actions && i < p->nactions; i++) {
        ordo_schema_free(p->actions[i].input);
        json_decref(p->actions[i].input_doc);
        json_decref(p->actions[i].output_doc);
    }
    free(p->actions);
    ordo_schema_free(p->config);
    ordo_schema_free(p->credential);
    json_decref(p->config_doc);
    json_decref(p->credential_doc);
    if (p->dl) {
        dlclose(p->dl);
    }
    free(p->path);
    free(p);
}
