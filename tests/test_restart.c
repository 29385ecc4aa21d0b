/* `neurodyn bifurcation --from DIR:LABEL`: a restart from a labelled special point of an earlier
 * diagram (AUTO-07p's IRS). The reference is the earlier run itself: the restarted branch must pass
 * through the saved point and find the special points of that branch again, to 1e-8 relative to
 * max(1, |value|) in the parameter and every variable (both runs locate them to the corrector's
 * tolerance, 1e-10 of the box; the saved values are written to round-trip precision). Bad input:
 * a missing file, another model, an unknown label, a malformed --from all exit 2. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli_run.h"

static char tmpdir[256];
static void make_tmpdir(void) { cli_tmpdir_make(tmpdir); }
static void remove_tmpdir(void) { cli_tmpdir_remove(tmpdir); }
TestSuite(restart, .init = make_tmpdir, .fini = remove_tmpdir);

static char err_text[1 << 14];

static int run(const char *args)
{
    char path[300];
    int status = cli_run_in(tmpdir, args);
    snprintf(path, sizeof path, "%s/stderr", tmpdir);
    cli_slurp(path, err_text, sizeof err_text);
    return status;
}

static json_t *diagram(const char *args)
{
    char path[300];
    int status = run(args);
    cr_assert_eq(status, 0, "neurodyn %s exited %d: %s", args, status, err_text);
    snprintf(path, sizeof path, "%s/stdout", tmpdir);
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    cr_assert_not_null(j, "%s: JSON: %s", args, je.text);
    return j;
}

static int close_to(double a, double b) { return fabs(a - b) <= 1e-8 * fmax(1.0, fabs(b)); }

/* Whether the point (par value, state) a equals b to 1e-8 in every component. */
static int same_point(const char *pn, json_t *a, json_t *b)
{
    if (!close_to(json_number_value(json_object_get(a, pn)), json_number_value(json_object_get(b, pn)))) return 0;
    const char *v;
    json_t *x;
    json_object_foreach(json_object_get(b, "state"), v, x) {
        json_t *y = json_object_get(json_object_get(a, "state"), v);
        if (!json_is_number(x) || !json_is_number(y)) continue; /* a fixed variable's null */
        if (!close_to(json_number_value(y), json_number_value(x))) return 0;
    }
    return 1;
}

/* Special point sp of the same type is in list (within 1e-8). */
static int has_special(const char *pn, json_t *list, json_t *sp)
{
    size_t i;
    json_t *q;
    json_array_foreach(list, i, q) {
        if (!strcmp(json_string_value(json_object_get(q, "type")), json_string_value(json_object_get(sp, "type"))) &&
            same_point(pn, q, sp))
            return 1;
    }
    return 0;
}

/* Restarts from the first special point of that type of MODEL's default diagram and checks it. */
static void restart_from(const char *model, const char *type)
{
    char args[512];
    snprintf(args, sizeof args, "bifurcation %s --json --outdir orig", model);
    json_t *orig = diagram(args);
    const char *pn = json_string_value(json_object_get(orig, "parameter"));
    json_t *sps = json_object_get(orig, "special_points"), *saved = NULL, *sp;
    size_t i;
    json_array_foreach(sps, i, sp) if (!saved && !strcmp(json_string_value(json_object_get(sp, "type")), type)) saved = sp;
    cr_assert_not_null(saved, "%s: no %s point in the default diagram", model, type);
    json_int_t label = json_integer_value(json_object_get(saved, "label"));
    cr_assert_gt(label, 0, "%s: the %s point has no label", model, type);
    snprintf(args, sizeof args, "bifurcation %s --from orig:%lld --json --outdir again", model, (long long)label);
    json_t *again = diagram(args);
    /* the restarted branches pass through the saved point */
    int through = 0;
    size_t b;
    json_t *br;
    json_array_foreach(json_object_get(again, "branches"), b, br) {
        size_t k;
        json_t *pt;
        json_array_foreach(json_object_get(br, "points"), k, pt) through |= same_point(pn, pt, saved);
    }
    cr_expect(through, "%s: no point of the branch restarted from %s (label %lld) within 1e-8 of it", model, type,
              (long long)label);
    /* the same special points: those of the saved point's branch are all found again, and every one
     * found again is one of the earlier diagram's */
    json_int_t branch = json_integer_value(json_object_get(saved, "branch"));
    json_array_foreach(sps, i, sp) {
        if (json_integer_value(json_object_get(sp, "branch")) != branch) continue;
        cr_expect(has_special(pn, json_object_get(again, "special_points"), sp), "%s: %s at %s = %.12g not found again",
                  model, json_string_value(json_object_get(sp, "type")), pn,
                  json_number_value(json_object_get(sp, pn)));
    }
    json_array_foreach(json_object_get(again, "special_points"), i, sp)
        cr_expect(has_special(pn, sps, sp), "%s: the restart found a new %s at %s = %.12g", model,
                  json_string_value(json_object_get(sp, "type")), pn, json_number_value(json_object_get(sp, pn)));
    json_decref(orig), json_decref(again);
}

Test(restart, from_hopf_point_of_fhn) { restart_from("fhn", "H"); }
Test(restart, from_hopf_point_of_morris_lecar) { restart_from("morris_lecar", "H"); }
Test(restart, from_fold_of_morris_lecar_snic) { restart_from("morris_lecar_snic", "LP"); }

/* From the fold of cycles (LPC) of the class-I Morris-Lecar neuron: the cycle is simulated again
 * from the saved maxima and its branch finds the LPC again, to 1e-8 (the collocation at the same
 * mesh; both runs locate it to the corrector's tolerance). */
Test(restart, from_cycle_fold_of_morris_lecar_snic)
{
    json_t *orig = diagram("bifurcation morris_lecar_snic --cycles --quiet --json --outdir orig"), *sp, *lpc = NULL;
    size_t i;
    json_array_foreach(json_object_get(orig, "special_points"), i, sp)
        if (!lpc && !strcmp(json_string_value(json_object_get(sp, "type")), "LPC")) lpc = sp;
    cr_assert_not_null(lpc, "no LPC in the diagram of morris_lecar_snic");
    char args[200];
    snprintf(args, sizeof args, "bifurcation morris_lecar_snic --from orig:%lld --quiet --json",
             (long long)json_integer_value(json_object_get(lpc, "label")));
    json_t *again = diagram(args);
    double I = json_number_value(json_object_get(lpc, "I")), P = json_number_value(json_object_get(lpc, "period"));
    int seen = 0;
    json_array_foreach(json_object_get(again, "special_points"), i, sp)
        seen |= !strcmp(json_string_value(json_object_get(sp, "type")), "LPC") &&
                close_to(json_number_value(json_object_get(sp, "I")), I) &&
                close_to(json_number_value(json_object_get(sp, "period")), P);
    cr_expect(seen, "the restart from the LPC at I = %.12g did not find it again: %s", I, err_text);
    json_decref(orig), json_decref(again);
}

/* With --cycles the restart from a Hopf point starts the cycle branch there. */
Test(restart, from_hopf_point_with_cycles)
{
    json_decref(diagram("bifurcation fhn --json --outdir orig"));
    json_t *j = diagram("bifurcation fhn --from orig:1 --cycles --cycle-scan 0 --json");
    size_t i, cycles = 0;
    json_t *br;
    json_array_foreach(json_object_get(j, "branches"), i, br)
        cycles += !strcmp(json_string_value(json_object_get(br, "kind")), "cycle");
    cr_expect_geq(cycles, 1, "no cycle branch from the Hopf point: %s", err_text);
    json_decref(j);
}

/* special_points.tsv carries the labels in its last column, diagram.tsv the model. */
Test(restart, labels_are_written)
{
    cr_assert_eq(run("bifurcation fhn --outdir orig"), 0, "%s", err_text);
    char path[300], text[4096];
    snprintf(path, sizeof path, "%s/orig/special_points.tsv", tmpdir);
    cli_slurp(path, text, sizeof text);
    cr_expect(strstr(text, "\tlabel\n") && strstr(text, "\t1\n") && strstr(text, "\t2\n"), "%s", text);
    snprintf(path, sizeof path, "%s/orig/diagram.tsv", tmpdir);
    cli_slurp(path, text, sizeof text);
    cr_expect(strstr(text, "model\tfitzhugh_nagumo\t") != NULL, "%s", text);
}

Test(restart, bad_input)
{
    cr_assert_eq(run("bifurcation fhn --outdir orig"), 0, "%s", err_text);
    cr_expect_eq(run("bifurcation fhn --from missing:1"), 2);
    cr_expect(strstr(err_text, "missing") != NULL, "%s", err_text);
    cr_expect_eq(run("bifurcation morris_lecar --from orig:1"), 2);
    cr_expect(strstr(err_text, "model fitzhugh_nagumo, not morris_lecar") != NULL, "%s", err_text);
    cr_expect_eq(run("bifurcation fhn --from orig:99"), 2);
    cr_expect(strstr(err_text, "no label 99") && strstr(err_text, "1 (H)") && strstr(err_text, "2 (H)"), "%s", err_text);
    cr_expect_eq(run("bifurcation fhn --from orig"), 2);
    cr_expect_eq(run("bifurcation fhn --from orig:0"), 2);
    cr_expect_eq(run("bifurcation fhn --from orig:x"), 2);
    cr_expect_eq(run("bifurcation fhn --from orig/branches.tsv:1"), 2);
    cr_expect(strstr(err_text, "not a special_points.tsv") != NULL, "%s", err_text);
    cr_expect_eq(run("bifurcation fhn --from orig/special_points.tsv:1 --par a=0:1"), 2);
    cr_expect(strstr(err_text, "--par gives a") != NULL, "%s", err_text);
    /* the restart would overwrite the files it reads */
    cr_expect_eq(run("bifurcation fhn --from orig:1 --outdir orig"), 2);
    cr_expect(strstr(err_text, "would overwrite") != NULL, "%s", err_text);
}
