/* Test functions of the limit-cycle curve (LPC, PD, NS, BPC), the acceptance of located zeros,
 * and the Hopf point at the end of a branch.
 *
 * BPC (branch point of cycles): AUTO-07p's test for branch points of periodic solutions
 * (Doedel et al. 1991, IJBC 1:745, sec. 5; AUTO-07p manual, ISP): the Jacobian of the periodic
 * boundary-value problem at fixed parameter (collocation, periodicity, phase condition, in x and
 * T) is singular exactly where a non-trivial Floquet multiplier is +1, and its determinant is,
 * up to a factor that keeps its sign, prod_i (mu_i - 1) over the non-trivial multipliers; it
 * changes sign at a fold of cycles (LPC) and at a BPC. At a fold the parameter component of the
 * tangent changes sign too, at a BPC it does not (the branch goes on through it), so
 *     psi_BPC = sign(v_p) prod_i (mu_i - 1)
 * changes sign at a BPC only (the multiplier +1 then has algebraic multiplicity 2 while the LPC
 * test keeps its sign). It costs nothing beyond the multipliers the PD and NS tests use. Generic
 * systems have no BPC (it needs a symmetry or an invariant subspace: the pitchfork of a symmetric
 * cycle, a transcritical crossing of a trivial branch), so a sign change is located only when the
 * count of real multipliers above 1 changed over the step, and reported only where a
 * non-trivial multiplier is within 1e-3 of +1 and the tangent's parameter component is not at a
 * fold (|v_p| > 1e-3: a step that lands between the two zeros of a fold, those of v_p and of
 * the multiplier product, which the discretisation puts a hair apart, is no BPC). */
#include <complex.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <klu.h>

#include "internal.h"
#include "neurodyn/cycle_normal_form.h"

/* ---- test functions ---------------------------------------------------------------------------------- */
nd_status cyc_tests(void *ctx, const double *u, const double *v, const double *J, double *psi, nd_error *err)
{
    nd_cycle_curve *c = ctx;
    cw *w = W(c);
    (void)J;
    size_t n = w->n;
    nd_status st = cyc_floquet(c, u, err);
    if (st) return st;
    psi[ND_CYC_LPC] = v[w->N - 1];
    /* every factor z enters as z / (1 + |z|): the same zeros and signs (conjugate factors still
     * multiply to a positive number), but no overflow for strongly unstable cycles */
    double complex pd = 1.0, ns = 1.0, bp = 1.0, z;
    for (size_t a = 1; a < n; a++) {
        double complex ma = w->mu_re[a] + I * w->mu_im[a];
        z = ma + 1.0;
        pd *= z / (1.0 + cabs(z));
        z = ma - 1.0;
        bp *= z / (1.0 + cabs(z));
        for (size_t b = a + 1; b < n; b++) {
            z = ma * (w->mu_re[b] + I * w->mu_im[b]) - 1.0;
            ns *= z / (1.0 + cabs(z));
        }
    }
    psi[ND_CYC_PD] = creal(pd);
    psi[ND_CYC_NS] = creal(ns);
    psi[ND_CYC_H] = 1.0; /* not a test the engine evaluates: H is found by the stop hook */
    psi[ND_CYC_BPC] = v[w->N - 1] < 0 ? -creal(bp) : creal(bp);
    return ND_OK;
}

/* The non-trivial multipliers of x (unscaled unknowns) into re, im (n - 1 each); 0 on success. */
static int multipliers(nd_cycle_curve *c, const double *x, double *re, double *im)
{
    cw *w = W(c);
    if (cyc_floquet(c, x, NULL)) return -1;
    memcpy(re, w->mu_re + 1, (w->n - 1) * sizeof *re);
    memcpy(im, w->mu_im + 1, (w->n - 1) * sizeof *im);
    return 0;
}

/* The crossings a test's sign counts, among multipliers up to `limit` in modulus: for a period
 * doubling the real multipliers below -1, for a Neimark–Sacker the complex ones outside the unit
 * circle. */
static int crossings(int test, size_t n, const double *re, const double *im, double limit)
{
    int count = 0;
    for (size_t a = 0; a < n; a++) {
        double m = hypot(re[a], im[a]);
        int real = fabs(im[a]) <= 1e-10 * fmax(m, 1e-300);
        if (m > limit) continue;
        if (test == ND_CYC_PD) count += real && re[a] < -1;
        else if (test == ND_CYC_BPC) count += real && re[a] > 1;
        else count += !real && m > 1;
    }
    return count;
}

/* A sign change of PD or NS is genuine when the number of those crossings changes: by a real
 * multiplier through -1 (counting those up to 1e8: larger ones, 1e11 say on the unstable
 * branch of a neuron, have the sign of their rounding), by a complex pair through the unit
 * circle (real pairs of a huge and a tiny multiplier, whose product is noise, do not count). */
int cyc_bracket(void *ctx, int test, const double *x0, const double *x1)
{
    nd_cycle_curve *c = ctx;
    /* a fold is no fold where the branch passes through a Hopf point (the cycles shrink to the
     * equilibrium and come back half a period shifted: x1 correlates negatively with x0) */
    if (test == ND_CYC_LPC) return cyc_signed_amplitude(c, x1) > 0.25;
    if (test != ND_CYC_PD && test != ND_CYC_NS && test != ND_CYC_BPC) return 1;
    size_t n = W(c)->n;
    double re0[64], im0[64], re1[64], im1[64], limit = test != ND_CYC_NS ? 1e8 : INFINITY;
    if (multipliers(c, x0, re0, im0) || multipliers(c, x1, re1, im1)) return 1; /* cannot tell: locate */
    return crossings(test, n - 1, re0, im0, limit) != crossings(test, n - 1, re1, im1, limit);
}

int cyc_accept(void *ctx, int test, const double *u, const double *v, double *data)
{
    nd_cycle_curve *c = ctx;
    cw *w = W(c);
    size_t n = w->n;
    if (cyc_floquet(c, u, NULL)) return 0;
    data[0] = exp(u[w->Nx]), data[1] = u[w->N - 1];
    data[3] = cabs(w->mu_re[0] + I * w->mu_im[0] - 1.0);
    double sa = cyc_signed_amplitude(c, u);
    switch (test) {
    case ND_CYC_LPC:
        /* the tangent's parameter component also vanishes where the branch passes through a
         * Hopf point (the cycle shrinks to the equilibrium and the branch turns back) */
        if (!(sa > 0.25)) return 0;
        if (nd_cycle_lpc_coefficient_x(c, u, &data[4], NULL)) data[4] = NAN;
        return 1;
    case ND_CYC_PD: {
        double best = INFINITY;
        for (size_t a = 1; a < n; a++) {
            double d = cabs(w->mu_re[a] + I * w->mu_im[a] + 1.0);
            if (d < best) best = d, data[2] = w->mu_re[a];
        }
        if (!(sa > 0.25 && best < 1e-4)) return 0;
        if (nd_cycle_pd_coefficient_x(c, u, &data[4], NULL)) data[4] = NAN;
        return 1;
    }
    case ND_CYC_BPC: {
        double best = INFINITY;
        for (size_t a = 1; a < n; a++) {
            double d = cabs(w->mu_re[a] + I * w->mu_im[a] - 1.0);
            if (d < best) best = d, data[2] = w->mu_re[a];
        }
        return sa > 0.25 && best < 1e-3 && fabs(v[w->N - 1]) > 1e-3 * cyc_vnorm(v, w->N);
    }
    case ND_CYC_NS: {
        double best = INFINITY;
        size_t ba = 0, bb = 0;
        for (size_t a = 1; a < n; a++)
            for (size_t b = a + 1; b < n; b++) {
                double complex pa = w->mu_re[a] + I * w->mu_im[a], pb = w->mu_re[b] + I * w->mu_im[b];
                double d = cabs(pa * pb - 1.0);
                if (d < best) best = d, ba = a, bb = b;
            }
        if (!ba) return 0;
        double complex pa = w->mu_re[ba] + I * w->mu_im[ba], pb = w->mu_re[bb] + I * w->mu_im[bb];
        /* a complex pair on the unit circle; a real pair mu, 1/mu is a neutral saddle cycle */
        if (!(fabs(cimag(pa)) > 1e-6 * cabs(pa) && cabs(pa - conj(pb)) < 1e-6 * cabs(pa))) return 0;
        double theta = fabs(carg(pa));
        data[2] = theta;
        if (!(sa > 0.25 && theta > 1e-4)) return 0;
        if (nd_cycle_ns_coefficient_x(c, u, theta, &data[4], NULL)) data[4] = NAN;
        return 1;
    }
    }
    return 1;
}

/* The branch reached a Hopf point between the previous point (the phase reference, record
 * prev) and u: the step passed through zero amplitude (sa < 0: u is the previous cycles
 * retraced, half a period shifted) or bounced back off it. The branch point itself cannot be
 * reached by the corrector (the branch of constant solutions crosses there), so the Hopf point
 * is extrapolated along p = p_H + c a^2 + O(a^4) in the amplitude a, likewise T and the mean of
 * x: two cycles at amplitudes 0.02 and 0.01 of the previous one are computed (Newton with the
 * signed amplitude fixed), and Richardson extrapolation removes the a^2 terms. If that fails,
 * the last two points are used. */
void cyc_hopf_end(nd_cycle_curve *c, const double *u, double sa, const nd_cycle_info *prev, const nd_cycle_info *in)
{
    cw *w = W(c);
    size_t N = w->N, n = w->n, m = w->m;
    double A1 = prev->amplitude * prev->amplitude, A2 = in->amplitude * in->amplitude, den = A1 - A2;
    if (sa > 0) A2 = -A2, den = A1 - A2; /* a bounce: u lies on the same side, not across */
    double wa = fabs(den) > 1e-3 * A1 ? -A2 / den : 0.5, wb = fabs(den) > 1e-3 * A1 ? A1 / den : 0.5;
    double mean[64];
    cyc_cycle_mean(c, u, mean);
    w->hopf_p = wa * prev->par + wb * u[N - 1];
    w->hopf_T = wa * prev->period + wb * exp(u[w->Nx]);
    for (size_t r = 0; r < n; r++) w->hopf_x[r] = wa * w->refbar[r] + wb * mean[r];
    double *row = calloc(3 * N, sizeof *row), *ua = row + N, *ub = row + 2 * N;
    if (!row || !(w->refnorm > 0)) {
        free(row);
        return;
    }
    /* s(u) = int <x, ref - refbar> dt / refnorm is linear in the node values */
    for (size_t j = 0; j < w->ntst; j++) {
        double h = c->mesh[j + 1] - c->mesh[j];
        for (size_t i = 0; i < m; i++)
            for (size_t r = 0; r < n; r++) {
                double rv = 0.0;
                for (size_t k = 0; k <= m; k++) rv += w->L[i][k] * node(w, w->ref, j, k)[r];
                for (size_t k = 0; k <= m; k++)
                    row[(j * m + k) * n + r] += h * w->gw[i] * w->L[i][k] * (rv - w->refbar[r]) / w->refnorm;
            }
    }
    const double sig[2] = {0.02, 0.01};
    double *us[2] = {ua, ub};
    int stopped = c->stopped, ok = 1;
    c->stopped = 0;
    for (int q = 0; q < 2 && ok; q++) {
        if (sa < 0) { /* on the secant from the previous point (s = 1) to u (s = sa) */
            double lam = (1.0 - sig[q]) / (1.0 - sa);
            for (size_t i = 0; i < w->Nx; i++) us[q][i] = w->ref[i] + lam * (u[i] - w->ref[i]);
            us[q][w->Nx] = log(prev->period) + lam * (u[w->Nx] - log(prev->period));
            us[q][N - 1] = prev->par + lam * (u[N - 1] - prev->par);
        } else { /* the previous cycle shrunk about its mean, at the extrapolated p and T */
            for (size_t g = 0; g < w->nodes; g++)
                for (size_t r = 0; r < n; r++)
                    us[q][g * n + r] = w->refbar[r] + sig[q] * (w->ref[g * n + r] - w->refbar[r]);
            us[q][w->Nx] = log(w->hopf_T), us[q][N - 1] = w->hopf_p;
        }
        ok = cyc_newton_border(c, us[q], row, sig[q], 15, 1e-11, NULL) == ND_OK;
    }
    c->stopped = stopped;
    if (ok) {
        double m1[64], m2[64];
        cyc_cycle_mean(c, ua, m1);
        cyc_cycle_mean(c, ub, m2);
        w->hopf_p = (4 * ub[N - 1] - ua[N - 1]) / 3;
        w->hopf_T = (4 * exp(ub[w->Nx]) - exp(ua[w->Nx])) / 3;
        for (size_t r = 0; r < n; r++) w->hopf_x[r] = (4 * m2[r] - m1[r]) / 3;
    }
    w->level = 0, w->mu_valid = 0;
    free(row);
}

