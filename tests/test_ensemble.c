/* The batched ensemble (gpu/): equality with single runs of the driver, reductions against
 * stored trajectories, periods against continuation, thread-count independence, Lyapunov
 * exponents, basins, bad input, and the GPU path where a device exists. */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "neurodyn/neurodyn.h"

void omp_set_num_threads(int); /* libgomp, linked through -fopenmp */

/* P and X0 for n trajectories of m: default parameters with parameter `par` spread over
 * [lo, hi], the default state shifted by `dx` times the index. */
static void inputs(const nd_model *m, size_t n, int par, double lo, double hi, double dx, double **P, double **X)
{
    *P = malloc(m->n_pars * n * sizeof **P), *X = malloc(m->n_vars * n * sizeof **X);
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < m->n_pars; k++) (*P)[k * n + i] = m->par_defaults[k];
        if (par >= 0) (*P)[(size_t)par * n + i] = lo + (hi - lo) * (double)i / (double)(n > 1 ? n - 1 : 1);
        for (size_t v = 0; v < m->n_vars; v++) (*X)[v * n + i] = m->init[v] + dx * (double)i;
    }
}

/* Runs every trajectory through nd_solve and compares the final states (relative tol). */
static void expect_equals_single_runs(const nd_model *m, size_t n, const double *P, const double *X,
                                      const nd_ensemble_opts *o, const nd_ensemble_result *r, double tol)
{
    double worst = 0.0;
    for (size_t i = 0; i < n; i++) {
        double p[16], x[16];
        for (size_t k = 0; k < m->n_pars; k++) p[k] = P[k * n + i];
        for (size_t v = 0; v < m->n_vars; v++) x[v] = X[v * n + i];
        nd_solve_opts so;
        nd_solve_opts_init(&so);
        so.method = o->method, so.dt = o->dt, so.rtol = o->rtol, so.atol = o->atol;
        nd_error err;
        cr_assert_eq(nd_solve(m, p, o->t0, o->t1, x, &so, NULL, &err), ND_OK, "%s", err.msg);
        for (size_t v = 0; v < m->n_vars; v++) {
            double d = fabs(x[v] - r->x[v * n + i]) / fmax(1.0, fabs(x[v]));
            worst = fmax(worst, d);
        }
    }
    cr_log_info("%s %s: largest relative difference to nd_solve %.3g", m->name, o->method, worst);
    cr_expect(worst <= tol, "%s %s: ensemble differs from nd_solve by %.3g", m->name, o->method, worst);
}

static void run_ok(const nd_model *m, size_t n, const double *P, const double *X, const nd_ensemble_opts *o,
                   nd_ensemble_result *r)
{
    nd_error err;
    cr_assert_eq(nd_ensemble_run(m, n, P, n * m->n_pars, X, n * m->n_vars, o, r, &err), ND_OK, "%s", err.msg);
}

Test(ensemble, lanes_equal_single_runs_of_the_driver)
{
    /* The lanes repeat nd_solve's fixed-step arithmetic operation for operation (kernels.h):
     * bitwise equal for rk4 (its own unrolled lane) and for table methods. */
    const char *methods[] = {"rk4", "rk4_38rule", "heun3", "euler"};
    const char *models[] = {"fhn", "lorenz", "hindmarsh_rose"};
    for (size_t mi = 0; mi < 3; mi++)
        for (size_t k = 0; k < 4; k++) {
            const nd_model *m = nd_builtin_find(models[mi]);
            size_t n = 37; /* not a multiple of the vector width: the scalar remainder too */
            double *P, *X;
            inputs(m, n, (int)m->n_pars - 1, m->par_defaults[m->n_pars - 1], 1.1 * m->par_defaults[m->n_pars - 1], 1e-3, &P, &X);
            nd_ensemble_opts o;
            nd_ensemble_opts_init(&o);
            o.method = methods[k], o.t1 = 3.0, o.dt = 0.007, o.device = ND_DEVICE_CPU;
            o.event_var = 0, o.event_level = 0.0; /* reductions on: the stepped form of the lanes */
            nd_ensemble_result r;
            run_ok(m, n, P, X, &o, &r);
            cr_expect(r.vectorised);
            expect_equals_single_runs(m, n, P, X, &o, &r, 0.0);
            nd_ensemble_result_free(&r);
            o.event_var = -1, o.keep_minmax = 0; /* lean lanes: the state in registers */
            run_ok(m, n, P, X, &o, &r);
            expect_equals_single_runs(m, n, P, X, &o, &r, 0.0);
            nd_ensemble_result_free(&r);
            free(P), free(X);
        }
}

Test(ensemble, adaptive_and_stochastic_trajectories_equal_single_runs)
{
    const nd_model *m = nd_builtin_find("van_der_pol");
    size_t n = 9;
    double *P, *X;
    inputs(m, n, 0, 0.5, 3.0, 0.01, &P, &X);
    const char *adaptive[] = {"rkdp", "rkf45"};
    for (int k = 0; k < 2; k++) {
        nd_ensemble_opts o;
        nd_ensemble_opts_init(&o);
        o.method = adaptive[k], o.t1 = 20, o.dt = 0, o.rtol = 1e-8, o.atol = 1e-10;
        nd_ensemble_result r;
        run_ok(m, n, P, X, &o, &r);
        cr_expect_eq(r.vectorised, 0);
        expect_equals_single_runs(m, n, P, X, &o, &r, 0.0);
        nd_ensemble_result_free(&r);
    }
    free(P), free(X);

    /* Euler-Maruyama: trajectory i of the ensemble is the single run with trajectory index i */
    const nd_model *s = nd_builtin_find("stochastic_fhn");
    inputs(s, n, -1, 0, 0, 0.0, &P, &X);
    nd_ensemble_opts o;
    nd_ensemble_opts_init(&o);
    o.method = "euler", o.t1 = 20, o.dt = 0.01, o.seed = 1234, o.first_trajectory = 100;
    nd_ensemble_result r;
    run_ok(s, n, P, X, &o, &r);
    for (size_t i = 0; i < n; i++) {
        double x[2] = {X[i], X[n + i]};
        nd_solve_opts so;
        nd_solve_opts_init(&so);
        so.method = "euler", so.dt = 0.01, so.seed = 1234, so.trajectory = 100 + i;
        cr_assert_eq(nd_solve(s, s->par_defaults, 0, 20, x, &so, NULL, NULL), ND_OK);
        cr_expect(x[0] == r.x[i] && x[1] == r.x[n + i], "path %zu: %.17g vs %.17g", i, x[0], r.x[i]);
    }
    cr_expect(r.x[0] != r.x[1], "different trajectory indices give different paths");
    nd_ensemble_result_free(&r);
    free(P), free(X);
}

/* Max/min, crossings and samples of trajectory i from the driver's stored trajectory, with the
 * ensemble's rules (states at t >= transient; cubic Hermite location of upward crossings). */
static void check_against_stored(const nd_model *m, const double *p, const double *x0, const nd_ensemble_opts *o,
                                 const nd_ensemble_result *r, size_t i)
{
    nd_solve_opts so;
    nd_solve_opts_init(&so);
    so.method = o->method, so.dt = o->dt, so.dt_out = o->dt;
    nd_trajectory tr;
    nd_error err;
    cr_assert_eq(nd_simulate(m, p, x0, o->t0, o->t1, &so, &tr, &err), ND_OK, "%s", err.msg);
    size_t nv = m->n_vars, n = r->n;
    for (size_t v = 0; v < nv; v++) {
        double hi = -INFINITY, lo = INFINITY;
        for (size_t s = 0; s < tr.n; s++)
            if (tr.t[s] >= o->t0 + o->transient) hi = fmax(hi, tr.x[s * nv + v]), lo = fmin(lo, tr.x[s * nv + v]);
        cr_expect(hi == r->x_max[v * n + i] && lo == r->x_min[v * n + i], "var %zu: max %.17g vs %.17g", v, hi,
                  r->x_max[v * n + i]);
    }
    long count = 0;
    double last = NAN, f0[8], f1[8];
    int ev = o->event_var;
    for (size_t s = 1; s < tr.n; s++) {
        double y0 = tr.x[(s - 1) * nv + ev], y1 = tr.x[s * nv + ev], h = tr.t[s] - tr.t[s - 1];
        if (!(y0 < o->event_level && y1 >= o->event_level)) continue;
        m->rhs(tr.t[s - 1], tr.x + (s - 1) * nv, p, f0);
        m->rhs(tr.t[s], tr.x + s * nv, p, f1);
        double te = tr.t[s - 1] + nd_ens_hermite_theta(y0, f0[ev], y1, f1[ev], h, o->event_level) * h;
        if (te < o->t0 + o->transient) continue;
        if ((size_t)count < r->max_events)
            cr_expect(te == r->event_times[(size_t)count * n + i], "event %ld: %.17g vs %.17g", count, te,
                      r->event_times[(size_t)count * n + i]);
        count++, last = te;
    }
    cr_expect_eq(count, r->events[i], "events: %ld stored vs %ld ensemble", count, r->events[i]);
    cr_expect(last == r->event_last[i]);
    for (size_t k = 0; k < r->n_samples; k++)
        for (size_t v = 0; v < nv; v++)
            cr_expect(tr.x[k * (size_t)o->sample_stride * nv + v] == r->samples[(k * nv + v) * n + i],
                      "sample %zu var %zu", k, v);
    nd_trajectory_free(&tr);
}

Test(ensemble, reductions_match_stored_trajectories)
{
    const nd_model *m = nd_builtin_find("van_der_pol");
    size_t n = 5;
    double *P, *X;
    inputs(m, n, 0, 0.5, 2.5, 0.1, &P, &X);
    const char *methods[] = {"rk4", "ralston3"};
    nd_device devices[] = {ND_DEVICE_CPU};
    for (int k = 0; k < 2; k++) {
        nd_ensemble_opts o;
        nd_ensemble_opts_init(&o);
        o.method = methods[k], o.t1 = 40, o.dt = 0.01, o.transient = 10, o.device = devices[0];
        o.event_var = 0, o.event_level = 0.5, o.max_events = 4, o.sample_stride = 50;
        nd_ensemble_result r;
        run_ok(m, n, P, X, &o, &r);
        cr_expect_eq(r.n_samples, 4000 / 50 + 1);
        for (size_t i = 0; i < n; i++) {
            double p[1] = {P[i]}, x0[2] = {X[i], X[n + i]};
            check_against_stored(m, p, x0, &o, &r, i);
        }
        nd_ensemble_result_free(&r);
    }
    free(P), free(X);
}

Test(ensemble, van_der_pol_period)
{
    /* mu = 1: T = 6.663286859323130 (the limit cycle's period from high-precision numerics, as
     * in test_cycles.c; e.g. Strogatz, Nonlinear Dynamics and Chaos, sec. 7.5, gives ~6.66).
     * RK4 with dt = 1e-3 and Hermite location: the last interval to 1e-8. */
    const nd_model *m = nd_builtin_find("van_der_pol");
    size_t n = 3;
    double *P, *X;
    inputs(m, n, 0, 1.0, 1.0, 0.2, &P, &X);
    const char *methods[] = {"rk4", "rkdp"};
    for (int k = 0; k < 2; k++) {
        nd_ensemble_opts o;
        nd_ensemble_opts_init(&o);
        o.method = methods[k], o.t1 = 80, o.dt = k ? 0 : 1e-3, o.rtol = 1e-11, o.atol = 1e-12, o.transient = 40;
        o.event_var = 0, o.event_level = 0.0;
        nd_ensemble_result r;
        run_ok(m, n, P, X, &o, &r);
        for (size_t i = 0; i < n; i++) {
            cr_log_info("van der Pol %s: T = %.15g (error %.1e), %ld crossings", methods[k], r.period[i],
                        r.period[i] - 6.663286859323130, r.events[i]);
            cr_expect(fabs(r.period[i] - 6.663286859323130) < 1e-7, "T = %.15g", r.period[i]);
            cr_expect(fabs(r.x_max[i] - 2.00861986) < 1e-6, "max x = %.12g", r.x_max[i]);
        }
        nd_ensemble_result_free(&r);
    }
    free(P), free(X);
}

Test(ensemble, fitzhugh_nagumo_period_matches_continuation)
{
    /* The period of BrainPy's FHN cycle at Iext = 0.5 from orthogonal collocation (nd_cycle_*,
     * 80 intervals x 4 points, Newton-corrected at the fixed parameter) against the ensemble's
     * last interval between upward crossings of V = 0 (RK4, dt = 1e-3). */
    const nd_model *m = nd_builtin_find("fhn");
    double p[4], x0[2];
    nd_model_default_params(m, p), nd_model_default_state(m, x0);
    nd_cycle cyc;
    nd_cycle_curve c;
    nd_error err;
    cr_assert_eq(nd_cycle_by_simulation(m, p, x0, 0, 200, 600, 1000, &cyc, &err), ND_OK, "%s", err.msg);
    cr_assert_eq(nd_cycle_curve_init(&c, m, p, 3, NULL, 80, 4, &err), ND_OK, "%s", err.msg);
    double *u0 = malloc(c.type.dim * sizeof *u0), *v0 = malloc(c.type.dim * sizeof *v0);
    cr_assert_eq(nd_cycle_curve_from_cycle(&c, &cyc, 1, u0, v0, &err), ND_OK, "%s", err.msg);
    const nd_cycle_info *in;
    cr_assert_eq(nd_cycle_curve_describe(&c, u0, &in, &err), ND_OK, "%s", err.msg);
    double T = in->period;
    size_t n = 2;
    double *P, *X;
    inputs(m, n, 3, 0.5, 0.5, 0.05, &P, &X);
    nd_ensemble_opts o;
    nd_ensemble_opts_init(&o);
    o.t1 = 400, o.dt = 1e-3, o.transient = 200, o.event_var = 0, o.event_level = 0.0;
    nd_ensemble_result r;
    run_ok(m, n, P, X, &o, &r);
    for (size_t i = 0; i < n; i++) {
        cr_log_info("FHN Iext = 0.5: T ensemble %.12g, continuation %.12g", r.period[i], T);
        cr_expect(fabs(r.period[i] - T) < 1e-6 * T, "T = %.12g vs %.12g", r.period[i], T);
        cr_expect(fabs(r.x_max[i] - in->xmax[0]) < 1e-4, "max V %.8g vs %.8g", r.x_max[i], in->xmax[0]);
    }
    nd_ensemble_result_free(&r);
    free(P), free(X), free(u0), free(v0);
    nd_cycle_curve_free(&c);
    nd_cycle_free(&cyc);
}

static int results_equal(const nd_ensemble_result *a, const nd_ensemble_result *b)
{
    size_t n = a->n, nv = a->n_vars;
    return memcmp(a->x, b->x, nv * n * sizeof(double)) == 0 && memcmp(a->x_max, b->x_max, nv * n * sizeof(double)) == 0 &&
           memcmp(a->x_min, b->x_min, nv * n * sizeof(double)) == 0 && memcmp(a->events, b->events, n * sizeof(long)) == 0 &&
           memcmp(a->period, b->period, n * sizeof(double)) == 0;
}

Test(ensemble, results_do_not_depend_on_the_thread_count)
{
    const nd_model *m = nd_builtin_find("lorenz");
    size_t n = 1000;
    double *P, *X;
    inputs(m, n, 2, 20, 30, 1e-4, &P, &X);
    const char *methods[] = {"rk4", "rkdp"};
    for (int k = 0; k < 2; k++) {
        nd_ensemble_opts o;
        nd_ensemble_opts_init(&o);
        o.method = methods[k], o.t1 = 5, o.dt = k ? 0 : 0.005, o.event_var = 2, o.event_level = 25;
        nd_ensemble_result r1, r2;
        omp_set_num_threads(1);
        run_ok(m, k ? 64 : n, P, X, &o, &r1);
        omp_set_num_threads(2);
        run_ok(m, k ? 64 : n, P, X, &o, &r2);
        cr_expect(results_equal(&r1, &r2), "%s: 1 and 2 threads differ", methods[k]);
        nd_ensemble_result_free(&r1), nd_ensemble_result_free(&r2);
    }
    free(P), free(X);
}

Test(ensemble, lorenz_largest_lyapunov_exponent)
{
    /* sigma = 10, beta = 8/3, rho = 28: lambda_1 = 0.9056 (Sprott, Chaos and Time-Series
     * Analysis, OUP 2003, table A.3). Over t = 500 after a transient of 20 the estimate
     * fluctuates by a few hundredths: tolerance 0.03. Two trajectories from different states. */
    const nd_model *m = nd_builtin_find("lorenz");
    size_t n = 2;
    double *P, *X, lambda[2];
    inputs(m, n, -1, 0, 0, 0.5, &P, &X);
    nd_ensemble_opts o;
    nd_ensemble_opts_init(&o);
    o.t1 = 520, o.dt = 0.01, o.transient = 20;
    nd_error err;
    cr_assert_eq(nd_ensemble_lyapunov(m, n, P, 3 * n, X, 3 * n, &o, 10, lambda, &err), ND_OK, "%s", err.msg);
    for (size_t i = 0; i < n; i++) {
        cr_log_info("Lorenz: lambda_1 = %.4f (Sprott 0.9056)", lambda[i]);
        cr_expect(fabs(lambda[i] - 0.9056) < 0.03, "lambda = %.4f", lambda[i]);
    }
    /* a stable equilibrium: rho = 10, lambda_1 < 0 */
    for (size_t i = 0; i < n; i++) P[2 * n + i] = 10.0;
    cr_assert_eq(nd_ensemble_lyapunov(m, n, P, 3 * n, X, 3 * n, &o, 10, lambda, &err), ND_OK, "%s", err.msg);
    cr_expect(lambda[0] < -0.1, "rho = 10: lambda = %.4f", lambda[0]);
    free(P), free(X);
}

