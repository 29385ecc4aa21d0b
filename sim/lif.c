/* LIF groups (BrainPy's LifRef) by exponential or forward Euler in two passes over the neurons.
 *
 * A step of a network of LIF neurons is dominated by memory traffic, not arithmetic: a few
 * flops per neuron against a dozen arrays of 4000 doubles. The general path makes a pass per
 * phase (the input row's reset and each input, each projection's output into the input row,
 * the integration, the finiteness scan, the spike rule). Here one vectorised membrane loop
 * reads each array once: the input row (or its base and constant input, sim/fuse.c) plus the
 * conductances of the projections fused into the group, the update and refractoriness; a
 * second pass compares V with the threshold 32 neurons at a time and resets the few that
 * fire. The sums and updates are the general path's operations in its order, so both give
 * the same numbers bit for bit (tests/test_net_fast.c).
 *
 *   exponential Euler: V <- V_inf + (V - V_inf) exp(-h/tau), V_inf = V_rest + R I (exact for
 *                      the linear membrane with I held over the step, BrainPy's exp_auto);
 *   forward Euler:     V <- V + h (-(V - V_rest) + R I) / tau, the zoo LIF's RHS. */
#include <math.h>
#include <string.h>

#include "sim_impl.h"

/* the zoo LIF's parameter rows (models/lif.c) */
enum { P_VREST, P_VRESET, P_VTH, P_R, P_TAU, P_TREF, P_I };

/* Per-neuron decay exp(-h/tau) and whether every neuron shares the parameters, recomputed
 * when h or a parameter may have changed. */
static void lif_refresh(nd_group *g, double h)
{
    const double *tau = g->P + P_TAU * g->n;
    for (size_t i = 0; i < g->n; i++) g->decay[i] = exp(-h / tau[i]);
    g->uniform = 1;
    for (size_t k = 0; k < P_I && g->uniform; k++)
        for (size_t i = 1; i < g->n; i++)
            if (g->P[k * g->n + i] != g->P[k * g->n]) {
                g->uniform = 0;
                break;
            }
    g->base_uniform = 1;
    for (size_t i = 1; i < g->n && g->base_uniform; i++) g->base_uniform = g->input_base[i] == g->input_base[0];
    g->decay_h = h;
    g->pars_dirty = 0;
}

void group_apply_channels(nd_group *g)
{
    const size_t n = g->n;
    double *ND_RESTRICT in = g->P + (size_t)g->input_par * n;
    const double *ND_RESTRICT V = g->X + (size_t)g->spike_var * n;
    for (int c = 0; c < g->n_chan; c++) {
        const double *ND_RESTRICT gc = g->chan[c].g;
        const double E = g->chan[c].E, vg = g->chan[c].v_gain;
#pragma omp simd
        for (size_t i = 0; i < n; i++) in[i] += gc[i] * (E - V[i] * vg);
    }
}

/* The general exponential-Euler loop (scalar or per-neuron parameters); the input row already
 * holds every projection's output. */
static void lif_exp_general(nd_group *g, double t, double h)
{
    const size_t n = g->n;
    double *ND_RESTRICT V = g->X, *ND_RESTRICT tl = g->t_last;
    const double *ND_RESTRICT I = g->P + P_I * n, *ND_RESTRICT dec = g->decay;
    uint8_t *ND_RESTRICT sp = g->spike;
    long count = 0;
    if (g->uniform) {
        const double vr = g->P[P_VREST * n], vreset = g->P[P_VRESET * n], vth = g->P[P_VTH * n];
        const double R = g->P[P_R * n], ref = g->P[P_TREF * n] + REF_EPS * h, d = dec[0];
#pragma omp simd reduction(+ : count)
        for (size_t i = 0; i < n; i++) {
            double v = V[i], vinf = vr + R * I[i];
            double vn = vinf + (v - vinf) * d;
            int refractory = t - tl[i] <= ref;
            vn = refractory ? v : vn;
            int s = vn >= vth;
            tl[i] = s ? t : tl[i];
            V[i] = s ? vreset : vn;
            sp[i] = (uint8_t)s;
            count += s;
        }
    } else {
        const double *vr = g->P + P_VREST * n, *vreset = g->P + P_VRESET * n, *vth = g->P + P_VTH * n;
        const double *R = g->P + P_R * n, *ref = g->P + P_TREF * n;
#pragma omp simd reduction(+ : count)
        for (size_t i = 0; i < n; i++) {
            double v = V[i], vinf = vr[i] + R[i] * I[i];
            double vn = vinf + (v - vinf) * dec[i];
            int refractory = t - tl[i] <= ref[i] + REF_EPS * h;
            vn = refractory ? v : vn;
            int s = vn >= vth[i];
            tl[i] = s ? t : tl[i];
            V[i] = s ? vreset[i] : vn;
            sp[i] = (uint8_t)s;
            count += s;
        }
    }
    g->spike_count += count;
}

