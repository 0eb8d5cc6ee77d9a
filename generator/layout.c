/*
 * generator/layout.c - layered auto-layout (generator/layout.h is the
 * specification).
 *
 * Why the routes are safe: shapes only ever sit inside their cell (a
 * boundary event also reaches 18 px into the gap below its host's row,
 * never sideways out of the host's column). The gaps between columns
 * (100 px) and between rows (80 px, with 40 px above the first row and
 * 60 px below the last row of each lane) hold no shape, so a route that
 * leaves its source into the next gap, runs along gaps only and enters
 * its target from the gap beside it crosses nothing. The nicer routes
 * are tried first and kept only when no segment crosses a shape.
 * Parallel edges in one gap ("channel") are spread 6 px apart, at most
 * 12 px either side of its middle, which keeps them clear of shapes.
 */
#include "generator/layout.h"

#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX

#define MARGIN        80 /* origin to the pool, or to the first column's lane edge */
#define HEADER        30 /* the pool's name column */
#define PAD_LEFT      40 /* lane edge to the first column */
#define PAD_RIGHT     100
#define PAD_TOP       40
#define PAD_BOTTOM    60 /* boundary events and the back-edge channel live here */
#define COL_GAP       100
#define ROW_H         80
#define ROW_GAP       80
#define TASK_W        100
#define TASK_H        80
#define GATEWAY_SIZE  50
#define EVENT_SIZE    36
#define BOUNDARY_STEP 44 /* boundary events on one host, centre to centre */
#define CHAN_STEP     6
#define CHAN_SLOTS    5
#define MAX_POINTS    8
#define MAX_CHANS     3

struct chan {
    char axis; /* 'h' (a y value) or 'v' (an x value) */
    int32_t base;
    uint32_t uses;
};

struct route {
    struct ordo_layout_point p[MAX_POINTS];
    uint32_t n;
    uint32_t chan[MAX_CHANS]; /* channels used, to count once the route is chosen */
    uint32_t nchan;
};

/* The working state of one run; arrays live in the run's arena. */
struct lay {
    struct ordo_layout *l;
    struct ordo_arena *arena;
    uint32_t n, m, nlanes; /* nlanes >= 1: no lanes is one invisible lane */
    uint32_t *out_start, *out_list;
    uint32_t *in_start, *in_list;
    uint32_t *bnd_start, *bnd_list;
    uint32_t *glane; /* drawing lane: a boundary event's is its host's */
    bool *back;
    uint32_t *rank;
    int32_t *band;
    bool *placed;
    uint32_t *spine;
    uint32_t nranks;
    uint32_t *rank_start, *rank_list; /* non-boundary nodes by rank, index order */
    int32_t *lane_bands;              /* the sorted bands of each lane, from lane_row0 */
    uint32_t *lane_row0, *lane_nrows;
    int32_t *lane_top, *lane_h;
    uint32_t *row;
    int32_t *row_y;
    uint32_t nrows;
    int32_t *col_x, *col_w;
    int32_t x0, lane_x, lane_right;
    struct chan *chans;
    size_t nchans, chancap;
    uint8_t *side_any, *side_out; /* sides of each node used by edges (enum side bits) */
};

static int32_t imax(int32_t a, int32_t b)
{
    return a > b ? a : b;
}

static int32_t imin(int32_t a, int32_t b)
{
    return a < b ? a : b;
}

static void *grab(struct lay *s, size_t n, size_t size)
{
    return ordo_arena_calloc(s->arena, n ? n : 1, size);
}

/* ---- input and adjacency ------------------------------------------------ */

static enum ordo_code check_input(const struct ordo_layout *l, struct ordo_err *err)
{
    uint32_t lanes = l->nlanes ? l->nlanes : 1;

    if (l->nnodes > ORDO_LAYOUT_MAX_NODES || l->nedges > ORDO_LAYOUT_MAX_EDGES ||
        l->nlanes > ORDO_LAYOUT_MAX_NODES) {
        (void)ordo_err_set(err, ORDO_E_INVAL,
                           "a diagram has at most %u nodes, %u edges and %u lanes",
                           ORDO_LAYOUT_MAX_NODES, ORDO_LAYOUT_MAX_EDGES, ORDO_LAYOUT_MAX_NODES);
        return ORDO_E_INVAL;
    }
    for (uint32_t i = 0; i < l->nnodes; i++) {
        const struct ordo_layout_node *v = &l->nodes[i];

        if (v->lane >= lanes || (unsigned)v->kind > ORDO_LAYOUT_BOUNDARY) {
            (void)ordo_err_set(err, ORDO_E_INVAL, "layout node %u: bad lane or kind", i);
            return ORDO_E_INVAL;
        }
        if (v->kind == ORDO_LAYOUT_BOUNDARY &&
            (v->host >= l->nnodes || l->nodes[v->host].kind == ORDO_LAYOUT_BOUNDARY)) {
            (void)ordo_err_set(err, ORDO_E_INVAL, "layout node %u: a boundary event needs a host",
                               i);
            return ORDO_E_INVAL;
        }
    }
    for (uint32_t e = 0; e < l->nedges; e++) {
        const struct ordo_layout_edge *d = &l->edges[e];

        if (d->from >= l->nnodes || d->to >= l->nnodes) {
            (void)ordo_err_set(err, ORDO_E_INVAL, "layout edge %u: node out of range", e);
            return ORDO_E_INVAL;
        }
        if (l->nodes[d->to].kind == ORDO_LAYOUT_BOUNDARY) {
            (void)ordo_err_set(err, ORDO_E_INVAL, "layout edge %u enters a boundary event", e);
            return ORDO_E_INVAL;
        }
    }
    return ORDO_OK;
}

/* Compressed lists: for each of 'count' keys, the items whose key it is,
 * in item order. keys[i] == NONE leaves item i out. */
static void build_csr(struct lay *s, uint32_t count, const uint32_t *keys, uint32_t nitems,
                      uint32_t **start_out, uint32_t **list_out)
{
    uint32_t *start = grab(s, count + 1, sizeof *start);
    uint32_t *fill = grab(s, count + 1, sizeof *fill);
    uint32_t *list = grab(s, nitems, sizeof *list);

    for (uint32_t i = 0; i < nitems; i++) {
        if (keys[i] != NONE) {
            start[keys[i] + 1]++;
        }
    }
    for (uint32_t k = 0; k < count; k++) {
        start[k + 1] += start[k];
        fill[k] = start[k];
    }
    for (uint32_t i = 0; i < nitems; i++) {
        if (keys[i] != NONE) {
            list[fill[keys[i]]++] = i;
        }
    }
    *start_out = start;
    *list_out = list;
}

static void build_adjacency(struct lay *s)
{
    uint32_t *keys = grab(s, s->m > s->n ? s->m : s->n, sizeof *keys);

    for (uint32_t e = 0; e < s->m; e++) {
        keys[e] = s->l->edges[e].from;
    }
    build_csr(s, s->n, keys, s->m, &s->out_start, &s->out_list);
    for (uint32_t e = 0; e < s->m; e++) {
        keys[e] = s->l->edges[e].to;
    }
    build_csr(s, s->n, keys, s->m, &s->in_start, &s->in_list);
    s->glane = grab(s, s->n, sizeof *s->glane);
    for (uint32_t i = 0; i < s->n; i++) {
        const struct ordo_layout_node *v = &s->l->nodes[i];

        keys[i] = v->kind == ORDO_LAYOUT_BOUNDARY ? v->host : NONE;
        s->glane[i] = v->kind == ORDO_LAYOUT_BOUNDARY ? s->l->nodes[v->host].lane : v->lane;
    }
    build_csr(s, s->n, keys, s->n, &s->bnd_start, &s->bnd_list);
}

static bool is_boundary(const struct lay *s, uint32_t v)
{
    return s->l->nodes[v].kind == ORDO_LAYOUT_BOUNDARY;
}

/* ---- 1. back edges ------------------------------------------------------ */

/* Iterative depth-first search from 'root': a node's children are the
 * targets of its edges in edge order, then its boundary events. */
static void dfs_from(struct lay *s, uint32_t root, uint8_t *state, uint32_t *stk, uint32_t *pos)
{
    size_t top = 1;

    stk[0] = root;
    pos[0] = 0;
    state[root] = 1;
    while (top > 0) {
        uint32_t u = stk[top - 1];
        uint32_t k = pos[top - 1]++;
        uint32_t nout = s->out_start[u + 1] - s->out_start[u];
        uint32_t nb = s->bnd_start[u + 1] - s->bnd_start[u];
        uint32_t v;

        if (k < nout) {
            uint32_t e = s->out_list[s->out_start[u] + k];

            v = s->l->edges[e].to;
            s->back[e] = state[v] == 1;
        } else if (k < nout + nb) {
            v = s->bnd_list[s->bnd_start[u] + k - nout];
        } else {
            state[u] = 2;
            top--;
            continue;
        }
        if (state[v] == 0) {
            state[v] = 1;
            stk[top] = v;
            pos[top] = 0;
            top++;
        }
    }
}

static void mark_back_edges(struct lay *s)
{
    uint8_t *state = grab(s, s->n, sizeof *state);
    uint32_t *stk = grab(s, s->n, sizeof *stk);
    uint32_t *pos = grab(s, s->n, sizeof *pos);

    s->back = grab(s, s->m, sizeof *s->back);
    for (uint32_t v = 0; v < s->n; v++) {
        if (!is_boundary(s, v) && s->in_start[v + 1] == s->in_start[v] && state[v] == 0) {
            dfs_from(s, v, state, stk, pos);
        }
    }
    for (uint32_t v = 0; v < s->n; v++) {
        if (!is_boundary(s, v) && state[v] == 0) {
            dfs_from(s, v, state, stk, pos);
        }
    }
    for (uint32_t e = 0; e < s->m; e++) {
        s->l->edges[e].back = s->back[e];
    }
}

/* ---- 2. ranks ----------------------------------------------------------- */

static void relax(struct lay *s, uint32_t v, uint32_t r, uint32_t *indeg, uint32_t *queue,
                  uint32_t *tail)
{
    if (r > s->rank[v]) {
        s->rank[v] = r;
    }
    if (--indeg[v] == 0) {
        queue[(*tail)++] = v;
    }
}

/* Longest path over forward edges (Kahn's order); a boundary event has
 * its host's rank. */
static enum ordo_code assign_ranks(struct lay *s, struct ordo_err *err)
{
    uint32_t *indeg = grab(s, s->n, sizeof *indeg);
    uint32_t *queue = grab(s, s->n, sizeof *queue);
    uint32_t head = 0, tail = 0;

    s->rank = grab(s, s->n, sizeof *s->rank);
    for (uint32_t e = 0; e < s->m; e++) {
        indeg[s->l->edges[e].to] += s->back[e] ? 0 : 1;
    }
    for (uint32_t v = 0; v < s->n; v++) {
        indeg[v] += is_boundary(s, v) ? 1 : 0;
        if (indeg[v] == 0) {
            queue[tail++] = v;
        }
    }
    while (head < tail) {
        uint32_t u = queue[head++];

        for (uint32_t k = s->out_start[u]; k < s->out_start[u + 1]; k++) {
            uint32_t e = s->out_list[k];

            if (!s->back[e]) {
                relax(s, s->l->edges[e].to, s->rank[u] + 1, indeg, queue, &tail);
            }
        }
        for (uint32_t k = s->bnd_start[u]; k < s->bnd_start[u + 1]; k++) {
            relax(s, s->bnd_list[k], s->rank[u], indeg, queue, &tail);
        }
    }
    if (tail != s->n) {
        (void)ordo_err_set(err, ORDO_E_INTERNAL, "layout: a loop was left after marking");
        return ORDO_E_INTERNAL;
    }
    for (uint32_t v = 0; v < s->n; v++) {
        s->nranks = s->rank[v] + 1 > s->nranks ? s->rank[v] + 1 : s->nranks;
    }
    return ORDO_OK;
}

/* ---- 3. bands ----------------------------------------------------------- */

static void find_spines(struct lay *s)
{
    s->spine = grab(s, s->n, sizeof *s->spine);
    for (uint32_t u = 0; u < s->n; u++) {
        s->spine[u] = NONE;
        for (uint32_t k = s->out_start[u]; k < s->out_start[u + 1] && !is_boundary(s, u); k++) {
            uint32_t e = s->out_list[k];

            if (!s->back[e]) {
                s->spine[u] = s->l->edges[e].to;
                break;
            }
        }
    }
}

static bool band_free(const struct lay *s, uint32_t v, int32_t band)
{
    uint32_t r = s->rank[v];

    for (uint32_t k = s->rank_start[r]; k < s->rank_start[r + 1]; k++) {
        uint32_t w = s->rank_list[k];

        if (s->placed[w] && s->glane[w] == s->glane[v] && s->band[w] == band) {
            return false;
        }
    }
    return true;
}

/* The predecessor whose spine 'v' is: same lane first, then nearest the
 * lane's spine. NONE if there is none. */
static uint32_t spine_parent(const struct lay *s, uint32_t v)
{
    uint32_t best = NONE;

    for (uint32_t k = s->in_start[v]; k < s->in_start[v + 1]; k++) {
        uint32_t e = s->in_list[k];
        uint32_t u = s->l->edges[e].from;
        bool better;

        if (s->back[e] || is_boundary(s, u) || s->spine[u] != v || !s->placed[u]) {
            continue;
        }
        if (best == NONE) {
            best = u;
            continue;
        }
        better = (s->glane[u] == s->glane[v]) != (s->glane[best] == s->glane[v])
                     ? s->glane[u] == s->glane[v]
                     : abs(s->band[u]) < abs(s->band[best]) ||
                           (abs(s->band[u]) == abs(s->band[best]) && s->band[u] < s->band[best]);
        best = better ? u : best;
    }
    return best;
}

/* The side-branch offset of the edge 'e' of split 'u': +1, -1, +2, -2... */
static int32_t side_offset(const struct lay *s, uint32_t u, uint32_t e)
{
    int32_t i = 0;

    for (uint32_t k = s->out_start[u]; k < s->out_start[u + 1]; k++) {
        uint32_t f = s->out_list[k];

        if (f == e) {
            break;
        }
        if (!s->back[f] && s->l->edges[f].to != s->spine[u]) {
            i++;
        }
    }
    return i % 2 == 0 ? i / 2 + 1 : -(i / 2 + 1);
}

static int32_t band_in_lane(const struct lay *s, uint32_t u, uint32_t v)
{
    return s->glane[u] == s->glane[v] ? s->band[u] : 0;
}

/* Where 'v' would like to be: 'dist' bands from 'base' on the side
 * 'sign' (dist 0: at 'base'); when that is taken, the same distance on the
 * other side (unless 'one_sided'), then one band farther, and so on. */
struct want {
    int32_t base, dist, sign;
    bool one_sided;
};

static struct want desired_band(const struct lay *s, uint32_t v)
{
    uint32_t u = spine_parent(s, v);
    struct want w = {0, 0, 1, true};

    if (u != NONE) {
        return (struct want){band_in_lane(s, u, v), 0, 1, false};
    }
    for (uint32_t k = s->in_start[v]; k < s->in_start[v + 1]; k++) {
        uint32_t e = s->in_list[k];
        int32_t off;

        u = s->l->edges[e].from;
        if (s->back[e]) {
            continue;
        }
        if (is_boundary(s, u)) {
            /* A boundary event's path stays below its host. */
            return (struct want){band_in_lane(s, s->l->nodes[u].host, v), 1, 1, true};
        }
        off = side_offset(s, u, e);
        return (struct want){band_in_lane(s, u, v), abs(off), off > 0 ? 1 : -1, false};
    }
    return w;
}

static void place_node(struct lay *s, uint32_t v)
{
    struct want w = desired_band(s, v);
    int32_t b = w.base;

    if (w.dist > 0 || !band_free(s, v, b)) {
        for (int32_t d = w.dist > 0 ? w.dist : 1;; d++) {
            b = w.base + w.sign * d;
            if (band_free(s, v, b)) {
                break;
            }
            b = w.base - w.sign * d;
            if (!w.one_sided && band_free(s, v, b)) {
                break;
            }
        }
    }
    s->band[v] = b;
    s->placed[v] = true;
}

