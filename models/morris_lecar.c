/* Morris–Lecar barnacle muscle fibre, in the two parameter sets of Rinzel & Ermentrout.
 *   C dV/dt = I - gL (V - VL) - gCa m_inf(V) (V - VCa) - gK w (V - VK)
 *   dw/dt   = phi (w_inf(V) - w) / tau_w(V)
 *   m_inf = (1 + tanh((V - V1)/V2)) / 2,  w_inf = (1 + tanh((V - V3)/V4)) / 2,
 *   tau_w = 1 / cosh((V - V3)/(2 V4))
 * Units: mV, ms, mS/cm^2, uA/cm^2, uF/cm^2.
 * Morris & Lecar (1981) Biophys. J. 35:193; parameter sets from Rinzel & Ermentrout (1989)
 * "Analysis of neural excitability and oscillations", in Koch & Segev (eds.) Methods in
 * Neuronal Modeling, MIT Press. Common: C=20, VL=-60, VCa=120, VK=-84, gL=2, gK=8, V1=-1.2,
 * V2=18.
 *   morris_lecar       Hopf (class II) set: gCa=4.4, V3=2,  V4=30,   phi=0.04.
 *   morris_lecar_snic  SNIC (class I) set:  gCa=4,   V3=12, V4=17.4, phi=1/15.
 * Default currents, chosen so that a plain simulation oscillates:
 *   Hopf set, I=100: the only equilibrium (V=-23.09, w=0.158) is an unstable focus
 *     (eigenvalues 0.0175 +- 0.0754i /ms); the rest state loses stability in a subcritical
 *     Hopf bifurcation at I=93.9, and a stable cycle coexists with stable rest from
 *     I=88.3-88.5. RK4 (h=0.05 ms) from V=-60: V in [-50.3, 33.3] mV, period ~85 ms.
 *   SNIC set, I=45: above the saddle-node on the invariant circle at I=39.8-40.0, the only
 *     equilibrium (V=5.09, w=0.311) is an unstable focus (0.0702 +- 0.2015i /ms); RK4 from
 *     V=-60: V in [-46.4, 30.9] mV, period ~100 ms (low-frequency class I firing).
 * (Equilibria by Newton from a grid, eigenvalues of the Jacobian; bifurcation values by
 * scanning I in steps of 0.25.)
 * Both descriptors share one RHS and one kernel table. */
#include "neurodyn/model.h"
#include "zoo.h"

enum { V, W };
enum { CM, IAPP, GL, VL, GCA, VCA, GK, VK, V1, V2, V3, V4, PHI };

ND_RHS(morris_lecar)
{
    const nd_real v = x[V], w = x[W];
    const nd_real minf = 0.5 * (1.0 + tanh((v - p[V1]) / p[V2]));
    const nd_real winf = 0.5 * (1.0 + tanh((v - p[V3]) / p[V4]));
    const nd_real rate = cosh((v - p[V3]) / (2.0 * p[V4])); /* 1 / tau_w */
    dxdt[V] = (p[IAPP] - p[GL] * (v - p[VL]) - p[GCA] * minf * (v - p[VCA]) -
               p[GK] * w * (v - p[VK])) /
              p[CM];
    dxdt[W] = p[PHI] * (winf - w) * rate;
}

ND_JACOBIAN(morris_lecar)
{
    const double v = x[V], w = x[W];
    const double tm = tanh((v - p[V1]) / p[V2]);
    const double tw = tanh((v - p[V3]) / p[V4]);
    const double minf = 0.5 * (1.0 + tm), winf = 0.5 * (1.0 + tw);
    const double dminf = 0.5 * (1.0 - tm * tm) / p[V2];
    const double dwinf = 0.5 * (1.0 - tw * tw) / p[V4];
    const double arg = (v - p[V3]) / (2.0 * p[V4]);
    const double ch = cosh(arg), sh = sinh(arg);
    jac[0] = (-p[GL] - p[GCA] * (dminf * (v - p[VCA]) + minf) - p[GK] * w) / p[CM];
    jac[1] = -p[GK] * (v - p[VK]) / p[CM];
    jac[2] = p[PHI] * (dwinf * ch + (winf - w) * sh / (2.0 * p[V4]));
    jac[3] = -p[PHI] * ch;
}

ND_KERNELS(morris_lecar, 2, 13)

static const char *const vars[] = {"V", "w"};
static const char *const units[] = {"mV", ""};
static const char *const pars[] = {"C",  "I",  "gL", "VL", "gCa", "VCa", "gK",
                                   "VK", "V1", "V2", "V3", "V4",  "phi"};
static const char *const par_units[] = {"µF/cm²", "µA/cm²", "mS/cm²", "mV", "mS/cm²", "mV", "mS/cm²",
                                        "mV",     "mV",     "mV",     "mV", "mV",     "1/ms"};
/*                                    C     I      gL   VL     gCa  VCa    gK   VK     V1    V2 */
static const double defaults_hopf[] = {20.0, 100.0, 2.0, -60.0, 4.4, 120.0, 8.0, -84.0, -1.2, 18.0,
                                       /* V3  V4    phi */
                                       2.0, 30.0, 0.04};
static const double defaults_snic[] = {20.0, 45.0, 2.0, -60.0, 4.0, 120.0, 8.0, -84.0, -1.2, 18.0,
                                       12.0, 17.4, 1.0 / 15.0};
static const double init_hopf[] = {-60.0, 0.015}; /* near rest at I=0: w_inf(-60) = 0.0148 */
static const double init_snic[] = {-60.0, 0.0};   /* w_inf(-60) = 0.0004 for this set */
static const double lo[] = {-80.0, 0.0}, hi[] = {60.0, 1.0};

const nd_model nd_model_morris_lecar = {
    .name = "morris_lecar",
    .aliases = "ml",
    .title = "Morris-Lecar neuron, Hopf (class II) parameter set",
    .reference = "Morris & Lecar (1981) Biophys J 35:193; Hopf parameter set of Rinzel & "
                 "Ermentrout (1989) in Koch & Segev (eds) Methods in Neuronal Modeling; I=100 "
                 "chosen above the Hopf point",
    .n_vars = 2,
    .n_pars = 13,
    .var_names = vars,
    .par_names = pars,
    .par_defaults = defaults_hopf,
    .init = init_hopf,
    .var_lo = lo,
    .var_hi = hi,
    .rhs = morris_lecar_rhs,
    .jac = morris_lecar_jac,
    .kernels = &morris_lecar_kernels,
    .time_unit = "ms",
    .bif_par = "I",
    .bif_lo = 0.0,
    .bif_hi = 250.0,
    .var_units = units,
    .par_units = par_units,
};

const nd_model nd_model_morris_lecar_snic = {
    .name = "morris_lecar_snic",
    .aliases = NULL,
    .title = "Morris-Lecar neuron, SNIC (class I) parameter set",
    .reference = "Morris & Lecar (1981) Biophys J 35:193; SNIC parameter set of Rinzel & "
                 "Ermentrout (1989) in Koch & Segev (eds) Methods in Neuronal Modeling; I=45 "
                 "chosen just above the SNIC",
    .n_vars = 2,
    .n_pars = 13,
    .var_names = vars,
    .par_names = pars,
    .par_defaults = defaults_snic,
    .init = init_snic,
    .var_lo = lo,
    .var_hi = hi,
    .rhs = morris_lecar_rhs,
    .jac = morris_lecar_jac,
    .kernels = &morris_lecar_kernels,
    .time_unit = "ms",
    .bif_par = "I",
    .bif_lo = 0.0,
    .bif_hi = 150.0,
    .var_units = units,
    .par_units = par_units,
};
