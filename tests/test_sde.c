/* SDE integrators: strong and weak orders, Itô vs Stratonovich, reproducible Philox noise.
 * Every statistical check uses fixed seeds and a tolerance of several standard errors of the
 * sample, so results are deterministic and the bounds follow from the sample size. */
#include <criterion/criterion.h>
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "neurodyn/neurodyn.h"

/* ---- geometric Brownian motion dX = mu X dt + s X dW ----------------------------------------- */
typedef struct gbm {
    double mu, s;
} gbm;

static void gbm_f(double t, const double *x, double *dx, void *ctx)
{
    (void)t;
    const gbm *c = ctx;
    dx[0] = c->mu * x[0];
}

static void gbm_g(double t, const double *x, double *g, void *ctx)
{
    (void)t;
    const gbm *c = ctx;
    g[0] = c->s * x[0];
}

static void gbm_gjac(double t, const double *x, double *j, void *ctx)
{
    (void)t, (void)x;
    const gbm *c = ctx;
    j[0] = c->s;
}

enum { FINE = 1 << 10, PATHS = 1000 };

/* Mean |X_T - exact| over PATHS paths with step T/coarse, the Wiener increments summed from
 * one fine path per sample (the same Brownian path at every step size). exact() maps W_T. */
static double strong_error(const char *method, nd_sde_kind kind, const gbm *c, int coarse,
                           double (*exact)(const gbm *, double), int use_jacobian)
{
    const nd_sde_method *m = nd_sde_method_find(method, NULL);
    cr_assert_not_null(m);
    nd_sde_system sys = {1, 1, ND_NOISE_SCALAR, kind, gbm_f, gbm_g, use_jacobian ? gbm_gjac : NULL,
                         NULL, (void *)c};
    nd_sde_stepper *st;
    nd_error err;
    cr_assert_eq(nd_sde_stepper_alloc(m, &sys, &st, &err), ND_OK, "%s", err.msg);
    const double T = 1.0, hf = T / FINE, h = T / coarse;
    const int per = FINE / coarse;
    double total = 0.0;
    for (int path = 0; path < PATHS; path++) {
        double x = 1.0, W = 0.0;
        for (int k = 0; k < coarse; k++) {
            double dW = 0.0, z[2];
            for (int j = 0; j < per; j++) {
                nd_philox_normals(2024, (uint64_t)path, (uint64_t)(k * per + j), 1, z);
                dW += sqrt(hf) * z[0];
            }
            nd_philox_normals(7, (uint64_t)path, (uint64_t)k, 1, z); /* dZ: independent */
            double dZ = sqrt(h) * z[0];
            cr_assert_eq(nd_sde_stepper_step(st, k * h, h, &x, &dW, &dZ, &err), ND_OK, "%s", err.msg);
            W += dW;
        }
        total += fabs(x - exact(c, W));
    }
    nd_sde_stepper_free(st);
    return total / PATHS;
}

/* Itô: X_T = exp((mu - s^2/2) T + s W_T); Stratonovich: exp(mu T + s W_T) (Kloeden & Platen
 * 1992, eq. 4.4.6 and 4.9.7), T = 1. */
static double gbm_ito(const gbm *c, double W) { return exp(c->mu - 0.5 * c->s * c->s + c->s * W); }
static double gbm_strat(const gbm *c, double W) { return exp(c->mu + c->s * W); }

static double fitted_slope(const double *h, const double *e, int n)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int i = 0; i < n; i++) {
        double lx = log(h[i]), ly = log(e[i]);
        sx += lx, sy += ly, sxx += lx * lx, sxy += lx * ly;
    }
    return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

static double strong_order(const char *method, nd_sde_kind kind, double (*exact)(const gbm *, double),
                           int use_jacobian)
{
    gbm c = {1.0, 0.5};
    double h[5], e[5];
    for (int i = 0; i < 5; i++) {
        int coarse = 16 << i; /* h = 2^-4 .. 2^-8 */
        h[i] = 1.0 / coarse;
        e[i] = strong_error(method, kind, &c, coarse, exact, use_jacobian);
    }
    double p = fitted_slope(h, e, 5);
    cr_log_info("%s: strong order %.3f (errors %.3g .. %.3g)", method, p, e[0], e[4]);
    return p;
}

