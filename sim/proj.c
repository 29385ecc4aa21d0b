/* Synapses and projections: event-driven delivery over CSR, constant delays as ring buffers,
 * exponential / dual-exponential / kinetic (AMPA, GABAa) conductances, CUBA or COBA output.
 * Equations and defaults are BrainPy's (brainpy.dyn Expon, DualExpon, AMPA, GABAa, COBA,
 * CUBA); every state advances by exponential Euler, BrainPy's exp_auto, which is exact for
 * these linear equations with the input held over the step. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_impl.h"

nd_syn_params nd_syn_exp(double tau, double g_max)
{
    return (nd_syn_params){.kind = ND_SYN_EXP, .out = ND_OUT_CUBA, .g_max = g_max, .tau = tau};
}

nd_syn_params nd_syn_dual_exp(double tau_rise, double tau_decay, double g_max)
{
    return (nd_syn_params){.kind = ND_SYN_DUAL_EXP, .out = ND_OUT_CUBA, .g_max = g_max,
                           .tau_rise = tau_rise, .tau_decay = tau_decay};
}

/* BrainPy AMPA: alpha=0.98, beta=0.18, T=0.5, T_duration=0.5, E=0, g_max=0.42. */
nd_syn_params nd_syn_ampa(void)
{
    return (nd_syn_params){.kind = ND_SYN_AMPA, .out = ND_OUT_COBA, .g_max = 0.42, .alpha = 0.98,
                           .beta = 0.18, .T_conc = 0.5, .T_dur = 0.5, .E = 0.0};
}

/* BrainPy GABAa: alpha=0.53, beta=0.18, T=1, T_duration=1, E=-80, g_max=0.04. */
nd_syn_params nd_syn_gabaa(void)
{
    return (nd_syn_params){.kind = ND_SYN_GABAA, .out = ND_OUT_COBA, .g_max = 0.04, .alpha = 0.53,
                           .beta = 0.18, .T_conc = 1.0, .T_dur = 1.0, .E = -80.0};
}

static int kinetic(const nd_proj *p) { return p->syn.kind == ND_SYN_AMPA || p->syn.kind == ND_SYN_GABAA; }

const nd_conn *nd_proj_conn(const nd_proj *p) { return &p->conn; }

const double *nd_proj_g(const nd_proj *p, size_t *n)
{
    if (n) *n = kinetic(p) ? p->pre->n : p->post->n;
    return p->g;
}

nd_status nd_proj_set_period(nd_proj *p, long period, nd_error *err)
{
    if (period < 1) return nd_fail(err, ND_EINVAL, "update period %ld of projection '%s' must be >= 1", period, p->name);
    p->period = period;
    return ND_OK;
}

/* ---- the step -------------------------------------------------------------------------------- */
static double weight(const nd_proj *p, size_t s) { return p->conn.weights ? p->conn.weights[s] : p->syn.g_max; }

/* Pushes the ids of this step's presynaptic spikes into the ring and returns those emitted
 * delay_steps projection updates ago (*n of them). */
static const uint32_t *delayed_spikes(nd_proj *p, size_t *n)
{
    const nd_group *pre = p->pre;
    size_t slots = p->delay_steps + 1;
    if (slots == 1) return *n = pre->n_spike_ids, pre->spike_ids;
    memcpy(p->ring + p->ring_pos * pre->n, pre->spike_ids, pre->n_spike_ids * sizeof *p->ring);
    p->ring_n[p->ring_pos] = pre->n_spike_ids;
    size_t oldest = (p->ring_pos + 1) % slots;
    p->ring_pos = oldest;
    *n = p->ring_n[oldest];
    return p->ring + oldest * pre->n;
}

/* g[post] += w for every synapse of every presynaptic neuron that spiked, in ascending order
 * of the presynaptic neuron: event-driven. */
static void deliver(const nd_proj *p, const uint32_t *ids, size_t n_ids, double *ND_RESTRICT target)
{
    const nd_conn *c = &p->conn;
    const uint32_t *ND_RESTRICT post = c->post_ids;
    for (size_t a = 0; a < n_ids; a++) {
        const size_t first = c->pre_ptr[ids[a]], end = c->pre_ptr[ids[a] + 1];
        if (c->weights) {
            for (size_t s = first; s < end; s++) target[post[s]] += c->weights[s];
        } else {
            const double w = p->syn.g_max;
            for (size_t s = first; s < end; s++) target[post[s]] += w;
        }
    }
}

static void refresh_decay(nd_proj *p, double h)
{
    if (p->decay_h == h) return;
    p->decay_h = h;
    if (p->syn.kind == ND_SYN_EXP) p->decay_g = exp(-h / p->syn.tau);
    if (p->syn.kind == ND_SYN_DUAL_EXP) p->decay_g = exp(-h / p->syn.tau_decay), p->decay_r = exp(-h / p->syn.tau_rise);
}

/* The output of conductance g (per post) into the target: CUBA g, COBA g (E - V). */
static void output(const nd_proj *p, const double *ND_RESTRICT g)
{
    const size_t n = p->post->n;
    double *ND_RESTRICT tg = p->target;
    if (p->syn.out == ND_OUT_COBA) {
        const double E = p->syn.E;
        const double *ND_RESTRICT V = p->V;
#pragma omp simd
        for (size_t j = 0; j < n; j++) tg[j] += g[j] * (E - V[j]);
    } else {
#pragma omp simd
        for (size_t j = 0; j < n; j++) tg[j] += g[j];
    }
}

/* BrainPy Expon: g <- g exp(-h/tau), then g += spikes . w. */
static void exp_step(nd_proj *p, const uint32_t *ids, size_t n_ids)
{
    double *ND_RESTRICT g = p->g;
    const double d = p->decay_g;
#pragma omp simd
    for (size_t j = 0; j < p->post->n; j++) g[j] *= d;
    deliver(p, ids, n_ids, g);
}

/* BrainPy DualExpon: g' = -g/tau_decay + h, h' = -h/tau_rise; then h += spikes . w. */
static void dual_exp_step(nd_proj *p, const uint32_t *ids, size_t n_ids)
{
    double *ND_RESTRICT g = p->g, *ND_RESTRICT hh = p->h;
    const double dg = p->decay_g, dr = p->decay_r, gain = p->syn.tau_decay * (1.0 - dg);
#pragma omp simd
    for (size_t j = 0; j < p->post->n; j++) {
        g[j] = g[j] * dg + gain * hh[j];
        hh[j] *= dr;
    }
    deliver(p, ids, n_ids, hh);
}

/* BrainPy AMPA / GABAa: a spike arriving at t releases transmitter T_conc for T_dur;
 * g' = alpha T (1 - g) - beta g per presynaptic neuron; the postsynaptic conductance is
 * sum over synapses of w g_pre (every synapse, every step: g is a presynaptic state). */
static void kinetic_step(nd_proj *p, const uint32_t *ids, size_t n_ids, double t, double h)
{
    const nd_syn_params *s = &p->syn;
    const nd_conn *c = &p->conn;
    for (size_t a = 0; a < n_ids; a++) p->arrival[ids[a]] = t;
    /* T is T_conc or 0, so the rate a = alpha T + beta, g_inf = alpha T / a and exp(-a h) take
     * two values each: two exp per step instead of one per neuron */
    const double a_on = s->alpha * s->T_conc + s->beta, a_off = s->alpha * 0.0 + s->beta;
    const double ginf_on = s->alpha * s->T_conc / a_on, ginf_off = s->alpha * 0.0 / a_off;
    const double d_on = exp(-a_on * h), d_off = exp(-a_off * h);
    for (size_t i = 0; i < c->n_pre; i++) {
        /* on for t - arrival < T_dur, with a millionth of a step of slack against rounding */
        const int on = t - p->arrival[i] < s->T_dur - 1e-6 * h;
        const double ginf = on ? ginf_on : ginf_off;
        p->g[i] = ginf + (p->g[i] - ginf) * (on ? d_on : d_off);
    }
    memset(p->post_g, 0, p->post->n * sizeof *p->post_g);
    for (size_t i = 0; i < c->n_pre; i++) {
        const double gi = p->g[i];
        if (gi == 0.0) continue;
        for (size_t k = c->pre_ptr[i]; k < c->pre_ptr[i + 1]; k++) p->post_g[c->post_ids[k]] += weight(p, k) * gi;
    }
}

const double *proj_output_g(const nd_proj *p) { return kinetic(p) ? p->post_g : p->g; }

/* A fused projection leaves its output to the postsynaptic group's step (sim/fuse.c). */
void proj_update(nd_proj *p, double t, double h)
{
    size_t n_ids;
    const uint32_t *ids = delayed_spikes(p, &n_ids);
    refresh_decay(p, h);
    switch (p->syn.kind) {
    case ND_SYN_EXP: exp_step(p, ids, n_ids); break;
    case ND_SYN_DUAL_EXP: dual_exp_step(p, ids, n_ids); break;
    case ND_SYN_AMPA:
    case ND_SYN_GABAA: kinetic_step(p, ids, n_ids, t, h); break;
    }
    if (!p->fused) output(p, proj_output_g(p));
}

void proj_reset(nd_proj *p)
{
    size_t ng = kinetic(p) ? p->pre->n : p->post->n;
    memset(p->g, 0, ng * sizeof *p->g);
    if (p->h) memset(p->h, 0, p->post->n * sizeof *p->h);
    if (p->post_g) memset(p->post_g, 0, p->post->n * sizeof *p->post_g);
    for (size_t i = 0; p->arrival && i < p->pre->n; i++) p->arrival[i] = ND_NEVER;
    if (p->ring_n) memset(p->ring_n, 0, (p->delay_steps + 1) * sizeof *p->ring_n);
    p->ring_pos = 0;
}

void proj_free(nd_proj *p)
{
    if (!p) return;
    nd_conn_free(&p->conn);
    free(p->g), free(p->h), free(p->post_g), free(p->arrival), free(p->ring), free(p->ring_n);
    free(p);
}

/* ---- construction ------------------------------------------------------------------------- */
static nd_status check_positive(double v, const char *what, const char *name, nd_error *err)
{
    if (!(v > 0.0) || !isfinite(v))
        return nd_fail(err, ND_EINVAL, "projection '%s': %s = %g must be positive and finite", name, what, v);
    return ND_OK;
}

static nd_status check_syn(const nd_syn_params *s, const char *name, double dt, nd_error *err)
{
    switch (s->kind) {
    case ND_SYN_EXP:
        if (check_positive(s->tau, "tau", name, err)) return ND_EINVAL;
        break;
    case ND_SYN_DUAL_EXP:
        if (check_positive(s->tau_rise, "tau_rise", name, err) || check_positive(s->tau_decay, "tau_decay", name, err))
            return ND_EINVAL;
        break;
    case ND_SYN_AMPA:
    case ND_SYN_GABAA:
        if (check_positive(s->beta, "beta", name, err) || !(s->alpha >= 0.0) || !(s->T_conc >= 0.0) || !(s->T_dur >= 0.0))
            return nd_fail(err, ND_EINVAL, "projection '%s': alpha, T and T_duration must be >= 0", name);
        break;
    default: return nd_fail(err, ND_EINVAL, "projection '%s': unknown synapse kind %d", name, (int)s->kind);
    }
    if (!isfinite(s->g_max) || !isfinite(s->E))
        return nd_fail(err, ND_EINVAL, "projection '%s': g_max = %g and E = %g must be finite", name, s->g_max, s->E);
    if (!(s->delay >= 0.0) || !isfinite(s->delay) || s->delay / dt > 1e8)
        return nd_fail(err, ND_EINVAL, "projection '%s': delay = %g ms must be finite, >= 0 and below 1e8 steps", name, s->delay);
    if (s->out != ND_OUT_CUBA && s->out != ND_OUT_COBA)
        return nd_fail(err, ND_EINVAL, "projection '%s': unknown output %d", name, (int)s->out);
    return ND_OK;
}

/* The postsynaptic row the output goes to, and V for COBA. */
static nd_status resolve_post(nd_proj *p, nd_error *err)
{
    nd_group *post = p->post;
    if (post->kind == GROUP_POISSON) return nd_fail(err, ND_EINVAL, "projection '%s': a Poisson group cannot be postsynaptic", p->name);
    int par;
    if (p->syn.target) {
        if (!(p->target = group_row(post, p->syn.target, &par, err))) return ND_EINVAL;
    } else {
        if (post->input_par < 0)
            return nd_fail(err, ND_EINVAL, "projection '%s': group '%s' has no input parameter; name a target", p->name, post->name);
        p->target = post->P + (size_t)post->input_par * post->n;
    }
    if (p->syn.out == ND_OUT_COBA) {
        const char *vname = p->syn.voltage ? p->syn.voltage : (nd_model_var_index(post->model, "V", NULL) >= 0 ? "V" : "v");
        if (!(p->V = group_row(post, vname, &par, err))) return ND_EINVAL;
    }
    return ND_OK;
}

static nd_status alloc_state(nd_proj *p, nd_error *err)
{
    size_t npre = p->pre->n, npost = p->post->n;
    size_t slots = p->delay_steps + 1;
    if (nd_check_alloc(slots * npre * sizeof *p->ring, "the delay buffer", err)) return ND_ENOMEM;
    p->g = calloc(kinetic(p) ? npre : npost, sizeof *p->g);
    int ok = p->g != NULL;
    if (p->syn.kind == ND_SYN_DUAL_EXP) ok &= (p->h = calloc(npost, sizeof *p->h)) != NULL;
    if (kinetic(p)) {
        ok &= (p->post_g = calloc(npost, sizeof *p->post_g)) != NULL;
        ok &= (p->arrival = malloc(npre * sizeof *p->arrival)) != NULL;
    }
    if (slots > 1) {
        ok &= (p->ring = malloc(slots * npre * sizeof *p->ring)) != NULL;
        ok &= (p->ring_n = calloc(slots, sizeof *p->ring_n)) != NULL;
    }
    return ok ? ND_OK : nd_fail(err, ND_ENOMEM, "out of memory for projection '%s'", p->name);
}

nd_status nd_net_add_proj(nd_net *net, const char *name, nd_group *pre, nd_group *post,
                          nd_conn *conn, const nd_syn_params *syn, nd_proj **out, nd_error *err)
{
    if (!net || !pre || !post || !conn || !syn)
        return nd_fail(err, ND_EINVAL, "nd_net_add_proj: network, groups, connection and synapse are required");
    if (!name || !*name || strlen(name) >= ND_NAME_LEN)
        return nd_fail(err, ND_EINVAL, "projection name '%s' must be 1..%d characters", name ? name : "(null)", ND_NAME_LEN - 1);
    if (conn->n_pre != pre->n || conn->n_post != post->n)
        return nd_fail(err, ND_EINVAL, "projection '%s': the connection is %zu x %zu but the groups have %zu and %zu neurons",
                       name, conn->n_pre, conn->n_post, pre->n, post->n);
    if (check_syn(syn, name, net->dt, err)) return ND_EINVAL;
    nd_proj *p = calloc(1, sizeof *p);
    if (!p) return nd_fail(err, ND_ENOMEM, "out of memory for projection '%s'", name);
    snprintf(p->name, sizeof p->name, "%s", name);
    p->pre = pre, p->post = post, p->syn = *syn, p->period = 1, p->decay_h = -1.0;
    p->syn.target = NULL, p->syn.voltage = NULL; /* the names are resolved now, not kept */
    p->delay_steps = (size_t)llround(syn->delay / net->dt);
    nd_syn_params names = *syn;
    p->syn.target = names.target, p->syn.voltage = names.voltage;
    nd_status st = resolve_post(p, err);
    p->syn.target = NULL, p->syn.voltage = NULL;
    if (!st) st = alloc_state(p, err);
    if (st) {
        free(p->g), free(p->h), free(p->post_g), free(p->arrival), free(p->ring), free(p->ring_n), free(p);
        return st;
    }
    p->conn = *conn;
    proj_reset(p);
    if (net_append((void **)&net->projs, &net->n_projs, sizeof p, &p)) {
        memset(&p->conn, 0, sizeof p->conn); /* ownership stays with the caller on failure */
        proj_free(p);
        return nd_fail(err, ND_ENOMEM, "out of memory adding projection '%s'", name);
    }
    memset(conn, 0, sizeof *conn);
    if (out) *out = p;
    return ND_OK;
}
