/* Internal: a grid run in blocks (gpu/blocks.c), its checkpoint file (gpu/checkpoint.c) and the
 * MPI scheduler (gpu/ensemble_mpi.c). */
#ifndef ND_BLOCKS_IMPL_H
#define ND_BLOCKS_IMPL_H

#include <stdint.h>
#include <stdio.h>

#include "ensemble_impl.h"

typedef struct nd_ens_ckpt nd_ens_ckpt;

/* A run in blocks. The full result (res, lambda, done) lives on the process that gathers. */
typedef struct nd_ens_job {
    const nd_model *m;
    size_t n;
    const double *P, *X0;
    const nd_ensemble_opts *o, *lo; /* lo: the Lyapunov pass, or NULL */
    long renorm;
    size_t block, n_blocks;
    uint64_t hash[2];               /* the run's identity */
    nd_ensemble_result *res;        /* gatherer: the full result; else NULL */
    double *lambda;
    unsigned char *done;            /* gatherer: n_blocks flags */
    size_t n_done;
    size_t per;                     /* packed values per trajectory */
    int device_cuda, device_cpu;    /* which devices the blocks ran on */
    int scalar;                     /* a block ran one nd_solve per trajectory */
    nd_ens_ckpt *ckpt;
} nd_ens_job;

/* Checks the arguments, sets the block size and the hash; res zeroed. */
nd_status nd_ens_job_init(nd_ens_job *j, const nd_model *m, size_t n, const double *P, size_t p_len, const double *X0,
                          size_t x_len, const nd_ensemble_opts *o, const nd_ensemble_blocks_opts *b,
                          nd_ensemble_result *res, double *lambda, nd_error *err);
/* The gatherer's side: the full result, the flags, the checkpoint (opened or resumed). */
nd_status nd_ens_job_gather_start(nd_ens_job *j, const nd_ensemble_blocks_opts *b, nd_error *err);
/* Ends the gatherer's side: on success the result's failure count and device; on failure the
 * result is freed. Always closes the checkpoint. */
nd_status nd_ens_job_gather_end(nd_ens_job *j, nd_status st);
size_t nd_ens_job_count(const nd_ens_job *j, size_t k);
/* Doubles a packed block k holds. */
size_t nd_ens_job_packed(const nd_ens_job *j, size_t k);
/* Runs block k into buf (nd_ens_job_packed(j, k) doubles). */
nd_status nd_ens_job_run(const nd_ens_job *j, size_t k, double *buf, nd_error *err);
/* Reports block k to the progress callback as done (a block run elsewhere or replayed: the
 * callback counts the trajectories of both passes). */
void nd_ens_job_credit(const nd_ens_job *j, size_t k);
/* Stores a packed block k into the full result and the checkpoint. */
nd_status nd_ens_job_store(nd_ens_job *j, size_t k, const double *buf, size_t len, int to_checkpoint, nd_error *err);

/* The checkpoint file: a header with the run's hash and shape, then one record per block
 * (index, packed values, checksum). */
nd_status nd_ens_ckpt_open(const char *path, int resume, const uint64_t hash[2], size_t n, size_t block,
                           nd_ens_ckpt **out, nd_error *err);
/* Calls back each valid record of a resumed file (a torn last record is dropped). */
nd_status nd_ens_ckpt_replay(nd_ens_ckpt *c, nd_status (*got)(void *ctx, size_t k, const double *v, size_t len, nd_error *err),
                             void *ctx, nd_error *err);
nd_status nd_ens_ckpt_append(nd_ens_ckpt *c, size_t k, const double *v, size_t len, nd_error *err);
void nd_ens_ckpt_close(nd_ens_ckpt *c);

/* FNV-1a, 64 bits, continuing from h. */
uint64_t nd_ens_fnv(uint64_t h, const void *data, size_t len);

#endif
