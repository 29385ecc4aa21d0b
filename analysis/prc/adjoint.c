/* The infinitesimal PRC by the adjoint method, on the collocation mesh of the cycle.
 *
 * Z(t) = grad of the asymptotic phase (in time) on the cycle solves Z' = -J(gamma(t))^T Z, is
 * T-periodic, and Z . f(gamma) = 1 (Ermentrout 1996, Neural Comput. 8:979; Ermentrout & Terman
 * 2010, Mathematical Foundations of Neuroscience, sec. 8.2; it is what XPPAUT's "adjoint"
 * computes). On the unit interval tau = t / T the equation reads dZ/dtau = -T J^T Z.
 *
 * Discretisation: the cycle's own mesh 0 = tau_0 < ... < tau_N = 1 (AUTO's adapted mesh,
 * analysis/cycles) and degree m = ncol: on every interval Z is the polynomial through m + 1
 * equidistant nodes, and the equation holds at the m Gauss–Legendre points, where J is
 * evaluated at the collocation polynomial of the cycle (Doedel, Keller & Kernevez 1991, IJBC
 * 1:745, the same scheme as the cycle's). On interval j the m n collocation equations determine
 * the m left nodes from the right end node: Z(tau_j) = Q_j Z(tau_{j+1}) and the interior nodes
 * likewise (a dense m n x m n solve per interval; this is condensation of parameters). Backward
 * in time the adjoint is as stable as the forward flow: the product M = Q_0 Q_1 ... Q_{N-1} is the
 * transpose of the collocation monodromy matrix, its eigenvalues the Floquet multipliers. The
 * periodic Z(0) is the null vector of M - I (the right singular vector of its smallest singular
 * value: robust when the other multipliers are tiny, i.e. a strongly attracting cycle), scaled so
 * that Z(0) . f(gamma(0)) = 1, and one backward sweep gives every node. Z . f is conserved by the
 * exact adjoint flow; its largest deviation from 1 over the nodes is reported (norm_dev) as the
 * check of the discretisation. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_integration.h>
#include <gsl/gsl_linalg.h>

#include "internal.h"

#define MAXM 8

/* Lagrange basis on the equidistant nodes k / m of [0, 1]: l_k(s) and l_k'(s). */
static void basis(size_t m, double s, double *l, double *dl)
{
    for (size_t k = 0; k <= m; k++) {
        double sk = (double)k / (double)m, val = 1.0, der = 0.0;
        for (size_t i = 0; i <= m; i++) {
            if (i == k) continue;
            double si = (double)i / (double)m;
            double prod = 1.0 / (sk - si);
            for (size_t j = 0; j <= m; j++) {
                if (j == k || j == i) continue;
                double sj = (double)j / (double)m;
                prod *= (s - sj) / (sk - sj);
            }
            der += prod;
            val *= (s - si) / (sk - si);
        }
        l[k] = val, dl[k] = der;
    }
}

typedef struct adj {
    const prc_cycle *pc;
    size_t n, m, N;
    const double *mesh;
    double *X;      /* N x (m n x n): the left and interior nodes from the right end */
    double *Z;      /* (N m + 1) x n nodes */
} adj;

/* The maps of interval j: X_j (m n x n) with Z_{j,k} = X_j[k] Z_{j,m}. */
static nd_status interval_maps(adj *a, size_t j, gsl_integration_glfixed_table *gl, double *J, double *x,
                               gsl_matrix *B, gsl_matrix *R, gsl_permutation *perm, nd_error *err)
{
    size_t n = a->n, m = a->m, mn = m * n;
    double t0 = a->mesh[j], h = a->mesh[j + 1] - t0, T = a->pc->T;
    gsl_matrix_set_zero(B);
    gsl_matrix_set_zero(R);
    for (size_t i = 0; i < m; i++) {
        double sg, wg, l[MAXM + 1], dl[MAXM + 1];
        gsl_integration_glfixed_point(0.0, 1.0, i, &sg, &wg, gl);
        basis(m, sg, l, dl);
        nd_cycle_curve_eval(&a->pc->c, a->pc->u, t0 + h * sg, x);
        nd_status st = nd_jacobian(a->pc->m, 0.0, x, a->pc->p, J, err);
        if (st) return st;
        for (size_t k = 0; k <= m; k++)
            for (size_t r = 0; r < n; r++)
                for (size_t c = 0; c < n; c++) {
                    double v = T * l[k] * J[c * n + r] + (r == c ? dl[k] / h : 0.0);
                    if (k < m) gsl_matrix_set(B, i * n + r, k * n + c, v);
                    else gsl_matrix_set(R, i * n + r, c, -v);
                }
    }
    int sign, singular = gsl_linalg_LU_decomp(B, perm, &sign) != 0;
    for (size_t r = 0; r < mn && !singular; r++) singular = !(fabs(gsl_matrix_get(B, r, r)) > 0);
    if (singular) return nd_fail(err, ND_EFAILED, "PRC: the adjoint collocation block of interval %zu is singular", j);
    double *Xj = a->X + j * mn * n;
    gsl_vector *col = gsl_vector_alloc(mn);
    if (!col) return nd_fail(err, ND_ENOMEM, "PRC: no memory");
    for (size_t c = 0; c < n; c++) {
        gsl_matrix_get_col(col, R, c);
        gsl_linalg_LU_svx(B, perm, col);
        for (size_t r = 0; r < mn; r++) Xj[r * n + c] = gsl_vector_get(col, r);
    }
    gsl_vector_free(col);
    return ND_OK;
}

/* Z(0): the null vector of M - I, with Z(0) . f(gamma(0)) = 1. */
static nd_status periodic_start(adj *a, double *z, double *work, nd_error *err)
{
    size_t n = a->n, m = a->m, mn = m * n;
    double *M = work, *tmp = work + n * n;
    for (size_t r = 0; r < n; r++)
        for (size_t c = 0; c < n; c++) M[r * n + c] = r == c;
    for (size_t j = a->N; j-- > 0;) {
        const double *Q = a->X + j * mn * n; /* rows 0..n-1: the left end node */
        for (size_t r = 0; r < n; r++)
            for (size_t c = 0; c < n; c++) {
                double s = 0.0;
                for (size_t k = 0; k < n; k++) s += Q[r * n + k] * M[k * n + c];
                tmp[r * n + c] = s;
            }
        memcpy(M, tmp, n * n * sizeof *M);
    }
    gsl_matrix *A = gsl_matrix_alloc(n, n), *V = gsl_matrix_alloc(n, n);
    gsl_vector *S = gsl_vector_alloc(n), *wk = gsl_vector_alloc(n);
    nd_status st = (A && V && S && wk) ? ND_OK : nd_fail(err, ND_ENOMEM, "PRC: no memory");
    if (!st) {
        for (size_t r = 0; r < n; r++)
            for (size_t c = 0; c < n; c++) gsl_matrix_set(A, r, c, M[r * n + c] - (r == c));
        if (gsl_linalg_SV_decomp(A, V, S, wk)) st = nd_fail(err, ND_EFAILED, "PRC: SVD of the adjoint monodromy failed");
    }
    if (!st) {
        double *x = tmp, *f = tmp + n, dot = 0.0;
        nd_cycle_curve_eval(&a->pc->c, a->pc->u, 0.0, x);
        a->pc->m->rhs(0.0, x, a->pc->p, f);
        for (size_t r = 0; r < n; r++) z[r] = gsl_matrix_get(V, r, n - 1), dot += z[r] * f[r];
        if (!(fabs(dot) > 0) || !isfinite(dot))
            st = nd_fail(err, ND_EFAILED, "PRC: the periodic adjoint solution is orthogonal to the flow");
        else
            for (size_t r = 0; r < n; r++) z[r] /= dot;
    }
    gsl_matrix_free(A), gsl_matrix_free(V), gsl_vector_free(S), gsl_vector_free(wk);
    return st;
}

