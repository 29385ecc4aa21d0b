/* Independent shooting check of Floquet multipliers of FitzHugh-Rinzel cycles near the folds.
 * Model (exactly models/fitzhugh_rinzel.c):
 *   v' = v - v^3/3 - w + y + I ; w' = delta(a + v - b w) ; y' = mu(c - v - d y)
 *   a=0.7 b=0.8 c=-0.775 d=1 delta=0.08 mu=1e-4
 * Integrator: Taylor series (order NORD) in __float128 (quad precision, ~34 digits), fixed steps,
 * with variational equations for d x(T)/d x0 (monodromy) and d x(T)/dI.
 * Periodic orbit: unknowns (w0, y0, I, T), v0 = 0 fixed (section v=0);
 *   F = x(T) - x0 (3 eqs) + pseudo-arclength (or fixed T) condition.
 * Build: gcc -O2 -o fhr_shoot fhr_shoot.c -lquadmath -lm
 */
#include <quadmath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef __float128 R;
static const R A_ = 0.7Q, B_ = 0.8Q, C_ = -0.775Q, D_ = 1.0Q, DEL = 0.08Q, MU = 1e-4Q;
#define NORD 32
static int NSTEP = 2000;
static R V0 = 0;

/* quadmath_snprintf accepts only a lone conversion: split "text%conv text" */
static void qp(const char *fmt, R x)
{
    const char *p = strchr(fmt, '%'), *e = p + 1;
    while (*e && *e != 'e' && *e != 'f' && *e != 'g') e++;
    char conv[32], b[80];
    fwrite(fmt, 1, p - fmt, stdout);
    snprintf(conv, sizeof conv, "%.*s", (int)(e - p + 1), p);
    quadmath_snprintf(b, sizeof b, conv, x);
    fputs(b, stdout);
    fputs(e + 1, stdout);
}

/* integrate from x0 over [0,T] with parameter I; returns xT, M (3x3, row-major), dI (3), fT */
static void flow(const R x0[3], R I, R T, R xT[3], R M[9], R dI[3], R *intdiv)
{
    R x[3] = {x0[0], x0[1], x0[2]};
    R P[4][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {0, 0, 0}}; /* columns: d/dv0,d/dw0,d/dy0,d/dI */
    R h = T / NSTEP, idv = 0;
    R v[NORD + 1], w[NORD + 1], y[NORD + 1], s[NORD + 1], q[NORD + 1];
    R pv[NORD + 1], pw[NORD + 1], py[NORD + 1];
    for (int st = 0; st < NSTEP; st++) {
        v[0] = x[0]; w[0] = x[1]; y[0] = x[2];
        for (int k = 0; k < NORD; k++) {
            R sk = 0, qk = 0;
            for (int j = 0; j <= k; j++) sk += v[j] * v[k - j];
            s[k] = sk;
            for (int j = 0; j <= k; j++) qk += s[j] * v[k - j];
            q[k] = qk;
            v[k + 1] = (v[k] - qk / 3 - w[k] + y[k] + (k == 0 ? I : 0)) / (k + 1);
            w[k + 1] = DEL * ((k == 0 ? A_ : 0) + v[k] - B_ * w[k]) / (k + 1);
            y[k + 1] = MU * ((k == 0 ? C_ : 0) - v[k] - D_ * y[k]) / (k + 1);
        }
        /* integral of div = 1 - v^2 - delta b - mu d */
        {
            R acc = 0, hp = h;
            for (int k = 0; k < NORD; k++) {
                R dk = (k == 0 ? 1 - DEL * B_ - MU * D_ : 0) - s[k];
                acc += dk * hp / (k + 1);
                hp *= h;
            }
            idv += acc;
        }
        for (int c = 0; c < 4; c++) {
            pv[0] = P[c][0]; pw[0] = P[c][1]; py[0] = P[c][2];
            for (int k = 0; k < NORD; k++) {
                R g = 0;
                for (int j = 0; j <= k; j++) g += s[j] * pv[k - j];
                pv[k + 1] = (pv[k] - g - pw[k] + py[k] + ((c == 3 && k == 0) ? 1 : 0)) / (k + 1);
                pw[k + 1] = DEL * (pv[k] - B_ * pw[k]) / (k + 1);
                py[k + 1] = MU * (-pv[k] - D_ * py[k]) / (k + 1);
            }
            R a0 = pv[NORD], a1 = pw[NORD], a2 = py[NORD];
            for (int k = NORD - 1; k >= 0; k--) { a0 = a0 * h + pv[k]; a1 = a1 * h + pw[k]; a2 = a2 * h + py[k]; }
            P[c][0] = a0; P[c][1] = a1; P[c][2] = a2;
        }
        R a0 = v[NORD], a1 = w[NORD], a2 = y[NORD];
        for (int k = NORD - 1; k >= 0; k--) { a0 = a0 * h + v[k]; a1 = a1 * h + w[k]; a2 = a2 * h + y[k]; }
        x[0] = a0; x[1] = a1; x[2] = a2;
    }
    for (int i = 0; i < 3; i++) {
        xT[i] = x[i];
        dI[i] = P[3][i];
        for (int j = 0; j < 3; j++) M[i * 3 + j] = P[j][i];
    }
    if (intdiv) *intdiv = idv;
}

