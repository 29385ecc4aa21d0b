/* Limit cycles by orthogonal collocation (analysis/cycles/): continuation from Hopf points
 * and from simulated cycles, Floquet multipliers, LPC / PD / NS detection, the end of branches
 * at Hopf points and at SNICs, on normal forms and constructed systems whose cycles and
 * multipliers are known in closed form, and on zoo models against published values or
 * independent computations. Tolerances are stated at each check. */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "neurodyn/cycles.h"
#include "neurodyn/neurodyn.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* ---- models ------------------------------------------------------------------------------------- */
/* Hopf normal form x' = mu x - w y + s x r^2, y' = w x + mu y + s y r^2 (Kuznetsov, Elements of
 * Applied Bifurcation Theory, 3rd ed., sec. 3.4): for s = -1 and mu > 0 the cycle is the circle
 * r = sqrt(mu), period 2 pi / w, non-trivial multiplier exp(T d/dr (mu r - r^3)) = exp(-2 mu T). */
ND_RHS(hnf)
{
    double r2 = x[0] * x[0] + x[1] * x[1];
    dxdt[0] = p[0] * x[0] - p[2] * x[1] + p[1] * x[0] * r2;
    dxdt[1] = p[2] * x[0] + p[0] * x[1] + p[1] * x[1] * r2;
}
static const char *const xy[] = {"x", "y"}, *const hnf_p[] = {"mu", "s", "w"};
static const double hnf_d[] = {-0.5, -1.0, 2.0}, zero3[] = {0, 0, 0};
static const nd_model hnf_model = {.name = "hopf_nf", .n_vars = 2, .n_pars = 3, .var_names = xy, .par_names = hnf_p,
                                   .par_defaults = hnf_d, .init = zero3, .rhs = hnf_rhs};

/* Bautin (generalised Hopf) normal form r' = r (mu + r^2 - r^4), theta' = 1 (Kuznetsov sec.
 * 8.3): subcritical Hopf at mu = 0; cycles r^2 = (1 +- sqrt(1 + 4 mu)) / 2, which meet in a fold
 * of cycles at mu = -1/4, r^2 = 1/2; period 2 pi. */
ND_RHS(bautin)
{
    double r2 = x[0] * x[0] + x[1] * x[1], g = p[0] + r2 - r2 * r2;
    dxdt[0] = x[0] * g - x[1];
    dxdt[1] = x[1] * g + x[0];
}
static const char *const bautin_p[] = {"mu"};
static const double bautin_d[] = {-0.5};
static const nd_model bautin_model = {.name = "bautin_nf", .n_vars = 2, .n_pars = 1, .var_names = xy,
                                      .par_names = bautin_p, .par_defaults = bautin_d, .init = zero3,
                                      .rhs = bautin_rhs};

/* Constructed 3D systems around the cycle r = 1, z = 0 of theta' = w (r = sqrt(x^2+y^2)), with
 * the transverse coordinates (a, b) = (r - 1, z) obeying a linear system plus a cubic term that
 * vanishes on the cycle. So the cycle, its period 2 pi / w and its multipliers are exact for all
 * parameter values:
 *  - "flip": in the frame turning by theta/2, (alpha, beta) = R(-theta/2)(a, b) obey
 *    alpha' = mu alpha - alpha^3, beta' = -beta; in (a, b) that is the matrix
 *    (mu - 1)/2 I + (mu + 1)/2 S(theta) + (w/2) J, S(theta) = [cos, sin; sin, -cos], J = [0 -1; 1 0],
 *    and the cubic -alpha^2 P(theta)(a, b), P = (I + S)/2. After one period the frame has turned
 *    by pi: the multipliers are -exp(mu T) and -exp(-T); mu = 0 is a period doubling.
 *  - "torus": (a, b)' = [mu + k, -nu; nu, mu - k](a, b) - (a^2 + b^2)(a, b): multipliers
 *    exp((mu +- sqrt(k^2 - nu^2)) T). With k = 0, mu = 0 is a Neimark-Sacker bifurcation with
 *    angle nu T; with nu = 0, k = 1 the pair exp((mu +- 1) T) has product 1 at mu = 0, a neutral
 *    saddle cycle, which is no Neimark-Sacker point. */
static void polar_rhs(const double *x, double w, double da, double db, double *dxdt)
{
    double r = hypot(x[0], x[1]);
    dxdt[0] = da / r * x[0] - w * x[1];
    dxdt[1] = da / r * x[1] + w * x[0];
    dxdt[2] = db;
}

ND_RHS(flip)
{
    double r = sqrt(x[0] * x[0] + x[1] * x[1]), c = x[0] / r, s = x[1] / r, a = r - 1, b = x[2];
    double mu = p[0], w = p[1];
    double Sa = c * a + s * b, Sb = s * a - c * b;      /* S(theta) (a, b) */
    double Pa = 0.5 * (a + Sa), Pb = 0.5 * (b + Sb);    /* P(theta) (a, b) */
    double al2 = a * Pa + b * Pb;                       /* alpha^2 */
    double da = 0.5 * (mu - 1) * a + 0.5 * (mu + 1) * Sa - 0.5 * w * b - al2 * Pa;
    double db = 0.5 * (mu - 1) * b + 0.5 * (mu + 1) * Sb + 0.5 * w * a - al2 * Pb;
    polar_rhs(x, w, da, db, dxdt);
}
static const char *const xyz[] = {"x", "y", "z"}, *const flip_p[] = {"mu", "w"};
static const double flip_d[] = {-0.5, 1.0}, flip_x0[] = {1.0, 0.0, 0.1};
static const nd_model flip_model = {.name = "flip", .n_vars = 3, .n_pars = 2, .var_names = xyz, .par_names = flip_p,
                                    .par_defaults = flip_d, .init = flip_x0, .rhs = flip_rhs};

ND_RHS(torus)
{
    double r = hypot(x[0], x[1]), a = r - 1, b = x[2], q = a * a + b * b;
    double da = (p[0] + p[2]) * a - p[3] * b - q * a, db = p[3] * a + (p[0] - p[2]) * b - q * b;
    polar_rhs(x, p[1], da, db, dxdt);
}
static const char *const torus_p[] = {"mu", "w", "k", "nu"};
static const double torus_d[] = {-0.5, 1.0, 0.0, 0.3};
static const nd_model torus_model = {.name = "torus", .n_vars = 3, .n_pars = 4, .var_names = xyz,
                                     .par_names = torus_p, .par_defaults = torus_d, .init = flip_x0,
                                     .rhs = torus_rhs};

/* ---- helpers ------------------------------------------------------------------------------------ */
/* The equilibrium branch of m in parameter par from the equilibrium x0 at p[par] = p_lo to
 * p_hi (its Hopf points are what the cycle branches start from). */
static void eq_branch(const nd_model *m, const double *p, int par, const double *x0, double p_lo, double p_hi,
                      nd_branch *b)
{
    size_t n = m->n_vars;
    double lo[8], hi[8], u0[9], blo[9], bhi[9], pp[16];
    memcpy(pp, p, m->n_pars * sizeof *pp);
    pp[par] = p_lo;
    for (size_t i = 0; i < n; i++) lo[i] = -1e3, hi[i] = 1e3, u0[i] = x0[i], blo[i] = -1e3, bhi[i] = 1e3;
    u0[n] = p_lo, blo[n] = fmin(p_lo, p_hi) - 1e-9, bhi[n] = fmax(p_lo, p_hi);
    nd_region r = {lo, hi, NULL, x0};
    nd_eq_curve ec;
    nd_error err;
    cr_assert_eq(nd_eq_curve_init(&ec, m, pp, par, &r, &err), ND_OK, "%s", err.msg);
    nd_cont_opts o;
    nd_cont_opts_init(&o);
    o.lo = blo, o.hi = bhi, o.h_max = fabs(p_hi - p_lo) / 20;
    o.direction = p_hi > p_lo ? 1 : -1;
    cr_assert_eq(nd_continue(&ec.type, u0, NULL, &o, b, &err), ND_OK, "%s", err.msg);
    nd_eq_curve_free(&ec);
}

static const nd_special_point *nth(const nd_branch *b, int test, int k)
{
    for (size_t i = 0; i < b->n_special; i++)
        if (b->special[i].test == test && k-- == 0) return &b->special[i];
    return NULL;
}

static size_t count(const nd_branch *b, int test)
{
    size_t n = 0;
    for (size_t i = 0; i < b->n_special; i++) n += b->special[i].test == test;
    return n;
}

/* Options with a box on the parameter only (lo/hi: N values each, owned by the caller). */
static void cycle_opts(nd_cont_opts *o, size_t N, double plo, double phi, double h_max, double **lo, double **hi)
{
    nd_cont_opts_init(o);
    *lo = malloc(N * sizeof **lo), *hi = malloc(N * sizeof **hi);
    cr_assert(*lo && *hi);
    for (size_t i = 0; i < N; i++) (*lo)[i] = -INFINITY, (*hi)[i] = INFINITY;
    (*lo)[N - 1] = plo, (*hi)[N - 1] = phi;
    o->lo = *lo, o->hi = *hi, o->h_max = h_max, o->max_points = 3000;
}

/* The cycle branch from the k-th Hopf point of eb. */
static void from_hopf(nd_cycle_curve *c, const nd_model *m, const double *p, int par, const nd_branch *eb, int k,
                      size_t ntst, size_t ncol, double plo, double phi, double h_max, double tol, nd_branch *b)
{
    const nd_special_point *h = nth(eb, ND_EQ_H, k);
    cr_assert_not_null(h, "no Hopf point %d on the equilibrium branch", k);
    nd_error err;
    cr_assert_eq(nd_cycle_curve_init(c, m, p, par, NULL, ntst, ncol, &err), ND_OK, "%s", err.msg);
    size_t N = c->type.dim;
    double *u0 = malloc(N * sizeof *u0), *v0 = malloc(N * sizeof *v0), *lo, *hi;
    cr_assert_eq(nd_cycle_curve_from_hopf(c, h, 0, u0, v0, &err), ND_OK, "%s", err.msg);
    nd_cont_opts o;
    cycle_opts(&o, N, plo, phi, h_max, &lo, &hi);
    if (tol > 0) o.tol = tol;
    cr_assert_eq(nd_cycle_continue(c, u0, v0, &o, b, &err), ND_OK, "%s", err.msg);
    cr_assert_eq(c->n_info, b->n, "one record per branch point");
    free(u0), free(v0), free(lo), free(hi);
}

/* The cycle branch from a cycle found by simulation at p. */
static void from_sim(nd_cycle_curve *c, const nd_model *m, const double *p, int par, const double *x0, int var,
                     double transient, double t_max, size_t ntst, size_t ncol, int direction, double plo, double phi,
                     double h_max, nd_branch *b)
{
    nd_cycle cyc;
    nd_error err;
    cr_assert_eq(nd_cycle_by_simulation(m, p, x0, var, transient, t_max, 1000, &cyc, &err), ND_OK, "%s", err.msg);
    cr_assert_eq(nd_cycle_curve_init(c, m, p, par, NULL, ntst, ncol, &err), ND_OK, "%s", err.msg);
    size_t N = c->type.dim;
    double *u0 = malloc(N * sizeof *u0), *v0 = malloc(N * sizeof *v0), *lo, *hi;
    cr_assert_eq(nd_cycle_curve_from_cycle(c, &cyc, direction, u0, v0, &err), ND_OK, "%s", err.msg);
    nd_cont_opts o;
    cycle_opts(&o, N, plo, phi, h_max, &lo, &hi);
    cr_assert_eq(nd_cycle_continue(c, u0, v0, &o, b, &err), ND_OK, "%s", err.msg);
    cr_assert_eq(c->n_info, b->n, "one record per branch point");
    free(u0), free(v0), free(lo), free(hi);
    nd_cycle_free(&cyc);
}

/* The exact cycle (cos wt, sin wt, 0) of the constructed systems, sampled as
 * nd_cycle_by_simulation would return it (the transverse variable z is constant on the cycle,
 * which the simulation's convergence test, relative to each variable's range, cannot judge). */
static void exact_cycle(double w, nd_cycle *cyc)
{
    size_t n = 201;
    memset(cyc, 0, sizeof *cyc);
    cyc->period = 2 * M_PI / w, cyc->n_vars = 3, cyc->n = n;
    cyc->t = malloc(n * sizeof *cyc->t), cyc->x = malloc(3 * n * sizeof *cyc->x);
    cyc->xmax = malloc(3 * sizeof *cyc->xmax), cyc->xmin = malloc(3 * sizeof *cyc->xmin);
    cr_assert(cyc->t && cyc->x && cyc->xmax && cyc->xmin);
    for (size_t i = 0; i < n; i++) {
        double t = cyc->period * i / (n - 1);
        cyc->t[i] = t, cyc->x[3 * i] = cos(w * t), cyc->x[3 * i + 1] = sin(w * t), cyc->x[3 * i + 2] = 0.0;
    }
    cyc->xmax[0] = cyc->xmax[1] = 1, cyc->xmin[0] = cyc->xmin[1] = -1, cyc->xmax[2] = cyc->xmin[2] = 0;
}

static void from_exact(nd_cycle_curve *c, const nd_model *m, const double *p, size_t ntst, double plo, double phi,
                       double h_max, nd_branch *b)
{
    nd_cycle cyc;
    nd_error err;
    exact_cycle(p[1], &cyc);
    cr_assert_eq(nd_cycle_curve_init(c, m, p, 0, NULL, ntst, 4, &err), ND_OK, "%s", err.msg);
    size_t N = c->type.dim;
    double *u0 = malloc(N * sizeof *u0), *v0 = malloc(N * sizeof *v0), *lo, *hi;
    cr_assert_eq(nd_cycle_curve_from_cycle(c, &cyc, 1, u0, v0, &err), ND_OK, "%s", err.msg);
    nd_cont_opts o;
    cycle_opts(&o, N, plo, phi, h_max, &lo, &hi);
    cr_assert_eq(nd_cycle_continue(c, u0, v0, &o, b, &err), ND_OK, "%s", err.msg);
    free(u0), free(v0), free(lo), free(hi);
    nd_cycle_free(&cyc);
}

/* ---- normal forms ------------------------------------------------------------------------------ */
Test(cycles, hopf_normal_form_radius_period_and_multipliers)
{
    double p[3] = {-0.5, -1.0, 2.0}, x0[2] = {0, 0}, w = 2.0, T = 2 * M_PI / w;
    nd_branch eb, b;
    nd_cycle_curve c;
    eq_branch(&hnf_model, p, 0, x0, -0.5, 0.5, &eb);
    from_hopf(&c, &hnf_model, p, 0, &eb, 0, 20, 4, -1, 1, 0.1, 0, &b);
    cr_log_info("Hopf normal form: %zu points, stop: %s", b.n, b.stop_reason);
    cr_assert(b.n > 10 && b.stop == ND_STOP_BOX, "%zu points, %s", b.n, b.stop_reason);
    double worst_r = 0, worst_mu = 0, worst_triv = 0;
    for (size_t i = 0; i + 1 < b.n; i++) { /* the last point is interpolated onto the box */
        const nd_cycle_info *in = nd_cycle_curve_info(&c, i);
        double mu = in->par, r = sqrt(mu), mu2 = exp(-2 * mu * T);
        /* tolerances: radius 1e-6 (max over the collocation polynomials), period 1e-9, trivial
         * multiplier 1e-6, the other 1e-5 */
        cr_expect(fabs(in->xmax[0] - r) < 1e-6 && fabs(in->xmin[1] + r) < 1e-6, "point %zu: mu %g, max x %.12g, r %.12g",
                  i, mu, in->xmax[0], r);
        cr_expect(fabs(in->period - T) < 1e-9, "point %zu: T %.15g vs %.15g", i, in->period, T);
        cr_expect(in->trivial_dev < 1e-6, "point %zu: trivial multiplier off by %g", i, in->trivial_dev);
        cr_expect(fabs(in->mu_re[1] - mu2) < 1e-5 && in->mu_im[1] == 0, "point %zu: mu2 %.10g vs %.10g", i, in->mu_re[1],
                  mu2);
        cr_expect_eq(in->stable, 1);
        worst_r = fmax(worst_r, fabs(in->xmax[0] - r)), worst_mu = fmax(worst_mu, fabs(in->mu_re[1] - mu2));
        worst_triv = fmax(worst_triv, in->trivial_dev);
    }
    cr_log_info("Hopf normal form: worst radius error %.2e, multiplier error %.2e, |mu_triv - 1| %.2e", worst_r,
                worst_mu, worst_triv);
    cr_expect_eq(count(&b, ND_CYC_LPC) + count(&b, ND_CYC_PD) + count(&b, ND_CYC_NS), 0);
    nd_branch_free(&b);
    nd_branch_free(&eb);
    nd_cycle_curve_free(&c);
}

Test(cycles, bautin_fold_of_cycles)
{
    double p[1] = {-0.5}, x0[2] = {0, 0};
    nd_branch eb, b;
    nd_cycle_curve c;
    eq_branch(&bautin_model, p, 0, x0, -0.5, 0.5, &eb);
    from_hopf(&c, &bautin_model, p, 0, &eb, 0, 20, 4, -0.5, 0.3, 0.05, 0, &b);
    cr_log_info("Bautin: %zu points, stop: %s", b.n, b.stop_reason);
    const nd_special_point *lpc = nth(&b, ND_CYC_LPC, 0);
    cr_assert_not_null(lpc, "no LPC (stop: %s)", b.stop_reason);
    cr_expect_eq(count(&b, ND_CYC_LPC), 1);
    /* located to 1e-8 in mu (the brief asks 1e-6); the radius there sqrt(1/2), period 2 pi */
    cr_expect(fabs(lpc->u[c.type.dim - 1] + 0.25) < 1e-8, "mu_LPC = %.12g, exact -0.25", lpc->u[c.type.dim - 1]);
    cr_expect(fabs(lpc->data[1] + 0.25) < 1e-8);
    cr_expect(fabs(lpc->data[0] - 2 * M_PI) < 1e-9, "T = %.15g", lpc->data[0]);
    cr_log_info("Bautin: mu_LPC + 1/4 = %.2e", lpc->u[c.type.dim - 1] + 0.25);
    /* both branches: r^2 = (1 -+ sqrt(1 + 4 mu)) / 2 before / after the fold */
    for (size_t i = 0; i + 1 < b.n; i++) {
        const nd_cycle_info *in = nd_cycle_curve_info(&c, i);
        double d = sqrt(fmax(0.0, 1 + 4 * in->par)), r = sqrt(i <= lpc->after ? (1 - d) / 2 : (1 + d) / 2);
        cr_expect(fabs(in->xmax[0] - r) < 1e-6, "point %zu: mu %.10g max x %.12g, exact %.12g", i, in->par, in->xmax[0], r);
        cr_expect_eq(in->stable, i > lpc->after, "small cycles unstable, large ones stable (point %zu)", i);
    }
    nd_branch_free(&b);
    nd_branch_free(&eb);
    nd_cycle_curve_free(&c);
}

Test(cycles, period_doubling_of_a_constructed_cycle)
{
    double p[2] = {-0.5, 1.0}, x0[3] = {1.0, 0.0, 0.05}, T = 2 * M_PI;
    nd_branch b;
    nd_cycle_curve c;
    from_sim(&c, &flip_model, p, 0, x0, 0, 50, 300, 20, 4, 1, -0.5, 0.5, 0.05, &b);
    cr_log_info("flip: %zu points, stop: %s", b.n, b.stop_reason);
    cr_assert_eq(count(&b, ND_CYC_PD), 1, "PD points: %zu (stop: %s)", count(&b, ND_CYC_PD), b.stop_reason);
    cr_expect_eq(count(&b, ND_CYC_NS) + count(&b, ND_CYC_LPC), 0);
    const nd_special_point *pd = nth(&b, ND_CYC_PD, 0);
    double mu = pd->u[c.type.dim - 1];
    cr_log_info("flip: mu_PD = %.3e (exact 0), critical multiplier %.12g", mu, pd->data[2]);
    cr_expect(fabs(mu) < 1e-8, "mu_PD = %.3g, exact 0", mu);
    cr_expect(fabs(pd->data[2] + 1) < 1e-6, "critical multiplier %.12g", pd->data[2]);
    /* multipliers -exp(mu T), -exp(-T) along the branch (1e-6 relative), stable until mu = 0 */
    for (size_t i = 0; i + 1 < b.n; i++) {
        const nd_cycle_info *in = nd_cycle_curve_info(&c, i);
        double m1 = -exp(in->par * T), m2 = -exp(-T), a = fmax(fabs(in->mu_re[1]), fabs(in->mu_re[2])),
               z = fmin(fabs(in->mu_re[1]), fabs(in->mu_re[2]));
        cr_expect(fabs(in->period - T) < 1e-9);
        cr_expect(in->trivial_dev < 1e-8, "point %zu: |mu_triv - 1| = %g", i, in->trivial_dev);
        if (in->par < 0) {
            cr_expect(fabs(a - fabs(m1)) < 1e-6 * fabs(m1) && fabs(z - fabs(m2)) < 1e-6 * fabs(m2),
                      "point %zu (mu %g): |mu| %.10g %.10g, exact %.10g %.10g", i, in->par, a, z, fabs(m1), fabs(m2));
            cr_expect_eq(in->stable, 1);
        } else if (in->par > 1e-3) {
            cr_expect(fabs(a - fabs(m1)) < 1e-6 * fabs(m1) && in->mu_re[1] < 0, "point %zu: %.10g vs %.10g", i,
                      in->mu_re[1], m1);
            cr_expect_eq(in->stable, 0);
        }
    }
    nd_branch_free(&b);
    nd_cycle_curve_free(&c);
}

Test(cycles, neimark_sacker_and_neutral_saddle_cycles)
{
    double p[4] = {-0.5, 1.0, 0.0, 0.3};
    nd_branch b;
    nd_cycle_curve c;
    from_exact(&c, &torus_model, p, 20, -0.5, 0.5, 0.05, &b);
    cr_assert_eq(count(&b, ND_CYC_NS), 1, "NS points: %zu (stop: %s)", count(&b, ND_CYC_NS), b.stop_reason);
    cr_expect_eq(count(&b, ND_CYC_PD) + count(&b, ND_CYC_LPC), 0);
    const nd_special_point *ns = nth(&b, ND_CYC_NS, 0);
    double mu = ns->u[c.type.dim - 1], theta = 0.3 * 2 * M_PI;
    cr_log_info("torus: mu_NS = %.3e (exact 0), angle %.12g (exact %.12g)", mu, ns->data[2], theta);
    cr_expect(fabs(mu) < 1e-8, "mu_NS = %.3g, exact 0", mu);
    cr_expect(fabs(ns->data[2] - theta) < 1e-6, "angle %.12g, exact %.12g", ns->data[2], theta);
    nd_branch_free(&b);
    nd_cycle_curve_free(&c);

    /* k = 1, nu = 0: real multipliers exp((mu +- 1) T), product 1 at mu = 0: not a NS point */
    double q[4] = {-0.5, 1.0, 1.0, 0.0};
    from_exact(&c, &torus_model, q, 20, -0.5, 0.5, 0.05, &b);
    cr_expect(b.u[(b.n - 1) * c.type.dim + c.type.dim - 1] > 0.49, "the branch crossed mu = 0 (stop: %s)", b.stop_reason);
    cr_expect_eq(count(&b, ND_CYC_NS), 0, "a neutral saddle cycle was reported as a Neimark-Sacker point");
    nd_branch_free(&b);
    nd_cycle_curve_free(&c);
}

/* ---- van der Pol, Rossler -------------------------------------------------------------------------- */
Test(cycles, van_der_pol_period_and_amplitude)
{
    /* mu = 1: T = 6.6632868593 and max x = 2.00861986, the accepted values from high-precision
     * numerics (as in test_phase_plane.c); with ntst 40, ncol 4 both to 1e-6. */
    const nd_model *m = nd_builtin_find("van_der_pol");
    double p[1] = {1.0}, x0[2] = {2.0, 0.0};
    nd_branch b;
    nd_cycle_curve c;
    from_sim(&c, m, p, 0, x0, 0, 50, 400, 40, 4, 1, 0.5, 1.5, 0.1, &b);
    const nd_cycle_info *in = nd_cycle_curve_info(&c, 0);
    cr_log_info("van der Pol: T %.15g (error %.1e), max x %.15g (error %.1e), |mu_triv - 1| %.1e", in->period,
                in->period - 6.6632868593, in->xmax[0], in->xmax[0] - 2.00861986, in->trivial_dev);
    cr_expect(fabs(in->par - 1.0) < 1e-15);
    cr_expect(fabs(in->period - 6.6632868593) < 1e-6, "T = %.15g", in->period);
    cr_expect(fabs(in->xmax[0] - 2.00861986) < 1e-6, "max x = %.15g", in->xmax[0]);
    cr_expect(fabs(in->xmin[0] + 2.00861986) < 1e-6, "min x = %.15g", in->xmin[0]);
    /* planar: the non-trivial multiplier is exp(int_0^T div f dt) = exp(mu int (1 - x^2) dt) */
    cr_expect(in->stable == 1 && in->mu_re[1] > 0 && in->mu_re[1] < 1e-2, "mu2 = %g", in->mu_re[1]);
    /* the branch goes on in mu both ways from 1: at mu = 1 again after nd_cycle_curve_at */
    double *u = malloc(c.type.dim * sizeof *u);
    cr_assert_eq(nd_cycle_curve_at(&c, &b, 1.25, u, &in, NULL), ND_OK);
    cr_expect(fabs(in->par - 1.25) < 1e-15 && in->period > 6.66, "T(1.25) = %g", in->period);
    free(u);
    nd_branch_free(&b);
    nd_cycle_curve_free(&c);
}

Test(cycles, rossler_period_doubling_and_unstable_cycle)
{
    /* a = b = 0.2: the period-1 cycle, stable at c = 2.5, loses stability in a period doubling
     * near c = 2.83 (the start of the cascade, e.g. Strogatz, Nonlinear Dynamics and Chaos, sec.
     * 12.3, fig. 12.3.3). At c = 5.7 it is unstable with period 5.88108845586 and multipliers
     * 1, -2.403953527, ~0 (ChaosBook, "Roessler's model", prime cycle A:
     * cns.physics.gatech.edu/ChaosBook/extras/simon/Roessler.html). Tolerances 1e-8 (period)
     * and 1e-7 (multiplier), below the digits published. */
    const nd_model *m = nd_builtin_find("rossler");
    double p[3] = {0.2, 0.2, 2.5}, x0[3] = {1, 1, 1};
    nd_branch b;
    nd_cycle_curve c;
    double t0 = now();
    from_sim(&c, m, p, 2, x0, 0, 200, 800, 60, 4, 1, 2.5, 6.0, 0.2, &b);
    cr_log_info("Rossler: %zu points in %.3f s, stop: %s", b.n, now() - t0, b.stop_reason);
    const nd_special_point *pd = nth(&b, ND_CYC_PD, 0);
    cr_assert_not_null(pd, "no period doubling (stop: %s)", b.stop_reason);
    double cpd = pd->u[c.type.dim - 1];
    cr_log_info("Rossler: first period doubling at c = %.10g (multiplier %.10g)", cpd, pd->data[2]);
    cr_expect(cpd > 2.8 && cpd < 2.86, "c_PD = %.10g", cpd);
    cr_expect(fabs(pd->data[2] + 1) < 1e-6);
    double *u = malloc(c.type.dim * sizeof *u);
    const nd_cycle_info *in;
    nd_error err;
    cr_assert_eq(nd_cycle_curve_at(&c, &b, 5.7, u, &in, &err), ND_OK, "%s", err.msg);
    cr_log_info("Rossler c = 5.7: T %.12g (ChaosBook 5.88108845586), mu %.10g %.3g (ChaosBook -2.403953527, "
                "-1.8e-11), |mu_triv - 1| %.1e", in->period, in->mu_re[1], in->mu_re[2], in->trivial_dev);
    cr_expect(fabs(in->period - 5.88108845586) < 1e-8, "T = %.12g", in->period);
    cr_expect(fabs(in->mu_re[1] + 2.403953527) < 1e-7, "mu = %.12g", in->mu_re[1]);
    cr_expect(fabs(in->mu_re[2]) < 1e-8 && in->trivial_dev < 1e-8);
    cr_expect_eq(in->stable, 0);
    free(u);
    nd_branch_free(&b);
    nd_cycle_curve_free(&c);
}

/* ---- neuron models ---------------------------------------------------------------------------------- */
Test(cycles, fitzhugh_nagumo_branch_between_the_hopf_points)
{
    /* BrainPy's FHN (a = 0.7, b = 0.8, tau = 12.5). Both Hopf points are subcritical (see
     * test_continuation.c); the branch from the first one turns at a fold of cycles, grows through
     * the canard explosion into the relaxation oscillation and shrinks again to the second Hopf
     * point. The model is symmetric under V -> -V, w -> 2a/b - w, I -> 2a/b - I = 1.75 - I, so
     * the two folds satisfy I_LPC1 + I_LPC2 = 1.75 exactly. */
    const nd_model *m = nd_builtin_find("fhn");
    double p[4], x[2];
    nd_model_default_params(m, p);
    nd_model_default_state(m, x);
    p[3] = 0.0;
    nd_branch eb, b;
    nd_cycle_curve c;
    double xe[2] = {-1.199408035, -0.6242600437}; /* the rest state at Iext = 0 */
    eq_branch(m, p, 3, xe, 0.0, 2.0, &eb);
    cr_assert_eq(count(&eb, ND_EQ_H), 2);
    double V = sqrt(1 - 0.8 / 12.5);
    double I2 = -(V - V * V * V / 3) + (V + 0.7) / 0.8;
    double t0 = now();
    from_hopf(&c, m, p, 3, &eb, 0, 80, 4, 0.0, 2.0, 0.1, 1e-9, &b);
    double dt = now() - t0;
    cr_log_info("FitzHugh-Nagumo: %zu points in %.3f s (ntst 80, ncol 4); stop: %s", b.n, dt, b.stop_reason);
    /* the branch ends at the second Hopf point, extrapolated to zero amplitude (1e-8) */
    cr_expect_eq(c.stopped, ND_CYC_STOP_HOPF, "stop: %s", b.stop_reason);
    const nd_special_point *h = nth(&b, ND_CYC_H, 0);
    cr_assert_not_null(h);
    cr_log_info("FitzHugh-Nagumo: end at I = %.12g, second Hopf point %.12g (difference %.1e)", h->data[1], I2,
                h->data[1] - I2);
    cr_expect(fabs(h->data[1] - I2) < 1e-8, "I_H = %.12g, exact %.12g", h->data[1], I2);
    cr_expect(fabs(h->data[0] - 2 * M_PI / eb.special[1].data[0]) < 1e-6, "T at the Hopf point %.10g", h->data[0]);
    const nd_cycle_info *last = nd_cycle_curve_info(&c, b.n - 1);
    cr_expect(last->amplitude < 0.5, "amplitude near the end: %g", last->amplitude);
    cr_assert_eq(count(&b, ND_CYC_LPC), 2, "LPC points: %zu", count(&b, ND_CYC_LPC));
    double l1 = nth(&b, ND_CYC_LPC, 0)->data[1], l2 = nth(&b, ND_CYC_LPC, 1)->data[1];
    cr_log_info("FitzHugh-Nagumo: folds of cycles at I = %.12g and %.12g (sum - 1.75 = %.1e)", l1, l2, l1 + l2 - 1.75);
    cr_expect(fabs(l1 + l2 - 1.75) < 1e-8, "I_LPC %.12g + %.12g", l1, l2);
    cr_expect(l1 > 0.3241 && l1 < 0.3243);
    cr_expect_eq(count(&b, ND_CYC_PD) + count(&b, ND_CYC_NS), 0);

    /* at Iext = 0.5 against the simulated cycle (rkdp, rtol 1e-10): period and extrema to 1e-6 */
    double *u = malloc(c.type.dim * sizeof *u);
    const nd_cycle_info *in;
    nd_error err;
    cr_assert_eq(nd_cycle_curve_at(&c, &b, 0.5, u, &in, &err), ND_OK, "%s", err.msg);
    double ps[4];
    memcpy(ps, p, sizeof ps);
    ps[3] = 0.5;
    double xs[2] = {-1, -0.5};
    nd_cycle cyc;
    cr_assert_eq(nd_cycle_by_simulation(m, ps, xs, 0, 200, 2000, 400, &cyc, &err), ND_OK, "%s", err.msg);
    cr_log_info("FitzHugh-Nagumo at I = 0.5: T %.12g (simulation %.12g), V in [%.10g, %.10g] (simulation [%.10g, "
                "%.10g]), stable %d, mu2 %.3g", in->period, cyc.period, in->xmin[0], in->xmax[0], cyc.xmin[0],
                cyc.xmax[0], in->stable, in->mu_re[1]);
    cr_expect(fabs(in->period - cyc.period) < 1e-6, "T %.12g vs %.12g", in->period, cyc.period);
    for (int i = 0; i < 2; i++)
        cr_expect(fabs(in->xmax[i] - cyc.xmax[i]) < 1e-6 && fabs(in->xmin[i] - cyc.xmin[i]) < 1e-6,
                  "variable %d: [%.10g, %.10g] vs [%.10g, %.10g]", i, in->xmin[i], in->xmax[i], cyc.xmin[i], cyc.xmax[i]);
    cr_expect_eq(in->stable, 1);
    nd_cycle_free(&cyc);
    free(u);
    nd_branch_free(&b);
    nd_branch_free(&eb);
    nd_cycle_curve_free(&c);
}

Test(cycles, hodgkin_huxley_branch_from_the_subcritical_hopf_point)
{
    /* gL = 0.3 (the classic leak): the rest state loses stability in a subcritical Hopf
     * bifurcation at I = 9.78; the unstable cycles turn at a fold near I = 6.26 and the stable
     * branch of repetitive firing reaches the supercritical Hopf point at I = 154.5 (Rinzel &
     * Miller (1980) Math. Biosci. 49:27; Hassard (1978) J. Theor. Biol. 71:401; Guckenheimer &
     * Labouriau (1993) Bull. Math. Biol. 55:937 for the folds and period doublings of the
     * unstable cycles near I = 7.8-7.9). With ntst 40 the period is converged to 1e-8 (checked
     * against ntst 80 below). */
    const nd_model *m = nd_builtin_find("hodgkin_huxley");
    double p[8], x[4];
    nd_model_default_params(m, p);
    nd_model_default_state(m, x);
    nd_error err;
    cr_assert_eq(nd_model_set_par(m, p, "gL=0.3", &err), ND_OK);
    double xe[4] = {-65.0, 0.053, 0.596, 0.318};
    nd_branch eb, b;
    nd_cycle_curve c;
    p[7] = 0.0;
    nd_fp_result fr;
    double lo[4] = {-100, 0, 0, 0}, hi[4] = {60, 1, 1, 1};
    nd_region r = {lo, hi, NULL, xe};
    cr_assert_eq(nd_fixed_points(m, p, &r, NULL, &fr, &err), ND_OK, "%s", err.msg);
    memcpy(xe, fr.points[0].x, sizeof xe);
    nd_fp_result_free(&fr);
    eq_branch(m, p, 7, xe, 0.0, 200.0, &eb);
    cr_assert_eq(count(&eb, ND_EQ_H), 2);
    double t0 = now();
    from_hopf(&c, m, p, 7, &eb, 0, 40, 4, 0.0, 200.0, 1.0, 1e-9, &b);
    double dt = now() - t0;
    cr_log_info("Hodgkin-Huxley: %zu points in %.3f s (ntst 40, ncol 4); stop: %s", b.n, dt, b.stop_reason);
    cr_expect_eq(c.stopped, ND_CYC_STOP_HOPF, "stop: %s", b.stop_reason);
    const nd_special_point *h = nth(&b, ND_CYC_H, 0);
    cr_assert_not_null(h);
    cr_log_info("Hodgkin-Huxley: end at I = %.10g, equilibrium branch's Hopf point %.10g", h->data[1],
                eb.special[1].u[4]);
    cr_expect(fabs(h->data[1] - eb.special[1].u[4]) < 1e-6, "I_H2 = %.10g vs %.10g", h->data[1], eb.special[1].u[4]);
    /* the fold of the repetitive-firing branch: the lowest LPC */
    double ilpc = INFINITY;
    for (size_t i = 0; i < b.n_special; i++)
        if (b.special[i].test == ND_CYC_LPC) ilpc = fmin(ilpc, b.special[i].data[1]);
    cr_log_info("Hodgkin-Huxley: fold of cycles at I = %.10g, %zu LPC, %zu PD", ilpc, count(&b, ND_CYC_LPC),
                count(&b, ND_CYC_PD));
    cr_expect(fabs(ilpc - 6.26) < 0.01, "I_LPC = %.10g (published 6.26)", ilpc);
    /* stable between the fold and the second Hopf point (I = 20 and 100) */
    double *u = malloc(c.type.dim * sizeof *u);
    const nd_cycle_info *in;
    cr_assert_eq(nd_cycle_curve_at(&c, &b, 20.0, u, &in, &err), ND_OK, "%s", err.msg);
    double T40 = in->period;
    cr_expect_eq(in->stable, 1);
    cr_expect(in->trivial_dev < 1e-5, "|mu_triv - 1| = %g", in->trivial_dev);
    cr_expect(in->xmax[0] > 20 && in->xmax[0] < 35, "V max %g", in->xmax[0]);
    free(u);
    nd_branch_free(&b);
    nd_cycle_curve_free(&c);

    /* the same branch with twice the mesh: the period at I = 20 agrees to 1e-8 */
    from_hopf(&c, m, p, 7, &eb, 0, 80, 4, 0.0, 30.0, 1.0, 1e-9, &b);
    u = malloc(c.type.dim * sizeof *u);
    cr_assert_eq(nd_cycle_curve_at(&c, &b, 20.0, u, &in, &err), ND_OK, "%s", err.msg);
    cr_log_info("Hodgkin-Huxley at I = 20: T %.12g (ntst 40) %.12g (ntst 80), difference %.1e", T40, in->period,
                T40 - in->period);
    cr_expect(fabs(T40 - in->period) < 1e-8, "T %.12g vs %.12g", T40, in->period);
    free(u);
    nd_branch_free(&b);
    nd_branch_free(&eb);
    nd_cycle_curve_free(&c);
}

Test(cycles, morris_lecar_snic_ends_the_branch_with_a_reason)
{
    /* SNIC set (Rinzel & Ermentrout 1989): the cycle of class I firing at I = 45, continued
     * down in I, has a period that grows without bound as I approaches the saddle-node on the
     * invariant circle, the fold of the equilibria (the local maximum of the steady-state I-V
     * curve, computed independently below as in test_continuation.c). The branch must end with
     * that explanation, close above the fold. */
    const nd_model *m = nd_builtin_find("morris_lecar_snic");
    double p[13], x[2] = {-60, 0.0};
    nd_model_default_params(m, p);
    nd_branch b;
    nd_cycle_curve c;
    double t0 = now();
    from_sim(&c, m, p, 1, x, 0, 500, 3000, 40, 4, -1, 30, 45, 0.5, &b);
    cr_log_info("Morris-Lecar SNIC: %zu points in %.3f s; stop: %s", b.n, now() - t0, b.stop_reason);
    cr_expect_eq(c.stopped, ND_CYC_STOP_PERIOD);
    cr_expect(strstr(b.stop_reason, "period grows without bound near ") &&
                  strstr(b.stop_reason, "homoclinic orbit or SNIC"),
              "%s", b.stop_reason);
    /* the fold: max of I_ss(V) = gL (V - VL) + gCa m_inf (V - VCa) + gK w_inf (V - VK) */
    double best = -INFINITY;
    for (double V = -40; V < 0; V += 1e-4) {
        double minf = 0.5 * (1 + tanh((V + 1.2) / 18)), winf = 0.5 * (1 + tanh((V - 12) / 17.4));
        best = fmax(best, 2 * (V + 60) + 4 * minf * (V - 120) + 8 * winf * (V + 84));
    }
    const nd_cycle_info *in = nd_cycle_curve_info(&c, b.n - 1);
    cr_log_info("Morris-Lecar SNIC: last point I = %.10g, T = %.6g; saddle-node at I = %.10g", in->par, in->period,
                best);
    cr_expect(in->par > best && in->par - best < 2e-3, "I = %.10g, fold at %.10g", in->par, best);
    cr_expect(in->period > 49 * nd_cycle_curve_info(&c, 0)->period);
    nd_branch_free(&b);
    nd_cycle_curve_free(&c);
}

