build/obj/models/hindmarsh_rose.o: models/hindmarsh_rose.c \
 include/neurodyn/model.h include/neurodyn/kernels.h models/zoo.h
include/neurodyn/model.h:
include/neurodyn/kernels.h:
models/zoo.h:
