/* The host side of the CUDA path. The device code of the built-in models lives in
 * libneurodyn_cuda.so (built by nvcc from gpu/ensemble_cuda.cu, which instantiates the same
 * lanes as the CPU for every built-in model); a user's model file is compiled by nvcc into a
 * library of its own in the model cache, from the same file the host compiled. Both are loaded
 * at run time, so neurodyn builds and runs without CUDA, and a machine without a device falls
 * back to the CPU (device auto) or says why (device cuda). */
#include <dlfcn.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/toolchain.h"
#include "ensemble_impl.h"

/* Entry points of libneurodyn_cuda.so (gpu/ensemble_cuda.cu) and of a user model's device
 * build (ND_CUDA_EXPORT_USER in neurodyn/ensemble_cuda.cuh). */
typedef int (*device_count_fn)(char *msg, size_t len);
typedef int (*run_fn)(const char *model, int kind, const nd_butcher *tab, size_t n_vars,
                      size_t n_pars, const nd_ens_block *host_block, char *msg, size_t len);
typedef int (*model_run_fn)(int kind, const nd_butcher *tab, size_t n_vars, size_t n_pars,
                            const nd_ens_block *host_block, char *msg, size_t len);

/* ---- libneurodyn_cuda.so, opened once ---------------------------------------------------------
 * Opened on first use and kept for the life of the process: the CUDA runtime inside it holds the
 * context and the loaded device code, which closing it would throw away on every run. */
static void *cuda_lib;
static char cuda_lib_why[600];
static pthread_once_t cuda_lib_once = PTHREAD_ONCE_INIT;

/* $NEURODYN_CUDA_LIB, else next to the running program (build tree: build/cuda/, installed:
 * lib/), else the loader's search path. */
static void open_cuda_library(void)
{
    const char *env = getenv("NEURODYN_CUDA_LIB");
    if (env && *env) {
        if (!(cuda_lib = dlopen(env, RTLD_NOW | RTLD_LOCAL)))
            snprintf(cuda_lib_why, sizeof cuda_lib_why, "NEURODYN_CUDA_LIB = %s could not be loaded: %s", env,
                     dlerror());
        return;
    }
    char exe[4096], path[4200];
    ssize_t got = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (got > 0) {
        exe[got] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) *slash = '\0';
        const char *rel[] = {"../cuda", "../lib"};
        for (int i = 0; i < 2 && !cuda_lib; i++) {
            snprintf(path, sizeof path, "%s/%s/libneurodyn_cuda.so", exe, rel[i]);
            if (access(path, R_OK) == 0) cuda_lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        }
    }
    if (!cuda_lib && !(cuda_lib = dlopen("libneurodyn_cuda.so", RTLD_NOW | RTLD_LOCAL)))
        snprintf(cuda_lib_why, sizeof cuda_lib_why,
                 "the CUDA build of neurodyn (libneurodyn_cuda.so, from make cuda-check) could not be loaded: %s",
                 dlerror());
}

/* A symbol of libneurodyn_cuda.so, or NULL (why says why when the library is missing). */
static void *cuda_symbol(const char *name, char *why, size_t len)
{
    pthread_once(&cuda_lib_once, open_cuda_library);
    if (!cuda_lib) {
        if (why) snprintf(why, len, "%s", cuda_lib_why);
        return NULL;
    }
    void *f = dlsym(cuda_lib, name);
    if (!f && why) snprintf(why, len, "libneurodyn_cuda.so lacks %s (rebuild it: make cuda-check)", name);
    return f;
}

/* Whether m is one of the built-in models that libneurodyn_cuda.so carries: the built-in object
 * itself, not a user's model that has the same name. */
static int is_builtin_on_device(const nd_model *m)
{
    int (*has)(const char *, size_t, size_t);
    *(void **)&has = cuda_symbol("nd_cuda_has_model", NULL, 0);
    return has && nd_builtin_find(m->name) == m && has(m->name, m->n_vars, m->n_pars);
}

/* FP64 and FP32 lanes per multiprocessor by compute capability (CUDA C Programming Guide,
 * "Arithmetic Instructions" throughput table). */
static void lanes_per_sm(int major, int minor, int *fp64, int *fp32)
{
    static const struct { int major, minor, fp64, fp32; } table[] = {
        {6, 0, 32, 64},  {6, 1, 4, 128}, {7, 0, 32, 64}, {7, 5, 2, 64},   {8, 0, 32, 64},
        {8, 6, 2, 128},  {8, 7, 2, 128}, {8, 9, 2, 128}, {9, 0, 64, 128}, {10, 0, 64, 128},
    };
    *fp64 = *fp32 = 0;
    for (size_t k = 0; k < sizeof table / sizeof table[0]; k++)
        if (table[k].major == major && table[k].minor == minor) *fp64 = table[k].fp64, *fp32 = table[k].fp32;
}

nd_status nd_cuda_device_info(nd_cuda_info *info, nd_error *err)
{
    if (!info) return nd_fail(err, ND_EINVAL, "nd_cuda_device_info: info is NULL");
    memset(info, 0, sizeof *info);
    char why[600];
    if (!nd_cuda_available(why, sizeof why)) return nd_fail(err, ND_EFAILED, "%s", why);
    int (*attributes)(char *, size_t, int *);
    *(void **)&attributes = cuda_symbol("nd_cuda_device_attributes", why, sizeof why);
    if (!attributes) return nd_fail(err, ND_ELOAD, "%s", why);
    int a[6];
    if (attributes(info->name, sizeof info->name, a))
        return nd_fail(err, ND_EFAILED, "CUDA device attributes: %s", info->name);
    int fp64, fp32;
    lanes_per_sm(a[0], a[1], &fp64, &fp32);
    info->cc_major = a[0], info->cc_minor = a[1], info->multiprocessors = a[2];
    info->clock_hz = 1e3 * a[3];
    info->mem_bandwidth = 2.0 * 1e3 * a[4] * (a[5] / 8.0);
    info->peak_fp64 = (double)fp64 * a[2] * info->clock_hz;
    info->peak_fp32 = (double)fp32 * a[2] * info->clock_hz;
    return ND_OK;
}

/* ---- user model files on the device -------------------------------------------------------
 * sm_90 machine code for the H100/H200 class, and compute_75 PTX that newer devices compile when
 * they load it (the Makefile builds libneurodyn_cuda.so for the same targets). */
#define NVCC_FLAGS                                                                                 \
    "-std=c++20 -fmad=false -Xcompiler -fPIC -shared -gencode arch=compute_90,code=sm_90 "         \
    "-gencode arch=compute_75,code=compute_75 -x cu"

/* $NVCC (a path, or a program on the PATH), else nvcc on the PATH, else the CUDA Toolkit's
 * default place. */
static int find_nvcc(char *buf, size_t len)
{
    const char *env = getenv("NVCC"), *name = env && *env ? env : "nvcc";
    if (strchr(name, '/')) return snprintf(buf, len, "%s", name), access(name, X_OK) == 0;
    const char *path = getenv("PATH");
    char dirs[8192];
    snprintf(dirs, sizeof dirs, "%s%s", path ? path : "", env && *env ? "" : ":/usr/local/cuda/bin");
    for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        snprintf(buf, len, "%s/%s", d, name);
        if (access(buf, X_OK) == 0) return 1;
    }
    return 0;
}

typedef struct nvcc_job {
    const char *nvcc, *inc, *shown;
    char dir[4096]; /* the user's folder, for `#include "mine.h"` beside the file */
} nvcc_job;

/* The model file as it is (src: the private copy of the bytes the host compiled), with the
 * device templates included ahead of it (-include) and ND_CUDA_USER_MODEL set, so that
 * ND_EXPORT_MODEL also exports nd_cuda_model_run. nvcc has no -iquote: the user's folder comes
 * last with -I. */
static nd_status run_nvcc(const char *out, const char *src, void *ctx, nd_error *err)
{
    const nvcc_job *j = ctx;
    nd_args a = {0};
    nd_args_add(&a, j->nvcc);
    nd_args_split(&a, NVCC_FLAGS);
    nd_args_add(&a, "-include");
    nd_args_add(&a, "neurodyn/ensemble_cuda.cuh");
    nd_args_add(&a, "-DND_CUDA_USER_MODEL");
    nd_args_addf(&a, "-I%s", j->inc);
    nd_args_addf(&a, "-I%s", j->dir);
    nd_args_add(&a, src);
    nd_args_add(&a, "-o");
    nd_args_add(&a, out);
    char what[4200];
    snprintf(what, sizeof what, "compiling model file '%s' for the CUDA device (%s)", j->shown, j->nvcc);
    return nd_run_compiler(&a, what, out, err);
}

/* Device builds that nvcc refused, by file and content, so that device auto does not run nvcc
 * again on every ensemble before it falls back to the CPU; and the device libraries opened, kept
 * open like libneurodyn_cuda.so. */
typedef struct device_build {
    char key[4200]; /* "<hash> <source>" of a refused build, or the path of a loaded library */
    char msg[ND_ERROR_MSG_LEN];
    model_run_fn run;
    struct device_build *next;
} device_build;
static device_build *refused, *loaded;
static pthread_mutex_t builds_lock = PTHREAD_MUTEX_INITIALIZER;

static device_build *find_build(device_build *list, const char *key)
{
    for (; list; list = list->next)
        if (strcmp(list->key, key) == 0) return list;
    return NULL;
}

static void add_build(device_build **list, const char *key, const char *msg, model_run_fn run)
{
    device_build *b = calloc(1, sizeof *b);
    if (!b) return; /* only a memo: without it the work is done again */
    snprintf(b->key, sizeof b->key, "%s", key);
    snprintf(b->msg, sizeof b->msg, "%s", msg ? msg : "");
    b->run = run, b->next = *list, *list = b;
}

/* nvcc on the file, into the cache (salt: nvcc's path, size and date, and the flags), from the
 * bytes that hash to loaded_hash only: the device runs the equations the host runs. */
static nd_status build_for_device(const nd_model *m, const char *src, uint64_t loaded_hash, char *path,
                                  size_t len, nd_error *err)
{
    char nvcc[4096], inc[4096], salt[4300];
    if (!find_nvcc(nvcc, sizeof nvcc))
        return nd_fail(err, ND_ECOMPILE, "no nvcc to compile model %s for the device (set NVCC, or install the "
                                         "CUDA Toolkit)", m->name);
    nd_status st = nd_include_dir(inc, sizeof inc, err);
    if (st) return st;
    char model_h[4200], kernels_h[4200], cuda_h[4200];
    snprintf(model_h, sizeof model_h, "%s/neurodyn/model.h", inc);
    snprintf(kernels_h, sizeof kernels_h, "%s/neurodyn/kernels.h", inc);
    snprintf(cuda_h, sizeof cuda_h, "%s/neurodyn/ensemble_cuda.cuh", inc);
    struct stat sb = {0};
    stat(nvcc, &sb);
    snprintf(salt, sizeof salt, "%s %lld %lld " NVCC_FLAGS, nvcc, (long long)sb.st_size, (long long)sb.st_mtime);
    const char *headers[] = {model_h, kernels_h, cuda_h};
    nvcc_job nj = {.nvcc = nvcc, .inc = inc, .shown = src};
    snprintf(nj.dir, sizeof nj.dir, "%s", src); /* src is absolute (realpath) */
    char *slash = strrchr(nj.dir, '/');
    if (slash) slash[slash == nj.dir] = '\0';
    nd_cache_job job = {.prefix = "model", .ext = "cuda.so", .salt = salt, .headers = headers, .n_headers = 3,
                        .src = src, .check_hash = 1, .expect_hash = loaded_hash, .build = run_nvcc, .ctx = &nj};
    return nd_cache_build(&job, path, len, NULL, err);
}

nd_status nd_cuda_build_model(const nd_model *m, char *path, size_t len, nd_error *err)
{
    if (!m || !path || !len) return nd_fail(err, ND_EINVAL, "nd_cuda_build_model: model or path is NULL");
    char src[4096];
    uint64_t loaded_hash, now = ND_HASH_SEED;
    if (!nd_model_source_info(m, src, sizeof src, &loaded_hash))
        return nd_fail(err, ND_EINVAL, "model %s was not loaded from a .c file (built-in models are in "
                                       "libneurodyn_cuda.so; a .so has no source to compile)", m->name);
    if (!m->kernels)
        return nd_fail(err, ND_EINVAL, "model %s has no ND_KERNELS line: only its CPU path exists", m->name);
    nd_status st = nd_file_hash(src, &now, err);
    if (st) return st;
    if (now != loaded_hash) /* the device must run the equations the host runs */
        return nd_fail(err, ND_EINVAL, "model file '%s' has changed since model %s was loaded from it: load it "
                                       "again", src, m->name);
    char key[4200];
    snprintf(key, sizeof key, "%016llx %s", (unsigned long long)now, src);
    pthread_mutex_lock(&builds_lock);
    device_build *no = find_build(refused, key);
    if (no) nd_fail(err, ND_ECOMPILE, "%s", no->msg);
    pthread_mutex_unlock(&builds_lock);
    if (no) return ND_ECOMPILE;
    st = build_for_device(m, src, loaded_hash, path, len, err);
    if (st == ND_ECOMPILE && strncmp(err->msg, "no nvcc", 7) != 0) {
        pthread_mutex_lock(&builds_lock);
        add_build(&refused, key, err->msg, NULL);
        pthread_mutex_unlock(&builds_lock);
    }
    return st;
}

/* The device entry of a user model: its library built (or found in the cache) and loaded once. */
static nd_status user_entry(const nd_model *m, model_run_fn *run, nd_error *err)
{
    char so[4200];
    nd_status st = nd_cuda_build_model(m, so, sizeof so, err);
    if (st) return st;
    pthread_mutex_lock(&builds_lock);
    device_build *b = find_build(loaded, so);
    if (b) *run = b->run;
    else {
        void *h = dlopen(so, RTLD_NOW | RTLD_LOCAL);
        if (!h) st = nd_fail(err, ND_ELOAD, "cannot load the device build of model %s (%s): %s", m->name, so,
                             dlerror());
        else if (!(*(void **)run = dlsym(h, "nd_cuda_model_run")))
            st = nd_fail(err, ND_ELOAD, "%s exports no nd_cuda_model_run (does the file end with ND_EXPORT_MODEL?)",
                         so);
        else add_build(&loaded, so, NULL, *run);
        if (st && h) dlclose(h);
    }
    pthread_mutex_unlock(&builds_lock);
    return st;
}

/* Whether the device can run m: a built-in compiled into libneurodyn_cuda.so, or a user model
 * file that nvcc compiles (compiled here, once per content). */
int nd_cuda_has_kernels(const nd_model *m, char *why, size_t len)
{
    if (!cuda_symbol("nd_cuda_has_model", why, len)) return 0;
    if (is_builtin_on_device(m)) return 1;
    if (!nd_model_source_file(m)) {
        if (why) snprintf(why, len, "model %s is neither a built-in nor loaded from a .c file", m->name);
        return 0;
    }
    char so[4200];
    nd_error e = {0};
    if (nd_cuda_build_model(m, so, sizeof so, &e) == ND_OK) return 1;
    if (why) snprintf(why, len, "%s", e.msg);
    return 0;
}

int nd_cuda_available(char *why, size_t len)
{
    device_count_fn count;
    *(void **)&count = cuda_symbol("nd_cuda_device_count", why, len);
    if (!count) return 0;
    char msg[256] = "";
    int devices = count(msg, sizeof msg);
    if (devices <= 0 && why) snprintf(why, len, "no CUDA device: %s", msg);
    return devices > 0;
}

nd_status nd_ens_run_cuda(const nd_model *m, const nd_method *method, const double *P,
                          const nd_ensemble_opts *o, nd_ensemble_result *res, nd_error *err)
{
    char why[600];
    run_fn builtin = NULL;
    model_run_fn user = NULL;
    nd_status st = ND_OK;
    if (is_builtin_on_device(m)) {
        *(void **)&builtin = cuda_symbol("nd_cuda_ensemble_run", why, sizeof why);
        if (!builtin) st = nd_fail(err, ND_ELOAD, "ensemble: %s", why);
    } else {
        st = user_entry(m, &user, err);
    }
    nd_ens_scratch s;
    if (st || (st = nd_ens_scratch_alloc(res->n, m->n_vars, &s, err))) return st;
    nd_ens_block b;
    nd_ens_fill_block(m, P, o, res, &s, 0, 0, res->n, &b); /* every reduction set has its kernel */
    char msg[ND_ERROR_MSG_LEN - 64] = "";
    const int kind = nd_ens_kind(method, o);
    int rc = builtin ? builtin(m->name, kind, method->tableau, m->n_vars, m->n_pars, &b, msg, sizeof msg)
                     : user(kind, method->tableau, m->n_vars, m->n_pars, &b, msg, sizeof msg);
    if (rc == 0) nd_ens_periods(res, &s);
    if (rc == 0 && o->progress) o->progress(o->progress_ctx, (double)res->n); /* one launch: no steps between */
    nd_ens_scratch_free(&s);
    if (rc == 2) return nd_fail(err, ND_ENOMEM, "ensemble on the GPU: %s", msg);
    if (rc) return nd_fail(err, ND_EFAILED, "ensemble on the GPU: %s", msg);
    return ND_OK;
}
