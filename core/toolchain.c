/* Compiling into the model cache: content-keyed objects, shell quoting, compiler runs. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "toolchain.h"

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
    const unsigned char *b = data;
    for (size_t i = 0; i < len; i++) {
        h ^= b[i];
        h *= 1099511628211ULL;
    }
    return h;
}

nd_status nd_file_hash(const char *path, uint64_t *h, nd_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) return nd_fail(err, ND_EIO, "cannot read '%s': %s", path, strerror(errno));
    char buf[8192];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) *h = fnv1a(*h, buf, got);
    fclose(f);
    return ND_OK;
}

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

nd_status nd_cache_build(const char *prefix, const char *ext, const char *salt, const char *const files[],
                         size_t n_files, nd_build_fn build, void *ctx, char *out, size_t len, nd_error *err)
{
    char cache[PATH_MAX];
    nd_status st = nd_cache_dir(cache, sizeof cache, err);
    if (st) return st;
    uint64_t h = fnv1a(ND_HASH_SEED, salt, strlen(salt));
    for (size_t i = 0; i < n_files; i++)
        if ((st = nd_file_hash(files[i], &h, err))) return st;
    snprintf(out, len, "%s/%s-%016llx.%s", cache, prefix, (unsigned long long)h, ext);
    if (is_file(out)) return ND_OK;
    /* built under a temporary name (unique to this process and call) and renamed: a concurrent
     * build never overwrites this one, a concurrent run never loads half a file */
    static unsigned long builds;
    char tmp[PATH_MAX + 128];
    snprintf(tmp, sizeof tmp, "%.*s.%ld-%lu.tmp", PATH_MAX, out, (long)getpid(),
             __atomic_fetch_add(&builds, 1, __ATOMIC_RELAXED));
    if ((st = build(tmp, ctx, err))) return st;
    if (rename(tmp, out) != 0) {
        unlink(tmp);
        return nd_fail(err, ND_EIO, "cannot move the compiled object into '%s': %s", out, strerror(errno));
    }
    return ND_OK;
}

void nd_shell_append(char *cmd, size_t len, const char *arg)
{
    size_t used = strlen(cmd);
    if (used + 2 < len) cmd[used++] = ' ', cmd[used++] = '\'';
    for (; *arg && used + 5 < len; arg++) {
        if (*arg == '\'') {
            memcpy(cmd + used, "'\\''", 4);
            used += 4;
        } else {
            cmd[used++] = *arg;
        }
    }
    if (used + 1 < len) cmd[used++] = '\'';
    cmd[used] = '\0';
}

nd_status nd_run_compiler(const char *cmd, const char *tool, const char *what, const char *out, nd_error *err)
{
    size_t n = strlen(cmd) + 8;
    char *full = malloc(n);
    if (!full) return nd_fail(err, ND_ENOMEM, "no memory for a compiler command of %zu bytes", n);
    snprintf(full, n, "%s 2>&1", cmd);
    FILE *p = popen(full, "r");
    free(full);
    if (!p) return nd_fail(err, ND_ECOMPILE, "cannot run the compiler '%s': %s", tool, strerror(errno));
    char log[ND_ERROR_MSG_LEN - 128];
    size_t got = fread(log, 1, sizeof log - 1, p);
    log[got] = '\0';
    while (fgetc(p) != EOF) {} /* drain so the compiler never blocks on a full pipe */
    int rc = pclose(p);
    if (rc != 0) {
        unlink(out);
        return nd_fail(err, ND_ECOMPILE, "%s failed:\n%s", what,
                       got ? log : "(the compiler printed nothing; is it installed?)");
    }
    return ND_OK;
}
