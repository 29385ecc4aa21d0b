/* Labels that overlap nothing: each labelled point is drawn once (duplicates of a point, the same
 * text within 1% of the frame, are dropped), and its text goes to the one of eight places around
 * it, near or farther out, that overlaps the fewest other labels, markers and drawn curves and
 * stays inside the frame. A text that finds no free place is left out (its marker stays): the
 * figure is thinned rather than made illegible. Greedy, in the order given; sizes are those of
 * the 800-pixel-wide figures (Sans 10, labels at 11 points). */
#include <math.h>
#include <string.h>

#include "gnuplot_impl.h"

/* Measured on pngcairo renderings: gnuplot's `offset char` unit at Sans 10, a label's height at
 * 11 points, a marker's size (pt 7 ps 1.6, pt 6 ps 2), a drawn line's half-width with margin. */
#define CHAR_W_PX 8.2
#define CHAR_H_PX 16.5
#define TEXT_H_PX 15.0
#define MARKER_PX 12.0
#define LINE_PX 2.0

/* The width of a label at 11 points, in pixels: capitals are wider than the rest. */
static double text_width(const char *s)
{
    double w = 4; /* a margin */
    for (; *s; s++)
        w += *s >= 'A' && *s <= 'Z' ? 9.5 : *s >= 'a' && *s <= 'z' ? 8.0 : *s >= '0' && *s <= '9' ? 8.0 : *s == ' ' ? 4.5 : 6.0;
    return w;
}

void nd_occ_init(nd_occupancy *o, double xlo, double xhi, double ylo, double yhi, double width_px, double height_px)
{
    memset(o, 0, sizeof *o);
    o->xlo = xlo, o->xhi = xhi, o->ylo = ylo, o->yhi = yhi;
    o->width_px = width_px, o->height_px = height_px;
}

/* Box units (0..1 across the frame) of a data point. */
static double bx(const nd_occupancy *o, double x) { return (x - o->xlo) / (o->xhi - o->xlo); }
static double by(const nd_occupancy *o, double y) { return (y - o->ylo) / (o->yhi - o->ylo); }

/* Marks the cells within LINE_PX of the point (u, v) in box units. */
static void mark(nd_occupancy *o, double u, double v)
{
    double du = LINE_PX / o->width_px, dv = LINE_PX / o->height_px;
    for (int j = (int)floor((v - dv) * ND_OCC_N); j <= (int)floor((v + dv) * ND_OCC_N); j++)
        for (int i = (int)floor((u - du) * ND_OCC_N); i <= (int)floor((u + du) * ND_OCC_N); i++)
            if (i >= 0 && i < ND_OCC_N && j >= 0 && j < ND_OCC_N) o->cell[j][i] = 1;
}

typedef struct occ_ctx {
    nd_occupancy *o;
    double u, v; /* the previous point, box units */
    int lines;
} occ_ctx;

static void occ_row(void *ctx, double x, double y, int joined, const char *line)
{
    (void)line;
    occ_ctx *c = ctx;
    double u = bx(c->o, x), v = by(c->o, y);
    if (c->lines && joined) { /* the segment, in steps of half a cell */
        double len = hypot(u - c->u, v - c->v);
        int steps = (int)fmin(4.0 * ND_OCC_N, ceil(len * 2.0 * ND_OCC_N));
        for (int k = 1; k < steps; k++) mark(c->o, c->u + (u - c->u) * k / steps, c->v + (v - c->v) * k / steps);
    }
    mark(c->o, u, v);
    c->u = u, c->v = v;
}

void nd_occ_lines(nd_occupancy *o, const nd_tsv_sel *s)
{
    occ_ctx c = {o, 0, 0, 1};
    nd_tsv_each(s, occ_row, &c);
}

void nd_occ_points(nd_occupancy *o, const nd_tsv_sel *s)
{
    occ_ctx c = {o, 0, 0, 0};
    nd_tsv_each(s, occ_row, &c);
}

/* ---- placement ------------------------------------------------------------------------------ */

typedef struct box {
    double x0, y0, x1, y1; /* pixels from the frame's lower left corner */
} box;

static double overlap(box a, box b)
{
    double w = fmin(a.x1, b.x1) - fmax(a.x0, b.x0), h = fmin(a.y1, b.y1) - fmax(a.y0, b.y0);
    return w > 0 && h > 0 ? w * h : 0;
}

/* Area of b outside the frame. */
static double outside(box b, const nd_occupancy *o)
{
    box frame = {0, 0, o->width_px, o->height_px};
    return (b.x1 - b.x0) * (b.y1 - b.y0) - overlap(b, frame);
}

