/* The limit cycle a phase response curve is computed on: found by simulation
 * (nd_cycle_by_simulation), refined by Newton on AUTO's orthogonal-collocation system at the fixed
 * parameters (nd_cycle_curve_from_cycle, analysis/cycles: the mesh adapted to the orbit), checked
 * for stability (Floquet multipliers of the collocation monodromy), and given a phase origin: the
 * steepest upward crossing of the middle of the reference variable's range, located on the
 * collocation polynomial by bisection. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void nd_prc_opts_init(nd_prc_opts *o)
{
    memset(o, 0, sizeof *o);
    o->method = ND_PRC_ADJOINT;
    o->n_phases = 200;
    o->n_direct = 40;
    o->var = -1;
    o->eps = 1e-4;
    o->ntst = 160;
    o->ncol = 6;
}

static double wrap01(double t) { return t - floor(t); }

void prc_cycle_at(const prc_cycle *pc, double theta, double *x)
{
    nd_cycle_curve_eval(&pc->c, pc->u, wrap01(pc->tau0 + theta), x);
}

/* The upward crossing of the middle of ref's range with the steepest rise (a spike's upstroke),
 * as a fraction of the collocation period. */
static double phase_origin(const prc_cycle *pc, int ref, double level, double *x)
{
    size_t ns = 8 * pc->c.ntst * pc->c.ncol;
    double best = 0.0, best_rise = -INFINITY, prev;
    nd_cycle_curve_eval(&pc->c, pc->u, 0.0, x);
    prev = x[ref];
    for (size_t k = 1; k <= ns; k++) {
        double t = (double)k / (double)ns;
        nd_cycle_curve_eval(&pc->c, pc->u, t, x);
        double cur = x[ref];
        if (prev < level && cur >= level && cur - prev > best_rise) {
            double a = (double)(k - 1) / (double)ns, b = t;
            for (int it = 0; it < 64 && b - a > 1e-16; it++) {
                double mid = 0.5 * (a + b);
                nd_cycle_curve_eval(&pc->c, pc->u, mid, x);
                if (x[ref] < level) a = mid;
                else b = mid;
            }
            best = 0.5 * (a + b), best_rise = cur - prev;
        }
        prev = cur;
    }
    return wrap01(best);
}

double prc_cycle_phase_of(const prc_cycle *pc, const double *x, double guess, double *work)
{
    double *g = work, *f = work + pc->n, psi = guess;
    for (int it = 0; it < 100; it++) {
        prc_cycle_at(pc, psi, g);
        pc->m->rhs(0.0, g, pc->p, f);
        double num = 0.0, den = 0.0;
        for (size_t i = 0; i < pc->n; i++) num += (x[i] - g[i]) * f[i], den += f[i] * f[i];
        double step = num / (pc->T * den);
        psi += step;
        if (!(fabs(step) > 1e-15)) break;
    }
    return wrap01(psi);
}

void prc_cycle_free(prc_cycle *pc)
{
    if (pc->have_curve) nd_cycle_curve_free(&pc->c);
    free(pc->u), free(pc->range);
    memset(pc, 0, sizeof *pc);
}

static nd_status check(const nd_model *m, const double *p, const nd_prc_opts *o, nd_error *err)
{
    nd_status st = nd_model_validate(m, err);
    if (st) return st;
    if (m->spike)
        return nd_fail(err, ND_EINVAL, "PRC: %s has a spike rule (a threshold and reset): its flow is not smooth, so "
                       "it has no adjoint PRC", m->name);
    if (m->n_vars < 2)
        return nd_fail(err, ND_EINVAL, "PRC: %s has %zu variable; a limit cycle needs at least two (write a phase model "
                       "on the circle as a planar one)", m->name, m->n_vars);
    if (m->n_pars < 1 || !p) return nd_fail(err, ND_EINVAL, "PRC: %s needs at least one parameter", m->name);
    if (o->ref_var < 0 || (size_t)o->ref_var >= m->n_vars)
        return nd_fail(err, ND_EINVAL, "PRC: reference variable %d out of range 0..%zu", o->ref_var, m->n_vars - 1);
    if (o->var < -1 || o->var >= (int)m->n_vars)
        return nd_fail(err, ND_EINVAL, "PRC: variable %d out of range -1..%zu", o->var, m->n_vars - 1);
    if (o->method < ND_PRC_ADJOINT || o->method > ND_PRC_BOTH)
        return nd_fail(err, ND_EINVAL, "PRC: method %d (1 adjoint, 2 direct, 3 both)", o->method);
    if (o->n_phases < 2 || o->n_phases > 1000000 || o->n_direct < 1 || o->n_direct > 100000)
        return nd_fail(err, ND_EINVAL, "PRC: %zu phases (2..1e6) and %zu direct phases (1..1e5)", o->n_phases,
                       o->n_direct);
    if (!(o->eps > 0 && o->eps <= 0.1))
        return nd_fail(err, ND_EINVAL, "PRC: kick eps = %g must be in (0, 0.1] (a fraction of the range)", o->eps);
    if (o->ntst < 2 || o->ntst > 10000 || o->ncol < 2 || o->ncol > 7)
        return nd_fail(err, ND_EINVAL, "PRC: mesh of %zu intervals (2..10000) and %zu points (2..7)", o->ntst, o->ncol);
    if (!(o->transient >= 0) || !(o->t_max >= 0) || !isfinite(o->transient) || !isfinite(o->t_max) ||
        (o->t_max > 0 && o->t_max <= o->transient))
        return nd_fail(err, ND_EINVAL, "PRC: transient %g and t_max %g (finite, t_max > transient)", o->transient,
                       o->t_max);
    return ND_OK;
}

