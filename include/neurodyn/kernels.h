/* neurodyn — kernel templates instantiated with a model's inlined RHS.
 *
 * ND_KERNELS(name, NV, NP) must follow ND_RHS(name) in a model file. It defines
 * `name##_kernels`, an nd_model_kernels table whose loops run across a block of trajectories
 * in structure-of-arrays layout with `omp simd`, the RHS body inlined into the loop body.
 * NV and NP are the model's numbers of variables and parameters as integer constants: the
 * per-lane copies of x and p become vector registers only when their sizes are known here.
 *
 * The trajectory loop is the outer, vectorised loop and the time steps run inside it, so a
 * trajectory's state stays in registers for the whole run (compile with -fopenmp-simd). */
#ifndef NEURODYN_KERNELS_H
#define NEURODYN_KERNELS_H

#include <stddef.h>

#if defined(__CUDACC__)
/* The device kernels are instantiated by gpu/ from name##_rhs_body; the CPU tables are
 * not built by nvcc. */
#define ND_KERNELS(name, NV, NP)                                                             \
    static const nd_model_kernels name##_kernels = {(NV), (NP), NULL, NULL, NULL};
#else

#define ND_PRAGMA_SIMD _Pragma("omp simd")
/* clang warns (-Wpass-failed) when an `omp simd` loop does not vectorise, as with a RHS that
 * calls exp() without a vector math library: the loop is still correct, so no warning. */
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wpass-failed"
#endif
/* Fixed-size loops over variables and parameters must be fully unrolled before GCC's
 * vectoriser runs, or the trajectory loop becomes a loop nest it cannot vectorise. */
#if defined(__clang__)
#define ND_UNROLL _Pragma("unroll")
#else
#define ND_UNROLL _Pragma("GCC unroll 64")
#endif
#if defined(__GNUC__)
#define ND_ALWAYS_INLINE static inline __attribute__((always_inline))
#else
#define ND_ALWAYS_INLINE static inline
#endif

/* The per-trajectory work lives in always-inline "lane" functions: arrays declared inside an
 * `omp simd` loop body become interleaved "simd arrays" that GCC cannot vectorise, while the
 * locals of an inlined function are scalarised (SRA) once the loops above are unrolled. The
 * time loop is a do-while (nsteps >= 1 is checked outside the simd loop): a possibly empty
 * inner loop is control flow that blocks GCC's outer-loop vectorisation. */
/* One vectorised trajectory loop per stage count (ND_MAX_STAGES = 7). */
#define ND_ERK_CASE(name, NS)                                                                \
    case NS:                                                                                  \
        ND_PRAGMA_SIMD                                                                        \
        for (size_t i = 0; i < n; i++) name##_lane_erk(tab, NS, i, ld, X, P, t0, h, nsteps); \
        break;

#define ND_KERNELS(name, NV, NP)                                                             \
    ND_ALWAYS_INLINE void name##_lane_rhs(size_t i, size_t ld, double t,                     \
                                          const double *ND_RESTRICT X,                        \
                                          const double *ND_RESTRICT P, double *ND_RESTRICT DX) \
    {                                                                                         \
        double x_[(NV)], p_[(NP) > 0 ? (NP) : 1], d_[(NV)];                                   \
        ND_UNROLL for (int v = 0; v < (NV); v++) x_[v] = X[v * ld + i];                       \
        ND_UNROLL for (int k = 0; k < (NP); k++) p_[k] = P[k * ld + i];                       \
        name##_rhs_body(t, x_, p_, d_);                                                       \
        ND_UNROLL for (int v = 0; v < (NV); v++) DX[v * ld + i] = d_[v];                      \
    }                                                                                         \
    static void name##_soa_rhs(size_t n, size_t ld, double t, const double *ND_RESTRICT X,   \
                               const double *ND_RESTRICT P, double *ND_RESTRICT DX)           \
    {                                                                                         \
        ND_PRAGMA_SIMD                                                                        \
        for (size_t i = 0; i < n; i++) name##_lane_rhs(i, ld, t, X, P, DX);                   \
    }                                                                                         \
    /* ns is a constant in each instantiation below, so the stage loops unroll */             \
    ND_ALWAYS_INLINE void name##_lane_erk(const nd_butcher *tab, const int ns, size_t i,     \
                                          size_t ld, double *ND_RESTRICT X,                   \
                                          const double *ND_RESTRICT P, double t0, double h,   \
                                          long nsteps)                                        \
    {                                                                                         \
        double x_[(NV)], p_[(NP) > 0 ? (NP) : 1], y_[(NV)], k_[ND_MAX_STAGES][(NV)];          \
        ND_UNROLL for (int v = 0; v < (NV); v++) x_[v] = X[v * ld + i];                       \
        ND_UNROLL for (int k = 0; k < (NP); k++) p_[k] = P[k * ld + i];                       \
        long s = 0;                                                                           \
        do {                                                                                  \
            const double t = t0 + (double)s * h;                                              \
            ND_UNROLL for (int st = 0; st < ns; st++) {                                       \
                ND_UNROLL for (int v = 0; v < (NV); v++) {                                    \
                    double acc = 0.0;                                                         \
                    ND_UNROLL for (int j = 0; j < st; j++) acc += tab->a[st][j] * k_[j][v];   \
                    y_[v] = x_[v] + h * acc;                                                  \
                }                                                                             \
                name##_rhs_body(t + tab->c[st] * h, y_, p_, k_[st]);                          \
            }                                                                                 \
            ND_UNROLL for (int v = 0; v < (NV); v++) {                                        \
                double acc = 0.0;                                                             \
                ND_UNROLL for (int st = 0; st < ns; st++) acc += tab->b[st] * k_[st][v];      \
                x_[v] += h * acc;                                                             \
            }                                                                                 \
        } while (++s < nsteps);                                                               \
        ND_UNROLL for (int v = 0; v < (NV); v++) X[v * ld + i] = x_[v];                       \
    }                                                                                         \
    static void name##_soa_erk(const nd_butcher *tab, size_t n, size_t ld,                   \
                               double *ND_RESTRICT X, const double *ND_RESTRICT P, double t0, \
                               double h, long nsteps)                                         \
    {                                                                                         \
        if (nsteps <= 0) return;                                                              \
        switch (tab->stages) {                                                                \
        ND_ERK_CASE(name, 1) ND_ERK_CASE(name, 2) ND_ERK_CASE(name, 3) ND_ERK_CASE(name, 4)   \
        ND_ERK_CASE(name, 5) ND_ERK_CASE(name, 6) ND_ERK_CASE(name, 7)                        \
        default: break;                                                                       \
        }                                                                                     \
    }                                                                                         \
    ND_ALWAYS_INLINE void name##_lane_rk4(size_t i, size_t ld, double *ND_RESTRICT X,        \
                                          const double *ND_RESTRICT P, double t0, double h,   \
                                          long nsteps)                                        \
    {                                                                                         \
        double x_[(NV)], p_[(NP) > 0 ? (NP) : 1], y_[(NV)];                                   \
        double k1[(NV)], k2[(NV)], k3[(NV)], k4[(NV)];                                        \
        ND_UNROLL for (int v = 0; v < (NV); v++) x_[v] = X[v * ld + i];                       \
        ND_UNROLL for (int k = 0; k < (NP); k++) p_[k] = P[k * ld + i];                       \
        long s = 0;                                                                           \
        do {                                                                                  \
            const double t = t0 + (double)s * h;                                              \
            name##_rhs_body(t, x_, p_, k1);                                                   \
            ND_UNROLL for (int v = 0; v < (NV); v++) y_[v] = x_[v] + 0.5 * h * k1[v];         \
            name##_rhs_body(t + 0.5 * h, y_, p_, k2);                                         \
            ND_UNROLL for (int v = 0; v < (NV); v++) y_[v] = x_[v] + 0.5 * h * k2[v];         \
            name##_rhs_body(t + 0.5 * h, y_, p_, k3);                                         \
            ND_UNROLL for (int v = 0; v < (NV); v++) y_[v] = x_[v] + h * k3[v];               \
            name##_rhs_body(t + h, y_, p_, k4);                                               \
            ND_UNROLL for (int v = 0; v < (NV); v++)                                          \
                x_[v] += h / 6.0 * (k1[v] + 2.0 * k2[v] + 2.0 * k3[v] + k4[v]);               \
        } while (++s < nsteps);                                                               \
        ND_UNROLL for (int v = 0; v < (NV); v++) X[v * ld + i] = x_[v];                       \
    }                                                                                         \
    static void name##_soa_rk4(size_t n, size_t ld, double *ND_RESTRICT X,                   \
                               const double *ND_RESTRICT P, double t0, double h, long nsteps) \
    {                                                                                         \
        if (nsteps <= 0) return;                                                              \
        ND_PRAGMA_SIMD                                                                        \
        for (size_t i = 0; i < n; i++) name##_lane_rk4(i, ld, X, P, t0, h, nsteps);           \
    }                                                                                         \
    static const nd_model_kernels name##_kernels = {(NV), (NP), name##_soa_rhs,              \
                                                    name##_soa_erk, name##_soa_rk4};
#endif

#endif
