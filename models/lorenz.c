/* Lorenz convection model.
 *   dx/dt = sigma (y - x)
 *   dy/dt = x (rho - z) - y
 *   dz/dt = x y - beta z
 * Lorenz (1963) J. Atmos. Sci. 20:130, with his parameters sigma=10, beta=8/3, rho=28
 * (chaotic attractor). Equilibria: the origin, and C+- = (+-sqrt(beta (rho-1)), same, rho-1)
 * for rho > 1, which lose stability in a subcritical Hopf bifurcation at rho ~ 24.74. */
#include "neurodyn/model.h"
#include "zoo.h"

enum { X, Y, Z };
enum { SIGMA, BETA, RHO };

ND_RHS(lorenz)
{
    dxdt[X] = p[SIGMA] * (x[Y] - x[X]);
    dxdt[Y] = x[X] * (p[RHO] - x[Z]) - x[Y];
    dxdt[Z] = x[X] * x[Y] - p[BETA] * x[Z];
}

ND_JACOBIAN(lorenz)
{
    jac[0] = -p[SIGMA];
    jac[1] = p[SIGMA];
    jac[2] = 0.0;
    jac[3] = p[RHO] - x[Z];
    jac[4] = -1.0;
    jac[5] = -x[X];
    jac[6] = x[Y];
    jac[7] = x[X];
    jac[8] = -p[BETA];
}

ND_KERNELS(lorenz, 3, 3)

static const char *const vars[] = {"x", "y", "z"};
static const char *const pars[] = {"sigma", "beta", "rho"};
static const double defaults[] = {10.0, 8.0 / 3.0, 28.0};
static const double init[] = {1.0, 1.0, 1.0};
static const double lo[] = {-25.0, -30.0, 0.0}, hi[] = {25.0, 30.0, 55.0};

const nd_model nd_model_lorenz = {
    .name = "lorenz",
    .aliases = NULL,
    .title = "Lorenz (1963) convection model",
    .reference = "Lorenz (1963) J Atmos Sci 20:130 (equations and sigma=10, beta=8/3, rho=28)",
    .n_vars = 3,
    .n_pars = 3,
    .var_names = vars,
    .par_names = pars,
    .par_defaults = defaults,
    .init = init,
    .var_lo = lo,
    .var_hi = hi,
    .rhs = lorenz_rhs,
    .jac = lorenz_jac,
    .kernels = &lorenz_kernels,
    .bif_par = "rho",
    .bif_lo = 0.0,
    .bif_hi = 30.0,
};
