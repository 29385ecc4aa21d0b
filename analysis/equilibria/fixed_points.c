/* Fixed points in a box: multi-start Newton (GSL hybridsj with the model's Jacobian) from
 * quasi-random seeds, NLopt global minimisation of |f|^2 as the fallback, merging of
 * duplicates, refinement to a scaled residual of 1e-12, and stability of each point. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multiroots.h>
#include <nlopt.h>

#include "neurodyn/analysis.h"

void nd_fp_opts_init(nd_fp_opts *o)
{
    memset(o, 0, sizeof *o);
    o->tol = 1e-12;
}

nd_status nd_region_check(const nd_model *m, const nd_region *r, nd_error *err)
{
    if (!r || !r->lo || !r->hi) return nd_fail(err, ND_EINVAL, "region: lo and hi are required");
    size_t free_vars = 0;
    for (size_t i = 0; i < m->n_vars; i++) {
        const char *v = m->var_names[i];
        if (r->fixed && r->fixed[i]) {
            if (!r->at || !isfinite(r->at[i]))
                return nd_fail(err, ND_EINVAL, "fixed variable %s has no finite value", v);
            continue;
        }
        free_vars++;
        if (!isfinite(r->lo[i]) || !isfinite(r->hi[i]))
            return nd_fail(err, ND_EINVAL, "range of %s (%g:%g) is not finite", v, r->lo[i], r->hi[i]);
        if (!(r->lo[i] < r->hi[i]))
            return nd_fail(err, ND_EINVAL, "range of %s is empty or inverted (%g:%g): give LO < HI", v,
                           r->lo[i], r->hi[i]);
    }
    if (!free_vars) return nd_fail(err, ND_EINVAL, "every variable of %s is fixed: nothing to solve for", m->name);
    return ND_OK;
}

/* ---- the problem restricted to the free variables ---------------------------------------------- */
typedef struct fp_problem {
    const nd_model *m;
    const double *p;
    const nd_region *r;
    size_t n, k;        /* model size, free size */
    size_t *free_idx;
    double *x, *f, *J;  /* full state, full RHS, full Jacobian scratch */
    nd_error *err;
} fp_problem;

static void expand(fp_problem *pb, const double *z)
{
    for (size_t i = 0; i < pb->n; i++)
        if (pb->r->fixed && pb->r->fixed[i]) pb->x[i] = pb->r->at[i];
    for (size_t a = 0; a < pb->k; a++) pb->x[pb->free_idx[a]] = z[a];
}

/* f on the free variables at z into out; 0 when finite. */
static int eval_f(fp_problem *pb, const double *z, double *out)
{
    expand(pb, z);
    pb->m->rhs(0.0, pb->x, pb->p, pb->f);
    int ok = 1;
    for (size_t a = 0; a < pb->k; a++) {
        out[a] = pb->f[pb->free_idx[a]];
        if (!isfinite(out[a])) ok = 0;
    }
    return ok ? 0 : -1;
}

/* The free block of the Jacobian at z into out (k x k). */
static int eval_jac(fp_problem *pb, const double *z, double *out)
{
    expand(pb, z);
    if (nd_jacobian(pb->m, 0.0, pb->x, pb->p, pb->J, NULL)) return -1;
    for (size_t a = 0; a < pb->k; a++)
        for (size_t b = 0; b < pb->k; b++) out[a * pb->k + b] = pb->J[pb->free_idx[a] * pb->n + pb->free_idx[b]];
    return 0;
}

/* max_i |f_i| / s_i with s_i = max(1, sum_j |J_ij x_j|): the residual relative to the size
 * of the terms that cancel in f_i, so models in mV and in units agree on "converged". */
static double scaled_residual(fp_problem *pb, const double *z, double *work)
{
    double *fz = work, *Jz = work + pb->k;
    if (eval_f(pb, z, fz) || eval_jac(pb, z, Jz)) return INFINITY;
    double worst = 0.0;
    for (size_t a = 0; a < pb->k; a++) {
        double s = 0.0;
        for (size_t b = 0; b < pb->k; b++) s += fabs(Jz[a * pb->k + b] * z[b]);
        worst = fmax(worst, fabs(fz[a]) / fmax(1.0, s));
    }
    return worst;
}

static int gsl_f(const gsl_vector *z, void *params, gsl_vector *out)
{
    fp_problem *pb = params;
    return eval_f(pb, z->data, out->data) ? GSL_EBADFUNC : GSL_SUCCESS;
}

static int gsl_df(const gsl_vector *z, void *params, gsl_matrix *J)
{
    fp_problem *pb = params;
    return eval_jac(pb, z->data, J->data) ? GSL_EBADFUNC : GSL_SUCCESS;
}

static int gsl_fdf(const gsl_vector *z, void *params, gsl_vector *out, gsl_matrix *J)
{
    int rc = gsl_f(z, params, out);
    return rc ? rc : gsl_df(z, params, J);
}

static int inside(const fp_problem *pb, const double *z)
{
    for (size_t a = 0; a < pb->k; a++) {
        size_t i = pb->free_idx[a];
        double lo = pb->r->lo[i], hi = pb->r->hi[i], slack = 1e-9 * (hi - lo);
        if (!(z[a] >= lo - slack && z[a] <= hi + slack)) return 0;
    }
    return 1;
}

/* Plain Newton steps with LU while the scaled residual keeps falling: to machine precision,
 * not just to tol (the caller checks tol). */
static double refine(fp_problem *pb, double *z, double *work)
{
    size_t k = pb->k;
    double *fz = work + k + k * k, *Jz = fz + k, res = scaled_residual(pb, z, work);
    gsl_permutation *perm = gsl_permutation_alloc(k);
    for (int it = 0; it < 8 && res > 0 && perm; it++) {
        if (eval_f(pb, z, fz) || eval_jac(pb, z, Jz)) break;
        gsl_matrix_view A = gsl_matrix_view_array(Jz, k, k);
        gsl_vector_view b = gsl_vector_view_array(fz, k);
        int sign;
        if (gsl_linalg_LU_decomp(&A.matrix, perm, &sign) || gsl_linalg_LU_svx(&A.matrix, perm, &b.vector)) break;
        double trial[64];
        for (size_t a = 0; a < k; a++) trial[a] = z[a] - fz[a];
        double r2 = scaled_residual(pb, trial, work);
        if (!(r2 < res)) break;
        memcpy(z, trial, k * sizeof *z), res = r2;
    }
    if (perm) gsl_permutation_free(perm);
    return res;
}

/* ---- seeds -------------------------------------------------------------------------------- */
static double radical_inverse(uint64_t i, unsigned base)
{
    double inv = 1.0 / base, f = inv, r = 0.0;
    for (; i; i /= base, f *= inv) r += f * (double)(i % base);
    return r;
}

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static const unsigned primes[64] = {
    2,   3,   5,   7,   11,  13,  17,  19,  23,  29,  31,  37,  41,  43,  47,  53,
    59,  61,  67,  71,  73,  79,  83,  89,  97,  101, 103, 107, 109, 113, 127, 131,
    137, 139, 149, 151, 157, 163, 167, 173, 179, 181, 191, 193, 197, 199, 211, 223,
    227, 229, 233, 239, 241, 251, 257, 263, 269, 271, 277, 281, 283, 293, 307, 311};

/* Seed j: a Halton point shifted modulo 1 by a per-dimension offset from the seed
 * (Cranley–Patterson rotation), mapped into the box. */
static void seed_point(const fp_problem *pb, size_t j, const double *shift, double *z)
{
    for (size_t a = 0; a < pb->k; a++) {
        double u = radical_inverse(j + 1, primes[a]) + shift[a];
        u -= floor(u);
        size_t i = pb->free_idx[a];
        z[a] = pb->r->lo[i] + u * (pb->r->hi[i] - pb->r->lo[i]);
    }
}

/* ---- collecting points ----------------------------------------------------------------------- */
typedef struct found {
    size_t n, cap;
    double *z; /* n x k */
} found;

static int is_duplicate(const fp_problem *pb, const found *fd, const double *z)
{
    for (size_t j = 0; j < fd->n; j++) {
        double d = 0.0;
        for (size_t a = 0; a < pb->k; a++) {
            size_t i = pb->free_idx[a];
            d = fmax(d, fabs(fd->z[j * pb->k + a] - z[a]) / (pb->r->hi[i] - pb->r->lo[i]));
        }
        if (d < 1e-7) return 1;
    }
    return 0;
}

static int add_point(const fp_problem *pb, found *fd, const double *z)
{
    if (is_duplicate(pb, fd, z)) return 0;
    if (fd->n == fd->cap) {
        size_t cap = fd->cap ? 2 * fd->cap : 8;
        double *q = realloc(fd->z, cap * pb->k * sizeof *q);
        if (!q) return -1;
        fd->z = q, fd->cap = cap;
    }
    memcpy(fd->z + fd->n * pb->k, z, pb->k * sizeof *z);
    fd->n++;
    return 0;
}

/* One Newton run from z; returns 1 with z at a root inside the box, 0 otherwise. */
static int newton_from(fp_problem *pb, gsl_multiroot_fdfsolver *s, double *z, double tol, double *work)
{
    gsl_multiroot_function_fdf fdf = {gsl_f, gsl_df, gsl_fdf, pb->k, pb};
    gsl_vector_view zv = gsl_vector_view_array(z, pb->k);
    if (gsl_multiroot_fdfsolver_set(s, &fdf, &zv.vector)) return 0;
    for (int it = 0; it < 100; it++) {
        if (gsl_multiroot_fdfsolver_iterate(s)) break;
        if (gsl_multiroot_test_residual(s->f, 1e-9) == GSL_SUCCESS) break;
    }
    memcpy(z, s->x->data, pb->k * sizeof *z);
    if (!inside(pb, z)) return 0;
    return refine(pb, z, work) <= tol;
}

static double nlopt_objective(unsigned k, const double *z, double *grad, void *data)
{
    fp_problem *pb = data;
    double fz[64];
    (void)grad;
    if (eval_f(pb, z, fz)) return 1e300;
    double s = 0.0;
    for (unsigned a = 0; a < k; a++) s += fz[a] * fz[a];
    return s;
}

/* Global minimisation of |f|^2 over the box (DIRECT-L, then BOBYQA locally). */
static int global_search(fp_problem *pb, double *z)
{
    size_t k = pb->k;
    double lo[64], hi[64], fmin = 0;
    for (size_t a = 0; a < k; a++) lo[a] = pb->r->lo[pb->free_idx[a]], hi[a] = pb->r->hi[pb->free_idx[a]];
    nlopt_opt g = nlopt_create(NLOPT_GN_DIRECT_L, (unsigned)k), l = nlopt_create(NLOPT_LN_BOBYQA, (unsigned)k);
    int ok = g && l;
    if (ok) {
        nlopt_set_lower_bounds(g, lo), nlopt_set_upper_bounds(g, hi);
        nlopt_set_min_objective(g, nlopt_objective, pb);
        nlopt_set_maxeval(g, (int)(2000 * k));
        for (size_t a = 0; a < k; a++) z[a] = 0.5 * (lo[a] + hi[a]);
        ok = nlopt_optimize(g, z, &fmin) > 0;
        nlopt_set_lower_bounds(l, lo), nlopt_set_upper_bounds(l, hi);
        nlopt_set_min_objective(l, nlopt_objective, pb);
        nlopt_set_ftol_abs(l, 1e-30);
        nlopt_set_maxeval(l, (int)(2000 * k));
        if (ok) nlopt_optimize(l, z, &fmin);
    }
    if (g) nlopt_destroy(g);
    if (l) nlopt_destroy(l);
    return ok;
}

