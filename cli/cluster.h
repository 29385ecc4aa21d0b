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
/* A text naming what the library cannot see of the model: the content of a model file (its
 * FNV-1a hash), else the name; into buf. */
void cli_cluster_model_key(const char *spec, char *buf, size_t len);

#endif
