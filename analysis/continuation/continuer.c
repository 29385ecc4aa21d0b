/* The continuer: pseudo-arclength with a Moore–Penrose corrector (Allgower & Georg, Introduction
 * to Numerical Continuation Methods, 1990, ch. 2-6; MatCont's cont.m and newtcorr.m) in scaled
 * unknowns, with step control on the corrector's convergence and on the turn of the tangent,
 * exact ends on the box, closed curves, and the curve's own stop and adaptation hooks. It is
 * generic over curve types (include/neurodyn/continuation.h) and knows nothing about models.
 * Test functions and special points: special_points.c; the branch and its end: branch.c. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "internal.h"

void nd_cont_opts_init(nd_cont_opts *o)
{
    memset(o, 0, sizeof *o);
    o->h0 = 1e-3, o->h_min = 1e-9, o->h_max = 0.05;
    o->max_angle = 0.2;
    o->max_points = 2000;
    o->max_newton = 10;
    o->tol = 1e-10;
    o->locate_tol = 1e-12;
    o->direction = 1;
}

double cont_norm(const double *v, size_t n) { return sqrt(cont_dot(v, v, n)); }

double cont_dot(const double *a, const double *b, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

/* ---- scaled unknowns ------------------------------------------------------------------------ */
void cont_to_u(const cont *w, const double *z, double *u)
{
    for (size_t i = 0; i < w->N; i++) u[i] = z[i] * w->s[i];
}

void cont_to_z(const cont *w, const double *u, double *z)
{
    for (size_t i = 0; i < w->N; i++) z[i] = u[i] / w->s[i];
}

const double *cont_tangent_u(cont *w, const double *vz)
{
    for (size_t i = 0; i < w->N; i++) w->uv[i] = vz[i] * w->s[i];
    double n = cont_norm(w->uv, w->N);
    if (n > 0)
        for (size_t i = 0; i < w->N; i++) w->uv[i] /= n;
    return w->uv;
}

nd_status cont_residual(cont *w, const double *z, double *F)
{
    cont_to_u(w, z, w->u);
    return w->c->residual(w->c->ctx, w->u, F, w->err);
}

/* J (z units) and Ju (u units) at z: the curve's Jacobian, or central differences in z. */
nd_status cont_jacobian(cont *w, const double *z)
{
    const nd_curve_type *c = w->c;
    size_t N = w->N, M = N - 1;
    w->j_fresh = 0;
    if (c->jacobian) {
        cont_to_u(w, z, w->u);
        nd_status st = c->jacobian(c->ctx, w->u, w->Ju, w->err);
        if (st) return st;
        for (size_t i = 0; i < M; i++)
            for (size_t j = 0; j < N; j++) w->J[i * N + j] = w->Ju[i * N + j] * w->s[j];
        return ND_OK;
    }
    double *zp = w->t1, *Fp = w->t2, *Fm = w->r2;
    memcpy(zp, z, N * sizeof *zp);
    for (size_t j = 0; j < N; j++) {
        double h = cbrt(DBL_EPSILON) * fmax(1.0, fabs(z[j]));
        zp[j] = z[j] + h;
        nd_status st = cont_residual(w, zp, Fp);
        zp[j] = z[j] - h;
        if (!st) st = cont_residual(w, zp, Fm);
        zp[j] = z[j];
        if (st) return st;
        for (size_t i = 0; i < M; i++) {
            w->J[i * N + j] = (Fp[i] - Fm[i]) / (2 * h);
            w->Ju[i * N + j] = w->J[i * N + j] / w->s[j];
        }
    }
    return ND_OK;
}

/* B = [J(z); b^T] factorised (the Jacobian evaluated at z first); 0 when non-singular. With
 * the curve's hooks: [J_u; (b / s)^T], whose solution x gives y = x / s. */
int cont_factor(cont *w, const double *z, const double *b)
{
    size_t N = w->N;
    if (w->hooks) {
        cont_to_u(w, z, w->u);
        for (size_t i = 0; i < N; i++) w->t1[i] = b[i] / w->s[i];
        return w->c->bordered_factor(w->c->ctx, w->u, w->t1, NULL) ? -1 : 0;
    }
    if (cont_jacobian(w, z)) return -1;
    memcpy(w->B, w->J, (N - 1) * N * sizeof *w->B);
    memcpy(w->B + (N - 1) * N, b, N * sizeof *b);
    gsl_matrix_view Bm = gsl_matrix_view_array(w->B, N, N);
    int sign;
    if (gsl_linalg_LU_decomp(&Bm.matrix, w->perm, &sign)) return -1;
    for (size_t i = 0; i < N; i++)
        if (w->B[i * N + i] == 0.0) return -1;
    return 0;
}

int cont_solve(cont *w, double *x)
{
    if (w->hooks) {
        if (w->c->bordered_solve(w->c->ctx, x, NULL)) return -1;
        for (size_t i = 0; i < w->N; i++) x[i] /= w->s[i];
        return 0;
    }
    gsl_matrix_view Bm = gsl_matrix_view_array(w->B, w->N, w->N);
    gsl_vector_view xv = gsl_vector_view_array(x, w->N);
    return gsl_linalg_LU_svx(&Bm.matrix, w->perm, &xv.vector) ? -1 : 0;
}

/* J v (N - 1 values) at the point last factored */
static void jacobian_times(cont *w, const double *v, double *out)
{
    size_t N = w->N;
    if (w->hooks) {
        cont_to_u(w, v, w->t1);
        w->c->jacobian_vector(w->c->ctx, w->t1, out);
        return;
    }
    for (size_t i = 0; i + 1 < N; i++) out[i] = cont_dot(w->J + i * N, v, N);
}

/* ---- tangent and corrector ------------------------------------------------------------------ */
/* The tangent at z: the solution of [J; ref^T] t = e_N, normalised, oriented along ref; with no
 * reference (or a singular border), unit vectors are tried. */
static nd_status tangent(cont *w, const double *z, const double *ref, double *t)
{
    size_t N = w->N;
    double *e = w->e;
    const double *r = ref;
    for (size_t trial = 0; trial <= N; trial++) {
        if (!ref || trial > 0) {
            size_t k = trial == 0 ? N - 1 : (N - trial) % N;
            memset(e, 0, N * sizeof *e);
            e[k] = 1.0;
            r = e;
        }
        memset(t, 0, N * sizeof *t);
        t[N - 1] = 1.0;
        if (cont_factor(w, z, r) || cont_solve(w, t)) continue;
        double n = cont_norm(t, N);
        if (!(n > 0) || !isfinite(n)) continue;
        for (size_t i = 0; i < N; i++) t[i] /= n;
        if (ref && cont_dot(t, ref, N) < 0)
            for (size_t i = 0; i < N; i++) t[i] = -t[i];
        return ND_OK;
    }
    return nd_fail(w->err, ND_EFAILED, "continuation: no tangent at the current point (the Jacobian has rank < N - 1)");
}

/* The Moore–Penrose update of the tangent with the factors at hand: v -= B^-1 [J v; 0],
 * normalised; 0 on success. */
static int tangent_update(cont *w, double *v)
{
    size_t N = w->N;
    jacobian_times(w, v, w->r2);
    w->r2[N - 1] = 0.0;
    if (cont_solve(w, w->r2)) return -1;
    for (size_t j = 0; j < N; j++) v[j] -= w->r2[j];
    double nv = cont_norm(v, N);
    if (!(nv > 0) || !isfinite(nv)) return -1;
    for (size_t j = 0; j < N; j++) v[j] /= nv;
    return 0;
}

/* With the curve's own solver (large structured systems, where a factorisation costs several
 * solves) the corrector is a chord iteration in the hyperplane normal to v (Keller's
 * pseudo-arclength, as AUTO-07p): the factorisation of the first iteration is kept while the
 * iteration contracts well (it is renewed when it does not), and once x has converged one
 * factorisation at x itself gives the tangent there by a Moore–Penrose update. The count it
 * returns is then the equivalent number of Newton iterations. Dense curves take full
 * Moore–Penrose steps. */
int cont_correct(cont *w, double *x, double *v)
{
    size_t N = w->N, M = N - 1;
    int chord = w->hooks, factors = 0, fresh = 0;
    double prev = INFINITY;
    w->j_fresh = 0;
    for (int it = 1; it <= (chord ? 2 : 1) * w->o.max_newton; it++) {
        if (cont_residual(w, x, w->F)) return -1;
        if (!chord || it == 1 || fresh) {
            if (cont_factor(w, x, v)) return -1;
            factors++, fresh = 0;
        }
        /* R = [F; 0]: x -= B^-1 R; Moore–Penrose: also v -= B^-1 Q with Q = [J v; 0] */
        memcpy(w->r1, w->F, M * sizeof *w->r1);
        w->r1[M] = 0.0;
        if (cont_solve(w, w->r1)) return -1;
        if (!chord && tangent_update(w, v)) return -1;
        for (size_t j = 0; j < N; j++) x[j] -= w->r1[j];
        double dx = cont_norm(w->r1, N);
        if (!isfinite(dx)) return -1;
        if (dx <= w->o.tol * fmax(1.0, cont_norm(x, N))) {
            if (cont_residual(w, x, w->F)) return -1;
            if (chord) { /* the tangent at x: one Moore–Penrose update with J(x) (the kept factors are
                            J(x) to within tol when the first iteration converged) */
                if (factors > 1 || it > 1) {
                    if (cont_factor(w, x, v)) return -1;
                    factors++;
                }
                if (tangent_update(w, v)) return -1;
            }
            /* J was taken a step of size < tol from x: close enough to reuse for the tests */
            w->j_fresh = !w->hooks;
            return chord ? factors + (it - factors + 1) / 2 : it;
        }
        if (it >= 2 && dx > 0.5 * prev) {
            if (!chord || factors > 1 + (it > 4)) return -1; /* slow contraction: the step was too long */
            fresh = 1;                                        /* the chord's matrix is stale: renew it */
        }
        prev = dx;
    }
    return -1;
}

int cont_newton_border(cont *w, double *z, const double *b, double target)
{
    size_t N = w->N, M = N - 1;
    double prev = INFINITY;
    w->j_fresh = 0;
    for (int it = 1; it <= w->o.max_newton; it++) {
        if (cont_residual(w, z, w->F) || cont_factor(w, z, b)) return -1;
        memcpy(w->r1, w->F, M * sizeof *w->r1);
        w->r1[M] = cont_dot(b, z, N) - target;
        if (cont_solve(w, w->r1)) return -1;
        for (size_t j = 0; j < N; j++) z[j] -= w->r1[j];
        double dx = cont_norm(w->r1, N);
        if (!isfinite(dx)) return -1;
        if (dx <= w->o.tol * fmax(1.0, cont_norm(z, N))) return cont_residual(w, z, w->F) ? -1 : it;
        if (it >= 2 && dx > 0.5 * prev) return -1;
        prev = dx;
    }
    return -1;
}

/* ---- the box ------------------------------------------------------------------------------------ */
static int in_box(const cont *w, const double *z)
{
    if (!w->o.lo || !w->o.hi) return 1;
    for (size_t i = 0; i < w->N; i++) { /* a curve lying on a face (x = 0 exactly) stays inside */
        double u = z[i] * w->s[i], slack = 1e-9 * (w->o.hi[i] - w->o.lo[i]);
        if (u < w->o.lo[i] - slack || u > w->o.hi[i] + slack) return 0;
    }
    return 1;
}

/* The first face the chord z -> zn crosses: the fraction of the chord, the component, the bound. */
static double first_face(const cont *w, const double *z, const double *zn, size_t *comp, double *bound)
{
    double frac = 1.0;
    *comp = w->N - 1, *bound = NAN;
    for (size_t i = 0; i < w->N; i++) {
        double a = z[i] * w->s[i], b = zn[i] * w->s[i];
        if (b == a) continue;
        if (b > w->o.hi[i] && (w->o.hi[i] - a) / (b - a) < frac) frac = (w->o.hi[i] - a) / (b - a), *comp = i, *bound = w->o.hi[i];
        if (b < w->o.lo[i] && (w->o.lo[i] - a) / (b - a) < frac) frac = (w->o.lo[i] - a) / (b - a), *comp = i, *bound = w->o.lo[i];
    }
    return fmax(frac, 0.0);
}

