/* Benchmark of the batched ensemble (gpu/): Lorenz and FitzHugh-Nagumo ensembles of 10^4,
 * 10^5 and 10^6 trajectories x 1000 RK4 steps (dt = 1e-3), in trajectory-steps per second, on
 * the CPU with every core, and against two baselines built in the same run, on one core:
 *
 *  hand   a hand-written `omp simd` loop (SoA, RHS inline, state in registers, no reductions);
 *  plain  a per-trajectory loop (AoS) calling the model's RHS through a function pointer.
 *
 * The ensemble is timed lean (final state), with reductions (max/min of every variable after a
 * transient of 100 steps, the orbit diagram's work) and with max/min plus a section (upward
 * crossings of the first variable through 0, located by Hermite interpolation: what `neurodyn
 * sweep` computes) and with the local maxima of that variable too (the orbit diagram's points), on
 * 1 thread for the ratios and on all threads for the throughput, in double
 * precision and (lean and max/min) in single precision. Baselines run on min(N, 10^5)
 * trajectories (the plain loop on 10^4): their rate per trajectory-step does not depend on N.
 * Timings: best of REPS (fewer for long runs).
 *
 * GPU part (skipped when no CUDA device exists): the same ensembles on the device in double and
 * single precision, lean and with max/min + section, timed around nd_ensemble_run (so with the
 * copies to and from the device), plus the published anchor's size (8.4M Lorenz trajectories x
 * 1000 single-precision steps: 94 ms with MPGOS, 145 ms with DiffEqGPU.jl on a V100). The ratio
 * printed is time / bound, where the bound is the larger of the arithmetic at the device's
 * FMA-free peaks (operation counts below) and the lean run's device-memory traffic at its
 * bandwidth (nd_cuda_device_info); 0 when the device's peaks are unknown. Never asserts. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "neurodyn/ensemble.h"
#include "neurodyn/integrate.h"
#include "zoo.h"

void omp_set_num_threads(int); /* libgomp */
int omp_get_max_threads(void);

#define NSTEPS 1000L
#define DT 1e-3
#define REPS 3

/* Arithmetic per trajectory and RK4 step, counted in the lanes (kernels.h): 4 RHS (Lorenz's: 9
 * operations; FitzHugh-Nagumo's: 10, 6 for v' and 4 for w'), and per variable 17 for the stage
 * sums and the update (3 + 3 + 2 + 9) and 2 for the finiteness check. In single precision the
 * stage arithmetic is float and the RHS still double. */
#define RHS_LORENZ 9
#define RHS_FHN 10
#define STAGE_OPS_PER_VAR 19

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static nd_rhs_fn volatile plain_rhs; /* opaque to the compiler, as a loaded model's would be */

/* ---- baselines ------------------------------------------------------------------------------ */
__attribute__((noinline)) static void hand_lorenz(size_t n, double *restrict X, const double *restrict P, double h,
                                                  long nsteps)
{
    if (nsteps <= 0) return;
#pragma omp simd
    for (size_t i = 0; i < n; i++) {
        double x = X[i], y = X[n + i], z = X[2 * n + i];
        const double sg = P[i], be = P[n + i], rh = P[2 * n + i];
        for (long s = 0; s < nsteps; s++) {
            double k1x = sg * (y - x), k1y = x * (rh - z) - y, k1z = x * y - be * z;
            double ax = x + 0.5 * h * k1x, ay = y + 0.5 * h * k1y, az = z + 0.5 * h * k1z;
            double k2x = sg * (ay - ax), k2y = ax * (rh - az) - ay, k2z = ax * ay - be * az;
            ax = x + 0.5 * h * k2x, ay = y + 0.5 * h * k2y, az = z + 0.5 * h * k2z;
            double k3x = sg * (ay - ax), k3y = ax * (rh - az) - ay, k3z = ax * ay - be * az;
            ax = x + h * k3x, ay = y + h * k3y, az = z + h * k3z;
            double k4x = sg * (ay - ax), k4y = ax * (rh - az) - ay, k4z = ax * ay - be * az;
            x += h / 6.0 * (k1x + 2 * k2x + 2 * k3x + k4x);
            y += h / 6.0 * (k1y + 2 * k2y + 2 * k3y + k4y);
            z += h / 6.0 * (k1z + 2 * k2z + 2 * k3z + k4z);
        }
        X[i] = x, X[n + i] = y, X[2 * n + i] = z;
    }
}

