/*
 * The layered layout (generator/layout.h): where shapes go on small
 * graphs whose right answer is known, and the guarantees (no overlap, no
 * edge through a shape, orthogonal segments, determinism) on a few
 * hundred generated graphs with loops, lanes and boundary events, checked
 * here independently of ordo_layout_check, which is itself tested on
 * layouts broken on purpose.
 */
#include <stdint.h>
#include <string.h>

#include <check.h>

#include "base/arena.h"
#include "base/err.h"
#include "generator/layout.h"
#include "tests/unit/check_main.h"

#define MAXN 64
#define MAXE 160

struct graph {
    struct ordo_layout_node nodes[MAXN];
    struct ordo_layout_edge edges[MAXE];
    struct ordo_layout l;
};

static struct ordo_arena *arena;

static void setup(void)
{
    arena = ordo_arena_new();
}

static void teardown(void)
{
    ordo_arena_free(arena);
}

static void init(struct graph *g, uint32_t nlanes)
{
    memset(g, 0, sizeof *g);
    g->l.nodes = g->nodes;
    g->l.edges = g->edges;
    g->l.nlanes = nlanes;
}

static uint32_t node(struct graph *g, enum ordo_layout_kind kind, uint32_t lane)
{
    uint32_t i = g->l.nnodes++;

    g->nodes[i].kind = kind;
    g->nodes[i].lane = lane;
    return i;
}

static uint32_t boundary(struct graph *g, uint32_t host)
{
    uint32_t i = node(g, ORDO_LAYOUT_BOUNDARY, 0);

    g->nodes[i].host = host;
    return i;
}

static void edge(struct graph *g, uint32_t from, uint32_t to)
{
    g->edges[g->l.nedges].from = from;
    g->edges[g->l.nedges].to = to;
    g->l.nedges++;
}

static void run(struct graph *g)
{
    struct ordo_err err = {0};

    ck_assert_msg(ordo_layout_run(&g->l, arena, &err) == ORDO_OK, "%s", err.msg);
}

static int32_t cy(const struct ordo_layout_node *n)
{
    return n->box.y + n->box.h / 2;
}

/* ---- independent checks of the guarantees ---------------------------------- */

static bool open_overlap(const struct ordo_layout_rect *a, const struct ordo_layout_rect *b)
{
    return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h && b->y < a->y + a->h;
}

static bool through(struct ordo_layout_point p, struct ordo_layout_point q,
                    const struct ordo_layout_rect *r)
{
    int32_t x1 = p.x < q.x ? p.x : q.x, x2 = p.x < q.x ? q.x : p.x;
    int32_t y1 = p.y < q.y ? p.y : q.y, y2 = p.y < q.y ? q.y : p.y;

    return x1 < r->x + r->w && x2 > r->x && y1 < r->y + r->h && y2 > r->y;
}

static void assert_guarantees(const struct graph *g)
{
    for (uint32_t a = 0; a < g->l.nnodes; a++) {
        for (uint32_t b = a + 1; b < g->l.nnodes; b++) {
            bool hosted = (g->nodes[a].kind == ORDO_LAYOUT_BOUNDARY && g->nodes[a].host == b) ||
                          (g->nodes[b].kind == ORDO_LAYOUT_BOUNDARY && g->nodes[b].host == a);

            ck_assert_msg(hosted || !open_overlap(&g->nodes[a].box, &g->nodes[b].box),
                          "nodes %u and %u overlap", a, b);
        }
    }
    for (uint32_t e = 0; e < g->l.nedges; e++) {
        const struct ordo_layout_edge *d = &g->edges[e];

        ck_assert_uint_ge(d->npoints, 2);
        for (uint32_t i = 0; i + 1 < d->npoints; i++) {
            struct ordo_layout_point p = d->points[i], q = d->points[i + 1];

            ck_assert_msg(p.x == q.x || p.y == q.y, "edge %u: diagonal segment", e);
            for (uint32_t v = 0; v < g->l.nnodes; v++) {
                ck_assert_msg(!through(p, q, &g->nodes[v].box), "edge %u crosses node %u", e, v);
            }
        }
    }
}

/* ---- known answers ------------------------------------------------------------ */

START_TEST(chain_is_one_row_left_to_right)
{
    struct graph g;
    uint32_t s, t1, t2, e;

    init(&g, 0);
    s = node(&g, ORDO_LAYOUT_EVENT, 0);
    t1 = node(&g, ORDO_LAYOUT_TASK, 0);
    t2 = node(&g, ORDO_LAYOUT_TASK, 0);
    e = node(&g, ORDO_LAYOUT_EVENT, 0);
    edge(&g, s, t1);
    edge(&g, t1, t2);
    edge(&g, t2, e);
    run(&g);
    /* Column 0 at x 120 (80 margin + 40 padding), 36 wide; then 100 gap. */
    ck_assert_int_eq(g.nodes[s].box.x, 120);
    ck_assert_int_eq(g.nodes[t1].box.x, 256);
    ck_assert_int_eq(g.nodes[t1].box.w, 100);
    ck_assert_int_eq(g.nodes[t1].box.h, 80);
    ck_assert_int_eq(g.nodes[s].box.w, 36);
    for (uint32_t i = 0; i < 4; i++) {
        ck_assert_int_eq(cy(&g.nodes[i]), cy(&g.nodes[0]));
        ck_assert_uint_eq(g.nodes[i].rank, i);
    }
    for (uint32_t i = 0; i < 3; i++) {
        ck_assert_uint_eq(g.edges[i].npoints, 2);
        ck_assert_int_eq(g.edges[i].points[0].y, g.edges[i].points[1].y);
        ck_assert(!g.edges[i].back);
    }
    ck_assert_uint_eq(g.l.crossings, 0);
    assert_guarantees(&g);
}
END_TEST

START_TEST(split_branches_below_then_above_and_join_on_spine)
{
    struct graph g;
    uint32_t s, split, a, b, c, join, e;

    init(&g, 0);
    s = node(&g, ORDO_LAYOUT_EVENT, 0);
    split = node(&g, ORDO_LAYOUT_GATEWAY, 0);
    a = node(&g, ORDO_LAYOUT_TASK, 0);
    b = node(&g, ORDO_LAYOUT_TASK, 0);
    c = node(&g, ORDO_LAYOUT_TASK, 0);
    join = node(&g, ORDO_LAYOUT_GATEWAY, 0);
    e = node(&g, ORDO_LAYOUT_EVENT, 0);
    edge(&g, s, split);
    edge(&g, split, a);
    edge(&g, split, b);
    edge(&g, split, c);
    edge(&g, a, join);
    edge(&g, b, join);
    edge(&g, c, join);
    edge(&g, join, e);
    run(&g);
    ck_assert_int_eq(cy(&g.nodes[a]), cy(&g.nodes[split]));
    ck_assert_int_gt(cy(&g.nodes[b]), cy(&g.nodes[split]));
    ck_assert_int_lt(cy(&g.nodes[c]), cy(&g.nodes[split]));
    ck_assert_int_eq(cy(&g.nodes[join]), cy(&g.nodes[split]));
    ck_assert_uint_eq(g.nodes[a].rank, g.nodes[b].rank);
    /* The branch below leaves the gateway at its bottom corner, then runs right. */
    ck_assert_int_eq(g.edges[2].points[0].y, g.nodes[split].box.y + g.nodes[split].box.h);
    ck_assert_uint_eq(g.edges[2].npoints, 3);
    /* And enters the join from below. */
    ck_assert_int_eq(g.edges[5].points[g.edges[5].npoints - 1].y,
                     g.nodes[join].box.y + g.nodes[join].box.h);
    ck_assert_uint_eq(g.l.crossings, 0);
    assert_guarantees(&g);
}
END_TEST

START_TEST(back_edge_runs_below_the_lowest_row)
{
    struct graph g;
    uint32_t s, join, t, u, split, e;
    int32_t bottom = 0, lowest = 0;
    const struct ordo_layout_edge *back;

    init(&g, 0);
    s = node(&g, ORDO_LAYOUT_EVENT, 0);
    join = node(&g, ORDO_LAYOUT_GATEWAY, 0);
    t = node(&g, ORDO_LAYOUT_TASK, 0);
    split = node(&g, ORDO_LAYOUT_GATEWAY, 0);
    u = node(&g, ORDO_LAYOUT_TASK, 0);
    e = node(&g, ORDO_LAYOUT_EVENT, 0);
    edge(&g, s, join);
    edge(&g, join, t);
    edge(&g, t, split);
    edge(&g, split, e);
    edge(&g, split, u);
    edge(&g, u, join);
    run(&g);
    back = &g.edges[5];
    ck_assert(back->back);
    for (uint32_t i = 0; i < g.l.nedges - 1; i++) {
        ck_assert(!g.edges[i].back);
    }
    for (uint32_t v = 0; v < g.l.nnodes; v++) {
        int32_t b = g.nodes[v].box.y + g.nodes[v].box.h;

        bottom = b > bottom ? b : bottom;
    }
    for (uint32_t i = 0; i < back->npoints; i++) {
        lowest = back->points[i].y > lowest ? back->points[i].y : lowest;
    }
    ck_assert_int_gt(lowest, bottom);
    /* Into the loop's join from below. */
    ck_assert_int_eq(back->points[back->npoints - 1].y, g.nodes[join].box.y + g.nodes[join].box.h);
    ck_assert_uint_lt(g.nodes[join].rank, g.nodes[u].rank);
    assert_guarantees(&g);
}
END_TEST

START_TEST(boundary_event_sits_on_host_bottom_with_path_below)
{
    struct graph g;
    uint32_t s, host, b, esc, e1, e2;

    init(&g, 0);
    s = node(&g, ORDO_LAYOUT_EVENT, 0);
    host = node(&g, ORDO_LAYOUT_TASK, 0);
    b = boundary(&g, host);
    esc = node(&g, ORDO_LAYOUT_TASK, 0);
    e1 = node(&g, ORDO_LAYOUT_EVENT, 0);
    e2 = node(&g, ORDO_LAYOUT_EVENT, 0);
    edge(&g, s, host);
    edge(&g, host, e1);
    edge(&g, b, esc);
    edge(&g, esc, e2);
    run(&g);
    ck_assert_int_eq(cy(&g.nodes[b]), g.nodes[host].box.y + g.nodes[host].box.h);
    ck_assert_int_ge(g.nodes[b].box.x, g.nodes[host].box.x);
    ck_assert_int_le(g.nodes[b].box.x + g.nodes[b].box.w,
                     g.nodes[host].box.x + g.nodes[host].box.w);
    ck_assert_int_gt(cy(&g.nodes[esc]), cy(&g.nodes[host]));
    ck_assert_uint_eq(g.nodes[esc].rank, g.nodes[host].rank + 1);
    /* Out of the event's bottom, down, then right. */
    ck_assert_uint_eq(g.edges[2].npoints, 3);
    ck_assert_int_eq(g.edges[2].points[0].y, g.nodes[b].box.y + g.nodes[b].box.h);
    ck_assert_int_eq(g.edges[2].points[2].x, g.nodes[esc].box.x);
    assert_guarantees(&g);
}
END_TEST

START_TEST(three_boundary_events_widen_their_host)
{
    struct graph g;
    uint32_t s, host, b[3], e;

    init(&g, 0);
    s = node(&g, ORDO_LAYOUT_EVENT, 0);
    host = node(&g, ORDO_LAYOUT_TASK, 0);
    e = node(&g, ORDO_LAYOUT_EVENT, 0);
    edge(&g, s, host);
    edge(&g, host, e);
    for (int i = 0; i < 3; i++) {
        uint32_t end = node(&g, ORDO_LAYOUT_EVENT, 0);

        b[i] = boundary(&g, host);
        edge(&g, b[i], end);
    }
    run(&g);
    ck_assert_int_gt(g.nodes[host].box.w, 100);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_ge(g.nodes[b[i]].box.x, g.nodes[host].box.x);
    }
    assert_guarantees(&g);
}
END_TEST

START_TEST(lanes_are_stacked_strips_inside_the_pool)
{
    struct graph g;
    uint32_t s, a, b, e;

    init(&g, 3);
    s = node(&g, ORDO_LAYOUT_EVENT, 0);
    a = node(&g, ORDO_LAYOUT_TASK, 2);
    b = node(&g, ORDO_LAYOUT_TASK, 0);
    e = node(&g, ORDO_LAYOUT_EVENT, 2);
    edge(&g, s, a);
    edge(&g, a, b);
    edge(&g, b, e);
    run(&g);
    ck_assert_int_eq(g.l.pool.x + 30, g.l.lanes[0].x);
    ck_assert_int_eq(g.l.lanes[0].y, g.l.pool.y);
    for (uint32_t i = 0; i < 2; i++) {
        ck_assert_int_eq(g.l.lanes[i].y + g.l.lanes[i].h, g.l.lanes[i + 1].y);
        ck_assert_int_eq(g.l.lanes[i].w, g.l.lanes[i + 1].w);
    }
    ck_assert_int_eq(g.l.lanes[2].y + g.l.lanes[2].h, g.l.pool.y + g.l.pool.h);
    for (uint32_t v = 0; v < g.l.nnodes; v++) {
        const struct ordo_layout_rect *r = &g.nodes[v].box, *lane = &g.l.lanes[g.nodes[v].lane];

        ck_assert(r->y > lane->y && r->y + r->h < lane->y + lane->h);
        ck_assert(r->x > lane->x && r->x + r->w < lane->x + lane->w);
    }
    /* The empty middle lane still has a row's height. */
    ck_assert_int_ge(g.l.lanes[1].h, 80);
    assert_guarantees(&g);
}
END_TEST

/* ---- generated graphs ------------------------------------------------------- */

static uint32_t lcg(uint64_t *state, uint32_t bound)
{
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(*state >> 33) % bound;
}

/* A connected graph from one start, with joins, loops back, lanes and
 * boundary events. */
static void generate(struct graph *g, uint64_t seed)
{
    uint64_t st = seed;
    uint32_t nlanes = lcg(&st, 4), n = 3 + lcg(&st, 36);
    uint32_t lanes = nlanes ? nlanes : 1;

    init(g, nlanes);
    node(g, ORDO_LAYOUT_EVENT, lcg(&st, lanes));
    for (uint32_t i = 1; i < n && g->l.nnodes < MAXN - 2; i++) {
        uint32_t v = node(g, (enum ordo_layout_kind)lcg(&st, 3), lcg(&st, lanes));
        uint32_t from = lcg(&st, v);

        while (g->nodes[from].kind == ORDO_LAYOUT_BOUNDARY) {
            from--;
        }
        edge(g, from, v);
        if (lcg(&st, 4) == 0 && v > 2) {
            uint32_t other = lcg(&st, v);

            if (g->nodes[other].kind != ORDO_LAYOUT_BOUNDARY) {
                edge(g, other, v);
            }
        }
        if (lcg(&st, 6) == 0) {
            uint32_t back = lcg(&st, v);

            if (g->nodes[back].kind != ORDO_LAYOUT_BOUNDARY) {
                edge(g, v, back);
            }
        }
        if (g->nodes[v].kind == ORDO_LAYOUT_TASK && lcg(&st, 4) == 0) {
            uint32_t b = boundary(g, v), end = node(g, ORDO_LAYOUT_EVENT, lcg(&st, lanes));

            edge(g, b, end);
        }
    }
}

START_TEST(generated_graphs_keep_every_guarantee)
{
    static struct graph g;

    for (uint64_t seed = 1; seed <= 400; seed++) {
        generate(&g, seed);
        run(&g);
        assert_guarantees(&g);
    }
}
END_TEST

START_TEST(same_input_same_layout)
{
    static struct graph g1, g2;

    for (uint64_t seed = 1000; seed < 1050; seed++) {
        generate(&g1, seed);
        generate(&g2, seed);
        run(&g1);
        run(&g2);
        ck_assert_int_eq(g1.l.width, g2.l.width);
        ck_assert_uint_eq(g1.l.crossings, g2.l.crossings);
        for (uint32_t v = 0; v < g1.l.nnodes; v++) {
            ck_assert_mem_eq(&g1.nodes[v].box, &g2.nodes[v].box, sizeof g1.nodes[v].box);
        }
        for (uint32_t e = 0; e < g1.l.nedges; e++) {
            ck_assert_uint_eq(g1.edges[e].npoints, g2.edges[e].npoints);
            ck_assert_mem_eq(g1.edges[e].points, g2.edges[e].points,
                             g1.edges[e].npoints * sizeof g1.edges[e].points[0]);
        }
    }
}
END_TEST

/* ---- the checker and bad input -------------------------------------------------- */

static void two_boxes(struct graph *g, struct ordo_layout_point *pts)
{
    init(g, 0);
    node(g, ORDO_LAYOUT_TASK, 0);
    node(g, ORDO_LAYOUT_TASK, 0);
    node(g, ORDO_LAYOUT_TASK, 0);
    g->nodes[0].box = (struct ordo_layout_rect){0, 0, 100, 80};
    g->nodes[1].box = (struct ordo_layout_rect){200, 0, 100, 80};
    g->nodes[2].box = (struct ordo_layout_rect){400, 0, 100, 80};
    edge(g, 0, 2);
    pts[0] = (struct ordo_layout_point){100, 40};
    pts[1] = (struct ordo_layout_point){400, 40};
    g->edges[0].points = pts;
    g->edges[0].npoints = 2;
}

