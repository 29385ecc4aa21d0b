/* The built-in model zoo: one descriptor per file, listed in registry.c. */
#ifndef NEURODYN_ZOO_H
#define NEURODYN_ZOO_H

#include "neurodyn/model.h"

extern const nd_model nd_model_fitzhugh_nagumo;
extern const nd_model nd_model_hindmarsh_rose;
extern const nd_model nd_model_fitzhugh_rinzel;
extern const nd_model nd_model_hodgkin_huxley;
extern const nd_model nd_model_morris_lecar;
extern const nd_model nd_model_morris_lecar_snic;
extern const nd_model nd_model_inap_ik;
extern const nd_model nd_model_izhikevich;
extern const nd_model nd_model_wilson_cowan;
extern const nd_model nd_model_van_der_pol;
extern const nd_model nd_model_lorenz;
extern const nd_model nd_model_rossler;
extern const nd_model nd_model_lif;

extern const nd_model nd_model_noisy_lorenz;
extern const nd_model nd_model_stochastic_fhn;

#endif
