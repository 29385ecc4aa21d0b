/* Normal-form coefficients of the codim-1 bifurcations of limit cycles (include/neurodyn/
 * cycle_normal_form.h): LPC b, PD c, NS Re d by periodic normalisation (Kuznetsov, Govaerts,
 * Doedel & Dhooge, SIAM J. Numer. Anal. 43 (2005) 1407, secs. 3-5; the quantities MatCont's
 * nf_LPC, nf_PD and nf_NS compute), on the cycle curve's collocation discretisation.
 *
 * In s = t / T in [0, 1] every ingredient is a linear boundary-value problem for y' - T A(s) y = T g
 * with a boundary condition y(1) = sigma y(0) (sigma = 1: periodic, -1: antiperiodic, e^{i theta},
 * e^{2 i theta}), discretised exactly as the cycle (the same mesh, Lagrange basis, Gauss points:
 * collocation row q of interval j is h_j (y'(s_q) / h_j - T A y(s_q)) = h_j T g(s_q)) and closed
 * by the row y(1) - sigma y(0). Null vectors of that square matrix M_sigma come from the bordered
 * [M_sigma, b; r^T, 0] with fixed pseudo-random borders (MatCont's way); the right one is the
 * (generalised) eigenfunction on the nodes, the left one w (from the conjugate-transposed solve) is
 * the adjoint eigenfunction as a functional: M_sigma y = (h_j T g) is solvable exactly when
 * W(w, g) = sum_q conj(w_q) h_j g(s_q) = 0, the discrete int_0^1 <phi*, g> ds (MatCont takes the
 * adjoint from the transposed collocation matrix the same way). Every normalisation of an adjoint
 * enters as a ratio W(w, g1) / W(w, g2), so w needs no scale. The sparse matrices are factored by
 * KLU (complex, klu_z_*: one code for the real and the twisted conditions).
 *
 * With phi* the periodic adjoint (W(phi*, f) = 1), the formulas (derived in t-time, then written in
 * s; every one is invariant under that change since it is a ratio of integrals):
 *   LPC  the Jordan chain v' - T A v = T f (dv/dt - A v = f) and phi* as the right and left null
 *        vectors of M_1 extended by the period's column and a phase row (MatCont's nf_LPC:
 *        F_(x,T) of the cycle itself); b = W(phi*, B(v,v) + 2 A v) / (2 W(phi*, v)).
 *   PD   M_{-1} v = 0, int |v|^2 = 1, v* its left null vector;  a = W(phi*, B(v,v)) / 2;
 *        M_1 h2 = T (B(v,v) - 2 a f), W(phi*, h2) = 0;
 *        c = W(v*, C(v,v,v) + 3 B(v,h2) - 6 a A v) / (6 W(v*, v)).
 *   NS   y the Floquet solution, M_{e^{i theta}} y = 0, int |y|^2 = 1, y* its left null vector;
 *        a = W(phi*, B(y, conj y)); M_1 h11 = T (B(y, conj y) - a f), W(phi*, h11) = 0;
 *        M_{e^{2 i theta}} g20 = T B(y, y);
 *        d = W(y*, C(y,y,conj y) + 2 B(y,h11) + B(conj y, g20) - 2 a A y) / (2 W(y*, y)) + i a theta / T
 *        (the periodic eigenfunction of the paper is v = e^{-i theta s} y; the factors cancel).
 * B and C are the model's second and third derivatives at the collocation points, D^k f[w,...,w]
 * by fourth-order central differences checked at two steps, else by Ridders' extrapolation
 * (nd_codim2_power_form, the Hopf coefficient's helper); mixed arguments by polarisation; A is
 * the cycle's own Jacobian at those points. */
#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <klu.h>

#include "internal.h"
#include "neurodyn/codim2.h"
#include "neurodyn/cycle_normal_form.h"

typedef double complex cplx;

/* The discretised operator of one boundary condition, factored. */
typedef struct bvp {
    size_t Nb;            /* Nx + (bordered ? 1 : 0) */
    int bordered;
    int real;             /* sigma real: factored by the real KLU (a quarter of the complex work) */
    int *Ap, *Ai;
    double *Ax;           /* interleaved complex (real: the real parts only) */
    double *xr;           /* real: Nb scratch */
    klu_common kc;
    klu_symbolic *sym;
    klu_numeric *num;
} bvp;

typedef struct nf {
    nd_cycle_curve *c;
    cw *w;
    size_t n, m, ntst, ncp, Nx;
    double T, par;
    nd_codim2_sys sys;
    double *tmp;          /* scratch: 4 n */
    /* LPC: the operator extended by the period's column ext_col (on the collocation rows) and the
     * phase row ext_row (on the nodes), as the cycle's own F_(x,T); NULL otherwise */
    const double *ext_col, *ext_row;
} nf;

static void bvp_free(bvp *b)
{
    if (b->num) {
        if (b->real) klu_free_numeric(&b->num, &b->kc);
        else klu_z_free_numeric(&b->num, &b->kc);
    }
    if (b->sym) klu_free_symbolic(&b->sym, &b->kc);
    free(b->Ap), free(b->Ai), free(b->Ax), free(b->xr);
    memset(b, 0, sizeof *b);
}

/* Fixed pseudo-random border entries in [-1, 1] (reproducible runs). */
static double border_entry(size_t i, unsigned salt)
{
    unsigned long long z = (unsigned long long)(i + 1) * 0x9E3779B97F4A7C15ull + salt * 0xBF58476D1CE4E5B9ull;
    z ^= z >> 31, z *= 0x94D049BB133111EBull, z ^= z >> 29;
    return (double)(z >> 11) / (double)(1ull << 53) * 2.0 - 1.0;
}

/* Builds and factors M_sigma (bordered or not) at the point of nf (cyc_colloc_eval level 2 done).
 * Column-major assembly: node column (g, b) holds the collocation rows of the intervals that share
 * node g and, for the first and last node, the boundary rows. */
static nd_status bvp_factor(nf *s, cplx sigma, int bordered, bvp *out, nd_error *err)
{
    cw *w = s->w;
    size_t E = s->ext_col ? 1 : 0, n = s->n, m = s->m, Nx = s->Nx, Nb = Nx + E + (bordered ? 1 : 0), crow = s->ncp * n;
    memset(out, 0, sizeof *out);
    out->Nb = Nb, out->bordered = bordered;
    size_t cap = s->ntst * (m + 1) * n * m * n + 2 * n + (bordered ? 2 * Nb : 0) + E * (Nx + crow) + 8;
    out->Ap = malloc((Nb + 1) * sizeof *out->Ap);
    out->Ai = malloc(cap * sizeof *out->Ai);
    out->Ax = malloc(2 * cap * sizeof *out->Ax);
    if (!out->Ap || !out->Ai || !out->Ax) {
        bvp_free(out);
        return nd_fail(err, ND_ENOMEM, "cycle normal form: no memory");
    }
    size_t nz = 0;
    const double *mesh = s->c->mesh;
    for (size_t col = 0; col < Nb; col++) {
        out->Ap[col] = (int)nz;
        if (col < Nx) {
            size_t g = col / n, b = col % n;
            if (g == 0) { /* boundary row b: y(1) - sigma y(0) */
                out->Ai[nz] = (int)(crow + b), out->Ax[2 * nz] = -creal(sigma), out->Ax[2 * nz + 1] = -cimag(sigma), nz++;
            }
            /* intervals holding node g: j = g / m (as node k = g % m), and j - 1 when g is an end node */
            for (int pass = 0; pass < 2; pass++) {
                size_t j, k;
                if (pass == 0) {
                    if (g % m != 0 || g == 0) continue;
                    j = g / m - 1, k = m;
                } else {
                    if (g / m >= s->ntst) continue;
                    j = g / m, k = g % m;
                }
                double h = mesh[j + 1] - mesh[j];
                for (size_t i = 0; i < m; i++) {
                    const double *A = w->Ac + (j * m + i) * n * n;
                    for (size_t r = 0; r < n; r++) {
                        double v = -h * s->T * A[r * n + b] * w->L[i][k] + (r == b ? w->D[i][k] : 0.0);
                        out->Ai[nz] = (int)((j * m + i) * n + r), out->Ax[2 * nz] = v, out->Ax[2 * nz + 1] = 0, nz++;
                    }
                }
            }
            if (g == s->ntst * m) {
                out->Ai[nz] = (int)(crow + b), out->Ax[2 * nz] = 1.0, out->Ax[2 * nz + 1] = 0, nz++;
            }
            if (E) out->Ai[nz] = (int)Nx, out->Ax[2 * nz] = s->ext_row[col], out->Ax[2 * nz + 1] = 0, nz++;
            if (bordered) out->Ai[nz] = (int)(Nx + E), out->Ax[2 * nz] = border_entry(col, 1), out->Ax[2 * nz + 1] = 0, nz++;
        } else if (E && col == Nx) { /* the period's column */
            for (size_t q = 0; q < crow; q++)
                out->Ai[nz] = (int)q, out->Ax[2 * nz] = s->ext_col[q], out->Ax[2 * nz + 1] = 0, nz++;
            if (bordered) out->Ai[nz] = (int)(Nx + E), out->Ax[2 * nz] = border_entry(col, 1), out->Ax[2 * nz + 1] = 0, nz++;
        } else { /* the border column */
            for (size_t r = 0; r < Nx + E; r++)
                out->Ai[nz] = (int)r, out->Ax[2 * nz] = border_entry(r, 2), out->Ax[2 * nz + 1] = 0, nz++;
        }
    }
    out->Ap[Nb] = (int)nz;
    /* KLU wants sorted row indices within a column: the rows above were written in increasing order
     * except the boundary row of node 0 (first) and the border row: sort each column (small). */
    for (size_t col = 0; col < Nb; col++)
        for (int a = out->Ap[col] + 1; a < out->Ap[col + 1]; a++)
            for (int b2 = a; b2 > out->Ap[col] && out->Ai[b2 - 1] > out->Ai[b2]; b2--) {
                int ti = out->Ai[b2];
                out->Ai[b2] = out->Ai[b2 - 1], out->Ai[b2 - 1] = ti;
                double re = out->Ax[2 * b2], im = out->Ax[2 * b2 + 1];
                out->Ax[2 * b2] = out->Ax[2 * b2 - 2], out->Ax[2 * b2 + 1] = out->Ax[2 * b2 - 1];
                out->Ax[2 * b2 - 2] = re, out->Ax[2 * b2 - 1] = im;
            }
    out->real = cimag(sigma) == 0;
    if (out->real) { /* keep the real parts only */
        for (size_t i = 0; i < nz; i++) out->Ax[i] = out->Ax[2 * i];
        out->xr = malloc(Nb * sizeof *out->xr);
        if (!out->xr) {
            bvp_free(out);
            return nd_fail(err, ND_ENOMEM, "cycle normal form: no memory");
        }
    }
    klu_defaults(&out->kc);
    out->kc.tol = 1.0; /* plain partial pivoting: the null vectors of a nearly singular matrix need it */
    out->sym = klu_analyze((int)Nb, out->Ap, out->Ai, &out->kc);
    if (out->sym)
        out->num = out->real ? klu_factor(out->Ap, out->Ai, out->Ax, out->sym, &out->kc)
                             : klu_z_factor(out->Ap, out->Ai, out->Ax, out->sym, &out->kc);
    if (!out->sym || !out->num || out->kc.status != KLU_OK) {
        bvp_free(out);
        return nd_fail(err, ND_EFAILED, "cycle normal form: the eigenfunction system is singular");
    }
    return ND_OK;
}

