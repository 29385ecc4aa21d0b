/* Poincaré sections: the crossings of the hyperplane x[var] = level by a trajectory, in one or
 * both directions, after a transient.
 *
 * Method: the integrator's event location (integrators/solve.c: a sign change of
 * x[var] - level over a step, then the root of the step's dense output to event_tol in time),
 * rkdp at rtol 1e-10 (the error of a crossing state is the integration error, not the sampling).
 * The located state is then moved along the flow by one Newton step in time,
 * dt = (level - x[var]) / f_var(x), x += dt f(x): its distance from the section drops from
 * |f_var| event_tol to rounding level. A model's spike rule is applied; of a stochastic model
 * the drift (its deterministic part) is sectioned. Successive crossings give the first-return (Poincaré) map
 * x_k -> x_{k+1} of any other variable and the return times t_{k+1} - t_k (Guckenheimer & Holmes
 * 1983, Nonlinear Oscillations, sec. 1.5; Strogatz, Nonlinear Dynamics and Chaos, sec. 8.7).
 *
 * Sections at extrema (o->extremum): the surface f_var(x) = 0 where x[var] has a local maximum
 * or minimum, the section of Lorenz's map of successive maxima (Lorenz 1963, J. Atmos. Sci.
 * 20:130, fig. 4) and of Rössler's (Rössler 1976, Phys. Lett. A 57:397). It is no hyperplane,
 * so the integrator's event location (on a variable) does not apply: every step of the run is
 * sampled, a sign change of g = f_var(x) from one step to the next brackets an extremum, and its
 * time in the step is found by the Illinois method on g(tau) = f_var(phi_tau(x_step)), each trial
 * state integrated from the step's start (rkdp at 1e-2 of rtol) until the bracket is below
 * 1e-14 max(1, |t|) in time. The extreme value is then that of the trajectory (an error delta in
 * time changes it by O(delta^2)). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/integrate.h"
#include "neurodyn/prc.h"

void nd_poincare_opts_init(nd_poincare_opts *o)
{
    memset(o, 0, sizeof *o);
    o->dir = +1;
    o->t1 = 1000.0;
}

typedef struct pctx {
    const nd_model *m;
    const double *p;
    const nd_poincare_opts *o;
    nd_poincare *out;
    size_t cap, max;
    double *f;
    int nomem;
} pctx;

/* Room for one more crossing; 0 on success. */
static int reserve(pctx *c)
{
    size_t n = c->out->n_vars;
    if (c->out->n < c->cap) return 0;
    size_t cap = c->cap ? 2 * c->cap : 256;
    double *tt = realloc(c->out->t, cap * sizeof *tt);
    if (tt) c->out->t = tt;
    double *xx = realloc(c->out->x, cap * n * sizeof *xx);
    if (xx) c->out->x = xx;
    int *dd = realloc(c->out->dir, cap * sizeof *dd);
    if (dd) c->out->dir = dd;
    if (!tt || !xx || !dd) return c->nomem = 1;
    c->cap = cap;
    return 0;
}

static int on_event(int event, double t, const double *x, void *ctx)
{
    pctx *c = ctx;
    size_t n = c->out->n_vars;
    if (event < 0 || t < c->o->transient) return 0;
    if (reserve(c)) return 1;
    double *y = c->out->x + c->out->n * n;
    memcpy(y, x, n * sizeof *y);
    c->m->rhs(t, y, c->p, c->f);
    int v = c->o->var;
    double dt = c->f[v] != 0 ? (c->o->level - y[v]) / c->f[v] : 0.0;
    if (isfinite(dt) && fabs(dt) < 1e-6)
        for (size_t i = 0; i < n; i++) y[i] += dt * c->f[i];
    else
        dt = 0.0;
    c->out->t[c->out->n] = t + dt;
    c->out->dir[c->out->n] = c->f[v] > 0 ? +1 : -1;
    c->out->n++;
    return c->out->n >= c->max;
}

/* ---- sections at extrema --------------------------------------------------------------------- */
typedef struct xctx {
    pctx *c;
    const nd_system *sys;
    nd_solve_opts fine;  /* the trial integrations within a step */
    double t0, g0;       /* the last step's end and g there */
    double *x0, *y, *yb; /* its state, a trial state, the best one */
    int have;
} xctx;

