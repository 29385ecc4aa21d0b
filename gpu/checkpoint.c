/* The checkpoint file of a grid run in blocks (nd_ensemble_run_blocks, docs/cluster.md).
 *
 * Layout (native byte order: a checkpoint is resumed on the machines that wrote it):
 *   header   "NDCKPT01", the run's 128-bit hash, n, block        (40 bytes)
 *   records  "NDBLOCK1", block index k, L, L doubles (the packed block), FNV-1a of (k, L, values)
 * Crash safety: the header is written to a temporary file, flushed and renamed into place, so
 * the path never holds a partial header; a record is appended in one write and flushed
 * (fdatasync) before the block counts as saved. A kill in the middle of an append leaves a torn
 * last record, which fails its length or checksum: a resume drops it (truncates the file to the
 * last whole record) and runs that block again. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blocks_impl.h"

static const char HEAD_MAGIC[8] = {'N', 'D', 'C', 'K', 'P', 'T', '0', '1'};
static const char REC_MAGIC[8] = {'N', 'D', 'B', 'L', 'O', 'C', 'K', '1'};
enum { HEAD_BYTES = 40, REC_HEAD = 24 };

struct nd_ens_ckpt {
    int fd;
    char *path;
    off_t end; /* the end of the last whole record */
};

uint64_t nd_ens_fnv(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}

static int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w, len -= (size_t)w;
    }
    return 0;
}

static int read_all(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len) {
        ssize_t r = read(fd, p, len);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        p += r, len -= (size_t)r;
    }
    return 0;
}

static void header(unsigned char *h, const uint64_t hash[2], size_t n, size_t block)
{
    uint64_t v[4] = {hash[0], hash[1], n, block};
    memcpy(h, HEAD_MAGIC, 8);
    memcpy(h + 8, v, sizeof v);
}

/* A new file: the header through a temporary file renamed into place. */
static nd_status create(const char *path, const uint64_t hash[2], size_t n, size_t block, nd_error *err)
{
    size_t len = strlen(path) + 32;
    char *tmp = malloc(len);
    if (!tmp) return nd_fail(err, ND_ENOMEM, "checkpoint: no memory");
    snprintf(tmp, len, "%s.tmp.%ld", path, (long)getpid());
    unsigned char h[HEAD_BYTES];
    header(h, hash, n, block);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int ok = fd >= 0 && write_all(fd, h, sizeof h) == 0 && fsync(fd) == 0;
    if (fd >= 0 && close(fd) != 0) ok = 0;
    if (ok && rename(tmp, path) != 0) ok = 0;
    int e = errno;
    if (!ok) unlink(tmp);
    free(tmp);
    return ok ? ND_OK : nd_fail(err, ND_EIO, "checkpoint '%s': cannot create it: %s", path, strerror(e));
}

static nd_status check_header(int fd, const char *path, const uint64_t hash[2], size_t n, size_t block, nd_error *err)
{
    unsigned char h[HEAD_BYTES], want[HEAD_BYTES];
    if (read_all(fd, h, sizeof h) || memcmp(h, HEAD_MAGIC, 8))
        return nd_fail(err, ND_EINVAL, "checkpoint '%s' is not a neurodyn checkpoint", path);
    header(want, hash, n, block);
    if (memcmp(h, want, sizeof h)) {
        uint64_t had[4];
        memcpy(had, h + 8, sizeof had);
        return nd_fail(err, ND_EINVAL,
                       "checkpoint '%s' belongs to another run (run %016llx%016llx, %llu points in blocks of %llu; "
                       "this run is %016llx%016llx, %zu points in blocks of %zu): the model, the grid, an option or "
                       "the block size differ; remove it or give another file",
                       path, (unsigned long long)had[0], (unsigned long long)had[1], (unsigned long long)had[2],
                       (unsigned long long)had[3], (unsigned long long)hash[0], (unsigned long long)hash[1], n, block);
    }
    return ND_OK;
}

