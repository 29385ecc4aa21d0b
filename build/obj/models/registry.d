build/obj/models/registry.o: models/registry.c include/neurodyn/core.h \
 include/neurodyn/error.h include/neurodyn/model.h \
 include/neurodyn/kernels.h models/zoo.h include/neurodyn/model.h
include/neurodyn/core.h:
include/neurodyn/error.h:
include/neurodyn/model.h:
include/neurodyn/kernels.h:
models/zoo.h:
include/neurodyn/model.h:
