/* The CLI under an MPI launcher (cli/cluster.c, docs/cluster.md): MPI starts only when the
 * process was started by one, so a plain run is as it always was. */
#ifndef NEURODYN_CLI_CLUSTER_H
#define NEURODYN_CLI_CLUSTER_H

#include "neurodyn/ensemble.h"

/* Starts MPI when launched by mpirun/srun (and built with MPI); the ranks other than 0 then
 * write nothing (stdout and stderr go to /dev/null: rank 0 reports for all). Returns 1 when
 * this process should leave at once with status 0: a rank other than 0 of a build without MPI
 * (rank 0 then runs everything alone, and says so). */
int cli_cluster_start(const char *cmd);
/* Ends MPI if cli_cluster_start began it. */
void cli_cluster_end(void);
/* This process's rank (0 without MPI) and whether MPI runs. */
int cli_cluster_rank(void);
int cli_cluster_active(void);
/* nd_ensemble_run_blocks, across the ranks when MPI runs (nd_ensemble_run_mpi). */
nd_status cli_cluster_run(const nd_model *m, size_t n, const double *P, const double *X0, const nd_ensemble_opts *o,
                          const nd_ensemble_blocks_opts *b, nd_ensemble_result *res, double *lambda, nd_error *err);
/* Independent blocks of work (nd_mpi_farm_run when MPI runs, else one after the other here):
 * block k < n_blocks computed by run into len(k) doubles and handed to store in index order
 * (on rank 0 only, under MPI: in any order). Every rank must call it. */
typedef struct cli_farm {
    size_t n_blocks;
    size_t (*len)(void *ctx, size_t k);
    nd_status (*run)(void *ctx, size_t k, double *buf, nd_error *err);
    nd_status (*store)(void *ctx, size_t k, const double *buf, nd_error *err);
    void *ctx;
} cli_farm;
nd_status cli_cluster_farm(const cli_farm *f, nd_error *err);
/* Whether every rank is ready (ok on each): collective under MPI, ok itself without. */
int cli_cluster_all(int ok);
/* A text naming what the library cannot see of the model: the content of a model file (its
 * FNV-1a hash), else the name; into buf. */
void cli_cluster_model_key(const char *spec, char *buf, size_t len);

#endif
