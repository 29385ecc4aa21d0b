/* A user model for neurodyn: copy this file, change the equations, and run
 *
 *     neurodyn info     ./examples/user_model.c
 *     neurodyn simulate ./examples/user_model.c --t1 100 --sample 0.1 --out inap.tsv
 *
 * The CLI compiles the file with the system compiler into a cached shared object (keyed by
 * its content) and loads it; nothing else is needed. See docs/models.md.
 *
 * The model: the persistent-sodium-plus-potassium (I_Na,p + I_K) neuron, a Morris–Lecar-like
 * planar model with an instantaneous Na activation and a slower K gate,
 *
 *     C dV/dt = I - gL (V - EL) - gNa m_inf(V) (V - ENa) - gK n (V - EK)
 *       dn/dt = (n_inf(V) - n) / tau
 *     m_inf(V) = 1 / (1 + exp((Vm - V) / km)),   n_inf(V) = 1 / (1 + exp((Vn - V) / kn))
 *
 * Izhikevich (2007) Dynamical Systems in Neuroscience, MIT Press, ch. 4, eqs. (4.1)-(4.2),
 * with the high-threshold K parameters of his Fig. 4.1: C=1, EL=-80, gL=8, gNa=20, ENa=60,
 * gK=10, EK=-90, Vm=-20, km=15, Vn=-25, kn=5, tau=1. With this set the rest state
 * disappears in a saddle-node on invariant circle bifurcation near I = 4.5; I = 10 (the
 * default here) gives tonic spiking. Units: mV, ms. */

/* The only header a model needs. It defines nd_model and the macros used below, and it
 * includes <math.h> (exp, tanh, fabs, ...). Do not include library-internal headers. */
#include "neurodyn/model.h"

/* Index enums: variables and parameters are plain arrays x[] and p[]; names for the indices
 * keep the equations readable and must follow the order of var_names / par_names below. */
enum { V, N_GATE };                                                /* variables  x[0], x[1] */
enum { C, IAPP, GL, EL, GNA, ENA, GK, EK, VM, KM, VN, KN, TAU };   /* parameters p[0..12]   */

/* A helper used by the RHS must be inlinable too: ND_FN is `static inline` (forced inline
 * with GCC/Clang) and `__host__ __device__ static inline` under nvcc. Prefix its name with
 * the model's name so it cannot clash with the helpers of other models. */
ND_FN nd_real inap_boltzmann(nd_real v, nd_real vhalf, nd_real k)
{
    return 1.0 / (1.0 + exp((vhalf - v) / k));
}

/* ND_RHS(inap) { ... } generates two functions from the one body below:
 *   inap_rhs_body  the body itself, `static inline` (host + device under nvcc), which
 *                  ND_KERNELS and the GPU code inline into their loops;
 *   inap_rhs       a plain function with the nd_rhs_fn signature, for the descriptor (used by
 *                  the single-trajectory driver, Jacobians and the analysis code).
 * Inside the body the arguments are always t (time), x (state), p (parameters) and dxdt
 * (output); x and p are read-only and restrict-qualified.
 *
 * Keep the body plain, inlinable C: only arithmetic, local variables, <math.h> functions and
 * ND_FN helpers; no static or global mutable state, no I/O, no allocation, no calls through
 * pointers or into other files, no variable-length arrays. Then the compiler can inline it
 * into the `omp simd` loop that steps many trajectories at once (structure of arrays), and
 * the same text compiles as CUDA device code. Assign every dxdt[i]. Prefer fmin/fmax or
 * ?: over if/else where you can: branch-free code vectorises. Declare locals and helpers as
 * nd_real: double, and float in the file's float pass, which --precision single runs. */
ND_RHS(inap)
{
    const nd_real v = x[V], n = x[N_GATE];
    const nd_real m_inf = inap_boltzmann(v, p[VM], p[KM]);
    const nd_real n_inf = inap_boltzmann(v, p[VN], p[KN]);
    dxdt[V] = (p[IAPP] - p[GL] * (v - p[EL]) - p[GNA] * m_inf * (v - p[ENA])
               - p[GK] * n * (v - p[EK])) / p[C];
    dxdt[N_GATE] = (n_inf - n) / p[TAU];
}

/* ND_JACOBIAN(inap) { ... } generates inap_jac (optional). Fill jac row-major:
 * jac[i*n + j] = d dxdt[i] / d x[j], here n = 2. Without it (.jac = NULL) neurodyn uses
 * central finite differences, which cost 2n RHS calls and are less accurate; an analytic
 * Jacobian helps exponential_euler, the stiff GSL methods and the analysis code.
 * Boltzmann derivative: d/dv [1/(1 + exp((vh - v)/k))] = b (1 - b) / k. */
ND_JACOBIAN(inap)
{
    const nd_real v = x[V], n = x[N_GATE];
    const nd_real m_inf = inap_boltzmann(v, p[VM], p[KM]);
    const nd_real n_inf = inap_boltzmann(v, p[VN], p[KN]);
    const double dm = m_inf * (1.0 - m_inf) / p[KM];
    const double dn = n_inf * (1.0 - n_inf) / p[KN];
    jac[0] = (-p[GL] - p[GNA] * (dm * (v - p[ENA]) + m_inf) - p[GK] * n) / p[C]; /* dV'/dV */
    jac[1] = -p[GK] * (v - p[EK]) / p[C];                                        /* dV'/dn */
    jac[2] = dn / p[TAU];                                                        /* dn'/dV */
    jac[3] = -1.0 / p[TAU];                                                      /* dn'/dn */
}

/* ND_KERNELS(inap, 2, 13) instantiates inap_kernels, the vectorised structure-of-arrays
 * kernels (RHS, any explicit RK table, unrolled RK4) with inap_rhs_body inlined. The two
 * numbers are the counts of variables and parameters as integer constants (the per-lane
 * copies of x and p become registers only when their sizes are known at compile time);
 * neurodyn checks them against the descriptor when it loads the model. It must come after
 * ND_RHS. Optional, but without it the ensemble and neuron-group code cannot use the model
 * at full speed. */
ND_KERNELS(inap, 2, 13)

/* Optional pieces, not used by this model (see docs/models.md and models/izhikevich.c):
 *   ND_DIFFUSION(inap) { g[i] = ...; }  plus .diffusion = inap_diffusion, .noise = ...
 *   ND_RESET(inap) { x[V] = p[...]; }   plus .spike = &rule, a const nd_spike_rule that names
 *                                       the variable, threshold, reset and refractory time. */

/* Names, defaults and the initial state: arrays in the order of the enums above. Names must
 * be unique, non-empty, and no name may be both a variable and a parameter. */
static const char *const var_names[] = {"V", "n"};
static const char *const par_names[] = {"C",  "I",   "gL", "EL", "gNa", "ENa", "gK",
                                        "EK", "Vm",  "km", "Vn", "kn",  "tau"};
/* Optional: units of the parameters, for the figures' axes ("" for none). */
static const char *const par_units[] = {"µF/cm²", "µA/cm²", "mS/cm²", "mV", "mS/cm²", "mV", "mS/cm²",
                                        "mV",     "mV",     "mV",     "mV", "mV",     "ms"};
static const double par_defaults[] = {1.0,   10.0, 8.0,  -80.0, 20.0, 60.0, 10.0,
                                      -90.0, -20.0, 15.0, -25.0, 5.0,  1.0};
static const double init[] = {-65.0, 0.0};
/* Optional: a sensible box for each variable (used by phase planes and fixed-point search). */
static const double var_lo[] = {-90.0, -0.1}, var_hi[] = {20.0, 1.0};

/* The descriptor: designated initialisers, fields left out are zero/NULL. rhs is required;
 * n_vars / n_pars must match the arrays and the ND_KERNELS numbers. */
static const nd_model inap_model = {
    .name = "inap_ik",
    .title = "persistent Na + K (I_Na,p + I_K) neuron, high-threshold K",
    .reference = "Izhikevich (2007) Dynamical Systems in Neuroscience, ch. 4, eqs. 4.1-4.2, "
                 "parameters of Fig. 4.1; I=10 for tonic spiking",
    .n_vars = 2,
    .n_pars = 13,
    .var_names = var_names,
    .par_names = par_names,
    .par_defaults = par_defaults,
    .init = init,
    .var_lo = var_lo,
    .var_hi = var_hi,
    .rhs = inap_rhs,
    .jac = inap_jac,
    .kernels = &inap_kernels,
    .time_unit = "ms",
    .par_units = par_units,
    .bif_par = "I",   /* default parameter and range for continuation */
    .bif_lo = 0.0,
    .bif_hi = 10.0,
};

/* ND_EXPORT_MODEL(inap_model) defines the exported function nd_model_entry(), which returns
 * &inap_model; the loader finds the model through it (dlsym). Exactly one per file: without
 * it loading fails with "defines no model". */
ND_EXPORT_MODEL(inap_model)
