/* Private to plots/: the pieces every figure's script shares (plots/script.c), what the data
 * files hold (plots/data_scan.c) and where labels go (plots/labels.c). */
#ifndef ND_PLOTS_GNUPLOT_IMPL_H
#define ND_PLOTS_GNUPLOT_IMPL_H

#include <stddef.h>
#include <stdio.h>

#include "neurodyn/plot.h"

/* ---- scripts (plots/script.c) -------------------------------------------------------------- */

/* The gnuplot terminal line for the output's extension (png, svg, pdf) at 800 x height
 * pixels, in the common font; NULL for another extension. */
const char *nd_gp_terminal(const char *out, int height);
/* The part of a path after its last '/'; the extension of a path ("" if none). */
const char *nd_gp_base_name(const char *path);
const char *nd_gp_extension(const char *path);
/* The folder of path into buf ("." when it has none). */
void nd_gp_dir_name(const char *path, char *buf, size_t len);

/* How a script next to `out` names the file `data`: the path relative to out's folder, so the
 * script re-renders from its folder wherever the two were written, as a quoted gnuplot string
 * ('phase_plane/vector_field.tsv'). */
void nd_gp_data_ref(const char *data, const char *out, char *buf, size_t len);
/* dir/name as the script next to `out` names it. */
void nd_gp_data_ref_in(const char *dir, const char *name, const char *out, char *buf, size_t len);

/* s as a gnuplot string expression: single-quoted, a quote doubled, a control character (a
 * newline in a path) joined in as "\ooo"; written to f, or into buf (returned). */
void nd_gp_quote(FILE *f, const char *s);
/* s, then a newline, as the rest of a `#` comment line: a control character or a backslash
 * (which would continue the comment, or end it and start a command) is written as '?'. */
void nd_gp_comment_text(FILE *f, const char *s);
const char *nd_gp_quoted(const char *s, char *buf, size_t len);
/* `set title` with title, and params (may be NULL or "") on a second line; the string
 * expression alone (for `set multiplot ... title`). */
void nd_gp_title(FILE *f, const char *title, const char *params);
void nd_gp_title_expr(FILE *f, const char *title, const char *params);
/* `set LABEL 'text' noenhanced` (LABEL: xlabel, ylabel, zlabel, cblabel). */
void nd_gp_label(FILE *f, const char *which, const char *text);

/* OUT with its extension replaced by .gp (into script), opened for writing; NULL with err
 * saying why. The first lines (a comment, the terminal, the output, tab-separated data) are
 * written; NULL with err when the output's extension is not png, svg or pdf. */
FILE *nd_gp_open_script(const char *out, int height, const char *what, char *script, size_t len, nd_error *err);
/* Closes the script and renders it. */
nd_plot_status nd_gp_finish(FILE *f, const char *script, nd_error *err);

/* One `plot` command from its parts: "plot " before the first, ", \" between them; when
 * there is none, an empty frame ("plot NaN notitle"). */
typedef struct nd_gp_plot {
    FILE *f;
    int n;
} nd_gp_plot;
void nd_gp_plot_add(nd_gp_plot *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void nd_gp_plot_end(nd_gp_plot *p);

/* ---- what the data files hold (plots/data_scan.c) ------------------------------------------ */

/* A selection of a TSV file (header skipped): the rows where column sel_col reads exactly sel
 * (every row when sel_col is 0), their columns cx and cy (1-based). */
typedef struct nd_tsv_sel {
    const char *path;
    int cx, cy, sel_col;
    const char *sel;
} nd_tsv_sel;

/* ND_OK when the data file at path can be read; else ND_EIO, err naming the figure and the file
 * (a file that should be there and is not is an error, not an empty selection). */
nd_status nd_tsv_require(const char *path, const char *figure, nd_error *err);
/* How many rows of the selection have finite values in both columns: what a plot of it would
 * draw (0 when the file is missing). */
size_t nd_tsv_count(const nd_tsv_sel *s);
/* Widens [*lo, *hi] to the selection's finite values of column cy; the count of them. */
size_t nd_tsv_range(const nd_tsv_sel *s, double *lo, double *hi);
/* Calls f(ctx, x, y, joined, line) for each row of the selection with finite values; joined is
 * 1 when the previous row of the file was drawn and lies in the same block (a line joins them);
 * line is the row's text. */
void nd_tsv_each(const nd_tsv_sel *s, void (*f)(void *ctx, double x, double y, int joined, const char *line), void *ctx);

/* A range padded by frac of its width on each side; a point or an empty range becomes a small
 * interval around it (gnuplot warns about empty ranges). */
void nd_range_pad(double *lo, double *hi, double frac);

/* ---- labels (plots/labels.c) ---------------------------------------------------------------- */

/* The plot area in data units; the occupancy of its cells by what is drawn (curves, points),
 * which labels avoid. */
#define ND_OCC_N 96
typedef struct nd_occupancy {
    double xlo, xhi, ylo, yhi;
    double width_px, height_px; /* the plot area on screen */
    unsigned char cell[ND_OCC_N][ND_OCC_N];
} nd_occupancy;

void nd_occ_init(nd_occupancy *o, double xlo, double xhi, double ylo, double yhi, double width_px, double height_px);
/* Marks what a selection draws: lines (its rows joined) or points. */
void nd_occ_lines(nd_occupancy *o, const nd_tsv_sel *s);
void nd_occ_points(nd_occupancy *o, const nd_tsv_sel *s);

/* A labelled point: its text and where it is. A figure labels at most ND_MAX_LABELS points. */
#define ND_MAX_LABELS 256
typedef struct nd_gp_mark {
    char text[40];
    double x, y;
} nd_gp_mark;

/* Writes `set label` lines for the labels: each point once (the same text within 1% of the
 * frame is one point), each text where it overlaps the fewest other labels, markers and
 * occupied cells, inside the frame. marker: the gnuplot point style of the markers drawn with
 * the labels ("pt 7 ps 1.6 lc rgb 'black'"), or NULL when the plot draws the points itself.
 * Returns how many points were labelled (the first ND_MAX_LABELS of l at most). */
size_t nd_gp_labels(FILE *f, nd_gp_mark *l, size_t n, nd_occupancy *o, const char *marker);

#endif
