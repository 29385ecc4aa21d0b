/* Homoclinic orbits by the truncated boundary-value problem (analysis/homoclinic/), located from
 * the end of a cycle branch whose period grows without bound, against published values and an
 * independent shooting computation. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>

#include "neurodyn/neurodyn.h"

/* The cycle branches of model m (all variables free, the model's box) from the Hopf points in
 * [lo, hi] (and a scan for the families not born there); the first that ends with its period
 * growing: its index, or -1. */
static long homoclinic_branch(const nd_model *m, const double *p, int par, double lo, double hi, const double *blo,
                              const double *bhi, int scan, nd_bif_diagram *d, nd_cycle_set *cs, double *end, int *snic)
{
    nd_error err;
    nd_region r = {blo, bhi, NULL, NULL};
    cr_assert_eq(nd_bifurcation_1d(m, p, par, lo, hi, &r, NULL, d, &err), ND_OK, "%s", err.msg);
    memset(cs, 0, sizeof *cs);
    cr_assert_eq(nd_cycles_from_hopf(d, p, &r, lo, hi, cs, &err), ND_OK, "%s", err.msg);
    if (scan) cr_assert_eq(nd_cycles_from_scan(d, p, &r, lo, hi, 3, cs, &err), ND_OK, "%s", err.msg);
    for (size_t c = 0; c < cs->n; c++)
        if (nd_cycle_set_homoclinic_end(cs, c, d, lo, hi, end, snic)) return (long)c;
    return -1;
}

/* ---- Lorenz: the homoclinic explosion --------------------------------------------------------- */
static int lorenz_f(double t, const double y[], double f[], void *params)
{
    (void)t;
    const double *q = params; /* sigma, beta, rho */
    f[0] = q[0] * (y[1] - y[0]);
    f[1] = y[0] * (q[2] - y[2]) - y[1];
    f[2] = y[0] * y[1] - q[1] * y[2];
    return GSL_SUCCESS;
}

/* Which way the right branch of the origin's unstable manifold goes after its first loop: 1 when
 * it crosses to x < 0 (rho above the homoclinic value), 0 when it stays at x > 0 (below: it winds
 * into C+). Started 1e-9 from the origin along the unstable eigenvector (the start is off the
 * manifold by O(1e-18)), integrated with GSL's rk8pd at absolute and relative tolerance 1e-14. */
static int lorenz_crosses(double rho)
{
    double q[3] = {10.0, 8.0 / 3.0, rho};
    double lam = (-11.0 + sqrt(121.0 + 40.0 * (rho - 1.0))) / 2.0;
    double v[3] = {1.0, (lam + 10.0) / 10.0, 0.0}, nv = sqrt(v[0] * v[0] + v[1] * v[1]);
    double y[3] = {1e-9 * v[0] / nv, 1e-9 * v[1] / nv, 0.0}, t = 0;
    gsl_odeiv2_system sys = {lorenz_f, NULL, 3, q};
    gsl_odeiv2_driver *drv = gsl_odeiv2_driver_alloc_y_new(&sys, gsl_odeiv2_step_rk8pd, 1e-3, 1e-14, 1e-14);
    int crossed = 0;
    for (int k = 1; k <= 4000 && !crossed; k++) {
        cr_assert_eq(gsl_odeiv2_driver_apply(drv, &t, 0.01 * k, y), GSL_SUCCESS);
        if (y[0] < 0) crossed = 1;
    }
    gsl_odeiv2_driver_free(drv);
    return crossed;
}

Test(homoclinic, lorenz_explosion_from_the_cycle_branch)
{
    /* Lorenz (sigma = 10, beta = 8/3): the cycles born in the subcritical Hopf bifurcations of C+-
     * at rho = 24.74 shrink their parameter to the homoclinic explosion, where the origin's
     * unstable manifold returns to it: rho = 13.92655740752, the value of the issue that asked
     * for this test, from an unstable-manifold bisection (rho ~ 13.9265 in Doedel, Krauskopf &
     * Osinga, Nonlinearity 19 (2006) 2947). Reproduced here independently of the BVP: bisection
     * on the side the unstable manifold goes (lorenz_crosses, GSL rk8pd). */
    const double ref = 13.92655740752;
    const nd_model *m = nd_builtin_find("lorenz");
    double p[3];
    nd_model_default_params(m, p);
    nd_bif_diagram d;
    nd_cycle_set cs;
    double end;
    int snic;
    long c = homoclinic_branch(m, p, 2, 5, 30, m->var_lo, m->var_hi, 0, &d, &cs, &end, &snic);
    cr_assert(c >= 0, "a cycle branch ends with its period growing");
    cr_expect_eq(snic, 0, "a saddle, not a saddle-node");
    nd_homoclinic_info in;
    nd_error err;
    cr_assert_eq(nd_homoclinic_from_cycle_set(&cs, (size_t)c, p, &in, &err), ND_OK, "%s", err.msg);
    cr_expect(fabs(in.par - ref) < 1e-10, "rho_hom = %.13g, reference %.13g", in.par, ref);
    cr_expect(fabs(in.x0[0]) + fabs(in.x0[1]) + fabs(in.x0[2]) < 1e-12, "the saddle is the origin");
    double lu = (-11.0 + sqrt(121.0 + 40.0 * (in.par - 1.0))) / 2.0;
    cr_expect(fabs(in.lambda_u - lu) < 1e-9 && fabs(in.lambda_s + 8.0 / 3.0) < 1e-9, "leading eigenvalues %g %g",
              in.lambda_u, in.lambda_s);
    cr_expect(in.residual < 1e-8, "residual %g", in.residual);

    double a = 13.9, b = 13.95;
    cr_assert_eq(lorenz_crosses(a), 0);
    cr_assert_eq(lorenz_crosses(b), 1);
    for (int k = 0; k < 44; k++) {
        double mid = 0.5 * (a + b);
        if (lorenz_crosses(mid)) b = mid;
        else a = mid;
    }
    double shoot = 0.5 * (a + b);
    cr_log_info("Lorenz: BVP rho = %.15g (T %g, residual %g), bisection %.15g, reference %.13g", in.par, in.T,
                in.residual, shoot, ref);
    cr_expect(fabs(shoot - ref) < 1e-10, "bisection %.13g, reference %.13g", shoot, ref);
    cr_expect(fabs(in.par - shoot) < 1e-10, "BVP %.13g, bisection %.13g", in.par, shoot);
    nd_homoclinic_info_free(&in);
    nd_cycle_set_free(&cs);
    nd_bif_diagram_free(&d);
}

Test(homoclinic, truncation_and_mesh_convergence)
{
    /* The located value converges exponentially in the truncation (Beyn 1990): each lengthening
     * by 2 / lambda at either end brings it closer to the reference; on twice the mesh intervals
     * it moves by less than 1e-10. */
    const double ref = 13.92655740752;
    const nd_model *m = nd_builtin_find("lorenz");
    double p[3];
    nd_model_default_params(m, p);
    nd_bif_diagram d;
    nd_cycle_set cs;
    double end;
    int snic;
    long c = homoclinic_branch(m, p, 2, 5, 30, m->var_lo, m->var_hi, 0, &d, &cs, &end, &snic);
    cr_assert(c >= 0);
    double val[2];
    for (int k = 0; k < 2; k++) {
        nd_homoclinic h;
        nd_error err;
        cr_assert_eq(nd_homoclinic_init(&h, m, p, 2, -1, k ? 400 : 200, 4, &err), ND_OK, "%s", err.msg);
        double *z = malloc(h.dim * sizeof *z), prev_err = INFINITY;
        cr_assert_eq(nd_homoclinic_from_cycle(&h, &cs.curve[c], &cs.branch[c], cs.branch[c].n - 1, 1e-3, z, &err),
                     ND_OK, "%s", err.msg);
        cr_expect_eq(h.n_u, 1);
        cr_expect_eq(h.n_s, 2);
        for (int e = 0; e < 4; e++) {
            nd_homoclinic_info in;
            cr_assert_eq(nd_homoclinic_locate(&h, z, &in, &err), ND_OK, "%s", err.msg);
            double er = fabs(in.par - ref);
            cr_log_info("ntst %zu T %.4f rho %.13g error %.2e", h.ntst, in.T, in.par, er);
            cr_expect(er < prev_err || er < 2e-11, "T = %g: error %g after %g", in.T, er, prev_err);
            prev_err = er;
            val[k] = in.par;
            nd_homoclinic_info_free(&in);
            if (e < 3) cr_assert_eq(nd_homoclinic_extend(&h, z, 0.3, &err), ND_OK, "%s", err.msg);
        }
        free(z);
        nd_homoclinic_free(&h);
    }
    cr_log_info("Lorenz: ntst 200 %.13g, ntst 400 %.13g", val[0], val[1]);
    cr_expect(fabs(val[0] - val[1]) < 1e-10, "ntst 200: %.13g, 400: %.13g", val[0], val[1]);
    nd_cycle_set_free(&cs);
    nd_bif_diagram_free(&d);
}

