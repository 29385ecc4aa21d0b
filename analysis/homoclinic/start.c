/* Starts of the homoclinic boundary-value problem (include/neurodyn/homoclinic.h): from a sampled
 * orbit near the homoclinic orbit (a long-period cycle, as HomCont starts from AUTO's last cycle
 * of a branch approaching it: Champneys, Kuznetsov & Sandstede 1996, sec. 4), cut where it comes
 * within `cut` of the saddle; the mesh equidistributes the orbit's arclength (scaled per variable)
 * plus a fifth of the points spread in time; the nodes are cubic Hermite interpolants of the
 * samples with f for the slopes. The truncation is lengthened along the linearised flow at the
 * saddle (exp(A s), GSL's matrix exponential). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>

#include "internal.h"
#include "neurodyn/core.h"

/* the equilibrium near x by Newton (n values, in place); 0 when it converged */
static int saddle_newton(const nd_model *m, const double *p, double *x, double *A, double *f)
{
    size_t n = m->n_vars;
    gsl_matrix *a = gsl_matrix_alloc(n, n);
    gsl_permutation *pm = gsl_permutation_alloc(n);
    gsl_vector *b = gsl_vector_alloc(n), *d = gsl_vector_alloc(n);
    int ok = 0, sg;
    for (int it = 0; it < 60 && !ok; it++) {
        m->rhs(0.0, x, p, f);
        if (nd_jacobian(m, 0.0, x, p, A, NULL)) break;
        memcpy(a->data, A, n * n * sizeof *A);
        for (size_t i = 0; i < n; i++) gsl_vector_set(b, i, f[i]);
        if (gsl_linalg_LU_decomp(a, pm, &sg) || gsl_linalg_LU_solve(a, pm, b, d)) break;
        double st = 0, sz = 0;
        for (size_t i = 0; i < n; i++) x[i] -= gsl_vector_get(d, i), st = fmax(st, fabs(gsl_vector_get(d, i))),
                                        sz = fmax(sz, fabs(x[i]));
        if (!isfinite(st)) break;
        if (st <= 1e-13 * fmax(1.0, sz)) ok = 1;
    }
    gsl_matrix_free(a), gsl_permutation_free(pm), gsl_vector_free(b), gsl_vector_free(d);
    return ok ? 0 : -1;
}

static double sdist(size_t n, const double *x, const double *y, const double *r)
{
    double s = 0;
    for (size_t a = 0; a < n; a++) s += (x[a] - y[a]) * (x[a] - y[a]) / (r[a] * r[a]);
    return sqrt(s / n);
}

/* cubic Hermite interpolation of the samples (slopes f) at time tt, into x */
static void hermite(const nd_homoclinic *h, const double *t, const double *xs, const double *fs, size_t ns,
                    double tt, double *x)
{
    size_t n = h->n, lo = 0, hi = ns - 1;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (t[mid] <= tt) lo = mid;
        else hi = mid;
    }
    double dt = t[hi] - t[lo], s = dt > 0 ? (tt - t[lo]) / dt : 0;
    s = s < 0 ? 0 : s > 1 ? 1 : s;
    double h00 = (1 + 2 * s) * (1 - s) * (1 - s), h10 = s * (1 - s) * (1 - s), h01 = s * s * (3 - 2 * s),
           h11 = s * s * (s - 1);
    for (size_t a = 0; a < n; a++)
        x[a] = h00 * xs[lo * n + a] + h10 * dt * fs[lo * n + a] + h01 * xs[hi * n + a] + h11 * dt * fs[hi * n + a];
}

/* The BVP start from samples t[0..ns-1], x (ns x n) that run from the saddle's neighbourhood
 * and back, the saddle x0 given: mesh, T, nodes, references. */
static nd_status build(nd_homoclinic *h, const double *t, const double *xs, size_t ns, const double *x0,
                       const double *r, double *z, nd_error *err)
{
    size_t n = h->n, m = h->ncol, ntst = h->ntst;
    double *fs = malloc(ns * n * sizeof *fs), *M = malloc(ns * sizeof *M);
    if (!fs || !M) {
        free(fs), free(M);
        return nd_fail(err, ND_ENOMEM, "homoclinic: out of memory");
    }
    for (size_t i = 0; i < ns; i++) h->m->rhs(0.0, xs + i * n, h->p, fs + i * n);
    double T = t[ns - 1] - t[0], arc = 0;
    for (size_t i = 1; i < ns; i++) arc += sdist(n, xs + i * n, xs + (i - 1) * n, r);
    M[0] = 0;
    for (size_t i = 1; i < ns; i++)
        M[i] = M[i - 1] + sdist(n, xs + i * n, xs + (i - 1) * n, r) + 0.25 * arc * (t[i] - t[i - 1]) / T;
    size_t i = 0;
    h->mesh[0] = 0, h->mesh[ntst] = 1;
    for (size_t j = 1; j < ntst; j++) {
        double target = M[ns - 1] * (double)j / ntst;
        while (i + 1 < ns && M[i + 1] < target) i++;
        double s = M[i + 1] > M[i] ? (target - M[i]) / (M[i + 1] - M[i]) : 0;
        h->mesh[j] = (t[i] + s * (t[i + 1] - t[i]) - t[0]) / T;
    }
    h->T = T;
    for (size_t j = 0; j < ntst; j++)
        for (size_t k = 0; k <= m; k++) {
            double tau = h->mesh[j] + (h->mesh[j + 1] - h->mesh[j]) * (double)k / m;
            hermite(h, t, xs, fs, ns, t[0] + tau * T, z + (j * m + k) * n);
        }
    size_t X0 = (ntst * m + 1) * n;
    memcpy(z + X0, x0, n * sizeof *x0);
    z[X0 + n] = h->p[h->par];
    if (h->par2 >= 0) z[X0 + n + 1] = h->p[h->par2];
    free(fs), free(M);
    return hom_setup_references(h, z, err);
}

nd_status nd_homoclinic_from_orbit(nd_homoclinic *h, const double *t, const double *x, size_t ns, const double *p,
                                   double cut, double *z, nd_error *err)
{
    if (!h || !h->work || !t || !x || !p || !z || ns < 8)
        return nd_fail(err, ND_EINVAL, "homoclinic: a start needs the curve, at least 8 samples, parameters and z");
    size_t n = h->n;
    if (!(cut >= 0) || cut >= 0.5) return nd_fail(err, ND_EINVAL, "homoclinic: cut %g out of [0, 0.5)", cut);
    if (cut == 0) cut = 1e-3;
    memcpy(h->p, p, h->m->n_pars * sizeof *p);
    double *r = malloc(n * sizeof *r), *f = malloc(n * sizeof *f), *A = malloc(n * n * sizeof *A),
           *x0 = malloc(n * sizeof *x0);
    double *tt = malloc(2 * ns * sizeof *tt), *xx = malloc(2 * ns * n * sizeof *xx);
    nd_status st = ND_OK;
    if (!r || !f || !A || !x0 || !tt || !xx) {
        st = nd_fail(err, ND_ENOMEM, "homoclinic: out of memory");
        goto done;
    }
    for (size_t a = 0; a < n; a++) {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < ns; i++) lo = fmin(lo, x[i * n + a]), hi = fmax(hi, x[i * n + a]);
        r[a] = hi > lo ? hi - lo : 1;
    }
    /* the cut: the sample where the flow is slowest (scaled) */
    size_t i0 = 0;
    double fmin_ = INFINITY;
    for (size_t i = 0; i < ns; i++) {
        h->m->rhs(0.0, x + i * n, h->p, f);
        double s = 0;
        for (size_t a = 0; a < n; a++) s += f[a] * f[a] / (r[a] * r[a]);
        if (s < fmin_) fmin_ = s, i0 = i;
    }
    memcpy(x0, x + i0 * n, n * sizeof *x0);
    if (saddle_newton(h->m, h->p, x0, A, f)) {
        st = nd_fail(err, ND_EFAILED, "homoclinic: no equilibrium found next to the orbit's slowest point");
        goto done;
    }
    /* a closed orbit (a cycle) is rotated to begin at the cut; an open one is taken as it is */
    int closed = sdist(n, x, x + (ns - 1) * n, r) < 1e-2;
    size_t m_ = 0;
    if (closed) {
        double P = t[ns - 1] - t[0];
        for (size_t i = i0; i < ns; i++) tt[m_] = t[i] - t[i0], memcpy(xx + m_++ * n, x + i * n, n * sizeof *x);
        for (size_t i = 1; i <= i0; i++) tt[m_] = t[i] - t[i0] + P, memcpy(xx + m_++ * n, x + i * n, n * sizeof *x);
    } else {
        for (size_t i = 0; i < ns; i++) tt[m_] = t[i], memcpy(xx + m_++ * n, x + i * n, n * sizeof *x);
    }
    /* keep the part farther than cut from the saddle, with one sample inside at either end */
    size_t a0 = 0, b0 = m_ - 1;
    while (a0 + 1 < m_ && sdist(n, xx + (a0 + 1) * n, x0, r) < cut) a0++;
    while (b0 > a0 + 1 && sdist(n, xx + (b0 - 1) * n, x0, r) < cut) b0--;
    if (b0 < a0 + 7) {
        st = nd_fail(err, ND_EFAILED, "homoclinic: the orbit does not leave the saddle's neighbourhood (cut %g)", cut);
        goto done;
    }
    st = build(h, tt + a0, xx + a0 * n, b0 - a0 + 1, x0, r, z, err);
done:
    free(r), free(f), free(A), free(x0), free(tt), free(xx);
    return st;
}

