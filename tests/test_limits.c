/* Limits checked before any work (issue 16, "Hardening"): absurd lengths, counts and sample
 * intervals are one line and status 2 instead of a run that never ends; long names and long
 * numbers are read whole; a failed command leaves an existing --out file as it was. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_exec.h"
#include "cli_run.h"
#include "neurodyn/neurodyn.h"

static char tmpdir[256];

static void setup(void) { cli_tmpdir_make(tmpdir); }
static void teardown(void) { cli_tmpdir_remove(tmpdir); }

TestSuite(limits, .init = setup, .fini = teardown);

static cli_exec_result r;

/* Runs the command; expects the status and, when says is given, that stderr contains it. */
static void expect(const char *const *args, int status, const char *says)
{
    char line[600] = "";
    for (const char *const *a = args; *a; a++) strncat(line, *a, 60), strncat(line, " ", 2);
    cr_assert_eq(cli_exec(tmpdir, 0, args, &r), 0);
    cr_expect_eq(r.status, status, "%s: status %d, not %d; stderr: %s", line, r.status, status, r.err);
    if (says) cr_expect(strstr(r.err, says), "%s: stderr should say \"%s\", says: %s", line, says, r.err);
}

static void write_text(const char *name, const char *text)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

static void read_text(const char *name, char *buf, size_t len)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    cli_slurp(path, buf, len);
}

/* No temporary file of an --out is left in the folder. */
static void expect_no_temporary_files(void)
{
    DIR *d = opendir(tmpdir);
    cr_assert_not_null(d);
    for (struct dirent *e; (e = readdir(d));) cr_expect(!strstr(e->d_name, ".tmp-"), "left %s behind", e->d_name);
    closedir(d);
}

/* D1: 1e308 / 0.1 was rounded by lround (signed overflow) and the run printed one row forever. */
Test(limits, huge_sample_interval_is_refused_not_looped)
{
    const char *const a[] = {"simulate", "fhn", "--t1", "10", "--method", "rk4", "--dt", "0.1", "--sample", "1e308", NULL};
    expect(a, 2, "sample interval 1e+308");
    const char *const sde[] = {"simulate", "stochastic_fhn", "--t1", "10", "--dt", "0.1", "--sample", "1e300", NULL};
    expect(sde, 2, "sample interval 1e+300");
    const char *const ok[] = {"simulate", "fhn", "--t1", "10", "--method", "rk4", "--dt", "0.1", "--sample", "1e6", NULL};
    expect(ok, 0, NULL);
    cr_expect_eq(cli_line_count(r.out), 3, "header, t0 and t1: %s", r.out);
}

/* D14: the steps (or samples) a run needs are counted from its arguments before any work. */
Test(limits, runs_longer_than_the_limits_are_refused_first)
{
    const char *const sim[] = {"simulate", "fhn", "--t1", "1e308", "--method", "rk4", "--dt", "0.1", NULL};
    expect(sim, 2, "more than the limit of 1e+10");
    const char *const span[] = {"simulate", "fhn", "--t0", "-1e308", "--t1", "1e308", NULL};
    expect(span, 2, "overflows");
    const char *const samples[] = {"simulate", "fhn", "--t1", "1e300", "--sample", "1e-300", NULL};
    expect(samples, 2, "samples, more than the limit of 1e+10");
    const char *const sweep[] = {"sweep", "fhn", "--par", "Iext=0:1:10", "--t1", "1e9", NULL};
    expect(sweep, 2, "1e+11 steps per trajectory, more than the limit of 1e+10");
    const char *const lanes[] = {"sweep", "fhn", "--par", "Iext=0:1:10000000", "--t1", "1e5", NULL};
    expect(lanes, 2, "steps of all trajectories together, more than the limit of 1e+13");
    const char *const nostep[] = {"sweep", "fhn", "--par", "Iext=0:1:10", "--dt", "0", NULL};
    expect(nostep, 2, "--dt 0 must be > 0 for fixed steps");
    const char *const coba[] = {"coba", "--t1", "1e12", NULL};
    expect(coba, 2, "1e+13 steps, more than the limit of 1e+10");
    const char *const net[] = {"coba", "--t1", "1e9", NULL};
    expect(net, 2, "neuron-steps, more than the limit of 1e+13");
    const char *const pp[] = {"phase-plane", "fhn", "--t1", "1.8e19", "--sample", "1", NULL};
    expect(pp, 2, "samples per trajectory, more than the limit of 1e+10");
}

/* D8: the grids and the result are checked against NEURODYN_MAX_BYTES before the grids exist
 * (10^8 points: 4.8 GB of grids were filled before the refusal). */
Test(limits, sweep_memory_is_checked_before_the_grids)
{
    setenv("NEURODYN_MAX_BYTES", "1000000", 1);
    const char *const a[] = {"sweep", "fhn", "--par", "Iext=0:1:100000000", "--t1", "0.1", "--dt", "0.1", NULL};
    expect(a, 1, "the sweep's grid and result would need");
}

/* D9: 99999999999999999999999 was read as 2^64 - 1 seeds (strtoull's ERANGE ignored). */
Test(limits, seed_count_overflow_is_refused)
{
    const char *const a[] = {"fixed-points", "fhn", "--seeds", "99999999999999999999999", NULL};
    expect(a, 2, "--seeds '99999999999999999999999' must be an integer in 1..10000000");
    const char *const big[] = {"fixed-points", "fhn", "--seeds", "10000001", NULL};
    expect(big, 2, "must be an integer in 1..10000000");
    const char *const seed[] = {"fixed-points", "fhn", "--seed", "99999999999999999999999", NULL};
    expect(seed, 2, "--seed");
}

/* D2: a name of 128-255 characters was cut to 127 for the lookup, which failed, and the index
 * -1 was written to (free(): invalid next size). */
Test(limits, long_variable_names_are_looked_up_whole, .timeout = 120)
{
    char name[201], fix[220], range[240];
    memset(name, 'x', 200), name[200] = '\0';
    snprintf(fix, sizeof fix, "%s=0", name);
    const char *const unknown[] = {"fixed-points", "fhn", "--fix", fix, NULL};
    expect(unknown, 2, "unknown variable");
    char model[1200];
    snprintf(model, sizeof model,
             "#include \"neurodyn/model.h\"\n"
             "ND_RHS(ln) { dxdt[0] = -x[0] + x[1]; dxdt[1] = -x[1]; dxdt[2] = 1.0 - x[2]; }\n"
             "static const char *const v[] = {\"%s\", \"y\", \"z\"};\n"
             "static const double i0[] = {0, 0, 0}, lo[] = {-2, -2, -2}, hi[] = {2, 2, 2};\n"
             "static const nd_model m = {.name = \"long_names\", .n_vars = 3, .var_names = v, .init = i0,\n"
             "                           .var_lo = lo, .var_hi = hi, .rhs = ln_rhs};\n"
             "ND_EXPORT_MODEL(m)\n",
             name);
    write_text("long_names.c", model);
    const char *const fixed[] = {"fixed-points", "./long_names.c", "--fix", fix, NULL};
    expect(fixed, 0, NULL);
    cr_expect(strstr(r.out, "1 fixed point"), "%s", r.out);
    snprintf(range, sizeof range, "%s=-1:1", name);
    const char *const ranged[] = {"fixed-points", "./long_names.c", "--range", range, "--fix", "z=1", NULL};
    expect(ranged, 0, NULL);
}

/* D13: a bound was copied into 64 characters, so 1.000...0001e2 was read as 1. */
Test(limits, range_bounds_are_read_whole)
{
    char par[200];
    snprintf(par, sizeof par, "Iext=0:1.%0100de2:2", 1);
    const char *const a[] = {"sweep", "fhn", "--par", par, "--t1", "1", "--json", NULL};
    expect(a, 0, NULL);
    cr_expect(strstr(r.out, "\"Iext\": 100.0"), "the second point is Iext = 100: %s", r.out);
    const char *const bad[] = {"phase-plane", "fhn", "--x", "V=0:1x", NULL};
    expect(bad, 2, "'1x' is not a number");
}

/* D4: the section level's default read var_lo[-1] for an unknown --var. */
Test(limits, sweep_unknown_variable_is_refused)
{
    const char *const a[] = {"sweep", "fhn", "--par", "Iext=0:1:4", "--var", "nosuch", "--t1", "1", NULL};
    expect(a, 2, "unknown variable 'nosuch'");
}

/* D10: a refused or failed command leaves an existing --out file as it was. */
Test(limits, failed_commands_keep_an_existing_out_file)
{
    char text[64];
    write_text("res.tsv", "precious\n");
    const char *const inverted[] = {"simulate", "fhn", "--t0", "5", "--t1", "1", "--out", "res.tsv", NULL};
    expect(inverted, 2, "--t1 1 is before t0 = 5");
    read_text("res.tsv", text, sizeof text);
    cr_expect_str_eq(text, "precious\n");
    /* fails during the run: tau = 1e-300 makes the right-hand side infinite */
    const char *const blowup[] = {"simulate", "fhn", "--t1", "1", "--set", "tau=1e-300", "--out", "res.tsv", NULL};
    expect(blowup, 1, NULL);
    read_text("res.tsv", text, sizeof text);
    cr_expect_str_eq(text, "precious\n");
    const char *const sweep[] = {"sweep", "fhn", "--par", "Iext=0:1:4", "--transient", "5", "--t1", "1", "--out", "res.tsv", NULL};
    expect(sweep, 2, NULL);
    read_text("res.tsv", text, sizeof text);
    cr_expect_str_eq(text, "precious\n");
    expect_no_temporary_files();
    /* success replaces it */
    const char *const ok[] = {"simulate", "fhn", "--t1", "1", "--out", "res.tsv", NULL};
    expect(ok, 0, NULL);
    read_text("res.tsv", text, sizeof text);
    cr_expect(strncmp(text, "t\tV\tw\n", 6) == 0, "%s", text);
    const char *const sok[] = {"sweep", "fhn", "--par", "Iext=0:1:4", "--t1", "1", "--out", "res.tsv", NULL};
    expect(sok, 0, NULL);
    read_text("res.tsv", text, sizeof text);
    cr_expect(strncmp(text, "Iext\t", 5) == 0, "%s", text);
    expect_no_temporary_files();
}

/* D11: --rtol -5 silently used the default. */
Test(limits, bad_tolerances_are_refused)
{
    const char *const rtol[] = {"simulate", "fhn", "--t1", "1", "--rtol", "-5", NULL};
    expect(rtol, 2, "--rtol -5 must be in (0, 1)");
    const char *const zero[] = {"simulate", "fhn", "--t1", "1", "--rtol", "0", NULL};
    expect(zero, 2, "--rtol 0");
    const char *const atol[] = {"simulate", "fhn", "--t1", "1", "--atol", "-1e-9", NULL};
    expect(atol, 2, "--atol -1e-09 must be >= 0");
    const char *const nan[] = {"simulate", "fhn", "--t1", "1", "--rtol", "nan", NULL};
    expect(nan, 2, NULL);
}

/* D12: a transient as long as the run gave every point -inf inf nan, marked ok. */
Test(limits, sweep_transient_must_be_shorter_than_the_run)
{
    const char *const a[] = {"sweep", "fhn", "--par", "Iext=0:1:4", "--transient", "20", "--t1", "10", NULL};
    expect(a, 2, "need 0 <= --transient (20) < --t1 (10)");
    const char *const eq[] = {"sweep", "fhn", "--par", "Iext=0:1:4", "--transient", "10", "--t1", "10", NULL};
    expect(eq, 2, "--transient");
}

/* D20: strtod's ERANGE on underflow refused 1e-308 as "not finite". */
Test(limits, small_and_subnormal_numbers_are_valid)
{
    double v = 0;
    nd_error err;
    cr_expect_eq(nd_parse_double("1e-308", "x", &v, &err), ND_OK);
    cr_expect_eq(v, 1e-308);
    cr_expect_eq(nd_parse_double("4e-320", "x", &v, &err), ND_OK);
    cr_expect(v > 0 && v < 1e-300);
    cr_expect_eq(nd_parse_double("1e999", "x", &v, &err), ND_EINVAL);
    cr_expect_eq(nd_parse_double("-1e999", "x", &v, &err), ND_EINVAL);
    const char *const a[] = {"simulate", "fhn", "--t1", "1", "--set", "a=1e-308", "--json", NULL};
    expect(a, 0, NULL);
}

/* D21: --plot3d on a two-variable model was refused only after the whole run. */
Test(limits, plot3d_of_a_2d_model_is_refused_before_the_run)
{
    const char *const a[] = {"simulate", "fhn", "--t1", "1e7", "--method", "rk4", "--dt", "0.01",
                             "--out", "x.tsv", "--plot3d", "x.png", NULL};
    expect(a, 2, "--plot3d needs three variables");
    char text[8];
    read_text("x.tsv", text, sizeof text);
    cr_expect_str_eq(text, "", "x.tsv was written");
}

/* A stochastic run's first grid step t0 / dt was rounded by llround even past 2^63. */
Test(limits, stochastic_run_far_from_time_zero_starts)
{
    const char *const a[] = {"simulate", "stochastic_fhn", "--t0", "1e300", "--t1", "1e300", "--dt", "0.1", "--json", NULL};
    expect(a, 0, NULL);
}

/* D14, adaptive: a phase-plane trajectory keeps every step; a huge t1 without --sample ends at
 * its step budget in seconds, with a message, instead of filling the memory for minutes. */
Test(limits, phase_plane_keeping_every_step_stops_at_its_budget)
{
    const char *const a[] = {"phase-plane", "fhn", "--t1", "1.8e19", "--json", NULL};
    expect(a, 1, "more than 10000000 steps before |t| = 1.8e+19");
}

/* D18 and fixed buffers: an output path with no room left for the names of the files that go in
 * it (or next to it) is refused before any work, naming its length; no path is cut short. */
Test(limits, output_paths_too_long_for_their_files_are_refused)
{
    static char dir[4200], file[4200];
    size_t k = 0;
    while (k + 201 < 3900) memset(dir + k, 'd', 200), dir[k + 200] = '/', k += 201;
    memset(dir + k, 'd', 100), dir[k + 100] = '\0';
    const char *const pp[] = {"phase-plane", "fhn", "--outdir", dir, NULL};
    expect(pp, 2, "characters, more than");
    memcpy(file, dir, k + 100), file[k + 100] = '/'; /* longer than the folder may be */
    memset(file + k + 101, 'f', 200), memcpy(file + k + 301, ".tsv", 5);
    const char *const sim[] = {"simulate", "fhn", "--t1", "1", "--out", file, NULL};
    expect(sim, 2, "neurodyn simulate: cannot write"); /* the reason is past the end of what is kept of stderr */
    DIR *d = opendir(tmpdir);
    cr_assert_not_null(d);
    for (struct dirent *e; (e = readdir(d));) cr_expect(e->d_name[0] == '.', "nothing was created: %s", e->d_name);
    closedir(d);
}
