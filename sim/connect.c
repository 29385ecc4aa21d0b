/* Connectivity builders and the structures derived from the canonical (pre, post) order.
 * Semantics follow BrainPy's brainpy/_src/connect (regular_conn.py, random_conn.py): the
 * references are given at each builder. */
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/connect.h"
#include "neurodyn/core.h"

/* ---- a growable list of synapses --------------------------------------------------------- */
typedef struct edges {
    uint32_t *i, *j;
    double *w;
    size_t n, cap;
    int weighted;
} edges;

static nd_status edges_push(edges *e, size_t i, size_t j, double w, nd_error *err)
{
    if (e->n == e->cap) {
        size_t cap = e->cap ? 2 * e->cap : 1024;
        size_t per = 2 * sizeof(uint32_t) + (e->weighted ? sizeof(double) : 0);
        if (nd_check_alloc(cap * per, "the synapse list", err)) return ND_ENOMEM;
        uint32_t *ni = realloc(e->i, cap * sizeof *ni);
        if (ni) e->i = ni;
        uint32_t *nj = realloc(e->j, cap * sizeof *nj);
        if (nj) e->j = nj;
        double *nw = e->weighted ? realloc(e->w, cap * sizeof *nw) : NULL;
        if (nw) e->w = nw;
        if (!ni || !nj || (e->weighted && !nw))
            return nd_fail(err, ND_ENOMEM, "out of memory growing the synapse list to %zu", cap);
        e->cap = cap;
    }
    e->i[e->n] = (uint32_t)i, e->j[e->n] = (uint32_t)j;
    if (e->weighted) e->w[e->n] = w;
    e->n++;
    return ND_OK;
}

static void edges_free(edges *e)
{
    free(e->i), free(e->j), free(e->w);
    memset(e, 0, sizeof *e);
}

void nd_conn_free(nd_conn *c)
{
    if (!c) return;
    free(c->pre_ids), free(c->post_ids), free(c->pre_ptr), free(c->weights);
    free(c->post_ptr), free(c->post_pre), free(c->post_syn), free(c->syn_ids);
    memset(c, 0, sizeof *c);
}

static nd_status check_sizes(size_t n_pre, size_t n_post, nd_error *err)
{
    if (n_pre == 0 || n_post == 0)
        return nd_fail(err, ND_EINVAL, "group sizes must be positive (pre %zu, post %zu)", n_pre, n_post);
    if (n_pre > UINT32_MAX || n_post > UINT32_MAX)
        return nd_fail(err, ND_EINVAL, "group sizes above 2^32 are not supported (pre %zu, post %zu)",
                       n_pre, n_post);
    return ND_OK;
}

/* Sorts the list into canonical (pre, post) order by two stable counting sorts (post, then
 * pre) and moves it into c. Duplicate pairs are refused: a synapse appears once. */
static nd_status finish(edges *e, size_t n_pre, size_t n_post, nd_conn *c, nd_error *err)
{
    memset(c, 0, sizeof *c);
    size_t n = e->n;
    size_t *cnt = calloc((n_pre > n_post ? n_pre : n_post) + 1, sizeof *cnt);
    uint32_t *ti = malloc((n ? n : 1) * sizeof *ti), *tj = malloc((n ? n : 1) * sizeof *tj);
    double *tw = e->weighted ? malloc((n ? n : 1) * sizeof *tw) : NULL;
    size_t *ptr = calloc(n_pre + 1, sizeof *ptr);
    uint32_t *pi = malloc((n ? n : 1) * sizeof *pi), *pj = malloc((n ? n : 1) * sizeof *pj);
    double *pw = e->weighted ? malloc((n ? n : 1) * sizeof *pw) : NULL;
    nd_status st = ND_OK;
    if (!cnt || !ti || !tj || !ptr || !pi || !pj || (e->weighted && (!tw || !pw))) {
        st = nd_fail(err, ND_ENOMEM, "out of memory sorting %zu synapses", n);
        goto done;
    }
    /* pass 1: by post */
    for (size_t k = 0; k < n; k++) cnt[e->j[k] + 1]++;
    for (size_t q = 0; q < n_post; q++) cnt[q + 1] += cnt[q];
    for (size_t k = 0; k < n; k++) {
        size_t d = cnt[e->j[k]]++;
        ti[d] = e->i[k], tj[d] = e->j[k];
        if (tw) tw[d] = e->w[k];
    }
    /* pass 2: by pre, stable, so posts stay ascending within a pre */
    for (size_t k = 0; k < n; k++) ptr[ti[k] + 1]++;
    for (size_t q = 0; q < n_pre; q++) ptr[q + 1] += ptr[q];
    memcpy(cnt, ptr, n_pre * sizeof *cnt);
    for (size_t k = 0; k < n; k++) {
        size_t d = cnt[ti[k]]++;
        pi[d] = ti[k], pj[d] = tj[k];
        if (pw) pw[d] = tw[k];
    }
    for (size_t k = 1; k < n; k++)
        if (pi[k] == pi[k - 1] && pj[k] == pj[k - 1]) {
            st = nd_fail(err, ND_EINVAL, "synapse (%u, %u) is given twice", pi[k], pj[k]);
            goto done;
        }
    c->n_pre = n_pre, c->n_post = n_post, c->n_syn = n;
    c->pre_ids = pi, c->post_ids = pj, c->pre_ptr = ptr, c->weights = pw;
    pi = pj = NULL, ptr = NULL, pw = NULL;
done:
    free(cnt), free(ti), free(tj), free(tw), free(ptr), free(pi), free(pj), free(pw);
    edges_free(e);
    return st;
}

