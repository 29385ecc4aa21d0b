/* Analyses built on the ensemble: largest Lyapunov exponents and basins of attraction. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ensemble_impl.h"

enum { MAX_N = 64 };

/* J(x) v: the model's Jacobian when it has one, else central differences of f along v. */
static void jacobian_times(const nd_model *m, double t, const double *x, const double *p,
                           const double *v, double *out)
{
    size_t n = m->n_vars;
    if (m->jac) {
        double J[MAX_N * MAX_N];
        m->jac(t, x, p, J);
        for (size_t i = 0; i < n; i++) {
            double acc = 0.0;
            for (size_t j = 0; j < n; j++) acc += J[i * n + j] * v[j];
            out[i] = acc;
        }
        return;
    }
    double xp[MAX_N] = {0}, xm[MAX_N] = {0}, fp[MAX_N], fm[MAX_N], scale = 0.0, vn = 0.0;
    for (size_t i = 0; i < n; i++) scale = fmax(scale, fabs(x[i])), vn = fmax(vn, fabs(v[i]));
    double eps = cbrt(2.2e-16) * fmax(scale, 1.0) / (vn > 0 ? vn : 1.0);
    for (size_t i = 0; i < n; i++) xp[i] = x[i] + eps * v[i], xm[i] = x[i] - eps * v[i];
    m->rhs(t, xp, p, fp);
    m->rhs(t, xm, p, fm);
    for (size_t i = 0; i < n; i++) out[i] = (fp[i] - fm[i]) / (2 * eps);
}

/* The state and tangent vector together: y = (x, v), y' = (f(x), J(x) v). */
static void augmented(const nd_model *m, double t, const double *y, const double *p, double *dy)
{
    size_t n = m->n_vars;
    m->rhs(t, y, p, dy);
    jacobian_times(m, t, y, p, y + n, dy + n);
}

static void rk4_augmented(const nd_model *m, double t, double h, double *y, const double *p)
{
    size_t N = 2 * m->n_vars;
    double k1[2 * MAX_N], k2[2 * MAX_N], k3[2 * MAX_N], k4[2 * MAX_N], z[2 * MAX_N];
    augmented(m, t, y, p, k1);
    for (size_t i = 0; i < N; i++) z[i] = y[i] + 0.5 * h * k1[i];
    augmented(m, t + 0.5 * h, z, p, k2);
    for (size_t i = 0; i < N; i++) z[i] = y[i] + 0.5 * h * k2[i];
    augmented(m, t + 0.5 * h, z, p, k3);
    for (size_t i = 0; i < N; i++) z[i] = y[i] + h * k3[i];
    augmented(m, t + h, z, p, k4);
    for (size_t i = 0; i < N; i++) y[i] += h / 6.0 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
}

static double renormalise(double *v, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += v[i] * v[i];
    s = sqrt(s);
    for (size_t i = 0; i < n; i++) v[i] /= s;
    return s;
}

/* Benettin et al. (1980) Meccanica 15:9: the mean log growth of a renormalised tangent vector. */
static double lyapunov_one(const nd_model *m, const double *p, const double *x0, const nd_ensemble_opts *o,
                           long renorm)
{
    size_t n = m->n_vars;
    double y[2 * MAX_N];
    for (size_t i = 0; i < n; i++) y[i] = x0[i], y[n + i] = 1.0;
    renormalise(y + n, n);
    long steps = nd_ens_fixed_steps(o->t0, o->t1, o->dt);
    double sum = 0.0, span = 0.0, t = o->t0, t_mark = o->t0, t_start = o->t0 + o->transient;
    for (long s = 0; s < steps; s++) {
        double tn = fmin(o->t0 + (double)(s + 1) * o->dt, o->t1);
        rk4_augmented(m, t, tn - t, y, p);
        t = tn;
        if ((s + 1) % renorm == 0 || s + 1 == steps) {
            double g = renormalise(y + n, n);
            if (!isfinite(g) || !isfinite(y[0])) return NAN;
            if (t_mark >= t_start) sum += log(g), span += t - t_mark;
            t_mark = t;
        }
    }
    return span > 0 ? sum / span : NAN;
}

nd_status nd_ensemble_lyapunov(const nd_model *m, size_t n, const double *P, size_t p_len,
                               const double *X0, size_t x_len, const nd_ensemble_opts *o,
                               long renorm, double *lambda, nd_error *err)
{
    nd_status st = nd_model_validate(m, err);
    if (st) return st;
    if (!o) return nd_fail(err, ND_EINVAL, "lyapunov: options are NULL");
    if (n == 0) return nd_fail(err, ND_EINVAL, "lyapunov: N = 0 trajectories");
    if ((m->n_pars && !P) || !X0 || !lambda) return nd_fail(err, ND_EINVAL, "lyapunov: P, X0 or lambda is NULL");
    if (p_len != n * m->n_pars || x_len != n * m->n_vars)
        return nd_fail(err, ND_EINVAL, "lyapunov: arrays have %zu and %zu values, expected %zu and %zu",
                       p_len, x_len, n * m->n_pars, n * m->n_vars);
    if (m->n_vars > MAX_N || m->n_pars > MAX_N)
        return nd_fail(err, ND_EINVAL, "lyapunov: model %s is larger than %d variables/parameters", m->name, MAX_N);
    if (!(o->dt > 0) || !(o->t1 > o->t0) || !(o->transient >= 0) || o->transient >= o->t1 - o->t0)
        return nd_fail(err, ND_EINVAL, "lyapunov: need dt = %g > 0, t1 = %g > t0 = %g and 0 <= transient = %g < t1 - t0",
                       o->dt, o->t1, o->t0, o->transient);
    if (renorm < 1) return nd_fail(err, ND_EINVAL, "lyapunov: renormalisation interval %ld must be >= 1 step", renorm);
    #pragma omp parallel for schedule(dynamic, 4)
    for (long i = 0; i < (long)n; i++) {
        double p[MAX_N], x[MAX_N];
        for (size_t k = 0; k < m->n_pars; k++) p[k] = P[k * n + (size_t)i];
        for (size_t v = 0; v < m->n_vars; v++) x[v] = X0[v * n + (size_t)i];
        lambda[i] = lyapunov_one(m, p, x, o, renorm);
        if (o->progress) o->progress(o->progress_ctx, 1.0);
    }
    return ND_OK;
}

/* ---- basins of attraction ------------------------------------------------------------------ */
void nd_basins_free(nd_basins *b)
{
    if (!b) return;
    free(b->label), free(b->attractor), free(b->count);
    memset(b, 0, sizeof *b);
}

/* Index of the attractor whose representative is within tol (relative max norm) of x, or a
 * new one. Returns -1 when out of memory. */
static int cluster_of(nd_basins *b, const double *x, double tol, size_t *cap)
{
    size_t nv = b->n_vars;
    for (size_t a = 0; a < b->n_attractors; a++) {
        const double *r = b->attractor + a * nv;
        double d = 0.0, scale = 1.0;
        for (size_t v = 0; v < nv; v++) d = fmax(d, fabs(x[v] - r[v])), scale = fmax(scale, fabs(r[v]));
        if (d <= tol * scale) return (int)a;
    }
    if (b->n_attractors == *cap) {
        size_t nc = *cap ? 2 * *cap : 8;
        double *na = realloc(b->attractor, nc * nv * sizeof *na);
        if (na) b->attractor = na;
        size_t *nn = na ? realloc(b->count, nc * sizeof *nn) : NULL;
        if (!nn) return -1;
        b->count = nn, *cap = nc;
    }
    memcpy(b->attractor + b->n_attractors * nv, x, nv * sizeof *x);
    b->count[b->n_attractors] = 0;
    return (int)b->n_attractors++;
}

