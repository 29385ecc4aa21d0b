/* Benchmark of the vectorised structure-of-arrays kernels against baselines built in the
 * same run: 10^4 Lorenz trajectories x 10^4 RK4 steps (dt = 1e-3) on one core.
 *
 *  a. the model's kernels: nd_model_lorenz.kernels->soa_rk4, and ->soa_erk with the rk4 tableau;
 *  b. a hand-written `omp simd` loop of the same shape (SoA, RHS inline, steps inside the
 *     trajectory loop);
 *  c. a plain per-trajectory loop (AoS state) calling nd_model_lorenz.rhs through a function
 *     pointer with a classic RK4 step, no simd.
 *
 * rho and the initial state vary slightly per trajectory. Prints times, ratios and the largest
 * difference between the final states; never asserts. Exit status 1 only on failure.
 *
 * Timing: best of 3 repetitions, interleaved; a measurement whose first run takes longer than
 * SLOW_S seconds is timed once (its noise is small next to its length), which keeps the whole
 * bench near 15 s on a 2-core machine even while the kernels run at scalar speed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "neurodyn/core.h"
#include "neurodyn/integrate.h"
#include "zoo.h"

#define REPS 3
#ifndef NTRAJ /* overridable with -D for quick experiments */
#define NTRAJ 10000
#endif
#ifndef NSTEPS
#define NSTEPS 10000L
#endif
#define DT 1e-3
#define SLOW_S 2.0

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Read once per call of the per-trajectory loop: the compiler cannot know (or inline) it. */
static nd_rhs_fn volatile plain_rhs;

/* ---- inputs -------------------------------------------------------------------------------- */
/* SoA: X[v*ld + i], P[k*ld + i] with k = sigma, beta, rho (the model's parameter order). */
static void fill_soa(size_t n, size_t ld, double *X, double *P)
{
    for (size_t i = 0; i < n; i++) {
        double u = (double)i / (double)n; /* in [0, 1) */
        P[0 * ld + i] = 10.0;
        P[1 * ld + i] = 8.0 / 3.0;
        P[2 * ld + i] = 28.0 + 0.01 * u;
        X[0 * ld + i] = 1.0 + 1e-3 * u;
        X[1 * ld + i] = 1.0 - 1e-3 * u;
        X[2 * ld + i] = 1.0 + 0.5e-3 * u;
    }
}

/* ---- b. hand-written vectorised loop --------------------------------------------------------- */
/* noinline, so nsteps is a run-time value as it is for the library's kernel. The early return
 * matters: without it GCC 12 puts the `nsteps > 0` guard of the step loop inside the trajectory
 * loop, and the outer-loop vectoriser rejects that control flow. */
__attribute__((noinline)) static void hand_soa_rk4(size_t n, size_t ld, double *restrict X,
                                                   const double *restrict P, double h, long nsteps)
{
    if (nsteps <= 0) return;
#pragma omp simd
    for (size_t i = 0; i < n; i++) {
        double x = X[i], y = X[ld + i], z = X[2 * ld + i];
        const double sg = P[i], be = P[ld + i], rh = P[2 * ld + i];
        for (long s = 0; s < nsteps; s++) {
            double k1x = sg * (y - x), k1y = x * (rh - z) - y, k1z = x * y - be * z;
            double ax = x + 0.5 * h * k1x, ay = y + 0.5 * h * k1y, az = z + 0.5 * h * k1z;
            double k2x = sg * (ay - ax), k2y = ax * (rh - az) - ay, k2z = ax * ay - be * az;
            ax = x + 0.5 * h * k2x, ay = y + 0.5 * h * k2y, az = z + 0.5 * h * k2z;
            double k3x = sg * (ay - ax), k3y = ax * (rh - az) - ay, k3z = ax * ay - be * az;
            ax = x + h * k3x, ay = y + h * k3y, az = z + h * k3z;
            double k4x = sg * (ay - ax), k4y = ax * (rh - az) - ay, k4z = ax * ay - be * az;
            x += h / 6.0 * (k1x + 2.0 * k2x + 2.0 * k3x + k4x);
            y += h / 6.0 * (k1y + 2.0 * k2y + 2.0 * k3y + k4y);
            z += h / 6.0 * (k1z + 2.0 * k2z + 2.0 * k3z + k4z);
        }
        X[i] = x, X[ld + i] = y, X[2 * ld + i] = z;
    }
}

/* ---- c. per-trajectory loop through the function pointer ------------------------------------- */
__attribute__((noinline)) static void plain_rk4(size_t n, double *Xa, const double *Pa, double h,
                                                long nsteps)
{
    nd_rhs_fn f = plain_rhs;
    for (size_t i = 0; i < n; i++) {
        double *x = Xa + 3 * i;
        const double *p = Pa + 3 * i;
        double k1[3], k2[3], k3[3], k4[3], y[3];
        for (long s = 0; s < nsteps; s++) {
            const double t = (double)s * h;
            f(t, x, p, k1);
            for (int v = 0; v < 3; v++) y[v] = x[v] + 0.5 * h * k1[v];
            f(t + 0.5 * h, y, p, k2);
            for (int v = 0; v < 3; v++) y[v] = x[v] + 0.5 * h * k2[v];
            f(t + 0.5 * h, y, p, k3);
            for (int v = 0; v < 3; v++) y[v] = x[v] + h * k3[v];
            f(t + h, y, p, k4);
            for (int v = 0; v < 3; v++)
                x[v] += h / 6.0 * (k1[v] + 2.0 * k2[v] + 2.0 * k3[v] + k4[v]);
        }
    }
}

/* Largest over trajectories of max_v |a - b| / max_v max(|a|, |b|): a relative difference of the
 * final states that does not blow up when one component happens to be near zero. */
static double max_rel_diff_soa(size_t n, size_t ld, const double *A, const double *B)
{
    double worst = 0.0;
    for (size_t i = 0; i < n; i++) {
        double d = 0.0, s = 0.0;
        for (int v = 0; v < 3; v++) {
            double a = A[v * ld + i], b = B[v * ld + i];
            if (!isfinite(a) || !isfinite(b)) return INFINITY;
            d = fmax(d, fabs(a - b));
            s = fmax(s, fmax(fabs(a), fabs(b)));
        }
        if (s > 0 && d / s > worst) worst = d / s;
    }
    return worst;
}