/* A start on a face of the box (a parameter at the end of its range, say) is corrected on that
 * face, so that the branch begins exactly there; its tangent follows. -1 when z is on no face
 * or Newton fails there. */
static int start_on_face(cont *w, double *z, double *v)
{
    if (!w->o.lo || !w->o.hi) return -1;
    size_t N = w->N;
    for (size_t i = N; i-- > 0;) { /* the parameters (last) first */
        double u = z[i] * w->s[i], slack = 1e-9 * (w->o.hi[i] - w->o.lo[i]), bound;
        if (fabs(u - w->o.lo[i]) <= slack) bound = w->o.lo[i];
        else if (fabs(u - w->o.hi[i]) <= slack) bound = w->o.hi[i];
        else continue;
        double *e = w->e;
        memset(e, 0, N * sizeof *e);
        e[i] = 1.0;
        memcpy(w->zf, z, N * sizeof *z);
        if (cont_newton_border(w, w->zf, e, bound / w->s[i]) < 0) return -1;
        if (tangent(w, w->zf, v, w->vf)) return -1;
        memcpy(z, w->zf, N * sizeof *z), memcpy(v, w->vf, N * sizeof *v);
        return 0;
    }
    return -1;
}

/* ---- the loop -------------------------------------------------------------------------------- */
typedef struct run_state {
    nd_branch *b;
    double h;                            /* the next step */
    double psi[ND_CONT_MAX_TESTS], psin[ND_CONT_MAX_TESTS], psi_first[ND_CONT_MAX_TESTS];
    double *z_first, *v_first;
    fold_tracker fold;
    double far;                          /* the largest distance from the first point so far */
    size_t since_adapt;
} run_state;

/* Stores z (its label), then asks the curve whether to stop; 1 when the branch ended. */
static int store(cont *w, run_state *r, const double *z, nd_status *st)
{
    if ((*st = cont_push_point(w, r->b, z)) || (*st = cont_fold_point(w, r->b, &r->fold, z))) return 1;
    if (w->o.progress) {
        double step = 1.0 / (double)w->o.max_points;
        w->o.progress(w->o.progress_ctx, step), w->reported += step;
    }
    char why[sizeof r->b->stop_reason];
    why[0] = '\0';
    if (w->c->stop && w->c->stop(w->c->ctx, why, sizeof why)) {
        cont_end(w, r->b, ND_STOP_CURVE, z, 0, 0.0, why);
        return 1;
    }
    return 0;
}

/* The step left the box: the point on the face it crossed, corrected by Newton there (the
 * interpolated point when Newton fails), with the special points before it. */
static nd_status end_on_face(cont *w, run_state *r)
{
    size_t N = w->N, comp;
    double bound, *zf = w->zf, *vf = w->vf;
    double frac = first_face(w, w->z, w->zn, &comp, &bound);
    for (size_t i = 0; i < N; i++) zf[i] = w->z[i] + frac * (w->zn[i] - w->z[i]);
    double *e = w->e;
    memset(e, 0, N * sizeof *e);
    e[comp] = 1.0;
    double *keep = w->vn; /* the interpolated point, should Newton fail */
    memcpy(keep, zf, N * sizeof *zf);
    if (cont_newton_border(w, zf, e, bound / w->s[comp]) < 0) memcpy(zf, keep, N * sizeof *zf);
    nd_status st = ND_OK;
    double h = cont_dot(w->v, zf, N) - cont_dot(w->v, w->z, N);
    if (!tangent(w, zf, w->v, vf) && h > 0 && !(st = cont_tests(w, zf, vf, r->psin)))
        st = cont_check_tests(w, r->b, &r->fold, r->b->n - 1, w->z, w->v, zf, vf, h, r->psi, r->psin);
    if (st) return st;
    if (store(w, r, zf, &st)) return st;
    cont_end(w, r->b, ND_STOP_BOX, zf, comp, bound, NULL);
    return ND_OK;
}

/* Whether the step z -> zn passed the first point again, going the same way: a closed curve. */
static int closes(cont *w, run_state *r)
{
    size_t N = w->N;
    if (r->b->n < 3) return 0;
    double d = 0.0, a = 0.0, L2 = 0.0;
    for (size_t i = 0; i < N; i++) {
        double dz = w->zn[i] - w->z[i], df = r->z_first[i] - w->z[i];
        a += dz * df, L2 += dz * dz;
    }
    double t = L2 > 0 ? a / L2 : 0.0;
    if (t < 0 || t > 1) return 0;
    for (size_t i = 0; i < N; i++) {
        double q = w->z[i] + t * (w->zn[i] - w->z[i]) - r->z_first[i];
        d += q * q;
    }
    double L = sqrt(L2);
    return sqrt(d) <= 0.1 * L + w->o.tol && r->far > 4 * L && cont_dot(w->vn, r->v_first, N) > 0.5;
}

static nd_status close_curve(cont *w, run_state *r)
{
    nd_status st = ND_OK;
    double h = cont_dot(w->v, r->z_first, w->N) - cont_dot(w->v, w->z, w->N);
    if (h > 0) st = cont_check_tests(w, r->b, &r->fold, r->b->n - 1, w->z, w->v, r->z_first, r->v_first, h, r->psi, r->psi_first);
    if (st || store(w, r, r->z_first, &st)) return st;
    cont_end(w, r->b, ND_STOP_CLOSED, r->z_first, 0, 0.0, NULL);
    return ND_OK;
}

/* Every adapt_every stored points: the curve may change its discretisation; the point is then
 * corrected on the new one (which replaces the last stored point), or the old one restored. */
static nd_status maybe_adapt(cont *w, run_state *r)
{
    const nd_curve_type *c = w->c;
    size_t N = w->N;
    if (!c->adapt || !c->adapt_every || ++r->since_adapt < c->adapt_every) return ND_OK;
    r->since_adapt = 0;
    double *uu = w->zz, *vv = w->vz;
    cont_to_u(w, w->z, uu);
    memcpy(vv, cont_tangent_u(w, w->v), N * sizeof *vv);
    if (!c->adapt(c->ctx, uu, vv)) return ND_OK;
    double *z = w->zn, *v = w->vn, psi[ND_CONT_MAX_TESTS];
    cont_to_z(w, uu, z);
    for (size_t i = 0; i < N; i++) v[i] = vv[i] / w->s[i];
    double nv = cont_norm(v, N);
    for (size_t i = 0; i < N; i++) v[i] /= nv;
    if (cont_correct(w, z, v) < 0 || cont_tests(w, z, v, psi)) {
        c->adapt(c->ctx, NULL, NULL); /* back to the discretisation of the stored points */
        return ND_OK;
    }
    if (cont_dot(v, w->v, N) < 0)
        for (size_t i = 0; i < N; i++) v[i] = -v[i];
    cont_to_u(w, z, r->b->u + (r->b->n - 1) * N);
    nd_status st = cont_junction(w, r->b, &r->fold, z, v, r->psi, psi);
    memcpy(w->z, z, N * sizeof *z), memcpy(w->v, v, N * sizeof *v), memcpy(r->psi, psi, sizeof psi);
    return st;
}

/* The next step after an accepted one: aim at half the largest turn, grow by at most 1.5, and
 * shrink after a slow corrector. */
static double next_step(const cont *w, double h, double angle, int iterations)
{
    double fa = angle > 0 ? 0.5 * w->o.max_angle / angle : 1.5;
    double fi = iterations <= 3 ? 1.5 : iterations <= 5 ? 1.0 : 0.7;
    double f = fmin(fmin(fa, fi), 1.5);
    return fmin(fmax(h * fmax(f, 0.5), w->o.h_min), w->o.h_max);
}

