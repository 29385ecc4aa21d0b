/* Fold-of-cycles (LPC) and period-doubling (PD) curves in two parameters
 * (include/neurodyn/cycle_codim2.h): MatCont's minimally augmented systems on the collocation
 * discretisation (Dhooge, Govaerts & Kuznetsov, ICCS 2003; Kuznetsov, Govaerts, Doedel & Dhooge,
 * SIAM J. Numer. Anal. 43 (2005) 1407), their bordered linear algebra by block elimination around
 * the cycle curve's condensation + KLU, and the test functions of CPC, LPPD, LPNS (LPC) and R2,
 * LPPD, PDNS (PD).
 *
 * Block elimination (Govaerts, Numerical Methods for Bifurcations of Dynamical Equilibria, SIAM
 * 2000, sec. 3.6): the continuer's matrix is
 *     M = [F_u  F_q; G_u  G_q; b_u^T  b_q]        (u: N cycle unknowns, q = par2)
 * With K = [F_u; r^T] (non-singular near the curve: r the kernel of F_u at an LPC, the cycle
 * branch's tangent at a PD) and z_u = K^{-1} [r_F - F_q z_q; s], the two last rows leave a 2 x 2
 * system in (z_q, s). K is factored once per point; K^{-1} [F_q; 0] and K^{-1} e_N once per
 * factorisation, one more solve per right-hand side; G_u enters only as G_u y for those three
 * vectors (central differences of G along y, G evaluated on a second copy of the cycle system,
 * `aux`, so that K's factors survive). */
#include <complex.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cycle_ns.h"
#include "internal.h"
#include "neurodyn/codim2.h"
#include "neurodyn/cycle_codim2.h"
#include "neurodyn/cycle_normal_form.h"

/* ---- the model's parameter P2 in both cycle systems -------------------------------------------- */
static void set_q(nd_cycle_curve *cc, int par2, double q)
{
    if (cc->p[par2] != q) {
        cc->p[par2] = q;
        W(cc)->level = 0, W(cc)->mu_valid = 0; /* cached values at the collocation points are void */
    }
}

static void z_to_x(const nd_cycle2_curve *c, const double *z, double *x)
{
    cyc_to_x(W(&c->cyc), z, x);
}

/* G at the x-space cycle x (N values) and P2 = q; sol (N values, may be NULL) receives the
 * solution of the bordered system: LPC (v, vT, G) with G in the parameter's slot; PD (v, G, 0)
 * with G in the period's slot (the antiperiodic system, see internal.h). */
static nd_status lpc_G(nd_cycle2_curve *c, const double *x, double q, double *G, double *sol, nd_error *err)
{
    nd_cycle_curve *a = &c->aux;
    size_t N = c->N;
    if (c->kind == ND_CYCLE_CODIM2_NS) return cyc_ns_G(c, x, q, G, err); /* from the multipliers: cycle_ns.c */
    set_q(a, c->par2, q);
    W(a)->level = 0; /* G is cheap next to its factorisation: no caching across calls */
    nd_status st = cyc_factor(a, x, c->phi, err);
    if (st) return st;
    double *r = sol ? sol : c->sol;
    memset(r, 0, N * sizeof *r);
    r[N - 1] = 1.0;
    if ((st = cyc_solve(a, r, err))) return st;
    *G = r[c->kind == ND_CYCLE_CODIM2_PD ? N - 2 : N - 1];
    return isfinite(*G) ? ND_OK : nd_fail(err, ND_ENONFINITE, "%s curve: the bordered system gives no finite G",
                                          c->kind == ND_CYCLE_CODIM2_PD ? "PD" : "LPC");
}

/* PD: the border column of the antiperiodic system from the eigenfunction phi (nodes): h_j v(t_ji)
 * at the collocation points, so that it pairs with the adjoint eigenfunction like the integral of
 * <phi*, phi>, nonzero at a simple multiplier -1 (Floquet eigenfunctions are biorthogonal). */
static void pd_column(nd_cycle2_curve *c)
{
    nd_cycle_curve *a = &c->aux;
    cw *w = W(a);
    size_t n = w->n, m = w->m;
    for (size_t j = 0; j < w->ntst; j++) {
        double h = a->mesh[j + 1] - a->mesh[j];
        for (size_t i = 0; i < m; i++)
            for (size_t r = 0; r < n; r++) {
                double v = 0.0;
                for (size_t k = 0; k <= m; k++) v += w->L[i][k] * node(w, c->phi, j, k)[r];
                c->wcol[(j * m + i) * n + r] = h * v;
            }
    }
}

/* PD: phi from the last solution sol (its nodes, unit), and the border column from it. */
static void pd_borders_from(nd_cycle2_curve *c, const double *sol)
{
    size_t Nx = c->N - 2;
    double s = cyc_vnorm(sol, Nx);
    if (!(s > 0) || !isfinite(s)) return;
    for (size_t i = 0; i < Nx; i++) c->phi[i] = sol[i] / s;
    c->phi[Nx] = c->phi[Nx + 1] = 0.0;
    pd_column(c);
}

/* The row of K: LPC phi itself (the kernel of F_u); PD and NS the tangent of the cycle branch in
 * P1 (F_u is regular there), refined from the last one. */
static nd_status k_row(nd_cycle2_curve *c, const double *x, nd_error *err)
{
    if (c->kind == ND_CYCLE_CODIM2_LPC) {
        cyc_tangent_to_u(W(&c->cyc), c->phi, c->phis);
        return ND_OK;
    }
    nd_status st = cyc_tangent_at(&c->cyc, x, c->tx, c->y, err);
    if (st) return st;
    memcpy(c->tx, c->y, c->N * sizeof *c->tx);
    cyc_tangent_to_u(W(&c->cyc), c->tx, c->phis);
    return ND_OK;
}

/* G at the scaled point z (N + 1 values) */
static nd_status G_at(nd_cycle2_curve *c, const double *z, double *G, nd_error *err)
{
    z_to_x(c, z, c->xs);
    return lpc_G(c, c->xs, z[c->N], G, NULL, err);
}

/* G_u . y at z (y: N scaled values) by central differences */
static nd_status G_dir(nd_cycle2_curve *c, const double *z, const double *y, double *out, nd_error *err)
{
    size_t N = c->N;
    double ny = cyc_vnorm(y, N), nz = cyc_vnorm(z, N);
    if (!(ny > 0)) {
        *out = 0.0;
        return ND_OK;
    }
    double t = cbrt(DBL_EPSILON) * fmax(1.0, nz) / ny, gp, gm;
    double *zz = c->F2;
    for (size_t i = 0; i < N; i++) zz[i] = z[i] + t * y[i];
    zz[N] = z[N];
    nd_status st = G_at(c, zz, &gp, err);
    for (size_t i = 0; !st && i < N; i++) zz[i] = z[i] - t * y[i];
    if (!st) st = G_at(c, zz, &gm, err);
    if (!st) *out = (gp - gm) / (2 * t);
    return st;
}

/* ---- the continuer's callbacks ----------------------------------------------------------------- */
static nd_status lpc_residual(void *ctx, const double *z, double *F, nd_error *err)
{
    nd_cycle2_curve *c = ctx;
    size_t N = c->N;
    for (size_t i = 0; i <= N; i++)
        if (!isfinite(z[i])) return nd_fail(err, ND_ENONFINITE, "%s curve: non-finite unknown %zu", c->type.name, i);
    z_to_x(c, z, c->xs);
    set_q(&c->cyc, c->par2, z[N]);
    nd_status st = cyc_residual(&c->cyc, c->xs, F, err);
    if (!st) st = lpc_G(c, c->xs, z[N], &F[N - 1], NULL, err);
    return st;
}

static nd_status lpc_factor(void *ctx, const double *z, const double *b, nd_error *err)
{
    nd_cycle2_curve *c = ctx;
    nd_cycle_curve *cc = &c->cyc;
    size_t N = c->N;
    double q = z[N], hq = cbrt(DBL_EPSILON) * fmax(1.0, fabs(q));
    memcpy(c->z, z, (N + 1) * sizeof *z);
    memcpy(c->bord, b, (N + 1) * sizeof *b);
    z_to_x(c, z, c->xs);
    /* F_q by central differences (P2 enters f only) */
    set_q(cc, c->par2, q + hq);
    nd_status st = cyc_residual(cc, c->xs, c->Fq, err);
    set_q(cc, c->par2, q - hq);
    if (!st) st = cyc_residual(cc, c->xs, c->F2, err);
    if (st) return st;
    for (size_t i = 0; i + 1 < N; i++) c->Fq[i] = (c->Fq[i] - c->F2[i]) / (2 * hq);
    set_q(cc, c->par2, q);
    if ((st = cc->type.bordered_factor(cc, z, c->phis, err))) return st;
    for (size_t i = 0; i + 1 < N; i++) c->yq[i] = -c->Fq[i];
    c->yq[N - 1] = 0.0;
    memset(c->yphi, 0, N * sizeof *c->yphi);
    c->yphi[N - 1] = 1.0;
    if ((st = cc->type.bordered_solve(cc, c->yq, err)) || (st = cc->type.bordered_solve(cc, c->yphi, err))) return st;
    double gp, gm;
    memcpy(c->F2, z, (N + 1) * sizeof *z);
    c->F2[N] = q + hq;
    if ((st = G_at(c, c->F2, &gp, err))) return st;
    memcpy(c->F2, z, (N + 1) * sizeof *z);
    c->F2[N] = q - hq;
    if ((st = G_at(c, c->F2, &gm, err))) return st;
    c->gq = (gp - gm) / (2 * hq);
    if ((st = G_dir(c, z, c->yq, &c->g_yq, err)) || (st = G_dir(c, z, c->yphi, &c->g_yphi, err))) return st;
    return ND_OK;
}

