/* libneurodyn_cuda.so: the ensemble's device code for every built-in model. Each model file
 * is compiled here as it is (in its own namespace, so that the files' enums and descriptors do
 * not clash); ND_KERNELS instantiates the device kernels from the model's RHS body, so the RHS
 * is never written twice. gpu/cuda_host.c loads this library at run time.
 * Build: make cuda-check (nvcc -shared). */
#include <stdio.h>
#include <string.h>

#include "ensemble_cuda.cuh"
#include "neurodyn/model.h"
#include "zoo.h"

namespace nd_zoo_fitzhugh_nagumo {
#include "fitzhugh_nagumo.c"
}
namespace nd_zoo_hindmarsh_rose {
#include "hindmarsh_rose.c"
}
namespace nd_zoo_fitzhugh_rinzel {
#include "fitzhugh_rinzel.c"
}
namespace nd_zoo_hodgkin_huxley {
#include "hodgkin_huxley.c"
}
namespace nd_zoo_izhikevich {
#include "izhikevich.c"
}
namespace nd_zoo_lif {
#include "lif.c"
}
namespace nd_zoo_lorenz {
#include "lorenz.c"
}
namespace nd_zoo_morris_lecar {
#include "morris_lecar.c"
}
namespace nd_zoo_noisy_lorenz {
#include "noisy_lorenz.c"
}
namespace nd_zoo_rossler {
#include "rossler.c"
}
namespace nd_zoo_stochastic_fhn {
#include "stochastic_fhn.c"
}
namespace nd_zoo_van_der_pol {
#include "van_der_pol.c"
}
namespace nd_zoo_wilson_cowan {
#include "wilson_cowan.c"
}

static const struct {
    const nd_model *model;
    nd_cuda_launch_fn launch;
} registry[] = {
    {&nd_zoo_fitzhugh_nagumo::nd_model_fitzhugh_nagumo, nd_zoo_fitzhugh_nagumo::fhn_cuda_launch},
    {&nd_zoo_hindmarsh_rose::nd_model_hindmarsh_rose, nd_zoo_hindmarsh_rose::hindmarsh_rose_cuda_launch},
    {&nd_zoo_fitzhugh_rinzel::nd_model_fitzhugh_rinzel, nd_zoo_fitzhugh_rinzel::fitzhugh_rinzel_cuda_launch},
    {&nd_zoo_hodgkin_huxley::nd_model_hodgkin_huxley, nd_zoo_hodgkin_huxley::hodgkin_huxley_cuda_launch},
    {&nd_zoo_izhikevich::nd_model_izhikevich, nd_zoo_izhikevich::izhikevich_cuda_launch},
    {&nd_zoo_lif::nd_model_lif, nd_zoo_lif::lif_cuda_launch},
    {&nd_zoo_lorenz::nd_model_lorenz, nd_zoo_lorenz::lorenz_cuda_launch},
    {&nd_zoo_morris_lecar::nd_model_morris_lecar, nd_zoo_morris_lecar::morris_lecar_cuda_launch},
    {&nd_zoo_morris_lecar::nd_model_morris_lecar_snic, nd_zoo_morris_lecar::morris_lecar_cuda_launch},
    {&nd_zoo_noisy_lorenz::nd_model_noisy_lorenz, nd_zoo_noisy_lorenz::noisy_lorenz_cuda_launch},
    {&nd_zoo_rossler::nd_model_rossler, nd_zoo_rossler::rossler_cuda_launch},
    {&nd_zoo_stochastic_fhn::nd_model_stochastic_fhn, nd_zoo_stochastic_fhn::sfhn_cuda_launch},
    {&nd_zoo_van_der_pol::nd_model_van_der_pol, nd_zoo_van_der_pol::van_der_pol_cuda_launch},
    {&nd_zoo_wilson_cowan::nd_model_wilson_cowan, nd_zoo_wilson_cowan::wilson_cowan_cuda_launch},
};

/* ---- host side ---------------------------------------------------------------------------- */
static int cuda_failed(cudaError_t e, const char *what, char *msg, size_t len)
{
    snprintf(msg, len, "%s: %s", what, cudaGetErrorString(e));
    return 1;
}

/* One array of the block mirrored on the device. */
typedef struct mirror {
    void *host, **device_field;
    size_t bytes;
    int copy_in, copy_out;
} mirror;

int nd_cuda_run_block(const nd_ens_block *hb, size_t nv, size_t np,
                      void (*launch)(const nd_butcher *tab, int kind, int red, const nd_ens_block *db,
                                     unsigned blocks, unsigned threads),
                      const nd_butcher *tab, int kind, char *msg, size_t len)
{
    nd_ens_block db = *hb;
    const size_t ld = hb->ld, d = ld * sizeof(double);
    const int red = nd_ens_reduces(hb), ev = hb->ev_var >= 0 && hb->ev_count;
    const size_t n_samples = hb->samples ? (size_t)(hb->nsteps / hb->stride) + 1 : 0;
    mirror m[] = {
        {hb->X, (void **)&db.X, nv * d, 1, 1},
        {(void *)hb->P, (void **)&db.P, np * d, 1, 0},
        {hb->t_fail, (void **)&db.t_fail, d, 0, 1},
        {hb->xmax, (void **)&db.xmax, hb->xmax ? nv * d : 0, 0, 1},
        {hb->xmin, (void **)&db.xmin, hb->xmin ? nv * d : 0, 0, 1},
        {hb->ev_count, (void **)&db.ev_count, ev ? ld * sizeof(long) : 0, 0, 1},
        {hb->ev_first, (void **)&db.ev_first, ev ? d : 0, 0, 1},
        {hb->ev_last, (void **)&db.ev_last, ev ? d : 0, 0, 1},
        {hb->ev_prev, (void **)&db.ev_prev, ev ? d : 0, 0, 1},
        {hb->ev_y0, (void **)&db.ev_y0, ev ? d : 0, 0, 0},
        {hb->ev_f0, (void **)&db.ev_f0, ev ? d : 0, 0, 0},
        {hb->ev_y1, (void **)&db.ev_y1, ev ? d : 0, 0, 0},
        {hb->ev_f1, (void **)&db.ev_f1, ev ? d : 0, 0, 0},
        {(void *)hb->ev_w, (void **)&db.ev_w, ev ? nv * sizeof(double) : 0, 1, 0},
        {hb->ev_times, (void **)&db.ev_times, hb->ev_times ? (size_t)hb->max_events * d : 0, 1, 1},
        {hb->samples, (void **)&db.samples, n_samples * nv * d, 0, 1},
    };
    const size_t k = sizeof m / sizeof m[0];
    size_t need = 0, free_b = 0, total_b = 0;
    for (size_t j = 0; j < k; j++) need += m[j].bytes;
    cudaError_t e = cudaMemGetInfo(&free_b, &total_b);
    if (e != cudaSuccess) return cuda_failed(e, "cudaMemGetInfo", msg, len);
    if (need > free_b) { /* refused before allocating, with the size it would need */
        snprintf(msg, len, "the ensemble needs %.3g MB of device memory, %.3g MB are free", need / 1e6, free_b / 1e6);
        return 2;
    }
    int rc = 0;
    for (size_t j = 0; j < k; j++) *m[j].device_field = NULL;
    for (size_t j = 0; j < k && !rc; j++) {
        if (!m[j].bytes) continue;
        if ((e = cudaMalloc(m[j].device_field, m[j].bytes)) != cudaSuccess) rc = cuda_failed(e, "cudaMalloc", msg, len);
        else if (m[j].copy_in && (e = cudaMemcpy(*m[j].device_field, m[j].host, m[j].bytes, cudaMemcpyHostToDevice)) != cudaSuccess)
            rc = cuda_failed(e, "cudaMemcpy to the device", msg, len);
    }
    if (!rc) {
        const unsigned threads = 128, blocks = (unsigned)((hb->n + threads - 1) / threads);
        launch(tab, kind, red, &db, blocks, threads);
        if ((e = cudaGetLastError()) != cudaSuccess || (e = cudaDeviceSynchronize()) != cudaSuccess)
            rc = cuda_failed(e, "the ensemble kernel", msg, len);
    }
    for (size_t j = 0; j < k; j++) {
        if (!rc && m[j].bytes && m[j].copy_out &&
            (e = cudaMemcpy(m[j].host, *m[j].device_field, m[j].bytes, cudaMemcpyDeviceToHost)) != cudaSuccess)
            rc = cuda_failed(e, "cudaMemcpy to the host", msg, len);
        if (*m[j].device_field) cudaFree(*m[j].device_field);
    }
    return rc;
}

extern "C" {
__attribute__((visibility("default"))) int nd_cuda_device_count(char *msg, size_t len);
__attribute__((visibility("default"))) int nd_cuda_has_model(const char *model, size_t n_vars, size_t n_pars);
__attribute__((visibility("default"))) int nd_cuda_ensemble_run(const char *model, int kind, const nd_butcher *tab,
                                                                size_t n_vars, size_t n_pars,
                                                                const nd_ens_block *hb, char *msg, size_t len);
}

int nd_cuda_device_count(char *msg, size_t len)
{
    int n = 0;
    cudaError_t e = cudaGetDeviceCount(&n);
    if (e != cudaSuccess) {
        snprintf(msg, len, "%s", cudaGetErrorString(e));
        return 0;
    }
    if (n == 0) snprintf(msg, len, "the CUDA runtime found no device");
    return n;
}

/* Whether the device code has the kernels of this model (a built-in of the same size). */
int nd_cuda_has_model(const char *model, size_t n_vars, size_t n_pars)
{
    for (size_t j = 0; j < sizeof registry / sizeof registry[0]; j++) {
        const nd_model *m = registry[j].model;
        if (strcmp(m->name, model) == 0) return m->n_vars == n_vars && m->n_pars == n_pars;
    }
    return 0;
}

/* By the model's name: the built-in models compiled above. */
int nd_cuda_ensemble_run(const char *model, int kind, const nd_butcher *tab, size_t n_vars, size_t n_pars,
                         const nd_ens_block *hb, char *msg, size_t len)
{
    for (size_t j = 0; j < sizeof registry / sizeof registry[0]; j++) {
        const nd_model *m = registry[j].model;
        if (strcmp(m->name, model) != 0) continue;
        if (m->n_vars != n_vars || m->n_pars != n_pars) {
            snprintf(msg, len, "model %s has %zu variables and %zu parameters on the device, %zu and %zu on the host",
                     model, m->n_vars, m->n_pars, n_vars, n_pars);
            return 1;
        }
        return registry[j].launch(tab, kind, n_pars, hb, msg, len);
    }
    snprintf(msg, len, "model %s has no device kernels (the CUDA build covers the built-in models)", model);
    return 1;
}
