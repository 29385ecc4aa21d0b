/* Private to analysis/continuation/: the workspace of one continuation and the functions its
 * files share.
 *   continuer.c       scaled unknowns, linear algebra, tangent, corrector, the stepping loop
 *   special_points.c  test functions, location of their zeros, branch-point verification
 *   branch.c          the branch being built, its end in words, whether a point lies on it */
#ifndef ND_CONTINUATION_INTERNAL_H
#define ND_CONTINUATION_INTERNAL_H

#include <gsl/gsl_permutation.h>

#include "neurodyn/continuation.h"

/* The continuer works on scaled unknowns z = u / scale (every norm, step and angle is taken
 * there); the curve type sees u. */
typedef struct cont {
    const nd_curve_type *c;
    nd_cont_opts o;
    size_t N;
    int hooks;         /* the curve brings its own bordered solver */
    double *s;         /* N scales */
    /* dense linear algebra (no hooks) */
    double *J;         /* (N-1) x N, the Jacobian in z units (J_u diag(s)) */
    double *Ju;        /* the same in u units, for the test functions */
    double *B;         /* N x N: [J; b^T], LU-factorised */
    gsl_permutation *perm;
    int j_fresh;       /* J and Ju hold the Jacobian at the point the corrector converged to */
    /* vectors, N each */
    double *u, *uv;    /* u of the current call, a tangent in u units */
    double *F, *r1, *r2, *t1, *t2, *e;
    double *z, *v, *zn, *vn, *zz, *vz, *zf, *vf, *zb, *vb, *zc, *vc;
    double reported;   /* progress reported for this branch (o.progress) */
    nd_error *err;
} cont;

/* continuer.c */
nd_status cont_setup(cont *w, const nd_curve_type *c, const nd_cont_opts *o, nd_error *err);
void cont_teardown(cont *w);
void cont_to_u(const cont *w, const double *z, double *u);
void cont_to_z(const cont *w, const double *u, double *z);
/* a tangent in z units to the unit tangent in u units (into w->uv) */
const double *cont_tangent_u(cont *w, const double *vz);
nd_status cont_residual(cont *w, const double *z, double *F);
nd_status cont_jacobian(cont *w, const double *z);
int cont_factor(cont *w, const double *z, const double *b);
int cont_solve(cont *w, double *x);
/* Newton on F(z) = 0 with b . z = target (b fixed), in place; iterations used or -1 */
int cont_newton_border(cont *w, double *z, const double *b, double target);
/* Moore–Penrose corrector from x along v (both updated); iterations used or -1 */
int cont_correct(cont *w, double *x, double *v);
double cont_norm(const double *v, size_t n);
double cont_dot(const double *a, const double *b, size_t n);

/* special_points.c */
/* Turns of the last component (fold tests) wait here until p has moved back by more than noise. */
typedef struct fold_tracker {
    int pending;              /* 0, or +1 (a maximum of p) / -1 (a minimum) awaiting confirmation */
    int test;
    size_t after;
    double p, *u;             /* u: N values (z units) */
    double data[ND_CONT_DATA];
} fold_tracker;

nd_status cont_tests(cont *w, const double *z, const double *v, double *psi);
/* Locates and reports the zeros of the test functions that changed sign between (z0, v0, psi0)
 * and (z1, v1), the point at arclength h (psi1); `after` is the index of the branch point before
 * them. */
nd_status cont_check_tests(cont *w, nd_branch *b, fold_tracker *f, size_t after, const double *z0, const double *v0,
                           const double *z1, const double *v1, double h, const double *psi0, const double *psi1);
/* After each stored point z: reports the pending turn once p has moved back from it. */
nd_status cont_fold_point(cont *w, nd_branch *b, fold_tracker *f, const double *z);
/* A test function that changes sign when the curve changes its discretisation at z: the zero is
 * reported at z itself. */
nd_status cont_junction(cont *w, nd_branch *b, fold_tracker *f, const double *z, const double *v,
                        const double *psi_old, const double *psi_new);

/* branch.c */
nd_status cont_push_point(cont *w, nd_branch *b, const double *z);
nd_status cont_push_special(cont *w, nd_branch *b, int test, size_t after, const double *z, const double *data);
/* "I = 12.3" (the parameters of u, by name) */
void cont_where(const cont *w, const double *z, char *buf, size_t len);
/* ends the branch: the code and the sentence */
void cont_end(cont *w, nd_branch *b, int stop, const double *z, size_t component, double bound, const char *extra);

#endif
