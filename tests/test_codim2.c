/* Codimension-2 continuation: fold and Hopf curves in two parameters on normal forms with exact
 * curves and codim-2 points (Kuznetsov, Elements of Applied Bifurcation Theory, 3rd ed., ch. 8),
 * and on zoo models against independent closed-form conditions. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "neurodyn/codim2.h"
#include "neurodyn/neurodyn.h"
#include "reference.h"

static size_t count(const nd_branch *b, int test)
{
    size_t n = 0;
    for (size_t i = 0; i < b->n_special; i++) n += b->special[i].test == test;
    return n;
}

static const nd_special_point *first(const nd_branch *b, int test)
{
    for (size_t i = 0; i < b->n_special; i++)
        if (b->special[i].test == test) return &b->special[i];
    return NULL;
}

/* The first special point `test` on either half. */
static const nd_special_point *first2(const nd_branch half[2], int test)
{
    const nd_special_point *s = first(&half[0], test);
    return s ? s : first(&half[1], test);
}

/* Continues the equilibria of m in parameter par from u0 (free variables, parameter) towards
 * `dir` and returns the first special point `test` (the branch stays in *b for the caller to
 * free). */
static const nd_special_point *eq_point(const nd_model *m, double *p, int par, const nd_region *r, const double *u0,
                                        int dir, double plo, double phi, int test, nd_branch *b)
{
    nd_eq_curve c;
    nd_error err;
    cr_assert_eq(nd_eq_curve_init(&c, m, p, par, r, &err), ND_OK, "%s", err.msg);
    nd_cont_opts o;
    nd_cont_opts_init(&o);
    double lo[8], hi[8];
    size_t k = c.k;
    for (size_t a = 0; a < k; a++) lo[a] = r->lo[c.free_idx[a]], hi[a] = r->hi[c.free_idx[a]];
    lo[k] = plo, hi[k] = phi;
    o.lo = lo, o.hi = hi, o.direction = dir, o.h_max = (phi - plo) / 50;
    cr_assert_eq(nd_continue(&c.type, u0, NULL, &o, b, &err), ND_OK, "%s", err.msg);
    nd_eq_curve_free(&c);
    const nd_special_point *sp = first(b, test);
    cr_assert_not_null(sp, "no special point %d on the equilibrium curve (stop: %s)", test, b->stop_reason);
    return sp;
}

/* ---- Bogdanov–Takens ------------------------------------------------------------------------ */
/* x' = y, y' = b1 + b2 x + x^2 + s x y (Kuznetsov, Elements, eq. 8.50 with s = -1).
 * Equilibria: y = 0, b1 + b2 x + x^2 = 0. Jacobian [[0, 1], [b2 + 2x, s x]]: det = -(b2 + 2x),
 * trace = s x. Fold (det = 0): x = -b2/2, so b1 = b2^2/4; Hopf (trace = 0, det > 0): x = 0,
 * b1 = 0, b2 < 0, omega^2 = -b2; for b2 > 0 the same line carries neutral saddles (eigenvalues
 * +-sqrt(b2)). Both curves meet at the BT point (0, 0), whose normal-form coefficients are
 * a = 1, b = s (with q0 = (1, 0), q1 = (0, 1), p1 = (0, 1), p0 = (1, 0)). */
ND_RHS(bt_nf)
{
    dxdt[0] = x[1];
    dxdt[1] = p[0] + p[1] * x[0] + x[0] * x[0] + p[2] * x[0] * x[1];
}
static const char *const xy[] = {"x", "y"}, *const btp[] = {"b1", "b2", "s"};
static const double btd[] = {0, 1, -1}, zero2[] = {0, 0};
static const nd_model bt_model = {.name = "bt_nf", .n_vars = 2, .n_pars = 3, .var_names = xy, .par_names = btp,
                                  .par_defaults = btd, .init = zero2, .rhs = bt_nf_rhs};

static void box2(double *lo, double *hi, size_t k, double xlo, double xhi)
{
    for (size_t a = 0; a < k; a++) lo[a] = xlo, hi[a] = xhi;
}

Test(codim2, bogdanov_takens_on_the_fold_curve)
{
    double p[3] = {0, 1, -1}, lo[2] = {-5, -5}, hi[2] = {5, 5}, x[2] = {0, 0};
    nd_region r = {lo, hi, NULL, x};
    nd_branch eb;
    /* b2 = 1: equilibria x = 0, -1 at b1 = 0 meet at the fold b1 = 1/4, x = -1/2 */
    double u0e[3] = {0, 0, 0};
    const nd_special_point *lp = eq_point(&bt_model, p, 0, &r, u0e, 1, -1, 1, ND_EQ_LP, &eb);
    cr_expect(fabs(lp->u[2] - 0.25) < 1e-10);
    nd_fold_curve fc;
    nd_error err;
    cr_assert_eq(nd_fold_curve_init(&fc, &bt_model, p, 0, 1, &r, &err), ND_OK, "%s", err.msg);
    double u0[4];
    cr_assert_eq(nd_fold_curve_start(&fc, lp->u, u0, &err), ND_OK, "%s", err.msg);
    nd_branch_free(&eb);
    nd_cont_opts o;
    nd_cont_opts_init(&o);
    double blo[4], bhi[4];
    box2(blo, bhi, 2, -5, 5);
    blo[2] = -1, bhi[2] = 1, blo[3] = -1.5, bhi[3] = 1.5;
    o.lo = blo, o.hi = bhi, o.h_max = 0.05;
    nd_branch half[2];
    cr_assert_eq(nd_fold_curve_continue(&fc, u0, &o, half, &err), ND_OK, "%s", err.msg);
    /* every point on b1 = b2^2/4, x = -b2/2, y = 0 (corrector tolerance 1e-10; the last point of
     * each half is interpolated onto the box, so it is left out) */
    for (int h = 0; h < 2; h++) {
        cr_expect(half[h].n > 10, "half %d: %zu points (%s)", h, half[h].n, half[h].stop_reason);
        for (size_t i = 0; i + 1 < half[h].n; i++) {
            const double *u = half[h].u + 4 * i;
            cr_expect(fabs(u[2] - u[3] * u[3] / 4) < 1e-9 && fabs(u[0] + u[3] / 2) < 1e-9 && fabs(u[1]) < 1e-9,
                      "point %zu: x = %g, y = %g, b1 = %.12g, b2 = %.12g", i, u[0], u[1], u[2], u[3]);
        }
    }
    const nd_special_point *bt = first2(half, ND_LP_BT);
    cr_assert_not_null(bt, "no BT point (stops: %s / %s)", half[0].stop_reason, half[1].stop_reason);
    cr_expect_eq(count(&half[0], ND_LP_BT) + count(&half[1], ND_LP_BT), 1);
    cr_log_info("BT normal form, fold curve: BT at (%.3g, %.3g), a = %.12g, b = %.12g", bt->u[2], bt->u[3], bt->data[0],
                bt->data[1]);
    cr_expect(fabs(bt->u[2]) < 1e-8 && fabs(bt->u[3]) < 1e-8, "BT at (%.3g, %.3g), exact (0, 0)", bt->u[2], bt->u[3]);
    /* normal-form coefficients: multilinear forms by finite differences, ~1e-9 relative */
    cr_expect(fabs(bt->data[0] - 1) < 1e-6 && fabs(bt->data[1] + 1) < 1e-6, "a = %.10g (1), b = %.10g (s = -1)",
              bt->data[0], bt->data[1]);
    cr_expect_eq(count(&half[0], ND_LP_CP) + count(&half[1], ND_LP_CP), 0);
    cr_expect_eq(count(&half[0], ND_LP_ZH) + count(&half[1], ND_LP_ZH), 0);
    nd_branch_free(&half[0]);
    nd_branch_free(&half[1]);
    nd_fold_curve_free(&fc);
}

Test(codim2, bogdanov_takens_on_the_hopf_curve_and_the_neutral_saddles_beyond)
{
    double p[3] = {-0.5, -1, -1}, lo[2] = {-5, -5}, hi[2] = {5, 5}, x[2] = {0, 0};
    nd_region r = {lo, hi, NULL, x};
    nd_branch eb;
    /* b2 = -1: x^2 - x + b1 = 0; the branch x = (1 - sqrt(1 - 4 b1))/2 crosses x = 0 at b1 = 0 */
    double u0e[3] = {(1 - sqrt(3.0)) / 2, 0, -0.5};
    const nd_special_point *h = eq_point(&bt_model, p, 0, &r, u0e, 1, -0.5, 0.2, ND_EQ_H, &eb);
    cr_expect(fabs(h->u[2]) < 1e-10 && fabs(h->data[0] - 1) < 1e-9);
    nd_hopf_curve hc;
    nd_error err;
    cr_assert_eq(nd_hopf_curve_init(&hc, &bt_model, p, 0, 1, &r, &err), ND_OK, "%s", err.msg);
    double u0[5];
    cr_assert_eq(nd_hopf_curve_start(&hc, h->u, h->data[0], u0, &err), ND_OK, "%s", err.msg);
    nd_branch_free(&eb);
    nd_cont_opts o;
    nd_cont_opts_init(&o);
    double blo[5] = {-5, -5, -10, -1, -1.5}, bhi[5] = {5, 5, 10, 1, 1.5};
    o.lo = blo, o.hi = bhi, o.h_max = 0.05;
    nd_branch half[2];
    cr_assert_eq(nd_hopf_curve_continue(&hc, u0, &o, half, &err), ND_OK, "%s", err.msg);
    size_t neutral = 0;
    for (int k = 0; k < 2; k++) {
        cr_expect(half[k].n > 10, "half %d: %zu points (%s)", k, half[k].n, half[k].stop_reason);
        for (size_t i = 0; i + 1 < half[k].n; i++) {
            const double *u = half[k].u + 5 * i;
            /* x = y = 0, b1 = 0, kappa = omega^2 = det = -b2 */
            cr_expect(fabs(u[0]) < 1e-9 && fabs(u[1]) < 1e-9 && fabs(u[3]) < 1e-9 && fabs(u[2] + u[4]) < 1e-9,
                      "point %zu: x = %g, y = %g, kappa = %.12g, b1 = %.3g, b2 = %.12g", i, u[0], u[1], u[2], u[3],
                      u[4]);
            if (fabs(u[4]) > 1e-6) cr_expect_eq(half[k].label[i], u[4] < 0 ? 1 : 0, "label at b2 = %g", u[4]);
            neutral += u[4] > 0.1;
        }
    }
    cr_expect(neutral > 5, "the curve went on into the neutral saddles");
    const nd_special_point *bt = first2(half, ND_H_BT);
    cr_assert_not_null(bt);
    cr_expect_eq(count(&half[0], ND_H_BT) + count(&half[1], ND_H_BT), 1);
    cr_log_info("BT normal form, Hopf curve: BT at (%.3g, %.3g), kappa %.3g, a = %.12g, b = %.12g", bt->u[3], bt->u[4],
                bt->u[2], bt->data[0], bt->data[1]);
    cr_expect(fabs(bt->u[3]) < 1e-8 && fabs(bt->u[4]) < 1e-8, "BT at (%.3g, %.3g)", bt->u[3], bt->u[4]);
    cr_expect(fabs(bt->data[0] - 1) < 1e-6 && fabs(bt->data[1] + 1) < 1e-6, "a = %.10g, b = %.10g", bt->data[0],
              bt->data[1]);
    cr_expect_eq(count(&half[0], ND_H_GH) + count(&half[1], ND_H_GH), 0);
    nd_branch_free(&half[0]);
    nd_branch_free(&half[1]);
    nd_hopf_curve_free(&hc);
}

/* ---- cusp ------------------------------------------------------------------------------------- */
/* x' = b1 + b2 x - x^3, y' = -y (Kuznetsov, Elements, sec. 8.2, with the sign s = -1): folds
 * where b2 = 3 x^2, so b1 = -2 x^3 and 4 b2^3 = 27 b1^2; the cusp at (0, 0) with c = -1. */
ND_RHS(cusp_nf)
{
    dxdt[0] = p[0] + p[1] * x[0] - x[0] * x[0] * x[0];
    dxdt[1] = -x[1];
}
static const char *const cpp[] = {"b1", "b2"};
static const double cpd[] = {0, 1};
static const nd_model cusp_model = {.name = "cusp_nf", .n_vars = 2, .n_pars = 2, .var_names = xy, .par_names = cpp,
                                    .par_defaults = cpd, .init = zero2, .rhs = cusp_nf_rhs};

Test(codim2, cusp_on_the_fold_curve)
{
    double p[2] = {-1, 1}, lo[2] = {-5, -5}, hi[2] = {5, 5}, x[2] = {0, 0};
    nd_region r = {lo, hi, NULL, x};
    nd_branch eb;
    /* b2 = 1, from b1 = -1 (x^3 - x + 1 = 0 has one real root, x = -1.3247...) the branch folds
     * at x = 1/sqrt(3), b1 = 2/(3 sqrt(3)) */
    double xr = -1.324717957244746, u0e[3] = {xr, 0, -1};
    const nd_special_point *lp = eq_point(&cusp_model, p, 0, &r, u0e, 1, -1, 1, ND_EQ_LP, &eb);
    nd_fold_curve fc;
    nd_error err;
    cr_assert_eq(nd_fold_curve_init(&fc, &cusp_model, p, 0, 1, &r, &err), ND_OK, "%s", err.msg);
    double u0[4];
    cr_assert_eq(nd_fold_curve_start(&fc, lp->u, u0, &err), ND_OK, "%s", err.msg);
    nd_branch_free(&eb);
    nd_cont_opts o;
    nd_cont_opts_init(&o);
    double blo[4] = {-5, -5, -1, -1}, bhi[4] = {5, 5, 1, 2};
    o.lo = blo, o.hi = bhi, o.h_max = 0.05;
    nd_branch half[2];
    cr_assert_eq(nd_fold_curve_continue(&fc, u0, &o, half, &err), ND_OK, "%s", err.msg);
    for (int h = 0; h < 2; h++)
        for (size_t i = 0; i + 1 < half[h].n; i++) {
            const double *u = half[h].u + 4 * i;
            double xx = u[0];
            cr_expect(fabs(u[3] - 3 * xx * xx) < 1e-9 && fabs(u[2] + 2 * xx * xx * xx) < 1e-9 && fabs(u[1]) < 1e-12,
                      "point %zu: x = %g, b1 = %.12g, b2 = %.12g", i, xx, u[2], u[3]);
        }
    cr_expect_eq(count(&half[0], ND_LP_CP) + count(&half[1], ND_LP_CP), 1);
    const nd_special_point *cp = first2(half, ND_LP_CP);
    cr_assert_not_null(cp, "stops: %s / %s", half[0].stop_reason, half[1].stop_reason);
    cr_log_info("cusp normal form: CP at x = %.3g, (%.3g, %.3g), c = %.12g", cp->u[0], cp->u[2], cp->u[3], cp->data[0]);
    cr_expect(fabs(cp->u[2]) < 1e-8 && fabs(cp->u[3]) < 1e-8 && fabs(cp->u[0]) < 1e-8, "CP at x = %.3g, (%.3g, %.3g)",
              cp->u[0], cp->u[2], cp->u[3]);
    cr_expect(fabs(cp->data[0] + 1) < 1e-6, "cusp coefficient c = %.10g, exact -1", cp->data[0]);
    cr_expect_eq(count(&half[0], ND_LP_BT) + count(&half[1], ND_LP_BT), 0);
    nd_branch_free(&half[0]);
    nd_branch_free(&half[1]);
    nd_fold_curve_free(&fc);
}

/* ---- Bautin ----------------------------------------------------------------------------------- */
/* r' = r (b1 + b2 r^2 - r^4), theta' = 1 in Cartesian form (Kuznetsov, Elements, sec. 8.3):
 * x' = b1 x - y + b2 x r^2 - x r^4, y' = x + b1 y + b2 y r^2 - y r^4. The Hopf curve is b1 = 0
 * (omega = 1); GH at b2 = 0. In the coefficients' normalisation (<q, q> = 1, <p, q> = 1, as
 * MatCont's nf_H and nf_GH: q = (1, -i)/sqrt(2), x = z q + conj(z q), r = sqrt(2) |z|)
 * r' = b2 r^3 - r^5 is |z|' = 2 b2 |z|^3 - 4 |z|^5: l1 = Re c1 / omega = 2 b2 and
 * l2 = Re c2 / omega = -4 (MatCont would print Re c2 = -4 too, omega being 1). */
ND_RHS(bautin_nf)
{
    double r2 = x[0] * x[0] + x[1] * x[1], g = p[0] + p[1] * r2 - r2 * r2;
    dxdt[0] = g * x[0] - x[1];
    dxdt[1] = x[0] + g * x[1];
}
static const double bad[] = {-0.5, -1};
static const nd_model bautin_model = {.name = "bautin_nf", .n_vars = 2, .n_pars = 2, .var_names = xy,
                                      .par_names = cpp, .par_defaults = bad, .init = zero2, .rhs = bautin_nf_rhs};

Test(codim2, generalised_hopf_on_the_hopf_curve)
{
    double p[2] = {-0.5, -1}, lo[2] = {-5, -5}, hi[2] = {5, 5}, x[2] = {0, 0};
    nd_region r = {lo, hi, NULL, x};
    nd_branch eb;
    double u0e[3] = {0, 0, -0.5};
    const nd_special_point *h = eq_point(&bautin_model, p, 0, &r, u0e, 1, -0.5, 0.5, ND_EQ_H, &eb);
    nd_hopf_curve hc;
    nd_error err;
    cr_assert_eq(nd_hopf_curve_init(&hc, &bautin_model, p, 0, 1, &r, &err), ND_OK, "%s", err.msg);
    double u0[5];
    cr_assert_eq(nd_hopf_curve_start(&hc, h->u, h->data[0], u0, &err), ND_OK, "%s", err.msg);
    nd_branch_free(&eb);
    nd_cont_opts o;
    nd_cont_opts_init(&o);
    double blo[5] = {-5, -5, -10, -1, -1.5}, bhi[5] = {5, 5, 10, 1, 1};
    o.lo = blo, o.hi = bhi, o.h_max = 0.05;
    nd_branch half[2];
    cr_assert_eq(nd_hopf_curve_continue(&hc, u0, &o, half, &err), ND_OK, "%s", err.msg);
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i + 1 < half[k].n; i++) {
            const double *u = half[k].u + 5 * i;
            cr_expect(fabs(u[0]) < 1e-10 && fabs(u[1]) < 1e-10 && fabs(u[2] - 1) < 1e-9 && fabs(u[3]) < 1e-9,
                      "point %zu: kappa = %.12g, b1 = %.3g", i, u[2], u[3]);
        }
    cr_expect_eq(count(&half[0], ND_H_GH) + count(&half[1], ND_H_GH), 1);
    const nd_special_point *gh = first2(half, ND_H_GH);
    cr_assert_not_null(gh, "stops: %s / %s", half[0].stop_reason, half[1].stop_reason);
    cr_log_info("Bautin: GH at b1 = %.3g, b2 = %.3g; omega %.15g, l2 = %.10g", gh->u[3], gh->u[4], gh->data[0], gh->data[1]);
    cr_expect(fabs(gh->u[4]) < 1e-8 && fabs(gh->u[3]) < 1e-9, "GH at b2 = %.3g, exact 0", gh->u[4]);
    cr_expect(fabs(gh->data[0] - 1) < 1e-9, "omega = %.12g", gh->data[0]);
    /* l2 from fifth derivatives by finite differences: 1e-4 relative stated */
    cr_expect(fabs(gh->data[1] + 4) < 4e-4, "l2 = %.10g, exact -4", gh->data[1]);
    cr_expect_eq(count(&half[0], ND_H_BT) + count(&half[1], ND_H_BT), 0);
    nd_branch_free(&half[0]);
    nd_branch_free(&half[1]);
    nd_hopf_curve_free(&hc);
}

/* ---- FitzHugh–Nagumo ------------------------------------------------------------------------ */
Test(codim2, fitzhugh_nagumo_hopf_curve_in_a_and_iext_in_closed_form)
{
    /* trace 1 - V^2 - b/tau = 0 does not involve a: V = -sqrt(1 - b/tau) on one Hopf curve, and
     * Iext = -(V - V^3/3) + (V + a)/b on the equilibrium: a line of slope 1/b = 1.25 in
     * (a, Iext); kappa = det = 1/tau - (b/tau)^2 along it (BrainPy's b = 0.8, tau = 12.5) */
    const nd_model *m = nd_builtin_find("fhn");
    double p[4], x[2], lo[2] = {-3, -3}, hi[2] = {3, 3};
    nd_model_default_params(m, p);
    nd_model_default_state(m, x);
    nd_region r = {lo, hi, NULL, x};
    const double b = 0.8, tau = 12.5, V = -sqrt(1 - b / tau), kappa = 1 / tau - (b / tau) * (b / tau);
    const double Vs = V - 0.1, I0 = -(V - V * V * V / 3) + (V + 0.7) / b;
    double u0e[3] = {Vs, (Vs + 0.7) / b, -(Vs - Vs * Vs * Vs / 3) + (Vs + 0.7) / b};
    p[3] = u0e[2];
    nd_branch eb;
    const nd_special_point *h = eq_point(m, p, 3, &r, u0e, 1, u0e[2] - 0.01, I0 + 0.1, ND_EQ_H, &eb);
    nd_hopf_curve hc;
    nd_error err;
    cr_assert_eq(nd_hopf_curve_init(&hc, m, p, 3, 0, &r, &err), ND_OK, "%s", err.msg);
    double u0[5];
    cr_assert_eq(nd_hopf_curve_start(&hc, h->u, h->data[0], u0, &err), ND_OK, "%s", err.msg);
    nd_branch_free(&eb);
    nd_cont_opts o;
    nd_cont_opts_init(&o);
    double blo[5] = {-3, -3, -1, -2, -1}, bhi[5] = {3, 3, 1, 3, 2};
    o.lo = blo, o.hi = bhi, o.h_max = 0.05;
    nd_branch half[2];
    cr_assert_eq(nd_hopf_curve_continue(&hc, u0, &o, half, &err), ND_OK, "%s", err.msg);
    size_t n = 0;
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < half[k].n; i++, n++) {
            const double *u = half[k].u + 5 * i;
            double a = u[4], Iex = -(V - V * V * V / 3) + (V + a) / b;
            cr_expect(fabs(u[0] - V) < 1e-9 && fabs(u[2] - kappa) < 1e-9 && fabs(u[3] - Iex) < 1e-9,
                      "point %zu: V = %.12g, kappa = %.12g, a = %.6g, Iext = %.12g (exact %.12g)", i, u[0], u[2], a,
                      u[3], Iex);
        }
    cr_expect(n > 40, "%zu points", n);
    for (int k = 0; k < 2; k++) cr_expect_eq(half[k].n_special, 0, "no codim-2 points on this straight line");
    nd_branch_free(&half[0]);
    nd_branch_free(&half[1]);
    nd_hopf_curve_free(&hc);
}

/* ---- Morris–Lecar, SNIC set ------------------------------------------------------------------ */
/* Independently of the continuation (as in test_continuation.c): on the equilibrium curve
 * w = w_inf(V) and I = I_ss(V) = gL (V - VL) + gCa m_inf (V - VCa) + gK w_inf (V - VK); folds are
 * the zeros of I_ss'(V), cusps also have I_ss''(V) = 0, and a fold is a BT point when the trace
 * J00 + J11 vanishes, J00 = -(gL + gCa (m_inf' (V - VCa) + m_inf) + gK w_inf) / C,
 * J11 = -phi cosh((V - V3) / (2 V4)). Derivatives of the tanh terms in closed form. Parameters as
 * in models/morris_lecar.c (Rinzel & Ermentrout 1989). */
typedef struct ml_pars {
    double C, gL, VL, gCa, VCa, gK, VK, V1, V2, V3, V4, phi;
} ml_pars;

/* s(V) = (1 + tanh((V - Va)/Vb)) / 2 and its first two derivatives */
static void sig(double V, double Va, double Vb, double *s, double *s1, double *s2)
{
    double t = tanh((V - Va) / Vb);
    *s = 0.5 * (1 + t), *s1 = 0.5 * (1 - t * t) / Vb, *s2 = -(1 - t * t) * t / (Vb * Vb);
}

static double ml_iss(const ml_pars *q, double V, int deriv)
{
    double m, m1, m2, w, w1, w2;
    sig(V, q->V1, q->V2, &m, &m1, &m2);
    sig(V, q->V3, q->V4, &w, &w1, &w2);
    if (deriv == 0) return q->gL * (V - q->VL) + q->gCa * m * (V - q->VCa) + q->gK * w * (V - q->VK);
    if (deriv == 1) return q->gL + q->gCa * (m1 * (V - q->VCa) + m) + q->gK * (w1 * (V - q->VK) + w);
    return q->gCa * (m2 * (V - q->VCa) + 2 * m1) + q->gK * (w2 * (V - q->VK) + 2 * w1);
}

static double ml_trace(const ml_pars *q, double V)
{
    double m, m1, m2, w, w1, w2;
    sig(V, q->V1, q->V2, &m, &m1, &m2);
    sig(V, q->V3, q->V4, &w, &w1, &w2);
    return -(q->gL + q->gCa * (m1 * (V - q->VCa) + m) + q->gK * w) / q->C - q->phi * cosh((V - q->V3) / (2 * q->V4));
}

/* Newton on two scalar conditions g(V, gCa) = 0 (Jacobian by central differences; converged to
 * rounding), starting from (V, gCa). */
static void ml_solve2(ml_pars q, double (*g1)(const ml_pars *, double), double (*g2)(const ml_pars *, double),
                      double *V, double *gCa)
{
    for (int it = 0; it < 50; it++) {
        q.gCa = *gCa;
        double f1 = g1(&q, *V), f2 = g2(&q, *V), hV = 1e-6 * fmax(1, fabs(*V)), hg = 1e-7 * fmax(1, *gCa);
        ml_pars a = q, b = q;
        double J[4];
        J[0] = (g1(&q, *V + hV) - g1(&q, *V - hV)) / (2 * hV), J[2] = (g2(&q, *V + hV) - g2(&q, *V - hV)) / (2 * hV);
        a.gCa += hg, b.gCa -= hg;
        J[1] = (g1(&a, *V) - g1(&b, *V)) / (2 * hg), J[3] = (g2(&a, *V) - g2(&b, *V)) / (2 * hg);
        double det = J[0] * J[3] - J[1] * J[2], dV = (f1 * J[3] - f2 * J[1]) / det, dg = (J[0] * f2 - J[2] * f1) / det;
        *V -= dV, *gCa -= dg;
        if (fabs(dV) < 1e-14 * fmax(1, fabs(*V)) && fabs(dg) < 1e-15 * fmax(1, *gCa)) break;
    }
}
static double ml_d1(const ml_pars *q, double V) { return ml_iss(q, V, 1); }
static double ml_d2(const ml_pars *q, double V) { return ml_iss(q, V, 2); }

/* The SNIC fold of the zoo's morris_lecar_snic on its equilibrium curve in I. */
static const nd_special_point *ml_fold(const nd_model **m, double *p, nd_region *r, nd_branch *eb)
{
    static double lo[2] = {-80, -0.1}, hi[2] = {60, 1}, x[2];
    *m = nd_builtin_find("morris_lecar_snic");
    cr_assert_not_null(*m);
    nd_model_default_params(*m, p);
    nd_model_default_state(*m, x);
    *r = (nd_region){lo, hi, NULL, x};
    ml_pars q = {20, 2, -60, 4.0, 120, 8, -84, -1.2, 18, 12, 17.4, 1.0 / 15};
    double V0 = -60, w, w1, w2;
    sig(V0, q.V3, q.V4, &w, &w1, &w2);
    double u0e[3] = {V0, w, ml_iss(&q, V0, 0)};
    p[1] = u0e[2];
    return eq_point(*m, p, 1, r, u0e, 1, u0e[2] - 1, 150, ND_EQ_LP, eb);
}

Test(codim2, morris_lecar_fold_curve_in_i_and_gca_against_independent_conditions)
{
    const nd_model *m;
    double p[13];
    nd_region r;
    nd_branch eb;
    const nd_special_point *lp = ml_fold(&m, p, &r, &eb);
    nd_fold_curve fc;
    nd_error err;
    cr_assert_eq(nd_fold_curve_init(&fc, m, p, 1, 4, &r, &err), ND_OK, "%s", err.msg); /* (I, gCa) */
    double u0[4];
    cr_assert_eq(nd_fold_curve_start(&fc, lp->u, u0, &err), ND_OK, "%s", err.msg);
    nd_branch_free(&eb);
    nd_cont_opts o;
    nd_cont_opts_init(&o);
    double blo[4] = {-80, -0.1, -100, 0.5}, bhi[4] = {60, 1, 300, 10};
    o.lo = blo, o.hi = bhi, o.h_max = 1;
    nd_branch half[2];
    cr_assert_eq(nd_fold_curve_continue(&fc, u0, &o, half, &err), ND_OK, "%s", err.msg);
    ml_pars q = {20, 2, -60, 4.0, 120, 8, -84, -1.2, 18, 12, 17.4, 1.0 / 15};
    double eI = 0, eD = 0, eW = 0;
    size_t n = 0;
    for (int h = 0; h < 2; h++)
        for (size_t i = 0; i + 1 < half[h].n; i++, n++) {
            const double *u = half[h].u + 4 * i;
            q.gCa = u[3];
            double w, w1, w2;
            sig(u[0], q.V3, q.V4, &w, &w1, &w2);
            eI = fmax(eI, fabs(u[2] - ml_iss(&q, u[0], 0)) / fmax(1, fabs(u[2])));
            eD = fmax(eD, fabs(ml_iss(&q, u[0], 1)) / (q.gL + q.gCa + q.gK)); /* I_ss' scaled by its conductances */
            eW = fmax(eW, fabs(u[1] - w));
        }
    cr_log_info("ML fold (I, gCa): %zu points, max rel. error of I %.2g, of I_ss' %.2g, of w %.2g", n, eI, eD, eW);
    cr_expect(n > 50, "%zu points", n);
    cr_expect(eI < 1e-10 && eD < 1e-10 && eW < 1e-10, "I %.3g, I_ss' %.3g, w %.3g", eI, eD, eW);
    /* the lower (SNIC) and upper folds meet in a cusp; near it the fold of the middle branch
     * turns into a BT point: both against Newton on the two defining conditions */
    const nd_special_point *cp = first2(half, ND_LP_CP), *bt = first2(half, ND_LP_BT);
    cr_assert_not_null(cp, "stops: %s / %s", half[0].stop_reason, half[1].stop_reason);
    cr_assert_not_null(bt);
    cr_expect_eq(count(&half[0], ND_LP_CP) + count(&half[1], ND_LP_CP), 1);
    cr_expect_eq(count(&half[0], ND_LP_BT) + count(&half[1], ND_LP_BT), 1);
    double Vc = cp->u[0], gc = cp->u[3], Vb = bt->u[0], gb = bt->u[3];
    ml_solve2(q, ml_d1, ml_d2, &Vc, &gc);
    ml_solve2(q, ml_d1, ml_trace, &Vb, &gb);
    cr_log_info("CP: V %.12g gCa %.12g (Newton: %.12g %.12g); BT: V %.12g gCa %.12g (Newton: %.12g %.12g)", cp->u[0],
                cp->u[3], Vc, gc, bt->u[0], bt->u[3], Vb, gb);
    cr_expect(fabs(cp->u[0] - Vc) < 1e-6 && fabs(cp->u[3] - gc) < 1e-8, "CP V %.12g vs %.12g, gCa %.12g vs %.12g",
              cp->u[0], Vc, cp->u[3], gc);
    cr_expect(fabs(bt->u[0] - Vb) < 1e-8 && fabs(bt->u[3] - gb) < 1e-8, "BT V %.12g vs %.12g, gCa %.12g vs %.12g",
              bt->u[0], Vb, bt->u[3], gb);
    q.gCa = gb;
    cr_expect(fabs(bt->u[2] - ml_iss(&q, Vb, 0)) < 1e-8 * fabs(bt->u[2]));
    nd_branch_free(&half[0]);
    nd_branch_free(&half[1]);
    nd_fold_curve_free(&fc);
}

Test(codim2, morris_lecar_fold_curve_in_i_and_phi_has_a_bt_point_in_closed_form)
{
    /* phi does not enter the equilibria: the fold curve is the line I = I_LP, and the trace
     * vanishes at phi_BT = J00(V_LP) / cosh((V_LP - V3) / (2 V4)) */
    const nd_model *m;
    double p[13];
    nd_region r;
    nd_branch eb;
    const nd_special_point *lp = ml_fold(&m, p, &r, &eb);
    nd_fold_curve fc;
    nd_error err;
    cr_assert_eq(nd_fold_curve_init(&fc, m, p, 1, 12, &r, &err), ND_OK, "%s", err.msg);
    double u0[4];
    cr_assert_eq(nd_fold_curve_start(&fc, lp->u, u0, &err), ND_OK, "%s", err.msg);
    nd_branch_free(&eb);
    ml_pars q = {20, 2, -60, 4.0, 120, 8, -84, -1.2, 18, 12, 17.4, 0};
    double V = u0[0];
    /* V_LP: I_ss'(V) = 0 by Newton in V alone */
    for (int it = 0; it < 50; it++) V -= ml_iss(&q, V, 1) / ml_iss(&q, V, 2);
    double phi_bt = ml_trace(&q, V) / cosh((V - q.V3) / (2 * q.V4)), I_lp = ml_iss(&q, V, 0);
    nd_cont_opts o;
    nd_cont_opts_init(&o);
    double blo[4] = {-80, -0.1, -100, 0}, bhi[4] = {60, 1, 300, 0.2};
    o.lo = blo, o.hi = bhi, o.h_max = 0.01;
    nd_branch half[2];
    cr_assert_eq(nd_fold_curve_continue(&fc, u0, &o, half, &err), ND_OK, "%s", err.msg);
    for (int h = 0; h < 2; h++)
        for (size_t i = 0; i < half[h].n; i++) {
            const double *u = half[h].u + 4 * i;
            cr_expect(fabs(u[0] - V) < 1e-9 && fabs(u[2] - I_lp) < 1e-9, "point %zu: V %.12g (%.12g), I %.12g (%.12g)", i,
                      u[0], V, u[2], I_lp);
        }
    const nd_special_point *bt = first2(half, ND_LP_BT);
    cr_assert_not_null(bt);
    cr_log_info("ML BT in (I, phi): phi %.15g, closed form %.15g; a = %.6g, b = %.6g", bt->u[3], phi_bt, bt->data[0],
                bt->data[1]);
    cr_expect(fabs(bt->u[3] - phi_bt) < 1e-10, "phi_BT = %.15g, closed form %.15g", bt->u[3], phi_bt);
    /* stability of the fold along the line: a stable node beyond the BT (phi > phi_BT) */
    cr_expect_eq(half[0].label[half[0].n - 1], half[0].u[(half[0].n - 1) * 4 + 3] > phi_bt ? 1 : 0);
    nd_branch_free(&half[0]);
    nd_branch_free(&half[1]);
    nd_fold_curve_free(&fc);
}

/* ---- Hindmarsh–Rose fast subsystem ------------------------------------------------------------ */
/* x' = y - a x^3 + b x^2 - z + I, y' = c - d x^2 - y with z a parameter (Hindmarsh & Rose 1984;
 * a = 1, b = 3, c = 1, d = 5). Equilibria: y = c - d x^2 and G(x) = -a x^3 + (b - d) x^2 + c + I
 * - z = 0; folds where G'(x) = x (-3 a x + 2 (b - d)) = 0: at x = 0, I - z = -c, and at
 * x* = 2 (b - d) / (3 a), I - z = -c - 4 (b - d)^3 / (27 a^2) (= 5/27 for the defaults). */
ND_RHS(hr_fast)
{
    dxdt[0] = x[1] - p[0] * x[0] * x[0] * x[0] + p[1] * x[0] * x[0] - p[4] + p[5];
    dxdt[1] = p[2] - p[3] * x[0] * x[0] - x[1];
}
static const char *const hrp[] = {"a", "b", "c", "d", "z", "I"};
static const double hrd[] = {1, 3, 1, 5, 0, 0};
static const nd_model hr_fast_model = {.name = "hr_fast", .n_vars = 2, .n_pars = 6, .var_names = xy,
                                       .par_names = hrp, .par_defaults = hrd, .init = zero2, .rhs = hr_fast_rhs};

/* The root of G below x* (Newton from x = -3), where the equilibrium curve in I starts. */
static double hr_root(double a, double b, double c, double d, double I, double z)
{
    double xx = -3;
    for (int it = 0; it < 60; it++) {
        double G = -a * xx * xx * xx + (b - d) * xx * xx + c + I - z, G1 = -3 * a * xx * xx + 2 * (b - d) * xx;
        xx -= G / G1;
    }
    return xx;
}

Test(codim2, hindmarsh_rose_fast_folds_in_z_and_i)
{
    double p[6] = {1, 3, 1, 5, 0, -3}, lo[2] = {-5, -50}, hi[2] = {5, 50}, x[2] = {0, 0};
    nd_region r = {lo, hi, NULL, x};
    /* from I = -3 (z = 0) the lowest branch folds at x* = -4/3 (I = 5/27), and the middle branch
     * at x = 0 (I = -1) */
    double x0 = hr_root(1, 3, 1, 5, -3, 0), u0e[3] = {x0, 1 - 5 * x0 * x0, -3};
    nd_eq_curve ec;
    nd_error err;
    cr_assert_eq(nd_eq_curve_init(&ec, &hr_fast_model, p, 5, &r, &err), ND_OK, "%s", err.msg);
    nd_cont_opts o;
    nd_cont_opts_init(&o);
    double elo[3] = {-5, -50, -3.1}, ehi[3] = {5, 50, 1};
    o.lo = elo, o.hi = ehi, o.h_max = 0.05;
    nd_branch eb;
    cr_assert_eq(nd_continue(&ec.type, u0e, NULL, &o, &eb, &err), ND_OK, "%s", err.msg);
    nd_eq_curve_free(&ec);
    cr_assert_eq(count(&eb, ND_EQ_LP), 2, "stop: %s", eb.stop_reason);
    const double xf[2] = {-4.0 / 3, 0}, shift[2] = {5.0 / 27, -1}; /* x and I - z at the two folds */
    for (int f = 0; f < 2; f++) {
        const nd_special_point *lp = &eb.special[f];
        cr_assert_eq(lp->test, ND_EQ_LP);
        cr_expect(fabs(lp->u[0] - xf[f]) < 1e-6 && fabs(lp->u[2] - shift[f]) < 1e-10, "LP %d at x = %.10g, I = %.12g", f,
                  lp->u[0], lp->u[2]);
        nd_fold_curve fc;
        cr_assert_eq(nd_fold_curve_init(&fc, &hr_fast_model, p, 5, 4, &r, &err), ND_OK, "%s", err.msg); /* (I, z) */
        double u0[4];
        cr_assert_eq(nd_fold_curve_start(&fc, lp->u, u0, &err), ND_OK, "%s", err.msg);
        double blo[4] = {-5, -50, -4, -2}, bhi[4] = {5, 50, 4, 2};
        nd_cont_opts fo;
        nd_cont_opts_init(&fo);
        fo.lo = blo, fo.hi = bhi, fo.h_max = 0.1;
        nd_branch half[2];
        cr_assert_eq(nd_fold_curve_continue(&fc, u0, &fo, half, &err), ND_OK, "%s", err.msg);
        double e = 0;
        size_t n = 0;
        for (int h = 0; h < 2; h++)
            for (size_t i = 0; i < half[h].n; i++, n++) {
                const double *u = half[h].u + 4 * i;
                e = fmax(e, fmax(fabs(u[2] - u[3] - shift[f]), fmax(fabs(u[0] - xf[f]), fabs(u[1] - (1 - 5 * xf[f] * xf[f])))));
            }
        cr_log_info("HR fast fold %d in (I, z): %zu points, max error %.2g", f, n, e);
        cr_expect(n > 40 && e < 1e-9, "fold %d: %zu points, max error %.3g", f, n, e);
        cr_expect_eq(half[0].n_special + half[1].n_special, 0);
        nd_branch_free(&half[0]);
        nd_branch_free(&half[1]);
        nd_fold_curve_free(&fc);
    }
    nd_branch_free(&eb);
}

Test(codim2, hindmarsh_rose_slice_fold_curve_in_i_and_d_with_its_cusp)
{
    /* the zoo model with z fixed (a slice): in (I, d) the fold x* = 2 (b - d) / (3 a) lies on
     * I = z - c - 4 (b - d)^3 / (27 a^2) and meets the fold x = 0 (I = z - c for every d) at
     * d = b, where G = -a x^3 + const: a cusp point, CP at (I, d) = (z - c, b) */
    const nd_model *m = nd_builtin_find("hindmarsh_rose");
    cr_assert_not_null(m);
    double p[8], lo[3] = {-5, -50, -5}, hi[3] = {5, 50, 5}, x[3] = {0, 0, 0.5};
    int fixed[3] = {0, 0, 1};
    nd_model_default_params(m, p);
    nd_region r = {lo, hi, fixed, x};
    const double z = 0.5, a = 1, b = 3, c = 1, d = 5;
    p[7] = -3;
    double x0 = hr_root(a, b, c, d, -3, z), u0e[3] = {x0, c - d * x0 * x0, -3};
    nd_branch eb;
    const nd_special_point *lp = eq_point(m, p, 7, &r, u0e, 1, -3.1, 1, ND_EQ_LP, &eb);
    nd_fold_curve fc;
    nd_error err;
    cr_assert_eq(nd_fold_curve_init(&fc, m, p, 7, 3, &r, &err), ND_OK, "%s", err.msg); /* (I, d) */
    double u0[4];
    cr_assert_eq(nd_fold_curve_start(&fc, lp->u, u0, &err), ND_OK, "%s", err.msg);
    nd_branch_free(&eb);
    double blo[4] = {-5, -50, -10, 1.5}, bhi[4] = {5, 50, 10, 6};
    nd_cont_opts o;
    nd_cont_opts_init(&o);
    o.lo = blo, o.hi = bhi, o.h_max = 0.05;
    nd_branch half[2];
    cr_assert_eq(nd_fold_curve_continue(&fc, u0, &o, half, &err), ND_OK, "%s", err.msg);
    double e = 0, dmin = INFINITY, dmax = -INFINITY;
    for (int h = 0; h < 2; h++)
        for (size_t i = 0; i + 1 < half[h].n; i++) {
            const double *u = half[h].u + 4 * i;
            double dd = u[3], xs = 2 * (b - dd) / (3 * a), I = z - c - 4 * pow(b - dd, 3) / (27 * a * a);
            e = fmax(e, fmax(fabs(u[0] - xs), fabs(u[2] - I)));
            dmin = fmin(dmin, dd), dmax = fmax(dmax, dd);
        }
    cr_log_info("HR slice fold in (I, d): d in [%g, %g], max error %.2g (stops: %s / %s)", dmin, dmax, e,
                half[0].stop_reason, half[1].stop_reason);
    cr_expect(e < 1e-9, "max error %.3g", e);
    cr_expect(dmin < 2 && dmax > 5.5, "the curve ran through d = b: d in [%g, %g]", dmin, dmax);
    const nd_special_point *cp = first2(half, ND_LP_CP);
    cr_assert_not_null(cp, "stops: %s / %s", half[0].stop_reason, half[1].stop_reason);
    cr_expect_eq(count(&half[0], ND_LP_CP) + count(&half[1], ND_LP_CP), 1);
    /* this cusp is not a versal one: x = 0 is a fold for every d (G has no linear term), so the
     * fold curve crosses that line here, and [J; v^T] is singular at the crossing (a branch point
     * of the fold curve). The corrector converges only linearly there, and d comes out to about
     * 1e-7 (measured 5.6e-8); generic cusps are located to 1e-8 (the normal form, Morris–Lecar) */
    cr_log_info("HR CP at x = %.3g, I = %.15g, d = %.15g", cp->u[0], cp->u[2], cp->u[3]);
    cr_expect(fabs(cp->u[3] - b) < 1e-6 && fabs(cp->u[2] - (z - c)) < 1e-8 && fabs(cp->u[0]) < 1e-8,
              "CP at x = %.3g, I = %.12g, d = %.12g", cp->u[0], cp->u[2], cp->u[3]);
    /* x' = c3 x^3 on the centre manifold: G = -a x^3 along the null vector (1, -2 d x = 0) */
    cr_expect(fabs(cp->data[0] + a) < 1e-6, "cusp coefficient %.10g, exact -a", cp->data[0]);
    nd_branch_free(&half[0]);
    nd_branch_free(&half[1]);
    nd_fold_curve_free(&fc);
}

/* ---- zero–Hopf -------------------------------------------------------------------------------- */
/* x' = b1 + x^2 - (y^2 + z^2), y' = (b2 + x) y - (1 + x) z, z' = (1 + x) y + (b2 + x) z (the
 * truncated fold–Hopf normal form, Kuznetsov, Elements, sec. 8.5, with theta = 1). Equilibria:
 * y = z = 0, x^2 = -b1; eigenvalues 2x and b2 + x +- i (1 + x). Fold curve: b1 = 0, x = 0, with
 * the pair b2 +- i crossing at b2 = 0; Hopf curve: x = -b2, b1 = -b2^2, kappa = (1 - b2)^2, with
 * the real eigenvalue -2 b2 crossing 0 at b2 = 0. Both meet at the ZH point (0, 0), omega = 1. On
 * the Hopf curve l1 has a pole there (A is singular), which must not be reported as GH. */
ND_RHS(zh_nf)
{
    double s = p[1] + x[0], w = 1 + x[0];
    dxdt[0] = p[0] + x[0] * x[0] - (x[1] * x[1] + x[2] * x[2]);
    dxdt[1] = s * x[1] - w * x[2];
    dxdt[2] = w * x[1] + s * x[2];
}
static const char *const xyz[] = {"x", "y", "z"};
static const double zero3[] = {0, 0, 0};
static const nd_model zh_model = {.name = "zh_nf", .n_vars = 3, .n_pars = 2, .var_names = xyz, .par_names = cpp,
                                  .par_defaults = cpd, .init = zero3, .rhs = zh_nf_rhs};

Test(codim2, zero_hopf_on_the_fold_and_hopf_curves)
{
    double p[2] = {-1, -0.5}, lo[3] = {-5, -5, -5}, hi[3] = {5, 5, 5}, x[3] = {0, 0, 0};
    nd_region r = {lo, hi, NULL, x};
    nd_error err;
    /* the equilibria x = +sqrt(-b1) at b2 = -0.5, from b1 = -1: Hopf at x = 0.5 (b1 = -1/4), fold
     * at x = 0 (b1 = 0) */
    double u0e[4] = {1, 0, 0, -1};
    nd_branch eb;
    const nd_special_point *h = eq_point(&zh_model, p, 0, &r, u0e, 1, -1.1, 0.5, ND_EQ_H, &eb);
    const nd_special_point *lp = first(&eb, ND_EQ_LP);
    cr_assert_not_null(lp);
    cr_expect(fabs(h->u[3] + 0.25) < 1e-10 && fabs(lp->u[3]) < 1e-10);
    double blo[5] = {-5, -5, -5, -1, -0.8}, bhi[5] = {5, 5, 5, 1, 0.8};
    nd_cont_opts o;
    nd_cont_opts_init(&o);
    o.lo = blo, o.hi = bhi, o.h_max = 0.05;

    nd_fold_curve fc;
    cr_assert_eq(nd_fold_curve_init(&fc, &zh_model, p, 0, 1, &r, &err), ND_OK, "%s", err.msg);
    double u0[6];
    cr_assert_eq(nd_fold_curve_start(&fc, lp->u, u0, &err), ND_OK, "%s", err.msg);
    nd_branch half[2];
    cr_assert_eq(nd_fold_curve_continue(&fc, u0, &o, half, &err), ND_OK, "%s", err.msg);
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < half[k].n; i++) {
            const double *u = half[k].u + 5 * i;
            cr_expect(fabs(u[0]) < 1e-10 && fabs(u[1]) + fabs(u[2]) < 1e-10 && fabs(u[3]) < 1e-10, "fold point %zu", i);
        }
    const nd_special_point *zh = first2(half, ND_LP_ZH);
    cr_assert_not_null(zh, "stops: %s / %s", half[0].stop_reason, half[1].stop_reason);
    cr_expect_eq(count(&half[0], ND_LP_ZH) + count(&half[1], ND_LP_ZH), 1);
    cr_expect(fabs(zh->u[3]) < 1e-8 && fabs(zh->u[4]) < 1e-8 && fabs(zh->data[0] - 1) < 1e-8,
              "ZH on the fold curve at (%.3g, %.3g), omega %.12g", zh->u[3], zh->u[4], zh->data[0]);
    nd_branch_free(&half[0]);
    nd_branch_free(&half[1]);
    nd_fold_curve_free(&fc);

    nd_hopf_curve hc;
    cr_assert_eq(nd_hopf_curve_init(&hc, &zh_model, p, 0, 1, &r, &err), ND_OK, "%s", err.msg);
    double v0[6];
    cr_assert_eq(nd_hopf_curve_start(&hc, h->u, h->data[0], v0, &err), ND_OK, "%s", err.msg);
    nd_branch_free(&eb);
    double hlo[6] = {-5, -5, -5, 0, -1, -0.8}, hhi[6] = {5, 5, 5, 10, 1, 0.8};
    o.lo = hlo, o.hi = hhi;
    cr_assert_eq(nd_hopf_curve_continue(&hc, v0, &o, half, &err), ND_OK, "%s", err.msg);
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i + 1 < half[k].n; i++) {
            const double *u = half[k].u + 6 * i;
            double b2 = u[5];
            cr_expect(fabs(u[0] + b2) < 1e-9 && fabs(u[4] + b2 * b2) < 1e-9 && fabs(u[3] - (1 - b2) * (1 - b2)) < 1e-9,
                      "Hopf point %zu: x %.12g, kappa %.12g, b1 %.12g, b2 %.12g", i, u[0], u[3], u[4], b2);
        }
    zh = first2(half, ND_H_ZH);
    cr_assert_not_null(zh, "stops: %s / %s", half[0].stop_reason, half[1].stop_reason);
    cr_expect_eq(count(&half[0], ND_H_ZH) + count(&half[1], ND_H_ZH), 1);
    cr_expect(fabs(zh->u[4]) < 1e-8 && fabs(zh->u[5]) < 1e-8 && fabs(zh->data[0] - 1) < 1e-8,
              "ZH on the Hopf curve at (%.3g, %.3g), omega %.12g", zh->u[4], zh->u[5], zh->data[0]);
    /* l1 ~ -1/b2 changes sign through its pole at ZH (measured: l1 = 199 at b2 = -0.005, -201 at
     * b2 = 0.005); it has no zero on this curve */
    cr_expect_eq(count(&half[0], ND_H_GH) + count(&half[1], ND_H_GH), 0, "the pole of l1 at ZH was reported as GH");
    nd_branch_free(&half[0]);
    nd_branch_free(&half[1]);
    nd_hopf_curve_free(&hc);
}

/* x' = b1 + x^2, y' = b2 y + z, z' = y + b2 z: the fold curve b1 = 0, x = 0 carries the other
 * eigenvalues b2 +- 1, a neutral saddle +-1 at b2 = 0, where the ZH test vanishes too. */
ND_RHS(ns_fold)
{
    dxdt[0] = p[0] + x[0] * x[0];
    dxdt[1] = p[1] * x[1] + x[2];
    dxdt[2] = x[1] + p[1] * x[2];
}
static const nd_model ns_fold_model = {.name = "ns_fold", .n_vars = 3, .n_pars = 2, .var_names = xyz,
                                       .par_names = cpp, .par_defaults = cpd, .init = zero3, .rhs = ns_fold_rhs};

Test(codim2, neutral_saddles_on_the_fold_curve_are_not_zero_hopf_points)
{
    double p[2] = {0, -0.5}, lo[3] = {-5, -5, -5}, hi[3] = {5, 5, 5}, x[3] = {0, 0, 0};
    nd_region r = {lo, hi, NULL, x};
    nd_fold_curve fc;
    nd_error err;
    cr_assert_eq(nd_fold_curve_init(&fc, &ns_fold_model, p, 0, 1, &r, &err), ND_OK, "%s", err.msg);
    double lp[4] = {0, 0, 0, 0}, u0[5];
    cr_assert_eq(nd_fold_curve_start(&fc, lp, u0, &err), ND_OK, "%s", err.msg);
    nd_cont_opts o;
    nd_cont_opts_init(&o);
    double blo[5] = {-5, -5, -5, -1, -0.8}, bhi[5] = {5, 5, 5, 1, 0.8};
    o.lo = blo, o.hi = bhi, o.h_max = 0.05;
    nd_branch half[2];
    cr_assert_eq(nd_fold_curve_continue(&fc, u0, &o, half, &err), ND_OK, "%s", err.msg);
    double b2min = 0, b2max = 0;
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < half[k].n; i++) {
            const double *u = half[k].u + 5 * i;
            cr_expect(fabs(u[0]) + fabs(u[3]) < 1e-10, "point %zu: x %.3g, b1 %.3g", i, u[0], u[3]);
            b2min = fmin(b2min, u[4]), b2max = fmax(b2max, u[4]);
        }
    cr_expect(b2min < -0.79 && b2max > 0.79, "b2 in [%g, %g]", b2min, b2max);
    cr_expect_eq(half[0].n_special + half[1].n_special, 0, "no ZH (a neutral saddle) and no BT");
    nd_branch_free(&half[0]);
    nd_branch_free(&half[1]);
    nd_fold_curve_free(&fc);
}

/* ---- double Hopf ------------------------------------------------------------------------------ */
/* Two oscillators, the second driven by the first: z1' = (b1 + i) z1 - z1 |z1|^2,
 * z2' = (b2 + i sqrt 2) z2 - z2 |z2|^2 + x1^2 (in Cartesian form). The origin has the pairs
 * b1 +- i and b2 +- i sqrt(2): the Hopf curve of the first is b1 = 0 (kappa = 1), where the
 * second pair crosses at b2 = 0 (HH, omega2 = sqrt 2). With `saddle` set the second block is
 * [[b2, 1], [1, b2]] instead (eigenvalues b2 +- 1): at b2 = 0 they are +-1, a Hopf point with a
 * neutral saddle, not HH; and at b2 = +-1 one of them crosses 0 (ZH). */
ND_RHS(hh_nf)
{
    double r1 = x[0] * x[0] + x[1] * x[1], r2 = x[2] * x[2] + x[3] * x[3], b2 = p[1];
    dxdt[0] = (p[0] - r1) * x[0] - x[1];
    dxdt[1] = x[0] + (p[0] - r1) * x[1];
    if (p[2] == 0) {
        dxdt[2] = (b2 - r2) * x[2] - sqrt(2.0) * x[3] + x[0] * x[0];
        dxdt[3] = sqrt(2.0) * x[2] + (b2 - r2) * x[3];
    } else {
        dxdt[2] = (b2 - r2) * x[2] + x[3] + x[0] * x[0];
        dxdt[3] = x[2] + (b2 - r2) * x[3];
    }
}
static const char *const x4[] = {"x1", "y1", "x2", "y2"}, *const hhp[] = {"b1", "b2", "saddle"};
static const double hhd[] = {-0.5, -0.5, 0}, zero4[] = {0, 0, 0, 0};
static const nd_model hh_model = {.name = "hh_nf", .n_vars = 4, .n_pars = 3, .var_names = x4, .par_names = hhp,
                                  .par_defaults = hhd, .init = zero4, .rhs = hh_nf_rhs};

static void hh_curve(double saddle, nd_branch half[2])
{
    double p[3] = {-0.5, -0.5, saddle}, lo[4] = {-5, -5, -5, -5}, hi[4] = {5, 5, 5, 5}, x[4] = {0};
    nd_region r = {lo, hi, NULL, x};
    nd_error err;
    double u0e[5] = {0, 0, 0, 0, -0.5};
    nd_branch eb;
    const nd_special_point *h = eq_point(&hh_model, p, 0, &r, u0e, 1, -0.6, 0.2, ND_EQ_H, &eb);
    cr_expect(fabs(h->u[4]) < 1e-10 && fabs(h->data[0] - 1) < 1e-9);
    nd_hopf_curve hc;
    cr_assert_eq(nd_hopf_curve_init(&hc, &hh_model, p, 0, 1, &r, &err), ND_OK, "%s", err.msg);
    double u0[7];
    cr_assert_eq(nd_hopf_curve_start(&hc, h->u, h->data[0], u0, &err), ND_OK, "%s", err.msg);
    nd_branch_free(&eb);
    double blo[7] = {-5, -5, -5, -5, -10, -1, -1.5}, bhi[7] = {5, 5, 5, 5, 10, 1, 1.5};
    nd_cont_opts o;
    nd_cont_opts_init(&o);
    o.lo = blo, o.hi = bhi, o.h_max = 0.05;
    cr_assert_eq(nd_hopf_curve_continue(&hc, u0, &o, half, &err), ND_OK, "%s", err.msg);
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < half[k].n; i++) {
            const double *u = half[k].u + 7 * i;
            cr_expect(fabs(u[4] - 1) < 1e-10 && fabs(u[5]) < 1e-10, "point %zu: kappa %.12g, b1 %.3g", i, u[4], u[5]);
        }
    nd_hopf_curve_free(&hc);
}

Test(codim2, double_hopf_and_hopf_with_a_neutral_saddle)
{
    nd_branch half[2];
    hh_curve(0, half);
    const nd_special_point *hh = first2(half, ND_H_HH);
    cr_assert_not_null(hh, "stops: %s / %s", half[0].stop_reason, half[1].stop_reason);
    cr_expect_eq(count(&half[0], ND_H_HH) + count(&half[1], ND_H_HH), 1);
    cr_expect(fabs(hh->u[6]) < 1e-8 && fabs(hh->data[0] - 1) < 1e-9 && fabs(hh->data[1] - sqrt(2.0)) < 1e-8,
              "HH at b2 = %.3g, omegas %.12g %.12g", hh->u[6], hh->data[0], hh->data[1]);
    cr_expect_eq(count(&half[0], ND_H_ZH) + count(&half[1], ND_H_ZH), 0);
    nd_branch_free(&half[0]);
    nd_branch_free(&half[1]);

    hh_curve(1, half);
    cr_expect_eq(count(&half[0], ND_H_HH) + count(&half[1], ND_H_HH), 0, "a neutral saddle was reported as HH");
    cr_expect_eq(count(&half[0], ND_H_ZH) + count(&half[1], ND_H_ZH), 2, "ZH at b2 = -1 and 1");
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < half[k].n_special; i++)
            if (half[k].special[i].test == ND_H_ZH)
                cr_expect(fabs(fabs(half[k].special[i].u[6]) - 1) < 1e-8, "ZH at b2 = %.12g", half[k].special[i].u[6]);
    nd_branch_free(&half[0]);
    nd_branch_free(&half[1]);
}

/* ---- Lyapunov coefficients are invariant under a change of coordinates --------------------- */
/* The Bautin normal form seen through the near-identity map X = xi + 0.3 eta^2 - 0.2 xi eta,
 * Y = eta + 0.5 xi^2 + 0.4 xi^2 eta: (X, Y)' = D phi (xi, eta) f(xi, eta) with (xi, eta) =
 * phi^-1(X, Y) by Newton to rounding. The linear part at the origin is unchanged, so the Hopf
 * curve is still b1 = 0, kappa = 1, and l1 = 2 b2, l2 = -4 as for bautin_nf (the coefficients
 * are invariant under smooth changes of coordinates tangent to the identity, which keep q and
 * p, so also their normalisation); but now every multilinear form
 * and the terms h20, h11, h21, ... of the centre-manifold expansion are non-zero. */
static void phi_map(const double *z, double *X, double *D)
{
    const double al = 0.3, be = -0.2, ga = 0.5, de = 0.4, xi = z[0], et = z[1];
    X[0] = xi + al * et * et + be * xi * et;
    X[1] = et + ga * xi * xi + de * xi * xi * et;
    D[0] = 1 + be * et, D[1] = 2 * al * et + be * xi, D[2] = 2 * ga * xi + 2 * de * xi * et, D[3] = 1 + de * xi * xi;
}

ND_RHS(bautin_tf)
{
    double z[2] = {x[0], x[1]}, X[2], D[4], f[2];
    for (int it = 0; it < 60; it++) {
        phi_map(z, X, D);
        double r0 = X[0] - x[0], r1 = X[1] - x[1], det = D[0] * D[3] - D[1] * D[2];
        double d0 = (D[3] * r0 - D[1] * r1) / det, d1 = (D[0] * r1 - D[2] * r0) / det;
        z[0] -= d0, z[1] -= d1;
        if (fabs(d0) + fabs(d1) < 1e-17) break;
    }
    phi_map(z, X, D);
    double r2 = z[0] * z[0] + z[1] * z[1], g = p[0] + p[1] * r2 - r2 * r2;
    f[0] = g * z[0] - z[1], f[1] = z[0] + g * z[1];
    dxdt[0] = D[0] * f[0] + D[1] * f[1];
    dxdt[1] = D[2] * f[0] + D[3] * f[1];
}
static const nd_model bautin_tf_model = {.name = "bautin_tf", .n_vars = 2, .n_pars = 2, .var_names = xy,
                                         .par_names = cpp, .par_defaults = bad, .init = zero2, .rhs = bautin_tf_rhs};

Test(codim2, lyapunov_coefficients_are_invariant_under_a_change_of_coordinates)
{
    double p[2] = {0, -1}, lo[2] = {-5, -5}, hi[2] = {5, 5}, x[2] = {0, 0};
    nd_region r = {lo, hi, NULL, x};
    nd_hopf_curve hc;
    nd_error err;
    cr_assert_eq(nd_hopf_curve_init(&hc, &bautin_tf_model, p, 0, 1, &r, &err), ND_OK, "%s", err.msg);
    double hu[3] = {0, 0, 0}, u0[5];
    cr_assert_eq(nd_hopf_curve_start(&hc, hu, 1.0, u0, &err), ND_OK, "%s", err.msg);
    /* l1 along the curve against 2 b2 */
    double e1 = 0;
    for (double b2 = -1; b2 <= 1; b2 += 0.25) {
        double z[2] = {0, 0}, w, l1;
        nd_codim2_sys_set(&hc.sys, z, 0, b2);
        cr_assert_eq(nd_codim2_lyapunov(&hc.sys, 1.0, &w, &l1, NULL, &err), ND_OK, "%s", err.msg);
        e1 = fmax(e1, fabs(l1 - 2 * b2));
    }
    nd_cont_opts o;
    nd_cont_opts_init(&o);
    double blo[5] = {-5, -5, -10, -1, -1}, bhi[5] = {5, 5, 10, 1, 1};
    o.lo = blo, o.hi = bhi, o.h_max = 0.05;
    nd_branch half[2];
    cr_assert_eq(nd_hopf_curve_continue(&hc, u0, &o, half, &err), ND_OK, "%s", err.msg);
    cr_expect_eq(count(&half[0], ND_H_GH) + count(&half[1], ND_H_GH), 1);
    const nd_special_point *gh = first2(half, ND_H_GH);
    cr_assert_not_null(gh);
    cr_log_info("transformed Bautin: max |l1 - 2 b2| = %.2g; GH at b2 = %.3g with l2 = %.10g (exact -4)", e1, gh->u[4],
                gh->data[1]);
    /* the derivatives of this f (through the inverse map) come from finite differences with
     * Ridders' extrapolation; measured max |l1 - 2 b2| 4.6e-12, |b2_GH| 1.7e-13 and l2 within
     * 1e-8 of -4 (a fixed fourth-order step gave 1.9e-8, 8.3e-9 and 4e-4): tolerances 1e-10,
     * 1e-10 and 1e-6 */
    cr_expect(e1 < 1e-10, "max |l1 - 2 b2| = %.3g", e1);
    cr_expect(fabs(gh->u[4]) < 1e-10 && fabs(gh->u[3]) < 1e-9, "GH at b2 = %.3g", gh->u[4]);
    cr_expect(fabs(gh->data[1] + 4) < 1e-6, "l2 = %.10g, exact -4", gh->data[1]);
    nd_branch_free(&half[0]);
    nd_branch_free(&half[1]);
    nd_hopf_curve_free(&hc);
}

/* ---- the normalisation: normal forms seen through a linear map ------------------------------ */
/* X = M xi with M = [[3, 1], [4, -1]] (not orthogonal; |M e1| = 5, |M e1|^2 + |M e2|^2 = 27):
 * X' = M N(M^-1 X) for a normal form N. The eigenvectors map as q_X = k M q_xi, p_X = M^-T p_xi / k
 * with k fixed by MatCont's normalisations, and the forms as B_X(M u, M v) = M B_xi(u, v), so a
 * coefficient of order m in the centre-manifold coordinate scales by k^(m-1) (each formula of
 * normal_forms.c is covariant in this way; the cases below worked out by hand):
 *   Hopf, Bautin (|q| = 1): q_xi = (1, -i)/sqrt(2), k^2 = 1/|M q_xi|^2 = 2/27; with N = bautin_nf
 *     (l1 = 2 b2, l2 = -4 above): l1 = 2 b2 k^2 = 4 b2 / 27, l2 = -4 k^4 = -16/729.
 *   Bogdanov–Takens (|q0| = 1, largest component positive): q0_xi = e1, M e1 = (3, 4), k = 1/5;
 *     with N = bt_nf ((a, b) = (1, s) above): (a, b) = (1, s) / 5.
 *   cusp (|q| = 1): N: xi1' = b1 + b2 xi1 + al xi1 xi2 - xi1^3, xi2' = -xi2 + be xi1^2 has at 0
 *     q = p = e1, B(q, q) = (0, 2 be), h2 = (0, 2 be), B(q, h2) = (2 al be, 0), C(q,q,q) = (-6, 0),
 *     so c_xi = al be - 1 (the centre manifold xi2 = be xi1^2 gives the same); k = 1/5, c = c_xi / 25. */
static const double Mlin[2][2] = {{3, 1}, {4, -1}}, Mlin_inv[2][2] = {{1 / 7.0, 1 / 7.0}, {4 / 7.0, -3 / 7.0}};

static void through_M(const double *X, double *xi)
{
    xi[0] = Mlin_inv[0][0] * X[0] + Mlin_inv[0][1] * X[1], xi[1] = Mlin_inv[1][0] * X[0] + Mlin_inv[1][1] * X[1];
}
static void back_M(const double *f, double *dXdt)
{
    dXdt[0] = Mlin[0][0] * f[0] + Mlin[0][1] * f[1], dXdt[1] = Mlin[1][0] * f[0] + Mlin[1][1] * f[1];
}
ND_RHS(bautin_lin)
{
    double z[2], f[2];
    through_M(x, z);
    bautin_nf_rhs(t, z, p, f);
    back_M(f, dxdt);
}
ND_RHS(bt_lin)
{
    double z[2], f[2];
    through_M(x, z);
    bt_nf_rhs(t, z, p, f);
    back_M(f, dxdt);
}
ND_RHS(cusp_lin) /* p: b1, b2, al, be */
{
    double z[2], f[2];
    through_M(x, z);
    f[0] = p[0] + p[1] * z[0] + p[2] * z[0] * z[1] - z[0] * z[0] * z[0];
    f[1] = -z[1] + p[3] * z[0] * z[0];
    back_M(f, dxdt);
}
static const char *const cusp_lin_pars[] = {"b1", "b2", "al", "be"};
static const double cusp_lin_defaults[] = {0, 0, 0.5, 1};
static const nd_model bautin_lin_model = {.name = "bautin_lin", .n_vars = 2, .n_pars = 2, .var_names = xy,
                                          .par_names = cpp, .par_defaults = bad, .init = zero2, .rhs = bautin_lin_rhs};
static const nd_model bt_lin_model = {.name = "bt_lin", .n_vars = 2, .n_pars = 3, .var_names = xy, .par_names = btp,
                                      .par_defaults = btd, .init = zero2, .rhs = bt_lin_rhs};
static const nd_model cusp_lin_model = {.name = "cusp_lin", .n_vars = 2, .n_pars = 4, .var_names = xy,
                                        .par_names = cusp_lin_pars, .par_defaults = cusp_lin_defaults, .init = zero2,
                                        .rhs = cusp_lin_rhs};

Test(codim2, normal_form_coefficients_follow_matconts_normalisation_through_a_linear_map)
{
    nd_codim2_sys s;
    nd_error err;
    double zero[2] = {0, 0}, w, l1, l1_gh, l2;
    /* Hopf and Bautin at the origin, b1 = 0 */
    double pb[2] = {0, 0};
    cr_assert_eq(nd_codim2_sys_init(&s, &bautin_lin_model, pb, 0, 1, NULL, &err), ND_OK, "%s", err.msg);
    nd_codim2_sys_set(&s, zero, 0, 0.5);
    cr_assert_eq(nd_codim2_lyapunov(&s, 0, &w, &l1, NULL, &err), ND_OK, "%s", err.msg);
    nd_codim2_sys_set(&s, zero, 0, 0);
    cr_assert_eq(nd_codim2_lyapunov(&s, 0, &w, &l1_gh, &l2, &err), ND_OK, "%s", err.msg);
    nd_codim2_sys_free(&s);
    cr_log_info("linear map: l1 = %.12g (exact %.12g), l2 = %.10g (exact %.10g), omega %.15g", l1, 2.0 / 27, l2,
                -16.0 / 729, w);
    cr_expect(fabs(w - 1) < 1e-12, "omega = %.15g", w);
    cr_expect(fabs(l1 - 2.0 / 27) < 1e-8 * 2.0 / 27, "l1 = %.12g, exact 4 b2 / 27 = %.12g", l1, 2.0 / 27);
    cr_expect(fabs(l1_gh) < 1e-9, "l1 = %.3g at GH, exact 0", l1_gh);
    cr_expect(fabs(l2 + 16.0 / 729) < 1e-4 * 16.0 / 729, "l2 = %.10g, exact -16/729 = %.10g", l2, -16.0 / 729);
    /* Bogdanov–Takens at the origin, b1 = b2 = 0, s = -1 */
    double pt[3] = {0, 0, -1}, a, b;
    cr_assert_eq(nd_codim2_sys_init(&s, &bt_lin_model, pt, 0, 1, NULL, &err), ND_OK, "%s", err.msg);
    nd_codim2_sys_set(&s, zero, 0, 0);
    cr_assert_eq(nd_codim2_bt_coefficients(&s, &a, &b, &err), ND_OK, "%s", err.msg);
    nd_codim2_sys_free(&s);
    cr_log_info("linear map: BT a = %.12g, b = %.12g (exact 0.2, -0.2)", a, b);
    cr_expect(fabs(a - 0.2) < 1e-8 && fabs(b + 0.2) < 1e-8, "a = %.12g (0.2), b = %.12g (-0.2)", a, b);
    /* cusp at the origin, b1 = b2 = 0, al = 0.5, be = 1: c = (0.5 - 1) / 25 */
    double pc[4] = {0, 0, 0.5, 1}, c;
    cr_assert_eq(nd_codim2_sys_init(&s, &cusp_lin_model, pc, 0, 1, NULL, &err), ND_OK, "%s", err.msg);
    nd_codim2_sys_set(&s, zero, 0, 0);
    cr_assert_eq(nd_codim2_cusp_coefficient(&s, &c, &err), ND_OK, "%s", err.msg);
    nd_codim2_sys_free(&s);
    cr_log_info("linear map: cusp c = %.12g (exact -0.02)", c);
    cr_expect(fabs(c + 0.02) < 1e-8, "c = %.12g, exact -0.02", c);
}

/* ---- Morris–Lecar, Hopf set: the Hopf curve in (I, gK) ---------------------------------------- */
/* Independent quantities from the closed-form derivatives of the right-hand side at the
 * equilibrium (w = w_inf(V), I = I_ss(V)): the Jacobian, B = D^2 f and C = D^3 f, and l1 by the
 * Guckenheimer–Holmes formula (Nonlinear Oscillations, eq. 3.4.11, r' = a r^3) in the Jordan
 * coordinates x = u Re q - v Im q of the unit eigenvector (J q = i omega q, |q| = 1), where
 * x = z q + conj(z q) with z = (u + i v)/2: Re c1 = 4 a and l1 = 4 a / omega (nd_first_lyapunov's
 * normalisation, <q, q> = 1 as MatCont's nf_H). Hopf set: gCa = 4.4, V3 = 2, V4 = 30, phi = 0.04. */
static void ml_derivs(const ml_pars *q, double V, double *J, double B[2][2][2], double C3[2][2][2][2])
{
    double m, m1, m2, w, w1, w2, tm = tanh((V - q->V1) / q->V2), tw = tanh((V - q->V3) / q->V4);
    sig(V, q->V1, q->V2, &m, &m1, &m2);
    sig(V, q->V3, q->V4, &w, &w1, &w2);
    double m3 = -(1 - tm * tm) * (1 - 3 * tm * tm) / pow(q->V2, 3), w3 = -(1 - tw * tw) * (1 - 3 * tw * tw) / pow(q->V4, 3);
    double v = (V - q->V3) / (2 * q->V4), L = 2 * q->V4;
    double ch0 = cosh(v), ch1 = sinh(v) / L, ch2 = cosh(v) / (L * L);
    memset(B, 0, 8 * sizeof(double));
    memset(C3, 0, 16 * sizeof(double));
    J[0] = -(q->gL + q->gCa * (m1 * (V - q->VCa) + m) + q->gK * w) / q->C;
    J[1] = -q->gK * (V - q->VK) / q->C;
    J[2] = q->phi * w1 * ch0; /* (w_inf - w) = 0 at the equilibrium */
    J[3] = -q->phi * ch0;
    B[0][0][0] = -q->gCa * (m2 * (V - q->VCa) + 2 * m1) / q->C;
    B[0][0][1] = B[0][1][0] = -q->gK / q->C;
    B[1][0][0] = q->phi * (w2 * ch0 + 2 * w1 * ch1);
    B[1][0][1] = B[1][1][0] = -q->phi * ch1;
    C3[0][0][0][0] = -q->gCa * (m3 * (V - q->VCa) + 3 * m2) / q->C;
    C3[1][0][0][0] = q->phi * (w3 * ch0 + 3 * w2 * ch1 + 3 * w1 * ch2);
    C3[1][0][0][1] = C3[1][0][1][0] = C3[1][1][0][0] = -q->phi * ch2;
}

static double ml_det(const ml_pars *q, double V)
{
    double J[4], B[2][2][2], C3[2][2][2][2];
    ml_derivs(q, V, J, B, C3);
    return J[0] * J[3] - J[1] * J[2];
}

static double ml_l1(const ml_pars *q, double V)
{
    double J[4], B[2][2][2], C3[2][2][2][2];
    ml_derivs(q, V, J, B, C3);
    return planar_l1(J, B, C3);
}

/* Newton on two conditions in (V, gK), as ml_solve2 does in (V, gCa). */
static void ml_solve2_gk(ml_pars q, double (*g1)(const ml_pars *, double), double (*g2)(const ml_pars *, double),
                         double *V, double *gK)
{
    for (int it = 0; it < 50; it++) {
        q.gK = *gK;
        double f1 = g1(&q, *V), f2 = g2(&q, *V), hV = 1e-6 * fmax(1, fabs(*V)), hg = 1e-7 * fmax(1, *gK);
        ml_pars a = q, b = q;
        double J[4];
        J[0] = (g1(&q, *V + hV) - g1(&q, *V - hV)) / (2 * hV), J[2] = (g2(&q, *V + hV) - g2(&q, *V - hV)) / (2 * hV);
        a.gK += hg, b.gK -= hg;
        J[1] = (g1(&a, *V) - g1(&b, *V)) / (2 * hg), J[3] = (g2(&a, *V) - g2(&b, *V)) / (2 * hg);
        double det = J[0] * J[3] - J[1] * J[2], dV = (f1 * J[3] - f2 * J[1]) / det, dg = (J[0] * f2 - J[2] * f1) / det;
        *V -= dV, *gK -= dg;
        if (fabs(dV) < 1e-14 * fmax(1, fabs(*V)) && fabs(dg) < 1e-15 * fmax(1, *gK)) break;
    }
}

Test(codim2, morris_lecar_hopf_curve_in_i_and_gk_against_closed_form_derivatives)
{
    const nd_model *m = nd_builtin_find("morris_lecar");
    cr_assert_not_null(m);
    double p[13], x[2], lo[2] = {-80, -0.1}, hi[2] = {60, 1};
    nd_model_default_params(m, p);
    nd_model_default_state(m, x);
    nd_region r = {lo, hi, NULL, x};
    ml_pars q = {20, 2, -60, 4.4, 120, 8, -84, -1.2, 18, 2, 30, 0.04};
    double V0 = -40, w, w1, w2;
    sig(V0, q.V3, q.V4, &w, &w1, &w2);
    double u0e[3] = {V0, w, ml_iss(&q, V0, 0)};
    p[1] = u0e[2];
    nd_branch eb;
    const nd_special_point *h = eq_point(m, p, 1, &r, u0e, 1, u0e[2] - 1, 300, ND_EQ_H, &eb);
    nd_hopf_curve hc;
    nd_error err;
    cr_assert_eq(nd_hopf_curve_init(&hc, m, p, 1, 6, &r, &err), ND_OK, "%s", err.msg); /* (I, gK) */
    double u0[5];
    cr_assert_eq(nd_hopf_curve_start(&hc, h->u, h->data[0], u0, &err), ND_OK, "%s", err.msg);
    nd_branch_free(&eb);
    nd_cont_opts o;
    nd_cont_opts_init(&o);
    double blo[5] = {-80, -0.1, -10, -100, 0}, bhi[5] = {60, 1, 10, 400, 25};
    o.lo = blo, o.hi = bhi, o.h_max = 1;
    nd_branch half[2];
    cr_assert_eq(nd_hopf_curve_continue(&hc, u0, &o, half, &err), ND_OK, "%s", err.msg);
    /* every point: trace 0, I = I_ss(V), kappa = det; and l1 at every tenth Hopf point */
    double eT = 0, eI = 0, eK = 0, eL = 0;
    size_t n = 0;
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i + 1 < half[k].n; i++, n++) {
            const double *u = half[k].u + 5 * i;
            q.gK = u[4];
            sig(u[0], q.V3, q.V4, &w, &w1, &w2);
            double J[4], B[2][2][2], C3[2][2][2][2];
            ml_derivs(&q, u[0], J, B, C3);
            eT = fmax(eT, fabs(J[0] + J[3]) / fabs(J[3]));
            eI = fmax(eI, fabs(u[3] - ml_iss(&q, u[0], 0)) / fmax(1, fabs(u[3])));
            eK = fmax(eK, fabs(u[2] - (J[0] * J[3] - J[1] * J[2])) + fabs(u[1] - w));
            if (i % 10 == 0 && u[2] > 0) {
                double om, l1;
                nd_codim2_sys_set(&hc.sys, u, u[3], u[4]);
                cr_assert_eq(nd_codim2_lyapunov(&hc.sys, sqrt(u[2]), &om, &l1, NULL, &err), ND_OK, "%s", err.msg);
                double ref = ml_l1(&q, u[0]);
                eL = fmax(eL, fabs(l1 - ref) / fmax(fabs(ref), 1e-3));
            }
        }
    cr_log_info("ML Hopf (I, gK): %zu points; max rel. trace %.2g, I %.2g; kappa/w %.2g; l1 %.2g", n, eT, eI, eK, eL);
    cr_expect(eT < 1e-9 && eI < 1e-10 && eK < 1e-10, "trace %.3g, I %.3g, kappa/w %.3g", eT, eI, eK);
    /* finite-difference forms (Ridders): relative to max(|l1|, 1e-3) the error is 1.1e-9 at
     * most (a fixed fourth-order step: 2.3e-8) */
    cr_expect(eL < 1e-8, "l1 relative error %.3g", eL);
    /* GH: trace = 0 and l1 = 0; BT: trace = 0 and det = 0, by Newton on the closed forms */
    const nd_special_point *gh = first2(half, ND_H_GH), *bt = first2(half, ND_H_BT);
    cr_assert_not_null(gh, "stops: %s / %s", half[0].stop_reason, half[1].stop_reason);
    cr_assert_not_null(bt);
    cr_expect_eq(count(&half[0], ND_H_GH) + count(&half[1], ND_H_GH), 1);
    cr_expect_eq(count(&half[0], ND_H_BT) + count(&half[1], ND_H_BT), 1);
    double Vg = gh->u[0], gg = gh->u[4], Vb = bt->u[0], gb = bt->u[4];
    ml_solve2_gk(q, ml_trace, ml_l1, &Vg, &gg);
    ml_solve2_gk(q, ml_trace, ml_det, &Vb, &gb);
    cr_log_info("GH: V %.12g gK %.12g (Newton %.12g %.12g), omega %.10g, l2 %.6g; BT: V %.12g gK %.12g (Newton %.12g "
                "%.12g), a %.6g, b %.6g",
                gh->u[0], gh->u[4], Vg, gg, gh->data[0], gh->data[1], bt->u[0], bt->u[4], Vb, gb, bt->data[0],
                bt->data[1]);
    /* the GH location inherits the l1 error divided by dl1/dgK (about 1.5e-4 per mS/cm^2);
     * measured 4e-11 relative */
    cr_expect(fabs(gh->u[4] - gg) < 1e-9 * gg && fabs(gh->u[0] - Vg) < 1e-9 * fabs(Vg), "GH gK %.12g vs %.12g",
              gh->u[4], gg);
    cr_expect(fabs(bt->u[4] - gb) < 1e-8 * gb && fabs(bt->u[0] - Vb) < 1e-8 * fabs(Vb), "BT gK %.12g vs %.12g",
              bt->u[4], gb);
    cr_expect(fabs(bt->u[2]) < 1e-12, "kappa at BT %.3g", bt->u[2]);
    nd_branch_free(&half[0]);
    nd_branch_free(&half[1]);
    nd_hopf_curve_free(&hc);
}

/* ---- bad input ------------------------------------------------------------------------------- */
Test(codim2, bad_arguments_are_explained)
{
    double p[3] = {0, 1, -1}, lo[2] = {-5, -5}, hi[2] = {5, 5}, x[2] = {0, 0};
    int fixed[2] = {0, 1};
    nd_region r = {lo, hi, NULL, x}, slice = {lo, hi, fixed, x};
    nd_fold_curve fc;
    nd_hopf_curve hc;
    nd_error err;
    cr_expect_eq(nd_fold_curve_init(&fc, &bt_model, p, 0, 0, &r, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "same"), "%s", err.msg);
    cr_expect_eq(nd_fold_curve_init(&fc, &bt_model, p, 0, 7, &r, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "out of range"), "%s", err.msg);
    cr_expect_eq(nd_hopf_curve_init(&hc, &bt_model, p, 0, 1, &slice, &err), ND_EINVAL, "one free variable");
    cr_expect(strstr(err.msg, "2 or more"), "%s", err.msg);
    cr_assert_eq(nd_hopf_curve_init(&hc, &bt_model, p, 0, 1, &r, &err), ND_OK, "%s", err.msg);
    double hu[3] = {0, 0, 0}, u0[5];
    cr_expect_eq(nd_hopf_curve_start(&hc, hu, NAN, u0, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "omega"), "%s", err.msg);
    nd_hopf_curve_free(&hc);
    /* a start far from any fold: the corrector does not reach the curve, and says so */
    cr_assert_eq(nd_fold_curve_init(&fc, &bt_model, p, 0, 1, &r, &err), ND_OK, "%s", err.msg);
    double lp[3] = {3, 3, 4}, v0[4];
    cr_assert_eq(nd_fold_curve_start(&fc, lp, v0, &err), ND_OK, "%s", err.msg);
    nd_branch half[2];
    nd_status st = nd_fold_curve_continue(&fc, v0, NULL, half, &err);
    if (st) {
        cr_expect(strstr(err.msg, "not on the fold curve"), "%s", err.msg);
    } else { /* or it found the curve b1 = b2^2/4 */
        cr_expect(fabs(half[0].u[2] - half[0].u[3] * half[0].u[3] / 4) < 1e-8);
        nd_branch_free(&half[0]);
        nd_branch_free(&half[1]);
    }
    nd_fold_curve_free(&fc);
}

/* ---- two-parameter diagrams: each curve once, each point once, BT switching ------------------ */
static size_t curves_of_kind(const nd_codim2_diagram *d, int hopf)
{
    size_t n = 0;
    for (size_t c = 0; c < d->n; c++) n += d->curves[c].hopf == hopf;
    return n;
}

/* The codim-2 points of the diagram of type `name`: how many, and the last one (its index). */
static size_t points_named(const nd_codim2_diagram *d, const char *name, size_t *last)
{
    size_t n = 0;
    for (size_t i = 0; i < d->n_points; i++)
        if (!strcmp(nd_codim2_point_name(d, i), name)) n++, *last = i;
    return n;
}

/* Special points left in the branches: each codim-2 point exactly once. */
static size_t specials_in_branches(const nd_codim2_diagram *d)
{
    size_t n = 0;
    for (size_t c = 0; c < d->n; c++) n += d->curves[c].branch.n_special;
    return n;
}

Test(codim2, wilson_cowan_diagram_has_each_curve_and_each_point_once)
{
    /* Wilson–Cowan in (Q, P), Q = -2:2, P = 0:3, the model's box E, I in 0:0.5: the starting
     * diagram in P (Q = 0) has two folds and a Hopf point. Both folds lie on one fold curve,
     * through the cusp; the Hopf curve meets it at a BT point and goes on as neutral saddles. */
    const nd_model *m = nd_builtin_find("wilson_cowan");
    cr_assert_not_null(m);
    double p[13], x[2], lo[2] = {0, 0}, hi[2] = {0.5, 0.5};
    nd_model_default_params(m, p);
    nd_model_default_state(m, x);
    nd_region r = {lo, hi, NULL, x};
    int Q = 12, P = 11;
    cr_assert_str_eq(m->par_names[Q], "Q");
    cr_assert_str_eq(m->par_names[P], "P");
    nd_codim2_diagram d;
    nd_error err;
    cr_assert_eq(nd_bifurcation_2d(m, p, Q, -2, 2, P, 0, 3, &r, NULL, &d, &err), ND_OK, "%s", err.msg);
    cr_expect_eq(curves_of_kind(&d, 0), 1, "one fold curve: %zu", curves_of_kind(&d, 0));
    cr_expect_eq(curves_of_kind(&d, 1), 1, "one Hopf curve: %zu", curves_of_kind(&d, 1));
    cr_expect_eq(d.n_dropped, 1, "the second fold start lies on the first fold curve: %zu dropped", d.n_dropped);
    cr_expect_eq(specials_in_branches(&d), d.n_points);
    /* independent references: AUTO-07p and a 40-digit mpmath solution of the defining system
     * (f = 0, det = 0 and f = 0, det = 0, trace = 0) */
    size_t cp = 0, bt = 0;
    cr_assert_eq(points_named(&d, "CP", &cp), 1, "the cusp once");
    cr_assert_eq(points_named(&d, "BT", &bt), 1, "the BT point once");
    const nd_special_point *c = nd_codim2_point_special(&d, cp), *b = nd_codim2_point_special(&d, bt);
    const nd_codim2_curve *cc = &d.curves[d.points[cp].curve], *bc = &d.curves[d.points[bt].curve];
    double cq = nd_codim2_curve_par(cc, c->u, 0), cpp_ = nd_codim2_curve_par(cc, c->u, 1);
    double bq = nd_codim2_curve_par(bc, b->u, 0), bp = nd_codim2_curve_par(bc, b->u, 1);
    cr_log_info("WC: CP at (Q, P) = (%.15g, %.15g), c = %.10g; BT at (%.15g, %.15g), a = %.10g, b = %.10g", cq, cpp_,
                c->data[0], bq, bp, b->data[0], b->data[1]);
    cr_expect(fabs(cq - 0.508238973744) < 1e-8 && fabs(cpp_ - 1.152364810969) < 1e-8, "CP at (%.15g, %.15g)", cq, cpp_);
    cr_expect(fabs(bq - 0.102663366703) < 1e-8 && fabs(bp - 0.960041034228) < 1e-8, "BT at (%.15g, %.15g)", bq, bp);
    /* the coefficients and the GH point against tests/reference/wilson_cowan_codim2.py (mpmath,
     * 40 digits, exact derivatives). The sigmoid of slope a_i wIE = 30 bends over 0.03 in E:
     * forms from a fixed step of eps^(1/7) max(1, |x|) put GH at Q = -1.90175 (1e-3 off) and c
     * 1.3e-5 off. Measured with Ridders' extrapolation: c 1.4e-11, a and b 7e-13, GH 3e-9
     * relative; tolerances 1e-9 (coefficients) and 1e-7 (GH, located where l1 changes sign,
     * whose error is that of the third derivatives over dl1/dQ). AUTO-07p, with its own finite
     * differences, puts GH at (-1.9028110857, 0.22460093477). */
    cr_expect(fabs(c->data[0] / -116.0571782772409 - 1) < 1e-9, "cusp coefficient %.15g", c->data[0]);
    cr_expect(fabs(b->data[0] / -8.941534727292833 - 1) < 1e-9 && fabs(b->data[1] / 6.669831821973987 - 1) < 1e-9,
              "BT a %.15g, b %.15g", b->data[0], b->data[1]);
    size_t gh = 0;
    cr_assert_eq(points_named(&d, "GH", &gh), 1, "the generalised Hopf point once");
    const nd_special_point *g = nd_codim2_point_special(&d, gh);
    const nd_codim2_curve *gc = &d.curves[d.points[gh].curve];
    double gq = nd_codim2_curve_par(gc, g->u, 0), gp = nd_codim2_curve_par(gc, g->u, 1);
    cr_log_info("WC: GH at (Q, P) = (%.15g, %.15g)", gq, gp);
    cr_expect(fabs(gq / -1.902822486083186 - 1) < 1e-7 && fabs(gp / 0.2245890922227284 - 1) < 1e-7, "GH at (%.15g, %.15g)",
              gq, gp);
    /* the BT point lies on both curves */
    cr_expect_eq(d.points[bt].n_on, 2);
    cr_expect(d.points[bt].n_on == 2 && d.curves[d.points[bt].on[0]].hopf != d.curves[d.points[bt].on[1]].hopf,
              "on a fold and a Hopf curve");
    /* both halves are one curve: both ends say why they are where they are, in the model's names */
    for (size_t i = 0; i < d.n; i++) {
        const nd_branch *br = &d.curves[i].branch;
        cr_expect(br->begin_reason[0] && br->stop_reason[0], "curve %zu: '%s' / '%s'", i, br->begin_reason, br->stop_reason);
        cr_expect(strstr(br->stop_reason, "Q = ") && strstr(br->stop_reason, "P = ") && !strstr(br->stop_reason, "u["),
                  "curve %zu ends: %s", i, br->stop_reason);
        cr_expect(!strstr(br->begin_reason, "u["), "curve %zu begins: %s", i, br->begin_reason);
    }
    /* the Hopf curve has both parts, Hopf (label 1) and neutral saddles (label 0), on either side of BT */
    for (size_t i = 0; i < d.n; i++) {
        if (!d.curves[i].hopf) continue;
        const nd_branch *br = &d.curves[i].branch;
        size_t hopf = 0, neutral = 0;
        for (size_t j = 0; j < br->n; j++) {
            double kappa = br->u[j * br->dim + 2];
            hopf += br->label[j] == 1 && kappa > 0, neutral += br->label[j] == 0 && kappa < 0;
        }
        cr_expect(hopf > 20 && neutral > 5 && hopf + neutral == br->n, "Hopf %zu, neutral saddles %zu of %zu", hopf, neutral,
                  br->n);
    }
    nd_codim2_diagram_free(&d);
}

