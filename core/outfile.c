/* Output files that appear whole or not at all (include/neurodyn/tsv.h: nd_file_create).
 *
 * The FILE writes to a temporary file in the destination's folder (rename cannot cross file
 * systems) and its close renames it over the destination, so a command that fails, is refused,
 * crashes or times out half-way never leaves a truncated file where a good one was. A symbolic
 * link at the destination is replaced by the finished file, never written through. Devices,
 * pipes and sockets (/dev/null, /dev/stdout, a FIFO) are written in place: renaming over them
 * would replace them.
 *
 * The FILE is glibc's fopencookie: every caller's plain fclose commits the file, and a caller
 * that gives up calls nd_file_abandon instead. Files still open are listed in a fixed table that
 * a signal handler can walk (nd_file_discard_pending) to remove their temporaries. */
#define _GNU_SOURCE /* fopencookie */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "neurodyn/tsv.h"

typedef struct out_cookie {
    int fd;
    int failed;    /* a write failed: the destination is left as it was */
    int abandoned; /* the caller gave up */
    char *tmp;     /* the temporary's path; NULL when written in place */
    char *path;
} out_cookie;

/* ---- the temporaries a signal handler may remove ------------------------------------------- */
#define PENDING_SLOTS 64
static char *volatile pending[PENDING_SLOTS];
static FILE *volatile pending_file[PENDING_SLOTS];
static out_cookie *volatile pending_cookie[PENDING_SLOTS];

static void pending_add(FILE *f, out_cookie *c)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    for (int i = 0; i < PENDING_SLOTS; i++)
        if (!pending_file[i]) {
            pending_file[i] = f, pending_cookie[i] = c, pending[i] = c->tmp;
            break;
        }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void pending_remove(const out_cookie *c)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    for (int i = 0; i < PENDING_SLOTS; i++)
        if (pending_cookie[i] == c) pending[i] = NULL, pending_file[i] = NULL, pending_cookie[i] = NULL;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void nd_file_discard_pending(void)
{
    for (int i = 0; i < PENDING_SLOTS; i++) {
        char *tmp = pending[i];
        if (tmp) unlink(tmp); /* async-signal-safe */
    }
}

/* ---- the cookie's functions ------------------------------------------------------------------ */
static ssize_t out_write(void *cookie, const char *buf, size_t len)
{
    out_cookie *c = cookie;
    size_t done = 0;
    while (done < len) {
        ssize_t k = write(c->fd, buf + done, len - done);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) {
            c->failed = 1;
            return done ? (ssize_t)done : -1;
        }
        done += (size_t)k;
    }
    return (ssize_t)done;
}

static int out_close(void *cookie)
{
    out_cookie *c = cookie;
    pending_remove(c);
    int rc = close(c->fd) != 0 ? -1 : 0;
    if (c->tmp) {
        if (c->failed || c->abandoned || rc) unlink(c->tmp);
        else if (rename(c->tmp, c->path) != 0) rc = -1, unlink(c->tmp);
    }
    if (c->failed) rc = -1, errno = EIO;
    free(c->tmp), free(c->path), free(c);
    return rc;
}

static mode_t current_umask(void)
{
    mode_t u = umask(0);
    umask(u);
    return u;
}

/* Opens the temporary next to path; fills c->fd and c->tmp. */
static int open_temporary(out_cookie *c, const char *path)
{
    size_t len = strlen(path) + 16;
    if (!(c->tmp = malloc(len))) return errno = ENOMEM, -1;
    snprintf(c->tmp, len, "%s.tmp-XXXXXX", path);
    c->fd = mkostemp(c->tmp, O_CLOEXEC);
    if (c->fd < 0) {
        int e = errno;
        free(c->tmp), c->tmp = NULL;
        return errno = e, -1;
    }
    fchmod(c->fd, 0644 & ~current_umask()); /* mkstemp makes it 0600; outputs are meant to be read */
    return 0;
}

/* A device, pipe or socket, or anything under /dev (whose links, /dev/stdout -> /proc/self/fd/1,
 * belong to the system and must never be replaced), is written in place. */
static int written_in_place(const char *path)
{
    struct stat st;
    if (strncmp(path, "/dev/", 5) == 0) return 1;
    return lstat(path, &st) == 0 && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
}

FILE *nd_file_create(const char *path)
{
    if (!path || !*path) return errno = EINVAL, NULL;
    out_cookie *c = calloc(1, sizeof *c);
    if (!c || !(c->path = strdup(path))) return free(c), errno = ENOMEM, NULL;
    int special = written_in_place(path);
    if (special) c->fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
    if ((special && c->fd < 0) || (!special && open_temporary(c, path) < 0)) {
        int e = errno;
        free(c->path), free(c);
        return errno = e, NULL;
    }
    cookie_io_functions_t io = {.read = NULL, .write = out_write, .seek = NULL, .close = out_close};
    FILE *f = fopencookie(c, "w", io);
    if (!f) {
        int e = errno;
        close(c->fd);
        if (c->tmp) unlink(c->tmp);
        free(c->tmp), free(c->path), free(c);
        return errno = e, NULL;
    }
    if (c->tmp) pending_add(f, c);
    return f;
}

int nd_file_abandon(FILE *f)
{
    if (!f) return 0;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    for (int i = 0; i < PENDING_SLOTS; i++)
        if (pending_file[i] == f) pending_cookie[i]->abandoned = 1;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return fclose(f);
}
