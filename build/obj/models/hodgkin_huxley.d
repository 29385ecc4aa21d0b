build/obj/models/hodgkin_huxley.o: models/hodgkin_huxley.c \
 include/neurodyn/model.h include/neurodyn/kernels.h models/zoo.h
include/neurodyn/model.h:
include/neurodyn/kernels.h:
models/zoo.h:
