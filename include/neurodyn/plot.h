/* neurodyn — figures through gnuplot.
 *
 * Every figure is a data file (TSV with a header line) plus an editable gnuplot script next to
 * the output image; the script is run by gnuplot, which renders PNG, SVG or PDF chosen by the
 * output's extension (pngcairo / svg / pdfcairo, headless). Without gnuplot the script is still
 * written and a warning says how to render it. */
#ifndef NEURODYN_PLOT_H
#define NEURODYN_PLOT_H

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum nd_plot_status {
    ND_PLOT_OK = 0,
    ND_PLOT_NO_GNUPLOT, /* script written, not rendered (a warning was printed on stderr) */
    ND_PLOT_FAILED      /* err says why */
} nd_plot_status;

/* Time series of every column of a TSV whose first column is t; one panel per variable (up to
 * six, else one panel). `title` heads the figure; `time_unit` labels the t axis (may be NULL).
 * The script is written to `out` with its extension replaced by .gp. */
nd_plot_status nd_plot_timeseries(const char *data_tsv, const char *title, const char *time_unit,
                                  const char *out, nd_error *err);

/* A phase portrait from the files `neurodyn phase-plane` writes into dir (nullcline_X.tsv,
 * nullcline_Y.tsv, vector_field.tsv, fixed_points.tsv, trajectories.tsv, separatrices.tsv):
 * normalised vector field, nullclines, separatrices, trajectories with direction arrows, and
 * fixed points filled (stable) or open (unstable). ix/iy are the plane's variable indices. */
typedef struct nd_phase_plot {
    const char *dir, *title, *xname, *yname;
    int ix, iy;
    size_t n_vars;
    double xlo, xhi, ylo, yhi;
} nd_phase_plot;

nd_plot_status nd_plot_phase_plane(const nd_phase_plot *spec, const char *out, nd_error *err);

/* The one-parameter diagram from the files `neurodyn bifurcation` writes into dir
 * (branches.tsv, special_points.tsv, and brute.tsv when brute is set): stable branches solid,
 * unstable dashed, special points labelled (LP, H, BP), the brute-force attractor extremes as
 * dots. var is the index of the variable shown, n_vars the model's size. */
typedef struct nd_bif_plot {
    const char *dir, *title, *parname, *varname;
    int var;
    size_t n_vars;
    double plo, phi;
    int brute;
    int cycles; /* cycles.tsv: max/min envelopes of the cycle branches */
} nd_bif_plot;

nd_plot_status nd_plot_bifurcation(const nd_bif_plot *spec, const char *out, nd_error *err);

/* The two-parameter diagram from the files `neurodyn bifurcation2` writes into dir
 * (curves.tsv, special_points.tsv): fold curves and Hopf curves in the (P1, P2) plane, the
 * codimension-2 points labelled (BT, CP, ZH, GH, HH). */
typedef struct nd_bif2_plot {
    const char *dir, *title, *p1name, *p2name;
    double p1lo, p1hi, p2lo, p2hi;
    int brute; /* brute2.tsv: shade the cells where the attractor oscillates */
} nd_bif2_plot;

nd_plot_status nd_plot_bifurcation2(const nd_bif2_plot *spec, const char *out, nd_error *err);

/* Figures of `neurodyn sweep` from its TSV (data): columns are 1-based. The orbit diagram
 * plots columns col_max and col_min of variable varname against column 1 (parameter p1name);
 * the map colours the grid of columns 1 and 2 (p1name, p2name) by column col_value, or by
 * col_max - col_min (the amplitude) when col_value is 0. See plots/sweep.c. */
typedef struct nd_sweep_plot {
    const char *data, *title, *p1name, *p2name, *varname, *value_name;
    int col_max, col_min, col_value;
} nd_sweep_plot;

nd_plot_status nd_plot_orbit_diagram(const nd_sweep_plot *spec, const char *out, nd_error *err);
nd_plot_status nd_plot_sweep_map(const nd_sweep_plot *spec, const char *out, nd_error *err);

/* Runs gnuplot on a script from the script's folder. */
nd_plot_status nd_plot_render(const char *script, nd_error *err);

#ifdef __cplusplus
}
#endif

#endif
