/* Input generators after BrainPy's brainpy.inputs: section (period) input, constant current,
 * spike input, ramp input, and Poisson spike trains. Durations are converted to steps with
 * round(duration / dt) (BrainPy's int() truncates 0.3 / 0.1 = 2.9999 to 2). */
#include <Random123/philox.h>
#include <math.h>
#include <stdlib.h>

#include "neurodyn/core.h"
#include "neurodyn/noise.h"
#include "neurodyn/sim.h"

static nd_status steps_of(double duration, double dt, const char *what, size_t *n, nd_error *err)
{
    if (!(dt > 0.0) || !isfinite(dt)) return nd_fail(err, ND_EINVAL, "%s: dt = %g must be positive", what, dt);
    if (!(duration >= 0.0) || !isfinite(duration)) return nd_fail(err, ND_EINVAL, "%s: duration %g must be >= 0", what, duration);
    double s = nearbyint(duration / dt);
    if (s * sizeof(double) > (double)nd_memory_limit())
        return nd_fail(err, ND_ENOMEM, "%s: %.3g steps would not fit in memory", what, s);
    *n = (size_t)s;
    return ND_OK;
}

static nd_status zeros(size_t n, double **out, size_t *len, nd_error *err)
{
    *out = calloc(n ? n : 1, sizeof **out);
    *len = n;
    return *out ? ND_OK : nd_fail(err, ND_ENOMEM, "out of memory for %zu input values", n);
}

nd_status nd_section_input(const double *values, const double *durations, size_t n, double dt,
                           double **out, size_t *len, nd_error *err)
{
    double total = 0.0;
    for (size_t k = 0; k < n; k++) {
        if (!(durations[k] >= 0.0) || !isfinite(values[k]))
            return nd_fail(err, ND_EINVAL, "section %zu: duration %g must be >= 0 and value %g finite", k, durations[k], values[k]);
        total += durations[k];
    }
    size_t steps;
    if (steps_of(total, dt, "section input", &steps, err) || zeros(steps, out, len, err)) return err ? err->code : ND_EINVAL;
    size_t at = 0;
    for (size_t k = 0; k < n; k++) {
        size_t m = (size_t)nearbyint(durations[k] / dt);
        for (size_t s = 0; s < m && at < steps; s++) (*out)[at++] = values[k];
    }
    return ND_OK;
}

nd_status nd_period_input(const double *values, const double *durations, size_t n, double dt,
                          double **out, size_t *len, nd_error *err)
{
    return nd_section_input(values, durations, n, dt, out, len, err);
}

nd_status nd_constant_current(const double *values, const double *durations, size_t n, double dt,
                              double **out, size_t *len, nd_error *err)
{
    return nd_section_input(values, durations, n, dt, out, len, err);
}

nd_status nd_spike_input(const double *times, size_t n, const double *lens, const double *sizes,
                         double duration, double dt, double **out, size_t *len, nd_error *err)
{
    size_t steps;
    if (steps_of(duration, dt, "spike input", &steps, err)) return ND_EINVAL;
    for (size_t k = 0; k < n; k++)
        if (!(times[k] >= 0.0) || !(lens[k] >= 0.0) || !isfinite(sizes[k]))
            return nd_fail(err, ND_EINVAL, "spike input pulse %zu: time %g and length %g must be >= 0, size %g finite",
                           k, times[k], lens[k], sizes[k]);
    if (zeros(steps, out, len, err)) return ND_ENOMEM;
    for (size_t k = 0; k < n; k++) {
        size_t p = (size_t)nearbyint(times[k] / dt), m = (size_t)nearbyint(lens[k] / dt);
        for (size_t s = p; s < p + m && s < steps; s++) (*out)[s] = sizes[k];
    }
    return ND_OK;
}

/* BrainPy ramp_input: linspace(c_start, c_end, p2 - p1) on steps [p1, p2). */
nd_status nd_ramp_input(double c_start, double c_end, double duration, double t_start,
                        double t_end, double dt, double **out, size_t *len, nd_error *err)
{
    size_t steps;
    if (steps_of(duration, dt, "ramp input", &steps, err)) return ND_EINVAL;
    if (!(t_start >= 0.0) || !(t_end >= t_start) || !isfinite(c_start) || !isfinite(c_end))
        return nd_fail(err, ND_EINVAL, "ramp input: need 0 <= t_start (%g) <= t_end (%g) and finite currents", t_start, t_end);
    if (zeros(steps, out, len, err)) return ND_ENOMEM;
    size_t p1 = (size_t)nearbyint(t_start / dt), p2 = (size_t)nearbyint(t_end / dt);
    if (p2 > steps) p2 = steps;
    for (size_t s = p1; s < p2; s++) {
        double f = p2 - p1 > 1 ? (double)(s - p1) / (double)(p2 - p1 - 1) : 0.0;
        (*out)[s] = c_start + (c_end - c_start) * f;
    }
    return ND_OK;
}

nd_status nd_poisson_train(double rate_hz, double duration, double dt, uint64_t seed,
                           uint64_t train, double **times, size_t *n, nd_error *err)
{
    size_t steps;
    if (!(rate_hz >= 0.0) || !isfinite(rate_hz)) return nd_fail(err, ND_EINVAL, "Poisson rate %g Hz must be >= 0", rate_hz);
    if (steps_of(duration, dt, "Poisson train", &steps, err)) return ND_EINVAL;
    const double p = rate_hz * dt * 1e-3;
    size_t cap = 64, got = 0;
    double *t = malloc(cap * sizeof *t);
    if (!t) return nd_fail(err, ND_ENOMEM, "out of memory for a Poisson train");
    philox4x64_key_t key = {{seed, ND_NOISE_KEY_TAG ^ 0x747261696eULL}};
    for (size_t s = 0; s < steps; s++) {
        philox4x64_ctr_t ctr = {{train, (uint64_t)s, 0, 0}};
        if (nd_u01_open0(philox4x64(ctr, key).v[0]) > p) continue;
        if (got == cap) {
            double *grown = realloc(t, 2 * cap * sizeof *t);
            if (!grown) {
                free(t);
                return nd_fail(err, ND_ENOMEM, "out of memory for a Poisson train");
            }
            t = grown, cap *= 2;
        }
        t[got++] = (double)s * dt;
    }
    *times = t, *n = got;
    return ND_OK;
}
