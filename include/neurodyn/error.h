/* neurodyn — error reporting.
 *
 * Every public function that can fail returns an nd_status and, when the caller passes a
 * non-NULL nd_error, fills it with a one-line message that names the offending value.
 * Nothing in the library aborts or exits. */
#ifndef NEURODYN_ERROR_H
#define NEURODYN_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum nd_status {
    ND_OK = 0,
    ND_EINVAL,     /* bad argument: the message names it */
    ND_ENOMEM,     /* allocation failed or would exceed the memory limit */
    ND_ENONFINITE, /* the right-hand side produced NaN or Inf */
    ND_EMAXSTEPS,  /* step budget exhausted */
    ND_ESTEPSIZE,  /* adaptive step size fell below its minimum */
    ND_ECOMPILE,   /* a user model file did not compile */
    ND_ELOAD,      /* a shared object could not be loaded or defines no model */
    ND_EIO,        /* file input/output */
    ND_ESTOPPED,   /* a user callback asked to stop (not an error for the caller) */
    ND_EFAILED     /* a numerical method failed; the message says what was tried */
} nd_status;

#define ND_ERROR_MSG_LEN 1024

typedef struct nd_error {
    nd_status code;
    char msg[ND_ERROR_MSG_LEN];
} nd_error;

/* Fills err (if non-NULL) with code and a printf-style message; returns code. */
nd_status nd_fail(nd_error *err, nd_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Clears err (if non-NULL). */
void nd_error_clear(nd_error *err);

/* Short name of a status code, e.g. "invalid argument". */
const char *nd_status_name(nd_status code);

#ifdef __cplusplus
}
#endif

#endif
