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

/* ---- the continuation with mesh adaptation ------------------------------------------------------------- */
static nd_status branch_append(nd_branch *out, const nd_branch *seg, size_t from, nd_error *err)
{
    size_t dim = seg->dim, add = seg->n > from ? seg->n - from : 0;
    if (out->n + add > out->cap) {
        size_t cap = out->cap ? out->cap : 256;
        while (cap < out->n + add) cap *= 2;
        double *nu = realloc(out->u, cap * dim * sizeof *nu);
        if (!nu) return nd_fail(err, ND_ENOMEM, "cycle continuation: no memory");
        out->u = nu;
        int *nl = realloc(out->label, cap * sizeof *nl);
        if (!nl) return nd_fail(err, ND_ENOMEM, "cycle continuation: no memory");
        out->label = nl, out->cap = cap;
    }
    size_t base = out->n; /* seg point from maps to base; seg point 0 maps to base - from */
    memcpy(out->u + out->n * dim, seg->u + from * dim, add * dim * sizeof *out->u);
    memcpy(out->label + out->n, seg->label + from, add * sizeof *out->label);
    out->n += add;
    for (size_t i = 0; i < seg->n_special; i++) {
        if (out->n_special == out->special_cap) {
            size_t cap = out->special_cap ? 2 * out->special_cap : 8;
            nd_special_point *ns = realloc(out->special, cap * sizeof *ns);
            if (!ns) return nd_fail(err, ND_ENOMEM, "cycle continuation: no memory");
            out->special = ns, out->special_cap = cap;
        }
        nd_special_point *sp = &out->special[out->n_special];
        *sp = seg->special[i];
        sp->u = malloc(dim * sizeof *sp->u);
        if (!sp->u) return nd_fail(err, ND_ENOMEM, "cycle continuation: no memory");
        memcpy(sp->u, seg->special[i].u, dim * sizeof *sp->u);
        sp->after = base + seg->special[i].after - from;
        out->n_special++;
    }
    return ND_OK;
}

/* Adds one special point (a copy of u, dim values) to out, after point `after`. */
static nd_status push_special_point(nd_branch *out, int test, size_t after, const double *u, const double *data,
                                    nd_error *err)
{
    if (out->n_special == out->special_cap) {
        size_t cap = out->special_cap ? 2 * out->special_cap : 8;
        nd_special_point *ns = realloc(out->special, cap * sizeof *ns);
        if (!ns) return nd_fail(err, ND_ENOMEM, "cycle continuation: no memory");
        out->special = ns, out->special_cap = cap;
    }
    nd_special_point *sp = &out->special[out->n_special];
    sp->u = malloc(out->dim * sizeof *sp->u);
    if (!sp->u) return nd_fail(err, ND_ENOMEM, "cycle continuation: no memory");
    memcpy(sp->u, u, out->dim * sizeof *sp->u);
    memcpy(sp->data, data, sizeof sp->data);
    sp->test = test, sp->after = after;
    out->n_special++;
    return ND_OK;
}

/* A PD or NS zero within the discretisation error of the point where two runs meet can change
 * sign with the mesh adaptation there and be seen by neither run: compare the test functions
 * on the old and the new mesh at that point, and report such a zero at the point itself. */
static nd_status junction_zeros(nd_cycle_curve *c, nd_branch *out, const double *psi_old, const double *x,
                                const double *tx, double *u, nd_error *err)
{
    cw *w = W(c);
    double psi[ND_CONT_MAX_TESTS], data[ND_CONT_DATA];
    if (cyc_tests(c, x, tx, NULL, psi, NULL)) return ND_OK;
    const int tests[2] = {ND_CYC_PD, ND_CYC_NS};
    for (int i = 0; i < 2; i++) {
        int k = tests[i];
        if (!(psi_old[k] * psi[k] < 0)) continue;
        memset(data, 0, sizeof data);
        if (!cyc_accept(c, k, x, tx, data)) continue;
        cyc_to_u(w, x, u);
        nd_status st = push_special_point(out, k, out->n ? out->n - 1 : 0, u, data, err);
        if (st) return st;
    }
    return ND_OK;
}

/* Drops the last point of out (and its record), with the special points after it. */
static void drop_last(nd_cycle_curve *c, nd_branch *out)
{
    if (!out->n) return;
    out->n--;
    cyc_records_drop(c, c->n_info - 1);
    while (out->n_special && out->special[out->n_special - 1].after >= out->n) {
        if (out->special[out->n_special - 1].test == ND_CYC_H && out->n) {
            out->special[out->n_special - 1].after = out->n - 1; /* keep the Hopf end */
            break;
        }
        free(out->special[--out->n_special].u);
    }
}

/* The Hopf point a branch ended at, as its last special point: u = the equilibrium (the
 * extrapolated mean of the cycles) as a constant cycle, with the extrapolated T and p. */
static nd_status add_hopf_end(nd_cycle_curve *c, nd_branch *out, nd_error *err)
{
    cw *w = W(c);
    size_t N = w->N;
    if (out->n_special == out->special_cap) {
        size_t cap = out->special_cap ? 2 * out->special_cap : 8;
        nd_special_point *ns = realloc(out->special, cap * sizeof *ns);
        if (!ns) return nd_fail(err, ND_ENOMEM, "cycle continuation: no memory");
        out->special = ns, out->special_cap = cap;
    }
    nd_special_point *sp = &out->special[out->n_special];
    memset(sp, 0, sizeof *sp);
    sp->u = malloc(N * sizeof *sp->u);
    if (!sp->u) return nd_fail(err, ND_ENOMEM, "cycle continuation: no memory");
    for (size_t g = 0; g < w->nodes; g++) memcpy(sp->u + g * w->n, w->hopf_x, w->n * sizeof *sp->u);
    sp->u[w->Nx] = log(w->hopf_T), sp->u[N - 1] = w->hopf_p;
    cyc_to_u(w, sp->u, sp->u);
    sp->test = ND_CYC_H, sp->after = out->n - 1;
    sp->data[0] = w->hopf_T, sp->data[1] = w->hopf_p;
    out->n_special++;
    return ND_OK;
}

