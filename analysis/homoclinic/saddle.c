/* The saddle of a homoclinic orbit: the spectral projections onto its stable and unstable
 * subspaces from the matrix sign function, computed by the scaled Newton iteration
 * X <- (c X + (c X)^-1) / 2, c = |det X|^(-1/n) (Higham, Functions of Matrices, 2008, alg. 5.14);
 * P_u = (I + sign A) / 2, P_s = (I - sign A) / 2. Unlike eigenvectors these depend smoothly on A,
 * so the projection boundary conditions (HomCont, Champneys, Kuznetsov & Sandstede 1996) can be
 * differentiated by finite differences. */
#include <math.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_linalg.h>

#include "internal.h"

/* inverse of the n x n matrix X into Y; its |det| in *det; -1 when singular */
static int invert(size_t n, const double *X, double *Y, double *det)
{
    gsl_matrix *a = gsl_matrix_alloc(n, n), *inv = gsl_matrix_alloc(n, n);
    gsl_permutation *pm = gsl_permutation_alloc(n);
    int sg = 0, bad = 0;
    memcpy(a->data, X, n * n * sizeof *X);
    gsl_linalg_LU_decomp(a, pm, &sg);
    *det = fabs(gsl_linalg_LU_det(a, sg));
    if (!(*det > 0) || !isfinite(*det)) bad = 1;
    else {
        gsl_linalg_LU_invert(a, pm, inv);
        for (size_t i = 0; i < n * n; i++) Y[i] = inv->data[i];
    }
    gsl_matrix_free(a), gsl_matrix_free(inv), gsl_permutation_free(pm);
    return bad ? -1 : 0;
}

int hom_projections(size_t n, const double *A, double *Ps, double *Pu, size_t *nu, double *work)
{
    double *X = work, *Y = work + n * n;
    memcpy(X, A, n * n * sizeof *A);
    int done = 0;
    for (int it = 0; it < 100 && !done; it++) {
        double det;
        if (invert(n, X, Y, &det)) return -1;
        double c = pow(det, -1.0 / (double)n), diff = 0, size = 0;
        if (it > 6) c = 1; /* unscaled near convergence: quadratic */
        for (size_t i = 0; i < n * n; i++) {
            double v = 0.5 * (c * X[i] + Y[i] / c);
            diff += fabs(v - X[i]), size += fabs(v);
            X[i] = v;
        }
        if (!isfinite(diff)) return -1;
        if (diff <= 1e-15 * size) done = 1;
        else if (it > 8 && diff <= 1e-13 * size) done = 1;
    }
    if (!done) return -1;
    double tr = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            double id = i == j;
            Pu[i * n + j] = 0.5 * (id + X[i * n + j]);
            Ps[i * n + j] = 0.5 * (id - X[i * n + j]);
        }
    for (size_t i = 0; i < n; i++) tr += Pu[i * n + i];
    *nu = (size_t)lround(tr);
    return 0;
}

void hom_reference_rows(size_t n, const double *P, size_t r, double *R)
{
    /* P^T = U S V^T; P = V S U^T, and V_r^T P = S_r U_r^T has rank r: the rows of R are the
     * first r columns of V */
    gsl_matrix *a = gsl_matrix_alloc(n, n), *v = gsl_matrix_alloc(n, n);
    gsl_vector *s = gsl_vector_alloc(n), *wk = gsl_vector_alloc(n);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) gsl_matrix_set(a, i, j, P[j * n + i]);
    gsl_linalg_SV_decomp(a, v, s, wk);
    for (size_t k = 0; k < r; k++)
        for (size_t j = 0; j < n; j++) R[k * n + j] = gsl_matrix_get(v, j, k);
    gsl_matrix_free(a), gsl_matrix_free(v), gsl_vector_free(s), gsl_vector_free(wk);
}

void hom_leading_eigenvalues(size_t n, const double *A, double *lu, double *ls)
{
    gsl_matrix *a = gsl_matrix_alloc(n, n);
    gsl_vector_complex *ev = gsl_vector_complex_alloc(n);
    gsl_eigen_nonsymm_workspace *w = gsl_eigen_nonsymm_alloc(n);
    memcpy(a->data, A, n * n * sizeof *A);
    *lu = INFINITY, *ls = -INFINITY;
    if (!gsl_eigen_nonsymm(a, ev, w))
        for (size_t i = 0; i < n; i++) {
            double re = GSL_REAL(gsl_vector_complex_get(ev, i));
            if (re > 0 && re < *lu) *lu = re;
            if (re < 0 && re > *ls) *ls = re;
        }
    gsl_matrix_free(a), gsl_vector_complex_free(ev), gsl_eigen_nonsymm_free(w);
}
