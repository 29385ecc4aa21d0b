/* neurodyn basins' arguments and run, shared by the command (cli/cmd_basins.c) and its
 * classification and writers (cli/basins_out.c). */
#ifndef NEURODYN_CLI_BASINS_H
#define NEURODYN_CLI_BASINS_H

#include <stdio.h>

#include "neurodyn/ensemble.h"
#include "neurodyn/model.h"

/* One grid axis: a variable over lo..hi in n points. */
typedef struct basins_axis {
    const char *text;
    int index;
    double lo, hi;
    unsigned long n;
} basins_axis;

typedef struct basins_args {
    const char *model, *method, *out, *plot, *checkpoint;
    double t1, dt, tol;
    int json, quiet, resume;
    unsigned long block;
    nd_device device;
    basins_axis ax[2];
    const char **sets, **inits;
    int n_sets, n_inits;
} basins_args;

typedef struct basins_run {
    const nd_model *m;
    const basins_args *a;
    size_t n;               /* grid points, the x axis running fastest */
    nd_ensemble_result r;   /* final state and max/min of each variable after t1/2 */
    nd_attractor_map am;    /* the labels (nd_ensemble_attractors) */
    char attractors_path[4096]; /* the attractors' table beside --out, or "" */
} basins_run;

/* The grid value of axis k at index i. */
double basins_grid(const basins_axis *ax, size_t i);
/* Labels every grid point (nd_ensemble_attractors); an exit status. */
int basins_classify(basins_run *s);
/* The grid table, the attractors' table, the JSON document on stdout, and a line per attractor
 * (stderr). */
void basins_write_grid(FILE *f, const basins_run *s);
void basins_write_attractors(FILE *f, const basins_run *s);
int basins_print_json(const basins_run *s);
void basins_say(FILE *f, const basins_run *s);

#endif
