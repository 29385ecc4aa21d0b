/* The Hopf curve in two parameters: MatCont's minimally augmented system (Govaerts, Numerical
 * Methods for Bifurcations of Dynamical Equilibria, 2000, sec. 4.5 and 10.2.2; Kuznetsov,
 * Elements of Applied Bifurcation Theory, 3rd ed., sec. 10.2.3): u = (x, kappa, p1, p2),
 * F = (f(x, p), g_a, g_b) with [A^2 + kappa I, B; C^T, 0] [V; G] = [0; I_2]. The product
 * A^2 + kappa I has a two-dimensional kernel exactly at Hopf points (kappa = omega^2 > 0) and at
 * neutral saddles (kappa < 0), so the curve runs through Bogdanov–Takens points (kappa = 0).
 * Of the four entries of G two are independent near the curve: the pair whose Jacobian is best
 * conditioned is chosen at the start and at every accepted point, when the borders are also
 * replaced by orthonormal bases of the current right and left kernels (MatCont's adapt step).
 * See include/neurodyn/codim2.h for the test functions. */
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

static void set_point(nd_hopf_curve *c, const double *u)
{
    size_t k = c->sys.k;
    nd_codim2_sys_set(&c->sys, u, u[k + 1], u[k + 2]);
}

/* Solves [M B; C^T 0] [V; G] = [0; I2] (V k x 2, G 2 x 2 row-major: g11 g12 g21 g22) and, when
 * W is not NULL, the transposed system for the left kernel W (k x 2). M = A^2 + kappa I. */
static int bordered(size_t k, const double *A, double kappa, const double *Bb, const double *Cb, double *V,
                    double *W, double *G)
{
    size_t n = k + 2;
    double M[KMAX * KMAX], Bm_[(KMAX + 2) * (KMAX + 2)], x[2][KMAX + 2];
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < k; j++) {
            double s = i == j ? kappa : 0;
            for (size_t l = 0; l < k; l++) s += A[i * k + l] * A[l * k + j];
            M[i * k + j] = s;
        }
    gsl_permutation *perm = gsl_permutation_alloc(n);
    if (!perm) return -1;
    int rc = 0, sign;
    for (int pass = 0; pass < (W ? 2 : 1) && !rc; pass++) {
        double *Bm = Bm_;
        memset(Bm, 0, n * n * sizeof *Bm);
        for (size_t i = 0; i < k; i++) {
            for (size_t j = 0; j < k; j++) Bm[i * n + j] = pass ? M[j * k + i] : M[i * k + j];
            for (size_t j = 0; j < 2; j++) {
                Bm[i * n + k + j] = pass ? Cb[i * 2 + j] : Bb[i * 2 + j];
                Bm[(k + j) * n + i] = pass ? Bb[i * 2 + j] : Cb[i * 2 + j];
            }
        }
        gsl_matrix_view Mm = gsl_matrix_view_array(Bm, n, n);
        rc = gsl_linalg_LU_decomp(&Mm.matrix, perm, &sign);
        for (size_t i = 0; !rc && i < n; i++)
            if (Bm[i * n + i] == 0) rc = -1;
        for (int col = 0; col < 2 && !rc; col++) {
            memset(x[col], 0, n * sizeof x[col][0]);
            x[col][k + col] = 1;
            gsl_vector_view xv = gsl_vector_view_array(x[col], n);
            rc = gsl_linalg_LU_svx(&Mm.matrix, perm, &xv.vector);
            for (size_t i = 0; !rc && i < n; i++)
                if (!isfinite(x[col][i])) rc = -1;
        }
        if (rc) break;
        double *out = pass ? W : V;
        for (size_t i = 0; i < k; i++) out[i * 2] = x[0][i], out[i * 2 + 1] = x[1][i];
        if (!pass && G) G[0] = x[0][k], G[1] = x[1][k], G[2] = x[0][k + 1], G[3] = x[1][k + 1];
    }
    gsl_permutation_free(perm);
    return rc;
}

