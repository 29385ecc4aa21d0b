/* Leaky integrate-and-fire neuron.
 *   tau dV/dt = -(V - V_rest) + R I
 *   if V >= V_th: V <- V_reset, then V is held for tau_ref
 * Lapicque (1907); form and defaults of BrainPy's LIF (brainpy.dyn.LIF / LifRef):
 * V_rest=0, V_reset=-5, V_th=20, R=1, tau=10 ms, except tau_ref=5 ms (BrainPy: 0 or 1 ms
 * depending on the version) so that refractoriness is visible. I=25 drives V toward
 * V_rest + R I = 25 > V_th, so the neuron fires periodically with period
 * tau_ref + tau ln((R I - V_reset + V_rest)/(R I - V_th + V_rest)) = 5 + 10 ln 6 = 22.9 ms.
 * Units: mV and ms. */
#include "neurodyn/model.h"
#include "zoo.h"

enum { V };
enum { VREST, VRESET, VTH, RM, TAU, TREF, IAPP };

ND_RHS(lif)
{
    dxdt[V] = (-(x[V] - p[VREST]) + p[RM] * p[IAPP]) / p[TAU];
}

ND_JACOBIAN(lif)
{
    jac[0] = -1.0 / p[TAU];
}

ND_RESET(lif)
{
    x[V] = p[VRESET];
}

ND_KERNELS(lif, 1, 7)

static const nd_spike_rule spike = {
    .var = V,
    .threshold_par = VTH,
    .threshold = 0.0,
    .reset = lif_reset,
    .refractory_par = TREF,
    .refractory = 0.0,
};

static const char *const vars[] = {"V"};
static const char *const units[] = {"mV"};
static const char *const pars[] = {"V_rest", "V_reset", "V_th", "R", "tau", "tau_ref", "I"};
static const char *const par_units[] = {"mV", "mV", "mV", "MΩ", "ms", "ms", "nA"}; /* R I in mV */
static const double defaults[] = {0.0, -5.0, 20.0, 1.0, 10.0, 5.0, 25.0};
static const double init[] = {0.0};
static const double lo[] = {-10.0}, hi[] = {25.0};

const nd_model nd_model_lif = {
    .name = "lif",
    .aliases = NULL,
    .title = "Leaky integrate-and-fire neuron (BrainPy form)",
    .reference = "Lapicque (1907) J Physiol Pathol Gen 9:620; equations and defaults of BrainPy "
                 "LIF (V_rest=0, V_reset=-5, V_th=20, R=1, tau=10) with tau_ref=5, I=25",
    .n_vars = 1,
    .n_pars = 7,
    .var_names = vars,
    .par_names = pars,
    .par_defaults = defaults,
    .init = init,
    .var_lo = lo,
    .var_hi = hi,
    .rhs = lif_rhs,
    .jac = lif_jac,
    .kernels = &lif_kernels,
    .spike = &spike,
    .time_unit = "ms",
    .bif_par = "I",
    .bif_lo = 0.0,
    .bif_hi = 50.0,
    .var_units = units,
    .par_units = par_units,
};