Test(codim2, no_curves_from_a_degenerate_bogdanov_takens_point)
{
    /* Morris–Lecar in (phi, I), phi = 0:0.1: at phi = 0 the recovery variable is frozen, every
     * equilibrium has a zero eigenvalue, and both Hopf curves end there (omega^2 ~ phi) at BT
     * points with a = 0 (regression: fold curves started there ran along phi = 0, each with
     * more BT points and more curves: 39 curves, 213 points, 28 failures) */
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
    cr_assert_eq(nd_bifurcation_2d(m, p, phi, 0, 0.1, I, -100, 400, &r, NULL, &d, &err), ND_OK, "%s", err.msg);
    cr_expect_eq(curves_of_kind(&d, 1), 2, "two Hopf curves: %zu", curves_of_kind(&d, 1));
    cr_expect_eq(curves_of_kind(&d, 0), 0, "no fold curve: %zu", curves_of_kind(&d, 0));
    cr_expect_eq(d.n_failed, 0, "%s", d.failure);
    size_t bt = 0;
    cr_expect_eq(points_named(&d, "BT", &bt), 2);
    for (size_t i = 0; i < d.n_points; i++) {
        const nd_special_point *sp = nd_codim2_point_special(&d, i);
        double ph = nd_codim2_curve_par(&d.curves[d.points[i].curve], sp->u, 0);
        cr_expect(!strcmp(nd_codim2_point_name(&d, i), "BT") && nd_codim2_bt_degenerate(&d, sp) && fabs(ph) < 1e-12,
                  "%s at phi = %g", nd_codim2_point_name(&d, i), ph);
    }
    /* the ends at phi = 0 say so, not "phi = 6e-18" (the corrected point's rounding) */
    for (size_t c = 0; c < d.n; c++) {
        const nd_branch *b = &d.curves[c].branch;
        cr_expect(strstr(b->stop_reason, "phi = 0,") || strstr(b->begin_reason, "phi = 0,"), "'%s' / '%s'",
                  b->begin_reason, b->stop_reason);
    }
    nd_codim2_diagram_free(&d);
}

/* The BT normal form (above) in (b2, b1) from b2 = 1: the starting diagram in b1 has a fold
 * (b1 = 1/4) and, where trace = -x vanishes (b1 = 0), only a neutral saddle (det = -1). So the
 * Hopf curve can only come from the switch at the BT point (0, 0) of the fold curve
 * b1 = b2^2/4: it is b1 = 0, x = y = 0, kappa = -b2, Hopf for b2 < 0, neutral saddles beyond. */
static void bt_diagram(const nd_model *m, double unit, nd_codim2_diagram *d)
{
    double p[3] = {0, 1, -1}, lo[2] = {-5 * unit, -5 * unit}, hi[2] = {5 * unit, 5 * unit}, x[2] = {0, 0};
    nd_region r = {lo, hi, NULL, x};
    nd_error err;
    cr_assert_eq(nd_bifurcation_2d(m, p, 1, -1, 1, 0, -1, 1, &r, NULL, d, &err), ND_OK, "%s", err.msg);
}

Test(codim2, hopf_curve_started_at_bogdanov_takens_has_hopf_and_neutral_saddle_parts)
{
    nd_codim2_diagram d;
    bt_diagram(&bt_model, 1, &d);
    cr_assert_eq(d.n, 2, "the fold curve and the Hopf curve from its BT point: %zu curves", d.n);
    cr_assert_eq(d.curves[0].hopf, 0);
    cr_assert_eq(d.curves[1].hopf, 1);
    cr_expect_eq(d.curves[1].from, 0, "started at the BT point of curve 0");
    const nd_branch *h = &d.curves[1].branch;
    size_t hopf = 0, neutral = 0;
    double e = 0;
    for (size_t i = 0; i < h->n; i++) {
        const double *u = h->u + i * h->dim; /* x, y, kappa, b2, b1 */
        e = fmax(e, fmax(fabs(u[0]) + fabs(u[1]) + fabs(u[4]), fabs(u[2] + u[3])));
        if (u[3] < -1e-6) {
            cr_expect_eq(h->label[i], 1, "Hopf at b2 = %g", u[3]);
            hopf++;
        }
        if (u[3] > 1e-6) {
            cr_expect_eq(h->label[i], 0, "a neutral saddle at b2 = %g", u[3]);
            neutral++;
        }
    }
    cr_log_info("BT switch: %zu Hopf points, %zu neutral saddles, max error %.2g; ends: %s / %s", hopf, neutral, e,
                h->begin_reason, h->stop_reason);
    cr_expect(e < 1e-9, "the Hopf curve is b1 = 0, kappa = -b2: error %.3g", e);
    cr_expect(hopf > 20 && neutral > 20, "both parts, to the box: %zu Hopf, %zu neutral saddles", hopf, neutral);
    double b2min = INFINITY, b2max = -INFINITY;
    for (size_t i = 0; i < h->n; i++) b2min = fmin(b2min, h->u[i * h->dim + 3]), b2max = fmax(b2max, h->u[i * h->dim + 3]);
    cr_expect(b2min < -0.999 && b2max > 0.999, "b2 from %g to %g", b2min, b2max);
    /* the BT point once, on both curves, with the normal form's a = 1, b = s = -1 */
    size_t bt = 0;
    cr_assert_eq(points_named(&d, "BT", &bt), 1);
    cr_expect_eq(d.points[bt].n_on, 2);
    cr_expect_eq(specials_in_branches(&d), d.n_points);
    const nd_special_point *sp = nd_codim2_point_special(&d, bt);
    cr_expect(fabs(sp->data[0] - 1) < 1e-6 && fabs(sp->data[1] + 1) < 1e-6, "a = %.10g, b = %.10g", sp->data[0], sp->data[1]);
    nd_codim2_diagram_free(&d);
}

/* The BT normal form with x and y in other units (X = 1000 x, Y = 1000 y, the box too): the
 * steps are taken in the box's units, so the curves are the same point for point. */
ND_RHS(bt_milli)
{
    double xx[2] = {x[0] / 1000, x[1] / 1000}, f[2];
    bt_nf_rhs(t, xx, p, f);
    dxdt[0] = 1000 * f[0], dxdt[1] = 1000 * f[1];
}
static const nd_model bt_milli_model = {.name = "bt_milli", .n_vars = 2, .n_pars = 3, .var_names = xy,
                                        .par_names = btp, .par_defaults = btd, .init = zero2, .rhs = bt_milli_rhs};

Test(codim2, two_parameter_diagram_does_not_depend_on_the_units_of_the_variables)
{
    nd_codim2_diagram a, b;
    bt_diagram(&bt_model, 1, &a);
    bt_diagram(&bt_milli_model, 1000, &b);
    cr_assert_eq(a.n, b.n);
    for (size_t c = 0; c < a.n; c++) {
        const nd_branch *ba = &a.curves[c].branch, *bb = &b.curves[c].branch;
        cr_expect_eq(ba->n, bb->n, "curve %zu: %zu and %zu points", c, ba->n, bb->n);
        /* the orientation of a curve along which b1 is constant (the Hopf curve b1 = 0) is the
         * sign of a rounding error: compare both ways */
        double e[2] = {0, 0};
        for (int rev = 0; rev < 2; rev++)
            for (size_t i = 0; i < ba->n && ba->n == bb->n; i++)
                for (int j = 0; j < 2; j++)
                    e[rev] = fmax(e[rev], fabs(nd_codim2_curve_par(&a.curves[c], ba->u + i * ba->dim, j) -
                                               nd_codim2_curve_par(&b.curves[c], bb->u + (rev ? bb->n - 1 - i : i) * bb->dim, j)));
        cr_expect(fmin(e[0], e[1]) < 1e-9, "curve %zu: parameters differ by %.3g", c, fmin(e[0], e[1]));
    }
    cr_expect_eq(a.n_points, b.n_points);
    nd_codim2_diagram_free(&a);
    nd_codim2_diagram_free(&b);
}

Test(codim2, a_start_on_a_computed_curve_is_dropped)
{
    /* the cusp normal form in (b2, b1) from b2 = 1: the starting diagram in b1 has two folds,
     * b1 = -+2/(3 sqrt 3), both on the one fold curve 4 b2^3 = 27 b1^2 through the cusp */
    double p[2] = {0, 1}, lo[2] = {-5, -5}, hi[2] = {5, 5}, x[2] = {0, 0};
    nd_region r = {lo, hi, NULL, x};
    nd_codim2_diagram d;
    nd_error err;
    cr_assert_eq(nd_bifurcation_2d(&cusp_model, p, 1, -1, 2, 0, -1, 1, &r, NULL, &d, &err), ND_OK, "%s", err.msg);
    size_t lps = 0;
    for (size_t b = 0; b < d.start.n_branches; b++) lps += count(&d.start.branches[b], ND_EQ_LP);
    cr_expect_eq(lps, 2, "two folds to start from");
    cr_expect_eq(d.n, 1, "one fold curve: %zu", d.n);
    cr_expect_eq(d.n_dropped, 1);
    double e = 0;
    for (size_t i = 0; d.n && i < d.curves[0].branch.n; i++) {
        const double *u = d.curves[0].branch.u + i * d.curves[0].branch.dim; /* x, y, b2, b1 */
        e = fmax(e, fabs(4 * u[2] * u[2] * u[2] - 27 * u[3] * u[3]));
    }
    cr_expect(e < 1e-8, "4 b2^3 = 27 b1^2 to %.3g", e);
    size_t cp = 0;
    cr_expect_eq(points_named(&d, "CP", &cp), 1, "the cusp once");
    nd_codim2_diagram_free(&d);
}

/* x' = mu x - y - x r^2, y' = x + mu y - y r^2 with mu = 1 - b1^2 - b2^2: the Hopf curve is the
 * circle b1^2 + b2^2 = 1 (kappa = 1 all along, l1 = -2 < 0). Both Hopf points of the starting
 * diagram (b2 = +-1 at b1 = 0) lie on it: one closed curve, followed once. */
ND_RHS(hopf_circle)
{
    double mu = 1 - p[0] * p[0] - p[1] * p[1], r2 = x[0] * x[0] + x[1] * x[1];
    dxdt[0] = mu * x[0] - x[1] - x[0] * r2;
    dxdt[1] = x[0] + mu * x[1] - x[1] * r2;
}
static const nd_model circle_model = {.name = "hopf_circle", .n_vars = 2, .n_pars = 2, .var_names = xy,
                                      .par_names = cpp, .par_defaults = cpd, .init = zero2, .rhs = hopf_circle_rhs};

Test(codim2, a_closed_hopf_curve_is_followed_once)
{
    double p[2] = {0, 0}, lo[2] = {-5, -5}, hi[2] = {5, 5}, x[2] = {0, 0};
    nd_region r = {lo, hi, NULL, x};
    nd_codim2_diagram d;
    nd_error err;
    cr_assert_eq(nd_bifurcation_2d(&circle_model, p, 0, -2, 2, 1, -2, 2, &r, NULL, &d, &err), ND_OK, "%s", err.msg);
    cr_assert_eq(d.n, 1, "one Hopf curve: %zu", d.n);
    cr_expect_eq(d.n_dropped, 1, "the second Hopf point lies on it");
    const nd_branch *b = &d.curves[0].branch;
    cr_expect_eq(b->stop, ND_STOP_CLOSED, "%s", b->stop_reason);
    double e = 0, amin = INFINITY, amax = -INFINITY;
    for (size_t i = 0; i < b->n; i++) {
        const double *u = b->u + i * b->dim; /* x, y, kappa, b1, b2 */
        e = fmax(e, fabs(u[3] * u[3] + u[4] * u[4] - 1) + fabs(u[2] - 1));
        double a = atan2(u[4], u[3]);
        amin = fmin(amin, a), amax = fmax(amax, a);
    }
    cr_expect(e < 1e-9, "on the circle, kappa = 1: %.3g", e);
    cr_expect(amin < -3 && amax > 3 && b->n > 50, "all the way round: angles %g to %g, %zu points", amin, amax, b->n);
    cr_expect_eq(d.n_points, 0, "no codim-2 point (l1 = -2 all along)");
    nd_codim2_diagram_free(&d);
}
