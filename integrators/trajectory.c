/* nd_simulate: run the driver and keep every sample and event in memory. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sde_impl.h"

typedef struct collect {
    nd_trajectory *tr;
    nd_error *err;
    int failed;
} collect;

static int grow(void **p, size_t *cap, size_t need, size_t elem_bytes, const char *what,
                nd_error *err)
{
    if (need <= *cap) return 0;
    size_t cap2 = *cap ? *cap : 64;
    while (cap2 < need) cap2 *= 2;
    if (nd_check_alloc(cap2 * elem_bytes, what, err)) return -1;
    void *q = realloc(*p, cap2 * elem_bytes);
    if (!q) {
        nd_fail(err, ND_ENOMEM, "%s: realloc of %zu bytes failed", what, cap2 * elem_bytes);
        return -1;
    }
    *p = q;
    *cap = cap2;
    return 0;
}

static int on_sample(double t, const double *x, void *ctx)
{
    collect *c = ctx;
    nd_trajectory *tr = c->tr;
    size_t nv = tr->n_vars, cap_t = tr->cap, cap_x = tr->cap;
    if (tr->n + 1 > tr->cap) {
        if (grow((void **)&tr->t, &cap_t, tr->n + 1, sizeof(double), "trajectory samples", c->err) ||
            grow((void **)&tr->x, &cap_x, tr->n + 1, nv * sizeof(double), "trajectory samples", c->err))
            return c->failed = 1;
        tr->cap = cap_t < cap_x ? cap_t : cap_x;
    }
    tr->t[tr->n] = t;
    memcpy(tr->x + tr->n * nv, x, nv * sizeof *x);
    tr->n++;
    return 0;
}

static int on_event(int id, double t, const double *x, void *ctx)
{
    collect *c = ctx;
    nd_trajectory *tr = c->tr;
    size_t nv = tr->n_vars, need = tr->n_events + 1;
    size_t c1 = tr->event_cap, c2 = tr->event_cap, c3 = tr->event_cap;
    if (need > tr->event_cap) {
        if (grow((void **)&tr->event_t, &c1, need, sizeof(double), "event list", c->err) ||
            grow((void **)&tr->event_id, &c2, need, sizeof(int), "event list", c->err) ||
            grow((void **)&tr->event_x, &c3, need, nv * sizeof(double), "event list", c->err))
            return c->failed = 1;
        tr->event_cap = c1;
    }
    tr->event_t[tr->n_events] = t;
    tr->event_id[tr->n_events] = id;
    memcpy(tr->event_x + tr->n_events * nv, x, nv * sizeof *x);
    tr->n_events++;
    return 0;
}

nd_status nd_simulate(const nd_model *m, const double *p, const double *x0, double t0, double t1,
                      const nd_solve_opts *o, nd_trajectory *tr, nd_error *err)
{
    if (!tr) return nd_fail(err, ND_EINVAL, "simulate: trajectory is NULL");
    memset(tr, 0, sizeof *tr);
    nd_status st = nd_model_validate(m, err);
    if (st) return st;
    if (!x0) return nd_fail(err, ND_EINVAL, "simulate: initial state x0 is NULL");
    nd_solve_opts opts;
    if (o) opts = *o;
    else nd_solve_opts_init(&opts);
    tr->n_vars = m->n_vars;
    /* refuse before allocating when the samples cannot fit */
    int fixed = 1; /* stochastic runs are fixed-step */
    if (!nd_solve_is_stochastic(m, &opts)) {
        const nd_method *meth = nd_method_find(opts.method ? opts.method : "rkdp", err);
        if (!meth) return ND_EINVAL;
        fixed = !meth->adaptive && meth->kind != ND_METHOD_GSL;
    }
    /* adaptive runs sampled every step have no count known in advance: they grow, checked */
    double every = opts.dt_out > 0 ? opts.dt_out : (fixed ? opts.dt : 0.0);
    if (every > 0 && t1 > t0 && isfinite(t1 - t0)) {
        double samples = floor((t1 - t0) / every) + 2;
        size_t row = (m->n_vars + 1) * sizeof(double);
        if (samples * (double)row > (double)nd_memory_limit())
            return nd_fail(err, ND_ENOMEM,
                           "storing %.0f samples of %zu variables would need %.3g MB, more than "
                           "the limit of %.3g MB: sample less often (dt_out) or stream the output",
                           samples, m->n_vars, samples * (double)row / 1e6,
                           (double)nd_memory_limit() / 1e6);
    }
    collect c = {tr, err, 0};
    opts.on_sample = on_sample;
    opts.on_event = on_event;
    opts.ctx = &c;
    double *x = malloc(m->n_vars * sizeof *x);
    if (!x) return nd_fail(err, ND_ENOMEM, "simulate: no memory");
    memcpy(x, x0, m->n_vars * sizeof *x);
    st = nd_solve(m, p, t0, t1, x, &opts, &tr->stats, err);
    free(x);
    if (!st && c.failed) st = err ? err->code : ND_ENOMEM;
    if (st) nd_trajectory_free(tr);
    return st;
}

void nd_trajectory_free(nd_trajectory *tr)
{
    if (!tr) return;
    free(tr->t);
    free(tr->x);
    free(tr->event_t);
    free(tr->event_id);
    free(tr->event_x);
    memset(tr, 0, sizeof *tr);
}
