/* Benchmarks of the single-trajectory driver nd_solve against baselines built in the same run.
 *
 *  a. RK4 on Hodgkin–Huxley, 10^6 steps of dt = 0.01: nd_solve("rk4") against a hand-written
 *     RK4 loop calling the same RHS through a non-inlinable function pointer.
 *  b. Lorenz on [0, 20]: neurodyn rkdp at rtol = atol = 1e-8 against GSL's odeiv2 driver with
 *     rkf45 and rk8pd at the loosest tolerance (on a grid) that is at least as accurate, judged
 *     by the final-state error against an rk8pd reference at 1e-14.
 *
 * Prints times and ratios; never asserts. Exit status 1 only when a computation fails. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>

#include "neurodyn/core.h"
#include "neurodyn/integrate.h"
#include "zoo.h"

#define REPS 3

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The hand loop reads the RHS through this volatile pointer, so it cannot be inlined. */
static nd_rhs_fn volatile hand_rhs;

/* ---- a. RK4 on Hodgkin–Huxley ---------------------------------------------------------- */

/* Classical RK4 with the RHS called through the pointer; noinline keeps nsteps a run-time
 * value, as it is for the driver. */
__attribute__((noinline)) static void hand_rk4(const double *p, double *x, double h,
                                               long nsteps)
{
    enum { N = 4 };
    nd_rhs_fn f = hand_rhs;
    double k1[N], k2[N], k3[N], k4[N], y[N];
    double t = 0.0;
    for (long s = 0; s < nsteps; s++) {
        t = (double)s * h;
        f(t, x, p, k1);
        for (int v = 0; v < N; v++) y[v] = x[v] + 0.5 * h * k1[v];
        f(t + 0.5 * h, y, p, k2);
        for (int v = 0; v < N; v++) y[v] = x[v] + 0.5 * h * k2[v];
        f(t + 0.5 * h, y, p, k3);
        for (int v = 0; v < N; v++) y[v] = x[v] + h * k3[v];
        f(t + h, y, p, k4);
        for (int v = 0; v < N; v++) x[v] += h / 6.0 * (k1[v] + 2.0 * k2[v] + 2.0 * k3[v] + k4[v]);
    }
}

static double max_rel_diff(const double *a, const double *b, size_t n)
{
    double worst = 0.0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs(a[i] - b[i]) / fmax(fmax(fabs(a[i]), fabs(b[i])), 1e-300);
        if (d > worst) worst = d;
    }
    return worst;
}

static int bench_hh(void)
{
    const nd_model *m = &nd_model_hodgkin_huxley;
    const double dt = 0.01, t1 = 10000.0;
    const long nsteps = 1000000;
    double p[8], x0[4], xd[4], xh[4];
    nd_model_default_params(m, p);
    nd_model_default_state(m, x0);
    hand_rhs = m->rhs;

    nd_solve_opts o;
    nd_solve_opts_init(&o);
    o.method = "rk4";
    o.dt = dt;
    o.dt_out = 0;
    o.on_sample = NULL;
    nd_solve_stats stats;
    nd_error err = {0};

    double best_d = INFINITY, best_h = INFINITY;
    for (int r = 0; r < REPS; r++) {
        memcpy(xd, x0, sizeof xd);
        double t0 = now();
        if (nd_solve(m, p, 0.0, t1, xd, &o, &stats, &err)) {
            fprintf(stderr, "bench_integrators: nd_solve (HH rk4) failed: %s\n", err.msg);
            return 1;
        }
        double el = now() - t0;
        if (el < best_d) best_d = el;

        memcpy(xh, x0, sizeof xh);
        t0 = now();
        hand_rk4(p, xh, dt, nsteps);
        el = now() - t0;
        if (el < best_h) best_h = el;
    }
    printf("[a] Hodgkin-Huxley, RK4, dt = %g, t1 = %g (%ld steps), best of %d\n", dt, t1, nsteps,
           REPS);
    printf("    nd_solve rk4            %8.3f s  (%ld steps, %ld RHS evals, %.1f ns/step)\n",
           best_d, stats.steps, stats.rhs_evals, 1e9 * best_d / (double)stats.steps);
    printf("    hand RK4 (fn pointer)   %8.3f s  (%ld steps, %ld RHS evals, %.1f ns/step)\n",
           best_h, nsteps, 4 * nsteps, 1e9 * best_h / (double)nsteps);
    printf("    ratio driver/hand       %8.3f  (target <= 1.10)\n", best_d / best_h);
    printf("    final state driver      V=%.15g m=%.15g h=%.15g n=%.15g\n", xd[0], xd[1], xd[2],
           xd[3]);
    printf("    final state hand        V=%.15g m=%.15g h=%.15g n=%.15g\n", xh[0], xh[1], xh[2],
           xh[3]);
    double d = max_rel_diff(xd, xh, 4);
    printf("    max relative difference %.3e  (%s 1e-9)\n", d, d <= 1e-9 ? "within" : "EXCEEDS");
    return 0;
}

/* ---- b. Lorenz: neurodyn rkdp against GSL rkf45 / rk8pd ------------------------------------ */

typedef struct gsl_ctx {
    const double *p;
    long evals;
} gsl_ctx;

static int lorenz_gsl(double t, const double y[], double dydt[], void *params)
{
    gsl_ctx *c = params;
    c->evals++;
    hand_rhs(t, y, c->p, dydt);
    return GSL_SUCCESS;
}

typedef struct gsl_result {
    double x[3];
    long evals;
    int rc;
} gsl_result;

static gsl_result run_gsl(const gsl_odeiv2_step_type *type, double tol, const double *p,
                          const double *x0, double t1)
{
    gsl_ctx c = {p, 0};
    gsl_odeiv2_system sys = {lorenz_gsl, NULL, 3, &c};
    gsl_result r;
    memcpy(r.x, x0, sizeof r.x);
    gsl_odeiv2_driver *d = gsl_odeiv2_driver_alloc_y_new(&sys, type, 1e-4, tol, tol);
    if (!d) {
        r.rc = GSL_ENOMEM;
        r.evals = 0;
        return r;
    }
    double t = 0.0;
    r.rc = gsl_odeiv2_driver_apply(d, &t, t1, r.x);
    gsl_odeiv2_driver_free(d);
    r.evals = c.evals;
    return r;
}

static double err_vs(const double *x, const double *ref)
{
    /* Euclidean distance of the final states */
    double s = 0.0;
    for (int i = 0; i < 3; i++) s += (x[i] - ref[i]) * (x[i] - ref[i]);
    return sqrt(s);
}

/* Repetitions per timed measurement, so one measurement lasts about `target` seconds. */
static long calibrate(double once, double target)
{
    long k = (long)ceil(target / fmax(once, 1e-7));
    return k < 1 ? 1 : k;
}

static double time_gsl(const gsl_odeiv2_step_type *type, double tol, const double *p,
                       const double *x0, double t1, long inner)
{
    double best = INFINITY;
    for (int r = 0; r < REPS; r++) {
        double t0 = now();
        for (long k = 0; k < inner; k++) {
            gsl_result g = run_gsl(type, tol, p, x0, t1);
            if (g.rc) return NAN;
        }
        double el = (now() - t0) / (double)inner;
        if (el < best) best = el;
    }
    return best;
}

typedef struct gsl_pick {
    const char *name;
    double tol, err, time;
    long evals;
    int found;
} gsl_pick;

static gsl_pick scan_gsl(const char *name, const gsl_odeiv2_step_type *type, const double *p,
                         const double *x0, double t1, const double *ref, double target_err)
{
    gsl_pick pk = {name, NAN, NAN, NAN, 0, 0};
    enum { NTOL = 21 };
    printf("    scan %s (tol:final error, loosest first):", name);
    /* tolerances 1e-6 .. 1e-14, 21 log-spaced values (loosest first) */
    for (int i = 0; i < NTOL; i++) {
        double tol = pow(10.0, -6.0 - 8.0 * (double)i / (NTOL - 1));
        if (i % 7 == 0) printf("\n     ");
        gsl_result g = run_gsl(type, tol, p, x0, t1);
        if (g.rc) {
            printf(" %.1e:failed(rc=%d)", tol, g.rc);
            continue;
        }
        double e = err_vs(g.x, ref);
        int pick = !pk.found && e <= target_err;
        printf(" %.1e:%.1e%s", tol, e, pick ? "*" : "");
        if (pick) {
            pk.found = 1;
            pk.tol = tol;
            pk.err = e;
            pk.evals = g.evals;
        }
    }
    printf("\n");
    return pk;
}

