/* Benchmark of the phase-plane analysis through the C API (include/neurodyn/analysis.h).
 *
 *  a. FitzHugh–Nagumo at its defaults (a = 0.7, b = 0.8, tau = 12.5, Iext = 0.5) in the
 *     model's box V, w in [-3, 3]: the pieces of one phase portrait,
 *       - nd_fixed_points with the default options (256 Halton seeds for 2 free variables),
 *       - nd_nullclines_trace of dV/dt = 0 and of dw/dt = 0, seed grid res = 100,
 *       - nd_vector_field_grid on 100 x 100 nodes,
 *       - nd_phase_trajectory from (V, w) = (-2.8, -1.8) for 100 time units, dt_out = 0.1;
 *     each piece and the whole portrait, best of 5 (target: the whole well under 0.1 s).
 *  b. For reference, nd_fixed_points with the default options on larger systems, in the
 *     models' default boxes: Lorenz (3 free variables, 512 seeds) and Hodgkin–Huxley
 *     (4 free variables, 1024 seeds), best of 5.
 *
 * Prints times and what each piece found; never asserts. Exit status 1 only when a
 * computation fails. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "neurodyn/analysis.h"
#include "neurodyn/core.h"
#include "neurodyn/integrate.h"
#include "zoo.h"

#define REPS 5

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- a. FitzHugh–Nagumo phase portrait ------------------------------------------------------ */
enum { P_FP, P_NC_V, P_NC_W, P_FIELD, P_TRAJ, P_COUNT };

static const char *const piece_name[P_COUNT] = {
    "fixed points (default options)",
    "nullcline dV/dt = 0 (res 100)",
    "nullcline dw/dt = 0 (res 100)",
    "vector field 100 x 100",
    "trajectory 100 time units",
};

typedef struct fhn_found {
    size_t n_fp, seeds;
    const char *fp_type;
    double fp_x[2];
    size_t nc_pieces[2], nc_points[2];
    size_t traj_samples;
    long traj_steps;
    double traj_end[2];
} fhn_found;

static size_t curve_points(const nd_nullclines *nc)
{
    size_t n = 0;
    for (size_t c = 0; c < nc->n_curves; c++) n += nc->curves[c].n;
    return n;
}

/* One phase portrait; el[] receives the time of each piece in seconds. */
static int fhn_once(const nd_model *m, const double *p, const nd_region *r, double *el, fhn_found *fd)
{
    nd_error err = {0};
    nd_fp_opts o;
    nd_fp_opts_init(&o);
    nd_fp_result fps;
    nd_nullclines nc[2];
    nd_vector_field vf;
    nd_trajectory tr;
    const double x0[2] = {-2.8, -1.8};

    double t0 = now();
    if (nd_fixed_points(m, p, r, &o, &fps, &err)) goto fail;
    el[P_FP] = now() - t0;
    fd->n_fp = fps.n, fd->seeds = fps.seeds_tried;
    fd->fp_type = fps.n ? fps.points[0].type : "(none)";
    if (fps.n) fd->fp_x[0] = fps.points[0].x[0], fd->fp_x[1] = fps.points[0].x[1];
    nd_fp_result_free(&fps);

    for (int v = 0; v < 2; v++) {
        t0 = now();
        if (nd_nullclines_trace(m, p, r, v, 100, &nc[v], &err)) goto fail;
        el[v ? P_NC_W : P_NC_V] = now() - t0;
        fd->nc_pieces[v] = nc[v].n_curves, fd->nc_points[v] = curve_points(&nc[v]);
        nd_nullclines_free(&nc[v]);
    }

    t0 = now();
    if (nd_vector_field_grid(m, p, r, 100, 100, &vf, &err)) goto fail;
    el[P_FIELD] = now() - t0;
    nd_vector_field_free(&vf);

    t0 = now();
    if (nd_phase_trajectory(m, p, r, x0, 100.0, 0.1, &tr, &err)) goto fail;
    el[P_TRAJ] = now() - t0;
    fd->traj_samples = tr.n, fd->traj_steps = tr.stats.steps;
    fd->traj_end[0] = tr.x[2 * (tr.n - 1)], fd->traj_end[1] = tr.x[2 * (tr.n - 1) + 1];
    nd_trajectory_free(&tr);
    return 0;
fail:
    fprintf(stderr, "bench_phase_plane: FitzHugh-Nagumo failed: %s\n", err.msg);
    return 1;
}

