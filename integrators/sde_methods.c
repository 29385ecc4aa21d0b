/* The SDE method table by BrainPy's names, with the (interpretation, noise) combinations each
 * supports. Orders: Kloeden & Platen (1992), Numerical Solution of SDEs, ch. 10-11; Rößler
 * (2010) SIAM J. Numer. Anal. 48:922 for the SRI schemes. */
#include <stdio.h>
#include <string.h>

#include "neurodyn/sde.h"

#define ITO(noise) ND_SDE_SUPPORT(ND_ITO, noise)
#define STRAT(noise) ND_SDE_SUPPORT(ND_STRATONOVICH, noise)
#define ALL_NOISE(kind) (kind(ND_NOISE_SCALAR) | kind(ND_NOISE_DIAGONAL) | kind(ND_NOISE_GENERAL))
#define SCALAR_DIAG(kind) (kind(ND_NOISE_SCALAR) | kind(ND_NOISE_DIAGONAL))

static const nd_sde_method methods[] = {
    {"euler", "Euler-Maruyama (Ito); Euler-Heun (Stratonovich)", ND_SDE_EULER, 0.5, 1.0,
     ALL_NOISE(ITO) | ALL_NOISE(STRAT), 0},
    {"heun", "stochastic Heun (Euler-Heun), Stratonovich", ND_SDE_HEUN, 0.5, 1.0, ALL_NOISE(STRAT), 0},
    {"milstein", "Milstein, with the diffusion Jacobian or derivative-free without it",
     ND_SDE_MILSTEIN, 1.0, 1.0, SCALAR_DIAG(ITO) | SCALAR_DIAG(STRAT), 0},
    {"milstein_grad_free", "derivative-free Milstein (Runge-Kutta approximation of g')",
     ND_SDE_MILSTEIN_DF, 1.0, 1.0, SCALAR_DIAG(ITO) | SCALAR_DIAG(STRAT), 0},
    {"exponential_euler", "exponential Euler drift with Euler-Maruyama noise, Ito",
     ND_SDE_EXP_EULER, 0.5, 1.0, ALL_NOISE(ITO), 0},
    {"srk1w1_scalar", "Roessler SRI1W1, strong order 1.5, weak order 2 (Ito)", ND_SDE_SRK1W1, 1.5,
     2.0, SCALAR_DIAG(ITO), 1},
    {"srk2w1_scalar", "Roessler SRI2W1, strong order 1.5, weak order 3 (Ito)", ND_SDE_SRK2W1, 1.5,
     3.0, SCALAR_DIAG(ITO), 1},
    {"KlPl_scalar", "Kloeden-Platen explicit strong order 1.0 scheme (Ito)", ND_SDE_KLPL, 1.0, 1.0,
     SCALAR_DIAG(ITO), 0},
};

size_t nd_sde_method_count(void) { return sizeof methods / sizeof methods[0]; }

const nd_sde_method *nd_sde_method_at(size_t i) { return i < nd_sde_method_count() ? &methods[i] : NULL; }

const nd_sde_method *nd_sde_method_find(const char *name, nd_error *err)
{
    for (size_t i = 0; name && i < nd_sde_method_count(); i++)
        if (strcmp(methods[i].name, name) == 0) return &methods[i];
    char list[400];
    size_t used = 0;
    list[0] = '\0';
    for (size_t i = 0; i < nd_sde_method_count(); i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", methods[i].name);
    nd_fail(err, ND_EINVAL, "unknown SDE method '%s' (SDE methods: %s)", name ? name : "(null)", list);
    return NULL;
}

const char *nd_noise_type_name(nd_noise_type t)
{
    switch (t) {
    case ND_NOISE_NONE: return "none";
    case ND_NOISE_SCALAR: return "scalar";
    case ND_NOISE_DIAGONAL: return "diagonal";
    case ND_NOISE_GENERAL: return "general";
    }
    return "?";
}

const char *nd_sde_kind_name(nd_sde_kind k) { return k == ND_STRATONOVICH ? "Stratonovich" : "Ito"; }

nd_status nd_sde_check_support(const nd_sde_method *m, nd_noise_type noise, nd_sde_kind kind,
                               nd_error *err)
{
    if (noise < ND_NOISE_SCALAR || noise > ND_NOISE_GENERAL)
        return nd_fail(err, ND_EINVAL, "SDE method %s: the model has no noise type", m->name);
    if (m->support & ND_SDE_SUPPORT(kind, noise)) return ND_OK;
    char list[300];
    size_t used = 0;
    list[0] = '\0';
    for (int k = ND_ITO; k <= ND_STRATONOVICH; k++)
        for (int t = ND_NOISE_SCALAR; t <= ND_NOISE_GENERAL; t++)
            if (m->support & ND_SDE_SUPPORT(k, t))
                used += (size_t)snprintf(list + used, sizeof list - used, "%s%s %s noise", used ? ", " : "",
                                         nd_sde_kind_name((nd_sde_kind)k), nd_noise_type_name((nd_noise_type)t));
    return nd_fail(err, ND_EINVAL, "SDE method %s does not support %s %s noise (it supports: %s)",
                   m->name, nd_sde_kind_name(kind), nd_noise_type_name(noise), list);
}
