/*
 * generator/emit_di.c - the diagram of an emitted document: the IR's
 * nodes and flows handed to the layout (generator/layout.h), written back
 * as BPMN DI shapes and edges, and the layout report.
 *
 * The plane shows the collaboration when the process has lanes (so that
 * modelers draw the pool, with one shape for the participant and one per
 * lane), else the process itself.
 */
#include "generator/emit_internal.h"
#include "generator/layout.h"

static enum ordo_layout_kind layout_kind(enum ordo_ir_kind kind)
{
    switch (kind) {
    case ORDO_IR_SERVICE_TASK:
    case ORDO_IR_USER_TASK:
        return ORDO_LAYOUT_TASK;
    case ORDO_IR_EXCLUSIVE:
    case ORDO_IR_PARALLEL:
    case ORDO_IR_INCLUSIVE:
        return ORDO_LAYOUT_GATEWAY;
    case ORDO_IR_BOUNDARY_TIMER:
        return ORDO_LAYOUT_BOUNDARY;
    default:
        return ORDO_LAYOUT_EVENT;
    }
}

static void fill_layout(const struct ordo_emit_doc *doc, struct ordo_layout *l)
{
    l->nnodes = doc->nnodes;
    l->nedges = doc->nflows;
    l->nlanes = doc->nlanes;
    l->nodes = ordo_arena_calloc(doc->arena, doc->nnodes + 1, sizeof *l->nodes);
    l->edges = ordo_arena_calloc(doc->arena, doc->nflows + 1, sizeof *l->edges);
    for (uint32_t i = 0; i < doc->nnodes; i++) {
        const struct ordo_emit_node *d = &doc->nodes[i];

        l->nodes[i].kind = layout_kind(d->kind);
        l->nodes[i].lane = d->lane == ORDO_EMIT_NONE ? 0 : d->lane;
        l->nodes[i].host = d->kind == ORDO_IR_BOUNDARY_TIMER ? d->host : 0;
    }
    for (uint32_t f = 0; f < doc->nflows; f++) {
        l->edges[f].from = doc->flows[f].from;
        l->edges[f].to = doc->flows[f].to;
    }
}

static void bounds(struct ordo_buf *out, const struct ordo_layout_rect *r)
{
    ordo_buf_printf(out, "        <dc:Bounds x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n",
                    (int)r->x, (int)r->y, (int)r->w, (int)r->h);
}

static void shape(struct ordo_buf *out, const char *id, const char *element, const char *extra,
                  const struct ordo_layout_rect *r)
{
    ordo_buf_puts(out, "      <bpmndi:BPMNShape");
    ordo_emit_attr(out, "id", id);
    ordo_emit_attr(out, "bpmnElement", element);
    ordo_buf_printf(out, "%s>\n", extra);
    bounds(out, r);
    ordo_buf_puts(out, "      </bpmndi:BPMNShape>\n");
}

static void edge(struct ordo_buf *out, const struct ordo_emit_flow *f,
                 const struct ordo_layout_edge *e)
{
    ordo_buf_puts(out, "      <bpmndi:BPMNEdge");
    ordo_emit_attr(out, "id", f->di_id);
    ordo_emit_attr(out, "bpmnElement", f->id);
    ordo_buf_puts(out, ">\n");
    for (uint32_t i = 0; i < e->npoints; i++) {
        ordo_buf_printf(out, "        <di:waypoint x=\"%d\" y=\"%d\"/>\n", (int)e->points[i].x,
                        (int)e->points[i].y);
    }
    ordo_buf_puts(out, "      </bpmndi:BPMNEdge>\n");
}

static void write_shapes(struct ordo_buf *out, const struct ordo_emit_doc *doc,
                         const struct ordo_layout *l)
{
    if (doc->nlanes) {
        shape(out, doc->participant_di_id, doc->participant_id, " isHorizontal=\"true\"", &l->pool);
        for (uint32_t i = 0; i < doc->nlanes; i++) {
            shape(out, doc->lanes[i].di_id, doc->lanes[i].id, " isHorizontal=\"true\"",
                  &l->lanes[i]);
        }
    }
    for (uint32_t i = 0; i < doc->nnodes; i++) {
        const struct ordo_emit_node *d = &doc->nodes[i];

        shape(out, d->di_id, d->id, d->kind == ORDO_IR_EXCLUSIVE ? " isMarkerVisible=\"true\"" : "",
              &l->nodes[i].box);
    }
    for (uint32_t f = 0; f < doc->nflows; f++) {
        edge(out, &doc->flows[f], &l->edges[f]);
    }
}

enum ordo_code ordo_emit_write_diagram(struct ordo_buf *out, const struct ordo_emit_doc *doc,
                                       json_t **report, struct ordo_err *err)
{
    struct ordo_layout l = {0};
    enum ordo_code rc;

    fill_layout(doc, &l);
    rc = ordo_layout_run(&l, doc->arena, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    ordo_buf_puts(out, "  <bpmndi:BPMNDiagram");
    ordo_emit_attr(out, "id", doc->diagram_id);
    ordo_buf_puts(out, ">\n    <bpmndi:BPMNPlane");
    ordo_emit_attr(out, "id", doc->plane_id);
    ordo_emit_attr(out, "bpmnElement", doc->nlanes ? doc->collaboration_id : doc->pid);
    ordo_buf_puts(out, ">\n");
    write_shapes(out, doc, &l);
    ordo_buf_puts(out, "    </bpmndi:BPMNPlane>\n  </bpmndi:BPMNDiagram>\n");
    *report = json_pack("{s:I, s:I, s:I, s:I, s:I}", "shapes",
                        (json_int_t)doc->nnodes + (doc->nlanes ? (json_int_t)doc->nlanes + 1 : 0),
                        "edges", (json_int_t)doc->nflows, "crossings", (json_int_t)l.crossings,
                        "width", (json_int_t)l.width, "height", (json_int_t)l.height);
    return ORDO_OK;
}
