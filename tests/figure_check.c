/* Checks of a figure's gnuplot script (see figure_check.h). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "figure_check.h"

char *fig_read(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    for (size_t got; buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0;) {
        n += got;
        if (n + 1 == cap) buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    if (buf) buf[n] = '\0';
    return buf;
}

/* The gnuplot string starting at the quote s points to, '' unescaped, into out; the character
 * after its closing quote. */
static const char *unquote(const char *s, char *out, size_t len)
{
    size_t k = 0;
    for (s++; *s; s++) {
        if (*s == '\'' && s[1] == '\'') s++;
        else if (*s == '\'') return s + 1;
        if (k + 1 < len) out[k++] = *s;
        out[k] = '\0';
    }
    out[k] = '\0';
    return s;
}

/* Data rows of a TSV file: lines after the header that are not blank. */
static size_t data_rows(const char *path)
{
    char *text = fig_read(path);
    size_t rows = 0;
    int line = 0;
    for (char *s = text; s && *s; line++) {
        char *end = strchr(s, '\n');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        if (line > 0 && strspn(s, " \t\r") < len) rows++;
        s = end ? end + 1 : s + len;
    }
    free(text);
    return rows;
}

void fig_expect_data_files(const char *dir, const char *gp)
{
    char path[1024], name[512];
    snprintf(path, sizeof path, "%s/%s", dir, gp);
    char *text = fig_read(path);
    cr_assert_not_null(text, "%s was not written", path);
    size_t named = 0;
    for (const char *s = strchr(text, '\''); s; s = strchr(s, '\'')) {
        s = unquote(s, name, sizeof name);
        size_t len = strlen(name);
        if (len < 4 || strcmp(name + len - 4, ".tsv") != 0) continue;
        named++;
        cr_expect(name[0] != '/', "%s names '%s' by an absolute path: it must re-render from its folder", gp, name);
        snprintf(path, sizeof path, "%s/%s", dir, name);
        cr_expect(data_rows(path) > 0, "%s names '%s', which is missing or holds no data row", gp, name);
    }
    cr_expect(named > 0, "%s names no data file", gp);
    free(text);
}

void fig_expect_units(const char *script, const nd_model *m)
{
    const char *axes[] = {"set xlabel '", "set ylabel '", "set zlabel '", "set cblabel '"};
    char text[256];
    for (size_t a = 0; a < 4; a++)
        for (const char *s = strstr(script, axes[a]); s; s = strstr(s, axes[a])) {
            s = unquote(s + strlen(axes[a]) - 1, text, sizeof text);
            if (strcmp(text, "t") == 0)
                cr_expect(!m->time_unit || !*m->time_unit, "%s: the time axis lacks its unit %s", m->name, m->time_unit);
            for (size_t v = 0; v < m->n_vars; v++) {
                const char *unit = m->var_units ? m->var_units[v] : NULL;
                if (strcmp(text, m->var_names[v]) == 0)
                    cr_expect(!unit || !*unit, "%s: the axis of %s lacks its unit %s", m->name, text, unit);
            }
            for (size_t k = 0; k < m->n_pars; k++) {
                const char *unit = m->par_units ? m->par_units[k] : NULL;
                if (strcmp(text, m->par_names[k]) == 0)
                    cr_expect(!unit || !*unit, "%s: the axis of parameter %s lacks its unit %s", m->name, text, unit);
            }
        }
}

size_t fig_labels(const char *script, fig_label *l, size_t max)
{
    size_t n = 0;
    for (const char *s = strstr(script, "set label '"); s && n < max; s = strstr(s, "set label '")) {
        fig_label *b = &l[n];
        s = unquote(s + 10, b->text, sizeof b->text);
        if (sscanf(s, " at %lf, %lf left offset char %lf, %lf", &b->x, &b->y, &b->ox, &b->oy) == 4) n++;
    }
    return n;
}

int fig_range(const char *script, const char *axis, double *lo, double *hi)
{
    char key[32];
    snprintf(key, sizeof key, "set %srange [", axis);
    const char *s = strstr(script, key);
    return s && sscanf(s + strlen(key), "%lf:%lf", lo, hi) == 2;
}

/* A label's text in the pixels of the plot area (480 x 480, as plots/labels.c assumes): x0,
 * y0, x1, y1; capitals and the rest at their narrowest widths, so that an overlap is real. */
static void label_box(const fig_label *b, const double r[4], double box[4])
{
    double px = (b->x - r[0]) / (r[1] - r[0]) * 480, py = (b->y - r[2]) / (r[3] - r[2]) * 480, w = 0;
    for (const char *c = b->text; *c; c++) w += *c >= 'A' && *c <= 'Z' ? 8.5 : 6.5;
    box[0] = px + b->ox * 8.2, box[2] = box[0] + w;
    box[1] = py + b->oy * 16.5 - 6, box[3] = box[1] + 12;
}

void fig_expect_labels_apart(const char *script)
{
    static fig_label l[256];
    double r[4];
    size_t n = fig_labels(script, l, 256);
    if (n == 0) return;
    cr_assert(fig_range(script, "x", &r[0], &r[1]) && fig_range(script, "y", &r[2], &r[3]),
              "a script with labels sets both ranges");
    for (size_t i = 0; i < n; i++) {
        double a[4], b[4];
        label_box(&l[i], r, a);
        for (size_t j = 0; j < i; j++) {
            int near = fabs(l[i].x - l[j].x) < 0.01 * (r[1] - r[0]) && fabs(l[i].y - l[j].y) < 0.01 * (r[3] - r[2]);
            cr_expect(!(near && l[i].text[0] && strcmp(l[i].text, l[j].text) == 0), "'%s' at (%g, %g) is drawn twice", l[i].text,
                      l[i].x, l[i].y);
            label_box(&l[j], r, b);
            double w = fmin(a[2], b[2]) - fmax(a[0], b[0]), h = fmin(a[3], b[3]) - fmax(a[1], b[1]);
            cr_expect(!(l[i].text[0] && l[j].text[0] && w > 1 && h > 1), "labels '%s' and '%s' overlap", l[i].text,
                      l[j].text);
        }
    }
}

void fig_expect_silent_render(const char *dir, const char *gp)
{
    char cmd[2048], errpath[1024];
    snprintf(errpath, sizeof errpath, "%s/%s.stderr", dir, gp);
    snprintf(cmd, sizeof cmd, "cd '%s' && gnuplot '%s' > /dev/null 2> '%s'", dir, gp, errpath);
    int rc = system(cmd);
    cr_expect(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "gnuplot %s in %s failed", gp, dir);
    char *said = fig_read(errpath);
    cr_expect(said && said[0] == '\0', "gnuplot on %s said: %s", gp, said ? said : "(nothing readable)");
    free(said);
    remove(errpath);
}