static int bench_lorenz(void)
{
    const nd_model *m = &nd_model_lorenz;
    const double t1 = 20.0;
    double p[3], x0[3] = {1.0, 1.0, 1.0}, ref[3], ref2[3];
    nd_model_default_params(m, p);
    hand_rhs = m->rhs;
    gsl_set_error_handler_off();

    /* reference: rk8pd at 1e-14; its own error estimated against rk8pd at 1e-13 */
    gsl_result g = run_gsl(gsl_odeiv2_step_rk8pd, 1e-14, p, x0, t1);
    if (g.rc) {
        fprintf(stderr, "bench_integrators: GSL rk8pd reference failed (rc=%d)\n", g.rc);
        return 1;
    }
    memcpy(ref, g.x, sizeof ref);
    long ref_evals = g.evals;
    g = run_gsl(gsl_odeiv2_step_rk8pd, 1e-13, p, x0, t1);
    if (g.rc) return 1;
    memcpy(ref2, g.x, sizeof ref2);

    printf("\n[b] Lorenz (sigma=10, beta=8/3, rho=28), x0 = (1,1,1), t in [0, %g]\n", t1);
    printf("    reference rk8pd 1e-14:  (%.15g, %.15g, %.15g), %ld RHS evals\n", ref[0], ref[1],
           ref[2], ref_evals);
    printf("    reference uncertainty (|rk8pd 1e-14 - rk8pd 1e-13|): %.2e\n", err_vs(ref2, ref));

    /* neurodyn rkdp */
    nd_solve_opts o;
    nd_solve_opts_init(&o);
    o.method = "rkdp";
    o.rtol = 1e-8;
    o.atol = 1e-8;
    nd_solve_stats stats;
    nd_error err = {0};
    double x[3];
    memcpy(x, x0, sizeof x);
    double ts = now();
    if (nd_solve(m, p, 0.0, t1, x, &o, &stats, &err)) {
        fprintf(stderr, "bench_integrators: nd_solve (Lorenz rkdp) failed: %s\n", err.msg);
        return 1;
    }
    long inner = calibrate(now() - ts, 0.2);
    double nd_err = err_vs(x, ref);
    double nd_time = INFINITY;
    for (int r = 0; r < REPS; r++) {
        double t0 = now();
        for (long k = 0; k < inner; k++) {
            memcpy(x, x0, sizeof x);
            if (nd_solve(m, p, 0.0, t1, x, &o, &stats, &err)) return 1;
        }
        double el = (now() - t0) / (double)inner;
        if (el < nd_time) nd_time = el;
    }
    printf("    neurodyn rkdp: %ld steps, %ld rejected, final error %.3e\n", stats.steps,
           stats.rejected, nd_err);

    gsl_pick picks[2] = {
        scan_gsl("rkf45", gsl_odeiv2_step_rkf45, p, x0, t1, ref, nd_err),
        scan_gsl("rk8pd", gsl_odeiv2_step_rk8pd, p, x0, t1, ref, nd_err),
    };
    const gsl_odeiv2_step_type *types[2] = {gsl_odeiv2_step_rkf45, gsl_odeiv2_step_rk8pd};
    for (int i = 0; i < 2; i++) {
        if (!picks[i].found) continue;
        ts = now();
        run_gsl(types[i], picks[i].tol, p, x0, t1);
        long in = calibrate(now() - ts, 0.2);
        picks[i].time = time_gsl(types[i], picks[i].tol, p, x0, t1, in);
    }

    printf("    %-16s %10s %12s %10s %12s %10s %10s\n", "method", "tol", "final err",
           "RHS evals", "time/run", "t nd/GSL", "ev nd/GSL");
    printf("    %-16s %10.2e %12.3e %10ld %10.1f us %10s %10s\n", "neurodyn rkdp", 1e-8, nd_err,
           stats.rhs_evals, 1e6 * nd_time, "-", "-");
    for (int i = 0; i < 2; i++) {
        char label[32];
        snprintf(label, sizeof label, "GSL %s", picks[i].name);
        if (!picks[i].found) {
            printf("    %-16s no tolerance in 1e-6..1e-14 reaches error %.3e\n", label, nd_err);
            continue;
        }
        printf("    %-16s %10.2e %12.3e %10ld %10.1f us %10.3f %10.3f\n", label, picks[i].tol,
               picks[i].err, picks[i].evals, 1e6 * picks[i].time, nd_time / picks[i].time,
               (double)stats.rhs_evals / (double)picks[i].evals);
    }
    printf("    (target: time ratio neurodyn/GSL <= 1; errors are Euclidean distances of the final "
           "state from the reference)\n");
    return 0;
}

int main(void)
{
    if (bench_hh()) return 1;
    if (bench_lorenz()) return 1;
    return 0;
}
