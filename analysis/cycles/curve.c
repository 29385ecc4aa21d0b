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

#include "internal.h"


static nd_status eng_residual(void *ctx, const double *u, double *F, nd_error *err)
{
    cw *w = W(ctx);
    cyc_to_x(w, u, w->xs);
    return cyc_residual(ctx, w->xs, F, err);
}

/* B_u = [J_x S^-1; b^T]: factor [J_x; (S b)^T] (its solution z gives y = S z, eng_solve). */
static nd_status eng_factor(void *ctx, const double *u, const double *b, nd_error *err)
{
    cw *w = W(ctx);
    cyc_to_x(w, u, w->xs);
    for (size_t i = 0; i < w->N; i++) w->vs[i] = b[i] * w->sc[i];
    return cyc_factor(ctx, w->xs, w->vs, err);
}

static nd_status eng_solve(void *ctx, double *y, nd_error *err)
{
    cw *w = W(ctx);
    nd_status st = cyc_solve(ctx, y, err);
    if (!st)
        for (size_t i = 0; i < w->N; i++) y[i] *= w->sc[i];
    return st;
}

/* J_u y = J_x (S^-1 y) with the blocks of the last factorisation */
static void eng_jacobian_vector(void *ctx, const double *y, double *out)
{
    cw *w = W(ctx);
    cyc_to_x(w, y, w->vs);
    cyc_matvec(w, w->vs, w->tmpN);
    memcpy(out, w->tmpN, (w->N - 1) * sizeof *out);
}

static nd_status eng_tests(void *ctx, const double *u, const double *v, const double *J, double *psi, nd_error *err)
{
    cw *w = W(ctx);
    cyc_to_x(w, u, w->xs);
    return cyc_tests(ctx, w->xs, v, J, psi, err); /* v enters through its parameter component only */
}

static int eng_bracket(void *ctx, int test, const double *u0, const double *u1)
{
    cw *w = W(ctx);
    double *x0 = w->unew, *x1 = w->unew2;
    cyc_to_x(w, u0, x0);
    cyc_to_x(w, u1, x1);
    return cyc_bracket(ctx, test, x0, x1);
}

static int eng_accept(void *ctx, int test, const double *u, const double *v, double *data)
{
    cw *w = W(ctx);
    cyc_to_x(w, u, w->xs);
    return cyc_accept(ctx, test, w->xs, v, data);
}

static int eng_label(void *ctx, const double *u)
{
    cw *w = W(ctx);
    cyc_to_x(w, u, w->xs);
    return cyc_label(ctx, w->xs);
}

static int eng_stop(void *ctx, char *why, size_t len)
{
    nd_cycle_curve *c = ctx;
    if (!c->stopped) return 0;
    snprintf(why, len, "%s", c->stop_reason);
    return 1;
}

/* A new mesh for the point u (tangent v), both moved onto it in the scaled unknowns; the last
 * record and the phase reference follow. NULL, NULL: back to the mesh before the last change. */
static int eng_adapt(void *ctx, double *u, double *v)
{
    nd_cycle_curve *c = ctx;
    cw *w = W(c);
    size_t N = w->N;
    if (!u) {
        memcpy(c->mesh, w->mesh_old, (w->ntst + 1) * sizeof *c->mesh);
        cyc_mesh_changed(c);
        cyc_set_reference(c, w->ref_old);
        if (c->n_info) memcpy(c->info[c->n_info - 1].mesh, c->mesh, (w->ntst + 1) * sizeof *c->mesh);
        return 0;
    }
    double *x = w->xs, *tx = w->unew2;
    cyc_to_x(w, u, x);
    cyc_to_x(w, v, tx);
    memcpy(w->mesh_old, c->mesh, (w->ntst + 1) * sizeof *c->mesh);
    memcpy(w->ref_old, x, N * sizeof *x);
    if (!cyc_adapt(c, x, tx, 0.1)) return 0; /* a mesh within 10% of the current one is kept */
    cyc_set_reference(c, x);
    if (c->n_info) memcpy(c->info[c->n_info - 1].mesh, c->mesh, (w->ntst + 1) * sizeof *c->mesh);
    cyc_to_u(w, x, u);
    for (size_t i = 0; i < N; i++) v[i] = tx[i] * w->sc[i];
    return 1;
}

