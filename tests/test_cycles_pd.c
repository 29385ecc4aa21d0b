/* Branch switching at period doublings of cycles (analysis/cycles/switch.c, nd_cycles_from_pd):
 * the Rössler cascade (a = b = 0.2, parameter c) against an independent shooting computation
 * written here (Newton on the periodic orbit with the variational equations integrated by GSL's
 * rk8pd at rtol = atol = 1e-13, the PD by the secant method on mu(c) + 1 for the monodromy
 * matrix's multiplier near -1), and against the value of issue 19 (c1 = 2.8324450278625, an
 * independent shooting computation). Tolerances are stated at each check. */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <gsl/gsl_eigen.h>
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
TestSuite(cycles_pd, .init = make_tmpdir, .fini = remove_tmpdir);

/* ---- shooting (independent of the collocation code) ------------------------------------------- */
/* x' = f(x), Phi' = J(x) Phi for the Rössler system with a = b = 0.2 and the given c. */
static void rossler_var(double t, const double *y, double *dy, void *ctx)
{
    (void)t;
    const double a = 0.2, b = 0.2, c = *(const double *)ctx;
    dy[0] = -y[1] - y[2];
    dy[1] = y[0] + a * y[1];
    dy[2] = b + y[2] * (y[0] - c);
    const double J[9] = {0, -1, -1, 1, a, 0, y[2], 0, y[0] - c};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            double s = 0;
            for (int k = 0; k < 3; k++) s += J[i * 3 + k] * y[3 + k * 3 + j];
            dy[3 + i * 3 + j] = s;
        }
}

/* x (3) after time T from x0, and the monodromy Phi (3 x 3 row-major) */
static void flow(double c, const double *x0, double T, double *x, double *Phi)
{
    double y[12] = {x0[0], x0[1], x0[2], 1, 0, 0, 0, 1, 0, 0, 0, 1};
    nd_system sys = {12, rossler_var, NULL, &c};
    nd_solve_opts o;
    nd_solve_opts_init(&o);
    o.method = "rk8pd", o.rtol = 1e-13, o.atol = 1e-13;
    nd_error err;
    cr_assert_eq(nd_solve_system(&sys, 0, T, y, &o, NULL, &err), ND_OK, "%s", err.msg);
    memcpy(x, y, 3 * sizeof *x);
    if (Phi) memcpy(Phi, y + 3, 9 * sizeof *Phi);
}

static void solve3(double A[3][4])
{
    for (int c = 0; c < 3; c++) {
        int p = c;
        for (int r = c + 1; r < 3; r++)
            if (fabs(A[r][c]) > fabs(A[p][c])) p = r;
        for (int k = 0; k < 4; k++) {
            double t = A[c][k];
            A[c][k] = A[p][k], A[p][k] = t;
        }
        for (int r = 0; r < 3; r++)
            if (r != c) {
                double f = A[r][c] / A[c][c];
                for (int k = 0; k < 4; k++) A[r][k] -= f * A[c][k];
            }
    }
    for (int r = 0; r < 3; r++) A[r][3] /= A[r][r];
}

/* The periodic orbit through the section y = 0 near (x[0], 0, x[2]) with period near *T: Newton
 * on phi_T(x0) - x0 = 0 in (x0, z0, T). Returns the multiplier closest to -1 (real). */
static double shoot(double c, double *x, double *T)
{
    double xe[3], Phi[9], f[3];
    x[1] = 0;
    for (int it = 0; it < 30; it++) {
        flow(c, x, *T, xe, Phi);
        double r = fabs(xe[0] - x[0]) + fabs(xe[1] - x[1]) + fabs(xe[2] - x[2]);
        f[0] = -xe[1] - xe[2], f[1] = xe[0] + 0.2 * xe[1], f[2] = 0.2 + xe[2] * (xe[0] - c);
        double A[3][4];
        for (int i = 0; i < 3; i++) {
            A[i][0] = Phi[i * 3 + 0] - (i == 0);
            A[i][1] = Phi[i * 3 + 2] - (i == 2);
            A[i][2] = f[i];
            A[i][3] = -(xe[i] - x[i]);
        }
        solve3(A);
        x[0] += A[0][3], x[2] += A[1][3], *T += A[2][3];
        if (r < 1e-12 && fabs(A[0][3]) + fabs(A[1][3]) + fabs(A[2][3]) < 1e-12) break;
    }
    flow(c, x, *T, xe, Phi);
    cr_assert(fabs(xe[0] - x[0]) + fabs(xe[1] - x[1]) + fabs(xe[2] - x[2]) < 1e-10, "shooting at c = %.12g failed", c);
    gsl_matrix_view A = gsl_matrix_view_array(Phi, 3, 3);
    gsl_vector_complex *ev = gsl_vector_complex_alloc(3);
    gsl_eigen_nonsymm_workspace *w = gsl_eigen_nonsymm_alloc(3);
    cr_assert_eq(gsl_eigen_nonsymm(&A.matrix, ev, w), 0);
    double best = NAN, d = INFINITY;
    for (int i = 0; i < 3; i++) {
        gsl_complex z = gsl_vector_complex_get(ev, i);
        if (fabs(GSL_IMAG(z)) < 1e-9 && fabs(GSL_REAL(z) + 1) < d) d = fabs(GSL_REAL(z) + 1), best = GSL_REAL(z);
    }
    gsl_eigen_nonsymm_free(w), gsl_vector_complex_free(ev);
    return best;
}

/* The orbit of k loops by simulation at c: the state at the k-th upward crossing of y = 0 after
 * a transient, and the time taken. */
typedef struct crossing {
    double t[16], x[16][3];
    int n;
} crossing;

static int on_cross(int event, double t, const double *x, void *ctx)
{
    (void)event;
    crossing *cr = ctx;
    if (cr->n < 16) cr->t[cr->n] = t, memcpy(cr->x[cr->n], x, 3 * sizeof *x), cr->n++;
    return cr->n >= 16;
}

static void orbit_by_simulation(double c, int k, double *x, double *T)
{
    const nd_model *m = nd_builtin_find("rossler");
    double p[3] = {0.2, 0.2, c}, y[3] = {1, 1, 1};
    nd_solve_opts o;
    nd_solve_opts_init(&o);
    o.rtol = 1e-10, o.atol = 1e-12;
    nd_error err;
    cr_assert_eq(nd_solve(m, p, 0, 3000, y, &o, NULL, &err), ND_OK, "%s", err.msg);
    nd_event ev = {1, 0.0, +1, 0};
    crossing cr = {.n = 0};
    o.events = &ev, o.n_events = 1, o.on_event = on_cross, o.ctx = &cr;
    cr_assert_eq(nd_solve(m, p, 0, 1000, y, &o, NULL, &err), ND_OK, "%s", err.msg);
    cr_assert(cr.n > k);
    memcpy(x, cr.x[0], 3 * sizeof *x);
    *T = cr.t[k] - cr.t[0];
}

/* The PD of the k-loop orbit: simulated at c_sim (where it is stable), followed by shooting to
 * c_a, then the secant method on mu(c) + 1 between c_a and c_b until |dc| < 1e-13. */
static double pd_by_shooting(int k, double c_sim, double c_a, double c_b, double *T_pd)
{
    double x[3], T;
    orbit_by_simulation(c_sim, k, x, &T);
    int steps = (int)ceil(fabs(c_a - c_sim) / 0.02);
    for (int i = 1; i <= steps; i++) shoot(c_sim + (c_a - c_sim) * i / steps, x, &T);
    double xa[3], Ta = T, ga = shoot(c_a, x, &Ta) + 1;
    memcpy(xa, x, sizeof xa);
    double xb[3] = {x[0], x[1], x[2]}, Tb = Ta, gb;
    int sb = (int)ceil(fabs(c_b - c_a) / 0.01);
    for (int i = 1; i < sb; i++) shoot(c_a + (c_b - c_a) * i / sb, xb, &Tb);
    gb = shoot(c_b, xb, &Tb) + 1;
    cr_assert(ga * gb < 0, "no PD of the %d-loop orbit in %g:%g (mu + 1 = %g, %g)", k, c_a, c_b, ga, gb);
    double a = c_a, b = c_b;
    for (int it = 0; it < 60 && fabs(b - a) > 1e-13; it++) {
        double cn = b - gb * (b - a) / (gb - ga), xn[3] = {xb[0], xb[1], xb[2]}, Tn = Tb;
        double gn = shoot(cn, xn, &Tn) + 1;
        a = b, ga = gb, b = cn, gb = gn;
        memcpy(xb, xn, sizeof xb), Tb = Tn;
    }
    *T_pd = Tb;
    return b;
}

