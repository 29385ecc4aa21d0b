/* neurodyn basins: a model with known basins (x' = x - x^3, y' = -y: the equilibria (+-1, 0)
 * attract exactly the half planes x > 0 and x < 0, the line x = 0 being the stable manifold of
 * the saddle at the origin), a model with one attracting cycle (van der Pol), the files, the
 * figure, and bad input. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_run.h"
#include "figure_check.h"
#include "neurodyn/core.h"
#include "neurodyn/ensemble.h"

static char tmp[256], buf[1 << 20];

static void slurp(const char *name)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", tmp, name);
    cli_slurp(path, buf, sizeof buf);
}

/* A user model file that the command compiles: NAME with x' = XDOT, y' = -y. */
static void write_model(const char *name, const char *xdot)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s.c", tmp, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "#include \"neurodyn/model.h\"\n"
          "ND_RHS(dwell)\n{\n    (void)p;\n    dxdt[0] = %s;\n    dxdt[1] = -x[1];\n}\n", xdot);
    fputs("ND_KERNELS(dwell, 2, 1)\n"
          "static const char *const var_names[] = {\"x\", \"y\"};\n"
          "static const char *const par_names[] = {\"a\"};\n"
          "static const double par_defaults[] = {0}, init[] = {0.5, 0.5};\n"
          "static const nd_model dwell_model = {.name = \"dwell\", .title = \"double well\", .n_vars = 2, .n_pars = 1,\n"
          "    .var_names = var_names, .par_names = par_names, .par_defaults = par_defaults, .init = init,\n"
          "    .rhs = dwell_rhs, .kernels = &dwell_kernels};\n"
          "ND_EXPORT_MODEL(dwell_model)\n",
          f);
    fclose(f);
}

static void setup(void)
{
    cli_tmpdir_make(tmp);
    write_model("dwell", "x[0] - x[0] * x[0] * x[0]"); /* the double well */
    write_model("blowup", "x[0] * (x[0] - 1)");        /* x(0) > 1 blows up in finite time */
}
static void teardown(void) { cli_tmpdir_remove(tmp); }

TestSuite(basins, .init = setup, .fini = teardown);

/* x in -1.95..2.05 in steps of 0.2 never hits x = 0: 10 columns left of it, 11 right */
#define GRID "--x x=-1.95:2.05:21 --y y=-2:2:11"

static double num(json_t *o, const char *key) { return json_number_value(json_object_get(o, key)); }

Test(basins, double_well_basins_are_the_half_planes)
{
    cr_assert_eq(cli_run_in(tmp, "basins dwell.c " GRID " --json --quiet"), 0);
    slurp("stdout");
    json_error_t e;
    json_t *j = json_loads(buf, 0, &e);
    cr_assert_not_null(j, "%s", e.text);
    json_t *att = json_object_get(j, "attractors"), *labels = json_object_get(j, "labels");
    cr_assert_eq(json_array_size(att), 2);
    cr_assert_eq(json_array_size(labels), 21 * 11);
    int of_sign[2] = {-1, -1}; /* the attractor at x = -1 and at x = +1 */
    for (size_t a = 0; a < 2; a++) {
        json_t *o = json_array_get(att, a), *st = json_object_get(o, "state");
        cr_assert_str_eq(json_string_value(json_object_get(o, "kind")), "equilibrium");
        double x = num(st, "x"), y = num(st, "y");
        cr_assert(fabs(fabs(x) - 1) < 1e-6 && fabs(y) < 1e-6, "attractor %zu at (%.9g, %.9g)", a, x, y);
        of_sign[x > 0] = (int)a;
        cr_assert_eq((size_t)num(o, "index"), a);
        cr_assert_eq((long)num(o, "points"), x > 0 ? 11 * 11 : 10 * 11, "attractor at %g: %g points", x, num(o, "points"));
    }
    cr_assert(of_sign[0] >= 0 && of_sign[1] >= 0);
    for (size_t q = 0; q < 21 * 11; q++) {
        double x0 = -1.95 + 0.2 * (double)(q % 21);
        cr_assert_eq(json_integer_value(json_array_get(labels, q)), of_sign[x0 > 0], "point %zu (x = %g)", q, x0);
    }
    cr_assert_eq(num(j, "nonfinite"), 0);
    cr_assert_eq(num(j, "failed"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "x"), "variable")), "x");
    json_decref(j);
}

Test(basins, files_and_figure)
{
    cr_assert_eq(cli_run_in(tmp, "basins dwell.c " GRID " --out b.tsv --plot b.png"), 0);
    slurp("stderr"); /* one line per attractor */
    cr_assert(strstr(buf, "attractor 0: equilibrium") && strstr(buf, "attractor 1: equilibrium"), "%s", buf);
    slurp("b.tsv");
    cr_assert(strncmp(buf, "x\ty\tattractor\tstatus\n", 21) == 0, "%.80s", buf);
    size_t rows = 0;
    for (char *s = buf; (s = strchr(s, '\n')); s++) rows++;
    cr_assert_eq(rows, 1 + 21 * 11);
    cr_assert(strstr(buf, "\n-1.95\t-2\t"), "%.200s", buf);
    slurp("b.attractors.tsv");
    cr_assert(strncmp(buf, "attractor\tkind\tpoints\tx\ty\tmax_x\tmin_x\tmax_y\tmin_y\n", 48) == 0, "%.100s", buf);
    cr_assert(strstr(buf, "\tequilibrium\t121\t0.99999"), "%s", buf);
    slurp("b.gp");
    cr_assert(strstr(buf, "equilibrium x=1"), "the key names the attractor: %s", buf);
    char png[400];
    snprintf(png, sizeof png, "%s/b.png", tmp);
    FILE *f = fopen(png, "rb");
    cr_assert_not_null(f, "no figure");
    fclose(f);
    fig_expect_silent_render(tmp, "b.gp");
}

Test(basins, one_attracting_cycle)
{
    /* van der Pol: every point but the unstable origin (not on the grid) reaches the cycle */
    cr_assert_eq(cli_run_in(tmp, "basins van_der_pol --x x=-3:3:8 --y y=-3:3:8 --t1 200 --json --quiet"), 0);
    slurp("stdout");
    json_error_t e;
    json_t *j = json_loads(buf, 0, &e);
    cr_assert_not_null(j, "%s", e.text);
    json_t *att = json_object_get(j, "attractors");
    cr_assert_eq(json_array_size(att), 1, "%s", buf);
    json_t *a = json_array_get(att, 0);
    cr_assert_str_eq(json_string_value(json_object_get(a, "kind")), "cycle");
    cr_assert_eq(num(a, "points"), 64);
    json_decref(j);
}

Test(basins, diverging_points_get_their_code)
{
    /* x' = x (x - 1): x(0) < 1 goes to the equilibrium 0, x(0) > 1 to infinity by t = ln(x0 / (x0 - 1)) */
    cr_assert_eq(cli_run_in(tmp, "basins blowup.c --x x=-0.95:2.05:16 --y y=-1:1:5 --t1 100 --out b.tsv --plot b.png"), 0);
    slurp("b.attractors.tsv");
    cr_assert(strstr(buf, "\n0\tequilibrium\t50\t"), "%s", buf);
    cr_assert_null(strstr(buf, "\n1\t"), "one attractor: %s", buf);
    slurp("b.tsv");
    size_t rows = 0;
    for (char *line = strchr(buf, '\n'); line && line[1]; line = strchr(line + 1, '\n'), rows++) {
        double x, y;
        int label;
        char status[16];
        cr_assert_eq(sscanf(line + 1, "%lf\t%lf\t%d\t%15s", &x, &y, &label, status), 4, "%.60s", line + 1);
        cr_assert_eq(label, x > 1 ? -1 : 0, "x = %g: %d", x, label);
        cr_assert_str_eq(status, x > 1 ? "nonfinite" : "ok");
    }
    cr_assert_eq(rows, 16 * 5);
    slurp("b.gp");
    cr_assert(strstr(buf, "diverged (-1)"), "%s", buf);
    fig_expect_silent_render(tmp, "b.gp");
}

Test(basins, bad_input)
{
    static const struct {
        const char *args, *says;
    } bad[] = {
        {"basins dwell.c --x q=0:1:10 --y y=0:1:10", "q"},
        {"basins dwell.c --x x=1:0:10 --y y=0:1:10", "1:0"},
        {"basins dwell.c --x x=1:1:10 --y y=0:1:10", "1:1"},
        {"basins dwell.c --x x=0:1:1 --y y=0:1:10", "1"},
        {"basins dwell.c --x x=0:1:5000 --y y=0:1:10", "5000"},
        {"basins dwell.c --x x=0:1:4096 --y y=0:1:4096", "4096 x 4096"},
        {"basins dwell.c --x x=0:1 --y y=0:1:10", "x=0:1"},
        {"basins dwell.c --x x=0:1:10 --y x=0:1:10", "same variable"},
        {"basins dwell.c --x x=0:1:10", "--y"},
        {"basins dwell.c --x x=0:1:10 --y y=0:1:10 --plot b.png", "--out"},
        {"basins dwell.c --x x=0:1:10 --y y=0:1:10 --tol 0", "tol"},
        {"basins dwell.c --x x=0:1:10 --y y=0:1:10 --t1 -1", "t1"},
        {"basins dwell.c --x x=0:1:10 --y y=0:1:10 --set b=1", "b"},
        {"basins dwell.c --x x=0:1:10 --y y=0:1:10 --timeout x", "timeout"},
        {"basins dwell.c --x x=0:1:10 --y y=0:1:10 --out b.tsv --plot b.txt", "b.txt"},
        {"basins lif --x V=0:1:10 --y V=0:1:10", "one variable"},
        {"basins stochastic_fhn --x V=0:1:10 --y w=0:1:10", "stochastic"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_expect_eq(cli_run_in(tmp, bad[i].args), 2, "%s", bad[i].args);
        slurp("stderr");
        cr_expect(strstr(buf, bad[i].says), "%s: %s", bad[i].args, buf);
    }
    /* a run longer than --timeout ends with status 1 */
    cr_expect_eq(cli_run_in(tmp, "basins van_der_pol --x x=-3:3:300 --y y=-3:3:300 --t1 100000 --quiet --timeout 1"), 1);
}

/* ---- the library's classification (nd_ensemble_attractors, gpu/attractors.c) ------------------ */
/* A hand-made result whose labels follow from the definition: two trajectories at rest at
 * (1, 0) (one off by less than tol), one at rest at (-1, 0), two on one cycle (max 2, min -2
 * in both variables) stopped at other phases, one that moves with another extent, one
 * non-finite and one failed. */
Test(attractors, labels_of_a_hand_made_result_follow_the_definition)
{
    enum { N = 8 };
    double x[2 * N] = {1, -1, 1 + 1e-5, 0.3, -1.7, 0.2, NAN, 0, /* variable 0 */
                       0, 0, 0, 1.9, 0.4, 0.1, NAN, 0};
    double mx[2 * N] = {1, -1, 1 + 1e-5, 2, 2, 1, NAN, 0, 0, 0, 0, 2, 2, 1, NAN, 0};
    double mn[2 * N] = {1, -1, 1 + 1e-5, -2, -2, -1, NAN, 0, 0, 0, 0, -2, -2, -1, NAN, 0};
    int status[N] = {ND_ENS_OK, ND_ENS_OK, ND_ENS_OK, ND_ENS_OK, ND_ENS_OK, ND_ENS_OK, ND_ENS_NONFINITE, ND_ENS_FAILED};
    nd_ensemble_result r = {.n = N, .n_vars = 2, .x = x, .x_max = mx, .x_min = mn, .status = status};
    nd_attractor_map am;
    nd_error err;
    cr_assert_eq(nd_ensemble_attractors(&r, 1e-3, 16, &am, &err), ND_OK, "%s", err.msg);
    int want[N] = {0, 1, 0, 2, 2, 3, ND_ATTRACTOR_NONFINITE, ND_ATTRACTOR_FAILED};
    for (int q = 0; q < N; q++) cr_expect_eq(am.label[q], want[q], "trajectory %d: %d", q, am.label[q]);
    cr_assert_eq(am.n_attractors, 4);
    cr_expect_eq(am.attractors[0].kind, ND_ATTRACTOR_EQUILIBRIUM);
    cr_expect_eq(am.attractors[0].count, 2);
    cr_expect_eq(am.attractors[2].kind, ND_ATTRACTOR_CYCLE);
    cr_expect_eq(am.attractors[2].first, 3);
    cr_expect_eq(am.attractors[3].kind, ND_ATTRACTOR_CYCLE);
    cr_expect_eq(am.n_nonfinite, 1);
    cr_expect_eq(am.n_failed, 1);
    nd_attractor_map_free(&am);
    /* past the limit: an error naming it, nothing allocated */
    cr_expect_eq(nd_ensemble_attractors(&r, 1e-3, 3, &am, &err), ND_EFAILED);
    cr_expect(strstr(err.msg, "more than 3 distinct attractors"), "%s", err.msg);
    cr_expect_null(am.label);
    /* bad input */
    r.x_max = NULL;
    cr_expect_eq(nd_ensemble_attractors(&r, 1e-3, 16, &am, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "keep_minmax"), "%s", err.msg);
    r.x_max = mx;
    cr_expect_eq(nd_ensemble_attractors(&r, 0, 16, &am, &err), ND_EINVAL);
    cr_expect_eq(nd_ensemble_attractors(NULL, 1e-3, 16, &am, &err), ND_EINVAL);
}

/* Van der Pol (mu = 1) has one attracting cycle (x between about -2.009 and 2.009, Strogatz,
 * Nonlinear Dynamics and Chaos, 7.5): every start off the origin reaches it, stopping at other
 * phases; the labels are one cycle, and a run in blocks (as MPI ranks run it) labels alike. */
Test(attractors, van_der_pol_is_one_cycle_whatever_the_phase_and_blocks_label_alike)
{
    const nd_model *m = nd_builtin_find("van_der_pol");
    cr_assert_not_null(m);
    enum { N = 40 };
    double P[4 * N], X[2 * N];
    cr_assert(m->n_pars <= 4 && m->n_vars == 2);
    for (size_t i = 0; i < N; i++) {
        for (size_t k = 0; k < m->n_pars; k++) P[k * N + i] = m->par_defaults[k];
        X[i] = 0.1 + 0.1 * (double)i, X[N + i] = -1.0 + 0.05 * (double)i;
    }
    nd_ensemble_opts o;
    nd_ensemble_opts_init(&o);
    o.t1 = 200, o.transient = 100, o.dt = 0.01, o.device = ND_DEVICE_CPU;
    nd_ensemble_result r, rb;
    nd_error err;
    cr_assert_eq(nd_ensemble_run(m, N, P, m->n_pars * N, X, 2 * N, &o, &r, &err), ND_OK, "%s", err.msg);
    nd_attractor_map am, ab;
    cr_assert_eq(nd_ensemble_attractors(&r, 1e-3, 256, &am, &err), ND_OK, "%s", err.msg);
    cr_expect_eq(am.n_attractors, 1);
    cr_expect_eq(am.attractors[0].kind, ND_ATTRACTOR_CYCLE);
    cr_expect_eq(am.attractors[0].count, N);
    cr_expect_float_eq(r.x_max[0], 2.0086, 2e-3, "max x %g", r.x_max[0]);
    double spread = 0;
    for (size_t i = 1; i < N; i++) spread = fmax(spread, fabs(r.x[i] - r.x[0]));
    cr_expect_gt(spread, 0.1, "the trajectories stop at other phases (final x spread %g)", spread);
    nd_ensemble_blocks_opts bo;
    nd_ensemble_blocks_opts_init(&bo);
    bo.block = 7;
    cr_assert_eq(nd_ensemble_run_blocks(m, N, P, m->n_pars * N, X, 2 * N, &o, &bo, &rb, NULL, &err), ND_OK, "%s", err.msg);
    cr_assert_eq(nd_ensemble_attractors(&rb, 1e-3, 256, &ab, &err), ND_OK, "%s", err.msg);
    cr_expect_eq(memcmp(am.label, ab.label, N * sizeof *am.label), 0);
    nd_attractor_map_free(&am), nd_attractor_map_free(&ab);
    nd_ensemble_result_free(&r), nd_ensemble_result_free(&rb);
}
