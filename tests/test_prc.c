/* Phase response curves (analysis/prc/): the adjoint method against closed forms (the
 * Stuart–Landau oscillator with twisted isochrons, the theta neuron embedded in the plane),
 * adjoint against direct perturbation on Morris–Lecar class I and class II, and the command
 * (columns, JSON keys, errors). Tolerances are stated at each check. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_run.h"
#include "neurodyn/neurodyn.h"

/* ---- models with closed-form PRCs ------------------------------------------------------------ */
/* Stuart–Landau oscillator (the Hopf normal form with shear), z = x + i y:
 *   z' = (lambda + i omega) z - (1 + i beta) |z|^2 z.
 * In polar form r' = lambda r - r^3, phi' = omega - beta r^2: the cycle r = sqrt(lambda) with
 * frequency Omega = omega - beta lambda. The asymptotic phase (radians) is
 * psi = phi - beta ln(r / sqrt(lambda)) (psi' = Omega identically; Kuramoto 1984, Chemical
 * Oscillations, Waves and Turbulence, sec. 2.2; Nakao 2016, Contemp. Phys. 57:188, eq. 21), so in
 * time, on the cycle,
 *   Z_x = (-sin phi - beta cos phi) / (Omega sqrt(lambda)),
 *   Z_y = ( cos phi - beta sin phi) / (Omega sqrt(lambda)).
 * theta = 0 is the upward crossing of x = 0 (the middle of x's range), phi = -pi/2, so
 * phi(theta) = -pi/2 + 2 pi theta. */
ND_RHS(sl)
{
    double r2 = x[0] * x[0] + x[1] * x[1];
    dxdt[0] = p[0] * x[0] - p[1] * x[1] - r2 * (x[0] - p[2] * x[1]);
    dxdt[1] = p[1] * x[0] + p[0] * x[1] - r2 * (p[2] * x[0] + x[1]);
}
ND_JACOBIAN(sl)
{
    double r2 = x[0] * x[0] + x[1] * x[1], a = x[0] - p[2] * x[1], b = p[2] * x[0] + x[1];
    jac[0] = p[0] - r2 - 2 * x[0] * a;
    jac[1] = -p[1] + r2 * p[2] - 2 * x[1] * a;
    jac[2] = p[1] - r2 * p[2] - 2 * x[0] * b;
    jac[3] = p[0] - r2 - 2 * x[1] * b;
}
static const char *const xy[] = {"x", "y"}, *const sl_p[] = {"lambda", "omega", "beta"};
static const double sl_d[] = {1.0, 2.0, 1.0}, sl_init[] = {0.3, 0.1};
static const nd_model sl_model = {.name = "stuart_landau", .n_vars = 2, .n_pars = 3, .var_names = xy,
                                  .par_names = sl_p, .par_defaults = sl_d, .init = sl_init, .rhs = sl_rhs,
                                  .jac = sl_jac, .t_sim = 20};

/* The theta neuron (Ermentrout & Kopell 1986, SIAM J. Appl. Math. 46:233; Ermentrout 1996,
 * Neural Comput. 8:979) theta' = F(theta) = 1 - cos theta + (1 + cos theta) I, embedded in the
 * plane with a stable radius: r' = r (1 - r^2), so x = r cos theta, y = r sin theta and
 *   x' = x (1 - r^2) - y F,  y' = y (1 - r^2) + x F,  cos theta = x / r.
 * theta' does not depend on r: the isochrons are rays, the asymptotic phase (in time) is
 * int dtheta / F, and on the cycle Z = (-sin theta, cos theta) / F(theta). Period pi / sqrt(I).
 * The PRC to the input I, Z . df/dI = (1 + cos theta) / F(theta), is the classical
 * (1 - cos(2 pi t / T)) / (2 I) with t the time since the spike (theta = pi). */
ND_RHS(thp)
{
    double r2 = x[0] * x[0] + x[1] * x[1], c = x[0] / sqrt(r2);
    double F = 1 - c + (1 + c) * p[0];
    dxdt[0] = x[0] * (1 - r2) - x[1] * F;
    dxdt[1] = x[1] * (1 - r2) + x[0] * F;
}
static const char *const thp_p[] = {"I"};
static const double thp_d[] = {0.5}, thp_init[] = {0.5, 0.5};
static const nd_model thp_model = {.name = "theta_planar", .n_vars = 2, .n_pars = 1, .var_names = xy,
                                   .par_names = thp_p, .par_defaults = thp_d, .init = thp_init, .rhs = thp_rhs,
                                   .t_sim = 20};

Test(prc, stuart_landau_closed_form)
{
    const double lambda = 1.0, omega = 2.0;
    for (int b = 0; b < 2; b++) {
        double beta = b ? 1.0 : 0.0, p[] = {lambda, omega, beta}, Omega = omega - beta * lambda;
        nd_prc_opts o;
        nd_prc_opts_init(&o);
        nd_prc r;
        nd_error err;
        cr_assert_eq(nd_prc_compute(&sl_model, p, &o, &r, &err), ND_OK, "%s", err.msg);
        /* period 2 pi / Omega; the collocation period to 1e-10 */
        cr_assert(fabs(r.period - 2 * M_PI / Omega) < 1e-10, "beta %g: T = %.15g", beta, r.period);
        /* the transverse multiplier exp(-2 lambda T) */
        cr_assert(fabs(r.mu_max - exp(-2 * lambda * r.period)) < 1e-8, "mu %g", r.mu_max);
        double worst = 0, worst_x = 0, zmax = 0;
        for (size_t i = 0; i < r.n; i++) {
            double phi = -M_PI / 2 + 2 * M_PI * r.theta[i], rr = sqrt(lambda);
            double zx = (-sin(phi) - beta * cos(phi)) / (Omega * rr), zy = (cos(phi) - beta * sin(phi)) / (Omega * rr);
            worst = fmax(worst, fmax(fabs(r.z[2 * i] - zx), fabs(r.z[2 * i + 1] - zy)));
            worst_x = fmax(worst_x, fmax(fabs(r.x[2 * i] - rr * cos(phi)), fabs(r.x[2 * i + 1] - rr * sin(phi))));
            zmax = fmax(zmax, fabs(zx));
        }
        cr_log_info("Stuart-Landau beta %g: max |Z - Z_exact| = %.3g (max |Z| %.3g), cycle %.3g, |Z.f-1| %.3g", beta,
                    worst, zmax, worst_x, r.norm_dev);
        /* adjoint PRC to 1e-9 absolute (|Z| <= 1.4), the cycle (and so the phase origin) to 1e-9 */
        cr_assert(worst < 1e-9, "beta %g: PRC error %g", beta, worst);
        cr_assert(worst_x < 1e-9, "beta %g: cycle error %g", beta, worst_x);
        cr_assert(r.norm_dev < 1e-9, "Z.f - 1 = %g", r.norm_dev);
        nd_prc_free(&r);
    }
}

Test(prc, theta_neuron_closed_form)
{
    double I = 0.5, p[] = {I};
    nd_prc_opts o;
    nd_prc_opts_init(&o);
    nd_prc r;
    nd_error err;
    cr_assert_eq(nd_prc_compute(&thp_model, p, &o, &r, &err), ND_OK, "%s", err.msg);
    cr_assert(fabs(r.period - M_PI / sqrt(I)) < 1e-9, "T = %.15g, pi / sqrt(I) = %.15g", r.period, M_PI / sqrt(I));
    double worst = 0, worst_in = 0;
    for (size_t i = 0; i < r.n; i++) {
        double th = atan2(r.x[2 * i + 1], r.x[2 * i]), F = 1 - cos(th) + (1 + cos(th)) * I;
        worst = fmax(worst, fmax(fabs(r.z[2 * i] + sin(th) / F), fabs(r.z[2 * i + 1] - cos(th) / F)));
        /* the input PRC against the classical form in the time since the spike: theta = pi at
         * t_s, tan(theta / 2) = sqrt(I) tan(sqrt(I) (t - t_s) - pi / 2) */
        double ts = (atan(tan(th / 2) / sqrt(I)) + M_PI / 2) / sqrt(I); /* in [0, T) */
        double zin = (1 + cos(th)) * (-r.x[2 * i + 1] * r.z[2 * i] + r.x[2 * i] * r.z[2 * i + 1]);
        worst_in = fmax(worst_in, fabs(zin - (1 - cos(2 * M_PI * ts / r.period)) / (2 * I)));
    }
    cr_log_info("theta neuron: max |Z - Z_exact| = %.3g, input PRC %.3g, |Z.f-1| %.3g", worst, worst_in, r.norm_dev);
    /* |Z| <= 1 / (2 I) = 1 here; 1e-8 absolute (the FD Jacobian's error is below that) */
    cr_assert(worst < 1e-8, "PRC error %g", worst);
    cr_assert(worst_in < 1e-8, "input PRC error %g", worst_in);
    nd_prc_free(&r);
}

/* Adjoint against direct perturbation. The direct PRC's error is O(delta^2) relative (delta =
 * 1e-4 of the range) plus the integration error (rtol 1e-11) over delta; the adjoint's is
 * ~1e-9. Both are far below the stated 1e-4 of max |Z|. */
static void adjoint_vs_direct(const char *name, const char *set, double tol)
{
    const nd_model *m = nd_builtin_find(name);
    cr_assert_not_null(m);
    double *p = malloc(m->n_pars * sizeof *p);
    memcpy(p, m->par_defaults, m->n_pars * sizeof *p);
    nd_error err;
    if (set) cr_assert_eq(nd_model_set_par(m, p, set, &err), ND_OK, "%s", err.msg);
    nd_prc_opts o;
    nd_prc_opts_init(&o);
    o.method = ND_PRC_BOTH;
    o.n_direct = 20;
    nd_prc r;
    cr_assert_eq(nd_prc_compute(m, p, &o, &r, &err), ND_OK, "%s: %s", name, err.msg);
    size_t n = r.n_vars, step = r.n / r.n_direct;
    double diff = 0, zmax = 0;
    for (size_t i = 0; i < r.n_direct; i++)
        for (size_t v = 0; v < n; v++) diff = fmax(diff, fabs(r.z_direct[i * n + v] - r.z[i * step * n + v]));
    for (size_t i = 0; i < r.n * n; i++) zmax = fmax(zmax, fabs(r.z[i]));
    cr_log_info("%s: T = %.10g, max |adjoint - direct| = %.3g of max |Z| %.3g (%zu periods), |Z.f-1| %.3g", name,
                r.period, diff, zmax, r.periods, r.norm_dev);
    cr_assert(diff < tol * zmax, "%s: adjoint and direct differ by %g (max |Z| %g)", name, diff, zmax);
    cr_assert(r.norm_dev < 1e-6, "%s: Z.f - 1 = %g", name, r.norm_dev);
    nd_prc_free(&r);
    free(p);
}

Test(prc, morris_lecar_class_I_adjoint_vs_direct) { adjoint_vs_direct("morris_lecar_snic", NULL, 1e-4); }
Test(prc, morris_lecar_class_II_adjoint_vs_direct) { adjoint_vs_direct("morris_lecar", NULL, 1e-4); }

Test(prc, class_I_prc_is_nonnegative_class_II_changes_sign)
{
    /* Ermentrout 1996 (Neural Comput. 8:979): near a SNIC the PRC of the voltage is nearly
     * non-negative (type I: here a negative lobe under 10% of the positive one, near the spike);
     * near a Hopf point it takes both signs (type II: a lobe over 20%). Checked on the
     * voltage Z_V: its negative lobe against its positive one. */
    const char *names[] = {"morris_lecar_snic", "morris_lecar"};
    double ratio[2];
    for (int k = 0; k < 2; k++) {
        const nd_model *m = nd_builtin_find(names[k]);
        nd_prc_opts o;
        nd_prc_opts_init(&o);
        nd_prc r;
        nd_error err;
        cr_assert_eq(nd_prc_compute(m, m->par_defaults, &o, &r, &err), ND_OK, "%s", err.msg);
        double lo = 0, hi = 0;
        for (size_t i = 0; i < r.n; i++) lo = fmin(lo, r.z[i * 2]), hi = fmax(hi, r.z[i * 2]);
        ratio[k] = -lo / hi;
        nd_prc_free(&r);
    }
    cr_log_info("negative / positive lobe of Z_V: class I %.3g, class II %.3g", ratio[0], ratio[1]);
    cr_assert(ratio[0] < 0.1, "class I: %g", ratio[0]);
    cr_assert(ratio[1] > 0.2, "class II: %g", ratio[1]);
}

Test(prc, errors)
{
    nd_prc r;
    nd_error err;
    nd_prc_opts o;
    nd_prc_opts_init(&o);
    /* an equilibrium: ML class I below the SNIC (I = 30) */
    const nd_model *m = nd_builtin_find("morris_lecar_snic");
    double p[13];
    memcpy(p, m->par_defaults, sizeof p);
    p[1] = 30.0;
    cr_assert_eq(nd_prc_compute(m, p, &o, &r, &err), ND_EFAILED);
    cr_assert(strstr(err.msg, "no stable limit cycle"), "%s", err.msg);
    /* a spike rule */
    cr_assert_eq(nd_prc_compute(nd_builtin_find("lif"), nd_builtin_find("lif")->par_defaults, &o, &r, &err), ND_EINVAL);
    o.method = 7;
    cr_assert_eq(nd_prc_compute(m, m->par_defaults, &o, &r, &err), ND_EINVAL);
    cr_assert_eq(nd_prc_compute(m, m->par_defaults, &o, NULL, &err), ND_EINVAL);
}

/* ---- the command ---------------------------------------------------------------------------- */
static char tmp[256];
static char buf[1 << 20];
static void setup(void) { cli_tmpdir_make(tmp); }
static void teardown(void) { cli_tmpdir_remove(tmp); }
TestSuite(prc_cli, .init = setup, .fini = teardown);

static void slurp(const char *name)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", tmp, name);
    cli_slurp(path, buf, sizeof buf);
}

Test(prc_cli, tsv_columns_json_keys_and_figure)
{
    cr_assert_eq(cli_run_in(tmp, "prc morris_lecar_snic --method both --direct-phases 8 --out p.tsv --plot fig.png"), 0);
    slurp("p.tsv");
    const char *head = "method\ttheta\tt\tV\tw\tZ_V\tZ_w\n";
    cr_assert(strncmp(buf, head, strlen(head)) == 0, "%.80s", buf);
    cr_assert(strstr(buf, "\nadjoint\t0\t0\t") && strstr(buf, "\ndirect\t"), "rows of both methods");
    slurp("fig.png");
    cr_assert(strncmp(buf, "\x89PNG", 4) == 0, "a PNG");
    cr_assert_eq(cli_run_in(tmp, "prc morris_lecar_snic --var V --json --phases 50"), 0);
    slurp("stdout");
    json_error_t e;
    json_t *j = json_loads(buf, 0, &e);
    cr_assert_not_null(j, "%s", e.text);
    const char *keys[] = {"model", "parameters", "variables", "reference", "units", "period", "floquet_max", "adjoint"};
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) cr_assert_not_null(json_object_get(j, keys[k]), "%s", keys[k]);
    json_t *adj = json_object_get(j, "adjoint");
    cr_assert_eq(json_array_size(json_object_get(adj, "theta")), 50);
    cr_assert_not_null(json_object_get(json_object_get(adj, "prc"), "V"));
    cr_assert_null(json_object_get(json_object_get(adj, "prc"), "w"), "--var V: only Z_V");
    cr_assert_eq(json_array_size(json_object_get(json_object_get(adj, "cycle"), "w")), 50);
    json_decref(j);
}

Test(prc_cli, errors)
{
    /* no stable cycle at that parameter: status 1 and why */
    cr_assert_eq(cli_run_in(tmp, "prc morris_lecar_snic --set I=30"), 1);
    slurp("stderr");
    cr_assert(strstr(buf, "no stable limit cycle"), "%s", buf);
    cr_assert_eq(cli_run_in(tmp, "prc morris_lecar --method adjunct"), 2);
    slurp("stderr");
    cr_assert(strstr(buf, "adjunct"), "%s", buf);
    cr_assert_eq(cli_run_in(tmp, "prc morris_lecar --var q"), 2);
    cr_assert_eq(cli_run_in(tmp, "prc morris_lecar --ncol 9"), 2);
    cr_assert_eq(cli_run_in(tmp, "prc morris_lecar --eps 0"), 2);
    cr_assert_eq(cli_run_in(tmp, "prc lif"), 2);
    cr_assert_eq(cli_run_in(tmp, "prc morris_lecar --plot p.txt"), 2);
    /* a failed run leaves an existing --out file as it was */
    char path[400];
    snprintf(path, sizeof path, "%s/keep.tsv", tmp);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("old\n", f);
    fclose(f);
    cr_assert_eq(cli_run_in(tmp, "prc morris_lecar_snic --set I=30 --out keep.tsv"), 1);
    slurp("keep.tsv");
    cr_assert_str_eq(buf, "old\n");
    cr_assert_eq(cli_run_in(tmp, "prc morris_lecar --out nodir/p.tsv"), 2);
    /* the table would be overwritten by the figure's data */
    cr_assert_eq(cli_run_in(tmp, "prc morris_lecar --out p.tsv --plot p.png"), 2);
}

Test(prc_cli, a_model_file_written_for_it)
{
    /* examples/models/theta_neuron_planar.c, compiled by the command: period pi / sqrt(I) and
     * Z_y = cos(theta) / F(theta) at the cycle's states (closed form above), to 1e-8 */
    const char *src = getenv("ND_SRC");
    cr_assert_not_null(src, "ND_SRC must name the source tree (make test sets it)");
    char args[1200];
    snprintf(args, sizeof args, "prc %s/examples/models/theta_neuron_planar.c --set I=0.25 --phases 20 --json", src);
    cr_assert_eq(cli_run_in(tmp, args), 0);
    slurp("stdout");
    json_error_t e;
    json_t *j = json_loads(buf, 0, &e);
    cr_assert_not_null(j, "%s", e.text);
    cr_assert(fabs(json_real_value(json_object_get(j, "period")) - M_PI / 0.5) < 1e-8);
    json_t *adj = json_object_get(j, "adjoint"), *cyc = json_object_get(adj, "cycle"), *z = json_object_get(adj, "prc");
    for (size_t i = 0; i < 20; i++) {
        double x = json_real_value(json_array_get(json_object_get(cyc, "x"), i));
        double y = json_real_value(json_array_get(json_object_get(cyc, "y"), i));
        double th = atan2(y, x), F = 1 - cos(th) + (1 + cos(th)) * 0.25;
        double zy = json_real_value(json_array_get(json_object_get(z, "y"), i));
        cr_assert(fabs(zy - cos(th) / F) < 1e-8, "theta %g: Z_y %.12g, exact %.12g", th, zy, cos(th) / F);
    }
    json_decref(j);
}