/* Names for messages: the parameter; node values are not named. */
static const char *eng_component_name(void *ctx, size_t i, int *is_parameter)
{
    nd_cycle_curve *c = ctx;
    *is_parameter = i == W(c)->N - 1;
    if (i == W(c)->N - 1) return c->m->par_names[c->par];
    return i == W(c)->Nx ? "ln T" : "the orbit";
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
    free(w->scratch_mem), free(w->hopf_x), free(w->sc), free(w->xs), free(w->vs), free(w->tmpN), free(w->mesh_new), free(w->unew), free(w->unew2), free(w->mesh_old), free(w->ref_old);
    free(w);
}

void nd_cycle_curve_free(nd_cycle_curve *c)
{
    if (!c) return;
    cyc_records_clear(c);
    free(c->info);
    work_free(c->work);
    free(c->p);
    free(c->free_idx);
    free(c->mesh);
    memset(c, 0, sizeof *c);
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
    cyc_gauss_legendre(ncol, w->gs, w->gw);
    if (cyc_vandermonde_inverse(ncol, w->C)) {
        nd_cycle_curve_free(c);
        return nd_fail(err, ND_EFAILED, "cycle curve: Lagrange basis failed");
    }
    for (size_t i = 0; i < ncol; i++) cyc_basis(w, w->gs[i], w->L[i], w->D[i]);
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
    w->unew2 = calloc(N, sizeof(double));
    w->ref_old = calloc(N, sizeof(double));
    w->mesh_old = calloc(ntst + 1, sizeof(double));
    w->ew = gsl_eigen_nonsymm_alloc(n - 1);
    w->ewm = gsl_matrix_alloc(n - 1, n - 1);
    w->ewv = gsl_vector_complex_alloc(n - 1);
    if (!w->ref || !w->phase || !w->refbar || !w->ucache || !w->xc || !w->fc || !w->Ac || !w->fpc || !w->xf ||
        !w->ff || !w->Jf || !w->fa || !w->fb || !w->r1 || !w->r2 || !w->G0 || !w->G || !w->mup || !w->mub || !w->piv || !w->border || !w->rphase || !w->rborder || !w->rb || !w->E || !w->Mm || !w->Mt || !w->Q0 || !w->Qa || !w->Qb || !w->Pt || !w->mucache ||
        !w->mu_re || !w->mu_im || !w->scratch_mem || !w->mesh_new || !w->hopf_x || !w->sc || !w->xs || !w->vs || !w->tmpN || !w->unew || !w->unew2 || !w->ref_old || !w->mesh_old || !w->ew || !w->ewm || !w->ewv) {
        nd_cycle_curve_free(c);
        return nd_fail(err, ND_ENOMEM, "cycle curve: no memory");
    }
    cyc_info_attach(c, &w->scratch, w->scratch_mem);
    klu_defaults(&w->kc);
    w->kc.tol = 0.1; /* threshold partial pivoting: the chain's own pivot unless 10x smaller */
    w->kc.btf = 0;
    gsl_set_error_handler_off();
    cyc_uniform_mesh(c);
    if ((st = cyc_build_pattern(c, err))) {
        nd_cycle_curve_free(c);
        return st;
    }
    c->type = (nd_curve_type){
        .name = "limit cycle",
        .dim = N,
        .residual = eng_residual,
        .jacobian = NULL,
        .n_tests = 5, /* H: found by the stop hook (its test is constant), named for the specials */
        .test_names = {"LPC", "PD", "NS", "H", "BPC"},
        .test_kind = {ND_TEST_FOLD, ND_TEST_PLAIN, ND_TEST_PLAIN, ND_TEST_PLAIN, ND_TEST_BRANCH_POINT},
        .tests = eng_tests,
        .bracket = eng_bracket,
        .accept = eng_accept,
        .label = eng_label,
        .stop = eng_stop,
        .adapt = eng_adapt,
        .adapt_every = 3, /* AUTO's IAD */
        .component_name = eng_component_name,
        .bordered_factor = eng_factor,
        .bordered_solve = eng_solve,
        .jacobian_vector = eng_jacobian_vector,
        .ctx = c,
    };
    return ND_OK;
}

