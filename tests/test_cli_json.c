/* The JSON every command prints goes through one writer (Jansson, cli/diagram_out.c): it parses,
 * numbers round-trip exactly, and a value that is not finite is null. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_run.h"

static char tmp[256];
static char out[1 << 20];

static void setup(void) { cli_tmpdir_make(tmp); }
static void teardown(void) { cli_tmpdir_remove(tmp); }

/* Runs the command and parses its stdout. */
static json_t *run_json(const char *args)
{
    int status = cli_run_in(tmp, args);
    char path[400];
    snprintf(path, sizeof path, "%s/stdout", tmp);
    cli_slurp(path, out, sizeof out);
    cr_assert_eq(status, 0, "neurodyn %s: exit %d", args, status);
    json_error_t e;
    json_t *j = json_loads(out, 0, &e);
    cr_assert_not_null(j, "neurodyn %s: not JSON (%s): %.200s", args, e.text, out);
    return j;
}

TestSuite(cli_json, .init = setup, .fini = teardown);

Test(cli_json, numbers_round_trip)
{
    /* 0.7 and -1.6 are not representable in binary: 15 digits print them back as themselves
     * but lose other values; the writer prints 17, which read back give the same double */
    json_t *j = run_json("info fhn --json");
    json_t *pars = json_object_get(j, "parameters");
    cr_expect(json_real_value(json_object_get(pars, "a")) == 0.7, "a = %.17g", json_real_value(json_object_get(pars, "a")));
    json_decref(j);
    j = run_json("info hr --json");
    pars = json_object_get(j, "parameters");
    cr_expect(json_real_value(json_object_get(pars, "x_r")) == -1.6);
    json_decref(j);
    /* the slice z = 2 has x = -(1 + sqrt 5)/2 (closed form): the printed value reads back to it
     * within the solver's last bit, which 15 digits could not carry */
    j = run_json("fixed-points hr --fix z=2 --json");
    json_t *fp = json_array_get(json_object_get(j, "fixed_points"), 0);
    double x = json_real_value(json_object_get(json_object_get(fp, "state"), "x"));
    cr_expect(x == -0.5 * (1 + sqrt(5.0)) || fabs(x + 0.5 * (1 + sqrt(5.0))) < 4e-16, "x = %.17g", x);
    json_decref(j);
}

Test(cli_json, every_json_command_parses)
{
    const char *cmds[] = {"models --json", "info izhikevich --json", "fixed-points ml --json",
                          "coba --t1 5 --json", "bifurcation fhn --json --outdir b", "simulate fhn --t1 5 --json",
                          "sweep fhn --par Iext=0:1:3 --t1 20 --json", "phase-plane ml --json",
                          "fast-slow hr --no-cycles --json", "basins fhn --x V=-2:2:4 --y w=-1:1:4 --t1 20 --json"};
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) json_decref(run_json(cmds[i]));
}

Test(cli_json, json_alone_writes_no_files)
{
    /* with --json and no --outdir the JSON on stdout is the answer: no folder in the current
     * directory (regression: bifurcation/ and bifurcation2/ appeared wherever it ran) */
    json_decref(run_json("bifurcation fhn --json"));
    json_decref(run_json("bifurcation2 fhn --par a=0.5:1 --par Iext=0:1 --json"));
    json_t *pp = run_json("phase-plane ml --json");
    cr_expect(json_is_null(json_object_get(pp, "outdir")));
    json_t *v = json_array_get(json_object_get(json_object_get(pp, "nullclines"), "V"), 0);
    cr_expect(json_array_size(json_object_get(v, "x")) > 10, "the V nullcline's points are in the JSON");
    json_decref(pp);
    json_t *fs = run_json("fast-slow hr --no-cycles --json");
    cr_expect(json_is_null(json_object_get(fs, "trajectory")));
    json_decref(fs);
    char path[400];
    const char *folders[] = {"phase_plane", "fast_slow"};
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/%s", tmp, folders[k]);
        cr_expect(access(path, F_OK) != 0, "%s/ was written", folders[k]);
    }
    snprintf(path, sizeof path, "%s/bifurcation", tmp);
    cr_expect(access(path, F_OK) != 0, "bifurcation/ was written");
    snprintf(path, sizeof path, "%s/bifurcation2", tmp);
    cr_expect(access(path, F_OK) != 0, "bifurcation2/ was written");
    /* a figure needs its data: the default folder, announced on stderr */
    cr_assert_eq(cli_run_in(tmp, "bifurcation fhn --json --plot b.svg"), 0);
    snprintf(path, sizeof path, "%s/bifurcation/branches.tsv", tmp);
    cr_expect(access(path, F_OK) == 0);
    char err[512];
    snprintf(path, sizeof path, "%s/stderr", tmp);
    cli_slurp(path, err, sizeof err);
    cr_expect(strstr(err, "./bifurcation"), "%s", err);
}

Test(cli_json, non_finite_values_are_null_not_nan)
{
    /* regression (issue 16, D15): info --json printed nan and inf, which no JSON reader takes */
    char path[400];
    snprintf(path, sizeof path, "%s/odd.c", tmp);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("#include \"neurodyn/model.h\"\n#include <math.h>\n"
          "ND_RHS(odd) { (void)t; dxdt[0] = -p[0] * x[0]; }\n"
          "static const char *const v[] = {\"x\"}, *const pn[] = {\"k\", \"big\"};\n"
          "static const double d[] = {NAN, INFINITY}, i0[] = {1};\n"
          "static const nd_model m = {.name = \"odd\", .n_vars = 1, .n_pars = 2, .var_names = v, .par_names = pn,\n"
          "    .par_defaults = d, .init = i0, .rhs = odd_rhs};\nND_EXPORT_MODEL(m)\n", f);
    fclose(f);
    json_t *j = run_json("info ./odd.c --json");
    json_t *pars = json_object_get(j, "parameters");
    cr_expect(json_is_null(json_object_get(pars, "k")) && json_is_null(json_object_get(pars, "big")), "%s", out);
    json_decref(j);
}
