/* neurodyn — equilibria, their stability, and the pieces of a phase portrait.
 *
 * Every result is plain data (structs with arrays) with a matching _free function; nothing
 * here writes files or plots. A "slice" fixes some variables of a larger model at given values
 * and analyses the remaining free ones (e.g. the fast subsystem of a burster). */
#ifndef NEURODYN_ANALYSIS_H
#define NEURODYN_ANALYSIS_H

#include <stddef.h>

#include "core.h"
#include "integrate.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the region and the slice --------------------------------------------------------------- */
/* lo/hi: one interval per model variable (n_vars each). fixed: NULL, or one flag per variable;
 * a fixed variable keeps the value given in `at` (n_vars values; for fixed variables only). */
typedef struct nd_region {
    const double *lo, *hi;
    const int *fixed;
    const double *at;
} nd_region;

/* Checks the region: finite, lo < hi for free variables, at least one free variable. */
nd_status nd_region_check(const nd_model *m, const nd_region *r, nd_error *err);

/* ---- stability -------------------------------------------------------------------------------- */
#define ND_STABILITY_RTOL 1e-9 /* relative tolerance for "zero" trace, det, discriminant, Re(lambda) */

/* Stability of a k x k Jacobian J (row-major): eigenvalues (re, im; k each, sorted by real part
 * descending), eigenvectors as columns (vec_re, vec_im: k x k row-major, may be NULL), and the
 * type name (static string): 1D "saddle node" (f' = 0) / "stable point" / "unstable point"; 2D
 * BrainPy's twelve types from trace, determinant and discriminant, except that a saddle is
 * "saddle" (BrainPy: "saddle node"); kD from the eigenvalue signature.
 * *stable is 1 exactly when the type name starts with "stable" (marginal cases such as
 * "center" count as not stable). */
nd_status nd_stability(size_t k, const double *J, double *re, double *im, double *vec_re,
                       double *vec_im, const char **type, int *stable, nd_error *err);

/* The 2D type from the Jacobian entries alone (BrainPy's decision tree, zero tests relative). */
const char *nd_stability_type_2d(double a, double b, double c, double d);

/* ---- fixed points ---------------------------------------------------------------------------- */
typedef struct nd_fp_opts {
    size_t n_seeds;           /* starting points; 0 = 64 * 2^k for k free variables, max 4096 */
    unsigned long long seed;  /* shifts the quasi-random (Halton) seeds */
    double tol;               /* scaled residual to reach; 0 = 1e-12 */
    int no_fallback;          /* 1: no NLopt global search when Newton finds nothing */
} nd_fp_opts;

void nd_fp_opts_init(nd_fp_opts *o);

typedef struct nd_fixed_point {
    double *x;            /* n_vars: the full state (fixed variables included) */
    double *eig_re, *eig_im; /* n_free eigenvalues of the free block of the Jacobian */
    double *vec_re, *vec_im; /* n_free x n_free eigenvectors (columns) */
    const char *type;
    int stable;
    double residual;      /* scaled max |f_i| at x */
} nd_fixed_point;

typedef struct nd_fp_result {
    size_t n_vars, n_free;
    size_t *free_idx;     /* indices of the free variables */
    size_t n;             /* points found, sorted by their first free coordinate */
    nd_fixed_point *points;
    size_t seeds_tried, seeds_converged, seeds_nonfinite;
    int fallback_used;    /* NLopt global search ran (Newton found nothing) */
} nd_fp_result;

nd_status nd_fixed_points(const nd_model *m, const double *p, const nd_region *region,
                          const nd_fp_opts *o, nd_fp_result *res, nd_error *err);
void nd_fp_result_free(nd_fp_result *res);

/* ---- phase plane (2 free variables) ------------------------------------------------------------ */
typedef struct nd_curve {
    size_t n;
    double *x, *y; /* ordered points along the curve: x is the first free variable in model
                      order, y the second */
    int closed;    /* the curve returned to its start (its last point repeats the first) */
} nd_curve;

typedef struct nd_nullclines {
    int var;          /* which free variable's derivative is zero (index into the model) */
    size_t n_curves;
    nd_curve *curves;
} nd_nullclines;

/* Traces {f_var = 0} in the 2D region (exactly two free variables): starting points from sign
 * changes on a res x res grid (0 = 100), then pseudo-arclength continuation of the implicit
 * curve with Newton correction (|f| <= 1e-10 scaled at every point), through folds, ending at
 * the box or when a curve closes. Several pieces are returned separately. */
nd_status nd_nullclines_trace(const nd_model *m, const double *p, const nd_region *region,
                              int var, size_t res, nd_nullclines *out, nd_error *err);
void nd_nullclines_free(nd_nullclines *nc);

typedef struct nd_vector_field {
    size_t nx, ny;
    double *x, *y;     /* nx and ny grid coordinates */
    double *u, *v;     /* nx * ny derivatives, index j * nx + i */
    double *un, *vn;   /* normalised to unit length (0 where the field vanishes) */
} nd_vector_field;

nd_status nd_vector_field_grid(const nd_model *m, const double *p, const nd_region *region,
                               size_t nx, size_t ny, nd_vector_field *out, nd_error *err);
void nd_vector_field_free(nd_vector_field *vf);

/* Trajectory of the full model from x0 for |t1| time units (t1 != 0), backward in time when
 * t1 < 0 (times reported negative), sampled every dt_out (0: every step), fixed variables held
 * at region->at. It stops early when a free variable leaves the region's box enlarged by half
 * its size on each side; out->stats.stopped is then 1. */
nd_status nd_phase_trajectory(const nd_model *m, const double *p, const nd_region *region,
                              const double *x0, double t1, double dt_out, nd_trajectory *out,
                              nd_error *err);

/* Stable and unstable manifolds of a 2D saddle (eigenvalues real, one of each sign): four
 * branches from fp->x +- eps v along the eigenvectors (eps = 1e-6 of the box diagonal in box
 * units), unstable forward and stable backward in time, each up to t_max or the box. Order:
 * unstable +v, unstable -v, stable +v, stable -v; every integrator step is kept. */
typedef struct nd_separatrices {
    size_t n;              /* branches (4 for a saddle) */
    nd_trajectory *branch;
    int *unstable;         /* 1: unstable manifold branch, 0: stable */
} nd_separatrices;

nd_status nd_separatrices_2d(const nd_model *m, const double *p, const nd_region *region,
                             const nd_fixed_point *fp, double t_max, nd_separatrices *out,
                             nd_error *err);
void nd_separatrices_free(nd_separatrices *s);

/* ---- a whole phase portrait ---------------------------------------------------------------- */
/* Everything a phase-plane figure shows, for a region with exactly two free variables: fixed
 * points with stability, both nullclines, the vector field, trajectories forward and backward
 * in time from given starts, and the four separatrices of every saddle. */
typedef struct nd_phase_opts {
    size_t grid;           /* vector field grid grid x grid, nullcline seeding 5 grid (0: 20) */
    double t1;             /* duration of trajectories and separatrices (0: 100) */
    size_t n_starts;       /* trajectories: starts, n_starts x n_vars (fixed variables are */
    const double *starts;  /* replaced by the region's values) */
    int x_var;             /* the horizontal variable (model index); -1 or either free one:
                              0 means the first free variable in model order */
} nd_phase_opts;

typedef struct nd_phase_portrait {
    const nd_model *m;
    int ix, iy;               /* the plane: horizontal and vertical variable (model indices) */
    double xlo, xhi, ylo, yhi;
    double *p, *at;           /* copies: parameters, and the state the plane is a slice of */
    nd_fp_result fixed_points;
    nd_nullclines nullcline[2]; /* d(ix)/dt = 0, d(iy)/dt = 0; curve points (and the field's
                                   grid) are in model order: (first, second free variable) */
    nd_vector_field field;
    size_t n_traj;            /* 2 per start: forward, then backward (times negative) */
    nd_trajectory *traj;
    size_t n_sep;             /* separatrices, 4 per saddle: unstable +v, -v, stable +v, -v */
    nd_trajectory *sep;
    int *sep_unstable;
} nd_phase_portrait;

nd_status nd_phase_portrait_compute(const nd_model *m, const double *p, const nd_region *r, const nd_phase_opts *o,
                                    nd_phase_portrait *out, nd_error *err);
void nd_phase_portrait_free(nd_phase_portrait *pp);

/* A limit cycle by simulation: after `transient`, successive upward crossings of variable
 * `var` through the middle of its range are compared (each with up to 16 earlier ones, so
 * bursts are found) until the state repeats (relative 1e-6); the result holds one period of
 * the orbit sampled at n_samples >= 2 points, with the extrema of every variable. t_max is
 * the total time allowed, transient included. ND_EFAILED, saying what was seen, when no
 * periodic orbit is found (e.g. the orbit settles on an equilibrium). */
typedef struct nd_cycle {
    double period;
    size_t n_vars, n;
    double *t, *x;       /* one period, n samples, row-major n x n_vars */
    double *xmax, *xmin; /* per variable */
} nd_cycle;

nd_status nd_cycle_by_simulation(const nd_model *m, const double *p, const double *x0, int var,
                                 double transient, double t_max, size_t n_samples, nd_cycle *out,
                                 nd_error *err);
/* The same with relative tolerance rtol for the integration (nd_cycle_by_simulation: 1e-10;
 * absolute tolerance 1e-2 rtol), a looser one finding a cycle to refine by collocation sooner,
 * and a box (may be NULL; its lo/hi are read): a trajectory that leaves it by more than its
 * width is abandoned (ND_EFAILED) instead of followed to infinity. */
nd_status nd_cycle_by_simulation_tol(const nd_model *m, const double *p, const double *x0, int var, double transient,
                                     double t_max, size_t n_samples, double rtol, const nd_region *box,
                                     nd_cycle *out, nd_error *err);
void nd_cycle_free(nd_cycle *c);

#ifdef __cplusplus
}
#endif

#endif
