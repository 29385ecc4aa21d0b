/* The collocation discretisation of the limit-cycle curve (include/neurodyn/cycles.h): Gauss
 * points, the Lagrange basis on each mesh interval, the orbit's values at the collocation points,
 * the phase reference and the residual, extrema on the piecewise polynomials. */
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

/* ---- small helpers ----------------------------------------------------------------------- */

void cyc_expand(nd_cycle_curve *c, const double *xfree, double *xfull)
{
    for (size_t i = 0; i < c->m->n_vars; i++)
        if (c->region.fixed && c->region.fixed[i]) xfull[i] = c->region.at[i];
    for (size_t a = 0; a < c->k; a++) xfull[c->free_idx[a]] = xfree[a];
}

/* f on the free variables at x (k values), parameter value par; 0 when finite */
int cyc_f_free(nd_cycle_curve *c, const double *x, double par, double *out)
{
    cw *w = W(c);
    cyc_expand(c, x, w->xf);
    c->p[c->par] = par;
    c->m->rhs(0.0, w->xf, c->p, w->ff);
    int bad = 0;
    for (size_t a = 0; a < c->k; a++) {
        out[a] = w->ff[c->free_idx[a]];
        if (!isfinite(out[a])) bad = 1;
    }
    return bad;
}

/* Gauss–Legendre points and weights on [0, 1] (Newton on P_m). */
void cyc_gauss_legendre(size_t m, double *x, double *wt)
{
    for (size_t i = 0; i < m; i++) {
        double z = cos(M_PI * (i + 0.75) / (m + 0.5)), dp = 1.0;
        for (int it = 0; it < 100; it++) {
            double p0 = 1.0, p1 = z;
            for (size_t k = 2; k <= m; k++) {
                double p2 = ((2.0 * k - 1) * z * p1 - (k - 1.0) * p0) / k;
                p0 = p1, p1 = p2;
            }
            if (m == 1) p0 = 1.0, p1 = z;
            dp = m * (z * p1 - p0) / (z * z - 1);
            double dz = p1 / dp;
            z -= dz;
            if (fabs(dz) < 1e-16) break;
        }
        x[m - 1 - i] = 0.5 * (1 + z);
        wt[m - 1 - i] = 1.0 / ((1 - z * z) * dp * dp); /* 2/((1-z^2) P'^2), halved for [0, 1] */
    }
}

/* Inverse of the (m+1) x (m+1) Vandermonde matrix of the equidistant nodes k/m. */
int cyc_vandermonde_inverse(size_t m, double C[MAXC][MAXC])
{
    size_t q = m + 1;
    double A[MAXC][2 * MAXC];
    for (size_t k = 0; k < q; k++) {
        double z = (double)k / m, pw = 1.0;
        for (size_t a = 0; a < q; a++) A[k][a] = pw, pw *= z;
        for (size_t a = 0; a < q; a++) A[k][q + a] = k == a;
    }
    for (size_t col = 0; col < q; col++) {
        size_t piv = col;
        for (size_t r = col + 1; r < q; r++)
            if (fabs(A[r][col]) > fabs(A[piv][col])) piv = r;
        if (A[piv][col] == 0.0) return -1;
        for (size_t a = 0; a < 2 * q; a++) {
            double t = A[col][a];
            A[col][a] = A[piv][a], A[piv][a] = t;
        }
        double d = A[col][col];
        for (size_t a = 0; a < 2 * q; a++) A[col][a] /= d;
        for (size_t r = 0; r < q; r++) {
            if (r == col || A[r][col] == 0.0) continue;
            double f = A[r][col];
            for (size_t a = 0; a < 2 * q; a++) A[r][a] -= f * A[col][a];
        }
    }
    /* V a = y with V[k][a] = z_k^a, so a = V^{-1} y: C[a][k] = (V^{-1})[a][k] */
    for (size_t a = 0; a < q; a++)
        for (size_t k = 0; k < q; k++) C[a][k] = A[a][q + k];
    return 0;
}

