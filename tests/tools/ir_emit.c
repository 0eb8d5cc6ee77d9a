/*
 * tests/tools/ir_emit.c - IR files to BPMN files, for the ir-emit oracle
 * (tests/oracle/ir-emit.js) and for looking at a layout by hand.
 *
 *   ir_emit OUTDIR FILE.json...
 *
 * writes OUTDIR/<name>.bpmn for each FILE (name without ".json") and
 * prints one JSON line per file on stdout: {"file": "...", "bpmn": "...",
 * "report": {...}} (the layout report of ordo_emit_bpmn). Exit 0 when
 * every file was emitted, 1 when one failed (named on stderr), 2 on bad
 * usage.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "base/buf.h"
#include "base/err.h"
#include "generator/emit.h"

static int emit_one(const char *outdir, const char *path)
{
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    size_t len = strlen(base);
    struct ordo_buf xml = ORDO_BUF_INIT;
    struct ordo_err err = {0};
    json_t *report = NULL, *line;
    json_error_t jerr;
    json_t *ir = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    char out[4096];
    FILE *f;
    int rc = 1;

    if (len > 5 && strcmp(base + len - 5, ".json") == 0) {
        len -= 5;
    }
    (void)snprintf(out, sizeof out, "%s/%.*s.bpmn", outdir, (int)len, base);
    if (!ir) {
        (void)fprintf(stderr, "ir_emit: %s: %s\n", path, jerr.text);
    } else if (ordo_emit_bpmn(ir, &xml, &report, &err) != ORDO_OK) {
        (void)fprintf(stderr, "ir_emit: %s: %s\n", path, err.msg);
    } else if (!(f = fopen(out, "w"))) {
        (void)fprintf(stderr, "ir_emit: cannot write %s\n", out);
    } else {
        rc = fwrite(xml.data, 1, xml.len, f) == xml.len ? 0 : 1;
        rc = fclose(f) == 0 ? rc : 1;
        line = json_pack("{s:s, s:s, s:O}", "file", path, "bpmn", out, "report", report);
        (void)json_dumpf(line, stdout, JSON_COMPACT);
        (void)putchar('\n');
        json_decref(line);
    }
    json_decref(report);
    json_decref(ir);
    ordo_buf_cleanup(&xml);
    return rc;
}

int main(int argc, char **argv)
{
    int rc = 0;

    if (argc < 3) {
        (void)fprintf(stderr, "usage: ir_emit OUTDIR FILE.json...\n");
        return 2;
    }
    for (int i = 2; i < argc; i++) {
        rc = emit_one(argv[1], argv[i]) != 0 ? 1 : rc;
    }
    return rc;
}