/* Solves M x = rhs (transpose: M^H x = rhs) in place; rhs has Nb complex values. */
static int real_solve(bvp *b, double *x, int transpose)
{
    return transpose ? klu_tsolve(b->sym, b->num, (int)b->Nb, 1, x, &b->kc)
                     : klu_solve(b->sym, b->num, (int)b->Nb, 1, x, &b->kc);
}

static nd_status bvp_solve(bvp *b, cplx *x, int transpose, nd_error *err)
{
    int ok = 1;
    if (b->real) { /* real and imaginary parts of the right-hand side one after the other */
        int has_im = 0;
        for (size_t i = 0; i < b->Nb; i++) b->xr[i] = creal(x[i]), has_im |= cimag(x[i]) != 0;
        ok = real_solve(b, b->xr, transpose);
        for (size_t i = 0; ok && i < b->Nb; i++) {
            double re = b->xr[i];
            b->xr[i] = cimag(x[i]);
            x[i] = re;
        }
        if (ok && has_im) {
            ok = real_solve(b, b->xr, transpose);
            for (size_t i = 0; ok && i < b->Nb; i++) x[i] += I * b->xr[i];
        }
    } else {
        ok = transpose ? klu_z_tsolve(b->sym, b->num, (int)b->Nb, 1, (double *)x, 1, &b->kc)
                       : klu_z_solve(b->sym, b->num, (int)b->Nb, 1, (double *)x, &b->kc);
    }
    for (size_t i = 0; ok && i < b->Nb; i++) ok = isfinite(creal(x[i])) && isfinite(cimag(x[i]));
    return ok ? ND_OK : nd_fail(err, ND_EFAILED, "cycle normal form: a linear solve failed");
}

/* Right (transpose 0) or left (1) null vector of the bordered M: Nx values into y. */
static nd_status null_vector(bvp *b, int transpose, cplx *y, nd_error *err)
{
    cplx *x = calloc(b->Nb, sizeof *x);
    if (!x) return nd_fail(err, ND_ENOMEM, "cycle normal form: no memory");
    x[b->Nb - 1] = 1;
    nd_status st = bvp_solve(b, x, transpose, err);
    if (!st) memcpy(y, x, (b->Nb - 1) * sizeof *y);
    free(x);
    return st;
}

/* ---- functions on the mesh --------------------------------------------------------------------- */
/* Values at the collocation points (ncp x n) of node values y. */
static void at_points(const nf *s, const cplx *y, cplx *yc)
{
    size_t n = s->n, m = s->m;
    for (size_t j = 0; j < s->ntst; j++)
        for (size_t i = 0; i < m; i++)
            for (size_t r = 0; r < n; r++) {
                cplx v = 0;
                for (size_t k = 0; k <= m; k++) v += s->w->L[i][k] * y[(j * m + k) * n + r];
                yc[(j * m + i) * n + r] = v;
            }
}

/* W(w, g) = sum_q conj(w_q) h_j g_q over the collocation rows. */
static cplx functional(const nf *s, const cplx *w, const cplx *g)
{
    cplx sum = 0;
    size_t n = s->n, m = s->m;
    for (size_t j = 0; j < s->ntst; j++) {
        double h = s->c->mesh[j + 1] - s->c->mesh[j];
        for (size_t q = j * m * n; q < (j + 1) * m * n; q++) sum += conj(w[q]) * h * g[q];
    }
    return sum;
}