/* Lagrange basis values (and derivatives, if dl) at s. */
void cyc_basis(const cw *w, double s, double *l, double *dl)
{
    size_t q = w->m + 1;
    for (size_t k = 0; k < q; k++) {
        double v = 0.0, d = 0.0;
        for (size_t a = q; a-- > 0;) v = v * s + w->C[a][k];
        for (size_t a = q; a-- > 1;) d = d * s + a * w->C[a][k];
        l[k] = v;
        if (dl) dl[k] = d;
    }
}


/* x at time t in [0, 1] of the piecewise polynomial u on mesh (node values divided by sc when
 * sc is not NULL) */
static void eval_scaled(const cw *w, const double *mesh, const double *u, const double *sc, double t, double *x)
{
    size_t lo = 0, hi = w->ntst;
    if (t <= 0) t = 0;
    if (t >= 1) t = 1;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (mesh[mid] <= t) lo = mid;
        else hi = mid;
    }
    double h = mesh[lo + 1] - mesh[lo], s = h > 0 ? (t - mesh[lo]) / h : 0.0, l[MAXC];
    cyc_basis(w, s, l, NULL);
    for (size_t r = 0; r < w->n; r++) {
        double v = 0.0;
        for (size_t k = 0; k <= w->m; k++) {
            size_t i = (lo * w->m + k) * w->n + r;
            v += l[k] * (sc ? u[i] / sc[i] : u[i]);
        }
        x[r] = v;
    }
}

void cyc_eval_at(const cw *w, const double *mesh, const double *u, double t, double *x)
{
    eval_scaled(w, mesh, u, NULL, t, x);
}

void nd_cycle_curve_eval(const nd_cycle_curve *c, const double *u, double t, double *x)
{
    eval_scaled(W(c), c->mesh, u, W(c)->sc, t, x);
}


nd_status nd_cycle_curve_profile(const nd_cycle_curve *c, const nd_branch *b, size_t i, size_t n_t, double *x,
                                 nd_error *err)
{
    if (!c || !c->work || !b || !x) return nd_fail(err, ND_EINVAL, "cycle curve: profile needs a curve, a branch and x");
    const cw *w = W(c);
    if (b->dim != w->N || b->n != c->n_info || i >= b->n || n_t < 2)
        return nd_fail(err, ND_EINVAL, "cycle curve: profile of point %zu with %zu samples: the branch (%zu points of "
                       "dimension %zu) must match the curve's records (%zu, dimension %zu), n_t >= 2", i, n_t, b->n,
                       b->dim, c->n_info, w->N);
    double *sc = malloc(w->N * sizeof *sc);
    if (!sc) return nd_fail(err, ND_ENOMEM, "cycle curve: no memory");
    cyc_node_scales(w, c->info[i].mesh, sc);
    for (size_t k = 0; k < n_t; k++)
        eval_scaled(w, c->info[i].mesh, b->u + i * w->N, sc, (double)k / (n_t - 1), x + k * w->n);
    free(sc);
    return ND_OK;
}

/* ---- values at the collocation points ------------------------------------------------------ */
/* Whether f is affine in the parameter along the orbit (an injected current, a conductance):
 * the second difference vanishes to rounding at three collocation points. Then df/dp is the
 * forward difference, exact but for rounding, one evaluation of f instead of two per point.
 * 1 affine, 0 not, -1 not finite. */
static int par_affine(nd_cycle_curve *c, double par, double hp)
{
    cw *w = W(c);
    size_t n = w->n, picks[3] = {0, w->ncp / 3, 2 * w->ncp / 3};
    for (int i = 0; i < 3; i++) {
        const double *x = w->xc + picks[i] * n, *f = w->fc + picks[i] * n;
        if (cyc_f_free(c, x, par + hp, w->fa) || cyc_f_free(c, x, par - hp, w->fb)) return -1;
        for (size_t a = 0; a < n; a++) {
            double size = fabs(w->fa[a]) + fabs(w->fb[a]) + 2 * fabs(f[a]);
            if (fabs(w->fa[a] + w->fb[a] - 2 * f[a]) > 64 * DBL_EPSILON * size) return 0;
        }
    }
    return 1;
}

