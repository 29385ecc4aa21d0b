/* Private to analysis/phase_plane/: the checks the phase-plane files share. */
#ifndef ND_PHASE_PLANE_INTERNAL_H
#define ND_PHASE_PLANE_INTERNAL_H

#include "neurodyn/analysis.h"

nd_status pp_check_model_params(const nd_model *m, const double *p, const char *who, nd_error *err);
int pp_is_fixed(const nd_region *r, size_t i);
/* "V (0), w (1)": the free variables */
void pp_free_list(const nd_model *m, const nd_region *r, char *buf, size_t len);
/* Model, parameters and region valid, exactly two free variables: their indices. */
nd_status pp_slice_2d(const nd_model *m, const double *p, const nd_region *r, const char *who, int *ix, int *iy,
                      nd_error *err);
/* The full state with the fixed variables at their values (free ones from lo). */
void pp_base_state(const nd_model *m, const nd_region *r, double *s);

#endif