/* int_0^1 |y|^2 ds by the Gauss rule, from the values at the collocation points. */
static double l2_squared(const nf *s, const cplx *yc)
{
    double sum = 0;
    size_t n = s->n, m = s->m;
    for (size_t j = 0; j < s->ntst; j++) {
        double h = s->c->mesh[j + 1] - s->c->mesh[j];
        for (size_t i = 0; i < m; i++)
            for (size_t r = 0; r < n; r++) {
                cplx v = yc[(j * m + i) * n + r];
                sum += h * s->w->gw[i] * (creal(v) * creal(v) + cimag(v) * cimag(v));
            }
    }
    return sum;
}

/* rhs of the collocation rows for y' - T A y = T g: h_j T g_q; boundary rows (and border) 0. */
static void colloc_rhs(const nf *s, const cplx *g, cplx *rhs, size_t Nb)
{
    size_t n = s->n, m = s->m;
    memset(rhs, 0, Nb * sizeof *rhs);
    for (size_t j = 0; j < s->ntst; j++) {
        double h = s->c->mesh[j + 1] - s->c->mesh[j];
        for (size_t q = j * m * n; q < (j + 1) * m * n; q++) rhs[q] = h * s->T * g[q];
    }
}

/* ---- multilinear forms at the collocation points ----------------------------------------------- */
static nd_status point(nf *s, size_t q, nd_error *err)
{
    (void)err;
    nd_codim2_sys_set(&s->sys, s->w->xc + q * s->n, s->par, 0.0);
    return ND_OK;
}

/* D^k f [w, ..., w] (k = 2, 3) by a fourth-order central stencil at steps h and h/2 (h a fixed
 * fraction of the variables' scale along w); accepted when the two agree to 1e-6 relative or at
 * the rounding level, which they do for the smooth right-hand sides of most models at a few
 * per cent of Ridders' cost. Else Ridders' extrapolation (nd_codim2_power_form), which finds the
 * step where f bends (a steep sigmoid). */
static const double STENCIL2[5] = {-1.0 / 12, 16.0 / 12, -30.0 / 12, 16.0 / 12, -1.0 / 12};    /* k = -2..2 */
static const double STENCIL3[7] = {1.0 / 8, -1.0, 13.0 / 8, 0.0, -13.0 / 8, 1.0, -1.0 / 8}; /* k = -3..3 */

static int stencil(nf *s, int order, const double *w, double h, double *out, double *noise)
{
    size_t n = s->n;
    const double *x = s->sys.x, *cf = order == 2 ? STENCIL2 : STENCIL3;
    int half = order == 2 ? 2 : 3;
    double xf[64], f[64], hk = order == 2 ? h * h : h * h * h;
    for (size_t r = 0; r < n; r++) out[r] = 0, noise[r] = 0;
    for (int k = -half; k <= half; k++) {
        double c = cf[k + half];
        if (c == 0) continue;
        for (size_t r = 0; r < n; r++) xf[r] = x[s->sys.free_idx[r]] + k * h * w[r];
        if (cyc_f_free(s->c, xf, s->par, f)) return -1;
        for (size_t r = 0; r < n; r++) out[r] += c * f[r], noise[r] += fabs(c * f[r]);
    }
    for (size_t r = 0; r < n; r++) out[r] /= hk, noise[r] *= 1e-15 / hk;
    return 0;
}

static nd_status power(nf *s, int k, const double *w, double *out, nd_error *err)
{
    size_t n = s->n;
    double rel = 0, e1[64], e2[64], n1[64], n2[64];
    for (size_t r = 0; r < n; r++) rel = fmax(rel, fabs(w[r]) / fmax(1.0, fabs(s->sys.x[s->sys.free_idx[r]])));
    if (!(rel > 0)) {
        for (size_t r = 0; r < n; r++) out[r] = 0;
        return ND_OK;
    }
    double h = (k == 2 ? 1.0 / 1024 : 1.0 / 128) / rel;
    int ok = !stencil(s, k, w, h, e1, n1) && !stencil(s, k, w, h / 2, e2, n2);
    double size = 0;
    for (size_t r = 0; ok && r < n; r++) size = fmax(size, fabs(e2[r]));
    for (size_t r = 0; ok && r < n; r++)
        ok = isfinite(e2[r]) && fabs(e1[r] - e2[r]) <= 1e-6 * fmax(fabs(e2[r]), 1e-3 * size) + 100 * n2[r];
    if (ok) {
        for (size_t r = 0; r < n; r++) out[r] = e2[r] + (e2[r] - e1[r]) / 15; /* Richardson: h^4 */
        return ND_OK;
    }
    return nd_codim2_power_form(&s->sys, k, w, out, err);
}

/* B(a, b) for complex a, b at the current point: by polarisation of the real and imaginary parts,
 * B(p, q) = (P2(p + q) - P2(p - q)) / 4. */
static nd_status real_B(nf *s, const double *p, const double *q, double *out, nd_error *err)
{
    size_t n = s->n;
    double *plus = s->tmp, *minus = s->tmp + n, *t1 = s->tmp + 2 * n, *t2 = s->tmp + 3 * n;
    for (size_t r = 0; r < n; r++) plus[r] = p[r] + q[r], minus[r] = p[r] - q[r];
    nd_status st = power(s, 2, plus, t1, err);
    if (!st) st = power(s, 2, minus, t2, err);
    for (size_t r = 0; !st && r < n; r++) out[r] = (t1[r] - t2[r]) / 4;
    return st;
}

static int is_real(const cplx *a, size_t n)
{
    for (size_t r = 0; r < n; r++)
        if (cimag(a[r]) != 0) return 0;
    return 1;
}

static nd_status complex_B(nf *s, const cplx *a, const cplx *b, cplx *out, nd_error *err)
{
    size_t n = s->n;
    double ar[64] = {0}, ai[64] = {0}, br[64] = {0}, bi[64] = {0}, t[64];
    for (size_t r = 0; r < n; r++) ar[r] = creal(a[r]), ai[r] = cimag(a[r]), br[r] = creal(b[r]), bi[r] = cimag(b[r]);
    int ra = is_real(a, n), rb = is_real(b, n);
    nd_status st = real_B(s, ar, br, t, err);
    for (size_t r = 0; r < n; r++) out[r] = t[r];
    if (!st && !rb) {
        st = real_B(s, ar, bi, t, err);
        for (size_t r = 0; r < n; r++) out[r] += I * t[r];
    }
    if (!st && !ra) {
        st = real_B(s, ai, br, t, err);
        for (size_t r = 0; r < n; r++) out[r] += I * t[r];
    }
    if (!st && !ra && !rb) {
        st = real_B(s, ai, bi, t, err);
        for (size_t r = 0; r < n; r++) out[r] -= t[r];
    }
    return st;
}

/* ---- the coefficients -------------------------------------------------------------------------- */
static nd_status nf_open(nf *s, nd_cycle_curve *c, const double *x, nd_error *err)
{
    memset(s, 0, sizeof *s);
    if (!c || !c->work || !x) return nd_fail(err, ND_EINVAL, "cycle normal form: needs a curve and a point");
    cw *w = W(c);
    if (w->n > 64) return nd_fail(err, ND_EINVAL, "cycle normal form: at most 64 free variables");
    s->c = c, s->w = w, s->n = w->n, s->m = w->m, s->ntst = w->ntst, s->ncp = w->ncp, s->Nx = w->Nx;
    s->T = exp(x[w->Nx]), s->par = x[w->N - 1];
    w->level = 0; /* the parameters may have changed since the cache (a PD curve's q) */
    nd_status st = cyc_colloc_eval(c, x, 2, err);
    if (st) return st;
    s->tmp = malloc(4 * s->n * sizeof *s->tmp);
    if (!s->tmp) return nd_fail(err, ND_ENOMEM, "cycle normal form: no memory");
    c->p[c->par] = s->par;
    st = nd_codim2_sys_init(&s->sys, c->m, c->p, c->par, -1, &c->region, err);
    if (st) free(s->tmp), s->tmp = NULL;
    return st;
}

static void nf_close(nf *s)
{
    if (s->w) s->w->level = 0, s->w->mu_valid = 0; /* the cached values were overwritten for this point */
    if (s->tmp) nd_codim2_sys_free(&s->sys);
    free(s->tmp);
}

/* The periodic problem: factors M_1 (bordered), its right null vector phi (~ f on the nodes) and
 * left null vector ws (phi*). */
static nd_status periodic_adjoint(nf *s, bvp *M1, cplx *phi, cplx *ws, nd_error *err)
{
    nd_status st = bvp_factor(s, 1.0, 1, M1, err);
    if (!st) st = null_vector(M1, 0, phi, err);
    if (!st) st = null_vector(M1, 1, ws, err);
    return st;
}

/* Solves M_1 h = (h_j T g) on the periodic problem (h: Nx values; hc its values at the collocation
 * points). The kernel component is removed so that W(phi*, h) = 0 when project (PD, NS: h2, h11);
 * not for the LPC's Jordan chain, where W(phi*, f) = 0 and the kernel component is fixed by the
 * border row instead (b does not depend on it). */
static nd_status periodic_solve(nf *s, bvp *M1, const cplx *phi, const cplx *ws, const cplx *g, int project, cplx *h,
                                cplx *hc, nd_error *err)
{
    cplx *rhs = malloc(M1->Nb * sizeof *rhs), *phic = malloc(s->ncp * s->n * sizeof *phic);
    if (!rhs || !phic) {
        free(rhs), free(phic);
        return nd_fail(err, ND_ENOMEM, "cycle normal form: no memory");
    }
    colloc_rhs(s, g, rhs, M1->Nb);
    nd_status st = bvp_solve(M1, rhs, 0, err);
    if (!st) {
        memcpy(h, rhs, s->Nx * sizeof *h);
        at_points(s, h, hc);
    }
    if (!st && project) {
        at_points(s, phi, phic);
        cplx kappa = functional(s, ws, hc) / functional(s, ws, phic);
        for (size_t i = 0; i < s->Nx; i++) h[i] -= kappa * phi[i];
        for (size_t i = 0; i < s->ncp * s->n; i++) hc[i] -= kappa * phic[i];
    }
    free(rhs), free(phic);
    return st;
}

