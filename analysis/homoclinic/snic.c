/* Whether a saddle-node of equilibria lies on an invariant circle (a SNIC, a saddle-node
 * homoclinic orbit: Kuznetsov, Elements of Applied Bifurcation Theory, 3rd ed., sec. 7.1): the
 * branch of its one-dimensional centre manifold that leaves it must come back to it along the
 * other branch. The centre direction q (A q = 0) and the left null vector l (l^T A = 0,
 * l^T q = 1) come from the Jacobian's SVD; the side that leaves is where l^T f(x + e q) has the
 * sign of e (xi' = a xi^2 on the centre manifold, xi = l^T (x - x_sn)). The orbit started on that
 * side at e = 1e-2 of the box is integrated (GSL rk8pd, tolerances 1e-10) until it has gone
 * farther than R = 0.05 of the box and re-entered the ball of radius R: a return with xi of the
 * other sign closes the circle. It stops without a return at t_max, or earlier once the orbit's
 * closest approach to the point is the same (to 1e-4) over three consecutive windows of t_max/50
 * and outside 1.5 R: it has settled on an attractor that does not come back. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_odeiv2.h>

#include "internal.h"
#include "neurodyn/core.h"

/* Samples per window of the settling test: 400 of the 20000 up to t_max, a t_sim by default. */
#define SNIC_WINDOW 400

typedef struct snic_ctx {
    const nd_model *m;
    const double *p;
} snic_ctx;

static int snic_f(double t, const double y[], double f[], void *params)
{
    const snic_ctx *s = params;
    s->m->rhs(t, y, s->p, f);
    for (size_t i = 0; i < s->m->n_vars; i++)
        if (!isfinite(f[i])) return GSL_EBADFUNC;
    return GSL_SUCCESS;
}

/* scaled distance: each variable over its box width (1 without a box) */
static double box_dist(const nd_model *m, const double *a, const double *b)
{
    double s = 0;
    for (size_t i = 0; i < m->n_vars; i++) {
        double w = m->var_lo && m->var_hi ? m->var_hi[i] - m->var_lo[i] : 1.0;
        s += (a[i] - b[i]) * (a[i] - b[i]) / (w * w);
    }
    return sqrt(s);
}

nd_status nd_snic_check(const nd_model *m, const double *p, const double *x_sn, double t_max, int *on_circle,
                        double *return_time, nd_error *err)
{
    return nd_snic_check_at(m, p, x_sn, t_max, 1e-2, 0.05, on_circle, return_time, err);
}

nd_status nd_snic_check_at(const nd_model *m, const double *p, const double *x_sn, double t_max, double start,
                           double radius, int *on_circle, double *return_time, nd_error *err)
{
    if (!m || !p || !x_sn || !on_circle) return nd_fail(err, ND_EINVAL, "snic check: no model, parameters or point");
    size_t n = m->n_vars;
    *on_circle = 0;
    if (return_time) *return_time = NAN;
    if (!(t_max > 0)) t_max = 50 * (m->t_sim > 0 ? m->t_sim : 200);
    double *A = malloc(n * n * sizeof *A), *q = malloc(n * sizeof *q), *l = malloc(n * sizeof *l),
           *y = malloc(n * sizeof *y), *f = malloc(n * sizeof *f);
    gsl_matrix *U = gsl_matrix_alloc(n, n), *V = gsl_matrix_alloc(n, n);
    gsl_vector *S = gsl_vector_alloc(n), *wk = gsl_vector_alloc(n);
    nd_status st = ND_OK;
    if (!A || !q || !l || !y || !f) {
        st = nd_fail(err, ND_ENOMEM, "snic check: out of memory");
        goto done;
    }
    if ((st = nd_jacobian(m, 0.0, x_sn, p, A, err))) goto done;
    /* A = U S V^T: q the last column of V (right null vector), l the last column of U (left) */
    memcpy(U->data, A, n * n * sizeof *A);
    gsl_linalg_SV_decomp(U, V, S, wk);
    if (!(gsl_vector_get(S, n - 1) <= 1e-5 * gsl_vector_get(S, 0))) {
        st = nd_fail(err, ND_EINVAL, "snic check: the point is not a saddle-node (smallest singular value %g of %g)",
                     gsl_vector_get(S, n - 1), gsl_vector_get(S, 0));
        goto done;
    }
    double lq = 0, qs = 0;
    for (size_t i = 0; i < n; i++) {
        q[i] = gsl_matrix_get(V, i, n - 1), l[i] = gsl_matrix_get(U, i, n - 1);
        lq += l[i] * q[i];
        double w = m->var_lo && m->var_hi ? m->var_hi[i] - m->var_lo[i] : 1.0;
        qs += q[i] * q[i] / (w * w);
    }
    if (fabs(lq) < 1e-8) {
        st = nd_fail(err, ND_EFAILED, "snic check: the zero eigenvalue is not simple (l.q = %g)", lq);
        goto done;
    }
    for (size_t i = 0; i < n; i++) l[i] /= lq;
    if (!(start > 0 && start < radius && radius <= 0.5)) {
        st = nd_fail(err, ND_EINVAL, "snic check: need 0 < start (%g) < radius (%g) <= 0.5", start, radius);
        goto done;
    }
    double e = start / sqrt(qs), R = radius; /* only which way it comes back matters */
    for (size_t i = 0; i < n; i++) y[i] = x_sn[i] + e * q[i];
    m->rhs(0.0, y, p, f);
    double a = 0;
    for (size_t i = 0; i < n; i++) a += l[i] * f[i];
    double side = a > 0 ? 1.0 : -1.0; /* xi' = a xi^2: the side of sign(a) leaves */
    for (size_t i = 0; i < n; i++) y[i] = x_sn[i] + side * e * q[i];
    snic_ctx ctx = {m, p};
    gsl_odeiv2_system sys = {snic_f, NULL, n, &ctx};
    gsl_odeiv2_driver *drv = gsl_odeiv2_driver_alloc_y_new(&sys, gsl_odeiv2_step_rk8pd, 1e-3, 1e-10, 1e-10);
    double t = 0, dt = t_max / 20000;
    int left = 0, settled = 0;
    double window_min = INFINITY, last_min = NAN;
    for (int k = 1; k <= 20000; k++) {
        if (gsl_odeiv2_driver_apply(drv, &t, dt * k, y) != GSL_SUCCESS) break;
        double d = box_dist(m, y, x_sn);
        if (!left && d > 2 * R) left = 1;
        if (left && d < R) {
            double xi = 0;
            for (size_t i = 0; i < n; i++) xi += l[i] * (y[i] - x_sn[i]);
            *on_circle = xi * side < 0;
            if (return_time) *return_time = t;
            break;
        }
        if (!left) continue;
        window_min = fmin(window_min, d);
        if (k % SNIC_WINDOW) continue;
        /* The orbit has settled on an attractor that keeps away from the ball (an equilibrium or
         * a cycle elsewhere) when its closest approach is the same over consecutive windows: it
         * will not come back, and integrating to t_max would only cost time (13 s of 14 on the
         * Hindmarsh-Rose fast subsystem's fold curves, whose orbits go to the spiking cycle). */
        settled = window_min > 1.5 * R && fabs(window_min - last_min) <= 1e-4 * window_min ? settled + 1 : 0;
        if (settled == 2) break;
        last_min = window_min, window_min = INFINITY;
    }
    gsl_odeiv2_driver_free(drv);
done:
    free(A), free(q), free(l), free(y), free(f);
    gsl_matrix_free(U), gsl_matrix_free(V), gsl_vector_free(S), gsl_vector_free(wk);
    return st;
}
