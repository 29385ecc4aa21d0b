/* Build check for the CUDA path: a model RHS written with ND_RHS must compile as device code
 * and be callable from a kernel (the batched ensemble of a later issue instantiates kernels
 * this way). `make cuda-check` compiles it when nvcc is present; nothing runs. */
#include "neurodyn/model.h"

enum { V, W };
enum { A, B, TAU, IEXT };

ND_RHS(check_fhn)
{
    dxdt[V] = x[V] - x[V] * x[V] * x[V] / 3.0 - x[W] + p[IEXT];
    dxdt[W] = (x[V] + p[A] - p[B] * x[W]) / p[TAU];
}

/* One RK4 step per thread over structure-of-arrays state, the RHS body inlined. */
__global__ void check_rk4(size_t n, double *X, const double *P, double h)
{
    size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x;
    if (i >= n) return;
    double x[2] = {X[i], X[n + i]}, p[4] = {P[i], P[n + i], P[2 * n + i], P[3 * n + i]};
    double k1[2], k2[2], k3[2], k4[2], y[2];
    check_fhn_rhs_body(0.0, x, p, k1);
    for (int v = 0; v < 2; v++) y[v] = x[v] + 0.5 * h * k1[v];
    check_fhn_rhs_body(0.5 * h, y, p, k2);
    for (int v = 0; v < 2; v++) y[v] = x[v] + 0.5 * h * k2[v];
    check_fhn_rhs_body(0.5 * h, y, p, k3);
    for (int v = 0; v < 2; v++) y[v] = x[v] + h * k3[v];
    check_fhn_rhs_body(h, y, p, k4);
    for (int v = 0; v < 2; v++) X[v * n + i] = x[v] + h / 6.0 * (k1[v] + 2 * k2[v] + 2 * k3[v] + k4[v]);
}

/* The Philox normals of the SDE driver, callable on the device: the same (seed, trajectory,
 * step) gives the same increments on the GPU as on the CPU. */
#include "neurodyn/noise.h"

__global__ void check_noise(size_t n, unsigned long long seed, unsigned long long step, double *out)
{
    size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x;
    if (i >= n) return;
    double z[4];
    nd_philox_normals(seed, i, step, 4, z);
    out[i] = z[0] + z[1] + z[2] + z[3];
}