static nd_status run(cont *w, const double *u0, const double *v0, nd_branch *b)
{
    size_t N = w->N;
    double *z = w->z, *v = w->v, *zn = w->zn, *vn = w->vn;
    nd_status st;
    run_state r = {.b = b, .h = w->o.h0};
    r.z_first = malloc(3 * N * sizeof *r.z_first);
    if (!r.z_first) return nd_fail(w->err, ND_ENOMEM, "continuation: no memory");
    r.v_first = r.z_first + N, r.fold.u = r.z_first + 2 * N;
    cont_to_z(w, u0, z);
    if (v0) {
        for (size_t i = 0; i < N; i++) v[i] = v0[i] / w->s[i];
        double nv = cont_norm(v, N);
        if (!(nv > 0)) {
            free(r.z_first);
            return nd_fail(w->err, ND_EINVAL, "continuation: the initial tangent is zero");
        }
        for (size_t i = 0; i < N; i++) v[i] /= nv;
    } else {
        if ((st = tangent(w, z, NULL, v))) goto done;
        if ((w->o.direction < 0) != (v[N - 1] < 0))
            for (size_t i = 0; i < N; i++) v[i] = -v[i];
    }
    if (start_on_face(w, z, v) < 0 && cont_correct(w, z, v) < 0) {
        st = nd_fail(w->err, ND_EFAILED, "continuation: the starting point is not on the %s curve (the corrector did "
                     "not converge from it)", w->c->name);
        goto done;
    }
    memcpy(r.z_first, z, N * sizeof *z), memcpy(r.v_first, v, N * sizeof *v);
    if ((st = cont_tests(w, z, v, r.psi))) goto done;
    memcpy(r.psi_first, r.psi, sizeof r.psi);
    if (store(w, &r, z, &st)) goto done;
    while (b->n < w->o.max_points) {
        double h = r.h;
        for (size_t i = 0; i < N; i++) zn[i] = z[i] + h * v[i];
        memcpy(vn, v, N * sizeof *v);
        int it = cont_correct(w, zn, vn);
        double angle = 0.0;
        int reject = it < 0;
        if (!reject) {
            if (cont_dot(vn, v, N) < 0)
                for (size_t i = 0; i < N; i++) vn[i] = -vn[i];
            angle = acos(fmin(1.0, cont_dot(vn, v, N)));
            double dist = 0.0;
            for (size_t i = 0; i < N; i++) dist += (zn[i] - z[i] - h * v[i]) * (zn[i] - z[i] - h * v[i]);
            /* a sharp turn, or a corrected point far from the prediction (a jump to another
             * branch), is refused unless the step cannot shrink further */
            reject = (angle > w->o.max_angle || sqrt(dist) > 0.5 * h) && h > w->o.h_min;
        }
        if (reject) {
            if (h <= w->o.h_min) {
                cont_end(w, b, ND_STOP_STALLED, z, 0, 0.0, NULL);
                goto done;
            }
            r.h = fmax(0.5 * h, w->o.h_min);
            continue;
        }
        if (!in_box(w, zn)) {
            st = end_on_face(w, &r);
            goto done;
        }
        if ((st = cont_tests(w, zn, vn, r.psin))) goto done;
        /* a test function exactly zero at a point (a step landing on the zero) counts as
         * having changed sign there, so the zero is located and not lost between two steps */
        for (size_t k = 0; k < w->c->n_tests; k++)
            if (r.psin[k] == 0.0 && r.psi[k] != 0.0) r.psin[k] = -copysign(DBL_MIN, r.psi[k]);
        if (closes(w, &r)) {
            st = close_curve(w, &r);
            goto done;
        }
        if ((st = cont_check_tests(w, b, &r.fold, b->n - 1, z, v, zn, vn, h, r.psi, r.psin))) goto done;
        if (store(w, &r, zn, &st)) goto done;
        double dfirst = 0.0;
        for (size_t i = 0; i < N; i++) dfirst += (zn[i] - r.z_first[i]) * (zn[i] - r.z_first[i]);
        r.far = fmax(r.far, sqrt(dfirst));
        memcpy(z, zn, N * sizeof *z), memcpy(v, vn, N * sizeof *v), memcpy(r.psi, r.psin, sizeof r.psi);
        if ((st = maybe_adapt(w, &r))) goto done;
        r.h = next_step(w, h, angle, it);
    }
    cont_end(w, b, ND_STOP_BUDGET, z, 0, 0.0, NULL);
done:
    free(r.z_first);
    return st;
}

