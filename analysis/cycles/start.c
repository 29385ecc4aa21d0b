/* Starting points of cycle branches: at a Hopf point, and at a cycle found by simulation. */
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
    cyc_reset_run(c);
    cyc_uniform_mesh(c);
    w->from_hopf = 1;
    /* the eigenvector of A for the eigenvalue closest to i omega */
    cyc_expand(c, x0, w->xf);
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
    cyc_set_reference(c, u0);
    cyc_to_u(w, u0, u0);
    cyc_tangent_to_u(w, v0, v0);
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
    cyc_reset_run(c);
    cyc_uniform_mesh(c);
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
        cyc_set_reference(c, u0);
        st = cyc_newton_fixed(c, u0, 30, 1e-12, err);
        if (!st && round < 2) cyc_adapt(c, u0, NULL, 0.0);
    }
    if (st) return st;
    double *r = calloc(N, sizeof *r);
    if (!r) return nd_fail(err, ND_ENOMEM, "cycle curve: no memory");
    r[N - 1] = direction < 0 ? -1.0 : 1.0;
    st = cyc_tangent_at(c, u0, r, v0, err);
    free(r);
    if (st) return st;
    cyc_set_reference(c, u0);
    w->level = 0, w->mu_valid = 0;
    cyc_to_u(w, u0, u0);
    cyc_tangent_to_u(w, v0, v0);
    return ND_OK;
}

