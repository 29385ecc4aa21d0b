build/obj/models/fitzhugh_nagumo.o: models/fitzhugh_nagumo.c \
 include/neurodyn/model.h include/neurodyn/kernels.h models/zoo.h
include/neurodyn/model.h:
include/neurodyn/kernels.h:
models/zoo.h:
