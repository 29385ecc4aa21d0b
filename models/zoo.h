/* The built-in model zoo: one descriptor per file, listed in registry.c. */
#ifndef NEURODYN_ZOO_H
#define NEURODYN_ZOO_H

#include "neurodyn/model.h"

extern const nd_model nd_model_fitzhugh_nagumo;

#endif