nd_status prc_cycle_find(prc_cycle *pc, const nd_model *m, const double *p, const nd_prc_opts *o, nd_error *err)
{
    memset(pc, 0, sizeof *pc);
    nd_status st = check(m, p, o, err);
    if (st) return st;
    size_t n = m->n_vars;
    pc->m = m, pc->n = n;
    double t_sim = m->t_sim > 0 ? m->t_sim : 200.0;
    double transient = o->transient > 0 ? o->transient : 10 * t_sim;
    double t_max = o->t_max > 0 ? o->t_max : transient + 30 * t_sim;
    const double *x0 = o->x0 ? o->x0 : m->init;
    nd_cycle cyc;
    st = nd_cycle_by_simulation(m, p, x0, o->ref_var, transient, t_max, 2000, &cyc, err);
    char why[sizeof err->msg];
    if (st) {
        if (st != ND_EFAILED) return st;
        snprintf(why, sizeof why, "%s", err->msg); /* nd_fail writes err->msg */
        return nd_fail(err, ND_EFAILED, "PRC: no stable limit cycle: %s", why);
    }
    /* the mesh as asked, then four times finer once when Newton fails on it (a burster's many
     * spikes need more intervals than one spike) */
    size_t ntst = o->ntst;
    double *v = NULL, *x = malloc(n * sizeof *x);
    for (int attempt = 0; attempt < 2; attempt++, ntst = ntst * 4 > 10000 ? 10000 : ntst * 4) {
        if (attempt) prc_cycle_free(pc), pc->m = m, pc->n = n;
        free(v), v = NULL;
        st = nd_cycle_curve_init(&pc->c, m, p, 0, NULL, ntst, o->ncol, err);
        if (st) break;
        pc->have_curve = 1;
        pc->p = pc->c.p;
        size_t dim = pc->c.type.dim;
        v = malloc(dim * sizeof *v);
        pc->u = malloc(dim * sizeof *pc->u);
        pc->range = malloc(n * sizeof *pc->range);
        if (!v || !x || !pc->u || !pc->range) st = nd_fail(err, ND_ENOMEM, "PRC: no memory");
        if (!st) st = nd_cycle_curve_from_cycle(&pc->c, &cyc, 1, pc->u, v, err);
        if (st != ND_EFAILED || ntst == 10000) break;
    }
    if (st == ND_EFAILED) {
        snprintf(why, sizeof why, "%s", err->msg);
        nd_fail(err, ND_EFAILED, "PRC: the simulated cycle (period %g) did not converge on the collocation mesh "
                "(%zu intervals): %s", cyc.period, ntst, why);
    }
    if (st && !pc->have_curve) {
        nd_cycle_free(&cyc);
        free(v), free(x);
        return st;
    }
    size_t dim = pc->c.type.dim;
    nd_cycle_free(&cyc);
    const nd_cycle_info *in = NULL;
    if (!st) st = nd_cycle_curve_describe(&pc->c, pc->u, &in, err);
    if (!st) {
        pc->T = exp(pc->u[dim - 2]);
        pc->trivial_dev = in->trivial_dev;
        pc->mu_max = 0.0;
        for (size_t i = 1; i < n; i++) pc->mu_max = fmax(pc->mu_max, hypot(in->mu_re[i], in->mu_im[i]));
        for (size_t i = 0; i < n; i++) pc->range[i] = in->xmax[i] - in->xmin[i];
        if (!in->stable)
            st = nd_fail(err, ND_EFAILED, "PRC: the cycle of period %g is not stable (largest non-trivial Floquet "
                         "multiplier |mu| = %g): no PRC", pc->T, pc->mu_max);
        else if (in->trivial_dev > 1e-3)
            st = nd_fail(err, ND_EFAILED, "PRC: the collocation cycle is inaccurate (trivial multiplier off 1 by %g): "
                         "use a finer mesh (ntst)", in->trivial_dev);
        else
            pc->tau0 = phase_origin(pc, o->ref_var, 0.5 * (in->xmax[o->ref_var] + in->xmin[o->ref_var]), x);
    }
    free(v), free(x);
    if (st) prc_cycle_free(pc);
    return st;
}

void nd_prc_free(nd_prc *r)
{
    if (!r) return;
    free(r->theta), free(r->x), free(r->z), free(r->theta_direct), free(r->x_direct), free(r->z_direct);
    memset(r, 0, sizeof *r);
}

nd_status nd_prc_compute(const nd_model *m, const double *p, const nd_prc_opts *opts, nd_prc *out, nd_error *err)
{
    if (!out) return nd_fail(err, ND_EINVAL, "PRC: output is NULL");
    memset(out, 0, sizeof *out);
    nd_prc_opts o;
    if (opts) o = *opts;
    else nd_prc_opts_init(&o);
    prc_cycle pc;
    nd_status st = prc_cycle_find(&pc, m, p, &o, err);
    if (st) return st;
    out->n_vars = pc.n, out->period = pc.T, out->mu_max = pc.mu_max, out->trivial_dev = pc.trivial_dev;
    if (o.method & ND_PRC_ADJOINT) st = prc_adjoint(&pc, &o, out, err);
    if (!st && (o.method & ND_PRC_DIRECT)) st = prc_direct(&pc, &o, out, err);
    prc_cycle_free(&pc);
    if (st) nd_prc_free(out);
    return st;
}
