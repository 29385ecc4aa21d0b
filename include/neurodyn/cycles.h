/* neurodyn — continuation of limit cycles by orthogonal collocation (AUTO-07p / MatCont).
 *
 * A periodic orbit x(t) of x' = f(x, p) with period T is written on the unit interval,
 * x'(tau) = T f(x(tau), p), tau in [0, 1], and discretised as in AUTO (Doedel, Keller & Kernevez
 * 1991, "Numerical analysis and control of bifurcation problems II", IJBC 1:745) and MatCont's
 * limit-cycle curve: a mesh 0 = t_0 < ... < t_ntst = 1, on every interval a polynomial of
 * degree ncol through ncol + 1 equidistant nodes (shared end nodes make it continuous),
 * collocation of the equation at the ncol Gauss–Legendre points of every interval, the
 * periodicity x(0) = x(1), and the integral phase condition int_0^1 <x, x_ref'> dt = 0 against
 * the previous point of the branch.
 *
 *   unknowns: x at the ntst*ncol + 1 nodes, T, p      N = (ntst*ncol + 1) n + 2
 *   F = (collocation: ntst*ncol*n, periodicity: n, phase: 1)          N - 1 equations
 *
 * (n = the free variables of the region). The continuer measures arclength in the Euclidean
 * norm of its vector u, so u holds the unknowns scaled as AUTO's pseudo-arclength weighs them:
 * node g as sqrt(w_g) x_g, w_g its weight in the composite Newton–Cotes rule on the mesh (the
 * node part of |u| is the L2 norm of x(t) over the period: steps do not depend on the mesh size,
 * and the spike of a long-period orbit does not dominate them), then ln T (the period cannot
 * dominate the steps near a homoclinic orbit or SNIC, where it grows without bound), then p.
 * Read a branch through the records (nd_cycle_curve_info) and nd_cycle_curve_profile, not from
 * u directly.
 *
 * The curve type plugs into nd_continue (see continuation.h) with its own bordered linear
 * algebra, AUTO's condensation of parameters followed by a sparse direct solve: in every mesh
 * interval the interior nodes are eliminated from its dense (ncol n) x ((ncol+1) n + 2) block
 * by Gaussian elimination with partial pivoting (and from the two dense rows, phase and
 * border); the remaining system in the mesh-point values, T and p (block bidiagonal with the
 * periodicity coupling and two dense rows and columns, (ntst+1) n + 2 unknowns) is factored by
 * SuiteSparse KLU in AUTO's elimination order (symbolic analysis once, numeric refactorisation
 * after, a fresh pivoting factorisation when iterative refinement shows the old pivots failing).
 * No dense N x N matrix is ever formed. Floquet multipliers come from the same collocation
 * blocks: eliminating the interior of each interval leaves its n x n transfer matrix P_j, whose
 * product is the collocation monodromy matrix. It is formed in bases that follow the flow
 * direction f(x(t_j)), so that the trivial multiplier (the product of the flow-direction
 * factors, 1 up to the discretisation error) is split off exactly and the other n - 1 are the
 * eigenvalues of the product of the transverse blocks, rescaled as it grows (accurate for stiff
 * cycles: canards, relaxation oscillations, spikes).
 *
 * Test functions (Kuznetsov, Elements of Applied Bifurcation Theory, 3rd ed., sec. 10.3;
 * MatCont's limitcycle curve; BPC as AUTO-07p's branch points of periodic solutions):
 *   LPC  the parameter component of the tangent (fold of cycles),
 *   PD   prod (mu_i + 1) over the non-trivial multipliers (period doubling),
 *   NS   prod_{i<j} (mu_i mu_j - 1) over the non-trivial multipliers (Neimark–Sacker; a real
 *        pair with mu_i mu_j = 1, a neutral saddle cycle, is rejected),
 *   BPC  sign(v_p) prod (mu_i - 1) over the non-trivial multipliers (AUTO-07p's: the fixed-
 *        parameter BVP Jacobian's determinant changes sign at LPC and BPC, the tangent's parameter
 *        component v_p at LPC only): a branch point of cycles (a pitchfork of a symmetric cycle,
 *        a transcritical crossing), reported where a non-trivial multiplier is within 1e-3 of +1
 *        (analysis/cycles/test_functions.c),
 * At a Hopf point the cycles shrink to the equilibrium and the branch would go on retracing
 * itself (half a period shifted); the corrector cannot converge at the point itself (the branch
 * of constant solutions crosses there). Each accepted point is therefore compared with the one
 * before (the correlation of their shapes turns negative across the Hopf point; a step that
 * bounces off it shows a small minimum of the amplitude where the parameter turns): the branch
 * stops, and the Hopf point is extrapolated to zero amplitude from two cycles computed at 2%
 * and 1% of the last amplitude (Richardson on p = p_H + c a^2 + O(a^4)); nd_cycle_continue
 * reports it as the special point H. The engine evaluates LPC, PD, NS and BPC (n_tests = 5,
 * the test of H is a constant).
 *
 * Typical use (from a Hopf point of an equilibrium branch computed with the same region):
 *
 *     nd_cycle_curve c;
 *     nd_cycle_curve_init(&c, m, p, par, &region, 40, 4, &err);
 *     double *u0 = malloc(c.type.dim * sizeof *u0), *v0 = malloc(c.type.dim * sizeof *v0);
 *     nd_cycle_curve_from_hopf(&c, &eq_branch.special[k], 0, u0, v0, &err);
 *     nd_branch b;
 *     nd_cycle_continue(&c, u0, v0, &opts, &b, &err);   // or nd_continue(&c.type, ...)
 *     for (size_t i = 0; i < b.n; i++) {
 *         const nd_cycle_info *in = nd_cycle_curve_info(&c, i);   // period, max/min, mu ...
 *     }
 *     nd_branch_free(&b);
 *     nd_cycle_curve_free(&c);
 */
#ifndef NEURODYN_CYCLES_H
#define NEURODYN_CYCLES_H

#include <stddef.h>

#include "analysis.h"
#include "continuation.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Test functions of the cycle curve, the `test` of its special points (H: added by
 * nd_cycle_continue where a branch ends at a Hopf point). */
enum { ND_CYC_LPC = 0, ND_CYC_PD = 1, ND_CYC_NS = 2, ND_CYC_H = 3, ND_CYC_BPC = 4 };

/* Data of special points (nd_special_point.data): [0] period, [1] parameter, [2] PD: the
 * critical multiplier (close to -1); NS: the angle theta in (0, pi) of the critical pair
 * exp(+-i theta); BPC: the non-trivial multiplier closest to +1; LPC and H: 0. [3] the deviation |mu_trivial - 1| there (LPC, PD, NS).
 * [4] the normal-form coefficient (include/neurodyn/cycle_normal_form.h; NaN where it could not be
 * computed): LPC b, PD c (< 0: supercritical, the doubled cycle stable), NS Re d (< 0:
 * supercritical); 0 for H and BPC. The u of
 * a special point is expressed on the mesh of the branch point before it (info(after)->mesh);
 * that of H is the equilibrium as a constant cycle. LPC, PD and NS are located by the continuer
 * (Illinois on arclength to its locate_tol); a PD needs a multiplier within 1e-4 of -1 there, a
 * NS a complex pair (a real pair mu, 1/mu is a neutral saddle cycle and is rejected). */

/* Why the curve ended a branch (nd_cycle_curve.stopped). */
enum {
    ND_CYC_RUNNING = 0,
    ND_CYC_STOP_PERIOD = 1, /* the period grows without bound: homoclinic orbit or SNIC */
    ND_CYC_STOP_HOPF = 2,   /* the cycle shrank to an equilibrium: the branch reached a Hopf point */
    ND_CYC_STOP_BOX = 3,    /* the orbit left the region's box (lo/hi of a free variable) */
    ND_CYC_STOP_CENTRE = 4, /* from a Hopf point the cycles grew with the parameter fixed: a family
                               of closed orbits at one parameter value (a centre), not continued */
    ND_CYC_STOP_DOUBLED = 5 /* the cycle became one of half its period run twice: the branch reached
                               the period doubling of that cycle (where it would turn and run over
                               its own cycles shifted by half a period) */
};

/* What is known about one point of a cycle branch. Arrays have k entries (the free variables,
 * in model order; see nd_cycle_curve.free_idx) unless said otherwise. */
typedef struct nd_cycle_info {
    double par;          /* the continued parameter */
    double period;       /* T */
    double amplitude;    /* max over the free variables of xmax - xmin */
    double *xmax, *xmin; /* extrema over the orbit, refined on the collocation polynomials */
    double *mu_re, *mu_im; /* Floquet multipliers: the trivial one first, the others by
                              modulus, largest first */
    double trivial_dev;  /* |mu_trivial - 1|: a check of the discretisation */
    int stable;          /* 1: every non-trivial |mu| < 1 */
    double *mesh;        /* ntst + 1 mesh points in [0, 1] the point was computed on */
} nd_cycle_info;

typedef struct nd_cycle_curve {
    const nd_model *m;
    double *p;            /* parameters; p[par] is overwritten during continuation */
    int par;
    nd_region region;     /* fixed variables and their values */
    size_t k;             /* free variables: the cycle lives in their space */
    size_t *free_idx;
    size_t ntst, ncol;    /* mesh intervals and collocation points per interval */
    /* Settings: init sets the defaults, change them before continuing. */
    size_t adapt_every;   /* nd_cycle_continue adapts the mesh every this many points (0: never;
                             default 3, as AUTO's IAD) */
    double period_factor; /* stop when T > period_factor * (T at the first point) (default 50) */
    double stall_tol;     /* also stop when T doubles while the parameter moves less than
                             stall_tol * max(1, |p|) and the amplitude by less than 10% (default
                             1e-6) */
    /* Per-point records, one per accepted branch point (see nd_cycle_curve_info). */
    size_t n_info, info_cap;
    nd_cycle_info *info;
    /* Why the curve ended the branch (ND_CYC_*), and a sentence saying so (empty if running);
     * the type's stop hook hands it to the continuer. The next from_* call or
     * nd_cycle_continue resets it. */
    int stopped;
    char stop_reason[200];  /* as nd_branch.stop_reason */
    double *mesh;         /* the current mesh (ntst + 1 points), owned by the curve */
    void *work;           /* private: collocation tables, KLU objects, scratch */
    nd_curve_type type;   /* dim = (ntst*ncol + 1) k + 2; tests: LPC, PD, NS */
} nd_cycle_curve;

/* Sets up the cycle curve of model m in parameter `par` (p holds all parameters; region may be
 * NULL for none fixed; when it has lo/hi, a branch ends where an orbit leaves that box), with
 * ntst mesh intervals (2..10000, 0: 40) and ncol collocation points per interval (2..7, 0: 4).
 * At least two free variables. */
nd_status nd_cycle_curve_init(nd_cycle_curve *c, const nd_model *m, const double *p, int par,
                              const nd_region *region, size_t ntst, size_t ncol, nd_error *err);
void nd_cycle_curve_free(nd_cycle_curve *c);

/* Start at a Hopf point h of an equilibrium branch of the same model, parameter and region
 * (h->u = free variables then the parameter, h->data[0] = omega, as nd_eq_curve reports):
 * x(t) = x0 + eps Re(q exp(2 pi i t)) with q the eigenvector of i omega (|q| = 1), T = 2 pi /
 * omega, and the tangent along the amplitude. eps = amplitude, or 1e-3 max(1, max |x0|) when
 * amplitude <= 0. Writes u0 and v0 (dim values each) for nd_continue / nd_cycle_continue,
 * sets a uniform mesh and clears the records. */
nd_status nd_cycle_curve_from_hopf(nd_cycle_curve *c, const nd_special_point *h, double amplitude,
                                   double *u0, double *v0, nd_error *err);

/* Start at a cycle found by simulation (nd_cycle_by_simulation with the curve's parameters):
 * one period is resampled onto the mesh (cubic Hermite interpolation with f for the slopes),
 * corrected by Newton at the fixed parameter, the mesh adapted to it twice, and the tangent
 * computed and oriented so that the parameter grows (direction > 0) or falls (< 0). Free
 * variables are read from the samples; the cycle must be one of the slice. */
nd_status nd_cycle_curve_from_cycle(nd_cycle_curve *c, const nd_cycle *cyc, int direction,
                                    double *u0, double *v0, nd_error *err);

/* What nd_cycle_curve_from_pd found: the PD (parameter, period T of the cycle there, the critical
 * multiplier of the collocation monodromy, about -1), the distance delta along the eigenfunction
 * the start was moved by (the L2 norm over the doubled period), and the start of the doubled
 * branch: its parameter, period (2T + O(delta^2)), its distance from the doubled copy of the
 * PD cycle (L2 norm) and its half-period gap max_t |x(t + T) - x(t)| over the orbit's size (0 on
 * the old branch). */
typedef struct nd_cycle_switch {
    double par, period, multiplier;
    double delta;
    double start_par, start_period, distance, gap;
} nd_cycle_switch;

/* Start the period-doubled branch at the PD special point s of branch b, computed with the curve
 * `from` (records intact; its current mesh becomes the PD's). c must have been set up by
 * nd_cycle_curve_init with from's model, parameters, parameter, region and ncol and 2 x
 * from->ntst mesh intervals. The PD cycle, run twice, is moved along the antiperiodic
 * eigenfunction of the multiplier -1 (from the collocation monodromy matrix) and corrected onto
 * the branch of cycles of twice the period (AUTO-07p's branch switching; method in
 * analysis/cycles/switch.c); u0 and v0 (c->type.dim values each) start it for
 * nd_cycle_continue, the tangent pointing away from the PD. info may be NULL. */
nd_status nd_cycle_curve_from_pd(nd_cycle_curve *c, nd_cycle_curve *from, const nd_branch *b, size_t s, double *u0,
                                 double *v0, nd_cycle_switch *info, nd_error *err);

/* Start the other branch through the branch point of cycles (BPC) s of branch b, computed with
 * the curve `from` (records intact; its current mesh becomes the BPC's). c must have been set up
 * by nd_cycle_curve_init with from's model, parameters, parameter, region, ntst and ncol. The
 * second kernel vector w of the collocation Jacobian at the BPC (orthogonal to the branch's
 * tangent) is found by inverse iteration on the bordered matrix; the BPC cycle is moved along
 * +w (direction > 0) or -w and corrected onto the other branch (AUTO-07p's switching at branch
 * points; method in analysis/cycles/switch.c). u0, v0 (c->type.dim values each) start it for
 * nd_cycle_continue, the tangent pointing away from the BPC. info (may be NULL) as for a PD;
 * its multiplier is the non-trivial one next to +1, gap is NaN. */
nd_status nd_cycle_curve_from_bpc(nd_cycle_curve *c, nd_cycle_curve *from, const nd_branch *b, size_t s, int direction,
                                  double *u0, double *v0, nd_cycle_switch *info, nd_error *err);

/* nd_continue with mesh adaptation: the branch is computed in runs of adapt_every points; after
 * each run the mesh is redistributed (equidistribution of the estimated collocation error,
 * AUTO's mesh adaptation), the last point and its tangent are interpolated onto the new mesh,
 * and the continuation goes on from there. The runs are joined into one branch (the points
 * where runs meet are kept once; special points are renumbered), and its stop_reason says
 * why it ended, e.g. "period grows without bound near p = ...: approach to a homoclinic orbit
 * or SNIC". Records are restarted: record i describes point i of the branch. A branch that
 * reached a Hopf point ends at the last point before it (the H special point gives the
 * location). v0 may be NULL (the tangent is computed, oriented by o->direction). Steps:
 * o->h_max is in the scaled norm (L2 norm of the orbit change, ln T, p); the continuer has no
 * curvature control, so keep it below about a tenth of the orbit's size where the branch turns
 * sharply (canards), or it may jump across.
 * A box o->lo/o->hi applies to u as the continuer sees it: bound the parameter (u[N-1]) and
 * perhaps ln T (u[N-2]), leave the node entries at -+INFINITY. Leaving the box ends the branch on
 * its face by linear interpolation (that last point is not corrected).
 * nd_continue(&c->type, ...) also works (fixed mesh; its stop_reason then says the corrector
 * failed, c->stop_reason why; no H special point). */
nd_status nd_cycle_continue(nd_cycle_curve *c, const double *u0, const double *v0,
                            const nd_cont_opts *o, nd_branch *out, nd_error *err);

/* Record i (NULL when out of range); valid until the records change (a from_* call, a
 * continuation, nd_cycle_curve_free). */
const nd_cycle_info *nd_cycle_curve_info(const nd_cycle_curve *c, size_t i);

/* Describes the cycle u on the curve's current mesh (period, extrema, multipliers...). The
 * result lives in the curve and is overwritten by the next describe / at call. */
nd_status nd_cycle_curve_describe(nd_cycle_curve *c, const double *u, const nd_cycle_info **info,
                                  nd_error *err);

/* The cycle of branch b (computed with this curve, records intact) at parameter value `value`:
 * the branch point nearest to the first crossing of `value` is corrected by Newton at the fixed
 * parameter. u receives dim values, expressed on that point's mesh, which becomes the curve's
 * current mesh (so u can be described, evaluated or continued from); info (may be NULL) is
 * set as by describe. ND_EINVAL when the branch does not reach value. */
nd_status nd_cycle_curve_at(nd_cycle_curve *c, const nd_branch *b, double value, double *u,
                            const nd_cycle_info **info, nd_error *err);

/* x(t) of the cycle u (as the continuer sees it, on the current mesh) at t in [0, 1] (fraction
 * of the period): k values (free variables) into x. */
void nd_cycle_curve_eval(const nd_cycle_curve *c, const double *u, double t, double *x);

/* The orbit of point i of branch b (computed with this curve, records intact), sampled at n_t
 * equidistant times t = 0 .. 1 (fraction of the period): n_t x k values into x, row-major. */
nd_status nd_cycle_curve_profile(const nd_cycle_curve *c, const nd_branch *b, size_t i, size_t n_t, double *x,
                                 nd_error *err);

/* ---- the cycle branches of a one-parameter diagram ------------------------------------------- */
/* A set of cycle branches, each with the curve that computed it (its records describe the
 * branch points: nd_cycle_curve_info(&set->curve[i], j)). `origin` says where each began.
 *
 * Settings (zero: the default) are read by the calls that add branches: the mesh (ntst 80,
 * ncol 4) and the continuation (nd_cycle_set_opts_init). Steps are in scaled units: the orbit's
 * L2 norm with every variable over its box width (the region's lo/hi), ln T, and the parameter
 * over the range, so a step means the same in mV as in volts; the point budget, when not given,
 * is 40 / h_max (a branch can cross the scaled box several times, through folds, a canard or
 * an approach to a homoclinic orbit, and still end naturally). */
enum { ND_CYCLE_FROM_HOPF = 0, ND_CYCLE_FROM_SIMULATION = 1, ND_CYCLE_FROM_PD = 2, ND_CYCLE_FROM_BPC = 3 };

typedef struct nd_cycle_set {
    size_t ntst, ncol;     /* settings: mesh intervals and collocation points (0: 80, 4) */
    nd_cont_opts opts;     /* settings: steps, budget, tolerances (zero fields: defaults) */
    size_t n, cap;
    nd_cycle_curve *curve;
    nd_branch *branch;
    int *origin;           /* ND_CYCLE_FROM_* */
    double *start;         /* the parameter value each began at */
    size_t n_failed;       /* starts that gave no branch */
    char failure[200];     /* why the last of them failed */
    /* settings: optional progress, in starts: each Hopf point of nd_cycles_from_hopf, each call
     * of nd_cycles_at (so each value of nd_cycles_from_scan) and of nd_cycles_from_simulation
     * counts 1, reported in parts as its branches advance (NULL: none) */
    void (*progress)(void *ctx, double done);
    void *progress_ctx;
    double progress_used;  /* private: the part of the current start reported so far */
    int progress_depth;    /* private: starts within starts (nd_cycles_at continues through
                              nd_cycles_from_simulation) */
    /* Period-doubled branches (nd_cycles_from_pd), per branch: its period as a multiple of the
     * lowest-period branch it descends from by period doublings (1, 2, 4, ...), and for a
     * doubled branch the branch and the special point (its PD) it doubles (parent -1 for none).
     * A branch switched at a PD has origin ND_CYCLE_FROM_PD; one found by simulation that
     * holds the doubled cycle of a PD keeps its origin and is labelled so too. */
    size_t *multiple;
    long *parent;
    size_t *parent_special;
    /* Homoclinic ends located by the boundary-value problem (nd_cycle_set_locate_homoclinics in
     * homoclinic.h): per branch the parameter value, NaN where none was located; n_hom entries
     * (branches added after the call have none). */
    double *hom_par;
    size_t n_hom;
} nd_cycle_set;

/* The continuation defaults of a cycle set: largest step 0.05, first 0.005 (scaled units, see
 * above), largest turn of the tangent 0.3 rad (an envelope drawn from the points is still smooth),
 * the continuer's other defaults. */
void nd_cycle_set_opts_init(nd_cont_opts *o);

/* Continues the cycles born at every Hopf point of diagram d (computed for the same model,
 * parameters p, parameter and region r) over [p_lo, p_hi]: one branch per Hopf point that no
 * earlier branch has reached (degenerate Hopf points included: their branch ends at once when
 * it is a centre). A start that fails is counted in n_failed (the reason in failure). */
nd_status nd_cycles_from_hopf(const nd_bif_diagram *d, const double *p, const nd_region *r, double p_lo,
                              double p_hi, nd_cycle_set *cs, nd_error *err);

/* Adds the branch through cyc, a cycle found by simulation (nd_cycle_by_simulation with m, p),
 * continued towards both ends of [p_lo, p_hi]: two branches, parameter falling then rising. */
nd_status nd_cycles_from_simulation(const nd_model *m, const double *p, int par, const nd_region *r,
                                    const nd_cycle *cyc, double p_lo, double p_hi, nd_cycle_set *cs,
                                    nd_error *err);

/* The stable cycles at parameter value `at` found by simulation (from the model's initial state
 * and next to up to 4 unstable equilibria of d there, for 6 times the model's t_sim), each
 * continued both ways over [p_lo, p_hi] unless a branch of cs holds it already (same period
 * and extremes to 1%), it is a dying oscillation (amplitude below 1e-4 of the box) or it leaves
 * the box. *found (may be NULL) receives the number of new cycles. Slices (fixed variables)
 * and models with a spike rule (their firing resets the state) are refused. */
nd_status nd_cycles_at(const nd_bif_diagram *d, const double *p, const nd_region *r, double at, double p_lo,
                       double p_hi, nd_cycle_set *cs, size_t *found, nd_error *err);

