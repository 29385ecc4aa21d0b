/* nd_mpi_farm_run and nd_ensemble_run_mpi (include/neurodyn/ensemble_mpi.h): independent blocks
 * of work (the ensemble's blocks of gpu/blocks.c, or a caller's) across the processes of an MPI
 * communicator, with dynamic load balancing by a master that also works.
 *
 * Protocol (tags below). Rank 0 sends every other rank two messages to start (ASSIGN k, or
 * STOP when no block is left) and then exactly one reply to every message it receives: the
 * next block, or STOP. A worker answers each ASSIGN with one RESULT (the packed block) or one
 * FAIL (an error's text; empty once it has failed and is only declining), never answers STOP,
 * and is finished when it has received 2 + (the messages it sent) messages. Rank 0 is finished
 * when no block is left to hand out (or a rank failed) and no ASSIGN is unanswered; so every
 * message is matched and no rank waits for ever. Between its own blocks rank 0 serves the
 * queue, so a worker holds at most two blocks ahead and never idles while rank 0 works, unless
 * a block of rank 0 takes longer than two of the worker's. Waiting ranks poll (MPI_Iprobe and a
 * 0.2 ms sleep) instead of spinning in a blocking receive, which would take a core from the
 * computing threads. A packed block is a few hundred bytes per trajectory (docs/cluster.md). */
#include <limits.h>
#include <mpi.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "blocks_impl.h"
#include "neurodyn/ensemble_mpi.h"

enum { TAG_ASSIGN = 7301, TAG_RESULT, TAG_FAIL };

/* Waits for a message from source (MPI_ANY_SOURCE too) without spinning. */
static void wait_message(MPI_Comm comm, int source, MPI_Status *status)
{
    int flag = 0;
    struct timespec nap = {0, 200000};
    for (;;) {
        MPI_Iprobe(source, MPI_ANY_TAG, comm, &flag, status);
        if (flag) return;
        nanosleep(&nap, NULL);
    }
}

/* ---- rank 0 ------------------------------------------------------------------------------------- */
typedef struct master {
    MPI_Comm comm;
    const nd_mpi_farm *f;
    size_t next;      /* the first block not yet handed out */
    long *pending;    /* per rank: ASSIGNs not yet answered */
    long n_pending;
    int stop;         /* a rank failed: hand out nothing more */
    nd_status st;
    nd_error *err;
    double *buf;      /* a whole block's values */
} master;

/* The next block that the checkpoint does not hold, or -1. */
static long take_block(master *w)
{
    const nd_mpi_farm *f = w->f;
    while (!w->stop && w->next < f->n_blocks && f->done && f->done(f->ctx, w->next)) w->next++;
    return !w->stop && w->next < f->n_blocks ? (long)w->next++ : -1;
}

static void fail(master *w, int rank, const char *msg)
{
    if (w->stop) return;
    w->stop = 1;
    w->st = nd_fail(w->err, ND_EFAILED, "rank %d: %s", rank, msg);
}

static void send_next(master *w, int rank)
{
    long k = take_block(w);
    MPI_Send(&k, 1, MPI_LONG, rank, TAG_ASSIGN, w->comm);
    if (k >= 0) w->pending[rank]++, w->n_pending++;
}

static void serve(master *w, const MPI_Status *s)
{
    int rank = s->MPI_SOURCE, len = 0;
    if (s->MPI_TAG == TAG_RESULT) {
        MPI_Get_count(s, MPI_DOUBLE, &len);
        MPI_Recv(w->buf, len, MPI_DOUBLE, rank, TAG_RESULT, w->comm, MPI_STATUS_IGNORE);
        nd_error e;
        double key = w->buf[0];
        size_t k = key >= 0 && key < (double)w->f->n_blocks ? (size_t)key : w->f->n_blocks;
        if (k == w->f->n_blocks || (size_t)len - 1 != w->f->len(w->f->ctx, k))
            fail(w, 0, "a block came back with another index or size than it was given");
        else if (!w->stop && w->f->store(w->f->ctx, k, w->buf + 1, 1, &e))
            fail(w, 0, e.msg);
    } else {
        char msg[ND_ERROR_MSG_LEN] = "";
        MPI_Get_count(s, MPI_CHAR, &len);
        MPI_Recv(msg, ND_ERROR_MSG_LEN, MPI_CHAR, rank, TAG_FAIL, w->comm, MPI_STATUS_IGNORE);
        msg[ND_ERROR_MSG_LEN - 1] = '\0';
        if (msg[0]) fail(w, rank, msg);
    }
    w->pending[rank]--, w->n_pending--;
    send_next(w, rank);
}

static void serve_waiting(master *w)
{
    int flag = 1;
    MPI_Status s;
    while (flag) {
        MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, w->comm, &flag, &s);
        if (flag) serve(w, &s);
    }
}

