/* The bordered collocation matrix: AUTO's condensation of parameters per mesh interval, then
 * SuiteSparse KLU on the reduced mesh-point system (see the comment of cyc_factor). */
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
        put(k, row + r, w->ntst * n + r, w->antiperiodic ? 1.0 : -1.0);
    }
    for (size_t col = 0; col < Nr; col++) put(k, Nr - 2, col, k->pattern ? 0.0 : w->rphase[col]);
    for (size_t col = 0; col < Nr; col++) put(k, Nr - 1, col, k->pattern ? 0.0 : w->rborder[col]);
}

nd_status cyc_build_pattern(nd_cycle_curve *c, nd_error *err)
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
            w->refactored = 1, w->trusted = 0;
            return ND_OK;
        }
    }
    if (w->num) klu_free_numeric(&w->num, &w->kc);
    w->num = klu_factor(w->Ap, w->Ai, w->Ax, w->sym, &w->kc);
    w->refactored = 0, w->trusted = 0;
    if (!w->num || w->kc.status != KLU_OK) {
        if (w->num) klu_free_numeric(&w->num, &w->kc);
        return nd_fail(err, ND_EFAILED, "cycle curve: the bordered collocation matrix is singular (KLU status %d)",
                       w->kc.status);
    }
    return ND_OK;
}

/* The original blocks G0 (copied into G, then eliminated), the dense rows' full coefficients
 * (phase, border) and their reduced forms. */
nd_status cyc_factor(void *ctx, const double *u, const double *v, nd_error *err)
{
    nd_cycle_curve *c = ctx;
    cw *w = W(c);
    nd_status st = cyc_colloc_eval(c, u, 2, err);
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
                row[q + n] = w->antiperiodic ? w->pd_col[qq * n + r] : -h * T * f[r]; /* d/d(ln T) */
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
    w->rphase[Nr - 2] = 0.0, w->rphase[Nr - 1] = w->antiperiodic ? 1.0 : 0.0;
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
void cyc_matvec(const cw *w, const double *x, double *y)
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
    double sign = w->antiperiodic ? -1.0 : 1.0;
    for (size_t r = 0; r < n; r++) y[w->ncp * n + r] = x[r] - sign * x[(w->nodes - 1) * n + r];
    double s = w->antiperiodic ? x[Nx + 1] : 0.0, t = 0.0;
    for (size_t i = 0; i < Nx; i++) s += w->phase[i] * x[i];
    for (size_t i = 0; i < N; i++) t += w->border[i] * x[i];
    y[Nx] = s, y[N - 1] = t;
}

/* x <- B^{-1} x with iterative refinement; a factorisation with stale pivots that cannot reach
 * rounding level is redone with fresh pivoting and the solve repeated. */
nd_status cyc_solve(void *ctx, double *x, nd_error *err)
{
    nd_cycle_curve *c = ctx;
    cw *w = W(c);
    size_t N = w->N;
    if (!w->num) return nd_fail(err, ND_EFAILED, "cycle curve: solve without a factorisation");
    if (w->trusted) return solve_once(w, x, err); /* its first solve met rounding level unrefined */
    memcpy(w->r1, x, N * sizeof *x);
    for (int attempt = 0;; attempt++) {
        nd_status st = solve_once(w, x, err);
        if (st) return st;
        double prev = INFINITY, rel = INFINITY;
        for (int it = 0; it < 4; it++) {
            cyc_matvec(w, x, w->r2);
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
            if (it == 0 && attempt == 0 && rel <= 1e-12) w->trusted = 1;
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

