/* Van der Pol relaxation oscillator, in Liénard-free first-order form.
 *   dx/dt = y
 *   dy/dt = mu (1 - x^2) y - x
 * van der Pol (1926) Phil. Mag. 2:978. mu=1: the limit cycle has amplitude ~2 in x
 * (x in [-2.01, 2.01], y in [-2.68, 2.68] from x=2, y=0, checked by RK4). The origin is the
 * only equilibrium and changes stability at mu = 0. */
#include "neurodyn/model.h"
#include "zoo.h"

enum { X, Y };
enum { MU };

ND_RHS(van_der_pol)
{
    dxdt[X] = x[Y];
    dxdt[Y] = p[MU] * (1.0 - x[X] * x[X]) * x[Y] - x[X];
}

ND_JACOBIAN(van_der_pol)
{
    jac[0] = 0.0;
    jac[1] = 1.0;
    jac[2] = -2.0 * p[MU] * x[X] * x[Y] - 1.0;
    jac[3] = p[MU] * (1.0 - x[X] * x[X]);
}

ND_KERNELS(van_der_pol, 2, 1)

static const char *const vars[] = {"x", "y"};
static const char *const pars[] = {"mu"};
static const double defaults[] = {1.0};
static const double init[] = {2.0, 0.0};
static const double lo[] = {-3.0, -4.0}, hi[] = {3.0, 4.0};

const nd_model nd_model_van_der_pol = {
    .name = "van_der_pol",
    .aliases = "vdp",
    .title = "Van der Pol oscillator",
    .reference = "van der Pol (1926) Phil Mag 2:978 (equations; mu=1 is the textbook default)",
    .n_vars = 2,
    .n_pars = 1,
    .var_names = vars,
    .par_names = pars,
    .par_defaults = defaults,
    .init = init,
    .var_lo = lo,
    .var_hi = hi,
    .rhs = van_der_pol_rhs,
    .jac = van_der_pol_jac,
    .kernels = &van_der_pol_kernels,
    .bif_par = "mu",
    .bif_lo = -1.0,
    .bif_hi = 3.0,
};
