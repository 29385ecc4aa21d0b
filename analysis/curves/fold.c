/* The fold (LP) curve in two parameters: MatCont's minimally augmented system (Govaerts,
 * Numerical Methods for Bifurcations of Dynamical Equilibria, 2000, sec. 4.4; Kuznetsov,
 * Elements of Applied Bifurcation Theory, 3rd ed., sec. 10.2.2): u = (x, p1, p2),
 * F = (f(x, p), g) with [A b; c^T 0] [v; g] = [0; 1]. The borders b, c are replaced by the unit
 * left/right null vectors at every accepted point (in the label hook, which the continuer calls
 * once per accepted point), which keeps the bordered matrix far from singular and fixes the
 * orientation of v and w from one point to the next, so that the signs of the test functions
 * are comparable along the curve. See include/neurodyn/codim2.h for the test functions. */
#include <complex.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "neurodyn/codim2.h"
#include "internal.h"

#define KMAX 64

static void set_point(nd_fold_curve *c, const double *u)
{
    size_t k = c->sys.k;
    nd_codim2_sys_set(&c->sys, u, u[k], u[k + 1]);
}

/* Solves [A b; c^T 0] [v; g] = [0; 1] and, when w is not NULL, [A^T c; b^T 0] [w; h] = [0; 1].
 * 0 on success. */
static int bordered(size_t k, const double *A, const double *b, const double *c, double *v, double *w, double *g)
{
    size_t n = k + 1;
    double M[(KMAX + 1) * (KMAX + 1)], x[KMAX + 1];
    gsl_permutation *perm = gsl_permutation_alloc(n);
    if (!perm) return -1;
    int rc = 0, sign;
    for (int pass = 0; pass < (w ? 2 : 1) && !rc; pass++) {
        for (size_t i = 0; i < k; i++) {
            for (size_t j = 0; j < k; j++) M[i * n + j] = pass ? A[j * k + i] : A[i * k + j];
            M[i * n + k] = pass ? c[i] : b[i];
            M[k * n + i] = pass ? b[i] : c[i];
            x[i] = 0;
        }
        M[k * n + k] = 0, x[k] = 1;
        gsl_matrix_view Mm = gsl_matrix_view_array(M, n, n);
        gsl_vector_view xv = gsl_vector_view_array(x, n);
        rc = gsl_linalg_LU_decomp(&Mm.matrix, perm, &sign);
        for (size_t i = 0; !rc && i < n; i++)
            if (M[i * n + i] == 0) rc = -1;
        if (!rc) rc = gsl_linalg_LU_svx(&Mm.matrix, perm, &xv.vector);
        for (size_t i = 0; !rc && i <= k; i++)
            if (!isfinite(x[i])) rc = -1;
        if (rc) break;
        memcpy(pass ? w : v, x, k * sizeof *x);
        if (!pass && g) *g = x[k];
    }
    gsl_permutation_free(perm);
    return rc;
}

static double norm(const double *v, size_t k)
{
    double s = 0;
    for (size_t i = 0; i < k; i++) s += v[i] * v[i];
    return sqrt(s);
}

static double dot(const double *a, const double *b, size_t k)
{
    double s = 0;
    for (size_t i = 0; i < k; i++) s += a[i] * b[i];
    return s;
}

/* The index of the eigenvalue nearest 0. */
static size_t nearest_zero(size_t k, const double complex *lam)
{
    size_t i0 = 0;
    for (size_t i = 1; i < k; i++)
        if (cabs(lam[i]) < cabs(lam[i0])) i0 = i;
    return i0;
}

static nd_status fold_residual(void *ctx, const double *u, double *F, nd_error *err)
{
    nd_fold_curve *c = ctx;
    size_t k = c->sys.k;
    double A[KMAX * KMAX], v[KMAX];
    set_point(c, u);
    nd_status st = nd_codim2_rhs(&c->sys, F, err);
    if (!st) st = nd_codim2_jacobian(&c->sys, A, err);
    if (st) return st;
    if (bordered(k, A, c->b, c->c, v, NULL, &F[k]))
        return nd_fail(err, ND_EFAILED, "fold curve: the bordered matrix is singular");
    return ND_OK;
}

/* A, and the unit null vectors v, w of the bordered systems at u. */
static int null_pair(nd_fold_curve *c, const double *u, double *A, double *v, double *w)
{
    size_t k = c->sys.k;
    set_point(c, u);
    if (nd_codim2_jacobian(&c->sys, A, NULL) || bordered(k, A, c->b, c->c, v, w, NULL)) return -1;
    double nv = norm(v, k), nw = norm(w, k);
    if (!(nv > 0) || !(nw > 0)) return -1;
    for (size_t i = 0; i < k; i++) v[i] /= nv, w[i] /= nw;
    return 0;
}