/* A damped double well x'' = x - x^3 - delta x': attractors (+1, 0) and (-1, 0), the basins
 * symmetric under (x, y) -> (-x, -y). */
enum { DX, DY };
ND_RHS(dwell)
{
    dxdt[DX] = x[DY];
    dxdt[DY] = x[DX] - x[DX] * x[DX] * x[DX] - p[0] * x[DY];
}
ND_KERNELS(dwell, 2, 1)
static const char *const dw_vars[] = {"x", "y"}, *const dw_pars[] = {"delta"};
static const double dw_def[] = {0.3}, dw_init[] = {0.5, 0.0};
static const nd_model dwell_model = {.name = "double_well", .n_vars = 2, .n_pars = 1, .var_names = dw_vars,
                                     .par_names = dw_pars, .par_defaults = dw_def, .init = dw_init,
                                     .rhs = dwell_rhs, .kernels = &dwell_kernels};

Test(ensemble, basins_of_a_double_well)
{
    nd_ensemble_opts o;
    nd_ensemble_opts_init(&o);
    o.t1 = 100, o.dt = 0.02;
    nd_basins b;
    nd_error err;
    double base[2] = {0, 0};
    cr_assert_eq(nd_ensemble_basins(&dwell_model, dw_def, base, 0, 1, -2, 2, -2, 2, 40, 40, &o, 1e-3, &b, &err),
                 ND_OK, "%s", err.msg);
    cr_assert_eq(b.n_attractors, 2, "%zu attractors", b.n_attractors);
    for (size_t a = 0; a < 2; a++)
        cr_expect(fabs(fabs(b.attractor[a * 2]) - 1) < 1e-6 && fabs(b.attractor[a * 2 + 1]) < 1e-6);
    cr_expect_eq(b.count[0] + b.count[1], 1600);
    cr_expect_eq(b.count[0], b.count[1], "symmetric basins: %zu vs %zu", b.count[0], b.count[1]);
    /* grid point (i, j) and its mirror (39 - i, 39 - j) lie in opposite basins */
    for (size_t q = 0; q < 1600; q++) cr_expect_neq(b.label[q], b.label[1599 - q]);
    nd_basins_free(&b);
}

/* FitzHugh-Nagumo's RHS (models/fitzhugh_nagumo.c) and RK4 in float, operation for operation as
 * the float pass compiles them (kernels.h ND_ENS_STEP_RK4 with R = float; constants in float). */
static void fhn_float(const float *x, const float *p, float *k)
{
    k[0] = x[0] - x[0] * x[0] * x[0] / 3 - x[1] + p[3];
    k[1] = (x[0] + p[0] - p[1] * x[1]) / p[2];
}

static void fhn_float_rk4(float *x, const float *p, float h, long nsteps)
{
    for (long s = 0; s < nsteps; s++) {
        float k1[2], k2[2], k3[2], k4[2], y[2];
        fhn_float(x, p, k1);
        /* the stepper's combinations, each term one ND_MADD (a fused multiply-add with FMA) */
        for (int v = 0; v < 2; v++) y[v] = ND_MADD(0.5f * h, k1[v], x[v]);
        fhn_float(y, p, k2);
        for (int v = 0; v < 2; v++) y[v] = ND_MADD(0.5f * h, k2[v], x[v]);
        fhn_float(y, p, k3);
        for (int v = 0; v < 2; v++) y[v] = ND_MADD(h, k3[v], x[v]);
        fhn_float(y, p, k4);
        for (int v = 0; v < 2; v++) {
            float acc = ND_MADD((float)(1.0 / 3), k2[v], (float)(1.0 / 6) * k1[v]);
            acc = ND_MADD((float)(1.0 / 6), k4[v], ND_MADD((float)(1.0 / 3), k3[v], acc));
            x[v] = ND_MADD(h, acc, x[v]);
        }
    }
}

Test(ensemble, single_precision_runs_the_rhs_in_float)
{
    /* every built-in with lanes has the float pass, and a user model file gets one too */
    for (size_t j = 0; j < nd_builtin_count(); j++) {
        const nd_model *m = nd_builtin_at(j);
        if (m->kernels) cr_expect_not_null(m->kernels->ens_single, "%s has no float pass", m->name);
    }
    /* FitzHugh-Nagumo in single precision equals RK4 in float with the RHS in float, bitwise */
    const nd_model *m = nd_builtin_find("fhn");
    size_t n = 8;
    double *P, *X;
    inputs(m, n, 3, 0.3, 0.6, 0.01, &P, &X);
    nd_ensemble_opts o;
    nd_ensemble_opts_init(&o);
    o.t1 = 5, o.dt = 0.0625, o.precision = ND_PRECISION_SINGLE; /* dt exact in binary: t stays exact */
    nd_ensemble_result r;
    run_ok(m, n, P, X, &o, &r);
    for (size_t i = 0; i < n; i++) {
        float x[2] = {(float)X[i], (float)X[n + i]}, p[4];
        for (int k = 0; k < 4; k++) p[k] = (float)P[k * n + i];
        fhn_float_rk4(x, p, 0.0625f, 80);
        cr_expect(r.x[i] == (double)x[0] && r.x[n + i] == (double)x[1], "trajectory %zu: %.9g %.9g vs %.9g %.9g", i,
                  r.x[i], r.x[n + i], (double)x[0], (double)x[1]);
    }
    nd_ensemble_result_free(&r);
    free(P), free(X);
}

Test(ensemble, single_precision_rk4)
{
    const nd_model *m = nd_builtin_find("fhn");
    size_t n = 16;
    double *P, *X;
    inputs(m, n, 3, 0.3, 0.6, 0.01, &P, &X);
    nd_ensemble_opts o;
    nd_ensemble_opts_init(&o);
    o.t1 = 20, o.dt = 0.01;
    nd_ensemble_result rd, rs;
    run_ok(m, n, P, X, &o, &rd);
    o.precision = ND_PRECISION_SINGLE;
    run_ok(m, n, P, X, &o, &rs);
    double worst = 0, exact = 0;
    for (size_t k = 0; k < 2 * n; k++) {
        worst = fmax(worst, fabs(rs.x[k] - rd.x[k]));
        exact += (double)(float)rs.x[k] == rs.x[k]; /* the state went through float */
    }
    cr_log_info("single vs double precision after 2000 RK4 steps: %.3g", worst);
    cr_expect(worst < 1e-4 && worst > 0, "difference %.3g", worst);
    cr_expect_eq(exact, 2 * n);
    nd_ensemble_result_free(&rd), nd_ensemble_result_free(&rs);
    o.method = "rkdp";
    nd_error err;
    cr_expect_eq(nd_ensemble_run(m, n, P, 4 * n, X, 2 * n, &o, &rs, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "single precision") && strstr(err.msg, "rkdp"), "%s", err.msg);
    free(P), free(X);
}

Test(ensemble, bad_input_is_refused_with_the_bad_value)
{
    const nd_model *m = nd_builtin_find("lorenz");
    size_t n = 10;
    double *P, *X;
    inputs(m, n, -1, 0, 0, 0, &P, &X);
    nd_ensemble_opts o;
    nd_ensemble_opts_init(&o);
    nd_ensemble_result r;
    nd_error err;
    cr_expect_eq(nd_ensemble_run(m, 0, P, 0, X, 0, &o, &r, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "N = 0"), "%s", err.msg);
    cr_expect_eq(nd_ensemble_run(m, n, P, 3 * n - 1, X, 3 * n, &o, &r, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "29") && strstr(err.msg, "30"), "%s", err.msg);
    cr_expect_eq(nd_ensemble_run(m, n, P, 3 * n, X, 2 * n, &o, &r, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "20"), "%s", err.msg);
    cr_expect_eq(nd_ensemble_run(m, n, NULL, 3 * n, X, 3 * n, &o, &r, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "NULL"), "%s", err.msg);
    cr_expect_eq(nd_ensemble_run(m, n, P, 3 * n, NULL, 3 * n, &o, &r, &err), ND_EINVAL);
    o.event_var = 3;
    cr_expect_eq(nd_ensemble_run(m, n, P, 3 * n, X, 3 * n, &o, &r, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "3"), "%s", err.msg);
    nd_ensemble_opts_init(&o);
    o.dt = -1;
    cr_expect_eq(nd_ensemble_run(m, n, P, 3 * n, X, 3 * n, &o, &r, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "dt = -1"), "%s", err.msg);
    nd_ensemble_opts_init(&o);
    o.method = "rkdp", o.rtol = 2;
    cr_expect_eq(nd_ensemble_run(m, n, P, 3 * n, X, 3 * n, &o, &r, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "rtol = 2"), "%s", err.msg);
    nd_ensemble_opts_init(&o);
    o.noise = -1;
    cr_expect_eq(nd_ensemble_run(m, n, P, 3 * n, X, 3 * n, &o, &r, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "noise amplitude -1"), "%s", err.msg);
    nd_ensemble_opts_init(&o);
    o.method = "nonsense";
    cr_expect_eq(nd_ensemble_run(m, n, P, 3 * n, X, 3 * n, &o, &r, &err), ND_EINVAL);
    nd_ensemble_opts_init(&o);
    X[4] = NAN;
    cr_expect_eq(nd_ensemble_run(m, n, P, 3 * n, X, 3 * n, &o, &r, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "trajectory 4"), "%s", err.msg);
    X[4] = 1.0;
    /* beyond the memory limit: refused before allocation, with the size it would need */
    o.sample_stride = 1;
    size_t need = nd_ensemble_bytes(m, n, &o);
    cr_expect(need > 10000 * 3 * n * sizeof(double), "need %zu", need);
    setenv("NEURODYN_MAX_BYTES", "100000", 1);
    cr_expect_eq(nd_ensemble_run(m, n, P, 3 * n, X, 3 * n, &o, &r, &err), ND_ENOMEM);
    cr_expect(strstr(err.msg, "MB"), "%s", err.msg);
    unsetenv("NEURODYN_MAX_BYTES");
    free(P), free(X);
}

Test(ensemble, a_trajectory_that_blows_up_is_flagged_and_the_others_finish)
{
    const nd_model *m = nd_builtin_find("fhn");
    size_t n = 20;
    double *P, *X;
    inputs(m, n, -1, 0, 0, 0, &P, &X);
    X[7] = 1e6; /* V' = -V^3/3: the first RK4 step overflows */
    /* the SIMD lanes (rk4), the stepped lanes with reductions, the per-trajectory path */
    const char *methods[] = {"rk4", "rk4_38rule", "rk4"};
    for (int k = 0; k < 3; k++) {
        nd_ensemble_opts o;
        nd_ensemble_opts_init(&o);
        o.method = methods[k], o.t1 = 10, o.dt = 0.1, o.event_var = k == 1 ? 0 : -1;
        if (k == 2) o.noise = 1e-3, o.method = "euler"; /* an SDE: one nd_solve per trajectory */
        nd_ensemble_result r;
        run_ok(m, n, P, X, &o, &r);
        cr_expect_eq(r.n_failed, 1, "%s: %zu failed", methods[k], r.n_failed);
        cr_expect_neq(r.status[7], ND_ENS_OK);
        cr_expect(isfinite(r.t_fail[7]) && r.t_fail[7] < 10, "t_fail %g", r.t_fail[7]);
        for (size_t i = 0; i < n; i++)
            if (i != 7) cr_expect(r.status[i] == ND_ENS_OK && isfinite(r.x[i]), "trajectory %zu", i);
        nd_ensemble_result_free(&r);
    }
    free(P), free(X);
}

/* The CPU lanes check for failure only every few hundred steps and replay the chunk of a lane
 * that failed (kernels.h, ND_ENS_MARK_FAIL): the failure time must still be nd_solve's, the
 * start of the step that first went non-finite. Lorenz with sigma just past RK4's stability
 * limit at dt = 0.01 (|sigma dt| ~ 2.79) fails anywhere from the first to the thousandth step,
 * across chunk borders, in the lean steps of the transient and in the reduced steps after it. */
Test(ensemble, the_failure_time_is_the_drivers_at_any_step)
{
    const nd_model *m = nd_builtin_find("lorenz");
    const size_t n = 64;
    double *P = malloc(3 * n * sizeof *P), *X = malloc(3 * n * sizeof *X);
    for (size_t i = 0; i < n; i++) {
        P[i] = 276 + 0.1 * (double)i, P[n + i] = 8.0 / 3, P[2 * n + i] = 28; /* sigma, beta, rho */
        X[i] = X[n + i] = X[2 * n + i] = 1;
    }
    for (int reduce = 0; reduce < 2; reduce++) {
        nd_ensemble_opts o;
        nd_ensemble_opts_init(&o);
        o.method = "rk4", o.t1 = 100, o.dt = 0.01, o.device = ND_DEVICE_CPU;
        if (reduce) o.event_var = 0, o.transient = 3; /* lean steps to t = 3, then reductions */
        nd_ensemble_result r;
        run_ok(m, n, P, X, &o, &r);
        size_t failed = 0, late = 0;
        for (size_t i = 0; i < n; i++) {
            double p[3] = {P[i], P[n + i], P[2 * n + i]}, x[3] = {1, 1, 1};
            nd_solve_opts so;
            nd_solve_opts_init(&so);
            so.method = "rk4", so.dt = 0.01;
            nd_solve_stats st;
            const double t_fail = nd_solve(m, p, 0, 100, x, &so, &st, NULL) == ND_ENONFINITE ? st.t : NAN;
            failed += isfinite(t_fail), late += t_fail > 2.56; /* past the first chunk */
            cr_expect(t_fail == r.t_fail[i] || (isnan(t_fail) && isnan(r.t_fail[i])),
                      "sigma %g (reductions %d): the driver fails at t = %.17g, the lanes at %.17g", P[i],
                      reduce, t_fail, r.t_fail[i]);
        }
        cr_expect(failed > 20 && late > 5 && failed < n, "%zu failed, %zu of them late: the test needs both", failed, late);
        cr_expect_eq(r.n_failed, failed);
        nd_ensemble_result_free(&r);
    }
    free(P), free(X);
}

/* Lorenz trajectories with a section on the CPU and on the GPU: fixed-step double results of the
 * GPU lanes equal the CPU lanes to 1e-12 relative, and the crossings counted agree. */
static void expect_gpu_matches_cpu(const nd_model *m, size_t n)
{
    double *P, *X;
    inputs(m, n, 2, 20, 30, 1e-4, &P, &X);
    nd_ensemble_opts o;
    nd_ensemble_opts_init(&o);
    o.t1 = 2, o.dt = 0.001, o.event_var = 2, o.event_level = 25;
    nd_ensemble_result rc, rg;
    o.device = ND_DEVICE_CPU;
    run_ok(m, n, P, X, &o, &rc);
    o.device = ND_DEVICE_CUDA;
    run_ok(m, n, P, X, &o, &rg);
    cr_assert_eq(rg.device, ND_DEVICE_CUDA);
    double worst = 0;
    for (size_t k = 0; k < 3 * n; k++) {
        worst = fmax(worst, fabs(rg.x[k] - rc.x[k]) / fmax(1, fabs(rc.x[k])));
        worst = fmax(worst, fabs(rg.x_max[k] - rc.x_max[k]) / fmax(1, fabs(rc.x_max[k])));
    }
    cr_expect(worst < 1e-12, "%s, GPU vs CPU: %.3g", m->name, worst);
    for (size_t i = 0; i < n; i++) cr_expect_eq(rg.events[i], rc.events[i]);
    nd_ensemble_result_free(&rc), nd_ensemble_result_free(&rg);
    free(P), free(X);
}

Test(ensemble, cuda_path_agrees_with_the_cpu)
{
    char why[512];
    if (!nd_cuda_available(why, sizeof why)) cr_skip_test("GPU test skipped: %s", why);
    expect_gpu_matches_cpu(nd_builtin_find("lorenz"), 4096);
}

Test(ensemble, device_cuda_without_a_device_is_a_clear_error)
{
    char why[512];
    if (nd_cuda_available(why, sizeof why)) cr_skip_test("a CUDA device exists");
    const nd_model *m = nd_builtin_find("fhn");
    double *P, *X;
    inputs(m, 4, -1, 0, 0, 0, &P, &X);
    nd_ensemble_opts o;
    nd_ensemble_opts_init(&o);
    o.device = ND_DEVICE_CUDA;
    nd_ensemble_result r;
    nd_error err;
    cr_expect_eq(nd_ensemble_run(m, 4, P, 16, X, 8, &o, &r, &err), ND_EFAILED);
    cr_expect(strstr(err.msg, "cuda is not available"), "%s", err.msg);
    o.device = ND_DEVICE_AUTO;
    cr_expect_eq(nd_ensemble_run(m, 4, P, 16, X, 8, &o, &r, &err), ND_OK);
    cr_expect_eq(r.device, ND_DEVICE_CPU);
    nd_ensemble_result_free(&r);
    free(P), free(X);
}

/* ---- user model files on the device ---------------------------------------------------------- */
/* A user's model file, Lorenz under the built-in's name (the device must still run the user's
 * file, not the built-in of the same name and size), written into a fresh cache folder, and
 * loaded. */
static char user_dir[64];
int nd_cuda_has_kernels(const nd_model *m, char *why, size_t len); /* gpu/ensemble_impl.h */
static void load_user_lorenz(nd_model_ref *ref)
{
    snprintf(user_dir, sizeof user_dir, "/tmp/nd-ens-user-XXXXXX");
    cr_assert_not_null(mkdtemp(user_dir));
    char path[128];
    snprintf(path, sizeof path, "%s/cache", user_dir);
    setenv("NEURODYN_CACHE", path, 1);
    snprintf(path, sizeof path, "%s/lorenz.c", user_dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("#include \"neurodyn/model.h\"\n"
          "ND_RHS(my_lorenz)\n"
          "{\n"
          "    dxdt[0] = p[0] * (x[1] - x[0]);\n"
          "    dxdt[1] = x[0] * (p[2] - x[2]) - x[1];\n"
          "    dxdt[2] = x[0] * x[1] - p[1] * x[2];\n"
          "}\n"
          "ND_KERNELS(my_lorenz, 3, 3)\n"
          "static const char *const v[] = {\"x\", \"y\", \"z\"}, *const pn[] = {\"sigma\", \"beta\", \"rho\"};\n"
          "static const double d[] = {10.0, 8.0 / 3.0, 28.0}, i0[] = {1.0, 1.0, 1.0};\n"
          "static const nd_model m = {.name = \"lorenz\", .n_vars = 3, .n_pars = 3, .var_names = v,\n"
          "    .par_names = pn, .par_defaults = d, .init = i0, .rhs = my_lorenz_rhs,\n"
          "    .kernels = &my_lorenz_kernels};\n"
          "ND_EXPORT_MODEL(m)\n",
          f);
    fclose(f);
    nd_error err;
    cr_assert_eq(nd_model_load(path, ref, &err), ND_OK, "%s", err.msg);
    cr_assert_str_eq(nd_model_source_file(ref->model), path);
    cr_expect_not_null(ref->model->kernels->ens_single, "the loader compiles the float pass too");
}

/* How many device builds the test's cache holds. */
static int device_builds_in_cache(void)
{
    char cmd[160];
    snprintf(cmd, sizeof cmd, "exit $(ls '%s'/cache/*.cuda.so 2>/dev/null | wc -l)", user_dir);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void remove_user_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", user_dir);
    cr_expect_eq(system(cmd), 0);
    unsetenv("NEURODYN_CACHE");
}

Test(ensemble, a_user_model_file_compiles_for_the_device)
{
    nd_model_ref ref;
    load_user_lorenz(&ref);
    char so[4200], again[4200];
    nd_error err;
    /* the user's "lorenz" is not mistaken for the built-in of the same name: asking whether the
     * device can run it builds the user's file (checkable without a device) */
    char why[512];
    if (nd_cuda_has_kernels(nd_builtin_find("lorenz"), why, sizeof why)) {
        cr_expect_eq(device_builds_in_cache(), 0);
        cr_expect_eq(nd_cuda_has_kernels(ref.model, why, sizeof why), 1, "%s", why);
        cr_expect_eq(device_builds_in_cache(), 1, "the device would run the built-in lorenz");
    }
    nd_status st = nd_cuda_build_model(ref.model, so, sizeof so, &err);
    if (st == ND_ECOMPILE && strncmp(err.msg, "no nvcc", 7) == 0) {
        nd_model_unload(&ref);
        remove_user_dir();
        cr_skip_test("device build skipped: %s", err.msg);
    }
    cr_assert_eq(st, ND_OK, "%s", err.msg);
    cr_expect_eq(device_builds_in_cache(), 1, "the user's lorenz, built for the device");
    /* cached by content: the second build is the same file */
    cr_assert_eq(nd_cuda_build_model(ref.model, again, sizeof again, &err), ND_OK, "%s", err.msg);
    cr_expect_str_eq(so, again);
    /* the library exports the entry the ensemble calls, which checks the sizes it is given */
    void *h = dlopen(so, RTLD_NOW | RTLD_LOCAL);
    cr_assert_not_null(h, "%s", dlerror());
    int (*run)(int, const nd_butcher *, size_t, size_t, const nd_ens_block *, char *, size_t);
    *(void **)&run = dlsym(h, "nd_cuda_model_run");
    cr_assert_not_null(run);
    char msg[256] = "";
    cr_expect_eq(run(ND_ENS_RK4, NULL, 2, 3, NULL, msg, sizeof msg), 1);
    cr_expect(strstr(msg, "lorenz has 3 variables and 3 parameters on the device, 2 and 3"), "%s", msg);
    dlclose(h);
    /* a file that is C but not C++ gets nvcc's own message */
    char bad[128];
    snprintf(bad, sizeof bad, "%s/c_only.c", user_dir);
    FILE *f = fopen(bad, "w");
    cr_assert_not_null(f);
    fputs("#include \"neurodyn/model.h\"\n"
          "ND_RHS(dec) { dxdt[0] = -p[0] * x[0]; }\n"
          "ND_KERNELS(dec, 1, 1)\n"
          "static const char *const v[] = {\"x\"}, *const pn[] = {\"k\"};\n"
          "static const double d[] = {0.5}, i0[] = {2.0};\n"
          "static const nd_model m = {.name = \"dec\", .n_pars = 1, .n_vars = 1, .var_names = v,\n"
          "    .par_names = pn, .par_defaults = d, .init = i0, .rhs = dec_rhs, .kernels = &dec_kernels};\n"
          "ND_EXPORT_MODEL(m)\n",
          f);
    fclose(f);
    nd_model_ref c_only;
    cr_assert_eq(nd_model_load(bad, &c_only, &err), ND_OK, "%s", err.msg); /* fine for the C compiler */
    cr_expect_eq(nd_cuda_build_model(c_only.model, so, sizeof so, &err), ND_ECOMPILE);
    cr_expect(strstr(err.msg, "for the CUDA device") && strstr(err.msg, "out-of-order"), "%s", err.msg);
    /* a refused build is remembered: the same message without running nvcc again */
    char first[ND_ERROR_MSG_LEN];
    snprintf(first, sizeof first, "%s", err.msg);
    cr_expect_eq(nd_cuda_build_model(c_only.model, so, sizeof so, &err), ND_ECOMPILE);
    cr_expect_str_eq(err.msg, first);
    /* a file edited after loading is refused: the device would run other equations */
    f = fopen(bad, "a");
    cr_assert_not_null(f);
    fputs("/* edited */\n", f);
    fclose(f);
    cr_expect_eq(nd_cuda_build_model(c_only.model, so, sizeof so, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "has changed since model dec was loaded"), "%s", err.msg);
    nd_model_unload(&c_only);
    /* built-in models are not compiled this way */
    cr_expect_eq(nd_cuda_build_model(nd_builtin_find("lorenz"), so, sizeof so, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "not loaded from a .c file"), "%s", err.msg);
    nd_model_unload(&ref);
    remove_user_dir();
}

Test(ensemble, a_user_model_file_on_the_gpu_agrees_with_the_cpu)
{
    char why[512];
    if (!nd_cuda_available(why, sizeof why)) cr_skip_test("GPU test skipped: %s", why);
    nd_model_ref ref;
    load_user_lorenz(&ref);
    expect_gpu_matches_cpu(ref.model, 1000);
    nd_model_unload(&ref);
    remove_user_dir();
}

/* ---- neurodyn sweep ------------------------------------------------------------------------- */
#include <jansson.h>

/* Runs `neurodyn ARGS` (ND_CLI, set by make test); stdout into out, returns the exit status. */
static int run_cli(const char *args, char *out, size_t len)
{
    const char *cli = getenv("ND_CLI");
    cr_assert_not_null(cli, "ND_CLI must name the neurodyn binary (make test sets it)");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' %s 2>/dev/null", cli, args);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    size_t got = fread(out, 1, len - 1, p);
    out[got] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(ensemble, sweep_json_shape)
{
    static char out[1 << 18];
    cr_assert_eq(run_cli("sweep fhn --par Iext=0:1:11 --t1 300 --device cpu --json", out, sizeof out), 0);
    json_error_t je;
    json_t *doc = json_loads(out, 0, &je);
    cr_assert_not_null(doc, "not JSON: %s", je.text);
    cr_expect_str_eq(json_string_value(json_object_get(doc, "model")), "fitzhugh_nagumo");
    json_t *pars = json_object_get(doc, "parameters"), *pts = json_object_get(doc, "points");
    cr_assert(json_is_array(pars) && json_array_size(pars) == 1);
    cr_expect_str_eq(json_string_value(json_array_get(pars, 0)), "Iext");
    cr_assert(json_is_array(pts) && json_array_size(pts) == 11, "%zu points", json_array_size(pts));
    int oscillating = 0;
    for (size_t i = 0; i < 11; i++) {
        json_t *pt = json_array_get(pts, i);
        cr_expect(fabs(json_number_value(json_object_get(pt, "Iext")) - 0.1 * (double)i) < 1e-12);
        json_t *mx = json_object_get(pt, "max"), *mn = json_object_get(pt, "min"), *T = json_object_get(pt, "period");
        cr_assert(json_is_object(mx) && json_is_object(mn) && json_object_get(mx, "V") && json_object_get(mn, "w"));
        cr_assert(json_is_integer(json_object_get(pt, "events")));
        cr_assert(json_is_null(T) || json_is_real(T));
        if (json_is_real(T)) oscillating++;
    }
    /* BrainPy's FHN oscillates between its Hopf points (I ~ 0.33 .. 1.42): 0.4 .. 1.0 */
    cr_expect(oscillating >= 6 && oscillating <= 8, "%d oscillating points", oscillating);
    cr_expect(json_is_null(json_object_get(json_array_get(pts, 0), "period")), "I = 0 rests");
    json_decref(doc);
}

Test(ensemble, sweep_tsv_columns_and_two_parameters)
{
    static char out[1 << 18];
    cr_assert_eq(run_cli("sweep fhn --par Iext=0:1:4 --par a=0.6:0.8:3 --t1 100", out, sizeof out), 0);
    char *line = strtok(out, "\n");
    cr_assert_not_null(line);
    cr_expect_str_eq(line, "Iext\ta\tmax_V\tmin_V\tmax_w\tmin_w\tperiod\tevents");
    int rows = 0;
    while ((line = strtok(NULL, "\n"))) {
        int cols = 1;
        for (const char *c = line; *c; c++) cols += *c == '\t';
        cr_expect_eq(cols, 8, "row %d: %s", rows, line);
        rows++;
    }
    cr_expect_eq(rows, 12);
    /* --lyapunov adds a column: Lorenz at rho = 28 is chaotic (lambda ~ 0.9), at 10 it is not */
    cr_assert_eq(run_cli("sweep lorenz --par rho=10:28:2 --lyapunov --t1 300 --transient 20", out, sizeof out), 0);
    line = strtok(out, "\n");
    /* one parameter: the count of local maxima of x (the orbit diagram's points), then lambda */
    cr_expect(line && strstr(line, "\tevents\tn_maxima\tlyapunov"), "header %s", line);
    double l10 = NAN, l28 = NAN;
    for (int k = 0; k < 2 && (line = strtok(NULL, "\n")); k++) {
        const char *last = strrchr(line, '\t');
        *(k ? &l28 : &l10) = last ? atof(last + 1) : NAN;
    }
    cr_expect(l10 < -0.1 && fabs(l28 - 0.9056) < 0.05, "lambda(10) = %g, lambda(28) = %g", l10, l28);
    /* bad usage: exit 2; --device cuda without a device: exit 1 */
    cr_expect_eq(run_cli("sweep fhn --par nope=0:1:4", out, sizeof out), 2);
    cr_expect_eq(run_cli("sweep fhn --par Iext=0:1:4 --precision half", out, sizeof out), 2);
    char why[256];
    if (!nd_cuda_available(why, sizeof why))
        cr_expect_eq(run_cli("sweep fhn --par Iext=0:1:4 --device cuda", out, sizeof out), 1);
}
