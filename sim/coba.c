/* The E/I balanced COBA network of Vogels & Abbott (2005) as benchmarked by Brette et al.
 * (2007), with BrainPy's parameters (examples/dynamics_simulation/COBA.py, EINet):
 * LIF V_rest = -60, V_th = -50, V_reset = -60, tau = 20, tau_ref = 5 (mV, ms); initial
 * V ~ Normal(-55, 2) (BrainPy's V_initializer); FixedProb(0.02) between and within the
 * groups; exponential COBA synapses E: tau 5, E 0, weight 0.6; I: tau 10, E -80, weight 6.7;
 * background input 20 to every neuron; dt = 0.1 ms. */
#include <stdio.h>
#include <string.h>

#include "neurodyn/noise.h"
#include "neurodyn/sim.h"

nd_coba_params nd_coba_defaults(void)
{
    return (nd_coba_params){.n_exc = 3200, .n_inh = 800, .p = 0.02, .we = 0.6, .wi = 6.7,
                            .input = 20.0, .dt = 0.1, .seed = 42, .method = NULL};
}

static nd_status add_population(nd_net *net, const char *name, size_t n, const nd_coba_params *c,
                                uint64_t stream, nd_group **g, nd_error *err)
{
    nd_lif_params lif = {.V_rest = -60.0, .V_reset = -60.0, .V_th = -50.0, .R = 1.0, .tau = 20.0,
                         .tau_ref = 5.0, .V_init = -60.0, .method = c->method};
    if (nd_net_add_lif(net, name, n, &lif, g, err)) return err ? err->code : ND_EINVAL;
    double *V = nd_group_array(*g, "V", err);
    for (size_t i = 0; i < n; i += 4) { /* V ~ Normal(-55, 2), Philox (seed, stream, i/4) */
        double z[4];
        nd_philox_normals(c->seed, stream, i / 4, 4, z);
        for (size_t k = 0; k < 4 && i + k < n; k++) V[i + k] = -55.0 + 2.0 * z[k];
    }
    nd_group_set_initial(*g);
    char target[80];
    snprintf(target, sizeof target, "%s.I", name);
    nd_input in = nd_input_fix(target, c->input);
    return nd_net_add_input(net, &in, err);
}

static nd_status connect(nd_net *net, const char *name, nd_group *pre, nd_group *post, int exc,
                         const nd_coba_params *c, uint64_t seed, nd_error *err)
{
    nd_conn conn;
    nd_status st = nd_conn_fixed_prob(nd_group_size(pre), nd_group_size(post), c->p, 1, seed, &conn, err);
    if (st) return st;
    nd_syn_params s = nd_syn_exp(exc ? 5.0 : 10.0, exc ? c->we : c->wi);
    s.out = ND_OUT_COBA;
    s.E = exc ? 0.0 : -80.0;
    st = nd_net_add_proj(net, name, pre, post, &conn, &s, NULL, err);
    if (st) nd_conn_free(&conn);
    return st;
}

nd_status nd_coba_build(const nd_coba_params *c, nd_net **out, nd_group **E, nd_group **I,
                        nd_monitor **mon_e, nd_monitor **mon_i, nd_error *err)
{
    nd_net *net;
    nd_group *e, *i;
    nd_monitor *me = NULL, *mi = NULL;
    *out = NULL;
    if (c->n_exc == 0 || c->n_inh == 0)
        return nd_fail(err, ND_EINVAL, "COBA needs excitatory and inhibitory neurons (%zu, %zu)", c->n_exc, c->n_inh);
    nd_status st = nd_net_new(c->dt, &net, err);
    if (st) return st;
    if ((st = add_population(net, "E", c->n_exc, c, 0, &e, err)) ||
        (st = add_population(net, "I", c->n_inh, c, 1, &i, err)) ||
        (st = connect(net, "E2E", e, e, 1, c, c->seed * 4 + 0, err)) ||
        (st = connect(net, "E2I", e, i, 1, c, c->seed * 4 + 1, err)) ||
        (st = connect(net, "I2E", i, e, 0, c, c->seed * 4 + 2, err)) ||
        (st = connect(net, "I2I", i, i, 0, c, c->seed * 4 + 3, err)) ||
        (mon_e && (st = nd_net_add_monitor(net, "E.spike", NULL, 0, 1, &me, err))) ||
        (mon_i && (st = nd_net_add_monitor(net, "I.spike", NULL, 0, 1, &mi, err)))) {
        nd_net_free(net);
        return st;
    }
    *out = net;
    if (E) *E = e;
    if (I) *I = i;
    if (mon_e) *mon_e = me;
    if (mon_i) *mon_i = mi;
    return ND_OK;
}
