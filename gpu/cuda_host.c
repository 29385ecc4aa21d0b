/* The host side of the CUDA path. The device code of the built-in models lives in
 * libneurodyn_cuda.so (built by nvcc from gpu/ensemble_cuda.cu, which instantiates the same
 * lanes as the CPU for every built-in model); a user's model file is compiled by nvcc into a
 * library of its own in the model cache, from the same file the host compiled. Both are loaded
 * at run time, so neurodyn builds and runs without CUDA, and a machine without a device falls
 * back to the CPU (device auto) or says why (device cuda). */
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/toolchain.h"
#include "ensemble_impl.h"

/* Entry points of libneurodyn_cuda.so (gpu/ensemble_cuda.cu). */
typedef int (*device_count_fn)(char *msg, size_t len);
typedef int (*run_fn)(const char *model, int kind, const nd_butcher *tab, size_t n_vars,
                      size_t n_pars, const nd_ens_block *host_block, char *msg, size_t len);

/* $NEURODYN_CUDA_LIB, else next to the running program (build tree: build/cuda/, installed:
 * lib/), else the loader's search path. */
static void *cuda_library(char *why, size_t len)
{
    const char *env = getenv("NEURODYN_CUDA_LIB");
    if (env && *env) {
        void *h = dlopen(env, RTLD_NOW | RTLD_LOCAL);
        if (!h && why) snprintf(why, len, "NEURODYN_CUDA_LIB = %s could not be loaded: %s", env, dlerror());
        return h;
    }
    char exe[4096], path[4200];
    ssize_t got = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (got > 0) {
        exe[got] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) *slash = '\0';
        const char *rel[] = {"../cuda", "../lib"};
        for (int i = 0; i < 2; i++) {
            snprintf(path, sizeof path, "%s/%s/libneurodyn_cuda.so", exe, rel[i]);
            void *h = access(path, R_OK) == 0 ? dlopen(path, RTLD_NOW | RTLD_LOCAL) : NULL;
            if (h) return h;
        }
    }
    void *h = dlopen("libneurodyn_cuda.so", RTLD_NOW | RTLD_LOCAL);
    if (!h && why)
        snprintf(why, len, "the CUDA build of neurodyn (libneurodyn_cuda.so, from make cuda-check) could not be "
                           "loaded: %s", dlerror());
    return h;
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
    char why[512];
    if (!nd_cuda_available(why, sizeof why)) return nd_fail(err, ND_EFAILED, "%s", why);
    void *h = cuda_library(why, sizeof why);
    if (!h) return nd_fail(err, ND_EFAILED, "%s", why);
    int (*attributes)(char *, size_t, int *);
    *(void **)&attributes = dlsym(h, "nd_cuda_device_attributes");
    int a[6];
    int rc = attributes ? attributes(info->name, sizeof info->name, a) : -1;
    dlclose(h);
    if (rc < 0) return nd_fail(err, ND_ELOAD, "libneurodyn_cuda.so lacks nd_cuda_device_attributes");
    if (rc) return nd_fail(err, ND_EFAILED, "CUDA device attributes: %s", info->name);
    int fp64, fp32;
    lanes_per_sm(a[0], a[1], &fp64, &fp32);
    info->cc_major = a[0], info->cc_minor = a[1], info->multiprocessors = a[2];
    info->clock_hz = 1e3 * a[3];
    info->mem_bandwidth = 2.0 * 1e3 * a[4] * (a[5] / 8.0);
    info->peak_fp64 = (double)fp64 * a[2] * info->clock_hz;
    info->peak_fp32 = (double)fp32 * a[2] * info->clock_hz;
    return ND_OK;
}

/* ---- user model files on the device ------------------------------------------------------- */
#define NVCC_FLAGS "-std=c++20 -fmad=false -Xcompiler -fPIC -shared -x cu"

/* $NVCC, else nvcc on the PATH, else the CUDA Toolkit's default place. */
static int find_nvcc(char *buf, size_t len)
{
    const char *env = getenv("NVCC");
    if (env && *env) return snprintf(buf, len, "%s", env), access(env, X_OK) == 0;
    const char *path = getenv("PATH");
    char dirs[8192];
    snprintf(dirs, sizeof dirs, "%s:/usr/local/cuda/bin", path ? path : "");
    for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        snprintf(buf, len, "%s/nvcc", d);
        if (access(buf, X_OK) == 0) return 1;
    }
    return 0;
}

typedef struct nvcc_job {
    const char *nvcc, *inc, *src;
} nvcc_job;

/* The model file as it is, with the device templates included ahead of it (-include) and
 * ND_CUDA_USER_MODEL set, so that ND_EXPORT_MODEL also exports nd_cuda_model_run. */
static nd_status run_nvcc(const char *out, void *ctx, nd_error *err)
{
    const nvcc_job *j = ctx;
    char cmd[4 * 4096 + 512] = "";
    nd_shell_append(cmd, sizeof cmd, j->nvcc);
    strncat(cmd, " " NVCC_FLAGS " -include neurodyn/ensemble_cuda.cuh -DND_CUDA_USER_MODEL -I",
            sizeof cmd - strlen(cmd) - 1);
    nd_shell_append(cmd, sizeof cmd, j->inc);
    nd_shell_append(cmd, sizeof cmd, j->src);
    strncat(cmd, " -o", sizeof cmd - strlen(cmd) - 1);
    nd_shell_append(cmd, sizeof cmd, out);
    char what[4200];
    snprintf(what, sizeof what, "compiling model file '%s' for the CUDA device (%s)", j->src, j->nvcc);
    return nd_run_compiler(cmd, j->nvcc, what, out, err);
}

nd_status nd_cuda_build_model(const nd_model *m, char *path, size_t len, nd_error *err)
{
    if (!m || !path || !len) return nd_fail(err, ND_EINVAL, "nd_cuda_build_model: model or path is NULL");
    const char *src = nd_model_source_file(m);
    if (!src)
        return nd_fail(err, ND_EINVAL, "model %s was not loaded from a .c file (built-in models are in "
                                       "libneurodyn_cuda.so; a .so has no source to compile)", m->name);
    if (!m->kernels)
        return nd_fail(err, ND_EINVAL, "model %s has no ND_KERNELS line: only its CPU path exists", m->name);
    char nvcc[4096], inc[4096], salt[4200];
    if (!find_nvcc(nvcc, sizeof nvcc))
        return nd_fail(err, ND_ECOMPILE, "no nvcc to compile model %s for the device (set NVCC, or install the "
                                         "CUDA Toolkit)", m->name);
    nd_status st = nd_include_dir(inc, sizeof inc, err);
    if (st) return st;
    char model_h[4200], kernels_h[4200], cuda_h[4200];
    snprintf(model_h, sizeof model_h, "%s/neurodyn/model.h", inc);
    snprintf(kernels_h, sizeof kernels_h, "%s/neurodyn/kernels.h", inc);
    snprintf(cuda_h, sizeof cuda_h, "%s/neurodyn/ensemble_cuda.cuh", inc);
    snprintf(salt, sizeof salt, "%s " NVCC_FLAGS, nvcc);
    const char *files[] = {model_h, kernels_h, cuda_h, src};
    nvcc_job job = {nvcc, inc, src};
    return nd_cache_build("model", "cuda.so", salt, files, 4, run_nvcc, &job, path, len, err);
}

/* Whether the device can run m: a built-in compiled into libneurodyn_cuda.so, or a user model
 * file that nvcc compiles (compiled here, once per content). */
int nd_cuda_has_kernels(const nd_model *m, char *why, size_t len)
{
    void *h = cuda_library(why, len);
    if (!h) return 0;
    int (*has)(const char *, size_t, size_t);
    *(void **)&has = dlsym(h, "nd_cuda_has_model");
    int yes = has && has(m->name, m->n_vars, m->n_pars);
    dlclose(h);
    if (yes || !nd_model_source_file(m)) {
        if (!yes && why) snprintf(why, len, "model %s is neither a built-in nor loaded from a .c file", m->name);
        return yes;
    }
    char so[4200];
    nd_error e = {0};
    if (nd_cuda_build_model(m, so, sizeof so, &e) == ND_OK) return 1;
    if (why) snprintf(why, len, "%s", e.msg);
    return 0;
}

int nd_cuda_available(char *why, size_t len)
{
    void *h = cuda_library(why, len);
    if (!h) return 0;
    device_count_fn count;
    *(void **)&count = dlsym(h, "nd_cuda_device_count");
    char msg[256] = "";
    int devices = count ? count(msg, sizeof msg) : 0;
    if (devices <= 0 && why)
        snprintf(why, len, "no CUDA device: %s", count ? msg : "libneurodyn_cuda.so lacks nd_cuda_device_count");
    dlclose(h);
    return devices > 0;
}

/* The device entry for m: libneurodyn_cuda.so's by name for a built-in, the user model's own
 * library otherwise. h is the library to close afterwards. */
typedef int (*model_run_fn)(int kind, const nd_butcher *tab, size_t n_vars, size_t n_pars,
                            const nd_ens_block *host_block, char *msg, size_t len);
static nd_status device_entry(const nd_model *m, void **h, run_fn *builtin, model_run_fn *user, nd_error *err)
{
    char why[512];
    *builtin = NULL, *user = NULL;
    if (!(*h = cuda_library(why, sizeof why))) return nd_fail(err, ND_EFAILED, "ensemble: %s", why);
    int (*has)(const char *, size_t, size_t);
    *(void **)&has = dlsym(*h, "nd_cuda_has_model");
    if (has && has(m->name, m->n_vars, m->n_pars)) {
        *(void **)builtin = dlsym(*h, "nd_cuda_ensemble_run");
        if (*builtin) return ND_OK;
        return nd_fail(err, ND_ELOAD, "ensemble: libneurodyn_cuda.so lacks nd_cuda_ensemble_run");
    }
    dlclose(*h);
    char so[4200];
    nd_status st = nd_cuda_build_model(m, so, sizeof so, err);
    if (st) return st;
    if (!(*h = dlopen(so, RTLD_NOW | RTLD_LOCAL)))
        return nd_fail(err, ND_ELOAD, "ensemble: cannot load the device build of model %s (%s): %s", m->name, so,
                       dlerror());
    *(void **)user = dlsym(*h, "nd_cuda_model_run");
    if (*user) return ND_OK;
    dlclose(*h);
    return nd_fail(err, ND_ELOAD, "ensemble: %s exports no nd_cuda_model_run (does the file end with "
                                  "ND_EXPORT_MODEL?)", so);
}

nd_status nd_ens_run_cuda(const nd_model *m, const nd_method *method, const double *P,
                          const nd_ensemble_opts *o, nd_ensemble_result *res, nd_error *err)
{
    void *h;
    run_fn builtin;
    model_run_fn user;
    nd_status st = device_entry(m, &h, &builtin, &user, err);
    if (st) return st;
    nd_ens_scratch s;
    if ((st = nd_ens_scratch_alloc(res->n, m->n_vars, o->event_var, &s, err))) {
        dlclose(h);
        return st;
    }
    nd_ens_block b;
    nd_ens_fill_block(m, P, o, res, &s, 0, 0, res->n, &b); /* every reduction set has its kernel */
    char msg[ND_ERROR_MSG_LEN - 64] = "";
    const int kind = nd_ens_kind(method, o);
    int rc = builtin ? builtin(m->name, kind, method->tableau, m->n_vars, m->n_pars, &b, msg, sizeof msg)
                     : user(kind, method->tableau, m->n_vars, m->n_pars, &b, msg, sizeof msg);
    if (rc == 0) nd_ens_periods(res, &s);
    nd_ens_scratch_free(&s);
    dlclose(h);
    if (rc == 2) return nd_fail(err, ND_ENOMEM, "ensemble on the GPU: %s", msg);
    if (rc) return nd_fail(err, ND_EFAILED, "ensemble on the GPU: %s", msg);
    return ND_OK;
}
