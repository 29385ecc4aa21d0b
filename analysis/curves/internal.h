/* Shared by the curve types of analysis/curves/ (not installed). */
#ifndef ND_CURVES_INTERNAL_H
#define ND_CURVES_INTERNAL_H

#include <complex.h>
#include <stddef.h>

/* The eigenvalues of the k x k row-major matrix A (k <= 64), unsorted; 0, or -1 when GSL fails
 * or runs out of memory. */
int nd_curve_eigenvalues(size_t k, const double *A, double complex *lam);

#endif