/* Tolerance 0.15 on each fitted order: 1000 paths put the Monte-Carlo error of each strong
 * error estimate near 3% (measured spread of the fits across seeds: about 0.05). */
Test(sde, euler_maruyama_has_strong_order_one_half)
{
    double p = strong_order("euler", ND_ITO, gbm_ito, 0);
    cr_expect(fabs(p - 0.5) < 0.15, "observed %.3f", p);
}

Test(sde, milstein_has_strong_order_one)
{
    double p = strong_order("milstein", ND_ITO, gbm_ito, 1);
    cr_expect(fabs(p - 1.0) < 0.15, "with the diffusion Jacobian: observed %.3f", p);
    p = strong_order("milstein", ND_ITO, gbm_ito, 0);
    cr_expect(fabs(p - 1.0) < 0.15, "derivative-free: observed %.3f", p);
    p = strong_order("KlPl_scalar", ND_ITO, gbm_ito, 0);
    cr_expect(fabs(p - 1.0) < 0.15, "KlPl_scalar: observed %.3f", p);
    p = strong_order("milstein", ND_STRATONOVICH, gbm_strat, 1);
    cr_expect(fabs(p - 1.0) < 0.15, "Stratonovich Milstein: observed %.3f", p);
}

Test(sde, roessler_sri_schemes_have_strong_order_one_and_a_half)
{
    double p = strong_order("srk1w1_scalar", ND_ITO, gbm_ito, 0);
    cr_expect(fabs(p - 1.5) < 0.15, "srk1w1_scalar: observed %.3f", p);
    p = strong_order("srk2w1_scalar", ND_ITO, gbm_ito, 0);
    cr_expect(fabs(p - 1.5) < 0.15, "srk2w1_scalar: observed %.3f", p);
}

/* The Itô–Stratonovich drift correction: the Stratonovich SDE dX = mu X dt + s X o dW is the
 * Itô SDE with drift (mu + s^2/2) X. Heun on the first and Milstein on the second both
 * approach exp(mu T + s W_T), and Heun is far from the Itô solution of the uncorrected drift. */
static double heun_vs(double (*exact)(const gbm *, double))
{
    gbm c = {1.0, 0.5};
    return strong_error("heun", ND_STRATONOVICH, &c, 256, exact, 0);
}

Test(sde, ito_stratonovich_drift_correction)
{
    double to_strat = heun_vs(gbm_strat), to_ito = heun_vs(gbm_ito);
    gbm corrected = {1.0 + 0.5 * 0.25, 0.5};
    double ito_corrected = strong_error("milstein", ND_ITO, &corrected, 256, gbm_ito, 1);
    /* gbm_ito of the corrected drift is exp(mu T + s W_T): the Stratonovich solution */
    cr_expect(to_strat < 0.01, "heun vs Stratonovich solution: %.3g", to_strat);
    cr_expect(ito_corrected < 0.01, "Ito with corrected drift vs the same: %.3g", ito_corrected);
    /* E|e^{s^2/2} - 1| X ~ 0.13 e^{mu} apart: the interpretations are distinguished */
    cr_expect(to_ito > 0.2, "heun vs Ito solution: %.3g", to_ito);
}

/* ---- weak order on Ornstein–Uhlenbeck dX = -theta X dt + sigma dW ----------------------------- */
typedef struct ou {
    double theta, sigma;
} ou;

static void ou_f(double t, const double *x, double *dx, void *ctx)
{
    (void)t;
    dx[0] = -((const ou *)ctx)->theta * x[0];
}

static void ou_g(double t, const double *x, double *g, void *ctx)
{
    (void)t, (void)x;
    g[0] = ((const ou *)ctx)->sigma;
}

Test(sde, euler_maruyama_weak_order_one_on_ornstein_uhlenbeck)
{
    /* E[X_T] = x0 e^{-theta T}, Var[X_T] = sigma^2 (1 - e^{-2 theta T}) / (2 theta) (Gardiner,
     * Handbook of Stochastic Methods, 4.4.4). The same Brownian paths drive every step size, so
     * the sampling noise is common to all and the bias shows its order. */
    ou c = {1.0, 0.5};
    enum { N = 20000, FINEST = 128, LEVELS = 5 };
    const double T = 1.0, x0 = 1.0;
    const double mean_exact = x0 * exp(-c.theta * T);
    const double var_exact = c.sigma * c.sigma * (1 - exp(-2 * c.theta * T)) / (2 * c.theta);
    const nd_sde_method *em = nd_sde_method_find("euler", NULL);
    nd_sde_system sys = {1, 1, ND_NOISE_SCALAR, ND_ITO, ou_f, ou_g, NULL, NULL, &c};
    nd_sde_stepper *st;
    cr_assert_eq(nd_sde_stepper_alloc(em, &sys, &st, NULL), ND_OK);
    double hs[LEVELS], means[LEVELS], vars[LEVELS];
    for (int level = 0; level < LEVELS; level++) {
        int steps = 8 << level, per = FINEST / steps;
        double h = T / steps, sum = 0, sum2 = 0;
        for (int path = 0; path < N; path++) {
            double x = x0;
            for (int k = 0; k < steps; k++) {
                double dW = 0, z[1];
                for (int j = 0; j < per; j++) {
                    nd_philox_normals(99, (uint64_t)path, (uint64_t)(k * per + j), 1, z);
                    dW += sqrt(T / FINEST) * z[0];
                }
                nd_sde_stepper_step(st, k * h, h, &x, &dW, NULL, NULL);
            }
            sum += x, sum2 += x * x;
        }
        double mean = sum / N, var = sum2 / N - mean * mean;
        /* Euler–Maruyama on OU is linear: its own moments are exact, (1 - theta h)^n x0 and
         * sigma^2 h sum_k (1 - theta h)^{2k} */
        double q = 1 - c.theta * h, mean_em = x0 * pow(q, steps);
        double var_em = c.sigma * c.sigma * h * (1 - pow(q, 2 * steps)) / (1 - q * q);
        double se_mean = sqrt(var_em / N), se_var = var_em * sqrt(2.0 / (N - 1));
        cr_expect(fabs(mean - mean_em) < 5 * se_mean, "h=%g mean %.5f, EM's exact %.5f (5 se = %.2g)", h,
                  mean, mean_em, 5 * se_mean);
        cr_expect(fabs(var - var_em) < 5 * se_var, "h=%g var %.5f, EM's exact %.5f", h, var, var_em);
        hs[level] = h, means[level] = mean, vars[level] = var;
        cr_log_info("h=%g: mean error %.3g, variance error %.3g", h, fabs(mean - mean_exact),
                    fabs(var - var_exact));
    }
    nd_sde_stepper_free(st);
    /* The weak error is c h + O(h^2), so the change between consecutive step sizes is c h/2:
     * those differences come from the same Brownian paths, so their sampling noise cancels
     * (it does not in the error against the exact moments, which at h = 1/128 is below one
     * standard error), and their slope is the weak order. */
    double dm[LEVELS - 1], dv[LEVELS - 1];
    for (int l = 0; l < LEVELS - 1; l++) dm[l] = fabs(means[l] - means[l + 1]), dv[l] = fabs(vars[l] - vars[l + 1]);
    double pm = fitted_slope(hs, dm, LEVELS - 1), pv = fitted_slope(hs, dv, LEVELS - 1);
    cr_expect(fabs(pm - 1.0) < 0.2, "weak order of E[X_T]: %.3f", pm);
    cr_expect(fabs(pv - 1.0) < 0.2, "weak order of Var[X_T]: %.3f", pv);
    cr_log_info("weak orders: mean %.3f, variance %.3f", pm, pv);
    cr_expect(fabs(means[LEVELS - 1] - mean_exact) < 0.01 && fabs(vars[LEVELS - 1] - var_exact) < 0.01,
              "h = 1/128 is close to the exact moments");
}

/* ---- the generator ---------------------------------------------------------------------------- */
Test(sde, philox_normals_have_unit_moments)
{
    enum { N = 200000 };
    double s1 = 0, s2 = 0, s4 = 0, lag = 0, prev = 0, z[8];
    for (int i = 0; i < N / 8; i++) {
        nd_philox_normals(5, 0, (uint64_t)i, 8, z);
        for (int k = 0; k < 8; k++) {
            s1 += z[k], s2 += z[k] * z[k], s4 += z[k] * z[k] * z[k] * z[k];
            lag += z[k] * prev, prev = z[k];
        }
    }
    /* standard errors: mean 1/sqrt(N), second moment sqrt(2/N), fourth sqrt(96/N), lag-1
     * product 1/sqrt(N); tolerance 5 standard errors */
    double n = N;
    cr_expect(fabs(s1 / n) < 5 / sqrt(n), "mean %.4g", s1 / n);
    cr_expect(fabs(s2 / n - 1) < 5 * sqrt(2 / n), "E z^2 = %.4g", s2 / n);
    cr_expect(fabs(s4 / n - 3) < 5 * sqrt(96 / n), "E z^4 = %.4g", s4 / n);
    cr_expect(fabs(lag / n) < 5 / sqrt(n), "lag-1 correlation %.4g", lag / n);
}

/* ---- reproducibility through nd_solve ---------------------------------------------------------- */
static void run_path(unsigned long long seed, unsigned long long traj, double *x)
{
    const nd_model *m = nd_builtin_find("stochastic_fhn");
    cr_assert_not_null(m);
    double p[5];
    nd_model_default_params(m, p);
    nd_model_default_state(m, x);
    nd_solve_opts o;
    nd_solve_opts_init(&o);
    o.dt = 0.01, o.seed = seed, o.trajectory = traj;
    nd_error err;
    cr_assert_eq(nd_solve(m, p, 0.0, 50.0, x, &o, NULL, &err), ND_OK, "%s", err.msg);
}

Test(sde, same_seed_same_path_different_seed_different_path)
{
    double a[2], b[2], c[2], d[2];
    run_path(1, 0, a);
    run_path(1, 0, b);
    run_path(2, 0, c);
    run_path(1, 1, d);
    cr_expect(memcmp(a, b, sizeof a) == 0, "same seed: %.17g vs %.17g", a[0], b[0]);
    cr_expect(a[0] != c[0] && a[1] != c[1], "another seed gives another path");
    cr_expect(a[0] != d[0] && a[1] != d[1], "another trajectory index gives another path");
}

typedef struct slice {
    int first, count;
    double *out;
} slice;

static void *run_slice(void *arg)
{
    slice *s = arg;
    for (int i = 0; i < s->count; i++) run_path(11, (unsigned long long)(s->first + i), s->out + 2 * (s->first + i));
    return NULL;
}

Test(sde, results_do_not_depend_on_the_thread_count)
{
    enum { PATHS_N = 8 };
    double serial[2 * PATHS_N], threaded[2 * PATHS_N];
    slice all = {0, PATHS_N, serial};
    run_slice(&all);
    /* three threads over uneven slices, trajectories in a different order of completion */
    slice parts[3] = {{0, 3, threaded}, {3, 1, threaded}, {4, 4, threaded}};
    pthread_t th[3];
    for (int i = 0; i < 3; i++) cr_assert_eq(pthread_create(&th[i], NULL, run_slice, &parts[i]), 0);
    for (int i = 0; i < 3; i++) pthread_join(th[i], NULL);
    cr_expect(memcmp(serial, threaded, sizeof serial) == 0, "threaded paths differ from the serial ones");
}

/* ---- refusals ----------------------------------------------------------------------------------- */
Test(sde, unsupported_combinations_are_refused_with_the_support_list)
{
    nd_error err;
    const nd_sde_method *heun = nd_sde_method_find("heun", NULL);
    cr_expect_eq(nd_sde_check_support(heun, ND_NOISE_DIAGONAL, ND_ITO, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "Stratonovich scalar noise"), "%s", err.msg);
    const nd_sde_method *srk = nd_sde_method_find("srk2w1_scalar", NULL);
    cr_expect_eq(nd_sde_check_support(srk, ND_NOISE_GENERAL, ND_ITO, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "general") && strstr(err.msg, "Ito scalar noise"), "%s", err.msg);
    cr_expect_eq(nd_sde_check_support(srk, ND_NOISE_SCALAR, ND_STRATONOVICH, &err), ND_EINVAL);
    cr_expect_null(nd_sde_method_find("rk4", &err));
    cr_expect(strstr(err.msg, "milstein"), "%s", err.msg);
    /* through nd_solve: the noisy Lorenz model is Itô, so heun is refused */
    const nd_model *m = nd_builtin_find("noisy_lorenz");
    double p[4], x[3];
    nd_model_default_params(m, p);
    nd_model_default_state(m, x);
    nd_solve_opts o;
    nd_solve_opts_init(&o);
    o.method = "heun", o.dt = 0.01;
    cr_expect_eq(nd_solve(m, p, 0, 1, x, &o, NULL, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "noisy_lorenz") && strstr(err.msg, "heun"), "%s", err.msg);
    o.method = NULL, o.dt = 0;
    cr_expect_eq(nd_solve(m, p, 0, 1, x, &o, NULL, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "dt = 0"), "%s", err.msg);
}

Test(sde, every_method_runs_every_supported_zoo_combination)
{
    /* noisy Lorenz (Itô, diagonal) with each Itô-capable method, and additive noise on FHN */
    const nd_model *m = nd_builtin_find("noisy_lorenz");
    double p[4];
    nd_model_default_params(m, p);
    for (size_t i = 0; i < nd_sde_method_count(); i++) {
        const nd_sde_method *meth = nd_sde_method_at(i);
        if (!(meth->support & ND_SDE_SUPPORT(ND_ITO, ND_NOISE_DIAGONAL))) continue;
        double x[3];
        nd_model_default_state(m, x);
        nd_solve_opts o;
        nd_solve_opts_init(&o);
        o.method = meth->name, o.dt = 1e-3;
        nd_error err;
        cr_expect_eq(nd_solve(m, p, 0, 2, x, &o, NULL, &err), ND_OK, "%s: %s", meth->name, err.msg);
        /* the attractor's bounding box (Lorenz 1963): the noise is 10% of the state */
        cr_expect(fabs(x[0]) < 30 && fabs(x[1]) < 40 && x[2] > 0 && x[2] < 60, "%s: (%g, %g, %g)",
                  meth->name, x[0], x[1], x[2]);
    }
}

Test(sde, zoo_diffusion_jacobians_match_finite_differences)
{
    int checked = 0;
    for (size_t k = 0; k < nd_builtin_count(); k++) {
        const nd_model *m = nd_builtin_at(k);
        if (!m->diffusion_jac) continue;
        size_t n = m->n_vars;
        double p[16], x[8], g1[8], g2[8], jac[64];
        nd_model_default_params(m, p);
        for (size_t i = 0; i < n; i++) x[i] = m->init[i] + 0.3 * (double)(i + 1);
        m->diffusion_jac(0.0, x, p, jac);
        for (size_t j = 0; j < n; j++) {
            double h = 1e-6 * fmax(1.0, fabs(x[j])), xj = x[j];
            x[j] = xj + h, m->diffusion(0.0, x, p, g1);
            x[j] = xj - h, m->diffusion(0.0, x, p, g2);
            x[j] = xj;
            for (size_t i = 0; i < n; i++) {
                double fd = (g1[i] - g2[i]) / (2 * h);
                /* central differences of these linear/constant g are exact up to rounding */
                cr_expect(fabs(fd - jac[i * n + j]) < 1e-8 * fmax(1.0, fabs(fd)), "%s dg%zu/dx%zu: %g vs %g",
                          m->name, i, j, jac[i * n + j], fd);
            }
        }
        checked++;
    }
    cr_expect_eq(checked, 2, "noisy_lorenz and stochastic_fhn");
}

