/* The driver: advances a system over [t0, t1] with sampling, events, a spike rule and
 * budgets. Fixed-step methods walk the grid t0 + k dt; embedded pairs use the standard
 * error-per-step controller (Hairer, Nørsett & Wanner I, II.4); GSL types use GSL's evolve.
 * Steps are clipped to land exactly on sample times, ends of refractory periods and t1. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "sde_impl.h"
#include "stepper_impl.h"

void nd_solve_opts_init(nd_solve_opts *o)
{
    memset(o, 0, sizeof *o);
    o->method = NULL;
    o->rtol = 1e-6;
    o->atol = 1e-9;
    o->event_tol = 1e-12;
}

/* Everything one run needs, so the helpers below take a single pointer. */
typedef struct run {
    const nd_system *sys;
    const nd_solve_opts *o;
    const nd_method *method;
    nd_stepper *st;
    size_t n;
    double t0, t1;
    /* spike rule (model runs only) */
    const nd_spike_rule *spike;
    const double *p;
    const char *const *names; /* variable names for messages, or NULL */
    double refractory_end, held_value;
    /* state */
    double t, h;       /* current time and proposed step */
    double *y, *y_prev, *y_new, *yerr, *scratch, *f_prev, *f_new;
    double t_prev;
    long k_grid;       /* fixed step: index of the next grid point */
    long k_sample;     /* index of the next sample */
    long sample_stride; /* fixed step: grid points per sample */
    nd_solve_stats *stats;
    const nd_model_kernels *kern; /* the model's inlined fixed steps (drv_fixed), or NULL */
    gsl_odeiv2_driver *gdrv; /* GSL types: GSL's own evolve/control/step objects */
    nd_error *err;
} run;

static int is_fixed_step(const nd_method *m) { return !m->adaptive && m->kind != ND_METHOD_GSL; }

static double grid_time(const run *r, long k) { return r->t0 + (double)k * r->o->dt; }

static double sample_time(const run *r, long k)
{
    if (r->o->dt_out <= 0) return INFINITY;
    if (is_fixed_step(r->method)) return grid_time(r, k * r->sample_stride);
    return r->t0 + (double)k * r->o->dt_out;
}

static int uses_gsl_evolve(const run *r) { return r->method->kind == ND_METHOD_GSL; }

/* ---- argument checks ---------------------------------------------------------------------- */
static nd_status check_args(const nd_system *sys, double t0, double t1, const double *x,
                            const nd_solve_opts *o, const nd_method *m, nd_error *err)
{
    if (!isfinite(t0)) return nd_fail(err, ND_EINVAL, "t0 = %g is not finite", t0);
    if (!isfinite(t1)) return nd_fail(err, ND_EINVAL, "t1 = %g is not finite", t1);
    if (t1 < t0) return nd_fail(err, ND_EINVAL, "t1 = %g is before t0 = %g", t1, t0);
    for (size_t i = 0; i < sys->n; i++)
        if (!isfinite(x[i])) return nd_fail(err, ND_EINVAL, "initial value %zu is %g", i, x[i]);
    int fixed = is_fixed_step(m);
    if (fixed && !(o->dt > 0) ) return nd_fail(err, ND_EINVAL, "dt = %g must be > 0 for method %s", o->dt, m->name);
    if (!(o->dt >= 0) || !isfinite(o->dt)) return nd_fail(err, ND_EINVAL, "dt = %g must be >= 0", o->dt);
    if (!(o->dt_out >= 0) || !isfinite(o->dt_out))
        return nd_fail(err, ND_EINVAL, "sample interval dt_out = %g must be >= 0", o->dt_out);
    if (!fixed && !(o->rtol > 0 && o->rtol < 1)) return nd_fail(err, ND_EINVAL, "rtol = %g must be in (0, 1)", o->rtol);
    if (!fixed && !(o->atol >= 0) ) return nd_fail(err, ND_EINVAL, "atol = %g must be >= 0", o->atol);
    if (!(o->event_tol > 0)) return nd_fail(err, ND_EINVAL, "event_tol = %g must be > 0", o->event_tol);
    if (o->max_steps < 0) return nd_fail(err, ND_EINVAL, "max_steps = %ld must be >= 0", o->max_steps);
    for (size_t k = 0; k < o->n_events; k++) {
        const nd_event *e = &o->events[k];
        if (e->var < 0 || (size_t)e->var >= sys->n)
            return nd_fail(err, ND_EINVAL, "event %zu: variable index %d out of range 0..%zu", k, e->var, sys->n - 1);
        if (!isfinite(e->level)) return nd_fail(err, ND_EINVAL, "event %zu: level %g is not finite", k, e->level);
        if (e->direction < -1 || e->direction > 1)
            return nd_fail(err, ND_EINVAL, "event %zu: direction %d must be -1, 0 or +1", k, e->direction);
    }
    if (fixed) {
        long max_steps = o->max_steps ? o->max_steps : 100000000L;
        double steps = ceil((t1 - t0) / o->dt - 1e-9);
        if (steps > (double)max_steps)
            return nd_fail(err, ND_EMAXSTEPS, "t1 - t0 = %g with dt = %g needs %.0f steps, more than max_steps = %ld",
                           t1 - t0, o->dt, steps, max_steps);
        if (o->dt_out > 0) {
            double ratio = o->dt_out / o->dt;
            /* checked before lround converts it: 1e308 / 0.1 is infinite */
            if (!(ratio <= ND_MAX_SAMPLE_STRIDE))
                return nd_fail(err, ND_EINVAL, "sample interval %g is %.3g steps of dt = %g, more than %.0e",
                               o->dt_out, ratio, o->dt, ND_MAX_SAMPLE_STRIDE);
            if (fabs(ratio - round(ratio)) > 1e-9 * ratio || round(ratio) < 1)
                return nd_fail(err, ND_EINVAL, "sample interval %g must be a multiple of dt = %g for fixed-step method %s",
                               o->dt_out, o->dt, m->name);
        }
    }
    return ND_OK;
}

/* ---- output --------------------------------------------------------------------------------- */
static int emit_sample(run *r)
{
    return r->o->on_sample ? r->o->on_sample(r->t, r->y, r->o->ctx) : 0;
}

/* Emits every sample time reached: returns 1 when a callback asked to stop. */
static int emit_due_samples(run *r)
{
    while (r->o->dt_out > 0 && sample_time(r, r->k_sample) <= r->t) {
        r->k_sample++;
        if (emit_sample(r)) return 1;
    }
    if (r->o->dt_out <= 0 && emit_sample(r)) return 1;
    return 0;
}

/* ---- non-finite diagnosis ------------------------------------------------------------------- */
static const char *var_name(const run *r, size_t i, char *buf, size_t len)
{
    if (r->names) return r->names[i];
    snprintf(buf, len, "x[%zu]", i);
    return buf;
}

static nd_status nonfinite_error(run *r, double h)
{
    char buf[32], state[400];
    size_t used = 0;
    const nd_stepper *st = r->st;
    if (st->bad.seen) {
        state[0] = '\0';
        for (size_t i = 0; i < r->n && used + 40 < sizeof state; i++)
            used += (size_t)snprintf(state + used, sizeof state - used, "%s%s = %g", i ? ", " : "",
                                     var_name(r, i, buf, sizeof buf), st->bad.x[i]);
        return nd_fail(r->err, ND_ENONFINITE,
                       "the right-hand side d%s/dt is %g at t = %.17g (state: %s)",
                       var_name(r, st->bad.var, buf, sizeof buf), st->bad.value, st->bad.t, state);
    }
    return nd_fail(r->err, ND_ENONFINITE,
                   "the solution became non-finite in a step from t = %.17g with h = %g "
                   "(the right-hand side stayed finite: the step is too large or the solution blows up)",
                   r->t, h);
}

/* ---- one accepted step ---------------------------------------------------------------------- */
static double next_target(const run *r)
{
    double target = r->t1;
    double ts = sample_time(r, r->k_sample);
    if (ts < target) target = ts;
    if (r->refractory_end > r->t && r->refractory_end < target) target = r->refractory_end;
    return target;
}

static double error_norm(const run *r)
{
    double sum = 0.0;
    for (size_t i = 0; i < r->n; i++) {
        double sc = r->o->atol + r->o->rtol * fmax(fabs(r->y[i]), fabs(r->y_new[i]));
        double e = r->yerr[i] / sc;
        sum += e * e;
    }
    return sqrt(sum / (double)r->n);
}

static nd_status fixed_step(run *r, double target)
{
    double tg = grid_time(r, r->k_grid);
    double t_next = tg < target ? tg : target;
    nd_status st = nd_stepper_step(r->st, r->t, t_next - r->t, r->y, r->y_new, NULL, r->err);
    if (st == ND_ENONFINITE) return nonfinite_error(r, t_next - r->t);
    if (st) return st;
    if (t_next == tg) r->k_grid++;
    r->t_prev = r->t;
    r->t = t_next;
    return ND_OK;
}

/* Whether the steps up to the next target may run in the model's inlined loop (drv_fixed): a
 * fixed-step explicit table with lanes, and nothing to look at between steps (no events, no spike
 * rule). The loop repeats the stepper's arithmetic, so the results are the same bitwise. */
static int inlined_steps(const run *r)
{
    const nd_method *m = r->method;
    return r->kern && r->kern->drv_fixed && r->kern->n_vars == r->n && m->kind == ND_METHOD_ERK &&
           is_fixed_step(m) && m->tableau->stages <= ND_ENS_MAX_STAGES && !r->o->n_events && !r->spike;
}

/* Fixed steps in the model's inlined loop from y up to the next sample (or t1, or max_steps),
 * into y_new; returns how many. 0: the first step's result was not finite, and the stepper takes
 * it again to diagnose it. */
static long inlined_chunk(run *r, long max_steps)
{
    long steps = max_steps - r->stats->steps;
    if (r->o->dt_out > 0) steps = r->k_sample * r->sample_stride - (r->k_grid - 1);
    else if (r->o->on_sample) steps = 1; /* a sample after every step */
    if (steps > max_steps - r->stats->steps) steps = max_steps - r->stats->steps;
    const int kind = strcmp(r->method->name, "rk4") == 0 ? ND_ENS_RK4 : ND_ENS_TABLE;
    double t = r->t;
    memcpy(r->y_new, r->y, r->n * sizeof *r->y);
    long done = r->kern->drv_fixed(r->method->tableau, kind, r->y_new, r->p, &t, r->t0, r->o->dt, r->t1,
                                   r->k_grid - 1, steps);
    if (done == 0) return 0;
    r->st->rhs_evals += done * r->method->tableau->stages;
    r->stats->steps += done;
    r->k_grid += done;
    r->t_prev = r->t, r->t = t;
    return done;
}

/* Hairer, Nørsett & Wanner I, II.4: starting step from the scale of y and f. */
static double initial_step(run *r, double span)
{
    size_t n = r->n;
    int q = r->method->tableau ? r->method->tableau->embedded_order : 4;
    double *f0 = r->f_prev, *f1 = r->f_new, d0 = 0, d1 = 0, d2 = 0;
    r->sys->f(r->t, r->y, f0, r->sys->ctx);
    r->st->rhs_evals++;
    for (size_t i = 0; i < n; i++) {
        double sc = r->o->atol + r->o->rtol * fabs(r->y[i]);
        d0 += (r->y[i] / sc) * (r->y[i] / sc);
        d1 += (f0[i] / sc) * (f0[i] / sc);
    }
    d0 = sqrt(d0 / n), d1 = sqrt(d1 / n);
    double h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
    h0 = fmin(h0, span);
    for (size_t i = 0; i < n; i++) r->scratch[i] = r->y[i] + h0 * f0[i];
    r->sys->f(r->t + h0, r->scratch, f1, r->sys->ctx);
    r->st->rhs_evals++;
    for (size_t i = 0; i < n; i++) {
        double sc = r->o->atol + r->o->rtol * fabs(r->y[i]);
        d2 += ((f1[i] - f0[i]) / sc) * ((f1[i] - f0[i]) / sc);
    }
    d2 = sqrt(d2 / n) / h0;
    double dm = fmax(d1, d2);
    double h1 = dm <= 1e-15 ? fmax(1e-6, h0 * 1e-3) : pow(0.01 / dm, 1.0 / (q + 1));
    double h = fmin(100 * h0, h1);
    return isfinite(h) && h > 0 ? h : 1e-6;
}

