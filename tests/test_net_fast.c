/* The fast network path (sim/lif.c, sim/fuse.c: LIF groups that sum their projections'
 * outputs and their constant input in one pass, spike ids instead of flag scans) against the
 * general path (nd_net_set_fusion(net, 0): each phase a pass of its own). Both do the same
 * operations in the same order, so the tolerance is zero: the same spikes at the same times,
 * the same V, input rows and conductances bit for bit. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/neurodyn.h"

static nd_error err;

typedef struct recorded {
    nd_net *net;
    nd_group *E, *I;
    nd_monitor *spikes_e, *spikes_i, *some_e, *input_e, *v_i, *g_e2e;
} recorded;

/* A smaller COBA network (BrainPy's parameters, p scaled up so that it still fires) with
 * monitors on spikes (all and a subset), the input current, V and a conductance. */
static recorded coba(const char *method, int fuse)
{
    recorded r = {0};
    nd_coba_params c = nd_coba_defaults();
    c.n_exc = 800, c.n_inh = 200, c.p = 0.08, c.method = method, c.seed = 7;
    cr_assert_eq(nd_coba_build(&c, &r.net, &r.E, &r.I, &r.spikes_e, &r.spikes_i, &err), ND_OK, "%s", err.msg);
    nd_net_set_progress(r.net, 0);
    nd_net_set_fusion(r.net, fuse);
    const size_t some[] = {0, 3, 17, 400, 799};
    cr_assert_eq(nd_net_add_monitor(r.net, "E.spike", some, 5, 1, &r.some_e, &err), ND_OK, "%s", err.msg);
    cr_assert_eq(nd_net_add_monitor(r.net, "E.I", NULL, 0, 7, &r.input_e, &err), ND_OK, "%s", err.msg);
    cr_assert_eq(nd_net_add_monitor(r.net, "I.V", NULL, 0, 5, &r.v_i, &err), ND_OK, "%s", err.msg);
    cr_assert_eq(nd_net_add_monitor(r.net, "E2E.g", NULL, 0, 10, &r.g_e2e, &err), ND_OK, "%s", err.msg);
    return r;
}

static void expect_same_spikes(const nd_monitor *a, const nd_monitor *b, const char *what)
{
    const double *ta, *tb;
    const uint32_t *ia, *ib;
    size_t na = nd_monitor_spikes(a, &ta, &ia), nb = nd_monitor_spikes(b, &tb, &ib);
    cr_assert_eq(na, nb, "%s: %zu spikes fast, %zu general", what, na, nb);
    for (size_t k = 0; k < na; k++)
        cr_assert(ta[k] == tb[k] && ia[k] == ib[k], "%s: spike %zu is (%g, %u) fast, (%g, %u) general", what, k,
                  ta[k], ia[k], tb[k], ib[k]);
}

static void expect_same_matrix(const nd_monitor *a, const nd_monitor *b, const char *what)
{
    size_t rows = nd_monitor_rows(a), cols = nd_monitor_cols(a);
    cr_assert(rows > 0 && rows == nd_monitor_rows(b) && cols == nd_monitor_cols(b), "%s: shapes differ", what);
    cr_assert_eq(memcmp(nd_monitor_times(a), nd_monitor_times(b), rows * sizeof(double)), 0, "%s: times differ", what);
    const double *da = nd_monitor_data(a), *db = nd_monitor_data(b);
    for (size_t k = 0; k < rows * cols; k++)
        cr_assert(da[k] == db[k], "%s: record %zu, neuron %zu: %.17g fast, %.17g general", what, k / cols, k % cols,
                  da[k], db[k]);
}

static void compare_paths(const char *method, double t1)
{
    recorded fast = coba(method, 1), general = coba(method, 0);
    cr_assert_eq(nd_net_run(fast.net, t1, &err), ND_OK, "%s", err.msg);
    cr_assert_eq(nd_net_run(general.net, t1, &err), ND_OK, "%s", err.msg);
    long se = nd_group_spike_count(fast.E), si = nd_group_spike_count(fast.I);
    cr_assert_eq(se, nd_group_spike_count(general.E), "%s: E spikes %ld fast, %ld general", method, se,
                 nd_group_spike_count(general.E));
    cr_assert_eq(si, nd_group_spike_count(general.I), "%s: I spikes", method);
    double rate_e = (double)se / 800.0 / (t1 * 1e-3), rate_i = (double)si / 200.0 / (t1 * 1e-3);
    cr_expect(rate_e > 1.0 && rate_e < 200.0 && rate_i > 1.0 && rate_i < 200.0, "%s: rates %g, %g Hz", method,
              rate_e, rate_i);
    expect_same_spikes(fast.spikes_e, general.spikes_e, "E.spike");
    expect_same_spikes(fast.spikes_i, general.spikes_i, "I.spike");
    expect_same_spikes(fast.some_e, general.some_e, "E.spike at 5 neurons");
    expect_same_matrix(fast.input_e, general.input_e, "E.I");
    expect_same_matrix(fast.v_i, general.v_i, "I.V");
    expect_same_matrix(fast.g_e2e, general.g_e2e, "E2E.g");
    /* the subset monitor holds exactly the full monitor's events at those neurons */
    const double *t_all, *t_some;
    const uint32_t *i_all, *i_some;
    size_t n_all = nd_monitor_spikes(fast.spikes_e, &t_all, &i_all), n_some = nd_monitor_spikes(fast.some_e, &t_some, &i_some);
    size_t m = 0;
    for (size_t k = 0; k < n_all; k++) {
        uint32_t i = i_all[k];
        if (i != 0 && i != 3 && i != 17 && i != 400 && i != 799) continue;
        cr_assert(m < n_some && t_some[m] == t_all[k] && i_some[m] == i, "subset monitor misses spike %zu", k);
        m++;
    }
    cr_expect_eq(m, n_some);
    nd_net_free(fast.net), nd_net_free(general.net);
}

Test(net_fast, coba_euler_fast_path_equals_the_general_path)
{
    compare_paths("euler", 300.0);
}

Test(net_fast, coba_exponential_euler_fast_path_equals_the_general_path)
{
    compare_paths(NULL, 300.0);
}

/* The full-size network fires at BrainPy's ~20 Hz by both methods (coba_split.c, the
 * hand-written baseline, gives 20.9 and 21.2 Hz for its own random network). */
Test(net_fast, coba_default_rates_near_21_hz)
{
    const char *methods[] = {"euler", NULL};
    for (int k = 0; k < 2; k++) {
        nd_coba_params c = nd_coba_defaults();
        c.method = methods[k];
        nd_net *net;
        nd_group *E, *I;
        cr_assert_eq(nd_coba_build(&c, &net, &E, &I, NULL, NULL, &err), ND_OK, "%s", err.msg);
        nd_net_set_progress(net, 0);
        cr_assert_eq(nd_net_run(net, 1000.0, &err), ND_OK, "%s", err.msg);
        double re = (double)nd_group_spike_count(E) / 3200.0, ri = (double)nd_group_spike_count(I) / 800.0;
        cr_expect(re > 17.0 && re < 25.0 && ri > 17.0 && ri < 25.0, "%s: E %g Hz, I %g Hz",
                  methods[k] ? methods[k] : "exponential_euler", re, ri);
        nd_net_free(net);
    }
}

static nd_net *mixed_ab(const char *method, int fuse, nd_group **A, nd_group **B, nd_monitor **mon);

/* A network that exercises the other cases: delays (rings of spike ids), CUBA and
 * dual-exponential channels, a second input (not folded), per-neuron parameters part of the
 * time (the fused group falls back to the general loop and adds the channels itself). */
static nd_net *mixed(const char *method, int fuse, nd_group **A, nd_group **B, nd_monitor **mon)
{
    nd_net *net = mixed_ab(method, fuse, A, B, mon);
    /* C: a per-neuron base input (the fused group computes its input row in the general loop) */
    nd_group *C;
    nd_lif_params p = nd_lif_defaults();
    p.method = method;
    cr_assert_eq(nd_net_add_lif(net, "C", 50, &p, &C, &err), ND_OK, "%s", err.msg);
    double *base = nd_group_array(C, "I", &err);
    for (size_t i = 0; i < 50; i++) base[i] = 0.1 * (double)i;
    nd_group_set_initial(C);
    nd_input in = nd_input_fix("C.I", 20.0);
    cr_assert_eq(nd_net_add_input(net, &in, &err), ND_OK);
    nd_conn c;
    cr_assert_eq(nd_conn_fixed_prob(300, 50, 0.1, 1, 21, &c, &err), ND_OK);
    nd_syn_params s = nd_syn_exp(5.0, 0.2);
    s.out = ND_OUT_COBA, s.E = 50.0;
    cr_assert_eq(nd_net_add_proj(net, "AC", *A, C, &c, &s, NULL, &err), ND_OK, "%s", err.msg);
    cr_assert_eq(nd_net_add_monitor(net, "C.spike", NULL, 0, 1, &mon[4], &err), ND_OK);
    return net;
}

static nd_net *mixed_ab(const char *method, int fuse, nd_group **A, nd_group **B, nd_monitor **mon)
{
    nd_net *net;
    cr_assert_eq(nd_net_new(0.1, &net, &err), ND_OK);
    nd_net_set_progress(net, 0);
    nd_net_set_fusion(net, fuse);
    nd_lif_params p = nd_lif_defaults();
    p.tau_ref = 2.0, p.method = method;
    cr_assert_eq(nd_net_add_lif(net, "A", 300, &p, A, &err), ND_OK, "%s", err.msg);
    cr_assert_eq(nd_net_add_lif(net, "B", 200, &p, B, &err), ND_OK, "%s", err.msg);
    double *V = nd_group_array(*A, "V", &err);
    for (size_t i = 0; i < 300; i++) V[i] = 19.0 * (double)i / 300.0;
    nd_group_set_initial(*A);
    nd_input in = nd_input_fix("A.I", 22.0);
    cr_assert_eq(nd_net_add_input(net, &in, &err), ND_OK);
    in = nd_input_fix("B.I", 18.0);
    cr_assert_eq(nd_net_add_input(net, &in, &err), ND_OK);
    in = nd_input_fix("B.I", 1.5);
    in.op = '*';
    cr_assert_eq(nd_net_add_input(net, &in, &err), ND_OK);
    const struct { const char *name; nd_group *pre, *post; nd_syn_params s; } proj[] = {
        {"AB", *A, *B, nd_syn_exp(5.0, 0.4)},
        {"AA", *A, *A, nd_syn_dual_exp(1.0, 8.0, 0.3)},
        {"BA", *B, *A, nd_syn_exp(10.0, 0.05)},
    };
    for (int k = 0; k < 3; k++) {
        nd_conn c;
        cr_assert_eq(nd_conn_fixed_prob(nd_group_size(proj[k].pre), nd_group_size(proj[k].post), 0.1, 1, 11 + k, &c, &err), ND_OK);
        nd_syn_params s = proj[k].s;
        if (k == 1) s.delay = 1.5;
        if (k == 2) s.out = ND_OUT_COBA, s.E = 30.0, s.delay = 0.3;
        cr_assert_eq(nd_net_add_proj(net, proj[k].name, proj[k].pre, proj[k].post, &c, &s, NULL, &err), ND_OK, "%s", err.msg);
    }
    cr_assert_eq(nd_net_add_monitor(net, "A.spike", NULL, 0, 1, &mon[0], &err), ND_OK);
    cr_assert_eq(nd_net_add_monitor(net, "B.spike", NULL, 0, 1, &mon[1], &err), ND_OK);
    cr_assert_eq(nd_net_add_monitor(net, "A.I", NULL, 0, 3, &mon[2], &err), ND_OK);
    cr_assert_eq(nd_net_add_monitor(net, "B.V", NULL, 0, 3, &mon[3], &err), ND_OK);
    return net;
}

static void compare_mixed(const char *method)
{
    nd_group *A[2], *B[2];
    nd_monitor *mon[2][5];
    nd_net *net[2] = {mixed(method, 1, &A[0], &B[0], mon[0]), mixed(method, 0, &A[1], &B[1], mon[1])};
    for (int k = 0; k < 2; k++) {
        cr_assert_eq(nd_net_run(net[k], 100.0, &err), ND_OK, "%s", err.msg);
        double *th = nd_group_array(A[k], "V_th", &err); /* per-neuron thresholds: the general loop */
        for (size_t i = 0; i < 300; i += 2) th[i] = 19.0;
        cr_assert_eq(nd_net_run(net[k], 100.0, &err), ND_OK, "%s", err.msg);
        cr_assert_eq(nd_group_set_par(A[k], "V_th", 20.0, &err), ND_OK); /* shared again */
        cr_assert_eq(nd_net_run(net[k], 100.0, &err), ND_OK, "%s", err.msg);
    }
    cr_assert_gt(nd_group_spike_count(A[0]), 100, "A fired %ld times", nd_group_spike_count(A[0]));
    cr_assert_gt(nd_group_spike_count(B[0]), 100, "B fired %ld times", nd_group_spike_count(B[0]));
    cr_assert_eq(nd_group_spike_count(A[0]), nd_group_spike_count(A[1]));
    cr_assert_eq(nd_group_spike_count(B[0]), nd_group_spike_count(B[1]));
    expect_same_spikes(mon[0][0], mon[1][0], "A.spike");
    expect_same_spikes(mon[0][1], mon[1][1], "B.spike");
    expect_same_matrix(mon[0][2], mon[1][2], "A.I");
    expect_same_matrix(mon[0][3], mon[1][3], "B.V");
    expect_same_spikes(mon[0][4], mon[1][4], "C.spike");
    const double *t;
    cr_expect_gt(nd_monitor_spikes(mon[0][4], &t, NULL), 10, "C should fire");
    nd_net_free(net[0]), nd_net_free(net[1]);
}

Test(net_fast, delays_cuba_dual_and_per_neuron_parameters_euler)
{
    compare_mixed("euler");
}

Test(net_fast, delays_cuba_dual_and_per_neuron_parameters_exponential_euler)
{
    compare_mixed(NULL);
}

/* A NaN in the input stops the fast path as it stops the general one, naming the group. */
Test(net_fast, non_finite_input_stops_the_fast_path)
{
    nd_net *net;
    nd_group *g;
    cr_assert_eq(nd_net_new(0.1, &net, &err), ND_OK);
    nd_net_set_progress(net, 0);
    nd_lif_params p = nd_lif_defaults();
    p.method = "euler";
    cr_assert_eq(nd_net_add_lif(net, "N", 10, &p, &g, &err), ND_OK);
    double *in = nd_group_array(g, "I", &err);
    in[3] = INFINITY;
    nd_group_set_initial(g);
    cr_assert_eq(nd_net_run(net, 1.0, &err), ND_ENONFINITE);
    cr_expect(strstr(err.msg, "group 'N'") != NULL, "%s", err.msg);
    nd_net_free(net);
}
