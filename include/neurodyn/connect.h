/* neurodyn — connectivity between neuron groups (BrainPy's brainpy.connect in C).
 *
 * A connection is a set of synapses (pre i -> post j) kept in canonical order, sorted by
 * (pre, post), as the ij lists pre_ids/post_ids with the CSR row pointer pre_ptr. From that
 * one representation every structure BrainPy offers is produced on request: pre2post,
 * pre2syn, post2pre, post2syn, pre_slice, post_slice and the dense conn_mat. Random
 * connectors take a seed and use GSL's mt19937 seeded with it: the same seed gives the same
 * network. Grid connectors number a rows x cols grid row-major (i = r * cols + c), as
 * BrainPy does. Each builder cites the BrainPy semantics it follows in sim/connect.c. */
#ifndef NEURODYN_CONNECT_H
#define NEURODYN_CONNECT_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nd_conn {
    size_t n_pre, n_post, n_syn;
    uint32_t *pre_ids;  /* n_syn, ascending */
    uint32_t *post_ids; /* n_syn, ascending within each pre */
    size_t *pre_ptr;    /* n_pre + 1: the synapses of pre i are [pre_ptr[i], pre_ptr[i+1]) */
    double *weights;    /* n_syn, or NULL (GaussianWeight and DOG set it) */
    /* built on request by the post-side getters */
    size_t *post_ptr;   /* n_post + 1 */
    uint32_t *post_pre; /* n_syn: pre ids ordered by post (then pre) */
    uint32_t *post_syn; /* n_syn: synapse ids ordered by post (then pre) */
    uint32_t *syn_ids;  /* n_syn: 0..n_syn-1 (pre2syn's indices) */
} nd_conn;

/* A compressed sparse row view: the entries of row r are indices[indptr[r] .. indptr[r+1]). */
typedef struct nd_csr {
    size_t n_rows;
    const size_t *indptr;
    const uint32_t *indices;
} nd_csr;

/* ---- regular connectors ---------------------------------------------------------------- */
/* i -> i; n_pre must equal n_post. */
nd_status nd_conn_one2one(size_t n_pre, size_t n_post, nd_conn *c, nd_error *err);
/* Every pair; without include_self (only when n_pre == n_post) no i -> i. */
nd_status nd_conn_all2all(size_t n_pre, size_t n_post, int include_self, nd_conn *c,
                          nd_error *err);
/* On a rows x cols grid: the 4 (von Neumann), 8 (Moore) or (2N+1)^2 - 1 neighbours within
 * Chebyshev distance N; include_self adds i -> i; periodic wraps the grid into a torus. */
nd_status nd_conn_grid_four(size_t rows, size_t cols, int include_self, int periodic, nd_conn *c,
                            nd_error *err);
nd_status nd_conn_grid_eight(size_t rows, size_t cols, int include_self, int periodic,
                             nd_conn *c, nd_error *err);
nd_status nd_conn_grid_n(size_t rows, size_t cols, size_t n, int include_self, int periodic,
                         nd_conn *c, nd_error *err);

/* ---- random connectors ------------------------------------------------------------------ */
/* Each pair independently with probability p in [0, 1]. */
nd_status nd_conn_fixed_prob(size_t n_pre, size_t n_post, double p, int include_self,
                             uint64_t seed, nd_conn *c, nd_error *err);
/* Each post receives `num` distinct pres (each pre reaches `num` distinct posts); without
 * include_self a drawn i -> i is dropped, so that row has num - 1 (BrainPy's rule). */
nd_status nd_conn_fixed_pre_num(size_t n_pre, size_t n_post, size_t num, int include_self,
                                uint64_t seed, nd_conn *c, nd_error *err);
nd_status nd_conn_fixed_post_num(size_t n_pre, size_t n_post, size_t num, int include_self,
                                 uint64_t seed, nd_conn *c, nd_error *err);
/* Within one rows x cols grid: i -> j with probability exp(-d^2 / (2 sigma^2)), d the grid
 * distance (wrapped when periodic); normalize divides by the largest probability. */
nd_status nd_conn_gaussian_prob(size_t rows, size_t cols, double sigma, int normalize,
                                int include_self, int periodic, uint64_t seed, nd_conn *c,
                                nd_error *err);
