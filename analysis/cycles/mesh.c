/* The mesh of the collocation: node scales of the unknowns the continuer sees, uniform meshes,
 * and AUTO's adaptation (equidistribution of the estimated collocation error). */
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

/* ---- the unknowns the continuer sees ------------------------------------------------------------ */
/* The continuer measures arclength in the Euclidean norm of u. With u = (x at the nodes, T, p)
 * that norm grows with the number of nodes and is dominated by the period near a homoclinic
 * orbit or SNIC. So u holds sqrt(w_g) x_g for node g, w_g its weight in the composite
 * Newton-Cotes rule on the mesh (the Euclidean norm of the node part is then the L2 norm of
 * x(t) over the period, as AUTO's pseudo-arclength uses), ln T, and p. Internally everything
 * works on x; these wrappers convert. */
void cyc_node_scales(const cw *w, const double *mesh, double *sc)
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
void cyc_mesh_changed(nd_cycle_curve *c)
{
    cw *w = W(c);
    cyc_node_scales(w, c->mesh, w->sc);
    w->level = 0, w->mu_valid = 0;
}

void cyc_to_x(const cw *w, const double *u, double *x)
{
    for (size_t i = 0; i < w->N; i++) x[i] = u[i] / w->sc[i];
}

void cyc_to_u(const cw *w, const double *x, double *u)
{
    for (size_t i = 0; i < w->N; i++) u[i] = x[i] * w->sc[i];
}

/* t (x-space tangent) to the u-space unit tangent */
void cyc_tangent_to_u(const cw *w, const double *tx, double *tu)
{
    double s = 0.0;
    for (size_t i = 0; i < w->N; i++) tu[i] = tx[i] * w->sc[i], s += tu[i] * tu[i];
    s = sqrt(s);
    if (s > 0)
        for (size_t i = 0; i < w->N; i++) tu[i] /= s;
}


void cyc_uniform_mesh(nd_cycle_curve *c)
{
    for (size_t j = 0; j <= c->ntst; j++) c->mesh[j] = (double)j / c->ntst;
    cyc_mesh_changed(c);
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
        for (size_t k = 0; k < m; k++) cyc_eval_at(w, c->mesh, u, w->mesh_new[j] + h * k / m, out + (j * m + k) * n);
    }
    memcpy(out + (w->nodes - 1) * n, u + (w->nodes - 1) * n, n * sizeof *u);
    out[w->Nx] = u[w->Nx], out[w->Nx + 1] = u[w->Nx + 1];
}

/* Adapts the mesh to u; u (and v when not NULL, renormalised) are moved onto the new mesh. */
/* Adapts the mesh to u unless the equidistributing mesh is within `slack` of the current one
 * (every interval within that relative change; 0: always); returns 1 when it changed. */
int cyc_adapt(nd_cycle_curve *c, double *u, double *v, double slack)
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
        double nv = cyc_vnorm(w->unew, N);
        for (size_t i = 0; i < N; i++) v[i] = nv > 0 ? w->unew[i] / nv : v[i];
    }
    memcpy(c->mesh, w->mesh_new, (w->ntst + 1) * sizeof *c->mesh);
    cyc_mesh_changed(c);
    return 1;
}