Test(sde, a_continued_run_equals_one_long_run)
{
    /* step k of a run from t0 draws the noise of grid step t0/dt + k */
    const nd_model *m = nd_builtin_find("stochastic_fhn");
    double p[5], a[2], b[2];
    nd_model_default_params(m, p);
    nd_model_default_state(m, a);
    nd_model_default_state(m, b);
    nd_solve_opts o;
    nd_solve_opts_init(&o);
    o.dt = 0.01, o.seed = 3;
    cr_assert_eq(nd_solve(m, p, 0.0, 10.0, a, &o, NULL, NULL), ND_OK);
    cr_assert_eq(nd_solve(m, p, 0.0, 5.0, b, &o, NULL, NULL), ND_OK);
    cr_assert_eq(nd_solve(m, p, 5.0, 10.0, b, &o, NULL, NULL), ND_OK);
    for (int i = 0; i < 2; i++) cr_expect(fabs(a[i] - b[i]) < 1e-12, "%.17g vs %.17g", a[i], b[i]);
}

/* General noise: n = 2 variables driven by m = 3 Wiener processes through a 2 x 3 matrix. */
static void zero_f(double t, const double *x, double *dx, void *ctx)
{
    (void)t, (void)x, (void)ctx;
    dx[0] = dx[1] = 0.0;
}

static void matrix_g(double t, const double *x, double *g, void *ctx)
{
    (void)t, (void)ctx;
    const double G[6] = {1, 2, 0, 0, 1, 3};
    for (int i = 0; i < 6; i++) g[i] = G[i] * (1 + 0.0 * x[0]);
}

Test(sde, general_noise_applies_the_whole_matrix)
{
    nd_sde_system sys = {2, 3, ND_NOISE_GENERAL, ND_ITO, zero_f, matrix_g, NULL, NULL, NULL};
    const char *methods[] = {"euler", "exponential_euler"};
    for (int k = 0; k < 2; k++) {
        nd_sde_stepper *st;
        nd_error err;
        cr_assert_eq(nd_sde_stepper_alloc(nd_sde_method_find(methods[k], NULL), &sys, &st, &err), ND_OK, "%s", err.msg);
        double y[2] = {1, -1}, dW[3] = {0.1, -0.2, 0.3};
        cr_assert_eq(nd_sde_stepper_step(st, 0, 0.01, y, dW, NULL, &err), ND_OK, "%s", err.msg);
        /* y + G dW = (1 + 0.1 - 0.4, -1 - 0.2 + 0.9) */
        cr_expect(fabs(y[0] - 0.7) < 1e-15 && fabs(y[1] + 0.3) < 1e-15, "%s: (%g, %g)", methods[k], y[0], y[1]);
        nd_sde_stepper_free(st);
    }
    nd_sde_system strat = sys;
    strat.kind = ND_STRATONOVICH;
    nd_sde_stepper *st;
    cr_assert_eq(nd_sde_stepper_alloc(nd_sde_method_find("heun", NULL), &strat, &st, NULL), ND_OK);
    double y[2] = {1, -1}, dW[3] = {0.1, -0.2, 0.3};
    cr_assert_eq(nd_sde_stepper_step(st, 0, 0.01, y, dW, NULL, NULL), ND_OK);
    cr_expect(fabs(y[0] - 0.7) < 1e-15 && fabs(y[1] + 0.3) < 1e-15, "heun: (%g, %g)", y[0], y[1]);
    nd_sde_stepper_free(st);
    cr_expect_eq(nd_sde_stepper_alloc(nd_sde_method_find("milstein", NULL), &sys, &st, NULL), ND_EINVAL,
                 "Milstein needs Levy areas for general noise: refused");
}
