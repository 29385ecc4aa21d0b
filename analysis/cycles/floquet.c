/* Floquet multipliers of a collocation cycle from the per-interval transfer matrices. */
#include <complex.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <klu.h>

#include "internal.h"

/* ---- Floquet multipliers -------------------------------------------------------------------------- */
/* Solves the dense (q x q) system in E (row-major, q rows, q + nr columns: the matrix then nr
 * right-hand sides) in place by Gaussian elimination with partial pivoting; solutions end up in
 * the last nr columns. */
static int dense_solve(double *E, size_t q, size_t nr)
{
    size_t ld = q + nr;
    for (size_t col = 0; col < q; col++) {
        size_t piv = col;
        double best = fabs(E[col * ld + col]);
        for (size_t r = col + 1; r < q; r++)
            if (fabs(E[r * ld + col]) > best) best = fabs(E[r * ld + col]), piv = r;
        if (best == 0.0) return -1;
        if (piv != col)
            for (size_t a = col; a < ld; a++) {
                double t = E[col * ld + a];
                E[col * ld + a] = E[piv * ld + a], E[piv * ld + a] = t;
            }
        double d = E[col * ld + col];
        for (size_t r = col + 1; r < q; r++) {
            double f = E[r * ld + col] / d;
            if (f == 0.0) continue;
            for (size_t a = col + 1; a < ld; a++) E[r * ld + a] -= f * E[col * ld + a];
        }
    }
    for (size_t rhs = q; rhs < ld; rhs++)
        for (size_t r = q; r-- > 0;) {
            double s = E[r * ld + rhs];
            for (size_t a = r + 1; a < q; a++) s -= E[r * ld + a] * E[a * ld + rhs];
            E[r * ld + rhs] = s / E[r * ld + r];
        }
    return 0;
}

/* An orthonormal cyc_basis (columns of Q, n x n row-major) whose first column is phi / |phi|
 * (Householder reflector, first column's sign fixed). */
static void flow_basis(size_t n, const double *phi, double *Q)
{
    double nrm = 0.0, w[64] = {0};
    for (size_t a = 0; a < n; a++) nrm += phi[a] * phi[a];
    nrm = sqrt(nrm);
    if (!(nrm > 0)) {
        for (size_t a = 0; a < n * n; a++) Q[a] = 0.0;
        for (size_t a = 0; a < n; a++) Q[a * n + a] = 1.0;
        return;
    }
    for (size_t a = 0; a < n; a++) w[a] = phi[a] / nrm;
    double sg = w[0] >= 0 ? 1.0 : -1.0;
    w[0] += sg; /* H = I - 2 w w^T / w^T w maps e_0 to -sg q */
    double ww = 0.0;
    for (size_t a = 0; a < n; a++) ww += w[a] * w[a];
    for (size_t a = 0; a < n; a++)
        for (size_t b = 0; b < n; b++) Q[a * n + b] = (a == b) - 2 * w[a] * w[b] / ww;
    for (size_t a = 0; a < n; a++) Q[a * n] *= -sg;
}

/* The transfer of mesh interval j of u (cyc_colloc_eval at level 2 done): the linearised
 * collocation equations of the interval, dx/ds = h T A(t) x at its Gauss points, solved for its
 * nodes 1..m in terms of node 0. On return the rows (k - 1) n .. k n - 1 of w->E, columns q ..
 * q + n - 1 (q = m n, leading dimension q + n), hold the map from node 0 to node k; node m's is
 * the interval's transfer matrix P_j. 0 on success, -1 for a singular block. */
int cyc_interval_transfer(nd_cycle_curve *c, const double *u, size_t j)
{
    cw *w = W(c);
    size_t n = w->n, m = w->m, q = m * n, ld = q + n;
    double T = exp(u[w->Nx]);
    double h = c->mesh[j + 1] - c->mesh[j];
    double *E = w->E;
    for (size_t i = 0; i < m; i++) {
        const double *A = w->Ac + (j * m + i) * n * n;
        for (size_t r = 0; r < n; r++) {
            double *row = E + (i * n + r) * ld;
            for (size_t kk = 0; kk <= m; kk++) {
                double dl = w->D[i][kk], hl = h * T * w->L[i][kk];
                for (size_t cc = 0; cc < n; cc++) {
                    double val = (r == cc ? dl : 0.0) - hl * A[r * n + cc];
                    if (kk == 0) row[q + cc] = -val; /* right-hand side: -E_L */
                    else row[(kk - 1) * n + cc] = val;
                }
            }
        }
    }
    return dense_solve(E, q, n);
}

/* Floquet multipliers of u (cached). The transfer matrix P_j of every interval comes from its
 * collocation block; in the bases Q_j (first vector along the flow f(x(t_j))) the transfer
 * matrices are block triangular up to the discretisation error: the flow direction is carried
 * into itself with the factor a_j, whose product over the period is the trivial multiplier
 * (1 up to the discretisation), and the transverse blocks R_j multiply to the (n-1) x (n-1)
 * matrix whose eigenvalues are the other multipliers. The products are rescaled as they grow, so
 * no intermediate overflow or cancellation against the trivial direction occurs (for planar
 * systems the non-trivial multiplier is a product of scalars, exact to rounding, however stiff
 * the cycle). */
nd_status cyc_floquet(nd_cycle_curve *c, const double *u, nd_error *err)
{
    cw *w = W(c);
    size_t n = w->n, m = w->m, N = w->N, q = m * n, ld = q + n, nt = n - 1;
    if (w->mu_valid && memcmp(u, w->mucache, N * sizeof *u) == 0) return ND_OK;
    nd_status st = cyc_colloc_eval(c, u, 2, err);
    if (st) return st;
    double par = u[N - 1];
    double *R = w->Mm, *Rt = w->Mt, *Q0 = w->Q0, *Qa = w->Qa, *Qb = w->Qb, *Pt = w->Pt, *phi = w->fa;
    for (size_t a = 0; a < nt * nt; a++) R[a] = 0.0;
    for (size_t a = 0; a < nt; a++) R[a * nt + a] = 1.0;
    double log_triv = 0.0, sign_triv = 1.0, log_R = 0.0;
    if (cyc_f_free(c, node(w, u, 0, 0), par, phi))
        return nd_fail(err, ND_ENONFINITE, "cycle curve: the right-hand side is not finite on the orbit");
    flow_basis(n, phi, Q0);
    memcpy(Qa, Q0, n * n * sizeof *Qa);
    for (size_t j = 0; j < w->ntst; j++) {
        if (cyc_interval_transfer(c, u, j))
            return nd_fail(err, ND_EFAILED, "cycle curve: singular collocation block in interval %zu", j);
        /* the basis at the end of the interval (the start's again at t = 1) */
        if (j + 1 < w->ntst) {
            if (cyc_f_free(c, node(w, u, j + 1, 0), par, phi))
                return nd_fail(err, ND_ENONFINITE, "cycle curve: the right-hand side is not finite on the orbit");
            flow_basis(n, phi, Qb);
        } else {
            memcpy(Qb, Q0, n * n * sizeof *Qb);
        }
        /* Pt = Qb^T P_j Qa, P_j = the last n rows of the solution */
        const double *P = w->E + (m - 1) * n * ld + q;
        for (size_t r = 0; r < n; r++)
            for (size_t cc = 0; cc < n; cc++) {
                double s = 0.0;
                for (size_t a = 0; a < n; a++) s += P[r * ld + a] * Qa[a * n + cc];
                Rt[r * n + cc] = s; /* P Qa */
            }
        for (size_t r = 0; r < n; r++)
            for (size_t cc = 0; cc < n; cc++) {
                double s = 0.0;
                for (size_t a = 0; a < n; a++) s += Qb[a * n + r] * Rt[a * n + cc];
                Pt[r * n + cc] = s;
            }
        double a0 = Pt[0];
        if (!(a0 != 0.0) || !isfinite(a0))
            return nd_fail(err, ND_EFAILED, "cycle curve: the flow direction is lost in interval %zu", j);
        log_triv += log(fabs(a0));
        if (a0 < 0) sign_triv = -sign_triv;
        /* R <- R_j R, rescaled */
        double big = 0.0;
        for (size_t r = 0; r < nt; r++)
            for (size_t cc = 0; cc < nt; cc++) {
                double s = 0.0;
                for (size_t a = 0; a < nt; a++) s += Pt[(r + 1) * n + a + 1] * R[a * nt + cc];
                Rt[r * nt + cc] = s;
                big = fmax(big, fabs(s));
            }
        if (!(big > 0) || !isfinite(big))
            return nd_fail(err, ND_EFAILED, "cycle curve: the transverse monodromy degenerates in interval %zu", j);
        for (size_t a = 0; a < nt * nt; a++) R[a] = Rt[a] / big;
        log_R += log(big);
        memcpy(Qa, Qb, n * n * sizeof *Qa);
    }
    double complex mu[64];
    mu[0] = sign_triv * exp(log_triv);
    double scale = exp(fmin(log_R, 700.0));
    if (nt == 1) {
        mu[1] = R[0] * scale;
    } else {
        for (size_t a = 0; a < nt * nt; a++) w->ewm->data[a] = R[a]; /* nt x nt, tda == nt */
        if (gsl_eigen_nonsymm(w->ewm, w->ewv, w->ew))
            return nd_fail(err, ND_EFAILED, "cycle curve: eigenvalues of the monodromy matrix failed");
        for (size_t a = 0; a < nt; a++) {
            gsl_complex z = gsl_vector_complex_get(w->ewv, a);
            mu[a + 1] = (GSL_REAL(z) + I * GSL_IMAG(z)) * scale;
        }
    }
    double complex t;
    for (size_t a = 1; a < n; a++) /* by modulus, descending; conjugate pairs: positive imag first */
        for (size_t b = a + 1; b < n; b++) {
            double ma = cabs(mu[a]), mb = cabs(mu[b]);
            if (mb > ma * (1 + 1e-12) || (fabs(mb - ma) <= 1e-12 * ma && cimag(mu[b]) > cimag(mu[a]))) {
                t = mu[a], mu[a] = mu[b], mu[b] = t;
            }
        }
    for (size_t a = 0; a < n; a++) w->mu_re[a] = creal(mu[a]), w->mu_im[a] = cimag(mu[a]);
    memcpy(w->mucache, u, N * sizeof *u);
    w->mu_valid = 1;
    return ND_OK;
}

