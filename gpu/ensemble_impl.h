/* Internal: the paths of the ensemble (gpu/ensemble.c chooses). */
#ifndef ND_ENSEMBLE_IMPL_H
#define ND_ENSEMBLE_IMPL_H

#include "neurodyn/ensemble.h"
#include "neurodyn/integrate.h"
#include "neurodyn/sde.h"

int nd_ens_is_stochastic(const nd_model *m, const nd_ensemble_opts *o);
int nd_ens_lanes_apply(const nd_model *m, const nd_method *method, const nd_ensemble_opts *o);
long nd_ens_fixed_steps(double t0, double t1, double dt);
/* nd_ensemble_run's argument checks (res is zeroed). */
nd_status nd_ens_check_args(const nd_model *m, size_t n, const double *P, size_t p_len, const double *X0,
                            size_t x_len, const nd_ensemble_opts *o, nd_ensemble_result *res, nd_error *err);
/* The result arrays of an n-trajectory run with options o, as nd_ensemble_run allocates them. */
nd_status nd_ens_alloc_result(const nd_model *m, size_t n, const nd_ensemble_opts *o, nd_ensemble_result *res,
                              nd_error *err);

/* Per-trajectory arrays the lanes need besides the result: the events' carried values, and
 * stand-ins for the reductions that an all-reductions lane computes but the caller did not ask
 * for (see nd_ens_fill_block). */
typedef struct nd_ens_scratch {
    double *ev_prev, *ev_y0, *ev_f0, *ev_y1, *ev_f1, *ev_first, *ev_last, *xmax, *xmin, *samples0;
    double *x_save; /* the lanes' state at the start of a chunk of steps (kernels.h) */
    long *ev_count;
    long long *ev_hit;
} nd_ens_scratch;

nd_status nd_ens_scratch_alloc(size_t n, size_t nv, nd_ens_scratch *s, nd_error *err);
void nd_ens_scratch_free(nd_ens_scratch *s);
/* The lanes' block for trajectories [start, start + count) of res. When `full` (any reduction
 * with a lane kind other than double RK4, or samples), every reduction array is set, those not
 * asked for pointing at the scratch, so the all-reductions lanes can run. */
void nd_ens_fill_block(const nd_model *m, const double *P, const nd_ensemble_opts *o,
                       nd_ensemble_result *res, const nd_ens_scratch *s, int full, size_t start,
                       size_t count, nd_ens_block *b);
/* ND_ENS_RK4, ND_ENS_RK4_SINGLE or ND_ENS_TABLE. */
int nd_ens_kind(const nd_method *method, const nd_ensemble_opts *o);
/* period = last - second-to-last event time. */
void nd_ens_periods(nd_ensemble_result *res, const nd_ens_scratch *s);

/* SIMD lanes, OpenMP over blocks (lanes.c). */
nd_status nd_ens_run_lanes(const nd_model *m, const nd_method *method, const double *P,
                           const nd_ensemble_opts *o, nd_ensemble_result *res, nd_error *err);
/* One nd_solve per trajectory, OpenMP over trajectories (solver.c). */
nd_status nd_ens_run_solver(const nd_model *m, const double *P, const nd_ensemble_opts *o,
                            nd_ensemble_result *res, nd_error *err);
/* Whether the device can run m: a built-in in libneurodyn_cuda.so, or a user model file that
 * nvcc compiles (compiled on the first call); when not, why. */
int nd_cuda_has_kernels(const nd_model *m, char *why, size_t len);
/* The same lanes on a CUDA device through libneurodyn_cuda.so (cuda_host.c). */
nd_status nd_ens_run_cuda(const nd_model *m, const nd_method *method, const double *P,
                          const nd_ensemble_opts *o, nd_ensemble_result *res, nd_error *err);

#endif
