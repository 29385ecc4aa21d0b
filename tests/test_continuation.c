/* Continuation of equilibria: special points on normal forms with exact locations and
 * coefficients, neutral saddles rejected, and the FitzHugh–Nagumo Hopf points in closed form. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "neurodyn/neurodyn.h"
#include "reference.h"

/* Hopf normal form with quadratic terms: x' = mu x - w y + x^2 + x y + s x r^2,
 * y' = w x + mu y + y^2 + s y r^2 (r^2 = x^2 + y^2). By the Guckenheimer–Holmes formula
 * (Nonlinear Oscillations, eq. 3.4.11) r' = a r^3 on the centre manifold at the Hopf point
 * mu = 0 with a = s + [f_xy (f_xx + f_yy)] / (16 w) = s + 1/(8 w). In l1's normalisation
 * (Kuznetsov, Elements, eq. 3.20 with <q, q> = 1, <p, q> = 1, as MatCont's eigenvectors)
 * q = (1, -i)/sqrt(2), x = z q + conj(z q) gives r = sqrt(2) |z|, so |z|' = 2 a |z|^3:
 * Re c1 = 2 a and l1 = Re c1 / w = 2 (s + 1/(8 w)) / w. */
ND_RHS(hopf_nf)
{
    double r2 = x[0] * x[0] + x[1] * x[1];
    dxdt[0] = p[0] * x[0] - p[2] * x[1] + x[0] * x[0] + x[0] * x[1] + p[1] * x[0] * r2;
    dxdt[1] = p[2] * x[0] + p[0] * x[1] + x[1] * x[1] + p[1] * x[1] * r2;
}

static const char *const hv[] = {"x", "y"}, *const hp[] = {"mu", "s", "w"};
static const double hd[] = {-0.5, -1.0, 1.0}, h0[] = {0, 0};
static const nd_model hopf_model = {.name = "hopf_nf", .n_vars = 2, .n_pars = 3, .var_names = hv, .par_names = hp,
                                    .par_defaults = hd, .init = h0, .rhs = hopf_nf_rhs};

/* x' = mu - x^2, y' = -y: a fold at mu = 0, x = 0 (Kuznetsov sec. 3.2). */
ND_RHS(fold_nf)
{
    dxdt[0] = p[0] - x[0] * x[0];
    dxdt[1] = -x[1];
}
static const char *const fp_[] = {"mu"};
static const double fd[] = {1.0}, f0[] = {1, 0};
static const nd_model fold_model = {.name = "fold_nf", .n_vars = 2, .n_pars = 1, .var_names = hv, .par_names = fp_,
                                    .par_defaults = fd, .init = f0, .rhs = fold_nf_rhs};

/* x' = mu x - x^3, y' = -y: the trivial branch x = 0 meets the pitchfork at mu = 0 (a branch
 * point of the equilibrium curve). */
ND_RHS(pitch_nf)
{
    dxdt[0] = p[0] * x[0] - x[0] * x[0] * x[0];
    dxdt[1] = -x[1];
}
static const double pd[] = {-1.0}, p0[] = {0, 0};
static const nd_model pitch_model = {.name = "pitch_nf", .n_vars = 2, .n_pars = 1, .var_names = hv, .par_names = fp_,
                                     .par_defaults = pd, .init = p0, .rhs = pitch_nf_rhs};

/* x' = mu x + y, y' = x: trace mu, determinant -1: at mu = 0 the eigenvalues are +-1, a
 * neutral saddle, where the Hopf test function vanishes but there is no Hopf bifurcation. */
ND_RHS(saddle_nf)
{
    dxdt[0] = p[0] * x[0] + x[1];
    dxdt[1] = x[0];
}
static const nd_model saddle_model = {.name = "neutral_saddle", .n_vars = 2, .n_pars = 1, .var_names = hv,
                                      .par_names = fp_, .par_defaults = pd, .init = p0, .rhs = saddle_nf_rhs};

static void continue_from(const nd_model *m, double *p, const double *u0, double lo_par, double hi_par,
                          nd_branch *b, nd_eq_curve *c)
{
    double lo[2] = {-10, -10}, hi[2] = {10, 10}, x[2] = {0, 0};
    nd_region r = {lo, hi, NULL, x};
    nd_error err;
    cr_assert_eq(nd_eq_curve_init(c, m, p, 0, &r, &err), ND_OK, "%s", err.msg);
    nd_cont_opts o;
    nd_cont_opts_init(&o);
    double blo[3] = {-10, -10, lo_par}, bhi[3] = {10, 10, hi_par};
    o.lo = blo, o.hi = bhi;
    o.direction = u0[2] < 0.5 * (lo_par + hi_par) ? 1 : -1;
    cr_assert_eq(nd_continue(&c->type, u0, NULL, &o, b, &err), ND_OK, "%s", err.msg);
}

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

Test(continuation, hopf_point_and_first_lyapunov_coefficient_on_the_normal_form)
{
    const double s_values[] = {-1.0, 0.5}, w_values[] = {1.0, 2.0};
    for (int k = 0; k < 2; k++) {
        double p[3] = {-0.5, s_values[k], w_values[k]}, u0[3] = {0, 0, -0.5};
        nd_branch b;
        nd_eq_curve c;
        continue_from(&hopf_model, p, u0, -0.5, 0.5, &b, &c);
        const nd_special_point *h = first(&b, ND_EQ_H);
        cr_assert_not_null(h, "no Hopf point found (stop: %s)", b.stop_reason);
        double w = w_values[k], s = s_values[k], l1 = 2 * (s + 1.0 / (8 * w)) / w;
        /* the general planar formula agrees with the hand-derived value (a check on planar_l1) */
        double J[4] = {0, -w, w, 0}, B[2][2][2] = {{{2, 1}, {1, 0}}, {{0, 0}, {0, 2}}}, C[2][2][2][2] = {{{{0}}}};
        C[0][0][0][0] = 6 * s, C[0][0][1][1] = C[0][1][0][1] = C[0][1][1][0] = 2 * s;
        C[1][1][1][1] = 6 * s, C[1][0][0][1] = C[1][0][1][0] = C[1][1][0][0] = 2 * s;
        cr_expect(fabs(planar_l1(J, B, C) - l1) < 1e-14, "planar formula %.15g, by hand %.15g", planar_l1(J, B, C), l1);
        cr_expect(fabs(h->u[2]) < 1e-10, "mu_H = %.3g, exact 0", h->u[2]);
        cr_expect(fabs(h->data[0] - w) < 1e-9, "omega = %.12g, exact %g", h->data[0], w);
        /* the multilinear forms come from finite differences of f (steps eps^(1/4), eps^(1/5)):
         * their error is ~1e-6 relative, the stated tolerance */
        cr_expect(fabs(h->data[1] - l1) < 1e-5 * fmax(1.0, fabs(l1)), "l1 = %.10g, exact %.10g", h->data[1], l1);
        cr_expect_eq(count(&b, ND_EQ_H), 1);
        nd_branch_free(&b);
        nd_eq_curve_free(&c);
    }
}

Test(continuation, fold_point_located_on_the_normal_form)
{
    double p[1] = {1.0}, u0[3] = {1, 0, 1.0};
    nd_branch b;
    nd_eq_curve c;
    continue_from(&fold_model, p, u0, -1, 2, &b, &c);
    const nd_special_point *lp = first(&b, ND_EQ_LP);
    cr_assert_not_null(lp, "no fold (stop: %s)", b.stop_reason);
    cr_expect(fabs(lp->u[2]) < 1e-10, "mu_LP = %.3g, exact 0", lp->u[2]);
    cr_expect(fabs(lp->u[0]) < 1e-5, "x_LP = %.3g, exact 0", lp->u[0]); /* x ~ sqrt(mu) */
    cr_expect_eq(count(&b, ND_EQ_BP), 0);
    /* the branch turns: after the fold x < 0 and the parameter grows again */
    cr_expect(b.u[(b.n - 1) * 3] < 0, "the branch went around the fold");
    nd_branch_free(&b);
    nd_eq_curve_free(&c);
}

Test(continuation, branch_point_of_the_pitchfork)
{
    double p[1] = {-1.0}, u0[3] = {0, 0, -1.0};
    nd_branch b;
    nd_eq_curve c;
    continue_from(&pitch_model, p, u0, -1, 1, &b, &c);
    const nd_special_point *bp = first(&b, ND_EQ_BP);
    cr_assert_not_null(bp, "no branch point (stop: %s)", b.stop_reason);
    cr_expect(fabs(bp->u[2]) < 1e-10, "mu_BP = %.3g, exact 0", bp->u[2]);
    nd_branch_free(&b);
    nd_eq_curve_free(&c);
}

Test(continuation, neutral_saddles_are_not_hopf_points)
{
    double p[1] = {-1.0}, u0[3] = {0, 0, -1.0};
    nd_branch b;
    nd_eq_curve c;
    continue_from(&saddle_model, p, u0, -1, 1, &b, &c);
    cr_expect(b.u[(b.n - 1) * 3 + 2] > 0.9, "the branch crossed mu = 0");
    cr_expect_eq(count(&b, ND_EQ_H), 0, "a neutral saddle was reported as a Hopf point");
    nd_branch_free(&b);
    nd_eq_curve_free(&c);
}

Test(continuation, fitzhugh_nagumo_hopf_points_in_closed_form)
{
    /* At a Hopf point the trace 1 - V^2 - b/tau vanishes: V = +-sqrt(1 - b/tau), and
     * Iext = -(V - V^3/3) + (V + a)/b on the equilibrium (BrainPy's FHN, a=0.7, b=0.8,
     * tau=12.5); omega^2 = det = (1 - b/tau) ... = 1/tau - (b/tau)^2 */
    const nd_model *m = nd_builtin_find("fhn");
    double p[4], x[2];
    nd_model_default_params(m, p);
    p[3] = 0.0;
    nd_model_default_state(m, x);
    double lo[2] = {-3, -3}, hi[2] = {3, 3};
    nd_region r = {lo, hi, NULL, x};
    nd_fp_result fr;
    nd_error err;
    cr_assert_eq(nd_fixed_points(m, p, &r, NULL, &fr, &err), ND_OK);
    cr_assert_eq(fr.n, 1);
    nd_eq_curve c;
    cr_assert_eq(nd_eq_curve_init(&c, m, p, 3, &r, &err), ND_OK, "%s", err.msg);
    double u0[3] = {fr.points[0].x[0], fr.points[0].x[1], 0.0};
    nd_fp_result_free(&fr);
    nd_cont_opts o;
    nd_cont_opts_init(&o);
    double blo[3] = {-3, -3, -0.01}, bhi[3] = {3, 3, 2};
    o.lo = blo, o.hi = bhi;
    nd_branch b;
    cr_assert_eq(nd_continue(&c.type, u0, NULL, &o, &b, &err), ND_OK, "%s", err.msg);
    cr_assert_eq(count(&b, ND_EQ_H), 2, "stop: %s", b.stop_reason);
    double V = sqrt(1 - 0.8 / 12.5), omega = sqrt(1 / 12.5 - (0.8 / 12.5) * (0.8 / 12.5));
    double I1 = -(-V + V * V * V / 3) + (-V + 0.7) / 0.8, I2 = -(V - V * V * V / 3) + (V + 0.7) / 0.8;
    const nd_special_point *h1 = &b.special[0], *h2 = &b.special[1];
    cr_expect(fabs(h1->u[2] - I1) < 1e-10, "I_H1 = %.15g, exact %.15g", h1->u[2], I1);
    cr_expect(fabs(h2->u[2] - I2) < 1e-10, "I_H2 = %.15g, exact %.15g", h2->u[2], I2);
    cr_expect(fabs(h1->u[0] + V) < 1e-9 && fabs(h2->u[0] - V) < 1e-9);
    cr_expect(fabs(h1->data[0] - omega) < 1e-9, "omega %.12g vs %.12g", h1->data[0], omega);
    /* l1 at both Hopf points: B(x, y) = (-2 V x1 y1, 0) and C(x, y, z) = (-2 x1 y1 z1, 0); the two
     * points differ only in the sign of V, and l1 is even in B, so both have the same l1 > 0
     * (subcritical). Reference 0.971971081988999: Kuznetsov's eq. 3.20 with <q, q> = 1,
     * <p, q> = 1 evaluated in 40-digit arithmetic (mpmath) from these exact derivatives, equal to
     * the Guckenheimer–Holmes closed form planar_l1 computed here; the "MatCont:
     * 0.97197108" agrees to its 8 digits. (MatCont 7's nf_H itself prints Re c1 = omega l1 =
     * 0.267784648054.) With the forms by finite differences the measured relative errors are
     * 1.0e-9 and 3.8e-9. */
    const double l1_ref = 0.971971081988999;
    double J[4] = {1 - V * V, -1, 1 / 12.5, -0.8 / 12.5}, B[2][2][2] = {{{0}}}, C[2][2][2][2] = {{{{0}}}};
    C[0][0][0][0] = -2;
    B[0][0][0] = 2 * V; /* at V_H1 = -V */
    double l1_h1 = planar_l1(J, B, C);
    B[0][0][0] = -2 * V; /* at V_H2 = V */
    double l1_h2 = planar_l1(J, B, C);
    cr_log_info("FitzHugh-Nagumo l1: %.12f at Iext = %.12f, %.12f at Iext = %.12f (closed form %.15f, %.15f)",
                h1->data[1], h1->u[2], h2->data[1], h2->u[2], l1_h1, l1_h2);
    cr_expect(fabs(l1_h1 - l1_ref) < 1e-14 && fabs(l1_h2 - l1_ref) < 1e-14, "closed form %.15g %.15g", l1_h1, l1_h2);
    cr_expect(fabs(h1->data[1] - l1_ref) < 5e-8 * l1_ref, "l1 = %.12g at H1, exact %.12g", h1->data[1], l1_ref);
    cr_expect(fabs(h2->data[1] - l1_ref) < 5e-8 * l1_ref, "l1 = %.12g at H2, exact %.12g", h2->data[1], l1_ref);
    /* stability flips at each Hopf point: stable, unstable, stable */
    cr_expect_eq(b.label[0], 1);
    cr_expect_eq(b.label[h1->after + 1], 0);
    cr_expect_eq(b.label[b.n - 1], 1);
    nd_branch_free(&b);
    nd_eq_curve_free(&c);
}

Test(continuation, bad_starts_are_explained)
{
    double p[1] = {1.0}, u0[3] = {5, 5, 1.0}; /* far from x^2 = mu */
    nd_eq_curve c;
    double lo[2] = {-10, -10}, hi[2] = {10, 10}, x[2] = {0, 0};
    nd_region r = {lo, hi, NULL, x};
    nd_error err;
    cr_assert_eq(nd_eq_curve_init(&c, &fold_model, p, 0, &r, &err), ND_OK);
    nd_branch b;
    nd_status st = nd_continue(&c.type, u0, NULL, NULL, &b, &err);
    if (st) cr_expect(strstr(err.msg, "not on the equilibrium curve"), "%s", err.msg);
    else cr_expect(fabs(b.u[0] * b.u[0] - b.u[2]) < 1e-8, "the corrector found the curve: (%g, %g)", b.u[0], b.u[2]);
    if (!st) nd_branch_free(&b);
    nd_eq_curve_free(&c);
    cr_expect_eq(nd_eq_curve_init(&c, &fold_model, p, 3, &r, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "out of range"), "%s", err.msg);
    nd_eq_curve_free(&c);
}

/* Continues the equilibria of a zoo model in parameter `par` from p0 to p1, starting at the
 * single equilibrium found at p0 (the one with the lowest first variable when there are more). */
static void zoo_branch(const char *name, const char *par, double p0, double p1, const double *lo, const double *hi,
                       const char *set, nd_branch *b, nd_eq_curve *c)
{
    const nd_model *m = nd_builtin_find(name);
    cr_assert_not_null(m);
    size_t n = m->n_vars;
    double p[16], x[8];
    nd_model_default_params(m, p);
    nd_model_default_state(m, x);
    nd_error err;
    if (set) cr_assert_eq(nd_model_set_par(m, p, set, &err), ND_OK, "%s", err.msg);
    int k = nd_model_par_index(m, par, &err);
    cr_assert(k >= 0, "%s", err.msg);
    p[k] = p0;
    nd_region r = {lo, hi, NULL, x};
    nd_fp_result fr;
    cr_assert_eq(nd_fixed_points(m, p, &r, NULL, &fr, &err), ND_OK, "%s", err.msg);
    cr_assert(fr.n >= 1);
    double u0[9], blo[9], bhi[9];
    for (size_t i = 0; i < n; i++) u0[i] = fr.points[0].x[i], blo[i] = lo[i], bhi[i] = hi[i];
    u0[n] = p0, blo[n] = p0 - 1e-9, bhi[n] = p1;
    nd_fp_result_free(&fr);
    cr_assert_eq(nd_eq_curve_init(c, m, p, k, &r, &err), ND_OK, "%s", err.msg);
    nd_cont_opts o;
    nd_cont_opts_init(&o);
    o.lo = blo, o.hi = bhi, o.h_max = (p1 - p0) / 20;
    cr_assert_eq(nd_continue(&c->type, u0, NULL, &o, b, &err), ND_OK, "%s", err.msg);
}

Test(continuation, hodgkin_huxley_hopf_points_against_published_values)
{
    /* With the classic leak gL = 0.3 mS/cm^2 (the zoo follows BrainPy's 0.03) the rest state
     * of the Hodgkin–Huxley model loses stability in a subcritical Hopf bifurcation at
     * I = 9.78 uA/cm^2 and regains it in a supercritical one at I = 154.5 (Rinzel & Miller
     * (1980) Math. Biosci. 49:27; Hassard (1978) J. Theor. Biol. 71:401). Published to the
     * digits given, hence the tolerance 0.01. */
    const double lo[4] = {-100, 0, 0, 0}, hi[4] = {60, 1, 1, 1};
    nd_branch b;
    nd_eq_curve c;
    zoo_branch("hodgkin_huxley", "Iext", 0, 200, lo, hi, "gL=0.3", &b, &c);
    cr_assert_eq(count(&b, ND_EQ_H), 2, "stop: %s", b.stop_reason);
    cr_expect(fabs(b.special[0].u[4] - 9.78) < 0.01, "I_H1 = %.6g", b.special[0].u[4]);
    cr_expect(fabs(b.special[1].u[4] - 154.5) < 0.05, "I_H2 = %.6g", b.special[1].u[4]);
    cr_expect(b.special[0].data[1] > 0, "subcritical: l1 = %g", b.special[0].data[1]);
    cr_expect(b.special[1].data[1] < 0, "supercritical: l1 = %g", b.special[1].data[1]);
    nd_branch_free(&b);
    nd_eq_curve_free(&c);
}

/* Morris–Lecar, independently of the continuation: on the equilibrium curve w = w_inf(V) and
 * I = I_ss(V) = gL(V - VL) + gCa m_inf(V)(V - VCa) + gK w_inf(V)(V - VK). Folds are the
 * extrema of I_ss; Hopf points are where the trace of the Jacobian,
 * -(gL + gCa (m_inf' (V - VCa) + m_inf) + gK w_inf)/C - phi / tau_w(V), vanishes (with the
 * determinant positive). Parameters as in models/morris_lecar.c (Rinzel & Ermentrout 1989). */
typedef struct ml_pars {
    double C, gL, VL, gCa, VCa, gK, VK, V1, V2, V3, V4, phi;
} ml_pars;

static double ml_minf(const ml_pars *q, double V) { return 0.5 * (1 + tanh((V - q->V1) / q->V2)); }
static double ml_winf(const ml_pars *q, double V) { return 0.5 * (1 + tanh((V - q->V3) / q->V4)); }
static double ml_iss(const ml_pars *q, double V)
{
    return q->gL * (V - q->VL) + q->gCa * ml_minf(q, V) * (V - q->VCa) + q->gK * ml_winf(q, V) * (V - q->VK);
}
static double ml_trace(const ml_pars *q, double V)
{
    double h = 1e-6, dm = (ml_minf(q, V + h) - ml_minf(q, V - h)) / (2 * h);
    double tau = 1 / cosh((V - q->V3) / (2 * q->V4));
    return -(q->gL + q->gCa * (dm * (V - q->VCa) + ml_minf(q, V)) + q->gK * ml_winf(q, V)) / q->C - q->phi / tau;
}

static double bisect(double (*f)(const ml_pars *, double), const ml_pars *q, double a, double b)
{
    for (int it = 0; it < 200; it++) {
        double mid = 0.5 * (a + b);
        if ((f(q, a) < 0) == (f(q, mid) < 0)) a = mid;
        else b = mid;
    }
    return 0.5 * (a + b);
}

static double ml_diss(const ml_pars *q, double V) { return (ml_iss(q, V + 1e-5) - ml_iss(q, V - 1e-5)) / 2e-5; }

Test(continuation, morris_lecar_hopf_and_fold_against_independent_conditions)
{
    const double lo[2] = {-80, -0.1}, hi[2] = {60, 1};
    ml_pars hopf = {20, 2, -60, 4.4, 120, 8, -84, -1.2, 18, 2, 30, 0.04};
    nd_branch b;
    nd_eq_curve c;
    zoo_branch("morris_lecar", "I", 0, 300, lo, hi, NULL, &b, &c);
    cr_assert(count(&b, ND_EQ_H) >= 1, "stop: %s", b.stop_reason);
    /* the first sign change of the trace above rest */
    double V = -60, Vh = NAN;
    for (; V < 40; V += 0.01)
        if (ml_trace(&hopf, V) < 0 && ml_trace(&hopf, V + 0.01) >= 0) {
            Vh = bisect(ml_trace, &hopf, V, V + 0.01);
            break;
        }
    cr_assert(isfinite(Vh));
    double Ih = ml_iss(&hopf, Vh);
    cr_expect(fabs(b.special[0].u[2] - Ih) < 1e-6, "I_H = %.10g, trace condition %.10g", b.special[0].u[2], Ih);
    nd_branch_free(&b);
    nd_eq_curve_free(&c);

    ml_pars snic = {20, 2, -60, 4.0, 120, 8, -84, -1.2, 18, 12, 17.4, 1.0 / 15};
    zoo_branch("morris_lecar_snic", "I", 0, 150, lo, hi, NULL, &b, &c);
    const nd_special_point *lp = first(&b, ND_EQ_LP);
    cr_assert_not_null(lp, "stop: %s", b.stop_reason);
    /* the lower stable branch ends at the local maximum of I_ss (the SNIC fold) */
    double Vmax = NAN;
    for (V = -70; V < 20; V += 0.01)
        if (ml_diss(&snic, V) > 0 && ml_diss(&snic, V + 0.01) <= 0) {
            Vmax = bisect(ml_diss, &snic, V, V + 0.01);
            break;
        }
    cr_assert(isfinite(Vmax));
    cr_expect(fabs(lp->u[2] - ml_iss(&snic, Vmax)) < 1e-6, "I_LP = %.10g, max of I_ss %.10g", lp->u[2],
              ml_iss(&snic, Vmax));
    nd_branch_free(&b);
    nd_eq_curve_free(&c);
}

Test(continuation, diagram_switches_branches_at_the_pitchfork)
{
    /* x' = mu x - x^3: from mu = -1 the trivial branch x = 0 reaches the branch point at
     * mu = 0, where the branch x^2 = mu crosses it. That branch (found from the equilibria at
     * mu = 1, or by switching at the branch point) is computed once, from x = -1 to x = 1 at
     * mu = 1 (the end of the range), its ends corrected onto that face. */
    double p[1] = {-1.0}, lo[2] = {-2, -2}, hi[2] = {2, 2}, x[2] = {0, 0};
    nd_region r = {lo, hi, NULL, x};
    nd_bif_diagram d;
    nd_error err;
    cr_assert_eq(nd_bifurcation_1d(&pitch_model, p, 0, -1, 1, &r, NULL, &d, &err), ND_OK, "%s", err.msg);
    cr_expect_eq(d.n_start, 1);
    cr_assert_eq(d.n_branches, 2, "%zu branches", d.n_branches);
    cr_expect_eq(d.from_bp[0], -1);
    const nd_branch *br = &d.branches[1];
    const double *a = br->u, *b = br->u + (br->n - 1) * 3;
    cr_expect(a[2] == 1.0 && b[2] == 1.0, "both ends at mu = 1: %.17g, %.17g", a[2], b[2]);
    cr_expect(fabs(fabs(a[0]) - 1) < 1e-12 && fabs(fabs(b[0]) - 1) < 1e-12 && a[0] * b[0] < 0, "x = %.15g, %.15g",
              a[0], b[0]);
    cr_expect_eq(br->stop, ND_STOP_BOX, "%s", br->stop_reason);
    cr_expect_eq(br->label[0], 1, "the pitchfork branches are stable");
    cr_expect_eq(br->label[br->n - 1], 1, "the pitchfork branches are stable");
    cr_expect_eq(d.branches[0].label[d.branches[0].n - 1], 0, "the trivial branch is unstable past mu = 0");
    size_t bps = 0;
    for (size_t i = 0; i < d.n_branches; i++) bps += count(&d.branches[i], ND_EQ_BP);
    cr_expect_eq(bps, 1, "the branch point once, though it lies on both branches");
    cr_expect_eq(count(br, ND_EQ_LP), 0, "the turn of the crossing branch at the branch point is no fold");
    nd_bif_diagram_free(&d);
}

Test(continuation, diagram_of_morris_lecar_snic_follows_the_fold)
{
    /* at I = 0 the SNIC set has three equilibria; the lower two lie on one branch joined at
     * the fold, so the diagram has two branches, not three */
    const nd_model *m = nd_builtin_find("morris_lecar_snic");
    double p[16], x[2], lo[2] = {-80, -0.1}, hi[2] = {60, 1};
    nd_model_default_params(m, p);
    nd_model_default_state(m, x);
    nd_region r = {lo, hi, NULL, x};
    nd_bif_diagram d;
    nd_error err;
    cr_assert_eq(nd_bifurcation_1d(m, p, nd_model_par_index(m, "I", NULL), 0, 150, &r, NULL, &d, &err), ND_OK, "%s",
                 err.msg);
    cr_expect_eq(d.n_start, 3);
    cr_expect_eq(d.n_branches, 2, "%zu branches", d.n_branches);
    nd_bif_diagram_free(&d);
}

/* A curve type that brings its own bordered solver (the hook large structured systems use):
 * the unit circle x^2 + y^2 = 1, B = [2x 2y; v1 v2] solved by Cramer's rule. */
typedef struct circle_ctx {
    double B[4], u[2];
    int factored;
} circle_ctx;

static nd_status circle_F(void *ctx, const double *u, double *F, nd_error *err)
{
    (void)ctx, (void)err;
    F[0] = u[0] * u[0] + u[1] * u[1] - 1.0;
    return ND_OK;
}

static nd_status circle_factor(void *ctx, const double *u, const double *b, nd_error *err)
{
    (void)err;
    circle_ctx *c = ctx;
    c->B[0] = 2 * u[0], c->B[1] = 2 * u[1], c->B[2] = b[0], c->B[3] = b[1];
    c->u[0] = u[0], c->u[1] = u[1];
    c->factored++;
    return ND_OK;
}

static void circle_jv(void *ctx, const double *x, double *Jx)
{
    circle_ctx *c = ctx;
    Jx[0] = 2 * c->u[0] * x[0] + 2 * c->u[1] * x[1];
}

static nd_status circle_solve(void *ctx, double *x, nd_error *err)
{
    circle_ctx *c = ctx;
    double det = c->B[0] * c->B[3] - c->B[1] * c->B[2];
    if (det == 0) return nd_fail(err, ND_EFAILED, "singular");
    double a = (x[0] * c->B[3] - c->B[1] * x[1]) / det, b = (c->B[0] * x[1] - c->B[2] * x[0]) / det;
    x[0] = a, x[1] = b;
    return ND_OK;
}

Test(continuation, curve_types_can_bring_their_own_linear_solver)
{
    /* ...and the unit circle is a closed curve: the branch ends where it began */
    circle_ctx ctx = {{0}, {0}, 0};
    nd_curve_type c = {.name = "circle", .dim = 2, .residual = circle_F, .bordered_factor = circle_factor,
                       .bordered_solve = circle_solve, .jacobian_vector = circle_jv, .ctx = &ctx};
    nd_cont_opts o;
    nd_cont_opts_init(&o);
    o.max_points = 1000, o.h_max = 0.1;
    double u0[2] = {1.0, 0.0};
    nd_branch b;
    nd_error err;
    cr_assert_eq(nd_continue(&c, u0, NULL, &o, &b, &err), ND_OK, "%s", err.msg);
    cr_expect_eq(b.stop, ND_STOP_CLOSED, "%s", b.stop_reason);
    cr_expect(b.n > 60 && b.n < 120, "%zu points for a length of 2 pi in steps up to 0.1", b.n);
    cr_expect(b.u[2 * (b.n - 1)] == b.u[0] && b.u[2 * (b.n - 1) + 1] == b.u[1], "the last point repeats the first");
    cr_expect(ctx.factored > 0, "the hooks were used");
    for (size_t i = 0; i < b.n; i++) {
        double r = hypot(b.u[2 * i], b.u[2 * i + 1]);
        cr_expect(fabs(r - 1) < 1e-10, "point %zu at radius %.15g", i, r);
    }
    nd_branch_free(&b);
}

Test(continuation, lorenz_pitchfork_and_subcritical_hopf)
{
    /* The origin loses stability in a pitchfork at rho = 1, where C+- are born; they lose
     * stability in a subcritical Hopf bifurcation at rho_H = sigma (sigma + beta + 3) /
     * (sigma - beta - 1) = 24.7368 (Lorenz 1963; Sparrow, The Lorenz Equations, 1982). The
     * branch point lies on a face of the box (z = 0), and the test function is linear in rho,
     * so the corrector lands exactly on the singular point: both must be handled. */
    const nd_model *m = nd_builtin_find("lorenz");
    double p[3], x[3] = {0, 0, 0}, lo[3] = {-25, -30, 0}, hi[3] = {25, 30, 55};
    nd_model_default_params(m, p);
    nd_region r = {lo, hi, NULL, x};
    nd_bif_diagram d;
    nd_error err;
    cr_assert_eq(nd_bifurcation_1d(m, p, 2, 0, 30, &r, NULL, &d, &err), ND_OK, "%s", err.msg);
    cr_assert_eq(d.n_branches, 2, "the origin, and C+- through the pitchfork as one branch");
    const nd_special_point *bp = first(&d.branches[0], ND_EQ_BP);
    cr_assert_not_null(bp);
    cr_expect(fabs(bp->u[3] - 1.0) < 1e-10, "rho_BP = %.15g", bp->u[3]);
    double rho_h = 10.0 * (10.0 + 8.0 / 3 + 3) / (10.0 - 8.0 / 3 - 1);
    cr_assert_eq(count(&d.branches[1], ND_EQ_H), 2, "a Hopf point on C+ and one on C-");
    for (size_t i = 0; i < d.branches[1].n_special; i++) {
        const nd_special_point *h = &d.branches[1].special[i];
        if (h->test != ND_EQ_H) continue;
        cr_expect(fabs(h->u[3] - rho_h) < 1e-9, "rho_H = %.15g, exact %.15g", h->u[3], rho_h);
        cr_expect(h->data[1] > 0, "subcritical: l1 = %g", h->data[1]);
    }
    nd_bif_diagram_free(&d);
}

/* ---- units, ends, starts ---------------------------------------------------------------------- */

/* Morris–Lecar (Hopf set) with the voltage in volts: V_v = V / 1000, the same dynamics. A diagram
 * in the box's units does not depend on the model's units. */
ND_RHS(ml_volts)
{
    const nd_model *ml = nd_builtin_find("morris_lecar");
    double xm[2] = {1000.0 * x[0], x[1]}, f[2];
    ml->rhs(t, xm, p, f);
    dxdt[0] = f[0] / 1000.0, dxdt[1] = f[1];
}
static const char *const mlv[] = {"V", "w"}, *const mlp[] = {"C",  "I",  "gL", "VL", "gCa", "VCa", "gK",
                                                              "VK", "V1", "V2", "V3", "V4",  "phi"};

static void ml_diagram(int volts, nd_bif_diagram *d)
{
    const nd_model *ml = nd_builtin_find("morris_lecar");
    static nd_model mv;
    mv = *ml;
    mv.name = "ml_volts", mv.var_names = mlv, mv.par_names = mlp, mv.rhs = ml_volts_rhs, mv.jac = NULL, mv.kernels = NULL;
    static double vlo[2], vhi[2]; /* the model's box in volts */
    vlo[0] = 1e-3 * ml->var_lo[0], vhi[0] = 1e-3 * ml->var_hi[0], vlo[1] = ml->var_lo[1], vhi[1] = ml->var_hi[1];
    mv.var_lo = vlo, mv.var_hi = vhi;
    double p[13], s = volts ? 1e-3 : 1.0, lo[2] = {-80 * s, 0}, hi[2] = {60 * s, 1}, x[2] = {-60 * s, 0.015};
    nd_model_default_params(ml, p);
    nd_region r = {lo, hi, NULL, x};
    nd_error err;
    cr_assert_eq(nd_bifurcation_1d(volts ? &mv : ml, p, 1, 0, 250, &r, NULL, d, &err), ND_OK, "%s", err.msg);
}

Test(continuation, the_diagram_does_not_depend_on_the_units)
{
    nd_bif_diagram mv, v;
    ml_diagram(0, &mv);
    ml_diagram(1, &v);
    cr_assert_eq(mv.n_branches, 1);
    cr_assert_eq(v.n_branches, 1);
    const nd_branch *a = &mv.branches[0], *b = &v.branches[0];
    /* the same steps (the Jacobian in volts comes from finite differences: the points differ by
     * its error, the step sequence does not) and the same Hopf points; the model in volts
     * declares its box in volts */
    cr_expect_eq(a->n, b->n, "%zu points in mV, %zu in volts", a->n, b->n);
    cr_assert_eq(a->n_special, b->n_special);
    for (size_t i = 0; i < a->n_special; i++) {
        cr_log_info("%s at I = %.15g (mV, analytic Jacobian), %.15g (V, finite differences)",
                    a->special[i].test == ND_EQ_H ? "H" : "?", a->special[i].u[2], b->special[i].u[2]);
        cr_expect_eq(a->special[i].test, b->special[i].test);
        /* the finite-difference step's floor is a hundredth of the model's box, in the model's
         * units: measured 1.1e-9 and 6.4e-9 apart in I (with the floor 1, i.e. 1 V, 1.5e-6 and
         * 7e-7): tolerance 1e-10 relative */
        cr_expect(fabs(a->special[i].u[2] - b->special[i].u[2]) < 1e-10 * a->special[i].u[2], "I = %.12g and %.12g",
                  a->special[i].u[2], b->special[i].u[2]);
        cr_expect(fabs(a->special[i].u[0] - 1000 * b->special[i].u[0]) < 1e-8, "V = %.12g mV and %.12g V",
                  a->special[i].u[0], b->special[i].u[0]);
    }
    nd_bif_diagram_free(&mv), nd_bif_diagram_free(&v);
}

static size_t total(const nd_bif_diagram *d, int test)
{
    size_t n = 0;
    for (size_t b = 0; b < d->n_branches; b++) n += count(&d->branches[b], test);
    return n;
}

Test(continuation, fold_normal_form_from_either_end)
{
    /* x' = mu - x^2 on mu = -1:2: no equilibrium at mu = -1, two at mu = 2; the branch through
     * the fold at mu = 0 is found from the other end, once, its fold once, both ends exactly on
     * the face mu = 2 (x = -+sqrt(2)); on mu = 0.5:2 the two halves are separate branches */
    double p[1] = {1.0}, lo[2] = {-3, -3}, hi[2] = {3, 3}, x[2] = {0, 0};
    nd_region r = {lo, hi, NULL, x};
    nd_bif_diagram d;
    nd_error err;
    cr_assert_eq(nd_bifurcation_1d(&fold_model, p, 0, -1, 2, &r, NULL, &d, &err), ND_OK, "%s", err.msg);
    cr_expect_eq(d.n_start, 0, "nothing at mu = -1");
    cr_assert_eq(d.n_branches, 1);
    cr_expect_eq(total(&d, ND_EQ_LP), 1);
    const nd_special_point *lp = first(&d.branches[0], ND_EQ_LP);
    cr_assert_not_null(lp);
    cr_expect(fabs(lp->u[2]) < 1e-12 && fabs(lp->u[0]) < 1e-7, "fold at mu = %.3g, x = %.3g", lp->u[2], lp->u[0]);
    /* MatCont's fold coefficient: a = <p, B(q,q)>/2 = -1 with q = p = e_x */
    cr_expect(fabs(fabs(lp->data[0]) - 1) < 1e-9, "a = %.12g", lp->data[0]);
    const nd_branch *br = &d.branches[0];
    for (int end = 0; end < 2; end++) {
        const double *u = br->u + (end ? br->n - 1 : 0) * 3;
        cr_expect(u[2] == 2.0 && fabs(fabs(u[0]) - sqrt(2.0)) < 1e-12, "end at mu = %.17g, x = %.17g", u[2], u[0]);
    }
    nd_bif_diagram_free(&d);
    cr_assert_eq(nd_bifurcation_1d(&fold_model, p, 0, 0.5, 2, &r, NULL, &d, &err), ND_OK, "%s", err.msg);
    cr_expect_eq(d.n_branches, 2, "x = +-sqrt(mu) do not meet in 0.5:2");
    cr_expect_eq(total(&d, ND_EQ_LP), 0);
    nd_bif_diagram_free(&d);
}

/* x' = -mu x - x^3, y' = -y: the pitchfork's branches x^2 = -mu lie at the low end of -1:1 */
ND_RHS(pitch_low)
{
    dxdt[0] = -p[0] * x[0] - x[0] * x[0] * x[0];
    dxdt[1] = -x[1];
}
static const nd_model pitch_low_model = {.name = "pitch_low", .n_vars = 2, .n_pars = 1, .var_names = hv,
                                         .par_names = fp_, .par_defaults = pd, .init = p0, .rhs = pitch_low_rhs};

