/* Gamma oscillation by synaptic inhibition (Wang & Buzsáki 1996, J Neurosci 16:6402), as in
 * BrainPy's example oscillation_synchronization/Wang_1996_gamma_oscillation.py:
 *   100 Wang–Buzsáki interneurons (a Hodgkin–Huxley type model with instantaneous m, written
 *   below as a user model with ND_RHS and ND_KERNELS, so the group runs on its vectorised
 *   kernels), all-to-all GABAa synapses without self-connections (alpha 12, beta 0.1, T 1 mM for
 *   1 ms, E -75 mV, g_max = G / 100), input 1 uA/cm^2, V(0) = -70 + 20 randn, RK4.
 * For a range of total inhibitory conductances G it reports the firing rate, the synchrony
 * (BrainPy's cross_correlation over the last 300 ms, bins of 2 ms) and the voltage fluctuation
 * index: without inhibition the cells fire asynchronously; with enough inhibition they lock
 * into a gamma rhythm. Run: build/examples/gamma_oscillation [T_MS]. */
#include <stdio.h>
#include <stdlib.h>

#include "neurodyn/neurodyn.h"

enum { V, H, N };
enum { ENA, EK, EL, CM, GNA, GK, GL, PHI, IAPP };

/* u / (1 - e^{-u}) with its limit near 0 */
ND_FN double wb_vtrap(double u)
{
    const double q = u / -expm1(-u);
    return fabs(u) < 1e-6 ? 1.0 + 0.5 * u : q;
}

ND_RHS(wang_buzsaki)
{
    const double v = x[V];
    const double ah = 0.07 * exp(-(v + 58.0) / 20.0), bh = 1.0 / (exp(-0.1 * (v + 28.0)) + 1.0);
    const double an = 0.1 * wb_vtrap(0.1 * (v + 34.0)), bn = 0.125 * exp(-(v + 44.0) / 80.0);
    const double am = wb_vtrap(0.1 * (v + 35.0)), bm = 4.0 * exp(-(v + 60.0) / 18.0);
    const double m = am / (am + bm), n2 = x[N] * x[N];
    const double ina = p[GNA] * m * m * m * x[H] * (v - p[ENA]);
    const double ik = p[GK] * n2 * n2 * (v - p[EK]);
    const double il = p[GL] * (v - p[EL]);
    dxdt[V] = (-ina - ik - il + p[IAPP]) / p[CM];
    dxdt[H] = p[PHI] * (ah * (1.0 - x[H]) - bh * x[H]);
    dxdt[N] = p[PHI] * (an * (1.0 - x[N]) - bn * x[N]);
}

ND_KERNELS(wang_buzsaki, 3, 9)

static const char *const vars[] = {"V", "h", "n"};
static const char *const pars[] = {"ENa", "EK", "EL", "C", "gNa", "gK", "gL", "phi", "I"};
static const double defaults[] = {55.0, -90.0, -65.0, 1.0, 35.0, 9.0, 0.1, 5.0, 0.0};
static const double init[] = {-65.0, 0.6, 0.32};

static const nd_model wang_buzsaki = {
    .name = "wang_buzsaki",
    .title = "Wang-Buzsaki fast-spiking interneuron",
    .reference = "Wang & Buzsaki (1996) J Neurosci 16:6402",
    .n_vars = 3,
    .n_pars = 9,
    .var_names = vars,
    .par_names = pars,
    .par_defaults = defaults,
    .init = init,
    .rhs = wang_buzsaki_rhs,
    .kernels = &wang_buzsaki_kernels,
    .time_unit = "ms",
};

typedef struct result {
    double rate, sync, chi;
} result;

static int fail(const nd_error *err)
{
    fprintf(stderr, "gamma_oscillation: %s\n", err->msg);
    return 1;
}

/* One network with total inhibitory conductance G (mS/cm^2). */
static int simulate(double G, double t1, result *r)
{
    const size_t num = 100;
    nd_error err;
    nd_net *net;
    nd_group *cells;
    nd_monitor *spikes, *volts;
    if (nd_net_new(0.05, &net, &err)) return fail(&err);
    nd_net_set_progress(net, 0);
    if (nd_net_add_group(net, "X", &wang_buzsaki, num, "rk4", &cells, &err) ||
        nd_group_set_threshold(cells, "V", 20.0, &err)) /* spikes: V crossing 20 mV upward */
        return nd_net_free(net), fail(&err);
    double *v = nd_group_array(cells, "V", &err);
    for (size_t i = 0; i < num; i += 4) { /* V(0) = -70 + 20 randn */
        double z[4];
        nd_philox_normals(2024, 0, i / 4, 4, z);
        for (size_t k = 0; k < 4 && i + k < num; k++) v[i + k] = -70.0 + 20.0 * z[k];
    }
    nd_group_set_initial(cells);

    nd_conn conn;
    nd_syn_params gaba = nd_syn_gabaa();
    gaba.alpha = 12.0, gaba.beta = 0.1, gaba.T_conc = 1.0, gaba.T_dur = 1.0, gaba.E = -75.0;
    gaba.g_max = G / (double)num;
    nd_input drive = nd_input_fix("X.I", 1.0);
    if (nd_conn_all2all(num, num, 0, &conn, &err)) return nd_net_free(net), fail(&err);
    if (nd_net_add_proj(net, "GABAa", cells, cells, &conn, &gaba, NULL, &err)) {
        nd_conn_free(&conn);
        return nd_net_free(net), fail(&err);
    }
    if (nd_net_add_input(net, &drive, &err) || nd_net_add_monitor(net, "X.spike", NULL, 0, 1, &spikes, &err) ||
        nd_net_add_monitor(net, "X.V", NULL, 0, 10, &volts, &err) || nd_net_run(net, t1, &err))
        return nd_net_free(net), fail(&err);

    const double *times;
    const uint32_t *ids;
    size_t n = nd_monitor_spikes(spikes, &times, &ids);
    r->rate = (double)n / (double)num / (t1 * 1e-3);
    double from = t1 > 300.0 ? t1 - 300.0 : 0.0;
    size_t rows = nd_monitor_rows(volts), skip = (size_t)(from / 0.5); /* V every 10 steps = 0.5 ms */
    if (nd_cross_correlation(times, ids, n, num, from, t1, 2.0, &r->sync, &err) ||
        nd_voltage_fluctuation(nd_monitor_data(volts) + skip * num, rows - skip, num, &r->chi, &err))
        return nd_net_free(net), fail(&err);
    nd_net_free(net);
    return 0;
}

int main(int argc, char **argv)
{
    double t1 = argc > 1 ? atof(argv[1]) : 500.0;
    const double G[] = {0.0, 0.02, 0.05, 0.1, 0.2, 0.4};
    double best_g = 0.0, best_sync = -1.0;
    printf("# total g_max (mS/cm^2)\trate (Hz)\tsynchrony\tvoltage fluctuation\n");
    for (size_t k = 0; k < sizeof G / sizeof *G; k++) {
        result r;
        if (simulate(G[k], t1, &r)) return 1;
        printf("%g\t%.2f\t%.3f\t%.3f\n", G[k], r.rate, r.sync, r.chi);
        if (r.sync > best_sync) best_sync = r.sync, best_g = G[k];
    }
    printf("# most synchronous: g_max = %g (synchrony %.3f)\n", best_g, best_sync);
    return 0;
}