static gsl_rng *make_rng(uint64_t seed, nd_error *err)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r) nd_fail(err, ND_ENOMEM, "cannot allocate a random generator");
    else gsl_rng_set(r, (unsigned long)seed);
    return r;
}

static nd_status check_prob(double p, const char *what, nd_error *err)
{
    if (!(p >= 0.0 && p <= 1.0))
        return nd_fail(err, ND_EINVAL, "%s = %g is outside [0, 1]", what, p);
    return ND_OK;
}

static nd_status check_self(int include_self, size_t n_pre, size_t n_post, nd_error *err)
{
    if (!include_self && n_pre != n_post)
        return nd_fail(err, ND_EINVAL,
                       "include_self = 0 needs pre and post of one size (pre %zu, post %zu)",
                       n_pre, n_post);
    return ND_OK;
}

/* ---- regular connectors (BrainPy regular_conn.py) ---------------------------------------- */
nd_status nd_conn_one2one(size_t n_pre, size_t n_post, nd_conn *c, nd_error *err)
{
    if (check_sizes(n_pre, n_post, err)) return ND_EINVAL;
    if (n_pre != n_post)
        return nd_fail(err, ND_EINVAL, "One2One needs pre and post of one size (pre %zu, post %zu)",
                       n_pre, n_post);
    edges e = {0};
    for (size_t i = 0; i < n_pre; i++)
        if (edges_push(&e, i, i, 0, err)) return edges_free(&e), err ? err->code : ND_ENOMEM;
    return finish(&e, n_pre, n_post, c, err);
}

nd_status nd_conn_all2all(size_t n_pre, size_t n_post, int include_self, nd_conn *c,
                          nd_error *err)
{
    if (check_sizes(n_pre, n_post, err)) return ND_EINVAL;
    /* BrainPy All2All: include_self=False only removes the diagonal of a square matrix */
    int skip_diag = !include_self && n_pre == n_post;
    if (nd_check_alloc(n_pre * n_post * 2 * sizeof(uint32_t), "All2All", err)) return ND_ENOMEM;
    edges e = {0};
    for (size_t i = 0; i < n_pre; i++)
        for (size_t j = 0; j < n_post; j++)
            if (!(skip_diag && i == j) && edges_push(&e, i, j, 0, err))
                return edges_free(&e), ND_ENOMEM;
    return finish(&e, n_pre, n_post, c, err);
}

/* Neighbours within Chebyshev distance n on the grid, or Manhattan distance 1 (four). */
static nd_status grid(size_t rows, size_t cols, size_t n, int four, int include_self,
                      int periodic, nd_conn *c, nd_error *err)
{
    if (check_sizes(rows * cols, 1, err) || rows == 0 || cols == 0)
        return nd_fail(err, ND_EINVAL, "grid shape %zu x %zu must be positive", rows, cols);
    if (n == 0) return nd_fail(err, ND_EINVAL, "GridN needs N >= 1 (got 0)");
    edges e = {0};
    long R = (long)rows, C = (long)cols, N = (long)n;
    for (long r = 0; r < R; r++)
        for (long q = 0; q < C; q++)
            for (long dr = -N; dr <= N; dr++)
                for (long dc = -N; dc <= N; dc++) {
                    if (four && labs(dr) + labs(dc) > 1) continue;
                    if (dr == 0 && dc == 0 && !include_self) continue;
                    long rr = r + dr, cc = q + dc;
                    if (periodic) rr = ((rr % R) + R) % R, cc = ((cc % C) + C) % C;
                    else if (rr < 0 || rr >= R || cc < 0 || cc >= C) continue;
                    /* a small periodic grid can reach one neighbour two ways: keep one */
                    size_t i = (size_t)(r * C + q), j = (size_t)(rr * C + cc);
                    int seen = 0;
                    for (size_t k = e.n; k-- > 0 && e.i[k] == i;)
                        if (e.j[k] == j) seen = 1;
                    if (!seen && edges_push(&e, i, j, 0, err)) return edges_free(&e), ND_ENOMEM;
                }
    return finish(&e, rows * cols, rows * cols, c, err);
}

nd_status nd_conn_grid_four(size_t rows, size_t cols, int include_self, int periodic, nd_conn *c,
                            nd_error *err)
{
    return grid(rows, cols, 1, 1, include_self, periodic, c, err);
}

nd_status nd_conn_grid_eight(size_t rows, size_t cols, int include_self, int periodic,
                             nd_conn *c, nd_error *err)
{
    return grid(rows, cols, 1, 0, include_self, periodic, c, err);
}

nd_status nd_conn_grid_n(size_t rows, size_t cols, size_t n, int include_self, int periodic,
                         nd_conn *c, nd_error *err)
{
    return grid(rows, cols, n, 0, include_self, periodic, c, err);
}

/* ---- random connectors (BrainPy random_conn.py) ------------------------------------------- */
/* FixedProb: BrainPy's build_mat draws every pair independently (uniform < prob), with the
 * diagonal removed when include_self is False. (BrainPy >= 2.3's CSR path instead draws
 * exactly int(post_num * prob) posts per pre; the independent draw is the classical
 * Erdős–Rényi rule of Brette et al. 2007's benchmark and of BrainPy's matrix path.) Pairs are
 * visited in row-major order and skipped geometrically: the gap to the next chosen pair is
 * floor(log U / log(1 - p)), which has the same distribution as one Bernoulli per pair. */
nd_status nd_conn_fixed_prob(size_t n_pre, size_t n_post, double p, int include_self,
                             uint64_t seed, nd_conn *c, nd_error *err)
{
    if (check_sizes(n_pre, n_post, err) || check_prob(p, "FixedProb probability p", err) ||
        check_self(include_self, n_pre, n_post, err))
        return ND_EINVAL;
    gsl_rng *r = make_rng(seed, err);
    if (!r) return ND_ENOMEM;
    edges e = {0};
    const double total = (double)n_pre * (double)n_post;
    const double log_q = p < 1.0 ? log1p(-p) : 0.0;
    double pos = -1.0;
    nd_status st = ND_OK;
    while (p > 0.0) {
        double gap = p < 1.0 ? floor(log(1.0 - gsl_rng_uniform(r)) / log_q) : 0.0;
        pos += gap + 1.0;
        if (pos >= total) break;
        size_t k = (size_t)pos, i = k / n_post, j = k % n_post;
        if (!include_self && i == j) continue;
        if ((st = edges_push(&e, i, j, 0, err))) break;
    }
    gsl_rng_free(r);
    if (st) return edges_free(&e), st;
    return finish(&e, n_pre, n_post, c, err);
}

/* k distinct values of 0..n-1 by a partial Fisher–Yates shuffle of perm (identity on entry
 * and on return: the swaps are undone, so each row costs O(k)). */
static void choose_k(gsl_rng *r, uint32_t *perm, size_t *swaps, size_t n, size_t k, uint32_t *out)
{
    for (size_t a = 0; a < k; a++) {
        size_t b = a + gsl_rng_uniform_int(r, n - a);
        uint32_t t = perm[a];
        perm[a] = perm[b], perm[b] = t;
        swaps[a] = b;
        out[a] = perm[a];
    }
    for (size_t a = k; a-- > 0;) {
        uint32_t t = perm[a];
        perm[a] = perm[swaps[a]], perm[swaps[a]] = t;
    }
}

/* FixedPreNum / FixedPostNum (BrainPy FixedNum without allow_multi_conn): each row draws
 * `num` distinct partners (rng.choice(..., replace=False)); without include_self a drawn
 * i -> i is removed afterwards, so that row keeps num - 1. */
static nd_status fixed_num(size_t n_pre, size_t n_post, size_t num, int include_self,
                           uint64_t seed, int per_post, nd_conn *c, nd_error *err)
{
    const char *name = per_post ? "FixedPreNum" : "FixedPostNum";
    size_t pool = per_post ? n_pre : n_post, rows = per_post ? n_post : n_pre;
    if (check_sizes(n_pre, n_post, err) || check_self(include_self, n_pre, n_post, err))
        return ND_EINVAL;
    if (num > pool)
        return nd_fail(err, ND_EINVAL, "%s num = %zu exceeds the %s group size %zu", name, num,
                       per_post ? "pre" : "post", pool);
    gsl_rng *r = make_rng(seed, err);
    uint32_t *perm = malloc(pool * sizeof *perm), *pick = malloc((num ? num : 1) * sizeof *pick);
    size_t *swaps = malloc((num ? num : 1) * sizeof *swaps);
    nd_status st = ND_OK;
    edges e = {0};
    if (!r || !perm || !pick || !swaps) st = nd_fail(err, ND_ENOMEM, "out of memory in %s", name);
    for (size_t q = 0; !st && q < pool; q++) perm[q] = (uint32_t)q;
    for (size_t row = 0; !st && row < rows; row++) {
        choose_k(r, perm, swaps, pool, num, pick);
        for (size_t a = 0; !st && a < num; a++) {
            size_t i = per_post ? pick[a] : row, j = per_post ? row : pick[a];
            if (!include_self && i == j) continue;
            st = edges_push(&e, i, j, 0, err);
        }
    }
    if (r) gsl_rng_free(r);
    free(perm), free(pick), free(swaps);
    if (st) return edges_free(&e), st;
    return finish(&e, n_pre, n_post, c, err);
}

nd_status nd_conn_fixed_pre_num(size_t n_pre, size_t n_post, size_t num, int include_self,
                                uint64_t seed, nd_conn *c, nd_error *err)
{
    return fixed_num(n_pre, n_post, num, include_self, seed, 1, c, err);
}

nd_status nd_conn_fixed_post_num(size_t n_pre, size_t n_post, size_t num, int include_self,
                                 uint64_t seed, nd_conn *c, nd_error *err)
{
    return fixed_num(n_pre, n_post, num, include_self, seed, 0, c, err);
}

/* Squared grid distance between cells i and j; periodic wraps each axis (BrainPy:
 * d = size - d where d > size / 2). Cells encode their integer positions, BrainPy's default
 * encoding (values = linspace(0, size, size + 1)[:size]). */
static double grid_dist2(size_t i, size_t j, size_t rows, size_t cols, int periodic)
{
    double dr = fabs((double)(i / cols) - (double)(j / cols));
    double dc = fabs((double)(i % cols) - (double)(j % cols));
    if (periodic) {
        if (dr > rows / 2.0) dr = (double)rows - dr;
        if (dc > cols / 2.0) dc = (double)cols - dc;
    }
    return dr * dr + dc * dc;
}

static nd_status check_grid(size_t rows, size_t cols, double sigma, const char *name, nd_error *err)
{
    if (rows == 0 || cols == 0 || rows * cols > UINT32_MAX)
        return nd_fail(err, ND_EINVAL, "%s grid shape %zu x %zu is empty or too large", name, rows, cols);
    if (!(sigma > 0.0) || !isfinite(sigma))
        return nd_fail(err, ND_EINVAL, "%s sigma = %g must be positive and finite", name, sigma);
    return ND_OK;
}

/* GaussianProb (BrainPy): p(i, j) = exp(-d^2 / (2 sigma^2)), divided by its maximum when
 * normalize, and i -> j when p >= U(0, 1); include_self False clears the diagonal. */
nd_status nd_conn_gaussian_prob(size_t rows, size_t cols, double sigma, int normalize,
                                int include_self, int periodic, uint64_t seed, nd_conn *c,
                                nd_error *err)
{
    if (check_grid(rows, cols, sigma, "GaussianProb", err)) return ND_EINVAL;
    size_t n = rows * cols;
    /* BrainPy divides by the matrix maximum when normalize is set; that maximum is the
       d = 0 value exp(0) = 1 on a square grid, so both settings give the same probabilities.
       The flag is kept for BrainPy's signature. */
    (void)normalize;
    gsl_rng *r = make_rng(seed, err);
    if (!r) return ND_ENOMEM;
    edges e = {0};
    nd_status st = ND_OK;
    for (size_t i = 0; !st && i < n; i++)
        for (size_t j = 0; !st && j < n; j++) {
            double prob = exp(-grid_dist2(i, j, rows, cols, periodic) / (2.0 * sigma * sigma));
            int hit = prob >= gsl_rng_uniform(r);
            if (hit && (include_self || i != j)) st = edges_push(&e, i, j, 0, err);
        }
    gsl_rng_free(r);
    if (st) return edges_free(&e), st;
    return finish(&e, n, n, c, err);
}

/* Squared distance for the weighted connectors (BrainPy 1.x GaussianWeight / DOG): grid
 * positions (row, col), divided by (rows - 1, cols - 1) when normalize is set so that the grid
 * spans [0, 1] on each axis (an axis of size 1 sits at 1); periodic wraps the integer
 * distance before that scaling (a neurodyn extension, not in BrainPy's weighted connectors). */
static double weight_dist2(size_t i, size_t j, size_t rows, size_t cols, int normalize, int periodic)
{
    double dr = fabs((double)(i / cols) - (double)(j / cols));
    double dc = fabs((double)(i % cols) - (double)(j % cols));
    if (periodic) {
        if (dr > rows / 2.0) dr = (double)rows - dr;
        if (dc > cols / 2.0) dc = (double)cols - dc;
    }
    if (normalize) {
        dr = rows > 1 ? dr / (double)(rows - 1) : 0.0;
        dc = cols > 1 ? dc / (double)(cols - 1) : 0.0;
    }
    return dr * dr + dc * dc;
}

/* Deterministic weights shared by GaussianWeight and DOG: pairs with |w| > w_min are kept
 * with their weight (BrainPy's strict comparison). */
static nd_status weighted_grid(size_t rows, size_t cols, const double *sig, const double *wmax,
                               int terms, double w_min, int normalize, int include_self,
                               int periodic, nd_conn *c, nd_error *err)
{
    size_t n = rows * cols;
    edges e = {.weighted = 1};
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            if (!include_self && i == j) continue;
            double d2 = weight_dist2(i, j, rows, cols, normalize, periodic), w = 0.0;
            for (int t = 0; t < terms; t++) w += wmax[t] * exp(-d2 / (2.0 * sig[t] * sig[t]));
            if (fabs(w) > w_min && edges_push(&e, i, j, w, err)) return edges_free(&e), ND_ENOMEM;
        }
    return finish(&e, n, n, c, err);
}

/* GaussianWeight (BrainPy): w = w_max exp(-d^2 / (2 sigma^2)); default w_min = 0.01 w_max. */
nd_status nd_conn_gaussian_weight(size_t rows, size_t cols, double sigma, double w_max,
                                  double w_min, int normalize, int include_self, int periodic,
                                  nd_conn *c, nd_error *err)
{
    if (check_grid(rows, cols, sigma, "GaussianWeight", err)) return ND_EINVAL;
    if (!isfinite(w_max)) return nd_fail(err, ND_EINVAL, "GaussianWeight w_max = %g is not finite", w_max);
    double sig[1] = {sigma}, wm[1] = {w_max};
    if (w_min < 0.0) w_min = fabs(w_max) * 0.01;
    return weighted_grid(rows, cols, sig, wm, 1, w_min, normalize, include_self, periodic, c, err);
}

/* DOG (BrainPy): w = w_p exp(-d^2/(2 s_p^2)) - w_n exp(-d^2/(2 s_n^2)); default
 * w_min = 0.01 |w_p - w_n|. */
nd_status nd_conn_dog(size_t rows, size_t cols, double sigma_p, double sigma_n, double w_p,
                      double w_n, double w_min, int normalize, int include_self, int periodic,
                      nd_conn *c, nd_error *err)
{
    if (check_grid(rows, cols, sigma_p, "DOG (sigma_p)", err) ||
        check_grid(rows, cols, sigma_n, "DOG (sigma_n)", err))
        return ND_EINVAL;
    if (!isfinite(w_p) || !isfinite(w_n))
        return nd_fail(err, ND_EINVAL, "DOG weights w_p = %g, w_n = %g must be finite", w_p, w_n);
    double sig[2] = {sigma_p, sigma_n}, wm[2] = {w_p, -w_n};
    if (w_min < 0.0) w_min = fabs(w_p - w_n) * 0.01;
    return weighted_grid(rows, cols, sig, wm, 2, w_min, normalize, include_self, periodic, c, err);
}

/* ---- graph models on a dense bit matrix (BrainPy builds them on a bool matrix too) ------- */
typedef struct bitmat {
    size_t n;
    uint64_t *bits;
} bitmat;

static nd_status bitmat_new(bitmat *b, size_t n, const char *what, nd_error *err)
{
    size_t words = (n * n + 63) / 64;
    b->n = n;
    b->bits = NULL;
    if (nd_check_alloc(words * 8, what, err)) return ND_ENOMEM;
    b->bits = calloc(words ? words : 1, 8);
    return b->bits ? ND_OK : nd_fail(err, ND_ENOMEM, "out of memory for the %s adjacency", what);
}
static int bm_get(const bitmat *b, size_t i, size_t j) { size_t k = i * b->n + j; return (int)(b->bits[k / 64] >> (k % 64)) & 1; }
static void bm_set(bitmat *b, size_t i, size_t j, int v)
{
    size_t k = i * b->n + j;
    if (v) b->bits[k / 64] |= 1ULL << (k % 64);
    else b->bits[k / 64] &= ~(1ULL << (k % 64));
}
/* an edge; undirected graphs store both directions */
static void bm_link(bitmat *b, size_t i, size_t j, int directed, int v)
{
    bm_set(b, i, j, v);
    if (!directed) bm_set(b, j, i, v);
}

static nd_status bitmat_finish(bitmat *b, nd_conn *c, nd_error *err)
{
    edges e = {0};
    nd_status st = ND_OK;
    for (size_t i = 0; !st && i < b->n; i++)
        for (size_t j = 0; !st && j < b->n; j++)
            if (bm_get(b, i, j)) st = edges_push(&e, i, j, 0, err);
    size_t n = b->n;
    free(b->bits);
    if (st) return edges_free(&e), st;
    return finish(&e, n, n, c, err);
}

/* SmallWorld (BrainPy, after networkx watts_strogatz_graph): ring with k/2 neighbours on each
 * side; then for each distance j = 1..k/2 and each node u in order, with probability p the edge
 * (u, u+j) is replaced by (u, w), w drawn uniformly among the nodes not linked to u (u itself
 * excluded unless include_self); no rewiring when u is linked to all others. Directed graphs
 * rewire the out-edge and the in-edge separately, as BrainPy does. */
nd_status nd_conn_small_world(size_t n, size_t k, double p, int directed, int include_self,
                              uint64_t seed, nd_conn *c, nd_error *err)
{
    if (check_sizes(n, n, err) || check_prob(p, "SmallWorld rewiring probability p", err))
        return ND_EINVAL;
    if (k > n) return nd_fail(err, ND_EINVAL, "SmallWorld num_neighbor = %zu exceeds n = %zu", k, n);
    bitmat b;
    if (bitmat_new(&b, n, "SmallWorld", err)) return ND_ENOMEM;
    if (k == n) { /* BrainPy: k == n is the complete graph */
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++) bm_set(&b, i, j, include_self || i != j);
        return bitmat_finish(&b, c, err);
    }
    for (size_t j = 1; j <= k / 2; j++)
        for (size_t u = 0; u < n; u++) bm_link(&b, u, (u + j) % n, 0, 1);
    gsl_rng *r = make_rng(seed, err);
    uint32_t *free_nodes = malloc(n * sizeof *free_nodes);
    if (!r || !free_nodes) {
        if (r) gsl_rng_free(r);
        free(free_nodes), free(b.bits);
        return nd_fail(err, ND_ENOMEM, "out of memory in SmallWorld");
    }
    for (size_t j = 1; j <= k / 2; j++)
        for (size_t u = 0; u < n; u++) {
            size_t v = (u + j) % n;
            for (int pass = 0; pass < (directed ? 2 : 1); pass++) {
                if (gsl_rng_uniform(r) >= p) continue;
                /* candidates: nodes not linked (row u, or column u for the in-edge); BrainPy
                   skips the rewiring when at most one node, u itself included, is unlinked */
                size_t m = 0, unlinked = 0;
                for (size_t w = 0; w < n; w++) {
                    if (pass ? bm_get(&b, w, u) : bm_get(&b, u, w)) continue;
                    unlinked++;
                    if (include_self || w != u) free_nodes[m++] = (uint32_t)w;
                }
                if (unlinked <= 1 || m == 0) continue;
                size_t w = free_nodes[gsl_rng_uniform_int(r, m)];
                if (!directed) bm_link(&b, u, v, 0, 0), bm_link(&b, u, w, 0, 1);
                else if (pass == 0) bm_set(&b, u, v, 0), bm_set(&b, u, w, 1);
                else bm_set(&b, v, u, 0), bm_set(&b, w, u, 1);
            }
        }
    gsl_rng_free(r);
    free(free_nodes);
    return bitmat_finish(&b, c, err);
}

/* m distinct nodes drawn uniformly from the multiset `pool` (preferential attachment:
 * a node appears once per edge end). BrainPy's _random_subset. */
static void random_subset(gsl_rng *r, const uint32_t *pool, size_t n_pool, size_t m, uint32_t *out)
{
    size_t got = 0;
    while (got < m) {
        uint32_t x = pool[gsl_rng_uniform_int(r, n_pool)];
        int dup = 0;
        for (size_t a = 0; a < got; a++) dup |= out[a] == x;
        if (!dup) out[got++] = x;
    }
}

/* Barabási–Albert and its dual form share one loop (BrainPy ScaleFreeBA / ScaleFreeBADual).
 * Each new node links to m distinct nodes drawn from the repeated-nodes pool (a node appears
 * once per edge end: preferential attachment); m is m1 with probability p, else m2. Plain BA
 * (m1 = m2) starts as BrainPy does: node m links to nodes 0..m-1. The dual form starts from a
 * star on nodes 0..max(m1, m2), as networkx's dual_barabasi_albert_graph (whose algorithm
 * BrainPy ports): BrainPy's own start, m links from node max(m1, m2), leaves only m + 1
 * distinct nodes in the pool, too few to draw max(m1, m2) distinct targets when m was the
 * smaller one. */
static nd_status ba_dual(size_t n, size_t m1, size_t m2, double p, int directed, uint64_t seed,
                         const char *name, nd_conn *c, nd_error *err)
{
    if (check_sizes(n, n, err) || check_prob(p, "ScaleFreeBADual probability p", err)) return ND_EINVAL;
    if (m1 < 1 || m1 >= n || m2 < 1 || m2 >= n)
        return nd_fail(err, ND_EINVAL, "%s needs 1 <= m < n (m1 = %zu, m2 = %zu, n = %zu)", name, m1, m2, n);
    size_t mmax = m1 > m2 ? m1 : m2;
    bitmat b;
    if (bitmat_new(&b, n, name, err)) return ND_ENOMEM;
    gsl_rng *r = make_rng(seed, err);
    uint32_t *pool = malloc(2 * (n + 1) * mmax * sizeof *pool), *targets = malloc(mmax * sizeof *targets);
    if (!r || !pool || !targets) {
        if (r) gsl_rng_free(r);
        free(pool), free(targets), free(b.bits);
        return nd_fail(err, ND_ENOMEM, "out of memory in %s", name);
    }
    size_t n_pool = 0, source, m;
    if (m1 == m2) {
        m = m1, source = m1;
        for (size_t a = 0; a < m; a++) targets[a] = (uint32_t)a;
    } else { /* star: centre 0 linked to 1..mmax, each edge end in the pool */
        for (size_t a = 1; a <= mmax && a < n; a++) {
            bm_link(&b, 0, a, directed, 1);
            pool[n_pool++] = 0, pool[n_pool++] = (uint32_t)a;
        }
        source = mmax + 1;
        m = gsl_rng_uniform(r) < p ? m1 : m2;
        random_subset(r, pool, n_pool, m, targets);
    }
    for (; source < n; source++) {
        for (size_t a = 0; a < m; a++) bm_link(&b, source, targets[a], directed, 1);
        for (size_t a = 0; a < m; a++) pool[n_pool++] = targets[a];
        for (size_t a = 0; a < m; a++) pool[n_pool++] = (uint32_t)source;
        m = m1 == m2 ? m1 : (gsl_rng_uniform(r) < p ? m1 : m2);
        random_subset(r, pool, n_pool, m, targets);
    }
    gsl_rng_free(r);
    free(pool), free(targets);
    return bitmat_finish(&b, c, err);
}

nd_status nd_conn_scale_free_ba(size_t n, size_t m, int directed, uint64_t seed, nd_conn *c,
                                nd_error *err)
{
    return ba_dual(n, m, m, 1.0, directed, seed, "ScaleFreeBA", c, err);
}

nd_status nd_conn_scale_free_ba_dual(size_t n, size_t m1, size_t m2, double p, int directed,
                                     uint64_t seed, nd_conn *c, nd_error *err)
{
    return ba_dual(n, m1, m2, p, directed, seed, "ScaleFreeBADual", c, err);
}

/* PowerLaw (BrainPy, after networkx powerlaw_cluster_graph, Holme & Kim 2002): each new node
 * makes one preferential link to `target`, then m - 1 more: with probability p a triangle to a
 * neighbour of `target` it is not yet linked to, otherwise the next preferential candidate. */
