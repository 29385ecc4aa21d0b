/* Special points of a branch: the curve's test functions between accepted points, the zeros of
 * those that change sign, located by an Illinois iteration on the arclength (every trial point
 * corrected onto the curve), and for branch-point tests the check that a branch point is there:
 * a two-dimensional kernel of the Jacobian and a second branch along it (MatCont's BP
 * detection: Govaerts 2000, sec. 3.3; Allgower & Georg 1990, sec. 8.1). */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_linalg.h>

#include "internal.h"

nd_status cont_tests(cont *w, const double *z, const double *v, double *psi)
{
    const nd_curve_type *c = w->c;
    if (!c->n_tests) return ND_OK;
    cont_to_u(w, z, w->u);
    const double *vu = cont_tangent_u(w, v);
    if (w->hooks) return c->tests(c->ctx, w->u, vu, NULL, psi, w->err);
    /* the corrector's last Jacobian is reused at the point it just converged to */
    nd_status st = w->j_fresh ? ND_OK : cont_jacobian(w, z);
    w->j_fresh = 0;
    if (st) return st;
    cont_to_u(w, z, w->u);
    return c->tests(c->ctx, w->u, cont_tangent_u(w, v), w->Ju, psi, w->err);
}

/* The point at arclength s from (z0, v0), corrected, with its tangent; 0 on success. */
static int point_at(cont *w, const double *z0, const double *v0, double s, double *z, double *v)
{
    for (size_t i = 0; i < w->N; i++) z[i] = z0[i] + s * v0[i], v[i] = v0[i];
    if (cont_correct(w, z, v) < 0) return -1;
    if (cont_dot(v, v0, w->N) < 0)
        for (size_t i = 0; i < w->N; i++) v[i] = -v[i];
    return 0;
}

/* point_at, nudged off s when the corrector breaks down exactly there (at a branch point the
 * bordered matrix itself is singular, and a linear test function lands on it exactly). */
static int point_near(cont *w, const double *z0, const double *v0, double s, double h, double *z, double *v)
{
    if (!point_at(w, z0, v0, s, z, v)) return 0;
    for (double eps = 10 * w->o.locate_tol; eps <= 1e-9 * fabs(h) || eps == 10 * w->o.locate_tol; eps *= 100)
        if (!point_at(w, z0, v0, s + eps, z, v) || !point_at(w, z0, v0, s - eps, z, v)) return 0;
    return -1;
}

/* The corrected point at arclength s between the bracket's corrected ends (sa, za, va) and
 * (sb, zb, vb): predicted on the chord between them, so that the corrector starts close to the
 * curve; from (z0, v0) as point_near does when that fails. */
typedef struct end_point {
    double s, *z, *v;
} end_point;

static int point_between(cont *w, const end_point *a, const end_point *b, const double *z0, const double *v0, double s,
                         double h)
{
    size_t N = w->N;
    double t = b->s != a->s ? (s - a->s) / (b->s - a->s) : 0.5;
    for (size_t i = 0; i < N; i++)
        w->zz[i] = a->z[i] + t * (b->z[i] - a->z[i]), w->vz[i] = a->v[i] + t * (b->v[i] - a->v[i]);
    double nv = cont_norm(w->vz, N);
    if (nv > 0) {
        for (size_t i = 0; i < N; i++) w->vz[i] /= nv;
        if (cont_correct(w, w->zz, w->vz) >= 0) {
            if (cont_dot(w->vz, v0, N) < 0)
                for (size_t i = 0; i < N; i++) w->vz[i] = -w->vz[i];
            return 0;
        }
    }
    return point_near(w, z0, v0, s, h, w->zz, w->vz);
}

/* Illinois on the arclength between (z0, v0, psi0) and z1 (v1, psi1) at distance h for the zero
 * of test k; the located point goes to zz (its tangent to vz). */
static int locate(cont *w, int k, const double *z0, const double *v0, const double *z1, const double *v1, double h,
                  double psi0, double psi1)
{
    size_t N = w->N;
    double fa = psi0, fb = psi1, psi[ND_CONT_MAX_TESTS], size = fmax(fabs(psi0), fabs(psi1));
    double ta = psi0, tb = psi1; /* the test's values at the bracket's ends (fa, fb: Illinois's) */
    double *mem = malloc(4 * N * sizeof *mem);
    if (!mem) return -1;
    end_point A = {0.0, mem, mem + N}, B = {h, mem + 2 * N, mem + 3 * N};
    memcpy(A.z, z0, N * sizeof *z0), memcpy(A.v, v0, N * sizeof *v0);
    memcpy(B.z, z1, N * sizeof *z1), memcpy(B.v, v1, N * sizeof *v1);
    int side = 0, rc = 1;
    for (int it = 0; it < 100 && fabs(B.s - A.s) > w->o.locate_tol && rc > 0; it++) {
        /* a jump, not a zero: the bracket has closed in while the test stays large on both sides */
        if (it >= 20 && fabs(B.s - A.s) < 1e-8 * fabs(h) && fmin(fabs(fa), fabs(fb)) > 1e-3 * size) rc = -1;
        double s = fb != fa ? B.s - fb * (B.s - A.s) / (fb - fa) : 0.5 * (A.s + B.s);
        if (!(s > fmin(A.s, B.s) && s < fmax(A.s, B.s))) s = 0.5 * (A.s + B.s);
        w->j_fresh = 0; /* the zero is located with the Jacobian at the point itself */
        if (rc < 0 || point_between(w, &A, &B, z0, v0, s, h) || (w->j_fresh = 0, cont_tests(w, w->zz, w->vz, psi))) {
            rc = -1;
            break;
        }
        double fs = psi[k];
        /* done when the zero is within locate_tol / 10 of s by the secant over the bracket, or a
         * fold's tangent component is at the tangent's rounding level (1e-10: in a canard the
         * curve runs parallel to the parameter axis and the zero's place is not defined better,
         * while the parameter there is) */
        int fold = w->c->test_kind[k] == ND_TEST_FOLD && fabs(fs) <= 1e-10;
        if (fs == 0.0 || fold || fabs(fs) * fabs(B.s - A.s) <= 0.1 * w->o.locate_tol * fabs(tb - ta)) {
            rc = 0;
            break;
        }
        end_point *keep = (fs > 0) == (fb > 0) ? &B : &A;
        keep->s = s;
        memcpy(keep->z, w->zz, N * sizeof *w->zz), memcpy(keep->v, w->vz, N * sizeof *w->vz);
        if (keep == &B) {
            fb = tb = fs;
            if (side == 1) fa *= 0.5;
            side = 1;
        } else {
            fa = ta = fs;
            if (side == -1) fb *= 0.5;
            side = -1;
        }
    }
    if (rc > 0) rc = point_between(w, &A, &B, z0, v0, 0.5 * (A.s + B.s), h);
    free(mem);
    return rc;
}

/* Whether the located zero (zz, vz) of a branch-point test is a branch point: the Jacobian (in
 * scaled units) has a second singular value below 1e-6 of its largest, and Newton in the
 * hyperplane a small distance eps along the second kernel direction w converges (a second
 * branch crosses there). The dense curves only; a curve with its own solver is trusted. */
static int is_branch_point(cont *w, double h)
{
    size_t N = w->N, M = N - 1;
    if (w->hooks) return 1;
    if (cont_jacobian(w, w->zz)) return 0;
    double *A = malloc((2 * N * N + 3 * N) * sizeof *A);
    if (!A) return 0;
    double *V = A + N * N, *S = V + N * N, *work = S + N, *x = work + N;
    memcpy(A, w->J, M * N * sizeof *A); /* [J; 0]: its kernel holds the tangent and, at a BP, w */
    memset(A + M * N, 0, N * sizeof *A);
    gsl_matrix_view Am = gsl_matrix_view_array(A, N, N), Vm = gsl_matrix_view_array(V, N, N);
    gsl_vector_view Sv = gsl_vector_view_array(S, N), Wv = gsl_vector_view_array(work, N);
    int ok = 0;
    if (gsl_linalg_SV_decomp(&Am.matrix, &Vm.matrix, &Sv.vector, &Wv.vector)) goto out;
    if (!(S[N - 2] <= 1e-6 * S[0])) goto out;
    /* w: the kernel vector orthogonal to the tangent */
    double *dir = w->e;
    double c1 = 0.0, c2 = 0.0;
    for (size_t i = 0; i < N; i++) c1 += V[i * N + N - 1] * w->vz[i], c2 += V[i * N + N - 2] * w->vz[i];
    for (size_t i = 0; i < N; i++) dir[i] = c2 * V[i * N + N - 1] - c1 * V[i * N + N - 2];
    double nd = cont_norm(dir, N);
    if (!(nd > 0)) goto out;
    for (size_t i = 0; i < N; i++) dir[i] /= nd;
    double eps = fmax(1e-3 * fabs(h), 100 * w->o.tol);
    for (int sign = -1; sign <= 1 && !ok; sign += 2) {
        for (size_t i = 0; i < N; i++) x[i] = w->zz[i] + sign * eps * dir[i];
        double target = cont_dot(dir, x, N);
        double *b = malloc(N * sizeof *b);
        if (!b) break;
        memcpy(b, dir, N * sizeof *b);
        ok = cont_newton_border(w, x, b, target) >= 0;
        free(b);
    }
out:
    free(A);
    return ok;
}

/* ---- folds ----------------------------------------------------------------------------------- */
/* A zero of a fold test (psi = v[N-1]) is a turn of the last component p along the curve. Where
 * the curve runs parallel to the p axis (a canard explosion, a family of cycles at one parameter
 * value) p is flat to rounding over long stretches and the sign of v[N-1] flips with noise. So a
 * located turn is held and reported only once p has moved back from it by more than
 * FOLD_NOISE (in scaled units, relative to max(1, |p|)); a turn the other way before that, within
 * the noise, cancels it (both were noise); of two turns of the same kind the more extreme is
 * kept. An unconfirmed turn at the end of a branch is dropped. */
#define FOLD_NOISE 1e-9

static double fold_noise(double p) { return FOLD_NOISE * fmax(1.0, fabs(p)); }

static void fold_keep(cont *w, fold_tracker *f, int kind, int test, size_t after, const double *z, const double *data)
{
    f->pending = kind, f->test = test, f->after = after, f->p = z[w->N - 1];
    memcpy(f->u, z, w->N * sizeof *z);
    memcpy(f->data, data, sizeof f->data);
}

static nd_status fold_commit(cont *w, nd_branch *b, fold_tracker *f)
{
    f->pending = 0;
    return cont_push_special(w, b, f->test, f->after, f->u, f->data);
}

/* A located turn at z: kind +1 a maximum of p, -1 a minimum. */
static nd_status fold_candidate(cont *w, nd_branch *b, fold_tracker *f, int kind, int test, size_t after,
                                const double *z, const double *data)
{
    double p = z[w->N - 1];
    if (f->pending == kind) { /* two turns the same way: the other between them was lost */
        if ((kind > 0 && p > f->p) || (kind < 0 && p < f->p)) fold_keep(w, f, kind, test, after, z, data);
        return ND_OK;
    }
    if (f->pending) {
        if (fabs(p - f->p) <= fold_noise(p)) { /* a wiggle within the noise: neither is a fold */
            f->pending = 0;
            return ND_OK;
        }
        nd_status st = fold_commit(w, b, f);
        if (st) return st;
    }
    fold_keep(w, f, kind, test, after, z, data);
    return ND_OK;
}

nd_status cont_fold_point(cont *w, nd_branch *b, fold_tracker *f, const double *z)
{
    double p = z[w->N - 1];
    if ((f->pending > 0 && p < f->p - fold_noise(p)) || (f->pending < 0 && p > f->p + fold_noise(p)))
        return fold_commit(w, b, f);
    return ND_OK;
}

nd_status cont_check_tests(cont *w, nd_branch *b, fold_tracker *f, size_t after, const double *z0, const double *v0,
                           const double *z1, const double *v1, double h, const double *psi0, const double *psi1)
{
    const nd_curve_type *c = w->c;
    double data[ND_CONT_DATA];
    for (size_t k = 0; k < c->n_tests; k++) {
        if (!(psi0[k] * psi1[k] < 0)) continue;
        if (c->bracket) {
            cont_to_u(w, z0, w->zb), cont_to_u(w, z1, w->vb);
            if (!c->bracket(c->ctx, (int)k, w->zb, w->vb)) continue;
        }
        if (locate(w, (int)k, z0, v0, z1, v1, h, psi0[k], psi1[k])) continue; /* not resolvable: skip */
        if (c->test_kind[k] == ND_TEST_BRANCH_POINT && !is_branch_point(w, h)) continue;
        memset(data, 0, sizeof data);
        cont_to_u(w, w->zz, w->u);
        if (c->accept && !c->accept(c->ctx, (int)k, w->u, cont_tangent_u(w, w->vz), data)) continue;
        nd_status st = c->test_kind[k] == ND_TEST_FOLD && f
                           ? fold_candidate(w, b, f, psi0[k] > 0 ? 1 : -1, (int)k, after, w->zz, data)
                           : cont_push_special(w, b, (int)k, after, w->zz, data);
        if (st) return st;
    }
    return ND_OK;
}

nd_status cont_junction(cont *w, nd_branch *b, fold_tracker *f, const double *z, const double *v,
                        const double *psi_old, const double *psi_new)
{
    const nd_curve_type *c = w->c;
    double data[ND_CONT_DATA];
    for (size_t k = 0; k < c->n_tests; k++) {
        if (!(psi_old[k] * psi_new[k] < 0) || c->test_kind[k] == ND_TEST_BRANCH_POINT) continue;
        memset(data, 0, sizeof data);
        cont_to_u(w, z, w->u);
        if (c->accept && !c->accept(c->ctx, (int)k, w->u, cont_tangent_u(w, v), data)) continue;
        size_t after = b->n ? b->n - 1 : 0;
        nd_status st = c->test_kind[k] == ND_TEST_FOLD && f
                           ? fold_candidate(w, b, f, psi_old[k] > 0 ? 1 : -1, (int)k, after, z, data)
                           : cont_push_special(w, b, (int)k, after, z, data);
        if (st) return st;
    }
    return ND_OK;
}
