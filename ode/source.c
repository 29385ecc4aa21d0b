/* Reading an XPPAUT .ode file (ode_impl.h): logical lines (a trailing backslash continues a
 * line; `#` starts a comment; a line in double quotes is XPPAUT's tutorial text), each handed
 * to ode_statement with its line and column; the table of names, case-insensitive as in
 * XPPAUT; and errors that say where. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ode_impl.h"

nd_status ode_fail(const ode_file *f, ode_pos pos, nd_error *err, const char *fmt, ...)
{
    char msg[ND_ERROR_MSG_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return nd_fail(err, ND_EINVAL, "%s:%d:%d: %s", f->path, pos.line, pos.col, msg);
}

ode_sym *ode_find(const ode_file *f, const char *name, size_t len)
{
    for (size_t i = 0; i < f->n_syms; i++)
        if (strlen(f->syms[i].name) == len && strncasecmp(f->syms[i].name, name, len) == 0) return &f->syms[i];
    return NULL;
}

void ode_free(ode_file *f)
{
    for (size_t i = 0; i < f->n_syms; i++) {
        free(f->syms[i].name), free(f->syms[i].expr);
        for (int k = 0; k < f->syms[i].n_args; k++) free(f->syms[i].args[k]);
    }
    for (size_t i = 0; i < f->n_events; i++) {
        ode_event *e = &f->events[i];
        free(e->cond);
        for (int k = 0; k < e->n_set; k++) free(e->set_name[k]), free(e->set_expr[k]);
        free(e->set_name), free(e->set_expr);
    }
    for (size_t i = 0; i < f->n_inits; i++) free(f->inits[i].name);
    free(f->syms), free(f->events), free(f->inits);
    memset(f, 0, sizeof *f);
}

/* The physical line of each logical line's start, and the logical line itself: continuation
 * lines joined (the backslash and newline become a blank), comments cut. */
typedef struct line_reader {
    const char *s;
    int line;
} line_reader;

static char *next_line(line_reader *r, int *first_line)
{
    if (!*r->s) return NULL;
    *first_line = r->line + 1;
    size_t cap = 128, n = 0;
    char *out = malloc(cap);
    if (!out) return NULL;
    int in_comment = 0;
    for (;;) {
        const char *end = r->s + strcspn(r->s, "\n");
        r->line++;
        size_t len = (size_t)(end - r->s);
        while (len && (r->s[len - 1] == '\r' || r->s[len - 1] == ' ' || r->s[len - 1] == '\t')) len--;
        int continues = len && r->s[len - 1] == '\\';
        if (continues) len--;
        if (n + len + 2 > cap) {
            while (n + len + 2 > cap) cap *= 2;
            char *grown = realloc(out, cap);
            if (!grown) return free(out), NULL;
            out = grown;
        }
        for (size_t i = 0; i < len; i++) {
            if (r->s[i] == '#') in_comment = 1;
            if (!in_comment) out[n++] = r->s[i];
        }
        r->s = *end ? end + 1 : end;
        if (!continues || !*r->s) break;
        out[n++] = ' ';
    }
    out[n] = '\0';
    return out;
}

nd_status ode_read(const char *path, const char *text, ode_file *f, nd_error *err)
{
    memset(f, 0, sizeof *f);
    f->path = path;
    line_reader r = {text, 0};
    int line = 0, done = 0;
    nd_status st = ND_OK;
    for (char *l; !st && !done && (l = next_line(&r, &line));) {
        char *s = l;
        while (isspace((unsigned char)*s)) s++;
        ode_pos at = {line, (int)(s - l) + 1};
        if (*s && *s != '"') st = ode_statement(f, s, at, &done, err);
        free(l);
    }
    if (!st && *r.s && !done) st = nd_fail(err, ND_ENOMEM, "no memory to read '%s'", path);
    if (!st) st = ode_resolve(f, err);
    if (!st && f->n_of[ODE_VAR] == 0)
        st = nd_fail(err, ND_EINVAL, "%s: no differential equation (x' = ... or dx/dt = ...)", path);
    if (st) ode_free(f);
    return st;
}
