/* neurodyn — stochastic differential equations dx = f(t, x) dt + g(t, x) dW.
 *
 * Layers as for ODEs: an SDE method table (BrainPy's names), a stepper that advances one step
 * with given Wiener increments, and the driver, which is nd_solve itself: a model with a
 * diffusion term (or nd_solve_opts.noise > 0) is integrated by the SDE method named in
 * opts.method (default "euler"), with increments from the Philox generator keyed by
 * (opts.seed, opts.trajectory, step). See docs/sde.md. */
#ifndef NEURODYN_SDE_H
#define NEURODYN_SDE_H

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bits of the support mask: one per (interpretation, noise type). */
#define ND_SDE_SUPPORT(kind, noise) (1u << ((kind) * 4 + (noise)))

typedef enum nd_sde_scheme {
    ND_SDE_EULER,       /* Euler–Maruyama (Itô), Euler–Heun (Stratonovich) */
    ND_SDE_HEUN,        /* stochastic Heun, Stratonovich */
    ND_SDE_MILSTEIN,    /* with the diffusion Jacobian when given, else derivative-free */
    ND_SDE_MILSTEIN_DF, /* always derivative-free */
    ND_SDE_EXP_EULER,   /* exponential Euler drift + Euler–Maruyama noise */
    ND_SDE_SRK1W1,      /* Rößler SRI1W1 */
    ND_SDE_SRK2W1,      /* Rößler SRI2W1 */
    ND_SDE_KLPL         /* Kloeden–Platen explicit order-1.0 scheme */
} nd_sde_scheme;

typedef struct nd_sde_method {
    const char *name;
    const char *description;
    nd_sde_scheme scheme;
    double strong_order; /* for the noise types it supports */
    double weak_order;
    unsigned support;    /* ND_SDE_SUPPORT bits */
    int needs_dz;        /* uses a second, independent increment per Wiener process */
} nd_sde_method;

/* NULL for an unknown name; the message lists the SDE methods. */
const nd_sde_method *nd_sde_method_find(const char *name, nd_error *err);
size_t nd_sde_method_count(void);
const nd_sde_method *nd_sde_method_at(size_t i);
/* ND_EINVAL with the combinations the method supports, when it does not support this one. */
nd_status nd_sde_check_support(const nd_sde_method *m, nd_noise_type noise, nd_sde_kind kind,
                               nd_error *err);
const char *nd_noise_type_name(nd_noise_type t);
const char *nd_sde_kind_name(nd_sde_kind k);

/* The stochastic system a stepper advances. g writes n values (scalar, diagonal) or n x m
 * row-major (general); gjac (optional) writes d g_i / d x_j for scalar/diagonal noise. */
typedef struct nd_sde_system {
    size_t n, m; /* variables, Wiener processes (1 scalar, n diagonal) */
    nd_noise_type noise;
    nd_sde_kind kind;
    void (*f)(double t, const double *x, double *dxdt, void *ctx);
    void (*g)(double t, const double *x, double *gout, void *ctx);
    void (*gjac)(double t, const double *x, double *jac, void *ctx); /* may be NULL */
    void (*fjac)(double t, const double *x, double *jac, void *ctx); /* may be NULL */
    void *ctx;
} nd_sde_system;

typedef struct nd_sde_stepper nd_sde_stepper;

nd_status nd_sde_stepper_alloc(const nd_sde_method *method, const nd_sde_system *sys,
                               nd_sde_stepper **out, nd_error *err);
void nd_sde_stepper_free(nd_sde_stepper *s);
/* One step from (t, y) to t + h in place, driven by the Wiener increments dW[0..m) and, for
 * methods with needs_dz, the independent dZ[0..m) (both N(0, h)). ND_ENONFINITE leaves y. */
nd_status nd_sde_stepper_step(nd_sde_stepper *s, double t, double h, double *y, const double *dW,
                              const double *dZ, nd_error *err);
long nd_sde_stepper_evals(const nd_sde_stepper *s); /* f and g evaluations */

#ifdef __cplusplus
}
#endif

#endif
