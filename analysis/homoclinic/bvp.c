/* The truncated homoclinic boundary-value problem (include/neurodyn/homoclinic.h): the
 * collocation residual (Gauss points, Lagrange basis on equidistant nodes, as the cycles'
 * collocation in analysis/cycles/collocation.c), the equilibrium, the projection boundary
 * conditions of HomCont (Champneys, Kuznetsov & Sandstede 1996) and the integral phase
 * condition; the sparse Jacobian assembled as triplets in a fixed order (collocation blocks from
 * the model Jacobian, parameter columns and the projection rows' dependence on the saddle and the
 * parameters by central differences) and factored by SuiteSparse KLU (one symbolic analysis, a
 * pivoting numeric factorisation per Newton step); Newton at fixed parameters; the homoclinic
 * curve as a curve type of nd_continue (bordered by the continuer's row). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_integration.h>

#include "internal.h"
#include "neurodyn/core.h"

static size_t X0(const hw *w) { return w->nodes * w->n; }

static void set_pars(const nd_homoclinic *h, const double *z)
{
    const hw *w = HW(h);
    h->p[h->par] = z[X0(w) + w->n];
    if (w->npar == 2) h->p[h->par2] = z[X0(w) + w->n + 1];
}

int hom_f(const nd_homoclinic *h, const double *x, const double *z, double *out)
{
    set_pars(h, z);
    h->m->rhs(0.0, x, h->p, out);
    for (size_t a = 0; a < h->n; a++)
        if (!isfinite(out[a])) return -1;
    return 0;
}

/* f_p at x for free parameter q (central differences) into out */
static void f_par(nd_homoclinic *h, const double *x, const double *z, size_t q, double *out)
{
    hw *w = HW(h);
    int idx = q == 0 ? h->par : h->par2;
    set_pars(h, z);
    double p0 = h->p[idx], e = 1e-7 * (1 + fabs(p0));
    h->p[idx] = p0 + e;
    h->m->rhs(0.0, x, h->p, w->xi);
    h->p[idx] = p0 - e;
    h->m->rhs(0.0, x, h->p, w->yb);
    h->p[idx] = p0;
    for (size_t a = 0; a < h->n; a++) out[a] = (w->xi[a] - w->yb[a]) / (2 * e);
}

/* the n projection boundary values of z into out; -1 when the saddle is not hyperbolic */
static int bc_values(nd_homoclinic *h, const double *z, double *out, nd_error *err)
{
    hw *w = HW(h);
    size_t n = w->n, nu;
    const double *x0 = z + X0(w);
    set_pars(h, z);
    if (nd_jacobian(h->m, 0.0, x0, h->p, w->A, err)) return -1;
    if (hom_projections(n, w->A, w->Ps, w->Pu, &nu, w->X) || nu != h->n_u) return -1;
    const double *xa = z, *xb = z + (w->nodes - 1) * n;
    for (size_t r = 0; r < h->n_s + h->n_u; r++) {
        int stable = r < h->n_s;
        const double *R = stable ? w->Rs + r * n : w->Ru + (r - h->n_s) * n;
        const double *P = stable ? w->Ps : w->Pu, *x = stable ? xa : xb;
        double s = 0;
        for (size_t i = 0; i < n; i++) {
            double pi = 0;
            for (size_t j = 0; j < n; j++) pi += P[i * n + j] * (x[j] - x0[j]);
            s += R[i] * pi;
        }
        out[r] = s;
    }
    return 0;
}

