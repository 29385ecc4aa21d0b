/* Benchmark: the FitzHugh–Nagumo equilibrium diagram by continuation against a brute-force
 * sweep at resolution 0.001 with the same fixed-point finder (BrainPy's method). Prints,
 * never asserts. */
#include <stdio.h>
#include <time.h>

#include "neurodyn/neurodyn.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(void)
{
    const nd_model *m = nd_builtin_find("fhn");
    double p[4], x[2], lo[2] = {-3, -3}, hi[2] = {3, 3};
    nd_model_default_params(m, p);
    nd_model_default_state(m, x);
    nd_region r = {lo, hi, NULL, x};
    nd_error err;
    double best = 1e300;
    size_t branches = 0, specials = 0, points = 0;
    for (int rep = 0; rep < 5; rep++) {
        double t0 = now();
        nd_bif_diagram d;
        if (nd_bifurcation_1d(m, p, 3, 0.0, 2.0, &r, NULL, &d, &err)) {
            fprintf(stderr, "bench_bifurcation: %s\n", err.msg);
            return 1;
        }
        double t = now() - t0;
        if (t < best) best = t;
        branches = d.n_branches, specials = 0, points = 0;
        for (size_t b = 0; b < d.n_branches; b++) specials += d.branches[b].n_special, points += d.branches[b].n;
        nd_bif_diagram_free(&d);
    }
    printf("[a] FitzHugh-Nagumo equilibria in Iext = 0:2 by continuation, best of 5\n");
    printf("    continuation            %8.3f ms  (%zu branch, %zu points, %zu special points: both Hopf points with l1)\n",
           best * 1e3, branches, points, specials);
    double t0 = now();
    size_t found = 0, grid = 2001;
    for (size_t g = 0; g < grid; g++) {
        p[3] = 2.0 * (double)g / (double)(grid - 1);
        nd_fp_result fr;
        if (nd_fixed_points(m, p, &r, NULL, &fr, &err)) {
            fprintf(stderr, "bench_bifurcation: %s\n", err.msg);
            return 1;
        }
        found += fr.n;
        nd_fp_result_free(&fr);
    }
    double brute = now() - t0;
    printf("    brute force, step 0.001 %8.3f ms  (%zu parameter values, %zu equilibria; Hopf points known only to +-0.0005)\n",
           brute * 1e3, grid, found);
    printf("    ratio brute/continuation %7.0f x\n", brute / best);
    printf("    (target: the full diagram well under a second; the cycle branch is not yet included)\n");
    return 0;
}
