/* Nullclines of a two-dimensional slice traced as curves (see phase_plane.c for slices).
 *
 * Nullclines. {F = 0}, F(X, Y) = f_var, is traced by pseudo-arclength continuation in
 * box-normalised coordinates u = (X - loX)/(hiX - loX), v = (Y - loY)/(hiY - loY), so that a
 * step means the same fraction of the picture in both directions whatever the units (mV and a
 * gating variable in [0, 1], say). In these coordinates the box diagonal is sqrt(2).
 *   - Seeds: sign changes of F along the edges of a res x res grid (res + 1 nodes a side),
 *     located by a safeguarded Newton iteration along the edge (bisection whenever Newton would
 *     leave the bracket). A node where F is exactly zero is a seed too.
 *   - Step: tangent (-F_v, F_u)/|grad F| oriented along the direction of travel, Euler
 *     predictor of length h, then Newton along the gradient, z <- z - F grad/|grad|^2 (the
 *     minimum-distance correction), at most 12 iterations, never farther than h from the
 *     predictor. The gradient is the row `var` of nd_jacobian (analytic or finite differences).
 *   - Tolerance: |F| <= 1e-10 max(1, scale) where scale is the median of |f_var| over the seed
 *     grid nodes: a typical magnitude of f_var in the box, hence of its terms, which cancel on
 *     the nullcline. Once a point meets it, one more Newton step is taken when it lowers |F|,
 *     so that points are in practice at rounding level (about 1e-15 for FitzHugh–Nagumo, whose
 *     scale is about 2).
 *   - Step control: h starts at min(diag/500, 0.5/res) and grows by 1.2 up to
 *     min(diag/100, 2/res) after an easy step (Newton in <= 3 iterations, turn < 5 degrees);
 *     it is halved when Newton fails or the curve turns by more than 10 degrees over a step,
 *     down to 1e-9, where the piece ends (a singular point such as a crossing of two branches,
 *     or a region where the RHS is not finite). Folds (F_v = 0 or F_u = 0) need no care.
 *   - A piece ends at the box, with the exact boundary point added (intersection of the last
 *     chord with the edge, then Newton along the edge), or when it closes: after moving more
 *     than 3 h away from its seed it comes back within h of it (or its last chord passes within
 *     0.1 h of it) with a tangent pointing the same way. A closed curve repeats its first point
 *     at the end.
 *   - Each seed is traced in both directions unless it lies within 0.25/res of a piece already
 *     traced (distance to the polyline, found through a bucket grid), so each piece is traced
 *     once. The chords stay within h * 10deg / 8 < 0.05/res of the curve, far below that.
 *   - At most ND_NULLCLINE_MAX_POINTS points in all: beyond it an error is returned. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define ND_NULLCLINE_MAX_POINTS 200000
#define ND_NULLCLINE_MAX_RES 10000
/* ---- nullclines ------------------------------------------------------------------------------ */
typedef struct pt2 {
    double u, v;
} pt2;

typedef struct ptbuf {
    pt2 *p;
    size_t n, cap;
} ptbuf;

typedef struct seg_ref {
    int piece, idx; /* segment idx -> idx + 1 of piece */
    int next;
} seg_ref;

typedef struct tracer {
    const nd_model *m;
    const double *p;
    size_t n;
    int var, ix, iy;
    double lo[2], w[2];
    double *s, *f, *J; /* full state, RHS, Jacobian */
    double tol;
    double h0, hmax, hmin, cover;
    size_t total, cap_total;
    int over_cap;
    /* traced pieces (normalised coordinates) */
    ptbuf *pieces;
    int *closed;
    size_t n_pieces, cap_pieces;
    /* bucket grid of segments */
    int nb;
    double hb;
    int *head;
    seg_ref *segs;
    size_t n_segs, cap_segs;
} tracer;

static int set_state(tracer *t, const double z[2])
{
    t->s[t->ix] = t->lo[0] + z[0] * t->w[0];
    t->s[t->iy] = t->lo[1] + z[1] * t->w[1];
    return isfinite(t->s[t->ix]) && isfinite(t->s[t->iy]);
}

/* F at z; with G, also its gradient in normalised coordinates. 0 when finite. */
static int eval_F(tracer *t, const double z[2], double *F, double G[2])
{
    if (!set_state(t, z)) return -1;
    t->m->rhs(0.0, t->s, t->p, t->f);
    *F = t->f[t->var];
    if (!isfinite(*F)) return -1;
    if (!G) return 0;
    if (nd_jacobian(t->m, 0.0, t->s, t->p, t->J, NULL)) return -1;
    size_t row = (size_t)t->var * t->n;
    G[0] = t->J[row + (size_t)t->ix] * t->w[0];
    G[1] = t->J[row + (size_t)t->iy] * t->w[1];
    return isfinite(G[0]) && isfinite(G[1]) ? 0 : -1;
}

/* Newton along the gradient from z (in place). Returns the iterations used, or -1. */
static int correct(tracer *t, double z[2], double maxdist, double G[2])
{
    double z0[2] = {z[0], z[1]}, F;
    for (int it = 1; it <= 12; it++) {
        if (eval_F(t, z, &F, G)) return -1;
        double g2 = G[0] * G[0] + G[1] * G[1];
        if (!(g2 > 0) || !isfinite(g2)) return -1;
        if (fabs(F) <= t->tol) {
            if (F != 0.0) { /* polish: keep one more step when it helps */
                double zp[2] = {z[0] - F * G[0] / g2, z[1] - F * G[1] / g2}, Fp, Gp[2];
                if (!eval_F(t, zp, &Fp, Gp) && fabs(Fp) < fabs(F) && (Gp[0] != 0 || Gp[1] != 0)) {
                    z[0] = zp[0], z[1] = zp[1], G[0] = Gp[0], G[1] = Gp[1];
                }
            }
            return it;
        }
        z[0] -= F * G[0] / g2;
        z[1] -= F * G[1] / g2;
        if (hypot(z[0] - z0[0], z[1] - z0[1]) > maxdist) return -1;
    }
    return -1;
}

static int inside(const double z[2])
{
    return z[0] >= 0.0 && z[0] <= 1.0 && z[1] >= 0.0 && z[1] <= 1.0;
}

static int push(tracer *t, ptbuf *b, const double z[2])
{
    if (b->n && b->p[b->n - 1].u == z[0] && b->p[b->n - 1].v == z[1]) return 0;
    if (t->total >= t->cap_total) {
        t->over_cap = 1;
        return -1;
    }
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 256;
        pt2 *q = realloc(b->p, cap * sizeof *q);
        if (!q) return -2;
        b->p = q, b->cap = cap;
    }
    b->p[b->n].u = z[0], b->p[b->n].v = z[1];
    b->n++;
    t->total++;
    return 0;
}

/* The point of {F = 0} on the box edge crossed first by the chord a (inside) -> b (outside):
 * chord intersection, then Newton along the edge. 0 on success. */
static int boundary_point(tracer *t, const double a[2], const double b[2], double out[2])
{
    double lam = 2.0;
    int axis = -1;
    double val = 0.0;
    for (int k = 0; k < 2; k++) {
        double d = b[k] - a[k];
        if (b[k] < 0.0 && d < 0) {
            double l = a[k] / -d;
            if (l < lam) lam = l, axis = k, val = 0.0;
        } else if (b[k] > 1.0 && d > 0) {
            double l = (1.0 - a[k]) / d;
            if (l < lam) lam = l, axis = k, val = 1.0;
        }
    }
    if (axis < 0) return -1;
    int other = 1 - axis;
    double z[2];
    z[axis] = val;
    z[other] = a[other] + lam * (b[other] - a[other]);
    double span = hypot(b[0] - a[0], b[1] - a[1]);
    double start = z[other];
    for (int it = 0; it < 20; it++) {
        double F, G[2];
        if (eval_F(t, z, &F, G)) return -1;
        if (fabs(F) <= t->tol) {
            if (F != 0.0 && G[other] != 0.0) { /* polish, as in correct() */
                double zp[2] = {z[0], z[1]}, Fp;
                zp[other] -= F / G[other];
                if (zp[other] >= 0.0 && zp[other] <= 1.0 && !eval_F(t, zp, &Fp, NULL) &&
                    fabs(Fp) < fabs(F))
                    z[other] = zp[other];
            }
            out[0] = z[0], out[1] = z[1];
            return 0;
        }
        if (G[other] == 0.0) return -1;
        z[other] -= F / G[other];
        if (z[other] < 0.0 || z[other] > 1.0 || fabs(z[other] - start) > span) return -1;
    }
    return -1;
}

static double seg_dist(const pt2 *a, const pt2 *b, const double q[2])
{
    double dx = b->u - a->u, dy = b->v - a->v, l2 = dx * dx + dy * dy;
    double s = l2 > 0 ? ((q[0] - a->u) * dx + (q[1] - a->v) * dy) / l2 : 0.0;
    s = s < 0 ? 0 : (s > 1 ? 1 : s);
    return hypot(a->u + s * dx - q[0], a->v + s * dy - q[1]);
}

static const double COS10 = 0.98480775301220802; /* cos(10 deg) */
static const double COS5 = 0.99619469809174555;  /* cos(5 deg) */

static void unit_tangent(const double G[2], double dir, double tan[2])
{
    double g = hypot(G[0], G[1]);
    tan[0] = -G[1] / g * dir;
    tan[1] = G[0] / g * dir;
}

/* Follows the curve from seed s (gradient Gs) along dir * tangent, appending to b (the seed is
 * not appended). Returns 1 when the curve closed, 0 when it ended, -1 on cap/memory. */
static int trace_dir(tracer *t, const double s[2], const double Gs[2], double dir, ptbuf *b)
{
    double z[2] = {s[0], s[1]}, tan[2], tan0[2];
    unit_tangent(Gs, dir, tan);
    tan0[0] = tan[0], tan0[1] = tan[1];
    double h = t->h0, maxd = 0.0;
    for (;;) {
        double zn[2], Gn[2], tn[2];
        int ok = 0, its = 0;
        double turn = 0.0;
        while (h >= t->hmin) {
            zn[0] = z[0] + h * tan[0];
            zn[1] = z[1] + h * tan[1];
            its = correct(t, zn, h, Gn);
            if (its > 0) {
                double sec[2] = {zn[0] - z[0], zn[1] - z[1]}, ls = hypot(sec[0], sec[1]);
                if (ls > 0) {
                    unit_tangent(Gn, 1.0, tn);
                    if (tn[0] * sec[0] + tn[1] * sec[1] < 0) tn[0] = -tn[0], tn[1] = -tn[1];
                    double c1 = tan[0] * tn[0] + tan[1] * tn[1];
                    double c2 = (tan[0] * sec[0] + tan[1] * sec[1]) / ls;
                    if (c1 >= COS10 && c2 >= COS10) {
                        ok = 1;
                        turn = c1;
                        break;
                    }
                }
            }
            h *= 0.5;
        }
        if (!ok) return 0;
        if (!inside(zn)) {
            double zb[2];
            if (!boundary_point(t, z, zn, zb)) {
                /* a last point already on the boundary, up to rounding, becomes the boundary point */
                if (hypot(zb[0] - z[0], zb[1] - z[1]) < 1e-12) {
                    if (!b->n) return 0; /* the seed itself, on a boundary grid edge */
                    b->n--, t->total--;
                }
                if (push(t, b, zb)) return -1;
            }
            return 0;
        }
        if (push(t, b, zn)) return -1;
        double ds = hypot(zn[0] - s[0], zn[1] - s[1]);
        if (ds > maxd) maxd = ds;
        pt2 pa = {z[0], z[1]}, pb = {zn[0], zn[1]};
        if (maxd > 3.0 * h && (ds <= 1.01 * h || seg_dist(&pa, &pb, s) <= 0.1 * h) &&
            tn[0] * tan0[0] + tn[1] * tan0[1] > 0) {
            if (push(t, b, s)) return -1;
            return 1;
        }
        z[0] = zn[0], z[1] = zn[1];
        tan[0] = tn[0], tan[1] = tn[1];
        if (its <= 3 && turn >= COS5) h = fmin(1.2 * h, t->hmax);
    }
}

/* ---- coverage: segments of traced pieces in a bucket grid ---------------------------------- */
static int bucket_of(const tracer *t, double c)
{
    int k = (int)floor(c / t->hb);
    return k < 0 ? 0 : (k >= t->nb ? t->nb - 1 : k);
}

static int add_segments(tracer *t, int piece)
{
    const ptbuf *b = &t->pieces[piece];
    for (size_t i = 0; i + 1 < b->n; i++) {
        const pt2 *a = &b->p[i], *c = &b->p[i + 1];
        int i0 = bucket_of(t, fmin(a->u, c->u)), i1 = bucket_of(t, fmax(a->u, c->u));
        int j0 = bucket_of(t, fmin(a->v, c->v)), j1 = bucket_of(t, fmax(a->v, c->v));
        for (int bi = i0; bi <= i1; bi++)
            for (int bj = j0; bj <= j1; bj++) {
                if (t->n_segs == t->cap_segs) {
                    size_t cap = t->cap_segs ? 2 * t->cap_segs : 1024;
                    seg_ref *q = realloc(t->segs, cap * sizeof *q);
                    if (!q) return -1;
                    t->segs = q, t->cap_segs = cap;
                }
                size_t cell = (size_t)bj * (size_t)t->nb + (size_t)bi;
                t->segs[t->n_segs] = (seg_ref){piece, (int)i, t->head[cell]};
                t->head[cell] = (int)t->n_segs++;
            }
    }
    return 0;
}

static int covered(const tracer *t, const double q[2])
{
    int bi = bucket_of(t, q[0]), bj = bucket_of(t, q[1]);
    for (int j = bj - 1; j <= bj + 1; j++)
        for (int i = bi - 1; i <= bi + 1; i++) {
            if (i < 0 || j < 0 || i >= t->nb || j >= t->nb) continue;
            for (int k = t->head[(size_t)j * (size_t)t->nb + (size_t)i]; k >= 0; k = t->segs[k].next) {
                const ptbuf *b = &t->pieces[t->segs[k].piece];
                int idx = t->segs[k].idx;
                if (seg_dist(&b->p[idx], &b->p[idx + 1], q) < t->cover) return 1;
            }
        }
    return 0;
}

/* ---- seeds ---------------------------------------------------------------------------------- */
/* Root of F on the segment a -> b (F(a) = fa, F(b) = fb of opposite signs): safeguarded
 * Newton on the parameter s in [0, 1]. 0 on success, the point in out. */
static int edge_root(tracer *t, const double a[2], const double b[2], double fa, double fb,
                     double out[2])
{
    double sl = 0.0, sh = 1.0; /* F(sl) has the sign of fa */
    (void)fb;
    double d[2] = {b[0] - a[0], b[1] - a[1]};
    double s = 0.5, z[2];
    for (int it = 0; it < 200; it++) {
        z[0] = a[0] + s * d[0], z[1] = a[1] + s * d[1];
        double F, G[2];
        if (eval_F(t, z, &F, G)) return -1;
        if (fabs(F) <= t->tol) {
            out[0] = z[0], out[1] = z[1];
            return 0;
        }
        if ((F > 0) == (fa > 0)) sl = s;
        else sh = s;
        double dF = G[0] * d[0] + G[1] * d[1];
        double sn = dF != 0.0 ? s - F / dF : NAN;
        if (!(sn > sl && sn < sh)) sn = 0.5 * (sl + sh);
        if (sn == s || sh - sl < 1e-15) break;
        s = sn;
    }
    return -1; /* no root to tolerance: a pole or a jump, not a curve */
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct seed {
    double z[2];
} seed;

static nd_status find_seeds(tracer *t, size_t res, seed **out, size_t *n_out, nd_error *err)
{
    size_t N = res + 1;
    double *F = malloc(N * N * sizeof *F);
    if (!F) return nd_fail(err, ND_ENOMEM, "nullclines: no memory for a %zu x %zu grid", N, N);
    /* |F| at (at most about 40000) nodes, for the median */
    size_t stride = N * N > 40000 ? N * N / 40000 + 1 : 1;
    double *absF = malloc((N * N / stride + 1) * sizeof *absF);
    size_t n_abs = 0, n_zero = 0;
    for (size_t j = 0; j < N; j++)
        for (size_t i = 0; i < N; i++) {
            double z[2] = {(double)i / (double)res, (double)j / (double)res}, f;
            if (eval_F(t, z, &f, NULL)) f = NAN;
            F[j * N + i] = f;
            if (isfinite(f) && absF && (j * N + i) % stride == 0) absF[n_abs++] = fabs(f);
            if (f == 0.0) n_zero++;
        }
    /* scale: median |F| over the nodes */
    double scale = 0.0;
    if (absF && n_abs) {
        qsort(absF, n_abs, sizeof *absF, cmp_double);
        scale = absF[n_abs / 2];
    }
    free(absF);
    t->tol = 1e-10 * fmax(1.0, scale);
    if (n_abs && n_zero == N * N) {
        free(F);
        return nd_fail(err, ND_EFAILED,
                       "nullclines: d%s/dt is zero at every point of the %zu x %zu grid: the nullcline "
                       "fills the box",
                       t->m->var_names[t->var], N, N);
    }
    size_t cap = 64, n = 0;
    seed *sd = malloc(cap * sizeof *sd);
    if (!sd) {
        free(F);
        return nd_fail(err, ND_ENOMEM, "nullclines: no memory for seeds");
    }
    for (size_t j = 0; j < N; j++)
        for (size_t i = 0; i < N; i++) {
            double fa = F[j * N + i];
            double a[2] = {(double)i / (double)res, (double)j / (double)res};
            for (int dirn = 0; dirn < 3; dirn++) {
                double z[2];
                if (dirn == 2) { /* the node itself */
                    if (fa != 0.0) continue;
                    z[0] = a[0], z[1] = a[1];
                } else {
                    size_t i2 = i + (dirn == 0), j2 = j + (dirn == 1);
                    if (i2 >= N || j2 >= N) continue;
                    double fb = F[j2 * N + i2];
                    if (!((fa < 0 && fb > 0) || (fa > 0 && fb < 0))) continue;
                    double b[2] = {(double)i2 / (double)res, (double)j2 / (double)res};
                    if (edge_root(t, a, b, fa, fb, z)) continue;
                }
                if (n == cap) {
                    seed *q = realloc(sd, 2 * cap * sizeof *q);
                    if (!q) {
                        free(sd), free(F);
                        return nd_fail(err, ND_ENOMEM, "nullclines: no memory for seeds");
                    }
                    sd = q, cap *= 2;
                }
                sd[n].z[0] = z[0], sd[n].z[1] = z[1];
                n++;
            }
        }
    free(F);
    *out = sd;
    *n_out = n;
    return ND_OK;
}

static int add_piece(tracer *t, ptbuf *b, int closed)
{
    if (t->n_pieces == t->cap_pieces) {
        size_t cap = t->cap_pieces ? 2 * t->cap_pieces : 8;
        ptbuf *q = realloc(t->pieces, cap * sizeof *q);
        if (!q) return -1;
        t->pieces = q;
        int *c = realloc(t->closed, cap * sizeof *c);
        if (!c) return -1;
        t->closed = c;
        t->cap_pieces = cap;
    }
    t->pieces[t->n_pieces] = *b;
    t->closed[t->n_pieces] = closed;
    t->n_pieces++;
    return 0;
}

/* Traces the piece through seed z. 0 ok (or nothing to trace), -1 cap exceeded, -2 memory. */
static int trace_seed(tracer *t, const double z[2])
{
    double F, G[2];
    if (eval_F(t, z, &F, G) || (G[0] == 0.0 && G[1] == 0.0)) return 0; /* singular seed */
    ptbuf fw = {0}, bw = {0};
    int closed = trace_dir(t, z, G, 1.0, &fw);
    if (closed < 0) goto fail;
    if (!closed && trace_dir(t, z, G, -1.0, &bw) < 0) goto fail;
    /* piece = reverse(bw), z, fw */
    ptbuf pc = {0};
    pc.cap = bw.n + fw.n + 1;
    pc.p = malloc(pc.cap * sizeof *pc.p);
    if (!pc.p) goto fail_mem;
    for (size_t i = bw.n; i-- > 0;) pc.p[pc.n++] = bw.p[i];
    pc.p[pc.n].u = z[0], pc.p[pc.n].v = z[1];
    pc.n++;
    for (size_t i = 0; i < fw.n; i++) pc.p[pc.n++] = fw.p[i];
    t->total++; /* the seed */
    free(fw.p), free(bw.p);
    if (pc.n < 2) {
        free(pc.p);
        return 0;
    }
    if (add_piece(t, &pc, closed)) {
        free(pc.p);
        return -2;
    }
    if (add_segments(t, (int)t->n_pieces - 1)) return -2;
    return 0;
fail:
    free(fw.p), free(bw.p);
    return t->over_cap ? -1 : -2;
fail_mem:
    free(fw.p), free(bw.p);
    return -2;
}

void nd_nullclines_free(nd_nullclines *nc)
{
    if (!nc) return;
    for (size_t i = 0; i < nc->n_curves; i++) {
        free(nc->curves[i].x);
        free(nc->curves[i].y);
    }
    free(nc->curves);
    memset(nc, 0, sizeof *nc);
}

nd_status nd_nullclines_trace(const nd_model *m, const double *p, const nd_region *region,
                              int var, size_t res, nd_nullclines *out, nd_error *err)
{
    if (!out) return nd_fail(err, ND_EINVAL, "nullclines: output is NULL");
    memset(out, 0, sizeof *out);
    out->var = var;
    int ix = -1, iy = -1;
    nd_status st = pp_slice_2d(m, p, region, "nullclines", &ix, &iy, err);
    if (st) return st;
    if (var != ix && var != iy) {
        char list[512];
        pp_free_list(m, region, list, sizeof list);
        if (var < 0 || (size_t)var >= m->n_vars)
            return nd_fail(err, ND_EINVAL,
                           "nullclines: variable index %d out of range for %s; choose a free "
                           "variable: %s",
                           var, m->name, list);
        return nd_fail(err, ND_EINVAL,
                       "nullclines: variable %s (%d) is fixed in this slice; choose a free variable: %s",
                       m->var_names[var], var, list);
    }
    if (res == 0) res = 100;
    if (res > ND_NULLCLINE_MAX_RES)
        return nd_fail(err, ND_EINVAL, "nullclines: grid resolution %zu is above the maximum %d", res,
                       ND_NULLCLINE_MAX_RES);
    if ((st = nd_check_alloc((res + 1) * (res + 1) * 2 * sizeof(double), "nullcline seed grid", err)))
        return st;

    tracer t = {.m = m, .p = p, .n = m->n_vars, .var = var, .ix = ix, .iy = iy};
    t.lo[0] = region->lo[ix], t.w[0] = region->hi[ix] - region->lo[ix];
    t.lo[1] = region->lo[iy], t.w[1] = region->hi[iy] - region->lo[iy];
    const double diag = sqrt(2.0);
    t.h0 = fmin(diag / 500.0, 0.5 / (double)res);
    t.hmax = fmin(diag / 100.0, 2.0 / (double)res);
    t.hmin = 1e-9;
    t.cover = 0.25 / (double)res;
    t.cap_total = ND_NULLCLINE_MAX_POINTS;
    t.hb = fmax(t.hmax, t.cover); /* a covering segment is in the seed's bucket or a neighbour */
    t.nb = (int)ceil(1.0 / t.hb) + 1;
    size_t n = m->n_vars;
    t.s = malloc((2 * n + n * n) * sizeof *t.s);
    t.head = malloc((size_t)t.nb * (size_t)t.nb * sizeof *t.head);
    if (!t.s || !t.head) {
        free(t.s), free(t.head);
        return nd_fail(err, ND_ENOMEM, "nullclines: no memory");
    }
    t.f = t.s + n, t.J = t.s + 2 * n;
    pp_base_state(m, region, t.s);
    for (size_t i = 0; i < (size_t)t.nb * (size_t)t.nb; i++) t.head[i] = -1;

    seed *seeds = NULL;
    size_t n_seeds = 0;
    st = find_seeds(&t, res, &seeds, &n_seeds, err);
    for (size_t k = 0; !st && k < n_seeds; k++) {
        if (covered(&t, seeds[k].z)) continue;
        int r = trace_seed(&t, seeds[k].z);
        if (r == -1)
            st = nd_fail(err, ND_EFAILED,
                         "nullclines of d%s/dt: more than %d points traced (%zu pieces so far); use "
                         "a smaller box or a coarser grid",
                         m->var_names[var], ND_NULLCLINE_MAX_POINTS, t.n_pieces);
        else if (r == -2)
            st = nd_fail(err, ND_ENOMEM, "nullclines: no memory");
    }
    free(seeds);
    if (!st && t.n_pieces) {
        out->curves = calloc(t.n_pieces, sizeof *out->curves);
        if (!out->curves) st = nd_fail(err, ND_ENOMEM, "nullclines: no memory");
    }
    for (size_t k = 0; !st && k < t.n_pieces; k++) {
        const ptbuf *b = &t.pieces[k];
        nd_curve *c = &out->curves[k];
        out->n_curves = k + 1;
        c->x = malloc(b->n * sizeof *c->x);
        c->y = malloc(b->n * sizeof *c->y);
        if (!c->x || !c->y) {
            st = nd_fail(err, ND_ENOMEM, "nullclines: no memory");
            break;
        }
        c->n = b->n;
        c->closed = t.closed[k];
        for (size_t i = 0; i < b->n; i++) {
            /* boundary points land exactly on lo/hi */
            c->x[i] = b->p[i].u == 1.0 ? region->hi[ix] : t.lo[0] + b->p[i].u * t.w[0];
            c->y[i] = b->p[i].v == 1.0 ? region->hi[iy] : t.lo[1] + b->p[i].v * t.w[1];
        }
    }
    for (size_t k = 0; k < t.n_pieces; k++) free(t.pieces[k].p);
    free(t.pieces), free(t.closed), free(t.segs), free(t.head), free(t.s);
    if (st) nd_nullclines_free(out), out->var = var;
    return st;
}

