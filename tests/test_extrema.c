/* Local extrema of the ensemble (gpu/, kernels.h) and the orbit diagram of `neurodyn sweep`:
 * exact maxima of a harmonic oscillator, the lanes against the per-trajectory path bit for bit,
 * the cap, Hindmarsh–Rose's spike-adding checked against an independent spike count, the sweep's
 * extrema table and JSON, and the GPU path where a device exists. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_run.h"
#include "neurodyn/neurodyn.h"

/* n trajectories of m at its defaults, parameter par spread over [lo, hi] (par < 0: none). */
static void grid(const nd_model *m, size_t n, int par, double lo, double hi, double **P, double **X)
{
    *P = malloc(m->n_pars * n * sizeof **P), *X = malloc(m->n_vars * n * sizeof **X);
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < m->n_pars; k++) (*P)[k * n + i] = m->par_defaults[k];
        if (par >= 0) (*P)[(size_t)par * n + i] = n > 1 ? lo + (hi - lo) * (double)i / (double)(n - 1) : lo;
        for (size_t v = 0; v < m->n_vars; v++) (*X)[v * n + i] = m->init[v];
    }
}

static void run_ok(const nd_model *m, size_t n, const double *P, const double *X, const nd_ensemble_opts *o,
                   nd_ensemble_result *r)
{
    nd_error err;
    cr_assert_eq(nd_ensemble_run(m, n, P, n * m->n_pars, X, n * m->n_vars, o, r, &err), ND_OK, "%s", err.msg);
}

/* Van der Pol at mu = 0 is the harmonic oscillator x'' = -x: from (A, 0), x = A cos t, with
 * maxima A at t = 2 pi k and minima -A at (2k + 1) pi. */
static void expect_harmonic(const nd_ensemble_result *r, size_t i, double A, double transient, double t1, double tol_y,
                            double tol_t)
{
    size_t n = r->n;
    long want_max = 0, want_min = 0;
    for (int k = 0; 2 * M_PI * k <= t1; k++) want_max += 2 * M_PI * k >= transient;
    for (int k = 0; M_PI * (2 * k + 1) <= t1; k++) want_min += M_PI * (2 * k + 1) >= transient;
    cr_expect_eq(r->n_maxima[i], want_max, "maxima: %ld, expected %ld", r->n_maxima[i], want_max);
    cr_expect_eq(r->n_minima[i], want_min, "minima: %ld, expected %ld", r->n_minima[i], want_min);
    int k0 = (int)ceil(transient / (2 * M_PI));
    double worst_y = 0, worst_t = 0;
    for (long j = 0; j < r->n_maxima[i] && (size_t)j < r->max_extrema; j++) {
        worst_y = fmax(worst_y, fabs(r->maxima[(size_t)j * n + i] - A));
        worst_t = fmax(worst_t, fabs(r->maxima_t[(size_t)j * n + i] - 2 * M_PI * (k0 + j)));
    }
    int m0 = (int)ceil((transient / M_PI - 1) / 2);
    for (long j = 0; j < r->n_minima[i] && (size_t)j < r->max_extrema; j++) {
        worst_y = fmax(worst_y, fabs(r->minima[(size_t)j * n + i] + A));
        worst_t = fmax(worst_t, fabs(r->minima_t[(size_t)j * n + i] - M_PI * (2 * (m0 + j) + 1)));
    }
    cr_log_info("harmonic oscillator A = %g: worst value error %.2e, time error %.2e", A, worst_y, worst_t);
    cr_expect(worst_y < tol_y && worst_t < tol_t, "values off by %.3g, times by %.3g", worst_y, worst_t);
}

Test(extrema, harmonic_oscillator_maxima_are_exact)
{
    const nd_model *m = nd_builtin_find("van_der_pol");
    size_t n = 3;
    double *P, *X;
    grid(m, n, 0, 0.0, 0.0, &P, &X);
    for (size_t i = 0; i < n; i++) X[i] = 1.0 + (double)i; /* amplitudes 1, 2, 3 */
    const char *methods[] = {"rk4", "rkdp", "heun3"};
    /* the values carry the method's global error at t = 100 (heun3, third order at h = 0.01:
     * 4.1e-6 per unit of amplitude, measured), the times the location on the step's cubic */
    const double tol_y[] = {1e-10, 1e-7, 5e-6}, tol_t[] = {1e-7, 1e-5, 1e-3};
    for (int k = 0; k < 3; k++) {
        nd_ensemble_opts o;
        nd_ensemble_opts_init(&o);
        o.method = methods[k], o.t1 = 100, o.dt = k == 1 ? 0 : 0.01, o.transient = 10, o.device = ND_DEVICE_CPU;
        o.rtol = 1e-10, o.atol = 1e-12;
        o.event_var = 0, o.event_level = 0.5, o.extrema = ND_EXTREMA_BOTH, o.max_extrema = 32;
        nd_ensemble_result r;
        run_ok(m, n, P, X, &o, &r);
        cr_expect_eq(r.vectorised, k == 0, "%s: rk4 records extrema in the lanes, others per trajectory", methods[k]);
        for (size_t i = 0; i < n; i++) expect_harmonic(&r, i, X[i], o.transient, o.t1, tol_y[k] * X[i], tol_t[k]);
        nd_ensemble_result_free(&r);
    }
    free(P), free(X);
}

Test(extrema, the_cap_keeps_the_first_and_counts_all)
{
    const nd_model *m = nd_builtin_find("van_der_pol");
    double *P, *X;
    grid(m, 1, 0, 0.0, 0.0, &P, &X);
    nd_ensemble_opts o;
    nd_ensemble_opts_init(&o);
    o.t1 = 100, o.dt = 0.01, o.event_var = 0, o.extrema = ND_EXTREMA_MAX, o.max_extrema = 5;
    nd_ensemble_result r;
    run_ok(m, 1, P, X, &o, &r);
    cr_expect_eq(r.n_maxima[0], 15, "maxima at 2 pi k for k = 1..15 (t = 0 is the start, not a turn)");
    cr_expect_null(r.n_minima, "minima were not asked for");
    cr_expect(fabs(r.maxima_t[4] - 10 * M_PI) < 1e-6, "the fifth maximum at 10 pi: %.12g", r.maxima_t[4]);
    nd_ensemble_result_free(&r);
    /* bad requests */
    nd_error err;
    o.max_extrema = 0;
    cr_expect_eq(nd_ensemble_run(m, 1, P, 1, X, 2, &o, &r, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "max_extrema"), "%s", err.msg);
    o.max_extrema = 5, o.event_var = -1;
    cr_expect_eq(nd_ensemble_run(m, 1, P, 1, X, 2, &o, &r, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "event_var"), "%s", err.msg);
    o.event_var = 0, o.precision = ND_PRECISION_SINGLE;
    cr_expect_eq(nd_ensemble_run(m, 1, P, 1, X, 2, &o, &r, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "double precision"), "%s", err.msg);
    free(P), free(X);
}

Test(extrema, lanes_equal_the_per_trajectory_path_bitwise)
{
    /* The rk4 lanes and nd_solve take the same steps and the extremum of a step comes from the
     * same Hermite helpers: the same model without its lanes must give the same bits. */
    const nd_model *hr = nd_builtin_find("hindmarsh_rose");
    nd_model plain = *hr;
    plain.kernels = NULL;
    size_t n = 37;
    double *P, *X;
    grid(hr, n, 7, 1.0, 3.5, &P, &X);
    for (size_t i = 0; i < n; i++) P[6 * n + i] = 0.006;
    nd_ensemble_opts o;
    nd_ensemble_opts_init(&o);
    o.t1 = 600, o.dt = 0.02, o.transient = 300, o.event_var = 0, o.event_level = 0.0;
    o.extrema = ND_EXTREMA_BOTH, o.max_extrema = 64, o.device = ND_DEVICE_CPU;
    nd_ensemble_result a, b;
    run_ok(hr, n, P, X, &o, &a);
    run_ok(&plain, n, P, X, &o, &b);
    cr_assert(a.vectorised && !b.vectorised);
    size_t k = o.max_extrema * n;
    cr_expect(memcmp(a.n_maxima, b.n_maxima, n * sizeof(long)) == 0 && memcmp(a.n_minima, b.n_minima, n * sizeof(long)) == 0);
    cr_expect(memcmp(a.maxima, b.maxima, k * sizeof(double)) == 0 && memcmp(a.maxima_t, b.maxima_t, k * sizeof(double)) == 0);
    cr_expect(memcmp(a.minima, b.minima, k * sizeof(double)) == 0 && memcmp(a.minima_t, b.minima_t, k * sizeof(double)) == 0);
    long total = 0;
    for (size_t i = 0; i < n; i++) total += a.n_maxima[i];
    /* bursts of 1 to 4 spikes with periods of 50 to 150 over 300 time units: 216 (measured) */
    cr_expect(total > 4 * (long)n, "%ld maxima in all", total);
    nd_ensemble_result_free(&a), nd_ensemble_result_free(&b);
    free(P), free(X);
}

/* Distinct values among the maxima of trajectory i (closer than tol: one). */
static int distinct_maxima(const nd_ensemble_result *r, size_t i, double tol)
{
    double seen[256];
    int k = 0;
    size_t kept = (size_t)r->n_maxima[i] < r->max_extrema ? (size_t)r->n_maxima[i] : r->max_extrema;
    for (size_t j = 0; j < kept && k < 256; j++) {
        double y = r->maxima[j * r->n + i];
        int known = 0;
        for (int q = 0; q < k; q++) known |= fabs(seen[q] - y) < tol;
        if (!known) seen[k++] = y;
    }
    return k;
}

Test(extrema, hindmarsh_rose_spike_adding_matches_an_independent_spike_count)
{
    /* Hindmarsh–Rose with r = 0.006 (the classic chaotic set) bursts with 2, 3 and 4 spikes at
     * I = 1.8, 2.4 and 2.75: a periodic burst of k spikes has k distinct maxima of x, which is
     * what an orbit diagram draws. The spikes per burst from the fast-slow analysis (rkdp at
     * rtol 1e-8, crossings of mid-range and gaps between bursts: another integrator and another
     * algorithm) must agree. I = 3.1 lies in the chaotic window (positive Lyapunov exponent,
     * test_ensemble.c sweeps): many distinct maxima. */
    const nd_model *hr = nd_builtin_find("hindmarsh_rose");
    const double I[] = {1.8, 2.4, 2.75, 3.1};
    size_t n = 4;
    double *P, *X;
    grid(hr, n, -1, 0, 0, &P, &X);
    for (size_t i = 0; i < n; i++) P[6 * n + i] = 0.006, P[7 * n + i] = I[i];
    nd_ensemble_opts o;
    nd_ensemble_opts_init(&o);
    o.t1 = 3000, o.dt = 0.01, o.transient = 1500, o.event_var = 0, o.event_level = 0.0;
    o.extrema = ND_EXTREMA_MAX, o.max_extrema = 400, o.device = ND_DEVICE_CPU;
    nd_ensemble_result r;
    run_ok(hr, n, P, X, &o, &r);
    for (size_t i = 0; i < 3; i++) {
        double p[8];
        for (size_t k = 0; k < 8; k++) p[k] = P[k * n + i];
        nd_fs_opts fo;
        nd_fs_opts_init(&fo);
        fo.cycles = 0, fo.t1 = 3000, fo.transient = 1500;
        nd_fast_slow d;
        nd_error err;
        cr_assert_eq(nd_fast_slow_analyse(hr, p, &fo, &d, &err), ND_OK, "%s", err.msg);
        int k = distinct_maxima(&r, i, 1e-3);
        cr_log_info("HR I = %g: %d distinct maxima of x, fast-slow: %.3g spikes per burst", I[i], k, d.spikes_per_burst);
        cr_expect_eq(d.activity, ND_FS_BURSTING);
        cr_expect_eq(k, (int)lround(d.spikes_per_burst), "I = %g: %d distinct maxima, %.3g spikes per burst", I[i], k,
                     d.spikes_per_burst);
        cr_expect_eq(k, (int)i + 2, "I = %g: %d spikes per burst", I[i], k);
        nd_fast_slow_free(&d);
    }
    int chaos = distinct_maxima(&r, 3, 1e-3);
    cr_expect(chaos > 20, "I = 3.1: %d distinct maxima", chaos);
    nd_ensemble_result_free(&r);
    free(P), free(X);
}

Test(extrema, stochastic_paths_take_the_peak_sample)
{
    /* SDE paths have no slope: the maximum is a sample above both neighbours. The harmonic
     * oscillator with tiny additive noise (Euler-Maruyama, dt = 1e-3): maxima near 2 pi k. */
    const nd_model *m = nd_builtin_find("van_der_pol");
    double *P, *X;
    grid(m, 1, 0, 0.0, 0.0, &P, &X);
    nd_ensemble_opts o;
    nd_ensemble_opts_init(&o);
    o.method = "euler", o.noise = 1e-9, o.seed = 7, o.t1 = 30, o.dt = 1e-3, o.transient = 1;
    o.event_var = 0, o.extrema = ND_EXTREMA_MAX, o.max_extrema = 8;
    nd_ensemble_result r;
    run_ok(m, 1, P, X, &o, &r);
    cr_expect_eq(r.n_maxima[0], 4, "maxima at 2 pi k, k = 1..4: %ld", r.n_maxima[0]);
    for (int j = 0; j < 4 && j < r.n_maxima[0]; j++)
        cr_expect(fabs(r.maxima_t[j] - 2 * M_PI * (j + 1)) < 2e-3, "maximum %d at %.6g", j, r.maxima_t[j]);
    nd_ensemble_result_free(&r);
    free(P), free(X);
}

Test(extrema, cuda_extrema_agree_with_the_cpu)
{
    char why[512];
    if (!nd_cuda_available(why, sizeof why)) cr_skip_test("GPU test skipped: %s", why);
    const nd_model *hr = nd_builtin_find("hindmarsh_rose");
    size_t n = 1000;
    double *P, *X;
    grid(hr, n, 7, 1.0, 3.5, &P, &X);
    nd_ensemble_opts o;
    nd_ensemble_opts_init(&o);
    o.t1 = 400, o.dt = 0.02, o.transient = 200, o.event_var = 0, o.extrema = ND_EXTREMA_BOTH, o.max_extrema = 50;
    nd_ensemble_result c, g;
    o.device = ND_DEVICE_CPU;
    run_ok(hr, n, P, X, &o, &c);
    o.device = ND_DEVICE_CUDA;
    run_ok(hr, n, P, X, &o, &g);
    cr_assert_eq(g.device, ND_DEVICE_CUDA);
    double worst = 0;
    for (size_t i = 0; i < n; i++) {
        cr_expect_eq(g.n_maxima[i], c.n_maxima[i], "trajectory %zu", i);
        cr_expect_eq(g.n_minima[i], c.n_minima[i], "trajectory %zu", i);
    }
    for (size_t k = 0; k < 50 * n; k++)
        if (isfinite(c.maxima[k])) worst = fmax(worst, fabs(g.maxima[k] - c.maxima[k]));
    cr_expect(worst < 1e-9, "GPU vs CPU maxima: %.3g", worst);
    nd_ensemble_result_free(&c), nd_ensemble_result_free(&g);
    free(P), free(X);
}

/* ---- neurodyn sweep ---------------------------------------------------------------------------- */

Test(extrema, sweep_writes_one_row_per_maximum)
{
    char dir[256], out[1 << 16];
    cli_tmpdir_make(dir);
    cr_assert_eq(cli_run_in(dir, "sweep hr --set r=0.006 --par I=1.8:2.4:2 --t1 2000 --transient 1000 --dt 0.02 "
                                  "--out hr.tsv"), 0);
    char path[512];
    snprintf(path, sizeof path, "%s/hr.tsv", dir);
    cli_slurp(path, out, sizeof out);
    cr_expect(strncmp(out, "I\tmax_x\tmin_x", 13) == 0 && strstr(out, "\tperiod\tevents\tn_maxima\n"), "%.200s", out);
    snprintf(path, sizeof path, "%s/hr.extrema.tsv", dir);
    cli_slurp(path, out, sizeof out);
    cr_assert(strncmp(out, "I\tvariable\tkind\tvalue\tt\n", 24) == 0, "%.200s", out);
    int rows = 0, at_18 = 0;
    for (char *line = strchr(out, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
        double I, v, t;
        char var[16], kind[8];
        cr_assert_eq(sscanf(line + 1, "%lf\t%15s\t%7s\t%lf\t%lf", &I, var, kind, &v, &t), 5, "%.80s", line + 1);
        cr_expect_str_eq(var, "x");
        cr_expect_str_eq(kind, "max");
        cr_expect(t >= 1000 && t <= 2000 && v > -2 && v < 2.5, "row %d: t %g, x %g", rows, t, v);
        rows++, at_18 += I == 1.8;
    }
    cr_expect(at_18 > 10 && rows > 2 * at_18 - at_18 / 2, "%d rows, %d at I = 1.8", rows, at_18);
    /* --extrema both with --extrema-out, JSON with the values; --extrema none writes no table */
    cr_assert_eq(cli_run_in(dir, "sweep hr --par I=2:2:1 --t1 400 --extrema both --max-extrema 3 --extrema-out e.tsv "
                                  "--json"), 0);
    snprintf(path, sizeof path, "%s/stdout", dir);
    cli_slurp(path, out, sizeof out);
    json_error_t je;
    json_t *doc = json_loads(out, 0, &je);
    cr_assert_not_null(doc, "%s", je.text);
    json_t *pt = json_array_get(json_object_get(doc, "points"), 0);
    cr_expect_eq(json_array_size(json_object_get(pt, "maxima")), 3);
    cr_expect_eq(json_array_size(json_object_get(pt, "minima")), 3);
    cr_expect(json_integer_value(json_object_get(pt, "n_maxima")) > 3);
    cr_expect_str_eq(json_string_value(json_object_get(doc, "extrema_file")), "e.tsv");
    json_decref(doc);
    snprintf(path, sizeof path, "%s/e.tsv", dir);
    cli_slurp(path, out, sizeof out);
    cr_expect(strstr(out, "\tmin\t") && strstr(out, "\tmax\t"), "%.200s", out);
    cr_assert_eq(cli_run_in(dir, "sweep hr --par I=2:2:1 --t1 100 --extrema none --out n.tsv"), 0);
    snprintf(path, sizeof path, "%s/n.extrema.tsv", dir);
    cli_slurp(path, out, sizeof out);
    cr_expect_str_eq(out, "", "no extrema table without extrema");
    cr_expect_eq(cli_run_in(dir, "sweep hr --par I=2:2:1 --extrema most"), 2);
    cr_expect_eq(cli_run_in(dir, "sweep hr --par I=2:2:1 --extrema none --extrema-out e.tsv"), 2);
    cli_tmpdir_remove(dir);
}

typedef struct spike_log {
    double t[256];
    int n;
} spike_log;

static int log_spike(int id, double t, const double *x, void *ctx)
{
    (void)x;
    spike_log *s = ctx;
    if (id == ND_EVENT_SPIKE && t >= 200 && s->n < 256) s->t[s->n++] = t;
    return 0;
}

Test(extrema, reset_models_run_with_their_spike_rule)
{
    /* Izhikevich's neuron resets v at 30 mV (regression: the ensemble ignored the rule and 331
     * of 400 trajectories of the report's orbit diagram diverged). Each spike is one maximum
     * (the state at threshold, before the reset), one crossing of -20 mV, and the period is the
     * last inter-spike interval of the single-trajectory driver's spikes. */
    const nd_model *m = nd_builtin_find("izhikevich");
    int iI = nd_model_par_index(m, "I", NULL);
    size_t n = 3;
    double *P, *X;
    grid(m, n, iI, 5.0, 15.0, &P, &X);
    nd_ensemble_opts o;
    nd_ensemble_opts_init(&o);
    o.t1 = 400, o.dt = 0.01, o.transient = 200, o.device = ND_DEVICE_CPU;
    o.event_var = 0, o.event_level = -20, o.extrema = ND_EXTREMA_MAX, o.max_extrema = 64;
    nd_ensemble_result r;
    run_ok(m, n, P, X, &o, &r);
    cr_expect_eq(r.n_failed, 0, "no trajectory diverges");
    cr_expect(!r.vectorised, "a spike rule runs on the driver");
    for (size_t i = 0; i < n; i++) {
        double p[16], x[2] = {X[i], X[n + i]};
        for (size_t k = 0; k < m->n_pars; k++) p[k] = P[k * n + i];
        spike_log s = {.n = 0};
        nd_solve_opts so;
        nd_solve_opts_init(&so);
        so.method = "rk4", so.dt = 0.01, so.on_event = log_spike, so.ctx = &s;
        nd_error err;
        cr_assert_eq(nd_solve(m, p, 0, 400, x, &so, NULL, &err), ND_OK, "%s", err.msg);
        cr_assert(s.n >= 2, "I = %g: %d spikes after t = 200", p[iI], s.n);
        cr_expect_eq(r.events[i], s.n, "I = %g: crossings", p[iI]);
        cr_expect_eq(r.n_maxima[i], s.n, "I = %g: maxima", p[iI]);
        cr_expect(fabs(r.period[i] - (s.t[s.n - 1] - s.t[s.n - 2])) < 1e-6, "period %.12g, ISI %.12g", r.period[i],
                  s.t[s.n - 1] - s.t[s.n - 2]);
        for (long j = 0; j < r.n_maxima[i]; j++) {
            cr_expect(fabs(r.maxima[(size_t)j * n + i] - 30.0) < 1e-9, "a peak at %.12g mV", r.maxima[(size_t)j * n + i]);
            cr_expect(fabs(r.maxima_t[(size_t)j * n + i] - s.t[j]) < 1e-12, "at t = %.12g", r.maxima_t[(size_t)j * n + i]);
        }
        cr_expect(fabs(r.x_max[i] - 30.0) < 1e-9, "max v %.15g", r.x_max[i]);
    }
    nd_ensemble_result_free(&r);
    free(P), free(X);
}