static double g_of(const pctx *c, double t, const double *x)
{
    c->m->rhs(t, x, c->p, c->f);
    return c->f[c->o->var];
}

/* y = phi_tau(x0) from t0; 0 on success */
static int trial(xctx *e, double tau)
{
    size_t n = e->c->out->n_vars;
    memcpy(e->y, e->x0, n * sizeof *e->y);
    if (tau <= 0) return 0;
    return nd_solve_system(e->sys, e->t0, e->t0 + tau, e->y, &e->fine, NULL, NULL) ? -1 : 0;
}

/* The extremum between (t0, x0, g0) and (t1, g1): its time and state recorded with direction d. */
static int locate_extremum(xctx *e, double t1, const double *x1, double g1, int d)
{
    pctx *c = e->c;
    size_t n = c->out->n_vars;
    double a = 0.0, b = t1 - e->t0, ga = e->g0, gb = g1, best = fabs(g1), tbest = b;
    memcpy(e->yb, x1, n * sizeof *e->yb);
    if (fabs(ga) < best) best = fabs(ga), tbest = 0.0, memcpy(e->yb, e->x0, n * sizeof *e->yb);
    int side = 0;
    for (int it = 0; it < 100 && b - a > 1e-14 * fmax(1.0, fabs(t1)) && best > 0; it++) {
        double tau = gb != ga ? b - gb * (b - a) / (gb - ga) : 0.5 * (a + b);
        if (!(tau > a && tau < b)) tau = 0.5 * (a + b);
        if (trial(e, tau)) break; /* keep the best so far */
        double g = g_of(c, e->t0 + tau, e->y);
        if (fabs(g) < best) best = fabs(g), tbest = tau, memcpy(e->yb, e->y, n * sizeof *e->yb);
        if ((g > 0) == (gb > 0)) {
            b = tau, gb = g;
            if (side == 1) ga *= 0.5;
            side = 1;
        } else {
            a = tau, ga = g;
            if (side == -1) gb *= 0.5;
            side = -1;
        }
    }
    double t = e->t0 + tbest;
    if (t < c->o->transient) return 0;
    if (reserve(c)) return 1;
    memcpy(c->out->x + c->out->n * n, e->yb, n * sizeof *e->yb);
    c->out->t[c->out->n] = t;
    c->out->dir[c->out->n] = d;
    c->out->n++;
    return c->out->n >= c->max;
}

static int on_step(double t, const double *x, void *ctx)
{
    xctx *e = ctx;
    pctx *c = e->c;
    size_t n = c->out->n_vars;
    double g = g_of(c, t, x);
    int stop = 0;
    if (e->have && t > e->t0) {
        int d = e->g0 > 0 && g <= 0 ? -1 : e->g0 < 0 && g >= 0 ? +1 : 0; /* -1: a maximum */
        if (d && (c->o->dir == 0 || c->o->dir == d)) stop = locate_extremum(e, t, x, g, d);
    }
    e->t0 = t, e->g0 = g, e->have = 1;
    memcpy(e->x0, x, n * sizeof *x);
    return stop;
}

static nd_status extrema(const nd_model *m, const double *p, const nd_poincare_opts *o, double rtol, double *x,
                         pctx *c, nd_error *err)
{
    size_t n = m->n_vars;
    if (m->spike)
        return nd_fail(err, ND_EINVAL, "Poincare map: %s has a spike rule (its reset is no extremum): sections at "
                       "extrema need a smooth flow", m->name);
    double *mem = malloc(3 * n * sizeof *mem);
    if (!mem) return nd_fail(err, ND_ENOMEM, "Poincare map: no memory");
    nd_model_system ms;
    nd_system_from_model(&ms, m, p);
    xctx e = {.c = c, .sys = &ms.sys, .x0 = mem, .y = mem + n, .yb = mem + 2 * n};
    nd_solve_opts_init(&e.fine);
    e.fine.method = "rkdp";
    e.fine.rtol = fmax(1e-2 * rtol, 1e-15), e.fine.atol = 1e-2 * e.fine.rtol;
    nd_solve_opts so;
    nd_solve_opts_init(&so);
    so.method = "rkdp";
    so.rtol = rtol, so.atol = rtol * 1e-2;
    so.on_sample = on_step; /* dt_out 0: after every step */
    so.ctx = &e;
    nd_solve_stats stats;
    nd_status st = nd_solve_system(&ms.sys, 0.0, o->t1, x, &so, &stats, err);
    free(mem);
    return st;
}

