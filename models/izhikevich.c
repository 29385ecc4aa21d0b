/* Izhikevich simple spiking neuron.
 *   dv/dt = 0.04 v^2 + 5 v + 140 - u + I
 *   du/dt = a (b v - u)
 *   if v >= V_th (30 mV): v <- c, u <- u + d
 * Izhikevich (2003) IEEE Trans. Neural Netw. 14:1569. Defaults a=0.02, b=0.2, c=-65, d=8:
 * the paper's regular spiking (RS) cell; I=10 gives tonic spiking (about 23 spikes in the
 * first second from v=-65, u=b v=-13, checked by an RK4 simulation, h = 0.01 ms).
 * Units: mV and ms. */
#include "neurodyn/model.h"
#include "zoo.h"

enum { V, U };
enum { A, B, C, D, IAPP, VTH };

ND_RHS(izhikevich)
{
    const nd_real v = x[V];
    dxdt[V] = 0.04 * v * v + 5.0 * v + 140.0 - x[U] + p[IAPP];
    dxdt[U] = p[A] * (p[B] * v - x[U]);
}

ND_JACOBIAN(izhikevich)
{
    jac[0] = 0.08 * x[V] + 5.0;
    jac[1] = -1.0;
    jac[2] = p[A] * p[B];
    jac[3] = -p[A];
}

ND_RESET(izhikevich)
{
    x[V] = p[C];
    x[U] += p[D];
}

ND_KERNELS(izhikevich, 2, 6)

static const nd_spike_rule spike = {
    .var = V,
    .threshold_par = VTH,
    .threshold = 0.0,
    .reset = izhikevich_reset,
    .refractory_par = -1,
    .refractory = 0.0,
};

static const char *const vars[] = {"v", "u"};
static const char *const units[] = {"mV", ""};
static const char *const pars[] = {"a", "b", "c", "d", "I", "V_th"};
/* Izhikevich (2003) gives v in mV and t in ms; a is a rate, c a voltage, b, d and I are left
 * in the paper's units (none stated) */
static const char *const par_units[] = {"1/ms", "", "mV", "", "", "mV"};
static const double defaults[] = {0.02, 0.2, -65.0, 8.0, 10.0, 30.0};
static const double init[] = {-65.0, -13.0};
static const double lo[] = {-90.0, -20.0}, hi[] = {35.0, 10.0};

const nd_model nd_model_izhikevich = {
    .name = "izhikevich",
    .aliases = NULL,
    .title = "Izhikevich simple model, regular spiking",
    .reference = "Izhikevich (2003) IEEE Trans Neural Netw 14:1569 (equations and the RS "
                 "parameters a=0.02, b=0.2, c=-65, d=8; I=10 for tonic spiking)",
    .n_vars = 2,
    .n_pars = 6,
    .var_names = vars,
    .par_names = pars,
    .par_defaults = defaults,
    .init = init,
    .var_lo = lo,
    .var_hi = hi,
    .rhs = izhikevich_rhs,
    .jac = izhikevich_jac,
    .kernels = &izhikevich_kernels,
    .spike = &spike,
    .time_unit = "ms",
    .bif_par = "I",
    .bif_lo = 0.0,
    .bif_hi = 20.0,
    .var_units = units,
    .par_units = par_units,
};
