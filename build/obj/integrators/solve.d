build/obj/integrators/solve.o: integrators/solve.c \
 integrators/stepper_impl.h include/neurodyn/integrate.h \
 include/neurodyn/core.h include/neurodyn/error.h \
 include/neurodyn/model.h include/neurodyn/kernels.h
integrators/stepper_impl.h:
include/neurodyn/integrate.h:
include/neurodyn/core.h:
include/neurodyn/error.h:
include/neurodyn/model.h:
include/neurodyn/kernels.h:
