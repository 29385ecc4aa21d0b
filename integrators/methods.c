/* The method table: every integrator by BrainPy's name, with its Butcher tableau.
 * Tableaux: Hairer, Nørsett & Wanner, Solving ODEs I (2nd ed.), Tables II.1.1-II.5.2;
 * Ralston (1962) Math. Comp. 16:431 for ralston2/3/4 (ralston4 exact values in surds,
 * evaluated to 40 digits); Gottlieb & Shu (1998) for ssprk3; Fehlberg (1969) NASA TR R-315
 * for rkf12 and rkf45; Dormand & Prince (1980) for rkdp; Cash & Karp (1990) ACM TOMS 16:201
 * for ck; Bogacki & Shampine (1989) Appl. Math. Lett. 2:321 for bs. Embedded pairs propagate
 * the higher-order solution (local extrapolation), as GSL does for rkf45 and rkck, except
 * rkf12, which propagates its first-order solution as Fehlberg designed it. */
#include <stdio.h>
#include <string.h>

#include "neurodyn/integrate.h"


static const nd_butcher tab_euler = {1, 1, 0, 0, {0}, {{0}}, {1}, {0}};
static const nd_butcher tab_midpoint = {2, 2, 0, 0, {0, 0.5}, {{0}, {0.5}}, {0, 1}, {0}};
static const nd_butcher tab_heun2 = {2, 2, 0, 0, {0, 1}, {{0}, {1}}, {0.5, 0.5}, {0}};
static const nd_butcher tab_ralston2 = {2, 2, 0, 0, {0, 2.0 / 3}, {{0}, {2.0 / 3}},
                                        {0.25, 0.75}, {0}};
/* BrainPy's rk2 is the generic second-order family with beta = 2/3 */
static const nd_butcher tab_rk2 = {2, 2, 0, 0, {0, 2.0 / 3}, {{0}, {2.0 / 3}},
                                   {1 - 0.75, 0.75}, {0}};
/* Kutta's third-order method */
static const nd_butcher tab_rk3 = {3, 3, 0, 0, {0, 0.5, 1}, {{0}, {0.5}, {-1, 2}},
                                   {1.0 / 6, 2.0 / 3, 1.0 / 6}, {0}};
static const nd_butcher tab_heun3 = {3, 3, 0, 0, {0, 1.0 / 3, 2.0 / 3},
                                     {{0}, {1.0 / 3}, {0, 2.0 / 3}}, {0.25, 0, 0.75}, {0}};
static const nd_butcher tab_ralston3 = {3, 3, 0, 0, {0, 0.5, 0.75}, {{0}, {0.5}, {0, 0.75}},
                                        {2.0 / 9, 1.0 / 3, 4.0 / 9}, {0}};
static const nd_butcher tab_ssprk3 = {3, 3, 0, 0, {0, 1, 0.5}, {{0}, {1}, {0.25, 0.25}},
                                      {1.0 / 6, 1.0 / 6, 2.0 / 3}, {0}};
static const nd_butcher tab_rk4 = {4, 4, 0, 0, {0, 0.5, 0.5, 1}, {{0}, {0.5}, {0, 0.5}, {0, 0, 1}},
                                   {1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6}, {0}};
static const nd_butcher tab_ralston4 = {
    4, 4, 0, 0,
    {0, 0.4, 0.4557372542187894319232799371128857058548, 1},
    {{0},
     {0.4},
     {0.2969776092477536000706054677229125627051, 0.1587596449710358318526744693899731431504},
     {0.2181003882259204675961605401197504034790, -3.050965148692930805353582678274085976941,
      3.832864760467010337757422138154335573462}},
    {0.1747602822626903712548676424114517823679, -0.5514806628787329405457611464815246174088,
     1.205535599396523535027777200614179379283, 0.1711847812195190342631163034558934557580},
    {0}};
static const nd_butcher tab_rk4_38 = {4, 4, 0, 0, {0, 1.0 / 3, 2.0 / 3, 1},
                                      {{0}, {1.0 / 3}, {-1.0 / 3, 1}, {1, -1, 1}},
                                      {0.125, 0.375, 0.375, 0.125}, {0}};

/* ---- embedded pairs ---- */
static const nd_butcher tab_heun_euler = {2, 2, 1, 0, {0, 1}, {{0}, {1}}, {0.5, 0.5}, {1, 0}};
/* Fehlberg's 1(2) pair is built to propagate the first-order solution (its error constant
 * is 1/512 and the third stage is FSAL); the second-order one only estimates the error.
 * Local extrapolation would leave the propagated solution's error uncontrolled. */
static const nd_butcher tab_rkf12 = {3, 1, 2, 1, {0, 0.5, 1},
                                     {{0}, {0.5}, {1.0 / 256, 255.0 / 256}},
                                     {1.0 / 256, 255.0 / 256, 0},
                                     {1.0 / 512, 255.0 / 256, 1.0 / 512}};
static const nd_butcher tab_bs = {4, 3, 2, 1, {0, 0.5, 0.75, 1},
                                  {{0}, {0.5}, {0, 0.75}, {2.0 / 9, 1.0 / 3, 4.0 / 9}},
                                  {2.0 / 9, 1.0 / 3, 4.0 / 9, 0},
                                  {7.0 / 24, 0.25, 1.0 / 3, 0.125}};
static const nd_butcher tab_rkf45 = {
    6, 5, 4, 0,
    {0, 0.25, 3.0 / 8, 12.0 / 13, 1, 0.5},
    {{0},
     {0.25},
     {3.0 / 32, 9.0 / 32},
     {1932.0 / 2197, -7200.0 / 2197, 7296.0 / 2197},
     {439.0 / 216, -8, 3680.0 / 513, -845.0 / 4104},
     {-8.0 / 27, 2, -3544.0 / 2565, 1859.0 / 4104, -11.0 / 40}},
    {16.0 / 135, 0, 6656.0 / 12825, 28561.0 / 56430, -9.0 / 50, 2.0 / 55},
    {25.0 / 216, 0, 1408.0 / 2565, 2197.0 / 4104, -0.2, 0}};
static const nd_butcher tab_ck = {
    6, 5, 4, 0,
    {0, 0.2, 0.3, 0.6, 1, 7.0 / 8},
    {{0},
     {0.2},
     {3.0 / 40, 9.0 / 40},
     {0.3, -0.9, 1.2},
     {-11.0 / 54, 2.5, -70.0 / 27, 35.0 / 27},
     {1631.0 / 55296, 175.0 / 512, 575.0 / 13824, 44275.0 / 110592, 253.0 / 4096}},
    {37.0 / 378, 0, 250.0 / 621, 125.0 / 594, 0, 512.0 / 1771},
    {2825.0 / 27648, 0, 18575.0 / 48384, 13525.0 / 55296, 277.0 / 14336, 0.25}};
static const nd_butcher tab_rkdp = {
    7, 5, 4, 1,
    {0, 0.2, 0.3, 0.8, 8.0 / 9, 1, 1},
    {{0},
     {0.2},
     {3.0 / 40, 9.0 / 40},
     {44.0 / 45, -56.0 / 15, 32.0 / 9},
     {19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
     {9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656},
     {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84}},
    {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0},
    {5179.0 / 57600, 0, 7571.0 / 16695, 393.0 / 640, -92097.0 / 339200, 187.0 / 2100,
     1.0 / 40}};

#define ERK(nm, desc, tab, order, adapt) {nm, desc, ND_METHOD_ERK, order, adapt, &(tab), NULL}
#define GSL(nm, desc, ord) {nm, desc, ND_METHOD_GSL, ord, 1, NULL, nm}

static const nd_method methods[] = {
    ERK("euler", "explicit Euler, order 1", tab_euler, 1, 0),
    ERK("midpoint", "explicit midpoint, order 2", tab_midpoint, 2, 0),
    ERK("heun2", "Heun's second-order method (trapezoidal)", tab_heun2, 2, 0),
    ERK("ralston2", "Ralston's second-order method", tab_ralston2, 2, 0),
    ERK("rk2", "generic second-order RK with beta = 2/3", tab_rk2, 2, 0),
    ERK("rk3", "Kutta's third-order method", tab_rk3, 3, 0),
    ERK("heun3", "Heun's third-order method", tab_heun3, 3, 0),
    ERK("ralston3", "Ralston's third-order method", tab_ralston3, 3, 0),
    ERK("ssprk3", "strong-stability-preserving RK3 (Shu-Osher)", tab_ssprk3, 3, 0),
    ERK("rk4", "classical fourth-order Runge-Kutta", tab_rk4, 4, 0),
    ERK("ralston4", "Ralston's fourth-order method (minimum error bound)", tab_ralston4, 4, 0),
    ERK("rk4_38rule", "Kutta's 3/8-rule fourth-order method", tab_rk4_38, 4, 0),
    ERK("heun_euler", "Heun-Euler 2(1) embedded pair", tab_heun_euler, 2, 1),
    ERK("rkf12", "Runge-Kutta-Fehlberg 1(2) embedded pair, FSAL", tab_rkf12, 1, 1),
    ERK("bs", "Bogacki-Shampine 3(2) embedded pair, FSAL", tab_bs, 3, 1),
    ERK("rkf45", "Runge-Kutta-Fehlberg 4(5) embedded pair", tab_rkf45, 5, 1),
    ERK("ck", "Cash-Karp 4(5) embedded pair", tab_ck, 5, 1),
    ERK("rkdp", "Dormand-Prince 5(4) embedded pair, FSAL (the default)", tab_rkdp, 5, 1),
    {"exponential_euler", "exponential Euler with the full Jacobian (exact for linear ODEs)",
     ND_METHOD_EXP_EULER, 2, 0, NULL, NULL},
    GSL("rk8pd", "GSL: Prince-Dormand 8(9), high accuracy", 8),
    GSL("bsimp", "GSL: implicit Bulirsch-Stoer (Bader-Deuflhard), stiff", 6),
    GSL("msbdf", "GSL: variable-order BDF (multistep), stiff", 5),
};

size_t nd_method_count(void) { return sizeof methods / sizeof methods[0]; }

const nd_method *nd_method_at(size_t i) { return i < nd_method_count() ? &methods[i] : NULL; }

const nd_method *nd_method_find(const char *name, nd_error *err)
{
    for (size_t i = 0; name && i < nd_method_count(); i++)
        if (strcmp(methods[i].name, name) == 0) return &methods[i];
    char list[600];
    size_t used = 0;
    list[0] = '\0';
    for (size_t i = 0; i < nd_method_count(); i++)
        used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "",
                                 methods[i].name);
    nd_fail(err, ND_EINVAL, "unknown integration method '%s' (methods: %s)", name ? name : "(null)",
            list);
    return NULL;
}
