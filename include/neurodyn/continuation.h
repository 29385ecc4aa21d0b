/* neurodyn — numerical continuation (MatCont's design: one continuer, many curve types).
 *
 * A curve type defines N unknowns u and N-1 equations F(u) = 0, their Jacobian (or finite
 * differences), test functions whose sign changes mark special points, and an acceptance
 * check that describes a located point. The continuer (pseudo-arclength with Moore–Penrose
 * correction, Allgower & Georg 1990; MatCont's cont.m) knows nothing of models: equilibrium
 * curves, fold, Hopf and cycle curves plug in as curve types.
 *
 * Units. Every length the continuer measures (steps, tangents, angles, convergence, the
 * distance of a start to a branch) is taken in scaled unknowns z_i = u_i / scale_i, with the
 * scales given in the options (a model's box widths and the parameter range, say): the same
 * model in mV or in volts gives the same diagram, and one step means the same fraction of the
 * picture in every direction.
 *
 * Step control (as AUTO-07p and MatCont, with the tangent's turn as in Allgower & Georg ch. 6):
 * a step is rejected and halved when the corrector does not converge or contracts slowly
 * (|dz_k| > 0.5 |dz_{k-1}|), when the tangent turns by more than max_angle over it, or when the
 * corrected point lies farther than half the step from the predicted one (a jump to another
 * branch); after an accepted step the next one aims at a turn of max_angle / 2, grows by at
 * most 1.5 and shrinks after a slow corrector. No absolute cap other than h_max.
 *
 * Special points. A sign change of a test function between two accepted points is located by
 * an Illinois iteration on the arclength (every trial point corrected onto the curve). A test
 * of kind ND_TEST_BRANCH_POINT is reported only when the located point is a branch point: the
 * Jacobian there has a two-dimensional kernel (its smallest singular value below 1e-6 of its
 * largest, in scaled units) and the corrector converges along the second kernel direction to
 * points off the current branch; otherwise the sign change came from a jump and is ignored.
 *
 * Ends. A branch ends when it leaves the box (its last point is then corrected by Newton onto
 * the face it crossed), at the point budget, when the corrector fails at the smallest step,
 * when it closes on itself (a closed curve: isola, Hopf loop), or when the curve type's stop
 * hook says so (a cycle shrinking to a Hopf point, a period without bound). nd_branch says why,
 * as a code and as a sentence in the curve's own names ("V left its box -80:60 at I = 12.3"). */
#ifndef NEURODYN_CONTINUATION_H
#define NEURODYN_CONTINUATION_H

#include <stddef.h>

#include "analysis.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ND_CONT_MAX_TESTS 8
#define ND_CONT_DATA 8

/* Kinds of test functions (nd_curve_type.test_kind): plain; a branch point (verified, see
 * above); a fold of the last component, psi = v[N-1] (reported only where that component has a
 * genuine extremum: larger, or smaller, at the zero than at both ends of the step by more than
 * the corrector's noise, 1e3 tol in scaled units, so that a curve running parallel to the
 * parameter axis, a canard or a family of cycles at one parameter value, gives no folds). */
enum { ND_TEST_PLAIN = 0, ND_TEST_BRANCH_POINT = 1, ND_TEST_FOLD = 2 };

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
    int test_kind[ND_CONT_MAX_TESTS]; /* ND_TEST_*; 0 (plain) by default */
    /* test functions at (u, v) with the Jacobian J there (n_tests values) */
    nd_status (*tests)(void *ctx, const double *u, const double *v, const double *J, double *psi,
                       nd_error *err);
    /* Optional: whether a sign change of test k between the points u0 and u1 can be a special
     * point at all (e.g. a real multiplier really crossing -1, not one too large to have a
     * reliable sign); 0 skips locating it. NULL: always located. */
    int (*bracket)(void *ctx, int k, const double *u0, const double *u1);
    /* at a located zero of test k: 1 to report it (filling data[ND_CONT_DATA]), 0 to skip it
     * (e.g. a neutral saddle is not a Hopf point). NULL: always report. */
    int (*accept)(void *ctx, int k, const double *u, const double *v, double *data);
    /* per-point label, e.g. stability of an equilibrium (1 stable, 0 unstable), called once for
     * every point stored in the branch, in order; may be NULL */
    int (*label)(void *ctx, const double *u);
    /* Optional: after each stored point (and its label), non-zero ends the branch there; `why`
     * (len bytes) then says why in the user's terms. */
    int (*stop)(void *ctx, char *why, size_t len);
    /* Optional: every adapt_every stored points the curve may change its discretisation in
     * place (a new mesh for a cycle), moving u and v onto it; returns 1 when it did. The
     * continuer then corrects u on the new discretisation, replaces the last stored point by it
     * and re-evaluates the test functions (a sign change that the change itself causes is
     * reported at that point). Called with u = v = NULL when that correction fails: the curve
     * goes back to the discretisation it had before. */
    int (*adapt)(void *ctx, double *u, double *v);
    size_t adapt_every;
    /* Optional, for messages: the name of component i and whether it is a parameter. */
    const char *(*component_name)(void *ctx, size_t i, int *is_parameter);
    /* Optional linear algebra for large structured systems (e.g. collocation of cycles, solved
     * by condensation or a sparse factorisation): factor B = [J(u); b^T] for the border b,
     * keeping whatever solve needs in ctx; solve replaces x (N values) by B^{-1} x; jv writes
     * J(u) x (N - 1 values) for the u last factored. With these set the continuer never forms
     * J densely, `jacobian` may be NULL, and `tests` receive J = NULL. */
    nd_status (*bordered_factor)(void *ctx, const double *u, const double *b, nd_error *err);
    nd_status (*bordered_solve)(void *ctx, double *x, nd_error *err);
    void (*jacobian_vector)(void *ctx, const double *x, double *Jx);
    void *ctx;
} nd_curve_type;

typedef struct nd_cont_opts {
    double h0, h_min, h_max; /* arclength step in scaled units: first, smallest, largest
                                (0: 1e-3, 1e-9, 0.05) */
    double max_angle;        /* largest turn of the tangent over a step, radians (0: 0.2) */
    size_t max_points;       /* 0: 2000 */
    int max_newton;          /* corrector iterations (0: 10) */
    double tol;              /* corrector tolerance on the scaled |dz| (0: 1e-10) */
    double locate_tol;       /* special points: arclength bracket at the zero (0: 1e-12) */
    const double *lo, *hi;   /* optional box on u (N values each): leaving it ends the branch */
    const double *scale;     /* optional N positive scales of u (NULL: all 1) */
    int direction;           /* +1 / -1: the sign of the last component of the first tangent */
    /* optional progress: called with 1 / max_points after each point stored and with the rest
     * of 1 when the branch ends, so that a branch counts 1 (NULL: none) */
    void (*progress)(void *ctx, double done);
    void *progress_ctx;
} nd_cont_opts;

void nd_cont_opts_init(nd_cont_opts *o);

typedef struct nd_special_point {
    int test;                 /* index into test_names */
    size_t after;             /* index of the branch point before it */
    double *u;                /* N values */
    double data[ND_CONT_DATA];/* from accept(): e.g. frequency and l1 of a Hopf point */
} nd_special_point;

/* Why a branch ended (nd_branch.stop). */
enum {
    ND_STOP_NONE = 0,   /* not ended (or ended by its caller) */
    ND_STOP_BOX,        /* left the box: component stop_component crossed stop_bound */
    ND_STOP_BUDGET,     /* the point budget (max_points) */
    ND_STOP_STALLED,    /* the corrector failed at the smallest step */
    ND_STOP_CLOSED,     /* the curve closed on itself: the last point repeats the first */
    ND_STOP_CURVE       /* the curve type's stop hook (its reason in stop_reason) */
};

typedef struct nd_branch {
    size_t dim, n;
    double *u;                /* n x dim */
    int *label;               /* n labels (or -1) */
    size_t n_special;
    nd_special_point *special;
    int stop;                 /* ND_STOP_* */
    size_t stop_component;    /* ND_STOP_BOX: the component that left the box */
    double stop_bound;        /* ND_STOP_BOX: the bound it reached */
    char stop_reason[200];    /* a sentence in the curve's names */
    /* The other end, for a branch joined from two halves (nd_branch_join): why its first point
     * is where it is; ND_STOP_NONE and "" for a branch that begins at its starting point. */
    int begin_stop;
    char begin_reason[200];
    size_t cap, special_cap;
} nd_branch;