static int bench_fhn(void)
{
    const nd_model *m = &nd_model_fitzhugh_nagumo;
    double p[4];
    nd_model_default_params(m, p);
    const double lo[2] = {-3.0, -3.0}, hi[2] = {3.0, 3.0};
    nd_region r = {lo, hi, NULL, NULL};

    double best[P_COUNT], best_total = INFINITY;
    for (int k = 0; k < P_COUNT; k++) best[k] = INFINITY;
    fhn_found fd = {0};
    for (int rep = 0; rep < REPS; rep++) {
        double el[P_COUNT], total = 0.0;
        if (fhn_once(m, p, &r, el, &fd)) return 1;
        for (int k = 0; k < P_COUNT; k++) {
            if (el[k] < best[k]) best[k] = el[k];
            total += el[k];
        }
        if (total < best_total) best_total = total;
    }

    printf("[a] FitzHugh-Nagumo phase plane (a=%g, b=%g, tau=%g, Iext=%g), box V, w in [-3, 3], "
           "best of %d\n", p[0], p[1], p[2], p[3], REPS);
    printf("    %-34s %9.3f ms  (%zu point%s from %zu seeds: %s at V=%.6f, w=%.6f)\n", piece_name[P_FP],
           1e3 * best[P_FP], fd.n_fp, fd.n_fp == 1 ? "" : "s", fd.seeds, fd.fp_type, fd.fp_x[0], fd.fp_x[1]);
    printf("    %-34s %9.3f ms  (%zu piece%s, %zu points)\n", piece_name[P_NC_V], 1e3 * best[P_NC_V],
           fd.nc_pieces[0], fd.nc_pieces[0] == 1 ? "" : "s", fd.nc_points[0]);
    printf("    %-34s %9.3f ms  (%zu piece%s, %zu points)\n", piece_name[P_NC_W], 1e3 * best[P_NC_W],
           fd.nc_pieces[1], fd.nc_pieces[1] == 1 ? "" : "s", fd.nc_points[1]);
    printf("    %-34s %9.3f ms  (10000 RHS evaluations)\n", piece_name[P_FIELD], 1e3 * best[P_FIELD]);
    printf("    %-34s %9.3f ms  (from (-2.8, -1.8), dt_out 0.1: %zu samples, %ld steps, ends at "
           "(%.6f, %.6f))\n", piece_name[P_TRAJ], 1e3 * best[P_TRAJ], fd.traj_samples, fd.traj_steps,
           fd.traj_end[0], fd.traj_end[1]);
    double sum = 0.0;
    for (int k = 0; k < P_COUNT; k++) sum += best[k];
    printf("    %-34s %9.3f ms  (best repetition; sum of the best pieces %.3f ms)\n", "total", 1e3 * best_total,
           1e3 * sum);
    printf("    (target: the whole phase portrait well under 0.1 s = 100 ms: %s)\n",
           best_total < 0.1 ? "met" : "NOT met");
    return 0;
}

/* ---- b. fixed points of larger systems ------------------------------------------------------ */
static int bench_fp(const char *label, const nd_model *m)
{
    double p[16];
    nd_model_default_params(m, p);
    nd_region r = {m->var_lo, m->var_hi, NULL, NULL};
    nd_fp_opts o;
    nd_fp_opts_init(&o);
    nd_error err = {0};
    nd_fp_result res;
    double best = INFINITY;
    size_t n = 0, tried = 0, conv = 0;
    int fallback = 0;
    for (int rep = 0; rep < REPS; rep++) {
        double t0 = now();
        if (nd_fixed_points(m, p, &r, &o, &res, &err)) {
            fprintf(stderr, "bench_phase_plane: fixed points of %s failed: %s\n", m->name, err.msg);
            return 1;
        }
        double el = now() - t0;
        if (el < best) best = el;
        n = res.n, tried = res.seeds_tried, conv = res.seeds_converged, fallback = res.fallback_used;
        nd_fp_result_free(&res);
    }
    printf("    %-34s %9.3f ms  (%zu seeds, %zu converged, %zu equilibri%s%s; %.1f us/seed)\n", label,
           1e3 * best, tried, conv, n, n == 1 ? "um" : "a", fallback ? ", global search used" : "",
           1e6 * best / (double)tried);
    return 0;
}

int main(void)
{
    if (bench_fhn()) return 1;
    printf("\n[b] fixed points with the default options in the models' boxes, best of %d (reference)\n", REPS);
    if (bench_fp("Lorenz (3D)", &nd_model_lorenz)) return 1;
    if (bench_fp("Hodgkin-Huxley (4D)", &nd_model_hodgkin_huxley)) return 1;
    return 0;
}
