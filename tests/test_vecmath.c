/* Vector math in model bodies (include/neurodyn/vecmath.h): SLEEF's scalar and vector versions
 * of one rounding family agree bitwise, so a lane's result does not depend on its place in the
 * block; SLEEF and libm differ by at most 2 ulp per call, so the vectorised lanes of the
 * conductance-based models (whose bodies call exp, tanh, cosh) stay within a stated bound of
 * single runs of the driver (libm), and equal them bitwise where the body calls no math
 * function; for the zoo and for a user model file compiled at run time. */
#define ND_VECMATH 1 /* this file uses the header as a model file would */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "neurodyn/neurodyn.h"

/* Lanes (SLEEF) against the driver (libm) after 3000 steps of the conductance-based models,
 * relative: measured at most 1.9e-14 (I_Na,p+I_K, RK4); the bound leaves a factor 50 for other
 * CPUs and compilers. */
#define LANE_TOL 1e-12

/* Bitwise, except that a NaN equals any NaN: AVX-512 log of a negative number is -NaN where the
 * other widths give NaN (a lane and the driver then both fail alike). */
static int same_bits(double a, double b) { return memcmp(&a, &b, sizeof a) == 0 || (a != a && b != b); }

#ifdef ND_HAVE_VECMATH
/* Arguments spread over [lo, hi] by a fixed LCG, plus the ends and a few special values. */
static double arg_at(long k, double lo, double hi)
{
    static const double special[] = {0.0, -0.0, 1e-300, -1e-300, 1e-8, -1e-8, 0.5, -0.5};
    if (k < 8) return special[k];
    unsigned long long s = 0x9E3779B97F4A7C15ULL * (unsigned long long)(k + 1);
    s ^= s >> 29, s *= 0xBF58476D1CE4E5B9ULL, s ^= s >> 32;
    return lo + (hi - lo) * (double)(s >> 11) * 0x1.0p-53;
}


/* The scalar version against every vector width the file is compiled for, lane by lane. */
#define CHECK_UNARY(fn, lo, hi)                                                              \
    do {                                                                                      \
        long bad2 = 0, bad4 = 0, bad8 = 0;                                                    \
        for (long k = 0; k < 1000000; k += 8) {                                               \
            double a[8], s[8];                                                                \
            for (int j = 0; j < 8; j++) a[j] = arg_at(k + j, lo, hi), s[j] = ND_VM_D1(fn, u10)(a[j]); \
            for (int j = 0; j < 8; j += 2) {                                                  \
                __m128d v = ND_VM_D2(fn, u10)(_mm_loadu_pd(a + j));                           \
                bad2 += !same_bits(v[0], s[j]) + !same_bits(v[1], s[j + 1]);                  \
            }                                                                                 \
            CHECK_WIDER(fn, a, s, bad4, bad8);                                                \
        }                                                                                     \
        cr_expect(bad2 == 0 && bad4 == 0 && bad8 == 0, #fn ": %ld, %ld, %ld of 10^6 differ (2, 4, 8 lanes)", \
                  bad2, bad4, bad8);                                                          \
    } while (0)
#if defined(__AVX__)
#define CHECK_4(fn, a, s, bad4)                                                              \
    for (int j = 0; j < 8; j += 4) {                                                          \
        __m256d v = ND_VM_D4(fn, u10)(_mm256_loadu_pd(a + j));                                \
        for (int l = 0; l < 4; l++) bad4 += !same_bits(v[l], s[j + l]);                      \
    }
#else
#define CHECK_4(fn, a, s, bad4)
#endif
#if defined(__AVX512F__)
#define CHECK_8(fn, a, s, bad8)                                                              \
    {                                                                                         \
        __m512d v = ND_VM_D8(fn, u10)(_mm512_loadu_pd(a));                                    \
        for (int l = 0; l < 8; l++) bad8 += !same_bits(v[l], s[l]);                           \
    }
#else
#define CHECK_8(fn, a, s, bad8)
#endif
#define CHECK_WIDER(fn, a, s, bad4, bad8) CHECK_4(fn, a, s, bad4) CHECK_8(fn, a, s, bad8)

Test(vecmath, sleef_scalar_equals_every_vector_width)
{
    CHECK_UNARY(exp, -745, 710);
    CHECK_UNARY(expm1, -40, 40);
    CHECK_UNARY(log, 1e-300, 1e300);
    CHECK_UNARY(log1p, -0.999, 1e6);
    CHECK_UNARY(tanh, -25, 25);
    CHECK_UNARY(cosh, -30, 30);
    CHECK_UNARY(sinh, -30, 30);
    CHECK_UNARY(sin, -1e3, 1e3);
    CHECK_UNARY(atan, -1e3, 1e3);
}

Test(vecmath, pow_scalar_equals_vector)
{
    long bad = 0;
    for (long k = 0; k < 200000; k += 2) {
        double a[2] = {arg_at(k, 1e-3, 1e3), arg_at(k + 1, 1e-3, 1e3)};
        double b[2] = {arg_at(k + 7, -30, 30), arg_at(k + 9, -30, 30)};
        __m128d v = ND_VM_D2(pow, u10)(_mm_loadu_pd(a), _mm_loadu_pd(b));
        for (int j = 0; j < 2; j++) bad += !same_bits(v[j], ND_VM_D1(pow, u10)(a[j], b[j]));
    }
    cr_expect_eq(bad, 0, "pow: %ld of 10^5 differ", bad);
}

/* Distance in units in the last place between two finite doubles of one sign (0 if equal). */
static double ulps(double a, double b)
{
    if (a == b) return 0.0;
    long long ia, ib;
    memcpy(&ia, &a, sizeof a), memcpy(&ib, &b, sizeof b);
    if ((ia < 0) != (ib < 0)) return INFINITY;
    return fabs((double)(ia - ib));
}

Test(vecmath, sleef_within_two_ulp_of_libm)
{
    /* The lanes call SLEEF's u10 functions (at most 1.0 ulp from the exact result, Shibata &
     * Petrogalli 2020), the driver and the plain RHS glibc's (exp, log, pow: < 1 ulp; the others
     * within glibc's documented few ulp): one call differs by at most 2 ulp here, measured on 10^5
     * arguments per function. The libm names are taken without a call (`exp`, not `exp(`), so
     * model.h's mapping of exp(...) to SLEEF does not apply. */
    static const struct {
        const char *name;
        double (*sleef)(double), (*libm)(double);
        double lo, hi;
    } fn[] = {
        {"exp", ND_VM_D1(exp, u10), exp, -700, 700},     {"expm1", ND_VM_D1(expm1, u10), expm1, -40, 40},
        {"log", ND_VM_D1(log, u10), log, 1e-300, 1e300}, {"log1p", ND_VM_D1(log1p, u10), log1p, -0.999, 1e6},
        {"tanh", ND_VM_D1(tanh, u10), tanh, -25, 25},    {"cosh", ND_VM_D1(cosh, u10), cosh, -30, 30},
        {"sinh", ND_VM_D1(sinh, u10), sinh, -30, 30},    {"sin", ND_VM_D1(sin, u10), sin, -1e3, 1e3},
        {"atan", ND_VM_D1(atan, u10), atan, -1e3, 1e3},
    };
    for (size_t f = 0; f < sizeof fn / sizeof fn[0]; f++) {
        double worst = 0.0, at = 0.0;
        for (long k = 8; k < 100008; k++) {
            const double x = arg_at(k, fn[f].lo, fn[f].hi), d = ulps(fn[f].sleef(x), fn[f].libm(x));
            if (d > worst) worst = d, at = x;
        }
        cr_expect(worst <= 2.0, "%s: SLEEF and libm differ by %g ulp at %a", fn[f].name, worst, at);
    }
    double worst = 0.0;
    for (long k = 8; k < 100008; k++) {
        const double a = arg_at(k, 1e-3, 1e3), b = arg_at(k + 7, -30, 30);
        const double d = ulps(ND_VM_D1(pow, u10)(a, b), (pow)(a, b)); /* (pow): libm, not the macro */
        worst = d > worst ? d : worst;
    }
    cr_expect(worst <= 2.0, "pow: SLEEF and libm differ by %g ulp", worst);
}
#endif

/* P and X for n trajectories of m, parameter par spread over [lo, hi]. */
static void inputs(const nd_model *m, size_t n, int par, double lo, double hi, double **P, double **X)
{
    *P = malloc(m->n_pars * n * sizeof **P), *X = malloc(m->n_vars * n * sizeof **X);
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < m->n_pars; k++) (*P)[k * n + i] = m->par_defaults[k];
        (*P)[(size_t)par * n + i] = lo + (hi - lo) * (double)i / (double)(n - 1);
        for (size_t v = 0; v < m->n_vars; v++) (*X)[v * n + i] = m->init[v];
    }
}

/* The ensemble of n trajectories (reductions on or off) into r. */
static void run_lanes(const nd_model *m, size_t n, const double *P, const double *X, const char *method, int reduce,
                      nd_ensemble_result *r)
{
    nd_ensemble_opts o;
    nd_ensemble_opts_init(&o);
    o.method = method, o.t1 = 30.0, o.dt = 0.01, o.device = ND_DEVICE_CPU;
    if (reduce) o.event_var = 0, o.event_level = -20.0;
    else o.event_var = -1, o.keep_minmax = 0;
    nd_error err;
    cr_assert_eq(nd_ensemble_run(m, n, P, n * m->n_pars, X, n * m->n_vars, &o, r, &err), ND_OK, "%s", err.msg);
    cr_expect(r->vectorised, "%s: not run by the lanes", m->name);
}

/* The ensemble's final states after 3000 steps against single runs of the driver (nd_solve),
 * with reductions (stepped lanes) and without (lean lanes). The lanes call SLEEF's u10
 * functions, the driver libm's (model.h, kernels.h): one call differs by at most 2 ulp
 * (vecmath::sleef_within_two_ulp_of_libm), and the difference a trajectory accumulates is
 * asserted below tol, relative to max(|x|, 1) (the variables are mV, ms-scale gates and
 * currents). tol = 0 asks for bitwise equality (a body without math calls). */
static void expect_lanes_near_driver(const nd_model *m, int par, double lo, double hi, const char *method, double tol)
{
    const size_t n = 37; /* not a multiple of the vector width: the scalar remainder too */
    double *P, *X;
    inputs(m, n, par, lo, hi, &P, &X);
    for (int reduce = 0; reduce < 2; reduce++) {
        nd_ensemble_result r;
        run_lanes(m, n, P, X, method, reduce, &r);
        double worst = 0.0;
        for (size_t i = 0; i < n; i++) {
            double p[16], x[16];
            for (size_t k = 0; k < m->n_pars; k++) p[k] = P[k * n + i];
            for (size_t v = 0; v < m->n_vars; v++) x[v] = X[v * n + i];
            nd_solve_opts so;
            nd_solve_opts_init(&so);
            so.method = method, so.dt = 0.01;
            nd_error err;
            cr_assert_eq(nd_solve(m, p, 0.0, 30.0, x, &so, NULL, &err), ND_OK, "%s", err.msg);
            for (size_t v = 0; v < m->n_vars; v++) {
                const double d = fabs(x[v] - r.x[v * n + i]) / fmax(fabs(x[v]), 1.0);
                worst = d > worst || d != d ? d : worst;
            }
        }
        cr_expect(worst <= tol, "%s %s (reductions %d): lanes differ from nd_solve by %.3g relative (bound %.3g)",
                  m->name, method, reduce, worst, tol);
        nd_ensemble_result_free(&r);
    }
    free(P), free(X);
}

/* A lane's result does not depend on where it runs: trajectories 30..34 of a block of 37 (the
 * scalar remainder of an 8-wide loop, SLEEF's scalar functions) equal the same 5 run alone and
 * at the front of a block of 16 (vector lanes), bitwise. */
static void expect_lanes_independent_of_position(const nd_model *m, int par, double lo, double hi)
{
    const size_t n = 37, k0 = 30, k = 5, n16 = 16;
    double *P, *X;
    inputs(m, n, par, lo, hi, &P, &X);
    double *Pk = malloc(m->n_pars * n16 * sizeof *Pk), *Xk = malloc(m->n_vars * n16 * sizeof *Xk);
    for (size_t sizes = 0; sizes < 2; sizes++) {
        const size_t nk = sizes ? n16 : k;
        for (size_t i = 0; i < nk; i++) {
            const size_t src = k0 + (i < k ? i : i % k);
            for (size_t q = 0; q < m->n_pars; q++) Pk[q * nk + i] = P[q * n + src];
            for (size_t v = 0; v < m->n_vars; v++) Xk[v * nk + i] = X[v * n + src];
        }
        nd_ensemble_result all, part;
        run_lanes(m, n, P, X, "rk4", 1, &all);
        run_lanes(m, nk, Pk, Xk, "rk4", 1, &part);
        long differ = 0;
        for (size_t i = 0; i < k; i++)
            for (size_t v = 0; v < m->n_vars; v++) differ += !same_bits(all.x[v * n + k0 + i], part.x[v * nk + i]);
        cr_expect_eq(differ, 0, "%s: %ld values of trajectories 30..34 change with the block (%zu lanes)", m->name,
                     differ, nk);
        nd_ensemble_result_free(&all), nd_ensemble_result_free(&part);
    }
    free(P), free(X), free(Pk), free(Xk);
}

Test(vecmath, conductance_lanes_near_the_driver)
{
    const char *methods[] = {"rk4", "heun3"};
    for (int k = 0; k < 2; k++) {
        expect_lanes_near_driver(nd_builtin_find("hh"), 7, 0.0, 20.0, methods[k], LANE_TOL);
        expect_lanes_near_driver(nd_builtin_find("morris_lecar"), 1, 0.0, 200.0, methods[k], LANE_TOL);
        expect_lanes_near_driver(nd_builtin_find("inap_ik"), 1, 0.0, 20.0, methods[k], LANE_TOL);
    }
}

Test(vecmath, polynomial_lanes_equal_the_driver_bitwise)
{
    /* no math function in the body: the same arithmetic (explicit FMAs, no contraction) in both */
    expect_lanes_near_driver(nd_builtin_find("lorenz"), 1, 20.0, 30.0, "rk4", 0.0);
    expect_lanes_near_driver(nd_builtin_find("hindmarsh_rose"), 0, 1.0, 3.5, "rk4", 0.0);
}

Test(vecmath, lanes_do_not_depend_on_their_block)
{
    expect_lanes_independent_of_position(nd_builtin_find("hh"), 7, 0.0, 20.0);
    expect_lanes_independent_of_position(nd_builtin_find("morris_lecar"), 1, 0.0, 200.0);
}