Test(homoclinic, hindmarsh_rose_fast_subsystem)
{
    /* The Hindmarsh–Rose fast subsystem (x, y with z a parameter; a=1, b=3, c=1, d=5, I=2): the
     * cycles born at the (supercritical) Hopf point of the upper branch end at a saddle
     * homoclinic orbit (not the one that ends the bursts' spiking branch, z ~ 2.0856 at I = 2) at
     * z = 1.3161469599 (AUTO-07p) for I = 0.5. The fast subsystem depends on I - z only
     * (x' = y - x^3 + 3 x^2 - z + I), so at the zoo's I = 2 the orbit is at z + 1.5: both are
     * checked. */
    const nd_model *hr = nd_builtin_find("hindmarsh_rose");
    int slow[3] = {0, 0, 1};
    nd_fast_subsystem fs;
    nd_error err;
    cr_assert_eq(nd_fast_subsystem_init(&fs, hr, slow, &err), ND_OK, "%s", err.msg);
    const nd_model *m = &fs.model;
    double p[16], lo[2] = {-3, -20}, hi[2] = {3, 5};
    nd_model_default_params(m, p);
    int zp = nd_fast_slow_par(&fs, 0);
    nd_bif_diagram d;
    nd_cycle_set cs;
    double end;
    int snic;
    long c = homoclinic_branch(m, p, zp, 0, 4, lo, hi, 1, &d, &cs, &end, &snic);
    cr_assert(c >= 0, "a cycle branch ends with its period growing");
    cr_expect_eq(snic, 0);
    nd_homoclinic_info in;
    cr_assert_eq(nd_homoclinic_from_cycle_set(&cs, (size_t)c, p, &in, &err), ND_OK, "%s", err.msg);
    cr_expect(fabs(in.par - 1.5 - 1.3161469599) < 1e-10, "I = 2: z_hom = %.12g, AUTO-07p 1.3161469599 + 1.5", in.par);
    cr_log_info("HR fast subsystem, I = 2: z_hom = %.13g (T %g, residual %g)", in.par, in.T, in.residual);
    nd_homoclinic_info_free(&in);
    nd_cycle_set_free(&cs);
    nd_bif_diagram_free(&d);

    p[7] = 0.5; /* I */
    c = homoclinic_branch(m, p, zp, -1.5, 2.5, lo, hi, 1, &d, &cs, &end, &snic);
    cr_assert(c >= 0, "I = 0.5: a cycle branch ends with its period growing");
    cr_assert_eq(nd_homoclinic_from_cycle_set(&cs, (size_t)c, p, &in, &err), ND_OK, "%s", err.msg);
    cr_expect(fabs(in.par - 1.3161469599) < 1e-10, "I = 0.5: z_hom = %.12g, AUTO-07p 1.3161469599", in.par);
    cr_log_info("HR fast subsystem, I = 0.5: z_hom = %.15g", in.par);
    nd_homoclinic_info_free(&in);
    nd_cycle_set_free(&cs);
    nd_bif_diagram_free(&d);
    nd_fast_subsystem_free(&fs);
}

Test(homoclinic, morris_lecar_snic_ends_the_cycle_branch)
{
    /* Morris–Lecar, the class-I set of Rinzel & Ermentrout (1989) (gCa = 4, V3 = 12, V4 = 17.4)
     * with phi = 0.067: the family of cycles ends at the saddle-node on the invariant circle at
     * I = 39.963153093 (the fold of the rest state; the value of the reference). The fold
     * carries the circle: the unstable branch of its centre manifold comes back along the stable
     * one (nd_snic_check). With phi = 0.5 the recovery variable is fast and the same fold is a
     * plain saddle-node: the orbit leaving it does not come back to it. */
    const nd_model *m = nd_builtin_find("morris_lecar_snic");
    double p[13];
    nd_model_default_params(m, p);
    p[12] = 0.067; /* phi */
    nd_bif_diagram d;
    nd_cycle_set cs;
    double end;
    int snic;
    long c = homoclinic_branch(m, p, 1, 0, 120, m->var_lo, m->var_hi, 1, &d, &cs, &end, &snic);
    cr_assert(c >= 0, "a cycle branch ends with its period growing");
    cr_expect_eq(snic, 1, "at the fold: a SNIC");
    cr_expect(fabs(end - 39.963153093) < 1e-9, "I_SNIC = %.12g, reference 39.963153093", end);
    cr_log_info("Morris-Lecar SNIC at I = %.15g", end);
    const double *fold = NULL;
    for (size_t b = 0; b < d.n_branches; b++)
        for (size_t s = 0; s < d.branches[b].n_special; s++)
            if (d.branches[b].special[s].test == ND_EQ_LP && fabs(d.branches[b].special[s].u[2] - end) < 1e-9)
                fold = d.branches[b].special[s].u;
    cr_assert(fold, "the fold point");
    double q[13];
    memcpy(q, p, sizeof q);
    q[1] = fold[2];
    int on;
    double tr;
    nd_error err;
    cr_assert_eq(nd_snic_check(m, q, fold, 0, &on, &tr, &err), ND_OK, "%s", err.msg);
    cr_expect_eq(on, 1, "phi = 0.067: the saddle-node lies on an invariant circle");
    cr_expect(tr > 0 && tr < 1000, "the centre manifold returns after %g ms", tr);
    q[12] = 0.5;
    cr_assert_eq(nd_snic_check(m, q, fold, 0, &on, &tr, &err), ND_OK, "%s", err.msg);
    cr_expect_eq(on, 0, "phi = 0.5: no invariant circle through the saddle-node");
    double off[2] = {fold[0] + 5, fold[1]};
    q[12] = 0.067;
    cr_expect_eq(nd_snic_check(m, q, off, 0, &on, &tr, &err), ND_EINVAL, "not a saddle-node");
    cr_expect(strstr(err.msg, "not a saddle-node"), "%s", err.msg);
    nd_cycle_set_free(&cs);
    nd_bif_diagram_free(&d);
}

Test(homoclinic, bad_input_is_refused)
{
    const nd_model *m = nd_builtin_find("lorenz");
    double p[3];
    nd_model_default_params(m, p);
    nd_homoclinic h;
    nd_error err;
    cr_expect_eq(nd_homoclinic_init(&h, m, p, 7, -1, 0, 0, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "7"), "%s", err.msg);
    cr_expect_eq(nd_homoclinic_init(&h, m, p, 2, 2, 0, 0, &err), ND_EINVAL);
    cr_expect_eq(nd_homoclinic_init(&h, m, p, 2, -1, 3, 0, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "ntst 3"), "%s", err.msg);
    cr_expect_eq(nd_homoclinic_init(&h, m, p, 2, -1, 0, 9, &err), ND_EINVAL);
    /* at rho = 0.5 the origin is a stable node, not a saddle: refused with the reason */
    cr_assert_eq(nd_homoclinic_init(&h, m, p, 2, -1, 20, 4, &err), ND_OK, "%s", err.msg);
    double t[16], x[48], *z = malloc(h.dim * sizeof *z);
    for (int i = 0; i < 16; i++) t[i] = i, x[3 * i] = sin(M_PI * i / 15), x[3 * i + 1] = 0.5 * x[3 * i], x[3 * i + 2] = 0;
    p[2] = 0.5;
    cr_expect_eq(nd_homoclinic_from_orbit(&h, t, x, 16, p, 1e-3, z, &err), ND_EFAILED);
    cr_expect(strstr(err.msg, "not a hyperbolic saddle"), "%s", err.msg);
    cr_expect_eq(nd_homoclinic_from_orbit(&h, t, x, 16, p, 0.7, z, &err), ND_EINVAL);
    free(z);
    nd_homoclinic_free(&h);
}

/* The homoclinic curve in two parameters from the orbit located in one: c's end, continued in
 * (par, par2) over [lo2, hi2] of par2; the branch into *b, its curve in *h. */
static void homoclinic_curve(const nd_model *m, const double *p, int par, int par2, double lo2, double hi2,
                             const nd_cycle_set *cs, size_t c, double h_max, size_t points, nd_homoclinic *h,
                             nd_branch *b)
{
    nd_error err;
    cr_assert_eq(nd_homoclinic_init(h, m, p, par, par2, 200, 4, &err), ND_OK, "%s", err.msg);
    double *z = malloc(h->dim * sizeof *z);
    cr_assert_eq(nd_homoclinic_from_cycle(h, &cs->curve[c], &cs->branch[c], cs->branch[c].n - 1, 1e-3, z, &err), ND_OK,
                 "%s", err.msg);
    nd_homoclinic_info in;
    cr_assert_eq(nd_homoclinic_locate(h, z, &in, &err), ND_OK, "%s", err.msg);
    cr_assert_eq(nd_homoclinic_extend(h, z, 2.0 / fmin(in.lambda_u, -in.lambda_s), &err), ND_OK, "%s", err.msg);
    nd_homoclinic_info_free(&in);
    cr_assert_eq(nd_homoclinic_locate(h, z, &in, &err), ND_OK, "%s", err.msg);
    nd_homoclinic_info_free(&in);
    double *lo = malloc(h->dim * sizeof *lo), *hi = malloc(h->dim * sizeof *hi);
    for (size_t i = 0; i < h->dim; i++) lo[i] = -INFINITY, hi[i] = INFINITY;
    lo[h->dim - 1] = lo2, hi[h->dim - 1] = hi2;
    nd_cont_opts o;
    nd_cont_opts_init(&o);
    o.h0 = 0.01, o.h_max = h_max, o.max_points = points, o.lo = lo, o.hi = hi, o.direction = 1, o.tol = 1e-9;
    cr_assert_eq(nd_continue(&h->type, z, NULL, &o, b, &err), ND_OK, "%s", err.msg);
    free(z), free(lo), free(hi);
}

Test(homoclinic, hindmarsh_rose_homoclinic_curve_in_z_and_I)
{
    /* The fast subsystem depends on I - z only, so its homoclinic curve in (z, I) is the line
     * z = I + 0.81614695988549 (z_hom at I = 0.5 from AUTO-07p, 1.3161469599): every point of
     * the continued curve must lie on it. */
    const nd_model *hr = nd_builtin_find("hindmarsh_rose");
    int slow[3] = {0, 0, 1};
    nd_fast_subsystem fs;
    nd_error err;
    cr_assert_eq(nd_fast_subsystem_init(&fs, hr, slow, &err), ND_OK, "%s", err.msg);
    const nd_model *m = &fs.model;
    double p[16], lo[2] = {-3, -20}, hi[2] = {3, 5};
    nd_model_default_params(m, p);
    int zp = nd_fast_slow_par(&fs, 0);
    nd_bif_diagram d;
    nd_cycle_set cs;
    double end;
    int snic;
    long c = homoclinic_branch(m, p, zp, 0, 4, lo, hi, 1, &d, &cs, &end, &snic);
    cr_assert(c >= 0);
    nd_homoclinic h;
    nd_branch b;
    homoclinic_curve(m, p, zp, 7, 1.0, 3.0, &cs, (size_t)c, 0.1, 60, &h, &b);
    cr_expect(b.n >= 5, "%zu points: %s", b.n, b.stop_reason);
    cr_log_info("curve: %zu points: %s", b.n, b.stop_reason);
    double worst = 0, ilo = INFINITY, ihi = -INFINITY;
    for (size_t i = 0; i < b.n; i++) {
        const double *u = b.u + i * b.dim;
        double z = u[b.dim - 2], I = u[b.dim - 1];
        worst = fmax(worst, fabs(z - I - (1.3161469599 - 0.5)));
        ilo = fmin(ilo, I), ihi = fmax(ihi, I);
    }
    cr_log_info("HR homoclinic curve: %zu points, I in [%g, %g], max |z - I - 0.8161469599| = %.2e", b.n, ilo, ihi,
                worst);
    cr_expect(worst < 1e-9, "max |z - I - 0.8161469599| = %g", worst);
    cr_expect(ihi - ilo > 0.5, "I covers [%g, %g]", ilo, ihi);
    nd_branch_free(&b);
    nd_homoclinic_free(&h);
    nd_cycle_set_free(&cs);
    nd_bif_diagram_free(&d);
    nd_fast_subsystem_free(&fs);
}

Test(homoclinic, lorenz_homoclinic_curve_in_rho_and_sigma)
{
    /* The Lorenz homoclinic curve in (rho, sigma) from sigma = 10: a point of the continued curve
     * is checked against the one-parameter computation at its sigma (a new diagram, cycle branch
     * and BVP: an independent start), to 1e-8. */
    const nd_model *m = nd_builtin_find("lorenz");
    double p[3];
    nd_model_default_params(m, p);
    nd_bif_diagram d;
    nd_cycle_set cs;
    double end;
    int snic;
    long c = homoclinic_branch(m, p, 2, 5, 30, m->var_lo, m->var_hi, 0, &d, &cs, &end, &snic);
    cr_assert(c >= 0);
    nd_homoclinic h;
    nd_branch b;
    homoclinic_curve(m, p, 2, 0, 8.0, 12.0, &cs, (size_t)c, 0.5, 30, &h, &b);
    nd_cycle_set_free(&cs);
    nd_bif_diagram_free(&d);
    cr_assert(b.n >= 5, "%zu points: %s", b.n, b.stop_reason);
    const double *u = b.u + (b.n - 1) * b.dim;
    double rho = u[b.dim - 2], sigma = u[b.dim - 1];
    cr_log_info("Lorenz homoclinic curve: %zu points, last rho = %.12g at sigma = %.12g (%s)", b.n, rho, sigma,
                b.stop_reason);
    cr_expect(fabs(sigma - 10) > 0.3, "the curve moved: sigma = %g", sigma);
    p[0] = sigma;
    c = homoclinic_branch(m, p, 2, 2, 40, m->var_lo, m->var_hi, 0, &d, &cs, &end, &snic);
    cr_assert(c >= 0, "sigma = %g: a cycle branch ends with its period growing", sigma);
    nd_homoclinic_info in;
    nd_error err;
    cr_assert_eq(nd_homoclinic_from_cycle_set(&cs, (size_t)c, p, &in, &err), ND_OK, "%s", err.msg);
    cr_log_info("one-parameter at sigma = %.12g: rho = %.12g", sigma, in.par);
    cr_expect(fabs(in.par - rho) < 1e-8, "curve rho = %.12g, one-parameter %.12g", rho, in.par);
    nd_homoclinic_info_free(&in);
    nd_cycle_set_free(&cs);
    nd_bif_diagram_free(&d);
    nd_branch_free(&b);
    nd_homoclinic_free(&h);
}

/* ---- Morris–Lecar, class-I set with fast recovery: a saddle homoclinic orbit ------------------- */
typedef struct ml_ctx {
    const nd_model *m;
    double *p;
} ml_ctx;

static int ml_f(double t, const double y[], double f[], void *params)
{
    const ml_ctx *c = params;
    c->m->rhs(t, y, c->p, f);
    return GSL_SUCCESS;
}

/* Where the upper branch of the saddle's unstable manifold goes at current I: 1 onto the spiking
 * cycle (I above the homoclinic value), 0 onto the rest state. The saddle by Newton from x (in
 * place), the start 1e-7 mV along the unstable eigenvector, GSL rk8pd at tolerance 1e-12 for 3 s. */
static int ml_spikes(const nd_model *m, double *p, double *x)
{
    double J[4], f[2];
    for (int it = 0; it < 50; it++) {
        m->rhs(0, x, p, f);
        m->jac(0, x, p, J);
        double det = J[0] * J[3] - J[1] * J[2];
        x[0] -= (J[3] * f[0] - J[1] * f[1]) / det, x[1] -= (-J[2] * f[0] + J[0] * f[1]) / det;
    }
    m->jac(0, x, p, J);
    double tr = J[0] + J[3], det = J[0] * J[3] - J[1] * J[2], lam = tr / 2 + sqrt(tr * tr / 4 - det);
    double v[2] = {J[1], lam - J[0]};
    if (v[0] < 0) v[0] = -v[0], v[1] = -v[1];
    double nv = hypot(v[0], v[1]), y[2] = {x[0] + 1e-7 * v[0] / nv, x[1] + 1e-7 * v[1] / nv}, t = 0;
    ml_ctx c = {m, p};
    gsl_odeiv2_system sys = {ml_f, NULL, 2, &c};
    gsl_odeiv2_driver *drv = gsl_odeiv2_driver_alloc_y_new(&sys, gsl_odeiv2_step_rk8pd, 1e-3, 1e-12, 1e-12);
    double vmax = -INFINITY;
    for (int k = 1; k <= 3000; k++) {
        cr_assert_eq(gsl_odeiv2_driver_apply(drv, &t, k, y), GSL_SUCCESS);
        if (k > 2000) vmax = fmax(vmax, y[0]);
    }
    gsl_odeiv2_driver_free(drv);
    return vmax > 0; /* spikes reach above 0 mV; the rest state is near -35 mV */
}

Test(homoclinic, morris_lecar_class_one_fast_recovery)
{
    /* Morris–Lecar class-I set with phi = 0.23 (docs/homoclinic.md): the spiking cycle is born at
     * a homoclinic orbit of the saddle below the fold. Independent check: bisection on where the
     * saddle's unstable manifold goes (ml_spikes), to 1e-9. */
    const nd_model *m = nd_builtin_find("morris_lecar_snic");
    double p[13];
    nd_model_default_params(m, p);
    p[12] = 0.23;
    nd_bif_diagram d;
    nd_cycle_set cs;
    double end;
    int snic;
    long c = homoclinic_branch(m, p, 1, 20, 60, m->var_lo, m->var_hi, 1, &d, &cs, &end, &snic);
    cr_assert(c >= 0, "a cycle branch ends with its period growing");
    cr_expect_eq(snic, 0);
    nd_homoclinic_info in;
    nd_error err;
    cr_assert_eq(nd_homoclinic_from_cycle_set(&cs, (size_t)c, p, &in, &err), ND_OK, "%s", err.msg);
    double a = in.par - 0.05, b = in.par + 0.05, x[2] = {in.x0[0], in.x0[1]};
    p[1] = a;
    cr_assert_eq(ml_spikes(m, p, x), 0, "I = %g: rest", a);
    p[1] = b;
    cr_assert_eq(ml_spikes(m, p, x), 1, "I = %g: spiking", b);
    for (int k = 0; k < 36; k++) {
        double mid = 0.5 * (a + b);
        p[1] = mid;
        if (ml_spikes(m, p, x)) b = mid;
        else a = mid;
    }
    cr_log_info("Morris-Lecar phi = 0.23: BVP I_hom = %.13g, bisection %.13g", in.par, 0.5 * (a + b));
    cr_expect(fabs(in.par - 0.5 * (a + b)) < 1e-9, "BVP %.13g, bisection %.13g", in.par, 0.5 * (a + b));
    nd_homoclinic_info_free(&in);
    nd_cycle_set_free(&cs);
    nd_bif_diagram_free(&d);
}
