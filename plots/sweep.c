/* Figures of `neurodyn sweep`: the orbit diagram (one parameter) and the heat map (two). Each is
 * an editable gnuplot script next to the output that reads the sweep's TSV. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/plot.h"
#include "gnuplot_impl.h"

/* Opens OUT-without-extension.gp and writes the common head: terminal, output, the data file
 * by absolute path (so the script runs from anywhere). */
static FILE *open_sweep_script(const nd_sweep_plot *s, const char *out, char *script, size_t len, nd_error *err)
{
    const char *term = nd_gp_terminal(out, 600);
    if (!term) {
        nd_fail(err, ND_EINVAL, "plot file '%s': use the extension .png, .svg or .pdf", out);
        return NULL;
    }
    const char *dot = strrchr(out, '.');
    snprintf(script, len, "%.*s.gp", (int)(dot - out), out);
    char data[PATH_MAX];
    if (!realpath(s->data, data)) {
        nd_fail(err, ND_EIO, "cannot find the sweep data '%s': %s", s->data, strerror(errno));
        return NULL;
    }
    FILE *f = fopen(script, "w");
    if (!f) {
        nd_fail(err, ND_EIO, "cannot write '%s': %s", script, strerror(errno));
        return NULL;
    }
    const char *slash = strrchr(out, '/');
    fprintf(f, "# neurodyn sweep; edit freely and re-run: gnuplot %s\n", slash ? slash + 1 : out);
    fprintf(f, "%s\nset output '%s'\n", term, slash ? slash + 1 : out);
    fprintf(f, "set datafile separator tab\ndata = '%s'\nset grid lc rgb '#eeeeee'\n", data);
    return f;
}

static nd_plot_status finish_script(FILE *f, const char *script, nd_error *err)
{
    if (fclose(f) != 0) {
        nd_fail(err, ND_EIO, "writing '%s' failed", script);
        return ND_PLOT_FAILED;
    }
    return nd_plot_render(script, err);
}

nd_plot_status nd_plot_orbit_diagram(const nd_sweep_plot *s, const char *out, nd_error *err)
{
    char script[PATH_MAX + 8];
    FILE *f = open_sweep_script(s, out, script, sizeof script, err);
    if (!f) return ND_PLOT_FAILED;
    fprintf(f, "set title '%s: orbit diagram of %s' noenhanced\n", s->title, s->varname);
    fprintf(f, "set xlabel '%s' noenhanced\nset ylabel '%s' noenhanced\nset key outside right top\nset offsets 0, 0, graph 0.05, graph 0.05\n", s->p1name, s->varname);
    fprintf(f, "plot data skip 1 using 1:%d with points pt 7 ps 0.5 lc rgb '#1f77b4' title 'max', \\\n", s->col_max);
    fprintf(f, "     data skip 1 using 1:%d with points pt 7 ps 0.5 lc rgb '#d62728' title 'min'\n", s->col_min);
    return finish_script(f, script, err);
}

nd_plot_status nd_plot_sweep_map(const nd_sweep_plot *s, const char *out, nd_error *err)
{
    char script[PATH_MAX + 8];
    FILE *f = open_sweep_script(s, out, script, sizeof script, err);
    if (!f) return ND_PLOT_FAILED;
    const char *what = s->value_name ? s->value_name : "amplitude";
    fprintf(f, "set title '%s: %s of %s' noenhanced\n", s->title, what, s->varname);
    fprintf(f, "set xlabel '%s' noenhanced\nset ylabel '%s' noenhanced\n", s->p1name, s->p2name);
    fprintf(f, "set cblabel '%s' noenhanced\nset palette rgbformulae 33,13,10\nunset key\n", what);
    fprintf(f, "set autoscale fix\n");
    if (s->col_value > 0) /* period is NaN where nothing oscillates: left blank */
        fprintf(f, "plot data skip 1 using 1:2:%d with image\n", s->col_value);
    else
        fprintf(f, "plot data skip 1 using 1:2:($%d - $%d) with image\n", s->col_max, s->col_min);
    return finish_script(f, script, err);
}
