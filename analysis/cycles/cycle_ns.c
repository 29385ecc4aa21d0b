/* Neimark-Sacker (NS) curves of cycles in two parameters (include/neurodyn/cycle_codim2.h, kind
 * ND_CYCLE_CODIM2_NS) and their codim-2 points R1, R2, R3, R4, LPNS and PDNS.
 *
 * Defining system: the cycle's collocation equations (periodicity, integral phase condition) and
 * one scalar G that vanishes when a pair of non-trivial Floquet multipliers mu_1, mu_2 has
 * mu_1 mu_2 = 1. The multipliers are those of the collocation monodromy matrix, i.e. of the
 * collocation BVP condensed to the mesh's end points (analysis/cycles/floquet.c: the per-interval
 * transfer matrices in bases that follow the flow, the trivial multiplier split off):
 *     G = ln(mu_1 mu_2) / 2        (= ln |mu| for a complex pair mu, conj(mu)),
 *     kappa = (mu_1 + mu_2) / (2 sqrt(mu_1 mu_2))   (= cos theta on the curve).
 * MatCont's neimarksacker curve (Kuznetsov, Govaerts, Doedel & Dhooge, SIAM J. Numer. Anal. 43
 * (2005) 1407; Doedel, Govaerts & Kuznetsov, SIAM J. Numer. Anal. 41 (2003) 401) makes the same
 * zero set minimally augmented: a bordered BVP on two periods with the boundary condition
 * v(0) - 2 kappa v(1) + v(2) = 0, singular exactly when the monodromy M has M^2 - 2 kappa M + I
 * singular, i.e. a pair mu, 1/mu with (mu + 1/mu)/2 = kappa; kappa is an extra unknown there and
 * G a 2 x 2 matrix of which two entries are the equations. Here kappa is not an unknown: the pair
 * is the one eigenvalue pair of the (n - 1) x (n - 1) transverse monodromy with mu_1 mu_2 nearest
 * 1 and kappa nearest the last accepted point's, and its symmetric functions mu_1 mu_2 and
 * mu_1 + mu_2 are smooth (also where the pair meets on the real axis, at R1 and R2, and beyond,
 * where the curve goes on as a neutral saddle cycle with a real pair mu, 1/mu, |kappa| > 1, as
 * MatCont's does). The continuer's linear algebra is cycle_codim2.c's block elimination around
 * K = [F_u; r^T] with r the cycle branch's tangent (F_u is regular at an NS point), G_u by central
 * differences of G: no second derivatives of the model.
 *
 * Test functions (MatCont's neimarksacker.m): R1 kappa - 1, R2 kappa + 1, R3 kappa + 1/2,
 * R4 kappa (strong resonances 1:1 ... 1:4), LPNS prod (mu - 1) and PDNS prod (mu + 1) over the
 * non-trivial multipliers but the pair (a multiplier +1 or -1 besides it; MatCont's LPNS uses a
 * bordered BVP, the zero set is the same). The Chenciner point (the NS normal-form coefficient)
 * is not detected. */
#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cycle_ns.h"
#include "internal.h"

typedef struct ns_pair {
    size_t i, j;         /* indices into the multipliers (1 ... n - 1) */
    double lnp, kappa;   /* ln(mu_i mu_j), the pair's kappa */
} ns_pair;

static void set_q(nd_cycle_curve *cc, int par2, double q)
{
    if (cc->p[par2] != q) {
        cc->p[par2] = q;
        W(cc)->level = 0, W(cc)->mu_valid = 0;
    }
}

static int is_real(double re, double im)
{
    return fabs(im) <= 1e-12 * hypot(re, im);
}

/* Keeps the candidate (i, j) with product prod > 0 and sum s if it scores better than *best:
 * |ln prod| plus, when kref is finite, the distance of its kappa from kref. */
static void consider(size_t i, size_t j, double prod, double s, double kref, double *best, ns_pair *out)
{
    if (!(prod > 0) || !isfinite(prod)) return;
    double lnp = log(prod), kappa = s / (2 * sqrt(prod));
    double score = fabs(lnp) + (isfinite(kref) ? fabs(kappa - kref) : 0.0);
    if (score < *best) *best = score, *out = (ns_pair){i, j, lnp, kappa};
}

/* The critical pair among the multipliers of w (computed): a conjugate pair or two real ones of
 * one sign; 0 when found. */
static int find_pair(const cw *w, double kref, ns_pair *out)
{
    size_t n = w->n;
    double best = INFINITY;
    const double *re = w->mu_re, *im = w->mu_im;
    for (size_t a = 1; a < n; a++) {
        if (!is_real(re[a], im[a])) {
            if (im[a] < 0) continue;
            size_t b = 0;
            double db = INFINITY;
            for (size_t k = 1; k < n; k++) /* the conjugate partner */
                if (k != a && hypot(re[k] - re[a], im[k] + im[a]) < db) db = hypot(re[k] - re[a], im[k] + im[a]), b = k;
            if (b) consider(a, b, re[a] * re[a] + im[a] * im[a], 2 * re[a], kref, &best, out);
            continue;
        }
        for (size_t b = a + 1; b < n; b++)
            if (is_real(re[b], im[b])) consider(a, b, re[a] * re[b], re[a] + re[b], kref, &best, out);
    }
    return isfinite(best) ? 0 : -1;
}

/* The multipliers of the cycle at the scaled point z (on aux) and its critical pair. */
static int pair_at(nd_cycle2_curve *c, const double *z, ns_pair *pr)
{
    cyc_to_x(W(&c->cyc), z, c->xs);
    set_q(&c->aux, c->par2, z[c->N]);
    if (cyc_floquet(&c->aux, c->xs, NULL)) return -1;
    return find_pair(W(&c->aux), c->kappa, pr);
}

nd_status cyc_ns_G(nd_cycle2_curve *c, const double *x, double q, double *G, nd_error *err)
{
    set_q(&c->aux, c->par2, q);
    nd_status st = cyc_floquet(&c->aux, x, err);
    if (st) return st;
    ns_pair pr;
    if (find_pair(W(&c->aux), c->kappa, &pr))
        return nd_fail(err, ND_EFAILED, "NS curve: no pair of multipliers with a positive product");
    *G = 0.5 * pr.lnp;
    return ND_OK;
}

double nd_cycle2_curve_kappa(nd_cycle2_curve *c, const double *z)
{
    ns_pair pr;
    if (!c || !z || c->kind != ND_CYCLE_CODIM2_NS || pair_at(c, z, &pr)) return NAN;
    return pr.kappa;
}

/* prod (mu -+ 1) over the non-trivial multipliers but the pair, as factors t / (1 + |t|) (signs
 * and zeros kept, no overflow), and the real multiplier nearest `at` among them (NAN: none). */
static double others_product(const cw *w, const ns_pair *pr, double at, double *nearest)
{
    double complex prod = 1.0;
    double best = INFINITY;
    *nearest = NAN;
    for (size_t a = 1; a < w->n; a++) {
        if (a == pr->i || a == pr->j) continue;
        double complex t = w->mu_re[a] + I * w->mu_im[a] - at;
        prod *= t / (1.0 + cabs(t));
        if (cabs(t) < best) best = cabs(t), *nearest = w->mu_re[a];
    }
    return creal(prod);
}

static nd_status ns_tests(void *ctx, const double *z, const double *v, const double *J, double *psi, nd_error *err)
{
    nd_cycle2_curve *c = ctx;
    (void)v, (void)J;
    ns_pair pr;
    if (pair_at(c, z, &pr)) return nd_fail(err, ND_EFAILED, "NS curve: no critical pair of multipliers");
    double near;
    psi[ND_NS_R1] = pr.kappa - 1.0;
    psi[ND_NS_R2] = pr.kappa + 1.0;
    psi[ND_NS_R3] = pr.kappa + 0.5;
    psi[ND_NS_R4] = pr.kappa;
    psi[ND_NS_LPNS] = W(&c->aux)->n >= 4 ? others_product(W(&c->aux), &pr, 1.0, &near) : 1.0;
    psi[ND_NS_PDNS] = W(&c->aux)->n >= 4 ? others_product(W(&c->aux), &pr, -1.0, &near) : 1.0;
    return ND_OK;
}

/* data[0] period, [1] par1, [2] q, [3] kappa, [4] LPNS / PDNS: the multiplier near +1 / -1. */
static int ns_accept(void *ctx, int test, const double *z, const double *v, double *data)
{
    nd_cycle2_curve *c = ctx;
    (void)v;
    size_t N = c->N;
    ns_pair pr;
    data[0] = nd_cycle2_curve_period(c, z), data[1] = z[N - 1], data[2] = z[N];
    if (pair_at(c, z, &pr) || fabs(pr.lnp) > 1e-6) return 0;
    data[3] = pr.kappa;
    if (test == ND_NS_LPNS || test == ND_NS_PDNS) {
        double at = test == ND_NS_LPNS ? 1.0 : -1.0;
        others_product(W(&c->aux), &pr, at, &data[4]);
        /* an NS pair (|kappa| < 1) and a real multiplier at +-1 besides it */
        return fabs(pr.kappa) < 1.0 && isfinite(data[4]) && fabs(data[4] - at) < 1e-4;
    }
    return 1;
}

/* After every accepted point: the phase reference, K's row (the cycle branch's tangent) and the
 * reference kappa follow. Label: bit 0 the other multipliers lie inside the unit circle, bit 1
 * the pair is real (|kappa| > 1: a neutral saddle cycle, not a Neimark-Sacker point). */
static int ns_label(void *ctx, const double *z)
{
    nd_cycle2_curve *c = ctx;
    size_t N = c->N;
    cyc_to_x(W(&c->cyc), z, c->xs);
    cyc_set_reference(&c->cyc, c->xs);
    set_q(&c->cyc, c->par2, z[N]);
    if (!cyc_tangent_at(&c->cyc, c->xs, c->tx, c->y, NULL)) {
        memcpy(c->tx, c->y, N * sizeof *c->tx);
        cyc_tangent_to_u(W(&c->cyc), c->tx, c->phis);
    }
    ns_pair pr;
    if (pair_at(c, z, &pr)) return -1;
    c->kappa = pr.kappa;
    const cw *w = W(&c->aux);
    int inside = 1;
    for (size_t a = 1; a < w->n; a++)
        if (a != pr.i && a != pr.j && hypot(w->mu_re[a], w->mu_im[a]) >= 1.0) inside = 0;
    return inside | (fabs(pr.kappa) > 1.0 ? 2 : 0);
}

void cyc_ns_setup(nd_cycle2_curve *c)
{
    c->type.name = "Neimark-Sacker (NS)";
    c->type.n_tests = 6;
    static const char *names[] = {"R1", "R2", "R3", "R4", "LPNS", "PDNS"};
    for (int i = 0; i < 6; i++) c->type.test_names[i] = names[i], c->type.test_kind[i] = ND_TEST_PLAIN;
    c->type.tests = ns_tests;
    c->type.accept = ns_accept;
    c->type.label = ns_label;
    c->kappa = NAN;
}

nd_status cyc_ns_reset(nd_cycle2_curve *c, const double *z, nd_error *err)
{
    ns_pair pr;
    c->kappa = NAN; /* the pair nearest the unit circle */
    if (pair_at(c, z, &pr)) return nd_fail(err, ND_EFAILED, "NS curve: no pair of multipliers at the start");
    c->kappa = pr.kappa;
    return ND_OK;
}
