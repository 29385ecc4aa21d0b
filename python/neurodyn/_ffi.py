"""The C declarations neurodyn's Python package uses, and the loading of libneurodyn.so.

cffi's ABI mode: the declarations below copy the public headers (include/neurodyn/*.h) for the
parts the package calls. Struct layouts must match the headers exactly; python/tests/
test_layout.py compiles a C program that prints every declared struct's size and field offsets
and compares them with cffi's. Function-pointer fields the package never calls are declared
as ``void *`` (same size and alignment), enums as ``int``.

The library is found in this order: ``$NEURODYN_LIB`` (a path to the .so), the build tree
(``build/lib/libneurodyn.so`` two folders above this package, as ``make`` writes it), the
prefix it was installed into (``make install``: PREFIX/lib beside
PREFIX/lib/python3/dist-packages/neurodyn), then the loader path
(``ctypes.util.find_library("neurodyn")``, ``libneurodyn.so``).
"""
import ctypes.util
import os

import cffi

CDEF = r"""
/* ---- error.h ---- */
typedef struct nd_error { int code; char msg[1024]; } nd_error;
const char *nd_status_name(int code);

/* ---- model.h ---- */
typedef struct nd_model {
    const char *name, *aliases, *title, *reference;
    size_t n_vars, n_pars;
    const char *const *var_names;
    const char *const *par_names;
    const double *par_defaults;
    const double *init;
    const double *var_lo, *var_hi;
    void *rhs, *jac;
    const void *kernels;
    void *diffusion, *diffusion_jac;
    int noise;
    size_t n_noise;
    int sde_kind;
    const void *spike;
    const char *time_unit, *slow_vars, *bif_par;
    double bif_lo, bif_hi;
    const char *bif2_par;
    double bif2_lo, bif2_hi;
    const char *const *var_units;
    double t_sim;
    const char *const *par_units;
    size_t n_aux;
    const char *const *aux_names;
    void (*aux)(double t, const double *x, const double *p, double *out);
    const char *method;
    double dt;
} nd_model;

/* ---- core.h ---- */
typedef struct nd_model_ref { const nd_model *model; void *handle; char path[4096]; } nd_model_ref;
int nd_model_load(const char *spec, nd_model_ref *ref, nd_error *err);
void nd_model_unload(nd_model_ref *ref);
int nd_model_var_index(const nd_model *m, const char *name, nd_error *err);
int nd_model_par_index(const nd_model *m, const char *name, nd_error *err);
int nd_model_set_par(const nd_model *m, double *p, const char *assignment, nd_error *err);
int nd_model_set_var(const nd_model *m, double *x, const char *assignment, nd_error *err);
void nd_model_default_params(const nd_model *m, double *p);
void nd_model_default_state(const nd_model *m, double *x);
size_t nd_builtin_count(void);
const nd_model *nd_builtin_at(size_t i);
const char *nd_model_source_file(const nd_model *m);

/* ---- integrate.h ---- */
typedef struct nd_method {
    const char *name, *description;
    int kind, order, adaptive;
    const void *tableau;
    const char *gsl_name;
} nd_method;
const nd_method *nd_method_find(const char *name, nd_error *err);
size_t nd_method_count(void);
const nd_method *nd_method_at(size_t i);

typedef struct nd_event { int var; double level; int direction; int terminal; } nd_event;
typedef struct nd_solve_opts {
    const char *method;
    double dt, rtol, atol, dt_out, h_min, h_max;
    long max_steps;
    const nd_event *events;
    size_t n_events;
    double event_tol;
    int no_spike_rule;
    unsigned long long seed, trajectory;
    double noise;
    void *on_sample, *on_event, *ctx;
} nd_solve_opts;
void nd_solve_opts_init(nd_solve_opts *o);
typedef struct nd_solve_stats {
    long steps, rejected, rhs_evals, jac_evals, events, spikes;
    double t;
    int stopped;
} nd_solve_stats;
typedef struct nd_trajectory {
    size_t n_vars, n;
    double *t, *x;
    size_t n_events;
    int *event_id;
    double *event_t, *event_x;
    nd_solve_stats stats;
    size_t cap, event_cap;
} nd_trajectory;
int nd_simulate(const nd_model *m, const double *p, const double *x0, double t0, double t1,
                const nd_solve_opts *o, nd_trajectory *traj, nd_error *err);
void nd_trajectory_free(nd_trajectory *traj);
int nd_model_box(const nd_model *m, const double *p, const double *x0, double *lo, double *hi, int *estimated,
                       nd_error *err);

/* ---- analysis.h ---- */
typedef struct nd_region { const double *lo, *hi; const int *fixed; const double *at; } nd_region;
typedef struct nd_fp_opts { size_t n_seeds; unsigned long long seed; double tol; int no_fallback; } nd_fp_opts;
void nd_fp_opts_init(nd_fp_opts *o);
typedef struct nd_fixed_point {
    double *x, *eig_re, *eig_im, *vec_re, *vec_im;
    const char *type;
    int stable;
    double residual;
} nd_fixed_point;
typedef struct nd_fp_result {
    size_t n_vars, n_free;
    size_t *free_idx;
    size_t n;
    nd_fixed_point *points;
    size_t seeds_tried, seeds_converged, seeds_nonfinite;
    int fallback_used;
} nd_fp_result;
int nd_fixed_points(const nd_model *m, const double *p, const nd_region *region,
                    const nd_fp_opts *o, nd_fp_result *res, nd_error *err);
void nd_fp_result_free(nd_fp_result *res);

typedef struct nd_curve { size_t n; double *x, *y; int closed; } nd_curve;
typedef struct nd_nullclines { int var; size_t n_curves; nd_curve *curves; } nd_nullclines;
typedef struct nd_vector_field {
    size_t nx, ny;
    double *x, *y, *u, *v, *un, *vn;
} nd_vector_field;
typedef struct nd_phase_opts {
    size_t grid;
    double t1;
    size_t n_starts;
    const double *starts;
    int x_var;
} nd_phase_opts;
typedef struct nd_phase_portrait {
    const nd_model *m;
    int ix, iy;
    double xlo, xhi, ylo, yhi;
    double *p, *at;
    nd_fp_result fixed_points;
    nd_nullclines nullcline[2];
    nd_vector_field field;
    size_t n_traj;
    nd_trajectory *traj;
    size_t n_sep;
    nd_trajectory *sep;
    int *sep_unstable;
} nd_phase_portrait;
int nd_phase_portrait_compute(const nd_model *m, const double *p, const nd_region *r,
                              const nd_phase_opts *o, nd_phase_portrait *out, nd_error *err);
void nd_phase_portrait_free(nd_phase_portrait *pp);

/* ---- continuation.h ---- */
typedef struct nd_curve_type {
    const char *name;
    size_t dim;
    void *residual, *jacobian;
    size_t n_tests;
    const char *test_names[8];
    int test_kind[8];
    void *tests, *bracket, *accept, *label, *stop, *adapt;
    size_t adapt_every;
    void *component_name, *bordered_factor, *bordered_solve, *jacobian_vector;
    void *ctx;
} nd_curve_type;
typedef struct nd_cont_opts {
    double h0, h_min, h_max, max_angle;
    size_t max_points;
    int max_newton;
    double tol, locate_tol;
    const double *lo, *hi, *scale;
    int direction;
    void *progress, *progress_ctx;
} nd_cont_opts;
typedef struct nd_special_point { int test; size_t after; double *u; double data[8]; } nd_special_point;
typedef struct nd_branch {
    size_t dim, n;
    double *u;
    int *label;
    size_t n_special;
    nd_special_point *special;
    int stop;
    size_t stop_component;
    double stop_bound;
    char stop_reason[200];
    int begin_stop;
    char begin_reason[200];
    size_t cap, special_cap;
} nd_branch;
typedef struct nd_bif_diagram {
    const nd_model *m;
    int par;
    size_t n_free;
    size_t *free_idx;
    size_t n_branches;
    nd_branch *branches;
    int *from_bp;
    size_t n_start;
    double p_lo, p_hi;
} nd_bif_diagram;
void nd_bif_opts_init(nd_cont_opts *o);
int nd_bifurcation_1d(const nd_model *m, const double *p, int par, double p_lo, double p_hi,
                      const nd_region *region, const nd_cont_opts *o, nd_bif_diagram *out, nd_error *err);
void nd_bif_diagram_free(nd_bif_diagram *d);

/* ---- cycles.h ---- */
typedef struct nd_cycle_info {
    double par, period, amplitude;
    double *xmax, *xmin, *mu_re, *mu_im;
    double trivial_dev;
    int stable;
    double *mesh;
} nd_cycle_info;
typedef struct nd_cycle_curve {
    const nd_model *m;
    double *p;
    int par;
    nd_region region;
    size_t k;
    size_t *free_idx;
    size_t ntst, ncol, adapt_every;
    double period_factor, stall_tol;
    size_t n_info, info_cap;
    nd_cycle_info *info;
    int stopped;
    char stop_reason[200];
    double *mesh;
    void *work;
    nd_curve_type type;
} nd_cycle_curve;
typedef struct nd_cycle_set {
    size_t ntst, ncol;
    nd_cont_opts opts;
    size_t n, cap;
    nd_cycle_curve *curve;
    nd_branch *branch;
    int *origin;
    double *start;
    size_t n_failed;
    char failure[200];
    void *progress, *progress_ctx;
    double progress_used;
    int progress_depth;
    size_t *multiple;
    long *parent;
    size_t *parent_special;
    double *hom_par;
    size_t n_hom;
} nd_cycle_set;
void nd_cycle_set_opts_init(nd_cont_opts *o);
int nd_cycles_from_hopf(const nd_bif_diagram *d, const double *p, const nd_region *r, double p_lo,
                        double p_hi, nd_cycle_set *cs, nd_error *err);
int nd_cycles_from_scan(const nd_bif_diagram *d, const double *p, const nd_region *r, double p_lo,
                        double p_hi, size_t n, nd_cycle_set *cs, nd_error *err);
int nd_cycle_set_homoclinic_end(const nd_cycle_set *cs, size_t c, const nd_bif_diagram *d, double p_lo,
                                double p_hi, double *par, int *snic);
void nd_cycle_set_free(nd_cycle_set *cs);
int nd_cycle_set_locate_homoclinics(nd_cycle_set *cs, const nd_bif_diagram *d, const double *p, double p_lo,
                                    double p_hi, size_t *n_located, nd_error *err);
const nd_cycle_info *nd_cycle_curve_info(const nd_cycle_curve *c, size_t i);

/* ---- codim2.h ---- */
typedef struct nd_codim2_curve { int hopf; nd_branch branch; size_t k; int from; } nd_codim2_curve;
typedef struct nd_codim2_point { size_t curve, special; size_t n_on; size_t on[4]; } nd_codim2_point;
typedef struct nd_codim2_diagram {
    const nd_model *m;
    int par[2];
    double lo[2], hi[2];
    double kappa_scale;
    nd_bif_diagram start;
    size_t n;
    nd_codim2_curve *curves;
    size_t n_points;
    nd_codim2_point *points;
    size_t n_dropped, n_failed;
    char failure[200];
    const void *cycles;
} nd_codim2_diagram;
typedef struct nd_codim2_opts { double h0, h_max; size_t max_points; } nd_codim2_opts;
int nd_bifurcation_2d(const nd_model *m, const double *p, int par1, double lo1, double hi1, int par2,
                      double lo2, double hi2, const nd_region *r, const nd_codim2_opts *o,
                      nd_codim2_diagram *out, nd_error *err);
void nd_codim2_diagram_free(nd_codim2_diagram *d);
double nd_codim2_curve_par(const nd_codim2_curve *c, const double *u, int which);
int nd_codim2_bt_degenerate(const nd_codim2_diagram *d, const nd_special_point *sp);
const nd_special_point *nd_codim2_point_special(const nd_codim2_diagram *d, size_t i);
const char *nd_codim2_point_name(const nd_codim2_diagram *d, size_t i);

/* ---- cycle_codim2.h (the cycle curves of a two-parameter diagram) ---- */
typedef struct nd_cycle_codim2_curve {
    int kind;
    nd_branch branch;
    size_t N;
    double *xmax, *xmin;
    double *special_xmax;
} nd_cycle_codim2_curve;
typedef struct nd_cycle_codim2 {
    nd_cycle_set cycles;
    size_t n;
    nd_cycle_codim2_curve *curves;
    size_t n_dropped;
    size_t n_failed;
    char failure[200];
} nd_cycle_codim2;
int nd_cycle_curves_2d(const nd_codim2_diagram *d, const double *p, const nd_region *r,
                       const nd_codim2_opts *o, size_t scan, nd_cycle_codim2 *out, nd_error *err);
void nd_cycle_codim2_free(nd_cycle_codim2 *cc);
double nd_cycle_codim2_par(const nd_cycle_codim2_curve *c, const double *u, int which);
double nd_cycle_codim2_period(const nd_cycle_codim2_curve *c, const double *u);
const char *nd_cycle_codim2_kind_name(int kind);
const char *nd_cycle_codim2_special_name(int kind, int test);

/* ---- homoclinic.h (homoclinic and SNIC curves of a two-parameter diagram) ---- */
typedef struct nd_hom2_curve {
    int snic;
    int from;
    size_t n;
    double *p1, *p2;
    double *x;
    char stop[200];
} nd_hom2_curve;
typedef struct nd_hom2_point {
    size_t curve;
    int fold_curve;
    double p1, p2;
    double *x;
} nd_hom2_point;
typedef struct nd_hom2_set {
    const nd_model *m;
    int par[2];
    size_t n, n_points;
    nd_hom2_curve *curves;
    nd_hom2_point *points;
    size_t n_cycles;
    size_t n_homoclinic;
    size_t n_failed;
    char failure[200];
} nd_hom2_set;
int nd_homoclinic_curves_2d(const nd_codim2_diagram *d, const double *p, const nd_region *r,
                            size_t max_points, nd_hom2_set *out, nd_error *err);
void nd_hom2_set_free(nd_hom2_set *s);

/* ---- fastslow.h ---- */
typedef struct nd_fast_subsystem {
    nd_model model;
    const nd_model *full;
    size_t n_fast, n_slow;
    size_t *fast_idx, *slow_idx;
    const char **var_names, **par_names;
    double *par_defaults, *init;
    char name[96];
    int slot;
} nd_fast_subsystem;
typedef struct nd_fs_opts {
    int slow;
    double slow_lo, slow_hi;
    const double *var_lo, *var_hi;
    const double *x0;
    double t1, transient;
    size_t samples;
    int spike_var;
    int cycles;
} nd_fs_opts;
void nd_fs_opts_init(nd_fs_opts *o);
typedef struct nd_fs_special {
    char type[8];
    double slow, x, period, l1;
    int branch;
    const double *u;
} nd_fs_special;
typedef struct nd_fast_slow {
    nd_fast_subsystem fs;
    int slow, par, spike_var;
    double slow_lo, slow_hi;
    int range_source;
    char range_note[200];
    double *p, *lo, *hi, *at;
    nd_region region;
    nd_bif_diagram eq;
    nd_cycle_set cycles;
    nd_trajectory traj;
    size_t n_nullcline;
    nd_curve *nullcline;
    size_t n_special;
    nd_fs_special *special;
    int activity;
    size_t n_spikes, n_bursts;
    double spikes_per_burst, burst_period, spike_period;
    double onset_slow, end_slow;
    int onset_special, end_special;
    char onset[16], termination[16], burster[40];
    char note[320];
} nd_fast_slow;
int nd_fast_slow_analyse(const nd_model *m, const double *p, const nd_fs_opts *o, nd_fast_slow *out,
                         nd_error *err);
void nd_fast_slow_free(nd_fast_slow *fsd);

/* ---- plot.h (result helpers) ---- */
void nd_diagram_full_state(const nd_bif_diagram *d, const double *u, const double *at, double *x);
const char *nd_eq_special_name(int test);
const char *nd_cycle_special_name(int test);
double nd_fs_special_value(const nd_fast_slow *d, const nd_fs_special *sp, size_t a);

/* ---- ensemble.h ---- */
typedef struct nd_ensemble_opts {
    const char *method;
    double t0, t1, dt, rtol, atol, transient;
    int event_var;
    double event_level;
    size_t max_events;
    long sample_stride;
    int keep_minmax;
    unsigned long long seed, first_trajectory;
    double noise;
    int device, precision, extrema;
    size_t max_extrema;
    void *progress, *progress_ctx;
} nd_ensemble_opts;
void nd_ensemble_opts_init(nd_ensemble_opts *o);
typedef struct nd_ensemble_result {
    size_t n, n_vars;
    double *x, *x_max, *x_min;
    long *events;
    double *event_first, *event_last, *period;
    double *event_times;
    size_t max_events;
    double *samples;
    size_t n_samples;
    double sample_dt;
    int *status;
    double *t_fail;
    size_t n_failed;
    int device;
    int vectorised;
    size_t max_extrema;
    long *n_maxima, *n_minima;
    double *maxima, *maxima_t, *minima, *minima_t;
} nd_ensemble_result;
int nd_ensemble_run(const nd_model *m, size_t n, const double *P, size_t p_len, const double *X0,
                    size_t x_len, const nd_ensemble_opts *o, nd_ensemble_result *res, nd_error *err);
void nd_ensemble_result_free(nd_ensemble_result *res);
int nd_ensemble_lyapunov(const nd_model *m, size_t n, const double *P, size_t p_len, const double *X0,
                         size_t x_len, const nd_ensemble_opts *o, long renorm, double *lambda, nd_error *err);
int nd_device_parse(const char *text, int *out, nd_error *err);

/* ---- sim.h ---- */
typedef struct nd_net nd_net;
typedef struct nd_group nd_group;
typedef struct nd_monitor nd_monitor;
int nd_net_new(double dt, nd_net **out, nd_error *err);
void nd_net_free(nd_net *net);
int nd_net_run(nd_net *net, double duration, nd_error *err);
void nd_net_reset(nd_net *net);
double nd_net_time(const nd_net *net);
size_t nd_net_synapse_count(const nd_net *net);
void nd_net_set_progress(nd_net *net, int mode);
int nd_net_add_group(nd_net *net, const char *name, const nd_model *model, size_t n, const char *method,
                     nd_group **out, nd_error *err);
size_t nd_group_size(const nd_group *g);
const char *nd_group_name(const nd_group *g);
double *nd_group_array(nd_group *g, const char *name, nd_error *err);
int nd_group_set_par(nd_group *g, const char *name, double value, nd_error *err);
long nd_group_spike_count(const nd_group *g);
int nd_group_set_threshold(nd_group *g, const char *var, double threshold, nd_error *err);
int nd_net_add_monitor(nd_net *net, const char *target, const size_t *idx, size_t n_idx, long period,
                       nd_monitor **out, nd_error *err);
size_t nd_monitor_rows(const nd_monitor *m);
size_t nd_monitor_cols(const nd_monitor *m);
const double *nd_monitor_times(const nd_monitor *m);
const double *nd_monitor_data(const nd_monitor *m);
size_t nd_monitor_spikes(const nd_monitor *m, const double **times, const uint32_t **ids);
int nd_firing_rate(const double *times, size_t n_spikes, size_t n_neurons, double t0, double dt,
                   size_t n_steps, double width, double *rate, nd_error *err);
typedef struct nd_input {
    const char *target;
    int type;
    char op;
    double value;
    const double *vector;
    const double *series;
    size_t series_len;
    int per_neuron;
    void *func, *ctx;
    long period;
} nd_input;
int nd_net_add_input(nd_net *net, const nd_input *in, nd_error *err);
typedef struct nd_coba_params {
    size_t n_exc, n_inh;
    double p, we, wi, input, dt;
    uint64_t seed;
    const char *method;
} nd_coba_params;
nd_coba_params nd_coba_defaults(void);
int nd_coba_build(const nd_coba_params *p, nd_net **net, nd_group **E, nd_group **I,
                  nd_monitor **mon_e, nd_monitor **mon_i, nd_error *err);
/* ---- prc.h ---- */
typedef struct nd_prc_opts {
    int method;
    size_t n_phases, n_direct;
    int var, ref_var;
    double eps;
    size_t ntst, ncol;
    double transient, t_max;
    const double *x0;
} nd_prc_opts;
void nd_prc_opts_init(nd_prc_opts *o);
typedef struct nd_prc {
    size_t n_vars;
    double period, mu_max, trivial_dev, norm_dev;
    size_t n;
    double *theta, *x, *z;
    size_t n_direct;
    double *theta_direct, *x_direct, *z_direct;
    size_t periods;
} nd_prc;
int nd_prc_compute(const nd_model *m, const double *p, const nd_prc_opts *opts, nd_prc *out, nd_error *err);
void nd_prc_free(nd_prc *r);
typedef struct nd_poincare_opts {
    int var;
    double level;
    int dir;
    double transient, t1;
    size_t max_crossings;
    double rtol;
    const double *x0;
    int extremum;
} nd_poincare_opts;
void nd_poincare_opts_init(nd_poincare_opts *o);
typedef struct nd_poincare {
    size_t n_vars, n;
    double *t, *x;
    int *dir;
} nd_poincare;
int nd_poincare_compute(const nd_model *m, const double *p, const nd_poincare_opts *o, nd_poincare *out,
                        nd_error *err);
void nd_poincare_free(nd_poincare *r);
"""

ffi = cffi.FFI()
ffi.cdef(CDEF)

# The structs declared above whose layout test_layout.py checks against the headers.
STRUCTS = [
    "nd_error", "nd_model", "nd_model_ref", "nd_method", "nd_event", "nd_solve_opts",
    "nd_solve_stats", "nd_trajectory", "nd_region", "nd_fp_opts", "nd_fixed_point",
    "nd_fp_result", "nd_curve", "nd_nullclines", "nd_vector_field", "nd_phase_opts",
    "nd_phase_portrait", "nd_curve_type", "nd_cont_opts", "nd_special_point", "nd_branch",
    "nd_bif_diagram", "nd_cycle_info", "nd_cycle_curve", "nd_cycle_set", "nd_codim2_curve",
    "nd_codim2_point", "nd_codim2_diagram", "nd_codim2_opts", "nd_cycle_codim2_curve",
    "nd_cycle_codim2", "nd_hom2_curve", "nd_hom2_point", "nd_hom2_set", "nd_fast_subsystem", "nd_fs_opts",
    "nd_fs_special", "nd_fast_slow", "nd_ensemble_opts", "nd_ensemble_result", "nd_input",
    "nd_coba_params", "nd_prc_opts", "nd_prc", "nd_poincare_opts", "nd_poincare",
]


def _candidates():
    env = os.environ.get("NEURODYN_LIB")
    if env:
        yield env
        return
    here = os.path.dirname(os.path.abspath(__file__))
    yield os.path.join(here, os.pardir, os.pardir, "build", "lib", "libneurodyn.so")
    # installed by `make install`: PREFIX/lib/python3/dist-packages/neurodyn beside PREFIX/lib
    yield os.path.join(here, os.pardir, os.pardir, os.pardir, "libneurodyn.so")
    found = ctypes.util.find_library("neurodyn")
    if found:
        yield found
    yield "libneurodyn.so"


def _load():
    tried = []
    for path in _candidates():
        if os.sep in path and not os.path.exists(path):
            tried.append(f"{path} (not found)")
            continue
        try:
            return ffi.dlopen(path), os.path.normpath(path) if os.sep in path else path
        except OSError as e:
            tried.append(f"{path} ({e})")
    raise ImportError("neurodyn: cannot load libneurodyn.so; build it with `make`, or set "
                      "NEURODYN_LIB to its path. Tried: " + "; ".join(tried))


lib, lib_path = _load()


def _include_dir():
    """The headers user model files are compiled against. The library looks for them next to
    the running executable, which here is Python: so, unless NEURODYN_INCLUDE is set, point it
    at the build tree's include/ or the installed prefix's include/ beside the library loaded."""
    libdir = os.path.dirname(os.path.realpath(lib_path)) if os.sep in lib_path else None
    for guess in ([os.path.join(libdir, os.pardir, os.pardir, "include"),
                   os.path.join(libdir, os.pardir, "include")] if libdir else []):
        if os.path.exists(os.path.join(guess, "neurodyn", "model.h")):
            return os.path.abspath(guess)
    return None


if "NEURODYN_INCLUDE" not in os.environ and _include_dir():
    os.environ["NEURODYN_INCLUDE"] = _include_dir()


class NeurodynError(RuntimeError):
    """A failing neurodyn C call. ``str(e)`` is neurodyn's message (nd_error.msg); ``e.code``
    the status (nd_status: 1 invalid argument, 2 no memory, 3 non-finite, ...), ``e.status``
    its name ("invalid argument")."""

    def __init__(self, message, code=0):
        super().__init__(message)
        self.code = code
        self.status = ffi.string(lib.nd_status_name(code)).decode() if code else ""


def new_error():
    """A fresh nd_error for one call."""
    return ffi.new("nd_error *")


def check(status, err):
    """Raises NeurodynError with the C message when status is not ND_OK (0)."""
    if status != 0:
        msg = ffi.string(err.msg).decode("utf-8", "replace") or ffi.string(
            lib.nd_status_name(status)).decode()
        raise NeurodynError(msg, status)


def text(cchars):
    """A C string (char * or char array) as str; '' for NULL."""
    return ffi.string(cchars).decode("utf-8", "replace") if cchars != ffi.NULL else ""


def doubles(values):
    """A C double array holding a copy of values (a sequence or numpy array)."""
    return ffi.new("double[]", [float(v) for v in values])
