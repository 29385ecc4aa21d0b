/* XPPAUT .ode files as models (issue 18, items 1-2). The files in tests/data/ode were written
 * in XPPAUT's syntax for the zoo's models; each must give the zoo model's trajectory (same
 * method, step, parameters and initial state) to 1e-12, and XPPAUT's own (xppaut 6.11, Debian
 * package, `xppaut FILE -silent`, which prints 8 significant digits) to 1e-6 relative. Parser
 * errors carry FILE:LINE:COLUMN and name the construct. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli_run.h"
#include "neurodyn/neurodyn.h"

static char data_dir[1024];

static void setup(void)
{
    const char *src = getenv("ND_SRC");
    cr_assert_not_null(src, "ND_SRC must name the source tree (make test sets it)");
    snprintf(data_dir, sizeof data_dir, "%s/tests/data/ode", src);
}

TestSuite(ode, .init = setup);

static const nd_model *load(const char *file, nd_model_ref *ref)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", data_dir, file);
    nd_error err;
    cr_assert_eq(nd_model_load(path, ref, &err), ND_OK, "%s: %s", file, err.msg);
    return ref->model;
}

/* The trajectory of m at its defaults: fixed-step method, every step. */
static void run(const nd_model *m, const char *method, double dt, double t1, unsigned long long seed, nd_trajectory *tr)
{
    double p[64], x[64];
    nd_model_default_params(m, p);
    nd_model_default_state(m, x);
    nd_solve_opts o;
    nd_solve_opts_init(&o);
    o.method = method, o.dt = dt, o.seed = seed;
    nd_error err;
    memset(tr, 0, sizeof *tr);
    cr_assert_eq(nd_simulate(m, p, x, 0, t1, &o, tr, &err), ND_OK, "%s: %s", m->name, err.msg);
}

typedef struct pair {
    const char *file, *zoo, *method;
    double dt, t1;
} pair;

static const pair pairs[] = {
    {"fhn.ode", "fitzhugh_nagumo", "rk4", 0.01, 100},  {"ml.ode", "morris_lecar", "rk4", 0.05, 500},
    {"hh.ode", "hodgkin_huxley", "rk4", 0.01, 50},     {"hr.ode", "hindmarsh_rose", "rk4", 0.01, 1000},
    {"wc.ode", "wilson_cowan", "rk4", 0.01, 100},      {"izh.ode", "izhikevich", "rk4", 0.01, 200},
    {"sfhn.ode", "stochastic_fhn", "euler", 0.01, 200},
};

/* The zoo is compiled with the library, the .ode file at run time by the loader's compiler
 * ($CC or cc, GCC here). Built by GCC too, both compute the same operations: 1e-12. A library
 * built by clang rounds some operation differently in the last bit, which Hindmarsh–Rose's
 * bursts amplify over 1000 time units to 3e-11: 1e-9 then. */
#if defined(__clang__)
static const double zoo_tolerance = 1e-9;
#else
static const double zoo_tolerance = 1e-12;
#endif

Test(ode, zoo_models_written_as_ode_files_give_the_zoo_trajectories)
{
    for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
        const pair *c = &pairs[k];
        nd_model_ref ref;
        const nd_model *m = load(c->file, &ref), *z = nd_builtin_find(c->zoo);
        cr_assert_not_null(z);
        cr_assert_eq(m->n_vars, z->n_vars, "%s", c->file);
        cr_assert_eq(m->n_pars, z->n_pars, "%s", c->file);
        for (size_t i = 0; i < m->n_pars; i++) {
            cr_expect_str_eq(m->par_names[i], z->par_names[i], "%s", c->file);
            cr_expect_eq(m->par_defaults[i], z->par_defaults[i], "%s: %s", c->file, z->par_names[i]);
        }
        for (size_t i = 0; i < m->n_vars; i++) cr_expect_eq(m->init[i], z->init[i], "%s: init", c->file);
        cr_expect_eq(m->noise, z->noise, "%s: the same kind of noise", c->file);
        cr_expect_eq(m->spike != NULL, z->spike != NULL, "%s: a spike rule", c->file);
        nd_trajectory a, b;
        run(m, c->method, c->dt, c->t1, 7, &a);
        run(z, c->method, c->dt, c->t1, 7, &b);
        cr_assert_eq(a.n, b.n, "%s: %zu samples, the zoo %zu", c->file, a.n, b.n);
        double worst = 0;
        for (size_t i = 0; i < a.n * a.n_vars; i++) worst = fmax(worst, fabs(a.x[i] - b.x[i]) / (1 + fabs(b.x[i])));
        cr_expect_leq(worst, zoo_tolerance, "%s vs %s: %g", c->file, c->zoo, worst);
        nd_trajectory_free(&a), nd_trajectory_free(&b);
        nd_model_unload(&ref);
    }
}

Test(ode, fixed_points_equal_the_zoo_models)
{
    const char *const files[] = {"ml.ode", "wc.ode", "fhn.ode"}, *const zoo[] = {"morris_lecar", "wilson_cowan", "fitzhugh_nagumo"};
    for (size_t k = 0; k < 3; k++) {
        nd_model_ref ref;
        const nd_model *m = load(files[k], &ref), *z = nd_builtin_find(zoo[k]);
        double p[32], lo[2], hi[2];
        nd_model_default_params(z, p);
        for (int i = 0; i < 2; i++) lo[i] = z->var_lo[i], hi[i] = z->var_hi[i];
        nd_region r = {lo, hi, NULL, NULL};
        nd_fp_opts o;
        nd_fp_opts_init(&o);
        nd_fp_result a, b;
        nd_error err;
        cr_assert_eq(nd_fixed_points(m, p, &r, &o, &a, &err), ND_OK, "%s", err.msg);
        cr_assert_eq(nd_fixed_points(z, p, &r, &o, &b, &err), ND_OK, "%s", err.msg);
        cr_assert_eq(a.n, b.n, "%s: %zu fixed points, the zoo %zu", files[k], a.n, b.n);
        for (size_t i = 0; i < a.n; i++) {
            for (int v = 0; v < 2; v++)
                cr_expect_leq(fabs(a.points[i].x[v] - b.points[i].x[v]), 1e-12 * (1 + fabs(b.points[i].x[v])), "%s", files[k]);
            cr_expect_str_eq(a.points[i].type, b.points[i].type);
        }
        nd_fp_result_free(&a), nd_fp_result_free(&b);
        nd_model_unload(&ref);
    }
}

/* ---- XPPAUT as the reference -------------------------------------------------------------------- */
static int have_xppaut(void) { return access("/usr/bin/xppaut", X_OK) == 0; }

/* xppaut FILE -silent in a fresh folder; the rows of its output.dat into rows (n x cols). */
static size_t xppaut_rows(const char *file, const char *dir, size_t cols, double **rows)
{
    char src[1200], dst[1200];
    snprintf(src, sizeof src, "%s/%s", data_dir, file);
    snprintf(dst, sizeof dst, "%s/%s", dir, file);
    FILE *in = fopen(src, "r"), *out = fopen(dst, "w");
    cr_assert(in && out);
    for (int c; (c = fgetc(in)) != EOF;) fputc(c, out);
    fclose(in), fclose(out);
    pid_t pid = fork();
    if (pid == 0) {
        if (chdir(dir) != 0 || !freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr)) _exit(127);
        execl("/usr/bin/xppaut", "xppaut", file, "-silent", (char *)NULL);
        _exit(127);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "xppaut %s failed", file);
    char dat[1200];
    snprintf(dat, sizeof dat, "%s/output.dat", dir);
    FILE *f = fopen(dat, "r");
    cr_assert_not_null(f, "xppaut wrote no output.dat for %s", file);
    size_t n = 0, cap = 1024;
    double *r = malloc(cap * cols * sizeof *r);
    for (;;) {
        if (n == cap) r = realloc(r, (cap *= 2) * cols * sizeof *r);
        size_t got = 0;
        for (; got < cols && fscanf(f, "%lf", &r[n * cols + got]) == 1; got++) {}
        if (got < cols) break;
        int c;
        while ((c = fgetc(f)) != '\n' && c != EOF) {} /* aux columns */
        n++;
    }
    fclose(f);
    unlink(dat);
    *rows = r;
    return n;
}

