/* The public entry points of the .ode translator (include/neurodyn/ode.h). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/ode.h"
#include "ode_impl.h"

#define MAX_ODE_BYTES (4u << 20) /* an .ode file is a page of equations: anything larger is a mistake */

nd_status nd_ode_translate_text(const char *text, const char *shown, const char *model_name, char **c_source,
                                nd_error *err)
{
    if (!text || !c_source || !model_name) return nd_fail(err, ND_EINVAL, "nd_ode_translate_text: NULL argument");
    *c_source = NULL;
    ode_file f;
    nd_status st = ode_read(shown ? shown : "(ode)", text, &f, err);
    if (st) return st;
    ode_buf out = {0};
    st = ode_emit(&f, model_name, &out, err);
    ode_free(&f);
    if (st) free(out.s);
    else *c_source = out.s;
    return st;
}

/* The file's base name without .ode, as an identifier. */
static void model_name_of(const char *path, char *name, size_t len)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 4 && strcmp(base + n - 4, ".ode") == 0) n -= 4;
    if (n >= len) n = len - 1;
    for (size_t i = 0; i < n; i++) name[i] = isalnum((unsigned char)base[i]) ? base[i] : '_';
    name[n] = '\0';
    if (!n) snprintf(name, len, "ode");
}

nd_status nd_ode_translate(const char *path, char **c_source, nd_error *err)
{
    if (!path || !c_source) return nd_fail(err, ND_EINVAL, "nd_ode_translate: NULL argument");
    FILE *in = fopen(path, "rb");
    if (!in) return nd_fail(err, errno == ENOENT ? ND_EINVAL : ND_EIO, "cannot read '%s': %s", path, strerror(errno));
    char *text = malloc(MAX_ODE_BYTES + 1);
    size_t n = text ? fread(text, 1, MAX_ODE_BYTES + 1, in) : 0;
    int bad = ferror(in);
    fclose(in);
    if (!text) return nd_fail(err, ND_ENOMEM, "no memory to read '%s'", path);
    if (bad || n > MAX_ODE_BYTES) {
        free(text);
        return bad ? nd_fail(err, ND_EIO, "cannot read '%s'", path)
                   : nd_fail(err, ND_EINVAL, "'%s' is over %u MiB: not an .ode file", path, MAX_ODE_BYTES >> 20);
    }
    if (memchr(text, '\0', n)) {
        free(text);
        return nd_fail(err, ND_EINVAL, "'%s' holds a NUL byte: not a text file", path);
    }
    text[n] = '\0';
    char name[64];
    model_name_of(path, name, sizeof name);
    nd_status st = nd_ode_translate_text(text, path, name, c_source, err);
    free(text);
    return st;
}
