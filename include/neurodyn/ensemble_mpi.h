/* neurodyn — a batched ensemble across the processes of an MPI communicator (docs/cluster.md).
 *
 * Installed and usable only when neurodyn was built with MPI (the build defines ND_HAVE_MPI):
 * ensemble.h itself never includes <mpi.h>. */
#ifndef NEURODYN_ENSEMBLE_MPI_H
#define NEURODYN_ENSEMBLE_MPI_H

#include <mpi.h>

#include "ensemble.h"

#ifdef __cplusplus
extern "C" {
#endif

/* nd_ensemble_run_blocks over the processes of comm: collective, every process passes the same
 * model, inputs and options (checked: a hash of them is compared with rank 0's). Rank 0 hands
 * out the blocks one at a time as the processes ask for them (dynamic load balancing: each
 * process holds at most two blocks ahead), computes blocks itself between requests, gathers
 * the results into res and lambda and writes the checkpoint; the other ranks' res is left
 * empty (res->n = 0) and their lambda unused (may be NULL). Each block runs with o->device on
 * its process (auto: that process's GPU when it has one) and all its threads. On a failure on
 * any rank, every rank returns an error, rank 0's naming the rank that failed; no rank is left
 * waiting. comm must be an intracommunicator; MPI must be initialised (MPI_THREAD_FUNNELED is
 * enough: only the calling thread uses MPI). */
nd_status nd_ensemble_run_mpi(MPI_Comm comm, const nd_model *m, size_t n, const double *P, size_t p_len,
                              const double *X0, size_t x_len, const nd_ensemble_opts *o,
                              const nd_ensemble_blocks_opts *b, nd_ensemble_result *res, double *lambda,
                              nd_error *err);

/* The scheduler under nd_ensemble_run_mpi, for any work cut into independent blocks (the CLI's
 * bifurcation2 --brute map uses it): block k < n_blocks is computed by run, on whichever rank
 * asks next, into len(k) doubles, which reach store on rank 0 (remote: computed on another rank).
 * Rank 0 computes blocks itself between requests and skips those done() says it holds (a
 * checkpoint; NULL: none). Collective: every rank passes the same n_blocks and len (checked:
 * rank 0's are broadcast), and run must give the same values on any rank for the result to be
 * that of one process. A failure on any rank stops every rank; rank 0's error names the rank,
 * the others say that rank 0 knows. len, done and store are called on rank 0's calling thread. */
typedef struct nd_mpi_farm {
    size_t n_blocks;
    size_t (*len)(void *ctx, size_t k);
    int (*done)(void *ctx, size_t k);
    nd_status (*run)(void *ctx, size_t k, double *buf, nd_error *err);
    nd_status (*store)(void *ctx, size_t k, const double *buf, int remote, nd_error *err);
    void *ctx;
} nd_mpi_farm;
nd_status nd_mpi_farm_run(MPI_Comm comm, const nd_mpi_farm *f, nd_error *err);

#ifdef __cplusplus
}
#endif

#endif
