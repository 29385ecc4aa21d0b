/* Raster plot with the population firing rate below it: two TSV files and an editable gnuplot
 * script next to the output, rendered by extension (png, svg, pdf) as the other figures. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/tsv.h"
#include "neurodyn/plot.h"
#include "gnuplot_impl.h"

/* out without its extension, plus a suffix */
static void stem_with(const char *out, const char *suffix, char *buf, size_t len)
{
    const char *ext = nd_gp_extension(out);
    size_t stem = *ext ? (size_t)(ext - out - 1) : strlen(out);
    snprintf(buf, len, "%.*s%s", (int)stem, out, suffix);
}

static const char *raster_terminal(const char *out) { return nd_gp_terminal(out, 600); }

static nd_status write_spikes(const char *path, const nd_raster_group *g, size_t ng, nd_error *err)
{
    FILE *f = nd_file_create(path);
    if (!f) return nd_fail(err, ND_EIO, "cannot write '%s': %s", path, strerror(errno));
    fprintf(f, "t\tneuron\tgroup\n");
    size_t offset = 0; /* groups are stacked: group k's neurons follow group k-1's */
    for (size_t k = 0; k < ng; k++) {
        for (size_t s = 0; s < g[k].n_spikes; s++)
            nd_tsv_real(f, g[k].times[s]), fprintf(f, "\t%zu\t%zu\n", offset + g[k].ids[s], k);
        offset += g[k].n_neurons;
    }
    return fclose(f) == 0 ? ND_OK : nd_fail(err, ND_EIO, "writing '%s' failed", path);
}

/* Population rate of each group in bins of `bin` ms: spikes / (neurons * bin) * 1000 Hz. */
static nd_status write_rates(const char *path, const nd_raster_group *g, size_t ng, double t0, double t1,
                             double bin, double *max_rate, nd_error *err)
{
    size_t nb = (size_t)ceil((t1 - t0) / bin);
    double *counts = calloc(nb * ng + 1, sizeof *counts);
    if (!counts) return nd_fail(err, ND_ENOMEM, "out of memory for %zu rate bins", nb);
    for (size_t k = 0; k < ng; k++)
        for (size_t s = 0; s < g[k].n_spikes; s++) {
            double b = floor((g[k].times[s] - t0) / bin);
            if (b >= 0 && b < (double)nb) counts[(size_t)b * ng + k] += 1.0;
        }
    FILE *f = nd_file_create(path);
    if (!f) {
        free(counts);
        return nd_fail(err, ND_EIO, "cannot write '%s': %s", path, strerror(errno));
    }
    fprintf(f, "t");
    for (size_t k = 0; k < ng; k++) fprintf(f, "\trate_%s", g[k].name);
    fputc('\n', f);
    for (size_t b = 0; b < nb; b++) {
        nd_tsv_real(f, t0 + ((double)b + 0.5) * bin);
        for (size_t k = 0; k < ng; k++) {
            double rate = counts[b * ng + k] / ((double)g[k].n_neurons * bin) * 1000.0;
            nd_tsv_cell(f, rate);
            if (rate > *max_rate) *max_rate = rate;
        }
        fputc('\n', f);
    }
    free(counts);
    return fclose(f) == 0 ? ND_OK : nd_fail(err, ND_EIO, "writing '%s' failed", path);
}

static nd_status write_script(const char *script, const char *out, const char *spikes, const char *rates,
                              const nd_raster_group *g, size_t ng, double t0, double t1, double max_rate,
                              const char *title, nd_error *err)
{
    FILE *f = nd_file_create(script);
    if (!f) return nd_fail(err, ND_EIO, "cannot write '%s': %s", script, strerror(errno));
    size_t total = 0;
    for (size_t k = 0; k < ng; k++) total += g[k].n_neurons;
    fputs("# neurodyn raster plot; edit freely and re-run: gnuplot ", f);
    nd_gp_comment_text(f, nd_gp_base_name(script));
    fprintf(f, "%s\nset output ", raster_terminal(out));
    nd_gp_quote(f, nd_gp_base_name(out));
    fputc('\n', f);
    char q[2][600];
    fprintf(f, "set datafile separator tab\nspikes = %s\nrates = %s\n", nd_gp_quoted(nd_gp_base_name(spikes), q[0], sizeof q[0]),
            nd_gp_quoted(nd_gp_base_name(rates), q[1], sizeof q[1]));
    fprintf(f, "set multiplot layout 2,1 title %s noenhanced\n", nd_gp_quoted(title ? title : "raster", q[0], sizeof q[0]));
    fprintf(f, "set xrange [%.10g:%.10g]\nset yrange [-0.5:%zu.5]\nset key off\n", t0, t1, total);
    fprintf(f, "set ylabel 'neuron'\nunset xlabel\nset lmargin 10\n");
    fprintf(f, "set size 1,0.62\nset origin 0,0.36\n");
    size_t n_spikes = 0;
    for (size_t k = 0; k < ng; k++) n_spikes += g[k].n_spikes;
    if (n_spikes) fprintf(f, "plot spikes using 1:2:($3+1) with dots lc variable\n");
    else fprintf(f, "set label 'no spike' at graph 0.5, 0.5 center\nplot NaN notitle\nunset label\n"); /* gnuplot warns on an empty file */
    fprintf(f, "set size 1,0.36\nset origin 0,0\nset yrange [0:%.10g]\n", max_rate > 0 ? 1.08 * max_rate : 1.0);
    fprintf(f, "set ylabel 'rate (Hz)'\nset xlabel 't (ms)'\nset key top right noenhanced\n");
    fprintf(f, "plot ");
    for (size_t k = 0; k < ng; k++)
        fprintf(f, "rates using 1:%zu with lines lw 1.5 lc %zu title %s%s", k + 2, k + 1,
                nd_gp_quoted(g[k].name ? g[k].name : "", q[0], sizeof q[0]), k + 1 < ng ? ", \\\n     " : "\n");
    fprintf(f, "unset multiplot\n");
    return fclose(f) == 0 ? ND_OK : nd_fail(err, ND_EIO, "writing '%s' failed", script);
}

nd_plot_status nd_plot_raster(const nd_raster_group *groups, size_t n_groups, double t0, double t1,
                              double bin, const char *title, const char *out, nd_error *err)
{
    if (!out || !raster_terminal(out)) {
        nd_fail(err, ND_EINVAL, "plot file '%s': use the extension .png, .svg or .pdf", out ? out : "(null)");
        return ND_PLOT_FAILED;
    }
    if (!groups || n_groups == 0 || !(t1 > t0) || !(bin > 0.0)) {
        nd_fail(err, ND_EINVAL, "raster plot needs groups, t1 > t0 (%g, %g) and bin > 0 (%g)", t0, t1, bin);
        return ND_PLOT_FAILED;
    }
    for (size_t k = 0; k < n_groups; k++)
        if (groups[k].n_neurons == 0 || (groups[k].n_spikes && (!groups[k].times || !groups[k].ids))) {
            nd_fail(err, ND_EINVAL, "raster group %zu ('%s') has no neurons or no spike arrays", k,
                    groups[k].name ? groups[k].name : "");
            return ND_PLOT_FAILED;
        }
    char spikes[4096], rates[4096], script[4096];
    stem_with(out, "_spikes.tsv", spikes, sizeof spikes);
    stem_with(out, "_rate.tsv", rates, sizeof rates);
    stem_with(out, ".gp", script, sizeof script);
    double max_rate = 0;
    if (write_spikes(spikes, groups, n_groups, err) || write_rates(rates, groups, n_groups, t0, t1, bin, &max_rate, err) ||
        write_script(script, out, spikes, rates, groups, n_groups, t0, t1, max_rate, title, err))
        return ND_PLOT_FAILED;
    return nd_plot_render(script, err);
}
