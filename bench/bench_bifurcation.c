/* Benchmark: the FitzHugh–Nagumo equilibrium diagram by continuation against a brute-force
 * sweep at resolution 0.001 with the same fixed-point finder (BrainPy's method). Prints,
 * never asserts. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "neurodyn/neurodyn.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The cycle branch from the first Hopf point of the equilibrium diagram, best of 3. */
static int cycle_branch(const char *name, const char *set, const char *par, double lo_p, double hi_p,
                        const double *lo, const double *hi, size_t ntst, double h_max)
{
    const nd_model *m = nd_builtin_find(name);
    double p[16], x[8];
    nd_model_default_params(m, p);
    nd_model_default_state(m, x);
    nd_error err;
    if (set && nd_model_set_par(m, p, set, &err)) return fprintf(stderr, "%s\n", err.msg), 1;
    int k = nd_model_par_index(m, par, &err);
    nd_region r = {lo, hi, NULL, x};
    nd_bif_diagram d;
    if (nd_bifurcation_1d(m, p, k, lo_p, hi_p, &r, NULL, &d, &err)) return fprintf(stderr, "%s\n", err.msg), 1;
    const nd_special_point *h = NULL;
    for (size_t i = 0; !h && i < d.branches[0].n_special; i++)
        if (d.branches[0].special[i].test == ND_EQ_H) h = &d.branches[0].special[i];
    if (!h) return fprintf(stderr, "%s: no Hopf point\n", name), 1;
    double best = 1e300, period = 0, lpc = NAN;
    size_t points = 0;
    for (int rep = 0; rep < 3; rep++) {
        nd_cycle_curve c;
        if (nd_cycle_curve_init(&c, m, p, k, &r, ntst, 4, &err)) return fprintf(stderr, "%s\n", err.msg), 1;
        size_t N = c.type.dim;
        double *u0 = malloc(N * sizeof *u0), *v0 = malloc(N * sizeof *v0), *bl = malloc(N * sizeof *bl),
               *bh = malloc(N * sizeof *bh);
        for (size_t i = 0; i < N; i++) bl[i] = -INFINITY, bh[i] = INFINITY;
        bl[N - 1] = lo_p, bh[N - 1] = hi_p;
        nd_cont_opts o;
        nd_cont_opts_init(&o);
        o.lo = bl, o.hi = bh, o.h_max = h_max, o.tol = 1e-9, o.max_points = 2000;
        double t0 = now();
        nd_branch b;
        nd_status st = nd_cycle_curve_from_hopf(&c, h, 0, u0, v0, &err);
        if (!st) st = nd_cycle_continue(&c, u0, v0, &o, &b, &err);
        double t = now() - t0;
        if (st) return fprintf(stderr, "%s: %s\n", name, err.msg), 1;
        if (t < best) best = t;
        points = b.n;
        for (size_t i = 0; i < b.n_special; i++)
            if (b.special[i].test == ND_CYC_LPC && !(lpc <= b.special[i].data[1])) lpc = b.special[i].data[1];
        const nd_cycle_info *in = nd_cycle_curve_info(&c, b.n / 2);
        if (in) period = in->period;
        nd_branch_free(&b);
        nd_cycle_curve_free(&c);
        free(u0), free(v0), free(bl), free(bh);
    }
    printf("    %-16s %8.3f s  (%zu points, ntst %zu ncol 4, corrector tol 1e-9; mid-branch period %.6g; lowest LPC at %s = %.6g)\n",
           name, best, points, ntst, period, par, lpc);
    nd_bif_diagram_free(&d);
    return 0;
}

static int bench_cycles(void)
{
    printf("\n[b] cycle branches from the first Hopf point to the second, best of 3\n");
    double flo[2] = {-3, -3}, fhi[2] = {3, 3}, hlo[4] = {-100, 0, 0, 0}, hhi[4] = {60, 1, 1, 1};
    if (cycle_branch("fitzhugh_nagumo", NULL, "Iext", 0, 2, flo, fhi, 80, 0.1)) return 1;
    if (cycle_branch("hodgkin_huxley", "gL=0.3", "Iext", 0, 200, hlo, hhi, 40, 1.0)) return 1;
    printf("    (reference: AUTO-07p takes about 0.3-0.6 s (FHN) and 4-5 s (HH) on this kind of machine\n"
           "     with 400 mesh intervals; the meshes here reach period accuracy 1e-8, see tests/test_cycles.c)\n");
    return 0;
}

