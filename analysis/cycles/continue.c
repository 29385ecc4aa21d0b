/* Cycle branches with mesh adaptation between runs of the continuer, and the cycle at a given
 * parameter value. */
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

/* Drops the last point of out (and its record), with the special points after it. */
static void drop_last(nd_cycle_curve *c, nd_branch *out)
{
    if (!out->n) return;
    out->n--;
    cyc_records_drop(c, c->n_info - 1);
    while (out->n_special && out->special[out->n_special - 1].after >= out->n)
        free(out->special[--out->n_special].u);
}

/* The Hopf point a branch ended at, as its last special point: u = the equilibrium (the
 * extrapolated mean of the cycles) as a constant cycle, with the extrapolated T and p. */
static nd_status add_hopf_end(nd_cycle_curve *c, nd_branch *out, nd_error *err)
{
    cw *w = W(c);
    size_t N = w->N;
    double *u = malloc(N * sizeof *u), data[ND_CONT_DATA] = {w->hopf_T, w->hopf_p};
    if (!u) return nd_fail(err, ND_ENOMEM, "cycle continuation: no memory");
    for (size_t g = 0; g < w->nodes; g++) memcpy(u + g * w->n, w->hopf_x, w->n * sizeof *u);
    u[w->Nx] = log(w->hopf_T), u[N - 1] = w->hopf_p;
    cyc_to_u(w, u, u);
    nd_status st = nd_branch_add_special(out, ND_CYC_H, out->n - 1, u, data, err);
    free(u);
    return st;
}

nd_status nd_cycle_continue(nd_cycle_curve *c, const double *u0, const double *v0, const nd_cont_opts *o,
                            nd_branch *out, nd_error *err)
{
    if (!out) return nd_fail(err, ND_EINVAL, "cycle continuation: branch is NULL");
    memset(out, 0, sizeof *out);
    if (!c || !c->work || !u0) return nd_fail(err, ND_EINVAL, "cycle continuation: needs a curve and u0");
    cw *w = W(c);
    /* the reference the caller's from_* set stays; records restart */
    cyc_records_clear(c);
    c->stopped = ND_CYC_RUNNING, c->stop_reason[0] = '\0';
    w->T_first = 0.0, w->nh = 0, w->amp_max = 0.0, w->moved = 0, w->gap_prev = INFINITY, w->gap_seen = 0.0;
    c->type.adapt_every = c->adapt_every;
    nd_status st = nd_continue(&c->type, u0, v0, o, out, err);
    if (!st && c->stopped == ND_CYC_STOP_HOPF && out->n > 1) {
        drop_last(c, out);
        st = add_hopf_end(c, out, err);
        if (st) nd_branch_free(out);
    }
    return st;
}

/* ---- the cycle at a given parameter value ---------------------------------------------------------------- */
nd_status nd_cycle_curve_at(nd_cycle_curve *c, const nd_branch *b, double value, double *u, const nd_cycle_info **info,
                            nd_error *err)
{
    if (!c || !c->work || !b || !u) return nd_fail(err, ND_EINVAL, "cycle curve: at() needs a curve, a branch and u");
    cw *w = W(c);
    size_t N = w->N;
    if (b->dim != N || b->n != c->n_info || b->n < 1)
        return nd_fail(err, ND_EINVAL, "cycle curve: the branch (%zu points of dimension %zu) does not match the "
                       "curve's records (%zu, dimension %zu)", b->n, b->dim, c->n_info, N);
    size_t pick = (size_t)-1;
    for (size_t i = 0; i + 1 < b->n && pick == (size_t)-1; i++) {
        double a = b->u[i * N + N - 1] - value, e = b->u[(i + 1) * N + N - 1] - value;
        if (a == 0 || a * e < 0) pick = fabs(a) <= fabs(e) ? i : i + 1;
    }
    if (pick == (size_t)-1 && b->u[(b->n - 1) * N + N - 1] == value) pick = b->n - 1;
    if (pick == (size_t)-1) return nd_fail(err, ND_EINVAL, "cycle curve: the branch does not reach p = %g", value);
    memcpy(c->mesh, c->info[pick].mesh, (w->ntst + 1) * sizeof *c->mesh);
    cyc_mesh_changed(c);
    cyc_to_x(w, b->u + pick * N, u);
    cyc_set_reference(c, u);
    u[N - 1] = value;
    int stopped = c->stopped;
    c->stopped = 0;
    nd_status st = cyc_newton_fixed(c, u, 30, 1e-12, err);
    c->stopped = stopped;
    if (!st) st = cyc_describe_into(c, u, &w->scratch, err);
    if (!st && info) *info = &w->scratch;
    cyc_to_u(w, u, u);
    return st;
}