static nd_status adaptive_step(run *r, double target)
{
    const nd_butcher *tab = r->method->tableau;
    int q = tab ? (tab->order < tab->embedded_order ? tab->order : tab->embedded_order) : 1;
    double expo = 1.0 / (q + 1);
    double h_max = r->o->h_max > 0 ? r->o->h_max : (r->t1 - r->t0);
    int rejected_before = 0;
    for (;;) {
        double h_min = r->o->h_min > 0 ? r->o->h_min : 16 * DBL_EPSILON * fmax(fabs(r->t), 1.0);
        double h = fmin(fmin(r->h, h_max), target - r->t);
        int clipped = h == target - r->t;
        if (h < h_min && !clipped && r->st->bad.seen) return nonfinite_error(r, h);
        if (h < h_min && !clipped)
            return nd_fail(r->err, ND_ESTEPSIZE,
                           "step size %g fell below h_min = %g at t = %.17g with rtol = %g, atol = %g "
                           "(the problem may be stiff: try bsimp or msbdf)",
                           h, h_min, r->t, r->o->rtol, r->o->atol);
        nd_status st = nd_stepper_step(r->st, r->t, h, r->y, r->y_new, r->yerr, r->err);
        if (st == ND_ENONFINITE) {
            if (h <= h_min || (clipped && h <= 2 * h_min)) return nonfinite_error(r, h);
            r->h = h * 0.1; /* a too-large trial step may overflow: retry smaller */
            r->stats->rejected++;
            rejected_before = 1;
            continue;
        }
        if (st) return st;
        double e = error_norm(r);
        if (e <= 1.0) {
            double fac = e == 0.0 ? 5.0 : fmin(5.0, fmax(0.2, 0.9 * pow(e, -expo)));
            if (rejected_before) fac = fmin(fac, 1.0);
            /* a step clipped to a target says nothing about the natural step: keep r->h */
            if (!clipped || fac < 1.0) r->h = h * fac;
            r->t_prev = r->t;
            r->t = clipped ? target : r->t + h;
            return ND_OK;
        }
        r->stats->rejected++;
        rejected_before = 1;
        r->h = h * fmax(0.2, 0.9 * pow(e, -expo));
    }
}

static nd_status gsl_step(run *r, double target)
{
    memcpy(r->y_new, r->y, r->n * sizeof *r->y);
    double t = r->t;
    gsl_odeiv2_driver *d = r->gdrv;
    int rc = gsl_odeiv2_evolve_apply(d->e, d->c, d->s, &r->st->gsys, &t, target, &r->h, r->y_new);
    /* GSL gives up at the first non-finite RHS; a too-large trial step may be the cause, so
     * retry smaller down to the minimum step before reporting it */
    double h_min = r->o->h_min > 0 ? r->o->h_min : 16 * DBL_EPSILON * fmax(fabs(r->t), 1.0);
    while (rc == GSL_EBADFUNC && r->h > h_min) {
        r->h *= 0.1;
        r->stats->rejected++;
        gsl_odeiv2_driver_reset(d);
        memcpy(r->y_new, r->y, r->n * sizeof *r->y);
        t = r->t;
        rc = gsl_odeiv2_evolve_apply(d->e, d->c, d->s, &r->st->gsys, &t, target, &r->h, r->y_new);
    }
    if (rc == GSL_EBADFUNC) return nonfinite_error(r, r->h);
    if (rc) return nd_fail(r->err, ND_EFAILED, "%s failed at t = %.17g with h = %g (%s)",
                           r->method->name, r->t, r->h, gsl_strerror(rc));
    r->t_prev = r->t;
    r->t = t;
    return ND_OK;
}

/* ---- events ------------------------------------------------------------------------------- */
/* State at t_prev + tau, into out: a fresh step of the same one-step method from y_prev, or
 * for the multistep msbdf the cubic Hermite interpolant through (y_prev, f_prev), (y_new, f_new). */
static int is_multistep(const run *r)
{
    return r->method->gsl_name && strcmp(r->method->gsl_name, "msbdf") == 0;
}

