/* Private to plots/: opening and closing the data files of a figure. */
#ifndef ND_PLOTS_DATA_IO_H
#define ND_PLOTS_DATA_IO_H

#include <stdio.h>

#include "neurodyn/error.h"

/* dir/name opened for writing, or NULL with err saying why. */
FILE *nd_data_open(const char *dir, const char *name, nd_error *err);
/* Closes f; ND_EIO naming the file when anything failed to be written. */
nd_status nd_data_close(FILE *f, const char *name, nd_error *err);

#endif