nd_status nd_poincare_compute(const nd_model *m, const double *p, const nd_poincare_opts *o, nd_poincare *out,
                              nd_error *err)
{
    if (!out || !o) return nd_fail(err, ND_EINVAL, "Poincare map: options and output needed");
    memset(out, 0, sizeof *out);
    nd_status st = nd_model_validate(m, err);
    if (st) return st;
    if (o->var < 0 || (size_t)o->var >= m->n_vars)
        return nd_fail(err, ND_EINVAL, "Poincare map: section variable %d out of range 0..%zu", o->var, m->n_vars - 1);
    if (!o->extremum && !isfinite(o->level)) return nd_fail(err, ND_EINVAL, "Poincare map: section level %g is not finite", o->level);
    if (o->dir < -1 || o->dir > 1) return nd_fail(err, ND_EINVAL, "Poincare map: direction %d (-1, 0, +1)", o->dir);
    if (!isfinite(o->transient) || o->transient < 0 || !isfinite(o->t1) || !(o->t1 > o->transient))
        return nd_fail(err, ND_EINVAL, "Poincare map: t1 = %g must be finite and greater than the transient %g (>= 0)",
                       o->t1, o->transient);
    double rtol = o->rtol > 0 ? o->rtol : 1e-10;
    if (!(rtol >= 1e-14 && rtol <= 1e-3)) return nd_fail(err, ND_EINVAL, "Poincare map: rtol = %g (1e-14..1e-3)", rtol);
    const double *x0 = o->x0 ? o->x0 : m->init;
    size_t n = m->n_vars;
    double *x = malloc(2 * n * sizeof *x);
    if (!x) return nd_fail(err, ND_ENOMEM, "Poincare map: no memory");
    memcpy(x, x0, n * sizeof *x);
    out->n_vars = n;
    pctx c = {m, p, o, out, 0, o->max_crossings ? o->max_crossings : 100000, x + n, 0};
    if (o->extremum) {
        st = extrema(m, p, o, rtol, x, &c, err);
        if (!st && c.nomem) st = nd_fail(err, ND_ENOMEM, "Poincare map: no memory for %zu crossings", out->n);
        free(x);
        if (st) nd_poincare_free(out);
        return st;
    }
    nd_event ev[2] = {{o->var, o->level, o->dir ? o->dir : +1, 0}, {o->var, o->level, -1, 0}};
    nd_solve_opts so;
    nd_solve_opts_init(&so);
    so.method = "rkdp";
    so.rtol = rtol, so.atol = rtol * 1e-2;
    so.event_tol = 1e-13;
    so.events = ev;
    so.n_events = o->dir ? 1 : 2;
    so.on_event = on_event;
    so.ctx = &c;
    so.no_spike_rule = 0;
    nd_solve_stats stats;
    if (m->noise != ND_NOISE_NONE) { /* a stochastic model: the section of its drift */
        nd_model_system ms;
        nd_system_from_model(&ms, m, p);
        st = nd_solve_system(&ms.sys, 0.0, o->t1, x, &so, &stats, err);
    } else {
        st = nd_solve(m, p, 0.0, o->t1, x, &so, &stats, err);
    }
    if (!st && c.nomem) st = nd_fail(err, ND_ENOMEM, "Poincare map: no memory for %zu crossings", out->n);
    free(x);
    if (st) nd_poincare_free(out);
    return st;
}

void nd_poincare_free(nd_poincare *r)
{
    if (!r) return;
    free(r->t), free(r->x), free(r->dir);
    memset(r, 0, sizeof *r);
}
