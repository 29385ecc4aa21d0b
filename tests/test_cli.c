/* The neurodyn command: output formats, exit statuses, user model files. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_run.h"

typedef struct result {
    int status;
    char out[1 << 18];
    char err[1 << 14];
} result;

static char tmpdir[256];

static void make_tmpdir(void) { cli_tmpdir_make(tmpdir); }
static void remove_tmpdir(void) { cli_tmpdir_remove(tmpdir); }

TestSuite(cli, .init = make_tmpdir, .fini = remove_tmpdir);

/* Runs `neurodyn ARGS` in the suite's folder, capturing both streams. */
static void run(result *r, const char *args)
{
    r->status = cli_run_in(tmpdir, args);
    char path[300];
    snprintf(path, sizeof path, "%s/stdout", tmpdir);
    cli_slurp(path, r->out, sizeof r->out);
    snprintf(path, sizeof path, "%s/stderr", tmpdir);
    cli_slurp(path, r->err, sizeof r->err);
}

static void write_file(const char *name, const char *text)
{
    char path[300];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

Test(cli, models_lists_the_zoo)
{
    result r;
    run(&r, "models");
    cr_assert_eq(r.status, 0, "%s", r.err);
    const char *expected[] = {"fitzhugh_nagumo", "hindmarsh_rose", "fitzhugh_rinzel", "hodgkin_huxley", "morris_lecar",
                              "izhikevich", "wilson_cowan", "van_der_pol", "lorenz", "rossler", "lif"};
    for (size_t i = 0; i < sizeof expected / sizeof *expected; i++)
        cr_expect(strstr(r.out, expected[i]), "missing %s in:\n%s", expected[i], r.out);
}

Test(cli, simulate_writes_tsv_with_header)
{
    result r;
    run(&r, "simulate fhn --t1 5 --sample 1");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_expect(strncmp(r.out, "t\tV\tw\n0\t-1\t-0.5\n", 16) == 0, "%s", r.out);
    int lines = 0;
    for (const char *s = r.out; *s; s++) lines += *s == '\n';
    cr_expect_eq(lines, 7, "header + samples at t = 0..5:\n%s", r.out);
}

Test(cli, simulate_json_summary)
{
    result r;
    run(&r, "simulate hh --t1 20 --method rk4 --dt 0.01 --set Iext=10 --init V=-70 --json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_error_t jerr;
    json_t *j = json_loads(r.out, 0, &jerr);
    cr_assert_not_null(j, "stdout is not one JSON document: %s\n%s", jerr.text, r.out);
    cr_expect_str_eq(json_string_value(json_object_get(j, "model")), "hodgkin_huxley");
    cr_expect_str_eq(json_string_value(json_object_get(j, "method")), "rk4");
    cr_expect_eq(json_number_value(json_object_get(j, "t1")), 20.0);
    cr_expect_eq(json_integer_value(json_object_get(j, "steps")), 2000);
    cr_expect_eq(json_integer_value(json_object_get(j, "rhs_evals")), 8000);
    json_t *final = json_object_get(j, "final");
    cr_assert(json_is_object(final));
    const char *vars[] = {"V", "m", "h", "n"};
    for (int i = 0; i < 4; i++) cr_expect(json_is_number(json_object_get(final, vars[i])), "final.%s", vars[i]);
    json_decref(j);
}

Test(cli, bad_usage_exits_2_with_one_line)
{
    const char *cases[][2] = {
        {"simulate fhn", "--t1 is required"},
        {"simulate fhn --t1 10 --bogus", "--bogus"},
        {"simulate fhn --t1 ten", "'ten' is not a number"},
        {"simulate fhn --t1 10 --set Iex=1", "unknown parameter 'Iex'"},
        {"simulate fhn --t1 10 --init q=1", "unknown variable 'q'"},
        {"simulate nosuchmodel --t1 10", "unknown model 'nosuchmodel'"},
        {"simulate fhn --t1 10 --method rk4", "give --dt"},
        {"simulate fhn --t1 10 --method rk4 --dt 0", "dt = 0"},
        {"simulate fhn --t1 -1", "before t0"},
        {"simulate ./missing.c --t1 1", "does not exist"},
        {"frobnicate", "unknown command"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        result r;
        run(&r, cases[i][0]);
        cr_expect_eq(r.status, 2, "'%s' exited %d: %s", cases[i][0], r.status, r.err);
        cr_expect(strstr(r.err, cases[i][1]), "'%s' said: %s", cases[i][0], r.err);
        cr_expect_eq(r.out[0], '\0', "'%s' wrote to stdout: %s", cases[i][0], r.out);
    }
}

Test(cli, every_command_has_help)
{
    const char *cmds[] = {"--help", "models --help", "info --help", "simulate --help"};
    for (size_t i = 0; i < 4; i++) {
        result r;
        run(&r, cmds[i]);
        cr_expect_eq(r.status, 0, "%s", cmds[i]);
        cr_expect(strstr(r.out, "usage"), "%s: %s", cmds[i], r.out);
    }
}

Test(cli, nonfinite_rhs_fails_with_exit_1)
{
    /* A user model whose RHS is sqrt(1 - t): not finite after t = 1. */
    write_file("bad.c",
               "#include \"neurodyn/model.h\"\n"
               "ND_RHS(bad) { dxdt[0] = sqrt(1.0 - t); }\n"
               "static const char *const v[] = {\"x\"};\n"
               "static const double i0[] = {0};\n"
               "static const nd_model m = {.name = \"bad\", .n_vars = 1, .var_names = v,\n"
               "                           .init = i0, .rhs = bad_rhs};\n"
               "ND_EXPORT_MODEL(m)\n");
    result r;
    run(&r, "simulate ./bad.c --t1 2 --method rk4 --dt 0.01");
    cr_expect_eq(r.status, 1, "%s", r.err);
    cr_expect(strstr(r.err, "dx/dt is -nan") || strstr(r.err, "dx/dt is nan"), "%s", r.err);
}

Test(cli, user_model_files_compile_and_run)
{
    write_file("decay.c",
               "#include \"neurodyn/model.h\"\n"
               "/* x' = -k x */\n"
               "ND_RHS(decay) { dxdt[0] = -p[0] * x[0]; }\n"
               "ND_KERNELS(decay, 1, 1)\n"
               "static const char *const v[] = {\"x\"}, *const pn[] = {\"k\"};\n"
               "static const double d[] = {0.5}, i0[] = {2.0};\n"
               "static const nd_model m = {.name = \"decay\", .n_vars = 1, .n_pars = 1,\n"
               "    .var_names = v, .par_names = pn, .par_defaults = d, .init = i0,\n"
               "    .rhs = decay_rhs, .kernels = &decay_kernels};\n"
               "ND_EXPORT_MODEL(m)\n");
    result r;
    run(&r, "simulate ./decay.c --t1 2 --rtol 1e-10 --atol 1e-12 --json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *j = json_loads(r.out, 0, NULL);
    cr_assert_not_null(j, "%s", r.out);
    double x = json_number_value(json_object_get(json_object_get(j, "final"), "x"));
    cr_expect(fabs(x - 2.0 * exp(-1.0)) < 1e-8, "x(2) = %.12g, exact 2/e", x); /* x = 2 e^{-k t} */
    json_decref(j);
    /* the second run reuses the cached object */
    run(&r, "info ./decay.c");
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.out, "decay"), "%s", r.out);
}

Test(cli, user_model_errors_are_explained)
{
    write_file("broken.c", "#include \"neurodyn/model.h\"\nND_RHS(b) { dxdt[0] = undefined_thing; }\n");
    result r;
    run(&r, "info ./broken.c");
    cr_expect_eq(r.status, 1, "%s", r.err);
    cr_expect(strstr(r.err, "undefined_thing"), "the compiler's message is shown: %s", r.err);
    write_file("empty.c", "#include \"neurodyn/model.h\"\nint unrelated = 1;\n");
    run(&r, "info ./empty.c");
    cr_expect_eq(r.status, 1, "%s", r.err);
    cr_expect(strstr(r.err, "defines no model"), "%s", r.err);
}

Test(cli, example_template_model_runs)
{
    const char *src = getenv("ND_SRC");
    cr_assert_not_null(src, "ND_SRC must name the source tree (make test sets it)");
    char args[1024];
    snprintf(args, sizeof args, "simulate '%s/examples/user_model.c' --t1 20 --json", src);
    result r;
    run(&r, args);
    cr_expect_eq(r.status, 0, "%s", r.err);
}

Test(cli, stochastic_runs_are_seeded)
{
    result a, b, c;
    run(&a, "simulate sfhn --t1 20 --dt 0.01 --seed 5 --json");
    run(&b, "simulate sfhn --t1 20 --dt 0.01 --seed 5 --json");
    run(&c, "simulate sfhn --t1 20 --dt 0.01 --seed 6 --json");
    cr_assert_eq(a.status, 0, "%s", a.err);
    cr_expect_str_eq(a.out, b.out, "the same seed gives the same path");
    cr_expect_str_neq(a.out, c.out, "another seed gives another path");
    cr_expect(strstr(a.out, "\"seed\": 5") && strstr(a.out, "\"method\": \"euler\""), "%s", a.out);
    result d;
    run(&d, "simulate fhn --t1 10 --dt 0.01 --noise 0.2 --method milstein --json");
    cr_expect_eq(d.status, 0, "%s", d.err);
    cr_expect(strstr(d.out, "\"method\": \"milstein\""), "%s", d.out);
}

Test(cli, stochastic_bad_usage)
{
    const char *cases[][2] = {
        {"simulate sfhn --t1 1", "give --dt"},
        {"simulate sfhn --t1 1 --dt 0.01 --seed -1", "--seed '-1'"},
        {"simulate sfhn --t1 1 --dt 0.01 --noise 0.1", "already has a diffusion term"},
        {"simulate noisy_lorenz --t1 1 --dt 0.01 --method heun", "does not support Ito diagonal noise"},
        {"simulate sfhn --t1 1 --dt 0.01 --method rk4", "unknown SDE method 'rk4'"},
        {"simulate fhn --t1 1 --dt 0.01 --noise -1", "noise amplitude -1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        result r;
        run(&r, cases[i][0]);
        cr_expect_eq(r.status, 2, "'%s' exited %d: %s", cases[i][0], r.status, r.err);
        cr_expect(strstr(r.err, cases[i][1]), "'%s' said: %s", cases[i][0], r.err);
    }
}

Test(cli, fixed_points_json)
{
    result r;
    run(&r, "fixed-points fhn --set Iext=0 --json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *j = json_loads(r.out, 0, NULL);
    cr_assert_not_null(j, "%s", r.out);
    cr_expect_str_eq(json_string_value(json_object_get(j, "model")), "fitzhugh_nagumo");
    cr_expect_eq(json_number_value(json_object_get(json_object_get(j, "parameters"), "Iext")), 0.0);
    json_t *fps = json_object_get(j, "fixed_points");
    cr_assert_eq(json_array_size(fps), 1);
    json_t *fp = json_array_get(fps, 0);
    /* V* = -1.19940803524 at Iext = 0 (root of V^3 + 0.75 V + 2.625, Cardano) */
    cr_expect(fabs(json_number_value(json_object_get(json_object_get(fp, "state"), "V")) + 1.19940803524) < 1e-9);
    cr_expect_str_eq(json_string_value(json_object_get(fp, "stability")), "stable focus");
    cr_expect_eq(json_array_size(json_object_get(fp, "eigenvalues")), 2);
    cr_expect(json_is_number(json_object_get(json_array_get(json_object_get(fp, "eigenvalues"), 0), "im")));
    json_t *seeds = json_object_get(j, "seeds");
    cr_expect_eq(json_integer_value(json_object_get(seeds, "tried")), 256);
    json_decref(j);
}

Test(cli, fixed_points_slices_and_errors)
{
    result r;
    run(&r, "fixed-points hr --fix z=2 --range x=-3:3 --range y=-20:5 --json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *j = json_loads(r.out, 0, NULL);
    cr_expect_eq(json_array_size(json_object_get(j, "fixed_points")), 3, "%s", r.out);
    json_decref(j);
    run(&r, "fixed-points fhn --range V=2:3 --range w=-3:-2");
    cr_expect_eq(r.status, 0, "an empty box is an answer, not an error");
    cr_expect(strstr(r.err, "no equilibrium of fitzhugh_nagumo in the box V=2:3 w=-3:-2"), "%s", r.err);
    const char *cases[][2] = {
        {"fixed-points fhn --range V=3:-3", "empty or inverted"},
        {"fixed-points fhn --range Q=0:1", "unknown variable 'Q'"},
        {"fixed-points fhn --range V=0", "LO:HI"},
        {"fixed-points fhn --fix V=1 --fix w=0", "every variable"},
        {"fixed-points fhn --seeds 0", "--seeds '0'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        run(&r, cases[i][0]);
        cr_expect_eq(r.status, 2, "'%s' exited %d: %s", cases[i][0], r.status, r.err);
        cr_expect(strstr(r.err, cases[i][1]), "'%s' said: %s", cases[i][0], r.err);
    }
}

static void slurp_file(const char *name, char *buf, size_t len)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    cli_slurp(path, buf, len);
}

Test(cli, phase_plane_writes_every_piece)
{
    result r;
    run(&r, "phase-plane fhn --traj V=-2.8,w=-1.8 --t1 50 --outdir pp --json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *j = json_loads(r.out, 0, NULL);
    cr_assert_not_null(j, "%s", r.out);
    cr_expect_str_eq(json_string_value(json_object_get(json_object_get(j, "x"), "name")), "V");
    cr_expect_eq(json_array_size(json_object_get(j, "fixed_points")), 1);
    json_decref(j);
    static char buf[1 << 20];
    const char *headers[][2] = {
        {"pp/nullcline_V.tsv", "piece\tV\tw\n"},
        {"pp/nullcline_w.tsv", "piece\tV\tw\n"},
        {"pp/vector_field.tsv", "V\tw\tdV\tdw\tdV_unit\tdw_unit\n"},
        {"pp/fixed_points.tsv", "V\tw\tstable\ttype\n"},
        {"pp/trajectories.tsv", "branch\tkind\tt\tV\tw\n"},
        {"pp/separatrices.tsv", "branch\tkind\tt\tV\tw\n"},
    };
    for (size_t i = 0; i < sizeof headers / sizeof *headers; i++) {
        slurp_file(headers[i][0], buf, sizeof buf);
        cr_expect(strncmp(buf, headers[i][1], strlen(headers[i][1])) == 0, "%s starts: %.60s", headers[i][0], buf);
    }
    /* every V-nullcline point satisfies w = V - V^3/3 + Iext (Iext = 0.5) to the printed digits */
    slurp_file("pp/nullcline_V.tsv", buf, sizeof buf);
    int points = 0;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        int piece;
        double V, w;
        if (sscanf(line, "%d\t%lf\t%lf", &piece, &V, &w) != 3) continue;
        cr_expect(fabs(w - (V - V * V * V / 3 + 0.5)) < 1e-9, "V = %g, w = %g", V, w);
        points++;
    }
    cr_expect(points > 50, "%d points", points);
    slurp_file("pp/trajectories.tsv", buf, sizeof buf);
    cr_expect(strstr(buf, "forward") && strstr(buf, "backward"), "both directions");
}

Test(cli, phase_plane_bad_usage)
{
    const char *cases[][2] = {
        {"phase-plane fhn --x V=-3:3 --y V=-3:3", "same variable"},
        {"phase-plane fhn --x Q=-3:3", "unknown variable 'Q'"},
        {"phase-plane fhn --grid 1", "--grid '1'"},
        {"phase-plane fhn --t1 0", "--t1 0"},
        {"phase-plane fhn --traj V=1,q=2 --outdir pp2", "unknown variable 'q'"},
        {"phase-plane fhn --plot pp.gif", "extension"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        result r;
        run(&r, cases[i][0]);
        cr_expect_eq(r.status, 2, "'%s' exited %d: %s", cases[i][0], r.status, r.err);
        cr_expect(strstr(r.err, cases[i][1]), "'%s' said: %s", cases[i][0], r.err);
    }
}

Test(cli, bifurcation_json_and_files)
{
    result r;
    run(&r, "bifurcation fhn --par Iext=0:2 --outdir bif --json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *j = json_loads(r.out, 0, NULL);
    cr_assert_not_null(j, "%.300s", r.out);
    cr_expect_str_eq(json_string_value(json_object_get(j, "parameter")), "Iext");
    json_t *sp = json_object_get(j, "special_points");
    cr_assert_eq(json_array_size(sp), 2, "two Hopf points");
    /* Iext at the Hopf points: V = -+sqrt(1 - b/tau), Iext = -(V - V^3/3) + (V + a)/b */
    double V = sqrt(1 - 0.8 / 12.5), I1 = -(-V + V * V * V / 3) + (-V + 0.7) / 0.8;
    json_t *h = json_array_get(sp, 0);
    cr_expect_str_eq(json_string_value(json_object_get(h, "type")), "H");
    cr_expect(fabs(json_number_value(json_object_get(h, "Iext")) - I1) < 1e-10);
    cr_expect_str_eq(json_string_value(json_object_get(h, "criticality")), "subcritical");
    json_t *br = json_array_get(json_object_get(j, "branches"), 0);
    cr_expect_str_eq(json_string_value(json_object_get(br, "kind")), "equilibrium");
    cr_expect(json_array_size(json_object_get(br, "points")) > 10);
    json_decref(j);
    static char buf[1 << 20];
    slurp_file("bif/branches.tsv", buf, sizeof buf);
    cr_expect(strncmp(buf, "branch\tIext\tV\tw\tstable\n", 23) == 0, "%.60s", buf);
    slurp_file("bif/special_points.tsv", buf, sizeof buf);
    cr_expect(strncmp(buf, "type\tbranch\tIext\tV\tw\tfrequency\tfirst_lyapunov\n", 45) == 0, "%.60s", buf);
}

Test(cli, bifurcation_bad_usage)
{
    const char *cases[][2] = {
        {"bifurcation fhn --par Iexx=0:1", "unknown parameter 'Iexx'"},
        {"bifurcation fhn --par Iext=1:0", "empty or inverted"},
        {"bifurcation fhn --par Iext=0:1 --var q", "unknown variable 'q'"},
        {"bifurcation fhn --t1 10 --transient 20", "--transient"},
        {"bifurcation lorenz --par sigma=-1:x", "is not a number"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        result r;
        run(&r, cases[i][0]);
        cr_expect_eq(r.status, 2, "'%s' exited %d: %s", cases[i][0], r.status, r.err);
        cr_expect(strstr(r.err, cases[i][1]), "'%s' said: %s", cases[i][0], r.err);
    }
}

Test(cli, bifurcation2_fhn_hopf_line)
{
    /* the Hopf curve of FHN in (a, Iext) is the line Iext = -(V - V^3/3) + (V + a)/b with
     * V = -sqrt(1 - b/tau) (trace zero), slope 1/b = 1.25 */
    result r;
    run(&r, "bifurcation2 fhn --par a=0.5:1 --par Iext=0:1 --outdir b2 --json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *j = json_loads(r.out, 0, NULL);
    cr_assert_not_null(j, "%.200s", r.out);
    json_t *curves = json_object_get(j, "curves");
    cr_assert(json_array_size(curves) >= 1);
    double V = -sqrt(1 - 0.8 / 12.5);
    size_t checked = 0;
    for (size_t c = 0; c < json_array_size(curves); c++) {
        json_t *cv = json_array_get(curves, c);
        cr_expect_str_eq(json_string_value(json_object_get(cv, "kind")), "H");
        json_t *pts = json_object_get(cv, "points");
        for (size_t i = 0; i + 1 < json_array_size(pts); i++) { /* the last point is clipped to the box */
            json_t *pt = json_array_get(pts, i);
            double a = json_number_value(json_object_get(pt, "a")), I = json_number_value(json_object_get(pt, "Iext"));
            cr_expect(fabs(I - (-(V - V * V * V / 3) + (V + a) / 0.8)) < 1e-8, "a = %g, Iext = %.12g", a, I);
            checked++;
        }
    }
    cr_expect(checked > 20, "%zu points", checked);
    json_decref(j);
    run(&r, "bifurcation2 fhn --par a=0.5:1");
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "exactly twice"), "%s", r.err);
    run(&r, "bifurcation2 fhn --par a=0.8:1 --par Iext=0:1");
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "outside its range"), "%s", r.err);
}

Test(cli, bifurcation2_wilson_cowan_each_curve_and_point_once_with_coefficients)
{
    /* Wilson–Cowan in (Q, P): one fold curve (both starting folds lie on it), one Hopf curve;
     * the cusp and the BT point once each, the BT point on both curves; the Hopf curve's
     * neutral-saddle part marked; the normal-form coefficients by name */
    result r;
    run(&r, "bifurcation2 wilson_cowan --par Q=-2:2 --par P=0:3 --outdir wc2 --json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *j = json_loads(r.out, 0, NULL);
    cr_assert_not_null(j, "%.200s", r.out);
    json_t *curves = json_object_get(j, "curves"), *sps = json_object_get(j, "special_points");
    size_t kinds[2] = {0, 0}, neutral = 0, hopf = 0;
    for (size_t c = 0; c < json_array_size(curves); c++) {
        json_t *cv = json_array_get(curves, c);
        int h = !strcmp(json_string_value(json_object_get(cv, "kind")), "H");
        kinds[h]++;
        cr_expect(json_is_string(json_object_get(cv, "begin")) && json_is_string(json_object_get(cv, "stop")),
                  "both ends of curve %zu", c);
        json_t *pts = json_object_get(cv, "points");
        for (size_t i = 0; h && i < json_array_size(pts); i++) {
            json_t *ns = json_object_get(json_array_get(pts, i), "neutral_saddle");
            cr_assert(json_is_boolean(ns));
            *(json_is_true(ns) ? &neutral : &hopf) += 1;
        }
    }
    cr_expect(kinds[0] == 1 && kinds[1] == 1, "%zu fold and %zu Hopf curves", kinds[0], kinds[1]);
    cr_expect(neutral > 5 && hopf > 20, "%zu Hopf points, %zu neutral saddles", hopf, neutral);
    cr_expect_eq(json_integer_value(json_object_get(j, "starts_on_known_curves")), 1);
    size_t seen[3] = {0, 0, 0};
    for (size_t i = 0; i < json_array_size(sps); i++) {
        json_t *sp = json_array_get(sps, i);
        const char *type = json_string_value(json_object_get(sp, "type"));
        double q = json_number_value(json_object_get(sp, "Q")), pp = json_number_value(json_object_get(sp, "P"));
        if (!strcmp(type, "BT")) {
            seen[0]++;
            cr_expect(fabs(q - 0.102663366703) < 1e-8 && fabs(pp - 0.960041034228) < 1e-8, "BT at %.12g, %.12g", q, pp);
            cr_expect_eq(json_array_size(json_object_get(sp, "curves")), 2, "the BT point lies on both curves");
            cr_expect(json_is_number(json_object_get(sp, "bt_a")) && json_is_number(json_object_get(sp, "bt_b")));
        } else if (!strcmp(type, "CP")) {
            seen[1]++;
            cr_expect(fabs(q - 0.508238973744) < 1e-8 && fabs(pp - 1.152364810969) < 1e-8, "CP at %.12g, %.12g", q, pp);
            cr_expect(json_number_value(json_object_get(sp, "cusp_coefficient")) < 0);
        } else if (!strcmp(type, "GH")) {
            seen[2]++;
            cr_expect(json_number_value(json_object_get(sp, "frequency")) > 0);
            cr_expect(json_is_number(json_object_get(sp, "second_lyapunov")));
        }
    }
    cr_expect(seen[0] == 1 && seen[1] == 1 && seen[2] == 1, "BT %zu, CP %zu, GH %zu times", seen[0], seen[1], seen[2]);
    json_decref(j);
    /* the summary line counts curves, not halves */
    run(&r, "bifurcation2 wilson_cowan --par Q=-2:2 --par P=0:3 --outdir wc2");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.out, "1 fold and 1 Hopf curve, 3 codim-2 points"), "%s", r.out);
    cr_expect(!strstr(r.out, "cut short"), "%s", r.out);
    /* run control: a small budget cuts curves short, and the summary line and the JSON say so */
    run(&r, "bifurcation2 wilson_cowan --par Q=-2:2 --par P=0:3 --outdir wc2 --max-points 30");
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.out, "cut short") && strstr(r.out, "point budget (30 points)"), "%s", r.out);
    run(&r, "bifurcation2 wilson_cowan --par Q=-2:2 --par P=0:3 --outdir wc2 --max-points 30 --ds-max 0.05 --json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    j = json_loads(r.out, 0, NULL);
    cr_assert_not_null(j, "%.200s", r.out);
    json_t *short_curves = json_object_get(j, "curves");
    size_t cut = 0;
    for (size_t i = 0; i < json_array_size(short_curves); i++) {
        json_t *c = json_array_get(short_curves, i);
        cr_expect(json_array_size(json_object_get(c, "points")) <= 60, "two halves of at most 30 points");
        if (json_is_true(json_object_get(c, "cut_short"))) {
            cut++;
            cr_expect_str_eq(json_string_value(json_object_get(c, "stop_kind")), "point_budget");
        }
    }
    cr_expect(cut >= 1, "%zu curves cut short", cut);
    json_decref(j);
    run(&r, "bifurcation2 wilson_cowan --par Q=-2:2 --par P=0:3 --outdir wc2 --ds 2");
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "--ds 2"), "%s", r.err);
    run(&r, "bifurcation2 wilson_cowan --par Q=-2:2 --par P=0:3 --outdir wc2 --ntst 10");
    cr_expect_eq(r.status, 2, "no cycles here: --ntst is not an option of bifurcation2");
}

Test(cli, bifurcation_with_cycles)
{
    result r;
    run(&r, "bifurcation fhn --par Iext=0:2 --cycles --outdir bc --json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *j = json_loads(r.out, 0, NULL);
    cr_assert_not_null(j, "%.200s", r.out);
    json_t *branches = json_object_get(j, "branches");
    size_t cycles = 0;
    for (size_t b = 0; b < json_array_size(branches); b++) {
        json_t *br = json_array_get(branches, b);
        if (strcmp(json_string_value(json_object_get(br, "kind")), "cycle")) continue;
        cycles++;
        json_t *pt = json_array_get(json_object_get(br, "points"), 10);
        cr_expect(json_number_value(json_object_get(pt, "period")) > 0);
        cr_expect(json_is_number(json_object_get(json_object_get(pt, "max"), "V")));
    }
    cr_expect_eq(cycles, 1, "one cycle branch joins the two Hopf points");
    /* the FHN cubic is symmetric under (V, w, Iext) -> (-V, -w, 1.75 - Iext) for a/b = 0.875,
     * so the two folds of cycles sum to 1.75 */
    json_t *sp = json_object_get(j, "special_points");
    double lpc[2];
    size_t n = 0;
    for (size_t i = 0; i < json_array_size(sp); i++) {
        json_t *s = json_array_get(sp, i);
        if (!strcmp(json_string_value(json_object_get(s, "type")), "LPC") && n < 2)
            lpc[n++] = json_number_value(json_object_get(s, "Iext"));
    }
    cr_assert_eq(n, 2, "two folds of cycles");
    cr_expect(fabs(lpc[0] + lpc[1] - 1.75) < 1e-8, "LPC at %.12g and %.12g", lpc[0], lpc[1]);
    json_decref(j);
}

Test(cli, bifurcation2_brute_force_map_agrees_with_the_hopf_line)
{
    /* FHN oscillates (from its initial state) above the Hopf line Iext_H(a) and rests well
     * below it; cells within 0.05 of the line are not judged (the Hopf points are subcritical) */
    result r;
    run(&r, "bifurcation2 fhn --par a=0.5:1 --par Iext=0:1 --brute --grid 12 --outdir b5");
    cr_assert_eq(r.status, 0, "%s", r.err);
    static char buf[1 << 16];
    slurp_file("b5/brute2.tsv", buf, sizeof buf);
    double V = -sqrt(1 - 0.8 / 12.5);
    int judged = 0;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        double a, I, amp;
        int eq, st, osc;
        if (sscanf(line, "%lf\t%lf\t%d\t%d\t%d\t%lf", &a, &I, &eq, &st, &osc, &amp) != 6) continue;
        double IH = -(V - V * V * V / 3) + (V + a) / 0.8;
        cr_expect_eq(eq, 1, "one equilibrium at a = %g, Iext = %g", a, I);
        if (I > IH + 0.05) {
            cr_expect_eq(osc, 1, "a = %g, Iext = %g above the Hopf line %g", a, I, IH);
            judged++;
        }
        if (I < IH - 0.05) {
            cr_expect_eq(osc, 0, "a = %g, Iext = %g below the Hopf line %g", a, I, IH);
            judged++;
        }
    }
    cr_expect(judged > 100, "%d cells judged", judged);
}

Test(cli, fast_slow_hindmarsh_rose)
{
    /* the documented JSON shape, the class (Izhikevich 2000: fold/homoclinic) and the files */
    result r;
    run(&r, "fast-slow hr --slow z=1:3.3 --outdir fs --plot fs/hr.svg --json");
    cr_assert_eq(r.status, 0, "%s", r.err);
    json_t *j = json_loads(r.out, 0, NULL);
    cr_assert_not_null(j, "%.200s", r.out);
    cr_expect_str_eq(json_string_value(json_object_get(j, "slow")), "z");
    cr_expect_str_eq(json_string_value(json_object_get(j, "burster")), "fold/homoclinic");
    cr_expect_str_eq(json_string_value(json_object_get(j, "activity")), "bursting");
    cr_expect_str_eq(json_string_value(json_object_get(j, "trajectory")), "fs/trajectory.tsv");
    json_t *on = json_object_get(json_object_get(j, "onset"), "point");
    cr_expect_str_eq(json_string_value(json_object_get(on, "type")), "LP");
    cr_expect(fabs(json_number_value(json_object_get(on, "z")) - 49.0 / 27.0) < 1e-9);
    size_t eq = 0, cyc = 0;
    json_t *br = json_object_get(j, "branches");
    for (size_t b = 0; b < json_array_size(br); b++) {
        const char *kind = json_string_value(json_object_get(json_array_get(br, b), "kind"));
        eq += !strcmp(kind, "equilibrium"), cyc += !strcmp(kind, "cycle");
    }
    cr_expect(eq >= 1 && cyc >= 2, "%zu equilibrium and %zu cycle branches", eq, cyc);
    /* each point names its branch in "branches": LP and H an equilibrium branch, HC a cycle
     * (regression: cycle points gave their index among the cycle branches) */
    json_t *sp = json_object_get(j, "special_points");
    cr_expect(json_array_size(sp) >= 3);
    for (size_t i = 0; i < json_array_size(sp); i++) {
        json_t *pt = json_array_get(sp, i);
        const char *type = json_string_value(json_object_get(pt, "type"));
        json_t *b = json_array_get(br, (size_t)json_integer_value(json_object_get(pt, "branch")));
        cr_assert_not_null(b, "%s: branch out of range", type);
        const char *kind = json_string_value(json_object_get(b, "kind"));
        int on_eq = !strcmp(type, "LP") || !strcmp(type, "H");
        cr_expect_str_eq(kind, on_eq ? "equilibrium" : "cycle", "%s on a %s branch", type, kind);
    }
    json_decref(j);
    const char *files[] = {"branches.tsv", "cycles.tsv", "special_points.tsv", "trajectory.tsv", "slow_nullcline.tsv"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[400], head[256];
        snprintf(path, sizeof path, "%s/fs/%s", tmpdir, files[i]);
        cli_slurp(path, head, sizeof head);
        cr_expect(strlen(head) > 10, "%s is empty", files[i]);
    }
    char path[400], head[64];
    snprintf(path, sizeof path, "%s/fs/trajectory.tsv", tmpdir);
    cli_slurp(path, head, sizeof head);
    cr_expect(!strncmp(head, "t\tx\ty\tz\n", 8), "trajectory header: %.20s", head);
    run(&r, "fast-slow fhn");
    cr_expect_eq(r.status, 2, "a model without slow variables");
    cr_expect(strstr(r.err, "declares no slow variable"), "%s", r.err);
    run(&r, "fast-slow hr --traj x=1,q=2");
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "'q'"), "%s", r.err);
}