static inline void fhn_f(double v, double w, double a, double b, double tau, double I, double *dv, double *dw)
{
    *dv = v - v * v * v / 3.0 - w + I;
    *dw = (v + a - b * w) / tau;
}

__attribute__((noinline)) static void hand_fhn(size_t n, double *restrict X, const double *restrict P, double h,
                                               long nsteps)
{
    if (nsteps <= 0) return;
#pragma omp simd
    for (size_t i = 0; i < n; i++) {
        double v = X[i], w = X[n + i];
        const double a = P[i], b = P[n + i], tau = P[2 * n + i], I = P[3 * n + i];
        for (long s = 0; s < nsteps; s++) {
            double k1v, k1w, k2v, k2w, k3v, k3w, k4v, k4w;
            fhn_f(v, w, a, b, tau, I, &k1v, &k1w);
            fhn_f(v + 0.5 * h * k1v, w + 0.5 * h * k1w, a, b, tau, I, &k2v, &k2w);
            fhn_f(v + 0.5 * h * k2v, w + 0.5 * h * k2w, a, b, tau, I, &k3v, &k3w);
            fhn_f(v + h * k3v, w + h * k3w, a, b, tau, I, &k4v, &k4w);
            v += h / 6.0 * (k1v + 2 * k2v + 2 * k3v + k4v);
            w += h / 6.0 * (k1w + 2 * k2w + 2 * k3w + k4w);
        }
        X[i] = v, X[n + i] = w;
    }
}

/* Plain loop: AoS state, the RHS through a function pointer, classic RK4. */
__attribute__((noinline)) static void plain_rk4(size_t n, size_t nv, size_t np, double *X, const double *P, double h,
                                                long nsteps)
{
    nd_rhs_fn f = plain_rhs;
    double k1[8], k2[8], k3[8], k4[8], y[8];
    for (size_t i = 0; i < n; i++) {
        double *x = X + i * nv;
        const double *p = P + i * np;
        for (long s = 0; s < nsteps; s++) {
            double t = (double)s * h;
            f(t, x, p, k1);
            for (size_t v = 0; v < nv; v++) y[v] = x[v] + 0.5 * h * k1[v];
            f(t + 0.5 * h, y, p, k2);
            for (size_t v = 0; v < nv; v++) y[v] = x[v] + 0.5 * h * k2[v];
            f(t + 0.5 * h, y, p, k3);
            for (size_t v = 0; v < nv; v++) y[v] = x[v] + h * k3[v];
            f(t + h, y, p, k4);
            for (size_t v = 0; v < nv; v++) x[v] += h / 6.0 * (k1[v] + 2 * k2[v] + 2 * k3[v] + k4[v]);
        }
    }
}

/* ---- inputs ------------------------------------------------------------------------------- */
static void fill(const nd_model *m, size_t n, double *P, double *X)
{
    for (size_t i = 0; i < n; i++) {
        double u = (double)i / (double)n;
        for (size_t k = 0; k < m->n_pars; k++) P[k * n + i] = m->par_defaults[k];
        P[(m->n_pars - 1) * n + i] *= 1.0 + 0.01 * u; /* Lorenz rho, FHN Iext */
        for (size_t v = 0; v < m->n_vars; v++) X[v * n + i] = m->init[v] + 1e-3 * u;
    }
}

static void soa_to_aos(size_t n, size_t rows, const double *S, double *A)
{
    for (size_t i = 0; i < n; i++)
        for (size_t r = 0; r < rows; r++) A[i * rows + r] = S[r * n + i];
}

typedef enum { HAND, PLAIN, ENS_LEAN, ENS_REDUCE, ENS_SWEEP, ENS_MAXIMA } what;

/* Where and how precisely the ensemble runs (the baselines ignore it). */
static nd_device run_device = ND_DEVICE_CPU;
static nd_precision run_precision = ND_PRECISION_DOUBLE;

/* Seconds for one run of `w` on n trajectories of m with `threads` threads. */
static double time_once(const nd_model *m, what w, size_t n, int threads, double *P, double *X, double *A, double *PA)
{
    fill(m, n, P, X);
    double t0 = now();
    if (w == HAND) {
        if (m == &nd_model_lorenz) hand_lorenz(n, X, P, DT, NSTEPS);
        else hand_fhn(n, X, P, DT, NSTEPS);
    } else if (w == PLAIN) {
        soa_to_aos(n, m->n_vars, X, A), soa_to_aos(n, m->n_pars, P, PA);
        t0 = now();
        plain_rk4(n, m->n_vars, m->n_pars, A, PA, DT, NSTEPS);
    } else {
        nd_ensemble_opts o;
        nd_ensemble_opts_init(&o);
        o.t1 = (double)NSTEPS * DT, o.dt = DT, o.device = run_device, o.precision = run_precision;
        o.keep_minmax = w != ENS_LEAN, o.transient = 100 * DT;
        if (w == ENS_SWEEP || w == ENS_MAXIMA) o.event_var = 0, o.event_level = 0.0; /* + a section: what sweep does */
        if (w == ENS_MAXIMA) o.extrema = ND_EXTREMA_MAX, o.max_extrema = 100; /* + the orbit diagram's maxima */
        omp_set_num_threads(threads);
        nd_ensemble_result r;
        nd_error err;
        t0 = now();
        if (nd_ensemble_run(m, n, P, n * m->n_pars, X, n * m->n_vars, &o, &r, &err)) {
            fprintf(stderr, "bench_ensemble: %s\n", err.msg);
            exit(1);
        }
        double t = now() - t0;
        nd_ensemble_result_free(&r);
        return t;
    }
    return now() - t0;
}

static double best_rate(const nd_model *m, what w, size_t n, int threads, double *P, double *X, double *A, double *PA)
{
    double best = INFINITY;
    int reps = (double)n * NSTEPS > 2e8 ? 1 : REPS;
    for (int r = 0; r < reps; r++) best = fmin(best, time_once(m, w, n, threads, P, X, A, PA));
    return (double)n * (double)NSTEPS / best;
}

/* One line per model and size on the CPU. */
static void cpu_rows(const nd_model *m, const size_t *sizes, size_t n_sizes, int cores, double *P, double *X,
                     double *A, double *PA)
{
    plain_rhs = m->rhs;
    for (size_t si = 0; si < n_sizes; si++) {
        size_t n = sizes[si], nb = n < 100000 ? n : 100000;
        double hand = best_rate(m, HAND, nb, 1, P, X, A, PA);
        double plain = best_rate(m, PLAIN, 10000, 1, P, X, A, PA);
        double lean1 = best_rate(m, ENS_LEAN, nb, 1, P, X, A, PA);
        double red1 = best_rate(m, ENS_REDUCE, nb, 1, P, X, A, PA);
        double lean = best_rate(m, ENS_LEAN, n, cores, P, X, A, PA);
        double red = best_rate(m, ENS_REDUCE, n, cores, P, X, A, PA);
        double sw1 = best_rate(m, ENS_SWEEP, nb, 1, P, X, A, PA);
        double sw = best_rate(m, ENS_SWEEP, n, cores, P, X, A, PA);
        double mx1 = best_rate(m, ENS_MAXIMA, nb, 1, P, X, A, PA);
        double mx = best_rate(m, ENS_MAXIMA, n, cores, P, X, A, PA);
        run_precision = ND_PRECISION_SINGLE;
        double lean_s = best_rate(m, ENS_LEAN, n, cores, P, X, A, PA);
        double red_s = best_rate(m, ENS_REDUCE, n, cores, P, X, A, PA);
        run_precision = ND_PRECISION_DOUBLE;
        printf("%-15s N = %7zu | all cores: lean %.3g, max/min %.3g, +section %.3g, +maxima %.3g; single: lean %.3g, "
               "max/min %.3g | 1 core: hand %.3g, plain %.3g, lean %.3g, max/min %.3g, +section %.3g, +maxima %.3g | "
               "time / hand's: lean %.2f, max/min %.2f, +section %.2f, +maxima %.2f | plain's time / max-min's %.1f\n",
               m->name, n, lean, red, sw, mx, lean_s, red_s, hand, plain, lean1, red1, sw1, mx1, hand / lean1, hand / red1,
               hand / sw1, hand / mx1, red1 / plain);
        fflush(stdout);
    }
}

/* One line per model, size and precision on the GPU, with the ratio to the bound. */
static void gpu_rows(const nd_model *m, const nd_cuda_info *info, const size_t *sizes, size_t n_sizes, double *P,
                     double *X)
{
    const double rhs_ops = 4.0 * (m == &nd_model_lorenz ? RHS_LORENZ : RHS_FHN);
    const double stage_ops = (double)STAGE_OPS_PER_VAR * (double)m->n_vars;
    const double bytes = (double)(2 * m->n_vars + m->n_pars + 1) * sizeof(double); /* lean, per trajectory */
    run_device = ND_DEVICE_CUDA;
    for (int single = 0; single < 2; single++) {
        run_precision = single ? ND_PRECISION_SINGLE : ND_PRECISION_DOUBLE;
        const double stage_peak = single ? info->peak_fp32 : info->peak_fp64;
        for (size_t si = 0; si < n_sizes; si++) {
            size_t n = sizes[si];
            time_once(m, ENS_LEAN, n < 10000 ? n : 10000, 1, P, X, NULL, NULL); /* context, module load */
            double lean = best_rate(m, ENS_LEAN, n, 1, P, X, NULL, NULL);
            double sw = best_rate(m, ENS_SWEEP, n, 1, P, X, NULL, NULL);
            double steps = (double)n * NSTEPS;
            double compute = info->peak_fp64 > 0 ? steps * (rhs_ops / info->peak_fp64 + stage_ops / stage_peak) : 0;
            double memory = info->mem_bandwidth > 0 ? bytes * (double)n / info->mem_bandwidth : 0;
            double bound = fmax(compute, memory);
            printf("GPU %-11s N = %7zu %s | lean %.3g (%.2f ms, %.1f x the bound %.3f ms) | max/min + section %.3g "
                   "(%.2f ms)\n",
                   m->name, n, single ? "single" : "double", lean, 1e3 * steps / lean, bound > 0 ? steps / lean / bound : 0,
                   1e3 * bound, sw, 1e3 * steps / sw);
            fflush(stdout);
        }
    }
    run_device = ND_DEVICE_CPU, run_precision = ND_PRECISION_DOUBLE;
}

int main(void)
{
    const nd_model *models[] = {&nd_model_lorenz, &nd_model_fitzhugh_nagumo};
    const size_t sizes[] = {10000, 100000, 1000000};
    const size_t anchor = 8400000; /* MPGOS / DiffEqGPU.jl's Lorenz ensemble */
    int cores = omp_get_max_threads();
    char why[512];
    nd_cuda_info info;
    nd_error err;
    const int gpu = nd_cuda_available(why, sizeof why) && nd_cuda_device_info(&info, &err) == ND_OK;
    size_t nmax = gpu ? anchor : sizes[2];
    double *P = malloc(4 * nmax * sizeof *P), *X = malloc(3 * nmax * sizeof *X);
    double *A = malloc(3 * 10000 * sizeof *A), *PA = malloc(4 * 10000 * sizeof *PA);
    if (!P || !X || !A || !PA) return 1;
    printf("ensemble benchmark: RK4, %ld steps, dt = %g; %d threads; rates in trajectory-steps/s\n", NSTEPS, DT, cores);
    for (int mi = 0; mi < 2; mi++) cpu_rows(models[mi], sizes, 3, cores, P, X, A, PA);
    if (!gpu) {
        printf("GPU part skipped: %s\n", nd_cuda_available(why, sizeof why) ? err.msg : why);
    } else {
        printf("GPU: %s (compute capability %d.%d, %d multiprocessors, %.2f GHz; FMA-free peaks %.3g FP64, %.3g FP32 "
               "op/s; memory %.3g B/s); times include the copies to and from the device\n",
               info.name, info.cc_major, info.cc_minor, info.multiprocessors, info.clock_hz / 1e9, info.peak_fp64,
               info.peak_fp32, info.mem_bandwidth);
        for (int mi = 0; mi < 2; mi++) gpu_rows(models[mi], &info, sizes, 3, P, X);
        gpu_rows(&nd_model_lorenz, &info, &anchor, 1, P, X);
    }
    omp_set_num_threads(cores);
    free(P), free(X), free(A), free(PA);
    return 0;
}
