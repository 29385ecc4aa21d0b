/* Lorenz system with multiplicative noise (BrainPy's stochastic Lorenz example).
 *   dx = sigma (y - x) dt + p x dW_x
 *   dy = (x (rho - z) - y) dt + p y dW_y
 *   dz = (x y - beta z) dt + p z dW_z
 * Lorenz (1963) J. Atmos. Sci. 20:130 for the drift; the noise and its defaults (sigma=10,
 * beta=8/3, rho=28, p=0.1, diagonal Ito noise) as in BrainPy's SDE tutorial. */
#include "neurodyn/model.h"
#include "zoo.h"

enum { X, Y, Z };
enum { SIGMA, BETA, RHO, P };

ND_RHS(noisy_lorenz)
{
    dxdt[X] = p[SIGMA] * (x[Y] - x[X]);
    dxdt[Y] = x[X] * (p[RHO] - x[Z]) - x[Y];
    dxdt[Z] = x[X] * x[Y] - p[BETA] * x[Z];
}

ND_JACOBIAN(noisy_lorenz)
{
    jac[0] = -p[SIGMA], jac[1] = p[SIGMA], jac[2] = 0.0;
    jac[3] = p[RHO] - x[Z], jac[4] = -1.0, jac[5] = -x[X];
    jac[6] = x[Y], jac[7] = x[X], jac[8] = -p[BETA];
}

ND_DIFFUSION(noisy_lorenz)
{
    g[X] = p[P] * x[X];
    g[Y] = p[P] * x[Y];
    g[Z] = p[P] * x[Z];
}

ND_DIFFUSION_JACOBIAN(noisy_lorenz)
{
    for (int i = 0; i < 9; i++) jac[i] = 0.0;
    jac[0] = jac[4] = jac[8] = p[P];
}

ND_KERNELS(noisy_lorenz, 3, 4)

static const char *const vars[] = {"x", "y", "z"};
static const char *const pars[] = {"sigma", "beta", "rho", "p"};
static const double defaults[] = {10.0, 8.0 / 3.0, 28.0, 0.1};
static const double init[] = {1.0, 1.0, 1.0};
static const double lo[] = {-30.0, -30.0, 0.0}, hi[] = {30.0, 30.0, 60.0};

const nd_model nd_model_noisy_lorenz = {
    .name = "noisy_lorenz",
    .title = "Lorenz system with multiplicative noise (BrainPy SDE example)",
    .reference = "Lorenz (1963) J Atmos Sci 20:130; noise p x dW per variable, p=0.1, as in "
                 "BrainPy's SDE tutorial",
    .n_vars = 3,
    .n_pars = 4,
    .var_names = vars,
    .par_names = pars,
    .par_defaults = defaults,
    .init = init,
    .var_lo = lo,
    .var_hi = hi,
    .rhs = noisy_lorenz_rhs,
    .jac = noisy_lorenz_jac,
    .kernels = &noisy_lorenz_kernels,
    .diffusion = noisy_lorenz_diffusion,
    .diffusion_jac = noisy_lorenz_diffusion_jac,
    .noise = ND_NOISE_DIAGONAL,
    .sde_kind = ND_ITO,
};
