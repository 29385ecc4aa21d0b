build/obj/integrators/stepper.o: integrators/stepper.c \
 integrators/stepper_impl.h include/neurodyn/integrate.h \
 include/neurodyn/core.h include/neurodyn/error.h \
 include/neurodyn/model.h include/neurodyn/kernels.h
integrators/stepper_impl.h:
include/neurodyn/integrate.h:
include/neurodyn/core.h:
include/neurodyn/error.h:
include/neurodyn/model.h:
include/neurodyn/kernels.h:
