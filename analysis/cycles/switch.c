/* Branch switching at a period doubling of cycles: the start of the period-doubled branch.
 *
 * Method (AUTO-07p's switching at a PD, Doedel et al. 1991, IJBC 1:745, sec. 6; Kuznetsov,
 * Elements of Applied Bifurcation Theory, 3rd ed., sec. 10.3.2): at a PD point the cycle u(t)
 * of period T has a Floquet multiplier -1 with eigenfunction phi(t), phi(t + T) = -phi(t).
 * Written as a cycle of period 2T (run twice), u is a point of the doubled system where its
 * branch of T-periodic cycles crosses the branch of genuine 2T-periodic cycles (a pitchfork: the
 * doubled cycles with +phi and -phi are the same orbit shifted by T), and the tangent of the
 * new branch there is phi extended antiperiodically over [0, 2T], with no parameter and period
 * component.
 *
 * Discretisation: phi is the null vector of the collocation linearisation itself, so the
 * doubled branch starts on the discrete problem. The transfer matrices of the mesh intervals
 * (cyc_interval_transfer: the linearised collocation block of each interval solved for its nodes
 * in terms of its first one) multiply to the collocation monodromy matrix M; phi(0) is its
 * eigenvector for the eigenvalue mu closest to -1, and phi at every node follows from the
 * interval maps. On the mesh of 2 ntst intervals (the old mesh halved, twice) the doubled cycle
 * is u at the same nodes twice, T -> 2T, and the antiperiodic phi is the same propagation
 * carried on through the second period (mu phi(t)).
 *
 * The continuer cannot start at the crossing itself (there [J; phi^T] is singular: the tangent
 * of the old branch also solves it). As AUTO's first step does, the start is the doubled cycle
 * moved along phi by delta (1% of the orbit's RMS size, in the L2 norm of the continuer's
 * unknowns) and corrected by Newton with that distance along phi fixed: it converges to the
 * doubled branch, whose point at distance delta lies at p - p_PD = O(delta^2); the tangent is
 * oriented away from the PD. delta must keep that offset above the error of the located PD
 * (where the bordered matrix is near singular): 0.1% was too little for Hindmarsh–Rose's bursting
 * cycle (the continuer's first corrector failed; its offset 1e-9 was the PD's own error), 1%
 * works across the zoo and leaves the branch's first point 4e-4 from Rössler's first PD. */
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_eigen.h>

#include "internal.h"

/* phi(0): the real eigenvector of the n x n matrix M (row-major) for its eigenvalue closest to
 * -1, into v (unit length), the eigenvalue into *mu. 0 on success. */
static int eigvec_minus_one(const double *M, size_t n, double *v, double *mu)
{
    gsl_matrix *A = gsl_matrix_alloc(n, n);
    gsl_matrix_complex *vec = gsl_matrix_complex_alloc(n, n);
    gsl_vector_complex *val = gsl_vector_complex_alloc(n);
    gsl_eigen_nonsymmv_workspace *ws = gsl_eigen_nonsymmv_alloc(n);
    int bad = !A || !vec || !val || !ws;
    if (!bad) {
        memcpy(A->data, M, n * n * sizeof *M); /* tda == n */
        bad = gsl_eigen_nonsymmv(A, val, vec, ws) != 0;
    }
    if (!bad) {
        size_t best = 0;
        double dist = INFINITY;
        for (size_t a = 0; a < n; a++) {
            gsl_complex z = gsl_vector_complex_get(val, a);
            double d = cabs(GSL_REAL(z) + I * GSL_IMAG(z) + 1.0);
            if (d < dist) dist = d, best = a;
        }
        gsl_complex z = gsl_vector_complex_get(val, best);
        *mu = GSL_REAL(z);
        bad = fabs(GSL_IMAG(z)) > 1e-8;
        /* a real eigenvalue has a real eigenvector up to a complex factor: take the larger part */
        double re = 0.0, im = 0.0;
        for (size_t a = 0; a < n; a++) {
            gsl_complex e = gsl_matrix_complex_get(vec, a, best);
            re += GSL_REAL(e) * GSL_REAL(e), im += GSL_IMAG(e) * GSL_IMAG(e);
        }
        double nv = 0.0;
        for (size_t a = 0; a < n; a++) {
            gsl_complex e = gsl_matrix_complex_get(vec, a, best);
            v[a] = re >= im ? GSL_REAL(e) : GSL_IMAG(e);
            nv += v[a] * v[a];
        }
        nv = sqrt(nv);
        if (!(nv > 0)) bad = 1;
        for (size_t a = 0; a < n && !bad; a++) v[a] /= nv;
    }
    if (A) gsl_matrix_free(A);
    if (vec) gsl_matrix_complex_free(vec);
    if (val) gsl_vector_complex_free(val);
    if (ws) gsl_eigen_nonsymmv_free(ws);
    return bad ? -1 : 0;
}

/* The PD eigenfunction of the cycle x (unscaled unknowns of `from`, on its current mesh) at every
 * node into phi (nodes x n values; phi at the last node is mu phi(0)), the multiplier into *mu. */
static nd_status pd_eigenfunction(nd_cycle_curve *from, const double *x, double *phi, double *mu, nd_error *err)
{
    cw *w = W(from);
    size_t n = w->n, m = w->m, q = m * n, ld = q + n, ntst = w->ntst;
    nd_status st = cyc_colloc_eval(from, x, 2, err);
    if (st) return st;
    double *maps = malloc(ntst * q * n * sizeof *maps), *M = malloc(2 * n * n * sizeof *M), *Mt = M + n * n;
    if (!maps || !M) {
        free(maps), free(M);
        return nd_fail(err, ND_ENOMEM, "cycle curve: no memory");
    }
    for (size_t a = 0; a < n * n; a++) M[a] = a % (n + 1) == 0;
    for (size_t j = 0; j < ntst && !st; j++) {
        if (cyc_interval_transfer(from, x, j)) {
            st = nd_fail(err, ND_EFAILED, "cycle curve: singular collocation block in interval %zu", j);
            break;
        }
        double *S = maps + j * q * n; /* node k = 1..m of the interval from its node 0 */
        for (size_t r = 0; r < q; r++) memcpy(S + r * n, w->E + r * ld + q, n * sizeof *S);
        const double *P = S + (m - 1) * n * n;
        double big = 0.0;
        for (size_t r = 0; r < n; r++)
            for (size_t cc = 0; cc < n; cc++) {
                double s = 0.0;
                for (size_t a = 0; a < n; a++) s += P[r * n + a] * M[a * n + cc];
                Mt[r * n + cc] = s, big = fmax(big, fabs(s));
            }
        memcpy(M, Mt, n * n * sizeof *M);
        if (!(big > 0) || !isfinite(big)) st = nd_fail(err, ND_EFAILED, "cycle curve: the monodromy matrix degenerates");
    }
    double v0[64];
    if (!st && eigvec_minus_one(M, n, v0, mu))
        st = nd_fail(err, ND_EFAILED, "cycle curve: no real Floquet multiplier near -1 at the period doubling");
    if (!st) {
        memcpy(phi, v0, n * sizeof *phi);
        for (size_t j = 0; j < ntst; j++) {
            const double *S = maps + j * q * n, *v = phi + j * m * n;
            for (size_t k = 1; k <= m; k++)
                for (size_t r = 0; r < n; r++) {
                    double s = 0.0;
                    for (size_t a = 0; a < n; a++) s += S[((k - 1) * n + r) * n + a] * v[a];
                    phi[(j * m + k) * n + r] = s;
                }
        }
    }
    free(maps), free(M);
    return st;
}

nd_status nd_cycle_curve_from_pd(nd_cycle_curve *c, nd_cycle_curve *from, const nd_branch *b, size_t s, double *u0,
                                 double *v0, nd_cycle_switch *info, nd_error *err)
{
    if (!c || !c->work || !from || !from->work || !b || !u0 || !v0)
        return nd_fail(err, ND_EINVAL, "cycle curve: from_pd needs two curves, a branch and u0, v0");
    if (s >= b->n_special || b->special[s].test != ND_CYC_PD)
        return nd_fail(err, ND_EINVAL, "cycle curve: special point %zu of the branch is not a period doubling", s);
    const nd_special_point *sp = &b->special[s];
    if (b->dim != from->type.dim || b->n != from->n_info || sp->after >= from->n_info)
        return nd_fail(err, ND_EINVAL, "cycle curve: the branch does not match the records of its curve");
    if (c->ntst != 2 * from->ntst || c->ncol != from->ncol || c->k != from->k || c->m != from->m || c->par != from->par)
        return nd_fail(err, ND_EINVAL, "cycle curve: the doubled branch needs the same model, parameter and ncol, "
                       "and 2 x %zu mesh intervals (the curve has %zu)", from->ntst, c->ntst);
    cw *wf = W(from), *w = W(c);
    size_t n = wf->n, nodes = wf->nodes, Nf = wf->N, N = w->N, ntst = wf->ntst;
    /* the PD cycle on the mesh it was located on */
    memcpy(from->mesh, from->info[sp->after].mesh, (ntst + 1) * sizeof *from->mesh);
    cyc_mesh_changed(from);
    double *x = malloc((Nf + nodes * n + 4 * N) * sizeof *x);
    if (!x) return nd_fail(err, ND_ENOMEM, "cycle curve: no memory");
    double *phi = x + Nf, *x2 = phi + nodes * n, *t2 = x2 + N, *row = t2 + N, *y = row + N;
    cyc_to_x(wf, sp->u, x);
    double mu = NAN;
    nd_status st = pd_eigenfunction(from, x, phi, &mu, err);
    if (st) {
        free(x);
        return st;
    }
    /* the doubled cycle and the antiperiodic eigenfunction on the doubled mesh */
    cyc_reset_run(c);
    for (size_t j = 0; j <= ntst; j++) c->mesh[j] = 0.5 * from->mesh[j], c->mesh[ntst + j] = 0.5 + 0.5 * from->mesh[j];
    cyc_mesh_changed(c);
    for (size_t g = 0; g < nodes; g++)
        for (size_t r = 0; r < n; r++) {
            x2[g * n + r] = x[g * n + r], x2[(nodes - 1 + g) * n + r] = x[g * n + r];
            t2[g * n + r] = phi[g * n + r], t2[(nodes - 1 + g) * n + r] = mu * phi[g * n + r];
        }
    x2[w->Nx] = x[wf->Nx] + log(2.0), x2[N - 1] = x[Nf - 1];
    t2[w->Nx] = t2[N - 1] = 0.0;
    cyc_set_reference(c, x2);
    cyc_tangent_to_u(w, t2, row);                           /* unit phi in the continuer's norm */
    for (size_t i = 0; i < N; i++) t2[i] = row[i] / w->sc[i]; /* the same in x */
    double delta = 1e-2 * sqrt(w->refnorm), target = delta;
    for (size_t i = 0; i < N; i++) row[i] *= w->sc[i], target += row[i] * x2[i]; /* row . x = <phi, u> */
    for (size_t i = 0; i < N; i++) y[i] = x2[i] + delta * t2[i];
    st = cyc_newton_border(c, y, row, target, 30, 1e-12, err);
    if (!st) st = cyc_tangent_at(c, y, row, t2, err);
    if (st) {
        free(x);
        return st;
    }
    if (info) {
        info->par = x[Nf - 1], info->period = exp(x[wf->Nx]), info->multiplier = mu;
        info->delta = delta, info->start_par = y[N - 1], info->start_period = exp(y[w->Nx]);
        info->gap = cyc_half_period_gap(c, y);
        double d2 = 0.0;
        for (size_t i = 0; i < w->Nx; i++) d2 += (y[i] - x2[i]) * (y[i] - x2[i]) * w->sc[i] * w->sc[i];
        info->distance = sqrt(d2);
    }
    cyc_set_reference(c, y);
    w->level = 0, w->mu_valid = 0, w->from_pd = 1;
    cyc_to_u(w, y, u0);
    cyc_tangent_to_u(w, t2, v0);
    free(x);
    return ND_OK;
}

/* ---- branch switching at a branch point of cycles (BPC) ------------------------------------------- */
/* Method (AUTO-07p's switching at branch points of periodic solutions, Doedel et al. 1991, IJBC
 * 1:745, sec. 5; Allgower & Georg 1990, sec. 8.1): at a BPC the collocation Jacobian J (N - 1
 * equations, N unknowns, the phase condition included) has a two-dimensional kernel, spanned by
 * the tangent v of the branch computed and the tangent of the branch crossing it (a
 * combination of v and w). w, the kernel vector with v . w = 0, is the null vector of the
 * bordered matrix [J; v^T], singular there: two steps of inverse iteration with the factors the
 * corrector uses give it (v: the tangent at the branch point before the BPC, on the same mesh;
 * the kernel of [J; v^T] is then still one-dimensional). The other branch cuts the hyperplane
 * <w, u - u_BPC> = delta near the BPC, the branch computed only far from it, so Newton in that
 * hyperplane from u_BPC + delta w converges to the other branch (as at a PD, delta is 1% of the
 * orbit's RMS size; a pitchfork's branch is then at p - p_BPC = O(delta^2), a transcritical's at
 * O(delta)). direction > 0 takes +w, < 0 -w: the two halves of the other branch (for a
 * symmetry-breaking pitchfork, the two mirror-image cycles). */
nd_status nd_cycle_curve_from_bpc(nd_cycle_curve *c, nd_cycle_curve *from, const nd_branch *b, size_t s, int direction,
                                  double *u0, double *v0, nd_cycle_switch *info, nd_error *err)
{
    if (!c || !c->work || !from || !from->work || !b || !u0 || !v0 || c == from)
        return nd_fail(err, ND_EINVAL, "cycle curve: from_bpc needs two curves, a branch and u0, v0");
    if (s >= b->n_special || b->special[s].test != ND_CYC_BPC)
        return nd_fail(err, ND_EINVAL, "cycle curve: special point %zu of the branch is not a branch point of cycles", s);
    const nd_special_point *sp = &b->special[s];
    if (b->dim != from->type.dim || b->n != from->n_info || sp->after >= from->n_info)
        return nd_fail(err, ND_EINVAL, "cycle curve: the branch does not match the records of its curve");
    if (c->ntst != from->ntst || c->ncol != from->ncol || c->k != from->k || c->m != from->m || c->par != from->par)
        return nd_fail(err, ND_EINVAL, "cycle curve: the other branch needs the same model, parameter, ntst and ncol");
    cw *wf = W(from), *w = W(c);
    size_t N = wf->N, ntst = wf->ntst;
    memcpy(from->mesh, from->info[sp->after].mesh, (ntst + 1) * sizeof *from->mesh);
    cyc_mesh_changed(from);
    double *x = malloc(6 * N * sizeof *x);
    if (!x) return nd_fail(err, ND_ENOMEM, "cycle curve: no memory");
    double *xa = x + N, *v = xa + N, *k = v + N, *row = k + N, *y = row + N;
    cyc_to_x(wf, sp->u, x);
    cyc_to_x(wf, b->u + sp->after * b->dim, xa);
    /* v: the tangent at the point before, oriented towards the BPC */
    for (size_t i = 0; i < N; i++) row[i] = x[i] - xa[i];
    double dist = cyc_vnorm(row, N);
    if (!(dist > 0)) row[N - 1] = 1.0;
    cyc_set_reference(from, xa);
    nd_status st = cyc_tangent_at(from, xa, row, v, err);
    /* w: inverse iteration on [J(u_BPC); v^T] */
    cyc_set_reference(from, x);
    if (!st) st = cyc_factor(from, x, v, err);
    for (size_t i = 0; i < N; i++) k[i] = sin(0.7 * (double)i + 0.3);
    for (int it = 0; it < 2 && !st; it++) {
        if ((st = cyc_solve(from, k, err))) break;
        double nk = cyc_vnorm(k, N), vk = 0.0;
        if (!(nk > 0) || !isfinite(nk)) {
            st = nd_fail(err, ND_EFAILED, "cycle curve: no second kernel vector at the branch point");
            break;
        }
        for (size_t i = 0; i < N; i++) k[i] /= nk, vk += k[i] * v[i];
        for (size_t i = 0; i < N; i++) k[i] -= vk * v[i];
    }
    if (st) {
        free(x);
        return st;
    }
    wf->level = 0, wf->mu_valid = 0;
    /* the start on the other branch, on the same mesh */
    cyc_reset_run(c);
    memcpy(c->mesh, from->mesh, (ntst + 1) * sizeof *c->mesh);
    cyc_mesh_changed(c);
    cyc_set_reference(c, x);
    if (direction < 0)
        for (size_t i = 0; i < N; i++) k[i] = -k[i];
    cyc_tangent_to_u(w, k, row);                             /* unit w in the continuer's norm */
    for (size_t i = 0; i < N; i++) k[i] = row[i] / w->sc[i]; /* the same in x */
    double delta = 1e-2 * sqrt(w->refnorm), target = delta;
    for (size_t i = 0; i < N; i++) row[i] *= w->sc[i], target += row[i] * x[i]; /* row . x = <w, u> */
    for (size_t i = 0; i < N; i++) y[i] = x[i] + delta * k[i];
    st = cyc_newton_border(c, y, row, target, 30, 1e-12, err);
    if (!st) st = cyc_tangent_at(c, y, row, k, err);
    if (st) {
        free(x);
        return st;
    }
    if (info) {
        info->par = x[N - 1], info->period = exp(x[wf->Nx]), info->multiplier = sp->data[2];
        info->delta = delta, info->start_par = y[N - 1], info->start_period = exp(y[w->Nx]);
        info->gap = NAN;
        double d2 = 0.0;
        for (size_t i = 0; i < w->Nx; i++) d2 += (y[i] - x[i]) * (y[i] - x[i]) * w->sc[i] * w->sc[i];
        info->distance = sqrt(d2);
    }
    cyc_set_reference(c, y);
    w->level = 0, w->mu_valid = 0;
    cyc_to_u(w, y, u0);
    cyc_tangent_to_u(w, k, v0);
    free(x);
    return ND_OK;
}
