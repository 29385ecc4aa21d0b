/* The branch a continuation builds: its points with their labels, its special points, why it
 * ended (in the curve's names: "V left its box -80:60 at I = 12.3"), and whether a given point
 * lies on it (nd_branch_contains: checked against the curve between the points). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static nd_status grow_points(nd_branch *b, nd_error *err)
{
    if (b->n < b->cap) return ND_OK;
    size_t cap = b->cap ? 2 * b->cap : 256;
    double *nu = realloc(b->u, cap * b->dim * sizeof *nu);
    if (!nu) return nd_fail(err, ND_ENOMEM, "continuation: no memory for %zu points", cap);
    b->u = nu;
    int *nl = realloc(b->label, cap * sizeof *nl);
    if (!nl) return nd_fail(err, ND_ENOMEM, "continuation: no memory for %zu points", cap);
    b->label = nl, b->cap = cap;
    return ND_OK;
}

nd_status cont_push_point(cont *w, nd_branch *b, const double *z)
{
    nd_status st = grow_points(b, w->err);
    if (st) return st;
    double *u = b->u + b->n * b->dim;
    cont_to_u(w, z, u);
    b->label[b->n++] = w->c->label ? w->c->label(w->c->ctx, u) : -1;
    return ND_OK;
}

nd_status nd_branch_add_special(nd_branch *b, int test, size_t after, const double *u, const double *data,
                                nd_error *err)
{
    if (b->n_special == b->special_cap) {
        size_t cap = b->special_cap ? 2 * b->special_cap : 8;
        nd_special_point *ns = realloc(b->special, cap * sizeof *ns);
        if (!ns) return nd_fail(err, ND_ENOMEM, "continuation: no memory for special points");
        b->special = ns, b->special_cap = cap;
    }
    double *copy = malloc(b->dim * sizeof *copy);
    if (!copy) return nd_fail(err, ND_ENOMEM, "continuation: no memory for special points");
    memcpy(copy, u, b->dim * sizeof *u);
    size_t at = b->n_special; /* kept in the order of `after` (a fold is reported late) */
    while (at > 0 && b->special[at - 1].after > after) at--;
    memmove(b->special + at + 1, b->special + at, (b->n_special - at) * sizeof *b->special);
    nd_special_point *sp = &b->special[at];
    memset(sp, 0, sizeof *sp);
    sp->u = copy;
    if (data) memcpy(sp->data, data, sizeof sp->data);
    sp->test = test, sp->after = after;
    b->n_special++;
    return ND_OK;
}

nd_status cont_push_special(cont *w, nd_branch *b, int test, size_t after, const double *z, const double *data)
{
    cont_to_u(w, z, w->u);
    return nd_branch_add_special(b, test, after, w->u, data, w->err);
}

void nd_branch_free(nd_branch *b)
{
    if (!b) return;
    for (size_t i = 0; i < b->n_special; i++) free(b->special[i].u);
    free(b->special);
    free(b->u);
    free(b->label);
    memset(b, 0, sizeof *b);
}

nd_status nd_branch_join(const nd_branch *back, const nd_branch *ahead, nd_branch *out, nd_error *err)
{
    memset(out, 0, sizeof *out);
    size_t dim = ahead->dim, nb = back->n, skip = ahead->n > 0 && nb > 0;
    out->dim = dim;
    size_t n = nb + ahead->n - skip;
    out->u = malloc((n ? n : 1) * dim * sizeof *out->u);
    out->label = malloc((n ? n : 1) * sizeof *out->label);
    if (!out->u || !out->label) {
        nd_branch_free(out);
        return nd_fail(err, ND_ENOMEM, "continuation: no memory to join two halves of %zu points", n);
    }
    out->cap = n ? n : 1;
    for (size_t i = 0; i < nb; i++) {
        memcpy(out->u + i * dim, back->u + (nb - 1 - i) * dim, dim * sizeof *out->u);
        out->label[i] = back->label[nb - 1 - i];
    }
    memcpy(out->u + nb * dim, ahead->u + skip * dim, (ahead->n - skip) * dim * sizeof *out->u);
    memcpy(out->label + nb, ahead->label + skip, (ahead->n - skip) * sizeof *out->label);
    out->n = n;
    nd_status st = ND_OK;
    /* a special point between back's points i and i+1 lies between nb-2-i and nb-1-i */
    for (size_t s = back->n_special; !st && s-- > 0;) {
        const nd_special_point *sp = &back->special[s];
        size_t after = nb >= 2 + sp->after ? nb - 2 - sp->after : 0;
        st = nd_branch_add_special(out, sp->test, after, sp->u, sp->data, err);
    }
    for (size_t s = 0; !st && s < ahead->n_special; s++) {
        const nd_special_point *sp = &ahead->special[s];
        st = nd_branch_add_special(out, sp->test, sp->after + nb - skip, sp->u, sp->data, err);
    }
    if (st) {
        nd_branch_free(out);
        return st;
    }
    out->stop = ahead->stop, out->stop_component = ahead->stop_component, out->stop_bound = ahead->stop_bound;
    memcpy(out->stop_reason, ahead->stop_reason, sizeof out->stop_reason);
    out->begin_stop = back->stop;
    memcpy(out->begin_reason, back->stop_reason, sizeof out->begin_reason);
    return ND_OK;
}