/* ---- results ------------------------------------------------------------------------------- */
/* Orders points by the first free coordinate (insertion sort: a handful of points). */
static void sort_points(nd_fixed_point *pts, size_t n, size_t key)
{
    for (size_t i = 1; i < n; i++) {
        nd_fixed_point cur = pts[i];
        size_t j = i;
        for (; j > 0 && pts[j - 1].x[key] > cur.x[key]; j--) pts[j] = pts[j - 1];
        pts[j] = cur;
    }
}

static nd_status describe(fp_problem *pb, const double *z, nd_fixed_point *fp, double *work, nd_error *err)
{
    size_t n = pb->n, k = pb->k;
    fp->x = malloc(n * sizeof *fp->x);
    fp->eig_re = malloc(k * sizeof(double)), fp->eig_im = malloc(k * sizeof(double));
    fp->vec_re = malloc(k * k * sizeof(double)), fp->vec_im = malloc(k * k * sizeof(double));
    double *Jk = malloc(k * k * sizeof *Jk);
    nd_status st = ND_OK;
    if (!fp->x || !fp->eig_re || !fp->eig_im || !fp->vec_re || !fp->vec_im || !Jk) {
        st = nd_fail(err, ND_ENOMEM, "fixed points: no memory");
    } else {
        expand(pb, z);
        memcpy(fp->x, pb->x, n * sizeof *fp->x);
        fp->residual = scaled_residual(pb, z, work);
        if (eval_jac(pb, z, Jk)) st = nd_fail(err, ND_ENONFINITE, "fixed points: Jacobian not finite at an equilibrium");
        else st = nd_stability(k, Jk, fp->eig_re, fp->eig_im, fp->vec_re, fp->vec_im, &fp->type, &fp->stable, err);
    }
    free(Jk);
    return st;
}

void nd_fp_result_free(nd_fp_result *res)
{
    if (!res) return;
    for (size_t i = 0; i < res->n && res->points; i++) {
        nd_fixed_point *fp = &res->points[i];
        free(fp->x), free(fp->eig_re), free(fp->eig_im), free(fp->vec_re), free(fp->vec_im);
    }
    free(res->points);
    free(res->free_idx);
    memset(res, 0, sizeof *res);
}

/* The right-hand side was not finite at any seed: an error that shows where (the first seed). */
static nd_status nonfinite_everywhere(const fp_problem *pb, const double *z, size_t n_seeds, nd_error *err)
{
    char at[256] = "";
    for (size_t a = 0; a < pb->k && a < 4; a++) {
        size_t used = strlen(at);
        snprintf(at + used, sizeof at - used, "%s%s = %.6g", a ? ", " : "", pb->m->var_names[pb->free_idx[a]], z[a]);
    }
    return nd_fail(err, ND_ENONFINITE, "fixed points: the right-hand side of %s is not finite at any of the %zu seeds "
                   "in the box (e.g. at %s%s)", pb->m->name, n_seeds, at, pb->k > 4 ? ", ..." : "");
}

static nd_status search(fp_problem *pb, const nd_fp_opts *o, found *fd, nd_fp_result *res, nd_error *err)
{
    size_t k = pb->k;
    size_t n_seeds = o->n_seeds ? o->n_seeds : (size_t)fmin(4096.0, 64.0 * pow(2.0, (double)k));
    double tol = o->tol > 0 ? o->tol : 1e-12;
    double shift[64], z[64], fz[64];
    uint64_t s = o->seed;
    for (size_t a = 0; a < k; a++) shift[a] = (double)(splitmix64(&s) >> 11) * 0x1.0p-53;
    double *work = malloc((4 * k + 3 * k * k + 8) * sizeof *work);
    gsl_multiroot_fdfsolver *solver = gsl_multiroot_fdfsolver_alloc(gsl_multiroot_fdfsolver_hybridsj, k);
    if (!work || !solver) {
        free(work);
        if (solver) gsl_multiroot_fdfsolver_free(solver);
        return nd_fail(err, ND_ENOMEM, "fixed points: no memory for %zu free variables", k);
    }
    double first[64];
    for (size_t j = 0; j < n_seeds; j++) {
        seed_point(pb, j, shift, z);
        res->seeds_tried++;
        if (j == 0) memcpy(first, z, k * sizeof *z);
        if (eval_f(pb, z, fz)) {
            res->seeds_nonfinite++;
            continue;
        }
        if (!newton_from(pb, solver, z, tol, work)) continue;
        res->seeds_converged++;
        if (add_point(pb, fd, z)) {
            free(work), gsl_multiroot_fdfsolver_free(solver);
            return nd_fail(err, ND_ENOMEM, "fixed points: no memory");
        }
    }
    if (res->seeds_tried && res->seeds_nonfinite == res->seeds_tried) { /* not "no equilibrium": a broken RHS */
        free(work), gsl_multiroot_fdfsolver_free(solver);
        return nonfinite_everywhere(pb, first, res->seeds_tried, err);
    }
    if (fd->n == 0 && !o->no_fallback) {
        res->fallback_used = 1;
        if (global_search(pb, z) && newton_from(pb, solver, z, tol, work)) add_point(pb, fd, z);
    }
    free(work);
    gsl_multiroot_fdfsolver_free(solver);
    return ND_OK;
}

nd_status nd_fixed_points(const nd_model *m, const double *p, const nd_region *region,
                          const nd_fp_opts *opts, nd_fp_result *res, nd_error *err)
{
    if (!res) return nd_fail(err, ND_EINVAL, "fixed points: result is NULL");
    memset(res, 0, sizeof *res);
    nd_status st = nd_model_validate(m, err);
    if (st || (st = nd_region_check(m, region, err))) return st;
    if (!p && m->n_pars) return nd_fail(err, ND_EINVAL, "fixed points: parameter vector p is NULL");
    for (size_t i = 0; i < m->n_pars; i++)
        if (!isfinite(p[i])) return nd_fail(err, ND_EINVAL, "parameter %s = %g is not finite", m->par_names[i], p[i]);
    nd_fp_opts defaults;
    if (!opts) nd_fp_opts_init(&defaults), opts = &defaults;
    gsl_set_error_handler_off();
    size_t n = m->n_vars, k = 0;
    res->free_idx = malloc(n * sizeof *res->free_idx);
    double *scratch = malloc((2 * n + n * n) * sizeof *scratch);
    if (!res->free_idx || !scratch) {
        free(scratch);
        nd_fp_result_free(res);
        return nd_fail(err, ND_ENOMEM, "fixed points: no memory");
    }
    for (size_t i = 0; i < n; i++)
        if (!(region->fixed && region->fixed[i])) res->free_idx[k++] = i;
    if (k > 64) {
        free(scratch);
        nd_fp_result_free(res);
        return nd_fail(err, ND_EINVAL, "fixed points: %zu free variables, at most 64 are supported", k);
    }
    res->n_vars = n, res->n_free = k;
    fp_problem pb = {m, p, region, n, k, res->free_idx, scratch, scratch + n, scratch + 2 * n, err};
    found fd = {0};
    st = search(&pb, opts, &fd, res, err);
    if (!st && fd.n) {
        res->points = calloc(fd.n, sizeof *res->points);
        if (!res->points) st = nd_fail(err, ND_ENOMEM, "fixed points: no memory");
        double work[64 * 66 + 8];
        for (size_t j = 0; !st && j < fd.n; j++, res->n++)
            st = describe(&pb, fd.z + j * k, &res->points[j], work, err);
        if (!st) sort_points(res->points, res->n, res->free_idx[0]);
    }
    free(fd.z);
    free(scratch);
    if (st) nd_fp_result_free(res);
    return st;
}
