/* Private to plots/: the pieces every figure's script shares (plots/gnuplot.c). */
#ifndef ND_PLOTS_GNUPLOT_IMPL_H
#define ND_PLOTS_GNUPLOT_IMPL_H

/* The gnuplot terminal line for the output's extension (png, svg, pdf) at 800 x height
 * pixels, in the common font; NULL for another extension. */
const char *nd_gp_terminal(const char *out, int height);
/* The part of a path after its last '/'; the extension of a path ("" if none). */
const char *nd_gp_base_name(const char *path);
const char *nd_gp_extension(const char *path);

#endif
