/* Two-parameter diagrams (include/neurodyn/codim2.h): every LP and H point of the equilibrium
 * diagram in P2 continued as a fold or Hopf curve in (P1, P2), the other curve started at every
 * Bogdanov–Takens point, each curve and each codim-2 point once.
 *
 * Starts. The LP and H points of the starting diagram (nd_bifurcation_1d at the current P1), in
 * its order, then the BT points of the curves computed (new curves included). A start that lies
 * on a computed curve of its kind is dropped: nd_branch_contains checks the curve between its
 * points, with the curve's borders first reset at the start itself (the bordered systems are
 * then regular near it). Both halves from one start are continued and joined (nd_branch_join);
 * a half that closes on itself is the whole curve.
 *
 * Switching at BT (MatCont's BT -> H and BT -> LP starts; Kuznetsov, Elements of Applied
 * Bifurcation Theory, 3rd ed., sec. 8.4, for the unfolding: the fold and Hopf curves are tangent
 * at BT). On the Hopf curve u = (x, kappa, P1, P2) the BT point is kappa = 0; its borders are the
 * right and left kernels of A^2, which at a BT point are spanned by the generalised eigenvectors
 * (A q0 = 0, A q1 = q0, and p1, p0 for A^T): nd_hopf_curve_reset takes them from the SVD of
 * A^2 + kappa I. From there one half has kappa > 0 (Hopf), the other kappa < 0 (neutral saddles).
 * On the fold curve the borders are the null vectors of A.
 *
 * Units. The continuer works in the box's units: free variables over their box widths, P1 and P2
 * over their ranges, kappa over one scale for the whole diagram (codim2.h: kappa_scale), which,
 * being a squared rate, follows the model's unit of time and not those of its variables. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/codim2.h"

#define ND_CODIM2_H_MAX 0.02      /* largest step, in box units (as nd_bifurcation_1d) */
#define ND_CODIM2_MAX_CURVES 64   /* a guard against switching back and forth without end */
#define ND_CODIM2_SAME_POINT 1e-7 /* codim-2 points closer than this (box units) are one */
#define VMAX 70

void nd_codim2_diagram_free(nd_codim2_diagram *d)
{
    if (!d) return;
    for (size_t i = 0; i < d->n; i++) nd_branch_free(&d->curves[i].branch);
    free(d->curves);
    free(d->points);
    nd_bif_diagram_free(&d->start);
    memset(d, 0, sizeof *d);
}

double nd_codim2_curve_par(const nd_codim2_curve *c, const double *u, int which)
{
    return u[c->k + (size_t)c->hopf + (which ? 1 : 0)];
}

const char *nd_codim2_special_name(int hopf, int test)
{
    static const char *lp[] = {"BT", "CP", "ZH"}, *h[] = {"BT", "GH", "ZH", "HH"};
    if (test < 0 || test >= (hopf ? 4 : 3)) return "?";
    return hopf ? h[test] : lp[test];
}

const nd_special_point *nd_codim2_point_special(const nd_codim2_diagram *d, size_t i)
{
    if (!d || i >= d->n_points) return NULL;
    return &d->curves[d->points[i].curve].branch.special[d->points[i].special];
}

const char *nd_codim2_point_name(const nd_codim2_diagram *d, size_t i)
{
    const nd_special_point *sp = nd_codim2_point_special(d, i);
    return sp ? nd_codim2_special_name(d->curves[d->points[i].curve].hopf, sp->test) : "?";
}

/* The work of one diagram: both curve types, their options and boxes ([0] fold, [1] Hopf). */
typedef struct diagram_work {
    nd_codim2_diagram *d;
    nd_fold_curve fold;
    nd_hopf_curve hopf;
    int ready[2];             /* the curve type could be set up (Hopf needs 2 free variables) */
    char why_not[2][160];
    nd_cont_opts o[2];
    size_t k;
    double lo[2][VMAX], hi[2][VMAX], scale[2][VMAX];
} diagram_work;

static const nd_curve_type *type_of(diagram_work *w, int hopf) { return hopf ? &w->hopf.type : &w->fold.type; }

static nd_status reset(diagram_work *w, int hopf, const double *u, nd_error *err)
{
    return hopf ? nd_hopf_curve_reset(&w->hopf, u, err) : nd_fold_curve_reset(&w->fold, u, err);
}

/* Whether u lies on a computed curve of its kind. */
static int known(diagram_work *w, int hopf, const double *u)
{
    if (reset(w, hopf, u, NULL)) return 0;
    for (size_t c = 0; c < w->d->n; c++)
        if (w->d->curves[c].hopf == hopf && nd_branch_contains(type_of(w, hopf), &w->o[hopf], &w->d->curves[c].branch, u, 0))
            return 1;
    return 0;
}

static nd_status add_curve(nd_codim2_diagram *d, int hopf, nd_branch *b, int from, nd_error *err)
{
    nd_codim2_curve *c = realloc(d->curves, (d->n + 1) * sizeof *c);
    if (!c) return nd_fail(err, ND_ENOMEM, "two-parameter diagram: no memory");
    d->curves = c;
    d->curves[d->n++] = (nd_codim2_curve){hopf, *b, d->start.n_free, from};
    return ND_OK;
}

/* The curve of kind hopf through u0, both ways, as one curve. A start that gives no curve is
 * counted in n_failed (with `what` in the message); only a lack of memory is an error. */
static nd_status trace(diagram_work *w, int hopf, const double *u0, int from, const char *what, nd_error *err)
{
    nd_codim2_diagram *d = w->d;
    if (d->n >= ND_CODIM2_MAX_CURVES) {
        d->n_failed++;
        snprintf(d->failure, sizeof d->failure, "the %s curve from %.60s: not followed, the diagram has %d curves already",
                 hopf ? "Hopf" : "fold", what, ND_CODIM2_MAX_CURVES);
        return ND_OK;
    }
    nd_branch half[2] = {{0}, {0}};
    int have[2] = {0, 0};
    nd_error e = {0};
    nd_status st = ND_OK;
    if (!w->ready[hopf]) snprintf(e.msg, sizeof e.msg, "%s", w->why_not[hopf]);
    for (int h = 0; h < 2 && w->ready[hopf]; h++) {
        if (h == 1 && have[0] && half[0].stop == ND_STOP_CLOSED) break; /* the first half went round */
        nd_cont_opts o = w->o[hopf];
        o.direction = h ? -1 : 1;
        st = reset(w, hopf, u0, &e);
        if (!st) st = nd_continue(type_of(w, hopf), u0, NULL, &o, &half[h], &e);
        if (st == ND_ENOMEM) break;
        have[h] = st == ND_OK;
    }
    if (st == ND_ENOMEM) {
        nd_branch_free(&half[0]), nd_branch_free(&half[1]);
        return nd_fail(err, ND_ENOMEM, "%s", e.msg);
    }
    st = ND_OK;
    nd_branch one;
    if (have[0] && have[1]) {
        st = nd_branch_join(&half[1], &half[0], &one, err);
        nd_branch_free(&half[0]), nd_branch_free(&half[1]);
    } else if (have[0] || have[1]) {
        one = half[have[0] ? 0 : 1];
    } else {
        d->n_failed++;
        snprintf(d->failure, sizeof d->failure, "the %s curve from %.60s: %.100s", hopf ? "Hopf" : "fold", what, e.msg);
        return ND_OK;
    }
    if (!st && (st = add_curve(d, hopf, &one, from, err))) nd_branch_free(&one);
    return st;
}

/* ---- starts --------------------------------------------------------------------------------- */
/* Every LP and H point of the starting diagram not on a computed curve. */
static nd_status from_the_starting_diagram(diagram_work *w, const double *p, nd_error *err)
{
    nd_codim2_diagram *d = w->d;
    const nd_bif_diagram *s = &d->start;
    size_t k = w->k;
    nd_status st = ND_OK;
    for (size_t b = 0; !st && b < s->n_branches; b++)
        for (size_t i = 0; !st && i < s->branches[b].n_special; i++) {
            const nd_special_point *sp = &s->branches[b].special[i];
            if (sp->test != ND_EQ_LP && sp->test != ND_EQ_H) continue;
            int hopf = sp->test == ND_EQ_H;
            double u0[VMAX];
            size_t off = k;
            memcpy(u0, sp->u, k * sizeof *u0);
            if (hopf) u0[off++] = sp->data[0] * sp->data[0]; /* kappa = omega^2 */
            u0[off] = p[d->par[0]], u0[off + 1] = sp->u[k];
            if (w->ready[hopf] && known(w, hopf, u0)) {
                d->n_dropped++;
                continue;
            }
            char what[96];
            snprintf(what, sizeof what, "%s at %s = %g", hopf ? "H" : "LP", d->m->par_names[d->par[1]], sp->u[k]);
            st = trace(w, hopf, u0, -1, what, err);
        }
    return st;
}

/* At every BT point of every curve (those added here included) the other curve through it. */
int nd_codim2_bt_degenerate(const nd_codim2_diagram *d, const nd_special_point *sp)
{
    double a = fabs(sp->data[0]), b = fabs(sp->data[1]) * sqrt(d->kappa_scale);
    if (!isfinite(a) || !isfinite(b)) return 1;
    return !(a > 1e-9 * b && b > 1e-9 * a);
}

static nd_status switch_at_bogdanov_takens(diagram_work *w, nd_error *err)
{
    nd_codim2_diagram *d = w->d;
    size_t k = w->k;
    nd_status st = ND_OK;
    for (size_t c = 0; !st && c < d->n; c++)
        for (size_t s = 0; !st && s < d->curves[c].branch.n_special; s++) {
            const nd_codim2_curve *cv = &d->curves[c];
            const nd_special_point *sp = &cv->branch.special[s];
            if (sp->test != (cv->hopf ? ND_H_BT : ND_LP_BT) || nd_codim2_bt_degenerate(d, sp)) continue;
            int to = !cv->hopf;
            double u[VMAX];
            memcpy(u, sp->u, k * sizeof *u);
            size_t off = k;
            if (to) u[off++] = 0.0; /* kappa = 0 at BT */
            u[off] = nd_codim2_curve_par(cv, sp->u, 0), u[off + 1] = nd_codim2_curve_par(cv, sp->u, 1);
            if (!w->ready[to] || known(w, to, u)) continue;
            char what[96];
            snprintf(what, sizeof what, "BT at %s = %g, %s = %g", d->m->par_names[d->par[0]], u[off],
                     d->m->par_names[d->par[1]], u[off + 1]);
            st = trace(w, to, u, (int)c, what, err);
        }
    return st;
}

/* ---- each codim-2 point once ----------------------------------------------------------------- */
/* The largest difference of two points (x, P1, P2) of curves ca, cb in box units. */
static double box_distance(const diagram_work *w, const nd_codim2_curve *ca, const double *a, const nd_codim2_curve *cb,
                           const double *b)
{
    double dist = 0.0;
    const double *s = w->scale[0]; /* the fold curve's: x, P1, P2 */
    for (size_t i = 0; i < w->k; i++) dist = fmax(dist, fabs(a[i] - b[i]) / s[i]);
    for (int j = 0; j < 2; j++)
        dist = fmax(dist, fabs(nd_codim2_curve_par(ca, a, j) - nd_codim2_curve_par(cb, b, j)) / s[w->k + (size_t)j]);
    return dist;
}

/* Points of one type within ND_CODIM2_SAME_POINT of the box are one: the first occurrence is
 * kept (in `points`, with the curves it lies on), the others are removed from their branches. */
