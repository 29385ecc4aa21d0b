/* The pieces every figure's gnuplot script shares: the terminal by the output's extension, paths
 * to the data relative to the script's folder, quoted strings, the title with the changed
 * parameters, and one `plot` command assembled from the parts that have something to draw. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "gnuplot_impl.h"
#include "neurodyn/tsv.h"

const char *nd_gp_extension(const char *path)
{
    const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
    return dot && (!slash || dot > slash) ? dot + 1 : "";
}

const char *nd_gp_base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

void nd_gp_dir_name(const char *path, char *buf, size_t len)
{
    const char *s = strrchr(path, '/');
    if (!s) snprintf(buf, len, ".");
    else if (s == path) snprintf(buf, len, "/");
    else snprintf(buf, len, "%.*s", (int)(s - path), path);
}

const char *nd_gp_terminal(const char *out, int h)
{
    static _Thread_local char buf[160];
    const char *ext = nd_gp_extension(out);
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

/* ---- paths ----------------------------------------------------------------------------------- */

/* The relative path from folder `from` to folder `to` (both absolute, no trailing '/'). */
static void relative_dir(const char *from, const char *to, char *buf, size_t len)
{
    size_t common = 0;
    for (size_t i = 0;; i++) { /* the longest common prefix that ends at a component boundary */
        char a = from[i], b = to[i];
        if ((a == '/' || a == '\0') && (b == '/' || b == '\0')) common = i;
        if (a != b || a == '\0') break;
    }
    buf[0] = '\0';
    for (const char *s = from + common; *s; s++) /* one ".." per component of from below it */
        if (*s == '/') strncat(buf, "../", len - strlen(buf) - 1);
    const char *rest = to + common;
    if (*rest == '/') rest++;
    if (*rest) strncat(buf, rest, len - strlen(buf) - 1), strncat(buf, "/", len - strlen(buf) - 1);
}

/* A single-quoted gnuplot string takes every character literally (no `command` substitution,
 * no backslash escapes) except the quote, which is doubled. A control character (a newline in a
 * path) cannot stand in one, so it is joined in as a double-quoted octal escape, which holds no
 * backquote: 'a'."\012".'b'. The result is a string expression, valid wherever gnuplot takes
 * a string. */
static size_t quote_into(const char *s, char *buf, size_t len)
{
    size_t k = 0;
    char piece[16];
    buf[k++] = '\'';
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        int n = c == '\'' ? snprintf(piece, sizeof piece, "''")
              : c < 0x20 || c == 0x7f ? snprintf(piece, sizeof piece, "'.\"\\%03o\".'", c)
                                      : snprintf(piece, sizeof piece, "%c", c);
        if (k + (size_t)n + 2 > len) break; /* cut whole pieces only, and keep the closing quote */
        memcpy(buf + k, piece, (size_t)n), k += (size_t)n;
    }
    buf[k++] = '\'';
    buf[k] = '\0';
    return k;
}

const char *nd_gp_quoted(const char *s, char *buf, size_t len)
{
    if (len < 3) return "''";
    quote_into(s, buf, len);
    return buf;
}

void nd_gp_data_ref(const char *data, const char *out, char *buf, size_t len)
{
    char dd[PATH_MAX], od[PATH_MAX], rd[PATH_MAX], ro[PATH_MAX], rel[2 * PATH_MAX];
    nd_gp_dir_name(data, dd, sizeof dd);
    nd_gp_dir_name(out, od, sizeof od);
    if (!realpath(dd, rd) || !realpath(od, ro)) { /* not there yet: as given */
        nd_gp_quoted(data, buf, len);
        return;
    }
    if (strcmp(rd, "/") == 0) rd[0] = '\0'; /* so that "/" + name works for the root */
    if (strcmp(ro, "/") == 0) ro[0] = '\0';
    relative_dir(ro, rd, rel, sizeof rel);
    strncat(rel, nd_gp_base_name(data), sizeof rel - strlen(rel) - 1);
    nd_gp_quoted(rel, buf, len);
}

