/* The .ode reader on XPPAUT's syntax and on malformed files (issue 18, items 1-2): every
 * statement form real files use, XPPAUT's built-in functions with XPPAUT's values, and an error
 * with FILE:LINE:COLUMN and the construct's name for every file that cannot be translated. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_exec.h"
#include "cli_run.h"
#include "neurodyn/neurodyn.h"

static char *translate(const char *text, nd_error *err)
{
    char *c = NULL;
    nd_status st = nd_ode_translate_text(text, "m.ode", "m", &c, err);
    if (st) return NULL;
    return c;
}

/* A file that must fail with message "m.ode:LINE:COL: ..." containing `says`. */
static void refused(const char *text, int line, int col, const char *says)
{
    nd_error err;
    char *c = translate(text, &err);
    cr_assert_null(c, "translated, though it should fail: %s", text);
    free(c);
    char where[64];
    snprintf(where, sizeof where, "m.ode:%d:%d: ", line, col);
    cr_expect_eq(err.code, ND_EINVAL, "%s", err.msg);
    cr_expect(strncmp(err.msg, where, strlen(where)) == 0, "expected '%s...', got '%s'", where, err.msg);
    cr_expect(strstr(err.msg, says), "expected it to say '%s': %s", says, err.msg);
}

Test(ode_parser, unsupported_constructs_are_refused_by_name)
{
    refused("x'=-x\ntable f tab.dat\n", 2, 1, "'table' is not supported");
    refused("x'=-x\nmarkov z 2\n", 2, 1, "'markov' is not supported");
    refused("x'=-x+delay(x,1)\n", 1, 7, "'delay(...)' is not supported");
    refused("x[1..3]'=-x[j]\n", 1, 1, "arrays");
    refused("x(t+1)=x(t)/2\n", 1, 1, "maps");
    refused("x(t)=1+int{exp(-t)#x}\n", 1, 1, "Volterra");
    refused("x'=-x\n0=x+y\n", 2, 1, "algebraic equations");
    refused("x'=-x\nbdry x-1\n", 2, 1, "'bdry' is not supported");
}

Test(ode_parser, mistakes_are_located)
{
    refused("par a=1\nx' = -a*x + besselj(1, x)\n", 2, 13, "'besselj(...)' is not supported");
    refused("x' = -k*x\n", 1, 7, "unknown name 'k'");
    refused("x' = -x + foo(x)\n", 1, 11, "unknown function 'foo'");
    refused("par a=1, b=two\nx'=-x\n", 1, 12, "'two' is not a number");
    refused("x' = (x + 1\n", 1, 12, "')' expected");
    refused("x' = x +\n", 1, 9, "ends too early");
    refused("x' = -x\nx' = x\n", 2, 1, "'x' is already declared (line 1)");
    refused("par X=1\nx' = -x\n", 2, 1, "'x' is already declared"); /* names are case-insensitive */
    refused("t' = 1\n", 1, 1, "built-in name");
    refused("init y=1\nx'=-x\n", 1, 6, "'y' is not a variable");
    refused("f(a,b) = a+b\nx' = f(x)\n", 2, 9, "'f' takes 2 arguments");
    refused("u = v + 1\nv = 2\nx' = u - x\n", 1, 5, "'v' is used before it is defined");
    refused("x' = -x\nwiener w\ny' = x*w*w\n", 3, 6, "must enter linearly");
    refused("x' = exp(w)\nwiener w\n", 1, 6, "must enter linearly");
    refused("x' = -x\naux a = x\ny' = a\n", 3, 6, "auxiliary quantity 'a' is an output");
    refused("par th=1\nx' = 1\nglobal 1 x*x-th {x=0}\n", 3, 10, "the condition must be 'variable - threshold'");
    refused("par th=1\nx' = 1\nglobal -1 x-th {x=0}\n", 3, 1, "only upward crossings");
    refused("x' = -x\n@ total=10, meth=discrete\n", 2, 18, "maps (discrete systems) are not supported");
    refused("x' = -x\n@ meth=leapfrog\n", 2, 8, "not one of XPPAUT's methods");
}

Test(ode_parser, no_equation_is_an_error)
{
    nd_error err;
    char *c = translate("# nothing\npar a=1\ndone\n", &err);
    cr_assert_null(c);
    cr_expect(strstr(err.msg, "no differential equation"), "%s", err.msg);
}

Test(ode_parser, statement_forms_of_real_files)
{
    const char *text = "# a comment\n"
                       "\" a tutorial line in quotes, skipped\n"
                       "PARAM a=1 , b = 2  c=3\n"
                       "p d=4\n"
                       "number k2=0.5\n"
                       "!e = a*k2 + d\n"
                       "g(u,v)=u*v + b\n"
                       "s = g(X, y) - c\n"
                       "dx/dt = -a*x + \\\n"
                       "        s*0  # a continuation line and a trailing comment\n"
                       "y' = e - y\n"
                       "x(0)=2\n"
                       "i y=3\n"
                       "aux total = x + y\n"
                       "set fast {a=10}\n"
                       "@ total=40, dt=.05, meth=rk4, xp=x, yp=y, xlo=-1, xhi=5, ylo=0, yhi=8, parmin=0, parmax=2\n"
                       "done\n"
                       "this line is after done and never read\n";
    nd_error err;
    char *c = translate(text, &err);
    cr_assert_not_null(c, "%s", err.msg);
    cr_expect(strstr(c, "dxdt[0] = -p[0] * x[0] + f0 * 0.0;"), "%s", c);
    cr_expect(strstr(c, "const nd_real f0 = ode_fn_0(p, x[0], x[1]) - p[2];"), "%s", c);
    cr_expect(strstr(c, "ode_derived_0(ND_UNUSED const nd_real *ND_RESTRICT p) { return p[0] * 0.5 + p[3]; }"), "%s", c);
    cr_expect(strstr(c, "static const double init[] = {2, 3};"), "%s", c);
    cr_expect(strstr(c, "static const char *const par_names[] = {\"a\", \"b\", \"c\", \"d\"};"), "%s", c);
    cr_expect(strstr(c, ".t_sim = 40,"), "%s", c);
    cr_expect(strstr(c, "var_lo[] = {-1, 0}, var_hi[] = {5, 8}"), "%s", c);
    cr_expect(strstr(c, ".bif_lo = 0,") && strstr(c, ".bif_hi = 2,"), "%s", c);
    cr_expect(strstr(c, ".method = \"rk4\",") && strstr(c, ".dt = 0.050000000000000003,"), "%s", c);
    free(c);
    c = translate("x' = -x\n@ meth=9\n", &err); /* XPPAUT's method numbers: 9 is stiff */
    cr_assert_not_null(c, "%s", err.msg);
    cr_expect(strstr(c, ".method = \"bsimp\","), "%s", c);
    free(c);
}

