build/obj/core/model.o: core/model.c include/neurodyn/core.h \
 include/neurodyn/error.h include/neurodyn/model.h \
 include/neurodyn/kernels.h
include/neurodyn/core.h:
include/neurodyn/error.h:
include/neurodyn/model.h:
include/neurodyn/kernels.h:
