/* One-parameter equilibrium diagrams.
 *
 * Seeds: the equilibria at both ends of the parameter range and at ND_DIAGRAM_INTERIOR values
 * inside it (nd_fixed_points in the region), so that every branch crossing the box is found,
 * folds and isolas included. A seed that lies on a branch already computed (nd_branch_contains:
 * checked against the curve between its points) is dropped; one at an end is continued inwards,
 * one inside in both directions, the halves joined into one branch. At every verified branch
 * point the crossing branch is followed the same way (both halves, joined), unless it is known.
 * Finally special points met twice (a branch point lies on both of its branches) are merged.
 *
 * Units: the continuer works in the box's units (each variable over its box width, the
 * parameter over its range), so steps are fractions of the box and the diagram does not depend
 * on the units of the model. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_linalg.h>

#include "neurodyn/continuation.h"

#define ND_DIAGRAM_INTERIOR 7 /* seed values strictly inside the range */

void nd_bif_diagram_free(nd_bif_diagram *d)
{
    if (!d) return;
    for (size_t i = 0; i < d->n_branches; i++) nd_branch_free(&d->branches[i]);
    free(d->branches);
    free(d->from_bp);
    free(d->free_idx);
    memset(d, 0, sizeof *d);
}

void nd_bif_opts_init(nd_cont_opts *o)
{
    nd_cont_opts_init(o);
    o->h_max = 0.02, o->h0 = 0.002, o->max_points = 0;
}

static nd_status add_branch(nd_bif_diagram *d, nd_branch *b, int from, nd_error *err)
{
    nd_branch *nb = realloc(d->branches, (d->n_branches + 1) * sizeof *nb);
    if (!nb) return nd_fail(err, ND_ENOMEM, "diagram: no memory");
    d->branches = nb;
    int *nf = realloc(d->from_bp, (d->n_branches + 1) * sizeof *nf);
    if (!nf) return nd_fail(err, ND_ENOMEM, "diagram: no memory");
    d->from_bp = nf;
    d->branches[d->n_branches] = *b;
    d->from_bp[d->n_branches++] = from;
    return ND_OK;
}

/* The work of one diagram: the curve type, the options, the box. */
typedef struct diagram_work {
    nd_bif_diagram *d;
    nd_eq_curve c;
    nd_cont_opts o;
    size_t N;
    double lo[65], hi[65], scale[65];
} diagram_work;

static int known(const diagram_work *dw, const double *u)
{
    for (size_t b = 0; b < dw->d->n_branches; b++)
        if (nd_branch_contains(&dw->c.type, &dw->o, &dw->d->branches[b], u, 0)) return 1;
    return 0;
}

/* Continues from u0 along +-v0 (v0 NULL: the tangent, oriented by the parameter) in the given
 * directions (+1, -1 or 0 for both, joined into one branch), and adds the branch. */
static nd_status trace(diagram_work *dw, const double *u0, const double *v0, double eps, int direction, int from,
                       nd_error *err)
{
    size_t N = dw->N;
    nd_branch half[2] = {{0}};
    int have[2] = {0, 0};
    for (int h = 0; h < 2; h++) {
        int dir = h ? -1 : 1;
        if (direction && dir != direction) continue;
        nd_cont_opts o = dw->o;
        o.direction = dir;
        double u[65], v[65];
        for (size_t i = 0; i < N; i++) {
            v[i] = v0 ? dir * v0[i] : 0.0;
            u[i] = u0[i] + eps * v[i];
        }
        if (h == 1 && have[0] && half[0].stop == ND_STOP_CLOSED) break; /* the first half went round */
        nd_error e;
        if (nd_continue(&dw->c.type, u, v0 ? v : NULL, &o, &half[h], &e)) continue;
        have[h] = 1;
    }
    nd_status st = ND_OK;
    if (have[0] && have[1]) {
        nd_branch joined;
        st = nd_branch_join(&half[1], &half[0], &joined, err);
        nd_branch_free(&half[0]), nd_branch_free(&half[1]);
        if (!st) st = add_branch(dw->d, &joined, from, err);
        if (st) nd_branch_free(&joined);
    } else {
        for (int h = 0; h < 2 && !st; h++)
            if (have[h] && (st = add_branch(dw->d, &half[h], from, err))) nd_branch_free(&half[h]);
    }
    return st;
}

/* Moves u onto the curve (Newton from u in the hyperplane normal to v); 0 when that fails. */
static int on_the_curve(diagram_work *dw, double *u, const double *v)
{
    nd_cont_opts o = dw->o;
    o.max_points = 1;
    nd_branch b;
    if (nd_continue(&dw->c.type, u, v, &o, &b, NULL)) return 0;
    memcpy(u, b.u, dw->N * sizeof *u);
    nd_branch_free(&b);
    return 1;
}

/* The direction of the other branch at a branch point: the null vector of [J; v^T] (singular
 * there), from the SVD; normalised in the box's units. */
static int second_direction(diagram_work *dw, const double *u, const double *v, double *w)
{
    size_t N = dw->N;
    double B[65 * 65], V[65 * 65], S[65], work[65];
    if (dw->c.type.jacobian(&dw->c, u, B, NULL)) return -1;
    memcpy(B + (N - 1) * N, v, N * sizeof *v);
    gsl_matrix_view Bm = gsl_matrix_view_array(B, N, N), Vm = gsl_matrix_view_array(V, N, N);
    gsl_vector_view Sv = gsl_vector_view_array(S, N), Wv = gsl_vector_view_array(work, N);
    if (gsl_linalg_SV_decomp(&Bm.matrix, &Vm.matrix, &Sv.vector, &Wv.vector)) return -1;
    double n = 0.0;
    for (size_t i = 0; i < N; i++) w[i] = V[i * N + (N - 1)], n += (w[i] / dw->scale[i]) * (w[i] / dw->scale[i]);
    if (!(n > 0)) return -1;
    for (size_t i = 0; i < N; i++) w[i] /= sqrt(n);
    return 0;
}

/* The crossing branch at every branch point of branches first.. (new branches are visited too). */
static nd_status switch_at_branch_points(diagram_work *dw, size_t first, nd_error *err)
{
    size_t N = dw->N;
    nd_bif_diagram *d = dw->d;
    for (size_t b = first; b < d->n_branches && d->n_branches < 64; b++) {
        for (size_t s = 0; s < d->branches[b].n_special; s++) {
            const nd_branch *br = &d->branches[b];
            if (br->special[s].test != ND_EQ_BP) continue;
            double sp[65], v[65], w[65], probe[65], eps = 1e-4;
            memcpy(sp, br->special[s].u, N * sizeof *sp);
            size_t i = br->special[s].after, j = i + 1 < br->n ? i + 1 : i;
            if (j == i && i > 0) i--;
            double nv = 0.0;
            for (size_t a = 0; a < N; a++) v[a] = br->u[j * N + a] - br->u[i * N + a], nv += v[a] * v[a];
            if (!(nv > 0) || second_direction(dw, sp, v, w)) continue;
            int seen = 1;
            for (int sign = -1; sign <= 1 && seen; sign += 2) {
                for (size_t a = 0; a < N; a++) probe[a] = sp[a] + sign * 10 * eps * w[a], v[a] = sign * w[a];
                seen = on_the_curve(dw, probe, v) && known(dw, probe);
            }
            if (seen) continue;
            nd_status st = trace(dw, sp, w, eps, 0, (int)b, err);
            if (st) return st;
        }
    }
    return ND_OK;
}

/* The equilibria at parameter value `at`, each continued unless it lies on a known branch. Inside
 * the range a lighter search is enough (16 2^k Newton starts, at most 256, no global fallback):
 * it looks for branches that reach neither end, which the ends' full search cannot see. */
static nd_status seed_at(diagram_work *dw, const double *p, double at, int direction, size_t *found, nd_error *err)
{
    const nd_model *m = dw->d->m;
    double pp[256];
    memcpy(pp, p, m->n_pars * sizeof *pp);
    pp[dw->d->par] = at;
    nd_fp_result fr;
    nd_fp_opts fo;
    nd_fp_opts_init(&fo);
    if (direction == 0) fo.n_seeds = (size_t)fmin(256.0, 16.0 * pow(2.0, (double)dw->c.k)), fo.no_fallback = 1;
    nd_status st = nd_fixed_points(m, pp, &dw->c.region, &fo, &fr, err);
    if (st) return st;
    if (found) *found = fr.n;
    size_t k = dw->c.k;
    for (size_t e = 0; !st && e < fr.n; e++) {
        double u0[65];
        for (size_t a = 0; a < k; a++) u0[a] = fr.points[e].x[dw->c.free_idx[a]];
        u0[k] = at;
        if (!known(dw, u0)) st = trace(dw, u0, NULL, 0.0, direction, -1, err);
    }
    nd_fp_result_free(&fr);
    return st;
}

/* The largest difference of two points in box units. */
static double box_distance(const diagram_work *dw, const double *a, const double *b)
{
    double dist = 0.0;
    for (size_t i = 0; i < dw->N; i++) dist = fmax(dist, fabs(a[i] - b[i]) / dw->scale[i]);
    return dist;
}

/* Whether special point s of branch b repeats an earlier one of the same test (on an earlier
 * branch, or earlier on this one, within 1e-7 of the box), or is a fold of the crossing branch at
 * a branch point (there the parameter turns, but it is no saddle-node; within 1e-5). Flags of
 * earlier points: drop. */
static int redundant(const diagram_work *dw, size_t b, size_t s, char *const *drop)
{
    const nd_bif_diagram *d = dw->d;
    const nd_special_point *sp = &d->branches[b].special[s];
    for (size_t b2 = 0; b2 < d->n_branches; b2++) {
        const nd_branch *o = &d->branches[b2];
        for (size_t s2 = 0; s2 < o->n_special; s2++) {
            const nd_special_point *q = &o->special[s2];
            int earlier = (b2 < b || (b2 == b && s2 < s)) && !drop[b2][s2] && q->test == sp->test;
            int fold_at_bp = sp->test == ND_EQ_LP && q->test == ND_EQ_BP;
            /* the corrector is singular at a branch point: the fold there is located less sharply */
            if (box_distance(dw, q->u, sp->u) < (fold_at_bp ? 1e-5 : earlier ? 1e-7 : -1)) return 1;
        }
    }
    return 0;
}

/* Special points found twice (on two branches, or twice on one) are kept once: the same test
 * within 1e-7 of the box. */
static nd_status merge_special_points(diagram_work *dw, nd_error *err)
{
    nd_bif_diagram *d = dw->d;
    char **drop = calloc(d->n_branches + 1, sizeof *drop);
    if (!drop) return nd_fail(err, ND_ENOMEM, "diagram: no memory");
    nd_status st = ND_OK;
    for (size_t b = 0; b < d->n_branches && !st; b++)
        if (!(drop[b] = calloc(d->branches[b].n_special + 1, 1))) st = nd_fail(err, ND_ENOMEM, "diagram: no memory");
    for (size_t b = 0; b < d->n_branches && !st; b++)
        for (size_t s = 0; s < d->branches[b].n_special; s++) drop[b][s] = (char)redundant(dw, b, s, drop);
    for (size_t b = 0; b < d->n_branches && !st; b++) {
        nd_branch *br = &d->branches[b];
        size_t keep = 0;
        for (size_t s = 0; s < br->n_special; s++) {
            if (drop[b][s]) free(br->special[s].u);
            else br->special[keep++] = br->special[s];
        }
        br->n_special = keep;
    }
    for (size_t b = 0; b < d->n_branches; b++) free(drop[b]);
    free(drop);
    return st;
}

static nd_status set_up(diagram_work *dw, const nd_model *m, const double *p, int par, double p_lo, double p_hi,
                        const nd_region *region, const nd_cont_opts *opts, nd_error *err)
{
    nd_status st = nd_eq_curve_init(&dw->c, m, p, par, region, err);
    if (st) return st;
    size_t k = dw->c.k, N = dw->N = k + 1;
    nd_bif_diagram *d = dw->d;
    d->n_free = k;
    d->free_idx = malloc(k * sizeof *d->free_idx);
    if (!d->free_idx) return nd_fail(err, ND_ENOMEM, "diagram: no memory");
    for (size_t a = 0; a < k; a++) {
        size_t i = d->free_idx[a] = dw->c.free_idx[a];
        dw->lo[a] = region->lo[i], dw->hi[a] = region->hi[i];
    }
    dw->lo[k] = p_lo, dw->hi[k] = p_hi;
    for (size_t i = 0; i < N; i++) dw->scale[i] = dw->hi[i] - dw->lo[i];
    nd_cont_opts def;
    nd_bif_opts_init(&def);
    dw->o = opts ? *opts : def;
    if (!(dw->o.h_max > 0)) dw->o.h_max = def.h_max;
    if (!(dw->o.h0 > 0) || dw->o.h0 > dw->o.h_max) dw->o.h0 = dw->o.h_max / 10;
    if (!dw->o.max_points) dw->o.max_points = (size_t)ceil(20 * sqrt((double)N) / dw->o.h_max); /* ~20 box diagonals */
    dw->o.lo = dw->lo, dw->o.hi = dw->hi, dw->o.scale = dw->scale;
    return ND_OK;
}