/* The most doubles a block packs into (plus one for its index). */
static size_t largest(const nd_mpi_farm *f)
{
    size_t most = 0;
    for (size_t k = 0; k < f->n_blocks; k++) {
        size_t len = f->len(f->ctx, k);
        most = len > most ? len : most;
    }
    return most + 1;
}

static nd_status run_master(MPI_Comm comm, int size, const nd_mpi_farm *f, nd_error *err)
{
    master w = {.comm = comm, .f = f, .err = err};
    size_t cap = largest(f);
    w.pending = calloc((size_t)size, sizeof *w.pending);
    w.buf = malloc(cap * sizeof *w.buf);
    double *own = malloc(cap * sizeof *own);
    if (!w.pending || !w.buf || !own) fail(&w, 0, "no memory for the blocks' buffers");
    for (int r = 1; r < size; r++) send_next(&w, r), send_next(&w, r); /* two ahead (or STOP) */
    for (;;) {
        serve_waiting(&w);
        long k = take_block(&w);
        if (k >= 0) {
            nd_error e;
            if (f->run(f->ctx, (size_t)k, own, &e) || f->store(f->ctx, (size_t)k, own, 0, &e)) fail(&w, 0, e.msg);
            continue;
        }
        if (w.n_pending == 0) break;
        MPI_Status s;
        wait_message(comm, MPI_ANY_SOURCE, &s);
        serve(&w, &s);
    }
    free(w.pending), free(w.buf), free(own);
    return w.st;
}

/* ---- the other ranks ------------------------------------------------------------------------------- */
static void run_worker(MPI_Comm comm, const nd_mpi_farm *f)
{
    size_t cap = largest(f);
    double *buf[2] = {malloc(cap * sizeof(double)), malloc(cap * sizeof(double))};
    MPI_Request sent[2] = {MPI_REQUEST_NULL, MPI_REQUEST_NULL};
    long received = 0, expected = 2, turn = 0;
    int failed = !buf[0] || !buf[1];
    char msg[ND_ERROR_MSG_LEN] = "no memory for the blocks' buffers";
    while (received < expected) {
        MPI_Status s;
        long k;
        wait_message(comm, 0, &s);
        MPI_Recv(&k, 1, MPI_LONG, 0, TAG_ASSIGN, comm, MPI_STATUS_IGNORE);
        received++;
        if (k < 0) continue; /* STOP */
        expected++;
        double *b = buf[turn];
        nd_error e;
        if (!failed) {
            MPI_Wait(&sent[turn], MPI_STATUS_IGNORE); /* this buffer's previous result has gone */
            if ((size_t)k >= f->n_blocks) failed = 1, snprintf(msg, sizeof msg, "was handed block %ld of %zu", k, f->n_blocks);
            else if (f->run(f->ctx, (size_t)k, b + 1, &e)) failed = 1, snprintf(msg, sizeof msg, "%s", e.msg);
            else {
                b[0] = (double)k;
                MPI_Isend(b, (int)f->len(f->ctx, (size_t)k) + 1, MPI_DOUBLE, 0, TAG_RESULT, comm, &sent[turn]);
                turn ^= 1;
                continue;
            }
        }
        MPI_Send(msg, (int)strlen(msg) + 1, MPI_CHAR, 0, TAG_FAIL, comm);
        msg[0] = '\0'; /* said once; later ASSIGNs are only declined */
    }
    MPI_Waitall(2, sent, MPI_STATUSES_IGNORE);
    free(buf[0]), free(buf[1]);
}

/* ---- the farm ----------------------------------------------------------------------------------------- */
/* Rank 0: the status of the run; the others: ND_OK (rank 0 knows what failed). */
static nd_status schedule(MPI_Comm comm, int rank, int size, const nd_mpi_farm *f, nd_error *err)
{
    if (rank == 0) return run_master(comm, size, f, err);
    run_worker(comm, f);
    return ND_OK;
}

/* Rank 0's verdict to every rank. */
static nd_status verdict(MPI_Comm comm, int rank, nd_status st, const char *what, nd_error *err)
{
    int ok = st == ND_OK;
    MPI_Bcast(&ok, 1, MPI_INT, 0, comm);
    if (rank == 0 || ok) return st;
    return nd_fail(err, ND_EFAILED, "%s: the run failed (rank 0 says why)", what);
}

/* Whether every rank was given rank 0's number of blocks (and sizes): else all fail. */
static nd_status same_shape(MPI_Comm comm, int rank, const nd_mpi_farm *f, nd_error *err)
{
    uint64_t h[2] = {f->n_blocks, 0}, mine[2];
    for (size_t k = 0; k < f->n_blocks; k++) h[1] = h[1] * 1000003u + f->len(f->ctx, k);
    mine[0] = h[0], mine[1] = h[1];
    MPI_Bcast(h, 2, MPI_UINT64_T, 0, comm);
    int odd = h[0] == mine[0] && h[1] == mine[1] ? -1 : rank, first;
    MPI_Allreduce(&odd, &first, 1, MPI_INT, MPI_MAX, comm);
    if (first < 0) return ND_OK;
    return nd_fail(err, ND_EINVAL, "mpi farm: rank %d was given other blocks than rank 0", first);
}

nd_status nd_mpi_farm_run(MPI_Comm comm, const nd_mpi_farm *f, nd_error *err)
{
    int rank, size;
    if (MPI_Comm_rank(comm, &rank) != MPI_SUCCESS || MPI_Comm_size(comm, &size) != MPI_SUCCESS)
        return nd_fail(err, ND_EINVAL, "mpi farm: not a valid communicator");
    /* the same on every rank (the arguments), so all refuse or none */
    if (!f || !f->len || !f->run || !f->store) return nd_fail(err, ND_EINVAL, "mpi farm: a block count, len, run and store are needed");
    if (f->n_blocks > (size_t)LONG_MAX) return nd_fail(err, ND_EINVAL, "mpi farm: %zu blocks are too many", f->n_blocks);
    nd_status st = same_shape(comm, rank, f, err);
    if (st) return st;
    return verdict(comm, rank, schedule(comm, rank, size, f, err), "mpi farm", err);
}

/* ---- the ensemble's blocks ---------------------------------------------------------------------------- */
static size_t job_len(void *ctx, size_t k) { return nd_ens_job_packed(ctx, k); }
static int job_done(void *ctx, size_t k) { return ((nd_ens_job *)ctx)->done[k]; }
static nd_status job_run(void *ctx, size_t k, double *buf, nd_error *err) { return nd_ens_job_run(ctx, k, buf, err); }

/* A block from another rank is also credited to the progress callback (its own run reported it). */
static nd_status job_store(void *ctx, size_t k, const double *buf, int remote, nd_error *err)
{
    nd_status st = nd_ens_job_store(ctx, k, buf, nd_ens_job_packed(ctx, k), 1, err);
    if (!st && remote) nd_ens_job_credit(ctx, k);
    return st;
}

/* ---- the entry point --------------------------------------------------------------------------------- */
/* Whether every rank has rank 0's run: the lowest rank with another hash, or -1. */
static int odd_rank(MPI_Comm comm, int rank, const nd_ens_job *j)
{
    uint64_t h[2] = {j->hash[0], j->hash[1]};
    MPI_Bcast(h, 2, MPI_UINT64_T, 0, comm);
    int mine = h[0] == j->hash[0] && h[1] == j->hash[1] ? -1 : rank, first;
    MPI_Allreduce(&mine, &first, 1, MPI_INT, MPI_MAX, comm);
    return first;
}

nd_status nd_ensemble_run_mpi(MPI_Comm comm, const nd_model *m, size_t n, const double *P, size_t p_len,
                              const double *X0, size_t x_len, const nd_ensemble_opts *o,
                              const nd_ensemble_blocks_opts *b, nd_ensemble_result *res, double *lambda,
                              nd_error *err)
{
    int rank, size;
    if (MPI_Comm_rank(comm, &rank) != MPI_SUCCESS || MPI_Comm_size(comm, &size) != MPI_SUCCESS)
        return nd_fail(err, ND_EINVAL, "ensemble mpi: not a valid communicator");
    nd_ens_job j;
    /* the checks are the same on every rank (same inputs), so all fail or none */
    nd_status st = nd_ens_job_init(&j, m, n, P, p_len, X0, x_len, o, b, res, rank == 0 ? lambda : NULL, err);
    int bad = st ? 1 : 0, any;
    MPI_Allreduce(&bad, &any, 1, MPI_INT, MPI_MAX, comm);
    if (any) return st ? st : nd_fail(err, ND_EINVAL, "ensemble mpi: another rank refused the arguments");
    int odd = odd_rank(comm, rank, &j);
    if (odd >= 0)
        return nd_fail(err, ND_EINVAL, "ensemble mpi: rank %d was given another model, inputs or options than rank 0", odd);
    int ok = 1;
    if (rank == 0) ok = (st = nd_ens_job_gather_start(&j, b, err)) == ND_OK;
    MPI_Bcast(&ok, 1, MPI_INT, 0, comm); /* a refused checkpoint stops every rank */
    if (!ok) return rank == 0 ? st : nd_fail(err, ND_EINVAL, "ensemble mpi: rank 0 could not start the run");
    nd_mpi_farm f = {.n_blocks = j.n_blocks, .len = job_len, .done = rank == 0 ? job_done : NULL, .run = job_run,
                     .store = job_store, .ctx = &j};
    st = schedule(comm, rank, size, &f, err);
    if (rank == 0) st = nd_ens_job_gather_end(&j, st);
    return verdict(comm, rank, st, "ensemble mpi", err);
}
