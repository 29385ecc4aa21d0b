/* One writer for neurodyn's TSV files: a header line of column names, then rows of numbers, each
 * printed with the fewest significant digits (at most 17) that read back to the same double, so
 * files are exact and short ("0.7", not "0.69999999999999996"); values that are not finite are
 * "nan", "inf" and "-inf", which strtod and gnuplot read. */
#ifndef NEURODYN_TSV_H
#define NEURODYN_TSV_H

#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* path opened for writing (created 0644, or truncated), never through a symbolic link: a link
 * planted where an output file goes is refused (errno ELOOP), not followed to overwrite what it
 * points at. NULL with errno set on failure. */
FILE *nd_file_create(const char *path);

/* The shortest round-trip text of v into buf (32 bytes are always enough); its length. */
size_t nd_format_real(char *buf, size_t len, double v);
/* Writes v as nd_format_real does. */
void nd_tsv_real(FILE *f, double v);
/* The header line: names separated by tabs. */
void nd_tsv_header(FILE *f, size_t n, const char *const *names);
/* A tab, then v: the next cell of a row. */
void nd_tsv_cell(FILE *f, double v);
/* One row of n numbers. */
void nd_tsv_row(FILE *f, size_t n, const double *v);

#ifdef __cplusplus
}
#endif

#endif