/* ---- collocation: the cascade by branch switching ------------------------------------------------ */
typedef struct cascade {
    nd_bif_diagram d;
    nd_cycle_set cs;
    double p[3], lo[3], hi[3], x[3];
    nd_region r;
} cascade;

/* The period-1 cycle simulated at c = 2.5, continued over [2.4, 4.3], and the doubled branches to
 * `depth` (NTST 80 for the period-1 branch: 160, 320 and 640 on the doubled ones). */
static void cascade_build(cascade *k, unsigned depth)
{
    const nd_model *m = nd_builtin_find("rossler");
    const double plo = 2.4, phi = 4.3;
    nd_model_default_params(m, k->p);
    k->p[2] = 2.5; /* the period-1 cycle is stable there */
    for (int i = 0; i < 3; i++) k->lo[i] = m->var_lo[i], k->hi[i] = m->var_hi[i], k->x[i] = m->init[i];
    k->r = (nd_region){k->lo, k->hi, NULL, k->x};
    nd_error err;
    cr_assert_eq(nd_bifurcation_1d(m, k->p, 2, plo, phi, &k->r, NULL, &k->d, &err), ND_OK, "%s", err.msg);
    memset(&k->cs, 0, sizeof k->cs);
    nd_cycle cyc;
    cr_assert_eq(nd_cycle_by_simulation(m, k->p, m->init, 0, 500, 2000, 1000, &cyc, &err), ND_OK, "%s", err.msg);
    cr_assert_eq(nd_cycles_from_simulation(m, k->p, 2, &k->r, &cyc, plo, phi, &k->cs, &err), ND_OK, "%s", err.msg);
    nd_cycle_free(&cyc);
    cr_assert_eq(nd_cycles_from_pd(&k->d, k->p, &k->r, plo, phi, depth, 0, &k->cs, &err), ND_OK, "%s", err.msg);
}

static void cascade_free(cascade *k)
{
    nd_cycle_set_free(&k->cs);
    nd_bif_diagram_free(&k->d);
}

/* The PD on a branch of the given period multiple (the first one; NULL if none), its branch in *c. */
static const nd_special_point *pd_on(const nd_cycle_set *cs, size_t multiple, size_t *c)
{
    for (size_t i = 0; i < cs->n; i++)
        for (size_t s = 0; cs->multiple[i] == multiple && s < cs->branch[i].n_special; s++)
            if (cs->branch[i].special[s].test == ND_CYC_PD) {
                if (c) *c = i;
                return &cs->branch[i].special[s];
            }
    return NULL;
}

Test(cycles_pd, rossler_cascade_against_shooting)
{
    /* Shooting (this file): c1..c4 to about 1e-12 (secant on mu + 1 to |dc| < 1e-13, orbits to
     * 1e-12; the PD of the k-loop orbit simulated where it is stable: c = 2.5, 3.5, 4.0, 4.16) */
    double T1, T2, T3, T4;
    double s1 = pd_by_shooting(1, 2.5, 2.80, 2.86, &T1);
    double s2 = pd_by_shooting(2, 3.5, 3.80, 3.86, &T2);
    double s3 = pd_by_shooting(4, 4.0, 4.10, 4.14, &T3);
    double s4 = pd_by_shooting(8, 4.16, 4.17, 4.19, &T4);
    cr_log_info("shooting: c1 %.13f (T %.12f), c2 %.13f (T %.12f), c3 %.13f (T %.12f), c4 %.13f (T %.12f)", s1, T1, s2,
                T2, s3, T3, s4, T4);
    /* issue 19: c1 = 2.8324450278625 (its own shooting computation) */
    cr_expect(fabs(s1 - 2.8324450278625) < 1e-11, "shooting c1 = %.13f", s1);

    cascade k;
    cascade_build(&k, 3);
    size_t b1, b2, b3, b4;
    const nd_special_point *p1 = pd_on(&k.cs, 1, &b1), *p2 = pd_on(&k.cs, 2, &b2), *p3 = pd_on(&k.cs, 4, &b3),
                           *p4 = pd_on(&k.cs, 8, &b4);
    cr_assert(p1 && p2 && p3 && p4, "PDs on the 1T, 2T, 4T, 8T branches: %d %d %d %d", !!p1, !!p2, !!p3, !!p4);
    double c1 = p1->data[1], c2 = p2->data[1], c3 = p3->data[1], c4 = p4->data[1];
    cr_log_info("collocation: c1 %.13f (T %.12f), c2 %.13f (T %.12f), c3 %.13f (T %.12f), c4 %.13f (T %.12f)", c1,
                p1->data[0], c2, p2->data[0], c3, p3->data[0], c4, p4->data[0]);
    cr_log_info("differences: %.2e %.2e %.2e %.2e", c1 - s1, c2 - s2, c3 - s3, c4 - s4);
    /* the tree: 2T from the PD of 1T, 4T from 2T's, 8T from 4T's; depth 3: no 16T branch */
    cr_expect_eq(k.cs.parent[b2], (long)b1);
    cr_expect_eq(k.cs.parent[b3], (long)b2);
    cr_expect_eq(k.cs.parent[b4], (long)b3);
    cr_expect_eq(k.cs.origin[b4], ND_CYCLE_FROM_PD);
    cr_expect_null(pd_on(&k.cs, 16, NULL), "depth 3 stops at the 8T branch");
    /* NTST 80, 160, 320, 640 on the four branches (80 intervals per base period, ncol 4): the
     * PDs agree with shooting to 5e-11 (measured: 4.0e-12, -2.1e-13, 3.6e-12, 5.7e-13; shooting:
     * c1 2.8324450278624, c2 3.8373581684098, c3 4.1242147320753, c4 4.1869969993942; AUTO-07p
     * in tests/test_diagrams.c: c2 3.8373581684, c3 4.1242147321), and their periods to 1e-10
     * relative */
    cr_expect(fabs(c1 - 2.8324450278625) < 5e-11, "c1 = %.13f, issue 19: 2.8324450278625", c1);
    cr_expect(fabs(c1 - s1) < 5e-11, "c1 = %.13f, shooting %.13f", c1, s1);
    cr_expect(fabs(c2 - s2) < 5e-11, "c2 = %.13f, shooting %.13f", c2, s2);
    cr_expect(fabs(c3 - s3) < 5e-11, "c3 = %.13f, shooting %.13f", c3, s3);
    cr_expect(fabs(c4 - s4) < 5e-11, "c4 = %.13f, shooting %.13f", c4, s4);
    for (int i = 0; i < 4; i++) {
        const nd_special_point *pp[] = {p1, p2, p3, p4};
        double Ts[] = {T1, T2, T3, T4};
        cr_expect(fabs(pp[i]->data[0] - Ts[i]) < 1e-10 * Ts[i], "T at PD %d: %.12f, shooting %.12f", i + 1,
                  pp[i]->data[0], Ts[i]);
    }
    /* Feigenbaum: delta_n = (c_{n+1} - c_n) / (c_{n+2} - c_{n+1}) -> 4.6692016 (Feigenbaum 1978). The
     * deviation of delta_1 is measured here; convergence at the rate 1 / delta per level bounds
     * that of delta_2 by |delta_1 - 4.6692| / 4.6692. Measured (collocation and shooting alike):
     * delta_1 = 3.50319033, delta_2 = 4.56906983 (|delta_2 - 4.6692| = 0.100 < 1.166 / 4.669 =
     * 0.250); the ratios agree with shooting to 1e-8 (the PDs' errors over the intervals) */
    const double feig = 4.669201609;
    double d1 = (c2 - c1) / (c3 - c2), d2 = (c3 - c2) / (c4 - c3);
    double sd1 = (s2 - s1) / (s3 - s2), sd2 = (s3 - s2) / (s4 - s3);
    cr_log_info("Feigenbaum ratios: collocation %.8f %.8f, shooting %.8f %.8f", d1, d2, sd1, sd2);
    cr_expect(fabs(d1 - sd1) < 1e-8 && fabs(d2 - sd2) < 1e-8, "ratios %.9f %.9f, shooting %.9f %.9f", d1, d2, sd1, sd2);
    cr_expect(fabs(d2 - feig) < fabs(d1 - feig) / feig, "delta_2 = %.6f, delta_1 = %.6f", d2, d1);
    cascade_free(&k);
}

Test(cycles_pd, doubled_branch_starts_at_twice_the_period)
{
    /* The start of the 2T branch at c1 (nd_cycle_curve_from_pd directly): it leaves the
     * period-1 branch (a half-period gap and a distance from the doubled copy of the PD cycle),
     * its period extrapolated back to the PD is 2 T(PD), and its first cycle is stable (the PD
     * is supercritical: the doubled cycle takes over the stability), with the multiplier that
     * was -1 now squared near +1 */
    cascade k;
    cascade_build(&k, 0);
    size_t b1, s = 0;
    const nd_special_point *p1 = pd_on(&k.cs, 1, &b1);
    cr_assert_not_null(p1);
    while (&k.cs.branch[b1].special[s] != p1) s++;
    nd_cycle_curve *from = &k.cs.curve[b1], c;
    nd_error err;
    cr_assert_eq(nd_cycle_curve_init(&c, from->m, k.p, 2, &k.r, 2 * from->ntst, from->ncol, &err), ND_OK, "%s", err.msg);
    size_t N = c.type.dim;
    double *u0 = malloc(2 * N * sizeof *u0), *v0 = u0 + N;
    nd_cycle_switch sw;
    cr_assert_eq(nd_cycle_curve_from_pd(&c, from, &k.cs.branch[b1], s, u0, v0, &sw, &err), ND_OK, "%s", err.msg);
    cr_log_info("switch at c = %.13f: T %.12f, mu %.12f, delta %.3g; start c = %.13f, T %.12f, distance %.3g, gap %.3g",
                sw.par, sw.period, sw.multiplier, sw.delta, sw.start_par, sw.start_period, sw.distance, sw.gap);
    cr_expect(fabs(sw.multiplier + 1) < 1e-8, "mu = %.12f", sw.multiplier);
    cr_expect(sw.gap > 1e-4 && sw.distance > 0.5 * sw.delta, "gap %g, distance %g (delta %g)", sw.gap, sw.distance, sw.delta);
    cr_expect(sw.start_par > sw.par && sw.start_par - sw.par < 1e-3, "the start at c = %.13f", sw.start_par);
    cr_expect(fabs(sw.start_period - 2 * sw.period) < 1e-3 * sw.period);
    /* the branch; then T(c) on it at c1 + e, + 2e, + 3e (e = the start's offset), quadratic
     * extrapolation to c1: error O(e^3) */
    nd_cont_opts o;
    nd_cycle_set_opts_init(&o);
    o.max_points = 40;
    nd_branch b;
    cr_assert_eq(nd_cycle_continue(&c, u0, v0, &o, &b, &err), ND_OK, "%s", err.msg);
    cr_assert(b.n > 3, "%zu points: %s", b.n, b.stop_reason);
    const nd_cycle_info *first = nd_cycle_curve_info(&c, 0);
    cr_log_info("first doubled cycle: c %.13f, mu %.6g %.6g, stable %d", first->par, first->mu_re[1], first->mu_re[2],
                first->stable);
    cr_expect_eq(first->stable, 1);
    cr_expect(fabs(first->mu_re[1] - 1) < 1e-2, "mu_1 = %.6g", first->mu_re[1]);
    double e = first->par - sw.par, Tq[3];
    for (int q = 0; q < 3; q++) {
        const nd_cycle_info *in;
        cr_assert_eq(nd_cycle_curve_at(&c, &b, sw.par + (q + 1) * e, u0, &in, &err), ND_OK, "%s", err.msg);
        Tq[q] = in->period;
    }
    double T0 = 3 * Tq[0] - 3 * Tq[1] + Tq[2]; /* the quadratic through e, 2e, 3e at 0 */
    cr_log_info("T on the doubled branch extrapolated to c1: %.13f, 2 T(PD) %.13f (diff %.2e)", T0, 2 * sw.period,
                T0 - 2 * sw.period);
    cr_expect(fabs(T0 - 2 * sw.period) < 1e-9, "T2(c1) = %.13f, 2 T = %.13f", T0, 2 * sw.period); /* measured 3e-11 */
    /* bad input: not a PD, a mesh not doubled */
    cr_expect_eq(nd_cycle_curve_from_pd(&c, from, &k.cs.branch[b1], k.cs.branch[b1].n_special, u0, v0, NULL, &err), ND_EINVAL);
    nd_cycle_curve c3;
    cr_assert_eq(nd_cycle_curve_init(&c3, from->m, k.p, 2, &k.r, from->ntst, from->ncol, &err), ND_OK, "%s", err.msg);
    cr_expect_eq(nd_cycle_curve_from_pd(&c3, from, &k.cs.branch[b1], s, u0, v0, NULL, &err), ND_EINVAL);
    cr_log_info("%s", err.msg);
    nd_cycle_curve_free(&c3);
    free(u0);
    nd_branch_free(&b);
    nd_cycle_curve_free(&c);
    cascade_free(&k);
}

Test(cycles_pd, depth_zero_and_each_pd_once)
{
    /* depth 0 adds nothing; calling nd_cycles_from_pd again adds nothing (each PD switched once) */
    cascade k;
    cascade_build(&k, 0);
    size_t n0 = k.cs.n;
    nd_error err;
    cr_assert_eq(nd_cycles_from_pd(&k.d, k.p, &k.r, 2.4, 4.3, 2, 0, &k.cs, &err), ND_OK, "%s", err.msg);
    size_t n2 = k.cs.n;
    cr_expect_eq(n2, n0 + 2, "2T and 4T branches: %zu -> %zu", n0, n2);
    cr_assert_eq(nd_cycles_from_pd(&k.d, k.p, &k.r, 2.4, 4.3, 2, 0, &k.cs, &err), ND_OK, "%s", err.msg);
    cr_expect_eq(k.cs.n, n2, "no branch twice");
    cr_expect_eq(nd_cycles_from_pd(&k.d, k.p, &k.r, 2.4, 4.3, 11, 0, &k.cs, &err), ND_EINVAL);
    cascade_free(&k);
}

/* The branches of `bifurcation rossler ARGS --json` switched at a PD, with their multiples. */
static size_t cli_doubled(const char *args, size_t *multiples, size_t cap)
{
    char cmd[512], path[300];
    snprintf(cmd, sizeof cmd, "bifurcation rossler --par c=2.2:4.4 --cycle-scan 0 --cycle-from c=2.5 --quiet --json %s", args);
    cr_assert_eq(cli_run_in(tmpdir, cmd), 0, "%s", cmd);
    snprintf(path, sizeof path, "%s/stdout", tmpdir);
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je), *b;
    cr_assert_not_null(j, "%s", je.text);
    size_t i, n = 0;
    json_array_foreach(json_object_get(j, "branches"), i, b) {
        const char *from = json_string_value(json_object_get(b, "from"));
        if (!from || strncmp(from, "the period doubling", 19)) continue;
        cr_expect(json_is_integer(json_object_get(b, "parent_branch")));
        if (n < cap) multiples[n] = (size_t)json_integer_value(json_object_get(b, "period_multiple"));
        n++;
    }
    json_decref(j);
    return n;
}

Test(cycles_pd, cli_pd_depth)
{
    /* the period-1 cycle from c = 2.5 only: --pd-depth 3 (the default) adds the 2T, 4T, 8T
     * branches, --pd-depth 1 the 2T one, 0 none; a bad depth is a usage error */
    size_t mult[8];
    cr_expect_eq(cli_doubled("", mult, 8), 3);
    cr_expect(mult[0] == 2 && mult[1] == 4 && mult[2] == 8, "multiples %zu %zu %zu", mult[0], mult[1], mult[2]);
    cr_expect_eq(cli_doubled("--pd-depth 1", mult, 8), 1);
    cr_expect_eq(cli_doubled("--pd-depth 0", mult, 8), 0);
    cr_expect_eq(cli_run_in(tmpdir, "bifurcation rossler --cycles --pd-depth 11"), 2);
    cr_expect_eq(cli_run_in(tmpdir, "bifurcation rossler --cycles --pd-depth x"), 2);
}
