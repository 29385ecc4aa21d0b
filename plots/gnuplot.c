/* Writing gnuplot scripts and running gnuplot on them. */
#include <errno.h>
#include <math.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "neurodyn/plot.h"
#include "gnuplot_impl.h"

#define MAX_COLUMNS 64

static const char *extension(const char *path)
{
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    return dot && (!slash || dot > slash) ? dot + 1 : "";
}

const char *nd_gp_terminal(const char *out, int h)
{
    static char buf[160];
    const char *ext = extension(out);
    if (strcmp(ext, "png") == 0)
        snprintf(buf, sizeof buf, "set terminal pngcairo size 800,%d enhanced font 'Sans,10'", h);
    else if (strcmp(ext, "svg") == 0)
        snprintf(buf, sizeof buf, "set terminal svg size 800,%d enhanced font 'Sans,10' background rgb 'white'", h);
    else if (strcmp(ext, "pdf") == 0)
        snprintf(buf, sizeof buf, "set terminal pdfcairo size 6in,%.1fin enhanced font 'Sans,9'", h / 133.3);
    else
        return NULL;
    return buf;
}

/* The terminal line for the output's extension, or NULL when it is not supported: 600 pixels
 * high, 200 per panel for stacked panels. */
static const char *terminal_for(const char *out, int panels)
{
    return nd_gp_terminal(out, panels > 1 ? 200 * panels : 600);
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

const char *nd_gp_base_name(const char *path) { return base_name(path); }
const char *nd_gp_extension(const char *path) { return extension(path); }

/* dir part of path into buf ("." when none). */
static void dir_name(const char *path, char *buf, size_t len)
{
    const char *s = strrchr(path, '/');
    if (!s) snprintf(buf, len, ".");
    else if (s == path) snprintf(buf, len, "/");
    else snprintf(buf, len, "%.*s", (int)(s - path), path);
}

/* How the script (in the output's folder) names the data file: its base name when both are
 * in one folder, so the script also runs from its folder; else an absolute path. */
static void data_ref(const char *data, const char *out, char *buf, size_t len)
{
    char dd[PATH_MAX], od[PATH_MAX], rd[PATH_MAX], ro[PATH_MAX];
    dir_name(data, dd, sizeof dd);
    dir_name(out, od, sizeof od);
    if (realpath(dd, rd) && realpath(od, ro) && strcmp(rd, ro) == 0)
        snprintf(buf, len, "%s", base_name(data));
    else if (realpath(dd, rd))
        snprintf(buf, len, "%.3000s/%.1000s", rd, base_name(data));
    else
        snprintf(buf, len, "%s", data);
}

static int read_header(const char *data, char names[][64], int max, nd_error *err)
{
    FILE *f = fopen(data, "r");
    if (!f) return nd_fail(err, ND_EIO, "cannot read data file '%s': %s", data, strerror(errno)), -1;
    char line[8192];
    int n = 0;
    if (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        for (char *tok = strtok(line, "\t"); tok && n < max; tok = strtok(NULL, "\t"))
            snprintf(names[n++], 64, "%s", tok);
    }
    fclose(f);
    if (n < 2) return nd_fail(err, ND_EIO, "data file '%s' has no header with t and a variable", data), -1;
    return n;
}

static void script_path(const char *out, char *buf, size_t len)
{
    const char *ext = extension(out);
    size_t stem = *ext ? (size_t)(ext - out - 1) : strlen(out);
    snprintf(buf, len, "%.*s.gp", (int)stem, out);
}

nd_plot_status nd_plot_render(const char *script, nd_error *err)
{
    char dir[PATH_MAX], cmd[2 * PATH_MAX + 64];
    dir_name(script, dir, sizeof dir);
    if (system("command -v gnuplot >/dev/null 2>&1") != 0) {
        fprintf(stderr, "neurodyn: warning: gnuplot not found; the figure was not rendered. "
                        "Install gnuplot (apt-get install gnuplot-nox) and run: cd '%s' && gnuplot '%s'\n",
                dir, base_name(script));
        return ND_PLOT_NO_GNUPLOT;
    }
    snprintf(cmd, sizeof cmd, "cd '%s' && gnuplot '%s' 2>&1", dir, base_name(script));
    FILE *p = popen(cmd, "r");
    if (!p) {
        nd_fail(err, ND_EIO, "cannot run gnuplot: %s", strerror(errno));
        return ND_PLOT_FAILED;
    }
    char log[700];
    size_t got = fread(log, 1, sizeof log - 1, p);
    log[got] = '\0';
    while (fgetc(p) != EOF) {}
    if (pclose(p) != 0) {
        nd_fail(err, ND_EFAILED, "gnuplot failed on '%s': %s", script, log);
        return ND_PLOT_FAILED;
    }
    return ND_PLOT_OK;
}

nd_plot_status nd_plot_timeseries(const char *data_tsv, const char *title, const char *time_unit,
                                  const char *out, nd_error *err)
{
    char names[MAX_COLUMNS][64];
    int cols = read_header(data_tsv, names, MAX_COLUMNS, err);
    if (cols < 0) return ND_PLOT_FAILED;
    int vars = cols - 1, panels = vars <= 6 ? vars : 1;
    const char *term = terminal_for(out, panels);
    if (!term) {
        nd_fail(err, ND_EINVAL, "plot file '%s': use the extension .png, .svg or .pdf", out);
        return ND_PLOT_FAILED;
    }
    char script[PATH_MAX], data[PATH_MAX];
    script_path(out, script, sizeof script);
    data_ref(data_tsv, out, data, sizeof data);
    FILE *f = fopen(script, "w");
    if (!f) {
        nd_fail(err, ND_EIO, "cannot write '%s': %s", script, strerror(errno));
        return ND_PLOT_FAILED;
    }
    fprintf(f, "# neurodyn time series; edit freely and re-run: gnuplot %s\n", base_name(script));
    fprintf(f, "%s\nset output '%s'\n", term, base_name(out));
    fprintf(f, "set datafile separator tab\nset key off\nset grid lc rgb '#dddddd'\n");
    fprintf(f, "set offsets graph 0, 0, 0.06, 0.06  # keep extrema off the frame\n");
    fprintf(f, "data = '%s'\n", data);
    if (panels > 1) fprintf(f, "set multiplot layout %d,1 title '%s' noenhanced\n", panels, title);
    else fprintf(f, "set title '%s' noenhanced\nset key outside right noenhanced\n", title);
    for (int v = 0; v < vars; v++) {
        int last = panels == 1 || v == vars - 1;
        if (panels > 1) {
            fprintf(f, "set ylabel '%s' noenhanced\n", names[v + 1]);
            if (last) fprintf(f, "set xlabel 't%s%s%s'\n", time_unit ? " (" : "", time_unit ? time_unit : "", time_unit ? ")" : "");
            else fprintf(f, "unset xlabel\n");
            fprintf(f, "plot data using 1:%d with lines lw 1.5 lc %d title '%s'\n", v + 2, v + 1, names[v + 1]);
        } else {
            if (v == 0) fprintf(f, "set xlabel 't%s%s%s'\nplot ", time_unit ? " (" : "", time_unit ? time_unit : "", time_unit ? ")" : "");
            fprintf(f, "data using 1:%d with lines lw 1.5 title '%s'%s", v + 2, names[v + 1], v == vars - 1 ? "\n" : ", \\\n     ");
        }
    }
    if (panels > 1) fprintf(f, "unset multiplot\n");
    if (fclose(f) != 0) {
        nd_fail(err, ND_EIO, "writing '%s' failed", script);
        return ND_PLOT_FAILED;
    }
    return nd_plot_render(script, err);
}

static FILE *open_script(const char *out, char *script, size_t len, nd_error *err)
{
    script_path(out, script, len);
    FILE *f = fopen(script, "w");
    if (!f) nd_fail(err, ND_EIO, "cannot write '%s': %s", script, strerror(errno));
    return f;
}

nd_plot_status nd_plot_phase_plane(const nd_phase_plot *s, const char *out, nd_error *err)
{
    int panels = 1;
    const char *term = terminal_for(out, panels);
    if (!term) {
        nd_fail(err, ND_EINVAL, "plot file '%s': use the extension .png, .svg or .pdf", out);
        return ND_PLOT_FAILED;
    }
    char script[PATH_MAX], path[PATH_MAX + 64], ref[7][PATH_MAX];
    const char *files[7] = {"vector_field.tsv", "nullcline_X", "nullcline_Y", "separatrices.tsv",
                            "trajectories.tsv", "fixed_points.tsv", "trajectory_arrows.tsv"};
    for (int i = 0; i < 7; i++) {
        if (i == 1 || i == 2)
            snprintf(path, sizeof path, "%.3000s/nullcline_%.100s.tsv", s->dir, i == 1 ? s->xname : s->yname);
        else
            snprintf(path, sizeof path, "%.3000s/%s", s->dir, files[i]);
        data_ref(path, out, ref[i], sizeof ref[i]);
    }
    FILE *f = open_script(out, script, sizeof script, err);
    if (!f) return ND_PLOT_FAILED;
    int xc = 4 + s->ix, yc = 4 + s->iy;         /* columns in trajectory files: branch, kind, t, vars */
    int fx = 1 + s->ix, fy = 1 + s->iy, fs = 1 + (int)s->n_vars; /* fixed_points.tsv: vars, stable */
    fprintf(f, "# neurodyn phase portrait; edit freely and re-run: gnuplot %s\n", base_name(script));
    fprintf(f, "%s\nset output '%s'\n", terminal_for(out, 0), base_name(out));
    fprintf(f, "set datafile separator tab\nset title '%s: phase plane' noenhanced\n", s->title);
    fprintf(f, "set xlabel '%s' noenhanced\nset ylabel '%s' noenhanced\n", s->xname, s->yname);
    fprintf(f, "set xrange [%.10g:%.10g]\nset yrange [%.10g:%.10g]\n", s->xlo, s->xhi, s->ylo, s->yhi);
    fprintf(f, "set key outside right top box opaque\nset grid lc rgb '#eeeeee'\n");
    fprintf(f, "Lx = %.10g; Ly = %.10g\nax = Lx / 30.0; ay = Ly / 30.0  # arrow length: 1/30 of the box\n", s->xhi - s->xlo, s->yhi - s->ylo);
    fprintf(f, "# field arrows have one length on screen: direction measured in box units\n");
    fprintf(f, "nrm(u, v) = sqrt((u / Lx)**2 + (v / Ly)**2)\narr(w, u, v) = nrm(u, v) > 0 ? w / nrm(u, v) / 30.0 : 0\n");
    fprintf(f, "plot '%s' skip 1 using 1:2:(0.8*arr($3, $3, $4)):(0.8*arr($4, $3, $4)) with vectors head size screen 0.008,20 filled lc rgb '#b8b8b8' title 'vector field', \\\n", ref[0]);
    fprintf(f, "     '%s' skip 1 using 2:3 with lines lw 2.5 lc rgb '#d62728' title 'd%s/dt = 0', \\\n", ref[1], s->xname);
    fprintf(f, "     '%s' skip 1 using 2:3 with lines lw 2.5 lc rgb '#1f77b4' title 'd%s/dt = 0', \\\n", ref[2], s->yname);
    fprintf(f, "     '%s' skip 1 using %d:%d with lines lw 1.5 dt 2 lc rgb '#9467bd' title 'separatrices', \\\n", ref[3], xc, yc);
    fprintf(f, "     '%s' skip 1 using %d:%d with lines lw 1.8 lc rgb '#2ca02c' title 'trajectories', \\\n", ref[4], xc, yc);
    fprintf(f, "     '%s' skip 1 using 1:2:($3*ax*0.7):($4*ay*0.7) with vectors head size screen 0.012,25 filled lw 1.8 lc rgb '#2ca02c' notitle, \\\n", ref[6]);
    fprintf(f, "     '%s' skip 1 using %d:(column(%d) == 1 ? column(%d) : NaN) with points pt 7 ps 2 lc rgb 'black' title 'stable', \\\n", ref[5], fx, fs, fy);
    fprintf(f, "     '%s' skip 1 using %d:(column(%d) == 0 ? column(%d) : NaN) with points pt 6 ps 2 lw 2 lc rgb 'black' title 'unstable'\n", ref[5], fx, fs, fy);
    if (fclose(f) != 0) {
        nd_fail(err, ND_EIO, "writing '%s' failed", script);
        return ND_PLOT_FAILED;
    }
    return nd_plot_render(script, err);
}

nd_plot_status nd_plot_trajectory3d(const char *data_tsv, const char *title, const int cols[3], const char *out,
                                    nd_error *err)
{
    char names[MAX_COLUMNS][64];
    int n = read_header(data_tsv, names, MAX_COLUMNS, err);
    if (n < 0) return ND_PLOT_FAILED;
    for (int k = 0; k < 3; k++)
        if (cols[k] < 2 || cols[k] > n) {
            nd_fail(err, ND_EINVAL, "3D plot: column %d of '%s' does not exist (it has %d)", cols[k], data_tsv, n);
            return ND_PLOT_FAILED;
        }
    const char *term = terminal_for(out, 1);
    if (!term) {
        nd_fail(err, ND_EINVAL, "plot file '%s': use the extension .png, .svg or .pdf", out);
        return ND_PLOT_FAILED;
    }
    char script[PATH_MAX], data[PATH_MAX];
    data_ref(data_tsv, out, data, sizeof data);
    FILE *f = open_script(out, script, sizeof script, err);
    if (!f) return ND_PLOT_FAILED;
    fprintf(f, "# neurodyn 3D trajectory; edit freely and re-run: gnuplot %s\n", base_name(script));
    fprintf(f, "%s\nset output '%s'\n", term, base_name(out));
    fprintf(f, "set datafile separator tab\nset title '%s: trajectory' noenhanced\n", title);
    fprintf(f, "set xlabel '%s' noenhanced\nset ylabel '%s' noenhanced\nset zlabel '%s' noenhanced rotate parallel\n",
            names[cols[0] - 1], names[cols[1] - 1], names[cols[2] - 1]);
    fprintf(f, "set view 65, 40\nset grid\nset ticslevel 0\nset key top right\n");
    fprintf(f, "set palette defined (0 '#1f77b4', 1 '#2ca02c', 2 '#ff7f0e')\nset cbrange [*:*]\nset cblabel 't'\n");
    fprintf(f, "splot '%s' skip 1 using %d:%d:%d:1 with lines lw 1 lc palette title 'trajectory (colour: time)', \\\n",
            data, cols[0], cols[1], cols[2]);
    fprintf(f, "      '%s' skip 1 every ::0::0 using %d:%d:%d with points pt 7 ps 1.5 lc rgb 'black' title 'start'\n", data,
            cols[0], cols[1], cols[2]);
    if (fclose(f) != 0) {
        nd_fail(err, ND_EIO, "writing '%s' failed", script);
        return ND_PLOT_FAILED;
    }
    return nd_plot_render(script, err);
}

nd_plot_status nd_plot_fixed_points(const nd_model *m, const nd_fp_result *res, int ix, int iy, const double *lo,
                                    const double *hi, const char *out, nd_error *err)
{
    if (!m || !res || ix < 0 || iy < 0 || (size_t)ix >= m->n_vars || (size_t)iy >= m->n_vars || ix == iy) {
        nd_fail(err, ND_EINVAL, "fixed-point plot: bad variables %d, %d", ix, iy);
        return ND_PLOT_FAILED;
    }
    const char *term = terminal_for(out, 1);
    if (!term) {
        nd_fail(err, ND_EINVAL, "plot file '%s': use the extension .png, .svg or .pdf", out);
        return ND_PLOT_FAILED;
    }
    char script[PATH_MAX], data[PATH_MAX + 8], ref[PATH_MAX];
    script_path(out, script, sizeof script);
    snprintf(data, sizeof data, "%.*s.tsv", (int)(strlen(script) - 3), script); /* next to the image */
    FILE *d = fopen(data, "w");
    if (!d) {
        nd_fail(err, ND_EIO, "cannot write '%s': %s", data, strerror(errno));
        return ND_PLOT_FAILED;
    }
    for (size_t v = 0; v < m->n_vars; v++) fprintf(d, "%s\t", m->var_names[v]);
    fprintf(d, "stable\ttype\n");
    for (size_t i = 0; i < res->n; i++) {
        for (size_t v = 0; v < m->n_vars; v++) fprintf(d, "%.12g\t", res->points[i].x[v]);
        fprintf(d, "%d\t%s\n", res->points[i].stable, res->points[i].type);
    }
    if (fclose(d) != 0) {
        nd_fail(err, ND_EIO, "writing '%s' failed", data);
        return ND_PLOT_FAILED;
    }
    data_ref(data, out, ref, sizeof ref);
    FILE *f = open_script(out, script, sizeof script, err);
    if (!f) return ND_PLOT_FAILED;
    char xl[96], yl[96];
    fprintf(f, "# neurodyn fixed points; edit freely and re-run: gnuplot %s\n", base_name(script));
    fprintf(f, "%s\nset output '%s'\n", term, base_name(out));
    fprintf(f, "set datafile separator tab\nset title '%s: fixed points' noenhanced\n", m->name);
    fprintf(f, "set xlabel '%s' noenhanced\nset ylabel '%s' noenhanced\n", nd_model_var_label(m, (size_t)ix, xl, sizeof xl),
            nd_model_var_label(m, (size_t)iy, yl, sizeof yl));
    if (lo && hi) fprintf(f, "set xrange [%.10g:%.10g]\nset yrange [%.10g:%.10g]\n", lo[ix], hi[ix], lo[iy], hi[iy]);
    fprintf(f, "set key outside right top box opaque\nset grid lc rgb '#eeeeee'\n");
    int S = (int)m->n_vars + 1, X = ix + 1, Y = iy + 1;
    fprintf(f, "plot '%s' skip 1 using %d:(column(%d) == 1 ? column(%d) : NaN) with points pt 7 ps 2 lc rgb 'black' title 'stable', \\\n", ref, X, S, Y);
    fprintf(f, "     '%s' skip 1 using %d:(column(%d) == 0 ? column(%d) : NaN) with points pt 6 ps 2 lw 2 lc rgb 'black' title 'unstable', \\\n", ref, X, S, Y);
    fprintf(f, "     '%s' skip 1 using %d:%d:%d with labels offset char 1.5,1 left font ',10' noenhanced notitle\n", ref, X, Y, S + 1);
    if (fclose(f) != 0) {
        nd_fail(err, ND_EIO, "writing '%s' failed", script);
        return ND_PLOT_FAILED;
    }
    return nd_plot_render(script, err);
}

nd_plot_status nd_plot_bifurcation(const nd_bif_plot *s, const char *out, nd_error *err)
{
    if (!terminal_for(out, 1)) {
        nd_fail(err, ND_EINVAL, "plot file '%s': use the extension .png, .svg or .pdf", out);
        return ND_PLOT_FAILED;
    }
    char script[PATH_MAX], path[PATH_MAX + 64], ref[7][PATH_MAX];
    const char *files[7] = {"branches.tsv", "special_points.tsv", "brute.tsv", "cycles.tsv", "trajectory.tsv",
                            "slow_nullcline.tsv", "ends.tsv"};
    for (int i = 0; i < 7; i++) {
        snprintf(path, sizeof path, "%.3000s/%s", s->dir, files[i]);
        data_ref(path, out, ref[i], sizeof ref[i]);
    }
    FILE *f = open_script(out, script, sizeof script, err);
    if (!f) return ND_PLOT_FAILED;
    int C = 3 + s->var, S = 3 + (int)s->n_vars; /* branches.tsv: branch, par, vars..., stable */
    fprintf(f, "# neurodyn bifurcation diagram; edit freely and re-run: gnuplot %s\n", base_name(script));
    fprintf(f, "%s\nset output '%s'\n", terminal_for(out, 0), base_name(out));
    if (s->fast_slow)
        fprintf(f, "set datafile separator tab\nset title '%s: fast subsystem in %s, with the trajectory' noenhanced\n",
                s->title, s->parname);
    else
        fprintf(f, "set datafile separator tab\nset title '%s: equilibria in %s' noenhanced\n", s->title, s->parname);
    fprintf(f, "set xlabel '%s' noenhanced\nset ylabel '%s' noenhanced\n", s->parname, s->varname);
    fprintf(f, "set xrange [%.10g:%.10g]\nset offsets 0, 0, graph 0.05, graph 0.05\n", s->plo, s->phi);
    fprintf(f, "set key outside right top box opaque\nset grid lc rgb '#eeeeee'\n");
    fprintf(f, "plot ");
    if (s->fast_slow) /* under the branches: the trajectory and the slow nullcline */
        fprintf(f, "'%s' skip 1 using %d:%d with lines lw 1 lc rgb '#b0b0b0' title 'trajectory (full model)', \\\n"
                   "     '%s' skip 1 using 1:2 with lines lw 1.5 dt 4 lc rgb '#8c564b' title 'slow nullcline', \\\n     ",
                ref[4], s->traj_xcol, s->traj_ycol, ref[5]);
    fprintf(f, "'%s' skip 1 using 2:(column(%d) == 1 ? column(%d) : NaN) with lines lw 2.5 lc rgb '#1f77b4' title 'stable', \\\n", ref[0], S, C);
    fprintf(f, "     '%s' skip 1 using 2:(column(%d) == 0 ? column(%d) : NaN) with lines lw 2 dt 2 lc rgb '#d62728' title 'unstable', \\\n", ref[0], S, C);
    if (s->brute) {
        fprintf(f, "     '%s' skip 1 using 2:(stringcolumn(1) eq 'attractor_max' ? column(%d) : NaN) with points pt 7 ps 0.35 lc rgb '#7f7f7f' title 'attractor max/min', \\\n", ref[2], C);
        fprintf(f, "     '%s' skip 1 using 2:(stringcolumn(1) eq 'attractor_min' ? column(%d) : NaN) with points pt 7 ps 0.35 lc rgb '#7f7f7f' notitle, \\\n", ref[2], C);
    }
    if (s->cycles) { /* cycles.tsv: branch, par, period, (max, min) per variable, stable */
        int mx = 4 + 2 * s->var, mn = mx + 1, cs = 4 + 2 * (int)s->n_vars;
        fprintf(f, "     '%s' skip 1 using 2:(column(%d) == 1 ? column(%d) : NaN) with lines lw 2 lc rgb '#2ca02c' title 'stable cycle max/min', \\\n", ref[3], cs, mx);
        fprintf(f, "     '%s' skip 1 using 2:(column(%d) == 1 ? column(%d) : NaN) with lines lw 2 lc rgb '#2ca02c' notitle, \\\n", ref[3], cs, mn);
        fprintf(f, "     '%s' skip 1 using 2:(column(%d) == 0 ? column(%d) : NaN) with lines lw 1.5 dt 2 lc rgb '#9467bd' title 'unstable cycle max/min', \\\n", ref[3], cs, mx);
        fprintf(f, "     '%s' skip 1 using 2:(column(%d) == 0 ? column(%d) : NaN) with lines lw 1.5 dt 2 lc rgb '#9467bd' notitle, \\\n", ref[3], cs, mn);
    }
    if (s->cut_short) /* ends.tsv: branch, par, vars..., reason */
        fprintf(f, "     '%s' skip 1 using 2:%d with points pt 2 ps 2.2 lw 2 lc rgb 'black' title 'branch cut short', \\\n",
                ref[6], C);
    fprintf(f, "     '%s' skip 1 using 3:%d with points pt 7 ps 1.6 lc rgb 'black' title 'special points', \\\n", ref[1], C + 1);
    fprintf(f, "     '%s' skip 1 using 3:%d:1 with labels offset char 1.2,0.9 font ',11' notitle\n", ref[1], C + 1);
    if (fclose(f) != 0) {
        nd_fail(err, ND_EIO, "writing '%s' failed", script);
        return ND_PLOT_FAILED;
    }
    return nd_plot_render(script, err);
}

/* What the two-parameter files hold, so that the figure never plots an empty selection (gnuplot
 * warns about those) nor lists a line it cannot draw: segments (two consecutive points of one
 * curve) of fold curves, of Hopf curves (kappa > 0) and of their neutral-saddle parts, the
 * codim-2 points (type and position, for their labels), and oscillating cells of brute2.tsv
 * (brute: whether to look). */
#define BIF2_LABELS 200

typedef struct bif2_contents {
    size_t fold, hopf, neutral, oscillating, points;
    int ns_column; /* curves.tsv's neutral_saddle column, 1-based (0: none, every H row is Hopf) */
    char type[BIF2_LABELS][8];
    double x[BIF2_LABELS], y[BIF2_LABELS];
} bif2_contents;

static void bif2_count(const char *dir, int brute, bif2_contents *n)
{
    char path[PATH_MAX + 64], line[8192];
    memset(n, 0, sizeof *n);
    snprintf(path, sizeof path, "%.3000s/curves.tsv", dir);
    FILE *f = fopen(path, "r");
    int prev = 0; /* the previous row of this block: 0 none, 1 fold, 2 Hopf, 3 neutral saddle */
    for (int row = 0; f && fgets(line, sizeof line, f); row++) {
        line[strcspn(line, "\r\n")] = '\0';
        int col = 1, ns = 0, cls = 0;
        char kind[8] = "";
        for (char *tok = line, *end; *line && tok; tok = end ? end + 1 : NULL, col++) {
            end = strchr(tok, '\t');
            if (end) *end = '\0';
            if (row == 0 && strcmp(tok, "neutral_saddle") == 0) n->ns_column = col;
            if (row > 0 && col == 2) snprintf(kind, sizeof kind, "%.7s", tok);
            if (row > 0 && col == n->ns_column) ns = atoi(tok) == 1;
        }
        if (row > 0) cls = strcmp(kind, "LP") == 0 ? 1 : strcmp(kind, "H") == 0 ? 2 + ns : 0;
        if (cls && cls == prev) *(cls == 1 ? &n->fold : cls == 2 ? &n->hopf : &n->neutral) += 1;
        prev = cls;
    }
    if (f) fclose(f);
    snprintf(path, sizeof path, "%.3000s/special_points.tsv", dir);
    f = fopen(path, "r");
    for (int row = 0; f && fgets(line, sizeof line, f); row++) { /* type, curve, P1, P2, ... */
        size_t i = n->points;
        char type[8];
        double x, y;
        if (row == 0 || sscanf(line, "%7[^\t]\t%*s\t%lf\t%lf", type, &x, &y) != 3) continue;
        if (i < BIF2_LABELS) snprintf(n->type[i], sizeof n->type[i], "%s", type), n->x[i] = x, n->y[i] = y;
        n->points++;
    }
    if (f) fclose(f);
    snprintf(path, sizeof path, "%.3000s/brute2.tsv", dir);
    f = brute ? fopen(path, "r") : NULL;
    for (int row = 0; f && fgets(line, sizeof line, f); row++) { /* P1, P2, equilibria, stable, oscillates, ... */
        double a, b;
        int eq, st, osc;
        n->oscillating += row > 0 && sscanf(line, "%lf\t%lf\t%d\t%d\t%d", &a, &b, &eq, &st, &osc) == 5 && osc == 1;
    }
    if (f) fclose(f);
}

/* The labels of the codim-2 points, each in the quadrant around its point whose label centre
 * lies farthest (up to a tenth of the box) from the other points and the labels placed before
 * it, above right when nothing is near, and inside the frame: a BT point often lies close to a
 * cusp or a GH point. In box units a label's centre is about (0.035, 0.03) from its point. */
static void bif2_labels(FILE *f, const nd_bif2_plot *s, const bif2_contents *n)
{
    size_t m = n->points < BIF2_LABELS ? n->points : BIF2_LABELS;
    double wx = s->p1hi - s->p1lo, wy = s->p2hi - s->p2lo, cx[BIF2_LABELS], cy[BIF2_LABELS];
    for (size_t i = 0; i < m; i++) {
        double px = (n->x[i] - s->p1lo) / wx, py = (n->y[i] - s->p2lo) / wy, best = -INFINITY;
        int right = 1, up = 1;
        for (int q = 0; q < 4; q++) {
            int r = q == 0 || q == 2, u = q < 2; /* above right first */
            double x = px + (r ? 0.035 : -0.035), y = py + (u ? 0.03 : -0.03), score = 0.1;
            for (size_t j = 0; j < m; j++) {
                if (j != i) score = fmin(score, hypot(x - (n->x[j] - s->p1lo) / wx, y - (n->y[j] - s->p2lo) / wy));
                if (j < i) score = fmin(score, hypot(x - cx[j], y - cy[j]));
            }
            if (x < 0.02 || x > 0.98 || y < 0.02 || y > 0.98) score -= 1; /* off the frame */
            if (score > best + 1e-9) best = score, right = r, up = u, cx[i] = x, cy[i] = y;
        }
        fprintf(f, "set label '%s' at %.12g, %.12g %s offset char %s, %s font ',11' front noenhanced\n", n->type[i], n->x[i],
                n->y[i], right ? "left" : "right", right ? "1.2" : "-1.2", up ? "0.9" : "-0.9");
    }
}

nd_plot_status nd_plot_bifurcation2(const nd_bif2_plot *s, const char *out, nd_error *err)
{
    if (!terminal_for(out, 1)) {
        nd_fail(err, ND_EINVAL, "plot file '%s': use the extension .png, .svg or .pdf", out);
        return ND_PLOT_FAILED;
    }
    char script[PATH_MAX], path[PATH_MAX + 64], ref[3][PATH_MAX];
    const char *files[3] = {"curves.tsv", "special_points.tsv", "brute2.tsv"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%.3000s/%s", s->dir, files[i]);
        data_ref(path, out, ref[i], sizeof ref[i]);
    }
    bif2_contents n;
    bif2_count(s->dir, s->brute, &n);
    FILE *f = open_script(out, script, sizeof script, err);
    if (!f) return ND_PLOT_FAILED;
    /* the title names what is drawn: "fold and Hopf curves", "fold curves", ... */
    const char *parts[2];
    int np = 0;
    if (n.fold) parts[np++] = "fold";
    if (n.hopf) parts[np++] = "Hopf";
    if (n.neutral && !n.hopf) parts[np++] = "neutral-saddle"; /* else part of the Hopf curves */
    char what[96] = "";
    for (int i = 0; i < np; i++)
        snprintf(what + strlen(what), sizeof what - strlen(what), "%s%s", i == 0 ? "" : i == np - 1 ? " and " : ", ", parts[i]);
    fprintf(f, "# neurodyn two-parameter diagram; edit freely and re-run: gnuplot %s\n", base_name(script));
    fprintf(f, "%s\nset output '%s'\n", terminal_for(out, 0), base_name(out));
    fprintf(f, "set datafile separator tab\nset title '%s: %s' noenhanced\n", s->title, np ? strcat(what, " curves") : "no curves");
    fprintf(f, "set xlabel '%s' noenhanced\nset ylabel '%s' noenhanced\n", s->p1name, s->p2name);
    fprintf(f, "set xrange [%.10g:%.10g]\nset yrange [%.10g:%.10g]\n", s->p1lo, s->p1hi, s->p2lo, s->p2hi);
    fprintf(f, "set key outside right top box opaque\nset grid lc rgb '#eeeeee'\n");
    bif2_labels(f, s, &n);
    /* one entry per non-empty selection (curves.tsv: curve, kind, P1, P2, variables..., neutral_saddle) */
    char sel[6][PATH_MAX + 400];
    int ns = 0, c = n.ns_column;
    if (s->brute && n.oscillating) /* brute2.tsv: P1, P2, equilibria, stable, oscillates, amplitude */
        snprintf(sel[ns++], sizeof sel[0], "'%s' skip 1 using 1:($5 == 1 ? $2 : NaN) with points pt 5 ps 1.4 lc rgb '#d9ecd0' title 'oscillates (simulation)'", ref[2]);
    if (n.fold)
        snprintf(sel[ns++], sizeof sel[0], "'%s' skip 1 using 3:(stringcolumn(2) eq 'LP' ? column(4) : NaN) with lines lw 2.5 lc rgb '#ff7f0e' title 'fold (LP) curves'", ref[0]);
    if (n.hopf && c)
        snprintf(sel[ns++], sizeof sel[0], "'%s' skip 1 using 3:(stringcolumn(2) eq 'H' && column(%d) == 0 ? column(4) : NaN) with lines lw 2.5 lc rgb '#1f77b4' title 'Hopf (H) curves'", ref[0], c);
    else if (n.hopf) /* a curves.tsv without the neutral_saddle column */
        snprintf(sel[ns++], sizeof sel[0], "'%s' skip 1 using 3:(stringcolumn(2) eq 'H' ? column(4) : NaN) with lines lw 2.5 lc rgb '#1f77b4' title 'Hopf (H) curves'", ref[0]);
    if (n.neutral)
        snprintf(sel[ns++], sizeof sel[0], "'%s' skip 1 using 3:(stringcolumn(2) eq 'H' && column(%d) == 1 ? column(4) : NaN) with lines lw 1.5 dt 2 lc rgb '#555555' title 'neutral saddles (κ < 0)'", ref[0], c);
    if (n.points)
        snprintf(sel[ns++], sizeof sel[0], "'%s' skip 1 using 3:4 with points pt 7 ps 1.6 lc rgb 'black' title 'codim-2 points'", ref[1]);
    if (ns == 0) /* nothing to draw: the empty frame, without a data file */
        snprintf(sel[ns++], sizeof sel[0], "1/0 notitle");
    for (int i = 0; i < ns; i++) fprintf(f, "%s%s%s", i ? "     " : "plot ", sel[i], i + 1 < ns ? ", \\\n" : "\n");
    if (fclose(f) != 0) {
        nd_fail(err, ND_EIO, "writing '%s' failed", script);
        return ND_PLOT_FAILED;
    }
    return nd_plot_render(script, err);
}
