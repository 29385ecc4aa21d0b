/* Fixed points and stability: reference values computed independently here (closed forms,
 * bisection on reduced scalar equations), never copied from the code's output. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "neurodyn/neurodyn.h"

/* ---- stability types on hand-made linear systems ------------------------------------------------ */
static const char *type2(double a, double b, double c, double d)
{
    double J[4] = {a, b, c, d}, re[2], im[2], vr[4], vi[4];
    const char *type;
    int stable;
    cr_assert_eq(nd_stability(2, J, re, im, vr, vi, &type, &stable, NULL), ND_OK);
    cr_expect_str_eq(type, nd_stability_type_2d(a, b, c, d));
    return type;
}

/* One linear system per BrainPy type (brainpy.analysis.stability, get_2d_stability_types). */
Test(fixed_points, every_2d_type_on_a_linear_system)
{
    cr_expect_str_eq(type2(1, 0, 0, -1), "saddle");             /* det < 0 (BrainPy: "saddle node") */
    cr_expect_str_eq(type2(0, 1, -1, 0), "center");             /* tr = 0, det > 0 */
    cr_expect_str_eq(type2(-1, 0, 0, -2), "stable node");       /* real, negative */
    cr_expect_str_eq(type2(-1, 2, -2, -1), "stable focus");     /* -1 +- 2i */
    cr_expect_str_eq(type2(-1, 0, 0, -1), "stable star");       /* -I */
    cr_expect_str_eq(type2(0, 0, 0, -1), "center manifold");    /* det = 0, tr < 0 */
    cr_expect_str_eq(type2(1, 0, 0, 2), "unstable node");
    cr_expect_str_eq(type2(1, 2, -2, 1), "unstable focus");
    cr_expect_str_eq(type2(2, 0, 0, 2), "unstable star");
    cr_expect_str_eq(type2(0, 0, 0, 1), "unstable line");      /* det = 0, tr > 0 */
    cr_expect_str_eq(type2(-1, 1, 0, -1), "stable degenerate"); /* Jordan block */
    cr_expect_str_eq(type2(1, 1, 0, 1), "unstable degenerate");
    cr_expect_str_eq(type2(0, 0, 0, 0), "center manifold");     /* the zero matrix */
}

Test(fixed_points, degenerate_cases_are_decided_relative_to_the_entries)
{
    /* within ND_STABILITY_RTOL = 1e-9 of the entries' size a value counts as zero */
    cr_expect_str_eq(type2(-1, 1e-13, 0, -1), "stable star");
    cr_expect_str_eq(type2(-1e6, 0, 0, -1e6 * (1 + 1e-12)), "stable star");
    cr_expect_str_eq(type2(1e-12, 1, -1, 0), "center");
    cr_expect_str_eq(type2(-1, 1e-6, 0, -1), "stable degenerate"); /* 1e-6 is not zero */
    cr_expect_str_eq(type2(1e-6, 1, -1, 0), "unstable focus");
}

Test(fixed_points, one_and_three_dimensional_types)
{
    const char *type;
    int stable;
    double re[3], im[3];
    double j1[1] = {-2};
    nd_stability(1, j1, re, im, NULL, NULL, &type, &stable, NULL);
    cr_expect_str_eq(type, "stable point");
    cr_expect(stable);
    j1[0] = 3;
    nd_stability(1, j1, re, im, NULL, NULL, &type, &stable, NULL);
    cr_expect_str_eq(type, "unstable point");
    j1[0] = 0;
    nd_stability(1, j1, re, im, NULL, NULL, &type, &stable, NULL);
    cr_expect_str_eq(type, "saddle node");
    double j3[9] = {-1, 2, 0, -2, -1, 0, 0, 0, 3}; /* -1 +- 2i and 3 */
    nd_stability(3, j3, re, im, NULL, NULL, &type, &stable, NULL);
    cr_expect_str_eq(type, "saddle-focus");
    cr_expect_float_eq(re[0], 3.0, 1e-12, "sorted by real part, largest first");
    double j3s[9] = {-1, 0, 0, 0, -2, 0, 0, 0, -3};
    nd_stability(3, j3s, re, im, NULL, NULL, &type, &stable, NULL);
    cr_expect_str_eq(type, "stable node");
    cr_expect(stable);
}

/* ---- models ----------------------------------------------------------------------------------- */
static void find_all(const char *model, const char **set, const char **fix, const double *lo,
                     const double *hi, nd_fp_result *res, double *p)
{
    const nd_model *m = nd_builtin_find(model);
    cr_assert_not_null(m);
    static double x[16];
    static int fixed[16];
    memset(fixed, 0, sizeof fixed);
    nd_model_default_params(m, p);
    nd_model_default_state(m, x);
    nd_error err;
    for (; set && *set; set++) cr_assert_eq(nd_model_set_par(m, p, *set, &err), ND_OK, "%s", err.msg);
    for (; fix && *fix; fix++) {
        cr_assert_eq(nd_model_set_var(m, x, *fix, &err), ND_OK, "%s", err.msg);
        char name[32];
        snprintf(name, sizeof name, "%.*s", (int)strcspn(*fix, "="), *fix);
        fixed[nd_model_var_index(m, name, NULL)] = 1;
    }
    nd_region r = {lo, hi, fixed, x};
    cr_assert_eq(nd_fixed_points(m, p, &r, NULL, res, &err), ND_OK, "%s", err.msg);
    for (size_t i = 0; i < res->n; i++)
        cr_expect(res->points[i].residual <= 1e-12, "%s point %zu residual %g", model, i, res->points[i].residual);
}

/* FitzHugh–Nagumo (a = 0.7, b = 0.8): V* solves V^3 + 3(1/b - 1) V + 3(a/b - I) = 0, a
 * depressed cubic with p = 0.75 > 0, so one real root, by Cardano's formula; w* = (V*+a)/b. */
static double fhn_root(double I)
{
    double p = 3 * (1 / 0.8 - 1), q = 3 * (0.7 / 0.8 - I), s = sqrt(q * q / 4 + p * p * p / 27);
    double V = cbrt(-q / 2 + s) + cbrt(-q / 2 - s);
    for (int it = 0; it < 3; it++) V -= (V * V * V + p * V + q) / (3 * V * V + p); /* polish the cancellation */
    return V;
}

Test(fixed_points, fitzhugh_nagumo_equilibria_and_types_over_iext)
{
    const double I[] = {0.0, 0.2, 0.5, 1.0, 1.4, 2.0};
    const double lo[2] = {-3, -3}, hi[2] = {3, 3};
    for (size_t k = 0; k < 6; k++) {
        char set[32];
        snprintf(set, sizeof set, "Iext=%g", I[k]);
        const char *sets[] = {set, NULL};
        double p[4];
        nd_fp_result res;
        find_all("fhn", sets, NULL, lo, hi, &res, p);
        cr_assert_eq(res.n, 1, "Iext=%g: %zu points", I[k], res.n);
        double V = fhn_root(I[k]), w = (V + 0.7) / 0.8;
        cr_expect(fabs(res.points[0].x[0] - V) < 1e-12 && fabs(res.points[0].x[1] - w) < 1e-12,
                  "Iext=%g: (%.15g, %.15g), exact (%.15g, %.15g)", I[k], res.points[0].x[0], res.points[0].x[1], V, w);
        /* J = [[1 - V^2, -1], [1/tau, -b/tau]]: focus when tr^2 < 4 det, stable when tr < 0 */
        double tr = 1 - V * V - 0.8 / 12.5, det = -(1 - V * V) * 0.8 / 12.5 + 1 / 12.5;
        const char *expect = tr * tr < 4 * det ? (tr < 0 ? "stable focus" : "unstable focus")
                                               : (tr < 0 ? "stable node" : "unstable node");
        cr_expect_str_eq(res.points[0].type, expect, "Iext=%g", I[k]);
        nd_fp_result_free(&res);
    }
}

Test(fixed_points, hindmarsh_rose_fast_subsystem_slice)
{
    /* z fixed at 2, I = 2: x^3 + 2x^2 - (1 + I - z) = x^3 + 2x^2 - 1 = (x + 1)(x^2 + x - 1), so
     * x = -(1 + sqrt 5)/2, -1, (sqrt 5 - 1)/2, and y = 1 - 5x^2 (Hindmarsh & Rose 1984 form) */
    const char *fix[] = {"z=2", NULL};
    const double lo[3] = {-3, -20, 0}, hi[3] = {3, 5, 0};
    double p[8];
    nd_fp_result res;
    find_all("hindmarsh_rose", NULL, fix, lo, hi, &res, p);
    cr_assert_eq(res.n, 3);
    cr_expect_eq(res.n_free, 2);
    const double xs[3] = {-(1 + sqrt(5)) / 2, -1, (sqrt(5) - 1) / 2};
    for (int i = 0; i < 3; i++) {
        cr_expect(fabs(res.points[i].x[0] - xs[i]) < 1e-12, "x = %.15g, exact %.15g", res.points[i].x[0], xs[i]);
        cr_expect(fabs(res.points[i].x[1] - (1 - 5 * xs[i] * xs[i])) < 1e-11);
        cr_expect_eq(res.points[i].x[2], 2.0, "the fixed variable keeps its value");
    }
    cr_expect_str_eq(res.points[1].type, "saddle", "the middle branch is a saddle");
    nd_fp_result_free(&res);
}

Test(fixed_points, lorenz_three_equilibria_and_their_types)
{
    /* origin and C+- = (+-sqrt(beta (rho - 1)), +-sqrt(beta (rho - 1)), rho - 1) (Lorenz 1963);
     * at rho = 28 > rho_H = sigma (sigma + beta + 3)/(sigma - beta - 1) = 24.74 the C+- are
     * unstable saddle-foci; the origin is a saddle with eigenvalues -beta and
     * (-(sigma + 1) +- sqrt((sigma + 1)^2 + 4 sigma (rho - 1)))/2 */
    const double lo[3] = {-30, -30, -10}, hi[3] = {30, 30, 60};
    double p[3];
    nd_fp_result res;
    find_all("lorenz", NULL, NULL, lo, hi, &res, p);
    cr_assert_eq(res.n, 3);
    double c = sqrt(8.0 / 3 * 27);
    cr_expect(fabs(res.points[0].x[0] + c) < 1e-12 && fabs(res.points[0].x[2] - 27) < 1e-12);
    cr_expect(fabs(res.points[1].x[0]) < 1e-12 && fabs(res.points[1].x[2]) < 1e-12);
    cr_expect(fabs(res.points[2].x[0] - c) < 1e-12);
    cr_expect_str_eq(res.points[0].type, "saddle-focus");
    cr_expect_str_eq(res.points[1].type, "saddle");
    cr_expect_str_eq(res.points[2].type, "saddle-focus");
    double l1 = (-11 + sqrt(121 + 4 * 10 * 27)) / 2;
    cr_expect(fabs(res.points[1].eig_re[0] - l1) < 1e-9, "%.15g vs %.15g", res.points[1].eig_re[0], l1);
    nd_fp_result_free(&res);
}

/* Morris–Lecar: with w = w_inf(V), equilibria are the roots of
 * I - gL(V - VL) - gCa m_inf(V)(V - VCa) - gK w_inf(V)(V - VK), found here by scanning and
 * bisection (Rinzel & Ermentrout 1989 parameter sets, as in models/morris_lecar.c). */
static double ml_current(const double *p, double V)
{
    /* parameter order of the zoo model: C, I, gL, VL, gCa, VCa, gK, VK, V1, V2, V3, V4, phi */
    double minf = 0.5 * (1 + tanh((V - p[8]) / p[9])), winf = 0.5 * (1 + tanh((V - p[10]) / p[11]));
    return p[1] - p[2] * (V - p[3]) - p[4] * minf * (V - p[5]) - p[6] * winf * (V - p[7]);
}

static size_t ml_roots(const double *p, double *roots)
{
    size_t n = 0;
    double prev = ml_current(p, -80);
    for (double V = -80 + 0.01; V <= 40; V += 0.01) {
        double cur = ml_current(p, V);
        if ((prev < 0) != (cur < 0)) {
            double a = V - 0.01, b = V;
            for (int it = 0; it < 200; it++) {
                double mid = 0.5 * (a + b);
                if ((ml_current(p, a) < 0) == (ml_current(p, mid) < 0)) a = mid;
                else b = mid;
            }
            roots[n++] = 0.5 * (a + b);
        }
        prev = cur;
    }
    return n;
}

static void check_morris_lecar(const char *model, const char *set, size_t expect)
{
    const char *sets[] = {set, NULL};
    const double lo[2] = {-80, -0.1}, hi[2] = {40, 1.0};
    double p[16], roots[8];
    nd_fp_result res;
    find_all(model, sets, NULL, lo, hi, &res, p);
    size_t n = ml_roots(p, roots);
    cr_assert_eq(n, expect, "%s %s: %zu roots by scanning", model, set, n);
    cr_assert_eq(res.n, n, "%s %s: %zu fixed points found, %zu by scanning", model, set, res.n, n);
    for (size_t i = 0; i < n; i++)
        cr_expect(fabs(res.points[i].x[0] - roots[i]) < 1e-9, "V = %.12g vs %.12g", res.points[i].x[0], roots[i]);
    nd_fp_result_free(&res);
}

Test(fixed_points, morris_lecar_one_and_three_equilibria)
{
    check_morris_lecar("morris_lecar_snic", "I=0", 3);
    check_morris_lecar("morris_lecar", "I=100", 1);
}

/* Hodgkin–Huxley with m and h fixed: n = alpha_n / (alpha_n + beta_n) and V solves the
 * current balance, found by bisection (rates of the classic model, as in the BrainPy docs). */
static double hh_balance(double V, double m, double h)
{
    double an = 0.01 * (V + 55) / (1 - exp(-(V + 55) / 10)), bn = 0.125 * exp(-(V + 65) / 80);
    double n = an / (an + bn);
    return -120 * m * m * m * h * (V - 50) - 36 * n * n * n * n * (V + 77) - 0.03 * (V + 54.387) + 10;
}

Test(fixed_points, hodgkin_huxley_slice_with_m_and_h_fixed)
{
    const char *fix[] = {"m=0.05", "h=0.6", NULL};
    const double lo[4] = {-90, 0, 0, 0}, hi[4] = {60, 1, 1, 1};
    double p[16];
    nd_fp_result res;
    find_all("hodgkin_huxley", NULL, fix, lo, hi, &res, p);
    double a = -90, b = 0; /* the balance is positive at -90 and negative at 0 */
    cr_assert(hh_balance(a, 0.05, 0.6) > 0 && hh_balance(b, 0.05, 0.6) < 0);
    for (int it = 0; it < 200; it++) {
        double mid = 0.5 * (a + b);
        if (hh_balance(mid, 0.05, 0.6) > 0) a = mid;
        else b = mid;
    }
    cr_assert_eq(res.n, 1);
    cr_expect(fabs(res.points[0].x[0] - a) < 1e-9, "V = %.12g vs %.12g", res.points[0].x[0], a);
    cr_expect_eq(res.n_free, 2);
    nd_fp_result_free(&res);
}

/* ---- bad input and awkward regions ---------------------------------------------------------------- */
Test(fixed_points, bad_regions_are_refused_and_empty_boxes_are_not_errors)
{
    const nd_model *m = nd_builtin_find("fhn");
    double p[4], x[2];
    nd_model_default_params(m, p);
    nd_model_default_state(m, x);
    nd_fp_result res;
    nd_error err;
    double lo[2] = {1, -3}, hi[2] = {1, 3};
    nd_region r = {lo, hi, NULL, x};
    cr_expect_eq(nd_fixed_points(m, p, &r, NULL, &res, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "range of V is empty or inverted (1:1)"), "%s", err.msg);
    lo[0] = 2, hi[0] = -2;
    cr_expect_eq(nd_fixed_points(m, p, &r, NULL, &res, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "(2:-2)"), "%s", err.msg);
    lo[0] = 2, hi[0] = 3, lo[1] = -3, hi[1] = -2;
    cr_assert_eq(nd_fixed_points(m, p, &r, NULL, &res, &err), ND_OK, "%s", err.msg);
    cr_expect_eq(res.n, 0, "no equilibrium in this corner of the plane");
    cr_expect(res.fallback_used, "the global search ran before giving up");
    nd_fp_result_free(&res);
}

Test(fixed_points, seeds_where_the_rhs_is_not_finite_are_counted)
{
    /* Morris–Lecar's rates are finite everywhere, so use Hodgkin–Huxley's gates beyond 1,
     * where n^4 stays finite but... instead: HH with V far outside any physiological range
     * overflows exp(); a box up to V = 1e5 makes part of the seeds non-finite. */
    const nd_model *m = nd_builtin_find("hodgkin_huxley");
    double p[16], x[4];
    nd_model_default_params(m, p);
    nd_model_default_state(m, x);
    double lo[4] = {-1e5, 0, 0, 0}, hi[4] = {1e5, 1, 1, 1};
    nd_region r = {lo, hi, NULL, x};
    nd_fp_result res;
    nd_error err;
    cr_assert_eq(nd_fixed_points(m, p, &r, NULL, &res, &err), ND_OK, "%s", err.msg);
    cr_expect(res.seeds_nonfinite > 0, "%zu non-finite seeds of %zu", res.seeds_nonfinite, res.seeds_tried);
    cr_expect(res.n >= 1, "the resting state is still found");
    nd_fp_result_free(&res);
}

ND_RHS(nan_everywhere) { (void)t, (void)x, (void)p, dxdt[0] = NAN, dxdt[1] = NAN; }

Test(fixed_points, a_rhs_not_finite_anywhere_is_an_error_not_no_equilibrium)
{
    /* regression (issue 16, D19): NaN everywhere gave "no equilibrium" and exit 0 */
    static const char *const v[] = {"u", "w"};
    static const double i0[] = {0, 0}, lo[] = {-1, -1}, hi[] = {1, 1};
    const nd_model m = {.name = "nan_everywhere", .n_vars = 2, .var_names = v, .init = i0, .var_lo = lo, .var_hi = hi,
                        .rhs = nan_everywhere_rhs};
    double l[2] = {-1, -1}, h[2] = {1, 1}, at[2] = {0, 0};
    nd_region r = {l, h, NULL, at};
    nd_fp_result res;
    nd_error err;
    cr_expect_eq(nd_fixed_points(&m, NULL, &r, NULL, &res, &err), ND_ENONFINITE);
    cr_expect(strstr(err.msg, "not finite at any of the") && strstr(err.msg, "u = "), "%s", err.msg);
}
