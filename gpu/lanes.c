/* The CPU path of fixed-step ensembles: the model's SIMD lanes (ND_KERNELS in kernels.h) over
 * blocks of trajectories, the blocks shared among the cores by OpenMP. A trajectory's numbers
 * do not depend on its block or thread: every lane runs the same instructions. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ensemble_impl.h"

/* Lanes per block: the block is swept once per step, so its rows must stay in the L1 cache. */
enum { BLOCK = 128 };

void nd_ens_scratch_free(nd_ens_scratch *s)
{
    free(s->ev_prev), free(s->ev_y0), free(s->ev_f0), free(s->ev_y1), free(s->ev_f1), free(s->ev_first);
    free(s->ev_last), free(s->xmax), free(s->xmin), free(s->ev_count), free(s->samples0);
    free(s->ev_hit), free(s->x_save);
}

nd_status nd_ens_scratch_alloc(size_t n, size_t nv, nd_ens_scratch *s, nd_error *err)
{
    memset(s, 0, sizeof *s);
    size_t d = n * sizeof(double);
    if ((s->ev_prev = malloc(d)) && (s->ev_y0 = malloc(d)) && (s->ev_f0 = malloc(d)) &&
        (s->ev_y1 = malloc(d)) && (s->ev_f1 = malloc(d)) && (s->ev_first = malloc(d)) &&
        (s->ev_last = malloc(d)) && (s->xmax = malloc(nv * d)) && (s->xmin = malloc(nv * d)) &&
        (s->ev_count = malloc(n * sizeof(long))) &&
        (s->samples0 = malloc(nv * d)) && (s->ev_hit = calloc(n, sizeof(long long))) &&
        (s->x_save = malloc(nv * d))) {
        return ND_OK;
    }
    nd_ens_scratch_free(s);
    return nd_fail(err, ND_ENOMEM, "ensemble: no memory for the lanes' scratch of %zu trajectories", n);
}

/* The block of trajectories [start, start + count): every array points at row start with the
 * ensemble's n as leading dimension. */
void nd_ens_fill_block(const nd_model *m, const double *P, const nd_ensemble_opts *o,
                       nd_ensemble_result *res, const nd_ens_scratch *s, int full, size_t start,
                       size_t count, nd_ens_block *b)
{
    size_t n = res->n;
    memset(b, 0, sizeof *b);
    b->n = count, b->ld = n;
    b->X = res->x + start;
    b->P = m->n_pars ? P + start : P;
    b->t0 = o->t0, b->t1 = o->t1, b->dt = o->dt;
    b->nsteps = nd_ens_fixed_steps(o->t0, o->t1, o->dt);
    b->t_reduce = o->t0 + o->transient;
    b->t_fail = res->t_fail + start;
    b->x_save = s->x_save + start;
    b->ev_var = -1;
    full = full || res->samples != NULL;
    if (res->x_max) b->xmax = res->x_max + start, b->xmin = res->x_min + start;
    else if (full || res->max_extrema) /* the extrema lanes (kernels.h) also keep max/min */
        b->xmax = s->xmax + start, b->xmin = s->xmin + start;
    b->ev_prev = s->ev_prev + start, b->ev_y0 = s->ev_y0 + start, b->ev_f0 = s->ev_f0 + start;
    b->ev_y1 = s->ev_y1 + start, b->ev_f1 = s->ev_f1 + start, b->ev_hit = s->ev_hit + start;
    if (res->events) {
        b->ev_var = o->event_var, b->ev_level = o->event_level;
        b->ev_count = res->events + start, b->ev_first = res->event_first + start;
        b->ev_last = res->event_last + start;
        b->ev_times = res->event_times ? res->event_times + start : NULL;
        b->max_events = res->event_times ? (long)o->max_events : 0;
    } else if (full) { /* the all-reductions lanes look at a section that is never crossed */
        b->ev_var = 0, b->ev_level = NAN;
        b->ev_count = s->ev_count + start, b->ev_first = s->ev_first + start, b->ev_last = s->ev_last + start;
    }
    if (res->events && res->max_extrema) { /* local extrema ride on the section's buffers */
        b->ext_mode = (res->n_maxima ? 1 : 0) | (res->n_minima ? 2 : 0);
        b->ext_cap = (long)res->max_extrema;
        if (res->n_maxima)
            b->max_count = res->n_maxima + start, b->max_y = res->maxima + start, b->max_t = res->maxima_t + start;
        if (res->n_minima)
            b->min_count = res->n_minima + start, b->min_y = res->minima + start, b->min_t = res->minima_t + start;
    }
    b->tick = o->progress, b->tick_ctx = o->progress_ctx;
    if (res->samples) b->samples = res->samples + start, b->stride = o->sample_stride;
    else if (full) b->samples = s->samples0 + start, b->stride = LONG_MAX; /* sample 0 only */
}

int nd_ens_kind(const nd_method *method, const nd_ensemble_opts *o)
{
    if (o->precision == ND_PRECISION_SINGLE) return ND_ENS_RK4_SINGLE;
    return strcmp(method->name, "rk4") == 0 ? ND_ENS_RK4 : ND_ENS_TABLE;
}

/* Period = the last interval between events; the second-to-last time lives in the scratch. */
void nd_ens_periods(nd_ensemble_result *res, const nd_ens_scratch *s)
{
    for (size_t i = 0; res->events && i < res->n; i++)
        res->period[i] = res->events[i] >= 2 ? res->event_last[i] - s->ev_prev[i] : NAN;
}

nd_status nd_ens_run_lanes(const nd_model *m, const nd_method *method, const double *P,
                           const nd_ensemble_opts *o, nd_ensemble_result *res, nd_error *err)
{
    nd_ens_scratch s;
    nd_status st = nd_ens_scratch_alloc(res->n, m->n_vars, &s, err);
    if (st) return st;
    const int kind = nd_ens_kind(method, o);
    const int reduces = res->x_max || res->events || res->samples;
    const int full = reduces && kind != ND_ENS_RK4; /* lanes without per-reduction variants */
    const size_t bs = BLOCK;
    const long n_blocks = (long)((res->n + bs - 1) / bs);
    /* static: blocks cost the same, and each thread's blocks are contiguous, so two threads
     * rarely write to one cache line (with a dynamic schedule the lines at the borders of
     * neighbouring blocks ping-pong every step, which halves the speed) */
    #pragma omp parallel for schedule(static)
    for (long k = 0; k < n_blocks; k++) {
        size_t start = (size_t)k * bs, count = res->n - start < bs ? res->n - start : bs;
        nd_ens_block b;
        nd_ens_fill_block(m, P, o, res, &s, full, start, count, &b);
        if (kind == ND_ENS_RK4_SINGLE && m->kernels->ens_single) m->kernels->ens_single(method->tableau, kind, &b);
        else m->kernels->ens_fixed(method->tableau, kind, &b);
    }
    nd_ens_periods(res, &s);
    nd_ens_scratch_free(&s);
    return ND_OK;
}
