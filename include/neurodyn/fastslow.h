/* neurodyn — fast–slow (Rinzel) analysis: the fast subsystem of a model with its slow variables
 * turned into parameters, so that every analysis (fixed points, equilibrium and cycle
 * continuation, two-parameter curves) runs on it unchanged, and the classification of bursters
 * from the bifurcations of the fast subsystem (Izhikevich 2000, Int. J. Bifurcation Chaos
 * 10:1171). */
#ifndef NEURODYN_FASTSLOW_H
#define NEURODYN_FASTSLOW_H

#include "continuation.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ND_FAST_SLOTS 8 /* fast subsystems that can exist at once */

/* The fast subsystem of `full` with the variables flagged in `slow` as parameters. Its
 * parameters are those of `full` followed by one per slow variable (named like the variable,
 * default its initial value); its variables are the others. The descriptor points into the
 * struct, which must stay alive while the model is used; release it with
 * nd_fast_subsystem_free. At most ND_FAST_SLOTS at once (the RHS is a trampoline per slot). */
typedef struct nd_fast_subsystem {
    nd_model model;       /* the fast subsystem as a model */
    const nd_model *full;
    size_t n_fast, n_slow;
    size_t *fast_idx, *slow_idx; /* indices into the full model's variables */
    const char **var_names, **par_names;
    double *par_defaults, *init;
    char name[96];
    int slot;
} nd_fast_subsystem;

nd_status nd_fast_subsystem_init(nd_fast_subsystem *fs, const nd_model *full, const int *slow, nd_error *err);
void nd_fast_subsystem_free(nd_fast_subsystem *fs);

/* The parameter index of slow variable k (0-based among the slow ones) in the fast model. */
int nd_fast_slow_par(const nd_fast_subsystem *fs, size_t k);

#ifdef __cplusplus
}
#endif

#endif
