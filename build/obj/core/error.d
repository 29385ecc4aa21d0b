build/obj/core/error.o: core/error.c include/neurodyn/error.h
include/neurodyn/error.h:
