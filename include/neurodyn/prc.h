/* neurodyn — phase response curves of a stable limit cycle, and Poincaré maps.
 *
 * Phase response curve (PRC). A stable limit cycle gamma(t) of x' = f(x, p) with period T has an
 * asymptotic phase Phi(x) near it (the isochrons). The infinitesimal PRC is its gradient on the
 * cycle, Z(t) = grad Phi(gamma(t)), with Phi measured in TIME: a small kick dx at cycle time t
 * shifts every later event by Z(t) . dx (positive: advanced). It is the periodic solution of the
 * adjoint equation Z' = -J(gamma(t))^T Z normalised by Z(t) . f(gamma(t)) = 1 (Ermentrout 1996,
 * Neural Comput. 8:979; Ermentrout & Terman, Mathematical Foundations of Neuroscience, 2010,
 * sec. 8.2; Brown, Moehlis & Holmes 2004, Neural Comput. 16:673). Z has the units of time per
 * unit of each variable; divide by T for cycles per unit, multiply by 2 pi / T for radians.
 *
 * Phase origin: theta = 0 where the reference variable (opts.ref_var, default 0: the voltage of
 * a neuron model) crosses the middle of its range upward; theta in [0, 1) is the fraction of the
 * period after that crossing.
 *
 * Methods:
 *   adjoint  the cycle is found by simulation and refined by Newton on AUTO's collocation system
 *            (analysis/cycles); the adjoint equation is discretised by the same collocation on
 *            the same mesh, each interval condensed to the map Z(t_{j+1}) -> Z(t_j) (backward in
 *            time, where the adjoint is stable); their product is the transposed monodromy
 *            matrix, whose null vector of M - I (by SVD) is the periodic Z at t = 0; one backward
 *            sweep gives Z on every node (see analysis/prc/adjoint.c).
 *   direct   for checking: the state gamma(theta) is kicked by +-eps in one variable, integrated
 *            for K periods (rkdp, rtol 1e-11; K such that the slowest transverse deviation has
 *            decayed by 1e-8, from the Floquet multipliers), and its asymptotic phase read off by
 *            projecting the end state onto the collocation cycle; the PRC is the central
 *            difference of the two phase shifts over 2 eps (analysis/prc/direct.c). */
#ifndef NEURODYN_PRC_H
#define NEURODYN_PRC_H

#include <stddef.h>

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { ND_PRC_ADJOINT = 1, ND_PRC_DIRECT = 2, ND_PRC_BOTH = 3 };

typedef struct nd_prc_opts {
    int method;          /* ND_PRC_ADJOINT (default), ND_PRC_DIRECT or ND_PRC_BOTH */
    size_t n_phases;     /* adjoint output: phases theta = k / n_phases (default 200) */
    size_t n_direct;     /* direct method: phases theta = k / n_direct (default 40) */
    int var;             /* -1: every variable (default); else the direct method kicks only this one */
    int ref_var;         /* the variable whose upward mid-range crossing is theta = 0 (default 0) */
    double eps;          /* direct: kick, relative to the variable's range on the cycle (default 1e-4) */
    size_t ntst, ncol;   /* collocation mesh (default 160 intervals, 6 points) */
    double transient, t_max; /* the simulation that finds the cycle (0: 10 and 40 times the
                                model's t_sim, or 2000 and 8000 without one) */
    const double *x0;    /* its initial state (NULL: the model's) */
} nd_prc_opts;

void nd_prc_opts_init(nd_prc_opts *o);

typedef struct nd_prc {
    size_t n_vars;
    double period;
    double mu_max;        /* largest non-trivial Floquet multiplier modulus */
    double trivial_dev;   /* |mu_trivial - 1| of the collocation cycle */
    double norm_dev;      /* adjoint: max over the nodes of |Z . f - 1| (0 exactly) */
    size_t n;             /* adjoint phases (0 when not computed) */
    double *theta;        /* n phases in [0, 1) */
    double *x;            /* n x n_vars: the cycle at theta */
    double *z;            /* n x n_vars: Z at theta (time per unit of the variable) */
    size_t n_direct;      /* direct phases (0 when not computed) */
    double *theta_direct; /* n_direct */
    double *x_direct;     /* n_direct x n_vars: the cycle there */
    double *z_direct;     /* n_direct x n_vars (NaN for variables not kicked) */
    size_t periods;       /* direct: periods integrated after each kick */
} nd_prc;

/* The PRC of the stable cycle reached from opts->x0 at parameters p. Fails (ND_EFAILED, with a
 * message) when the simulation finds no periodic orbit (an equilibrium, chaos) or the collocation
 * cycle is not stable; ND_EINVAL for a model with a spike rule (its reset makes the flow
 * discontinuous) or bad options. */
nd_status nd_prc_compute(const nd_model *m, const double *p, const nd_prc_opts *opts, nd_prc *out, nd_error *err);
void nd_prc_free(nd_prc *r);

/* ---- Poincaré maps ------------------------------------------------------------------------------ */
/* The crossings of the section x[var] = level in the direction dir (+1 up, -1 down, 0 both), after
 * a transient, located by the integrator's event location (rkdp, rtol 1e-10, event time
 * tolerance 1e-13; the state at the event is then set on the section exactly by one Newton step
 * in time along f, so |x[var] - level| is at rounding level). */
typedef struct nd_poincare_opts {
    int var;            /* the section's variable */
    double level;
    int dir;            /* +1, -1, 0 */
    double transient;   /* skipped before recording (default 0) */
    double t1;          /* end of the run (> transient) */
    size_t max_crossings; /* stop after this many recorded crossings (0: 100000) */
    double rtol;        /* 0: 1e-10 */
    const double *x0;   /* NULL: the model's initial state */
    /* 1: the section dx[var]/dt = 0 instead (level ignored), the local extrema of x[var]: dir -1
     * keeps the maxima (dx[var]/dt crosses 0 downward), +1 the minima, 0 both; a crossing's
     * recorded dir is -1 at a maximum, +1 at a minimum. Located by the sign change of
     * f_var(x) over an integrator step and the Illinois method on the time within the step (each
     * trial state integrated from the step's start at 1e-2 of rtol, the time to 1e-14 relative),
     * so x[var] is the extremum to the accuracy of the trajectory. Models with a spike rule are
     * refused (their reset is no extremum); a stochastic model's drift is sectioned. */
    int extremum;
} nd_poincare_opts;

void nd_poincare_opts_init(nd_poincare_opts *o);

typedef struct nd_poincare {
    size_t n_vars, n;
    double *t;          /* n crossing times */
    double *x;          /* n x n_vars: the states there */
    int *dir;           /* n: +1 up, -1 down */
} nd_poincare;

nd_status nd_poincare_compute(const nd_model *m, const double *p, const nd_poincare_opts *o, nd_poincare *out,
                              nd_error *err);
void nd_poincare_free(nd_poincare *r);

#ifdef __cplusplus
}
#endif

#endif