void cyc_reset_run(nd_cycle_curve *c)
{
    cw *w = W(c);
    cyc_records_clear(c);
    c->stopped = ND_CYC_RUNNING;
    c->stop_reason[0] = '\0';
    w->T_first = 0.0, w->nh = 0, w->amp_max = 0.0, w->moved = 0, w->gap_prev = INFINITY, w->from_hopf = 0;
    w->from_pd = 0, w->gap_seen = 0.0;
    w->level = 0;
    w->mu_valid = 0;
}

/* ---- Newton with the parameter fixed, tangents ----------------------------------------------------------- */
double cyc_vnorm(const double *v, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += v[i] * v[i];
    return sqrt(s);
}

/* Corrects u in place at its parameter (border e_N), phase against the reference in place. */
/* Newton on F(u) = 0 with the extra condition row . u = target (row: N values), in place. */
nd_status cyc_newton_border(nd_cycle_curve *c, double *u, const double *row, double target, int max_it, double tol,
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
        fn = cyc_vnorm(F, N - 1);
        double g = -target;
        for (size_t i = 0; i < N; i++) g += row[i] * u[i];
        F[N - 1] = g;
        if ((st = cyc_factor(c, u, row, err)) || (st = cyc_solve(c, F, err))) break;
        for (size_t i = 0; i < N; i++) u[i] -= F[i];
        dn = cyc_vnorm(F, N);
        if (dn < tol * fmax(1.0, cyc_vnorm(u, N)) && fn < 1e2 * tol) break;
    }
    if (!st) {
        if ((st = cyc_residual(c, u, F, err))) {
            free(F);
            return st;
        }
        fn = cyc_vnorm(F, N - 1);
        if (!(fn < 1e3 * tol))
            st = nd_fail(err, ND_EFAILED, "cycle curve: Newton at parameter %g did not converge (|F| = %.3g, last |du| = "
                         "%.3g after %d iterations)", u[N - 1], fn, dn, max_it);
    }
    free(F);
    return st;
}

/* Corrects u in place at its parameter value. */
nd_status cyc_newton_fixed(nd_cycle_curve *c, double *u, int max_it, double tol, nd_error *err)
{
    size_t N = W(c)->N;
    double *e = calloc(N, sizeof *e);
    if (!e) return nd_fail(err, ND_ENOMEM, "cycle curve: no memory");
    e[N - 1] = 1.0;
    nd_status st = cyc_newton_border(c, u, e, u[N - 1], max_it, tol, err);
    free(e);
    return st;
}

/* The tangent at u: [J; r^T] t = e_N, normalised, with t . r > 0. */
nd_status cyc_tangent_at(nd_cycle_curve *c, const double *u, const double *r, double *t, nd_error *err)
{
    size_t N = W(c)->N;
    memset(t, 0, N * sizeof *t);
    t[N - 1] = 1.0;
    nd_status st = cyc_factor(c, u, r, err);
    if (!st) st = cyc_solve(c, t, err);
    if (st) return st;
    double nt = cyc_vnorm(t, N), dot = 0.0;
    if (!(nt > 0) || !isfinite(nt)) return nd_fail(err, ND_EFAILED, "cycle curve: no tangent");
    for (size_t i = 0; i < N; i++) t[i] /= nt, dot += t[i] * r[i];
    if (dot < 0)
        for (size_t i = 0; i < N; i++) t[i] = -t[i];
    return ND_OK;
}