static nd_status grid_inputs(const nd_model *m, const double *p, const double *x_base, int ix, int iy,
                             double xlo, double xhi, double ylo, double yhi, size_t nx, size_t ny,
                             double *P, double *X)
{
    size_t n = nx * ny;
    for (size_t j = 0; j < ny; j++)
        for (size_t i = 0; i < nx; i++) {
            size_t q = j * nx + i;
            for (size_t k = 0; k < m->n_pars; k++) P[k * n + q] = p[k];
            for (size_t v = 0; v < m->n_vars; v++) X[v * n + q] = x_base[v];
            X[(size_t)ix * n + q] = nx > 1 ? xlo + (xhi - xlo) * (double)i / (double)(nx - 1) : xlo;
            X[(size_t)iy * n + q] = ny > 1 ? ylo + (yhi - ylo) * (double)j / (double)(ny - 1) : ylo;
        }
    return ND_OK;
}

nd_status nd_ensemble_basins(const nd_model *m, const double *p, const double *x_base, int ix,
                             int iy, double xlo, double xhi, double ylo, double yhi, size_t nx,
                             size_t ny, const nd_ensemble_opts *o, double tol, nd_basins *out,
                             nd_error *err)
{
    if (!out) return nd_fail(err, ND_EINVAL, "basins: result pointer is NULL");
    memset(out, 0, sizeof *out);
    nd_status st = nd_model_validate(m, err);
    if (st) return st;
    if (!p || !x_base || !o) return nd_fail(err, ND_EINVAL, "basins: p, x_base or options is NULL");
    if (ix < 0 || iy < 0 || ix >= (int)m->n_vars || iy >= (int)m->n_vars || ix == iy)
        return nd_fail(err, ND_EINVAL, "basins: variable indices %d, %d must differ and lie in 0..%zu", ix, iy, m->n_vars - 1);
    if (nx == 0 || ny == 0) return nd_fail(err, ND_EINVAL, "basins: grid %zu x %zu is empty", nx, ny);
    if (!(tol > 0)) return nd_fail(err, ND_EINVAL, "basins: tolerance %g must be > 0", tol);
    if (!(isfinite(xlo) && isfinite(xhi) && isfinite(ylo) && isfinite(yhi)))
        return nd_fail(err, ND_EINVAL, "basins: grid bounds must be finite");
    size_t n = nx * ny;
    if ((st = nd_check_alloc(n * (m->n_vars + m->n_pars) * sizeof(double), "the basin grid", err))) return st;
    double *P = malloc((m->n_pars ? m->n_pars : 1) * n * sizeof *P), *X = malloc(m->n_vars * n * sizeof *X);
    out->label = malloc(n * sizeof *out->label);
    if (!P || !X || !out->label) {
        free(P), free(X), nd_basins_free(out);
        return nd_fail(err, ND_ENOMEM, "basins: no memory for a %zu x %zu grid", nx, ny);
    }
    grid_inputs(m, p, x_base, ix, iy, xlo, xhi, ylo, yhi, nx, ny, P, X);
    nd_ensemble_opts oo = *o;
    oo.keep_minmax = 0, oo.event_var = -1, oo.sample_stride = 0, oo.extrema = ND_EXTREMA_NONE;
    nd_ensemble_result r;
    st = nd_ensemble_run(m, n, P, n * m->n_pars, X, n * m->n_vars, &oo, &r, err);
    free(P), free(X);
    if (st) {
        nd_basins_free(out);
        return st;
    }
    out->nx = nx, out->ny = ny, out->n_vars = m->n_vars;
    size_t cap = 0;
    double x[256];
    for (size_t q = 0; q < n && st == ND_OK; q++) {
        out->label[q] = -1;
        if (r.status[q] != ND_ENS_OK || m->n_vars > 256) continue;
        for (size_t v = 0; v < m->n_vars; v++) x[v] = r.x[v * n + q];
        int a = cluster_of(out, x, tol, &cap);
        if (a < 0) st = nd_fail(err, ND_ENOMEM, "basins: no memory for the attractors");
        else out->label[q] = a, out->count[a]++;
    }
    nd_ensemble_result_free(&r);
    if (st) nd_basins_free(out);
    return st;
}