Test(vecmath, user_model_lanes_near_the_driver)
{
    /* a model file compiled at run time gets the same math (the loader's -DND_VECMATH -lsleef) */
    char dir[] = "/tmp/nd-vecmath-XXXXXX", path[64], cache[64];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(cache, sizeof cache, "%s/cache", dir);
    setenv("NEURODYN_CACHE", cache, 1);
    snprintf(path, sizeof path, "%s/ml_user.c", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("#include <neurodyn/model.h>\n"
          "ND_RHS(ml_user)\n"
          "{\n"
          "    const nd_real minf = 0.5 * (1.0 + tanh((x[0] + 1.2) / 18.0));\n"
          "    const nd_real winf = 0.5 * (1.0 + tanh((x[0] - 2.0) / 30.0));\n"
          "    const nd_real rate = cosh((x[0] - 2.0) / 60.0) * exp(-0.001 * x[0] * x[0] / 100.0);\n"
          "    dxdt[0] = (p[0] - 2.0 * (x[0] + 60.0) - 4.4 * minf * (x[0] - 120.0) - 8.0 * x[1] * (x[0] + 84.0)) / 20.0;\n"
          "    dxdt[1] = 0.04 * rate * (winf - x[1]) + 0.0 * log1p(pow(x[1] * x[1], 0.5));\n"
          "}\n"
          "ND_KERNELS(ml_user, 2, 1)\n"
          "static const char *const v[] = {\"V\", \"w\"}, *const pn[] = {\"I\"};\n"
          "static const double d[] = {100.0}, i0[] = {-60.0, 0.015};\n"
          "static const nd_model m = {.name = \"ml_user\", .n_vars = 2, .n_pars = 1, .var_names = v,\n"
          "    .par_names = pn, .par_defaults = d, .init = i0, .rhs = ml_user_rhs, .kernels = &ml_user_kernels};\n"
          "ND_EXPORT_MODEL(m)\n",
          f);
    fclose(f);
    nd_model_ref ref;
    nd_error err;
    cr_assert_eq(nd_model_load(path, &ref, &err), ND_OK, "%s", err.msg);
    expect_lanes_near_driver(ref.model, 0, 0.0, 200.0, "rk4", LANE_TOL);
    expect_lanes_independent_of_position(ref.model, 0, 0.0, 200.0);
    nd_model_unload(&ref);
#ifdef ND_HAVE_VECMATH
    /* and the lanes call SLEEF's vector tanh */
    char probe[192];
    snprintf(probe, sizeof probe, "nm '%s'/*.so 2>/dev/null | grep -q '_ZGV[a-z]N[0-9]*v_nd_tanh'", cache);
    cr_expect_eq(system(probe), 0, "the user model has no vector tanh");
#endif
    unsetenv("NEURODYN_CACHE");
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

Test(vecmath, transient_steps_change_no_reduction)
{
    /* Before t_reduce the RK4 lanes run the lean step (kernels.h, nd_ens_first_reduced_step);
     * with samples asked for they reduce in every step. Max/min, crossings and periods agree
     * bitwise, with the transient on and off the grid. */
    const nd_model *m = nd_builtin_find("hh");
    const size_t n = 21;
    double *P, *X;
    inputs(m, n, 7, 2.0, 20.0, &P, &X);
    const double transients[] = {20.0, 20.005, 0.0, 59.99};
    for (int k = 0; k < 4; k++) {
        nd_ensemble_opts o;
        nd_ensemble_opts_init(&o);
        o.method = "rk4", o.t1 = 60.0, o.dt = 0.01, o.transient = transients[k], o.device = ND_DEVICE_CPU;
        o.event_var = 0, o.event_level = -15.0, o.max_events = 8;
        nd_ensemble_result a, b;
        nd_error err;
        cr_assert_eq(nd_ensemble_run(m, n, P, n * m->n_pars, X, n * m->n_vars, &o, &a, &err), ND_OK, "%s", err.msg);
        o.sample_stride = 1000;
        cr_assert_eq(nd_ensemble_run(m, n, P, n * m->n_pars, X, n * m->n_vars, &o, &b, &err), ND_OK, "%s", err.msg);
        cr_expect(memcmp(a.x, b.x, n * m->n_vars * sizeof *a.x) == 0, "transient %g: states", transients[k]);
        cr_expect(memcmp(a.x_max, b.x_max, n * m->n_vars * sizeof *a.x_max) == 0, "transient %g: max", transients[k]);
        cr_expect(memcmp(a.x_min, b.x_min, n * m->n_vars * sizeof *a.x_min) == 0, "transient %g: min", transients[k]);
        cr_expect(memcmp(a.events, b.events, n * sizeof *a.events) == 0, "transient %g: event counts", transients[k]);
        cr_expect(memcmp(a.event_times, b.event_times, 8 * n * sizeof *a.event_times) == 0, "transient %g: times",
                  transients[k]);
        for (size_t i = 0; i < n; i++)
            cr_expect(a.period[i] == b.period[i] || (isnan(a.period[i]) && isnan(b.period[i])),
                      "transient %g, trajectory %zu: period %.17g vs %.17g", transients[k], i, a.period[i], b.period[i]);
        nd_ensemble_result_free(&a), nd_ensemble_result_free(&b);
    }
    free(P), free(X);
}
