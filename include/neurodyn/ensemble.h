/* neurodyn — batched ensembles: N trajectories of one model, on all CPU cores or a GPU.
 *
 * Each trajectory has its own parameter vector and initial state, given structure-of-arrays:
 * P[k*n + i] is parameter k of trajectory i, X0[v*n + i] variable v. Reductions are computed
 * while integrating instead of keeping trajectories: the final state, max/min of each variable
 * after a transient, upward crossings of a section (count, first/last times, the last
 * interval = period, optionally every time), the local maxima and/or minima of the section's
 * variable (value and time, the first max_extrema of each kind: the points of an orbit
 * diagram), and optionally the state every `stride` steps.
 *
 * Paths: fixed-step explicit RK (rk4 and any table method) on a model compiled with
 * ND_KERNELS runs in the model's vectorised lanes (kernels.h), OpenMP over blocks of
 * trajectories, or on a CUDA device from the same lanes; adaptive methods (rkdp, rkf45, ...),
 * SDEs and models without kernels run one nd_solve per trajectory (OpenMP over trajectories),
 * so each trajectory equals the single run with the same method, dt, seed and trajectory
 * index. Results never depend on the number of threads. See docs/ensemble.md. */
#ifndef NEURODYN_ENSEMBLE_H
#define NEURODYN_ENSEMBLE_H

#include <stddef.h>

#include "core.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum nd_device { ND_DEVICE_AUTO = 0, ND_DEVICE_CPU, ND_DEVICE_CUDA } nd_device;
typedef enum nd_precision { ND_PRECISION_DOUBLE = 0, ND_PRECISION_SINGLE } nd_precision;
/* Which local extrema of the section's variable to record. */
typedef enum nd_extrema { ND_EXTREMA_NONE = 0, ND_EXTREMA_MAX = 1, ND_EXTREMA_MIN = 2, ND_EXTREMA_BOTH = 3 } nd_extrema;

typedef struct nd_ensemble_opts {
    const char *method;    /* NULL: "rk4" (or "euler" for an SDE) */
    double t0, t1;         /* integrate over [t0, t1], t1 > t0 */
    double dt;             /* fixed step; adaptive methods: the initial step (0 = automatic) */
    double rtol, atol;     /* adaptive tolerances (defaults 1e-6, 1e-9) */
    double transient;      /* max/min and events use t >= t0 + transient */
    int event_var;         /* section: variable event_var crossing event_level upward; -1 none */
    double event_level;
    size_t max_events;     /* keep the first max_events event times per trajectory (0: none) */
    long sample_stride;    /* > 0: keep the state every sample_stride steps (fixed step only) */
    int keep_minmax;       /* compute max/min (default 1) */
    /* stochastic runs: the model's diffusion, or additive noise of amplitude `noise` */
    unsigned long long seed;
    unsigned long long first_trajectory; /* trajectory i uses Philox index first_trajectory + i */
    double noise;
    nd_device device;
    nd_precision precision; /* single: rk4 lanes only (state and stage arithmetic in float) */
    /* local extrema of event_var at t >= t0 + transient (needs event_var >= 0): where its
     * slope changes sign inside a step, located and valued on the step's cubic Hermite
     * interpolant (fixed steps and adaptive ODE steps; on SDE paths the largest/smallest of
     * three consecutive states); the first max_extrema (> 0) of each kind are kept */
    nd_extrema extrema;
    size_t max_extrema;
    /* progress: called (from any thread, so it must be thread-safe) with the number of
     * trajectories completed since the last call, fractions included; NULL: none. The CPU
     * lanes report every 1024 steps of a block, the per-trajectory path after each trajectory,
     * the GPU once at the end. */
    void (*progress)(void *ctx, double done);
    void *progress_ctx;
} nd_ensemble_opts;

/* Defaults: rk4, t0 = 0, t1 = 100, dt = 0.01, no transient, no events, max/min on, device auto. */
void nd_ensemble_opts_init(nd_ensemble_opts *o);

/* Per-trajectory status. */
enum { ND_ENS_OK = 0, ND_ENS_NONFINITE = 1, ND_ENS_FAILED = 2 };

typedef struct nd_ensemble_result {
    size_t n, n_vars;
    double *x;            /* n_vars x n: final state */
    double *x_max, *x_min; /* n_vars x n, or NULL without keep_minmax */
    long *events;          /* n: crossings after the transient (NULL without a section) */
    double *event_first, *event_last, *period; /* n: times; period = last interval, NaN if < 2 */
    double *event_times;   /* max_events x n (unused entries NaN), or NULL */
    size_t max_events;
    double *samples;       /* (k n_vars + v) x n, k < n_samples, or NULL */
    size_t n_samples;
    double sample_dt;
    int *status;           /* n: ND_ENS_OK, ND_ENS_NONFINITE (t_fail says when), ND_ENS_FAILED */
    double *t_fail;        /* n: NaN for trajectories that finished */
    size_t n_failed;
    nd_device device;      /* the path that ran: ND_DEVICE_CPU or ND_DEVICE_CUDA */
    int vectorised;        /* 1 when the model's SIMD lanes ran (else one nd_solve each) */
    /* local extrema (opts.extrema): per kind, how many were found after the transient (n, may
     * exceed max_extrema) and the first max_extrema values and times (max_extrema x n; the
     * entries past min(count, max_extrema) are 0, unused); NULL for a kind not asked for */
    size_t max_extrema;
    long *n_maxima, *n_minima;
    double *maxima, *maxima_t, *minima, *minima_t;
} nd_ensemble_result;

/* Runs n trajectories. P has n_pars x n values (p_len must equal that), X0 n_vars x n (x_len).
 * The memory the result needs is checked against nd_memory_limit() (and the device's free
 * memory on a GPU) before anything is allocated. A trajectory that becomes non-finite is
 * flagged in res->status without stopping the others. */
nd_status nd_ensemble_run(const nd_model *m, size_t n, const double *P, size_t p_len,
                          const double *X0, size_t x_len, const nd_ensemble_opts *o,
                          nd_ensemble_result *res, nd_error *err);
void nd_ensemble_result_free(nd_ensemble_result *res);

/* Bytes the result of such a run needs (0 when the options are invalid). */
size_t nd_ensemble_bytes(const nd_model *m, size_t n, const nd_ensemble_opts *o);

/* Whether a CUDA device and the CUDA build of neurodyn (libneurodyn_cuda.so) are usable; when
 * not, why (into why, may be NULL). */
int nd_cuda_available(char *why, size_t len);
/* The CUDA device the ensemble runs on (device 0), for reports and benchmarks: the peaks are
 * derived from the multiprocessor count and clocks with the per-multiprocessor FP64/FP32 lanes
 * of its compute capability (one operation per lane per cycle: the ensemble's kernels are built
 * without FMA contraction, -fmad=false), the bandwidth from the memory clock and bus width
 * (double data rate). A capability the table does not know gives peaks of 0. */
typedef struct nd_cuda_info {
    char name[256];
    int cc_major, cc_minor, multiprocessors;
    double clock_hz, mem_bandwidth;  /* Hz; bytes/s */
    double peak_fp64, peak_fp32;     /* operations/s without FMA */
} nd_cuda_info;
nd_status nd_cuda_device_info(nd_cuda_info *info, nd_error *err);
/* Compiles a model loaded from a user `.c` file (nd_model_load) for the device with nvcc
 * ($NVCC, else nvcc on the PATH, else /usr/local/cuda/bin/nvcc) into the model cache, keyed by
 * the file's content, and gives the library's path. The ensemble does this by itself the first
 * time a user model runs on a GPU; call it to build ahead (no device is needed to build). The
 * file must also be valid C++ (designated initialisers in declaration order, as in the zoo). */
nd_status nd_cuda_build_model(const nd_model *m, char *path, size_t len, nd_error *err);
/* Parses "cpu", "cuda" or "auto" / "double" or "single". */
nd_status nd_device_parse(const char *text, nd_device *out, nd_error *err);
nd_status nd_precision_parse(const char *text, nd_precision *out, nd_error *err);

/* ---- built on the ensemble ----------------------------------------------------------------- */
/* Largest Lyapunov exponent of each trajectory: the tangent vector v' = J(x) v integrated with
 * the state by RK4 with step o->dt (J v from the model's Jacobian, else by central differences
 * of f), renormalised every `renorm` steps; the average of log growth after o->transient. */
nd_status nd_ensemble_lyapunov(const nd_model *m, size_t n, const double *P, size_t p_len,
                               const double *X0, size_t x_len, const nd_ensemble_opts *o,
                               long renorm, double *lambda, nd_error *err);

/* ---- a grid in blocks: checkpoints, and many processes (ensemble_mpi.h) ---------------------- */
/* The trajectories are cut into blocks of `block` consecutive indices; each block runs as its own
 * ensemble (trajectory i keeps its index: Philox index first_trajectory + i), so the result is
 * bitwise the one nd_ensemble_run (and nd_ensemble_lyapunov) gives, for any block size and any
 * number of processes, as long as every block runs on the same kind of device (the CPU lanes
 * and a GPU round differently). With a checkpoint file each finished block is appended to it
 * (with a checksum, flushed to disk), so a run killed at any moment resumes from the blocks it
 * holds; the file opens with a 128-bit hash of the run (model, inputs, options, block size and
 * run_key) and a resume of another run is refused. See docs/cluster.md. */
typedef struct nd_ensemble_blocks_opts {
    size_t block;                       /* trajectories per block; 0: nd_ensemble_default_block(n) */
    const nd_ensemble_opts *lyapunov;   /* non-NULL: also the largest Lyapunov exponent of each
                                         * trajectory into lambda, with these options */
    long renorm;                        /* its renormalisation interval in steps (default 10) */
    const char *checkpoint;             /* the checkpoint file, or NULL */
    int resume;                         /* continue the run the checkpoint holds (a missing file
                                         * starts it); without resume an existing file is refused */
    const char *run_key;                /* the caller's description of the run (e.g. a model file's
                                         * content), hashed into the run's identity; may be NULL */
} nd_ensemble_blocks_opts;

/* Defaults: the default block, no Lyapunov exponents, no checkpoint. */
void nd_ensemble_blocks_opts_init(nd_ensemble_blocks_opts *b);
/* A multiple of 128 (the lanes' block) near n / 1024, at least 128: enough blocks to balance
 * the load of many processes, each large enough to keep a node's cores busy. */
size_t nd_ensemble_default_block(size_t n);
/* nd_ensemble_run (plus nd_ensemble_lyapunov into lambda, n values, when b->lyapunov) in blocks,
 * in this process. */
nd_status nd_ensemble_run_blocks(const nd_model *m, size_t n, const double *P, size_t p_len,
                                 const double *X0, size_t x_len, const nd_ensemble_opts *o,
                                 const nd_ensemble_blocks_opts *b, nd_ensemble_result *res,
                                 double *lambda, nd_error *err);

/* Basins of attraction on a grid of initial states: variables ix, iy over [xlo, xhi] x
 * [ylo, yhi] in nx x ny points (the other variables from x_base), parameters p. Each final
 * state is assigned to an attractor by clustering the final states (distance < tol in the
 * max norm, relative to the state's scale); label[j*nx + i] is the attractor of grid point
 * (i, j), -1 for a trajectory that failed. */
typedef struct nd_basins {
    size_t nx, ny, n_vars;
    int *label;            /* nx * ny */
    size_t n_attractors;
    double *attractor;     /* n_attractors x n_vars: a representative final state of each */
    size_t *count;         /* n_attractors: grid points in each basin */
} nd_basins;

nd_status nd_ensemble_basins(const nd_model *m, const double *p, const double *x_base, int ix,
                             int iy, double xlo, double xhi, double ylo, double yhi, size_t nx,
                             size_t ny, const nd_ensemble_opts *o, double tol, nd_basins *out,
                             nd_error *err);
void nd_basins_free(nd_basins *b);

/* Which attractor each trajectory of an ensemble reaches (the labels of `neurodyn basins`),
 * from a result run with keep_minmax and a transient (max/min over the window after it): a
 * trajectory whose every variable varies by at most tol (relative to max(1, |value|)) over that
 * window rests at an equilibrium, and ones whose final states agree to tol share it; any other
 * still moves (a cycle, or something slower) and shares its attractor with those whose max and
 * min of every variable agree to tol (independent of the phase where it stops). Trajectories
 * are visited in index order; an attractor's representative is its first trajectory. The
 * labels depend only on the result, so a run in blocks or across MPI ranks labels alike.
 * More than max_attractors distinct attractors (chaos, or runs that have not settled) is an
 * error (ND_EFAILED). See docs/basins.md. */
enum { ND_ATTRACTOR_EQUILIBRIUM = 0, ND_ATTRACTOR_CYCLE = 1 };
enum { ND_ATTRACTOR_NONFINITE = -1, ND_ATTRACTOR_FAILED = -2 }; /* labels of points that reach none */
typedef struct nd_attractor {
    int kind;            /* ND_ATTRACTOR_EQUILIBRIUM or ND_ATTRACTOR_CYCLE */
    size_t count, first; /* trajectories in its basin; the first of them (its representative) */
} nd_attractor;
typedef struct nd_attractor_map {
    size_t n;            /* trajectories */
    int *label;          /* n: attractor index, or ND_ATTRACTOR_NONFINITE / ND_ATTRACTOR_FAILED */
    nd_attractor *attractors;
    size_t n_attractors, n_nonfinite, n_failed;
} nd_attractor_map;
nd_status nd_ensemble_attractors(const nd_ensemble_result *r, double tol, size_t max_attractors, nd_attractor_map *out,
                                 nd_error *err);
void nd_attractor_map_free(nd_attractor_map *a);

#ifdef __cplusplus
}
#endif

#endif
