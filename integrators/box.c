/* A box for a model that declares none (include/neurodyn/integrate.h: nd_model_box): the range
 * its trajectory from the initial state covers over the model's simulation length, widened so
 * that the rest state and the nullclines around it lie inside. A model file from elsewhere (an
 * XPPAUT .ode file without @ xlo/xhi) then works with every analysis that needs a box. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/integrate.h"
#include "neurodyn/sde.h"

typedef struct range_acc {
    size_t n;
    double *lo, *hi;
} range_acc;

static int widen(double t, const double *x, void *ctx)
{
    (void)t;
    range_acc *r = ctx;
    for (size_t i = 0; i < r->n; i++)
        if (isfinite(x[i])) r->lo[i] = fmin(r->lo[i], x[i]), r->hi[i] = fmax(r->hi[i], x[i]);
    return 0;
}

nd_status nd_model_box(const nd_model *m, const double *p, const double *x0, double *lo, double *hi, int *estimated,
                       nd_error *err)
{
    if (!m || !p || !x0 || !lo || !hi) return nd_fail(err, ND_EINVAL, "nd_model_box: NULL argument");
    if (estimated) *estimated = 0;
    if (m->var_lo && m->var_hi) {
        memcpy(lo, m->var_lo, m->n_vars * sizeof *lo);
        memcpy(hi, m->var_hi, m->n_vars * sizeof *hi);
        return ND_OK;
    }
    double *x = malloc(m->n_vars * sizeof *x);
    if (!x) return nd_fail(err, ND_ENOMEM, "no memory for the box of model %s", m->name);
    memcpy(x, x0, m->n_vars * sizeof *x);
    for (size_t i = 0; i < m->n_vars; i++) lo[i] = hi[i] = x0[i];
    range_acc r = {m->n_vars, lo, hi};
    double t1 = m->t_sim > 0 ? m->t_sim : 200;
    nd_solve_opts o;
    nd_solve_opts_init(&o);
    o.on_sample = widen, o.ctx = &r, o.max_steps = 10000000;
    if (m->noise != ND_NOISE_NONE) /* the drift's range is what the box is for: a short fixed step */
        o.method = "euler", o.dt = m->dt > 0 ? m->dt : t1 / 1e5, o.seed = 1;
    nd_error ignored;
    nd_solve_stats stats;
    nd_solve(m, p, 0, t1, x, &o, &stats, &ignored); /* a run that fails part-way still gave a range */
    free(x);
    for (size_t i = 0; i < m->n_vars; i++) {
        if (!isfinite(lo[i]) || !isfinite(hi[i]))
            return nd_fail(err, ND_EFAILED, "model %s declares no box and its trajectory is not finite", m->name);
        /* a quarter of the range on each side, and at least a tenth of the size of the values
         * (a trajectory at rest covers no range at all) */
        double pad = fmax(0.25 * (hi[i] - lo[i]), 0.1 * fmax(fmax(fabs(lo[i]), fabs(hi[i])), 1.0));
        lo[i] -= pad, hi[i] += pad;
    }
    if (estimated) *estimated = 1;
    return ND_OK;
}