/* Z at tau in [0, 1] from the nodes */
static void z_at(const adj *a, double tau, double *z)
{
    size_t lo = 0, hi = a->N;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (a->mesh[mid] <= tau) lo = mid;
        else hi = mid;
    }
    double l[MAXM + 1], dl[MAXM + 1];
    basis(a->m, (tau - a->mesh[lo]) / (a->mesh[lo + 1] - a->mesh[lo]), l, dl);
    for (size_t r = 0; r < a->n; r++) {
        double s = 0.0;
        for (size_t k = 0; k <= a->m; k++) s += l[k] * a->Z[(lo * a->m + k) * a->n + r];
        z[r] = s;
    }
}

nd_status prc_adjoint(const prc_cycle *pc, const nd_prc_opts *o, nd_prc *out, nd_error *err)
{
    adj a = {.pc = pc, .n = pc->n, .m = pc->c.ncol, .N = pc->c.ntst, .mesh = pc->c.mesh};
    size_t n = a.n, m = a.m, mn = m * n, nodes = a.N * m + 1, np = o->n_phases;
    nd_status st = nd_check_alloc((a.N * mn * n + nodes * n) * sizeof(double), "adjoint PRC", err);
    if (st) return st;
    a.X = malloc(a.N * mn * n * sizeof *a.X);
    a.Z = malloc(nodes * n * sizeof *a.Z);
    double *work = malloc((2 * n * n + 4 * n) * sizeof *work);
    gsl_integration_glfixed_table *gl = gsl_integration_glfixed_table_alloc(m);
    gsl_matrix *B = gsl_matrix_alloc(mn, mn), *R = gsl_matrix_alloc(mn, n);
    gsl_permutation *perm = gsl_permutation_alloc(mn);
    out->theta = malloc(np * sizeof *out->theta);
    out->x = malloc(np * n * sizeof *out->x);
    out->z = malloc(np * n * sizeof *out->z);
    if (!a.X || !a.Z || !work || !gl || !B || !R || !perm || !out->theta || !out->x || !out->z)
        st = nd_fail(err, ND_ENOMEM, "PRC: no memory for the adjoint");
    double *J = work, *x = work + n * n;
    for (size_t j = 0; j < a.N && !st; j++) st = interval_maps(&a, j, gl, J, x, B, R, perm, err);
    if (!st) st = periodic_start(&a, a.Z + (nodes - 1) * n, work, err);
    if (!st) {
        for (size_t j = a.N; j-- > 0;) {
            const double *Xj = a.X + j * mn * n, *zr = a.Z + (j + 1) * m * n;
            for (size_t k = 0; k < m; k++)
                for (size_t r = 0; r < n; r++) {
                    double s = 0.0;
                    for (size_t c = 0; c < n; c++) s += Xj[(k * n + r) * n + c] * zr[c];
                    a.Z[(j * m + k) * n + r] = s;
                }
        }
        double *f = work + n * n + n, dev = 0.0;
        for (size_t g = 0; g < nodes; g++) {
            size_t j = g / m, k = g % m;
            if (j == a.N) j = a.N - 1, k = m;
            nd_cycle_curve_eval(&pc->c, pc->u, a.mesh[j] + (a.mesh[j + 1] - a.mesh[j]) * (double)k / (double)m, x);
            pc->m->rhs(0.0, x, pc->p, f);
            double dot = 0.0;
            for (size_t r = 0; r < n; r++) dot += a.Z[g * n + r] * f[r];
            dev = fmax(dev, fabs(dot - 1.0));
        }
        out->norm_dev = dev;
        out->n = np;
        for (size_t i = 0; i < np; i++) {
            double th = (double)i / (double)np, tau = pc->tau0 + th;
            out->theta[i] = th;
            prc_cycle_at(pc, th, out->x + i * n);
            z_at(&a, tau - floor(tau), out->z + i * n);
        }
    }
    free(a.X), free(a.Z), free(work);
    if (gl) gsl_integration_glfixed_table_free(gl);
    gsl_matrix_free(B), gsl_matrix_free(R), gsl_permutation_free(perm);
    return st;
}
