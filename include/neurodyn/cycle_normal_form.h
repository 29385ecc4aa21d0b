/* neurodyn — normal-form coefficients of the codim-1 bifurcations of limit cycles (LPC, PD, NS) by
 * periodic normalisation on the collocation mesh of include/neurodyn/cycles.h (Kuznetsov,
 * Govaerts, Doedel & Dhooge, "Numerical periodic normalization for codim 1 bifurcations of limit
 * cycles", SIAM J. Numer. Anal. 43 (2005) 1407; the coefficients MatCont's nf_LPC, nf_PD and nf_NS
 * compute). On the centre manifold of the critical cycle x0 (period T), with t the time and
 * tau in [0, T] (PD: [0, 2T]) the phase along it, the periodic normal forms are
 *
 *   LPC  dtau/dt = 1 - xi + ...,        dxi/dt = b xi^2 + ...
 *   PD   dtau/dt = 1 + a xi^2 + ...,    dxi/dt = c xi^3 + ...
 *   NS   dtau/dt = 1 + a |xi|^2 + ...,  dxi/dt = i theta / T xi + d xi |xi|^2 + ...
 *
 * (xi real for LPC and PD, complex for NS; theta the angle of the critical multipliers e^{+-i theta}).
 * Normalisation as MatCont's: the PD and NS eigenfunctions v have int_0^1 <v, v> ds = 1 over the
 * period in s = t / T (so a cycle whose transverse coordinate is a unit vector e(t), like
 * tests/test_cycle_normal_form.c's models, has xi = that coordinate); the LPC's v is the
 * generalised eigenfunction of the Jordan chain dv/dt - A v = f (no free scale). Meaning:
 *   PD  c < 0: supercritical flip: the period-doubled cycle is born stable (in the centre
 *       manifold) on the side where the cycle has lost stability; c > 0: subcritical.
 *   NS  Re d < 0: supercritical: a stable invariant torus is born; Re d > 0: subcritical.
 *   LPC b != 0: a non-degenerate fold; b = 0 at a cusp of cycles. Its sign follows the
 *       orientation of xi (xi grows where dtau/dt < 1, towards longer periods).
 * Method and discretisation in analysis/cycles/normal_form.c. */
#ifndef NEURODYN_CYCLE_NORMAL_FORM_H
#define NEURODYN_CYCLE_NORMAL_FORM_H

#include "cycles.h"

#ifdef __cplusplus
extern "C" {
#endif

/* u: a point as the continuer of curve c sees it (c->type.dim values: the cycle on the curve's
 * current mesh, ln T, the parameter; the other parameters are c->p). The point must be (close to)
 * the bifurcation: an LPC (the fold, a multiplier +1 with a Jordan block), a PD (a multiplier -1),
 * or an NS with critical multipliers e^{+-i theta}, theta in (0, pi). The coefficient is
 * finite or an error is returned (ND_EFAILED where the eigenfunctions cannot be found). */
nd_status nd_cycle_lpc_coefficient(nd_cycle_curve *c, const double *u, double *b, nd_error *err);
nd_status nd_cycle_pd_coefficient(nd_cycle_curve *c, const double *u, double *cc, nd_error *err);
/* theta: the angle of the critical pair (data[2] of an NS special point); d: Re d. */
nd_status nd_cycle_ns_coefficient(nd_cycle_curve *c, const double *u, double theta, double *d, nd_error *err);

/* The same with u in x-space (the node values themselves, ln T, the parameter): for the files of
 * analysis/cycles/ that hold x-space points (the PD and NS curves of cycle_codim2.c). */
nd_status nd_cycle_lpc_coefficient_x(nd_cycle_curve *c, const double *x, double *b, nd_error *err);
nd_status nd_cycle_pd_coefficient_x(nd_cycle_curve *c, const double *x, double *cc, nd_error *err);
nd_status nd_cycle_ns_coefficient_x(nd_cycle_curve *c, const double *x, double theta, double *d, nd_error *err);

#ifdef __cplusplus
}
#endif

#endif
