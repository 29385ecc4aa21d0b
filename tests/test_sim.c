/* Network simulation: LIF rate against its analytic f-I curve, synapse kinetics against their
 * closed forms, delays, monitors, inputs, update periods and order, continued runs, the
 * vectorised group path against the per-neuron one, measurements, generators, bad input. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/neurodyn.h"

static nd_error err;

static nd_net *new_net(double dt)
{
    nd_net *net;
    cr_assert_eq(nd_net_new(dt, &net, &err), ND_OK, "%s", err.msg);
    nd_net_set_progress(net, 0);
    return net;
}

static nd_group *lif(nd_net *net, const char *name, size_t n, double V_reset, double tau_ref)
{
    nd_lif_params p = nd_lif_defaults();
    p.V_reset = V_reset, p.tau_ref = tau_ref;
    nd_group *g;
    cr_assert_eq(nd_net_add_lif(net, name, n, &p, &g, &err), ND_OK, "%s", err.msg);
    return g;
}

static void add_fix(nd_net *net, const char *target, char op, double v)
{
    nd_input in = nd_input_fix(target, v);
    in.op = op;
    cr_assert_eq(nd_net_add_input(net, &in, &err), ND_OK, "%s", err.msg);
}

/* ---- LIF f-I curve -------------------------------------------------------------------------- */
/* tau dV/dt = -(V - V_rest) + R I from V_reset: V(s) = V_inf + (V_reset - V_inf) e^{-s/tau},
 * V_inf = V_rest + R I, reaches V_th at s = tau ln((V_inf - V_reset) / (V_inf - V_th)), so the
 * period is T = tau_ref + tau ln((R I - (V_reset - V_rest)) / (R I - (V_th - V_rest))); with
 * V_reset = V_rest this is tau_ref + tau ln(R I / (R I - (V_th - V_rest))). Exponential Euler
 * is exact for this linear ODE; a crossing shows at the end of its step, so the measured
 * interval is T rounded up to the step grid: T <= ISI < T + dt. */
static double analytic_period(double I, double V_reset)
{
    const double V_rest = 0, V_th = 20, tau = 10, tau_ref = 5, R = 1;
    return tau_ref + tau * log((R * I - (V_reset - V_rest)) / (R * I - (V_th - V_rest)));
}

static double measured_period(double I, double V_reset, double dt)
{
    nd_net *net = new_net(dt);
    lif(net, "N", 1, V_reset, 5.0);
    add_fix(net, "N.I", '+', I);
    nd_monitor *m;
    cr_assert_eq(nd_net_add_monitor(net, "N.spike", NULL, 0, 1, &m, &err), ND_OK);
    cr_assert_eq(nd_net_run(net, 500.0, &err), ND_OK, "%s", err.msg);
    const double *t;
    size_t n = nd_monitor_spikes(m, &t, NULL);
    cr_assert_geq(n, 3, "I = %g: %zu spikes", I, n);
    double isi = (t[n - 1] - t[1]) / (double)(n - 2); /* after the first, which starts at rest */
    nd_net_free(net);
    return isi;
}

Test(sim, lif_rate_follows_the_analytic_f_I_curve)
{
    const double dt = 0.01;
    const double currents[] = {21.0, 25.0, 40.0, 80.0};
    for (int k = 0; k < 4; k++) {
        for (int r = 0; r < 2; r++) {
            double V_reset = r ? -5.0 : 0.0, T = analytic_period(currents[k], V_reset);
            double isi = measured_period(currents[k], V_reset, dt);
            cr_expect(isi >= T - 1e-9 && isi < T + dt + 1e-9, "I = %g, V_reset = %g: ISI %.6f vs T %.6f", currents[k],
                      V_reset, isi, T);
        }
    }
    /* below rheobase (R I <= V_th - V_rest = 20) the neuron never fires */
    nd_net *net = new_net(0.1);
    nd_group *g = lif(net, "N", 1, 0.0, 5.0);
    add_fix(net, "N.I", '+', 19.9);
    cr_assert_eq(nd_net_run(net, 500.0, &err), ND_OK);
    cr_expect_eq(nd_group_spike_count(g), 0);
    nd_net_free(net);
}

/* ---- synapses ------------------------------------------------------------------------------ */
typedef struct trace {
    nd_proj *p;
    double g[64];
    int n;
} trace;

static int record_g(nd_net *net, long step, double t, void *ctx)
{
    (void)net, (void)step, (void)t;
    trace *tr = ctx;
    if (tr->n < 64) tr->g[tr->n++] = nd_proj_g(tr->p, NULL)[0];
    return 0;
}

/* One presynaptic spike at step 0 (a LIF starting above threshold fires in its first update),
 * delivered at step 1 (projections read the spikes of the previous step). */
static nd_net *one_spike_net(nd_syn_params s, trace *tr)
{
    nd_net *net = new_net(0.1);
    nd_lif_params p = nd_lif_defaults();
    p.V_init = 30.0, p.tau_ref = 1000.0; /* fires once, then stays refractory */
    nd_group *pre, *post;
    cr_assert_eq(nd_net_add_lif(net, "pre", 1, &p, &pre, &err), ND_OK);
    post = lif(net, "post", 1, -5.0, 0.0);
    nd_conn c;
    cr_assert_eq(nd_conn_one2one(1, 1, &c, &err), ND_OK);
    cr_assert_eq(nd_net_add_proj(net, "syn", pre, post, &c, &s, &tr->p, &err), ND_OK, "%s", err.msg);
    cr_assert_eq(nd_net_add_callback(net, record_g, tr, 1, &err), ND_OK);
    return net;
}

/* Expon: g = w after the spike arrives, then g w e^{-k dt / tau} (exponential Euler is exact). */
Test(sim, exponential_synapse_decays_exactly)
{
    trace tr = {0};
    nd_net *net = one_spike_net(nd_syn_exp(5.0, 0.6), &tr);
    nd_monitor *m, *bad;
    cr_assert_eq(nd_net_add_monitor(net, "syn.g", NULL, 0, 1, &m, &err), ND_OK, "%s", err.msg);
    cr_expect_eq(nd_net_add_monitor(net, "syn.q", NULL, 0, 1, &bad, &err), ND_EINVAL);
    cr_expect_null(bad);
    cr_expect(strstr(err.msg, "'q'") && strstr(err.msg, "names: g"), "%s", err.msg);
    cr_assert_eq(nd_net_run(net, 3.0, &err), ND_OK, "%s", err.msg);
    cr_expect_eq(tr.g[0], 0.0);
    for (int k = 1; k < tr.n; k++)
        cr_expect(fabs(tr.g[k] - 0.6 * exp(-(k - 1) * 0.1 / 5.0)) < 1e-14, "step %d: %g", k, tr.g[k]);
    cr_assert_eq(nd_monitor_rows(m), 30);
    for (int k = 0; k < 30; k++) cr_expect_eq(nd_monitor_data(m)[k], tr.g[k], "the monitor sees what the callback sees");
    nd_net_free(net);
}

/* DualExpon with exponential Euler: h_k = w r^k, g_{k+1} = g_k d + tau_d (1 - d) h_k
 * (d = e^{-dt/tau_d}, r = e^{-dt/tau_r}); g rises, peaks, decays. */
Test(sim, dual_exponential_synapse_rises_then_decays)
{
    trace tr = {0};
    nd_net *net = one_spike_net(nd_syn_dual_exp(1.0, 10.0, 1.0), &tr);
    cr_assert_eq(nd_net_run(net, 6.0, &err), ND_OK);
    double d = exp(-0.1 / 10.0), r = exp(-0.1 / 1.0), g = 0.0, h = 1.0;
    for (int k = 2; k < tr.n; k++) {
        g = g * d + 10.0 * (1 - d) * h, h *= r;
        cr_expect(fabs(tr.g[k] - g) < 1e-13, "step %d: %g vs %g", k, tr.g[k], g);
    }
    cr_expect_gt(tr.g[20], tr.g[3], "rising");
    nd_net_free(net);
}

/* AMPA (BrainPy constants): for T_dur after the spike dg/dt = alpha T (1 - g) - beta g, so
 * g(t) = g_inf (1 - e^{-(alpha T + beta) t}), g_inf = alpha T / (alpha T + beta); afterwards
 * g decays as e^{-beta t}. */
Test(sim, ampa_kinetics_match_the_closed_form)
{
    trace tr = {0};
    nd_syn_params s = nd_syn_ampa();
    nd_net *net = one_spike_net(s, &tr);
    cr_assert_eq(nd_net_run(net, 3.0, &err), ND_OK);
    double a = s.alpha * s.T_conc + s.beta, ginf = s.alpha * s.T_conc / a;
    /* arrival at step 1 (t = 0.1): T is on for steps 1..5 (t - 0.1 < 0.5) */
    for (int k = 1; k <= 5; k++)
        cr_expect(fabs(tr.g[k] - ginf * (1 - exp(-a * 0.1 * k))) < 1e-13, "step %d: %g", k, tr.g[k]);
    double g5 = ginf * (1 - exp(-a * 0.5));
    for (int k = 6; k < tr.n; k++) cr_expect(fabs(tr.g[k] - g5 * exp(-s.beta * 0.1 * (k - 5))) < 1e-13, "step %d", k);
    nd_net_free(net);
}

/* A delay of k dt delivers the same spike exactly k steps later. */
Test(sim, delays_deliver_exactly_k_steps_later)
{
    for (int k = 0; k <= 7; k += 7) {
        trace tr = {0};
        nd_syn_params s = nd_syn_exp(5.0, 1.0);
        s.delay = k * 0.1;
        nd_net *net = one_spike_net(s, &tr);
        cr_assert_eq(nd_net_run(net, 3.0, &err), ND_OK);
        int first = -1;
        for (int j = 0; j < tr.n && first < 0; j++)
            if (tr.g[j] > 0) first = j;
        cr_expect_eq(first, 1 + k, "delay %d steps: first arrival at step %d", k, first);
        nd_net_free(net);
    }
}

/* ---- monitors, inputs, order, periods -------------------------------------------------------- */
Test(sim, monitor_shapes_with_index_and_period)
{
    nd_net *net = new_net(0.1);
    nd_group *g = lif(net, "G", 10, -5.0, 0.0);
    add_fix(net, "G.I", '+', 30.0);
    size_t idx[] = {1, 3, 5};
    nd_monitor *m, *all;
    cr_assert_eq(nd_net_add_monitor(net, "G.V", idx, 3, 3, &m, &err), ND_OK);
    cr_assert_eq(nd_net_add_monitor(net, "G.V", NULL, 0, 1, &all, &err), ND_OK);
    cr_assert_eq(nd_net_run(net, 10.0, &err), ND_OK);
    cr_expect_eq(nd_monitor_rows(m), 34, "steps 0, 3, ..., 99");
    cr_expect_eq(nd_monitor_cols(m), 3);
    cr_expect_eq(nd_monitor_rows(all), 100);
    cr_expect_eq(nd_monitor_cols(all), 10);
    cr_expect(fabs(nd_monitor_times(m)[1] - 0.3) < 1e-12);
    const double *V = nd_group_array(g, "V", &err), *last = nd_monitor_data(m) + 33 * 3;
    cr_expect(last[0] == V[1] && last[1] == V[3] && last[2] == V[5], "the record is the state after the step");
    cr_expect_eq(nd_monitor_data(all)[3 * 10 + 3], nd_monitor_data(m)[1 * 3 + 1]);
    nd_net_free(net);
}

static double ramp(double t, void *ctx) { return *(double *)ctx * t; }

/* The input parameter restarts from its base each step; inputs apply in the order given. */
Test(sim, inputs_fix_iter_func_and_operations)
{
    nd_net *net = new_net(0.5);
    lif(net, "G", 2, -5.0, 0.0);
    add_fix(net, "G.I", '+', 5.0);
    add_fix(net, "G.I", '*', 2.0);
    double series[] = {1, 2, 3, 4};
    nd_input it = nd_input_iter("G.I", series, 4);
    cr_assert_eq(nd_net_add_input(net, &it, &err), ND_OK);
    double slope = 10.0;
    nd_input fn = nd_input_func("G.I", ramp, &slope);
    fn.op = '-';
    cr_assert_eq(nd_net_add_input(net, &fn, &err), ND_OK);
    double vec[] = {100, 200};
    nd_input set = {.target = "G.tau", .type = ND_INPUT_FIX, .op = '=', .vector = vec};
    cr_assert_eq(nd_net_add_input(net, &set, &err), ND_OK);
    nd_monitor *mi, *mt;
    cr_assert_eq(nd_net_add_monitor(net, "G.I", NULL, 0, 1, &mi, &err), ND_OK);
    cr_assert_eq(nd_net_add_monitor(net, "G.tau", NULL, 0, 1, &mt, &err), ND_OK);
    cr_assert_eq(nd_net_run(net, 2.0, &err), ND_OK, "%s", err.msg);
    for (int k = 0; k < 4; k++) {
        double want = (0 + 5) * 2 + series[k] - 10.0 * (0.5 * k);
        cr_expect_eq(nd_monitor_data(mi)[2 * k], want, "step %d: %g vs %g", k, nd_monitor_data(mi)[2 * k], want);
    }
    cr_expect(nd_monitor_data(mt)[0] == 100 && nd_monitor_data(mt)[1] == 200);
    /* the series has 4 values: a 5th step is refused before the run starts */
    cr_expect_eq(nd_net_run(net, 0.5, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "G.I") && strstr(err.msg, "4 values"), "%s", err.msg);
    cr_expect_eq(nd_net_steps(net), 4);
    nd_net_free(net);
}

/* A group updated every 2 steps advances by 2 dt: with exponential Euler and constant input
 * it lands where the every-step group does (e^{-2h/tau} vs (e^{-h/tau})^2). */
Test(sim, update_periods_and_order)
{
    nd_net *net = new_net(0.1);
    nd_group *a = lif(net, "A", 1, -5.0, 0.0), *b = lif(net, "B", 1, -5.0, 0.0);
    add_fix(net, "A.I", '+', 15.0);
    add_fix(net, "B.I", '+', 15.0);
    cr_assert_eq(nd_group_set_period(b, 2, &err), ND_OK);
    cr_assert_eq(nd_net_run(net, 0.1, &err), ND_OK);
    cr_expect_gt(nd_group_array(b, "V", &err)[0], 0.0, "B ran at step 0 (over 2 dt)");
    cr_assert_eq(nd_net_run(net, 0.9, &err), ND_OK);
    cr_expect(fabs(nd_group_array(a, "V", &err)[0] - nd_group_array(b, "V", &err)[0]) < 1e-12);
    cr_expect_eq(nd_group_set_period(b, 0, &err), ND_EINVAL);
    nd_phase dup[4] = {ND_PHASE_GROUPS, ND_PHASE_GROUPS, ND_PHASE_INPUTS, ND_PHASE_MONITORS};
    cr_expect_eq(nd_net_set_order(net, dup, &err), ND_EINVAL);
    /* groups before inputs: each step integrates with the input of the previous step, so the
       first step sees I = 0 and V stays at rest there */
    nd_net_reset(net);
    nd_phase late[4] = {ND_PHASE_GROUPS, ND_PHASE_INPUTS, ND_PHASE_PROJECTIONS, ND_PHASE_MONITORS};
    cr_assert_eq(nd_net_set_order(net, late, &err), ND_OK);
    cr_assert_eq(nd_net_run(net, 0.1, &err), ND_OK);
    cr_expect_eq(nd_group_array(a, "V", &err)[0], 0.0);
    nd_net_free(net);
}

static int stop_at_10(nd_net *net, long step, double t, void *ctx)
{
    (void)net, (void)t, (void)ctx;
    return step == 10;
}

Test(sim, callbacks_can_stop_a_run)
{
    nd_net *net = new_net(0.1);
    lif(net, "G", 1, -5.0, 0.0);
    cr_assert_eq(nd_net_add_callback(net, stop_at_10, NULL, 1, &err), ND_OK);
    cr_expect_eq(nd_net_run(net, 5.0, &err), ND_ESTOPPED);
    cr_expect_eq(nd_net_steps(net), 11);
    nd_net_free(net);
}

/* ---- whole networks ------------------------------------------------------------------------- */
static nd_net *small_coba(uint64_t seed, nd_group **E, nd_monitor **me)
{
    nd_coba_params c = nd_coba_defaults();
    c.n_exc = 400, c.n_inh = 100, c.p = 0.1, c.seed = seed;
    nd_net *net;
    cr_assert_eq(nd_coba_build(&c, &net, E, NULL, me, NULL, &err), ND_OK, "%s", err.msg);
    nd_net_set_progress(net, 0);
    return net;
}

static void expect_same_spikes(const nd_monitor *a, const nd_monitor *b)
{
    const double *ta, *tb;
    const uint32_t *ia, *ib;
    size_t na = nd_monitor_spikes(a, &ta, &ia), nb = nd_monitor_spikes(b, &tb, &ib);
    cr_assert_eq(na, nb);
    cr_expect_gt(na, 0);
    cr_expect_eq(memcmp(ta, tb, na * sizeof *ta), 0);
    cr_expect_eq(memcmp(ia, ib, na * sizeof *ia), 0);
}

/* Run(30) + run(70) = run(100), bit for bit; reset and run again = the first run too. */
Test(sim, continued_runs_equal_one_long_run)
{
    nd_group *e1, *e2;
    nd_monitor *m1, *m2;
    nd_net *a = small_coba(5, &e1, &m1), *b = small_coba(5, &e2, &m2);
    cr_assert_eq(nd_net_run(a, 100.0, &err), ND_OK);
    cr_assert_eq(nd_net_run(b, 30.0, &err), ND_OK);
    cr_assert_eq(nd_net_run(b, 70.0, &err), ND_OK);
    expect_same_spikes(m1, m2);
    cr_expect_eq(memcmp(nd_group_array(e1, "V", &err), nd_group_array(e2, "V", &err), 400 * sizeof(double)), 0);
    size_t n1 = nd_monitor_spikes(m1, NULL, NULL);
    nd_net_reset(b);
    cr_expect_eq(nd_monitor_spikes(m2, NULL, NULL), 0);
    cr_assert_eq(nd_net_run(b, 100.0, &err), ND_OK);
    cr_expect_eq(nd_monitor_spikes(m2, NULL, NULL), n1);
    expect_same_spikes(m1, m2);
    nd_net_free(a), nd_net_free(b);
}

Test(sim, same_seed_same_network_and_activity)
{
    nd_monitor *m1, *m2, *m3;
    nd_net *a = small_coba(9, NULL, &m1), *b = small_coba(9, NULL, &m2), *c = small_coba(10, NULL, &m3);
    cr_assert_eq(nd_net_run(a, 50.0, &err), ND_OK);
    cr_assert_eq(nd_net_run(b, 50.0, &err), ND_OK);
    cr_assert_eq(nd_net_run(c, 50.0, &err), ND_OK);
    expect_same_spikes(m1, m2);
    size_t n1 = nd_monitor_spikes(m1, NULL, NULL), n3 = nd_monitor_spikes(m3, NULL, NULL);
    const double *t1, *t3;
    nd_monitor_spikes(m1, &t1, NULL), nd_monitor_spikes(m3, &t3, NULL);
    cr_expect(n1 != n3 || memcmp(t1, t3, n1 * sizeof *t1) != 0, "another seed, another network");
    nd_net_free(a), nd_net_free(b), nd_net_free(c);
}

/* The kernels path (ND_KERNELS, SoA, omp simd) and the per-neuron path of the same model and
 * method agree to rounding; Izhikevich and HH spike at plausible rates. */
Test(sim, vectorised_groups_match_per_neuron_steps)
{
    const nd_model *izh = nd_builtin_find("izhikevich");
    nd_model plain = *izh;
    plain.kernels = NULL;
    nd_net *net = new_net(0.05);
    nd_group *a, *b;
    cr_assert_eq(nd_net_add_group(net, "A", izh, 7, "rk4", &a, &err), ND_OK, "%s", err.msg);
    cr_assert_eq(nd_net_add_group(net, "B", &plain, 7, "rk4", &b, &err), ND_OK, "%s", err.msg);
    double *Ia = nd_group_array(a, "I", &err), *Ib = nd_group_array(b, "I", &err);
    for (int i = 0; i < 7; i++) Ia[i] = Ib[i] = 4.0 + 2.0 * i;
    nd_group_set_initial(a), nd_group_set_initial(b);
    cr_assert_eq(nd_net_run(net, 200.0, &err), ND_OK);
    const double *va = nd_group_array(a, "v", &err), *vb = nd_group_array(b, "v", &err);
    for (int i = 0; i < 7; i++) cr_expect(fabs(va[i] - vb[i]) < 1e-9 * (1 + fabs(va[i])), "neuron %d: %g vs %g", i, va[i], vb[i]);
    cr_expect_eq(nd_group_spike_count(a), nd_group_spike_count(b));
    cr_expect_gt(nd_group_spike_count(a), 7, "Izhikevich RS fires at these currents");
    nd_net_free(net);
    /* HH, Iext = 10: about 70 Hz (models/hodgkin_huxley.c), so 10..20 spikes in 200 ms */
    net = new_net(0.01);
    nd_group *h;
    cr_assert_eq(nd_net_add_hh(net, "H", 2, NULL, &h, &err), ND_OK, "%s", err.msg);
    cr_assert_eq(nd_net_run(net, 200.0, &err), ND_OK);
    long n = nd_group_spike_count(h);
    cr_expect(n >= 20 && n <= 40, "2 HH neurons, 200 ms: %ld spikes", n);
    nd_net_free(net);
}

/* Exponential Euler of a model without the LIF fast path goes neuron by neuron through the
 * stepper; on the LIF it equals the fast path (both exact for the linear membrane). */
Test(sim, exponential_euler_through_the_stepper)
{
    nd_model copy = *nd_builtin_find("lif");
    nd_net *net = new_net(0.1);
    nd_group *fast = lif(net, "F", 3, -5.0, 5.0), *slow;
    cr_assert_eq(nd_net_add_group(net, "S", &copy, 3, "exponential_euler", &slow, &err), ND_OK, "%s", err.msg);
    cr_assert_eq(nd_group_set_par(slow, "tau_ref", 5.0, &err), ND_OK);
    cr_assert_eq(nd_group_set_par(slow, "I", 0.0, &err), ND_OK);
    add_fix(net, "F.I", '+', 30.0);
    add_fix(net, "S.I", '+', 30.0);
    cr_assert_eq(nd_net_run(net, 100.0, &err), ND_OK);
    cr_expect_eq(nd_group_spike_count(fast), nd_group_spike_count(slow));
    cr_expect(fabs(nd_group_array(fast, "V", &err)[0] - nd_group_array(slow, "V", &err)[0]) < 1e-9);
    nd_net_free(net);
}

/* ---- bad input --------------------------------------------------------------------------------- */
Test(sim, bad_input_gives_clear_errors)
{
    nd_net *net;
    cr_expect_eq(nd_net_new(-0.1, &net, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "-0.1"), "%s", err.msg);
    cr_expect_eq(nd_net_new(NAN, &net, &err), ND_EINVAL);
    net = new_net(0.1);
    lif(net, "E", 10, -5.0, 0.0);
    nd_monitor *m;
    cr_expect_eq(nd_net_add_monitor(net, "E.W", NULL, 0, 1, &m, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "'W'") && strstr(err.msg, "V_rest"), "%s", err.msg);
    cr_expect_eq(nd_net_add_monitor(net, "X.V", NULL, 0, 1, &m, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "'X'") && strstr(err.msg, "E"), "%s", err.msg);
    cr_expect_eq(nd_net_add_monitor(net, "EV", NULL, 0, 1, &m, &err), ND_EINVAL);
    size_t idx = 10;
    cr_expect_eq(nd_net_add_monitor(net, "E.V", &idx, 1, 1, &m, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "10"), "%s", err.msg);
    nd_input in = nd_input_fix("E.nope", 1.0);
    cr_expect_eq(nd_net_add_input(net, &in, &err), ND_EINVAL);
    in = nd_input_fix("E.I", 1.0);
    in.op = '%';
    cr_expect_eq(nd_net_add_input(net, &in, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "'%'"), "%s", err.msg);
    cr_expect_eq(nd_net_run(net, -1.0, &err), ND_EINVAL);
    cr_expect_eq(nd_net_add_group(net, "E", nd_builtin_find("lif"), 3, "rk4", NULL, &err), ND_EINVAL, "duplicate name");
    cr_expect_eq(nd_net_add_group(net, "Z", nd_builtin_find("lif"), 3, "nosuch", NULL, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "nosuch"), "%s", err.msg);
    cr_expect_eq(nd_net_add_group(net, "Z", nd_builtin_find("lif"), 3, "rkf45x", NULL, &err), ND_EINVAL);
    cr_expect_eq(nd_net_add_group(net, "Z", nd_builtin_find("lif"), 3, "msbdf", NULL, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "msbdf"), "%s", err.msg);
    nd_lif_params p = nd_lif_defaults();
    p.tau = -1;
    cr_expect_eq(nd_net_add_lif(net, "Y", 3, &p, NULL, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "tau = -1"), "%s", err.msg);
    nd_conn c;
    cr_assert_eq(nd_conn_one2one(5, 5, &c, &err), ND_OK);
    nd_group *e = NULL;
    cr_assert_eq(nd_net_add_lif(net, "F", 5, NULL, &e, &err), ND_OK);
    nd_syn_params s = nd_syn_exp(5.0, 1.0);
    cr_expect_eq(nd_net_add_proj(net, "ok", e, e, &c, &s, NULL, &err), ND_OK);
    cr_expect_null(c.pre_ids, "the projection took the connection");
    cr_assert_eq(nd_conn_one2one(5, 5, &c, &err), ND_OK);
    s.tau = 0;
    cr_expect_eq(nd_net_add_proj(net, "bad2", e, e, &c, &s, NULL, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "tau = 0"), "%s", err.msg);
    s = nd_syn_exp(5.0, 1.0), s.target = "nope";
    cr_expect_eq(nd_net_add_proj(net, "bad3", e, e, &c, &s, NULL, &err), ND_EINVAL);
    cr_expect_not_null(c.pre_ids, "a refused projection leaves the connection with the caller");
    nd_conn_free(&c);
    nd_net_free(net);
}

/* A monitor that would not fit in memory is refused before allocation, with its size. */
Test(sim, monitor_too_large_is_refused_with_its_size)
{
    nd_net *net = new_net(0.1);
    lif(net, "E", 1000, -5.0, 0.0);
    nd_monitor *m;
    cr_assert_eq(nd_net_add_monitor(net, "E.V", NULL, 0, 1, &m, &err), ND_OK);
    cr_expect_eq(nd_net_run(net, 1e9, &err), ND_ENOMEM);
    cr_expect(strstr(err.msg, "E.V") && strstr(err.msg, "MB") && strstr(err.msg, "1000 neurons"), "%s", err.msg);
    cr_expect_eq(nd_net_steps(net), 0, "nothing ran");
    nd_net_free(net);
}

/* ---- measurements and generators ------------------------------------------------------------ */
Test(sim, measurements_on_known_trains)
{
    /* two neurons firing together every 10 ms over 100 ms: perfectly synchronous */
    double t[20];
    uint32_t id[20];
    for (int k = 0; k < 10; k++) t[2 * k] = t[2 * k + 1] = 10.0 * k, id[2 * k] = 0, id[2 * k + 1] = 1;
    double cc;
    cr_assert_eq(nd_cross_correlation(t, id, 20, 2, 0, 100, 1.0, &cc, &err), ND_OK);
    cr_expect(fabs(cc - 1.0) < 1e-15, "%g", cc);
    for (int k = 0; k < 10; k++) t[2 * k + 1] = 10.0 * k + 5.0; /* alternating: never in one bin */
    cr_assert_eq(nd_cross_correlation(t, id, 20, 2, 0, 100, 1.0, &cc, &err), ND_OK);
    cr_expect_eq(cc, 0.0);
    cr_expect_eq(nd_cross_correlation(t, id, 20, 1, 0, 100, 1.0, &cc, &err), ND_EINVAL);
    /* firing rate: one neuron firing every 10 ms, dt 0.5, width 5: a window of
       2 int(5 / 2 / 0.5) + 1 = 11 steps of 1000 / 5 = 200 Hz per spike, centred */
    double rate[200];
    double tt[10];
    for (int k = 0; k < 10; k++) tt[k] = 10.0 * k;
    cr_assert_eq(nd_firing_rate(tt, 10, 1, 0, 0.5, 200, 5.0, rate, &err), ND_OK);
    cr_expect(rate[100] == 200.0 && rate[95] == 200.0 && rate[105] == 200.0, "%g", rate[100]);
    cr_expect(rate[94] == 0.0 && rate[106] == 0.0 && rate[0] == 200.0 && rate[6] == 0.0);
    /* ISI and CV: a regular train has CV 0; intervals 1, 3 have mean 2, std 1 */
    double isi[9];
    cr_assert_eq(nd_isi(tt, 10, isi, &err), ND_OK);
    cr_expect_eq(isi[3], 10.0);
    cr_expect_eq(nd_cv(isi, 9), 0.0);
    double two[] = {1.0, 3.0};
    cr_expect(fabs(nd_cv(two, 2) - 0.5) < 1e-15);
    double back[] = {2.0, 1.0};
    cr_expect_eq(nd_isi(back, 2, isi, &err), ND_EINVAL);
    /* voltage fluctuation: identical neurons give 1, antiphase neurons 0 */
    double V[8] = {0, 0, 1, 1, 0, 0, 1, 1}, chi;
    cr_assert_eq(nd_voltage_fluctuation(V, 4, 2, &chi, &err), ND_OK);
    cr_expect(fabs(chi - 1.0) < 1e-15);
    double W[8] = {0, 1, 1, 0, 0, 1, 1, 0};
    cr_assert_eq(nd_voltage_fluctuation(W, 4, 2, &chi, &err), ND_OK);
    cr_expect(fabs(chi) < 1e-15);
}

Test(sim, input_generators)
{
    double *x;
    size_t n;
    double vals[] = {0, 1, 0}, durs[] = {10, 20, 30};
    cr_assert_eq(nd_section_input(vals, durs, 3, 0.1, &x, &n, &err), ND_OK);
    cr_expect_eq(n, 600);
    cr_expect(x[99] == 0 && x[100] == 1 && x[299] == 1 && x[300] == 0);
    free(x);
    cr_assert_eq(nd_constant_current(vals, durs, 3, 0.3, &x, &n, &err), ND_OK);
    cr_expect_eq(n, 200, "0.1 / 0.3 rounding: 60 / 0.3 = 200 steps");
    free(x);
    cr_assert_eq(nd_ramp_input(0, 1, 100, 10, 60, 0.5, &x, &n, &err), ND_OK);
    cr_expect(n == 200 && x[19] == 0 && x[20] == 0 && x[119] == 1 && x[120] == 0);
    cr_expect(fabs(x[70] - 50.0 / 99.0) < 1e-15, "linspace over 100 steps");
    free(x);
    double st[] = {10, 50}, ln[] = {1, 2}, sz[] = {0.5, 2};
    cr_assert_eq(nd_spike_input(st, 2, ln, sz, 100, 0.1, &x, &n, &err), ND_OK);
    cr_expect(x[99] == 0 && x[100] == 0.5 && x[109] == 0.5 && x[110] == 0 && x[519] == 2 && x[520] == 0);
    free(x);
    cr_expect_eq(nd_section_input(vals, durs, 3, -0.1, &x, &n, &err), ND_EINVAL);
    /* Poisson: Binomial(10^5 steps, 20 Hz * 0.1 ms) = 200 +- 14; the same seed repeats */
    double *t1, *t2;
    size_t n1, n2;
    cr_assert_eq(nd_poisson_train(20.0, 10000.0, 0.1, 3, 0, &t1, &n1, &err), ND_OK);
    cr_assert_eq(nd_poisson_train(20.0, 10000.0, 0.1, 3, 0, &t2, &n2, &err), ND_OK);
    cr_expect(n1 > 200 - 5 * 14 && n1 < 200 + 5 * 14, "%zu spikes", n1);
    cr_expect(n1 == n2 && memcmp(t1, t2, n1 * sizeof *t1) == 0);
    free(t1), free(t2);
    cr_expect_eq(nd_poisson_train(-1.0, 100.0, 0.1, 3, 0, &t1, &n1, &err), ND_EINVAL);
}

/* A Poisson group drives a LIF through CUBA synapses, and its spikes do not depend on how the
 * run is split (Philox keyed by neuron and step). */
Test(sim, poisson_group_drives_a_network)
{
    nd_net *a = new_net(0.1), *b = new_net(0.1);
    nd_net *nets[2] = {a, b};
    nd_group *post[2], *src[2];
    for (int k = 0; k < 2; k++) {
        cr_assert_eq(nd_net_add_poisson(nets[k], "P", 200, 50.0, 77, &src[k], &err), ND_OK);
        post[k] = lif(nets[k], "L", 20, -5.0, 2.0);
        nd_conn c;
        cr_assert_eq(nd_conn_fixed_pre_num(200, 20, 40, 1, 1, &c, &err), ND_OK);
        nd_syn_params s = nd_syn_exp(2.0, 6.0);
        cr_assert_eq(nd_net_add_proj(nets[k], "P2L", src[k], post[k], &c, &s, NULL, &err), ND_OK, "%s", err.msg);
    }
    cr_assert_eq(nd_net_run(a, 200.0, &err), ND_OK);
    for (int k = 0; k < 4; k++) cr_assert_eq(nd_net_run(b, 50.0, &err), ND_OK);
    long ns = nd_group_spike_count(src[0]);
    cr_expect(ns > 2000 - 5 * 45 && ns < 2000 + 5 * 45, "200 x 50 Hz x 0.2 s = 2000: %ld", ns);
    cr_expect_eq(ns, nd_group_spike_count(src[1]));
    cr_expect_gt(nd_group_spike_count(post[0]), 0);
    cr_expect_eq(nd_group_spike_count(post[0]), nd_group_spike_count(post[1]));
    nd_net_free(a), nd_net_free(b);
}

/* ---- the command line ------------------------------------------------------------------------ */
/* `neurodyn coba --t1 50 --json`: one JSON document with the documented keys (docs/network.md)
 * and rates in the range of the asynchronous state (about 20 Hz after an initial burst). */
Test(sim, cli_coba_json)
{
    const char *cli = getenv("ND_CLI");
    cr_assert_not_null(cli, "ND_CLI must name the neurodyn binary (make test sets it)");
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "'%s' coba --t1 50 --json 2>/dev/null", cli);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    char out[4096];
    size_t got = fread(out, 1, sizeof out - 1, p);
    out[got] = '\0';
    int status = pclose(p);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exit status %d: %s", status, out);
    json_error_t jerr;
    json_t *doc = json_loads(out, 0, &jerr);
    cr_assert_not_null(doc, "not JSON (%s): %s", jerr.text, out);
    cr_expect_eq(json_number_value(json_object_get(doc, "t1")), 50.0);
    cr_expect_eq(json_integer_value(json_object_get(doc, "neurons")), 4000);
    json_int_t syn = json_integer_value(json_object_get(doc, "synapses"));
    cr_expect(syn > 300000 && syn < 340000, "4000^2 * 0.02 = 320000 synapses: %lld", (long long)syn);
    json_t *spikes = json_object_get(doc, "spikes"), *rate = json_object_get(doc, "rate_hz");
    cr_assert(json_is_object(spikes) && json_is_object(rate), "%s", out);
    cr_expect_gt(json_integer_value(json_object_get(spikes, "E")), 0);
    cr_expect_gt(json_integer_value(json_object_get(spikes, "I")), 0);
    for (int k = 0; k < 2; k++) {
        double r = json_number_value(json_object_get(rate, k ? "I" : "E"));
        cr_expect(r > 5.0 && r < 80.0, "rate %s = %g Hz", k ? "I" : "E", r);
    }
    cr_expect(json_is_number(json_object_get(doc, "wall_s")));
    json_decref(doc);
    snprintf(cmd, sizeof cmd, "'%s' coba --t1 -5 --json > /dev/null 2>&1", cli);
    status = system(cmd);
    cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 2, "bad --t1 is a usage error");
}

/* An iter input with one vector per step (per_neuron) feeds neuron i its own series. */
Test(sim, iter_input_per_neuron)
{
    nd_net *net = new_net(0.1);
    lif(net, "G", 3, -5.0, 0.0);
    double series[] = {1, 2, 3, 4, 5, 6}; /* step 0: 1 2 3; step 1: 4 5 6 */
    nd_input in = nd_input_iter("G.I", series, 2);
    in.per_neuron = 1;
    in.op = '=';
    cr_assert_eq(nd_net_add_input(net, &in, &err), ND_OK);
    nd_monitor *m;
    cr_assert_eq(nd_net_add_monitor(net, "G.I", NULL, 0, 1, &m, &err), ND_OK);
    cr_assert_eq(nd_net_run(net, 0.2, &err), ND_OK);
    cr_expect_eq(memcmp(nd_monitor_data(m), series, sizeof series), 0);
    nd_net_free(net);
}

/* nd_plot_raster writes the spikes and rates as TSV with headers and an editable script; a
 * figure with an unknown extension is refused with its name. */
Test(sim, raster_plot_files)
{
    char dir[] = "/tmp/nd-raster-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    double te[] = {1.0, 2.5, 7.0}, ti[] = {3.0};
    uint32_t ie[] = {0, 1, 0}, ii[] = {0};
    nd_raster_group g[2] = {{"E", te, ie, 3, 2}, {"I", ti, ii, 1, 1}};
    char out[256], path[300], line[256];
    snprintf(out, sizeof out, "%s/r.svg", dir);
    nd_plot_status st = nd_plot_raster(g, 2, 0.0, 10.0, 5.0, "test", out, &err);
    cr_assert_neq(st, ND_PLOT_FAILED, "%s", err.msg);
    snprintf(path, sizeof path, "%s/r_spikes.tsv", dir);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    cr_expect_str_eq(fgets(line, sizeof line, f), "t\tneuron\tgroup\n");
    int rows = 0, last_neuron = -1;
    double t;
    int neuron, grp;
    while (fscanf(f, "%lf\t%d\t%d", &t, &neuron, &grp) == 3) rows++, last_neuron = neuron;
    fclose(f);
    cr_expect_eq(rows, 4);
    cr_expect_eq(last_neuron, 2, "I neurons are numbered after the 2 E neurons");
    snprintf(path, sizeof path, "%s/r_rate.tsv", dir);
    f = fopen(path, "r");
    cr_assert_not_null(f);
    cr_expect_str_eq(fgets(line, sizeof line, f), "t\trate_E\trate_I\n");
    double tb, re, ri;
    cr_assert_eq(fscanf(f, "%lf\t%lf\t%lf", &tb, &re, &ri), 3);
    cr_expect(tb == 2.5 && re == 2.0 / (2 * 5.0) * 1000 && ri == 1.0 / 5.0 * 1000, "%g %g %g", tb, re, ri);
    fclose(f);
    snprintf(path, sizeof path, "%s/r.gp", dir);
    cr_expect_eq(access(path, R_OK), 0, "the editable script");
    snprintf(out, sizeof out, "%s/r.bmp", dir);
    cr_expect_eq(nd_plot_raster(g, 2, 0.0, 10.0, 5.0, "test", out, &err), ND_PLOT_FAILED);
    cr_expect(strstr(err.msg, "r.bmp"), "%s", err.msg);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

/* A state that blows up stops the run and says where (DESIGN: errors and bad input). */
Test(sim, non_finite_state_stops_the_run)
{
    nd_net *net = new_net(1.0);
    nd_group *g;
    cr_assert_eq(nd_net_add_izhikevich(net, "Z", 4, "euler", &g, &err), ND_OK);
    double *v = nd_group_array(g, "v", &err);
    v[2] = 1e200; /* 0.04 v^2 overflows */
    cr_expect_eq(nd_net_run(net, 10.0, &err), ND_ENONFINITE);
    cr_expect(strstr(err.msg, "'Z'") && strstr(err.msg, "neuron 2") && strstr(err.msg, "t = 0"), "%s", err.msg);
    cr_expect_null(nd_group_array(g, "spike", &err));
    cr_expect(strstr(err.msg, "nd_group_spikes"), "%s", err.msg);
    nd_net_free(net);
}
