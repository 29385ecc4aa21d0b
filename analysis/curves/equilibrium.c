/* The equilibrium curve type: u = (free variables, parameter), F(u) = f(x, p). Test functions
 * (Kuznetsov, Elements of Applied Bifurcation Theory, 3rd ed., sec. 10.2; MatCont's equilibrium
 * curve): LP: the parameter component of the tangent; H: the product of the sums of all pairs
 * of eigenvalues (the bialternate-product determinant, zero at Hopf points and neutral saddles);
 * BP: det [J; v^T]. */
#include <complex.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_linalg.h>

#include "neurodyn/codim2.h"
#include "internal.h"
#include "neurodyn/continuation.h"

static void expand(nd_eq_curve *c, const double *u)
{
    for (size_t i = 0; i < c->m->n_vars; i++)
        if (c->region.fixed && c->region.fixed[i]) c->x[i] = c->region.at[i];
    for (size_t a = 0; a < c->k; a++) c->x[c->free_idx[a]] = u[a];
    c->p[c->par] = u[c->k];
}

static nd_status eq_residual(void *ctx, const double *u, double *F, nd_error *err)
{
    nd_eq_curve *c = ctx;
    expand(c, u);
    c->m->rhs(0.0, c->x, c->p, c->f);
    for (size_t a = 0; a < c->k; a++) {
        F[a] = c->f[c->free_idx[a]];
        if (!isfinite(F[a]))
            return nd_fail(err, ND_ENONFINITE, "the right-hand side is not finite on the equilibrium curve");
    }
    return ND_OK;
}

/* The free block of the state Jacobian at u into A (k x k). */
static nd_status state_jacobian(nd_eq_curve *c, const double *u, double *A, nd_error *err)
{
    expand(c, u);
    nd_status st = nd_jacobian(c->m, 0.0, c->x, c->p, c->J, err);
    if (st) return st;
    size_t n = c->m->n_vars;
    for (size_t a = 0; a < c->k; a++)
        for (size_t b = 0; b < c->k; b++) A[a * c->k + b] = c->J[c->free_idx[a] * n + c->free_idx[b]];
    return ND_OK;
}

static nd_status eq_jacobian(void *ctx, const double *u, double *Jout, nd_error *err)
{
    nd_eq_curve *c = ctx;
    size_t k = c->k, N = k + 1;
    double A[64 * 64];
    nd_status st = state_jacobian(c, u, A, err);
    if (st) return st;
    for (size_t a = 0; a < k; a++)
        for (size_t b = 0; b < k; b++) Jout[a * N + b] = A[a * k + b];
    /* df/dp by central differences */
    double up[65], Fp[64], Fm[64];
    memcpy(up, u, N * sizeof *up);
    double h = cbrt(DBL_EPSILON) * fmax(1.0, fabs(u[k]));
    up[k] = u[k] + h;
    if ((st = eq_residual(c, up, Fp, err))) return st;
    up[k] = u[k] - h;
    if ((st = eq_residual(c, up, Fm, err))) return st;
    for (size_t a = 0; a < k; a++) Jout[a * N + k] = (Fp[a] - Fm[a]) / (2 * h);
    expand(c, u);
    return ND_OK;
}

static nd_status eq_tests(void *ctx, const double *u, const double *v, const double *J, double *psi,
                          nd_error *err)
{
    nd_eq_curve *c = ctx;
    size_t k = c->k, N = k + 1;
    (void)u; /* the tests read the Jacobian the continuer evaluated at u */
    psi[ND_EQ_LP] = v[k];
    /* H: prod_{i<j} (l_i + l_j), real because eigenvalues come in conjugate pairs */
    double A[64 * 64] = {0};
    for (size_t a = 0; a < k; a++)
        for (size_t b = 0; b < k; b++) A[a * k + b] = J[a * N + b];
    double complex lam[64], prod = 1.0;
    if (nd_curve_eigenvalues(k, A, lam)) return nd_fail(err, ND_EFAILED, "eigenvalues failed on the equilibrium curve");
    for (size_t i = 0; i < k; i++)
        for (size_t j = i + 1; j < k; j++) prod *= lam[i] + lam[j];
    psi[ND_EQ_H] = k >= 2 ? creal(prod) : 1.0;
    /* BP: det [J; v^T] */
    double B[65 * 65];
    memcpy(B, J, k * N * sizeof *B);
    memcpy(B + k * N, v, N * sizeof *v);
    gsl_matrix_view Bm = gsl_matrix_view_array(B, N, N);
    gsl_permutation *perm = gsl_permutation_alloc(N);
    int sign = 1;
    if (!perm) return nd_fail(err, ND_ENOMEM, "no memory");
    gsl_linalg_LU_decomp(&Bm.matrix, perm, &sign);
    psi[ND_EQ_BP] = gsl_linalg_LU_det(&Bm.matrix, sign);
    gsl_permutation_free(perm);
    return ND_OK;
}

static int eq_label(void *ctx, const double *u)
{
    nd_eq_curve *c = ctx;
    double A[64 * 64];
    double complex lam[64];
    if (state_jacobian(c, u, A, NULL) || nd_curve_eigenvalues(c->k, A, lam)) return -1;
    for (size_t i = 0; i < c->k; i++)
        if (!(creal(lam[i]) < 0)) return 0;
    return 1;
}

/* At a zero of the H test: a Hopf point needs a pair l, -l with l purely imaginary; a pair of
 * real eigenvalues +-l is a neutral saddle, which is not reported. */
