/* neurodyn — device side of the ensemble: a kernel template instantiated, per model, with the
 * model's lanes from kernels.h (the code the CPU runs), so the GPU computes what the CPU
 * computes. Included before any model file: ND_KERNELS(name, NV, NP) then defines
 * name##_ens_lanes and name##_cuda_launch next to the lanes and points the model's kernel table
 * at the launcher. nvcc only: gpu/ensemble_cuda.cu (the built-in models, make cuda-check), and
 * a user's model file compiled for the device by the library (nd_cuda_build_model, with
 * -include neurodyn/ensemble_cuda.cuh -DND_CUDA_USER_MODEL), which then exports
 * nd_cuda_model_run through ND_EXPORT_MODEL. */
#ifndef ND_ENSEMBLE_CUDA_CUH
#define ND_ENSEMBLE_CUDA_CUH

#include <cuda_runtime.h>
#include <stdio.h>

/* the hooks kernels.h's ND_KERNELS and model.h's ND_EXPORT_MODEL expand (defined below, once
 * the templates exist) */
#define ND_CUDA_ENSEMBLE(name, NV, NP) ND_CUDA_ENSEMBLE_LANES(name, NV, NP)
#define ND_CUDA_LAUNCHER(name) ((const void *)name##_cuda_launch)
#ifdef ND_CUDA_USER_MODEL
#define ND_CUDA_EXPORT(descriptor) ND_CUDA_EXPORT_USER(descriptor)
#endif
#include "neurodyn/model.h"

/* One trajectory per thread: the lean lane (state in registers) or the stepped lane with its
 * reductions, the same loop as ND_ENS_RUN on the CPU. */
template <class L, int RED>
__global__ void nd_ens_kernel(nd_butcher tab, int kind, nd_ens_block b)
{
    const size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x;
    if (i >= b.n) return;
    if (RED == 0) {
        L::lane(kind, &tab, &b, i);
        return;
    }
    nd_ens_begin(&b, i, L::nv, RED);
    long until_sample = b.stride, k_sample = 1;
    for (long s = 0; s < b.nsteps; s++) {
        const double t = nd_ens_grid_t(&b, s), tn = nd_ens_grid_t(&b, s + 1);
        long sk = -1;
        if ((RED & ND_ENS_RED_SAMPLES) && --until_sample == 0) sk = k_sample++, until_sample = b.stride;
        const int crossed = L::template step<RED>(kind, &tab, &b, i, s, t, tn, sk);
        if ((RED & ND_ENS_RED_EVENTS) && crossed) { /* the crossing of step s - 1 */
            const double tp = nd_ens_grid_t(&b, s - 1);
            nd_ens_event_pass(&b, i, s - 1, tp, t - tp, RED);
        }
    }
    L::template finish<RED>(kind, &b, i);
    if (RED & ND_ENS_RED_EVENTS) { /* the crossings of the last step */
        const double tp = nd_ens_grid_t(&b, b.nsteps - 1), te = nd_ens_grid_t(&b, b.nsteps);
        nd_ens_event_pass(&b, i, b.nsteps - 1, tp, te - tp, RED);
    }
}

static inline int nd_cuda_failed(cudaError_t e, const char *what, char *msg, size_t len)
{
    snprintf(msg, len, "%s: %s", what, cudaGetErrorString(e));
    return 1;
}

/* One array of the block mirrored on the device. */
typedef struct nd_cuda_mirror {
    void *host, **device_field;
    size_t bytes;
    int copy_in, copy_out;
} nd_cuda_mirror;

/* Copies the block's arrays to the device, runs the kernel, copies the results back. Returns 0,
 * 1 (CUDA error) or 2 (not enough device memory), with a message. */
static inline int nd_cuda_run_block(const nd_ens_block *hb, size_t nv, size_t np,
                      void (*launch)(const nd_butcher *tab, int kind, int red, const nd_ens_block *db,
                                     unsigned blocks, unsigned threads),
                      const nd_butcher *tab, int kind, char *msg, size_t len)
{
    nd_ens_block db = *hb;
    db.tick = NULL, db.tick_ctx = NULL; /* a host function: the host reports after the launch */
    const size_t ld = hb->ld, d = ld * sizeof(double);
    const int red = nd_ens_reduces(hb), ev = hb->ev_var >= 0 && hb->ev_count;
    const int emax = ev && (hb->ext_mode & 1), emin = ev && (hb->ext_mode & 2); /* local extrema */
    const size_t ext = (size_t)hb->ext_cap * d;
    const size_t n_samples = hb->samples ? (size_t)(hb->nsteps / hb->stride) + 1 : 0;
    nd_cuda_mirror m[] = {
        {hb->X, (void **)&db.X, nv * d, 1, 1},
        {(void *)hb->P, (void **)&db.P, np * d, 1, 0},
        {hb->t_fail, (void **)&db.t_fail, d, 0, 1},
        {hb->xmax, (void **)&db.xmax, hb->xmax ? nv * d : 0, 0, 1},
        {hb->xmin, (void **)&db.xmin, hb->xmin ? nv * d : 0, 0, 1},
        {hb->ev_count, (void **)&db.ev_count, ev ? ld * sizeof(long) : 0, 0, 1},
        {hb->ev_first, (void **)&db.ev_first, ev ? d : 0, 0, 1},
        {hb->ev_last, (void **)&db.ev_last, ev ? d : 0, 0, 1},
        {hb->ev_prev, (void **)&db.ev_prev, ev ? d : 0, 0, 1},
        {hb->ev_y0, (void **)&db.ev_y0, ev ? d : 0, 0, 0},
        {hb->ev_f0, (void **)&db.ev_f0, ev ? d : 0, 0, 0},
        {hb->ev_y1, (void **)&db.ev_y1, ev ? d : 0, 0, 0},
        {hb->ev_f1, (void **)&db.ev_f1, ev ? d : 0, 0, 0},
        {hb->ev_times, (void **)&db.ev_times, hb->ev_times ? (size_t)hb->max_events * d : 0, 1, 1},
        {hb->samples, (void **)&db.samples, n_samples * nv * d, 0, 1},
        {hb->max_count, (void **)&db.max_count, emax ? ld * sizeof(long) : 0, 0, 1},
        {hb->max_y, (void **)&db.max_y, emax ? ext : 0, 1, 1},
        {hb->max_t, (void **)&db.max_t, emax ? ext : 0, 1, 1},
        {hb->min_count, (void **)&db.min_count, emin ? ld * sizeof(long) : 0, 0, 1},
        {hb->min_y, (void **)&db.min_y, emin ? ext : 0, 1, 1},
        {hb->min_t, (void **)&db.min_t, emin ? ext : 0, 1, 1},
    };
    const size_t k = sizeof m / sizeof m[0];
    size_t need = 0, free_b = 0, total_b = 0;
    for (size_t j = 0; j < k; j++) need += m[j].bytes;
    cudaError_t e = cudaMemGetInfo(&free_b, &total_b);
    if (e != cudaSuccess) return nd_cuda_failed(e, "cudaMemGetInfo", msg, len);
    if (need > free_b) { /* refused before allocating, with the size it would need */
        snprintf(msg, len, "the ensemble needs %.3g MB of device memory, %.3g MB are free", need / 1e6, free_b / 1e6);
        return 2;
    }
    int rc = 0;
    for (size_t j = 0; j < k; j++) *m[j].device_field = NULL;
    for (size_t j = 0; j < k && !rc; j++) {
        if (!m[j].bytes) continue;
        if ((e = cudaMalloc(m[j].device_field, m[j].bytes)) != cudaSuccess) rc = nd_cuda_failed(e, "cudaMalloc", msg, len);
        else if (m[j].copy_in && (e = cudaMemcpy(*m[j].device_field, m[j].host, m[j].bytes, cudaMemcpyHostToDevice)) != cudaSuccess)
            rc = nd_cuda_failed(e, "cudaMemcpy to the device", msg, len);
    }
    if (!rc) {
        const unsigned threads = 128, blocks = (unsigned)((hb->n + threads - 1) / threads);
        launch(tab, kind, red, &db, blocks, threads);
        if ((e = cudaGetLastError()) != cudaSuccess || (e = cudaDeviceSynchronize()) != cudaSuccess)
            rc = nd_cuda_failed(e, "the ensemble kernel", msg, len);
    }
    for (size_t j = 0; j < k; j++) {
        if (!rc && m[j].bytes && m[j].copy_out &&
            (e = cudaMemcpy(m[j].host, *m[j].device_field, m[j].bytes, cudaMemcpyDeviceToHost)) != cudaSuccess)
            rc = nd_cuda_failed(e, "cudaMemcpy to the host", msg, len);
        if (*m[j].device_field) cudaFree(*m[j].device_field);
    }
    return rc;
}

template <class L>
void nd_cuda_launch_kernel(const nd_butcher *tab, int kind, int red, const nd_ens_block *db, unsigned blocks,
                           unsigned threads)
{
    switch (red) {
    case 0: nd_ens_kernel<L, 0><<<blocks, threads>>>(*tab, kind, *db); break;
    case 1: nd_ens_kernel<L, 1><<<blocks, threads>>>(*tab, kind, *db); break;
    case 2: nd_ens_kernel<L, 2><<<blocks, threads>>>(*tab, kind, *db); break;
    case 3: nd_ens_kernel<L, 3><<<blocks, threads>>>(*tab, kind, *db); break;
    case 11: nd_ens_kernel<L, 11><<<blocks, threads>>>(*tab, kind, *db); break; /* + local extrema */
    default: nd_ens_kernel<L, 7><<<blocks, threads>>>(*tab, kind, *db); break;
    }
}

/* The lanes of one model, by kind (rk4 double / rk4 float / table). */
#define ND_CUDA_ENSEMBLE_LANES(name, NV, NP)                                                 \
    struct name##_ens_lanes {                                                                \
        static const int nv = (NV);                                                          \
        __device__ static void lane(int kind, const nd_butcher *tab, const nd_ens_block *b, size_t i) \
        {                                                                                    \
            if (kind == ND_ENS_RK4) name##_ens_lane_rk4(tab, 4, b, i);                       \
            else if (kind == ND_ENS_RK4_SINGLE) name##_ens_lane_rk4f(tab, 4, b, i);          \
            else name##_ens_lane_tab(tab, tab->stages, b, i);                                \
        }                                                                                    \
        template <int RED>                                                                   \
        __device__ static int step(int kind, const nd_butcher *tab, const nd_ens_block *b, size_t i, \
                                    long s, double t, double tn, long sk)                    \
        {                                                                                    \
            if (kind == ND_ENS_RK4) return name##_ens_step_rk4(tab, 4, b, i, s, t, tn, sk, RED); \
            if (kind == ND_ENS_RK4_SINGLE) return name##_ens_step_rk4f(tab, 4, b, i, s, t, tn, sk, RED); \
            return name##_ens_step_tab(tab, tab->stages, b, i, s, t, tn, sk, RED);           \
        }                                                                                    \
        template <int RED> __device__ static void finish(int kind, const nd_ens_block *b, size_t i) \
        {                                                                                    \
            if (kind == ND_ENS_RK4_SINGLE) name##_ens_finish_rk4f(b, i, RED);                \
            else name##_ens_finish_rk4(b, i, RED);                                           \
        }                                                                                    \
    };                                                                                       \
    static int name##_cuda_launch(const nd_butcher *tab, int kind, size_t np, const nd_ens_block *hb, \
                                  char *msg, size_t len)                                     \
    {                                                                                        \
        return nd_cuda_run_block(hb, (NV), np, nd_cuda_launch_kernel<name##_ens_lanes>, tab, kind, msg, len); \
    }

typedef int (*nd_cuda_launch_fn)(const nd_butcher *tab, int kind, size_t np, const nd_ens_block *hb, char *msg,
                                 size_t len);

/* Runs a model's ensemble block on the device through the launcher its kernel table carries. */
static inline int nd_cuda_run_model(const nd_model *m, int kind, const nd_butcher *tab, size_t n_vars,
                                    size_t n_pars, const nd_ens_block *hb, char *msg, size_t len)
{
    if (m->n_vars != n_vars || m->n_pars != n_pars) {
        snprintf(msg, len, "model %s has %zu variables and %zu parameters on the device, %zu and %zu on the host",
                 m->name, m->n_vars, m->n_pars, n_vars, n_pars);
        return 1;
    }
    if (!m->kernels || !m->kernels->device) {
        snprintf(msg, len, "model %s has no device kernels (its file has no ND_KERNELS line)", m->name);
        return 1;
    }
    return ((nd_cuda_launch_fn)m->kernels->device)(tab, kind, n_pars, hb, msg, len);
}

/* The device build of a user's model file exports its descriptor's kernels (cuda_host.c). */
#define ND_CUDA_EXPORT_USER(descriptor)                                                      \
    extern "C" __attribute__((visibility("default"))) int nd_cuda_model_run(                 \
        int kind, const nd_butcher *tab, size_t n_vars, size_t n_pars, const nd_ens_block *hb, char *msg, \
        size_t len)                                                                          \
    {                                                                                         \
        return nd_cuda_run_model(&(descriptor), kind, tab, n_vars, n_pars, hb, msg, len);     \
    }

#endif
