/* neurodyn — ODE integrators.
 *
 * Three layers, as in GSL's odeiv2:
 *   method   a const type table, looked up by BrainPy's name (nd_method_find);
 *   stepper  one step of a method on an nd_system, with an error estimate for embedded pairs;
 *   solve    the driver: advances over [t0, t1] with fixed or adaptive steps, samples every
 *            dt_out, locates events, applies a model's spike rule, counts steps and RHS
 *            evaluations, and stops with a message when the RHS produces NaN or Inf.
 * See docs/integrators.md for the list of methods and when to use which. */
#ifndef NEURODYN_INTEGRATE_H
#define NEURODYN_INTEGRATE_H

#include <stddef.h>

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- methods ------------------------------------------------------------------------------ */
typedef enum nd_method_kind {
    ND_METHOD_ERK,       /* explicit Runge–Kutta from a Butcher tableau (fixed or embedded) */
    ND_METHOD_EXP_EULER, /* exponential (Rosenbrock–)Euler with the Jacobian */
    ND_METHOD_GSL        /* a GSL odeiv2 step type */
} nd_method_kind;

typedef struct nd_method {
    const char *name;        /* BrainPy's name: "rk4", "rkdp", ... */
    const char *description;
    nd_method_kind kind;
    int order;
    int adaptive;            /* has an error estimate and uses rtol/atol */
    const nd_butcher *tableau; /* ND_METHOD_ERK */
    const char *gsl_name;      /* ND_METHOD_GSL: "rk8pd", "bsimp", "msbdf" */
} nd_method;

/* NULL for an unknown name; the message lists every method. */
const nd_method *nd_method_find(const char *name, nd_error *err);
size_t nd_method_count(void);
const nd_method *nd_method_at(size_t i);

/* ---- stepper: one step ---------------------------------------------------------------------- */
typedef struct nd_stepper nd_stepper;

nd_status nd_stepper_alloc(const nd_method *method, const nd_system *sys, nd_stepper **out,
                           nd_error *err);
void nd_stepper_free(nd_stepper *s);
/* Advances y from t to t + h in place. yerr (n values, may be NULL) receives the local error
 * estimate of an adaptive method. Returns ND_ENONFINITE, without touching y, when the
 * result is not finite. */
nd_status nd_stepper_apply(nd_stepper *s, double t, double h, double *y, double *yerr,
                           nd_error *err);
/* Forget derivative information carried between steps (after y was changed from outside). */
void nd_stepper_reset(nd_stepper *s);
long nd_stepper_rhs_evals(const nd_stepper *s);

/* ---- events --------------------------------------------------------------------------------- */
/* An event is variable `var` crossing `level` upward (direction +1), downward (-1) or either
 * way (0). A terminal event ends the integration at the located time. */
typedef struct nd_event {
    int var;
    double level;
    int direction;
    int terminal;
} nd_event;

#define ND_EVENT_SPIKE (-1) /* event index reported for a model's spike rule */

/* Return non-zero from a callback to stop the integration (nd_solve then returns ND_OK with
 * stats->stopped set). */
typedef int (*nd_sample_fn)(double t, const double *x, void *ctx);
typedef int (*nd_event_fn)(int event, double t, const double *x, void *ctx);

/* ---- the driver ----------------------------------------------------------------------------- */
typedef struct nd_solve_opts {
    const char *method;  /* NULL: "rkdp" for ODEs, "euler" for SDEs (see sde.h) */
    double dt;           /* fixed-step size; adaptive: initial step (0 = chosen automatically) */
    double rtol, atol;   /* adaptive tolerances, defaults 1e-6 and 1e-9 */
    double dt_out;       /* sample every dt_out; 0 = every step */
    double h_min, h_max; /* adaptive step bounds; 0 = 16 eps max(|t|, 1) and t1 - t0 */
    long max_steps;      /* 0 = 100 million */
    const nd_event *events;
    size_t n_events;
    double event_tol;    /* time tolerance of event location, default 1e-12 */
    int no_spike_rule;   /* 1: ignore the model's threshold/reset rule */
    /* stochastic runs (a model with a diffusion term, or noise > 0) */
    unsigned long long seed;       /* Philox key: same seed, same path */
    unsigned long long trajectory; /* Philox counter word: index of this path in an ensemble */
    double noise;        /* > 0: add additive diagonal Ito noise of this amplitude to a
                            deterministic model */
    nd_sample_fn on_sample;
    nd_event_fn on_event;
    void *ctx;
} nd_solve_opts;

/* Sets the defaults above. */
void nd_solve_opts_init(nd_solve_opts *o);

typedef struct nd_solve_stats {
    long steps;      /* accepted steps */
    long rejected;   /* rejected adaptive steps */
    long rhs_evals;  /* right-hand side evaluations */
    long jac_evals;  /* Jacobian evaluations (exponential Euler, stiff methods) */
    long events;     /* located events, spikes included */
    long spikes;
    double t;        /* time reached */
    int stopped;     /* a callback or a terminal event ended the run early */
} nd_solve_stats;

/* Integrates model m with parameters p from (t0, x) to t1; x holds the final state on return.
 * Samples (t0 and t1 included) go to o->on_sample, events to o->on_event. */
nd_status nd_solve(const nd_model *m, const double *p, double t0, double t1, double *x,
                   const nd_solve_opts *o, nd_solve_stats *stats, nd_error *err);

/* The same for any system (no spike rule). */
nd_status nd_solve_system(const nd_system *sys, double t0, double t1, double *x,
                          const nd_solve_opts *o, nd_solve_stats *stats, nd_error *err);

/* ---- convenience: keep the whole trajectory ------------------------------------------------ */
typedef struct nd_trajectory {
    size_t n_vars;
    size_t n;          /* samples */
    double *t;         /* n times */
    double *x;         /* n x n_vars, row-major */
    size_t n_events;
    int *event_id;     /* index into opts.events, or ND_EVENT_SPIKE */
    double *event_t;
    double *event_x;   /* n_events x n_vars */
    nd_solve_stats stats;
    size_t cap, event_cap;
} nd_trajectory;

/* Runs nd_solve from x0 and stores every sample and event. The sample count is checked
 * against nd_memory_limit() before allocation. o->on_sample/on_event are ignored. */
nd_status nd_simulate(const nd_model *m, const double *p, const double *x0, double t0, double t1,
                      const nd_solve_opts *o, nd_trajectory *traj, nd_error *err);
void nd_trajectory_free(nd_trajectory *traj);

/* The model's box (var_lo, var_hi) into lo, hi; for a model that declares none, the range of its
 * trajectory from x0 over t_sim (default 200), widened by a quarter of that range on each side
 * and at least a tenth of the values' size, with *estimated = 1 (may be NULL). */
nd_status nd_model_box(const nd_model *m, const double *p, const double *x0, double *lo, double *hi, int *estimated,
                       nd_error *err);

#ifdef __cplusplus
}
#endif

#endif
