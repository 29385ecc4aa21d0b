/* Homoclinic (HC) and SNIC curves of a two-parameter diagram (include/neurodyn/homoclinic.h,
 * nd_homoclinic_curves_2d).
 *
 * HC: the homoclinic ends of the starting diagram's cycle branches (HomCont's start from the
 * last cycle of a branch whose period grew, Champneys, Kuznetsov & Sandstede 1996, sec. 4.1),
 * located by the truncated BVP in P2, then continued in (P1, P2) by the homoclinic curve type.
 * The continuer measures the orbit's nodes in box widths over the square root of their number,
 * so that the whole orbit weighs as much as one parameter in the arclength.
 *
 * SNIC: nd_snic_check along each fold curve; a change of its answer between two points of the
 * curve is bisected on the curve. The end found is where the saddle-node's homoclinic orbit
 * stops returning along the centre manifold (non-central saddle-node homoclinic, Kuznetsov,
 * Elements of Applied Bifurcation Theory, 3rd ed., sec. 7.1): the saddle homoclinic curve meets
 * the fold curve there. */
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/homoclinic.h"

#define HOM2_NTST 200
#define HOM2_NCOL 4
#define HOM2_H_MAX 0.02     /* largest step, box units (as the fold and Hopf curves) */
#define HOM2_SAME 2e-3      /* an HC start this close (box units) to a computed HC point is on it */
#define HOM2_BISECT 1e-7    /* SNIC ends: bisection to this fraction of the chord */
#define HOM2_FINE_START 5e-4 /* nd_snic_check_at's start and radius in the bisection */
#define HOM2_FINE_RADIUS 2.5e-3

void nd_hom2_set_free(nd_hom2_set *s)
{
    if (!s) return;
    for (size_t c = 0; c < s->n; c++) free(s->curves[c].p1), free(s->curves[c].p2), free(s->curves[c].x);
    for (size_t i = 0; i < s->n_points; i++) free(s->points[i].x);
    free(s->curves), free(s->points);
    memset(s, 0, sizeof *s);
}

static nd_hom2_curve *new_curve(nd_hom2_set *s, int snic, int from, size_t cap, nd_error *err)
{
    nd_hom2_curve *c = realloc(s->curves, (s->n + 1) * sizeof *c);
    if (!c) return nd_fail(err, ND_ENOMEM, "homoclinic curves: no memory"), NULL;
    s->curves = c;
    c = &s->curves[s->n];
    *c = (nd_hom2_curve){.snic = snic, .from = from};
    size_t nv = s->m->n_vars;
    c->p1 = malloc((cap + 1) * sizeof *c->p1), c->p2 = malloc((cap + 1) * sizeof *c->p2);
    c->x = malloc((cap + 1) * nv * sizeof *c->x);
    if (!c->p1 || !c->p2 || !c->x) {
        free(c->p1), free(c->p2), free(c->x);
        return nd_fail(err, ND_ENOMEM, "homoclinic curves: no memory"), NULL;
    }
    s->n++;
    return c;
}

static void push(nd_hom2_curve *c, size_t nv, double p1, double p2, const double *x)
{
    c->p1[c->n] = p1, c->p2[c->n] = p2;
    memcpy(c->x + c->n * nv, x, nv * sizeof *x);
    c->n++;
}

/* ---- HC curves --------------------------------------------------------------------------------- */
typedef struct hc_work {
    const nd_codim2_diagram *d;
    const nd_region *r;
    nd_hom2_set *s;
    size_t max_points;
} hc_work;

/* Whether (p1, p2) lies within HOM2_SAME of the box of a point of a computed HC curve. */
static int on_known_hc(const hc_work *w, double p1, double p2)
{
    const nd_codim2_diagram *d = w->d;
    for (size_t c = 0; c < w->s->n; c++) {
        const nd_hom2_curve *cv = &w->s->curves[c];
        if (cv->snic) continue;
        for (size_t i = 0; i < cv->n; i++)
            if (fabs(cv->p1[i] - p1) < HOM2_SAME * (d->hi[0] - d->lo[0]) &&
                fabs(cv->p2[i] - p2) < HOM2_SAME * (d->hi[1] - d->lo[1]))
                return 1;
    }
    return 0;
}

/* The located orbit z (of h) continued both ways; the halves joined into one HC curve. */
static nd_status continue_hc(hc_work *w, nd_homoclinic *h, const double *z, int from, nd_error *err)
{
    const nd_codim2_diagram *d = w->d;
    size_t N = h->dim, n = h->n, nodes = (N - 2 - n) / n;
    double *lo = malloc(N * sizeof *lo), *hi = malloc(N * sizeof *hi), *sc = malloc(N * sizeof *sc);
    nd_branch half[2] = {{0}, {0}};
    int have[2] = {0, 0};
    nd_status st = lo && hi && sc ? ND_OK : nd_fail(err, ND_ENOMEM, "homoclinic curves: no memory");
    char why[2][100] = {"", ""};
    for (size_t i = 0; !st && i < N - 2; i++) {
        size_t v = i < nodes * n ? i % n : (i - nodes * n);
        double width = w->r->hi[v] - w->r->lo[v];
        lo[i] = -INFINITY, hi[i] = INFINITY;
        sc[i] = (width > 0 ? width : 1.0) * (i < nodes * n ? sqrt((double)nodes) : 1.0);
    }
    if (!st) { /* u ends with (P2, P1): h->par is the starting diagram's parameter */
        lo[N - 2] = d->lo[1], hi[N - 2] = d->hi[1], sc[N - 2] = d->hi[1] - d->lo[1];
        lo[N - 1] = d->lo[0], hi[N - 1] = d->hi[0], sc[N - 1] = d->hi[0] - d->lo[0];
    }
    for (int k = 0; !st && k < 2; k++) {
        nd_cont_opts o;
        nd_cont_opts_init(&o);
        o.h_max = HOM2_H_MAX, o.h0 = HOM2_H_MAX / 10, o.max_points = w->max_points, o.tol = 1e-9;
        o.lo = lo, o.hi = hi, o.scale = sc, o.direction = k ? -1 : 1;
        nd_error e = {0};
        st = nd_continue(&h->type, z, NULL, &o, &half[k], &e);
        have[k] = st == ND_OK && half[k].n > 0;
        snprintf(why[k], sizeof why[k], "%.98s", st ? e.msg : half[k].stop_reason);
        if (st != ND_ENOMEM) st = ND_OK;
        else nd_fail(err, st, "%s", e.msg);
    }
    if (!st && !have[0] && !have[1]) {
        w->s->n_failed++;
        snprintf(w->s->failure, sizeof w->s->failure, "the HC curve from cycle branch %d: %.120s", from, why[0]);
    } else if (!st) {
        size_t total = (have[0] ? half[0].n : 0) + (have[1] ? half[1].n : 0);
        nd_hom2_curve *c = new_curve(w->s, 0, from, total, err);
        if (!c) st = ND_ENOMEM;
        for (int k = 1; c && k >= 0; k--) { /* half 1 reversed, then half 0 (its first point is z) */
            if (!have[k]) continue;
            for (size_t j = 0; j < half[k].n; j++) {
                size_t i = k ? half[k].n - 1 - j : j;
                if (k == 0 && have[1] && i == 0) continue; /* the start, already in */
                const double *u = half[k].u + i * N;
                push(c, n, u[N - 1], u[N - 2], u + nodes * n);
            }
        }
        if (c) snprintf(c->stop, sizeof c->stop, "%.95s; %.95s", why[1], why[0]);
    }
    nd_branch_free(&half[0]), nd_branch_free(&half[1]);
    free(lo), free(hi), free(sc);
    return st;
}

/* The homoclinic orbit at the end of cycle branch c, located in P2 at the current P1 and
 * continued. */
static nd_status hc_from_branch(hc_work *w, const nd_cycle_set *cs, size_t c, const double *p, nd_error *err)
{
    const nd_codim2_diagram *d = w->d;
    nd_homoclinic h;
    nd_error e;
    if (nd_homoclinic_init(&h, d->m, p, d->par[1], d->par[0], HOM2_NTST, HOM2_NCOL, &e)) {
        w->s->n_failed++;
        snprintf(w->s->failure, sizeof w->s->failure, "the HC curve from cycle branch %zu: %.120s", c, e.msg);
        return e.code == ND_ENOMEM ? nd_fail(err, ND_ENOMEM, "%s", e.msg) : ND_OK;
    }
    double *z = malloc(h.dim * sizeof *z);
    nd_status st = z ? ND_OK : nd_fail(&e, ND_ENOMEM, "homoclinic curves: no memory");
    const nd_branch *b = &cs->branch[c];
    nd_homoclinic_info in = {0};
    if (!st) st = nd_homoclinic_from_cycle(&h, &cs->curve[c], b, b->n - 1, 1e-3, z, &e);
    if (!st) st = nd_homoclinic_locate(&h, z, &in, &e);
    double lam = st ? NAN : fmin(in.lambda_u, -in.lambda_s);
    nd_homoclinic_info_free(&in);
    if (!st && lam > 0 && isfinite(lam) && !nd_homoclinic_extend(&h, z, 2.0 / lam, &e)) {
        st = nd_homoclinic_locate(&h, z, &in, &e);
        nd_homoclinic_info_free(&in);
    }
    if (!st && on_known_hc(w, z[h.dim - 1], z[h.dim - 2])) {
        /* the same orbit from another branch */
    } else if (!st) {
        w->s->n_homoclinic++;
        st = continue_hc(w, &h, z, (int)c, err);
    } else if (st == ND_ENOMEM) {
        nd_fail(err, st, "%s", e.msg);
    } else {
        w->s->n_failed++;
        snprintf(w->s->failure, sizeof w->s->failure, "the HC curve from cycle branch %zu: %.120s", c, e.msg);
        st = ND_OK;
    }
    free(z);
    nd_homoclinic_free(&h);
    return st;
}

static nd_status hc_curves(hc_work *w, const double *p, nd_error *err)
{
    const nd_codim2_diagram *d = w->d;
    if (d->start.n_free != d->m->n_vars) return ND_OK; /* a slice: the BVP needs every variable */
    nd_cycle_set cs = {0};
    nd_status st = nd_cycles_from_hopf(&d->start, p, w->r, d->lo[1], d->hi[1], &cs, err);
    if (!st) st = nd_cycle_set_locate_homoclinics(&cs, &d->start, p, d->lo[1], d->hi[1], NULL, err);
    w->s->n_cycles = cs.n;
    for (size_t c = 0; !st && c < cs.n_hom; c++)
        if (isfinite(cs.hom_par[c])) st = hc_from_branch(w, &cs, c, p, err);
    nd_cycle_set_free(&cs);
    return st;
}

/* ---- SNIC segments of the fold curves ----------------------------------------------------------- */
typedef struct snic_work {
    const nd_codim2_diagram *d;
    nd_fold_curve fold;
    double p[256];
    size_t k;
    double start, radius; /* nd_snic_check_at's: the defaults along the curve, finer in bisection */
} snic_work;

/* nd_snic_check at fold point u (x, P1, P2): 1 on a circle, 0 not, -1 no answer. */
static int on_circle(snic_work *w, const double *u)
{
    const nd_codim2_diagram *d = w->d;
    w->p[d->par[0]] = u[w->k], w->p[d->par[1]] = u[w->k + 1];
    int yes = 0;
    nd_error e;
    if (nd_snic_check_at(d->m, w->p, u, 0, w->start, w->radius, &yes, NULL, &e)) return -1;
    return yes;
}

/* (N - 1) x N central differences of the residual (the fold curve type gives none). */
static int fd_jacobian(const nd_curve_type *t, const double *u0, double *J)
{
    size_t N = t->dim;
    double u[65], Fp[65], Fm[65];
    memcpy(u, u0, N * sizeof *u);
    for (size_t j = 0; j < N; j++) {
        double h = 1e-6 * fmax(1.0, fabs(u0[j]));
        u[j] = u0[j] + h;
        if (t->residual(t->ctx, u, Fp, NULL)) return -1;
        u[j] = u0[j] - h;
        if (t->residual(t->ctx, u, Fm, NULL)) return -1;
        u[j] = u0[j];
        for (size_t i = 0; i + 1 < N; i++) J[i * N + j] = (Fp[i] - Fm[i]) / (2 * h);
    }
    return 0;
}

/* u = the point of the fold curve in the hyperplane through (1 - s) a + s b normal to b - a
 * (Newton on the fold system bordered by that plane). 0 when it converged. */
static int fold_point_between(snic_work *w, const double *a, const double *b, double s, double *u)
{
    const nd_curve_type *t = &w->fold.type;
    size_t N = t->dim;
    double J[66 * 65], F[66], dn[65], c[65];
    for (size_t i = 0; i < N; i++) c[i] = (1 - s) * a[i] + s * b[i], u[i] = c[i], dn[i] = b[i] - a[i];
    gsl_permutation *perm = gsl_permutation_alloc(N);
    int ok = -1;
    for (int it = 0; perm && it < 12; it++) {
        if (t->residual(t->ctx, u, F, NULL)) break;
        if (t->jacobian ? t->jacobian(t->ctx, u, J, NULL) != ND_OK : fd_jacobian(t, u, J) != 0) break;
        double r = 0;
        F[N - 1] = 0;
        for (size_t i = 0; i < N; i++) F[N - 1] += dn[i] * (u[i] - c[i]), J[(N - 1) * N + i] = dn[i];
        for (size_t i = 0; i < N; i++) r = fmax(r, fabs(F[i]));
        if (r < 1e-11) {
            ok = 0;
            break;
        }
        gsl_matrix_view A = gsl_matrix_view_array(J, N, N);
        gsl_vector_view fv = gsl_vector_view_array(F, N);
        int sg;
        if (gsl_linalg_LU_decomp(&A.matrix, perm, &sg) || gsl_linalg_LU_svx(&A.matrix, perm, &fv.vector)) break;
        for (size_t i = 0; i < N; i++) u[i] -= F[i];
    }
    if (perm) gsl_permutation_free(perm);
    return ok;
}

/* The end between fold points a (answer ya) and b (the other answer), by bisection; into u. */
static void bisect_end(snic_work *w, const double *a, const double *b, int ya, double *u)
{
    double s0 = 0, s1 = 1, v[65];
    memcpy(u, a, w->fold.type.dim * sizeof *u);
    if (nd_fold_curve_reset(&w->fold, a, NULL)) return;
    /* finer: the decision is made closer to the saddle-node (the error near NCH falls with the
     * start and the radius: 5e-4 of phi with the defaults, 2e-6 with these, in Morris-Lecar),
     * unless the finer test disagrees at the ends (a slow passage longer than t_max) */
    w->start = HOM2_FINE_START, w->radius = HOM2_FINE_RADIUS;
    if (on_circle(w, a) != ya || on_circle(w, b) != !ya) w->start = 1e-2, w->radius = 0.05;
    while (s1 - s0 > HOM2_BISECT) {
        double s = 0.5 * (s0 + s1);
        if (fold_point_between(w, a, b, s, v)) break;
        int y = on_circle(w, v);
        if (y < 0) break;
        if (y == ya) s0 = s;
        else s1 = s;
        memcpy(u, v, w->fold.type.dim * sizeof *u);
    }
    w->start = 1e-2, w->radius = 0.05;
}

static nd_status add_end(nd_hom2_set *s, size_t curve, int fold, const double *u, size_t k, nd_error *err)
{
    nd_hom2_point *pt = realloc(s->points, (s->n_points + 1) * sizeof *pt);
    if (!pt) return nd_fail(err, ND_ENOMEM, "homoclinic curves: no memory");
    s->points = pt;
    pt = &s->points[s->n_points];
    *pt = (nd_hom2_point){curve, fold, u[k], u[k + 1], malloc(k * sizeof(double))};
    if (!pt->x) return nd_fail(err, ND_ENOMEM, "homoclinic curves: no memory");
    memcpy(pt->x, u, k * sizeof *u);
    s->n_points++;
    return ND_OK;
}