/* f and all four entries of G at u (k + 4 values). */
static nd_status residual_all(nd_hopf_curve *c, const double *u, double *F, nd_error *err)
{
    size_t k = c->sys.k;
    double A[KMAX * KMAX], V[2 * KMAX];
    set_point(c, u);
    nd_status st = nd_codim2_rhs(&c->sys, F, err);
    if (!st) st = nd_codim2_jacobian(&c->sys, A, err);
    if (st) return st;
    if (bordered(k, A, u[k], c->B, c->C, V, NULL, F + k))
        return nd_fail(err, ND_EFAILED, "Hopf curve: the bordered matrix is singular");
    return ND_OK;
}

static nd_status hopf_residual(void *ctx, const double *u, double *F, nd_error *err)
{
    nd_hopf_curve *c = ctx;
    size_t k = c->sys.k;
    double Fa[KMAX + 4];
    nd_status st = residual_all(c, u, Fa, err);
    if (st) return st;
    memcpy(F, Fa, k * sizeof *F);
    F[k] = Fa[k + c->eq[0]], F[k + 1] = Fa[k + c->eq[1]];
    return ND_OK;
}

/* Chooses the pair of entries of G whose Jacobian, together with f_u, has the largest smallest
 * singular value. */
static int choose_equations(nd_hopf_curve *c, const double *u)
{
    size_t k = c->sys.k, N = k + 3, R = k + 4;
    double J[(KMAX + 4) * (KMAX + 3)], up[KMAX + 3], Fp[KMAX + 4], Fm[KMAX + 4];
    memcpy(up, u, N * sizeof *up);
    for (size_t j = 0; j < N; j++) {
        double h = cbrt(DBL_EPSILON) * fmax(1.0, fabs(u[j]));
        up[j] = u[j] + h;
        int bad = residual_all(c, up, Fp, NULL) != ND_OK;
        up[j] = u[j] - h;
        bad |= residual_all(c, up, Fm, NULL) != ND_OK;
        up[j] = u[j];
        if (bad) return -1;
        for (size_t i = 0; i < R; i++) J[i * N + j] = (Fp[i] - Fm[i]) / (2 * h);
    }
    static const int pairs[6][2] = {{0, 3}, {0, 1}, {0, 2}, {1, 3}, {2, 3}, {1, 2}};
    double best = -1;
    int bi = 0;
    size_t M = k + 2; /* rows of the candidate system; its transpose is N x M, N > M */
    double T[(KMAX + 3) * (KMAX + 2)], V[(KMAX + 2) * (KMAX + 2)], S[KMAX + 2], work[KMAX + 2];
    for (int pi = 0; pi < 6; pi++) {
        for (size_t j = 0; j < N; j++) {
            for (size_t i = 0; i < k; i++) T[j * M + i] = J[i * N + j];
            T[j * M + k] = J[(k + pairs[pi][0]) * N + j];
            T[j * M + k + 1] = J[(k + pairs[pi][1]) * N + j];
        }
        gsl_matrix_view Tm = gsl_matrix_view_array(T, N, M), Vm = gsl_matrix_view_array(V, M, M);
        gsl_vector_view Sv = gsl_vector_view_array(S, M), Wv = gsl_vector_view_array(work, M);
        if (gsl_linalg_SV_decomp(&Tm.matrix, &Vm.matrix, &Sv.vector, &Wv.vector)) continue;
        if (S[M - 1] > best) best = S[M - 1], bi = pi;
    }
    if (!(best > 0)) return -1;
    c->eq[0] = pairs[bi][0], c->eq[1] = pairs[bi][1];
    return 0;
}

/* Eigenvalues with the Hopf pair (the two with the smallest |l^2 + kappa|) moved to the end:
 * the first k - 2 are "the others". */
static int split_eigenvalues(nd_hopf_curve *c, const double *u, double *A, double complex *lam)
{
    size_t k = c->sys.k;
    set_point(c, u);
    if (nd_codim2_jacobian(&c->sys, A, NULL) || nd_curve_eigenvalues(k, A, lam)) return -1;
    double kappa = u[k];
    for (size_t m = 0; m < 2; m++) { /* selection of the two smallest into positions k-1, k-2 */
        size_t last = k - 1 - m, best = 0;
        for (size_t i = 1; i <= last; i++)
            if (cabs(lam[i] * lam[i] + kappa) < cabs(lam[best] * lam[best] + kappa)) best = i;
        double complex t = lam[best];
        lam[best] = lam[last], lam[last] = t;
    }
    return 0;
}

static int test_values(nd_hopf_curve *c, const double *u, double *psi)
{
    size_t k = c->sys.k;
    double A[KMAX * KMAX];
    double complex lam[KMAX];
    double kappa = u[k];
    psi[ND_H_BT] = kappa;
    psi[ND_H_GH] = NAN;
    if (kappa > 0) {
        double w, l1;
        set_point(c, u);
        if (!nd_codim2_lyapunov(&c->sys, sqrt(kappa), &w, &l1, NULL, NULL)) psi[ND_H_GH] = l1;
    }
    if (split_eigenvalues(c, u, A, lam)) return -1;
    double complex prod = 1, pairs = 1;
    for (size_t i = 0; i + 2 < k; i++) {
        prod *= lam[i];
        for (size_t j = i + 1; j + 2 < k; j++) pairs *= lam[i] + lam[j];
    }
    psi[ND_H_ZH] = creal(prod);
    psi[ND_H_HH] = creal(pairs);
    return 0;
}

static nd_status hopf_tests(void *ctx, const double *u, const double *v, const double *J, double *psi, nd_error *err)
{
    (void)v, (void)J;
    if (test_values(ctx, u, psi)) return nd_fail(err, ND_EFAILED, "Hopf curve: test functions failed");
    return ND_OK;
}

/* As on the fold curve: a sign change across the point, and much smaller there than a short step
 * away along the tangent (rejects poles, e.g. of l1 at a zero-Hopf point). */
static int test_values_any(void *curve, const double *u, double *psi) { return test_values(curve, u, psi); }

static int genuine_zero(nd_hopf_curve *c, int t, const double *u, const double *v)
{
    return nd_codim2_genuine_zero(&c->type, test_values_any, c, t, u, v);
}

static int hopf_accept(void *ctx, int t, const double *u, const double *v, double *data)
{
    nd_hopf_curve *c = ctx;
    size_t k = c->sys.k;
    double kappa = u[k], A[KMAX * KMAX], scale = 0;
    double complex lam[KMAX];
    for (int i = 0; i < ND_CONT_DATA; i++) data[i] = NAN;
    if (t != ND_H_BT && !(kappa > 0)) return 0; /* GH, ZH, HH only on the Hopf part */
    if (!genuine_zero(c, t, u, v)) return 0;
    if (split_eigenvalues(c, u, A, lam)) return 0;
    for (size_t i = 0; i < k; i++) scale = fmax(scale, cabs(lam[i]));
    scale = fmax(scale, 1e-300);
    set_point(c, u);
    switch (t) {
    case ND_H_BT:
        if (nd_codim2_bt_coefficients(&c->sys, &data[0], &data[1], NULL)) data[0] = data[1] = NAN;
        break;
    case ND_H_GH: {
        double w, l1, l2 = NAN;
        if (nd_codim2_lyapunov(&c->sys, sqrt(kappa), &w, &l1, c->no_l2 ? NULL : &l2, NULL)) return 0;
        data[0] = w, data[1] = l2;
        break;
    }
    case ND_H_ZH: {
        size_t i0 = 0; /* the other eigenvalue nearest 0 must be real */
        for (size_t i = 1; i + 2 < k; i++)
            if (cabs(lam[i]) < cabs(lam[i0])) i0 = i;
        if (k < 3 || !(fabs(cimag(lam[i0])) <= 1e-8 * scale)) return 0;
        data[0] = sqrt(kappa);
        break;
    }
    case ND_H_HH: {
        size_t bi = 0, bj = 0;
        double best = INFINITY;
        for (size_t i = 0; i + 2 < k; i++)
            for (size_t j = i + 1; j + 2 < k; j++)
                if (cabs(lam[i] + lam[j]) < best) best = cabs(lam[i] + lam[j]), bi = i, bj = j;
        if (!isfinite(best) || !(fabs(cimag(lam[bi])) > 1e-8 * scale)) return 0; /* Hopf + neutral saddle */
        data[0] = sqrt(kappa);
        data[1] = 0.5 * (fabs(cimag(lam[bi])) + fabs(cimag(lam[bj])));
        break;
    }
    default:
        break;
    }
    set_point(c, u);
    return 1;
}

