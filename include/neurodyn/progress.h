/* neurodyn — a progress line with an ETA for long work, on a terminal only.
 *
 * One line on a stream (stderr for the commands), redrawn in place at most five times a second:
 *
 *     neurodyn sweep: 45% of 40000 trajectories, 0:05 elapsed, about 0:06 left
 *
 * It appears only when the stream is a terminal and the work has lasted half a second
 * ($NEURODYN_PROGRESS_DELAY seconds when set, e.g. 0 for tests and demos), and is erased when
 * the work ends, so pipes, files and tests see nothing. Updates are thread-safe: a
 * callback of OpenMP workers (nd_ensemble_opts.progress) can report directly. Every function
 * accepts NULL, which is what nd_progress_start gives when nothing is to be shown, so callers
 * need no conditions. */
#ifndef NEURODYN_PROGRESS_H
#define NEURODYN_PROGRESS_H

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nd_progress nd_progress;

/* ND_PROGRESS_FORCE: draw on any stream, from the first update (for tests). */
enum { ND_PROGRESS_FORCE = 1 };

/* A progress line for `total` units of work ("trajectories"), labelled like "neurodyn sweep";
 * NULL when the stream is not a terminal (unless forced), total is not > 0, or out of memory. */
nd_progress *nd_progress_start(const char *label, const char *unit, double total, FILE *stream, int flags);
/* `done` more units finished (thread-safe). */
void nd_progress_add(nd_progress *p, double done);
/* nd_progress_add for callbacks that take a void * context. */
void nd_progress_callback(void *p, double done);
/* Erases the line now, so that a message printed next starts a clean line; the next update
 * draws it again. */
void nd_progress_clear(nd_progress *p);
/* Erases the line if one was drawn, and frees. */
void nd_progress_finish(nd_progress *p);
/* "1:05", "1:02:03" or "--" for a duration in seconds (into buf). */
const char *nd_progress_clock(double seconds, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif
