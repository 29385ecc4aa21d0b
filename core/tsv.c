/* The TSV writer (include/neurodyn/tsv.h). Shortest round-trip by trying 15, 16 and 17
 * significant digits: a double that some decimal of at most 15 digits reads back to is
 * printed as that decimal by %.15g (trailing zeros dropped), and 17 digits always suffice
 * (IEEE 754: ceil(1 + 53 log10 2) = 17). */
#include <math.h>
#include <stdlib.h>

#include "neurodyn/tsv.h"

size_t nd_format_real(char *buf, size_t len, double v)
{
    int k;
    if (isnan(v)) k = snprintf(buf, len, "nan");
    else if (isinf(v)) k = snprintf(buf, len, v > 0 ? "inf" : "-inf");
    else {
        k = snprintf(buf, len, "%.15g", v);
        for (int digits = 16; digits <= 17 && strtod(buf, NULL) != v; digits++) k = snprintf(buf, len, "%.*g", digits, v);
    }
    return k < 0 ? 0 : (size_t)k;
}

void nd_tsv_real(FILE *f, double v)
{
    char buf[32];
    nd_format_real(buf, sizeof buf, v);
    fputs(buf, f);
}

void nd_tsv_cell(FILE *f, double v)
{
    fputc('\t', f);
    nd_tsv_real(f, v);
}

void nd_tsv_header(FILE *f, size_t n, const char *const *names)
{
    for (size_t i = 0; i < n; i++) {
        if (i) fputc('\t', f);
        fputs(names[i], f);
    }
    fputc('\n', f);
}

void nd_tsv_row(FILE *f, size_t n, const double *v)
{
    for (size_t i = 0; i < n; i++) {
        if (i) fputc('\t', f);
        nd_tsv_real(f, v[i]);
    }
    fputc('\n', f);
}