nd_status nd_conn_power_law(size_t n, size_t m, double p, int directed, uint64_t seed,
                            nd_conn *c, nd_error *err)
{
    if (check_sizes(n, n, err) || check_prob(p, "PowerLaw triangle probability p", err)) return ND_EINVAL;
    if (m < 1 || m >= n) return nd_fail(err, ND_EINVAL, "PowerLaw needs 1 <= m < n (m = %zu, n = %zu)", m, n);
    bitmat b;
    if (bitmat_new(&b, n, "PowerLaw", err)) return ND_ENOMEM;
    gsl_rng *r = make_rng(seed, err);
    uint32_t *pool = malloc(2 * n * m * sizeof *pool), *cand = malloc(m * sizeof *cand);
    uint32_t *nbrs = malloc(n * sizeof *nbrs);
    if (!r || !pool || !cand || !nbrs) {
        if (r) gsl_rng_free(r);
        free(pool), free(cand), free(nbrs), free(b.bits);
        return nd_fail(err, ND_ENOMEM, "out of memory in PowerLaw");
    }
    size_t n_pool = 0;
    for (size_t a = 0; a < m; a++) pool[n_pool++] = (uint32_t)a;
    for (size_t source = m; source < n; source++) {
        random_subset(r, pool, n_pool, m, cand);
        size_t next = 0, target = cand[next++], count = 1;
        bm_link(&b, source, target, directed, 1);
        pool[n_pool++] = (uint32_t)target;
        while (count < m) {
            if (gsl_rng_uniform(r) < p) {
                size_t k = 0;
                for (size_t w = 0; w < n; w++)
                    if (bm_get(&b, target, w) && !bm_get(&b, source, w) && w != source) nbrs[k++] = (uint32_t)w;
                if (k) {
                    size_t w = nbrs[gsl_rng_uniform_int(r, k)];
                    bm_link(&b, source, w, directed, 1);
                    pool[n_pool++] = (uint32_t)w;
                    count++;
                    continue;
                }
            }
            target = cand[next++];
            bm_link(&b, source, target, directed, 1);
            pool[n_pool++] = (uint32_t)target;
            count++;
        }
        for (size_t a = 0; a < m; a++) pool[n_pool++] = (uint32_t)source;
    }
    gsl_rng_free(r);
    free(pool), free(cand), free(nbrs);
    return bitmat_finish(&b, c, err);
}

/* ---- user connectivity and round trips --------------------------------------------------- */
nd_status nd_conn_from_ij(size_t n_pre, size_t n_post, const uint32_t *pre, const uint32_t *post,
                          const double *weights, size_t n, nd_conn *c, nd_error *err)
{
    if (check_sizes(n_pre, n_post, err)) return ND_EINVAL;
    if (n && (!pre || !post)) return nd_fail(err, ND_EINVAL, "the (i, j) lists are NULL");
    edges e = {.weighted = weights != NULL};
    for (size_t k = 0; k < n; k++) {
        if (pre[k] >= n_pre || post[k] >= n_post) {
            edges_free(&e);
            return nd_fail(err, ND_EINVAL, "synapse %zu = (%u, %u) is outside the groups (pre %zu, post %zu)",
                           k, pre[k], post[k], n_pre, n_post);
        }
        if (edges_push(&e, pre[k], post[k], weights ? weights[k] : 0.0, err)) return edges_free(&e), ND_ENOMEM;
    }
    return finish(&e, n_pre, n_post, c, err);
}

nd_status nd_conn_from_mat(size_t n_pre, size_t n_post, const uint8_t *mat, nd_conn *c,
                           nd_error *err)
{
    if (check_sizes(n_pre, n_post, err)) return ND_EINVAL;
    edges e = {0};
    for (size_t i = 0; i < n_pre; i++)
        for (size_t j = 0; j < n_post; j++)
            if (mat[i * n_post + j] && edges_push(&e, i, j, 0, err)) return edges_free(&e), ND_ENOMEM;
    return finish(&e, n_pre, n_post, c, err);
}

static nd_status from_csr(size_t n_pre, size_t n_post, const size_t *indptr, const uint32_t *indices,
                          int rows_are_pre, nd_conn *c, nd_error *err)
{
    if (check_sizes(n_pre, n_post, err)) return ND_EINVAL;
    size_t rows = rows_are_pre ? n_pre : n_post, cols = rows_are_pre ? n_post : n_pre;
    edges e = {0};
    for (size_t r = 0; r < rows; r++) {
        if (indptr[r + 1] < indptr[r]) {
            edges_free(&e);
            return nd_fail(err, ND_EINVAL, "CSR indptr decreases at row %zu", r);
        }
        for (size_t k = indptr[r]; k < indptr[r + 1]; k++) {
            if (indices[k] >= cols) {
                edges_free(&e);
                return nd_fail(err, ND_EINVAL, "CSR index %u in row %zu exceeds %zu", indices[k], r, cols);
            }
            size_t i = rows_are_pre ? r : indices[k], j = rows_are_pre ? indices[k] : r;
            if (edges_push(&e, i, j, 0, err)) return edges_free(&e), ND_ENOMEM;
        }
    }
    return finish(&e, n_pre, n_post, c, err);
}

