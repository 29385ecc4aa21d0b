/* Reading back what a figure's data files hold, as a gnuplot `plot` of a selection would see
 * them: so that a script never names an empty selection (gnuplot warns, and the legend would
 * list something not drawn), the axes' ranges come from the data, and labels avoid the curves. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gnuplot_impl.h"

/* Column k (1-based) of a tab-separated line: its start and length; 0 when absent. */
static int column(const char *line, int k, const char **start, size_t *len)
{
    for (int c = 1; c < k; c++) {
        line = strchr(line, '\t');
        if (!line) return 0;
        line++;
    }
    *start = line;
    *len = strcspn(line, "\t\r\n");
    return 1;
}

static double number(const char *line, int k)
{
    const char *s;
    size_t len;
    if (!column(line, k, &s, &len) || len == 0 || len > 63) return NAN;
    char buf[64], *end;
    memcpy(buf, s, len);
    buf[len] = '\0';
    double v = strtod(buf, &end);
    return *end == '\0' ? v : NAN;
}

static int selected(const nd_tsv_sel *s, const char *line)
{
    if (s->sel_col <= 0) return 1;
    const char *c;
    size_t len;
    return column(line, s->sel_col, &c, &len) && len == strlen(s->sel) && strncmp(c, s->sel, len) == 0;
}

void nd_tsv_each(const nd_tsv_sel *s, void (*f)(void *ctx, double x, double y, int joined, const char *line), void *ctx)
{
    FILE *in = s->path ? fopen(s->path, "r") : NULL;
    if (!in) return;
    char *line = NULL;
    size_t cap = 0;
    int row = 0, drawn = 0;
    while (getline(&line, &cap, in) > 0) {
        if (row++ == 0) continue; /* the header */
        if (line[strspn(line, " \t\r\n")] == '\0') { /* a blank line ends a block */
            drawn = 0;
            continue;
        }
        double x = number(line, s->cx), y = number(line, s->cy);
        int ok = selected(s, line) && isfinite(x) && isfinite(y);
        if (ok) f(ctx, x, y, drawn, line);
        drawn = ok;
    }
    free(line);
    fclose(in);
}

nd_status nd_tsv_require(const char *path, const char *figure, nd_error *err)
{
    FILE *f = fopen(path, "r");
    if (f) return fclose(f), ND_OK;
    return nd_fail(err, ND_EIO, "%s: its data file '%s' cannot be read: %s", figure, path, strerror(errno));
}

static void count_row(void *ctx, double x, double y, int joined, const char *line)
{
    (void)x, (void)y, (void)joined, (void)line;
    ++*(size_t *)ctx;
}

size_t nd_tsv_count(const nd_tsv_sel *s)
{
    size_t n = 0;
    nd_tsv_each(s, count_row, &n);
    return n;
}

typedef struct range_ctx {
    double *lo, *hi;
    size_t n;
} range_ctx;

static void widen(void *ctx, double x, double y, int joined, const char *line)
{
    (void)x, (void)joined, (void)line;
    range_ctx *r = ctx;
    if (y < *r->lo) *r->lo = y;
    if (y > *r->hi) *r->hi = y;
    r->n++;
}

size_t nd_tsv_range(const nd_tsv_sel *s, double *lo, double *hi)
{
    range_ctx r = {lo, hi, 0};
    nd_tsv_each(s, widen, &r);
    return r.n;
}

void nd_range_pad(double *lo, double *hi, double frac)
{
    if (!(*lo <= *hi)) { /* nothing in it */
        *lo = -1, *hi = 1;
        return;
    }
    double w = *hi - *lo, scale = fmax(fabs(*lo), fabs(*hi));
    if (w <= 1e-9 * scale || w == 0) { /* a point: a small interval around it */
        double half = scale > 0 ? 0.05 * scale : 1;
        *lo -= half, *hi += half;
        return;
    }
    *lo -= frac * w, *hi += frac * w;
}
