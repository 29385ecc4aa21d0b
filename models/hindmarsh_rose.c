/* Hindmarsh–Rose bursting neuron.
 *   dx/dt = y - a x^3 + b x^2 - z + I
 *   dy/dt = c - d x^2 - y
 *   dz/dt = r (s (x - x_r) - z)
 * Hindmarsh & Rose (1984) Proc. R. Soc. Lond. B 221:87. Defaults are the paper's set
 * a=1, b=3, c=1, d=5, s=4, x_r=-8/5 with r=0.001 and I=2, the square-wave bursting regime of
 * the paper's Fig. 6 (as reproduced in Brian2's example "Hindmarsh_Rose_1984", which uses
 * I = 0.4, 2, 4). z is the slow adaptation variable (time scale 1/r). */
#include "neurodyn/model.h"
#include "zoo.h"

enum { X, Y, Z };
enum { A, B, C, D, S, XR, R, IAPP };

ND_RHS(hindmarsh_rose)
{
    const nd_real xx = x[X];
    dxdt[X] = x[Y] - p[A] * xx * xx * xx + p[B] * xx * xx - x[Z] + p[IAPP];
    dxdt[Y] = p[C] - p[D] * xx * xx - x[Y];
    dxdt[Z] = p[R] * (p[S] * (xx - p[XR]) - x[Z]);
}

ND_JACOBIAN(hindmarsh_rose)
{
    const double xx = x[X];
    jac[0] = -3.0 * p[A] * xx * xx + 2.0 * p[B] * xx;
    jac[1] = 1.0;
    jac[2] = -1.0;
    jac[3] = -2.0 * p[D] * xx;
    jac[4] = -1.0;
    jac[5] = 0.0;
    jac[6] = p[R] * p[S];
    jac[7] = 0.0;
    jac[8] = -p[R];
}

ND_KERNELS(hindmarsh_rose, 3, 8)

static const char *const vars[] = {"x", "y", "z"};
static const char *const pars[] = {"a", "b", "c", "d", "s", "x_r", "r", "I"};
static const double defaults[] = {1.0, 3.0, 1.0, 5.0, 4.0, -1.6, 0.001, 2.0};
static const double init[] = {1.0, 0.0, 0.0};
static const double lo[] = {-2.5, -25.0, -1.0}, hi[] = {2.5, 2.0, 6.0};

const nd_model nd_model_hindmarsh_rose = {
    .name = "hindmarsh_rose",
    .aliases = "hr",
    .title = "Hindmarsh-Rose bursting neuron",
    .reference = "Hindmarsh & Rose (1984) Proc R Soc Lond B 221:87 (equations and a..x_r; "
                 "r=0.001, I=2: square-wave bursting of their Fig. 6)",
    .n_vars = 3,
    .n_pars = 8,
    .var_names = vars,
    .par_names = pars,
    .par_defaults = defaults,
    .init = init,
    .var_lo = lo,
    .var_hi = hi,
    .rhs = hindmarsh_rose_rhs,
    .jac = hindmarsh_rose_jac,
    .kernels = &hindmarsh_rose_kernels,
    .slow_vars = "z",
    .bif_par = "I",
    .bif_lo = 0.0,
    .bif_hi = 4.0,
    .t_sim = 2000,
};
