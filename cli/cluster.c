/* The CLI's side of MPI (cli/cluster.h): when to start it, silencing the ranks other than 0,
 * and the ensemble across the ranks. Built without MPI (no ND_HAVE_MPI), everything here runs
 * the one process. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef ND_HAVE_MPI
#include <mpi.h>

#include "neurodyn/ensemble_mpi.h"
#endif
#include "cluster.h"

static int rank, started;

/* The launchers' variables: Open MPI's mpirun, PMIx (srun, prte), PMI (MPICH, Slurm PMI2). */
static const char *launcher_rank(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v) return v;
    }
    return NULL;
}

#ifdef ND_HAVE_MPI
static void silence(void)
{
    int fd = open("/dev/null", O_WRONLY);
    if (fd < 0) return;
    fflush(stdout), fflush(stderr);
    dup2(fd, STDOUT_FILENO), dup2(fd, STDERR_FILENO);
    close(fd);
}
#endif

int cli_cluster_start(const char *cmd)
{
    const char *env = launcher_rank();
    if (!env || started) return 0;
#ifdef ND_HAVE_MPI
    int provided;
    /* FUNNELED: only this thread calls MPI; the OpenMP threads compute */
    (void)cmd;
    MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    started = 1;
    if (rank != 0) silence();
    return 0;
#else
    rank = atoi(env);
    if (rank != 0) return 1;
    fprintf(stderr, "neurodyn %s: warning: this neurodyn was built without MPI; rank 0 runs everything, the "
                    "other ranks leave\n", cmd);
    rank = 0;
    return 0;
#endif
}

void cli_cluster_end(void)
{
#ifdef ND_HAVE_MPI
    if (started) MPI_Finalize();
#endif
    started = 0;
}

int cli_cluster_rank(void) { return rank; }
int cli_cluster_active(void) { return started; }

nd_status cli_cluster_run(const nd_model *m, size_t n, const double *P, const double *X0, const nd_ensemble_opts *o,
                          const nd_ensemble_blocks_opts *b, nd_ensemble_result *res, double *lambda, nd_error *err)
{
#ifdef ND_HAVE_MPI
    if (started)
        return nd_ensemble_run_mpi(MPI_COMM_WORLD, m, n, P, n * m->n_pars, X0, n * m->n_vars, o, b, res, lambda, err);
#endif
    return nd_ensemble_run_blocks(m, n, P, n * m->n_pars, X0, n * m->n_vars, o, b, res, lambda, err);
}

#ifdef ND_HAVE_MPI
static nd_status farm_store(void *ctx, size_t k, const double *buf, int remote, nd_error *err)
{
    (void)remote;
    const cli_farm *f = ctx;
    return f->store(f->ctx, k, buf, err);
}
static size_t farm_len(void *ctx, size_t k) { return ((const cli_farm *)ctx)->len(((const cli_farm *)ctx)->ctx, k); }
static nd_status farm_run(void *ctx, size_t k, double *buf, nd_error *err)
{
    const cli_farm *f = ctx;
    return f->run(f->ctx, k, buf, err);
}
#endif

nd_status cli_cluster_farm(const cli_farm *f, nd_error *err)
{
#ifdef ND_HAVE_MPI
    if (started) {
        nd_mpi_farm mf = {.n_blocks = f->n_blocks, .len = farm_len, .run = farm_run, .store = farm_store, .ctx = (void *)f};
        return nd_mpi_farm_run(MPI_COMM_WORLD, &mf, err);
    }
#endif
    size_t most = 0;
    for (size_t k = 0; k < f->n_blocks; k++) most = f->len(f->ctx, k) > most ? f->len(f->ctx, k) : most;
    double *buf = malloc((most ? most : 1) * sizeof *buf);
    if (!buf) return nd_fail(err, ND_ENOMEM, "no memory for a block of %zu values", most);
    nd_status st = ND_OK;
    for (size_t k = 0; k < f->n_blocks && !st; k++)
        if (!(st = f->run(f->ctx, k, buf, err))) st = f->store(f->ctx, k, buf, err);
    free(buf);
    return st;
}

int cli_cluster_all(int ok)
{
#ifdef ND_HAVE_MPI
    if (started) {
        int all = 0;
        MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
        return all;
    }
#endif
    return ok;
}

void cli_cluster_model_key(const char *spec, char *buf, size_t len)
{
    unsigned long long h = 0xcbf29ce484222325ULL;
    FILE *f = fopen(spec, "rb");
    int c;
    while (f && (c = getc(f)) != EOF) h = (h ^ (unsigned char)c) * 0x100000001b3ULL;
    if (f) {
        fclose(f);
        snprintf(buf, len, "model file content %016llx", h); /* not its path: a moved file resumes */
    } else {
        snprintf(buf, len, "model %s", spec);
    }
}
