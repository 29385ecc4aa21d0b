/* XPPAUT .ode files as neurodyn models.
 *
 * nd_model_load reads a path ending in .ode with nd_ode_translate: the file becomes the C model
 * file a user would write (ND_RHS, ND_KERNELS, the descriptor), compiled through the model cache,
 * so every analysis, the ensembles and the GPU path work on it. docs/ode.md lists what is
 * supported and how each construct maps; what is not (tables, Markov chains, delays, maps,
 * arrays, Volterra integrals, boundary conditions) is refused with FILE:LINE:COLUMN and the
 * construct's name. */
#ifndef NEURODYN_ODE_H
#define NEURODYN_ODE_H

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The .ode text (named `shown` in messages) as C source of a model called model_name; *c_source
 * is malloc'd (free it). ND_EINVAL with "SHOWN:LINE:COL: ..." for what cannot be translated. */
nd_status nd_ode_translate_text(const char *text, const char *shown, const char *model_name, char **c_source,
                                nd_error *err);

/* The same for a file: the model is named after the file (its base name without .ode, with
 * characters other than letters, digits and _ replaced by _). */
nd_status nd_ode_translate(const char *path, char **c_source, nd_error *err);

#ifdef __cplusplus
}
#endif

#endif
