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
            size_t j = s->free_idx[b];
            double w = s->m->var_lo && s->m->var_hi ? s->m->var_hi[j] - s->m->var_lo[j] : NAN;
            double floor_j = isfinite(w) && w > 0 ? 0.01 * w : 1.0; /* as nd_jacobian_fd: units-free */
            double h = pow(DBL_EPSILON, 0.2) * fmax(floor_j, fabs(s->x[j]));
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
/* Second-order central stencils (offsets -3..3 in units of h) for the k-th derivative of
 * phi(t) = f(x + t w). Their error is a series in h^2, which Richardson's extrapolation removes
 * term by term. */
static const double stencil[6][7] = {
    {0},
    {0},
    {0, 0, 1, -2, 1, 0, 0},
    {0, -0.5, 1, 0, -1, 0.5, 0},
    {0, 1, -4, 6, -4, 1, 0},
    {-0.5, 2, -2.5, 0, 2.5, -2, 0.5},
};

/* One stencil application with step h along w, and its rounding noise per component: eps
 * times the size of what f_a was computed from (the larger of |f_a(x_j)| and term[a]) times the
 * sum of |c_j|, over h^k; -1 where f is not finite. */
static int stencil_apply(nd_codim2_sys *s, int order, const double *w, double h, const double *term, double *out,
                         double *noise)
{
    size_t k = s->k;
    double dz[KMAX], fv[KMAX];
    memset(out, 0, k * sizeof *out);
    memset(noise, 0, k * sizeof *noise);
    for (int j = 0; j < 7; j++) {
        double cj = stencil[order][j];
        if (cj == 0) continue;
        for (size_t a = 0; a < k; a++) dz[a] = (j - 3) * h * w[a];
        if (f_free(s, dz, fv)) return -1;
        for (size_t a = 0; a < k; a++) out[a] += cj * fv[a], noise[a] += fabs(cj) * fmax(fabs(fv[a]), term[a]);
    }
    double hk = pow(h, order);
    for (size_t a = 0; a < k; a++) out[a] /= hk, noise[a] *= DBL_EPSILON / hk;
    return 0;
}

enum { RIDDERS_STEPS = 20 };

/* Best entries of a Ridders tableau, per component: the smallest error relative to the entry's
 * size (floored at 1e-3 of the largest component, so that a derivative that is zero in one
 * component is judged against the others), and the smallest absolute error, which is what is
 * returned for a component that no entry resolves (its derivative is below the rounding noise:
 * zero for every purpose here). */
typedef struct {
    double rel[KMAX], rel_value[KMAX];
    double abs[KMAX], abs_value[KMAX];
    int improved[KMAX]; /* the relative error improved at this step */
} ridders_best;

static void ridders_consider(ridders_best *b, size_t k, const double *value, const double *abs_err)
{
    double big = 0;
    for (size_t a = 0; a < k; a++) big = fmax(big, fabs(value[a]));
    for (size_t a = 0; a < k; a++) {
        double r = abs_err[a] / fmax(fmax(fabs(value[a]), 1e-3 * big), DBL_MIN);
        if (r < b->rel[a]) b->rel[a] = r, b->rel_value[a] = value[a], b->improved[a] = 1;
        if (abs_err[a] < b->abs[a]) b->abs[a] = abs_err[a], b->abs_value[a] = value[a];
    }
}

/* T_k(w) = D^k f [w, ..., w] by Ridders' method: the stencil at h0, h0/2, h0/4, ... extrapolated
 * to h = 0 in a Neville tableau. An entry's error is the largest of its differences from the
 * entries it was built from, from the entry of the same order one step larger, and twice the
 * rounding noise of its smallest step: three entries that agree by chance are rare, and an
 * entry below the noise is not trusted however well it agrees.
 * A fixed step cannot serve every model: it must be small against the distance over which f
 * bends (a sigmoid of slope 30 bends over 0.03, a model in volts over a few mV) and large
 * against rounding, and the model does not say which. Starting at the variables' own scale
 * (max(1, |x_i|)) and halving, the tableau finds the steps where the differences are smooth.
 * Errors are judged relative to the entry: at steps far too large the differences of a
 * saturated f are small and so are their absolute changes. Where f is not finite at a step
 * (exp overflow, a square root of a negative number) the tableau starts again from the next
 * smaller one. */
