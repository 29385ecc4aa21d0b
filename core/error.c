/* Error reporting: a status code plus a one-line message that names the bad value. */
#include <stdarg.h>
#include <stdio.h>

#include "neurodyn/error.h"

nd_status nd_fail(nd_error *err, nd_status code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

void nd_error_clear(nd_error *err)
{
    if (err) {
        err->code = ND_OK;
        err->msg[0] = '\0';
    }
}

const char *nd_status_name(nd_status code)
{
    switch (code) {
    case ND_OK: return "ok";
    case ND_EINVAL: return "invalid argument";
    case ND_ENOMEM: return "out of memory";
    case ND_ENONFINITE: return "non-finite value";
    case ND_EMAXSTEPS: return "step budget exhausted";
    case ND_ESTEPSIZE: return "step size too small";
    case ND_ECOMPILE: return "compilation failed";
    case ND_ELOAD: return "load failed";
    case ND_EIO: return "input/output error";
    case ND_ESTOPPED: return "stopped by callback";
    case ND_EFAILED: return "computation failed";
    }
    return "unknown status";
}
