/* Private to analysis/cycles/: the Neimark-Sacker curve of cycles (cycle_ns.c), the parts that
 * cycle_codim2.c's shared block elimination calls. */
#ifndef ND_CYCLES_CYCLE_NS_H
#define ND_CYCLES_CYCLE_NS_H

#include "neurodyn/cycle_codim2.h"

/* G of the NS curve at the x-space cycle x and P2 = q (see cycle_ns.c), on c->aux. */
nd_status cyc_ns_G(nd_cycle2_curve *c, const double *x, double q, double *G, nd_error *err);
/* The NS curve's tests, acceptance and labels in c->type (after the shared set-up). */
void cyc_ns_setup(nd_cycle2_curve *c);
/* After K's row is set at z: the reference kappa of the critical pair. */
nd_status cyc_ns_reset(nd_cycle2_curve *c, const double *z, nd_error *err);

#endif
