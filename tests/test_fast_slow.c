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

/* The fast subsystem of Hindmarsh–Rose (z as parameter) at z, simulated from next to its upper
 * equilibrium (an unstable focus inside the spiking cycle while that exists; the lower node is
 * stable too, so a start elsewhere may rest): 1 if it still spikes after t = 3000 (the range of
 * x stays above 1), 0 if it has come to rest. */
static int fast_subsystem_spikes(double z)
{
    const nd_model *hr = nd_builtin_find("hindmarsh_rose");
    int slow[3] = {0, 0, 1};
    nd_fast_subsystem fs;
    nd_error err;
    cr_assert_eq(nd_fast_subsystem_init(&fs, hr, slow, &err), ND_OK, "%s", err.msg);
    double xe = 1.0; /* the largest root of -x^3 - 2x^2 + 3 - z, by Newton */
    for (int i = 0; i < 50; i++) xe -= (-xe * xe * xe - 2 * xe * xe + 3 - z) / (-3 * xe * xe - 4 * xe);
    double p[16], x[2] = {xe + 0.01, 1 - 5 * xe * xe};
    nd_model_default_params(&fs.model, p);
    p[nd_fast_slow_par(&fs, 0)] = z;
    nd_solve_opts o;
    nd_solve_opts_init(&o);
    o.rtol = 1e-9, o.atol = 1e-11;
    cr_assert_eq(nd_solve(&fs.model, p, 0, 2000, x, &o, NULL, &err), ND_OK, "%s", err.msg);
    nd_trajectory tr;
    o.dt_out = 0.05;
    cr_assert_eq(nd_simulate(&fs.model, p, x, 2000, 3000, &o, &tr, &err), ND_OK, "%s", err.msg);
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < tr.n; i++) lo = fmin(lo, tr.x[2 * i]), hi = fmax(hi, tr.x[2 * i]);
    nd_trajectory_free(&tr);
    nd_fast_subsystem_free(&fs);
    return hi - lo > 1.0;
}

Test(fast_slow, hindmarsh_rose_is_a_fold_homoclinic_burster)
{
    /* Hindmarsh–Rose with the paper's parameters and I = 2 is Izhikevich's (2000, Int. J.
     * Bifurcation Chaos 10:1171, sec. 4 and fig. 28) fold/homoclinic ("square-wave") burster:
     * bursts begin where the lower branch of rest states ends at the fold z = 49/27 and end
     * where the spiking cycle meets the saddle (homoclinic orbit). */
    const nd_model *hr = nd_builtin_find("hindmarsh_rose");
    double p[8];
    nd_model_default_params(hr, p);
    nd_fs_opts o;
    nd_fs_opts_init(&o);
    o.slow_lo = 1.0, o.slow_hi = 3.3;
    nd_fast_slow d;
    nd_error err;
    cr_assert_eq(nd_fast_slow_analyse(hr, p, &o, &d, &err), ND_OK, "%s", err.msg);
    cr_expect_eq(d.activity, ND_FS_BURSTING);
    cr_expect_str_eq(d.burster, "fold/homoclinic", "note: %s", d.note);
    cr_assert(d.onset_special >= 0 && d.end_special >= 0);
    const nd_fs_special *on = &d.special[d.onset_special], *end = &d.special[d.end_special];
    cr_expect_str_eq(on->type, "LP");
    cr_expect(fabs(on->slow - 49.0 / 27.0) < 1e-9, "onset fold at z = %.12g, exact 49/27", on->slow);
    cr_expect(fabs(on->x + 4.0 / 3.0) < 1e-7, "fold at x = %.12g, exact -4/3", on->x);
    cr_expect_str_eq(end->type, "HC");
    /* a burst of this model has 9 spikes (measured here, stable over the window: every burst
     * alike) and the last spike comes just before the homoclinic point */
    cr_expect(fabs(d.spikes_per_burst - 9.0) < 1e-12, "%g spikes per burst", d.spikes_per_burst);
    cr_expect(d.end_slow < end->slow && end->slow - d.end_slow < 0.02, "last spike at z = %g, HC at %g", d.end_slow, end->slow);
    /* independent check of the homoclinic point by simulation of the fast subsystem (to 5e-4): the
     * spiking cycle exists just below it and not just above it */
    cr_expect(fast_subsystem_spikes(end->slow - 0.0005), "spikes below z_HC = %g", end->slow);
    cr_expect(!fast_subsystem_spikes(end->slow + 0.0005), "rests above z_HC = %g", end->slow);
    /* the period grows towards the homoclinic orbit */
    cr_expect(end->period > 150, "period %g at the homoclinic end", end->period);
    /* the slow nullcline is z = s (x - x_r) = 4 (x + 1.6) (dz/dt = r (s (x - x_r) - z)) */
    cr_assert(d.n_nullcline >= 1);
    for (size_t c = 0; c < d.n_nullcline; c++)
        for (size_t i = 0; i < d.nullcline[c].n; i++)
            cr_expect(fabs(d.nullcline[c].x[i] - 4.0 * (d.nullcline[c].y[i] + 1.6)) < 1e-8, "(%g, %g)", d.nullcline[c].x[i],
                      d.nullcline[c].y[i]);
    nd_fast_slow_free(&d);
}

Test(fast_slow, tonic_spiking_and_bad_requests)
{
    const nd_model *hr = nd_builtin_find("hindmarsh_rose");
    double p[8];
    nd_model_default_params(hr, p);
    nd_fs_opts o;
    nd_fs_opts_init(&o);
    nd_fast_slow d;
    nd_error err;
    /* I = 3.5 (Hindmarsh & Rose's large-current regime): z settles where the spiking cycle is
     * the only attractor, so the model fires tonically and there is no burster class */
    p[7] = 3.5;
    o.slow_lo = 1.0, o.slow_hi = 4.0, o.cycles = 0;
    cr_assert_eq(nd_fast_slow_analyse(hr, p, &o, &d, &err), ND_OK, "%s", err.msg);
    cr_expect_eq(d.activity, ND_FS_TONIC, "activity %d, %zu spikes, %zu bursts", d.activity, d.n_spikes, d.n_bursts);
    cr_expect_str_eq(d.burster, "");
    nd_fast_slow_free(&d);
    p[7] = 2.0;
    const nd_model *fhn = nd_builtin_find("fitzhugh_nagumo");
    double pf[8];
    nd_model_default_params(fhn, pf);
    nd_fs_opts_init(&o);
    cr_expect_eq(nd_fast_slow_analyse(fhn, pf, &o, &d, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "declares no slow variable"), "%s", err.msg);
    o.slow = 2, o.slow_lo = 2, o.slow_hi = 1;
    cr_expect_eq(nd_fast_slow_analyse(hr, p, &o, &d, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "range of z"), "%s", err.msg);
    nd_fs_opts_init(&o);
    o.t1 = 100, o.transient = 200;
    cr_expect_eq(nd_fast_slow_analyse(hr, p, &o, &d, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "transient"), "%s", err.msg);
}

Test(fast_slow, fitzhugh_rinzel_is_a_subhopf_fold_cycle_burster)
{
    /* FitzHugh–Rinzel at I = 0.3125 is Izhikevich's (2000) elliptic "subHopf/fold cycle"
     * burster (Rinzel 1987; Shilnikov, Scholarpedia "Routes into bursting"). Its fast subsystem
     * is FitzHugh–Nagumo (a = 0.7, b = 0.8, tau = 1/0.08) with the current I + y, so its Hopf
     * point lies at y = I_H - I with I_H = -(V - V^3/3) + (V + a)/b, V = -sqrt(1 - b/tau)
     * (trace zero), subcritical; the fold of cycles at y = I_LPC - I, I_LPC = 0.324178522504 the
     * FitzHugh–Nagumo fold of cycles in Iext that `bifurcation fhn --cycles` reports (the same
     * continuation in another parametrisation: this checks the fast subsystem's construction). */
    const nd_model *m = nd_builtin_find("fitzhugh_rinzel");
    cr_assert_not_null(m);
    double p[7];
    nd_model_default_params(m, p);
    nd_fast_slow d;
    nd_error err;
    cr_assert_eq(nd_fast_slow_analyse(m, p, NULL, &d, &err), ND_OK, "%s", err.msg);
    cr_expect_eq(d.activity, ND_FS_BURSTING);
    cr_expect_str_eq(d.burster, "subHopf/fold cycle", "note: %s", d.note);
    cr_assert(d.onset_special >= 0 && d.end_special >= 0);
    const nd_fs_special *h = &d.special[d.onset_special], *lpc = &d.special[d.end_special];
    double V = -sqrt(1 - 0.8 * 0.08), IH = -(V - V * V * V / 3) + (V + 0.7) / 0.8;
    cr_expect_str_eq(h->type, "H");
    cr_expect(fabs(h->slow - (IH - 0.3125)) < 1e-8, "y_H = %.12g, exact %.12g", h->slow, IH - 0.3125);
    cr_expect(h->l1 > 0, "subcritical: l1 = %g", h->l1);
    cr_expect_str_eq(lpc->type, "LPC");
    cr_expect(fabs(lpc->slow - (0.324178522504 - 0.3125)) < 1e-7, "y_LPC = %.12g", lpc->slow);
    /* bursts begin after the Hopf point (delayed loss of stability) and end at the fold */
    cr_expect(d.onset_slow > h->slow && d.onset_slow - h->slow < 0.005, "onset at y = %g", d.onset_slow);
    cr_expect(fabs(d.end_slow - lpc->slow) < 1e-3, "end at y = %g", d.end_slow);
    /* the bursts span 0.013 of y's box of 2: the default range is narrowed around them, not the
     * box (regression: a rule meant for models at rest widened it to the box, and the figure
     * squeezed the bursts into one column) */
    cr_expect_eq(d.range_source, ND_FS_RANGE_TRAJECTORY, "%s", d.range_note);
    cr_expect(d.slow_hi - d.slow_lo < 0.2, "range %g:%g", d.slow_lo, d.slow_hi);
    nd_fast_slow_free(&d);
}

Test(fast_slow, a_resting_model_keeps_the_box_and_is_quiescent)
{
    /* Hindmarsh–Rose at I = 0.5 rests (regression: the default slow range collapsed onto the
     * resting point, 2e-5 wide, and the diagram was empty; with the start's one spike counted
     * the activity was "tonic spiking") */
    const nd_model *hr = nd_builtin_find("hindmarsh_rose");
    double p[8];
    nd_model_default_params(hr, p);
    p[7] = 0.5;
    nd_fs_opts o;
    nd_fs_opts_init(&o);
    o.cycles = 0;
    nd_fast_slow d;
    nd_error err;
    cr_assert_eq(nd_fast_slow_analyse(hr, p, &o, &d, &err), ND_OK, "%s", err.msg);
    cr_expect_eq(d.range_source, ND_FS_RANGE_BOX);
    cr_expect(d.slow_lo == hr->var_lo[2] && d.slow_hi == hr->var_hi[2], "range %g:%g", d.slow_lo, d.slow_hi);
    cr_expect(strstr(d.range_note, "rests"), "%s", d.range_note);
    cr_expect_eq(d.activity, ND_FS_QUIESCENT);
    size_t folds = 0;
    for (size_t i = 0; i < d.n_special; i++) folds += strcmp(d.special[i].type, "LP") == 0;
    cr_expect(d.eq.n_branches >= 1 && folds == 2, "%zu branches, %zu folds (z = 49/27 and the upper one)", d.eq.n_branches, folds);
    nd_fast_slow_free(&d);
    /* without a transient the start's spike is in the window: a transient, still quiescent */
    o.transient = 0;
    cr_assert_eq(nd_fast_slow_analyse(hr, p, &o, &d, &err), ND_OK, "%s", err.msg);
    cr_expect_eq(d.activity, ND_FS_QUIESCENT, "%zu spikes: %s", d.n_spikes, d.note);
    nd_fast_slow_free(&d);
}
