/* Included first (-include) into the hand-written hh_rk4.c baseline to build hh_rk4_sleef: the
 * same program with SLEEF's scalar exp (u10, FMA family), the function neurodyn's single-
 * trajectory driver calls so that it equals an ensemble lane bitwise. The ratio against it
 * separates the driver's own code from the choice of math library (docs/performance.md). */
#include <math.h>
double Sleef_expd1_u10purecfma(double);
#define exp(x) Sleef_expd1_u10purecfma(x)
