/* Wilson–Cowan excitatory/inhibitory population model.
 *   tau_e dE/dt = -E + (1 - r E) S_e(wEE E - wEI I + P)
 *   tau_i dI/dt = -I + (1 - r I) S_i(wIE E - wII I + Q)
 *   S(x; a, theta) = 1/(1 + exp(-a (x - theta))) - 1/(1 + exp(a theta))   (S(0) = 0)
 * Wilson & Cowan (1972) Biophys. J. 12:1, limit-cycle parameter set (their c1..c4 are
 * wEE, wEI, wIE, wII): wEE=16, wEI=12, wIE=15, wII=3, a_e=1.3, theta_e=4, a_i=2,
 * theta_i=3.7, r=1, P=1.25, Q=0, tau_e = tau_i = 1. The paper's factor (k - r E), with k the
 * supremum of S (0.9945 / 0.9994), is written here as (1 - r E).
 * Verified to oscillate at the defaults: the only equilibrium (E=0.2024, I=0.1080) is an
 * unstable focus (eigenvalues 0.119 +- 1.883i), and RK4 (h=0.01) from the initial state
 * settles on a cycle with E in [0.10, 0.27], period ~5 tau. Scanning P in steps of 0.25,
 * oscillations exist for P in [1.25, 1.75] and not at P = 1.0 or 2.0. The inhibitory
 * variable is called I; there is no parameter named I. Time is in units of tau. */
#include "neurodyn/model.h"
#include "zoo.h"

enum { E, INH };
enum { WEE, WEI, WIE, WII, AE, THE, AI, THI, R, TAUE, TAUI, P, Q };

/* The logistic sigmoid shifted so that S(0) = 0. */
ND_FN nd_real wilson_cowan_sigmoid(nd_real u, nd_real a, nd_real theta)
{
    return 1.0 / (1.0 + exp(-a * (u - theta))) - 1.0 / (1.0 + exp(a * theta));
}

/* dS/du = a s (1 - s) with s the unshifted logistic. */
ND_FN double wilson_cowan_dsigmoid(double u, double a, double theta)
{
    const double s = 1.0 / (1.0 + exp(-a * (u - theta)));
    return a * s * (1.0 - s);
}

ND_RHS(wilson_cowan)
{
    const nd_real e = x[E], i = x[INH];
    const nd_real ue = p[WEE] * e - p[WEI] * i + p[P];
    const nd_real ui = p[WIE] * e - p[WII] * i + p[Q];
    dxdt[E] = (-e + (1.0 - p[R] * e) * wilson_cowan_sigmoid(ue, p[AE], p[THE])) / p[TAUE];
    dxdt[INH] = (-i + (1.0 - p[R] * i) * wilson_cowan_sigmoid(ui, p[AI], p[THI])) / p[TAUI];
}

ND_JACOBIAN(wilson_cowan)
{
    const double e = x[E], i = x[INH];
    const double ue = p[WEE] * e - p[WEI] * i + p[P];
    const double ui = p[WIE] * e - p[WII] * i + p[Q];
    const double se = wilson_cowan_sigmoid(ue, p[AE], p[THE]);
    const double si = wilson_cowan_sigmoid(ui, p[AI], p[THI]);
    const double dse = wilson_cowan_dsigmoid(ue, p[AE], p[THE]);
    const double dsi = wilson_cowan_dsigmoid(ui, p[AI], p[THI]);
    jac[0] = (-1.0 - p[R] * se + (1.0 - p[R] * e) * dse * p[WEE]) / p[TAUE];
    jac[1] = -(1.0 - p[R] * e) * dse * p[WEI] / p[TAUE];
    jac[2] = (1.0 - p[R] * i) * dsi * p[WIE] / p[TAUI];
    jac[3] = (-1.0 - p[R] * si - (1.0 - p[R] * i) * dsi * p[WII]) / p[TAUI];
}

ND_KERNELS(wilson_cowan, 2, 13)

static const char *const vars[] = {"E", "I"};
static const char *const pars[] = {"wEE", "wEI",     "wIE", "wII",   "a_e",   "theta_e", "a_i",
                                   "theta_i", "r",   "tau_e", "tau_i", "P",     "Q"};
static const double defaults[] = {16.0, 12.0, 15.0, 3.0, 1.3, 4.0, 2.0,
                                  3.7,  1.0,  1.0,  1.0, 1.25, 0.0};
static const double init[] = {0.1, 0.05};
static const double lo[] = {0.0, 0.0}, hi[] = {0.5, 0.5};

const nd_model nd_model_wilson_cowan = {
    .name = "wilson_cowan",
    .aliases = NULL,
    .title = "Wilson-Cowan excitatory-inhibitory populations",
    .reference = "Wilson & Cowan (1972) Biophys J 12:1 (equations and the limit-cycle set "
                 "wEE=16, wEI=12, wIE=15, wII=3, a_e=1.3, theta_e=4, a_i=2, theta_i=3.7, r=1, "
                 "P=1.25)",
    .n_vars = 2,
    .n_pars = 13,
    .var_names = vars,
    .par_names = pars,
    .par_defaults = defaults,
    .init = init,
    .var_lo = lo,
    .var_hi = hi,
    .rhs = wilson_cowan_rhs,
    .jac = wilson_cowan_jac,
    .kernels = &wilson_cowan_kernels,
    .bif_par = "P",
    .bif_lo = 0.0,
    .bif_hi = 3.0,
};
