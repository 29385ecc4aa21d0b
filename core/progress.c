/* The progress line of include/neurodyn/progress.h: a mutex around the count and the drawing
 * (updates come every few milliseconds at most, from a handful of threads), the terminal test
 * with isatty, and "\r ... \033[K" to redraw and erase the line in place. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "neurodyn/progress.h"

enum { LABEL_LEN = 96 };
static const double FIRST_DRAW_S = 0.5, REDRAW_S = 0.2;

struct nd_progress {
    pthread_mutex_t lock;
    FILE *stream;
    char label[LABEL_LEN], unit[32];
    double total, done;
    double t_start, t_drawn; /* t_drawn < 0: nothing drawn yet */
    double first_draw;       /* seconds of work before the line appears */
    int force;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

const char *nd_progress_clock(double seconds, char *buf, size_t len)
{
    if (!(seconds >= 0) || !isfinite(seconds) || seconds > 1e7) {
        snprintf(buf, len, "--");
        return buf;
    }
    long s = lround(seconds);
    if (s >= 3600) snprintf(buf, len, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else snprintf(buf, len, "%ld:%02ld", s / 60, s % 60);
    return buf;
}

nd_progress *nd_progress_start(const char *label, const char *unit, double total, FILE *stream, int flags)
{
    if (!stream || !(total > 0) || !isfinite(total)) return NULL;
    int force = (flags & ND_PROGRESS_FORCE) != 0;
    if (!force && !isatty(fileno(stream))) return NULL;
    nd_progress *p = calloc(1, sizeof *p);
    if (!p) return NULL; /* progress is a courtesy: the work goes on without it */
    if (pthread_mutex_init(&p->lock, NULL) != 0) {
        free(p);
        return NULL;
    }
    p->stream = stream, p->total = total, p->force = force;
    snprintf(p->label, sizeof p->label, "%s", label ? label : "working");
    snprintf(p->unit, sizeof p->unit, "%s", unit ? unit : "");
    p->t_start = now_s(), p->t_drawn = -1;
    const char *delay = getenv("NEURODYN_PROGRESS_DELAY"); /* tests and demos: 0 draws at once */
    char *end;
    double d = delay ? strtod(delay, &end) : NAN;
    p->first_draw = force ? 0.0 : delay && end != delay && d >= 0 && isfinite(d) ? d : FIRST_DRAW_S;
    return p;
}

static void draw(nd_progress *p, double t)
{
    double frac = fmin(1.0, p->done / p->total), elapsed = t - p->t_start;
    double left = frac > 0.001 && elapsed > 0.2 ? elapsed * (1 - frac) / frac : NAN;
    char e[32], l[32];
    fprintf(p->stream, "\r%s: %3.0f%% of %.0f%s%s, %s elapsed, about %s left\033[K", p->label, 100 * frac, p->total,
            p->unit[0] ? " " : "", p->unit, nd_progress_clock(elapsed, e, sizeof e), nd_progress_clock(left, l, sizeof l));
    fflush(p->stream);
    p->t_drawn = t;
}

void nd_progress_add(nd_progress *p, double done)
{
    if (!p || !(done > 0)) return;
    pthread_mutex_lock(&p->lock);
    p->done += done;
    double t = now_s();
    int due = p->t_drawn < 0 ? t - p->t_start >= p->first_draw : t - p->t_drawn >= REDRAW_S;
    if (due) draw(p, t);
    pthread_mutex_unlock(&p->lock);
}

void nd_progress_callback(void *p, double done)
{
    nd_progress_add(p, done);
}

/* Erases a drawn line (the lock held). */
static void erase(nd_progress *p)
{
    if (p->t_drawn < 0) return;
    fputs("\r\033[K", p->stream);
    fflush(p->stream);
}

void nd_progress_clear(nd_progress *p)
{
    if (!p) return;
    pthread_mutex_lock(&p->lock);
    erase(p);
    if (p->t_drawn >= 0) p->t_drawn = 0; /* redrawn at the next update (t_drawn is long past) */
    pthread_mutex_unlock(&p->lock);
}

void nd_progress_finish(nd_progress *p)
{
    if (!p) return;
    erase(p);
    pthread_mutex_destroy(&p->lock);
    free(p);
}
