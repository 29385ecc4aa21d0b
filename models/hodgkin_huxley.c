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
 * and V=-55, handled by hodgkin_huxley_exprel.
 * Analytic Jacobian: the derivatives of the rates written out; those of alpha_m and alpha_n go
 * through hodgkin_huxley_dexprel, the derivative of u/(1 - exp(-u)), with the same care at
 * u = 0 (a series there, a cancellation-free quotient elsewhere). It is the derivative of the
 * function the RHS computes, which is u/(1 - exp(-u)) to rounding (series and quotient alike). */
#include "neurodyn/model.h"
#include "zoo.h"

enum { V, M, H, N };
enum { ENA, EK, EL, GNA, GK, GL, CM, IEXT };

/* u / (1 - exp(-u)). For |u| < 1 its Bernoulli series 1 + u/2 + sum_k B_2k u^2k / (2k)!
 * (Abramowitz & Stegun 23.1.1) through u^22 (the next term is 1.4e-19 at |u| = 1); elsewhere
 * the quotient with exp, where the cancellation in 1 - exp(-u) magnifies exp's rounding by
 * e^-u / |1 - e^-u| < 1.6. Both are computed and one selected without a branch (ND_SELECT), so
 * the lanes vectorise (at u = 0 the unselected quotient is 0/0). Against long double at
 * 8e5 points of [-8, 8]: within 1.25 eps relative (tests/test_models.c). It replaced
 * u / -expm1(-u): SLEEF's expm1 costs three times its exp and was 40% of a single HH run. */
ND_FN nd_real hodgkin_huxley_exprel(nd_real u)
{
    /* s = sum_k c_k u^2k by Estrin's scheme: five dependent steps instead of Horner's ten,
     * which were the critical path of a single (scalar) run */
    const nd_real u2 = u * u, u4 = u2 * u2, u8 = u4 * u4;
    const nd_real p0 = 1.0 / 12.0 - u2 / 720.0, p1 = 1.0 / 30240.0 - u2 / 1209600.0;
    const nd_real p2 = 1.0 / 47900160.0 - u2 * (691.0 / 1307674368000.0);
    const nd_real p3 = 1.0 / 74724249600.0 - u2 * (3617.0 / 10670622842880000.0);
    const nd_real p4 = 43867.0 / 5109094217170944000.0 - u2 * (174611.0 / 802857662698291200000.0);
    const nd_real p5 = 77683.0 / 14101100039391805440000.0;
    const nd_real s = (p0 + u4 * p1) + u8 * ((p2 + u4 * p3) + u8 * (p4 + u4 * p5));
    const nd_real series = 1.0 + u * (0.5 + u * s);
    const nd_real q = u / (1.0 - exp(-u));
    return ND_SELECT(fabs(u) < 1.0, series, q);
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

/* d/du [u / (1 - exp(-u))]. Near 0 the quotient form below loses ~2 eps/|u| relative to
 * cancellation (its numerator 1 - u/expm1(u) is ~u/2 while its terms are ~1), so |u| < 1 uses
 * the Taylor series 1/2 + sum_k B_2k u^(2k-1) / (2k-1)!, from u/(1 - e^-u) = sum_n B_n (-u)^n/n!
 * (Bernoulli numbers, Abramowitz & Stegun 23.1.1); it converges for |u| < 2 pi and at |u| = 1
 * the first term left out (k = 12) is 7e-18 relative. Elsewhere
 *   d/du = (1 - E(-u)) / (1 - e^-u),  E(-u) = u / expm1(u)  (as E(u) - E(-u) = u),
 * which stays finite for any u (it tends to 0 and 1 at the ends without inf/inf; checked at
 * u = +-800, +-1e300). Against 40-digit arithmetic (mpmath) at 3.2e5 points of [-4, 4], step
 * 2.5e-5: within 6.5e-16 relative (3 ulp, near the switch at u = -1), the series within 2e-16.
 * Host code only, like the Jacobian that calls it. */
static double hodgkin_huxley_dexprel(double u)
{
    static const double b[] = {
        1.0 / 6.0,
        -1.0 / 180.0,
        1.0 / 5040.0,
        -1.0 / 151200.0,
        1.0 / 4790016.0,
        -691.0 / 108972864000.0,
        1.0 / 5337446400.0,
        -3617.0 / 666913927680000.0,
        43867.0 / 283838567620608000.0,
        -174611.0 / 40142883134914560000.0,
        77683.0 / 640959092699627520000.0,
    };
    if (fabs(u) < 1.0) {
        const double u2 = u * u;
        double s = 0.0;
        for (int k = (int)(sizeof b / sizeof b[0]) - 1; k >= 0; k--) s = b[k] + u2 * s;
        return 0.5 + u * s;
    }
    return (1.0 - u / expm1(u)) / -expm1(-u);
}

ND_JACOBIAN(hodgkin_huxley)
{
    const double v = x[V], m = x[M], h = x[H], n = x[N];
    const double am = hodgkin_huxley_exprel((v + 40.0) / 10.0);
    const double dam = 0.1 * hodgkin_huxley_dexprel((v + 40.0) / 10.0);
    const double bm = 4.0 * exp(-(v + 65.0) / 18.0), dbm = -bm / 18.0;
    const double ah = 0.07 * exp(-(v + 65.0) / 20.0), dah = -ah / 20.0;
    const double eh = exp(-(v + 35.0) / 10.0), bh = 1.0 / (1.0 + eh);
    const double dbh = eh * bh * bh / 10.0; /* = bh (1 - bh) / 10 without the cancellation */
    const double an = 0.1 * hodgkin_huxley_exprel((v + 55.0) / 10.0);
    const double dan = 0.01 * hodgkin_huxley_dexprel((v + 55.0) / 10.0);
    const double bn = 0.125 * exp(-(v + 65.0) / 80.0), dbn = -bn / 80.0;
    const double c = p[CM], n3 = n * n * n;
    for (int k = 0; k < 16; k++) jac[k] = 0.0;
    jac[0] = -(p[GNA] * m * m * m * h + p[GK] * n3 * n + p[GL]) / c;
    jac[1] = -3.0 * p[GNA] * m * m * h * (v - p[ENA]) / c;
    jac[2] = -p[GNA] * m * m * m * (v - p[ENA]) / c;
    jac[3] = -4.0 * p[GK] * n3 * (v - p[EK]) / c;
    jac[4] = dam * (1.0 - m) - dbm * m;
    jac[5] = -am - bm;
    jac[8] = dah * (1.0 - h) - dbh * h;
    jac[10] = -ah - bh;
    jac[12] = dan * (1.0 - n) - dbn * n;
    jac[15] = -an - bn;
}

ND_KERNELS(hodgkin_huxley, 4, 8)

static const char *const vars[] = {"V", "m", "h", "n"};
static const char *const units[] = {"mV", "", "", ""};
static const char *const pars[] = {"ENa", "EK", "EL", "gNa", "gK", "gL", "C", "Iext"};
static const char *const par_units[] = {"mV", "mV", "mV", "mS/cm²", "mS/cm²", "mS/cm²", "µF/cm²", "µA/cm²"};
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
    .jac = hodgkin_huxley_jac,
    .kernels = &hodgkin_huxley_kernels,
    .time_unit = "ms",
    .bif_par = "Iext",
    .bif_lo = 0.0,
    .bif_hi = 20.0,
    .var_units = units,
    .par_units = par_units,
};
