/* A limit cycle by simulation.
 *
 * 1. Integrate for `transient` (rkdp, rtol 1e-10, atol 1e-12, as every stage below).
 * 2. Range of `var` over the first quarter of the remaining time, (t_max - transient) / 4:
 *    the crossing level is the middle of that range.
 * 3. Upward crossings of the level, located as events, until t_max. At each crossing the state
 *    is compared with the states at the previous crossings (up to ND_CYCLE_MAX_LAG back, so that
 *    orbits crossing the level several times per period, bursters say, are found too): the
 *    relative difference is max_i |x_i - x_i'| / R_i, R_i the range of variable i between the
 *    two crossings (at least 1e-6 of the largest such range: a variable constant on the orbit
 *    has a range of rounding size). The first lag with a difference below 1e-6 gives the period, the time
 *    between the crossings; a candidate is refused when the range of `var` over it is below
 *    1e-6 of the range found in step 2 (a dying oscillation). After a match the run goes on
 *    while the difference keeps halving (up to 8 more crossings, or below 1e-11), so that the
 *    period and the starting state are as converged as the run allows.
 * 4. One period from the last matched crossing, sampled at n_samples points (t = 0 .. period);
 *    xmax/xmin per variable from the samples and the states at spike events (just before a
 *    reset), the sampled ones refined by locating the zero of dx_i/dt
 *    between the neighbouring samples (Illinois iteration, each evaluation a short integration
 *    from the previous sample), so that they are not limited by the sampling.
 * A model's spike rule is applied (the cycle of an integrate-and-fire model is its regular
 * firing); for a stochastic model only the drift is integrated. t_max counts from t = 0, the
 * transient included. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/analysis.h"

#define ND_CYCLE_MAX_LAG 16
#define ND_CYCLE_RTOL 1e-10
#define ND_CYCLE_ATOL 1e-12

typedef struct cyc {
    const nd_model *m;
    const double *p;
    double rtol;
    const nd_region *box;   /* NULL, or: a trajectory that leaves it by its width is abandoned */
    int escaped;
    nd_sample_fn inner;     /* the phase's own callbacks, behind the box check */
    nd_event_fn inner_event;
    void *inner_ctx;
    size_t n;
    int drift_only;
    nd_model_system ms;
} cyc;

static void cyc_opts(const cyc *c, nd_solve_opts *o)
{
    nd_solve_opts_init(o);
    o->method = "rkdp";
    o->rtol = c->rtol;
    o->atol = c->rtol * (ND_CYCLE_ATOL / ND_CYCLE_RTOL);
}

static int box_check(double t, const double *x, void *ctx)
{
    cyc *c = ctx;
    for (size_t i = 0; i < c->n; i++) {
        double w = c->box->hi[i] - c->box->lo[i];
        if (!(x[i] >= c->box->lo[i] - w && x[i] <= c->box->hi[i] + w)) return c->escaped = 1;
    }
    return c->inner ? c->inner(t, x, c->inner_ctx) : 0;
}

static int box_event(int event, double t, const double *x, void *ctx)
{
    cyc *c = ctx;
    return c->inner_event ? c->inner_event(event, t, x, c->inner_ctx) : 0;
}

static nd_status cyc_solve(cyc *c, double t0, double t1, double *x, const nd_solve_opts *o,
                           nd_error *err)
{
    nd_solve_opts wo = *o;
    if (c->box) {
        c->inner = o->on_sample, c->inner_event = o->on_event, c->inner_ctx = o->ctx;
        wo.on_sample = box_check, wo.on_event = o->on_event ? box_event : NULL, wo.ctx = c;
    }
    nd_status st = c->drift_only ? nd_solve_system(&c->ms.sys, t0, t1, x, &wo, NULL, err)
                                 : nd_solve(c->m, c->p, t0, t1, x, &wo, NULL, err);
    if (!st && c->escaped)
        st = nd_fail(err, ND_EFAILED, "limit cycle: the trajectory left the box (by more than its width) by t = %g", t1);
    return st;
}

/* ---- step 2: range of var ------------------------------------------------------------------ */
typedef struct range_ctx {
    int var;
    double lo, hi;
} range_ctx;

static int range_sample(double t, const double *x, void *ctx)
{
    (void)t;
    range_ctx *r = ctx;
    double v = x[r->var];
    if (v < r->lo) r->lo = v;
    if (v > r->hi) r->hi = v;
    return 0;
}

/* ---- step 3: crossings ----------------------------------------------------------------------- */
typedef struct crossing {
    double t;
    double *x;        /* n */
    double *lo, *hi;  /* n: range of each variable between the previous crossing and this one */
} crossing;

typedef struct cross_ctx {
    size_t n;
    int var;
    double amp;                /* range of var from step 2 */
    crossing ring[ND_CYCLE_MAX_LAG + 1];
    long count;                /* crossings seen */
    double *cur_lo, *cur_hi;   /* running range since the last crossing */
    double *wlo, *whi;         /* scratch */
    /* match */
    int lag;                   /* 0: none yet */
    double rel, best_rel;      /* difference at the last comparison, smallest seen */
    double last_range;         /* range of var between the last two crossings */
    double period;
    double *x_start;           /* state at the last matched crossing */
    int polish;                /* crossings taken after the first match */
} cross_ctx;

static crossing *ring_at(cross_ctx *c, long k) { return &c->ring[k % (ND_CYCLE_MAX_LAG + 1)]; }

static int cross_sample(double t, const double *x, void *ctx)
{
    (void)t;
    cross_ctx *c = ctx;
    for (size_t i = 0; i < c->n; i++) {
        if (x[i] < c->cur_lo[i]) c->cur_lo[i] = x[i];
        if (x[i] > c->cur_hi[i]) c->cur_hi[i] = x[i];
    }
    return 0;
}

/* Relative difference between crossing k and crossing k - lag (both in the ring). */
static double difference(cross_ctx *c, long k, int lag, double *var_range)
{
    for (size_t i = 0; i < c->n; i++) c->wlo[i] = INFINITY, c->whi[i] = -INFINITY;
    for (long j = k - lag + 1; j <= k; j++) {
        const crossing *q = ring_at(c, j);
        for (size_t i = 0; i < c->n; i++) {
            if (q->lo[i] < c->wlo[i]) c->wlo[i] = q->lo[i];
            if (q->hi[i] > c->whi[i]) c->whi[i] = q->hi[i];
        }
    }
    const double *a = ring_at(c, k)->x, *b = ring_at(c, k - lag)->x;
    /* A variable that is (nearly) constant on the orbit has a range of rounding size, and its
     * difference relative to that is noise: ranges are floored at 1e-6 of the orbit's largest
     * range, or the match could land on a multiple of the period. */
    double floor_r = 0.0;
    for (size_t i = 0; i < c->n; i++) floor_r = fmax(floor_r, 1e-6 * (c->whi[i] - c->wlo[i]));
    double rel = 0.0;
    for (size_t i = 0; i < c->n; i++) {
        double d = fabs(a[i] - b[i]);
        if (d == 0.0) continue;
        double r = fmax(c->whi[i] - c->wlo[i], floor_r);
        double q = r > 0 ? d / r : INFINITY;
        if (q > rel) rel = q;
    }
    *var_range = c->whi[c->var] - c->wlo[c->var];
    return rel;
}

static int cross_event(int id, double t, const double *x, void *ctx)
{
    cross_ctx *c = ctx;
    if (id != 0) return 0; /* a spike of the model's threshold rule, not our level */
    long k = c->count++;
    crossing *q = ring_at(c, k);
    q->t = t;
    memcpy(q->x, x, c->n * sizeof *x);
    for (size_t i = 0; i < c->n; i++) {
        q->lo[i] = fmin(c->cur_lo[i], x[i]);
        q->hi[i] = fmax(c->cur_hi[i], x[i]);
        c->cur_lo[i] = c->cur_hi[i] = x[i];
    }
    if (c->lag) { /* polishing a match: same lag */
        double vr, rel = difference(c, k, c->lag, &vr);
        c->rel = rel;
        if (!(rel < 0.5 * c->best_rel)) return 1; /* no longer improving: keep the last match */
        c->best_rel = rel;
        c->period = t - ring_at(c, k - c->lag)->t;
        memcpy(c->x_start, x, c->n * sizeof *x);
        return ++c->polish >= 8 || rel < 1e-11;
    }
    int max_lag = k < ND_CYCLE_MAX_LAG ? (int)k : ND_CYCLE_MAX_LAG;
    for (int lag = 1; lag <= max_lag; lag++) {
        double vr, rel = difference(c, k, lag, &vr);
        if (lag == 1) c->rel = rel, c->last_range = vr;
        if (rel < 1e-6 && vr >= 1e-6 * c->amp) {
            c->lag = lag;
            c->rel = c->best_rel = rel;
            c->period = t - ring_at(c, k - lag)->t;
            memcpy(c->x_start, x, c->n * sizeof *x);
            return rel < 1e-11;
        }
    }
    return 0;
}

/* ---- step 4: one period, sampled ------------------------------------------------------------- */
typedef struct period_ctx {
    size_t n, cap, count;
    double *t, *x;
    double *hi, *lo; /* extremes at spike events (the state before a reset) */
} period_ctx;

static int period_event(int id, double t, const double *x, void *ctx)
{
    (void)id, (void)t;
    period_ctx *c = ctx;
    for (size_t i = 0; i < c->n; i++) {
        if (x[i] > c->hi[i]) c->hi[i] = x[i];
        if (x[i] < c->lo[i]) c->lo[i] = x[i];
    }
    return 0;
}

static int period_sample(double t, const double *x, void *ctx)
{
    period_ctx *c = ctx;
    if (c->count < c->cap) {
        c->t[c->count] = t;
        memcpy(c->x + c->count * c->n, x, c->n * sizeof *x);
    }
    c->count++;
    return 0;
}

/* dx_i/dt at x (the drift). */
static double deriv(cyc *c, const double *x, int i, double *f)
{
    c->m->rhs(0.0, x, c->p, f);
    return f[i];
}

/* Extremum of x_i between samples k-1 and k+1 (cyclic), by the zero of dx_i/dt; sign +1 for a
 * maximum. Updates *best when the refined value is more extreme. */
static void refine_extremum(cyc *c, const nd_cycle *cy, size_t k, int i, double sign, double *best,
                            double *work)
{
    size_t n = c->n, m = cy->n - 1; /* samples 0 and m are the same point of the orbit */
    size_t km = (k + m - 1) % m, kp = (k + 1) % m;
    double *s0 = work, *y = work + n, *f = work + 2 * n;
    double dt = cy->t[1] - cy->t[0];
    double ga = sign * deriv(c, cy->x + km * n, i, f);
    double gb = sign * deriv(c, cy->x + kp * n, i, f);
    if (!(ga > 0 && gb < 0)) return;
    memcpy(s0, cy->x + km * n, n * sizeof *s0);
    nd_solve_opts o;
    cyc_opts(c, &o);
    double a = 0.0, b = 2.0 * dt, va = ga, vb = gb, best_here = -INFINITY;
    int side = 0;
    for (int it = 0; it < 60 && b - a > 1e-13 * cy->period; it++) {
        double tau = b - vb * (b - a) / (vb - va);
        if (!(tau > a && tau < b)) tau = 0.5 * (a + b);
        memcpy(y, s0, n * sizeof *y);
        if (cyc_solve(c, 0.0, tau, y, &o, NULL)) return;
        double g = sign * deriv(c, y, i, f);
        if (sign * y[i] > best_here) best_here = sign * y[i];
        if (g == 0.0) break;
        if (g > 0) {
            a = tau, va = g;
            if (side == 1) vb *= 0.5;
            side = 1;
        } else {
            b = tau, vb = g;
            if (side == -1) va *= 0.5;
            side = -1;
        }
    }
    if (best_here > sign * *best) *best = sign * best_here;
}

void nd_cycle_free(nd_cycle *c)
{
    if (!c) return;
    free(c->t), free(c->x), free(c->xmax), free(c->xmin);
    memset(c, 0, sizeof *c);
}

static void state_text(const nd_model *m, const double *x, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < m->n_vars && used + 1 < len; i++) {
        int k = snprintf(buf + used, len - used, "%s%s = %.6g", i ? ", " : "", m->var_names[i], x[i]);
        if (k < 0) break;
        used += (size_t)k;
    }
}

nd_status nd_cycle_by_simulation(const nd_model *m, const double *p, const double *x0, int var,
                                 double transient, double t_max, size_t n_samples, nd_cycle *out,
                                 nd_error *err)
{
    return nd_cycle_by_simulation_tol(m, p, x0, var, transient, t_max, n_samples, ND_CYCLE_RTOL, NULL, out, err);
}