static nd_status state_at(run *r, double tau, double *out)
{
    if (is_multistep(r)) {
        double h = r->t - r->t_prev, s = tau / h;
        double h00 = (1 + 2 * s) * (1 - s) * (1 - s), h10 = s * (1 - s) * (1 - s);
        double h01 = s * s * (3 - 2 * s), h11 = s * s * (s - 1);
        for (size_t i = 0; i < r->n; i++)
            out[i] = h00 * r->y_prev[i] + h10 * h * r->f_prev[i] + h01 * r->y_new[i] + h11 * h * r->f_new[i];
        return ND_OK;
    }
    if (tau == r->t - r->t_prev) {
        memcpy(out, r->y_new, r->n * sizeof *out);
        return ND_OK;
    }
    return nd_stepper_step(r->st, r->t_prev, tau, r->y_prev, out, NULL, r->err);
}

/* g = sign-adjusted distance of variable var from level; a crossing is g going from < 0 to
 * >= 0 in the event's direction. */
static int crosses(double before, double after, int direction)
{
    if (direction >= 0 && before < 0 && after >= 0) return 1;
    if (direction <= 0 && before > 0 && after <= 0) return 1;
    return 0;
}

/* Illinois (modified regula falsi) for the crossing time in (0, h]; the state there goes to
 * out. */
static nd_status locate(run *r, int var, double level, double *tau_out, double *out)
{
    double a = 0.0, b = r->t - r->t_prev;
    double ga = r->y_prev[var] - level, gb = r->y_new[var] - level;
    int side = 0;
    for (int it = 0; it < 200 && b - a > r->o->event_tol; it++) {
        double c = (ga == gb) ? 0.5 * (a + b) : b - gb * (b - a) / (gb - ga);
        if (!(c > a && c < b)) c = 0.5 * (a + b);
        nd_status st = state_at(r, c, out);
        if (st) return st;
        double gc = out[var] - level;
        if (gc == 0.0) {
            a = b = c;
            break;
        }
        if ((gc > 0) == (gb > 0)) {
            b = c, gb = gc;
            if (side == 1) ga *= 0.5;
            side = 1;
        } else {
            a = c, ga = gc;
            if (side == -1) gb *= 0.5;
            side = -1;
        }
    }
    *tau_out = b; /* the end just past the crossing, so the event has happened there */
    return state_at(r, b, out);
}

static double spike_threshold(const run *r)
{
    return r->spike->threshold_par >= 0 ? r->p[r->spike->threshold_par] : r->spike->threshold;
}

/* The earliest crossing in the step: index of a user event, ND_EVENT_SPIKE, or -2 for none. */
static int earliest_crossing(run *r, double *tau, double *xe, double *tmp)
{
    int best = -2;
    double best_tau = INFINITY;
    for (size_t k = 0; k < r->o->n_events; k++) {
        const nd_event *e = &r->o->events[k];
        if (!crosses(r->y_prev[e->var] - e->level, r->y_new[e->var] - e->level, e->direction)) continue;
        double tk;
        if (locate(r, e->var, e->level, &tk, tmp)) return -3;
        if (tk < best_tau) best_tau = tk, best = (int)k, memcpy(xe, tmp, r->n * sizeof *xe);
    }
    if (r->spike && r->t_prev >= r->refractory_end) {
        int v = r->spike->var;
        double th = spike_threshold(r);
        if (crosses(r->y_prev[v] - th, r->y_new[v] - th, +1)) {
            double tk;
            if (locate(r, v, th, &tk, tmp)) return -3;
            if (tk <= best_tau) best_tau = tk, best = ND_EVENT_SPIKE, memcpy(xe, tmp, r->n * sizeof *xe);
        }
    }
    *tau = best_tau;
    return best;
}

/* Cuts the current step at the event: the state becomes the located one. */
static void cut_step(run *r, double tau, const double *xe)
{
    r->t = r->t_prev + tau;
    memcpy(r->y_new, xe, r->n * sizeof *xe);
    /* fixed step: the grid point the cut step was heading for is still ahead */
    if (is_fixed_step(r->method))
        while (r->k_grid > 1 && grid_time(r, r->k_grid - 1) > r->t) r->k_grid--;
}

static int fire_event(run *r, int id, const double *x)
{
    r->stats->events++;
    if (id == ND_EVENT_SPIKE) r->stats->spikes++;
    return r->o->on_event ? r->o->on_event(id, r->t, x, r->o->ctx) : 0;
}

