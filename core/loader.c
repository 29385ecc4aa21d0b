/* Loading models: built-in names, user `.c` files compiled into a content-keyed cache, XPPAUT
 * `.ode` files translated to C (ode/) and compiled the same way, and prebuilt shared objects,
 * all through one call. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "neurodyn/ode.h"
#include "toolchain.h"

/* ND_VECMATH: the model body's exp, log, pow, tanh, ... are SLEEF's, vectorised in the ensemble
 * lanes (neurodyn/vecmath.h); the link then needs libsleef. ND_WITH_SCALAR_PASS: the plain RHS,
 * Jacobian and diffusion are the scalar pass's, compiled without ND_VECMATH (libm), as the
 * single-trajectory driver is (neurodyn/model.h). */
#define COMPILE_FLAGS "-std=c11 -O2 -march=native -fopenmp-simd -fPIC -DND_VECMATH -DND_WITH_SCALAR_PASS"
#if defined(__has_include)
#if __has_include(<sleef.h>)
#define LINK_LIBS "-lsleef -lm"
#endif
#endif
#ifndef LINK_LIBS
#define LINK_LIBS "-lm"
#endif

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

static const char *compiler(void)
{
    const char *cc = getenv("CC");
    return cc && *cc ? cc : "cc";
}

/* What a build of one user model needs besides its private copy. */
typedef struct model_job {
    const char *shown; /* the user's path, for messages */
    char inc[PATH_MAX], dir[PATH_MAX];
} model_job;

/* cc FLAGS [extra] -I<inc> -iquote <the user's folder> -c src -o obj. src is the private copy
 * in the cache; -iquote keeps `#include "mine.h"` next to the user's file working. */
static nd_status compile_pass(const model_job *j, const char *src, const char *extra, const char *obj,
                              nd_error *err)
{
    nd_args a = {0};
    nd_args_split(&a, compiler());
    nd_args_split(&a, COMPILE_FLAGS);
    nd_args_split(&a, extra);
    nd_args_add(&a, "-c");
    nd_args_addf(&a, "-I%s", j->inc);
    nd_args_add(&a, "-iquote");
    nd_args_add(&a, j->dir);
    nd_args_add(&a, src);
    nd_args_add(&a, "-o");
    nd_args_add(&a, obj);
    char what[PATH_MAX + 64];
    snprintf(what, sizeof what, "compiling model file '%s'", j->shown);
    return nd_run_compiler(&a, what, obj, err);
}

/* The float lanes' pass keeps only its *_ens_single entry, the scalar pass its *_drv_fixed and
 * the nd_libm__* plain functions (model.h). */
static int keep_only_entry(const char *obj, const char *pattern, const char *pattern2)
{
    nd_args a = {0};
    nd_args_add(&a, "objcopy");
    nd_args_add(&a, "--wildcard");
    nd_args_addf(&a, "--keep-global-symbol=%s", pattern);
    if (pattern2) nd_args_addf(&a, "--keep-global-symbol=%s", pattern2);
    nd_args_add(&a, obj);
    nd_error ignored;
    return nd_run_compiler(&a, "objcopy", obj, &ignored) == ND_OK;
}

/* The file as it is, its float pass (kernels.h, ND_SINGLE_PASS: the RK4 lanes with the RHS in
 * float) and its scalar pass (ND_SCALAR_PASS without ND_VECMATH: the single-trajectory driver
 * with lazy selects, and the plain RHS, Jacobian and diffusion, all with libm's functions), linked
 * into one shared object, as the Makefile builds the zoo. The last two are optional: a file that
 * only compiles in double still loads; --precision single then runs its RHS in double, and the
 * driver and plain functions are the main pass's (SLEEF's functions, computing both sides of
 * each select). */
static nd_status compile_model(const char *out, const char *src, void *ctx, nd_error *err)
{
    const model_job *j = ctx;
    char dbl[PATH_MAX + 32], sgl[PATH_MAX + 32], scl[PATH_MAX + 32];
    snprintf(dbl, sizeof dbl, "%s.double.o", out);
    snprintf(sgl, sizeof sgl, "%s.single.o", out);
    snprintf(scl, sizeof scl, "%s.scalar.o", out);
    nd_status st = compile_pass(j, src, "", dbl, err);
    if (st) return st;
    nd_error ignored;
    const char *single = strstr(compiler(), "clang") ? "-DND_SINGLE_PASS" /* no single constants */
                                                     : "-DND_SINGLE_PASS -fsingle-precision-constant";
    int have_single = compile_pass(j, src, single, sgl, &ignored) == ND_OK &&
                      keep_only_entry(sgl, "*_ens_single", NULL);
    int have_scalar = compile_pass(j, src, "-DND_SCALAR_PASS -UND_VECMATH", scl, &ignored) == ND_OK &&
                      keep_only_entry(scl, "*_drv_fixed", "nd_libm__*");
    nd_args a = {0};
    nd_args_split(&a, compiler());
    nd_args_add(&a, "-shared");
    nd_args_add(&a, dbl);
    if (have_single) nd_args_add(&a, sgl);
    if (have_scalar) nd_args_add(&a, scl);
    nd_args_add(&a, "-o");
    nd_args_add(&a, out);
    nd_args_split(&a, LINK_LIBS);
    char what[PATH_MAX + 64];
    snprintf(what, sizeof what, "linking model file '%s'", j->shown);
    st = nd_run_compiler(&a, what, out, err);
    unlink(dbl), unlink(sgl), unlink(scl);
    return st;
}

/* Compiles src into the cache unless an object for the same content is already there; *hash:
 * the hash of the bytes compiled. The key also holds the CPU's features (-march=native). */
static nd_status cached_object(const char *src, char *so, size_t len, uint64_t *hash, nd_error *err)
{
    model_job j = {.shown = src};
    char model_h[PATH_MAX + 32], kernels_h[PATH_MAX + 32], vecmath_h[PATH_MAX + 32], salt[PATH_MAX + 128];
    nd_status st = nd_include_dir(j.inc, sizeof j.inc, err);
    if (st) return st;
    snprintf(j.dir, sizeof j.dir, "%s", src);
    char *slash = strrchr(j.dir, '/');
    if (slash) slash[slash == j.dir] = '\0'; /* "/m.c" -> "/" */
    else snprintf(j.dir, sizeof j.dir, ".");
    snprintf(model_h, sizeof model_h, "%s/neurodyn/model.h", j.inc);
    snprintf(kernels_h, sizeof kernels_h, "%s/neurodyn/kernels.h", j.inc);
    snprintf(vecmath_h, sizeof vecmath_h, "%s/neurodyn/vecmath.h", j.inc);
    snprintf(salt, sizeof salt, "%s %s %s, float and libm scalar passes, cpu %016llx", COMPILE_FLAGS, LINK_LIBS, compiler(),
             (unsigned long long)nd_cpu_features_hash());
    const char *headers[] = {model_h, kernels_h, vecmath_h};
    nd_cache_job job = {.prefix = "model", .ext = "so", .salt = salt, .headers = headers, .n_headers = 3,
                        .src = src, .build = compile_model, .ctx = &j};
    return nd_cache_build(&job, so, len, hash, err);
}

/* text into path, a file of this user alone (0600), unless a file with that content is there:
 * written under a temporary name and renamed, so a reader never sees half of it. */
static nd_status write_private(const char *path, const char *text, nd_error *err)
{
    struct stat st;
    size_t n = strlen(text);
    if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() && !(st.st_mode & 077) &&
        (size_t)st.st_size == n)
        return ND_OK; /* named by the hash of its content; the compile below checks it again */
    char tmp[PATH_MAX + 96];
    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return nd_fail(err, ND_EIO, "cannot write '%s': %s", tmp, strerror(errno));
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(fd, text + done, n - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break;
        done += (size_t)w;
    }
    if (close(fd) != 0 || done < n || rename(tmp, path) != 0) {
        unlink(tmp);
        return nd_fail(err, ND_EIO, "cannot write '%s': %s", path, strerror(errno));
    }
    return ND_OK;
}

/* ---- where user models came from ------------------------------------------------------------
 * The device build (gpu/) compiles the same .c file with nvcc, so the loader remembers it. */
typedef struct loaded_source {
    const nd_model *model;
    char path[PATH_MAX];
    uint64_t hash; /* of the content the host object was compiled from */
    struct loaded_source *next;
} loaded_source;
static loaded_source *sources;
static pthread_mutex_t sources_lock = PTHREAD_MUTEX_INITIALIZER;

static void remember_source(const nd_model *m, const char *src, uint64_t hash)
{
    loaded_source *s = calloc(1, sizeof *s);
    if (!s || !realpath(src, s->path)) {
        free(s);
        return; /* the model still works; only the device build will not find its file */
    }
    s->model = m, s->hash = hash;
    pthread_mutex_lock(&sources_lock);
    s->next = sources, sources = s;
    pthread_mutex_unlock(&sources_lock);
}

static void forget_source(const nd_model *m)
{
    pthread_mutex_lock(&sources_lock);
    for (loaded_source **at = &sources; *at; at = &(*at)->next)
        if ((*at)->model == m) {
            loaded_source *gone = *at;
            *at = gone->next;
            free(gone);
            break;
        }
    pthread_mutex_unlock(&sources_lock);
}

int nd_model_source_info(const nd_model *m, char *path, size_t len, uint64_t *hash)
{
    int found = 0;
    pthread_mutex_lock(&sources_lock);
    for (loaded_source *s = sources; s && !found; s = s->next)
        if (s->model == m) found = 1, snprintf(path, len, "%s", s->path), *hash = s->hash;
    pthread_mutex_unlock(&sources_lock);
    return found;
}

const char *nd_model_source_file(const nd_model *m)
{
    const char *path = NULL;
    pthread_mutex_lock(&sources_lock);
    for (loaded_source *s = sources; s && !path; s = s->next)
        if (s->model == m) path = s->path;
    pthread_mutex_unlock(&sources_lock);
    return path;
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
                   "unknown model '%s' (built-in models: %s; or give a path to a .c, .ode or .so file)",
                   spec, list);
}

/* An XPPAUT file: its translation (include/neurodyn/ode.h) is written into the cache as
 * ode-<hash of the C>.c, a private file that stays (the GPU build compiles it again), and loaded
 * as any model file. */
static nd_status load_ode(const char *spec, nd_model_ref *ref, nd_error *err)
{
    char *c = NULL, cache[PATH_MAX], src[PATH_MAX + 64], so[PATH_MAX + 64];
    nd_status st = nd_ode_translate(spec, &c, err);
    if (!st) st = nd_cache_dir(cache, sizeof cache, err);
    if (!st) {
        uint64_t h = ND_HASH_SEED;
        for (const char *k = c; *k; k++) h = (h ^ (unsigned char)*k) * 1099511628211ULL; /* FNV-1a */
        snprintf(src, sizeof src, "%s/ode-%016llx.c", cache, (unsigned long long)h);
        st = write_private(src, c, err);
    }
    free(c);
    uint64_t hash = 0;
    if (!st) st = cached_object(src, so, sizeof so, &hash, err);
    if (!st) st = open_object(so, spec, ref, err);
    if (!st) remember_source(ref->model, src, hash);
    return st;
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
    int is_c = ends_with(spec, ".c"), is_so = ends_with(spec, ".so"), is_ode = ends_with(spec, ".ode");
    if (!is_c && !is_so && !is_ode) return unknown_model(spec, err);
    if (!is_file(spec)) return nd_fail(err, ND_EINVAL, "model file '%s' does not exist", spec);
    if (is_ode) return load_ode(spec, ref, err);
    if (is_so) {
        char abs[PATH_MAX];
        if (!realpath(spec, abs)) return nd_fail(err, ND_EIO, "cannot resolve '%s'", spec);
        return open_object(abs, spec, ref, err);
    }
    char so[PATH_MAX + 64];
    uint64_t hash = 0;
    nd_status st = cached_object(spec, so, sizeof so, &hash, err);
    if (!st) st = open_object(so, spec, ref, err);
    if (!st) remember_source(ref->model, spec, hash);
    return st;
}

void nd_model_unload(nd_model_ref *ref)
{
    if (ref && ref->handle) {
        forget_source(ref->model);
        dlclose(ref->handle);
    }
    if (ref) memset(ref, 0, sizeof *ref);
}