static void assign_bands(struct lay *s)
{
    uint32_t *keys = grab(s, s->n, sizeof *keys);

    for (uint32_t v = 0; v < s->n; v++) {
        keys[v] = is_boundary(s, v) ? NONE : s->rank[v];
    }
    build_csr(s, s->nranks, keys, s->n, &s->rank_start, &s->rank_list);
    find_spines(s);
    s->band = grab(s, s->n, sizeof *s->band);
    s->placed = grab(s, s->n, sizeof *s->placed);
    for (uint32_t k = 0; k < s->rank_start[s->nranks]; k++) {
        place_node(s, s->rank_list[k]);
    }
}

/* ---- 4. rows, columns, boxes -------------------------------------------- */

static int cmp_int32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

    return (x > y) - (x < y);
}

static void assign_rows(struct lay *s)
{
    uint32_t used = 0;

    s->lane_bands = grab(s, s->n, sizeof *s->lane_bands);
    s->lane_row0 = grab(s, s->nlanes, sizeof *s->lane_row0);
    s->lane_nrows = grab(s, s->nlanes, sizeof *s->lane_nrows);
    s->row = grab(s, s->n, sizeof *s->row);
    for (uint32_t lane = 0; lane < s->nlanes; lane++) {
        int32_t *b = s->lane_bands + used;
        uint32_t cnt = 0, uniq = 0;

        for (uint32_t v = 0; v < s->n; v++) {
            if (!is_boundary(s, v) && s->glane[v] == lane) {
                b[cnt++] = s->band[v];
            }
        }
        qsort(b, cnt, sizeof *b, cmp_int32);
        for (uint32_t i = 0; i < cnt; i++) {
            if (uniq == 0 || b[uniq - 1] != b[i]) {
                b[uniq++] = b[i];
            }
        }
        s->lane_row0[lane] = s->nrows;
        s->lane_nrows[lane] = uniq ? uniq : 1;
        s->nrows += s->lane_nrows[lane];
        for (uint32_t v = 0; v < s->n; v++) {
            if (!is_boundary(s, v) && s->glane[v] == lane) {
                const int32_t *hit = bsearch(&s->band[v], b, uniq, sizeof *b, cmp_int32);

                s->row[v] = s->lane_row0[lane] + (uint32_t)(hit - b);
            }
        }
        used += uniq;
    }
}

static void node_size(const struct lay *s, uint32_t v, int32_t *w, int32_t *h)
{
    uint32_t nb = s->bnd_start[v + 1] - s->bnd_start[v];

    switch (s->l->nodes[v].kind) {
    case ORDO_LAYOUT_TASK:
        *w = nb > 2 ? 12 + BOUNDARY_STEP * (int32_t)nb : TASK_W;
        *h = TASK_H;
        break;
    case ORDO_LAYOUT_GATEWAY:
        *w = *h = GATEWAY_SIZE;
        break;
    default:
        *w = *h = EVENT_SIZE;
        break;
    }
}

static void place_rows_and_columns(struct lay *s)
{
    int32_t top = MARGIN;

    s->lane_x = s->l->nlanes ? MARGIN + HEADER : MARGIN;
    s->x0 = s->lane_x + PAD_LEFT;
    s->col_w = grab(s, s->nranks, sizeof *s->col_w);
    s->col_x = grab(s, s->nranks, sizeof *s->col_x);
    for (uint32_t v = 0; v < s->n; v++) {
        int32_t w, h;

        node_size(s, v, &w, &h);
        if (!is_boundary(s, v)) {
            s->col_w[s->rank[v]] = imax(s->col_w[s->rank[v]], w);
        }
    }
    for (uint32_t r = 0; r < s->nranks; r++) {
        s->col_x[r] = r == 0 ? s->x0 : s->col_x[r - 1] + s->col_w[r - 1] + COL_GAP;
    }
    s->lane_right = s->nranks ? s->col_x[s->nranks - 1] + s->col_w[s->nranks - 1] + PAD_RIGHT
                              : s->x0 + PAD_RIGHT;
    s->lane_top = grab(s, s->nlanes, sizeof *s->lane_top);
    s->lane_h = grab(s, s->nlanes, sizeof *s->lane_h);
    s->row_y = grab(s, s->nrows, sizeof *s->row_y);
    for (uint32_t lane = 0; lane < s->nlanes; lane++) {
        int32_t k = (int32_t)s->lane_nrows[lane];

        s->lane_top[lane] = top;
        for (int32_t i = 0; i < k; i++) {
            s->row_y[s->lane_row0[lane] + (uint32_t)i] = top + PAD_TOP + i * (ROW_H + ROW_GAP);
        }
        s->lane_h[lane] = PAD_TOP + k * ROW_H + (k - 1) * ROW_GAP + PAD_BOTTOM;
        top += s->lane_h[lane];
    }
}

static void place_boxes(struct lay *s)
{
    for (uint32_t v = 0; v < s->n; v++) {
        struct ordo_layout_node *d = &s->l->nodes[v];
        int32_t w, h;

        if (is_boundary(s, v)) {
            continue;
        }
        node_size(s, v, &w, &h);
        d->rank = s->rank[v];
        d->row = s->row[v];
        d->box.w = w;
        d->box.h = h;
        d->box.x = s->col_x[d->rank] + (s->col_w[d->rank] - w) / 2;
        d->box.y = s->row_y[d->row] + (ROW_H - h) / 2;
    }
    for (uint32_t u = 0; u < s->n; u++) {
        const struct ordo_layout_rect *hb = &s->l->nodes[u].box;

        for (uint32_t k = s->bnd_start[u]; k < s->bnd_start[u + 1]; k++) {
            struct ordo_layout_node *d = &s->l->nodes[s->bnd_list[k]];
            int32_t cx = hb->x + hb->w - 20 - BOUNDARY_STEP * (int32_t)(k - s->bnd_start[u]);

            d->rank = s->l->nodes[u].rank;
            d->row = s->l->nodes[u].row;
            s->row[s->bnd_list[k]] = s->row[u];
            d->box = (struct ordo_layout_rect){cx - EVENT_SIZE / 2, hb->y + hb->h - EVENT_SIZE / 2,
                                               EVENT_SIZE, EVENT_SIZE};
        }
    }
}

