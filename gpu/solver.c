/* The general CPU path: one nd_solve per trajectory (any method, adaptive steps, SDEs, models
 * without SIMD lanes), OpenMP over trajectories. The reductions are taken from the driver's
 * samples at every step, with the same rules as the lanes: max/min of the states at
 * t >= t0 + transient, upward crossings located by cubic Hermite interpolation (ODEs) or
 * linearly (SDE paths, which have no smoother interpolant), local extrema of the section's
 * variable where its slope changes sign, on the same interpolant (ODEs), or the largest or
 * smallest of three consecutive states (SDE paths, whose slope is not defined). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ensemble_impl.h"

typedef struct traj_run {
    const nd_model *m;
    const nd_ensemble_opts *o;
    nd_ensemble_result *res;
    double p[64], f[64];   /* this trajectory's parameters (m->n_pars <= 64 on this path) */
    const double *pp;
    size_t i;
    long step;
    int stochastic;
    double t_prev, y_prev, f_prev, ev_prev;
    double y_prev2; /* SDE extrema: the state before y_prev */
    int jumped;     /* the model's spike rule reset the state since the last sample */
} traj_run;

static void record_event(traj_run *r, double te)
{
    nd_ensemble_result *res = r->res;
    size_t i = r->i, n = res->n;
    if (te < r->o->t0 + r->o->transient) return;
    long c = res->events[i];
    if (c == 0) res->event_first[i] = te;
    if (res->event_times && (size_t)c < res->max_events) res->event_times[(size_t)c * n + i] = te;
    r->ev_prev = res->event_last[i];
    res->event_last[i] = te;
    res->events[i] = c + 1;
}

static void keep_extremum(traj_run *r, int is_max, double te, double ye)
{
    nd_ensemble_result *res = r->res;
    if (te < r->o->t0 + r->o->transient) return;
    if (is_max) nd_ens_keep_extremum(res->n_maxima, res->maxima, res->maxima_t, (long)res->max_extrema, res->n, r->i, te, ye);
    else nd_ens_keep_extremum(res->n_minima, res->minima, res->minima_t, (long)res->max_extrema, res->n, r->i, te, ye);
}

/* The local extremum between the previous sample and this one (ODEs: the slope changes sign in
 * the step), or at the previous sample (SDEs: it is above or below both neighbours). */
static void check_extremum(traj_run *r, double t, double y, double f)
{
    const nd_ensemble_result *res = r->res;
    const int want_max = res->n_maxima != NULL, want_min = res->n_minima != NULL;
    if (r->stochastic) {
        if (r->step < 2) return;
        if (want_max && r->y_prev > r->y_prev2 && r->y_prev >= y) keep_extremum(r, 1, r->t_prev, r->y_prev);
        if (want_min && r->y_prev < r->y_prev2 && r->y_prev <= y) keep_extremum(r, 0, r->t_prev, r->y_prev);
        return;
    }
    const double f0 = r->f_prev;
    const int is_max = want_max && f0 > 0 && f <= 0, is_min = want_min && f0 < 0 && f >= 0;
    if (r->step == 0 || (!is_max && !is_min)) return;
    const double h = t - r->t_prev, th = nd_ens_hermite_turn(r->y_prev, f0, y, f, h);
    keep_extremum(r, is_max, r->t_prev + th * h, nd_ens_hermite_value(r->y_prev, f0, y, f, h, th));
}

/* Across a reset (y_prev the state at threshold, y the state the rule set): nothing is
 * interpolated; the state at threshold is a peak when the variable was rising into it and the
 * reset takes it down (a trough when falling and taken up). */
static void check_jump(traj_run *r, double y)
{
    const nd_ensemble_result *res = r->res;
    const int rising = r->stochastic ? r->y_prev > r->y_prev2 : r->f_prev > 0;
    const int falling = r->stochastic ? r->y_prev < r->y_prev2 : r->f_prev < 0;
    if (res->n_maxima && rising && y < r->y_prev) keep_extremum(r, 1, r->t_prev, r->y_prev);
    if (res->n_minima && falling && y > r->y_prev) keep_extremum(r, 0, r->t_prev, r->y_prev);
}

static void check_crossing(traj_run *r, double t, const double *x)
{
    const int ev = r->o->event_var;
    const double level = r->o->event_level, y = x[ev];
    double f = 0.0;
    if (!r->stochastic) {
        r->m->rhs(t, x, r->pp, r->f);
        f = r->f[ev];
    }
    if (r->jumped) {
        if (r->res->max_extrema) check_jump(r, y);
    } else if (r->res->max_extrema) {
        check_extremum(r, t, y, f);
    }
    if (!r->jumped && r->step > 0 && r->y_prev < level && y >= level) {
        double h = t - r->t_prev;
        double th = r->stochastic ? (level - r->y_prev) / (y - r->y_prev)
                                  : nd_ens_hermite_theta(r->y_prev, r->f_prev, y, f, h, level);
        record_event(r, r->t_prev + th * h);
    }
    r->y_prev2 = r->jumped ? y : r->y_prev; /* SDEs: a new segment starts at the reset state */
    r->t_prev = t, r->y_prev = y, r->f_prev = f;
    r->jumped = 0;
}