nd_status hom_residual(nd_homoclinic *h, const double *z, double *F, nd_error *err)
{
    hw *w = HW(h);
    size_t n = w->n, m = w->m, row = 0;
    for (size_t j = 0; j < w->ntst; j++) {
        double hj = h->mesh[j + 1] - h->mesh[j];
        for (size_t i = 0; i < m; i++) {
            double *x = w->xi, *dx = w->yb;
            for (size_t a = 0; a < n; a++) x[a] = dx[a] = 0;
            for (size_t k = 0; k <= m; k++) {
                const double *xn = z + (j * m + k) * n;
                for (size_t a = 0; a < n; a++) x[a] += w->L[i][k] * xn[a], dx[a] += w->D[i][k] * xn[a] / hj;
            }
            if (hom_f(h, x, z, w->fx)) return nd_fail(err, ND_ENONFINITE, "homoclinic: f is not finite on the orbit");
            for (size_t a = 0; a < n; a++) F[row++] = dx[a] - h->T * w->fx[a];
        }
    }
    if (hom_f(h, z + X0(w), z, F + row)) return nd_fail(err, ND_ENONFINITE, "homoclinic: f is not finite at the saddle");
    row += n;
    if (bc_values(h, z, F + row, err))
        return nd_fail(err, ND_EFAILED, "homoclinic: the equilibrium is no longer a saddle with %zu unstable directions",
                       h->n_u);
    row += n;
    double ph = -w->phi_ref;
    for (size_t g = 0; g < w->nodes * n; g++) ph += w->phi[g] * z[g];
    F[row++] = ph;
    return ND_OK;
}

/* ---- the sparse Jacobian -------------------------------------------------------------------- */
typedef struct emitter {
    hw *w;
    size_t k;
    int values; /* 0: pattern (rows, columns), 1: values */
} emitter;

static void emit(emitter *e, size_t r, size_t c, double v)
{
    if (e->values) e->w->tv[e->k] = v;
    else e->w->ti[e->k] = (int)r, e->w->tj[e->k] = (int)c;
    e->k++;
}

/* Emits the Jacobian (and the border row when w->border or in pattern mode with npar 2) */
static nd_status emit_jacobian(nd_homoclinic *h, const double *z, emitter *e, nd_error *err)
{
    hw *w = HW(h);
    size_t n = w->n, m = w->m, row = 0, x0c = X0(w), pc = x0c + n;
    for (size_t j = 0; j < w->ntst; j++) {
        double hj = h->mesh[j + 1] - h->mesh[j];
        for (size_t i = 0; i < m; i++) {
            if (e->values) {
                double x[64];
                for (size_t a = 0; a < n; a++) x[a] = 0;
                for (size_t k = 0; k <= m; k++)
                    for (size_t a = 0; a < n; a++) x[a] += w->L[i][k] * z[(j * m + k) * n + a];
                set_pars(h, z);
                if (nd_jacobian(h->m, 0.0, x, h->p, w->A, err)) return err ? err->code : ND_EFAILED;
                for (size_t q = 0; q < w->npar; q++) f_par(h, x, z, q, w->fp + q * n);
            }
            for (size_t a = 0; a < n; a++, row++) {
                for (size_t k = 0; k <= m; k++)
                    for (size_t b = 0; b < n; b++)
                        emit(e, row, (j * m + k) * n + b,
                             (a == b ? w->D[i][k] / hj : 0.0) - h->T * w->A[a * n + b] * w->L[i][k]);
                for (size_t q = 0; q < w->npar; q++) emit(e, row, pc + q, -h->T * w->fp[q * n + a]);
            }
        }
    }
    if (e->values) {
        set_pars(h, z);
        if (nd_jacobian(h->m, 0.0, z + x0c, h->p, w->A, err)) return err ? err->code : ND_EFAILED;
        for (size_t q = 0; q < w->npar; q++) f_par(h, z + x0c, z, q, w->fp + q * n);
    }
    for (size_t a = 0; a < n; a++, row++) {
        for (size_t b = 0; b < n; b++) emit(e, row, x0c + b, w->A[a * n + b]);
        for (size_t q = 0; q < w->npar; q++) emit(e, row, pc + q, w->fp[q * n + a]);
    }
    /* projection rows: the end nodes analytically (R P), the saddle and parameters by central
     * differences of the whole condition */
    size_t nc = n + w->npar; /* saddle and parameter columns */
    double *dbc = w->Fp;     /* n x nc */
    double *RPs = w->Y, *RPu = w->Y + n * n;
    if (e->values) {
        double *zz = w->X + 3 * n * n; /* scratch copy of z: N values */
        memcpy(zz, z, w->N * sizeof *z);
        for (size_t c = 0; c < nc; c++) {
            double z0 = zz[x0c + c], st = 1e-6 * (1 + fabs(z0));
            zz[x0c + c] = z0 + st;
            int bad = bc_values(h, zz, w->xi, err);
            zz[x0c + c] = z0 - st;
            bad |= bc_values(h, zz, w->yb, err);
            zz[x0c + c] = z0;
            if (bad) return nd_fail(err, ND_EFAILED, "homoclinic: the saddle lost its hyperbolicity");
            for (size_t r = 0; r < n; r++) dbc[r * nc + c] = (w->xi[r] - w->yb[r]) / (2 * st);
        }
        if (bc_values(h, zz, w->xi, err)) return nd_fail(err, ND_EFAILED, "homoclinic: the saddle lost its hyperbolicity");
        for (size_t r = 0; r < h->n_s; r++)
            for (size_t b = 0; b < n; b++) {
                double s = 0;
                for (size_t i = 0; i < n; i++) s += w->Rs[r * n + i] * w->Ps[i * n + b];
                RPs[r * n + b] = s;
            }
        for (size_t r = 0; r < h->n_u; r++)
            for (size_t b = 0; b < n; b++) {
                double s = 0;
                for (size_t i = 0; i < n; i++) s += w->Ru[r * n + i] * w->Pu[i * n + b];
                RPu[r * n + b] = s;
            }
    }
    for (size_t r = 0; r < n; r++, row++) {
        /* both end nodes in every row: the pattern is built before n_s is known */
        int stable = r < h->n_s;
        const double *RP = stable ? RPs + r * n : RPu + (r - h->n_s) * n;
        for (size_t b = 0; b < n; b++) emit(e, row, b, stable ? RP[b] : 0.0);
        for (size_t b = 0; b < n; b++) emit(e, row, (w->nodes - 1) * n + b, stable ? 0.0 : RP[b]);
        for (size_t c = 0; c < nc; c++) emit(e, row, x0c + c, dbc[r * nc + c]);
    }
    for (size_t g = 0; g < w->nodes * n; g++) emit(e, row, g, w->phi[g]);
    row++;
    if (w->npar == 2) {
        for (size_t c = 0; c < w->N; c++) emit(e, row, c, w->border ? w->border[c] : 0.0);
        row++;
    }
    return ND_OK;
}

static int cmp_pos(const void *a, const void *b, void *ctx)
{
    const hw *w = ctx;
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    if (w->tj[i] != w->tj[j]) return w->tj[i] < w->tj[j] ? -1 : 1;
    return w->ti[i] < w->ti[j] ? -1 : w->ti[i] > w->ti[j];
}

/* a stable sort of the triplet indices by (column, row), by insertion: the pattern is built once */
static void sort_triplets(hw *w, size_t *idx)
{
    /* counting sort by column, then rows within a column by insertion sort (short columns) */
    size_t N = w->N;
    size_t *cnt = calloc(N + 1, sizeof *cnt);
    for (size_t k = 0; k < w->nnz; k++) cnt[w->tj[k] + 1]++;
    for (size_t c = 0; c < N; c++) cnt[c + 1] += cnt[c];
    for (size_t c = 0; c <= N; c++) w->Ap[c] = (int)cnt[c];
    for (size_t k = 0; k < w->nnz; k++) idx[cnt[w->tj[k]]++] = k;
    for (size_t c = 0; c < N; c++)
        for (size_t a = (size_t)w->Ap[c] + 1; a < (size_t)w->Ap[c + 1]; a++)
            for (size_t b = a; b > (size_t)w->Ap[c] && cmp_pos(&idx[b - 1], &idx[b], w) > 0; b--) {
                size_t t = idx[b];
                idx[b] = idx[b - 1], idx[b - 1] = t;
            }
    free(cnt);
}

nd_status hom_alloc_system(nd_homoclinic *h, nd_error *err)
{
    hw *w = HW(h);
    size_t n = w->n, m = w->m;
    w->nnz = w->ntst * m * n * ((m + 1) * n + w->npar) + n * (n + w->npar) + n * (3 * n + w->npar) + w->nodes * n +
             (w->npar == 2 ? w->N : 0);
    w->ti = malloc(w->nnz * sizeof *w->ti), w->tj = malloc(w->nnz * sizeof *w->tj);
    w->pos = malloc(w->nnz * sizeof *w->pos), w->Ai = malloc(w->nnz * sizeof *w->Ai);
    w->tv = malloc(w->nnz * sizeof *w->tv), w->Ax = malloc(w->nnz * sizeof *w->Ax);
    w->Ap = malloc((w->N + 1) * sizeof *w->Ap);
    size_t *idx = malloc(w->nnz * sizeof *idx);
    if (!w->ti || !w->tj || !w->pos || !w->Ai || !w->tv || !w->Ax || !w->Ap || !idx) {
        free(idx);
        return nd_fail(err, ND_ENOMEM, "homoclinic: out of memory for the Jacobian (%zu entries)", w->nnz);
    }
    emitter e = {w, 0, 0};
    emit_jacobian(h, NULL, &e, err);
    sort_triplets(w, idx);
    for (size_t q = 0; q < w->nnz; q++) w->Ai[q] = w->ti[idx[q]], w->pos[idx[q]] = (int)q;
    free(idx);
    klu_defaults(&w->kc);
    w->sym = klu_analyze((int)w->N, w->Ap, w->Ai, &w->kc);
    if (!w->sym) return nd_fail(err, ND_EFAILED, "homoclinic: KLU could not analyse the Jacobian");
    return ND_OK;
}

nd_status hom_assemble_factor(nd_homoclinic *h, const double *z, nd_error *err)
{
    hw *w = HW(h);
    emitter e = {w, 0, 1};
    nd_status st = emit_jacobian(h, z, &e, err);
    if (st) return st;
    for (size_t k = 0; k < w->nnz; k++) w->Ax[w->pos[k]] = w->tv[k];
    if (w->num) klu_free_numeric(&w->num, &w->kc);
    w->num = klu_factor(w->Ap, w->Ai, w->Ax, w->sym, &w->kc);
    if (!w->num || w->kc.status == KLU_SINGULAR)
        return nd_fail(err, ND_EFAILED, "homoclinic: the Jacobian of the boundary-value problem is singular");
    return ND_OK;
}

/* the phase reference (the orbit z) and the projection reference rows at z */
nd_status hom_setup_references(nd_homoclinic *h, const double *z, nd_error *err)
{
    hw *w = HW(h);
    size_t n = w->n, m = w->m, nu;
    const double *x0 = z + X0(w);
    set_pars(h, z);
    if (nd_jacobian(h->m, 0.0, x0, h->p, w->A, err)) return err ? err->code : ND_EFAILED;
    if (hom_projections(n, w->A, w->Ps, w->Pu, &nu, w->X) || nu == 0 || nu == n)
        return nd_fail(err, ND_EFAILED, "homoclinic: the equilibrium at the orbit's ends is not a hyperbolic saddle");
    h->n_u = nu, h->n_s = n - nu;
    hom_reference_rows(n, w->Ps, h->n_s, w->Rs);
    hom_reference_rows(n, w->Pu, h->n_u, w->Ru);
    memcpy(w->ref, z, w->nodes * n * sizeof *z);
    memset(w->phi, 0, w->nodes * n * sizeof *w->phi);
    for (size_t j = 0; j < w->ntst; j++) {
        double hj = h->mesh[j + 1] - h->mesh[j];
        for (size_t i = 0; i < m; i++) {
            double *x = w->xi;
            for (size_t a = 0; a < n; a++) x[a] = 0;
            for (size_t k = 0; k <= m; k++)
                for (size_t a = 0; a < n; a++) x[a] += w->L[i][k] * z[(j * m + k) * n + a];
            if (hom_f(h, x, z, w->fx)) return nd_fail(err, ND_ENONFINITE, "homoclinic: f is not finite on the orbit");
            for (size_t k = 0; k <= m; k++)
                for (size_t a = 0; a < n; a++) w->phi[(j * m + k) * n + a] += hj * w->gw[i] * w->L[i][k] * w->fx[a];
        }
    }
    double s = 0;
    for (size_t g = 0; g < w->nodes * n; g++) s += w->phi[g] * z[g];
    w->phi_ref = s;
    return ND_OK;
}

/* ---- setup ------------------------------------------------------------------------------------- */
static void basis_tables(hw *w)
{
    size_t m = w->m;
    gsl_integration_glfixed_table *t = gsl_integration_glfixed_table_alloc(m);
    for (size_t i = 0; i < m; i++) gsl_integration_glfixed_point(0, 1, i, &w->gs[i], &w->gw[i], t);
    gsl_integration_glfixed_table_free(t);
    for (size_t i = 0; i < m; i++)
        for (size_t k = 0; k <= m; k++) {
            double s = w->gs[i], sk = (double)k / m, l = 1, d = 0;
            for (size_t q = 0; q <= m; q++)
                if (q != k) l *= (s - (double)q / m) / (sk - (double)q / m);
            for (size_t q = 0; q <= m; q++) {
                if (q == k) continue;
                double pr = 1 / (sk - (double)q / m);
                for (size_t r = 0; r <= m; r++)
                    if (r != k && r != q) pr *= (s - (double)r / m) / (sk - (double)r / m);
                d += pr;
            }
            w->L[i][k] = l, w->D[i][k] = d;
        }
}

static nd_status curve_residual(void *ctx, const double *u, double *F, nd_error *err)
{
    return hom_residual(ctx, u, F, err);
}

static nd_status curve_factor(void *ctx, const double *u, const double *b, nd_error *err)
{
    nd_homoclinic *h = ctx;
    hw *w = HW(h);
    memcpy(w->border, b, w->N * sizeof *b);
    return hom_assemble_factor(h, u, err);
}

static nd_status curve_solve(void *ctx, double *x, nd_error *err)
{
    hw *w = HW((nd_homoclinic *)ctx);
    if (!klu_solve(w->sym, w->num, (int)w->N, 1, x, &w->kc))
        return nd_fail(err, ND_EFAILED, "homoclinic: KLU solve failed");
    return ND_OK;
}

static void curve_jv(void *ctx, const double *x, double *Jx)
{
    hw *w = HW((nd_homoclinic *)ctx);
    for (size_t r = 0; r < w->neq; r++) Jx[r] = 0;
    for (size_t k = 0; k < w->nnz; k++)
        if ((size_t)w->ti[k] < w->neq) Jx[w->ti[k]] += w->tv[k] * x[w->tj[k]];
}

static const char *curve_component(void *ctx, size_t i, int *is_par)
{
    nd_homoclinic *h = ctx;
    hw *w = HW(h);
    *is_par = i >= X0(w) + w->n;
    if (i == X0(w) + w->n) return h->m->par_names[h->par];
    if (i == X0(w) + w->n + 1) return h->m->par_names[h->par2];
    return h->m->var_names[i % w->n];
}

nd_status nd_homoclinic_init(nd_homoclinic *h, const nd_model *m, const double *p, int par, int par2, size_t ntst,
                             size_t ncol, nd_error *err)
{
    memset(h, 0, sizeof *h);
    if (!m || !p) return nd_fail(err, ND_EINVAL, "homoclinic: no model or parameters");
    if (par < 0 || (size_t)par >= m->n_pars) return nd_fail(err, ND_EINVAL, "homoclinic: bad parameter index %d", par);
    if (par2 >= 0 && ((size_t)par2 >= m->n_pars || par2 == par))
        return nd_fail(err, ND_EINVAL, "homoclinic: bad second parameter index %d", par2);
    if (m->n_vars < 2 || m->n_vars > 64)
        return nd_fail(err, ND_EINVAL, "homoclinic: %zu variables (2..64 supported)", m->n_vars);
    if (ntst == 0) ntst = 200;
    if (ncol == 0) ncol = 4;
    if (ntst < 4 || ntst > 20000) return nd_fail(err, ND_EINVAL, "homoclinic: ntst %zu out of 4..20000", ntst);
    if (ncol < 2 || ncol > 7) return nd_fail(err, ND_EINVAL, "homoclinic: ncol %zu out of 2..7", ncol);
    h->m = m, h->par = par, h->par2 = par2, h->n = m->n_vars, h->ntst = ntst, h->ncol = ncol;
    hw *w = calloc(1, sizeof *w);
    h->p = malloc(m->n_pars * sizeof *h->p);
    h->mesh = malloc((ntst + 1) * sizeof *h->mesh);
    if (!w || !h->p || !h->mesh) {
        free(w);
        nd_homoclinic_free(h);
        return nd_fail(err, ND_ENOMEM, "homoclinic: out of memory");
    }
    h->work = w;
    memcpy(h->p, p, m->n_pars * sizeof *p);
    size_t n = h->n;
    w->n = n, w->m = ncol, w->ntst = ntst, w->nodes = ntst * ncol + 1, w->npar = par2 >= 0 ? 2 : 1;
    w->N = w->nodes * n + n + w->npar;
    w->neq = w->N - (w->npar - 1);
    h->dim = w->N;
    for (size_t j = 0; j <= ntst; j++) h->mesh[j] = (double)j / ntst;
    basis_tables(w);
    w->Rs = malloc(n * n * sizeof *w->Rs), w->Ru = malloc(n * n * sizeof *w->Ru);
    w->phi = malloc(w->nodes * n * sizeof *w->phi), w->ref = malloc(w->nodes * n * sizeof *w->ref);
    w->A = calloc(n * n, sizeof *w->A), w->Ps = malloc(n * n * sizeof *w->Ps), w->Pu = malloc(n * n * sizeof *w->Pu);
    w->X = malloc((3 * n * n + w->N) * sizeof *w->X), w->Y = calloc(2 * n * n, sizeof *w->Y);
    w->fx = malloc(n * sizeof *w->fx), w->fp = calloc(2 * n, sizeof *w->fp);
    w->xi = malloc(n * sizeof *w->xi), w->yb = malloc(n * sizeof *w->yb);
    w->F = malloc(w->N * sizeof *w->F), w->Fp = calloc(n * (n + 2), sizeof *w->Fp);
    w->border = w->npar == 2 ? calloc(w->N, sizeof *w->border) : NULL;
    if (!w->Rs || !w->Ru || !w->phi || !w->ref || !w->A || !w->Ps || !w->Pu || !w->X || !w->Y || !w->fx || !w->fp ||
        !w->xi || !w->yb || !w->F || !w->Fp || (w->npar == 2 && !w->border)) {
        nd_homoclinic_free(h);
        return nd_fail(err, ND_ENOMEM, "homoclinic: out of memory");
    }
    nd_status st = hom_alloc_system(h, err);
    if (st) {
        nd_homoclinic_free(h);
        return st;
    }
    nd_curve_type *t = &h->type;
    t->name = "homoclinic";
    t->dim = w->N;
    t->residual = curve_residual;
    t->bordered_factor = curve_factor;
    t->bordered_solve = curve_solve;
    t->jacobian_vector = curve_jv;
    t->component_name = curve_component;
    t->ctx = h;
    return ND_OK;
}

void nd_homoclinic_free(nd_homoclinic *h)
{
    if (!h) return;
    hw *w = h->work;
    if (w) {
        if (w->num) klu_free_numeric(&w->num, &w->kc);
        if (w->sym) klu_free_symbolic(&w->sym, &w->kc);
        free(w->Rs), free(w->Ru), free(w->phi), free(w->ref), free(w->A), free(w->Ps), free(w->Pu);
        free(w->X), free(w->Y), free(w->fx), free(w->fp), free(w->xi), free(w->yb), free(w->F), free(w->Fp);
        free(w->ti), free(w->tj), free(w->Ap), free(w->Ai), free(w->pos), free(w->tv), free(w->Ax), free(w->border);
        free(w);
    }
    free(h->p), free(h->mesh);
    memset(h, 0, sizeof *h);
}

void nd_homoclinic_info_free(nd_homoclinic_info *in)
{
    if (!in) return;
    free(in->x0);
    in->x0 = NULL;
}

/* ---- Newton at fixed parameters ----------------------------------------------------------------- */
static double orbit_size(const nd_homoclinic *h, const double *z)
{
    const hw *w = HW(h);
    double s = 0;
    for (size_t a = 0; a < w->n; a++) {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t g = 0; g < w->nodes; g++) {
            double v = z[g * w->n + a];
            lo = v < lo ? v : lo, hi = v > hi ? v : hi;
        }
        s += (hi - lo) * (hi - lo);
    }
    return sqrt(s);
}