int main(void)
{
    const nd_model *m = &nd_model_lorenz;
    const nd_model_kernels *kr = m->kernels;
    if (!kr || !kr->soa_rk4 || !kr->soa_erk || kr->n_vars != 3 || kr->n_pars != 3) {
        fprintf(stderr, "bench_kernels: nd_model_lorenz has no (3, 3) kernels\n");
        return 1;
    }
    nd_error err = {0};
    const nd_method *rk4 = nd_method_find("rk4", &err);
    if (!rk4 || !rk4->tableau) {
        fprintf(stderr, "bench_kernels: no rk4 tableau: %s\n", err.msg);
        return 1;
    }
    plain_rhs = m->rhs;

    const size_t n = NTRAJ, ld = NTRAJ;
    double *X0 = malloc(3 * ld * sizeof *X0), *P = malloc(3 * ld * sizeof *P);
    double *Xk = malloc(3 * ld * sizeof *Xk), *Xe = malloc(3 * ld * sizeof *Xe);
    double *Xh = malloc(3 * ld * sizeof *Xh), *Xp = malloc(3 * ld * sizeof *Xp);
    double *Xa = malloc(3 * n * sizeof *Xa), *Pa = malloc(3 * n * sizeof *Pa);
    if (!X0 || !P || !Xk || !Xe || !Xh || !Xp || !Xa || !Pa) {
        fprintf(stderr, "bench_kernels: out of memory\n");
        return 1;
    }
    fill_soa(n, ld, X0, P);
    for (size_t i = 0; i < n; i++)
        for (int v = 0; v < 3; v++) Pa[3 * i + v] = P[v * ld + i];

    double best[4] = {INFINITY, INFINITY, INFINITY, INFINITY};
    int reps[4] = {0, 0, 0, 0};
    for (int r = 0; r < REPS; r++) {
        double t0;

        if (r == 0 || best[0] < SLOW_S) {
            memcpy(Xk, X0, 3 * ld * sizeof *Xk);
            t0 = now();
            kr->soa_rk4(n, ld, Xk, P, 0.0, DT, NSTEPS);
            best[0] = fmin(best[0], now() - t0), reps[0]++;
        }
        if (r == 0 || best[1] < SLOW_S) {
            memcpy(Xe, X0, 3 * ld * sizeof *Xe);
            t0 = now();
            kr->soa_erk(rk4->tableau, n, ld, Xe, P, 0.0, DT, NSTEPS);
            best[1] = fmin(best[1], now() - t0), reps[1]++;
        }
        if (r == 0 || best[2] < SLOW_S) {
            memcpy(Xh, X0, 3 * ld * sizeof *Xh);
            t0 = now();
            hand_soa_rk4(n, ld, Xh, P, DT, NSTEPS);
            best[2] = fmin(best[2], now() - t0), reps[2]++;
        }
        if (r == 0 || best[3] < SLOW_S) {
            for (size_t i = 0; i < n; i++)
                for (int v = 0; v < 3; v++) Xa[3 * i + v] = X0[v * ld + i];
            t0 = now();
            plain_rk4(n, Xa, Pa, DT, NSTEPS);
            best[3] = fmin(best[3], now() - t0), reps[3]++;
        }
    }
    for (size_t i = 0; i < n; i++)
        for (int v = 0; v < 3; v++) Xp[v * ld + i] = Xa[3 * i + v];

    const double work = (double)n * (double)NSTEPS;
    printf("Lorenz ensemble: %zu trajectories x %ld RK4 steps (dt = %g), one core, best of %d "
           "(runs over %.0f s: once)\n", n, NSTEPS, DT, REPS, SLOW_S);
    static const char *const label[4] = {
        "kernel soa_rk4", "kernel soa_erk (rk4 tableau)", "hand-vectorised (omp simd)",
        "per-trajectory, fn pointer"};
    for (int k = 0; k < 4; k++)
        printf("  %-30s %8.3f s  (%6.2f ns per trajectory-step, %d run%s)\n", label[k], best[k],
               1e9 * best[k] / work, reps[k], reps[k] > 1 ? "s" : "");
    printf("  ratio soa_rk4/hand-vectorised     %7.3f  (target <= 1.3)\n", best[0] / best[2]);
    printf("  ratio soa_erk/hand-vectorised     %7.3f\n", best[1] / best[2]);
    printf("  ratio soa_erk/soa_rk4             %7.3f\n", best[1] / best[0]);
    printf("  ratio per-trajectory/soa_rk4      %7.3f\n", best[3] / best[0]);
    printf("  ratio per-trajectory/soa_erk      %7.3f\n", best[3] / best[1]);

    double d_e = max_rel_diff_soa(n, ld, Xk, Xe), d_h = max_rel_diff_soa(n, ld, Xk, Xh),
           d_p = max_rel_diff_soa(n, ld, Xk, Xp);
    double d_max = fmax(d_e, fmax(d_h, d_p));
    printf("  max relative difference of final states vs soa_rk4:\n");
    printf("    soa_erk %.3e, hand-vectorised %.3e, per-trajectory %.3e  (%s 1e-10)\n", d_e, d_h,
           d_p, d_max <= 1e-10 ? "within" : "EXCEEDS");
    printf("  sample final state, trajectory 0: (%.15g, %.15g, %.15g)\n", Xk[0], Xk[ld],
           Xk[2 * ld]);

    free(X0), free(P), free(Xk), free(Xe), free(Xh), free(Xp), free(Xa), free(Pa);
    return 0;
}
