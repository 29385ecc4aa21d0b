/* The regression corpus of one-parameter diagrams: every zoo model's default diagram with cycles,
 * as `neurodyn bifurcation MODEL --cycles --json` computes it, has exactly the expected special
 * points (each once) at their reference values, and its cycle branches end where they should.
 *
 * References: an independent AUTO-07p computation (git 44cc1c42a888, NTST 80 and 160, NCOL 4,
 * EPSL = EPSU = 1e-12, analytic Jacobians), with the equilibrium folds and Hopf points re-solved in
 * 40-digit mpmath and the Hodgkin–Huxley cycle folds and period doublings by single shooting
 * (GSL rk8pd at 1e-13), unless a closed form is given. Tolerances: equilibrium points 1e-9
 * relative (the located points agree to about 1e-11); cycle points 1e-8 (the collocation
 * mesh's error at NTST 80, AUTO's NTST 80 and 160 differ by up to 1e-8); limits of a period
 * growing without bound 1e-7 (the branch stops at 50 times its first period). */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli_run.h"

static char tmpdir[256];
static void make_tmpdir(void) { cli_tmpdir_make(tmpdir); }
static void remove_tmpdir(void) { cli_tmpdir_remove(tmpdir); }
TestSuite(diagrams, .init = make_tmpdir, .fini = remove_tmpdir); /* no suite-wide timeout: under LeakSanitizer Criterion leaks 48 bytes with one */

/* The JSON of `neurodyn bifurcation ARGS --cycles --json`. */
static json_t *diagram(const char *args)
{
    char cmd[512], path[300];
    snprintf(cmd, sizeof cmd, "bifurcation %s --cycles --json --outdir d", args);
    int status = cli_run_in(tmpdir, cmd);
    snprintf(path, sizeof path, "%s/stderr", tmpdir);
    static char err[1 << 14];
    cli_slurp(path, err, sizeof err);
    cr_assert_eq(status, 0, "bifurcation %s exited %d: %s", args, status, err);
    snprintf(path, sizeof path, "%s/stdout", tmpdir);
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    cr_assert_not_null(j, "bifurcation %s: JSON: %s", args, je.text);
    return j;
}

static const char *type_of(json_t *sp) { return json_string_value(json_object_get(sp, "type")); }

static double par_of(json_t *j, json_t *sp)
{
    return json_number_value(json_object_get(sp, json_string_value(json_object_get(j, "parameter"))));
}

/* The special points of that type within tol of value (relative to max(1, |value|)). */
static size_t count_at(json_t *j, const char *type, double value, double tol)
{
    json_t *sps = json_object_get(j, "special_points");
    size_t n = 0;
    for (size_t i = 0; i < json_array_size(sps); i++) {
        json_t *sp = json_array_get(sps, i);
        n += !strcmp(type_of(sp), type) && fabs(par_of(j, sp) - value) <= tol * fmax(1.0, fabs(value));
    }
    return n;
}

/* The first special point of that type within tol of value, or NULL. */
static json_t *point_at(json_t *j, const char *type, double value, double tol)
{
    json_t *sps = json_object_get(j, "special_points");
    for (size_t i = 0; i < json_array_size(sps); i++) {
        json_t *sp = json_array_get(sps, i);
        if (!strcmp(type_of(sp), type) && fabs(par_of(j, sp) - value) <= tol * fmax(1.0, fabs(value))) return sp;
    }
    return NULL;
}

typedef struct expected {
    const char *type;
    double value, tol;
    size_t times; /* 1, or 2 for the mirror images of a symmetric model */
} expected;

/* Exactly these special points, each as often as expected (once, or twice for two distinct points
 * of a symmetric model at the same parameter value), and nothing else. */
static void expect_points(json_t *j, const char *model, const expected *e, size_t n)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        size_t got = count_at(j, e[i].type, e[i].value, e[i].tol);
        cr_expect_eq(got, e[i].times, "%s: %zu %s at %.12g (expected %zu)", model, got, e[i].type, e[i].value, e[i].times);
        total += e[i].times;
    }
    json_t *sps = json_object_get(j, "special_points");
    if (json_array_size(sps) != total) {
        for (size_t i = 0; i < json_array_size(sps); i++)
            cr_log_error("%s: %s at %.12g", model, type_of(json_array_get(sps, i)), par_of(j, json_array_get(sps, i)));
    }
    cr_expect_eq(json_array_size(sps), total, "%s: %zu special points, expected %zu", model, json_array_size(sps), total);
}

static const char *criticality(json_t *sp) { return json_string_value(json_object_get(sp, "criticality")); }

/* The branches of a kind, and how each ends. */
static size_t branches(json_t *j, const char *kind)
{
    json_t *bs = json_object_get(j, "branches");
    size_t n = 0;
    for (size_t i = 0; i < json_array_size(bs); i++)
        n += !strcmp(json_string_value(json_object_get(json_array_get(bs, i), "kind")), kind);
    return n;
}

static size_t ends(json_t *j, const char *stop_kind)
{
    json_t *bs = json_object_get(j, "branches");
    size_t n = 0;
    for (size_t i = 0; i < json_array_size(bs); i++) {
        json_t *b = json_array_get(bs, i);
        n += !strcmp(json_string_value(json_object_get(b, "kind")), "cycle") &&
             !strcmp(json_string_value(json_object_get(b, "stop_kind")), stop_kind);
    }
    return n;
}

static void expect_nothing_cut_short(json_t *j, const char *model)
{
    json_t *bs = json_object_get(j, "branches");
    for (size_t i = 0; i < json_array_size(bs); i++) {
        json_t *b = json_array_get(bs, i);
        cr_expect(!json_is_true(json_object_get(b, "cut_short")), "%s: branch %zu cut short: %s", model, i,
                  json_string_value(json_object_get(b, "stop")));
    }
}

Test(diagrams, fitzhugh_nagumo)
{
    /* Hopf points in closed form: V = -+sqrt(1 - b/tau), Iext = -(V - V^3/3) + (V + a)/b; l1 (MatCont's
     * normalisation) 0.971971081989 at both (mpmath); the folds of cycles end the canard explosions */
    json_t *j = diagram("fhn");
    double V = sqrt(1 - 0.8 / 12.5), I1 = -(-V + V * V * V / 3) + (-V + 0.7) / 0.8, I2 = -(V - V * V * V / 3) + (V + 0.7) / 0.8;
    const expected e[] = {{"H", I1, 1e-10, 1}, {"H", I2, 1e-10, 1}, {"LPC", 0.3241785225, 1e-9, 1},
                          {"LPC", 1.4258214775, 1e-9, 1}};
    expect_points(j, "fitzhugh_nagumo", e, 4);
    json_t *h = point_at(j, "H", I1, 1e-10);
    cr_assert_not_null(h);
    cr_expect(fabs(json_number_value(json_object_get(h, "first_lyapunov")) - 0.971971081989) < 1e-7);
    cr_expect_str_eq(criticality(h), "subcritical");
    cr_expect_eq(branches(j, "equilibrium"), 1);
    cr_expect_eq(branches(j, "cycle"), 1, "one cycle branch from Hopf point to Hopf point");
    cr_expect_eq(ends(j, "hopf"), 1);
    expect_nothing_cut_short(j, "fitzhugh_nagumo");
    json_decref(j);
}

Test(diagrams, hodgkin_huxley)
{
    json_t *j = diagram("hh");
    const expected e[] = {{"H", 6.495947104853754, 1e-9, 1}, {"LPC", 3.403328373584, 1e-8, 1}};
    expect_points(j, "hodgkin_huxley", e, 2);
    cr_expect_str_eq(criticality(point_at(j, "H", 6.495947104853754, 1e-9)), "subcritical");
    cr_expect_eq(branches(j, "cycle"), 1);
    cr_expect_eq(ends(j, "box"), 1, "the stable cycles reach the end of the range, Iext = 20");
    expect_nothing_cut_short(j, "hodgkin_huxley");
    json_decref(j);
}

Test(diagrams, hodgkin_huxley_with_the_classic_leak)
{
    /* gL = 0.3: three folds of cycles and two period doublings on the unstable part (shooting; AUTO-07p
     * finds both PDs only with DSMAX = 0.002), the branch from Hopf point to Hopf point. With
     * --pd-depth 1 --pd-unstable the doubled branch from the first PD (both PDs are on unstable
     * cycles, so without --pd-unstable none is switched), a bubble that ends at the second (it is
     * not started again there), with two PDs and two folds of its own (this code, NTST 160: a
     * regression check to 1e-6; deeper doublings cost 30 s here and are left out) */
    json_t *j = diagram("hh --set gL=0.3 --par Iext=0:200 --pd-depth 1 --pd-unstable");
    const expected e[] = {{"H", 9.775437995393126, 1e-9, 1},  {"H", 154.522433665808, 1e-9, 1},
                          {"LPC", 7.842347120190, 1e-8, 1},   {"PD", 7.845337397842, 1e-8, 1},
                          {"PD", 7.917777675669, 1e-8, 1},    {"LPC", 7.917785494344, 1e-8, 1},
                          {"LPC", 6.260321274514, 1e-8, 1},   {"PD", 7.8464814323, 1e-6, 1},
                          {"PD", 7.9068038774, 1e-6, 1},      {"LPC", 7.9068041392, 1e-6, 1},
                          {"LPC", 7.8557228074, 1e-6, 1}};
    expect_points(j, "hodgkin_huxley gL=0.3", e, 11);
    cr_expect_str_eq(criticality(point_at(j, "H", 154.522433665808, 1e-9)), "supercritical");
    json_t *pd = point_at(j, "PD", 7.845337397842, 1e-8);
    cr_assert_not_null(pd);
    cr_expect(fabs(json_number_value(json_object_get(pd, "multiplier")) + 1) < 1e-6);
    cr_expect(fabs(json_number_value(json_object_get(pd, "period")) - 17.158520593) < 1e-6);
    cr_expect_eq(branches(j, "cycle"), 2);
    cr_expect_eq(ends(j, "hopf"), 1);
    cr_expect_eq(ends(j, "doubled"), 1, "the doubled branch ends at the second PD");
    expect_nothing_cut_short(j, "hodgkin_huxley gL=0.3");
    json_decref(j);
}

Test(diagrams, morris_lecar)
{
    json_t *j = diagram("morris_lecar");
    const expected e[] = {{"H", 93.85761837372545, 1e-9, 1}, {"H", 212.0188161003744, 1e-9, 1},
                          {"LPC", 88.293250543, 1e-8, 1},    {"LPC", 216.89980139, 1e-8, 1}};
    expect_points(j, "morris_lecar", e, 4);
    cr_expect_eq(branches(j, "cycle"), 1, "the stable cycles between the two folds of cycles are one branch");
    cr_expect_eq(ends(j, "hopf"), 1);
    expect_nothing_cut_short(j, "morris_lecar");
    json_decref(j);
}

Test(diagrams, morris_lecar_snic)
{
    /* range 0:150 (the model's): the S-shaped curve's upper fold (-9.949) is outside, so two
     * equilibrium branches; the cycles from the subcritical Hopf point turn at a fold of cycles and
     * end at the saddle-node on the invariant circle */
    json_t *j = diagram("morris_lecar_snic");
    const expected e[] = {{"LP", 39.96315309274535, 1e-9, 1}, {"H", 97.78788896402426, 1e-9, 1},
                          {"LPC", 116.10953657, 1e-8, 1},   {"SNIC", 39.96315309274535, 1e-9, 1}};
    expect_points(j, "morris_lecar_snic", e, 4);
    cr_expect_eq(branches(j, "equilibrium"), 2);
    cr_expect_eq(branches(j, "cycle"), 1);
    cr_expect_eq(ends(j, "period_unbounded"), 1);
    json_decref(j);
    j = diagram("morris_lecar_snic --par I=-20:150");
    const expected e2[] = {{"LP", 39.96315309274535, 1e-9, 1}, {"LP", -9.949039322623065, 1e-9, 1},
                           {"H", 97.78788896402426, 1e-9, 1},  {"LPC", 116.10953657, 1e-8, 1},
                           {"SNIC", 39.96315309274535, 1e-9, 1}};
    expect_points(j, "morris_lecar_snic -20:150", e2, 5);
    cr_expect_eq(branches(j, "equilibrium"), 1, "one S-shaped branch through both folds");
    json_decref(j);
}

Test(diagrams, inap_ik_class_one)
{
    /* I_Na,p + I_K in mV (Izhikevich 2007): the cycles from the supercritical Hopf point end at the SNIC */
    json_t *j = diagram("inap_ik");
    const expected e[] = {{"LP", 4.512867630296458, 1e-9, 1}, {"LP", -85.82284236917669, 1e-9, 1},
                          {"H", 200.4394917770306, 1e-9, 1},  {"SNIC", 4.512867630296458, 1e-9, 1}};
    expect_points(j, "inap_ik", e, 4);
    cr_expect_str_eq(criticality(point_at(j, "H", 200.4394917770306, 1e-9)), "supercritical");
    cr_expect_eq(branches(j, "equilibrium"), 1);
    cr_expect_eq(branches(j, "cycle"), 1);
    json_decref(j);
    j = diagram("inap_ik --par I=-20:400"); /* a user's range: no branch points, each fold once */
    const expected e2[] = {{"LP", 4.512867630296458, 1e-9, 1}, {"H", 200.4394917770306, 1e-9, 1},
                           {"SNIC", 4.512867630296458, 1e-9, 1}};
    expect_points(j, "inap_ik -20:400", e2, 3);
    json_decref(j);
}

Test(diagrams, izhikevich)
{
    /* closed forms: fold at I = 4 (v = -60), Hopf at I = 3.7975 (trace 0.08 v + 5 - a = 0); the
     * unstable cycles end at a homoclinic orbit to the saddle at 3.7743802054 (AUTO) */
    json_t *j = diagram("izhikevich");
    const expected e[] = {{"LP", 4.0, 1e-9, 1}, {"H", 3.7975, 1e-9, 1}, {"HC", 3.7743802054, 1e-7, 1}};
    expect_points(j, "izhikevich", e, 3);
    json_decref(j);
}

Test(diagrams, wilson_cowan)
{
    /* one S-shaped branch with two folds and a Hopf point; the stable cycles end at a homoclinic
     * orbit to the middle saddle (inside the bistable window, so not a SNIC) */
    json_t *j = diagram("wilson_cowan");
    const expected e[] = {{"LP", 1.083015940446834, 1e-9, 1}, {"LP", 0.9031974176144853, 1e-9, 1},
                          {"H", 1.909252718104222, 1e-9, 1},  {"HC", 1.0657449904, 1e-7, 1}};
    expect_points(j, "wilson_cowan", e, 4);
    cr_expect_str_eq(criticality(point_at(j, "H", 1.909252718104222, 1e-9)), "supercritical");
    cr_expect_eq(branches(j, "equilibrium"), 1);
    cr_expect_eq(branches(j, "cycle"), 1);
    json_decref(j);
}

