/* neurodyn report under faults and bad input (issue 16): a model that crashes or never returns,
 * a bad --set, a long argument list, a results folder reused by another model, a model whose
 * name is a path, a model with many variables. The report always ends with its index and a
 * status that says what happened, and never writes outside its folder. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli_exec.h"
#include "cli_run.h"

static char tmp[256];
static cli_exec_result r;

static void setup(void) { cli_tmpdir_make(tmp); }
static void teardown(void) { cli_tmpdir_remove(tmp); }

TestSuite(report_faults, .init = setup, .fini = teardown);

static void write_in(const char *dir, const char *name, const char *text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

static int exists(const char *dir, const char *name)
{
    char path[1024];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return lstat(path, &st) == 0;
}

/* The status of each step in DIR/summary.json, "step=status;..." */
static void step_statuses(const char *dir, char *buf, size_t len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s/summary.json", tmp, dir);
    json_t *s = json_load_file(path, 0, NULL), *st;
    cr_assert_not_null(s, "%s", path);
    size_t i;
    buf[0] = '\0';
    json_array_foreach(json_object_get(s, "steps"), i, st)
    {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s=%s(%s);", json_string_value(json_object_get(st, "step")),
                 json_string_value(json_object_get(st, "status")), json_string_value(json_object_get(st, "reason")));
    }
    json_decref(s);
}

/* A one-variable model: mode 0 decays, mode 1 dereferences NULL in its RHS, mode 2 loops. */
static const char *FAULTY =
    "#include \"neurodyn/model.h\"\n"
    "ND_RHS(faulty) {\n"
    "    (void)t;\n"
    "    if (p[0] == 1) *(volatile int *)0 = 1;\n"
    "    if (p[0] == 2) for (volatile int spin = 1; spin;) continue;\n"
    "    dxdt[0] = -x[0];\n"
    "}\n"
    "static const char *const v[] = {\"x\"}, *const pn[] = {\"mode\"};\n"
    "static const double d[] = {0}, i0[] = {1}, lo[] = {-2}, hi[] = {2};\n"
    "static const nd_model m = {.name = \"faulty\", .n_vars = 1, .n_pars = 1, .var_names = v, .par_names = pn,\n"
    "    .par_defaults = d, .init = i0, .var_lo = lo, .var_hi = hi, .rhs = faulty_rhs, .t_sim = 5};\n"
    "ND_EXPORT_MODEL(m)\n";

Test(report_faults, a_crashing_model_is_recorded_and_the_index_written)
{
    write_in(tmp, "faulty.c", FAULTY);
    const char *const args[] = {"report", "./faulty.c", "--set", "mode=1", "--outdir", "R", "--quiet", NULL};
    cli_exec(tmp, 0, args, &r);
    cr_expect_eq(r.status, 1, "the report ends, with status 1: %s", r.err);
    cr_expect(exists(tmp, "R/index.html") && exists(tmp, "R/summary.json"), "the index is written");
    char st[4096];
    step_statuses("R", st, sizeof st);
#if defined(__SANITIZE_ADDRESS__) /* ASan reports the fault and exits 1: a failed step */
    cr_expect(strstr(st, "fixed points=failed(") || strstr(st, "fixed points=crashed("), "%s", st);
#else
    cr_expect(strstr(st, "fixed points=crashed(") && strstr(st, "signal 11"), "%s", st);
#endif
    cr_expect(strstr(st, "info=ok"), "a step that does not run the model is fine: %s", st);
}

Test(report_faults, a_model_that_never_returns_is_stopped_by_the_time_limit)
{
    write_in(tmp, "faulty.c", FAULTY);
    const char *const args[] = {"report", "./faulty.c", "--set", "mode=2", "--outdir", "R", "--timeout", "1", "--quiet", NULL};
    cli_exec(tmp, 0, args, &r);
    cr_expect_eq(r.status, 1, "%s", r.err);
    char st[4096];
    step_statuses("R", st, sizeof st);
    cr_expect(strstr(st, "fixed points=timed out(") && strstr(st, "1 s"), "%s", st);
    cr_expect(exists(tmp, "R/index.html"));
}

Test(report_faults, a_bad_set_is_a_usage_error_before_any_step)
{
    const char *const args[] = {"report", "fhn", "--set", "nosuch=1", "--outdir", "R", NULL};
    cli_exec(tmp, 0, args, &r);
    cr_expect_eq(r.status, 2, "%s", r.err);
    cr_expect(strstr(r.err, "nosuch"), "%s", r.err);
    cr_expect(!exists(tmp, "R"), "nothing is written");
    const char *const zero[] = {"report", "fhn", "--timeout", "-1", NULL};
    cli_exec(tmp, 0, zero, &r);
    cr_expect_eq(r.status, 2, "%s", r.err);
}

Test(report_faults, long_argument_lists_reach_every_step)
{
    /* 29 --set (regression: the steps' arguments were cut at 63, and the codim-1 step lost its
     * --outdir and wrote into the current folder) */
    const char *args[80] = {"report", "fhn", "--outdir", "R", "--quiet"};
    int n = 5;
    for (int i = 0; i < 29; i++) args[n++] = "--set", args[n++] = "a=0.7";
    args[n] = NULL;
    cli_exec(tmp, 0, args, &r);
    cr_expect_eq(r.status, 0, "%s", r.err);
    const char *strays[] = {"bifurcation", "bifurcation2", "phase_plane", "fast_slow"};
    for (int i = 0; i < 4; i++) cr_expect(!exists(tmp, strays[i]), "%s/ written outside R", strays[i]);
}

Test(report_faults, a_reused_folder_never_reports_another_models_results)
{
    const char *const hr[] = {"report", "hr", "--outdir", "R", "--quiet", NULL};
    cli_exec(tmp, 0, hr, &r);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "burster class: fold/homoclinic"), "%s", r.out);
    const char *const fhn[] = {"report", "fhn", "--outdir", "R", "--quiet", NULL};
    cli_exec(tmp, 0, fhn, &r);
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(!strstr(r.out, "burster"), "FitzHugh–Nagumo has no burster class: %s", r.out);
    char path[512];
    snprintf(path, sizeof path, "%s/R/summary.json", tmp);
    json_t *s = json_load_file(path, 0, NULL);
    cr_assert_not_null(s);
    cr_expect(json_is_null(json_object_get(s, "burster")) && !json_object_get(s, "fast_slow"));
    json_decref(s);
    cr_expect(!exists(tmp, "R/fast_slow.json") || 1, "an old file may stay; it is never read");
}

Test(report_faults, a_model_name_with_slashes_stays_in_the_current_folder)
{
    char sub[512];
    snprintf(sub, sizeof sub, "%s/a", tmp);
    cr_assert_eq(mkdir(sub, 0755), 0);
    write_in(sub, "evil.c",
             "#include \"neurodyn/model.h\"\n"
             "ND_RHS(evil) { (void)t; (void)p; dxdt[0] = -x[0]; }\n"
             "static const char *const v[] = {\"x\"};\n"
             "static const double i0[] = {1}, lo[] = {-2}, hi[] = {2};\n"
             "static const nd_model m = {.name = \"../evil\", .n_vars = 1, .var_names = v, .init = i0,\n"
             "    .var_lo = lo, .var_hi = hi, .rhs = evil_rhs, .t_sim = 5};\n"
             "ND_EXPORT_MODEL(m)\n");
    const char *const args[] = {"report", "./evil.c", "--quiet", NULL};
    cli_exec(sub, 0, args, &r);
    cr_expect(r.status == 0 || r.status == 2, "%s", r.err); /* refused as a name, or run in a sanitised folder */
    cr_expect(!exists(tmp, "evil") && !exists(tmp, "report_evil"), "nothing outside the current folder");
    if (r.status == 0) cr_expect(exists(sub, "report____evil/index.html"), "%s", r.out);
}

Test(report_faults, many_variables_and_long_slow_names_do_not_break_the_report)
{
    /* 100 variables, two of them slow (regression: a stack array of 64 flags was written past its
     * end); the steps that cannot take 100 variables fail with their reason, the report ends */
    char src[16384] = "#include \"neurodyn/model.h\"\nND_RHS(wide) { (void)t; (void)p; for (int i = 0; i < 100; i++) dxdt[i] = -x[i]; }\n"
                      "static const char *const v[] = {";
    for (int i = 0; i < 100; i++) snprintf(src + strlen(src), sizeof src - strlen(src), "%s\"x%d\"", i ? ", " : "", i);
    strcat(src, "};\nstatic const double i0[100] = {0};\n"
                "static const nd_model m = {.name = \"wide\", .n_vars = 100, .var_names = v, .init = i0,\n"
                "    .rhs = wide_rhs, .slow_vars = \"x99 x98\", .t_sim = 1};\nND_EXPORT_MODEL(m)\n");
    write_in(tmp, "wide.c", src);
    const char *const args[] = {"report", "./wide.c", "--outdir", "W", "--quiet", "--timeout", "60", NULL};
    cli_exec(tmp, 0, args, &r);
    cr_expect(r.status == 0 || r.status == 1, "ends with a status, no crash: %d %s", r.status, r.err);
    cr_expect(exists(tmp, "W/index.html"));
}

Test(report_faults, links_planted_in_the_folder_are_not_followed)
{
    /* regression (S5): R/summary.json -> ../precious.txt was overwritten through the link */
    write_in(tmp, "precious.txt", "precious\n");
    char dir[512], link[600];
    snprintf(dir, sizeof dir, "%s/R", tmp);
    cr_assert_eq(mkdir(dir, 0755), 0);
    snprintf(link, sizeof link, "%s/summary.json", dir);
    cr_assert_eq(symlink("../precious.txt", link), 0);
    snprintf(link, sizeof link, "%s/timeseries.tsv", dir); /* an --out file of a step: replaced, not followed */
    cr_assert_eq(symlink("../precious.txt", link), 0);
    snprintf(link, sizeof link, "%s/index.html", dir);
    cr_assert_eq(symlink("../precious.txt", link), 0);
    const char *const args[] = {"report", "fhn", "--outdir", "R", "--quiet", NULL};
    cli_exec(tmp, 0, args, &r);
    cr_expect_eq(r.status, 0, "each link is replaced by the finished file: %s", r.err);
    char text[64], path[600];
    snprintf(path, sizeof path, "%s/precious.txt", tmp);
    cli_slurp(path, text, sizeof text);
    cr_expect_str_eq(text, "precious\n");
    struct stat st;
    snprintf(path, sizeof path, "%s/R/index.html", tmp);
    cr_expect(lstat(path, &st) == 0 && S_ISREG(st.st_mode), "index.html is a file of its own now");
}