/* One channel's output, the general path's operation (group_apply_channels). */
#define CHANNEL_TERM(c) (g##c[i] * (E##c - v * vg##c))

/* The membrane pass for shared parameters: sums the input, advances V, holds refractory
 * neurons; threshold and reset are left to lif_threshold. nch and exact are constants in each
 * instantiation (lif_fused), so the unused channels vanish and the loop vectorises over
 * doubles only (a byte store of spike flags in the same loop halves its speed); the channels
 * are named scalars because GCC does not vectorise a loop that indexes local arrays. The
 * summed input is written back to the input row, where the general path leaves it. Returns
 * whether some V is NaN or Inf. With fold the input row is computed here, base + x with the
 * base value every neuron shares, and written back. */
static inline __attribute__((always_inline)) int lif_membrane(nd_group *g, double t, double h,
                                                              const int nch, const int exact,
                                                              const int fold)
{
    const size_t n = g->n;
    double *ND_RESTRICT V = g->X, *ND_RESTRICT I = g->P + P_I * n;
    const double *ND_RESTRICT tl = g->t_last;
    const syn_channel *ch = g->chan;
    const double *ND_RESTRICT g0 = ch[0].g, *ND_RESTRICT g1 = ch[1].g;
    const double *ND_RESTRICT g2 = ch[2].g, *ND_RESTRICT g3 = ch[3].g;
    const double E0 = ch[0].E, E1 = ch[1].E, E2 = ch[2].E, E3 = ch[3].E;
    const double vg0 = ch[0].v_gain, vg1 = ch[1].v_gain, vg2 = ch[2].v_gain, vg3 = ch[3].v_gain;
    const double vr = g->P[P_VREST * n], R = g->P[P_R * n], tau = g->P[P_TAU * n], d = g->decay[0];
    const double ref = g->P[P_TREF * n] + REF_EPS * h;
    const double in0 = g->input_base[0] + g->fold_value; /* fold: the base is shared */
    double nonfinite = 0.0; /* v * 0 is 0 unless v is NaN or Inf */
#pragma omp simd reduction(+ : nonfinite)
    for (size_t i = 0; i < n; i++) {
        const double v = V[i];
        double in = fold ? in0 : I[i];
        if (nch > 0) in += CHANNEL_TERM(0);
        if (nch > 1) in += CHANNEL_TERM(1);
        if (nch > 2) in += CHANNEL_TERM(2);
        if (nch > 3) in += CHANNEL_TERM(3);
        if (nch > 0 || fold) I[i] = in;
        double vn;
        if (exact) {
            const double vinf = vr + R * in;
            vn = vinf + (v - vinf) * d;
        } else {
            vn = ND_MADD(h, (-(v - vr) + R * in) / tau, v); /* the stepper's Euler step */
        }
        vn = t - tl[i] <= ref ? v : vn;
        nonfinite += vn * 0.0;
        V[i] = vn;
    }
    return nonfinite != 0.0;
}

/* Threshold and reset after lif_membrane: spikes are rare (a few per thousand neurons and
 * step), so the V of 32 neurons is compared at once into a bit mask and only its set bits are
 * visited. The general paths' rules: by exponential Euler a held neuron spikes if its held V
 * is at threshold (lif_exp_general), by forward Euler a refractory neuron never does
 * (spikes_after_step). Writes the spike flags and ids. */
typedef struct threshold_rule {
    double *V, *t_last;
    double vth, vreset, ref, t;
    int hold; /* refractory neurons cannot spike */
} threshold_rule;

/* The spike of neuron i if it has one: flag, stamp, reset, and its id appended at ids[m]. */
static size_t spike_at(const threshold_rule *r, size_t i, uint8_t *sp, uint32_t *ids, size_t m)
{
    if (!(r->V[i] >= r->vth) || (r->hold && r->t - r->t_last[i] <= r->ref)) return m;
    r->V[i] = r->vreset, r->t_last[i] = r->t, sp[i] = 1;
    ids[m] = (uint32_t)i;
    return m + 1;
}

static void lif_threshold(nd_group *g, double t, double h)
{
    const size_t n = g->n;
    const threshold_rule r = {g->X, g->t_last, g->P[P_VTH * n], g->P[P_VRESET * n],
                              g->P[P_TREF * n] + REF_EPS * h, t,
                              g->kind == GROUP_LIF_EULER && g->P[P_TREF * n] > 0.0};
    const double *ND_RESTRICT V = g->X;
    size_t m = 0, i0 = 0;
    memset(g->spike, 0, n);
    for (; i0 + 32 <= n; i0 += 32) {
        uint32_t at = 0; /* bit k: V[i0 + k] >= V_th */
        for (uint32_t k = 0; k < 32; k++) at |= (uint32_t)(V[i0 + k] >= r.vth) << k;
        for (; at; at &= at - 1) m = spike_at(&r, i0 + (size_t)__builtin_ctz(at), g->spike, g->spike_ids, m);
    }
    for (; i0 < n; i0++) m = spike_at(&r, i0, g->spike, g->spike_ids, m);
    g->n_spike_ids = m;
    g->spike_count += (long)m;
}

#define LIF_FUSED_CASE(k)                                                                          \
    case k:                                                                                        \
        switch (variant) {                                                                         \
        case 0: bad = lif_membrane(g, t, h, k, 0, 0); break;                                       \
        case 1: bad = lif_membrane(g, t, h, k, 1, 0); break;                                       \
        case 2: bad = lif_membrane(g, t, h, k, 0, 1); break;                                       \
        default: bad = lif_membrane(g, t, h, k, 1, 1); break;                                      \
        }                                                                                          \
        break;

static int lif_fused(nd_group *g, double t, double h)
{
    const int variant = (g->kind == GROUP_LIF_EXP) + 2 * (g->fold_input != 0);
    int bad = 0;
    switch (g->n_chan) {
    LIF_FUSED_CASE(0) LIF_FUSED_CASE(1) LIF_FUSED_CASE(2) LIF_FUSED_CASE(3) LIF_FUSED_CASE(4)
    default: break;
    }
    return bad;
}

nd_status lif_group_step(nd_group *g, double t, double h, nd_error *err)
{
    if (g->pars_dirty || g->decay_h != h) lif_refresh(g, h);
    if (g->uniform && g->net->fuse && (!g->fold_input || g->base_uniform)) {
        /* checked before the reset, as the general path does */
        if (lif_fused(g, t, h) && group_check_finite(g, t, h, err)) return ND_ENONFINITE;
        lif_threshold(g, t, h);
        return ND_OK;
    }
    if (g->fold_input) { /* what the input phase left to the step */
        double *in = g->P + P_I * g->n;
        for (size_t i = 0; i < g->n; i++) in[i] = g->input_base[i] + g->fold_value;
    }
    group_apply_channels(g);
    if (g->kind == GROUP_LIF_EULER) return group_model_step(g, t, h, err);
    lif_exp_general(g, t, h);
    group_collect_spike_ids(g);
    return group_check_finite(g, t, h, err);
}