Test(diagrams, van_der_pol)
{
    /* the Hopf point at mu = 0 is degenerate (a linear centre): its branch is the family of circles
     * at mu = 0, reported and not continued; the limit cycle comes from simulation and crosses
     * mu = 0 with T = 2 pi */
    json_t *j = diagram("vdp");
    const expected e[] = {{"H", 0.0, 1e-12, 1}};
    expect_points(j, "van_der_pol", e, 1);
    cr_expect_str_eq(criticality(point_at(j, "H", 0.0, 1e-12)), "degenerate");
    cr_expect_eq(ends(j, "centre"), 1);
    cr_expect(branches(j, "cycle") >= 2, "the limit cycle from simulation");
    json_decref(j);
}

Test(diagrams, lorenz)
{
    /* pitchfork at rho = 1; Hopf points on C+ and C- at 470/19 (closed form); the cycles from each
     * end in the homoclinic explosion at rho = 13.926557407 (AUTO) */
    json_t *j = diagram("lorenz");
    const expected e[] = {{"BP", 1.0, 1e-10, 1}, {"H", 470.0 / 19, 1e-10, 2}, {"HC", 13.926557407, 1e-8, 2}};
    expect_points(j, "lorenz", e, 3);
    cr_expect_eq(branches(j, "equilibrium"), 2, "the origin and C+- through the pitchfork");
    json_decref(j);
}

Test(diagrams, rossler_period_doubling_cascade)
{
    /* no Hopf point in 1:7; the cycles found by simulation at c = 2, 3, 4 and their period
     * doublings (AUTO, NTST 160 and 320: the period-4 orbit's PD moves by 1e-7 from NTST 80);
     * the simulated period-2 and period-4 cycles are the doubled branches of the first two PDs,
     * and the 8T branch switched at the third has the fourth, at 4.1869969994 (shooting,
     * tests/test_cycles_pd.c; 1e-7 off on the mesh doubled from the 4T cycle's NTST 80) */
    json_t *j = diagram("rossler");
    const expected e[] = {{"PD", 2.8324450279, 1e-9, 1}, {"PD", 3.8373581684, 1e-8, 1}, {"PD", 4.1242147321, 1e-6, 1},
                          {"PD", 4.1869969994, 1e-6, 1}};
    expect_points(j, "rossler", e, 4);
    cr_expect_eq(ends(j, "doubled"), 2, "the doubled branches end at the period doubling they come from");
    json_t *bs = json_object_get(j, "branches");
    size_t n8 = 0;
    for (size_t i = 0; i < json_array_size(bs); i++)
        n8 += json_integer_value(json_object_get(json_array_get(bs, i), "period_multiple")) == 8;
    cr_expect_eq(n8, 1, "one 8T branch (depth 3)");
    json_decref(j);
}

Test(diagrams, the_rest_of_the_zoo_runs)
{
    json_t *j = diagram("lif"); /* one variable: no cycles */
    cr_expect_eq(branches(j, "equilibrium"), 1);
    cr_expect_eq(json_array_size(json_object_get(j, "special_points")), 0);
    json_decref(j);
    j = diagram("hr");
    cr_expect_eq(count_at(j, "H", 1.269863499135153, 1e-9), 1);
    cr_expect_eq(count_at(j, "BP", 0, INFINITY) + count_at(j, "LP", 0, INFINITY), 0);
    json_decref(j);
    j = diagram("fhr");
    /* the two folds of cycles and the period doubling 2e-16 before the first one: quad-precision
     * shooting, tests/reference/fitzhugh_rinzel/ (collocation at NTST 80 is 3.6e-11 off) */
    const expected e[] = {{"H", 0.1387154315445872, 1e-9, 1}, {"NS", 0.13902727023, 1e-8, 1},
                          {"PD", 0.23903078438, 1e-8, 1},     {"LPC", 0.53494214184709137, 1e-10, 1},
                          {"LPC", 0.50357443360643909, 1e-10, 1}, {"PD", 0.53494214184709116, 1e-10, 1}};
    for (size_t i = 0; i < 6; i++)
        cr_expect_eq(count_at(j, e[i].type, e[i].value, e[i].tol), 1, "fitzhugh_rinzel: %s at %.12g", e[i].type, e[i].value);
    json_decref(j);
}
