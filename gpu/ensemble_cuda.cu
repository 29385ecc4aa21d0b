/* libneurodyn_cuda.so: the ensemble's device code for every built-in model. Each model file
 * is compiled here as it is (in its own namespace, so that the files' enums and descriptors do
 * not clash); ND_KERNELS instantiates the device kernels from the model's RHS body, so the RHS
 * is never written twice. gpu/cuda_host.c loads this library at run time; user model files get
 * a library of their own (cuda_host.c, nd_cuda_build_model).
 * Build: make cuda-check (nvcc -shared). */
#include <stdio.h>
#include <string.h>

#include "neurodyn/ensemble_cuda.cuh"
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
namespace nd_zoo_inap_ik {
#include "inap_ik.c"
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

/* every built-in model; each descriptor's kernel table points at its CUDA launcher */
static const nd_model *const registry[] = {
    &nd_zoo_fitzhugh_nagumo::nd_model_fitzhugh_nagumo,
    &nd_zoo_hindmarsh_rose::nd_model_hindmarsh_rose,
    &nd_zoo_fitzhugh_rinzel::nd_model_fitzhugh_rinzel,
    &nd_zoo_hodgkin_huxley::nd_model_hodgkin_huxley,
    &nd_zoo_inap_ik::nd_model_inap_ik,
    &nd_zoo_izhikevich::nd_model_izhikevich,
    &nd_zoo_lif::nd_model_lif,
    &nd_zoo_lorenz::nd_model_lorenz,
    &nd_zoo_morris_lecar::nd_model_morris_lecar,
    &nd_zoo_morris_lecar::nd_model_morris_lecar_snic,
    &nd_zoo_noisy_lorenz::nd_model_noisy_lorenz,
    &nd_zoo_rossler::nd_model_rossler,
    &nd_zoo_stochastic_fhn::nd_model_stochastic_fhn,
    &nd_zoo_van_der_pol::nd_model_van_der_pol,
    &nd_zoo_wilson_cowan::nd_model_wilson_cowan,
};

extern "C" {
__attribute__((visibility("default"))) int nd_cuda_device_count(char *msg, size_t len);
__attribute__((visibility("default"))) int nd_cuda_device_attributes(char *name, size_t len, int attr[6]);
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

/* Device 0: its name, and compute capability (major, minor), multiprocessors, clock (kHz),
 * memory clock (kHz), memory bus width (bits). Returns 0, or 1 with the CUDA error in name. */
int nd_cuda_device_attributes(char *name, size_t len, int attr[6])
{
    const cudaDeviceAttr which[6] = {cudaDevAttrComputeCapabilityMajor, cudaDevAttrComputeCapabilityMinor,
                                     cudaDevAttrMultiProcessorCount,    cudaDevAttrClockRate,
                                     cudaDevAttrMemoryClockRate,        cudaDevAttrGlobalMemoryBusWidth};
    cudaDeviceProp prop;
    cudaError_t e = cudaGetDeviceProperties(&prop, 0);
    for (int k = 0; k < 6 && e == cudaSuccess; k++) e = cudaDeviceGetAttribute(&attr[k], which[k], 0);
    if (e != cudaSuccess) {
        snprintf(name, len, "%s", cudaGetErrorString(e));
        return 1;
    }
    snprintf(name, len, "%s", prop.name);
    return 0;
}

/* Whether the device code has the kernels of this model (a built-in of the same size). */
int nd_cuda_has_model(const char *model, size_t n_vars, size_t n_pars)
{
    for (size_t j = 0; j < sizeof registry / sizeof registry[0]; j++) {
        const nd_model *m = registry[j];
        if (strcmp(m->name, model) == 0) return m->n_vars == n_vars && m->n_pars == n_pars;
    }
    return 0;
}

/* By the model's name: the built-in models compiled above. */
int nd_cuda_ensemble_run(const char *model, int kind, const nd_butcher *tab, size_t n_vars, size_t n_pars,
                         const nd_ens_block *hb, char *msg, size_t len)
{
    for (size_t j = 0; j < sizeof registry / sizeof registry[0]; j++) {
        if (strcmp(registry[j]->name, model) == 0)
            return nd_cuda_run_model(registry[j], kind, tab, n_vars, n_pars, hb, msg, len);
    }
    snprintf(msg, len, "model %s is not built into libneurodyn_cuda.so (a user model file is compiled for the "
                       "device on its own: nd_cuda_build_model)", model);
    return 1;
}