/* The reductions of one state of the orbit: max/min after the transient, crossings, extrema. */
static void reduce_state(traj_run *r, double t, const double *x)
{
    nd_ensemble_result *res = r->res;
    size_t n = res->n, nv = res->n_vars, i = r->i;
    if (res->x_max && t >= r->o->t0 + r->o->transient)
        for (size_t v = 0; v < nv; v++) {
            if (x[v] > res->x_max[v * n + i]) res->x_max[v * n + i] = x[v];
            if (x[v] < res->x_min[v * n + i]) res->x_min[v * n + i] = x[v];
        }
    if (res->events) check_crossing(r, t, x);
}

/* A spike of the model's threshold/reset rule: the driver passes the state at threshold, before
 * the reset; it is a state of the orbit (its peak) and is reduced like a sample. The sample that
 * follows, at the same time, holds the reset state: a jump (check_jump). */
static int on_event(int id, double t, const double *x, void *ctx)
{
    traj_run *r = ctx;
    if (id == ND_EVENT_SPIKE && r->m->spike && r->m->spike->reset) reduce_state(r, t, x), r->jumped = 1;
    return 0;
}

static int on_sample(double t, const double *x, void *ctx)
{
    traj_run *r = ctx;
    nd_ensemble_result *res = r->res;
    size_t n = res->n, nv = res->n_vars, i = r->i;
    reduce_state(r, t, x);
    if (res->samples && r->step % r->o->sample_stride == 0) {
        size_t k = (size_t)(r->step / r->o->sample_stride);
        for (size_t v = 0; k < res->n_samples && v < nv; v++) res->samples[(k * nv + v) * n + i] = x[v];
    }
    r->step++;
    return 0;
}

static void start_trajectory(traj_run *r, const double *P)
{
    nd_ensemble_result *res = r->res;
    size_t n = res->n, i = r->i;
    for (size_t k = 0; k < r->m->n_pars; k++) r->p[k] = P[k * n + i];
    r->pp = r->p;
    for (size_t v = 0; res->x_max && v < res->n_vars; v++)
        res->x_max[v * n + i] = -INFINITY, res->x_min[v * n + i] = INFINITY;
    if (res->events) {
        res->events[i] = 0;
        res->event_first[i] = res->event_last[i] = r->ev_prev = NAN;
    }
    if (res->n_maxima) res->n_maxima[i] = 0;
    if (res->n_minima) res->n_minima[i] = 0;
    res->t_fail[i] = NAN;
}

static void run_one(const nd_model *m, const double *P, const nd_ensemble_opts *o,
                    nd_ensemble_result *res, size_t i)
{
    traj_run r = {.m = m, .o = o, .res = res, .i = i, .stochastic = nd_ens_is_stochastic(m, o)};
    start_trajectory(&r, P);
    size_t n = res->n, nv = m->n_vars;
    double x[64];
    for (size_t v = 0; v < nv; v++) x[v] = res->x[v * n + i];
    nd_solve_opts so;
    nd_solve_opts_init(&so);
    so.method = o->method ? o->method : (r.stochastic ? "euler" : "rk4");
    so.dt = o->dt, so.rtol = o->rtol, so.atol = o->atol;
    so.seed = o->seed, so.trajectory = o->first_trajectory + i, so.noise = o->noise;
    so.on_sample = on_sample, so.on_event = on_event, so.ctx = &r;
    nd_solve_stats stats;
    nd_status st = nd_solve(m, r.p, o->t0, o->t1, x, &so, &stats, NULL);
    for (size_t v = 0; v < nv; v++) res->x[v * n + i] = x[v];
    if (st) {
        res->status[i] = st == ND_ENONFINITE ? ND_ENS_NONFINITE : ND_ENS_FAILED;
        res->t_fail[i] = stats.t;
    }
    if (res->events) res->period[i] = res->events[i] >= 2 ? res->event_last[i] - r.ev_prev : NAN;
}

nd_status nd_ens_run_solver(const nd_model *m, const double *P, const nd_ensemble_opts *o,
                            nd_ensemble_result *res, nd_error *err)
{
    if (m->n_vars > 64 || m->n_pars > 64)
        return nd_fail(err, ND_EINVAL,
                       "ensemble: model %s has %zu variables and %zu parameters; the per-trajectory "
                       "path takes at most 64 of each (give it ND_KERNELS for the lanes)",
                       m->name, m->n_vars, m->n_pars);
    const long n = (long)res->n;
    /* dynamic (adaptive runs differ in cost) in chunks wide enough that two threads rarely
     * write to one cache line of the result rows */
    #pragma omp parallel for schedule(dynamic, 64)
    for (long i = 0; i < n; i++) {
        run_one(m, P, o, res, (size_t)i);
        if (o->progress) o->progress(o->progress_ctx, 1.0);
    }
    return ND_OK;
}
