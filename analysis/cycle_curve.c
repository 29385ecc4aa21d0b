/* The limit-cycle curve type: orthogonal collocation (see include/neurodyn/cycles.h).
 *
 * Discretisation (AUTO-07p, Doedel et al. 1991; MatCont's limitcycle curve): on mesh interval
 * j = [t_j, t_j + h_j] the orbit is the polynomial through the ncol + 1 equidistant nodes
 * x_{j,0..ncol} (x_{j,ncol} = x_{j+1,0}); in the local variable s in [0, 1] the equation reads
 * dx/ds = h_j T f(x), collocated at the Gauss–Legendre points s_i:
 *     sum_k l_k'(s_i) x_{j,k} - h_j T f(sum_k l_k(s_i) x_{j,k}, p) = 0.
 * Rows are thus scaled by h_j (their residual has the units of x). Periodicity x_{0,0} - x_last
 * and the phase condition int <x, x_ref'> dt (Gauss quadrature, exact for the piecewise
 * polynomials) close the system. Internally the unknowns are x = (nodes, ln T, p); the continuer
 * sees them scaled (eng_* wrappers, see "the unknowns the continuer sees").
 *
 * Linear algebra (cyc_factor / cyc_solve): AUTO's condensation of parameters per interval (dense
 * partial-pivoting elimination of the interior nodes, also from the phase and border rows),
 * then KLU on the reduced mesh-point system in AUTO's elimination order; see the section "the
 * bordered matrix". Solves are refined iteratively against the unreduced blocks.
 *
 * Floquet multipliers (floquet): per-interval transfer matrices from the same blocks, multiplied
 * in bases that follow the flow so that the trivial multiplier splits off exactly.
 *
 * Mesh adaptation (AUTO's ADAPT/NEWMSH): the ncol-th derivative is constant on each interval;
 * its jumps estimate the (ncol+1)-th, and the new mesh equidistributes
 * |x^(ncol+1)|^(1/(ncol+1)) (plus a floor of 1/10 of its mean, so no interval gets starved).
 * Solutions and tangents are moved onto the new mesh by evaluating the old piecewise
 * polynomials. The continuer cannot change its unknowns in flight, so nd_cycle_continue runs it
 * in pieces of adapt_every points and adapts the mesh between them.
 *
 * Per accepted point (cyc_label, the continuer's `label` hook): the record (period, extrema,
 * multipliers, stability, mesh), the stopping rules (Hopf point reached, period without bound)
 * and the new phase reference. */
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

#include "neurodyn/cycles.h"

#define MAXC 8 /* ncol <= 7: at most 8 nodes per interval */

typedef struct hist {
    double par, T, amp;
} hist;

typedef struct cw {
    size_t n, nv, ntst, m, nodes, Nx, N, ncp; /* ncp = ntst * m collocation points */
    double gs[MAXC], gw[MAXC];                 /* Gauss points and weights on [0, 1] */
    double L[MAXC][MAXC], D[MAXC][MAXC];       /* l_k(s_i), l_k'(s_i) */
    double C[MAXC][MAXC];                      /* monomial coefficients: l_k(s) = sum_a C[a][k] s^a */
    /* phase reference */
    double *ref, *phase, *refbar;              /* Nx, Nx, n */
    double refnorm;                            /* int |ref - refbar|^2 */
    int have_ref;
    /* values at the collocation points for the u in ucache */
    double *ucache;
    int level;                                 /* 0 nothing, 1 x and f, 2 also A and f_p */
    double *xc, *fc, *Ac, *fpc;                /* ncp x n, ncp x n, ncp x n x n, ncp x n */
    /* full-model scratch */
    double *xf, *ff, *Jf, *fa, *fb;
    /* condensation: interval blocks (original and eliminated), pivots, dense-row multipliers */
    double *G0, *G, *mup, *mub, *border, *rphase, *rborder, *rb;
    int *piv;
    size_t Nr;                                 /* reduced unknowns: (ntst + 1) n + 2 */
    double Bmax;                               /* largest entry of the bordered matrix */
    int refactored;                            /* the numeric factors reuse old pivots */
    /* the sparse reduced matrix */
    size_t nnz;
    int *Ap, *Ai, *map;                        /* CSC, map: assembly order -> CSC position */
    int *trow, *tcol;                          /* triplets (pattern build only) */
    double *Ax;
    klu_common kc;
    klu_symbolic *sym;
    klu_numeric *num;
    double *r1, *r2;                           /* N: refinement scratch */
    /* monodromy */
    double *E, *Mm, *Mt, *Q0, *Qa, *Qb, *Pt;   /* (m n) x (m n + n), then n x n each */
    gsl_eigen_nonsymm_workspace *ew;
    gsl_matrix *ewm;
    gsl_vector_complex *ewv;
    double *mucache;                           /* N: u of the cached multipliers */
    int mu_valid;
    double *mu_re, *mu_im;                     /* n, ordered (trivial first) */
    /* scratch record for describe/at */
    nd_cycle_info scratch;
    double *scratch_mem;
    /* the branch so far (for the stopping rules) */
    double T_first;
    hist h[3];                                 /* the last accepted points (ring) */
    size_t nh;
    double amp_max;
    int restart;                               /* the next accepted point repeats the last one */
    double hopf_p, hopf_T, *hopf_x;            /* the Hopf point a branch ended at */
    double *mesh_new, *unew;                   /* mesh adaptation scratch */
    double nc[MAXC];                           /* Newton-Cotes weights int_0^1 l_k */
    double *sc;                                /* N: u = sc * x (sqrt of the quadrature weight of a node; 1 for ln T, p) */
    double *xs, *vs, *tmpN;                    /* N each: scratch of the engine callbacks */
} cw;

/* ---- small helpers ----------------------------------------------------------------------- */
static cw *W(const nd_cycle_curve *c) { return c->work; }

static void expand(nd_cycle_curve *c, const double *xfree, double *xfull)
{
    for (size_t i = 0; i < c->m->n_vars; i++)
        if (c->region.fixed && c->region.fixed[i]) xfull[i] = c->region.at[i];
    for (size_t a = 0; a < c->k; a++) xfull[c->free_idx[a]] = xfree[a];
}

/* f on the free variables at x (k values), parameter value par; 0 when finite */
static int f_free(nd_cycle_curve *c, const double *x, double par, double *out)
{
    cw *w = W(c);
    expand(c, x, w->xf);
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
static void gauss_legendre(size_t m, double *x, double *wt)
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
static int vandermonde_inverse(size_t m, double C[MAXC][MAXC])
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
static void basis(const cw *w, double s, double *l, double *dl)
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

static const double *node(const cw *w, const double *u, size_t j, size_t k) { return u + (j * w->m + k) * w->n; }

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
    basis(w, s, l, NULL);
    for (size_t r = 0; r < w->n; r++) {
        double v = 0.0;
        for (size_t k = 0; k <= w->m; k++) {
            size_t i = (lo * w->m + k) * w->n + r;
            v += l[k] * (sc ? u[i] / sc[i] : u[i]);
        }
        x[r] = v;
    }
}

static void eval_at(const cw *w, const double *mesh, const double *u, double t, double *x)
{
    eval_scaled(w, mesh, u, NULL, t, x);
}

void nd_cycle_curve_eval(const nd_cycle_curve *c, const double *u, double t, double *x)
{
    eval_scaled(W(c), c->mesh, u, W(c)->sc, t, x);
}

static void node_scales(const cw *w, const double *mesh, double *sc);

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
    node_scales(w, c->info[i].mesh, sc);
    for (size_t k = 0; k < n_t; k++)
        eval_scaled(w, c->info[i].mesh, b->u + i * w->N, sc, (double)k / (n_t - 1), x + k * w->n);
    free(sc);
    return ND_OK;
}

/* ---- values at the collocation points ------------------------------------------------------ */
static nd_status colloc_eval(nd_cycle_curve *c, const double *u, int level, nd_error *err)
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
                if (f_free(c, x, par, w->fc + (j * w->m + i) * n))
                    return nd_fail(err, ND_ENONFINITE, "cycle curve: the right-hand side is not finite on the "
                                   "orbit (parameter %g)", par);
            }
        memcpy(w->ucache, u, N * sizeof *u);
        w->level = 1;
    }
    if (level >= 2 && w->level < 2) {
        double hp = cbrt(DBL_EPSILON) * fmax(1.0, fabs(par));
        size_t nv = w->nv;
        for (size_t q = 0; q < w->ncp; q++) {
            const double *x = w->xc + q * n;
            expand(c, x, w->xf);
            c->p[c->par] = par;
            nd_status st = nd_jacobian(c->m, 0.0, w->xf, c->p, w->Jf, err);
            if (st) return st;
            double *A = w->Ac + q * n * n;
            for (size_t a = 0; a < n; a++)
                for (size_t b = 0; b < n; b++) A[a * n + b] = w->Jf[c->free_idx[a] * nv + c->free_idx[b]];
            if (f_free(c, x, par + hp, w->fa) || f_free(c, x, par - hp, w->fb))
                return nd_fail(err, ND_ENONFINITE, "cycle curve: the right-hand side is not finite near the orbit");
            for (size_t a = 0; a < n; a++) w->fpc[q * n + a] = (w->fa[a] - w->fb[a]) / (2 * hp);
        }
        c->p[c->par] = par;
        w->level = 2;
    }
    return ND_OK;
}

/* ---- the phase reference ---------------------------------------------------------------------- */
static void set_reference(nd_cycle_curve *c, const double *u)
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
static void cycle_mean(nd_cycle_curve *c, const double *u, double *mean)
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
static double signed_amplitude(nd_cycle_curve *c, const double *u)
{
    cw *w = W(c);
    size_t n = w->n, m = w->m;
    if (!(w->refnorm > 0)) return 1.0;
    double xbar[64] = {0}, s = 0.0;
    for (size_t j = 0; j < w->ntst; j++) {
        double h = c->mesh[j + 1] - c->mesh[j];
        for (size_t i = 0; i < m; i++)
            for (size_t r = 0; r < n; r++) {
                double xv = 0.0;
                for (size_t k = 0; k <= m; k++) xv += w->L[i][k] * node(w, u, j, k)[r];
                xbar[r] += h * w->gw[i] * xv;
            }
    }
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
static nd_status cyc_residual(void *ctx, const double *u, double *F, nd_error *err)
{
    nd_cycle_curve *c = ctx;
    cw *w = W(c);
    if (c->stopped) return nd_fail(err, ND_ESTOPPED, "cycle curve: %s", c->stop_reason);
    for (size_t i = 0; i < w->N; i++)
        if (!isfinite(u[i])) return nd_fail(err, ND_ENONFINITE, "cycle curve: non-finite unknown %zu", i);
    nd_status st = colloc_eval(c, u, 1, err);
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

/* ---- the sparse reduced matrix ------------------------------------------------------------------- */
/* Walks the entries in a fixed order: pattern mode records (row, col), value mode writes. */
typedef struct walker {
    cw *w;
    int pattern;
    size_t t;
} walker;

static inline void put(walker *k, size_t row, size_t col, double v)
{
    if (k->pattern) {
        k->w->trow[k->t] = (int)row, k->w->tcol[k->t] = (int)col;
    } else {
        k->w->Ax[k->w->map[k->t]] = v;
    }
    k->t++;
}

/* ---- the bordered matrix: condensation of the interior nodes, KLU on the mesh points --------- */
/* Interval j's collocation rows form a dense (m n) x ((m+1) n + 2) block G_j over the local
 * columns [x_{j,0} | x_{j,1..m-1} | x_{j,m} | T | p]. Gaussian elimination with partial pivoting
 * of its (m-1) n interior columns (in place, multipliers stored as in LAPACK) leaves (m-1) n
 * pivot rows and n condensed rows in x_{j,0}, x_{j,m}, T, p only. The phase row and the
 * bordering row lose their interior coefficients the same way (mu U1 = a_I). What remains is the
 * reduced system in the mesh-point values X_0..X_ntst, T, p: block bidiagonal rows, periodicity,
 * two dense rows, two dense columns, (ntst+1) n + 2 unknowns, factored by KLU with AUTO's
 * elimination order given as the column permutation (X_1 .. X_{ntst-1} along the chain, each
 * pivoted among the two row blocks it appears in, then X_0, X_ntst, T, p), which keeps the fill
 * to the border columns (AMD with partial pivoting filled U nearly densely); symbolic analysis
 * once, numeric refactorisation with the old pivots after, and a fresh pivoting factorisation
 * when iterative refinement of a solve cannot reach rounding level. Solves run the same
 * elimination on the right-hand side, the reduced solve, and back-substitution for the interior
 * nodes. */
static size_t lcols(const cw *w) { return (w->m + 1) * w->n + 2; }
static double *Gblk(const cw *w, double *G, size_t j) { return G + j * w->m * w->n * lcols(w); }

/* Reduced matrix pattern: walks all entries (pattern mode) or writes values through the map. */
static void rwalk(cw *w, walker *k)
{
    size_t n = w->n, m = w->m, q = m * n, ncl = lcols(w), Nr = w->Nr, base = (m - 1) * n;
    for (size_t j = 0; j < w->ntst; j++) {
        const double *G = Gblk(w, w->G, j);
        for (size_t r = 0; r < n; r++) {
            const double *row = G + (base + r) * ncl;
            size_t R = j * n + r;
            for (size_t a = 0; a < n; a++) put(k, R, j * n + a, k->pattern ? 0.0 : row[a]);
            for (size_t a = 0; a < n; a++) put(k, R, (j + 1) * n + a, k->pattern ? 0.0 : row[q + a]);
            put(k, R, Nr - 2, k->pattern ? 0.0 : row[q + n]);
            put(k, R, Nr - 1, k->pattern ? 0.0 : row[q + n + 1]);
        }
    }
    size_t row = w->ntst * n;
    for (size_t r = 0; r < n; r++) {
        put(k, row + r, r, 1.0);
        put(k, row + r, w->ntst * n + r, -1.0);
    }
    for (size_t col = 0; col < Nr; col++) put(k, Nr - 2, col, k->pattern ? 0.0 : w->rphase[col]);
    for (size_t col = 0; col < Nr; col++) put(k, Nr - 1, col, k->pattern ? 0.0 : w->rborder[col]);
}

static nd_status build_pattern(nd_cycle_curve *c, nd_error *err)
{
    cw *w = W(c);
    size_t n = w->n, Nr = w->Nr;
    size_t nnz = w->ntst * n * (2 * n + 2) + 2 * n + 2 * Nr;
    w->nnz = nnz;
    w->trow = malloc(nnz * sizeof *w->trow);
    w->tcol = malloc(nnz * sizeof *w->tcol);
    w->map = malloc(nnz * sizeof *w->map);
    w->Ai = malloc(nnz * sizeof *w->Ai);
    w->Ax = calloc(nnz, sizeof *w->Ax);
    w->Ap = calloc(Nr + 1, sizeof *w->Ap);
    int *next = malloc(Nr * sizeof *next), *inv = malloc(nnz * sizeof *inv);
    if (!w->trow || !w->tcol || !w->map || !w->Ai || !w->Ax || !w->Ap || !next || !inv) {
        free(next), free(inv);
        return nd_fail(err, ND_ENOMEM, "cycle curve: no memory for %zu matrix entries", nnz);
    }
    walker k = {w, 1, 0};
    rwalk(w, &k);
    /* counting sort by column, then rows ascending within every column */
    for (size_t t = 0; t < nnz; t++) w->Ap[w->tcol[t] + 1]++;
    for (size_t j = 0; j < Nr; j++) w->Ap[j + 1] += w->Ap[j];
    for (size_t j = 0; j < Nr; j++) next[j] = w->Ap[j];
    for (size_t t = 0; t < nnz; t++) {
        int pos = next[w->tcol[t]]++;
        w->Ai[pos] = w->trow[t];
        inv[pos] = (int)t;
    }
    for (size_t j = 0; j < Nr; j++)
        for (int a = w->Ap[j] + 1; a < w->Ap[j + 1]; a++) {
            int r = w->Ai[a], tv = inv[a], b = a - 1;
            while (b >= w->Ap[j] && w->Ai[b] > r) {
                w->Ai[b + 1] = w->Ai[b], inv[b + 1] = inv[b];
                b--;
            }
            w->Ai[b + 1] = r, inv[b + 1] = tv;
        }
    for (size_t a = 0; a < nnz; a++) w->map[inv[a]] = (int)a;
    free(next), free(inv);
    free(w->trow), free(w->tcol);
    w->trow = w->tcol = NULL;
    return ND_OK;
}

/* KLU on the reduced matrix: the symbolic analysis once; a numeric refactorisation with the
 * previous pivot sequence when there is one (its accuracy is checked by the solves, which fall
 * back to a fresh pivoting factorisation when refinement cannot reach rounding level). */
static nd_status factor_reduced(cw *w, int fresh, nd_error *err)
{
    if (!w->sym) {
        /* AUTO's elimination order: X_1 .. X_{ntst-1} along the chain (each against the two
         * blocks of rows it appears in), then X_0, X_ntst, T, p; no BTF (one block) */
        size_t n = w->n, Nr = w->Nr, k = 0;
        int *Q = malloc(Nr * sizeof *Q);
        if (!Q) return nd_fail(err, ND_ENOMEM, "cycle curve: no memory");
        for (size_t g = 1; g < w->ntst; g++)
            for (size_t r = 0; r < n; r++) Q[k++] = (int)(g * n + r);
        for (size_t r = 0; r < n; r++) Q[k++] = (int)r;
        for (size_t r = 0; r < n; r++) Q[k++] = (int)(w->ntst * n + r);
        Q[k++] = (int)(Nr - 2), Q[k++] = (int)(Nr - 1);
        w->sym = klu_analyze_given((int)Nr, w->Ap, w->Ai, NULL, Q, &w->kc);
        free(Q);
        if (!w->sym) return nd_fail(err, ND_EFAILED, "cycle curve: KLU analysis failed (status %d)", w->kc.status);
    }
    if (w->num && !fresh) {
        if (klu_refactor(w->Ap, w->Ai, w->Ax, w->sym, w->num, &w->kc) && w->kc.status == KLU_OK) {
            w->refactored = 1;
            return ND_OK;
        }
    }
    if (w->num) klu_free_numeric(&w->num, &w->kc);
    w->num = klu_factor(w->Ap, w->Ai, w->Ax, w->sym, &w->kc);
    w->refactored = 0;
    if (!w->num || w->kc.status != KLU_OK) {
        if (w->num) klu_free_numeric(&w->num, &w->kc);
        return nd_fail(err, ND_EFAILED, "cycle curve: the bordered collocation matrix is singular (KLU status %d)",
                       w->kc.status);
    }
    return ND_OK;
}

/* The original blocks G0 (copied into G, then eliminated), the dense rows' full coefficients
 * (phase, border) and their reduced forms. */
static nd_status cyc_factor(void *ctx, const double *u, const double *v, nd_error *err)
{
    nd_cycle_curve *c = ctx;
    cw *w = W(c);
    if (c->stopped) return nd_fail(err, ND_ESTOPPED, "cycle curve: %s", c->stop_reason);
    nd_status st = colloc_eval(c, u, 2, err);
    if (st) return st;
    size_t n = w->n, m = w->m, q = m * n, ncl = lcols(w), ni = (m - 1) * n, Nx = w->Nx, N = w->N, Nr = w->Nr;
    double T = exp(u[Nx]);
    /* blocks */
    for (size_t j = 0; j < w->ntst; j++) {
        double h = c->mesh[j + 1] - c->mesh[j], *G0 = Gblk(w, w->G0, j);
        for (size_t i = 0; i < m; i++) {
            size_t qq = j * m + i;
            const double *A = w->Ac + qq * n * n, *f = w->fc + qq * n, *fp = w->fpc + qq * n;
            for (size_t r = 0; r < n; r++) {
                double *row = G0 + (i * n + r) * ncl;
                for (size_t kk = 0; kk <= m; kk++) {
                    double dl = w->D[i][kk], hl = h * T * w->L[i][kk];
                    for (size_t cc = 0; cc < n; cc++) row[kk * n + cc] = (r == cc ? dl : 0.0) - hl * A[r * n + cc];
                }
                row[q + n] = -h * T * f[r]; /* d/d(ln T) */
                row[q + n + 1] = -h * T * fp[r];
            }
        }
    }
    memcpy(w->border, v, N * sizeof *v);
    double bmax = 1.0;
    for (size_t i = 0; i < w->ntst * q * ncl; i++)
        if (fabs(w->G0[i]) > bmax) bmax = fabs(w->G0[i]);
    for (size_t i = 0; i < N; i++)
        if (fabs(v[i]) > bmax) bmax = fabs(v[i]);
    w->Bmax = bmax;
    /* reduced dense rows start from the mesh-point coefficients */
    for (size_t g = 0; g <= w->ntst; g++)
        for (size_t r = 0; r < n; r++) {
            w->rphase[g * n + r] = w->phase[g * q + r];
            w->rborder[g * n + r] = v[g * q + r];
        }
    w->rphase[Nr - 2] = 0.0, w->rphase[Nr - 1] = 0.0;
    w->rborder[Nr - 2] = v[Nx], w->rborder[Nr - 1] = v[Nx + 1];
    memcpy(w->G, w->G0, w->ntst * q * ncl * sizeof *w->G);
    for (size_t j = 0; j < w->ntst; j++) {
        double *G = Gblk(w, w->G, j);
        int *piv = w->piv + j * ni;
        for (size_t cidx = 0; cidx < ni; cidx++) {
            size_t col = n + cidx, best = cidx;
            double bv = fabs(G[cidx * ncl + col]);
            for (size_t r = cidx + 1; r < q; r++)
                if (fabs(G[r * ncl + col]) > bv) bv = fabs(G[r * ncl + col]), best = r;
            if (!(bv > 0) || !isfinite(bv))
                return nd_fail(err, ND_EFAILED, "cycle curve: singular collocation block in mesh interval %zu", j);
            piv[cidx] = (int)best;
            if (best != cidx)
                for (size_t a = 0; a < ncl; a++) {
                    double t = G[cidx * ncl + a];
                    G[cidx * ncl + a] = G[best * ncl + a], G[best * ncl + a] = t;
                }
            double d = G[cidx * ncl + col];
            for (size_t r = cidx + 1; r < q; r++) {
                double f = G[r * ncl + col] / d;
                G[r * ncl + col] = f;
                if (f == 0.0) continue;
                double *gr = G + r * ncl;
                const double *gp = G + cidx * ncl;
                for (size_t a = 0; a < n; a++) gr[a] -= f * gp[a];
                for (size_t a = col + 1; a < ncl; a++) gr[a] -= f * gp[a];
            }
        }
        /* the dense rows: mu U1 = a_I, then subtract mu times the pivot rows */
        for (int which = 0; which < 2; which++) {
            const double *full = which ? v : w->phase;
            double *red = which ? w->rborder : w->rphase, *mu = (which ? w->mub : w->mup) + j * ni;
            for (size_t cidx = 0; cidx < ni; cidx++) {
                double s = full[(j * m + 1) * n + cidx];
                for (size_t b = 0; b < cidx; b++) s -= mu[b] * G[b * ncl + n + cidx];
                mu[cidx] = s / G[cidx * ncl + n + cidx];
            }
            for (size_t b = 0; b < ni; b++) {
                const double *prow = G + b * ncl;
                double f = mu[b];
                if (f == 0.0) continue;
                for (size_t a = 0; a < n; a++) red[j * n + a] -= f * prow[a], red[(j + 1) * n + a] -= f * prow[q + a];
                red[Nr - 2] -= f * prow[q + n];
                red[Nr - 1] -= f * prow[q + n + 1];
            }
        }
    }
    walker k = {w, 0, 0};
    rwalk(w, &k);
    return factor_reduced(w, 0, err);
}

/* x <- B^{-1} x without refinement. */
static nd_status solve_once(cw *w, double *x, nd_error *err)
{
    size_t n = w->n, m = w->m, q = m * n, ncl = lcols(w), ni = (m - 1) * n, Nx = w->Nx, N = w->N, Nr = w->Nr;
    double *b = w->rb;
    double rph = x[Nx], rbo = x[N - 1];
    /* forward elimination of the right-hand side, interval by interval */
    for (size_t j = 0; j < w->ntst; j++) {
        const double *G = Gblk(w, w->G, j);
        const int *piv = w->piv + j * ni;
        double *bj = x + j * q; /* the collocation rows of interval j */
        for (size_t cidx = 0; cidx < ni; cidx++) { /* all row interchanges first (as LAPACK's getrs) */
            size_t p = (size_t)piv[cidx];
            if (p != cidx) {
                double t = bj[cidx];
                bj[cidx] = bj[p], bj[p] = t;
            }
        }
        for (size_t cidx = 0; cidx < ni; cidx++) {
            double bc = bj[cidx];
            if (bc != 0.0)
                for (size_t r = cidx + 1; r < q; r++) bj[r] -= G[r * ncl + n + cidx] * bc;
        }
        const double *mup = w->mup + j * ni, *mub = w->mub + j * ni;
        for (size_t cidx = 0; cidx < ni; cidx++) rph -= mup[cidx] * bj[cidx], rbo -= mub[cidx] * bj[cidx];
        for (size_t r = 0; r < n; r++) b[j * n + r] = bj[ni + r];
    }
    for (size_t r = 0; r < n; r++) b[w->ntst * n + r] = x[w->ncp * n + r];
    b[Nr - 2] = rph, b[Nr - 1] = rbo;
    if (!klu_solve(w->sym, w->num, (int)Nr, 1, b, &w->kc))
        return nd_fail(err, ND_EFAILED, "cycle curve: KLU solve failed (status %d)", w->kc.status);
    /* back-substitution: interior nodes from the pivot rows */
    double T = b[Nr - 2], P = b[Nr - 1];
    for (size_t j = w->ntst; j-- > 0;) {
        const double *G = Gblk(w, w->G, j);
        double *bj = x + j * q, xi[MAXC * 64];
        const double *XL = b + j * n, *XR = b + (j + 1) * n;
        for (size_t cidx = ni; cidx-- > 0;) {
            const double *row = G + cidx * ncl;
            double s = bj[cidx] - row[q + n] * T - row[q + n + 1] * P;
            for (size_t a = 0; a < n; a++) s -= row[a] * XL[a] + row[q + a] * XR[a];
            for (size_t e = cidx + 1; e < ni; e++) s -= row[n + e] * xi[e];
            xi[cidx] = s / row[n + cidx];
        }
        /* x layout: node j*m (= X_j), interior nodes j*m+1 .. j*m+m-1 */
        memcpy(x + j * q, XL, n * sizeof *x);
        memcpy(x + j * q + n, xi, ni * sizeof *x);
    }
    memcpy(x + w->ntst * q, b + w->ntst * n, n * sizeof *x);
    x[Nx] = T, x[Nx + 1] = P;
    return ND_OK;
}

/* y = B x with the original blocks (for iterative refinement) */
static void matvec(const cw *w, const double *x, double *y)
{
    size_t n = w->n, m = w->m, q = m * n, ncl = lcols(w), Nx = w->Nx, N = w->N;
    for (size_t j = 0; j < w->ntst; j++) {
        const double *G0 = Gblk(w, w->G0, j), *xj = x + j * q;
        for (size_t rr = 0; rr < q; rr++) {
            const double *row = G0 + rr * ncl;
            double s = row[q + n] * x[Nx] + row[q + n + 1] * x[Nx + 1];
            for (size_t a = 0; a < q + n; a++) s += row[a] * xj[a];
            y[j * q + rr] = s;
        }
    }
    for (size_t r = 0; r < n; r++) y[w->ncp * n + r] = x[r] - x[(w->nodes - 1) * n + r];
    double s = 0.0, t = 0.0;
    for (size_t i = 0; i < Nx; i++) s += w->phase[i] * x[i];
    for (size_t i = 0; i < N; i++) t += w->border[i] * x[i];
    y[Nx] = s, y[N - 1] = t;
}

/* x <- B^{-1} x with iterative refinement; a factorisation with stale pivots that cannot reach
 * rounding level is redone with fresh pivoting and the solve repeated. */
static nd_status cyc_solve(void *ctx, double *x, nd_error *err)
{
    nd_cycle_curve *c = ctx;
    cw *w = W(c);
    size_t N = w->N;
    if (!w->num) return nd_fail(err, ND_EFAILED, "cycle curve: solve without a factorisation");
    memcpy(w->r1, x, N * sizeof *x);
    for (int attempt = 0;; attempt++) {
        nd_status st = solve_once(w, x, err);
        if (st) return st;
        double prev = INFINITY, rel = INFINITY;
        for (int it = 0; it < 4; it++) {
            matvec(w, x, w->r2);
            double rn = 0.0, bn = 0.0, xn = 0.0;
            for (size_t i = 0; i < N; i++) {
                double r = w->r1[i] - w->r2[i], ar = fabs(r), ab = fabs(w->r1[i]), ax = fabs(x[i]);
                w->r2[i] = r;
                if (ar > rn) rn = ar;
                if (ab > bn) bn = ab;
                if (ax > xn) xn = ax;
            }
            if (!(rn < INFINITY)) { rel = INFINITY; break; }
            double scale = w->Bmax * xn > bn ? w->Bmax * xn : bn;
            rel = scale > 0 ? rn / scale : 0.0;
            if (rel <= 1e-13 || !(rn < 0.5 * prev)) break;
            prev = rn;
            if ((st = solve_once(w, w->r2, err))) return st;
            for (size_t i = 0; i < N; i++) x[i] += w->r2[i];
        }
        if (rel <= 1e-10) return ND_OK;
        if (attempt || !w->refactored)
            return rel < INFINITY ? ND_OK /* as good as pivoting makes it: the corrector judges */
                                  : nd_fail(err, ND_EFAILED, "cycle curve: non-finite solution of the bordered system");
        if ((st = factor_reduced(w, 1, err))) return st;
        memcpy(x, w->r1, N * sizeof *x);
    }
}

/* ---- Floquet multipliers -------------------------------------------------------------------------- */
/* Solves the dense (q x q) system in E (row-major, q rows, q + nr columns: the matrix then nr
 * right-hand sides) in place by Gaussian elimination with partial pivoting; solutions end up in
 * the last nr columns. */
static int dense_solve(double *E, size_t q, size_t nr)
{
    size_t ld = q + nr;
    for (size_t col = 0; col < q; col++) {
        size_t piv = col;
        double best = fabs(E[col * ld + col]);
        for (size_t r = col + 1; r < q; r++)
            if (fabs(E[r * ld + col]) > best) best = fabs(E[r * ld + col]), piv = r;
        if (best == 0.0) return -1;
        if (piv != col)
            for (size_t a = col; a < ld; a++) {
                double t = E[col * ld + a];
                E[col * ld + a] = E[piv * ld + a], E[piv * ld + a] = t;
            }
        double d = E[col * ld + col];
        for (size_t r = col + 1; r < q; r++) {
            double f = E[r * ld + col] / d;
            if (f == 0.0) continue;
            for (size_t a = col + 1; a < ld; a++) E[r * ld + a] -= f * E[col * ld + a];
        }
    }
    for (size_t rhs = q; rhs < ld; rhs++)
        for (size_t r = q; r-- > 0;) {
            double s = E[r * ld + rhs];
            for (size_t a = r + 1; a < q; a++) s -= E[r * ld + a] * E[a * ld + rhs];
            E[r * ld + rhs] = s / E[r * ld + r];
        }
    return 0;
}

/* An orthonormal basis (columns of Q, n x n row-major) whose first column is phi / |phi|
 * (Householder reflector, first column's sign fixed). */
static void flow_basis(size_t n, const double *phi, double *Q)
{
    double nrm = 0.0, w[64] = {0};
    for (size_t a = 0; a < n; a++) nrm += phi[a] * phi[a];
    nrm = sqrt(nrm);
    if (!(nrm > 0)) {
        for (size_t a = 0; a < n * n; a++) Q[a] = 0.0;
        for (size_t a = 0; a < n; a++) Q[a * n + a] = 1.0;
        return;
    }
    for (size_t a = 0; a < n; a++) w[a] = phi[a] / nrm;
    double sg = w[0] >= 0 ? 1.0 : -1.0;
    w[0] += sg; /* H = I - 2 w w^T / w^T w maps e_0 to -sg q */
    double ww = 0.0;
    for (size_t a = 0; a < n; a++) ww += w[a] * w[a];
    for (size_t a = 0; a < n; a++)
        for (size_t b = 0; b < n; b++) Q[a * n + b] = (a == b) - 2 * w[a] * w[b] / ww;
    for (size_t a = 0; a < n; a++) Q[a * n] *= -sg;
}

/* Floquet multipliers of u (cached). The transfer matrix P_j of every interval comes from its
 * collocation block; in the bases Q_j (first vector along the flow f(x(t_j))) the transfer
 * matrices are block triangular up to the discretisation error: the flow direction is carried
 * into itself with the factor a_j, whose product over the period is the trivial multiplier
 * (1 up to the discretisation), and the transverse blocks R_j multiply to the (n-1) x (n-1)
 * matrix whose eigenvalues are the other multipliers. The products are rescaled as they grow, so
 * no intermediate overflow or cancellation against the trivial direction occurs (for planar
 * systems the non-trivial multiplier is a product of scalars, exact to rounding, however stiff
 * the cycle). */
static nd_status floquet(nd_cycle_curve *c, const double *u, nd_error *err)
{
    cw *w = W(c);
    size_t n = w->n, m = w->m, N = w->N, q = m * n, ld = q + n, nt = n - 1;
    if (w->mu_valid && memcmp(u, w->mucache, N * sizeof *u) == 0) return ND_OK;
    nd_status st = colloc_eval(c, u, 2, err);
    if (st) return st;
    double T = exp(u[w->Nx]), par = u[N - 1];
    double *R = w->Mm, *Rt = w->Mt, *Q0 = w->Q0, *Qa = w->Qa, *Qb = w->Qb, *Pt = w->Pt, *phi = w->fa;
    for (size_t a = 0; a < nt * nt; a++) R[a] = 0.0;
    for (size_t a = 0; a < nt; a++) R[a * nt + a] = 1.0;
    double log_triv = 0.0, sign_triv = 1.0, log_R = 0.0;
    if (f_free(c, node(w, u, 0, 0), par, phi))
        return nd_fail(err, ND_ENONFINITE, "cycle curve: the right-hand side is not finite on the orbit");
    flow_basis(n, phi, Q0);
    memcpy(Qa, Q0, n * n * sizeof *Qa);
    for (size_t j = 0; j < w->ntst; j++) {
        double h = c->mesh[j + 1] - c->mesh[j];
        double *E = w->E;
        for (size_t i = 0; i < m; i++) {
            const double *A = w->Ac + (j * m + i) * n * n;
            for (size_t r = 0; r < n; r++) {
                double *row = E + (i * n + r) * ld;
                for (size_t kk = 0; kk <= m; kk++) {
                    double dl = w->D[i][kk], hl = h * T * w->L[i][kk];
                    for (size_t cc = 0; cc < n; cc++) {
                        double val = (r == cc ? dl : 0.0) - hl * A[r * n + cc];
                        if (kk == 0) row[q + cc] = -val; /* right-hand side: -E_L */
                        else row[(kk - 1) * n + cc] = val;
                    }
                }
            }
        }
        if (dense_solve(E, q, n))
            return nd_fail(err, ND_EFAILED, "cycle curve: singular collocation block in interval %zu", j);
        /* the basis at the end of the interval (the start's again at t = 1) */
        if (j + 1 < w->ntst) {
            if (f_free(c, node(w, u, j + 1, 0), par, phi))
                return nd_fail(err, ND_ENONFINITE, "cycle curve: the right-hand side is not finite on the orbit");
            flow_basis(n, phi, Qb);
        } else {
            memcpy(Qb, Q0, n * n * sizeof *Qb);
        }
        /* Pt = Qb^T P_j Qa, P_j = the last n rows of the solution */
        const double *P = E + (m - 1) * n * ld + q;
        for (size_t r = 0; r < n; r++)
            for (size_t cc = 0; cc < n; cc++) {
                double s = 0.0;
                for (size_t a = 0; a < n; a++) s += P[r * ld + a] * Qa[a * n + cc];
                Rt[r * n + cc] = s; /* P Qa */
            }
        for (size_t r = 0; r < n; r++)
            for (size_t cc = 0; cc < n; cc++) {
                double s = 0.0;
                for (size_t a = 0; a < n; a++) s += Qb[a * n + r] * Rt[a * n + cc];
                Pt[r * n + cc] = s;
            }
        double a0 = Pt[0];
        if (!(a0 != 0.0) || !isfinite(a0))
            return nd_fail(err, ND_EFAILED, "cycle curve: the flow direction is lost in interval %zu", j);
        log_triv += log(fabs(a0));
        if (a0 < 0) sign_triv = -sign_triv;
        /* R <- R_j R, rescaled */
        double big = 0.0;
        for (size_t r = 0; r < nt; r++)
            for (size_t cc = 0; cc < nt; cc++) {
                double s = 0.0;
                for (size_t a = 0; a < nt; a++) s += Pt[(r + 1) * n + a + 1] * R[a * nt + cc];
                Rt[r * nt + cc] = s;
                big = fmax(big, fabs(s));
            }
        if (!(big > 0) || !isfinite(big))
            return nd_fail(err, ND_EFAILED, "cycle curve: the transverse monodromy degenerates in interval %zu", j);
        for (size_t a = 0; a < nt * nt; a++) R[a] = Rt[a] / big;
        log_R += log(big);
        memcpy(Qa, Qb, n * n * sizeof *Qa);
    }
    double complex mu[64];
    mu[0] = sign_triv * exp(log_triv);
    double scale = exp(fmin(log_R, 700.0));
    if (nt == 1) {
        mu[1] = R[0] * scale;
    } else {
        for (size_t a = 0; a < nt * nt; a++) w->ewm->data[a] = R[a]; /* nt x nt, tda == nt */
        if (gsl_eigen_nonsymm(w->ewm, w->ewv, w->ew))
            return nd_fail(err, ND_EFAILED, "cycle curve: eigenvalues of the monodromy matrix failed");
        for (size_t a = 0; a < nt; a++) {
            gsl_complex z = gsl_vector_complex_get(w->ewv, a);
            mu[a + 1] = (GSL_REAL(z) + I * GSL_IMAG(z)) * scale;
        }
    }
    double complex t;
    for (size_t a = 1; a < n; a++) /* by modulus, descending; conjugate pairs: positive imag first */
        for (size_t b = a + 1; b < n; b++) {
            double ma = cabs(mu[a]), mb = cabs(mu[b]);
            if (mb > ma * (1 + 1e-12) || (fabs(mb - ma) <= 1e-12 * ma && cimag(mu[b]) > cimag(mu[a]))) {
                t = mu[a], mu[a] = mu[b], mu[b] = t;
            }
        }
    for (size_t a = 0; a < n; a++) w->mu_re[a] = creal(mu[a]), w->mu_im[a] = cimag(mu[a]);
    memcpy(w->mucache, u, N * sizeof *u);
    w->mu_valid = 1;
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

static void extrema(nd_cycle_curve *c, const double *u, double *xmax, double *xmin)
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

/* ---- describing a point ------------------------------------------------------------------------------ */
static nd_status describe_into(nd_cycle_curve *c, const double *u, nd_cycle_info *in, nd_error *err)
{
    cw *w = W(c);
    size_t n = w->n;
    nd_status st = floquet(c, u, err);
    if (st) return st;
    in->par = u[w->N - 1];
    in->period = exp(u[w->Nx]);
    extrema(c, u, in->xmax, in->xmin);
    in->amplitude = 0.0;
    for (size_t r = 0; r < n; r++) in->amplitude = fmax(in->amplitude, in->xmax[r] - in->xmin[r]);
    memcpy(in->mu_re, w->mu_re, n * sizeof *in->mu_re);
    memcpy(in->mu_im, w->mu_im, n * sizeof *in->mu_im);
    in->trivial_dev = cabs(w->mu_re[0] + I * w->mu_im[0] - 1.0);
    in->stable = 1;
    for (size_t a = 1; a < n; a++)
        if (!(hypot(w->mu_re[a], w->mu_im[a]) < 1.0)) in->stable = 0;
    memcpy(in->mesh, c->mesh, (w->ntst + 1) * sizeof *in->mesh);
    return ND_OK;
}

static size_t info_doubles(const nd_cycle_curve *c) { return 4 * c->k + c->ntst + 1; }

static void info_attach(const nd_cycle_curve *c, nd_cycle_info *in, double *mem)
{
    size_t k = c->k;
    in->xmax = mem, in->xmin = mem + k, in->mu_re = mem + 2 * k, in->mu_im = mem + 3 * k, in->mesh = mem + 4 * k;
}

static void records_clear(nd_cycle_curve *c)
{
    for (size_t i = 0; i < c->n_info; i++) free(c->info[i].xmax);
    c->n_info = 0;
}

static void records_drop(nd_cycle_curve *c, size_t i)
{
    if (i >= c->n_info) return;
    free(c->info[i].xmax);
    memmove(c->info + i, c->info + i + 1, (c->n_info - i - 1) * sizeof *c->info);
    c->n_info--;
}

static nd_cycle_info *records_push(nd_cycle_curve *c)
{
    if (c->n_info == c->info_cap) {
        size_t cap = c->info_cap ? 2 * c->info_cap : 256;
        nd_cycle_info *ni = realloc(c->info, cap * sizeof *ni);
        if (!ni) return NULL;
        c->info = ni, c->info_cap = cap;
    }
    double *mem = malloc(info_doubles(c) * sizeof *mem);
    if (!mem) return NULL;
    nd_cycle_info *in = &c->info[c->n_info];
    info_attach(c, in, mem);
    c->n_info++;
    return in;
}

const nd_cycle_info *nd_cycle_curve_info(const nd_cycle_curve *c, size_t i)
{
    return c && i < c->n_info ? &c->info[i] : NULL;
}

nd_status nd_cycle_curve_describe(nd_cycle_curve *c, const double *u, const nd_cycle_info **info, nd_error *err)
{
    if (!c || !c->work || !u) return nd_fail(err, ND_EINVAL, "cycle curve: describe needs a curve and a point");
    cw *w = W(c);
    double *x = malloc(w->N * sizeof *x);
    if (!x) return nd_fail(err, ND_ENOMEM, "cycle curve: no memory");
    for (size_t i = 0; i < w->N; i++) x[i] = u[i] / w->sc[i];
    nd_status st = describe_into(c, x, &w->scratch, err);
    free(x);
    if (!st && info) *info = &w->scratch;
    return st;
}

/* ---- test functions ---------------------------------------------------------------------------------- */
static nd_status cyc_tests(void *ctx, const double *u, const double *v, const double *J, double *psi, nd_error *err)
{
    nd_cycle_curve *c = ctx;
    cw *w = W(c);
    (void)J;
    size_t n = w->n;
    nd_status st = floquet(c, u, err);
    if (st) return st;
    psi[ND_CYC_LPC] = v[w->N - 1];
    /* every factor z enters as z / (1 + |z|): the same zeros and signs (conjugate factors still
     * multiply to a positive number), but no overflow for strongly unstable cycles */
    double complex pd = 1.0, ns = 1.0, z;
    for (size_t a = 1; a < n; a++) {
        double complex ma = w->mu_re[a] + I * w->mu_im[a];
        z = ma + 1.0;
        pd *= z / (1.0 + cabs(z));
        for (size_t b = a + 1; b < n; b++) {
            z = ma * (w->mu_re[b] + I * w->mu_im[b]) - 1.0;
            ns *= z / (1.0 + cabs(z));
        }
    }
    psi[ND_CYC_PD] = creal(pd);
    psi[ND_CYC_NS] = creal(ns);
    return ND_OK;
}

static int cyc_accept(void *ctx, int test, const double *u, const double *v, double *data)
{
    nd_cycle_curve *c = ctx;
    cw *w = W(c);
    (void)v;
    size_t n = w->n;
    if (floquet(c, u, NULL)) return 0;
    data[0] = exp(u[w->Nx]), data[1] = u[w->N - 1];
    data[3] = cabs(w->mu_re[0] + I * w->mu_im[0] - 1.0);
    double sa = signed_amplitude(c, u);
    switch (test) {
    case ND_CYC_LPC:
        /* the tangent's parameter component also vanishes where the branch passes through a
         * Hopf point (the cycle shrinks to the equilibrium and the branch turns back) */
        return sa > 0.25;
    case ND_CYC_PD: {
        double best = INFINITY;
        for (size_t a = 1; a < n; a++) {
            double d = cabs(w->mu_re[a] + I * w->mu_im[a] + 1.0);
            if (d < best) best = d, data[2] = w->mu_re[a];
        }
        return sa > 0.25 && best < 1e-2;
    }
    case ND_CYC_NS: {
        double best = INFINITY;
        size_t ba = 0, bb = 0;
        for (size_t a = 1; a < n; a++)
            for (size_t b = a + 1; b < n; b++) {
                double complex pa = w->mu_re[a] + I * w->mu_im[a], pb = w->mu_re[b] + I * w->mu_im[b];
                double d = cabs(pa * pb - 1.0);
                if (d < best) best = d, ba = a, bb = b;
            }
        if (!ba) return 0;
        double complex pa = w->mu_re[ba] + I * w->mu_im[ba], pb = w->mu_re[bb] + I * w->mu_im[bb];
        /* a complex pair on the unit circle; a real pair mu, 1/mu is a neutral saddle cycle */
        if (!(fabs(cimag(pa)) > 1e-6 * cabs(pa) && cabs(pa - conj(pb)) < 1e-6 * cabs(pa))) return 0;
        double theta = fabs(carg(pa));
        data[2] = theta;
        return sa > 0.25 && theta > 1e-4;
    }
    }
    return 1;
}

static nd_status newton_border(nd_cycle_curve *c, double *u, const double *row, double target, int max_it, double tol,
                               nd_error *err);

/* The branch reached a Hopf point between the previous point (the phase reference, record
 * prev) and u: the step passed through zero amplitude (sa < 0: u is the previous cycles
 * retraced, half a period shifted) or bounced back off it. The branch point itself cannot be
 * reached by the corrector (the branch of constant solutions crosses there), so the Hopf point
 * is extrapolated along p = p_H + c a^2 + O(a^4) in the amplitude a, likewise T and the mean of
 * x: two cycles at amplitudes 0.02 and 0.01 of the previous one are computed (Newton with the
 * signed amplitude fixed), and Richardson extrapolation removes the a^2 terms. If that fails,
 * the last two points are used. */
static void hopf_end(nd_cycle_curve *c, const double *u, double sa, const nd_cycle_info *prev, const nd_cycle_info *in)
{
    cw *w = W(c);
    size_t N = w->N, n = w->n, m = w->m;
    double A1 = prev->amplitude * prev->amplitude, A2 = in->amplitude * in->amplitude, den = A1 - A2;
    if (sa > 0) A2 = -A2, den = A1 - A2; /* a bounce: u lies on the same side, not across */
    double wa = fabs(den) > 1e-3 * A1 ? -A2 / den : 0.5, wb = fabs(den) > 1e-3 * A1 ? A1 / den : 0.5;
    double mean[64];
    cycle_mean(c, u, mean);
    w->hopf_p = wa * prev->par + wb * u[N - 1];
    w->hopf_T = wa * prev->period + wb * exp(u[w->Nx]);
    for (size_t r = 0; r < n; r++) w->hopf_x[r] = wa * w->refbar[r] + wb * mean[r];
    double *row = calloc(3 * N, sizeof *row), *ua = row + N, *ub = row + 2 * N;
    if (!row || !(w->refnorm > 0)) {
        free(row);
        return;
    }
    /* s(u) = int <x, ref - refbar> dt / refnorm is linear in the node values */
    for (size_t j = 0; j < w->ntst; j++) {
        double h = c->mesh[j + 1] - c->mesh[j];
        for (size_t i = 0; i < m; i++)
            for (size_t r = 0; r < n; r++) {
                double rv = 0.0;
                for (size_t k = 0; k <= m; k++) rv += w->L[i][k] * node(w, w->ref, j, k)[r];
                for (size_t k = 0; k <= m; k++)
                    row[(j * m + k) * n + r] += h * w->gw[i] * w->L[i][k] * (rv - w->refbar[r]) / w->refnorm;
            }
    }
    const double sig[2] = {0.02, 0.01};
    double *us[2] = {ua, ub};
    int stopped = c->stopped, ok = 1;
    c->stopped = 0;
    for (int q = 0; q < 2 && ok; q++) {
        if (sa < 0) { /* on the secant from the previous point (s = 1) to u (s = sa) */
            double lam = (1.0 - sig[q]) / (1.0 - sa);
            for (size_t i = 0; i < w->Nx; i++) us[q][i] = w->ref[i] + lam * (u[i] - w->ref[i]);
            us[q][w->Nx] = log(prev->period) + lam * (u[w->Nx] - log(prev->period));
            us[q][N - 1] = prev->par + lam * (u[N - 1] - prev->par);
        } else { /* the previous cycle shrunk about its mean, at the extrapolated p and T */
            for (size_t g = 0; g < w->nodes; g++)
                for (size_t r = 0; r < n; r++)
                    us[q][g * n + r] = w->refbar[r] + sig[q] * (w->ref[g * n + r] - w->refbar[r]);
            us[q][w->Nx] = log(w->hopf_T), us[q][N - 1] = w->hopf_p;
        }
        ok = newton_border(c, us[q], row, sig[q], 15, 1e-11, NULL) == ND_OK;
    }
    c->stopped = stopped;
    if (ok) {
        double m1[64], m2[64];
        cycle_mean(c, ua, m1);
        cycle_mean(c, ub, m2);
        w->hopf_p = (4 * ub[N - 1] - ua[N - 1]) / 3;
        w->hopf_T = (4 * exp(ub[w->Nx]) - exp(ua[w->Nx])) / 3;
        for (size_t r = 0; r < n; r++) w->hopf_x[r] = (4 * m2[r] - m1[r]) / 3;
    }
    w->level = 0, w->mu_valid = 0;
    free(row);
}

/* ---- per accepted point: record, stopping rules, new phase reference ----------------------------- */
static void stop(nd_cycle_curve *c, int why, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void stop(nd_cycle_curve *c, int why, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    c->stopped = why;
    vsnprintf(c->stop_reason, sizeof c->stop_reason, fmt, ap);
    va_end(ap);
}

static int cyc_label(void *ctx, const double *u)
{
    nd_cycle_curve *c = ctx;
    cw *w = W(c);
    double sa = w->have_ref ? signed_amplitude(c, u) : 1.0;
    nd_cycle_info *in = records_push(c);
    int label = -1;
    if (in) {
        if (describe_into(c, u, in, NULL)) {
            /* keep the record (period and parameter are known), mark the rest unknown */
            in->par = u[w->N - 1], in->period = exp(u[w->Nx]), in->amplitude = NAN, in->trivial_dev = NAN, in->stable = -1;
            for (size_t r = 0; r < c->k; r++)
                in->xmax[r] = in->xmin[r] = in->mu_re[r] = in->mu_im[r] = NAN;
            memcpy(in->mesh, c->mesh, (c->ntst + 1) * sizeof *in->mesh);
        }
        label = in->stable;
    }
    double T = exp(u[w->Nx]), par = u[w->N - 1];
    if (w->restart) { /* a run restarting from the last point: nothing new */
        w->restart = 0;
        set_reference(c, u);
        return label;
    }
    if (w->nh == 0) w->T_first = T;
    /* history of the accepted points (without restart duplicates) */
    hist *hnew = &w->h[w->nh % 3];
    hnew->par = par, hnew->T = T, hnew->amp = in ? in->amplitude : NAN;
    w->nh++;
    if (in && in->amplitude > w->amp_max) w->amp_max = in->amplitude;
    if (!c->stopped && in && w->nh >= 2 && c->n_info >= 2) {
        const nd_cycle_info *prev = &c->info[c->n_info - 2];
        int across = sa < 0, bounce = 0;
        if (w->nh >= 3) {
            const hist *h0 = &w->h[(w->nh - 3) % 3], *h1 = &w->h[(w->nh - 2) % 3], *h2 = hnew;
            /* the amplitude has a small local minimum where the parameter turns back: the step
             * bounced off a Hopf point instead of passing through it */
            bounce = h1->amp < h0->amp && h2->amp > h1->amp && h1->amp < 0.5 * w->amp_max &&
                     (h2->par - h1->par) * (h1->par - h0->par) < 0;
        }
        if (across || bounce) {
            hopf_end(c, u, sa, prev, in);
            stop(c, ND_CYC_STOP_HOPF, "the cycle shrinks to an equilibrium at p = %.10g: the branch reached a Hopf "
                 "point (period there %.10g)", w->hopf_p, w->hopf_T);
        }
    }
    if (!c->stopped && w->T_first > 0 && T > c->period_factor * w->T_first) {
        stop(c, ND_CYC_STOP_PERIOD, "period grows without bound near p = %.10g: approach to a homoclinic orbit or "
             "SNIC (T = %.6g, %.3g times the period at the start)", par, T, T / w->T_first);
    }
    if (!c->stopped && in && c->n_info >= 3) {
        /* the period doubled while the parameter stalled and the orbit kept its size (a canard
         * explosion also has the parameter stall, but the orbit grows) */
        for (size_t i = c->n_info - 1; i-- > 0;) {
            if (c->info[i].period <= 0.5 * T) {
                if (fabs(par - c->info[i].par) <= c->stall_tol * fmax(1.0, fabs(par)) &&
                    fabs(in->amplitude - c->info[i].amplitude) <= 0.1 * in->amplitude)
                    stop(c, ND_CYC_STOP_PERIOD, "period grows without bound near p = %.10g: approach to a homoclinic "
                         "orbit or SNIC (T = %.6g, doubled while p moved by %.2g)", par, T, fabs(par - c->info[i].par));
                break;
            }
        }
    }
    set_reference(c, u);
    return label;
}

/* ---- the unknowns the continuer sees ------------------------------------------------------------ */
/* The continuer measures arclength in the Euclidean norm of u. With u = (x at the nodes, T, p)
 * that norm grows with the number of nodes and is dominated by the period near a homoclinic
 * orbit or SNIC. So u holds sqrt(w_g) x_g for node g, w_g its weight in the composite
 * Newton-Cotes rule on the mesh (the Euclidean norm of the node part is then the L2 norm of
 * x(t) over the period, as AUTO's pseudo-arclength uses), ln T, and p. Internally everything
 * works on x; these wrappers convert. */
static void node_scales(const cw *w, const double *mesh, double *sc)
{
    size_t n = w->n, m = w->m;
    for (size_t g = 0; g < w->nodes; g++) {
        size_t j = g / m, k = g % m;
        double wt;
        if (g == w->nodes - 1) wt = (mesh[w->ntst] - mesh[w->ntst - 1]) * w->nc[m];
        else if (k == 0 && j > 0) wt = (mesh[j] - mesh[j - 1]) * w->nc[m] + (mesh[j + 1] - mesh[j]) * w->nc[0];
        else wt = (mesh[j + 1] - mesh[j]) * w->nc[k];
        double s = sqrt(fabs(wt));
        for (size_t r = 0; r < n; r++) sc[g * n + r] = s;
    }
    sc[w->Nx] = sc[w->Nx + 1] = 1.0;
}

/* The mesh changed: new scales, caches void. */
static void mesh_changed(nd_cycle_curve *c)
{
    cw *w = W(c);
    node_scales(w, c->mesh, w->sc);
    w->level = 0, w->mu_valid = 0;
}

static void to_x(const cw *w, const double *u, double *x)
{
    for (size_t i = 0; i < w->N; i++) x[i] = u[i] / w->sc[i];
}

static void to_u(const cw *w, const double *x, double *u)
{
    for (size_t i = 0; i < w->N; i++) u[i] = x[i] * w->sc[i];
}

/* t (x-space tangent) to the u-space unit tangent */
static void tangent_to_u(const cw *w, const double *tx, double *tu)
{
    double s = 0.0;
    for (size_t i = 0; i < w->N; i++) tu[i] = tx[i] * w->sc[i], s += tu[i] * tu[i];
    s = sqrt(s);
    if (s > 0)
        for (size_t i = 0; i < w->N; i++) tu[i] /= s;
}

static nd_status eng_residual(void *ctx, const double *u, double *F, nd_error *err)
{
    cw *w = W(ctx);
    to_x(w, u, w->xs);
    return cyc_residual(ctx, w->xs, F, err);
}

/* B_u = [J_x S^-1; v^T]: factor [J_x; (S v)^T]; J_u v = J_x (S^-1 v). */
static nd_status eng_factor(void *ctx, const double *u, const double *v, double *Jv, nd_error *err)
{
    cw *w = W(ctx);
    to_x(w, u, w->xs);
    for (size_t i = 0; i < w->N; i++) w->vs[i] = v[i] * w->sc[i];
    nd_status st = cyc_factor(ctx, w->xs, w->vs, err);
    if (st || !Jv) return st;
    to_x(w, v, w->vs);
    matvec(w, w->vs, w->tmpN);
    memcpy(Jv, w->tmpN, (w->N - 1) * sizeof *Jv);
    return ND_OK;
}

/* B_u y = b: z solves [J_x; (S v)^T] z = b, y = S z */
static nd_status eng_solve(void *ctx, double *y, nd_error *err)
{
    cw *w = W(ctx);
    nd_status st = cyc_solve(ctx, y, err);
    if (!st)
        for (size_t i = 0; i < w->N; i++) y[i] *= w->sc[i];
    return st;
}

static nd_status eng_tests(void *ctx, const double *u, const double *v, const double *J, double *psi, nd_error *err)
{
    cw *w = W(ctx);
    to_x(w, u, w->xs);
    return cyc_tests(ctx, w->xs, v, J, psi, err); /* v enters through its parameter component only */
}

static int eng_accept(void *ctx, int test, const double *u, const double *v, double *data)
{
    cw *w = W(ctx);
    to_x(w, u, w->xs);
    return cyc_accept(ctx, test, w->xs, v, data);
}

static int eng_label(void *ctx, const double *u)
{
    cw *w = W(ctx);
    to_x(w, u, w->xs);
    return cyc_label(ctx, w->xs);
}

/* ---- setup ------------------------------------------------------------------------------------------- */
static void work_free(cw *w)
{
    if (!w) return;
    if (w->num) klu_free_numeric(&w->num, &w->kc);
    if (w->sym) klu_free_symbolic(&w->sym, &w->kc);
    if (w->ew) gsl_eigen_nonsymm_free(w->ew);
    if (w->ewm) gsl_matrix_free(w->ewm);
    if (w->ewv) gsl_vector_complex_free(w->ewv);
    free(w->ref), free(w->phase), free(w->refbar), free(w->ucache);
    free(w->xc), free(w->fc), free(w->Ac), free(w->fpc);
    free(w->xf), free(w->ff), free(w->Jf), free(w->fa), free(w->fb);
    free(w->Ap), free(w->Ai), free(w->map), free(w->trow), free(w->tcol), free(w->Ax);
    free(w->r1), free(w->r2), free(w->G0), free(w->G), free(w->mup), free(w->mub), free(w->border), free(w->rphase), free(w->rborder), free(w->rb), free(w->piv), free(w->E), free(w->Mm), free(w->Mt), free(w->Q0), free(w->Qa), free(w->Qb), free(w->Pt), free(w->mucache), free(w->mu_re), free(w->mu_im);
    free(w->scratch_mem), free(w->hopf_x), free(w->sc), free(w->xs), free(w->vs), free(w->tmpN), free(w->mesh_new), free(w->unew);
    free(w);
}

void nd_cycle_curve_free(nd_cycle_curve *c)
{
    if (!c) return;
    records_clear(c);
    free(c->info);
    work_free(c->work);
    free(c->p);
    free(c->free_idx);
    free(c->mesh);
    memset(c, 0, sizeof *c);
}

static void uniform_mesh(nd_cycle_curve *c)
{
    for (size_t j = 0; j <= c->ntst; j++) c->mesh[j] = (double)j / c->ntst;
    mesh_changed(c);
}

nd_status nd_cycle_curve_init(nd_cycle_curve *c, const nd_model *m, const double *p, int par,
                              const nd_region *region, size_t ntst, size_t ncol, nd_error *err)
{
    if (!c) return nd_fail(err, ND_EINVAL, "cycle curve: the curve is NULL");
    memset(c, 0, sizeof *c);
    nd_status st = nd_model_validate(m, err);
    if (st) return st;
    if (!p) return nd_fail(err, ND_EINVAL, "cycle curve: the parameter vector is NULL");
    if (par < 0 || (size_t)par >= m->n_pars)
        return nd_fail(err, ND_EINVAL, "cycle curve: continuation parameter index %d is out of range for %s (%zu "
                       "parameters)", par, m->name, m->n_pars);
    if (!ntst) ntst = 40;
    if (!ncol) ncol = 4;
    if (ntst < 2 || ntst > 10000) return nd_fail(err, ND_EINVAL, "cycle curve: ntst = %zu (2..10000)", ntst);
    if (ncol < 2 || ncol > 7) return nd_fail(err, ND_EINVAL, "cycle curve: ncol = %zu (2..7)", ncol);
    size_t nv = m->n_vars;
    c->m = m, c->par = par, c->ntst = ntst, c->ncol = ncol;
    c->adapt_every = 3, c->period_factor = 50.0, c->stall_tol = 1e-6;
    if (region) c->region = *region;
    if (region && region->fixed && !region->at)
        return nd_fail(err, ND_EINVAL, "cycle curve: the region fixes variables but gives no values (at)");
    c->p = malloc(m->n_pars * sizeof *c->p);
    c->free_idx = malloc(nv * sizeof *c->free_idx);
    c->mesh = malloc((ntst + 1) * sizeof *c->mesh);
    cw *w = c->work = calloc(1, sizeof *w);
    if (!c->p || !c->free_idx || !c->mesh || !w) {
        nd_cycle_curve_free(c);
        return nd_fail(err, ND_ENOMEM, "cycle curve: no memory");
    }
    memcpy(c->p, p, m->n_pars * sizeof *c->p);
    for (size_t i = 0; i < nv; i++)
        if (!(region && region->fixed && region->fixed[i])) c->free_idx[c->k++] = i;
    if (c->k < 2 || c->k > 64) {
        size_t k = c->k;
        nd_cycle_curve_free(c);
        return nd_fail(err, ND_EINVAL, "cycle curve: %zu free variables (limit cycles need 2..64)", k);
    }
    size_t n = c->k;
    w->n = n, w->nv = nv, w->ntst = ntst, w->m = ncol;
    w->nodes = ntst * ncol + 1, w->Nx = w->nodes * n, w->N = w->Nx + 2, w->ncp = ntst * ncol;
    size_t N = w->N, ncp = w->ncp, q = ncol * n;
    size_t blocks = ntst * q * ((ncol + 1) * n + 2), Nr = (ntst + 1) * n + 2;
    if ((st = nd_check_alloc((2 * blocks + ncp * n * (n + 3) + 20 * N + 4 * Nr) * sizeof(double) +
                                 (ntst * n * (2 * n + 2) + 2 * Nr) * (sizeof(double) + 3 * sizeof(int)),
                             "the collocation system", err))) {
        nd_cycle_curve_free(c);
        return st;
    }
    gauss_legendre(ncol, w->gs, w->gw);
    if (vandermonde_inverse(ncol, w->C)) {
        nd_cycle_curve_free(c);
        return nd_fail(err, ND_EFAILED, "cycle curve: Lagrange basis failed");
    }
    for (size_t i = 0; i < ncol; i++) basis(w, w->gs[i], w->L[i], w->D[i]);
    for (size_t k = 0; k <= ncol; k++) {
        w->nc[k] = 0.0;
        for (size_t a = 0; a <= ncol; a++) w->nc[k] += w->C[a][k] / (a + 1);
    }
    w->ref = calloc(w->Nx, sizeof(double));
    w->phase = calloc(w->Nx, sizeof(double));
    w->refbar = calloc(n, sizeof(double));
    w->ucache = calloc(N, sizeof(double));
    w->xc = calloc(ncp * n, sizeof(double));
    w->fc = calloc(ncp * n, sizeof(double));
    w->Ac = calloc(ncp * n * n, sizeof(double));
    w->fpc = calloc(ncp * n, sizeof(double));
    w->xf = calloc(nv, sizeof(double));
    w->ff = calloc(nv, sizeof(double));
    w->Jf = calloc(nv * nv, sizeof(double));
    w->fa = calloc(n, sizeof(double));
    w->fb = calloc(n, sizeof(double));
    w->r1 = calloc(N, sizeof(double));
    w->r2 = calloc(N, sizeof(double));
    w->Nr = (ntst + 1) * n + 2;
    w->G0 = calloc(ntst * q * ((ncol + 1) * n + 2), sizeof(double));
    w->G = calloc(ntst * q * ((ncol + 1) * n + 2), sizeof(double));
    w->mup = calloc(ntst * (ncol - 1) * n, sizeof(double));
    w->mub = calloc(ntst * (ncol - 1) * n, sizeof(double));
    w->piv = calloc(ntst * (ncol - 1) * n, sizeof(int));
    w->border = calloc(N, sizeof(double));
    w->rphase = calloc(w->Nr, sizeof(double));
    w->rborder = calloc(w->Nr, sizeof(double));
    w->rb = calloc(w->Nr, sizeof(double));
    w->E = calloc(q * (q + n), sizeof(double));
    w->Mm = calloc(n * n, sizeof(double));
    w->Mt = calloc(n * n, sizeof(double));
    w->Q0 = calloc(n * n, sizeof(double));
    w->Qa = calloc(n * n, sizeof(double));
    w->Qb = calloc(n * n, sizeof(double));
    w->Pt = calloc(n * n, sizeof(double));
    w->mucache = calloc(N, sizeof(double));
    w->mu_re = calloc(n, sizeof(double));
    w->mu_im = calloc(n, sizeof(double));
    w->scratch_mem = calloc(4 * n + ntst + 1, sizeof(double));
    w->mesh_new = calloc(ntst + 1, sizeof(double));
    w->hopf_x = calloc(n, sizeof(double));
    w->sc = calloc(N, sizeof(double));
    w->xs = calloc(N, sizeof(double));
    w->vs = calloc(N, sizeof(double));
    w->tmpN = calloc(N, sizeof(double));
    w->unew = calloc(N, sizeof(double));
    w->ew = gsl_eigen_nonsymm_alloc(n - 1);
    w->ewm = gsl_matrix_alloc(n - 1, n - 1);
    w->ewv = gsl_vector_complex_alloc(n - 1);
    if (!w->ref || !w->phase || !w->refbar || !w->ucache || !w->xc || !w->fc || !w->Ac || !w->fpc || !w->xf ||
        !w->ff || !w->Jf || !w->fa || !w->fb || !w->r1 || !w->r2 || !w->G0 || !w->G || !w->mup || !w->mub || !w->piv || !w->border || !w->rphase || !w->rborder || !w->rb || !w->E || !w->Mm || !w->Mt || !w->Q0 || !w->Qa || !w->Qb || !w->Pt || !w->mucache ||
        !w->mu_re || !w->mu_im || !w->scratch_mem || !w->mesh_new || !w->hopf_x || !w->sc || !w->xs || !w->vs || !w->tmpN || !w->unew || !w->ew || !w->ewm || !w->ewv) {
        nd_cycle_curve_free(c);
        return nd_fail(err, ND_ENOMEM, "cycle curve: no memory");
    }
    info_attach(c, &w->scratch, w->scratch_mem);
    klu_defaults(&w->kc);
    w->kc.tol = 0.1; /* threshold partial pivoting: the chain's own pivot unless 10x smaller */
    w->kc.btf = 0;
    gsl_set_error_handler_off();
    uniform_mesh(c);
    if ((st = build_pattern(c, err))) {
        nd_cycle_curve_free(c);
        return st;
    }
    c->type = (nd_curve_type){
        .name = "limit cycle",
        .dim = N,
        .residual = eng_residual,
        .jacobian = NULL,
        .n_tests = 3, /* H: found by label (the engine could not locate it), named for the specials */
        .test_names = {"LPC", "PD", "NS", "H"},
        .tests = eng_tests,
        .accept = eng_accept,
        .label = eng_label,
        .bordered_factor = eng_factor,
        .bordered_solve = eng_solve,
        .ctx = c,
    };
    return ND_OK;
}

static void reset_run(nd_cycle_curve *c)
{
    cw *w = W(c);
    records_clear(c);
    c->stopped = ND_CYC_RUNNING;
    c->stop_reason[0] = '\0';
    w->T_first = 0.0, w->nh = 0, w->amp_max = 0.0, w->restart = 0;
    w->level = 0;
    w->mu_valid = 0;
}

/* ---- Newton with the parameter fixed, tangents ----------------------------------------------------------- */
static double vnorm(const double *v, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += v[i] * v[i];
    return sqrt(s);
}

/* Corrects u in place at its parameter (border e_N), phase against the reference in place. */
/* Newton on F(u) = 0 with the extra condition row . u = target (row: N values), in place. */
static nd_status newton_border(nd_cycle_curve *c, double *u, const double *row, double target, int max_it, double tol,
                               nd_error *err)
{
    cw *w = W(c);
    size_t N = w->N;
    double *F = malloc(N * sizeof *F);
    if (!F) return nd_fail(err, ND_ENOMEM, "cycle curve: no memory");
    nd_status st = ND_OK;
    double dn = INFINITY, fn = INFINITY;
    for (int it = 0; it < max_it; it++) {
        if ((st = cyc_residual(c, u, F, err))) break;
        fn = vnorm(F, N - 1);
        double g = -target;
        for (size_t i = 0; i < N; i++) g += row[i] * u[i];
        F[N - 1] = g;
        if ((st = cyc_factor(c, u, row, err)) || (st = cyc_solve(c, F, err))) break;
        for (size_t i = 0; i < N; i++) u[i] -= F[i];
        dn = vnorm(F, N);
        if (dn < tol * fmax(1.0, vnorm(u, N)) && fn < 1e2 * tol) break;
    }
    if (!st) {
        if ((st = cyc_residual(c, u, F, err))) {
            free(F);
            return st;
        }
        fn = vnorm(F, N - 1);
        if (!(fn < 1e3 * tol))
            st = nd_fail(err, ND_EFAILED, "cycle curve: Newton at parameter %g did not converge (|F| = %.3g, last |du| = "
                         "%.3g after %d iterations)", u[N - 1], fn, dn, max_it);
    }
    free(F);
    return st;
}

/* Corrects u in place at its parameter value. */
static nd_status newton_fixed(nd_cycle_curve *c, double *u, int max_it, double tol, nd_error *err)
{
    size_t N = W(c)->N;
    double *e = calloc(N, sizeof *e);
    if (!e) return nd_fail(err, ND_ENOMEM, "cycle curve: no memory");
    e[N - 1] = 1.0;
    nd_status st = newton_border(c, u, e, u[N - 1], max_it, tol, err);
    free(e);
    return st;
}

/* The tangent at u: [J; r^T] t = e_N, normalised, with t . r > 0. */
static nd_status tangent_at(nd_cycle_curve *c, const double *u, const double *r, double *t, nd_error *err)
{
    size_t N = W(c)->N;
    memset(t, 0, N * sizeof *t);
    t[N - 1] = 1.0;
    nd_status st = cyc_factor(c, u, r, err);
    if (!st) st = cyc_solve(c, t, err);
    if (st) return st;
    double nt = vnorm(t, N), dot = 0.0;
    if (!(nt > 0) || !isfinite(nt)) return nd_fail(err, ND_EFAILED, "cycle curve: no tangent");
    for (size_t i = 0; i < N; i++) t[i] /= nt, dot += t[i] * r[i];
    if (dot < 0)
        for (size_t i = 0; i < N; i++) t[i] = -t[i];
    return ND_OK;
}

/* ---- mesh adaptation ------------------------------------------------------------------------------- */
/* New mesh equidistributing the error monitor of u (into w->mesh_new). */
static void new_mesh(nd_cycle_curve *c, const double *u)
{
    cw *w = W(c);
    size_t n = w->n, m = w->m, ntst = w->ntst;
    double *Dm = malloc(ntst * n * sizeof *Dm), *E = malloc(ntst * sizeof *E), *rho = malloc(ntst * sizeof *rho);
    if (!Dm || !E || !rho) {
        memcpy(w->mesh_new, c->mesh, (ntst + 1) * sizeof *c->mesh);
        free(Dm), free(E), free(rho);
        return;
    }
    double fact = 1.0;
    for (size_t a = 2; a <= m; a++) fact *= a;
    for (size_t j = 0; j < ntst; j++) {
        double h = c->mesh[j + 1] - c->mesh[j];
        for (size_t r = 0; r < n; r++) {
            double s = 0.0;
            for (size_t k = 0; k <= m; k++) s += w->C[m][k] * node(w, u, j, k)[r];
            Dm[j * n + r] = fact * s / pow(h, (double)m);
        }
    }
    /* jump of the m-th derivative at mesh point j (between intervals j-1 and j, periodic) */
    for (size_t j = 0; j < ntst; j++) {
        size_t jm = (j + ntst - 1) % ntst;
        double hm = c->mesh[jm + 1] - c->mesh[jm], h = c->mesh[j + 1] - c->mesh[j], s = 0.0;
        for (size_t r = 0; r < n; r++) {
            double d = Dm[j * n + r] - Dm[jm * n + r];
            s += d * d;
        }
        E[j] = sqrt(s) / (0.5 * (hm + h));
    }
    double total = 0.0;
    for (size_t j = 0; j < ntst; j++) {
        rho[j] = pow(0.5 * (E[j] + E[(j + 1) % ntst]), 1.0 / (m + 1));
        total += rho[j] * (c->mesh[j + 1] - c->mesh[j]);
    }
    if (!(total > 0) || !isfinite(total)) {
        memcpy(w->mesh_new, c->mesh, (ntst + 1) * sizeof *c->mesh);
    } else {
        double floor = 0.1 * total, tot2 = 0.0; /* mean density is total (the mesh spans [0, 1]) */
        for (size_t j = 0; j < ntst; j++) rho[j] += floor, tot2 += rho[j] * (c->mesh[j + 1] - c->mesh[j]);
        w->mesh_new[0] = 0.0;
        double cum = 0.0;
        size_t l = 0;
        for (size_t q = 1; q < ntst; q++) {
            double target = tot2 * q / ntst;
            while (l < ntst - 1 && cum + rho[l] * (c->mesh[l + 1] - c->mesh[l]) < target) {
                cum += rho[l] * (c->mesh[l + 1] - c->mesh[l]);
                l++;
            }
            double t = c->mesh[l] + (target - cum) / rho[l];
            w->mesh_new[q] = fmin(fmax(t, c->mesh[l]), c->mesh[l + 1]);
        }
        w->mesh_new[ntst] = 1.0;
        for (size_t q = 1; q <= ntst; q++) /* guard against rounding collapsing an interval */
            if (!(w->mesh_new[q] > w->mesh_new[q - 1])) {
                memcpy(w->mesh_new, c->mesh, (ntst + 1) * sizeof *c->mesh);
                break;
            }
    }
    free(Dm), free(E), free(rho);
}

/* x-part of u (on c->mesh) onto mesh_new, into out; T and p copied. */
static void remesh_vector(nd_cycle_curve *c, const double *u, double *out)
{
    cw *w = W(c);
    size_t n = w->n, m = w->m;
    for (size_t j = 0; j < w->ntst; j++) {
        double h = w->mesh_new[j + 1] - w->mesh_new[j];
        for (size_t k = 0; k < m; k++) eval_at(w, c->mesh, u, w->mesh_new[j] + h * k / m, out + (j * m + k) * n);
    }
    memcpy(out + (w->nodes - 1) * n, u + (w->nodes - 1) * n, n * sizeof *u);
    out[w->Nx] = u[w->Nx], out[w->Nx + 1] = u[w->Nx + 1];
}

/* Adapts the mesh to u; u (and v when not NULL, renormalised) are moved onto the new mesh. */
/* Adapts the mesh to u unless the equidistributing mesh is within `slack` of the current one
 * (every interval within that relative change; 0: always); returns 1 when it changed. */
static int adapt(nd_cycle_curve *c, double *u, double *v, double slack)
{
    cw *w = W(c);
    size_t N = w->N;
    new_mesh(c, u);
    double change = 0.0;
    for (size_t j = 0; j < w->ntst; j++) {
        double ho = c->mesh[j + 1] - c->mesh[j], hn = w->mesh_new[j + 1] - w->mesh_new[j];
        change = fmax(change, fabs(hn - ho) / ho);
    }
    if (slack > 0 && change < slack) return 0;
    remesh_vector(c, u, w->unew);
    memcpy(u, w->unew, N * sizeof *u);
    if (v) {
        remesh_vector(c, v, w->unew);
        double nv = vnorm(w->unew, N);
        for (size_t i = 0; i < N; i++) v[i] = nv > 0 ? w->unew[i] / nv : v[i];
    }
    memcpy(c->mesh, w->mesh_new, (w->ntst + 1) * sizeof *c->mesh);
    mesh_changed(c);
    return 1;
}

/* ---- starting points ---------------------------------------------------------------------------------- */
nd_status nd_cycle_curve_from_hopf(nd_cycle_curve *c, const nd_special_point *h, double amplitude, double *u0,
                                   double *v0, nd_error *err)
{
    if (!c || !c->work || !h || !h->u || !u0 || !v0)
        return nd_fail(err, ND_EINVAL, "cycle curve: from_hopf needs a curve, a Hopf point and u0, v0");
    cw *w = W(c);
    size_t n = w->n, N = w->N;
    double omega = h->data[0];
    if (!(omega > 0) || !isfinite(omega))
        return nd_fail(err, ND_EINVAL, "cycle curve: the Hopf point has frequency omega = %g (data[0] must be > 0)",
                       omega);
    const double *x0 = h->u;
    double par = h->u[n];
    reset_run(c);
    uniform_mesh(c);
    /* the eigenvector of A for the eigenvalue closest to i omega */
    expand(c, x0, w->xf);
    c->p[c->par] = par;
    nd_status st = nd_jacobian(c->m, 0.0, w->xf, c->p, w->Jf, err);
    if (st) return st;
    gsl_matrix *A = gsl_matrix_alloc(n, n);
    gsl_matrix_complex *vec = gsl_matrix_complex_alloc(n, n);
    gsl_vector_complex *val = gsl_vector_complex_alloc(n);
    gsl_eigen_nonsymmv_workspace *ws = gsl_eigen_nonsymmv_alloc(n);
    if (!A || !vec || !val || !ws) {
        st = nd_fail(err, ND_ENOMEM, "cycle curve: no memory");
    } else {
        for (size_t a = 0; a < n; a++)
            for (size_t b = 0; b < n; b++) gsl_matrix_set(A, a, b, w->Jf[c->free_idx[a] * w->nv + c->free_idx[b]]);
        if (gsl_eigen_nonsymmv(A, val, vec, ws)) st = nd_fail(err, ND_EFAILED, "cycle curve: eigenvectors at the Hopf point failed");
    }
    double complex q[64];
    if (!st) {
        size_t best = 0;
        double dist = INFINITY;
        for (size_t a = 0; a < n; a++) {
            gsl_complex z = gsl_vector_complex_get(val, a);
            double d = cabs(GSL_REAL(z) + I * GSL_IMAG(z) - I * omega);
            if (d < dist) dist = d, best = a;
        }
        gsl_complex z = gsl_vector_complex_get(val, best);
        if (!(fabs(GSL_IMAG(z)) > 0.5 * omega) || dist > 1e-3 * omega + 1e-8)
            st = nd_fail(err, ND_EINVAL, "cycle curve: no eigenvalue near i omega = %gi at the Hopf point (closest %g%+gi)",
                         omega, GSL_REAL(z), GSL_IMAG(z));
        double nq = 0.0;
        for (size_t a = 0; a < n; a++) {
            gsl_complex e = gsl_matrix_complex_get(vec, a, best);
            q[a] = GSL_REAL(e) + I * GSL_IMAG(e);
            nq += creal(q[a] * conj(q[a]));
        }
        for (size_t a = 0; a < n; a++) q[a] /= sqrt(nq);
    }
    if (A) gsl_matrix_free(A);
    if (vec) gsl_matrix_complex_free(vec);
    if (val) gsl_vector_complex_free(val);
    if (ws) gsl_eigen_nonsymmv_free(ws);
    if (st) return st;
    double scale = 1.0;
    for (size_t a = 0; a < n; a++) scale = fmax(scale, fabs(x0[a]));
    double eps = amplitude > 0 ? amplitude : 1e-3 * scale;
    for (size_t j = 0; j < w->ntst; j++)
        for (size_t k = 0; k <= w->m; k++) {
            if (j < w->ntst - 1 && k == w->m) continue;
            double t = c->mesh[j] + (c->mesh[j + 1] - c->mesh[j]) * k / w->m;
            double complex e = cexp(2 * M_PI * I * t);
            size_t g = j * w->m + k;
            for (size_t a = 0; a < n; a++) {
                double s = creal(q[a] * e);
                u0[g * n + a] = x0[a] + eps * s;
                v0[g * n + a] = s;
            }
        }
    u0[w->Nx] = log(2 * M_PI / omega), u0[N - 1] = par;
    v0[w->Nx] = 0.0, v0[N - 1] = 0.0;
    set_reference(c, u0);
    to_u(w, u0, u0);
    tangent_to_u(w, v0, v0);
    return ND_OK;
}

nd_status nd_cycle_curve_from_cycle(nd_cycle_curve *c, const nd_cycle *cyc, int direction, double *u0, double *v0,
                                    nd_error *err)
{
    if (!c || !c->work || !cyc || !u0 || !v0)
        return nd_fail(err, ND_EINVAL, "cycle curve: from_cycle needs a curve, a cycle and u0, v0");
    cw *w = W(c);
    size_t n = w->n, N = w->N, nv = w->nv;
    if (cyc->n_vars != nv || cyc->n < 3 || !(cyc->period > 0) || !cyc->t || !cyc->x)
        return nd_fail(err, ND_EINVAL, "cycle curve: the cycle has %zu variables, %zu samples, period %g (the model "
                       "has %zu variables; 3 samples and a positive period needed)", cyc->n_vars, cyc->n, cyc->period, nv);
    reset_run(c);
    uniform_mesh(c);
    double par = c->p[c->par], T = cyc->period;
    double *fa = malloc(2 * nv * sizeof *fa);
    if (!fa) return nd_fail(err, ND_ENOMEM, "cycle curve: no memory");
    double *fb = fa + nv;
    size_t s = 0;
    for (size_t g = 0; g < w->nodes; g++) {
        size_t j = g / w->m, k = g % w->m;
        if (j == w->ntst) j = w->ntst - 1, k = w->m;
        double t = T * (c->mesh[j] + (c->mesh[j + 1] - c->mesh[j]) * k / w->m) + cyc->t[0];
        while (s + 2 < cyc->n && cyc->t[s + 1] < t) s++;
        double ta = cyc->t[s], tb = cyc->t[s + 1], dt = tb - ta;
        const double *xa = cyc->x + s * nv, *xb = cyc->x + (s + 1) * nv;
        c->p[c->par] = par;
        c->m->rhs(ta, xa, c->p, fa);
        c->m->rhs(tb, xb, c->p, fb);
        double z = dt > 0 ? (t - ta) / dt : 0.0;
        double h00 = (1 + 2 * z) * (1 - z) * (1 - z), h10 = z * (1 - z) * (1 - z), h01 = z * z * (3 - 2 * z),
               h11 = z * z * (z - 1);
        for (size_t a = 0; a < n; a++) {
            size_t i = c->free_idx[a];
            u0[g * n + a] = h00 * xa[i] + h10 * dt * fa[i] + h01 * xb[i] + h11 * dt * fb[i];
        }
    }
    free(fa);
    memcpy(u0 + (w->nodes - 1) * n, u0, n * sizeof *u0); /* exact periodicity of the guess */
    u0[w->Nx] = log(T), u0[N - 1] = par;
    nd_status st = ND_OK;
    for (int round = 0; round < 3 && !st; round++) {
        set_reference(c, u0);
        st = newton_fixed(c, u0, 30, 1e-12, err);
        if (!st && round < 2) adapt(c, u0, NULL, 0.0);
    }
    if (st) return st;
    double *r = calloc(N, sizeof *r);
    if (!r) return nd_fail(err, ND_ENOMEM, "cycle curve: no memory");
    r[N - 1] = direction < 0 ? -1.0 : 1.0;
    st = tangent_at(c, u0, r, v0, err);
    free(r);
    if (st) return st;
    set_reference(c, u0);
    w->level = 0, w->mu_valid = 0;
    to_u(w, u0, u0);
    tangent_to_u(w, v0, v0);
    return ND_OK;
}

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
        to_u(w, x, u);
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
    records_drop(c, c->n_info - 1);
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
    to_u(w, sp->u, sp->u);
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
    records_clear(c);
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
            to_x(w, u, ub);
            st = tangent_at(c, ub, r, v, err);
            if (!st) tangent_to_u(w, v, v);
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
            while (c->n_info > rec0) records_drop(c, c->n_info - 1);
            if (!retried) {
                retried = 1;
                memcpy(c->mesh, mesh_b, (w->ntst + 1) * sizeof *c->mesh);
                mesh_changed(c);
                memcpy(u, ub, N * sizeof *u), memcpy(v, vb, N * sizeof *v);
                to_x(w, u, w->unew);
                set_reference(c, w->unew);
                continue;
            }
            snprintf(out->stop_reason, sizeof out->stop_reason, "the corrector failed after a mesh adaptation: %.100s",
                     serr.msg);
            break;
        }
        retried = 0;
        if (!first && c->n_info > rec0) records_drop(c, rec0); /* the restart point repeats the last one */
        st = branch_append(out, &seg, first ? 0 : 1, err);
        int budget_stop = strncmp(seg.stop_reason, "reached the point budget", 24) == 0;
        if (!budget_stop || c->stopped) snprintf(out->stop_reason, sizeof out->stop_reason, "%s", seg.stop_reason);
        size_t sn = seg.n;
        if (!st && !c->stopped && budget_stop && sn >= 2) {
            /* next run: tangent at the last point from the secant, then the new mesh */
            const double *ul = seg.u + (sn - 1) * N, *up = seg.u + (sn - 2) * N;
            double *sec = ub, *x = xb, *tx = tb; /* scratch */
            for (size_t i = 0; i < N; i++) sec[i] = ul[i] - up[i];
            double hs = vnorm(sec, N);
            for (size_t i = 0; i < N; i++) sec[i] /= hs;
            /* the tangent in x: J_x t = 0 with (S sec) . t = 1 */
            to_x(w, up, x);
            set_reference(c, x); /* the phase of the last point was fixed against the one before */
            to_x(w, ul, x);
            for (size_t i = 0; i < N; i++) w->vs[i] = sec[i] * w->sc[i];
            nd_status ts = tangent_at(c, x, w->vs, tx, NULL);
            if (ts) to_x(w, sec, tx);
            memcpy(ub, ul, N * sizeof *u);
            if (ts) memcpy(vb, sec, N * sizeof *v);
            else tangent_to_u(w, tx, vb);
            memcpy(mesh_b, c->mesh, (w->ntst + 1) * sizeof *c->mesh);
            double psi_old[ND_CONT_MAX_TESTS];
            int have_psi = !cyc_tests(c, x, tx, NULL, psi_old, NULL);
            adapt(c, x, tx, 0.0);
            set_reference(c, x);
            if (have_psi) st = junction_zeros(c, out, psi_old, x, tx, u, err);
            to_u(w, x, u);
            tangent_to_u(w, tx, v);
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
    mesh_changed(c);
    to_x(w, b->u + pick * N, u);
    set_reference(c, u);
    u[N - 1] = value;
    int stopped = c->stopped;
    c->stopped = 0;
    nd_status st = newton_fixed(c, u, 30, 1e-12, err);
    c->stopped = stopped;
    if (!st) st = describe_into(c, u, &w->scratch, err);
    if (!st && info) *info = &w->scratch;
    to_u(w, u, u);
    return st;
}
