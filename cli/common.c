/* Helpers shared by the subcommands. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_error(const char *cmd, const nd_error *err)
{
    fprintf(stderr, "neurodyn %s: %s\n", cmd, err->msg);
    return err->code == ND_EINVAL ? EXIT_USAGE : EXIT_FAILED;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "neurodyn %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (see neurodyn %s --help)\n", cmd);
    va_end(ap);
    return EXIT_USAGE;
}

int cli_load_model(const char *cmd, const char *spec, nd_model_ref *ref, double **p, double **x)
{
    nd_error err;
    if (nd_model_load(spec, ref, &err)) return cli_error(cmd, &err);
    const nd_model *m = ref->model;
    *p = calloc(m->n_pars + 1, sizeof **p);
    *x = calloc(m->n_vars, sizeof **x);
    if (!*p || !*x) {
        free(*p), free(*x);
        nd_model_unload(ref);
        fprintf(stderr, "neurodyn %s: out of memory\n", cmd);
        return EXIT_FAILED;
    }
    nd_model_default_params(m, *p);
    nd_model_default_state(m, *x);
    return EXIT_OK;
}

int cli_number(const char *cmd, const char *opt, const char *text, double *out)
{
    nd_error err;
    char what[64];
    snprintf(what, sizeof what, "--%s", opt);
    if (nd_parse_double(text, what, out, &err)) return cli_error(cmd, &err);
    return EXIT_OK;
}

void cli_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c == '\n') fputs("\\n", f);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}
