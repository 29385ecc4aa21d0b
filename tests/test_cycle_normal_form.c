/* Normal-form coefficients of cycle bifurcations (analysis/cycles/normal_form.c) against closed
 * forms: constructed models whose cycle is the unit circle of theta' = w with transverse
 * coordinates obeying a scalar (or planar) normal form exactly, so that the periodic normal form of
 * Kuznetsov, Govaerts, Doedel & Dhooge (SIAM J. Numer. Anal. 43 (2005) 1407) can be read off by
 * hand (derivations at each model). Tolerances are stated at each check. */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <jansson.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/cycle_codim2.h"
#include "neurodyn/cycle_normal_form.h"
#include "neurodyn/neurodyn.h"
#include "cli_run.h"

#include <complex.h> /* after neurodyn.h: its I macro would clash with sim.h's parameter names */

/* ---- models ------------------------------------------------------------------------------------- */
/* "flip5": the cycle r = 1, z = 0 of theta' = w (r = sqrt(x^2 + y^2)); in the frame turning by
 * theta / 2 the transverse coordinates (alpha, beta) = R(-theta/2)(r - 1, z) obey
 *     alpha' = mu alpha + c0 alpha^3 - alpha^5,   beta' = -beta
 * (the construction of tests/test_cycles.c's "flip" model, with the cubic coefficient c0 as a
 * parameter). After one period the frame has turned by pi: the multipliers are -exp(mu T),
 * -exp(-T), so mu = 0 is a period doubling for every c0. Its centre manifold is
 * x = x0(tau) + xi e(tau), e = cos(theta/2) e_r + sin(theta/2) e_z a unit vector (so the
 * eigenfunction normalised by int_0^1 |v|^2 ds = 1 is e, xi = alpha), tau = theta / w with
 * dtau/dt = 1: the periodic normal form is dxi/dt = c0 xi^3 + ..., i.e. c = c0 exactly, for any
 * w. The PD curve in (mu, c0) is mu = 0, and c0 = 0 on it is a generalised period doubling. */
ND_RHS(flip5)
{
    double r = sqrt(x[0] * x[0] + x[1] * x[1]), c = x[0] / r, s = x[1] / r, a = r - 1, b = x[2];
    double mu = p[0], w = p[1], c0 = p[2];
    double Sa = c * a + s * b, Sb = s * a - c * b;   /* S(theta) (a, b) */
    double Pa = 0.5 * (a + Sa), Pb = 0.5 * (b + Sb); /* P(theta) (a, b) = alpha e */
    double al2 = a * Pa + b * Pb;                    /* alpha^2 */
    double k = c0 * al2 - al2 * al2;                 /* alpha' - mu alpha = k alpha */
    double da = 0.5 * (mu - 1) * a + 0.5 * (mu + 1) * Sa - 0.5 * w * b + k * Pa;
    double db = 0.5 * (mu - 1) * b + 0.5 * (mu + 1) * Sb + 0.5 * w * a + k * Pb;
    dxdt[0] = da / r * x[0] - w * x[1];
    dxdt[1] = da / r * x[1] + w * x[0];
    dxdt[2] = db;
}
static const char *const xyz[] = {"x", "y", "z"}, *const flip5_p[] = {"mu", "w", "c0"};
static const double flip5_d[] = {-0.5, 1.0, -1.0}, flip5_x0[] = {1.0, 0.0, 0.0};
static const nd_model flip5_model = {.name = "flip5", .n_vars = 3, .n_pars = 3, .var_names = xyz,
                                     .par_names = flip5_p, .par_defaults = flip5_d, .init = flip5_x0,
                                     .rhs = flip5_rhs};

/* "bautin_w": Bautin's planar r' = r (b1 + b2 r^2 - r^4) with a twist, theta' = 1 + k r^2. The
 * cycles are circles; the fold of cycles is at b1 = -b2^2 / 4, r0^2 = b2 / 2, period 2 pi / W,
 * W = 1 + k r0^2. With rho = r - r0, rho' = g2 rho^2 + ..., g2 = G''(r0) / 2 = -2 b2 r0 (G(r) =
 * b1 r + b2 r^3 - r^5), and tau = theta / W: dtau/dt = 1 + (2 k r0 / W) rho, so the LPC normal
 * form's xi = -(2 k r0 / W) rho and dxi/dt = b xi^2 with b = -g2 W / (2 k r0) = b2 W / k. */
ND_RHS(bautin_w)
{
    double r2 = x[0] * x[0] + x[1] * x[1], g = p[0] + p[1] * r2 - r2 * r2, w = 1 + p[2] * r2;
    dxdt[0] = g * x[0] - w * x[1];
    dxdt[1] = w * x[0] + g * x[1];
}
static const char *const xy[] = {"x", "y"}, *const bw_p[] = {"b1", "b2", "k"};
static const double bw_d[] = {-0.1, 1.0, 0.5}, zero4[] = {1, 0, 0, 0};
static const nd_model bautin_w_model = {.name = "bautin_w", .n_vars = 2, .n_pars = 3, .var_names = xy,
                                        .par_names = bw_p, .par_defaults = bw_d, .init = zero4, .rhs = bautin_w_rhs};

/* "torus2": z1' = (1 + i) z1 - |z1|^2 z1 (the unit circle, period 2 pi) and
 * z2' = (mu + a |z1|^2 + i w2) z2 + (l + i m) |z2|^2 z2, z = (x1 + i y1, x2 + i y2). z2's
 * multipliers on the cycle are exp((mu + a) 2 pi +- i w2 2 pi): a Neimark-Sacker at mu = -a with
 * theta = 2 pi w2 (mod 2 pi). z1 does not feel z2 and z2's quadratic terms vanish, so h20 = h11 =
 * 0 and with the unit eigenvector y = e^{i w2 t} (1, -i) / sqrt 2 in (x2, y2) (z2 = sqrt 2 xi):
 * dxi/dt = i w2 xi + 2 (l + i m) |xi|^2 xi, Re d = 2 l. */
ND_RHS(torus2)
{
    double complex z1 = x[0] + I * x[1], z2 = x[2] + I * x[3];
    double r1 = creal(z1 * conj(z1)), r2 = creal(z2 * conj(z2));
    double complex d1 = (1 + I) * z1 - r1 * z1;
    double complex d2 = (p[0] + p[1] * r1 + I * p[2]) * z2 + (p[3] + I * p[4]) * r2 * z2;
    dxdt[0] = creal(d1), dxdt[1] = cimag(d1), dxdt[2] = creal(d2), dxdt[3] = cimag(d2);
}
static const char *const xyuv[] = {"x1", "y1", "x2", "y2"}, *const t2_p[] = {"mu", "a", "w2", "l", "m"};
static const double t2_d[] = {-0.5, 0.2, 0.3, -0.7, 0.4};
static const nd_model torus2_model = {.name = "torus2", .n_vars = 4, .n_pars = 5, .var_names = xyuv,
                                      .par_names = t2_p, .par_defaults = t2_d, .init = zero4, .rhs = torus2_rhs};

/* ---- helpers ------------------------------------------------------------------------------------ */
static const nd_special_point *nth(const nd_branch *b, int test, int k)
{
    for (size_t i = 0; i < b->n_special; i++)
        if (b->special[i].test == test && k-- == 0) return &b->special[i];
    return NULL;
}

/* The cycle of radius R in the (x, y) plane (other variables 0), period 2 pi / w, sampled exactly. */
static void circle(size_t n_vars, double R, double w, nd_cycle *cyc)
{
    size_t ns = 401;
    *cyc = (nd_cycle){.period = 2 * M_PI / w, .n_vars = n_vars, .n = ns};
    cyc->t = malloc(ns * sizeof *cyc->t), cyc->x = calloc(n_vars * ns, sizeof *cyc->x);
    cyc->xmax = calloc(n_vars, sizeof *cyc->xmax), cyc->xmin = calloc(n_vars, sizeof *cyc->xmin);
    cr_assert(cyc->t && cyc->x && cyc->xmax && cyc->xmin);
    for (size_t i = 0; i < ns; i++) {
        double t = cyc->period * (double)i / (double)(ns - 1);
        cyc->t[i] = t, cyc->x[n_vars * i] = R * cos(w * t), cyc->x[n_vars * i + 1] = R * sin(w * t);
    }
    cyc->xmax[0] = cyc->xmax[1] = R, cyc->xmin[0] = cyc->xmin[1] = -R;
}

/* The cycle branch of m in parameter par from the circle cyc, towards direction, over [lo, hi] of
 * par, on a fixed mesh of ntst intervals. */
static void branch(nd_cycle_curve *c, const nd_model *m, const double *p, int par, const nd_cycle *cyc, int direction,
                   double lo, double hi, size_t ntst, nd_branch *b)
{
    nd_error err;
    cr_assert_eq(nd_cycle_curve_init(c, m, p, par, NULL, ntst, 4, &err), ND_OK, "%s", err.msg);
    c->adapt_every = 0;
    size_t N = c->type.dim;
    double *u0 = malloc(N * sizeof *u0), *v0 = malloc(N * sizeof *v0), *blo = malloc(N * sizeof *blo),
           *bhi = malloc(N * sizeof *bhi);
    cr_assert(u0 && v0 && blo && bhi);
    cr_assert_eq(nd_cycle_curve_from_cycle(c, cyc, direction, u0, v0, &err), ND_OK, "%s", err.msg);
    for (size_t i = 0; i < N; i++) blo[i] = -INFINITY, bhi[i] = INFINITY;
    blo[N - 1] = lo, bhi[N - 1] = hi;
    nd_cont_opts o;
    nd_cont_opts_init(&o);
    o.lo = blo, o.hi = bhi, o.h_max = 0.05, o.max_points = 2000;
    cr_assert_eq(nd_cycle_continue(c, u0, v0, &o, b, &err), ND_OK, "%s", err.msg);
    free(u0), free(v0), free(blo), free(bhi);
}

/* ---- PD ----------------------------------------------------------------------------------------- */
/* c = c0 exactly (derivation at flip5), for both signs, two frequencies (the period enters the
 * discretisation, not the coefficient) and on two meshes: to 1e-6 relative on 40 x 4. */
Test(cycle_normal_form, pd_coefficient_closed_form)
{
    const double c0s[] = {-1.0, 0.7, -0.3}, ws[] = {1.0, 2.5, 0.8};
    for (size_t k = 0; k < 3; k++) {
        double p[3] = {-0.5, ws[k], c0s[k]};
        nd_cycle cyc;
        circle(3, 1.0, ws[k], &cyc);
        nd_cycle_curve c;
        nd_branch b;
        branch(&c, &flip5_model, p, 0, &cyc, 1, -0.5, 0.5, 40, &b);
        const nd_special_point *pd = nth(&b, ND_CYC_PD, 0);
        cr_assert_not_null(pd, "no PD (stop: %s)", b.stop_reason);
        cr_expect(fabs(pd->data[1]) < 1e-8, "PD at mu = %.3g, exact 0", pd->data[1]);
        double cc = NAN;
        nd_error err;
        cr_assert_eq(nd_cycle_pd_coefficient(&c, pd->u, &cc, &err), ND_OK, "%s", err.msg);
        cr_log_info("flip5 c0 = %g, w = %g: c = %.12g (special point: %.12g)", c0s[k], ws[k], cc, pd->data[4]);
        cr_expect(fabs(cc - c0s[k]) < 1e-6 * fabs(c0s[k]), "c = %.12g, exact %g", cc, c0s[k]);
        cr_expect(fabs(pd->data[4] - c0s[k]) < 1e-6 * fabs(c0s[k]), "special point's c = %.12g, exact %g",
                  pd->data[4], c0s[k]);
        nd_branch_free(&b);
        nd_cycle_curve_free(&c);
        nd_cycle_free(&cyc);
    }
}

/* "flip5q": flip5 in the coordinates X = Phi(x): Z = z + k1 z^2 and the radius R = r + k2 z^2 (the
 * angle kept). Phi is the identity to first order on the cycle (z = 0), so the eigenfunctions and
 * the normal form are those of flip5: c = c0 again, but now B does not vanish (a != 0, h2 != 0),
 * which checks the quadratic terms of the formula (3 B(v, h2) - 6 a A v). */
ND_RHS(flip5q)
{
    double k1 = p[3], k2 = p[4], Z = x[2];
    double z = k1 != 0 ? (-1 + sqrt(1 + 4 * k1 * Z)) / (2 * k1) : Z;
    double R = sqrt(x[0] * x[0] + x[1] * x[1]), cs = x[0] / R, sn = x[1] / R, r = R - k2 * z * z;
    double y[3] = {r * cs, r * sn, z}, dy[3];
    flip5_rhs(t, y, p, dy);
    double dr = cs * dy[0] + sn * dy[1], dth = (cs * dy[1] - sn * dy[0]) / r;
    double dR = dr + 2 * k2 * z * dy[2];
    dxdt[0] = dR * cs - R * dth * sn;
    dxdt[1] = dR * sn + R * dth * cs;
    dxdt[2] = (1 + 2 * k1 * z) * dy[2];
}
static const char *const flip5q_p[] = {"mu", "w", "c0", "k1", "k2"};
static const double flip5q_d[] = {-0.5, 1.0, -1.0, 0.7, -0.4};
static const nd_model flip5q_model = {.name = "flip5q", .n_vars = 3, .n_pars = 5, .var_names = xyz,
                                      .par_names = flip5q_p, .par_defaults = flip5q_d, .init = flip5_x0,
                                      .rhs = flip5q_rhs};

/* c = c0 in the curved coordinates too (to 1e-6 relative), both signs of c0 and of the curvature. */
Test(cycle_normal_form, pd_coefficient_invariant_under_quadratic_coordinates)
{
    const double c0s[] = {-1.0, 0.5}, k1s[] = {0.7, -0.5}, k2s[] = {-0.4, 0.6};
    for (size_t k = 0; k < 2; k++) {
        double p[5] = {-0.5, 1.0, c0s[k], k1s[k], k2s[k]};
        nd_cycle cyc;
        circle(3, 1.0, 1.0, &cyc);
        nd_cycle_curve c;
        nd_branch b;
        branch(&c, &flip5q_model, p, 0, &cyc, 1, -0.5, 0.5, 40, &b);
        const nd_special_point *pd = nth(&b, ND_CYC_PD, 0);
        cr_assert_not_null(pd, "no PD (stop: %s)", b.stop_reason);
        cr_log_info("flip5q c0 = %g, k1 = %g, k2 = %g: PD at mu = %.3g, c = %.12g", c0s[k], k1s[k], k2s[k], pd->data[1],
                    pd->data[4]);
        cr_expect(fabs(pd->data[4] - c0s[k]) < 1e-6 * fabs(c0s[k]), "c = %.12g, exact %g", pd->data[4], c0s[k]);
        nd_branch_free(&b);
        nd_cycle_curve_free(&c);
        nd_cycle_free(&cyc);
    }
}

/* ---- LPC ---------------------------------------------------------------------------------------- */
/* b = b2 W / k with W = 1 + k b2 / 2 (derivation at bautin_w): to 1e-6 relative. */
Test(cycle_normal_form, lpc_coefficient_closed_form)
{
    const double ks[] = {0.5, -0.8};
    for (size_t i = 0; i < 2; i++) {
        double p[3] = {-0.1, 1.0, ks[i]}, rho = (1 + sqrt(0.6)) / 2, w = 1 + ks[i] * rho;
        nd_cycle cyc;
        circle(2, sqrt(rho), w, &cyc);
        nd_cycle_curve c;
        nd_branch b;
        branch(&c, &bautin_w_model, p, 0, &cyc, -1, -0.5, 0.0, 40, &b);
        const nd_special_point *lpc = nth(&b, ND_CYC_LPC, 0);
        cr_assert_not_null(lpc, "no LPC (stop: %s)", b.stop_reason);
        double W = 1 + ks[i] * 0.5, exact = W / ks[i], coef = NAN;
        nd_error err;
        cr_assert_eq(nd_cycle_lpc_coefficient(&c, lpc->u, &coef, &err), ND_OK, "%s", err.msg);
        cr_log_info("bautin_w k = %g: LPC at b1 = %.12g, b = %.12g, exact %.12g", ks[i], lpc->data[1], coef, exact);
        cr_expect(fabs(coef - exact) < 1e-6 * fabs(exact), "b = %.12g, exact %.12g", coef, exact);
        cr_expect(fabs(lpc->data[4] - exact) < 1e-6 * fabs(exact), "special point's b = %.12g", lpc->data[4]);
        nd_branch_free(&b);
        nd_cycle_curve_free(&c);
        nd_cycle_free(&cyc);
    }
}

/* ---- NS ----------------------------------------------------------------------------------------- */
/* Re d = 2 l (derivation at torus2), both signs: to 1e-6 relative. */
Test(cycle_normal_form, ns_coefficient_closed_form)
{
    const double ls[] = {-0.7, 0.45};
    for (size_t i = 0; i < 2; i++) {
        double p[5] = {-0.5, 0.2, 0.3, ls[i], 0.4};
        nd_cycle cyc;
        circle(4, 1.0, 1.0, &cyc);
        nd_cycle_curve c;
        nd_branch b;
        branch(&c, &torus2_model, p, 0, &cyc, 1, -0.5, 0.2, 40, &b);
        const nd_special_point *ns = nth(&b, ND_CYC_NS, 0);
        cr_assert_not_null(ns, "no NS (stop: %s)", b.stop_reason);
        cr_expect(fabs(ns->data[1] + 0.2) < 1e-8, "NS at mu = %.12g, exact -0.2", ns->data[1]);
        double d = NAN;
        nd_error err;
        cr_assert_eq(nd_cycle_ns_coefficient(&c, ns->u, ns->data[2], &d, &err), ND_OK, "%s", err.msg);
        cr_log_info("torus2 l = %g: theta = %.12g, Re d = %.12g, exact %g", ls[i], ns->data[2], d, 2 * ls[i]);
        cr_expect(fabs(d - 2 * ls[i]) < 1e-6 * fabs(2 * ls[i]), "Re d = %.12g, exact %g", d, 2 * ls[i]);
        cr_expect(fabs(ns->data[4] - 2 * ls[i]) < 1e-6 * fabs(2 * ls[i]), "special point's d = %.12g", ns->data[4]);
        nd_branch_free(&b);
        nd_cycle_curve_free(&c);
        nd_cycle_free(&cyc);
    }
}

/* ---- GPD on a PD curve -------------------------------------------------------------------------- */
/* flip5's PD curve in (mu, c0) is mu = 0 with c = c0 along it: continued from the PD at c0 = -1
 * towards growing c0, one GPD at c0 = 0 (to 1e-6), mu = 0 on it (1e-8), multiplier -1 (1e-6); the
 * c at the points of the curve equals their c0 (1e-6 relative). */
Test(cycle_normal_form, gpd_on_the_pd_curve_closed_form)
{
    double p[3] = {-0.5, 1.0, -1.0};
    nd_cycle cyc;
    circle(3, 1.0, 1.0, &cyc);
    nd_cycle_curve c;
    nd_branch b;
    branch(&c, &flip5_model, p, 0, &cyc, 1, -0.5, 0.5, 40, &b);
    const nd_special_point *pd = nth(&b, ND_CYC_PD, 0);
    cr_assert_not_null(pd, "no PD (stop: %s)", b.stop_reason);
    nd_cycle2_curve pc;
    nd_error err;
    cr_assert_eq(nd_cycle2_curve_init(&pc, ND_CYCLE_CODIM2_PD, &flip5_model, p, 0, 2, NULL, 40, 4, &err), ND_OK, "%s",
                 err.msg);
    size_t dim = pc.type.dim;
    double *z0 = malloc(dim * sizeof *z0), *lo = malloc(dim * sizeof *lo), *hi = malloc(dim * sizeof *hi);
    cr_assert(z0 && lo && hi);
    cr_assert_eq(nd_cycle2_curve_start(&pc, &c, &b, (size_t)(pd - b.special), z0, &err), ND_OK, "%s", err.msg);
    for (size_t i = 0; i < dim; i++) lo[i] = -INFINITY, hi[i] = INFINITY;
    lo[dim - 2] = -1, hi[dim - 2] = 1, lo[dim - 1] = -1.5, hi[dim - 1] = 0.8;
    nd_cont_opts o;
    nd_cont_opts_init(&o);
    o.lo = lo, o.hi = hi, o.h_max = 0.1, o.max_points = 200, o.direction = 1;
    cr_assert_eq(nd_cycle2_curve_reset(&pc, z0, &err), ND_OK, "%s", err.msg);
    nd_branch half;
    cr_assert_eq(nd_continue(&pc.type, z0, NULL, &o, &half, &err), ND_OK, "%s", err.msg);
    cr_log_info("flip5 PD curve: %zu points, %zu special, stop: %s", half.n, half.n_special, half.stop_reason);
    double c0_end = nd_cycle2_curve_par(&pc, half.u + (half.n - 1) * dim, 1);
    cr_expect(c0_end > 0.79, "the curve ended at c0 = %g", c0_end);
    size_t n_gpd = 0;
    for (size_t i = 0; i < half.n_special; i++) n_gpd += half.special[i].test == ND_PD_GPD;
    cr_expect_eq(n_gpd, 1, "%zu GPD points", n_gpd);
    const nd_special_point *gpd = nth(&half, ND_PD_GPD, 0);
    cr_assert_not_null(gpd);
    cr_log_info("GPD at mu = %.3e, c0 = %.3e, multiplier %.12g, c = %.3e", gpd->data[1], gpd->data[2], gpd->data[3],
                gpd->data[4]);
    cr_expect(fabs(gpd->data[2]) < 1e-6 && fabs(gpd->data[1]) < 1e-8, "GPD at (%.3g, %.3g), exact (0, 0)", gpd->data[1],
              gpd->data[2]);
    cr_expect(fabs(gpd->data[3] + 1) < 1e-6, "multiplier %.12g", gpd->data[3]);
    for (size_t i = 0; i < half.n; i += 5) {
        double *z = half.u + i * dim, q = nd_cycle2_curve_par(&pc, z, 1), cc = NAN;
        pc.aux.p[2] = q; /* z's first dim - 1 values are the cycle's unknowns as the cycle curve scales them */
        cr_assert_eq(nd_cycle_pd_coefficient(&pc.aux, z, &cc, &err), ND_OK, "%s", err.msg);
        cr_expect(fabs(cc - q) < 1e-6 * fmax(fabs(q), 0.1), "c = %.12g at c0 = %.12g", cc, q);
    }
    nd_branch_free(&half);
    nd_cycle2_curve_free(&pc);
    nd_branch_free(&b);
    nd_cycle_curve_free(&c);
    nd_cycle_free(&cyc);
    free(z0), free(lo), free(hi);
}

/* ---- zoo ---------------------------------------------------------------------------------------- */
/* The first PD of the Rössler cycle (a = 0.2, b = b0) simulated at c = c_sim and continued in c over
 * [c_lo, c_hi], on ntst x 4: its normal-form coefficient (data[4]) and parameter. */
static double rossler_pd_coefficient(double b0, double c_sim, double c_lo, double c_hi, size_t ntst, double *c_pd)
{
    const nd_model *m = nd_builtin_find("rossler");
    double p[3] = {0.2, b0, c_sim}, lo[3], hi[3], x[3];
    for (int i = 0; i < 3; i++) lo[i] = m->var_lo[i], hi[i] = m->var_hi[i], x[i] = m->init[i];
    nd_region r = {lo, hi, NULL, x};
    nd_error err;
    nd_bif_diagram d;
    cr_assert_eq(nd_bifurcation_1d(m, p, 2, c_lo, c_hi, &r, NULL, &d, &err), ND_OK, "%s", err.msg);
    nd_cycle_set cs;
    memset(&cs, 0, sizeof cs);
    nd_cycle_set_opts_init(&cs.opts);
    cs.ntst = ntst;
    nd_cycle cyc;
    cr_assert_eq(nd_cycle_by_simulation(m, p, m->init, 0, 500, 2000, 1000, &cyc, &err), ND_OK, "%s", err.msg);
    cr_assert_eq(nd_cycles_from_simulation(m, p, 2, &r, &cyc, c_lo, c_hi, &cs, &err), ND_OK, "%s", err.msg);
    nd_cycle_free(&cyc);
    const nd_special_point *best = NULL;
    for (size_t i = 0; i < cs.n; i++)
        for (size_t s = 0; s < cs.branch[i].n_special; s++) {
            const nd_special_point *sp = &cs.branch[i].special[s];
            if (sp->test == ND_CYC_PD && (!best || sp->data[1] < best->data[1])) best = sp;
        }
    cr_assert_not_null(best, "no PD");
    double coef = best->data[4];
    *c_pd = best->data[1];
    nd_cycle_set_free(&cs);
    nd_bif_diagram_free(&d);
    return coef;
}

/* Rössler at b = 0.13: the period-2 cycle (simulated at c = 3.6) doubles at c = 3.69662315; its
 * doubled cycles, found by simulation at c = 3.8 and continued down to the PD, are stable: a
 * supercritical flip. c = -0.0336501527 on 80, 160 and 320 mesh intervals alike (1e-8 relative;
 * with KLU's default pivoting threshold the null vectors of this strongly contracting cycle, third
 * multiplier about 1e-17, were not even of the right sign). */
Test(cycle_normal_form, rossler_period_two_pd_is_supercritical_on_every_mesh)
{
    double cpd, ref = rossler_pd_coefficient(0.13, 3.6, 3.5, 3.75, 80, &cpd);
    cr_log_info("Rossler b = 0.13: PD at c = %.10f, normal form %.10g (80 x 4)", cpd, ref);
    cr_expect(fabs(cpd - 3.69662315) < 1e-7, "c_PD = %.10f", cpd);
    cr_expect(ref < 0, "c = %g: not supercritical", ref);
    const size_t meshes[2] = {160, 320};
    for (int k = 0; k < 2; k++) {
        double c = rossler_pd_coefficient(0.13, 3.6, 3.5, 3.75, meshes[k], &cpd);
        cr_log_info("Rossler b = 0.13: normal form %.10g (%zu x 4)", c, meshes[k]);
        cr_expect(fabs(c - ref) < 1e-8 * fabs(ref), "c = %.10g on %zu x 4, %.10g on 80 x 4", c, meshes[k], ref);
    }
}

/* Rössler (a = b = 0.2): the first PD of the period-1 cycle in c (2.8324450278625, issue 19's
 * shooting value) is supercritical: c < 0 (a stable doubled cycle beyond it, as the cascade shows);
 * its value is checked against a finer mesh (160 x 4): the two agree to 1e-4 relative. */
Test(cycle_normal_form, rossler_first_pd_is_supercritical)
{
    const nd_model *m = nd_builtin_find("rossler");
    double cvals[2];
    const size_t meshes[2] = {80, 160};
    for (int k = 0; k < 2; k++) {
        double p[3] = {0.2, 0.2, 2.5}, lo[3], hi[3], x[3];
        for (int i = 0; i < 3; i++) lo[i] = m->var_lo[i], hi[i] = m->var_hi[i], x[i] = m->init[i];
        nd_region r = {lo, hi, NULL, x};
        nd_error err;
        nd_bif_diagram d;
        cr_assert_eq(nd_bifurcation_1d(m, p, 2, 2.4, 3.2, &r, NULL, &d, &err), ND_OK, "%s", err.msg);
        nd_cycle_set cs;
        memset(&cs, 0, sizeof cs);
        nd_cycle_set_opts_init(&cs.opts);
        cs.ntst = meshes[k];
        nd_cycle cyc;
        cr_assert_eq(nd_cycle_by_simulation(m, p, m->init, 0, 500, 2000, 1000, &cyc, &err), ND_OK, "%s", err.msg);
        cr_assert_eq(nd_cycles_from_simulation(m, p, 2, &r, &cyc, 2.4, 3.2, &cs, &err), ND_OK, "%s", err.msg);
        nd_cycle_free(&cyc);
        const nd_special_point *best = NULL;
        for (size_t i = 0; i < cs.n; i++)
            for (size_t s = 0; s < cs.branch[i].n_special; s++) {
                const nd_special_point *sp = &cs.branch[i].special[s];
                if (sp->test == ND_CYC_PD && (!best || sp->data[1] < best->data[1])) best = sp;
            }
        cr_assert_not_null(best, "no PD");
        cr_expect(fabs(best->data[1] - 2.8324450278625) < 1e-8, "c_PD = %.13f", best->data[1]);
        cvals[k] = best->data[4];
        cr_log_info("Rossler PD at c = %.13f (%zu x 4): normal form c = %.10g", best->data[1], meshes[k], cvals[k]);
        cr_expect(cvals[k] < 0, "c = %g: not supercritical", cvals[k]);
        nd_cycle_set_free(&cs);
        nd_bif_diagram_free(&d);
    }
    cr_expect(fabs(cvals[0] - cvals[1]) < 1e-4 * fabs(cvals[1]), "c = %.10g (80) vs %.10g (160)", cvals[0], cvals[1]);
}

/* ---- R2 on a PD curve --------------------------------------------------------------------------- */
/* "flip2": flip5's cycle with both transverse coordinates twisted: in the frame turning by
 * theta / 2, (alpha, beta)' = L (alpha, beta) - alpha^3 (1, 1), L = [mu, 1; nu, 0] (the linear
 * part of the 1:2 resonance's unfolding, Kuznetsov, Elements, sec. 9.5). In (a, b) =
 * R(theta/2)(alpha, beta) the linear part is R L R^-1 + (w/2) J = p I + u S(theta) + v S'(theta)
 * + (q + w/2) J with p = u = mu/2, q = (nu - 1)/2, v = (nu + 1)/2, S = [cos, sin; sin, -cos],
 * S' = [-sin, cos; cos, sin], J = [0, -1; 1, 0]. The multipliers are -exp(lambda T), lambda^2 -
 * mu lambda - nu = 0: the PD curve (lambda = 0) is nu = 0, and on it the second lambda = mu
 * reaches 0 at mu = 0 with a Jordan block (the coupling 1): a 1:2 resonance (R2) at (0, 0)
 * exactly. (c has a pole there: the adjoint (0, -1/mu) of the critical direction (1, -mu).) */
ND_RHS(flip2)
{
    double r = sqrt(x[0] * x[0] + x[1] * x[1]), c = x[0] / r, s = x[1] / r, a = r - 1, b = x[2];
    double mu = p[0], nu = p[1], w = p[2];
    double pp = 0.5 * mu, u = 0.5 * mu, q = 0.5 * (nu - 1) + 0.5 * w, v = 0.5 * (nu + 1);
    double Pa = 0.5 * (a + c * a + s * b), Pb = 0.5 * (b + s * a - c * b); /* alpha e1 */
    double al2 = a * Pa + b * Pb;                                          /* alpha^2 */
    double da = pp * a + u * (c * a + s * b) + v * (-s * a + c * b) - q * b - al2 * (Pa - Pb);
    double db = pp * b + u * (s * a - c * b) + v * (c * a + s * b) + q * a - al2 * (Pb + Pa);
    dxdt[0] = da / r * x[0] - w * x[1];
    dxdt[1] = da / r * x[1] + w * x[0];
    dxdt[2] = db;
}
static const char *const flip2_p[] = {"mu", "nu", "w"};
static const double flip2_d[] = {-0.5, -0.5, 1.0};
static const nd_model flip2_model = {.name = "flip2", .n_vars = 3, .n_pars = 3, .var_names = xyz,
                                     .par_names = flip2_p, .par_defaults = flip2_d, .init = flip5_x0,
                                     .rhs = flip2_rhs};

Test(cycle_normal_form, r2_on_the_pd_curve_closed_form)
{
    double p[3] = {-0.5, -0.5, 1.0};
    nd_cycle cyc;
    circle(3, 1.0, 1.0, &cyc);
    nd_cycle_curve c;
    nd_branch b;
    branch(&c, &flip2_model, p, 1, &cyc, 1, -0.5, 0.5, 40, &b);
    const nd_special_point *pd = nth(&b, ND_CYC_PD, 0);
    cr_assert_not_null(pd, "no PD (stop: %s)", b.stop_reason);
    cr_expect(fabs(pd->data[1]) < 1e-8, "PD at nu = %.3g, exact 0", pd->data[1]);
    nd_cycle2_curve pc;
    nd_error err;
    cr_assert_eq(nd_cycle2_curve_init(&pc, ND_CYCLE_CODIM2_PD, &flip2_model, p, 1, 0, NULL, 40, 4, &err), ND_OK, "%s",
                 err.msg);
    size_t dim = pc.type.dim;
    double *z0 = malloc(dim * sizeof *z0), *lo = malloc(dim * sizeof *lo), *hi = malloc(dim * sizeof *hi);
    cr_assert(z0 && lo && hi);
    cr_assert_eq(nd_cycle2_curve_start(&pc, &c, &b, (size_t)(pd - b.special), z0, &err), ND_OK, "%s", err.msg);
    for (size_t i = 0; i < dim; i++) lo[i] = -INFINITY, hi[i] = INFINITY;
    lo[dim - 2] = -1, hi[dim - 2] = 1, lo[dim - 1] = -0.6, hi[dim - 1] = 0.4; /* nu, mu */
    nd_cont_opts o;
    nd_cont_opts_init(&o);
    o.lo = lo, o.hi = hi, o.h_max = 0.1, o.max_points = 200, o.direction = 1;
    cr_assert_eq(nd_cycle2_curve_reset(&pc, z0, &err), ND_OK, "%s", err.msg);
    nd_branch half;
    cr_assert_eq(nd_continue(&pc.type, z0, NULL, &o, &half, &err), ND_OK, "%s", err.msg);
    cr_log_info("flip2 PD curve: %zu points, %zu special, stop: %s", half.n, half.n_special, half.stop_reason);
    size_t n_r2 = 0, n_gpd = 0;
    for (size_t i = 0; i < half.n_special; i++) n_r2 += half.special[i].test == ND_PD_R2, n_gpd += half.special[i].test == ND_PD_GPD;
    cr_expect_eq(n_r2, 1, "%zu R2 points", n_r2);
    cr_expect_eq(n_gpd, 0, "%zu GPD points (c changes sign only through its pole at R2)", n_gpd);
    const nd_special_point *r2 = nth(&half, ND_PD_R2, 0);
    cr_assert_not_null(r2);
    cr_log_info("R2 at nu = %.3e, mu = %.3e, second multiplier %.12g", r2->data[1], r2->data[2], r2->data[3]);
    cr_expect(fabs(r2->data[1]) < 1e-8 && fabs(r2->data[2]) < 1e-6, "R2 at (nu, mu) = (%.3g, %.3g), exact (0, 0)",
              r2->data[1], r2->data[2]);
    cr_expect(fabs(r2->data[3] + 1) < 1e-4, "second multiplier %.12g", r2->data[3]);
    nd_branch_free(&half);
    nd_cycle2_curve_free(&pc);
    nd_branch_free(&b);
    nd_cycle_curve_free(&c);
    nd_cycle_free(&cyc);
    free(z0), free(lo), free(hi);
}

/* The CLI: `bifurcation rossler --cycles` reports the PD's coefficient and its criticality in the
 * JSON (the same value as the C API above, to 1e-6 relative: the CLI's mesh adapts) and in the
 * normal_form column of special_points.tsv. */
Test(cycle_normal_form, cli_reports_the_coefficients)
{
    char dir[256], args[1024], path[512];
    static char buf[1 << 22];
    cli_tmpdir_make(dir);
    snprintf(args, sizeof args, "bifurcation rossler --par c=2.4:3.2 --cycles --pd-depth 0 --json --outdir %s/out", dir);
    json_t *j = cli_json_in(dir, args);
    json_t *sps = json_object_get(j, "special_points");
    size_t n_pd = 0;
    for (size_t i = 0; i < json_array_size(sps); i++) {
        json_t *sp = json_array_get(sps, i);
        if (strcmp(json_string_value(json_object_get(sp, "type")), "PD")) continue;
        n_pd++;
        double c = json_number_value(json_object_get(sp, "normal_form"));
        const char *kind = json_string_value(json_object_get(sp, "criticality"));
        cr_log_info("PD at c = %.13f: normal form %.10g (%s)", json_number_value(json_object_get(sp, "c")), c,
                    kind ? kind : "?");
        cr_expect(fabs(c + 0.0217197131) < 1e-6 * 0.0217197131, "normal_form %.10g, C API -0.0217197131", c);
        cr_expect(kind && !strcmp(kind, "supercritical"), "criticality %s", kind ? kind : "(none)");
    }
    cr_expect_eq(n_pd, 1, "%zu PD points", n_pd);
    json_decref(j);
    snprintf(path, sizeof path, "%s/out/special_points.tsv", dir);
    cli_slurp(path, buf, sizeof buf);
    cr_expect(strstr(buf, "\tfrequency\tfirst_lyapunov\tnormal_form\tlabel\n"), "%.200s", buf);
    const char *row = strstr(buf, "\nPD\t");
    cr_assert_not_null(row, "no PD row: %.300s", buf);
    /* the normal_form column is the one before the label (the row's last) */
    const char *end = strchr(row + 1, '\n'), *tab = end;
    cr_assert_not_null(end);
    int tabs = 0;
    while (tab > row && tabs < 2) tabs += *--tab == '\t';
    cr_expect(fabs(strtod(tab + 1, NULL) + 0.0217197131) < 1e-6 * 0.0217197131, "TSV row %.*s", (int)(end - row - 1),
              row + 1);
    cli_tmpdir_remove(dir);
}
