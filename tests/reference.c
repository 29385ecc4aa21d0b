/* Reference formulas shared by the tests (tests/reference.h). */
#include <math.h>

#include "reference.h"

/* l1 of a planar system at a Hopf point from its exact derivatives (J row-major, B[i][j][k] =
 * d2 f_i / dx_j dx_k, C likewise), independently of normal_forms.c: the Guckenheimer–Holmes
 * formula (Nonlinear Oscillations, eq. 3.4.11; Kuznetsov, Elements, eq. 3.22 is the same in
 * complex form) in the real Jordan coordinates x = u Re q - v Im q of the unit eigenvector
 * (J q = i w q, |q| = 1), where the linear part is u' = -w v, v' = w u. There
 * x = z q + conj(z q) with z = (u + i v)/2, so r' = a r^3 (r^2 = u^2 + v^2) is |z|' = 4 a |z|^3:
 * Re c1 = 4 a and l1 = Re c1 / w = 4 a / w. */
double planar_l1(const double J[4], double B[2][2][2], double C[2][2][2][2])
{
    double w = sqrt(J[0] * J[3] - J[1] * J[2]);
    /* q = (-J01, J00 - i w) / n solves (J - i w) q = 0 when the trace vanishes */
    double n = sqrt(J[1] * J[1] + J[0] * J[0] + w * w);
    double T[2][2] = {{-J[1] / n, 0}, {J[0] / n, w / n}}; /* columns Re q, -Im q */
    double dT = T[0][0] * T[1][1] - T[0][1] * T[1][0];
    double Ti[2][2] = {{T[1][1] / dT, -T[0][1] / dT}, {-T[1][0] / dT, T[0][0] / dT}};
    double F2[2][2][2], F3[2][2][2][2];
    for (int o = 0; o < 2; o++)
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 2; j++) {
                F2[o][i][j] = 0;
                for (int r = 0; r < 2; r++)
                    for (int a = 0; a < 2; a++)
                        for (int b = 0; b < 2; b++) F2[o][i][j] += Ti[o][r] * B[r][a][b] * T[a][i] * T[b][j];
                for (int k = 0; k < 2; k++) {
                    F3[o][i][j][k] = 0;
                    for (int r = 0; r < 2; r++)
                        for (int a = 0; a < 2; a++)
                            for (int b = 0; b < 2; b++)
                                for (int c = 0; c < 2; c++)
                                    F3[o][i][j][k] += Ti[o][r] * C[r][a][b][c] * T[a][i] * T[b][j] * T[c][k];
                }
            }
    double fxx = F2[0][0][0], fxy = F2[0][0][1], fyy = F2[0][1][1], gxx = F2[1][0][0], gxy = F2[1][0][1],
           gyy = F2[1][1][1];
    double a = (F3[0][0][0][0] + F3[0][0][1][1] + F3[1][0][0][1] + F3[1][1][1][1]) / 16 +
               (fxy * (fxx + fyy) - gxy * (gxx + gyy) - fxx * gxx + fyy * gyy) / (16 * w);
    return 4 * a / w;
}
