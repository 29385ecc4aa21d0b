/* Normal-form coefficients of equilibrium bifurcations from the multilinear forms of
 * codim2_system.c: the first and second Lyapunov coefficients (Hopf, Bautin), Bogdanov–Takens
 * (a, b) and the cusp coefficient (Kuznetsov, Elements of Applied Bifurcation Theory, 3rd ed.,
 * sec. 3.5, 8.2-8.4 and 8.7; Kuznetsov (1999) SIAM J. Numer. Anal. 36:1104, the formulas
 * MatCont's nf_* routines implement).
 *
 * Normalisation (the eigenvectors as MatCont 7p2's MultilinearForms/nf_H.m, nf_GH.m, nf_BT.m and
 * nf_CP.m choose them; the coefficients as Kuznetsov defines them):
 *   Hopf, Bautin: A q = i w q, A^T p = -i w p, <q, q> = 1, <p, q> = 1 (<u, v> = u^H v); on the
 *     centre manifold x = z q + conj(z q) + ..., z' = i w z + c1 z|z|^2 + c2 z|z|^4, and
 *     l1 = Re c1 / w (Elements eq. 3.20), l2 = Re c2 / w (at l1 = 0). So the planar
 *     r' = r (mu + s1 r^2 + s2 r^4), theta' = w has |z| = r / sqrt(2), l1 = 2 s1 / w and
 *     l2 = 4 s2 / w. MatCont prints Re c1 and Re c2 themselves (nf_H: real(p0'*h21)/2, nf_GH:
 *     real(p0'*h32/12), no division by w): w l1 and w l2. DDE-BIFTOOL's nmfm_hopf and nmfm_genh
 *     divide by w, as here.
 *   Bogdanov–Takens: A q0 = 0, A q1 = q0, A^T p1 = 0, A^T p0 = p1, |q0| = 1, <q0, q1> = 0,
 *     <p0, q0> = <p1, q1> = 1, <p0, q1> = <p1, q0> = 0 (nf_BT); a = <p1, B(q0, q0)> / 2,
 *     b = <p0, B(q0, q0)> + <p1, B(q0, q1)>. Only the sign of q0 is left free ((a, b) and
 *     (-a, -b) are the same normal form; MatCont takes it from eig): ours makes the largest
 *     component of q0 positive.
 *   Cusp: A q = 0, A^T p = 0, |q| = 1, <p, q> = 1 (nf_CP); c = <p, C(q,q,q) + 3 B(q, h2)> / 6 with
 *     A h2 = <p, B(q,q)> q - B(q,q), <p, h2> = 0. c does not depend on the sign of q. */
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
static int is_zero(const double *v, size_t k)
{
    for (size_t a = 0; a < k; a++)
        if (v[a] != 0) return 0;
    return 1;
}

/* Complex form by multilinearity: each argument split into real and imaginary parts. */
static int cform(nd_codim2_sys *s, int order, const double complex *const *z, double complex *out)
{
    size_t k = s->k;
    double re[5][KMAX], im[5][KMAX], t[KMAX];
    int has_im[5];
    for (int i = 0; i < order; i++) {
        for (size_t a = 0; a < k; a++) re[i][a] = creal(z[i][a]), im[i][a] = cimag(z[i][a]);
        has_im[i] = !is_zero(im[i], k);
    }
    for (size_t a = 0; a < k; a++) out[a] = 0;
    for (unsigned mask = 0; mask < (1u << order); mask++) {
        const double *args[5];
        int skip = 0, nim = 0;
        for (int i = 0; i < order; i++) {
            if ((mask >> i) & 1) {
                if (!has_im[i]) skip = 1;
                args[i] = im[i], nim++;
            } else {
                args[i] = re[i];
            }
        }
        if (skip) continue;
        if (nd_codim2_form(s, order, args, t, NULL)) return -1;
        double complex f = (nim % 4 == 0) ? 1 : (nim % 4 == 1) ? I : (nim % 4 == 2) ? -1 : -I;
        for (size_t a = 0; a < k; a++) out[a] += f * t[a];
    }
    return 0;
}

static int cB(nd_codim2_sys *s, const double complex *a, const double complex *b, double complex *out)
{
    const double complex *z[2] = {a, b};
    return cform(s, 2, z, out);
}

static int cC(nd_codim2_sys *s, const double complex *a, const double complex *b, const double complex *c,
              double complex *out)
{
    const double complex *z[3] = {a, b, c};
    return cform(s, 3, z, out);
}

static int cD(nd_codim2_sys *s, const double complex *a, const double complex *b, const double complex *c,
              const double complex *d, double complex *out)
{
    const double complex *z[4] = {a, b, c, d};
    return cform(s, 4, z, out);
}

/* ---- linear algebra ------------------------------------------------------------------------- */
/* Solves M z = r with M (n x n, complex, row-major); 0 on success. */
static int csolve(size_t n, const double complex *M, const double complex *r, double complex *z)
{
    gsl_matrix_complex *Mm = gsl_matrix_complex_alloc(n, n);
    gsl_vector_complex *b = gsl_vector_complex_alloc(n), *x = gsl_vector_complex_alloc(n);
    gsl_permutation *perm = gsl_permutation_alloc(n);
    int rc = -1, sign;
    if (Mm && b && x && perm) {
        for (size_t i = 0; i < n; i++) {
            for (size_t j = 0; j < n; j++)
                gsl_matrix_complex_set(Mm, i, j, gsl_complex_rect(creal(M[i * n + j]), cimag(M[i * n + j])));
            gsl_vector_complex_set(b, i, gsl_complex_rect(creal(r[i]), cimag(r[i])));
        }
        rc = gsl_linalg_complex_LU_decomp(Mm, perm, &sign);
        for (size_t i = 0; !rc && i < n; i++) {
            gsl_complex d = gsl_matrix_complex_get(Mm, i, i);
            if (GSL_REAL(d) == 0 && GSL_IMAG(d) == 0) rc = -1;
        }
        if (!rc) rc = gsl_linalg_complex_LU_solve(Mm, perm, b, x);
        for (size_t i = 0; !rc && i < n; i++) {
            gsl_complex e = gsl_vector_complex_get(x, i);
            z[i] = GSL_REAL(e) + I * GSL_IMAG(e);
            if (!isfinite(creal(z[i])) || !isfinite(cimag(z[i]))) rc = -1;
        }
    }
    if (Mm) gsl_matrix_complex_free(Mm);
    if (b) gsl_vector_complex_free(b);
    if (x) gsl_vector_complex_free(x);
    if (perm) gsl_permutation_free(perm);
    return rc;
}

/* (sh I - A) z = r. */
static int cshift_solve(size_t k, const double *A, double complex sh, const double complex *r, double complex *z)
{
    double complex *M = malloc(k * k * sizeof *M);
    if (!M) return -1;
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < k; j++) M[i * k + j] = (i == j ? sh : 0) - A[i * k + j];
    int rc = csolve(k, M, r, z);
    free(M);
    return rc;
}

/* The bordered system [sh I - A, q; p^H, 0] [z; s] = [r; 0]: z = (sh I - A)^INV r with <p, z> = 0. */
static int cbordered_solve(size_t k, const double *A, double complex sh, const double complex *q,
                           const double complex *p, const double complex *r, double complex *z)
{
    size_t n = k + 1;
    double complex *M = calloc(n * n + 2 * n, sizeof *M);
    if (!M) return -1;
    double complex *rhs = M + n * n, *sol = rhs + n;
    for (size_t i = 0; i < k; i++) {
        for (size_t j = 0; j < k; j++) M[i * n + j] = (i == j ? sh : 0) - A[i * k + j];
        M[i * n + k] = q[i];
        M[k * n + i] = conj(p[i]);
        rhs[i] = r[i];
    }
    int rc = csolve(n, M, rhs, sol);
    for (size_t i = 0; !rc && i < k; i++) z[i] = sol[i];
    free(M);
    return rc;
}

