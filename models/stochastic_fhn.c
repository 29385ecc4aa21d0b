/* FitzHugh–Nagumo with additive noise on the voltage, in the excitable regime.
 *   dV = (V - V^3/3 - w + Iext) dt + D dW
 *   dw = (V + a - b w) / tau dt
 * The drift is BrainPy's FitzHugh–Nagumo (models/fitzhugh_nagumo.c). With a=0.7, b=0.8,
 * tau=12.5 the rest state loses stability at Iext = 0.331 (trace of the Jacobian zero at
 * V^2 = 1 - b/tau); Iext = 0.3 keeps it excitable, so spikes are noise-induced and their
 * regularity peaks at an intermediate D: coherence resonance (Pikovsky & Kurths (1997) Phys.
 * Rev. Lett. 78:775). Scalar noise (one Wiener process), Ito (= Stratonovich: g is constant). */
#include "neurodyn/model.h"
#include "zoo.h"

enum { V, W };
enum { A, B, TAU, IEXT, D };

ND_RHS(sfhn)
{
    dxdt[V] = x[V] - x[V] * x[V] * x[V] / 3.0 - x[W] + p[IEXT];
    dxdt[W] = (x[V] + p[A] - p[B] * x[W]) / p[TAU];
}

ND_JACOBIAN(sfhn)
{
    jac[0] = 1.0 - x[V] * x[V];
    jac[1] = -1.0;
    jac[2] = 1.0 / p[TAU];
    jac[3] = -p[B] / p[TAU];
}

ND_DIFFUSION(sfhn)
{
    g[V] = p[D];
    g[W] = 0.0;
}

ND_DIFFUSION_JACOBIAN(sfhn)
{
    jac[0] = jac[1] = jac[2] = jac[3] = 0.0;
}

ND_KERNELS(sfhn, 2, 5)

static const char *const vars[] = {"V", "w"};
static const char *const pars[] = {"a", "b", "tau", "Iext", "D"};
static const double defaults[] = {0.7, 0.8, 12.5, 0.3, 0.1};
static const double init[] = {-1.1, -0.5};
static const double lo[] = {-3.0, -3.0}, hi[] = {3.0, 3.0};

const nd_model nd_model_stochastic_fhn = {
    .name = "stochastic_fhn",
    .aliases = "sfhn",
    .title = "FitzHugh-Nagumo with noise on V (excitable, coherence resonance)",
    .reference = "FitzHugh (1961) Biophys J 1:445 with BrainPy's parameters; additive noise as in "
                 "Pikovsky & Kurths (1997) PRL 78:775",
    .n_vars = 2,
    .n_pars = 5,
    .var_names = vars,
    .par_names = pars,
    .par_defaults = defaults,
    .init = init,
    .var_lo = lo,
    .var_hi = hi,
    .rhs = sfhn_rhs,
    .jac = sfhn_jac,
    .kernels = &sfhn_kernels,
    .diffusion = sfhn_diffusion,
    .diffusion_jac = sfhn_diffusion_jac,
    .noise = ND_NOISE_SCALAR,
    .sde_kind = ND_ITO,
    .bif_par = "Iext",
    .bif_lo = 0.0,
    .bif_hi = 1.0,
};