nd_status nd_ens_ckpt_open(const char *path, int resume, const uint64_t hash[2], size_t n, size_t block,
                           nd_ens_ckpt **out, nd_error *err)
{
    *out = NULL;
    struct stat sb;
    int exists = stat(path, &sb) == 0;
    if (exists && !resume)
        return nd_fail(err, ND_EINVAL, "checkpoint '%s' exists: resume the run it holds, or remove it", path);
    nd_status st = exists ? ND_OK : create(path, hash, n, block, err);
    if (st) return st;
    nd_ens_ckpt *c = calloc(1, sizeof *c);
    if (!c || !(c->path = strdup(path))) {
        free(c);
        return nd_fail(err, ND_ENOMEM, "checkpoint: no memory");
    }
    if ((c->fd = open(path, O_RDWR)) < 0) {
        st = nd_fail(err, ND_EIO, "checkpoint '%s': cannot open it: %s", path, strerror(errno));
        free(c->path), free(c);
        return st;
    }
    if ((st = check_header(c->fd, path, hash, n, block, err))) {
        nd_ens_ckpt_close(c);
        return st;
    }
    c->end = HEAD_BYTES;
    *out = c;
    return ND_OK;
}

static uint64_t record_sum(uint64_t k, uint64_t len, const double *v)
{
    uint64_t h = nd_ens_fnv(0xcbf29ce484222325ULL, &k, sizeof k);
    h = nd_ens_fnv(h, &len, sizeof len);
    return nd_ens_fnv(h, v, len * sizeof *v);
}

nd_status nd_ens_ckpt_replay(nd_ens_ckpt *c, nd_status (*got)(void *ctx, size_t k, const double *v, size_t len, nd_error *err),
                             void *ctx, nd_error *err)
{
    struct stat sb;
    if (fstat(c->fd, &sb)) return nd_fail(err, ND_EIO, "checkpoint '%s': %s", c->path, strerror(errno));
    off_t size = sb.st_size, at = HEAD_BYTES;
    nd_status st = ND_OK;
    double *v = NULL;
    for (;;) {
        unsigned char rh[REC_HEAD];
        uint64_t kl[2], sum;
        if (lseek(c->fd, at, SEEK_SET) < 0 || read_all(c->fd, rh, sizeof rh) || memcmp(rh, REC_MAGIC, 8)) break;
        memcpy(kl, rh + 8, sizeof kl);
        if (kl[1] == 0 || kl[1] > (uint64_t)(size - at) / sizeof(double)) break; /* torn: longer than the file */
        double *nv = realloc(v, kl[1] * sizeof *v);
        if (!nv) {
            st = nd_fail(err, ND_ENOMEM, "checkpoint: no memory for a block of %llu values", (unsigned long long)kl[1]);
            break;
        }
        v = nv;
        if (read_all(c->fd, v, kl[1] * sizeof *v) || read_all(c->fd, &sum, sizeof sum) || sum != record_sum(kl[0], kl[1], v))
            break;
        if ((st = got(ctx, (size_t)kl[0], v, (size_t)kl[1], err))) break;
        at += REC_HEAD + (off_t)(kl[1] * sizeof *v) + (off_t)sizeof sum;
    }
    free(v);
    if (st) return st;
    /* drop a torn tail so the next record follows the last whole one */
    if ((at < size && ftruncate(c->fd, at) != 0) || lseek(c->fd, at, SEEK_SET) < 0)
        return nd_fail(err, ND_EIO, "checkpoint '%s': cannot truncate a torn record: %s", c->path, strerror(errno));
    c->end = at;
    return ND_OK;
}

nd_status nd_ens_ckpt_append(nd_ens_ckpt *c, size_t k, const double *v, size_t len, nd_error *err)
{
    size_t bytes = REC_HEAD + len * sizeof *v + sizeof(uint64_t);
    unsigned char *rec = malloc(bytes);
    if (!rec) return nd_fail(err, ND_ENOMEM, "checkpoint: no memory for a record of %zu values", len);
    uint64_t kl[2] = {k, len}, sum = record_sum(k, len, v);
    memcpy(rec, REC_MAGIC, 8);
    memcpy(rec + 8, kl, sizeof kl);
    memcpy(rec + REC_HEAD, v, len * sizeof *v);
    memcpy(rec + REC_HEAD + len * sizeof *v, &sum, sizeof sum);
    int ok = lseek(c->fd, c->end, SEEK_SET) >= 0 && write_all(c->fd, rec, bytes) == 0 && fdatasync(c->fd) == 0;
    int e = errno;
    free(rec);
    if (!ok) { /* a partial record would hide the ones after it: cut it off */
        if (ftruncate(c->fd, c->end) != 0) e = errno;
        return nd_fail(err, ND_EIO, "checkpoint '%s': cannot save block %zu: %s", c->path, k, strerror(e));
    }
    c->end += (off_t)bytes;
    return ND_OK;
}

void nd_ens_ckpt_close(nd_ens_ckpt *c)
{
    if (!c) return;
    if (c->fd >= 0) close(c->fd);
    free(c->path);
    free(c);
}
