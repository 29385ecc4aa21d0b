/* Compiling into the model cache, shared by the loader (user models for the host, with the
 * system C compiler) and gpu/ (the same files for a CUDA device, with nvcc). Library-private. */
#ifndef ND_CORE_TOOLCHAIN_H
#define ND_CORE_TOOLCHAIN_H

#include <stddef.h>
#include <stdint.h>

#include "neurodyn/core.h"

/* Writes the build's product to `out` (a temporary name, renamed into place on success). */
typedef nd_status (*nd_build_fn)(const char *out, void *ctx, nd_error *err);

/* out = CACHE/<prefix>-<key>.<ext>, where key hashes salt and the files' contents (so a changed
 * file, header, compiler or flag gives a new object). Built with build(ctx) unless present. */
nd_status nd_cache_build(const char *prefix, const char *ext, const char *salt, const char *const files[],
                         size_t n_files, nd_build_fn build, void *ctx, char *out, size_t len, nd_error *err);

/* FNV-1a of a file's content, continued from *h (start from ND_HASH_SEED). ND_EIO if unreadable. */
#define ND_HASH_SEED 1469598103934665603ULL
nd_status nd_file_hash(const char *path, uint64_t *h, nd_error *err);

/* A model loaded from a user .c file (loader.c): its absolute path and the hash of the content
 * it was compiled from. Returns 0 for built-ins, .so files and unloaded models. */
int nd_model_source_info(const nd_model *m, char *path, size_t len, uint64_t *hash);

/* Appends " 'arg'" to cmd, quoted for the shell. */
void nd_shell_append(char *cmd, size_t len, const char *arg);

/* Runs a compiler command line (stdout and stderr captured). On failure: ND_ECOMPILE with
 * "<what> failed:" and the tool's output, and `out` is removed. */
nd_status nd_run_compiler(const char *cmd, const char *tool, const char *what, const char *out, nd_error *err);

#endif
