/* Per accepted point of a cycle branch: the record (period, extrema, multipliers, stability,
 * mesh) and the stopping rules (Hopf point reached, period without bound). */
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

/* ---- describing a point ------------------------------------------------------------------------------ */
nd_status cyc_describe_into(nd_cycle_curve *c, const double *u, nd_cycle_info *in, nd_error *err)
{
    cw *w = W(c);
    size_t n = w->n;
    nd_status st = cyc_floquet(c, u, err);
    if (st) return st;
    in->par = u[w->N - 1];
    in->period = exp(u[w->Nx]);
    cyc_extrema(c, u, in->xmax, in->xmin);
    in->amplitude = 0.0;
    for (size_t r = 0; r < n; r++) in->amplitude = fmax(in->amplitude, in->xmax[r] - in->xmin[r]);
    memcpy(in->mu_re, w->mu_re, n * sizeof *in->mu_re);
    memcpy(in->mu_im, w->mu_im, n * sizeof *in->mu_im);
    in->trivial_dev = cabs(w->mu_re[0] + I * w->mu_im[0] - 1.0);
    in->stable = 1;
    for (size_t a = 1; a < n; a++)
        if (!(hypot(w->mu_re[a], w->mu_im[a]) < 1.0)) in->stable = 0;
    memcpy(in->mesh, c->mesh, (w->ntst + 1) * sizeof *in->mesh);
    return ND_OK;
}

static size_t info_doubles(const nd_cycle_curve *c) { return 4 * c->k + c->ntst + 1; }

void cyc_info_attach(const nd_cycle_curve *c, nd_cycle_info *in, double *mem)
{
    size_t k = c->k;
    in->xmax = mem, in->xmin = mem + k, in->mu_re = mem + 2 * k, in->mu_im = mem + 3 * k, in->mesh = mem + 4 * k;
}

void cyc_records_clear(nd_cycle_curve *c)
{
    for (size_t i = 0; i < c->n_info; i++) free(c->info[i].xmax);
    c->n_info = 0;
}

void cyc_records_drop(nd_cycle_curve *c, size_t i)
{
    if (i >= c->n_info) return;
    free(c->info[i].xmax);
    memmove(c->info + i, c->info + i + 1, (c->n_info - i - 1) * sizeof *c->info);
    c->n_info--;
}

static nd_cycle_info *records_push(nd_cycle_curve *c)
{
    if (c->n_info == c->info_cap) {
        size_t cap = c->info_cap ? 2 * c->info_cap : 256;
        nd_cycle_info *ni = realloc(c->info, cap * sizeof *ni);
        if (!ni) return NULL;
        c->info = ni, c->info_cap = cap;
    }
    double *mem = malloc(info_doubles(c) * sizeof *mem);
    if (!mem) return NULL;
    nd_cycle_info *in = &c->info[c->n_info];
    cyc_info_attach(c, in, mem);
    c->n_info++;
    return in;
}

const nd_cycle_info *nd_cycle_curve_info(const nd_cycle_curve *c, size_t i)
{
    return c && i < c->n_info ? &c->info[i] : NULL;
}

nd_status nd_cycle_curve_describe(nd_cycle_curve *c, const double *u, const nd_cycle_info **info, nd_error *err)
{
    if (!c || !c->work || !u) return nd_fail(err, ND_EINVAL, "cycle curve: describe needs a curve and a point");
    cw *w = W(c);
    double *x = malloc(w->N * sizeof *x);
    if (!x) return nd_fail(err, ND_ENOMEM, "cycle curve: no memory");
    for (size_t i = 0; i < w->N; i++) x[i] = u[i] / w->sc[i];
    nd_status st = cyc_describe_into(c, x, &w->scratch, err);
    free(x);
    if (!st && info) *info = &w->scratch;
    return st;
}


/* ---- per accepted point: record, stopping rules, new phase reference ----------------------------- */
static void stop(nd_cycle_curve *c, int why, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void stop(nd_cycle_curve *c, int why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    c->stopped = why;
    vsnprintf(c->stop_reason, sizeof c->stop_reason, fmt, ap);
    va_end(ap);
}

int cyc_label(void *ctx, const double *u)
{
    nd_cycle_curve *c = ctx;
    cw *w = W(c);
    double sa = w->have_ref ? cyc_signed_amplitude(c, u) : 1.0;
    nd_cycle_info *in = records_push(c);
    int label = -1;
    if (in) {
        if (cyc_describe_into(c, u, in, NULL)) {
            /* keep the record (period and parameter are known), mark the rest unknown */
            in->par = u[w->N - 1], in->period = exp(u[w->Nx]), in->amplitude = NAN, in->trivial_dev = NAN, in->stable = -1;
            for (size_t r = 0; r < c->k; r++)
                in->xmax[r] = in->xmin[r] = in->mu_re[r] = in->mu_im[r] = NAN;
            memcpy(in->mesh, c->mesh, (c->ntst + 1) * sizeof *in->mesh);
        }
        label = in->stable;
    }
    double T = exp(u[w->Nx]), par = u[w->N - 1];
    if (w->nh == 0) w->T_first = T, w->par_first = par, w->amp_first = in ? in->amplitude : NAN;
    /* history of the accepted points */
    hist *hnew = &w->h[w->nh % 3];
    hnew->par = par, hnew->T = T, hnew->amp = in ? in->amplitude : NAN;
    w->nh++;
    if (in && in->amplitude > w->amp_max) w->amp_max = in->amplitude;
    if (fabs(par - w->par_first) > 1e-9 * fmax(1.0, fabs(w->par_first))) w->moved = 1;
    const char *pn = c->m->par_names[c->par];
    if (!c->stopped && in && w->nh >= 2 && c->n_info >= 2) {
        const nd_cycle_info *prev = &c->info[c->n_info - 2];
        int across = sa < 0, bounce = 0;
        if (w->nh >= 3) {
            const hist *h0 = &w->h[(w->nh - 3) % 3], *h1 = &w->h[(w->nh - 2) % 3], *h2 = hnew;
            /* the amplitude has a small local minimum where the parameter turns back: the step
             * bounced off a Hopf point instead of passing through it */
            bounce = h1->amp < h0->amp && h2->amp > h1->amp && h1->amp < 0.5 * w->amp_max &&
                     (h2->par - h1->par) * (h1->par - h0->par) < 0;
        }
        if (across || bounce) {
            cyc_hopf_end(c, u, sa, prev, in);
            stop(c, ND_CYC_STOP_HOPF, "the cycles shrink to the equilibrium: the branch ends at the Hopf point at %s = "
                 "%.10g (period there %.8g)", pn, w->hopf_p, w->hopf_T);
        }
    }
    if (!c->stopped && in && w->from_hopf && !w->moved && w->nh >= 4 && in->amplitude > 10 * w->amp_first)
        stop(c, ND_CYC_STOP_CENTRE, "a family of closed orbits at %s = %.6g (a centre: the amplitude grows from "
             "%.3g to %.3g with %s fixed), not continued", pn, par, w->amp_first, in->amplitude, pn);
    if (!c->stopped && w->T_first > 0 && T > c->period_factor * w->T_first) {
        stop(c, ND_CYC_STOP_PERIOD, "the period grows without bound near %s = %.10g: a homoclinic orbit or SNIC "
             "(T = %.6g, %.3g times the period at the start)", pn, par, T, T / w->T_first);
    }
    if (!c->stopped && in && c->n_info >= 3) {
        /* the period doubled while the parameter stalled and the orbit kept its size (a canard
         * explosion also has the parameter stall, but the orbit grows) */
        for (size_t i = c->n_info - 1; i-- > 0;) {
            if (c->info[i].period <= 0.5 * T) {
                if (fabs(par - c->info[i].par) <= c->stall_tol * fmax(1.0, fabs(par)) &&
                    fabs(in->amplitude - c->info[i].amplitude) <= 0.1 * in->amplitude)
                    stop(c, ND_CYC_STOP_PERIOD, "the period grows without bound near %s = %.10g: a homoclinic orbit "
                         "or SNIC (T = %.6g, doubled while %s moved by %.2g)", pn, par, T, pn,
                         fabs(par - c->info[i].par));
                break;
            }
        }
    }
    if (!c->stopped && in && !w->from_hopf) {
        /* approaching the period doubling of the cycle of half the period, x(t + T/2) - x(t)
         * shrinks like sqrt(p - p_PD): extrapolated from the last two points (a branch born at a
         * Hopf point is a primary cycle and cannot meet one run twice) */
        double gap = cyc_half_period_gap(c, u);
        /* a branch switched at a PD begins next to it, its gap small and growing: the rule
         * applies once it has moved away (a gap of 0.05 seen) */
        w->gap_seen = fmax(w->gap_seen, gap);
        int armed = !w->from_pd || w->gap_seen > 0.05;
        /* a step across that period doubling (the gap never small at a point): the antiperiodic
         * part flips its sign (a doubled branch between two PDs of one cycle, a bubble, would
         * otherwise run round and round) */
        if (w->from_pd && w->nh >= 2 && cyc_antiperiodic_dot(c, u) < 0) {
            double at = w->gap_prev + gap > 0 ? (par * w->gap_prev + w->par_prev * gap) / (w->gap_prev + gap) : par;
            stop(c, ND_CYC_STOP_DOUBLED, "the cycle becomes the cycle of half its period run twice: the branch ends at "
                 "that cycle's period doubling at %s = %.10g (period there %.8g; the last step crossed it)", pn, at,
                 0.5 * T);
        } else if (armed && w->nh >= 2 && gap < 0.02 && gap < w->gap_prev) {
            double g1 = w->gap_prev * w->gap_prev, g2 = gap * gap;
            double at = g1 > g2 ? (par * g1 - w->par_prev * g2) / (g1 - g2) : par;
            stop(c, ND_CYC_STOP_DOUBLED, "the cycle becomes the cycle of half its period run twice: the branch ends at "
                 "that cycle's period doubling at %s = %.10g (period there %.8g)", pn, at, 0.5 * T);
        }
        w->gap_prev = gap, w->par_prev = par;
    }
    if (!c->stopped && in && c->region.lo && c->region.hi) {
        for (size_t r = 0; r < c->k && !c->stopped; r++) {
            size_t v = c->free_idx[r];
            double lo = c->region.lo[v], hi = c->region.hi[v], slack = 1e-6 * (hi - lo);
            if (in->xmax[r] > hi + slack || in->xmin[r] < lo - slack)
                stop(c, ND_CYC_STOP_BOX, "the orbit left the box: %s reaches %.6g (box %.6g:%.6g) at %s = %.10g",
                     c->m->var_names[v], in->xmax[r] > hi + slack ? in->xmax[r] : in->xmin[r], lo, hi, pn, par);
        }
    }
    cyc_set_reference(c, u);
    return label;
}

