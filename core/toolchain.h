/* Compiling into the model cache, shared by the loader (user models for the host, with the
 * system C compiler) and gpu/ (the same files for a CUDA device, with nvcc). Library-private. */
#ifndef ND_CORE_TOOLCHAIN_H
#define ND_CORE_TOOLCHAIN_H

#include <stddef.h>

#include "neurodyn/core.h"

/* Writes the build's product to `out` (a temporary name, renamed into place on success). */
typedef nd_status (*nd_build_fn)(const char *out, void *ctx, nd_error *err);

/* out = CACHE/<prefix>-<key>.<ext>, where key hashes salt and the files' contents (so a changed
 * file, header, compiler or flag gives a new object). Built with build(ctx) unless present. */
nd_status nd_cache_build(const char *prefix, const char *ext, const char *salt, const char *const files[],
                         size_t n_files, nd_build_fn build, void *ctx, char *out, size_t len, nd_error *err);

/* Appends " 'arg'" to cmd, quoted for the shell. */
void nd_shell_append(char *cmd, size_t len, const char *arg);

/* Runs a compiler command line (stdout and stderr captured). On failure: ND_ECOMPILE with
 * "<what> failed:" and the tool's output, and `out` is removed. */
nd_status nd_run_compiler(const char *cmd, const char *tool, const char *what, const char *out, nd_error *err);

#endif