/* nd_cycles_at at n values spread evenly inside [p_lo, p_hi], the ends excluded: the cycle
 * families not born at a Hopf point in range (a class-I neuron's, ending at a SNIC; a
 * relaxation oscillator's). Nothing for a model with a spike rule. */
nd_status nd_cycles_from_scan(const nd_bif_diagram *d, const double *p, const nd_region *r, double p_lo,
                              double p_hi, size_t n, nd_cycle_set *cs, nd_error *err);

/* Follows the period-doubled branch from every PD point of the branches of cs (computed for d's
 * model, parameter and region, with p) whose period multiple is below 2^depth: the branch of
 * cycles of twice the period (nd_cycle_curve_from_pd, on twice the parent's mesh intervals),
 * continued over [p_lo, p_hi] away from the PD; its own PD points in turn, up to the depth (a
 * cascade: depth 3 gives the 2T, 4T and 8T branches). Each PD is switched at once; a PD whose
 * doubled cycle a branch of cs already holds (found by simulation, or reached from another
 * start) is not. A doubled branch has the point budget of the others over the square of its
 * period multiple (at least 20): its mesh, and so the cost of a point, grows with the period, and
 * a cascade then costs less than one more branch of the base period. depth 0: nothing.
 * Only PDs where a stable cycle doubles (a stable point of the branch beside the PD: the
 * cascade a simulation shows) unless unstable_too; the doubled branches of cycles unstable on
 * both sides are costly and seldom wanted.
 * A switch that fails is counted in n_failed. Progress is not reported (the doubled branches
 * are not counted as starts). */
nd_status nd_cycles_from_pd(const nd_bif_diagram *d, const double *p, const nd_region *r, double p_lo, double p_hi,
                            unsigned depth, int unstable_too, nd_cycle_set *cs, nd_error *err);

/* Follows the other branch through every branch point of cycles (BPC) of the branches of cs
 * (nd_cycle_curve_from_bpc, both halves: +w and -w, on the parent's mesh intervals), continued
 * over [p_lo, p_hi] away from the BPC; the BPCs on those branches in turn, up to `depth`
 * switches from a branch not itself switched at a BPC (0: nothing). A BPC is not switched when
 * both branches through it are in cs already (a branch switched from it, or another branch with
 * a BPC at the same parameter and period: 1e-6 of the range, 1e-6 relative). A branch switched
 * at a BPC has origin ND_CYCLE_FROM_BPC, the parent's period multiple, and parent and
 * parent_special naming the BPC. A switch that fails is counted in n_failed. Progress is not
 * reported. */
nd_status nd_cycles_from_bpc(const nd_bif_diagram *d, const double *p, const nd_region *r, double p_lo, double p_hi,
                             unsigned depth, nd_cycle_set *cs, nd_error *err);

/* Whether a branch of cs holds a cycle with this period and these extremes (n_vars values each,
 * the model's variables) at parameter value par: period within 1%, extremes within 1% of the box
 * (or of their size without a box). */
int nd_cycle_set_holds(const nd_cycle_set *cs, const nd_region *r, double par, double period, const double *xmax,
                       const double *xmin);
void nd_cycle_set_free(nd_cycle_set *cs);

/* When branch c of cs ends with its period growing without bound: 1, the limiting parameter
 * value in *par and whether it is a SNIC or a homoclinic orbit; else 0. The limit is
 * extrapolated from the last two points along p = p_c + A / T^2 (how the period of a SNIC
 * grows); within 1e-3 of the range of a fold of the equilibrium diagram d it is a SNIC (*snic
 * = 1, *par the fold's value), else a homoclinic orbit (*par the value located by the
 * homoclinic boundary-value problem when nd_cycle_set_locate_homoclinics found it, else the last
 * point's value, which approaches it exponentially). */
int nd_cycle_set_homoclinic_end(const nd_cycle_set *cs, size_t c, const nd_bif_diagram *d, double p_lo, double p_hi,
                                double *par, int *snic);

#ifdef __cplusplus
}
#endif

#endif
