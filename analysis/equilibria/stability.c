/* Stability of an equilibrium from the eigenvalues of its Jacobian (GSL's nonsymmetric
 * eigensolver) and the type names of BrainPy's analysis module. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>

#include "neurodyn/analysis.h"

/* BrainPy's 2D decision tree on trace p, determinant q and discriminant e = p^2 - 4q
 * (brainpy.analysis.stability), with one name changed: q < 0 is a "saddle" (BrainPy says
 * "saddle node", which AUTO, MatCont and XPPAUT users read as the fold bifurcation, LP).
 * "Zero" is relative to the size of the entries, so a Jacobian from finite differences
 * lands where the exact one would. */
const char *nd_stability_type_2d(double a, double b, double c, double d)
{
    double s = fmax(fmax(fabs(a), fabs(b)), fmax(fabs(c), fabs(d)));
    double p = a + d, q = a * d - b * c, e = p * p - 4.0 * q;
    const double tol = ND_STABILITY_RTOL;
    int p0 = fabs(p) <= tol * s, q0 = fabs(q) <= tol * s * s, e0 = fabs(e) <= tol * s * s;
    if (!q0 && q < 0) return "saddle";
    if (q0) return (p0 || p < 0) ? "center manifold" : "unstable line";
    if (p0) return "center";
    int diagonal = fabs(b) <= tol * s && fabs(c) <= tol * s;
    if (p > 0) {
        if (e0) return diagonal ? "unstable star" : "unstable degenerate";
        return e < 0 ? "unstable focus" : "unstable node";
    }
    if (e0) return diagonal ? "stable star" : "stable degenerate";
    return e < 0 ? "stable focus" : "stable node";
}

/* kD types from the signs of the real parts and whether any pair is complex. */
static const char *type_from_signature(size_t k, const double *re, const double *im)
{
    double scale = 0.0;
    for (size_t i = 0; i < k; i++) scale = fmax(scale, hypot(re[i], im[i]));
    const double tol = ND_STABILITY_RTOL * fmax(scale, 1e-300);
    size_t pos = 0, neg = 0, zero = 0;
    int complex_pair = 0;
    for (size_t i = 0; i < k; i++) {
        if (re[i] > tol) pos++;
        else if (re[i] < -tol) neg++;
        else zero++;
        if (fabs(im[i]) > tol) complex_pair = 1;
    }
    if (zero) return "non-hyperbolic";
    if (neg == k) return complex_pair ? "stable focus" : "stable node";
    if (pos == k) return complex_pair ? "unstable focus" : "unstable node";
    return complex_pair ? "saddle-focus" : "saddle";
}

typedef struct eig_pair {
    double re, im;
    size_t col;
} eig_pair;

static int by_real_desc(const void *a, const void *b)
{
    const eig_pair *x = a, *y = b;
    if (x->re != y->re) return x->re < y->re ? 1 : -1;
    return (x->im < y->im) - (x->im > y->im); /* +i before -i */
}

nd_status nd_stability(size_t k, const double *J, double *re, double *im, double *vec_re,
                       double *vec_im, const char **type, int *stable, nd_error *err)
{
    if (k == 0) return nd_fail(err, ND_EINVAL, "stability: empty Jacobian");
    for (size_t i = 0; i < k * k; i++)
        if (!isfinite(J[i])) return nd_fail(err, ND_ENONFINITE, "stability: Jacobian entry %zu is %g", i, J[i]);
    gsl_set_error_handler_off();
    double *copy = malloc(k * k * sizeof *copy);
    eig_pair *pairs = malloc(k * sizeof *pairs);
    gsl_vector_complex *eval = gsl_vector_complex_alloc(k);
    gsl_matrix_complex *evec = gsl_matrix_complex_alloc(k, k);
    gsl_eigen_nonsymmv_workspace *w = gsl_eigen_nonsymmv_alloc(k);
    nd_status st = ND_OK;
    if (!copy || !pairs || !eval || !evec || !w) {
        st = nd_fail(err, ND_ENOMEM, "stability: no memory for a %zu x %zu Jacobian", k, k);
        goto done;
    }
    memcpy(copy, J, k * k * sizeof *copy);
    gsl_matrix_view A = gsl_matrix_view_array(copy, k, k);
    int rc = gsl_eigen_nonsymmv(&A.matrix, eval, evec, w);
    if (rc) {
        st = nd_fail(err, ND_EFAILED, "stability: the eigensolver failed (%s)", gsl_strerror(rc));
        goto done;
    }
    for (size_t i = 0; i < k; i++) {
        gsl_complex z = gsl_vector_complex_get(eval, i);
        pairs[i] = (eig_pair){GSL_REAL(z), GSL_IMAG(z), i};
    }
    qsort(pairs, k, sizeof *pairs, by_real_desc);
    for (size_t i = 0; i < k; i++) {
        re[i] = pairs[i].re, im[i] = pairs[i].im;
        for (size_t r = 0; r < k && vec_re; r++) {
            gsl_complex v = gsl_matrix_complex_get(evec, r, pairs[i].col);
            vec_re[r * k + i] = GSL_REAL(v);
            if (vec_im) vec_im[r * k + i] = GSL_IMAG(v);
        }
    }
    if (k == 1) {
        double tol = 1e-12;
        *type = fabs(J[0]) <= tol ? "saddle node" : J[0] < 0 ? "stable point" : "unstable point";
    } else if (k == 2) {
        *type = nd_stability_type_2d(J[0], J[1], J[2], J[3]);
    } else {
        *type = type_from_signature(k, re, im);
    }
    /* stable exactly when the type says so, so a figure never contradicts the name: centers,
     * center manifolds and other marginal cases count as not stable */
    *stable = strncmp(*type, "stable", 6) == 0;
done:
    free(copy);
    free(pairs);
    if (eval) gsl_vector_complex_free(eval);
    if (evec) gsl_matrix_complex_free(evec);
    if (w) gsl_eigen_nonsymmv_free(w);
    return st;
}