nd_status nd_homoclinic_locate(nd_homoclinic *h, double *z, nd_homoclinic_info *info, nd_error *err)
{
    hw *w = HW(h);
    size_t N = w->N;
    double *dz = malloc(N * sizeof *dz);
    if (!dz) return nd_fail(err, ND_ENOMEM, "homoclinic: out of memory");
    if (w->npar == 2) {
        memset(w->border, 0, N * sizeof *w->border);
        w->border[N - 1] = 1; /* the second parameter held */
    }
    nd_status st = ND_OK;
    int it, conv = 0;
    double size = orbit_size(h, z), res = INFINITY;
    for (it = 0; it < 30 && !conv; it++) {
        if ((st = hom_residual(h, z, dz, err))) break;
        if (w->npar == 2) dz[N - 1] = 0;
        res = 0;
        for (size_t i = 0; i < N; i++) res = fmax(res, fabs(dz[i]));
        if ((st = hom_assemble_factor(h, z, err))) break;
        if (!klu_solve(w->sym, w->num, (int)N, 1, dz, &w->kc)) {
            st = nd_fail(err, ND_EFAILED, "homoclinic: KLU solve failed");
            break;
        }
        double step = 0, zn = 0;
        for (size_t i = 0; i < N; i++) {
            z[i] -= dz[i];
            step = fmax(step, fabs(dz[i]));
            zn = fmax(zn, fabs(z[i]));
        }
        if (!isfinite(step)) {
            st = nd_fail(err, ND_EFAILED, "homoclinic: Newton diverged");
            break;
        }
        if (step <= 1e-11 * fmax(1.0, fmax(size, zn) * 1e-2)) conv = 1;
    }
    if (!st && !conv)
        st = nd_fail(err, ND_EFAILED, "homoclinic: Newton did not converge in %d iterations (residual %.3g)", it, res);
    if (!st) {
        if ((st = hom_residual(h, z, dz, err)) == ND_OK) {
            res = 0;
            for (size_t i = 0; i < w->neq; i++) res = fmax(res, fabs(dz[i]));
        }
    }
    free(dz);
    if (st) return st;
    set_pars(h, z);
    if (info) {
        memset(info, 0, sizeof *info);
        size_t n = w->n;
        info->par = z[X0(w) + n];
        info->par2 = w->npar == 2 ? z[X0(w) + n + 1] : NAN;
        info->T = h->T;
        info->x0 = malloc(n * sizeof *info->x0);
        if (!info->x0) return nd_fail(err, ND_ENOMEM, "homoclinic: out of memory");
        memcpy(info->x0, z + X0(w), n * sizeof *z);
        if (nd_jacobian(h->m, 0.0, info->x0, h->p, w->A, err) == ND_OK)
            hom_leading_eigenvalues(n, w->A, &info->lambda_u, &info->lambda_s);
        info->saddle_quantity = info->lambda_u + info->lambda_s;
        double d0 = 0, d1 = 0, sz = orbit_size(h, z);
        for (size_t a = 0; a < n; a++) {
            double e0 = z[a] - info->x0[a], e1 = z[(w->nodes - 1) * n + a] - info->x0[a];
            d0 += e0 * e0, d1 += e1 * e1;
        }
        info->dist0 = sqrt(d0) / sz, info->dist1 = sqrt(d1) / sz;
        info->residual = res;
        info->newton_iterations = it;
    }
    return ND_OK;
}

void nd_homoclinic_eval(const nd_homoclinic *h, const double *z, double t, double *x)
{
    const hw *w = HW(h);
    size_t j = 0, n = w->n, m = w->m;
    while (j + 1 < w->ntst && t > h->mesh[j + 1]) j++;
    double s = (t - h->mesh[j]) / (h->mesh[j + 1] - h->mesh[j]);
    for (size_t a = 0; a < n; a++) x[a] = 0;
    for (size_t k = 0; k <= m; k++) {
        double l = 1, sk = (double)k / m;
        for (size_t q = 0; q <= m; q++)
            if (q != k) l *= (s - (double)q / m) / (sk - (double)q / m);
        for (size_t a = 0; a < n; a++) x[a] += l * z[(j * m + k) * n + a];
    }
}

