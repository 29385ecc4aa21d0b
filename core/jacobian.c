/* Jacobians: the model's analytic one, or central finite differences. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/core.h"

static void model_f(double t, const double *x, double *dxdt, void *ctx)
{
    const nd_model_system *ms = ctx;
    ms->model->rhs(t, x, ms->p, dxdt);
}

static void model_jac(double t, const double *x, double *jac, void *ctx)
{
    const nd_model_system *ms = ctx;
    ms->model->jac(t, x, ms->p, jac);
}

void nd_system_from_model(nd_model_system *ms, const nd_model *m, const double *p)
{
    ms->model = m;
    ms->p = p;
    ms->sys.n = m->n_vars;
    ms->sys.f = model_f;
    ms->sys.jac = m->jac ? model_jac : NULL;
    ms->sys.ctx = ms;
}

/* Central differences with the step cbrt(eps) * max(|x_j|, step_floor_j), which balances
 * truncation O(h^2) and rounding O(eps/h) on the scale of x_j; step_floor NULL: 1. */
static void jacobian_central(const nd_system *sys, double t, const double *x, const double *step_floor, double *jac,
                             double *work)
{
    size_t n = sys->n;
    double *xs = work, *fp = work + n, *fm = work + 2 * n;
    const double rel = cbrt(DBL_EPSILON);
    memcpy(xs, x, n * sizeof *xs);
    for (size_t j = 0; j < n; j++) {
        double h = rel * fmax(fabs(x[j]), step_floor ? step_floor[j] : 1.0);
        volatile double xp = x[j] + h, xm = x[j] - h; /* the steps actually taken */
        xs[j] = xp;
        sys->f(t, xs, fp, sys->ctx);
        xs[j] = xm;
        sys->f(t, xs, fm, sys->ctx);
        xs[j] = x[j];
        double span = xp - xm;
        for (size_t i = 0; i < n; i++) jac[i * n + j] = (fp[i] - fm[i]) / span;
    }
}

void nd_system_jacobian_fd(const nd_system *sys, double t, const double *x, double *jac, double *work)
{
    jacobian_central(sys, t, x, NULL, jac, work);
}

static nd_status check_finite(const nd_model *m, const double *jac, const char *how, nd_error *err)
{
    size_t n = m->n_vars;
    for (size_t i = 0; i < n * n; i++)
        if (!isfinite(jac[i]))
            return nd_fail(err, ND_ENONFINITE, "%s Jacobian entry d(d%s/dt)/d%s of model %s is %g",
                           how, m->var_names[i / n], m->var_names[i % n], m->name, jac[i]);
    return ND_OK;
}

nd_status nd_jacobian_fd(const nd_model *m, double t, const double *x, const double *p,
                         double *jac, nd_error *err)
{
    size_t n = m->n_vars;
    double stack[48];
    double *work = n <= 16 ? stack : malloc(3 * n * sizeof *work);
    if (!work) return nd_fail(err, ND_ENOMEM, "finite-difference Jacobian: no memory for n = %zu", n);
    /* the step's floor in the model's units: a hundredth of each variable's box where the
     * model declares one (so a model in volts and the same model in mV take the same steps),
     * else 1 */
    double floor_stack[16] = {0}, *step_floor = n <= 16 ? floor_stack : malloc(n * sizeof *step_floor);
    if (!step_floor) {
        if (work != stack) free(work);
        return nd_fail(err, ND_ENOMEM, "finite-difference Jacobian: no memory for n = %zu", n);
    }
    for (size_t j = 0; j < n; j++) {
        double w = m->var_lo && m->var_hi ? m->var_hi[j] - m->var_lo[j] : NAN;
        step_floor[j] = isfinite(w) && w > 0 ? 0.01 * w : 1.0;
    }
    nd_model_system ms;
    nd_system_from_model(&ms, m, p);
    jacobian_central(&ms.sys, t, x, step_floor, jac, work);
    if (step_floor != floor_stack) free(step_floor);
    if (work != stack) free(work);
    return check_finite(m, jac, "finite-difference", err);
}

nd_status nd_jacobian(const nd_model *m, double t, const double *x, const double *p, double *jac,
                      nd_error *err)
{
    if (!m->jac) return nd_jacobian_fd(m, t, x, p, jac, err);
    m->jac(t, x, p, jac);
    return check_finite(m, jac, "analytic", err);
}