/* ---- 5. routing ---------------------------------------------------------- */

static uint32_t chan_get(struct lay *s, char axis, int32_t base)
{
    for (size_t i = 0; i < s->nchans; i++) {
        if (s->chans[i].axis == axis && s->chans[i].base == base) {
            return (uint32_t)i;
        }
    }
    s->chans = ordo_arena_grow(s->arena, s->chans, s->nchans, &s->chancap, sizeof *s->chans);
    s->chans[s->nchans] = (struct chan){axis, base, 0};
    return (uint32_t)s->nchans++;
}

/* The coordinate of the next edge in a channel: 0, +6, -6, +12, -12 from
 * its middle, then again. */
static int32_t chan_use(struct lay *s, struct route *r, char axis, int32_t base)
{
    static const int32_t slot[CHAN_SLOTS] = {0, 1, -1, 2, -2};
    uint32_t c = chan_get(s, axis, base);

    if (r->nchan < MAX_CHANS) {
        r->chan[r->nchan++] = c;
    }
    return base + CHAN_STEP * slot[s->chans[c].uses % CHAN_SLOTS];
}

/* The gap right of column 'col' ('col' == -1: left of the first). */
static int32_t vgap_after(struct lay *s, struct route *r, int32_t col)
{
    int32_t base = col < 0 ? s->x0 - PAD_LEFT / 2 : s->col_x[col] + s->col_w[col] + COL_GAP / 2;

    return chan_use(s, r, 'v', base);
}

static int32_t hgap_below(struct lay *s, struct route *r, uint32_t row)
{
    return chan_use(s, r, 'h', s->row_y[row] + ROW_H + ROW_GAP / 2);
}

static bool first_row_of_lane(const struct lay *s, uint32_t row)
{
    for (uint32_t lane = 0; lane < s->nlanes; lane++) {
        if (s->lane_row0[lane] == row) {
            return true;
        }
    }
    return false;
}

static int32_t hgap_above(struct lay *s, struct route *r, uint32_t row)
{
    if (!first_row_of_lane(s, row)) {
        return hgap_below(s, r, row - 1);
    }
    return chan_use(s, r, 'h', s->row_y[row] - PAD_TOP / 2);
}

/* The row of the lowest band of the lower of the two nodes' lanes. */
static uint32_t lowest_row(const struct lay *s, uint32_t a, uint32_t b)
{
    uint32_t lane = s->glane[a] > s->glane[b] ? s->glane[a] : s->glane[b];

    return s->lane_row0[lane] + s->lane_nrows[lane] - 1;
}

static void add(struct route *r, int32_t x, int32_t y)
{
    if (r->n < MAX_POINTS) {
        r->p[r->n++] = (struct ordo_layout_point){x, y};
    }
}

static const struct ordo_layout_rect *box(const struct lay *s, uint32_t v)
{
    return &s->l->nodes[v].box;
}

static int32_t cx(const struct ordo_layout_rect *b)
{
    return b->x + b->w / 2;
}

static int32_t cy(const struct ordo_layout_rect *b)
{
    return b->y + b->h / 2;
}

static bool seg_hits(struct ordo_layout_point a, struct ordo_layout_point b,
                     const struct ordo_layout_rect *r)
{
    return imin(a.x, b.x) < r->x + r->w && imax(a.x, b.x) > r->x && imin(a.y, b.y) < r->y + r->h &&
           imax(a.y, b.y) > r->y;
}

static bool route_clear(const struct lay *s, const struct route *r)
{
    for (uint32_t i = 0; i + 1 < r->n; i++) {
        for (uint32_t v = 0; v < s->n; v++) {
            if (seg_hits(r->p[i], r->p[i + 1], box(s, v))) {
                return false;
            }
        }
    }
    return true;
}

enum route_kind {
    R_STRAIGHT,
    R_SPLIT,
    R_JOIN,
    R_LSHAPE,
    R_BELOW,
    R_ABOVE,
    R_BOUNDARY,
    R_BACK,
    R_CHANNEL,
};

/* A forward edge within one row, or a gateway's split or join to
 * another row. False when the route does not apply. */
static bool route_direct(struct lay *s, enum route_kind k, uint32_t a, uint32_t b, struct route *r)
{
    const struct ordo_layout_rect *sa = box(s, a), *tb = box(s, b);
    bool same_row = cy(sa) == cy(tb);

    switch (k) {
    case R_STRAIGHT:
        add(r, sa->x + sa->w, cy(sa));
        add(r, tb->x, cy(tb));
        return same_row && sa->x + sa->w < tb->x;
    case R_SPLIT:
        add(r, cx(sa), cy(tb) > cy(sa) ? sa->y + sa->h : sa->y);
        add(r, cx(sa), cy(tb));
        add(r, tb->x, cy(tb));
        return !same_row && s->l->nodes[a].kind == ORDO_LAYOUT_GATEWAY &&
               s->out_start[a + 1] - s->out_start[a] > 1 && cx(sa) < tb->x;
    case R_JOIN:
        add(r, sa->x + sa->w, cy(sa));
        add(r, cx(tb), cy(sa));
        add(r, cx(tb), cy(tb) > cy(sa) ? tb->y : tb->y + tb->h);
        return !same_row && s->l->nodes[b].kind == ORDO_LAYOUT_GATEWAY &&
               s->in_start[b + 1] - s->in_start[b] > 1 && sa->x + sa->w < cx(tb);
    default: {
        int32_t v = vgap_after(s, r, (int32_t)s->rank[a]);

        add(r, sa->x + sa->w, cy(sa));
        add(r, v, cy(sa));
        add(r, v, cy(tb));
        add(r, tb->x, cy(tb));
        return !same_row && v < tb->x;
    }
    }
}

