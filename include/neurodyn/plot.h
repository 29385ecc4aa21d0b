/* neurodyn — figures through gnuplot.
 *
 * Every figure is a data file (TSV with a header line) plus an editable gnuplot script next to
 * the output image; the script is run by gnuplot, which renders PNG, SVG or PDF chosen by the
 * output's extension (pngcairo / svg / pdfcairo, headless). Without gnuplot the script is still
 * written and a warning says how to render it. */
#ifndef NEURODYN_PLOT_H
#define NEURODYN_PLOT_H

#include <stddef.h>

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

/* Runs gnuplot on a script from the script's folder. */
nd_plot_status nd_plot_render(const char *script, nd_error *err);

#ifdef __cplusplus
}
#endif

#endif