nd_status nd_homoclinic_from_cycle(nd_homoclinic *h, const nd_cycle_curve *c, const nd_branch *b, size_t i, double cut,
                                   double *z, nd_error *err)
{
    if (!h || !c || !b) return nd_fail(err, ND_EINVAL, "homoclinic: from a cycle needs the curve and its branch");
    if (c->m != h->m || c->k != h->n)
        return nd_fail(err, ND_EINVAL, "homoclinic: the cycle curve must be of the same model with every variable free");
    const nd_cycle_info *in = nd_cycle_curve_info(c, i);
    if (!in) return nd_fail(err, ND_EINVAL, "homoclinic: point %zu of the cycle branch has no record", i);
    size_t ns = 20 * (c->ntst * c->ncol) + 1, n = h->n;
    double *t = malloc(ns * sizeof *t), *x = malloc(ns * n * sizeof *x), *p = malloc(h->m->n_pars * sizeof *p);
    nd_status st = ND_OK;
    if (!t || !x || !p) st = nd_fail(err, ND_ENOMEM, "homoclinic: out of memory");
    if (!st) st = nd_cycle_curve_profile(c, b, i, ns, x, err);
    if (!st) {
        for (size_t k = 0; k < ns; k++) t[k] = in->period * (double)k / (ns - 1);
        memcpy(p, c->p, h->m->n_pars * sizeof *p);
        p[c->par] = in->par;
        st = nd_homoclinic_from_orbit(h, t, x, ns, p, cut, z, err);
    }
    free(t), free(x), free(p);
    return st;
}

/* exp(A s) y into out */
static int flow_linear(size_t n, const double *A, double s, const double *y, double *out)
{
    gsl_matrix *a = gsl_matrix_alloc(n, n), *e = gsl_matrix_alloc(n, n);
    for (size_t i = 0; i < n * n; i++) a->data[i] = A[i] * s;
    int bad = gsl_linalg_exponential_ss(a, e, GSL_PREC_DOUBLE);
    for (size_t i = 0; i < n && !bad; i++) {
        double v = 0;
        for (size_t j = 0; j < n; j++) v += gsl_matrix_get(e, i, j) * y[j];
        out[i] = v;
    }
    gsl_matrix_free(a), gsl_matrix_free(e);
    return bad;
}

nd_status nd_homoclinic_extend(nd_homoclinic *h, double *z, double dt, nd_error *err)
{
    if (!h || !h->work || !z || !(dt > 0)) return nd_fail(err, ND_EINVAL, "homoclinic: extend needs dt > 0");
    size_t n = h->n, nodes = h->ntst * h->ncol + 1, X0 = nodes * n, per = 20, ext = 400;
    size_t inner = h->ntst * h->ncol * per + 1, ns = inner + 2 * ext;
    double *t = malloc(ns * sizeof *t), *x = malloc(ns * n * sizeof *x), *A = malloc(n * n * sizeof *A),
           *y = malloc(n * sizeof *y), *x0 = malloc(n * sizeof *x0), *r = malloc(n * sizeof *r);
    nd_status st = ND_OK;
    if (!t || !x || !A || !y || !x0 || !r) {
        st = nd_fail(err, ND_ENOMEM, "homoclinic: out of memory");
        goto done;
    }
    memcpy(x0, z + X0, n * sizeof *x0);
    if ((st = nd_jacobian(h->m, 0.0, x0, h->p, A, err))) goto done;
    /* backwards from x(0), along exp(-A s) */
    for (size_t k = 0; k < ext; k++) {
        double s = dt * (double)(ext - k) / ext;
        for (size_t a = 0; a < n; a++) y[a] = z[a] - x0[a];
        if (flow_linear(n, A, -s, y, x + k * n)) {
            st = nd_fail(err, ND_EFAILED, "homoclinic: matrix exponential failed");
            goto done;
        }
        for (size_t a = 0; a < n; a++) x[k * n + a] += x0[a];
        t[k] = -s;
    }
    /* the solution itself, sampled on its polynomials, scaled to real time */
    for (size_t k = 0; k < inner; k++) {
        double tau = (double)k / (inner - 1);
        nd_homoclinic_eval(h, z, tau, x + (ext + k) * n);
        t[ext + k] = tau * h->T;
    }
    for (size_t k = 1; k <= ext; k++) {
        double s = dt * (double)k / ext;
        for (size_t a = 0; a < n; a++) y[a] = z[X0 - n + a] - x0[a];
        if (flow_linear(n, A, s, y, x + (ext + inner - 1 + k) * n)) {
            st = nd_fail(err, ND_EFAILED, "homoclinic: matrix exponential failed");
            goto done;
        }
        for (size_t a = 0; a < n; a++) x[(ext + inner - 1 + k) * n + a] += x0[a];
        t[ext + inner - 1 + k] = h->T + s;
    }
    for (size_t a = 0; a < n; a++) {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < ns; i++) lo = fmin(lo, x[i * n + a]), hi = fmax(hi, x[i * n + a]);
        r[a] = hi > lo ? hi - lo : 1;
    }
    st = build(h, t, x, ns, x0, r, z, err);
done:
    free(t), free(x), free(A), free(y), free(x0), free(r);
    return st;
}
