/* The SDE driver: fixed steps on the grid t0 + k dt, Wiener increments from Philox keyed by
 * (seed, trajectory, k), sampling every dt_out, events and spikes located by linear
 * interpolation between steps (a sample path has no smoother interpolant), spike resets with
 * refractory hold, and errors naming the time when the path becomes non-finite. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/noise.h"
#include "sde_impl.h"

int nd_solve_is_stochastic(const nd_model *m, const nd_solve_opts *o)
{
    return m->noise != ND_NOISE_NONE || (o && o->noise != 0.0);
}

/* Context of the model's SDE: the diffusion is the model's, or sigma on every variable. */
typedef struct sde_model {
    const nd_model *m;
    const double *p;
    double sigma;
} sde_model;

static void f_model(double t, const double *x, double *dxdt, void *ctx)
{
    const sde_model *c = ctx;
    c->m->rhs(t, x, c->p, dxdt);
}

static void jac_model(double t, const double *x, double *jac, void *ctx)
{
    const sde_model *c = ctx;
    c->m->jac(t, x, c->p, jac);
}

static void g_model(double t, const double *x, double *g, void *ctx)
{
    const sde_model *c = ctx;
    c->m->diffusion(t, x, c->p, g);
}

static void gjac_model(double t, const double *x, double *jac, void *ctx)
{
    const sde_model *c = ctx;
    c->m->diffusion_jac(t, x, c->p, jac);
}

static void g_additive(double t, const double *x, double *g, void *ctx)
{
    const sde_model *c = ctx;
    (void)t, (void)x;
    for (size_t i = 0; i < c->m->n_vars; i++) g[i] = c->sigma;
}

static void gjac_additive(double t, const double *x, double *jac, void *ctx)
{
    const sde_model *c = ctx;
    (void)t, (void)x;
    memset(jac, 0, c->m->n_vars * c->m->n_vars * sizeof *jac);
}

static nd_status check_args(const nd_model *m, double t0, double t1, const double *x,
                            const nd_solve_opts *o, nd_error *err)
{
    if (!isfinite(t0)) return nd_fail(err, ND_EINVAL, "t0 = %g is not finite", t0);
    if (!isfinite(t1)) return nd_fail(err, ND_EINVAL, "t1 = %g is not finite", t1);
    if (t1 < t0) return nd_fail(err, ND_EINVAL, "t1 = %g is before t0 = %g", t1, t0);
    if (!(o->dt > 0) || !isfinite(o->dt))
        return nd_fail(err, ND_EINVAL, "dt = %g must be > 0 for a stochastic run", o->dt);
    if (!isfinite(o->noise) || o->noise < 0)
        return nd_fail(err, ND_EINVAL, "noise amplitude %g must be >= 0", o->noise);
    if (o->noise > 0 && m->noise != ND_NOISE_NONE)
        return nd_fail(err, ND_EINVAL,
                       "model %s already has a diffusion term; --noise adds noise to deterministic models only",
                       m->name);
    for (size_t i = 0; i < m->n_vars; i++)
        if (!isfinite(x[i])) return nd_fail(err, ND_EINVAL, "initial value %s = %g is not finite", m->var_names[i], x[i]);
    if (!(o->dt_out >= 0)) return nd_fail(err, ND_EINVAL, "sample interval dt_out = %g must be >= 0", o->dt_out);
    if (o->dt_out > 0) {
        double ratio = o->dt_out / o->dt;
        /* checked before lround converts it: 1e308 / 0.1 is infinite */
        if (!(ratio <= ND_MAX_SAMPLE_STRIDE))
            return nd_fail(err, ND_EINVAL, "sample interval %g is %.3g steps of dt = %g, more than %.0e", o->dt_out,
                           ratio, o->dt, ND_MAX_SAMPLE_STRIDE);
        if (fabs(ratio - round(ratio)) > 1e-9 * ratio || round(ratio) < 1)
            return nd_fail(err, ND_EINVAL, "sample interval %g must be a multiple of dt = %g", o->dt_out, o->dt);
    }
    long max_steps = o->max_steps ? o->max_steps : 100000000L;
    double steps = ceil((t1 - t0) / o->dt - 1e-9);
    if (steps > (double)max_steps)
        return nd_fail(err, ND_EMAXSTEPS, "t1 - t0 = %g with dt = %g needs %.0f steps, more than max_steps = %ld",
                       t1 - t0, o->dt, steps, max_steps);
    for (size_t k = 0; k < o->n_events; k++) {
        const nd_event *e = &o->events[k];
        if (e->var < 0 || (size_t)e->var >= m->n_vars)
            return nd_fail(err, ND_EINVAL, "event %zu: variable index %d out of range", k, e->var);
        if (!isfinite(e->level)) return nd_fail(err, ND_EINVAL, "event %zu: level %g is not finite", k, e->level);
        if (e->direction < -1 || e->direction > 1)
            return nd_fail(err, ND_EINVAL, "event %zu: direction %d must be -1, 0 or +1", k, e->direction);
    }
    return ND_OK;
}