/* Around a blocked edge within a row: out of the bottom (top) of the
 * source, along the gap below (above) the row, into the target's bottom
 * (top). */
static bool route_around(struct lay *s, bool below, uint32_t a, uint32_t b, struct route *r)
{
    const struct ordo_layout_rect *sa = box(s, a), *tb = box(s, b);
    int32_t y = below ? hgap_below(s, r, s->row[a]) : hgap_above(s, r, s->row[a]);

    add(r, cx(sa), below ? sa->y + sa->h : sa->y);
    add(r, cx(sa), y);
    add(r, cx(tb), y);
    add(r, cx(tb), below ? tb->y + tb->h : tb->y);
    return cy(sa) == cy(tb);
}

/* From a boundary event straight down, then right into the target. */
static bool route_boundary(const struct lay *s, uint32_t a, uint32_t b, struct route *r)
{
    const struct ordo_layout_rect *sa = box(s, a), *tb = box(s, b);

    add(r, cx(sa), sa->y + sa->h);
    add(r, cx(sa), cy(tb));
    add(r, tb->x, cy(tb));
    return cy(tb) > sa->y + sa->h && cx(sa) < tb->x;
}

/* A back edge: down from the source, along below the lowest row of the
 * lane, up into the target. */
static bool route_back(struct lay *s, uint32_t a, uint32_t b, struct route *r)
{
    const struct ordo_layout_rect *sa = box(s, a), *tb = box(s, b);
    int32_t y = hgap_below(s, r, lowest_row(s, a, b));

    add(r, cx(sa), sa->y + sa->h);
    add(r, cx(sa), y);
    add(r, cx(tb), y);
    add(r, cx(tb), tb->y + tb->h);
    return a != b;
}

/* Along gaps only: always possible, never through a shape. */
static void route_channel(struct lay *s, uint32_t a, uint32_t b, bool back, struct route *r)
{
    const struct ordo_layout_rect *sa = box(s, a), *tb = box(s, b);
    int32_t vt = vgap_after(s, r, (int32_t)s->rank[b] - 1);
    int32_t vs, y;

    if (is_boundary(s, a)) {
        y = hgap_below(s, r, s->row[a]);
        add(r, cx(sa), sa->y + sa->h);
        add(r, cx(sa), y);
    } else {
        vs = vgap_after(s, r, (int32_t)s->rank[a]);
        add(r, sa->x + sa->w, cy(sa));
        add(r, vs, cy(sa));
        if (back) {
            y = hgap_below(s, r, lowest_row(s, a, b));
        } else if (vs == vt) {
            y = cy(sa);
        } else {
            y = s->row[b] > s->row[a] || (s->row[b] == s->row[a] && cy(sa) <= cy(tb))
                    ? hgap_above(s, r, s->row[b])
                    : hgap_below(s, r, s->row[b]);
        }
        add(r, vs, y);
    }
    add(r, vt, y);
    add(r, vt, cy(tb));
    add(r, tb->x, cy(tb));
}

enum side {
    SIDE_RIGHT = 1,
    SIDE_BOTTOM = 2,
    SIDE_LEFT = 4,
    SIDE_TOP = 8,
};

/* The side of 'b' that 'p', a point on its border, lies on. */
static uint8_t side_of(struct ordo_layout_point p, const struct ordo_layout_rect *b)
{
    if (p.x == b->x + b->w) {
        return SIDE_RIGHT;
    }
    if (p.y == b->y + b->h) {
        return SIDE_BOTTOM;
    }
    return p.x == b->x ? SIDE_LEFT : SIDE_TOP;
}

/* A nicer route may not leave by a side another edge already uses, nor
 * enter by a side its target leaves by: two edges on one stretch of line
 * would read as one. The channel route may, as a last resort. */
static bool ports_free(const struct lay *s, uint32_t a, uint32_t b, const struct route *r)
{
    return (s->side_any[a] & side_of(r->p[0], box(s, a))) == 0 &&
           (s->side_out[b] & side_of(r->p[r->n - 1], box(s, b))) == 0;
}

static bool try_route(struct lay *s, enum route_kind k, uint32_t e, struct route *r)
{
    uint32_t a = s->l->edges[e].from, b = s->l->edges[e].to;
    bool ok;

    memset(r, 0, sizeof *r);
    switch (k) {
    case R_BELOW:
    case R_ABOVE:
        ok = route_around(s, k == R_BELOW, a, b, r);
        break;
    case R_BOUNDARY:
        ok = route_boundary(s, a, b, r);
        break;
    case R_BACK:
        ok = route_back(s, a, b, r);
        break;
    case R_CHANNEL:
        route_channel(s, a, b, s->back[e], r);
        return true;
    default:
        ok = route_direct(s, k, a, b, r);
        break;
    }
    return ok && ports_free(s, a, b, r) && route_clear(s, r);
}

