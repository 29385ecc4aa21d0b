/* Locate zero of PD test (1+m1)(1+m2) or LP test (1-m1)(1-m2) along the family, using T as parameter
 * (fixed-T Newton in (w0,y0,I), v0=V0 section), Illinois regula falsi in T.
 * usage: fhr_locate w0 y0 I Tlo Thi pd|lp [NSTEP] */
#define main main_orig
#include "fhr_shoot.c"
#undef main
static R ug[4];
static R eval(R T, int which, R u[4], R M[9], R *idv)
{
    R tau0[4] = {0, 0, 0, 1}, up[4];
    memcpy(u, ug, sizeof ug); u[3] = T; memcpy(up, u, sizeof ug);
    if (newton(u, up, tau0, M, idv, NULL)) { fprintf(stderr, "Newton fail\n"); exit(2); }
    memcpy(ug, u, sizeof ug);
    R a, b, c, d, e, f, g, pd, lp;
    mults(M, &a, &b, &c, &d, &e, &f, &g, &pd, &lp);
    return which ? pd : lp;
}
int main(int argc, char **argv)
{
    ug[0] = strtoflt128(argv[1], 0); ug[1] = strtoflt128(argv[2], 0); ug[2] = strtoflt128(argv[3], 0);
    R a = strtoflt128(argv[4], 0), b = strtoflt128(argv[5], 0);
    int which = strcmp(argv[6], "pd") == 0;
    if (argc > 7) NSTEP = atoi(argv[7]);
    if (getenv("V0")) V0 = strtoflt128(getenv("V0"), 0);
    R u[4], M[9], idv;
    R fa = eval(a, which, u, M, &idv); report(u, M, idv, 0);
    R fb = eval(b, which, u, M, &idv); report(u, M, idv, 0);
    if (fa * fb > 0) { fprintf(stderr, "no bracket\n"); return 1; }
    int side = 0;
    for (int it = 0; it < 60 && fabsq(b - a) > 1e-24Q; it++) {
        R c = (a * fb - b * fa) / (fb - fa);
        R fc = eval(c, which, u, M, &idv);
        report(u, M, idv, c - a);
        if (fc == 0) break;
        if (fc * fb < 0) { a = b; fa = fb; b = c; fb = fc; side = 0; }
        else { b = c; fb = fc; if (side == 1) fa /= 2; side = 1; }
        if (fabsq(fc) < 1e-26Q) break;
    }
    return 0;
}
