/* One step of a method: explicit Runge–Kutta from a tableau, exponential Euler, or a GSL
 * one-step type. The stepper remembers f(t, y) of the last point it saw so that rejected
 * adaptive steps and FSAL pairs do not evaluate it twice. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_odeiv2.h>

#include "stepper_impl.h"

static int all_finite(const double *v, size_t n)
{
    double acc = 0.0;
    for (size_t i = 0; i < n; i++) acc += v[i] * 0.0; /* NaN*0 and Inf*0 are NaN */
    return acc == 0.0;
}

/* Every RHS evaluation goes through here: it is counted, and the first non-finite output is
 * remembered (time, variable, value, state) so the driver's error can name them. */
static void count_f(nd_stepper *s, double t, const double *x, double *dx)
{
    s->rhs_evals++;
    s->sys->f(t, x, dx, s->sys->ctx);
    if (!s->bad.seen && !all_finite(dx, s->n)) {
        size_t i = 0;
        while (i < s->n && isfinite(dx[i])) i++;
        s->bad.seen = 1;
        s->bad.t = t;
        s->bad.var = i < s->n ? i : 0;
        s->bad.value = dx[s->bad.var];
        memcpy(s->bad.x, x, s->n * sizeof *x);
    }
}

/* ---- GSL bridge ---- */
static int gsl_f(double t, const double y[], double dydt[], void *params)
{
    nd_stepper *s = params;
    count_f(s, t, y, dydt);
    return all_finite(dydt, s->n) ? GSL_SUCCESS : GSL_EBADFUNC;
}

static int gsl_jac(double t, const double y[], double *dfdy, double dfdt[], void *params)
{
    nd_stepper *s = params;
    size_t n = s->n;
    s->jac_evals++;
    nd_stepper_jacobian(s, t, y, dfdy);
    /* df/dt by central differences: the models' time dependence is through inputs only */
    double ht = 1e-6 * fmax(fabs(t), 1.0);
    double *fp = s->work, *fm = s->work + n;
    count_f(s, t + ht, y, fp);
    count_f(s, t - ht, y, fm);
    for (size_t i = 0; i < n; i++) dfdt[i] = (fp[i] - fm[i]) / (2.0 * ht);
    return all_finite(dfdy, n * n) && all_finite(dfdt, n) ? GSL_SUCCESS : GSL_EBADFUNC;
}

static const gsl_odeiv2_step_type *gsl_type(const char *name)
{
    if (strcmp(name, "rk8pd") == 0) return gsl_odeiv2_step_rk8pd;
    if (strcmp(name, "bsimp") == 0) return gsl_odeiv2_step_bsimp;
    if (strcmp(name, "msbdf") == 0) return gsl_odeiv2_step_msbdf;
    return NULL;
}

void nd_stepper_jacobian(nd_stepper *s, double t, const double *y, double *jac)
{
    if (s->sys->jac) {
        s->sys->jac(t, y, jac, s->sys->ctx);
    } else {
        nd_system_jacobian_fd(s->sys, t, y, jac, s->work + 2 * s->n);
        s->rhs_evals += 2 * (long)s->n;
    }
}

nd_status nd_stepper_alloc(const nd_method *method, const nd_system *sys, nd_stepper **out,
                           nd_error *err)
{
    *out = NULL;
    if (!method) return nd_fail(err, ND_EINVAL, "stepper: method is NULL");
    if (!sys || !sys->f || sys->n == 0) return nd_fail(err, ND_EINVAL, "stepper: empty system");
    size_t n = sys->n;
    nd_stepper *s = calloc(1, sizeof *s);
    /* k stages, ytmp, f cache, y cache, 8n scratch + (n+1)^2 x 2 for exponential Euler */
    size_t nwork = (ND_MAX_STAGES + 12) * n + 2 * (n + 1) * (n + 1) + n * n;
    if (!s || !(s->mem = calloc(nwork, sizeof(double)))) {
        free(s);
        return nd_fail(err, ND_ENOMEM, "stepper: no memory for a system of size %zu", n);
    }
    s->method = method;
    s->sys = sys;
    s->n = n;
    double *w = s->mem;
    for (int i = 0; i < ND_MAX_STAGES; i++, w += n) s->k[i] = w;
    s->ytmp = w, w += n;
    s->f_cache = w, w += n;
    s->y_cache = w, w += n;
    s->work = w, w += 8 * n; /* [0,2n) df/dt, [2n,5n) FD Jacobian, [5n,6n) yerr, [6n,7n) out */
    s->aug = w, w += (n + 1) * (n + 1);
    s->aug_exp = w, w += (n + 1) * (n + 1);
    s->jac = w, w += n * n;
    s->bad.x = w;
    gsl_set_error_handler_off(); /* GSL must return codes, never abort the host program */
    if (method->kind == ND_METHOD_GSL) {
        s->gsys = (gsl_odeiv2_system){gsl_f, gsl_jac, n, s};
        s->gstep = gsl_odeiv2_step_alloc(gsl_type(method->gsl_name), n);
        if (!s->gstep) {
            nd_stepper_free(s);
            return nd_fail(err, ND_ENOMEM, "stepper: GSL could not allocate %s", method->name);
        }
    }
    *out = s;
    return ND_OK;
}

void nd_stepper_free(nd_stepper *s)
{
    if (!s) return;
    if (s->gstep) gsl_odeiv2_step_free(s->gstep);
    free(s->mem);
    free(s);
}

void nd_stepper_reset(nd_stepper *s)
{
    s->f_cache_valid = 0;
    if (s->gstep) gsl_odeiv2_step_reset(s->gstep);
}

long nd_stepper_rhs_evals(const nd_stepper *s) { return s->rhs_evals; }

