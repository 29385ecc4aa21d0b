/* The batched ensemble behind include/neurodyn/ensemble.h: argument checks, the memory
 * estimate, the choice of path (SIMD lanes on the CPU, the same lanes on a CUDA device, or one
 * nd_solve per trajectory) and the per-trajectory post-processing. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ensemble_impl.h"

void nd_ensemble_opts_init(nd_ensemble_opts *o)
{
    memset(o, 0, sizeof *o);
    o->t1 = 100.0;
    o->dt = 0.01;
    o->rtol = 1e-6;
    o->atol = 1e-9;
    o->event_var = -1;
    o->keep_minmax = 1;
}

nd_status nd_device_parse(const char *text, nd_device *out, nd_error *err)
{
    if (text && strcmp(text, "cpu") == 0) return *out = ND_DEVICE_CPU, ND_OK;
    if (text && strcmp(text, "cuda") == 0) return *out = ND_DEVICE_CUDA, ND_OK;
    if (text && strcmp(text, "auto") == 0) return *out = ND_DEVICE_AUTO, ND_OK;
    return nd_fail(err, ND_EINVAL, "device '%s' is not one of cpu, cuda, auto", text ? text : "(null)");
}

nd_status nd_precision_parse(const char *text, nd_precision *out, nd_error *err)
{
    if (text && strcmp(text, "double") == 0) return *out = ND_PRECISION_DOUBLE, ND_OK;
    if (text && strcmp(text, "single") == 0) return *out = ND_PRECISION_SINGLE, ND_OK;
    return nd_fail(err, ND_EINVAL, "precision '%s' is not one of double, single", text ? text : "(null)");
}

int nd_ens_is_stochastic(const nd_model *m, const nd_ensemble_opts *o)
{
    return m->noise != ND_NOISE_NONE || o->noise != 0.0;
}

/* The fixed-step driver's grid: the number of steps to reach t1 (nd_solve's rule). */
long nd_ens_fixed_steps(double t0, double t1, double dt)
{
    long k = (long)ceil((t1 - t0) / dt);
    if (k < 1) k = 1;
    while (k > 1 && t0 + (double)(k - 1) * dt >= t1) k--;
    while (t0 + (double)k * dt < t1) k++;
    return k;
}

/* ---- argument checks ------------------------------------------------------------------------ */
static nd_status check_values(const char *what, const double *v, size_t rows, size_t n,
                              const char *const *names, nd_error *err)
{
    for (size_t r = 0; r < rows; r++)
        for (size_t i = 0; i < n; i++)
            if (!isfinite(v[r * n + i]))
                return nd_fail(err, ND_EINVAL, "ensemble: %s %s of trajectory %zu is %g", what,
                               names[r], i, v[r * n + i]);
    return ND_OK;
}

static nd_status check_options(const nd_model *m, const nd_ensemble_opts *o,
                               const nd_method **method, nd_error *err)
{
    if (!(isfinite(o->t0) && isfinite(o->t1) && o->t1 > o->t0))
        return nd_fail(err, ND_EINVAL, "ensemble: t1 = %g must be finite and after t0 = %g", o->t1, o->t0);
    if (!(o->transient >= 0) || !isfinite(o->transient))
        return nd_fail(err, ND_EINVAL, "ensemble: transient = %g must be >= 0", o->transient);
    if (o->event_var < -1 || o->event_var >= (int)m->n_vars)
        return nd_fail(err, ND_EINVAL, "ensemble: event variable index %d out of range -1..%zu",
                       o->event_var, m->n_vars - 1);
    if (o->event_var >= 0 && !isfinite(o->event_level))
        return nd_fail(err, ND_EINVAL, "ensemble: event level %g is not finite", o->event_level);
    if (o->extrema < ND_EXTREMA_NONE || o->extrema > ND_EXTREMA_BOTH)
        return nd_fail(err, ND_EINVAL, "ensemble: extrema = %d is not one of none, max, min, both", (int)o->extrema);
    if (o->extrema && o->event_var < 0)
        return nd_fail(err, ND_EINVAL, "ensemble: local extrema are those of the section's variable: set event_var");
    if (o->extrema && o->max_extrema == 0)
        return nd_fail(err, ND_EINVAL, "ensemble: local extrema need max_extrema > 0 (how many to keep)");
    if (o->extrema && o->precision == ND_PRECISION_SINGLE)
        return nd_fail(err, ND_EINVAL, "ensemble: local extrema are recorded in double precision only");
    if (o->sample_stride < 0)
        return nd_fail(err, ND_EINVAL, "ensemble: sample stride %ld must be >= 0", o->sample_stride);
    if (!(o->noise >= 0) || !isfinite(o->noise))
        return nd_fail(err, ND_EINVAL, "ensemble: noise amplitude %g must be >= 0", o->noise);
    if (nd_ens_is_stochastic(m, o)) {
        const nd_sde_method *sm = nd_sde_method_find(o->method ? o->method : "euler", err);
        if (!sm) return ND_EINVAL;
        *method = NULL;
    } else {
        *method = nd_method_find(o->method ? o->method : "rk4", err);
        if (!*method) return ND_EINVAL;
    }
    int fixed = !*method || (!(*method)->adaptive && (*method)->kind != ND_METHOD_GSL);
    if (fixed && !(o->dt > 0 && isfinite(o->dt)))
        return nd_fail(err, ND_EINVAL, "ensemble: dt = %g must be > 0 for a fixed-step method", o->dt);
    if (!fixed && !(o->dt >= 0 && isfinite(o->dt)))
        return nd_fail(err, ND_EINVAL, "ensemble: dt = %g must be >= 0", o->dt);
    if (!fixed && !(o->rtol > 0 && o->rtol < 1))
        return nd_fail(err, ND_EINVAL, "ensemble: rtol = %g must be in (0, 1)", o->rtol);
    if (!fixed && !(o->atol >= 0 && isfinite(o->atol)))
        return nd_fail(err, ND_EINVAL, "ensemble: atol = %g must be >= 0", o->atol);
    if (fixed && (o->t1 - o->t0) / o->dt > 1e12)
        return nd_fail(err, ND_EINVAL, "ensemble: (t1 - t0) / dt = %g steps is too many", (o->t1 - o->t0) / o->dt);
    if (o->sample_stride > 0 && !fixed)
        return nd_fail(err, ND_EINVAL, "ensemble: samples every %ld steps need a fixed-step method, not %s",
                       o->sample_stride, (*method)->name);
    return ND_OK;
}

/* Whether the model's SIMD lanes can run this request. Local extrema: the double RK4 lanes
 * without samples only (kernels.h, ND_ENS_REDUCTIONS); other fixed-step methods record them on
 * the per-trajectory path, which computes the same numbers. */
int nd_ens_lanes_apply(const nd_model *m, const nd_method *method, const nd_ensemble_opts *o)
{
    int extrema_ok = !o->extrema || (method && strcmp(method->name, "rk4") == 0 && o->sample_stride <= 0 &&
                                     o->precision == ND_PRECISION_DOUBLE);
    /* a spike rule (threshold and reset) is applied by nd_solve only: such models run per trajectory */
    return method && method->kind == ND_METHOD_ERK && !method->adaptive &&
           method->tableau->stages <= ND_ENS_MAX_STAGES && m->kernels && m->kernels->ens_fixed &&
           !nd_ens_is_stochastic(m, o) && extrema_ok && !m->spike;
}

static size_t n_samples_of(const nd_model *m, const nd_method *method, const nd_ensemble_opts *o)
{
    if (o->sample_stride <= 0) return 0;
    (void)m, (void)method;
    long steps = nd_ens_fixed_steps(o->t0, o->t1, o->dt);
    return (size_t)(steps / o->sample_stride) + 1;
}

/* Doubles per trajectory the result holds (plus the lanes' scratch). */
static size_t doubles_per_trajectory(const nd_model *m, const nd_ensemble_opts *o, size_t n_samples)
{
    size_t nv = m->n_vars;
    size_t d = nv + m->n_pars + 2 /* t_fail, status */;
    if (o->keep_minmax) d += 2 * nv;
    if (o->event_var >= 0) d += 8 + o->max_events;
    if (o->event_var >= 0 && o->extrema) /* a count and max_extrema values and times per kind */
        d += (1 + 2 * o->max_extrema) * (size_t)((o->extrema & ND_EXTREMA_MAX ? 1 : 0) + (o->extrema & ND_EXTREMA_MIN ? 1 : 0));
    d += n_samples * nv;
    d += 10 + 3 * nv; /* the lanes' scratch (gpu/lanes.c) */
    return d;
}

size_t nd_ensemble_bytes(const nd_model *m, size_t n, const nd_ensemble_opts *o)
{
    const nd_method *method;
    if (!m || !o || n == 0 || check_options(m, o, &method, NULL)) return 0;
    double per = (double)doubles_per_trajectory(m, o, n_samples_of(m, method, o)) * sizeof(double);
    double total = per * (double)n;
    return total > (double)SIZE_MAX / 2 ? SIZE_MAX / 2 : (size_t)total;
}

