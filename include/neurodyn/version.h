/* neurodyn — the version, written once.
 *
 * The Makefile reads ND_VERSION_MAJOR, _MINOR and _PATCH from this file for the shared
 * library's file name and SONAME and for neurodyn.pc; `neurodyn --version` prints
 * ND_VERSION_STRING. While the major version is 0 the ABI may change with the minor version,
 * so the SONAME carries both (libneurodyn.so.0.1); from 1 on, the major version alone. */
#ifndef NEURODYN_VERSION_H
#define NEURODYN_VERSION_H

#define ND_VERSION_MAJOR 0
#define ND_VERSION_MINOR 1
#define ND_VERSION_PATCH 0

#define ND_VERSION_STR_(x) #x
#define ND_VERSION_STR(x) ND_VERSION_STR_(x)
/* "MAJOR.MINOR.PATCH" */
#define ND_VERSION_STRING                                                                          \
    ND_VERSION_STR(ND_VERSION_MAJOR) "." ND_VERSION_STR(ND_VERSION_MINOR) "." ND_VERSION_STR(ND_VERSION_PATCH)

#endif