static nd_status finite_or_fail(double v, const char *what, nd_error *err)
{
    return isfinite(v) ? ND_OK : nd_fail(err, ND_EFAILED, "cycle normal form: the %s coefficient is not finite", what);
}

nd_status nd_cycle_pd_coefficient_x(nd_cycle_curve *c, const double *x, double *coef, nd_error *err)
{
    nf s;
    nd_status st = nf_open(&s, c, x, err);
    if (st) return st;
    size_t n = s.n, Nx = s.Nx, P = s.ncp * n;
    bvp Mm = {0}, M1 = {0};
    cplx *buf = malloc((4 * Nx + 8 * P) * sizeof *buf);
    if (!buf) {
        nf_close(&s);
        return nd_fail(err, ND_ENOMEM, "cycle normal form: no memory");
    }
    cplx *v = buf, *vs = v + Nx, *phi = vs + Nx, *ws = phi + Nx;
    cplx *vc = ws + Nx, *fc = vc + P, *Bvv = fc + P, *Cvvv = Bvv + P, *Av = Cvvv + P, *g = Av + P, *h2c = g + P,
         *Bvh = h2c + P;
    st = bvp_factor(&s, -1.0, 1, &Mm, err);
    if (!st) st = null_vector(&Mm, 0, v, err);
    if (!st) st = null_vector(&Mm, 1, vs, err);
    if (!st) st = periodic_adjoint(&s, &M1, phi, ws, err);
    double rv[64], rh[64], out[64];
    if (!st) {
        at_points(&s, v, vc);
        double scale = 1 / sqrt(l2_squared(&s, vc));
        for (size_t i = 0; i < Nx; i++) v[i] = creal(v[i]) * scale; /* a real eigenfunction */
        at_points(&s, v, vc);
        for (size_t q = 0; !st && q < s.ncp; q++) {
            point(&s, q, err);
            for (size_t r = 0; r < n; r++) rv[r] = creal(vc[q * n + r]), fc[q * n + r] = s.w->fc[q * n + r];
            st = power(&s, 2, rv, out, err);
            for (size_t r = 0; !st && r < n; r++) Bvv[q * n + r] = out[r];
            if (!st) st = power(&s, 3, rv, out, err);
            for (size_t r = 0; !st && r < n; r++) Cvvv[q * n + r] = out[r];
            const double *A = s.w->Ac + q * n * n;
            for (size_t r = 0; r < n; r++) {
                double a = 0;
                for (size_t b = 0; b < n; b++) a += A[r * n + b] * rv[b];
                Av[q * n + r] = a;
            }
        }
    }
    double a = 0;
    if (!st) {
        a = creal(functional(&s, ws, Bvv) / functional(&s, ws, fc)) / 2;
        for (size_t i = 0; i < P; i++) g[i] = Bvv[i] - 2 * a * fc[i];
        cplx *h2 = malloc(Nx * sizeof *h2);
        if (!h2) st = nd_fail(err, ND_ENOMEM, "cycle normal form: no memory");
        if (!st) st = periodic_solve(&s, &M1, phi, ws, g, 1, h2, h2c, err);
        free(h2);
    }
    for (size_t q = 0; !st && q < s.ncp; q++) {
        point(&s, q, err);
        for (size_t r = 0; r < n; r++) rv[r] = creal(vc[q * n + r]), rh[r] = creal(h2c[q * n + r]);
        st = real_B(&s, rv, rh, out, err);
        for (size_t r = 0; !st && r < n; r++) Bvh[q * n + r] = out[r];
    }
    if (!st) {
        for (size_t i = 0; i < P; i++) g[i] = Cvvv[i] + 3 * Bvh[i] - 6 * a * Av[i];
        *coef = creal(functional(&s, vs, g) / functional(&s, vs, vc)) / 6;
        st = finite_or_fail(*coef, "period-doubling", err);
    }
    bvp_free(&Mm), bvp_free(&M1);
    free(buf);
    nf_close(&s);
    return st;
}

nd_status nd_cycle_lpc_coefficient_x(nd_cycle_curve *c, const double *x, double *coef, nd_error *err)
{
    nf s;
    nd_status st = nf_open(&s, c, x, err);
    if (st) return st;
    size_t n = s.n, m = s.m, Nx = s.Nx, P = s.ncp * n;
    bvp M = {0};
    cplx *buf = malloc((2 * (Nx + 1) + 3 * P) * sizeof *buf);
    double *col = malloc((P + Nx) * sizeof *col);
    if (!buf || !col) {
        free(buf), free(col);
        nf_close(&s);
        return nd_fail(err, ND_ENOMEM, "cycle normal form: no memory");
    }
    cplx *y = buf, *ws = y + Nx + 1, *vc = ws + Nx + 1, *g = vc + P, *fc = g + P;
    double *row = col + P;
    /* F_(x,T) as MatCont's nf_LPC builds it: the collocation rows with the period's column
     * -h_j T f (so that a null vector (y, S) gives the Jordan chain v = y / S: v' - T A v = T f)
     * and the phase row int <y, f> ds; v and phi* are its right and left null vectors, which stay
     * well defined a locating tolerance away from the fold (the solvability of v' - T A v = T f
     * does not) */
    memset(row, 0, Nx * sizeof *row);
    for (size_t j = 0; j < s.ntst; j++) {
        double h = c->mesh[j + 1] - c->mesh[j];
        for (size_t i = 0; i < m; i++) {
            const double *f = s.w->fc + (j * m + i) * n;
            for (size_t r = 0; r < n; r++) {
                col[(j * m + i) * n + r] = -h * s.T * f[r];
                for (size_t k = 0; k <= m; k++) row[(j * m + k) * n + r] += h * s.w->gw[i] * s.w->L[i][k] * f[r];
            }
        }
    }
    s.ext_col = col, s.ext_row = row;
    st = bvp_factor(&s, 1.0, 1, &M, err);
    s.ext_col = s.ext_row = NULL;
    if (!st) st = null_vector(&M, 0, y, err);
    if (!st) st = null_vector(&M, 1, ws, err);
    if (!st && !(cabs(y[Nx]) > 0)) st = nd_fail(err, ND_EFAILED, "cycle normal form: no Jordan chain at the fold");
    double rv[64], out[64];
    if (!st) {
        for (size_t i = 0; i < Nx; i++) y[i] /= y[Nx];
        at_points(&s, y, vc);
        for (size_t i = 0; i < P; i++) fc[i] = s.w->fc[i];
    }
    for (size_t q = 0; !st && q < s.ncp; q++) {
        point(&s, q, err);
        for (size_t r = 0; r < n; r++) rv[r] = creal(vc[q * n + r]);
        st = power(&s, 2, rv, out, err);
        const double *A = s.w->Ac + q * n * n;
        for (size_t r = 0; !st && r < n; r++) {
            double a = 0;
            for (size_t b = 0; b < n; b++) a += A[r * n + b] * rv[b];
            g[q * n + r] = out[r] + 2 * a;
        }
    }
    if (!st) {
        *coef = creal(functional(&s, ws, g) / functional(&s, ws, vc)) / 2;
        st = finite_or_fail(*coef, "fold-of-cycles", err);
    }
    bvp_free(&M);
    free(buf), free(col);
    nf_close(&s);
    return st;
}