/* Orthonormal columns (k x 2 row-major) by Gram–Schmidt; 0 on success. */
static int orthonormalise(size_t k, double *X)
{
    for (int j = 0; j < 2; j++) {
        if (j == 1) {
            double d = 0;
            for (size_t i = 0; i < k; i++) d += X[i * 2] * X[i * 2 + 1];
            for (size_t i = 0; i < k; i++) X[i * 2 + 1] -= d * X[i * 2];
        }
        double n = 0;
        for (size_t i = 0; i < k; i++) n += X[i * 2 + j] * X[i * 2 + j];
        n = sqrt(n);
        if (!(n > 0) || !isfinite(n)) return -1;
        for (size_t i = 0; i < k; i++) X[i * 2 + j] /= n;
    }
    return 0;
}

/* Once per accepted point: new borders from the current kernels, the equations of G chosen
 * again, and the label (1 Hopf, 0 neutral saddle). */
static int hopf_label(void *ctx, const double *u)
{
    nd_hopf_curve *c = ctx;
    size_t k = c->sys.k;
    double A[KMAX * KMAX], V[2 * KMAX], W[2 * KMAX];
    set_point(c, u);
    if (!nd_codim2_jacobian(&c->sys, A, NULL) && !bordered(k, A, u[k], c->B, c->C, V, W, NULL) &&
        !orthonormalise(k, V) && !orthonormalise(k, W)) {
        double oldB[2 * KMAX], oldC[2 * KMAX];
        int eq0 = c->eq[0], eq1 = c->eq[1];
        memcpy(oldB, c->B, 2 * k * sizeof *oldB), memcpy(oldC, c->C, 2 * k * sizeof *oldC);
        memcpy(c->C, V, 2 * k * sizeof *V), memcpy(c->B, W, 2 * k * sizeof *W);
        if (choose_equations(c, u)) { /* keep the old borders if the new ones fail */
            memcpy(c->B, oldB, 2 * k * sizeof *oldB), memcpy(c->C, oldC, 2 * k * sizeof *oldC);
            c->eq[0] = eq0, c->eq[1] = eq1;
        }
    }
    set_point(c, u);
    return u[k] > 0 ? 1 : 0;
}

static const char *hopf_component_name(void *ctx, size_t i, int *is_parameter)
{
    nd_hopf_curve *c = ctx;
    return nd_codim2_component_name(&c->sys, i, 1, is_parameter);
}

nd_status nd_hopf_curve_init(nd_hopf_curve *c, const nd_model *m, const double *p, int par1, int par2,
                             const nd_region *region, nd_error *err)
{
    memset(c, 0, sizeof *c);
    nd_status st = nd_codim2_sys_init(&c->sys, m, p, par1, par2, region, err);
    if (st) return st;
    size_t k = c->sys.k;
    if (k < 2) {
        nd_hopf_curve_free(c);
        return nd_fail(err, ND_EINVAL, "Hopf curve: needs 2 or more free variables (%zu)", k);
    }
    c->B = calloc(4 * k, sizeof *c->B);
    if (!c->B) {
        nd_hopf_curve_free(c);
        return nd_fail(err, ND_ENOMEM, "Hopf curve: no memory");
    }
    c->C = c->B + 2 * k;
    c->B[0] = c->C[0] = c->B[3] = c->C[3] = 1;
    c->eq[0] = 0, c->eq[1] = 3;
    c->type = (nd_curve_type){
        .name = "Hopf",
        .dim = k + 3,
        .residual = hopf_residual,
        .jacobian = NULL, /* central differences of the residual */
        .n_tests = 4,
        .test_names = {"BT", "GH", "ZH", "HH"},
        .tests = hopf_tests,
        .accept = hopf_accept,
        .label = hopf_label,
        .component_name = hopf_component_name,
        .ctx = c,
    };
    return ND_OK;
}

void nd_hopf_curve_free(nd_hopf_curve *c)
{
    if (!c) return;
    nd_codim2_sys_free(&c->sys);
    free(c->B);
    memset(c, 0, sizeof *c);
}

nd_status nd_hopf_curve_reset(nd_hopf_curve *c, const double *u, nd_error *err)
{
    if (!c || !c->B || !u) return nd_fail(err, ND_EINVAL, "Hopf curve: not initialised, or u is NULL");
    gsl_set_error_handler_off();
    size_t k = c->sys.k;
    for (size_t i = 0; i < k + 3; i++)
        if (!isfinite(u[i])) return nd_fail(err, ND_EINVAL, "Hopf curve: u[%zu] is not finite", i);
    double A[KMAX * KMAX], U[KMAX * KMAX], V[KMAX * KMAX], S[KMAX], work[KMAX];
    set_point(c, u);
    nd_status st = nd_codim2_jacobian(&c->sys, A, err);
    if (st) return st;
    for (size_t i = 0; i < k; i++) /* U = A^2 + kappa I */
        for (size_t j = 0; j < k; j++) {
            double s = i == j ? u[k] : 0;
            for (size_t l = 0; l < k; l++) s += A[i * k + l] * A[l * k + j];
            U[i * k + j] = s;
        }
    gsl_matrix_view Um = gsl_matrix_view_array(U, k, k), Vm = gsl_matrix_view_array(V, k, k);
    gsl_vector_view Sv = gsl_vector_view_array(S, k), Wv = gsl_vector_view_array(work, k);
    if (gsl_linalg_SV_decomp(&Um.matrix, &Vm.matrix, &Sv.vector, &Wv.vector))
        return nd_fail(err, ND_EFAILED, "Hopf curve: SVD of A^2 + kappa I failed");
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < 2; j++) c->C[i * 2 + j] = V[i * k + k - 2 + j], c->B[i * 2 + j] = U[i * k + k - 2 + j];
    if (choose_equations(c, u))
        return nd_fail(err, ND_EFAILED, "Hopf curve: no regular pair of bordered equations at the start "
                                        "(is the point a Hopf point with this omega?)");
    return ND_OK;
}

nd_status nd_hopf_curve_start(nd_hopf_curve *c, const double *h_u, double omega, double *u0, nd_error *err)
{
    if (!c || !c->B || !h_u || !u0) return nd_fail(err, ND_EINVAL, "Hopf curve start: NULL argument");
    if (!isfinite(omega)) return nd_fail(err, ND_EINVAL, "Hopf curve start: omega = %g is not finite", omega);
    size_t k = c->sys.k;
    memcpy(u0, h_u, k * sizeof *u0);
    u0[k] = omega * omega;
    u0[k + 1] = h_u[k];
    u0[k + 2] = c->sys.p[c->sys.par[1]];
    return nd_hopf_curve_reset(c, u0, err);
}

static nd_status reset_hopf(void *curve, const double *u, nd_error *err)
{
    return nd_hopf_curve_reset(curve, u, err);
}

nd_status nd_hopf_curve_continue(nd_hopf_curve *c, const double *u0, const nd_cont_opts *o, nd_branch out[2],
                                 nd_error *err)
{
    return nd_codim2_continue_both(&c->type, reset_hopf, c, u0, o, out, err);
}
