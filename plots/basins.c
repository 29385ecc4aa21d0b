/* The figure of `neurodyn basins`: the grid of initial states coloured by the attractor each
 * one reaches, with a key naming every attractor. An editable gnuplot script beside the figure
 * reads the grid's TSV by its path relative to the script's folder. Colours: Okabe & Ito (2008),
 * distinct under every common colour-vision deficiency, repeated past the seventh attractor;
 * black marks points whose trajectory became non-finite, grey those that failed. The palette is
 * a step function over the integer codes (cbrange from -2.5 to n - 0.5), so no two codes blend. */
#include <limits.h>
#include <stdio.h>

#include "neurodyn/plot.h"
#include "gnuplot_impl.h"

static const char *const COLOURS[] = {"#0072b2", "#d55e00", "#009e73", "#e69f00", "#56b4e9", "#cc79a7", "#f0e442"};
#define N_COLOURS (sizeof COLOURS / sizeof COLOURS[0])
static const char *const NONFINITE = "#000000", *const FAILED = "#999999";
/* a key longer than this is cut (a note says how many more) */
#define MAX_KEY 12

static const char *colour(long code)
{
    return code == -2 ? FAILED : code == -1 ? NONFINITE : COLOURS[(size_t)code % N_COLOURS];
}

/* `set palette defined`: each code c owns [c - 0.5, c + 0.5] in one colour. */
static void palette(FILE *f, size_t n)
{
    fputs("set palette defined (", f);
    for (long c = -2; c < (long)n; c++)
        fprintf(f, "%s%ld '%s', %ld '%s'", c > -2 ? ", " : "", 2 * c - 1, colour(c), 2 * c + 1, colour(c));
    fprintf(f, ")\nset cbrange [-2.5:%g]\nunset colorbox\n", (double)n - 0.5);
}

nd_plot_status nd_plot_basins(const nd_basins_plot *s, const char *out, nd_error *err)
{
    char script[PATH_MAX + 8], ref[2 * PATH_MAX], title[512];
    FILE *f = nd_gp_open_script(out, 640, "basins", script, sizeof script, err);
    if (!f) return ND_PLOT_FAILED;
    nd_gp_data_ref(s->data, out, ref, sizeof ref);
    fprintf(f, "data = %s\n", ref);
    snprintf(title, sizeof title, "%s: basins of attraction", s->title);
    nd_gp_title(f, title, s->params);
    nd_gp_label(f, "xlabel", s->x_label);
    nd_gp_label(f, "ylabel", s->y_label);
    palette(f, s->n_attractors);
    fputs("set autoscale fix\nset style fill solid noborder\nset key below left vertical Left reverse noenhanced\n", f);
    nd_gp_plot p = {.f = f};
    nd_gp_plot_add(&p, "data skip 1 using 1:2:3 with image notitle");
    for (size_t a = 0; a < s->n_attractors && a < MAX_KEY; a++) {
        fprintf(f, "%s", p.n ? ", \\\n     " : "plot ");
        fprintf(f, "NaN with boxes fc rgb '%s' title ", colour((long)a));
        nd_gp_quote(f, s->legend[a]);
        p.n++;
    }
    if (s->n_attractors > MAX_KEY)
        nd_gp_plot_add(&p, "NaN with boxes fc rgb '#ffffff' title '... and %zu more'", s->n_attractors - MAX_KEY);
    if (s->has_nonfinite) nd_gp_plot_add(&p, "NaN with boxes fc rgb '%s' title 'diverged (-1)'", NONFINITE);
    if (s->has_failed) nd_gp_plot_add(&p, "NaN with boxes fc rgb '%s' title 'failed (-2)'", FAILED);
    nd_gp_plot_end(&p);
    return nd_gp_finish(f, script, err);
}