static void rhs(const R x[3], R I, R f[3])
{
    f[0] = x[0] - x[0] * x[0] * x[0] / 3 - x[1] + x[2] + I;
    f[1] = DEL * (A_ + x[0] - B_ * x[1]);
    f[2] = MU * (C_ - x[0] - D_ * x[2]);
}

/* solve 4x4 linear system with partial pivoting */
static int solve4(R Am[4][4], R b[4], R xo[4])
{
    R a[4][5];
    for (int i = 0; i < 4; i++) { for (int j = 0; j < 4; j++) a[i][j] = Am[i][j]; a[i][4] = b[i]; }
    for (int c = 0; c < 4; c++) {
        int p = c;
        for (int r = c + 1; r < 4; r++) if (fabsq(a[r][c]) > fabsq(a[p][c])) p = r;
        if (a[p][c] == 0) return -1;
        if (p != c) for (int j = 0; j < 5; j++) { R t = a[c][j]; a[c][j] = a[p][j]; a[p][j] = t; }
        for (int r = c + 1; r < 4; r++) {
            R m = a[r][c] / a[c][c];
            for (int j = c; j < 5; j++) a[r][j] -= m * a[c][j];
        }
    }
    for (int i = 3; i >= 0; i--) {
        R s = a[i][4];
        for (int j = i + 1; j < 4; j++) s -= a[i][j] * xo[j];
        xo[i] = s / a[i][i];
    }
    return 0;
}

/* u = (w0, y0, I, T); residual F (3) and Jacobian rows (3x4) */
static void resid(const R u[4], R F[3], R Jr[3][4], R M[9], R *idv)
{
    R x0[3] = {V0, u[0], u[1]}, xT[3], dI[3], f[3];
    flow(x0, u[2], u[3], xT, M, dI, idv);
    rhs(xT, u[2], f);
    for (int i = 0; i < 3; i++) {
        F[i] = xT[i] - x0[i];
        Jr[i][0] = M[i * 3 + 1] - (i == 1);
        Jr[i][1] = M[i * 3 + 2] - (i == 2);
        Jr[i][2] = dI[i];
        Jr[i][3] = f[i];
    }
}

/* scaling of unknowns in the arclength metric */
static const R SC[4] = {1, 1, 1, 0.01Q};

/* Newton: 3 periodicity eqs + tau.(u-up)=0 (scaled). Returns 0 on success. */
static int newton(R u[4], const R up[4], const R tau[4], R M[9], R *idv, R Jout[3][4])
{
    for (int it = 0; it < 30; it++) {
        R F[3], Jr[3][4], Am[4][4], b[4], du[4];
        resid(u, F, Jr, M, idv);
        R g = 0;
        for (int j = 0; j < 4; j++) g += tau[j] * SC[j] * SC[j] * (u[j] - up[j]);
        for (int i = 0; i < 3; i++) { for (int j = 0; j < 4; j++) Am[i][j] = Jr[i][j]; b[i] = -F[i]; }
        for (int j = 0; j < 4; j++) Am[3][j] = tau[j] * SC[j] * SC[j];
        b[3] = -g;
        if (solve4(Am, b, du)) return -1;
        R nr = 0, nd = 0;
        for (int i = 0; i < 3; i++) nr = fmaxq(nr, fabsq(F[i]));
        for (int j = 0; j < 4; j++) { u[j] += du[j]; nd = fmaxq(nd, fabsq(du[j])); }
        if (Jout) memcpy(Jout, Jr, sizeof(R) * 12);
        if (getenv("DBG")) { qp("  it res=%.3Qe ", nr); qp("du=%.3Qe\n", nd); }
        if (!(nd == nd) || !(nr == nr)) return -3;
        if (nd < 1e-28Q && nr < 1e-24Q) { resid(u, F, Jr, M, idv); if (Jout) memcpy(Jout, Jr, sizeof(R) * 12); return 0; }
    }
    return -2;
}

/* tangent: null vector of 3x4 Jacobian, normalised in scaled metric, sign by previous */
static void tangent(R Jr[3][4], const R prev[4], R t[4])
{
    /* null vector via cofactors: t_j = (-1)^j det(J without column j) */
    for (int j = 0; j < 4; j++) {
        int c[3], n = 0;
        for (int k = 0; k < 4; k++) if (k != j) c[n++] = k;
        R d = Jr[0][c[0]] * (Jr[1][c[1]] * Jr[2][c[2]] - Jr[1][c[2]] * Jr[2][c[1]])
            - Jr[0][c[1]] * (Jr[1][c[0]] * Jr[2][c[2]] - Jr[1][c[2]] * Jr[2][c[0]])
            + Jr[0][c[2]] * (Jr[1][c[0]] * Jr[2][c[1]] - Jr[1][c[1]] * Jr[2][c[0]]);
        t[j] = (j & 1) ? -d : d;
    }
    R n = 0, dp = 0;
    for (int j = 0; j < 4; j++) n += t[j] * t[j] * SC[j] * SC[j];
    n = sqrtq(n);
    for (int j = 0; j < 4; j++) { t[j] /= n; dp += t[j] * prev[j] * SC[j] * SC[j]; }
    if (dp < 0) for (int j = 0; j < 4; j++) t[j] = -t[j];
}

/* multipliers from M: trivial one (Newton near 1 on char poly), then quadratic */
static void mults(const R M[9], R *l1, R *s, R *p, R *re1, R *im1, R *re2, R *im2, R *pdtest, R *lptest)
{
    R tr = M[0] + M[4] + M[8];
    R c2 = M[0] * M[4] - M[1] * M[3] + M[0] * M[8] - M[2] * M[6] + M[4] * M[8] - M[5] * M[7];
    R det = M[0] * (M[4] * M[8] - M[5] * M[7]) - M[1] * (M[3] * M[8] - M[5] * M[6]) + M[2] * (M[3] * M[7] - M[4] * M[6]);
    /* chi(l) = l^3 - tr l^2 + c2 l - det.  Trivial multiplier: exactly 1 in theory. */
    R l = 1;
    for (int it = 0; it < 50; it++) {
        R ch = ((l - tr) * l + c2) * l - det, dch = (3 * l - 2 * tr) * l + c2;
        if (dch == 0) break;
        R dl = ch / dch;
        l -= dl;
        if (fabsq(dl) < 1e-32Q) break;
    }
    /* Don't trust Newton near double root 1 (at the fold); use exact deflation by 1 too */
    *l1 = l;
    R S = tr - 1, P = det; /* deflate by exact trivial multiplier 1 */
    *s = S; *p = P;
    R disc = S * S - 4 * P;
    if (disc >= 0) {
        R r = sqrtq(disc);
        R big = S >= 0 ? (S + r) / 2 : (S - r) / 2;
        *re1 = big; *im1 = 0; *re2 = P / big; *im2 = 0;
    } else {
        *re1 = *re2 = S / 2; *im1 = sqrtq(-disc) / 2; *im2 = -*im1;
    }
    *pdtest = 1 + S + P;   /* (1+m1)(1+m2) */
    *lptest = 1 - S + P;   /* (1-m1)(1-m2) */
    /* consistency: chi(1) should be 0: 1 - tr + c2 - det */
    (void)c2;
}

