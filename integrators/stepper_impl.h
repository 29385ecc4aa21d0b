/* Internal: the stepper's state, shared by stepper.c and the driver. */
#ifndef ND_STEPPER_IMPL_H
#define ND_STEPPER_IMPL_H

#include <gsl/gsl_odeiv2.h>

#include "neurodyn/integrate.h"

struct nd_stepper {
    const nd_method *method;
    const nd_system *sys;
    size_t n;
    double *mem;
    double *k[ND_MAX_STAGES];
    double *ytmp, *f_cache, *y_cache, *work, *aug, *aug_exp, *jac;
    double t_cache;
    int f_cache_valid;
    long rhs_evals, jac_evals;
    struct {
        int seen;
        double t, value, *x;
        size_t var;
    } bad; /* the first non-finite RHS output seen */
    gsl_odeiv2_system gsys;
    gsl_odeiv2_step *gstep;
};

/* One step from (t, y) into yout (y untouched); yerr may be NULL. */
nd_status nd_stepper_step(nd_stepper *s, double t, double h, const double *y, double *yout,
                          double *yerr, nd_error *err);
/* Jacobian of the system (analytic or finite differences), counted. */
void nd_stepper_jacobian(nd_stepper *s, double t, const double *y, double *jac);

#endif
