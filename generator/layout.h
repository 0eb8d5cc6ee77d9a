/*
 * generator/layout.h - layered auto-layout of a process graph: pure
 * geometry, no BPMN, no JSON.
 *
 * The caller describes shapes (tasks, gateways, events, boundary events on
 * a host) and directed edges between them; ordo_layout_run places every
 * shape and routes every edge, following the "Ordo C layout" of
 * ../shared/reference/llm-apis.md §9:
 *
 *   1. back edges: a depth-first search from the nodes without incoming
 *      edges (then from any node not reached yet, in index order) marks
 *      the edges that close a loop; they are left out of ranking;
 *   2. ranks: the longest path over the remaining graph gives each node
 *      its column (a boundary event takes its host's; its targets come
 *      at least one column later);
 *   3. bands: nodes in rank order; a node continues the band of a
 *      predecessor whose first forward edge leads to it (the spine of a
 *      split is its first outgoing edge, in edge order), otherwise it
 *      starts a branch band beside its predecessor's: +1, -1, +2, -2...
 *      (below, above, farther below...); a boundary event's targets go
 *      below its host. A band already taken in that column moves the node
 *      on in the same direction, so no two nodes share a cell. Bands are
 *      counted per lane: each lane is one horizontal strip with its own
 *      rows (the bands used in it, top to bottom);
 *   4. coordinates: x by column (column width = widest shape in it, then
 *      a 100 px gap), y by row (80 px rows, 80 px gaps); shapes are
 *      centred in their cell; sizes: task 100 x 80 (wider when it hosts
 *      more than two boundary events), gateway 50 x 50, event 36 x 36.
 *      With lanes, the pool has a 30 px header on the left and lanes are
 *      stacked top to bottom in lane order;
 *   5. edges, orthogonal: each edge takes the first of these routes that
 *      passes through no shape: straight within a row; out of a gateway
 *      at its top or bottom, then horizontal; horizontal, then into a
 *      joining gateway from above or below; around below (or above) the
 *      row for a blocked edge within a row; back edges down, along below
 *      the lowest row of the lane, and up into the target; a boundary
 *      event's edge down from the event, then horizontal. Otherwise the
 *      edge follows the gaps between columns and rows, where no shape is,
 *      which always works.
 *
 * Guarantees, which ordo_layout_check verifies (ordo_layout_run runs it
 * and answers ORDO_E_INTERNAL if it ever failed): integer coordinates
 * (all >= 0); no two shapes overlap, except a boundary event and its
 * host; no edge segment crosses the inside of any shape (its own source
 * and target included: edges start and end on their borders); every
 * segment is horizontal or vertical; every edge has at least 2 points;
 * with lanes, every shape lies inside its lane. The same input always
 * gives the same output.
 *
 * Memory: outputs (edge points, lane rectangles) live in 'arena'.
 * Codes: ORDO_E_INVAL for a bad input (an index out of range, a boundary
 * event whose host is missing or itself a boundary event or that has
 * incoming edges, more than ORDO_LAYOUT_MAX_NODES nodes or
 * ORDO_LAYOUT_MAX_EDGES edges). Thread safety: pure.
 */
#ifndef ORDO_GENERATOR_LAYOUT_H
#define ORDO_GENERATOR_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"

#define ORDO_LAYOUT_MAX_NODES 1000u
#define ORDO_LAYOUT_MAX_EDGES 2000u

enum ordo_layout_kind {
    ORDO_LAYOUT_TASK,     /* 100 x 80 */
    ORDO_LAYOUT_GATEWAY,  /* 50 x 50 */
    ORDO_LAYOUT_EVENT,    /* 36 x 36 */
    ORDO_LAYOUT_BOUNDARY, /* 36 x 36, centred on the bottom edge of its host */
};

struct ordo_layout_rect {
    int32_t x, y, w, h;
};

struct ordo_layout_point {
    int32_t x, y;
};

struct ordo_layout_node {
    enum ordo_layout_kind kind;  /* in */
    uint32_t lane;               /* in: lane index; 0 when there are no lanes */
    uint32_t host;               /* in: BOUNDARY only: the node it is attached to */
    struct ordo_layout_rect box; /* out */
    uint32_t rank;               /* out: the column (a boundary event: its host's) */
    uint32_t row;                /* out: the row from the top (a boundary event: its host's) */
};

struct ordo_layout_edge {
    uint32_t from, to;                      /* in: node indexes */
    const struct ordo_layout_point *points; /* out: the waypoints, in the arena */
    uint32_t npoints;                       /* out: >= 2 */
    bool back;                              /* out: closes a loop */
};

struct ordo_layout {
    /* in */
    struct ordo_layout_node *nodes;
    uint32_t nnodes;
    struct ordo_layout_edge *edges;
    uint32_t nedges;
    uint32_t nlanes; /* 0: no lanes and no pool */
    /* out */
    struct ordo_layout_rect pool;         /* nlanes > 0: the participant */
    const struct ordo_layout_rect *lanes; /* nlanes > 0: one per lane, in the arena */
    int32_t width, height;                /* the largest x and y of anything drawn */
    uint32_t crossings;                   /* pairs of edges that cross */
};

enum ordo_code ordo_layout_run(struct ordo_layout *layout, struct ordo_arena *arena,
                               struct ordo_err *err);

/* Check the guarantees above on a laid-out graph: ORDO_OK, or
 * ORDO_E_INTERNAL naming the first shape or edge that breaks one. */
enum ordo_code ordo_layout_check(const struct ordo_layout *layout, struct ordo_err *err);

/* The number of pairs of edges of which a segment of one crosses a
 * segment of the other at a point inside both. */
uint32_t ordo_layout_crossings(const struct ordo_layout *layout);

#endif
