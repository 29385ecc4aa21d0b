/* Eigenvalues of a curve point's Jacobian, for the test functions of the equilibrium, fold and
 * Hopf curves. */
#include <string.h>

#include <gsl/gsl_eigen.h>

#include "internal.h"

int nd_curve_eigenvalues(size_t k, const double *A, double complex *lam)
{
    double copy[64 * 64];
    if (k > 64) return -1;
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