static double complex cdot(const double complex *p, const double complex *q, size_t k) /* <p, q> = p^H q */
{
    double complex s = 0;
    for (size_t i = 0; i < k; i++) s += conj(p[i]) * q[i];
    return s;
}

/* The eigenvector of M (k x k) for the eigenvalue closest to target. */
static int eigvec(size_t k, const double *M, double complex target, double complex *vec, double complex *val)
{
    double *copy = malloc(k * k * sizeof *copy);
    gsl_vector_complex *ev = gsl_vector_complex_alloc(k);
    gsl_matrix_complex *evec = gsl_matrix_complex_alloc(k, k);
    gsl_eigen_nonsymmv_workspace *w = gsl_eigen_nonsymmv_alloc(k);
    int rc = -1;
    if (copy && ev && evec && w) {
        memcpy(copy, M, k * k * sizeof *copy);
        gsl_matrix_view Mv = gsl_matrix_view_array(copy, k, k);
        rc = gsl_eigen_nonsymmv(&Mv.matrix, ev, evec, w);
    }
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
    free(copy);
    if (ev) gsl_vector_complex_free(ev);
    if (evec) gsl_matrix_complex_free(evec);
    if (w) gsl_eigen_nonsymmv_free(w);
    return rc;
}

/* ---- Lyapunov coefficients ------------------------------------------------------------------ */
nd_status nd_codim2_lyapunov(nd_codim2_sys *s, double omega_in, double *omega, double *l1, double *l2,
                             nd_error *err)
{
    size_t k = s->k;
    if (k < 2) return nd_fail(err, ND_EINVAL, "Lyapunov coefficients: need 2 or more free variables");
    gsl_set_error_handler_off();
    double A[KMAX * KMAX], At[KMAX * KMAX];
    nd_status st = nd_codim2_jacobian(s, A, err);
    if (st) return st;
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < k; j++) At[i * k + j] = A[j * k + i];
    double complex q[KMAX], p[KMAX], lam;
    double w = omega_in;
    if (!(w > 0)) { /* the pair closest to the imaginary axis */
        double best = INFINITY;
        gsl_vector_complex *e = gsl_vector_complex_alloc(k);
        gsl_eigen_nonsymm_workspace *ws = gsl_eigen_nonsymm_alloc(k);
        double M[KMAX * KMAX];
        memcpy(M, A, k * k * sizeof *M);
        gsl_matrix_view Mv = gsl_matrix_view_array(M, k, k);
        int rc = e && ws ? gsl_eigen_nonsymm(&Mv.matrix, e, ws) : -1;
        for (size_t i = 0; !rc && i < k; i++) {
            gsl_complex z = gsl_vector_complex_get(e, i);
            if (GSL_IMAG(z) > 0 && fabs(GSL_REAL(z)) < best) best = fabs(GSL_REAL(z)), w = GSL_IMAG(z);
        }
        if (e) gsl_vector_complex_free(e);
        if (ws) gsl_eigen_nonsymm_free(ws);
        if (!(w > 0)) return nd_fail(err, ND_EFAILED, "Lyapunov coefficients: no pair of eigenvalues +-i omega");
    }
    if (eigvec(k, A, I * w, q, &lam) || eigvec(k, At, -I * w, p, &lam))
        return nd_fail(err, ND_EFAILED, "Lyapunov coefficients: eigenvectors failed");
    /* <q, q> = 1 and <p, q> = 1 (MatCont's nf_H; Kuznetsov, Elements, sec. 3.5) */
    double nq = creal(cdot(q, q, k));
    for (size_t i = 0; i < k; i++) q[i] /= sqrt(nq);
    double complex pq = cdot(p, q, k);
    for (size_t i = 0; i < k; i++) p[i] /= conj(pq);
    double complex qb[KMAX], t1[KMAX], t2[KMAX], t3[KMAX], h20[KMAX], h11[KMAX], r[KMAX];
    for (size_t i = 0; i < k; i++) qb[i] = conj(q[i]);
    const char *why = NULL;
    /* h20 = (2 i w - A)^-1 B(q, q), h11 = -A^-1 B(q, qbar) */
    if (cB(s, q, q, t1) || cB(s, q, qb, t2)) goto nonfinite;
    if (cshift_solve(k, A, 2 * I * w, t1, h20) || cshift_solve(k, A, 0, t2, h11)) {
        why = "A or 2 i omega - A is singular";
        goto singular;
    }
    /* c1 = <p, C(q,q,qbar) + B(qbar, h20) + 2 B(q, h11)> / 2 */
    if (cC(s, q, q, qb, t1) || cB(s, qb, h20, t2) || cB(s, q, h11, t3)) goto nonfinite;
    for (size_t i = 0; i < k; i++) r[i] = t1[i] + t2[i] + 2 * t3[i];
    double complex c1 = 0.5 * cdot(p, r, k);
    *omega = w;
    *l1 = creal(c1) / w; /* Elements eq. 3.20 */
    if (!l2) return ND_OK;
    *l2 = NAN;
    {
        double complex h30[KMAX], h21[KMAX], h31[KMAX], h22[KMAX], h02[KMAX], h12[KMAX], acc[KMAX], u[KMAX];
        for (size_t i = 0; i < k; i++) h02[i] = conj(h20[i]);
        /* h30 = (3 i w - A)^-1 [C(q,q,q) + 3 B(q, h20)] */
        if (cC(s, q, q, q, t1) || cB(s, q, h20, t2)) goto nonfinite;
        for (size_t i = 0; i < k; i++) u[i] = t1[i] + 3 * t2[i];
        if (cshift_solve(k, A, 3 * I * w, u, h30)) {
            why = "3 i omega - A is singular";
            goto singular;
        }
        /* h21 = (i w - A)^INV [C(q,q,qbar) + B(qbar,h20) + 2 B(q,h11) - 2 c1 q], <p, h21> = 0 */
        for (size_t i = 0; i < k; i++) u[i] = r[i] - 2 * c1 * q[i];
        if (cbordered_solve(k, A, I * w, q, p, u, h21)) {
            why = "the bordered system for h21 is singular";
            goto singular;
        }
        for (size_t i = 0; i < k; i++) h12[i] = conj(h21[i]);
        /* h31 = (2 i w - A)^-1 [D(q,q,q,qbar) + 3 C(q,q,h11) + 3 C(q,qbar,h20) + 3 B(h20,h11)
         *                      + B(qbar,h30) + 3 B(q,h21) - 6 c1 h20] */
        for (size_t i = 0; i < k; i++) u[i] = -6 * c1 * h20[i];
        if (cD(s, q, q, q, qb, t1)) goto nonfinite;
        for (size_t i = 0; i < k; i++) u[i] += t1[i];
        if (cC(s, q, q, h11, t1) || cC(s, q, qb, h20, t2) || cB(s, h20, h11, t3)) goto nonfinite;
        for (size_t i = 0; i < k; i++) u[i] += 3 * (t1[i] + t2[i] + t3[i]);
        if (cB(s, qb, h30, t1) || cB(s, q, h21, t2)) goto nonfinite;
        for (size_t i = 0; i < k; i++) u[i] += t1[i] + 3 * t2[i];
        if (cshift_solve(k, A, 2 * I * w, u, h31)) {
            why = "2 i omega - A is singular";
            goto singular;
        }
        /* h22 = -A^-1 [D(q,q,qbar,qbar) + 4 C(q,qbar,h11) + C(qbar,qbar,h20) + C(q,q,h02)
         *              + 2 B(h11,h11) + 2 B(q,h12) + 2 B(qbar,h21) + B(h02,h20) - 4 (c1 + conj c1) h11] */
        for (size_t i = 0; i < k; i++) u[i] = -4 * (c1 + conj(c1)) * h11[i];
        if (cD(s, q, q, qb, qb, t1)) goto nonfinite;
        for (size_t i = 0; i < k; i++) u[i] += t1[i];
        if (cC(s, q, qb, h11, t1) || cC(s, qb, qb, h20, t2) || cC(s, q, q, h02, t3)) goto nonfinite;
        for (size_t i = 0; i < k; i++) u[i] += 4 * t1[i] + t2[i] + t3[i];
        if (cB(s, h11, h11, t1) || cB(s, q, h12, t2) || cB(s, qb, h21, t3)) goto nonfinite;
        for (size_t i = 0; i < k; i++) u[i] += 2 * (t1[i] + t2[i] + t3[i]);
        if (cB(s, h02, h20, t1)) goto nonfinite;
        for (size_t i = 0; i < k; i++) u[i] += t1[i];
        if (cshift_solve(k, A, 0, u, h22)) {
            why = "A is singular";
            goto singular;
        }
        /* c2 = <p, E(q,q,q,qbar,qbar) + D(q,q,q,h02) + 3 D(q,qbar,qbar,h20) + 6 D(q,q,qbar,h11)
         *          + C(qbar,qbar,h30) + 3 C(q,q,h12) + 6 C(q,qbar,h21) + 3 C(q,h02,h20)
         *          + 6 C(q,h11,h11) + 6 C(qbar,h20,h11) + 2 B(qbar,h31) + 3 B(q,h22)
         *          + B(h02,h30) + 3 B(h12,h20) + 6 B(h11,h21)> / 12
         * (Kuznetsov (1999), generalised Hopf, and Elements, 3rd ed., sec. 8.7; term by term as
         * MatCont's nf_GH, re-derived from the homological equation at z^3 zbar^2) */
        {
            const double complex *z5[5] = {q, q, q, qb, qb};
            if (cform(s, 5, z5, acc)) goto nonfinite;
        }
        if (cD(s, q, q, q, h02, t1) || cD(s, q, qb, qb, h20, t2) || cD(s, q, q, qb, h11, t3)) goto nonfinite;
        for (size_t i = 0; i < k; i++) acc[i] += t1[i] + 3 * t2[i] + 6 * t3[i];
        if (cC(s, qb, qb, h30, t1) || cC(s, q, q, h12, t2) || cC(s, q, qb, h21, t3)) goto nonfinite;
        for (size_t i = 0; i < k; i++) acc[i] += t1[i] + 3 * t2[i] + 6 * t3[i];
        if (cC(s, q, h02, h20, t1) || cC(s, q, h11, h11, t2) || cC(s, qb, h20, h11, t3)) goto nonfinite;
        for (size_t i = 0; i < k; i++) acc[i] += 3 * t1[i] + 6 * t2[i] + 6 * t3[i];
        if (cB(s, qb, h31, t1) || cB(s, q, h22, t2) || cB(s, h02, h30, t3)) goto nonfinite;
        for (size_t i = 0; i < k; i++) acc[i] += 2 * t1[i] + 3 * t2[i] + t3[i];
        if (cB(s, h12, h20, t1) || cB(s, h11, h21, t2)) goto nonfinite;
        for (size_t i = 0; i < k; i++) acc[i] += 3 * t1[i] + 6 * t2[i];
        double complex c2 = cdot(p, acc, k) / 12.0;
        *l2 = creal(c2) / w; /* MatCont's nf_GH prints creal(c2) */
    }
    return ND_OK;
nonfinite:
    return nd_fail(err, ND_ENONFINITE, "Lyapunov coefficients: the right-hand side of %s is not finite near the point",
                   s->m->name);
singular:
    return nd_fail(err, ND_EFAILED, "Lyapunov coefficients: %s", why);
}

/* ---- Bogdanov–Takens and cusp --------------------------------------------------------------- */
/* Solves [M b; c^T 0] [z; s] = [r; 0] (M k x k real). */
static int rbordered_solve(size_t k, const double *M, const double *b, const double *c, const double *r, double *z)
{
    size_t n = k + 1;
    double *B = calloc(n * n + n, sizeof *B);
    gsl_permutation *perm = gsl_permutation_alloc(n);
    int rc = -1, sign;
    if (B && perm) {
        double *x = B + n * n;
        for (size_t i = 0; i < k; i++) {
            for (size_t j = 0; j < k; j++) B[i * n + j] = M[i * k + j];
            B[i * n + k] = b[i], B[k * n + i] = c[i];
            x[i] = r[i];
        }
        x[k] = 0;
        gsl_matrix_view Bm = gsl_matrix_view_array(B, n, n);
        gsl_vector_view xv = gsl_vector_view_array(x, n);
        rc = gsl_linalg_LU_decomp(&Bm.matrix, perm, &sign) || gsl_linalg_LU_svx(&Bm.matrix, perm, &xv.vector);
        for (size_t i = 0; !rc && i < k; i++) {
            z[i] = x[i];
            if (!isfinite(z[i])) rc = -1;
        }
    }
    free(B);
    if (perm) gsl_permutation_free(perm);
    return rc;
}

/* Unit right and left singular vectors of A for its smallest singular value. */
static int null_vectors(size_t k, const double *A, double *q, double *p)
{
    double U[KMAX * KMAX], V[KMAX * KMAX], S[KMAX], work[KMAX];
    memcpy(U, A, k * k * sizeof *U);
    gsl_matrix_view Um = gsl_matrix_view_array(U, k, k), Vm = gsl_matrix_view_array(V, k, k);
    gsl_vector_view Sv = gsl_vector_view_array(S, k), Wv = gsl_vector_view_array(work, k);
    if (gsl_linalg_SV_decomp(&Um.matrix, &Vm.matrix, &Sv.vector, &Wv.vector)) return -1;
    for (size_t i = 0; i < k; i++) q[i] = V[i * k + k - 1], p[i] = U[i * k + k - 1];
    return 0;
}

static double dot(const double *a, const double *b, size_t k)
{
    double s = 0;
    for (size_t i = 0; i < k; i++) s += a[i] * b[i];
    return s;
}

nd_status nd_codim2_bt_coefficients(nd_codim2_sys *s, double *a, double *b, nd_error *err)
{
    size_t k = s->k;
    if (k < 2) return nd_fail(err, ND_EINVAL, "Bogdanov-Takens coefficients: need 2 or more free variables");
    gsl_set_error_handler_off();
    double A[KMAX * KMAX], At[KMAX * KMAX], q0[KMAX], q1[KMAX], p0[KMAX], p1[KMAX], t[KMAX];
    nd_status st = nd_codim2_jacobian(s, A, err);
    if (st) return st;
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < k; j++) At[i * k + j] = A[j * k + i];
    /* A q0 = 0, A q1 = q0, A^T p1 = 0, A^T p0 = p1 (bordered, so a point near BT is fine) */
    if (null_vectors(k, A, q0, p1) || rbordered_solve(k, A, p1, q0, q0, q1) || rbordered_solve(k, At, q0, p1, p1, p0))
        return nd_fail(err, ND_EFAILED, "Bogdanov-Takens coefficients: the Jordan chain is singular");
    /* |q0| = 1, <q0, q1> = 0; <p0, q0> = <p1, q1> = 1, <p0, q1> = 0 (MatCont's nf_BT; b does
     * not depend on the multiple of q0 in q1). (a, b) and (-a, -b) are the same normal form under
     * w -> -w, and MatCont leaves the sign to eig: the largest component of q0 is made positive
     * so that ours are reproducible. */
    size_t big = 0;
    for (size_t i = 1; i < k; i++)
        if (fabs(q0[i]) > fabs(q0[big])) big = i;
    double sgn = q0[big] < 0 ? -1 : 1, nq0 = sqrt(dot(q0, q0, k));
    for (size_t i = 0; i < k; i++) q0[i] *= sgn / nq0, q1[i] *= sgn / nq0;
    double g = dot(q0, q1, k);
    for (size_t i = 0; i < k; i++) q1[i] -= g * q0[i];
    double al = dot(p0, q0, k);
    if (!(fabs(al) > 0)) return nd_fail(err, ND_EFAILED, "Bogdanov-Takens coefficients: <p0, q0> = 0");
    for (size_t i = 0; i < k; i++) p0[i] /= al, p1[i] /= al;
    g = dot(p0, q1, k);
    for (size_t i = 0; i < k; i++) p0[i] -= g * p1[i];
    const double *v00[2] = {q0, q0}, *v01[2] = {q0, q1};
    if (nd_codim2_form(s, 2, v00, t, NULL)) goto nonfinite;
    *a = 0.5 * dot(p1, t, k);
    *b = dot(p0, t, k);
    if (nd_codim2_form(s, 2, v01, t, NULL)) goto nonfinite;
    *b += dot(p1, t, k);
    return ND_OK;
nonfinite:
    return nd_fail(err, ND_ENONFINITE, "Bogdanov-Takens coefficients: the right-hand side of %s is not finite",
                   s->m->name);
}

nd_status nd_codim2_fold_coefficient(nd_codim2_sys *s, double *a, nd_error *err)
{
    size_t k = s->k;
    gsl_set_error_handler_off();
    double A[KMAX * KMAX], q[KMAX], p[KMAX], Bqq[KMAX];
    nd_status st = nd_codim2_jacobian(s, A, err);
    if (st) return st;
    if (null_vectors(k, A, q, p)) return nd_fail(err, ND_EFAILED, "fold coefficient: SVD failed");
    double pq = dot(p, q, k);
    if (!(fabs(pq) > 1e-12)) return nd_fail(err, ND_EFAILED, "fold coefficient: <p, q> = 0 (a Bogdanov-Takens point)");
    const double *vqq[2] = {q, q};
    if (nd_codim2_form(s, 2, vqq, Bqq, NULL))
        return nd_fail(err, ND_ENONFINITE, "fold coefficient: the right-hand side of %s is not finite", s->m->name);
    *a = 0.5 * dot(p, Bqq, k) / pq;
    return ND_OK;
}

nd_status nd_codim2_cusp_coefficient(nd_codim2_sys *s, double *c, nd_error *err)
{
    size_t k = s->k;
    gsl_set_error_handler_off();
    double A[KMAX * KMAX], q[KMAX], p[KMAX], Bqq[KMAX], h2[KMAX], t[KMAX], t2[KMAX];
    nd_status st = nd_codim2_jacobian(s, A, err);
    if (st) return st;
    if (null_vectors(k, A, q, p)) return nd_fail(err, ND_EFAILED, "cusp coefficient: SVD failed");
    double pq = dot(p, q, k);
    if (!(fabs(pq) > 1e-12)) return nd_fail(err, ND_EFAILED, "cusp coefficient: <p, q> = 0 (a Bogdanov-Takens point)");
    for (size_t i = 0; i < k; i++) p[i] /= pq;
    const double *vqq[2] = {q, q};
    if (nd_codim2_form(s, 2, vqq, Bqq, NULL)) goto nonfinite;
    /* h2 = -A^INV (B(q,q) - <p, B(q,q)> q) with <p, h2> = 0: MatCont's nf_CP, the bordered system
     * [A q; p^T 0] (the projection makes the right-hand side lie in the range of A also where
     * the fold coefficient <p, B(q,q)> / 2 is not exactly 0, near the CP point) */
    double fold2 = dot(p, Bqq, k);
    for (size_t i = 0; i < k; i++) t[i] = fold2 * q[i] - Bqq[i];
    if (rbordered_solve(k, A, q, p, t, h2)) return nd_fail(err, ND_EFAILED, "cusp coefficient: singular bordered system");
    const double *vqqq[3] = {q, q, q}, *vqh[2] = {q, h2};
    if (nd_codim2_form(s, 3, vqqq, t, NULL) || nd_codim2_form(s, 2, vqh, t2, NULL)) goto nonfinite;
    for (size_t i = 0; i < k; i++) t[i] += 3 * t2[i];
    *c = dot(p, t, k) / 6;
    return ND_OK;
nonfinite:
    return nd_fail(err, ND_ENONFINITE, "cusp coefficient: the right-hand side of %s is not finite", s->m->name);
}

