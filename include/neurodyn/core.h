/* neurodyn — working with model descriptors: validation, lookup by name, parameter vectors,
 * Jacobians, and loading models (built-in, user .c file, or prebuilt .so). */
#ifndef NEURODYN_CORE_H
#define NEURODYN_CORE_H

#include <stddef.h>

#include "error.h"
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Checks a descriptor for consistency (sizes, names unique and non-empty, RHS present,
 * kernel sizes, spike rule indices). */
nd_status nd_model_validate(const nd_model *m, nd_error *err);

/* Index of a variable / parameter by name. On failure returns -1 and the message lists the
 * valid names. */
/* "V (mV)" when the model declares a unit for variable v, else "V"; written into buf. */
const char *nd_model_var_label(const nd_model *m, size_t v, char *buf, size_t len);
/* The same for parameter k: "Iext (µA/cm²)", or the name when par_units declares none. */
const char *nd_model_par_label(const nd_model *m, size_t k, char *buf, size_t len);
int nd_model_var_index(const nd_model *m, const char *name, nd_error *err);
int nd_model_par_index(const nd_model *m, const char *name, nd_error *err);

/* Copies the default parameters / initial state into p (n_pars) / x (n_vars). */
void nd_model_default_params(const nd_model *m, double *p);
void nd_model_default_state(const nd_model *m, double *x);

/* Parses "NAME=VALUE" and sets it in p (parameters) or x (state). */
nd_status nd_model_set_par(const nd_model *m, double *p, const char *assignment, nd_error *err);
nd_status nd_model_set_var(const nd_model *m, double *x, const char *assignment, nd_error *err);

/* Parses a finite double; the message names `what` and the text. */
nd_status nd_parse_double(const char *text, const char *what, double *out, nd_error *err);

/* Jacobian J[i*n + j] = d f_i / d x_j: the model's analytic one when it has it, else central
 * finite differences (nd_jacobian_fd). Returns ND_ENONFINITE when an entry is not finite. */
nd_status nd_jacobian(const nd_model *m, double t, const double *x, const double *p, double *jac,
                      nd_error *err);
/* Central differences with step h_j = cbrt(eps) * max(|x_j|, s_j), two RHS calls per column;
 * s_j is a hundredth of variable j's box when the model declares one (var_lo, var_hi), so the
 * same model in volts and in mV takes the same steps, else 1. */
nd_status nd_jacobian_fd(const nd_model *m, double t, const double *x, const double *p,
                         double *jac, nd_error *err);

/* ---- a plain ODE system ---------------------------------------------------------------------
 * What the integrators advance: n equations with a context pointer. nd_system_from_model
 * wraps a model and its parameter vector (which must outlive the system). */
typedef struct nd_system {
    size_t n;
    void (*f)(double t, const double *x, double *dxdt, void *ctx);
    void (*jac)(double t, const double *x, double *jac, void *ctx); /* NULL: finite differences */
    void *ctx;
} nd_system;

typedef struct nd_model_system {
    nd_system sys;
    const nd_model *model;
    const double *p;
} nd_model_system;

/* Fills ms so that &ms->sys advances model m with parameters p. */
void nd_system_from_model(nd_model_system *ms, const nd_model *m, const double *p);

/* Central-difference Jacobian of any system (see nd_jacobian_fd); work holds 3*n doubles. */
void nd_system_jacobian_fd(const nd_system *sys, double t, const double *x, double *jac,
                           double *work);

/* ---- the built-in zoo (models/) ---------------------------------------------------------- */
size_t nd_builtin_count(void);
const nd_model *nd_builtin_at(size_t i);
/* By name or alias; NULL when unknown. */
const nd_model *nd_builtin_find(const char *name);

/* ---- loading a model by name or path (core/loader.c) --------------------------------------- */
typedef struct nd_model_ref {
    const nd_model *model;
    void *handle;    /* dlopen handle for user models, NULL for built-ins */
    char path[4096]; /* the shared object loaded, empty for built-ins */
} nd_model_ref;

/* spec is a built-in name or alias, a path to a user model `.c` file (compiled into the cache
 * by the system compiler, keyed by its content), or a path to a prebuilt `.so`. An unknown
 * name lists the built-ins; a compile error carries the compiler's message. */
nd_status nd_model_load(const char *spec, nd_model_ref *ref, nd_error *err);
void nd_model_unload(nd_model_ref *ref);

/* The absolute path of the `.c` file a loaded model was compiled from (the CUDA path compiles
 * the same file for the device), or NULL for built-ins, `.so` files and unloaded models; valid
 * until the model is unloaded. */
const char *nd_model_source_file(const nd_model *m);

/* The folder that holds neurodyn/model.h, used to compile user models: $NEURODYN_INCLUDE, or
 * found next to the running executable (installed tree or build tree). */
nd_status nd_include_dir(char *buf, size_t len, nd_error *err);

/* The cache folder for compiled user models: $NEURODYN_CACHE, $XDG_CACHE_HOME/neurodyn or
 * ~/.cache/neurodyn. */
nd_status nd_cache_dir(char *buf, size_t len, nd_error *err);

/* ---- memory limit --------------------------------------------------------------------------- */
/* Largest allocation the library will attempt for a single result: $NEURODYN_MAX_BYTES or
 * half of the physical memory. */
size_t nd_memory_limit(void);
/* ND_ENOMEM with a message giving the size when bytes exceeds the limit. */
nd_status nd_check_alloc(size_t bytes, const char *what, nd_error *err);

#ifdef __cplusplus
}
#endif

#endif
