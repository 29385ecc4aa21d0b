/* The theta neuron (Ermentrout & Kopell 1986, SIAM J. Appl. Math. 46:233), the normal form of a
 * class-I neuron near its SNIC, written as a smooth planar model so that its firing is a limit
 * cycle:
 *
 *     theta' = F(theta) = 1 - cos theta + (1 + cos theta) I,   r' = r (1 - r^2),
 *     x = r cos theta, y = r sin theta  (a spike is theta = pi, i.e. x = -1).
 *
 * For I > 0 it fires with period pi / sqrt(I); its phase response curve is known in closed form
 * (docs/prc.md): Z = (-sin theta, cos theta) / F(theta) on the cycle, and the PRC to a current
 * pulse, Z . df/dI = (1 + cos theta) / F = (1 - cos(2 pi t / T)) / (2 I), t the time since the
 * spike (Ermentrout 1996, Neural Comput. 8:979). For I < 0 the circle holds a stable node and a
 * saddle (no firing).
 *
 *     neurodyn prc examples/models/theta_neuron_planar.c --set I=0.5 --plot theta_prc.png */
#include "neurodyn/model.h"

ND_RHS(theta_planar)
{
    const nd_real r2 = x[0] * x[0] + x[1] * x[1], c = x[0] / sqrt(r2);
    const nd_real F = 1.0 - c + (1.0 + c) * p[0];
    dxdt[0] = x[0] * (1.0 - r2) - x[1] * F;
    dxdt[1] = x[1] * (1.0 - r2) + x[0] * F;
}

ND_KERNELS(theta_planar, 2, 1)

static const char *const var_names[] = {"x", "y"};
static const char *const par_names[] = {"I"};
static const double par_defaults[] = {0.5};
static const double init[] = {0.5, 0.5};
static const double var_lo[] = {-1.5, -1.5}, var_hi[] = {1.5, 1.5};

static const nd_model theta_planar_model = {
    .name = "theta_planar",
    .title = "theta neuron on the unit circle, with a stable radius",
    .reference = "Ermentrout & Kopell (1986) SIAM J Appl Math 46:233; Ermentrout (1996) Neural Comput 8:979",
    .n_vars = 2,
    .n_pars = 1,
    .var_names = var_names,
    .par_names = par_names,
    .par_defaults = par_defaults,
    .init = init,
    .var_lo = var_lo,
    .var_hi = var_hi,
    .rhs = theta_planar_rhs,
    .kernels = &theta_planar_kernels,
    .bif_par = "I",
    .bif_lo = -0.5,
    .bif_hi = 1.0,
    .t_sim = 20.0,
};

ND_EXPORT_MODEL(theta_planar_model)