/* The SNIC segments of fold curve f. */
static nd_status snic_segments(snic_work *w, nd_hom2_set *s, size_t f, nd_error *err)
{
    const nd_branch *b = &w->d->curves[f].branch;
    size_t k = w->k, N = k + 2;
    if (b->n < 2 || nd_fold_curve_reset(&w->fold, b->u, NULL)) return ND_OK;
    int *yes = malloc(b->n * sizeof *yes);
    if (!yes) return nd_fail(err, ND_ENOMEM, "homoclinic curves: no memory");
    for (size_t i = 0; i < b->n; i++) yes[i] = on_circle(w, b->u + i * N);
    nd_status st = ND_OK;
    nd_hom2_curve *c = NULL;
    double end[65];
    for (size_t i = 0; !st && i < b->n; i++) {
        const double *u = b->u + i * N;
        if (yes[i] == 1 && !c) { /* a segment begins: at the curve's first point, or inside */
            if (!(c = new_curve(s, 1, (int)f, b->n + 2, err))) st = ND_ENOMEM;
            else if (i > 0 && yes[i - 1] == 0) {
                bisect_end(w, u, u - N, 1, end);
                push(c, k, end[k], end[k + 1], end);
                st = add_end(s, s->n - 1, (int)f, end, k, err);
            }
        }
        if (c && !st && yes[i] == 1) push(c, k, u[k], u[k + 1], u);
        if (c && !st && yes[i] != 1) { /* the segment ends before this point */
            if (yes[i] == 0) {
                bisect_end(w, u - N, u, 1, end);
                push(c, k, end[k], end[k + 1], end);
                st = add_end(s, s->n - 1, (int)f, end, k, err);
            }
            c = NULL;
        }
    }
    free(yes);
    return st;
}

static nd_status snic_curves(const nd_codim2_diagram *d, const double *p, const nd_region *r, nd_hom2_set *s,
                             nd_error *err)
{
    if (d->start.n_free != d->m->n_vars || d->m->n_pars > 256 || d->m->n_vars > 63) return ND_OK;
    snic_work *w = calloc(1, sizeof *w);
    if (!w) return nd_fail(err, ND_ENOMEM, "homoclinic curves: no memory");
    w->d = d, w->k = d->m->n_vars, w->start = 1e-2, w->radius = 0.05;
    memcpy(w->p, p, d->m->n_pars * sizeof *p);
    nd_error e;
    nd_status st = nd_fold_curve_init(&w->fold, d->m, p, d->par[0], d->par[1], r, &e);
    if (st) {
        free(w);
        return st == ND_ENOMEM ? nd_fail(err, st, "%s", e.msg) : ND_OK;
    }
    for (size_t f = 0; !st && f < d->n; f++)
        if (!d->curves[f].hopf) st = snic_segments(w, s, f, err);
    nd_fold_curve_free(&w->fold);
    free(w);
    return st;
}

nd_status nd_homoclinic_curves_2d(const nd_codim2_diagram *d, const double *p, const nd_region *r,
                                  size_t max_points, nd_hom2_set *out, nd_error *err)
{
    if (!out) return nd_fail(err, ND_EINVAL, "homoclinic curves: result is NULL");
    memset(out, 0, sizeof *out);
    if (!d || !d->m || !p || !r) return nd_fail(err, ND_EINVAL, "homoclinic curves: NULL argument");
    out->m = d->m, out->par[0] = d->par[0], out->par[1] = d->par[1];
    double *q = malloc(d->m->n_pars * sizeof *q);
    if (!q) return nd_fail(err, ND_ENOMEM, "homoclinic curves: no memory");
    memcpy(q, p, d->m->n_pars * sizeof *q);
    hc_work w = {d, r, out, max_points ? max_points : 300};
    nd_status st = hc_curves(&w, q, err);
    if (!st) st = snic_curves(d, q, r, out, err);
    free(q);
    if (st) nd_hom2_set_free(out);
    return st;
}
