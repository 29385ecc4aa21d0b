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

/* An output file that appears whole or not at all: what is written goes to a temporary file
 * next to path, and fclose renames it over path only when every write succeeded. A failed,
 * refused or interrupted command therefore never leaves a truncated file where a good one was,
 * and a symbolic link planted at path is replaced, never written through. Devices, pipes and
 * sockets at path are written in place. NULL with errno set on failure. */
FILE *nd_file_create(const char *path);
/* Closes a file from nd_file_create without publishing it: path keeps what it had. Returns
 * fclose's status. */
int nd_file_abandon(FILE *f);
/* Removes the temporaries of files still open; async-signal-safe, for a handler that ends the
 * process (a crash, a time limit). */
void nd_file_discard_pending(void);

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
