/* Tests of the built-in model zoo (models/): descriptors, lookup, kernels, Jacobians, reference
 * values, parameter handling and the default parameter sets' dynamics. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "neurodyn/analysis.h"
#include "neurodyn/continuation.h"
#include "neurodyn/core.h"

#define BLOCK 5 /* trajectories in the SoA block, also its leading dimension */
#define MAXN 16 /* more variables / parameters than any zoo model has */

static const nd_model *find(const char *name)
{
    const nd_model *m = nd_builtin_find(name);
    cr_assert_not_null(m, "built-in model '%s' not found", name);
    return m;
}

/* ---- descriptors and lookup ---------------------------------------------------------------- */

Test(models, builtins_are_valid_and_findable)
{
    cr_assert_eq(nd_builtin_count(), 15, "the zoo has %zu models, expected 15", nd_builtin_count());
    cr_assert_null(nd_builtin_at(nd_builtin_count()));
    cr_assert_null(nd_builtin_find("no_such_model"));
    cr_assert_null(nd_builtin_find(NULL));
    for (size_t i = 0; i < nd_builtin_count(); i++) {
        const nd_model *m = nd_builtin_at(i);
        cr_assert_not_null(m);
        nd_error err = {0};
        cr_assert_eq(nd_model_validate(m, &err), ND_OK, "%s: %s", m->name, err.msg);
        cr_assert_eq(nd_builtin_find(m->name), m, "%s not found by its name", m->name);
        /* every alias finds this model */
        char aliases[256] = "";
        if (m->aliases) {
            cr_assert_lt(strlen(m->aliases), sizeof aliases);
            strcpy(aliases, m->aliases);
        }
        for (char *tok = strtok(aliases, " "); tok; tok = strtok(NULL, " "))
            cr_assert_eq(nd_builtin_find(tok), m, "%s not found by alias '%s'", m->name, tok);
        cr_assert(m->title && m->title[0], "%s has no title", m->name);
        cr_assert(m->reference && m->reference[0], "%s has no reference", m->name);
        cr_assert_leq(m->n_vars, MAXN);
        cr_assert_leq(m->n_pars, MAXN);
        cr_assert_not_null(m->kernels, "%s has no kernels", m->name);
        /* the box is well formed and holds the initial state */
        cr_assert(m->var_lo && m->var_hi, "%s has no box", m->name);
        for (size_t v = 0; v < m->n_vars; v++) {
            cr_assert_lt(m->var_lo[v], m->var_hi[v], "%s: empty box for %s", m->name,
                         m->var_names[v]);
            cr_assert(m->init[v] >= m->var_lo[v] && m->init[v] <= m->var_hi[v],
                      "%s: initial %s = %g outside [%g, %g]", m->name, m->var_names[v],
                      m->init[v], m->var_lo[v], m->var_hi[v]);
        }
        /* hints name real things */
        if (m->bif_par) {
            cr_assert_geq(nd_model_par_index(m, m->bif_par, &err), 0, "%s: %s", m->name, err.msg);
            cr_assert_lt(m->bif_lo, m->bif_hi, "%s: empty bif range", m->name);
        }
        if (m->slow_vars) {
            char slow[256];
            cr_assert_lt(strlen(m->slow_vars), sizeof slow);
            strcpy(slow, m->slow_vars);
            for (char *tok = strtok(slow, " "); tok; tok = strtok(NULL, " "))
                cr_assert_geq(nd_model_var_index(m, tok, &err), 0, "%s: %s", m->name, err.msg);
        }
        /* the RHS is finite at the initial state with default parameters */
        double x[MAXN], p[MAXN], d[MAXN];
        nd_model_default_state(m, x);
        nd_model_default_params(m, p);
        m->rhs(0.0, x, p, d);
        for (size_t v = 0; v < m->n_vars; v++)
            cr_assert(isfinite(d[v]), "%s: d%s/dt = %g at the initial state", m->name,
                      m->var_names[v], d[v]);
    }
}

Test(models, names_in_the_zoo_order)
{
    static const char *const expected[] = {
        "fitzhugh_nagumo", "hindmarsh_rose", "fitzhugh_rinzel", "hodgkin_huxley", "morris_lecar",
        "morris_lecar_snic", "inap_ik", "izhikevich", "wilson_cowan", "van_der_pol",
        "lorenz", "rossler", "lif", "noisy_lorenz", "stochastic_fhn"};
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        cr_assert_str_eq(nd_builtin_at(i)->name, expected[i]);
    /* the short names of the brief */
    cr_assert_eq(nd_builtin_find("fhn"), find("fitzhugh_nagumo"));
    cr_assert_eq(nd_builtin_find("hr"), find("hindmarsh_rose"));
    cr_assert_eq(nd_builtin_find("hh"), find("hodgkin_huxley"));
    cr_assert_eq(nd_builtin_find("ml"), find("morris_lecar"));
    cr_assert_eq(nd_builtin_find("vdp"), find("van_der_pol"));
    cr_assert_eq(nd_builtin_find("inapk"), find("inap_ik"));
}

/* ---- kernels -------------------------------------------------------------------------------- */

/* soa_rhs inlines the same RHS body as m->rhs, so the two agree to rounding: the only freedom
 * the compiler has is contraction into FMAs and vector math routines, a few ulps of each term.
 * Tolerance 1e-14 relative; values below 1e-6 in magnitude are compared to 1e-20 absolute (a
 * relative test of a result that cancels to ~0 would measure the cancellation, not the
 * kernel). */
Test(models, soa_rhs_matches_rhs)
{
    for (size_t mi = 0; mi < nd_builtin_count(); mi++) {
        const nd_model *m = nd_builtin_at(mi);
        const nd_model_kernels *k = m->kernels;
        cr_assert_not_null(k, "%s has no kernels", m->name);
        cr_assert_not_null(k->soa_rhs, "%s has no soa_rhs", m->name);
        size_t nv = m->n_vars, np = m->n_pars;
        double X[MAXN * BLOCK], P[MAXN * BLOCK], DX[MAXN * BLOCK];
        for (size_t i = 0; i < BLOCK; i++) {
            /* trajectory i: initial state moved by i% of the box width, defaults scaled by
             * (1 + 0.01 i); trajectory 0 is exactly the defaults */
            for (size_t v = 0; v < nv; v++)
                X[v * BLOCK + i] = m->init[v] + 0.01 * (double)i * (m->var_hi[v] - m->var_lo[v]);
            for (size_t q = 0; q < np; q++)
                P[q * BLOCK + i] = m->par_defaults[q] * (1.0 + 0.01 * (double)i);
        }
        const double t = 0.25;
        k->soa_rhs(BLOCK, BLOCK, t, X, P, DX);
        for (size_t i = 0; i < BLOCK; i++) {
            double x[MAXN], p[MAXN], d[MAXN];
            for (size_t v = 0; v < nv; v++) x[v] = X[v * BLOCK + i];
            for (size_t q = 0; q < np; q++) p[q] = P[q * BLOCK + i];
            m->rhs(t, x, p, d);
            for (size_t v = 0; v < nv; v++) {
                double got = DX[v * BLOCK + i], want = d[v];
                cr_assert(isfinite(want), "%s: d%s/dt not finite", m->name, m->var_names[v]);
                double tol = fabs(want) < 1e-6 ? 1e-20 : 1e-14 * fabs(want);
                cr_assert(fabs(got - want) <= tol,
                          "%s: soa_rhs d%s/dt = %.17g, rhs = %.17g (trajectory %zu)", m->name,
                          m->var_names[v], got, want, i);
            }
        }
    }
}

/* ---- Jacobians -------------------------------------------------------------------------------- */

/* The reference: central differences D(h) = (f(x + h e_j) - f(x - h e_j)) / 2h, whose error is
 * a series c2 h^2 + c4 h^4 + c6 h^6 + ... for smooth f, with two Richardson steps (Richardson
 * 1911; Press et al., Numerical Recipes, sec. 5.7):
 *   R1(h) = (4 D(h/2) - D(h)) / 3  (error O(h^4)),  R2 = (16 R1(h/2) - R1(h)) / 15  (O(h^6)).
 * Step h_j = 1e-3 times the width w_j of the model's box in x_j. Truncation: the two steps leave
 * 0.016 c6 h^6, c6 = f^(7)/5040. Every RHS of the zoo is a polynomial of degree <= 4 in each
 * variable (no such term) or a smooth function of (V - V_half)/k with k >= 5 mV on boxes
 * 130-150 mV wide (I_Na,p + I_K's kn = 5, HH's exprel and beta_h, Morris-Lecar's V2 = 18), or of
 * a w x with a w <= 30 on a box 0.5 wide (Wilson-Cowan): h/k <= 0.026, and the remainder,
 * ~3e-6 (h/k)^6 of the entry, is negligible. Rounding: D(h) carries ~eps |f_i| / h_j, D(h/2)
 * and D(h/4) twice and four times that, R1 3 and 6 times, R2 (16 * 6 + 3) / 15 = 6.6 times:
 * ~1.5e-12 |f_i| / w_j. */
static void jacobian_richardson(const nd_model *m, const double *x, const double *p, double *jac)
{
    size_t n = m->n_vars;
    double xs[MAXN], fp[MAXN], fm[MAXN], d[3][MAXN];
    for (size_t j = 0; j < n; j++) {
        memcpy(xs, x, n * sizeof *xs);
        double h = 1e-3 * (m->var_hi[j] - m->var_lo[j]);
        for (int k = 0; k < 3; k++, h /= 2) {
            const double up = x[j] + h, down = x[j] - h;
            xs[j] = up, m->rhs(0.0, xs, p, fp);
            xs[j] = down, m->rhs(0.0, xs, p, fm);
            xs[j] = x[j];
            for (size_t i = 0; i < n; i++) d[k][i] = (fp[i] - fm[i]) / (up - down);
        }
        for (size_t i = 0; i < n; i++) {
            double r1a = (4.0 * d[1][i] - d[0][i]) / 3.0, r1b = (4.0 * d[2][i] - d[1][i]) / 3.0;
            jac[i * n + j] = (16.0 * r1b - r1a) / 15.0;
        }
    }
}

/* Entry (i, j) is compared as the change it makes in f_i over the box, |J_ij - R_ij| w_j, against
 * the row's scale s_i = max(|f_i|, max_k |R_ik| w_k): the size of f_i and of its changes over
 * the box. Tolerance 1e-9 s_i: the estimates above give ~2e-12 s_i for the reference, and an
 * analytic Jacobian computed in double adds ~1e-15 s_i, so the margin is over 100; a wrong term,
 * sign or factor shows up as an error of the order of that term (a factor 1.000001 on one
 * Wilson-Cowan entry fails it). Measured worst: 1.9e-12 (izhikevich), 1.9e-13 for Hodgkin-Huxley
 * around its singularities. Returns the worst ratio error / s_i. */
static double check_jacobian_at(const nd_model *m, const double *x, const double *p,
                                const char *where)
{
    size_t n = m->n_vars;
    double an[MAXN * MAXN], ref[MAXN * MAXN], f[MAXN], worst = 0.0;
    m->jac(0.0, x, p, an);
    jacobian_richardson(m, x, p, ref);
    m->rhs(0.0, x, p, f);
    for (size_t i = 0; i < n; i++) {
        double s = fabs(f[i]);
        for (size_t k = 0; k < n; k++)
            s = fmax(s, fabs(ref[i * n + k]) * (m->var_hi[k] - m->var_lo[k]));
        for (size_t j = 0; j < n; j++) {
            double a = an[i * n + j], r = ref[i * n + j], w = m->var_hi[j] - m->var_lo[j];
            cr_assert(isfinite(a), "%s at %s: d(d%s/dt)/d%s = %g", m->name, where,
                      m->var_names[i], m->var_names[j], a);
            double e = s > 0.0 ? fabs(a - r) * w / s : fabs(a - r);
            worst = fmax(worst, e);
            cr_assert(e <= 1e-9,
                      "%s at %s: d(d%s/dt)/d%s analytic %.15g, Richardson %.15g (error %.2g of "
                      "the row's scale %.3g)",
                      m->name, where, m->var_names[i], m->var_names[j], a, r, e, s);
        }
    }
    return worst;
}

Test(models, analytic_jacobians_match_richardson_differences)
{
    static const double frac[5] = {0.07, 0.23, 0.51, 0.78, 0.94}; /* points spread over the box */
    int checked = 0;
    for (size_t mi = 0; mi < nd_builtin_count(); mi++) {
        const nd_model *m = nd_builtin_at(mi);
        cr_assert_not_null(m->jac, "%s has no analytic Jacobian", m->name);
        checked++;
        double x[MAXN], p[MAXN], worst;
        nd_model_default_params(m, p);
        nd_model_default_state(m, x);
        worst = check_jacobian_at(m, x, p, "the initial state");
        for (int s = 0; s < 5; s++) {
            for (size_t v = 0; v < m->n_vars; v++)
                x[v] = m->var_lo[v] + frac[(s + 2 * v) % 5] * (m->var_hi[v] - m->var_lo[v]);
            char where[32];
            snprintf(where, sizeof where, "box point %d", s);
            worst = fmax(worst, check_jacobian_at(m, x, p, where));
        }
        cr_log_info("%s: worst Jacobian error %.2g of the row's scale", m->name, worst);
    }
    cr_assert_eq(checked, 15, "%d models with analytic Jacobians, expected all 15", checked);
}

/* Hodgkin-Huxley at and around the removable singularities of alpha_m (V = -40) and alpha_n
 * (V = -55): exactly there, at the edge of the RHS's cut (|u| = 1e-6, 1e-5 mV), on both sides of
 * the Jacobian's switch from series to quotient (|u| = 1, 10 mV away), and in between; with
 * gates in mid-range, so that every term of every row counts. */
Test(models, hodgkin_huxley_jacobian_near_the_singularities)
{
    const nd_model *m = find("hodgkin_huxley");
    static const double at[] = {-40.0, -55.0};
    static const double dv[] = {0.0,  1e-9, -1e-9, 1e-7,  -1e-7, 1e-5, -1e-5, 1.1e-5, 1e-3,
                                -1e-3, 0.5,  -0.5,  10.0, -10.0, 10.0 - 1e-9, -10.0 + 1e-9};
    static const double gates[2][3] = {{0.3, 0.6, 0.4}, {0.05, 0.6, 0.32}};
    double p[MAXN], worst = 0.0;
    nd_model_default_params(m, p);
    for (size_t a = 0; a < 2; a++)
        for (size_t k = 0; k < sizeof dv / sizeof dv[0]; k++)
            for (size_t g = 0; g < 2; g++) {
                double x[4] = {at[a] + dv[k], gates[g][0], gates[g][1], gates[g][2]};
                char where[64];
                snprintf(where, sizeof where, "V = %.12g, gates set %zu", x[0], g);
                worst = fmax(worst, check_jacobian_at(m, x, p, where));
            }
    cr_log_info("hodgkin_huxley near V = -40, -55: worst Jacobian error %.2g of the row's scale",
                worst);
}

/* d/du [u / (1 - exp(-u))] = 1/2 + u/6 - u^3/180 + u^5/5040 - u^7/151200 + ... (the Bernoulli
 * series of exprel_series below, differentiated); for |u| <= 0.05 the next term, u^9/4790016, is
 * below 1e-18. */
static double dexprel_series(double u)
{
    double u2 = u * u;
    return 0.5 + u * (1.0 / 6.0 + u2 * (-1.0 / 180.0 + u2 * (1.0 / 5040.0 - u2 / 151200.0)));
}

/* The same from the quotient (1 - u/expm1(u)) / (1 - exp(-u)) in long double (64-bit significand
 * on x86-64, more elsewhere): its cancellation multiplies the rounding by ~4/|u|, a few bits at
 * the |u| >= 0.9 where it is used here, so it stays within ~1e-18 relative. */
static double dexprel_long(double u)
{
    long double v = u;
    return (double)((1.0L - v / expm1l(v)) / -expm1l(-v));
}

/* With m = h = n = 0, row m of the Jacobian is d alpha_m/dV = 0.1 d/du exprel(u) at
 * u = (V + 40)/10 and row n is d alpha_n/dV = 0.01 d/du exprel(u) at u = (V + 55)/10 (the beta
 * terms are multiplied by the gate, 0). The model's derivative of exprel must be accurate to
 * rounding: 4 eps relative (it measures within 3 eps, the references within 1 eps). */
Test(models, hodgkin_huxley_rate_derivatives_to_rounding)
{
    const nd_model *m = find("hodgkin_huxley");
    double p[MAXN], J[16];
    nd_model_default_params(m, p);
    static const double dv[] = {0.0,  1e-12, -1e-12, 1e-9, -1e-9, 1e-7, -1e-7, 1e-5, -1e-5,
                                3e-5, 1e-3,  -1e-3,  0.1,  -0.1,  0.5,  -0.5};
    for (size_t k = 0; k < sizeof dv / sizeof dv[0]; k++) {
        double xm[4] = {-40.0 + dv[k], 0.0, 0.0, 0.0}, xn[4] = {-55.0 + dv[k], 0.0, 0.0, 0.0};
        m->jac(0.0, xm, p, J);
        double want = 0.1 * dexprel_series((xm[0] + 40.0) / 10.0);
        cr_assert(fabs(J[4] - want) <= 4 * DBL_EPSILON * want,
                  "d alpha_m/dV at V = -40 + %g: %.17g, series %.17g", dv[k], J[4], want);
        m->jac(0.0, xn, p, J);
        want = 0.01 * dexprel_series((xn[0] + 55.0) / 10.0);
        cr_assert(fabs(J[12] - want) <= 4 * DBL_EPSILON * want,
                  "d alpha_n/dV at V = -55 + %g: %.17g, series %.17g", dv[k], J[12], want);
    }
    /* at the singularity itself: 0.1 * 1/2 */
    double x0[4] = {-40.0, 0.0, 0.0, 0.0};
    m->jac(0.0, x0, p, J);
    cr_assert_float_eq(J[4], 0.05, DBL_EPSILON * 0.05);
    /* on both sides of the model's switch from series to quotient (|u| = 1) and beyond it, up to
     * |u| = 8, against the quotient in long double */
    static const double far[] = {10.0,  -10.0, 10.0 - 1e-9, -10.0 + 1e-9, 10.0 + 1e-9, 13.0, -17.0,
                                 20.0,  -20.0, 50.0,        -50.0,        80.0,        -80.0};
    for (size_t k = 0; k < sizeof far / sizeof far[0]; k++) {
        double xm[4] = {-40.0 + far[k], 0.0, 0.0, 0.0};
        m->jac(0.0, xm, p, J);
        double want = 0.1 * dexprel_long((xm[0] + 40.0) / 10.0);
        cr_assert(fabs(J[4] - want) <= 4 * DBL_EPSILON * want,
                  "d alpha_m/dV at V = %.12g: %.17g, long double %.17g", xm[0], J[4], want);
    }
}

/* alpha_m = exprel(u) = u / (1 - exp(-u)) at u = (V + 40)/10 is row m of the RHS when m = 0
 * (beta_m is multiplied by the gate). The model computes it from a Bernoulli series for |u| < 1
 * and from exp beyond (no expm1): against u / -expm1l(-u) in long double (64-bit significand,
 * ~1e-19 relative, far below the double rounding checked) at 8e5 points of u in [-8, 8] and
 * at the switch, it must be within 4 eps relative (it measures 1.25 eps). */
Test(models, hodgkin_huxley_alpha_rates_to_a_few_ulp)
{
    const nd_model *m = find("hodgkin_huxley");
    double p[MAXN], d[4];
    nd_model_default_params(m, p);
    double worst = 0.0;
    for (long k = -400000; k <= 400000; k++) {
        const double v = -40.0 + 80.0 * (double)k / 400000.0 + 3.7e-7; /* off the grid of exact u */
        double x[4] = {v, 0.0, 0.6, 0.3};
        m->rhs(0.0, x, p, d);
        const long double u = (v + 40.0) / 10.0; /* the model's u, rounded as it rounds it */
        const double want = (double)(u / -expm1l(-u));
        const double err = fabs(d[1] - want) / (want * DBL_EPSILON);
        worst = fmax(worst, err);
        if (err > 4) cr_assert_fail("alpha_m at V = %.17g (u = %.17g): %.17g, long double %.17g (%.2f eps)", v,
                                    (double)u, d[1], want, err);
    }
    static const double at_switch[] = {1.0, -1.0, 1.0 - 1e-15, -1.0 + 1e-15, 1.0 + 1e-15, -1.0 - 1e-15, 0.0, 1e-300};
    for (size_t k = 0; k < sizeof at_switch / sizeof at_switch[0]; k++) {
        double x[4] = {-40.0 + 10.0 * at_switch[k], 0.0, 0.6, 0.3};
        m->rhs(0.0, x, p, d);
        const long double u = (x[0] + 40.0) / 10.0;
        const double want = u == 0 ? 1.0 : (double)(u / -expm1l(-u));
        cr_assert(fabs(d[1] - want) <= 4 * DBL_EPSILON * want, "alpha_m at u = %.17g: %.17g, long double %.17g",
                  (double)u, d[1], want);
    }
    cr_log_info("hodgkin_huxley alpha_m: worst %.2f eps of u / -expm1(-u) in long double", worst);
}

/* ---- analytic reference values ------------------------------------------------------------------ */

/* FitzHugh-Nagumo, BrainPy form (FitzHugh 1961; defaults a=0.7, b=0.8, tau=12.5, Iext=0.5 as
 * in models/fitzhugh_nagumo.c): at V=1, w=0
 *   dV/dt = 1 - 1/3 - 0 + 0.5,   dw/dt = (1 + 0.7 - 0.8*0)/12.5 = 0.136   (by hand). */
Test(models, fitzhugh_nagumo_reference_value)
{
    const nd_model *m = find("fitzhugh_nagumo");
    double p[MAXN], d[2], x[2] = {1.0, 0.0};
    nd_model_default_params(m, p);
    m->rhs(0.0, x, p, d);
    cr_assert_float_eq(d[0], 1.0 - 1.0 / 3.0 + 0.5, 4 * DBL_EPSILON);
    cr_assert_float_eq(d[1], (1.0 + 0.7) / 12.5, 4 * DBL_EPSILON * 0.136);
}

/* Lorenz (1963) with sigma=10, rho=28, beta=8/3 at (1,1,1):
 *   dx = 10 (1 - 1) = 0,  dy = 1 (28 - 1) - 1 = 26,  dz = 1 - 8/3   (by hand). */
Test(models, lorenz_reference_value)
{
    const nd_model *m = find("lorenz");
    double p[MAXN], d[3], x[3] = {1.0, 1.0, 1.0};
    nd_model_default_params(m, p);
    m->rhs(0.0, x, p, d);
    cr_assert_eq(d[0], 0.0);
    cr_assert_eq(d[1], 26.0);
    cr_assert_float_eq(d[2], 1.0 - 8.0 / 3.0, 4 * DBL_EPSILON * (8.0 / 3.0));
}

/* u / (1 - exp(-u)) = 1 + u/2 + u^2/12 - u^4/720 + O(u^6): the Bernoulli-number series
 * t/(e^t - 1) = sum B_n t^n / n! (Abramowitz & Stegun 23.1.1) at t = -u. */
static double exprel_series(double u) { return 1.0 + u / 2.0 + u * u / 12.0 - u * u * u * u / 720.0; }

/* Hodgkin-Huxley rates (BrainPy form): alpha_m = 0.1 (V+40)/(1 - exp(-(V+40)/10)) and
 * alpha_n = 0.01 (V+55)/(1 - exp(-(V+55)/10)) are 0/0 at V=-40 and V=-55; by l'Hopital the
 * limits are alpha_m(-40) = 0.1*10 = 1 and alpha_n(-55) = 0.01*10 = 0.1. With m = h = n = 0,
 * dm/dt = alpha_m(V) and dn/dt = alpha_n(V), dh/dt = alpha_h(V) = 0.07 exp(-(V+65)/20). */
Test(models, hodgkin_huxley_rates_at_the_removable_singularities)
{
    const nd_model *m = find("hodgkin_huxley");
    double p[MAXN], d[4];
    nd_model_default_params(m, p);
    double x40[4] = {-40.0, 0.0, 0.0, 0.0};
    m->rhs(0.0, x40, p, d);
    cr_assert(isfinite(d[1]) && isfinite(d[3]));
    cr_assert_eq(d[1], 1.0, "alpha_m(-40) = %.17g", d[1]); /* 1 + u/2 at u = 0 exactly */
    cr_assert_float_eq(d[2], 0.07 * exp(-25.0 / 20.0), 4 * DBL_EPSILON);
    /* away from its singularity alpha_n(-40) = 0.15/(1 - exp(-1.5)) */
    cr_assert_float_eq(d[3], 0.15 / (1.0 - exp(-1.5)), 4 * DBL_EPSILON);

    double x55[4] = {-55.0, 0.0, 0.0, 0.0};
    m->rhs(0.0, x55, p, d);
    cr_assert(isfinite(d[1]) && isfinite(d[3]));
    cr_assert_float_eq(d[3], 0.1, 4 * DBL_EPSILON * 0.1, "alpha_n(-55) = %.17g", d[3]);

    /* continuity on both sides of the cut |u| < 1e-6 and beyond it: the cut drops u^2/12 <
     * 1e-13 relative; expm1 is accurate to an ulp elsewhere. Tolerance 2e-13 relative. */
    static const double dv[] = {1e-9, -1e-9, 1e-7, 3e-6, -3e-6, 2e-5, 1e-3, -1e-3};
    for (size_t k = 0; k < sizeof dv / sizeof dv[0]; k++) {
        double xm[4] = {-40.0 + dv[k], 0.0, 0.0, 0.0};
        m->rhs(0.0, xm, p, d);
        double um = (xm[0] + 40.0) / 10.0;
        cr_assert(fabs(d[1] - exprel_series(um)) <= 2e-13 * exprel_series(um),
                  "alpha_m(-40 + %g) = %.17g, series %.17g", dv[k], d[1], exprel_series(um));
        double xn[4] = {-55.0 + dv[k], 0.0, 0.0, 0.0};
        m->rhs(0.0, xn, p, d);
        double un = (xn[0] + 55.0) / 10.0;
        cr_assert(fabs(d[3] - 0.1 * exprel_series(un)) <= 2e-13 * 0.1 * exprel_series(un),
                  "alpha_n(-55 + %g) = %.17g, series %.17g", dv[k], d[3],
                  0.1 * exprel_series(un));
    }
}

/* What the analytic Jacobian is for: with the default parameters the rest state of HH loses
 * stability in a (subcritical) Hopf bifurcation at Iext = 6.49594710485375 (V = -62.0274750254),
 * computed in 40-digit arithmetic (mpmath: the equilibrium V solves I_ss(V) = Iext with the gates
 * at their steady states; the Hopf point is the root of the largest real part of the 4 x 4
 * Jacobian's complex eigenvalues, the rate derivatives by mpmath's numerical differentiation).
 * The continuation locates it to 1e-14 with the analytic Jacobian; with central finite
 * differences it was 3.6e-8 off. Tolerance 1e-10. */
Test(models, hodgkin_huxley_hopf_point_with_the_analytic_jacobian)
{
    const nd_model *m = find("hodgkin_huxley");
    int par = nd_model_par_index(m, "Iext", NULL);
    double p[MAXN], x[MAXN];
    nd_model_default_params(m, p);
    nd_model_default_state(m, x);
    p[par] = 0.0;
    nd_region r = {m->var_lo, m->var_hi, NULL, x};
    nd_bif_diagram d = {0};
    nd_error err = {0};
    cr_assert_eq(nd_bifurcation_1d(m, p, par, 0.0, 20.0, &r, NULL, &d, &err), ND_OK, "%s", err.msg);
    int n_h = 0;
    for (size_t b = 0; b < d.n_branches; b++)
        for (size_t s = 0; s < d.branches[b].n_special; s++) {
            const nd_special_point *sp = &d.branches[b].special[s];
            if (sp->test != ND_EQ_H) continue;
            n_h++;
            cr_expect(fabs(sp->u[4] - 6.49594710485375) < 1e-10, "Hopf at Iext = %.15g", sp->u[4]);
            cr_expect(fabs(sp->u[0] - -62.0274750254) < 1e-8, "Hopf at V = %.15g", sp->u[0]);
        }
    cr_expect_eq(n_h, 1, "%d Hopf points in Iext = 0:20", n_h);
    nd_bif_diagram_free(&d);
}

/* ---- spike rules ------------------------------------------------------------------------------ */

/* Izhikevich (2003) eq. (3): if v >= 30 mV then v <- c, u <- u + d (RS: c=-65, d=8). */
Test(models, izhikevich_spike_rule)
{
    const nd_model *m = find("izhikevich");
    const nd_spike_rule *s = m->spike;
    cr_assert_not_null(s);
    nd_error err = {0};
    cr_assert_eq(s->var, nd_model_var_index(m, "v", &err));
    cr_assert_eq(s->threshold_par, nd_model_par_index(m, "V_th", &err));
    cr_assert_eq(m->par_defaults[s->threshold_par], 30.0);
    cr_assert_eq(s->refractory_par, -1);
    cr_assert_eq(s->refractory, 0.0);
    double p[MAXN], x[2] = {31.0, -10.0};
    nd_model_default_params(m, p);
    s->reset(x, p);
    cr_assert_eq(x[0], -65.0);
    cr_assert_eq(x[1], -2.0);
}

/* BrainPy LIF: after V >= V_th, V <- V_reset and V is held for tau_ref. */
Test(models, lif_spike_rule)
{
    const nd_model *m = find("lif");
    const nd_spike_rule *s = m->spike;
    cr_assert_not_null(s);
    nd_error err = {0};
    cr_assert_eq(s->var, 0);
    cr_assert_eq(s->threshold_par, nd_model_par_index(m, "V_th", &err));
    cr_assert_eq(s->refractory_par, nd_model_par_index(m, "tau_ref", &err));
    cr_assert_eq(m->par_defaults[s->threshold_par], 20.0);
    cr_assert_eq(m->par_defaults[s->refractory_par], 5.0);
    double p[MAXN], x[1] = {20.5};
    nd_model_default_params(m, p);
    s->reset(x, p);
    cr_assert_eq(x[0], -5.0);
    /* tau dV/dt = -(V - V_rest) + R I: at V = 0, dV/dt = 25/10 */
    double d[1], x0[1] = {0.0};
    m->rhs(0.0, x0, p, d);
    cr_assert_float_eq(d[0], 2.5, 4 * DBL_EPSILON * 2.5);
}

/* ---- names and assignments ---------------------------------------------------------------------- */

Test(models, unknown_names_list_the_valid_ones)
{
    const nd_model *m = find("fitzhugh_nagumo");
    nd_error err = {0};
    cr_assert_eq(nd_model_par_index(m, "nope", &err), -1);
    cr_assert_eq(err.code, ND_EINVAL);
    cr_assert_not_null(strstr(err.msg, "nope"), "%s", err.msg);
    cr_assert_not_null(strstr(err.msg, "a, b, tau, Iext"), "%s", err.msg);

    nd_error_clear(&err);
    cr_assert_eq(nd_model_var_index(m, "x", &err), -1);
    cr_assert_not_null(strstr(err.msg, "'x'"), "%s", err.msg);
    cr_assert_not_null(strstr(err.msg, "V, w"), "%s", err.msg);

    const nd_model *hh = find("hodgkin_huxley");
    nd_error_clear(&err);
    cr_assert_eq(nd_model_par_index(hh, "I", &err), -1);
    cr_assert_not_null(strstr(err.msg, "ENa, EK, EL, gNa, gK, gL, C, Iext"), "%s", err.msg);

    /* known names resolve */
    cr_assert_eq(nd_model_par_index(m, "Iext", &err), 3);
    cr_assert_eq(nd_model_var_index(m, "w", &err), 1);
    cr_assert_eq(nd_model_var_index(find("wilson_cowan"), "I", &err), 1);
    cr_assert_eq(nd_model_par_index(find("wilson_cowan"), "I", NULL), -1);
}

Test(models, bad_assignments_are_rejected_with_the_bad_text)
{
    const nd_model *m = find("fitzhugh_nagumo");
    double p[MAXN];
    nd_model_default_params(m, p);
    nd_error err = {0};

    cr_assert_eq(nd_model_set_par(m, p, "Iext=abc", &err), ND_EINVAL);
    cr_assert_not_null(strstr(err.msg, "abc"), "%s", err.msg);
    cr_assert_eq(p[3], 0.5, "a failed assignment changed Iext");

    nd_error_clear(&err);
    cr_assert_eq(nd_model_set_par(m, p, "=3", &err), ND_EINVAL);
    cr_assert_not_null(strstr(err.msg, "=3"), "%s", err.msg);

    nd_error_clear(&err);
    cr_assert_eq(nd_model_set_par(m, p, "nope=1", &err), ND_EINVAL);
    cr_assert_not_null(strstr(err.msg, "nope"), "%s", err.msg);

    cr_assert_eq(memcmp(p, m->par_defaults, m->n_pars * sizeof *p), 0);
    cr_assert_eq(nd_model_set_par(m, p, "Iext=0.75", &err), ND_OK, "%s", err.msg);
    cr_assert_eq(p[3], 0.75);
}

/* ---- the default parameter sets do what the model files say -------------------------------------- */

/* Runs the model's RK4 kernel (one trajectory) from its initial state with default
 * parameters: `transient` time units are dropped, then variable 0 is sampled every `dt_s`
 * for `window`; returns its range and the number of upward crossings of `level`. */
static void sample_orbit(const nd_model *m, double h, double transient, double window,
                         double dt_s, double level, double *lo, double *hi, int *crossings)
{
    double x[MAXN], p[MAXN];
    nd_model_default_state(m, x);
    nd_model_default_params(m, p);
    long per = lround(dt_s / h);
    m->kernels->soa_rk4(1, 1, x, p, 0.0, h, lround(transient / h));
    double t = transient, prev = x[0];
    *lo = INFINITY, *hi = -INFINITY, *crossings = 0;
    for (long k = 0; k < lround(window / dt_s); k++) {
        m->kernels->soa_rk4(1, 1, x, p, t, h, per);
        t += (double)per * h;
        cr_assert(isfinite(x[0]), "%s diverged", m->name);
        *lo = fmin(*lo, x[0]);
        *hi = fmax(*hi, x[0]);
        if (prev < level && x[0] >= level) ++*crossings;
        prev = x[0];
    }
}

/* Periods and ranges from the throw-away RK4 runs quoted in the model files: Morris-Lecar
 * Hopf set I=100: V in [-50.3, 33.3], period ~85 ms; SNIC set I=45: V in [-46.4, 30.9],
 * period ~100 ms; Wilson-Cowan P=1.25: E in [0.10, 0.27], period ~5; Hodgkin-Huxley Iext=10:
 * ~70 Hz. The assertions are loose (oscillation present, count within +-30%). */
Test(models, default_parameters_oscillate)
{
    double lo, hi;
    int nc;
    sample_orbit(find("morris_lecar"), 0.05, 2000.0, 1000.0, 0.5, 0.0, &lo, &hi, &nc);
    cr_assert(hi - lo > 60.0 && nc >= 8 && nc <= 16, "ML Hopf: V in [%g, %g], %d spikes", lo, hi, nc);
    sample_orbit(find("morris_lecar_snic"), 0.05, 2000.0, 1000.0, 0.5, 0.0, &lo, &hi, &nc);
    cr_assert(hi - lo > 60.0 && nc >= 7 && nc <= 13, "ML SNIC: V in [%g, %g], %d spikes", lo, hi, nc);
    sample_orbit(find("wilson_cowan"), 0.01, 100.0, 50.0, 0.05, 0.2, &lo, &hi, &nc);
    cr_assert(hi - lo > 0.1 && nc >= 7 && nc <= 13, "WC: E in [%g, %g], %d cycles", lo, hi, nc);
    sample_orbit(find("hodgkin_huxley"), 0.01, 100.0, 200.0, 0.05, 0.0, &lo, &hi, &nc);
    cr_assert(hi - lo > 80.0 && nc >= 10 && nc <= 18, "HH: V in [%g, %g], %d spikes", lo, hi, nc);
}

/* ---- I_Na,p + I_K (Izhikevich 2007, ch. 4), independently of models/inap_ik.c ------------------- */

/* The book's high-threshold K+ parameter set, written again here: the tests below compare the
 * model with closed forms in these numbers, not in the descriptor's. */
static const struct {
    double C, EL, gL, gNa, ENa, gK, EK, Vm, km, Vn, kn, tau;
} inap = {1, -80, 8, 20, 60, 10, -90, -20, 15, -25, 5, 1};

static double inap_minf(double V) { return 1 / (1 + exp((inap.Vm - V) / inap.km)); }
static double inap_ninf(double V) { return 1 / (1 + exp((inap.Vn - V) / inap.kn)); }
/* the current that holds V at equilibrium: n = n_inf(V) and dV/dt = 0 */
static double inap_iss(double V)
{
    return inap.gL * (V - inap.EL) + inap.gNa * inap_minf(V) * (V - inap.ENa) +
           inap.gK * inap_ninf(V) * (V - inap.EK);
}
/* dI_ss/dV, with s' = s (1 - s)/k for s = 1/(1 + exp((V_half - V)/k)) */
static double inap_diss(double V)
{
    double mi = inap_minf(V), ni = inap_ninf(V);
    double dm = mi * (1 - mi) / inap.km, dn = ni * (1 - ni) / inap.kn;
    return inap.gL + inap.gNa * (dm * (V - inap.ENa) + mi) + inap.gK * (dn * (V - inap.EK) + ni);
}
/* On the equilibrium curve the Jacobian is [[a, -gK (V - EK)/C], [n_inf'/tau, -1/tau]] with
 * a = -(gL + gNa (m_inf' (V - ENa) + m_inf) + gK n_inf)/C; its determinant is I_ss'(V)/(C tau)
 * and its trace a - 1/tau. */
static double inap_trace(double V)
{
    double mi = inap_minf(V), dm = mi * (1 - mi) / inap.km;
    return -(inap.gL + inap.gNa * (dm * (V - inap.ENa) + mi) + inap.gK * inap_ninf(V)) / inap.C -
           1 / inap.tau;
}

/* A zero of f - target in [a, b] (a sign change), by bisection to the last bit. */
static double inap_bisect(double (*f)(double), double target, double a, double b)
{
    double fa = f(a) - target;
    cr_assert(fa * (f(b) - target) <= 0, "no sign change in [%g, %g]", a, b);
    for (int it = 0; it < 200 && b - a > 0; it++) {
        double mid = 0.5 * (a + b), fm = f(mid) - target;
        if (mid <= a || mid >= b) break;
        if ((fm < 0) == (fa < 0)) a = mid, fa = fm;
        else b = mid;
    }
    return 0.5 * (a + b);
}

static void inap_params(const nd_model *m, double I, double *p)
{
    nd_error err = {0};
    nd_model_default_params(m, p);
    int k = nd_model_par_index(m, "I", &err);
    cr_assert_geq(k, 0, "%s", err.msg);
    p[k] = I;
}

Test(models, inap_ik_has_the_books_parameters)
{
    const nd_model *m = find("inap_ik");
    static const char *const names[] = {"C",  "EL",      "gL", "gNa",     "ENa", "gK",
                                        "EK", "Vm_half", "km", "Vn_half", "kn",  "tau"};
    const double want[] = {inap.C,  inap.EL, inap.gL, inap.gNa, inap.ENa, inap.gK,
                           inap.EK, inap.Vm, inap.km, inap.Vn,  inap.kn,  inap.tau};
    nd_error err = {0};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        int i = nd_model_par_index(m, names[k], &err);
        cr_assert_geq(i, 0, "%s", err.msg);
        cr_assert_eq(m->par_defaults[i], want[k], "%s = %g", names[k], m->par_defaults[i]);
    }
    cr_assert_eq(m->par_defaults[nd_model_par_index(m, "I", &err)], 10.0);
    cr_assert_str_eq(m->bif_par, "I");
}

/* The equilibria neurodyn finds in the model's box are the roots of I_ss(V) = I (scanned in
 * 0.25 mV steps over the box and bisected), with n = n_inf(V), and their stability is the one
 * the closed forms give: stable iff det = I_ss'(V)/(C tau) > 0 and trace < 0. Tolerances: Newton
 * stops at a scaled residual of 1e-12, and |I_ss'| >= 0.098 at these roots (the smallest, at
 * I = 4.5 next to the fold), so 1e-8 mV in V; n_inf is then exact to 1e-10. */
Test(models, inap_ik_equilibria_lie_on_the_closed_form_curve)
{
    const nd_model *m = find("inap_ik");
    static const double currents[] = {-20.0, 0.0, 4.5, 10.0, 100.0, 300.0};
    static const size_t expected_count[] = {3, 3, 3, 1, 1, 1};
    for (size_t c = 0; c < sizeof currents / sizeof currents[0]; c++) {
        const double I = currents[c];
        double roots[8];
        size_t nr = 0;
        for (double a = m->var_lo[0]; a < m->var_hi[0]; a += 0.25)
            if ((inap_iss(a) - I) * (inap_iss(a + 0.25) - I) < 0 && nr < 8)
                roots[nr++] = inap_bisect(inap_iss, I, a, a + 0.25);
        cr_assert_eq(nr, expected_count[c], "I = %g: %zu roots of I_ss(V) = I", I, nr);

        double p[MAXN], x[MAXN];
        inap_params(m, I, p);
        nd_model_default_state(m, x);
        nd_region r = {m->var_lo, m->var_hi, NULL, x};
        nd_fp_result res;
        nd_error err = {0};
        cr_assert_eq(nd_fixed_points(m, p, &r, NULL, &res, &err), ND_OK, "%s", err.msg);
        cr_assert_eq(res.n, nr, "I = %g: neurodyn finds %zu equilibria, the closed form %zu", I,
                     res.n, nr);
        for (size_t k = 0; k < nr; k++) {
            const nd_fixed_point *fp = &res.points[k];
            cr_expect(fabs(fp->x[0] - roots[k]) <= 1e-8, "I = %g: V = %.12g, closed form %.12g", I,
                      fp->x[0], roots[k]);
            cr_expect(fabs(fp->x[1] - inap_ninf(roots[k])) <= 1e-10, "I = %g: n = %.12g, n_inf %.12g",
                      I, fp->x[1], inap_ninf(roots[k]));
            int stable = inap_diss(roots[k]) > 0 && inap_trace(roots[k]) < 0;
            cr_expect_eq(fp->stable, stable, "I = %g, V = %.6g: %s", I, roots[k], fp->type);
        }
        nd_fp_result_free(&res);
    }
    /* the rest state at I = 0 (models/inap_ik.c, from 40-digit arithmetic): V = -65.9530,
     * eigenvalues -1.71528 and -1.01863 /ms */
    double p[MAXN], x[2] = {-65.9529512, 0.000277173342}, J[4];
    inap_params(m, 0.0, p);
    m->jac(0.0, x, p, J);
    double tr = J[0] + J[3], det = J[0] * J[3] - J[1] * J[2], disc = sqrt(tr * tr / 4 - det);
    cr_expect(fabs(tr / 2 + disc - -1.01863) < 1e-4 && fabs(tr / 2 - disc - -1.71528) < 1e-4,
              "eigenvalues %.6g, %.6g", tr / 2 + disc, tr / 2 - disc);
}

/* The saddle-node on the invariant circle is the maximum of I_ss, where I_ss'(V) = 0: bisection on
 * the closed-form derivative in [-70, -50] (I_ss rises below it, falls above). The same value
 * from 40-digit arithmetic (mpmath; models/inap_ik.c) is I = 4.51286763030 at V = -60.9325176138:
 * the two agree to 1e-10. The other fold, the minimum of I_ss, is in [-45, -25]; the Hopf point
 * is where the trace vanishes on the upper branch (det > 0 there). neurodyn's continuation over
 * the model's default range, from the one equilibrium at I = -100, must give one branch with
 * exactly these special points: LP, LP, H (supercritical, as simulated), and no branch point
 * (I_ss' and f_I = (1/C, 0) never vanish together, so the curve has none). Location tolerances:
 * the continuer locates special points to |du| <= 1e-11; 1e-7 in I leaves room for the test
 * functions' conditioning (measured: 1e-13); V at a fold is determined only to the square root
 * of the error in I, hence 1e-3 mV there. */