nd_status cyc_colloc_eval(nd_cycle_curve *c, const double *u, int level, nd_error *err)
{
    cw *w = W(c);
    size_t n = w->n, N = w->N;
    int same = w->level > 0 && memcmp(u, w->ucache, N * sizeof *u) == 0;
    if (same && w->level >= level) return ND_OK;
    double par = u[N - 1];
    if (!same) {
        w->level = 0;
        for (size_t j = 0; j < w->ntst; j++)
            for (size_t i = 0; i < w->m; i++) {
                double *x = w->xc + (j * w->m + i) * n;
                for (size_t r = 0; r < n; r++) {
                    double v = 0.0;
                    for (size_t k = 0; k <= w->m; k++) v += w->L[i][k] * node(w, u, j, k)[r];
                    x[r] = v;
                }
                if (cyc_f_free(c, x, par, w->fc + (j * w->m + i) * n))
                    return nd_fail(err, ND_ENONFINITE, "cycle curve: the right-hand side is not finite on the "
                                   "orbit (parameter %g)", par);
            }
        memcpy(w->ucache, u, N * sizeof *u);
        w->level = 1;
    }
    if (level >= 2 && w->level < 2) {
        double hp = cbrt(DBL_EPSILON) * fmax(1.0, fabs(par));
        size_t nv = w->nv;
        int affine = par_affine(c, par, hp);
        if (affine < 0)
            return nd_fail(err, ND_ENONFINITE, "cycle curve: the right-hand side is not finite near the orbit");
        for (size_t q = 0; q < w->ncp; q++) {
            const double *x = w->xc + q * n, *f = w->fc + q * n;
            cyc_expand(c, x, w->xf);
            c->p[c->par] = par;
            nd_status st = nd_jacobian(c->m, 0.0, w->xf, c->p, w->Jf, err);
            if (st) return st;
            double *A = w->Ac + q * n * n;
            for (size_t a = 0; a < n; a++)
                for (size_t b = 0; b < n; b++) A[a * n + b] = w->Jf[c->free_idx[a] * nv + c->free_idx[b]];
            if (cyc_f_free(c, x, par + hp, w->fa) || (!affine && cyc_f_free(c, x, par - hp, w->fb)))
                return nd_fail(err, ND_ENONFINITE, "cycle curve: the right-hand side is not finite near the orbit");
            for (size_t a = 0; a < n; a++)
                w->fpc[q * n + a] = affine ? (w->fa[a] - f[a]) / hp : (w->fa[a] - w->fb[a]) / (2 * hp);
        }
        c->p[c->par] = par;
        w->level = 2;
    }
    return ND_OK;
}

/* ---- the phase reference ---------------------------------------------------------------------- */
void cyc_set_reference(nd_cycle_curve *c, const double *u)
{
    cw *w = W(c);
    size_t n = w->n, m = w->m;
    memcpy(w->ref, u, w->Nx * sizeof *u);
    memset(w->phase, 0, w->Nx * sizeof *w->phase);
    memset(w->refbar, 0, n * sizeof *w->refbar);
    double d[64], x[64];
    for (size_t j = 0; j < w->ntst; j++) {
        double h = c->mesh[j + 1] - c->mesh[j];
        for (size_t i = 0; i < m; i++) {
            for (size_t r = 0; r < n; r++) {
                double dv = 0.0, xv = 0.0;
                for (size_t k = 0; k <= m; k++) dv += w->D[i][k] * node(w, u, j, k)[r], xv += w->L[i][k] * node(w, u, j, k)[r];
                d[r] = dv, x[r] = xv;
                w->refbar[r] += h * w->gw[i] * xv;
            }
            /* int <x, x_ref'(t)> dt over the interval = sum_i gw_i <x(s_i), dx_ref/ds(s_i)> */
            for (size_t k = 0; k <= m; k++)
                for (size_t r = 0; r < n; r++) w->phase[(j * m + k) * n + r] += w->gw[i] * w->L[i][k] * d[r];
        }
    }
    double s = 0.0;
    for (size_t j = 0; j < w->ntst; j++) {
        double h = c->mesh[j + 1] - c->mesh[j];
        for (size_t i = 0; i < m; i++)
            for (size_t r = 0; r < n; r++) {
                double xv = 0.0;
                for (size_t k = 0; k <= m; k++) xv += w->L[i][k] * node(w, u, j, k)[r];
                s += h * w->gw[i] * (xv - w->refbar[r]) * (xv - w->refbar[r]);
            }
    }
    (void)x;
    w->refnorm = s;
    w->have_ref = 1;
}

/* int x dt over the cycle */
double cyc_half_period_gap(nd_cycle_curve *c, const double *u)
{
    cw *w = W(c);
    size_t n = w->n, S = 64;
    double a[64], b[64], lo[64], hi[64], gap = 0.0, size = 0.0;
    for (size_t r = 0; r < n; r++) lo[r] = INFINITY, hi[r] = -INFINITY;
    for (size_t j = 0; j < S; j++) {
        double t = 0.5 * (double)j / (double)S;
        cyc_eval_at(w, c->mesh, u, t, a);
        cyc_eval_at(w, c->mesh, u, t + 0.5, b);
        for (size_t r = 0; r < n; r++) {
            gap = fmax(gap, fabs(b[r] - a[r]));
            lo[r] = fmin(lo[r], fmin(a[r], b[r])), hi[r] = fmax(hi[r], fmax(a[r], b[r]));
        }
    }
    for (size_t r = 0; r < n; r++) size = fmax(size, hi[r] - lo[r]);
    return size > 0 ? gap / size : 0.0;
}

/* int_0^1/2 <x(t) - x(t + 1/2), r(t) - r(t + 1/2)> dt for the reference r (the previous point),
 * sampled: negative when u is the reference's antiperiodic part flipped, i.e. the branch of
 * doubled cycles passed through the period doubling of the cycle of half its period (the
 * pitchfork where the doubled cycles with +phi and -phi meet) and came back shifted by half a
 * period. */
double cyc_antiperiodic_dot(nd_cycle_curve *c, const double *u)
{
    cw *w = W(c);
    size_t n = w->n, S = 64;
    double a[64], b[64], ra[64], rb[64], s = 0.0;
    if (!w->have_ref) return 1.0;
    for (size_t j = 0; j < S; j++) {
        double t = 0.5 * (j + 0.5) / (double)S;
        cyc_eval_at(w, c->mesh, u, t, a);
        cyc_eval_at(w, c->mesh, u, t + 0.5, b);
        cyc_eval_at(w, c->mesh, w->ref, t, ra);
        cyc_eval_at(w, c->mesh, w->ref, t + 0.5, rb);
        for (size_t r = 0; r < n; r++) s += (a[r] - b[r]) * (ra[r] - rb[r]);
    }
    return s;
}

void cyc_cycle_mean(nd_cycle_curve *c, const double *u, double *mean)
{
    cw *w = W(c);
    size_t n = w->n, m = w->m;
    for (size_t r = 0; r < n; r++) mean[r] = 0.0;
    for (size_t j = 0; j < w->ntst; j++) {
        double h = c->mesh[j + 1] - c->mesh[j];
        for (size_t i = 0; i < m; i++)
            for (size_t r = 0; r < n; r++) {
                double xv = 0.0;
                for (size_t k = 0; k <= m; k++) xv += w->L[i][k] * node(w, u, j, k)[r];
                mean[r] += h * w->gw[i] * xv;
            }
    }
}

/* int <x - xbar, ref - refbar> dt / int |ref - refbar|^2 dt: about 1 along a branch, negative
 * once the branch has passed through a Hopf point (the same cycles, half a period shifted). */
double cyc_signed_amplitude(nd_cycle_curve *c, const double *u)
{
    cw *w = W(c);
    size_t n = w->n, m = w->m;
    if (!(w->refnorm > 0)) return 1.0;
    double xbar[64], s = 0.0;
    cyc_cycle_mean(c, u, xbar);
    for (size_t j = 0; j < w->ntst; j++) {
        double h = c->mesh[j + 1] - c->mesh[j];
        for (size_t i = 0; i < m; i++)
            for (size_t r = 0; r < n; r++) {
                double xv = 0.0, rv = 0.0;
                for (size_t k = 0; k <= m; k++)
                    xv += w->L[i][k] * node(w, u, j, k)[r], rv += w->L[i][k] * node(w, w->ref, j, k)[r];
                s += h * w->gw[i] * (xv - xbar[r]) * (rv - w->refbar[r]);
            }
    }
    return s / w->refnorm;
}