static double dot(const double *a, const double *b, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

static nd_status lpc_solve(void *ctx, double *r, nd_error *err)
{
    nd_cycle2_curve *c = ctx;
    nd_cycle_curve *cc = &c->cyc;
    size_t N = c->N;
    double rG = r[N - 1], rB = r[N], gy0;
    double *y0 = c->y;
    memcpy(y0, r, (N - 1) * sizeof *r);
    y0[N - 1] = 0.0;
    nd_status st = cc->type.bordered_solve(cc, y0, err);
    if (!st) st = G_dir(c, c->z, y0, &gy0, err);
    if (st) return st;
    const double *bu = c->bord, bq = c->bord[N];
    double a11 = c->g_yq + c->gq, a12 = c->g_yphi, r1 = rG - gy0;
    double a21 = dot(bu, c->yq, N) + bq, a22 = dot(bu, c->yphi, N), r2 = rB - dot(bu, y0, N);
    double det = a11 * a22 - a12 * a21;
    if (!(fabs(det) > 1e-300) || !isfinite(det))
        return nd_fail(err, ND_EFAILED, "%s curve: the bordered system is singular", c->type.name);
    double zq = (r1 * a22 - a12 * r2) / det, s = (a11 * r2 - a21 * r1) / det;
    for (size_t i = 0; i < N; i++) r[i] = y0[i] + zq * c->yq[i] + s * c->yphi[i];
    r[N] = zq;
    return ND_OK;
}

static void lpc_jacobian_vector(void *ctx, const double *y, double *out)
{
    nd_cycle2_curve *c = ctx;
    nd_cycle_curve *cc = &c->cyc;
    size_t N = c->N;
    cc->type.jacobian_vector(cc, y, out);
    for (size_t i = 0; i + 1 < N; i++) out[i] += c->Fq[i] * y[N];
    double g = 0.0;
    if (G_dir(c, c->z, y, &g, NULL)) g = NAN;
    out[N - 1] = g + c->gq * y[N];
}

/* The non-trivial multipliers of the cycle at z (into re/im, n - 1 values, the critical one last:
 * LPC the fold's, nearest 1; PD the one nearest -1); 0 when computed. */
static int lpc_multipliers(nd_cycle2_curve *c, const double *z, double *re, double *im)
{
    nd_cycle_curve *a = &c->aux;
    cw *w = W(a);
    size_t n = w->n;
    z_to_x(c, z, c->xs);
    set_q(a, c->par2, z[c->N]);
    if (cyc_floquet(a, c->xs, NULL)) return -1;
    size_t fold = 1;
    double at = c->kind == ND_CYCLE_CODIM2_PD ? -1.0 : 1.0;
    for (size_t i = 2; i < n; i++)
        if (cabs(w->mu_re[i] + I * w->mu_im[i] - at) < cabs(w->mu_re[fold] + I * w->mu_im[fold] - at)) fold = i;
    size_t k = 0;
    for (size_t i = 1; i < n; i++)
        if (i != fold) re[k] = w->mu_re[i], im[k] = w->mu_im[i], k++;
    re[n - 2] = w->mu_re[fold], im[n - 2] = w->mu_im[fold];
    return 0;
}

/* GPD's test: the PD normal-form coefficient c at z (analysis/cycles/normal_form.c, on the aux
 * copy of the cycle system); where it cannot be computed the last value stands (no false zero). */
static double pd_coefficient(nd_cycle2_curve *c, const double *z)
{
    double coef;
    z_to_x(c, z, c->xs);
    set_q(&c->aux, c->par2, z[c->N]);
    if (!nd_cycle_pd_coefficient_x(&c->aux, c->xs, &coef, NULL)) c->gpd_last = coef;
    return c->gpd_last;
}

static nd_status lpc_tests(void *ctx, const double *z, const double *v, const double *J, double *psi, nd_error *err)
{
    nd_cycle2_curve *c = ctx;
    (void)J;
    size_t n = W(&c->aux)->n;
    double re[64], im[64];
    if (c->kind != ND_CYCLE_CODIM2_PD) psi[ND_LPC_CPC] = v[c->N];
    if (lpc_multipliers(c, z, re, im)) return nd_fail(err, ND_EFAILED, "%s curve: no Floquet multipliers", c->type.name);
    /* as the cycle curve's tests: factors z / (1 + |z|) keep the signs and zeros, never overflow */
    /* LPC: LPPD prod (mu + 1) over all, LPNS the NS product without the fold's (last);
     * PD: R2 prod (mu + 1) and LPPD prod (mu - 1) without the critical one, PDNS as LPNS */
    int pdc = c->kind == ND_CYCLE_CODIM2_PD;
    double complex pd = 1.0, lp = 1.0, ns = 1.0, t;
    for (size_t a = 0; a + 1 < n; a++) {
        double complex ma = re[a] + I * im[a];
        if (pdc && a + 2 == n) break;
        t = ma + 1.0;
        pd *= t / (1.0 + cabs(t));
        t = ma - 1.0;
        lp *= t / (1.0 + cabs(t));
        for (size_t b = a + 1; b + 2 < n; b++) { /* the critical multiplier (last) left out */
            t = ma * (re[b] + I * im[b]) - 1.0;
            ns *= t / (1.0 + cabs(t));
        }
    }
    if (pdc) {
        psi[ND_PD_R2] = n >= 3 ? creal(pd) : 1.0;
        psi[ND_PD_LPPD] = n >= 3 ? creal(lp) : 1.0;
        psi[ND_PD_PDNS] = n >= 4 ? creal(ns) : 1.0;
        psi[ND_PD_GPD] = pd_coefficient(c, z);
        return ND_OK;
    }
    psi[ND_LPC_LPPD] = creal(pd);
    psi[ND_LPC_LPNS] = n >= 4 ? creal(ns) : 1.0;
    return ND_OK;
}

/* GPD: a genuine zero of c (a sign change across it, c much smaller at the point: no jump of a
 * failed evaluation), with a multiplier at -1; data[3] the critical multiplier, data[4] c there. */
static int gpd_values(void *curve, const double *z, double *psi)
{
    nd_cycle2_curve *c = curve;
    return lpc_tests(c, z, z, NULL, psi, NULL) != ND_OK;
}

static int gpd_accept(nd_cycle2_curve *c, const double *z, const double *v, double *data)
{
    double re[64], im[64];
    size_t n = W(&c->aux)->n;
    if (lpc_multipliers(c, z, re, im)) return 0;
    data[3] = re[n - 2];
    if (cabs(re[n - 2] + I * im[n - 2] + 1.0) > 1e-4) return 0;
    if (!nd_codim2_genuine_zero(&c->type, gpd_values, c, ND_PD_GPD, z, v)) return 0;
    data[4] = pd_coefficient(c, z);
    return 1;
}

static int lpc_accept(void *ctx, int test, const double *z, const double *v, double *data)
{
    nd_cycle2_curve *c = ctx;
    (void)v;
    size_t n = W(&c->aux)->n, N = c->N;
    double re[64], im[64];
    data[0] = nd_cycle2_curve_period(c, z), data[1] = z[N - 1], data[2] = z[N];
    int pdc = c->kind == ND_CYCLE_CODIM2_PD;
    if (!pdc && test == ND_LPC_CPC) return 1;
    if (pdc && test == ND_PD_GPD) return gpd_accept(c, z, v, data);
    if (lpc_multipliers(c, z, re, im)) return 0;
    if (pdc && test != ND_PD_PDNS) {
        /* R2: a second multiplier at -1; LPPD: one at +1 (besides the trivial one) */
        double target = test == ND_PD_R2 ? -1.0 : 1.0, best = INFINITY;
        for (size_t a = 0; a + 2 < n; a++) {
            double d = cabs(re[a] + I * im[a] - target);
            if (d < best) best = d, data[3] = re[a];
        }
        return best < 1e-4;
    }
    if (!pdc && test == ND_LPC_LPPD) {
        double best = INFINITY;
        for (size_t a = 0; a + 1 < n; a++) {
            double d = cabs(re[a] + I * im[a] + 1.0);
            if (d < best) best = d, data[3] = re[a];
        }
        return best < 1e-4;
    }
    /* LPNS: a complex pair on the unit circle (a real pair mu, 1/mu is a neutral saddle) */
    double best = INFINITY;
    for (size_t a = 0; a + 2 < n; a++) {
        double complex pa = re[a] + I * im[a];
        if (fabs(cabs(pa) - 1.0) < best && fabs(cimag(pa)) > 1e-6) best = fabs(cabs(pa) - 1.0), data[3] = fabs(carg(pa));
    }
    return best < 1e-4;
}

/* After every accepted point: the phase reference and the border phi follow (MatCont adapts its
 * bordering vectors the same way). Label: 1 when the other multipliers lie inside the unit
 * circle (the fold of a stable cycle with an unstable one). */
static int lpc_label(void *ctx, const double *z)
{
    nd_cycle2_curve *c = ctx;
    size_t N = c->N, n = W(&c->aux)->n;
    double G;
    z_to_x(c, z, c->xs);
    cyc_set_reference(&c->cyc, c->xs);
    if (c->kind == ND_CYCLE_CODIM2_PD) {
        if (!lpc_G(c, c->xs, z[N], &G, c->y, NULL)) pd_borders_from(c, c->y);
        set_q(&c->cyc, c->par2, z[N]);
        k_row(c, c->xs, NULL);
    } else {
        cyc_set_reference(&c->aux, c->xs);
        if (!lpc_G(c, c->xs, z[N], &G, c->y, NULL)) {
            c->y[N - 1] = 0.0;
            double s = cyc_vnorm(c->y, N);
            if (s > 0 && isfinite(s)) {
                for (size_t i = 0; i < N; i++) c->phi[i] = c->y[i] / s;
                k_row(c, c->xs, NULL);
            }
        }
    }
    double re[64], im[64];
    if (lpc_multipliers(c, z, re, im)) return -1;
    for (size_t a = 0; a + 2 < n; a++)
        if (cabs(re[a] + I * im[a]) >= 1.0) return 0;
    return 1;
}

static const char *lpc_component_name(void *ctx, size_t i, int *is_parameter)
{
    nd_cycle2_curve *c = ctx;
    *is_parameter = i >= c->N - 1;
    if (i == c->N) return c->cyc.m->par_names[c->par2];
    if (i == c->N - 1) return c->cyc.m->par_names[c->par1];
    return i == c->N - 2 ? "ln T" : "the orbit";
}

/* ---- set-up --------------------------------------------------------------------------------- */
void nd_cycle2_curve_free(nd_cycle2_curve *c)
{
    if (!c) return;
    nd_cycle_curve_free(&c->cyc);
    nd_cycle_curve_free(&c->aux);
    free(c->phi), free(c->phis), free(c->z), free(c->bord), free(c->Fq), free(c->yq), free(c->yphi), free(c->y);
    free(c->xs), free(c->sol), free(c->F2), free(c->tx), free(c->wcol);
    memset(c, 0, sizeof *c);
}

nd_status nd_cycle2_curve_init(nd_cycle2_curve *c, int kind, const nd_model *m, const double *p, int par1, int par2,
                               const nd_region *region, size_t ntst, size_t ncol, nd_error *err)
{
    if (!c) return nd_fail(err, ND_EINVAL, "cycle bifurcation curve: the curve is NULL");
    memset(c, 0, sizeof *c);
    if (kind != ND_CYCLE_CODIM2_LPC && kind != ND_CYCLE_CODIM2_PD && kind != ND_CYCLE_CODIM2_NS)
        return nd_fail(err, ND_EINVAL, "cycle bifurcation curve: kind %d (LPC %d, PD %d or NS %d)", kind,
                       ND_CYCLE_CODIM2_LPC, ND_CYCLE_CODIM2_PD, ND_CYCLE_CODIM2_NS);
    c->kind = kind;
    c->gpd_last = NAN;
    if (m && (par2 < 0 || (size_t)par2 >= m->n_pars || par2 == par1))
        return nd_fail(err, ND_EINVAL, "cycle bifurcation curve: the second parameter (index %d) must be a parameter of %s other "
                       "than the first", par2, m->name);
    nd_status st = nd_cycle_curve_init(&c->cyc, m, p, par1, region, ntst, ncol, err);
    if (!st) st = nd_cycle_curve_init(&c->aux, m, p, par1, region, ntst, ncol, err);
    if (st) {
        nd_cycle2_curve_free(c);
        return st;
    }
    size_t N = c->N = c->cyc.type.dim;
    c->par1 = par1, c->par2 = par2;
    c->phi = calloc(N, sizeof *c->phi), c->phis = calloc(N, sizeof *c->phis);
    c->z = calloc(N + 1, sizeof *c->z), c->bord = calloc(N + 1, sizeof *c->bord);
    c->Fq = calloc(N, sizeof *c->Fq), c->yq = calloc(N, sizeof *c->yq), c->yphi = calloc(N, sizeof *c->yphi);
    c->y = calloc(N, sizeof *c->y), c->xs = calloc(N, sizeof *c->xs), c->sol = calloc(N, sizeof *c->sol);
    c->F2 = calloc(N + 1, sizeof *c->F2), c->tx = calloc(N, sizeof *c->tx);
    c->wcol = calloc(W(&c->aux)->ncp * W(&c->aux)->n, sizeof *c->wcol);
    if (!c->phi || !c->phis || !c->z || !c->bord || !c->Fq || !c->yq || !c->yphi || !c->y || !c->xs || !c->sol ||
        !c->F2 || !c->tx || !c->wcol) {
        nd_cycle2_curve_free(c);
        return nd_fail(err, ND_ENOMEM, "cycle bifurcation curve: no memory");
    }
    if (kind == ND_CYCLE_CODIM2_PD) W(&c->aux)->antiperiodic = 1, W(&c->aux)->pd_col = c->wcol;
    c->type = (nd_curve_type){
        .name = kind == ND_CYCLE_CODIM2_PD ? "period doubling (PD)" : "fold of cycles (LPC)",
        .dim = N + 1,
        .residual = lpc_residual,
        .n_tests = 3,
        .test_names = {"CPC", "LPPD", "LPNS"},
        .test_kind = {ND_TEST_FOLD, ND_TEST_PLAIN, ND_TEST_PLAIN},
        .tests = lpc_tests,
        .accept = lpc_accept,
        .label = lpc_label,
        .component_name = lpc_component_name,
        .bordered_factor = lpc_factor,
        .bordered_solve = lpc_solve,
        .jacobian_vector = lpc_jacobian_vector,
        .ctx = c,
    };
    if (kind == ND_CYCLE_CODIM2_PD) {
        c->type.test_names[0] = "R2", c->type.test_names[1] = "LPPD", c->type.test_names[2] = "PDNS";
        c->type.test_names[3] = "GPD";
        c->type.test_kind[0] = ND_TEST_PLAIN, c->type.test_kind[3] = ND_TEST_PLAIN;
        c->type.n_tests = 4;
    }
    if (kind == ND_CYCLE_CODIM2_NS) cyc_ns_setup(c);
    return ND_OK;
}

nd_status nd_cycle2_curve_reset(nd_cycle2_curve *c, const double *z, nd_error *err)
{
    size_t N = c->N;
    double *x = c->xs, *r = c->phi, *t = c->y;
    z_to_x(c, z, x);
    set_q(&c->cyc, c->par2, z[N]);
    set_q(&c->aux, c->par2, z[N]);
    cyc_set_reference(&c->cyc, x);
    /* the kernel of F_u by two steps of inverse iteration from a fixed generic vector */
    for (size_t i = 0; i < N; i++) r[i] = sin(0.7 * (double)i + 0.3);
    for (int it = 0; it < 2; it++) {
        nd_status st = cyc_tangent_at(&c->cyc, x, r, t, err);
        if (st) return st;
        memcpy(r, t, N * sizeof *t);
    }
    if (c->kind == ND_CYCLE_CODIM2_NS) { /* K's row: that tangent; the critical pair's kappa */
        memcpy(c->tx, r, N * sizeof *r);
        cyc_tangent_to_u(W(&c->cyc), c->tx, c->phis);
        return cyc_ns_reset(c, z, err);
    }
    if (c->kind == ND_CYCLE_CODIM2_PD) {
        /* K's row: that tangent; the antiperiodic eigenfunction by inverse iteration through the
         * PD system itself (at the PD its solution is the kernel whatever the borders) */
        memcpy(c->tx, r, N * sizeof *r);
        cyc_tangent_to_u(W(&c->cyc), c->tx, c->phis);
        memset(W(&c->aux)->phase, 0, W(&c->aux)->Nx * sizeof(double));
        for (size_t i = 0; i < N; i++) c->phi[i] = i + 2 < N ? sin(1.3 * (double)i + 0.1) : 0.0;
        pd_borders_from(c, c->phi);
        for (int it = 0; it < 3; it++) {
            double G;
            nd_status st = lpc_G(c, x, z[N], &G, c->y, err);
            if (st) return st;
            pd_borders_from(c, c->y);
        }
        return ND_OK;
    }
    cyc_set_reference(&c->aux, x);
    r[N - 1] = 0.0;
    double s = cyc_vnorm(r, N);
    if (!(s > 0)) return nd_fail(err, ND_EFAILED, "cycle bifurcation curve: no null vector at the start");
    for (size_t i = 0; i < N; i++) r[i] /= s;
    return k_row(c, x, err);
}

nd_status nd_cycle2_curve_start(nd_cycle2_curve *c, const nd_cycle_curve *from, const nd_branch *b, size_t s, double *z0,
                             nd_error *err)
{
    int want = !c ? ND_CYC_LPC : c->kind == ND_CYCLE_CODIM2_PD ? ND_CYC_PD : c->kind == ND_CYCLE_CODIM2_NS ? ND_CYC_NS : ND_CYC_LPC;
    if (!c || !from || !b || !z0 || s >= b->n_special || b->special[s].test != want)
        return nd_fail(err, ND_EINVAL, "cycle bifurcation curve: the start must be an %s special point of the branch",
                       want == ND_CYC_PD ? "PD" : want == ND_CYC_NS ? "NS" : "LPC");
    const nd_special_point *sp = &b->special[s];
    const nd_cycle_info *in = nd_cycle_curve_info(from, sp->after);
    if (!in || from->ntst != c->cyc.ntst || from->ncol != c->cyc.ncol || b->dim != c->N)
        return nd_fail(err, ND_EINVAL, "cycle bifurcation curve: the branch (dimension %zu, %zu x %zu collocation) does not match the "
                       "curve (%zu, %zu x %zu)", b->dim, from->ntst, from->ncol, c->N, c->cyc.ntst, c->cyc.ncol);
    for (int k = 0; k < 2; k++) {
        nd_cycle_curve *cc = k ? &c->aux : &c->cyc;
        memcpy(cc->mesh, in->mesh, (cc->ntst + 1) * sizeof *cc->mesh);
        cyc_mesh_changed(cc);
    }
    memcpy(z0, sp->u, c->N * sizeof *z0);
    z0[c->N] = c->cyc.p[c->par2];
    return nd_cycle2_curve_reset(c, z0, err);
}

static nd_status reset_hook(void *curve, const double *z, nd_error *err)
{
    return nd_cycle2_curve_reset(curve, z, err);
}

nd_status nd_cycle2_curve_continue(nd_cycle2_curve *c, const double *z0, const nd_cont_opts *o, nd_branch out[2],
                                nd_error *err)
{
    return nd_codim2_continue_both(&c->type, reset_hook, c, z0, o, out, err);
}

double nd_cycle2_curve_par(const nd_cycle2_curve *c, const double *z, int which)
{
    return z[c->N - 1 + (which ? 1 : 0)];
}

double nd_cycle2_curve_period(const nd_cycle2_curve *c, const double *z)
{
    return exp(z[c->N - 2]);
}

nd_status nd_cycle2_curve_describe(nd_cycle2_curve *c, const double *z, const nd_cycle_info **info, nd_error *err)
{
    set_q(&c->aux, c->par2, z[c->N]);
    return nd_cycle_curve_describe(&c->aux, z, info, err);
}