/* Deterministic weights w = w_max exp(-d^2 / (2 sigma^2)), kept where w > w_min (w_min < 0:
 * w_max / 100). With normalize the grid positions are scaled to [0, 1] on each axis (BrainPy's
 * default), else d is in grid units. */
nd_status nd_conn_gaussian_weight(size_t rows, size_t cols, double sigma, double w_max,
                                  double w_min, int normalize, int include_self, int periodic,
                                  nd_conn *c, nd_error *err);
/* Difference of Gaussians w = w_p exp(-d^2/(2 s_p^2)) - w_n exp(-d^2/(2 s_n^2)), kept where
 * |w| > w_min (w_min < 0: |w_p - w_n| / 100); positions as for GaussianWeight. */
nd_status nd_conn_dog(size_t rows, size_t cols, double sigma_p, double sigma_n, double w_p,
                      double w_n, double w_min, int normalize, int include_self, int periodic,
                      nd_conn *c, nd_error *err);
/* Watts–Strogatz ring of n nodes, k nearest neighbours (k/2 on each side), each edge rewired
 * with probability p. Undirected graphs are stored as both directions. */
nd_status nd_conn_small_world(size_t n, size_t k, double p, int directed, int include_self,
                              uint64_t seed, nd_conn *c, nd_error *err);
/* Barabási–Albert preferential attachment, m edges per new node (1 <= m < n). */
nd_status nd_conn_scale_free_ba(size_t n, size_t m, int directed, uint64_t seed, nd_conn *c,
                                nd_error *err);
/* Dual Barabási–Albert: m1 edges with probability p, else m2 (Moshiri 2018). */
nd_status nd_conn_scale_free_ba_dual(size_t n, size_t m1, size_t m2, double p, int directed,
                                     uint64_t seed, nd_conn *c, nd_error *err);
/* Holme–Kim power-law graph with tunable clustering: m edges per node, triangle probability p. */
nd_status nd_conn_power_law(size_t n, size_t m, double p, int directed, uint64_t seed,
                            nd_conn *c, nd_error *err);

/* ---- user connectivity and round trips -------------------------------------------------- */
/* From n pairs (pre[k], post[k]) with optional weights; duplicates and ids out of range are
 * refused with the offending pair. */
nd_status nd_conn_from_ij(size_t n_pre, size_t n_post, const uint32_t *pre, const uint32_t *post,
                          const double *weights, size_t n, nd_conn *c, nd_error *err);
/* From a dense n_pre x n_post matrix (row-major, non-zero = connected). */
nd_status nd_conn_from_mat(size_t n_pre, size_t n_post, const uint8_t *mat, nd_conn *c,
                           nd_error *err);
/* From CSR pre2post (rows = pre) or post2pre (rows = post). */
nd_status nd_conn_from_pre2post(size_t n_pre, size_t n_post, const size_t *indptr,
                                const uint32_t *indices, nd_conn *c, nd_error *err);
nd_status nd_conn_from_post2pre(size_t n_pre, size_t n_post, const size_t *indptr,
                                const uint32_t *indices, nd_conn *c, nd_error *err);
void nd_conn_free(nd_conn *c);

/* ---- structures on request ---------------------------------------------------------------- */
nd_csr nd_conn_pre2post(const nd_conn *c);
nd_status nd_conn_pre2syn(nd_conn *c, nd_csr *out, nd_error *err);
nd_status nd_conn_post2pre(nd_conn *c, nd_csr *out, nd_error *err);
nd_status nd_conn_post2syn(nd_conn *c, nd_csr *out, nd_error *err);
/* slice[2i], slice[2i+1]: the synapse range [start, end) of pre i (n_pre x 2). */
void nd_conn_pre_slice(const nd_conn *c, size_t *slice);
/* The synapses re-sorted by post: pre_ids/post_ids (n_syn each) and slice (n_post x 2). */
nd_status nd_conn_post_slice(nd_conn *c, uint32_t *pre_ids, uint32_t *post_ids, size_t *slice,
                             nd_error *err);
/* A dense n_pre x n_post 0/1 matrix (caller frees); refused before allocation when it would
 * not fit in memory. */
nd_status nd_conn_mat(const nd_conn *c, uint8_t **mat, nd_error *err);

#ifdef __cplusplus
}
#endif

#endif