/* text written to DIR/name */
static void write_file(const char *dir, const char *name, const char *text)
{
    char path[600];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

/* The .ode text written to DIR/name and loaded (compiled through the cache). */
static const nd_model *load_text(const char *dir, const char *name, const char *text, nd_model_ref *ref)
{
    char path[600];
    write_file(dir, name, text);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    nd_error err;
    cr_assert_eq(nd_model_load(path, ref, &err), ND_OK, "%s: %s", name, err.msg);
    return ref->model;
}

/* XPPAUT's functions, with the values xppaut 6.11 prints for them (fns.ode run with -silent):
 * heav(0) = 1, heav(-1e-9) = 0, mod(-1,3) = 2, mod(7.5,2) = 1.5, sign(0) = 0, flr(-0.5) = -1,
 * -2^2 = -4, (1<2)+(2<=2)*10+(3==3)*100 = 111, (1>0)&(0>1) = 0, (1>0)|(0>1) = 1,
 * if(0<1)then(5)else(6) = 5, max(1,2)+min(3,4)*10 = 32, atan2(1,2) = 0.4636476, not(0) = 1. */
Test(ode_parser, builtin_functions_give_xppauts_values)
{
    static const char *const exprs[] = {"heav(0)",   "heav(-1e-9)", "mod(-1,3)", "mod(7.5,2)",
                                        "sign(0)",   "flr(-0.5)",   "-2^2",      "(1<2)+(2<=2)*10+(3==3)*100",
                                        "(1>0)&(0>1)", "(1>0)|(0>1)", "if(0<1)then(5)else(6)",
                                        "max(1,2)+min(3,4)*10", "atan2(1,2)", "not(0)", "2**3 + 2^0.5",
                                        "ln(exp(2)) + log10(100) + abs(-3)", "1/3"};
    static const double want[] = {1, 0, 2, 1.5, 0, -1, -4, 111, 0, 1, 5, 32, 0.46364760900080611, 1,
                                  8 + 1.4142135623730951, 7, 1.0 / 3.0};
    size_t n = sizeof want / sizeof want[0];
    char dir[256], text[2048] = "";
    cli_tmpdir_make(dir);
    for (size_t i = 0; i < n; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "x%zu' = %s\n", i, exprs[i]);
    nd_model_ref ref;
    load_text(dir, "fns.ode", text, &ref);
    double x[32] = {0}, p[1] = {0}, dx[32];
    ref.model->rhs(0, x, p, dx);
    for (size_t i = 0; i < n; i++) cr_expect_leq(fabs(dx[i] - want[i]), 1e-15, "%s = %.17g, not %.17g", exprs[i], dx[i], want[i]);
    nd_model_unload(&ref);
    cli_tmpdir_remove(dir);
}

Test(ode_parser, wiener_variables_become_the_diffusion_term)
{
    char dir[256];
    cli_tmpdir_make(dir);
    nd_model_ref ref;
    const nd_model *m = load_text(dir, "noisy.ode", "par s=0.3, q=2\nwiener w1, w2\nnz = q*w2\nx' = -x + s*w1\ny' = x - y + nz - w1/4\n", &ref);
    cr_expect_eq(m->noise, ND_NOISE_GENERAL);
    cr_expect_eq(m->n_noise, 2);
    double x[2] = {0.5, -1}, p[2] = {0.3, 2}, g[4], dx[2];
    m->diffusion(0, x, p, g);
    m->rhs(0, x, p, dx);
    const double want_g[4] = {0.3, 0, -0.25, 2}; /* rows: x, y; columns: w1, w2 */
    for (int i = 0; i < 4; i++) cr_expect_leq(fabs(g[i] - want_g[i]), 1e-15, "g[%d] = %g", i, g[i]);
    cr_expect_eq(dx[0], -0.5, "the drift has no noise");
    cr_expect_eq(dx[1], 1.5);
    nd_model_unload(&ref);
    cli_tmpdir_remove(dir);
}

Test(ode_parser, random_functions_are_repeatable)
{
    char dir[256];
    cli_tmpdir_make(dir);
    nd_model_ref ref;
    load_text(dir, "rnd.ode", "x' = ran(1)\ny' = normal(0, 1)\n", &ref);
    double x[2] = {0}, a[2], b[2], sum = 0, sum2 = 0;
    ref.model->rhs(1.5, x, NULL, a);
    ref.model->rhs(1.5, x, NULL, b);
    cr_expect(a[0] == b[0] && a[1] == b[1], "a function of t: the same values at the same time");
    for (int k = 0; k < 20000; k++) {
        ref.model->rhs(0.01 * k, x, NULL, a);
        cr_assert(a[0] >= 0 && a[0] < 1);
        sum += a[1], sum2 += a[1] * a[1];
    }
    cr_expect_leq(fabs(sum / 20000), 0.03, "normal(0,1) has mean 0: %g", sum / 20000);
    cr_expect_leq(fabs(sum2 / 20000 - 1), 0.05, "and variance 1: %g", sum2 / 20000);
    nd_model_unload(&ref);
    cli_tmpdir_remove(dir);
}

/* ---- through the command line ------------------------------------------------------------------ */
Test(ode_parser, the_cli_refuses_a_bad_file_with_its_location)
{
    char dir[256];
    cli_tmpdir_make(dir);
    write_file(dir, "bad.ode", "par a=1\n# a comment\n\nx' = -a*x + delay(x, 2)\n");
    static cli_exec_result r;
    const char *const args[] = {"simulate", "bad.ode", "--t1", "1", NULL};
    cli_exec(dir, 0, args, &r);
    cr_expect_eq(r.status, 2, "%s", r.err);
    cr_expect(strstr(r.err, "neurodyn simulate: bad.ode:4:13: 'delay(...)' is not supported"), "%s", r.err);
    cli_tmpdir_remove(dir);
}

Test(ode_parser, simulate_writes_aux_outputs_and_uses_the_files_method)
{
    char dir[256];
    cli_tmpdir_make(dir);
    write_file(dir, "decay.ode", "par k=0.5\nx' = -k*x\naux twice = 2*x\ninit x=1\n@ meth=euler, dt=0.1, total=1\ndone\n");
    static cli_exec_result r;
    const char *const args[] = {"simulate", "decay.ode", "--t1", "0.2", NULL};
    cli_exec(dir, 0, args, &r);
    cr_assert_eq(r.status, 0, "%s", r.err);
    /* explicit Euler with dt 0.1: x = 1, 0.95, 0.9025 */
    cr_expect_str_eq(r.out, "t\tx\ttwice\n0\t1\t2\n0.1\t0.95\t1.9\n0.2\t0.9025\t1.805\n");
    const char *const info[] = {"info", "decay.ode", "--json", NULL};
    cli_exec(dir, 0, info, &r);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_expect(strstr(r.out, "\"outputs\": [\"twice\"]") && strstr(r.out, "\"method\": \"euler\"") && strstr(r.out, "\"dt\": 0.1"),
              "%s", r.out);
    cli_tmpdir_remove(dir);
}

Test(ode_parser, report_runs_on_an_ode_file_with_its_own_step)
{
    /* regression: report sampled every t1/20000 = 0.025 while the file's @ dt=0.05 made
     * simulate fixed-step: "sample interval must be a multiple of dt", a failed step */
    char dir[256], path[1200];
    cli_tmpdir_make(dir);
    snprintf(path, sizeof path, "%s/tests/data/ode/ml.ode", getenv("ND_SRC"));
    static cli_exec_result r;
    const char *const args[] = {"report", path, "--outdir", "R", "--quiet", NULL};
    cli_exec(dir, 0, args, &r);
    cr_expect_eq(r.status, 0, "%s", r.err);
    snprintf(path, sizeof path, "%s/R/summary.json", dir);
    json_t *sum = json_load_file(path, 0, NULL), *step;
    cr_assert_not_null(sum, "%s", path);
    size_t i;
    json_array_foreach(json_object_get(sum, "steps"), i, step)
    {
        const char *st = json_string_value(json_object_get(step, "status"));
        cr_expect(st && strcmp(st, "ok") == 0, "step %s: %s", json_string_value(json_object_get(step, "step")), st);
    }
    json_decref(sum);
    cli_tmpdir_remove(dir);
}