/* Pixels of b over occupied cells. */
static double occupied(box b, const nd_occupancy *o)
{
    double cw = o->width_px / ND_OCC_N, ch = o->height_px / ND_OCC_N, sum = 0;
    int i0 = (int)fmax(0, floor(b.x0 / cw)), i1 = (int)fmin(ND_OCC_N - 1, floor(b.x1 / cw));
    int j0 = (int)fmax(0, floor(b.y0 / ch)), j1 = (int)fmin(ND_OCC_N - 1, floor(b.y1 / ch));
    for (int j = j0; j <= j1; j++)
        for (int i = i0; i <= i1; i++)
            if (o->cell[j][i]) sum += overlap(b, (box){i * cw, j * ch, (i + 1) * cw, (j + 1) * ch});
    return sum;
}

typedef struct placed {
    double px, py; /* the point, pixels */
    box text;      /* its text (empty when thinned) */
    int keep, shown;
} placed;

/* The text box of candidate k (8 directions, near then far) around the point (px, py): beside
 * the marker, above or below it, or at a corner clear of it. */
static box candidate(int k, double px, double py, double w, double h)
{
    static const int dir[8][2] = {{1, 1}, {-1, 1}, {1, -1}, {-1, -1}, {1, 0}, {-1, 0}, {0, 1}, {0, -1}};
    int dx = dir[k % 8][0], dy = dir[k % 8][1];
    double gap = MARKER_PX / 2 + 3 + (k < 8 ? 0 : MARKER_PX);
    double cx = px + dx * (gap + w / 2), cy = py + dy * (gap + h / 2);
    if (dx != 0 && dy != 0) cy = py + dy * (h / 2 + 4); /* a corner: beside the marker, raised */
    return (box){cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2};
}

/* What a text at b would cover: other labels and markers (clash), the outside of the frame,
 * drawn cells; and the total cost of the place (near places first, then the order of dir). */
typedef struct score {
    double clash, out, total;
} score;

static score cost(box b, int k, const placed *p, size_t n, size_t self, const nd_occupancy *o)
{
    score s = {0, outside(b, o), 0};
    for (size_t j = 0; j < n; j++) {
        if (!p[j].keep) continue;
        box m = {p[j].px - MARKER_PX / 2, p[j].py - MARKER_PX / 2, p[j].px + MARKER_PX / 2, p[j].py + MARKER_PX / 2};
        if (j != self) s.clash += overlap(b, m);
        if (j < self && p[j].shown) s.clash += overlap(b, p[j].text);
    }
    s.total = 10 * s.clash + 20 * s.out + occupied(b, o) + 0.2 * k + (k >= 8 ? 25 : 0);
    return s;
}

/* Marks duplicates and points outside the frame as not kept. */
static void select_points(const nd_gp_mark *l, placed *p, size_t n, const nd_occupancy *o)
{
    for (size_t i = 0; i < n; i++) {
        double u = bx(o, l[i].x), v = by(o, l[i].y);
        p[i] = (placed){u * o->width_px, v * o->height_px, {0, 0, 0, 0}, u >= -1e-9 && u <= 1 + 1e-9 && v >= -1e-9 && v <= 1 + 1e-9, 0};
        for (size_t j = 0; j < i && p[i].keep; j++)
            if (p[j].keep && strcmp(l[i].text, l[j].text) == 0 &&
                hypot(u - bx(o, l[j].x), v - by(o, l[j].y)) < 0.01)
                p[i].keep = 0;
    }
}

size_t nd_gp_labels(FILE *f, nd_gp_mark *l, size_t n, nd_occupancy *o, const char *marker)
{
    placed p[ND_MAX_LABELS];
    if (n > ND_MAX_LABELS) n = ND_MAX_LABELS;
    select_points(l, p, n, o);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (!p[i].keep) continue;
        kept++;
        double w = text_width(l[i].text), h = TEXT_H_PX;
        score best = {0, 0, INFINITY};
        for (int k = 0; k < 16; k++) {
            box b = candidate(k, p[i].px, p[i].py, w, h);
            score c = cost(b, k, p, n, i, o);
            if (c.total < best.total) best = c, p[i].text = b;
        }
        /* thinned when even the best place covers a tenth of other labels or markers, or lies
         * partly outside the frame */
        p[i].shown = best.clash < 0.1 * w * h && best.out < 0.05 * w * h;
        fprintf(f, "set label ");
        nd_gp_quote(f, p[i].shown ? l[i].text : "");
        fprintf(f, " at %.12g, %.12g left offset char %.2f, %.2f font ',11' front noenhanced", l[i].x, l[i].y,
                (p[i].text.x0 + 2 - p[i].px) / CHAR_W_PX, (0.5 * (p[i].text.y0 + p[i].text.y1) - p[i].py) / CHAR_H_PX);
        if (marker) fprintf(f, " point %s", marker);
        fputc('\n', f);
    }
    return kept;
}