nd_status nd_cycle_by_simulation_tol(const nd_model *m, const double *p, const double *x0, int var, double transient,
                                     double t_max, size_t n_samples, double rtol, const nd_region *box, nd_cycle *out,
                                     nd_error *err)
{
    if (!out) return nd_fail(err, ND_EINVAL, "limit cycle: output is NULL");
    memset(out, 0, sizeof *out);
    nd_status st = nd_model_validate(m, err);
    if (st) return st;
    if (m->n_pars && !p) return nd_fail(err, ND_EINVAL, "limit cycle: parameter vector p is NULL");
    for (size_t k = 0; k < m->n_pars; k++)
        if (!isfinite(p[k]))
            return nd_fail(err, ND_EINVAL, "limit cycle: parameter %s = %g is not finite", m->par_names[k], p[k]);
    if (!x0) return nd_fail(err, ND_EINVAL, "limit cycle: initial state x0 is NULL");
    for (size_t i = 0; i < m->n_vars; i++)
        if (!isfinite(x0[i]))
            return nd_fail(err, ND_EINVAL, "limit cycle: initial %s = %g is not finite", m->var_names[i], x0[i]);
    if (var < 0 || (size_t)var >= m->n_vars)
        return nd_fail(err, ND_EINVAL, "limit cycle: variable index %d out of range 0..%zu for %s", var,
                       m->n_vars - 1, m->name);
    if (!isfinite(transient) || transient < 0)
        return nd_fail(err, ND_EINVAL, "limit cycle: transient = %g must be finite and >= 0", transient);
    if (!isfinite(t_max) || !(t_max > transient))
        return nd_fail(err, ND_EINVAL, "limit cycle: t_max = %g must be finite and greater than the transient %g",
                       t_max, transient);
    if (n_samples < 2) return nd_fail(err, ND_EINVAL, "limit cycle: n_samples = %zu must be at least 2", n_samples);
    size_t n = m->n_vars;
    if ((st = nd_check_alloc(n_samples * (n + 1) * sizeof(double), "limit cycle samples", err))) return st;

    if (!(rtol >= 1e-14 && rtol <= 1e-3)) return nd_fail(err, ND_EINVAL, "limit cycle: rtol = %g (1e-14..1e-3)", rtol);
    if (box && (!box->lo || !box->hi)) box = NULL;
    cyc cy = {.m = m, .p = p, .rtol = rtol, .box = box, .n = n, .drift_only = m->noise != ND_NOISE_NONE}, *c = &cy;
    nd_system_from_model(&c->ms, m, p);
    const char *vname = m->var_names[var];

    /* scratch: state, ring (3n each), running range (2n), window (2n), x_start, refine work (3n) */
    size_t words = n + (ND_CYCLE_MAX_LAG + 1) * 3 * n + 2 * n + 2 * n + n + 3 * n;
    double *mem = malloc(words * sizeof *mem);
    if (!mem) return nd_fail(err, ND_ENOMEM, "limit cycle: no memory");
    double *x = mem, *q = mem + n;
    memcpy(x, x0, n * sizeof *x);
    nd_solve_opts o;

    /* 1. transient */
    if (transient > 0) {
        cyc_opts(c, &o);
        if ((st = cyc_solve(c, 0.0, transient, x, &o, err))) goto done;
    }
    /* 2. range of var */
    double w_end = transient + 0.25 * (t_max - transient);
    range_ctx rc = {var, x[var], x[var]};
    cyc_opts(c, &o);
    o.on_sample = range_sample;
    o.ctx = &rc;
    if ((st = cyc_solve(c, transient, w_end, x, &o, err))) goto done;
    double level = 0.5 * (rc.lo + rc.hi), amp = rc.hi - rc.lo;
    if (!(amp > 1e-8 * fmax(fabs(rc.lo), fabs(rc.hi)))) {
        char s[512];
        state_text(m, x, s, sizeof s);
        st = nd_fail(err, ND_EFAILED,
                     "limit cycle: no oscillation: %s stays within %.10g..%.10g over t = %g..%g (after "
                     "a transient of %g); the orbit has converged to an equilibrium (%s)",
                     vname, rc.lo, rc.hi, transient, w_end, transient, s);
        goto done;
    }
    /* 3. crossings */
    cross_ctx cc = {.n = n, .var = var, .amp = amp};
    for (int k = 0; k <= ND_CYCLE_MAX_LAG; k++) {
        cc.ring[k].x = q, q += n;
        cc.ring[k].lo = q, q += n;
        cc.ring[k].hi = q, q += n;
    }
    cc.cur_lo = q, q += n;
    cc.cur_hi = q, q += n;
    cc.wlo = q, q += n;
    cc.whi = q, q += n;
    cc.x_start = q, q += n;
    double *work = q;
    memcpy(cc.cur_lo, x, n * sizeof *x);
    memcpy(cc.cur_hi, x, n * sizeof *x);
    nd_event ev = {var, level, +1, 0};
    cyc_opts(c, &o);
    o.events = &ev;
    o.n_events = 1;
    o.on_sample = cross_sample;
    o.on_event = cross_event;
    o.ctx = &cc;
    if ((st = cyc_solve(c, w_end, t_max, x, &o, err))) goto done;
    if (!cc.lag) {
        char s[512];
        state_text(m, x, s, sizeof s);
        if (cc.count < 2)
            st = nd_fail(err, ND_EFAILED,
                         "limit cycle: no periodic orbit within t_max = %g: %ld upward crossing%s of %s = "
                         "%.6g (the middle of its range %.6g..%.6g after the transient %g) between t = "
                         "%g and %g, two are needed; the orbit may converge to an equilibrium (state at "
                         "t_max: %s)",
                         t_max, cc.count, cc.count == 1 ? "" : "s", vname, level, rc.lo, rc.hi,
                         transient, w_end, t_max, s);
        else if (cc.last_range < 1e-6 * amp)
            st = nd_fail(err, ND_EFAILED,
                         "limit cycle: no periodic orbit within t_max = %g: the oscillation of %s dies out "
                         "(range %.3g between the last two of %ld upward crossings of %.6g, against %.3g "
                         "after the transient): the orbit converges to an equilibrium (state at t_max: %s)",
                         t_max, vname, cc.last_range, cc.count, level, amp, s);
        else
            st = nd_fail(err, ND_EFAILED,
                         "limit cycle: no periodic orbit within t_max = %g: %ld upward crossings of %s = "
                         "%.6g between t = %g and %g, states at successive crossings still differ by "
                         "%.3g (relative to their range; 1e-6 needed, earlier crossings up to %d back "
                         "compared too): a longer transient or t_max may help, or the orbit is not "
                         "periodic (state at t_max: %s)",
                         t_max, cc.count, vname, level, w_end, t_max, cc.rel, ND_CYCLE_MAX_LAG, s);
        goto done;
    }
    /* 4. one period from the matched crossing */
    double period = cc.period;
    out->period = period;
    out->n_vars = n;
    out->t = malloc(n_samples * sizeof *out->t);
    out->x = malloc(n_samples * n * sizeof *out->x);
    out->xmax = malloc(n * sizeof *out->xmax);
    out->xmin = malloc(n * sizeof *out->xmin);
    period_ctx pc = {n, n_samples, 0, NULL, NULL, out->xmax, out->xmin};
    pc.t = malloc((n_samples + 2) * sizeof *pc.t);
    pc.x = malloc((n_samples + 2) * n * sizeof *pc.x);
    pc.cap = n_samples + 2;
    if (!out->t || !out->x || !out->xmax || !out->xmin || !pc.t || !pc.x) {
        free(pc.t), free(pc.x);
        st = nd_fail(err, ND_ENOMEM, "limit cycle: no memory for %zu samples", n_samples);
        goto done;
    }
    memcpy(x, cc.x_start, n * sizeof *x);
    for (size_t i = 0; i < n; i++) out->xmax[i] = -INFINITY, out->xmin[i] = INFINITY;
    cyc_opts(c, &o);
    o.dt_out = period / (double)(n_samples - 1);
    o.on_sample = period_sample;
    o.on_event = period_event;
    o.ctx = &pc;
    st = cyc_solve(c, 0.0, period, x, &o, err);
    if (!st && pc.count < n_samples) /* cannot happen with dt_out = period / (n - 1) */
        st = nd_fail(err, ND_EFAILED, "limit cycle: %zu samples of one period, %zu expected", pc.count, n_samples);
    if (st) {
        free(pc.t), free(pc.x);
        goto done;
    }
    /* n - 1 samples on the grid, then the end of the period (a rounding duplicate dropped) */
    out->n = n_samples;
    memcpy(out->t, pc.t, (n_samples - 1) * sizeof *out->t);
    memcpy(out->x, pc.x, (n_samples - 1) * n * sizeof *out->x);
    size_t last = (pc.count < pc.cap ? pc.count : pc.cap) - 1;
    out->t[n_samples - 1] = pc.t[last];
    memcpy(out->x + (n_samples - 1) * n, pc.x + last * n, n * sizeof *out->x);
    free(pc.t), free(pc.x);
    for (size_t i = 0; i < n; i++) {
        size_t kmax = 0, kmin = 0;
        for (size_t k = 1; k < n_samples; k++) {
            if (out->x[k * n + i] > out->x[kmax * n + i]) kmax = k;
            if (out->x[k * n + i] < out->x[kmin * n + i]) kmin = k;
        }
        out->xmax[i] = fmax(out->xmax[i], out->x[kmax * n + i]);
        out->xmin[i] = fmin(out->xmin[i], out->x[kmin * n + i]);
        if (n_samples >= 4) {
            refine_extremum(c, out, kmax == n_samples - 1 ? 0 : kmax, (int)i, +1.0, &out->xmax[i], work);
            refine_extremum(c, out, kmin == n_samples - 1 ? 0 : kmin, (int)i, -1.0, &out->xmin[i], work);
        }
    }
done:
    free(mem);
    if (st) nd_cycle_free(out);
    return st;
}