void nd_gp_data_ref_in(const char *dir, const char *name, const char *out, char *buf, size_t len)
{
    char path[PATH_MAX + 256];
    snprintf(path, sizeof path, "%.*s/%.255s", PATH_MAX - 1, dir, name);
    nd_gp_data_ref(path, out, buf, len);
}

/* ---- text ------------------------------------------------------------------------------------ */

void nd_gp_quote(FILE *f, const char *s)
{
    char piece[16];
    fputc('\'', f);
    for (; s && *s; s++) {
        quote_into((char[]){*s, '\0'}, piece, sizeof piece); /* 'c' */
        piece[strlen(piece) - 1] = '\0';
        fputs(piece + 1, f);
    }
    fputc('\'', f);
}

void nd_gp_comment_text(FILE *f, const char *s)
{
    for (; s && *s; s++) fputc((unsigned char)*s < 0x20 || *s == 0x7f || *s == '\\' ? '?' : *s, f);
    fputc('\n', f);
}

void nd_gp_title_expr(FILE *f, const char *title, const char *params)
{
    nd_gp_quote(f, title);
    if (params && *params) fputs(".\"\\n\".", f), nd_gp_quote(f, params);
}

void nd_gp_title(FILE *f, const char *title, const char *params)
{
    fputs("set title ", f);
    nd_gp_title_expr(f, title, params);
    fputs(" noenhanced\n", f);
}

void nd_gp_label(FILE *f, const char *which, const char *text)
{
    fprintf(f, "set %s ", which);
    nd_gp_quote(f, text);
    fputs(" noenhanced\n", f);
}

const char *nd_plot_changed_params(const nd_model *m, const double *p, int skip1, int skip2, char *buf, size_t len)
{
    if (!buf || len == 0) return "";
    buf[0] = '\0';
    for (size_t i = 0; m && p && m->par_defaults && i < m->n_pars; i++) {
        if ((int)i == skip1 || (int)i == skip2 || p[i] == m->par_defaults[i]) continue;
        size_t used = strlen(buf);
        const char *unit = m->par_units && m->par_units[i] ? m->par_units[i] : "";
        snprintf(buf + used, len - used, "%s%s = %.6g%s%s", used ? ", " : "", m->par_names[i], p[i], *unit ? " " : "", unit);
    }
    return buf;
}

/* ---- the script ------------------------------------------------------------------------------- */

FILE *nd_gp_open_script(const char *out, int height, const char *what, char *script, size_t len, nd_error *err)
{
    const char *term = out ? nd_gp_terminal(out, height) : NULL;
    if (!term) {
        nd_fail(err, ND_EINVAL, "plot file '%s': use the extension .png, .svg or .pdf", out ? out : "(null)");
        return NULL;
    }
    const char *ext = nd_gp_extension(out);
    size_t stem = *ext ? (size_t)(ext - out - 1) : strlen(out);
    snprintf(script, len, "%.*s.gp", (int)stem, out);
    FILE *f = nd_file_create(script);
    if (!f) {
        nd_fail(err, ND_EIO, "cannot write '%s': %s", script, strerror(errno));
        return NULL;
    }
    fprintf(f, "# neurodyn %s; edit freely and re-run from this folder: gnuplot ", what);
    nd_gp_comment_text(f, nd_gp_base_name(script));
    fprintf(f, "%s\nset output ", term);
    nd_gp_quote(f, nd_gp_base_name(out));
    fprintf(f, "\nset datafile separator tab\n");
    return f;
}

nd_plot_status nd_gp_finish(FILE *f, const char *script, nd_error *err)
{
    int bad = ferror(f);
    if ((fclose(f) != 0) | bad) {
        nd_fail(err, ND_EIO, "writing '%s' failed", script);
        return ND_PLOT_FAILED;
    }
    return nd_plot_render(script, err);
}

void nd_gp_plot_add(nd_gp_plot *p, const char *fmt, ...)
{
    fputs(p->n++ ? ", \\\n     " : "plot ", p->f);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(p->f, fmt, ap);
    va_end(ap);
}

void nd_gp_plot_end(nd_gp_plot *p)
{
    fputs(p->n ? "\n" : "unset key\nplot NaN notitle\n", p->f); /* an empty frame, without a key box */
}
