/* bifurcation2 --homoclinic: the homoclinic (HC) curves and the SNIC segments of fold curves
 * from the command line (cli/homoclinic2.c, analysis/diagrams/homoclinic_curves.c). */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_run.h"
#include "neurodyn/neurodyn.h"

static char tmp[256];
static char out[1 << 22];

static void setup(void) { cli_tmpdir_make(tmp); }
static void teardown(void) { cli_tmpdir_remove(tmp); }

TestSuite(homoclinic_cli, .init = setup, .fini = teardown);

static json_t *run_json(const char *args)
{
    int status = cli_run_in(tmp, args);
    char path[400];
    snprintf(path, sizeof path, "%s/stderr", tmp);
    cli_slurp(path, out, sizeof out);
    cr_assert_eq(status, 0, "neurodyn %s: exit %d: %.400s", args, status, out);
    snprintf(path, sizeof path, "%s/stdout", tmp);
    cli_slurp(path, out, sizeof out);
    json_error_t e;
    json_t *j = json_loads(out, 0, &e);
    cr_assert_not_null(j, "neurodyn %s: not JSON (%s)", args, e.text);
    return j;
}

/* The curves of kind `kind` (array, borrowed from doc): how many, and the i-th's points. */
static size_t count_kind(json_t *doc, const char *kind, json_t **first)
{
    size_t n = 0, i;
    json_t *c;
    *first = NULL;
    json_array_foreach(json_object_get(doc, "curves"), i, c)
        if (!strcmp(json_string_value(json_object_get(c, "kind")), kind)) {
            if (!n) *first = json_object_get(c, "points");
            n++;
        }
    return n;
}

static double num(json_t *o, const char *key) { return json_real_value(json_object_get(o, key)); }

Test(homoclinic_cli, hindmarsh_rose_fast_subsystem_homoclinic_line)
{
    /* The HR fast subsystem depends on I - z only: its homoclinic curve in (I, z) is the line
     * z = I + 0.8161469599 (z = 1.3161469599 at I = 0.5, AUTO-07p; tests/test_homoclinic.c). */
    const char *src = getenv("ND_SRC");
    cr_assert_not_null(src, "ND_SRC must name the source tree");
    char args[600];
    snprintf(args, sizeof args, "bifurcation2 %s/tests/data/ode/hr_fast.ode --par I=0:2 --par z=0:4 --homoclinic --json",
             src);
    json_t *doc = run_json(args), *pts;
    cr_assert_eq(count_kind(doc, "HC", &pts), 1);
    size_t i;
    json_t *pt;
    double worst = 0, lo = INFINITY, hi = -INFINITY;
    json_array_foreach(pts, i, pt) {
        double I = num(pt, "I"), z = num(pt, "z");
        worst = fmax(worst, fabs(z - I - 0.8161469599));
        lo = fmin(lo, I), hi = fmax(hi, I);
    }
    cr_log_info("HR: %zu HC points, I in [%g, %g], max |z - I - 0.8161469599| = %.2e", json_array_size(pts), lo, hi, worst);
    cr_expect(worst < 1e-9, "max |z - I - 0.8161469599| = %g", worst);
    cr_expect(lo < 0.05 && hi > 1.95, "the curve crosses the box: I in [%g, %g]", lo, hi);
    json_decref(doc);
}

Test(homoclinic_cli, morris_lecar_snic_segment_ends_where_the_homoclinic_curve_meets_the_fold)
{
    /* Morris-Lecar, class-I set, in (phi, I). The fold of equilibria is at I = 39.963153093 for
     * every phi (phi only scales w'; issue 19's reference). At phi = 0.067 the fold is a SNIC;
     * at phi = 0.23 the cycle is born at a saddle homoclinic orbit at I = 35.00673419757 (the
     * one-parameter BVP, docs/homoclinic.md). So the SNIC segment of the fold curve must end at
     * an NCH point between, on the fold, and the HC curve through (0.23, 35.0067341976) must
     * reach the fold there (Kuznetsov, Elements, 3rd ed., sec. 7.1). */
    json_t *doc = run_json("bifurcation2 morris_lecar_snic --set phi=0.23 --par phi=0.02:0.5 --par I=20:60 "
                           "--homoclinic --json"),
           *hc, *snic, *pt;
    size_t i;
    cr_assert_eq(count_kind(doc, "HC", &hc), 1);
    cr_assert_eq(count_kind(doc, "SNIC", &snic), 1);
    double best = INFINITY;
    json_array_foreach(hc, i, pt) if (fabs(num(pt, "phi") - 0.23) < 1e-12) best = fabs(num(pt, "I") - 35.00673419757);
    cr_expect(best < 1e-8, "the HC curve at phi = 0.23: |I - 35.00673419757| = %g", best);
    double lo = INFINITY, hi = -INFINITY, off = 0;
    json_array_foreach(snic, i, pt) {
        lo = fmin(lo, num(pt, "phi")), hi = fmax(hi, num(pt, "phi"));
        off = fmax(off, fabs(num(pt, "I") - 39.963153093));
    }
    cr_expect(lo <= 0.067 && hi > 0.067 && hi < 0.23, "SNIC for phi in [%g, %g]", lo, hi);
    cr_expect(off < 1e-8, "SNIC points off the fold by %g", off);
    json_t *sp = json_object_get(doc, "special_points"), *nch = NULL;
    json_array_foreach(sp, i, pt) if (!strcmp(json_string_value(json_object_get(pt, "type")), "NCH")) nch = pt;
    cr_assert_not_null(nch, "no NCH point");
    double nphi = num(nch, "phi"), nI = num(nch, "I");
    cr_expect(nphi > 0.067 && nphi < 0.23 && fabs(nphi - hi) < 1e-12, "NCH at phi = %.10g (SNIC up to %.10g)", nphi, hi);
    cr_expect(fabs(nI - 39.963153093) < 1e-8, "NCH at I = %.12g, off the fold", nI);
    /* the HC curve approaches it: its nearest point (where it stops, the saddle no longer
     * hyperbolic) within 2e-5 of the box (phi 0.48, I 40): two independent estimates of NCH */
    double near = INFINITY;
    json_array_foreach(hc, i, pt) near = fmin(near, fmax(fabs(num(pt, "phi") - nphi) / 0.48, fabs(num(pt, "I") - nI) / 40));
    cr_log_info("ML: SNIC for phi in [%.6g, %.10g], NCH (%.10g, %.12g), HC curve's nearest point %.2e of the box", lo,
                hi, nphi, nI, near);
    cr_expect(near < 2e-5, "the HC curve comes within %g of the box of the NCH point", near);
    json_decref(doc);
}

Test(homoclinic_cli, files_and_figure_hold_the_new_curves)
{
    int st = cli_run_in(tmp, "bifurcation2 morris_lecar_snic --set phi=0.23 --par phi=0.02:0.5 --par I=20:60 "
                             "--homoclinic --outdir out --plot out/ml.png");
    char path[400];
    cr_assert_eq(st, 0);
    snprintf(path, sizeof path, "%s/out/curves.tsv", tmp);
    cli_slurp(path, out, sizeof out);
    cr_expect(strstr(out, "\tHC\t") && strstr(out, "\tSNIC\t") && strstr(out, "\tLP\t"), "curves.tsv kinds");
    snprintf(path, sizeof path, "%s/out/special_points.tsv", tmp);
    cli_slurp(path, out, sizeof out);
    cr_expect(strstr(out, "\nNCH\t") != NULL, "special_points.tsv: %.300s", out);
    snprintf(path, sizeof path, "%s/out/ml.gp", tmp);
    cli_slurp(path, out, sizeof out);
    cr_expect(strstr(out, "homoclinic (HC) curves") && strstr(out, "SNIC (fold on an invariant circle)"), "figure entries");
    snprintf(path, sizeof path, "%s/stdout", tmp);
    cli_slurp(path, out, sizeof out);
    cr_expect(strstr(out, "1 HC curve") && strstr(out, "1 SNIC segment, 1 NCH point"), "%s", out);
}

Test(homoclinic_cli, with_cycle_curves_every_curve_has_its_own_index_and_every_row_all_columns)
{
    /* --cycles and --homoclinic together (a regression of their merge): the LPC curve is numbered
     * after the fold and Hopf curves, the HC and SNIC curves after it; with cycle curves every row
     * of curves.tsv has the period column (infinite on HC and SNIC rows), and the NCH point names
     * the SNIC curve's index. */
    int st = cli_run_in(tmp, "bifurcation2 morris_lecar_snic --set phi=0.23 --par phi=0.02:0.5 --par I=20:60 "
                             "--homoclinic --cycles --outdir out --plot out/ml.png");
    cr_assert_eq(st, 0);
    char path[400];
    snprintf(path, sizeof path, "%s/out/curves.tsv", tmp);
    cli_slurp(path, out, sizeof out);
    const char *kinds[] = {"LP", "H", "LPC", "HC", "SNIC"};
    long index_of[5] = {-1, -1, -1, -1, -1};
    int header_cols = 0, rows = 0;
    for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
        int cols = 1;
        for (const char *c = line; *c; c++) cols += *c == '\t';
        if (!header_cols) {
            header_cols = cols;
            cr_expect(strstr(line, "\tperiod") != NULL, "header: %s", line);
            continue;
        }
        rows++;
        cr_expect_eq(cols, header_cols, "a row with %d columns, the header has %d: %.120s", cols, header_cols, line);
        long curve;
        char kind[8];
        if (sscanf(line, "%ld\t%7s", &curve, kind) != 2) continue;
        for (int k = 0; k < 5; k++)
            if (!strcmp(kind, kinds[k])) {
                cr_expect(index_of[k] < 0 || index_of[k] == curve, "two %s curves", kind);
                index_of[k] = curve;
            }
    }
    cr_expect_gt(rows, 0);
    for (int k = 0; k < 5; k++) {
        cr_expect_geq(index_of[k], 0, "no %s curve", kinds[k]);
        for (int j = 0; j < k; j++) cr_expect_neq(index_of[k], index_of[j], "%s and %s share an index", kinds[k], kinds[j]);
    }
    cr_expect(index_of[2] < index_of[3] && index_of[3] < index_of[4], "order: LPC, then HC, then SNIC");
    snprintf(path, sizeof path, "%s/out/special_points.tsv", tmp);
    cli_slurp(path, out, sizeof out);
    long nch_curve = -1;
    const char *nch = strstr(out, "\nNCH\t");
    cr_assert_not_null(nch);
    cr_expect_eq(sscanf(nch + 5, "%ld", &nch_curve), 1);
    cr_expect_eq(nch_curve, index_of[4], "NCH names curve %ld, the SNIC curve is %ld", nch_curve, index_of[4]);
    snprintf(path, sizeof path, "%s/out/ml.gp", tmp);
    cli_slurp(path, out, sizeof out);
    cr_expect(strstr(out, "fold of cycles (LPC)") && strstr(out, "homoclinic (HC) curves"), "figure entries");
}

Test(homoclinic_cli, a_model_without_homoclinic_orbits)
{
    /* FitzHugh-Nagumo in (a, Iext): Hopf curves, cycles from them that end at Hopf points, no
     * homoclinic end and no SNIC: the option adds nothing and says so. */
    json_t *doc = run_json("bifurcation2 fhn --par a=0.5:1 --par Iext=0:1 --homoclinic --json"), *pts;
    cr_expect_eq(count_kind(doc, "HC", &pts), 0);
    cr_expect_eq(count_kind(doc, "SNIC", &pts), 0);
    json_decref(doc);
}

Test(homoclinic_cli, snic_check_at_refuses_a_start_outside_its_ball)
{
    /* nd_snic_check_at (the SNIC ends' finer test): the start must lie inside the return ball */
    const nd_model *m = nd_builtin_find("morris_lecar_snic");
    double p[32], x[2] = {-29.38977740548439, 0.008514399137820323};
    nd_model_default_params(m, p);
    p[nd_model_par_index(m, "I", NULL)] = 39.96315309274536;
    int yes = -1;
    nd_error err;
    cr_expect_eq(nd_snic_check_at(m, p, x, 0, 0.1, 0.05, &yes, NULL, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "start") != NULL, "%s", err.msg);
    /* at phi = 1/15 (the default) the fold is a SNIC with the finer test too */
    cr_expect_eq(nd_snic_check_at(m, p, x, 0, 5e-4, 2.5e-3, &yes, NULL, &err), ND_OK, "%s", err.msg);
    cr_expect_eq(yes, 1);
}