/* The checks every one-parameter diagram makes before any work, and d emptied and named. */
static nd_status begin_diagram(const nd_model *m, int par, double p_lo, double p_hi, const nd_region *region,
                               nd_bif_diagram *d, nd_error *err)
{
    if (!d) return nd_fail(err, ND_EINVAL, "diagram: result is NULL");
    memset(d, 0, sizeof *d);
    nd_status st = nd_model_validate(m, err);
    if (st) return st;
    if (par < 0 || (size_t)par >= m->n_pars)
        return nd_fail(err, ND_EINVAL, "parameter index %d is out of range for %s", par, m->name);
    if (m->n_pars > 256) return nd_fail(err, ND_EINVAL, "diagram: %zu parameters (256 supported)", m->n_pars);
    if (!isfinite(p_lo) || !isfinite(p_hi) || !(p_lo < p_hi))
        return nd_fail(err, ND_EINVAL, "parameter range of %s is empty or inverted (%g:%g)", m->par_names[par], p_lo, p_hi);
    if ((st = nd_region_check(m, region, err))) return st;
    d->m = m, d->par = par, d->p_lo = p_lo, d->p_hi = p_hi;
    return ND_OK;
}

nd_status nd_bifurcation_1d(const nd_model *m, const double *p, int par, double p_lo, double p_hi,
                            const nd_region *region, const nd_cont_opts *opts, nd_bif_diagram *d, nd_error *err)
{
    nd_status st = begin_diagram(m, par, p_lo, p_hi, region, d, err);
    if (st) return st;
    diagram_work dw = {.d = d};
    st = set_up(&dw, m, p, par, p_lo, p_hi, region, opts, err);
    /* the ends inwards, the branch points, then the values inside */
    if (!st) st = seed_at(&dw, p, p_lo, 1, &d->n_start, err);
    if (!st) st = seed_at(&dw, p, p_hi, -1, NULL, err);
    if (!st) st = switch_at_branch_points(&dw, 0, err);
    for (int j = 1; !st && j <= ND_DIAGRAM_INTERIOR; j++) {
        size_t before = d->n_branches;
        st = seed_at(&dw, p, p_lo + (p_hi - p_lo) * j / (ND_DIAGRAM_INTERIOR + 1), 0, NULL, err);
        if (!st) st = switch_at_branch_points(&dw, before, err);
    }
    if (!st) st = merge_special_points(&dw, err);
    nd_eq_curve_free(&dw.c);
    if (st) nd_bif_diagram_free(d);
    return st;
}

/* A restart (AUTO-07p's IRS): the branch through one saved point of an earlier diagram, x (all
 * variables) at parameter value `at`, continued both ways from there (the point is corrected onto
 * the curve first: it was located to the corrector's tolerance), then the branches crossing it at
 * its branch points. The seeds of nd_bifurcation_1d are not searched. */
nd_status nd_bifurcation_1d_from(const nd_model *m, const double *p, int par, double p_lo, double p_hi,
                                 const nd_region *region, const nd_cont_opts *opts, const double *x, double at,
                                 nd_bif_diagram *d, nd_error *err)
{
    nd_status st = begin_diagram(m, par, p_lo, p_hi, region, d, err);
    if (st) return st;
    if (m->n_vars > 64) return nd_fail(err, ND_EINVAL, "diagram: model too large for a restart (%zu variables, 64 supported)", m->n_vars);
    if (!x || !isfinite(at) || at < p_lo || at > p_hi)
        return nd_fail(err, ND_EINVAL, "restart: %s = %g is outside the range %g:%g", m->par_names[par], at, p_lo, p_hi);
    diagram_work dw = {.d = d};
    st = set_up(&dw, m, p, par, p_lo, p_hi, region, opts, err);
    double u0[65];
    for (size_t a = 0; !st && a < dw.c.k; a++) {
        u0[a] = x[dw.c.free_idx[a]];
        if (!isfinite(u0[a])) st = nd_fail(err, ND_EINVAL, "restart: the saved point has no value of %s", m->var_names[dw.c.free_idx[a]]);
    }
    u0[dw.c.k] = at;
    if (!st) st = trace(&dw, u0, NULL, 0.0, 0, -1, err);
    if (!st && d->n_branches == 0)
        st = nd_fail(err, ND_EFAILED, "restart: the corrector did not converge from the saved point at %s = %g",
                     m->par_names[par], at);
    if (!st) st = switch_at_branch_points(&dw, 0, err);
    if (!st) st = merge_special_points(&dw, err);
    nd_eq_curve_free(&dw.c);
    if (st) nd_bif_diagram_free(d);
    return st;
}
