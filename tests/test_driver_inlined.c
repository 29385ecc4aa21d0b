/* The single-trajectory driver's inlined fixed steps (nd_model_kernels.drv_fixed, used by
 * nd_solve without events or spike rule) against its stepper loop, which an event that never
 * fires keeps in use: the same samples, final state, statistics and failures, bitwise. */
#include <criterion/criterion.h>
#include <dlfcn.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/neurodyn.h"

typedef struct trace {
    double buf[4096 * 5];
    long n;
    size_t nv;
} trace;

static int keep(double t, const double *x, void *ctx)
{
    trace *tr = ctx;
    if ((size_t)(tr->n + 1) * (tr->nv + 1) <= sizeof tr->buf / sizeof tr->buf[0]) {
        double *row = tr->buf + (size_t)tr->n * (tr->nv + 1);
        row[0] = t;
        memcpy(row + 1, x, tr->nv * sizeof *x);
    }
    tr->n++;
    return 0;
}

/* One run; with_stepper adds an event that never fires, which keeps the stepper loop. */
static nd_status run(const nd_model *m, const char *method, double dt, double dt_out, double t1, int with_stepper,
                     trace *tr, double *x, nd_solve_stats *st, nd_error *err)
{
    double p[32];
    nd_model_default_params(m, p);
    nd_model_default_state(m, x);
    nd_solve_opts o;
    nd_solve_opts_init(&o);
    o.method = method, o.dt = dt, o.dt_out = dt_out;
    nd_event never = {.var = 0, .level = 1e300, .direction = 1};
    if (with_stepper) o.events = &never, o.n_events = 1;
    memset(tr, 0, sizeof *tr);
    tr->nv = m->n_vars;
    o.on_sample = keep, o.ctx = tr;
    return nd_solve(m, p, 0.0, t1, x, &o, st, err);
}

static void expect_same(const char *model, const char *method, double dt, double dt_out, double t1)
{
    const nd_model *m = nd_builtin_find(model);
    cr_assert_not_null(m->kernels && m->kernels->drv_fixed ? m : NULL, "%s has no inlined steps", model);
    static trace a, b;
    double xa[16], xb[16];
    nd_solve_stats sa, sb;
    nd_error err;
    cr_assert_eq(run(m, method, dt, dt_out, t1, 0, &a, xa, &sa, &err), ND_OK, "%s", err.msg);
    cr_assert_eq(run(m, method, dt, dt_out, t1, 1, &b, xb, &sb, &err), ND_OK, "%s", err.msg);
    cr_expect_eq(a.n, b.n, "%s %s: %ld vs %ld samples", model, method, a.n, b.n);
    size_t used = (size_t)(a.n < 4096 ? a.n : 4096) * (m->n_vars + 1);
    cr_expect(a.n == b.n && memcmp(a.buf, b.buf, used * sizeof a.buf[0]) == 0, "%s %s: the samples differ", model,
              method);
    cr_expect(memcmp(xa, xb, m->n_vars * sizeof xa[0]) == 0, "%s %s: the final states differ", model, method);
    cr_expect(sa.steps == sb.steps && sa.rhs_evals == sb.rhs_evals && sa.t == sb.t,
              "%s %s: steps %ld/%ld, evaluations %ld/%ld", model, method, sa.steps, sb.steps, sa.rhs_evals,
              sb.rhs_evals);
}

Test(driver_inlined, equals_the_stepper_loop)
{
    const char *methods[] = {"rk4", "euler", "heun3", "rk4_38rule"};
    for (int k = 0; k < 4; k++) {
        expect_same("hh", methods[k], 0.01, 0.5, 50.0);         /* samples every 50 steps */
        expect_same("morris_lecar", methods[k], 0.05, 0.0, 20.0); /* a sample after every step */
        expect_same("inap_ik", methods[k], 0.01, 0.07, 9.995);  /* t1 off the grid: a clipped last step */
        expect_same("lorenz", methods[k], 0.001, 1.0, 5.0);
    }
}

Test(driver_inlined, without_samples_equals_the_stepper_loop)
{
    /* no callback: the whole run in one inlined loop */
    const nd_model *m = nd_builtin_find("hh");
    double p[8], xa[4], xb[4];
    nd_model_default_params(m, p);
    nd_solve_opts o;
    nd_solve_opts_init(&o);
    o.method = "rk4", o.dt = 0.01;
    nd_solve_stats sa, sb;
    nd_error err;
    nd_model_default_state(m, xa);
    cr_assert_eq(nd_solve(m, p, 0.0, 100.0, xa, &o, &sa, &err), ND_OK, "%s", err.msg);
    nd_event never = {.var = 0, .level = 1e300, .direction = 1};
    o.events = &never, o.n_events = 1;
    nd_model_default_state(m, xb);
    cr_assert_eq(nd_solve(m, p, 0.0, 100.0, xb, &o, &sb, &err), ND_OK, "%s", err.msg);
    cr_expect(memcmp(xa, xb, sizeof xa) == 0 && sa.steps == sb.steps && sa.rhs_evals == sb.rhs_evals);
    cr_expect_eq(sa.steps, 10000);
}

