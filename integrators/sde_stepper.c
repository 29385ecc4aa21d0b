/* One step of an SDE method, driven by given Wiener increments.
 * Formulas: Kloeden & Platen (1992) Numerical Solution of SDEs, eqs. 10.2.2 (Euler–Maruyama),
 * 10.3.1 (Milstein), 11.1.3 (explicit order-1.0 scheme); Rößler (2010) SIAM J. Numer. Anal.
 * 48:922, Table 5.2 (SRI1W1, SRI2W1). For diagonal noise the scalar-noise schemes run
 * component by component with each component's own increments, which is exact order when
 * g_i depends on x_i only (the usual "diagonal noise" assumption). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/integrate.h"
#include "neurodyn/sde.h"

#define SRI_STAGES 4

/* A stochastic Runge–Kutta tableau of Rößler's SRI class (scalar noise). */
typedef struct sri_table {
    double c0[SRI_STAGES], c1[SRI_STAGES];
    double A0[SRI_STAGES][SRI_STAGES], B0[SRI_STAGES][SRI_STAGES];
    double A1[SRI_STAGES][SRI_STAGES], B1[SRI_STAGES][SRI_STAGES];
    double alpha[SRI_STAGES], beta1[SRI_STAGES], beta2[SRI_STAGES], beta3[SRI_STAGES],
        beta4[SRI_STAGES];
} sri_table;

static const sri_table sri1w1 = {
    .c0 = {0, 0.75, 0, 0},
    .c1 = {0, 0.25, 1, 0.25},
    .A0 = {{0}, {0.75}},
    .B0 = {{0}, {1.5}},
    .A1 = {{0}, {0.25}, {1}, {0, 0, 0.25}},
    .B1 = {{0}, {0.5}, {-1}, {-5, 3, 0.5}},
    .alpha = {1.0 / 3, 2.0 / 3, 0, 0},
    .beta1 = {-1, 4.0 / 3, 2.0 / 3, 0},
    .beta2 = {-1, 4.0 / 3, -1.0 / 3, 0},
    .beta3 = {2, -4.0 / 3, -2.0 / 3, 0},
    .beta4 = {-2, 5.0 / 3, -2.0 / 3, 1},
};

static const sri_table sri2w1 = {
    .c0 = {0, 1, 0.5, 0},
    .c1 = {0, 0.25, 1, 0.25},
    .A0 = {{0}, {1}, {0.25, 0.25}},
    .B0 = {{0}, {0}, {1, 0.5}},
    .A1 = {{0}, {0.25}, {1}, {0, 0, 0.25}},
    .B1 = {{0}, {-0.5}, {1}, {2, -1, 0.5}},
    .alpha = {1.0 / 6, 1.0 / 6, 2.0 / 3, 0},
    .beta1 = {-1, 4.0 / 3, 2.0 / 3, 0},
    .beta2 = {1, -4.0 / 3, 1.0 / 3, 0},
    .beta3 = {2, -4.0 / 3, -2.0 / 3, 0},
    .beta4 = {-2, 5.0 / 3, -2.0 / 3, 1},
};

struct nd_sde_stepper {
    const nd_sde_method *method;
    nd_sde_system sys;
    size_t n, m, gsize;
    double *mem;
    double *f0, *g0, *ybar, *gbar, *incr, *ynew, *jac;
    double *F[SRI_STAGES], *G[SRI_STAGES], *H, *I1, *I10, *I11, *I111;
    long evals;
    /* exponential Euler drift: an ODE stepper on the drift alone */
    nd_system drift;
    nd_stepper *exp_euler;
};

static void eval_f(nd_sde_stepper *s, double t, const double *x, double *out)
{
    s->evals++;
    s->sys.f(t, x, out, s->sys.ctx);
}

static void eval_g(nd_sde_stepper *s, double t, const double *x, double *out)
{
    s->evals++;
    s->sys.g(t, x, out, s->sys.ctx);
}

static void drift_f(double t, const double *x, double *dxdt, void *ctx)
{
    nd_sde_stepper *s = ctx;
    s->sys.f(t, x, dxdt, s->sys.ctx);
}

static void drift_jac(double t, const double *x, double *jac, void *ctx)
{
    nd_sde_stepper *s = ctx;
    s->sys.fjac(t, x, jac, s->sys.ctx);
}

