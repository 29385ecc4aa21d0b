/* The model at a point of a two-parameter family, shared by the fold and Hopf curves
 * (include/neurodyn/codim2.h): state expansion, the Jacobian, multilinear forms by finite
 * differences, both halves of a curve, and the check that a located zero is genuine. The
 * normal-form coefficients built on the forms are in normal_forms.c. */
#include <complex.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_complex_math.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "neurodyn/codim2.h"

#define KMAX 64

nd_status nd_codim2_sys_init(nd_codim2_sys *s, const nd_model *m, const double *p, int par1, int par2,
                             const nd_region *region, nd_error *err)
{
    memset(s, 0, sizeof *s);
    nd_status st = nd_model_validate(m, err);
    if (st) return st;
    if (!p) return nd_fail(err, ND_EINVAL, "codim-2 curve: the parameter vector is NULL");
    if (par1 < 0 || (size_t)par1 >= m->n_pars)
        return nd_fail(err, ND_EINVAL, "codim-2 curve: parameter index %d is out of range for %s", par1, m->name);
    /* par2 = -1: a single parameter (the Lyapunov coefficients of a one-parameter branch) */
    if (par2 < -1 || par2 >= (int)m->n_pars)
        return nd_fail(err, ND_EINVAL, "codim-2 curve: parameter index %d is out of range for %s", par2, m->name);
    if (par1 == par2)
        return nd_fail(err, ND_EINVAL, "codim-2 curve: the two parameters are the same (%s)", m->par_names[par1]);
    size_t n = m->n_vars;
    if (region && region->fixed)
        for (size_t i = 0; i < n; i++)
            if (region->fixed[i] && (!region->at || !isfinite(region->at[i])))
                return nd_fail(err, ND_EINVAL, "fixed variable %s has no finite value", m->var_names[i]);
    s->m = m, s->par[0] = par1, s->par[1] = par2;
    s->p = malloc(m->n_pars * sizeof *s->p);
    s->free_idx = malloc(n * sizeof *s->free_idx);
    s->x = malloc((2 * n + n * n) * sizeof *s->x);
    if (!s->p || !s->free_idx || !s->x) {
        nd_codim2_sys_free(s);
        return nd_fail(err, ND_ENOMEM, "codim-2 curve: no memory");
    }
    memcpy(s->p, p, m->n_pars * sizeof *s->p);
    s->f = s->x + n, s->J = s->x + 2 * n;
    if (region) s->region = *region;
    for (size_t i = 0; i < n; i++) {
        int fixed = region && region->fixed && region->fixed[i];
        s->x[i] = fixed ? region->at[i] : (m->init ? m->init[i] : 0.0);
        if (!fixed) s->free_idx[s->k++] = i;
    }
    if (s->k == 0 || s->k > 61) {
        size_t k = s->k;
        nd_codim2_sys_free(s);
        return nd_fail(err, ND_EINVAL, "codim-2 curve: %zu free variables (1..61 supported)", k);
    }
    return ND_OK;
}

void nd_codim2_sys_free(nd_codim2_sys *s)
{
    if (!s) return;
    free(s->p);
    free(s->free_idx);
    free(s->x);
    memset(s, 0, sizeof *s);
}

const char *nd_codim2_component_name(const nd_codim2_sys *s, size_t i, size_t extra, int *is_parameter)
{
    *is_parameter = i >= s->k + extra;
    if (i < s->k) return s->m->var_names[s->free_idx[i]];
    if (i < s->k + extra) return "kappa";
    int par = s->par[i - s->k - extra];
    return par >= 0 ? s->m->par_names[par] : NULL;
}

void nd_codim2_sys_set(nd_codim2_sys *s, const double *x_free, double p1, double p2)
{
    for (size_t a = 0; a < s->k; a++) s->x[s->free_idx[a]] = x_free[a];
    s->p[s->par[0]] = p1;
    if (s->par[1] >= 0) s->p[s->par[1]] = p2;
}

/* f (free components) at the current state displaced by dz (free coordinates, may be NULL). */
static int f_free(nd_codim2_sys *s, const double *dz, double *out)
{
    double save[KMAX];
    size_t k = s->k;
    if (dz)
        for (size_t a = 0; a < k; a++) save[a] = s->x[s->free_idx[a]], s->x[s->free_idx[a]] += dz[a];
    s->m->rhs(0.0, s->x, s->p, s->f);
    if (dz)
        for (size_t a = 0; a < k; a++) s->x[s->free_idx[a]] = save[a];
    int ok = 1;
    for (size_t a = 0; a < k; a++) {
        out[a] = s->f[s->free_idx[a]];
        if (!isfinite(out[a])) ok = 0;
    }
    return ok ? 0 : -1;
}

nd_status nd_codim2_rhs(nd_codim2_sys *s, double *F, nd_error *err)
{
    if (f_free(s, NULL, F))
        return nd_fail(err, ND_ENONFINITE, "the right-hand side of %s is not finite on the codim-2 curve", s->m->name);
    return ND_OK;
}

nd_status nd_codim2_jacobian(nd_codim2_sys *s, double *A, nd_error *err)
{
    size_t k = s->k, n = s->m->n_vars;
    if (s->m->jac) {
        s->m->jac(0.0, s->x, s->p, s->J);
        for (size_t a = 0; a < k; a++)
            for (size_t b = 0; b < k; b++) A[a * k + b] = s->J[s->free_idx[a] * n + s->free_idx[b]];
    } else { /* fourth-order central differences: (f(-2h) - 8 f(-h) + 8 f(h) - f(2h)) / 12h */
        double dz[KMAX] = {0}, f1[KMAX], f2[KMAX], f3[KMAX], f4[KMAX];
        for (size_t b = 0; b < k; b++) {
            double h = pow(DBL_EPSILON, 0.2) * fmax(1.0, fabs(s->x[s->free_idx[b]]));
            int bad = 0;
            dz[b] = -2 * h, bad |= f_free(s, dz, f1);
            dz[b] = -h, bad |= f_free(s, dz, f2);
            dz[b] = h, bad |= f_free(s, dz, f3);
            dz[b] = 2 * h, bad |= f_free(s, dz, f4);
            dz[b] = 0;
            if (bad) break;
            for (size_t a = 0; a < k; a++) A[a * k + b] = (f1[a] - 8 * f2[a] + 8 * f3[a] - f4[a]) / (12 * h);
        }
    }
    for (size_t i = 0; i < k * k; i++)
        if (!isfinite(A[i]))
            return nd_fail(err, ND_ENONFINITE, "the Jacobian of %s is not finite on the codim-2 curve", s->m->name);
    return ND_OK;
}

/* ---- multilinear forms ---------------------------------------------------------------------- */
/* Central stencils (offsets -3..3 in units of h) for the k-th derivative of phi(t) = f(x + t w):
 * fourth order for k = 2, 3, 4; second order for k = 5 (made fourth order by Richardson). */
static const double stencil[6][7] = {
    {0},
    {0},
    {0, -1.0 / 12, 16.0 / 12, -30.0 / 12, 16.0 / 12, -1.0 / 12, 0},
    {1.0 / 8, -1.0, 13.0 / 8, 0, -13.0 / 8, 1.0, -1.0 / 8},
    {-1.0 / 6, 2.0, -13.0 / 2, 28.0 / 3, -13.0 / 2, 2.0, -1.0 / 6},
    {-0.5, 2.0, -2.5, 0, 2.5, -2.0, 0.5},
};

/* One stencil application with step h along w. */
static int stencil_apply(nd_codim2_sys *s, int order, const double *w, double h, double *out)
{
    size_t k = s->k;
    double dz[KMAX], fv[KMAX];
    memset(out, 0, k * sizeof *out);
    for (int j = 0; j < 7; j++) {
        double cj = stencil[order][j];
        if (cj == 0) continue;
        for (size_t a = 0; a < k; a++) dz[a] = (j - 3) * h * w[a];
        if (f_free(s, dz, fv)) return -1;
        for (size_t a = 0; a < k; a++) out[a] += cj * fv[a];
    }
    double hk = pow(h, order);
    for (size_t a = 0; a < k; a++) out[a] /= hk;
    return 0;
}

/* T_k(w) = D^k f [w, ..., w]: the step is eps^(1/(k+4)) in units of max(1, |x_i|) along the
 * coordinate where w is largest relative to that scale. */
static int directional(nd_codim2_sys *s, int order, const double *w, double *out)
{
    size_t k = s->k;
    double rel = 0;
    for (size_t a = 0; a < k; a++) rel = fmax(rel, fabs(w[a]) / fmax(1.0, fabs(s->x[s->free_idx[a]])));
    if (!(rel > 0)) {
        memset(out, 0, k * sizeof *out);
        return 0;
    }
    double h = pow(DBL_EPSILON, 1.0 / (order + 4)) / rel;
    if (order < 5) return stencil_apply(s, order, w, h, out);
    double o1[KMAX], o2[KMAX];
    if (stencil_apply(s, 5, w, h, o1) || stencil_apply(s, 5, w, 2 * h, o2)) return -1;
    for (size_t a = 0; a < k; a++) out[a] = (4 * o1[a] - o2[a]) / 3;
    return 0;
}

/* Real symmetric form by polarisation: M(v1..vk) = 1/(k! 2^(k-1)) sum over e2..ek = +-1 of
 * e2...ek T_k(v1 + e2 v2 + ... + ek vk). */
static int real_form(nd_codim2_sys *s, int order, const double *const *v, double *out)
{
    size_t k = s->k;
    double w[KMAX], t[KMAX];
    memset(out, 0, k * sizeof *out);
    double fact = 1;
    for (int i = 2; i <= order; i++) fact *= i;
    for (unsigned mask = 0; mask < (1u << (order - 1)); mask++) {
        double sign = 1;
        for (size_t a = 0; a < k; a++) w[a] = v[0][a];
        for (int i = 1; i < order; i++) {
            double e = (mask >> (i - 1)) & 1 ? -1.0 : 1.0;
            sign *= e;
            for (size_t a = 0; a < k; a++) w[a] += e * v[i][a];
        }
        if (directional(s, order, w, t)) return -1;
        for (size_t a = 0; a < k; a++) out[a] += sign * t[a];
    }
    double scale = fact * (double)(1u << (order - 1));
    for (size_t a = 0; a < k; a++) out[a] /= scale;
    return 0;
}

nd_status nd_codim2_form(nd_codim2_sys *s, int order, const double *const *v, double *out, nd_error *err)
{
    if (order < 2 || order > 5) return nd_fail(err, ND_EINVAL, "multilinear form: order %d (2..5 supported)", order);
    if (real_form(s, order, v, out))
        return nd_fail(err, ND_ENONFINITE, "multilinear form: the right-hand side of %s is not finite near the point",
                       s->m->name);
    return ND_OK;
}


nd_status nd_codim2_continue_both(const nd_curve_type *type, nd_status (*reset)(void *curve, const double *u, nd_error *err),
                                  void *curve, const double *u0, const nd_cont_opts *o, nd_branch out[2], nd_error *err)
{
    if (!out) return nd_fail(err, ND_EINVAL, "%s curve: out is NULL", type->name);
    memset(out, 0, 2 * sizeof *out);
    nd_cont_opts opt;
    if (o) opt = *o;
    else nd_cont_opts_init(&opt);
    for (int i = 0; i < 2; i++) {
        opt.direction = i ? -1 : 1;
        nd_status st = reset(curve, u0, err); /* borders from u0 for each half */
        if (!st) st = nd_continue(type, u0, NULL, &opt, &out[i], err);
        if (st) {
            nd_branch_free(&out[0]);
            return st;
        }
    }
    return ND_OK;
}

int nd_codim2_genuine_zero(const nd_curve_type *type, int (*values)(void *curve, const double *u, double *psi),
                           void *curve, int t, const double *u, const double *v)
{
    size_t N = type->dim;
    double *up = malloc(2 * N * sizeof *up), p0[ND_CONT_MAX_TESTS], pp[ND_CONT_MAX_TESTS], pm[ND_CONT_MAX_TESTS];
    if (!up) return 0;
    double *um = up + N, scale = 1;
    for (size_t i = 0; i < N; i++) scale = fmax(scale, fabs(u[i]));
    double d = 1e-5 * scale;
    for (size_t i = 0; i < N; i++) up[i] = u[i] + d * v[i], um[i] = u[i] - d * v[i];
    int bad = values(curve, u, p0) || values(curve, up, pp) || values(curve, um, pm);
    free(up);
    if (bad) return 0;
    return pp[t] * pm[t] < 0 && fabs(p0[t]) <= 0.1 * fmin(fabs(pp[t]), fabs(pm[t]));
}
