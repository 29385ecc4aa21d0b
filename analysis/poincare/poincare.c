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
 * 1983, Nonlinear Oscillations, sec. 1.5; Strogatz, Nonlinear Dynamics and Chaos, sec. 8.7). */
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

static int on_event(int event, double t, const double *x, void *ctx)
{
    pctx *c = ctx;
    size_t n = c->out->n_vars;
    if (event < 0 || t < c->o->transient) return 0;
    if (c->out->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 256;
        double *tt = realloc(c->out->t, cap * sizeof *tt);
        if (tt) c->out->t = tt;
        double *xx = realloc(c->out->x, cap * n * sizeof *xx);
        if (xx) c->out->x = xx;
        int *dd = realloc(c->out->dir, cap * sizeof *dd);
        if (dd) c->out->dir = dd;
        if (!tt || !xx || !dd) return c->nomem = 1;
        c->cap = cap;
    }
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

nd_status nd_poincare_compute(const nd_model *m, const double *p, const nd_poincare_opts *o, nd_poincare *out,
                              nd_error *err)
{
    if (!out || !o) return nd_fail(err, ND_EINVAL, "Poincare map: options and output needed");
    memset(out, 0, sizeof *out);
    nd_status st = nd_model_validate(m, err);
    if (st) return st;
    if (o->var < 0 || (size_t)o->var >= m->n_vars)
        return nd_fail(err, ND_EINVAL, "Poincare map: section variable %d out of range 0..%zu", o->var, m->n_vars - 1);
    if (!isfinite(o->level)) return nd_fail(err, ND_EINVAL, "Poincare map: section level %g is not finite", o->level);
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
