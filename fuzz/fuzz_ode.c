/* libFuzzer harness: the XPPAUT .ode translator (include/neurodyn/ode.h) on arbitrary text.
 * Any input must give C source or a refusal with FILE:LINE:COL: no crash, no read or write out
 * of bounds, no undefined behaviour, no leak (built with -fsanitize=fuzzer,address,undefined
 * by `make fuzz`). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/neurodyn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 16384) return 0;
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size), text[size] = '\0';
    char *c = NULL;
    nd_error err;
    nd_status st = nd_ode_translate_text(text, "fuzz.ode", "fuzz", &c, &err);
    if (st == ND_OK && (!c || !strstr(c, "ND_EXPORT_MODEL(ode_model)"))) abort(); /* a translation is a whole model */
    if (st != ND_OK && (c || strncmp(err.msg, "fuzz.ode", 8) != 0)) abort();     /* a refusal says where */
    free(c);
    free(text);
    return 0;
}
