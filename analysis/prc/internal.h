/* Private to analysis/prc/: the limit cycle both PRC methods work on.
 *   cycle.c    the cycle: simulation, Newton on the collocation system, its phase origin
 *   adjoint.c  the adjoint method on the collocation mesh
 *   direct.c   the direct method (kicks and asymptotic phases) */
#ifndef ND_PRC_INTERNAL_H
#define ND_PRC_INTERNAL_H

#include "neurodyn/cycles.h"
#include "neurodyn/prc.h"

typedef struct prc_cycle {
    const nd_model *m;
    const double *p;
    size_t n;            /* the model's variables (all free) */
    nd_cycle_curve c;    /* its mesh is the cycle's */
    double *u;           /* the collocation cycle as the curve sees it */
    double T;            /* period */
    double tau0;         /* theta = 0: fraction of the collocation period */
    double mu_max, trivial_dev;
    double *range;       /* n: max - min of each variable over the cycle */
    int have_curve;
} prc_cycle;

nd_status prc_cycle_find(prc_cycle *pc, const nd_model *m, const double *p, const nd_prc_opts *o, nd_error *err);
void prc_cycle_free(prc_cycle *pc);
/* gamma at phase theta (fraction of the period after the origin, any real) into x (n values) */
void prc_cycle_at(const prc_cycle *pc, double theta, double *x);
/* the phase (fraction after the origin, in [0, 1)) of the point of the cycle nearest x, starting
 * the search at guess */
double prc_cycle_phase_of(const prc_cycle *pc, const double *x, double guess, double *work);

nd_status prc_adjoint(const prc_cycle *pc, const nd_prc_opts *o, nd_prc *out, nd_error *err);
nd_status prc_direct(const prc_cycle *pc, const nd_prc_opts *o, nd_prc *out, nd_error *err);

#endif