static void report(const R u[4], const R M[9], R idv, R extra)
{
    R l1, S, P, r1, i1, r2, i2, pd, lp;
    mults(M, &l1, &S, &P, &r1, &i1, &r2, &i2, &pd, &lp);
    R tr = M[0] + M[4] + M[8];
    R c2 = M[0] * M[4] - M[1] * M[3] + M[0] * M[8] - M[2] * M[6] + M[4] * M[8] - M[5] * M[7];
    R det = M[0] * (M[4] * M[8] - M[5] * M[7]) - M[1] * (M[3] * M[8] - M[5] * M[6]) + M[2] * (M[3] * M[7] - M[4] * M[6]);
    R chi1 = 1 - tr + c2 - det;
    qp("I=%.22Qf ", u[2]); qp("T=%.20Qf ", u[3]);
    qp("w0=%.18Qf ", u[0]); qp("y0=%.18Qf ", u[1]);
    if (i1 == 0) { qp("m=(%.12Qe, ", r1); qp("%.12Qe) ", r2); }
    else { qp("m=(%.12Qe +- ", r1); qp("%.12Qe i) ", i1); }
    qp("PDtest=%.6Qe ", pd); qp("LPtest=%.6Qe ", lp);
    qp("chi(1)=%.2Qe ", chi1); qp("det=%.10Qe ", det); qp("exp(int div)=%.10Qe ", expq(idv));
    qp("triv=%.6Qe ", l1);
    qp("ds=%.3Qe", extra);
    printf("\n");
    fflush(stdout);
}

int main(int argc, char **argv)
{
    /* args: w0 y0 I T  nsteps(continuation) ds dsmax dir [NSTEP] */
    if (argc < 9) { fprintf(stderr, "usage: w0 y0 I T nsteps ds dsmax dir [NSTEP] [Tstop_lo Tstop_hi]\n"); return 1; }
    R u[4] = {strtoflt128(argv[1], 0), strtoflt128(argv[2], 0), strtoflt128(argv[3], 0), strtoflt128(argv[4], 0)};
    int nst = atoi(argv[5]);
    R ds = strtoflt128(argv[6], 0), dsmax = strtoflt128(argv[7], 0);
    int dir = atoi(argv[8]);
    if (argc > 9) NSTEP = atoi(argv[9]);
    if (getenv("V0")) V0 = strtoflt128(getenv("V0"), 0);
    R M[9], idv, Jr[3][4];
    /* first: correct at fixed T */
    R tau0[4] = {0, 0, 0, 1}, up[4];
    memcpy(up, u, sizeof u);
    if (newton(u, up, tau0, M, &idv, Jr)) { fprintf(stderr, "initial Newton failed\n"); return 2; }
    report(u, M, idv, 0);
    R t[4], prev[4] = {0, 0, 0, (R)dir};
    tangent(Jr, prev, t);
    R pdold, lpold;
    { R a, b, c, d, e, f, g; mults(M, &a, &b, &c, &d, &e, &f, &g, &pdold, &lpold); }
    for (int n = 0; n < nst; n++) {
        R un[4], Mn[9], idn, Jn[3][4];
        int ok;
        for (;;) {
            for (int j = 0; j < 4; j++) un[j] = up[j] = u[j] + ds * t[j];
            ok = newton(un, up, t, Mn, &idn, Jn);
            if (ok == 0) {
                /* step control: limit change in log|PDtest|, log|LPtest| */
                R a, b, c, d, e, f, g, pd, lp;
                mults(Mn, &a, &b, &c, &d, &e, &f, &g, &pd, &lp);
                R ch = fmaxq(fabsq(asinhq(pd) - asinhq(pdold)), fabsq(asinhq(lp) - asinhq(lpold)));
                if (ch < 0.3Q || ds < 1e-22Q) { pdold = pd; lpold = lp; break; }
            }
            ds /= 2;
            if (ds < 1e-24Q) { fprintf(stderr, "ds too small\n"); return 3; }
        }
        R tn[4];
        tangent(Jn, t, tn);
        memcpy(u, un, sizeof u); memcpy(t, tn, sizeof t); memcpy(M, Mn, sizeof M);
        report(u, M, idn, ds);
        ds = fminq(ds * 1.5Q, dsmax);
    }
    return 0;
}