typedef struct sde_run {
    const nd_model *m;
    const double *p;
    const nd_solve_opts *o;
    const nd_spike_rule *spike;
    nd_solve_stats *stats;
    size_t n;
    double *y, *y_prev, *xe;
    double t, t_prev, refractory_end, held;
} sde_run;

static int crosses(double before, double after, int direction)
{
    return (direction >= 0 && before < 0 && after >= 0) || (direction <= 0 && before > 0 && after <= 0);
}

/* Linear interpolation of the step to where var reaches level. */
static double interpolate(sde_run *r, int var, double level)
{
    double a = r->y_prev[var] - level, b = r->y[var] - level;
    double s = a == b ? 1.0 : a / (a - b);
    for (size_t i = 0; i < r->n; i++) r->xe[i] = r->y_prev[i] + s * (r->y[i] - r->y_prev[i]);
    r->xe[var] = level;
    return r->t_prev + s * (r->t - r->t_prev);
}

static int fire(sde_run *r, int id, double te)
{
    r->stats->events++;
    if (id == ND_EVENT_SPIKE) r->stats->spikes++;
    return r->o->on_event ? r->o->on_event(id, te, r->xe, r->o->ctx) : 0;
}

/* Events of the step just taken: user events in the order given, then the spike rule.
 * Returns 1 to stop. */
static int handle_events(sde_run *r)
{
    for (size_t k = 0; k < r->o->n_events; k++) { /* user events: report, stop if terminal */
        const nd_event *e = &r->o->events[k];
        if (!crosses(r->y_prev[e->var] - e->level, r->y[e->var] - e->level, e->direction)) continue;
        double te = interpolate(r, e->var, e->level);
        if (fire(r, (int)k, te) || e->terminal) {
            r->t = te;
            memcpy(r->y, r->xe, r->n * sizeof *r->y);
            r->stats->stopped = 1;
            return 1;
        }
    }
    if (r->spike && r->t_prev >= r->refractory_end) {
        int v = r->spike->var;
        double th = r->spike->threshold_par >= 0 ? r->p[r->spike->threshold_par] : r->spike->threshold;
        if (crosses(r->y_prev[v] - th, r->y[v] - th, +1)) {
            double te = interpolate(r, v, th);
            int stop = fire(r, ND_EVENT_SPIKE, te);
            if (r->spike->reset) { /* the reset acts at the end of the step (BrainPy's order) */
                r->spike->reset(r->y, r->p);
                double ref = r->spike->refractory_par >= 0 ? r->p[r->spike->refractory_par] : r->spike->refractory;
                if (ref > 0) r->refractory_end = te + ref, r->held = r->y[v];
            }
            if (stop) return r->stats->stopped = 1;
        }
    }
    return 0;
}

static nd_status run_loop(sde_run *r, nd_sde_stepper *st, size_t m, double t0, double t1, nd_error *err)
{
    const nd_solve_opts *o = r->o;
    double z[2 * 64], *zbuf = m <= 64 ? z : malloc(2 * m * sizeof *zbuf);
    if (!zbuf) return nd_fail(err, ND_ENOMEM, "SDE: no memory for %zu Wiener processes", m);
    const nd_sde_method *meth = nd_sde_method_find(o->method ? o->method : "euler", NULL);
    int needs_dz = meth->needs_dz;
    long stride = o->dt_out > 0 ? lround(o->dt_out / o->dt) : 1;
    /* the noise of step k of a run starting at t0 is that of grid step t0/dt + k, so a run
     * continued from where another stopped draws new increments (and [0, a] + [a, b] equals
     * [0, b] when a is on the grid) */
    double base_steps = t0 / o->dt;
    int on_grid = t0 >= 0 && base_steps < 0x1p63 /* llround's range */ &&
                  fabs(base_steps - round(base_steps)) < 1e-9 * fmax(1.0, base_steps);
    uint64_t k0 = on_grid ? (uint64_t)llround(base_steps) : 0;
    long nsteps = (long)ceil((t1 - t0) / o->dt - 1e-9);
    nd_status status = ND_OK;
    if (o->on_sample && o->on_sample(t0, r->y, o->ctx)) r->stats->stopped = 1;
    for (long k = 0; k < nsteps && !r->stats->stopped; k++) {
        double t_next = k + 1 == nsteps ? t1 : t0 + (double)(k + 1) * o->dt;
        double h = t_next - r->t;
        nd_philox_normals(o->seed, o->trajectory, k0 + (uint64_t)k, (int)((needs_dz ? 2 : 1) * m), zbuf);
        double sq = sqrt(h);
        for (size_t j = 0; j < (needs_dz ? 2 : 1) * m; j++) zbuf[j] *= sq;
        memcpy(r->y_prev, r->y, r->n * sizeof *r->y);
        r->t_prev = r->t;
        status = nd_sde_stepper_step(st, r->t, h, r->y, zbuf, needs_dz ? zbuf + m : NULL, err);
        if (status == ND_ENONFINITE) {
            status = nd_fail(err, ND_ENONFINITE,
                             "the stochastic path of model %s became non-finite in the step from t = %.17g "
                             "(dt = %g): reduce dt or check the drift and diffusion there",
                             r->m->name, r->t, h);
            break;
        }
        if (status) break;
        r->t = t_next;
        r->stats->steps++;
        if (r->spike && r->t_prev < r->refractory_end) r->y[r->spike->var] = r->held;
        if ((o->n_events || r->spike) && handle_events(r)) {
            if (o->on_sample) o->on_sample(r->t, r->y, o->ctx);
            break;
        }
        if (o->on_sample && ((k + 1) % stride == 0 || k + 1 == nsteps) && o->on_sample(r->t, r->y, o->ctx))
            r->stats->stopped = 1;
    }
    if (zbuf != z) free(zbuf);
    return status;
}

nd_status nd_sde_solve(const nd_model *m, const double *p, double t0, double t1, double *x,
                       const nd_solve_opts *o, nd_solve_stats *stats, nd_error *err)
{
    nd_solve_opts defaults;
    if (!o) nd_solve_opts_init(&defaults), o = &defaults;
    nd_solve_stats local;
    if (!stats) stats = &local;
    memset(stats, 0, sizeof *stats);
    const nd_sde_method *meth = nd_sde_method_find(o->method ? o->method : "euler", err);
    if (!meth) return ND_EINVAL;
    nd_status st = check_args(m, t0, t1, x, o, err);
    if (st) return st;
    sde_model ctx = {m, p, o->noise};
    int additive = m->noise == ND_NOISE_NONE;
    nd_sde_system sys = {
        .n = m->n_vars,
        .m = additive ? m->n_vars : m->n_noise,
        .noise = additive ? ND_NOISE_DIAGONAL : m->noise,
        /* additive noise means the same in both calculi: take the one the method supports */
        .kind = !additive ? m->sde_kind
                : (meth->support & ND_SDE_SUPPORT(ND_ITO, ND_NOISE_DIAGONAL)) ? ND_ITO : ND_STRATONOVICH,
        .f = f_model,
        .g = additive ? g_additive : g_model,
        .gjac = additive ? gjac_additive : (m->diffusion_jac ? gjac_model : NULL),
        .fjac = m->jac ? jac_model : NULL,
        .ctx = &ctx,
    };
    nd_sde_stepper *stepper;
    if ((st = nd_sde_stepper_alloc(meth, &sys, &stepper, err))) {
        if (st == ND_EINVAL && err) { /* name the model in the support message */
            char msg[ND_ERROR_MSG_LEN];
            snprintf(msg, sizeof msg, "model %.100s: %.900s", m->name, err->msg);
            snprintf(err->msg, sizeof err->msg, "%s", msg);
        }
        return st;
    }
    size_t wiener = sys.noise == ND_NOISE_SCALAR ? 1 : sys.noise == ND_NOISE_DIAGONAL ? sys.n : sys.m;
    double *buf = malloc(3 * m->n_vars * sizeof *buf);
    if (!buf) {
        nd_sde_stepper_free(stepper);
        return nd_fail(err, ND_ENOMEM, "SDE: no memory");
    }
    sde_run r = {.m = m, .p = p, .o = o, .spike = o->no_spike_rule ? NULL : m->spike, .stats = stats,
                 .n = m->n_vars, .y = buf, .y_prev = buf + m->n_vars, .xe = buf + 2 * m->n_vars,
                 .t = t0, .refractory_end = -INFINITY};
    memcpy(r.y, x, r.n * sizeof *x);
    st = run_loop(&r, stepper, wiener, t0, t1, err);
    memcpy(x, r.y, r.n * sizeof *x);
    stats->t = r.t;
    stats->rhs_evals = nd_sde_stepper_evals(stepper);
    nd_sde_stepper_free(stepper);
    free(buf);
    return st;
}
