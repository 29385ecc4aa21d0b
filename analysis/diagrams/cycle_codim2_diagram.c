/* The cycle curves of a two-parameter diagram (include/neurodyn/cycle_codim2.h): the cycle
 * branches in P2 from the Hopf points of the starting diagram (at the current P1) and through the
 * stable cycles simulated at `scan` values, and every fold of cycles (LPC), period doubling (PD)
 * and Neimark-Sacker point (NS) on them continued as an LPC, PD or NS curve in (P1, P2), both
 * ways, until the box. A curve keeps the mesh of its start (the one-parameter run's adapted mesh there) and the
 * one-parameter run's ntst x ncol. Each curve once: a start lying on a computed curve is dropped
 * (a curve through both folds of one branch, the two sides of a cusp of cycles, is met twice).
 *
 * Units: the continuer works in the box's units, as the one-parameter cycle branches do: the
 * orbit's L2 norm with every variable over its box width, ln T, P1 and P2 over their ranges. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/cycle_codim2.h"

#define ND_CC2_SAME 1e-4 /* a start within this (box units, and relative period) of a curve is on it */

void nd_cycle_codim2_free(nd_cycle_codim2 *cc)
{
    if (!cc) return;
    for (size_t i = 0; i < cc->n; i++) {
        nd_branch_free(&cc->curves[i].branch);
        free(cc->curves[i].xmax), free(cc->curves[i].xmin), free(cc->curves[i].special_xmax);
    }
    free(cc->curves);
    nd_cycle_set_free(&cc->cycles);
    memset(cc, 0, sizeof *cc);
}

double nd_cycle_codim2_par(const nd_cycle_codim2_curve *c, const double *u, int which)
{
    return which ? u[c->N - 1] : u[c->N]; /* the cycle's own parameter is P2; u[N] is P1 */
}

double nd_cycle_codim2_period(const nd_cycle_codim2_curve *c, const double *u)
{
    return exp(u[c->N - 2]);
}

const char *nd_cycle_codim2_kind_name(int kind)
{
    return kind == ND_CYCLE_CODIM2_LPC ? "LPC" : kind == ND_CYCLE_CODIM2_PD ? "PD" : kind == ND_CYCLE_CODIM2_NS ? "NS" : "?";
}

const char *nd_cycle_codim2_special_name(int kind, int test)
{
    static const char *lpc[] = {"CPC", "LPPD", "LPNS"}, *pd[] = {"R2", "LPPD", "PDNS", "GPD"},
                      *ns[] = {"R1", "R2", "R3", "R4", "LPNS", "PDNS"};
    if (kind == ND_CYCLE_CODIM2_NS) return test >= 0 && test < 6 ? ns[test] : "?";
    if ((kind != ND_CYCLE_CODIM2_LPC && kind != ND_CYCLE_CODIM2_PD) || test < 0 || test > (kind == ND_CYCLE_CODIM2_PD ? 3 : 2))
        return "?";
    return kind == ND_CYCLE_CODIM2_PD ? pd[test] : lpc[test];
}

/* Whether (P1, P2, T) lies on a computed curve: within ND_CC2_SAME of one of its segments in box
 * units, with the period there within ND_CC2_SAME relative. */
static int on_a_curve(const nd_cycle_codim2 *cc, const nd_codim2_diagram *d, int kind, double p1, double p2, double T)
{
    double w1 = d->hi[0] - d->lo[0], w2 = d->hi[1] - d->lo[1];
    for (size_t c = 0; c < cc->n; c++) {
        const nd_cycle_codim2_curve *cv = &cc->curves[c];
        if (cv->kind != kind) continue;
        const nd_branch *b = &cv->branch;
        for (size_t i = 0; i + 1 < b->n; i++) {
            const double *u = b->u + i * b->dim, *v = u + b->dim;
            double ax = nd_cycle_codim2_par(cv, u, 0) / w1, ay = nd_cycle_codim2_par(cv, u, 1) / w2;
            double bx = nd_cycle_codim2_par(cv, v, 0) / w1, by = nd_cycle_codim2_par(cv, v, 1) / w2;
            double px = p1 / w1, py = p2 / w2, dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
            double t = l2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / l2 : 0.0;
            t = fmin(1.0, fmax(0.0, t));
            double ex = ax + t * dx - px, ey = ay + t * dy - py;
            double Tc = (1 - t) * nd_cycle_codim2_period(cv, u) + t * nd_cycle_codim2_period(cv, v);
            if (sqrt(ex * ex + ey * ey) < ND_CC2_SAME && fabs(Tc - T) < ND_CC2_SAME * T) return 1;
        }
    }
    return 0;
}

