/* Private to analysis/homoclinic/ (method in include/neurodyn/homoclinic.h). The files:
 *   saddle.c   spectral projections of the saddle (matrix sign function), the reference rows
 *   bvp.c      the collocation residual, the sparse Jacobian, KLU, Newton, the curve type
 *   start.c    the start from a sampled orbit or a cycle, the mesh, extension of the truncation */
#ifndef ND_HOMOCLINIC_INTERNAL_H
#define ND_HOMOCLINIC_INTERNAL_H

#include <klu.h>

#include "neurodyn/homoclinic.h"

#define HMAXC 8

typedef struct hw {
    size_t n, m, ntst, nodes, npar, N, neq;
    double gs[HMAXC], gw[HMAXC];          /* Gauss points and weights on [0, 1] */
    double L[HMAXC][HMAXC], D[HMAXC][HMAXC]; /* l_k(s_i), l_k'(s_i) for the equidistant nodes */
    double *Rs, *Ru;                      /* n_s x n, n_u x n reference rows */
    double *phi;                          /* nodes x n: phase row (against the reference) */
    double *ref;                          /* nodes x n: the reference orbit */
    double phi_ref;                       /* <phi, ref> */
    /* scratch */
    double *A, *Ps, *Pu, *X, *Y, *fx, *fp, *xi, *yb;
    double *F, *Fp;                       /* neq each */
    /* sparse Jacobian: triplets in a fixed order, their CSC positions */
    size_t nnz;
    int *ti, *tj, *Ap, *Ai, *pos;
    double *tv, *Ax;
    double *border;                       /* N: the border row of the curve type (NULL: none) */
    klu_common kc;
    klu_symbolic *sym;
    klu_numeric *num;
} hw;

static inline hw *HW(const nd_homoclinic *h) { return h->work; }

/* saddle.c: P_s and P_u of A (n x n) into Ps, Pu; *nu the rank of P_u. 0 when the sign
 * iteration converged (A hyperbolic), -1 else. work: 3 n^2 doubles. */
int hom_projections(size_t n, const double *A, double *Ps, double *Pu, size_t *nu, double *work);
/* rows spanning the row space of P (rank r): r x n into R */
void hom_reference_rows(size_t n, const double *P, size_t r, double *R);
/* the real parts of the eigenvalues of A nearest the imaginary axis on either side */
void hom_leading_eigenvalues(size_t n, const double *A, double *lu, double *ls);

/* bvp.c */
nd_status hom_residual(nd_homoclinic *h, const double *z, double *F, nd_error *err);
nd_status hom_assemble_factor(nd_homoclinic *h, const double *z, nd_error *err);
nd_status hom_setup_references(nd_homoclinic *h, const double *z, nd_error *err);
nd_status hom_alloc_system(nd_homoclinic *h, nd_error *err);
int hom_f(const nd_homoclinic *h, const double *x, const double *z, double *out);

#endif
