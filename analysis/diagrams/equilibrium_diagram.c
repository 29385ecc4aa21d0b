/* One-parameter equilibrium diagrams: every equilibrium at the start of the range continued
 * through the box, and the other branch through every branch point. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_linalg.h>

#include "neurodyn/continuation.h"

void nd_bif_diagram_free(nd_bif_diagram *d)
{
    if (!d) return;
    for (size_t i = 0; i < d->n_branches; i++) nd_branch_free(&d->branches[i]);
    free(d->branches);
    free(d->from_bp);
    free(d->free_idx);
    memset(d, 0, sizeof *d);
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

/* Whether the point u (N values) lies on an existing branch: within tol of one of its points,
 * distances scaled by the box. */
static int on_a_branch(const nd_bif_diagram *d, const double *u, size_t N, const double *lo, const double *hi)
{
    for (size_t b = 0; b < d->n_branches; b++) {
        const nd_branch *br = &d->branches[b];
        for (size_t i = 0; i < br->n; i++) {
            double dist = 0.0;
            for (size_t j = 0; j < N; j++) dist = fmax(dist, fabs(br->u[i * N + j] - u[j]) / (hi[j] - lo[j]));
            if (dist < 1e-4) return 1;
        }
    }
    return 0;
}

/* The direction of the other branch at a branch point: the null vector of [J; v^T] (singular
 * there), from the SVD. */
static int second_direction(nd_eq_curve *c, const double *u, const double *v, double *w)
{
    size_t N = c->type.dim;
    double B[65 * 65], V[65 * 65], S[65], work[65];
    if (c->type.jacobian(c, u, B, NULL)) return -1;
    memcpy(B + (N - 1) * N, v, N * sizeof *v);
    gsl_matrix_view Bm = gsl_matrix_view_array(B, N, N), Vm = gsl_matrix_view_array(V, N, N);
    gsl_vector_view Sv = gsl_vector_view_array(S, N), Wv = gsl_vector_view_array(work, N);
    if (gsl_linalg_SV_decomp(&Bm.matrix, &Vm.matrix, &Sv.vector, &Wv.vector)) return -1;
    for (size_t i = 0; i < N; i++) w[i] = V[i * N + (N - 1)]; /* smallest singular value last */
    return 0;
}

static nd_status follow_branch_points(nd_bif_diagram *d, nd_eq_curve *c, const nd_cont_opts *o, nd_error *err)
{
    size_t N = c->type.dim;
    for (size_t b = 0; b < d->n_branches && d->n_branches < 64; b++) {
        for (size_t s = 0; s < d->branches[b].n_special; s++) {
            nd_special_point sp = d->branches[b].special[s];
            if (sp.test != ND_EQ_BP) continue;
            const nd_branch *br = &d->branches[b];
            double v[65], w[65], u0[65];
            size_t i = sp.after + 1 < br->n ? sp.after + 1 : sp.after;
            for (size_t j = 0; j < N; j++) v[j] = br->u[i * N + j] - br->u[sp.after * N + j];
            double nv = 0;
            for (size_t j = 0; j < N; j++) nv += v[j] * v[j];
            if (!(nv > 0)) continue;
            for (size_t j = 0; j < N; j++) v[j] /= sqrt(nv);
            if (second_direction(c, sp.u, v, w)) continue;
            for (int sign = -1; sign <= 1; sign += 2) { /* both halves of the crossing branch */
                double ws[65];
                for (size_t j = 0; j < N; j++) ws[j] = sign * w[j], u0[j] = sp.u[j] + 10 * o->h_min * ws[j];
                nd_branch nb;
                if (nd_continue(&c->type, u0, ws, o, &nb, NULL)) continue;
                nd_status st = add_branch(d, &nb, (int)b, err);
                if (st) return st;
            }
        }
    }
    return ND_OK;
}

nd_status nd_bifurcation_1d(const nd_model *m, const double *p, int par, double p_lo, double p_hi,
                            const nd_region *region, const nd_cont_opts *opts, nd_bif_diagram *d,
                            nd_error *err)
{
    if (!d) return nd_fail(err, ND_EINVAL, "diagram: result is NULL");
    memset(d, 0, sizeof *d);
    nd_status st = nd_model_validate(m, err);
    if (st) return st;
    if (par < 0 || (size_t)par >= m->n_pars)
        return nd_fail(err, ND_EINVAL, "parameter index %d is out of range for %s", par, m->name);
    if (!isfinite(p_lo) || !isfinite(p_hi) || !(p_lo < p_hi))
        return nd_fail(err, ND_EINVAL, "parameter range of %s is empty or inverted (%g:%g)", m->par_names[par], p_lo, p_hi);
    if ((st = nd_region_check(m, region, err))) return st;
    double *pp = malloc(m->n_pars * sizeof *pp);
    if (!pp) return nd_fail(err, ND_ENOMEM, "diagram: no memory");
    memcpy(pp, p, m->n_pars * sizeof *pp);
    pp[par] = p_lo;
    nd_fp_result fr;
    if ((st = nd_fixed_points(m, pp, region, NULL, &fr, err))) {
        free(pp);
        return st;
    }
    d->m = m, d->par = par, d->n_start = fr.n, d->n_free = fr.n_free;
    nd_eq_curve c;
    if ((st = nd_eq_curve_init(&c, m, pp, par, region, err))) {
        nd_fp_result_free(&fr), free(pp);
        return st;
    }
    size_t k = c.k, N = k + 1;
    d->free_idx = malloc(k * sizeof *d->free_idx);
    double lo[65], hi[65];
    for (size_t a = 0; a < k; a++) {
        d->free_idx[a] = c.free_idx[a];
        lo[a] = region->lo[c.free_idx[a]], hi[a] = region->hi[c.free_idx[a]];
    }
    lo[k] = p_lo, hi[k] = p_hi;
    nd_cont_opts o;
    if (opts) o = *opts;
    else nd_cont_opts_init(&o), o.h_max = (p_hi - p_lo) / 50;
    double blo[65], bhi[65];
    memcpy(blo, lo, N * sizeof *lo), memcpy(bhi, hi, N * sizeof *hi);
    blo[k] = p_lo - 1e-12 * fmax(1.0, fabs(p_lo)); /* the start lies on the face */
    o.lo = blo, o.hi = bhi, o.direction = 1;
    if (!(o.h_max > 0)) o.h_max = (p_hi - p_lo) / 50;
    if (!(o.h0 > 0) || o.h0 > o.h_max) o.h0 = o.h_max / 10;
    for (size_t e = 0; !st && e < fr.n; e++) {
        double u0[65];
        for (size_t a = 0; a < k; a++) u0[a] = fr.points[e].x[c.free_idx[a]];
        u0[k] = p_lo;
        if (on_a_branch(d, u0, N, lo, hi)) continue; /* reached already through a fold */
        nd_branch b;
        nd_error e2;
        if (nd_continue(&c.type, u0, NULL, &o, &b, &e2)) continue;
        st = add_branch(d, &b, -1, err);
    }
    if (!st) st = follow_branch_points(d, &c, &o, err);
    nd_eq_curve_free(&c);
    nd_fp_result_free(&fr);
    free(pp);
    if (st) nd_bif_diagram_free(d);
    return st;
}
