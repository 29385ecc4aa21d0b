/* neurodyn — the model descriptor.
 *
 * A model is a right-hand side f(t, x, p) -> dx/dt plus names, defaults and optional pieces
 * (analytic Jacobian, diffusion term, spike rule). The RHS is written ONCE with ND_RHS:
 *
 *     ND_RHS(fhn)                       // defines fhn_rhs (plain function) and
 *     {                                 // fhn_rhs_body (inlinable, host+device)
 *         dxdt[0] = x[0] - x[0]*x[0]*x[0]/3 - x[1] + p[3];
 *         dxdt[1] = (x[0] + p[0] - p[1]*x[1]) / p[2];
 *     }
 *     ND_KERNELS(fhn, 2, 4)             // vectorised kernels with the body inlined
 *
 * The plain function serves analysis and the single-trajectory driver; the body is inlined
 * into the structure-of-arrays kernels (CPU, `omp simd`) and, under nvcc, into device code.
 * Inside the body the arguments are always named t, x, p and dxdt.
 * See docs/models.md and examples/user_model.c. */
#ifndef NEURODYN_MODEL_H
#define NEURODYN_MODEL_H

#include <math.h>
#include <stddef.h>

#include "vecmath.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- portability macros shared by host code, kernels and device code ---------------- */
#if defined(__CUDACC__)
#define ND_FN __host__ __device__ static inline
#define ND_RESTRICT __restrict__
#elif defined(__cplusplus)
#define ND_FN static inline
#define ND_RESTRICT __restrict__
#elif defined(__GNUC__)
#define ND_FN static inline __attribute__((always_inline))
#define ND_RESTRICT restrict
#else
#define ND_FN static inline
#define ND_RESTRICT restrict
#endif
#define ND_UNUSED __attribute__((unused))

/* a * b + c for the integrators' stage and step combinations (y = x + h sum a_j k_j): one
 * rounding (fused multiply-add) where the target has the instruction (x86-64 with FMA, CUDA,
 * AArch64), else two. Written out explicitly because the build never lets the compiler contract
 * on its own (-ffp-contract=off, nvcc -fmad=false): an explicit fma rounds alike in the table
 * stepper, the inlined driver, the SIMD lanes and the device, so they still agree bitwise, while
 * a contraction left to the compiler would differ between a vectorised loop and a scalar one. */
#if defined(__CUDACC__) || defined(__FMA__) || defined(__aarch64__)
#if defined(__cplusplus)
#define ND_MADD(a, b, c) fma((a), (b), (c))
#else
#define ND_MADD(a, b, c) _Generic((a) * (b) + (c), float: fmaf, default: fma)((a), (b), (c))
#endif
#else
#define ND_MADD(a, b, c) ((a) * (b) + (c))
#endif

/* c ? a : b without a branch, for RHS bodies and lane code. GCC 12 if-converts no loop that
 * calls a function other than a builtin, so a conditional in a lane that also calls a SLEEF
 * function (vecmath.h) would leave the whole lane loop scalar; a select on the bits is no
 * conditional at all. ND_SELECT picks the float or double form from a and b. */
#if defined(__CUDACC__) || defined(__cplusplus) || !defined(__GNUC__)
ND_FN double nd_select(int c, double a, double b) { return c ? a : b; }
ND_FN float nd_selectf(int c, float a, float b) { return c ? a : b; }
#else
ND_FN double nd_select(int c, double a, double b)
{
    unsigned long long ua, ub;
    const unsigned long long m = -(unsigned long long)(c != 0);
    __builtin_memcpy(&ua, &a, sizeof a), __builtin_memcpy(&ub, &b, sizeof b);
    ua = (ua & m) | (ub & ~m);
    __builtin_memcpy(&a, &ua, sizeof a);
    return a;
}
ND_FN float nd_selectf(int c, float a, float b)
{
    unsigned ua, ub;
    const unsigned m = -(unsigned)(c != 0);
    __builtin_memcpy(&ua, &a, sizeof a), __builtin_memcpy(&ub, &b, sizeof b);
    ua = (ua & m) | (ub & ~m);
    __builtin_memcpy(&a, &ua, sizeof a);
    return a;
}
#endif
/* In the scalar pass (kernels.h) it is a real conditional: only the side it picks is computed. */
#if defined(__cplusplus) || defined(ND_SCALAR_PASS)
#define ND_SELECT(c, a, b) ((c) ? (a) : (b))
#else
#define ND_SELECT(c, a, b) _Generic((a) + (b), float: nd_selectf, default: nd_select)((c), (a), (b))
#endif

/* The type for locals and helpers of an RHS body: double, and float in the float pass of a
 * model file (kernels.h), so that --precision single computes the whole RHS in float. A body
 * that declares `double` locals still works; those parts then run in double. */
#ifdef ND_SINGLE_PASS
typedef float nd_real;
#else
typedef double nd_real;
#endif

/* ---- function types ------------------------------------------------------------------ */
/* dxdt[i] = f_i(t, x, p) */
typedef void (*nd_rhs_fn)(double t, const double *x, const double *p, double *dxdt);
/* jac[i*n + j] = d f_i / d x_j (row-major n x n) */
typedef void (*nd_jac_fn)(double t, const double *x, const double *p, double *jac);
/* diffusion: g is n (scalar/diagonal noise) or n x m row-major (general noise) */
typedef void (*nd_diffusion_fn)(double t, const double *x, const double *p, double *g);
/* spike reset: applied to the state when the spike variable reaches threshold */
typedef void (*nd_reset_fn)(double *x, const double *p);

typedef enum nd_noise_type {
    ND_NOISE_NONE = 0,
    ND_NOISE_SCALAR,   /* one Wiener process shared by all variables: g has n entries */
    ND_NOISE_DIAGONAL, /* one Wiener process per variable: g has n entries */
    ND_NOISE_GENERAL   /* m Wiener processes: g is n x m */
} nd_noise_type;

typedef enum nd_sde_kind { ND_ITO = 0, ND_STRATONOVICH = 1 } nd_sde_kind;

/* Threshold/reset rule of integrate-and-fire style models. A spike is a crossing of the
 * threshold upward by variable `var`; with a reset function the state jumps, and during the
 * refractory period that follows a reset the spiking variable is held at its reset value
 * while the other variables evolve (BrainPy's LIF semantics). Without a reset there is no
 * refractory period. */
typedef struct nd_spike_rule {
    int var;            /* index of the spiking variable */
    int threshold_par;  /* index into p of the threshold, or -1 to use `threshold` */
    double threshold;
    nd_reset_fn reset;  /* NULL: spikes are detected but the state does not jump */
    int refractory_par; /* index into p of the refractory period, or -1 to use `refractory` */
    double refractory;  /* 0: no refractoriness */
} nd_spike_rule;

/* Explicit Runge–Kutta tableau, shared by the integrators and the kernels below. */
#define ND_MAX_STAGES 7
typedef struct nd_butcher {
    int stages;
    int order;          /* order of the propagated solution */
    int embedded_order; /* order of the embedded solution, 0 for fixed-step methods */
    int fsal;           /* last stage equals f at the new point */
    double c[ND_MAX_STAGES];
    double a[ND_MAX_STAGES][ND_MAX_STAGES];
    double b[ND_MAX_STAGES];    /* weights of the propagated solution */
    double bhat[ND_MAX_STAGES]; /* weights of the embedded solution (error = b - bhat) */
} nd_butcher;

/* Vectorised kernels, instantiated per model by ND_KERNELS with the RHS body inlined.
 * State and parameters are structure-of-arrays: X[v*ld + i] is variable v of trajectory i,
 * P[k*ld + i] parameter k of trajectory i. */
struct nd_ens_block; /* kernels.h: one block of ensemble lanes */
typedef struct nd_model_kernels {
    size_t n_vars, n_pars; /* the sizes the kernels were compiled for */
    /* DX = f(t, X, P) for trajectories 0..n-1 */
    void (*soa_rhs)(size_t n, size_t ld, double t, const double *X, const double *P, double *DX);
    /* nsteps fixed steps of size h of any explicit table, trajectories 0..n-1, in place */
    void (*soa_erk)(const nd_butcher *tab, size_t n, size_t ld, double *X, const double *P,
                    double t0, double h, long nsteps);
    /* the same for the classical RK4, with the tableau unrolled */
    void (*soa_rk4)(size_t n, size_t ld, double *X, const double *P, double t0, double h,
                    long nsteps);
    /* ensemble lanes with reductions (gpu/, ensemble.h): fixed steps of the classical RK4
     * (kind ND_ENS_RK4, or ND_ENS_RK4_SINGLE in float) or of the table tab (ND_ENS_TABLE) */
    void (*ens_fixed)(const nd_butcher *tab, int kind, const struct nd_ens_block *b);
    /* the same for ND_ENS_RK4_SINGLE with the RHS in float too (kernels.h, the float pass), or
     * NULL when the file was not compiled that way */
    void (*ens_single)(const nd_butcher *tab, int kind, const struct nd_ens_block *b);
    /* under nvcc with neurodyn/ensemble_cuda.cuh: the model's CUDA launcher
     * (nd_cuda_launch_fn); NULL in host code */
    const void *device;
    /* the single-trajectory driver's fixed steps (nd_solve without events or spike rule): from
     * x at *t, grid point k0 of t0 + k dt, at most nsteps steps of the classical RK4 (kind
     * ND_ENS_RK4) or of tab (ND_ENS_TABLE, up to ND_ENS_MAX_STAGES stages), stopping at t1 and
     * before a step whose result is not finite; returns the steps taken. NULL under nvcc. */
    long (*drv_fixed)(const nd_butcher *tab, int kind, double *x, const double *p, double *t, double t0,
                      double dt, double t1, long k0, long nsteps);
} nd_model_kernels;

/* The descriptor. Fill it with designated initialisers; fields left out are zero/NULL. */
typedef struct nd_model {
    const char *name;        /* identifier used on the command line */
    const char *aliases;     /* space-separated short names, or NULL */
    const char *title;       /* one line, human readable */
    const char *reference;   /* literature source of the equations and defaults */
    size_t n_vars, n_pars;
    const char *const *var_names;
    const char *const *par_names;
    const double *par_defaults; /* n_pars values */
    const double *init;         /* n_vars initial values */
    const double *var_lo, *var_hi; /* optional: a sensible box for each variable */
    nd_rhs_fn rhs;              /* required */
    nd_jac_fn jac;              /* optional: NULL -> central finite differences */
    const nd_model_kernels *kernels; /* optional: set by ND_KERNELS */
    /* stochastic part (optional): dx = f dt + g dW, g from `diffusion` */
    nd_diffusion_fn diffusion;
    nd_jac_fn diffusion_jac;    /* optional, scalar/diagonal noise: d g_i / d x_j (n x n), used
                                   by milstein; without it milstein is derivative-free */
    nd_noise_type noise;
    size_t n_noise;             /* number of Wiener processes for ND_NOISE_GENERAL */
    nd_sde_kind sde_kind;
    /* integrate-and-fire part (optional) */
    const nd_spike_rule *spike;
    /* hints for the analysis commands (optional) */
    const char *time_unit;      /* e.g. "ms" */
    const char *slow_vars;      /* space-separated names of slow variables (fast-slow) */
    const char *bif_par;        /* parameter to continue by default */
    double bif_lo, bif_hi;      /* its default range */
    const char *bif2_par;       /* second parameter of the default two-parameter diagram */
    double bif2_lo, bif2_hi;    /* its range */
    const char *const *var_units; /* n_vars unit strings ("" for none), or NULL */
    double t_sim;               /* a simulation length that shows the dynamics (report; 0: 200) */
    const char *const *par_units; /* n_pars unit strings ("" for none), or NULL: figure axes */
    /* outputs computed from the state (XPPAUT's aux), written after the variables by simulate
     * (optional): out[k] for k < n_aux */
    size_t n_aux;
    const char *const *aux_names;
    void (*aux)(double t, const double *x, const double *p, double *out);
    /* the integration the model's author chose (XPPAUT's @ meth, dt), used by simulate when no
     * --method / --dt is given (optional: NULL and 0 leave neurodyn's defaults) */
    const char *method;
    double dt;
} nd_model;

/* ---- defining a model ----------------------------------------------------------------- */
/* The plain functions a descriptor points at (name_rhs, name_jac, name_diffusion and its
 * Jacobian) compute one state: in a file built with a scalar pass (the zoo's Makefile rule and
 * the loader define ND_WITH_SCALAR_PASS; kernels.h), the scalar pass's versions, compiled without
 * ND_VECMATH so that their exp, log, pow, ... are the C library's, replace the main pass's, which
 * are weak. So one trajectory, the continuation and every other single-state computation use
 * libm, as hand-written C does, and only the ensemble lanes use SLEEF's vector functions (a lane
 * then differs from a single run by rounding: vecmath.h). Their symbols carry a prefix of their
 * own (nd_libm__NAME_rhs), which the build's objcopy keeps; elsewhere (a test or program that
 * compiles a model file itself) they are plain static functions. */
#if defined(ND_SINGLE_PASS) || !(defined(ND_SCALAR_PASS) || defined(ND_WITH_SCALAR_PASS))
#define ND_LIBM_ENTRY(fn, label) static void fn(double, const double *, const double *, double *);
#define ND_LIBM_LINKAGE ND_UNUSED static
#else
#ifdef ND_SCALAR_PASS
#define ND_LIBM_LINKAGE __attribute__((visibility("hidden"), unused))
#else
#define ND_LIBM_LINKAGE __attribute__((weak, visibility("hidden"), unused))
#endif
#define ND_LIBM_ENTRY(fn, label)                                                             \
    ND_LIBM_LINKAGE void fn(double, const double *, const double *, double *) __asm__("nd_libm__" label);
#endif

/* ND_RHS(name) { ... } defines name_rhs_body (inlinable) and name_rhs (plain). */
#ifdef ND_SINGLE_PASS
/* The float pass of a model file (kernels.h, ND_ENS_SINGLE_DECL): the body with float state,
 * parameters and derivatives (t stays double), and the float math functions for float arguments
 * (as <tgmath.h> would, without its <complex.h>, whose macro I clashes with models' names).
 * Only the float lanes are kept from this pass; its name_rhs is never called and does nothing.
 * With ND_VECMATH the functions SLEEF has are its vectorisable ones (vecmath.h), in both passes. */
#define exp(a) _Generic((a), float: ND_VM_NAMEF(exp), default: ND_VM_NAME(exp))(a)
#define exp2(a) _Generic((a), float: ND_VM_NAMEF(exp2), default: ND_VM_NAME(exp2))(a)
#define expm1(a) _Generic((a), float: ND_VM_NAMEF(expm1), default: ND_VM_NAME(expm1))(a)
#define log(a) _Generic((a), float: ND_VM_NAMEF(log), default: ND_VM_NAME(log))(a)
#define log1p(a) _Generic((a), float: ND_VM_NAMEF(log1p), default: ND_VM_NAME(log1p))(a)
#define log10(a) _Generic((a), float: ND_VM_NAMEF(log10), default: ND_VM_NAME(log10))(a)
#define log2(a) _Generic((a), float: ND_VM_NAMEF(log2), default: ND_VM_NAME(log2))(a)
#define sqrt(a) _Generic((a), float: ND_VM_NAMEF(sqrt), default: ND_VM_NAME(sqrt))(a)
#define cbrt(a) _Generic((a), float: ND_VM_NAMEF(cbrt), default: ND_VM_NAME(cbrt))(a)
#define sin(a) _Generic((a), float: ND_VM_NAMEF(sin), default: ND_VM_NAME(sin))(a)
#define cos(a) _Generic((a), float: ND_VM_NAMEF(cos), default: ND_VM_NAME(cos))(a)
#define tan(a) _Generic((a), float: ND_VM_NAMEF(tan), default: ND_VM_NAME(tan))(a)
#define sinh(a) _Generic((a), float: ND_VM_NAMEF(sinh), default: ND_VM_NAME(sinh))(a)
#define cosh(a) _Generic((a), float: ND_VM_NAMEF(cosh), default: ND_VM_NAME(cosh))(a)
#define tanh(a) _Generic((a), float: ND_VM_NAMEF(tanh), default: ND_VM_NAME(tanh))(a)
#define asin(a) _Generic((a), float: ND_VM_NAMEF(asin), default: ND_VM_NAME(asin))(a)
#define acos(a) _Generic((a), float: ND_VM_NAMEF(acos), default: ND_VM_NAME(acos))(a)
#define atan(a) _Generic((a), float: ND_VM_NAMEF(atan), default: ND_VM_NAME(atan))(a)
#define erf(a) _Generic((a), float: ND_VM_NAMEF(erf), default: ND_VM_NAME(erf))(a)
#define fabs(a) _Generic((a), float: fabsf, default: fabs)(a)
#define floor(a) _Generic((a), float: floorf, default: floor)(a)
#define ceil(a) _Generic((a), float: ceilf, default: ceil)(a)
#define erfc(a) _Generic((a), float: erfcf, default: erfc)(a)
#define pow(a, b) _Generic((a) + (b), float: ND_VM_NAMEF(pow), default: ND_VM_NAME(pow))(a, b)
#define atan2(a, b) _Generic((a) + (b), float: ND_VM_NAMEF(atan2), default: ND_VM_NAME(atan2))(a, b)
#define fmax(a, b) _Generic((a) + (b), float: fmaxf, default: fmax)(a, b)
#define fmin(a, b) _Generic((a) + (b), float: fminf, default: fmin)(a, b)
#define fmod(a, b) _Generic((a) + (b), float: fmodf, default: fmod)(a, b)
#define hypot(a, b) _Generic((a) + (b), float: hypotf, default: hypot)(a, b)
#define ND_RHS(name)                                                                         \
    ND_FN void name##_rhs_body(ND_UNUSED double t, ND_UNUSED const float *ND_RESTRICT x,      \
                               ND_UNUSED const float *ND_RESTRICT p, float *ND_RESTRICT dxdt); \
    ND_UNUSED static void name##_rhs(double t, const double *x, const double *p, double *dxdt) \
    {                                                                                         \
        (void)t, (void)x, (void)p, (void)dxdt;                                                \
    }                                                                                         \
    ND_FN void name##_rhs_body(ND_UNUSED double t, ND_UNUSED const float *ND_RESTRICT x,      \
                               ND_UNUSED const float *ND_RESTRICT p, float *ND_RESTRICT dxdt)
#else
/* The double pass with SLEEF (vecmath.h): the functions that vectorise through it. */
#ifdef ND_HAVE_VECMATH
#define exp(a) nd_exp(a)
#define exp2(a) nd_exp2(a)
#define expm1(a) nd_expm1(a)
#define log(a) nd_log(a)
#define log1p(a) nd_log1p(a)
#define log10(a) nd_log10(a)
#define log2(a) nd_log2(a)
#define sqrt(a) nd_sqrt(a)
#define cbrt(a) nd_cbrt(a)
#define sin(a) nd_sin(a)
#define cos(a) nd_cos(a)
#define tan(a) nd_tan(a)
#define sinh(a) nd_sinh(a)
#define cosh(a) nd_cosh(a)
#define tanh(a) nd_tanh(a)
#define asin(a) nd_asin(a)
#define acos(a) nd_acos(a)
#define atan(a) nd_atan(a)
#define erf(a) nd_erf(a)
#define pow(a, b) nd_pow(a, b)
#define atan2(a, b) nd_atan2(a, b)
#endif
#define ND_RHS(name)                                                                         \
    ND_FN void name##_rhs_body(ND_UNUSED double t, ND_UNUSED const double *ND_RESTRICT x,     \
                               ND_UNUSED const double *ND_RESTRICT p,                        \
                               double *ND_RESTRICT dxdt);                                     \
    ND_LIBM_ENTRY(name##_rhs, #name "_rhs")                                                   \
    ND_LIBM_LINKAGE void name##_rhs(double t, const double *x, const double *p, double *dxdt) \
    {                                                                                         \
        name##_rhs_body(t, x, p, dxdt);                                                       \
    }                                                                                         \
    ND_FN void name##_rhs_body(ND_UNUSED double t, ND_UNUSED const double *ND_RESTRICT x,     \
                               ND_UNUSED const double *ND_RESTRICT p, double *ND_RESTRICT dxdt)
#endif

/* ND_JACOBIAN(name) { jac[i*n + j] = ...; } defines name_jac. */
#define ND_JACOBIAN(name)                                                                    \
    ND_LIBM_ENTRY(name##_jac, #name "_jac")                                                   \
    ND_LIBM_LINKAGE void name##_jac(ND_UNUSED double t, ND_UNUSED const double *ND_RESTRICT x,         \
                           ND_UNUSED const double *ND_RESTRICT p, double *ND_RESTRICT jac)

/* ND_DIFFUSION(name) { g[...] = ...; } defines name_diffusion_body and name_diffusion. */
#define ND_DIFFUSION(name)                                                                   \
    ND_FN void name##_diffusion_body(ND_UNUSED double t, ND_UNUSED const double *ND_RESTRICT x, \
                                     ND_UNUSED const double *ND_RESTRICT p,                  \
                                     double *ND_RESTRICT g);                                  \
    ND_LIBM_ENTRY(name##_diffusion, #name "_diffusion")                                       \
    ND_LIBM_LINKAGE void name##_diffusion(double t, const double *x, const double *p, double *g) \
    {                                                                                         \
        name##_diffusion_body(t, x, p, g);                                                    \
    }                                                                                         \
    ND_FN void name##_diffusion_body(ND_UNUSED double t, ND_UNUSED const double *ND_RESTRICT x, \
                                     ND_UNUSED const double *ND_RESTRICT p,                  \
                                     double *ND_RESTRICT g)

/* ND_DIFFUSION_JACOBIAN(name) { dg[i*n + j] = d g_i / d x_j; } defines name_diffusion_jac. */
#define ND_DIFFUSION_JACOBIAN(name)                                                          \
    ND_LIBM_ENTRY(name##_diffusion_jac, #name "_diffusion_jac")                               \
    ND_LIBM_LINKAGE void name##_diffusion_jac(ND_UNUSED double t, ND_UNUSED const double *ND_RESTRICT x, \
                                     ND_UNUSED const double *ND_RESTRICT p,                  \
                                     double *ND_RESTRICT jac)

/* ND_RESET(name) { x[...] = ...; } defines name_reset_body and name_reset. */
#define ND_RESET(name)                                                                       \
    ND_FN void name##_reset_body(double *ND_RESTRICT x, ND_UNUSED const double *ND_RESTRICT p); \
    ND_UNUSED static void name##_reset(double *x, const double *p) { name##_reset_body(x, p); } \
    ND_FN void name##_reset_body(double *ND_RESTRICT x, ND_UNUSED const double *ND_RESTRICT p)

/* In a user model file: ND_EXPORT_MODEL(my_model) makes the descriptor loadable by the CLI
 * (and, in the device build of the file, its CUDA kernels: neurodyn/ensemble_cuda.cuh). */
#ifndef ND_CUDA_EXPORT
#define ND_CUDA_EXPORT(descriptor)
#endif
#define ND_EXPORT_MODEL(descriptor)                                                          \
    __attribute__((visibility("default"))) const nd_model *nd_model_entry(void);             \
    __attribute__((visibility("default"))) const nd_model *nd_model_entry(void)              \
    {                                                                                         \
        return &(descriptor);                                                                 \
    }                                                                                         \
    ND_CUDA_EXPORT(descriptor)

#ifdef __cplusplus
}
#endif

#include "kernels.h"

#endif
