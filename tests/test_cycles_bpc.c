/* Branch points of cycles (BPC): the test function of analysis/cycles/test_functions.c and the
 * switch to the other branch (analysis/cycles/switch.c, nd_cycles_from_bpc), on a Z2-symmetric
 * system whose pitchfork of cycles is known in closed form, and the check that a fold of cycles
 * (LPC) is not taken for one.
 *
 * The model: two identical Stuart–Landau oscillators z_j = x_j + i y_j with linear diffusive
 * coupling k (symmetric under the swap z1 <-> z2),
 *     z1' = (lam + i om) z1 - |z1|^2 z1 + k (z2 - z1),   z2' likewise with 1 <-> 2.
 * Derivation (written for this test). Every cycle is a rotating wave z1 = A e^{i om t},
 * z2 = B e^{i om t} of period 2 pi / om. The anti-phase cycle B = -A, |A|^2 = lam - 2k, is born
 * at the Hopf point k = lam / 2 of the origin. Perturbing it by the same delta in both
 * oscillators (the direction that breaks its symmetry: the swap maps the anti-phase cycle to
 * itself shifted by half a period and delta to -delta), the real part of delta (in the rotating
 * frame) obeys a' = (6k - 2 lam) a: a multiplier exp(2 pi (6k - 2 lam) / om) crosses +1 at
 * k = lam / 3, a pitchfork of cycles. Its other branch: A = a, B = -b real with a != b; the
 * real parts of the equations give lam - a^2 - k - k b / a = 0 and the same with a <-> b, whose
 * difference (b^2 - a^2)(1 - k / (a b)) = 0 leaves a b = k, and then a^2 + b^2 = lam - k: two
 * mirror-image cycles for k < lam / 3, meeting the anti-phase cycle (a = b) at k = lam / 3.
 * With lam = om = 1: the BPC at k = 1/3, T = 2 pi. */
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
TestSuite(cycles_bpc, .init = make_tmpdir, .fini = remove_tmpdir);

ND_RHS(sl_pair)
{
    double k = p[0], lam = p[1], om = p[2];
    double r1 = x[0] * x[0] + x[1] * x[1], r2 = x[2] * x[2] + x[3] * x[3];
    dxdt[0] = lam * x[0] - om * x[1] - r1 * x[0] + k * (x[2] - x[0]);
    dxdt[1] = om * x[0] + lam * x[1] - r1 * x[1] + k * (x[3] - x[1]);
    dxdt[2] = lam * x[2] - om * x[3] - r2 * x[2] + k * (x[0] - x[2]);
    dxdt[3] = om * x[2] + lam * x[3] - r2 * x[3] + k * (x[1] - x[3]);
}

static const char *const slv[] = {"x1", "y1", "x2", "y2"}, *const slp[] = {"k", "lam", "om"};
static const double sld[] = {0.2, 1.0, 1.0}, sl0[] = {0.5, 0.0, -0.4, 0.1}, sllo[] = {-2, -2, -2, -2},
                    slhi[] = {2, 2, 2, 2};
static const nd_model sl_pair = {.name = "sl_pair", .n_vars = 4, .n_pars = 3, .var_names = slv, .par_names = slp,
                                 .par_defaults = sld, .init = sl0, .var_lo = sllo, .var_hi = slhi,
                                 .rhs = sl_pair_rhs};

typedef struct diagram {
    nd_bif_diagram d;
    nd_cycle_set cs;
    double p[3], lo[4], hi[4];
    nd_region r;
} diagram;

static void sl_diagram(diagram *g, unsigned depth)
{
    memcpy(g->p, sld, sizeof g->p);
    memcpy(g->lo, sllo, sizeof g->lo), memcpy(g->hi, slhi, sizeof g->hi);
    g->r = (nd_region){g->lo, g->hi, NULL, NULL};
    nd_error err;
    cr_assert_eq(nd_bifurcation_1d(&sl_pair, g->p, 0, 0.05, 0.6, &g->r, NULL, &g->d, &err), ND_OK, "%s", err.msg);
    memset(&g->cs, 0, sizeof g->cs);
    cr_assert_eq(nd_cycles_from_hopf(&g->d, g->p, &g->r, 0.05, 0.6, &g->cs, &err), ND_OK, "%s", err.msg);
    cr_assert_eq(nd_cycles_from_bpc(&g->d, g->p, &g->r, 0.05, 0.6, depth, &g->cs, &err), ND_OK, "%s", err.msg);
}

static void sl_free(diagram *g)
{
    nd_cycle_set_free(&g->cs);
    nd_bif_diagram_free(&g->d);
}

Test(cycles_bpc, stuart_landau_pitchfork_of_cycles)
{
    diagram g;
    sl_diagram(&g, 1);
    cr_assert_eq(g.cs.n, 3, "the anti-phase branch and the two halves of the asymmetric one: %zu branches", g.cs.n);
    cr_assert_eq(g.cs.origin[0], ND_CYCLE_FROM_HOPF);
    const nd_branch *b = &g.cs.branch[0];
    size_t nbpc = 0, s_bpc = 0;
    for (size_t s = 0; s < b->n_special; s++) {
        cr_expect_eq(b->special[s].test, ND_CYC_BPC, "special point %zu of the anti-phase branch: test %d", s,
                     b->special[s].test);
        if (b->special[s].test == ND_CYC_BPC) nbpc++, s_bpc = s;
    }
    cr_assert_eq(nbpc, 1, "one BPC on the anti-phase branch (%zu)", nbpc);
    const nd_special_point *sp = &b->special[s_bpc];
    cr_log_info("BPC at k = %.15f (1/3 + %.2e), T = %.15f, multiplier %.12f", sp->data[1], sp->data[1] - 1.0 / 3,
                sp->data[0], sp->data[2]);
    /* closed form: k = lam / 3 (measured: 6e-12 off), T = 2 pi / om */
    cr_expect(fabs(sp->data[1] - 1.0 / 3) < 1e-8, "BPC at k = %.15f, closed form 1/3", sp->data[1]);
    cr_expect(fabs(sp->data[0] - 2 * M_PI) < 1e-8, "T = %.15f at the BPC, closed form 2 pi", sp->data[0]);
    cr_expect(fabs(sp->data[2] - 1.0) < 1e-3, "a non-trivial multiplier at +1: %.12f", sp->data[2]);
    /* the anti-phase branch: |z1| = |z2| = sqrt(lam - 2k), x2 = -x1 */
    const nd_cycle_curve *c0 = &g.cs.curve[0];
    for (size_t i = 0; i < b->n; i++) {
        const nd_cycle_info *in = nd_cycle_curve_info(c0, i);
        double a = sqrt(1 - 2 * in->par);
        cr_expect(fabs(in->xmax[0] - a) < 1e-8 && fabs(in->xmax[2] - a) < 1e-8,
                  "anti-phase at k = %.10f: max x1 %.12f, max x2 %.12f, closed form %.12f", in->par, in->xmax[0],
                  in->xmax[2], a);
    }
    /* the switched halves: asymmetric, a b = k and a^2 + b^2 = lam - k; mirror images */
    int larger[2] = {0, 0};
    for (size_t c = 1; c < 3; c++) {
        cr_expect_eq(g.cs.origin[c], ND_CYCLE_FROM_BPC);
        cr_expect_eq(g.cs.parent[c], 0);
        cr_expect_eq(g.cs.parent_special[c], s_bpc);
        const nd_branch *bc = &g.cs.branch[c];
        cr_expect(bc->n > 10, "branch %zu: %zu points", c, bc->n);
        double kmin = INFINITY, worst = 0.0;
        for (size_t i = 0; i < bc->n; i++) {
            const nd_cycle_info *in = nd_cycle_curve_info(&g.cs.curve[c], i);
            double a1 = in->xmax[0], a2 = in->xmax[2], k = in->par;
            worst = fmax(worst, fmax(fabs(a1 * a2 - k), fabs(a1 * a1 + a2 * a2 - (1 - k))));
            cr_expect(k < 1.0 / 3 + 1e-9, "branch %zu: k = %.12f beyond the BPC", c, k);
            cr_expect(fabs(in->period - 2 * M_PI) < 1e-8, "branch %zu: T = %.12f", c, in->period);
            if (k < 0.3) {
                cr_expect(fabs(a1 - a2) > 1e-2, "branch %zu at k = %.6f: |z1| = %.9f, |z2| = %.9f: not asymmetric", c,
                          k, a1, a2);
                larger[c - 1] = a1 > a2 ? 1 : -1;
            }
            kmin = fmin(kmin, k);
        }
        cr_log_info("switched branch %zu: %zu points down to k = %.6f, closed form met to %.2e", c, bc->n, kmin, worst);
        cr_expect(worst < 1e-8, "branch %zu: |a b - k| or |a^2 + b^2 - (1 - k)| = %.2e", c, worst);
        cr_expect(kmin < 0.05 + 1e-9, "branch %zu ends at k = %.6f, not at the end of the range", c, kmin);
    }
    cr_expect(larger[0] * larger[1] == -1, "the two halves are mirror images (%d, %d)", larger[0], larger[1]);
    sl_free(&g);
}

Test(cycles_bpc, switch_start_and_depth_zero)
{
    diagram g;
    sl_diagram(&g, 0);
    cr_assert_eq(g.cs.n, 1, "depth 0: no switch (%zu branches)", g.cs.n);
    const nd_branch *b = &g.cs.branch[0];
    size_t s = 0;
    while (s < b->n_special && b->special[s].test != ND_CYC_BPC) s++;
    cr_assert(s < b->n_special, "a BPC");
    /* the switch itself: the start lies on the other branch near the BPC */
    nd_cycle_curve c;
    nd_error err;
    cr_assert_eq(nd_cycle_curve_init(&c, &sl_pair, g.p, 0, &g.r, g.cs.curve[0].ntst, g.cs.curve[0].ncol, &err), ND_OK,
                 "%s", err.msg);
    double *u0 = malloc(2 * c.type.dim * sizeof *u0), *v0 = u0 + c.type.dim;
    nd_cycle_switch info;
    cr_assert_eq(nd_cycle_curve_from_bpc(&c, &g.cs.curve[0], b, s, -1, u0, v0, &info, &err), ND_OK, "%s", err.msg);
    const nd_cycle_info *in;
    cr_assert_eq(nd_cycle_curve_describe(&c, u0, &in, &err), ND_OK, "%s", err.msg);
    double a1 = in->xmax[0], a2 = in->xmax[2];
    cr_log_info("start: k = %.12f (BPC %.12f), delta %.3g, distance %.3g, |z1| %.9f |z2| %.9f", info.start_par, info.par,
                info.delta, info.distance, a1, a2);
    cr_expect(fabs(info.par - 1.0 / 3) < 1e-8);
    cr_expect(info.start_par < info.par && info.par - info.start_par < 1e-3, "start at k = %.12f", info.start_par);
    cr_expect(fabs(a1 * a2 - info.start_par) < 1e-9 && fabs(a1 * a1 + a2 * a2 - (1 - info.start_par)) < 1e-9,
              "the start is on the asymmetric branch: |z1| %.12f |z2| %.12f at k %.12f", a1, a2, info.start_par);
    cr_expect(fabs(a1 - a2) > 0.5 * info.delta, "asymmetric start: |z1| - |z2| = %.3g", a1 - a2);
    /* bad input: a special point that is not a BPC */
    cr_expect_eq(nd_cycle_curve_from_bpc(&c, &g.cs.curve[0], b, b->n_special, 1, u0, v0, NULL, &err), ND_EINVAL);
    free(u0);
    nd_cycle_curve_free(&c);
    sl_free(&g);
}

/* Morris–Lecar (zoo defaults, I in 0:150): the subcritical Hopf point's unstable cycles turn at a
 * fold of cycles (LPC), where a non-trivial multiplier passes +1 too; det [J; v^T] does not
 * change sign there, so no BPC. */
Test(cycles_bpc, fold_of_cycles_is_no_bpc)
{
    const nd_model *m = nd_builtin_find("morris_lecar");
    double p[32], lo[8], hi[8];
    nd_model_default_params(m, p);
    for (size_t i = 0; i < m->n_vars; i++) lo[i] = m->var_lo[i], hi[i] = m->var_hi[i];
    nd_region r = {lo, hi, NULL, NULL};
    int par = nd_model_par_index(m, "I", NULL);
    cr_assert(par >= 0);
    nd_bif_diagram d;
    nd_cycle_set cs;
    memset(&cs, 0, sizeof cs);
    nd_error err;
    cr_assert_eq(nd_bifurcation_1d(m, p, par, 0, 150, &r, NULL, &d, &err), ND_OK, "%s", err.msg);
    cr_assert_eq(nd_cycles_from_hopf(&d, p, &r, 0, 150, &cs, &err), ND_OK, "%s", err.msg);
    size_t lpc = 0, bpc = 0;
    for (size_t c = 0; c < cs.n; c++)
        for (size_t s = 0; s < cs.branch[c].n_special; s++)
            lpc += cs.branch[c].special[s].test == ND_CYC_LPC, bpc += cs.branch[c].special[s].test == ND_CYC_BPC;
    cr_expect(lpc >= 1, "Morris-Lecar's folds of cycles: %zu", lpc);
    cr_expect_eq(bpc, 0, "no BPC: %zu", bpc);
    nd_cycle_set_free(&cs);
    nd_bif_diagram_free(&d);
}

/* The CLI: an XPPAUT file of the same model; BPC in special_points, the two switched branches in
 * the JSON, and --bpc-depth checked. */
Test(cycles_bpc, cli_follows_the_other_branch)
{
    char path[512], args[1024], out[512];
    snprintf(path, sizeof path, "%s/slpair.ode", tmpdir);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs("# two Stuart-Landau oscillators, diffusive coupling k\npar k=0.2, lam=1, om=1\n"
          "x1' = lam*x1 - om*y1 - (x1*x1+y1*y1)*x1 + k*(x2-x1)\ny1' = om*x1 + lam*y1 - (x1*x1+y1*y1)*y1 + k*(y2-y1)\n"
          "x2' = lam*x2 - om*y2 - (x2*x2+y2*y2)*x2 + k*(x1-x2)\ny2' = om*x2 + lam*y2 - (x2*x2+y2*y2)*y2 + k*(y1-y2)\n"
          "init x1=0.5, x2=-0.4, y2=0.1\ndone\n",
          f);
    fclose(f);
    snprintf(out, sizeof out, "%s/stdout", tmpdir);
    snprintf(args, sizeof args,
             "bifurcation %s --par k=0.05:0.6 --range x1=-2:2 --range y1=-2:2 --range x2=-2:2 --range y2=-2:2 "
             "--cycles --cycle-scan 0 --json --quiet",
             path);
    cr_assert_eq(cli_run_in(tmpdir, args), 0);
    json_error_t je;
    json_t *j = json_load_file(out, 0, &je);
    cr_assert(j, "%s", je.text);
    size_t i, nb = 0, from_bpc = 0;
    json_t *v;
    json_array_foreach(json_object_get(j, "special_points"), i, v)
    {
        if (strcmp(json_string_value(json_object_get(v, "type")), "BPC")) continue;
        nb++;
        double k = json_real_value(json_object_get(v, "k"));
        cr_expect(fabs(k - 1.0 / 3) < 1e-8, "BPC at k = %.15f", k);
        double mu = json_real_value(json_object_get(v, "multiplier"));
        cr_expect(fabs(mu - 1.0) < 1e-3, "the BPC's multiplier %.12f, +1", mu);
    }
    json_array_foreach(json_object_get(j, "branches"), i, v)
    {
        const char *from = json_string_value(json_object_get(v, "from"));
        if (from && strstr(from, "branch point of cycles (BPC)")) from_bpc++;
    }
    cr_expect_eq(nb, 1, "one BPC special point (%zu)", nb);
    cr_expect_eq(from_bpc, 2, "two branches from the BPC (%zu)", from_bpc);
    json_decref(j);
    snprintf(args, sizeof args, "bifurcation %s --par k=0.05:0.6 --cycles --bpc-depth 11", path);
    cr_expect_eq(cli_run_in(tmpdir, args), 2, "--bpc-depth 11 is a usage error");
}
