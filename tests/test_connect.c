/* Connectivity: counts and degree statistics of every connector, self-connections, symmetry of
 * undirected graphs, reproducibility by seed, the structures and their round trips, bad input. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "neurodyn/neurodyn.h"

static nd_error err;

static size_t out_degree(const nd_conn *c, size_t i) { return c->pre_ptr[i + 1] - c->pre_ptr[i]; }

static size_t count_self(const nd_conn *c)
{
    size_t n = 0;
    for (size_t s = 0; s < c->n_syn; s++) n += c->pre_ids[s] == c->post_ids[s];
    return n;
}

static int has(const nd_conn *c, uint32_t i, uint32_t j)
{
    for (size_t s = c->pre_ptr[i]; s < c->pre_ptr[i + 1]; s++)
        if (c->post_ids[s] == j) return 1;
    return 0;
}

/* Undirected graphs are stored in both directions. */
static void expect_symmetric(const nd_conn *c)
{
    for (size_t s = 0; s < c->n_syn; s++)
        cr_assert(has(c, c->post_ids[s], c->pre_ids[s]), "edge %u->%u has no reverse", c->pre_ids[s], c->post_ids[s]);
}

static void expect_equal(const nd_conn *a, const nd_conn *b)
{
    cr_assert_eq(a->n_syn, b->n_syn);
    cr_assert_eq(memcmp(a->pre_ids, b->pre_ids, a->n_syn * sizeof *a->pre_ids), 0);
    cr_assert_eq(memcmp(a->post_ids, b->post_ids, a->n_syn * sizeof *a->post_ids), 0);
    cr_assert_eq(memcmp(a->pre_ptr, b->pre_ptr, (a->n_pre + 1) * sizeof *a->pre_ptr), 0);
}

/* FixedProb(p) over n x n pairs: the total is Binomial(n^2, p) and each row Binomial(n, p);
 * 6 standard deviations bound a row (the chance that any of 1000 rows falls outside is
 * ~2e-6), 5 bound the total. */
Test(connect, fixed_prob_binomial_counts_and_degrees)
{
    nd_conn c;
    const size_t n = 1000;
    const double p = 0.1;
    cr_assert_eq(nd_conn_fixed_prob(n, n, p, 1, 7, &c, &err), ND_OK, "%s", err.msg);
    double mean = n * n * p, sd = sqrt(n * n * p * (1 - p));
    cr_expect(fabs((double)c.n_syn - mean) < 5 * sd, "total %zu vs %g +- %g", c.n_syn, mean, 5 * sd);
    double rmean = n * p, rsd = sqrt(n * p * (1 - p));
    for (size_t i = 0; i < n; i++)
        cr_expect(fabs((double)out_degree(&c, i) - rmean) < 6 * rsd, "row %zu has %zu", i, out_degree(&c, i));
    cr_expect_gt(count_self(&c), 0, "include_self allows i -> i (expected ~100)");
    nd_conn_free(&c);
    cr_assert_eq(nd_conn_fixed_prob(n, n, p, 0, 7, &c, &err), ND_OK);
    cr_expect_eq(count_self(&c), 0);
    nd_conn_free(&c);
}

Test(connect, fixed_prob_extremes_and_seeds)
{
    nd_conn a, b, d;
    cr_assert_eq(nd_conn_fixed_prob(50, 40, 1.0, 1, 1, &a, &err), ND_OK);
    cr_expect_eq(a.n_syn, 2000);
    nd_conn_free(&a);
    cr_assert_eq(nd_conn_fixed_prob(50, 40, 0.0, 1, 1, &a, &err), ND_OK);
    cr_expect_eq(a.n_syn, 0);
    nd_conn_free(&a);
    cr_assert_eq(nd_conn_fixed_prob(300, 300, 0.05, 1, 11, &a, &err), ND_OK);
    cr_assert_eq(nd_conn_fixed_prob(300, 300, 0.05, 1, 11, &b, &err), ND_OK);
    cr_assert_eq(nd_conn_fixed_prob(300, 300, 0.05, 1, 12, &d, &err), ND_OK);
    expect_equal(&a, &b); /* same seed, same network */
    cr_expect(a.n_syn != d.n_syn || memcmp(a.post_ids, d.post_ids, a.n_syn * 4) != 0, "another seed, another network");
    nd_conn_free(&a), nd_conn_free(&b), nd_conn_free(&d);
}

Test(connect, bad_probability_and_sizes_are_refused)
{
    nd_conn c;
    cr_expect_eq(nd_conn_fixed_prob(10, 10, 1.5, 1, 0, &c, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "1.5"), "%s", err.msg);
    cr_expect_eq(nd_conn_fixed_prob(10, 10, -0.1, 1, 0, &c, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "-0.1"), "%s", err.msg);
    cr_expect_eq(nd_conn_fixed_prob(10, 10, NAN, 1, 0, &c, &err), ND_EINVAL);
    cr_expect_eq(nd_conn_fixed_prob(10, 20, 0.5, 0, 0, &c, &err), ND_EINVAL, "include_self=0 needs equal sizes");
    cr_expect_eq(nd_conn_one2one(10, 11, &c, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "11"), "%s", err.msg);
    cr_expect_eq(nd_conn_fixed_pre_num(10, 10, 11, 1, 0, &c, &err), ND_EINVAL);
    cr_expect_eq(nd_conn_small_world(10, 4, 2.0, 0, 0, 0, &c, &err), ND_EINVAL);
    cr_expect_eq(nd_conn_scale_free_ba(10, 10, 0, 0, &c, &err), ND_EINVAL);
    cr_expect_eq(nd_conn_scale_free_ba_dual(10, 2, 3, 1.2, 0, 0, &c, &err), ND_EINVAL);
    cr_expect_eq(nd_conn_power_law(10, 3, -1, 0, 0, &c, &err), ND_EINVAL);
    cr_expect_eq(nd_conn_gaussian_prob(4, 4, 0.0, 1, 1, 0, 0, &c, &err), ND_EINVAL);
    cr_expect_eq(nd_conn_all2all(0, 5, 1, &c, &err), ND_EINVAL);
}

Test(connect, fixed_pre_and_post_num_give_exact_degrees)
{
    nd_conn c;
    cr_assert_eq(nd_conn_fixed_pre_num(200, 150, 30, 1, 3, &c, &err), ND_OK, "%s", err.msg);
    nd_csr in;
    cr_assert_eq(nd_conn_post2pre(&c, &in, &err), ND_OK);
    for (size_t j = 0; j < 150; j++) cr_expect_eq(in.indptr[j + 1] - in.indptr[j], 30, "post %zu", j);
    nd_conn_free(&c);
    /* without include_self a drawn i -> i is dropped: num or num - 1 (BrainPy) */
    cr_assert_eq(nd_conn_fixed_post_num(100, 100, 20, 0, 3, &c, &err), ND_OK);
    cr_expect_eq(count_self(&c), 0);
    for (size_t i = 0; i < 100; i++) cr_expect(out_degree(&c, i) == 20 || out_degree(&c, i) == 19);
    nd_conn_free(&c);
    cr_assert_eq(nd_conn_fixed_post_num(100, 60, 60, 1, 3, &c, &err), ND_OK);
    cr_expect_eq(c.n_syn, 6000, "num = post size connects everything");
    nd_conn_free(&c);
}

Test(connect, one2one_and_all2all)
{
    nd_conn c;
    cr_assert_eq(nd_conn_one2one(5, 5, &c, &err), ND_OK);
    cr_expect_eq(c.n_syn, 5);
    for (uint32_t i = 0; i < 5; i++) cr_expect(has(&c, i, i));
    nd_conn_free(&c);
    cr_assert_eq(nd_conn_all2all(6, 6, 1, &c, &err), ND_OK);
    cr_expect_eq(c.n_syn, 36);
    nd_conn_free(&c);
    cr_assert_eq(nd_conn_all2all(6, 6, 0, &c, &err), ND_OK);
    cr_expect_eq(c.n_syn, 30);
    cr_expect_eq(count_self(&c), 0);
    nd_conn_free(&c);
    cr_assert_eq(nd_conn_all2all(3, 4, 0, &c, &err), ND_OK, "include_self only removes a square diagonal");
    cr_expect_eq(c.n_syn, 12);
    nd_conn_free(&c);
}

/* 3x3 grid: corners have 2 (four) / 3 (eight) neighbours, edges 3 / 5, the centre 4 / 8:
 * totals 4*2 + 4*3 + 4 = 24 and 4*3 + 4*5 + 8 = 40. */
Test(connect, grids_count_neighbours)
{
    nd_conn c;
    cr_assert_eq(nd_conn_grid_four(3, 3, 0, 0, &c, &err), ND_OK);
    cr_expect_eq(c.n_syn, 24);
    cr_expect_eq(out_degree(&c, 4), 4);
    cr_expect_eq(out_degree(&c, 0), 2);
    expect_symmetric(&c);
    nd_conn_free(&c);
    cr_assert_eq(nd_conn_grid_eight(3, 3, 0, 0, &c, &err), ND_OK);
    cr_expect_eq(c.n_syn, 40);
    cr_expect_eq(out_degree(&c, 4), 8);
    nd_conn_free(&c);
    cr_assert_eq(nd_conn_grid_eight(3, 3, 1, 0, &c, &err), ND_OK);
    cr_expect_eq(c.n_syn, 49);
    nd_conn_free(&c);
    cr_assert_eq(nd_conn_grid_four(4, 5, 0, 1, &c, &err), ND_OK);
    for (size_t i = 0; i < 20; i++) cr_expect_eq(out_degree(&c, i), 4, "torus: every cell has 4");
    nd_conn_free(&c);
    cr_assert_eq(nd_conn_grid_n(5, 5, 2, 0, 0, &c, &err), ND_OK);
    cr_expect_eq(out_degree(&c, 12), 24, "centre of 5x5 with N = 2: 5*5 - 1");
    cr_expect_eq(out_degree(&c, 0), 8, "corner: 3*3 - 1");
    nd_conn_free(&c);
}

/* GaussianProb: the expected count is the sum of exp(-d^2 / 2 sigma^2) over pairs; each pair is
 * an independent Bernoulli, so the count lies within 5 sd of that mean. */
Test(connect, gaussian_prob_matches_its_expected_count)
{
    const size_t R = 12, C = 12, n = R * C;
    const double sigma = 1.5;
    nd_conn c;
    cr_assert_eq(nd_conn_gaussian_prob(R, C, sigma, 1, 0, 0, 5, &c, &err), ND_OK, "%s", err.msg);
    double mean = 0, var = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < n; j++) {
            if (i == j) continue;
            double dr = (double)(i / C) - (double)(j / C), dc = (double)(i % C) - (double)(j % C);
            double p = exp(-(dr * dr + dc * dc) / (2 * sigma * sigma));
            mean += p, var += p * (1 - p);
        }
    cr_expect(fabs((double)c.n_syn - mean) < 5 * sqrt(var), "%zu vs %g +- %g", c.n_syn, mean, 5 * sqrt(var));
    cr_expect_eq(count_self(&c), 0);
    nd_conn_free(&c);
    cr_assert_eq(nd_conn_gaussian_prob(R, C, sigma, 1, 1, 0, 5, &c, &err), ND_OK);
    cr_expect_eq(count_self(&c), n, "p = 1 at distance 0");
    nd_conn_free(&c);
}

Test(connect, gaussian_weight_and_dog_weights)
{
    nd_conn c;
    /* grid units: w = 2 exp(-d^2 / 2) kept where w > 0.1 */
    cr_assert_eq(nd_conn_gaussian_weight(7, 7, 1.0, 2.0, 0.1, 0, 1, 0, &c, &err), ND_OK, "%s", err.msg);
    cr_assert_not_null(c.weights);
    size_t expected = 0;
    for (size_t i = 0; i < 49; i++)
        for (size_t j = 0; j < 49; j++) {
            double dr = (double)(i / 7) - (double)(j / 7), dc = (double)(i % 7) - (double)(j % 7);
            expected += 2.0 * exp(-(dr * dr + dc * dc) / 2.0) > 0.1;
        }
    cr_expect_eq(c.n_syn, expected);
    for (size_t s = 0; s < c.n_syn; s++) {
        size_t i = c.pre_ids[s], j = c.post_ids[s];
        double dr = (double)(i / 7) - (double)(j / 7), dc = (double)(i % 7) - (double)(j % 7);
        double w = 2.0 * exp(-(dr * dr + dc * dc) / 2.0);
        cr_expect(fabs(c.weights[s] - w) < 1e-15 && w > 0.1, "w(%zu,%zu) = %g vs %g", i, j, c.weights[s], w);
    }
    expect_symmetric(&c);
    nd_conn_free(&c);
    /* BrainPy's normalised positions: a 5 x 5 grid spans [0, 1], neighbours are 0.25 apart;
       the default w_min = 0.01 w_max keeps everything within sqrt(2 ln 100) sigma = 0.96 */
    cr_assert_eq(nd_conn_gaussian_weight(5, 5, 0.3, 1.0, -1, 1, 0, 0, &c, &err), ND_OK);
    cr_expect(fabs(c.weights[0] - exp(-0.0625 / (2 * 0.09))) < 1e-15, "(0,0) -> (0,1): %g", c.weights[0]);
    cr_expect(!has(&c, 0, 24), "opposite corners are sqrt(2) apart: below w_min");
    cr_expect_eq(count_self(&c), 0);
    nd_conn_free(&c);
    /* DOG at d = 0 is w_p - w_n; its sign changes with distance (Mexican hat) */
    cr_assert_eq(nd_conn_dog(9, 9, 1.0, 3.0, 1.0, 0.5, 0.01, 0, 1, 0, &c, &err), ND_OK);
    int pos = 0, neg = 0;
    for (size_t s = 0; s < c.n_syn; s++) {
        if (c.pre_ids[s] == c.post_ids[s]) cr_expect(fabs(c.weights[s] - 0.5) < 1e-15);
        pos |= c.weights[s] > 0, neg |= c.weights[s] < 0;
        cr_expect_gt(fabs(c.weights[s]), 0.01);
    }
    cr_expect(pos && neg, "a difference of Gaussians has both signs");
    nd_conn_free(&c);
}

/* Watts–Strogatz: rewiring moves edges but keeps their number, n k / 2 undirected edges. */
Test(connect, small_world_keeps_edges_and_symmetry)
{
    nd_conn c;
    cr_assert_eq(nd_conn_small_world(100, 6, 0.0, 0, 0, 1, &c, &err), ND_OK, "%s", err.msg);
    for (size_t i = 0; i < 100; i++) cr_expect_eq(out_degree(&c, i), 6, "p = 0 is the ring");
    nd_conn_free(&c);
    cr_assert_eq(nd_conn_small_world(100, 6, 0.3, 0, 0, 1, &c, &err), ND_OK);
    cr_expect_eq(c.n_syn, 600);
    cr_expect_eq(count_self(&c), 0);
    expect_symmetric(&c);
    size_t ring = 0; /* some edges left the ring */
    for (size_t s = 0; s < c.n_syn; s++) {
        long d = labs((long)c.pre_ids[s] - (long)c.post_ids[s]);
        ring += d <= 3 || d >= 97;
    }
    cr_expect_lt(ring, 600);
    nd_conn_free(&c);
}