/* f(t, y) into out, reusing the cached value when (t, y) is the point it was computed at. */
static void f_at(nd_stepper *s, double t, const double *y, double *out)
{
    size_t bytes = s->n * sizeof *y;
    if (s->f_cache_valid && s->t_cache == t && memcmp(s->y_cache, y, bytes) == 0) {
        memcpy(out, s->f_cache, bytes);
        return;
    }
    count_f(s, t, y, out);
    memcpy(s->f_cache, out, bytes);
    memcpy(s->y_cache, y, bytes);
    s->t_cache = t;
    s->f_cache_valid = 1;
}

static void erk_step(nd_stepper *s, double t, double h, const double *y, double *yout,
                     double *yerr)
{
    const nd_butcher *tab = s->method->tableau;
    size_t n = s->n;
    double **k = s->k, *ys = s->ytmp;
    /* the f(t, y) cache only pays off for adaptive retries and FSAL pairs */
    if (s->method->adaptive) f_at(s, t, y, k[0]);
    else count_f(s, t, y, k[0]);
    for (int st = 1; st < tab->stages; st++) {
        for (size_t i = 0; i < n; i++) {
            double acc = 0.0;
            for (int j = 0; j < st; j++) acc = ND_MADD(tab->a[st][j], k[j][i], acc);
            ys[i] = ND_MADD(h, acc, y[i]);
        }
        count_f(s, t + tab->c[st] * h, ys, k[st]);
    }
    for (size_t i = 0; i < n; i++) {
        double acc = 0.0;
        for (int st = 0; st < tab->stages; st++) acc = ND_MADD(tab->b[st], k[st][i], acc);
        yout[i] = ND_MADD(h, acc, y[i]);
    }
    for (size_t i = 0; yerr && i < n; i++) {
        double e = 0.0;
        for (int st = 0; st < tab->stages; st++) e += (tab->b[st] - tab->bhat[st]) * k[st][i];
        yerr[i] = h * e;
    }
    if (tab->fsal) { /* the last stage is f(t + h, yout): keep it for the next step */
        memcpy(s->f_cache, k[tab->stages - 1], n * sizeof *yout);
        memcpy(s->y_cache, yout, n * sizeof *yout);
        s->t_cache = t + h;
        s->f_cache_valid = 1;
    }
}

/* y_out = y + h phi1(h J) f(y): the exponential of [[hJ, h f], [0, 0]] carries phi1(hJ) h f
 * in its last column, so one matrix exponential gives the step (exact for x' = Ax + b). */
static nd_status exp_euler_step(nd_stepper *s, double t, double h, const double *y, double *yout,
                                nd_error *err)
{
    size_t n = s->n, m = n + 1;
    double *f = s->k[0];
    f_at(s, t, y, f);
    s->jac_evals++;
    nd_stepper_jacobian(s, t, y, s->jac);
    memset(s->aug, 0, m * m * sizeof *s->aug);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) s->aug[i * m + j] = h * s->jac[i * n + j];
        s->aug[i * m + n] = h * f[i];
    }
    if (!all_finite(s->aug, m * m))
        return nd_fail(err, ND_ENONFINITE, "exponential_euler: non-finite Jacobian or RHS at t=%g", t);
    gsl_matrix_view A = gsl_matrix_view_array(s->aug, m, m);
    gsl_matrix_view E = gsl_matrix_view_array(s->aug_exp, m, m);
    int rc = gsl_linalg_exponential_ss(&A.matrix, &E.matrix, GSL_PREC_DOUBLE);
    if (rc) return nd_fail(err, ND_EFAILED, "exponential_euler: matrix exponential failed at t=%g (%s)",
                           t, gsl_strerror(rc));
    for (size_t i = 0; i < n; i++) yout[i] = y[i] + s->aug_exp[i * m + n];
    return ND_OK;
}

nd_status nd_stepper_step(nd_stepper *s, double t, double h, const double *y, double *yout,
                          double *yerr, nd_error *err)
{
    switch (s->method->kind) {
    case ND_METHOD_ERK:
        erk_step(s, t, h, y, yout, yerr);
        break;
    case ND_METHOD_EXP_EULER: {
        nd_status st = exp_euler_step(s, t, h, y, yout, err);
        if (st) return st;
        if (yerr) memset(yerr, 0, s->n * sizeof *yerr);
        break;
    }
    case ND_METHOD_GSL: {
        if (strcmp(s->method->gsl_name, "msbdf") == 0)
            return nd_fail(err, ND_EINVAL, "msbdf is a multistep method: use nd_solve, not single steps");
        memcpy(yout, y, s->n * sizeof *y);
        double *e = yerr ? yerr : s->work + 5 * s->n;
        int rc = gsl_odeiv2_step_apply(s->gstep, t, h, yout, e, NULL, NULL, &s->gsys);
        if (rc == GSL_EBADFUNC)
            return nd_fail(err, ND_ENONFINITE, "%s: the right-hand side is not finite near t=%g",
                           s->method->name, t);
        if (rc) return nd_fail(err, ND_EFAILED, "%s step failed at t=%g (%s)", s->method->name, t,
                               gsl_strerror(rc));
        break;
    }
    }
    if (!all_finite(yout, s->n))
        return nd_fail(err, ND_ENONFINITE, "the step from t=%g with h=%g gave a non-finite state", t, h);
    return ND_OK;
}

nd_status nd_stepper_apply(nd_stepper *s, double t, double h, double *y, double *yerr,
                           nd_error *err)
{
    double *out = s->work + 6 * s->n;
    nd_status st = nd_stepper_step(s, t, h, y, out, yerr, err);
    if (!st) memcpy(y, out, s->n * sizeof *y);
    return st;
}
