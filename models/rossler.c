/* Rössler attractor.
 *   dx/dt = -y - z
 *   dy/dt = x + a y
 *   dz/dt = b + z (x - c)
 * Rössler (1976) Phys. Lett. A 57:397; a=0.2, b=0.2, c=5.7 is the standard chaotic set
 * (the one used in most of the literature since, e.g. Strogatz, Nonlinear Dynamics and
 * Chaos, section 12.3). Varying c from ~2 to ~6 shows the period-doubling cascade. */
#include "neurodyn/model.h"
#include "zoo.h"

enum { X, Y, Z };
enum { A, B, C };

ND_RHS(rossler)
{
    dxdt[X] = -x[Y] - x[Z];
    dxdt[Y] = x[X] + p[A] * x[Y];
    dxdt[Z] = p[B] + x[Z] * (x[X] - p[C]);
}

ND_JACOBIAN(rossler)
{
    jac[0] = 0.0;
    jac[1] = -1.0;
    jac[2] = -1.0;
    jac[3] = 1.0;
    jac[4] = p[A];
    jac[5] = 0.0;
    jac[6] = x[Z];
    jac[7] = 0.0;
    jac[8] = x[X] - p[C];
}

ND_KERNELS(rossler, 3, 3)

static const char *const vars[] = {"x", "y", "z"};
static const char *const pars[] = {"a", "b", "c"};
static const double defaults[] = {0.2, 0.2, 5.7};
static const double init[] = {1.0, 1.0, 1.0};
static const double lo[] = {-12.0, -12.0, 0.0}, hi[] = {12.0, 12.0, 25.0};

const nd_model nd_model_rossler = {
    .name = "rossler",
    .aliases = NULL,
    .title = "Rossler attractor",
    .reference = "Rossler (1976) Phys Lett A 57:397 (equations; a=0.2, b=0.2, c=5.7 the "
                 "standard chaotic set)",
    .n_vars = 3,
    .n_pars = 3,
    .var_names = vars,
    .par_names = pars,
    .par_defaults = defaults,
    .init = init,
    .var_lo = lo,
    .var_hi = hi,
    .rhs = rossler_rhs,
    .jac = rossler_jac,
    .kernels = &rossler_kernels,
    .bif_par = "c",
    .bif_lo = 1.0,
    .bif_hi = 7.0,
};