Test(driver_inlined, a_blow_up_is_diagnosed_as_before)
{
    /* Lorenz with a far too large step overflows: the same error, at the same step */
    const nd_model *m = nd_builtin_find("lorenz");
    static trace a, b;
    double xa[3], xb[3];
    nd_solve_stats sa, sb;
    nd_error ea, eb;
    nd_status ra = run(m, "rk4", 0.2, 0.0, 200.0, 0, &a, xa, &sa, &ea);
    nd_status rb = run(m, "rk4", 0.2, 0.0, 200.0, 1, &b, xb, &sb, &eb);
    cr_assert_eq(ra, ND_ENONFINITE);
    cr_expect_eq(ra, rb);
    cr_expect_str_eq(ea.msg, eb.msg);
    cr_expect_eq(a.n, b.n);
}

Test(driver_inlined, max_steps_is_kept)
{
    const nd_model *m = nd_builtin_find("fhn");
    double p[4], x[2];
    nd_model_default_params(m, p);
    nd_model_default_state(m, x);
    nd_solve_opts o;
    nd_solve_opts_init(&o);
    o.method = "rk4", o.dt = 0.01, o.max_steps = 1000;
    nd_error err;
    cr_expect_eq(nd_solve(m, p, 0.0, 100.0, x, &o, NULL, &err), ND_EMAXSTEPS);
}

Test(driver_inlined, evaluates_only_the_side_a_select_picks)
{
    /* The driver's steps and the plain RHS come from the model file's scalar pass (kernels.h,
     * model.h: ND_SCALAR_PASS), where ND_SELECT is a real conditional; the lanes of the main
     * pass compute both sides. A user model compiled by the loader counts the calls of the side
     * never picked (x stays positive): none in 1000 driver steps or in a call of the plain RHS,
     * one per lane and stage in an ensemble. The counter is the main pass's; the scalar pass
     * refers to it, so it cannot count in a copy of its own. */
    char dir[] = "/tmp/nd-lazy-XXXXXX", path[64], cache[64];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(cache, sizeof cache, "%s/cache", dir);
    setenv("NEURODYN_CACHE", cache, 1);
    snprintf(path, sizeof path, "%s/lazy.c", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("#include <neurodyn/model.h>\n"
          "#ifdef ND_SCALAR_PASS\n"
          "extern long unpicked_calls;\n"
          "#else\n"
          "long unpicked_calls;\n"
          "#endif\n"
          "static double counted(double v) { unpicked_calls++; return v; }\n"
          "ND_RHS(lazy) { dxdt[0] = ND_SELECT(x[0] > -1.0, -p[0] * x[0], counted(-x[0])); }\n"
          "ND_KERNELS(lazy, 1, 1)\n"
          "static const char *const v[] = {\"x\"}, *const pn[] = {\"k\"};\n"
          "static const double d[] = {1.0}, i0[] = {1.0};\n"
          "static const nd_model m = {.name = \"lazy\", .n_vars = 1, .n_pars = 1, .var_names = v,\n"
          "    .par_names = pn, .par_defaults = d, .init = i0, .rhs = lazy_rhs, .kernels = &lazy_kernels};\n"
          "ND_EXPORT_MODEL(m)\n",
          f);
    fclose(f);
    nd_model_ref ref;
    nd_error err;
    cr_assert_eq(nd_model_load(path, &ref, &err), ND_OK, "%s", err.msg);
    long *calls = dlsym(ref.handle, "unpicked_calls");
    cr_assert_not_null(calls);
    double x = 1.0, p = 1.0, dx;
    nd_solve_opts o;
    nd_solve_opts_init(&o);
    o.method = "rk4", o.dt = 0.01;
    cr_assert_eq(nd_solve(ref.model, &p, 0.0, 10.0, &x, &o, NULL, &err), ND_OK, "%s", err.msg);
    cr_expect_eq(*calls, 0, "the driver computed the unpicked side %ld times", *calls);
    cr_expect_float_eq(x, exp(-10.0), 1e-9); /* RK4's error at h = 0.01: ~1e-12 relative */
    ref.model->rhs(0.0, &x, &p, &dx);
    cr_expect_eq(*calls, 0, "the plain RHS is the main pass's: it computed the unpicked side");
    nd_ensemble_opts eo;
    nd_ensemble_opts_init(&eo);
    eo.method = "rk4", eo.t1 = 0.1, eo.dt = 0.01, eo.device = ND_DEVICE_CPU, eo.event_var = -1, eo.keep_minmax = 0;
    double P[3] = {1.0, 1.0, 1.0}, X[3] = {1.0, 1.0, 1.0};
    nd_ensemble_result r;
    cr_assert_eq(nd_ensemble_run(ref.model, 3, P, 3, X, 3, &eo, &r, &err), ND_OK, "%s", err.msg);
    cr_expect_eq(*calls, 3 * 4 * 10, "the lanes' select: %ld calls of the unpicked side, 120 expected", *calls);
    nd_ensemble_result_free(&r);
    nd_model_unload(&ref);
    unsetenv("NEURODYN_CACHE");
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}
