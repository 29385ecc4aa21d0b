/* neurodyn — numerical continuation (MatCont's design: one continuer, many curve types).
 *
 * A curve type defines N unknowns u and N-1 equations F(u) = 0, their Jacobian (or finite
 * differences), test functions whose sign changes mark special points, and an acceptance
 * check that describes a located point. The continuer (pseudo-arclength with Moore–Penrose
 * correction, Allgower & Georg 1990; MatCont's cont.m) knows nothing of models: equilibrium
 * curves, and later fold, Hopf and cycle curves, plug in as curve types. The Jacobian of the
 * corrector's last iteration is reused for the test functions at the point it converged to. */
#ifndef NEURODYN_CONTINUATION_H
#define NEURODYN_CONTINUATION_H

#include <stddef.h>

#include "analysis.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ND_CONT_MAX_TESTS 8
#define ND_CONT_DATA 8

typedef struct nd_curve_type {
    const char *name;
    size_t dim; /* N: unknowns; the defining system has N - 1 equations (N <= 64 unless the
                   bordered_* hooks below are given) */
    /* F(u) (N - 1 values); non-zero status when u is outside the domain (non-finite values) */
    nd_status (*residual)(void *ctx, const double *u, double *F, nd_error *err);
    /* (N - 1) x N row-major; NULL: central finite differences of residual */
    nd_status (*jacobian)(void *ctx, const double *u, double *J, nd_error *err);
    size_t n_tests;
    const char *test_names[ND_CONT_MAX_TESTS];
    /* test functions at (u, v) with the Jacobian J there (n_tests values) */
    nd_status (*tests)(void *ctx, const double *u, const double *v, const double *J, double *psi,
                       nd_error *err);
    /* at a located zero of test k: 1 to report it (filling data[ND_CONT_DATA]), 0 to skip it
     * (e.g. a neutral saddle is not a Hopf point). NULL: always report. */
    int (*accept)(void *ctx, int k, const double *u, const double *v, double *data);
    /* per-point label, e.g. stability of an equilibrium (1 stable, 0 unstable); may be NULL */
    int (*label)(void *ctx, const double *u);
    /* Optional linear algebra for large structured systems (e.g. collocation of cycles, solved
     * by condensation or a sparse factorisation): factor B = [J(u); v^T] keeping whatever
     * solve needs in ctx, and write J(u) v into Jv (N - 1 values) when Jv is not NULL; solve
     * replaces x (N values) by B^{-1} x. With these set the continuer never forms J densely,
     * `jacobian` may be NULL, and `tests` receive J = NULL. */
    nd_status (*bordered_factor)(void *ctx, const double *u, const double *v, double *Jv, nd_error *err);
    nd_status (*bordered_solve)(void *ctx, double *x, nd_error *err);
    void *ctx;
} nd_curve_type;

typedef struct nd_cont_opts {
    double h0, h_min, h_max; /* arclength step: first, smallest, largest (0: 1e-2, 1e-8, 0.1) */
    size_t max_points;       /* 0: 2000 */
    int max_newton;          /* corrector iterations (0: 8) */
    double tol;              /* corrector tolerance on |F| and |du| (0: 1e-10) */
    double locate_tol;       /* special points: |du| at the zero (0: 1e-11) */
    const double *lo, *hi;   /* optional box on u (N values each): leaving it ends the branch */
    int direction;           /* +1 / -1: the sign of the last component of the first tangent */
} nd_cont_opts;

void nd_cont_opts_init(nd_cont_opts *o);

typedef struct nd_special_point {
    int test;                 /* index into test_names */
    size_t after;             /* index of the branch point before it */
    double *u;                /* N values */
    double data[ND_CONT_DATA];/* from accept(): e.g. frequency and l1 of a Hopf point */
} nd_special_point;

typedef struct nd_branch {
    size_t dim, n;
    double *u;                /* n x dim */
    int *label;               /* n labels (or -1) */
    size_t n_special;
    nd_special_point *special;
    char stop_reason[160];
    size_t cap, special_cap;
} nd_branch;

/* Continues from u0 (which need not lie exactly on the curve: it is corrected first) along the
 * tangent v0 (NULL: computed, oriented by o->direction), until the box (the last point is then
 * interpolated onto the box face), the point budget, or a failure of the corrector at the
 * smallest step (the reason is in stop_reason; the branch so far is returned with ND_OK). */
nd_status nd_continue(const nd_curve_type *c, const double *u0, const double *v0,
                      const nd_cont_opts *o, nd_branch *out, nd_error *err);
void nd_branch_free(nd_branch *b);

/* ---- equilibrium curves of a model in one parameter --------------------------------------- */
enum { ND_EQ_LP = 0, ND_EQ_H = 1, ND_EQ_BP = 2 };

typedef struct nd_eq_curve {
    const nd_model *m;
    double *p;          /* parameters; p[par] is overwritten during continuation */
    int par;
    nd_region region;   /* fixed variables and their values (lo/hi give the box of u) */
    size_t k;           /* free variables */
    size_t *free_idx;
    double *x, *f, *J;  /* scratch */
    nd_curve_type type;
} nd_eq_curve;

/* Sets up the equilibrium curve type of model m in parameter `par` (u = free variables, then
 * the parameter). Special points: LP (data[0] = normal-form coefficient a), H (data[0] = omega,
 * data[1] = first Lyapunov coefficient l1; neutral saddles rejected), BP. */
nd_status nd_eq_curve_init(nd_eq_curve *c, const nd_model *m, const double *p, int par,
                           const nd_region *region, nd_error *err);
void nd_eq_curve_free(nd_eq_curve *c);

/* ---- one-parameter diagrams -------------------------------------------------------------------- */
typedef struct nd_bif_diagram {
    const nd_model *m;
    int par;
    size_t n_free;
    size_t *free_idx;        /* the free variables, in the order of u */
    size_t n_branches;
    nd_branch *branches;     /* u = (free variables, parameter); labels: 1 stable, 0 unstable */
    int *from_bp;            /* -1, or the branch whose branch point started this one */
    size_t n_start;          /* equilibria found at the start of the range */
} nd_bif_diagram;

/* The equilibrium diagram of m in parameter par over [p_lo, p_hi]: the equilibria at p_lo are
 * found in the region (nd_fixed_points), each is continued while it stays in the box (the
 * region's ranges and [p_lo, p_hi]), skipping those already on a computed branch, and at every
 * branch point both halves of the crossing branch are followed. o may be NULL (h_max is then
 * (p_hi - p_lo)/50). */
nd_status nd_bifurcation_1d(const nd_model *m, const double *p, int par, double p_lo, double p_hi,
                            const nd_region *region, const nd_cont_opts *o, nd_bif_diagram *out,
                            nd_error *err);
void nd_bif_diagram_free(nd_bif_diagram *d);

/* The first Lyapunov coefficient at a Hopf point x of the free system (Kuznetsov, Elements of
 * Applied Bifurcation Theory, 3rd ed., eq. 3.20 in invariant form), multilinear forms by
 * finite differences: l1 = Re c1 / w with A q = i w q, <q, q> = 1, <p, q> = 1 (MatCont's
 * eigenvectors). The planar normal form x' = mu x - w y + s x r^2, y' = w x + mu y + s y r^2
 * gives l1 = 2 s / w; FitzHugh–Nagumo (zoo defaults) 0.971971082 at both Hopf points in Iext.
 * MatCont prints Re c1 = w l1 (its nf_H does not divide by w). Negative: supercritical. */
nd_status nd_first_lyapunov(nd_eq_curve *c, const double *u, double *omega, double *l1,
                            nd_error *err);

#ifdef __cplusplus
}
#endif

#endif
