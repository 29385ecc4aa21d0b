/* FitzHugh–Nagumo in BrainPy's form.
 *   dV/dt = V - V^3/3 - w + Iext
 *   dw/dt = (V + a - b w) / tau
 * FitzHugh (1961) Biophys. J. 1:445; Nagumo et al. (1962) Proc. IRE 50:2061; parameters and
 * form as in BrainPy (brainpy.dyn.FHN and the phase-plane tutorial): a=0.7, b=0.8, tau=12.5.
 * Iext defaults to 0.5, inside the oscillatory range, so a plain simulation shows spiking. */
#include "neurodyn/model.h"
#include "zoo.h"

enum { V, W };
enum { A, B, TAU, IEXT };

ND_RHS(fhn)
{
    dxdt[V] = x[V] - x[V] * x[V] * x[V] / 3 - x[W] + p[IEXT]; /* 3: float in the float pass, with any compiler */
    dxdt[W] = (x[V] + p[A] - p[B] * x[W]) / p[TAU];
}

ND_JACOBIAN(fhn)
{
    jac[0] = 1.0 - x[V] * x[V];
    jac[1] = -1.0;
    jac[2] = 1.0 / p[TAU];
    jac[3] = -p[B] / p[TAU];
}

ND_KERNELS(fhn, 2, 4)

static const char *const vars[] = {"V", "w"};
static const char *const pars[] = {"a", "b", "tau", "Iext"};
static const double defaults[] = {0.7, 0.8, 12.5, 0.5};
static const double init[] = {-1.0, -0.5};
static const double lo[] = {-3.0, -3.0}, hi[] = {3.0, 3.0};

const nd_model nd_model_fitzhugh_nagumo = {
    .name = "fitzhugh_nagumo",
    .aliases = "fhn",
    .title = "FitzHugh-Nagumo neuron (BrainPy form)",
    .reference = "FitzHugh (1961) Biophys J 1:445; Nagumo, Arimoto & Yoshizawa (1962) Proc IRE "
                 "50:2061; BrainPy FHN defaults",
    .n_vars = 2,
    .n_pars = 4,
    .var_names = vars,
    .par_names = pars,
    .par_defaults = defaults,
    .init = init,
    .var_lo = lo,
    .var_hi = hi,
    .rhs = fhn_rhs,
    .jac = fhn_jac,
    .kernels = &fhn_kernels,
    .bif_par = "Iext",
    .bif_lo = 0.0,
    .bif_hi = 2.0,
    .bif2_par = "a",
    .bif2_lo = 0.5,
    .bif2_hi = 1.0,
    .t_sim = 300,
};