nd_status nd_conn_from_pre2post(size_t n_pre, size_t n_post, const size_t *indptr,
                                const uint32_t *indices, nd_conn *c, nd_error *err)
{
    return from_csr(n_pre, n_post, indptr, indices, 1, c, err);
}

nd_status nd_conn_from_post2pre(size_t n_pre, size_t n_post, const size_t *indptr,
                                const uint32_t *indices, nd_conn *c, nd_error *err)
{
    return from_csr(n_pre, n_post, indptr, indices, 0, c, err);
}

/* ---- structures ------------------------------------------------------------------------- */
nd_csr nd_conn_pre2post(const nd_conn *c)
{
    return (nd_csr){c->n_pre, c->pre_ptr, c->post_ids};
}

nd_status nd_conn_pre2syn(nd_conn *c, nd_csr *out, nd_error *err)
{
    if (!c->syn_ids) {
        c->syn_ids = malloc((c->n_syn ? c->n_syn : 1) * sizeof *c->syn_ids);
        if (!c->syn_ids) return nd_fail(err, ND_ENOMEM, "out of memory for pre2syn (%zu synapses)", c->n_syn);
        for (size_t s = 0; s < c->n_syn; s++) c->syn_ids[s] = (uint32_t)s;
    }
    *out = (nd_csr){c->n_pre, c->pre_ptr, c->syn_ids};
    return ND_OK;
}

/* post_ptr, post_pre, post_syn by one counting sort on post; stable, so pres ascend. */
static nd_status build_post_side(nd_conn *c, nd_error *err)
{
    if (c->post_ptr) return ND_OK;
    size_t n = c->n_syn ? c->n_syn : 1;
    size_t *ptr = calloc(c->n_post + 1, sizeof *ptr), *fill = malloc((c->n_post + 1) * sizeof *fill);
    uint32_t *pre = malloc(n * sizeof *pre), *syn = malloc(n * sizeof *syn);
    if (!ptr || !fill || !pre || !syn) {
        free(ptr), free(fill), free(pre), free(syn);
        return nd_fail(err, ND_ENOMEM, "out of memory for post2pre (%zu synapses)", c->n_syn);
    }
    for (size_t s = 0; s < c->n_syn; s++) ptr[c->post_ids[s] + 1]++;
    for (size_t j = 0; j < c->n_post; j++) ptr[j + 1] += ptr[j];
    memcpy(fill, ptr, (c->n_post + 1) * sizeof *fill);
    for (size_t s = 0; s < c->n_syn; s++) {
        size_t d = fill[c->post_ids[s]]++;
        pre[d] = c->pre_ids[s], syn[d] = (uint32_t)s;
    }
    free(fill);
    c->post_ptr = ptr, c->post_pre = pre, c->post_syn = syn;
    return ND_OK;
}

nd_status nd_conn_post2pre(nd_conn *c, nd_csr *out, nd_error *err)
{
    if (build_post_side(c, err)) return ND_ENOMEM;
    *out = (nd_csr){c->n_post, c->post_ptr, c->post_pre};
    return ND_OK;
}

nd_status nd_conn_post2syn(nd_conn *c, nd_csr *out, nd_error *err)
{
    if (build_post_side(c, err)) return ND_ENOMEM;
    *out = (nd_csr){c->n_post, c->post_ptr, c->post_syn};
    return ND_OK;
}

void nd_conn_pre_slice(const nd_conn *c, size_t *slice)
{
    for (size_t i = 0; i < c->n_pre; i++) slice[2 * i] = c->pre_ptr[i], slice[2 * i + 1] = c->pre_ptr[i + 1];
}

nd_status nd_conn_post_slice(nd_conn *c, uint32_t *pre_ids, uint32_t *post_ids, size_t *slice,
                             nd_error *err)
{
    if (build_post_side(c, err)) return ND_ENOMEM;
    for (size_t j = 0; j < c->n_post; j++) {
        slice[2 * j] = c->post_ptr[j], slice[2 * j + 1] = c->post_ptr[j + 1];
        for (size_t k = c->post_ptr[j]; k < c->post_ptr[j + 1]; k++)
            pre_ids[k] = c->post_pre[k], post_ids[k] = (uint32_t)j;
    }
    return ND_OK;
}

nd_status nd_conn_mat(const nd_conn *c, uint8_t **mat, nd_error *err)
{
    *mat = NULL;
    size_t bytes = c->n_pre * c->n_post;
    if (c->n_post && bytes / c->n_post != c->n_pre)
        return nd_fail(err, ND_ENOMEM, "conn_mat of %zu x %zu overflows", c->n_pre, c->n_post);
    if (nd_check_alloc(bytes, "the dense conn_mat", err)) return ND_ENOMEM;
    *mat = calloc(bytes ? bytes : 1, 1);
    if (!*mat) return nd_fail(err, ND_ENOMEM, "out of memory for a %zu x %zu conn_mat", c->n_pre, c->n_post);
    for (size_t s = 0; s < c->n_syn; s++) (*mat)[(size_t)c->pre_ids[s] * c->n_post + c->post_ids[s]] = 1;
    return ND_OK;
}
