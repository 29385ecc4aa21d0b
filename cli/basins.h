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
    const char *model, *method, *out, *plot;
    double t1, dt, tol;
    int json, quiet;
    nd_device device;
    basins_axis ax[2];
    const char **sets, **inits;
    int n_sets, n_inits;
} basins_args;

/* Codes of the grid points that reach no attractor. */
enum { BASINS_NONFINITE = -1, BASINS_FAILED = -2 };
enum { BASINS_EQUILIBRIUM = 0, BASINS_CYCLE = 1 };

typedef struct basins_attractor {
    int kind;              /* BASINS_EQUILIBRIUM or BASINS_CYCLE (anything that still moves) */
    size_t count, first;   /* grid points in its basin; the first of them (its representative) */
} basins_attractor;

typedef struct basins_run {
    const nd_model *m;
    const basins_args *a;
    size_t n;               /* grid points, the x axis running fastest */
    nd_ensemble_result r;   /* final state and max/min of each variable after t1/2 */
    int *label;             /* n: attractor index, or BASINS_NONFINITE / BASINS_FAILED */
    basins_attractor *att;
    size_t n_att, n_nonfinite, n_failed;
    char attractors_path[4096]; /* the attractors' table beside --out, or "" */
} basins_run;

/* The grid value of axis k at index i. */
double basins_grid(const basins_axis *ax, size_t i);
/* Labels every grid point: equilibria (max - min of every variable after the transient within
 * tol of its scale) clustered by final state, the rest by their max/min; status 1 on no memory. */
int basins_classify(basins_run *s);
/* The grid table, the attractors' table, the JSON document on stdout, and a line per attractor
 * (stderr). */
void basins_write_grid(FILE *f, const basins_run *s);
void basins_write_attractors(FILE *f, const basins_run *s);
int basins_print_json(const basins_run *s);
void basins_say(FILE *f, const basins_run *s);

#endif