static int directional(nd_codim2_sys *s, int order, const double *w, const double *term, double *out)
{
    size_t k = s->k;
    double rel = 0;
    for (size_t a = 0; a < k; a++) rel = fmax(rel, fabs(w[a]) / fmax(1.0, fabs(s->x[s->free_idx[a]])));
    memset(out, 0, k * sizeof *out);
    if (!(rel > 0)) return 0;
    double prev[RIDDERS_STEPS][KMAX], cur[RIDDERS_STEPS][KMAX], noise[KMAX], e[KMAX];
    ridders_best b;
    int stale[KMAX]; /* steps since the component's relative error last improved */
    for (size_t a = 0; a < k; a++)
        b.rel[a] = b.abs[a] = INFINITY, b.rel_value[a] = b.abs_value[a] = 0, b.improved[a] = 0, stale[a] = 0;
    int found = 0;
    size_t rows = 0; /* tableau rows since the last restart */
    double h = 1.0 / rel;
    for (int i = 0; i < RIDDERS_STEPS; i++, h *= 0.5) {
        if (stencil_apply(s, order, w, h, term, cur[0], noise)) {
            rows = 0;
            continue;
        }
        if (!found) memcpy(out, cur[0], k * sizeof *out); /* kept if no level has a neighbour */
        found = 1;
        double fac = 4.0;
        for (size_t j = 1; j < rows; j++, fac *= 4.0) {
            for (size_t a = 0; a < k; a++) {
                cur[j][a] = (fac * cur[j - 1][a] - prev[j - 1][a]) / (fac - 1.0);
                e[a] = fmax(fmax(fabs(cur[j][a] - cur[j - 1][a]), fabs(cur[j][a] - prev[j - 1][a])),
                            fmax(fabs(cur[j][a] - prev[j][a]), 2.0 * noise[a]));
            }
            ridders_consider(&b, k, cur[j], e);
        }
        if (rows > 0) /* the diagonal entry: no entry of its order one step larger to check it */
            for (size_t a = 0; a < k; a++) cur[rows][a] = (fac * cur[rows - 1][a] - prev[rows - 1][a]) / (fac - 1.0);
        /* a component is done when it is known to 1e-6 and three steps have not improved it
         * (smaller steps only add rounding), or when it is known to 1e-12 */
        int all_done = 1;
        for (size_t a = 0; a < k; a++) {
            stale[a] = b.improved[a] ? 0 : stale[a] + 1;
            b.improved[a] = 0;
            all_done &= (b.rel[a] < 1e-6 && stale[a] >= 3) || b.rel[a] < 1e-12;
        }
        if (all_done) break;
        memcpy(prev, cur, (rows + 1) * sizeof cur[0]);
        rows++;
    }
    if (!found) return -1;
    for (size_t a = 0; a < k; a++) {
        if (b.rel[a] < 0.1) out[a] = b.rel_value[a];
        else if (isfinite(b.abs[a])) out[a] = b.abs_value[a];
    }
    return 0;
}

/* Real symmetric form by polarisation: M(v1..vk) = 1/(k! 2^(k-1)) sum over e2..ek = +-1 of
 * e2...ek T_k(v1 + e2 v2 + ... + ek vk). */
static int real_form(nd_codim2_sys *s, int order, const double *const *v, const double *term, double *out)
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
        if (directional(s, order, w, term, t)) return -1;
        for (size_t a = 0; a < k; a++) out[a] += sign * t[a];
    }
    double scale = fact * (double)(1u << (order - 1));
    for (size_t a = 0; a < k; a++) out[a] /= scale;
    return 0;
}

nd_status nd_codim2_form(nd_codim2_sys *s, int order, const double *const *v, double *out, nd_error *err)
{
    if (order < 2 || order > 5) return nd_fail(err, ND_EINVAL, "multilinear form: order %d (2..5 supported)", order);
    /* the size of the terms f is summed from, sum_b |df_a/dx_b x_b|: near an equilibrium f
     * itself is small, its rounding is not (ML: I + gK w (V - EK) + ... = 0 from terms of 100) */
    double A[KMAX * KMAX], term[KMAX] = {0};
    if (s->k <= KMAX && nd_codim2_jacobian(s, A, NULL) == ND_OK)
        for (size_t a = 0; a < s->k; a++)
            for (size_t b = 0; b < s->k; b++) term[a] += fabs(A[a * s->k + b] * s->x[s->free_idx[b]]);
    if (real_form(s, order, v, term, out))
        return nd_fail(err, ND_ENONFINITE, "multilinear form: the right-hand side of %s is not finite near the point",
                       s->m->name);
    return ND_OK;
}


nd_status nd_codim2_power_form(nd_codim2_sys *s, int order, const double *w, double *out, nd_error *err)
{
    if (order < 2 || order > 5) return nd_fail(err, ND_EINVAL, "multilinear form: order %d (2..5 supported)", order);
    double A[KMAX * KMAX], term[KMAX] = {0};
    if (s->k <= KMAX && nd_codim2_jacobian(s, A, NULL) == ND_OK)
        for (size_t a = 0; a < s->k; a++)
            for (size_t b = 0; b < s->k; b++) term[a] += fabs(A[a * s->k + b] * s->x[s->free_idx[b]]);
    if (directional(s, order, w, term, out))
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