/* The continuation options of an LPC curve (lo/hi/scale: dim values, caller-owned). */
static void lpc_opts(const nd_cycle2_curve *lc, const nd_codim2_diagram *d, const nd_region *r, const nd_codim2_opts *o,
                     nd_cont_opts *co, double *lo, double *hi, double *scale)
{
    size_t N = lc->N, k = lc->cyc.k, nodes = (N - 2) / k;
    nd_cycle_set_opts_init(co);
    co->h_max = o && o->h_max > 0 ? o->h_max : 0.02;
    co->h0 = o && o->h0 > 0 ? fmin(o->h0, co->h_max) : fmin(0.002, co->h_max / 10);
    co->max_points = o && o->max_points ? o->max_points : (size_t)ceil(20 / co->h_max);
    for (size_t i = 0; i <= N; i++) lo[i] = -INFINITY, hi[i] = INFINITY;
    for (size_t g = 0; g < nodes; g++)
        for (size_t a = 0; a < k; a++) {
            size_t v = lc->cyc.free_idx[a];
            double w = r && r->lo && r->hi ? r->hi[v] - r->lo[v] : 1.0;
            scale[g * k + a] = w > 0 && isfinite(w) ? w : 1.0;
        }
    scale[N - 2] = 1.0;
    lo[N - 1] = d->lo[1], hi[N - 1] = d->hi[1], scale[N - 1] = d->hi[1] - d->lo[1];
    lo[N] = d->lo[0], hi[N] = d->hi[0], scale[N] = d->hi[0] - d->lo[0];
    co->lo = lo, co->hi = hi, co->scale = scale;
}

/* The extrema of every point and special point of curve cv (computed with lc). */
static nd_status describe_curve(nd_cycle2_curve *lc, nd_cycle_codim2_curve *cv, const nd_model *m, const nd_region *r,
                                nd_error *err)
{
    const nd_branch *b = &cv->branch;
    size_t nv = m->n_vars;
    cv->xmax = malloc((b->n * nv + 1) * sizeof *cv->xmax), cv->xmin = malloc((b->n * nv + 1) * sizeof *cv->xmin);
    cv->special_xmax = malloc((b->n_special * nv + 1) * sizeof *cv->special_xmax);
    if (!cv->xmax || !cv->xmin || !cv->special_xmax) return nd_fail(err, ND_ENOMEM, "cycle curves: no memory");
    for (size_t i = 0; i < b->n + b->n_special; i++) {
        const double *u = i < b->n ? b->u + i * b->dim : b->special[i - b->n].u;
        double *xmax = i < b->n ? cv->xmax + i * nv : cv->special_xmax + (i - b->n) * nv;
        double *xmin = i < b->n ? cv->xmin + i * nv : NULL;
        const nd_cycle_info *in = NULL;
        int ok = !nd_cycle2_curve_describe(lc, u, &in, NULL);
        for (size_t v = 0; v < nv; v++) {
            double at = r && r->fixed && r->fixed[v] && r->at ? r->at[v] : NAN;
            xmax[v] = at;
            if (xmin) xmin[v] = at;
        }
        for (size_t a = 0; ok && a < lc->cyc.k; a++) {
            xmax[lc->cyc.free_idx[a]] = in->xmax[a];
            if (xmin) xmin[lc->cyc.free_idx[a]] = in->xmin[a];
        }
    }
    return ND_OK;
}

/* The LPC, PD or NS curve (kind) from special point s of branch i of the cycle set; appended to cc (a
 * failure is counted). */
static nd_status curve_from(nd_cycle_codim2 *cc, const nd_codim2_diagram *d, const double *p, const nd_region *r,
                            const nd_codim2_opts *o, int kind, size_t i, size_t s, nd_error *err)
{
    const nd_cycle_curve *from = &cc->cycles.curve[i];
    const nd_branch *b = &cc->cycles.branch[i];
    const nd_special_point *sp = &b->special[s];
    if (on_a_curve(cc, d, kind, p[d->par[0]], sp->data[1], sp->data[0])) {
        cc->n_dropped++;
        return ND_OK;
    }
    nd_cycle2_curve lc;
    nd_error e;
    double *q = malloc(d->m->n_pars * sizeof *q);
    if (!q) return nd_fail(err, ND_ENOMEM, "cycle curves: no memory");
    memcpy(q, p, d->m->n_pars * sizeof *q);
    nd_status st = nd_cycle2_curve_init(&lc, kind, d->m, q, d->par[1], d->par[0], r, from->ntst, from->ncol, &e);
    free(q);
    size_t dim = st ? 0 : lc.type.dim;
    double *z0 = st ? NULL : malloc(4 * dim * sizeof *z0);
    if (!st && !z0) st = nd_fail(&e, ND_ENOMEM, "cycle curves: no memory");
    nd_branch half[2];
    if (!st) st = nd_cycle2_curve_start(&lc, from, b, s, z0, &e);
    if (!st) {
        nd_cont_opts co;
        lpc_opts(&lc, d, r, o, &co, z0 + dim, z0 + 2 * dim, z0 + 3 * dim);
        st = nd_cycle2_curve_continue(&lc, z0, &co, half, &e);
    }
    nd_cycle_codim2_curve cv = {.kind = kind, .N = dim ? dim - 1 : 0};
    if (!st) {
        st = nd_branch_join(&half[1], &half[0], &cv.branch, &e);
        nd_branch_free(&half[0]), nd_branch_free(&half[1]);
    }
    if (!st) st = describe_curve(&lc, &cv, d->m, r, &e);
    free(z0);
    nd_cycle2_curve_free(&lc);
    if (st == ND_ENOMEM || st == ND_ESTOPPED) {
        nd_branch_free(&cv.branch), free(cv.xmax), free(cv.xmin), free(cv.special_xmax);
        if (err) *err = e;
        return st;
    }
    if (st) {
        nd_branch_free(&cv.branch), free(cv.xmax), free(cv.xmin), free(cv.special_xmax);
        cc->n_failed++;
        snprintf(cc->failure, sizeof cc->failure, "no %s curve from the %s at %.20s = %.8g: %.90s",
                 nd_cycle_codim2_kind_name(kind),
                 kind == ND_CYCLE_CODIM2_PD ? "period doubling" : kind == ND_CYCLE_CODIM2_NS ? "Neimark-Sacker point" : "fold of cycles",
                 d->m->par_names[d->par[1]], sp->data[1], e.msg);
        return ND_OK;
    }
    nd_cycle_codim2_curve *grown = realloc(cc->curves, (cc->n + 1) * sizeof *grown);
    if (!grown) {
        nd_branch_free(&cv.branch), free(cv.xmax), free(cv.xmin), free(cv.special_xmax);
        return nd_fail(err, ND_ENOMEM, "cycle curves: no memory");
    }
    cc->curves = grown;
    cc->curves[cc->n++] = cv;
    return ND_OK;
}

nd_status nd_cycle_curves_2d(const nd_codim2_diagram *d, const double *p, const nd_region *r,
                             const nd_codim2_opts *o, size_t scan, nd_cycle_codim2 *out, nd_error *err)
{
    if (!out) return nd_fail(err, ND_EINVAL, "cycle curves: result is NULL");
    memset(out, 0, sizeof *out);
    if (!d || !d->m || !p) return nd_fail(err, ND_EINVAL, "cycle curves: NULL argument");
    if (d->start.n_free < 2) return ND_OK; /* no cycles in one free variable */
    nd_cycle_set_opts_init(&out->cycles.opts);
    nd_status st = nd_cycles_from_hopf(&d->start, p, r, d->lo[1], d->hi[1], &out->cycles, err);
    if (!st && scan) st = nd_cycles_from_scan(&d->start, p, r, d->lo[1], d->hi[1], scan, &out->cycles, err);
    for (size_t i = 0; !st && i < out->cycles.n; i++)
        for (size_t s = 0; !st && s < out->cycles.branch[i].n_special; s++) {
            int t = out->cycles.branch[i].special[s].test;
            int kind = t == ND_CYC_PD ? ND_CYCLE_CODIM2_PD : t == ND_CYC_NS ? ND_CYCLE_CODIM2_NS : ND_CYCLE_CODIM2_LPC;
            if (t == ND_CYC_LPC || t == ND_CYC_PD || t == ND_CYC_NS) st = curve_from(out, d, p, r, o, kind, i, s, err);
        }
    if (st) nd_cycle_codim2_free(out);
    return st;
}
