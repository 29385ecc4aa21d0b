/* The homoclinic orbit at the end of a cycle branch whose period grew without bound
 * (include/neurodyn/homoclinic.h): HomCont's start from the last cycle (Champneys, Kuznetsov &
 * Sandstede 1996, sec. 4.1), then the truncation lengthened at both ends by 2 / lambda (lambda
 * the smaller of the leading eigenvalues' moduli: the projection error falls like exp(-2 lambda
 * T), Beyn 1990) until the located parameter value settles. */
#include <math.h>
#include <stdlib.h>

#include "internal.h"

nd_status nd_homoclinic_from_cycle_set(const nd_cycle_set *cs, size_t c, const double *p, nd_homoclinic_info *info,
                                       nd_error *err)
{
    if (!cs || c >= cs->n || !p || !info) return nd_fail(err, ND_EINVAL, "homoclinic: no cycle branch %zu", c);
    const nd_cycle_curve *cc = &cs->curve[c];
    const nd_branch *b = &cs->branch[c];
    if (!b->n) return nd_fail(err, ND_EINVAL, "homoclinic: cycle branch %zu is empty", c);
    if (cc->k != cc->m->n_vars)
        return nd_fail(err, ND_EINVAL, "homoclinic: cycle branch %zu lives in a slice (fixed variables)", c);
    nd_homoclinic h;
    nd_status st = nd_homoclinic_init(&h, cc->m, p, cc->par, -1, 200, 4, err);
    if (st) return st;
    double *z = malloc(h.dim * sizeof *z);
    if (!z) {
        nd_homoclinic_free(&h);
        return nd_fail(err, ND_ENOMEM, "homoclinic: out of memory");
    }
    st = nd_homoclinic_from_cycle(&h, cc, b, b->n - 1, 1e-3, z, err);
    if (!st) st = nd_homoclinic_locate(&h, z, info, err);
    for (int k = 0; k < 6 && !st; k++) {
        double prev = info->par;
        double lam = fmin(info->lambda_u, -info->lambda_s);
        if (!(lam > 0) || !isfinite(lam)) break;
        nd_homoclinic_info next;
        if (nd_homoclinic_extend(&h, z, 2.0 / lam, err) || nd_homoclinic_locate(&h, z, &next, err)) {
            nd_error_clear(err); /* the shorter truncation stands */
            break;
        }
        nd_homoclinic_info_free(info);
        *info = next;
        if (fabs(info->par - prev) <= 1e-10 * fmax(1.0, fabs(info->par))) break;
    }
    free(z);
    nd_homoclinic_free(&h);
    return st;
}

nd_status nd_cycle_set_locate_homoclinics(nd_cycle_set *cs, const nd_bif_diagram *d, const double *p, double p_lo,
                                          double p_hi, size_t *n_located, nd_error *err)
{
    if (n_located) *n_located = 0;
    if (!cs || !p) return nd_fail(err, ND_EINVAL, "homoclinic: no cycle set or parameters");
    free(cs->hom_par);
    cs->hom_par = NULL, cs->n_hom = 0;
    if (!cs->n) return ND_OK;
    double *hp = malloc(cs->n * sizeof *hp);
    if (!hp) return nd_fail(err, ND_ENOMEM, "homoclinic: out of memory");
    for (size_t c = 0; c < cs->n; c++) {
        double par;
        int snic;
        hp[c] = NAN;
        if (!nd_cycle_set_homoclinic_end(cs, c, d, p_lo, p_hi, &par, &snic) || snic) continue;
        if (cs->curve[c].k != cs->curve[c].m->n_vars) continue;
        nd_homoclinic_info in;
        nd_error e;
        if (nd_homoclinic_from_cycle_set(cs, c, p, &in, &e)) continue;
        /* a value outside the range, or far from where the branch ended, is not this branch's end */
        if (in.par >= p_lo && in.par <= p_hi && fabs(in.par - par) <= 1e-2 * (p_hi - p_lo)) {
            hp[c] = in.par;
            if (n_located) (*n_located)++;
        }
        nd_homoclinic_info_free(&in);
    }
    cs->hom_par = hp, cs->n_hom = cs->n;
    return ND_OK;
}