/* All three test functions at u; 0 on success. */
static int test_values(nd_fold_curve *c, const double *u, double *psi)
{
    size_t k = c->sys.k;
    double A[KMAX * KMAX], v[KMAX], w[KMAX], Bvv[KMAX];
    double complex lam[KMAX];
    if (null_pair(c, u, A, v, w)) return -1;
    psi[ND_LP_BT] = dot(w, v, k);
    const double *vv[2] = {v, v};
    if (nd_codim2_form(&c->sys, 2, vv, Bvv, NULL)) return -1;
    psi[ND_LP_CP] = dot(w, Bvv, k);
    /* ZH: the bialternate-product determinant of A on the complement of the null vector, from
     * the eigenvalues: prod over pairs of the others of (l_i + l_j) */
    double complex prod = 1;
    if (k >= 3) {
        if (nd_curve_eigenvalues(k, A, lam)) return -1;
        size_t i0 = nearest_zero(k, lam);
        for (size_t i = 0; i < k; i++)
            for (size_t j = i + 1; j < k; j++)
                if (i != i0 && j != i0) prod *= lam[i] + lam[j];
    }
    psi[ND_LP_ZH] = creal(prod);
    return 0;
}

static nd_status fold_tests(void *ctx, const double *u, const double *v, const double *J, double *psi, nd_error *err)
{
    (void)v, (void)J; /* the tests need A and the null vectors, recomputed from u */
    if (test_values(ctx, u, psi)) return nd_fail(err, ND_EFAILED, "fold curve: test functions failed");
    return ND_OK;
}

/* A located zero of test t is genuine when the test changes sign across it and is much smaller
 * there than a short step away along the tangent (not a pole or a jump of orientation). */
static int test_values_any(void *curve, const double *u, double *psi) { return test_values(curve, u, psi); }

static int genuine_zero(nd_fold_curve *c, int t, const double *u, const double *v)
{
    return nd_codim2_genuine_zero(&c->type, test_values_any, c, t, u, v);
}

static int fold_accept(void *ctx, int t, const double *u, const double *v, double *data)
{
    nd_fold_curve *c = ctx;
    size_t k = c->sys.k;
    for (int i = 0; i < ND_CONT_DATA; i++) data[i] = NAN;
    if (!genuine_zero(c, t, u, v)) return 0;
    double A[KMAX * KMAX], scale = 0;
    double complex lam[KMAX];
    set_point(c, u);
    if (nd_codim2_jacobian(&c->sys, A, NULL) || nd_curve_eigenvalues(k, A, lam)) return 0;
    for (size_t i = 0; i < k; i++) scale = fmax(scale, cabs(lam[i]));
    scale = fmax(scale, 1e-300);
    if (t == ND_LP_BT) {
        /* a double zero eigenvalue: the two eigenvalues nearest 0 are small (a Jordan block
         * splits them by about sqrt(eps |A|)) */
        size_t i0 = nearest_zero(k, lam), i1 = i0 == 0 ? 1 : 0;
        for (size_t i = 0; i < k; i++)
            if (i != i0 && cabs(lam[i]) < cabs(lam[i1])) i1 = i;
        if (k < 2 || !(cabs(lam[i1]) < 1e-4 * fmax(scale, 1.0))) return 0;
        set_point(c, u);
        if (nd_codim2_bt_coefficients(&c->sys, &data[0], &data[1], NULL)) data[0] = data[1] = NAN;
    } else if (t == ND_LP_CP) {
        if (nd_codim2_cusp_coefficient(&c->sys, &data[0], NULL)) data[0] = NAN;
    } else if (t == ND_LP_ZH) {
        /* the pair with the smallest sum must be +-i omega, not a neutral saddle +-l */
        size_t i0 = nearest_zero(k, lam), bi = 0, bj = 0;
        double best = INFINITY;
        for (size_t i = 0; i < k; i++)
            for (size_t j = i + 1; j < k; j++)
                if (i != i0 && j != i0 && cabs(lam[i] + lam[j]) < best) best = cabs(lam[i] + lam[j]), bi = i, bj = j;
        if (!isfinite(best) || !(fabs(cimag(lam[bi])) > 1e-8 * scale)) return 0;
        data[0] = 0.5 * (fabs(cimag(lam[bi])) + fabs(cimag(lam[bj])));
    }
    set_point(c, u);
    return 1;
}

/* Called once per accepted point: adapt the borders, and label the point. */
static int fold_label(void *ctx, const double *u)
{
    nd_fold_curve *c = ctx;
    size_t k = c->sys.k;
    double A[KMAX * KMAX], v[KMAX], w[KMAX];
    double complex lam[KMAX];
    if (null_pair(c, u, A, v, w)) return -1;
    memcpy(c->c, v, k * sizeof *v);
    memcpy(c->b, w, k * sizeof *w);
    if (nd_curve_eigenvalues(k, A, lam)) return -1;
    size_t i0 = nearest_zero(k, lam);
    for (size_t i = 0; i < k; i++)
        if (i != i0 && !(creal(lam[i]) < 0)) return 0;
    return 1;
}

static const char *fold_component_name(void *ctx, size_t i, int *is_parameter)
{
    nd_fold_curve *c = ctx;
    return nd_codim2_component_name(&c->sys, i, 0, is_parameter);
}

nd_status nd_fold_curve_init(nd_fold_curve *c, const nd_model *m, const double *p, int par1, int par2,
                             const nd_region *region, nd_error *err)
{
    memset(c, 0, sizeof *c);
    nd_status st = nd_codim2_sys_init(&c->sys, m, p, par1, par2, region, err);
    if (st) return st;
    size_t k = c->sys.k;
    if (k > 62) {
        nd_fold_curve_free(c);
        return nd_fail(err, ND_EINVAL, "fold curve: %zu free variables (at most 62)", k);
    }
    c->b = calloc(2 * k, sizeof *c->b);
    if (!c->b) {
        nd_fold_curve_free(c);
        return nd_fail(err, ND_ENOMEM, "fold curve: no memory");
    }
    c->c = c->b + k;
    for (size_t i = 0; i < k; i++) c->b[i] = c->c[i] = 1 / sqrt((double)k);
    c->type = (nd_curve_type){
        .name = "fold",
        .dim = k + 2,
        .residual = fold_residual,
        .jacobian = NULL, /* central differences of the residual */
        .n_tests = 3,
        .test_names = {"BT", "CP", "ZH"},
        .tests = fold_tests,
        .accept = fold_accept,
        .label = fold_label,
        .component_name = fold_component_name,
        .ctx = c,
    };
    return ND_OK;
}

void nd_fold_curve_free(nd_fold_curve *c)
{
    if (!c) return;
    nd_codim2_sys_free(&c->sys);
    free(c->b);
    memset(c, 0, sizeof *c);
}

nd_status nd_fold_curve_reset(nd_fold_curve *c, const double *u, nd_error *err)
{
    if (!c || !c->b || !u) return nd_fail(err, ND_EINVAL, "fold curve: not initialised, or u is NULL");
    gsl_set_error_handler_off();
    size_t k = c->sys.k;
    double A[KMAX * KMAX], U[KMAX * KMAX], V[KMAX * KMAX], S[KMAX], work[KMAX];
    for (size_t i = 0; i < k + 2; i++)
        if (!isfinite(u[i])) return nd_fail(err, ND_EINVAL, "fold curve: u[%zu] is not finite", i);
    set_point(c, u);
    nd_status st = nd_codim2_jacobian(&c->sys, A, err);
    if (st) return st;
    memcpy(U, A, k * k * sizeof *U);
    gsl_matrix_view Um = gsl_matrix_view_array(U, k, k), Vm = gsl_matrix_view_array(V, k, k);
    gsl_vector_view Sv = gsl_vector_view_array(S, k), Wv = gsl_vector_view_array(work, k);
    if (gsl_linalg_SV_decomp(&Um.matrix, &Vm.matrix, &Sv.vector, &Wv.vector))
        return nd_fail(err, ND_EFAILED, "fold curve: SVD of the Jacobian failed");
    for (size_t i = 0; i < k; i++) c->c[i] = V[i * k + k - 1], c->b[i] = U[i * k + k - 1];
    return ND_OK;
}

nd_status nd_fold_curve_start(nd_fold_curve *c, const double *lp_u, double *u0, nd_error *err)
{
    if (!c || !c->b || !lp_u || !u0) return nd_fail(err, ND_EINVAL, "fold curve start: NULL argument");
    size_t k = c->sys.k;
    memcpy(u0, lp_u, (k + 1) * sizeof *u0);
    u0[k + 1] = c->sys.p[c->sys.par[1]];
    return nd_fold_curve_reset(c, u0, err);
}

static nd_status reset_fold(void *curve, const double *u, nd_error *err)
{
    return nd_fold_curve_reset(curve, u, err);
}

nd_status nd_fold_curve_continue(nd_fold_curve *c, const double *u0, const nd_cont_opts *o, nd_branch out[2],
                                 nd_error *err)
{
    return nd_codim2_continue_both(&c->type, reset_fold, c, u0, o, out, err);
}