/* Drop repeated points and the middle one of three in a line. */
static void simplify(struct route *r)
{
    uint32_t n = 0;

    for (uint32_t i = 0; i < r->n; i++) {
        struct ordo_layout_point p = r->p[i];

        if (n > 0 && r->p[n - 1].x == p.x && r->p[n - 1].y == p.y) {
            continue;
        }
        if (n > 1 && ((r->p[n - 2].x == r->p[n - 1].x && r->p[n - 1].x == p.x) ||
                      (r->p[n - 2].y == r->p[n - 1].y && r->p[n - 1].y == p.y))) {
            n--;
        }
        r->p[n++] = p;
    }
    r->n = n;
}

static void route_edge(struct lay *s, uint32_t e)
{
    static const enum route_kind forward[] = {R_STRAIGHT, R_SPLIT, R_JOIN,   R_LSHAPE,
                                              R_BELOW,    R_ABOVE, R_CHANNEL};
    static const enum route_kind boundary[] = {R_BOUNDARY, R_CHANNEL};
    static const enum route_kind back[] = {R_BACK, R_CHANNEL};
    struct ordo_layout_edge *d = &s->l->edges[e];
    const enum route_kind *plan = forward;
    size_t nplan = sizeof forward / sizeof forward[0];
    struct route r = {0};

    if (s->back[e]) {
        plan = back;
        nplan = sizeof back / sizeof back[0];
    } else if (is_boundary(s, d->from)) {
        plan = boundary;
        nplan = sizeof boundary / sizeof boundary[0];
    }
    for (size_t i = 0; i < nplan; i++) {
        if (try_route(s, plan[i], e, &r)) {
            break;
        }
    }
    for (uint32_t c = 0; c < r.nchan; c++) {
        s->chans[r.chan[c]].uses++;
    }
    s->side_out[d->from] |= side_of(r.p[0], box(s, d->from));
    s->side_any[d->from] |= side_of(r.p[0], box(s, d->from));
    s->side_any[d->to] |= side_of(r.p[r.n - 1], box(s, d->to));
    simplify(&r);
    d->npoints = r.n;
    d->points = ordo_arena_memdup(s->arena, r.p, r.n * sizeof r.p[0]);
}

/* ---- pool, lanes, extent -------------------------------------------------- */

static void finish(struct lay *s)
{
    struct ordo_layout *l = s->l;
    int32_t w = 0, h = 0;

    if (l->nlanes > 0) {
        struct ordo_layout_rect *lanes = grab(s, l->nlanes, sizeof *lanes);

        for (uint32_t i = 0; i < l->nlanes; i++) {
            lanes[i] = (struct ordo_layout_rect){s->lane_x, s->lane_top[i],
                                                 s->lane_right - s->lane_x, s->lane_h[i]};
        }
        l->lanes = lanes;
        l->pool = (struct ordo_layout_rect){MARGIN, MARGIN, s->lane_right - MARGIN,
                                            s->lane_top[l->nlanes - 1] + s->lane_h[l->nlanes - 1] -
                                                MARGIN};
        w = l->pool.x + l->pool.w;
        h = l->pool.y + l->pool.h;
    }
    for (uint32_t v = 0; v < s->n; v++) {
        w = imax(w, l->nodes[v].box.x + l->nodes[v].box.w);
        h = imax(h, l->nodes[v].box.y + l->nodes[v].box.h);
    }
    for (uint32_t e = 0; e < s->m; e++) {
        for (uint32_t i = 0; i < l->edges[e].npoints; i++) {
            w = imax(w, l->edges[e].points[i].x);
            h = imax(h, l->edges[e].points[i].y);
        }
    }
    l->width = w;
    l->height = h;
    l->crossings = ordo_layout_crossings(l);
}

enum ordo_code ordo_layout_run(struct ordo_layout *layout, struct ordo_arena *arena,
                               struct ordo_err *err)
{
    struct lay s = {0};
    enum ordo_code rc;

    if (!layout || !arena || (layout->nnodes && !layout->nodes) ||
        (layout->nedges && !layout->edges)) {
        (void)ordo_err_set(err, ORDO_E_INVAL, "layout: missing argument");
        return ORDO_E_INVAL;
    }
    rc = check_input(layout, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    s.l = layout;
    s.arena = arena;
    s.n = layout->nnodes;
    s.m = layout->nedges;
    s.nlanes = layout->nlanes ? layout->nlanes : 1;
    build_adjacency(&s);
    mark_back_edges(&s);
    rc = assign_ranks(&s, err);
    if (rc != ORDO_OK) {
        return rc;
    }
    assign_bands(&s);
    assign_rows(&s);
    place_rows_and_columns(&s);
    place_boxes(&s);
    s.side_any = grab(&s, s.n, sizeof *s.side_any);
    s.side_out = grab(&s, s.n, sizeof *s.side_out);
    /* Back edges first: they need the bottom of their ends, which a split
     * or join could otherwise take. */
    for (uint32_t e = 0; e < s.m; e++) {
        if (s.back[e]) {
            route_edge(&s, e);
        }
    }
    for (uint32_t e = 0; e < s.m; e++) {
        if (!s.back[e]) {
            route_edge(&s, e);
        }
    }
    finish(&s);
    return ordo_layout_check(layout, err);
}

/* ---- checks ------------------------------------------------------------- */

static bool boxes_overlap(const struct ordo_layout_rect *a, const struct ordo_layout_rect *b)
{
    return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h && b->y < a->y + a->h;
}

static bool inside(const struct ordo_layout_rect *in, const struct ordo_layout_rect *out)
{
    return in->x >= out->x && in->y >= out->y && in->x + in->w <= out->x + out->w &&
           in->y + in->h <= out->y + out->h;
}

static bool on_border(struct ordo_layout_point p, const struct ordo_layout_rect *r)
{
    bool in_x = p.x >= r->x && p.x <= r->x + r->w, in_y = p.y >= r->y && p.y <= r->y + r->h;

    return ((p.x == r->x || p.x == r->x + r->w) && in_y) ||
           ((p.y == r->y || p.y == r->y + r->h) && in_x);
}

static uint32_t lane_of(const struct ordo_layout *l, uint32_t v)
{
    const struct ordo_layout_node *d = &l->nodes[v];

    return d->kind == ORDO_LAYOUT_BOUNDARY ? l->nodes[d->host].lane : d->lane;
}

static bool attached(const struct ordo_layout *l, uint32_t a, uint32_t b)
{
    const struct ordo_layout_node *x = &l->nodes[a], *y = &l->nodes[b];

    return (x->kind == ORDO_LAYOUT_BOUNDARY && x->host == b) ||
           (y->kind == ORDO_LAYOUT_BOUNDARY && y->host == a);
}

static enum ordo_code check_shapes(const struct ordo_layout *l, struct ordo_err *err)
{
    for (uint32_t a = 0; a < l->nnodes; a++) {
        const struct ordo_layout_rect *ra = &l->nodes[a].box;

        if (ra->x < 0 || ra->y < 0 || ra->w <= 0 || ra->h <= 0) {
            (void)ordo_err_set(err, ORDO_E_INTERNAL, "layout: node %u has no proper box", a);
            return ORDO_E_INTERNAL;
        }
        if (l->nlanes > 0 && !inside(ra, &l->lanes[lane_of(l, a)])) {
            (void)ordo_err_set(err, ORDO_E_INTERNAL, "layout: node %u is outside its lane", a);
            return ORDO_E_INTERNAL;
        }
        for (uint32_t b = a + 1; b < l->nnodes; b++) {
            if (!attached(l, a, b) && boxes_overlap(ra, &l->nodes[b].box)) {
                (void)ordo_err_set(err, ORDO_E_INTERNAL, "layout: nodes %u and %u overlap", a, b);
                return ORDO_E_INTERNAL;
            }
        }
    }
    return ORDO_OK;
}

static enum ordo_code check_edge(const struct ordo_layout *l, uint32_t e, struct ordo_err *err)
{
    const struct ordo_layout_edge *d = &l->edges[e];

    if (d->npoints < 2 || !on_border(d->points[0], &l->nodes[d->from].box) ||
        !on_border(d->points[d->npoints - 1], &l->nodes[d->to].box)) {
        (void)ordo_err_set(err, ORDO_E_INTERNAL,
                           "layout: edge %u does not run from its source to its target", e);
        return ORDO_E_INTERNAL;
    }
    for (uint32_t i = 0; i + 1 < d->npoints; i++) {
        struct ordo_layout_point p = d->points[i], q = d->points[i + 1];

        if ((p.x != q.x && p.y != q.y) || (p.x == q.x && p.y == q.y) || p.x < 0 || p.y < 0) {
            (void)ordo_err_set(err, ORDO_E_INTERNAL,
                               "layout: edge %u has a segment that is not orthogonal", e);
            return ORDO_E_INTERNAL;
        }
        for (uint32_t v = 0; v < l->nnodes; v++) {
            if (seg_hits(p, q, &l->nodes[v].box)) {
                (void)ordo_err_set(err, ORDO_E_INTERNAL, "layout: edge %u crosses node %u", e, v);
                return ORDO_E_INTERNAL;
            }
        }
    }
    return ORDO_OK;
}

enum ordo_code ordo_layout_check(const struct ordo_layout *layout, struct ordo_err *err)
{
    enum ordo_code rc;

    if (!layout) {
        (void)ordo_err_set(err, ORDO_E_INVAL, "layout: missing argument");
        return ORDO_E_INVAL;
    }
    rc = check_shapes(layout, err);
    for (uint32_t e = 0; rc == ORDO_OK && e < layout->nedges; e++) {
        rc = check_edge(layout, e, err);
    }
    return rc;
}

/* Does a segment of one edge cross a segment of the other, inside both? */
static bool segs_cross(struct ordo_layout_point a, struct ordo_layout_point b,
                       struct ordo_layout_point c, struct ordo_layout_point d)
{
    if (a.y == b.y && c.x == d.x) {
        return imin(a.x, b.x) < c.x && c.x < imax(a.x, b.x) && imin(c.y, d.y) < a.y &&
               a.y < imax(c.y, d.y);
    }
    if (a.x == b.x && c.y == d.y) {
        return segs_cross(c, d, a, b);
    }
    return false;
}

static bool edges_cross(const struct ordo_layout_edge *x, const struct ordo_layout_edge *y)
{
    for (uint32_t i = 0; i + 1 < x->npoints; i++) {
        for (uint32_t j = 0; j + 1 < y->npoints; j++) {
            if (segs_cross(x->points[i], x->points[i + 1], y->points[j], y->points[j + 1])) {
                return true;
            }
        }
    }
    return false;
}

uint32_t ordo_layout_crossings(const struct ordo_layout *layout)
{
    uint32_t n = 0;

    for (uint32_t a = 0; layout && a < layout->nedges; a++) {
        for (uint32_t b = a + 1; b < layout->nedges; b++) {
            n += edges_cross(&layout->edges[a], &layout->edges[b]) ? 1 : 0;
        }
    }
    return n;
}