START_TEST(check_catches_broken_layouts)
{
    struct graph g;
    struct ordo_layout_point pts[3];
    struct ordo_err err = {0};

    two_boxes(&g, pts); /* the edge runs straight through node 1 */
    ck_assert_int_eq(ordo_layout_check(&g.l, &err), ORDO_E_INTERNAL);
    ck_assert_ptr_nonnull(strstr(err.msg, "crosses node 1"));

    two_boxes(&g, pts);
    g.nodes[1].box.y = 200; /* out of the way: fine */
    ck_assert_int_eq(ordo_layout_check(&g.l, NULL), ORDO_OK);
    pts[1].y = 60; /* diagonal */
    ck_assert_int_eq(ordo_layout_check(&g.l, NULL), ORDO_E_INTERNAL);

    two_boxes(&g, pts);
    g.nodes[1].box = (struct ordo_layout_rect){50, 100, 100, 80};
    g.nodes[0].box.h = 120; /* overlaps node 1 */
    ck_assert_int_eq(ordo_layout_check(&g.l, NULL), ORDO_E_INTERNAL);
}
END_TEST

START_TEST(crossings_are_counted_once_per_pair)
{
    struct graph g;
    struct ordo_layout_point h[4] = {{0, 50}, {100, 50}, {100, 150}, {0, 150}};
    struct ordo_layout_point v[2] = {{50, 0}, {50, 200}};

    init(&g, 0);
    node(&g, ORDO_LAYOUT_EVENT, 0);
    edge(&g, 0, 0);
    edge(&g, 0, 0);
    g.edges[0].points = h;
    g.edges[0].npoints = 4;
    g.edges[1].points = v;
    g.edges[1].npoints = 2;
    ck_assert_uint_eq(ordo_layout_crossings(&g.l), 1);
    v[0].x = v[1].x = 100; /* touching at a corner is no crossing */
    ck_assert_uint_eq(ordo_layout_crossings(&g.l), 0);
}
END_TEST

START_TEST(bad_input_is_refused)
{
    struct graph g;
    struct ordo_err err = {0};

    init(&g, 0);
    node(&g, ORDO_LAYOUT_TASK, 0);
    edge(&g, 0, 5);
    ck_assert_int_eq(ordo_layout_run(&g.l, arena, &err), ORDO_E_INVAL);

    init(&g, 0);
    node(&g, ORDO_LAYOUT_TASK, 0);
    boundary(&g, 0);
    boundary(&g, 1); /* hosted by a boundary event */
    ck_assert_int_eq(ordo_layout_run(&g.l, arena, NULL), ORDO_E_INVAL);

    init(&g, 0);
    node(&g, ORDO_LAYOUT_TASK, 0);
    boundary(&g, 0);
    edge(&g, 0, 1); /* into a boundary event */
    ck_assert_int_eq(ordo_layout_run(&g.l, arena, NULL), ORDO_E_INVAL);

    init(&g, 1);
    node(&g, ORDO_LAYOUT_TASK, 1); /* lane 1 of 1 */
    ck_assert_int_eq(ordo_layout_run(&g.l, arena, NULL), ORDO_E_INVAL);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("layout");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, chain_is_one_row_left_to_right);
    tcase_add_test(tc, split_branches_below_then_above_and_join_on_spine);
    tcase_add_test(tc, back_edge_runs_below_the_lowest_row);
    tcase_add_test(tc, boundary_event_sits_on_host_bottom_with_path_below);
    tcase_add_test(tc, three_boundary_events_widen_their_host);
    tcase_add_test(tc, lanes_are_stacked_strips_inside_the_pool);
    tcase_add_test(tc, generated_graphs_keep_every_guarantee);
    tcase_add_test(tc, same_input_same_layout);
    tcase_add_test(tc, check_catches_broken_layouts);
    tcase_add_test(tc, crossings_are_counted_once_per_pair);
    tcase_add_test(tc, bad_input_is_refused);
    suite_add_tcase(s, tc);
    return s;
}

ORDO_CHECK_MAIN(make_suite)