/* [c] The FitzHugh–Nagumo Hopf curve in (a, Iext) over a = 0.5:1, from the Hopf point of the
 * equilibrium diagram in Iext at a = 0.5, against BrainPy's brute-force two-parameter map at
 * resolution 0.01: at every cell the equilibria with stability, and a simulation (rkdp, t = 300,
 * the last half kept) that says whether the attractor oscillates. */
static int bench_hopf_curve(void)
{
    const nd_model *m = nd_builtin_find("fitzhugh_nagumo");
    double p[8], x[2], lo[2] = {-3, -3}, hi[2] = {3, 3};
    nd_model_default_params(m, p);
    nd_model_default_state(m, x);
    nd_error err;
    int ia = nd_model_par_index(m, "a", &err), iI = nd_model_par_index(m, "Iext", &err);
    nd_region r = {lo, hi, NULL, x};
    double best = 1e300;
    size_t points = 0;
    for (int rep = 0; rep < 5; rep++) {
        double t0 = now();
        p[ia] = 0.5;
        nd_bif_diagram d;
        if (nd_bifurcation_1d(m, p, iI, 0.0, 1.0, &r, NULL, &d, &err)) return fprintf(stderr, "%s\n", err.msg), 1;
        const nd_special_point *h = NULL;
        for (size_t i = 0; !h && i < d.branches[0].n_special; i++)
            if (d.branches[0].special[i].test == ND_EQ_H) h = &d.branches[0].special[i];
        if (!h) return fprintf(stderr, "bench_bifurcation: no Hopf point at a = 0.5\n"), 1;
        nd_hopf_curve hc;
        double clo[5] = {-3, -3, -1e300, 0.0, 0.5}, chi[5] = {3, 3, 1e300, 1.0, 1.0}, u0[5];
        nd_cont_opts o;
        nd_cont_opts_init(&o);
        o.lo = clo, o.hi = chi, o.max_points = 1000, o.h_max = 0.01, o.h0 = 0.001;
        nd_branch half[2];
        if (nd_hopf_curve_init(&hc, m, p, iI, ia, &r, &err) || nd_hopf_curve_start(&hc, h->u, h->data[0], u0, &err) ||
            nd_hopf_curve_continue(&hc, u0, &o, half, &err))
            return fprintf(stderr, "bench_bifurcation: %s\n", err.msg), 1;
        double t = now() - t0;
        if (t < best) best = t;
        points = half[0].n + half[1].n;
        nd_branch_free(&half[0]), nd_branch_free(&half[1]);
        nd_hopf_curve_free(&hc);
        nd_bif_diagram_free(&d);
    }
    printf("[c] FitzHugh-Nagumo Hopf curve in (a, Iext), a = 0.5:1, best of 5\n");
    printf("    continuation            %8.3f ms  (%zu points, both halves, with the diagram in Iext that starts it)\n",
           best * 1e3, points);
    double t0 = now();
    size_t cells = 0, oscillating = 0;
    nd_solve_opts so;
    nd_solve_opts_init(&so);
    so.dt_out = 0.5;
    for (int i = 0; i <= 50; i++)
        for (int j = 0; j <= 100; j++, cells++) {
            p[ia] = 0.5 + 0.01 * i, p[iI] = 0.01 * j;
            nd_fp_result fr;
            if (nd_fixed_points(m, p, &r, NULL, &fr, &err)) return fprintf(stderr, "%s\n", err.msg), 1;
            nd_fp_result_free(&fr);
            nd_trajectory tr;
            if (nd_simulate(m, p, x, 0, 300, &so, &tr, &err)) return fprintf(stderr, "%s\n", err.msg), 1;
            double vlo = INFINITY, vhi = -INFINITY;
            for (size_t k = tr.n / 2; k < tr.n; k++) vlo = fmin(vlo, tr.x[2 * k]), vhi = fmax(vhi, tr.x[2 * k]);
            oscillating += vhi - vlo > 1e-2;
            nd_trajectory_free(&tr);
        }
    double brute = now() - t0;
    printf("    brute-force map, 0.01   %8.3f ms  (%zu cells, %zu oscillating; the Hopf line known only to +-0.005)\n",
           brute * 1e3, cells, oscillating);
    printf("    ratio brute/continuation %7.0f x   (target: the curve well under a second)\n", brute / best);
    return 0;
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
    printf("    (target: the full diagram well under a second)\n");
    return bench_cycles() || bench_hopf_curve();
}
