/* Loading models: built-in names, user `.c` files compiled into a content-keyed cache, and
 * prebuilt shared objects, all through one call. */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "neurodyn/core.h"

#define COMPILE_FLAGS "-std=c11 -O2 -march=native -fopenmp-simd -fPIC -shared"

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
    const unsigned char *b = data;
    for (size_t i = 0; i < len; i++) {
        h ^= b[i];
        h *= 1099511628211ULL;
    }
    return h;
}

/* Hashes a file's content into h; returns ND_EIO when it cannot be read. */
static nd_status hash_file(const char *path, uint64_t *h, nd_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) return nd_fail(err, ND_EIO, "cannot read '%s': %s", path, strerror(errno));
    char buf[8192];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) *h = fnv1a(*h, buf, got);
    fclose(f);
    return ND_OK;
}

nd_status nd_include_dir(char *buf, size_t len, nd_error *err)
{
    const char *env = getenv("NEURODYN_INCLUDE");
    if (env && *env) {
        snprintf(buf, len, "%s", env);
        return ND_OK;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) *slash = '\0';
        /* installed: PREFIX/bin -> PREFIX/include; build tree: build/<dir> or
         * build/<variant>/<dir> -> include */
        const char *rel[] = {"/../include", "/../../include", "/../../../include"};
        for (size_t i = 0; i < 3; i++) {
            char probe[PATH_MAX + 64];
            snprintf(probe, sizeof probe, "%s%s/neurodyn/model.h", exe, rel[i]);
            if (is_file(probe)) {
                snprintf(buf, len, "%s%s", exe, rel[i]);
                return ND_OK;
            }
        }
    }
#ifdef ND_INSTALL_INCLUDE
    snprintf(buf, len, "%s", ND_INSTALL_INCLUDE);
    return ND_OK;
#else
    return nd_fail(err, ND_ELOAD,
                   "cannot find the neurodyn headers to compile a user model; "
                   "set NEURODYN_INCLUDE to the folder that holds neurodyn/model.h");
#endif
}

static nd_status make_dirs(const char *path, nd_error *err)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *s = tmp + 1; *s; s++) {
        if (*s != '/') continue;
        *s = '\0';
        mkdir(tmp, 0755);
        *s = '/';
    }
    if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
        return nd_fail(err, ND_EIO, "cannot create cache folder '%s': %s", tmp, strerror(errno));
    return ND_OK;
}

nd_status nd_cache_dir(char *buf, size_t len, nd_error *err)
{
    const char *env = getenv("NEURODYN_CACHE");
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    if (env && *env) snprintf(buf, len, "%s", env);
    else if (xdg && *xdg) snprintf(buf, len, "%s/neurodyn", xdg);
    else if (home && *home) snprintf(buf, len, "%s/.cache/neurodyn", home);
    else snprintf(buf, len, "/tmp/neurodyn-cache-%ld", (long)getuid());
    return make_dirs(buf, err);
}

/* Appends s to cmd in single quotes, escaping embedded quotes for the shell. */
static void append_quoted(char *cmd, size_t len, const char *s)
{
    size_t used = strlen(cmd);
    if (used + 1 < len) cmd[used++] = '\'';
    for (; *s && used + 5 < len; s++) {
        if (*s == '\'') {
            memcpy(cmd + used, "'\\''", 4);
            used += 4;
        } else {
            cmd[used++] = *s;
        }
    }
    if (used + 1 < len) cmd[used++] = '\'';
    cmd[used] = '\0';
}

static const char *compiler(void)
{
    const char *cc = getenv("CC");
    return cc && *cc ? cc : "cc";
}

/* Runs the compiler; on failure the message carries its output. */
static nd_status compile_model(const char *src, const char *inc, const char *out, nd_error *err)
{
    char cmd[3 * PATH_MAX + 512];
    snprintf(cmd, sizeof cmd, "%s " COMPILE_FLAGS " -I", compiler());
    append_quoted(cmd, sizeof cmd, inc);
    strncat(cmd, " ", sizeof cmd - strlen(cmd) - 1);
    append_quoted(cmd, sizeof cmd, src);
    strncat(cmd, " -o ", sizeof cmd - strlen(cmd) - 1);
    append_quoted(cmd, sizeof cmd, out);
    strncat(cmd, " -lm 2>&1", sizeof cmd - strlen(cmd) - 1);
    FILE *p = popen(cmd, "r");
    if (!p) return nd_fail(err, ND_ECOMPILE, "cannot run the compiler '%s': %s", compiler(), strerror(errno));
    char log[ND_ERROR_MSG_LEN - 128];
    size_t got = fread(log, 1, sizeof log - 1, p);
    log[got] = '\0';
    while (fgetc(p) != EOF) {} /* drain so the compiler never blocks on a full pipe */
    int rc = pclose(p);
    if (rc != 0) {
        unlink(out);
        return nd_fail(err, ND_ECOMPILE, "compiling model file '%s' failed:\n%s", src,
                       got ? log : "(the compiler printed nothing; is it installed?)");
    }
    return ND_OK;
}

/* Compiles src into the cache unless an object for the same content is already there. */
static nd_status cached_object(const char *src, char *so, size_t len, nd_error *err)
{
    char inc[PATH_MAX], cache[PATH_MAX];
    nd_status st = nd_include_dir(inc, sizeof inc, err);
    if (st || (st = nd_cache_dir(cache, sizeof cache, err))) return st;
    uint64_t h = 1469598103934665603ULL;
    const char *salt = COMPILE_FLAGS;
    h = fnv1a(h, salt, strlen(salt));
    h = fnv1a(h, compiler(), strlen(compiler()));
    const char *headers[] = {"model.h", "kernels.h"};
    for (size_t i = 0; i < 2; i++) {
        char hp[PATH_MAX + 32];
        snprintf(hp, sizeof hp, "%s/neurodyn/%s", inc, headers[i]);
        if ((st = hash_file(hp, &h, err))) return st;
    }
    if ((st = hash_file(src, &h, err))) return st;
    snprintf(so, len, "%s/model-%016llx.so", cache, (unsigned long long)h);
    if (is_file(so)) return ND_OK;
    char tmp[PATH_MAX + 128];
    snprintf(tmp, sizeof tmp, "%.*s.%ld.tmp", PATH_MAX, so, (long)getpid());
    if ((st = compile_model(src, inc, tmp, err))) return st;
    if (rename(tmp, so) != 0) {
        unlink(tmp);
        return nd_fail(err, ND_EIO, "cannot move compiled model into '%s': %s", so, strerror(errno));
    }
    return ND_OK;
}

static nd_status open_object(const char *so, const char *shown, nd_model_ref *ref, nd_error *err)
{
    /* RTLD_LOCAL: two user models may both define static helpers of the same name */
    void *h = dlopen(so, RTLD_NOW | RTLD_LOCAL);
    if (!h) return nd_fail(err, ND_ELOAD, "cannot load '%s': %s", shown, dlerror());
    const nd_model *(*entry)(void);
    *(void **)&entry = dlsym(h, "nd_model_entry");
    if (!entry) {
        dlclose(h);
        return nd_fail(err, ND_ELOAD,
                       "'%s' defines no model: add ND_EXPORT_MODEL(your_descriptor) to the file",
                       shown);
    }
    const nd_model *m = entry();
    nd_status st = nd_model_validate(m, err);
    if (st) {
        dlclose(h);
        return st;
    }
    ref->model = m;
    ref->handle = h;
    snprintf(ref->path, sizeof ref->path, "%s", so);
    return ND_OK;
}

static nd_status unknown_model(const char *spec, nd_error *err)
{
    char list[700] = "";
    size_t used = 0;
    for (size_t i = 0; i < nd_builtin_count() && used + 40 < sizeof list; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                                 nd_builtin_at(i)->name);
    return nd_fail(err, ND_EINVAL,
                   "unknown model '%s' (built-in models: %s; or give a path to a .c or .so file)",
                   spec, list);
}

nd_status nd_model_load(const char *spec, nd_model_ref *ref, nd_error *err)
{
    if (!ref) return nd_fail(err, ND_EINVAL, "nd_model_load: ref is NULL");
    memset(ref, 0, sizeof *ref);
    if (!spec || !*spec) return nd_fail(err, ND_EINVAL, "no model given");
    const nd_model *b = nd_builtin_find(spec);
    if (b) {
        ref->model = b;
        return ND_OK;
    }
    int is_c = ends_with(spec, ".c"), is_so = ends_with(spec, ".so");
    if (!is_c && !is_so) return unknown_model(spec, err);
    if (!is_file(spec)) return nd_fail(err, ND_EINVAL, "model file '%s' does not exist", spec);
    if (is_so) {
        char abs[PATH_MAX];
        if (!realpath(spec, abs)) return nd_fail(err, ND_EIO, "cannot resolve '%s'", spec);
        return open_object(abs, spec, ref, err);
    }
    char so[PATH_MAX + 64];
    nd_status st = cached_object(spec, so, sizeof so, err);
    return st ? st : open_object(so, spec, ref, err);
}

void nd_model_unload(nd_model_ref *ref)
{
    if (ref && ref->handle) dlclose(ref->handle);
    if (ref) memset(ref, 0, sizeof *ref);
}