Test(ode, trajectories_equal_xppaut)
{
    if (!have_xppaut()) cr_skip_test("xppaut is not installed (scripts/deps.sh installs it)");
    char dir[256];
    cli_tmpdir_make(dir);
    for (size_t k = 0; k + 2 < sizeof pairs / sizeof pairs[0]; k++) { /* not the event or noise files */
        const pair *c = &pairs[k];
        nd_model_ref ref;
        const nd_model *m = load(c->file, &ref);
        nd_trajectory a;
        run(m, c->method, c->dt, c->t1, 0, &a);
        double *x;
        size_t cols = 1 + m->n_vars, n = xppaut_rows(c->file, dir, cols, &x);
        cr_assert_eq(n, a.n, "%s: xppaut gave %zu rows, neurodyn %zu", c->file, n, a.n);
        double worst = 0;
        for (size_t i = 0; i < n; i++) {
            worst = fmax(worst, fabs(x[i * cols] - a.t[i]) / (1 + fabs(a.t[i])));
            for (size_t v = 0; v < m->n_vars; v++)
                worst = fmax(worst, fabs(x[i * cols + 1 + v] - a.x[i * m->n_vars + v]) / (1 + fabs(a.x[i * m->n_vars + v])));
        }
        cr_expect_leq(worst, 1e-6, "%s vs xppaut: %g", c->file, worst);
        free(x);
        nd_trajectory_free(&a);
        nd_model_unload(&ref);
    }
    cli_tmpdir_remove(dir);
}

/* XPPAUT applies a global event's reset at the end of the step in which the condition changed
 * sign; neurodyn at the crossing time it locates. Spikes then agree to within one step. */
Test(ode, spike_times_of_a_global_reset_agree_with_xppaut_within_a_step)
{
    if (!have_xppaut()) cr_skip_test("xppaut is not installed (scripts/deps.sh installs it)");
    char dir[256];
    cli_tmpdir_make(dir);
    nd_model_ref ref;
    const nd_model *m = load("izh.ode", &ref);
    nd_trajectory a;
    run(m, "rk4", 0.01, 200, 0, &a);
    double *x;
    size_t n = xppaut_rows("izh.ode", dir, 3, &x), spikes = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        if (x[(i + 1) * 3 + 1] - x[i * 3 + 1] > -50) continue; /* a reset in xppaut's rows */
        cr_assert_lt(spikes, a.n_events, "xppaut has more spikes than neurodyn (%zu)", a.n_events);
        double t_xpp = x[(i + 1) * 3], t_nd = a.event_t[spikes++];
        cr_expect(t_nd <= t_xpp + 1e-6 && t_nd > t_xpp - 0.01 - 1e-6, "spike %zu: neurodyn %.6f, xppaut resets at %.6f",
                  spikes, t_nd, t_xpp);
    }
    cr_expect_eq(spikes, a.n_events, "the same number of spikes: xppaut %zu, neurodyn %zu", spikes, a.n_events);
    cr_expect_geq(spikes, 4);
    free(x);
    nd_trajectory_free(&a);
    nd_model_unload(&ref);
    cli_tmpdir_remove(dir);
}

/* A file without @ xlo..yhi declares no box: analyses take the range of its trajectory
 * (nd_model_box), which must hold the model's fixed point and its spikes. */
Test(ode, a_model_without_a_box_gets_one_from_its_trajectory)
{
    nd_model_ref ref;
    const nd_model *m = load("ml.ode", &ref);
    cr_assert_null(m->var_lo, "ml.ode declares no box");
    double p[16], x[2], lo[2], hi[2];
    nd_model_default_params(m, p);
    nd_model_default_state(m, x);
    int estimated = 0;
    nd_error err;
    cr_assert_eq(nd_model_box(m, p, x, lo, hi, &estimated, &err), ND_OK, "%s", err.msg);
    cr_expect_eq(estimated, 1);
    /* the Hopf set at I = 100 spikes from about -60 mV to +40 mV (Rinzel & Ermentrout 1989);
     * its fixed point is v = -23.09, w = 0.158 (the zoo's, above) */
    cr_expect(lo[0] < -60 && hi[0] > 40, "v in %g:%g", lo[0], hi[0]);
    cr_expect(lo[0] < -23.09 && hi[0] > -23.09 && lo[1] < 0.158 && hi[1] > 0.158, "w in %g:%g", lo[1], hi[1]);
    const nd_model *z = nd_builtin_find("fitzhugh_nagumo");
    double zp[4], zx[2];
    nd_model_default_params(z, zp), nd_model_default_state(z, zx);
    cr_assert_eq(nd_model_box(z, zp, zx, lo, hi, &estimated, &err), ND_OK);
    cr_expect(estimated == 0 && lo[0] == z->var_lo[0] && hi[1] == z->var_hi[1], "a declared box is taken as it is");
    nd_model_unload(&ref);
}
