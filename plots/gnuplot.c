/* Writing gnuplot scripts and running gnuplot on them. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "neurodyn/plot.h"

#define MAX_COLUMNS 64

static const char *extension(const char *path)
{
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    return dot && (!slash || dot > slash) ? dot + 1 : "";
}

/* The terminal line for the output's extension, or NULL when it is not supported. */
static const char *terminal_for(const char *out, int panels)
{
    static char buf[160];
    const char *ext = extension(out);
    int h = panels > 1 ? 220 * panels : 480;
    if (strcmp(ext, "png") == 0)
        snprintf(buf, sizeof buf, "set terminal pngcairo size 1000,%d enhanced font 'Sans,11'", h);
    else if (strcmp(ext, "svg") == 0)
        snprintf(buf, sizeof buf, "set terminal svg size 1000,%d enhanced font 'Sans,11' background rgb 'white'", h);
    else if (strcmp(ext, "pdf") == 0)
        snprintf(buf, sizeof buf, "set terminal pdfcairo size 7in,%.1fin enhanced font 'Sans,9'", h / 140.0);
    else
        return NULL;
    return buf;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

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
    if (system("command -v gnuplot >/dev/null 2>&1") != 0) {
        fprintf(stderr, "neurodyn: warning: gnuplot not found; the figure was not rendered. "
                        "Install gnuplot (apt-get install gnuplot-nox) and run: cd '%s/..' && gnuplot '%s'\n",
                script, script);
        return ND_PLOT_NO_GNUPLOT;
    }
    char dir[PATH_MAX], cmd[2 * PATH_MAX + 64];
    dir_name(script, dir, sizeof dir);
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
