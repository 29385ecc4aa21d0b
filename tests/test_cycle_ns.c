/* Neimark-Sacker curves of cycles in two parameters (analysis/cycles/cycle_ns.c) against closed
 * forms, with the strong resonances R1, R2, R3, R4 on them.
 *
 * The model (written for this test; z1 = x1 + i y1, z2 = x2 + i y2):
 *   z1' = (mu1 + i) z1 - |z1|^2 z1
 *   z2' = (mu2 + a |z1|^2 + i w2) z2 - |z2|^2 z2 + e1 z1 conj(z2) + e2 z1^2 conj(z2)
 * The cycle z1 = sqrt(mu1) e^{i t}, z2 = 0 has period T = 2 pi for every mu1 > 0. Linearised in z2
 * along it, with z2 = e^{i k t / 2} zeta (k = 1 when e1 != 0, e2 = 0; k = 2 when e2 != 0,
 * e1 = 0), zeta' = (sigma + i delta) zeta + eps conj(zeta): an autonomous real 2 x 2 system with
 * eigenvalues sigma +- sqrt(eps^2 - delta^2), sigma = mu2 + a mu1, delta = w2 - k / 2,
 * eps = e1 sqrt(mu1) (k = 1) or e2 mu1 (k = 2). After one period e^{i k pi} = (-1)^k, so the
 * multipliers of the pair are (-1)^k exp((sigma +- sqrt(eps^2 - delta^2)) T). Hence:
 *   NS curve            mu2 = -a mu1 exactly (sigma = 0), a neutral saddle where eps > |delta|;
 *   kappa = cos theta   (-1)^k cos(nu T), nu = sqrt(delta^2 - eps^2);
 *   k = 1: R2 where eps = |delta| (nu = 0), R3 where nu T = pi / 3, R4 where nu T = pi / 2;
 *   k = 2: R1 where eps = |delta|, R4 where nu T = pi / 2.
 * The third non-trivial multiplier exp(-2 mu1 T) (radial in z1) is never +-1: no LPNS or PDNS. */
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

static const char *const v4[] = {"x1", "y1", "x2", "y2"}, *const pn[] = {"mu1", "mu2", "w2", "a", "e1", "e2"};
static const double x4[] = {0.5, 0, 0.01, 0};

ND_RHS(nsres)
{
    /* in real form: z1 z1-bar products written out (complex.h's I clashes with model headers) */
    double r1 = x[0] * x[0] + x[1] * x[1], r2 = x[2] * x[2] + x[3] * x[3], s = p[1] + p[3] * r1 - r2;
    double c_re = p[4] * x[0] + p[5] * (x[0] * x[0] - x[1] * x[1]), c_im = p[4] * x[1] + p[5] * 2 * x[0] * x[1];
    dxdt[0] = (p[0] - r1) * x[0] - x[1];
    dxdt[1] = x[0] + (p[0] - r1) * x[1];
    /* (s + i w2) z2 + c conj(z2), c = e1 z1 + e2 z1^2 */
    dxdt[2] = s * x[2] - p[2] * x[3] + c_re * x[2] + c_im * x[3];
    dxdt[3] = p[2] * x[2] + s * x[3] + c_im * x[2] - c_re * x[3];
}
static const double nsres_p[] = {0.5, -0.5, 0.8, 0.5, 0.3, 0.0};
static const nd_model nsres_model = {.name = "nsres", .n_vars = 4, .n_pars = 6, .var_names = v4, .par_names = pn,
                                     .par_defaults = nsres_p, .init = x4, .rhs = nsres_rhs};

#define A 0.5

/* kappa on the NS curve at mu1 (closed form above; k = 1 or 2, delta, the eps coefficient e) */
static double kappa_exact(int k, double delta, double e, double mu1)
{
    double eps = k == 1 ? e * sqrt(mu1) : e * mu1, d2 = delta * delta - eps * eps, T = 2 * M_PI;
    double c = d2 >= 0 ? cos(sqrt(d2) * T) : cosh(sqrt(-d2) * T);
    return k == 1 ? -c : c;
}

static const nd_special_point *nth(const nd_branch *b, int test, int k)
{
    for (size_t i = 0; i < b->n_special; i++)
        if (b->special[i].test == test && k-- == 0) return &b->special[i];
    return NULL;
}

/* The cycle branch in mu2 (parameter 1) at mu1 = p[0], from the exact cycle at mu2 = p[1], over
 * [-2, 1] on a fixed uniform 20 x 4 mesh. */
static void ns_branch(nd_cycle_curve *c, double *p, nd_branch *b)
{
    size_t ns = 400;
    double R = sqrt(p[0]);
    nd_cycle cyc = circle_cycle_4d(R, ns);
    nd_error err;
    cr_assert_eq(nd_cycle_curve_init(c, &nsres_model, p, 1, NULL, 20, 4, &err), ND_OK, "%s", err.msg);
    c->adapt_every = 0;
    size_t N = c->type.dim;
    double *u0 = malloc(N * sizeof *u0), *v0 = malloc(N * sizeof *v0), *lo = malloc(N * sizeof *lo),
           *hi = malloc(N * sizeof *hi);
    cr_assert(u0 && v0 && lo && hi);
    cr_assert_eq(nd_cycle_curve_from_cycle(c, &cyc, 1, u0, v0, &err), ND_OK, "%s", err.msg);
    for (size_t i = 0; i < N; i++) lo[i] = -INFINITY, hi[i] = INFINITY;
    lo[N - 1] = -2, hi[N - 1] = 1;
    nd_cont_opts o;
    nd_cont_opts_init(&o);
    o.lo = lo, o.hi = hi, o.h_max = 0.05, o.max_points = 2000;
    cr_assert_eq(nd_cycle_continue(c, u0, v0, &o, b, &err), ND_OK, "%s", err.msg);
    nd_cycle_free(&cyc);
    free(u0), free(v0), free(lo), free(hi);
}

/* The NS curve from the NS point of the branch at p (p[0] = mu1 start), both halves over mu1 in
 * [lo1, hi1]; out[0] mu1 growing, out[1] falling. */
static void ns_curve(double *p, double lo1, double hi1, nd_cycle2_curve *nc, nd_branch out[2])
{
    nd_cycle_curve c;
    nd_branch b;
    ns_branch(&c, p, &b);
    const nd_special_point *ns = nth(&b, ND_CYC_NS, 0);
    cr_assert_not_null(ns, "no NS point (stop: %s)", b.stop_reason);
    nd_error err;
    cr_assert_eq(nd_cycle2_curve_init(nc, ND_CYCLE_CODIM2_NS, &nsres_model, p, 1, 0, NULL, 20, 4, &err), ND_OK, "%s",
                 err.msg);
    size_t dim = nc->type.dim;
    double *z0 = malloc(dim * sizeof *z0), *lo = malloc(dim * sizeof *lo), *hi = malloc(dim * sizeof *hi);
    cr_assert(z0 && lo && hi);
    cr_assert_eq(nd_cycle2_curve_start(nc, &c, &b, (size_t)(ns - b.special), z0, &err), ND_OK, "%s", err.msg);
    for (size_t i = 0; i < dim; i++) lo[i] = -INFINITY, hi[i] = INFINITY;
    lo[dim - 2] = -3, hi[dim - 2] = 1, lo[dim - 1] = lo1, hi[dim - 1] = hi1;
    nd_cont_opts o;
    nd_cont_opts_init(&o);
    o.lo = lo, o.hi = hi, o.h_max = 0.05, o.max_points = 400;
    cr_assert_eq(nd_cycle2_curve_continue(nc, z0, &o, out, &err), ND_OK, "%s", err.msg);
    for (int k = 0; k < 2; k++) cr_log_info("NS curve half %d: %zu points, %zu special, stop: %s", k, out[k].n, out[k].n_special, out[k].stop_reason);
    free(z0), free(lo), free(hi);
    nd_branch_free(&b);
    nd_cycle_curve_free(&c);
}

/* One-parameter NS points in mu2 at mu1 = 0.5 and 0.8 (e1 = 0.3, w2 = 0.8): mu2 = -a mu1 to 1e-9
 * and the angle theta with cos theta = kappa (closed form) to 1e-8. */
Test(cycle_ns, one_parameter_ns_points_closed_form)
{
    const double mus[] = {0.5, 0.8};
    for (int k = 0; k < 2; k++) {
        double p[6];
        memcpy(p, nsres_p, sizeof p);
        p[0] = mus[k], p[1] = -1.0;
        nd_cycle_curve c;
        nd_branch b;
        ns_branch(&c, p, &b);
        const nd_special_point *ns = nth(&b, ND_CYC_NS, 0);
        cr_assert_not_null(ns, "no NS point at mu1 = %g (stop: %s)", mus[k], b.stop_reason);
        double kap = kappa_exact(1, 0.3, 0.3, mus[k]);
        cr_log_info("mu1 = %g: NS at mu2 = %.14g (exact %.14g), theta = %.14g (exact %.14g)", mus[k], ns->data[1],
                    -A * mus[k], ns->data[2], acos(kap));
        cr_expect(fabs(ns->data[1] + A * mus[k]) < 1e-9, "NS at mu2 = %.14g, exact %.14g", ns->data[1], -A * mus[k]);
        cr_expect(fabs(ns->data[2] - acos(kap)) < 1e-8, "theta %.14g, exact %.14g", ns->data[2], acos(kap));
        cr_expect(fabs(ns->data[0] - 2 * M_PI) < 1e-9, "period %.14g", ns->data[0]);
        nd_branch_free(&b);
        nd_cycle_curve_free(&c);
    }
}

/* The NS curve from mu1 = 0.5 over mu1 in [0.1, 1.5]: every point on mu2 = -a mu1 (1e-9), period
 * 2 pi (1e-9), kappa as the closed form (1e-8); R4 at mu1 = 1 - (1/16) / 0.09, R3 at
 * 1 - (1/36) / 0.09, R2 at 1 (each to 1e-7), in that order, and no R1, LPNS or PDNS. The curve
 * also passes the one-parameter NS points at mu1 = 0.5 and 0.8 (mu2 = -0.25, -0.4) to 1e-9. */
Test(cycle_ns, ns_curve_and_resonances_closed_form)
{
    double p[6];
    memcpy(p, nsres_p, sizeof p);
    p[1] = -1.0;
    nd_cycle2_curve nc;
    nd_branch half[2];
    ns_curve(p, 0.1, 1.5, &nc, half);
    size_t dim = nc.type.dim, count[6] = {0};
    double worst = 0, worst_T = 0, worst_k = 0;
    for (int h = 0; h < 2; h++) {
        for (size_t i = 0; i < half[h].n; i++) {
            const double *z = half[h].u + i * dim;
            double m1 = nd_cycle2_curve_par(&nc, z, 1), m2 = nd_cycle2_curve_par(&nc, z, 0);
            worst = fmax(worst, fabs(m2 + A * m1));
            worst_T = fmax(worst_T, fabs(nd_cycle2_curve_period(&nc, z) - 2 * M_PI));
            worst_k = fmax(worst_k, fabs(nd_cycle2_curve_kappa(&nc, z) - kappa_exact(1, 0.3, 0.3, m1)));
        }
        for (size_t s = 0; s < half[h].n_special; s++) {
            const nd_special_point *sp = &half[h].special[s];
            count[sp->test]++;
            cr_log_info("%s at mu1 = %.14g, mu2 = %.14g, kappa = %.14g", nc.type.test_names[sp->test], sp->data[2],
                        sp->data[1], sp->data[3]);
        }
    }
    cr_log_info("NS curve: max |mu2 + a mu1| = %.2e, max |T - 2 pi| = %.2e, max |kappa - exact| = %.2e", worst,
                worst_T, worst_k);
    cr_expect(worst < 1e-9, "max |mu2 + a mu1| = %.3g", worst);
    cr_expect(worst_T < 1e-9, "max |T - 2 pi| = %.3g", worst_T);
    cr_expect(worst_k < 1e-8, "max |kappa - exact| = %.3g", worst_k);
    cr_expect_eq(count[ND_NS_R1] + count[ND_NS_LPNS] + count[ND_NS_PDNS], 0, "R1 %zu, LPNS %zu, PDNS %zu",
                 count[ND_NS_R1], count[ND_NS_LPNS], count[ND_NS_PDNS]);
    const struct {
        int test;
        double mu1;
    } want[] = {{ND_NS_R4, 1 - (1.0 / 16) / 0.09}, {ND_NS_R3, 1 - (1.0 / 36) / 0.09}, {ND_NS_R2, 1.0}};
    for (int k = 0; k < 3; k++) {
        const nd_special_point *sp = NULL;
        for (int h = 0; h < 2 && !sp; h++) sp = nth(&half[h], want[k].test, 0);
        cr_expect_eq(count[want[k].test], 1, "%zu points %s", count[want[k].test], nc.type.test_names[want[k].test]);
        cr_assert_not_null(sp, "no %s", nc.type.test_names[want[k].test]);
        cr_expect(fabs(sp->data[2] - want[k].mu1) < 1e-7 && fabs(sp->data[1] + A * sp->data[2]) < 1e-9,
                  "%s at (%.12g, %.12g), exact mu1 = %.12g", nc.type.test_names[want[k].test], sp->data[2], sp->data[1],
                  want[k].mu1);
    }
    /* the curve's labels: NS (bit 1 clear) below mu1 = 1, neutral saddle above */
    for (int h = 0; h < 2; h++)
        for (size_t i = 0; i < half[h].n; i++) {
            double m1 = nd_cycle2_curve_par(&nc, half[h].u + i * dim, 1);
            if (fabs(m1 - 1) > 1e-3) cr_expect_eq((half[h].label[i] & 2) != 0, m1 > 1, "label %d at mu1 = %g", half[h].label[i], m1);
        }
    nd_branch_free(&half[0]), nd_branch_free(&half[1]);
    nd_cycle2_curve_free(&nc);
}

/* The 1:1 resonance (e1 = 0, e2 = 0.3, w2 = 1.3): kappa = cos(nu T), R1 at mu1 = 1, R4 at
 * mu1 = sqrt(0.09 - 1/16) / 0.3. */
Test(cycle_ns, r1_and_r4_closed_form)
{
    double p[6] = {0.3, -1.0, 1.3, A, 0.0, 0.3};
    nd_cycle2_curve nc;
    nd_branch half[2];
    ns_curve(p, 0.1, 1.5, &nc, half);
    const nd_special_point *r1 = NULL, *r4 = NULL;
    for (int h = 0; h < 2; h++) {
        if (!r1) r1 = nth(&half[h], ND_NS_R1, 0);
        if (!r4) r4 = nth(&half[h], ND_NS_R4, 0);
    }
    cr_assert_not_null(r4, "no R4");
    double m4 = sqrt(0.09 - 1.0 / 16) / 0.3;
    cr_log_info("R4 at mu1 = %.14g (exact %.14g)", r4->data[2], m4);
    cr_expect(fabs(r4->data[2] - m4) < 1e-7, "R4 at mu1 = %.12g, exact %.12g", r4->data[2], m4);
    cr_assert_not_null(r1, "no R1");
    cr_log_info("R1 at mu1 = %.14g (exact 1)", r1->data[2]);
    cr_expect(fabs(r1->data[2] - 1) < 1e-6, "R1 at mu1 = %.12g, exact 1", r1->data[2]);
    nd_branch_free(&half[0]), nd_branch_free(&half[1]);
    nd_cycle2_curve_free(&nc);
}

/* bifurcation2 --cycles on examples/ns_resonance.ode (the model above with e2 = 0, as an XPPAUT
 * file): one NS curve, on mu2 = -a mu1 (1e-9), with R4, R3 and R2 at the closed-form mu1 (1e-7),
 * and no other cycle curve. */
Test(cycle_ns, bifurcation2_ns_curve_on_the_command_line)
{
    const char *src = getenv("ND_SRC");
    cr_assert_not_null(src, "ND_SRC must name the source tree (make test sets it)");
    char dir[256], args[1024];
    cli_tmpdir_make(dir);
    snprintf(args, sizeof args,
             "bifurcation2 %s/examples/ns_resonance.ode --par mu1=0.1:1.5 --par mu2=-1:0.5 --range x1=-1.5:1.5 "
             "--range y1=-1.5:1.5 --range x2=-1:1 --range y2=-1:1 --cycles --json", src);
    json_t *j = cli_json_in(dir, args);
    json_t *curves = json_object_get(j, "curves"), *pts = json_object_get(j, "special_points");
    size_t ns = 0, other = 0;
    double worst = 0;
    for (size_t c = 0; c < json_array_size(curves); c++) {
        const char *kind = json_string_value(json_object_get(json_array_get(curves, c), "kind"));
        if (!strcmp(kind, "NS")) {
            ns++;
            json_t *cp = json_object_get(json_array_get(curves, c), "points");
            for (size_t i = 0; i < json_array_size(cp); i++) {
                json_t *pt = json_array_get(cp, i);
                double m1 = json_number_value(json_object_get(pt, "mu1")), m2 = json_number_value(json_object_get(pt, "mu2"));
                worst = fmax(worst, fabs(m2 + A * m1));
            }
        } else if (!strcmp(kind, "LPC") || !strcmp(kind, "PD")) {
            other++;
        }
    }
    cr_expect_eq(ns, 1, "%zu NS curves", ns);
    cr_expect_eq(other, 0, "%zu LPC / PD curves", other);
    cr_expect(worst < 1e-9, "max |mu2 + a mu1| = %.3g on the NS curve", worst);
    const char *names[] = {"R4", "R3", "R2"};
    const double at[] = {11.0 / 36, 56.0 / 81, 1.0}, kap[] = {0, -0.5, -1};
    for (int k = 0; k < 3; k++) {
        int found = 0;
        for (size_t i = 0; i < json_array_size(pts); i++) {
            json_t *pt = json_array_get(pts, i);
            if (strcmp(json_string_value(json_object_get(pt, "type")), names[k])) continue;
            found++;
            double m1 = json_number_value(json_object_get(pt, "mu1")), kp = json_number_value(json_object_get(pt, "kappa"));
            cr_expect(fabs(m1 - at[k]) < 1e-7 && fabs(kp - kap[k]) < 1e-9, "%s at mu1 = %.12g (exact %.12g), kappa %.12g",
                      names[k], m1, at[k], kp);
        }
        cr_expect_eq(found, 1, "%d points %s", found, names[k]);
    }
    json_decref(j);
    cli_tmpdir_remove(dir);
}

/* A zoo model: FitzHugh-Rinzel (v' = v - v^3/3 - w + y + I, w' = delta (a + v - b w),
 * y' = mu (c - y - v)) is invariant under (a, I, w) -> (a + b k, I + k, w + k), so its NS curve
 * in (a, I) is exactly a line a - b I = const (b = 0.8), with the period constant along it. The
 * curve from bifurcation2 --cycles must be that line (1e-9) through the NS point that the
 * one-parameter run in I at a = 0.7 locates (I = 0.13902727033196 measured; 1e-9). */
static json_t *run_json(const char *args)
{
    char dir[256], path[512];
    static char buf[1 << 22];
    cli_tmpdir_make(dir);
    int status = cli_run_in(dir, args);
    snprintf(path, sizeof path, "%s/stderr", dir);
    cli_slurp(path, buf, sizeof buf);
    cr_assert_eq(status, 0, "%s: %s", args, buf);
    snprintf(path, sizeof path, "%s/stdout", dir);
    cli_slurp(path, buf, sizeof buf);
    cli_tmpdir_remove(dir);
    json_t *j = json_loads(buf, 0, NULL);
    cr_assert_not_null(j, "%.200s", buf);
    return j;
}

Test(cycle_ns, fitzhugh_rinzel_ns_curve_is_its_symmetry_line)
{
    json_t *one = run_json("bifurcation fhr --par I=0:1 --cycles --json");
    double I_ns = NAN;
    json_t *pts = json_object_get(one, "special_points");
    for (size_t i = 0; i < json_array_size(pts); i++) {
        json_t *pt = json_array_get(pts, i);
        if (!strcmp(json_string_value(json_object_get(pt, "type")), "NS")) I_ns = json_number_value(json_object_get(pt, "I"));
    }
    json_decref(one);
    cr_assert(isfinite(I_ns), "no NS point in I at a = 0.7");
    cr_log_info("fhr: one-parameter NS at I = %.14g (a = 0.7)", I_ns);
    json_t *j = run_json("bifurcation2 fhr --par a=0.5:0.9 --par I=0:1 --cycles --json");
    json_t *curves = json_object_get(j, "curves");
    size_t ns = 0, n = 0;
    double worst = 0, T0 = NAN, worst_T = 0, c0 = 0.7 - 0.8 * I_ns;
    for (size_t c = 0; c < json_array_size(curves); c++) {
        json_t *cv = json_array_get(curves, c);
        if (strcmp(json_string_value(json_object_get(cv, "kind")), "NS")) continue;
        ns++;
        json_t *cp = json_object_get(cv, "points");
        for (size_t i = 0; i < json_array_size(cp); i++, n++) {
            json_t *pt = json_array_get(cp, i);
            double a = json_number_value(json_object_get(pt, "a")), I = json_number_value(json_object_get(pt, "I"));
            double T = json_number_value(json_object_get(pt, "period"));
            if (!isfinite(T0)) T0 = T;
            worst = fmax(worst, fabs(a - 0.8 * I - c0)), worst_T = fmax(worst_T, fabs(T - T0));
        }
    }
    cr_log_info("fhr: %zu NS curve(s), %zu points, max |a - b I - c| = %.2e, period spread %.2e", ns, n, worst, worst_T);
    cr_expect_eq(ns, 1, "%zu NS curves", ns);
    cr_expect(n > 10 && worst < 1e-9, "%zu points, max |a - b I - (0.7 - b I_NS)| = %.3g", n, worst);
    cr_expect(worst_T < 1e-9 * T0, "period spread %.3g", worst_T);
    json_t *sp = json_object_get(j, "special_points");
    for (size_t i = 0; i < json_array_size(sp); i++) /* kappa is constant on the line: no resonance */
        cr_expect(json_string_value(json_object_get(json_array_get(sp, i), "type"))[0] != 'R',
                  "%s on the FitzHugh-Rinzel curves", json_string_value(json_object_get(json_array_get(sp, i), "type")));
    json_decref(j);
}

/* Bad input: an unknown kind is refused with the kinds named; an NS curve will not start from a
 * point that is not an NS point. */
Test(cycle_ns, bad_kind_and_start_are_refused)
{
    double p[6];
    memcpy(p, nsres_p, sizeof p);
    p[1] = -1.0;
    nd_cycle2_curve nc;
    nd_error err;
    cr_expect_eq(nd_cycle2_curve_init(&nc, 7, &nsres_model, p, 1, 0, NULL, 20, 4, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "kind 7") && strstr(err.msg, "NS"), "%s", err.msg);
    nd_cycle_curve c;
    nd_branch b;
    ns_branch(&c, p, &b);
    const nd_special_point *ns = nth(&b, ND_CYC_NS, 0);
    cr_assert_not_null(ns);
    cr_assert_eq(nd_cycle2_curve_init(&nc, ND_CYCLE_CODIM2_LPC, &nsres_model, p, 1, 0, NULL, 20, 4, &err), ND_OK, "%s", err.msg);
    double *z0 = malloc(nc.type.dim * sizeof *z0);
    cr_assert(z0);
    cr_expect_eq(nd_cycle2_curve_start(&nc, &c, &b, (size_t)(ns - b.special), z0, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "LPC"), "%s", err.msg);
    cr_expect(isnan(nd_cycle2_curve_kappa(&nc, z0)), "kappa of an LPC curve");
    nd_cycle2_curve_free(&nc);
    free(z0);
    nd_branch_free(&b);
    nd_cycle_curve_free(&c);
}
