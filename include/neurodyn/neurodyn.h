/* neurodyn — everything. */
#ifndef NEURODYN_H
#define NEURODYN_H

#include "version.h"
#include "error.h"
#include "model.h"
#include "core.h"
#include "ode.h"
#include "tsv.h"
#include "integrate.h"
#include "plot.h"
#include "sde.h"
#include "noise.h"
#include "analysis.h"
#include "continuation.h"
#include "codim2.h"
#include "cycles.h"
#include "homoclinic.h"
#include "cycle_codim2.h"
#include "prc.h"
#include "fastslow.h"
#include "connect.h"
#include "sim.h"
#include "ensemble.h"
#include "progress.h"

#endif
