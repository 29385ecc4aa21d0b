build/obj/integrators/methods.o: integrators/methods.c \
 include/neurodyn/integrate.h include/neurodyn/core.h \
 include/neurodyn/error.h include/neurodyn/model.h \
 include/neurodyn/kernels.h
include/neurodyn/integrate.h:
include/neurodyn/core.h:
include/neurodyn/error.h:
include/neurodyn/model.h:
include/neurodyn/kernels.h:
