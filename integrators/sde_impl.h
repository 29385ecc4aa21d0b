/* Internal: the SDE driver behind nd_solve. */
#ifndef ND_SDE_IMPL_H
#define ND_SDE_IMPL_H

#include "neurodyn/integrate.h"
#include "neurodyn/sde.h"

/* Largest fixed-step sample interval dt_out / dt (fixed steps of ODEs and SDEs): larger ones
 * are refused before the ratio is rounded to a long (1e308 / 0.1 is infinite). */
#define ND_MAX_SAMPLE_STRIDE 1e15

/* True when nd_solve integrates this run as an SDE. */
int nd_solve_is_stochastic(const nd_model *m, const nd_solve_opts *o);

nd_status nd_sde_solve(const nd_model *m, const double *p, double t0, double t1, double *x,
                       const nd_solve_opts *o, nd_solve_stats *stats, nd_error *err);

#endif