/* ---- residual ------------------------------------------------------------------------------------ */
nd_status cyc_residual(void *ctx, const double *u, double *F, nd_error *err)
{
    nd_cycle_curve *c = ctx;
    cw *w = W(c);
    for (size_t i = 0; i < w->N; i++)
        if (!isfinite(u[i])) return nd_fail(err, ND_ENONFINITE, "cycle curve: non-finite unknown %zu", i);
    nd_status st = cyc_colloc_eval(c, u, 1, err);
    if (st) return st;
    size_t n = w->n, m = w->m;
    double T = exp(u[w->Nx]);
    for (size_t j = 0; j < w->ntst; j++) {
        double h = c->mesh[j + 1] - c->mesh[j];
        for (size_t i = 0; i < m; i++) {
            const double *f = w->fc + (j * m + i) * n;
            double *Fr = F + (j * m + i) * n;
            for (size_t r = 0; r < n; r++) {
                double v = 0.0;
                for (size_t k = 0; k <= m; k++) v += w->D[i][k] * node(w, u, j, k)[r];
                Fr[r] = v - h * T * f[r];
            }
        }
    }
    size_t row = w->ncp * n;
    for (size_t r = 0; r < n; r++) F[row + r] = u[r] - u[(w->nodes - 1) * n + r];
    double ph = 0.0;
    for (size_t i = 0; i < w->Nx; i++) ph += w->phase[i] * u[i];
    F[w->Nx] = ph;
    return ND_OK;
}


/* ---- extrema on the collocation polynomials ------------------------------------------------------ */
static double poly(const double *a, size_t deg, double s)
{
    double v = 0.0;
    for (size_t i = deg + 1; i-- > 0;) v = v * s + a[i];
    return v;
}

static double dpoly(const double *a, size_t deg, double s)
{
    double v = 0.0;
    for (size_t i = deg + 1; i-- > 1;) v = v * s + i * a[i];
    return v;
}

void cyc_extrema(nd_cycle_curve *c, const double *u, double *xmax, double *xmin)
{
    cw *w = W(c);
    size_t n = w->n, m = w->m;
    for (size_t r = 0; r < n; r++) xmax[r] = -INFINITY, xmin[r] = INFINITY;
    for (size_t j = 0; j < w->ntst; j++)
        for (size_t r = 0; r < n; r++) {
            double a[MAXC];
            for (size_t e = 0; e <= m; e++) {
                double s = 0.0;
                for (size_t k = 0; k <= m; k++) s += w->C[e][k] * node(w, u, j, k)[r];
                a[e] = s;
            }
            for (size_t k = 0; k <= m; k++) {
                double v = node(w, u, j, k)[r];
                xmax[r] = fmax(xmax[r], v), xmin[r] = fmin(xmin[r], v);
            }
            /* critical points: sign changes of p' on a fine grid, then bisection */
            size_t S = 4 * m;
            double s0 = 0.0, d0 = dpoly(a, m, 0.0);
            for (size_t g = 1; g <= S; g++) {
                double s1 = (double)g / S, d1 = dpoly(a, m, s1);
                if ((d0 > 0 && d1 < 0) || (d0 < 0 && d1 > 0)) {
                    double lo = s0, hi = s1, dlo = d0;
                    for (int it = 0; it < 60 && hi - lo > 1e-15; it++) {
                        double mid = 0.5 * (lo + hi), dm = dpoly(a, m, mid);
                        if ((dm > 0) == (dlo > 0)) lo = mid, dlo = dm;
                        else hi = mid;
                    }
                    double v = poly(a, m, 0.5 * (lo + hi));
                    xmax[r] = fmax(xmax[r], v), xmin[r] = fmin(xmin[r], v);
                }
                s0 = s1, d0 = d1;
            }
        }
}