nd_status nd_cycle_ns_coefficient_x(nd_cycle_curve *c, const double *x, double theta, double *coef, nd_error *err)
{
    if (!(theta > 0 && theta < M_PI)) return nd_fail(err, ND_EINVAL, "cycle normal form: NS angle %g not in (0, pi)", theta);
    nf s;
    nd_status st = nf_open(&s, c, x, err);
    if (st) return st;
    size_t n = s.n, Nx = s.Nx, P = s.ncp * n;
    bvp Mt = {0}, M1 = {0}, M2 = {0};
    cplx *buf = malloc((6 * Nx + 10 * P + 2) * sizeof *buf);
    if (!buf) {
        nf_close(&s);
        return nd_fail(err, ND_ENOMEM, "cycle normal form: no memory");
    }
    cplx *y = buf, *ys = y + Nx, *phi = ys + Nx, *ws = phi + Nx, *h11 = ws + Nx, *g20 = h11 + Nx;
    cplx *yc = g20 + Nx + 1, *fc = yc + P, *Byy = fc + P, *Byyb = Byy + P, *Cyyyb = Byyb + P, *Ay = Cyyyb + P,
         *h11c = Ay + P, *g20c = h11c + P, *g = g20c + P, *tmp = g + P;
    cplx sig = cexp(I * theta);
    st = bvp_factor(&s, sig, 1, &Mt, err);
    if (!st) st = null_vector(&Mt, 0, y, err);
    if (!st) st = null_vector(&Mt, 1, ys, err);
    if (!st) st = periodic_adjoint(&s, &M1, phi, ws, err);
    double yr[64], yi[64], t1[64], t2[64], sum[64], dif[64];
    if (!st) {
        at_points(&s, y, yc);
        double scale = 1 / sqrt(l2_squared(&s, yc));
        for (size_t i = 0; i < Nx; i++) y[i] *= scale;
        for (size_t i = 0; i < P; i++) yc[i] *= scale, fc[i] = s.w->fc[i];
    }
    for (size_t q = 0; !st && q < s.ncp; q++) {
        point(&s, q, err);
        for (size_t r = 0; r < n; r++)
            yr[r] = creal(yc[q * n + r]), yi[r] = cimag(yc[q * n + r]), sum[r] = yr[r] + yi[r], dif[r] = yr[r] - yi[r];
        /* with y = p + i q: B(y,y) = B(p,p) - B(q,q) + 2 i B(p,q), B(y, conj y) = B(p,p) + B(q,q);
         * C(y,y,conj y) = C(p,p,p) + C(p,q,q) + i (C(p,p,q) + C(q,q,q)), from P3 of p, q, p + q, p - q */
        double Bpp[64], Bqq[64], Cppp[64], Cqqq[64];
        st = power(&s, 2, yr, Bpp, err);
        if (!st) st = power(&s, 2, yi, Bqq, err);
        if (!st) st = real_B(&s, yr, yi, t1, err);
        for (size_t r = 0; !st && r < n; r++)
            Byy[q * n + r] = Bpp[r] - Bqq[r] + 2 * I * t1[r], Byyb[q * n + r] = Bpp[r] + Bqq[r];
        if (!st) st = power(&s, 3, yr, Cppp, err);
        if (!st) st = power(&s, 3, yi, Cqqq, err);
        if (!st) st = power(&s, 3, sum, t1, err);
        if (!st) st = power(&s, 3, dif, t2, err);
        for (size_t r = 0; !st && r < n; r++) {
            double Cppq = ((t1[r] - t2[r]) / 2 - Cqqq[r]) / 3, Cpqq = ((t1[r] + t2[r]) / 2 - Cppp[r]) / 3;
            Cyyyb[q * n + r] = Cppp[r] + Cpqq + I * (Cppq + Cqqq[r]);
        }
        const double *A = s.w->Ac + q * n * n;
        for (size_t r = 0; r < n; r++) {
            cplx a = 0;
            for (size_t b = 0; b < n; b++) a += A[r * n + b] * yc[q * n + b];
            Ay[q * n + r] = a;
        }
    }
    double a = 0;
    if (!st) {
        a = creal(functional(&s, ws, Byyb) / functional(&s, ws, fc));
        for (size_t i = 0; i < P; i++) g[i] = Byyb[i] - a * fc[i];
        st = periodic_solve(&s, &M1, phi, ws, g, 1, h11, h11c, err);
    }
    if (!st) st = bvp_factor(&s, cexp(2 * I * theta), 0, &M2, err);
    if (!st) {
        colloc_rhs(&s, Byy, g20, Nx);
        st = bvp_solve(&M2, g20, 0, err);
        if (!st) at_points(&s, g20, g20c);
    }
    for (size_t q = 0; !st && q < s.ncp; q++) {
        point(&s, q, err);
        cplx yb[64];
        for (size_t r = 0; r < n; r++) yb[r] = conj(yc[q * n + r]);
        st = complex_B(&s, yc + q * n, h11c + q * n, tmp, err);
        for (size_t r = 0; !st && r < n; r++) g[q * n + r] = Cyyyb[q * n + r] + 2 * tmp[r] - 2 * a * Ay[q * n + r];
        if (!st) st = complex_B(&s, yb, g20c + q * n, tmp, err);
        for (size_t r = 0; !st && r < n; r++) g[q * n + r] += tmp[r];
    }
    if (!st) {
        cplx d = functional(&s, ys, g) / functional(&s, ys, yc) / 2 + I * a * theta / s.T;
        *coef = creal(d);
        st = finite_or_fail(*coef, "Neimark-Sacker", err);
    }
    bvp_free(&Mt), bvp_free(&M1), bvp_free(&M2);
    free(buf);
    nf_close(&s);
    return st;
}

static nd_status with_x(nd_cycle_curve *c, const double *u, double **x, nd_error *err)
{
    if (!c || !c->work || !u) return nd_fail(err, ND_EINVAL, "cycle normal form: needs a curve and a point");
    cw *w = W(c);
    *x = malloc(w->N * sizeof **x);
    if (!*x) return nd_fail(err, ND_ENOMEM, "cycle normal form: no memory");
    cyc_to_x(w, u, *x);
    return ND_OK;
}

nd_status nd_cycle_pd_coefficient(nd_cycle_curve *c, const double *u, double *coef, nd_error *err)
{
    double *x;
    nd_status st = with_x(c, u, &x, err);
    if (st) return st;
    st = nd_cycle_pd_coefficient_x(c, x, coef, err);
    free(x);
    return st;
}

nd_status nd_cycle_ns_coefficient(nd_cycle_curve *c, const double *u, double theta, double *coef, nd_error *err)
{
    double *x;
    nd_status st = with_x(c, u, &x, err);
    if (st) return st;
    st = nd_cycle_ns_coefficient_x(c, x, theta, coef, err);
    free(x);
    return st;
}

nd_status nd_cycle_lpc_coefficient(nd_cycle_curve *c, const double *u, double *coef, nd_error *err)
{
    double *x;
    nd_status st = with_x(c, u, &x, err);
    if (st) return st;
    st = nd_cycle_lpc_coefficient_x(c, x, coef, err);
    free(x);
    return st;
}
