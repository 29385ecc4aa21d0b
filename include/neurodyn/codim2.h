/* neurodyn — codimension-2 continuation of equilibria: fold (LP) and Hopf (H) curves in two
 * parameters, as curve types of the continuer (continuation.h), with their codim-2 points.
 *
 * Both curves use MatCont's minimally augmented systems (Govaerts, Numerical Methods for
 * Bifurcations of Dynamical Equilibria, SIAM 2000, ch. 4 and 10; Kuznetsov, Elements of Applied
 * Bifurcation Theory, 3rd ed., sec. 10.2-10.3): the equilibrium equations plus one (fold) or two
 * (Hopf) scalars from a bordered linear system that vanish exactly where the Jacobian has the
 * required singularity. The bordering vectors are adapted to the current null vectors at every
 * accepted point of the curve (the curve type's `label` hook does it), so the bordered systems
 * stay well conditioned along the whole curve.
 *
 * Fold curve: u = (free variables x, p1, p2); F = (f(x, p), g), where
 *     [A b; c^T 0] [v; g] = [0; 1],   A = f_x (free block),
 * so g = 0 exactly when A is singular (b, c are the left/right null vectors of the last point).
 * Special points (test functions):
 *   ND_LP_BT  Bogdanov–Takens: psi = <w, v> with v, w the unit right/left null vectors from the
 *             bordered systems (orientation fixed by the borders); zero when 0 is a double
 *             eigenvalue. Accepted when it is a genuine zero (not a jump or a pole) and A has two
 *             eigenvalues near 0. data[0] = a, data[1] = b: the BT normal-form coefficients of
 *             w0' = w1, w1' = a w0^2 + b w0 w1 (Kuznetsov, Elements, sec. 8.4), normalised as
 *             MatCont's nf_BT: |q0| = 1, <q0, q1> = 0, <p0, q0> = <p1, q1> = 1,
 *             <p0, q1> = <p1, q0> = 0; a = <p1, B(q0,q0)> / 2, b = <p0, B(q0,q0)> +
 *             <p1, B(q0,q1)>. The sign of q0 (MatCont: whatever eig returns) is fixed by making
 *             its largest component positive; (-a, -b) is the same normal form.
 *   ND_LP_CP  cusp: psi = <w, B(v, v)> with the same unit v, w: the fold normal-form
 *             coefficient a = <w, B(v, v)> / (2 <w, v>) up to its denominator, so that the test
 *             stays finite through BT points. data[0] = c, the cusp coefficient of x' = c x^3
 *             (Kuznetsov sec. 8.2; MatCont's nf_CP: c = <p, C(q,q,q) + 3 B(q, h2)> / 6,
 *             A h2 = <p, B(q,q)> q - B(q,q), <p, h2> = 0, |q| = 1, <p, q> = 1).
 *   ND_LP_ZH  zero–Hopf (fold–Hopf): psi = prod_{i<j} (l_i + l_j) over the eigenvalues of A
 *             other than the one nearest 0 — the determinant of the bialternate product 2A (.) I
 *             restricted to the complement of the null vector, evaluated from the eigenvalues
 *             (GSL's nonsymmetric solver): it changes sign when a pair l, -l appears among the
 *             other eigenvalues. Neutral saddles (a real pair +-l) are rejected.
 *             data[0] = omega of the pair +-i omega.
 * Every located zero is accepted only when the test changes sign across it and is much smaller
 * there than 1e-5 |u| away along the tangent (this rejects poles and jumps).
 *
 * Hopf curve: u = (free variables x, kappa, p1, p2) with kappa = omega^2; F = (f(x, p), g_a, g_b)
 * where
 *     [A^2 + kappa I, B; C^T, 0] [V; G] = [0; I_2]   (B, C: k x 2; G: 2 x 2),
 * and g_a, g_b are the two entries of G whose Jacobian is best conditioned (chosen again at
 * every accepted point, as MatCont's hopf curve does). A^2 + kappa I has a two-dimensional
 * kernel exactly when A has eigenvalues +-i sqrt(kappa) (kappa > 0: Hopf) or +-sqrt(-kappa)
 * (kappa < 0: neutral saddle), so the curve passes smoothly through BT points (kappa = 0) into
 * the neutral-saddle part. Per-point label: 1 Hopf (kappa > 0), 0 neutral saddle.
 * Special points:
 *   ND_H_BT   Bogdanov–Takens: psi = kappa. data[0..1] = a, b as for ND_LP_BT.
 *   ND_H_GH   generalised Hopf (Bautin): psi = l1, the first Lyapunov coefficient at the current
 *             point (NaN on the neutral-saddle part), normalised as nd_first_lyapunov
 *             (x' = mu x - w y + s x r^2, ... gives l1 = 2 s / w). Poles of l1 (e.g. at a ZH
 *             point, where A is singular) are rejected. data[0] = omega, data[1] = l2, the second
 *             Lyapunov coefficient l2 = Re c2 / omega of z' = i omega z + c1 z|z|^2 + c2 z|z|^4
 *             with the same <q, q> = 1, <p, q> = 1 (Kuznetsov (1999); Elements sec. 8.3),
 *             so r' = r (b1 + b2 r^2 + s r^4), theta' = omega gives l2 = 4 s / omega. MatCont's
 *             nf_GH prints Re c2 = omega l2.
 *   ND_H_ZH   zero–Hopf: psi = product of the eigenvalues of A other than the Hopf pair (the
 *             two with the smallest |l^2 + kappa|); a real eigenvalue crosses 0.
 *             data[0] = omega.
 *   ND_H_HH   double Hopf (needs 4 or more free variables): psi = prod_{i<j} (l_i + l_j) over
 *             the eigenvalues other than the Hopf pair; "Hopf + neutral saddle" is rejected.
 *             data[0] = omega (this curve's pair), data[1] = omega of the second pair.
 *
 * Derivatives: the model's analytic Jacobian when it has one, else central differences of
 * fourth order; multilinear forms B, C, D, E of f by polarisation of directional derivatives
 * (central stencils of fourth order, the fifth derivative Richardson-extrapolated; steps
 * eps^(1/(k+4)) in units of max(1, |x_i|)). Measured: l1 to about 1e-8 relative (Morris–Lecar
 * against closed-form derivatives), l2 to about 1e-5 (normal forms); the curves themselves do
 * not depend on these forms (only the tests CP, GH and the data do).
 *
 * The curve types use their `label` hook, which the continuer calls once per accepted point, to
 * adapt the bordering vectors; a caller that copies `type` must keep it.
 *
 * Typical use (both directions from a fold found on an equilibrium curve in p1):
 *     nd_fold_curve fc;
 *     nd_fold_curve_init(&fc, m, p, p1, p2, &region, &err);
 *     double u0[66];
 *     nd_fold_curve_start(&fc, lp->u, u0, &err);        // lp: ND_EQ_LP special point
 *     nd_branch half[2];
 *     nd_fold_curve_continue(&fc, u0, &opts, half, &err); // opts.lo/hi: box on u
 */
#ifndef NEURODYN_CODIM2_H
#define NEURODYN_CODIM2_H

#include <stddef.h>

#include "continuation.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the model at a point of a two-parameter family (shared by both curve types) ------------ */
typedef struct nd_codim2_sys {
    const nd_model *m;
    double *p;          /* parameters; p[par[0]] and p[par[1]] are set by nd_codim2_sys_set */
    int par[2];
    nd_region region;   /* fixed variables and their values (may have NULL members) */
    size_t k;           /* free variables */
    size_t *free_idx;
    double *x;          /* the full state of the current point (n_vars) */
    double *f, *J;      /* scratch */
} nd_codim2_sys;

/* Model m with parameters p (copied), two distinct parameters par1, par2, and the free/fixed
 * split of region (NULL: every variable free; 1..61 free variables). */
/* par2 may be -1 for a single parameter (then nd_codim2_sys_set ignores p2). */
nd_status nd_codim2_sys_init(nd_codim2_sys *s, const nd_model *m, const double *p, int par1, int par2,
                             const nd_region *region, nd_error *err);
void nd_codim2_sys_free(nd_codim2_sys *s);
/* Makes (x_free, p1, p2) the current point. */
void nd_codim2_sys_set(nd_codim2_sys *s, const double *x_free, double p1, double p2);
/* The name of component i of a curve with u = (x, [kappa,] p1, p2), `extra` = 0 (fold) or 1
 * (Hopf: kappa), for messages ("V left its box -80:60 at I = 12.3, gK = 8"); *is_parameter is
 * 1 for p1 and p2. */
const char *nd_codim2_component_name(const nd_codim2_sys *s, size_t i, size_t extra, int *is_parameter);
/* f at the current point, free components (k values); ND_ENONFINITE when not finite. */
nd_status nd_codim2_rhs(nd_codim2_sys *s, double *F, nd_error *err);
/* The free block of the Jacobian at the current point (k x k row-major). */
nd_status nd_codim2_jacobian(nd_codim2_sys *s, double *A, nd_error *err);
/* The symmetric multilinear form of order 2..5 of f at the current point (B, C, D, E in
 * Kuznetsov's notation): out = D^order f [v[0], ..., v[order-1]] (k values; v[i] k values). */
nd_status nd_codim2_form(nd_codim2_sys *s, int order, const double *const *v, double *out, nd_error *err);
/* The same form with all arguments equal, D^order f [w, ..., w] (one Ridders extrapolation, where
 * nd_codim2_form with equal arguments polarises into 2^(order-1) of them). */
nd_status nd_codim2_power_form(nd_codim2_sys *s, int order, const double *w, double *out, nd_error *err);
/* First (and, when l2 is not NULL, second) Lyapunov coefficient at the current point, which must
 * have a pair of eigenvalues near +-i omega: omega_in > 0 selects the pair closest to
 * +-i omega_in and is used as omega; omega_in <= 0 takes the pair closest to the imaginary axis.
 * l1 = Re c1 / w, l2 = Re c2 / w with <q, q> = 1, <p, q> = 1 (normal_forms.c says where each
 * convention comes from): the planar r' = r (mu + s1 r^2 + s2 r^4), theta' = w gives
 * l1 = 2 s1 / w, l2 = 4 s2 / w. */
nd_status nd_codim2_lyapunov(nd_codim2_sys *s, double omega_in, double *omega, double *l1, double *l2,
                             nd_error *err);
/* Bogdanov–Takens normal-form coefficients a, b at the current point (A has a double zero
 * eigenvalue with a Jordan block): w0' = w1, w1' = a w0^2 + b w0 w1, normalised as ND_LP_BT. */
nd_status nd_codim2_bt_coefficients(nd_codim2_sys *s, double *a, double *b, nd_error *err);
/* Fold coefficient a at the current point (a simple zero eigenvalue): the restriction to the
 * centre manifold is x' = a x^2 + ..., a = <p, B(q, q)> / 2 with |q| = 1, <p, q> = 1 (Kuznetsov,
 * Elements, sec. 3.2; MatCont's nf_LP). Its sign depends on the orientation of q. */
nd_status nd_codim2_fold_coefficient(nd_codim2_sys *s, double *a, nd_error *err);
/* Cusp coefficient c at the current point (a simple zero eigenvalue): x' = c x^3, normalised as
 * ND_LP_CP (|q| = 1, <p, q> = 1). */
nd_status nd_codim2_cusp_coefficient(nd_codim2_sys *s, double *c, nd_error *err);

/* Both halves of a codim-2 curve through u0 (direction +1 then -1), the bordering data reset at
 * u0 before each by reset(curve, u0). Shared by the fold and Hopf curves. */
nd_status nd_codim2_continue_both(const nd_curve_type *type, nd_status (*reset)(void *curve, const double *u, nd_error *err),
                                  void *curve, const double *u0, const nd_cont_opts *o, nd_branch out[2], nd_error *err);

/* Whether a located zero of test t at (u, v) is genuine: the test changes sign across it and is
 * much smaller there than 1e-5 |u| away along the tangent (rejects poles and jumps). values(curve,
 * u, psi) evaluates all tests. Shared by the fold and Hopf curves. */
int nd_codim2_genuine_zero(const nd_curve_type *type, int (*values)(void *curve, const double *u, double *psi),
                           void *curve, int t, const double *u, const double *v);

/* ---- fold curves ---------------------------------------------------------------------------- */
enum { ND_LP_BT = 0, ND_LP_CP = 1, ND_LP_ZH = 2 };

typedef struct nd_fold_curve {
    nd_codim2_sys sys;
    double *b, *c;      /* bordering vectors (k each): left and right null vectors, unit */
    nd_curve_type type; /* dim k + 2: u = (x, p1, p2) */
} nd_fold_curve;

/* The fold curve of m in (par1, par2). Per-point label: 1 when the other eigenvalues all have
 * negative real parts (a saddle-node of a stable node), else 0. */
nd_status nd_fold_curve_init(nd_fold_curve *c, const nd_model *m, const double *p, int par1, int par2,
                             const nd_region *region, nd_error *err);
void nd_fold_curve_free(nd_fold_curve *c);
/* The starting point u0 (k + 2 values) from lp_u, the u of an ND_EQ_LP point of an equilibrium
 * curve of the same model and region in par1 (k + 1 values: x, p1); p2 is the value in the p
 * given to init. Sets the bordering vectors from the SVD of A there. */
nd_status nd_fold_curve_start(nd_fold_curve *c, const double *lp_u, double *u0, nd_error *err);
/* Sets the bordering vectors from the SVD of A at u (k + 2 values), as before a new run. */
nd_status nd_fold_curve_reset(nd_fold_curve *c, const double *u, nd_error *err);
/* Both halves of the curve through u0: out[0] with o->direction = +1, out[1] with -1 (the sign
 * of the p2 component of the first tangent), each from borders reset at u0. o may be NULL. */
nd_status nd_fold_curve_continue(nd_fold_curve *c, const double *u0, const nd_cont_opts *o, nd_branch out[2],
                                 nd_error *err);

/* ---- Hopf curves ---------------------------------------------------------------------------- */
enum { ND_H_BT = 0, ND_H_GH = 1, ND_H_ZH = 2, ND_H_HH = 3 };

typedef struct nd_hopf_curve {
    nd_codim2_sys sys;
    double *B, *C;      /* bordering matrices (k x 2 row-major): left and right kernels */
    int eq[2];          /* the entries of G used as equations: 0 g11, 1 g12, 2 g21, 3 g22 */
    int no_l2;          /* 1: skip the second Lyapunov coefficient at GH points (data[1] NaN) */
    nd_curve_type type; /* dim k + 3: u = (x, kappa, p1, p2) */
} nd_hopf_curve;

/* The Hopf curve of m in (par1, par2); 2..61 free variables. */
nd_status nd_hopf_curve_init(nd_hopf_curve *c, const nd_model *m, const double *p, int par1, int par2,
                             const nd_region *region, nd_error *err);
void nd_hopf_curve_free(nd_hopf_curve *c);
/* The starting point u0 (k + 3 values) from h_u, the u of an ND_EQ_H point of an equilibrium
 * curve in par1 (x, p1), and its frequency omega (the point's data[0]); p2 from init's p. */
nd_status nd_hopf_curve_start(nd_hopf_curve *c, const double *h_u, double omega, double *u0, nd_error *err);
/* Sets the borders from the SVD of A^2 + kappa I at u and chooses the equations of G. */
nd_status nd_hopf_curve_reset(nd_hopf_curve *c, const double *u, nd_error *err);
/* Both halves through u0, as nd_fold_curve_continue. */
nd_status nd_hopf_curve_continue(nd_hopf_curve *c, const double *u0, const nd_cont_opts *o, nd_branch out[2],
                                 nd_error *err);

/* ---- two-parameter diagrams ------------------------------------------------------------------ */
/* Every fold (LP) and Hopf (H) point of the equilibrium diagram in P2 (at the current value of
 * P1) continued as a curve in (P1, P2), both ways, until the box: what `bifurcation2` draws.
 *
 * Each curve once: a start that lies on a curve of its kind computed already is dropped
 * (nd_branch_contains: checked between the points of the curve, not only at them), the two
 * halves from one start are one curve (nd_branch_join), and a curve that closes on itself is
 * followed once. At every Bogdanov–Takens point the other curve through it is started there
 * (MatCont's switch): the Hopf curve from a BT on a fold curve (kappa = 0, with the kernel of
 * A^2, the generalised eigenvectors A q0 = 0, A q1 = q0, as borders; one side is Hopf, kappa > 0,
 * the other the neutral-saddle part, kappa < 0), and the fold curve from a BT on a Hopf curve,
 * unless a curve of that kind computed already holds the point.
 *
 * Each codim-2 point once: points of the same type within 1e-7 of the box on several curves
 * (a BT lies on a fold and a Hopf curve, a ZH too), or twice on one, are one entry of `points`,
 * which names every curve it lies on; the branches keep its first occurrence only.
 *
 * Units: the continuer works in the box's units (each free variable over its box width, P1 and
 * P2 over their ranges, kappa over kappa_scale), so the curves do not depend on the model's
 * units; the largest step is 0.02 of the box, the first 0.002. */
typedef struct nd_codim2_curve {
    int hopf;           /* 1: Hopf curve, 0: fold curve */
    nd_branch branch;   /* u = (free variables, [kappa,] P1, P2); special points: BT, CP, ZH (LP);
                           BT, GH, ZH, HH (H). Labels: fold curves 1 where the other eigenvalues
                           all have negative real parts; Hopf curves 1 Hopf (kappa > 0), 0 neutral
                           saddle (kappa < 0, real eigenvalues +-sqrt(-kappa)) */
    size_t k;           /* free variables */
    int from;           /* -1: from an LP or H point of the starting diagram; else the curve at
                           whose BT point this one was started */
} nd_codim2_curve;

#define ND_CODIM2_MAX_ON 4

/* A codim-2 point of the diagram: curves[curve].branch.special[special], lying on the curves
 * on[0..n_on) (on[0] = curve). */
typedef struct nd_codim2_point {
    size_t curve, special;
    size_t n_on;
    size_t on[ND_CODIM2_MAX_ON];
} nd_codim2_point;

typedef struct nd_codim2_diagram {
    const nd_model *m;
    int par[2];             /* [0]: P1 (across), [1]: P2 (the starting diagram's parameter) */
    double lo[2], hi[2];
    double kappa_scale;     /* the scale of kappa = omega^2 in the steps: the largest omega^2 of
                               the starting Hopf points, else the largest |eigenvalue|^2 along
                               the starting diagram (1 when that is 0 too) */
    nd_bif_diagram start;   /* equilibria in P2 at the current P1, where the curves start */
    size_t n;               /* curves */
    nd_codim2_curve *curves;
    size_t n_points;        /* codim-2 points, each once */
    nd_codim2_point *points;
    size_t n_dropped;       /* starts that lay on a curve computed already */
    size_t n_failed;        /* starts that gave no curve, and why the last failed */
    char failure[200];
    /* Optional, set by the caller: the cycle curves (LPC, PD) of the same plane (cycle_codim2.h,
     * nd_cycle_curves_2d), written and drawn with the rest by nd_write_codim2 / nd_plot_codim2;
     * not owned (nd_codim2_diagram_free leaves it). */
    const struct nd_cycle_codim2 *cycles;
} nd_codim2_diagram;

/* Run control of the curves (AUTO's DS, DSMAX, NMX); a zero field keeps the default: steps in
 * box units, first 0.002, largest 0.02, about 20 box diagonals of points per curve. */
typedef struct nd_codim2_opts {
    double h0, h_max;
    size_t max_points;
} nd_codim2_opts;

/* p[par1] must lie in [lo1, hi1]; the region is as for nd_bifurcation_1d; o may be NULL
 * (defaults). */
nd_status nd_bifurcation_2d(const nd_model *m, const double *p, int par1, double lo1, double hi1, int par2, double lo2,
                            double hi2, const nd_region *r, const nd_codim2_opts *o, nd_codim2_diagram *out,
                            nd_error *err);
void nd_codim2_diagram_free(nd_codim2_diagram *d);
/* P1 (which 0) or P2 (which 1) of point u of curve c. */
double nd_codim2_curve_par(const nd_codim2_curve *c, const double *u, int which);
/* "BT", "CP", "ZH" on fold curves; "BT", "GH", "ZH", "HH" on Hopf curves. */
const char *nd_codim2_special_name(int hopf, int test);
/* Whether BT point sp of diagram d is degenerate: a or b negligible against the other
 * (|a| / (|b| w) outside 1e-9..1e9, w the square root of d->kappa_scale: a and b scale alike
 * with the eigenvectors, a / b like a rate), or either not finite. Seen where a parameter
 * switches part of the model off (Morris–Lecar at phi = 0: every equilibrium has a zero
 * eigenvalue there); no curve is started from such a point. */
int nd_codim2_bt_degenerate(const nd_codim2_diagram *d, const nd_special_point *sp);
/* The special point of codim-2 point i, and its type name. */
const nd_special_point *nd_codim2_point_special(const nd_codim2_diagram *d, size_t i);
const char *nd_codim2_point_name(const nd_codim2_diagram *d, size_t i);

#ifdef __cplusplus
}
#endif

#endif
