/* Figures of `neurodyn sweep`: the orbit diagram (one parameter) and the heat map (two). Each is
 * an editable gnuplot script next to the output that reads the sweep's TSV files: by base name
 * when they lie in the script's folder (so the script re-renders from there), else by absolute
 * path.
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

/* s in a single-quoted gnuplot string (a quote is doubled). */
static void gp_string(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; s && *s; s++) {
        if (*s == '\'') fputc('\'', f);
        fputc(*s, f);
    }
    fputc('\'', f);
}

/* How the script in the folder of `out` names `data`: the base name when both share a folder,
 * else the absolute path. */
static int data_ref(const char *data, const char *out, char *buf, size_t len, nd_error *err)
{
    char rd[PATH_MAX], od[PATH_MAX], ro[PATH_MAX];
    if (!realpath(data, rd)) return nd_fail(err, ND_EIO, "cannot find the sweep data '%s': %s", data, strerror(errno));
    const char *slash = strrchr(out, '/');
    snprintf(od, sizeof od, "%.*s", slash ? (int)(slash - out) + (slash == out) : 1, slash ? out : ".");
    char *rs = strrchr(rd, '/');
    if (realpath(od, ro) && rs && (size_t)(rs - rd) == strlen(ro) && strncmp(rd, ro, strlen(ro)) == 0)
        snprintf(buf, len, "%s", rs + 1);
    else
        snprintf(buf, len, "%s", rd);
    return 0;
}

/* Opens OUT-without-extension.gp and writes the common head: terminal, output, data file. */
static FILE *open_sweep_script(const nd_sweep_plot *s, const char *out, char *script, size_t len, nd_error *err)
{
    const char *term = nd_gp_terminal(out, 600);
    if (!term) {
        nd_fail(err, ND_EINVAL, "plot file '%s': use the extension .png, .svg or .pdf", out);
        return NULL;
    }
    const char *dot = strrchr(out, '.');
    snprintf(script, len, "%.*s.gp", (int)(dot - out), out);
    char data[PATH_MAX], extrema[PATH_MAX] = "";
    if (data_ref(s->data, out, data, sizeof data, err)) return NULL;
    if (s->extrema_data && s->extrema && data_ref(s->extrema_data, out, extrema, sizeof extrema, err)) return NULL;
    FILE *f = fopen(script, "w");
    if (!f) {
        nd_fail(err, ND_EIO, "cannot write '%s': %s", script, strerror(errno));
        return NULL;
    }
    const char *base = nd_gp_base_name(out);
    fprintf(f, "# neurodyn sweep; edit freely and re-run from this folder: gnuplot %s\n", nd_gp_base_name(script));
    fprintf(f, "%s\nset output ", term);
    gp_string(f, base);
    fprintf(f, "\nset datafile separator tab\ndata = ");
    gp_string(f, data);
    if (extrema[0]) fprintf(f, "\nextrema = "), gp_string(f, extrema);
    fprintf(f, "\nset grid lc rgb '#eeeeee'\n");
    return f;
}

static nd_plot_status finish_script(FILE *f, const char *script, nd_error *err)
{
    if (ferror(f) | (fclose(f) != 0)) {
        nd_fail(err, ND_EIO, "writing '%s' failed", script);
        return ND_PLOT_FAILED;
    }
    return nd_plot_render(script, err);
}

static void labels(FILE *f, const char *title, const char *x, const char *y)
{
    fputs("set title ", f), gp_string(f, title), fputs(" noenhanced\n", f);
    fputs("set xlabel ", f), gp_string(f, x), fputs(" noenhanced\n", f);
    fputs("set ylabel ", f), gp_string(f, y), fputs(" noenhanced\n", f);
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
    labels(f, title, s->p1name, s->var_label ? s->var_label : s->varname);
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
    return finish_script(f, script, err);
}

nd_plot_status nd_plot_sweep_map(const nd_sweep_plot *s, const char *out, nd_error *err)
{
    char script[PATH_MAX + 8], title[512];
    FILE *f = open_sweep_script(s, out, script, sizeof script, err);
    if (!f) return ND_PLOT_FAILED;
    const char *what = s->value_name ? s->value_name : "amplitude";
    snprintf(title, sizeof title, "%s: %s of %s (grey: undefined)", s->title, what, s->varname);
    labels(f, title, s->p1name, s->p2name);
    fputs("set cblabel ", f), gp_string(f, s->value_label ? s->value_label : what), fputs(" noenhanced\n", f);
    fputs(VIRIDIS, f);
    fputs("unset key\nset autoscale fix\n", f);
    /* the cells without a value (NaN) let this background show */
    fputs("set object 1 rectangle from graph 0, graph 0 to graph 1, graph 1 behind fc rgb '#bbbbbb' fs solid noborder\n", f);
    if (s->col_value > 0)
        fprintf(f, "plot data skip 1 using 1:2:%d with image\n", s->col_value);
    else
        fprintf(f, "plot data skip 1 using 1:2:($%d - $%d) with image\n", s->col_max, s->col_min);
    return finish_script(f, script, err);
}