/* ---- the end in words ------------------------------------------------------------------------- */
static const char *name_of(const cont *w, size_t i, int *is_par, char *buf, size_t len)
{
    const nd_curve_type *c = w->c;
    const char *n = c->component_name ? c->component_name(c->ctx, i, is_par) : NULL;
    if (n) return n;
    *is_par = i == w->N - 1;
    snprintf(buf, len, "u[%zu]", i);
    return buf;
}

void cont_where(const cont *w, const double *z, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < w->N && used < len; i++) {
        char tmp[32];
        int is_par = 0;
        const char *n = name_of(w, i, &is_par, tmp, sizeof tmp);
        if (!is_par) continue;
        /* a value at rounding level against its scale is 0 ("phi = 0", not "phi = 8.67e-20") */
        double v = z[i] * w->s[i];
        if (fabs(z[i]) < 1e-12) v = 0.0;
        int k = snprintf(buf + used, len - used, "%s%s = %.6g", used ? ", " : "", n, v);
        if (k < 0) break;
        used += (size_t)k;
    }
}

void cont_end(cont *w, nd_branch *b, int stop, const double *z, size_t component, double bound, const char *extra)
{
    char where[96], tmp[32];
    cont_where(w, z, where, sizeof where);
    b->stop = stop;
    char *out = b->stop_reason;
    size_t len = sizeof b->stop_reason;
    switch (stop) {
    case ND_STOP_BOX: {
        int is_par = 0;
        const char *n = name_of(w, component, &is_par, tmp, sizeof tmp);
        b->stop_component = component, b->stop_bound = bound;
        double lo = w->o.lo[component], hi = w->o.hi[component];
        if (is_par) snprintf(out, len, "%s reached the end of its range %.6g:%.6g (%s)", n, lo, hi, where);
        else snprintf(out, len, "%s left its box %.6g:%.6g at %s", n, lo, hi, where);
        break;
    }
    case ND_STOP_BUDGET:
        snprintf(out, len, "stopped at the point budget (%zu points) at %s", w->o.max_points, where);
        break;
    case ND_STOP_STALLED:
        snprintf(out, len, "the corrector failed at the smallest step (%.3g) at %s: the curve turns sharply or "
                 "ends there", w->o.h_min, where);
        break;
    case ND_STOP_CLOSED: snprintf(out, len, "the curve closed on itself (back at %s)", where); break;
    default: snprintf(out, len, "%s", extra ? extra : ""); break;
    }
}

/* ---- whether a point lies on a branch ----------------------------------------------------------- */
int nd_branch_contains(const nd_curve_type *c, const nd_cont_opts *o, const nd_branch *b, const double *u, double tol)
{
    if (!c || !b || !u || b->n == 0 || b->dim != c->dim) return 0;
    if (!(tol > 0)) tol = 1e-6;
    cont w;
    if (cont_setup(&w, c, o, NULL)) return 0;
    size_t N = w.N;
    double *z = w.zz, *za = w.zf, *zb = w.vf, *d = w.vz, *x = w.zn;
    cont_to_z(&w, u, z);
    int found = 0;
    if (b->n == 1) {
        cont_to_z(&w, b->u, za);
        for (size_t i = 0; i < N; i++) d[i] = z[i] - za[i];
        found = cont_norm(d, N) <= tol;
    }
    for (size_t s = 0; !found && s + 1 < b->n; s++) {
        cont_to_z(&w, b->u + s * N, za);
        cont_to_z(&w, b->u + (s + 1) * N, zb);
        double L2 = 0.0, a = 0.0;
        for (size_t i = 0; i < N; i++) d[i] = zb[i] - za[i], L2 += d[i] * d[i], a += d[i] * (z[i] - za[i]);
        if (!(L2 > 0)) continue;
        double t = a / L2, tc = fmin(fmax(t, 0.0), 1.0), dist = 0.0, L = sqrt(L2);
        for (size_t i = 0; i < N; i++) dist += (za[i] + tc * d[i] - z[i]) * (za[i] + tc * d[i] - z[i]);
        if (sqrt(dist) > 0.25 * L + 10 * tol) continue;
        /* the curve's point in the hyperplane through z normal to the segment, from the segment */
        for (size_t i = 0; i < N; i++) d[i] /= L, x[i] = za[i] + t * L * d[i];
        if (cont_newton_border(&w, x, d, cont_dot(d, z, N)) < 0) continue;
        double e = 0.0;
        for (size_t i = 0; i < N; i++) e += (x[i] - z[i]) * (x[i] - z[i]);
        found = sqrt(e) <= tol;
    }
    cont_teardown(&w);
    return found;
}