/* Whether DIR holds a file whose name has ".tmp-" in it: a temporary left behind. */
static int temporaries_left(const char *dir)
{
    char cmd[700];
    snprintf(cmd, sizeof cmd, "ls -a '%s' | grep -q '\\.tmp-'", dir);
    return system(cmd) == 0;
}

Test(report_faults, timeout_stops_a_model_that_never_returns)
{
    /* regression (D16): a RHS that loops forever hung every command but report */
    write_in(tmp, "faulty.c", FAULTY);
    write_in(tmp, "res.tsv", "a good result\n");
    const char *const args[] = {"simulate", "./faulty.c", "--set", "mode=2", "--t1", "1", "--out", "res.tsv",
                                "--timeout", "0.5", NULL};
    cli_exec(tmp, 0, args, &r);
    cr_expect_eq(r.status, 1, "%s", r.err);
    cr_expect(strstr(r.err, "'simulate ./faulty.c' stopped after the time limit of 0.5 s (--timeout)"), "%s", r.err);
    char text[64], path[600];
    snprintf(path, sizeof path, "%s/res.tsv", tmp);
    cli_slurp(path, text, sizeof text);
    cr_expect_str_eq(text, "a good result\n", "the file it was writing is left as it was");
    cr_expect_not(temporaries_left(tmp), "its temporary file is removed");
    const char *const fp[] = {"fixed-points", "./faulty.c", "--set", "mode=2", "--timeout", "0.5", NULL};
    cli_exec(tmp, 0, fp, &r);
    cr_expect_eq(r.status, 1, "%s", r.err);
    cr_expect(strstr(r.err, "'fixed-points ./faulty.c' stopped after the time limit"), "%s", r.err);
    const char *const ok[] = {"simulate", "./faulty.c", "--t1", "1", "--timeout", "60", NULL};
    cli_exec(tmp, 0, ok, &r);
    cr_expect_eq(r.status, 0, "a run within its limit is not disturbed: %s", r.err);
}

Test(report_faults, timeout_values_are_checked)
{
    const char *const bad[][6] = {{"simulate", "fhn", "--t1", "1", "--timeout", "-1"},
                                  {"sweep", "fhn", "--par", "Iext=0:1:2", "--timeout", "soon"},
                                  {"bifurcation", "fhn", "--par", "Iext", "--timeout", "1e99"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *args[7] = {0};
        memcpy(args, bad[i], sizeof bad[i]);
        cli_exec(tmp, 0, args, &r);
        cr_expect_eq(r.status, 2, "%s %s: %s", bad[i][0], bad[i][5], r.err);
        cr_expect(strstr(r.err, "--timeout"), "the message names the option: %s", r.err);
    }
}

Test(report_faults, a_crash_leaves_the_previous_output_whole)
{
    write_in(tmp, "faulty.c", FAULTY);
    write_in(tmp, "res.tsv", "a good result\n");
    const char *const args[] = {"simulate", "./faulty.c", "--set", "mode=1", "--t1", "1", "--out", "res.tsv", NULL};
    cli_exec(tmp, 0, args, &r);
    cr_expect_neq(r.status, 0, "%s", r.err);
    char text[64], path[600];
    snprintf(path, sizeof path, "%s/res.tsv", tmp);
    cli_slurp(path, text, sizeof text);
    cr_expect_str_eq(text, "a good result\n");
#if !defined(__SANITIZE_ADDRESS__) /* under ASan its own report ends the process */
    cr_expect_not(temporaries_left(tmp), "the crash handler removes the temporary");
#endif
}

Test(report_faults, a_crash_outside_report_says_what_crashed)
{
    /* regression (D16): a segfaulting right-hand side killed the command with no message */
    write_in(tmp, "faulty.c", FAULTY);
    const char *const args[] = {"simulate", "./faulty.c", "--set", "mode=1", "--t1", "1", NULL};
    cli_exec(tmp, 0, args, &r);
#if defined(__SANITIZE_ADDRESS__) /* ASan reports the fault itself, and exits 1 */
    cr_expect_neq(r.status, 0, "%s", r.err);
#else
    cr_expect_eq(r.status, 128 + 11, "the signal still ends it: %d", r.status);
    cr_expect(strstr(r.err, "'simulate ./faulty.c' stopped on a segmentation fault"), "%s", r.err);
#endif
}
