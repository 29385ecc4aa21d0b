/* The E/I balanced COBA network (Vogels & Abbott 2005; Brette et al. 2007) with BrainPy's
 * parameters, built step by step from the public API:
 *   4000 LIF neurons (3200 E, 800 I): V_rest = -60, V_th = -50, V_reset = -60 mV, tau = 20 ms,
 *   tau_ref = 5 ms, initial V ~ Normal(-55, 2) as in BrainPy's COBA.py;
 *   FixedProb(0.02) projections; exponential conductance synapses E (tau 5 ms, E 0 mV,
 *   weight 0.6) and I (tau 10 ms, E -80 mV, weight 6.7); background input 20; dt = 0.1 ms.
 * Runs 1 s (or argv[1] ms) and prints the spike counts and mean rates.
 * Build: make (build/examples/coba); run: build/examples/coba [T_MS]. */
#include <stdio.h>
#include <stdlib.h>

#include "neurodyn/neurodyn.h"

static int check(nd_status st, const nd_error *err)
{
    if (st) fprintf(stderr, "coba: %s\n", err->msg);
    return st != ND_OK;
}

/* V ~ Normal(-55, 2) from Philox normals keyed by (seed, group, block of 4) */
static void init_voltage(nd_group *g, uint64_t seed, uint64_t stream)
{
    double *V = nd_group_array(g, "V", NULL);
    size_t n = nd_group_size(g);
    for (size_t i = 0; i < n; i += 4) {
        double z[4];
        nd_philox_normals(seed, stream, i / 4, 4, z);
        for (size_t k = 0; k < 4 && i + k < n; k++) V[i + k] = -55.0 + 2.0 * z[k];
    }
    nd_group_set_initial(g); /* nd_net_reset comes back to this state */
}

/* A FixedProb(0.02) projection with exponential COBA synapses. */
static nd_status project(nd_net *net, const char *name, nd_group *pre, nd_group *post, double tau,
                         double E, double w, uint64_t seed, nd_error *err)
{
    nd_conn c;
    nd_status st = nd_conn_fixed_prob(nd_group_size(pre), nd_group_size(post), 0.02, 1, seed, &c, err);
    if (st) return st;
    nd_syn_params s = nd_syn_exp(tau, w);
    s.out = ND_OUT_COBA; /* I_post += g (E - V_post) */
    s.E = E;
    if ((st = nd_net_add_proj(net, name, pre, post, &c, &s, NULL, err))) nd_conn_free(&c);
    return st;
}

int main(int argc, char **argv)
{
    double t1 = argc > 1 ? atof(argv[1]) : 1000.0;
    const uint64_t seed = 42;
    nd_error err;
    nd_net *net;
    if (check(nd_net_new(0.1, &net, &err), &err)) return 1;

    nd_lif_params lif = nd_lif_defaults();
    lif.V_rest = -60.0, lif.V_reset = -60.0, lif.V_th = -50.0, lif.tau = 20.0, lif.tau_ref = 5.0;
    nd_group *E, *I;
    if (check(nd_net_add_lif(net, "E", 3200, &lif, &E, &err), &err) ||
        check(nd_net_add_lif(net, "I", 800, &lif, &I, &err), &err))
        return nd_net_free(net), 1;
    init_voltage(E, seed, 0);
    init_voltage(I, seed, 1);

    if (check(project(net, "E2E", E, E, 5.0, 0.0, 0.6, 1, &err), &err) ||
        check(project(net, "E2I", E, I, 5.0, 0.0, 0.6, 2, &err), &err) ||
        check(project(net, "I2E", I, E, 10.0, -80.0, 6.7, 3, &err), &err) ||
        check(project(net, "I2I", I, I, 10.0, -80.0, 6.7, 4, &err), &err))
        return nd_net_free(net), 1;

    /* BrainPy: inputs=[('E.input', 20.), ('I.input', 20.)]; the LIF's input parameter is I */
    nd_input in_e = nd_input_fix("E.I", 20.0), in_i = nd_input_fix("I.I", 20.0);
    nd_monitor *spikes_e;
    if (check(nd_net_add_input(net, &in_e, &err), &err) || check(nd_net_add_input(net, &in_i, &err), &err) ||
        check(nd_net_add_monitor(net, "E.spike", NULL, 0, 1, &spikes_e, &err), &err))
        return nd_net_free(net), 1;

    if (check(nd_net_run(net, t1, &err), &err)) return nd_net_free(net), 1;

    long ne = nd_group_spike_count(E), ni = nd_group_spike_count(I);
    printf("t = %g ms: E %ld spikes (%.2f Hz), I %ld spikes (%.2f Hz), %zu E spikes recorded\n", t1, ne,
           ne / 3200.0 / (t1 * 1e-3), ni, ni / 800.0 / (t1 * 1e-3), nd_monitor_spikes(spikes_e, NULL, NULL));
    nd_net_free(net);
    return 0;
}
