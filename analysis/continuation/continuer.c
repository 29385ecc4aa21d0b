/* The continuer: pseudo-arclength with a Moore–Penrose corrector (Allgower & Georg,
 * Introduction to Numerical Continuation Methods, 1990; MatCont's cont.m and newtcorr.m),
 * adaptive steps, test functions and location of their zeros. It is generic over curve types
 * (include/neurodyn/continuation.h) and knows nothing about models. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "neurodyn/continuation.h"

void nd_cont_opts_init(nd_cont_opts *o)
{
    memset(o, 0, sizeof *o);
    o->h0 = 1e-2, o->h_min = 1e-8, o->h_max = 0.1;
    o->max_points = 2000;
    o->max_newton = 8;
    o->tol = 1e-10;
    o->locate_tol = 1e-11;
    o->direction = 1;
}

/* Workspace of one continuation. */
typedef struct cont {
    const nd_curve_type *c;
    nd_cont_opts o;
    size_t N;
    double *J, *B, *rhs, *rhs2, *F, *tmp, *dx;
    double *u, *v, *un, *vn, *uz, *vz, *e; /* N each */
    int j_fresh; /* J holds the Jacobian of the last converged corrector iteration */
    gsl_permutation *perm;
    nd_error *err;
} cont;

static nd_status jacobian(cont *w, const double *u, double *J)
{
    const nd_curve_type *c = w->c;
    if (c->jacobian) return c->jacobian(c->ctx, u, J, w->err);
    size_t N = w->N, M = N - 1;
    double *up = w->tmp, *Fp = w->rhs2, *Fm = w->dx;
    memcpy(up, u, N * sizeof *up);
    for (size_t j = 0; j < N; j++) {
        double h = cbrt(DBL_EPSILON) * fmax(1.0, fabs(u[j]));
        up[j] = u[j] + h;
        nd_status st = c->residual(c->ctx, up, Fp, w->err);
        up[j] = u[j] - h;
        if (!st) st = c->residual(c->ctx, up, Fm, w->err);
        up[j] = u[j];
        if (st) return st;
        for (size_t i = 0; i < M; i++) J[i * N + j] = (Fp[i] - Fm[i]) / (2 * h);
    }
    return ND_OK;
}

static int has_hooks(const cont *w) { return w->c->bordered_factor && w->c->bordered_solve; }

/* B = [J; v^T], LU-factorised in place; 0 when non-singular. */
static int factor_bordered(cont *w, const double *J, const double *v)
{
    size_t N = w->N;
    memcpy(w->B, J, (N - 1) * N * sizeof *w->B);
    memcpy(w->B + (N - 1) * N, v, N * sizeof *v);
    gsl_matrix_view Bm = gsl_matrix_view_array(w->B, N, N);
    int sign;
    if (gsl_linalg_LU_decomp(&Bm.matrix, w->perm, &sign)) return -1;
    for (size_t i = 0; i < N; i++)
        if (w->B[i * N + i] == 0.0) return -1;
    return 0;
}

static int solve_bordered(cont *w, double *x)
{
    gsl_matrix_view Bm = gsl_matrix_view_array(w->B, w->N, w->N);
    gsl_vector_view xv = gsl_vector_view_array(x, w->N);
    return gsl_linalg_LU_svx(&Bm.matrix, w->perm, &xv.vector);
}

static double norm(const double *v, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += v[i] * v[i];
    return sqrt(s);
}

/* The tangent at u: the solution of [J; ref^T] t = e_N, normalised, oriented along ref. */
static nd_status tangent(cont *w, const double *u, const double *ref, double *t)
{
    size_t N = w->N;
    w->j_fresh = 0;
    nd_status st = has_hooks(w) ? ND_OK : jacobian(w, u, w->J);
    if (st) return st;
    double *e = w->e;
    const double *r = ref;
    for (size_t trial = 0; trial <= N; trial++) {
        if (!ref || trial > 0) { /* no reference, or a singular border: try unit vectors */
            size_t k = trial == 0 ? N - 1 : (N - trial) % N;
            memset(e, 0, N * sizeof *e);
            e[k] = 1.0;
            r = e;
        }
        memset(t, 0, N * sizeof *t);
        t[N - 1] = 1.0;
        if (has_hooks(w)) {
            if (w->c->bordered_factor(w->c->ctx, u, r, NULL, NULL) || w->c->bordered_solve(w->c->ctx, t, NULL)) continue;
        } else if (factor_bordered(w, w->J, r) || solve_bordered(w, t)) {
            continue;
        }
        double n = norm(t, N);
        if (!(n > 0) || !isfinite(n)) continue;
        double dot = 0.0;
        for (size_t i = 0; i < N; i++) t[i] /= n;
        if (ref) {
            for (size_t i = 0; i < N; i++) dot += t[i] * ref[i];
            if (dot < 0)
                for (size_t i = 0; i < N; i++) t[i] = -t[i];
        }
        return ND_OK;
    }
    return nd_fail(w->err, ND_EFAILED, "continuation: no tangent at the current point (the Jacobian has rank < N - 1)");
}

/* Moore–Penrose corrector from the predicted point x with tangent v (both updated in place).
 * Returns the number of iterations used, or -1 when it does not converge. */
static int correct(cont *w, double *x, double *v)
{
    size_t N = w->N, M = N - 1;
    const nd_curve_type *c = w->c;
    w->j_fresh = 0;
    for (int it = 1; it <= w->o.max_newton; it++) {
        if (c->residual(c->ctx, x, w->F, NULL)) return -1;
        /* R = [F; 0], Q = [J v; 0] */
        if (has_hooks(w)) {
            if (c->bordered_factor(c->ctx, x, v, w->rhs2, NULL)) return -1;
        } else {
            if (jacobian(w, x, w->J) || factor_bordered(w, w->J, v)) return -1;
            for (size_t i = 0; i < M; i++) {
                double jv = 0.0;
                for (size_t j = 0; j < N; j++) jv += w->J[i * N + j] * v[j];
                w->rhs2[i] = jv;
            }
        }
        memcpy(w->rhs, w->F, M * sizeof *w->rhs);
        w->rhs[M] = 0.0, w->rhs2[M] = 0.0;
        if (has_hooks(w)) {
            if (c->bordered_solve(c->ctx, w->rhs, NULL) || c->bordered_solve(c->ctx, w->rhs2, NULL)) return -1;
        } else if (solve_bordered(w, w->rhs) || solve_bordered(w, w->rhs2)) {
            return -1;
        }
        for (size_t j = 0; j < N; j++) v[j] -= w->rhs2[j];
        double nv = norm(v, N);
        if (!(nv > 0) || !isfinite(nv)) return -1;
        for (size_t j = 0; j < N; j++) v[j] /= nv, x[j] -= w->rhs[j];
        double dxn = norm(w->rhs, N), fn = norm(w->F, M);
        if (!isfinite(dxn)) return -1;
        if (dxn < w->o.tol * fmax(1.0, norm(x, N)) && fn < w->o.tol * 1e2) {
            if (c->residual(c->ctx, x, w->F, NULL)) return -1;
            /* J was taken a step of size < tol from x: close enough to reuse for the tests */
            if (norm(w->F, M) < w->o.tol * 1e2) return w->j_fresh = !has_hooks(w), it;
        }
    }
    return -1;
}

static int in_box(const cont *w, const double *u)
{
    if (!w->o.lo || !w->o.hi) return 1;
    for (size_t i = 0; i < w->N; i++) { /* a curve lying on a face (x = 0 exactly) stays inside */
        double slack = 1e-9 * (w->o.hi[i] - w->o.lo[i]);
        if (u[i] < w->o.lo[i] - slack || u[i] > w->o.hi[i] + slack) return 0;
    }
    return 1;
}

/* ---- the branch being built ----------------------------------------------------------------- */
static nd_status push_point(nd_branch *b, const double *u, int label, nd_error *err)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 256;
        double *nu = realloc(b->u, cap * b->dim * sizeof *nu);
        if (!nu) return nd_fail(err, ND_ENOMEM, "continuation: no memory for %zu points", cap);
        b->u = nu;
        int *nl = realloc(b->label, cap * sizeof *nl);
        if (!nl) return nd_fail(err, ND_ENOMEM, "continuation: no memory for %zu points", cap);
        b->label = nl, b->cap = cap;
    }
    memcpy(b->u + b->n * b->dim, u, b->dim * sizeof *u);
    b->label[b->n++] = label;
    return ND_OK;
}

static nd_status push_special(nd_branch *b, int test, size_t after, const double *u, const double *data,
                              nd_error *err)
{
    if (b->n_special == b->special_cap) {
        size_t cap = b->special_cap ? 2 * b->special_cap : 8;
        nd_special_point *ns = realloc(b->special, cap * sizeof *ns);
        if (!ns) return nd_fail(err, ND_ENOMEM, "continuation: no memory");
        b->special = ns, b->special_cap = cap;
    }
    nd_special_point *sp = &b->special[b->n_special];
    sp->u = malloc(b->dim * sizeof *sp->u);
    if (!sp->u) return nd_fail(err, ND_ENOMEM, "continuation: no memory");
    memcpy(sp->u, u, b->dim * sizeof *u);
    memcpy(sp->data, data, sizeof sp->data);
    sp->test = test, sp->after = after;
    b->n_special++;
    return ND_OK;
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

static int label_of(const cont *w, const double *u)
{
    return w->c->label ? w->c->label(w->c->ctx, u) : -1;
}

/* ---- special points ------------------------------------------------------------------------ */
static nd_status eval_tests(cont *w, const double *u, const double *v, double *psi)
{
    const nd_curve_type *c = w->c;
    if (!c->n_tests) return ND_OK;
    if (has_hooks(w)) return c->tests(c->ctx, u, v, NULL, psi, w->err);
    /* the corrector's last Jacobian is reused at the point it just converged to */
    nd_status st = w->j_fresh ? ND_OK : jacobian(w, u, w->J);
    w->j_fresh = 0;
    return st ? st : c->tests(c->ctx, u, v, w->J, psi, w->err);
}

/* The point at arclength s from (u0, v0), corrected, with its tangent; 0 on success. */
static int point_at(cont *w, const double *u0, const double *v0, double s, double *u, double *v)
{
    for (size_t i = 0; i < w->N; i++) u[i] = u0[i] + s * v0[i], v[i] = v0[i];
    return correct(w, u, v) < 0 ? -1 : 0;
}

/* point_at, nudged off s when the corrector breaks down exactly there (at a branch point the
 * bordered matrix itself is singular, and a linear test function lands on it exactly). */
static int point_near(cont *w, const double *u0, const double *v0, double s, double h, double *u, double *v)
{
    if (!point_at(w, u0, v0, s, u, v)) return 0;
    double eps = 1e-9 * fabs(h);
    return point_at(w, u0, v0, s + eps, u, v) && point_at(w, u0, v0, s - eps, u, v) ? -1 : 0;
}

/* Illinois on the arclength between (u0, psi0) and the next point at distance h for the
 * zero of test k; the located point goes to uz (its tangent to vz). */
static int locate(cont *w, int k, const double *u0, const double *v0, double h, double psi0, double psi1,
                  double *uz, double *vz)
{
    double a = 0.0, b = h, fa = psi0, fb = psi1, psi[ND_CONT_MAX_TESTS];
    int side = 0;
    for (int it = 0; it < 100 && fabs(b - a) > w->o.locate_tol; it++) {
        double s = fb != fa ? b - fb * (b - a) / (fb - fa) : 0.5 * (a + b);
        if (!(s > fmin(a, b) && s < fmax(a, b))) s = 0.5 * (a + b);
        if (point_near(w, u0, v0, s, h, uz, vz) || eval_tests(w, uz, vz, psi)) return -1;
        double fs = psi[k];
        if (fs == 0.0) return 0;
        if ((fs > 0) == (fb > 0)) {
            b = s, fb = fs;
            if (side == 1) fa *= 0.5;
            side = 1;
        } else {
            a = s, fa = fs;
            if (side == -1) fb *= 0.5;
            side = -1;
        }
    }
    return point_near(w, u0, v0, 0.5 * (a + b), h, uz, vz);
}

static nd_status check_tests(cont *w, nd_branch *b, const double *u0, const double *v0, double h,
                             const double *psi0, const double *psi1)
{
    const nd_curve_type *c = w->c;
    double *uz = w->uz, *vz = w->vz, data[ND_CONT_DATA];
    for (size_t k = 0; k < c->n_tests; k++) {
        if (!(psi0[k] * psi1[k] < 0)) continue;
        if (locate(w, (int)k, u0, v0, h, psi0[k], psi1[k], uz, vz)) continue; /* not resolvable: skip */
        memset(data, 0, sizeof data);
        if (c->accept && !c->accept(c->ctx, (int)k, uz, vz, data)) continue;
        nd_status st = push_special(b, (int)k, b->n - 1, uz, data, w->err);
        if (st) return st;
    }
    return ND_OK;
}

/* ---- the loop -------------------------------------------------------------------------------- */
static nd_status run(cont *w, const double *u0, const double *v0, nd_branch *b)
{
    size_t N = w->N;
    double *u = w->u, *v = w->v, *un = w->un, *vn = w->vn, psi[ND_CONT_MAX_TESTS], psin[ND_CONT_MAX_TESTS];
    memcpy(u, u0, N * sizeof *u);
    nd_status st;
    if (v0) {
        memcpy(v, v0, N * sizeof *v);
    } else {
        if ((st = tangent(w, u, NULL, v))) return st;
        if ((w->o.direction < 0) != (v[N - 1] < 0))
            for (size_t i = 0; i < N; i++) v[i] = -v[i];
    }
    if (correct(w, u, v) < 0)
        return nd_fail(w->err, ND_EFAILED, "continuation: the starting point is not on the %s curve "
                       "(the corrector did not converge from it)", w->c->name);
    if ((st = push_point(b, u, label_of(w, u), w->err)) || (st = eval_tests(w, u, v, psi))) return st;
    double h = w->o.h0;
    while (b->n < w->o.max_points) {
        memcpy(un, u, N * sizeof *u);
        int it = point_at(w, u, v, h, un, vn) ? -1 : 1;
        if (it < 0) {
            h *= 0.5;
            if (h < w->o.h_min) {
                snprintf(b->stop_reason, sizeof b->stop_reason,
                         "the corrector failed at the smallest step %g (last point u[N-1] = %.10g)", w->o.h_min, u[N - 1]);
                return ND_OK;
            }
            continue;
        }
        if (!in_box(w, un)) { /* end exactly on the box: interpolate to the first face crossed */
            double s = 1.0;
            for (size_t i = 0; i < N; i++) {
                if (un[i] > w->o.hi[i] && un[i] != u[i]) s = fmin(s, (w->o.hi[i] - u[i]) / (un[i] - u[i]));
                if (un[i] < w->o.lo[i] && un[i] != u[i]) s = fmin(s, (w->o.lo[i] - u[i]) / (un[i] - u[i]));
            }
            for (size_t i = 0; i < N; i++) un[i] = u[i] + fmax(s, 0.0) * (un[i] - u[i]);
            if ((st = push_point(b, un, label_of(w, un), w->err))) return st;
            snprintf(b->stop_reason, sizeof b->stop_reason, "left the box at u[N-1] = %.10g", un[N - 1]);
            return ND_OK;
        }
        /* orientation: the corrected tangent keeps the direction of travel */
        double dot = 0.0;
        for (size_t i = 0; i < N; i++) dot += vn[i] * v[i];
        if (dot < 0)
            for (size_t i = 0; i < N; i++) vn[i] = -vn[i];
        if ((st = eval_tests(w, un, vn, psin))) return st;
        /* a test function exactly zero at a point (a step landing on the zero) counts as
         * having changed sign there, so the zero is located and not lost between two steps */
        for (size_t k = 0; k < w->c->n_tests; k++)
            if (psin[k] == 0.0 && psi[k] != 0.0) psin[k] = -copysign(DBL_MIN, psi[k]);
        if ((st = check_tests(w, b, u, v, h, psi, psin))) return st;
        if ((st = push_point(b, un, label_of(w, un), w->err))) return st;
        memcpy(u, un, N * sizeof *u), memcpy(v, vn, N * sizeof *v), memcpy(psi, psin, sizeof psi);
        h = fmin(h * 1.3, w->o.h_max);
    }
    snprintf(b->stop_reason, sizeof b->stop_reason, "reached the point budget of %zu", w->o.max_points);
    return ND_OK;
}

nd_status nd_continue(const nd_curve_type *c, const double *u0, const double *v0,
                      const nd_cont_opts *opts, nd_branch *out, nd_error *err)
{
    if (!out) return nd_fail(err, ND_EINVAL, "continuation: branch is NULL");
    memset(out, 0, sizeof *out);
    int hooks = c && c->bordered_factor && c->bordered_solve;
    if (!c || !c->residual || c->dim < 2 || (!hooks && c->dim > 64))
        return nd_fail(err, ND_EINVAL, "continuation: the curve type needs a residual and 2..64 unknowns "
                                       "(more with its own bordered solver)");
    if (c->n_tests > ND_CONT_MAX_TESTS || (c->n_tests && !c->tests))
        return nd_fail(err, ND_EINVAL, "continuation: bad test-function table");
    cont w = {.c = c, .N = c->dim, .err = err};
    if (opts) w.o = *opts;
    else nd_cont_opts_init(&w.o);
    nd_cont_opts d;
    nd_cont_opts_init(&d);
    if (!(w.o.h0 > 0)) w.o.h0 = d.h0;
    if (!(w.o.h_min > 0)) w.o.h_min = d.h_min;
    if (!(w.o.h_max > 0)) w.o.h_max = d.h_max;
    if (!w.o.max_points) w.o.max_points = d.max_points;
    if (w.o.max_newton <= 0) w.o.max_newton = d.max_newton;
    if (!(w.o.tol > 0)) w.o.tol = d.tol;
    if (!(w.o.locate_tol > 0)) w.o.locate_tol = d.locate_tol;
    if (!w.o.direction) w.o.direction = 1;
    size_t N = w.N;
    gsl_set_error_handler_off();
    size_t dense = hooks ? 0 : 2 * N * N; /* structured curve types bring their own solver */
    double *mem = calloc(dense + 13 * N, sizeof *mem);
    w.perm = hooks ? NULL : gsl_permutation_alloc(N);
    if (!mem || (!hooks && !w.perm)) {
        free(mem);
        if (w.perm) gsl_permutation_free(w.perm);
        return nd_fail(err, ND_ENOMEM, "continuation: no memory for N = %zu", N);
    }
    w.J = hooks ? NULL : mem, w.B = hooks ? NULL : mem + N * N;
    double *vec = mem + dense;
    w.rhs = vec, w.rhs2 = vec + N, w.F = vec + 2 * N, w.tmp = vec + 3 * N, w.dx = vec + 4 * N;
    w.u = vec + 5 * N, w.v = vec + 6 * N, w.un = vec + 7 * N, w.vn = vec + 8 * N;
    w.uz = vec + 9 * N, w.vz = vec + 10 * N, w.e = vec + 11 * N;
    out->dim = N;
    nd_status st = run(&w, u0, v0, out);
    free(mem);
    if (w.perm) gsl_permutation_free(w.perm);
    if (st) nd_branch_free(out);
    return st;
}