static nd_status merge_points(diagram_work *w, nd_error *err)
{
    nd_codim2_diagram *d = w->d;
    size_t total = 0;
    for (size_t c = 0; c < d->n; c++) total += d->curves[c].branch.n_special;
    d->points = calloc(total + 1, sizeof *d->points);
    char *drop = calloc(total + 1, 1);
    if (!d->points || !drop) {
        free(drop);
        return nd_fail(err, ND_ENOMEM, "two-parameter diagram: no memory");
    }
    size_t idx = 0;
    for (size_t c = 0; c < d->n; c++) {
        const nd_codim2_curve *cv = &d->curves[c];
        for (size_t s = 0; s < cv->branch.n_special; s++, idx++) {
            const nd_special_point *sp = &cv->branch.special[s];
            const char *name = nd_codim2_special_name(cv->hopf, sp->test);
            nd_codim2_point *same = NULL;
            for (size_t q = 0; q < d->n_points && !same; q++) {
                const nd_codim2_point *pt = &d->points[q];
                const nd_codim2_curve *cq = &d->curves[pt->curve];
                const nd_special_point *sq = &cq->branch.special[pt->special];
                if (!strcmp(nd_codim2_special_name(cq->hopf, sq->test), name) &&
                    box_distance(w, cq, sq->u, cv, sp->u) < ND_CODIM2_SAME_POINT)
                    same = &d->points[q];
            }
            if (!same) {
                d->points[d->n_points++] = (nd_codim2_point){.curve = c, .special = s, .n_on = 1, .on = {c}};
                continue;
            }
            drop[idx] = 1;
            int listed = 0;
            for (size_t j = 0; j < same->n_on; j++) listed |= same->on[j] == c;
            if (!listed && same->n_on < ND_CODIM2_MAX_ON) same->on[same->n_on++] = c;
        }
    }
    /* remove the repeats from the branches, keeping the points' indices right */
    idx = 0;
    for (size_t c = 0; c < d->n; c++) {
        nd_branch *b = &d->curves[c].branch;
        size_t keep = 0;
        for (size_t s = 0; s < b->n_special; s++, idx++) {
            if (drop[idx]) {
                free(b->special[s].u);
                continue;
            }
            for (size_t q = 0; q < d->n_points; q++)
                if (d->points[q].curve == c && d->points[q].special == s) d->points[q].special = keep;
            b->special[keep++] = b->special[s];
        }
        b->n_special = keep;
    }
    free(drop);
    return ND_OK;
}

/* ---- set-up ---------------------------------------------------------------------------------- */
/* kappa_scale: the largest omega^2 of the starting Hopf points, else the largest |lambda|^2 over
 * the starting diagram's equilibria, else 1. */
static double kappa_scale(diagram_work *w, const double *p)
{
    const nd_codim2_diagram *d = w->d;
    const nd_bif_diagram *s = &d->start;
    size_t k = w->k;
    double K = 0.0;
    for (size_t b = 0; b < s->n_branches; b++)
        for (size_t i = 0; i < s->branches[b].n_special; i++)
            if (s->branches[b].special[i].test == ND_EQ_H && isfinite(s->branches[b].special[i].data[0]))
                K = fmax(K, s->branches[b].special[i].data[0] * s->branches[b].special[i].data[0]);
    if (K > 0 || !w->ready[1]) return K > 0 ? K : 1.0;
    double A[VMAX * VMAX], re[VMAX], im[VMAX];
    const char *type;
    int stable;
    for (size_t b = 0; b < s->n_branches; b++)
        for (size_t i = 0; i < s->branches[b].n; i++) {
            const double *u = s->branches[b].u + i * (k + 1);
            nd_codim2_sys_set(&w->hopf.sys, u, p[d->par[0]], u[k]);
            if (nd_codim2_jacobian(&w->hopf.sys, A, NULL) || nd_stability(k, A, re, im, NULL, NULL, &type, &stable, NULL))
                continue;
            for (size_t j = 0; j < k; j++) K = fmax(K, re[j] * re[j] + im[j] * im[j]);
        }
    return K > 0 && isfinite(K) ? K : 1.0;
}

static void set_options(diagram_work *w, int hopf, const nd_region *r, const nd_codim2_opts *run)
{
    const nd_codim2_diagram *d = w->d;
    size_t k = w->k, N = k + 2 + (size_t)hopf, off = k;
    double *lo = w->lo[hopf], *hi = w->hi[hopf], *s = w->scale[hopf];
    for (size_t a = 0; a < k; a++) {
        lo[a] = r->lo[d->start.free_idx[a]], hi[a] = r->hi[d->start.free_idx[a]];
        s[a] = hi[a] - lo[a];
    }
    if (hopf) lo[off] = -1e300, hi[off] = 1e300, s[off] = d->kappa_scale, off++;
    for (int j = 0; j < 2; j++) lo[off + j] = d->lo[j], hi[off + j] = d->hi[j], s[off + j] = d->hi[j] - d->lo[j];
    nd_cont_opts *o = &w->o[hopf];
    nd_cont_opts_init(o);
    o->h_max = run && run->h_max > 0 ? run->h_max : ND_CODIM2_H_MAX;
    o->h0 = fmin(run && run->h0 > 0 ? run->h0 : o->h_max / 10, o->h_max);
    o->max_points = run && run->max_points ? run->max_points
                                           : (size_t)ceil(20 * sqrt((double)N) / o->h_max); /* ~20 box diagonals */
    o->lo = lo, o->hi = hi, o->scale = s;
}

