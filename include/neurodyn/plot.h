/* neurodyn — figures through gnuplot.
 *
 * Every figure is a data file (TSV with a header line) plus an editable gnuplot script next to
 * the output image; the script names its data by paths relative to its own folder, so it
 * re-renders from there. gnuplot runs on it (posix_spawn, no shell) from the script's folder and
 * renders PNG, SVG or PDF chosen by the output's extension (pngcairo / svg / pdfcairo,
 * headless). Anything gnuplot prints on stderr, a warning included, makes the figure
 * ND_PLOT_FAILED with a message naming the script and gnuplot's first line; so does a missing
 * gnuplot (the data and the script are written, the message says how to render them).
 *
 * Titles carry, on a second line, the parameters that differ from the model's defaults
 * (nd_plot_changed_params); axis labels carry the model's units (var_units, time_unit). */
#ifndef NEURODYN_PLOT_H
#define NEURODYN_PLOT_H

#include <stddef.h>

#include "error.h"
#include "codim2.h"
#include "fastslow.h"
#include "prc.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum nd_plot_status {
    ND_PLOT_OK = 0,
    ND_PLOT_FAILED /* err says why; also when gnuplot is missing or printed anything on stderr */
} nd_plot_status;

/* "I = 10, gK = 5": the parameters whose values in p differ from m's defaults, except skip1 and
 * skip2 (indices, -1 for none: the diagram's axes), into buf ("" when none); for titles. */
const char *nd_plot_changed_params(const nd_model *m, const double *p, int skip1, int skip2, char *buf, size_t len);

/* A time series from a TSV whose first column is t (data), each further column a variable
 * with its unit units[k] ("" or k >= n_units: none; units may be NULL). `title` heads the
 * figure, `params` (may be NULL) is its second line, `time_unit` (may be NULL) labels t. */
typedef struct nd_series_plot {
    const char *data, *title, *params, *time_unit;
    const char *const *units;
    size_t n_units;
} nd_series_plot;

/* One panel per variable (up to six, else one panel). The script is written to `out` with its
 * extension replaced by .gp. */
nd_plot_status nd_plot_timeseries(const nd_series_plot *spec, const char *out, nd_error *err);

/* A trajectory in three dimensions: columns cols[0..2] (1-based, >= 2) of spec->data as x, y, z,
 * coloured by time, the start marked. */
nd_plot_status nd_plot_trajectory3d(const nd_series_plot *spec, const int cols[3], const char *out, nd_error *err);

/* A phase portrait from the files `neurodyn phase-plane` writes into dir (nullcline_X.tsv,
 * nullcline_Y.tsv, vector_field.tsv, fixed_points.tsv, trajectories.tsv, separatrices.tsv):
 * normalised vector field, nullclines, separatrices, trajectories with direction arrows, and
 * fixed points filled (stable) or open (unstable); the legend lists only what the files hold.
 * ix/iy are the plane's variable indices, xname/yname their names (the nullcline files are
 * named after them), xlabel/ylabel the axis labels with units (NULL: the names). */
typedef struct nd_phase_plot {
    const char *dir, *title, *xname, *yname;
    int ix, iy;
    size_t n_vars;
    double xlo, xhi, ylo, yhi;
    const char *xlabel, *ylabel, *params;
} nd_phase_plot;

nd_plot_status nd_plot_phase_plane(const nd_phase_plot *spec, const char *out, nd_error *err);

/* The one-parameter diagram from the files `neurodyn bifurcation` writes into dir
 * (branches.tsv, special_points.tsv, and brute.tsv when brute is set): stable branches solid,
 * unstable dashed, special points drawn once each and labelled (LP, H, BP, ...) where the label
 * overlaps nothing else, the brute-force attractor extremes as dots; the legend lists only what
 * the files hold. var is the index of the variable shown, n_vars the model's size; varname is
 * its axis label (with its unit), xlabel the horizontal one (NULL: parname). */
typedef struct nd_bif_plot {
    const char *dir, *title, *parname, *varname;
    int var;
    size_t n_vars;
    double plo, phi;
    int brute;
    int cycles; /* cycles.tsv: max/min envelopes of the cycle branches */
    /* fast–slow overlay (0: none): the diagram is the fast subsystem's in a slow variable, with
     * trajectory.tsv (t, then the full model's variables) drawn as column traj_xcol against
     * traj_ycol (1-based) and the slow nullcline from slow_nullcline.tsv (slow, variable) */
    int fast_slow, traj_xcol, traj_ycol;
    /* branches cut short (the point budget, a failing corrector), marked at their ends from
     * ends.tsv (nd_diagram_cut_short counts them) */
    size_t cut_short;
    const char *params, *xlabel; /* the title's second line (may be NULL); see above */
} nd_bif_plot;

nd_plot_status nd_plot_bifurcation(const nd_bif_plot *spec, const char *out, nd_error *err);

/* The branches of d and cs (may be NULL) that ended before their natural end: at the point
 * budget or where the corrector failed. nd_write_diagram lists them in ends.tsv. */
size_t nd_diagram_cut_short(const nd_bif_diagram *d, const nd_cycle_set *cs);

/* The two-parameter diagram from the files `neurodyn bifurcation2` writes into dir
 * (curves.tsv, special_points.tsv): fold curves and Hopf curves in the (P1, P2) plane, the
 * neutral-saddle parts of Hopf curves thin and dashed, the codimension-2 points labelled (BT,
 * CP, ZH, GH, HH); legend entries only for what the files hold. */
typedef struct nd_bif2_plot {
    const char *dir, *title, *p1name, *p2name;
    double p1lo, p1hi, p2lo, p2hi;
    int brute; /* brute2.tsv: shade the cells where the attractor oscillates */
    const char *params; /* the title's second line (may be NULL) */
} nd_bif2_plot;

nd_plot_status nd_plot_bifurcation2(const nd_bif2_plot *spec, const char *out, nd_error *err);

/* A trajectory as TSV (t, then every variable, with a header), and its time-series figure (p:
 * the parameters it ran with, for the title; may be NULL). */
nd_status nd_write_trajectory(const nd_model *m, const nd_trajectory *tr, const char *path, nd_error *err);
nd_plot_status nd_plot_trajectory(const nd_model *m, const double *p, const nd_trajectory *tr, const char *data_tsv,
                                  const char *out, nd_error *err);

/* Fixed points in the plane of variables ix (across) and iy: filled when stable, open when
 * not, each labelled once with its type where the label overlaps no other; lo/hi (n_vars each,
 * may be NULL) give the axes' ranges, p (may be NULL) the parameters for the title. The data go
 * to a TSV named like `out` (every variable, stable, type). */
nd_plot_status nd_plot_fixed_points(const nd_model *m, const double *p, const nd_fp_result *res, int ix, int iy,
                                    const double *lo, const double *hi, const char *out, nd_error *err);

/* ---- from results: write the data files into dir (which must exist), then render ---------- */

/* The full state of diagram point u: free variables from u, the others from at (NaN if NULL). */
void nd_diagram_full_state(const nd_bif_diagram *d, const double *u, const double *at, double *x);
const char *nd_eq_special_name(int test);    /* "LP", "H", "BP" */
const char *nd_cycle_special_name(int test); /* "LPC", "PD", "NS", "H", "BPC" */

/* branches.tsv (branch, parameter, every variable, stable), cycles.tsv when cs is given
 * (branch, parameter, period, max_V/min_V per variable, stable) and special_points.tsv (type,
 * branch, parameter, every variable, omega, first_lyapunov; LPC/PD/NS carry the cycle's maxima).
 * at: values of the variables the diagram holds fixed (may be NULL). */
nd_status nd_write_diagram(const nd_bif_diagram *d, const nd_cycle_set *cs, const double *at, const char *dir,
                           nd_error *err);
/* The codim-1 figure of variable var over [p_lo, p_hi]; p (may be NULL): the parameters, for
 * the title. */
nd_plot_status nd_plot_diagram(const nd_bif_diagram *d, const nd_cycle_set *cs, const double *p, const double *at,
                               int var, double p_lo, double p_hi, const char *dir, const char *out, nd_error *err);

/* The fast subsystem's branches.tsv, cycles.tsv and special_points.tsv (period and
 * first_lyapunov last) in the slow variable, trajectory.tsv (t and the full model's variables)
 * and slow_nullcline.tsv; the figure draws them with the trajectory over the branches. */
nd_status nd_write_fast_slow(const nd_fast_slow *d, const char *dir, nd_error *err);
nd_plot_status nd_plot_fast_slow(const nd_fast_slow *d, const char *dir, const char *out, nd_error *err);
/* Fast variable a of special point sp (NaN where not known). */
double nd_fs_special_value(const nd_fast_slow *d, const nd_fs_special *sp, size_t a);

/* A two-parameter diagram's curves.tsv (curve, kind LP/H, P1, P2, every variable,
 * neutral_saddle: 1 on the part of a Hopf curve beyond a BT point where kappa < 0; one block per
 * curve) and special_points.tsv (type, curve, P1, P2, every variable, data0, data1, curves: the
 * comma-separated curves the point lies on; each point once); the figure draws the curves and
 * labels BT/CP/ZH/GH/HH (brute: also shade brute2.tsv, which the caller wrote into dir). */
nd_status nd_write_codim2(const nd_codim2_diagram *d, const double *at, const char *dir, nd_error *err);
nd_plot_status nd_plot_codim2(const nd_codim2_diagram *d, const double *p, const double *at, int brute, const char *dir,
                              const char *out, nd_error *err);

/* A phase portrait's nullcline_X.tsv, nullcline_Y.tsv (piece, x, y), vector_field.tsv (x, y,
 * dx, dy, unit dx, unit dy), fixed_points.tsv (every variable, stable, type), separatrices.tsv
 * and trajectories.tsv (branch, kind, t, every variable) and trajectory_arrows.tsv; the figure
 * as nd_plot_phase_plane draws it. */
nd_status nd_write_phase_portrait(const nd_phase_portrait *pp, const char *dir, nd_error *err);
nd_plot_status nd_plot_phase_portrait(const nd_phase_portrait *pp, const char *dir, const char *out, nd_error *err);

/* A raster plot of spike events (one dot per spike, groups stacked and coloured) above the
 * population firing rate of each group in bins of `bin` ms (plots/raster.c). The data go to
 * OUT_STEM_spikes.tsv (t, neuron, group) and OUT_STEM_rate.tsv (t, one rate column per group,
 * Hz with t in ms), the script to OUT_STEM.gp. */
typedef struct nd_raster_group {
    const char *name;
    const double *times;   /* spike times */
    const unsigned *ids;   /* neuron of each spike, 0..n_neurons-1 */
    size_t n_spikes, n_neurons;
} nd_raster_group;

nd_plot_status nd_plot_raster(const nd_raster_group *groups, size_t n_groups, double t0, double t1,
                              double bin, const char *title, const char *out, nd_error *err);

/* Figures of `neurodyn sweep` from its TSV (data): columns are 1-based. The orbit diagram
 * plots columns col_max and col_min of variable varname against column 1 (parameter p1name);
 * the map colours the grid of columns 1 and 2 (p1name, p2name) by column col_value, or by
 * col_max - col_min (the amplitude) when col_value is 0. See plots/sweep.c. */
typedef struct nd_sweep_plot {
    const char *data, *title, *p1name, *p2name, *varname, *value_name;
    int col_max, col_min, col_value;
    /* the orbit diagram of local extrema: their TSV (parameter, variable, kind, value, t), the
     * kinds to draw from it (nd_extrema bits: 1 max, 2 min; 0: the max/min columns instead), and
     * the column of data whose 0 marks a trajectory without extrema, drawn at col_max (0: none) */
    const char *extrema_data;
    int extrema, col_rest;
    const char *var_label, *value_label; /* axis and colour-bar labels with units (NULL: the names) */
    const char *p1_label, *p2_label;     /* parameter axis labels (NULL: p1name, p2name) */
    const char *params;                  /* the title's second line: parameters changed (may be NULL) */
} nd_sweep_plot;

nd_plot_status nd_plot_orbit_diagram(const nd_sweep_plot *spec, const char *out, nd_error *err);
nd_plot_status nd_plot_sweep_map(const nd_sweep_plot *spec, const char *out, nd_error *err);

/* The figure of `neurodyn basins` from its grid TSV (data: x, y, attractor index, status): a
 * map of the grid coloured by attractor (-1 non-finite, -2 failed), with a key naming each
 * attractor (legend[a], n_attractors of them). See plots/basins.c. */
typedef struct nd_basins_plot {
    const char *data, *title, *params;   /* params: the title's second line (may be NULL) */
    const char *x_label, *y_label;
    size_t n_attractors;
    const char *const *legend;
    int has_nonfinite, has_failed;       /* whether those codes occur (they get a key entry) */
} nd_basins_plot;

nd_plot_status nd_plot_basins(const nd_basins_plot *spec, const char *out, nd_error *err);

/* Runs gnuplot on a script from the script's folder (posix_spawn, no shell): ND_PLOT_FAILED
 * when gnuplot is not in PATH, exits non-zero or prints anything on stderr (err names the
 * script and gnuplot's first line). */
nd_plot_status nd_plot_render(const char *script, nd_error *err);

/* A phase response curve (analysis/prc): the cycle's reference variable ref over the phase, then
 * one panel per variable (only var when var >= 0; at most six) with the adjoint PRC as a line and
 * the direct one as points. The data go to OUT's name with .tsv (and _direct.tsv). */
nd_plot_status nd_plot_prc(const nd_model *m, const double *p, const nd_prc *r, int var, int ref, const char *out,
                           nd_error *err);

/* A Poincare return map of variable var at the section x[sec_var] = level: (x_k, x_k+1) with the
 * diagonal, and the return times t_k+1 - t_k against t_k; data to OUT's name with .tsv. */
nd_plot_status nd_plot_poincare(const nd_model *m, const double *p, const nd_poincare *r, int var, int sec_var,
                                double level, const char *out, nd_error *err);

#ifdef __cplusplus
}
#endif

#endif
