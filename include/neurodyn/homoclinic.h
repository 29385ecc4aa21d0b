/* neurodyn — homoclinic orbits to a hyperbolic saddle by a truncated boundary-value problem
 * (HomCont: Champneys, Kuznetsov & Sandstede 1996, IJBC 6:867; the error analysis of Beyn 1990,
 * IMA J. Numer. Anal. 10:379).
 *
 * The orbit x(t) of x' = f(x, p) leaving the saddle x0 and returning to it is cut to a finite
 * interval of length T and written on [0, 1] (x' = T f(x, p)); it is discretised by the same
 * orthogonal collocation as the cycles (cycles.h: ntst mesh intervals, a polynomial of degree
 * ncol through ncol + 1 equidistant nodes on each, collocation at the Gauss points). The
 * periodicity of a cycle is replaced by the projection boundary conditions
 *
 *     L_s (x(0) - x0) = 0      x(0) lies in the unstable eigenspace of the saddle,
 *     L_u (x(1) - x0) = 0      x(1) in its stable eigenspace,
 *
 * with L_s = R_s P_s(x0, p) (n_s rows) and L_u = R_u P_u(x0, p) (n_u rows): P_s, P_u the spectral
 * projections of A = f_x(x0, p) onto its stable and unstable subspaces, from the matrix sign
 * function (Newton's iteration X <- (c X + (c X)^-1) / 2, Higham, Functions of Matrices, ch. 5;
 * smooth in A, no eigenvector normalisation), and R_s, R_u fixed n_s x n and n_u x n matrices
 * taken from the start (rows spanning the row space of P_s, P_u there). The saddle is part of the
 * unknowns (f(x0, p) = 0), and the integral phase condition int_0^1 <x - x_ref, f(x_ref)> dt = 0
 * against the start fixes the time shift. At fixed T the system
 *
 *   unknowns: x at the ntst*ncol + 1 nodes, x0, p (and p2)     N = (ntst*ncol + 2) n + 1 (+1)
 *   F = (collocation ntst*ncol*n, equilibrium n, projections n_s + n_u = n, phase 1)
 *
 * is square in one parameter: its solution locates the homoclinic parameter value, with an error
 * that falls like exp(-2 mu T) (Beyn 1990) as the truncation T grows. In two parameters it is a
 * curve type for nd_continue (the homoclinic curve). The Newton systems are solved by SuiteSparse
 * KLU on the sparse Jacobian (collocation blocks from the model Jacobian, the projection rows'
 * dependence on x0 and p by finite differences).
 *
 * Start: nd_homoclinic_from_orbit takes a sampled orbit close to the homoclinic orbit (the last
 * cycle of a branch whose period grew without bound, nd_homoclinic_from_cycle): the point
 * nearest the saddle (smallest |f|) is the cut, the saddle is found by Newton from it, and the
 * part of the orbit farther than `cut` from the saddle is kept (cut relative to the orbit's size;
 * the whole period when the orbit never comes that close). nd_homoclinic_extend lengthens the
 * truncation along the linearised flow at both ends (x(-s) = x0 + exp(-A s)(x(0) - x0), and
 * forward from x(1)), for a check that the located value no longer depends on T.
 *
 * Only for a hyperbolic saddle; the saddle-node homoclinic orbit of a SNIC is located on the
 * fold of equilibria (see nd_snic_check). */
#ifndef NEURODYN_HOMOCLINIC_H
#define NEURODYN_HOMOCLINIC_H

#include <stddef.h>

#include "analysis.h"
#include "codim2.h"
#include "continuation.h"
#include "cycles.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nd_homoclinic {
    const nd_model *m;
    double *p;           /* parameters (m->n_pars); p[par] (and p[par2]) follow the solution */
    int par, par2;       /* par2 = -1: one free parameter (a square system, nd_homoclinic_locate) */
    size_t n, ntst, ncol;
    double T;            /* truncation: the time the orbit takes from x(0) to x(1) */
    double *mesh;        /* ntst + 1 points in [0, 1] */
    size_t n_s, n_u;     /* dimensions of the saddle's stable and unstable subspaces */
    size_t dim;          /* unknowns: (ntst*ncol + 2) n + 1, + 1 with par2 */
    void *work;
    nd_curve_type type;  /* with par2 >= 0: the homoclinic curve in (par, par2) */
} nd_homoclinic;

/* What a located homoclinic orbit looks like. */
typedef struct nd_homoclinic_info {
    double par, par2;    /* parameter values (par2: NaN in one parameter) */
    double T;            /* truncation */
    double *x0;          /* the saddle (n values, owned by the struct: nd_homoclinic_info_free) */
    double lambda_u, lambda_s; /* the unstable and stable eigenvalues nearest the imaginary axis
                                  (real parts) */
    double saddle_quantity;    /* lambda_u + lambda_s: < 0, one stable cycle is born (Shil'nikov) */
    double dist0, dist1; /* |x(0) - x0|, |x(1) - x0| over the orbit's size */
    double residual;     /* max |F| at the solution */
    int newton_iterations;
} nd_homoclinic_info;

/* Sets up the BVP of model m (all variables free) in parameter par (and par2 >= 0 for the curve),
 * ntst mesh intervals (4..20000; 0: 200) and ncol collocation points (2..7; 0: 4). */
nd_status nd_homoclinic_init(nd_homoclinic *h, const nd_model *m, const double *p, int par, int par2,
                             size_t ntst, size_t ncol, nd_error *err);
void nd_homoclinic_free(nd_homoclinic *h);
void nd_homoclinic_info_free(nd_homoclinic_info *in);

/* The start from an orbit sampled at n_s times t[0..n_s-1] (increasing, spanning one period of a
 * cycle or the homoclinic excursion), x row-major n_s x n, at parameter value(s) p (h->p is set
 * from it). cut (0: 1e-3) says where the truncated orbit begins and ends: at this distance from
 * the saddle over the orbit's size. Sets the mesh (equidistributing the orbit's arclength and
 * time), T, the projection references and the phase reference; z receives dim values. */
nd_status nd_homoclinic_from_orbit(nd_homoclinic *h, const double *t, const double *x, size_t n_samples,
                                   const double *p, double cut, double *z, nd_error *err);

/* The same from point i of branch b of the cycle curve c (records intact): the cycle sampled
 * at 20 points per mesh node. */
nd_status nd_homoclinic_from_cycle(nd_homoclinic *h, const nd_cycle_curve *c, const nd_branch *b, size_t i,
                                   double cut, double *z, nd_error *err);

/* Newton on the square system (one parameter; with par2 the second is held): z is replaced by the
 * solution; info (may be NULL) describes it. ND_EFAILED when Newton does not converge. */
nd_status nd_homoclinic_locate(nd_homoclinic *h, double *z, nd_homoclinic_info *info, nd_error *err);

/* Lengthens the truncation by dt at each end (linear flow near the saddle), remeshing; z must be
 * a solution (it is replaced by the start of the longer problem; locate again). */
nd_status nd_homoclinic_extend(nd_homoclinic *h, double *z, double dt, nd_error *err);

/* x(t) of z at t in [0, 1] (n values). */
void nd_homoclinic_eval(const nd_homoclinic *h, const double *z, double t, double *x);

/* ---- the homoclinic end of a cycle branch ---------------------------------------------------- */
/* Branch c of cs ends with its period growing (nd_cycle_set_homoclinic_end says a homoclinic
 * orbit, not a SNIC): the homoclinic orbit located from its last cycle (nd_homoclinic_from_cycle
 * with cut 1e-3, ntst 200, ncol 4, then extended until the parameter changes by less than 1e-9 of
 * its size, at most 3 times). info receives the result (free with nd_homoclinic_info_free). */
nd_status nd_homoclinic_from_cycle_set(const nd_cycle_set *cs, size_t c, const double *p, nd_homoclinic_info *info,
                                       nd_error *err);

/* For every branch of cs that ends at a homoclinic orbit (nd_cycle_set_homoclinic_end with d,
 * p_lo, p_hi; not a SNIC, every variable free) the orbit located as by
 * nd_homoclinic_from_cycle_set; the values go to cs->hom_par (NaN where none, or where the BVP
 * failed: the end then keeps its extrapolated value), which nd_cycle_set_homoclinic_end reports.
 * *n_located (may be NULL) receives how many were located. ND_ENOMEM only. */
nd_status nd_cycle_set_locate_homoclinics(nd_cycle_set *cs, const nd_bif_diagram *d, const double *p, double p_lo,
                                          double p_hi, size_t *n_located, nd_error *err);

/* ---- saddle-node homoclinic orbits (SNIC) ------------------------------------------------------ */
/* Whether the saddle-node equilibrium x_sn (all variables; a fold point of an equilibrium branch)
 * of m at parameters p lies on an invariant circle: the branch of its one-dimensional centre
 * manifold that leaves it is followed (GSL rk8pd, tolerances 1e-10, at most t_max; 0: 50 times
 * the model's t_sim) until it comes back within 0.05 of the box; *on_circle = 1 when it returns
 * along the other branch of the centre manifold (a SNIC), 0 when it does not come back (by
 * t_max, or once its closest approach to x_sn has stayed the same, to 1e-4 and outside 1.5 times
 * the return radius, over three windows of t_max / 50: it settled on an attractor away from x_sn) or comes
 * back from the side it left (then it is no saddle-node homoclinic orbit). return_time (may be
 * NULL): the time of that return. ND_EINVAL when x_sn is not a saddle-node (the Jacobian's
 * smallest singular value above 1e-5 of its largest). */
nd_status nd_snic_check(const nd_model *m, const double *p, const double *x_sn, double t_max, int *on_circle,
                        double *return_time, nd_error *err);
/* The same with the start's offset (nd_snic_check: 1e-2) and the return ball's radius (0.05),
 * fractions of the box, 0 < start < radius <= 0.5. Smaller values decide closer to a
 * non-central saddle-node homoclinic point (where the orbit returns along the strong stable
 * manifold), at the cost of a longer integration (the slow passage grows like 1 / start). */
nd_status nd_snic_check_at(const nd_model *m, const double *p, const double *x_sn, double t_max, double start,
                           double radius, int *on_circle, double *return_time, nd_error *err);

/* ---- two parameters: homoclinic and SNIC curves of a two-parameter diagram ------------------- */
/* analysis/diagrams/homoclinic_curves.c. With d a two-parameter diagram (nd_bifurcation_2d):
 *   HC curves: the cycle branches of d's starting diagram (in P2, at the current P1; the cycles
 *     from its Hopf points, nd_cycles_from_hopf) whose end nd_cycle_set_locate_homoclinics
 *     locates as a saddle homoclinic orbit; each such orbit continued both ways in (P1, P2)
 *     (the homoclinic curve type, ntst 200, ncol 4, truncation lengthened once by 2 / lambda)
 *     until the box, a failure of Newton (the saddle loses hyperbolicity: typically where the
 *     curve reaches a fold curve) or the point budget; a start lying on a computed HC curve is
 *     dropped.
 *   SNIC curves: on every fold curve of d (every variable free), the points where nd_snic_check
 *     finds the saddle-node on an invariant circle; consecutive such points form a SNIC segment.
 *     Where the answer changes between two points of the fold curve the change is bisected along
 *     the curve (points corrected onto it by Newton in the hyperplane normal to the chord) to
 *     1e-7 of the chord, with nd_snic_check_at's start 5e-4 and radius 2.5e-3 (the defaults
 *     where the finer test disagrees at the ends): that end is a non-central saddle-node
 *     homoclinic point (MatCont's NCH; Kuznetsov, Elements of Applied Bifurcation Theory, 3rd
 *     ed., sec. 7.1: the saddle homoclinic curve ends there on the fold curve). Its accuracy is
 *     limited by the finite start and radius (Morris-Lecar: 1.5e-6 in phi from the HC curve's
 *     end; 5e-4 with the defaults). */
typedef struct nd_hom2_curve {
    int snic;           /* 0: saddle homoclinic curve (HC); 1: SNIC segment of a fold curve */
    int from;           /* HC: the cycle branch of the starting diagram; SNIC: the fold curve of d */
    size_t n;           /* points */
    double *p1, *p2;    /* P1, P2 of each point */
    double *x;          /* n x n_vars: the saddle (HC) or the saddle-node (SNIC) */
    char stop[200];     /* HC: why each half ended ("; " between them) */
} nd_hom2_curve;

typedef struct nd_hom2_point {
    size_t curve;       /* the SNIC curve it ends */
    int fold_curve;     /* the fold curve of d it lies on */
    double p1, p2;
    double *x;          /* n_vars: the saddle-node */
} nd_hom2_point;

typedef struct nd_hom2_set {
    const nd_model *m;
    int par[2];
    size_t n, n_points;
    nd_hom2_curve *curves;
    nd_hom2_point *points;  /* NCH points: the ends of SNIC segments inside a fold curve */
    size_t n_cycles;        /* cycle branches of the starting diagram, */
    size_t n_homoclinic;    /* of which the homoclinic ends located */
    size_t n_failed;        /* HC starts that gave no curve; why the last failed */
    char failure[200];
} nd_hom2_set;

/* d: the two-parameter diagram, computed for m = d->m with parameters p and region r (every
 * variable free for HC curves). max_points: points per half of an HC curve (0: 300). */
nd_status nd_homoclinic_curves_2d(const nd_codim2_diagram *d, const double *p, const nd_region *r,
                                  size_t max_points, nd_hom2_set *out, nd_error *err);
void nd_hom2_set_free(nd_hom2_set *s);

#ifdef __cplusplus
}
#endif

#endif
