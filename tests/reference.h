/* Reference formulas the tests share, computed independently of the library. */
#ifndef ND_TESTS_REFERENCE_H
#define ND_TESTS_REFERENCE_H

/* l1 of a planar system at a Hopf point (trace 0, det > 0) from its exact derivatives: J
 * row-major, B[i][j][k] = d2 f_i / dx_j dx_k, C[i][j][k][l] likewise. */
double planar_l1(const double J[4], double B[2][2][2], double C[2][2][2][2]);

#endif
