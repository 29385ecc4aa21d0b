/* Figures of `neurodyn sweep`: the orbit diagram (one parameter) and the heat map (two). Each is
 * an editable gnuplot script next to the output that reads the sweep's TSV files by their paths
 * relative to the script's folder (so the script re-renders from there).
 *
 * The orbit diagram draws every local maximum (and/or minimum) recorded after the transient as
 * one point, as orbit diagrams are drawn (e.g. Strogatz, Nonlinear Dynamics and Chaos, 10.2; the
 * Hindmarsh–Rose spike-adding cascade of Innocenti et al. 2007, Chaos 17:043128): a periodic
 * orbit with k spikes per burst gives k points per parameter value, chaos a vertical smear.
 * Trajectories without an extremum (at rest) are drawn at their value. The heat map uses the
 * viridis colour map (van der Walt & Smith, matplotlib 2015), sequential, perceptually uniform
 * and readable with colour-vision deficiency, defined in the script; cells without a value
 * (no period where nothing oscillates) show the grey background. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/plot.h"
#include "gnuplot_impl.h"

/* matplotlib's viridis at ten evenly spaced stops */
static const char *const VIRIDIS =
    "set palette defined (0 '#440154', 1 '#482878', 2 '#3e4989', 3 '#31688e', 4 '#26828e', 5 '#1f9e89', "
    "6 '#35b779', 7 '#6dcd59', 8 '#b4de2c', 9 '#fde725')\n";
/* Okabe & Ito (2008) colours, distinct under every common colour-vision deficiency */
static const char *const OI_BLUE = "#0072b2", *const OI_VERMILLION = "#d55e00", *const OI_BLACK = "#000000";

/* Opens OUT-without-extension.gp with the common head and names the data files: `data` and,
 * when the orbit diagram draws them, `extrema`, relative to the script's folder. */
static FILE *open_sweep_script(const nd_sweep_plot *s, const char *out, char *script, size_t len, nd_error *err)
{
    FILE *f = nd_gp_open_script(out, 600, "sweep", script, len, err);
    if (!f) return NULL;
    char ref[2 * PATH_MAX];
    nd_gp_data_ref(s->data, out, ref, sizeof ref);
    fprintf(f, "data = %s\n", ref);
    if (s->extrema_data && s->extrema) {
        nd_gp_data_ref(s->extrema_data, out, ref, sizeof ref);
        fprintf(f, "extrema = %s\n", ref);
    }
    fprintf(f, "set grid lc rgb '#eeeeee'\n");
    return f;
}

static void labels(FILE *f, const char *title, const char *params, const char *x, const char *y)
{
    nd_gp_title(f, title, params);
    nd_gp_label(f, "xlabel", x);
    nd_gp_label(f, "ylabel", y);
}

nd_plot_status nd_plot_orbit_diagram(const nd_sweep_plot *s, const char *out, nd_error *err)
{
    char script[PATH_MAX + 8], title[512];
    FILE *f = open_sweep_script(s, out, script, sizeof script, err);
    if (!f) return ND_PLOT_FAILED;
    const int kinds = s->extrema_data ? s->extrema & 3 : 0;
    const char *what = kinds == 3 ? "local maxima and minima" : kinds == 2 ? "local minima" : kinds ? "local maxima"
                                                                                                 : "max and min";
    snprintf(title, sizeof title, "%s: orbit diagram, %s of %s", s->title, what, s->varname);
    labels(f, title, s->params, s->p1_label ? s->p1_label : s->p1name, s->var_label ? s->var_label : s->varname);
    fputs("set key below horizontal\nset offsets 0, 0, graph 0.05, graph 0.05\nplot ", f);
    const char *sep = "";
    if (!kinds) {
        fprintf(f, "data skip 1 using 1:%d with points pt 7 ps 0.5 lc rgb '%s' title 'max', \\\n", s->col_max, OI_BLUE);
        fprintf(f, "     data skip 1 using 1:%d with points pt 7 ps 0.5 lc rgb '%s' title 'min'", s->col_min, OI_VERMILLION);
        sep = ", \\\n     ";
    }
    if (kinds & 1) { /* the extrema file: parameter, variable, kind, value, t */
        fprintf(f, "%sextrema skip 1 using 1:(strcol(3) eq 'max' ? $4 : NaN) with points pt 7 ps 0.25 lc rgb '%s' "
                   "title 'local maxima'", sep, OI_BLUE);
        sep = ", \\\n     ";
    }
    if (kinds & 2) {
        fprintf(f, "%sextrema skip 1 using 1:(strcol(3) eq 'min' ? $4 : NaN) with points pt 7 ps 0.25 lc rgb '%s' "
                   "title 'local minima'", sep, OI_VERMILLION);
        sep = ", \\\n     ";
    }
    if (kinds && s->col_rest > 0)
        fprintf(f, "%sdata skip 1 using 1:($%d == 0 ? $%d : NaN) with points pt 6 ps 0.4 lc rgb '%s' "
                   "title 'no extremum (at rest)'", sep, s->col_rest, s->col_max, OI_BLACK);
    fputc('\n', f);
    return nd_gp_finish(f, script, err);
}

nd_plot_status nd_plot_sweep_map(const nd_sweep_plot *s, const char *out, nd_error *err)
{
    char script[PATH_MAX + 8], title[512];
    FILE *f = open_sweep_script(s, out, script, sizeof script, err);
    if (!f) return ND_PLOT_FAILED;
    const char *what = s->value_name ? s->value_name : "amplitude";
    snprintf(title, sizeof title, "%s: %s of %s (grey: undefined)", s->title, what, s->varname);
    labels(f, title, s->params, s->p1_label ? s->p1_label : s->p1name, s->p2_label ? s->p2_label : s->p2name);
    nd_gp_label(f, "cblabel", s->value_label ? s->value_label : what);
    fputs(VIRIDIS, f);
    fputs("unset key\nset autoscale fix\n", f);
    /* the cells without a value (NaN) let this background show */
    fputs("set object 1 rectangle from graph 0, graph 0 to graph 1, graph 1 behind fc rgb '#bbbbbb' fs solid noborder\n", f);
    if (s->col_value > 0)
        fprintf(f, "plot data skip 1 using 1:2:%d with image\n", s->col_value);
    else
        fprintf(f, "plot data skip 1 using 1:2:($%d - $%d) with image\n", s->col_max, s->col_min);
    return nd_gp_finish(f, script, err);
}
