/* Hodgkin–Huxley squid axon, modern sign convention (rest near -65 mV), as in BrainPy.
 *   C dV/dt = -gNa m^3 h (V - ENa) - gK n^4 (V - EK) - gL (V - EL) + Iext
 *   dq/dt   = alpha_q(V) (1 - q) - beta_q(V) q          for q = m, h, n
 *   alpha_m = 0.1 (V+40) / (1 - exp(-(V+40)/10))    beta_m = 4 exp(-(V+65)/18)
 *   alpha_h = 0.07 exp(-(V+65)/20)                  beta_h = 1 / (1 + exp(-(V+35)/10))
 *   alpha_n = 0.01 (V+55) / (1 - exp(-(V+55)/10))   beta_n = 0.125 exp(-(V+65)/80)
 * Units: mV, ms, mS/cm^2, uA/cm^2, uF/cm^2.
 * Hodgkin & Huxley (1952) J. Physiol. 117:500; rates and parameters ENa=50, EK=-77,
 * EL=-54.387, gNa=120, gK=36, gL=0.03, C=1 as in BrainPy (brainpy.dyn.HH docs). Iext
 * defaults to 10: tonic firing at about 70 Hz from the default initial state (checked by an
 * RK4 simulation, h = 0.005 ms). alpha_m and alpha_n have removable singularities at V=-40
 * and V=-55, handled by hodgkin_huxley_exprel. No analytic Jacobian: finite differences. */
#include "neurodyn/model.h"
#include "zoo.h"

enum { V, M, H, N };
enum { ENA, EK, EL, GNA, GK, GL, CM, IEXT };

/* u / (1 - exp(-u)) with its limit 1 + u/2 near u = 0 (the next term, u^2/12, is below
 * 1e-13 there). Written with expm1 so it is accurate for small |u| outside the cut too.
 * expm1 is called unconditionally and the result selected, so the branch if-converts (at
 * u = 0 the unselected quotient is 0/0). */
ND_FN nd_real hodgkin_huxley_exprel(nd_real u)
{
    const nd_real q = u / -expm1(-u);
    return fabs(u) < 1e-6 ? 1.0 + 0.5 * u : q;
}

ND_RHS(hodgkin_huxley)
{
    const nd_real v = x[V], m = x[M], h = x[H], n = x[N];
    const nd_real am = hodgkin_huxley_exprel((v + 40.0) / 10.0); /* = 0.1 (V+40)/(1-e^..) */
    const nd_real bm = 4.0 * exp(-(v + 65.0) / 18.0);
    const nd_real ah = 0.07 * exp(-(v + 65.0) / 20.0);
    const nd_real bh = 1.0 / (1.0 + exp(-(v + 35.0) / 10.0));
    const nd_real an = 0.1 * hodgkin_huxley_exprel((v + 55.0) / 10.0); /* = 0.01 (V+55)/... */
    const nd_real bn = 0.125 * exp(-(v + 65.0) / 80.0);
    const nd_real ina = p[GNA] * m * m * m * h * (v - p[ENA]);
    const nd_real n2 = n * n;
    const nd_real ik = p[GK] * n2 * n2 * (v - p[EK]);
    const nd_real il = p[GL] * (v - p[EL]);
    dxdt[V] = (-ina - ik - il + p[IEXT]) / p[CM];
    dxdt[M] = am * (1.0 - m) - bm * m;
    dxdt[H] = ah * (1.0 - h) - bh * h;
    dxdt[N] = an * (1.0 - n) - bn * n;
}

ND_KERNELS(hodgkin_huxley, 4, 8)

static const char *const vars[] = {"V", "m", "h", "n"};
static const char *const units[] = {"mV", "", "", ""};
static const char *const pars[] = {"ENa", "EK", "EL", "gNa", "gK", "gL", "C", "Iext"};
static const double defaults[] = {50.0, -77.0, -54.387, 120.0, 36.0, 0.03, 1.0, 10.0};
static const double init[] = {-65.0, 0.05, 0.6, 0.32};
static const double lo[] = {-90.0, 0.0, 0.0, 0.0}, hi[] = {60.0, 1.0, 1.0, 1.0};

const nd_model nd_model_hodgkin_huxley = {
    .name = "hodgkin_huxley",
    .aliases = "hh",
    .title = "Hodgkin-Huxley squid giant axon (BrainPy form)",
    .reference = "Hodgkin & Huxley (1952) J Physiol 117:500; rates and defaults as in BrainPy "
                 "(brainpy.dyn.HH), Iext=10 for repetitive firing",
    .n_vars = 4,
    .n_pars = 8,
    .var_names = vars,
    .par_names = pars,
    .par_defaults = defaults,
    .init = init,
    .var_lo = lo,
    .var_hi = hi,
    .rhs = hodgkin_huxley_rhs,
    .jac = NULL,
    .kernels = &hodgkin_huxley_kernels,
    .time_unit = "ms",
    .bif_par = "Iext",
    .bif_lo = 0.0,
    .bif_hi = 20.0,
    .var_units = units,
};
