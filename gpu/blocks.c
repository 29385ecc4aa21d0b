/* A grid run in blocks (nd_ensemble_run_blocks): each block of consecutive trajectories runs as
 * its own ensemble with its trajectories' global indices (first_trajectory + start, so the
 * Philox streams are those of the whole run), is packed into one array of doubles (the unit the
 * checkpoint saves and MPI sends: gpu/checkpoint.c, gpu/ensemble_mpi.c) and unpacked into the
 * full result. Every trajectory's numbers are independent of its block (the lanes run the same
 * instructions in every lane, gpu/lanes.c), so the gathered result is bitwise nd_ensemble_run's. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "blocks_impl.h"

enum { LANES = 128, TARGET_BLOCKS = 1024, MAX_FIELDS = 20 };

void nd_ensemble_blocks_opts_init(nd_ensemble_blocks_opts *b)
{
    memset(b, 0, sizeof *b);
    b->renorm = 10;
}

size_t nd_ensemble_default_block(size_t n)
{
    size_t b = (n / TARGET_BLOCKS + LANES - 1) / LANES * LANES;
    return b < LANES ? LANES : b;
}

/* ---- packing ------------------------------------------------------------------------------------ */
/* One per-trajectory array of the result: rows x n with leading dimension n. */
typedef struct field {
    double *d;
    long *l;
    int *i;
    size_t rows;
} field;

static int fields_of(const nd_ensemble_result *r, double *lambda, field *f)
{
    int k = 0;
    size_t nv = r->n_vars, ne = r->max_extrema;
    f[k++] = (field){.d = r->x, .rows = nv};
    if (r->x_max) f[k++] = (field){.d = r->x_max, .rows = nv}, f[k++] = (field){.d = r->x_min, .rows = nv};
    if (r->events) {
        f[k++] = (field){.l = r->events, .rows = 1};
        f[k++] = (field){.d = r->event_first, .rows = 1}, f[k++] = (field){.d = r->event_last, .rows = 1};
        f[k++] = (field){.d = r->period, .rows = 1};
    }
    if (r->event_times) f[k++] = (field){.d = r->event_times, .rows = r->max_events};
    if (r->samples) f[k++] = (field){.d = r->samples, .rows = r->n_samples * nv};
    f[k++] = (field){.i = r->status, .rows = 1}, f[k++] = (field){.d = r->t_fail, .rows = 1};
    if (r->n_maxima) {
        f[k++] = (field){.l = r->n_maxima, .rows = 1};
        f[k++] = (field){.d = r->maxima, .rows = ne}, f[k++] = (field){.d = r->maxima_t, .rows = ne};
    }
    if (r->n_minima) {
        f[k++] = (field){.l = r->n_minima, .rows = 1};
        f[k++] = (field){.d = r->minima, .rows = ne}, f[k++] = (field){.d = r->minima_t, .rows = ne};
    }
    if (lambda) f[k++] = (field){.d = lambda, .rows = 1};
    return k;
}

/* Counts (long, int) travel as doubles: exact below 2^53. */
static double get(const field *f, size_t at) { return f->d ? f->d[at] : f->l ? (double)f->l[at] : (double)f->i[at]; }

static void put(const field *f, size_t at, double v)
{
    if (f->d) f->d[at] = v;
    else if (f->l) f->l[at] = (long)v;
    else f->i[at] = (int)v;
}

/* buf: the device, whether vectorised, then each field's rows of the block's trajectories. */
static void pack(const nd_ensemble_result *r, double *lambda, double *buf)
{
    field f[MAX_FIELDS];
    int nf = fields_of(r, lambda, f);
    size_t p = 0, n = r->n;
    buf[p++] = (double)r->device, buf[p++] = (double)r->vectorised;
    for (int k = 0; k < nf; k++)
        for (size_t row = 0; row < f[k].rows; row++)
            for (size_t i = 0; i < n; i++) buf[p++] = get(&f[k], row * n + i);
}

static void unpack(nd_ensemble_result *full, double *lambda, size_t start, size_t count, const double *buf)
{
    field f[MAX_FIELDS];
    int nf = fields_of(full, lambda, f);
    size_t p = 2, n = full->n;
    for (int k = 0; k < nf; k++)
        for (size_t row = 0; row < f[k].rows; row++)
            for (size_t i = 0; i < count; i++) put(&f[k], row * n + start + i, buf[p++]);
}

/* Values per trajectory in a packed block, from a one-trajectory result of the same options. */
static nd_status per_trajectory(const nd_ens_job *j, size_t *per, nd_error *err)
{
    nd_ensemble_result one;
    memset(&one, 0, sizeof one);
    nd_status st = nd_ens_alloc_result(j->m, 1, j->o, &one, err);
    if (st) return st;
    field f[MAX_FIELDS];
    double lam;
    int nf = fields_of(&one, j->lo ? &lam : NULL, f);
    *per = 0;
    for (int k = 0; k < nf; k++) *per += f[k].rows;
    nd_ensemble_result_free(&one);
    return ND_OK;
}

/* ---- the run's identity --------------------------------------------------------------------------- */
static uint64_t hash_str(uint64_t h, const char *s) { return nd_ens_fnv(h, s ? s : "", s ? strlen(s) + 1 : 1); }
#define HASH(h, v) ((h) = nd_ens_fnv((h), &(v), sizeof(v)))

static uint64_t hash_opts(uint64_t h, const nd_ensemble_opts *o)
{
    if (!o) return hash_str(h, "(none)");
    h = hash_str(h, o->method);
    HASH(h, o->t0), HASH(h, o->t1), HASH(h, o->dt), HASH(h, o->rtol), HASH(h, o->atol), HASH(h, o->transient);
    HASH(h, o->event_var), HASH(h, o->event_level), HASH(h, o->max_events), HASH(h, o->sample_stride);
    HASH(h, o->keep_minmax), HASH(h, o->seed), HASH(h, o->first_trajectory), HASH(h, o->noise);
    HASH(h, o->device), HASH(h, o->precision), HASH(h, o->extrema), HASH(h, o->max_extrema);
    return h;
}

/* Everything the numbers depend on, hashed twice from two bases (a 128-bit identity). */
static void hash_run(nd_ens_job *j, const char *run_key)
{
    static const uint64_t base[2] = {0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL};
    const nd_model *m = j->m;
    for (int b = 0; b < 2; b++) {
        uint64_t h = hash_str(base[b], "neurodyn blocks 1");
        h = hash_str(h, run_key), h = hash_str(h, m->name);
        HASH(h, m->n_vars), HASH(h, m->n_pars);
        for (size_t v = 0; v < m->n_vars; v++) h = hash_str(h, m->var_names[v]);
        for (size_t k = 0; k < m->n_pars; k++) h = hash_str(h, m->par_names[k]);
        HASH(h, j->n), HASH(h, j->block), HASH(h, j->renorm);
        h = nd_ens_fnv(h, j->P, j->n * m->n_pars * sizeof *j->P);
        h = nd_ens_fnv(h, j->X0, j->n * m->n_vars * sizeof *j->X0);
        h = hash_opts(hash_opts(h, j->o), j->lo);
        j->hash[b] = h;
    }
}

/* ---- the job -------------------------------------------------------------------------------------- */

nd_status nd_ens_job_init(nd_ens_job *j, const nd_model *m, size_t n, const double *P, size_t p_len, const double *X0,
                          size_t x_len, const nd_ensemble_opts *o, const nd_ensemble_blocks_opts *b,
                          nd_ensemble_result *res, double *lambda, nd_error *err)
{
    memset(j, 0, sizeof *j);
    nd_status st = nd_ens_check_args(m, n, P, p_len, X0, x_len, o, res, err);
    if (st) return st;
    if (!b) return nd_fail(err, ND_EINVAL, "ensemble blocks: options are NULL (use nd_ensemble_blocks_opts_init)");
    if (b->lyapunov && b->renorm < 1)
        return nd_fail(err, ND_EINVAL, "ensemble blocks: renormalisation interval %ld must be >= 1 step", b->renorm);
    j->m = m, j->n = n, j->P = P, j->X0 = X0, j->o = o, j->lo = b->lyapunov, j->renorm = b->lyapunov ? b->renorm : 0;
    j->block = b->block ? b->block : nd_ensemble_default_block(n);
    j->n_blocks = (n + j->block - 1) / j->block;
    j->res = res, j->lambda = lambda;
    if ((st = per_trajectory(j, &j->per, err))) return st;
    hash_run(j, b->run_key);
    return ND_OK;
}

size_t nd_ens_job_count(const nd_ens_job *j, size_t k)
{
    size_t start = k * j->block;
    return j->n - start < j->block ? j->n - start : j->block;
}

size_t nd_ens_job_packed(const nd_ens_job *j, size_t k) { return 2 + nd_ens_job_count(j, k) * j->per; }

nd_status nd_ens_job_run(const nd_ens_job *j, size_t k, double *buf, nd_error *err)
{
    const nd_model *m = j->m;
    size_t start = k * j->block, c = nd_ens_job_count(j, k), n = j->n, np = m->n_pars, nv = m->n_vars;
    double *P = malloc((np ? np : 1) * c * sizeof *P), *X = malloc(nv * c * sizeof *X);
    double *lam = j->lo ? malloc(c * sizeof *lam) : NULL;
    if (!P || !X || (j->lo && !lam)) {
        free(P), free(X), free(lam);
        return nd_fail(err, ND_ENOMEM, "ensemble blocks: no memory for a block of %zu trajectories", c);
    }
    for (size_t q = 0; q < np; q++) memcpy(P + q * c, j->P + q * n + start, c * sizeof *P);
    for (size_t v = 0; v < nv; v++) memcpy(X + v * c, j->X0 + v * n + start, c * sizeof *X);
    nd_ensemble_opts o = *j->o;
    o.first_trajectory += start; /* the global index keys the noise */
    nd_ensemble_result r;
    nd_status st = nd_ensemble_run(m, c, P, c * np, X, c * nv, &o, &r, err);
    if (!st && j->lo) {
        nd_ensemble_opts lo = *j->lo;
        lo.first_trajectory += start;
        st = nd_ensemble_lyapunov(m, c, P, c * np, X, c * nv, &lo, j->renorm, lam, err);
    }
    if (!st) pack(&r, lam, buf);
    nd_ensemble_result_free(&r);
    free(P), free(X), free(lam);
    return st;
}

nd_status nd_ens_job_store(nd_ens_job *j, size_t k, const double *buf, size_t len, int to_checkpoint, nd_error *err)
{
    if (k >= j->n_blocks || len != nd_ens_job_packed(j, k))
        return nd_fail(err, ND_EINVAL, "ensemble blocks: block %zu of %zu came with %zu values, expected %zu", k,
                       j->n_blocks, len, k < j->n_blocks ? nd_ens_job_packed(j, k) : 0);
    if (j->done[k]) return ND_OK;
    nd_status st = to_checkpoint && j->ckpt ? nd_ens_ckpt_append(j->ckpt, k, buf, len, err) : ND_OK;
    if (st) return st;
    unpack(j->res, j->lambda, k * j->block, nd_ens_job_count(j, k), buf);
    if (buf[0] == (double)ND_DEVICE_CUDA) j->device_cuda = 1;
    else j->device_cpu = 1;
    if (buf[1] == 0.0) j->scalar = 1;
    j->done[k] = 1, j->n_done++;
    return ND_OK;
}

void nd_ens_job_credit(const nd_ens_job *j, size_t k)
{
    if (j->o->progress) j->o->progress(j->o->progress_ctx, (double)nd_ens_job_count(j, k) * (j->lo ? 2 : 1));
}

static nd_status replayed(void *ctx, size_t k, const double *v, size_t len, nd_error *err)
{
    nd_ens_job *j = ctx;
    nd_status st = nd_ens_job_store(j, k, v, len, 0, err);
    if (!st) nd_ens_job_credit(j, k);
    return st ? nd_fail(err, ND_EINVAL, "checkpoint: %s", err ? err->msg : "a record does not fit this run") : ND_OK;
}

nd_status nd_ens_job_gather_start(nd_ens_job *j, const nd_ensemble_blocks_opts *b, nd_error *err)
{
    if (j->lo && !j->lambda) return nd_fail(err, ND_EINVAL, "ensemble blocks: Lyapunov exponents asked for, lambda is NULL");
    nd_status st = nd_ens_alloc_result(j->m, j->n, j->o, j->res, err);
    if (st) return st;
    if (!(j->done = calloc(j->n_blocks, 1))) st = nd_fail(err, ND_ENOMEM, "ensemble blocks: no memory");
    if (!st && b->checkpoint) st = nd_ens_ckpt_open(b->checkpoint, b->resume, j->hash, j->n, j->block, &j->ckpt, err);
    if (!st && j->ckpt) st = nd_ens_ckpt_replay(j->ckpt, replayed, j, err);
    if (st) nd_ens_job_gather_end(j, st);
    return st;
}

nd_status nd_ens_job_gather_end(nd_ens_job *j, nd_status st)
{
    nd_ens_ckpt_close(j->ckpt), j->ckpt = NULL;
    free(j->done), j->done = NULL;
    if (st) {
        nd_ensemble_result_free(j->res);
        return st;
    }
    nd_ensemble_result *r = j->res;
    r->device = j->device_cuda && !j->device_cpu ? ND_DEVICE_CUDA : ND_DEVICE_CPU;
    r->vectorised = !j->scalar;
    r->n_failed = 0;
    for (size_t i = 0; i < r->n; i++) r->n_failed += r->status[i] != ND_ENS_OK;
    return ND_OK;
}

nd_status nd_ensemble_run_blocks(const nd_model *m, size_t n, const double *P, size_t p_len,
                                 const double *X0, size_t x_len, const nd_ensemble_opts *o,
                                 const nd_ensemble_blocks_opts *b, nd_ensemble_result *res,
                                 double *lambda, nd_error *err)
{
    nd_ens_job j;
    nd_status st = nd_ens_job_init(&j, m, n, P, p_len, X0, x_len, o, b, res, lambda, err);
    if (!st) st = nd_ens_job_gather_start(&j, b, err);
    if (st) return st;
    double *buf = malloc(nd_ens_job_packed(&j, 0) * sizeof *buf); /* block 0 is a whole block */
    if (!buf) st = nd_fail(err, ND_ENOMEM, "ensemble blocks: no memory for a block's values");
    for (size_t k = 0; !st && k < j.n_blocks; k++)
        if (!j.done[k] && !(st = nd_ens_job_run(&j, k, buf, err)))
            st = nd_ens_job_store(&j, k, buf, nd_ens_job_packed(&j, k), 1, err);
    free(buf);
    return nd_ens_job_gather_end(&j, st);
}