static nd_status check_args(const nd_model *m, size_t n, const double *P, size_t p_len,
                            const double *X0, size_t x_len, const nd_ensemble_opts *o,
                            nd_ensemble_result *res, const nd_method **method, nd_error *err)
{
    if (!res) return nd_fail(err, ND_EINVAL, "ensemble: result pointer is NULL");
    memset(res, 0, sizeof *res);
    nd_status st = nd_model_validate(m, err);
    if (st) return st;
    if (!o) return nd_fail(err, ND_EINVAL, "ensemble: options are NULL (use nd_ensemble_opts_init)");
    if (n == 0) return nd_fail(err, ND_EINVAL, "ensemble: N = 0 trajectories");
    if (m->n_pars && !P) return nd_fail(err, ND_EINVAL, "ensemble: parameter array P is NULL");
    if (!X0) return nd_fail(err, ND_EINVAL, "ensemble: initial-state array X0 is NULL");
    if (p_len != n * m->n_pars)
        return nd_fail(err, ND_EINVAL, "ensemble: parameter array has %zu values, expected n_pars x N = %zu x %zu = %zu",
                       p_len, m->n_pars, n, n * m->n_pars);
    if (x_len != n * m->n_vars)
        return nd_fail(err, ND_EINVAL, "ensemble: initial-state array has %zu values, expected n_vars x N = %zu x %zu = %zu",
                       x_len, m->n_vars, n, n * m->n_vars);
    if ((st = check_options(m, o, method, err))) return st;
    if ((st = check_values("parameter", P, m->n_pars, n, m->par_names, err))) return st;
    return check_values("initial value", X0, m->n_vars, n, m->var_names, err);
}

/* ---- result arrays ---------------------------------------------------------------------------- */
static nd_status alloc_result(const nd_model *m, size_t n, const nd_ensemble_opts *o, size_t n_samples,
                              nd_ensemble_result *res, nd_error *err)
{
    size_t per = doubles_per_trajectory(m, o, n_samples);
    if (n > SIZE_MAX / sizeof(double) / per)
        return nd_fail(err, ND_ENOMEM, "ensemble of %zu trajectories: the size overflows", n);
    nd_status st = nd_check_alloc(per * n * sizeof(double), "the ensemble result", err);
    if (st) return st;
    size_t nv = m->n_vars;
    res->n = n, res->n_vars = nv, res->max_events = o->max_events, res->n_samples = n_samples;
    res->sample_dt = n_samples ? o->dt * (double)o->sample_stride : 0.0;
    int ok = (res->x = malloc(nv * n * sizeof(double))) && (res->status = calloc(n, sizeof(int))) &&
             (res->t_fail = malloc(n * sizeof(double)));
    if (ok && o->keep_minmax)
        ok = (res->x_max = malloc(nv * n * sizeof(double))) && (res->x_min = malloc(nv * n * sizeof(double)));
    if (ok && o->event_var >= 0)
        ok = (res->events = calloc(n, sizeof(long))) && (res->event_first = malloc(n * sizeof(double))) &&
             (res->event_last = malloc(n * sizeof(double))) && (res->period = malloc(n * sizeof(double)));
    if (ok && o->event_var >= 0 && o->max_events)
        ok = (res->event_times = malloc(o->max_events * n * sizeof(double))) != NULL;
    if (ok && n_samples) ok = (res->samples = malloc(n_samples * nv * n * sizeof(double))) != NULL;
    size_t ne = o->event_var >= 0 && o->extrema ? o->max_extrema * n : 0;
    res->max_extrema = ne ? o->max_extrema : 0;
    /* the extrema arrays are zeroed by calloc, which maps the pages lazily: the rows a
     * trajectory never reaches cost nothing (filling them with NaN took Lorenz's 10^5 x 100 of
     * them 0.44 s, longer than the 0.26 s of integrating 1000 steps) */
    if (ok && ne && (o->extrema & ND_EXTREMA_MAX))
        ok = (res->n_maxima = calloc(n, sizeof(long))) && (res->maxima = calloc(ne, sizeof(double))) &&
             (res->maxima_t = calloc(ne, sizeof(double)));
    if (ok && ne && (o->extrema & ND_EXTREMA_MIN))
        ok = (res->n_minima = calloc(n, sizeof(long))) && (res->minima = calloc(ne, sizeof(double))) &&
             (res->minima_t = calloc(ne, sizeof(double)));
    if (!ok) {
        nd_ensemble_result_free(res);
        return nd_fail(err, ND_ENOMEM, "ensemble: no memory for %zu trajectories", n);
    }
    for (size_t k = 0; res->event_times && k < o->max_events * n; k++) res->event_times[k] = NAN;
    return ND_OK;
}

void nd_ensemble_result_free(nd_ensemble_result *res)
{
    if (!res) return;
    free(res->x), free(res->x_max), free(res->x_min), free(res->events), free(res->event_first);
    free(res->event_last), free(res->period), free(res->event_times), free(res->samples);
    free(res->status), free(res->t_fail);
    free(res->n_maxima), free(res->n_minima), free(res->maxima), free(res->maxima_t), free(res->minima);
    free(res->minima_t);
    memset(res, 0, sizeof *res);
}

nd_status nd_ens_check_args(const nd_model *m, size_t n, const double *P, size_t p_len, const double *X0,
                            size_t x_len, const nd_ensemble_opts *o, nd_ensemble_result *res, nd_error *err)
{
    const nd_method *method;
    return check_args(m, n, P, p_len, X0, x_len, o, res, &method, err);
}

nd_status nd_ens_alloc_result(const nd_model *m, size_t n, const nd_ensemble_opts *o, nd_ensemble_result *res,
                              nd_error *err)
{
    const nd_method *method;
    nd_status st = check_options(m, o, &method, err);
    return st ? st : alloc_result(m, n, o, n_samples_of(m, method, o), res, err);
}

/* Period (last interval), status from the failure time, failure count. */
static void finish_result(nd_ensemble_result *res)
{
    res->n_failed = 0;
    for (size_t i = 0; i < res->n; i++) {
        if (res->status[i] == ND_ENS_OK && !isnan(res->t_fail[i])) res->status[i] = ND_ENS_NONFINITE;
        if (res->status[i] != ND_ENS_OK) res->n_failed++;
    }
}

/* ---- the entry point ---------------------------------------------------------------------------- */
static nd_status choose_device(const nd_model *m, const nd_method *method, const nd_ensemble_opts *o,
                               nd_device *dev, nd_error *err)
{
    char why[512];
    int lanes = nd_ens_lanes_apply(m, method, o);
    if (o->precision == ND_PRECISION_SINGLE && !(lanes && strcmp(method->name, "rk4") == 0))
        return nd_fail(err, ND_EINVAL,
                       "ensemble: single precision needs method rk4 and a model with ND_KERNELS lanes "
                       "(model %s, method %s)", m->name, method ? method->name : "(SDE)");
    if (o->device == ND_DEVICE_CPU) return *dev = ND_DEVICE_CPU, ND_OK;
    int cuda = nd_cuda_available(why, sizeof why);
    if (o->device == ND_DEVICE_CUDA) {
        if (!cuda) return nd_fail(err, ND_EFAILED, "ensemble: device cuda is not available: %s", why);
        if (m->spike)
            return nd_fail(err, ND_EINVAL, "ensemble: model %s has a spike rule (threshold and reset), which the CUDA "
                           "path does not apply: use the CPU", m->name);
        if (!lanes)
            return nd_fail(err, ND_EINVAL,
                           "ensemble: the CUDA path runs fixed-step explicit RK methods of models with "
                           "ND_KERNELS lanes, not method %s of model %s", method ? method->name : "(SDE)",
                           m->name);
        if (!nd_cuda_has_kernels(m, why, sizeof why))
            return nd_fail(err, ND_EINVAL, "ensemble: model %s has no device kernels: %s", m->name, why);
        return *dev = ND_DEVICE_CUDA, ND_OK;
    }
    /* auto: the GPU when it can run this request, else every CPU core (a user model file that
     * nvcc cannot compile runs on the CPU) */
    *dev = cuda && lanes && nd_cuda_has_kernels(m, why, sizeof why) ? ND_DEVICE_CUDA : ND_DEVICE_CPU;
    return ND_OK;
}

nd_status nd_ensemble_run(const nd_model *m, size_t n, const double *P, size_t p_len,
                          const double *X0, size_t x_len, const nd_ensemble_opts *o,
                          nd_ensemble_result *res, nd_error *err)
{
    const nd_method *method = NULL;
    nd_status st = check_args(m, n, P, p_len, X0, x_len, o, res, &method, err);
    if (st) return st;
    nd_device dev;
    if ((st = choose_device(m, method, o, &dev, err))) return st;
    size_t n_samples = n_samples_of(m, method, o);
    if ((st = alloc_result(m, n, o, n_samples, res, err))) return st;
    memcpy(res->x, X0, m->n_vars * n * sizeof *X0);
    res->device = dev;
    res->vectorised = nd_ens_lanes_apply(m, method, o);
    if (dev == ND_DEVICE_CUDA) st = nd_ens_run_cuda(m, method, P, o, res, err);
    else if (res->vectorised) st = nd_ens_run_lanes(m, method, P, o, res, err);
    else st = nd_ens_run_solver(m, P, o, res, err);
    if (st) {
        nd_ensemble_result_free(res);
        return st;
    }
    finish_result(res);
    return ND_OK;
}
