/* neurodyn — two-parameter curves of cycle bifurcations: the fold of cycles (LPC), the period
 * doubling (PD) and the Neimark-Sacker bifurcation (NS; analysis/cycles/cycle_ns.c) continued in
 * two parameters on the collocation discretisation of
 * include/neurodyn/cycles.h, with their codim-2 points.
 *
 * Notation: par1 is the cycle curve's own parameter (u = (x at the nodes, ln T, par1), N values,
 * scaled as the cycle curve scales them), par2 = q the second one; the curve's unknowns are
 * z = (u, q), N + 1 values (nd_cycle2_curve_par: which 0 gives par1, 1 gives q).
 *
 * Minimally augmented systems (MatCont's limitpointcycle and perioddoubling curves: Dhooge,
 * Govaerts & Kuznetsov, "Numerical continuation of fold bifurcations of limit cycles in MATCONT",
 * ICCS 2003; Kuznetsov, Govaerts, Doedel & Dhooge, SIAM J. Numer. Anal. 43 (2005) 1407; Doedel,
 * Govaerts & Kuznetsov, SIAM J. Numer. Anal. 41 (2003) 401): the equations are the cycle's
 * (collocation, periodicity, integral phase condition) and one scalar G from a bordered
 * collocation system that is singular exactly at the bifurcation:
 *
 *   LPC  [F_(x,T) w; phi^T 0] [v; G] = [0; 1], F_(x,T) the cycle operator's derivative in the
 *        orbit and the period (collocation, periodicity, phase). The border column is w = F_par1
 *        (MatCont takes the adjoint null vector; any w outside the range of F_(x,T) gives the same
 *        zero set: by Cramer's rule G = det F_(x,T) / det of the bordered matrix, and F_par1 lies
 *        outside that range exactly when the fold is non-degenerate, the LPC's transversality
 *        condition), so the bordered matrix is the cycle curve's own [F_u; (phi, 0)^T]. phi is the
 *        null vector (v, vT) of the last accepted point.
 *   PD   [D - T f_x, w; delta_0 + delta_1, 0; phi^T, 0] [v; G] = [0; 0; 1]: the collocation
 *        operator with the antiperiodic condition v(0) + v(1) = 0. phi is the antiperiodic
 *        eigenfunction of the last point; w its values at the collocation points times the
 *        interval lengths (it pairs with the adjoint eigenfunction like int <phi*, phi> dt, not 0
 *        at a simple multiplier -1: Floquet eigenfunctions are biorthogonal). Factored by the
 *        cycle curve's condensation with its periodicity rows and T column switched
 *        (analysis/cycles/internal.h: antiperiodic, pd_col).
 *
 * The borders are adapted after every accepted point, as MatCont does. Newton on the (N + 1)-
 * dimensional system uses block elimination around K = [F_u; r^T] (condensation + KLU; r: LPC
 * the kernel phi of F_u, PD the cycle branch's tangent, F_u being regular at a PD): the
 * derivatives of G enter only as G_u . y for three vectors per solve, by central differences of G
 * (each one more condensed factorisation), so no second derivatives of the model and no
 * transposed solve are needed.
 *
 * Codim-2 points (test functions; "critical": the fold's multiplier nearest 1 on an LPC curve,
 * the one nearest -1 on a PD curve):
 *   ND_LPC_CPC   cusp of cycles: the q component of the tangent (a fold of the LPC curve in q;
 *                the LPC curve is locally a graph par1(q) wherever the fold is non-degenerate in
 *                par1, so q' vanishes only at a cusp, where the curve turns back; a cusp whose
 *                axis is exactly along par1 would be missed).
 *   ND_LPC_LPPD  fold-flip: prod (mu + 1) over the non-trivial Floquet multipliers (a
 *                multiplier -1 besides the fold's +1). data[3] = that multiplier.
 *   ND_LPC_LPNS  fold-Neimark-Sacker: prod_{i<j} (mu_i mu_j - 1) over the non-trivial
 *                multipliers but the critical one: a complex pair on the unit circle (a real pair
 *                mu, 1/mu is rejected). data[3] = its angle.
 *   ND_PD_R2     1:2 resonance: prod (mu + 1) over the non-trivial multipliers but the critical
 *                one (a second multiplier -1). data[3] = that multiplier.
 *   ND_PD_LPPD   fold-flip: prod (mu - 1) over the same (a multiplier +1). data[3] = it.
 *   ND_PD_PDNS   flip-Neimark-Sacker: as ND_LPC_LPNS. data[3] = the angle.
 *   ND_PD_GPD    generalised period doubling: the PD normal-form coefficient c
 *                (include/neurodyn/cycle_normal_form.h: adjoint eigenfunctions on the collocation
 *                mesh, MatCont's nf_PD) at every point. data[3] = the critical multiplier,
 *                data[4] = c there (about 0).
 * On an NS curve (G = ln(mu_1 mu_2) / 2 of the critical multiplier pair, kappa = cos theta; see
 * analysis/cycles/cycle_ns.c), MatCont's tests: ND_NS_R1 .. ND_NS_R4 the strong resonances 1:1 ..
 * 1:4 (kappa - 1, kappa + 1, kappa + 1/2, kappa; data[3] = kappa), ND_NS_LPNS / ND_NS_PDNS a
 * multiplier +1 / -1 besides the pair (data[3] = kappa, data[4] = that multiplier). Its label:
 * bit 0 as below, bit 1 set where the pair is real (|kappa| > 1, a neutral saddle cycle: the
 * curve goes on through R1 and R2). The Chenciner point is not detected.
 * data[0] = period, data[1] = par1, data[2] = q for all of them.
 *
 * The mesh is the one of the point the curve starts from, fixed along the curve (the collocation
 * error then varies with the cycle's shape; ntst x ncol as in the one-parameter run). */
#ifndef NEURODYN_CYCLE_CODIM2_H
#define NEURODYN_CYCLE_CODIM2_H

#include <stddef.h>

#include "codim2.h"
#include "cycles.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { ND_LPC_CPC = 0, ND_LPC_LPPD = 1, ND_LPC_LPNS = 2 };
enum { ND_PD_R2 = 0, ND_PD_LPPD = 1, ND_PD_PDNS = 2, ND_PD_GPD = 3 };
/* The curve kinds. */
enum { ND_CYCLE_CODIM2_LPC = 0, ND_CYCLE_CODIM2_PD = 1, ND_CYCLE_CODIM2_NS = 2 };
/* The NS curve's codim-2 points (analysis/cycles/cycle_ns.c). */
enum { ND_NS_R1 = 0, ND_NS_R2 = 1, ND_NS_R3 = 2, ND_NS_R4 = 3, ND_NS_LPNS = 4, ND_NS_PDNS = 5 };

typedef struct nd_cycle2_curve {
    int kind;             /* ND_CYCLE_CODIM2_LPC, _PD or _NS */
    nd_cycle_curve cyc;   /* the cycle system and K = [F_u; phi^T] */
    nd_cycle_curve aux;   /* the same discretisation for evaluations of G (its own factors) */
    int par1, par2;
    size_t N;             /* the cycle's unknowns: (ntst ncol + 1) k + 2 */
    double *phi;          /* N: the border row of the G system (x-space, unit; LPC: last entry 0,
                             PD: the nodes only) */
    double *phis;         /* N: the row of K in the continuer's scaled unknowns, unit */
    double *z, *bord;     /* N + 1: the point of the last factorisation, the continuer's border */
    double *Fq, *yq, *yphi, *y, *xs, *sol, *F2; /* scratch */
    double *tx;           /* PD: the x-space tangent of the cycle branch in par1 (K's row) */
    double *wcol;         /* PD: the border column on the collocation rows */
    double gq, g_yq, g_yphi;
    double kappa;         /* NS: kappa of the critical pair at the last accepted point */
    double gpd_last;      /* PD: the last PD coefficient computed (the GPD test where one fails) */
    nd_curve_type type;   /* dim N + 1: z = (cycle unknowns as the cycle curve scales them, q) */
} nd_cycle2_curve;

/* The curve of kind ND_CYCLE_CODIM2_LPC, _PD or _NS of m in (par1, par2), on ntst x ncol collocation
 * (those of the one-parameter run it starts from). p holds all parameters (p[par2] is the
 * start's q). Per-point label: 1 when the multipliers but the critical one lie inside the unit
 * circle. */
nd_status nd_cycle2_curve_init(nd_cycle2_curve *c, int kind, const nd_model *m, const double *p, int par1, int par2,
                               const nd_region *region, size_t ntst, size_t ncol, nd_error *err);
void nd_cycle2_curve_free(nd_cycle2_curve *c);

/* The start z0 (type.dim values) from the LPC (LPC curve), PD (PD curve) or NS (NS curve) special point s of
 * branch b computed by the cycle curve `from` in par1 (records intact: the point's mesh is taken
 * from them; from's ntst and ncol must be the curve's). */
nd_status nd_cycle2_curve_start(nd_cycle2_curve *c, const nd_cycle_curve *from, const nd_branch *b, size_t s, double *z0,
                             nd_error *err);

/* Resets the borders (phi, K's row; PD: the eigenfunction by inverse iteration through the PD
 * system) and the phase reference at z. */
nd_status nd_cycle2_curve_reset(nd_cycle2_curve *c, const double *z, nd_error *err);

/* Both halves through z0 (out[0]: q growing, out[1]: falling). o may be NULL. */
nd_status nd_cycle2_curve_continue(nd_cycle2_curve *c, const double *z0, const nd_cont_opts *o, nd_branch out[2],
                                nd_error *err);

/* NS curve: kappa = (mu_1 + mu_2) / (2 sqrt(mu_1 mu_2)) of the critical pair at z (cos theta on
 * the curve; |kappa| > 1: a real pair, a neutral saddle cycle); NAN if none or another kind. */
double nd_cycle2_curve_kappa(nd_cycle2_curve *c, const double *z);

/* par1 (which 0) or q (which 1), and the period, of point z of the curve. */
double nd_cycle2_curve_par(const nd_cycle2_curve *c, const double *z, int which);
double nd_cycle2_curve_period(const nd_cycle2_curve *c, const double *z);

/* Describes the cycle of point z of the curve (period, extrema, multipliers; see
 * nd_cycle_curve_describe): the result lives in the curve until the next call. */
nd_status nd_cycle2_curve_describe(nd_cycle2_curve *c, const double *z, const nd_cycle_info **info, nd_error *err);

/* ---- the cycle curves of a two-parameter diagram (bifurcation2 --cycles) -------------------- */
/* The cycle branches in P2 born at the Hopf points of the diagram's starting diagram (at the
 * current P1; nd_cycles_from_hopf) and through the stable cycles simulated at `scan` values of P2
 * (nd_cycles_from_scan; 0: none), and every LPC, PD and NS point on them continued as an LPC, PD or NS
 * curve in (P1, P2), both ways, until the box. A start whose (P1, P2) lies on a curve of its kind
 * computed already (within 1e-4 of the box, same period to 1e-4) is dropped: a curve through two
 * folds of one branch (the two sides of a cusp of cycles) is computed once. */

typedef struct nd_cycle_codim2_curve {
    int kind;               /* ND_CYCLE_CODIM2_LPC, _PD or _NS */
    nd_branch branch;       /* u = (cycle unknowns, P1): read with nd_cycle_codim2_par / _period */
    size_t N;               /* the cycle unknowns (u has N + 1 values) */
    double *xmax, *xmin;    /* n x n_vars: the orbit's extrema at every point (fixed variables: their
                               values) */
    double *special_xmax;   /* n_special x n_vars: the same at the special points */
} nd_cycle_codim2_curve;

typedef struct nd_cycle_codim2 {
    nd_cycle_set cycles;    /* the one-parameter cycle branches in P2 the curves start from */
    size_t n;
    nd_cycle_codim2_curve *curves;
    size_t n_dropped;       /* starts on a curve computed already */
    size_t n_failed;        /* starts that gave no curve, and why the last failed */
    char failure[200];
} nd_cycle_codim2;

/* d: the two-parameter diagram of the same model, parameters p and region r (its starting
 * diagram and ranges are used); o as for nd_bifurcation_2d (steps in box units, with the orbit's
 * L2 norm over the variables' box widths). */
nd_status nd_cycle_curves_2d(const nd_codim2_diagram *d, const double *p, const nd_region *r,
                             const nd_codim2_opts *o, size_t scan, nd_cycle_codim2 *out, nd_error *err);
void nd_cycle_codim2_free(nd_cycle_codim2 *cc);
/* P1 (which 0) or P2 (which 1), and the period, of point u of curve c. */
double nd_cycle_codim2_par(const nd_cycle_codim2_curve *c, const double *u, int which);
double nd_cycle_codim2_period(const nd_cycle_codim2_curve *c, const double *u);
/* "LPC", "PD", "NS"; the names of the special points: LPC "CPC", "LPPD", "LPNS"; PD "R2", "LPPD",
 * "PDNS", "GPD"; NS "R1", "R2", "R3", "R4", "LPNS", "PDNS". */
const char *nd_cycle_codim2_kind_name(int kind);
const char *nd_cycle_codim2_special_name(int kind, int test);

#ifdef __cplusplus
}
#endif

#endif