/* Barabási–Albert: n - m new nodes with m edges each, every node ends with degree >= m
 * (the first m get one from node m, and each later node brings m). */
Test(connect, scale_free_graphs)
{
    nd_conn c;
    const size_t n = 300, m = 3;
    cr_assert_eq(nd_conn_scale_free_ba(n, m, 0, 9, &c, &err), ND_OK, "%s", err.msg);
    cr_expect_eq(c.n_syn, 2 * (n - m) * m);
    expect_symmetric(&c);
    size_t maxdeg = 0;
    for (size_t i = 0; i < n; i++) {
        cr_expect_geq(out_degree(&c, i), i < m ? 1 : m, "node %zu", i);
        if (out_degree(&c, i) > maxdeg) maxdeg = out_degree(&c, i);
    }
    cr_expect_gt(maxdeg, 5 * m, "preferential attachment grows hubs (max degree %zu)", maxdeg);
    nd_conn_free(&c);
    cr_assert_eq(nd_conn_scale_free_ba(n, m, 1, 9, &c, &err), ND_OK);
    cr_expect_eq(c.n_syn, (n - m) * m, "directed: one direction per edge");
    nd_conn_free(&c);
    /* dual BA: a star of 5 edges on nodes 0..5, then n - 6 nodes with 2 or 5 edges each; any
       seed works, whichever m comes first (many seeds, small n) */
    for (uint64_t seed = 0; seed < 20; seed++) {
        cr_assert_eq(nd_conn_scale_free_ba_dual(40, 2, 5, 0.5, 0, seed, &c, &err), ND_OK, "%s", err.msg);
        cr_expect(c.n_syn >= 2 * (5 + 34 * 2) && c.n_syn <= 2 * (5 + 34 * 5), "%zu", c.n_syn);
        expect_symmetric(&c);
        nd_conn_free(&c);
    }
    cr_assert_eq(nd_conn_scale_free_ba_dual(n, 2, 5, 1.0, 0, 9, &c, &err), ND_OK);
    cr_expect_eq(c.n_syn, 2 * (5 + (n - 6) * 2), "p = 1: every new node brings m1 = 2 edges");
    nd_conn_free(&c);
    cr_assert_eq(nd_conn_power_law(n, m, 0.5, 0, 9, &c, &err), ND_OK, "%s", err.msg);
    /* m links per new node; a triangle step may pick a node a later preferential step
       picks again (a no-op, as in networkx), so at most 2 (n - m) m entries */
    cr_expect(c.n_syn <= 2 * (n - m) * m && c.n_syn > 2 * (n - m) * (m - 1), "%zu", c.n_syn);
    expect_symmetric(&c);
    cr_expect_eq(count_self(&c), 0);
    nd_conn_free(&c);
}

