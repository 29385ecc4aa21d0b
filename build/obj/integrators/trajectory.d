build/obj/integrators/trajectory.o: integrators/trajectory.c \
 include/neurodyn/integrate.h include/neurodyn/core.h \
 include/neurodyn/error.h include/neurodyn/model.h \
 include/neurodyn/kernels.h
include/neurodyn/integrate.h:
include/neurodyn/core.h:
include/neurodyn/error.h:
include/neurodyn/model.h:
include/neurodyn/kernels.h:
