/* The persistent sodium plus potassium (I_Na,p + I_K) model, in mV and ms.
 *   C dV/dt = I - gL (V - EL) - gNa m_inf(V) (V - ENa) - gK n (V - EK)
 *   dn/dt   = (n_inf(V) - n) / tau
 *   m_inf(V) = 1 / (1 + exp((Vm_half - V) / km)),  n_inf(V) = 1 / (1 + exp((Vn_half - V) / kn))
 * Izhikevich (2007) Dynamical Systems in Neuroscience, MIT Press, ch. 4, eqs. (4.1)-(4.2),
 * with the book's parameter set of the high-threshold K+ current (Vn_half = -25; its
 * low-threshold set, Vn_half = -45 and EL = -78, has a Hopf point instead): C=1, EL=-80, gL=8,
 * gNa=20, ENa=60, gK=10, EK=-90, Vm_half=-20, km=15, Vn_half=-25, kn=5, tau=1 (constant).
 * Units: mV, ms, mS/cm^2, uA/cm^2, uF/cm^2.
 * On the equilibrium curve n = n_inf(V) and I = I_ss(V) = gL (V - EL) + gNa m_inf(V) (V - ENa)
 * + gK n_inf(V) (V - EK). Computed independently of neurodyn (mpmath, 40 digits: roots of
 * dI_ss/dV and of the Jacobian's trace on that curve, eigenvalues there):
 *   - I_ss has a local maximum at V = -60.9325176138, I = 4.51286763030: there the rest node
 *     and the saddle meet in a saddle-node on the invariant circle (class I excitability); and
 *     a local minimum at V = -35.6633442186, I = -85.8228423692 (the upper fold);
 *   - at I = 0: a stable node at V = -65.9530, n = 0.000277 (eigenvalues -1.715, -1.019 /ms),
 *     a saddle at V = -56.1400 and an unstable focus at V = -27.2805;
 *   - the upper equilibrium regains stability in a supercritical Hopf bifurcation at
 *     I = 200.439491777 (V = -19.6652, determinant 25.8 > 0); RK4 (h = 0.001 ms) shows the
 *     cycle shrinking into it (V swings 12.6, 4.4, 2.4 mV at I = 190, 199, 200);
 *   - at the default I = 10 the only equilibrium is the unstable focus (V = -26.83,
 *     eigenvalues 3.32 +- 3.45i /ms). RK4 (h = 0.01 ms) from the initial state, near the rest
 *     state of I = 0, fires periodically: V in [-76.5, 9.7] mV, period 7.07 ms (141 Hz). Near
 *     the SNIC the period grows without bound: 28.8 ms at I = 4.6, 87 ms at I = 4.52; at
 *     I = 4.5 the orbit settles at rest (V = -61.19).
 * The default continuation range I in -100:400 holds the whole S-shaped equilibrium curve (both
 * folds) and the Hopf point; from I = -100, below the upper fold, there is one equilibrium, so
 * the diagram is one branch: LP 4.513, LP -85.82, H 200.44.
 * The box V in [-90, 40], n in [0, 1] is forward invariant for every I in -107:567, which holds
 * that range (dV/dt = I + 80 + 3000 m_inf(-90) > 0 on V = -90, where V = EK;
 * dV/dt <= I - 960 + 400 m_inf(40) < 0 on V = 40; n_inf is in (0, 1)); orbits of I = 200..400
 * do reach V = 30 (RK4 from the box's corners), so the upper bound is not 20. */
#include "neurodyn/model.h"
#include "zoo.h"

enum { V, N };
enum { CM, I, EL, GL, GNA, ENA, GK, EK, VMH, KM, VNH, KN, TAU };

ND_RHS(inap_ik)
{
    const nd_real v = x[V], n = x[N];
    const nd_real minf = 1.0 / (1.0 + exp((p[VMH] - v) / p[KM]));
    const nd_real ninf = 1.0 / (1.0 + exp((p[VNH] - v) / p[KN]));
    dxdt[V] = (p[I] - p[GL] * (v - p[EL]) - p[GNA] * minf * (v - p[ENA]) - p[GK] * n * (v - p[EK])) /
              p[CM];
    dxdt[N] = (ninf - n) / p[TAU];
}

/* With e = exp((V_half - V)/k) and s = 1/(1 + e): ds/dV = e s^2 / k (= s (1 - s)/k without the
 * cancellation of 1 - s near s = 1). */
ND_JACOBIAN(inap_ik)
{
    const double v = x[V], n = x[N];
    const double em = exp((p[VMH] - v) / p[KM]), minf = 1.0 / (1.0 + em);
    const double en = exp((p[VNH] - v) / p[KN]), ninf = 1.0 / (1.0 + en);
    const double dminf = em * minf * minf / p[KM], dninf = en * ninf * ninf / p[KN];
    jac[0] = -(p[GL] + p[GNA] * (dminf * (v - p[ENA]) + minf) + p[GK] * n) / p[CM];
    jac[1] = -p[GK] * (v - p[EK]) / p[CM];
    jac[2] = dninf / p[TAU];
    jac[3] = -1.0 / p[TAU];
}

ND_KERNELS(inap_ik, 2, 13)

static const char *const vars[] = {"V", "n"};
static const char *const units[] = {"mV", ""};
static const char *const pars[] = {"C",  "I",       "EL", "gL",      "gNa", "ENa", "gK",
                                   "EK", "Vm_half", "km", "Vn_half", "kn",  "tau"};
static const char *const par_units[] = {"µF/cm²", "µA/cm²", "mV", "mS/cm²", "mS/cm²", "mV", "mS/cm²",
                                        "mV",     "mV",     "mV", "mV",     "mV",     "ms"};
/*                               C    I     EL     gL   gNa   ENa   gK    EK     Vm_half km */
static const double defaults[] = {1.0, 10.0, -80.0, 8.0, 20.0, 60.0, 10.0, -90.0, -20.0, 15.0,
                                  /* Vn_half kn  tau */
                                  -25.0, 5.0, 1.0};
static const double init[] = {-66.0, 0.0003}; /* near the rest state of I = 0 */
static const double lo[] = {-90.0, 0.0}, hi[] = {40.0, 1.0};

const nd_model nd_model_inap_ik = {
    .name = "inap_ik",
    .aliases = "inapk",
    .title = "I_Na,p + I_K neuron (Izhikevich 2007), class I (SNIC) set",
    .reference = "Izhikevich (2007) Dynamical Systems in Neuroscience, MIT Press, ch. 4 (eqs. "
                 "4.1-4.2), high-threshold K+ set (SNIC at I = 4.513); I=10 for repetitive firing",
    .n_vars = 2,
    .n_pars = 13,
    .var_names = vars,
    .par_names = pars,
    .par_defaults = defaults,
    .init = init,
    .var_lo = lo,
    .var_hi = hi,
    .rhs = inap_ik_rhs,
    .jac = inap_ik_jac,
    .kernels = &inap_ik_kernels,
    .time_unit = "ms",
    .bif_par = "I",
    .bif_lo = -100.0,
    .bif_hi = 400.0,
    .var_units = units,
    .par_units = par_units,
};
