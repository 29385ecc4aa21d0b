/* The host side of the CUDA path. The device code lives in libneurodyn_cuda.so (built by
 * nvcc from gpu/ensemble_cuda.cu, which instantiates the same lanes as the CPU for every
 * built-in model); this library loads it at run time, so neurodyn builds and runs without
 * CUDA, and a machine without a device falls back to the CPU (device auto) or says why
 * (device cuda). */
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

int nd_cuda_has_kernels(const nd_model *m)
{
    void *h = cuda_library(NULL, 0);
    if (!h) return 0;
    int (*has)(const char *, size_t, size_t);
    *(void **)&has = dlsym(h, "nd_cuda_has_model");
    int yes = has && has(m->name, m->n_vars, m->n_pars);
    dlclose(h);
    return yes;
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

nd_status nd_ens_run_cuda(const nd_model *m, const nd_method *method, const double *P,
                          const nd_ensemble_opts *o, nd_ensemble_result *res, nd_error *err)
{
    char why[512];
    void *h = cuda_library(why, sizeof why);
    if (!h) return nd_fail(err, ND_EFAILED, "ensemble: %s", why);
    run_fn run;
    *(void **)&run = dlsym(h, "nd_cuda_ensemble_run");
    nd_ens_scratch s;
    nd_status st = run ? nd_ens_scratch_alloc(res->n, m->n_vars, o->event_var, &s, err)
                       : nd_fail(err, ND_ELOAD, "ensemble: libneurodyn_cuda.so lacks nd_cuda_ensemble_run");
    if (st) {
        dlclose(h);
        return st;
    }
    nd_ens_block b;
    nd_ens_fill_block(m, P, o, res, &s, 0, 0, res->n, &b); /* every reduction set has its kernel */
    char msg[ND_ERROR_MSG_LEN - 64] = "";
    int rc = run(m->name, nd_ens_kind(method, o), method->tableau, m->n_vars, m->n_pars, &b, msg, sizeof msg);
    if (rc == 0) nd_ens_periods(res, &s);
    nd_ens_scratch_free(&s);
    dlclose(h);
    if (rc == 2) return nd_fail(err, ND_ENOMEM, "ensemble on the GPU: %s", msg);
    if (rc) return nd_fail(err, ND_EFAILED, "ensemble on the GPU: %s", msg);
    return ND_OK;
}