static nd_status set_up(diagram_work *w, const nd_model *m, const double *p, const nd_region *r,
                        const nd_codim2_opts *run, nd_error *err)
{
    nd_codim2_diagram *d = w->d;
    nd_status st = nd_bifurcation_1d(m, p, d->par[1], d->lo[1], d->hi[1], r, NULL, &d->start, err);
    if (st) return st;
    w->k = d->start.n_free;
    nd_error e;
    for (int hopf = 0; hopf < 2; hopf++) {
        st = hopf ? nd_hopf_curve_init(&w->hopf, m, p, d->par[0], d->par[1], r, &e)
                  : nd_fold_curve_init(&w->fold, m, p, d->par[0], d->par[1], r, &e);
        if (st == ND_ENOMEM) return nd_fail(err, st, "%s", e.msg);
        w->ready[hopf] = st == ND_OK;
        if (st) snprintf(w->why_not[hopf], sizeof w->why_not[hopf], "%.150s", e.msg);
    }
    d->kappa_scale = kappa_scale(w, p);
    set_options(w, 0, r, run);
    set_options(w, 1, r, run);
    return ND_OK;
}

nd_status nd_bifurcation_2d(const nd_model *m, const double *p, int par1, double lo1, double hi1, int par2, double lo2,
                            double hi2, const nd_region *r, const nd_codim2_opts *o, nd_codim2_diagram *d,
                            nd_error *err)
{
    if (!d) return nd_fail(err, ND_EINVAL, "two-parameter diagram: result is NULL");
    memset(d, 0, sizeof *d);
    if (!m || !p || !r) return nd_fail(err, ND_EINVAL, "two-parameter diagram: NULL argument");
    if (par1 < 0 || par2 < 0 || (size_t)par1 >= m->n_pars || (size_t)par2 >= m->n_pars || par1 == par2)
        return nd_fail(err, ND_EINVAL, "two-parameter diagram: need two different parameters (indices %d, %d)", par1, par2);
    if (!(lo1 < hi1) || !(lo2 < hi2) || !isfinite(lo1) || !isfinite(hi1) || !isfinite(lo2) || !isfinite(hi2))
        return nd_fail(err, ND_EINVAL, "two-parameter diagram: empty range %g:%g or %g:%g", lo1, hi1, lo2, hi2);
    if (!(p[par1] >= lo1 && p[par1] <= hi1))
        return nd_fail(err, ND_EINVAL, "%s = %g is outside its range %g:%g: the diagram in %s is computed at that value",
                       m->par_names[par1], p[par1], lo1, hi1, m->par_names[par2]);
    if (m->n_vars > 64) return nd_fail(err, ND_EINVAL, "two-parameter diagram: %zu variables, at most 64", m->n_vars);
    *d = (nd_codim2_diagram){.m = m, .par = {par1, par2}, .lo = {lo1, lo2}, .hi = {hi1, hi2}};
    diagram_work w = {.d = d};
    if (o && (!(o->h0 >= 0 && o->h0 <= 1) || !(o->h_max >= 0 && o->h_max <= 1)))
        return nd_fail(err, ND_EINVAL, "two-parameter diagram: steps are fractions of the box in (0, 1] (h0 %g, h_max %g)",
                       o->h0, o->h_max);
    nd_status st = set_up(&w, m, p, r, o, err);
    if (!st) st = from_the_starting_diagram(&w, p, err);
    if (!st) st = switch_at_bogdanov_takens(&w, err);
    if (!st) st = merge_points(&w, err);
    nd_fold_curve_free(&w.fold);
    nd_hopf_curve_free(&w.hopf);
    if (st) nd_codim2_diagram_free(d);
    return st;
}
