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

/* Eigenvalues of the k x k matrix A (unsorted). */
static int eigenvalues(size_t k, const double *A, double complex *lam)
{
    double copy[64 * 64];
    memcpy(copy, A, k * k * sizeof *copy);
    gsl_matrix_view M = gsl_matrix_view_array(copy, k, k);
    gsl_vector_complex *ev = gsl_vector_complex_alloc(k);
    gsl_eigen_nonsymm_workspace *w = gsl_eigen_nonsymm_alloc(k);
    int rc = ev && w ? gsl_eigen_nonsymm(&M.matrix, ev, w) : -1;
    for (size_t i = 0; !rc && i < k; i++) {
        gsl_complex z = gsl_vector_complex_get(ev, i);
        lam[i] = GSL_REAL(z) + I * GSL_IMAG(z);
    }
    if (ev) gsl_vector_complex_free(ev);
    if (w) gsl_eigen_nonsymm_free(w);
    return rc;
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
    if (eigenvalues(k, A, lam)) return nd_fail(err, ND_EFAILED, "eigenvalues failed on the equilibrium curve");
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
    if (state_jacobian(c, u, A, NULL) || eigenvalues(c->k, A, lam)) return -1;
    for (size_t i = 0; i < c->k; i++)
        if (!(creal(lam[i]) < 0)) return 0;
    return 1;
}

/* At a zero of the H test: a Hopf point needs a pair l, -l with l purely imaginary; a pair of
 * real eigenvalues +-l is a neutral saddle, which is not reported. */
static int eq_accept(void *ctx, int test, const double *u, const double *v, double *data)
{
    nd_eq_curve *c = ctx;
    (void)v;
    if (test != ND_EQ_H) return 1;
    double A[64 * 64];
    double complex lam[64];
    if (state_jacobian(c, u, A, NULL) || eigenvalues(c->k, A, lam)) return 0;
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
    data[0] = w, data[1] = l1;
    return 1;
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
        .tests = eq_tests,
        .accept = eq_accept,
        .label = eq_label,
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
/* f on the free variables at the state x0 + sum of displacements, parameter fixed at u[k]. */
static void f_at(nd_eq_curve *c, const double *u, const double *dz, double *out)
{
    double z[64];
    for (size_t a = 0; a < c->k; a++) z[a] = u[a] + dz[a];
    z[c->k] = u[c->k];
    eq_residual(c, z, out, NULL);
}

/* B(a, b) = d^2 f [a, b] by central differences. */
static void bilinear(nd_eq_curve *c, const double *u, const double *a, const double *b, double *out)
{
    size_t k = c->k;
    double h = pow(DBL_EPSILON, 0.25), d[64] = {0}, f1[64], f2[64], f3[64], f4[64];
    for (size_t i = 0; i < k; i++) d[i] = h * (a[i] + b[i]);
    f_at(c, u, d, f1);
    for (size_t i = 0; i < k; i++) d[i] = h * (a[i] - b[i]);
    f_at(c, u, d, f2);
    for (size_t i = 0; i < k; i++) d[i] = h * (-a[i] + b[i]);
    f_at(c, u, d, f3);
    for (size_t i = 0; i < k; i++) d[i] = -h * (a[i] + b[i]);
    f_at(c, u, d, f4);
    for (size_t i = 0; i < k; i++) out[i] = (f1[i] - f2[i] - f3[i] + f4[i]) / (4 * h * h);
}

/* T(w) = d^3 f [w, w, w]. */
static void cubic(nd_eq_curve *c, const double *u, const double *w, double *out)
{
    size_t k = c->k;
    double h = pow(DBL_EPSILON, 0.2), d[64] = {0}, fp2[64], fp1[64], fm1[64], fm2[64];
    for (size_t i = 0; i < k; i++) d[i] = 2 * h * w[i];
    f_at(c, u, d, fp2);
    for (size_t i = 0; i < k; i++) d[i] = h * w[i];
    f_at(c, u, d, fp1);
    for (size_t i = 0; i < k; i++) d[i] = -h * w[i];
    f_at(c, u, d, fm1);
    for (size_t i = 0; i < k; i++) d[i] = -2 * h * w[i];
    f_at(c, u, d, fm2);
    for (size_t i = 0; i < k; i++) out[i] = (fp2[i] - 2 * fp1[i] + 2 * fm1[i] - fm2[i]) / (2 * h * h * h);
}

static void cbilinear(nd_eq_curve *c, const double *u, const double complex *a, const double complex *b,
                      double complex *out)
{
    size_t k = c->k;
    double ar[64] = {0}, ai[64] = {0}, br[64] = {0}, bi[64] = {0}, rr[64], ii[64], ri[64], ir[64];
    for (size_t i = 0; i < k; i++) ar[i] = creal(a[i]), ai[i] = cimag(a[i]), br[i] = creal(b[i]), bi[i] = cimag(b[i]);
    bilinear(c, u, ar, br, rr);
    bilinear(c, u, ai, bi, ii);
    bilinear(c, u, ar, bi, ri);
    bilinear(c, u, ai, br, ir);
    for (size_t i = 0; i < k; i++) out[i] = (rr[i] - ii[i]) + I * (ri[i] + ir[i]);
}

/* C(q, q, conj q) with q = a + i b: [T(a) + C(a,b,b)] + i [C(a,a,b) + T(b)], the mixed terms
 * by polarisation: C(u,v,v) = (T(u+v) + T(u-v) - 2T(u))/6, C(u,u,v) = (T(u+v) - T(u-v) - 2T(v))/6. */
static void cubic_qqqbar(nd_eq_curve *c, const double *u, const double complex *q, double complex *out)
{
    size_t k = c->k;
    double a[64], b[64], s[64], d[64], Ta[64], Tb[64], Ts[64], Td[64];
    for (size_t i = 0; i < k; i++) a[i] = creal(q[i]), b[i] = cimag(q[i]), s[i] = a[i] + b[i], d[i] = a[i] - b[i];
    cubic(c, u, a, Ta);
    cubic(c, u, b, Tb);
    cubic(c, u, s, Ts);
    cubic(c, u, d, Td);
    for (size_t i = 0; i < k; i++) {
        double abb = (Ts[i] + Td[i] - 2 * Ta[i]) / 6, aab = (Ts[i] - Td[i] - 2 * Tb[i]) / 6;
        out[i] = (Ta[i] + abb) + I * (aab + Tb[i]);
    }
}

/* Solves (M) z = r for complex M = sh I - A (sh complex) via the real 2k x 2k system. */
static int csolve(size_t k, const double *A, double complex sh, const double complex *r, double complex *z)
{
    size_t n2 = 2 * k;
    double *M = calloc(n2 * n2 + n2, sizeof *M);
    if (!M) return -1;
    double *rhs = M + n2 * n2;
    for (size_t i = 0; i < k; i++) {
        for (size_t j = 0; j < k; j++) {
            double re = (i == j ? creal(sh) : 0.0) - A[i * k + j], im = i == j ? cimag(sh) : 0.0;
            M[i * n2 + j] = re, M[i * n2 + j + k] = -im;
            M[(i + k) * n2 + j] = im, M[(i + k) * n2 + j + k] = re;
        }
        rhs[i] = creal(r[i]), rhs[i + k] = cimag(r[i]);
    }
    gsl_matrix_view Mv = gsl_matrix_view_array(M, n2, n2);
    gsl_vector_view bv = gsl_vector_view_array(rhs, n2);
    gsl_permutation *perm = gsl_permutation_alloc(n2);
    int sign, rc = !perm || gsl_linalg_LU_decomp(&Mv.matrix, perm, &sign) || gsl_linalg_LU_svx(&Mv.matrix, perm, &bv.vector);
    for (size_t i = 0; !rc && i < k; i++) z[i] = rhs[i] + I * rhs[i + k];
    if (perm) gsl_permutation_free(perm);
    free(M);
    return rc;
}

/* The eigenvector of M (k x k) for the eigenvalue closest to target. */
static int eigvec(size_t k, const double *M, double complex target, double complex *vec, double complex *val)
{
    double copy[64 * 64];
    memcpy(copy, M, k * k * sizeof *copy);
    gsl_matrix_view Mv = gsl_matrix_view_array(copy, k, k);
    gsl_vector_complex *ev = gsl_vector_complex_alloc(k);
    gsl_matrix_complex *evec = gsl_matrix_complex_alloc(k, k);
    gsl_eigen_nonsymmv_workspace *w = gsl_eigen_nonsymmv_alloc(k);
    int rc = ev && evec && w ? gsl_eigen_nonsymmv(&Mv.matrix, ev, evec, w) : -1;
    if (!rc) {
        size_t best = 0;
        double dist = INFINITY;
        for (size_t i = 0; i < k; i++) {
            gsl_complex z = gsl_vector_complex_get(ev, i);
            double d = cabs(GSL_REAL(z) + I * GSL_IMAG(z) - target);
            if (d < dist) dist = d, best = i;
        }
        gsl_complex z = gsl_vector_complex_get(ev, best);
        *val = GSL_REAL(z) + I * GSL_IMAG(z);
        for (size_t i = 0; i < k; i++) {
            gsl_complex e = gsl_matrix_complex_get(evec, i, best);
            vec[i] = GSL_REAL(e) + I * GSL_IMAG(e);
        }
    }
    if (ev) gsl_vector_complex_free(ev);
    if (evec) gsl_matrix_complex_free(evec);
    if (w) gsl_eigen_nonsymmv_free(w);
    return rc;
}

nd_status nd_first_lyapunov(nd_eq_curve *c, const double *u, double *omega, double *l1, nd_error *err)
{
    size_t k = c->k;
    if (k < 2) return nd_fail(err, ND_EINVAL, "first Lyapunov coefficient: needs 2 or more free variables");
    double A[64 * 64], At[64 * 64];
    nd_status st = state_jacobian(c, u, A, err);
    if (st) return st;
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < k; j++) At[i * k + j] = A[j * k + i];
    double complex lam[64];
    if (eigenvalues(k, A, lam)) return nd_fail(err, ND_EFAILED, "first Lyapunov coefficient: eigenvalues failed");
    double w = 0.0, best = INFINITY;
    for (size_t i = 0; i < k; i++)
        if (cimag(lam[i]) > 0 && fabs(creal(lam[i])) < best) best = fabs(creal(lam[i])), w = cimag(lam[i]);
    if (!(w > 0)) return nd_fail(err, ND_EFAILED, "first Lyapunov coefficient: no eigenvalue pair +-i omega");
    double complex q[64], p[64], val, pq = 0;
    if (eigvec(k, A, I * w, q, &val) || eigvec(k, At, -I * w, p, &val))
        return nd_fail(err, ND_EFAILED, "first Lyapunov coefficient: eigenvectors failed");
    /* normalise <q, q> = 1/2 and <p, q> = 1 (<p, q> = conj(p)^T q): then x = z q + conj(z q)
     * makes |z| the amplitude, and the planar normal form x' = mu x - w y + s x r^2,
     * y' = w x + mu y + s y r^2 gives l1 = s / w, i.e. r' = mu r + w l1 r^3 */
    double nq = 0;
    for (size_t i = 0; i < k; i++) nq += creal(q[i] * conj(q[i]));
    for (size_t i = 0; i < k; i++) q[i] /= sqrt(2.0 * nq);
    for (size_t i = 0; i < k; i++) pq += conj(p[i]) * q[i];
    for (size_t i = 0; i < k; i++) p[i] /= conj(pq);
    double complex qbar[64], Bqqb[64], Bqq[64], s[64], r[64], t1[64], t2[64], Cqqqb[64];
    for (size_t i = 0; i < k; i++) qbar[i] = conj(q[i]);
    cbilinear(c, u, q, qbar, Bqqb);
    cbilinear(c, u, q, q, Bqq);
    cubic_qqqbar(c, u, q, Cqqqb);
    /* s = A^{-1} B(q, qbar) (real), r = (2 i w - A)^{-1} B(q, q) */
    if (csolve(k, A, 0.0, Bqqb, s) || csolve(k, A, 2 * I * w, Bqq, r))
        return nd_fail(err, ND_EFAILED, "first Lyapunov coefficient: singular linear system");
    for (size_t i = 0; i < k; i++) s[i] = -s[i]; /* csolve solved (0 - A) s = B */
    cbilinear(c, u, q, s, t1);
    cbilinear(c, u, qbar, r, t2);
    double complex acc = 0;
    for (size_t i = 0; i < k; i++) acc += conj(p[i]) * (Cqqqb[i] - 2.0 * t1[i] + t2[i]);
    *omega = w;
    *l1 = creal(acc) / (2 * w);
    expand(c, u);
    return ND_OK;
}
