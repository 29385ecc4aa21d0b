/* Two-parameter curves of cycle bifurcations (analysis/cycles/cycle_codim2.c): the fold of cycles
 * (LPC) continued in two parameters, against closed forms (planar normal forms whose cycles are
 * circles with a radius that solves a polynomial equation) and against LPC points located
 * independently by one-parameter cycle continuation at fixed values of the second parameter.
 * Tolerances are stated at each check. */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/cycle_codim2.h"
#include "neurodyn/neurodyn.h"
#include "cli_run.h"
#include "cycle_samples.h"

/* ---- models ------------------------------------------------------------------------------------- */
static const char *const xy[] = {"x", "y"}, *const b12[] = {"b1", "b2"};
static const double zero2[] = {0, 0};

/* Bautin normal form r' = r (b1 + b2 r^2 - r^4), theta' = 1 (Kuznetsov, Elements of Applied
 * Bifurcation Theory, 3rd ed., sec. 8.3). Cycles: rho = r^2 solves b1 + b2 rho - rho^2 = 0; the
 * fold of cycles is b2 = 2 rho, i.e. the LPC curve b1 = -b2^2 / 4 (b2 > 0), rho = b2 / 2,
 * period 2 pi exactly. */
ND_RHS(bautin2)
{
    double r2 = x[0] * x[0] + x[1] * x[1], g = p[0] + p[1] * r2 - r2 * r2;
    dxdt[0] = g * x[0] - x[1];
    dxdt[1] = x[0] + g * x[1];
}
static const double bautin_p[] = {-0.5, 1.0};
static const nd_model bautin2_model = {.name = "bautin2", .n_vars = 2, .n_pars = 2, .var_names = xy,
                                       .par_names = b12, .par_defaults = bautin_p, .init = zero2, .rhs = bautin2_rhs};

/* A cusp of cycles in closed form: r' = r g(r^2), theta' = 1 with g(rho) = b1 + b2 s - s^3,
 * s = rho - 1. Cycles: b1 + b2 s - s^3 = 0 (s > -1); folds where also b2 = 3 s^2, so the LPC
 * curve is b1 = -2 s^3, b2 = 3 s^2, i.e. b1 = -+2 (b2 / 3)^(3/2): two LPC branches meeting in a
 * cusp of cycles (CPC) at b1 = b2 = 0 on the unit circle (s = 0); period 2 pi everywhere. */
ND_RHS(cusp2)
{
    double s = x[0] * x[0] + x[1] * x[1] - 1, g = p[0] + p[1] * s - s * s * s;
    dxdt[0] = g * x[0] - x[1];
    dxdt[1] = x[0] + g * x[1];
}
static const double cusp_p[] = {0.0, 1.0};
static const nd_model cusp2_model = {.name = "cusp2", .n_vars = 2, .n_pars = 2, .var_names = xy, .par_names = b12,
                                     .par_defaults = cusp_p, .init = zero2, .rhs = cusp2_rhs};

/* ---- helpers ------------------------------------------------------------------------------------ */
static const nd_special_point *nth(const nd_branch *b, int test, int k)
{
    for (size_t i = 0; i < b->n_special; i++)
        if (b->special[i].test == test && k-- == 0) return &b->special[i];
    return NULL;
}

/* The Hopf point at the origin in b1 (eigenvalues g(0) +- i): an equilibrium branch from p_lo. */
static void hopf_branch(const nd_model *m, const double *p, double p_lo, double p_hi, nd_branch *b)
{
    double lo[2] = {-10, -10}, hi[2] = {10, 10}, x0[2] = {0, 0}, u0[3] = {0, 0, p_lo};
    double blo[3] = {-10, -10, p_lo - 1e-9}, bhi[3] = {10, 10, p_hi}, pp[2] = {p[0], p[1]};
    pp[0] = p_lo;
    nd_region r = {lo, hi, NULL, x0};
    nd_eq_curve ec;
    nd_error err;
    cr_assert_eq(nd_eq_curve_init(&ec, m, pp, 0, &r, &err), ND_OK, "%s", err.msg);
    nd_cont_opts o;
    nd_cont_opts_init(&o);
    o.lo = blo, o.hi = bhi, o.h_max = (p_hi - p_lo) / 20, o.direction = 1;
    cr_assert_eq(nd_continue(&ec.type, u0, NULL, &o, b, &err), ND_OK, "%s", err.msg);
    nd_eq_curve_free(&ec);
}

/* The cycle branch in b1 from the Hopf point at b2 = p[1], on a fixed uniform mesh (so that its
 * discretisation is the LPC curve's), over [b1_lo, b1_hi]. */
static void cycle_branch(nd_cycle_curve *c, const nd_model *m, const double *p, double hopf_lo, double hopf_hi,
                         double b1_lo, double b1_hi, nd_branch *b)
{
    nd_branch eb;
    hopf_branch(m, p, hopf_lo, hopf_hi, &eb);
    const nd_special_point *h = nth(&eb, ND_EQ_H, 0);
    cr_assert_not_null(h, "no Hopf point (stop: %s)", eb.stop_reason);
    nd_error err;
    cr_assert_eq(nd_cycle_curve_init(c, m, p, 0, NULL, 20, 4, &err), ND_OK, "%s", err.msg);
    c->adapt_every = 0;
    size_t N = c->type.dim;
    double *u0 = malloc(N * sizeof *u0), *v0 = malloc(N * sizeof *v0), *lo = malloc(N * sizeof *lo),
           *hi = malloc(N * sizeof *hi);
    cr_assert(u0 && v0 && lo && hi);
    cr_assert_eq(nd_cycle_curve_from_hopf(c, h, 0, u0, v0, &err), ND_OK, "%s", err.msg);
    for (size_t i = 0; i < N; i++) lo[i] = -INFINITY, hi[i] = INFINITY;
    lo[N - 1] = b1_lo, hi[N - 1] = b1_hi;
    nd_cont_opts o;
    nd_cont_opts_init(&o);
    o.lo = lo, o.hi = hi, o.h_max = 0.05, o.max_points = 2000;
    cr_assert_eq(nd_cycle_continue(c, u0, v0, &o, b, &err), ND_OK, "%s", err.msg);
    free(u0), free(v0), free(lo), free(hi);
    nd_branch_free(&eb);
}

/* Options of an LPC curve: a box on (b1, b2) only. */
static void lpc_opts(nd_cont_opts *o, size_t dim, double *lo, double *hi, const double box[4])
{
    nd_cont_opts_init(o);
    for (size_t i = 0; i < dim; i++) lo[i] = -INFINITY, hi[i] = INFINITY;
    lo[dim - 2] = box[0], hi[dim - 2] = box[1], lo[dim - 1] = box[2], hi[dim - 1] = box[3];
    o->lo = lo, o->hi = hi, o->h_max = 0.05, o->max_points = 400;
}

/* ---- tests -------------------------------------------------------------------------------------- */
/* Bautin: every point of the LPC curve on b1 = -b2^2 / 4 (closed form above) to 1e-8, period 2 pi
 * to 1e-9, radius sqrt(b2 / 2); the curve runs from b2 = 1 both ways to the box. */
Test(cycle_curves, bautin_lpc_curve_closed_form)
{
    double p[2] = {-0.5, 1.0};
    nd_cycle_curve c;
    nd_branch b;
    cycle_branch(&c, &bautin2_model, p, -0.5, 0.5, -0.5, 0.3, &b);
    const nd_special_point *lpc = nth(&b, ND_CYC_LPC, 0);
    cr_assert_not_null(lpc, "no LPC on the cycle branch (stop: %s)", b.stop_reason);
    nd_cycle2_curve lc;
    nd_error err;
    cr_assert_eq(nd_cycle2_curve_init(&lc, ND_CYCLE_CODIM2_LPC, &bautin2_model, p, 0, 1, NULL, 20, 4, &err), ND_OK, "%s", err.msg);
    size_t dim = lc.type.dim;
    double *z0 = malloc(dim * sizeof *z0), *lo = malloc(dim * sizeof *lo), *hi = malloc(dim * sizeof *hi);
    cr_assert(z0 && lo && hi);
    cr_assert_eq(nd_cycle2_curve_start(&lc, &c, &b, (size_t)(lpc - b.special), z0, &err), ND_OK, "%s", err.msg);
    nd_cont_opts o;
    lpc_opts(&o, dim, lo, hi, (double[]){-2, 0.5, 0.3, 2.5});
    nd_branch half[2];
    cr_assert_eq(nd_cycle2_curve_continue(&lc, z0, &o, half, &err), ND_OK, "%s", err.msg);
    double worst = 0, worst_T = 0;
    size_t total = 0;
    for (int k = 0; k < 2; k++) {
        cr_log_info("Bautin LPC half %d: %zu points, stop: %s", k, half[k].n, half[k].stop_reason);
        for (size_t i = 0; i < half[k].n; i++) {
            const double *z = half[k].u + i * dim;
            double b1 = nd_cycle2_curve_par(&lc, z, 0), b2 = nd_cycle2_curve_par(&lc, z, 1);
            worst = fmax(worst, fabs(b1 + b2 * b2 / 4));
            worst_T = fmax(worst_T, fabs(nd_cycle2_curve_period(&lc, z) - 2 * M_PI));
            total++;
        }
    }
    cr_log_info("Bautin LPC curve: %zu points, max |b1 + b2^2/4| = %.2e, max |T - 2 pi| = %.2e", total, worst, worst_T);
    cr_expect(total > 20, "%zu points", total);
    cr_expect(worst < 1e-8, "max |b1 + b2^2/4| = %.3g", worst);
    cr_expect(worst_T < 1e-9, "max |T - 2 pi| = %.3g", worst_T);
    /* the curve reached b2 = 2.5 (box) and b2 -> 0.3 (box) */
    double b2max = -INFINITY, b2min = INFINITY;
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < half[k].n; i++) {
            double b2 = nd_cycle2_curve_par(&lc, half[k].u + i * dim, 1);
            b2max = fmax(b2max, b2), b2min = fmin(b2min, b2);
        }
    cr_expect(b2max > 2.49 && b2min < 0.31, "b2 covered %.4g .. %.4g", b2min, b2max);
    for (int k = 0; k < 2; k++) nd_branch_free(&half[k]);
    nd_cycle2_curve_free(&lc);
    nd_branch_free(&b);
    nd_cycle_curve_free(&c);
    free(z0), free(lo), free(hi);
}

/* The LPC curve passes through the LPC points that one-parameter cycle continuation in b1 locates
 * independently at fixed b2 (same discretisation: 20 x 4 collocation on a uniform mesh): the
 * curve is continued from the LPC at b2 = 1 up to a box face at b2 = b2* (its last point is then
 * corrected onto the face), and its b1 there is compared with the LPC of the cycle branch
 * computed at b2 = b2*. Agreement 1e-8 (both are located to the continuer's tolerances); both
 * also against the closed form -b2*^2 / 4. */
Test(cycle_curves, bautin_lpc_curve_through_one_parameter_lpc_points)
{
    double p[2] = {-0.5, 1.0};
    nd_cycle_curve c;
    nd_branch b;
    cycle_branch(&c, &bautin2_model, p, -0.5, 0.5, -0.5, 0.3, &b);
    const nd_special_point *lpc = nth(&b, ND_CYC_LPC, 0);
    cr_assert_not_null(lpc);
    nd_cycle2_curve lc;
    nd_error err;
    cr_assert_eq(nd_cycle2_curve_init(&lc, ND_CYCLE_CODIM2_LPC, &bautin2_model, p, 0, 1, NULL, 20, 4, &err), ND_OK, "%s", err.msg);
    size_t dim = lc.type.dim;
    double *z0 = malloc(dim * sizeof *z0), *lo = malloc(dim * sizeof *lo), *hi = malloc(dim * sizeof *hi);
    cr_assert(z0 && lo && hi);
    cr_assert_eq(nd_cycle2_curve_start(&lc, &c, &b, (size_t)(lpc - b.special), z0, &err), ND_OK, "%s", err.msg);
    const double targets[] = {0.6, 1.7, 2.4};
    for (int t = 0; t < 3; t++) {
        double b2 = targets[t];
        /* the one-parameter LPC at b2 */
        double q[2] = {-0.5 * b2 * b2, b2};
        nd_cycle_curve c1;
        nd_branch b1;
        cycle_branch(&c1, &bautin2_model, q, -0.5 * b2 * b2, 0.5, -b2 * b2, 0.3, &b1);
        const nd_special_point *l1 = nth(&b1, ND_CYC_LPC, 0);
        cr_assert_not_null(l1, "no LPC at b2 = %g (stop: %s)", b2, b1.stop_reason);
        double b1_one = l1->data[1];
        /* the LPC curve up to the face b2 = b2* */
        nd_cont_opts o;
        double box[4] = {-10, 10, b2 < 1 ? b2 : 0.1, b2 < 1 ? 3 : b2};
        lpc_opts(&o, dim, lo, hi, box);
        o.direction = b2 < 1 ? -1 : 1;
        nd_branch half;
        cr_assert_eq(nd_cycle2_curve_reset(&lc, z0, &err), ND_OK, "%s", err.msg);
        cr_assert_eq(nd_continue(&lc.type, z0, NULL, &o, &half, &err), ND_OK, "%s", err.msg);
        cr_assert_eq(half.stop, ND_STOP_BOX, "b2* = %g: %s", b2, half.stop_reason);
        const double *z = half.u + (half.n - 1) * dim;
        double b1_two = nd_cycle2_curve_par(&lc, z, 0), b2_two = nd_cycle2_curve_par(&lc, z, 1);
        cr_log_info("b2 = %g: LPC by 1-parameter continuation b1 = %.14g, on the LPC curve %.14g (b2 %.14g); exact "
                    "%.14g; difference %.2e", b2, b1_one, b1_two, b2_two, -b2 * b2 / 4, b1_two - b1_one);
        cr_expect(fabs(b2_two - b2) < 1e-12, "the curve ends on the face b2 = %g: %.15g", b2, b2_two);
        cr_expect(fabs(b1_two - b1_one) < 1e-8, "b2 = %g: b1 %.14g (curve) vs %.14g (1-parameter)", b2, b1_two, b1_one);
        cr_expect(fabs(b1_one + b2 * b2 / 4) < 1e-8, "b2 = %g: 1-parameter LPC b1 = %.14g", b2, b1_one);
        cr_expect(fabs(nd_cycle2_curve_period(&lc, z) - l1->data[0]) < 1e-9, "periods %.14g vs %.14g",
                  nd_cycle2_curve_period(&lc, z), l1->data[0]);
        nd_branch_free(&half);
        nd_branch_free(&b1);
        nd_cycle_curve_free(&c1);
    }
    nd_cycle2_curve_free(&lc);
    nd_branch_free(&b);
    nd_cycle_curve_free(&c);
    free(z0), free(lo), free(hi);
}

/* The cusp of cycles (closed form above): from the LPC of the cycle branch at b2 = 1 (b1 =
 * 2 / (3 sqrt 3), s = -1 / sqrt 3) the LPC curve runs down to the CPC at b1 = b2 = 0 and back up
 * along the other LPC branch, through the second LPC of the b2 = 1 branch (b1 = -2 / (3 sqrt 3)).
 * Checks: every point on 27 b1^2 = 4 b2^3 (1e-8), exactly one CPC, at (0, 0) to 1e-7, and the
 * curve reaching b1 = -2 / (3 sqrt 3) at b2 = 1 to 1e-8. */
Test(cycle_curves, cusp_of_cycles_closed_form)
{
    double p[2] = {0.0, 1.0};
    nd_cycle_curve c;
    nd_branch b;
    cycle_branch(&c, &cusp2_model, p, -0.5, 0.5, -1, 1, &b);
    const nd_special_point *lpc = nth(&b, ND_CYC_LPC, 0);
    cr_assert_not_null(lpc, "no LPC (stop: %s)", b.stop_reason);
    double b1_lpc = 2 / (3 * sqrt(3.0));
    cr_expect(fabs(lpc->data[1] - b1_lpc) < 1e-8, "first LPC at b1 = %.12g, exact %.12g", lpc->data[1], b1_lpc);
    nd_cycle2_curve lc;
    nd_error err;
    cr_assert_eq(nd_cycle2_curve_init(&lc, ND_CYCLE_CODIM2_LPC, &cusp2_model, p, 0, 1, NULL, 20, 4, &err), ND_OK, "%s", err.msg);
    size_t dim = lc.type.dim;
    double *z0 = malloc(dim * sizeof *z0), *lo = malloc(dim * sizeof *lo), *hi = malloc(dim * sizeof *hi);
    cr_assert(z0 && lo && hi);
    cr_assert_eq(nd_cycle2_curve_start(&lc, &c, &b, (size_t)(lpc - b.special), z0, &err), ND_OK, "%s", err.msg);
    nd_cont_opts o;
    lpc_opts(&o, dim, lo, hi, (double[]){-1, 1, -0.5, 1.0});
    o.direction = -1; /* b2 falling: towards the cusp */
    nd_branch half;
    cr_assert_eq(nd_continue(&lc.type, z0, NULL, &o, &half, &err), ND_OK, "%s", err.msg);
    cr_log_info("cusp LPC curve: %zu points, %zu special, stop: %s", half.n, half.n_special, half.stop_reason);
    double worst = 0;
    for (size_t i = 0; i < half.n; i++) {
        const double *z = half.u + i * dim;
        double b1 = nd_cycle2_curve_par(&lc, z, 0), b2 = nd_cycle2_curve_par(&lc, z, 1);
        worst = fmax(worst, fabs(27 * b1 * b1 - 4 * b2 * b2 * b2));
    }
    cr_expect(worst < 1e-8, "max |27 b1^2 - 4 b2^3| = %.3g", worst);
    size_t ncpc = 0;
    for (size_t i = 0; i < half.n_special; i++) ncpc += half.special[i].test == ND_LPC_CPC;
    cr_expect_eq(ncpc, 1, "%zu CPC points", ncpc);
    const nd_special_point *cpc = nth(&half, ND_LPC_CPC, 0);
    cr_assert_not_null(cpc);
    cr_log_info("CPC at b1 = %.3e, b2 = %.3e, T = %.15g", cpc->data[1], cpc->data[2], cpc->data[0]);
    cr_expect(fabs(cpc->data[1]) < 1e-7 && fabs(cpc->data[2]) < 1e-7, "CPC at (%.3g, %.3g), exact (0, 0)", cpc->data[1],
              cpc->data[2]);
    cr_expect(fabs(cpc->data[0] - 2 * M_PI) < 1e-9);
    cr_assert_eq(half.stop, ND_STOP_BOX, "%s", half.stop_reason);
    const double *z = half.u + (half.n - 1) * dim;
    cr_expect(fabs(nd_cycle2_curve_par(&lc, z, 1) - 1) < 1e-12 && fabs(nd_cycle2_curve_par(&lc, z, 0) + b1_lpc) < 1e-8,
              "the curve ends at (%.12g, %.12g), the second LPC of b2 = 1 is at (%.12g, 1)", nd_cycle2_curve_par(&lc, z, 0),
              nd_cycle2_curve_par(&lc, z, 1), -b1_lpc);
    nd_branch_free(&half);
    nd_cycle2_curve_free(&lc);
    nd_branch_free(&b);
    nd_cycle_curve_free(&c);
    free(z0), free(lo), free(hi);
}

/* A neuron: Morris–Lecar (zoo defaults, Hopf set: a subcritical Hopf point in I whose unstable
 * cycles fold at an LPC). The diagram's LPC curve in (phi, I), from the LPC at phi = 0.04, runs to
 * the face phi = 0.07 of the box; there its I must equal the LPC located independently by the
 * one-parameter cycle diagram in I at phi = 0.07 (its own Hopf start and adapted mesh; the two
 * discretisations differ, 80 x 4 collocation: agreement 1e-9 relative stated, 1.6e-12 measured). */
Test(cycle_curves, morris_lecar_lpc_curve_meets_one_parameter_lpc)
{
    const nd_model *m = nd_builtin_find("morris_lecar");
    cr_assert_not_null(m);
    double p[13], x[2], lo[2] = {-80, -0.1}, hi[2] = {60, 1};
    nd_model_default_params(m, p);
    nd_model_default_state(m, x);
    nd_region r = {lo, hi, NULL, x};
    int phi = nd_model_par_index(m, "phi", NULL), I = nd_model_par_index(m, "I", NULL);
    cr_assert(phi >= 0 && I >= 0);
    nd_codim2_diagram d;
    nd_error err;
    cr_assert_eq(nd_bifurcation_2d(m, p, phi, 0.04, 0.07, I, 60, 160, &r, NULL, &d, &err), ND_OK, "%s", err.msg);
    nd_cycle_codim2 cc;
    cr_assert_eq(nd_cycle_curves_2d(&d, p, &r, NULL, 0, &cc, &err), ND_OK, "%s", err.msg);
    cr_assert_eq(cc.n, 1, "%zu LPC curves (failed %zu: %s)", cc.n, cc.n_failed, cc.failure);
    const nd_cycle_codim2_curve *cv = &cc.curves[0];
    const nd_branch *b = &cv->branch;
    /* the end on the face phi = 0.07 */
    const double *u = NULL;
    for (int end = 0; end < 2; end++) {
        const double *e = b->u + (end ? b->n - 1 : 0) * b->dim;
        if (fabs(nd_cycle_codim2_par(cv, e, 0) - 0.07) < 1e-12) u = e;
    }
    cr_assert_not_null(u, "the curve ends: %s / %s", b->begin_reason, b->stop_reason);
    double I_two = nd_cycle_codim2_par(cv, u, 1), T_two = nd_cycle_codim2_period(cv, u);
    /* the one-parameter LPC at phi = 0.07 */
    p[phi] = 0.07;
    nd_bif_diagram d1;
    cr_assert_eq(nd_bifurcation_1d(m, p, I, 60, 160, &r, NULL, &d1, &err), ND_OK, "%s", err.msg);
    nd_cycle_set cs = {0};
    nd_cycle_set_opts_init(&cs.opts);
    cr_assert_eq(nd_cycles_from_hopf(&d1, p, &r, 60, 160, &cs, &err), ND_OK, "%s", err.msg);
    const nd_special_point *lpc = NULL;
    for (size_t i = 0; i < cs.n && !lpc; i++)
        for (size_t s = 0; s < cs.branch[i].n_special && !lpc; s++)
            if (cs.branch[i].special[s].test == ND_CYC_LPC) lpc = &cs.branch[i].special[s];
    cr_assert_not_null(lpc, "no LPC at phi = 0.07");
    cr_log_info("Morris-Lecar phi = 0.07: LPC curve I = %.12g (T %.10g), 1-parameter LPC I = %.12g (T %.10g), rel. "
                "difference %.2e", I_two, T_two, lpc->data[1], lpc->data[0], (I_two - lpc->data[1]) / lpc->data[1]);
    cr_expect(fabs(I_two - lpc->data[1]) < 1e-9 * fabs(lpc->data[1]), "I %.12g vs %.12g", I_two, lpc->data[1]);
    cr_expect(fabs(T_two - lpc->data[0]) < 1e-7 * lpc->data[0], "T %.10g vs %.10g", T_two, lpc->data[0]);
    /* no codim-2 points of cycles on this stretch; the fold joins an unstable and a stable cycle */
    cr_expect_eq(b->n_special, 0);
    nd_cycle_set_free(&cs);
    nd_bif_diagram_free(&d1);
    nd_cycle_codim2_free(&cc);
    nd_codim2_diagram_free(&d);
}

/* The command line: bifurcation2 --cycles on Morris-Lecar writes the LPC curve (kind LPC, with the
 * period and the orbit's maximum) into the JSON, curves.tsv and the figure; without --cycles the
 * files are as before. */
Test(cycle_curves, bifurcation2_cycles_on_the_command_line)
{
    char dir[256], args[1024], buf[1 << 16];
    cli_tmpdir_make(dir);
    snprintf(args, sizeof args, "bifurcation2 ml --par phi=0.02:0.1 --par I=60:160 --cycles --outdir %s/out --plot %s/f.png "
             "--json", dir, dir);
    int status = cli_run_in(dir, args);
    char path[512];
    snprintf(path, sizeof path, "%s/stderr", dir);
    cli_slurp(path, buf, sizeof buf);
    cr_assert_eq(status, 0, "%s", buf);
    snprintf(path, sizeof path, "%s/stdout", dir);
    cli_slurp(path, buf, sizeof buf);
    json_t *j = json_loads(buf, 0, NULL);
    cr_assert_not_null(j, "%.200s", buf);
    json_t *curves = json_object_get(j, "curves");
    size_t lpc = 0, checked = 0;
    for (size_t c = 0; c < json_array_size(curves); c++) {
        json_t *cv = json_array_get(curves, c);
        if (strcmp(json_string_value(json_object_get(cv, "kind")), "LPC")) continue;
        lpc++;
        json_t *pts = json_object_get(cv, "points");
        for (size_t i = 0; i < json_array_size(pts); i++) {
            json_t *pt = json_array_get(pts, i);
            double T = json_number_value(json_object_get(pt, "period"));
            double V = json_number_value(json_object_get(json_object_get(pt, "max"), "V"));
            cr_expect(T > 10 && T < 1000 && V > -80 && V < 60, "point %zu: T %g, max V %g", i, T, V);
            checked++;
        }
    }
    cr_expect_eq(lpc, 1, "%zu LPC curves", lpc);
    cr_expect(checked > 20, "%zu points", checked);
    json_decref(j);
    snprintf(path, sizeof path, "%s/out/curves.tsv", dir);
    cli_slurp(path, buf, sizeof buf);
    cr_expect(strstr(buf, "curve\tkind\tphi\tI\tV\tw\tneutral_saddle\tperiod\n") == buf, "%.100s", buf);
    cr_expect(strstr(buf, "\tLPC\t"), "no LPC rows");
    snprintf(path, sizeof path, "%s/f.png", dir);
    FILE *f = fopen(path, "rb");
    cr_expect_not_null(f, "no figure");
    if (f) fclose(f);
    /* without --cycles: the equilibrium curves only, the header as before */
    snprintf(args, sizeof args, "bifurcation2 ml --par phi=0.02:0.1 --par I=60:160 --outdir %s/eq", dir);
    cr_assert_eq(cli_run_in(dir, args), 0);
    snprintf(path, sizeof path, "%s/eq/curves.tsv", dir);
    cli_slurp(path, buf, sizeof buf);
    cr_expect(!strstr(buf, "LPC") && strstr(buf, "\tneutral_saddle\n"), "%.100s", buf);
    cli_tmpdir_remove(dir);
}

/* ---- period doubling ----------------------------------------------------------------------------- */
/* The period-1 cycle of Rössler (a = 0.2, b = b0) simulated at c = 2.5 and continued in c over
 * [2.4, 4.3] (80 x 4 collocation, the cycle set's defaults); its first PD. */
static const nd_special_point *rossler_pd(double b0, nd_cycle_set *cs, nd_bif_diagram *d, size_t *branch)
{
    const nd_model *m = nd_builtin_find("rossler");
    static double lo[3], hi[3], x[3];
    double p[3] = {0.2, b0, 2.5};
    for (int i = 0; i < 3; i++) lo[i] = m->var_lo[i], hi[i] = m->var_hi[i], x[i] = m->init[i];
    nd_region r = {lo, hi, NULL, x};
    nd_error err;
    cr_assert_eq(nd_bifurcation_1d(m, p, 2, 2.4, 4.3, &r, NULL, d, &err), ND_OK, "%s", err.msg);
    memset(cs, 0, sizeof *cs);
    nd_cycle_set_opts_init(&cs->opts);
    nd_cycle cyc;
    cr_assert_eq(nd_cycle_by_simulation(m, p, m->init, 0, 500, 2000, 1000, &cyc, &err), ND_OK, "%s", err.msg);
    cr_assert_eq(nd_cycles_from_simulation(m, p, 2, &r, &cyc, 2.4, 4.3, cs, &err), ND_OK, "%s", err.msg);
    nd_cycle_free(&cyc);
    const nd_special_point *best = NULL;
    for (size_t i = 0; i < cs->n; i++)
        for (size_t s = 0; s < cs->branch[i].n_special; s++) {
            const nd_special_point *sp = &cs->branch[i].special[s];
            if (sp->test == ND_CYC_PD && (!best || sp->data[1] < best->data[1])) best = sp, *branch = i;
        }
    cr_assert_not_null(best, "no PD at b = %g", b0);
    return best;
}

/* Rössler's PD curve in (c, b) from the first PD at a = b = 0.2 (c = 2.8324450278625, issue 19's
 * independent shooting value; the collocation PD agrees to 5e-11, tests/test_cycles_pd.c): it is
 * continued to the faces b = 0.18 and b = 0.23 of its box, where its c must equal the PD located
 * independently by one-parameter cycle continuation in c at that b (agreement 1e-8 stated), with
 * the critical multiplier -1 along the whole curve. */
Test(cycle_curves, rossler_pd_curve_through_one_parameter_pd_points)
{
    const nd_model *m = nd_builtin_find("rossler");
    nd_cycle_set cs;
    nd_bif_diagram d;
    size_t br = 0;
    const nd_special_point *pd = rossler_pd(0.2, &cs, &d, &br);
    cr_log_info("PD at b = 0.2: c = %.13f", pd->data[1]);
    cr_expect(fabs(pd->data[1] - 2.8324450278625) < 5e-11, "c_PD = %.13f", pd->data[1]);
    double p[3] = {0.2, 0.2, 2.5}, lo[3], hi[3], x[3];
    for (int i = 0; i < 3; i++) lo[i] = m->var_lo[i], hi[i] = m->var_hi[i], x[i] = m->init[i];
    nd_region r = {lo, hi, NULL, x};
    nd_cycle2_curve pc;
    nd_error err;
    const nd_cycle_curve *from = &cs.curve[br];
    cr_assert_eq(nd_cycle2_curve_init(&pc, ND_CYCLE_CODIM2_PD, m, p, 2, 1, &r, from->ntst, from->ncol, &err), ND_OK,
                 "%s", err.msg);
    size_t dim = pc.type.dim;
    double *z0 = malloc(dim * sizeof *z0), *blo = malloc(dim * sizeof *blo), *bhi = malloc(dim * sizeof *bhi);
    cr_assert(z0 && blo && bhi);
    cr_assert_eq(nd_cycle2_curve_start(&pc, from, &cs.branch[br], (size_t)(pd - cs.branch[br].special), z0, &err),
                 ND_OK, "%s", err.msg);
    const double targets[] = {0.18, 0.23};
    for (int t = 0; t < 2; t++) {
        double b = targets[t];
        nd_cont_opts o;
        lpc_opts(&o, dim, blo, bhi, (double[]){2.4, 4.3, b < 0.2 ? b : 0.1, b < 0.2 ? 0.3 : b});
        o.direction = b < 0.2 ? -1 : 1;
        o.h_max = 0.02;
        nd_branch half;
        cr_assert_eq(nd_cycle2_curve_reset(&pc, z0, &err), ND_OK, "%s", err.msg);
        cr_assert_eq(nd_continue(&pc.type, z0, NULL, &o, &half, &err), ND_OK, "%s", err.msg);
        cr_log_info("PD curve to b = %g: %zu points, stop: %s", b, half.n, half.stop_reason);
        cr_assert_eq(half.stop, ND_STOP_BOX, "%s", half.stop_reason);
        double worst = 0;
        for (size_t i = 0; i < half.n; i++) {
            const nd_cycle_info *in;
            cr_assert_eq(nd_cycle2_curve_describe(&pc, half.u + i * dim, &in, &err), ND_OK, "%s", err.msg);
            double best = INFINITY;
            for (size_t k = 1; k < 3; k++) best = fmin(best, hypot(in->mu_re[k] + 1, in->mu_im[k]));
            worst = fmax(worst, best);
        }
        cr_log_info("b = %g: max over the curve of min |mu + 1| = %.2e", b, worst);
        cr_expect(worst < 1e-8, "a multiplier -1 along the PD curve: %.3g", worst);
        const double *z = half.u + (half.n - 1) * dim;
        double c_two = nd_cycle2_curve_par(&pc, z, 0), b_two = nd_cycle2_curve_par(&pc, z, 1);
        /* the one-parameter PD at b */
        nd_cycle_set cs1;
        nd_bif_diagram d1;
        size_t br1 = 0;
        const nd_special_point *pd1 = rossler_pd(b, &cs1, &d1, &br1);
        cr_log_info("b = %g: PD curve c = %.13f (b %.15g), 1-parameter PD c = %.13f, difference %.2e", b, c_two, b_two,
                    pd1->data[1], c_two - pd1->data[1]);
        cr_expect(fabs(b_two - b) < 1e-12);
        cr_expect(fabs(c_two - pd1->data[1]) < 1e-8, "b = %g: c %.13f (curve) vs %.13f (1-parameter)", b, c_two,
                  pd1->data[1]);
        cr_expect(fabs(nd_cycle2_curve_period(&pc, z) - pd1->data[0]) < 1e-7 * pd1->data[0]);
        nd_cycle_set_free(&cs1);
        nd_bif_diagram_free(&d1);
        nd_branch_free(&half);
    }
    nd_cycle2_curve_free(&pc);
    free(z0), free(blo), free(bhi);
    nd_cycle_set_free(&cs);
    nd_bif_diagram_free(&d);
}

/* bifurcation2 --cycles on Rössler in (b, c): PD curves of kind PD in the JSON, one of them through
 * the first PD of the cascade at a = b = 0.2, c = 2.8324450278625 (issue 19's shooting value; the
 * curve starts at the collocation PD, 4e-12 from it: 1e-9 stated). */
Test(cycle_curves, bifurcation2_rossler_pd_curves_on_the_command_line)
{
    char dir[256], args[1024];
    cli_tmpdir_make(dir);
    snprintf(args, sizeof args, "bifurcation2 rossler --par b=0.1:0.3 --par c=2:4.5 --cycles --json");
    json_t *j = cli_json_in(dir, args);
    json_t *curves = json_object_get(j, "curves");
    size_t pd = 0;
    double best = INFINITY;
    for (size_t c = 0; c < json_array_size(curves); c++) {
        json_t *cv = json_array_get(curves, c);
        if (strcmp(json_string_value(json_object_get(cv, "kind")), "PD")) continue;
        pd++;
        json_t *pts = json_object_get(cv, "points");
        for (size_t i = 0; i < json_array_size(pts); i++) {
            json_t *pt = json_array_get(pts, i);
            double b = json_number_value(json_object_get(pt, "b")), cc = json_number_value(json_object_get(pt, "c"));
            if (fabs(b - 0.2) < 1e-9) best = fmin(best, fabs(cc - 2.8324450278625));
        }
    }
    cr_expect(pd >= 1, "%zu PD curves", pd);
    cr_expect(best < 1e-9, "the PD curves pass b = 0.2 at |c - 2.8324450278625| >= %.3g", best);
    json_decref(j);
    cli_tmpdir_remove(dir);
}

/* ---- fold-flip (LPPD) in closed form ------------------------------------------------------------ */
/* Bautin's planar cycle (x, y), r' = r (b1 + b2 rho - rho^2), theta' = 1, rho = r^2, with a twisted
 * transverse plane (u, v): in the frame turning by theta / 2, alpha' = lambda alpha and
 * beta' = -beta, lambda = rho - 1; in (u, v) that is the matrix (lambda - 1)/2 I + (lambda + 1)/2
 * S(theta) + (1/2) J, S = [cos, sin; sin, -cos], J = [0, -1; 1, 0] (the construction of
 * tests/test_cycles.c's "flip" model). The cycles are the circles rho = const, u = v = 0, period
 * 2 pi; after one period the frame has turned by pi, so the multipliers are 1, exp(4 pi rho g'),
 * -exp(2 pi lambda) and -exp(-2 pi). On the LPC curve b1 = -b2^2 / 4 (rho = b2 / 2) the multiplier
 * -exp(2 pi (b2 / 2 - 1)) passes -1 at b2 = 2, b1 = -1: a fold-flip point (LPPD) there exactly. */
ND_RHS(bautin_flip)
{
    double r2 = x[0] * x[0] + x[1] * x[1], r = sqrt(r2), c = x[0] / r, s = x[1] / r;
    double g = p[0] + p[1] * r2 - r2 * r2, lam = r2 - 1, u = x[2], v = x[3];
    double Su = c * u + s * v, Sv = s * u - c * v;
    dxdt[0] = g * x[0] - x[1];
    dxdt[1] = x[0] + g * x[1];
    dxdt[2] = 0.5 * (lam - 1) * u + 0.5 * (lam + 1) * Su - 0.5 * v;
    dxdt[3] = 0.5 * (lam - 1) * v + 0.5 * (lam + 1) * Sv + 0.5 * u;
}
static const char *const xyuv[] = {"x", "y", "u", "v"};
static const double bflip_x0[] = {1, 0, 0, 0};
static const nd_model bautin_flip_model = {.name = "bautin_flip", .n_vars = 4, .n_pars = 2, .var_names = xyuv,
                                           .par_names = b12, .par_defaults = bautin_p, .init = bflip_x0,
                                           .rhs = bautin_flip_rhs};

Test(cycle_curves, fold_flip_on_the_lpc_curve_closed_form)
{
    /* the stable outer cycle at b1 = -0.1, b2 = 1 (rho = (1 + sqrt(0.6)) / 2), sampled exactly */
    double p[2] = {-0.1, 1.0}, rho = (1 + sqrt(0.6)) / 2, R = sqrt(rho);
    size_t ns = 401;
    nd_cycle cyc = circle_cycle_4d(R, ns);
    nd_cycle_curve c;
    nd_error err;
    cr_assert_eq(nd_cycle_curve_init(&c, &bautin_flip_model, p, 0, NULL, 20, 4, &err), ND_OK, "%s", err.msg);
    c.adapt_every = 0;
    size_t N = c.type.dim;
    double *u0 = malloc(N * sizeof *u0), *v0 = malloc(N * sizeof *v0), *lo = malloc((N + 1) * sizeof *lo),
           *hi = malloc((N + 1) * sizeof *hi);
    cr_assert(u0 && v0 && lo && hi);
    cr_assert_eq(nd_cycle_curve_from_cycle(&c, &cyc, -1, u0, v0, &err), ND_OK, "%s", err.msg);
    for (size_t i = 0; i < N; i++) lo[i] = -INFINITY, hi[i] = INFINITY;
    lo[N - 1] = -0.5, hi[N - 1] = 0.0;
    nd_cont_opts o;
    nd_cont_opts_init(&o);
    o.lo = lo, o.hi = hi, o.h_max = 0.05, o.max_points = 2000;
    nd_branch b;
    cr_assert_eq(nd_cycle_continue(&c, u0, v0, &o, &b, &err), ND_OK, "%s", err.msg);
    const nd_special_point *lpc = nth(&b, ND_CYC_LPC, 0);
    cr_assert_not_null(lpc, "no LPC (stop: %s)", b.stop_reason);
    cr_expect(fabs(lpc->data[1] + 0.25) < 1e-8, "LPC at b1 = %.12g, exact -0.25", lpc->data[1]);
    nd_cycle2_curve lc;
    cr_assert_eq(nd_cycle2_curve_init(&lc, ND_CYCLE_CODIM2_LPC, &bautin_flip_model, p, 0, 1, NULL, 20, 4, &err), ND_OK,
                 "%s", err.msg);
    size_t dim = lc.type.dim;
    double *z0 = malloc(dim * sizeof *z0);
    cr_assert(z0);
    cr_assert_eq(nd_cycle2_curve_start(&lc, &c, &b, (size_t)(lpc - b.special), z0, &err), ND_OK, "%s", err.msg);
    lpc_opts(&o, dim, lo, hi, (double[]){-3, 0.5, 0.5, 2.5});
    o.direction = 1;
    nd_branch half;
    cr_assert_eq(nd_continue(&lc.type, z0, NULL, &o, &half, &err), ND_OK, "%s", err.msg);
    cr_log_info("bautin_flip LPC curve: %zu points, %zu special, stop: %s", half.n, half.n_special, half.stop_reason);
    size_t n_lppd = 0;
    for (size_t i = 0; i < half.n_special; i++) n_lppd += half.special[i].test == ND_LPC_LPPD;
    cr_expect_eq(n_lppd, 1, "%zu LPPD points", n_lppd);
    const nd_special_point *lppd = nth(&half, ND_LPC_LPPD, 0);
    cr_assert_not_null(lppd);
    cr_log_info("LPPD at b1 = %.14g, b2 = %.14g, multiplier %.14g", lppd->data[1], lppd->data[2], lppd->data[3]);
    cr_expect(fabs(lppd->data[2] - 2) < 1e-8 && fabs(lppd->data[1] + 1) < 1e-8, "LPPD at (%.12g, %.12g), exact (-1, 2)",
              lppd->data[1], lppd->data[2]);
    cr_expect(fabs(lppd->data[3] + 1) < 1e-6, "multiplier %.12g", lppd->data[3]);
    nd_branch_free(&half);
    nd_cycle2_curve_free(&lc);
    nd_branch_free(&b);
    nd_cycle_curve_free(&c);
    nd_cycle_free(&cyc);
    free(u0), free(v0), free(lo), free(hi), free(z0);
}
