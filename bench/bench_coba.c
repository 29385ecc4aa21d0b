/* Benchmark of the COBA network (4000 LIF, 3200 E / 800 I, p = 0.02, BrainPy's parameters)
 * for 1 s of biological time (10^4 steps of 0.1 ms) on one core:
 *
 *  a. the library: nd_coba_build + nd_net_run (inputs, four event-driven exponential COBA
 *     projections, two LIF groups by exponential Euler, spike monitors);
 *  b. a hand-written single-file loop of the same algorithm over the same CSR arrays and
 *     initial voltages: the same operations in the same order, so the spike counts must agree
 *     exactly (printed as a check); its neuron loop twice, plain (with branches) and
 *     branch-free under `omp simd` like the library's.
 *
 * Prints wall times (best of REPS, interleaved, since the machine is shared), the ratio and
 * the rates; never asserts. Exit status 1 only on failure. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "neurodyn/neurodyn.h"

#define REPS 5
#define T1 1000.0

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- b. the hand-written network ------------------------------------------------------------- */
typedef struct hand_proj {
    size_t n_pre, n_post;
    size_t *ptr;
    uint32_t *post;
    double w, decay, E;
    double *g;
    int pre, post_group; /* 0 = E, 1 = I */
} hand_proj;

typedef struct hand_net {
    size_t n[2];
    double *V[2], *I[2], *tl[2], *V0[2];
    uint8_t *spk[2];
    hand_proj proj[4];
    long spikes[2];
    double *sp_t;
    uint32_t *sp_i;
    size_t n_sp, cap;
} hand_net;

static void record(hand_net *h, double t, uint32_t i)
{
    if (h->n_sp == h->cap) {
        h->cap = h->cap ? 2 * h->cap : 65536;
        h->sp_t = realloc(h->sp_t, h->cap * sizeof *h->sp_t);
        h->sp_i = realloc(h->sp_i, h->cap * sizeof *h->sp_i);
        if (!h->sp_t || !h->sp_i) abort();
    }
    h->sp_t[h->n_sp] = t, h->sp_i[h->n_sp++] = i;
}

static void hand_run(hand_net *h, long steps, double dt, int simd)
{
    const double vr = -60.0, vreset = -60.0, vth = -50.0, ref = 5.0 + 1e-6 * dt, d = exp(-dt / 20.0);
    for (long s = 0; s < steps; s++) {
        const double t = (double)s * dt;
        for (int k = 0; k < 2; k++)
            for (size_t i = 0; i < h->n[k]; i++) h->I[k][i] = 0.0 + 20.0;
        for (int p = 0; p < 4; p++) {
            hand_proj *q = &h->proj[p];
            for (size_t j = 0; j < q->n_post; j++) q->g[j] *= q->decay;
            const uint8_t *spk = h->spk[q->pre];
            for (size_t i = 0; i < q->n_pre; i++)
                if (spk[i])
                    for (size_t k = q->ptr[i]; k < q->ptr[i + 1]; k++) q->g[q->post[k]] += q->w;
            double *I = h->I[q->post_group];
            const double *V = h->V[q->post_group];
            for (size_t j = 0; j < q->n_post; j++) I[j] += q->g[j] * (q->E - V[j]);
        }
        for (int k = 0; k < 2; k++) {
            double *restrict V = h->V[k], *restrict tl = h->tl[k];
            const double *restrict I = h->I[k];
            uint8_t *restrict sp = h->spk[k];
            if (simd) { /* branch-free and vectorised, as the library's LIF loop */
                long count = 0;
#pragma omp simd reduction(+ : count)
                for (size_t i = 0; i < h->n[k]; i++) {
                    double v = V[i], vinf = vr + 1.0 * I[i];
                    double vn = vinf + (v - vinf) * d;
                    vn = t - tl[i] <= ref ? v : vn;
                    int s = vn >= vth;
                    tl[i] = s ? t : tl[i];
                    V[i] = s ? vreset : vn;
                    sp[i] = (uint8_t)s;
                    count += s;
                }
                h->spikes[k] += count;
            } else
                for (size_t i = 0; i < h->n[k]; i++) {
                    double v = V[i], vinf = vr + 1.0 * I[i];
                    double vn = vinf + (v - vinf) * d;
                    if (t - tl[i] <= ref) vn = v;
                    sp[i] = vn >= vth;
                    if (sp[i]) tl[i] = t, vn = vreset, h->spikes[k]++;
                    V[i] = vn;
                }
            if (k == 0) /* the library records E and I spikes; so does this loop */
                for (size_t i = 0; i < h->n[0]; i++)
                    if (sp[i]) record(h, t, (uint32_t)i);
        }
        for (size_t i = 0; i < h->n[1]; i++)
            if (h->spk[1][i]) record(h, t, (uint32_t)i);
    }
}

static void hand_reset(hand_net *h)
{
    for (int k = 0; k < 2; k++) {
        memcpy(h->V[k], h->V0[k], h->n[k] * sizeof(double));
        for (size_t i = 0; i < h->n[k]; i++) h->tl[k][i] = -1e7;
        memset(h->spk[k], 0, h->n[k]);
        h->spikes[k] = 0;
    }
    for (int p = 0; p < 4; p++) memset(h->proj[p].g, 0, h->proj[p].n_post * sizeof(double));
    h->n_sp = 0;
}

/* The same connectivity and initial voltages as the library network (same seeds). */
static int hand_build(hand_net *h, const nd_coba_params *c, nd_group *E, nd_group *I)
{
    nd_error err;
    h->n[0] = c->n_exc, h->n[1] = c->n_inh;
    nd_group *grp[2] = {E, I};
    for (int k = 0; k < 2; k++) {
        h->V[k] = malloc(h->n[k] * sizeof(double)), h->V0[k] = malloc(h->n[k] * sizeof(double));
        h->I[k] = malloc(h->n[k] * sizeof(double)), h->tl[k] = malloc(h->n[k] * sizeof(double));
        h->spk[k] = malloc(h->n[k]);
        if (!h->V[k] || !h->V0[k] || !h->I[k] || !h->tl[k] || !h->spk[k]) return 1;
        memcpy(h->V0[k], nd_group_array(grp[k], "V", &err), h->n[k] * sizeof(double));
    }
    /* nd_coba_build's order and seeds: E2E, E2I, I2E, I2I with seed*4 + k */
    const int pre[4] = {0, 0, 1, 1}, post[4] = {0, 1, 0, 1};
    for (int p = 0; p < 4; p++) {
        nd_conn conn;
        if (nd_conn_fixed_prob(h->n[pre[p]], h->n[post[p]], c->p, 1, c->seed * 4 + (uint64_t)p, &conn, &err)) return 1;
        hand_proj *q = &h->proj[p];
        q->n_pre = conn.n_pre, q->n_post = conn.n_post, q->pre = pre[p], q->post_group = post[p];
        q->ptr = malloc((conn.n_pre + 1) * sizeof *q->ptr), q->post = malloc(conn.n_syn * sizeof *q->post);
        q->g = calloc(conn.n_post, sizeof *q->g);
        if (!q->ptr || !q->post || !q->g) return 1;
        memcpy(q->ptr, conn.pre_ptr, (conn.n_pre + 1) * sizeof *q->ptr);
        memcpy(q->post, conn.post_ids, conn.n_syn * sizeof *q->post);
        int exc = pre[p] == 0;
        q->w = exc ? c->we : c->wi, q->E = exc ? 0.0 : -80.0, q->decay = exp(-c->dt / (exc ? 5.0 : 10.0));
        nd_conn_free(&conn);
    }
    hand_reset(h);
    return 0;
}

static void hand_free(hand_net *h)
{
    for (int k = 0; k < 2; k++) free(h->V[k]), free(h->V0[k]), free(h->I[k]), free(h->tl[k]), free(h->spk[k]);
    for (int p = 0; p < 4; p++) free(h->proj[p].ptr), free(h->proj[p].post), free(h->proj[p].g);
    free(h->sp_t), free(h->sp_i);
}

int main(void)
{
    nd_error err;
    nd_coba_params c = nd_coba_defaults();
    nd_net *net;
    nd_group *E, *I;
    double tb = now();
    nd_monitor *me, *mi; /* the hand-written loop records spikes too */
    if (nd_coba_build(&c, &net, &E, &I, &me, &mi, &err)) {
        fprintf(stderr, "bench_coba: %s\n", err.msg);
        return 1;
    }
    double build = now() - tb;
    nd_net_set_progress(net, 0);
    hand_net h = {0};
    if (hand_build(&h, &c, E, I)) {
        fprintf(stderr, "bench_coba: building the hand-written network failed\n");
        return 1;
    }
    long steps = lround(T1 / c.dt);
    double best_lib = 1e300, best_hand[2] = {1e300, 1e300};
    long hand_spikes[2][2];
    for (int r = 0; r < REPS; r++) {
        nd_net_reset(net);
        double t0 = now();
        if (nd_net_run(net, T1, &err)) {
            fprintf(stderr, "bench_coba: %s\n", err.msg);
            return 1;
        }
        double dt_lib = now() - t0;
        if (dt_lib < best_lib) best_lib = dt_lib;
        for (int simd = 0; simd < 2; simd++) {
            hand_reset(&h);
            double t1 = now();
            hand_run(&h, steps, c.dt, simd);
            double dt_hand = now() - t1;
            if (dt_hand < best_hand[simd]) best_hand[simd] = dt_hand;
            hand_spikes[simd][0] = h.spikes[0], hand_spikes[simd][1] = h.spikes[1];
        }
    }
    long le = nd_group_spike_count(E), li = nd_group_spike_count(I);
    const double sec = T1 * 1e-3;
    printf("COBA network, %zu neurons, %zu synapses, %g ms = %ld steps of %g ms (build %.3f s)\n", c.n_exc + c.n_inh,
           nd_net_synapse_count(net), T1, steps, c.dt, build);
    printf("  library               %8.4f s   E %.2f Hz  I %.2f Hz\n", best_lib, le / (c.n_exc * sec), li / (c.n_inh * sec));
    const char *label[2] = {"hand-written (plain)", "hand-written (simd) "};
    for (int simd = 0; simd < 2; simd++)
        printf("  %s  %8.4f s   E %.2f Hz  I %.2f Hz\n", label[simd], best_hand[simd],
               hand_spikes[simd][0] / (c.n_exc * sec), hand_spikes[simd][1] / (c.n_inh * sec));
    printf("  ratio library / hand-written: %.2f (plain loop), %.2f (simd loop); best of %d, interleaved\n",
           best_lib / best_hand[0], best_lib / best_hand[1], REPS);
    int same = le == hand_spikes[0][0] && li == hand_spikes[0][1] && le == hand_spikes[1][0] && li == hand_spikes[1][1];
    printf("  spike counts %s (library E %ld I %ld)\n", same ? "identical in all three" : "DIFFER", le, li);
    hand_free(&h);
    nd_net_free(net);
    return 0;
}
