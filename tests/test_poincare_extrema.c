/* Poincaré sections at extrema (nd_poincare_opts.extremum, `poincare --section max:V`): every
 * recorded state lies on dV/dt = 0; each recorded maximum is checked against an independent
 * high-accuracy computation written here (from the previous recorded state, GSL's rk8pd at
 * rtol = atol = 1e-13 to just before the next extremum, then the zero of f_V by the secant
 * method on short rk8pd integrations); Rössler's map of successive maxima of x is unimodal
 * (Rössler 1976, Phys. Lett. A 57:397; the return map of Olsen & Degn 1985, Q. Rev. Biophys.
 * 18:165, fig. 15), and a period-1 cycle's maxima are one value, that of the collocation cycle;
 * Hindmarsh–Rose's spike maxima; and the command's syntax and errors. */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_run.h"
#include "neurodyn/cycles.h"
#include "neurodyn/neurodyn.h"

static char tmpdir[256];
static void make_tmpdir(void) { cli_tmpdir_make(tmpdir); }
static void remove_tmpdir(void) { cli_tmpdir_remove(tmpdir); }
TestSuite(poincare_extrema, .init = make_tmpdir, .fini = remove_tmpdir);

static void rk8(const nd_model *m, const double *p, double t0, double t1, double *x)
{
    nd_model_system ms;
    nd_system_from_model(&ms, m, p);
    nd_solve_opts o;
    nd_solve_opts_init(&o);
    o.method = "rk8pd", o.rtol = 1e-13, o.atol = 1e-13;
    nd_error err;
    if (t1 > t0) cr_assert_eq(nd_solve_system(&ms.sys, t0, t1, x, &o, NULL, &err), ND_OK, "%s", err.msg);
}

static double fvar(const nd_model *m, const double *p, const double *x, int v)
{
    double f[16];
    m->rhs(0, x, p, f);
    return f[v];
}

/* The extremum of x[v] next to time tn, from the state xs at ts (independent of the library's
 * locating): rk8pd to tn - w, then the secant method on f_v over [tn - w, tn + w]. Its value of
 * x[v] is returned. */
static double extremum_near(const nd_model *m, const double *p, const double *xs, double ts, double tn, int v,
                            double w)
{
    size_t n = m->n_vars;
    double xa[16], y[16];
    memcpy(xa, xs, n * sizeof *xa);
    rk8(m, p, ts, tn - w, xa);
    double a = 0.0, b = 2 * w, ga = fvar(m, p, xa, v);
    memcpy(y, xa, n * sizeof *y);
    rk8(m, p, tn - w, tn + w, y);
    double gb = fvar(m, p, y, v);
    cr_assert(ga * gb < 0, "no extremum of %s within %g of t = %.10g", m->var_names[v], w, tn);
    for (int it = 0; it < 60 && fabs(b - a) > 1e-15 * fabs(tn); it++) {
        double s = b - gb * (b - a) / (gb - ga);
        memcpy(y, xa, n * sizeof *y);
        rk8(m, p, tn - w, tn - w + s, y);
        double g = fvar(m, p, y, v);
        a = b, ga = gb, b = s, gb = g;
        if (g == 0) break;
    }
    return y[v];
}

/* Checks the recorded extrema: on the section, and each against extremum_near from the one
 * before (every `stride`-th); returns the largest difference. */
static double check_extrema(const nd_model *m, const double *p, const nd_poincare *r, int v, size_t stride)
{
    size_t n = m->n_vars;
    double worst = 0.0;
    for (size_t k = 0; k < r->n; k++) {
        const double *x = r->x + k * n;
        double f[16], fs = 0.0;
        m->rhs(r->t[k], x, p, f);
        for (size_t i = 0; i < n; i++) fs = fmax(fs, fabs(f[i]));
        cr_expect(fabs(f[v]) < 1e-9 * fs, "extremum %zu: d%s/dt = %g (|f| %g)", k, m->var_names[v], f[v], fs);
        if (k == 0 || k % stride) continue;
        double w = 1e-3 * (r->t[k] - r->t[k - 1]);
        double ref = extremum_near(m, p, r->x + (k - 1) * n, r->t[k - 1], r->t[k], v, w);
        worst = fmax(worst, fabs(ref - x[v]));
        cr_expect(fabs(ref - x[v]) < 1e-9 * fmax(1.0, fabs(ref)), "extremum %zu: %s = %.15g, independent %.15g", k,
                  m->var_names[v], x[v], ref);
    }
    return worst;
}

Test(poincare_extrema, rossler_maxima_unimodal_and_exact)
{
    const nd_model *m = nd_builtin_find("rossler");
    double p[3];
    nd_model_default_params(m, p);
    cr_assert(fabs(p[2] - 5.7) < 1e-12, "the zoo's Rossler is the chaotic c = 5.7");
    nd_poincare_opts o;
    nd_poincare_opts_init(&o);
    o.var = 0, o.extremum = 1, o.dir = -1, o.transient = 200, o.t1 = 1500, o.rtol = 1e-12;
    nd_poincare r;
    nd_error err;
    cr_assert_eq(nd_poincare_compute(m, p, &o, &r, &err), ND_OK, "%s", err.msg);
    cr_assert(r.n > 150, "%zu maxima", r.n);
    for (size_t k = 0; k < r.n; k++) cr_expect_eq(r.dir[k], -1, "maxima only");
    /* at a maximum of x: x' = -y - z = 0 (checked in check_extrema), x'' = -y' - z' < 0 */
    double worst = check_extrema(m, p, &r, 0, 5);
    cr_log_info("Rossler: %zu maxima of x, the independent computation agrees to %.2e", r.n, worst);
    /* unimodal: x_k+1 rises with x_k below the peak of the map and falls above it (the peak near
     * x_k = 7.8: Pearson correlation over x_k < 6 and x_k > 9.5) */
    double s[2][5] = {{0}};
    for (size_t k = 0; k + 1 < r.n; k++) {
        double a = r.x[k * 3], b = r.x[(k + 1) * 3];
        int side = a < 6 ? 0 : a > 9.5 ? 1 : -1;
        if (side < 0) continue;
        s[side][0] += 1, s[side][1] += a, s[side][2] += b, s[side][3] += a * b, s[side][4] += a * a;
    }
    double sb[2][2] = {{0}};
    for (size_t k = 0; k + 1 < r.n; k++) {
        double a = r.x[k * 3], b = r.x[(k + 1) * 3];
        int side = a < 6 ? 0 : a > 9.5 ? 1 : -1;
        if (side >= 0) sb[side][0] += b * b;
    }
    for (int side = 0; side < 2; side++) {
        double N = s[side][0], ma = s[side][1] / N, mb = s[side][2] / N;
        double cov = s[side][3] / N - ma * mb, va = s[side][4] / N - ma * ma, vb = sb[side][0] / N - mb * mb;
        double rho = cov / sqrt(va * vb);
        cr_log_info("side %d: %g pairs, correlation %.5f", side, N, rho);
        cr_expect(N > 10, "pairs on side %d: %g", side, N);
        cr_expect(side == 0 ? rho > 0.99 : rho < -0.99, "side %d: correlation %.5f", side, rho);
    }
    nd_poincare_free(&r);
    /* both kinds: maxima and minima alternate */
    o.dir = 0, o.t1 = 400;
    cr_assert_eq(nd_poincare_compute(m, p, &o, &r, &err), ND_OK, "%s", err.msg);
    cr_assert(r.n > 20);
    for (size_t k = 1; k < r.n; k++) cr_expect_eq(r.dir[k], -r.dir[k - 1], "extremum %zu: max and min alternate", k);
    check_extrema(m, p, &r, 0, 7);
    nd_poincare_free(&r);
}

/* The period-1 cycle at c = 2.5: every maximum of z is the cycle's, which the collocation
 * continuation computes independently (max over the collocation polynomials, NTST 80). */
Test(poincare_extrema, rossler_period_one_against_collocation)
{
    const nd_model *m = nd_builtin_find("rossler");
    double p[3];
    nd_model_default_params(m, p);
    p[2] = 2.5;
    nd_poincare_opts o;
    nd_poincare_opts_init(&o);
    o.var = 2, o.extremum = 1, o.dir = -1, o.transient = 1500, o.t1 = 1600, o.rtol = 1e-12;
    nd_poincare r;
    nd_error err;
    cr_assert_eq(nd_poincare_compute(m, p, &o, &r, &err), ND_OK, "%s", err.msg);
    cr_assert(r.n >= 10, "%zu maxima", r.n);
    nd_cycle cyc;
    cr_assert_eq(nd_cycle_by_simulation(m, p, m->init, 2, 500, 2000, 1000, &cyc, &err), ND_OK, "%s", err.msg);
    nd_cycle_curve c;
    cr_assert_eq(nd_cycle_curve_init(&c, m, p, 2, NULL, 80, 4, &err), ND_OK, "%s", err.msg);
    double *u = malloc(2 * c.type.dim * sizeof *u);
    cr_assert_eq(nd_cycle_curve_from_cycle(&c, &cyc, 1, u, u + c.type.dim, &err), ND_OK, "%s", err.msg);
    const nd_cycle_info *in;
    cr_assert_eq(nd_cycle_curve_describe(&c, u, &in, &err), ND_OK, "%s", err.msg);
    double zmax = in->xmax[2];
    cr_log_info("c = 2.5: max z %.12f (collocation), %.12f (section), return time %.10f, period %.10f", zmax,
                r.x[3 * (r.n - 1) + 2], r.t[r.n - 1] - r.t[r.n - 2], in->period);
    for (size_t k = 0; k < r.n; k++) {
        cr_expect(fabs(r.x[3 * k + 2] - zmax) < 1e-8, "maximum %zu: z = %.12f, collocation %.12f", k, r.x[3 * k + 2],
                  zmax);
        if (k) cr_expect(fabs(r.t[k] - r.t[k - 1] - in->period) < 1e-8, "return time %.12f, period %.12f",
                         r.t[k] - r.t[k - 1], in->period);
    }
    free(u);
    nd_cycle_curve_free(&c);
    nd_cycle_free(&cyc);
    nd_poincare_free(&r);
}

/* Hindmarsh–Rose (zoo defaults: bursting): the spikes' maxima of x and the slow variable's
 * maxima, each checked independently. */
Test(poincare_extrema, hindmarsh_rose_spike_maxima)
{
    const nd_model *m = nd_builtin_find("hindmarsh_rose");
    double p[16];
    nd_model_default_params(m, p);
    nd_poincare_opts o;
    nd_poincare_opts_init(&o);
    o.var = 0, o.extremum = 1, o.dir = -1, o.transient = 500, o.t1 = 2000, o.rtol = 1e-12;
    nd_poincare r;
    nd_error err;
    cr_assert_eq(nd_poincare_compute(m, p, &o, &r, &err), ND_OK, "%s", err.msg);
    cr_assert(r.n > 10, "%zu maxima", r.n);
    double worst = check_extrema(m, p, &r, 0, 1);
    cr_log_info("Hindmarsh-Rose: %zu maxima of x, independent computation agrees to %.2e", r.n, worst);
    nd_poincare_free(&r);
    o.var = 2, o.t1 = 3000;
    cr_assert_eq(nd_poincare_compute(m, p, &o, &r, &err), ND_OK, "%s", err.msg);
    cr_assert(r.n >= 3, "%zu maxima of z", r.n);
    check_extrema(m, p, &r, 2, 1);
    nd_poincare_free(&r);
}

Test(poincare_extrema, cli_syntax_and_errors)
{
    char args[1024], buf[1 << 16];
    snprintf(args, sizeof args, "poincare rossler --section max:x --t1 600 --transient 100 --json");
    cr_assert_eq(cli_run_in(tmpdir, args), 0);
    char path[512];
    snprintf(path, sizeof path, "%s/stdout", tmpdir);
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    cr_assert(j, "%s", je.text);
    json_t *sec = json_object_get(j, "section");
    cr_expect_str_eq(json_string_value(json_object_get(sec, "extrema")), "maxima");
    cr_expect_str_eq(json_string_value(json_object_get(sec, "variable")), "x");
    cr_expect_str_eq(json_string_value(json_object_get(json_object_get(j, "return_map"), "variable")), "x");
    json_t *d = json_object_get(json_object_get(j, "crossings"), "direction");
    cr_assert(json_array_size(d) > 50);
    cr_expect_str_eq(json_string_value(json_array_get(d, 0)), "max");
    json_decref(j);
    /* dx=0 with --dir down is the same section */
    snprintf(args, sizeof args, "poincare rossler --section dx=0 --dir down --t1 600 --transient 100 --out m.tsv");
    cr_assert_eq(cli_run_in(tmpdir, args), 0);
    snprintf(path, sizeof path, "%s/m.tsv", tmpdir);
    cli_slurp(path, buf, sizeof buf);
    cr_expect(strstr(buf, "\tmax\t") != NULL && strstr(buf, "\tmin\t") == NULL, "maxima only in m.tsv");
    /* errors: exit status 2 with the bad value named */
    const char *bad[][2] = {{"--section max:q", "'q' is no variable"},
                            {"--section dx=1", "dx=0"},
                            {"--section min:x --dir down", "no --dir down"},
                            {"--section x", "NAME=LEVEL, max:NAME"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(args, sizeof args, "poincare rossler %s --t1 100", bad[i][0]);
        cr_expect_eq(cli_run_in(tmpdir, args), 2, "%s", bad[i][0]);
        snprintf(path, sizeof path, "%s/stderr", tmpdir);
        cli_slurp(path, buf, sizeof buf);
        cr_expect(strstr(buf, bad[i][1]) != NULL, "%s: %s", bad[i][0], buf);
    }
    /* a model with a spike rule */
    cr_expect_neq(cli_run_in(tmpdir, "poincare izhikevich --section max:v --t1 100"), 0);
    snprintf(path, sizeof path, "%s/stderr", tmpdir);
    cli_slurp(path, buf, sizeof buf);
    cr_expect(strstr(buf, "spike rule") != NULL, "%s", buf);
}
