/* Poincaré sections (analysis/poincare/): a limit cycle returns to one fixed point of the map
 * with the return time equal to the period (closed form: the Stuart–Landau oscillator; published:
 * van der Pol at mu = 1), Rössler's section map is unimodal and its crossings lie on the section,
 * and the command (columns, JSON keys, errors). */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_run.h"
#include "neurodyn/neurodyn.h"

/* z' = (lambda + i omega) z - (1 + i beta) |z|^2 z: the cycle |z| = sqrt(lambda), period
 * 2 pi / (omega - beta lambda). On y = 0 upward (phi = 0), x = sqrt(lambda). */
ND_RHS(sl)
{
    double r2 = x[0] * x[0] + x[1] * x[1];
    dxdt[0] = p[0] * x[0] - p[1] * x[1] - r2 * (x[0] - p[2] * x[1]);
    dxdt[1] = p[1] * x[0] + p[0] * x[1] - r2 * (p[2] * x[0] + x[1]);
}
static const char *const xy[] = {"x", "y"}, *const sl_p[] = {"lambda", "omega", "beta"};
static const double sl_d[] = {2.0, 3.0, 0.5}, sl_init[] = {0.1, 0.0};
static const nd_model sl_model = {.name = "stuart_landau", .n_vars = 2, .n_pars = 3, .var_names = xy,
                                  .par_names = sl_p, .par_defaults = sl_d, .init = sl_init, .rhs = sl_rhs};

Test(poincare, stuart_landau_fixed_point_and_period)
{
    nd_poincare_opts o;
    nd_poincare_opts_init(&o);
    o.var = 1, o.level = 0.0, o.dir = +1, o.transient = 30.0, o.t1 = 60.0;
    nd_poincare r;
    nd_error err;
    cr_assert_eq(nd_poincare_compute(&sl_model, sl_d, &o, &r, &err), ND_OK, "%s", err.msg);
    double T = 2 * M_PI / (3.0 - 0.5 * 2.0);
    cr_assert(r.n >= 8, "%zu crossings", r.n);
    for (size_t k = 0; k < r.n; k++) {
        cr_assert(fabs(r.x[2 * k] - sqrt(2.0)) < 1e-9, "x_%zu = %.15g", k, r.x[2 * k]);
        cr_assert(fabs(r.x[2 * k + 1]) < 1e-12, "y_%zu = %g", k, r.x[2 * k + 1]);
        cr_assert_eq(r.dir[k], +1);
        if (k) cr_assert(fabs(r.t[k] - r.t[k - 1] - T) < 1e-9, "return time %.15g, T %.15g", r.t[k] - r.t[k - 1], T);
    }
    nd_poincare_free(&r);
    /* both directions: alternating, the downward ones at x = -sqrt(lambda), half a period apart */
    o.dir = 0;
    cr_assert_eq(nd_poincare_compute(&sl_model, sl_d, &o, &r, &err), ND_OK, "%s", err.msg);
    for (size_t k = 1; k < r.n; k++) {
        cr_assert_eq(r.dir[k], -r.dir[k - 1]);
        cr_assert(fabs(r.t[k] - r.t[k - 1] - T / 2) < 1e-9);
        cr_assert(fabs(fabs(r.x[2 * k]) - sqrt(2.0)) < 1e-9);
    }
    nd_poincare_free(&r);
}

Test(poincare, van_der_pol_period)
{
    /* van der Pol at mu = 1: T = 6.66328685933 (Andersen & Geer 1982, SIAM J. Appl. Math.
     * 42:678, table of periods; also Strogatz, Nonlinear Dynamics and Chaos, sec. 7.6). */
    const nd_model *m = nd_builtin_find("van_der_pol");
    nd_poincare_opts o;
    nd_poincare_opts_init(&o);
    o.var = 0, o.level = 0.0, o.dir = +1, o.transient = 100.0, o.t1 = 200.0;
    nd_poincare r;
    nd_error err;
    cr_assert_eq(nd_poincare_compute(m, m->par_defaults, &o, &r, &err), ND_OK, "%s", err.msg);
    cr_assert(r.n >= 10);
    for (size_t k = 1; k < r.n; k++) {
        cr_assert(fabs(r.t[k] - r.t[k - 1] - 6.66328685933) < 1e-9, "return time %.15g", r.t[k] - r.t[k - 1]);
        cr_assert(fabs(r.x[2 * k + 1] - r.x[2 * (k - 1) + 1]) < 1e-9, "a fixed point of the map");
        cr_assert(fabs(r.x[2 * k]) < 1e-12);
    }
    nd_poincare_free(&r);
}

Test(poincare, rossler_map_is_unimodal)
{
    /* Rössler (1976, Phys. Lett. A 57:397) at a = b = 0.2, c = 5.7: on y = 0 downward (x < 0)
     * the map x_k -> x_k+1 is a single-humped curve (the attractor is nearly a 2D band folded
     * once). Checked: the crossings lie on the section to 1e-10; the map, averaged in 16 bins of
     * x_k, rises then falls (one change of direction). */
    const nd_model *m = nd_builtin_find("rossler");
    nd_poincare_opts o;
    nd_poincare_opts_init(&o);
    o.var = 1, o.level = 0.0, o.dir = -1, o.transient = 200.0, o.t1 = 6200.0;
    nd_poincare r;
    nd_error err;
    cr_assert_eq(nd_poincare_compute(m, m->par_defaults, &o, &r, &err), ND_OK, "%s", err.msg);
    cr_assert(r.n > 500, "%zu crossings", r.n);
    double lo = INFINITY, hi = -INFINITY;
    for (size_t k = 0; k < r.n; k++) {
        cr_assert(fabs(r.x[3 * k + 1]) < 1e-10, "crossing %zu off the section by %g", k, r.x[3 * k + 1]);
        cr_assert(r.x[3 * k] < 0);
        lo = fmin(lo, r.x[3 * k]), hi = fmax(hi, r.x[3 * k]);
    }
    enum { NB = 16 };
    double sum[NB] = {0}, cnt[NB] = {0};
    for (size_t k = 0; k + 1 < r.n; k++) {
        int b = (int)((r.x[3 * k] - lo) / (hi - lo) * NB);
        if (b == NB) b--;
        sum[b] += r.x[3 * (k + 1)], cnt[b] += 1;
    }
    int changes = 0, last = 0;
    double prev = NAN;
    for (int b = 0; b < NB; b++) {
        if (!cnt[b]) continue;
        double mean = sum[b] / cnt[b];
        if (!isnan(prev)) {
            int d = mean > prev ? 1 : -1;
            if (last && d != last) changes++;
            last = d;
        }
        prev = mean;
    }
    cr_assert_eq(changes, 1, "the binned map changes direction %d times", changes);
    nd_poincare_free(&r);
}

Test(poincare, errors)
{
    nd_poincare r;
    nd_error err;
    nd_poincare_opts o;
    nd_poincare_opts_init(&o);
    const nd_model *m = nd_builtin_find("van_der_pol");
    o.var = 2;
    cr_assert_eq(nd_poincare_compute(m, m->par_defaults, &o, &r, &err), ND_EINVAL);
    o.var = 0, o.dir = 2;
    cr_assert_eq(nd_poincare_compute(m, m->par_defaults, &o, &r, &err), ND_EINVAL);
    o.dir = 1, o.transient = 10, o.t1 = 5;
    cr_assert_eq(nd_poincare_compute(m, m->par_defaults, &o, &r, &err), ND_EINVAL);
}

static char tmp[256];
static char buf[1 << 20];
static void setup(void) { cli_tmpdir_make(tmp); }
static void teardown(void) { cli_tmpdir_remove(tmp); }
TestSuite(poincare_cli, .init = setup, .fini = teardown);

static void slurp(const char *name)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", tmp, name);
    cli_slurp(path, buf, sizeof buf);
}

Test(poincare_cli, columns_json_and_figure)
{
    cr_assert_eq(cli_run_in(tmp, "poincare rossler --section y=0 --dir down --t1 1000 --out r.tsv --plot map.png"), 0);
    slurp("r.tsv");
    cr_assert(strncmp(buf, "k\tt\tdirection\treturn_time\tx\ty\tz\n", 32) == 0, "%.80s", buf);
    cr_assert(strstr(buf, "\tdown\t"));
    slurp("map.png");
    cr_assert(strncmp(buf, "\x89PNG", 4) == 0, "a PNG");
    cr_assert_eq(cli_run_in(tmp, "poincare van_der_pol --section x=0 --var y --t1 100 --json"), 0);
    slurp("stdout");
    json_error_t e;
    json_t *j = json_loads(buf, 0, &e);
    cr_assert_not_null(j, "%s", e.text);
    const char *keys[] = {"model", "parameters", "section", "count", "crossings", "return_times", "return_map"};
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) cr_assert_not_null(json_object_get(j, keys[k]), "%s", keys[k]);
    size_t n = (size_t)json_integer_value(json_object_get(j, "count"));
    cr_assert(n > 5);
    cr_assert_eq(json_array_size(json_object_get(j, "return_times")), n - 1);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "return_map"), "variable")), "y");
    json_decref(j);
}

Test(poincare_cli, errors)
{
    cr_assert_eq(cli_run_in(tmp, "poincare van_der_pol"), 2);
    slurp("stderr");
    cr_assert(strstr(buf, "--section"), "%s", buf);
    cr_assert_eq(cli_run_in(tmp, "poincare van_der_pol --section q=0"), 2);
    cr_assert_eq(cli_run_in(tmp, "poincare van_der_pol --section x"), 2);
    cr_assert_eq(cli_run_in(tmp, "poincare van_der_pol --section x=abc"), 2);
    cr_assert_eq(cli_run_in(tmp, "poincare van_der_pol --section x=0 --dir sideways"), 2);
    cr_assert_eq(cli_run_in(tmp, "poincare van_der_pol --section x=0 --t1 10 --transient 20"), 2);
    cr_assert_eq(cli_run_in(tmp, "poincare van_der_pol --section x=0 --out r.tsv --plot r.png"), 2);
    /* a section the orbit never reaches: status 1 and why */
    cr_assert_eq(cli_run_in(tmp, "poincare van_der_pol --section x=50 --t1 100"), 1);
    slurp("stderr");
    cr_assert(strstr(buf, "no crossing"), "%s", buf);
}
