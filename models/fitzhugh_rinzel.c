/* FitzHugh–Rinzel: FitzHugh–Nagumo with a slow current y, an elliptic burster.
 *   dv/dt = v - v^3/3 - w + y + I
 *   dw/dt = delta (a + v - b w)
 *   dy/dt = mu (c - v - d y)
 * Rinzel (1987), "A formal classification of bursting mechanisms in excitable systems", in
 * Mathematical Topics in Population Biology, Morphogenesis and Neurosciences, LNBM 71:267;
 * parameters as in Izhikevich (2000) Int. J. Bifurcation Chaos 10:1171 and Shilnikov's
 * Scholarpedia article "Routes into bursting": a=0.7, b=0.8, c=-0.775, d=1, delta=0.08,
 * mu=1e-4, I=0.3125 (elliptic bursting). The fast subsystem (v, w) is FitzHugh–Nagumo with
 * the current I + y: bursts begin at its subcritical Hopf point and end at the fold of cycles
 * (subHopf/fold cycle). BrainPy has it as brainpy.dyn.FHR. */
#include "neurodyn/model.h"
#include "zoo.h"

enum { V, W, Y };
enum { A, B, C, D, DELTA, MU, I };

ND_RHS(fitzhugh_rinzel)
{
    dxdt[V] = x[V] - x[V] * x[V] * x[V] / 3.0 - x[W] + x[Y] + p[I];
    dxdt[W] = p[DELTA] * (p[A] + x[V] - p[B] * x[W]);
    dxdt[Y] = p[MU] * (p[C] - x[V] - p[D] * x[Y]);
}

ND_JACOBIAN(fitzhugh_rinzel)
{
    jac[0] = 1.0 - x[V] * x[V];
    jac[1] = -1.0;
    jac[2] = 1.0;
    jac[3] = p[DELTA];
    jac[4] = -p[DELTA] * p[B];
    jac[5] = 0.0;
    jac[6] = -p[MU];
    jac[7] = 0.0;
    jac[8] = -p[MU] * p[D];
}

ND_KERNELS(fitzhugh_rinzel, 3, 7)

static const char *const vars[] = {"v", "w", "y"};
static const char *const pars[] = {"a", "b", "c", "d", "delta", "mu", "I"};
static const double defaults[] = {0.7, 0.8, -0.775, 1.0, 0.08, 1e-4, 0.3125};
static const double init[] = {-1.0, -0.5, 0.0};
static const double lo[] = {-3.0, -3.0, -1.0}, hi[] = {3.0, 3.0, 1.0};

const nd_model nd_model_fitzhugh_rinzel = {
    .name = "fitzhugh_rinzel",
    .aliases = "fhr",
    .title = "FitzHugh-Rinzel elliptic burster",
    .reference = "Rinzel (1987) LNBM 71:267; Izhikevich (2000) IJBC 10:1171; parameters of "
                 "Shilnikov, Scholarpedia 'Routes into bursting' (I=0.3125: elliptic bursting)",
    .n_vars = 3,
    .n_pars = 7,
    .var_names = vars,
    .par_names = pars,
    .par_defaults = defaults,
    .init = init,
    .var_lo = lo,
    .var_hi = hi,
    .rhs = fitzhugh_rinzel_rhs,
    .jac = fitzhugh_rinzel_jac,
    .kernels = &fitzhugh_rinzel_kernels,
    .slow_vars = "y",
    .bif_par = "I",
    .bif_lo = 0.0,
    .bif_hi = 1.0,
    .t_sim = 3000,
};
