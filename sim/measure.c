/* Measurements of network activity, after BrainPy's brainpy.measure (firing_rate,
 * cross_correlation, voltage_fluctuation) plus inter-spike intervals and their CV. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/core.h"
#include "neurodyn/sim.h"

/* BrainPy firing_rate: width1 = 2 int(width / 2 / dt) + 1 steps of weight 1000 / width,
 * np.convolve(mean spikes per step, window, mode='same'). */
nd_status nd_firing_rate(const double *times, size_t n_spikes, size_t n_neurons, double t0,
                         double dt, size_t n_steps, double width, double *rate, nd_error *err)
{
    if (!(dt > 0.0) || !(width > 0.0) || !isfinite(width) || n_neurons == 0)
        return nd_fail(err, ND_EINVAL, "firing rate needs dt > 0 (%g), width > 0 (%g) and neurons (%zu)", dt, width, n_neurons);
    double *pop = calloc(n_steps ? n_steps : 1, sizeof *pop);
    if (!pop) return nd_fail(err, ND_ENOMEM, "out of memory for a rate of %zu steps", n_steps);
    for (size_t s = 0; s < n_spikes; s++) {
        double k = nearbyint((times[s] - t0) / dt);
        if (k >= 0.0 && k < (double)n_steps) pop[(size_t)k] += 1.0 / (double)n_neurons;
    }
    long half = (long)(width / 2.0 / dt);
    const double w = 1000.0 / width;
    double acc = 0.0; /* running window sum */
    for (long k = 0; k < half && k < (long)n_steps; k++) acc += pop[k];
    for (long k = 0; k < (long)n_steps; k++) {
        if (k + half < (long)n_steps) acc += pop[k + half];
        if (k - half - 1 >= 0) acc -= pop[k - half - 1];
        rate[k] = acc * w;
    }
    free(pop);
    return ND_OK;
}

/* BrainPy cross_correlation: binary bin states, mean over pairs i > j of
 * sum(x_i x_j) / sqrt(sum x_i sum x_j), 0 for pairs with a silent neuron. Bins are packed in
 * 64-bit words so a pair costs (bins / 64) popcounts. */
nd_status nd_cross_correlation(const double *times, const uint32_t *ids, size_t n_spikes,
                               size_t n_neurons, double t0, double t1, double bin, double *out,
                               nd_error *err)
{
    if (n_neurons < 2) return nd_fail(err, ND_EINVAL, "cross-correlation needs at least 2 neurons (got %zu)", n_neurons);
    if (!(bin > 0.0) || !(t1 > t0) || !isfinite(t1 - t0))
        return nd_fail(err, ND_EINVAL, "cross-correlation needs bin > 0 (%g) and t1 > t0 (%g, %g)", bin, t0, t1);
    size_t bins = (size_t)ceil((t1 - t0) / bin), words = (bins + 63) / 64;
    if (nd_check_alloc(n_neurons * words * 8, "the binned spike trains", err)) return ND_ENOMEM;
    uint64_t *x = calloc(n_neurons * words, sizeof *x);
    double *cnt = calloc(n_neurons, sizeof *cnt);
    if (!x || !cnt) {
        free(x), free(cnt);
        return nd_fail(err, ND_ENOMEM, "out of memory binning %zu neurons", n_neurons);
    }
    for (size_t s = 0; s < n_spikes; s++) {
        if (ids[s] >= n_neurons || times[s] < t0 || times[s] >= t1) continue;
        size_t b = (size_t)((times[s] - t0) / bin);
        if (b >= bins) b = bins - 1;
        x[ids[s] * words + b / 64] |= 1ULL << (b % 64);
    }
    for (size_t i = 0; i < n_neurons; i++)
        for (size_t w = 0; w < words; w++) cnt[i] += (double)__builtin_popcountll(x[i * words + w]);
    double sum = 0.0;
    for (size_t i = 1; i < n_neurons; i++)
        for (size_t j = 0; j < i; j++) {
            if (cnt[i] == 0.0 || cnt[j] == 0.0) continue;
            long both = 0;
            for (size_t w = 0; w < words; w++) both += __builtin_popcountll(x[i * words + w] & x[j * words + w]);
            sum += (double)both / sqrt(cnt[i] * cnt[j]);
        }
    *out = sum / ((double)n_neurons * (double)(n_neurons - 1) / 2.0);
    free(x), free(cnt);
    return ND_OK;
}

/* BrainPy voltage_fluctuation: Var_t(mean_i V) / mean_i Var_t(V_i) (Golomb & Rinzel 1993). */
nd_status nd_voltage_fluctuation(const double *V, size_t rows, size_t cols, double *out, nd_error *err)
{
    if (rows < 2 || cols == 0) return nd_fail(err, ND_EINVAL, "voltage fluctuation needs >= 2 times and a neuron (%zu x %zu)", rows, cols);
    double *m1 = calloc(cols, sizeof *m1), *m2 = calloc(cols, sizeof *m2);
    if (!m1 || !m2) {
        free(m1), free(m2);
        return nd_fail(err, ND_ENOMEM, "out of memory");
    }
    double a1 = 0.0, a2 = 0.0;
    for (size_t r = 0; r < rows; r++) {
        double avg = 0.0;
        for (size_t c = 0; c < cols; c++) {
            double v = V[r * cols + c];
            avg += v, m1[c] += v, m2[c] += v * v;
        }
        avg /= (double)cols;
        a1 += avg, a2 += avg * avg;
    }
    a1 /= (double)rows, a2 /= (double)rows;
    double var_mean = 0.0;
    for (size_t c = 0; c < cols; c++) {
        double mu = m1[c] / (double)rows;
        var_mean += m2[c] / (double)rows - mu * mu;
    }
    var_mean /= (double)cols;
    free(m1), free(m2);
    if (!(var_mean > 0.0)) return nd_fail(err, ND_EFAILED, "voltage fluctuation: every neuron's V is constant (variance %g)", var_mean);
    *out = (a2 - a1 * a1) / var_mean;
    return ND_OK;
}

nd_status nd_isi(const double *times, size_t n_times, double *isi, nd_error *err)
{
    for (size_t k = 1; k < n_times; k++) {
        if (!(times[k] >= times[k - 1]))
            return nd_fail(err, ND_EINVAL, "spike times must ascend (t[%zu] = %g < t[%zu] = %g)", k, times[k], k - 1, times[k - 1]);
        isi[k - 1] = times[k] - times[k - 1];
    }
    return ND_OK;
}

double nd_cv(const double *isi, size_t n)
{
    if (n < 2) return NAN;
    double m = 0.0, v = 0.0;
    for (size_t k = 0; k < n; k++) m += isi[k];
    m /= (double)n;
    for (size_t k = 0; k < n; k++) v += (isi[k] - m) * (isi[k] - m);
    return sqrt(v / (double)n) / m; /* population std (numpy's default), as BrainPy */
}
