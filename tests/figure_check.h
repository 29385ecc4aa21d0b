/* Checks of a figure's gnuplot script that the figure tests share (tests/figure_check.c): what a
 * reviewer would look for, read from the script and its data rather than from the image. */
#ifndef ND_TESTS_FIGURE_CHECK_H
#define ND_TESTS_FIGURE_CHECK_H

#include <stddef.h>

#include "neurodyn/model.h"

/* The whole of a file, NUL-terminated (malloc'd; NULL when it cannot be read). */
char *fig_read(const char *path);

/* Every data file the script dir/gp names (a quoted '... .tsv') is a path relative to the
 * script's folder, exists there and holds at least one data row below its header. */
void fig_expect_data_files(const char *dir, const char *gp);

/* Every axis label that names one of m's variables carries its unit when m declares one, and
 * a time axis ('t') carries m's time unit. */
void fig_expect_units(const char *script_text, const nd_model *m);

/* Each labelled point once (no two labels of one text within 1% of the frame) and no two label
 * texts overlapping (in the pixels of an 800 x 600 figure with the key outside). */
void fig_expect_labels_apart(const char *script_text);

/* The labelled points of a script: text (empty when thinned) and where; n at most max. */
typedef struct fig_label {
    char text[40];
    double x, y, ox, oy; /* data coordinates; offset in characters */
} fig_label;
size_t fig_labels(const char *script_text, fig_label *l, size_t max);

/* The script's `set xrange [lo:hi]` (axis "x") or yrange; 0 when it sets none. */
int fig_range(const char *script_text, const char *axis, double *lo, double *hi);

/* gnuplot on dir/gp from dir: exit 0 and nothing on stderr. */
void fig_expect_silent_render(const char *dir, const char *gp);

#endif