Test(continuation, pitchfork_from_either_end)
{
    const nd_model *models[2] = {&pitch_model, &pitch_low_model};
    for (int k = 0; k < 2; k++) {
        double p[1] = {0.5}, lo[2] = {-2, -2}, hi[2] = {2, 2}, x[2] = {0, 0};
        nd_region r = {lo, hi, NULL, x};
        nd_bif_diagram d;
        nd_error err;
        cr_assert_eq(nd_bifurcation_1d(models[k], p, 0, -1, 1, &r, NULL, &d, &err), ND_OK, "%s", err.msg);
        cr_expect_eq(d.n_branches, 2, "%s: the trivial branch and the pitchfork's", models[k]->name);
        cr_expect_eq(total(&d, ND_EQ_BP), 1, "%s: the branch point once", models[k]->name);
        cr_expect_eq(total(&d, ND_EQ_LP), 0, "%s: no fold", models[k]->name);
        const nd_special_point *bp = NULL;
        for (size_t b = 0; b < d.n_branches && !bp; b++) bp = first(&d.branches[b], ND_EQ_BP);
        cr_assert_not_null(bp);
        /* the corrector is singular at the branch point itself: the located point is nudged off it
         * by up to 1e-9 of the step */
        cr_expect(fabs(bp->u[2]) < 1e-9 && fabs(bp->u[0]) < 1e-8, "%s: BP at mu = %.3g", models[k]->name, bp->u[2]);
        nd_bif_diagram_free(&d);
    }
}

Test(continuation, ends_are_exact_and_said_in_the_models_names)
{
    /* Rossler's outer equilibrium leaves the box through y = -12 (a = b = 0.2: x = (c + s)/2,
     * y = -x/a, s = sqrt(c^2 - 4ab)): the last point lies on the face, corrected there */
    const nd_model *m = nd_builtin_find("rossler");
    double p[3], x[3] = {0, 0, 0}, lo[3], hi[3];
    nd_model_default_params(m, p);
    for (int i = 0; i < 3; i++) lo[i] = m->var_lo[i], hi[i] = m->var_hi[i];
    nd_region r = {lo, hi, NULL, x};
    nd_bif_diagram d;
    nd_error err;
    cr_assert_eq(nd_bifurcation_1d(m, p, 2, 1, 7, &r, NULL, &d, &err), ND_OK, "%s", err.msg);
    int found = 0;
    for (size_t b = 0; b < d.n_branches; b++) {
        const nd_branch *br = &d.branches[b];
        const double *u = br->u + (br->n - 1) * 4;
        if (br->stop != ND_STOP_BOX || br->stop_component != 1) continue;
        found = 1;
        cr_expect(u[1] == -12.0 || fabs(u[1] + 12) < 1e-12, "y = %.17g at the end", u[1]);
        double c = u[3], s = sqrt(c * c - 4 * 0.2 * 0.2), xo = (c + s) / 2;
        cr_expect(fabs(u[0] - xo) < 1e-10 && fabs(xo / 0.2 - 12) < 1e-9, "x = %.15g, closed form %.15g", u[0], xo);
        cr_expect(strstr(br->stop_reason, "y left its box -12:12 at c = "), "%s", br->stop_reason);
    }
    cr_expect(found, "the outer branch leaves through y");
    nd_bif_diagram_free(&d);
}

Test(continuation, a_budget_cuts_a_branch_short_and_says_so)
{
    const nd_model *m = nd_builtin_find("fhn");
    double p[4], x[2], lo[2] = {-3, -3}, hi[2] = {3, 3};
    nd_model_default_params(m, p);
    nd_model_default_state(m, x);
    nd_region r = {lo, hi, NULL, x};
    nd_cont_opts o;
    nd_bif_opts_init(&o);
    o.max_points = 10;
    nd_bif_diagram d;
    nd_error err;
    cr_assert_eq(nd_bifurcation_1d(m, p, 3, 0, 2, &r, &o, &d, &err), ND_OK, "%s", err.msg);
    cr_assert(d.n_branches >= 1);
    cr_expect_eq(d.branches[0].stop, ND_STOP_BUDGET);
    cr_expect(strstr(d.branches[0].stop_reason, "point budget (10 points) at Iext = "), "%s", d.branches[0].stop_reason);
    nd_bif_diagram_free(&d);
}

Test(continuation, a_point_lies_on_a_branch_between_its_points)
{
    /* the branch x = sqrt(mu) of the fold normal form, computed in big steps: a point of the
     * curve halfway between two branch points is on it, one a little off the curve is not */
    double p[1] = {1.0}, lo[2] = {-3, -3}, hi[2] = {3, 3}, x[2] = {0, 0};
    nd_region r = {lo, hi, NULL, x};
    nd_eq_curve c;
    nd_error err;
    cr_assert_eq(nd_eq_curve_init(&c, &fold_model, p, 0, &r, &err), ND_OK, "%s", err.msg);
    nd_cont_opts o;
    nd_cont_opts_init(&o);
    double blo[3] = {-3, -3, 0.5}, bhi[3] = {3, 3, 2}, u0[3] = {sqrt(0.5), 0, 0.5};
    o.lo = blo, o.hi = bhi, o.h_max = 0.3, o.h0 = 0.3;
    nd_branch b;
    cr_assert_eq(nd_continue(&c.type, u0, NULL, &o, &b, &err), ND_OK, "%s", err.msg);
    cr_assert(b.n >= 3 && b.n < 20, "%zu points", b.n);
    double mu = 0.5 * (b.u[3 + 2] + b.u[6 + 2]), on[3] = {sqrt(mu), 0, mu}, off[3] = {sqrt(mu) + 1e-3, 0, mu};
    cr_expect(nd_branch_contains(&c.type, &o, &b, on, 1e-8), "x = sqrt(%g) between points 1 and 2", mu);
    cr_expect(!nd_branch_contains(&c.type, &o, &b, off, 1e-8), "1e-3 off the curve");
    double other[3] = {-sqrt(mu), 0, mu};
    cr_expect(!nd_branch_contains(&c.type, &o, &b, other, 1e-8), "the other branch");
    nd_branch_free(&b);
    nd_eq_curve_free(&c);
}