nd_status nd_sde_stepper_alloc(const nd_sde_method *method, const nd_sde_system *sys,
                               nd_sde_stepper **out, nd_error *err)
{
    *out = NULL;
    if (!method || !sys || !sys->f || !sys->g || sys->n == 0)
        return nd_fail(err, ND_EINVAL, "SDE stepper: incomplete system (f, g and n are required)");
    size_t m = sys->noise == ND_NOISE_SCALAR ? 1 : sys->noise == ND_NOISE_DIAGONAL ? sys->n : sys->m;
    if (m == 0) return nd_fail(err, ND_EINVAL, "SDE stepper: general noise needs m > 0 Wiener processes");
    nd_status st = nd_sde_check_support(method, sys->noise, sys->kind, err);
    if (st) return st;
    nd_sde_stepper *s = calloc(1, sizeof *s);
    size_t n = sys->n, gsize = sys->noise == ND_NOISE_GENERAL ? n * m : n;
    size_t total = 2 * gsize + 5 * n + n * n + 2 * SRI_STAGES * n + 5 * n;
    if (!s || !(s->mem = calloc(total, sizeof(double)))) {
        free(s);
        return nd_fail(err, ND_ENOMEM, "SDE stepper: no memory for n = %zu, m = %zu", n, m);
    }
    s->method = method, s->sys = *sys, s->n = n, s->m = m, s->gsize = gsize;
    s->sys.m = m;
    double *w = s->mem;
    s->g0 = w, w += gsize;
    s->gbar = w, w += gsize;
    s->f0 = w, w += n;
    s->ybar = w, w += n;
    s->incr = w, w += n;
    s->ynew = w, w += n;
    s->H = w, w += n;
    s->jac = w, w += n * n;
    for (int i = 0; i < SRI_STAGES; i++) s->F[i] = w, w += n;
    for (int i = 0; i < SRI_STAGES; i++) s->G[i] = w, w += n;
    s->I1 = w, w += n;
    s->I10 = w, w += n;
    s->I11 = w, w += n;
    s->I111 = w;
    if (method->scheme == ND_SDE_EXP_EULER) {
        s->drift = (nd_system){n, drift_f, sys->fjac ? drift_jac : NULL, s};
        const nd_method *ee = nd_method_find("exponential_euler", err);
        if (!ee || (st = nd_stepper_alloc(ee, &s->drift, &s->exp_euler, err))) {
            nd_sde_stepper_free(s);
            return st ? st : ND_EINVAL;
        }
    }
    *out = s;
    return ND_OK;
}

void nd_sde_stepper_free(nd_sde_stepper *s)
{
    if (!s) return;
    nd_stepper_free(s->exp_euler);
    free(s->mem);
    free(s);
}

long nd_sde_stepper_evals(const nd_sde_stepper *s)
{
    return s->evals + (s->exp_euler ? nd_stepper_rhs_evals(s->exp_euler) : 0);
}

/* out = G dW: g_i dW_0 (scalar), g_i dW_i (diagonal), sum_j g_ij dW_j (general). */
static void noise_product(const nd_sde_stepper *s, const double *g, const double *dW, double *out)
{
    size_t n = s->n;
    switch (s->sys.noise) {
    case ND_NOISE_SCALAR:
        for (size_t i = 0; i < n; i++) out[i] = g[i] * dW[0];
        break;
    case ND_NOISE_DIAGONAL:
        for (size_t i = 0; i < n; i++) out[i] = g[i] * dW[i];
        break;
    default:
        for (size_t i = 0; i < n; i++) {
            double acc = 0.0;
            for (size_t j = 0; j < s->m; j++) acc += g[i * s->m + j] * dW[j];
            out[i] = acc;
        }
    }
}

/* The increment of Wiener process driving component i (scalar and diagonal noise). */
static double dw_of(const nd_sde_stepper *s, const double *dW, size_t i)
{
    return s->sys.noise == ND_NOISE_SCALAR ? dW[0] : dW[i];
}

static void euler_step(nd_sde_stepper *s, double t, double h, const double *y, const double *dW)
{
    eval_f(s, t, y, s->f0);
    eval_g(s, t, y, s->g0);
    noise_product(s, s->g0, dW, s->incr);
    for (size_t i = 0; i < s->n; i++) s->ynew[i] = y[i] + s->f0[i] * h + s->incr[i];
}

/* Euler–Heun: the Stratonovich integral by the trapezoidal rule on g. */
static void heun_step(nd_sde_stepper *s, double t, double h, const double *y, const double *dW)
{
    size_t n = s->n;
    eval_f(s, t, y, s->f0);
    eval_g(s, t, y, s->g0);
    noise_product(s, s->g0, dW, s->incr);
    for (size_t i = 0; i < n; i++) s->ybar[i] = y[i] + s->incr[i];
    eval_g(s, t + h, s->ybar, s->gbar);
    for (size_t i = 0; i < s->gsize; i++) s->gbar[i] = 0.5 * (s->g0[i] + s->gbar[i]);
    noise_product(s, s->gbar, dW, s->incr);
    for (size_t i = 0; i < n; i++) s->ynew[i] = y[i] + s->f0[i] * h + s->incr[i];
}

/* Milstein: y + f h + g dW + 1/2 (L g) (dW^2 - h [Ito only]) with (L g)_i = sum_j g_j dg_i/dx_j
 * (scalar) or g_i dg_i/dx_i (diagonal); without a Jacobian L g = (g(ybar) - g)/sqrt(h) at
 * ybar = y + f h + g sqrt(h) (Kloeden & Platen 11.1.3). */
static void milstein_step(nd_sde_stepper *s, double t, double h, const double *y, const double *dW,
                          int derivative_free)
{
    size_t n = s->n;
    double sq = sqrt(h), ito = s->sys.kind == ND_ITO ? h : 0.0;
    eval_f(s, t, y, s->f0);
    eval_g(s, t, y, s->g0);
    double *Lg = s->gbar;
    if (derivative_free || !s->sys.gjac) {
        for (size_t i = 0; i < n; i++) s->ybar[i] = y[i] + s->f0[i] * h + s->g0[i] * sq;
        eval_g(s, t, s->ybar, Lg);
        for (size_t i = 0; i < n; i++) Lg[i] = (Lg[i] - s->g0[i]) / sq;
    } else {
        s->sys.gjac(t, y, s->jac, s->sys.ctx);
        s->evals++;
        for (size_t i = 0; i < n; i++) {
            double acc = 0.0;
            if (s->sys.noise == ND_NOISE_SCALAR)
                for (size_t j = 0; j < n; j++) acc += s->g0[j] * s->jac[i * n + j];
            else
                acc = s->g0[i] * s->jac[i * n + i];
            Lg[i] = acc;
        }
    }
    for (size_t i = 0; i < n; i++) {
        double w = dw_of(s, dW, i);
        s->ynew[i] = y[i] + s->f0[i] * h + s->g0[i] * w + 0.5 * Lg[i] * (w * w - ito);
    }
}

static nd_status exp_euler_step(nd_sde_stepper *s, double t, double h, const double *y,
                                const double *dW, nd_error *err)
{
    memcpy(s->ynew, y, s->n * sizeof *y);
    nd_status st = nd_stepper_apply(s->exp_euler, t, h, s->ynew, NULL, err);
    if (st) return st;
    eval_g(s, t, y, s->g0);
    noise_product(s, s->g0, dW, s->incr);
    for (size_t i = 0; i < s->n; i++) s->ynew[i] += s->incr[i];
    return ND_OK;
}

/* f at drift stage k is used by the weights or by a later stage. */
static int sri_needs_f(const sri_table *tb, int k)
{
    if (tb->alpha[k] != 0.0) return 1;
    for (int j = k + 1; j < SRI_STAGES; j++)
        if (tb->A0[j][k] != 0.0 || tb->A1[j][k] != 0.0) return 1;
    return 0;
}

static int sri_same_as_first(const sri_table *tb, int k)
{
    if (tb->c0[k] != 0.0) return 0;
    for (int j = 0; j < k; j++)
        if (tb->A0[k][j] != 0.0 || tb->B0[k][j] != 0.0) return 0;
    return 1;
}

/* Rößler's SRI scheme: stages H0 (drift) and H1 (diffusion), iterated integrals
 * I(1) = dW, I(1,0) = h/2 (dW + dZ/sqrt 3), I(1,1) = (dW^2 - h)/2, I(1,1,1) = (dW^3 - 3h dW)/6. */
static void sri_step(nd_sde_stepper *s, const sri_table *tb, double t, double h, const double *y,
                     const double *dW, const double *dZ)
{
    size_t n = s->n;
    double sq = sqrt(h);
    for (size_t i = 0; i < n; i++) {
        double w = dw_of(s, dW, i), z = dw_of(s, dZ, i);
        s->I1[i] = w;
        s->I10[i] = 0.5 * h * (w + z / sqrt(3.0));
        s->I11[i] = 0.5 * (w * w - h);
        s->I111[i] = (w * w * w - 3.0 * h * w) / 6.0;
    }
    for (int k = 0; k < SRI_STAGES; k++) {
        if (sri_needs_f(tb, k)) {
            if (k > 0 && sri_same_as_first(tb, k)) { /* H0_k = y at c0 = 0: f(H0_k) = f(H0_0) */
                memcpy(s->F[k], s->F[0], n * sizeof *s->F[k]);
            } else {
                for (size_t i = 0; i < n; i++) { /* drift stage */
                    double a = 0.0, b = 0.0;
                    for (int j = 0; j < k; j++) a += tb->A0[k][j] * s->F[j][i], b += tb->B0[k][j] * s->G[j][i];
                    s->H[i] = y[i] + h * a + b * s->I10[i] / h;
                }
                eval_f(s, t + tb->c0[k] * h, s->H, s->F[k]);
            }
        }
        for (size_t i = 0; i < n; i++) { /* diffusion stage */
            double a = 0.0, b = 0.0;
            for (int j = 0; j < k; j++) a += tb->A1[k][j] * s->F[j][i], b += tb->B1[k][j] * s->G[j][i];
            s->H[i] = y[i] + h * a + b * sq;
        }
        eval_g(s, t + tb->c1[k] * h, s->H, s->G[k]);
    }
    for (size_t i = 0; i < n; i++) {
        double acc = y[i];
        for (int k = 0; k < SRI_STAGES; k++) {
            double wk = tb->beta1[k] * s->I1[i] + tb->beta2[k] * s->I11[i] / sq +
                        tb->beta3[k] * s->I10[i] / h + tb->beta4[k] * s->I111[i] / h;
            if (tb->alpha[k] != 0.0) acc += h * tb->alpha[k] * s->F[k][i];
            acc += wk * s->G[k][i];
        }
        s->ynew[i] = acc;
    }
}

nd_status nd_sde_stepper_step(nd_sde_stepper *s, double t, double h, double *y, const double *dW,
                              const double *dZ, nd_error *err)
{
    if (!(h > 0)) return nd_fail(err, ND_EINVAL, "SDE step: h = %g must be > 0", h);
    if (s->method->needs_dz && !dZ)
        return nd_fail(err, ND_EINVAL, "SDE method %s needs the second increments dZ", s->method->name);
    int strat = s->sys.kind == ND_STRATONOVICH;
    switch (s->method->scheme) {
    case ND_SDE_EULER:
        if (strat) heun_step(s, t, h, y, dW);
        else euler_step(s, t, h, y, dW);
        break;
    case ND_SDE_HEUN: heun_step(s, t, h, y, dW); break;
    case ND_SDE_MILSTEIN: milstein_step(s, t, h, y, dW, 0); break;
    case ND_SDE_MILSTEIN_DF:
    case ND_SDE_KLPL: milstein_step(s, t, h, y, dW, 1); break;
    case ND_SDE_EXP_EULER: {
        nd_status st = exp_euler_step(s, t, h, y, dW, err);
        if (st) return st;
        break;
    }
    case ND_SDE_SRK1W1: sri_step(s, &sri1w1, t, h, y, dW, dZ); break;
    case ND_SDE_SRK2W1: sri_step(s, &sri2w1, t, h, y, dW, dZ); break;
    }
    for (size_t i = 0; i < s->n; i++)
        if (!isfinite(s->ynew[i]))
            return nd_fail(err, ND_ENONFINITE,
                           "SDE step from t = %.17g with h = %g gave a non-finite value in component %zu",
                           t, h, i);
    memcpy(y, s->ynew, s->n * sizeof *y);
    return ND_OK;
}