/* Handles the events of the step just taken: the step is cut at the earliest crossing, so a
 * later crossing in the same step is found by the next step. Returns 1 to stop the run, -1
 * on error. */
static int handle_events(run *r)
{
    double *xe = r->scratch, *tmp = r->scratch + r->n, tau;
    int id = earliest_crossing(r, &tau, xe, tmp);
    if (id == -3) return -1;
    if (id == -2) return 0;
    cut_step(r, tau, xe);
    if (r->gdrv) gsl_odeiv2_driver_reset(r->gdrv); /* its history ends at the old step end */
    int stop = fire_event(r, id, r->y_new);
    if (id == ND_EVENT_SPIKE && r->spike->reset) {
        r->spike->reset(r->y_new, r->p);
        double ref = r->spike->refractory_par >= 0 ? r->p[r->spike->refractory_par]
                                                   : r->spike->refractory;
        if (ref > 0) {
            r->refractory_end = r->t + ref;
            r->held_value = r->y_new[r->spike->var];
        }
        nd_stepper_reset(r->st);
    }
    if (stop || (id >= 0 && r->o->events[id].terminal)) return 1;
    return 0;
}

/* ---- the loop --------------------------------------------------------------------------------- */
static nd_status take_step(run *r)
{
    double target = next_target(r);
    if (is_fixed_step(r->method)) return fixed_step(r, target);
    if (uses_gsl_evolve(r)) return gsl_step(r, target);
    return adaptive_step(r, target);
}

static nd_status loop(run *r)
{
    long max_steps = r->o->max_steps ? r->o->max_steps : 100000000L;
    const int inlined = inlined_steps(r);
    if (emit_due_samples(r)) {
        r->stats->stopped = 1;
        return ND_OK;
    }
    while (r->t < r->t1) {
        if (r->stats->steps >= max_steps)
            return nd_fail(r->err, ND_EMAXSTEPS, "max_steps = %ld reached at t = %.17g before t1 = %g",
                           max_steps, r->t, r->t1);
        memcpy(r->y_prev, r->y, r->n * sizeof *r->y);
        if (inlined && inlined_chunk(r, max_steps) > 0) {
            memcpy(r->y, r->y_new, r->n * sizeof *r->y);
            if (emit_due_samples(r)) {
                r->stats->stopped = 1;
                return ND_OK;
            }
            continue;
        }
        nd_status st = take_step(r);
        if (st) return st;
        r->st->bad.seen = 0; /* a non-finite trial that a smaller step avoided is forgotten */
        r->stats->steps++;
        if (r->o->n_events || r->spike) {
            if (is_multistep(r)) { /* slopes at both ends for the Hermite interpolant */
                r->sys->f(r->t_prev, r->y_prev, r->f_prev, r->sys->ctx);
                r->sys->f(r->t, r->y_new, r->f_new, r->sys->ctx);
                r->st->rhs_evals += 2;
            }
            int h = handle_events(r);
            if (h < 0) return r->err ? r->err->code : ND_EFAILED;
            memcpy(r->y, r->y_new, r->n * sizeof *r->y);
            if (h > 0) {
                r->stats->stopped = 1;
                emit_sample(r);
                return ND_OK;
            }
        } else {
            memcpy(r->y, r->y_new, r->n * sizeof *r->y);
        }
        /* a step that started inside the refractory period ends at or before its end (clipped) */
        if (r->spike && r->t_prev < r->refractory_end) r->y[r->spike->var] = r->held_value;
        if (emit_due_samples(r)) {
            r->stats->stopped = 1;
            return ND_OK;
        }
    }
    /* t1 itself is always reported once */
    if (r->o->dt_out > 0 && sample_time(r, r->k_sample - 1) != r->t1 && !r->stats->stopped) emit_sample(r);
    return ND_OK;
}