/* pre2post, post2pre, conn_mat and ij all describe one connection: each rebuilds it. */
Test(connect, structures_round_trip)
{
    nd_conn c, r;
    cr_assert_eq(nd_conn_fixed_prob(37, 23, 0.3, 1, 4, &c, &err), ND_OK);
    nd_csr p2p = nd_conn_pre2post(&c), p2pre, p2syn, pre2syn;
    cr_assert_eq(nd_conn_from_pre2post(37, 23, p2p.indptr, p2p.indices, &r, &err), ND_OK, "%s", err.msg);
    expect_equal(&c, &r);
    nd_conn_free(&r);
    cr_assert_eq(nd_conn_post2pre(&c, &p2pre, &err), ND_OK);
    cr_assert_eq(nd_conn_from_post2pre(37, 23, p2pre.indptr, p2pre.indices, &r, &err), ND_OK);
    expect_equal(&c, &r);
    nd_conn_free(&r);
    uint8_t *mat;
    cr_assert_eq(nd_conn_mat(&c, &mat, &err), ND_OK);
    size_t ones = 0;
    for (size_t k = 0; k < 37 * 23; k++) ones += mat[k];
    cr_expect_eq(ones, c.n_syn);
    cr_assert_eq(nd_conn_from_mat(37, 23, mat, &r, &err), ND_OK);
    expect_equal(&c, &r);
    free(mat);
    nd_conn_free(&r);
    cr_assert_eq(nd_conn_from_ij(37, 23, c.pre_ids, c.post_ids, NULL, c.n_syn, &r, &err), ND_OK);
    expect_equal(&c, &r);
    nd_conn_free(&r);
    /* post2syn and pre2syn index synapses; pre_slice and post_slice bound them */
    cr_assert_eq(nd_conn_post2syn(&c, &p2syn, &err), ND_OK);
    cr_assert_eq(nd_conn_pre2syn(&c, &pre2syn, &err), ND_OK);
    for (size_t j = 0; j < 23; j++)
        for (size_t k = p2syn.indptr[j]; k < p2syn.indptr[j + 1]; k++) {
            cr_expect_eq(c.post_ids[p2syn.indices[k]], j);
            cr_expect_eq(c.pre_ids[p2syn.indices[k]], p2pre.indices[k]);
        }
    for (size_t i = 0; i < 37; i++)
        for (size_t k = pre2syn.indptr[i]; k < pre2syn.indptr[i + 1]; k++) cr_expect_eq(c.pre_ids[pre2syn.indices[k]], i);
    size_t slice[2 * 37], pslice[2 * 23];
    nd_conn_pre_slice(&c, slice);
    cr_expect_eq(slice[0], 0);
    cr_expect_eq(slice[2 * 36 + 1], c.n_syn);
    uint32_t *pi = malloc(c.n_syn * 4), *pj = malloc(c.n_syn * 4);
    cr_assert_eq(nd_conn_post_slice(&c, pi, pj, pslice, &err), ND_OK);
    for (size_t j = 0; j < 23; j++)
        for (size_t k = pslice[2 * j]; k < pslice[2 * j + 1]; k++) cr_expect(pj[k] == j && has(&c, pi[k], (uint32_t)j));
    free(pi), free(pj);
    nd_conn_free(&c);
}

Test(connect, user_lists_are_checked)
{
    nd_conn c;
    uint32_t i[] = {0, 2, 1, 2}, j[] = {1, 0, 1, 0};
    cr_expect_eq(nd_conn_from_ij(3, 2, i, j, NULL, 4, &c, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "(2, 0)") && strstr(err.msg, "twice"), "%s", err.msg);
    uint32_t bad[] = {0, 5};
    cr_expect_eq(nd_conn_from_ij(3, 2, bad, j, NULL, 2, &c, &err), ND_EINVAL);
    cr_expect(strstr(err.msg, "(5, 0)"), "%s", err.msg);
    double w[] = {0.5, 1.5, 2.5};
    cr_assert_eq(nd_conn_from_ij(3, 2, i, j, w, 3, &c, &err), ND_OK);
    cr_expect_eq(c.n_syn, 3);
    /* sorted by pre: (0,1) 0.5, (1,1) 2.5, (2,0) 1.5 -- the weights follow their synapses */
    cr_expect(c.weights[0] == 0.5 && c.weights[1] == 2.5 && c.weights[2] == 1.5);
    nd_conn_free(&c);
}

Test(connect, dense_matrix_too_large_is_refused_with_its_size)
{
    nd_conn huge = {.n_pre = (size_t)1 << 31, .n_post = (size_t)1 << 31};
    uint8_t *mat = (uint8_t *)&huge;
    cr_expect_eq(nd_conn_mat(&huge, &mat, &err), ND_ENOMEM);
    cr_expect_null(mat);
    cr_expect(strstr(err.msg, "MB"), "%s", err.msg);
}
