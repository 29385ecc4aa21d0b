/* The fast subsystem of a model as a model: slow variables become parameters, and every
 * analysis runs on it unchanged. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "neurodyn/neurodyn.h"

Test(fast_slow, hindmarsh_rose_fast_subsystem_folds_in_z)
{
    /* Hindmarsh–Rose (a=1, b=3, c=1, d=5, I=2): with z as a parameter the fast equilibria
     * satisfy y = c - d x^2 and -x^3 - 2x^2 + c + I - z = 0; the folds are the extrema of
     * z(x) = -x^3 - 2x^2 + c + I: dz/dx = -x (3x + 4) = 0 at x = 0, z = c + I = 3, and at
     * x = -4/3, z = 3 - 32/27 = 1.8148148... (the model as in Hindmarsh & Rose 1984) */
    const nd_model *hr = nd_builtin_find("hindmarsh_rose");
    int slow[3] = {0, 0, 1};
    nd_fast_subsystem fs;
    nd_error err;
    cr_assert_eq(nd_fast_subsystem_init(&fs, hr, slow, &err), ND_OK, "%s", err.msg);
    const nd_model *m = &fs.model;
    cr_expect_eq(m->n_vars, 2);
    cr_expect_str_eq(m->par_names[nd_fast_slow_par(&fs, 0)], "z");
    double p[16], lo[2] = {-3, -20}, hi[2] = {3, 5}, x[2] = {0, 0};
    nd_model_default_params(m, p);
    nd_region r = {lo, hi, NULL, x};
    nd_bif_diagram d;
    cr_assert_eq(nd_bifurcation_1d(m, p, nd_fast_slow_par(&fs, 0), 0, 4, &r, NULL, &d, &err), ND_OK, "%s", err.msg);
    double folds[2];
    size_t nf = 0;
    for (size_t b = 0; b < d.n_branches; b++)
        for (size_t s = 0; s < d.branches[b].n_special; s++)
            if (d.branches[b].special[s].test == ND_EQ_LP && nf < 2) folds[nf++] = d.branches[b].special[s].u[2];
    cr_assert_eq(nf, 2, "two folds");
    double lo_fold = fmin(folds[0], folds[1]), hi_fold = fmax(folds[0], folds[1]);
    cr_expect(fabs(hi_fold - 3.0) < 1e-9, "z_LP = %.12g, exact 3", hi_fold);
    cr_expect(fabs(lo_fold - (3.0 - 32.0 / 27.0)) < 1e-9, "z_LP = %.12g, exact %.12g", lo_fold, 3.0 - 32.0 / 27.0);
    nd_bif_diagram_free(&d);
    nd_fast_subsystem_free(&fs);
}

Test(fast_slow, slots_are_reused_and_bad_requests_refused)
{
    const nd_model *hr = nd_builtin_find("hindmarsh_rose");
    int none[3] = {0, 0, 0}, all[3] = {1, 1, 1}, slow[3] = {0, 0, 1};
    nd_fast_subsystem fs[ND_FAST_SLOTS + 1];
    nd_error err;
    cr_expect_eq(nd_fast_subsystem_init(&fs[0], hr, none, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "slow variables"), "%s", err.msg);
    cr_expect_eq(nd_fast_subsystem_init(&fs[0], hr, all, &err), ND_EINVAL);
    for (int i = 0; i < ND_FAST_SLOTS; i++) cr_assert_eq(nd_fast_subsystem_init(&fs[i], hr, slow, &err), ND_OK);
    cr_expect_eq(nd_fast_subsystem_init(&fs[ND_FAST_SLOTS], hr, slow, &err), ND_EFAILED, "all slots in use");
    /* each slot evaluates its own model: z as a parameter gives dx/dt = y - x^3 + 3x^2 - z + I */
    double x[2] = {1.0, 2.0}, p[16], dx[2];
    nd_model_default_params(&fs[3].model, p);
    p[nd_fast_slow_par(&fs[3], 0)] = 0.5;
    fs[3].model.rhs(0, x, p, dx);
    cr_expect(fabs(dx[0] - (2.0 - 1.0 + 3.0 - 0.5 + 2.0)) < 1e-14, "dx/dt = %g", dx[0]);
    for (int i = 0; i < ND_FAST_SLOTS; i++) nd_fast_subsystem_free(&fs[i]);
    cr_expect_eq(nd_fast_subsystem_init(&fs[0], hr, slow, &err), ND_OK, "a freed slot is reused");
    nd_fast_subsystem_free(&fs[0]);
}