Test(models, inap_ik_folds_and_hopf_against_the_closed_form)
{
    const double v_lp = inap_bisect(inap_diss, 0.0, -70.0, -50.0), i_lp = inap_iss(v_lp);
    cr_assert(fabs(i_lp - 4.51286763030) < 1e-10, "I_SNIC = %.15g", i_lp);
    cr_assert(fabs(v_lp - -60.9325176138) < 1e-9, "V_SNIC = %.15g", v_lp);
    const double v_lp2 = inap_bisect(inap_diss, 0.0, -45.0, -25.0), i_lp2 = inap_iss(v_lp2);
    cr_assert(fabs(i_lp2 - -85.8228423692) < 1e-9, "I_LP2 = %.15g", i_lp2);
    const double v_h = inap_bisect(inap_trace, 0.0, -25.0, -15.0), i_h = inap_iss(v_h);
    cr_assert(inap_diss(v_h) > 0, "a Hopf point needs det > 0");
    cr_assert(fabs(i_h - 200.439491777) < 1e-8, "I_Hopf = %.15g", i_h);

    const nd_model *m = find("inap_ik");
    cr_assert(m->bif_lo < i_lp2 && m->bif_hi > i_h, "the default range %g:%g misses a point",
              m->bif_lo, m->bif_hi);
    int par = nd_model_par_index(m, m->bif_par, NULL);
    double p[MAXN], x[MAXN];
    inap_params(m, m->bif_lo, p);
    nd_model_default_state(m, x);
    nd_region r = {m->var_lo, m->var_hi, NULL, x};
    nd_bif_diagram d = {0};
    nd_error err = {0};
    cr_assert_eq(nd_bifurcation_1d(m, p, par, m->bif_lo, m->bif_hi, &r, NULL, &d, &err), ND_OK,
                 "%s", err.msg);
    cr_assert_eq(d.n_branches, 1, "%zu branches", d.n_branches);
    const nd_branch *br = &d.branches[0];
    static const int order[] = {ND_EQ_LP, ND_EQ_LP, ND_EQ_H};
    const double want_i[] = {i_lp, i_lp2, i_h}, want_v[] = {v_lp, v_lp2, v_h};
    const double tol_v[] = {1e-3, 1e-3, 1e-5};
    cr_assert_eq(br->n_special, 3, "%zu special points (LP, LP, H expected)", br->n_special);
    for (size_t s = 0; s < 3; s++) {
        const nd_special_point *sp = &br->special[s];
        double V = sp->u[0], I = sp->u[2];
        cr_log_info("special point %d (LP 0, H 1, BP 2) at I = %.15g, V = %.15g", sp->test, I, V);
        cr_expect_eq(sp->test, order[s], "special point %zu is of type %d", s, sp->test);
        cr_expect(fabs(I - want_i[s]) < 1e-7 && fabs(V - want_v[s]) < tol_v[s],
                  "point %zu at I = %.12g, V = %.8g; closed form %.12g, %.8g", s, I, V, want_i[s],
                  want_v[s]);
    }
    cr_expect(br->special[2].data[1] < 0, "supercritical: l1 = %g", br->special[2].data[1]);
    nd_bif_diagram_free(&d);
}

/* Class I: at rest just below the fold, periodic firing at an arbitrarily low rate just above it,
 * and at the default I = 10 (models/inap_ik.c: period 7.07 ms). RK4, h = 0.01 ms, spikes counted
 * as upward crossings of -20 mV after a transient. */
static int inap_spikes(const nd_model *m, double I, double transient, double window, double *first,
                       double *last)
{
    double p[MAXN], x[MAXN];
    inap_params(m, I, p);
    nd_model_default_state(m, x);
    const double h = 0.01;
    m->kernels->soa_rk4(1, 1, x, p, 0.0, h, lround(transient / h));
    int n = 0;
    double prev = x[0], t = transient;
    *first = *last = NAN;
    for (long k = 0; k < lround(window / h); k++) {
        m->kernels->soa_rk4(1, 1, x, p, t, h, 1);
        t += h;
        cr_assert(isfinite(x[0]) && x[0] >= m->var_lo[0] && x[0] <= m->var_hi[0],
                  "I = %g: V = %g leaves the box", I, x[0]);
        if (prev < -20.0 && x[0] >= -20.0) {
            if (n++ == 0) *first = t;
            *last = t;
        }
        prev = x[0];
    }
    return n;
}

Test(models, inap_ik_fires_like_a_class_one_neuron)
{
    const nd_model *m = find("inap_ik");
    const double i_lp = inap_iss(inap_bisect(inap_diss, 0.0, -70.0, -50.0));
    double first, last;
    int n = inap_spikes(m, i_lp - 0.01, 500.0, 1000.0, &first, &last);
    cr_expect_eq(n, 0, "I = I_SNIC - 0.01: %d spikes", n);
    n = inap_spikes(m, i_lp + 0.1, 500.0, 1000.0, &first, &last);
    cr_expect(n >= 3 && (last - first) / (n - 1) > 20.0, "I = I_SNIC + 0.1: %d spikes, period %g",
              n, (last - first) / (n - 1));
    n = inap_spikes(m, 10.0, 100.0, 200.0, &first, &last);
    cr_expect(n >= 2 && fabs((last - first) / (n - 1) - 7.07) < 0.05, "I = 10: %d spikes, period %g",
              n, (last - first) / (n - 1));
}

/* `neurodyn models` lists the model with its alias and title; `info` finds it by the alias. */
static int inap_cli(const char *args, char *out, size_t len)
{
    const char *cli = getenv("ND_CLI");
    cr_assert_not_null(cli, "ND_CLI must name the neurodyn binary (make test sets it)");
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' %s 2>&1 < /dev/null", cli, args);
    FILE *f = popen(cmd, "r");
    cr_assert_not_null(f);
    size_t got = fread(out, 1, len - 1, f);
    out[got] = '\0';
    int st = pclose(f);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

Test(models, inap_ik_is_listed_by_the_cli)
{
    static char out[1 << 16];
    cr_assert_eq(inap_cli("models", out, sizeof out), 0, "%s", out);
    const char *line = strstr(out, "inap_ik");
    cr_assert_not_null(line, "inap_ik missing from:\n%s", out);
    size_t len = strcspn(line, "\n");
    char row[256];
    snprintf(row, sizeof row, "%.*s", (int)len, line);
    cr_expect_not_null(strstr(row, "inapk"), "%s", row);
    cr_expect_not_null(strstr(row, "2D"), "%s", row);
    cr_expect_not_null(strstr(row, "class I (SNIC)"), "%s", row);
    cr_assert_eq(inap_cli("info inapk", out, sizeof out), 0, "%s", out);
    cr_expect_not_null(strstr(out, "inap_ik"), "%s", out);
    cr_expect_not_null(strstr(out, "jacobian:   analytic"), "%s", out);
}