/* The fold coefficient a at a fold u (MatCont's normalisation, nd_codim2_fold_coefficient). */
static double fold_coefficient(nd_eq_curve *c, const double *u)
{
    nd_codim2_sys s;
    double a = NAN;
    if (nd_codim2_sys_init(&s, c->m, c->p, c->par, -1, &c->region, NULL)) return NAN;
    nd_codim2_sys_set(&s, u, u[c->k], 0.0);
    if (nd_codim2_fold_coefficient(&s, &a, NULL)) a = NAN;
    nd_codim2_sys_free(&s);
    expand(c, u);
    return a;
}

/* Whether l1 is at round-off level for the problem: over the box (half-widths, or max(1, |x|)
 * without one), the cubic term changes the growth rate by less than 1e-8 of omega. */
static int degenerate_hopf(const nd_eq_curve *c, const double *u, double l1)
{
    double X2 = 0.0;
    for (size_t a = 0; a < c->k; a++) {
        size_t i = c->free_idx[a];
        double half = c->region.lo && c->region.hi ? 0.5 * (c->region.hi[i] - c->region.lo[i]) : fmax(1.0, fabs(u[a]));
        X2 += half * half;
    }
    return !(fabs(l1) * X2 >= 1e-8);
}

static int eq_accept(void *ctx, int test, const double *u, const double *v, double *data)
{
    nd_eq_curve *c = ctx;
    (void)v;
    if (test == ND_EQ_LP) {
        data[0] = fold_coefficient(c, u);
        return 1;
    }
    if (test != ND_EQ_H) return 1;
    double A[64 * 64];
    double complex lam[64];
    if (state_jacobian(c, u, A, NULL) || nd_curve_eigenvalues(c->k, A, lam)) return 0;
    double scale = 0.0, best = INFINITY, omega = 0.0;
    for (size_t i = 0; i < c->k; i++) scale = fmax(scale, cabs(lam[i]));
    for (size_t i = 0; i < c->k; i++)
        for (size_t j = i + 1; j < c->k; j++) {
            double s = cabs(lam[i] + lam[j]);
            if (s < best) best = s, omega = fabs(cimag(lam[i]));
        }
    if (!(omega > 1e-8 * fmax(scale, 1e-300))) return 0; /* neutral saddle */
    double w, l1;
    if (nd_first_lyapunov(c, u, &w, &l1, NULL)) w = omega, l1 = NAN;
    data[0] = w, data[1] = l1, data[2] = isfinite(l1) && degenerate_hopf(c, u, l1);
    return 1;
}

static const char *eq_component_name(void *ctx, size_t i, int *is_parameter)
{
    nd_eq_curve *c = ctx;
    *is_parameter = i == c->k;
    return i < c->k ? c->m->var_names[c->free_idx[i]] : c->m->par_names[c->par];
}

nd_status nd_eq_curve_init(nd_eq_curve *c, const nd_model *m, const double *p, int par,
                           const nd_region *region, nd_error *err)
{
    memset(c, 0, sizeof *c);
    nd_status st = nd_model_validate(m, err);
    if (st) return st;
    if (par < 0 || (size_t)par >= m->n_pars)
        return nd_fail(err, ND_EINVAL, "continuation parameter index %d is out of range for %s", par, m->name);
    size_t n = m->n_vars;
    c->m = m, c->par = par;
    c->p = malloc((m->n_pars + 1) * sizeof *c->p);
    c->free_idx = malloc(n * sizeof *c->free_idx);
    c->x = malloc((2 * n + n * n) * sizeof *c->x);
    if (!c->p || !c->free_idx || !c->x) {
        nd_eq_curve_free(c);
        return nd_fail(err, ND_ENOMEM, "equilibrium curve: no memory");
    }
    memcpy(c->p, p, m->n_pars * sizeof *c->p);
    c->f = c->x + n, c->J = c->x + 2 * n;
    if (region) c->region = *region;
    for (size_t i = 0; i < n; i++)
        if (!(region && region->fixed && region->fixed[i])) c->free_idx[c->k++] = i;
    if (c->k == 0 || c->k > 63) {
        nd_eq_curve_free(c);
        return nd_fail(err, ND_EINVAL, "equilibrium curve: %zu free variables (1..63 supported)", c->k);
    }
    c->type = (nd_curve_type){
        .name = "equilibrium",
        .dim = c->k + 1,
        .residual = eq_residual,
        .jacobian = eq_jacobian,
        .n_tests = 3,
        .test_names = {"LP", "H", "BP"},
        .test_kind = {ND_TEST_FOLD, ND_TEST_PLAIN, ND_TEST_BRANCH_POINT},
        .tests = eq_tests,
        .accept = eq_accept,
        .label = eq_label,
        .component_name = eq_component_name,
        .ctx = c,
    };
    return ND_OK;
}

void nd_eq_curve_free(nd_eq_curve *c)
{
    if (!c) return;
    free(c->p);
    free(c->free_idx);
    free(c->x);
    memset(c, 0, sizeof *c);
}

/* ---- first Lyapunov coefficient ------------------------------------------------------------ */
/* The multilinear forms and the normal-form computation live with the codimension-2 curves
 * (analysis/codim2_common.c), which need them too. */
nd_status nd_first_lyapunov(nd_eq_curve *c, const double *u, double *omega, double *l1, nd_error *err)
{
    if (c->k < 2) return nd_fail(err, ND_EINVAL, "first Lyapunov coefficient: needs 2 or more free variables");
    nd_codim2_sys s;
    nd_status st = nd_codim2_sys_init(&s, c->m, c->p, c->par, -1, &c->region, err);
    if (st) return st;
    nd_codim2_sys_set(&s, u, u[c->k], 0.0);
    st = nd_codim2_lyapunov(&s, 0.0, omega, l1, NULL, err);
    nd_codim2_sys_free(&s);
    expand(c, u);
    return st;
}