static nd_status setup(run *r, nd_error *err)
{
    size_t n = r->n;
    nd_status st = nd_stepper_alloc(r->method, r->sys, &r->st, err);
    if (st) return st;
    r->y = calloc(9 * n, sizeof(double));
    if (!r->y) return nd_fail(err, ND_ENOMEM, "solve: no memory for n = %zu", n);
    r->y_prev = r->y + n, r->y_new = r->y + 2 * n, r->yerr = r->y + 3 * n;
    r->f_prev = r->y + 4 * n, r->f_new = r->y + 5 * n, r->scratch = r->y + 6 * n; /* 3n */
    if (r->o->dt_out > 0 && is_fixed_step(r->method))
        r->sample_stride = lround(r->o->dt_out / r->o->dt);
    if (uses_gsl_evolve(r)) {
        /* GSL's driver object links step, control and evolve (msbdf needs the link) */
        r->gdrv = gsl_odeiv2_driver_alloc_y_new(&r->st->gsys, r->st->gstep->type,
                                                r->h, r->o->atol, r->o->rtol);
        if (!r->gdrv) return nd_fail(err, ND_ENOMEM, "solve: GSL driver allocation failed");
    }
    return ND_OK;
}

static void teardown(run *r)
{
    if (r->gdrv) gsl_odeiv2_driver_free(r->gdrv);
    nd_stepper_free(r->st);
    free(r->y);
}

static nd_status solve(const nd_system *sys, const nd_model_kernels *kern, const nd_spike_rule *spike,
                       const double *p, const char *const *names, double t0, double t1, double *x,
                       const nd_solve_opts *opts, nd_solve_stats *stats, nd_error *err)
{
    nd_solve_opts defaults;
    if (!opts) nd_solve_opts_init(&defaults), opts = &defaults;
    nd_solve_stats local;
    if (!stats) stats = &local;
    memset(stats, 0, sizeof *stats);
    if (!x) return nd_fail(err, ND_EINVAL, "solve: state vector x is NULL");
    const nd_method *m = nd_method_find(opts->method ? opts->method : "rkdp", err);
    if (!m) return ND_EINVAL;
    nd_status st = check_args(sys, t0, t1, x, opts, m, err);
    if (st) return st;
    run r = {.sys = sys, .o = opts, .method = m, .n = sys->n, .t0 = t0, .t1 = t1, .t = t0,
             .spike = spike, .p = p, .names = names, .refractory_end = -INFINITY, .stats = stats, .kern = kern, .err = err,
             .k_grid = 1};
    r.h = opts->dt > 0 ? opts->dt : 0.0;
    if (uses_gsl_evolve(&r) && !r.h) r.h = fmin(1e-3, fmax(t1 - t0, 1e-9));
    if ((st = setup(&r, err))) {
        teardown(&r);
        return st;
    }
    memcpy(r.y, x, r.n * sizeof *x);
    if (m->adaptive && !uses_gsl_evolve(&r) && !(r.h > 0) && t1 > t0)
        r.h = initial_step(&r, t1 - t0);
    st = loop(&r);
    memcpy(x, r.y, r.n * sizeof *x);
    stats->t = r.t;
    stats->rhs_evals = r.st->rhs_evals;
    stats->jac_evals = r.st->jac_evals;
    teardown(&r);
    return st;
}

nd_status nd_solve_system(const nd_system *sys, double t0, double t1, double *x,
                          const nd_solve_opts *o, nd_solve_stats *stats, nd_error *err)
{
    if (!sys || !sys->f || sys->n == 0) return nd_fail(err, ND_EINVAL, "solve: empty system");
    return solve(sys, NULL, NULL, NULL, NULL, t0, t1, x, o, stats, err);
}

nd_status nd_solve(const nd_model *m, const double *p, double t0, double t1, double *x,
                   const nd_solve_opts *o, nd_solve_stats *stats, nd_error *err)
{
    nd_status st = nd_model_validate(m, err);
    if (st) return st;
    if (!p && m->n_pars) return nd_fail(err, ND_EINVAL, "solve: parameter vector p is NULL");
    for (size_t k = 0; k < m->n_pars; k++)
        if (!isfinite(p[k]))
            return nd_fail(err, ND_EINVAL, "parameter %s = %g is not finite", m->par_names[k], p[k]);
    if (m->noise != ND_NOISE_NONE || (o && o->noise != 0.0))
        return nd_sde_solve(m, p, t0, t1, x, o, stats, err);
    nd_model_system ms;
    nd_system_from_model(&ms, m, p);
    const nd_spike_rule *spike = (o && o->no_spike_rule) ? NULL : m->spike;
    return solve(&ms.sys, m->kernels, spike, p, m->var_names, t0, t1, x, o, stats, err);
}
