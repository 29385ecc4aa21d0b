/* Compiling into the model cache, shared by the loader (user models for the host, with the
 * system C compiler) and gpu/ (the same files for a CUDA device, with nvcc). Library-private.
 * See docs/security.md for what the cache trusts. */
#ifndef ND_CORE_TOOLCHAIN_H
#define ND_CORE_TOOLCHAIN_H

#include <stddef.h>
#include <stdint.h>

#include "neurodyn/core.h"

/* An argument vector for a compiler run: no shell ever sees it. The words are copied into buf;
 * a vector that does not fit is marked and refused by nd_run_compiler. */
#define ND_MAX_ARGS 64
typedef struct nd_args {
    char *v[ND_MAX_ARGS + 1];
    int n, overflow;
    size_t used;
    char buf[6 * 4096];
} nd_args;
void nd_args_add(nd_args *a, const char *word);
/* One argument made like printf's. */
void nd_args_addf(nd_args *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Each blank-separated word of words (no quoting: "ccache gcc" is two words). */
void nd_args_split(nd_args *a, const char *words);

/* Builds the product into `out` (a temporary name, renamed into place on success) from `src`,
 * a private copy of the model file holding exactly the bytes that were hashed. */
typedef nd_status (*nd_build_fn)(const char *out, const char *src, void *ctx, nd_error *err);

typedef struct nd_cache_job {
    const char *prefix, *ext, *salt; /* object CACHE/<prefix>-<key>.<ext>; salt: compiler, flags */
    const char *const *headers;      /* hashed by content, included by path (installed headers) */
    size_t n_headers;
    const char *src;      /* the model file: read once, hashed, compiled from a private copy */
    int check_hash;       /* refuse (ND_EINVAL) unless the file's bytes hash to expect_hash */
    uint64_t expect_hash;
    nd_build_fn build;
    void *ctx;
} nd_cache_job;

/* out = the cached object for the job's key (salt, headers, the model file's bytes), built
 * under a lock unless a checked object is there. *src_hash (may be NULL): the FNV-1a of the
 * model file's bytes, as nd_file_hash gives it. */
nd_status nd_cache_build(const nd_cache_job *job, char *out, size_t len, uint64_t *src_hash, nd_error *err);

/* FNV-1a of a file's content, continued from *h (start from ND_HASH_SEED). ND_EIO if unreadable. */
#define ND_HASH_SEED 1469598103934665603ULL
nd_status nd_file_hash(const char *path, uint64_t *h, nd_error *err);

/* A hash of the CPU's feature flags (what -march=native compiles for), for cache keys. */
uint64_t nd_cpu_features_hash(void);

/* A model loaded from a user .c file (loader.c): its absolute path and the hash of the content
 * it was compiled from. Returns 0 for built-ins, .so files and unloaded models. */
int nd_model_source_info(const nd_model *m, char *path, size_t len, uint64_t *hash);

/* Runs argv (argv[0] looked up in PATH) with posix_spawnp, stdout and stderr captured. On
 * failure: ND_ECOMPILE with "<what> failed:" and the tool's output, and `out` is removed. */
nd_status nd_run_compiler(const nd_args *argv, const char *what, const char *out, nd_error *err);

#endif
