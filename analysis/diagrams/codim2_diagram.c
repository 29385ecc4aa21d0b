/* Two-parameter diagrams: every LP and H point of a one-parameter diagram continued as a fold
 * or Hopf curve in two parameters. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/codim2.h"

void nd_codim2_diagram_free(nd_codim2_diagram *d)
{
    if (!d) return;
    for (size_t i = 0; i < d->n; i++) nd_branch_free(&d->curves[i].branch);
    free(d->curves);
    nd_bif_diagram_free(&d->start);
    memset(d, 0, sizeof *d);
}

double nd_codim2_curve_par(const nd_codim2_curve *c, const double *u, int which)
{
    size_t off = c->k + (size_t)c->hopf;
    return which == 1 ? u[off] : u[off + 1];
}

const char *nd_codim2_special_name(int hopf, int test)
{
    static const char *lp[] = {"BT", "CP", "ZH"}, *h[] = {"BT", "GH", "ZH", "HH"};
    if (test < 0 || test >= (hopf ? 4 : 3)) return "?";
    return hopf ? h[test] : lp[test];
}

/* Whether (P1, P2) of a starting point already lies on a computed curve of the same kind. */
static int already_traced(const nd_codim2_diagram *d, int hopf, double a, double b)
{
    for (size_t i = 0; i < d->n; i++) {
        const nd_codim2_curve *c = &d->curves[i];
        if (c->hopf != hopf) continue;
        for (size_t j = 0; j < c->branch.n; j++) {
            const double *u = c->branch.u + j * c->branch.dim;
            double da = fabs(nd_codim2_curve_par(c, u, 0) - a) / (d->hi[0] - d->lo[0]);
            double db = fabs(nd_codim2_curve_par(c, u, 1) - b) / (d->hi[1] - d->lo[1]);
            if (da < 1e-6 && db < 1e-6) return 1;
        }
    }
    return 0;
}

/* The two halves of the curve through special point sp of the starting diagram. */
static nd_status trace_one(const nd_codim2_diagram *d, const double *p, const nd_region *r, const nd_special_point *sp,
                           int hopf, nd_branch half[2], nd_error *err)
{
    const nd_model *m = d->m;
    size_t k = d->start.n_free, off = k;
    double lo[70], hi[70], u0[70];
    for (size_t a = 0; a < k; a++) lo[a] = r->lo[d->start.free_idx[a]], hi[a] = r->hi[d->start.free_idx[a]];
    if (hopf) lo[off] = -1e300, hi[off] = 1e300, off++; /* kappa = omega^2 */
    lo[off] = d->lo[1], hi[off] = d->hi[1];
    lo[off + 1] = d->lo[0], hi[off + 1] = d->hi[0];
    nd_cont_opts o;
    nd_cont_opts_init(&o);
    o.lo = lo, o.hi = hi, o.max_points = 1000;
    o.h_max = 0.02 * fmin(d->hi[0] - d->lo[0], d->hi[1] - d->lo[1]);
    o.h0 = o.h_max / 10;
    nd_status st;
    if (hopf) {
        nd_hopf_curve hc;
        if ((st = nd_hopf_curve_init(&hc, m, p, d->par[1], d->par[0], r, err))) return st;
        st = nd_hopf_curve_start(&hc, sp->u, sp->data[0], u0, err);
        if (!st) st = nd_hopf_curve_continue(&hc, u0, &o, half, err);
        nd_hopf_curve_free(&hc);
    } else {
        nd_fold_curve fc;
        if ((st = nd_fold_curve_init(&fc, m, p, d->par[1], d->par[0], r, err))) return st;
        st = nd_fold_curve_start(&fc, sp->u, u0, err);
        if (!st) st = nd_fold_curve_continue(&fc, u0, &o, half, err);
        nd_fold_curve_free(&fc);
    }
    return st;
}

static nd_status add_halves(nd_codim2_diagram *d, int hopf, nd_branch half[2], nd_error *err)
{
    nd_codim2_curve *c = realloc(d->curves, (d->n + 2) * sizeof *c);
    if (!c) {
        nd_branch_free(&half[0]), nd_branch_free(&half[1]);
        return nd_fail(err, ND_ENOMEM, "two-parameter diagram: no memory");
    }
    d->curves = c;
    for (int h = 0; h < 2; h++) d->curves[d->n++] = (nd_codim2_curve){hopf, half[h], d->start.n_free};
    return ND_OK;
}

nd_status nd_bifurcation_2d(const nd_model *m, const double *p, int par1, double lo1, double hi1, int par2, double lo2,
                            double hi2, const nd_region *r, nd_codim2_diagram *d, nd_error *err)
{
    memset(d, 0, sizeof *d);
    if (!m || !p || !r) return nd_fail(err, ND_EINVAL, "two-parameter diagram: NULL argument");
    if (par1 < 0 || par2 < 0 || (size_t)par1 >= m->n_pars || (size_t)par2 >= m->n_pars || par1 == par2)
        return nd_fail(err, ND_EINVAL, "two-parameter diagram: need two different parameters (indices %d, %d)", par1, par2);
    if (!(lo1 < hi1) || !(lo2 < hi2))
        return nd_fail(err, ND_EINVAL, "two-parameter diagram: empty range %g:%g or %g:%g", lo1, hi1, lo2, hi2);
    if (!(p[par1] >= lo1 && p[par1] <= hi1))
        return nd_fail(err, ND_EINVAL, "%s = %g is outside its range %g:%g: the diagram in %s is computed at that value",
                       m->par_names[par1], p[par1], lo1, hi1, m->par_names[par2]);
    if (m->n_vars > 64) return nd_fail(err, ND_EINVAL, "two-parameter diagram: %zu variables, at most 64", m->n_vars);
    *d = (nd_codim2_diagram){.m = m, .par = {par1, par2}, .lo = {lo1, lo2}, .hi = {hi1, hi2}};
    nd_status st = nd_bifurcation_1d(m, p, par2, lo2, hi2, r, NULL, &d->start, err);
    const nd_bif_diagram *s = &d->start;
    for (size_t b = 0; !st && b < s->n_branches; b++)
        for (size_t i = 0; !st && i < s->branches[b].n_special; i++) {
            const nd_special_point *sp = &s->branches[b].special[i];
            int hopf = sp->test == ND_EQ_H;
            if (sp->test == ND_EQ_BP || already_traced(d, hopf, p[par1], sp->u[s->n_free])) continue;
            nd_branch half[2];
            nd_error e;
            nd_status one = trace_one(d, p, r, sp, hopf, half, &e);
            if (one == ND_ENOMEM) st = nd_fail(err, one, "%s", e.msg);
            else if (one) {
                d->n_failed++;
                snprintf(d->failure, sizeof d->failure, "the %s curve from %.40s = %g: %.120s", hopf ? "Hopf" : "fold",
                         m->par_names[par2], sp->u[s->n_free], e.msg);
            } else {
                st = add_halves(d, hopf, half, err);
            }
        }
    if (st) nd_codim2_diagram_free(d);
    return st;
}
