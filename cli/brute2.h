/* bifurcation2 --brute: the brute-force two-parameter map brute2.tsv (cli/brute2.c), its rows
 * shared among MPI ranks when the command runs under mpirun (cli/cluster.h). */
#ifndef NEURODYN_CLI_BRUTE2_H
#define NEURODYN_CLI_BRUTE2_H

#include "neurodyn/analysis.h"
#include "neurodyn/model.h"

typedef struct brute2_map {
    const nd_model *m;
    const double *p0;      /* the parameters; pidx[0], pidx[1] vary over the grid */
    const nd_region *r;    /* the box and the held variables */
    int pidx[2];
    double plo[2], phi[2];
    unsigned long grid;    /* points per axis */
    double t1, transient;  /* the simulation from the initial state, and what it skips */
} brute2_map;

/* Computes the map (one block per grid row; across the ranks under MPI: every rank calls it,
 * ready = 0 where the command has already failed, and then every rank fails) and on rank 0
 * writes DIR/brute2.tsv. An exit status (-2 on the other ranks when all went well). */
int brute2_run(const brute2_map *b, const char *outdir, int ready);

#endif