/* Continues from u0 (which need not lie exactly on the curve: it is corrected first) along the
 * tangent v0 (NULL: computed, oriented by o->direction), until one of the ends above (the branch
 * so far is returned with ND_OK and the reason in stop/stop_reason). o may be NULL. */
nd_status nd_continue(const nd_curve_type *c, const double *u0, const double *v0,
                      const nd_cont_opts *o, nd_branch *out, nd_error *err);
void nd_branch_free(nd_branch *b);

/* Whether u lies on branch b of curve type c (computed with options o): for every segment of
 * the branch near u, the curve point in the hyperplane through u normal to the segment is
 * found by Newton from the segment, and compared with u; tol is in scaled units (0: 1e-6).
 * This checks the curve between the points, not only the points. */
int nd_branch_contains(const nd_curve_type *c, const nd_cont_opts *o, const nd_branch *b, const double *u,
                       double tol);

/* One branch from two halves that start at the same point and run in opposite directions:
 * `back` reversed, then `ahead` (its first point, the shared start, once). The halves are left
 * as they are; out's begin_* describe the end of `back`, its stop_* the end of `ahead`. */
nd_status nd_branch_join(const nd_branch *back, const nd_branch *ahead, nd_branch *out, nd_error *err);

/* Appends a copy of special point sp (its u: b->dim values) to b, after point `after`. */
nd_status nd_branch_add_special(nd_branch *b, int test, size_t after, const double *u, const double *data,
                                nd_error *err);

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
 * the parameter). Special points and their data:
 *   LP  data[0] = the fold coefficient a (x' = a x^2 on the centre manifold, |q| = 1,
 *       <p, q> = 1, MatCont's nf_LP);
 *   H   data[0] = omega, data[1] = the first Lyapunov coefficient l1 (nd_first_lyapunov),
 *       data[2] = 1 when the Hopf point is degenerate: |l1| at round-off level for the problem
 *       (|l1| X^2 < 1e-8, X^2 the sum of the squared half-widths of the box), so neither sub-
 *       nor supercritical can be told (a centre, say); neutral saddles are rejected;
 *   BP  a branch point, verified by the continuer (ND_TEST_BRANCH_POINT). */
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
    double p_lo, p_hi;       /* the parameter range */
} nd_bif_diagram;

/* The equilibrium diagram of m in parameter par over [p_lo, p_hi]: the equilibria at both ends
 * of the range and at 7 values inside it are found in the region (nd_fixed_points); each that
 * no computed branch holds is continued while it stays in the box (the region's ranges and
 * [p_lo, p_hi]): inwards from an end, both ways from inside (one branch, nd_branch_join). At
 * every branch point the crossing branch is followed too; special points met twice are kept
 * once. Steps are in the box's units (each variable over its box width, the parameter over the
 * range). o may be NULL (nd_bif_opts_init); its box, scales and direction are set here, and
 * max_points 0 means about 20 box diagonals of the largest step. */
/* The defaults of nd_bifurcation_1d: largest step 0.02 of the box, first step 0.002. */
void nd_bif_opts_init(nd_cont_opts *o);
nd_status nd_bifurcation_1d(const nd_model *m, const double *p, int par, double p_lo, double p_hi,
                            const nd_region *region, const nd_cont_opts *o, nd_bif_diagram *out,
                            nd_error *err);
void nd_bif_diagram_free(nd_bif_diagram *d);

/* A restart from a saved point (AUTO-07p's IRS): the equilibrium branch through x (all variables,
 * fixed ones ignored) at p[par] = at, continued both ways within the box, and the branches
 * crossing it at its branch points; special points as nd_bifurcation_1d. */
nd_status nd_bifurcation_1d_from(const nd_model *m, const double *p, int par, double p_lo, double p_hi,
                                 const nd_region *region, const nd_cont_opts *o, const double *x, double at,
                                 nd_bif_diagram *out, nd_error *err);

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
