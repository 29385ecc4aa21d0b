/* neurodyn — vector math for model bodies, through SLEEF.
 *
 * In a model file compiled with ND_VECMATH (the zoo's rule in the Makefile, the loader's compile
 * line for user files), exp, log, pow, tanh, ... inside ND_RHS bodies call SLEEF's u10 functions
 * (at most 1.0 ulp; Shibata & Petrogalli, "SLEEF: A Portable Vectorized Library of C Standard
 * Mathematical Functions", IEEE TPDS 31(6), 2020). Each is declared `simd`, so GCC's `omp simd`
 * loops over ensemble lanes call SLEEF's vector versions through the x86-64 vector function ABI
 * (_ZGV<isa>N<lanes>v_nd_exp, defined below for the ISAs the file is compiled for), and a lane
 * loop's scalar remainder calls the scalar version of the same family. Everything that computes
 * one state (the single-trajectory driver, the plain RHS, the Jacobian) comes from the model
 * file's scalar pass, compiled without ND_VECMATH: glibc's functions, faster in a dependent
 * chain (exp: 15 ns against SLEEF's 21) and within 2 ulp of SLEEF's (kernels.h, model.h).
 *
 * SLEEF computes one algorithm in every width, but the FMA and non-FMA builds round differently:
 * with FMA the purecfma scalar and the avx2128, avx2 and avx512f vectors agree bitwise, without
 * it purec, sse2/sse4, avx and avx512fnofma do (tests/test_vecmath.c checks it on 10^6 arguments
 * per function; only the sign of a NaN may differ). The plain Sleef_exp_u10 is the purec one and differs from the FMA vectors in
 * about one exp result in ten, so it is never called here. A lane's result therefore does not
 * depend on its place in the block; it differs from a single run by rounding only where the body
 * calls one of these functions (tests/test_vecmath.c states the bound). sqrt is the hardware
 * square root in every width (correctly rounded: equal everywhere).
 *
 * Device code (nvcc) keeps CUDA's math; without ND_VECMATH, with clang (which lacks GCC's `simd`
 * function attribute), on other architectures or without <sleef.h> the names stay libm's (then exp does not vectorise, and lanes still equal the
 * driver, both calling libm). */
#ifndef NEURODYN_VECMATH_H
#define NEURODYN_VECMATH_H

#if defined(ND_VECMATH) && !defined(__CUDACC__) && !defined(__cplusplus) && defined(__x86_64__) &&  \
    defined(__GNUC__) && !defined(__clang__) && defined(__has_include)
#if __has_include(<sleef.h>)
#define ND_HAVE_VECMATH 1
#endif
#endif

#ifdef ND_HAVE_VECMATH
#include <immintrin.h>
#include <sleef.h>

/* SLEEF's versions of one rounding family, by lanes: d1 scalar ... d8 (AVX-512). */
#if defined(__FMA__) && defined(__AVX2__)
#define ND_VM_D1(f, u) Sleef_##f##d1_##u##purecfma
#define ND_VM_D2(f, u) Sleef_##f##d2_##u##avx2128
#define ND_VM_D4(f, u) Sleef_##f##d4_##u##avx2
#define ND_VM_D8(f, u) Sleef_##f##d8_##u##avx512f
#define ND_VM_F1(f, u) Sleef_##f##f1_##u##purecfma
#define ND_VM_F4(f, u) Sleef_##f##f4_##u##avx2128
#define ND_VM_F8(f, u) Sleef_##f##f8_##u##avx2
#define ND_VM_F16(f, u) Sleef_##f##f16_##u##avx512f
#else
#define ND_VM_D1(f, u) Sleef_##f##d1_##u##purec
#define ND_VM_D2(f, u) Sleef_##f##d2_##u##sse2
#define ND_VM_D4(f, u) Sleef_##f##d4_##u##avx
#define ND_VM_D8(f, u) Sleef_##f##d8_##u##avx512fnofma
#define ND_VM_F1(f, u) Sleef_##f##f1_##u##purec
#define ND_VM_F4(f, u) Sleef_##f##f4_##u##sse2
#define ND_VM_F8(f, u) Sleef_##f##f8_##u##avx
#define ND_VM_F16(f, u) Sleef_##f##f16_##u##avx512fnofma
#endif

/* Definitions live in every model file, weak (one copy in the library) and hidden (a user
 * model's shared object binds its own); the C names are private, the asm labels are the ABI's. */
#define ND_VM_WEAK __attribute__((weak, visibility("hidden")))
#define ND_VM_STR_(s) #s
#define ND_VM_STR(s) ND_VM_STR_(s)
#define ND_VM_DEF1(T, cname, label, call)                                                    \
    ND_VM_WEAK T cname(T a) __asm__(label);                                                   \
    ND_VM_WEAK T cname(T a) { return call(a); }
#define ND_VM_DEF2(T, cname, label, call)                                                    \
    ND_VM_WEAK T cname(T a, T b) __asm__(label);                                              \
    ND_VM_WEAK T cname(T a, T b) { return call(a, b); }

/* One vector variant: ISA letter, lanes, the argument letters ("v" or "vv"), vector type. */
#define ND_VM_VARIANT(ar, T, nm, isa, n, args, impl)                                          \
    ND_VM_DEF##ar(T, nd_vm_##isa##n##_##nm, ND_VM_STR(_ZGV##isa##N##n##args##_nd_##nm), impl)
#if defined(__AVX512F__)
#define ND_VM_E(ar, T, nm, n, args, impl) ND_VM_VARIANT(ar, T, nm, e, n, args, impl)
#else
#define ND_VM_E(ar, T, nm, n, args, impl)
#endif
#if defined(__AVX__)
#define ND_VM_CD(ar, T, nm, n, args, impl)                                                    \
    ND_VM_VARIANT(ar, T, nm, c, n, args, impl) ND_VM_VARIANT(ar, T, nm, d, n, args, impl)
#else
#define ND_VM_CD(ar, T, nm, n, args, impl)
#endif

#define ND_VM_ATTR __attribute__((simd("notinbranch"), const, nothrow, leaf))
/* nd_<f> in double and nd_<f>f in float, from SLEEF's f with accuracy class u, arity ar
 * ("v" or "vv" in the ABI's names). */
#define ND_VM_FUNC(ar, args, fn, u)                                                            \
    double nd_##fn(ND_VM_ARGS##ar(double)) ND_VM_ATTR;                                         \
    float nd_##fn##f(ND_VM_ARGS##ar(float)) ND_VM_ATTR;                                        \
    ND_VM_DEF##ar(double, nd_vm_1_##fn, ND_VM_STR(nd_##fn), ND_VM_D1(fn, u))                     \
    ND_VM_DEF##ar(float, nd_vm_1_##fn##f, ND_VM_STR(nd_##fn##f), ND_VM_F1(fn, u))                \
    ND_VM_VARIANT(ar, __m128d, fn, b, 2, args, ND_VM_D2(fn, u))                                 \
    ND_VM_VARIANT(ar, __m128, fn##f, b, 4, args, ND_VM_F4(fn, u))                               \
    ND_VM_CD(ar, __m256d, fn, 4, args, ND_VM_D4(fn, u))                                         \
    ND_VM_CD(ar, __m256, fn##f, 8, args, ND_VM_F8(fn, u))                                       \
    ND_VM_E(ar, __m512d, fn, 8, args, ND_VM_D8(fn, u))                                          \
    ND_VM_E(ar, __m512, fn##f, 16, args, ND_VM_F16(fn, u))
#define ND_VM_ARGS1(T) T
#define ND_VM_ARGS2(T) T, T

ND_VM_FUNC(1, v, exp, u10)
ND_VM_FUNC(1, v, exp2, u10)
ND_VM_FUNC(1, v, expm1, u10)
ND_VM_FUNC(1, v, log, u10)
ND_VM_FUNC(1, v, log2, u10)
ND_VM_FUNC(1, v, log10, u10)
ND_VM_FUNC(1, v, log1p, u10)
ND_VM_FUNC(1, v, cbrt, u10)
ND_VM_FUNC(1, v, sin, u10)
ND_VM_FUNC(1, v, cos, u10)
ND_VM_FUNC(1, v, tan, u10)
ND_VM_FUNC(1, v, asin, u10)
ND_VM_FUNC(1, v, acos, u10)
ND_VM_FUNC(1, v, atan, u10)
ND_VM_FUNC(1, v, sinh, u10)
ND_VM_FUNC(1, v, cosh, u10)
ND_VM_FUNC(1, v, tanh, u10)
ND_VM_FUNC(1, v, erf, u10)
ND_VM_FUNC(2, vv, pow, u10)
ND_VM_FUNC(2, vv, atan2, u10)

/* sqrt: the hardware instruction in every width, one correctly rounded result. */
#define ND_VM_SQRT(T, VT, nm, isa, n, op)                                                     \
    ND_VM_WEAK VT nd_vm_##isa##n##_##nm(VT a) __asm__(ND_VM_STR(_ZGV##isa##N##n##v_nd_##nm));    \
    ND_VM_WEAK VT nd_vm_##isa##n##_##nm(VT a) { return op(a); }
double nd_sqrt(double) ND_VM_ATTR;
float nd_sqrtf(float) ND_VM_ATTR;
ND_VM_WEAK double nd_vm_1_sqrt(double a) __asm__("nd_sqrt");
ND_VM_WEAK double nd_vm_1_sqrt(double a) { return _mm_cvtsd_f64(_mm_sqrt_sd(_mm_setzero_pd(), _mm_set_sd(a))); }
ND_VM_WEAK float nd_vm_1_sqrtf(float a) __asm__("nd_sqrtf");
ND_VM_WEAK float nd_vm_1_sqrtf(float a) { return _mm_cvtss_f32(_mm_sqrt_ss(_mm_set_ss(a))); }
ND_VM_SQRT(double, __m128d, sqrt, b, 2, _mm_sqrt_pd)
ND_VM_SQRT(float, __m128, sqrtf, b, 4, _mm_sqrt_ps)
#if defined(__AVX__)
ND_VM_SQRT(double, __m256d, sqrt, c, 4, _mm256_sqrt_pd)
ND_VM_SQRT(double, __m256d, sqrt, d, 4, _mm256_sqrt_pd)
ND_VM_SQRT(float, __m256, sqrtf, c, 8, _mm256_sqrt_ps)
ND_VM_SQRT(float, __m256, sqrtf, d, 8, _mm256_sqrt_ps)
#endif
#if defined(__AVX512F__)
ND_VM_SQRT(double, __m512d, sqrt, e, 8, _mm512_sqrt_pd)
ND_VM_SQRT(float, __m512, sqrtf, e, 16, _mm512_sqrt_ps)
#endif

/* The names model bodies use: ND_VM_NAME(exp) is nd_exp here, exp elsewhere (model.h). */
#define ND_VM_NAME(fn) nd_##fn
#define ND_VM_NAMEF(fn) nd_##fn##f
#else
#define ND_VM_NAME(fn) fn
#define ND_VM_NAMEF(fn) fn##f
#endif

#endif
