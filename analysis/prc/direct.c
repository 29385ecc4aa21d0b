/* The PRC by direct perturbation, to check the adjoint method (Ermentrout & Terman 2010,
 * Mathematical Foundations of Neuroscience, sec. 8.1; Izhikevich 2007, Dynamical Systems in
 * Neuroscience, sec. 10.1.3).
 *
 * At phase theta the cycle's state gamma(theta) is kicked by +delta and by -delta in one variable
 * (delta = eps times the variable's range on the cycle) and integrated for K whole periods
 * (rkdp, rtol 1e-11), K chosen so that the slowest transverse deviation has decayed by 1e-8
 * (|mu|^K <= 1e-8, mu the largest non-trivial Floquet multiplier; 3 <= K <= 400). The end state
 * then lies on the cycle to that accuracy, and its phase psi is that of the nearest point of the
 * collocation cycle (Gauss–Newton along the orbit). The phase shift (in time, advance positive) is
 * (psi - theta) T wrapped into (-T/2, T/2]; the PRC is (shift(+delta) - shift(-delta)) / (2 delta):
 * the central difference cancels the O(delta) nonlinearity and any drift that both runs share
 * (the integrator's period against the collocation period). Its error is O(delta^2) plus the
 * integration error over K periods divided by delta. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/integrate.h"
#include "internal.h"

static nd_status shift_after_kick(const prc_cycle *pc, double theta, int var, double kick, size_t K, double *x,
                                  double *work, double *shift, nd_error *err)
{
    prc_cycle_at(pc, theta, x);
    x[var] += kick;
    nd_solve_opts so;
    nd_solve_opts_init(&so);
    so.method = "rkdp";
    so.rtol = 1e-11, so.atol = 1e-13;
    so.dt_out = (double)K * pc->T;
    /* the drift only: a stochastic model's cycle is its deterministic part's */
    nd_model_system ms;
    nd_system_from_model(&ms, pc->m, pc->p);
    nd_status st = nd_solve_system(&ms.sys, 0.0, (double)K * pc->T, x, &so, NULL, err);
    if (st) return st;
    double psi = prc_cycle_phase_of(pc, x, theta, work), d = psi - theta;
    d -= floor(d + 0.5);
    *shift = d * pc->T;
    return ND_OK;
}

nd_status prc_direct(const prc_cycle *pc, const nd_prc_opts *o, nd_prc *out, nd_error *err)
{
    size_t n = pc->n, nd = o->n_direct;
    size_t K = 3;
    if (pc->mu_max > 0 && pc->mu_max < 1) {
        double k = ceil(log(1e-8) / log(pc->mu_max));
        K = k < 3 ? 3 : k > 400 ? 400 : (size_t)k;
    } else if (pc->mu_max >= 1) {
        K = 400;
    }
    out->periods = K;
    out->theta_direct = malloc(nd * sizeof *out->theta_direct);
    out->x_direct = malloc(nd * n * sizeof *out->x_direct);
    out->z_direct = malloc(nd * n * sizeof *out->z_direct);
    double *x = malloc(3 * n * sizeof *x);
    if (!out->theta_direct || !out->x_direct || !out->z_direct || !x) {
        free(x);
        return nd_fail(err, ND_ENOMEM, "PRC: no memory for the direct method");
    }
    out->n_direct = nd;
    nd_status st = ND_OK;
    for (size_t i = 0; i < nd && !st; i++) {
        double theta = (double)i / (double)nd;
        out->theta_direct[i] = theta;
        prc_cycle_at(pc, theta, out->x_direct + i * n);
        for (size_t v = 0; v < n && !st; v++) {
            double *z = &out->z_direct[i * n + v];
            *z = NAN;
            if (o->var >= 0 && (size_t)o->var != v) continue;
            double scale = pc->range[v] > 0 ? pc->range[v] : fmax(1.0, fabs(out->x_direct[i * n + v]));
            double delta = o->eps * scale, up, down;
            st = shift_after_kick(pc, theta, (int)v, delta, K, x, x + n, &up, err);
            if (!st) st = shift_after_kick(pc, theta, (int)v, -delta, K, x, x + n, &down, err);
            if (!st) *z = (up - down) / (2 * delta);
        }
    }
    free(x);
    return st;
}