/* ---- set-up ---------------------------------------------------------------------------------- */
nd_status cont_setup(cont *w, const nd_curve_type *c, const nd_cont_opts *opts, nd_error *err)
{
    memset(w, 0, sizeof *w);
    int hooks = c && c->bordered_factor && c->bordered_solve && c->jacobian_vector;
    if (!c || !c->residual || c->dim < 2 || (!hooks && c->dim > 64))
        return nd_fail(err, ND_EINVAL, "continuation: the curve type needs a residual and 2..64 unknowns "
                                       "(more with its own bordered solver)");
    if (c->n_tests > ND_CONT_MAX_TESTS || (c->n_tests && !c->tests))
        return nd_fail(err, ND_EINVAL, "continuation: bad test-function table");
    *w = (cont){.c = c, .N = c->dim, .hooks = hooks, .err = err};
    nd_cont_opts d;
    nd_cont_opts_init(&d);
    w->o = opts ? *opts : d;
    if (!(w->o.h0 > 0)) w->o.h0 = d.h0;
    if (!(w->o.h_min > 0)) w->o.h_min = d.h_min;
    if (!(w->o.h_max > 0)) w->o.h_max = d.h_max;
    if (!(w->o.max_angle > 0)) w->o.max_angle = d.max_angle;
    if (!w->o.max_points) w->o.max_points = d.max_points;
    if (w->o.max_newton <= 0) w->o.max_newton = d.max_newton;
    if (!(w->o.tol > 0)) w->o.tol = d.tol;
    if (!(w->o.locate_tol > 0)) w->o.locate_tol = d.locate_tol;
    if (!w->o.direction) w->o.direction = 1;
    w->o.h_min = fmin(w->o.h_min, w->o.h_max);
    w->o.h0 = fmin(fmax(w->o.h0, w->o.h_min), w->o.h_max);
    size_t N = w->N;
    if (w->o.scale)
        for (size_t i = 0; i < N; i++)
            if (!(w->o.scale[i] > 0) || !isfinite(w->o.scale[i]))
                return nd_fail(err, ND_EINVAL, "continuation: scale[%zu] = %g (must be positive and finite)", i,
                               w->o.scale[i]);
    gsl_set_error_handler_off();
    size_t dense = hooks ? 0 : 3 * N * N;
    double *mem = calloc(dense + 22 * N, sizeof *mem);
    w->perm = hooks ? NULL : gsl_permutation_alloc(N);
    if (!mem || (!hooks && !w->perm)) {
        free(mem);
        if (w->perm) gsl_permutation_free(w->perm);
        return nd_fail(err, ND_ENOMEM, "continuation: no memory for N = %zu", N);
    }
    if (!hooks) w->J = mem, w->Ju = mem + N * N, w->B = mem + 2 * N * N;
    double *vec = mem + dense;
    double **slots[] = {&w->s, &w->u, &w->uv, &w->F, &w->r1, &w->r2, &w->t1, &w->t2, &w->e,
                        &w->z, &w->v, &w->zn, &w->vn, &w->zz, &w->vz, &w->zf, &w->vf, &w->zb, &w->vb, &w->zc, &w->vc};
    for (size_t i = 0; i < sizeof slots / sizeof *slots; i++) *slots[i] = vec + i * N;
    for (size_t i = 0; i < N; i++) w->s[i] = w->o.scale ? w->o.scale[i] : 1.0;
    return ND_OK;
}

void cont_teardown(cont *w)
{
    if (w->J) free(w->J);
    else free(w->s);
    if (w->perm) gsl_permutation_free(w->perm);
    memset(w, 0, sizeof *w);
}

nd_status nd_continue(const nd_curve_type *c, const double *u0, const double *v0, const nd_cont_opts *opts,
                      nd_branch *out, nd_error *err)
{
    if (!out) return nd_fail(err, ND_EINVAL, "continuation: branch is NULL");
    memset(out, 0, sizeof *out);
    if (!u0) return nd_fail(err, ND_EINVAL, "continuation: the starting point is NULL");
    cont w;
    nd_status st = cont_setup(&w, c, opts, err);
    if (st) return st;
    out->dim = w.N;
    st = run(&w, u0, v0, out);
    if (w.o.progress && w.reported < 1.0) w.o.progress(w.o.progress_ctx, 1.0 - w.reported); /* the branch is done */
    cont_teardown(&w);
    if (st) nd_branch_free(out);
    return st;
}
