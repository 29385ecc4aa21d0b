/* Device side of the ensemble: a kernel template instantiated, per model, with the model's
 * lanes from kernels.h (the code the CPU runs), so the GPU computes what the CPU computes.
 * Included before any model file: ND_KERNELS(name, NV, NP) then defines name##_ens_lanes and
 * name##_cuda_launch next to the lanes. Compiled by nvcc only (make cuda-check). */
#ifndef ND_ENSEMBLE_CUDA_CUH
#define ND_ENSEMBLE_CUDA_CUH

#include <cuda_runtime.h>
#include <stdio.h>

/* the hook kernels.h's ND_KERNELS expands (defined below, once the templates exist) */
#define ND_CUDA_ENSEMBLE(name, NV, NP) ND_CUDA_ENSEMBLE_LANES(name, NV, NP)
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
        L::template step<RED>(kind, &tab, &b, i, s, t, tn, sk);
        if (RED & ND_ENS_RED_EVENTS) { /* the crossings of step s - 1 */
            const double tp = nd_ens_grid_t(&b, s - 1);
            nd_ens_event_pass(&b, i, tp, t - tp);
        }
    }
    L::template finish<RED>(kind, &b, i);
    if (RED & ND_ENS_RED_EVENTS) { /* the crossings of the last step */
        const double tp = nd_ens_grid_t(&b, b.nsteps - 1), te = nd_ens_grid_t(&b, b.nsteps);
        nd_ens_event_pass(&b, i, tp, te - tp);
    }
}

/* Copies the block's arrays to the device, runs the kernel, copies the results back. Returns 0,
 * 1 (CUDA error) or 2 (not enough device memory), with a message. */
int nd_cuda_run_block(const nd_ens_block *hb, size_t nv, size_t np,
                      void (*launch)(const nd_butcher *tab, int kind, int red, const nd_ens_block *db,
                                     unsigned blocks, unsigned threads),
                      const nd_butcher *tab, int kind, char *msg, size_t len);

template <class L>
void nd_cuda_launch_kernel(const nd_butcher *tab, int kind, int red, const nd_ens_block *db, unsigned blocks,
                           unsigned threads)
{
    switch (red) {
    case 0: nd_ens_kernel<L, 0><<<blocks, threads>>>(*tab, kind, *db); break;
    case 1: nd_ens_kernel<L, 1><<<blocks, threads>>>(*tab, kind, *db); break;
    case 2: nd_ens_kernel<L, 2><<<blocks, threads>>>(*tab, kind, *db); break;
    case 3: nd_ens_kernel<L, 3><<<blocks, threads>>>(*tab, kind, *db); break;
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
        __device__ static void step(int kind, const nd_butcher *tab, const nd_ens_block *b, size_t i, \
                                    long s, double t, double tn, long sk)                    \
        {                                                                                    \
            if (kind == ND_ENS_RK4) name##_ens_step_rk4(tab, 4, b, i, s, t, tn, sk, RED);    \
            else if (kind == ND_ENS_RK4_SINGLE) name##_ens_step_rk4f(tab, 4, b, i, s, t, tn, sk, RED); \
            else name##_ens_step_tab(tab, tab->stages, b, i, s, t, tn, sk, RED);             \
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

#endif