Test(cycles, slice_with_the_plain_continuer_and_profiles)
{
    /* The torus system with z held at 0 (a slice: region with z fixed) is the planar system
     * r' = mu (r - 1) - (r - 1)^3, theta' = 1: the cycle r = 1 has the multiplier exp(mu T).
     * Continued by nd_continue itself (fixed mesh, records from the label hook). */
    double p[4] = {-0.5, 1.0, 0.0, 0.0}, lo[3] = {-2, -2, -1}, hi[3] = {2, 2, 1}, at[3] = {0, 0, 0};
    int fixed[3] = {0, 0, 1};
    nd_region r = {lo, hi, fixed, at};
    nd_cycle_curve c;
    nd_error err;
    cr_assert_eq(nd_cycle_curve_init(&c, &torus_model, p, 0, &r, 16, 5, &err), ND_OK, "%s", err.msg);
    cr_assert_eq(c.k, 2);
    size_t N = c.type.dim;
    cr_expect_eq(N, (16 * 5 + 1) * 2 + 2);
    nd_cycle cyc;
    exact_cycle(1.0, &cyc);
    double *u0 = malloc(N * sizeof *u0), *v0 = malloc(N * sizeof *v0), *blo, *bhi;
    cr_assert_eq(nd_cycle_curve_from_cycle(&c, &cyc, 1, u0, v0, &err), ND_OK, "%s", err.msg);
    nd_cont_opts o;
    cycle_opts(&o, N, -0.5, -0.1, 0.05, &blo, &bhi);
    nd_branch b;
    cr_assert_eq(nd_continue(&c.type, u0, v0, &o, &b, &err), ND_OK, "%s", err.msg);
    cr_assert_eq(c.n_info, b.n);
    cr_expect(b.n > 3 && b.stop == ND_STOP_BOX, "%s", b.stop_reason);
    double xs[21 * 2];
    for (size_t i = 0; i + 1 < b.n; i++) {
        const nd_cycle_info *in = nd_cycle_curve_info(&c, i);
        double T = 2 * M_PI, m1 = exp(in->par * T);
        cr_expect(fabs(in->period - T) < 1e-9 && fabs(in->mu_re[1] - m1) < 1e-6 * m1, "point %zu: T %.12g mu %.10g vs %.10g",
                  i, in->period, in->mu_re[1], m1);
        cr_expect(b.label[i] == 1 && in->stable == 1);
        /* the orbit sampled at 21 times is the unit circle (1e-8) */
        cr_assert_eq(nd_cycle_curve_profile(&c, &b, i, 21, xs, &err), ND_OK, "%s", err.msg);
        for (int k = 0; k < 21; k++)
            cr_expect(fabs(hypot(xs[2 * k], xs[2 * k + 1]) - 1) < 1e-8, "point %zu sample %d: r = %.12g", i, k,
                      hypot(xs[2 * k], xs[2 * k + 1]));
    }
    cr_expect_eq(nd_cycle_curve_profile(&c, &b, b.n, 21, xs, &err), ND_EINVAL);
    free(u0), free(v0), free(blo), free(bhi);
    nd_cycle_free(&cyc);
    nd_branch_free(&b);
    nd_cycle_curve_free(&c);
}

/* Bogdanov-Takens normal form x' = y, y' = b1 + b2 x + x^2 - x y (Kuznetsov sec. 8.4): for
 * b2 = -1 the cycles born at the Hopf point b1 = 0 grow into a homoclinic orbit of the saddle.
 * Near it the period grows like T = -ln|b1 - b1_hom| / lambda_u + O(1) (Kuznetsov sec. 6.2),
 * lambda_u the unstable eigenvalue of the saddle. */
ND_RHS(btnf)
{
    dxdt[0] = x[1];
    dxdt[1] = p[0] + p[1] * x[0] + x[0] * x[0] - x[0] * x[1];
}
static const char *const bt_p[] = {"b1", "b2"};
static const double bt_d[] = {-1.0, -1.0};
static const nd_model bt_model = {.name = "bt_nf", .n_vars = 2, .n_pars = 2, .var_names = xy, .par_names = bt_p,
                                  .par_defaults = bt_d, .init = zero3, .rhs = btnf_rhs};

Test(cycles, homoclinic_approach_ends_the_branch_with_a_reason)
{
    double p[2] = {-1.0, -1.0}, xe[2] = {(1 + sqrt(5.0)) / 2, 0};
    nd_branch eb, b;
    nd_cycle_curve c;
    eq_branch(&bt_model, p, 0, xe, -1.0, 1.0, &eb);
    from_hopf(&c, &bt_model, p, 0, &eb, 0, 60, 4, -1.0, 1.0, 0.1, 0, &b);
    cr_log_info("Bogdanov-Takens: %zu points; stop: %s", b.n, b.stop_reason);
    cr_expect_eq(c.stopped, ND_CYC_STOP_PERIOD);
    cr_expect(strstr(b.stop_reason, "period grows without bound near ") &&
                  strstr(b.stop_reason, "homoclinic orbit or SNIC"),
              "%s", b.stop_reason);
    /* the growth rate of the period between T ~ 15 and T ~ 30 (b1 at the last point stands in
     * for b1_hom: they differ by about exp(-lambda_u T_last)) against lambda_u at the saddle */
    const nd_cycle_info *last = nd_cycle_curve_info(&c, b.n - 1), *a = NULL, *z = NULL;
    for (size_t i = 0; i < b.n; i++) {
        const nd_cycle_info *in = nd_cycle_curve_info(&c, i);
        if (!a && in->period > 15) a = in;
        if (!z && in->period > 30) z = in;
    }
    cr_assert(a && z && last->period > 40, "T at the end %g", last->period);
    double b1 = last->par, xs = (1 + sqrt(1 - 4 * b1)) / 2; /* the saddle: x^2 - x + b1 = 0 */
    double tr = -xs, det = -(-1 + 2 * xs), lu = 0.5 * (tr + sqrt(tr * tr - 4 * det));
    double rate = (log(fabs(a->par - b1)) - log(fabs(z->par - b1))) / (z->period - a->period);
    cr_log_info("Bogdanov-Takens: homoclinic near b1 = %.10g; period growth rate %.5f, lambda_u %.5f", b1, rate, lu);
    cr_expect(fabs(rate - lu) < 0.02 * lu, "rate %.6g, lambda_u %.6g", rate, lu);
    nd_branch_free(&b);
    nd_branch_free(&eb);
    nd_cycle_curve_free(&c);
}

/* ---- bad input -------------------------------------------------------------------------------------- */
Test(cycles, bad_arguments_are_explained)
{
    nd_cycle_curve c;
    nd_error err;
    double p[3] = {0.1, -1, 1};
    cr_expect_eq(nd_cycle_curve_init(&c, &hnf_model, p, 5, NULL, 20, 4, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "out of range"), "%s", err.msg);
    cr_expect_eq(nd_cycle_curve_init(&c, &hnf_model, p, 0, NULL, 20, 9, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "ncol"), "%s", err.msg);
    cr_expect_eq(nd_cycle_curve_init(&c, &hnf_model, p, 0, NULL, 1, 4, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "ntst"), "%s", err.msg);
    int fixed[2] = {0, 1};
    double at[2] = {0, 0}, lo[2] = {-1, -1}, hi[2] = {1, 1};
    nd_region r = {lo, hi, fixed, at};
    cr_expect_eq(nd_cycle_curve_init(&c, &hnf_model, p, 0, &r, 20, 4, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "free variables"), "%s", err.msg);
    cr_assert_eq(nd_cycle_curve_init(&c, &hnf_model, p, 0, NULL, 0, 0, &err), ND_OK, "%s", err.msg);
    cr_expect(c.ntst == 40 && c.ncol == 4 && c.type.dim == (40 * 4 + 1) * 2 + 2);
    double hu[3] = {0, 0, 0}, *u0 = malloc(c.type.dim * sizeof *u0), *v0 = malloc(c.type.dim * sizeof *v0);
    nd_special_point h = {.test = ND_EQ_H, .u = hu};
    h.data[0] = -1.0;
    cr_expect_eq(nd_cycle_curve_from_hopf(&c, &h, 0, u0, v0, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "omega"), "%s", err.msg);
    h.data[0] = 5.0; /* the eigenvalues at mu = 0.1 are 0.1 +- i */
    cr_expect_eq(nd_cycle_curve_from_hopf(&c, &h, 0, u0, v0, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "no eigenvalue near"), "%s", err.msg);
    free(u0), free(v0);
    nd_cycle_curve_free(&c);
}

/* ---- periods along the branches of the zoo's diagrams ---------------------------------------- */
/* The period at parameter value `at` on the cycle set's branches, from the cycle corrected there. */
static double period_at(nd_cycle_set *cs, double at, int want_stable)
{
    for (size_t c = 0; c < cs->n; c++) {
        size_t N = cs->curve[c].type.dim;
        double *u = malloc(N * sizeof *u);
        const nd_cycle_info *in;
        nd_error err;
        int ok = !nd_cycle_curve_at(&cs->curve[c], &cs->branch[c], at, u, &in, &err) && in->stable == want_stable;
        double T = ok ? in->period : NAN;
        free(u);
        if (ok) return T;
    }
    return NAN;
}

static void zoo_cycles(const char *name, const char *set, double lo_p, double hi_p, size_t scan, nd_bif_diagram *d,
                       nd_cycle_set *cs)
{
    const nd_model *m = nd_builtin_find(name);
    cr_assert_not_null(m);
    double p[32], x[8], lo[8], hi[8];
    nd_model_default_params(m, p);
    nd_model_default_state(m, x);
    nd_error err;
    if (set) cr_assert_eq(nd_model_set_par(m, p, set, &err), ND_OK, "%s", err.msg);
    for (size_t i = 0; i < m->n_vars; i++) lo[i] = m->var_lo[i], hi[i] = m->var_hi[i];
    nd_region r = {lo, hi, NULL, x};
    int par = nd_model_par_index(m, m->bif_par, NULL);
    cr_assert_eq(nd_bifurcation_1d(m, p, par, lo_p, hi_p, &r, NULL, d, &err), ND_OK, "%s", err.msg);
    memset(cs, 0, sizeof *cs);
    cr_assert_eq(nd_cycles_from_hopf(d, p, &r, lo_p, hi_p, cs, &err), ND_OK, "%s", err.msg);
    if (scan) cr_assert_eq(nd_cycles_from_scan(d, p, &r, lo_p, hi_p, scan, cs, &err), ND_OK, "%s", err.msg);
}

Test(cycles, periods_along_the_zoo_branches_against_auto)
{
    /* AUTO-07p (NTST 80 and 160 agree to 3e-9; see tests/test_diagrams.c for the run): the
     * periods of the stable cycles at round parameter values, NTST 80 here, to 1e-8 relative */
    static const struct {
        const char *model, *set;
        double lo, hi, at, T;
        size_t scan;
    } cases[] = {
        {"morris_lecar", NULL, 0, 250, 150, 66.161752735, 0},
        {"morris_lecar", NULL, 0, 250, 100, 85.290641043, 0},
        {"hodgkin_huxley", NULL, 0, 20, 10, 14.144639769, 0},
        {"hodgkin_huxley", "gL=0.3", 0, 200, 100, 6.7902707173, 0},
        {"inap_ik", NULL, -100, 400, 100, 2.7405356243, 0},
        {"morris_lecar_snic", NULL, 0, 150, 65, 54.338593882, 0},
        {"wilson_cowan", NULL, 0, 3, 1.5, 3.3385858704, 0},
        {"van_der_pol", NULL, -1, 3, 1, 6.6632868593, 5}, /* a cycle from simulation */
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        nd_bif_diagram d;
        nd_cycle_set cs;
        zoo_cycles(cases[k].model, cases[k].set, cases[k].lo, cases[k].hi, cases[k].scan, &d, &cs);
        double T = period_at(&cs, cases[k].at, 1);
        cr_expect(fabs(T - cases[k].T) < 1e-8 * cases[k].T, "%s%s%s: T(%g) = %.12g, AUTO %.12g", cases[k].model,
                  cases[k].set ? " " : "", cases[k].set ? cases[k].set : "", cases[k].at, T, cases[k].T);
        nd_cycle_set_free(&cs);
        nd_bif_diagram_free(&d);
    }
}

static void add_progress(void *ctx, double done)
{
    cr_expect(done >= 0 && done <= 1, "a report of %g", done);
    *(double *)ctx += done;
}

Test(cycles, progress_counts_each_start_once)
{
    /* Morris–Lecar over its default range: two Hopf points (the branch from the first ends at
     * the second, which is then skipped, and still counts), then a scan of 3 values; each start
     * reports 1 in all, in parts, whatever its branches did */
    const nd_model *m = nd_builtin_find("morris_lecar");
    double p[32], x[8], lo[8], hi[8];
    nd_model_default_params(m, p);
    nd_model_default_state(m, x);
    for (size_t i = 0; i < m->n_vars; i++) lo[i] = m->var_lo[i], hi[i] = m->var_hi[i];
    nd_region r = {lo, hi, NULL, x};
    int par = nd_model_par_index(m, m->bif_par, NULL);
    nd_bif_diagram d;
    nd_error err;
    cr_assert_eq(nd_bifurcation_1d(m, p, par, m->bif_lo, m->bif_hi, &r, NULL, &d, &err), ND_OK, "%s", err.msg);
    size_t n_hopf = 0;
    for (size_t b = 0; b < d.n_branches; b++)
        for (size_t s = 0; s < d.branches[b].n_special; s++) n_hopf += d.branches[b].special[s].test == ND_EQ_H;
    cr_assert_eq(n_hopf, 2);
    nd_cycle_set cs = {0};
    double sum = 0;
    cs.progress = add_progress, cs.progress_ctx = &sum;
    cr_assert_eq(nd_cycles_from_hopf(&d, p, &r, m->bif_lo, m->bif_hi, &cs, &err), ND_OK, "%s", err.msg);
    cr_expect(fabs(sum - 2.0) < 1e-12, "%.15g after the Hopf points", sum);
    cr_assert_eq(nd_cycles_from_scan(&d, p, &r, m->bif_lo, m->bif_hi, 3, &cs, &err), ND_OK, "%s", err.msg);
    cr_expect(fabs(sum - 5.0) < 1e-12, "%.15g after the scan", sum);
    nd_cycle_set_free(&cs);
    cr_expect(cs.progress == add_progress, "the callback is a setting: it stays");
    nd_bif_diagram_free(&d);
}
