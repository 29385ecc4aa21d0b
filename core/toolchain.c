/* Compiling into the model cache: a private folder, content-keyed objects checked before use,
 * one build per key at a time (flock), and compilers run with posix_spawnp (core/spawn.c) and an argument
 * vector. What this trusts is written down in docs/security.md. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "toolchain.h"
#include "spawn.h"

#define MAX_MODEL_BYTES (16u << 20) /* a model file is source code: anything larger is a mistake */

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
    const unsigned char *b = data;
    for (size_t i = 0; i < len; i++) {
        h ^= b[i];
        h *= 1099511628211ULL;
    }
    return h;
}

nd_status nd_file_hash(const char *path, uint64_t *h, nd_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) return nd_fail(err, ND_EIO, "cannot read '%s': %s", path, strerror(errno));
    char buf[8192];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) *h = fnv1a(*h, buf, got);
    fclose(f);
    return ND_OK;
}

/* The first "flags" (x86) or "Features" (arm) line of /proc/cpuinfo: the features -march=native
 * turns on, read in microseconds (asking the compiler with -Q --help=target costs a compiler
 * run on every load). A cache shared between machines (an NFS home) then keeps one object per
 * CPU kind instead of loading one that dies with SIGILL. Elsewhere: 0, and the key ignores it. */
uint64_t nd_cpu_features_hash(void)
{
    static uint64_t memo; /* threads that race here compute the same value */
    uint64_t known = __atomic_load_n(&memo, __ATOMIC_RELAXED);
    if (known) return known;
    uint64_t h = ND_HASH_SEED;
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[8192];
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "flags", 5) == 0 || strncmp(line, "Features", 8) == 0) {
            h = fnv1a(h, line, strlen(line));
            break;
        }
    if (f) fclose(f);
    __atomic_store_n(&memo, h, __ATOMIC_RELAXED);
    return h;
}

/* ---- argument vectors -------------------------------------------------------------------- */

void nd_args_add(nd_args *a, const char *word)
{
    size_t n = strlen(word) + 1;
    if (a->n >= ND_MAX_ARGS || a->used + n > sizeof a->buf) {
        a->overflow = 1;
        return;
    }
    a->v[a->n] = memcpy(a->buf + a->used, word, n);
    a->used += n;
    a->v[++a->n] = NULL;
}

void nd_args_addf(nd_args *a, const char *fmt, ...)
{
    char word[2 * PATH_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(word, sizeof word, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof word) a->overflow = 1;
    else nd_args_add(a, word);
}

void nd_args_split(nd_args *a, const char *words)
{
    char copy[2 * PATH_MAX];
    snprintf(copy, sizeof copy, "%s", words);
    for (char *save = NULL, *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
        nd_args_add(a, w);
}

/* ---- running a compiler ------------------------------------------------------------------ */

nd_status nd_run_compiler(const nd_args *argv, const char *what, const char *out, nd_error *err)
{
    if (argv->overflow || argv->n == 0)
        return nd_fail(err, ND_ECOMPILE, "%s: the command line is too long", what);
    char log[ND_ERROR_MSG_LEN - 128];
    nd_tool_run run = nd_run_tool(argv->v, NULL, 1, log, sizeof log);
    if (run.spawn_errno) {
        unlink(out);
        return nd_fail(err, ND_ECOMPILE, "cannot run the compiler '%s': %s", argv->v[0], strerror(run.spawn_errno));
    }
    if (!run.exited_ok) {
        unlink(out);
        return nd_fail(err, ND_ECOMPILE, "%s failed:\n%s", what, run.n_said ? log : "(the compiler printed nothing)");
    }
    return ND_OK;
}

/* ---- the cache folder -------------------------------------------------------------------- */

/* Why st is not private to this user: NULL when it is. want_dir: a folder, else a regular file. */
static const char *not_private(const struct stat *st, int want_dir, char *why, size_t len)
{
    if (S_ISLNK(st->st_mode)) return "is a symbolic link";
    if (want_dir ? !S_ISDIR(st->st_mode) : !S_ISREG(st->st_mode))
        return want_dir ? "is not a folder" : "is not a regular file";
    if (st->st_uid != geteuid()) {
        snprintf(why, len, "is owned by user %ld, not by you (user %ld)", (long)st->st_uid, (long)geteuid());
        return why;
    }
    if (st->st_mode & (S_IWGRP | S_IWOTH)) {
        snprintf(why, len, "can be written by other users (mode %03o)", (unsigned)(st->st_mode & 0777));
        return why;
    }
    return NULL;
}

/* mkdir -p with mode 0700 for what it creates; the last folder's error is reported. */
static nd_status make_dirs(char *path, nd_error *err)
{
    for (char *s = path + 1; *s; s++) {
        if (*s != '/') continue;
        *s = '\0';
        mkdir(path, 0700); /* an existing parent is left as it is */
        *s = '/';
    }
    if (mkdir(path, 0700) != 0 && errno != EEXIST)
        return nd_fail(err, ND_EIO, "cannot create the model cache folder '%s': %s", path, strerror(errno));
    return ND_OK;
}

nd_status nd_cache_dir(char *buf, size_t len, nd_error *err)
{
    const char *env = getenv("NEURODYN_CACHE"), *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    char path[PATH_MAX];
    int n;
    if (env && *env) n = snprintf(path, sizeof path, "%s", env);
    else if (xdg && *xdg) n = snprintf(path, sizeof path, "%s/neurodyn", xdg);
    else if (home && *home) n = snprintf(path, sizeof path, "%s/.cache/neurodyn", home);
    else /* never a guessable folder in /tmp that another user could have made first */
        return nd_fail(err, ND_EINVAL, "no folder for the model cache: HOME and XDG_CACHE_HOME are unset; set "
                                       "XDG_CACHE_HOME (or HOME, or NEURODYN_CACHE) to a folder of yours");
    if (n < 0 || (size_t)n >= sizeof path || (size_t)n >= len)
        return nd_fail(err, ND_EINVAL, "the model cache folder's name is too long");
    while (n > 1 && path[n - 1] == '/') path[--n] = '\0'; /* lstat("link/") would follow the link */
    nd_status st = make_dirs(path, err);
    if (st) return st;
    struct stat sb;
    char why[128];
    const char *bad = lstat(path, &sb) != 0 ? strerror(errno) : not_private(&sb, 1, why, sizeof why);
    if (bad)
        return nd_fail(err, ND_EIO, "refusing the model cache folder '%s': it %s (set NEURODYN_CACHE or "
                                    "XDG_CACHE_HOME to a folder of yours that only you can write)", path, bad);
    snprintf(buf, len, "%s", path);
    return ND_OK;
}

/* ---- cached objects ---------------------------------------------------------------------- */

/* 1: a usable object at path; 0: none; else an error. A file that fails the check is refused,
 * not rebuilt over: in a private folder only root could have put it there, and replacing it
 * quietly would hide that. */
static int existing_object(const char *path, nd_status *st, nd_error *err)
{
    struct stat sb;
    if (lstat(path, &sb) != 0) {
        if (errno == ENOENT) return 0;
        *st = nd_fail(err, ND_EIO, "cannot inspect the cached object '%s': %s", path, strerror(errno));
        return -1;
    }
    char why[128];
    const char *bad = not_private(&sb, 0, why, sizeof why);
    if (!bad) return 1;
    *st = nd_fail(err, ND_EIO, "refusing to load the cached object '%s': it %s (remove it to rebuild)", path, bad);
    return -1;
}

/* The whole model file, into a new buffer (freed by the caller). */
static nd_status read_source(const char *path, char **buf, size_t *n, nd_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return nd_fail(err, ND_EIO, "cannot read '%s': %s", path, strerror(errno));
    struct stat sb;
    nd_status st = ND_OK;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) st = nd_fail(err, ND_EIO, "'%s' is not a regular file", path);
    else if ((uint64_t)sb.st_size > MAX_MODEL_BYTES)
        st = nd_fail(err, ND_EINVAL, "model file '%s' is over %u MiB", path, MAX_MODEL_BYTES >> 20);
    size_t cap = st ? 0 : (size_t)sb.st_size + 1, got = 0;
    char *b = st ? NULL : malloc(cap);
    if (!st && !b) st = nd_fail(err, ND_ENOMEM, "no memory to read '%s'", path);
    while (!st && got < cap) { /* a file that grows meanwhile is cut at its size + 1 */
        ssize_t r = read(fd, b + got, cap - got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) st = nd_fail(err, ND_EIO, "cannot read '%s': %s", path, strerror(errno));
        if (r <= 0) break;
        got += (size_t)r;
    }
    close(fd);
    if (st) {
        free(b);
        return st;
    }
    *buf = b, *n = got;
    return ND_OK;
}

static nd_status write_all(int fd, const char *data, size_t n, const char *path, nd_error *err)
{
    while (n > 0) {
        ssize_t w = write(fd, data, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return nd_fail(err, ND_EIO, "cannot write '%s': %s", path, strerror(errno));
        data += w, n -= (size_t)w;
    }
    return ND_OK;
}

/* The bytes that were hashed, into a new private file (O_EXCL, 0600), after a #line that makes
 * the compiler's messages name the user's file. A name that #line cannot carry is left out. */
static nd_status write_copy(const char *copy, const char *shown, const char *src, size_t n, nd_error *err)
{
    int fd = open(copy, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return nd_fail(err, ND_EIO, "cannot create '%s': %s", copy, strerror(errno));
    char line[2 * PATH_MAX + 32];
    size_t k = (size_t)snprintf(line, sizeof line, "#line 1 \"");
    for (const char *c = shown; *c && k + 4 < sizeof line; c++) {
        if ((unsigned char)*c < 0x20) {
            k = 0; /* a control character: no #line */
            break;
        }
        if (*c == '"' || *c == '\\') line[k++] = '\\';
        line[k++] = *c;
    }
    if (k) k += (size_t)snprintf(line + k, sizeof line - k, "\"\n");
    nd_status st = write_all(fd, line, k, copy, err);
    if (!st) st = write_all(fd, src, n, copy, err);
    if (close(fd) != 0 && !st) st = nd_fail(err, ND_EIO, "cannot write '%s': %s", copy, strerror(errno));
    return st;
}

/* Holding the key's lock: the private copy of the source, the build under a temporary name
 * (unique to this process and call), and the rename into place, so a run never loads half a
 * file. */
static nd_status build_locked(const nd_cache_job *job, const char *src, size_t n, const char *out, nd_error *err)
{
    static unsigned long builds;
    unsigned long id = __atomic_fetch_add(&builds, 1, __ATOMIC_RELAXED);
    char copy[PATH_MAX + 128], tmp[PATH_MAX + 128];
    snprintf(copy, sizeof copy, "%.*s.%ld-%lu.src.c", PATH_MAX, out, (long)getpid(), id);
    snprintf(tmp, sizeof tmp, "%.*s.%ld-%lu.tmp", PATH_MAX, out, (long)getpid(), id);
    nd_status st = write_copy(copy, job->src, src, n, err);
    if (!st) st = job->build(tmp, copy, job->ctx, err);
    unlink(copy);
    /* the linker honours the umask: with 002 the object would be group-writable and refused */
    if (!st && chmod(tmp, 0700) != 0) st = nd_fail(err, ND_EIO, "cannot chmod '%s': %s", tmp, strerror(errno));
    if (st) unlink(tmp);
    if (!st && rename(tmp, out) != 0) {
        unlink(tmp);
        st = nd_fail(err, ND_EIO, "cannot move the compiled object into '%s': %s", out, strerror(errno));
    }
    return st;
}

/* The object for out: checked if there, else built once. Concurrent first runs of one model
 * queue on out.lock (flock, released when the fd closes or the process dies) and the later ones
 * find the first one's object. Lock files stay: removing one races with a waiter on it. */
static nd_status object_for(const nd_cache_job *job, const char *src, size_t n, const char *out, nd_error *err)
{
    nd_status st = ND_OK;
    int have = existing_object(out, &st, err);
    if (have) return have > 0 ? ND_OK : st;
    char lock[PATH_MAX + 128];
    snprintf(lock, sizeof lock, "%.*s.lock", PATH_MAX, out);
    int fd = open(lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return nd_fail(err, ND_EIO, "cannot open the lock '%s': %s", lock, strerror(errno));
    while (flock(fd, LOCK_EX) != 0)
        if (errno != EINTR) {
            st = nd_fail(err, ND_EIO, "cannot lock '%s': %s", lock, strerror(errno));
            break;
        }
    if (!st && !(have = existing_object(out, &st, err))) st = build_locked(job, src, n, out, err);
    close(fd);
    return st;
}

nd_status nd_cache_build(const nd_cache_job *job, char *out, size_t len, uint64_t *src_hash, nd_error *err)
{
    char cache[PATH_MAX];
    nd_status st = nd_cache_dir(cache, sizeof cache, err);
    char *src = NULL;
    size_t n = 0;
    if (!st) st = read_source(job->src, &src, &n, err);
    if (st) return st;
    uint64_t file_hash = fnv1a(ND_HASH_SEED, src, n);
    if (src_hash) *src_hash = file_hash;
    if (job->check_hash && file_hash != job->expect_hash) {
        free(src);
        return nd_fail(err, ND_EINVAL, "model file '%s' has changed since it was loaded: load it again", job->src);
    }
    uint64_t h = fnv1a(ND_HASH_SEED, job->salt, strlen(job->salt));
    for (size_t i = 0; i < job->n_headers && !st; i++) st = nd_file_hash(job->headers[i], &h, err);
    h = fnv1a(h, src, n);
    if (!st && (size_t)snprintf(out, len, "%s/%s-%016llx.%s", cache, job->prefix, (unsigned long long)h, job->ext) >= len)
        st = nd_fail(err, ND_EINVAL, "the cached object's name is too long");
    if (!st) st = object_for(job, src, n, out, err);
    free(src);
    return st;
}