nd_status nd_cycle_continue(nd_cycle_curve *c, const double *u0, const double *v0, const nd_cont_opts *o,
                            nd_branch *out, nd_error *err)
{
    if (!out) return nd_fail(err, ND_EINVAL, "cycle continuation: branch is NULL");
    memset(out, 0, sizeof *out);
    if (!c || !c->work || !u0) return nd_fail(err, ND_EINVAL, "cycle continuation: needs a curve and u0");
    cw *w = W(c);
    size_t N = w->N;
    nd_cont_opts opts, d;
    nd_cont_opts_init(&d);
    if (o) opts = *o;
    else opts = d;
    if (!(opts.h0 > 0)) opts.h0 = d.h0;
    if (!(opts.h_max > 0)) opts.h_max = d.h_max;
    if (!opts.max_points) opts.max_points = d.max_points;
    double *u = malloc(6 * N * sizeof *u);
    if (!u) return nd_fail(err, ND_ENOMEM, "cycle continuation: no memory");
    double *v = u + N, *ub = u + 2 * N, *vb = u + 3 * N, *xb = u + 4 * N, *tb = u + 5 * N;
    double *mesh_b = malloc((w->ntst + 1) * sizeof *mesh_b);
    if (!mesh_b) {
        free(u);
        return nd_fail(err, ND_ENOMEM, "cycle continuation: no memory");
    }
    memcpy(u, u0, N * sizeof *u);
    /* the reference the caller's from_* set stays; records restart */
    cyc_records_clear(c);
    c->stopped = ND_CYC_RUNNING, c->stop_reason[0] = '\0';
    w->T_first = 0.0, w->nh = 0, w->amp_max = 0.0, w->restart = 0;
    nd_status st = ND_OK;
    if (v0) {
        memcpy(v, v0, N * sizeof *v);
    } else {
        double *r = calloc(N, sizeof *r);
        if (!r) st = nd_fail(err, ND_ENOMEM, "cycle continuation: no memory");
        else {
            r[N - 1] = opts.direction < 0 ? -1.0 : 1.0; /* the same in x and u (scale 1) */
            cyc_to_x(w, u, ub);
            st = cyc_tangent_at(c, ub, r, v, err);
            if (!st) cyc_tangent_to_u(w, v, v);
            free(r);
        }
    }
    out->dim = N;
    double h0 = opts.h0;
    size_t every = c->adapt_every ? c->adapt_every : (size_t)-1 / 2;
    int first = 1, retried = 0;
    while (!st) {
        size_t have = out->n;
        size_t budget = opts.max_points > have ? opts.max_points - have : 0;
        if (!budget) {
            snprintf(out->stop_reason, sizeof out->stop_reason, "reached the point budget of %zu", opts.max_points);
            break;
        }
        nd_cont_opts so = opts;
        so.h0 = h0;
        so.max_points = (first ? 0 : 1) + (budget < every ? budget : every);
        if (first && so.max_points < 1) so.max_points = 1;
        size_t rec0 = c->n_info;
        w->restart = !first;
        nd_branch seg;
        nd_error serr;
        nd_status ss = nd_continue(&c->type, u, v, &so, &seg, &serr);
        if (ss) {
            if (first) {
                st = ss;
                if (err) *err = serr;
                break;
            }
            /* the restart after the mesh adaptation failed: go back to the old mesh once */
            while (c->n_info > rec0) cyc_records_drop(c, c->n_info - 1);
            if (!retried) {
                retried = 1;
                memcpy(c->mesh, mesh_b, (w->ntst + 1) * sizeof *c->mesh);
                cyc_mesh_changed(c);
                memcpy(u, ub, N * sizeof *u), memcpy(v, vb, N * sizeof *v);
                cyc_to_x(w, u, w->unew);
                cyc_set_reference(c, w->unew);
                continue;
            }
            snprintf(out->stop_reason, sizeof out->stop_reason, "the corrector failed after a mesh adaptation: %.100s",
                     serr.msg);
            break;
        }
        retried = 0;
        if (!first && c->n_info > rec0) cyc_records_drop(c, rec0); /* the restart point repeats the last one */
        st = branch_append(out, &seg, first ? 0 : 1, err);
        int budget_stop = strncmp(seg.stop_reason, "reached the point budget", 24) == 0;
        if (!budget_stop || c->stopped) snprintf(out->stop_reason, sizeof out->stop_reason, "%s", seg.stop_reason);
        size_t sn = seg.n;
        if (!st && !c->stopped && budget_stop && sn >= 2) {
            /* next run: tangent at the last point from the secant, then the new mesh */
            const double *ul = seg.u + (sn - 1) * N, *up = seg.u + (sn - 2) * N;
            double *sec = ub, *x = xb, *tx = tb; /* scratch */
            for (size_t i = 0; i < N; i++) sec[i] = ul[i] - up[i];
            double hs = cyc_vnorm(sec, N);
            for (size_t i = 0; i < N; i++) sec[i] /= hs;
            /* the tangent in x: J_x t = 0 with (S sec) . t = 1 */
            cyc_to_x(w, up, x);
            cyc_set_reference(c, x); /* the phase of the last point was fixed against the one before */
            cyc_to_x(w, ul, x);
            for (size_t i = 0; i < N; i++) w->vs[i] = sec[i] * w->sc[i];
            nd_status ts = cyc_tangent_at(c, x, w->vs, tx, NULL);
            if (ts) cyc_to_x(w, sec, tx);
            memcpy(ub, ul, N * sizeof *u);
            if (ts) memcpy(vb, sec, N * sizeof *v);
            else cyc_tangent_to_u(w, tx, vb);
            memcpy(mesh_b, c->mesh, (w->ntst + 1) * sizeof *c->mesh);
            double psi_old[ND_CONT_MAX_TESTS];
            int have_psi = !cyc_tests(c, x, tx, NULL, psi_old, NULL);
            cyc_adapt(c, x, tx, 0.0);
            cyc_set_reference(c, x);
            if (have_psi) st = junction_zeros(c, out, psi_old, x, tx, u, err);
            cyc_to_u(w, x, u);
            cyc_tangent_to_u(w, tx, v);
            h0 = fmin(1.3 * hs, opts.h_max);
            if (!(h0 > 0)) h0 = opts.h0;
        } else if (!st && !c->stopped && budget_stop) {
            snprintf(out->stop_reason, sizeof out->stop_reason, "%s", seg.stop_reason);
            nd_branch_free(&seg);
            break;
        }
        nd_branch_free(&seg);
        first = 0;
        if (st || c->stopped || !budget_stop) break;
    }
    if (!st && c->stopped) {
        snprintf(out->stop_reason, sizeof out->stop_reason, "%s", c->stop_reason);
        if (c->stopped == ND_CYC_STOP_HOPF && out->n > 1) {
            drop_last(c, out);
            if (!(out->n_special && out->special[out->n_special - 1].test == ND_CYC_H))
                st = add_hopf_end(c, out, err);
        }
    }
    free(u);
    free(mesh_b);
    if (st) {
        nd_branch_free(out);
        out->dim = N;
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
